#define LOG_MODULE "layout"
#include "layout.h"
#include "log.h"
#include "util.h"

#include "builtin_layout.h" /* generated from layouts/landscape.json by CMake */

#include <cjson/cJSON.h>

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const color_names[] = {
    [COL_BACKGROUND] = "background",
    [COL_SURFACE] = "surface",
    [COL_TEXT] = "text",
    [COL_MUTED] = "muted",
    [COL_ACCENT] = "accent",
    [COL_HEADER_BACKGROUND] = "header_background",
    [COL_HEADER_TEXT] = "header_text",
    [COL_ON_ACCENT] = "on_accent",
};
static_assert(ARRAY_LEN(color_names) == COL_COUNT, "one name per colour role");

static const char *const region_names[] = {
    [REG_CARD] = "card",     [REG_LABEL] = "label",
    [REG_PHOTO] = "photo",   [REG_AVATAR] = "avatar",
    [REG_NAME] = "name",     [REG_ROLE] = "role",
    [REG_META] = "meta",     [REG_TITLE] = "title",
    [REG_BODY] = "body",     [REG_RECIPIENTS] = "recipients",
    [REG_BADGE] = "badge",   [REG_REACTIONS] = "reactions",
    [REG_FOOTER] = "footer", [REG_QR] = "qr",
    [REG_CTA] = "cta",
};
static_assert(ARRAY_LEN(region_names) == REG_COUNT, "one name per region");

static const char *const slide_names[] = {
    [SLIDE_POST] = "post",         [SLIDE_INTRODUCTION] = "introduction",
    [SLIDE_SHOUTOUT] = "shoutout", [SLIDE_HELP_REQUEST] = "help_request",
    [SLIDE_STATUS] = "status",
};
static_assert(ARRAY_LEN(slide_names) == SLIDE_KIND_COUNT, "one name per slide kind");

const char *color_role_name(enum color_role c)
{
    return (unsigned)c < COL_COUNT ? color_names[c] : "?";
}

const char *region_name(enum region_id r)
{
    return (unsigned)r < REG_COUNT ? region_names[r] : "?";
}

static int lookup(const char *const *names, int n, const char *s)
{
    for (int i = 0; s && i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

struct parse_ctx {
    char *err;
    size_t errlen;
    bool failed;
};

static void fail(struct parse_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct parse_ctx *c, const char *fmt, ...)
{
    if (c->failed)
        return;
    c->failed = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, c->errlen, fmt, ap);
    va_end(ap);
}

static bool parse_color(const char *s, struct rgba *out)
{
    unsigned v[4] = {0, 0, 0, 255};
    size_t len = s ? strlen(s) : 0;
    if ((len != 7 && len != 9) || s[0] != '#')
        return false;
    for (size_t i = 1; i < len; i++) {
        char ch = s[i];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')))
            return false;
    }
    for (size_t i = 0; i < (len - 1) / 2; i++) {
        char hex[3] = {s[1 + 2 * i], s[2 + 2 * i], 0};
        v[i] = (unsigned)strtoul(hex, NULL, 16);
    }
    *out = (struct rgba){(uint8_t)v[0], (uint8_t)v[1], (uint8_t)v[2], (uint8_t)v[3]};
    return true;
}

static bool parse_frect(struct parse_ctx *c, const cJSON *a, const char *path, struct frect *out)
{
    float v[4];
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != 4) {
        fail(c, "%s: expected [x, y, w, h] in screen fractions", path);
        return false;
    }
    for (int i = 0; i < 4; i++) {
        const cJSON *n = cJSON_GetArrayItem(a, i);
        if (!cJSON_IsNumber(n) || n->valuedouble < -1 || n->valuedouble > 2) {
            fail(c, "%s: element %d is not a number between -1 and 2", path, i + 1);
            return false;
        }
        v[i] = (float)n->valuedouble;
    }
    if (v[2] < 0 || v[3] < 0) {
        fail(c, "%s: width and height must not be negative", path);
        return false;
    }
    *out = (struct frect){v[0], v[1], v[2], v[3]};
    return true;
}

