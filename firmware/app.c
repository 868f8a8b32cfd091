#define LOG_MODULE "app"
#include "app.h"
#include "log.h"
#include "schedule.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct slide {
    struct draw_list *dl;
    uint64_t key;
    char *item_id; /* NULL for a status slide */
    bool waiting;  /* a status slide saying "one moment" (else: "nothing to show") */
};

enum app_state { STATE_EMPTY, STATE_SHOW, STATE_FADE };

struct app {
    struct app_options o;
    const struct layout *layout;
    const struct text_metrics *metrics;
    int w, h;

    struct feed *feed;
    bool (*has_image)(void *ctx, const char *url);
    void *image_ctx;
    struct schedule *sched;
    char *status_title, *status_message;
    char *note;
    char *title;

    enum app_state state;
    struct slide cur, prev;
    int64_t phase_start_ms, dwell_ms;
    bool need_advance;   /* the current slide must be replaced at the next tick */
    bool cut;            /* ...and its item is gone or expired, so it must not fade out */
    bool status_changed; /* app_set_status gave a new text since the last status slide */

    struct draw_list *header;
    uint64_t header_key;
    char clock[16], date[64];

    uint64_t next_key;
    bool dirty;
    int64_t now_ms, wall;
};

static void slide_clear(struct slide *s)
{
    draw_list_destroy(s->dl);
    free(s->item_id);
    *s = (struct slide){0};
}

static struct layout_env env_of(const struct app *a)
{
    return (struct layout_env){
        .layout = a->layout,
        .metrics = a->metrics,
        .w = a->w,
        .h = a->h,
        .lang = a->o.lang,
        .now = a->wall,
        .has_image = a->has_image,
        .ctx = a->image_ctx,
    };
}

struct app *app_create(const struct app_options *o, const struct layout *l,
                       const struct text_metrics *m, int w, int h)
{
    struct app *a = xcalloc(1, sizeof *a);
    a->o = *o;
    if (a->o.max_fps < 1)
        a->o.max_fps = 30;
    a->layout = l;
    a->metrics = m;
    a->w = w;
    a->h = h;
    a->sched = schedule_create();
    struct schedule_rules r = schedule_default_rules();
    if (o->rules) {
        r = *o->rules;
    } else {
        r.introduction_s = r.shoutout_s = r.post_s = 0;
        r.min_ms = o->slide_ms;
        r.max_ms = o->max_slide_ms > o->slide_ms ? o->max_slide_ms : o->slide_ms;
        r.photo_ms = 0;
    }
    schedule_set_rules(a->sched, &r);
    a->o.rules = NULL; /* copied into the schedule */
    a->title = xstrdup(o->title);
    a->o.title = NULL;
    a->next_key = 1;
    a->need_advance = true;
    return a;
}

void app_destroy(struct app *a)
{
    if (!a)
        return;
    slide_clear(&a->cur);
    slide_clear(&a->prev);
    draw_list_destroy(a->header);
    schedule_destroy(a->sched);
    feed_destroy(a->feed);
    free(a->status_title);
    free(a->status_message);
    free(a->note);
    free(a->title);
    free(a);
}

/* Builds the slide for an item (or the status slide for NULL). */
static struct slide make_slide(struct app *a, const struct item *it)
{
    struct layout_env e = env_of(a);
    struct slide s = {.key = a->next_key++};
    if (it) {
        s.dl = layout_slide(&e, it, (int)schedule_page(a->sched, a->wall),
                            (int)schedule_count_shown(a->sched, a->wall));
        s.item_id = xstrdup(it->id);
    } else if (a->feed) {
        s.dl = layout_status(&e, tr(a->o.lang, STR_EMPTY_TITLE), tr(a->o.lang, STR_EMPTY_BODY));
    } else {
        s.dl =
            layout_status(&e, a->status_title ? a->status_title : tr(a->o.lang, STR_WAITING_TITLE),
                          a->status_message ? a->status_message : tr(a->o.lang, STR_WAITING_BODY));
        s.waiting = true;
        a->status_changed = false;
    }
    return s;
}

/* Puts a new slide on screen, fading from the current one when there is one. */
static void show(struct app *a, struct slide next, bool fade)
{
    slide_clear(&a->prev);
    if (fade && a->cur.dl && a->o.transition_ms > 0) {
        a->prev = a->cur;
        a->state = STATE_FADE;
    } else {
        slide_clear(&a->cur);
        a->state = STATE_SHOW;
    }
    a->cur = next;
    a->phase_start_ms = a->now_ms;
    const struct item *it = next.item_id ? feed_find(a->feed, next.item_id) : NULL;
    a->dwell_ms = it ? schedule_dwell(a->sched, it) : a->o.slide_ms;
    a->dirty = true;
}

