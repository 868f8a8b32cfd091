#define LOG_MODULE "source"
#include "source.h"
#include "log.h"
#include "source_impl.h"
#include "util.h"

#include <cjson/cJSON.h>

#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const kind_names[] = {
    [SOURCE_PRIKBORD] = "prikbord",
    [SOURCE_YAMMER] = "yammer",
    [SOURCE_HUMHUB] = "humhub",
    [SOURCE_DISCOURSE] = "discourse",
};
static_assert(ARRAY_LEN(kind_names) == SOURCE_KIND_COUNT, "one name per source");

/* Yammer's rate-limit page: "poll for new messages at most once a minute". */
static const int min_interval_s[] = {
    [SOURCE_PRIKBORD] = 0,
    [SOURCE_YAMMER] = 60,
    [SOURCE_HUMHUB] = 0,
    [SOURCE_DISCOURSE] = 0,
};
static_assert(ARRAY_LEN(min_interval_s) == SOURCE_KIND_COUNT, "one minimum per source");

typedef void adapter_fn(struct source_run *run);
static adapter_fn *const adapters[] = {
    [SOURCE_PRIKBORD] = NULL,
    [SOURCE_YAMMER] = source_yammer_poll,
    [SOURCE_HUMHUB] = source_humhub_poll,
    [SOURCE_DISCOURSE] = source_discourse_poll,
};
static_assert(ARRAY_LEN(adapters) == SOURCE_KIND_COUNT, "one adapter per source");

const char *source_kind_name(enum source_kind k)
{
    return (unsigned)k < SOURCE_KIND_COUNT ? kind_names[k] : "unknown";
}

bool source_kind_parse(const char *name, enum source_kind *out)
{
    for (int k = 0; name && k < SOURCE_KIND_COUNT; k++) {
        if (strcmp(name, kind_names[k]) == 0) {
            *out = (enum source_kind)k;
            return true;
        }
    }
    return false;
}

int source_min_interval_s(enum source_kind k)
{
    return (unsigned)k < SOURCE_KIND_COUNT ? min_interval_s[k] : 0;
}

/* ---- settings ---- */

