/* polling: when to ask the server again. Pure: the outcome of an attempt and a random number
 * come in, seconds to wait go out, so back-off is tested without waiting. */
#ifndef PRIKBORD_POLL_H
#define PRIKBORD_POLL_H

#include <stdint.h>

enum poll_outcome {
    POLL_CHANGED,     /* 200 with new content */
    POLL_UNCHANGED,   /* 304, or 200 with the same bytes */
    POLL_AUTH_FAILED, /* 401/403: the token is wrong; a person must act, load is not the issue */
    POLL_FAILED,      /* anything else: server errors, time-outs, garbage */
    POLL_OUTCOME_COUNT
};

struct poll_policy {
    int interval_s;        /* the normal period */
    int backoff_cap_s;     /* failures back off up to this */
    int retry_after_cap_s; /* a server's Retry-After is honoured up to this */
};

#define POLL_DEFAULT_BACKOFF_CAP_S     600
#define POLL_DEFAULT_RETRY_AFTER_CAP_S 3600

/* Seconds until the next attempt. failures counts consecutive failed attempts including this
 * one (0 after a success); retry_after_s is the server's Retry-After (-1: none); feed_after_s
 * is the feed's refresh_after_s (0: none), which may lengthen but never shorten the interval;
 * rnd is a uniformly random 32-bit number. Successes wait the interval plus up to 10 % jitter;
 * failures wait interval * 2^(failures-1), capped, with +-20 % jitter ("full" runs of screens
 * never fall into step); Retry-After wins over back-off. Always at least 1. */
int poll_delay_s(const struct poll_policy *p, enum poll_outcome o, int failures, long retry_after_s,
                 int feed_after_s, uint32_t rnd);

#endif
