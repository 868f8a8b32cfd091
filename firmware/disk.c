#define LOG_MODULE "disk"
#include "disk.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *disk_read_file(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
    char *buf = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    struct stat st;
    if (fd < 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "not a regular file");
        goto out;
    }
    if ((uint64_t)st.st_size > max) {
        snprintf(err, errlen, "file is %lld bytes, over the limit of %zu", (long long)st.st_size,
                 max);
        goto out;
    }
    size_t cap = (size_t)st.st_size, got = 0;
    buf = xmalloc(cap + 1);
    for (;;) {
        ssize_t n = read(fd, buf + got, cap - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, errlen, "%s", strerror(errno));
            free(buf);
            buf = NULL;
            goto out;
        }
        if (n == 0)
            break;
        got += (size_t)n;
        if (got == cap) {
            /* The file grew since fstat: read at most up to the limit. */
            if (cap >= max) {
                char extra;
                if (read(fd, &extra, 1) > 0) {
                    snprintf(err, errlen, "file is over the limit of %zu bytes", max);
                    free(buf);
                    buf = NULL;
                    goto out;
                }
                break;
            }
            cap = cap * 2 + 4096 < max ? cap * 2 + 4096 : max;
            buf = xrealloc(buf, cap + 1);
        }
    }
    buf[got] = '\0';
    *len = got;
out:
    close(fd);
    return buf;
}

bool disk_mkdirs(const char *dir, char *err, size_t errlen)
{
    char *p = xstrdup(dir);
    bool ok = true;
    for (char *s = p + 1; ok; s++) {
        if (*s == '/' || *s == '\0') {
            char saved = *s;
            *s = '\0';
            if (mkdir(p, 0755) != 0 && errno != EEXIST) {
                snprintf(err, errlen, "cannot create %s: %s", p, strerror(errno));
                ok = false;
            }
            *s = saved;
            if (!saved)
                break;
        }
    }
    free(p);
    return ok;
}

static bool write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        len -= (size_t)n;
    }
    return true;
}

bool disk_write_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    bool ok = false;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        goto out;
    }
    if (!write_all(fd, data, len) || fsync(fd) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        goto out;
    }
    close(fd);
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot rename %s: %s", tmp, strerror(errno));
        unlink(tmp);
        goto out;
    }
    /* The rename is only durable once the folder is synced too. */
    if (slash) {
        *slash = '\0';
        int dfd = open(*dir ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
    }
    ok = true;
out:
    free(tmp);
    free(dir);
    return ok;
}

bool disk_remove(const char *path, char *err, size_t errlen)
{
    if (unlink(path) != 0 && errno != ENOENT) {
        snprintf(err, errlen, "cannot remove %s: %s", path, strerror(errno));
        return false;
    }
    return true;
}
