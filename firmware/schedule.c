#include "schedule.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define DAY 86400

/* What the rotation remembers of an item across feed updates: by id, since a refresh brings a
 * new feed with new pointers. */
struct mark {
    char *id;
    bool shown_a; /* shown in this cycle's pass over all items */
    bool shown_b; /* shown in this cycle's pass over the new items */
};

struct schedule {
    struct schedule_rules rules;
    char **groups; /* owned copies behind rules.groups */
    const struct feed *feed;
    struct mark *marks; /* one per feed item, same index */
    size_t n;
    char *current_id; /* owned: survives the feed it came from */
    enum item_type last_type;
    bool started;
};

struct schedule_rules schedule_default_rules(void)
{
    return (struct schedule_rules){
        .fresh_s = DAY,
        .introduction_s = 14 * DAY,
        .shoutout_s = 7 * DAY,
        .post_s = 0,
        .words_per_minute = 180,
        .min_ms = 8000,
        .max_ms = 40000,
        .photo_ms = 2000,
    };
}

struct schedule *schedule_create(void)
{
    struct schedule *s = xcalloc(1, sizeof *s);
    s->rules = schedule_default_rules();
    s->last_type = ITEM_TYPE_COUNT;
    return s;
}

static void free_groups(struct schedule *s)
{
    for (size_t i = 0; i < s->rules.n_groups; i++)
        free(s->groups[i]);
    free(s->groups);
    s->groups = NULL;
}

static void free_marks(struct schedule *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->marks[i].id);
    free(s->marks);
    s->marks = NULL;
    s->n = 0;
}

void schedule_destroy(struct schedule *s)
{
    if (!s)
        return;
    free_groups(s);
    free_marks(s);
    free(s->current_id);
    free(s);
}

void schedule_set_rules(struct schedule *s, const struct schedule_rules *r)
{
    free_groups(s);
    s->rules = *r;
    if (s->rules.words_per_minute < 1)
        s->rules.words_per_minute = 180;
    s->groups = xcalloc(r->n_groups ? r->n_groups : 1, sizeof *s->groups);
    for (size_t i = 0; i < r->n_groups; i++)
        s->groups[i] = xstrdup(r->groups[i]);
    s->rules.groups = (const char *const *)s->groups;
}

void schedule_set_feed(struct schedule *s, const struct feed *f)
{
    size_t n = f ? f->n_items : 0;
    struct mark *marks = xcalloc(n ? n : 1, sizeof *marks);
    for (size_t i = 0; i < n; i++) {
        marks[i].id = xstrdup(f->items[i].id);
        for (size_t k = 0; k < s->n; k++) {
            if (strcmp(s->marks[k].id, marks[i].id) == 0) {
                marks[i].shown_a = s->marks[k].shown_a;
                marks[i].shown_b = s->marks[k].shown_b;
                break;
            }
        }
    }
    free_marks(s);
    s->marks = marks;
    s->n = n;
    s->feed = f;
    /* When the item on screen left the feed, nothing is current until the next advance. */
    if (s->started && s->current_id && !feed_find(f, s->current_id))
        s->started = false;
}

/* The end of an item's default life on screen, or INT64_MAX. */
static int64_t life_end(const struct schedule_rules *r, const struct item *it)
{
    int64_t start = it->published_at, life = 0;
    switch (it->type) {
    case ITEM_INTRODUCTION:
        if (it->person.start_date != TIME_NONE)
            start = it->person.start_date;
        life = r->introduction_s;
        break;
    case ITEM_SHOUTOUT:
        life = r->shoutout_s;
        break;
    case ITEM_POST:
        life = r->post_s;
        break;
    default:
        break; /* help requests hold until their "until" date (item_time_verdict) */
    }
    return life > 0 && start != TIME_NONE ? start + life : INT64_MAX;
}

bool schedule_eligible(const struct schedule *s, const struct item *it, int64_t now)
{
    const struct schedule_rules *r = &s->rules;
    if (r->types && !(r->types & (1u << it->type)))
        return false;
    if (r->n_groups) {
        bool found = false;
        for (size_t i = 0; i < r->n_groups && !found; i++)
            found = (it->group.id && strcmp(it->group.id, r->groups[i]) == 0) ||
                    (it->group.name && strcmp(it->group.name, r->groups[i]) == 0);
        if (!found)
            return false;
    }
    if (item_time_verdict(it, now) != TIME_SHOWN)
        return false;
    if (it->expires_at != TIME_NONE || it->show_from != TIME_NONE)
        return true; /* the feed said when */
    /* A new colleague is welcomed from the first day, not before. */
    if (it->type == ITEM_INTRODUCTION && it->person.start_date != TIME_NONE &&
        now < it->person.start_date)
        return false;
    return now < life_end(r, it);
}

static bool is_fresh(const struct schedule *s, const struct item *it, int64_t now)
{
    return it->published_at != TIME_NONE && now - it->published_at < s->rules.fresh_s &&
           now >= it->published_at;
}

/* Order within a type: highlighted first, then newest, then by id (stable). */
static bool before(const struct item *x, const struct item *y)
{
    if (x->highlighted != y->highlighted)
        return x->highlighted;
    if (x->published_at != y->published_at)
        return x->published_at > y->published_at;
    return strcmp(x->id, y->id) < 0;
}

