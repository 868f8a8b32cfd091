/* fleet: what an operator sees of a screen from a desk. The status file (JSON) and the
 * metrics file (Prometheus text format, for node_exporter's textfile collector) written after
 * each refresh, and the display id on the feed URL. Pure: strings in, strings out; the files
 * are written by fleet_writer.c. */
#ifndef PRIKBORD_FLEET_H
#define PRIKBORD_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One report. Strings are borrowed for the call; times are wall-clock seconds since the epoch. */
struct fleet_status {
    const char *version;
    const char *display_id;
    int64_t now;            /* when this report was made */
    int64_t started;        /* when the program started */
    int64_t last_ok;        /* the last refresh the server answered well; 0: never */
    int64_t last_attempt;   /* the last refresh attempt, either way; 0: none yet */
    const char *last_error; /* why the last refresh failed; NULL or "" when it went well */
    long http_status;       /* of the last refresh; 0: no response (or a file: feed) */
    uint64_t refreshes;     /* refresh attempts since start, either way */
    uint64_t failures;      /* of which failed */
    size_t items_shown;     /* items the rotation shows now */
    uint64_t cache_bytes;   /* everything in the cache folder */
    uint64_t frames;        /* frames drawn since start */
    uint64_t rss_bytes;     /* resident memory; 0: unknown */
};

/* The status as a JSON object (one line plus a newline). Caller frees. */
char *fleet_status_json(const struct fleet_status *s);

/* The status in the Prometheus text exposition format, every metric prefixed prikbord_ with
 * HELP and TYPE lines. Caller frees. */
char *fleet_status_prom(const struct fleet_status *s);

/* The feed URL with display=ID added to its query (before any #fragment), percent-encoded,
 * so the server can tell screens apart: "?display=ID" or "&display=ID" as the URL needs. A
 * URL that is not http(s), or already has a display parameter, comes back unchanged. id NULL
 * or "": unchanged. Caller frees. */
char *fleet_feed_url(const char *url, const char *id);

#endif
