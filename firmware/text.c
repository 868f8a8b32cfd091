#include "text.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static const char ELLIPSIS[] = "\xE2\x80\xA6";

/* Code points that attach to the one before: never a break point, never a font switch. */
static bool is_extending(uint32_t cp)
{
    return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x0483 && cp <= 0x0489) ||
           (cp >= 0x0591 && cp <= 0x05BD) || (cp >= 0x0610 && cp <= 0x061A) ||
           (cp >= 0x064B && cp <= 0x065F) ||
           (cp >= 0x0E31 && cp <= 0x0E3A && cp != 0x0E32 && cp != 0x0E33) ||
           (cp >= 0x0E47 && cp <= 0x0E4E) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
           (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
           (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xFE20 && cp <= 0xFE2F) || cp == 0x200D ||
           cp == 0x200C || (cp >= 0x1F3FB && cp <= 0x1F3FF) || (cp >= 0xE0020 && cp <= 0xE007F);
}

/* Scripts written without spaces: a line may break before or after any of their characters. */
static bool is_ideographic(uint32_t cp)
{
    return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFF00 && cp <= 0xFFEF) || (cp >= 0x20000 && cp <= 0x3FFFF);
}

/* A longer stack of marks is abuse (Zalgo text, a run of tag characters), not writing: it is
 * cut into clusters of this many code points so that it can still be broken into lines. The
 * longest real clusters (family emoji, subdivision flags) have 7. */
#define MAX_CLUSTER 16

/* Byte length of the cluster (a code point and everything extending it) at s. */
static size_t cluster_len(const char *s, const char *end)
{
    const char *p = s;
    uint32_t prev = utf8_decode(&p, end);
    for (int n = 1; p < end && n < MAX_CLUSTER; n++) {
        const char *q = p;
        uint32_t cp = utf8_decode(&q, end);
        if (!is_extending(cp) && prev != 0x200D)
            break;
        prev = cp;
        p = q;
    }
    return (size_t)(p - s);
}

static int face_at(const struct text_metrics *m, int face, uint32_t cp)
{
    return m->face_for ? m->face_for(m->ctx, face, cp) : face;
}

/* ---- direction ----
 * Enough of the Unicode bidirectional algorithm for names and short texts, at the level of
 * runs: characters are strong left-to-right (L), strong right-to-left (R: Hebrew, Arabic and
 * the other RTL scripts), numbers (EN) or neutral (N: spaces, punctuation, symbols, emoji).
 * Numbers after L become L (W7); neutrals between two strong sides of the same direction take
 * it, others the paragraph's (N1, N2; numbers count as R there); levels follow from the
 * paragraph direction (I1, I2) and runs are put in visual order by reversing (L2). HarfBuzz
 * orders the glyphs inside an RTL run. Not done: explicit embeddings (the sanitiser drops
 * those controls), the finer weak types (ES, ET, CS...) and mirrored pairs across runs. */
enum bidi { BIDI_L, BIDI_R, BIDI_EN, BIDI_N };

static enum bidi bidi_of(uint32_t cp)
{
    if ((cp >= '0' && cp <= '9') || (cp >= 0x0660 && cp <= 0x0669) ||
        (cp >= 0x06F0 && cp <= 0x06F9) || (cp >= 0xFF10 && cp <= 0xFF19))
        return BIDI_EN;
    if ((cp >= 0x0590 && cp <= 0x08FF) || (cp >= 0xFB1D && cp <= 0xFDFF) ||
        (cp >= 0xFE70 && cp <= 0xFEFE) || (cp >= 0x10800 && cp <= 0x10FFF) ||
        (cp >= 0x1E800 && cp <= 0x1EFFF))
        return BIDI_R;
    if (cp < 0x80)
        return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ? BIDI_L : BIDI_N;
    if ((cp < 0xC0 && cp != 0xAA && cp != 0xB5 && cp != 0xBA) || cp == 0xD7 || cp == 0xF7 ||
        (cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x2E00 && cp <= 0x2E7F) ||
        (cp >= 0x3000 && cp <= 0x3004) || (cp >= 0x3008 && cp <= 0x3020) ||
        (cp >= 0xFE10 && cp <= 0xFE6F) || (cp >= 0xFF01 && cp <= 0xFF0F) ||
        (cp >= 0xFF1A && cp <= 0xFF20) || (cp >= 0xFF3B && cp <= 0xFF40) ||
        (cp >= 0xFF5B && cp <= 0xFF65) || cp == 0xFFFC || cp == 0xFFFD ||
        (cp >= 0x1F000 && cp <= 0x1FBFF))
        return BIDI_N;
    return BIDI_L;
}

