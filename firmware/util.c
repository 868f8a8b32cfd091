#define LOG_MODULE "util"
#include "util.h"
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void out_of_memory(size_t n)
{
    log_error("out of memory allocating %zu bytes", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory(n);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        out_of_memory(count * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        out_of_memory(n);
    return q;
}

char *xstrdup(const char *s)
{
    return s ? xstrndup(s, strlen(s)) : NULL;
}

char *xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *d = xmalloc(len + 1);
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

void *xmemdup(const void *p, size_t n)
{
    void *d = xmalloc(n ? n : 1);
    if (n)
        memcpy(d, p, n);
    return d;
}

char *xasprintf(const char *fmt, ...)
{
    struct strbuf b = {0};
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return xstrdup("");
    if ((size_t)n < sizeof tmp)
        return xstrdup(tmp);
    b.data = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(b.data, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return b.data;
}

static void strbuf_reserve(struct strbuf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
}

void strbuf_append(struct strbuf *b, const char *s, size_t n)
{
    strbuf_reserve(b, n);
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void strbuf_appends(struct strbuf *b, const char *s)
{
    strbuf_append(b, s, strlen(s));
}

void strbuf_appendf(struct strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    strbuf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void strbuf_free(struct strbuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

uint32_t utf8_decode(const char **p, const char *end)
{
    const unsigned char *s = (const unsigned char *)*p;
    const unsigned char *e = (const unsigned char *)end;
    unsigned char c = s[0];
    uint32_t cp;
    int need;
    uint32_t min;

    if (c < 0x80) {
        *p += 1;
        return c;
    } else if (c >= 0xC2 && c <= 0xDF) {
        need = 1, cp = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2, cp = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3, cp = c & 0x07, min = 0x10000;
    } else {
        *p += 1; /* continuation byte, 0xC0/0xC1 or 0xF5..0xFF */
        return 0xFFFD;
    }
    int i = 1;
    for (; i <= need; i++) {
        if (s + i >= e || (s[i] & 0xC0) != 0x80)
            break;
        cp = (cp << 6) | (s[i] & 0x3F);
        /* Reject overlongs and surrogates / out-of-range as early as the second byte so that
         * the maximal invalid prefix is consumed, as Unicode recommends. */
        if (i == 1) {
            if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F) ||
                (c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F))
                break;
        }
    }
    if (i <= need) {
        *p += i;
        return 0xFFFD;
    }
    *p += need + 1;
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0xFFFD;
    return cp;
}

size_t utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static bool is_bidi_control(uint32_t cp)
{
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E ||
           cp == 0x200F || cp == 0x061C;
}

bool unicode_is_visible(uint32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
        return false;
    switch (cp) {
    case 0x00AD: /* soft hyphen */
    case 0x034F: /* combining grapheme joiner */
    case 0x180E:
    case 0x200B:
    case 0x200C:
    case 0x200D:
    case 0x2060:
    case 0x2061:
    case 0x2062:
    case 0x2063:
    case 0x2064:
    case 0xFEFF:
        return false;
    default:
        break;
    }
    if (is_bidi_control(cp))
        return false;
    if (cp >= 0xFE00 && cp <= 0xFE0F) /* variation selectors */
        return false;
    if (cp >= 0xE0000 && cp <= 0xE007F) /* tags */
        return false;
    return true;
}

static bool is_space(uint32_t cp)
{
    return cp == ' ' || cp == 0xA0 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200A) ||
           cp == 0x202F || cp == 0x205F;
}

char *text_sanitize(const char *s, size_t len, size_t max_bytes, bool keep_newlines,
                    bool *truncated)
{
    struct strbuf out = {0};
    const char *p = s, *end = s + len;
    bool any_ink = false;
    int pending_newlines = 0;
    bool pending_space = false;
    static const char ellipsis[] = "\xE2\x80\xA6";

    if (truncated)
        *truncated = false;
    strbuf_append(&out, "", 0);
    if (!s)
        return out.data;
    while (p < end) {
        uint32_t cp = utf8_decode(&p, end);
        if (cp == '\r')
            continue;
        if (cp == '\n') {
            if (keep_newlines && any_ink)
                pending_newlines++;
            else if (any_ink)
                pending_space = true;
            continue;
        }
        if (cp == '\t' || is_space(cp)) {
            if (any_ink)
                pending_space = true;
            continue;
        }
        if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || is_bidi_control(cp))
            continue;
        /* Invisible joiners are kept inside text (emoji sequences need ZWJ, VS16) but never
         * count as ink, so a string made only of them ends up empty. One after white space
         * joins nothing and would keep trailing white space alive, so it is dropped. */
        bool ink = unicode_is_visible(cp);
        if (!ink && (!any_ink || pending_space || pending_newlines))
            continue;
        char enc[4];
        size_t n = utf8_encode(cp, enc);
        size_t sep = pending_newlines ? (pending_newlines > 1 ? 2 : 1) : (pending_space ? 1 : 0);
        if (out.len + sep + n > max_bytes) {
            /* Cut at a code point boundary and leave room for the ellipsis. */
            while (out.len + sizeof ellipsis - 1 > max_bytes && out.len > 0) {
                out.len--;
                while (out.len > 0 && ((unsigned char)out.data[out.len] & 0xC0) == 0x80)
                    out.len--;
            }
            if (out.len + sizeof ellipsis - 1 <= max_bytes)
                strbuf_append(&out, ellipsis, sizeof ellipsis - 1);
            out.data[out.len] = '\0';
            if (truncated)
                *truncated = true;
            break;
        }
        if (pending_newlines)
            strbuf_append(&out, "\n\n", pending_newlines > 1 ? 2 : 1);
        else if (pending_space)
            strbuf_append(&out, " ", 1);
        pending_newlines = 0;
        pending_space = false;
        strbuf_append(&out, enc, n);
        any_ink = any_ink || ink;
    }
    if (!any_ink)
        out.len = 0, out.data[0] = '\0';
    return out.data;
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    /* Howard Hinnant's algorithm. */
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
    /* Howard Hinnant's algorithm. */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

int64_t days_of_time(int64_t t)
{
    return t >= 0 ? t / 86400 : (t - 86399) / 86400;
}

static bool read_digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return true;
}

bool time_parse_rfc3339(const char *s, int64_t *out)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h = 0, mi = 0, sec = 0;
    const char *p = s;
    if (!s)
        return false;
    if (!read_digits(&p, 4, &y) || *p++ != '-' || !read_digits(&p, 2, &mo) || *p++ != '-' ||
        !read_digits(&p, 2, &d))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo == 2 && d == 29 && !leap)
        return false;
    int64_t offset = 0;
    if (*p == '\0') {
        /* plain date */
    } else {
        if (*p != 'T' && *p != 't' && *p != ' ')
            return false;
        p++;
        if (!read_digits(&p, 2, &h) || *p++ != ':' || !read_digits(&p, 2, &mi) || *p++ != ':' ||
            !read_digits(&p, 2, &sec))
            return false;
        if (h > 23 || mi > 59 || sec > 60)
            return false;
        if (*p == '.') {
            p++;
            if (*p < '0' || *p > '9')
                return false;
            while (*p >= '0' && *p <= '9')
                p++;
        }
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p == '-' ? -1 : 1, oh, om;
            p++;
            if (!read_digits(&p, 2, &oh) || *p++ != ':' || !read_digits(&p, 2, &om) || oh > 23 ||
                om > 59)
                return false;
            offset = sign * (oh * 3600 + om * 60);
        } else {
            return false;
        }
        if (*p != '\0')
            return false;
    }
    if (sec == 60)
        sec = 59; /* leap second: close enough for a wall display */
    int64_t t =
        days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec - offset;
    /* An offset can push the instant out of years 0000..9999, which RFC 3339 cannot write
     * back (the last-good cache would then lose the item). */
    if (t < days_from_civil(0, 1, 1) * 86400 || t >= days_from_civil(10000, 1, 1) * 86400)
        return false;
    *out = t;
    return true;
}

uint64_t hash64_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ull;
    }
    return h;
}

uint64_t hash64_str(const char *s)
{
    return hash64_bytes(HASH64_START, s, s ? strlen(s) : 0);
}

uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    for (; s && *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}
