/* app: what the screen shows when, driven by a fake clock (the test passes monotonic ms, wall
 * seconds and the broken-down time itself; nothing sleeps). Slides are recognised by a
 * "[id]" marker that every test item carries in its text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app.h"
#include "layout.h"
#include "stub_metrics.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MS0           1000000          /* monotonic start */
#define WALL0         (1764600000 + 5) /* 2025-12-01 14:40:05 UTC */
#define SLIDE_MS      10000
#define PREPARE_MS    1000 /* as app.c: the next slide is laid out this long before its turn */
#define TRANSITION_MS 800
#define FPS           25
#define FRAME_MS      (1000 / FPS)

static const struct app_options options = {
    .slide_ms = SLIDE_MS,
    .max_slide_ms = 30000,
    .transition_ms = TRANSITION_MS,
    .max_fps = FPS,
    .lang = LANG_EN,
    .clock_24h = true,
};

/* ---- content ---- */

static struct person person_of(const char *name)
{
    return (struct person){.id = xstrdup(name), .name = xstrdup(name), .start_date = TIME_NONE};
}

static struct item *add(struct feed *f, const char *id, enum item_type type, int64_t published)
{
    f->items = xrealloc(f->items, (f->n_items + 1) * sizeof *f->items);
    struct item *it = &f->items[f->n_items++];
    *it = (struct item){
        .id = xstrdup(id),
        .type = type,
        .group = {.id = xstrdup("g"), .name = xstrdup("Iedereen")},
        .published_at = published,
        .show_from = TIME_NONE,
        .expires_at = TIME_NONE,
        .likes = -1,
        .comments = -1,
        .author = {.start_date = TIME_NONE},
        .person = {.start_date = TIME_NONE},
        .from = {.start_date = TIME_NONE},
        .until = TIME_NONE,
    };
    char *marker = xasprintf("Over [%s]", id);
    switch (type) {
    case ITEM_POST:
    case ITEM_HELP_REQUEST:
        it->author = person_of("Zo\xC3\xAB van den Berg");
        it->title = xasprintf("Titel %s", id);
        it->body = marker;
        marker = NULL;
        break;
    case ITEM_INTRODUCTION:
        it->person = person_of("\xC4\xB2sbrand Kuipers");
        it->body = marker;
        marker = NULL;
        break;
    case ITEM_SHOUTOUT:
        it->from = person_of("Mohammed El Amrani");
        it->to = xcalloc(1, sizeof *it->to);
        it->to[0] = person_of("Zo\xC3\xAB van den Berg");
        it->n_to = 1;
        it->message = marker;
        marker = NULL;
        break;
    case ITEM_TYPE_COUNT:
        break;
    }
    free(marker);
    return it;
}

static struct feed *feed_new(const char *community)
{
    struct feed *f = xcalloc(1, sizeof *f);
    f->version = 1;
    f->generated_at = TIME_NONE;
    f->community.name = xstrdup(community);
    return f;
}

/* Rotation order: i1, s1, p1, h1, p2. */
static struct feed *mixed_feed(void)
{
    struct feed *f = feed_new("Gemeente Zwolle");
    add(f, "p1", ITEM_POST, 300);
    add(f, "p2", ITEM_POST, 200);
    add(f, "i1", ITEM_INTRODUCTION, 100);
    add(f, "s1", ITEM_SHOUTOUT, 100);
    add(f, "h1", ITEM_HELP_REQUEST, 100);
    return f;
}

static struct feed *without(struct feed *f, const char *id)
{
    for (size_t i = 0; i < f->n_items; i++) {
        if (strcmp(f->items[i].id, id) == 0) {
            item_clear(&f->items[i]);
            memmove(&f->items[i], &f->items[i + 1], (f->n_items - i - 1) * sizeof *f->items);
            f->n_items--;
            break;
        }
    }
    return f;
}

static bool has_none(void *ctx, const char *url)
{
    (void)ctx;
    (void)url;
    return false;
}

/* ---- inspecting frames ---- */

static bool shows_text(const struct draw_list *d, const char *needle)
{
    for (size_t i = 0; d && i < d->n; i++) {
        const struct text_block *b = d->ops[i].text;
        for (size_t k = 0; b && k < b->n_lines; k++)
            if (strstr(b->lines[k].s, needle))
                return true;
    }
    return false;
}

/* Whether draw list d is the slide of item id. */
static bool shows(const struct draw_list *d, const char *id)
{
    char marker[64];
    snprintf(marker, sizeof marker, "[%s]", id);
    return shows_text(d, marker);
}

static bool shows_any_item(const struct draw_list *d)
{
    return shows_text(d, "Over [");
}

/* ---- the fake clock ---- */

struct fake {
    struct app *app;
    struct layout *layout;
    int64_t ms, wall;
    struct tm tm;
    int64_t next; /* what the last tick asked for */
};

static void fake_init(struct fake *f)
{
    *f = (struct fake){.layout = layout_builtin()};
    f->app = app_create(&options, f->layout, stub_metrics(), 1920, 1080);
    f->ms = MS0;
    f->wall = WALL0;
}

static void fake_done(struct fake *f)
{
    app_destroy(f->app);
    layout_destroy(f->layout);
}

static int64_t tick_at(struct fake *f, int64_t ms)
{
    assert_true(ms >= f->ms);
    f->ms = ms;
    f->wall = WALL0 + (ms - MS0) / 1000;
    time_t t = (time_t)f->wall;
    gmtime_r(&t, &f->tm);
    f->next = app_tick(f->app, f->ms, f->wall, &f->tm);
    assert_true(f->next > f->ms);
    return f->next;
}

/* The next minute as the app sees it from the last tick. */
static int64_t next_minute(const struct fake *f)
{
    return f->ms + (60 - f->tm.tm_sec) * 1000;
}

static int64_t min64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

static float smoothstep(float x)
{
    return x * x * (3 - 2 * x);
}

/* Ticks through a running crossfade at the times the app asks for until it settles (every
 * frame of it changes the screen); returns the time it settled at. */
static int64_t finish_fade(struct fake *f)
{
    struct app_frame fr;
    for (int guard = 0; guard < 1000; guard++) {
        bool changed = app_frame(f->app, &fr);
        if (!fr.from)
            return f->ms;
        assert_true(changed || guard == 0); /* the caller may have taken the first frame */
        assert_int_equal(f->next, f->ms + FRAME_MS);
        tick_at(f, f->next);
    }
    fail_msg("the crossfade never settles");
    return 0;
}

/* ---- tests ---- */