bool text_is_rtl(const char *s, size_t len)
{
    const char *p = s, *end = s + len;
    while (p < end) {
        enum bidi b = bidi_of(utf8_decode(&p, end));
        if (b == BIDI_L || b == BIDI_R)
            return b == BIDI_R;
    }
    return false;
}

/* A run as found, with its embedding level for the visual reordering. */
struct run_tmp {
    struct text_run run;
    int level;
};

struct cluster {
    size_t start, len;
    int face;
    enum bidi dir;
};

/* The bracket at s (cp): > 0 opening, < 0 closing, 0 none; the same magnitude for a pair. */
static int bracket_of(uint32_t cp)
{
    static const uint32_t pairs[][2] = {{'(', ')'},       {'[', ']'},       {'{', '}'},
                                        {0xFF08, 0xFF09}, {0xFF3B, 0xFF3D}, {0xFF5B, 0xFF5D},
                                        {0x3008, 0x3009}};
    for (size_t i = 0; i < ARRAY_LEN(pairs); i++) {
        if (cp == pairs[i][0])
            return (int)i + 1;
        if (cp == pairs[i][1])
            return -((int)i + 1);
    }
    return 0;
}

static enum bidi strong_of(enum bidi b)
{
    return b == BIDI_EN ? BIDI_R : b;
}

/* N0: a bracket pair takes the direction of what it encloses, so "(Welcome)" inside Hebrew
 * keeps its brackets around the word: the paragraph's direction when a strong character
 * inside has it; else the opposite one when the text before the pair has that too. */
static void resolve_brackets(struct cluster *c, size_t n, const char *s, enum bidi para)
{
    enum { MAX_DEPTH = 63 }; /* BD16: deeper nesting stops the pairing */
    struct {
        int kind;
        size_t at;
    } stack[MAX_DEPTH];
    size_t depth = 0;
    for (size_t i = 0; i < n; i++) {
        if (c[i].dir != BIDI_N)
            continue;
        const char *q = s + c[i].start;
        int kind = bracket_of(utf8_decode(&q, s + c[i].start + c[i].len));
        if (kind > 0) {
            if (depth == MAX_DEPTH)
                return;
            stack[depth].kind = kind;
            stack[depth++].at = i;
            continue;
        }
        if (kind == 0)
            continue;
        size_t k = depth;
        while (k > 0 && stack[k - 1].kind != -kind)
            k--;
        if (k == 0)
            continue; /* a closing bracket without its opening one */
        size_t open = stack[k - 1].at;
        depth = k - 1;
        enum bidi inside = BIDI_N;
        for (size_t j = open + 1; j < i && inside != para; j++)
            if (c[j].dir != BIDI_N)
                inside = strong_of(c[j].dir);
        if (inside == BIDI_N)
            continue;
        if (inside != para) {
            enum bidi before = para;
            for (size_t j = open; j-- > 0;)
                if (c[j].dir != BIDI_N) {
                    before = strong_of(c[j].dir);
                    break;
                }
            inside = before == inside ? inside : para;
        }
        c[open].dir = c[i].dir = inside;
    }
}

/* Room for the runs of a short text without touching the heap: measuring is the inner loop of
 * line breaking. */
#define SMALL_RUNS 64

/* Splits s[0..len) into runs that one face draws in one direction, in logical order. Returns
 * the count; *out is small (room for SMALL_RUNS) or a heap array the caller frees. */
