/* image_probe: hand-built headers for each format, cut at every length, and the PngSuite and
 * JPEG corpora. Every probe runs on an exactly-sized heap copy so that ASan sees any read
 * past len. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "image_probe.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool probe_exact(const void *data, size_t len, enum image_format *fmt, uint32_t *w,
                        uint32_t *h, char *err, size_t errlen)
{
    uint8_t *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    if (len)
        memcpy(copy, data, len);
    bool ok = image_probe(copy, len, fmt, w, h, err, errlen);
    free(copy);
    return ok;
}

/* A byte buffer for building headers. */
struct buf {
    uint8_t d[8192];
    size_t n;
};

static void put(struct buf *b, const void *p, size_t n)
{
    assert_true(b->n + n <= sizeof b->d);
    memcpy(b->d + b->n, p, n);
    b->n += n;
}

static void put8(struct buf *b, unsigned v)
{
    uint8_t c = (uint8_t)v;
    put(b, &c, 1);
}

static void put_be16(struct buf *b, unsigned v)
{
    put8(b, v >> 8);
    put8(b, v);
}

static void put_be32(struct buf *b, uint32_t v)
{
    put_be16(b, v >> 16);
    put_be16(b, v & 0xffff);
}

static void put_le16(struct buf *b, unsigned v)
{
    put8(b, v);
    put8(b, v >> 8);
}

static void put_le32(struct buf *b, uint32_t v)
{
    put_le16(b, v & 0xffff);
    put_le16(b, v >> 16);
}

static void expect_ok(const struct buf *b, enum image_format f, uint32_t w, uint32_t h)
{
    enum image_format fmt;
    uint32_t pw = 1234, ph = 1234;
    char err[128] = "junk";
    bool ok = probe_exact(b->d, b->n, &fmt, &pw, &ph, err, sizeof err);
    if (!ok)
        fail_msg("expected %s %ux%u, got error: %s", image_format_name(f), (unsigned)w, (unsigned)h,
                 err);
    assert_int_equal(fmt, f);
    assert_int_equal(pw, w);
    assert_int_equal(ph, h);
    assert_string_equal(err, "");
}

static void expect_fail(const struct buf *b, enum image_format f, const char *reason_part)
{
    enum image_format fmt;
    uint32_t pw = 1234, ph = 1234;
    char err[128] = "";
    bool ok = probe_exact(b->d, b->n, &fmt, &pw, &ph, err, sizeof err);
    if (ok)
        fail_msg("expected failure (%s), got %ux%u", reason_part, (unsigned)pw, (unsigned)ph);
    assert_int_equal(fmt, f);
    assert_int_equal(pw, 0);
    assert_int_equal(ph, 0);
    if (!strstr(err, reason_part))
        fail_msg("error \"%s\" does not mention \"%s\"", err, reason_part);
}

/* Every prefix shorter than need fails with a reason (naming truncation once the signature
 * is recognisable, from two bytes on); every prefix from need on succeeds with w x h. */
static void check_prefixes(const struct buf *b, size_t need, enum image_format f, uint32_t w,
                           uint32_t h)
{
    assert_true(need <= b->n);
    for (size_t len = 0; len <= b->n; len++) {
        enum image_format fmt;
        uint32_t pw, ph;
        char err[128];
        bool ok = probe_exact(b->d, len, &fmt, &pw, &ph, err, sizeof err);
        if (len < need) {
            if (ok)
                fail_msg("%s cut at %zu of %zu bytes was accepted", image_format_name(f), len,
                         b->n);
            assert_true(err[0] != '\0');
            assert_int_equal(pw, 0);
            assert_int_equal(ph, 0);
            if (len >= 2) {
                assert_int_equal(fmt, f);
                if (!strstr(err, "truncated"))
                    fail_msg("%s cut at %zu: \"%s\"", image_format_name(f), len, err);
            }
        } else {
            if (!ok)
                fail_msg("%s of %zu of %zu bytes refused: %s", image_format_name(f), len, b->n,
                         err);
            assert_int_equal(fmt, f);
            assert_int_equal(pw, w);
            assert_int_equal(ph, h);
        }
    }
}

