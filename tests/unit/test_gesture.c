/* gesture: event sequences with a fake clock, as a finger, a mouse, two fingers and the
 * mouse copies of a touch deliver them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "gesture.h"

/* 1920 px wide at 4 px/mm: slop 10 px, a swipe past 960 px, a flick at 0.4 px/ms. */
static struct gesture *make(void)
{
    struct gesture_config c = gesture_config_for(1920, 4.0);
    assert_int_equal(c.slop_px, 10);
    assert_int_equal(c.commit_px, 960);
    return gesture_create(&c);
}

static void test_tap(void **state)
{
    (void)state;
    struct gesture *g = make();
    struct gesture_event e = gesture_down(g, 3, 500, 400, 1000);
    assert_int_equal(e.kind, GESTURE_PRESS);
    assert_int_equal(e.x, 500);
    assert_int_equal(e.y, 400);
    assert_true(gesture_active(g));
    /* A finger wobbles a little: still a tap, even a slow one. */
    assert_int_equal(gesture_move(g, 3, 505, 396, 1100).kind, GESTURE_NONE);
    e = gesture_up(g, 3, 505, 396, 1900);
    assert_int_equal(e.kind, GESTURE_TAP);
    assert_int_equal(e.x, 500);
    assert_int_equal(e.y, 400);
    assert_false(gesture_active(g));
    gesture_destroy(g);
}

static void test_flick_is_enough(void **state)
{
    (void)state;
    struct gesture *g = make();
    gesture_down(g, 1, 1000, 500, 0);
    struct gesture_event e = gesture_move(g, 1, 960, 502, 10);
    assert_int_equal(e.kind, GESTURE_DRAG_X);
    assert_int_equal(e.dx, -40);
    e = gesture_move(g, 1, 900, 503, 20);
    assert_int_equal(e.dx, -100);
    e = gesture_up(g, 1, 880, 503, 30);
    assert_int_equal(e.kind, GESTURE_SWIPE);
    assert_int_equal(e.dir, 1); /* moved left: the next slide */

    /* The other way, by mouse. */
    gesture_down(g, GESTURE_MOUSE, 300, 500, 1000);
    gesture_move(g, GESTURE_MOUSE, 340, 500, 1010);
    gesture_move(g, GESTURE_MOUSE, 420, 500, 1030);
    e = gesture_up(g, GESTURE_MOUSE, 420, 500, 1040);
    assert_int_equal(e.kind, GESTURE_SWIPE);
    assert_int_equal(e.dir, -1);
    gesture_destroy(g);
}

static void test_slow_drag(void **state)
{
    (void)state;
    struct gesture *g = make();
    /* 10 px every 50 ms: 0.2 px/ms, half the speed of a flick. */
    int64_t t = 0;
    gesture_down(g, 1, 1500, 500, t);
    int x = 1500;
    while (x > 1500 - 1000) {
        x -= 10;
        t += 50;
        struct gesture_event e = gesture_move(g, 1, x, 500, t);
        if (x <= 1490)
            assert_int_equal(e.kind, GESTURE_DRAG_X);
    }
    /* Past half the width: it counts, even after resting there. */
    struct gesture_event e = gesture_up(g, 1, x, 500, t + 500);
    assert_int_equal(e.kind, GESTURE_SWIPE);
    assert_int_equal(e.dir, 1);

    /* Not past half, and slow: back. */
    t = 100000;
    gesture_down(g, 1, 1500, 500, t);
    for (x = 1500; x > 1100;) {
        x -= 10;
        t += 50;
        gesture_move(g, 1, x, 500, t);
    }
    e = gesture_up(g, 1, x, 500, t + 20);
    assert_int_equal(e.kind, GESTURE_SWIPE);
    assert_int_equal(e.dir, 0);
    gesture_destroy(g);
}

static void test_drag_that_returns(void **state)
{
    (void)state;
    struct gesture *g = make();
    gesture_down(g, 1, 1000, 500, 0);
    gesture_move(g, 1, 700, 500, 50);
    gesture_move(g, 1, 850, 500, 400);
    struct gesture_event e = gesture_move(g, 1, 1000, 500, 800);
    assert_int_equal(e.kind, GESTURE_DRAG_X);
    assert_int_equal(e.dx, 0);
    e = gesture_up(g, 1, 1000, 500, 820);
    assert_int_equal(e.kind, GESTURE_SWIPE);
    assert_int_equal(e.dir, 0);

    /* Half way back but flicked back towards the start: it stays. */
    gesture_down(g, 1, 1000, 500, 2000);
    gesture_move(g, 1, 600, 500, 2100);
    gesture_move(g, 1, 700, 500, 2500);
    gesture_move(g, 1, 800, 500, 2520);
    e = gesture_up(g, 1, 800, 500, 2530);
    assert_int_equal(e.dir, 0);
    gesture_destroy(g);
}

