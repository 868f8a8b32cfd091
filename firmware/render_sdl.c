#define LOG_MODULE "render"
#include "render_sdl.h"
#include "image_sdl.h"
#include "log.h"
#include "util.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Textures of what is on screen: the header, two slides (a crossfade or a slide and the
 * neighbour following a finger), the detail view and the controls, plus a spare. One that a
 * frame does not use is released after it: a slide that went costs no memory. */
#define CACHED 7 /* a frame uses up to six; one more for the slide prepared next */

struct cached {
    uint64_t key;
    SDL_Texture *tex;
    int w, h;
    Uint32 format;
    unsigned long last_use;
};

/* What an op of the header was, to tell what the next header changed. */
struct op_sig {
    struct rect r;
    uint64_t hash;
};

struct renderer {
    SDL_Renderer *r;
    struct fonts *fonts;
    struct cached cache[CACHED];
    uint64_t prepared; /* key of the slide renderer_prepare drew (0: none), kept till used */
    unsigned long clock;
    SDL_Texture *circle; /* white anti-aliased disc; corners of rounded shapes are cut from it */
    int circle_d;
    int rotation;       /* degrees clockwise: 0, 90, 180, 270 */
    SDL_Texture *frame; /* with a rotation: the frame as laid out, before it is turned */
    int frame_w, frame_h;
    SDL_Texture *corner; /* white, transparent in a disc: the outside of rounded corners */
    int corner_d;
    /* The playing video: its picture for this frame, and the texture it goes into. */
    const struct video_picture *pic;
    float progress;
    SDL_Texture *yuv;
    int yuv_w, yuv_h;
    const struct video_picture *uploaded; /* what is in yuv (pointer and time) */
    int64_t uploaded_pts;
    /* Partial frames: a renderer that draws into the window's own pixels (the software one)
     * keeps the last frame there, so a frame in which only the header changed (the clock)
     * draws and presents only the ops of the header that changed (renderer_damage). */
    bool keeps_frame;
    bool last_valid;
    struct frame_sig {
        uint64_t to, from, peek, detail, controls;
        int to_dx, peek_dx, scroll, w, h;
        float t;
        bool video;
    } last;
    struct op_sig *head_ops; /* the header ops of the last frame */
    size_t n_head_ops;
    SDL_Rect damage; /* what the last frame changed; w == 0: everything */
};

struct renderer *renderer_create(SDL_Renderer *r, struct fonts *fonts)
{
    struct renderer *rd = xcalloc(1, sizeof *rd);
    rd->r = r;
    rd->fonts = fonts;
    SDL_RendererInfo info;
    rd->keeps_frame = SDL_GetRendererInfo(r, &info) == 0 && (info.flags & SDL_RENDERER_SOFTWARE);
    return rd;
}

void renderer_flush(struct renderer *rd)
{
    rd->last_valid = false;
    for (int i = 0; i < CACHED; i++) {
        if (rd->cache[i].tex)
            SDL_DestroyTexture(rd->cache[i].tex);
        rd->cache[i] = (struct cached){0};
    }
    if (rd->circle)
        SDL_DestroyTexture(rd->circle);
    rd->circle = NULL;
    rd->circle_d = 0;
    if (rd->frame)
        SDL_DestroyTexture(rd->frame);
    rd->frame = NULL;
    rd->frame_w = rd->frame_h = 0;
    if (rd->corner)
        SDL_DestroyTexture(rd->corner);
    rd->corner = NULL;
    rd->corner_d = 0;
    if (rd->yuv)
        SDL_DestroyTexture(rd->yuv);
    rd->yuv = NULL;
    rd->yuv_w = rd->yuv_h = 0;
    rd->uploaded = NULL;
}

void renderer_set_video(struct renderer *rd, const struct video_picture *pic, float progress)
{
    rd->pic = pic;
    rd->progress = progress;
}

void renderer_set_rotation(struct renderer *rd, int degrees)
{
    degrees = ((degrees % 360) + 360) % 360;
    rd->rotation = degrees == 90 || degrees == 180 || degrees == 270 ? degrees : 0;
}

void renderer_logical_size(int rotation, int out_w, int out_h, int *w, int *h)
{
    bool turned = rotation == 90 || rotation == 270;
    *w = turned ? out_h : out_w;
    *h = turned ? out_w : out_h;
}

void renderer_destroy(struct renderer *rd)
{
    if (!rd)
        return;
    renderer_flush(rd);
    free(rd->head_ops);
    free(rd);
}

