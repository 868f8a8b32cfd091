/* util: allocation wrappers, UTF-8 hygiene and time parsing. Pure C, no third-party headers. */
#ifndef PRIKBORD_UTIL_H
#define PRIKBORD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation wrappers: never return NULL; out of memory aborts with one log line (the only
 * failure a kiosk cannot recover from). The caller owns the result and frees it with free(). */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);            /* xstrdup(NULL) returns NULL */
char *xstrndup(const char *s, size_t n); /* copies at most n bytes, always NUL-terminated */
void *xmemdup(const void *p, size_t n);  /* a copy of n bytes (n may be 0) */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Growable byte buffer. Zero-initialise to start; strbuf_free releases. data is always
 * NUL-terminated when non-NULL. */
struct strbuf {
    char *data;
    size_t len;
    size_t cap;
};
void strbuf_append(struct strbuf *b, const char *s, size_t n);
void strbuf_appends(struct strbuf *b, const char *s);
void strbuf_appendf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_free(struct strbuf *b);

/* Decodes one code point at *p (not past end) and advances *p. Malformed, overlong, surrogate
 * and out-of-range sequences yield U+FFFD and advance by the maximal invalid prefix (at least
 * one byte), so a caller can never over-read or loop forever. */
uint32_t utf8_decode(const char **p, const char *end);
/* Encodes cp into out (4 bytes room); returns the byte count (1..4). */
size_t utf8_encode(uint32_t cp, char out[4]);

/* Makes untrusted text safe to store and draw. Returns a new NUL-terminated string the caller
 * frees. Invalid UTF-8 becomes U+FFFD; C0/C1 controls and DEL are dropped (except '\n' when
 * keep_newlines, tabs become a space); bidirectional embedding/override/isolate controls are
 * dropped so text cannot reorder what follows it; runs of blank lines collapse to one; leading
 * and trailing white space are trimmed; a string of only invisible characters becomes "".
 * When the result would exceed max_bytes, it is cut at a code point boundary and ends in "…";
 * *truncated (may be NULL) tells whether that happened. */
char *text_sanitize(const char *s, size_t len, size_t max_bytes, bool keep_newlines,
                    bool *truncated);

/* True when cp is visible ink or a space (false for zero-width and format characters). */
bool unicode_is_visible(uint32_t cp);

/* Parses an RFC 3339 date-time ("2026-11-23T08:00:00Z", "...+01:00", fractions allowed) or a
 * plain date ("2026-11-23", taken as 00:00 UTC) into seconds since the Unix epoch. Returns
 * false for anything else, including out-of-range fields. */
bool time_parse_rfc3339(const char *s, int64_t *out);

/* Days since 1970-01-01 for a proleptic Gregorian date (no range checks). */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

/* The inverse: the civil date of a day number (days since 1970-01-01). */
void civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);
/* Day number of a time in seconds since the epoch (floor division, UTC). */
int64_t days_of_time(int64_t t);

/* FNV-1a 64-bit hash of a string: file names in the caches. */
uint64_t hash64_str(const char *s);
/* Continues an FNV-1a 64-bit hash h (HASH64_START to begin) over n bytes at p. */
#define HASH64_START 14695981039346656037ull
uint64_t hash64_bytes(uint64_t h, const void *p, size_t n);

/* FNV-1a 32-bit hash of a string: stable across runs, used for colours derived from names. */
uint32_t hash_str(const char *s);

#endif
