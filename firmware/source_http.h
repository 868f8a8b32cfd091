/* source_http: the HTTP callback of the platform adapters (source.h) over the fetch layer.
 * The token is read again before each request (a token file an outside tool refreshes wins
 * over the configured token) and goes only to the platform's own origin: fetch sends it only
 * when the URL has the origin of base.token_origin. Edge module (fetch, disk). */
#ifndef PRIKBORD_SOURCE_HTTP_H
#define PRIKBORD_SOURCE_HTTP_H

#include "fetch.h"

#include <stddef.h>

struct source_http {
    struct fetcher *fetcher;   /* borrowed */
    struct fetch_request base; /* time-outs, CA, user agent, cancel, max_bytes, token_origin
                                  (the platform's base URL); url and token are set per call */
    const char *token;         /* the configured token, or NULL */
    const char *token_file;    /* re-read before each request; wins over token; or NULL */
    char error[256];           /* why the last request had no response ("" otherwise) */
};

/* A source_get_fn: ctx is a struct source_http. Returns the HTTP status (0: no usable
 * response, the reason in error); *body is owned by the caller. file: URLs are refused. */
long source_http_get(void *ctx, const char *url, char **body, size_t *len, long *retry_after_s);

#endif
