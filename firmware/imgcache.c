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

#define MAGIC        "PRIKIMG1\n"
#define SUFFIX       ".img"
#define VIDEO_SUFFIX ".vid"
#define URL_SUFFIX   ".vid.url" /* beside HASH.vid: the URL it holds */
#define MAX_URL      4096
#define STEM_LEN     16 /* the hash in hex: every file of one URL starts with it */

struct imgcache {
    char *dir;
    size_t max_bytes;
};

/* The cache file of url with the given suffix. */
static char *file_of(const struct imgcache *c, const char *url, const char *suffix)
{
    return xasprintf("%s/%016llx%s", c->dir, (unsigned long long)hash64_str(url), suffix);
}

static char *path_of(const struct imgcache *c, const char *url)
{
    return file_of(c, url, SUFFIX);
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
    /* disk_write_atomic and imgcache_video_begin name their temporary files NAME.tmp.PID:
     * any left are from a crash. */
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strstr(e->d_name, SUFFIX ".tmp.") || strstr(e->d_name, VIDEO_SUFFIX ".tmp.") ||
            strstr(e->d_name, URL_SUFFIX ".tmp.")) {
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
    size_t size; /* a video's with its URL file */
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

/* Removes the cache file name (and, for a video, its URL file first, so that a video is never
 * vouched for while it goes). */
static bool remove_entry(const struct imgcache *c, const char *name)
{
    char err[256];
    bool ok = true;
    if (ends_with(name, VIDEO_SUFFIX)) {
        char *url_file = xasprintf("%s/%s%s", c->dir, name, URL_SUFFIX + strlen(VIDEO_SUFFIX));
        ok = disk_remove(url_file, err, sizeof err);
        free(url_file);
    }
    char *p = xasprintf("%s/%s", c->dir, name);
    ok = ok && disk_remove(p, err, sizeof err);
    if (!ok)
        log_warn("%s", err);
    free(p);
    return ok;
}

size_t imgcache_retain(struct imgcache *c, const char *const *keep, size_t n)
{
    if (!c)
        return 0;
    char **wanted = xcalloc(n ? n : 1, sizeof *wanted);
    for (size_t i = 0; i < n; i++)
        wanted[i] = xasprintf("%016llx", (unsigned long long)hash64_str(keep[i]));
    struct entry *entries = NULL;
    size_t count = 0, total = 0;
    DIR *d = opendir(c->dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        bool image = ends_with(e->d_name, SUFFIX), video = ends_with(e->d_name, VIDEO_SUFFIX);
        bool url_file = ends_with(e->d_name, URL_SUFFIX);
        if (!image && !video && !url_file)
            continue;
        bool keep_it = false;
        for (size_t i = 0; i < n && !keep_it; i++)
            keep_it = strncmp(wanted[i], e->d_name, STEM_LEN) == 0 && e->d_name[STEM_LEN] == '.';
        struct stat st;
        char *p = xasprintf("%s/%s", c->dir, e->d_name);
        if (!keep_it) {
            /* an item that left the feed takes its pictures and videos with it */
            remove_entry(c, e->d_name);
        } else if (!url_file && stat(p, &st) == 0) {
            size_t size = (size_t)st.st_size;
            struct stat ust;
            char *u = xasprintf("%s%s", p, URL_SUFFIX + strlen(VIDEO_SUFFIX));
            if (video && stat(u, &ust) == 0)
                size += (size_t)ust.st_size;
            free(u);
            entries = xrealloc(entries, (count + 1) * sizeof *entries);
            entries[count++] = (struct entry){xstrdup(e->d_name), size, st.st_mtim};
            total += size;
        }
        free(p);
    }
    if (d)
        closedir(d);
    if (count > 1) /* qsort's array must not be NULL, even for no elements */
        qsort(entries, count, sizeof *entries, by_oldest);
    for (size_t i = 0; i < count; i++) {
        if (total > c->max_bytes && remove_entry(c, entries[i].name))
            total -= entries[i].size;
        free(entries[i].name);
    }
    free(entries);
    for (size_t i = 0; i < n; i++)
        free(wanted[i]);
    free(wanted);
    return total;
}

/* ---- videos --------------------------------------------------------------------------- */

struct imgcache_video {
    char *url, *path, *tmp, *url_file;
    int fd;
    bool failed;
};

struct imgcache_video *imgcache_video_begin(struct imgcache *c, const char *url)
{
    if (!c || !url || strlen(url) > MAX_URL)
        return NULL;
    struct imgcache_video *w = xcalloc(1, sizeof *w);
    w->url = xstrdup(url);
    w->path = file_of(c, url, VIDEO_SUFFIX);
    w->url_file = file_of(c, url, URL_SUFFIX);
    w->tmp = xasprintf("%s.tmp.%ld", w->path, (long)getpid());
    w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (w->fd < 0) {
        log_warn("cannot write %s: %s", w->tmp, strerror(errno));
        imgcache_video_abort(w);
        return NULL;
    }
    return w;
}

bool imgcache_video_write(void *ctx, const void *data, size_t len)
{
    struct imgcache_video *w = ctx;
    const char *p = data;
    while (!w->failed && len > 0) {
        ssize_t n = write(w->fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            log_warn("cannot write %s: %s", w->tmp, n < 0 ? strerror(errno) : "no progress");
            w->failed = true;
            break;
        }
        p += n;
        len -= (size_t)n;
    }
    return !w->failed;
}

bool imgcache_video_commit(struct imgcache_video *w)
{
    if (!w)
        return false;
    char err[256];
    bool ok = false;
    if (w->failed)
        goto out;
    if (fsync(w->fd) != 0 || close(w->fd) != 0) {
        log_warn("cannot write %s: %s", w->tmp, strerror(errno));
        w->fd = -1;
        goto out;
    }
    w->fd = -1;
    /* The old URL file goes first: between the two renames nothing vouches for the file. */
    if (!disk_remove(w->url_file, err, sizeof err)) {
        log_warn("%s", err);
        goto out;
    }
    if (rename(w->tmp, w->path) != 0) {
        log_warn("cannot rename %s: %s", w->tmp, strerror(errno));
        goto out;
    }
    char *line = xasprintf("%s\n", w->url);
    /* Its folder sync also makes the video's rename durable: they share the folder. */
    ok = disk_write_atomic(w->url_file, line, strlen(line), err, sizeof err);
    if (!ok)
        log_warn("%s", err);
    free(line);
out:
    imgcache_video_abort(w);
    return ok;
}

void imgcache_video_abort(struct imgcache_video *w)
{
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd);
    unlink(w->tmp); /* gone already after a commit */
    free(w->url);
    free(w->path);
    free(w->tmp);
    free(w->url_file);
    free(w);
}

bool imgcache_video_path(struct imgcache *c, const char *url, char *buf, size_t len)
{
    if (!c || !url || !buf)
        return false;
    char *path = file_of(c, url, VIDEO_SUFFIX);
    char *url_file = file_of(c, url, URL_SUFFIX);
    char err[256];
    size_t n = 0, want = strlen(url);
    char *stored = disk_read_file(url_file, MAX_URL + 2, &n, err, sizeof err);
    struct stat st;
    bool hit = stored && n == want + 1 && memcmp(stored, url, want) == 0 && stored[want] == '\n' &&
               stat(path, &st) == 0 && S_ISREG(st.st_mode) && strlen(path) < len;
    if (hit) {
        snprintf(buf, len, "%s", path);
        utimensat(AT_FDCWD, path, NULL, 0); /* a use: now is its place in the LRU order */
    }
    free(stored);
    free(url_file);
    free(path);
    return hit;
}
