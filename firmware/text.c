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
           (cp >= 0x064B && cp <= 0x065F) || (cp >= 0x0E31 && cp <= 0x0E3A && cp != 0x0E32 && cp != 0x0E33) ||
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

/* Byte length of the cluster (a code point and everything extending it) at s. */
static size_t cluster_len(const char *s, const char *end)
{
    const char *p = s;
    uint32_t prev = utf8_decode(&p, end);
    while (p < end) {
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

/* Calls fn for each run of s[0..len) that one face draws. */
typedef void (*run_fn)(void *ud, int face, size_t start, size_t len);
static void for_each_run(const struct text_metrics *m, int face, const char *s, size_t len,
                         run_fn fn, void *ud)
{
    const char *p = s, *end = s + len;
    size_t run_start = 0;
    int run_face = -1;
    while (p < end) {
        size_t cl = cluster_len(p, end);
        const char *q = p;
        uint32_t cp = utf8_decode(&q, end);
        int f = face_at(m, face, cp);
        if (run_face < 0) {
            run_face = f;
        } else if (f != run_face) {
            fn(ud, run_face, run_start, (size_t)(p - s) - run_start);
            run_start = (size_t)(p - s);
            run_face = f;
        }
        p += cl;
    }
    if (run_face >= 0 && (size_t)(p - s) > run_start)
        fn(ud, run_face, run_start, (size_t)(p - s) - run_start);
}

struct measure_ud {
    const struct text_metrics *m;
    const char *s;
    int px;
    int w;
};

static void measure_run(void *ud, int face, size_t start, size_t len)
{
    struct measure_ud *u = ud;
    u->w += u->m->width(u->m->ctx, face, u->px, u->s + start, len);
}

static int measure(const struct text_metrics *m, int face, int px, const char *s, size_t len)
{
    struct measure_ud u = {m, s, px, 0};
    if (len)
        for_each_run(m, face, s, len, measure_run, &u);
    return u.w;
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

static void push_line(struct line_acc *a, const char *s, size_t len, int width)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 8;
        a->lines = xrealloc(a->lines, a->cap * sizeof *a->lines);
    }
    a->lines[a->n++] = (struct text_line){.s = xstrndup(s, len), .width = width};
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
            if ((cp == '-' || cp == '/' || cp == 0x2010 || cp == 0x2013 || cp == 0x2014) && p < end && *p != ' ')
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
static size_t break_word(const struct text_metrics *m, int face, int px, const char *para,
                         size_t start, size_t end, int max_w, struct line_acc *acc, int *last_w)
{
    size_t piece = start;
    const char *p = para + start;
    while (p < para + end) {
        size_t cl = cluster_len(p, para + end);
        size_t next = (size_t)(p - para) + cl;
        int w = measure(m, face, px, para + piece, next - piece);
        if (w > max_w && (size_t)(p - para) > piece) {
            push_line(acc, para + piece, (size_t)(p - para) - piece,
                      measure(m, face, px, para + piece, (size_t)(p - para) - piece));
            piece = (size_t)(p - para);
        }
        p += cl;
    }
    *last_w = measure(m, face, px, para + piece, end - piece);
    return piece;
}

/* Greedy line filling. Each candidate line is measured as a whole, exactly as its runs will
 * be drawn: widths of separately measured words do not add up to the width of the line
 * (rounding, kerning across a space), and a sum that comes out short lets a line overflow. */
static void layout_paragraph(const struct text_metrics *m, int face, int px, const char *para,
                             size_t len, int max_w, struct line_acc *acc)
{
    if (len == 0) {
        push_line(acc, "", 0, 0);
        return;
    }
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
            int w = measure(m, face, px, para + line_start, s->content_end - line_start);
            if (w <= max_w) {
                line_end = s->content_end;
                line_w = w;
                continue;
            }
            push_line(acc, para + line_start, line_end - line_start, line_w);
            empty = true;
        }
        /* Spaces at the start of a paragraph are indentation; after a wrap they are dropped. */
        if (blank && i > 0)
            continue;
        line_start = s->start;
        line_end = s->content_end;
        line_w = measure(m, face, px, para + s->start, s->content_end - s->start);
        if (line_w > max_w)
            line_start = break_word(m, face, px, para, s->start, s->content_end, max_w, acc, &line_w);
        empty = false;
    }
    if (!empty)
        push_line(acc, para + line_start, line_end - line_start, line_w);
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

static struct line_acc layout_all(const struct text_metrics *m, int face, int px,
                                  const char *text, int max_w)
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
static void ellipsize(const struct text_metrics *m, int face, int px, struct text_line *l, int max_w)
{
    size_t len = strlen(l->s);
    for (;;) {
        while (len > 0 && l->s[len - 1] == ' ')
            len--;
        char *cand = xasprintf("%.*s%s", (int)len, l->s, ELLIPSIS);
        int w = measure(m, face, px, cand, strlen(cand));
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

struct runs_ud {
    const struct text_metrics *m;
    struct text_line *line;
    int px, x;
};

static void add_run(void *ud, int face, size_t start, size_t len)
{
    struct runs_ud *u = ud;
    struct text_line *l = u->line;
    int w = u->m->width(u->m->ctx, face, u->px, l->s + start, len);
    l->runs = xrealloc(l->runs, (l->n_runs + 1) * sizeof *l->runs);
    l->runs[l->n_runs++] = (struct text_run){.face = face, .start = start, .len = len, .x = u->x, .w = w};
    u->x += w;
}

struct text_block *text_layout(const struct text_metrics *m, int face, const char *text,
                               int max_w, int max_h, int max_lines, int px, int min_px)
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
        struct runs_ud u = {m, &b->lines[i], size, 0};
        for_each_run(m, face, b->lines[i].s, strlen(b->lines[i].s), add_run, &u);
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