/* ---- PNG ---- */

static void png_header(struct buf *b, uint32_t w, uint32_t h)
{
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    b->n = 0;
    put(b, sig, sizeof sig);
    put_be32(b, 13);
    put(b, "IHDR", 4);
    put_be32(b, w);
    put_be32(b, h);
    put(b, "\x08\x06\x00\x00\x00", 5); /* depth 8, RGBA, deflate, filter 0, no interlace */
    put_be32(b, 0);                    /* CRC: not the probe's business */
}

static void test_png(void **state)
{
    (void)state;
    struct buf b;
    png_header(&b, 3, 2);
    expect_ok(&b, IMAGE_FORMAT_PNG, 3, 2);
    check_prefixes(&b, 24, IMAGE_FORMAT_PNG, 3, 2);

    png_header(&b, 0, 2);
    expect_fail(&b, IMAGE_FORMAT_PNG, "zero width");
    png_header(&b, 3, 0);
    expect_fail(&b, IMAGE_FORMAT_PNG, "zero height");
    png_header(&b, 0x80000000u, 1);
    expect_fail(&b, IMAGE_FORMAT_PNG, "out of range");
    png_header(&b, 65535, 65535);
    expect_ok(&b, IMAGE_FORMAT_PNG, 65535, 65535); /* refusing is image_decode's job */

    png_header(&b, 3, 2);
    memcpy(b.d + 12, "IDAT", 4);
    expect_fail(&b, IMAGE_FORMAT_PNG, "IHDR");
    png_header(&b, 3, 2);
    b.d[11] = 14; /* IHDR length must be 13 */
    expect_fail(&b, IMAGE_FORMAT_PNG, "IHDR");
    png_header(&b, 3, 2);
    b.d[4] = '\n'; /* CR/LF mangled by a text-mode transfer */
    expect_fail(&b, IMAGE_FORMAT_UNKNOWN, "not an image");
}

/* ---- JPEG ---- */

static void jpeg_segment(struct buf *b, unsigned marker, size_t payload, uint8_t fill)
{
    put8(b, 0xff);
    put8(b, marker);
    put_be16(b, (unsigned)payload + 2);
    for (size_t i = 0; i < payload; i++)
        put8(b, fill);
}

static void jpeg_sof(struct buf *b, unsigned marker, unsigned w, unsigned h)
{
    put8(b, 0xff);
    put8(b, marker);
    put_be16(b, 8 + 3 * 3);
    put8(b, 8);
    put_be16(b, h);
    put_be16(b, w);
    put8(b, 3);
    for (unsigned c = 1; c <= 3; c++) {
        put8(b, c);
        put8(b, c == 1 ? 0x22 : 0x11);
        put8(b, c == 1 ? 0 : 1);
    }
}

static void jpeg_tail(struct buf *b)
{
    jpeg_segment(b, 0xda, 10, 0x00);   /* SOS */
    put(b, "\x12\x34\xff\x00\x56", 5); /* scan data with a stuffed 0xFF */
    put8(b, 0xff);
    put8(b, 0xd9);
}

