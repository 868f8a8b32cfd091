#define LOG_MODULE "fonts"
#include "fonts.h"
#include "layout.h"
#include "log.h"
#include "util.h"

#include <SDL_ttf.h>
#include <fontconfig/fontconfig.h>

#include <stdlib.h>
#include <string.h>

#define MAX_FACES 24
#define MAX_OPEN  48
#define CP_CACHE  1024

struct face {
    char *path;
    int index;
    int fixed_px; /* >0: a bitmap font with one size (colour emoji) */
    bool bold;
    FcCharSet *charset;
};

struct open_font {
    int face, px; /* px is the size opened, fixed_px for bitmap faces */
    TTF_Font *font;
    unsigned long last_use;
};

struct cp_entry {
    uint32_t cp;
    int base, face; /* base -1: empty slot */
};

struct fonts {
    struct face faces[MAX_FACES];
    int n_faces;
    struct open_font open[MAX_OPEN];
    int n_open;
    unsigned long clock;
    struct cp_entry cp_cache[CP_CACHE];
    struct text_metrics metrics;
};

static int add_face(struct fonts *f, const char *path, int index)
{
    for (int i = 0; i < f->n_faces; i++)
        if (strcmp(f->faces[i].path, path) == 0 && f->faces[i].index == index)
            return i;
    if (f->n_faces == MAX_FACES)
        return -1;
    struct face *fc = &f->faces[f->n_faces];
    *fc = (struct face){.path = xstrdup(path), .index = index};
    int count = 0;
    FcPattern *q = FcFreeTypeQuery((const FcChar8 *)path, (unsigned)index, NULL, &count);
    if (q) {
        double px;
        int weight;
        FcCharSet *cs = NULL;
        if (FcPatternGetInteger(q, FC_WEIGHT, 0, &weight) == FcResultMatch)
            fc->bold = weight >= FC_WEIGHT_DEMIBOLD;
        if (FcPatternGetDouble(q, FC_PIXEL_SIZE, 0, &px) == FcResultMatch && px > 0)
            fc->fixed_px = (int)(px + 0.5);
        if (FcPatternGetCharSet(q, FC_CHARSET, 0, &cs) == FcResultMatch)
            fc->charset = FcCharSetCopy(cs);
        FcPatternDestroy(q);
    }
    log_debug("face %d: %s%s", f->n_faces, path, fc->fixed_px ? " (bitmap)" : "");
    return f->n_faces++;
}