static void list_free(struct source_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

/* Splits a configured list at commas (and, for ids, blanks). Ids must be digits only: a name
 * where an id belongs would silently allow nothing, which is safe but baffling. */
static bool list_parse(struct source_list *l, const char *key, const char *text, bool ids,
                       char *err, size_t errlen)
{
    const char *p = text ? text : "";
    while (*p) {
        size_t n = ids ? strcspn(p, ", \t") : strcspn(p, ",");
        const char *start = p;
        size_t len = n;
        while (len > 0 && isspace((unsigned char)*start))
            start++, len--;
        while (len > 0 && isspace((unsigned char)start[len - 1]))
            len--;
        p += n;
        if (*p)
            p++;
        if (len == 0)
            continue;
        if (ids) {
            for (size_t i = 0; i < len; i++) {
                if (!isdigit((unsigned char)start[i]) || len > 24) {
                    snprintf(err, errlen, "%s: \"%.*s\" is not an id (digits only)", key,
                             (int)(len > 40 ? 40 : len), start);
                    return false;
                }
            }
        }
        if (l->n == SOURCE_MAX_LIST) {
            snprintf(err, errlen, "%s: more than %d entries", key, SOURCE_MAX_LIST);
            return false;
        }
        l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
        l->v[l->n++] = xstrndup(start, len);
    }
    return true;
}

bool source_list_has(const struct source_list *l, const char *s)
{
    for (size_t i = 0; s && i < l->n; i++)
        if (strcasecmp(l->v[i], s) == 0)
            return true;
    return false;
}

enum item_type source_group_type(const struct source *s, const char *gid)
{
    if (source_list_has(&s->introduction_groups, gid))
        return ITEM_INTRODUCTION;
    if (source_list_has(&s->help_groups, gid))
        return ITEM_HELP_REQUEST;
    return ITEM_POST;
}

/* scheme://authority of an absolute http(s) URL, or NULL. */
static char *origin_of(const char *url)
{
    const char *p = strstr(url, "://");
    if (!p || (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0))
        return NULL;
    size_t n = strcspn(p + 3, "/?#");
    return n ? xstrndup(url, (size_t)(p + 3 - url) + n) : NULL;
}

struct source *source_create(const struct source_settings *set, char *err, size_t errlen)
{
    struct source *s = xcalloc(1, sizeof *s);
    s->kind = set->kind;
    s->show_without_group = set->show_without_group;
    s->show_all_posts = set->show_all_posts;
    s->max_bytes = set->max_bytes ? set->max_bytes : FEED_MAX_BYTES_DEFAULT;
    if ((unsigned)set->kind >= SOURCE_KIND_COUNT || !adapters[set->kind]) {
        snprintf(err, errlen, "source \"%s\" has no platform adapter", source_kind_name(set->kind));
        goto fail;
    }
    const char *name = kind_names[set->kind];
    if (!set->base_url || !*set->base_url) {
        snprintf(err, errlen, "[%s] base_url is not set", name);
        goto fail;
    }
    s->base_url = xstrdup(set->base_url);
    size_t n = strlen(s->base_url);
    while (n > 0 && s->base_url[n - 1] == '/')
        s->base_url[--n] = '\0';
    s->origin = origin_of(s->base_url);
    if (!s->origin || strcspn(s->base_url, "?#") != n || n > 1024) {
        snprintf(err, errlen,
                 "[%s] base_url must be an http:// or https:// address without "
                 "a query",
                 name);
        goto fail;
    }
    const char *what = set->kind == SOURCE_YAMMER   ? "groups"
                       : set->kind == SOURCE_HUMHUB ? "spaces"
                                                    : "categories";
    char key[3][48];
    snprintf(key[0], sizeof key[0], "[%s] %s", name, what);
    snprintf(key[1], sizeof key[1], "[%s] introduction_%s", name, what);
    snprintf(key[2], sizeof key[2], "[%s] help_%s", name, what);
    if (!list_parse(&s->groups, key[0], set->groups, true, err, errlen) ||
        !list_parse(&s->introduction_groups, key[1], set->introduction_groups, true, err, errlen) ||
        !list_parse(&s->help_groups, key[2], set->help_groups, true, err, errlen) ||
        !list_parse(&s->introduction_topics, "[humhub] introduction_topics",
                    set->introduction_topics, false, err, errlen) ||
        !list_parse(&s->help_topics, "[humhub] help_topics", set->help_topics, false, err, errlen))
        goto fail;
    /* Yammer allows 10 requests in 30 seconds, and each group costs one at least. */
    if (set->kind == SOURCE_YAMMER && s->groups.n > SOURCE_YAMMER_MAX_REQUESTS) {
        snprintf(err, errlen,
                 "[yammer] groups: at most %d groups (Yammer allows %d requests "
                 "in 30 seconds)",
                 SOURCE_YAMMER_MAX_REQUESTS, SOURCE_YAMMER_MAX_REQUESTS);
        goto fail;
    }
    if (s->groups.n == 0)
        log_warn("[%s] %s is empty: nothing will be shown", name, what);
    return s;
fail:
    source_destroy(s);
    return NULL;
}

void source_destroy(struct source *s)
{
    if (!s)
        return;
    free(s->base_url);
    free(s->origin);
    list_free(&s->groups);
    list_free(&s->introduction_groups);
    list_free(&s->help_groups);
    list_free(&s->introduction_topics);
    list_free(&s->help_topics);
    free(s);
}

enum source_kind source_kind_of(const struct source *s)
{
    return s->kind;
}

const char *source_base_url(const struct source *s)
{
    return s->base_url;
}

static void key_list(struct strbuf *b, const char *name, const struct source_list *l)
{
    strbuf_appendf(b, "|%s=", name);
    for (size_t i = 0; i < l->n; i++)
        strbuf_appendf(b, "%s%s", i ? "," : "", l->v[i]);
}

char *source_cache_key(const struct source *s)
{
    struct strbuf b = {0};
    strbuf_appendf(&b, "%s %s", kind_names[s->kind], s->base_url);
    key_list(&b, "groups", &s->groups);
    key_list(&b, "intro", &s->introduction_groups);
    key_list(&b, "help", &s->help_groups);
    key_list(&b, "intro_topics", &s->introduction_topics);
    key_list(&b, "help_topics", &s->help_topics);
    strbuf_appendf(&b, "|no_group=%d|all_posts=%d", s->show_without_group, s->show_all_posts);
    return b.data;
}

/* ---- one poll ---- */

struct feed *source_poll(const struct source *s, const struct source_poll_opts *o,
                         struct feed_report *report, long *status, long *retry_after_s, char *err,
                         size_t errlen)
{
    char dummy[8];
    struct source_run run = {
        .s = s,
        .o = o,
        .report = report,
        .status = 200,
        .retry_after_s = -1,
        .err = err ? err : dummy,
        .errlen = err ? errlen : sizeof dummy,
    };
    if (run.errlen)
        run.err[0] = '\0';
    if (report)
        *report = (struct feed_report){0};
    run.feed = xcalloc(1, sizeof *run.feed);
    run.feed->version = 1;
    run.feed->generated_at = TIME_NONE;
    adapters[s->kind](&run);
    if (status)
        *status = run.status;
    if (retry_after_s)
        *retry_after_s = run.retry_after_s;
    if (run.failed) {
        feed_destroy(run.feed);
        feed_report_clear(report);
        return NULL;
    }
    log_debug("%s: %zu items to show after %d requests", kind_names[s->kind], run.feed->n_items,
              run.requests);
    return run.feed;
}

void source_fail_run(struct source_run *run, const char *fmt, ...)
{
    if (run->failed)
        return;
    run->failed = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(run->err, run->errlen, fmt, ap);
    va_end(ap);
}

/* The path and query of url, cut, for messages: where a request went without repeating the
 * host in every line. */
static const char *url_path(const char *url)
{
    const char *p = strstr(url, "://");
    if (!p)
        return url;
    p += 3;
    p += strcspn(p, "/");
    return *p ? p : "/";
}

/* Copies JSON text, turning each integer literal of 16 or more digits into a string: cJSON
 * reads numbers as doubles, which hold integers exactly only below 2^53, and two Yammer ids
 * that collapse into one double must never compare equal. Also finds the escape \u0000,
 * which would end a C string early ("public\u0000private" must not read as "public"). */
static char *quote_big_ints(const char *buf, size_t len, size_t *out_len, bool *escaped_nul)
{
    struct strbuf b = {0};
    bool in_str = false;
    size_t i = 0, copied = 0;
    *escaped_nul = false;
    while (i < len) {
        char c = buf[i];
        if (in_str) {
            if (c == '\\' && i + 1 < len) {
                if (buf[i + 1] == 'u' && len - i >= 6 && memcmp(buf + i + 2, "0000", 4) == 0)
                    *escaped_nul = true;
                i += 2;
                continue;
            }
            if (c == '"')
                in_str = false;
            i++;
            continue;
        }
        if (c == '"') {
            in_str = true;
            i++;
            continue;
        }
        if (c != '-' && !isdigit((unsigned char)c)) {
            i++;
            continue;
        }
        size_t j = i + (c == '-'), digits = j;
        while (j < len && isdigit((unsigned char)buf[j]))
            j++;
        digits = j - digits;
        bool integer = j == len || (buf[j] != '.' && buf[j] != 'e' && buf[j] != 'E');
        if (integer && digits >= 16) {
            strbuf_append(&b, buf + copied, i - copied);
            strbuf_append(&b, "\"", 1);
            strbuf_append(&b, buf + i, j - i);
            strbuf_append(&b, "\"", 1);
            copied = j;
        }
        while (j < len && strchr("0123456789+-.eE", buf[j]))
            j++;
        i = j;
    }
    strbuf_append(&b, buf + copied, len - copied);
    *out_len = b.len;
    return b.data;
}

cJSON *source_get_json(struct source_run *run, const char *url)
{
    char *body = NULL, *text = NULL;
    size_t len = 0, text_len = 0;
    long retry = -1;
    cJSON *root = NULL;
    if (run->failed)
        return NULL;
    run->requests++;
    long status = run->o->get(run->o->get_ctx, url, &body, &len, &retry);
    if (status != 200) {
        run->status = status;
        run->retry_after_s = retry;
        if (status == 0)
            source_fail_run(run, "GET %.160s: no response", url_path(url));
        else
            source_fail_run(run, "GET %.160s: HTTP %ld", url_path(url), status);
        goto out;
    }
    if (!body || len == 0) {
        source_fail_run(run, "GET %.160s: empty response", url_path(url));
        goto out;
    }
    if (len > run->s->max_bytes) {
        source_fail_run(run, "GET %.160s: %zu bytes, over the limit of %zu", url_path(url), len,
                        run->s->max_bytes);
        goto out;
    }
    if (memchr(body, '\0', len)) {
        source_fail_run(run, "GET %.160s: a NUL byte in the response", url_path(url));
        goto out;
    }
    bool escaped_nul;
    text = quote_big_ints(body, len, &text_len, &escaped_nul);
    if (escaped_nul) {
        source_fail_run(run, "GET %.160s: a string holds an escaped NUL (\\u0000)", url_path(url));
        goto out;
    }
    root = cJSON_ParseWithLength(text, text_len);
    if (!root)
        source_fail_run(run, "GET %.160s: the response is not JSON", url_path(url));
out:
    free(body);
    free(text);
    return root;
}

/* ---- JSON fields ---- */

const cJSON *source_field(const cJSON *obj, const char *name)
{
    return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, name) : NULL;
}

