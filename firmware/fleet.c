#include "fleet.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A JSON string literal of s (NULL: null). Control characters are escaped, the rest of the
 * bytes pass as they are (the texts come from this program and are UTF-8). */
static void json_string(struct strbuf *b, const char *s)
{
    if (!s) {
        strbuf_appends(b, "null");
        return;
    }
    strbuf_appends(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            strbuf_appendf(b, "\\%c", *p);
        else if (*p == '\n')
            strbuf_appends(b, "\\n");
        else if (*p < 0x20 || *p == 0x7f)
            strbuf_appendf(b, "\\u%04x", *p);
        else
            strbuf_append(b, (const char *)p, 1);
    }
    strbuf_appends(b, "\"");
}

static bool has_error(const struct fleet_status *s)
{
    return s->last_error && *s->last_error;
}

char *fleet_status_json(const struct fleet_status *s)
{
    struct strbuf b = {0};
    strbuf_appends(&b, "{\"version\": ");
    json_string(&b, s->version);
    strbuf_appends(&b, ", \"display_id\": ");
    json_string(&b, s->display_id);
    strbuf_appendf(&b, ", \"time\": %lld, \"started\": %lld, \"uptime_s\": %lld", (long long)s->now,
                   (long long)s->started, (long long)(s->now - s->started));
    strbuf_appends(&b, ", \"last_refresh_ok\": ");
    if (s->last_ok)
        strbuf_appendf(&b, "%lld", (long long)s->last_ok);
    else
        strbuf_appends(&b, "null");
    strbuf_appends(&b, ", \"last_refresh_attempt\": ");
    if (s->last_attempt)
        strbuf_appendf(&b, "%lld", (long long)s->last_attempt);
    else
        strbuf_appends(&b, "null");
    strbuf_appends(&b, ", \"last_error\": ");
    json_string(&b, has_error(s) ? s->last_error : NULL);
    strbuf_appendf(&b,
                   ", \"http_status\": %ld, \"refreshes\": %llu, \"refresh_failures\": %llu"
                   ", \"items_shown\": %zu, \"cache_bytes\": %llu, \"frames_drawn\": %llu"
                   ", \"rss_bytes\": %llu}\n",
                   s->http_status, (unsigned long long)s->refreshes,
                   (unsigned long long)s->failures, s->items_shown,
                   (unsigned long long)s->cache_bytes, (unsigned long long)s->frames,
                   (unsigned long long)s->rss_bytes);
    return b.data;
}

/* A label value: backslash, double quote and newline escaped, as the format requires. */
static void prom_label(struct strbuf *b, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == '\\' || *p == '"')
            strbuf_appendf(b, "\\%c", *p);
        else if (*p == '\n')
            strbuf_appends(b, "\\n");
        else
            strbuf_append(b, p, 1);
    }
}

static void prom_metric(struct strbuf *b, const char *name, const char *type, const char *help,
                        long long value)
{
    strbuf_appendf(b, "# HELP prikbord_%s %s\n# TYPE prikbord_%s %s\nprikbord_%s %lld\n", name,
                   help, name, type, name, value);
}

char *fleet_status_prom(const struct fleet_status *s)
{
    struct strbuf b = {0};
    strbuf_appends(&b, "# HELP prikbord_info Version and display id of this screen.\n"
                       "# TYPE prikbord_info gauge\nprikbord_info{version=\"");
    prom_label(&b, s->version);
    strbuf_appends(&b, "\",display=\"");
    prom_label(&b, s->display_id);
    strbuf_appends(&b, "\"} 1\n");
    prom_metric(&b, "start_time_seconds", "gauge",
                "When the program started, in seconds since the epoch.", (long long)s->started);
    prom_metric(&b, "uptime_seconds", "gauge", "Seconds since the program started.",
                (long long)(s->now - s->started));
    prom_metric(&b, "last_refresh_success_timestamp_seconds", "gauge",
                "When the feed server last answered well (0: never since start).",
                (long long)s->last_ok);
    prom_metric(&b, "last_refresh_ok", "gauge", "1 when the last refresh went well, else 0.",
                s->last_attempt && !has_error(s) ? 1 : 0);
    prom_metric(&b, "last_http_status", "gauge",
                "HTTP status of the last refresh (0: no response).", (long long)s->http_status);
    prom_metric(&b, "refreshes_total", "counter", "Refresh attempts since start.",
                (long long)s->refreshes);
    prom_metric(&b, "refresh_failures_total", "counter", "Failed refresh attempts since start.",
                (long long)s->failures);
    prom_metric(&b, "items_shown", "gauge", "Items in the rotation on screen.",
                (long long)s->items_shown);
    prom_metric(&b, "cache_bytes", "gauge", "Bytes in the cache folder.",
                (long long)s->cache_bytes);
    prom_metric(&b, "frames_drawn_total", "counter", "Frames drawn since start.",
                (long long)s->frames);
    prom_metric(&b, "resident_memory_bytes", "gauge", "Resident memory of the program.",
                (long long)s->rss_bytes);
    return b.data;
}

static bool has_display_param(const char *query, size_t len)
{
    for (size_t i = 0; i < len; i += strcspn(query + i, "&") + 1) {
        if (len - i >= 8 && strncasecmp(query + i, "display=", 8) == 0)
            return true;
        if (len - i == 7 && strncasecmp(query + i, "display", 7) == 0)
            return true;
    }
    return false;
}

char *fleet_feed_url(const char *url, const char *id)
{
    if (!id || !*id ||
        (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0))
        return xstrdup(url);
    size_t end = strcspn(url, "#"); /* the query ends where a fragment starts */
    const char *q = memchr(url, '?', end);
    if (q && has_display_param(q + 1, (size_t)(url + end - q - 1)))
        return xstrdup(url);
    struct strbuf b = {0};
    strbuf_append(&b, url, end);
    if (!q)
        strbuf_appends(&b, "?");
    else if (url[end - 1] != '?' && url[end - 1] != '&')
        strbuf_appends(&b, "&");
    strbuf_appends(&b, "display=");
    for (const char *p = id; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            strchr("-._~", c))
            strbuf_append(&b, p, 1);
        else
            strbuf_appendf(&b, "%%%02X", c);
    }
    strbuf_appends(&b, url + end);
    return b.data;
}
