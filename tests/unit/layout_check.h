/* Shared by the layout tests (unit, with stubbed metrics) and the edge tests (real fonts):
 * reading the layout files, the automatic choice, and the checks every draw list must pass.
 * Include after cmocka.h. */
#ifndef PRIKBORD_TEST_LAYOUT_CHECK_H
#define PRIKBORD_TEST_LAYOUT_CHECK_H

#include "layout.h"
#include "util.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- files ---- */

static inline char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    struct strbuf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        strbuf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return b.data ? b.data : xstrdup("");
}

static inline const char *source_dir(void)
{
    const char *d = getenv("PRIKBORD_SOURCE_DIR");
    if (!d)
        fail_msg("PRIKBORD_SOURCE_DIR is not set (run through ctest)");
    return d;
}

/* Every layouts/NAME.json, in directory order; the caller frees the array and its strings. */
static inline size_t layout_files(char ***out)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/layouts", source_dir());
    DIR *d = opendir(dir);
    if (!d)
        fail_msg("cannot open %s", dir);
    char **files = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0) {
            files = xrealloc(files, (n + 1) * sizeof *files);
            files[n++] = xasprintf("%s/%s", dir, e->d_name);
        }
    }
    closedir(d);
    *out = files;
    return n;
}

/* Every layout in layouts/, parsed, in file name order; the caller frees with free_layouts. */
static inline size_t load_layouts(struct layout ***out)
{
    char **files;
    size_t n = layout_files(&files);
    /* file name order, as main.c's choice reads them */
    for (size_t i = 1; i < n; i++)
        for (size_t k = i; k > 0 && strcmp(files[k - 1], files[k]) > 0; k--) {
            char *t = files[k];
            files[k] = files[k - 1];
            files[k - 1] = t;
        }
    struct layout **ls = xcalloc(n ? n : 1, sizeof *ls);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        char *json = read_all(files[i], &len);
        char err[256] = "";
        ls[i] = layout_parse(json, len, err, sizeof err);
        if (!ls[i])
            fail_msg("%s: %s", files[i], err);
        free(json);
        free(files[i]);
    }
    free(files);
    *out = ls;
    return n;
}

static inline void free_layouts(struct layout **ls, size_t n)
{
    for (size_t i = 0; i < n; i++)
        layout_destroy(ls[i]);
    free(ls);
}

/* What main.c's automatic choice does: the best by layout_compare_fit, the first on a tie. */
static inline const struct layout *choose(struct layout *const *ls, size_t n, int w, int h)
{
    const struct layout *best = NULL;
    for (size_t i = 0; i < n; i++)
        if (!best || layout_compare_fit(ls[i], best, w, h) < 0)
            best = ls[i];
    return best;
}

/* ---- geometry ---- */

/* The pixel rectangle of a fraction rectangle, worked out here from the layout's numbers. */
static inline struct rect px_rect(struct frect f, int w, int h)
{
    long x = lround((double)f.x * w), y = lround((double)f.y * h);
    long x2 = lround(((double)f.x + (double)f.w) * w), y2 = lround(((double)f.y + (double)f.h) * h);
    return (struct rect){(int)x, (int)y, (int)(x2 - x), (int)(y2 - y)};
}

static inline struct rect circle_in(struct rect r)
{
    int s = r.w < r.h ? r.w : r.h;
    return (struct rect){r.x, r.y + (r.h - s) / 2, s, s};
}

static inline bool rect_equal(struct rect a, struct rect b)
{
    return a.x == b.x && a.y == b.y && a.w == b.w && a.h == b.h;
}

static inline bool rect_inside(struct rect in, struct rect out)
{
    return in.w >= 0 && in.h >= 0 && in.x >= out.x && in.y >= out.y &&
           in.x + in.w <= out.x + out.w && in.y + in.h <= out.y + out.h;
}

static inline bool color_equal(struct rgba a, struct rgba b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a;
}

/* The box text of region id may use: its rectangle, reaching up to where the region it follows
 * may start (an empty followed region gives up its place). */
static inline struct rect allowed_box(const struct region *regs, enum region_id id, bool no_photo,
                                      int w, int h, int depth)
{
    const struct region *r = &regs[id];
    struct rect box = px_rect(no_photo && r->has_rect_no_photo ? r->rect_no_photo : r->rect, w, h);
    if (r->follows != REG_COUNT && depth < REG_COUNT) {
        struct rect up = allowed_box(regs, r->follows, no_photo, w, h, depth + 1);
        if (up.y < box.y) {
            box.h += box.y - up.y;
            box.y = up.y;
        }
    }
    return box;
}