static void test_first_tick_shows_status(void **state)
{
    (void)state;
    struct fake f;
    fake_init(&f);
    struct app_frame fr;
    int64_t next = tick_at(&f, MS0);
    assert_true(app_frame(f.app, &fr));
    assert_non_null(fr.to);
    assert_null(fr.from);
    assert_true(fr.t == 1.0f);
    assert_true(shows_text(fr.to, tr(LANG_EN, STR_WAITING_TITLE)));
    assert_non_null(fr.header);
    assert_true(shows_text(fr.header, "Prikbord"));
    assert_true(shows_text(fr.header, "14:40"));
    assert_true(shows_text(fr.header, "Monday 1 December"));
    assert_null(app_current_item(f.app));
    assert_int_equal(app_count_shown(f.app, WALL0), 0);
    assert_int_equal(next, min64(MS0 + SLIDE_MS, next_minute(&f)));
    /* Nothing changed: nothing to draw. */
    assert_false(app_frame(f.app, &fr));
    tick_at(&f, MS0 + 3000);
    assert_false(app_frame(f.app, &fr));
    /* The slide's time runs out, but a status slide has nothing to move on to. */
    tick_at(&f, MS0 + SLIDE_MS);
    assert_false(app_frame(f.app, &fr));

    /* A problem to report replaces the text; the same problem again changes nothing. */
    app_set_status(f.app, "Geen verbinding", "De server antwoordt niet.");
    tick_at(&f, f.ms + 10);
    assert_true(app_frame(f.app, &fr));
    assert_true(shows_text(fr.to, "Geen verbinding"));
    uint64_t key = fr.to_key;
    finish_fade(&f);
    app_set_status(f.app, "Geen verbinding", "De server antwoordt niet.");
    tick_at(&f, f.ms + 10);
    assert_false(app_frame(f.app, &fr));
    assert_int_equal(fr.to_key, key);
    fake_done(&f);
}

static void test_feed_crossfades_in_and_settles(void **state)
{
    (void)state;
    struct fake f;
    fake_init(&f);
    struct app_frame fr;
    tick_at(&f, MS0);
    app_frame(f.app, &fr);
    uint64_t status_key = fr.to_key;

    /* The first content replaces the status slide at once: people are waiting for it. */
    app_set_feed(f.app, mixed_feed(), has_none, NULL);
    int64_t next = tick_at(&f, MS0 + 500);
    assert_true(app_frame(f.app, &fr));
    assert_null(fr.from);
    assert_true(fr.t == 1.0f);
    assert_true(shows(fr.to, "i1"));
    assert_int_not_equal(fr.to_key, status_key);
    assert_string_equal(app_current_item(f.app)->id, "i1");
    assert_true(shows_text(fr.header, "Gemeente Zwolle"));
    /* (woken a second before the slide's end to lay out the next one: app_prepare) */
    assert_int_equal(next, min64(f.ms + SLIDE_MS - PREPARE_MS, next_minute(&f)));
    uint64_t i1_key = fr.to_key;

    /* The next slide crossfades in: t runs from 0 to 1 over transition_ms, eased. */
    int64_t start = MS0 + 500 + SLIDE_MS;
    next = tick_at(&f, start);
    assert_int_equal(next, start + FRAME_MS);
    assert_true(app_frame(f.app, &fr));
    assert_non_null(fr.from);
    assert_int_equal(fr.from_key, i1_key);
    assert_true(shows(fr.from, "i1"));
    assert_true(shows(fr.to, "s1"));
    assert_true(fr.t == 0.0f);
    for (int64_t dt = FRAME_MS; dt < TRANSITION_MS; dt += FRAME_MS) {
        next = tick_at(&f, start + dt);
        assert_int_equal(next, start + dt + FRAME_MS);
        assert_true(app_frame(f.app, &fr));
        assert_non_null(fr.from);
        float want = smoothstep((float)dt / TRANSITION_MS);
        assert_true(fabsf(fr.t - want) < 1e-4f);
    }
    /* A late tick: the position follows the clock, not the number of ticks, and a tick at or
     * past the end settles the fade. */
    next = tick_at(&f, start + TRANSITION_MS + 300);
    assert_true(app_frame(f.app, &fr));
    assert_null(fr.from);
    assert_true(fr.t == 1.0f);
    assert_true(shows(fr.to, "s1"));
    assert_int_equal(next, min64(f.ms + SLIDE_MS - PREPARE_MS, next_minute(&f)));
    fake_done(&f);
}

static void test_fade_positions(void **state)
{
    (void)state;
    struct fake f;
    fake_init(&f);
    struct app_frame fr;
    tick_at(&f, MS0);
    app_set_feed(f.app, mixed_feed(), has_none, NULL);
    tick_at(&f, MS0 + 1000);
    int64_t start = MS0 + 1000 + SLIDE_MS; /* i1 to s1 */
    tick_at(&f, start);
    static const struct {
        int64_t dt;
        float t;
    } points[] = {{200, 0.15625f}, {400, 0.5f}, {600, 0.84375f}};
    for (size_t i = 0; i < ARRAY_LEN(points); i++) {
        tick_at(&f, start + points[i].dt);
        assert_true(app_frame(f.app, &fr));
        assert_true(fabsf(fr.t - points[i].t) < 1e-4f);
    }
    /* Settled: only the new slide, and the next deadline is its end. */
    int64_t next = tick_at(&f, start + TRANSITION_MS);
    assert_true(app_frame(f.app, &fr));
    assert_null(fr.from);
    assert_true(fr.t == 1.0f);
    assert_true(shows(fr.to, "s1"));
    assert_int_equal(next, min64(f.ms + SLIDE_MS - PREPARE_MS, next_minute(&f)));
    fake_done(&f);
}

static void test_slides_advance_and_static_is_free(void **state)
{
    (void)state;
    struct fake f;
    fake_init(&f);
    struct app_frame fr;
    tick_at(&f, MS0);
    app_set_feed(f.app, mixed_feed(), has_none, NULL);
    tick_at(&f, MS0 + 1);
    int64_t settled = finish_fade(&f);
    app_frame(f.app, &fr);
    assert_true(shows(fr.to, "i1"));
    uint64_t key = fr.to_key, header_key = fr.header_key;

    /* Between ticks nothing is redrawn; a tick before the slide's end changes nothing, and the
     * app asks to be woken a second before the slide's end (the minute is further away)... */
    int64_t end = settled + SLIDE_MS;
    assert_int_equal(f.next, end - PREPARE_MS);
    assert_false(app_frame(f.app, &fr));
    const struct draw_list *next_dl;
    uint64_t next_key;
    assert_false(app_prepare(f.app, &next_dl, &next_key));
    for (int64_t at = settled + 1000; at < end - PREPARE_MS; at += 3000) {
        assert_int_equal(tick_at(&f, at), end - PREPARE_MS);
        assert_false(app_frame(f.app, &fr));
        assert_int_equal(fr.to_key, key);
        assert_int_equal(fr.header_key, header_key);
        assert_null(fr.from);
    }

    /* ...to lay out the next slide for the renderer, once, without a redraw; then at the end. */
    assert_int_equal(tick_at(&f, end - PREPARE_MS), end);
    assert_false(app_frame(f.app, &fr));
    assert_true(app_prepare(f.app, &next_dl, &next_key));
    assert_true(shows(next_dl, "s1"));
    assert_false(app_prepare(f.app, &next_dl, &next_key));
    assert_int_equal(tick_at(&f, end - 1), end);

    /* At the end of the slide, the next one fades in: the slide prepared, by its key. */
    tick_at(&f, end);
    assert_true(app_frame(f.app, &fr));
    assert_non_null(fr.from);
    assert_int_equal(fr.to_key, next_key);
    assert_int_equal(fr.from_key, key);
    assert_true(shows(fr.from, "i1"));
    assert_true(shows(fr.to, "s1"));
    assert_int_equal(f.next, end + FRAME_MS);
    settled = finish_fade(&f);
    app_frame(f.app, &fr);
    assert_true(shows(fr.to, "s1"));
    /* One millisecond early: still the same slide. */
    tick_at(&f, settled + SLIDE_MS - 1);
    app_frame(f.app, &fr);
    assert_true(shows(fr.to, "s1"));
    assert_null(fr.from);
    tick_at(&f, settled + SLIDE_MS);
    app_frame(f.app, &fr);
    assert_true(shows(fr.to, "p1"));
    fake_done(&f);
}