static void advance(struct app *a, bool fade)
{
    const struct item *it = a->feed ? schedule_advance(a->sched, a->wall) : NULL;
    const char *was = a->cur.item_id;
    bool asked = a->need_advance;
    a->need_advance = false;
    if (it && was && strcmp(it->id, was) == 0 && a->state != STATE_EMPTY && !asked) {
        /* The only item left: it stays, no fade into itself. */
        a->phase_start_ms = a->now_ms;
        return;
    }
    if (!it && !was && a->cur.dl && a->cur.waiting == !a->feed &&
        !(a->cur.waiting && a->status_changed)) {
        /* Already on the status slide that would be built: same text, nothing to redraw. */
        a->phase_start_ms = a->now_ms;
        return;
    }
    /* A withdrawn or expired item is not shown any more, not even fading out. */
    show(a, make_slide(a, it), fade && !a->cut);
    a->cut = false;
}

static bool same_str(const char *x, const char *y)
{
    return x && y ? strcmp(x, y) == 0 : x == y;
}

void app_set_feed(struct app *a, struct feed *f, bool (*has_image)(void *ctx, const char *url),
                  void *ctx)
{
    /* The header shows the community's name: redraw it only when that changed, not at every
     * refresh. */
    if (!same_str(a->feed ? a->feed->community.name : NULL, f ? f->community.name : NULL)) {
        draw_list_destroy(a->header);
        a->header = NULL;
    }
    schedule_set_feed(a->sched, f);
    feed_destroy(a->feed);
    a->feed = f;
    a->has_image = has_image;
    a->image_ctx = ctx;
    const struct item *cur = schedule_current(a->sched);
    if (cur && a->cur.item_id && strcmp(cur->id, a->cur.item_id) == 0 &&
        schedule_eligible(a->sched, cur, a->wall)) {
        /* Same item, maybe new words or a newly decoded photo: redraw in place. */
        struct slide s = make_slide(a, cur);
        int64_t start = a->phase_start_ms;
        slide_clear(&a->cur);
        a->cur = s;
        a->phase_start_ms = start;
        a->dirty = true;
    } else {
        /* The slide on screen is gone (or was a status slide): replace it at the next tick,
         * and an item that is gone without a fade. */
        a->need_advance = true;
        a->cut = a->cut || a->cur.item_id != NULL;
    }
    /* The slide fading out is gone too: stop showing it at once. */
    if (a->state == STATE_FADE && a->prev.item_id && !feed_find(f, a->prev.item_id)) {
        slide_clear(&a->prev);
        a->state = STATE_SHOW;
        a->phase_start_ms = a->now_ms;
        a->dirty = true;
    }
}

void app_set_status(struct app *a, const char *title, const char *message)
{
    /* The caller repeats the status after every failed attempt: the same words do not redraw. */
    if (same_str(title, a->status_title) && same_str(message, a->status_message))
        return;
    free(a->status_title);
    free(a->status_message);
    a->status_title = xstrdup(title);
    a->status_message = xstrdup(message);
    a->status_changed = true;
    if (!a->feed)
        a->need_advance = true;
}

void app_set_note(struct app *a, const char *note)
{
    if (same_str(note && *note ? note : NULL, a->note))
        return;
    free(a->note);
    a->note = note && *note ? xstrdup(note) : NULL;
    draw_list_destroy(a->header);
    a->header = NULL;
}

void app_resize(struct app *a, int w, int h)
{
    if (w == a->w && h == a->h)
        return;
    a->w = w;
    a->h = h;
    draw_list_destroy(a->header);
    a->header = NULL;
    slide_clear(&a->prev);
    const struct item *it = a->cur.item_id && !a->cut ? feed_find(a->feed, a->cur.item_id) : NULL;
    /* (a slide whose item is gone is not laid out again: the next tick replaces it) */
    if (it || !a->cur.item_id) {
        int64_t start = a->phase_start_ms;
        slide_clear(&a->cur);
        a->cur = make_slide(a, it);
        a->phase_start_ms = start;
        a->state = STATE_SHOW;
    }
    a->dirty = true;
}

