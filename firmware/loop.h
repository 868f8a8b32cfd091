/* loop: the one event loop of a screen. It sleeps in the platform until the next deadline the
 * app asks for, draws only when a frame changed, and hands worker news to the caller. Pure:
 * it sees the platform through platform.h and the renderer through a callback, so tests run it
 * on the null platform with a fake clock. */
#ifndef PRIKBORD_LOOP_H
#define PRIKBORD_LOOP_H

#include "app.h"
#include "platform.h"

#include <stdbool.h>

struct loop_hooks {
    void *ctx;
    /* Draws a frame into the back buffer; false when it could not (the next change retries). */
    bool (*draw)(void *ctx, const struct app_frame *f);
    /* The fetch worker has news (PLATFORM_EVENT_WAKE). */
    void (*news)(void *ctx);
    /* The drawable changed size or was lost: cached drawings must go. */
    void (*reset)(void *ctx);
    /* display.rotation in degrees: at 90 and 270 slides are laid out for the drawable's
     * height x width (the renderer turns the picture). */
    int rotation;
    /* The caller's own timers and requests (the service watchdog, a screenshot), called every
     * round after drawing and before sleeping, so a hung loop stops calling it. Returns the
     * monotonic ms by which it wants to be called again (the loop wakes up then even on a
     * static slide), or INT64_MAX; sets *redraw to have the frame on screen drawn again at
     * once. NULL: none. */
    int64_t (*tick)(void *ctx, int64_t now_ms, bool *redraw);
    /* Office hours: true when the screen must be dark at this moment. The hook does what a
     * change needs (panel off/on, slower fetching). While dark, the loop draws one black
     * frame, does no other work and wakes only once a minute to look at the time. NULL:
     * always on. */
    bool (*dark)(void *ctx, int64_t wall, const struct tm *local);
    /* Draws the black frame of a dark screen. */
    void (*draw_dark)(void *ctx);
    /* Most frames a second while something moves (0: 60). */
    int max_fps;
};

/* Runs until a quit event (or a quit key when key_quit). Returns the number of frames drawn. */
uint64_t loop_run(struct platform *p, struct app *a, const struct loop_hooks *h, bool key_quit);

#endif