static void test_deadline_is_next_minute_for_the_clock(void **state)
{
    (void)state;
    struct fake f;
    fake_init(&f);
    struct app_frame fr;
    tick_at(&f, MS0);
    app_set_feed(f.app, mixed_feed(), has_none, NULL);
    tick_at(&f, MS0 + 1);
    finish_fade(&f);
    /* Move to 14:40:55 on the same slide: the clock's next minute comes before the slide's
     * end. */
    int64_t at = MS0 + 50000;
    /* Slides advance every 10 s on their own; walk there tick by tick. */
    while (f.next <= at)
        tick_at(&f, f.next);
    app_frame(f.app, &fr);
    uint64_t header_key = fr.header_key;
    /* Any tick inside this minute keeps the header. */
    while (f.tm.tm_min == 40) {
        assert_int_equal(fr.header_key, header_key);
        assert_true(f.next <= next_minute(&f));
        tick_at(&f, f.next);
        app_frame(f.app, &fr);
    }
    /* The first tick of 14:41 brings a new header with the new time, at the moment asked. */
    assert_int_equal(f.tm.tm_sec, 0);
    assert_int_not_equal(fr.header_key, header_key);
    assert_true(shows_text(fr.header, "14:41"));
    header_key = fr.header_key;
    /* ...and no other tick in that minute does. */
    while (f.tm.tm_min == 41) {
        tick_at(&f, f.next);
        app_frame(f.app, &fr);
        if (f.tm.tm_min == 41)
            assert_int_equal(fr.header_key, header_key);
    }
    assert_int_not_equal(fr.header_key, header_key);
    fake_done(&f);
}

static void test_static_slide_deadline(void **state)
{
    (void)state;
    /* With one item, the slide never changes: the app only wakes for the clock. */
    struct fake f;
    fake_init(&f);
    struct app_frame fr;
    struct feed *feed = feed_new("Gemeente Zwolle");
    add(feed, "p1", ITEM_POST, 1);
    app_set_feed(f.app, feed, has_none, NULL);
    tick_at(&f, MS0);
    assert_true(app_frame(f.app, &fr));
    assert_null(fr.from); /* nothing to fade from */
    uint64_t key = fr.to_key;
    assert_true(shows(fr.to, "p1"));
    for (int i = 0; i < 30; i++) {
        int64_t asked = f.next;
        assert_true(asked <= next_minute(&f));
        assert_true(asked <= f.ms + SLIDE_MS);
        tick_at(&f, asked);
        bool changed = app_frame(f.app, &fr);
        assert_int_equal(fr.to_key, key); /* never rebuilt, never faded into itself */
        assert_null(fr.from);
        assert_true(changed == (f.tm.tm_sec == 0));
    }
    fake_done(&f);
}

static void test_header_only_on_minute_or_community_change(void **state)
{
    (void)state;
    struct fake f;
    fake_init(&f);
    struct app_frame fr;
    app_set_feed(f.app, mixed_feed(), has_none, NULL);
    tick_at(&f, MS0);
    finish_fade(&f);
    app_frame(f.app, &fr);
    uint64_t header_key = fr.header_key;

    /* A refresh with the same community: the header stays (it is not redrawn every minute of
     * refreshes). */
    app_set_feed(f.app, mixed_feed(), has_none, NULL);
    tick_at(&f, f.ms + 100);
    app_frame(f.app, &fr);
    assert_int_equal(fr.header_key, header_key);
    assert_non_null(fr.header);

    /* A new name: a new header, at once. */
    struct feed *renamed = mixed_feed();
    free(renamed->community.name);
    renamed->community.name = xstrdup("Gemeente Kampen");
    app_set_feed(f.app, renamed, has_none, NULL);
    tick_at(&f, f.ms + 100);
    assert_true(app_frame(f.app, &fr));
    assert_int_not_equal(fr.header_key, header_key);
    assert_true(shows_text(fr.header, "Gemeente Kampen"));
    fake_done(&f);
}

/* The slide prepared for the next turn is withdrawn before its turn: it never shows, and
 * the slide shown instead is laid out from the new content. */
static void test_prepared_slide_withdrawn(void **state)
{
    (void)state;
    struct fake f;
    fake_init(&f);
    struct app_frame fr;
    app_set_feed(f.app, mixed_feed(), has_none, NULL);
    tick_at(&f, MS0);
    int64_t end = finish_fade(&f) + SLIDE_MS;
    tick_at(&f, end - PREPARE_MS);
    const struct draw_list *next_dl;
    uint64_t next_key;
    assert_true(app_prepare(f.app, &next_dl, &next_key));
    assert_true(shows(next_dl, "s1"));
    app_set_feed(f.app, without(mixed_feed(), "s1"), has_none, NULL);
    /* The new content's next slide is prepared again at once. */
    tick_at(&f, end - PREPARE_MS + 1);
    assert_true(app_prepare(f.app, &next_dl, &next_key));
    assert_false(shows(next_dl, "s1"));
    tick_at(&f, end);
    assert_true(app_frame(f.app, &fr));
    assert_int_equal(fr.to_key, next_key);
    assert_false(shows(fr.to, "s1"));
    assert_true(shows_any_item(fr.to));
    fake_done(&f);
}

static void test_removed_item_disappears_at_next_tick(void **state)
{
    (void)state;
    struct fake f;
    fake_init(&f);
    struct app_frame fr;
    app_set_feed(f.app, mixed_feed(), has_none, NULL);
    tick_at(&f, MS0);
    finish_fade(&f);
    app_frame(f.app, &fr);
    assert_true(shows(fr.to, "i1"));

    /* i1 is withdrawn in the middle of its time on screen. */
    app_set_feed(f.app, without(mixed_feed(), "i1"), has_none, NULL);
    tick_at(&f, f.ms + 2000);
    assert_true(app_frame(f.app, &fr));
    assert_false(shows(fr.to, "i1"));
    assert_false(shows(fr.from, "i1")); /* not even fading out */
    assert_true(shows_any_item(fr.to));
    assert_non_null(app_current_item(f.app));
    assert_string_not_equal(app_current_item(f.app)->id, "i1");
    /* And it never comes back. */
    for (int i = 0; i < 40; i++) {
        tick_at(&f, f.next);
        app_frame(f.app, &fr);
        assert_false(shows(fr.to, "i1"));
        assert_false(shows(fr.from, "i1"));
    }
    fake_done(&f);
}

