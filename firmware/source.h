/* source: where the content comes from. The native feed (feed_parse) or a community platform's
 * own API: Viva Engage (Yammer REST v1), HumHub (REST module) or Discourse. Each platform is an
 * adapter that maps the platform's JSON into the same model and the same per-item report as
 * feed_parse, applying the platform's privacy rules on the way in (fail closed: anything
 * missing, ambiguous or of an unexpected type is not shown). Pure logic: the adapters make
 * their requests through an injected HTTP callback, so they are tested with canned responses.
 * Documented in docs/sources.md. */
#ifndef PRIKBORD_SOURCE_H
#define PRIKBORD_SOURCE_H

#include "feed_parse.h"
#include "model.h"

#include <stdbool.h>
#include <stddef.h>

enum source_kind {
    SOURCE_PRIKBORD, /* the native feed, read by feed_parse; no adapter */
    SOURCE_YAMMER,
    SOURCE_HUMHUB,
    SOURCE_DISCOURSE,
    SOURCE_KIND_COUNT
};

/* Stable lower-case name ("prikbord", "yammer", ...); "unknown" when out of range. */
const char *source_kind_name(enum source_kind k);
/* True and *out set for a known name (exact, lower case). */
bool source_kind_parse(const char *name, enum source_kind *out);
/* Seconds two polls of the platform must at least be apart, whatever refresh_interval says
 * (Yammer asks for at most one poll of messages a minute); 0: no minimum. */
int source_min_interval_s(enum source_kind k);

/* Bounds of one poll: pages read per listing, and entries of an allow-list. */
#define SOURCE_MAX_PAGES 3
#define SOURCE_MAX_LIST  20
/* Requests one Yammer poll may make (Yammer allows 10 in 30 seconds): the first page of each
 * group, then older pages while this lasts. */
#define SOURCE_YAMMER_MAX_REQUESTS 10

/* One GET of an absolute URL, made by the caller's HTTP layer (with the token, only to the
 * platform's own origin). Returns the HTTP status, or 0 when there was no usable response.
 * *body receives a NUL-terminated body the adapter frees (NULL or empty when there is none),
 * *len its length, *retry_after_s the server's Retry-After in seconds (-1 when absent). */
typedef long source_get_fn(void *ctx, const char *url, char **body, size_t *len,
                           long *retry_after_s);

/* The settings of one source, as the configuration holds them (strings borrowed). Allow-lists
 * are comma- or space-separated: ids for groups, spaces and categories, names for topics. */
struct source_settings {
    enum source_kind kind;
    const char *base_url;            /* Yammer: .../api/v1; HumHub and Discourse: the site */
    const char *groups;              /* allow-list: Yammer groups, HumHub spaces, Discourse
                                        categories; nothing outside it is ever shown */
    const char *introduction_groups; /* ...whose items become introductions */
    const char *help_groups;         /* ...whose items become help requests */
    const char *introduction_topics; /* HumHub: posts with one of these topics: introductions */
    const char *help_topics;         /* HumHub: posts with one of these topics: help requests */
    bool show_without_group;         /* Yammer: a public message in no group may be shown */
    bool show_all_posts;             /* false: plain posts only when highlighted (pinned) */
    size_t max_bytes;                /* largest response accepted (0: FEED_MAX_BYTES_DEFAULT) */
};

struct source;

/* A source for the settings (copied), or NULL with one line in err: a native source (there is
 * no adapter), no base URL, an allow-list entry that is not an id, more than SOURCE_MAX_LIST
 * entries. Free with source_destroy. */
struct source *source_create(const struct source_settings *s, char *err, size_t errlen);
/* Frees a source; NULL-safe. */
void source_destroy(struct source *s);
/* The platform of s. */
enum source_kind source_kind_of(const struct source *s);
/* The platform's base URL without a trailing slash; lives as long as s. */
const char *source_base_url(const struct source *s);

/* A string that differs whenever what the source may show differs (platform, base URL,
 * allow-lists, types, flags): the key of its cached content. Caller frees. */
char *source_cache_key(const struct source *s);

struct source_poll_opts {
    source_get_fn *get;
    void *get_ctx;
    /* As in feed_parse_opts: a URL found in a response -> the absolute URL that may be fetched,
     * or NULL. NULL callback: URLs are kept as they are. */
    char *(*resolve_url)(void *ctx, const char *raw);
    void *resolve_ctx;
};

/* One poll: every request the platform needs (allow-listed groups, at most SOURCE_MAX_PAGES
 * pages each). Returns the model with only the items the privacy rules let through (owned by
 * the caller, feed_destroy), or NULL when any request failed or a response is unusable, with
 * one line in err, the failing HTTP status in *status (0: no response; 200 for a bad body) and
 * the server's Retry-After in *retry_after_s (-1: none). A partial result is never returned:
 * a missing page must not take items off the screen. report (may be NULL) receives every
 * message, post or topic read, with its verdict. */
struct feed *source_poll(const struct source *s, const struct source_poll_opts *o,
                         struct feed_report *report, long *status, long *retry_after_s, char *err,
                         size_t errlen);

#endif