static size_t split_runs(const struct text_metrics *m, int face, const char *s, size_t len,
                         bool rtl_para, struct run_tmp *small, struct run_tmp **out)
{
    struct cluster c_small[SMALL_RUNS];
    struct cluster *c = len <= SMALL_RUNS ? c_small : xmalloc(len * sizeof *c);
    size_t n = 0;
    for (const char *p = s, *end = s + len; p < end;) {
        size_t cl = cluster_len(p, end);
        const char *q = p;
        uint32_t cp = utf8_decode(&q, end);
        c[n++] = (struct cluster){(size_t)(p - s), cl, face_at(m, face, cp), bidi_of(cp)};
        p += cl;
    }
    enum bidi para = rtl_para ? BIDI_R : BIDI_L;
    /* W7: a number after L (or at the start of an LTR paragraph) is L. */
    enum bidi strong = para;
    for (size_t i = 0; i < n; i++) {
        if (c[i].dir == BIDI_L || c[i].dir == BIDI_R)
            strong = c[i].dir;
        else if (c[i].dir == BIDI_EN && strong == BIDI_L)
            c[i].dir = BIDI_L;
    }
    resolve_brackets(c, n, s, para);
    /* N1, N2: neutrals between two sides of one direction take it; numbers count as R. */
    for (size_t i = 0; i < n;) {
        if (c[i].dir != BIDI_N) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && c[j].dir == BIDI_N)
            j++;
        enum bidi before = i > 0 ? (c[i - 1].dir == BIDI_L ? BIDI_L : BIDI_R) : para;
        enum bidi after = j < n ? (c[j].dir == BIDI_L ? BIDI_L : BIDI_R) : para;
        enum bidi dir = before == after ? before : para;
        for (size_t k = i; k < j; k++) {
            c[k].dir = dir;
            /* A space between two Arabic words stays in the Arabic face when it can draw it,
             * so HarfBuzz shapes the words as one run. */
            if (dir == BIDI_R && k > 0 && c[k - 1].dir == BIDI_R && c[k - 1].face != c[k].face) {
                const char *q = s + c[k].start;
                if (face_at(m, c[k - 1].face, utf8_decode(&q, s + c[k].start + c[k].len)) ==
                    c[k - 1].face)
                    c[k].face = c[k - 1].face;
            }
        }
        i = j;
    }
    struct run_tmp *runs = n <= SMALL_RUNS ? small : xmalloc(n * sizeof *runs);
    size_t nr = 0;
    for (size_t i = 0; i < n; i++) {
        /* I1, I2 */
        int level = rtl_para ? (c[i].dir == BIDI_R ? 1 : 2)
                             : (c[i].dir == BIDI_L   ? 0
                                : c[i].dir == BIDI_R ? 1
                                                     : 2);
        if (nr > 0 && runs[nr - 1].run.face == c[i].face && runs[nr - 1].level == level) {
            runs[nr - 1].run.len += c[i].len;
            continue;
        }
        runs[nr++] = (struct run_tmp){
            .run = {.face = c[i].face, .start = c[i].start, .len = c[i].len, .rtl = level % 2 == 1},
            .level = level};
    }
    if (c != c_small)
        free(c);
    *out = runs;
    return nr;
}

/* L2: from the highest level down to 1, reverses every stretch of runs at that level or
 * above. order[] receives run indices from left to right. */
static void visual_order(const struct run_tmp *runs, size_t n, size_t *order)
{
    int max = 0;
    for (size_t i = 0; i < n; i++) {
        order[i] = i;
        if (runs[i].level > max)
            max = runs[i].level;
    }
    for (int lvl = max; lvl >= 1; lvl--) {
        for (size_t i = 0; i < n;) {
            if (runs[order[i]].level < lvl) {
                i++;
                continue;
            }
            size_t j = i;
            while (j < n && runs[order[j]].level >= lvl)
                j++;
            for (size_t a = i, b = j - 1; a < b; a++, b--) {
                size_t t = order[a];
                order[a] = order[b];
                order[b] = t;
            }
            i = j;
        }
    }
}

static int measure(const struct text_metrics *m, int face, int px, bool rtl, const char *s,
                   size_t len)
{
    if (len == 0)
        return 0;
    struct run_tmp small[SMALL_RUNS], *runs;
    size_t n = split_runs(m, face, s, len, rtl, small, &runs);
    int w = 0;
    for (size_t i = 0; i < n; i++)
        w += m->width(m->ctx, runs[i].run.face, px, s + runs[i].run.start, runs[i].run.len);
    if (runs != small)
        free(runs);
    return w;
}

/* A breakable piece of a paragraph: a word with its trailing spaces, or one ideograph. */
struct seg {
    size_t start; /* bytes into the paragraph */
    size_t content_end;
};

struct line_acc {
    struct text_line *lines;
    size_t n, cap;
};

static void push_line(struct line_acc *a, const char *s, size_t len, int width, bool rtl)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 8;
        a->lines = xrealloc(a->lines, a->cap * sizeof *a->lines);
    }
    a->lines[a->n++] = (struct text_line){.s = xstrndup(s, len), .width = width, .rtl = rtl};
}