static void test_jpeg(void **state)
{
    (void)state;
    struct buf b = {.n = 0};
    put(&b, "\xff\xd8", 2);
    jpeg_segment(&b, 0xe0, 14, 'J'); /* APP0 */
    jpeg_segment(&b, 0xdb, 65, 1);   /* DQT */
    jpeg_sof(&b, 0xc0, 227, 149);
    size_t need = b.n;
    jpeg_tail(&b);
    expect_ok(&b, IMAGE_FORMAT_JPEG, 227, 149);
    check_prefixes(&b, need, IMAGE_FORMAT_JPEG, 227, 149);

    /* Every frame type counts: progressive, lossless, arithmetic, hierarchical. */
    static const unsigned sofs[] = {0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7,
                                    0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf};
    for (size_t i = 0; i < sizeof sofs / sizeof sofs[0]; i++) {
        b.n = 0;
        put(&b, "\xff\xd8", 2);
        jpeg_sof(&b, sofs[i], 10 + (unsigned)i, 20);
        jpeg_tail(&b);
        expect_ok(&b, IMAGE_FORMAT_JPEG, 10 + (uint32_t)i, 20);
    }

    /* DHT, JPG and DAC sit in the SOF range; a probe that took them for frames would read
     * their table bytes (0xff here) as a 65535x65535 size. */
    static const unsigned tables[] = {0xc4, 0xc8, 0xcc};
    for (size_t i = 0; i < 3; i++) {
        b.n = 0;
        put(&b, "\xff\xd8", 2);
        jpeg_segment(&b, tables[i], 20, 0xff);
        jpeg_sof(&b, 0xc0, 64, 48);
        jpeg_tail(&b);
        expect_ok(&b, IMAGE_FORMAT_JPEG, 64, 48);
    }

    /* Fill bytes, standalone markers (TEM, RST0..7), and stray bytes libjpeg also skips. */
    b.n = 0;
    put(&b, "\xff\xd8\xff\xff\xff", 5);
    jpeg_segment(&b, 0xe1, 3, 0);
    put(&b, "\xff\x01\xff\xd0\xff\xd7\xff\xff\x00\x00", 10);
    put(&b, "junk", 4);
    jpeg_sof(&b, 0xc2, 5, 7);
    jpeg_tail(&b);
    expect_ok(&b, IMAGE_FORMAT_JPEG, 5, 7);

    /* 100 APPn and COM segments before the frame header. */
    b.n = 0;
    put(&b, "\xff\xd8", 2);
    for (unsigned i = 0; i < 100; i++)
        jpeg_segment(&b, i % 17 == 16 ? 0xfe : 0xe0 + i % 16, 3 + i % 30, (uint8_t)(0xc0 + i % 16));
    jpeg_sof(&b, 0xc0, 4000, 3000);
    need = b.n;
    jpeg_tail(&b);
    expect_ok(&b, IMAGE_FORMAT_JPEG, 4000, 3000);
    check_prefixes(&b, need, IMAGE_FORMAT_JPEG, 4000, 3000);

    /* Segment lengths that point past the end, or below their own two bytes. */
    b.n = 0;
    put(&b, "\xff\xd8\xff\xe1\xff\xff", 6);
    put(&b, "Exif\0\0", 6);
    jpeg_sof(&b, 0xc0, 1, 1); /* inside APP1 as far as the length says */
    expect_fail(&b, IMAGE_FORMAT_JPEG, "truncated");
    b.n = 0;
    put(&b, "\xff\xd8\xff\xe0\x00\x01", 6);
    jpeg_sof(&b, 0xc0, 1, 1);
    expect_fail(&b, IMAGE_FORMAT_JPEG, "segment length");
    b.n = 0;
    put(&b, "\xff\xd8\xff\xe0\x00\x00", 6);
    jpeg_sof(&b, 0xc0, 1, 1);
    expect_fail(&b, IMAGE_FORMAT_JPEG, "segment length");
    /* A frame header whose length is too short to hold a size. */
    b.n = 0;
    put(&b, "\xff\xd8\xff\xc0\x00\x06\x08\x00\x10\x00\x10\x01", 12);
    expect_fail(&b, IMAGE_FORMAT_JPEG, "too short");
    /* A frame header whose length runs past the end. */
    b.n = 0;
    put(&b, "\xff\xd8\xff\xc0\x00\x11\x08\x00\x10\x00\x10\x03", 12);
    expect_fail(&b, IMAGE_FORMAT_JPEG, "truncated");

    /* No frame header before the scan or the end; a second SOI. */
    b.n = 0;
    put(&b, "\xff\xd8", 2);
    jpeg_tail(&b);
    expect_fail(&b, IMAGE_FORMAT_JPEG, "no frame header");
    b.n = 0;
    put(&b, "\xff\xd8\xff\xd9", 4);
    expect_fail(&b, IMAGE_FORMAT_JPEG, "no frame header");
    b.n = 0;
    put(&b, "\xff\xd8\xff\xd8", 4);
    jpeg_sof(&b, 0xc0, 1, 1);
    expect_fail(&b, IMAGE_FORMAT_JPEG, "start-of-image");

    /* Zero and maximal dimensions. */
    b.n = 0;
    put(&b, "\xff\xd8", 2);
    jpeg_sof(&b, 0xc0, 0, 10);
    expect_fail(&b, IMAGE_FORMAT_JPEG, "zero width");
    b.n = 0;
    put(&b, "\xff\xd8", 2);
    jpeg_sof(&b, 0xc0, 10, 0); /* height 0 means "see DNL", which libjpeg does not support */
    expect_fail(&b, IMAGE_FORMAT_JPEG, "zero height");
    b.n = 0;
    put(&b, "\xff\xd8", 2);
    jpeg_sof(&b, 0xc0, 65535, 65535);
    expect_ok(&b, IMAGE_FORMAT_JPEG, 65535, 65535);

    /* Nothing but fill bytes. */
    b.n = 0;
    put(&b, "\xff\xd8", 2);
    for (int i = 0; i < 1000; i++)
        put8(&b, 0xff);
    expect_fail(&b, IMAGE_FORMAT_JPEG, "truncated");
}

