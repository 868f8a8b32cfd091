/* platform: the window, its events and the clocks. The SDL backend is platform_sdl.c; the
 * renderer reaches SDL's renderer through platform_sdl.h. Nothing here includes SDL. */
#ifndef PRIKBORD_PLATFORM_H
#define PRIKBORD_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct platform_options {
    bool headless; /* SDL's offscreen driver: no display needed */
    int w, h;      /* window size; 0x0 = fullscreen on the whole display */
    bool software; /* force the software renderer */
};

enum platform_event_kind {
    PLATFORM_EVENT_NONE,
    PLATFORM_EVENT_QUIT,    /* window closed, SIGTERM/SIGINT (SDL turns them into quit) */
    PLATFORM_EVENT_RESIZED, /* the drawable size changed */
    PLATFORM_EVENT_WAKE,    /* platform_wake was called: the fetch worker has news */
    PLATFORM_EVENT_EXPOSED, /* the window needs redrawing */
    PLATFORM_EVENT_KEY,     /* a key; key holds its name ("Escape", "Q", ...) */
    PLATFORM_EVENT_POINTER, /* a finger or the mouse button: pointer says what and where */
    PLATFORM_EVENT_COUNT
};

enum platform_pointer_action { POINTER_DOWN, POINTER_MOVE, POINTER_UP, POINTER_ACTION_COUNT };

struct platform_event {
    enum platform_event_kind kind;
    char key[32];
    struct {
        enum platform_pointer_action action;
        int64_t id;   /* a finger's id, or -1 (GESTURE_MOUSE) for the mouse */
        int x, y;     /* in drawable pixels, as the output is (before any display.rotation) */
        int64_t t_ms; /* when it happened, on platform_now_ms's clock */
    } pointer;
};

struct platform;

/* Opens the window and its renderer. NULL with a reason in err on failure. */
struct platform *platform_create(const struct platform_options *o, char *err, size_t errlen);
void platform_destroy(struct platform *p); /* NULL-safe */

/* The drawable size in pixels. */
void platform_size(struct platform *p, int *w, int *h);

/* Waits up to timeout_ms (0: just poll) for one event. Returns false when none came. */
bool platform_wait(struct platform *p, int64_t timeout_ms, struct platform_event *ev);

/* Wakes platform_wait with PLATFORM_EVENT_WAKE. Safe from any thread; repeated wakes before
 * the main loop runs coalesce. */
void platform_wake(struct platform *p);

/* Makes platform_wait return PLATFORM_EVENT_QUIT soon (SIGTERM). Safe from any thread. */
void platform_quit(struct platform *p);

/* Shows what was drawn. */
void platform_present(struct platform *p);

/* The next platform_present needs to show only the rectangle x, y, w, h (what that frame
 * changed); w <= 0: all of it. Where the window system allows it (the software renderer's
 * window surface) only that part is sent. */
void platform_set_damage(struct platform *p, int x, int y, int w, int h);

/* Writes what is currently drawn (before present) as a PNG. */
bool platform_screenshot(struct platform *p, const char *path, char *err, size_t errlen);

/* The renderer's name ("opengl", "opengles2", "software", ...). */
const char *platform_renderer_name(struct platform *p);

/* Monotonic milliseconds (the schedule's clock) and wall-clock seconds (content validity).
 * Through the platform so that the null backend can run a fake clock. */
int64_t platform_now_ms(struct platform *p);
int64_t platform_wall_s(struct platform *p);

/* Physical pixels per millimetre of the display, or 0 when the display does not say. */
double platform_px_per_mm(struct platform *p);

/* Counts what platform_present was asked to show (for tests and the status log). */
uint64_t platform_frames(struct platform *p);

#endif