static void test_removed_during_fade(void **state)
{
    (void)state;
    struct fake f;
    fake_init(&f);
    struct app_frame fr;
    app_set_feed(f.app, mixed_feed(), has_none, NULL);
    tick_at(&f, MS0);
    int64_t settled = finish_fade(&f);
    tick_at(&f, settled + SLIDE_MS);
    app_frame(f.app, &fr);
    assert_true(shows(fr.from, "i1"));
    assert_true(shows(fr.to, "s1"));
    /* The slide fading out is withdrawn: it goes at once; the one fading in stays. */
    app_set_feed(f.app, without(mixed_feed(), "i1"), has_none, NULL);
    tick_at(&f, f.ms + FRAME_MS);
    assert_true(app_frame(f.app, &fr));
    assert_false(shows(fr.from, "i1"));
    assert_true(shows(fr.to, "s1"));
    /* The slide fading in is withdrawn: the next one replaces it at once. */
    tick_at(&f, f.ms + SLIDE_MS + TRANSITION_MS);
    tick_at(&f, f.next);
    app_frame(f.app, &fr);
    assert_true(shows(fr.to, "p1"));
    app_set_feed(f.app, without(without(mixed_feed(), "i1"), "p1"), has_none, NULL);
    tick_at(&f, f.ms + FRAME_MS);
    app_frame(f.app, &fr);
    assert_false(shows(fr.to, "p1"));
    assert_false(shows(fr.from, "p1"));
    assert_true(shows_any_item(fr.to));
    fake_done(&f);
}

static void test_kept_item_is_redrawn_in_place(void **state)
{
    (void)state;
    struct fake f;
    fake_init(&f);
    struct app_frame fr;
    app_set_feed(f.app, mixed_feed(), has_none, NULL);
    tick_at(&f, MS0);
    int64_t settled = finish_fade(&f);
    app_frame(f.app, &fr);
    uint64_t key = fr.to_key;
    assert_true(shows(fr.to, "i1"));

    /* A refresh edits i1's text: same slide (no fade, same place in the rotation), new words,
     * and its time on screen is not restarted. */
    struct feed *edited = mixed_feed();
    struct item *i1 = (struct item *)feed_find(edited, "i1");
    free(i1->body);
    i1->body = xstrdup("Over [i1], nu met een foto");
    app_set_feed(f.app, edited, has_none, NULL);
    assert_true(app_frame(f.app, &fr));
    assert_int_not_equal(fr.to_key, key);
    assert_null(fr.from);
    assert_true(shows_text(fr.to, "nu met een foto"));
    assert_string_equal(app_current_item(f.app)->id, "i1");
    tick_at(&f, f.ms + 1000);
    assert_false(app_frame(f.app, &fr));
    assert_true(shows(fr.to, "i1"));
    tick_at(&f, settled + SLIDE_MS);
    app_frame(f.app, &fr);
    assert_true(shows(fr.to, "s1"));
    assert_true(shows(fr.from, "i1"));
    fake_done(&f);
}

static void test_show_next_visits_each_once(void **state)
{
    (void)state;
    struct fake f;
    fake_init(&f);
    struct feed *feed = mixed_feed();
    add(feed, "old", ITEM_POST, 50)->expires_at = WALL0 - 1;
    add(feed, "soon", ITEM_POST, 60)->show_from = WALL0 + 3600;
    app_set_feed(f.app, feed, has_none, NULL);
    size_t n = app_count_shown(f.app, WALL0);
    assert_int_equal(n, 5);
    char *seen[5] = {0};
    for (size_t i = 0; i < n; i++) {
        const struct item *it = app_show_next(f.app, MS0 + (int64_t)i, WALL0);
        assert_non_null(it);
        assert_ptr_equal(app_current_item(f.app), it);
        assert_int_equal(item_time_verdict(it, WALL0), TIME_SHOWN);
        for (size_t k = 0; k < i; k++)
            assert_string_not_equal(seen[k], it->id);
        seen[i] = xstrdup(it->id);
        struct app_frame fr;
        tick_at(&f, MS0 + (int64_t)i);
        app_frame(f.app, &fr);
        assert_null(fr.from); /* headless: the transition is already done */
        assert_true(fr.t == 1.0f);
        assert_true(shows(fr.to, it->id));
        /* the page indicator: the item's place among the n shown, in feed order */
        char page[48];
        snprintf(page, sizeof page, " / %zu", n);
        assert_true(shows_text(fr.to, page));
    }
    /* The next cycle visits every item once again. */
    for (size_t i = 0; i < n; i++) {
        const struct item *it = app_show_next(f.app, MS0 + 10 + (int64_t)i, WALL0);
        for (size_t k = 0; k < n; k++) {
            if (seen[k] && strcmp(seen[k], it->id) == 0) {
                free(seen[k]);
                seen[k] = NULL;
            }
        }
    }
    for (size_t i = 0; i < n; i++)
        assert_null(seen[i]);

    /* One item: shown again and again; none: the status slide (NULL). */
    struct feed *one = feed_new("X");
    add(one, "p1", ITEM_POST, 1);
    app_set_feed(f.app, one, has_none, NULL);
    assert_int_equal(app_count_shown(f.app, WALL0), 1);
    assert_string_equal(app_show_next(f.app, MS0 + 20, WALL0)->id, "p1");
    assert_string_equal(app_show_next(f.app, MS0 + 21, WALL0)->id, "p1");
    fake_done(&f);

    fake_init(&f);
    assert_int_equal(app_count_shown(f.app, WALL0), 0);
    assert_null(app_show_next(f.app, MS0, WALL0));
    struct app_frame fr;
    app_frame(f.app, &fr);
    assert_true(shows_text(fr.to, tr(LANG_EN, STR_WAITING_TITLE)));
    fake_done(&f);
}

static void test_nothing_shown_gives_empty_status(void **state)
{
    (void)state;
    /* From the first-boot status slide. */
    struct fake f;
    fake_init(&f);
    struct app_frame fr;
    tick_at(&f, MS0);
    struct feed *feed = feed_new("Gemeente Zwolle");
    add(feed, "old", ITEM_POST, 1)->expires_at = WALL0 - 10;
    app_set_feed(f.app, feed, has_none, NULL);
    tick_at(&f, MS0 + 100);
    finish_fade(&f);
    app_frame(f.app, &fr);
    assert_true(shows_text(fr.to, tr(LANG_EN, STR_EMPTY_TITLE)));
    assert_false(shows_text(fr.to, tr(LANG_EN, STR_WAITING_TITLE)));
    assert_null(app_current_item(f.app));
    fake_done(&f);

    /* From an item: the last item is withdrawn. */
    fake_init(&f);
    feed = feed_new("Gemeente Zwolle");
    add(feed, "p1", ITEM_POST, 1);
    app_set_feed(f.app, feed, has_none, NULL);
    tick_at(&f, MS0);
    app_frame(f.app, &fr);
    assert_true(shows(fr.to, "p1"));
    app_set_feed(f.app, feed_new("Gemeente Zwolle"), has_none, NULL);
    tick_at(&f, MS0 + 100);
    app_frame(f.app, &fr);
    assert_false(shows(fr.to, "p1"));
    assert_false(shows(fr.from, "p1"));
    assert_true(shows_text(fr.to, tr(LANG_EN, STR_EMPTY_TITLE)));
    /* It stays, without redrawing, until there is something to show. */
    finish_fade(&f);
    uint64_t key = fr.to_key;
    for (int i = 0; i < 5; i++) {
        tick_at(&f, f.next);
        app_frame(f.app, &fr);
        assert_int_equal(fr.to_key, key);
    }
    feed = feed_new("Gemeente Zwolle");
    add(feed, "p2", ITEM_POST, 1);
    app_set_feed(f.app, feed, has_none, NULL);
    tick_at(&f, f.ms + 1);
    app_frame(f.app, &fr);
    assert_true(shows(fr.to, "p2"));
    fake_done(&f);
}

