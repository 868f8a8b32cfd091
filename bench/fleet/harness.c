/* fleet harness: many simulated screens polling one feed URL with Prikbord's own fetch code
 * (fetch.c: conditional requests, gzip, keep-alive) and polling policy (polling.c: interval
 * plus up to 10 % jitter), on an accelerated clock: simulated time runs `speed` times faster
 * than real time, so an hour of a fleet takes two minutes. Each screen adds display=ID to the
 * URL as the real program does (fleet.c).
 *
 *   prikbord_fleet_bench URL [--displays N] [--interval S] [--minutes M] [--speed X]
 *                            [--boot-spread S] [--threads T]
 *
 * Prints one JSON line: the real start time (for mapping a proxy's log to simulated time) and
 * what the screens saw. Requests go only where URL points (the bench uses 127.0.0.1). */
#define LOG_MODULE "bench"
#include "fetch.h"
#include "fleet.h"
#include "log.h"
#include "polling.h"
#include "util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct display {
    char *url, *user_agent;
    struct fetcher *fetcher;
    char *etag, *last_modified;
    int64_t due_ms; /* simulated */
    int failures;
    unsigned seed;
};

struct options {
    const char *url;
    int displays, interval_s, minutes, threads, boot_spread_s;
    double speed;
};

struct totals {
    uint64_t requests, ok, not_modified, errors, body_bytes;
    int64_t worst_lag_ms; /* how late (simulated) a poll went out: the harness keeping up */
};

static struct options opt = {.displays = 200,
                             .interval_s = 60,
                             .minutes = 10,
                             .threads = 8,
                             .boot_spread_s = 10,
                             .speed = 30};
static int64_t start_real_ms;
static pthread_mutex_t totals_lock = PTHREAD_MUTEX_INITIALIZER;
static struct totals totals;

static int64_t real_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t sim_now_ms(void)
{
    return (int64_t)((double)(real_ms() - start_real_ms) * opt.speed);
}

static void sleep_until_sim(int64_t sim_ms)
{
    int64_t real_due = start_real_ms + (int64_t)((double)sim_ms / opt.speed);
    int64_t wait = real_due - real_ms();
    if (wait > 0) {
        struct timespec t = {wait / 1000, (wait % 1000) * 1000000};
        nanosleep(&t, NULL);
    }
}

static void remember(char **slot, const char *v)
{
    if (!v)
        return;
    free(*slot);
    *slot = xstrdup(v);
}

/* One poll of one screen, as refresh.c's poll_once does it. */
static void poll_display(struct display *d, struct totals *t)
{
    struct fetch_request req = {
        .url = d->url,
        .token_origin = d->url,
        .if_none_match = d->etag,
        .if_modified_since = d->last_modified,
        .user_agent = d->user_agent,
    };
    struct fetch_response resp = {0};
    enum fetch_result r = fetcher_get(d->fetcher, &req, &resp);
    enum poll_outcome outcome = POLL_UNCHANGED;
    t->requests++;
    if (r == FETCH_OK) {
        t->ok++;
        t->body_bytes += resp.len;
        remember(&d->etag, resp.etag);
        remember(&d->last_modified, resp.last_modified);
        outcome = POLL_CHANGED;
    } else if (r == FETCH_NOT_MODIFIED) {
        t->not_modified++;
    } else {
        t->errors++;
        outcome = POLL_FAILED;
        log_warn("%s: %s", d->user_agent, resp.error);
    }
    d->failures = outcome == POLL_FAILED ? d->failures + 1 : 0;
    struct poll_policy policy = {.interval_s = opt.interval_s};
    int wait_s = poll_delay_s(&policy, outcome, d->failures, resp.retry_after_s, 0,
                              (uint32_t)rand_r(&d->seed));
    d->due_ms += (int64_t)wait_s * 1000;
    fetch_response_clear(&resp);
}

struct worker_arg {
    struct display *displays;
    int first, step;
};