/* ---- GIF ---- */

/* GIF89a, screen sw x sh with a 2-colour table, a graphic control extension, one fw x fh
 * frame, terminator. *need gets the length at which the frame descriptor is complete. */
static void gif_build(struct buf *b, unsigned sw, unsigned sh, unsigned fw, unsigned fh,
                      size_t *need)
{
    b->n = 0;
    put(b, "GIF89a", 6);
    put_le16(b, sw);
    put_le16(b, sh);
    put(b, "\x80\x00\x00", 3);
    put(b, "\x00\x00\x00\xff\xff\xff", 6);
    put(b, "\x21\xf9\x04\x01\x00\x00\x00\x00", 8);
    put(b, "\x21\xfe\x03\x61\x62\x63\x00", 7); /* comment "abc" */
    put8(b, ',');
    put_le16(b, 0);
    put_le16(b, 0);
    put_le16(b, fw);
    put_le16(b, fh);
    put8(b, 0);
    if (need)
        *need = b->n;
    put(b, "\x02\x02\x44\x01\x00", 5);
    put8(b, ';');
}

static void test_gif(void **state)
{
    (void)state;
    struct buf b;
    size_t need;
    gif_build(&b, 5, 4, 5, 4, &need);
    expect_ok(&b, IMAGE_FORMAT_GIF, 5, 4);
    check_prefixes(&b, need, IMAGE_FORMAT_GIF, 5, 4);

    /* The decoder allocates the frame at its own size: a tiny screen must not hide it. */
    gif_build(&b, 1, 1, 60000, 50000, NULL);
    expect_ok(&b, IMAGE_FORMAT_GIF, 60000, 50000);
    /* A screen with no size but a sized frame is what some encoders write. */
    gif_build(&b, 0, 0, 7, 3, NULL);
    expect_ok(&b, IMAGE_FORMAT_GIF, 7, 3);
    gif_build(&b, 0, 0, 0, 0, NULL);
    expect_fail(&b, IMAGE_FORMAT_GIF, "zero width");
    gif_build(&b, 5, 0, 5, 0, NULL);
    expect_fail(&b, IMAGE_FORMAT_GIF, "zero height");

    /* A later frame that is larger also counts: the decoder skips frames it cannot read. */
    gif_build(&b, 2, 2, 2, 2, NULL);
    b.n--; /* drop the terminator */
    put(&b, ",\x00\x00\x00\x00\x10\x27\x10\x27\x00\x02\x00;", 13);
    expect_ok(&b, IMAGE_FORMAT_GIF, 10000, 10000);

    b.n = 0;
    put(&b, "GIF87a\x05\x00\x04\x00\x00\x00\x00;", 14);
    expect_fail(&b, IMAGE_FORMAT_GIF, "no image");

    /* An extension whose sub-block length points past the end. */
    b.n = 0;
    put(&b, "GIF87a\x05\x00\x04\x00\x00\x00\x00!\xff\xfe", 16);
    expect_fail(&b, IMAGE_FORMAT_GIF, "truncated");
    /* A global colour table that runs past the end. */
    b.n = 0;
    put(&b, "GIF89a\x05\x00\x04\x00\x87\x00\x00\x01\x02", 15);
    expect_fail(&b, IMAGE_FORMAT_GIF, "truncated");
    b.n = 0;
    put(&b, "GIF88a\x05\x00\x04\x00\x00\x00\x00", 13);
    expect_fail(&b, IMAGE_FORMAT_UNKNOWN, "not an image");
}

