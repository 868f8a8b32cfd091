#define _XOPEN_SOURCE 700 /* nftw */
#define LOG_MODULE    "fleet"
#include "fleet_writer.h"
#include "disk.h"
#include "log.h"
#include "util.h"

#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct fleet_writer {
    char *dir, *cache_dir;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop, queued;
    struct fleet_status next; /* strings owned while queued */
    bool warned;              /* a failing write is logged once, not every minute */
};

uint64_t fleet_rss_bytes(void)
{
    unsigned long size = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "re");
    if (!f)
        return 0;
    int n = fscanf(f, "%lu %lu", &size, &resident);
    fclose(f);
    long page = sysconf(_SC_PAGESIZE);
    return n == 2 && page > 0 ? (uint64_t)resident * (uint64_t)page : 0;
}

/* nftw has no context pointer; the sum is per call of fleet_dir_bytes, which only the writer
 * thread makes (and tests), one at a time. */
static _Thread_local uint64_t dir_sum;

static int add_file(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)path, (void)ftw;
    if (type == FTW_F && S_ISREG(st->st_mode))
        dir_sum += (uint64_t)st->st_size;
    return 0;
}

uint64_t fleet_dir_bytes(const char *dir)
{
    dir_sum = 0;
    if (dir && nftw(dir, add_file, 16, FTW_PHYS) != 0)
        return 0;
    return dir_sum;
}

static void status_copy(struct fleet_status *d, const struct fleet_status *s)
{
    *d = *s;
    d->version = xstrdup(s->version);
    d->display_id = xstrdup(s->display_id);
    d->last_error = xstrdup(s->last_error);
}

static void status_free(struct fleet_status *s)
{
    free((char *)s->version);
    free((char *)s->display_id);
    free((char *)s->last_error);
    memset(s, 0, sizeof *s);
}

static bool write_one(struct fleet_writer *w, const char *name, const char *text)
{
    char err[300];
    char *path = xasprintf("%s/%s", w->dir, name);
    bool ok = disk_mkdirs(w->dir, err, sizeof err) &&
              disk_write_atomic(path, text, strlen(text), err, sizeof err);
    if (!ok && !w->warned)
        log_warn("status file: %s", err);
    free(path);
    return ok;
}

static void write_report(struct fleet_writer *w, struct fleet_status *s)
{
    s->cache_bytes = fleet_dir_bytes(w->cache_dir);
    s->rss_bytes = fleet_rss_bytes();
    char *json = fleet_status_json(s);
    char *prom = fleet_status_prom(s);
    bool ok = write_one(w, "status.json", json) && write_one(w, "prikbord.prom", prom);
    if (ok && w->warned)
        log_info("status files are written again in %s", w->dir);
    w->warned = !ok;
    free(json);
    free(prom);
}

static void *worker(void *arg)
{
    struct fleet_writer *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->queued && !w->stop)
            pthread_cond_wait(&w->wake, &w->lock);
        if (!w->queued)
            break;
        struct fleet_status s = w->next;
        w->queued = false;
        memset(&w->next, 0, sizeof w->next);
        pthread_mutex_unlock(&w->lock);
        write_report(w, &s);
        status_free(&s);
        pthread_mutex_lock(&w->lock);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

struct fleet_writer *fleet_writer_start(const char *dir, const char *cache_dir)
{
    struct fleet_writer *w = xcalloc(1, sizeof *w);
    w->dir = xstrdup(dir);
    w->cache_dir = xstrdup(cache_dir);
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    int err = pthread_create(&w->thread, NULL, worker, w);
    if (err != 0) {
        log_error("cannot start the status file writer: %s", strerror(err));
        pthread_mutex_destroy(&w->lock);
        pthread_cond_destroy(&w->wake);
        free(w->dir);
        free(w->cache_dir);
        free(w);
        return NULL;
    }
    return w;
}

void fleet_writer_post(struct fleet_writer *w, const struct fleet_status *s)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    status_free(&w->next);
    status_copy(&w->next, s);
    w->queued = true;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
}

void fleet_writer_stop(struct fleet_writer *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->stop = true;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    status_free(&w->next);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->wake);
    free(w->dir);
    free(w->cache_dir);
    free(w);
}
