/* image: SDL2_image decoding behind the probe, on the PngSuite and JPEG corpora and on images
 * made at test time (a 12-megapixel JPEG, gradients, stripes, alpha), plus the limits and
 * decoding from several threads at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "image.h"
#include "image_probe.h"
#include "image_sdl.h"
#include "util.h"

#include <SDL.h>
#include <SDL_image.h>

#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ---- */

static const char *shared_dir(void)
{
    const char *s = getenv("PRIKBORD_SHARED_DIR");
    return s && *s ? s : "/work/shared";
}

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

static uint8_t *read_corpus(const char *sub, const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/corpora/%s/%s", shared_dir(), sub, name);
    return read_all(path, len);
}

static SDL_Surface *new_surface(int w, int h)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    assert_non_null(s);
    return s;
}

static uint32_t *row_of(SDL_Surface *s, int y)
{
    return (uint32_t *)(void *)((uint8_t *)s->pixels + (size_t)y * (size_t)s->pitch);
}

static uint32_t pixel_at(const struct image *img, int x, int y)
{
    SDL_Surface *s = image_surface(img);
    return row_of(s, y)[x];
}

#define CH_A(p) ((int)((p) >> 24))
#define CH_R(p) ((int)(((p) >> 16) & 0xff))
#define CH_G(p) ((int)(((p) >> 8) & 0xff))
#define CH_B(p) ((int)((p)&0xff))

enum encoding { ENC_PNG, ENC_JPG, ENC_BMP };

/* Encodes s into a new heap buffer of exactly *len bytes (free()). */
static uint8_t *encode(SDL_Surface *s, enum encoding enc, size_t *len)
{
    size_t cap = (size_t)s->w * (size_t)s->h * 4 + (1u << 20);
    uint8_t *buf = malloc(cap);
    assert_non_null(buf);
    SDL_RWops *rw = SDL_RWFromMem(buf, (int)cap);
    assert_non_null(rw);
    int rc = enc == ENC_PNG   ? IMG_SavePNG_RW(s, rw, 0)
             : enc == ENC_JPG ? IMG_SaveJPG_RW(s, rw, 0, 95)
                              : SDL_SaveBMP_RW(s, rw, 0);
    if (rc != 0)
        fail_msg("encoding failed: %s", SDL_GetError());
    Sint64 n = SDL_RWtell(rw);
    SDL_RWclose(rw);
    assert_true(n > 0);
    *len = (size_t)n;
    uint8_t *exact = malloc(*len);
    assert_non_null(exact);
    memcpy(exact, buf, *len);
    free(buf);
    return exact;
}

static struct image *decode_ok(const void *d, size_t len, const struct image_limits *lim)
{
    char err[256] = "junk";
    struct image *img = image_decode(d, len, lim, err, sizeof err);
    if (!img)
        fail_msg("decode failed: %s", err);
    assert_string_equal(err, "");
    assert_int_equal(image_surface(img)->format->format, SDL_PIXELFORMAT_ARGB8888);
    return img;
}

static void decode_fails(const void *d, size_t len, const struct image_limits *lim,
                         const char *reason_part)
{
    char err[256] = "";
    struct image *img = image_decode(d, len, lim, err, sizeof err);
    if (img) {
        fail_msg("expected a refusal (%s), got %dx%d", reason_part, image_width(img),
                 image_height(img));
    }
    assert_true(err[0] != '\0');
    if (reason_part && !strstr(err, reason_part))
        fail_msg("error \"%s\" does not mention \"%s\"", err, reason_part);
}

/* The 12-megapixel gradient JPEG, made once: red follows x, green follows y. */
static uint8_t *big_jpeg;
static size_t big_jpeg_len;
enum { BIG_W = 4000, BIG_H = 3000 };

static int gradient_red(int x, int w)
{
    return (int)lround(x * 255.0 / (w - 1));
}