const char *source_str(const cJSON *obj, const char *name)
{
    const cJSON *v = source_field(obj, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

bool source_is_false(const cJSON *obj, const char *name)
{
    return cJSON_IsFalse(source_field(obj, name));
}

bool source_is_true(const cJSON *obj, const char *name)
{
    return cJSON_IsTrue(source_field(obj, name));
}

bool source_int(const cJSON *obj, const char *name, long long *out)
{
    const cJSON *v = source_field(obj, name);
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) ||
        floor(v->valuedouble) != v->valuedouble || fabs(v->valuedouble) > 9007199254740992.0)
        return false;
    *out = (long long)v->valuedouble;
    return true;
}

bool source_id(const cJSON *v, char out[SOURCE_ID_MAX])
{
    out[0] = '\0';
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (!isfinite(d) || d < 0 || d >= 9007199254740992.0 || floor(d) != d)
            return false;
        snprintf(out, SOURCE_ID_MAX, "%.0f", d);
        return true;
    }
    if (!cJSON_IsString(v))
        return false;
    size_t n = strlen(v->valuestring);
    if (n == 0 || n > 24 || strspn(v->valuestring, "0123456789") != n)
        return false;
    memcpy(out, v->valuestring, n + 1);
    return true;
}

/* ---- text ---- */

