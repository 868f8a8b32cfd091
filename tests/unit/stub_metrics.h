/* A stand-in for the renderer's font table, shared by the display-logic tests: every code point
 * is px/2 wide, lines are px*5/4 apart, and emoji (U+1F300 and up) come from face 2, as with a
 * colour-emoji fallback font. Simple enough that a test can compute what to expect by hand. */
#ifndef PRIKBORD_TEST_STUB_METRICS_H
#define PRIKBORD_TEST_STUB_METRICS_H

#include "text.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define STUB_EMOJI_FACE 2

/* Code points in s[0..len): every byte that does not continue a sequence starts one. */
static inline size_t stub_code_points(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

static inline int stub_width(void *ctx, int face, int px, const char *s, size_t len)
{
    (void)ctx;
    (void)face;
    return (int)(stub_code_points(s, len) * (size_t)px / 2);
}

static inline int stub_line_height(void *ctx, int face, int px)
{
    (void)ctx;
    (void)face;
    return px * 5 / 4;
}

static inline int stub_face_for(void *ctx, int face, uint32_t cp)
{
    (void)ctx;
    return cp >= 0x1F300 ? STUB_EMOJI_FACE : face;
}

/* The metrics table; static storage, so a test may keep the pointer as long as it likes. */
static inline const struct text_metrics *stub_metrics(void)
{
    static const struct text_metrics m = {
        .ctx = NULL,
        .width = stub_width,
        .line_height = stub_line_height,
        .face_for = stub_face_for,
    };
    return &m;
}

/* The width the stub gives a whole NUL-terminated string at px. */
static inline int stub_text_width(const char *s, int px)
{
    return stub_width(NULL, 0, px, s, strlen(s));
}

#endif
