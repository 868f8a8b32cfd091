/* text: line breaking, clusters, fitting and truncation, font runs and initials, measured with
 * the stub metrics (every code point px/2 wide, so expected lines can be worked out by hand). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "stub_metrics.h"
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ELLIPSIS     "\xE2\x80\xA6"
#define E_ACUTE      "e\xCC\x81" /* e + U+0301 COMBINING ACUTE ACCENT */
#define TECHNOLOGIST "\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x92\xBB" /* woman, ZWJ, laptop */
#define WAVE         "\xF0\x9F\x91\x8B" /* U+1F44B, drawn by the emoji face */

static struct text_block *lay(const char *text, int max_w, int max_h, int max_lines, int px,
                              int min_px)
{
    return text_layout(stub_metrics(), 0, text, max_w, max_h, max_lines, px, min_px);
}

/* Whether s holds a character of a right-to-left script. */
static bool has_rtl(const char *s)
{
    const char *p = s, *end = s + strlen(s);
    while (p < end) {
        uint32_t cp = utf8_decode(&p, end);
        if ((cp >= 0x0590 && cp <= 0x08FF) || (cp >= 0xFB1D && cp <= 0xFDFF) ||
            (cp >= 0xFE70 && cp <= 0xFEFE) || (cp >= 0x10800 && cp <= 0x10FFF) ||
            (cp >= 0x1E800 && cp <= 0x1EFFF))
            return true;
    }
    return false;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

/* What every block must satisfy: the runs tile each line exactly (bytes and pixels), the
 * line width is what the runs draw, no line is wider than max_w unless it is one cluster, and
 * the block's summary fields agree with its lines. */
static void check_block(const struct text_block *b, int max_w)
{
    int widest = 0;
    assert_int_equal(b->line_height, b->px * 5 / 4);
    for (size_t i = 0; i < b->n_lines; i++) {
        const struct text_line *l = &b->lines[i];
        assert_non_null(l->s);
        size_t len = strlen(l->s), at = 0;
        bool bidi = l->rtl || has_rtl(l->s);
        for (size_t r = 0; r < l->n_runs; r++) {
            const struct text_run *run = &l->runs[r];
            assert_int_equal(run->start, at);
            assert_true(run->len > 0);
            assert_int_equal(run->w,
                             stub_width(NULL, run->face, b->px, l->s + run->start, run->len));
            /* Without right-to-left text, runs change only where the face does, and reading
             * order is visual order. */
            if (r > 0 && !bidi)
                assert_int_not_equal(run->face, l->runs[r - 1].face);
            if (!bidi)
                assert_false(run->rtl);
            at += run->len;
        }
        assert_int_equal(at, len);
        /* In visual order the runs tile [0, width) without gaps or overlaps (zero-width runs
         * first where several start at one x). */
        int x = 0;
        bool used[64] = {false};
        assert_true(l->n_runs <= 64);
        for (size_t k = 0; k < l->n_runs; k++) {
            size_t found = l->n_runs;
            for (size_t r = 0; r < l->n_runs; r++)
                if (!used[r] && l->runs[r].x == x && (found == l->n_runs || l->runs[r].w == 0))
                    found = r;
            if (found == l->n_runs)
                fail_msg("no run of \"%s\" starts at x=%d", l->s, x);
            used[found] = true;
            x += l->runs[found].w;
        }
        assert_int_equal(l->width, x);
        /* A cluster wider than the box shrinks the text, below min_px if it must. */
        if (b->px > 1)
            assert_true(l->width <= max_w);
        if (l->width > widest)
            widest = l->width;
    }
    assert_int_equal(b->width, widest);
    assert_int_equal(b->height, (int)b->n_lines * b->line_height);
}

/* The text without spaces and line breaks: wrapping may only move those. */
static char *ink(const char *s)
{
    char *out = xstrdup(s ? s : "");
    size_t k = 0;
    for (const char *p = out; *p; p++)
        if (*p != ' ' && *p != '\n')
            out[k++] = *p;
    out[k] = '\0';
    return out;
}

static char *block_ink(const struct text_block *b)
{
    struct strbuf sb = {0};
    strbuf_append(&sb, "", 0);
    for (size_t i = 0; i < b->n_lines; i++)
        strbuf_appends(&sb, b->lines[i].s);
    char *r = ink(sb.data);
    strbuf_free(&sb);
    return r;
}

static void assert_lossless(const struct text_block *b, const char *text)
{
    char *want = ink(text), *got = block_ink(b);
    assert_string_equal(got, want);
    free(want);
    free(got);
}

static void assert_lines(const struct text_block *b, const char *const *want, size_t n)
{
    assert_int_equal(b->n_lines, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(b->lines[i].s, want[i]);
}

static void test_wraps_at_spaces(void **state)
{
    (void)state;
    /* px 20: 10 px per code point, so 100 px hold 10 code points. */
    struct text_block *b = lay("the quick brown fox jumps over the lazy dog", 100, 0, 0, 20, 20);
    static const char *const want[] = {"the quick", "brown fox", "jumps over", "the lazy", "dog"};
    assert_lines(b, want, ARRAY_LEN(want));
    assert_int_equal(b->px, 20);
    assert_false(b->truncated);
    assert_int_equal(b->lines[2].width, 100);
    check_block(b, 100);
    text_block_destroy(b);

    /* Runs of spaces between words are break points too and never start a line. */
    b = lay("aaaa    bbbb", 60, 0, 0, 20, 20);
    static const char *const want2[] = {"aaaa", "bbbb"};
    assert_lines(b, want2, ARRAY_LEN(want2));
    text_block_destroy(b);
}

static void test_never_wider_than_box(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "Welkom bij het team! Fijn dat je er bent, we hebben er zin in.",
        "Kan iemand mij helpen met de arbeidsongeschiktheidsverzekeringsmaatschappij?",
        "Caf" E_ACUTE " op vrijdag " TECHNOLOGIST " met " WAVE " iedereen " WAVE WAVE WAVE,
        "\xE4\xBD\xA0\xE5\xA5\xBD\xE4\xB8\x96\xE7\x95\x8C mixed with Latin and "
        "\xE6\xAC\xA2\xE8\xBF\x8E",
        "well-known/half-baked co-worker",
        "a b c d e f g h i j k l m n o p q r s t u v w x y z",
        "line one\nline two is longer\n\nafter a blank line",
    };
    static const int sizes[] = {20, 15, 21, 7};
    for (size_t t = 0; t < ARRAY_LEN(texts); t++) {
        for (size_t s = 0; s < ARRAY_LEN(sizes); s++) {
            for (int w = 1; w <= 400; w += 3) {
                struct text_block *b = lay(texts[t], w, 0, 0, sizes[s], sizes[s]);
                check_block(b, w);
                assert_false(b->truncated);
                /* the size only gives way when a single cluster is wider than the box */
                assert_true(b->px == sizes[s] || (b->px < sizes[s] && w < sizes[s] * 3 / 2));
                assert_lossless(b, texts[t]);
                text_block_destroy(b);
            }
        }
    }
}

static void test_hard_breaks(void **state)
{
    (void)state;
    struct text_block *b = lay("one\ntwo\n\nthree", 1000, 0, 0, 20, 20);
    static const char *const want[] = {"one", "two", "", "three"};
    assert_lines(b, want, ARRAY_LEN(want));
    assert_int_equal(b->lines[2].width, 0);
    assert_int_equal(b->height, 4 * b->line_height);
    check_block(b, 1000);
    text_block_destroy(b);

    /* A break at the end adds no empty line: it would only push the text off its box. */
    b = lay("end\n\n", 1000, 0, 0, 20, 20);
    static const char *const want2[] = {"end"};
    assert_lines(b, want2, ARRAY_LEN(want2));
    text_block_destroy(b);

    /* Wrapping inside paragraphs and the hard breaks between them combine. */
    b = lay("aaaa bbbb\n\ncccc dddd", 60, 0, 0, 20, 20);
    static const char *const want3[] = {"aaaa", "bbbb", "", "cccc", "dddd"};
    assert_lines(b, want3, ARRAY_LEN(want3));
    check_block(b, 60);
    text_block_destroy(b);
}

static void test_long_compound_broken_between_characters(void **state)
{
    (void)state;
    static const char word[] = "arbeidsongeschiktheidsverzekeringsmaatschappij"; /* 46 letters */
    struct text_block *b = lay(word, 200, 0, 0, 20, 20); /* 20 letters a line */
    static const char *const want[] = {"arbeidsongeschikthei", "dsverzekeringsmaatsc", "happij"};
    assert_lines(b, want, ARRAY_LEN(want));
    check_block(b, 200);
    text_block_destroy(b);

    /* In a sentence: the short words around it keep their own lines where they fit. */
    b = lay("De arbeidsongeschiktheidsverzekeringsmaatschappij belt", 200, 0, 0, 20, 20);
    check_block(b, 200);
    assert_lossless(b, "De arbeidsongeschiktheidsverzekeringsmaatschappij belt");
    assert_string_equal(b->lines[0].s, "De");
    assert_string_equal(b->lines[b->n_lines - 1].s, "happij belt");
    text_block_destroy(b);

    /* Narrower than one letter: one letter a line, never an empty line or a lost letter. */
    b = lay("abc", 3, 0, 0, 20, 20);
    static const char *const want3[] = {"a", "b", "c"};
    assert_lines(b, want3, ARRAY_LEN(want3));
    text_block_destroy(b);
}

static void test_clusters_never_split(void **state)
{
    (void)state;
    /* Decomposed é is two code points (20 px at px 20): two fit in 50 px, a third does not. */
    struct text_block *b = lay(E_ACUTE E_ACUTE E_ACUTE E_ACUTE E_ACUTE, 50, 0, 0, 20, 20);
    static const char *const want[] = {E_ACUTE E_ACUTE, E_ACUTE E_ACUTE, E_ACUTE};
    assert_lines(b, want, ARRAY_LEN(want));
    check_block(b, 50);
    text_block_destroy(b);

    /* A box narrower than one cluster still gets whole clusters. */
    b = lay(E_ACUTE E_ACUTE, 5, 0, 0, 20, 20);
    static const char *const want2[] = {E_ACUTE, E_ACUTE};
    assert_lines(b, want2, ARRAY_LEN(want2));
    text_block_destroy(b);

    /* A ZWJ sequence is three code points (30 px) and one picture. */
    b = lay(TECHNOLOGIST TECHNOLOGIST TECHNOLOGIST, 40, 0, 0, 20, 20);
    static const char *const want3[] = {TECHNOLOGIST, TECHNOLOGIST, TECHNOLOGIST};
    assert_lines(b, want3, ARRAY_LEN(want3));
    check_block(b, 40);
    for (size_t i = 0; i < b->n_lines; i++) {
        assert_int_equal(b->lines[i].n_runs, 1);
        assert_int_equal(b->lines[i].runs[0].face, STUB_EMOJI_FACE);
    }
    text_block_destroy(b);
    b = lay(TECHNOLOGIST, 1, 0, 0, 20, 20);
    static const char *const want4[] = {TECHNOLOGIST};
    assert_lines(b, want4, ARRAY_LEN(want4));
    text_block_destroy(b);
}

static void test_ellipsis_never_splits_a_cluster(void **state)
{
    (void)state;
    /* "👩‍💻…" is 40 px and does not fit 35: the whole sequence goes, not just the laptop
     * (which would leave a woman joined to the ellipsis). */
    struct text_block *b = lay(TECHNOLOGIST TECHNOLOGIST TECHNOLOGIST, 35, 0, 1, 20, 20);
    assert_true(b->truncated);
    assert_int_equal(b->n_lines, 1);
    assert_string_equal(b->lines[0].s, ELLIPSIS);
    check_block(b, 35);
    text_block_destroy(b);

    /* "xé…" is 40 px: the accent must not be dropped on its own (that would print "xe…"). */
    b = lay("x" E_ACUTE "yyyyyyyy", 35, 0, 1, 20, 20);
    assert_true(b->truncated);
    assert_string_equal(b->lines[0].s, "x" ELLIPSIS);
    check_block(b, 35);
    text_block_destroy(b);

    b = lay("x" E_ACUTE "yyyyyyyy", 45, 0, 1, 20, 20);
    assert_string_equal(b->lines[0].s, "x" E_ACUTE ELLIPSIS);
    text_block_destroy(b);
}

static void test_cjk_breaks_between_ideographs(void **state)
{
    (void)state;
    /* 你好世界欢迎新同事: nine ideographs, 10 px each at px 20. */
    static const char text[] = "\xE4\xBD\xA0\xE5\xA5\xBD\xE4\xB8\x96\xE7\x95\x8C\xE6\xAC\xA2"
                               "\xE8\xBF\x8E\xE6\x96\xB0\xE5\x90\x8C\xE4\xBA\x8B";
    struct text_block *b = lay(text, 35, 0, 0, 20, 20);
    static const char *const want[] = {"\xE4\xBD\xA0\xE5\xA5\xBD\xE4\xB8\x96",
                                       "\xE7\x95\x8C\xE6\xAC\xA2\xE8\xBF\x8E",
                                       "\xE6\x96\xB0\xE5\x90\x8C\xE4\xBA\x8B"};
    assert_lines(b, want, ARRAY_LEN(want));
    check_block(b, 35);
    text_block_destroy(b);

    /* Fits on one line: no break at all. */
    b = lay(text, 90, 0, 0, 20, 20);
    assert_int_equal(b->n_lines, 1);
    assert_string_equal(b->lines[0].s, text);
    text_block_destroy(b);
}

static void test_shrinks_to_fit(void **state)
{
    (void)state;
    static const char text[] =
        "Welkom bij het team, fijn dat je er bent! We gaan samen veel leren.";
    const int max_w = 400, max_h = 100;
    struct text_block *b = lay(text, max_w, max_h, 0, 40, 10);
    assert_false(b->truncated);
    assert_true(b->px < 40);
    assert_true(b->px >= 10);
    assert_true((int)b->n_lines * b->line_height <= max_h);
    check_block(b, max_w);
    assert_lossless(b, text);
    /* The largest size that fits was chosen: one pixel more does not fit. */
    struct text_block *bigger = lay(text, max_w, max_h, 0, b->px + 1, b->px + 1);
    assert_true(bigger->truncated);
    text_block_destroy(bigger);
    text_block_destroy(b);

    /* Text that fits at px stays at px. */
    b = lay("kort", max_w, max_h, 0, 40, 10);
    assert_int_equal(b->px, 40);
    assert_int_equal(b->n_lines, 1);
    text_block_destroy(b);

    /* max_lines alone also shrinks. */
    b = lay(text, max_w, 0, 2, 40, 8);
    assert_false(b->truncated);
    assert_true(b->n_lines <= 2);
    assert_true(b->px < 40);
    check_block(b, max_w);
    text_block_destroy(b);

    /* Shrinking stops at min_px, even when a smaller size would fit. */
    b = lay(text, max_w, max_h, 0, 40, 30);
    assert_int_equal(b->px, 30);
    assert_true(b->truncated);
    text_block_destroy(b);
}

static void test_truncates_at_min_px(void **state)
{
    (void)state;
    static const char text[] =
        "Vrijdag is er taart in de kantine voor iedereen die helpt met verhuizen. Neem je eigen "
        "dozen mee en label ze met je naam, want anders raken we alles kwijt in het nieuwe pand.";
    static const int widths[] = {120, 200, 333, 401};
    for (size_t i = 0; i < ARRAY_LEN(widths); i++) {
        for (int max_h = 25; max_h <= 100; max_h += 7) {
            struct text_block *b = lay(text, widths[i], max_h, 0, 30, 20);
            assert_true(b->truncated);
            assert_int_equal(b->px, 20);
            assert_true(b->n_lines >= 1);
            assert_true((int)b->n_lines * b->line_height <= max_h);
            const struct text_line *last = &b->lines[b->n_lines - 1];
            assert_true(ends_with(last->s, ELLIPSIS));
            assert_true(last->width <= widths[i]);
            /* No space before the ellipsis. */
            assert_false(ends_with(last->s, " " ELLIPSIS));
            check_block(b, widths[i]);
            text_block_destroy(b);
        }
    }

    /* A full last line loses its last word to make room ("aaaa bbbb…" would be 100 px). */
    struct text_block *b = lay("aaaa bbbb cccc dddd", 90, 0, 1, 20, 20);
    assert_true(b->truncated);
    static const char *const want[] = {"aaaa" ELLIPSIS};
    assert_lines(b, want, ARRAY_LEN(want));
    text_block_destroy(b);

    /* A cut that would end on a paragraph break ends after the words before it instead. */
    b = lay("Eerste alinea.\n\nTweede alinea die niet meer past.", 1000, 0, 2, 20, 20);
    assert_true(b->truncated);
    static const char *const want2[] = {"Eerste alinea." ELLIPSIS};
    assert_lines(b, want2, ARRAY_LEN(want2));
    text_block_destroy(b);
    b = lay("Een.\n\nTwee.\n\nDrie.", 1000, 3 * 25, 0, 20, 20);
    assert_true(b->truncated);
    for (size_t i = 0; i < b->n_lines; i++)
        assert_true(i == 1 || *b->lines[i].s);
    assert_true(*b->lines[b->n_lines - 1].s);
    assert_true(ends_with(b->lines[b->n_lines - 1].s, ELLIPSIS));
    text_block_destroy(b);
}

static void test_max_lines(void **state)
{
    (void)state;
    static const char text[] = "een twee drie vier vijf zes zeven acht negen tien elf twaalf";
    for (int max_lines = 1; max_lines <= 4; max_lines++) {
        struct text_block *b = lay(text, 100, 0, max_lines, 20, 20);
        assert_int_equal(b->n_lines, (size_t)max_lines);
        assert_true(b->truncated);
        check_block(b, 100);
        text_block_destroy(b);
    }
    /* Enough lines: nothing is cut. */
    struct text_block *b = lay(text, 100, 0, 50, 20, 20);
    assert_false(b->truncated);
    assert_lossless(b, text);
    text_block_destroy(b);
    /* max_lines and max_h together: the tighter one wins. */
    b = lay(text, 100, 2 * 25, 4, 20, 20);
    assert_int_equal(b->n_lines, 2);
    text_block_destroy(b);
}

static void test_runs_split_by_face(void **state)
{
    (void)state;
    struct text_block *b = lay("Hi " WAVE " there " TECHNOLOGIST, 1000, 0, 0, 20, 20);
    assert_int_equal(b->n_lines, 1);
    const struct text_line *l = &b->lines[0];
    assert_int_equal(l->n_runs, 4);
    assert_int_equal(l->runs[0].face, 0);
    assert_int_equal(l->runs[1].face, STUB_EMOJI_FACE);
    assert_int_equal(l->runs[2].face, 0);
    assert_int_equal(l->runs[3].face, STUB_EMOJI_FACE);
    assert_memory_equal(l->s + l->runs[1].start, WAVE, strlen(WAVE));
    assert_int_equal(l->runs[1].len, strlen(WAVE));
    assert_int_equal(l->runs[3].len, strlen(TECHNOLOGIST));
    assert_int_equal(l->runs[3].x + l->runs[3].w, l->width);
    assert_int_equal(l->width, (int)stub_code_points(l->s, strlen(l->s)) * 10);
    check_block(b, 1000);
    text_block_destroy(b);

    /* Odd sizes round each run on its own: the line is as wide as its runs, which is what is
     * drawn, and still within the box. */
    for (int px = 11; px <= 31; px += 2) {
        for (int w = 20; w <= 300; w += 11) {
            b = lay("a " WAVE " b " WAVE WAVE " c d e " WAVE " fgh ijk", w, 0, 0, px, px);
            check_block(b, w);
            text_block_destroy(b);
        }
    }

    /* Without face_for, one run per line in the style's face. */
    struct text_metrics m = *stub_metrics();
    m.face_for = NULL;
    b = text_layout(&m, 1, "Hi " WAVE " there", 1000, 0, 0, 20, 20);
    assert_int_equal(b->lines[0].n_runs, 1);
    assert_int_equal(b->lines[0].runs[0].face, 1);
    assert_int_equal(b->face, 1);
    text_block_destroy(b);
}

static void test_empty_text(void **state)
{
    (void)state;
    static const char *const texts[] = {"", NULL};
    for (size_t i = 0; i < ARRAY_LEN(texts); i++) {
        struct text_block *b = lay(texts[i], 100, 100, 3, 20, 10);
        assert_non_null(b);
        assert_int_equal(b->n_lines, 0);
        assert_int_equal(b->height, 0);
        assert_int_equal(b->width, 0);
        assert_false(b->truncated);
        text_block_destroy(b);
    }
    text_block_destroy(NULL);
}

static void test_degenerate_boxes(void **state)
{
    (void)state;
    /* Nonsense sizes never crash or loop: the box becomes at least one pixel, min_px at least 1,
     * px at least min_px. */
    struct text_block *b = lay("abc def", 0, 0, 0, 0, 0);
    assert_true(b->px >= 1);
    assert_lossless(b, "abc def");
    text_block_destroy(b);
    b = lay("abc def", 1000, -5, -1, 5, 10);
    assert_int_equal(b->px, 10);
    text_block_destroy(b);
    /* A box narrower than any letter (1 px): the text shrinks as far as it must. */
    b = lay("abc def", -5, -5, -1, 5, 10);
    assert_int_equal(b->px, 2); /* a letter is px/2 wide */
    check_block(b, 1);
    assert_lossless(b, "abc def");
    text_block_destroy(b);
    /* A box lower than one line at min_px still gets one (cut) line rather than nothing. */
    b = lay("abc def ghi", 1000, 5, 0, 20, 20);
    assert_int_equal(b->n_lines, 1);
    text_block_destroy(b);
}

/* Every line of a corpus, sanitised as the feed parser does, wraps without a crash, a hang or a
 * broken invariant (ASan watches the reads). */
static void run_corpus_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        print_message("skipping %s (not found)\n", path);
        return;
    }
    char line[8192];
    size_t n = 0;
    while (fgets(line, sizeof line, f)) {
        char *clean = text_sanitize(line, strlen(line), 4096, true, NULL);
        static const int widths[] = {1, 37, 120, 500};
        for (size_t i = 0; i < ARRAY_LEN(widths); i++) {
            struct text_block *b = lay(clean, widths[i], 80, 3, 24, 12);
            check_block(b, widths[i]);
            if (b->truncated)
                assert_true(ends_with(b->lines[b->n_lines - 1].s, ELLIPSIS));
            text_block_destroy(b);
        }
        char init[16];
        text_initials(clean, init, sizeof init);
        assert_true(strlen(init) < sizeof init);
        free(clean);
        n++;
    }
    fclose(f);
    assert_true(n > 100);
}