static void test_two_fingers(void **state)
{
    (void)state;
    struct gesture *g = make();
    gesture_down(g, 1, 1000, 500, 0);
    assert_int_equal(gesture_move(g, 1, 900, 500, 20).kind, GESTURE_DRAG_X);
    /* A second finger: the drag springs back, nothing else happens until both are up. */
    struct gesture_event e = gesture_down(g, 2, 1200, 600, 30);
    assert_int_equal(e.kind, GESTURE_SWIPE);
    assert_int_equal(e.dir, 0);
    assert_int_equal(gesture_move(g, 1, 100, 500, 40).kind, GESTURE_NONE);
    assert_int_equal(gesture_move(g, 2, 1300, 600, 40).kind, GESTURE_NONE);
    assert_int_equal(gesture_up(g, 1, 100, 500, 50).kind, GESTURE_NONE);
    assert_true(gesture_active(g));
    assert_int_equal(gesture_up(g, 2, 1300, 600, 60).kind, GESTURE_NONE);
    assert_false(gesture_active(g));

    /* Two fingers landing together (a pinch): no tap. */
    assert_int_equal(gesture_down(g, 5, 500, 500, 100).kind, GESTURE_PRESS);
    assert_int_equal(gesture_down(g, 6, 600, 500, 105).kind, GESTURE_END);
    assert_int_equal(gesture_up(g, 6, 600, 500, 150).kind, GESTURE_NONE);
    assert_int_equal(gesture_up(g, 5, 500, 500, 160).kind, GESTURE_NONE);

    /* Afterwards a tap is a tap again. */
    gesture_down(g, 7, 500, 500, 300);
    assert_int_equal(gesture_up(g, 7, 500, 500, 350).kind, GESTURE_TAP);
    gesture_destroy(g);
}

static void test_mouse_copy_of_a_touch_counts_once(void **state)
{
    (void)state;
    struct gesture *g = make();
    /* What a system that synthesises mouse events delivers for one tap. */
    assert_int_equal(gesture_down(g, 9, 500, 500, 0).kind, GESTURE_PRESS);
    assert_int_equal(gesture_down(g, GESTURE_MOUSE, 500, 500, 0).kind, GESTURE_NONE);
    assert_int_equal(gesture_move(g, GESTURE_MOUSE, 800, 500, 5).kind, GESTURE_NONE);
    assert_int_equal(gesture_up(g, 9, 500, 500, 80).kind, GESTURE_TAP);
    assert_int_equal(gesture_up(g, GESTURE_MOUSE, 500, 500, 80).kind, GESTURE_NONE);
    assert_false(gesture_active(g));
    /* A lost "up": the repeated "down" keeps the gesture instead of starting a second one. */
    gesture_down(g, 4, 100, 100, 1000);
    assert_int_equal(gesture_down(g, 4, 100, 100, 1010).kind, GESTURE_NONE);
    assert_int_equal(gesture_up(g, 4, 100, 100, 1020).kind, GESTURE_TAP);
    /* An "up" nobody pressed is nothing. */
    assert_int_equal(gesture_up(g, 12, 1, 1, 1030).kind, GESTURE_NONE);
    gesture_destroy(g);
}

static void test_vertical_drag_scrolls(void **state)
{
    (void)state;
    struct gesture *g = make();
    gesture_down(g, 1, 500, 800, 0);
    assert_int_equal(gesture_move(g, 1, 502, 795, 10).kind, GESTURE_NONE);
    struct gesture_event e = gesture_move(g, 1, 503, 760, 20);
    assert_int_equal(e.kind, GESTURE_DRAG_Y);
    assert_int_equal(e.dy, -40); /* from the press: the slop is not lost */
    e = gesture_move(g, 1, 700, 700, 30);
    assert_int_equal(e.kind, GESTURE_DRAG_Y); /* the axis is locked */
    assert_int_equal(e.dy, -60);
    assert_int_equal(gesture_up(g, 1, 700, 700, 40).kind, GESTURE_END);
    gesture_destroy(g);
}

static void test_reset(void **state)
{
    (void)state;
    struct gesture *g = make();
    assert_int_equal(gesture_reset(g).kind, GESTURE_NONE);
    gesture_down(g, 1, 1000, 500, 0);
    gesture_move(g, 1, 800, 500, 10);
    struct gesture_event e = gesture_reset(g);
    assert_int_equal(e.kind, GESTURE_SWIPE);
    assert_int_equal(e.dir, 0);
    assert_false(gesture_active(g));
    assert_int_equal(gesture_up(g, 1, 800, 500, 20).kind, GESTURE_NONE);
    gesture_down(g, 1, 1000, 500, 100);
    assert_int_equal(gesture_reset(g).kind, GESTURE_END);
    gesture_destroy(g);
}

static void test_config_for_screens(void **state)
{
    (void)state;
    /* A 7-inch 800x480 panel (about 5.2 px/mm) and a display that does not say. */
    struct gesture_config c = gesture_config_for(800, 5.2);
    assert_int_equal(c.slop_px, 13);
    assert_int_equal(c.commit_px, 400);
    c = gesture_config_for(1920, 0);
    assert_true(c.slop_px >= 4);
    assert_true(c.flick_px_ms > 0);
    gesture_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tap),
        cmocka_unit_test(test_flick_is_enough),
        cmocka_unit_test(test_slow_drag),
        cmocka_unit_test(test_drag_that_returns),
        cmocka_unit_test(test_two_fingers),
        cmocka_unit_test(test_mouse_copy_of_a_touch_counts_once),
        cmocka_unit_test(test_vertical_drag_scrolls),
        cmocka_unit_test(test_reset),
        cmocka_unit_test(test_config_for_screens),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