/* ---- WebP ---- */

/* Encoded with libwebp 1.2.4 (WebPEncodeLosslessRGBA / WebPEncodeRGBA, a 4x3 red square). */
static const uint8_t webp_lossless_4x3[38] = {
    0x52, 0x49, 0x46, 0x46, 0x1e, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56,
    0x50, 0x38, 0x4c, 0x11, 0x00, 0x00, 0x00, 0x2f, 0x03, 0x80, 0x00, 0x00, 0x07,
    0x50, 0x94, 0x22, 0x17, 0xa5, 0xff, 0x81, 0x88, 0xe8, 0x7f, 0x00, 0x00,
};
static const uint8_t webp_lossy_4x3[70] = {
    0x52, 0x49, 0x46, 0x46, 0x3e, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50,
    0x38, 0x20, 0x32, 0x00, 0x00, 0x00, 0xd0, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0x04, 0x00,
    0x03, 0x00, 0x00, 0xc0, 0x12, 0x25, 0xa0, 0x02, 0x74, 0xba, 0x01, 0xf8, 0x00, 0x03,
    0xb0, 0x00, 0xfe, 0xf7, 0xc4, 0x5f, 0xff, 0x46, 0x1f, 0xc3, 0x0f, 0xe1, 0x87, 0xf8,
    0xc1, 0xff, 0xf6, 0xa5, 0x9f, 0xb5, 0x2c, 0xfd, 0xa9, 0x67, 0xfd, 0xa6, 0x20, 0x00,
};

static void webp_vp8x(struct buf *b, uint32_t w, uint32_t h)
{
    b->n = 0;
    put(b, "RIFF", 4);
    put_le32(b, 4 + 18);
    put(b, "WEBPVP8X", 8);
    put_le32(b, 10);
    put(b, "\x10\x00\x00\x00", 4); /* alpha flag */
    put8(b, (w - 1) & 0xff);
    put_le16(b, (w - 1) >> 8);
    put8(b, (h - 1) & 0xff);
    put_le16(b, (h - 1) >> 8);
}