static float parse_fraction(struct parse_ctx *c, const cJSON *o, const char *key, const char *path,
                            float def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v)
        return def;
    if (!cJSON_IsNumber(v) || v->valuedouble <= 0 || v->valuedouble > 1) {
        fail(c, "%s.%s: expected a number above 0 and at most 1 (a fraction of the screen)", path,
             key);
        return def;
    }
    return (float)v->valuedouble;
}

static int parse_enum(struct parse_ctx *c, const cJSON *o, const char *key, const char *path,
                      const char *const *names, int n, int def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v)
        return def;
    int i = cJSON_IsString(v) ? lookup(names, n, v->valuestring) : -1;
    if (i < 0) {
        struct strbuf b = {0};
        for (int k = 0; k < n; k++)
            strbuf_appendf(&b, "%s%s", k ? ", " : "", names[k]);
        fail(c, "%s.%s: expected one of %s", path, key, b.data);
        strbuf_free(&b);
        return def;
    }
    return i;
}

/* Regions that show text, and so have a size someone must be able to read. */
static bool is_text_region(enum region_id id)
{
    switch (id) {
    case REG_CARD:
    case REG_PHOTO:
    case REG_AVATAR:
    case REG_RECIPIENTS:
        return false;
    default:
        return true;
    }
}

static void parse_region(struct parse_ctx *c, const cJSON *o, const char *path, struct region *r,
                         bool text)
{
    static const char *const faces[] = {[FACE_REGULAR] = "regular", [FACE_BOLD] = "bold"};
    static const char *const aligns[] = {
        [ALIGN_LEFT] = "left", [ALIGN_CENTER] = "center", [ALIGN_RIGHT] = "right"};
    static const char *const valigns[] = {
        [VALIGN_TOP] = "top", [VALIGN_MIDDLE] = "middle", [VALIGN_BOTTOM] = "bottom"};
    static_assert(ARRAY_LEN(faces) == FACE_BUILTIN_COUNT, "faces");
    static_assert(ARRAY_LEN(aligns) == ALIGN_COUNT, "aligns");
    static_assert(ARRAY_LEN(valigns) == VALIGN_COUNT, "valigns");
    char sub[160];

    if (!cJSON_IsObject(o)) {
        fail(c, "%s: expected an object", path);
        return;
    }
    *r = (struct region){.present = true,
                         .follows = REG_COUNT,
                         .color = COL_TEXT,
                         .fill = COL_COUNT,
                         .size = 0.03f,
                         .min_size = 0,
                         .face = FACE_REGULAR};
    snprintf(sub, sizeof sub, "%s.rect", path);
    parse_frect(c, cJSON_GetObjectItemCaseSensitive(o, "rect"), sub, &r->rect);
    const cJSON *alt = cJSON_GetObjectItemCaseSensitive(o, "rect_no_photo");
    if (alt) {
        snprintf(sub, sizeof sub, "%s.rect_no_photo", path);
        r->has_rect_no_photo = parse_frect(c, alt, sub, &r->rect_no_photo);
    }
    r->size = parse_fraction(c, o, "size", path, r->size);
    r->min_size = parse_fraction(c, o, "min_size", path, r->size);
    if (r->min_size > r->size)
        r->min_size = r->size;
    if (text && r->min_size < LAYOUT_MIN_TEXT) {
        bool has_min = cJSON_GetObjectItemCaseSensitive(o, "min_size") != NULL;
        fail(c, "%s.%s: %g is below %g of the screen height, too small to read on a wall", path,
             has_min ? "min_size" : "size", (double)r->min_size, (double)LAYOUT_MIN_TEXT);
    }
    r->gap = cJSON_GetObjectItemCaseSensitive(o, "gap") ? parse_fraction(c, o, "gap", path, 0) : 0;
    r->face =
        (enum face_id)parse_enum(c, o, "weight", path, faces, FACE_BUILTIN_COUNT, FACE_REGULAR);
    r->color = (enum color_role)parse_enum(c, o, "color", path, color_names, COL_COUNT, COL_TEXT);
    r->fill = (enum color_role)parse_enum(c, o, "fill", path, color_names, COL_COUNT, COL_COUNT);
    r->align = (enum align)parse_enum(c, o, "align", path, aligns, ALIGN_COUNT, ALIGN_LEFT);
    r->valign = (enum valign)parse_enum(c, o, "valign", path, valigns, VALIGN_COUNT, VALIGN_TOP);
    r->follows =
        (enum region_id)parse_enum(c, o, "follows", path, region_names, REG_COUNT, REG_COUNT);
    r->circle = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "circle"));
    const cJSON *ml = cJSON_GetObjectItemCaseSensitive(o, "max_lines");
    if (ml) {
        if (!cJSON_IsNumber(ml) || ml->valuedouble < 0 || ml->valuedouble > 100)
            fail(c, "%s.max_lines: expected a whole number from 0 to 100", path);
        else
            r->max_lines = (int)ml->valuedouble;
    }
}