/* The best font file for a pattern string such as "Noto Sans:bold" or one holding cp. */
static int match_face(struct fonts *f, const char *family, bool bold, uint32_t cp, bool emoji)
{
    FcPattern *pat = FcPatternCreate();
    int result = -1;
    if (family)
        FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
    if (emoji) {
        FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)"emoji");
        FcPatternAddBool(pat, FC_COLOR, FcTrue);
    }
    FcPatternAddInteger(pat, FC_WEIGHT, bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
    FcPatternAddInteger(pat, FC_SLANT, FC_SLANT_ROMAN);
    if (cp) {
        FcCharSet *cs = FcCharSetCreate();
        FcCharSetAddChar(cs, cp);
        FcPatternAddCharSet(pat, FC_CHARSET, cs);
        FcCharSetDestroy(cs);
    }
    FcConfigSubstitute(NULL, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res;
    FcPattern *m = FcFontMatch(NULL, pat, &res);
    FcChar8 *file = NULL;
    int index = 0;
    if (m && FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch) {
        FcPatternGetInteger(m, FC_INDEX, 0, &index);
        FcCharSet *cs = NULL;
        /* A match is only useful as a fallback when it really has the character. */
        if (!cp || (FcPatternGetCharSet(m, FC_CHARSET, 0, &cs) == FcResultMatch &&
                    FcCharSetHasChar(cs, cp)))
            result = add_face(f, (const char *)file, index);
    }
    if (m)
        FcPatternDestroy(m);
    FcPatternDestroy(pat);
    return result;
}

static TTF_Font *font_at(struct fonts *f, int face, int px)
{
    if (face < 0 || face >= f->n_faces)
        face = FACE_REGULAR;
    int open_px = f->faces[face].fixed_px ? f->faces[face].fixed_px : px;
    f->clock++;
    int lru = 0;
    for (int i = 0; i < f->n_open; i++) {
        if (f->open[i].face == face && f->open[i].px == open_px) {
            f->open[i].last_use = f->clock;
            return f->open[i].font;
        }
        if (f->open[i].last_use < f->open[lru].last_use)
            lru = i;
    }
    TTF_Font *font = TTF_OpenFontIndex(f->faces[face].path, open_px, f->faces[face].index);
    if (!font) {
        log_warn("cannot open %s at %d px: %s", f->faces[face].path, open_px, TTF_GetError());
        return face == FACE_REGULAR ? NULL : font_at(f, FACE_REGULAR, px);
    }
    /* Light hinting: vertical snapping only, so advances are the font's own and a line
     * measures the same at every size step; also spares running each glyph's bytecode. */
    TTF_SetFontHinting(font, TTF_HINTING_LIGHT);
    int slot = f->n_open < MAX_OPEN ? f->n_open++ : lru;
    if (slot == lru && f->n_open == MAX_OPEN && f->open[slot].font)
        TTF_CloseFont(f->open[slot].font);
    f->open[slot] = (struct open_font){face, open_px, font, f->clock};
    return font;
}

/* Scale of a face at px: 1 for outline fonts, px / native for bitmap faces. */
static double face_scale(const struct fonts *f, int face, int px)
{
    int fixed = face >= 0 && face < f->n_faces ? f->faces[face].fixed_px : 0;
    /* A colour emoji's bitmap is square and about as tall as the text's em. */
    return fixed ? (double)px / fixed : 1.0;
}

/* The ISO 15924 tag HarfBuzz shapes a run with: the script of its first letter. SDL_ttf leaves
 * the script unknown otherwise, and HarfBuzz then neither joins Arabic letters nor forms
 * Indic conjuncts. */
static const char *script_of(const char *s, size_t len)
{
    static const struct {
        uint32_t lo, hi;
        const char *tag;
    } scripts[] = {
        {0x0370, 0x03FF, "Grek"}, {0x0400, 0x052F, "Cyrl"}, {0x0530, 0x058F, "Armn"},
        {0x0590, 0x05FF, "Hebr"}, {0x0600, 0x06FF, "Arab"}, {0x0700, 0x074F, "Syrc"},
        {0x0750, 0x077F, "Arab"}, {0x0780, 0x07BF, "Thaa"}, {0x07C0, 0x07FF, "Nkoo"},
        {0x08A0, 0x08FF, "Arab"}, {0x0900, 0x097F, "Deva"}, {0x0980, 0x09FF, "Beng"},
        {0x0A00, 0x0A7F, "Guru"}, {0x0A80, 0x0AFF, "Gujr"}, {0x0B00, 0x0B7F, "Orya"},
        {0x0B80, 0x0BFF, "Taml"}, {0x0C00, 0x0C7F, "Telu"}, {0x0C80, 0x0CFF, "Knda"},
        {0x0D00, 0x0D7F, "Mlym"}, {0x0D80, 0x0DFF, "Sinh"}, {0x0E00, 0x0E7F, "Thai"},
        {0x0E80, 0x0EFF, "Laoo"}, {0x0F00, 0x0FFF, "Tibt"}, {0x1000, 0x109F, "Mymr"},
        {0x10A0, 0x10FF, "Geor"}, {0x1100, 0x11FF, "Hang"}, {0x1200, 0x139F, "Ethi"},
        {0x1780, 0x17FF, "Khmr"}, {0x3040, 0x309F, "Hira"}, {0x30A0, 0x30FF, "Kana"},
        {0x3400, 0x9FFF, "Hani"}, {0xAC00, 0xD7AF, "Hang"}, {0xFB1D, 0xFB4F, "Hebr"},
        {0xFB50, 0xFDFF, "Arab"}, {0xFE70, 0xFEFE, "Arab"},
    };
    const char *p = s, *end = s + len;
    while (p < end) {
        uint32_t cp = utf8_decode(&p, end);
        if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || (cp >= 0xC0 && cp < 0x370))
            return "Latn";
        for (size_t i = 0; i < ARRAY_LEN(scripts); i++)
            if (cp >= scripts[i].lo && cp <= scripts[i].hi)
                return scripts[i].tag;
    }
    return "Zyyy"; /* digits, punctuation, emoji: common */
}

/* Direction and script for the next measure or render with font: set on every call, as the
 * same TTF_Font draws runs of both directions. */
static void set_shaping(TTF_Font *font, const char *s, size_t len, bool rtl)
{
    TTF_SetFontDirection(font, rtl ? TTF_DIRECTION_RTL : TTF_DIRECTION_LTR);
    TTF_SetFontScriptName(font, script_of(s, len));
}

static int m_width(void *ctx, int face, int px, const char *s, size_t len)
{
    struct fonts *f = ctx;
    TTF_Font *font = font_at(f, face, px);
    int w = 0, h = 0;
    char *tmp = xstrndup(s, len);
    if (font)
        set_shaping(font, s, len, text_is_rtl(s, len));
    if (font && TTF_SizeUTF8(font, tmp, &w, &h) != 0)
        w = 0;
    free(tmp);
    return (int)(w * face_scale(f, face, px) + 0.5);
}

static int m_line_height(void *ctx, int face, int px)
{
    struct fonts *f = ctx;
    TTF_Font *font = font_at(f, face, px);
    return font ? TTF_FontLineSkip(font) : px;
}

static bool is_emoji(uint32_t cp)
{
    return (cp >= 0x1F300 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) ||
           (cp >= 0x1F000 && cp <= 0x1F2FF) || cp == 0x2B50 || cp == 0x2B55;
}

static bool face_has(const struct fonts *f, int face, uint32_t cp)
{
    return f->faces[face].charset && FcCharSetHasChar(f->faces[face].charset, cp);
}

