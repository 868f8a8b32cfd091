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

uint64_t loop_run(struct platform *p, struct app *a, const struct loop_hooks *h, bool key_quit)
{
    bool redraw = true, dark = false;
    uint64_t drawn = 0;
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
        struct app_frame fr;
        if (dark) {
            next = now + (60 - local.tm_sec) * 1000; /* the top of the next minute */
            redraw = false; /* nothing is drawn in the dark; leaving it redraws */
        } else {
            next = app_tick(a, now, wall, &local);
        }
        /* app_frame must be called every round: it also clears the app's dirty flag. */
        if (!dark && (app_frame(a, &fr) || redraw)) {
            if (h->draw(h->ctx, &fr)) {
                platform_present(p);
                drawn++;
            }
            redraw = false;
        }
        if (h->tick) {
            int64_t want = h->tick(h->ctx, platform_now_ms(p), &redraw);
            if (want < next)
                next = want;
            if (redraw)
                continue;
        }
        struct platform_event ev;
        if (!platform_wait(p, next - platform_now_ms(p), &ev))
            continue;
        switch (ev.kind) {
        case PLATFORM_EVENT_QUIT:
            return drawn;
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
            redraw = true;
            break;
        }
        case PLATFORM_EVENT_EXPOSED:
            if (h->reset)
                h->reset(h->ctx);
            redraw = true;
            break;
        case PLATFORM_EVENT_KEY:
            if (key_quit && (strcmp(ev.key, "Escape") == 0 || strcmp(ev.key, "Q") == 0))
                return drawn;
            break;
        default:
            break;
        }
    }
}
