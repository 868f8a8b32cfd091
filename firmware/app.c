#define LOG_MODULE "app"
#include "app.h"
#include "log.h"
#include "schedule.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How long before its turn the next slide is laid out and handed to the renderer. */
#define PREPARE_MS 1000

struct slide {
    struct draw_list *dl;
    uint64_t key;
    char *item_id;       /* NULL for a status slide */
    bool waiting;        /* a status slide saying "one moment" (else: "nothing to show") */
    int64_t video_start; /* when its video started playing */
};

enum app_state { STATE_EMPTY, STATE_SHOW, STATE_FADE };

struct app {
    struct app_options o;
    const struct layout *layout;
    const struct text_metrics *metrics;
    int w, h;

    struct feed *feed;
    bool (*has_image)(void *ctx, const char *url);
    int64_t (*video_ms)(void *ctx, const char *url);
    void *image_ctx;
    struct schedule *sched;
    char *status_title, *status_message;
    char *note;
    char *title;

    enum app_state state;
    struct slide cur, prev;
    /* The slide the rotation goes to next, laid out PREPARE_MS before it is due so that the
     * renderer can draw it into a texture while the screen is still (app_prepare): the
     * crossfade then only blends. Used when the rotation does go there, else dropped. */
    struct slide next;
    size_t next_page, next_pages;
    bool next_handed; /* app_prepare gave it out */
    bool next_tried;  /* prepared (or nothing to prepare) for the slide on screen */
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

    /* Ids in the order the rotation last showed them, oldest first: browsing back goes to
     * what was on screen before. */
    char **history;
    size_t n_history;

    /* A person at the screen. */
    struct app_input_options in;
    struct gesture *gesture;
    bool active; /* interacting: the slideshow waits, the controls show */
    int64_t last_input_ms;
    enum item_type filter; /* ITEM_TYPE_COUNT: all */
    char **order;          /* what browsing steps through, frozen for the interaction */
    size_t n_order;
    int dx;            /* sideways offset of the slide on screen */
    struct slide peek; /* its neighbour coming in while dragging or settling */
    int peek_dir;      /* +1: the next one, at the right; -1: the previous one, at the left */
    bool settling;     /* the slides glide to settle_to after a release or a key */
    int settle_from, settle_to, settle_dir;
    int64_t settle_start, settle_ms;
    struct draw_list *detail; /* the detail view of detail_id, or NULL */
    char *detail_id;
    int64_t detail_video_start; /* its video started (again: a tap replays it) */
    bool unmuted;               /* its video's sound is on */
    uint64_t detail_key;
    struct detail_geom geom;
    int scroll;
    struct draw_list *controls;
    uint64_t controls_key;
    struct control_hit hits[16];
    size_t n_hits;
};

static void free_ids(char ***ids, size_t *n)
{
    for (size_t i = 0; i < *n; i++)
        free((*ids)[i]);
    free(*ids);
    *ids = NULL;
    *n = 0;
}

/* Moves id to the end of the history (the most recently shown). */
static void record_shown(struct app *a, const char *id)
{
    size_t i = 0;
    while (i < a->n_history && strcmp(a->history[i], id) != 0)
        i++;
    char *keep = i < a->n_history ? a->history[i] : NULL;
    if (keep) {
        memmove(&a->history[i], &a->history[i + 1], (a->n_history - i - 1) * sizeof *a->history);
        a->n_history--;
    } else if (a->n_history == 256) { /* a bounded memory: the oldest goes */
        free(a->history[0]);
        memmove(&a->history[0], &a->history[1], (a->n_history - 1) * sizeof *a->history);
        a->n_history--;
    }
    a->history = xrealloc(a->history, (a->n_history + 1) * sizeof *a->history);
    a->history[a->n_history++] = keep ? keep : xstrdup(id);
}

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
        .video_ms = a->video_ms,
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
    if (a->o.max_video_ms <= 0)
        a->o.max_video_ms = 60000;
    a->title = xstrdup(o->title);
    a->o.title = NULL;
    a->next_key = 1;
    a->need_advance = true;
    a->filter = ITEM_TYPE_COUNT;
    return a;
}

