/* realpath() is XSI, not plain POSIX 2008, in glibc. */
#define _XOPEN_SOURCE 700
#define LOG_MODULE    "fetch"
#include "fetch.h"
#include "log.h"
#include "util.h"

#include <curl/curl.h>

#include <assert.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define DEFAULT_CONNECT_TIMEOUT_MS 10000L
#define DEFAULT_TOTAL_TIMEOUT_MS   60000L
#define DEFAULT_LOW_SPEED_TIME_S   20L
#define LOW_SPEED_LIMIT_BPS        100L
#define MAX_REDIRECTS              5L
#define DEFAULT_USER_AGENT         "prikbord"
/* An error page is kept for the log and the admin, not for parsing: a little is enough. */
#define ERROR_BODY_CAP ((size_t)64 * 1024)
/* Longer ETag/Last-Modified/... values are ignored rather than stored and sent back. */
#define MAX_HEADER_VALUE  1024
#define MAX_RETRY_AFTER_S 2147483647L

static const char *const result_names[] = {
    [FETCH_OK] = "ok",
    [FETCH_NOT_MODIFIED] = "not-modified",
    [FETCH_HTTP_ERROR] = "http-error",
    [FETCH_TRANSPORT_ERROR] = "transport-error",
    [FETCH_TOO_LARGE] = "too-large",
    [FETCH_REFUSED] = "refused",
};
static_assert(ARRAY_LEN(result_names) == FETCH_RESULT_COUNT, "fetch result names");

const char *fetch_result_name(enum fetch_result r)
{
    if ((unsigned)r >= FETCH_RESULT_COUNT)
        return "unknown";
    return result_names[r];
}

struct fetcher {
    CURL *curl;
};

/* What the curl callbacks of one transfer share. The response fields are filled as headers
 * arrive; a new status line (after a redirect, a 1xx or a proxy CONNECT) starts them over. */
struct transfer {
    struct fetch_response *resp;
    struct strbuf body;
    size_t max_bytes;
    long status;            /* of the response being received; 0 for file: */
    bool too_large;         /* a success body passed max_bytes */
    bool error_body_capped; /* an error body was cut at its cap (the transfer was stopped) */
    char *retry_after;      /* raw values, interpreted once all headers are in */
    char *date;
    const atomic_bool *cancel;
    bool cancelled;
    bool (*sink)(void *ctx, const void *data, size_t len);
    void *sink_ctx;
    size_t sunk;      /* bytes the sink took */
    bool sink_failed; /* it refused some */
};

/* libcurl calls this about once a second and at every chunk: a way out of a hung transfer. */
static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    struct transfer *t = ud;
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    if (t->cancel && atomic_load(t->cancel)) {
        t->cancelled = true;
        return 1;
    }
    return 0;
}

bool fetch_global_init(void)
{
    CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK) {
        log_error("curl_global_init failed: %s", curl_easy_strerror(rc));
        return false;
    }
    return true;
}

void fetch_global_cleanup(void)
{
    curl_global_cleanup();
}

struct fetcher *fetcher_create(void)
{
    CURL *curl = curl_easy_init();
    if (!curl) {
        log_error("curl_easy_init failed");
        return NULL;
    }
    struct fetcher *f = xcalloc(1, sizeof *f);
    f->curl = curl;
    return f;
}

void fetcher_destroy(struct fetcher *f)
{
    if (!f)
        return;
    curl_easy_cleanup(f->curl);
    free(f);
}

void fetch_response_clear(struct fetch_response *r)
{
    if (!r)
        return;
    free(r->body);
    free(r->etag);
    free(r->last_modified);
    free(r->content_type);
    memset(r, 0, sizeof *r);
    r->retry_after_s = -1;
}

/* ---- URL helpers ---------------------------------------------------------------------- */

/* Parses an absolute URL with a scheme curl knows; NULL when s is NULL, empty or invalid.
 * No scheme guessing: "example.com/x" is not a URL here. */
static CURLU *url_parse(const char *s)
{
    if (!s || !*s)
        return NULL;
    CURLU *u = curl_url();
    if (!u)
        return NULL;
    if (curl_url_set(u, CURLUPART_URL, s, 0) != CURLUE_OK) {
        curl_url_cleanup(u);
        return NULL;
    }
    return u;
}