/* The best candidate of a pass: of the next type in turn after the last one shown that has a
 * candidate, the first by `before`. pass_b: among new items not yet shown twice. */
static long pick(const struct schedule *s, int64_t now, bool pass_b, const char *avoid)
{
    static const enum item_type turn[] = {ITEM_INTRODUCTION, ITEM_SHOUTOUT, ITEM_POST,
                                          ITEM_HELP_REQUEST};
    long best[ITEM_TYPE_COUNT];
    for (int t = 0; t < ITEM_TYPE_COUNT; t++)
        best[t] = -1;
    for (size_t i = 0; i < s->n; i++) {
        const struct item *it = &s->feed->items[i];
        bool pending = pass_b ? !s->marks[i].shown_b && is_fresh(s, it, now) : !s->marks[i].shown_a;
        if (!pending || (avoid && strcmp(it->id, avoid) == 0) || !schedule_eligible(s, it, now))
            continue;
        long *b = &best[it->type];
        if (*b < 0 || before(it, &s->feed->items[*b]))
            *b = (long)i;
    }
    size_t start = 0;
    for (size_t k = 0; k < ARRAY_LEN(turn); k++)
        if (turn[k] == s->last_type)
            start = k + 1;
    for (size_t k = 0; k < ARRAY_LEN(turn); k++) {
        enum item_type t = turn[(start + k) % ARRAY_LEN(turn)];
        if (best[t] >= 0)
            return best[t];
    }
    return -1;
}

static void new_cycle(struct schedule *s)
{
    for (size_t i = 0; i < s->n; i++)
        s->marks[i].shown_a = s->marks[i].shown_b = false;
}

const struct item *schedule_advance(struct schedule *s, int64_t now)
{
    if (!s->feed)
        return NULL;
    const char *avoid = s->started ? s->current_id : NULL;
    long i = pick(s, now, false, avoid);
    if (i < 0)
        i = pick(s, now, true, avoid);
    if (i < 0) {
        new_cycle(s);
        i = pick(s, now, false, avoid);
    }
    if (i < 0) /* the item on screen is the only eligible one: it stays */
        i = pick(s, now, false, NULL);
    if (i < 0) {
        s->started = false;
        return NULL;
    }
    struct mark *m = &s->marks[i];
    if (!m->shown_a)
        m->shown_a = true;
    else
        m->shown_b = true;
    const struct item *it = &s->feed->items[i];
    s->last_type = it->type;
    s->started = true;
    free(s->current_id);
    s->current_id = xstrdup(it->id);
    return it;
}

const struct item *schedule_peek(const struct schedule *s, int64_t now, size_t *page, size_t *pages)
{
    /* Advancing changes only the marks, the last type and the current item: a copy of those. */
    struct schedule copy = *s;
    copy.marks = s->n ? xmemdup(s->marks, s->n * sizeof *s->marks) : NULL;
    copy.current_id = xstrdup(s->current_id);
    const struct item *it = schedule_advance(&copy, now);
    *page = schedule_page(&copy, now);
    *pages = schedule_count_shown(&copy, now);
    free(copy.marks);
    free(copy.current_id);
    return it;
}

const struct item *schedule_current(const struct schedule *s)
{
    return s->started && s->current_id ? feed_find(s->feed, s->current_id) : NULL;
}

size_t schedule_count_shown(const struct schedule *s, int64_t now)
{
    size_t c = 0;
    for (size_t i = 0; i < s->n; i++)
        c += schedule_eligible(s, &s->feed->items[i], now);
    return c;
}

size_t schedule_page(const struct schedule *s, int64_t now)
{
    const struct item *cur = schedule_current(s);
    if (!cur || !schedule_eligible(s, cur, now))
        return 0;
    /* The place in this cycle's pass over all items: 1 for the first slide of a cycle. The
     * second showing of a new item (pass B) has no place of its own. */
    size_t page = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (&s->feed->items[i] == cur && s->marks[i].shown_b)
            return 0;
        page += s->marks[i].shown_a && schedule_eligible(s, &s->feed->items[i], now);
    }
    return page;
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

static int64_t dwell(const struct schedule_rules *r, const struct item *it)
{
    size_t words = count_words(it->title) + count_words(it->body) + count_words(it->message);
    int64_t ms = (int64_t)words * 60000 / (r->words_per_minute > 0 ? r->words_per_minute : 180);
    if (it->image_url)
        ms += r->photo_ms;
    if (ms < r->min_ms)
        ms = r->min_ms;
    return ms < r->max_ms ? ms : r->max_ms;
}

int64_t schedule_dwell(const struct schedule *s, const struct item *it)
{
    return dwell(&s->rules, it);
}

int64_t schedule_dwell_ms(const struct item *it, int64_t slide_ms, int64_t max_ms)
{
    struct schedule_rules r = schedule_default_rules();
    r.min_ms = slide_ms;
    r.max_ms = max_ms;
    r.photo_ms = 0;
    return dwell(&r, it);
}

int64_t schedule_bound_ms(size_t n, size_t fresh, int64_t max_slide_ms, int64_t transition_ms)
{
    if (n <= 1)
        return max_slide_ms + transition_ms;
    return (int64_t)(2 * n + fresh) * (max_slide_ms + transition_ms);
}