static void parse_theme(struct parse_ctx *c, const cJSON *t, struct layout *l)
{
    const cJSON *colors = cJSON_GetObjectItemCaseSensitive(t, "colors");
    const cJSON *v;
    cJSON_ArrayForEach(v, colors)
    {
        int i = lookup(color_names, COL_COUNT, v->string);
        if (i < 0) {
            fail(c, "theme.colors.%s: unknown colour role", v->string);
            return;
        }
        if (!cJSON_IsString(v) || !parse_color(v->valuestring, &l->colors[i]))
            fail(c, "theme.colors.%s: expected \"#RRGGBB\" or \"#RRGGBBAA\"", v->string);
    }
    const cJSON *types = cJSON_GetObjectItemCaseSensitive(t, "type_colors");
    cJSON_ArrayForEach(v, types)
    {
        enum item_type it;
        if (!item_type_parse(v->string, &it)) {
            fail(c, "theme.type_colors.%s: unknown item type", v->string);
            return;
        }
        if (!cJSON_IsString(v) || !parse_color(v->valuestring, &l->type_colors[it]))
            fail(c, "theme.type_colors.%s: expected \"#RRGGBB\"", v->string);
    }
    const cJSON *font = cJSON_GetObjectItemCaseSensitive(t, "font");
    if (cJSON_IsString(font) && *font->valuestring) {
        free(l->font);
        l->font = text_sanitize(font->valuestring, strlen(font->valuestring), 100, false, NULL);
    } else if (font) {
        fail(c, "theme.font: expected a font family name");
    }
    l->corner_radius = parse_fraction(c, t, "corner_radius", "theme", l->corner_radius);
}

/* "fits": the aspect range and, for layouts made for small panels, pixel bounds. Unknown keys
 * are refused: a misspelt bound would silently make a layout fit every screen. */
static void parse_fits(struct parse_ctx *c, const cJSON *fits, struct layout *l)
{
    static const char *const px_keys[] = {"min_width", "max_width", "min_height", "max_height"};
    int *px_fields[] = {&l->min_w, &l->max_w, &l->min_h, &l->max_h};
    static_assert(ARRAY_LEN(px_keys) == 4, "four pixel bounds");
    if (!fits)
        return;
    if (!cJSON_IsObject(fits)) {
        fail(c, "fits: expected an object");
        return;
    }
    const cJSON *v;
    cJSON_ArrayForEach(v, fits)
    {
        if (strcmp(v->string, "min_aspect") == 0 || strcmp(v->string, "max_aspect") == 0) {
            if (!cJSON_IsNumber(v) || v->valuedouble <= 0 || v->valuedouble > 100) {
                fail(c, "fits.%s: expected a width / height ratio above 0", v->string);
                return;
            }
            *(v->string[1] == 'i' ? &l->min_aspect : &l->max_aspect) = (float)v->valuedouble;
            continue;
        }
        int k = lookup(px_keys, (int)ARRAY_LEN(px_keys), v->string);
        if (k < 0) {
            fail(c,
                 "fits.%s: unknown key (min_aspect, max_aspect, min_width, max_width, "
                 "min_height, max_height)",
                 v->string);
            return;
        }
        if (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble > 100000 ||
            v->valuedouble != (double)(int)v->valuedouble) {
            fail(c, "fits.%s: expected a whole number of pixels from 1 to 100000", v->string);
            return;
        }
        *px_fields[k] = (int)v->valuedouble;
    }
    if (l->min_aspect > l->max_aspect)
        fail(c, "fits: min_aspect is above max_aspect");
    else if ((l->max_w && l->min_w > l->max_w) || (l->max_h && l->min_h > l->max_h))
        fail(c, "fits: a minimum is above its maximum");
}

