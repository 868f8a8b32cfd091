/* refresh: the fetch worker. A thread that polls the feed, parses it, fetches and decodes its
 * images and writes the last good feed to the cache, then hands a finished snapshot to the main
 * loop. The render path never waits on the network or the disk. */
#ifndef PRIKBORD_REFRESH_H
#define PRIKBORD_REFRESH_H

#include "image.h"
#include "model.h"
#include "video.h"

#include <stdbool.h>
#include <stddef.h>

struct refresh_options {
    const char *feed_url;   /* absolute URL (file: allowed for this one) */
    const char *token;      /* bearer token or NULL; never logged */
    const char *token_file; /* re-read before each request; wins over token */
    const char *ca_file;
    const char *cache_dir; /* NULL: no cache */
    int interval_s;        /* poll period; the feed's refresh_after_s may lengthen it */
    size_t max_feed_bytes;
    bool show_all_posts;
    const char *user_agent;
    bool once; /* one attempt, then the thread ends (headless runs) */
    int connect_timeout_s, stall_timeout_s, transfer_timeout_s; /* 0: fetch's defaults */
    size_t cache_max_bytes;      /* bound of the image cache (0: 200 MB) */
    int max_photo_px;            /* photos are decoded to fit this square (the screen's long side);
                                    avatars to 256 px. 0: 1600 */
    const struct source *source; /* NULL: the native feed at feed_url. Else a platform whose
                                    base URL is feed_url; borrowed, must outlive refresh_stop */
    size_t video_max_bytes;      /* largest video download (video.max_mb); 0: videos are neither
                                    fetched nor offered */
    struct video_limits video_limits; /* what video_probe refuses; zero fields: defaults */
};

/* Decoded images of a snapshot, by absolute URL. */
struct image_set;

/* Videos of a snapshot, by absolute URL. */
struct video_set;

/* A video that is on disk and passed video_probe: ready for video_open. */
struct snapshot_video {
    const char *path;                   /* the file: in the cache folder, or the local file a
                                           file: feed names (never a URL) */
    struct video_info info;             /* size as shown, duration (-1: unknown), codec */
    const struct video_picture *poster; /* the first frame, fit to max_photo_px, when an item
                                           with this video has no image_url; else NULL */
};

/* What the worker hands over: content that passed the visibility rules, with its images and
 * the videos that are ready. Videos download after the snapshot of new content is handed
 * over (the slideshow never waits for them): once they are in, the worker hands over the same
 * content again with them (a second snapshot; app_set_feed keeps the slide on screen). */
struct snapshot {
    struct feed *feed;        /* owned */
    struct image_set *images; /* owned */
    struct video_set *videos; /* owned */
    bool from_cache;          /* the last good content from disk, not (yet) from the server */
};
void snapshot_destroy(struct snapshot *s); /* NULL-safe */

/* The picture for url in the set, still encoded (decode it when a slide is drawn), or NULL.
 * Borrowed; valid while the set lives. */
const struct image_bytes *image_set_get(const struct image_set *set, const char *url);

/* The playable video for url in the set, or NULL: none, not downloaded (yet), refused, or
 * videos are off. Borrowed; valid while the set lives. The file may still disappear from the
 * cache when later content drops it: video_open then fails and the poster stays. */
const struct snapshot_video *video_set_get(const struct video_set *set, const char *url);

/* What the worker last saw, for the status slide and the logs. */
struct refresh_state {
    unsigned attempts; /* polls finished (either way) */
    bool attempted;    /* attempts > 0 */
    bool has_content;  /* a snapshot was produced at some point (from the cache too) */
    int64_t last_ok;   /* wall time of the last poll the server answered well; 0: never */
    int64_t cached_at; /* wall time the cached content on disk was written; 0: none loaded */
    bool auth_failed;  /* the last poll was refused with 401/403: the token is wrong */
    long status;       /* HTTP status of the last poll; 0 when there was no response */
    char problem[256]; /* "" when the last attempt went well */
};

struct refresh;

/* Starts the worker; notify(ctx) is called from the worker thread (keep it thread-safe and
 * short, e.g. push an event) whenever a snapshot or a state change is ready. Options' strings
 * are copied. Returns NULL (logged) when the thread cannot start. */
struct refresh *refresh_start(const struct refresh_options *o, void (*notify)(void *ctx),
                              void *ctx);

/* Outside office hours the worker polls at a tenth of the pace (at most hourly); leaving idle
 * polls at once, so the board is fresh when the screen comes on. */
void refresh_set_idle(struct refresh *r, bool idle);

/* Makes the worker poll now instead of at the end of its wait (tests, configuration reload). */
void refresh_poll_now(struct refresh *r);

/* The newest snapshot not yet taken (older ones are dropped), or NULL. Caller owns it. */
struct snapshot *refresh_take(struct refresh *r);

/* A copy of the worker's state. */
void refresh_get_state(struct refresh *r, struct refresh_state *out);

/* Waits (at most timeout_ms) until the worker has content to hand over or has finished its
 * first poll; true when it has content. For a start or a new look that should open on the
 * cached content rather than on the status slide. Main thread. */
bool refresh_wait_content(struct refresh *r, int timeout_ms);

/* Stops the worker (interrupting its wait, not a transfer in progress, which ends within the
 * fetch time-outs) and frees everything. NULL-safe. */
void refresh_stop(struct refresh *r);

/* Turns a URL found in the feed at feed_url into the absolute URL that may be fetched, or
 * NULL (logged) when it may not: for feed_parse's resolve_url. ctx is the feed URL. */
char *refresh_resolve_url(void *feed_url, const char *raw);

#endif
