#include "image_probe.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

/* clang-format off */
static const char *const format_names[] = {
    [IMAGE_FORMAT_UNKNOWN] = "unknown",
    [IMAGE_FORMAT_PNG] = "png",
    [IMAGE_FORMAT_JPEG] = "jpeg",
    [IMAGE_FORMAT_GIF] = "gif",
    [IMAGE_FORMAT_WEBP] = "webp",
    [IMAGE_FORMAT_BMP] = "bmp",
};
/* clang-format on */
static_assert(sizeof(format_names) / sizeof(format_names[0]) == IMAGE_FORMAT_COUNT,
              "one name per image format");

const char *image_format_name(enum image_format f)
{
    if ((unsigned)f >= IMAGE_FORMAT_COUNT)
        return format_names[IMAGE_FORMAT_UNKNOWN];
    return format_names[f];
}

/* What a format parser found; a NULL reason means success. */
struct probe {
    uint32_t w, h;
    const char *reason;
};

static uint32_t be16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le16(const uint8_t *p)
{
    return (uint32_t)p[1] << 8 | p[0];
}

static uint32_t le24(const uint8_t *p)
{
    return (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static const uint8_t png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

/* The available prefix of d (at least two bytes, at most n) equals sig. Matching a prefix lets a
 * cut-off header be reported as "truncated PNG header" rather than "not an image". */
static bool prefix_matches(const uint8_t *d, size_t len, const void *sig, size_t n)
{
    size_t m = len < n ? len : n;
    return m >= 2 && memcmp(d, sig, m) == 0;
}

static enum image_format sniff(const uint8_t *d, size_t len)
{
    if (prefix_matches(d, len, png_signature, sizeof png_signature))
        return IMAGE_FORMAT_PNG;
    if (prefix_matches(d, len, "\xff\xd8", 2))
        return IMAGE_FORMAT_JPEG;
    if (prefix_matches(d, len, "GIF87a", 6) || prefix_matches(d, len, "GIF89a", 6))
        return IMAGE_FORMAT_GIF;
    /* RIFF <size> WEBP: the four size bytes may be anything. */
    if (prefix_matches(d, len, "RIFF", 4) &&
        (len < 10 || prefix_matches(d + 8, len - 8, "WEBP", 4)))
        return IMAGE_FORMAT_WEBP;
    if (prefix_matches(d, len, "BM", 2))
        return IMAGE_FORMAT_BMP;
    return IMAGE_FORMAT_UNKNOWN;
}

/* Signature, then the IHDR chunk, which the PNG specification requires to come first. */
static struct probe probe_png(const uint8_t *d, size_t len)
{
    struct probe r = {0};
    if (len < 24) {
        r.reason = "truncated PNG header";
        return r;
    }
    if (be32(d + 8) != 13 || memcmp(d + 12, "IHDR", 4) != 0) {
        r.reason = "PNG does not start with an IHDR chunk";
        return r;
    }
    r.w = be32(d + 16);
    r.h = be32(d + 20);
    if (r.w > 0x7fffffffu || r.h > 0x7fffffffu)
        r.reason = "PNG dimensions out of range";
    return r;
}

static bool jpeg_is_sof(uint8_t m)
{
    /* C4 (DHT), C8 (JPG) and CC (DAC) sit in the SOF range but are tables, not frames. */
    return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

/* Walks the marker segments the way libjpeg's marker reader does, so that the frame header
 * found here is the one the decoder will use: stray bytes between segments and 0xFF fill
 * bytes are skipped, standalone markers carry no length, and every other segment is skipped
 * by its length. Each step advances at least one byte, so the walk ends within len steps. */
static struct probe probe_jpeg(const uint8_t *d, size_t len)
{
    struct probe r = {0};
    size_t p = 2;
    for (;;) {
        while (p < len && d[p] != 0xff)
            p++;
        while (p < len && d[p] == 0xff)
            p++;
        if (p >= len) {
            r.reason = "truncated JPEG header";
            return r;
        }
        uint8_t m = d[p++];
        if (m == 0x00 || m == 0x01 || (m >= 0xd0 && m <= 0xd7))
            continue; /* stuffed zero, TEM, RSTn: no length follows */
        if (m == 0xd8) {
            r.reason = "JPEG has a second start-of-image marker";
            return r;
        }
        if (m == 0xd9 || m == 0xda) {
            r.reason = "JPEG has no frame header";
            return r;
        }
        if (len - p < 2) {
            r.reason = "truncated JPEG header";
            return r;
        }
        size_t seglen = be16(d + p);
        if (seglen < 2) {
            r.reason = "invalid JPEG segment length";
            return r;
        }
        if (seglen > len - p) {
            r.reason = "truncated JPEG header";
            return r;
        }
        if (jpeg_is_sof(m)) {
            /* length(2) precision(1) height(2) width(2) components(1) */
            if (seglen < 8) {
                r.reason = "JPEG frame header too short";
                return r;
            }
            r.h = be16(d + p + 3);
            r.w = be16(d + p + 5);
            return r;
        }
        p += seglen;
    }
}

/* Skips a chain of GIF data sub-blocks (each a length byte and that many bytes, ended by a
 * zero length) starting at p; returns the offset after it, or len when the data ends first. */
static size_t gif_skip_blocks(const uint8_t *d, size_t len, size_t p)
{
    while (p < len) {
        size_t n = d[p++];
        if (n == 0)
            return p;
        if (n > len - p)
            return len;
        p += n;
    }
    return len;
}

/* SDL_image allocates the first frame at the size in its image descriptor, which may exceed
 * the logical screen; and a frame it cannot decode is skipped for the next. So every complete
 * descriptor counts, and the block walk follows SDL_image's: unknown bytes between blocks are
 * skipped one at a time. */
static struct probe probe_gif(const uint8_t *d, size_t len)
{
    struct probe r = {0};
    if (len < 13) {
        r.reason = "truncated GIF header";
        return r;
    }
    r.w = le16(d + 6);
    r.h = le16(d + 8);
    size_t p = 13;
    if (d[10] & 0x80)
        p += (size_t)3 << ((d[10] & 7) + 1);
    int frames = 0;
    bool ended = false;
    while (p < len && !ended) {
        uint8_t c = d[p++];
        if (c == ';') {
            ended = true;
        } else if (c == '!') {
            if (p < len)
                p = gif_skip_blocks(d, len, p + 1);
        } else if (c == ',') {
            if (len - p < 9)
                break;
            uint32_t fw = le16(d + p + 4), fh = le16(d + p + 6);
            uint8_t flags = d[p + 8];
            p += 9;
            frames++;
            r.w = fw > r.w ? fw : r.w;
            r.h = fh > r.h ? fh : r.h;
            if (flags & 0x80)
                p += (size_t)3 << ((flags & 7) + 1);
            if (p < len)
                p = gif_skip_blocks(d, len, p + 1); /* after the LZW minimum code size */
        }
    }
    if (frames == 0)
        r.reason = ended ? "GIF has no image" : "truncated GIF header";
    return r;
}

/* RIFF header, then the first chunk: a lossy (VP8), lossless (VP8L) or extended (VP8X)
 * bitstream. For VP8X the canvas size is what the decoder allocates. */
static struct probe probe_webp(const uint8_t *d, size_t len)
{
    struct probe r = {0};
    if (len < 20) {
        r.reason = "truncated WebP header";
        return r;
    }
    const uint8_t *c = d + 20;
    if (memcmp(d + 12, "VP8 ", 4) == 0) {
        /* 3-byte frame tag, start code 9d 01 2a, then 14-bit width and height (2 scale bits). */
        if (len < 30) {
            r.reason = "truncated WebP header";
        } else if (c[0] & 1) {
            r.reason = "WebP VP8 data does not start with a key frame";
        } else if (c[3] != 0x9d || c[4] != 0x01 || c[5] != 0x2a) {
            r.reason = "bad WebP VP8 start code";
        } else {
            r.w = le16(c + 6) & 0x3fff;
            r.h = le16(c + 8) & 0x3fff;
        }
    } else if (memcmp(d + 12, "VP8L", 4) == 0) {
        /* signature 0x2f, then 14 bits width-1, 14 bits height-1, 1 alpha bit, 3 version bits. */
        if (len < 25) {
            r.reason = "truncated WebP header";
        } else if (c[0] != 0x2f) {
            r.reason = "bad WebP VP8L signature";
        } else {
            uint32_t v = le32(c + 1);
            if (v >> 29 != 0) {
                r.reason = "unsupported WebP VP8L version";
            } else {
                r.w = (v & 0x3fff) + 1;
                r.h = ((v >> 14) & 0x3fff) + 1;
            }
        }
    } else if (memcmp(d + 12, "VP8X", 4) == 0) {
        /* flags(1) reserved(3), canvas width-1 and height-1 in 24 bits each. */
        if (len < 30) {
            r.reason = "truncated WebP header";
        } else {
            r.w = le24(c + 4) + 1;
            r.h = le24(c + 7) + 1;
        }
    } else {
        r.reason = "unknown WebP chunk";
    }
    return r;
}

/* BITMAPFILEHEADER (14 bytes), then the DIB header, whose first field is its own size:
 * 12 for the OS/2 core header with 16-bit sizes, 16 and up (BITMAPINFOHEADER is 40) with
 * signed 32-bit sizes, where a negative height means the rows are stored top-down. */
static struct probe probe_bmp(const uint8_t *d, size_t len)
{
    struct probe r = {0};
    if (len < 18) {
        r.reason = "truncated BMP header";
        return r;
    }
    uint32_t dib = le32(d + 14);
    if (dib == 12) {
        if (len < 22) {
            r.reason = "truncated BMP header";
            return r;
        }
        r.w = le16(d + 18);
        r.h = le16(d + 20);
        return r;
    }
    if (dib < 16) {
        r.reason = "unsupported BMP header";
        return r;
    }
    if (len < 26) {
        r.reason = "truncated BMP header";
        return r;
    }
    uint32_t w = le32(d + 18), h = le32(d + 22);
    if (w & 0x80000000u) {
        r.reason = "negative width";
        return r;
    }
    r.w = w;
    /* Unsigned negation: INT32_MIN becomes 2^31 instead of overflowing. */
    r.h = (h & 0x80000000u) ? 0u - h : h;
    return r;
}

bool image_probe(const void *data, size_t len, enum image_format *fmt, uint32_t *w, uint32_t *h,
                 char *err, size_t errlen)
{
    const uint8_t *d = data;
    struct probe r = {0};
    enum image_format f = IMAGE_FORMAT_UNKNOWN;

    if (!d || len == 0) {
        r.reason = "no data";
        goto out;
    }
    f = sniff(d, len);
    switch (f) {
    case IMAGE_FORMAT_PNG:
        r = probe_png(d, len);
        break;
    case IMAGE_FORMAT_JPEG:
        r = probe_jpeg(d, len);
        break;
    case IMAGE_FORMAT_GIF:
        r = probe_gif(d, len);
        break;
    case IMAGE_FORMAT_WEBP:
        r = probe_webp(d, len);
        break;
    case IMAGE_FORMAT_BMP:
        r = probe_bmp(d, len);
        break;
    case IMAGE_FORMAT_UNKNOWN:
    case IMAGE_FORMAT_COUNT:
        r.reason = "not an image";
        break;
    }
    if (!r.reason && r.w == 0)
        r.reason = "zero width";
    if (!r.reason && r.h == 0)
        r.reason = "zero height";

out:
    if (fmt)
        *fmt = f;
    if (w)
        *w = r.reason ? 0 : r.w;
    if (h)
        *h = r.reason ? 0 : r.h;
    if (err && errlen > 0)
        snprintf(err, errlen, "%s", r.reason ? r.reason : "");
    return r.reason == NULL;
}