static void update_header(struct app *a, const struct tm *local)
{
    char clock[16] = "", date[64] = "";
    if (local) {
        if (a->o.clock_24h)
            snprintf(clock, sizeof clock, "%02d:%02d", local->tm_hour, local->tm_min);
        else
            snprintf(clock, sizeof clock, "%d:%02d %s", (local->tm_hour + 11) % 12 + 1,
                     local->tm_min, local->tm_hour < 12 ? "AM" : "PM");
        format_weekday_date(a->o.lang, local->tm_wday, local->tm_mday, local->tm_mon, date,
                            sizeof date);
    }
    if (a->header && strcmp(clock, a->clock) == 0 && strcmp(date, a->date) == 0)
        return;
    memcpy(a->clock, clock, sizeof clock);
    memcpy(a->date, date, sizeof date);
    draw_list_destroy(a->header);
    struct layout_env e = env_of(a);
    const char *name = a->feed && a->feed->community.name ? a->feed->community.name
                       : a->title                         ? a->title
                                                          : "Prikbord";
    a->header = layout_header_note(&e, name, a->date, a->clock, a->note);
    a->header_key = a->next_key++;
    a->dirty = true;
}

/* Wall time at which an item leaves its window (as item_time_verdict decides), or INT64_MAX. */
static int64_t window_end(const struct item *it)
{
    int64_t end = it->expires_at != TIME_NONE ? it->expires_at : INT64_MAX;
    if (it->type == ITEM_HELP_REQUEST && it->until != TIME_NONE && it->until < end - 86400)
        end = it->until + 86400;
    return end;
}

int64_t app_tick(struct app *a, int64_t now_ms, int64_t wall, const struct tm *local)
{
    a->now_ms = now_ms;
    a->wall = wall;
    update_header(a, local);
    /* An item that expires while on screen goes at once, like a withdrawn one. */
    const struct item *shown = a->cut ? NULL : app_current_item(a);
    if (shown && !schedule_eligible(a->sched, shown, wall)) {
        a->need_advance = true;
        a->cut = true;
    }
    if (a->need_advance || !a->cur.dl) {
        advance(a, true);
    } else if (a->state == STATE_FADE) {
        if (now_ms - a->phase_start_ms >= a->o.transition_ms) {
            slide_clear(&a->prev);
            a->state = STATE_SHOW;
            a->phase_start_ms = now_ms;
        }
        a->dirty = true;
    } else if (now_ms - a->phase_start_ms >= a->dwell_ms) {
        advance(a, true);
    }

    int64_t next;
    if (a->state == STATE_FADE)
        next = now_ms + 1000 / a->o.max_fps;
    else
        next = a->phase_start_ms + a->dwell_ms;
    /* The clock changes at the top of the next minute. */
    if (local) {
        int64_t to_minute = now_ms + (60 - local->tm_sec) * 1000;
        if (to_minute < next)
            next = to_minute;
    }
    /* The item on screen may expire before that. */
    shown = app_current_item(a);
    if (shown) {
        int64_t end = window_end(shown);
        if (end != INT64_MAX && end > wall && end - wall <= (next - now_ms) / 1000)
            next = now_ms + (end - wall) * 1000;
    }
    return next > now_ms ? next : now_ms + 1;
}

bool app_frame(struct app *a, struct app_frame *out)
{
    float t = 1.0f;
    if (a->state == STATE_FADE && a->o.transition_ms > 0) {
        t = (float)(a->now_ms - a->phase_start_ms) / (float)a->o.transition_ms;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        /* ease in-out: the fade starts and ends softly */
        t = t * t * (3 - 2 * t);
    }
    *out = (struct app_frame){
        .header = a->header,
        .header_key = a->header_key,
        .from = a->state == STATE_FADE ? a->prev.dl : NULL,
        .from_key = a->state == STATE_FADE ? a->prev.key : 0,
        .to = a->cur.dl,
        .to_key = a->cur.key,
        .t = t,
    };
    bool dirty = a->dirty;
    a->dirty = false;
    return dirty;
}

const struct item *app_current_item(const struct app *a)
{
    return a->cur.item_id ? feed_find(a->feed, a->cur.item_id) : NULL;
}

const struct item *app_show_next(struct app *a, int64_t now_ms, int64_t wall)
{
    a->now_ms = now_ms;
    a->wall = wall;
    advance(a, false);
    slide_clear(&a->prev);
    a->state = STATE_SHOW;
    return app_current_item(a);
}

size_t app_count_shown(const struct app *a, int64_t wall)
{
    return a->feed ? schedule_count_shown(a->sched, wall) : 0;
}
