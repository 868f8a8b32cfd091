/* The event loop on the null platform: hours of a wall display in milliseconds, proving that
 * it draws only when something changed, caps frames in a crossfade and never spins. */
#include "app.h"
#include "feed_parse.h"
#include "layout.h"
#include "loop.h"
#include "platform_null.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "stub_metrics.h"

static const struct text_metrics metrics = {.width = stub_width, .line_height = stub_line_height};

static const char *FEED =
    "{\"version\":1,\"items\":["
    "{\"id\":\"a\",\"type\":\"shoutout\",\"group\":{\"visibility\":\"open\"},\"published_at\":"
    "\"2026-11-20T09:00:00Z\","
    "\"from\":{\"name\":\"A\"},\"to\":[{\"name\":\"B\"}],\"message\":\"Thanks\"},"
    "{\"id\":\"b\",\"type\":\"introduction\",\"group\":{\"visibility\":\"open\"},\"published_at\":"
    "\"2026-11-21T09:00:00Z\","
    "\"person\":{\"name\":\"C D\"},\"body\":\"Hello\"},"
    "{\"id\":\"c\",\"type\":\"post\",\"highlighted\":true,\"group\":{\"visibility\":\"open\"},"
    "\"published_at\":\"2026-11-21T09:00:00Z\","
    "\"author\":{\"name\":\"E\"},\"title\":\"News\"}]}";

struct counts {
    uint64_t draws, news, resets, darks;
    int dark_from_h, dark_to_h; /* dark between these hours (UTC), both 0: never */
};

static bool draw(void *ctx, const struct app_frame *f)
{
    struct counts *c = ctx;
    assert_non_null(f->to);
    c->draws++;
    return true;
}

static void news(void *ctx)
{
    ((struct counts *)ctx)->news++;
}

static void reset(void *ctx)
{
    ((struct counts *)ctx)->resets++;
}

static bool dark(void *ctx, int64_t wall, const struct tm *local)
{
    struct counts *c = ctx;
    (void)wall;
    return local->tm_hour >= c->dark_from_h && local->tm_hour < c->dark_to_h;
}

static void draw_dark(void *ctx)
{
    ((struct counts *)ctx)->darks++;
}

struct run {
    struct counts c;
    uint64_t drawn, waits;
};

/* Runs the loop on the demo-like feed until quit_at_ms with the given timing. */
static struct run run_for_dark(int64_t quit_at_ms, int64_t slide_ms, int64_t transition_ms, int fps,
                               void (*script)(struct platform *p), int dark_from_h, int dark_to_h)
{
    struct platform_options po = {.headless = true, .w = 1920, .h = 1080};
    struct platform *p = platform_create(&po, NULL, 0);
    struct layout *l = layout_builtin();
    struct app_options o = {.slide_ms = slide_ms,
                            .max_slide_ms = slide_ms,
                            .transition_ms = transition_ms,
                            .max_fps = fps,
                            .lang = LANG_EN,
                            .clock_24h = true};
    struct app *a = app_create(&o, l, &metrics, 1920, 1080);
    char err[200];
    app_set_feed(a, feed_parse(FEED, strlen(FEED), NULL, NULL, err, sizeof err), NULL, NULL);
    struct platform_event quit = {.kind = PLATFORM_EVENT_QUIT};
    platform_null_push(p, quit_at_ms, &quit);
    if (script)
        script(p);
    struct run r = {0};
    r.c.dark_from_h = dark_from_h;
    r.c.dark_to_h = dark_to_h;
    struct loop_hooks h = {.ctx = &r.c,
                           .draw = draw,
                           .news = news,
                           .reset = reset,
                           .dark = dark,
                           .draw_dark = draw_dark};
    r.drawn = loop_run(p, a, &h, false);
    r.waits = platform_null_waits(p);
    assert_int_equal(r.drawn, platform_frames(p));
    app_destroy(a);
    layout_destroy(l);
    platform_destroy(p);
    return r;
}

static struct run run_for(int64_t quit_at_ms, int64_t slide_ms, int64_t transition_ms, int fps,
                          void (*script)(struct platform *p))
{
    return run_for_dark(quit_at_ms, slide_ms, transition_ms, fps, script, 0, 0);
}

static void test_static_screen_draws_only_on_change(void **state)
{
    (void)state;
    /* An hour without crossfades: one frame per slide change and per clock minute. */
    struct run r = run_for(3600 * 1000, 10000, 0, 30, NULL);
    uint64_t slides = 3600 / 10, minutes = 60;
    assert_true(r.drawn >= slides);
    assert_true(r.drawn <= slides + minutes + 2);
    /* the loop sleeps until the next deadline: about one wait per frame, never a spin */
    assert_true(r.waits <= 2 * (slides + minutes) + 10);
}

static void test_crossfade_is_capped(void **state)
{
    (void)state;
    /* 10 minutes, a 600 ms crossfade every 10 s at 30 fps: about 19 frames per change. */
    struct run r = run_for(600 * 1000, 10000, 600, 30, NULL);
    uint64_t changes = 600 / 10;
    uint64_t per_fade = 600 * 30 / 1000 + 2;
    assert_true(r.drawn > changes * (per_fade - 4));
    assert_true(r.drawn <= changes * per_fade + 10 + 2);
}

static void script_events(struct platform *p)
{
    struct platform_event wake = {.kind = PLATFORM_EVENT_WAKE};
    struct platform_event resize = {.kind = PLATFORM_EVENT_RESIZED, .key = "800x480"};
    struct platform_event expose = {.kind = PLATFORM_EVENT_EXPOSED};
    struct platform_event key = {.kind = PLATFORM_EVENT_KEY, .key = "Escape"};
    platform_null_push(p, 5000, &wake);
    platform_null_push(p, 7000, &resize);
    platform_null_push(p, 8000, &expose);
    platform_null_push(p, 9000, &key); /* no key quit on a kiosk */
}

static void test_events_reach_their_hooks(void **state)
{
    (void)state;
    struct run r = run_for(60 * 1000, 10000, 0, 30, script_events);
    assert_int_equal(r.c.news, 1);
    assert_int_equal(r.c.resets, 2);
}

static void test_dark_outside_office_hours(void **state)
{
    (void)state;
    /* The fake wall clock starts at 09:00 UTC; dark from 10:00 to 12:00, then on until 13:00. */
    struct run r = run_for_dark(4 * 3600 * 1000LL, 10000, 0, 30, NULL, 10, 12);
    uint64_t on_slides = 2 * 3600 / 10; /* two hours on */
    assert_int_equal(r.c.darks, 1);
    assert_true(r.drawn <= on_slides + 2 * 60 + 3 + 1); /* + clock minutes + the black frame */
    assert_true(r.drawn >= on_slides);
    /* dark: one wake-up a minute, no more */
    assert_true(r.waits <= 2 * (on_slides + 120) + 120 + 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_static_screen_draws_only_on_change),
        cmocka_unit_test(test_crossfade_is_capped),
        cmocka_unit_test(test_events_reach_their_hooks),
        cmocka_unit_test(test_dark_outside_office_hours),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