/* Whether op lies inside one of the slide's regions (either variant of each). */
static inline bool in_some_region(const struct draw_op *op, const struct region *regs, int w, int h)
{
    for (int id = 0; id < REG_COUNT; id++) {
        if (!regs[id].present || id == REG_CARD)
            continue;
        if (rect_inside(op->r, allowed_box(regs, (enum region_id)id, false, w, h, 0)) ||
            rect_inside(op->r, allowed_box(regs, (enum region_id)id, true, w, h, 0)))
            return true;
    }
    return false;
}

/* What every draw list must satisfy: each op on the screen, each text op holding a block that
 * fits its rectangle, each image op naming a URL, and everything but the footer on the card. */
static inline void check_ops(const struct draw_list *d, const struct layout *l,
                             enum slide_kind kind, int w, int h)
{
    struct rect screen = {0, 0, w, h};
    const struct region *card = &l->slides[kind][REG_CARD];
    const struct region *footer = &l->slides[kind][REG_FOOTER];
    struct rect card_px = px_rect(card->rect, w, h), footer_px = px_rect(footer->rect, w, h);
    assert_true(d->n > 0);
    for (size_t i = 0; i < d->n; i++) {
        const struct draw_op *op = &d->ops[i];
        if (!rect_inside(op->r, screen))
            fail_msg("op %zu (kind %d) at %d,%d %dx%d is off the %dx%d screen", i, op->kind,
                     op->r.x, op->r.y, op->r.w, op->r.h, w, h);
        switch (op->kind) {
        case DRAW_TEXT: {
            const struct text_block *b = op->text;
            assert_non_null(b);
            assert_true(b->n_lines > 0);
            assert_true(b->height <= op->r.h);
            for (size_t k = 0; k < b->n_lines; k++)
                if (b->lines[k].width > op->r.w)
                    fail_msg("line \"%s\" is %d px, its box %d px", b->lines[k].s,
                             b->lines[k].width, op->r.w);
            assert_null(op->url);
            break;
        }
        case DRAW_IMAGE:
        case DRAW_VIDEO:
            assert_non_null(op->url);
            assert_null(op->text);
            break;
        case DRAW_RECT:
            assert_null(op->text);
            assert_null(op->url);
            break;
        case DRAW_QR:
            /* square, whole pixels per module, the quiet zone included */
            assert_non_null(op->qr);
            assert_int_equal(op->r.w, op->r.h);
            assert_int_equal(op->r.w % (op->qr->size + 2 * QR_QUIET_ZONE), 0);
            assert_true(op->r.w / (op->qr->size + 2 * QR_QUIET_ZONE) >= 2);
            break;
        case DRAW_KIND_COUNT:
            fail();
        }
        if (i == 0 && card->present) {
            assert_int_equal(op->kind, DRAW_RECT);
            assert_true(rect_equal(op->r, card_px));
            continue;
        }
        bool in_footer = footer->present && rect_inside(op->r, footer_px);
        if (card->present && !in_footer && !rect_inside(op->r, card_px))
            fail_msg("op %zu (kind %d) at %d,%d %dx%d leaves the card", i, op->kind, op->r.x,
                     op->r.y, op->r.w, op->r.h);
        if (!in_some_region(op, l->slides[kind], w, h))
            fail_msg("op %zu (kind %d) at %d,%d %dx%d is in none of the slide's regions", i,
                     op->kind, op->r.x, op->r.y, op->r.w, op->r.h);
        /* And in the very region it was placed for. */
        if (op->region == REG_COUNT || !l->slides[kind][op->region].present)
            fail_msg("op %zu (kind %d) names no region of the slide", i, op->kind);
        const struct region *regs = l->slides[kind];
        if (!rect_inside(op->r, allowed_box(regs, op->region, false, w, h, 0)) &&
            !rect_inside(op->r, allowed_box(regs, op->region, true, w, h, 0)))
            fail_msg("op %zu (kind %d) at %d,%d %dx%d leaves its region %s", i, op->kind, op->r.x,
                     op->r.y, op->r.w, op->r.h, region_name(op->region));
    }
}

#endif