static const uint8_t *get_big_jpeg(size_t *len)
{
    if (!big_jpeg) {
        SDL_Surface *s = new_surface(BIG_W, BIG_H);
        for (int y = 0; y < BIG_H; y++) {
            uint32_t *row = row_of(s, y);
            uint32_t g = (uint32_t)gradient_red(y, BIG_H);
            for (int x = 0; x < BIG_W; x++)
                row[x] = 0xff000000u | (uint32_t)gradient_red(x, BIG_W) << 16 | g << 8 | 0x80;
        }
        big_jpeg = encode(s, ENC_JPG, &big_jpeg_len);
        SDL_FreeSurface(s);
    }
    *len = big_jpeg_len;
    return big_jpeg;
}

static int group_setup(void **state)
{
    (void)state;
    return image_global_init() ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    free(big_jpeg);
    big_jpeg = NULL;
    image_global_cleanup();
    return 0;
}

/* ---- corpora ---- */

static void test_pngsuite(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/corpora/pngsuite", shared_dir());
    DIR *dh = opendir(dir);
    if (!dh)
        fail_msg("cannot open %s", dir);
    int good = 0, bad = 0;
    struct dirent *e;
    while ((e = readdir(dh))) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".png") != 0)
            continue;
        size_t len;
        uint8_t *d = read_corpus("pngsuite", e->d_name, &len);
        char err[256] = "";
        struct image *img = image_decode(d, len, NULL, err, sizeof err);
        if (e->d_name[0] == 'x') {
            if (img)
                fail_msg("corrupt %s decoded", e->d_name);
            if (!err[0])
                fail_msg("corrupt %s failed without a reason", e->d_name);
            bad++;
        } else {
            if (!img)
                fail_msg("%s: %s", e->d_name, err);
            uint32_t w, h;
            assert_true(image_probe(d, len, NULL, &w, &h, NULL, 0));
            assert_int_equal(image_width(img), w);
            assert_int_equal(image_height(img), h);
            assert_int_equal(image_surface(img)->format->format, SDL_PIXELFORMAT_ARGB8888);
            good++;
        }
        image_destroy(img);
        free(d);
    }
    closedir(dh);
    assert_int_equal(good, 162);
    assert_int_equal(bad, 14);
}

static void test_pngsuite_transparency(void **state)
{
    (void)state;
    /* tbbn3p08: palette with tRNS, transparent corner; basn6a08: RGBA whose top-left pixel
     * is fully transparent; both must come out with real alpha. */
    static const char *const files[] = {"tbbn3p08.png", "tp1n3p08.png", "basn6a08.png"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        size_t len;
        uint8_t *d = read_corpus("pngsuite", files[i], &len);
        struct image *img = decode_ok(d, len, NULL);
        uint32_t p = pixel_at(img, 0, 0);
        if (CH_A(p) != 0)
            fail_msg("%s: corner alpha %d, expected 0", files[i], CH_A(p));
        image_destroy(img);
        free(d);
    }
}

static bool name_in(const char *name, const char *const *list)
{
    for (; *list; list++) {
        size_t n = strlen(*list);
        if ((*list)[n - 1] == '*' ? strncmp(name, *list, n - 1) == 0 : strcmp(name, *list) == 0)
            return true;
    }
    return false;
}