void app_destroy(struct app *a)
{
    if (!a)
        return;
    slide_clear(&a->cur);
    slide_clear(&a->prev);
    slide_clear(&a->peek);
    slide_clear(&a->next);
    draw_list_destroy(a->header);
    draw_list_destroy(a->detail);
    draw_list_destroy(a->controls);
    free(a->detail_id);
    free_ids(&a->history, &a->n_history);
    free_ids(&a->order, &a->n_order);
    gesture_destroy(a->gesture);
    schedule_destroy(a->sched);
    feed_destroy(a->feed);
    free(a->status_title);
    free(a->status_message);
    free(a->note);
    free(a->title);
    free(a);
}

/* Builds the slide for an item (or the status slide for NULL) with the page indicator at
 * page_of of pages_of (unless someone browses: then its place in what they browse). */
static struct slide make_slide_at(struct app *a, const struct item *it, size_t page_of,
                                  size_t pages_of)
{
    struct layout_env e = env_of(a);
    struct slide s = {.key = a->next_key++};
    if (it) {
        /* The page indicator: the place in the rotation, or in what someone browses. */
        int page = (int)page_of;
        int pages = (int)pages_of;
        for (size_t i = 0; a->active && i < a->n_order; i++) {
            if (strcmp(a->order[i], it->id) == 0) {
                page = (int)i + 1;
                pages = (int)a->n_order;
            }
        }
        s.dl = layout_slide(&e, it, page, pages);
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

/* The prepared next slide no longer holds (new content, size, interaction): lay it out again
 * when it is time. */
static void drop_next(struct app *a)
{
    slide_clear(&a->next);
    a->next_tried = false;
}

static struct slide make_slide(struct app *a, const struct item *it)
{
    return make_slide_at(a, it, schedule_page(a->sched, a->wall),
                         schedule_count_shown(a->sched, a->wall));
}

/* The op where a draw list's video plays, or NULL. */
static const struct draw_op *video_op(const struct draw_list *d)
{
    for (size_t i = 0; d && i < d->n; i++)
        if (d->ops[i].kind == DRAW_VIDEO)
            return &d->ops[i];
    return NULL;
}

/* How long the video at url plays: its length up to max_video_ms (all of that when it does
 * not say), or 0 when there is none. */
static int64_t play_ms(const struct app *a, const char *url)
{
    int64_t ms = url && a->video_ms ? a->video_ms(a->image_ctx, url) : LAYOUT_NO_VIDEO;
    if (ms == LAYOUT_NO_VIDEO)
        return 0;
    return ms < 0 || ms > a->o.max_video_ms ? a->o.max_video_ms : ms;
}

/* The slide's time on screen: its reading time, stretched to its video. */
static int64_t dwell_of(const struct app *a, const struct slide *s)
{
    const struct item *it = s->item_id ? feed_find(a->feed, s->item_id) : NULL;
    if (!it)
        return a->o.slide_ms;
    int64_t dwell = schedule_dwell(a->sched, it);
    const struct draw_op *v = video_op(s->dl);
    int64_t video = v ? play_ms(a, v->url) : 0;
    return video > dwell ? video : dwell;
}

void app_set_videos(struct app *a, int64_t (*video_ms)(void *ctx, const char *url))
{
    a->video_ms = video_ms;
    drop_next(a);
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
    a->next_tried = false;
    a->cur.video_start = a->now_ms;
    a->phase_start_ms = a->now_ms;
    log_debug("on screen: %s", next.item_id ? next.item_id : "the status slide");
    if (next.item_id && !a->active)
        record_shown(a, next.item_id);
    a->dwell_ms = dwell_of(a, &a->cur);
    a->dirty = true;
}

/* Lays out the slide on screen again (new words, a decoded photo, another page number),
 * keeping its time on screen. */
static void redraw_current(struct app *a, const struct item *it)
{
    struct slide s = make_slide(a, it);
    s.video_start = a->cur.video_start;
    int64_t start = a->phase_start_ms;
    slide_clear(&a->cur);
    a->cur = s;
    a->phase_start_ms = start;
    a->dwell_ms = dwell_of(a, &a->cur); /* a video may have arrived */
    a->dirty = true;
}

/* ---- browsing ---- */

static int64_t item_date(const struct item *it)
{
    if (it->type == ITEM_INTRODUCTION && it->person.start_date != TIME_NONE)
        return it->person.start_date;
    return it->published_at;
}

static int newest_first(const void *x, const void *y)
{
    const struct item *a = *(const struct item *const *)x, *b = *(const struct item *const *)y;
    int64_t da = item_date(a), db = item_date(b);
    return da < db ? 1 : da > db ? -1 : strcmp(a->id, b->id);
}

/* The order browsing steps through: everything on this screen in the order the rotation
 * last showed it (so "back" is what was just on screen), then what it has not shown yet; with
 * a filter, that type's items, newest first. */
static void build_order(struct app *a)
{
    free_ids(&a->order, &a->n_order);
    if (!a->feed)
        return;
    size_t n = a->feed->n_items, k = 0;
    const struct item **list = xcalloc(n ? n : 1, sizeof *list);
    if (a->filter == ITEM_TYPE_COUNT) {
        for (size_t i = 0; i < a->n_history; i++) {
            const struct item *it = feed_find(a->feed, a->history[i]);
            if (it && schedule_eligible(a->sched, it, a->wall))
                list[k++] = it;
        }
        size_t shown = k;
        for (size_t i = 0; i < n; i++) {
            const struct item *it = &a->feed->items[i];
            bool seen = false;
            for (size_t j = 0; j < shown && !seen; j++)
                seen = list[j] == it;
            if (!seen && schedule_eligible(a->sched, it, a->wall))
                list[k++] = it;
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            const struct item *it = &a->feed->items[i];
            if (it->type == a->filter && schedule_eligible(a->sched, it, a->wall))
                list[k++] = it;
        }
        qsort(list, k, sizeof *list, newest_first);
    }
    a->order = xcalloc(k ? k : 1, sizeof *a->order);
    for (size_t i = 0; i < k; i++)
        a->order[i] = xstrdup(list[i]->id);
    a->n_order = k;
    free(list);
}

/* Item types that have something to show now (bit per type). */
static unsigned types_present(const struct app *a)
{
    unsigned t = 0;
    for (size_t i = 0; a->feed && i < a->feed->n_items; i++)
        if (schedule_eligible(a->sched, &a->feed->items[i], a->wall))
            t |= 1u << a->feed->items[i].type;
    return t;
}

/* The item dir steps (+1 next, -1 previous) from the one on screen, or NULL when there is no
 * other. */
static const struct item *neighbour(const struct app *a, int dir)
{
    if (a->n_order == 0)
        return NULL;
    size_t at = a->n_order;
    for (size_t i = 0; a->cur.item_id && i < a->n_order; i++)
        if (strcmp(a->order[i], a->cur.item_id) == 0)
            at = i;
    size_t to;
    if (at == a->n_order) /* not in the order (another type): its first or last */
        to = dir > 0 ? 0 : a->n_order - 1;
    else
        to = (at + a->n_order + (dir > 0 ? 1 : a->n_order - 1)) % a->n_order;
    if (at != a->n_order && to == at)
        return NULL;
    return feed_find(a->feed, a->order[to]);
}

static void controls_refresh(struct app *a)
{
    draw_list_destroy(a->controls);
    a->controls = NULL;
    a->n_hits = 0;
    a->dirty = true;
    if (!a->active || !a->in.controls || a->n_order + (a->cur.item_id != NULL) == 0)
        return;
    struct layout_env e = env_of(a);
    struct controls_state st = {
        .target_px = a->in.target_px,
        .types = types_present(a),
        .filter = (int)a->filter,
        .detail = a->detail != NULL,
        .card = a->geom.card,
        .can_browse = a->n_order > 1,
        .sound = a->detail && a->in.sound && video_op(a->detail),
        .unmuted = a->unmuted,
    };
    a->controls = layout_controls(&e, &st, a->hits, ARRAY_LEN(a->hits), &a->n_hits);
    a->controls_key = a->next_key++;
}

static void close_detail(struct app *a)
{
    if (!a->detail)
        return;
    log_debug("detail view closed");
    a->unmuted = false; /* sound is only ever on while someone reads */
    draw_list_destroy(a->detail);
    a->detail = NULL;
    free(a->detail_id);
    a->detail_id = NULL;
    controls_refresh(a);
}

/* The detail view's content is bounded: textures have a largest size (4096 is safe on a
 * Raspberry Pi's GPU) and nobody reads more than a few screens on a wall. */
static int detail_max_h(const struct app *a)
{
    return a->h * 3 < 4096 ? a->h * 3 : 4096;
}

static void clamp_scroll(struct app *a)
{
    int most = a->geom.content_h - a->geom.view.h;
    if (a->scroll > most)
        a->scroll = most;
    if (a->scroll < 0)
        a->scroll = 0;
}

static void open_detail(struct app *a, const struct item *it)
{
    draw_list_destroy(a->detail);
    free(a->detail_id);
    struct layout_env e = env_of(a);
    a->detail = layout_detail(&e, it, detail_max_h(a), &a->geom);
    a->detail_id = xstrdup(it->id);
    a->detail_key = a->next_key++;
    a->detail_video_start = a->now_ms;
    log_debug("detail view of %s", it->id);
    a->scroll = 0;
    controls_refresh(a);
}

static void drop_peek(struct app *a)
{
    slide_clear(&a->peek);
    a->peek_dir = 0;
}

/* The neighbour in direction dir, laid out and ready to slide in; false when there is none. */
static bool ensure_peek(struct app *a, int dir)
{
    if (a->peek.dl && a->peek_dir == dir)
        return true;
    drop_peek(a);
    const struct item *it = neighbour(a, dir);
    if (!it)
        return false;
    a->peek = make_slide(a, it);
    a->peek_dir = dir;
    return true;
}

/* A running crossfade ends at once: a person's gesture acts on the slide that is coming. */
static void end_fade(struct app *a)
{
    if (a->state != STATE_FADE)
        return;
    slide_clear(&a->prev);
    a->state = STATE_SHOW;
    a->dirty = true;
}

/* Completes the glide at once: the neighbour is on screen (or the slide is back at rest). */
static void finish_settle(struct app *a)
{
    if (!a->settling)
        return;
    a->settling = false;
    if (a->settle_dir != 0 && a->peek.dl) {
        slide_clear(&a->cur);
        a->cur = a->peek;
        a->cur.video_start = a->now_ms;
        log_debug("on screen: %s (browsed)", a->cur.item_id);
        a->peek = (struct slide){0};
        a->phase_start_ms = a->now_ms;
        a->dwell_ms = dwell_of(a, &a->cur);
    }
    drop_peek(a);
    a->dx = 0;
    a->dirty = true;
}

/* Glides from the present offset to the neighbour in dir (0: back to rest). */
static void settle(struct app *a, int dir)
{
    if (dir != 0 && !ensure_peek(a, dir))
        dir = 0;
    a->settling = true;
    a->settle_dir = dir;
    a->settle_from = a->dx;
    a->settle_to = dir > 0 ? -a->w : dir < 0 ? a->w : 0;
    a->settle_start = a->now_ms;
    int dist = abs(a->settle_to - a->settle_from);
    a->settle_ms = a->w > 0 ? 300 * (int64_t)dist / a->w : 0;
    if (a->settle_ms < 120)
        a->settle_ms = 120;
    a->dirty = true;
}

static void begin_interaction(struct app *a, int64_t now)
{
    a->last_input_ms = now;
    end_fade(a);
    if (a->active)
        return;
    drop_next(a);
    a->active = true;
    a->filter = ITEM_TYPE_COUNT;
    build_order(a);
    controls_refresh(a);
    log_info("someone is using the screen: the slideshow waits");
}

/* Back to the wall display: all types, no detail, no controls; the slide on screen gets a
 * full turn before the rotation goes on. */
static void end_interaction(struct app *a)
{
    if (!a->active)
        return;
    gesture_reset(a->gesture);
    finish_settle(a);
    drop_peek(a);
    a->dx = 0;
    a->active = false;
    a->filter = ITEM_TYPE_COUNT;
    free_ids(&a->order, &a->n_order);
    close_detail(a);
    controls_refresh(a);
    const struct item *cur = app_current_item(a);
    if (cur)
        redraw_current(a, cur); /* the page indicator counts the rotation again */
    a->phase_start_ms = a->now_ms;
    a->dirty = true;
    log_info("back to the slideshow");
}

/* Shows the neighbour in dir with the sliding motion (keys and the arrow buttons). */
static void step(struct app *a, int dir)
{
    finish_settle(a);
    close_detail(a);
    a->dx = 0;
    if (ensure_peek(a, dir))
        settle(a, dir);
}

static void set_filter(struct app *a, enum item_type t)
{
    finish_settle(a);
    drop_peek(a);
    a->filter = t;
    log_debug("filter: %s", t == ITEM_TYPE_COUNT ? "all" : item_type_name(t));
    build_order(a);
    const struct item *cur = app_current_item(a);
    if (t != ITEM_TYPE_COUNT && (!cur || cur->type != t) && a->n_order > 0) {
        const struct item *first = feed_find(a->feed, a->order[0]);
        if (first)
            show(a, make_slide(a, first), true);
    } else if (cur) {
        redraw_current(a, cur); /* its place among what is browsed changed */
    }
    controls_refresh(a);
}

static void tap(struct app *a, int x, int y)
{
    finish_settle(a);
    for (size_t i = 0; i < a->n_hits; i++) {
        struct rect r = a->hits[i].r;
        if (x < r.x || y < r.y || x >= r.x + r.w || y >= r.y + r.h)
            continue;
        switch (a->hits[i].id) {
        case CONTROL_FILTER:
            set_filter(a, (enum item_type)a->hits[i].arg);
            return;
        case CONTROL_PREV:
            step(a, -1);
            return;
        case CONTROL_NEXT:
            step(a, 1);
            return;
        case CONTROL_CLOSE:
            close_detail(a);
            return;
        case CONTROL_RESUME:
            end_interaction(a);
            return;
        case CONTROL_SOUND:
            a->unmuted = !a->unmuted;
            log_info("video sound %s", a->unmuted ? "on" : "off");
            controls_refresh(a);
            return;
        case CONTROL_ID_COUNT:
            break;
        }
    }
    if (a->detail) {
        struct rect c = a->geom.card;
        if (x < c.x || y < c.y || x >= c.x + c.w || y >= c.y + c.h) {
            close_detail(a);
            return;
        }
        /* A tap on the video plays it again from the start. */
        const struct draw_op *v = video_op(a->detail);
        if (v && x >= a->geom.view.x + v->r.x && x < a->geom.view.x + v->r.x + v->r.w &&
            y >= a->geom.view.y + v->r.y - a->scroll &&
            y < a->geom.view.y + v->r.y - a->scroll + v->r.h) {
            a->detail_video_start = a->now_ms;
            a->dirty = true;
        }
        return;
    }
    struct layout_env e = env_of(a);
    struct rect hr = layout_header_rect(&e);
    const struct item *it = app_current_item(a);
    if (it && y >= hr.y + hr.h)
        open_detail(a, it);
}

void app_set_input(struct app *a, const struct app_input_options *o)
{
    a->in = *o;
    a->in.gesture.commit_px = a->w / 2 > 1 ? a->w / 2 : 1;
    if (!a->gesture)
        a->gesture = gesture_create(&a->in.gesture);
    gesture_configure(a->gesture, &a->in.gesture);
    if (!o->enabled)
        end_interaction(a);
    else
        controls_refresh(a);
}

void app_pointer(struct app *a, enum app_pointer action, int64_t id, int x, int y, int64_t now_ms)
{
    if (!a->in.enabled || !a->gesture)
        return;
    a->now_ms = now_ms;
    struct gesture_event g;
    switch (action) {
    case APP_POINTER_DOWN:
        g = gesture_down(a->gesture, id, x, y, now_ms);
        break;
    case APP_POINTER_MOVE:
        g = gesture_move(a->gesture, id, x, y, now_ms);
        break;
    case APP_POINTER_UP:
        g = gesture_up(a->gesture, id, x, y, now_ms);
        break;
    default:
        return;
    }
    if (g.kind == GESTURE_NONE)
        return;
    if (a->active && now_ms - a->last_input_ms > a->in.idle_ms)
        end_interaction(a); /* the tick that would have ended it has not run yet */
    begin_interaction(a, now_ms);
    switch (g.kind) {
    case GESTURE_PRESS:
        finish_settle(a);
        break;
    case GESTURE_TAP:
        tap(a, g.x, g.y);
        break;
    case GESTURE_DRAG_X:
        if (a->detail || !a->cur.item_id)
            break;
        if (g.dx != 0 && ensure_peek(a, g.dx < 0 ? 1 : -1))
            a->dx = g.dx;
        else
            a->dx = g.dx / 4; /* nothing there: the slide only gives a little */
        a->dirty = true;
        break;
    case GESTURE_SWIPE:
        if (!a->detail && a->cur.item_id)
            settle(a, g.dir);
        break;
    case GESTURE_DRAG_Y:
        if (a->detail) {
            a->scroll -= g.dy;
            clamp_scroll(a);
            a->dirty = true;
        }
        break;
    case GESTURE_END:
    case GESTURE_NONE:
    case GESTURE_KIND_COUNT:
        break;
    }
}

bool app_key(struct app *a, const char *key, int64_t now_ms)
{
    if (!a->in.enabled)
        return false;
    a->now_ms = now_ms;
    bool escape = strcmp(key, "Escape") == 0;
    if (escape && !a->active)
        return false;
    if (strcmp(key, "Space") == 0 && a->active) {
        end_interaction(a);
        return true;
    }
    static const char *const known[] = {"Left",  "Right", "Return", "Keypad Enter", "Escape",
                                        "Space", "Up",    "Down",   "PageUp",       "PageDown"};
    bool ours = false;
    for (size_t i = 0; i < ARRAY_LEN(known) && !ours; i++)
        ours = strcmp(key, known[i]) == 0;
    if (!ours)
        return false;
    if (a->active && now_ms - a->last_input_ms > a->in.idle_ms)
        end_interaction(a);
    begin_interaction(a, now_ms);
    const struct item *it = app_current_item(a);
    if (strcmp(key, "Left") == 0) {
        step(a, -1);
    } else if (strcmp(key, "Right") == 0) {
        step(a, 1);
    } else if (strcmp(key, "Return") == 0 || strcmp(key, "Keypad Enter") == 0) {
        finish_settle(a);
        if (a->detail)
            close_detail(a);
        else if ((it = app_current_item(a)))
            open_detail(a, it);
    } else if (escape) {
        if (a->detail)
            close_detail(a);
        else if (a->filter != ITEM_TYPE_COUNT)
            set_filter(a, ITEM_TYPE_COUNT);
        else
            end_interaction(a);
    } else if (a->detail) { /* Up, Down, PageUp, PageDown */
        int by = key[0] == 'P' ? a->geom.view.h * 9 / 10 : a->geom.view.h / 4;
        a->scroll += strstr(key, "Up") ? -by : by;
        clamp_scroll(a);
        a->dirty = true;
    }
    return true;
}

bool app_interacting(const struct app *a)
{
    return a->active;
}

bool app_detail_open(const struct app *a)
{
    return a->detail != NULL;
}

enum item_type app_filter(const struct app *a)
{
    return a->filter;
}

static void advance(struct app *a, bool fade)
{
    /* While someone browses, a slide that must go makes way for its neighbour. */
    const struct item *it = !a->feed    ? NULL
                            : a->active ? neighbour(a, 1)
                                        : schedule_advance(a->sched, a->wall);
    if (a->active && !it && a->n_order > 0)
        it = feed_find(a->feed, a->order[0]);
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
    /* The prepared slide when it is the one due, laid out with the same page indicator. */
    struct slide s;
    if (a->next.dl && it && !a->active && strcmp(a->next.item_id, it->id) == 0 &&
        a->next_page == schedule_page(a->sched, a->wall) &&
        a->next_pages == schedule_count_shown(a->sched, a->wall)) {
        s = a->next;
        a->next = (struct slide){0};
    } else {
        slide_clear(&a->next);
        s = make_slide(a, it);
    }
    /* A withdrawn or expired item is not shown any more, not even fading out; and the first
     * content replaces a status slide at once (people are waiting for it). */
    show(a, s, fade && !a->cut && was);
    a->cut = false;
}

/* Lays out the slide the rotation will show next (see struct app's next). */
static void prepare_next(struct app *a)
{
    a->next_tried = true;
    size_t page, pages;
    const struct item *it = schedule_peek(a->sched, a->wall, &page, &pages);
    if (!it || (a->cur.item_id && strcmp(it->id, a->cur.item_id) == 0))
        return; /* nothing, or the same slide stays */
    a->next = make_slide_at(a, it, page, pages);
    a->next_page = page;
    a->next_pages = pages;
    a->next_handed = false;
}

bool app_prepare(struct app *a, const struct draw_list **dl, uint64_t *key)
{
    if (!a->next.dl || a->next_handed)
        return false;
    a->next_handed = true;
    *dl = a->next.dl;
    *key = a->next.key;
    return true;
}

static bool same_str(const char *x, const char *y)
{
    return x && y ? strcmp(x, y) == 0 : x == y;
}

/* New content while someone browses: what is gone leaves the screen (the neighbour coming
 * in, the detail view), and what is new can be browsed to. */
static void update_interaction(struct app *a)
{
    const struct item *peek = a->peek.item_id ? feed_find(a->feed, a->peek.item_id) : NULL;
    if (a->peek.dl && (!peek || !schedule_eligible(a->sched, peek, a->wall))) {
        if (a->settling && a->settle_dir != 0)
            a->settling = false;
        drop_peek(a);
        a->dx = 0;
        a->dirty = true;
    } else if (peek) {
        struct slide s = make_slide(a, peek);
        slide_clear(&a->peek);
        a->peek = s;
    }
    if (a->detail) {
        const struct item *it = feed_find(a->feed, a->detail_id);
        if (it && schedule_eligible(a->sched, it, a->wall)) {
            int scroll = a->scroll;
            open_detail(a, it);
            a->scroll = scroll;
            clamp_scroll(a);
        } else {
            close_detail(a);
        }
    }
    if (!a->active)
        return;
    if (a->filter != ITEM_TYPE_COUNT && !(types_present(a) & (1u << a->filter)))
        a->filter = ITEM_TYPE_COUNT;
    build_order(a);
    controls_refresh(a);
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
    drop_next(a); /* laid out from the old content */
    feed_destroy(a->feed);
    a->feed = f;
    a->has_image = has_image;
    a->image_ctx = ctx;
    /* (the slide on screen may be one a person browsed to, not the schedule's) */
    const struct item *cur = a->cur.item_id ? feed_find(f, a->cur.item_id) : NULL;
    if (cur && schedule_eligible(a->sched, cur, a->wall)) {
        /* Same item, maybe new words or a newly decoded photo: redraw in place. */
        redraw_current(a, cur);
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
    update_interaction(a);
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
    a->settling = false;
    drop_peek(a);
    drop_next(a);
    a->dx = 0;
    a->in.gesture.commit_px = w / 2 > 1 ? w / 2 : 1;
    if (a->gesture)
        gesture_configure(a->gesture, &a->in.gesture);
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
    update_interaction(a);
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
    if (a->active && now_ms - a->last_input_ms > a->in.idle_ms) {
        log_debug("no input for %lld ms", (long long)(now_ms - a->last_input_ms));
        end_interaction(a);
    }
    if (a->settling) {
        float t = a->settle_ms > 0 ? (float)(now_ms - a->settle_start) / (float)a->settle_ms : 1;
        t = t < 0 ? 0 : t;
        if (t >= 1) {
            finish_settle(a);
        } else {
            float ease = 1 - (1 - t) * (1 - t) * (1 - t); /* fast start, soft landing */
            a->dx = a->settle_from + (int)lroundf((float)(a->settle_to - a->settle_from) * ease);
            a->dirty = true;
        }
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
    } else if (!a->active && now_ms - a->phase_start_ms >= a->dwell_ms) {
        advance(a, true);
    }
    bool may_prepare = !a->active && a->state == STATE_SHOW && a->feed && a->cur.dl &&
                       !a->next_tried && !a->need_advance && a->o.transition_ms > 0;
    int64_t prepare_at = a->phase_start_ms + a->dwell_ms - PREPARE_MS;
    if (may_prepare && now_ms >= prepare_at) {
        prepare_next(a);
        may_prepare = false;
    }

    int64_t next;
    if (a->state == STATE_FADE || a->settling)
        next = now_ms + 1000 / a->o.max_fps;
    else if (a->active) /* the slideshow waits; the idle time ends the interaction */
        next = a->last_input_ms + a->in.idle_ms + 1;
    else
        next = a->phase_start_ms + a->dwell_ms;
    if (may_prepare && prepare_at < next)
        next = prepare_at;
    if (a->active && a->last_input_ms + a->in.idle_ms + 1 < next)
        next = a->last_input_ms + a->in.idle_ms + 1;
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
        .to_dx = a->dx,
        .peek = a->peek.dl,
        .peek_key = a->peek.key,
        .peek_dx = a->dx + (a->peek_dir > 0 ? a->w : -a->w),
        .detail = a->detail,
        .detail_key = a->detail_key,
        .geom = a->geom,
        .detail_scroll = a->scroll,
        .controls = a->controls,
        .controls_key = a->controls_key,
    };
    const struct draw_op *v = a->detail ? video_op(a->detail) : video_op(a->cur.dl);
    if (v) {
        bool detail = a->detail != NULL;
        struct rect r = v->r, clip = {0, 0, a->w, a->h};
        if (detail) {
            r.x += a->geom.view.x;
            r.y += a->geom.view.y - a->scroll;
            clip = a->geom.view;
        }
        out->video = (struct app_video){
            .url = v->url,
            .r = r,
            .clip = clip,
            .radius = v->radius,
            .corner = v->color,
            .start_ms = detail ? a->detail_video_start : a->cur.video_start,
            .length_ms = play_ms(a, v->url),
            .in_detail = detail,
            .unmuted = detail && a->unmuted,
        };
    }
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