static void test_webp(void **state)
{
    (void)state;
    struct buf b = {.n = 0};
    put(&b, webp_lossless_4x3, sizeof webp_lossless_4x3);
    expect_ok(&b, IMAGE_FORMAT_WEBP, 4, 3);
    check_prefixes(&b, 25, IMAGE_FORMAT_WEBP, 4, 3);
    b.d[20] = 0x2e;
    expect_fail(&b, IMAGE_FORMAT_WEBP, "signature");
    b.d[20] = 0x2f;
    b.d[24] |= 0x20; /* version bits */
    expect_fail(&b, IMAGE_FORMAT_WEBP, "version");

    b.n = 0;
    put(&b, webp_lossy_4x3, sizeof webp_lossy_4x3);
    expect_ok(&b, IMAGE_FORMAT_WEBP, 4, 3);
    check_prefixes(&b, 30, IMAGE_FORMAT_WEBP, 4, 3);
    b.d[20] |= 1; /* an interframe cannot start a still image */
    expect_fail(&b, IMAGE_FORMAT_WEBP, "key frame");
    b.d[20] &= 0xfe;
    b.d[24] = 0x02;
    expect_fail(&b, IMAGE_FORMAT_WEBP, "start code");
    b.d[24] = 0x01;
    b.d[26] = 0;
    b.d[27] = 0xc0; /* scale bits set, width 0 */
    expect_fail(&b, IMAGE_FORMAT_WEBP, "zero width");

    webp_vp8x(&b, 640, 480);
    expect_ok(&b, IMAGE_FORMAT_WEBP, 640, 480);
    check_prefixes(&b, 30, IMAGE_FORMAT_WEBP, 640, 480);
    webp_vp8x(&b, 16777216, 16777216);
    expect_ok(&b, IMAGE_FORMAT_WEBP, 16777216, 16777216);

    webp_vp8x(&b, 1, 1);
    memcpy(b.d + 12, "ALPH", 4);
    expect_fail(&b, IMAGE_FORMAT_WEBP, "WebP chunk");
    memcpy(b.d + 8, "AVI ", 4);
    expect_fail(&b, IMAGE_FORMAT_UNKNOWN, "not an image");
}

/* ---- BMP ---- */

static void bmp_info(struct buf *b, uint32_t dib, uint32_t w, uint32_t h)
{
    b->n = 0;
    put(b, "BM", 2);
    put_le32(b, 14 + dib);
    put_le32(b, 0);
    put_le32(b, 14 + dib);
    put_le32(b, dib);
    put_le32(b, w);
    put_le32(b, h);
    put_le16(b, 1);
    put_le16(b, 24);
    while (b->n < 14 + dib)
        put8(b, 0);
}

static void test_bmp(void **state)
{
    (void)state;
    struct buf b;
    bmp_info(&b, 40, 6, 5);
    expect_ok(&b, IMAGE_FORMAT_BMP, 6, 5);
    check_prefixes(&b, 26, IMAGE_FORMAT_BMP, 6, 5);
    bmp_info(&b, 124, 6, 5); /* BITMAPV5HEADER */
    expect_ok(&b, IMAGE_FORMAT_BMP, 6, 5);

    bmp_info(&b, 40, 6, (uint32_t)-5); /* top-down */
    expect_ok(&b, IMAGE_FORMAT_BMP, 6, 5);
    bmp_info(&b, 40, 6, 0x80000000u); /* INT32_MIN rows: no overflow, just huge */
    expect_ok(&b, IMAGE_FORMAT_BMP, 6, 0x80000000u);
    bmp_info(&b, 40, (uint32_t)-6, 5);
    expect_fail(&b, IMAGE_FORMAT_BMP, "negative width");
    bmp_info(&b, 40, 0, 5);
    expect_fail(&b, IMAGE_FORMAT_BMP, "zero width");
    bmp_info(&b, 40, 6, 0);
    expect_fail(&b, IMAGE_FORMAT_BMP, "zero height");
    bmp_info(&b, 8, 6, 5);
    expect_fail(&b, IMAGE_FORMAT_BMP, "unsupported");

    /* OS/2 BITMAPCOREHEADER: 16-bit unsigned sizes. */
    b.n = 0;
    put(&b, "BM", 2);
    put_le32(&b, 26);
    put_le32(&b, 0);
    put_le32(&b, 26);
    put_le32(&b, 12);
    put_le16(&b, 300);
    put_le16(&b, 200);
    put_le16(&b, 1);
    put_le16(&b, 24);
    expect_ok(&b, IMAGE_FORMAT_BMP, 300, 200);
    check_prefixes(&b, 22, IMAGE_FORMAT_BMP, 300, 200);
}

