/* Shared by the libFuzzer targets: quiet logs, a URL resolver like the fetch
 * layer's, the feed-cache round trip every parser's result must survive, and the text
 * metrics stub of the unit tests. Each fuzz_NAME.c includes it once. */
#ifndef PRIKBORD_FUZZ_H
#define PRIKBORD_FUZZ_H

#include "feed_parse.h"
#include "log.h"
#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stub_metrics.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Warnings about bad input would be thousands of lines a second; errors stay, and
 * PRIKBORD_FUZZ_LOG=1 shows everything when a crash is reproduced by hand. */
static inline void fuzz_quiet_logs(void)
{
    log_set_level(getenv("PRIKBORD_FUZZ_LOG") ? LOG_DEBUG : LOG_ERROR);
}

/* libFuzzer's initialiser for a target that needs nothing but quiet logs (written without a
 * semicolon after it). */
#define FUZZ_QUIET_INITIALIZE                                                                      \
    int LLVMFuzzerInitialize(int *argc, char ***argv)                                              \
    {                                                                                              \
        (void)argc;                                                                                \
        (void)argv;                                                                                \
        fuzz_quiet_logs();                                                                         \
        return 0;                                                                                  \
    }

/* As the fetch layer resolves URLs found in a response: http(s) kept, a site path joined to
 * the origin, anything else refused. The result is owned by the parser. */
static inline char *fuzz_resolve(void *ctx, const char *raw)
{
    (void)ctx;
    if (strncmp(raw, "https://", 8) == 0 || strncmp(raw, "http://", 7) == 0)
        return xstrdup(raw);
    if (raw[0] == '/' && raw[1] != '/')
        return xasprintf("https://community.example.com%s", raw);
    if (raw[0] && !strchr(raw, ':'))
        return xasprintf("https://community.example.com/feed/%s", raw);
    return NULL;
}

/* The last good feed goes to disk as feed v1 and is read back at the next start: whatever a
 * parser or adapter keeps must serialize, parse again and serialize to the same bytes, or a
 * restart would change the screen. A difference is a bug, reported as a crash. */
static inline void fuzz_check_round_trip(const struct feed *f)
{
    char *first = feed_serialize(f);
    char err[256];
    struct feed_parse_opts opts = {.show_all_posts = true, .resolve_url = fuzz_resolve};
    struct feed *again = feed_parse(first, strlen(first), &opts, NULL, err, sizeof err);
    if (!again) {
        fprintf(stderr, "round trip: the serialized feed does not parse: %s\n%s\n", err, first);
        abort();
    }
    char *second = feed_serialize(again);
    if (again->n_items != f->n_items || strcmp(first, second) != 0) {
        fprintf(stderr, "round trip: %zu items became %zu\nfirst:  %s\nsecond: %s\n", f->n_items,
                again->n_items, first, second);
        abort();
    }
    free(second);
    feed_destroy(again);
    free(first);
}

#endif
