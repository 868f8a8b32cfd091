/* check: the report of `prikbord --check-feed`, as text for people or JSON for scripts. */
#ifndef PRIKBORD_CHECK_H
#define PRIKBORD_CHECK_H

#include "feed_parse.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Applies the time rules at wall-clock time now to the verdicts of statically shown items of
 * f (NULL when the feed was unusable) so that the report says what the screen would show. */
void check_apply_time(struct feed_report *r, const struct feed *f, int64_t now);

/* Writes the report. error is NULL for a usable feed, else the one-line reason. In JSON mode
 * the output is {"usable", "error", "items": [{"id", "type", "shown", "reason", "detail"}]}. */
void check_print(FILE *out, const struct feed *f, const struct feed_report *r, const char *error,
                 bool json);

#endif