/* The part as a string the caller frees, or NULL when absent. */
static char *url_part(CURLU *u, CURLUPart what, unsigned flags)
{
    char *curl_owned = NULL;
    if (curl_url_get(u, what, &curl_owned, flags) != CURLUE_OK)
        return NULL;
    char *s = xstrdup(curl_owned);
    curl_free(curl_owned);
    return s;
}

static bool scheme_is(const char *scheme, const char *want)
{
    return scheme && strcasecmp(scheme, want) == 0;
}

static bool scheme_is_http(const char *scheme)
{
    return scheme_is(scheme, "http") || scheme_is(scheme, "https");
}

char *url_resolve(const char *base, const char *ref)
{
    char *out = NULL;
    CURLU *u = url_parse(base);
    if (!u || !ref || !*ref)
        goto out;
    /* Setting a URL on a handle that already holds one resolves it relative to that one. */
    if (curl_url_set(u, CURLUPART_URL, ref, 0) != CURLUE_OK)
        goto out;
    out = url_part(u, CURLUPART_URL, 0);
out:
    curl_url_cleanup(u);
    return out;
}

struct origin {
    char *scheme, *host, *port;
};

static void origin_free(struct origin *o)
{
    free(o->scheme);
    free(o->host);
    free(o->port);
}

/* Only http(s) URLs have an origin a token may go to; file: and the rest are opaque.
 * *o starts zeroed and is freed by the caller either way. */
static bool origin_get(const char *s, struct origin *o)
{
    CURLU *u = url_parse(s);
    if (!u)
        return false;
    o->scheme = url_part(u, CURLUPART_SCHEME, 0);
    o->host = url_part(u, CURLUPART_HOST, 0);
    o->port = url_part(u, CURLUPART_PORT, CURLU_DEFAULT_PORT);
    curl_url_cleanup(u);
    return scheme_is_http(o->scheme) && o->host && *o->host && o->port;
}

bool url_same_origin(const char *a, const char *b)
{
    struct origin oa = {0}, ob = {0};
    bool same = origin_get(a, &oa) && origin_get(b, &ob) && strcasecmp(oa.scheme, ob.scheme) == 0 &&
                strcasecmp(oa.host, ob.host) == 0 && strcmp(oa.port, ob.port) == 0;
    origin_free(&oa);
    origin_free(&ob);
    return same;
}

/* A decoded absolute path with no "." or ".." segment left. curl already removed the literal
 * dot segments, so any that remain were percent-encoded (%2e%2e), which file: would decode
 * and the kernel would follow: that is an escape attempt, not a path. */
static bool path_is_clean(const char *p)
{
    if (!p || p[0] != '/')
        return false;
    for (const char *seg = p + 1;;) {
        const char *end = strchr(seg, '/');
        size_t n = end ? (size_t)(end - seg) : strlen(seg);
        if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
            return false;
        if (!end)
            return true;
        seg = end + 1;
    }
}

/* The decoded local path of a file: URL, or NULL when it names another host, cannot be
 * decoded (control bytes, %00) or is not clean. */
static char *file_url_path(CURLU *u)
{
    char *host = url_part(u, CURLUPART_HOST, 0);
    bool local = !host || !*host || strcasecmp(host, "localhost") == 0;
    free(host);
    char *path = local ? url_part(u, CURLUPART_PATH, CURLU_URLDECODE) : NULL;
    if (path && !path_is_clean(path)) {
        free(path);
        path = NULL;
    }
    return path;
}

/* True when the file: URL u lies inside the directory of the file: feed_url, compared as
 * normalised strings and again after realpath() so that a symlink cannot lead out. */