static size_t segment(const char *para, size_t len, struct seg **out)
{
    size_t n = 0, cap = 16;
    struct seg *segs = xmalloc(cap * sizeof *segs);
    const char *p = para, *end = para + len;
    while (p < end) {
        size_t start = (size_t)(p - para);
        bool ideo = false;
        /* the word: up to a space, or a single ideograph */
        while (p < end && *p != ' ') {
            const char *q = p;
            uint32_t cp = utf8_decode(&q, end);
            if (is_ideographic(cp)) {
                if ((size_t)(p - para) > start)
                    break; /* end the word before the ideograph */
                p += cluster_len(p, end);
                ideo = true;
                break;
            }
            size_t cl = cluster_len(p, end);
            p += cl;
            /* a hyphen or slash inside a word is a break opportunity after it */
            if ((cp == '-' || cp == '/' || cp == 0x2010 || cp == 0x2013 || cp == 0x2014) &&
                p < end && *p != ' ')
                break;
        }
        size_t content_end = (size_t)(p - para);
        if (!ideo)
            while (p < end && *p == ' ')
                p++;
        if (n == cap) {
            cap *= 2;
            segs = xrealloc(segs, cap * sizeof *segs);
        }
        segs[n++] = (struct seg){.start = start, .content_end = content_end};
    }
    *out = segs;
    return n;
}

/* Breaks a too-long word into pieces that fit max_w (at least one cluster per line). Returns
 * the byte offset where the last, still open, piece starts; its width in *last_w. */
static size_t break_word(const struct text_metrics *m, int face, int px, bool rtl, const char *para,
                         size_t start, size_t end, int max_w, struct line_acc *acc, int *last_w)
{
    size_t piece = start;
    const char *p = para + start;
    while (p < para + end) {
        size_t cl = cluster_len(p, para + end);
        size_t next = (size_t)(p - para) + cl;
        int w = measure(m, face, px, rtl, para + piece, next - piece);
        if (w > max_w && (size_t)(p - para) > piece) {
            push_line(acc, para + piece, (size_t)(p - para) - piece,
                      measure(m, face, px, rtl, para + piece, (size_t)(p - para) - piece), rtl);
            piece = (size_t)(p - para);
        }
        p += cl;
    }
    *last_w = measure(m, face, px, rtl, para + piece, end - piece);
    return piece;
}

/* Greedy line filling. Each candidate line is measured as a whole, exactly as its runs will
 * be drawn: widths of separately measured words do not add up to the width of the line
 * (rounding, kerning across a space), and a sum that comes out short lets a line overflow. */
static void layout_paragraph(const struct text_metrics *m, int face, int px, const char *para,
                             size_t len, int max_w, struct line_acc *acc)
{
    if (len == 0) {
        push_line(acc, "", 0, 0, false);
        return;
    }
    /* The paragraph's direction holds for all its lines, however they wrap. */
    bool rtl = text_is_rtl(para, len);
    struct seg *segs;
    size_t n = segment(para, len, &segs);
    size_t line_start = 0, line_end = 0;
    int line_w = 0;
    bool empty = true;
    for (size_t i = 0; i < n; i++) {
        const struct seg *s = &segs[i];
        bool blank = s->content_end == s->start;
        if (!empty) {
            if (blank)
                continue; /* spaces only: they end up trailing, and trailing spaces are free */
            int w = measure(m, face, px, rtl, para + line_start, s->content_end - line_start);
            if (w <= max_w) {
                line_end = s->content_end;
                line_w = w;
                continue;
            }
            push_line(acc, para + line_start, line_end - line_start, line_w, rtl);
            empty = true;
        }
        /* Spaces at the start of a paragraph are indentation; after a wrap they are dropped. */
        if (blank && i > 0)
            continue;
        line_start = s->start;
        line_end = s->content_end;
        line_w = measure(m, face, px, rtl, para + s->start, s->content_end - s->start);
        if (line_w > max_w)
            line_start =
                break_word(m, face, px, rtl, para, s->start, s->content_end, max_w, acc, &line_w);
        empty = false;
    }
    if (!empty)
        push_line(acc, para + line_start, line_end - line_start, line_w, rtl);
    free(segs);
}

static void free_lines(struct text_line *lines, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(lines[i].s);
        free(lines[i].runs);
    }
    free(lines);
}

