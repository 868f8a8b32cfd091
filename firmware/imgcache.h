/* imgcache: downloaded images on disk, so a screen that restarts without network still shows
 * faces. One file per URL (the URL is stored inside and checked), written atomically; kept
 * to the images the current content uses and to a size bound, least recently used first. */
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

/* Deletes every image whose URL is not one of keep[0..n), then, while the rest is over the
 * bound, the least recently used. Returns the bytes that remain. */
size_t imgcache_retain(struct imgcache *c, const char *const *keep, size_t n);

#endif
