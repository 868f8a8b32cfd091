/* image_probe: an image's format and pixel size from its header bytes, before anything is
 * decoded, so that a 65535x65535 JPEG is refused without allocating a surface. Pure C, no
 * third-party headers; it never reads past the length it is given. */
#ifndef PRIKBORD_IMAGE_PROBE_H
#define PRIKBORD_IMAGE_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum image_format {
    IMAGE_FORMAT_UNKNOWN,
    IMAGE_FORMAT_PNG,
    IMAGE_FORMAT_JPEG,
    IMAGE_FORMAT_GIF,
    IMAGE_FORMAT_WEBP,
    IMAGE_FORMAT_BMP,
    IMAGE_FORMAT_COUNT
};

/* A static lower-case name ("png", "jpeg", ...); "unknown" for anything out of range. */
const char *image_format_name(enum image_format f);

/* Finds the format and pixel size of the image in data[0..len). Returns true when both are
 * known and non-zero. Returns false with a one-line reason in err ("not an image", "truncated
 * JPEG header", "zero height", ...) otherwise. *fmt gets the format as far as the signature
 * tells it (IMAGE_FORMAT_UNKNOWN when it does not), *w and *h get 0 on failure. Any out
 * pointer may be NULL; err is always NUL-terminated when errlen > 0.
 * For a GIF the size is the largest of the logical screen and every complete frame
 * descriptor, because a decoder allocates a frame at its own size, not the screen's. */
bool image_probe(const void *data, size_t len, enum image_format *fmt, uint32_t *w, uint32_t *h,
                 char *err, size_t errlen);

#endif