/* Coverage of a pixel centre by a disc, anti-aliased over one pixel. */
static uint8_t disc_alpha(double dx, double dy, double radius)
{
    double d = sqrt(dx * dx + dy * dy);
    double a = radius - d + 0.5;
    return a <= 0 ? 0 : a >= 1 ? 255 : (uint8_t)(a * 255);
}

/* A white disc of diameter d in a texture (inverse: white around a transparent disc), made
 * once per size and kept in *tex / *tex_d. */
static SDL_Texture *disc_texture(struct renderer *rd, SDL_Texture **tex, int *tex_d, int d,
                                 bool inverse)
{
    if (*tex && *tex_d == d)
        return *tex;
    if (*tex)
        SDL_DestroyTexture(*tex);
    *tex = NULL;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, d, d, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!s)
        return NULL;
    double r = d / 2.0;
    for (int y = 0; y < d; y++) {
        uint32_t *row = (uint32_t *)((uint8_t *)s->pixels + y * s->pitch);
        for (int x = 0; x < d; x++) {
            uint32_t a = disc_alpha(x + 0.5 - r, y + 0.5 - r, r);
            row[x] = ((inverse ? 255 - a : a) << 24) | 0xFFFFFFu;
        }
    }
    *tex = SDL_CreateTextureFromSurface(rd->r, s);
    SDL_FreeSurface(s);
    if (*tex) {
        SDL_SetTextureBlendMode(*tex, SDL_BLENDMODE_BLEND);
        SDL_SetTextureScaleMode(*tex, SDL_ScaleModeLinear);
        *tex_d = d;
    }
    return *tex;
}

static SDL_Texture *circle_texture(struct renderer *rd, int d)
{
    return disc_texture(rd, &rd->circle, &rd->circle_d, d, false);
}

/* Copies the four quarters of a disc texture of diameter 2 * rad to the corners of r. */
static void copy_corners(struct renderer *rd, SDL_Texture *disc, struct rect r, int rad)
{
    const SDL_Rect src[4] = {
        {0, 0, rad, rad}, {rad, 0, rad, rad}, {0, rad, rad, rad}, {rad, rad, rad, rad}};
    const SDL_Rect dst[4] = {{r.x, r.y, rad, rad},
                             {r.x + r.w - rad, r.y, rad, rad},
                             {r.x, r.y + r.h - rad, rad, rad},
                             {r.x + r.w - rad, r.y + r.h - rad, rad, rad}};
    for (int i = 0; i < 4; i++)
        SDL_RenderCopy(rd->r, disc, &src[i], &dst[i]);
}

/* A filled rectangle with rounded corners: the four corners come from the disc texture, the
 * rest is plain rectangles. */