static bool file_inside_feed_dir(const char *feed_url, CURLU *u)
{
    bool inside = false;
    char *feed_scheme = NULL, *feed_path = NULL, *path = NULL;
    char *real_dir = NULL, *real_path = NULL;
    CURLU *feed = url_parse(feed_url);
    if (!feed)
        goto out;
    feed_scheme = url_part(feed, CURLUPART_SCHEME, 0);
    if (!scheme_is(feed_scheme, "file"))
        goto out;
    feed_path = file_url_path(feed);
    path = file_url_path(u);
    if (!feed_path || !path)
        goto out;
    /* feed_path is clean and absolute, so it has a '/'; keep it: "/srv/feed/" */
    char *slash = strrchr(feed_path, '/');
    slash[1] = '\0';
    size_t dir_len = strlen(feed_path);
    if (strncmp(path, feed_path, dir_len) != 0 || path[dir_len] == '\0')
        goto out;
    real_dir = realpath(feed_path, NULL);
    real_path = realpath(path, NULL);
    if (!real_dir || !real_path)
        goto out;
    size_t real_len = strlen(real_dir);
    /* realpath("/") is "/"; every other result has no trailing slash. */
    bool root = real_len == 1;
    inside = strncmp(real_path, real_dir, real_len) == 0 && (root || real_path[real_len] == '/') &&
             real_path[root ? 1 : real_len + 1] != '\0';
out:
    free(real_path);
    free(real_dir);
    free(path);
    free(feed_path);
    free(feed_scheme);
    curl_url_cleanup(feed);
    return inside;
}

char *url_file_path(const char *url)
{
    char *path = NULL, *scheme = NULL;
    CURLU *u = url_parse(url);
    if (!u)
        return NULL;
    scheme = url_part(u, CURLUPART_SCHEME, 0);
    if (scheme_is(scheme, "file"))
        path = file_url_path(u);
    free(scheme);
    curl_url_cleanup(u);
    return path;
}

bool url_media_allowed(const char *feed_url, const char *url)
{
    bool allowed = false;
    char *scheme = NULL, *host = NULL;
    CURLU *u = url_parse(url);
    if (!u)
        goto out;
    scheme = url_part(u, CURLUPART_SCHEME, 0);
    if (scheme_is_http(scheme)) {
        host = url_part(u, CURLUPART_HOST, 0);
        allowed = host && *host;
    } else if (scheme_is(scheme, "file")) {
        allowed = file_inside_feed_dir(feed_url, u);
    }
out:
    free(host);
    free(scheme);
    curl_url_cleanup(u);
    return allowed;
}

/* ---- the transfer --------------------------------------------------------------------- */

/* Whether s can go into a request header verbatim: no control bytes, so no CR/LF that would
 * let a value from config or from a server's earlier response inject headers. */
static bool header_value_ok(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
            return false;
    }
    return true;
}

/* A Bearer token is one visible-ASCII word (RFC 6750 allows fewer characters still). */
static bool token_ok(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p <= 0x20 || *p >= 0x7f)
            return false;
    }
    return *s != '\0';
}

static void transfer_reset_response(struct transfer *t)
{
    struct fetch_response *r = t->resp;
    free(r->etag);
    free(r->last_modified);
    free(r->content_type);
    r->etag = r->last_modified = r->content_type = NULL;
    free(t->retry_after);
    free(t->date);
    t->retry_after = t->date = NULL;
    strbuf_free(&t->body);
    t->status = 0;
}

/* "HTTP/1.1 200 OK" and "HTTP/2 304" -> the code; 0 when malformed. */
static long parse_status_line(const char *line, size_t n)
{
    size_t i = 0;
    while (i < n && line[i] != ' ')
        i++;
    while (i < n && line[i] == ' ')
        i++;
    if (n - i < 3)
        return 0;
    long code = 0;
    for (size_t k = i; k < i + 3; k++) {
        if (line[k] < '0' || line[k] > '9')
            return 0;
        code = code * 10 + (line[k] - '0');
    }
    return code;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userdata)
{
    struct transfer *t = userdata;
    size_t n = size * nmemb;
    if (n >= 5 && memcmp(data, "HTTP/", 5) == 0) {
        transfer_reset_response(t);
        t->status = parse_status_line(data, n);
        return n;
    }
    const char *colon = memchr(data, ':', n);
    if (!colon)
        return n;
    size_t name_len = (size_t)(colon - data);
    const char *v = colon + 1, *end = data + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    if (end - v > MAX_HEADER_VALUE)
        return n;
    /* A value we could not send back in If-None-Match would block every later request. */
    for (const char *p = v; p < end; p++) {
        if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
            return n;
    }

    struct {
        const char *name;
        char **slot;
    } wanted[] = {
        {"ETag", &t->resp->etag},
        {"Last-Modified", &t->resp->last_modified},
        {"Content-Type", &t->resp->content_type},
        {"Retry-After", &t->retry_after},
        {"Date", &t->date},
    };
    for (size_t i = 0; i < ARRAY_LEN(wanted); i++) {
        if (strlen(wanted[i].name) == name_len &&
            strncasecmp(data, wanted[i].name, name_len) == 0) {
            free(*wanted[i].slot);
            *wanted[i].slot = xstrndup(v, (size_t)(end - v));
            break;
        }
    }
    return n;
}

