/* util: UTF-8 decoding, text hygiene, RFC 3339 times, calendar maths and the name hash. */
#include "util.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a reference UTF-8 checker (Unicode table 3-7), written independently of util.c ---- */

/* Length of the well-formed sequence a lead byte starts (0: never a lead), and the range its
 * second byte must lie in. */
static int lead_info(unsigned char c, unsigned char *lo, unsigned char *hi)
{
    *lo = 0x80, *hi = 0xBF;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return 2;
    if (c == 0xE0)
        return *lo = 0xA0, 3;
    if (c == 0xED)
        return *hi = 0x9F, 3;
    if (c >= 0xE1 && c <= 0xEF)
        return 3;
    if (c == 0xF0)
        return *lo = 0x90, 4;
    if (c == 0xF4)
        return *hi = 0x8F, 4;
    if (c >= 0xF1 && c <= 0xF3)
        return 4;
    return 0;
}

/* The number of bytes at s (avail of them) that form a prefix of some well-formed sequence:
 * the whole sequence when it is complete, at least 1. *complete tells which. */
static size_t ref_prefix(const unsigned char *s, size_t avail, bool *complete)
{
    unsigned char lo, hi;
    int need = lead_info(s[0], &lo, &hi);
    *complete = need == 1;
    if (need <= 1)
        return 1;
    size_t i = 1;
    for (; i < (size_t)need && i < avail; i++) {
        unsigned char b = s[i];
        if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF))
            break;
    }
    *complete = i == (size_t)need;
    return i;
}

/* True when s[0..len) is entirely well-formed UTF-8. */
static bool utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        bool complete;
        size_t n = ref_prefix(p + i, len - i, &complete);
        if (!complete)
            return false;
        i += n;
    }
    return true;
}

/* True when s holds no C0 control (other than '\n' when allowed), no DEL, no C1 control and no
 * bidirectional control. s must be valid UTF-8. */
static bool free_of_controls(const char *s, bool allow_newline)
{
    const char *p = s, *end = s + strlen(s);
    while (p < end) {
        uint32_t cp = utf8_decode(&p, end);
        if (cp == '\n' && allow_newline)
            continue;
        if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
            return false;
        if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E ||
            cp == 0x200F || cp == 0x061C)
            return false;
    }
    return true;
}

/* Decodes bytes [0..len) from an exactly sized heap copy, so that ASan sees any over-read, and
 * checks the code points and the bytes each one consumed. */
static void expect_decode(const char *bytes, size_t len, const uint32_t *cps, const size_t *adv,
                          size_t n)
{
    char *buf = xmalloc(len);
    memcpy(buf, bytes, len);
    const char *p = buf, *end = buf + len;
    size_t k = 0;
    while (p < end) {
        const char *before = p;
        uint32_t cp = utf8_decode(&p, end);
        assert_true(k < n);
        assert_int_equal(cp, cps[k]);
        assert_int_equal((size_t)(p - before), adv[k]);
        assert_true(p <= end);
        k++;
    }
    assert_int_equal(k, n);
    free(buf);
}

#define FFFD 0xFFFDu
#define DECODE(bytes, ...)                                                                         \
    do {                                                                                           \
        static const uint32_t cps_[] = {__VA_ARGS__};                                              \
        expect_decode_pairs(bytes, sizeof(bytes) - 1, cps_, ARRAY_LEN(cps_));                      \
    } while (0)

/* cps holds (code point, advance) pairs. */
static void expect_decode_pairs(const char *bytes, size_t len, const uint32_t *pairs, size_t n2)
{
    uint32_t cps[64];
    size_t adv[64];
    assert_true(n2 % 2 == 0 && n2 / 2 <= 64);
    for (size_t i = 0; i < n2 / 2; i++) {
        cps[i] = pairs[2 * i];
        adv[i] = pairs[2 * i + 1];
    }
    expect_decode(bytes, len, cps, adv, n2 / 2);
}