static struct line_acc layout_all(const struct text_metrics *m, int face, int px, const char *text,
                                  int max_w)
{
    struct line_acc acc = {0};
    const char *p = text;
    for (;;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        layout_paragraph(m, face, px, p, len, max_w, &acc);
        if (!nl)
            break;
        p = nl + 1;
    }
    return acc;
}

static size_t lines_allowed(int max_h, int max_lines, int lh)
{
    size_t n = SIZE_MAX;
    if (max_lines > 0)
        n = (size_t)max_lines;
    if (max_h > 0 && lh > 0 && (size_t)(max_h / lh) < n)
        n = (size_t)(max_h / lh);
    return n ? n : 1;
}

/* Replaces the end of line with "…" so that it fits max_w: whole words go first, then
 * clusters. */
static void ellipsize(const struct text_metrics *m, int face, int px, struct text_line *l,
                      int max_w)
{
    size_t len = strlen(l->s);
    for (;;) {
        while (len > 0 && l->s[len - 1] == ' ')
            len--;
        char *cand = xasprintf("%.*s%s", (int)len, l->s, ELLIPSIS);
        int w = measure(m, face, px, l->rtl, cand, strlen(cand));
        if (w <= max_w || len == 0) {
            free(l->s);
            l->s = cand;
            l->width = w;
            return;
        }
        free(cand);
        /* drop the last word when the line has more than one, else the last code point */
        size_t sp = len;
        while (sp > 0 && l->s[sp - 1] != ' ')
            sp--;
        if (sp > 0) {
            len = sp - 1;
        } else {
            /* Whole clusters only: dropping just the accent of "é" would change the letter,
             * and dropping the end of a ZWJ sequence would join what is left to the "…". */
            size_t at = 0, last = 0;
            while (at < len) {
                last = at;
                at += cluster_len(l->s + at, l->s + len);
            }
            len = last;
        }
    }
}

/* The line's runs with their widths, placed from left to right in visual order. */
static void place_runs(const struct text_metrics *m, int face, int px, struct text_line *l)
{
    struct run_tmp small[SMALL_RUNS], *tmp;
    size_t n = split_runs(m, face, l->s, strlen(l->s), l->rtl, small, &tmp);
    size_t *order = xmalloc((n ? n : 1) * sizeof *order);
    visual_order(tmp, n, order);
    l->runs = xmalloc((n ? n : 1) * sizeof *l->runs);
    l->n_runs = n;
    for (size_t i = 0; i < n; i++) {
        l->runs[i] = tmp[i].run;
        l->runs[i].w =
            m->width(m->ctx, tmp[i].run.face, px, l->s + tmp[i].run.start, tmp[i].run.len);
    }
    int x = 0;
    for (size_t i = 0; i < n; i++) {
        l->runs[order[i]].x = x;
        x += l->runs[order[i]].w;
    }
    free(order);
    if (tmp != small)
        free(tmp);
}