static void fill_defaults(struct layout *l)
{
    static const struct rgba defaults[] = {
        [COL_BACKGROUND] = {236, 231, 223, 255},  [COL_SURFACE] = {255, 255, 255, 255},
        [COL_TEXT] = {27, 34, 48, 255},           [COL_MUTED] = {79, 88, 103, 255},
        [COL_ACCENT] = {179, 64, 42, 255},        [COL_HEADER_BACKGROUND] = {27, 34, 48, 255},
        [COL_HEADER_TEXT] = {255, 255, 255, 255}, [COL_ON_ACCENT] = {255, 255, 255, 255},
    };
    static_assert(ARRAY_LEN(defaults) == COL_COUNT, "default colours");
    memcpy(l->colors, defaults, sizeof defaults);
    for (int i = 0; i < ITEM_TYPE_COUNT; i++)
        l->type_colors[i] = defaults[COL_ACCENT];
    l->font = xstrdup("Noto Sans");
    l->corner_radius = 0.02f;
    l->min_aspect = 0.1f;
    l->max_aspect = 10.0f;
    l->min_w = l->max_w = l->min_h = l->max_h = 0;
    l->header = (struct frect){0, 0, 1, 0.09f};
}

struct layout *layout_parse(const char *json, size_t len, char *err, size_t errlen)
{
    struct parse_ctx c = {.err = err, .errlen = errlen};
    struct layout *l = xcalloc(1, sizeof *l);
    const char *end = NULL;
    fill_defaults(l);
    cJSON *root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
    if (!root) {
        fail(&c, "invalid JSON near byte %zu",
             end && end >= json ? (size_t)(end - json) : (size_t)0);
        goto out;
    }
    if (!cJSON_IsObject(root)) {
        fail(&c, "the layout is not a JSON object");
        goto out;
    }
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(root, "name");
    if (!cJSON_IsString(name) || !*name->valuestring) {
        fail(&c, "name: missing");
        goto out;
    }
    l->name = text_sanitize(name->valuestring, strlen(name->valuestring), 64, false, NULL);
    parse_fits(&c, cJSON_GetObjectItemCaseSensitive(root, "fits"), l);
    parse_theme(&c, cJSON_GetObjectItemCaseSensitive(root, "theme"), l);
    const cJSON *v;

    const cJSON *header = cJSON_GetObjectItemCaseSensitive(root, "header");
    if (!cJSON_IsObject(header)) {
        fail(&c, "header: missing");
        goto out;
    }
    parse_frect(&c, cJSON_GetObjectItemCaseSensitive(header, "rect"), "header.rect", &l->header);
    parse_region(&c, cJSON_GetObjectItemCaseSensitive(header, "title"), "header.title",
                 &l->header_title, true);
    parse_region(&c, cJSON_GetObjectItemCaseSensitive(header, "date"), "header.date",
                 &l->header_date, true);
    parse_region(&c, cJSON_GetObjectItemCaseSensitive(header, "clock"), "header.clock",
                 &l->header_clock, true);