static void test_decode_valid_boundaries(void **state)
{
    (void)state;
    DECODE("A", 'A', 1);
    DECODE("\x00", 0, 1);
    DECODE("\x7F", 0x7F, 1);
    DECODE("\xC2\x80", 0x80, 2);
    DECODE("\xDF\xBF", 0x7FF, 2);
    DECODE("\xE0\xA0\x80", 0x800, 3);
    DECODE("\xED\x9F\xBF", 0xD7FF, 3);
    DECODE("\xEE\x80\x80", 0xE000, 3);
    DECODE("\xEF\xBF\xBD", 0xFFFD, 3);
    DECODE("\xEF\xBF\xBF", 0xFFFF, 3);
    DECODE("\xF0\x90\x80\x80", 0x10000, 4);
    DECODE("\xF4\x8F\xBF\xBF", 0x10FFFF, 4);
    DECODE("\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5", 0x3BA, 2, 0x1F79, 3, 0x3C3, 2, 0x3BC, 2,
           0x3B5, 2);
}

static void test_decode_overlong(void **state)
{
    (void)state;
    /* 0xC0 and 0xC1 can only start overlongs: each byte is one U+FFFD. */
    DECODE("\xC0\x80", FFFD, 1, FFFD, 1);
    DECODE("\xC0\xAF", FFFD, 1, FFFD, 1);
    DECODE("\xC1\xBF", FFFD, 1, FFFD, 1);
    /* 3 bytes: E0 needs A0..BF next, so E0 alone is the maximal invalid prefix. */
    DECODE("\xE0\x80\x80", FFFD, 1, FFFD, 1, FFFD, 1);
    DECODE("\xE0\x80\xAF", FFFD, 1, FFFD, 1, FFFD, 1);
    DECODE("\xE0\x9F\xBF", FFFD, 1, FFFD, 1, FFFD, 1);
    /* 4 bytes: F0 needs 90..BF next. */
    DECODE("\xF0\x80\x80\x80", FFFD, 1, FFFD, 1, FFFD, 1, FFFD, 1);
    DECODE("\xF0\x80\x80\xAF", FFFD, 1, FFFD, 1, FFFD, 1, FFFD, 1);
    DECODE("\xF0\x8F\xBF\xBF", FFFD, 1, FFFD, 1, FFFD, 1, FFFD, 1);
    /* 5 and 6 byte forms do not exist in UTF-8 at all. */
    DECODE("\xF8\x80\x80\x80\xAF", FFFD, 1, FFFD, 1, FFFD, 1, FFFD, 1, FFFD, 1);
    DECODE("\xFC\x80\x80\x80\x80\xAF", FFFD, 1, FFFD, 1, FFFD, 1, FFFD, 1, FFFD, 1, FFFD, 1);
}

static void test_decode_surrogates(void **state)
{
    (void)state;
    DECODE("\xED\xA0\x80", FFFD, 1, FFFD, 1, FFFD, 1);
    DECODE("\xED\xAD\xBF", FFFD, 1, FFFD, 1, FFFD, 1);
    DECODE("\xED\xB0\x80", FFFD, 1, FFFD, 1, FFFD, 1);
    DECODE("\xED\xBF\xBF", FFFD, 1, FFFD, 1, FFFD, 1);
    /* A surrogate pair encoded as two 3-byte sequences (CESU-8) is not UTF-8 either. */
    DECODE("\xED\xA0\x80\xED\xB0\x80", FFFD, 1, FFFD, 1, FFFD, 1, FFFD, 1, FFFD, 1, FFFD, 1);
}

static void test_decode_out_of_range(void **state)
{
    (void)state;
    DECODE("\xF4\x90\x80\x80", FFFD, 1, FFFD, 1, FFFD, 1, FFFD, 1);
    DECODE("\xF4\xBF\xBF\xBF", FFFD, 1, FFFD, 1, FFFD, 1, FFFD, 1);
    DECODE("\xF5\x80\x80\x80", FFFD, 1, FFFD, 1, FFFD, 1, FFFD, 1);
    DECODE("\xF7\xBF\xBF\xBF", FFFD, 1, FFFD, 1, FFFD, 1, FFFD, 1);
    DECODE("\xFE", FFFD, 1);
    DECODE("\xFF", FFFD, 1);
    DECODE("\xFE\xFE\xFF\xFF", FFFD, 1, FFFD, 1, FFFD, 1, FFFD, 1);
}