static void test_jpeg_corpus(void **state)
{
    (void)state;
    static const char *const must_decode[] = {"testorig.jpg", "testimgint.jpg", "testimgari.jpg",
                                              NULL};
    static const char *const must_fail[] = {"empty.jpg",       "missing-*",
                                            "null_height.jpg", "invalid-dimensions.jpg",
                                            "max_size.jpg",    NULL};
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/corpora/jpeg", shared_dir());
    DIR *dh = opendir(dir);
    if (!dh)
        fail_msg("cannot open %s", dir);
    int files = 0, decoded = 0, refused = 0;
    struct dirent *e;
    while ((e = readdir(dh))) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".jpg") != 0)
            continue;
        files++;
        size_t len;
        uint8_t *d = read_corpus("jpeg", e->d_name, &len);
        char err[256] = "";
        struct image *img = image_decode(d, len, NULL, err, sizeof err);
        if (name_in(e->d_name, must_decode)) {
            if (!img)
                fail_msg("%s: %s", e->d_name, err);
            assert_int_equal(image_width(img), 227);
            assert_int_equal(image_height(img), 149);
        } else if (name_in(e->d_name, must_fail)) {
            if (img)
                fail_msg("%s decoded", e->d_name);
            if (!err[0])
                fail_msg("%s failed without a reason", e->d_name);
        }
        if (img) {
            assert_true(image_width(img) >= 1 && image_width(img) <= 2560);
            assert_true(image_height(img) >= 1 && image_height(img) <= 2560);
            decoded++;
        } else {
            assert_true(err[0] != '\0');
            refused++;
        }
        image_destroy(img);
        free(d);
    }
    closedir(dh);
    assert_int_equal(files, 27);
    print_message("jpeg corpus: %d decoded, %d refused\n", decoded, refused);
}

static void test_max_size_refused_before_decoding(void **state)
{
    (void)state;
    size_t len;
    uint8_t *d = read_corpus("jpeg", "max_size.jpg", &len);
    decode_fails(d, len, NULL, "pixels");
    free(d);
}

/* ---- images made here ---- */

static void test_big_jpeg_scaled(void **state)
{
    (void)state;
    size_t len;
    const uint8_t *d = get_big_jpeg(&len);
    struct image *img = decode_ok(d, len, NULL);
    assert_int_equal(image_width(img), 2560);
    assert_int_equal(image_height(img), 1920);
    assert_int_equal(image_width(img) * BIG_H, image_height(img) * BIG_W);

    /* Each output pixel averages a 1.5625-pixel square; on a linear ramp that is the ramp at
     * its centre. JPEG loses a little, hence the tolerance. */
    static const int probes[][2] = {{0, 0}, {1280, 960}, {2559, 1919}, {100, 1500}, {2000, 37}};
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        int x = probes[i][0], y = probes[i][1];
        double sx = (x + 0.5) * BIG_W / 2560.0 - 0.5, sy = (y + 0.5) * BIG_H / 1920.0 - 0.5;
        double er = sx * 255.0 / (BIG_W - 1), eg = sy * 255.0 / (BIG_H - 1);
        if (er < 0)
            er = 0;
        if (eg < 0)
            eg = 0;
        uint32_t p = pixel_at(img, x, y);
        if (fabs(CH_R(p) - er) > 4 || fabs(CH_G(p) - eg) > 4 || abs(CH_B(p) - 0x80) > 4 ||
            CH_A(p) != 255)
            fail_msg("pixel %d,%d is %08x, expected about r=%.1f g=%.1f b=128", x, y, (unsigned)p,
                     er, eg);
    }
    image_destroy(img);
}

static void test_limits(void **state)
{
    (void)state;
    size_t len;
    const uint8_t *d = get_big_jpeg(&len);

    struct image_limits lim = {.max_bytes = len - 1};
    decode_fails(d, len, &lim, "bytes");
    lim.max_bytes = len;
    image_destroy(decode_ok(d, len, &lim));

    lim = (struct image_limits){.max_pixels = (uint64_t)BIG_W * BIG_H - 1};
    decode_fails(d, len, &lim, "pixels");
    lim.max_pixels = (uint64_t)BIG_W * BIG_H;
    image_destroy(decode_ok(d, len, &lim));

    /* Only the box given: the other limits keep their defaults. */
    lim = (struct image_limits){.max_w = 100, .max_h = 100};
    struct image *img = decode_ok(d, len, &lim);
    assert_int_equal(image_width(img), 100);
    assert_int_equal(image_height(img), 75);
    image_destroy(img);
    lim = (struct image_limits){.max_w = 4000, .max_h = 10};
    img = decode_ok(d, len, &lim);
    assert_int_equal(image_width(img), 13); /* 4000 * 10 / 3000 = 13.3 */
    assert_int_equal(image_height(img), 10);
    image_destroy(img);
}