    const cJSON *slides = cJSON_GetObjectItemCaseSensitive(root, "slides");
    if (!cJSON_IsObject(slides)) {
        fail(&c, "slides: missing");
        goto out;
    }
    for (int s = 0; s < SLIDE_KIND_COUNT && !c.failed; s++) {
        const cJSON *so = cJSON_GetObjectItemCaseSensitive(slides, slide_names[s]);
        if (!cJSON_IsObject(so)) {
            fail(&c, "slides.%s: missing", slide_names[s]);
            break;
        }
        cJSON_ArrayForEach(v, so)
        {
            char path[128];
            int r = lookup(region_names, REG_COUNT, v->string);
            if (r < 0) {
                fail(&c, "slides.%s.%s: unknown region", slide_names[s], v->string);
                break;
            }
            snprintf(path, sizeof path, "slides.%s.%s", slide_names[s], v->string);
            parse_region(&c, v, path, &l->slides[s][r], is_text_region((enum region_id)r));
        }
        for (int r = 0; r < REG_COUNT; r++) {
            enum region_id f = l->slides[s][r].follows;
            if (l->slides[s][r].present && f != REG_COUNT &&
                ((int)f == r || !l->slides[s][f].present)) {
                fail(&c, "slides.%s.%s.follows: \"%s\" is not a region of this slide",
                     slide_names[s], region_names[r], region_names[f]);
                continue;
            }
            /* A region that, through the ones it follows, follows itself has no place. */
            for (int steps = 0; l->slides[s][r].present && f != REG_COUNT; steps++) {
                if ((int)f == r || steps > REG_COUNT) {
                    fail(&c, "slides.%s.%s.follows: the regions follow each other in a circle",
                         slide_names[s], region_names[r]);
                    break;
                }
                f = l->slides[s][f].follows;
            }
        }
    }
out:
    cJSON_Delete(root);
    if (c.failed) {
        layout_destroy(l);
        return NULL;
    }
    return l;
}

struct layout *layout_builtin(void)
{
    char err[256];
    struct layout *l =
        layout_parse(builtin_layout_json, sizeof builtin_layout_json - 1, err, sizeof err);
    if (!l) {
        /* Cannot happen with the shipped file (a test checks it); keep drawing regardless. */
        log_error("built-in layout: %s", err);
        l = xcalloc(1, sizeof *l);
        fill_defaults(l);
        l->name = xstrdup("fallback");
    }
    return l;
}

static bool has_bounds(const struct layout *l)
{
    return l->min_w || l->max_w || l->min_h || l->max_h;
}

static bool size_fits(const struct layout *l, int w, int h)
{
    return (!l->min_w || w >= l->min_w) && (!l->max_w || w <= l->max_w) &&
           (!l->min_h || h >= l->min_h) && (!l->max_h || h <= l->max_h);
}

/* How far the screen's aspect lies outside l's range, as a factor's logarithm (0: inside). */
static double aspect_distance(const struct layout *l, int w, int h)
{
    double a = h > 0 ? (double)w / h : 1.0;
    if (a < l->min_aspect)
        return log(l->min_aspect / a);
    if (a > l->max_aspect)
        return log(a / l->max_aspect);
    return 0;
}

bool layout_fits(const struct layout *l, int w, int h)
{
    return aspect_distance(l, w, h) == 0 && size_fits(l, w, h);
}

int layout_compare_fit(const struct layout *a, const struct layout *b, int w, int h)
{
    const double eps = 1e-6;
    bool fa = layout_fits(a, w, h), fb = layout_fits(b, w, h);
    if (fa != fb)
        return fa ? -1 : 1;
    double da = aspect_distance(a, w, h), db = aspect_distance(b, w, h);
    if (fabs(da - db) > eps)
        return da < db ? -1 : 1;
    bool sa = size_fits(a, w, h), sb = size_fits(b, w, h);
    if (sa != sb)
        return sa ? -1 : 1;
    double ra = log(a->max_aspect / a->min_aspect), rb = log(b->max_aspect / b->min_aspect);
    if (fabs(ra - rb) > eps)
        return ra < rb ? -1 : 1;
    if (has_bounds(a) != has_bounds(b))
        return has_bounds(a) ? -1 : 1;
    return 0;
}

void layout_destroy(struct layout *l)
{
    if (!l)
        return;
    free(l->name);
    free(l->font);
    free(l);
}
