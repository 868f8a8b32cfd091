#include "platform_null.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define MAX_EVENTS 256

struct scripted {
    int64_t at_ms;
    struct platform_event ev;
};

struct platform {
    int w, h;
    int64_t now_ms, wall_at_zero;
    struct scripted events[MAX_EVENTS];
    size_t n_events;
    uint64_t frames, waits;
    bool wake_pending;
};

struct platform *platform_create(const struct platform_options *o, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    struct platform *p = xcalloc(1, sizeof *p);
    p->w = o->w > 0 ? o->w : 1920;
    p->h = o->h > 0 ? o->h : 1080;
    p->wall_at_zero = 1795683600; /* 2026-11-26T09:00:00Z */
    return p;
}

void platform_destroy(struct platform *p)
{
    free(p);
}

void platform_size(struct platform *p, int *w, int *h)
{
    *w = p->w;
    *h = p->h;
}

void platform_null_push(struct platform *p, int64_t at_ms, const struct platform_event *ev)
{
    if (p->n_events == MAX_EVENTS)
        return;
    size_t i = p->n_events++;
    while (i > 0 && p->events[i - 1].at_ms > at_ms) {
        p->events[i] = p->events[i - 1];
        i--;
    }
    p->events[i] = (struct scripted){at_ms, *ev};
}

void platform_null_set_wall(struct platform *p, int64_t wall_at_zero)
{
    p->wall_at_zero = wall_at_zero;
}

uint64_t platform_null_waits(struct platform *p)
{
    return p->waits;
}

bool platform_wait(struct platform *p, int64_t timeout_ms, struct platform_event *ev)
{
    p->waits++;
    if (timeout_ms < 0)
        timeout_ms = 0;
    int64_t deadline = p->now_ms + timeout_ms;
    if (p->wake_pending) {
        p->wake_pending = false;
        *ev = (struct platform_event){.kind = PLATFORM_EVENT_WAKE};
        return true;
    }
    if (p->n_events && p->events[0].at_ms <= deadline) {
        if (p->events[0].at_ms > p->now_ms)
            p->now_ms = p->events[0].at_ms;
        *ev = p->events[0].ev;
        memmove(p->events, p->events + 1, (p->n_events - 1) * sizeof *p->events);
        p->n_events--;
        if (ev->kind == PLATFORM_EVENT_RESIZED && ev->key[0]) {
            /* a scripted resize carries "WxH" in key */
            int w = atoi(ev->key);
            const char *x = strchr(ev->key, 'x');
            if (w > 0 && x && atoi(x + 1) > 0)
                p->w = w, p->h = atoi(x + 1);
        }
        return true;
    }
    p->now_ms = deadline;
    return false;
}

void platform_wake(struct platform *p)
{
    p->wake_pending = true;
}

void platform_quit(struct platform *p)
{
    struct platform_event quit = {.kind = PLATFORM_EVENT_QUIT};
    platform_null_push(p, p->now_ms, &quit);
}

void platform_present(struct platform *p)
{
    p->frames++;
}

void platform_set_damage(struct platform *p, int x, int y, int w, int h)
{
    (void)p, (void)x, (void)y, (void)w, (void)h;
}

uint64_t platform_frames(struct platform *p)
{
    return p->frames;
}

bool platform_screenshot(struct platform *p, const char *path, char *err, size_t errlen)
{
    (void)p;
    (void)path;
    if (errlen)
        err[0] = '\0';
    return false;
}

const char *platform_renderer_name(struct platform *p)
{
    (void)p;
    return "null";
}

int64_t platform_now_ms(struct platform *p)
{
    return p->now_ms;
}

int64_t platform_wall_s(struct platform *p)
{
    return p->wall_at_zero + p->now_ms / 1000;
}

double platform_px_per_mm(struct platform *p)
{
    (void)p;
    return 0;
}
