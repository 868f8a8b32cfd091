#define _XOPEN_SOURCE 700 /* utimensat, O_DIRECTORY */
#define LOG_MODULE    "imgcache"
#include "imgcache.h"
#include "disk.h"
#include "log.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC   "PRIKIMG1\n"
#define SUFFIX  ".img"
#define MAX_URL 4096

struct imgcache {
    char *dir;
    size_t max_bytes;
};

static char *path_of(const struct imgcache *c, const char *url)
{
    return xasprintf("%s/%016llx" SUFFIX, c->dir, (unsigned long long)hash64_str(url));
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

struct imgcache *imgcache_open(const char *dir, size_t max_bytes)
{
    char err[256];
    if (!disk_mkdirs(dir, err, sizeof err)) {
        log_warn("image cache off: %s", err);
        return NULL;
    }
    struct imgcache *c = xcalloc(1, sizeof *c);
    c->dir = xstrdup(dir);
    c->max_bytes = max_bytes;
    /* disk_write_atomic names its temporary files NAME.tmp.PID: any left are from a crash. */
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strstr(e->d_name, SUFFIX ".tmp.")) {
            char *p = xasprintf("%s/%s", dir, e->d_name);
            disk_remove(p, err, sizeof err);
            free(p);
        }
    }
    if (d)
        closedir(d);
    return c;
}

void imgcache_close(struct imgcache *c)
{
    if (!c)
        return;
    free(c->dir);
    free(c);
}

char *imgcache_get(struct imgcache *c, const char *url, size_t max, size_t *len)
{
    if (!c || !url)
        return NULL;
    char *path = path_of(c, url);
    char err[256];
    size_t n = 0;
    size_t header = strlen(MAGIC) + strlen(url) + 1;
    char *buf = disk_read_file(path, max + header, &n, err, sizeof err);
    char *out = NULL;
    /* The URL inside must match: a hash collision or a torn file is a miss, not a wrong face. */
    if (buf && n >= header && memcmp(buf, MAGIC, strlen(MAGIC)) == 0 &&
        memcmp(buf + strlen(MAGIC), url, strlen(url)) == 0 && buf[header - 1] == '\n') {
        *len = n - header;
        out = xmalloc(*len + 1);
        memcpy(out, buf + header, *len);
        out[*len] = '\0';
        utimensat(AT_FDCWD, path, NULL, 0); /* a use: now is its place in the LRU order */
    }
    free(buf);
    free(path);
    return out;
}

bool imgcache_put(struct imgcache *c, const char *url, const void *data, size_t len)
{
    if (!c || !url || strlen(url) > MAX_URL)
        return false;
    struct strbuf b = {0};
    strbuf_appends(&b, MAGIC);
    strbuf_appends(&b, url);
    strbuf_append(&b, "\n", 1);
    strbuf_append(&b, data, len);
    char *path = path_of(c, url);
    char err[256];
    bool ok = disk_write_atomic(path, b.data, b.len, err, sizeof err);
    if (!ok)
        log_warn("%s", err);
    free(path);
    strbuf_free(&b);
    return ok;
}

struct entry {
    char *name;
    size_t size;
    struct timespec used;
};

static int by_oldest(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    if (x->used.tv_sec != y->used.tv_sec)
        return x->used.tv_sec < y->used.tv_sec ? -1 : 1;
    if (x->used.tv_nsec != y->used.tv_nsec)
        return x->used.tv_nsec < y->used.tv_nsec ? -1 : 1;
    return strcmp(x->name, y->name);
}

size_t imgcache_retain(struct imgcache *c, const char *const *keep, size_t n)
{
    if (!c)
        return 0;
    char **wanted = xcalloc(n ? n : 1, sizeof *wanted);
    for (size_t i = 0; i < n; i++) {
        char *p = path_of(c, keep[i]);
        wanted[i] = xstrdup(strrchr(p, '/') + 1);
        free(p);
    }
    struct entry *entries = NULL;
    size_t count = 0, total = 0;
    char err[256];
    DIR *d = opendir(c->dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (!ends_with(e->d_name, SUFFIX))
            continue;
        char *p = xasprintf("%s/%s", c->dir, e->d_name);
        bool keep_it = false;
        for (size_t i = 0; i < n && !keep_it; i++)
            keep_it = strcmp(wanted[i], e->d_name) == 0;
        struct stat st;
        if (!keep_it) {
            /* an item that left the feed takes its pictures with it */
            disk_remove(p, err, sizeof err);
        } else if (stat(p, &st) == 0) {
            entries = xrealloc(entries, (count + 1) * sizeof *entries);
            entries[count++] = (struct entry){xstrdup(e->d_name), (size_t)st.st_size, st.st_mtim};
            total += (size_t)st.st_size;
        }
        free(p);
    }
    if (d)
        closedir(d);
    if (count > 1) /* qsort's array must not be NULL, even for no elements */
        qsort(entries, count, sizeof *entries, by_oldest);
    for (size_t i = 0; i < count; i++) {
        if (total > c->max_bytes) {
            char *p = xasprintf("%s/%s", c->dir, entries[i].name);
            if (disk_remove(p, err, sizeof err))
                total -= entries[i].size;
            free(p);
        }
        free(entries[i].name);
    }
    free(entries);
    for (size_t i = 0; i < n; i++)
        free(wanted[i]);
    free(wanted);
    return total;
}
