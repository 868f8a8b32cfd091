/* hours: office hours, outside which the screen goes dark. A weekly schedule with days off.
 * Pure: local time comes in broken down. */
#ifndef PRIKBORD_HOURS_H
#define PRIKBORD_HOURS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define HOURS_MAX_DAYS_OFF 64

struct hours {
    bool any;         /* false: no schedule, always open */
    int open_min[7];  /* per weekday (0 = Sunday, as struct tm), minutes after midnight */
    int close_min[7]; /* open_min == close_min: closed all day */
    int32_t days_off[HOURS_MAX_DAYS_OFF]; /* yyyymmdd */
    size_t n_days_off;
};

/* Sets the schedule of one weekday from "07:30-18:00", "closed" or "" / "open" (all day).
 * Returns false with a reason in err. */
bool hours_set_day(struct hours *h, int wday, const char *spec, char *err, size_t errlen);

/* Adds days off from a comma-separated list of dates ("2026-12-25, 2026-12-26"). */
bool hours_set_days_off(struct hours *h, const char *list, char *err, size_t errlen);

/* Whether the screen is on at this local time. */
bool hours_open(const struct hours *h, const struct tm *local);

#endif