/* The cap is enforced here, on decompressed bytes, so a gzip bomb stops at max_bytes however
 * small it was on the wire. Returning less than n makes curl abort with CURLE_WRITE_ERROR. */
static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
    struct transfer *t = userdata;
    size_t n = size * nmemb;
    bool success = t->status == 0 || (t->status >= 200 && t->status < 300);
    if (success && t->sink) {
        if (n > t->max_bytes - t->sunk) {
            t->too_large = true;
            return 0;
        }
        if (!t->sink(t->sink_ctx, data, n)) {
            t->sink_failed = true;
            return 0;
        }
        t->sunk += n;
        return n;
    }
    size_t cap = success || t->max_bytes < ERROR_BODY_CAP ? t->max_bytes : ERROR_BODY_CAP;
    if (n > cap - t->body.len) {
        if (success) {
            t->too_large = true;
        } else {
            strbuf_append(&t->body, data, cap - t->body.len);
            t->error_body_capped = true;
        }
        return 0;
    }
    strbuf_append(&t->body, data, n);
    return n;
}

/* Retry-After is delta-seconds or an HTTP-date. A date is measured against the server's own
 * Date header when there is one, because a display without a real-time clock may be far off. */
static long parse_retry_after(const char *value, const char *date)
{
    if (!value || !*value)
        return -1;
    if (strspn(value, "0123456789") == strlen(value)) {
        long s = 0;
        for (const char *p = value; *p; p++) {
            if (s > (MAX_RETRY_AFTER_S - 9) / 10)
                return MAX_RETRY_AFTER_S;
            s = s * 10 + (*p - '0');
        }
        return s;
    }
    time_t when = curl_getdate(value, NULL);
    if (when == -1)
        return -1;
    time_t now = date ? curl_getdate(date, NULL) : -1;
    if (now == -1)
        now = time(NULL);
    double delta = difftime(when, now);
    if (delta <= 0)
        return 0;
    return delta > (double)MAX_RETRY_AFTER_S ? MAX_RETRY_AFTER_S : (long)delta;
}

/* Overwrites every copy of secret in s, whatever put it there. */
static void scrub(char *s, const char *secret)
{
    if (!secret || !*secret)
        return;
    size_t n = strlen(secret);
    for (char *p = strstr(s, secret); p; p = strstr(p + n, secret))
        memset(p, '*', n);
}