static bool inside_screen(const struct draw_list *d, int w, int h)
{
    for (size_t i = 0; i < d->n; i++) {
        struct rect r = d->ops[i].r;
        if (r.x < 0 || r.y < 0 || r.x + r.w > w || r.y + r.h > h)
            return false;
    }
    return true;
}

static void test_resize_rebuilds(void **state)
{
    (void)state;
    struct fake f;
    fake_init(&f);
    struct app_frame fr;
    app_set_feed(f.app, mixed_feed(), has_none, NULL);
    tick_at(&f, MS0);
    int64_t settled = finish_fade(&f);
    app_frame(f.app, &fr);
    uint64_t key = fr.to_key, header_key = fr.header_key;
    assert_false(inside_screen(fr.to, 800, 480)); /* drawn for 1920x1080 */

    /* The same size: nothing happens. */
    app_resize(f.app, 1920, 1080);
    assert_false(app_frame(f.app, &fr));

    app_resize(f.app, 800, 480);
    tick_at(&f, f.ms + 10);
    assert_true(app_frame(f.app, &fr));
    assert_int_not_equal(fr.to_key, key);
    assert_int_not_equal(fr.header_key, header_key);
    assert_null(fr.from);
    assert_true(shows(fr.to, "i1")); /* the same slide, laid out again */
    assert_true(inside_screen(fr.to, 800, 480));
    assert_true(inside_screen(fr.header, 800, 480));
    /* Its time on screen is not restarted. */
    tick_at(&f, settled + SLIDE_MS);
    app_frame(f.app, &fr);
    assert_true(shows(fr.to, "s1"));

    /* A resize in the middle of a fade ends it on the new slide. */
    tick_at(&f, f.ms + FRAME_MS);
    app_resize(f.app, 1280, 720);
    tick_at(&f, f.ms + FRAME_MS);
    app_frame(f.app, &fr);
    assert_null(fr.from);
    assert_true(shows(fr.to, "s1"));
    assert_true(inside_screen(fr.to, 1280, 720));
    fake_done(&f);

    /* Before any content: the status slide follows the size. */
    fake_init(&f);
    tick_at(&f, MS0);
    app_resize(f.app, 800, 480);
    tick_at(&f, MS0 + 1);
    assert_true(app_frame(f.app, &fr));
    assert_true(shows_text(fr.to, tr(LANG_EN, STR_WAITING_TITLE)));
    assert_true(inside_screen(fr.to, 800, 480));
    fake_done(&f);
}

static void test_item_expiring_on_screen(void **state)
{
    (void)state;
    struct fake f;
    fake_init(&f);
    struct app_frame fr;
    struct feed *feed = mixed_feed();
    struct item *i1 = (struct item *)feed_find(feed, "i1");
    i1->expires_at = WALL0 + 5; /* 5 s into its time on screen */
    app_set_feed(f.app, feed, has_none, NULL);
    tick_at(&f, MS0);
    finish_fade(&f);
    app_frame(f.app, &fr);
    assert_true(shows(fr.to, "i1"));
    /* The app wakes up when it expires, and takes it off at once. */
    assert_true(f.next <= MS0 + 5000);
    while (f.wall < WALL0 + 5) {
        tick_at(&f, f.next);
        app_frame(f.app, &fr);
    }
    assert_false(shows(fr.to, "i1"));
    assert_false(shows(fr.from, "i1"));
    assert_true(shows_any_item(fr.to));
    assert_int_equal(app_count_shown(f.app, f.wall), 4);
    /* Never again, in any number of cycles. */
    for (int i = 0; i < 200; i++) {
        tick_at(&f, f.next);
        app_frame(f.app, &fr);
        assert_false(shows(fr.to, "i1"));
        assert_false(shows(fr.from, "i1"));
        const struct item *cur = app_current_item(f.app);
        assert_true(cur == NULL || strcmp(cur->id, "i1") != 0);
    }
    fake_done(&f);

    /* The only item expires: the empty status slide. */
    fake_init(&f);
    feed = feed_new("Gemeente Zwolle");
    add(feed, "p1", ITEM_POST, 1)->expires_at = WALL0 + 3;
    app_set_feed(f.app, feed, has_none, NULL);
    tick_at(&f, MS0);
    app_frame(f.app, &fr);
    assert_true(shows(fr.to, "p1"));
    while (f.wall < WALL0 + 3)
        tick_at(&f, f.next);
    app_frame(f.app, &fr);
    assert_false(shows(fr.to, "p1"));
    assert_false(shows(fr.from, "p1"));
    assert_true(shows_text(fr.to, tr(LANG_EN, STR_EMPTY_TITLE)));
    fake_done(&f);
}

static void test_no_transition_cuts(void **state)
{
    (void)state;
    struct layout *l = layout_builtin();
    struct app_options o = options;
    o.transition_ms = 0;
    struct app *a = app_create(&o, l, stub_metrics(), 1920, 1080);
    app_set_feed(a, mixed_feed(), has_none, NULL);
    struct tm tm = {
        .tm_hour = 9, .tm_min = 5, .tm_sec = 0, .tm_mday = 1, .tm_mon = 11, .tm_wday = 1};
    app_tick(a, MS0, WALL0, &tm);
    struct app_frame fr;
    app_frame(a, &fr);
    assert_true(shows(fr.to, "i1"));
    assert_true(shows_text(fr.header, "09:05"));
    int64_t next = app_tick(a, MS0 + SLIDE_MS, WALL0 + 10, &tm);
    app_frame(a, &fr);
    assert_null(fr.from);
    assert_true(shows(fr.to, "s1"));
    assert_int_equal(next, MS0 + 2 * SLIDE_MS);
    /* A 12-hour clock and no local time at all. */
    app_destroy(a);
    o.clock_24h = false;
    a = app_create(&o, l, stub_metrics(), 1920, 1080);
    tm.tm_hour = 13;
    app_tick(a, MS0, WALL0, &tm);
    app_frame(a, &fr);
    assert_true(shows_text(fr.header, "1:05 PM"));
    next = app_tick(a, MS0 + 1, WALL0, NULL);
    assert_true(next > MS0 + 1);
    app_destroy(a);
    app_destroy(NULL);
    layout_destroy(l);
}

/* ---- a person at the screen ---- */

#define IDLE_MS 45000

/* Input as a 1920x1080 touchscreen at 4 px/mm has it: controls of 100 px. */
static struct app_input_options touch_input(void)
{
    return (struct app_input_options){
        .enabled = true,
        .controls = true,
        .idle_ms = IDLE_MS,
        .target_px = 100,
        .gesture = gesture_config_for(1920, 4.0),
    };
}

static void touch_init(struct fake *f)
{
    fake_init(f);
    struct app_input_options in = touch_input();
    app_set_input(f->app, &in);
    tick_at(f, MS0);
    app_set_feed(f->app, mixed_feed(), has_none, NULL);
    tick_at(f, MS0 + 100);
    tick_at(f, MS0 + 100 + TRANSITION_MS); /* i1 settled */
}

static void tap_at(struct fake *f, int x, int y)
{
    app_pointer(f->app, APP_POINTER_DOWN, 1, x, y, f->ms);
    app_pointer(f->app, APP_POINTER_UP, 1, x, y, f->ms);
}

