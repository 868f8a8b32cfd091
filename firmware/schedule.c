#include "schedule.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

struct schedule {
    const struct feed *feed;
    size_t *order; /* indices into feed->items, in rotation order */
    size_t n;
    size_t pos;    /* index into order of the current item */
    bool started;
    char *current_id; /* owned: survives the feed it came from */
};

struct schedule *schedule_create(void)
{
    return xcalloc(1, sizeof(struct schedule));
}

void schedule_destroy(struct schedule *s)
{
    if (!s)
        return;
    free(s->order);
    free(s->current_id);
    free(s);
}

static const struct feed *sort_feed; /* qsort has no context argument; single-threaded use */

static int by_newest(const void *a, const void *b)
{
    const struct item *x = &sort_feed->items[*(const size_t *)a];
    const struct item *y = &sort_feed->items[*(const size_t *)b];
    if (x->published_at != y->published_at)
        return x->published_at > y->published_at ? -1 : 1;
    return strcmp(x->id, y->id);
}

void schedule_set_feed(struct schedule *s, const struct feed *f)
{
    static const enum item_type turn[] = {ITEM_INTRODUCTION, ITEM_SHOUTOUT, ITEM_POST,
                                          ITEM_HELP_REQUEST};
    const char *current = s->started ? s->current_id : NULL;
    size_t n = f ? f->n_items : 0;
    size_t *by_type[ITEM_TYPE_COUNT];
    size_t count[ITEM_TYPE_COUNT] = {0};

    for (int t = 0; t < ITEM_TYPE_COUNT; t++)
        by_type[t] = xcalloc(n ? n : 1, sizeof(size_t));
    for (size_t i = 0; i < n; i++) {
        enum item_type t = f->items[i].type;
        by_type[t][count[t]++] = i;
    }
    sort_feed = f;
    for (int t = 0; t < ITEM_TYPE_COUNT; t++)
        qsort(by_type[t], count[t], sizeof(size_t), by_newest);
    sort_feed = NULL;

    free(s->order);
    s->order = xcalloc(n ? n : 1, sizeof(size_t));
    s->n = 0;
    size_t taken[ITEM_TYPE_COUNT] = {0};
    while (s->n < n) {
        for (size_t k = 0; k < ARRAY_LEN(turn); k++) {
            enum item_type t = turn[k];
            if (taken[t] < count[t])
                s->order[s->n++] = by_type[t][taken[t]++];
        }
    }
    for (int t = 0; t < ITEM_TYPE_COUNT; t++)
        free(by_type[t]);

    s->feed = f;
    s->pos = 0;
    bool found = false;
    for (size_t i = 0; current && i < s->n; i++) {
        if (strcmp(f->items[s->order[i]].id, current) == 0) {
            s->pos = i;
            found = true;
        }
    }
    /* When the current item is gone, the next advance starts from the top of the rotation. */
    s->started = found;
}

const struct item *schedule_advance(struct schedule *s, int64_t now)
{
    for (size_t step = 0; step < s->n; step++) {
        size_t pos = s->started ? (s->pos + 1 + step) % s->n : step;
        const struct item *it = &s->feed->items[s->order[pos]];
        if (item_time_verdict(it, now) == TIME_SHOWN) {
            s->pos = pos;
            s->started = true;
            free(s->current_id);
            s->current_id = xstrdup(it->id);
            return it;
        }
    }
    return NULL;
}

const struct item *schedule_current(const struct schedule *s)
{
    return s->started && s->n ? &s->feed->items[s->order[s->pos]] : NULL;
}

size_t schedule_count_shown(const struct schedule *s, int64_t now)
{
    size_t c = 0;
    for (size_t i = 0; i < s->n; i++)
        c += item_time_verdict(&s->feed->items[s->order[i]], now) == TIME_SHOWN;
    return c;
}

size_t schedule_page(const struct schedule *s, int64_t now)
{
    if (!s->started || !s->n)
        return 0;
    size_t page = 0;
    for (size_t i = 0; i <= s->pos; i++)
        page += item_time_verdict(&s->feed->items[s->order[i]], now) == TIME_SHOWN;
    return item_time_verdict(&s->feed->items[s->order[s->pos]], now) == TIME_SHOWN ? page : 0;
}

static size_t count_words(const char *s)
{
    size_t n = 0;
    bool in_word = false;
    for (; s && *s; s++) {
        bool space = *s == ' ' || *s == '\n';
        if (!space && !in_word)
            n++;
        in_word = !space;
    }
    return n;
}

int64_t schedule_dwell_ms(const struct item *it, int64_t slide_ms, int64_t max_ms)
{
    /* A wall is read standing, from a distance: about 180 words a minute. */
    size_t words = count_words(it->title) + count_words(it->body) + count_words(it->message);
    int64_t reading = (int64_t)words * 60000 / 180;
    int64_t ms = reading > slide_ms ? reading : slide_ms;
    return ms < max_ms ? ms : max_ms;
}