static void *worker(void *arg)
{
    struct worker_arg *w = arg;
    struct totals t = {0};
    int64_t end_ms = (int64_t)opt.minutes * 60000;
    for (;;) {
        struct display *next = NULL;
        for (int i = w->first; i < opt.displays; i += w->step)
            if (!next || w->displays[i].due_ms < next->due_ms)
                next = &w->displays[i];
        if (!next || next->due_ms >= end_ms)
            break;
        sleep_until_sim(next->due_ms);
        int64_t lag = sim_now_ms() - next->due_ms;
        if (lag > t.worst_lag_ms)
            t.worst_lag_ms = lag;
        poll_display(next, &t);
    }
    pthread_mutex_lock(&totals_lock);
    totals.requests += t.requests;
    totals.ok += t.ok;
    totals.not_modified += t.not_modified;
    totals.errors += t.errors;
    totals.body_bytes += t.body_bytes;
    if (t.worst_lag_ms > totals.worst_lag_ms)
        totals.worst_lag_ms = t.worst_lag_ms;
    pthread_mutex_unlock(&totals_lock);
    return NULL;
}

static int usage(void)
{
    fprintf(stderr, "usage: prikbord_fleet_bench URL [--displays N] [--interval S] [--minutes M] "
                    "[--speed X] [--boot-spread S] [--threads T]\n");
    return 2;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (a[0] != '-') {
            opt.url = a;
            continue;
        }
        if (!v)
            return usage();
        i++;
        if (strcmp(a, "--displays") == 0)
            opt.displays = atoi(v);
        else if (strcmp(a, "--interval") == 0)
            opt.interval_s = atoi(v);
        else if (strcmp(a, "--minutes") == 0)
            opt.minutes = atoi(v);
        else if (strcmp(a, "--speed") == 0)
            opt.speed = atof(v);
        else if (strcmp(a, "--boot-spread") == 0)
            opt.boot_spread_s = atoi(v);
        else if (strcmp(a, "--threads") == 0)
            opt.threads = atoi(v);
        else
            return usage();
    }
    if (!opt.url || opt.displays < 1 || opt.interval_s < 1 || opt.minutes < 1 || opt.speed <= 0 ||
        opt.threads < 1 || opt.boot_spread_s < 0)
        return usage();
    if (opt.threads > opt.displays)
        opt.threads = opt.displays;
    if (!fetch_global_init())
        return 3;
    struct display *ds = xcalloc((size_t)opt.displays, sizeof *ds);
    unsigned seed = 12345;
    for (int i = 0; i < opt.displays; i++) {
        char id[32];
        snprintf(id, sizeof id, "bench-%03d", i + 1);
        ds[i].url = fleet_feed_url(opt.url, id);
        ds[i].user_agent = xasprintf("prikbord/bench (%s)", id);
        ds[i].fetcher = fetcher_create();
        ds[i].seed = seed + (unsigned)i * 7919u;
        /* The building's power comes back: the screens boot within boot_spread_s. */
        ds[i].due_ms =
            opt.boot_spread_s ? (int64_t)(rand_r(&seed) % (opt.boot_spread_s * 1000)) : 0;
        if (!ds[i].fetcher)
            return 3;
    }
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    start_real_ms = real_ms();
    double start_epoch = (double)wall.tv_sec + (double)wall.tv_nsec / 1e9;
    pthread_t *th = xcalloc((size_t)opt.threads, sizeof *th);
    struct worker_arg *args = xcalloc((size_t)opt.threads, sizeof *args);
    for (int t = 0; t < opt.threads; t++) {
        args[t] = (struct worker_arg){ds, t, opt.threads};
        pthread_create(&th[t], NULL, worker, &args[t]);
    }
    for (int t = 0; t < opt.threads; t++)
        pthread_join(th[t], NULL);
    printf("{\"start_epoch\": %.3f, \"speed\": %g, \"displays\": %d, \"interval_s\": %d, "
           "\"minutes\": %d, \"requests\": %llu, \"ok\": %llu, \"not_modified\": %llu, "
           "\"errors\": %llu, \"body_bytes\": %llu, \"worst_lag_sim_ms\": %lld}\n",
           start_epoch, opt.speed, opt.displays, opt.interval_s, opt.minutes,
           (unsigned long long)totals.requests, (unsigned long long)totals.ok,
           (unsigned long long)totals.not_modified, (unsigned long long)totals.errors,
           (unsigned long long)totals.body_bytes, (long long)totals.worst_lag_ms);
    for (int i = 0; i < opt.displays; i++) {
        fetcher_destroy(ds[i].fetcher);
        free(ds[i].url);
        free(ds[i].user_agent);
        free(ds[i].etag);
        free(ds[i].last_modified);
    }
    free(ds);
    free(th);
    free(args);
    fetch_global_cleanup();
    return totals.errors ? 1 : 0;
}