/* A quick flick of 200 px: dir +1 to the next slide (moving left), -1 to the previous. */
static void flick(struct fake *f, int dir)
{
    int x = 960, step = dir > 0 ? -50 : 50;
    app_pointer(f->app, APP_POINTER_DOWN, 1, x, 500, f->ms);
    for (int i = 1; i <= 4; i++)
        app_pointer(f->app, APP_POINTER_MOVE, 1, x + i * step, 500, f->ms + i * 10);
    app_pointer(f->app, APP_POINTER_UP, 1, x + 4 * step, 500, f->ms + 45);
    f->ms += 45; /* the next tick comes after the events */
}

/* Ticks frame by frame until the slides stop gliding; returns the frame at rest. */
static struct app_frame settle_down(struct fake *f)
{
    struct app_frame fr;
    for (int guard = 0; guard < 100; guard++) {
        tick_at(f, f->ms + FRAME_MS);
        app_frame(f->app, &fr);
        if (fr.to_dx == 0 && !fr.peek)
            return fr;
    }
    fail_msg("the slides never come to rest");
    return fr;
}

static void test_tap_opens_and_closes_the_detail_view(void **state)
{
    (void)state;
    struct fake f;
    touch_init(&f);
    struct app_frame fr;
    app_frame(f.app, &fr);
    assert_false(app_interacting(f.app));
    assert_null(fr.controls);
    tap_at(&f, 960, 600);
    assert_true(app_interacting(f.app));
    assert_true(app_detail_open(f.app));
    tick_at(&f, f.ms + 100);
    assert_true(app_frame(f.app, &fr));
    assert_non_null(fr.detail);
    assert_true(shows(fr.detail, "i1")); /* the whole text of the item on screen */
    assert_true(shows(fr.to, "i1"));     /* over its slide */
    assert_true(fr.geom.view.w > 0 && fr.geom.content_h >= fr.geom.view.h);
    assert_non_null(fr.controls); /* the close control */
    /* A tap on the card itself does nothing; outside it closes. */
    tap_at(&f, fr.geom.card.x + fr.geom.card.w / 2, fr.geom.card.y + fr.geom.card.h / 2);
    assert_true(app_detail_open(f.app));
    tap_at(&f, fr.geom.card.x / 2, fr.geom.card.y + 10);
    assert_false(app_detail_open(f.app));
    tick_at(&f, f.ms + 100);
    app_frame(f.app, &fr);
    assert_null(fr.detail);
    assert_true(shows(fr.to, "i1"));
    /* A tap on the header is no tap on the slide. */
    tap_at(&f, 960, 5);
    assert_false(app_detail_open(f.app));
    fake_done(&f);
}

static void test_tap_during_a_transition(void **state)
{
    (void)state;
    struct fake f;
    touch_init(&f);
    /* i1's time runs out: the crossfade to s1 begins. */
    tick_at(&f, f.ms + SLIDE_MS);
    struct app_frame fr;
    app_frame(f.app, &fr);
    assert_non_null(fr.from);
    tick_at(&f, f.ms + TRANSITION_MS / 3);
    /* A tap half way: the fade ends at once and the tap is on the slide that was coming. */
    tap_at(&f, 960, 600);
    tick_at(&f, f.ms + 100);
    app_frame(f.app, &fr);
    assert_null(fr.from);
    assert_true(shows(fr.to, "s1"));
    assert_true(app_detail_open(f.app));
    assert_true(shows(fr.detail, "s1"));
    fake_done(&f);
}

static void test_swipes_browse_and_follow_the_finger(void **state)
{
    (void)state;
    struct fake f;
    touch_init(&f);
    tick_at(&f, f.ms + SLIDE_MS);
    tick_at(&f, f.ms + TRANSITION_MS); /* s1 on screen, i1 was before */
    struct app_frame fr;
    app_frame(f.app, &fr);
    assert_true(shows(fr.to, "s1"));

    /* Dragging to the right: s1 follows the finger and the previous slide comes in. */
    app_pointer(f.app, APP_POINTER_DOWN, 1, 500, 500, f.ms);
    app_pointer(f.app, APP_POINTER_MOVE, 1, 800, 500, f.ms + 200);
    tick_at(&f, f.ms + 200);
    assert_true(app_frame(f.app, &fr));
    assert_int_equal(fr.to_dx, 300);
    assert_non_null(fr.peek);
    assert_true(shows(fr.peek, "i1"));
    assert_int_equal(fr.peek_dx, 300 - 1920);
    /* Let go slowly, not half way: it glides back. */
    app_pointer(f.app, APP_POINTER_UP, 1, 800, 500, f.ms + 400);
    f.ms += 400;
    fr = settle_down(&f);
    assert_true(shows(fr.to, "s1"));

    /* A flick back: i1, the one that was just on screen. */
    flick(&f, -1);
    tick_at(&f, f.ms + FRAME_MS);
    app_frame(f.app, &fr);
    assert_true(fr.to_dx > 200 && fr.to_dx < 1920); /* gliding */
    fr = settle_down(&f);
    assert_true(shows(fr.to, "i1"));
    assert_string_equal(app_current_item(f.app)->id, "i1");
    /* And forward again: s1, then what the rotation had not shown yet. */
    flick(&f, 1);
    fr = settle_down(&f);
    assert_true(shows(fr.to, "s1"));
    flick(&f, 1);
    fr = settle_down(&f);
    assert_true(shows(fr.to, "p1"));
    /* A drag slower than half a screen over 2 seconds still counts once past half way. */
    app_pointer(f.app, APP_POINTER_DOWN, 1, 1800, 500, f.ms);
    for (int i = 1; i <= 100; i++)
        app_pointer(f.app, APP_POINTER_MOVE, 1, 1800 - i * 10, 500, f.ms + i * 50);
    app_pointer(f.app, APP_POINTER_UP, 1, 800, 500, f.ms + 5200);
    f.ms += 5200;
    fr = settle_down(&f);
    assert_false(shows(fr.to, "p1"));
    fake_done(&f);
}

static void test_slideshow_waits_and_returns_after_idle(void **state)
{
    (void)state;
    struct fake f;
    touch_init(&f);
    int64_t touched = f.ms + 1000;
    f.ms = touched;
    tap_at(&f, 960, 600); /* the last input */
    assert_true(app_detail_open(f.app));
    /* Far past the slide's time: still i1, with the detail view open. */
    int64_t next = tick_at(&f, touched + 3 * SLIDE_MS);
    assert_true(next <= touched + IDLE_MS + 1);
    assert_string_equal(app_current_item(f.app)->id, "i1");
    /* Exactly at the idle time the interaction still holds... */
    tick_at(&f, touched + IDLE_MS);
    assert_true(app_interacting(f.app));
    /* ...and an input at that very moment continues it. */
    tap_at(&f, 10, 300); /* outside the card: closes the detail view */
    assert_false(app_detail_open(f.app));
    assert_true(app_interacting(f.app));
    int64_t last = touched + IDLE_MS;
    tick_at(&f, last + IDLE_MS);
    assert_true(app_interacting(f.app));
    /* One millisecond later the screen is a wall display again. */
    tick_at(&f, last + IDLE_MS + 1);
    assert_false(app_interacting(f.app));
    struct app_frame fr;
    app_frame(f.app, &fr);
    assert_null(fr.controls);
    assert_null(fr.detail);
    assert_true(shows(fr.to, "i1"));
    /* The rotation goes on after a whole slide's time. */
    tick_at(&f, f.ms + SLIDE_MS);
    assert_string_equal(app_current_item(f.app)->id, "s1");
    fake_done(&f);
}