static void test_tall_thin(void **state)
{
    (void)state;
    SDL_Surface *s = new_surface(10, 3000);
    SDL_FillRect(s, NULL, 0xff336699u);
    size_t len;
    uint8_t *d = encode(s, ENC_PNG, &len);
    SDL_FreeSurface(s);
    struct image *img = decode_ok(d, len, NULL);
    assert_int_equal(image_width(img), 9); /* 10 * 2560 / 3000 = 8.53 */
    assert_int_equal(image_height(img), 2560);
    assert_int_equal(pixel_at(img, 4, 1234), 0xff336699u);
    image_destroy(img);
    free(d);

    s = new_surface(1, 5000);
    SDL_FillRect(s, NULL, 0xff000000u);
    d = encode(s, ENC_PNG, &len);
    SDL_FreeSurface(s);
    img = decode_ok(d, len, NULL);
    assert_int_equal(image_width(img), 1); /* never rounded to nothing */
    assert_int_equal(image_height(img), 2560);
    image_destroy(img);
    free(d);
}

static void test_one_pixel(void **state)
{
    (void)state;
    SDL_Surface *s = new_surface(1, 1);
    row_of(s, 0)[0] = 0x80c04020u;
    static const enum encoding encs[] = {ENC_PNG, ENC_JPG, ENC_BMP};
    for (size_t i = 0; i < 3; i++) {
        size_t len;
        uint8_t *d = encode(s, encs[i], &len);
        struct image *img = decode_ok(d, len, NULL);
        assert_int_equal(image_width(img), 1);
        assert_int_equal(image_height(img), 1);
        uint32_t p = pixel_at(img, 0, 0);
        if (encs[i] == ENC_PNG)
            assert_int_equal(p, 0x80c04020u);
        else if (abs(CH_R(p) - 0xc0) > 8 || abs(CH_G(p) - 0x40) > 8 || abs(CH_B(p) - 0x20) > 8)
            fail_msg("1x1 pixel %08x", (unsigned)p);
        image_destroy(img);
        free(d);
    }
    SDL_FreeSurface(s);
}

/* A lossless ramp, downscaled by exactly 4: each output pixel is the mean of a 4x4 block. */
static void test_gradient_smooth(void **state)
{
    (void)state;
    enum { W = 800, H = 600 };
    SDL_Surface *s = new_surface(W, H);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            row_of(s, y)[x] = 0xff000000u | (uint32_t)gradient_red(x, W) << 16 |
                              (uint32_t)gradient_red(y, H) << 8 | 0x40;
    size_t len;
    uint8_t *d = encode(s, ENC_PNG, &len);
    SDL_FreeSurface(s);

    struct image_limits lim = {.max_w = 200, .max_h = 200};
    struct image *img = decode_ok(d, len, &lim);
    assert_int_equal(image_width(img), 200);
    assert_int_equal(image_height(img), 150);
    for (int y = 0; y < 150; y++) {
        for (int x = 0; x < 200; x++) {
            double er = 0, eg = 0;
            for (int k = 0; k < 4; k++) {
                er += gradient_red(4 * x + k, W) / 4.0;
                eg += gradient_red(4 * y + k, H) / 4.0;
            }
            uint32_t p = pixel_at(img, x, y);
            if (fabs(CH_R(p) - er) > 1 || fabs(CH_G(p) - eg) > 1 || CH_B(p) != 0x40 ||
                CH_A(p) != 255)
                fail_msg("pixel %d,%d is %08x, expected r=%.2f g=%.2f", x, y, (unsigned)p, er, eg);
        }
    }
    image_destroy(img);

    /* A non-integer factor (8/3): still a monotonic ramp with no steps over 2 levels. */
    lim = (struct image_limits){.max_w = 300, .max_h = 300};
    img = decode_ok(d, len, &lim);
    assert_int_equal(image_width(img), 300);
    assert_int_equal(image_height(img), 225);
    for (int x = 1; x < 300; x++) {
        int step = CH_R(pixel_at(img, x, 100)) - CH_R(pixel_at(img, x - 1, 100));
        if (step < 0 || step > 2)
            fail_msg("ramp steps by %d at x=%d", step, x);
    }
    image_destroy(img);
    free(d);
}