/* ---- generic ---- */

static void test_not_images(void **state)
{
    (void)state;
    enum image_format fmt = IMAGE_FORMAT_PNG;
    uint32_t w = 9, h = 9;
    char err[64];
    assert_false(image_probe(NULL, 0, &fmt, &w, &h, err, sizeof err));
    assert_int_equal(fmt, IMAGE_FORMAT_UNKNOWN);
    assert_true(err[0] != '\0');
    assert_false(image_probe(NULL, 100, &fmt, &w, &h, err, sizeof err));

    struct buf b = {.n = 0};
    put(&b, "<html><body>Not found</body></html>", 35);
    expect_fail(&b, IMAGE_FORMAT_UNKNOWN, "not an image");
    b.n = 1;
    b.d[0] = 0xff;
    expect_fail(&b, IMAGE_FORMAT_UNKNOWN, "not an image");

    /* Out pointers and err are optional; a small err is cut, not overrun. */
    png_header(&b, 0, 2);
    assert_false(probe_exact(b.d, b.n, NULL, NULL, NULL, NULL, 0));
    char tiny[5];
    assert_false(probe_exact(b.d, b.n, NULL, NULL, NULL, tiny, sizeof tiny));
    assert_string_equal(tiny, "zero");
    png_header(&b, 3, 2);
    assert_true(probe_exact(b.d, b.n, NULL, NULL, NULL, NULL, 0));
}

static void test_format_names(void **state)
{
    (void)state;
    assert_string_equal(image_format_name(IMAGE_FORMAT_UNKNOWN), "unknown");
    assert_string_equal(image_format_name(IMAGE_FORMAT_PNG), "png");
    assert_string_equal(image_format_name(IMAGE_FORMAT_JPEG), "jpeg");
    assert_string_equal(image_format_name(IMAGE_FORMAT_GIF), "gif");
    assert_string_equal(image_format_name(IMAGE_FORMAT_WEBP), "webp");
    assert_string_equal(image_format_name(IMAGE_FORMAT_BMP), "bmp");
    assert_string_equal(image_format_name(IMAGE_FORMAT_COUNT), "unknown");
    assert_string_equal(image_format_name((enum image_format)99), "unknown");
}

/* ---- corpora ---- */

static uint8_t *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    uint8_t *d = malloc(n ? (size_t)n : 1);
    assert_non_null(d);
    assert_int_equal(fread(d, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return d;
}

static const char *shared_dir(void)
{
    const char *s = getenv("PRIKBORD_SHARED_DIR");
    return s && *s ? s : "/work/shared";
}

/* Calls fn for every file in corpora/<sub> ending in ext; returns how many. */
static int for_each_file(const char *sub, const char *ext,
                         void (*fn)(const char *name, const uint8_t *d, size_t len))
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/corpora/%s", shared_dir(), sub);
    DIR *dh = opendir(dir);
    if (!dh)
        fail_msg("cannot open %s", dir);
    int count = 0;
    struct dirent *e;
    while ((e = readdir(dh))) {
        size_t n = strlen(e->d_name), m = strlen(ext);
        if (n <= m || strcmp(e->d_name + n - m, ext) != 0)
            continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t len;
        uint8_t *d = read_all(path, &len);
        fn(e->d_name, d, len); /* d is exactly len bytes: ASan catches an over-read */
        free(d);
        count++;
    }
    closedir(dh);
    return count;
}