static void test_corpora(void **state)
{
    (void)state;
    const char *dir = getenv("PRIKBORD_SHARED_DIR");
    if (!dir)
        skip();
    char path[1024];
    snprintf(path, sizeof path, "%s/corpora/naughty-strings/blns.txt", dir);
    run_corpus_file(path);
    snprintf(path, sizeof path, "%s/corpora/utf8/UTF-8-test.txt", dir);
    run_corpus_file(path);
}

static void assert_initials(const char *name, const char *want)
{
    char out[32];
    memset(out, 'X', sizeof out);
    assert_ptr_equal(text_initials(name, out, sizeof out), out);
    if (strcmp(out, want) != 0)
        print_error("initials of \"%s\"\n", name ? name : "(null)");
    assert_string_equal(out, want);
}

static void test_initials(void **state)
{
    (void)state;
    assert_initials("Zo\xC3\xAB van den Berg", "ZB");
    assert_initials("\xC4\xB2sbrand Kuipers", "\xC4\xB2K"); /* Ĳ is one letter in Dutch */
    assert_initials("\xC4\xB3sbrand kuipers", "\xC4\xB2K"); /* ĳ uppercases to Ĳ */
    assert_initials("Mohammed El Amrani", "MA");
    assert_initials("madonna", "M");
    assert_initials("", "");
    assert_initials("   ", "");
    assert_initials(NULL, "");
    assert_initials("\xCE\xA3\xCE\xA9\xCE\x9A\xCE\xA1\xCE\x86\xCE\xA4\xCE\x97\xCE\xA3", "\xCE\xA3");
    /* σωκράτης παππάς -> ΣΠ */
    assert_initials("\xCF\x83\xCF\x89\xCE\xBA\xCF\x81\xCE\xAC\xCF\x84\xCE\xB7\xCF\x82 "
                    "\xCF\x80\xCE\xB1\xCF\x80\xCF\x80\xCE\xAC\xCF\x82",
                    "\xCE\xA3\xCE\xA0");
    /* Cyrillic: анна павлова -> АП */
    assert_initials(
        "\xD0\xB0\xD0\xBD\xD0\xBD\xD0\xB0 \xD0\xBF\xD0\xB0\xD0\xB2\xD0\xBB\xD0\xBE\xD0\xB2\xD0\xB0",
        "\xD0\x90\xD0\x9F");
    /* محمد علي: the first letters, meem and ain, unchanged (Arabic has no case). */
    assert_initials("\xD9\x85\xD8\xAD\xD9\x85\xD8\xAF \xD8\xB9\xD9\x84\xD9\x8A",
                    "\xD9\x85\xD8\xB9");
    assert_initials("  Anne-Marie   Jansen  ", "AJ");
    /* A lowercase name has no capitalised surname to prefer: its last word is the surname. */
    assert_initials("jan de vries", "JV");
    assert_initials("Jan de vries", "JV");
    assert_initials("Vincent van Gogh", "VG");

    /* A name that is one emoji (or a ZWJ sequence) does not crash and gives at most a picture. */
    char out[16];
    text_initials("\xF0\x9F\x8E\x89", out, sizeof out);
    assert_true(strlen(out) <= 4);
    text_initials(TECHNOLOGIST, out, sizeof out);
    assert_true(strlen(out) < sizeof out);
    text_initials(E_ACUTE, out, sizeof out);
    assert_true(strlen(out) < sizeof out);

    /* The buffer bounds the output, and a letter is never cut in half. */
    char small[3];
    text_initials("\xC4\xB2sbrand Kuipers", small, sizeof small);
    assert_string_equal(small, "\xC4\xB2");
    char tiny[1] = {'X'};
    text_initials("Zo\xC3\xAB", tiny, sizeof tiny);
    assert_int_equal(tiny[0], '\0');
    text_initials("Zo\xC3\xAB", tiny, 0); /* nothing written at all */
}