/* One-pixel black and white stripes: an area filter turns them grey, nearest-neighbour or a
 * single bilinear pass would keep picking black or white. */
static void test_stripes_average(void **state)
{
    (void)state;
    enum { W = 1200, H = 90 };
    SDL_Surface *s = new_surface(W, H);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            row_of(s, y)[x] = (x & 1) ? 0xffffffffu : 0xff000000u;
    size_t len;
    uint8_t *d = encode(s, ENC_PNG, &len);
    SDL_FreeSurface(s);

    struct image_limits lim = {.max_w = 300};
    struct image *img = decode_ok(d, len, &lim); /* factor 4 */
    assert_int_equal(image_width(img), 300);
    for (int x = 0; x < 300; x++) {
        int r = CH_R(pixel_at(img, x, 10));
        if (r < 126 || r > 129)
            fail_msg("factor 4: pixel %d is %d, expected 127.5", x, r);
    }
    image_destroy(img);

    lim.max_w = 450; /* factor 8/3: each output pixel covers 2.67 stripes */
    img = decode_ok(d, len, &lim);
    assert_int_equal(image_width(img), 450);
    for (int x = 0; x < 450; x++) {
        int r = CH_R(pixel_at(img, x, 10));
        if (r < 90 || r > 165)
            fail_msg("factor 8/3: pixel %d is %d", x, r);
    }
    image_destroy(img);
    free(d);
}

/* Averaging must weigh colour by alpha: opaque white next to transparent black is half
 * transparent white, not half transparent grey. */
static void test_alpha_weighted(void **state)
{
    (void)state;
    SDL_Surface *s = new_surface(2, 1);
    row_of(s, 0)[0] = 0xffffffffu;
    row_of(s, 0)[1] = 0x00000000u;
    size_t len;
    uint8_t *d = encode(s, ENC_PNG, &len);
    SDL_FreeSurface(s);
    struct image_limits lim = {.max_w = 1, .max_h = 1};
    struct image *img = decode_ok(d, len, &lim);
    uint32_t p = pixel_at(img, 0, 0);
    assert_in_range(CH_A(p), 127, 128);
    assert_int_equal(p & 0xffffff, 0xffffff);
    image_destroy(img);
    free(d);
}

/* Encoded with libwebp 1.2.4 (WebPEncodeLosslessRGBA / WebPEncodeRGBA, a 4x3 square of
 * r=200 g=40 b=40). */
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

/* The classic 1x1 transparent GIF: palette index 0 marked transparent. */
static const uint8_t gif_1x1_transparent[] = {
    'G',  'I',  'F',  '8',  '9',  'a',  0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0xff, 0xff,
    0xff, 0x00, 0x00, 0x00, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00,
    0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
};

