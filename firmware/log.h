/* log: one line per event on stderr, tagged by level and module, safe from any thread.
 * Each .c file defines LOG_MODULE before including this header. Never log a secret. */
#ifndef PRIKBORD_LOG_H
#define PRIKBORD_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_LEVEL_COUNT };

/* Messages below level are dropped. Default LOG_INFO. */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Parses "debug", "info", "warn", "error"; returns false (and leaves *out) otherwise. */
_Bool log_level_parse(const char *name, enum log_level *out);

void log_write(enum log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#ifndef LOG_MODULE
#define LOG_MODULE "prikbord"
#endif
#define log_debug(...) log_write(LOG_DEBUG, LOG_MODULE, __VA_ARGS__)
#define log_info(...)  log_write(LOG_INFO, LOG_MODULE, __VA_ARGS__)
#define log_warn(...)  log_write(LOG_WARN, LOG_MODULE, __VA_ARGS__)
#define log_error(...) log_write(LOG_ERROR, LOG_MODULE, __VA_ARGS__)

#endif
