/* Touch through SDL: finger events injected with SDL_PushEvent (as a touchscreen's driver
 * would deliver them, with the mouse copies SDL synthesises), translated by the SDL platform
 * and handled by the real event loop. */
#include "app.h"
#include "feed_parse.h"
#include "layout.h"
#include "loop.h"
#include "platform_sdl.h"
#include "util.h"

#include "../unit/stub_metrics.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#define W 800
#define H 480

static struct platform *platform;

static int setup(void **state)
{
    (void)state;
    char err[256];
    struct platform_options po = {.headless = true, .w = W, .h = H};
    platform = platform_create(&po, err, sizeof err);
    if (!platform) {
        fprintf(stderr, "platform: %s\n", err);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    platform_destroy(platform);
    return 0;
}

static void push_finger(Uint32 type, SDL_FingerID id, float x, float y)
{
    SDL_Event e = {.type = type};
    e.tfinger.touchId = 1;
    e.tfinger.fingerId = id;
    e.tfinger.x = x;
    e.tfinger.y = y;
    e.tfinger.pressure = 1;
    assert_int_equal(SDL_PushEvent(&e), 1);
}

static void push_mouse(Uint32 type, Uint32 which, int x, int y, Uint8 button, Uint32 state)
{
    SDL_Event e = {.type = type};
    if (type == SDL_MOUSEMOTION) {
        e.motion.which = which;
        e.motion.x = x;
        e.motion.y = y;
        e.motion.state = state;
    } else {
        e.button.which = which;
        e.button.button = button;
        e.button.state = type == SDL_MOUSEBUTTONDOWN ? SDL_PRESSED : SDL_RELEASED;
        e.button.x = x;
        e.button.y = y;
    }
    assert_int_equal(SDL_PushEvent(&e), 1);
}

/* Drains the queue: the pointer events the platform passes on, at most max. */
static size_t drain(struct platform_event *out, size_t max)
{
    size_t n = 0;
    struct platform_event ev;
    /* (platform_wait is false for events it ignores too: ask SDL whether any are left) */
    for (int guard = 0; guard < 100 && SDL_HasEvents(SDL_FIRSTEVENT, SDL_LASTEVENT); guard++)
        if (platform_wait(platform, 0, &ev) && ev.kind == PLATFORM_EVENT_POINTER && n < max)
            out[n++] = ev;
    return n;
}

static void test_a_touch_counts_once(void **state)
{
    (void)state;
    drain(NULL, 0);
    /* One tap as a touchscreen delivers it: the finger, and SDL's mouse copy of it. */
    push_finger(SDL_FINGERDOWN, 3, 0.5f, 0.25f);
    push_mouse(SDL_MOUSEBUTTONDOWN, SDL_TOUCH_MOUSEID, 400, 120, SDL_BUTTON_LEFT, 0);
    push_mouse(SDL_MOUSEMOTION, SDL_TOUCH_MOUSEID, 401, 120, 0, SDL_BUTTON_LMASK);
    push_finger(SDL_FINGERUP, 3, 0.5f, 0.25f);
    push_mouse(SDL_MOUSEBUTTONUP, SDL_TOUCH_MOUSEID, 400, 120, SDL_BUTTON_LEFT, 0);
    struct platform_event ev[8];
    size_t n = drain(ev, 8);
    assert_int_equal(n, 2);
    assert_int_equal(ev[0].pointer.action, POINTER_DOWN);
    assert_int_equal(ev[0].pointer.id, 3);
    assert_int_equal(ev[0].pointer.x, 400); /* fractions of the window become pixels */
    assert_int_equal(ev[0].pointer.y, 120);
    assert_int_equal(ev[1].pointer.action, POINTER_UP);
    assert_int_equal(ev[1].pointer.id, 3);
    /* Event times are on the platform's clock, not in the future. */
    assert_true(ev[1].pointer.t_ms <= platform_now_ms(platform));
    assert_true(ev[1].pointer.t_ms >= ev[0].pointer.t_ms);
}

static void test_a_real_mouse(void **state)
{
    (void)state;
    drain(NULL, 0);
    push_mouse(SDL_MOUSEMOTION, 0, 10, 10, 0, 0);                      /* hovering: nothing */
    push_mouse(SDL_MOUSEBUTTONDOWN, 0, 100, 200, SDL_BUTTON_RIGHT, 0); /* not the left button */
    push_mouse(SDL_MOUSEBUTTONDOWN, 0, 100, 200, SDL_BUTTON_LEFT, 0);
    push_mouse(SDL_MOUSEMOTION, 0, 150, 200, 0, SDL_BUTTON_LMASK);
    push_mouse(SDL_MOUSEBUTTONUP, 0, 150, 200, SDL_BUTTON_LEFT, 0);
    struct platform_event ev[8];
    size_t n = drain(ev, 8);
    assert_int_equal(n, 3);
    assert_int_equal(ev[0].pointer.id, -1);
    assert_int_equal(ev[0].pointer.action, POINTER_DOWN);
    assert_int_equal(ev[1].pointer.action, POINTER_MOVE);
    assert_int_equal(ev[1].pointer.x, 150);
    assert_int_equal(ev[2].pointer.action, POINTER_UP);
}

static const char *FEED =
    "{\"version\":1,\"items\":["
    "{\"id\":\"p1\",\"type\":\"post\",\"group\":{\"id\":\"g\",\"name\":\"All\",\"visibility\":"
    "\"open\"},\"published_at\":\"2026-11-20T09:00:00Z\",\"highlighted\":true,\"author\":{"
    "\"name\":\"Zoë\"},\"title\":\"One\",\"body\":\"First.\"},"
    "{\"id\":\"p2\",\"type\":\"post\",\"group\":{\"id\":\"g\",\"name\":\"All\",\"visibility\":"
    "\"open\"},\"published_at\":\"2026-11-21T09:00:00Z\",\"highlighted\":true,\"author\":{"
    "\"name\":\"Kofi\"},\"title\":\"Two\",\"body\":\"Second.\"}]}";

static unsigned drawn;

static bool count_draw(void *ctx, const struct app_frame *f)
{
    (void)ctx;
    (void)f;
    drawn++;
    return true;
}

/* The whole path: SDL events, the platform, the loop (rotation included), the app. */
static void test_touch_through_the_loop(void **state)
{
    (void)state;
    drain(NULL, 0);
    struct layout *l = layout_builtin();
    struct app_options o = {.slide_ms = 60000,
                            .max_slide_ms = 60000,
                            .transition_ms = 0,
                            .max_fps = 30,
                            .lang = LANG_EN,
                            .clock_24h = true};
    struct app *a = app_create(&o, l, stub_metrics(), W, H);
    char err[200];
    struct feed *f = feed_parse(FEED, strlen(FEED), NULL, NULL, err, sizeof err);
    assert_non_null(f);
    app_set_feed(a, f, NULL, NULL);
    struct app_input_options in = {.enabled = true,
                                   .controls = true,
                                   .idle_ms = 45000,
                                   .target_px = 48,
                                   .gesture = gesture_config_for(W, 5.2)};
    app_set_input(a, &in);
    struct loop_hooks h = {.draw = count_draw};

    /* A tap on the slide: the detail view opens, once. */
    push_finger(SDL_FINGERDOWN, 1, 0.5f, 0.6f);
    push_mouse(SDL_MOUSEBUTTONDOWN, SDL_TOUCH_MOUSEID, 400, 288, SDL_BUTTON_LEFT, 0);
    push_finger(SDL_FINGERUP, 1, 0.5f, 0.6f);
    push_mouse(SDL_MOUSEBUTTONUP, SDL_TOUCH_MOUSEID, 400, 288, SDL_BUTTON_LEFT, 0);
    SDL_Event quit = {.type = SDL_QUIT};
    SDL_PushEvent(&quit);
    loop_run(platform, a, &h, false);
    assert_true(app_interacting(a));
    assert_true(app_detail_open(a)); /* a second tap (the mouse copy) would be on the card */
    assert_true(drawn > 0);

    /* On a panel mounted upside down, a tap at the top of the glass is at the bottom of the
     * picture: outside the card (the filter row's band), so the detail view closes. */
    h.rotation = 180;
    push_finger(SDL_FINGERDOWN, 2, 0.02f, 0.01f);
    push_finger(SDL_FINGERUP, 2, 0.02f, 0.01f);
    SDL_PushEvent(&quit);
    loop_run(platform, a, &h, false);
    assert_false(app_detail_open(a));
    assert_true(app_interacting(a));

    /* Escape with nothing to go back from ends browsing; only then may it quit (key_quit). */
    SDL_Event esc = {.type = SDL_KEYDOWN};
    esc.key.keysym.sym = SDLK_ESCAPE;
    SDL_PushEvent(&esc);
    SDL_PushEvent(&esc);
    uint64_t before = drawn;
    loop_run(platform, a, &h, true); /* the second Escape quits */
    assert_false(app_interacting(a));
    assert_true(drawn >= before);
    app_destroy(a);
    layout_destroy(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_touch_counts_once),
        cmocka_unit_test(test_a_real_mouse),
        cmocka_unit_test(test_touch_through_the_loop),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
