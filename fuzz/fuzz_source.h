/* The platform adapters' fuzz targets: one input holds the bodies of the responses a poll
 * gets, in request order, separated by the byte 0x1E (which valid JSON never holds outside a
 * string, and never raw inside one). Requests past the last body get the last body again, so
 * paging runs to its bounds. */
#ifndef PRIKBORD_FUZZ_SOURCE_H
#define PRIKBORD_FUZZ_SOURCE_H

#include "source.h"

#include "fuzz.h"

#define FUZZ_SEPARATOR '\x1e'

struct responses {
    const char *data;
    size_t size;
    size_t next; /* offset of the next body */
    size_t last_start, last_len;
};

static inline long fuzz_get(void *ctx, const char *url, char **body, size_t *len,
                            long *retry_after_s)
{
    struct responses *r = ctx;
    (void)url;
    if (r->next <= r->size) {
        const char *start = r->data + r->next;
        const char *sep = memchr(start, FUZZ_SEPARATOR, r->size - r->next);
        r->last_start = r->next;
        r->last_len = sep ? (size_t)(sep - start) : r->size - r->next;
        r->next += r->last_len + 1;
    }
    /* The adapter frees the body; a NUL at the end, as the HTTP layer delivers it. */
    *body = xstrndup(r->data + r->last_start, r->last_len);
    *len = r->last_len;
    *retry_after_s = -1;
    return 200;
}

/* One poll of a source made from set over the responses in data. */
static inline int fuzz_poll(const struct source_settings *set, const uint8_t *data, size_t size)
{
    char err[256];
    struct source *s = source_create(set, err, sizeof err);
    if (!s) {
        fprintf(stderr, "source_create: %s\n", err);
        abort();
    }
    struct responses r = {.data = (const char *)data, .size = size};
    struct source_poll_opts o = {.get = fuzz_get, .get_ctx = &r, .resolve_url = fuzz_resolve};
    struct feed_report report = {0};
    long status, retry;
    struct feed *f = source_poll(s, &o, &report, &status, &retry, err, sizeof err);
    if (f)
        fuzz_check_round_trip(f);
    free(source_cache_key(s));
    feed_destroy(f);
    feed_report_clear(&report);
    source_destroy(s);
    return 0;
}

#endif