static void fill_rounded(struct renderer *rd, struct rect r, int radius, struct rgba c)
{
    if (r.w <= 0 || r.h <= 0)
        return;
    int rad = radius;
    if (rad * 2 > r.w)
        rad = r.w / 2;
    if (rad * 2 > r.h)
        rad = r.h / 2;
    SDL_SetRenderDrawBlendMode(rd->r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(rd->r, c.r, c.g, c.b, c.a);
    if (rad <= 0) {
        SDL_RenderFillRect(rd->r, &(SDL_Rect){r.x, r.y, r.w, r.h});
        return;
    }
    SDL_RenderFillRect(rd->r, &(SDL_Rect){r.x + rad, r.y, r.w - 2 * rad, r.h});
    SDL_RenderFillRect(rd->r, &(SDL_Rect){r.x, r.y + rad, rad, r.h - 2 * rad});
    SDL_RenderFillRect(rd->r, &(SDL_Rect){r.x + r.w - rad, r.y + rad, rad, r.h - 2 * rad});
    SDL_Texture *disc = circle_texture(rd, rad * 2);
    if (!disc)
        return;
    SDL_SetTextureColorMod(disc, c.r, c.g, c.b);
    SDL_SetTextureAlphaMod(disc, c.a);
    copy_corners(rd, disc, r, rad);
}

static void draw_text(struct renderer *rd, const struct draw_op *op)
{
    const struct text_block *b = op->text;
    SDL_Color c = {op->color.r, op->color.g, op->color.b, op->color.a};
    for (size_t i = 0; i < b->n_lines; i++) {
        const struct text_line *l = &b->lines[i];
        int x = op->r.x;
        if (op->align == ALIGN_CENTER)
            x += (op->r.w - l->width) / 2;
        else if (op->align == ALIGN_RIGHT)
            x += op->r.w - l->width;
        int top = op->r.y + (int)i * b->line_height;
        int baseline = top + fonts_line_ascent(rd->fonts, b->face, b->px);
        for (size_t k = 0; k < l->n_runs; k++) {
            const struct text_run *run = &l->runs[k];
            int ascent = 0;
            SDL_Surface *s = fonts_render(rd->fonts, run->face, b->px, l->s + run->start, run->len,
                                          run->rtl, c, &ascent);
            if (!s)
                continue;
            SDL_Texture *t = SDL_CreateTextureFromSurface(rd->r, s);
            if (t) {
                SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
                SDL_RenderCopy(rd->r, t, NULL,
                               &(SDL_Rect){x + run->x, baseline - ascent, s->w, s->h});
                SDL_DestroyTexture(t);
            }
            SDL_FreeSurface(s);
        }
    }
}

/* Crops src to the aspect of w x h around its centre ("cover"), scales it smoothly to w x h,
 * and rounds the corners with an anti-aliased mask. Caller frees the result. */
static SDL_Surface *cover_surface(SDL_Surface *src, int w, int h, int radius)
{
    SDL_Surface *in = SDL_ConvertSurfaceFormat(src, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_Surface *out = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!in || !out) {
        SDL_FreeSurface(in);
        SDL_FreeSurface(out);
        return NULL;
    }
    double sa = (double)in->w / in->h, da = (double)w / h;
    SDL_Rect crop = {0, 0, in->w, in->h};
    if (sa > da) {
        crop.w = (int)(in->h * da + 0.5);
        crop.x = (in->w - crop.w) / 2;
    } else {
        crop.h = (int)(in->w / da + 0.5);
        crop.y = (in->h - crop.h) / 3; /* faces sit in the upper part of a portrait */
    }
    if (crop.w < 1)
        crop.w = 1;
    if (crop.h < 1)
        crop.h = 1;
    SDL_Surface *cropped = image_scale_surface(in, &crop, w, h);
    SDL_FreeSurface(in);
    if (!cropped) {
        SDL_FreeSurface(out);
        return NULL;
    }
    SDL_FreeSurface(out);
    out = cropped;
    if (radius > 0) {
        if (radius * 2 > w)
            radius = w / 2;
        if (radius * 2 > h)
            radius = h / 2;
        SDL_LockSurface(out);
        for (int y = 0; y < h; y++) {
            uint32_t *row = (uint32_t *)((uint8_t *)out->pixels + y * out->pitch);
            double cy = y + 0.5 < radius ? radius : y + 0.5 > h - radius ? h - radius : -1;
            if (cy < 0)
                continue;
            for (int x = 0; x < w; x++) {
                double cx = x + 0.5 < radius ? radius : x + 0.5 > w - radius ? w - radius : -1;
                if (cx < 0)
                    continue;
                uint32_t a = disc_alpha(x + 0.5 - cx, y + 0.5 - cy, radius);
                uint32_t pa = row[x] >> 24;
                row[x] = (row[x] & 0xFFFFFFu) | ((pa * a / 255) << 24);
            }
        }
        SDL_UnlockSurface(out);
    }
    return out;
}

static void draw_image(struct renderer *rd, const struct draw_op *op, render_image_fn lookup,
                       void *ctx)
{
    SDL_Surface *src = lookup ? lookup(ctx, op->url) : NULL;
    SDL_Surface *s =
        src && op->r.w > 0 && op->r.h > 0 ? cover_surface(src, op->r.w, op->r.h, op->radius) : NULL;
    if (!s) {
        /* Decoded a moment ago, gone now (or a scaling failure): a quiet neutral shape. */
        fill_rounded(rd, op->r, op->radius, (struct rgba){200, 200, 200, 255});
        return;
    }
    SDL_Texture *t = SDL_CreateTextureFromSurface(rd->r, s);
    if (t) {
        SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
        SDL_RenderCopy(rd->r, t, NULL, &(SDL_Rect){op->r.x, op->r.y, op->r.w, op->r.h});
        SDL_DestroyTexture(t);
    }
    SDL_FreeSurface(s);
}

/* A QR code: a light square (the quiet zone included), then the dark modules at a whole
 * number of pixels each, so that no module is blurred by scaling. */
static void draw_qr(struct renderer *rd, const struct draw_op *op)
{
    const struct qr *q = op->qr;
    int span = q->size + 2 * QR_QUIET_ZONE, m = op->r.w / span;
    if (m < 1)
        return;
    SDL_SetRenderDrawBlendMode(rd->r, SDL_BLENDMODE_NONE);
    SDL_SetRenderDrawColor(rd->r, 255, 255, 255, 255);
    SDL_RenderFillRect(rd->r, &(SDL_Rect){op->r.x, op->r.y, span * m, span * m});
    SDL_SetRenderDrawColor(rd->r, op->color.r, op->color.g, op->color.b, 255);
    for (int y = 0; y < q->size; y++) {
        for (int x = 0; x < q->size;) {
            if (!qr_dark(q, x, y)) {
                x++;
                continue;
            }
            int run = 1; /* a row's run of dark modules is one rectangle */
            while (qr_dark(q, x + run, y))
                run++;
            SDL_RenderFillRect(rd->r, &(SDL_Rect){op->r.x + (QR_QUIET_ZONE + x) * m,
                                                  op->r.y + (QR_QUIET_ZONE + y) * m, run * m, m});
            x += run;
        }
    }
}

/* Draws d into the current target, whose top-left corner is at (ox, oy) of the list's
 * coordinates. A clear colour with alpha 0 leaves the background transparent. */
static void execute(struct renderer *rd, const struct draw_list *d, int ox, int oy,
                    render_image_fn lookup, void *ctx)
{
    SDL_SetRenderDrawBlendMode(rd->r, SDL_BLENDMODE_NONE);
    SDL_SetRenderDrawColor(rd->r, d->clear.r, d->clear.g, d->clear.b, d->clear.a ? 255 : 0);
    SDL_RenderClear(rd->r);
    for (size_t i = 0; i < d->n; i++) {
        struct draw_op moved = d->ops[i];
        moved.r.x -= ox;
        moved.r.y -= oy;
        const struct draw_op *op = &moved;
        switch (op->kind) {
        case DRAW_RECT:
            fill_rounded(rd, op->r, op->radius, op->color);
            break;
        case DRAW_TEXT:
            draw_text(rd, op);
            break;
        case DRAW_IMAGE:
            draw_image(rd, op, lookup, ctx);
            break;
        case DRAW_QR:
            draw_qr(rd, op);
            break;
        case DRAW_VIDEO:
            /* The slide shows the video's first frame where no photo is under it; the frames
             * are drawn over the slide while it plays. */
            if (op->poster)
                draw_image(rd, op, lookup, ctx);
            break;
        case DRAW_KIND_COUNT:
            break;
        }
    }
}

/* The texture holding the part area of draw list d under key, rendering it first if it is
 * not cached. */
static SDL_Texture *texture_for(struct renderer *rd, const struct draw_list *d, uint64_t key,
                                struct rect area, render_image_fn lookup, void *ctx)
{
    int w = area.w, h = area.h;
    if (w <= 0 || h <= 0)
        return NULL;
    int slot = 0;
    for (int i = 0; i < CACHED; i++) {
        if (rd->cache[i].tex && rd->cache[i].key == key && rd->cache[i].w == w &&
            rd->cache[i].h == h) {
            rd->cache[i].last_use = rd->clock;
            return rd->cache[i].tex;
        }
        if (rd->cache[i].last_use < rd->cache[slot].last_use)
            slot = i;
    }
    struct cached *c = &rd->cache[slot];
    /* Slides are opaque: without an alpha channel SDL's software renderer blends a crossfade
     * with its SIMD blitter, about five times faster than per pixel (docs/performance.md).
     * Only the controls, drawn over a slide, need one. */
    Uint32 format = d->clear.a ? SDL_PIXELFORMAT_RGB888 : SDL_PIXELFORMAT_ARGB8888;
    if (c->tex && (c->w != w || c->h != h || c->format != format)) {
        SDL_DestroyTexture(c->tex);
        c->tex = NULL;
    }
    if (!c->tex) {
        c->tex = SDL_CreateTexture(rd->r, format, SDL_TEXTUREACCESS_TARGET, w, h);
        if (!c->tex) {
            log_error("cannot create a %dx%d texture: %s", w, h, SDL_GetError());
            *c = (struct cached){0};
            return NULL;
        }
    }
    c->key = key;
    c->w = w;
    c->h = h;
    c->format = format;
    c->last_use = rd->clock;
    SDL_Texture *old = SDL_GetRenderTarget(rd->r);
    if (SDL_SetRenderTarget(rd->r, c->tex) != 0) {
        log_error("cannot draw into a texture: %s", SDL_GetError());
        SDL_DestroyTexture(c->tex);
        *c = (struct cached){0};
        return NULL;
    }
    Uint32 t0 = SDL_GetTicks();
    execute(rd, d, area.x, area.y, lookup, ctx);
    SDL_SetRenderTarget(rd->r, old);
    log_debug("draw list %llu rendered in %u ms", (unsigned long long)key, SDL_GetTicks() - t0);
    return c->tex;
}

/* The smallest rectangle holding every op of d. */
static struct rect bounds_of(const struct draw_list *d)
{
    int x0 = INT32_MAX, y0 = INT32_MAX, x1 = INT32_MIN, y1 = INT32_MIN;
    for (size_t i = 0; i < d->n; i++) {
        const struct rect r = d->ops[i].r;
        x0 = r.x < x0 ? r.x : x0;
        y0 = r.y < y0 ? r.y : y0;
        x1 = r.x + r.w > x1 ? r.x + r.w : x1;
        y1 = r.y + r.h > y1 ? r.y + r.h : y1;
    }
    return d->n ? (struct rect){x0, y0, x1 - x0, y1 - y0} : (struct rect){0, 0, 0, 0};
}

/* Copies the body part of a slide texture, moved dx pixels sideways. */
static void copy_body(struct renderer *rd, SDL_Texture *t, SDL_Rect body, int dx)
{
    SDL_Rect dst = {body.x + dx, body.y, body.w, body.h};
    SDL_RenderCopy(rd->r, t, &body, &dst);
}

/* The detail view: the slide dimmed, the card, and the visible part of the content. */
static void draw_detail(struct renderer *rd, const struct app_frame *f, SDL_Texture *t,
                        SDL_Rect body)
{
    const struct detail_geom *g = &f->geom;
    SDL_SetRenderDrawBlendMode(rd->r, SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(rd->r, 0, 0, 0, 120);
    SDL_RenderFillRect(rd->r, &body);
    struct rgba card = f->detail->clear;
    card.a = 255;
    fill_rounded(rd, g->card, g->view.x - g->card.x, card);
    int h =
        g->content_h - f->detail_scroll < g->view.h ? g->content_h - f->detail_scroll : g->view.h;
    if (h > 0) {
        SDL_SetTextureBlendMode(t, SDL_BLENDMODE_NONE);
        SDL_RenderCopy(rd->r, t, &(SDL_Rect){0, f->detail_scroll, g->view.w, h},
                       &(SDL_Rect){g->view.x, g->view.y, g->view.w, h});
    }
}

/* The playing video's picture in f->video.r (moved dx sideways, at alpha), cropped to fill
 * it ("cover"), with its corners rounded and the progress line. */
static void draw_video(struct renderer *rd, const struct app_frame *f, int dx, Uint8 alpha)
{
    const struct video_picture *pic = rd->pic;
    const struct app_video *v = &f->video;
    if (!pic || !v->url || v->r.w <= 0 || v->r.h <= 0 || pic->w <= 0 || pic->h <= 0)
        return;
    if (rd->yuv && (rd->yuv_w != pic->w || rd->yuv_h != pic->h)) {
        SDL_DestroyTexture(rd->yuv);
        rd->yuv = NULL;
    }
    /* The matrix the decoder says (limited range); SDL applies it when converting. */
    SDL_SetYUVConversionMode(pic->colors == VIDEO_COLORS_BT709 ? SDL_YUV_CONVERSION_BT709
                                                               : SDL_YUV_CONVERSION_BT601);
    if (!rd->yuv) {
        rd->yuv = SDL_CreateTexture(rd->r, SDL_PIXELFORMAT_IYUV, SDL_TEXTUREACCESS_STREAMING,
                                    pic->w, pic->h);
        if (!rd->yuv) {
            log_error("cannot create a %dx%d video texture: %s", pic->w, pic->h, SDL_GetError());
            return;
        }
        rd->yuv_w = pic->w;
        rd->yuv_h = pic->h;
        rd->uploaded = NULL;
    }
    if (rd->uploaded != pic || rd->uploaded_pts != pic->pts_ms) {
        if (SDL_UpdateYUVTexture(rd->yuv, NULL, pic->planes[0], pic->pitches[0], pic->planes[1],
                                 pic->pitches[1], pic->planes[2], pic->pitches[2]) != 0) {
            log_error("cannot upload a video frame: %s", SDL_GetError());
            return;
        }
        rd->uploaded = pic;
        rd->uploaded_pts = pic->pts_ms;
    }
    struct rect r = {v->r.x + dx, v->r.y, v->r.w, v->r.h};
    /* Fill the area, cropping the video around its centre (faces sit high: a third). */
    double sa = (double)pic->w / pic->h, da = (double)r.w / r.h;
    SDL_Rect src = {0, 0, pic->w, pic->h};
    if (sa > da) {
        src.w = (int)(pic->h * da + 0.5);
        src.x = (pic->w - src.w) / 2;
    } else {
        src.h = (int)(pic->w / da + 0.5);
        src.y = (pic->h - src.h) / 3;
    }
    SDL_Rect clip = {v->clip.x, v->clip.y, v->clip.w, v->clip.h};
    SDL_RenderSetClipRect(rd->r, &clip);
    SDL_SetTextureBlendMode(rd->yuv, alpha < 255 ? SDL_BLENDMODE_BLEND : SDL_BLENDMODE_NONE);
    SDL_SetTextureAlphaMod(rd->yuv, alpha);
    SDL_RenderCopy(rd->r, rd->yuv, &src, &(SDL_Rect){r.x, r.y, r.w, r.h});
    int rad = v->radius;
    if (rad * 2 > r.w)
        rad = r.w / 2;
    if (rad * 2 > r.h)
        rad = r.h / 2;
    if (rad > 0) {
        SDL_Texture *corner = disc_texture(rd, &rd->corner, &rd->corner_d, rad * 2, true);
        if (corner) {
            SDL_SetTextureColorMod(corner, v->corner.r, v->corner.g, v->corner.b);
            SDL_SetTextureAlphaMod(corner, alpha);
            copy_corners(rd, corner, r, rad);
        }
    }
    if (rd->progress >= 0) {
        /* A quiet line: how much of the video is left, without drawing the eye. */
        int th = r.h / 90 > 2 ? r.h / 90 : 2, inset = rad > th * 2 ? rad : th * 2;
        int len = r.w - 2 * inset;
        float p = rd->progress > 1 ? 1 : rd->progress;
        SDL_SetRenderDrawBlendMode(rd->r, SDL_BLENDMODE_BLEND);
        SDL_SetRenderDrawColor(rd->r, 0, 0, 0, (Uint8)(70 * alpha / 255));
        SDL_RenderFillRect(rd->r, &(SDL_Rect){r.x + inset, r.y + r.h - 3 * th, len, th});
        SDL_SetRenderDrawColor(rd->r, 255, 255, 255, (Uint8)(210 * alpha / 255));
        SDL_RenderFillRect(rd->r, &(SDL_Rect){r.x + inset, r.y + r.h - 3 * th, (int)(len * p), th});
    }
    SDL_RenderSetClipRect(rd->r, NULL);
}

/* Composes the frame (w x h, as laid out) into the current target. */
static struct frame_sig sig_of(const struct app_frame *f, int w, int h)
{
    return (struct frame_sig){.to = f->to ? f->to_key : 0,
                              .from = f->from ? f->from_key : 0,
                              .peek = f->peek ? f->peek_key : 0,
                              .detail = f->detail ? f->detail_key : 0,
                              .controls = f->controls ? f->controls_key : 0,
                              .to_dx = f->to_dx,
                              .peek_dx = f->peek ? f->peek_dx : 0,
                              .scroll = f->detail ? f->detail_scroll : 0,
                              .w = w,
                              .h = h,
                              .t = f->from ? f->t : 1.0f,
                              .video = f->video.url != NULL};
}

static bool same_sig(const struct frame_sig *a, const struct frame_sig *b)
{
    return a->to == b->to && a->from == b->from && a->peek == b->peek && a->detail == b->detail &&
           a->controls == b->controls && a->to_dx == b->to_dx && a->peek_dx == b->peek_dx &&
           a->scroll == b->scroll && a->w == b->w && a->h == b->h && a->t == b->t &&
           a->video == b->video;
}

static void remember_header(struct renderer *rd, const struct draw_list *head)
{
    size_t n = head ? head->n : 0;
    rd->head_ops = xrealloc(rd->head_ops, (n ? n : 1) * sizeof *rd->head_ops);
    for (size_t i = 0; i < n; i++)
        rd->head_ops[i] = (struct op_sig){head->ops[i].r, draw_op_hash(&head->ops[i])};
    rd->n_head_ops = n;
}

/* Whether this frame differs from the last one (still in the window's pixels) only in ops of
 * the header: then rd->damage is where, within the band, and only that is drawn. */
static bool header_only(struct renderer *rd, const struct app_frame *f, int w, int h,
                        SDL_Texture *head, SDL_Rect band)
{
    struct frame_sig sig = sig_of(f, w, h);
    bool same = rd->last_valid && same_sig(&sig, &rd->last);
    rd->last = sig;
    rd->last_valid = rd->keeps_frame && rd->rotation == 0 && !sig.video;
    if (!same || !head || !f->header || f->header->n != rd->n_head_ops || band.h <= 0)
        return false;
    int x0 = INT32_MAX, y0 = INT32_MAX, x1 = INT32_MIN, y1 = INT32_MIN;
    for (size_t i = 0; i < rd->n_head_ops; i++) {
        const struct draw_op *op = &f->header->ops[i];
        if (draw_op_hash(op) == rd->head_ops[i].hash)
            continue;
        const struct rect a = op->r, b = rd->head_ops[i].r;
        x0 = a.x < x0 ? a.x : x0, x0 = b.x < x0 ? b.x : x0;
        y0 = a.y < y0 ? a.y : y0, y0 = b.y < y0 ? b.y : y0;
        x1 = a.x + a.w > x1 ? a.x + a.w : x1, x1 = b.x + b.w > x1 ? b.x + b.w : x1;
        y1 = a.y + a.h > y1 ? a.y + a.h : y1, y1 = b.y + b.h > y1 ? b.y + b.h : y1;
    }
    /* Nothing changed (the window was exposed, say): the whole frame, to be sure. */
    if (x0 >= x1 || y0 >= y1)
        return false;
    SDL_Rect changed = {x0, y0, x1 - x0, y1 - y0};
    return SDL_IntersectRect(&changed, &band, &rd->damage);
}

void renderer_clear(struct renderer *rd)
{
    rd->last_valid = false;
    rd->damage = (SDL_Rect){0, 0, 0, 0};
    SDL_SetRenderDrawColor(rd->r, 0, 0, 0, 255);
    SDL_RenderClear(rd->r);
}

bool renderer_damage(const struct renderer *rd, SDL_Rect *r)
{
    if (rd->damage.w <= 0)
        return false;
    *r = rd->damage;
    return true;
}

static bool compose(struct renderer *rd, const struct app_frame *f, int w, int h,
                    render_image_fn lookup, void *ctx)
{
    rd->clock++;
    unsigned long frame_start = rd->clock;
    SDL_Rect header = {0, 0, w, 0};
    if (f->header && f->header->n > 0) {
        const struct rect hr = f->header->ops[0].r; /* the band is the first op */
        header = (SDL_Rect){hr.x, hr.y, hr.w, hr.h};
    }
    struct rect all = {0, 0, w, h};
    /* Keep the textures of this frame from evicting each other: render all first. */
    SDL_Texture *to = f->to ? texture_for(rd, f->to, f->to_key, all, lookup, ctx) : NULL;
    SDL_Texture *from = f->from ? texture_for(rd, f->from, f->from_key, all, lookup, ctx) : NULL;
    SDL_Texture *peek = f->peek ? texture_for(rd, f->peek, f->peek_key, all, lookup, ctx) : NULL;
    /* The header texture only needs to reach down to the band's bottom edge. */
    SDL_Texture *head = f->header && header.h > 0
                            ? texture_for(rd, f->header, f->header_key,
                                          (struct rect){0, 0, w, header.y + header.h}, lookup, ctx)
                            : NULL;
    struct rect cb = f->controls ? bounds_of(f->controls) : (struct rect){0, 0, 0, 0};
    SDL_Texture *controls =
        f->controls ? texture_for(rd, f->controls, f->controls_key, cb, lookup, ctx) : NULL;
    SDL_Texture *detail =
        f->detail ? texture_for(rd, f->detail, f->detail_key,
                                (struct rect){0, 0, f->geom.view.w, f->geom.content_h}, lookup, ctx)
                  : NULL;
    if ((f->to && !to) || (f->detail && !detail)) {
        rd->last_valid = false;
        return false;
    }

    bool partial = header_only(rd, f, w, h, head, header);
    if (partial) {
        SDL_SetTextureBlendMode(head, SDL_BLENDMODE_NONE);
        SDL_RenderCopy(rd->r, head, &rd->damage, &rd->damage);
        goto done;
    }
    rd->damage = (SDL_Rect){0, 0, 0, 0};
    SDL_SetRenderDrawColor(rd->r, 0, 0, 0, 255);
    SDL_RenderClear(rd->r);
    /* Slides are copied below the header only: the band never takes part in the fade. */
    SDL_Rect body = {0, header.y + header.h, w, h - (header.y + header.h)};
    /* A crossfade's ends are plain copies: SDL's software renderer has no fast blitter for
     * an opaque texture blended at full alpha (its generic one took 30 ms at 1080p). */
    Uint8 alpha = from ? (Uint8)lroundf(f->t * 255.0f) : 255;
    if (from && alpha < 255) {
        SDL_SetTextureBlendMode(from, SDL_BLENDMODE_NONE);
        copy_body(rd, from, body, 0);
    }
    if (to && alpha > 0) {
        bool blend = from && alpha < 255;
        SDL_SetTextureBlendMode(to, blend ? SDL_BLENDMODE_BLEND : SDL_BLENDMODE_NONE);
        SDL_SetTextureAlphaMod(to, blend ? alpha : 255);
        copy_body(rd, to, body, f->to_dx);
    }
    if (peek) {
        SDL_SetTextureBlendMode(peek, SDL_BLENDMODE_NONE);
        SDL_SetTextureAlphaMod(peek, 255);
        copy_body(rd, peek, body, f->peek_dx);
    }
    if (!f->video.in_detail)
        draw_video(rd, f, f->to_dx, alpha);
    if (detail)
        draw_detail(rd, f, detail, body);
    if (detail && f->video.in_detail)
        draw_video(rd, f, 0, 255);
    if (controls) {
        SDL_SetTextureBlendMode(controls, SDL_BLENDMODE_BLEND);
        SDL_RenderCopy(rd->r, controls, NULL, &(SDL_Rect){cb.x, cb.y, cb.w, cb.h});
    }
    if (head) {
        SDL_SetTextureBlendMode(head, SDL_BLENDMODE_NONE);
        SDL_RenderCopy(rd->r, head, &header, &header);
    }
done:
    remember_header(rd, f->header);
    /* What this frame did not use is not on screen any more (the prepared slide will be). */
    if (rd->prepared && (f->to_key == rd->prepared || f->from_key == rd->prepared))
        rd->prepared = 0;
    for (int i = 0; i < CACHED; i++) {
        if (rd->cache[i].tex && rd->cache[i].last_use < frame_start &&
            (!rd->prepared || rd->cache[i].key != rd->prepared)) {
            SDL_DestroyTexture(rd->cache[i].tex);
            rd->cache[i] = (struct cached){0};
        }
    }
    return true;
}

bool renderer_prepare(struct renderer *rd, const struct draw_list *d, uint64_t key,
                      render_image_fn lookup, void *ctx)
{
    int ow, oh, w, h;
    if (SDL_GetRendererOutputSize(rd->r, &ow, &oh) != 0)
        return false;
    renderer_logical_size(rd->rotation, ow, oh, &w, &h);
    /* The slide prepared before, not shown after all, may go now. */
    rd->prepared = 0;
    rd->clock++;
    if (!texture_for(rd, d, key, (struct rect){0, 0, w, h}, lookup, ctx))
        return false;
    rd->prepared = key;
    return true;
}

bool renderer_draw(struct renderer *rd, const struct app_frame *f, render_image_fn lookup,
                   void *ctx)
{
    int ow, oh, w, h;
    if (SDL_GetRendererOutputSize(rd->r, &ow, &oh) != 0)
        return false;
    if (rd->rotation == 0)
        return compose(rd, f, ow, oh, lookup, ctx);
    /* A panel on its side: the frame is composed as laid out, then turned onto the output in
     * one copy, so everything else (layout, textures, crossfade) never knows. */
    renderer_logical_size(rd->rotation, ow, oh, &w, &h);
    if (rd->frame && (rd->frame_w != w || rd->frame_h != h)) {
        SDL_DestroyTexture(rd->frame);
        rd->frame = NULL;
    }
    if (!rd->frame) {
        rd->frame =
            SDL_CreateTexture(rd->r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, w, h);
        if (!rd->frame) {
            log_error("cannot create a %dx%d texture: %s", w, h, SDL_GetError());
            return false;
        }
        rd->frame_w = w;
        rd->frame_h = h;
    }
    SDL_Texture *old = SDL_GetRenderTarget(rd->r);
    if (SDL_SetRenderTarget(rd->r, rd->frame) != 0) {
        log_error("cannot draw into a texture: %s", SDL_GetError());
        return false;
    }
    bool ok = compose(rd, f, w, h, lookup, ctx);
    SDL_SetRenderTarget(rd->r, old);
    if (!ok)
        return false;
    SDL_SetRenderDrawColor(rd->r, 0, 0, 0, 255);
    SDL_RenderClear(rd->r);
    SDL_SetTextureBlendMode(rd->frame, SDL_BLENDMODE_NONE);
    /* SDL turns around the destination's centre: centre the unturned frame on the output. */
    SDL_FRect dst = {(float)(ow - w) / 2.0f, (float)(oh - h) / 2.0f, (float)w, (float)h};
    return SDL_RenderCopyExF(rd->r, rd->frame, NULL, &dst, (double)rd->rotation, NULL,
                             SDL_FLIP_NONE) == 0;
}