static void test_decode_lone_continuations(void **state)
{
    (void)state;
    DECODE("\x80", FFFD, 1);
    DECODE("\xBF", FFFD, 1);
    DECODE("\x80\xBF\x80", FFFD, 1, FFFD, 1, FFFD, 1);
    DECODE("a\x80"
           "b",
           'a', 1, FFFD, 1, 'b', 1);
    /* A valid sequence followed by one continuation too many. */
    DECODE("\xC3\xA9\xA9", 0xE9, 2, FFFD, 1);
}

static void test_decode_truncated(void **state)
{
    (void)state;
    /* At the very end of the buffer: one U+FFFD for the whole incomplete prefix, no over-read
     * (the buffer is exactly sized, ASan would see it). */
    DECODE("\xC3", FFFD, 1);
    DECODE("\xE2", FFFD, 1);
    DECODE("\xE2\x82", FFFD, 2);
    DECODE("\xF0", FFFD, 1);
    DECODE("\xF0\x9F", FFFD, 2);
    DECODE("\xF0\x9F\x98", FFFD, 3);
    DECODE("\xF4\x8F\xBF", FFFD, 3);
    /* In the middle: the next character survives. */
    DECODE("\xE2\x82"
           "A",
           FFFD, 2, 'A', 1);
    DECODE("\xF0\x9F\x98"
           "A",
           FFFD, 3, 'A', 1);
    DECODE("\xC3"
           "\xC3\xA9",
           FFFD, 1, 0xE9, 2);
    DECODE("\xF0\x9F\x98\xF0\x9F\x98\x80", FFFD, 3, 0x1F600, 4);
}

/* Checks one decode of s[0..avail) against the reference: U+FFFD and the maximal invalid
 * prefix for anything ill-formed, the code point and its full length otherwise. */
static void check_against_reference(const unsigned char *s, size_t avail)
{
    bool complete;
    size_t want = ref_prefix(s, avail, &complete);
    const char *p = (const char *)s;
    uint32_t cp = utf8_decode(&p, (const char *)s + avail);
    size_t got = (size_t)(p - (const char *)s);
    if (got != want || (!complete && cp != FFFD))
        fail_msg("bytes %02x %02x %02x %02x (avail %zu): cp %x adv %zu, want adv %zu%s", s[0],
                 avail > 1 ? s[1] : 0, avail > 2 ? s[2] : 0, avail > 3 ? s[3] : 0, avail, cp, got,
                 want, complete ? "" : " and U+FFFD");
    if (complete) {
        char enc[4];
        assert_int_equal(utf8_encode(cp, enc), got);
        assert_memory_equal(enc, s, got);
    }
}

/* Every 1, 2 and 3 byte input, and every 4 byte input starting with a 4-byte lead followed by a
 * representative last byte, decodes exactly as the reference says. */
static void test_decode_exhaustive(void **state)
{
    (void)state;
    unsigned char *buf = xmalloc(4);
    for (unsigned a = 0; a < 256; a++) {
        buf[0] = (unsigned char)a;
        check_against_reference(buf, 1);
        for (unsigned b = 0; b < 256; b++) {
            buf[1] = (unsigned char)b;
            check_against_reference(buf, 2);
            if (a < 0xC0)
                continue;
            for (unsigned c = 0; c < 256; c++) {
                buf[2] = (unsigned char)c;
                check_against_reference(buf, 3);
                if (a < 0xF0)
                    continue;
                static const unsigned char lasts[] = {0x00, 0x41, 0x7F, 0x80,
                                                      0x9F, 0xBF, 0xC0, 0xFF};
                for (size_t k = 0; k < sizeof lasts; k++) {
                    buf[3] = lasts[k];
                    check_against_reference(buf, 4);
                }
            }
        }
    }
    free(buf);
}

static void test_encode_round_trip(void **state)
{
    (void)state;
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        char enc[4];
        size_t n = utf8_encode(cp, enc);
        assert_true(n >= 1 && n <= 4);
        assert_int_equal(n, cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);
        const char *p = enc;
        uint32_t back = utf8_decode(&p, enc + n);
        if (back != cp || p != enc + n)
            fail_msg("U+%04X does not round-trip", cp);
    }
}

/* ---- text_sanitize ---- */