static void test_webp_gif(void **state)
{
    (void)state;
    const struct {
        const uint8_t *d;
        size_t len;
    } webps[] = {{webp_lossless_4x3, sizeof webp_lossless_4x3},
                 {webp_lossy_4x3, sizeof webp_lossy_4x3}};
    for (size_t i = 0; i < 2; i++) {
        struct image *img = decode_ok(webps[i].d, webps[i].len, NULL);
        assert_int_equal(image_width(img), 4);
        assert_int_equal(image_height(img), 3);
        uint32_t p = pixel_at(img, 2, 1);
        if (abs(CH_R(p) - 200) > 8 || abs(CH_G(p) - 40) > 8 || abs(CH_B(p) - 40) > 8)
            fail_msg("webp %zu: pixel %08x", i, (unsigned)p);
        image_destroy(img);
    }

    struct image *img = decode_ok(gif_1x1_transparent, sizeof gif_1x1_transparent, NULL);
    assert_int_equal(image_width(img), 1);
    assert_int_equal(image_height(img), 1);
    assert_int_equal(CH_A(pixel_at(img, 0, 0)), 0); /* colour key became alpha */
    image_destroy(img);

    /* A 1x1 screen holding a 65535x65535 frame: refused from the header, not allocated. */
    uint8_t bomb[sizeof gif_1x1_transparent];
    memcpy(bomb, gif_1x1_transparent, sizeof bomb);
    memset(bomb + 32, 0xff, 4); /* frame width and height */
    decode_fails(bomb, sizeof bomb, NULL, "pixels");
}

static void test_bad_input(void **state)
{
    (void)state;
    decode_fails(NULL, 0, NULL, "no data");
    decode_fails("", 0, NULL, "no data");
    const char html[] = "<html><body>502 Bad Gateway</body></html>";
    decode_fails(html, sizeof html - 1, NULL, "not an image");

    /* A sound PNG header over a body of garbage: the decoder's error comes through. */
    size_t len;
    uint8_t *d = read_corpus("pngsuite", "basn2c08.png", &len);
    memset(d + 40, 0x5a, len - 40);
    decode_fails(d, len, NULL, "png");
    /* Cut in half. */
    uint8_t *good = read_corpus("jpeg", "testorig.jpg", &len);
    char err[256];
    struct image *img = image_decode(good, len / 2, NULL, err, sizeof err);
    image_destroy(img); /* libjpeg may pad a cut scan with grey: any result, no crash */
    free(good);
    free(d);

    /* err is optional. */
    assert_null(image_decode(html, sizeof html - 1, NULL, NULL, 0));
    image_destroy(NULL);
}

/* ---- image_pack (what the fetch worker keeps) ---- */

/* A picture that fits is kept as it came; a larger one is scaled and encoded again (JPEG when
 * opaque, PNG when it has transparency) and decodes to the size it was packed at; a trusted
 * header that fits is not decoded; what does not decode is refused with a reason. */