/* ---- right to left ---- */

#define MOHAMMED_AR "\xD9\x85\xD8\xAD\xD9\x85\xD8\xAF" /* محمد, 4 letters */
#define AMRANI_AR                                                                                  \
    "\xD8\xA7\xD9\x84\xD8\xB9\xD9\x85\xD8\xB1\xD8\xA7\xD9\x86\xD9\x8A" /* العمراني, 8 */
#define SHALOM_HE "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D"                   /* שלום, 4 letters */

/* The run of line l holding byte offset at. */
static const struct text_run *run_at(const struct text_line *l, size_t at)
{
    for (size_t i = 0; i < l->n_runs; i++)
        if (at >= l->runs[i].start && at < l->runs[i].start + l->runs[i].len)
            return &l->runs[i];
    fail_msg("no run at byte %zu of \"%s\"", at, l->s);
    return NULL;
}

static void test_direction_of_text(void **state)
{
    (void)state;
    assert_false(text_is_rtl("Mohammed", 8));
    assert_true(text_is_rtl(MOHAMMED_AR, strlen(MOHAMMED_AR)));
    assert_true(text_is_rtl(SHALOM_HE, strlen(SHALOM_HE)));
    /* the first strong letter decides; digits, spaces, punctuation and emoji do not count */
    assert_true(
        text_is_rtl("2026 (" MOHAMMED_AR ") Mohammed", strlen("2026 (" MOHAMMED_AR ") Mohammed")));
    assert_false(text_is_rtl("Mohammed (" MOHAMMED_AR ")", strlen("Mohammed (" MOHAMMED_AR ")")));
    assert_false(text_is_rtl("12 " WAVE " !", strlen("12 " WAVE " !")));
    assert_false(text_is_rtl("", 0));
}