static void expect_clean(const char *in, size_t len, size_t max, bool nl, const char *want,
                         bool want_cut)
{
    bool cut = !want_cut;
    char *copy = xmalloc(len ? len : 1);
    memcpy(copy, in, len);
    char *out = text_sanitize(copy, len, max, nl, &cut);
    if (strcmp(out, want) != 0)
        fail_msg("sanitize(\"%s\") = \"%s\", want \"%s\"", in, out, want);
    assert_int_equal(cut, want_cut);
    assert_true(utf8_valid(out, strlen(out)));
    free(out);
    free(copy);
}

#define CLEAN(in, want)    expect_clean(in, sizeof(in) - 1, 1000, false, want, false)
#define CLEAN_NL(in, want) expect_clean(in, sizeof(in) - 1, 1000, true, want, false)

static void test_sanitize_invalid_bytes(void **state)
{
    (void)state;
    CLEAN("a\xFF"
          "b",
          "a\xEF\xBF\xBD"
          "b");
    CLEAN("a\xC0\x80"
          "b",
          "a\xEF\xBF\xBD\xEF\xBF\xBD"
          "b");
    CLEAN("\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    CLEAN("x\xE2\x82", "x\xEF\xBF\xBD");
    CLEAN("\xF4\x90\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    CLEAN("caf\xC3\xA9", "caf\xC3\xA9");
}

static void test_sanitize_controls(void **state)
{
    (void)state;
    CLEAN("a\x01"
          "b\x1B[31mc",
          "ab[31mc");
    CLEAN("a\x7F"
          "b",
          "ab");
    CLEAN("a\xC2\x85"
          "b\xC2\x9F"
          "c",
          "abc"); /* C1: NEL and APC */
    CLEAN("a\tb", "a b");
    CLEAN("a\r\nb", "a b");
    CLEAN("a\x00"
          "b",
          "ab"); /* explicit length: the NUL is dropped, not the end */
    CLEAN("\x07\x08\x0B\x0C", "");
    CLEAN_NL("a\x0B"
             "b\x0C"
             "c",
             "abc");
}

static void test_sanitize_newlines(void **state)
{
    (void)state;
    CLEAN("a\nb", "a b");
    CLEAN("a\n\n\nb", "a b");
    CLEAN_NL("a\nb", "a\nb");
    CLEAN_NL("a\n\nb", "a\n\nb");
    CLEAN_NL("a\n\n\n\n\nb", "a\n\nb");
    CLEAN_NL("a\r\n\r\n\r\nb", "a\n\nb");
    CLEAN_NL("a \n \n \n b", "a\n\nb");
    CLEAN_NL("a\n\t\n\xC2\xA0\nb", "a\n\nb");
    CLEAN_NL("\n\n\na", "a");
    CLEAN_NL("a\n\n\n", "a");
    CLEAN_NL("\n\n", "");
    CLEAN_NL("one\n\ntwo\nthree", "one\n\ntwo\nthree");
}

static void test_sanitize_bidi(void **state)
{
    (void)state;
    static const char *const bidi[] = {
        "\xE2\x80\xAA", "\xE2\x80\xAB", "\xE2\x80\xAC", "\xE2\x80\xAD", "\xE2\x80\xAE", /* 202A-E */
        "\xE2\x81\xA6", "\xE2\x81\xA7", "\xE2\x81\xA8", "\xE2\x81\xA9",                 /* 2066-9 */
        "\xE2\x80\x8E", "\xE2\x80\x8F", "\xD8\x9C",                                     /* marks */
    };
    for (size_t i = 0; i < ARRAY_LEN(bidi); i++) {
        char in[64];
        int n = snprintf(in, sizeof in, "ab%scd%s", bidi[i], bidi[i]);
        expect_clean(in, (size_t)n, 100, false, "abcd", false);
        n = snprintf(in, sizeof in, "%s", bidi[i]);
        expect_clean(in, (size_t)n, 100, false, "", false);
    }
    /* The classic "invoice" trick: an override that would show "exe.pdf" reversed. */
    CLEAN("report\xE2\x80\xAE"
          "fdp.exe",
          "reportfdp.exe");
}

static void test_sanitize_invisible(void **state)
{
    (void)state;
    CLEAN("\xE2\x80\x8B", ""); /* ZWSP */
    CLEAN("\xE2\x80\x8D", ""); /* ZWJ */
    CLEAN("\xEF\xBB\xBF", ""); /* U+FEFF */
    CLEAN("\xEF\xB8\x8F", ""); /* VS16 */
    CLEAN("\xE2\x80\x8B\xE2\x80\x8D\xEF\xBB\xBF\xEF\xB8\x8F", "");
    CLEAN(" \xE2\x80\x8B \xE2\x80\x8C\t\xE2\x81\xA0\xC2\xAD ", "");
    CLEAN("\xE2\x80\x8B\xE2\x80\xAE\xE2\x80\x8B", "");
    CLEAN("   ", "");
    CLEAN("", "");
    /* Joiners inside text are kept: an emoji ZWJ sequence and a heart with VS16 stay whole. */
    CLEAN("\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x92\xBB",
          "\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x92\xBB");
    CLEAN("\xE2\x9D\xA4\xEF\xB8\x8F", "\xE2\x9D\xA4\xEF\xB8\x8F");
    /* A leading invisible character is dropped with the rest of the leading white space. */
    CLEAN("\xEF\xBB\xBFhello", "hello");
    /* An invisible character after trailing white space must not keep that space alive. */
    CLEAN("a \xE2\x80\x8B", "a");
    CLEAN("a \xE2\x80\x8B \xEF\xBB\xBF", "a");
    CLEAN_NL("a\n\n\xE2\x80\x8B", "a");
}

static void test_sanitize_whitespace(void **state)
{
    (void)state;
    CLEAN("  hello  ", "hello");
    CLEAN("a    b", "a b");
    CLEAN(" \t a \t b \t ", "a b");
    CLEAN("\xC2\xA0"
          "a\xE3\x80\x80"
          "b\xE2\x80\x83",
          "a b"); /* NBSP, ideographic, em space */
    CLEAN_NL("  a  \n  b  ", "a\nb");
}

static void test_sanitize_null(void **state)
{
    (void)state;
    bool cut = true;
    char *out = text_sanitize(NULL, 0, 10, true, &cut);
    assert_string_equal(out, "");
    assert_false(cut);
    free(out);
    out = text_sanitize("abc", 3, 10, false, NULL); /* truncated may be NULL */
    assert_string_equal(out, "abc");
    free(out);
}

static void test_sanitize_truncation(void **state)
{
    (void)state;
    expect_clean("abc", 3, 3, false, "abc", false);
    expect_clean("abcd", 4, 4, false, "abcd", false);
    expect_clean("abcde", 5, 4, false, "a\xE2\x80\xA6", true);
    /* Greek alpha is 2 bytes: 6 bytes of room hold one alpha and the ellipsis, never half. */
    expect_clean("\xCE\xB1\xCE\xB1\xCE\xB1\xCE\xB1", 8, 6, false, "\xCE\xB1\xE2\x80\xA6", true);
    expect_clean("\xCE\xB1\xCE\xB1\xCE\xB1\xCE\xB1", 8, 7, false, "\xCE\xB1\xCE\xB1\xE2\x80\xA6",
                 true);
    /* Trailing white space past the bound does not count as a cut. */
    expect_clean("abc      ", 9, 3, false, "abc", false);

    /* Every bound from 0 to past the end over a mix of 1 to 4 byte characters. */
    static const char mix[] =
        "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80 b\nc\xE2\x80\x8D\xF0\x9F\x91\xA9"
        " \xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5 end";
    for (int nl = 0; nl < 2; nl++) {
        char *full = text_sanitize(mix, sizeof mix - 1, 1000, nl, NULL);
        size_t full_len = strlen(full);
        for (size_t max = 0; max <= full_len + 2; max++) {
            bool cut = false;
            char *out = text_sanitize(mix, sizeof mix - 1, max, nl, &cut);
            size_t n = strlen(out);
            assert_true(n <= max);
            assert_true(utf8_valid(out, n));
            assert_int_equal(cut, max < full_len);
            if (!cut) {
                assert_string_equal(out, full);
            } else if (max >= 3) {
                assert_true(n >= 3);
                assert_memory_equal(out + n - 3, "\xE2\x80\xA6", 3);
                assert_memory_equal(out, full, n - 3); /* a prefix of the whole text */
            } else {
                assert_string_equal(out, "");
            }
            free(out);
        }
        free(full);
    }
}

/* ---- the UTF-8 stress test file ---- */

static char *read_corpus(const char *rel, size_t *len)
{
    const char *dir = getenv("PRIKBORD_SHARED_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "../shared", rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s (set PRIKBORD_SHARED_DIR)", path);
    struct strbuf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        strbuf_append(&b, chunk, n);
    fclose(f);
    /* An exactly sized copy, so that an over-read past the end is an ASan report. */
    *len = b.len;
    char *exact = xmalloc(b.len);
    memcpy(exact, b.data, b.len);
    strbuf_free(&b);
    return exact;
}

static const char kosme[] = "\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5";

/* memmem is not POSIX: whether needle occurs in hay[0..n). */
static bool mem_contains(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++) {
        if (memcmp(hay + i, needle, k) == 0)
            return true;
    }
    return false;
}

static void test_kuhn_whole_buffer(void **state)
{
    (void)state;
    size_t len;
    char *buf = read_corpus("corpora/utf8/UTF-8-test.txt", &len);
    assert_true(len > 20000);
    assert_non_null(memchr(buf, '\0', len)); /* line 71 */

    /* Raw decoding walks the whole buffer in bounded steps. */
    const char *p = buf, *end = buf + len;
    size_t steps = 0, replaced = 0;
    while (p < end) {
        const char *before = p;
        uint32_t cp = utf8_decode(&p, end);
        assert_true(p > before && p <= end && p - before <= 4);
        replaced += cp == FFFD;
        steps++;
    }
    assert_true(steps <= len);
    assert_true(replaced > 100);

    for (int nl = 0; nl < 2; nl++) {
        char *out = text_sanitize(buf, len, len * 3, nl, NULL);
        size_t n = strlen(out);
        assert_true(utf8_valid(out, n));
        assert_true(free_of_controls(out, nl));
        assert_non_null(strstr(out, kosme));
        /* The NUL on line 71 did not cut the text short: the last line is there. */
        assert_non_null(strstr(out, "THE END"));
        free(out);
    }
    free(buf);
}

static void test_kuhn_line_by_line(void **state)
{
    (void)state;
    size_t len;
    char *buf = read_corpus("corpora/utf8/UTF-8-test.txt", &len);
    const char *p = buf, *end = buf + len;
    int lines = 0, greek = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        /* Each line in its own exactly sized buffer. */
        char *line = xmalloc(n ? n : 1);
        memcpy(line, p, n);
        for (size_t max = 8; max <= 512; max *= 4) {
            bool cut;
            char *out = text_sanitize(line, n, max, false, &cut);
            size_t on = strlen(out);
            assert_true(on <= max);
            assert_true(utf8_valid(out, on));
            assert_true(free_of_controls(out, false));
            if (max == 512 && mem_contains(line, n, kosme)) {
                assert_non_null(strstr(out, kosme));
                greek++;
            }
            free(out);
        }
        free(line);
        lines++;
        p = nl ? nl + 1 : end;
    }
    assert_int_equal(lines, 300);
    assert_int_equal(greek, 1);
    free(buf);
}