static int m_face_for(void *ctx, int face, uint32_t cp)
{
    struct fonts *f = ctx;
    if (face < 0 || face >= f->n_faces)
        face = FACE_REGULAR;
    bool emoji = is_emoji(cp);
    /* The main faces have ASCII; a fallback face (asked when a space follows Arabic) may not. */
    if ((cp < 0x80 && face < FACE_BUILTIN_COUNT) || (!emoji && face_has(f, face, cp)))
        return face;
    struct cp_entry *e = &f->cp_cache[(cp * 31u + (unsigned)face) % CP_CACHE];
    if (e->base == face && e->cp == cp && e->face >= 0)
        return e->face;
    int found = -1;
    if (emoji)
        found = match_face(f, NULL, false, cp, true);
    /* Already loaded fallbacks of the same weight first, then ask fontconfig for a face that
     * has it: Arabic in a regular line must not come out in the bold cut a title loaded. */
    bool bold = f->faces[face].bold;
    for (int i = FACE_BUILTIN_COUNT; found < 0 && i < f->n_faces; i++)
        if (face_has(f, i, cp) && f->faces[i].bold == bold)
            found = i;
    if (found < 0)
        found = match_face(f, NULL, bold, cp, false);
    if (found < 0 || !face_has(f, found, cp))
        found = face; /* nothing has it: the primary face draws its "missing" box */
    *e = (struct cp_entry){cp, face, found};
    return found;
}

struct fonts *fonts_create(const char *family, char *err, size_t errlen)
{
    if (!FcInit()) {
        snprintf(err, errlen, "fontconfig could not be initialised");
        return NULL;
    }
    struct fonts *f = xcalloc(1, sizeof *f);
    for (int i = 0; i < CP_CACHE; i++)
        f->cp_cache[i].base = -1;
    int regular = match_face(f, family, false, 0, false);
    int bold = match_face(f, family, true, 0, false);
    if (regular != FACE_REGULAR || bold < 0) {
        snprintf(err, errlen,
                 "no font found for \"%s\" (install fonts-noto-core or fonts-dejavu-core)",
                 family ? family : "");
        fonts_destroy(f);
        return NULL;
    }
    if (bold != FACE_BOLD) {
        /* Same file for bold (no bold cut installed): keep the slot so face ids stay fixed. */
        f->faces[f->n_faces] = f->faces[regular];
        f->faces[f->n_faces].path = xstrdup(f->faces[regular].path);
        f->faces[f->n_faces].charset =
            f->faces[regular].charset ? FcCharSetCopy(f->faces[regular].charset) : NULL;
        f->n_faces++;
    }
    if (!font_at(f, FACE_REGULAR, 16)) {
        snprintf(err, errlen, "cannot open %s: %s", f->faces[FACE_REGULAR].path, TTF_GetError());
        fonts_destroy(f);
        return NULL;
    }
    log_info("font \"%s\": %s", family ? family : "", f->faces[FACE_REGULAR].path);
    f->metrics = (struct text_metrics){
        .ctx = f, .width = m_width, .line_height = m_line_height, .face_for = m_face_for};
    return f;
}

void fonts_destroy(struct fonts *f)
{
    if (!f)
        return;
    for (int i = 0; i < f->n_open; i++)
        TTF_CloseFont(f->open[i].font);
    for (int i = 0; i < f->n_faces; i++) {
        free(f->faces[i].path);
        if (f->faces[i].charset)
            FcCharSetDestroy(f->faces[i].charset);
    }
    free(f);
}

const struct text_metrics *fonts_metrics(struct fonts *f)
{
    return &f->metrics;
}

int fonts_line_ascent(struct fonts *f, int face, int px)
{
    TTF_Font *font = font_at(f, face, px);
    return font ? TTF_FontAscent(font) : px;
}

SDL_Surface *fonts_render(struct fonts *f, int face, int px, const char *s, size_t len, bool rtl,
                          SDL_Color c, int *ascent)
{
    TTF_Font *font = font_at(f, face, px);
    if (!font || len == 0)
        return NULL;
    char *tmp = xstrndup(s, len);
    set_shaping(font, s, len, rtl);
    SDL_Surface *surf = TTF_RenderUTF8_Blended(font, tmp, c);
    free(tmp);
    if (!surf) {
        /* "Text has zero width" for text that is only invisible characters: nothing to draw. */
        log_debug("nothing drawn for a run of %zu bytes: %s", len, TTF_GetError());
        return NULL;
    }
    double scale = face_scale(f, face, px);
    *ascent = (int)(TTF_FontAscent(font) * scale + 0.5);
    if (scale == 1.0)
        return surf;
    int w = (int)(surf->w * scale + 0.5), h = (int)(surf->h * scale + 0.5);
    SDL_Surface *scaled = SDL_CreateRGBSurfaceWithFormat(0, w > 0 ? w : 1, h > 0 ? h : 1, 32,
                                                         SDL_PIXELFORMAT_ARGB8888);
    SDL_Surface *src = SDL_ConvertSurfaceFormat(surf, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_FreeSurface(surf);
    if (!scaled || !src || SDL_SoftStretchLinear(src, NULL, scaled, NULL) != 0) {
        SDL_FreeSurface(scaled);
        SDL_FreeSurface(src);
        return NULL;
    }
    SDL_FreeSurface(src);
    return scaled;
}