static void test_filters_limit_browsing(void **state)
{
    (void)state;
    struct fake f;
    fake_init(&f);
    struct app_input_options in = touch_input();
    app_set_input(f.app, &in);
    tick_at(&f, MS0);
    struct feed *feed = feed_new("X");
    add(feed, "p1", ITEM_POST, 300);
    add(feed, "i-old", ITEM_INTRODUCTION, 100);
    add(feed, "i-new", ITEM_INTRODUCTION, 200);
    add(feed, "s1", ITEM_SHOUTOUT, 100);
    app_set_feed(f.app, feed, has_none, NULL); /* no help requests */
    tick_at(&f, MS0 + 100);
    tick_at(&f, MS0 + 100 + TRANSITION_MS);
    tap_at(&f, 960, 5); /* the first touch: the controls appear */
    tick_at(&f, f.ms + 100);
    struct app_frame fr;
    app_frame(f.app, &fr);
    assert_non_null(fr.controls);
    /* Only types that have items are offered, after "All". */
    assert_true(shows_text(fr.controls, "All"));
    assert_true(shows_text(fr.controls, "New colleagues"));
    assert_true(shows_text(fr.controls, "Shout-outs"));
    assert_true(shows_text(fr.controls, "Highlights"));
    assert_false(shows_text(fr.controls, "Help wanted"));
    assert_true(shows_text(fr.controls, "Paused"));
    /* Every chip is at least the size of a finger. */
    const struct draw_op *chip = NULL;
    for (size_t i = 0; i < fr.controls->n; i++) {
        const struct draw_op *op = &fr.controls->ops[i];
        if (op->kind == DRAW_TEXT && op->text->n_lines == 1 &&
            strcmp(op->text->lines[0].s, "New colleagues") == 0)
            chip = op;
    }
    assert_non_null(chip);
    /* Tap it (its text is inside its chip). */
    tap_at(&f, chip->r.x + chip->r.w / 2, chip->r.y + chip->r.h / 2);
    assert_int_equal(app_filter(f.app), ITEM_INTRODUCTION);
    tick_at(&f, f.ms + TRANSITION_MS + 100);
    app_frame(f.app, &fr);
    assert_true(shows(fr.to, "i-new"));      /* the newest first */
    assert_true(shows_text(fr.to, "1 / 2")); /* the place among what is browsed */
    flick(&f, 1);
    fr = settle_down(&f);
    assert_true(shows(fr.to, "i-old"));
    assert_true(shows_text(fr.to, "2 / 2"));
    flick(&f, 1);
    fr = settle_down(&f);
    assert_true(shows(fr.to, "i-new")); /* round again, never another type */
    /* Escape: back to all types; again: back to the slideshow. */
    assert_true(app_key(f.app, "Escape", f.ms));
    assert_int_equal(app_filter(f.app), ITEM_TYPE_COUNT);
    assert_true(app_key(f.app, "Escape", f.ms));
    assert_false(app_interacting(f.app));
    assert_false(app_key(f.app, "Escape", f.ms)); /* nothing to go back from */
    fake_done(&f);
}

static void test_keys(void **state)
{
    (void)state;
    struct fake f;
    touch_init(&f);
    struct app_frame fr;
    /* Forward from the first slide: what the rotation has not shown yet, in feed order. */
    assert_true(app_key(f.app, "Right", f.ms));
    fr = settle_down(&f);
    assert_true(shows(fr.to, "p1"));
    assert_true(app_key(f.app, "Left", f.ms));
    fr = settle_down(&f);
    assert_true(shows(fr.to, "i1"));
    assert_true(app_key(f.app, "Return", f.ms));
    assert_true(app_detail_open(f.app));
    assert_true(app_key(f.app, "Down", f.ms));
    assert_true(app_key(f.app, "Escape", f.ms));
    assert_false(app_detail_open(f.app));
    assert_true(app_interacting(f.app));
    /* Space resumes the slideshow, and pauses it again. */
    assert_true(app_key(f.app, "Space", f.ms));
    assert_false(app_interacting(f.app));
    assert_true(app_key(f.app, "Space", f.ms));
    assert_true(app_interacting(f.app));
    tick_at(&f, f.ms + 100);
    app_frame(f.app, &fr);
    assert_true(shows_text(fr.controls, "Paused"));
    /* Other keys are not ours. */
    assert_false(app_key(f.app, "Q", f.ms));
    assert_false(app_key(f.app, "F5", f.ms));
    fake_done(&f);
}

static void test_withdrawn_while_browsing(void **state)
{
    (void)state;
    struct fake f;
    touch_init(&f);
    tap_at(&f, 960, 600);
    assert_true(app_detail_open(f.app));
    /* i1 is withdrawn while someone reads it: it leaves the screen and the detail view. */
    app_set_feed(f.app, without(mixed_feed(), "i1"), has_none, NULL);
    assert_false(app_detail_open(f.app));
    tick_at(&f, f.ms + 100);
    struct app_frame fr;
    app_frame(f.app, &fr);
    assert_null(fr.from); /* no fade out of withdrawn content */
    assert_false(shows(fr.to, "i1"));
    assert_true(shows_any_item(fr.to));
    assert_true(app_interacting(f.app));
    /* The neighbour being dragged in is withdrawn: the drag has nothing to show. */
    app_pointer(f.app, APP_POINTER_DOWN, 1, 500, 500, f.ms);
    app_pointer(f.app, APP_POINTER_MOVE, 1, 300, 500, f.ms + 20);
    tick_at(&f, f.ms + 30);
    app_frame(f.app, &fr);
    assert_non_null(fr.peek);
    const char *coming = NULL;
    static const char *const ids[] = {"s1", "p1", "h1", "p2"};
    for (size_t i = 0; i < ARRAY_LEN(ids) && !coming; i++)
        if (shows(fr.peek, ids[i]))
            coming = ids[i];
    assert_non_null(coming);
    app_set_feed(f.app, without(without(mixed_feed(), "i1"), coming), has_none, NULL);
    tick_at(&f, f.ms + 10);
    app_frame(f.app, &fr);
    assert_false(fr.peek && shows(fr.peek, coming));
    assert_int_equal(fr.to_dx, 0);
    /* Letting go shows nothing withdrawn either. */
    app_pointer(f.app, APP_POINTER_UP, 1, 100, 500, f.ms);
    fr = settle_down(&f);
    assert_false(shows(fr.to, coming));
    assert_false(shows(fr.to, "i1"));
    fake_done(&f);
}

static void test_input_switched_off(void **state)
{
    (void)state;
    struct fake f;
    touch_init(&f);
    struct app_input_options in = {.enabled = false, .idle_ms = IDLE_MS, .target_px = 100};
    app_set_input(f.app, &in);
    tap_at(&f, 960, 600);
    assert_false(app_interacting(f.app));
    assert_false(app_key(f.app, "Right", f.ms));
    /* Controls off: gestures work, nothing covers the slide. */
    in = touch_input();
    in.controls = false;
    app_set_input(f.app, &in);
    flick(&f, 1);
    struct app_frame fr = settle_down(&f);
    assert_true(app_interacting(f.app));
    assert_null(fr.controls);
    assert_true(shows(fr.to, "p1"));
    fake_done(&f);
}

/* ---- intro videos ---- */

/* Videos whose URL ends in "-25s" are 25 seconds long, "-90s" 90, "-unknown" do not say; any
 * other is not ready. */
