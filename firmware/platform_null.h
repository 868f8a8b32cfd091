/* platform_null: the platform without a display, for tests. A fake clock that platform_wait
 * advances to the deadline or to the next scripted event, so hours of a wall display run in
 * milliseconds. No SDL. */
#ifndef PRIKBORD_PLATFORM_NULL_H
#define PRIKBORD_PLATFORM_NULL_H

#include "platform.h"

/* Schedules ev to arrive at fake monotonic time at_ms. Events are delivered in time order. */
void platform_null_push(struct platform *p, int64_t at_ms, const struct platform_event *ev);

/* The fake wall clock at monotonic time 0 (seconds since the epoch); default 2026-11-26 09:00 UTC.
 */
void platform_null_set_wall(struct platform *p, int64_t wall_at_zero);

/* How many times platform_wait was called (to prove the loop does not spin). */
uint64_t platform_null_waits(struct platform *p);

#endif