static void fail(struct fetch_response *resp, enum fetch_result result, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(struct fetch_response *resp, enum fetch_result result, const char *fmt, ...)
{
    resp->result = result;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(resp->error, sizeof resp->error, fmt, ap);
    va_end(ap);
}

static struct curl_slist *add_header(struct curl_slist *list, bool *ok, const char *name,
                                     const char *value)
{
    if (!*ok)
        return list;
    char *line = xasprintf("%s: %s", name, value);
    struct curl_slist *next = curl_slist_append(list, line);
    free(line);
    if (!next) {
        *ok = false;
        return list;
    }
    return next;
}

/* Checks the request before anything goes on the wire. Returns false with resp filled in. */
static bool request_valid(const struct fetch_request *req, bool *is_file,
                          struct fetch_response *resp)
{
    char *scheme = NULL;
    bool valid = false;
    CURLU *u = url_parse(req->url);
    if (!u) {
        fail(resp, FETCH_REFUSED, "not an absolute URL");
        goto out;
    }
    scheme = url_part(u, CURLUPART_SCHEME, 0);
    *is_file = scheme_is(scheme, "file");
    if (!scheme_is_http(scheme) && !(*is_file && req->allow_file)) {
        fail(resp, FETCH_REFUSED, "scheme \"%s\" is not allowed here", scheme ? scheme : "");
        goto out;
    }
    const char *values[] = {req->if_none_match, req->if_modified_since, req->user_agent};
    for (size_t i = 0; i < ARRAY_LEN(values); i++) {
        if (values[i] && !header_value_ok(values[i])) {
            fail(resp, FETCH_REFUSED, "a request header value contains control characters");
            goto out;
        }
    }
    if (req->token && *req->token && !token_ok(req->token)) {
        fail(resp, FETCH_REFUSED, "the token contains spaces or control characters");
        goto out;
    }
    valid = true;
out:
    free(scheme);
    curl_url_cleanup(u);
    return valid;
}

/* Sets every option of one GET on a freshly reset handle. */
static CURLcode configure(CURL *c, const struct fetch_request *req, struct curl_slist *headers,
                          struct transfer *t, char *errbuf)
{
    CURLcode rc;
#define SET(opt, val)                                                                              \
    do {                                                                                           \
        if ((rc = curl_easy_setopt(c, opt, val)) != CURLE_OK)                                      \
            return rc;                                                                             \
    } while (0)
    SET(CURLOPT_URL, req->url);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_ERRORBUFFER, errbuf);
#if LIBCURL_VERSION_NUM >= 0x075500
    SET(CURLOPT_PROTOCOLS_STR, req->allow_file ? "http,https,file" : "http,https");
    SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    SET(CURLOPT_PROTOCOLS,
        (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS | (req->allow_file ? CURLPROTO_FILE : 0)));
    SET(CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    SET(CURLOPT_FOLLOWLOCATION, 1L);
    SET(CURLOPT_MAXREDIRS, MAX_REDIRECTS);
    SET(CURLOPT_SSL_VERIFYPEER, 1L);
    SET(CURLOPT_SSL_VERIFYHOST, 2L);
    if (req->ca_file)
        SET(CURLOPT_CAINFO, req->ca_file);
    /* "" = every encoding this libcurl can decode; on_body then sees decoded bytes. */
    SET(CURLOPT_ACCEPT_ENCODING, "");
    SET(CURLOPT_CONNECTTIMEOUT_MS,
        req->connect_timeout_ms > 0 ? req->connect_timeout_ms : DEFAULT_CONNECT_TIMEOUT_MS);
    SET(CURLOPT_TIMEOUT_MS,
        req->total_timeout_ms > 0 ? req->total_timeout_ms : DEFAULT_TOTAL_TIMEOUT_MS);
    SET(CURLOPT_LOW_SPEED_LIMIT, LOW_SPEED_LIMIT_BPS);
    SET(CURLOPT_LOW_SPEED_TIME,
        req->low_speed_time_s > 0 ? req->low_speed_time_s : DEFAULT_LOW_SPEED_TIME_S);
    SET(CURLOPT_USERAGENT, req->user_agent ? req->user_agent : DEFAULT_USER_AGENT);
    SET(CURLOPT_HTTPHEADER, headers);
    /* Our headers (Authorization among them) never go to a proxy, only to the server. */
    SET(CURLOPT_HEADEROPT, (long)CURLHEADER_SEPARATE);
    SET(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, t);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, t);
    if (req->cancel) {
        SET(CURLOPT_XFERINFOFUNCTION, on_progress);
        SET(CURLOPT_XFERINFODATA, t);
        SET(CURLOPT_NOPROGRESS, 0L);
    }
#undef SET
    return CURLE_OK;
}

/* Maps the finished transfer to a result. */
static void conclude(const struct transfer *t, CURLcode rc, bool is_file, const char *errbuf,
                     struct fetch_response *resp)
{
    if (t->cancelled) {
        fail(resp, FETCH_TRANSPORT_ERROR, "cancelled");
    } else if (t->too_large) {
        fail(resp, FETCH_TOO_LARGE, "body larger than %zu bytes", t->max_bytes);
    } else if (t->sink_failed) {
        fail(resp, FETCH_TRANSPORT_ERROR, "the body could not be stored");
    } else if (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && t->error_body_capped)) {
        if (is_file && resp->status == 0)
            resp->status = 200;
        if (resp->status == 304)
            resp->result = FETCH_NOT_MODIFIED;
        else if (resp->status >= 200 && resp->status < 300)
            resp->result = FETCH_OK;
        else
            fail(resp, FETCH_HTTP_ERROR, "HTTP %ld", resp->status);
    } else if (rc == CURLE_TOO_MANY_REDIRECTS) {
        fail(resp, FETCH_HTTP_ERROR, "more than %ld redirects", MAX_REDIRECTS);
    } else if (rc == CURLE_UNSUPPORTED_PROTOCOL) {
        /* The first URL's scheme was checked before; only a redirect gets here. */
        fail(resp, FETCH_REFUSED, "redirect to a scheme that is not allowed (%s)",
             *errbuf ? errbuf : curl_easy_strerror(rc));
    } else {
        fail(resp, FETCH_TRANSPORT_ERROR, "%s", *errbuf ? errbuf : curl_easy_strerror(rc));
    }
}

