/* gesture: turns pointer contacts (fingers and a mouse button) into what a person meant: a
 * tap, a horizontal drag that follows the finger and ends in a swipe or springs back, or a
 * vertical drag that scrolls. Pure: positions and times come in, gestures go out, so every
 * sequence is tested with a fake clock.
 *
 * One contact at a time makes a gesture. A second finger cancels it (the slide springs back,
 * no tap) until every finger is up; mouse events while a finger is down are ignored, so the
 * mouse events a system synthesises from a touch never count twice. */
#ifndef PRIKBORD_GESTURE_H
#define PRIKBORD_GESTURE_H

#include <stdbool.h>
#include <stdint.h>

/* The contact id of the mouse; fingers use their own (non-negative) ids. */
#define GESTURE_MOUSE (-1)

struct gesture_config {
    int slop_px;          /* movement below this is still a tap (a finger wobbles) */
    int commit_px;        /* a slow drag further than this counts as a swipe (half a screen) */
    double flick_px_ms;   /* release speed that counts as a flick, in pixels per millisecond */
    int64_t flick_window; /* the speed at release is measured over this many ms */
};

/* Defaults for a screen w pixels wide with px_per_mm pixels to a millimetre. */
struct gesture_config gesture_config_for(int w, double px_per_mm);

enum gesture_kind {
    GESTURE_NONE,
    GESTURE_PRESS,  /* a contact began at x,y: someone is interacting */
    GESTURE_TAP,    /* released without moving: at x,y */
    GESTURE_DRAG_X, /* horizontal drag in progress: dx pixels from where it began */
    GESTURE_DRAG_Y, /* vertical drag in progress: dy pixels since the previous DRAG_Y */
    GESTURE_SWIPE,  /* a horizontal drag ended: dir +1 next (moved left), -1 previous, 0 back */
    GESTURE_END,    /* a contact ended without a tap or a swipe (vertical drag, cancelled) */
    GESTURE_KIND_COUNT
};

struct gesture_event {
    enum gesture_kind kind;
    int x, y;   /* PRESS, TAP: where */
    int dx, dy; /* DRAG_X: offset from the start; DRAG_Y: change since the last event */
    int dir;    /* SWIPE */
};

struct gesture;

struct gesture *gesture_create(const struct gesture_config *c);
void gesture_destroy(struct gesture *g); /* NULL-safe */
void gesture_configure(struct gesture *g, const struct gesture_config *c);

/* A contact went down, moved or went up at (x, y) at monotonic time t_ms. Each returns what it
 * means (kind GESTURE_NONE: nothing yet). */
struct gesture_event gesture_down(struct gesture *g, int64_t id, int x, int y, int64_t t_ms);
struct gesture_event gesture_move(struct gesture *g, int64_t id, int x, int y, int64_t t_ms);
struct gesture_event gesture_up(struct gesture *g, int64_t id, int x, int y, int64_t t_ms);

/* Forgets every contact (the window lost focus, the screen changed): a drag in progress ends
 * as GESTURE_SWIPE with dir 0, anything else as GESTURE_END; NONE when nothing was going on. */
struct gesture_event gesture_reset(struct gesture *g);

/* Whether a contact is down now. */
bool gesture_active(const struct gesture *g);

#endif
