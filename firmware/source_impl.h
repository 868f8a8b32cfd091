/* source_impl: what the platform adapters (source_yammer.c, source_humhub.c,
 * source_discourse.c) share: the state of one poll, JSON responses through the injected HTTP
 * callback, allow-lists, the per-item verdict and the text and date helpers. Internal to the
 * source module: only firmware/source*.c and the adapters' unit tests include it. */
#ifndef PRIKBORD_SOURCE_IMPL_H
#define PRIKBORD_SOURCE_IMPL_H

#include "feed_parse.h"
#include "model.h"
#include "source.h"

#include <cjson/cJSON.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An allow-list: ids (digits only) or names, as configured. */
struct source_list {
    char **v;
    size_t n;
};

struct source {
    enum source_kind kind;
    char *base_url; /* without a trailing slash */
    char *origin;   /* scheme://host[:port] of base_url */
    struct source_list groups, introduction_groups, help_groups;
    struct source_list introduction_topics, help_topics;
    bool show_without_group;
    bool show_all_posts;
    size_t max_bytes;
};

/* The state of one poll. */
struct source_run {
    const struct source *s;
    const struct source_poll_opts *o;
    struct feed *feed;          /* being built */
    struct feed_report *report; /* may be NULL */
    long status;                /* of the request that failed */
    long retry_after_s;
    char *err;
    size_t errlen;
    bool failed;
    int requests; /* made so far */
};

/* Whether list holds s: ids exactly, names case-insensitively. */
bool source_list_has(const struct source_list *l, const char *s);

/* The type of an item in group gid ("" when in none): an introduction or a help request when
 * gid is configured so, else a post. */
enum item_type source_group_type(const struct source *s, const char *gid);

/* GETs url and parses the body as JSON. Integers of 16 or more digits (ids past 2^53, which a
 * double cannot hold exactly) arrive as strings. Returns the tree (cJSON_Delete) or NULL after
 * marking the run failed with a reason: no response, an HTTP status other than 200, a body
 * over the size bound, a NUL byte or an escaped NUL, invalid JSON. */
cJSON *source_get_json(struct source_run *run, const char *url);

/* An id: a non-negative integer number below 2^53 or a string of 1..24 digits, written into
 * out as decimal digits. False (out = "") for anything else: null, a fraction, a negative. */
#define SOURCE_ID_MAX 32
bool source_id(const cJSON *v, char out[SOURCE_ID_MAX]);

/* The field of obj named name, or NULL (also when obj is not an object). */
const cJSON *source_field(const cJSON *obj, const char *name);
/* The string value of a field, or NULL when absent or not a string. Borrowed from the tree. */
const char *source_str(const cJSON *obj, const char *name);
/* Fail-closed booleans: true only for a JSON false (is_false) or a JSON true (is_true). */
bool source_is_false(const cJSON *obj, const char *name);
bool source_is_true(const cJSON *obj, const char *name);
/* A whole number field into *out; false when absent, not a number or not whole. */
bool source_int(const cJSON *obj, const char *name, long long *out);

/* Sanitised copy of untrusted text (text_sanitize with the feed's bounds); NULL when s is
 * NULL or nothing visible remains. */
char *source_text(const char *s, size_t max, bool newlines);
/* A URL from a response, checked like feed_parse checks a feed's URLs (length, printable
 * ASCII) and passed through the resolve callback; NULL when absent or refused. */
char *source_url(struct source_run *run, const char *raw);

/* Dates: "2024/09/02 07:41:10 +0000" (Yammer; RFC 3339 is also accepted) and
 * "2024-09-02 07:41:10" (HumHub: no zone, taken as UTC). False for anything else. */
bool source_time_yammer(const char *s, int64_t *out);
bool source_time_utc(const char *s, int64_t *out);

/* Plain text of an HTML fragment (tags dropped, the common entities decoded). Caller frees. */
char *source_html_text(const char *html);
/* Plain text of HumHub's Markdown: links and mentions become their text, images and emoji
 * short codes go, emphasis marks go. Caller frees. */
char *source_markdown_text(const char *md);
/* Splits text into its first line (the title of a help request, single-line, bounded) and the
 * rest (*rest: the remaining lines sanitised as a body, or NULL). Either may be NULL. */
char *source_split_title(const char *text, char **rest);

/* One item being mapped: the first reason it cannot be shown wins. */
struct source_item {
    struct item it;
    char id[FEED_MAX_ID + 1];
    enum item_reason reason;
    char detail[300];
};

/* Starts an item: empty, with the model's "absent" values. */
void source_item_begin(struct source_item *si, const char *id, enum item_type type);
/* Records why the item is not shown, unless an earlier reason is recorded. */
void source_item_fail(struct source_item *si, enum item_reason r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Ends an item: checks what the model requires of its type (as feed_parse does, so the cached
 * copy reads back equal), the highlighted-posts rule, duplicate ids and the item bound; keeps
 * it in run->feed or frees it; adds its verdict to the report. */
void source_item_end(struct source_run *run, struct source_item *si);

/* Adds a verdict for something that is not an item (an allow-listed HumHub space that is not
 * read, say), so the report says why nothing of it is shown. */
void source_report_other(struct source_run *run, const char *id, const char *type,
                         enum item_reason r, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Marks the run failed with a reason (the first one wins) and status 200: a response that
 * came but cannot be used. */
void source_fail_run(struct source_run *run, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The adapters. Each fills run->feed; on a failed request it returns with run->failed set. */
void source_yammer_poll(struct source_run *run);
void source_humhub_poll(struct source_run *run);
void source_discourse_poll(struct source_run *run);

#endif