enum fetch_result fetcher_get(struct fetcher *f, const struct fetch_request *req,
                              struct fetch_response *resp)
{
    struct transfer t = {
        .resp = resp, .cancel = req->cancel, .sink = req->sink, .sink_ctx = req->sink_ctx};
    struct curl_slist *headers = NULL;
    char errbuf[CURL_ERROR_SIZE] = "";
    bool is_file = false;

    memset(resp, 0, sizeof *resp);
    resp->retry_after_s = -1;
    if (!f) {
        fail(resp, FETCH_TRANSPORT_ERROR, "no fetcher");
        goto out;
    }
    if (!request_valid(req, &is_file, resp))
        goto out;

    bool send_token =
        req->token && *req->token && !is_file && url_same_origin(req->url, req->token_origin);
    bool ok = true;
    /* Images come through here too, so anything is acceptable; JSON is preferred. */
    headers = add_header(headers, &ok, "Accept", "application/json, */*;q=0.8");
    /* A custom header and not CURLOPT_XOAUTH2_BEARER: libcurl (since 7.83.0, CVE-2022-27776)
     * drops a custom Authorization header when a redirect changes host, port or scheme, and
     * test_fetch proves it against a second port. Never set CURLOPT_UNRESTRICTED_AUTH. */
    if (send_token) {
        char *value = xasprintf("Bearer %s", req->token);
        headers = add_header(headers, &ok, "Authorization", value);
        free(value);
    }
    if (req->if_none_match && *req->if_none_match)
        headers = add_header(headers, &ok, "If-None-Match", req->if_none_match);
    if (req->if_modified_since && *req->if_modified_since)
        headers = add_header(headers, &ok, "If-Modified-Since", req->if_modified_since);
    if (!ok) {
        fail(resp, FETCH_TRANSPORT_ERROR, "out of memory building the request");
        goto out;
    }

    t.max_bytes = req->max_bytes ? req->max_bytes : FETCH_DEFAULT_MAX_BYTES;
    /* reset drops the previous request's options but keeps live connections for reuse. */
    curl_easy_reset(f->curl);
    CURLcode rc = configure(f->curl, req, headers, &t, errbuf);
    if (rc != CURLE_OK) {
        fail(resp, FETCH_TRANSPORT_ERROR, "curl setup: %s", curl_easy_strerror(rc));
        goto out;
    }
    rc = curl_easy_perform(f->curl);
    curl_easy_getinfo(f->curl, CURLINFO_RESPONSE_CODE, &resp->status);
    conclude(&t, rc, is_file, errbuf, resp);
    if (resp->result == FETCH_OK || resp->result == FETCH_HTTP_ERROR) {
        resp->len = t.body.len;
        resp->body = t.body.data;
        t.body = (struct strbuf){0};
    }
    if (resp->result == FETCH_OK && t.sink)
        resp->len = t.sunk;
    resp->retry_after_s = parse_retry_after(t.retry_after, t.date);
    log_debug("GET -> %s, status %ld, %zu bytes", fetch_result_name(resp->result), resp->status,
              resp->len);
out:
    if (!resp->body)
        resp->body = xstrdup(""); /* len stays: 0, or what a sink took */
    scrub(resp->error, req->token);
    if (f) {
        /* Never leave the handle pointing at this call's stack and header list. */
        curl_easy_setopt(f->curl, CURLOPT_ERRORBUFFER, NULL);
        curl_easy_setopt(f->curl, CURLOPT_HTTPHEADER, NULL);
    }
    curl_slist_free_all(headers);
    strbuf_free(&t.body);
    free(t.retry_after);
    free(t.date);
    return resp->result;
}