/* ---- time ---- */

static void expect_time(const char *s, bool ok, int64_t want)
{
    int64_t t = 12345;
    bool got = time_parse_rfc3339(s, &t);
    if (got != ok)
        fail_msg("time_parse_rfc3339(\"%s\") = %d, want %d", s ? s : "(null)", got, ok);
    if (ok && t != want)
        fail_msg("time_parse_rfc3339(\"%s\") = %lld, want %lld", s, (long long)t, (long long)want);
}

#define T_20261123_0800 INT64_C(1795420800)

static void test_time_valid(void **state)
{
    (void)state;
    expect_time("1970-01-01T00:00:00Z", true, 0);
    expect_time("1970-01-01", true, 0);
    expect_time("1969-12-31T23:59:59Z", true, -1);
    expect_time("2026-11-23T08:00:00Z", true, T_20261123_0800);
    expect_time("2026-11-23t08:00:00z", true, T_20261123_0800);
    expect_time("2026-11-23 08:00:00Z", true, T_20261123_0800);
    expect_time("2026-11-23T09:00:00+01:00", true, T_20261123_0800);
    expect_time("2026-11-23T03:30:00-04:30", true, T_20261123_0800);
    expect_time("2026-11-23T08:00:00+00:00", true, T_20261123_0800);
    expect_time("2026-11-23T08:00:00-00:00", true, T_20261123_0800);
    expect_time("2026-11-24T07:59:00+23:59", true, T_20261123_0800);
    expect_time("2026-11-23T08:00:00.5Z", true, T_20261123_0800);
    expect_time("2026-11-23T08:00:00.123456789Z", true, T_20261123_0800);
    expect_time("2026-11-23T09:00:00.000+01:00", true, T_20261123_0800);
    expect_time("2026-11-23", true, T_20261123_0800 - 8 * 3600);
    expect_time("2026-11-23T07:59:60Z", true, T_20261123_0800 - 1); /* leap second */
    expect_time("9999-12-31T23:59:59Z", true, INT64_C(253402300799));
    expect_time("0000-01-01T00:00:00Z", true, INT64_C(-62167219200));
}

