#include "hours.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

static bool parse_hm(const char **p, int *min)
{
    int h = 0, m = 0, n = 0;
    if (sscanf(*p, "%2d:%2d%n", &h, &m, &n) != 2 || h < 0 || h > 24 || m < 0 || m > 59 ||
        (h == 24 && m != 0))
        return false;
    *p += n;
    *min = h * 60 + m;
    return true;
}

bool hours_set_day(struct hours *h, int wday, const char *spec, char *err, size_t errlen)
{
    if (wday < 0 || wday > 6) {
        snprintf(err, errlen, "no such weekday");
        return false;
    }
    while (spec && (*spec == ' ' || *spec == '\t'))
        spec++;
    if (!spec || !*spec || strcmp(spec, "open") == 0) {
        h->open_min[wday] = 0;
        h->close_min[wday] = 24 * 60;
        return true;
    }
    h->any = true;
    if (strcmp(spec, "closed") == 0) {
        h->open_min[wday] = h->close_min[wday] = 0;
        return true;
    }
    const char *p = spec;
    int a, b;
    if (!parse_hm(&p, &a) || *p++ != '-' || !parse_hm(&p, &b)) {
        snprintf(err, errlen, "expected HH:MM-HH:MM, closed or open");
        return false;
    }
    while (*p == ' ')
        p++;
    if (*p) {
        snprintf(err, errlen, "unexpected text after the closing time");
        return false;
    }
    if (b <= a) {
        snprintf(err, errlen, "the closing time must come after the opening time");
        return false;
    }
    h->open_min[wday] = a;
    h->close_min[wday] = b;
    return true;
}

bool hours_set_days_off(struct hours *h, const char *list, char *err, size_t errlen)
{
    const char *p = list;
    while (p && *p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        int y, m, d, n = 0;
        int64_t t;
        char date[11];
        if (sscanf(p, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10) {
            snprintf(err, errlen, "expected dates as YYYY-MM-DD");
            return false;
        }
        snprintf(date, sizeof date, "%.10s", p);
        if (!time_parse_rfc3339(date, &t)) {
            snprintf(err, errlen, "%s is not a date", date);
            return false;
        }
        if (h->n_days_off == HOURS_MAX_DAYS_OFF) {
            snprintf(err, errlen, "more than %d days off", HOURS_MAX_DAYS_OFF);
            return false;
        }
        h->days_off[h->n_days_off++] = y * 10000 + m * 100 + d;
        h->any = true;
        p += n;
    }
    return true;
}

bool hours_open(const struct hours *h, const struct tm *local)
{
    if (!h || !h->any)
        return true;
    int32_t today = (local->tm_year + 1900) * 10000 + (local->tm_mon + 1) * 100 + local->tm_mday;
    for (size_t i = 0; i < h->n_days_off; i++)
        if (h->days_off[i] == today)
            return false;
    int wday = local->tm_wday >= 0 && local->tm_wday <= 6 ? local->tm_wday : 0;
    int now = local->tm_hour * 60 + local->tm_min;
    return now >= h->open_min[wday] && now < h->close_min[wday];
}
