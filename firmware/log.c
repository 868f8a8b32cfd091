#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <assert.h>

static enum log_level min_level = LOG_INFO;

static const char *const level_names[] = {
    [LOG_DEBUG] = "debug",
    [LOG_INFO] = "info",
    [LOG_WARN] = "warn",
    [LOG_ERROR] = "error",
};
static_assert(sizeof(level_names) / sizeof(level_names[0]) == LOG_LEVEL_COUNT, "level names");

void log_set_level(enum log_level level)
{
    min_level = level;
}

enum log_level log_get_level(void)
{
    return min_level;
}

_Bool log_level_parse(const char *name, enum log_level *out)
{
    for (int i = 0; i < LOG_LEVEL_COUNT; i++) {
        if (name && strcmp(name, level_names[i]) == 0) {
            *out = (enum log_level)i;
            return 1;
        }
    }
    return 0;
}

void log_write(enum log_level level, const char *module, const char *fmt, ...)
{
    if (level < min_level || level >= LOG_LEVEL_COUNT)
        return;
    /* Format into one buffer and write it with a single call so that lines from the fetch
     * worker and the main loop never interleave. Control characters from untrusted text are
     * replaced so that one event stays one line in the journal. */
    char line[1024];
    int n = snprintf(line, sizeof line, "prikbord %s [%s] ", level_names[level], module);
    if (n < 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof line - 2)
        len = sizeof line - 2;
    for (size_t i = (size_t)n; i < len; i++) {
        unsigned char c = (unsigned char)line[i];
        if (c < 0x20 || c == 0x7f)
            line[i] = ' ';
    }
    line[len++] = '\n';
    fwrite(line, 1, len, stderr);
}
