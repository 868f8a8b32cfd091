#include "gesture.h"
#include "util.h"

#include <stdlib.h>

#define MAX_CONTACTS 10
#define SAMPLES      16

enum mode { MODE_IDLE, MODE_PENDING, MODE_DRAG_X, MODE_DRAG_Y, MODE_MULTI };

struct sample {
    int64_t t;
    int x;
};

struct gesture {
    struct gesture_config c;
    enum mode mode;
    int64_t ids[MAX_CONTACTS]; /* contacts down now */
    int n_ids;
    int64_t primary;
    int x0, y0, last_y;
    struct sample samples[SAMPLES]; /* the primary contact's recent x, oldest overwritten */
    int n_samples, next_sample;
};

struct gesture_config gesture_config_for(int w, double px_per_mm)
{
    if (px_per_mm <= 0)
        px_per_mm = 96 / 25.4;
    int slop = (int)(2.5 * px_per_mm + 0.5);
    return (struct gesture_config){
        .slop_px = slop < 4 ? 4 : slop,
        .commit_px = w / 2 > 1 ? w / 2 : 1,
        /* A flick moves at least ~10 cm a second; a careful drag is slower. */
        .flick_px_ms = 0.1 * px_per_mm,
        .flick_window = 100,
    };
}

struct gesture *gesture_create(const struct gesture_config *c)
{
    struct gesture *g = xcalloc(1, sizeof *g);
    g->c = *c;
    return g;
}

void gesture_destroy(struct gesture *g)
{
    free(g);
}

void gesture_configure(struct gesture *g, const struct gesture_config *c)
{
    g->c = *c;
}

bool gesture_active(const struct gesture *g)
{
    return g->n_ids > 0;
}

static int find(const struct gesture *g, int64_t id)
{
    for (int i = 0; i < g->n_ids; i++)
        if (g->ids[i] == id)
            return i;
    return -1;
}

static bool finger_down(const struct gesture *g)
{
    for (int i = 0; i < g->n_ids; i++)
        if (g->ids[i] != GESTURE_MOUSE)
            return true;
    return false;
}

static void add_sample(struct gesture *g, int64_t t, int x)
{
    g->samples[g->next_sample] = (struct sample){t, x};
    g->next_sample = (g->next_sample + 1) % SAMPLES;
    if (g->n_samples < SAMPLES)
        g->n_samples++;
}

/* Speed in px/ms over the last flick_window ms before t (from the oldest sample in it). */
static double release_speed(const struct gesture *g, int64_t t, int x)
{
    const struct sample *from = NULL;
    for (int k = 1; k <= g->n_samples; k++) {
        const struct sample *s = &g->samples[(g->next_sample - k + SAMPLES) % SAMPLES];
        if (t - s->t > g->c.flick_window)
            break;
        from = s;
    }
    if (!from)
        return 0;
    int64_t dt = t - from->t;
    return (double)(x - from->x) / (double)(dt < 1 ? 1 : dt);
}

static struct gesture_event none(void)
{
    return (struct gesture_event){.kind = GESTURE_NONE};
}

/* The gesture in progress ends without a tap: a horizontal drag springs back. */
static struct gesture_event abandon(struct gesture *g)
{
    enum mode was = g->mode;
    g->mode = MODE_MULTI;
    if (was == MODE_DRAG_X)
        return (struct gesture_event){.kind = GESTURE_SWIPE, .dir = 0};
    if (was == MODE_PENDING || was == MODE_DRAG_Y)
        return (struct gesture_event){.kind = GESTURE_END};
    return none();
}

struct gesture_event gesture_down(struct gesture *g, int64_t id, int x, int y, int64_t t_ms)
{
    if (find(g, id) >= 0)
        return none(); /* a repeated down (a lost up): keep the gesture */
    if (id == GESTURE_MOUSE && finger_down(g))
        return none(); /* the mouse copy of a touch */
    if (g->n_ids == MAX_CONTACTS)
        return none();
    g->ids[g->n_ids++] = id;
    if (g->n_ids > 1)
        return abandon(g);
    g->mode = MODE_PENDING;
    g->primary = id;
    g->x0 = x;
    g->y0 = y;
    g->last_y = y;
    g->n_samples = g->next_sample = 0;
    add_sample(g, t_ms, x);
    return (struct gesture_event){.kind = GESTURE_PRESS, .x = x, .y = y};
}

struct gesture_event gesture_move(struct gesture *g, int64_t id, int x, int y, int64_t t_ms)
{
    if (id != g->primary || find(g, id) < 0 || g->mode == MODE_MULTI)
        return none();
    add_sample(g, t_ms, x);
    int dx = x - g->x0, dy = y - g->y0;
    if (g->mode == MODE_PENDING) {
        if (abs(dx) < g->c.slop_px && abs(dy) < g->c.slop_px)
            return none();
        g->mode = abs(dx) >= abs(dy) ? MODE_DRAG_X : MODE_DRAG_Y;
    }
    if (g->mode == MODE_DRAG_X)
        return (struct gesture_event){.kind = GESTURE_DRAG_X, .dx = dx};
    struct gesture_event e = {.kind = GESTURE_DRAG_Y, .dy = y - g->last_y};
    g->last_y = y;
    return e;
}

struct gesture_event gesture_up(struct gesture *g, int64_t id, int x, int y, int64_t t_ms)
{
    int i = find(g, id);
    if (i < 0)
        return none();
    g->ids[i] = g->ids[--g->n_ids];
    if (id != g->primary || g->mode == MODE_MULTI) {
        if (g->n_ids == 0)
            g->mode = MODE_IDLE;
        return none();
    }
    /* The primary contact is up and it was the only one. */
    enum mode was = g->mode;
    g->mode = MODE_IDLE;
    int dx = x - g->x0;
    if (was == MODE_PENDING)
        return (struct gesture_event){.kind = GESTURE_TAP, .x = g->x0, .y = g->y0};
    if (was != MODE_DRAG_X)
        return (struct gesture_event){.kind = GESTURE_END};
    double v = release_speed(g, t_ms, x);
    int dir = 0;
    if (abs(dx) >= g->c.commit_px)
        dir = dx < 0 ? 1 : -1;
    else if (abs(dx) >= g->c.slop_px && (v <= -g->c.flick_px_ms || v >= g->c.flick_px_ms) &&
             (v < 0) == (dx < 0))
        dir = dx < 0 ? 1 : -1;
    (void)y;
    return (struct gesture_event){.kind = GESTURE_SWIPE, .dir = dir};
}

struct gesture_event gesture_reset(struct gesture *g)
{
    struct gesture_event e = g->n_ids > 0 ? abandon(g) : none();
    g->n_ids = 0;
    g->mode = MODE_IDLE;
    return e;
}