static void test_time_leap_years(void **state)
{
    (void)state;
    expect_time("2024-02-29", true, INT64_C(1709164800));
    expect_time("2000-02-29", true, days_from_civil(2000, 2, 29) * 86400);
    expect_time("2400-02-29", true, days_from_civil(2400, 2, 29) * 86400);
    expect_time("2023-02-29", false, 0);
    expect_time("1900-02-29", false, 0);
    expect_time("2100-02-29T12:00:00Z", false, 0);
    expect_time("2024-02-30", false, 0);
    expect_time("2026-02-30T00:00:00Z", false, 0);
    expect_time("2026-04-31", false, 0);
    expect_time("2026-06-31", false, 0);
    expect_time("2026-09-31", false, 0);
    expect_time("2026-11-31", false, 0);
    expect_time("2026-12-31", true, days_from_civil(2026, 12, 31) * 86400);
    expect_time("2026-01-32", false, 0);
    expect_time("2026-00-10", false, 0);
    expect_time("2026-13-01", false, 0);
    expect_time("2026-01-00", false, 0);
}

static void test_time_invalid(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "garbage",
        "2026",
        "2026-11",
        "2026-1-23",
        "26-11-23",
        "20261123",
        "+2026-11-23",
        " 2026-11-23",
        "2026-11-23 ",
        "2026-11-23Z",
        "2026-11-23T",
        "2026-11-23T08:00",
        "2026-11-23T08:00Z",
        "2026-11-23T08:00:00",
        "2026-11-23T8:00:00Z",
        "2026-11-23T24:00:00Z",
        "2026-11-23T23:60:00Z",
        "2026-11-23T23:59:61Z",
        "2026-11-23T08:00:00.Z",
        "2026-11-23T08:00:00,5Z",
        "2026-11-23T08:00:00+0100",
        "2026-11-23T08:00:00+01",
        "2026-11-23T08:00:00+24:00",
        "2026-11-23T08:00:00+01:60",
        "2026-11-23T08:00:00Zjunk",
        "2026-11-23T08:00:00+01:00 ",
        "2026-11-23T08:00:00ZZ",
        "2026-11-23X08:00:00Z",
        "2026/11/23",
        "２０２６-11-23",
        "2026-11-23T08:00:00\xEF\xBC\xBA",
        /* Instants that leave years 0000..9999 once the offset is applied: they cannot be
         * written back as RFC 3339 (the last-good cache would lose the item). */
        "0000-01-01T00:00:00+00:01",
        "9999-12-31T23:59:59-00:01",
    };
    for (size_t i = 0; i < ARRAY_LEN(bad); i++)
        expect_time(bad[i], false, 0);
    int64_t t;
    assert_false(time_parse_rfc3339(NULL, &t));
}

