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
};

/* Runs until a quit event (or a quit key when key_quit). Returns the number of frames drawn. */
uint64_t loop_run(struct platform *p, struct app *a, const struct loop_hooks *h, bool key_quit);

#endif