char *source_text(const char *s, size_t max, bool newlines)
{
    if (!s)
        return NULL;
    char *t = text_sanitize(s, strlen(s), max, newlines, NULL);
    if (!*t) {
        free(t);
        return NULL;
    }
    return t;
}

char *source_url(struct source_run *run, const char *raw)
{
    if (!raw || !*raw)
        return NULL;
    size_t len = strlen(raw);
    if (len > FEED_MAX_URL)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)raw[i];
        if (ch <= 0x20 || ch >= 0x7f)
            return NULL;
    }
    if (!run->o->resolve_url)
        return xstrdup(raw);
    return run->o->resolve_url(run->o->resolve_ctx, raw);
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* "YYYY?MM?DD HH:MM:SS" with sep as the date separator; *rest points past it. */
static bool date_time(const char *s, char sep, int64_t *out, const char **rest)
{
    if (strlen(s) < 19 || s[4] != sep || s[7] != sep || s[10] != ' ' || s[13] != ':' ||
        s[16] != ':')
        return false;
    int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
    int h = digits(s + 11, 2), mi = digits(s + 14, 2), se = digits(s + 17, 2);
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
        se < 0 || se > 60)
        return false;
    *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se;
    *rest = s + 19;
    return true;
}

bool source_time_yammer(const char *s, int64_t *out)
{
    if (!s)
        return false;
    const char *rest;
    int64_t t;
    if (!date_time(s, '/', &t, &rest))
        return time_parse_rfc3339(s, out);
    /* " +0000": the zone is always spelled out in Yammer's responses. */
    if (strlen(rest) != 6 || rest[0] != ' ' || (rest[1] != '+' && rest[1] != '-'))
        return false;
    int zh = digits(rest + 2, 2), zm = digits(rest + 4, 2);
    if (zh < 0 || zh > 23 || zm < 0 || zm > 59)
        return false;
    int64_t off = (int64_t)zh * 3600 + zm * 60;
    *out = rest[1] == '+' ? t - off : t + off;
    return true;
}