/* Every prefix of a long valid time, each in an exactly sized buffer: no over-read. */
static void test_time_prefixes(void **state)
{
    (void)state;
    static const char full[] = "2026-11-23T09:00:00.123+01:00";
    for (size_t k = 0; k <= sizeof full - 1; k++) {
        char *s = xmalloc(k + 1);
        memcpy(s, full, k);
        s[k] = '\0';
        int64_t t;
        bool ok = time_parse_rfc3339(s, &t);
        assert_int_equal(ok, k == 10 || k == sizeof full - 1);
        free(s);
    }
}

static void test_civil_round_trip(void **state)
{
    (void)state;
    assert_int_equal(days_from_civil(1970, 1, 1), 0);
    assert_int_equal(days_from_civil(1969, 12, 31), -1);
    assert_int_equal(days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(days_from_civil(1, 1, 1), -719162);
    int64_t py = 0;
    unsigned pm = 0, pd = 0;
    /* About 2700 years either side of 1970, every day. */
    for (int64_t day = -1000000; day <= 1000000; day++) {
        int64_t y;
        unsigned m, d;
        civil_from_days(day, &y, &m, &d);
        assert_true(m >= 1 && m <= 12 && d >= 1 && d <= 31);
        if (days_from_civil(y, m, d) != day)
            fail_msg("day %lld -> %lld-%u-%u does not round-trip", (long long)day, (long long)y, m,
                     d);
        if (day > -1000000) {
            /* The next day is the next date. */
            bool next = (y == py && m == pm && d == pd + 1) || (y == py && m == pm + 1 && d == 1) ||
                        (y == py + 1 && m == 1 && d == 1 && pm == 12 && pd == 31);
            assert_true(next);
        }
        py = y, pm = m, pd = d;
    }
}

static void test_days_of_time(void **state)
{
    (void)state;
    assert_int_equal(days_of_time(0), 0);
    assert_int_equal(days_of_time(86399), 0);
    assert_int_equal(days_of_time(86400), 1);
    assert_int_equal(days_of_time(-1), -1);
    assert_int_equal(days_of_time(-86400), -1);
    assert_int_equal(days_of_time(-86401), -2);
    assert_int_equal(days_of_time(T_20261123_0800), days_from_civil(2026, 11, 23));
}

static void test_hash_str(void **state)
{
    (void)state;
    /* FNV-1a 32-bit reference values: colours derived from names must not change between
     * releases. */
    assert_int_equal(hash_str(""), 0x811C9DC5u);
    assert_int_equal(hash_str(NULL), 0x811C9DC5u);
    assert_int_equal(hash_str("a"), 0xE40C292Cu);
    assert_int_equal(hash_str("foobar"), 0xBF9CF968u);
    assert_int_equal(hash_str("\xC4\xB2sbrand Kuipers"), 0x943DC16Au);
    assert_int_equal(hash_str("Anna"), hash_str("Anna"));
    assert_int_not_equal(hash_str("Anna"), hash_str("anna"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_valid_boundaries),
        cmocka_unit_test(test_decode_overlong),
        cmocka_unit_test(test_decode_surrogates),
        cmocka_unit_test(test_decode_out_of_range),
        cmocka_unit_test(test_decode_lone_continuations),
        cmocka_unit_test(test_decode_truncated),
        cmocka_unit_test(test_decode_exhaustive),
        cmocka_unit_test(test_encode_round_trip),
        cmocka_unit_test(test_sanitize_invalid_bytes),
        cmocka_unit_test(test_sanitize_controls),
        cmocka_unit_test(test_sanitize_newlines),
        cmocka_unit_test(test_sanitize_bidi),
        cmocka_unit_test(test_sanitize_invisible),
        cmocka_unit_test(test_sanitize_whitespace),
        cmocka_unit_test(test_sanitize_null),
        cmocka_unit_test(test_sanitize_truncation),
        cmocka_unit_test(test_kuhn_whole_buffer),
        cmocka_unit_test(test_kuhn_line_by_line),
        cmocka_unit_test(test_time_valid),
        cmocka_unit_test(test_time_leap_years),
        cmocka_unit_test(test_time_invalid),
        cmocka_unit_test(test_time_prefixes),
        cmocka_unit_test(test_civil_round_trip),
        cmocka_unit_test(test_days_of_time),
        cmocka_unit_test(test_hash_str),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
