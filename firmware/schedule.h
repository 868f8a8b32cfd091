/* schedule: which item is on screen next. The rotation interleaves the types (new colleagues,
 * shout-outs, posts, help requests in turn; newest first within a type) and skips items that
 * are outside their time window at the moment they come up. Pure; time is passed in. */
#ifndef PRIKBORD_SCHEDULE_H
#define PRIKBORD_SCHEDULE_H

#include "model.h"

#include <stddef.h>
#include <stdint.h>

struct schedule;

struct schedule *schedule_create(void);
void schedule_destroy(struct schedule *s); /* NULL-safe */

/* Rebuilds the rotation for feed f (borrowed; must stay valid until the next call; the
 * previous feed may already be gone). The item
 * on screen, when it is still in f, keeps its place, so a refresh does not restart the cycle.
 * Items that are gone are gone at once. */
void schedule_set_feed(struct schedule *s, const struct feed *f);

/* Moves to the next item shown at wall time now and returns it (a pointer into the feed), or
 * NULL when nothing can be shown. With only one showable item, returns it again. */
const struct item *schedule_advance(struct schedule *s, int64_t now);

/* The item the schedule is at (NULL before the first advance or when it left the feed). */
const struct item *schedule_current(const struct schedule *s);

/* Number of items shown at now, and the 1-based place of the current one among them (0 when
 * the current one is not shown), for the page indicator. */
size_t schedule_count_shown(const struct schedule *s, int64_t now);
size_t schedule_page(const struct schedule *s, int64_t now);

/* How long an item stays: slide_ms, or longer for long texts (reading time at words_per_min
 * words a minute, capped at max_ms). */
int64_t schedule_dwell_ms(const struct item *it, int64_t slide_ms, int64_t max_ms);

#endif
