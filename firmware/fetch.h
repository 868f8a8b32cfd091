/* fetch: the HTTP edge. One GET at a time per fetcher (a reusable libcurl handle, so
 * connections are kept alive between refreshes), plus the URL rules that decide what may be
 * fetched at all and where the feed token may go. Blocking: run it in a worker thread.
 * libcurl stays inside fetch.c; this header has no curl types. */
#ifndef PRIKBORD_FETCH_H
#define PRIKBORD_FETCH_H

#include <stdbool.h>
#include <stdatomic.h>
#include <stddef.h>

/* OK: 2xx (or a file: URL that was read), body complete. NOT_MODIFIED: 304, keep what you have.
 * HTTP_ERROR: any other status (error "HTTP 503", body kept but capped) or a redirect loop.
 * TRANSPORT_ERROR: no usable response (DNS, connect, TLS, time-out, stall, unreadable file).
 * TOO_LARGE: the decompressed body passed max_bytes and the transfer was aborted.
 * REFUSED: not attempted or stopped: a scheme that is not allowed (also by redirect), bad input. */
enum fetch_result {
    FETCH_OK,
    FETCH_NOT_MODIFIED,
    FETCH_HTTP_ERROR,
    FETCH_TRANSPORT_ERROR,
    FETCH_TOO_LARGE,
    FETCH_REFUSED,
    FETCH_RESULT_COUNT
};

/* Static lower-case name of r ("ok", "not-modified", ...); "unknown" when out of range. */
const char *fetch_result_name(enum fetch_result r);

/* Default body cap when max_bytes is 0, so that no transfer is ever unbounded. */
#define FETCH_DEFAULT_MAX_BYTES ((size_t)16 * 1024 * 1024)

struct fetch_request {
    const char *url;
    const char *token;         /* Bearer token, or NULL. Sent ONLY when url has the same origin
                                  (scheme, host, port) as token_origin, and never to file: */
    const char *token_origin;  /* the configured feed URL */
    bool allow_file;           /* file:// allowed (only true for the configured feed URL itself) */
    const char *if_none_match; /* from the last good response, or NULL */
    const char *if_modified_since;
    size_t max_bytes;        /* cap on the decompressed body (0 = FETCH_DEFAULT_MAX_BYTES);
                                exceeding it aborts the transfer -> FETCH_TOO_LARGE */
    long connect_timeout_ms; /* 0 = default 10000 */
    long total_timeout_ms;   /* 0 = default 60000 */
    long low_speed_time_s;   /* abort when under 100 bytes/s for this long; 0 = default 20 */
    const char *user_agent;  /* e.g. "prikbord/0.1.0 (display-id)"; NULL = "prikbord" */
    const char *ca_file;     /* extra CA bundle (the system CA directory stays in use), or NULL */
    const atomic_bool
        *cancel; /* when it turns true the transfer stops soon (FETCH_TRANSPORT_ERROR,
                    "cancelled"), so shutdown never waits out a hung server; or NULL */
    /* A success body goes to sink(sink_ctx, data, len) as it arrives instead of into
     * resp->body (which stays empty; resp->len counts what the sink got), still bounded by
     * max_bytes: a download straight to a file, never whole in memory. sink returns false
     * when it cannot take the bytes, which stops the transfer (FETCH_TRANSPORT_ERROR). Error
     * bodies still go to resp->body. NULL: the body is kept in memory. */
    bool (*sink)(void *sink_ctx, const void *data, size_t len);
    void *sink_ctx;
};

struct fetch_response {
    enum fetch_result result;
    long status; /* HTTP status; 200 for a file: URL that was read; 0 when no response */
    char *body;  /* never NULL after fetcher_get: NUL-terminated (the extra byte is not
                    counted in len); empty unless FETCH_OK or FETCH_HTTP_ERROR; owned */
    size_t len;
    char *etag, *last_modified; /* owned, NULL when absent */
    long retry_after_s;         /* from Retry-After (delta-seconds or HTTP-date), -1 when absent */
    char *content_type;         /* owned, NULL when absent */
    char error[256];            /* human-readable reason when result != FETCH_OK/NOT_MODIFIED;
                                   never contains the token */
};

/* One reusable curl easy handle (connection reuse). Not shared between threads. */
struct fetcher;

/* curl_global_init; call once from main before any thread starts. False on failure. */
bool fetch_global_init(void);
/* curl_global_cleanup; call once at exit after every fetcher is destroyed. */
void fetch_global_cleanup(void);

/* A new fetcher the caller owns (fetcher_destroy), or NULL when curl cannot make a handle. */
struct fetcher *fetcher_create(void);
/* Closes the handle and its kept-alive connections; NULL-safe. */
void fetcher_destroy(struct fetcher *f);

/* Performs one GET. Blocking: call it from a worker thread, never from the render loop.
 * Overwrites *resp without freeing it (clear it with fetch_response_clear after each call)
 * and returns resp->result. Thread-safe across different fetchers. */
enum fetch_result fetcher_get(struct fetcher *f, const struct fetch_request *req,
                              struct fetch_response *resp);

/* Frees the owned fields and resets *r to the empty state; NULL-safe. */
void fetch_response_clear(struct fetch_response *r);

/* URL helpers (curl's URL API). */

/* Absolute URL of ref relative to base, or NULL when either is NULL/empty or invalid (an empty
 * ref means "no URL" here, not "the base itself"). The caller frees the result. */
char *url_resolve(const char *base, const char *ref);

/* True when a and b are absolute http(s) URLs with equal scheme, host (case-insensitive) and
 * port (default ports filled in). Anything else, including two file: URLs, is false. */
bool url_same_origin(const char *a, const char *b);

/* Whether url, which came from INSIDE the feed at feed_url, may be fetched. url must be
 * absolute (resolve it with url_resolve first). http/https: always. file: only when feed_url
 * is itself file:, both name the local host, and url's decoded path lies inside the feed
 * file's directory, both by string (no dot segments, also not %2e-encoded ones) and after
 * resolving symlinks with realpath (so a file that does not exist is false). Everything else
 * (file: from an http feed, gopher:, ftp:, data:, javascript:, relative or empty) is false. */
bool url_media_allowed(const char *feed_url, const char *url);

/* The decoded local path of a file: URL on this host (the caller frees it), or NULL for any
 * other URL, another host, or a path with dot segments or bytes a path cannot hold. It does
 * not check where the path leads: url_media_allowed does. */
char *url_file_path(const char *url);

#endif
