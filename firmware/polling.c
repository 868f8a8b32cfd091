#include "polling.h"

int poll_delay_s(const struct poll_policy *p, enum poll_outcome o, int failures, long retry_after_s,
                 int feed_after_s, uint32_t rnd)
{
    int interval = p->interval_s > 0 ? p->interval_s : 60;
    int cap = p->backoff_cap_s > 0 ? p->backoff_cap_s : POLL_DEFAULT_BACKOFF_CAP_S;
    int ra_cap = p->retry_after_cap_s > 0 ? p->retry_after_cap_s : POLL_DEFAULT_RETRY_AFTER_CAP_S;
    if (cap < interval)
        cap = interval;
    int64_t base;
    switch (o) {
    case POLL_CHANGED:
    case POLL_UNCHANGED:
    case POLL_AUTH_FAILED: /* a rotated token should be picked up at the next interval */
        base = feed_after_s > interval && o != POLL_AUTH_FAILED ? feed_after_s : interval;
        base += rnd % (uint32_t)(base / 10 + 1);
        break;
    default: {
        base = interval;
        for (int i = 1; i < failures && base < cap; i++)
            base *= 2;
        if (base > cap)
            base = cap;
        /* +-20 %: from 0.8 * base to 1.2 * base */
        int64_t span = base * 2 / 5;
        base = base - base / 5 + (span > 0 ? (int64_t)(rnd % (uint32_t)(span + 1)) : 0);
        break;
    }
    }
    if (retry_after_s > 0 && (o == POLL_FAILED || o == POLL_AUTH_FAILED)) {
        int64_t ra = retry_after_s < ra_cap ? retry_after_s : ra_cap;
        base = ra + (int64_t)(rnd % (uint32_t)(ra / 10 + 1));
    }
    if (base < 1)
        base = 1;
    return base > 86400 * 7 ? 86400 * 7 : (int)base;
}