static void check_png_file(const char *name, const uint8_t *d, size_t len)
{
    enum image_format fmt;
    uint32_t w, h;
    char err[128];
    bool ok = image_probe(d, len, &fmt, &w, &h, err, sizeof err);
    if (name[0] == 'x') {
        /* Corrupt files: the four with a broken signature byte and the two CR/LF-mangled ones
         * are no PNG to the probe; the rest have a sound header and fail in the decoder. */
        bool bad_sig = strncmp(name, "xs", 2) == 0 || strncmp(name, "xcr", 3) == 0 ||
                       strncmp(name, "xlf", 3) == 0;
        if (bad_sig) {
            assert_false(ok);
            assert_string_equal(err, "not an image");
        }
        return;
    }
    if (!ok)
        fail_msg("%s: %s", name, err);
    assert_int_equal(fmt, IMAGE_FORMAT_PNG);
    /* sNNxxxxx.png is NN x NN pixels; a few others are listed; the rest are 32x32. */
    static const struct {
        const char *name;
        uint32_t w, h;
    } sizes[] = {
        {"PngSuite.png", 256, 256},
        {"cdfn2c08.png", 8, 32},
        {"cdhn2c08.png", 32, 8},
        {"cdsn2c08.png", 8, 8},
    };
    uint32_t ew = 32, eh = 32;
    if (name[0] == 's' && name[1] >= '0' && name[1] <= '9')
        ew = eh = (uint32_t)(name[1] - '0') * 10 + (uint32_t)(name[2] - '0');
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        if (strcmp(name, sizes[i].name) == 0) {
            ew = sizes[i].w;
            eh = sizes[i].h;
        }
    }
    if (w != ew || h != eh)
        fail_msg("%s: probed %ux%u, expected %ux%u", name, (unsigned)w, (unsigned)h, (unsigned)ew,
                 (unsigned)eh);
}

static void test_pngsuite(void **state)
{
    (void)state;
    assert_int_equal(for_each_file("pngsuite", ".png", check_png_file), 176);
}

static bool name_is(const char *name, const char *a)
{
    return strcmp(name, a) == 0;
}

static void check_jpeg_file(const char *name, const uint8_t *d, size_t len)
{
    enum image_format fmt;
    uint32_t w, h;
    char err[128];
    bool ok = image_probe(d, len, &fmt, &w, &h, err, sizeof err);
    if (name_is(name, "testorig.jpg") || name_is(name, "testimgint.jpg") ||
        name_is(name, "testimgari.jpg")) {
        if (!ok)
            fail_msg("%s: %s", name, err);
        assert_int_equal(fmt, IMAGE_FORMAT_JPEG);
        assert_int_equal(w, 227);
        assert_int_equal(h, 149);
    } else if (name_is(name, "max_size.jpg")) {
        /* A sound header with a size image_decode must refuse before decoding. */
        assert_true(ok);
        assert_int_equal(w, 65535);
        assert_int_equal(h, 65535);
    } else if (name_is(name, "null_height.jpg") || name_is(name, "invalid-dimensions.jpg")) {
        assert_false(ok);
        if (!strstr(err, "zero"))
            fail_msg("%s: %s", name, err);
    } else if (name_is(name, "empty.jpg") || strncmp(name, "missing-frame", 13) == 0 ||
               name_is(name, "missing-sof.jpg")) {
        assert_false(ok);
        assert_true(err[0] != '\0');
    } else if (ok) {
        /* Anything else may pass or fail, but a success is a plausible size. */
        assert_true(w > 0 && w <= 65535 && h > 0 && h <= 65535);
    }
}

static void test_jpeg_corpus(void **state)
{
    (void)state;
    assert_int_equal(for_each_file("jpeg", ".jpg", check_jpeg_file), 27);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_png),          cmocka_unit_test(test_jpeg),
        cmocka_unit_test(test_gif),          cmocka_unit_test(test_webp),
        cmocka_unit_test(test_bmp),          cmocka_unit_test(test_not_images),
        cmocka_unit_test(test_format_names), cmocka_unit_test(test_pngsuite),
        cmocka_unit_test(test_jpeg_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
