#define LOG_MODULE "loop"
#include "loop.h"
#include "log.h"

#include <string.h>
#include <time.h>

static void local_time(int64_t wall, struct tm *out)
{
    time_t t = (time_t)wall;
    localtime_r(&t, out);
}

/* A point on the output (as the panel shows it) in the coordinates slides are laid out in: the
 * renderer turns the picture clockwise by rotation degrees, so input turns back. */
static void unturn(int rotation, int ow, int oh, int *x, int *y)
{
    int X = *x, Y = *y;
    switch (rotation) {
    case 90:
        *x = Y;
        *y = ow - 1 - X;
        break;
    case 180:
        *x = ow - 1 - X;
        *y = oh - 1 - Y;
        break;
    case 270:
        *x = oh - 1 - Y;
        *y = X;
        break;
    default:
        break;
    }
}

/* Handles one event; returns false when the loop must end. */
static bool handle(struct platform *p, struct app *a, const struct loop_hooks *h, bool key_quit,
                   const struct platform_event *ev, bool *redraw)
{
    switch (ev->kind) {
    case PLATFORM_EVENT_QUIT:
        return false;
    case PLATFORM_EVENT_WAKE:
        if (h->news)
            h->news(h->ctx);
        break;
    case PLATFORM_EVENT_RESIZED: {
        int w, hh;
        platform_size(p, &w, &hh);
        if (h->rotation == 90 || h->rotation == 270) {
            int t = w;
            w = hh;
            hh = t;
        }
        if (h->reset)
            h->reset(h->ctx);
        app_resize(a, w, hh);
        *redraw = true;
        break;
    }
    case PLATFORM_EVENT_EXPOSED:
        if (h->reset)
            h->reset(h->ctx);
        *redraw = true;
        break;
    case PLATFORM_EVENT_KEY:
        /* Keys browse first; quitting by key is for a window or a kiosk that allows it. */
        if (app_key(a, ev->key, platform_now_ms(p)))
            break;
        if (key_quit && (strcmp(ev->key, "Escape") == 0 || strcmp(ev->key, "Q") == 0))
            return false;
        break;
    case PLATFORM_EVENT_POINTER: {
        int ow, oh, x = ev->pointer.x, y = ev->pointer.y;
        platform_size(p, &ow, &oh);
        unturn(h->rotation, ow, oh, &x, &y);
        static const enum app_pointer actions[] = {
            [POINTER_DOWN] = APP_POINTER_DOWN,
            [POINTER_MOVE] = APP_POINTER_MOVE,
            [POINTER_UP] = APP_POINTER_UP,
        };
        if ((unsigned)ev->pointer.action < POINTER_ACTION_COUNT)
            app_pointer(a, actions[ev->pointer.action], ev->pointer.id, x, y, ev->pointer.t_ms);
        break;
    }
    default:
        break;
    }
    return true;
}

uint64_t loop_run(struct platform *p, struct app *a, const struct loop_hooks *h, bool key_quit)
{
    bool redraw = true, dark = false, pending = false;
    uint64_t drawn = 0;
    int64_t last_draw = INT64_MIN / 2;
    int64_t frame_ms = h->max_fps > 0 ? 1000 / h->max_fps : 1000 / 60;
    struct app_frame fr = {0};
    for (;;) {
        int64_t now = platform_now_ms(p), wall = platform_wall_s(p);
        struct tm local;
        local_time(wall, &local);
        bool want_dark = h->dark && h->dark(h->ctx, wall, &local);
        if (want_dark != dark) {
            dark = want_dark;
            redraw = true;
            log_info("office hours: the screen goes %s", dark ? "dark" : "on");
            if (dark && h->draw_dark) {
                h->draw_dark(h->ctx);
                platform_present(p);
                drawn++;
            }
        }
        int64_t next;
        if (dark) {
            next = now + (60 - local.tm_sec) * 1000; /* the top of the next minute */
            redraw = false; /* nothing is drawn in the dark; leaving it redraws */
            pending = false;
        } else {
            next = app_tick(a, now, wall, &local);
        }
        /* app_frame must be called every round: it also clears the app's dirty flag. A
         * change waits for the frame cap (a finger moves faster than frames are worth
         * drawing; the offscreen driver has no vsync to slow us down). */
        if (!dark && (app_frame(a, &fr) || redraw))
            pending = true;
        redraw = false;
        if (pending && now - last_draw >= frame_ms) {
            if (h->draw(h->ctx, &fr)) {
                platform_present(p);
                drawn++;
            }
            last_draw = now;
            pending = false;
        } else if (pending && last_draw + frame_ms < next) {
            next = last_draw + frame_ms;
        }
        if (h->tick) {
            int64_t want = h->tick(h->ctx, platform_now_ms(p), &redraw);
            if (want < next)
                next = want;
            if (redraw) {
                /* A screenshot, a video frame: drawn in the next round, as soon as the frame
                 * cap allows. Events are still taken first: a video whose frames are always
                 * due must not starve a finger. */
                redraw = false;
                pending = true;
                if (last_draw + frame_ms < next)
                    next = last_draw + frame_ms;
            }
        }
        struct platform_event ev;
        if (!platform_wait(p, next - platform_now_ms(p), &ev))
            continue;
        if (!handle(p, a, h, key_quit, &ev, &redraw))
            return drawn;
        /* Whatever else is queued (a finger sends many moves) before the next frame. */
        for (int i = 0; i < 256 && platform_wait(p, 0, &ev); i++)
            if (!handle(p, a, h, key_quit, &ev, &redraw))
                return drawn;
    }
}
