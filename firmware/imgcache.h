/* imgcache: downloaded images and videos on disk, so a screen that restarts without network
 * still shows faces. One file per URL, written atomically; kept to the media the current
 * content uses and to one size bound (images and videos together), least recently used first.
 * An image file holds its URL inside, checked on reading. A video is a plain file FFmpeg can
 * open by its path (HASH.vid), written as it downloads, with its URL beside it (HASH.vid.url)
 * so that a hash collision or a half-replaced video is a miss, never someone else's video. */
#ifndef PRIKBORD_IMGCACHE_H
#define PRIKBORD_IMGCACHE_H

#include <stdbool.h>
#include <stddef.h>

struct imgcache;

/* Opens (and creates) the folder dir for at most max_bytes of images, and removes temporary
 * files a crash may have left. Returns NULL (logged) when the folder cannot be made. */
struct imgcache *imgcache_open(const char *dir, size_t max_bytes);
void imgcache_close(struct imgcache *c); /* NULL-safe */

/* The bytes cached for url (caller frees), or NULL when absent or unreadable. A hit counts as
 * a use for the LRU order. */
char *imgcache_get(struct imgcache *c, const char *url, size_t max, size_t *len);

/* Stores data for url, replacing what was there; atomic (a crash leaves the old or the new). */
bool imgcache_put(struct imgcache *c, const char *url, const void *data, size_t len);

/* Deletes every image or video whose URL is not one of keep[0..n), then, while the rest is
 * over the bound, the least recently used. Returns the bytes that remain. */
size_t imgcache_retain(struct imgcache *c, const char *const *keep, size_t n);

/* A video being written into the cache (a temporary file until it is committed). */
struct imgcache_video;

/* Starts writing the video for url. NULL (logged) when there is no cache or the temporary
 * file cannot be created. Finish with imgcache_video_commit or imgcache_video_abort. */
struct imgcache_video *imgcache_video_begin(struct imgcache *c, const char *url);

/* Appends len bytes; false (logged once) on a write error: then only abort is left. The shape
 * of a fetch sink (fetch_request.sink), with w as its context. */
bool imgcache_video_write(void *w, const void *data, size_t len);

/* Makes what was written the cached video of its URL, replacing an older one atomically
 * (fsync, rename, then the URL beside it), and frees w. True when it is in place. A video
 * that is playing from the old file keeps playing (the open file stays readable). */
bool imgcache_video_commit(struct imgcache_video *w);

/* Deletes the temporary file and frees w. NULL-safe. */
void imgcache_video_abort(struct imgcache_video *w);

/* Whether the video for url is in the cache: true with its path (a plain file for
 * video_open) in buf (len bytes), false when absent, not vouched for by its URL file, or when
 * the path does not fit. A hit counts as a use for the LRU order. The file stays until a
 * retain that does not keep url, or the bound, deletes it. */
bool imgcache_video_path(struct imgcache *c, const char *url, char *buf, size_t len);

#endif
