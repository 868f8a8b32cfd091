/* schedule: which item is on screen next, and for how long. Pure; time is passed in.
 *
 * Fairness: the rotation runs in cycles. In a cycle every eligible item is shown once (pass A),
 * then the new ones (published in the last rules.fresh_s) once more (pass B). Within a pass the
 * next item is of another type than the one before whenever one is left (new colleagues,
 * shout-outs, posts, help requests in turn), highlighted first, then newest. The same item is
 * never shown twice in a row while another is eligible. Hence an item that stays eligible is
 * shown again after at most 2n + f - 1 other slides (n eligible items, f of them new), so
 * within (2n + f) * (max dwell + transition): see schedule_bound_ms. */
#ifndef PRIKBORD_SCHEDULE_H
#define PRIKBORD_SCHEDULE_H

#include "model.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the screen shows, and the default life of each type on screen. A life applies only
 * when the feed gives no expires_at (the feed says otherwise); 0 means no limit. */
struct schedule_rules {
    int64_t fresh_s;           /* "new" items: published within this many seconds (86400) */
    int64_t introduction_s;    /* from the start date (else publication), default 14 days */
    int64_t shoutout_s;        /* from publication, default 7 days */
    int64_t post_s;            /* default 0: a post stays while it is highlighted */
    unsigned types;            /* bit (1 << item_type) per type shown; 0: all */
    const char *const *groups; /* group ids or names this screen shows; n_groups 0: all */
    size_t n_groups;
    int words_per_minute;   /* reading speed at a wall, default 180 */
    int64_t min_ms, max_ms; /* bounds of a slide's time on screen */
    int64_t photo_ms;       /* extra time for a slide with a photo */
};

/* The defaults above: 1 day fresh, 14/7/0 days of life, all types and groups, 180 words a
 * minute, 8 to 40 seconds, 2 more with a photo. */
struct schedule_rules schedule_default_rules(void);

struct schedule;

struct schedule *schedule_create(void);
void schedule_destroy(struct schedule *s); /* NULL-safe */

/* Replaces the rules (copied, the group strings too). */
void schedule_set_rules(struct schedule *s, const struct schedule_rules *r);

/* Takes feed f (borrowed; it must stay valid until the next call; the previous feed may
 * already be gone). The item on screen keeps its place and what was shown in this cycle stays
 * shown, so a refresh neither restarts nor skips the cycle. Items that are gone are gone. */
void schedule_set_feed(struct schedule *s, const struct feed *f);

/* Whether it may be on screen at wall time now: its own time window, its type's default life,
 * and this screen's selection of types and groups. */
bool schedule_eligible(const struct schedule *s, const struct item *it, int64_t now);

/* Moves to the next item at wall time now and returns it (a pointer into the feed), or NULL
 * when nothing can be shown. With only one eligible item, returns it again. */
const struct item *schedule_advance(struct schedule *s, int64_t now);

/* What schedule_advance(s, now) would return, without moving: the item (or NULL), and the
 * page indicator it would then have (schedule_page and schedule_count_shown after it). */
const struct item *schedule_peek(const struct schedule *s, int64_t now, size_t *page,
                                 size_t *pages);

/* The item the schedule is at (NULL before the first advance or when it left the feed). */
const struct item *schedule_current(const struct schedule *s);

/* Number of eligible items at now, and the 1-based place of the current one in this cycle
 * (0 when it is not eligible, or is a new item's second showing), for the page indicator. */
size_t schedule_count_shown(const struct schedule *s, int64_t now);
size_t schedule_page(const struct schedule *s, int64_t now);

/* How long an item stays under the schedule's rules: reading time of its words at
 * words_per_minute, plus photo_ms when it has a photo, within [min_ms, max_ms]. */
int64_t schedule_dwell(const struct schedule *s, const struct item *it);

/* The same with default rules except the bounds (kept for callers without a schedule). */
int64_t schedule_dwell_ms(const struct item *it, int64_t slide_ms, int64_t max_ms);

/* The longest time an item that stays eligible waits between two appearances, for n eligible
 * items of which fresh are new, given the longest slide and the transition. */
int64_t schedule_bound_ms(size_t n, size_t fresh, int64_t max_slide_ms, int64_t transition_ms);

#endif