static void test_rtl_runs_in_latin(void **state)
{
    (void)state;
    /* A name in an LTR line keeps its place; the Arabic run is drawn right to left, the
     * brackets around it stay left to right. */
    const char *text = "Mohammed (" MOHAMMED_AR ") El Amrani";
    struct text_block *b = lay(text, 1000, 0, 0, 20, 20);
    check_block(b, 1000);
    assert_int_equal(b->n_lines, 1);
    const struct text_line *l = &b->lines[0];
    assert_false(l->rtl);
    assert_int_equal(l->n_runs, 3);
    assert_false(l->runs[0].rtl);
    assert_true(l->runs[1].rtl);
    assert_false(l->runs[2].rtl);
    assert_int_equal(l->runs[1].len, strlen(MOHAMMED_AR));
    /* visual order is reading order here */
    assert_true(l->runs[0].x < l->runs[1].x && l->runs[1].x < l->runs[2].x);
    text_block_destroy(b);

    /* Two Arabic words with a space between: one run, so HarfBuzz orders the words. */
    text = "Van " MOHAMMED_AR " " AMRANI_AR " uit Utrecht";
    b = lay(text, 1000, 0, 0, 20, 20);
    check_block(b, 1000);
    l = &b->lines[0];
    assert_int_equal(l->n_runs, 3);
    assert_true(l->runs[1].rtl);
    assert_int_equal(l->runs[1].len, strlen(MOHAMMED_AR " " AMRANI_AR));
    text_block_destroy(b);
}

