/* image: turns untrusted encoded bytes (PNG, JPEG, GIF, WebP, BMP) into bounded 32-bit pixels.
 * SDL2_image does the decoding; this header keeps SDL out of its users (the renderer reaches
 * the pixels through image_sdl.h).
 *
 * Threads: call image_global_init() once on the main thread, before any worker decodes, and
 * image_global_cleanup() after the last worker has stopped. In between, image_decode() and the
 * accessors may be called from any thread (the fetch worker decodes; the render thread only
 * uploads). An image is not shared while it is being created or destroyed. A decoding thread
 * not made by SDL_CreateThread calls image_thread_cleanup() before it ends.
 *
 * EXIF orientation is not applied: SDL2_image 2.6.3 ignores the EXIF Orientation tag, so a
 * phone photo stored sideways is shown sideways. */
#ifndef PRIKBORD_IMAGE_H
#define PRIKBORD_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct image; /* decoded pixels, opaque */

/* Refusal limits for image_decode. A zero field takes its value from IMAGE_DEFAULT_LIMITS,
 * so a caller may set only the fields it cares about. */
struct image_limits {
    size_t max_bytes;    /* encoded size */
    uint64_t max_pixels; /* width x height as the header declares it, checked before decoding */
    int max_w, max_h;    /* larger images are scaled down to fit (never refused for this) */
};
/* clang-format off */
#define IMAGE_DEFAULT_LIMITS \
    {.max_bytes = 16u << 20, .max_pixels = 50000000u, .max_w = 2560, .max_h = 2560}
/* clang-format on */

/* Initialises the SDL2_image codecs (PNG, JPEG, WebP). Main thread only, before any worker
 * decodes. Returns false (and logs why) when PNG or JPEG support is missing; a missing WebP
 * codec is only a warning, and WebP images then fail to decode with an error. */
bool image_global_init(void);
/* Releases what image_global_init set up. Main thread only, after every decoder has stopped. */
void image_global_cleanup(void);
/* Frees the calling thread's SDL state (its error text). Call it last in a thread that decoded
 * if that thread was not made by SDL_CreateThread (which does this itself); otherwise each such
 * thread leaks a few hundred bytes when it ends. */
void image_thread_cleanup(void);

/* Decodes data[0..len) into a new image the caller owns (image_destroy). Refuses, returning
 * NULL with a one-line reason in err, when len exceeds max_bytes, when image_probe rejects the
 * header or declares more than max_pixels, or when the decoder fails. The result is 32-bit
 * ARGB8888, scaled down (never up) with area averaging to fit max_w x max_h, keeping the aspect
 * ratio. lim may be NULL for IMAGE_DEFAULT_LIMITS. Does not log refusals: the caller does, with
 * the URL. err is always NUL-terminated when errlen > 0 ("" on success). */
struct image *image_decode(const void *data, size_t len, const struct image_limits *lim, char *err,
                           size_t errlen);

/* A picture kept encoded until it is drawn: 4 bytes a pixel are paid only while a slide is
 * rendered, not for every picture of the feed. data decodes (image_decode) to about w x h, which
 * fits the limits it was packed for. */
struct image_bytes {
    unsigned char *data; /* owned; NULL when empty */
    size_t len;
    int w, h;
};

/* Checks data[0..len) against lim and returns in out the bytes to keep: data itself when its
 * pixel size fits max_w x max_h, else the picture decoded, scaled down to fit and encoded again
 * (PNG when it has transparency, else JPEG at quality 90). Without trusted, data is decoded in
 * full to prove that it decodes; trusted (bytes that decoded before, e.g. from the disk cache)
 * skips that when the header already fits. Returns false with a one-line reason in err (as
 * image_decode; out stays empty). *reencoded (may be NULL) tells whether out differs from data. */
bool image_pack(const void *data, size_t len, const struct image_limits *lim, bool trusted,
                struct image_bytes *out, bool *reencoded, char *err, size_t errlen);

/* Frees what b holds and empties it. NULL is a no-op. */
void image_bytes_clear(struct image_bytes *b);

/* Frees img and its pixels. NULL is a no-op. */
void image_destroy(struct image *img);

/* The pixel size of a live image (not NULL) after scaling, both >= 1. */
int image_width(const struct image *img);
int image_height(const struct image *img);

#endif