struct text_block *text_layout(const struct text_metrics *m, int face, const char *text, int max_w,
                               int max_h, int max_lines, int px, int min_px)
{
    struct text_block *b = xcalloc(1, sizeof *b);
    if (min_px < 1)
        min_px = 1;
    if (px < min_px)
        px = min_px;
    if (max_w < 1)
        max_w = 1;
    b->face = face;
    b->px = px;
    b->line_height = m->line_height(m->ctx, face, px);
    if (!text || !*text)
        return b;

    /* Largest size in [min_px, px] whose layout fits: binary search, as the line count only
     * grows when the size does. */
    int lo = min_px, hi = px, best = -1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        struct line_acc a = layout_all(m, face, mid, text, max_w);
        int lh = m->line_height(m->ctx, face, mid);
        bool fits = (max_lines <= 0 || a.n <= (size_t)max_lines) &&
                    (max_h <= 0 || (int64_t)a.n * lh <= max_h);
        free_lines(a.lines, a.n);
        if (fits)
            best = mid, lo = mid + 1;
        else
            hi = mid - 1;
    }
    int size = best > 0 ? best : min_px;
    struct line_acc a = layout_all(m, face, size, text, max_w);
    /* Only a single cluster wider than the box makes a line wider than the box (U+FDFD is ten
     * ems wide, and initials sit in a small circle): then the text goes below min_px, as far
     * as that glyph needs, rather than drawing outside its box. */
    for (int tries = 0; tries < 16 && size > 1; tries++) {
        int widest = 0;
        for (size_t i = 0; i < a.n; i++)
            widest = a.lines[i].width > widest ? a.lines[i].width : widest;
        if (widest <= max_w)
            break;
        int smaller = (int)((int64_t)size * max_w / widest);
        size = smaller >= size ? size - 1 : smaller < 1 ? 1 : smaller;
        free_lines(a.lines, a.n);
        a = layout_all(m, face, size, text, max_w);
    }
    b->px = size;
    b->line_height = m->line_height(m->ctx, face, size);
    if (best < 0) {
        size_t keep = lines_allowed(max_h, max_lines, b->line_height);
        if (keep < a.n) {
            for (size_t i = keep; i < a.n; i++) {
                free(a.lines[i].s);
                free(a.lines[i].runs);
            }
            a.n = keep;
        }
        /* The cut should not end on a paragraph break: the ellipsis goes after words. */
        while (a.n > 1 && !*a.lines[a.n - 1].s) {
            free(a.lines[a.n - 1].s);
            free(a.lines[a.n - 1].runs);
            a.n--;
        }
        ellipsize(m, face, size, &a.lines[a.n - 1], max_w);
        b->truncated = true;
    }
    /* Trailing empty lines (from paragraph breaks) only push the text away from its box. */
    while (a.n > 1 && !*a.lines[a.n - 1].s) {
        free(a.lines[a.n - 1].s);
        free(a.lines[a.n - 1].runs);
        a.n--;
    }
    b->lines = a.lines;
    b->n_lines = a.n;
    for (size_t i = 0; i < b->n_lines; i++) {
        place_runs(m, face, size, &b->lines[i]);
        if (b->lines[i].width > b->width)
            b->width = b->lines[i].width;
    }
    b->height = (int)b->n_lines * b->line_height;
    return b;
}

void text_block_destroy(struct text_block *b)
{
    if (!b)
        return;
    free_lines(b->lines, b->n_lines);
    free(b);
}

static uint32_t to_upper(uint32_t cp)
{
    if ((cp >= 'a' && cp <= 'z') || (cp >= 0xE0 && cp <= 0xFE && cp != 0xF7) ||
        (cp >= 0x3B1 && cp <= 0x3C9 && cp != 0x3C2) || (cp >= 0x430 && cp <= 0x44F))
        return cp - 0x20;
    if (cp >= 0x450 && cp <= 0x45F)
        return cp - 0x50;
    if (cp >= 0x100 && cp <= 0x17F && (cp & 1) && cp != 0x131 && cp != 0x138 && cp != 0x149 &&
        !(cp >= 0x139 && cp <= 0x148) && !(cp >= 0x179 && cp <= 0x17E))
        return cp - 1; /* Latin Extended-A pairs: odd is lowercase in most of the block */
    if (((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) && !(cp & 1))
        return cp - 1;
    return cp;
}

char *text_initials(const char *name, char *out, size_t outlen)
{
    uint32_t first = 0, last_cap = 0, last_any = 0;
    const char *p = name, *end = name ? name + strlen(name) : NULL;
    bool at_word_start = true;
    /* Lowercase particles (van, de, den, der, ...) are skipped for the last initial, as Dutch
     * does ("Zoë van den Berg" is ZB); a name without a capitalised word after the first
     * falls back to its last word ("jan de vries" is JV). */
    while (p && p < end) {
        const char *q = p;
        uint32_t cp = utf8_decode(&q, end);
        if (cp == ' ' || cp == '-') {
            at_word_start = true;
        } else if (at_word_start && unicode_is_visible(cp) && !is_extending(cp)) {
            if (!first) {
                first = cp;
            } else {
                last_any = cp;
                if (!(cp >= 'a' && cp <= 'z'))
                    last_cap = cp;
            }
            at_word_start = false;
        } else {
            at_word_start = false;
        }
        p = q;
    }
    uint32_t last = last_cap ? last_cap : last_any;
    size_t n = 0;
    char enc[8];
    if (outlen == 0)
        return out;
    if (first) {
        size_t k = utf8_encode(to_upper(first), enc);
        if (n + k < outlen)
            memcpy(out + n, enc, k), n += k;
    }
    if (last) {
        size_t k = utf8_encode(to_upper(last), enc);
        if (n + k < outlen)
            memcpy(out + n, enc, k), n += k;
    }
    out[n] = '\0';
    return out;
}