static int64_t video_len(void *ctx, const char *url)
{
    (void)ctx;
    if (strstr(url, "-25s"))
        return 25000;
    if (strstr(url, "-90s"))
        return 90000;
    if (strstr(url, "-unknown"))
        return -1;
    return LAYOUT_NO_VIDEO;
}

static const struct draw_op *video_in(const struct draw_list *d)
{
    for (size_t i = 0; d && i < d->n; i++)
        if (d->ops[i].kind == DRAW_VIDEO)
            return &d->ops[i];
    return NULL;
}

static void test_video_stretches_the_slide(void **state)
{
    (void)state;
    struct fake f;
    fake_init(&f);
    app_set_videos(f.app, video_len);
    tick_at(&f, MS0);
    struct feed *feed = feed_new("X");
    add(feed, "i1", ITEM_INTRODUCTION, 300)->video_url = xstrdup("https://x/hoi-25s.mp4");
    add(feed, "i2", ITEM_INTRODUCTION, 200)->video_url = xstrdup("https://x/lang-90s.mp4");
    add(feed, "i3", ITEM_INTRODUCTION, 150)->video_url = xstrdup("https://x/zegniks-unknown.mp4");
    add(feed, "i4", ITEM_INTRODUCTION, 100)->video_url = xstrdup("https://x/not-yet.mp4");
    app_set_feed(f.app, feed, has_none, NULL);
    int64_t start = MS0 + 100;
    tick_at(&f, start);
    struct app_frame fr;
    app_frame(f.app, &fr);
    assert_true(shows(fr.to, "i1"));
    /* It plays where the photo is, from the moment the slide comes. */
    const struct draw_op *v = video_in(fr.to);
    assert_non_null(v);
    assert_true(v->poster); /* no photo under it: the slide shows its first frame */
    assert_non_null(fr.video.url);
    assert_string_equal(fr.video.url, "https://x/hoi-25s.mp4");
    assert_int_equal(fr.video.start_ms, start);
    assert_int_equal(fr.video.length_ms, 25000);
    assert_false(fr.video.in_detail);
    assert_true(fr.video.r.w == v->r.w && fr.video.r.x == v->r.x);
    /* The slide stays as long as the video (25 s, more than its 10 s reading time), counted
     * like any slide's time from the end of its transition. */
    start = finish_fade(&f);
    tick_at(&f, start + 24000);
    assert_string_equal(app_current_item(f.app)->id, "i1");
    tick_at(&f, start + 25000);
    assert_string_equal(app_current_item(f.app)->id, "i2");
    /* A long one is cut at max_video_ms (60 s by default)... */
    app_frame(f.app, &fr);
    assert_int_equal(fr.video.length_ms, 60000);
    start = finish_fade(&f);
    tick_at(&f, start + 59000);
    assert_string_equal(app_current_item(f.app)->id, "i2");
    tick_at(&f, start + 60000);
    /* ...and one that does not say its length gets the maximum too. */
    assert_string_equal(app_current_item(f.app)->id, "i3");
    app_frame(f.app, &fr);
    assert_int_equal(fr.video.length_ms, 60000);
    start = finish_fade(&f);
    tick_at(&f, start + 60000);
    /* A video that is not ready: the photo's place as always, the usual time. */
    assert_string_equal(app_current_item(f.app)->id, "i4");
    app_frame(f.app, &fr);
    assert_null(fr.video.url);
    assert_null(video_in(fr.to));
    fake_done(&f);
}

static void test_video_in_the_detail_view_replays(void **state)
{
    (void)state;
    struct fake f;
    fake_init(&f);
    app_set_videos(f.app, video_len);
    struct app_input_options in = touch_input();
    in.sound = true;
    app_set_input(f.app, &in);
    tick_at(&f, MS0);
    struct feed *feed = feed_new("X");
    add(feed, "i1", ITEM_INTRODUCTION, 300)->video_url = xstrdup("https://x/hoi-25s.mp4");
    app_set_feed(f.app, feed, has_none, NULL);
    tick_at(&f, MS0 + 100);
    tick_at(&f, MS0 + 3000);
    tap_at(&f, 960, 600);
    assert_true(app_detail_open(f.app));
    struct app_frame fr;
    tick_at(&f, f.ms + 10);
    app_frame(f.app, &fr);
    /* The detail view plays it from the start, in its card. */
    assert_true(fr.video.in_detail);
    assert_int_equal(fr.video.start_ms, MS0 + 3000);
    assert_true(fr.video.r.x >= fr.geom.view.x && fr.video.r.y >= fr.geom.view.y);
    assert_true(fr.video.clip.w == fr.geom.view.w && fr.video.clip.h == fr.geom.view.h);
    /* A tap on it plays it again. */
    f.ms += 5000;
    tap_at(&f, fr.video.r.x + fr.video.r.w / 2, fr.video.r.y + fr.video.r.h / 2);
    assert_true(app_detail_open(f.app));
    tick_at(&f, f.ms + 10);
    app_frame(f.app, &fr);
    assert_int_equal(fr.video.start_ms, MS0 + 8010);
    /* Muted until someone taps the speaker beside the close control (video.audio). */
    assert_false(fr.video.unmuted);
    struct rect c = fr.geom.card;
    tap_at(&f, c.x + c.w - 2 * 100 - 50 + 50, c.y + 25 + 50);
    tick_at(&f, f.ms + 10);
    app_frame(f.app, &fr);
    assert_true(fr.video.unmuted);
    /* Closing the detail view mutes it again. */
    assert_true(app_key(f.app, "Escape", f.ms));
    tick_at(&f, f.ms + 10);
    app_frame(f.app, &fr);
    assert_false(fr.video.unmuted);
    assert_false(fr.video.in_detail);
    fake_done(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_tick_shows_status),
        cmocka_unit_test(test_feed_crossfades_in_and_settles),
        cmocka_unit_test(test_fade_positions),
        cmocka_unit_test(test_slides_advance_and_static_is_free),
        cmocka_unit_test(test_deadline_is_next_minute_for_the_clock),
        cmocka_unit_test(test_static_slide_deadline),
        cmocka_unit_test(test_header_only_on_minute_or_community_change),
        cmocka_unit_test(test_removed_item_disappears_at_next_tick),
        cmocka_unit_test(test_prepared_slide_withdrawn),
        cmocka_unit_test(test_removed_during_fade),
        cmocka_unit_test(test_kept_item_is_redrawn_in_place),
        cmocka_unit_test(test_show_next_visits_each_once),
        cmocka_unit_test(test_nothing_shown_gives_empty_status),
        cmocka_unit_test(test_resize_rebuilds),
        cmocka_unit_test(test_item_expiring_on_screen),
        cmocka_unit_test(test_no_transition_cuts),
        cmocka_unit_test(test_tap_opens_and_closes_the_detail_view),
        cmocka_unit_test(test_tap_during_a_transition),
        cmocka_unit_test(test_swipes_browse_and_follow_the_finger),
        cmocka_unit_test(test_slideshow_waits_and_returns_after_idle),
        cmocka_unit_test(test_filters_limit_browsing),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_withdrawn_while_browsing),
        cmocka_unit_test(test_input_switched_off),
        cmocka_unit_test(test_video_stretches_the_slide),
        cmocka_unit_test(test_video_in_the_detail_view_replays),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