static void test_rtl_paragraph_order(void **state)
{
    (void)state;
    /* A Hebrew paragraph with a Latin word: the Latin word sits left of the first Hebrew
     * word, and the full stop at the end of the paragraph goes to the far left. */
    const char *text = SHALOM_HE " Prikbord " SHALOM_HE ".";
    struct text_block *b = lay(text, 1000, 0, 0, 20, 20);
    check_block(b, 1000);
    const struct text_line *l = &b->lines[0];
    assert_true(l->rtl);
    const struct text_run *first = run_at(l, 0);
    const struct text_run *latin = run_at(l, strlen(SHALOM_HE " "));
    const struct text_run *last = run_at(l, strlen(SHALOM_HE " Prikbord "));
    const struct text_run *stop = run_at(l, strlen(text) - 1);
    assert_true(first->rtl);
    assert_false(latin->rtl);
    assert_true(last->rtl);
    assert_true(stop->rtl);
    assert_true(first->x > latin->x);
    assert_ptr_not_equal(last, first);
    assert_true(latin->x > last->x);
    assert_int_equal(stop->x, 0);
    assert_int_equal(first->x + first->w, l->width);
    text_block_destroy(b);

    /* A number after Arabic is read left to right, and stands to the left of the word. */
    text = MOHAMMED_AR " 2026";
    b = lay(text, 1000, 0, 0, 20, 20);
    l = &b->lines[0];
    const struct text_run *year = run_at(l, strlen(text) - 1);
    assert_false(year->rtl);
    assert_int_equal(year->x, 0);
    assert_true(run_at(l, 0)->rtl);
    text_block_destroy(b);

    /* Brackets around a Latin word inside Hebrew stay around the word (they pair). */
    text = SHALOM_HE " (Welcome) " SHALOM_HE;
    b = lay(text, 1000, 0, 0, 20, 20);
    l = &b->lines[0];
    const struct text_run *open = run_at(l, strlen(SHALOM_HE " "));
    const struct text_run *word = run_at(l, strlen(SHALOM_HE " ("));
    const struct text_run *close = run_at(l, strlen(SHALOM_HE " (Welcome"));
    assert_true(open->rtl && close->rtl);
    assert_false(word->rtl);
    /* drawn right to left: the run with "(" right of the word, the one with ")" left of it
     * (HarfBuzz mirrors both glyphs) */
    assert_ptr_not_equal(open, close);
    assert_true(open->x >= word->x + word->w);
    assert_true(close->x + close->w <= word->x);
    text_block_destroy(b);

    /* Lines of a wrapped RTL paragraph are all RTL, even one that starts with Latin. */
    text = SHALOM_HE " " SHALOM_HE " Prikbord Prikbord";
    b = lay(text, 100, 0, 0, 20, 20);
    check_block(b, 100);
    assert_true(b->n_lines >= 2);
    for (size_t i = 0; i < b->n_lines; i++)
        assert_true(b->lines[i].rtl);
    text_block_destroy(b);
}

