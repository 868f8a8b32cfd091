/* The loop's tick hook on the null platform: the caller's deadline (the service watchdog)
 * wakes the loop even on a static slide, and a redraw request (a screenshot) draws the frame
 * on screen again at once. */
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
    "\"from\":{\"name\":\"A\"},\"to\":[{\"name\":\"B\"}],\"message\":\"Thanks\"}]}";

struct watch {
    struct platform *p;
    int64_t every_ms, next, last, max_gap;
    uint64_t ticks, pings, draws;
    int64_t redraw_at;      /* ask for one redraw at this time; 0: never */
    uint64_t draws_at_ask;  /* draws when the redraw was asked */
    int64_t drawn_again_at; /* when the asked-for draw happened */
};

static bool draw(void *ctx, const struct app_frame *f)
{
    struct watch *w = ctx;
    (void)f;
    w->draws++;
    if (w->redraw_at < 0 && !w->drawn_again_at)
        w->drawn_again_at = platform_now_ms(w->p);
    return true;
}

static int64_t tick(void *ctx, int64_t now, bool *redraw)
{
    struct watch *w = ctx;
    w->ticks++;
    if (now >= w->next) {
        w->pings++;
        if (w->last && now - w->last > w->max_gap)
            w->max_gap = now - w->last;
        w->last = now;
        w->next = now + w->every_ms;
    }
    if (w->redraw_at > 0 && now >= w->redraw_at) {
        w->redraw_at = -1;
        w->draws_at_ask = w->draws;
        *redraw = true;
    }
    return w->next;
}

static void run(struct watch *w, int64_t quit_at_ms)
{
    struct platform_options po = {.headless = true, .w = 1920, .h = 1080};
    struct platform *p = platform_create(&po, NULL, 0);
    struct layout *l = layout_builtin();
    /* One item, ten-minute slides: nothing moves but the clock's minute. */
    struct app_options o = {.slide_ms = 600000,
                            .max_slide_ms = 600000,
                            .transition_ms = 0,
                            .max_fps = 30,
                            .lang = LANG_EN,
                            .clock_24h = true};
    struct app *a = app_create(&o, l, &metrics, 1920, 1080);
    char err[200];
    app_set_feed(a, feed_parse(FEED, strlen(FEED), NULL, NULL, err, sizeof err), NULL, NULL);
    struct platform_event quit = {.kind = PLATFORM_EVENT_QUIT};
    platform_null_push(p, quit_at_ms, &quit);
    w->p = p;
    struct loop_hooks h = {.ctx = w, .draw = draw, .tick = tick};
    loop_run(p, a, &h, false);
    app_destroy(a);
    layout_destroy(l);
    platform_destroy(p);
}

static void test_watchdog_deadline_on_a_static_slide(void **state)
{
    (void)state;
    /* An hour, a ping due every 15 s (WatchdogSec=30). */
    struct watch w = {.every_ms = 15000};
    run(&w, 3600 * 1000);
    assert_true(w.pings >= 3600 / 15);
    assert_true(w.pings <= 3600 / 15 + 1);
    assert_true(w.max_gap <= 15000);
    /* the loop still sleeps: about one round per ping and per clock minute */
    assert_true(w.ticks <= 2 * (w.pings + 60) + 10);
    /* and draws only when the clock's minute changes */
    assert_true(w.draws <= 60 + 3);
}

static void test_no_deadline_no_extra_wakeups(void **state)
{
    (void)state;
    struct watch w = {.every_ms = INT64_MAX / 2};
    run(&w, 3600 * 1000);
    assert_int_equal(w.pings, 1);
    assert_true(w.ticks <= 2 * 60 + 10);
}

static void test_redraw_request_draws_at_once(void **state)
{
    (void)state;
    struct watch w = {.every_ms = 15000, .redraw_at = 20000};
    run(&w, 120 * 1000);
    assert_true(w.drawn_again_at >= 20000);
    assert_true(w.drawn_again_at <= 30000); /* in the round of the request, at the ping */
    assert_true(w.draws > w.draws_at_ask);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_watchdog_deadline_on_a_static_slide),
        cmocka_unit_test(test_no_deadline_no_extra_wakeups),
        cmocka_unit_test(test_redraw_request_draws_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