static void test_pack(void **state)
{
    (void)state;
    struct image_limits lim = {.max_w = 1920, .max_h = 1920};
    struct image_bytes b;
    bool again = true;
    char err[256];
    size_t len;
    uint8_t *jpg = read_corpus("jpeg", "testorig.jpg", &len); /* 227x149 */
    assert_true(image_pack(jpg, len, &lim, false, &b, &again, err, sizeof err));
    assert_false(again);
    assert_int_equal(b.len, len);
    assert_memory_equal(b.data, jpg, len);
    assert_int_equal(b.w, 227);
    assert_int_equal(b.h, 149);
    image_bytes_clear(&b);
    assert_null(b.data);

    const uint8_t *big = get_big_jpeg(&len);
    assert_true(image_pack(big, len, &lim, true, &b, &again, err, sizeof err));
    assert_true(again);
    assert_int_equal(b.w, 1920);
    assert_int_equal(b.h, 1920 * BIG_H / BIG_W);
    assert_true(b.len < len);
    struct image *img =
        decode_ok(b.data, b.len, &(struct image_limits){.max_w = 9999, .max_h = 9999});
    assert_int_equal(image_width(img), b.w);
    assert_int_equal(image_height(img), b.h);
    /* The ramp survives the second encoding (JPEG at quality 90). */
    uint32_t p = pixel_at(img, b.w / 2, b.h / 2);
    if (abs(CH_R(p) - 128) > 6 || abs(CH_G(p) - 128) > 6 || abs(CH_B(p) - 0x80) > 6)
        fail_msg("middle pixel %08x, expected about grey 128", (unsigned)p);
    image_destroy(img);
    image_bytes_clear(&b);

    /* Transparency: packed as PNG, alpha kept. */
    SDL_Surface *t = SDL_CreateRGBSurfaceWithFormat(0, 400, 100, 32, SDL_PIXELFORMAT_ARGB8888);
    assert_non_null(t);
    for (int y = 0; y < t->h; y++)
        for (int x = 0; x < t->w; x++)
            row_of(t, y)[x] = x < 200 ? 0x00000000u : 0xff3060a0u;
    uint8_t *png = encode(t, ENC_PNG, &len);
    SDL_FreeSurface(t);
    lim.max_w = lim.max_h = 200;
    assert_true(image_pack(png, len, &lim, false, &b, &again, err, sizeof err));
    assert_true(again);
    assert_int_equal(b.w, 200);
    assert_int_equal(b.h, 50);
    enum image_format fmt;
    assert_true(image_probe(b.data, b.len, &fmt, NULL, NULL, NULL, 0));
    assert_int_equal(fmt, IMAGE_FORMAT_PNG);
    img = decode_ok(b.data, b.len, NULL);
    assert_int_equal(CH_A(pixel_at(img, 10, 25)), 0);
    assert_int_equal(pixel_at(img, 190, 25), 0xff3060a0u);
    image_destroy(img);
    image_bytes_clear(&b);
    free(png);

    /* Trusted bytes that fit are kept without decoding: even a cut JPEG (drawing decodes it
     * then, and logs what fails); untrusted ones must decode. */
    uint8_t *cut = xmemdup(jpg, 1000);
    lim.max_w = lim.max_h = 1920;
    assert_true(image_pack(cut, 1000, &lim, true, &b, NULL, err, sizeof err));
    image_bytes_clear(&b);
    const char html[] = "<html>502</html>";
    assert_false(image_pack(html, sizeof html - 1, &lim, true, &b, &again, err, sizeof err));
    assert_null(b.data);
    assert_non_null(strstr(err, "not an image"));
    free(cut);
    free(jpg);
}

/* ---- image_scale_surface (the renderer's crop-and-scale) ---- */

static void test_scale_surface(void **state)
{
    (void)state;
    /* Left half red, right half blue: a crop sees only its own half, shrunk or enlarged. */
    SDL_Surface *s = new_surface(20, 10);
    SDL_Rect left = {0, 0, 10, 10}, right = {10, 0, 10, 10};
    SDL_FillRect(s, &left, 0xffff0000u);
    SDL_FillRect(s, &right, 0xff0000ffu);
    SDL_Surface *o = image_scale_surface(s, &left, 5, 5);
    assert_non_null(o);
    for (int y = 0; y < 5; y++)
        for (int x = 0; x < 5; x++)
            assert_int_equal(row_of(o, y)[x], 0xffff0000u);
    SDL_FreeSurface(o);
    o = image_scale_surface(s, &right, 23, 17);
    assert_non_null(o);
    assert_int_equal(o->format->format, SDL_PIXELFORMAT_ARGB8888);
    for (int y = 0; y < 17; y++)
        for (int x = 0; x < 23; x++)
            assert_int_equal(row_of(o, y)[x], 0xff0000ffu);
    SDL_FreeSurface(o);

    /* A rectangle reaching past the surface is clipped; one outside it, or an empty target,
     * is an error. */
    SDL_Rect wide = {15, -5, 100, 100};
    o = image_scale_surface(s, &wide, 2, 2);
    assert_non_null(o);
    assert_int_equal(row_of(o, 1)[1], 0xff0000ffu);
    SDL_FreeSurface(o);
    SDL_Rect outside = {30, 0, 5, 5};
    assert_null(image_scale_surface(s, &outside, 2, 2));
    assert_null(image_scale_surface(s, NULL, 0, 2));
    assert_null(image_scale_surface(NULL, NULL, 2, 2));
    SDL_FreeSurface(s);

    /* Enlarging interpolates: black to white over 2 pixels becomes a ramp over 8. */
    s = new_surface(2, 1);
    row_of(s, 0)[0] = 0xff000000u;
    row_of(s, 0)[1] = 0xffffffffu;
    o = image_scale_surface(s, NULL, 8, 1);
    assert_non_null(o);
    static const int ramp[8] = {0, 0, 32, 96, 159, 223, 255, 255};
    for (int x = 0; x < 8; x++)
        assert_in_range(CH_R(row_of(o, 0)[x]), ramp[x] > 0 ? ramp[x] - 1 : 0, ramp[x] + 1);
    SDL_FreeSurface(o);
    SDL_FreeSurface(s);

    /* Any source format; a colour key becomes transparency. */
    s = SDL_CreateRGBSurfaceWithFormat(0, 2, 2, 24, SDL_PIXELFORMAT_RGB24);
    assert_non_null(s);
    SDL_FillRect(s, NULL, SDL_MapRGB(s->format, 10, 200, 30));
    SDL_Rect corner = {0, 0, 1, 1};
    SDL_FillRect(s, &corner, SDL_MapRGB(s->format, 255, 0, 255));
    SDL_SetColorKey(s, SDL_TRUE, SDL_MapRGB(s->format, 255, 0, 255));
    o = image_scale_surface(s, NULL, 2, 2);
    assert_non_null(o);
    assert_int_equal(CH_A(row_of(o, 0)[0]), 0);
    assert_int_equal(row_of(o, 1)[1], 0xff0ac81eu);
    SDL_FreeSurface(o);
    SDL_FreeSurface(s);
}