static void test_zalgo_still_breaks(void **state)
{
    (void)state;
    /* 200 combining marks on one letter: cut into clusters of at most 16 code points, so it
     * wraps within the box instead of being one unbreakable 100-em "letter". */
    struct strbuf sb = {0};
    strbuf_appends(&sb, "Z");
    for (int i = 0; i < 200; i++)
        strbuf_appends(&sb, "\xCC\x81");
    struct text_block *b = lay(sb.data, 200, 0, 0, 20, 20);
    check_block(b, 200);
    for (size_t i = 0; i < b->n_lines; i++)
        assert_true(b->lines[i].width <= 200);
    assert_lossless(b, sb.data);
    text_block_destroy(b);
    strbuf_free(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wraps_at_spaces),
        cmocka_unit_test(test_never_wider_than_box),
        cmocka_unit_test(test_hard_breaks),
        cmocka_unit_test(test_long_compound_broken_between_characters),
        cmocka_unit_test(test_clusters_never_split),
        cmocka_unit_test(test_ellipsis_never_splits_a_cluster),
        cmocka_unit_test(test_cjk_breaks_between_ideographs),
        cmocka_unit_test(test_shrinks_to_fit),
        cmocka_unit_test(test_truncates_at_min_px),
        cmocka_unit_test(test_max_lines),
        cmocka_unit_test(test_runs_split_by_face),
        cmocka_unit_test(test_empty_text),
        cmocka_unit_test(test_degenerate_boxes),
        cmocka_unit_test(test_corpora),
        cmocka_unit_test(test_initials),
        cmocka_unit_test(test_direction_of_text),
        cmocka_unit_test(test_rtl_runs_in_latin),
        cmocka_unit_test(test_rtl_paragraph_order),
        cmocka_unit_test(test_zalgo_still_breaks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