bool source_time_utc(const char *s, int64_t *out)
{
    const char *rest;
    return s && date_time(s, '-', out, &rest) && *rest == '\0';
}

static const struct {
    const char *name, *utf8;
} entities[] = {
    {"amp", "&"},
    {"lt", "<"},
    {"gt", ">"},
    {"quot", "\""},
    {"apos", "'"},
    {"nbsp", " "},
    {"hellip", "\xE2\x80\xA6"},
    {"ndash", "\xE2\x80\x93"},
    {"mdash", "\xE2\x80\x94"},
    {"lsquo", "\xE2\x80\x98"},
    {"rsquo", "\xE2\x80\x99"},
    {"ldquo", "\xE2\x80\x9C"},
    {"rdquo", "\xE2\x80\x9D"},
};

/* Decodes the entity at s ('&'); returns the bytes consumed, 0 when it is not one. */
static size_t entity(const char *s, struct strbuf *b)
{
    size_t n = strcspn(s + 1, ";& <");
    if (s[1 + n] != ';' || n == 0 || n > 10)
        return 0;
    if (s[1] == '#') {
        char *end;
        unsigned long cp =
            s[2] == 'x' || s[2] == 'X' ? strtoul(s + 3, &end, 16) : strtoul(s + 2, &end, 10);
        if (end != s + 1 + n || cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        char enc[4];
        strbuf_append(b, enc, utf8_encode((uint32_t)cp, enc));
        return n + 2;
    }
    for (size_t i = 0; i < ARRAY_LEN(entities); i++) {
        if (strlen(entities[i].name) == n && strncmp(s + 1, entities[i].name, n) == 0) {
            strbuf_appends(b, entities[i].utf8);
            return n + 2;
        }
    }
    return 0;
}

char *source_html_text(const char *html)
{
    struct strbuf b = {0};
    strbuf_append(&b, "", 0);
    for (const char *p = html ? html : ""; *p;) {
        if (*p == '<') {
            const char *end = strchr(p, '>');
            if (!end)
                break;
            /* A line break or paragraph end keeps the text's shape. */
            if (strncasecmp(p, "<br", 3) == 0 || strncasecmp(p, "</p", 3) == 0)
                strbuf_appends(&b, "\n");
            p = end + 1;
            continue;
        }
        size_t used = *p == '&' ? entity(p, &b) : 0;
        if (used) {
            p += used;
            continue;
        }
        strbuf_append(&b, p, 1);
        p++;
    }
    return b.data;
}

/* Length of a ":short_code:" emoji at p, 0 when there is none. */
static size_t short_code(const char *p)
{
    if (*p != ':')
        return 0;
    size_t n = 1;
    bool letter = false;
    while (p[n] && (isalnum((unsigned char)p[n]) || strchr("_+-", p[n])) && n < 40) {
        letter |= isalpha((unsigned char)p[n]) != 0;
        n++;
    }
    return p[n] == ':' && n > 1 && letter ? n + 1 : 0;
}

char *source_markdown_text(const char *md)
{
    struct strbuf b = {0};
    strbuf_append(&b, "", 0);
    bool line_start = true;
    for (const char *p = md ? md : ""; *p;) {
        if (line_start) {
            /* "## Heading" and "> quote" lose their marks; "#hashtag" is text. */
            line_start = false;
            const char *q = p;
            while (*q == '#' || *q == '>')
                q++;
            if (q != p && *q == ' ') {
                while (*q == ' ')
                    q++;
                p = q;
            }
            continue;
        }
        if (*p == '\\' && p[1] && strchr("\\`*_{}[]()#+-.!~:", p[1])) {
            strbuf_append(&b, p + 1, 1);
            p += 2;
            continue;
        }
        /* [text](target "title"): the text stays; ![alt](image) goes altogether. */
        bool image = *p == '!' && p[1] == '[';
        if (*p == '[' || image) {
            const char *open = image ? p + 1 : p;
            const char *close = strchr(open, ']');
            const char *end = close && close[1] == '(' ? strchr(close, ')') : NULL;
            if (end && !memchr(open, '\n', (size_t)(close - open))) {
                if (!image)
                    strbuf_append(&b, open + 1, (size_t)(close - open - 1));
                p = end + 1;
                continue;
            }
        }
        if ((p[0] == '*' && p[1] == '*') || (p[0] == '_' && p[1] == '_') ||
            (p[0] == '~' && p[1] == '~')) {
            p += 2;
            continue;
        }
        if (*p == '`') {
            p++;
            continue;
        }
        size_t sc = short_code(p);
        if (sc) {
            p += sc;
            continue;
        }
        if (*p == '\n')
            line_start = true;
        strbuf_append(&b, p, 1);
        p++;
    }
    return b.data;
}

char *source_split_title(const char *text, char **rest)
{
    *rest = NULL;
    if (!text)
        return NULL;
    /* The first line that has something visible is the title. */
    const char *p = text;
    for (;;) {
        size_t n = strcspn(p, "\n");
        char *line = text_sanitize(p, n, FEED_MAX_TITLE, false, NULL);
        if (*line) {
            if (p[n])
                *rest = source_text(p + n + 1, FEED_MAX_BODY, true);
            return line;
        }
        free(line);
        if (!p[n])
            return NULL;
        p += n + 1;
    }
}

/* ---- items and the report ---- */

static void report_add(struct source_run *run, const char *id, const char *type, enum item_reason r,
                       const char *detail)
{
    struct feed_report *rep = run->report;
    if (!rep)
        return;
    rep->v = xrealloc(rep->v, (rep->n + 1) * sizeof *rep->v);
    rep->v[rep->n++] = (struct item_verdict){
        .id = xstrdup(id ? id : ""),
        .type = xstrdup(type ? type : ""),
        .reason = r,
        .detail =
            r == REASON_SHOWN ? NULL : text_sanitize(detail, strlen(detail), 300, false, NULL),
    };
}

void source_report_other(struct source_run *run, const char *id, const char *type,
                         enum item_reason r, const char *fmt, ...)
{
    char detail[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    log_debug("%s %s not read: %s", type, id, detail);
    report_add(run, id, type, r, detail);
}

void source_item_begin(struct source_item *si, const char *id, enum item_type type)
{
    memset(si, 0, sizeof *si);
    snprintf(si->id, sizeof si->id, "%s", id ? id : "");
    struct item *it = &si->it;
    it->type = type;
    it->published_at = TIME_NONE;
    it->show_from = it->expires_at = it->until = TIME_NONE;
    it->author.start_date = it->person.start_date = it->from.start_date = TIME_NONE;
    it->likes = it->comments = -1;
    si->reason = REASON_SHOWN;
}

void source_item_fail(struct source_item *si, enum item_reason r, const char *fmt, ...)
{
    if (si->reason != REASON_SHOWN)
        return;
    si->reason = r;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(si->detail, sizeof si->detail, fmt, ap);
    va_end(ap);
}

/* What feed_parse requires of a kept item, so that the cached copy of this feed (written by
 * feed_serialize, read back by feed_parse) holds the same items. */
static void check_model(struct source_item *si, bool show_all_posts)
{
    const struct item *it = &si->it;
    if (!*si->id)
        source_item_fail(si, REASON_INVALID, "no usable id");
    if (it->published_at == TIME_NONE)
        source_item_fail(si, REASON_INVALID, "no readable publication date");
    switch (it->type) {
    case ITEM_POST:
        if (!it->author.name)
            source_item_fail(si, REASON_INVALID, "the author has no name");
        if (!it->title && !it->body)
            source_item_fail(si, REASON_INVALID, "neither title nor text");
        if (!it->highlighted && !show_all_posts)
            source_item_fail(si, REASON_NOT_HIGHLIGHTED,
                             "post is not highlighted (pinned), and display.show_all_posts "
                             "is off");
        break;
    case ITEM_INTRODUCTION:
        if (!it->person.name)
            source_item_fail(si, REASON_INVALID, "the new colleague has no name");
        break;
    case ITEM_SHOUTOUT:
        if (!it->from.name)
            source_item_fail(si, REASON_INVALID, "the giver has no name");
        if (it->n_to == 0)
            source_item_fail(si, REASON_INVALID, "shout-out without recipients");
        for (size_t i = 0; i < it->n_to; i++)
            if (!it->to[i].name)
                source_item_fail(si, REASON_INVALID, "a recipient has no name");
        if (!it->message)
            source_item_fail(si, REASON_INVALID, "shout-out without a message");
        break;
    case ITEM_HELP_REQUEST:
        if (!it->author.name)
            source_item_fail(si, REASON_INVALID, "the author has no name");
        if (!it->title)
            source_item_fail(si, REASON_INVALID, "help request without a title");
        break;
    case ITEM_TYPE_COUNT:
        source_item_fail(si, REASON_UNKNOWN_TYPE, "no item type");
        break;
    }
}

void source_item_end(struct source_run *run, struct source_item *si)
{
    struct feed *f = run->feed;
    if (si->reason == REASON_SHOWN)
        check_model(si, run->s->show_all_posts);
    if (si->reason == REASON_SHOWN && feed_find(f, si->id))
        source_item_fail(si, REASON_DUPLICATE_ID, "id \"%s\" appears more than once", si->id);
    if (si->reason == REASON_SHOWN && f->n_items == FEED_MAX_ITEMS)
        source_item_fail(si, REASON_TOO_MANY, "more than %d items; this one is skipped",
                         FEED_MAX_ITEMS);
    const char *type = item_type_name(si->it.type);
    if (si->reason == REASON_SHOWN) {
        si->it.id = xstrdup(si->id);
        f->items = xrealloc(f->items, (f->n_items + 1) * sizeof *f->items);
        f->items[f->n_items++] = si->it;
    } else {
        log_debug("%s %s not shown: %s", type, si->id, si->detail);
        item_clear(&si->it);
    }
    report_add(run, si->id, type, si->reason, si->detail);
    memset(&si->it, 0, sizeof si->it);
}