/* ---- threads ---- */

struct job {
    const uint8_t *jpg, *png;
    size_t jpg_len, png_len;
    int failures;
};

static void *decode_worker(void *arg)
{
    struct job *j = arg;
    for (int i = 0; i < 20; i++) {
        char err[256];
        struct image *a = image_decode(j->jpg, j->jpg_len, NULL, err, sizeof err);
        struct image *b = image_decode(j->png, j->png_len, NULL, err, sizeof err);
        struct image *c =
            image_decode(webp_lossy_4x3, sizeof webp_lossy_4x3, NULL, err, sizeof err);
        /* A failure in one thread must not leave its message in another's err. */
        struct image *x = image_decode(j->png, 30, NULL, err, sizeof err);
        if (!a || !b || !c || x || !strstr(err, "png") || image_width(a) != 227)
            j->failures++;
        image_destroy(a);
        image_destroy(b);
        image_destroy(c);
    }
    image_thread_cleanup(); /* a pthread, not an SDL thread: SDL's error buffer is ours to free */
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    size_t jl, pl;
    uint8_t *jpg = read_corpus("jpeg", "testorig.jpg", &jl);
    uint8_t *png = read_corpus("pngsuite", "basn6a16.png", &pl);
    enum { N = 4 };
    struct job jobs[N];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        jobs[i] = (struct job){.jpg = jpg, .png = png, .jpg_len = jl, .png_len = pl};
        assert_int_equal(pthread_create(&t[i], NULL, decode_worker, &jobs[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(jobs[i].failures, 0);
    }
    free(jpg);
    free(png);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pngsuite),
        cmocka_unit_test(test_pngsuite_transparency),
        cmocka_unit_test(test_jpeg_corpus),
        cmocka_unit_test(test_max_size_refused_before_decoding),
        cmocka_unit_test(test_big_jpeg_scaled),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_tall_thin),
        cmocka_unit_test(test_one_pixel),
        cmocka_unit_test(test_gradient_smooth),
        cmocka_unit_test(test_stripes_average),
        cmocka_unit_test(test_alpha_weighted),
        cmocka_unit_test(test_webp_gif),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_pack),
        cmocka_unit_test(test_scale_surface),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
