#define LOG_MODULE "image"
#include "image.h"
#include "image_probe.h"
#include "image_sdl.h"
#include "log.h"
#include "util.h"

#include <SDL.h>
#include <SDL_image.h>

#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct image {
    SDL_Surface *surface; /* ARGB8888, owned */
};

bool image_global_init(void)
{
    const int required = IMG_INIT_PNG | IMG_INIT_JPG;
    int got = IMG_Init(required | IMG_INIT_WEBP);
    if ((got & required) != required) {
        log_error("SDL_image cannot load%s%s: %s", (got & IMG_INIT_PNG) ? "" : " PNG",
                  (got & IMG_INIT_JPG) ? "" : " JPEG", IMG_GetError());
        return false;
    }
    if (!(got & IMG_INIT_WEBP))
        log_warn("SDL_image has no WebP support: %s", IMG_GetError());
    return true;
}

void image_global_cleanup(void)
{
    IMG_Quit();
}

void image_thread_cleanup(void)
{
    SDL_TLSCleanup();
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static struct image_limits effective_limits(const struct image_limits *lim)
{
    const struct image_limits def = IMAGE_DEFAULT_LIMITS;
    if (!lim)
        return def;
    struct image_limits l = *lim;
    if (l.max_bytes == 0)
        l.max_bytes = def.max_bytes;
    if (l.max_pixels == 0)
        l.max_pixels = def.max_pixels;
    if (l.max_w <= 0)
        l.max_w = def.max_w;
    if (l.max_h <= 0)
        l.max_h = def.max_h;
    return l;
}

/* The loader for the probed format, called directly rather than through IMG_Load_RW: the probe
 * has already decided the format and checked its size, and no other SDL_image decoder (TGA,
 * XCF, SVG, ...) ever sees untrusted bytes. A PNG served as "photo.jpg" still loads as PNG. */
static SDL_Surface *load_typed(enum image_format fmt, SDL_RWops *rw)
{
    switch (fmt) {
    case IMAGE_FORMAT_PNG:
        return IMG_LoadPNG_RW(rw);
    case IMAGE_FORMAT_JPEG:
        return IMG_LoadJPG_RW(rw);
    case IMAGE_FORMAT_GIF:
        return IMG_LoadGIF_RW(rw);
    case IMAGE_FORMAT_WEBP:
        return IMG_LoadWEBP_RW(rw);
    case IMAGE_FORMAT_BMP:
        return IMG_LoadBMP_RW(rw);
    case IMAGE_FORMAT_UNKNOWN:
    case IMAGE_FORMAT_COUNT:
        break;
    }
    SDL_SetError("unsupported format");
    return NULL;
}

/* The largest size within max_w x max_h with the aspect ratio of w x h, rounded, at least 1x1;
 * w x h itself when it already fits. */
static void fit_size(int w, int h, int max_w, int max_h, int *dw, int *dh)
{
    *dw = w;
    *dh = h;
    if (w <= max_w && h <= max_h)
        return;
    if ((uint64_t)w * (uint64_t)max_h >= (uint64_t)h * (uint64_t)max_w) {
        *dw = max_w;
        *dh = (int)(((uint64_t)h * (uint64_t)max_w + (uint64_t)w / 2) / (uint64_t)w);
    } else {
        *dh = max_h;
        *dw = (int)(((uint64_t)w * (uint64_t)max_h + (uint64_t)h / 2) / (uint64_t)h);
    }
    if (*dw < 1)
        *dw = 1;
    if (*dh < 1)
        *dh = 1;
}

/* The weights of one axis of a separable resample from n source pixels (starting at offset)
 * to m. Shrinking (m <= n) averages areas: destination pixel i covers the source interval
 * [i*n/m, (i+1)*n/m), and each source pixel it overlaps weighs by the overlap divided by n/m.
 * Enlarging interpolates linearly between the two source pixels nearest to the sample point.
 * Either way the weights of one destination pixel sum to 1. */
struct axis {
    int *first;    /* first source pixel of each destination pixel */
    int *count;    /* how many source pixels contribute */
    float *weight; /* per destination pixel, `stride` weights */
    int stride;
};

static void axis_init(struct axis *a, int offset, int n, int m)
{
    double scale = (double)n / m;
    a->stride = m <= n ? (int)ceil(scale) + 1 : 2;
    a->first = xmalloc((size_t)m * sizeof *a->first);
    a->count = xmalloc((size_t)m * sizeof *a->count);
    a->weight = xcalloc((size_t)m * (size_t)a->stride, sizeof *a->weight);
    for (int i = 0; i < m; i++) {
        float *wt = a->weight + (size_t)i * (size_t)a->stride;
        if (m > n) {
            double c = (i + 0.5) * scale - 0.5;
            c = c < 0 ? 0 : c > n - 1 ? n - 1 : c;
            int x0 = (int)floor(c);
            double f = c - x0;
            a->first[i] = offset + x0;
            a->count[i] = x0 < n - 1 ? 2 : 1;
            wt[0] = (float)(a->count[i] == 2 ? 1 - f : 1);
            wt[1] = (float)(a->count[i] == 2 ? f : 0);
            continue;
        }
        double lo = i * scale, hi = (i + 1) * scale;
        int first = (int)floor(lo);
        int last = (int)ceil(hi) - 1;
        if (last > n - 1)
            last = n - 1;
        if (last - first + 1 > a->stride)
            last = first + a->stride - 1;
        a->first[i] = offset + first;
        a->count[i] = last - first + 1;
        for (int k = 0; k < a->count[i]; k++) {
            double s0 = first + k, s1 = s0 + 1;
            double overlap = (hi < s1 ? hi : s1) - (lo > s0 ? lo : s0);
            wt[k] = (float)(overlap > 0 ? overlap / scale : 0);
        }
    }
}

static void axis_free(struct axis *a)
{
    free(a->first);
    free(a->count);
    free(a->weight);
}

/* Resamples one source row into out (4 floats per destination pixel: alpha-premultiplied
 * red, green, blue, then alpha). */
static void resample_row(const uint32_t *src, const struct axis *ax, int dw, float *out)
{
    for (int x = 0; x < dw; x++) {
        const float *wt = ax->weight + (size_t)x * (size_t)ax->stride;
        const uint32_t *s = src + ax->first[x];
        float r = 0, g = 0, b = 0, a = 0;
        for (int k = 0; k < ax->count[x]; k++) {
            uint32_t p = s[k];
            float pa = (float)(p >> 24) * wt[k];
            a += pa;
            r += (float)((p >> 16) & 0xff) * pa;
            g += (float)((p >> 8) & 0xff) * pa;
            b += (float)(p & 0xff) * pa;
        }
        out[4 * x + 0] = r;
        out[4 * x + 1] = g;
        out[4 * x + 2] = b;
        out[4 * x + 3] = a;
    }
}

static uint32_t to_channel(float v)
{
    v += 0.5f;
    if (v <= 0)
        return 0;
    if (v >= 255)
        return 255;
    return (uint32_t)v;
}

/* Resamples rect r of an ARGB8888 surface to a new dw x dh one. Colour is averaged weighted
 * by alpha, so that fully transparent pixels (whose colour is often black junk) do not darken
 * the edges of what is visible. Works row by row: the extra memory is two destination rows. */
static SDL_Surface *scale_argb(SDL_Surface *src, const SDL_Rect *r, int dw, int dh)
{
    SDL_Surface *dst = SDL_CreateRGBSurfaceWithFormat(0, dw, dh, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!dst)
        return NULL;
    struct axis ax, ay;
    axis_init(&ax, r->x, r->w, dw);
    axis_init(&ay, r->y, r->h, dh);
    float *row = xmalloc((size_t)dw * 4 * sizeof *row);
    float *acc = xmalloc((size_t)dw * 4 * sizeof *acc);

    SDL_LockSurface(src);
    SDL_LockSurface(dst);
    for (int y = 0; y < dh; y++) {
        for (size_t i = 0; i < (size_t)dw * 4; i++)
            acc[i] = 0;
        const float *wt = ay.weight + (size_t)y * (size_t)ay.stride;
        for (int k = 0; k < ay.count[y]; k++) {
            const uint8_t *line =
                (const uint8_t *)src->pixels + (size_t)(ay.first[y] + k) * (size_t)src->pitch;
            resample_row((const uint32_t *)(const void *)line, &ax, dw, row);
            for (size_t i = 0; i < (size_t)dw * 4; i++)
                acc[i] += row[i] * wt[k];
        }
        uint32_t *out =
            (uint32_t *)(void *)((uint8_t *)dst->pixels + (size_t)y * (size_t)dst->pitch);
        for (int x = 0; x < dw; x++) {
            const float *c = acc + 4 * x;
            uint32_t a = to_channel(c[3]);
            uint32_t red = 0, g = 0, b = 0;
            if (c[3] > 0) {
                red = to_channel(c[0] / c[3]);
                g = to_channel(c[1] / c[3]);
                b = to_channel(c[2] / c[3]);
            }
            out[x] = a << 24 | red << 16 | g << 8 | b;
        }
    }
    SDL_UnlockSurface(dst);
    SDL_UnlockSurface(src);

    free(acc);
    free(row);
    axis_free(&ay);
    axis_free(&ax);
    return dst;
}

SDL_Surface *image_scale_surface(SDL_Surface *src, const SDL_Rect *src_rect, int w, int h)
{
    SDL_Surface *argb = NULL, *out = NULL;
    if (!src || w < 1 || h < 1) {
        SDL_SetError("image_scale_surface: no source or an empty target");
        goto out;
    }
    SDL_Rect whole = {0, 0, src->w, src->h}, r = whole;
    if (src_rect && !SDL_IntersectRect(src_rect, &whole, &r)) {
        SDL_SetError("image_scale_surface: the rectangle lies outside the surface");
        goto out;
    }
    if (r.w < 1 || r.h < 1) {
        SDL_SetError("image_scale_surface: empty source");
        goto out;
    }
    if (src->format->format != SDL_PIXELFORMAT_ARGB8888 || SDL_HasColorKey(src)) {
        argb = SDL_ConvertSurfaceFormat(src, SDL_PIXELFORMAT_ARGB8888, 0);
        if (!argb)
            goto out;
    }
    out = scale_argb(argb ? argb : src, &r, w, h);

out:
    SDL_FreeSurface(argb);
    return out;
}

struct image *image_decode(const void *data, size_t len, const struct image_limits *lim, char *err,
                           size_t errlen)
{
    struct image_limits l = effective_limits(lim);
    struct image *img = NULL;
    SDL_RWops *rw = NULL;
    SDL_Surface *cur = NULL;
    enum image_format fmt = IMAGE_FORMAT_UNKNOWN;
    uint32_t w = 0, h = 0;
    char why[128];

    set_err(err, errlen, "%s", "");
    if (len > l.max_bytes) {
        set_err(err, errlen, "image is %zu bytes, over the limit of %zu", len, l.max_bytes);
        goto out;
    }
    if (!image_probe(data, len, &fmt, &w, &h, why, sizeof why)) {
        set_err(err, errlen, "%s", why);
        goto out;
    }
    const char *name = image_format_name(fmt);
    uint64_t pixels = (uint64_t)w * h;
    if (pixels > l.max_pixels) {
        set_err(err, errlen,
                "%s is %" PRIu32 "x%" PRIu32 " (%" PRIu64 " pixels), over the limit of %" PRIu64,
                name, w, h, pixels, l.max_pixels);
        goto out;
    }
    /* SDL counts bytes and pixels in int; a 4-byte pixel row must fit too. */
    if (len > INT_MAX || w > INT_MAX / 4 || h > INT_MAX / 4) {
        set_err(err, errlen, "%s is too large for SDL", name);
        goto out;
    }

    rw = SDL_RWFromConstMem(data, (int)len);
    if (!rw) {
        set_err(err, errlen, "cannot read %s: %s", name, SDL_GetError());
        goto out;
    }
    /* SDL's error text is per thread; clearing it first means a loader that fails without a
     * message does not show an older, unrelated one. */
    SDL_ClearError();
    cur = load_typed(fmt, rw);
    if (!cur) {
        const char *e = SDL_GetError();
        set_err(err, errlen, "cannot decode %s: %s", name, e && *e ? e : "unknown error");
        goto out;
    }
    /* The probe read the same header the decoder did; this only guards against a decoder that
     * disagrees with it, after the fact. */
    if ((uint64_t)cur->w * (uint64_t)cur->h > l.max_pixels) {
        set_err(err, errlen, "%s decoded to %dx%d, over the limit of %" PRIu64 " pixels", name,
                cur->w, cur->h, l.max_pixels);
        goto out;
    }

    /* Converting also turns a colour key (GIF, palette PNG) into alpha. */
    if (cur->format->format != SDL_PIXELFORMAT_ARGB8888 || SDL_HasColorKey(cur)) {
        SDL_Surface *next = SDL_ConvertSurfaceFormat(cur, SDL_PIXELFORMAT_ARGB8888, 0);
        SDL_FreeSurface(cur);
        cur = next;
        if (!cur) {
            set_err(err, errlen, "cannot convert %s: %s", name, SDL_GetError());
            goto out;
        }
    }

    int dw, dh;
    fit_size(cur->w, cur->h, l.max_w, l.max_h, &dw, &dh);
    if (dw != cur->w || dh != cur->h) {
        SDL_Rect all = {0, 0, cur->w, cur->h};
        SDL_Surface *next = scale_argb(cur, &all, dw, dh);
        SDL_FreeSurface(cur);
        cur = next;
        if (!cur) {
            set_err(err, errlen, "cannot scale %s to %dx%d: %s", name, dw, dh, SDL_GetError());
            goto out;
        }
    }
    log_debug("decoded %s %" PRIu32 "x%" PRIu32 " to %dx%d", name, w, h, cur->w, cur->h);

    img = xcalloc(1, sizeof *img);
    img->surface = cur;
    cur = NULL;

out:
    SDL_FreeSurface(cur);
    if (rw)
        SDL_RWclose(rw);
    return img;
}

/* ---- packing ---------------------------------------------------------------------------- */

/* A growing buffer as an SDL_RWops, for SDL_image's savers (they write, tell and seek). */
struct membuf {
    unsigned char *data;
    size_t len, cap, pos;
};

static Sint64 SDLCALL mem_size(SDL_RWops *rw)
{
    return (Sint64)((struct membuf *)rw->hidden.unknown.data1)->len;
}

static Sint64 SDLCALL mem_seek(SDL_RWops *rw, Sint64 offset, int whence)
{
    struct membuf *b = rw->hidden.unknown.data1;
    Sint64 base = whence == RW_SEEK_SET   ? 0
                  : whence == RW_SEEK_CUR ? (Sint64)b->pos
                                          : (Sint64)b->len;
    if (offset < -base || offset > (Sint64)b->len - base)
        return SDL_SetError("seek out of the buffer");
    b->pos = (size_t)(base + offset);
    return (Sint64)b->pos;
}

static size_t SDLCALL mem_read(SDL_RWops *rw, void *p, size_t size, size_t num)
{
    (void)rw, (void)p, (void)size, (void)num;
    SDL_SetError("write-only buffer");
    return 0;
}

static size_t SDLCALL mem_write(SDL_RWops *rw, const void *p, size_t size, size_t num)
{
    struct membuf *b = rw->hidden.unknown.data1;
    if (size == 0 || num == 0)
        return 0;
    if (num > (16u << 20) / size || b->pos + size * num > (64u << 20)) {
        SDL_SetError("encoded picture too large");
        return 0;
    }
    size_t n = size * num;
    if (b->pos + n > b->cap) {
        size_t cap = b->cap ? b->cap : 64 * 1024;
        while (cap < b->pos + n)
            cap *= 2;
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->pos, p, n);
    b->pos += n;
    if (b->pos > b->len)
        b->len = b->pos;
    return num;
}

static int SDLCALL mem_close(SDL_RWops *rw)
{
    SDL_FreeRW(rw);
    return 0;
}

static bool has_transparency(SDL_Surface *s)
{
    for (int y = 0; y < s->h; y++) {
        const uint32_t *row = (const uint32_t *)((const uint8_t *)s->pixels + (size_t)y * s->pitch);
        for (int x = 0; x < s->w; x++)
            if ((row[x] >> 24) != 0xff)
                return true;
    }
    return false;
}

/* s (ARGB8888) encoded as PNG or JPEG into b. */
static bool encode(SDL_Surface *s, struct membuf *b, char *err, size_t errlen)
{
    SDL_RWops *rw = SDL_AllocRW();
    if (!rw) {
        set_err(err, errlen, "cannot encode: %s", SDL_GetError());
        return false;
    }
    rw->type = SDL_RWOPS_UNKNOWN;
    rw->size = mem_size;
    rw->seek = mem_seek;
    rw->read = mem_read;
    rw->write = mem_write;
    rw->close = mem_close;
    rw->hidden.unknown.data1 = b;
    bool png = has_transparency(s);
    SDL_ClearError();
    int rc = png ? IMG_SavePNG_RW(s, rw, 1) : IMG_SaveJPG_RW(s, rw, 1, 90);
    if (rc != 0 || b->len == 0) {
        const char *e = SDL_GetError();
        set_err(err, errlen, "cannot encode the scaled picture as %s: %s", png ? "PNG" : "JPEG",
                e && *e ? e : "unknown error");
        return false;
    }
    return true;
}

bool image_pack(const void *data, size_t len, const struct image_limits *lim, bool trusted,
                struct image_bytes *out, bool *reencoded, char *err, size_t errlen)
{
    struct image_limits l = effective_limits(lim);
    *out = (struct image_bytes){0};
    if (reencoded)
        *reencoded = false;
    set_err(err, errlen, "%s", "");
    uint32_t w = 0, h = 0;
    bool fits = len <= l.max_bytes && image_probe(data, len, NULL, &w, &h, NULL, 0) &&
                (uint64_t)w * h <= l.max_pixels && w <= (uint32_t)l.max_w && h <= (uint32_t)l.max_h;
    if (trusted && fits) {
        out->data = xmemdup(data, len);
        out->len = len;
        out->w = (int)w;
        out->h = (int)h;
        return true;
    }
    struct image *img = image_decode(data, len, &l, err, errlen);
    if (!img)
        return false;
    SDL_Surface *s = img->surface;
    if (fits && (uint32_t)s->w == w && (uint32_t)s->h == h) {
        out->data = xmemdup(data, len);
        out->len = len;
    } else {
        struct membuf b = {0};
        if (!encode(s, &b, err, errlen)) {
            free(b.data);
            image_destroy(img);
            return false;
        }
        out->data = b.data;
        out->len = b.len;
        if (reencoded)
            *reencoded = true;
        log_debug("packed %zu bytes as %zu (%dx%d)", len, b.len, s->w, s->h);
    }
    out->w = s->w;
    out->h = s->h;
    image_destroy(img);
    return true;
}

void image_bytes_clear(struct image_bytes *b)
{
    if (!b)
        return;
    free(b->data);
    *b = (struct image_bytes){0};
}

void image_destroy(struct image *img)
{
    if (!img)
        return;
    SDL_FreeSurface(img->surface);
    free(img);
}

int image_width(const struct image *img)
{
    return img->surface->w;
}

int image_height(const struct image *img)
{
    return img->surface->h;
}

SDL_Surface *image_surface(const struct image *img)
{
    return img->surface;
}
