/* feed_parse: the feed contract (feed v1, docs/feed.md) from JSON into the model, with the
 * visibility rules applied on the way in: an item from a group that is not exactly "open", or
 * about or by a person who opted out, never enters the model, so it cannot be shown, cached or
 * counted. cJSON is used only here. */
#ifndef PRIKBORD_FEED_PARSE_H
#define PRIKBORD_FEED_PARSE_H

#include "model.h"

#include <stdbool.h>
#include <stddef.h>

/* Why an item is or is not on screen. Static reasons are decided by feed_parse; the time
 * reasons (NOT_YET, EXPIRED) depend on the moment and come from item_time_verdict. */
enum item_reason {
    REASON_SHOWN,
    REASON_INVALID, /* a required field is missing or malformed (detail says which) */
    REASON_UNKNOWN_TYPE,
    REASON_NO_GROUP,
    REASON_GROUP_NOT_OPEN, /* closed, private, missing or any value other than "open" */
    REASON_OPTED_OUT,
    REASON_NOT_HIGHLIGHTED, /* a post that is not highlighted while only highlights are shown */
    REASON_NOT_YET,
    REASON_EXPIRED,
    REASON_DUPLICATE_ID,
    REASON_TOO_MANY,
    REASON_NOT_ALLOWED, /* platform sources: its group, space or category is not allow-listed */
    REASON_NOT_PUBLIC,  /* platform sources: the item itself is private, hidden, unpublished */
    REASON_COUNT
};

/* Short stable name ("closed group", "opted out", ...). */
const char *item_reason_name(enum item_reason r);

struct item_verdict {
    char *id;   /* as in the feed, sanitised; "" when the item had no usable id */
    char *type; /* as in the feed, sanitised; "" when absent */
    enum item_reason reason;
    char *detail; /* one human-readable line, NULL when shown */
};

/* Every item of the document in feed order with its verdict. */
struct feed_report {
    struct item_verdict *v;
    size_t n;
};
void feed_report_clear(struct feed_report *r); /* frees and zeroes; NULL-safe */

/* Bounds the parser enforces; documented in docs/feed.md. */
#define FEED_MAX_BYTES_DEFAULT ((size_t)8 << 20)
#define FEED_MAX_ITEMS         500
#define FEED_MAX_ID            128
#define FEED_MAX_NAME          120
#define FEED_MAX_TITLE         200
#define FEED_MAX_BODY          8000
#define FEED_MAX_MESSAGE       2000
#define FEED_MAX_BADGE         40
#define FEED_MAX_TAGS          12
#define FEED_MAX_TAG           40
#define FEED_MAX_RECIPIENTS    20
#define FEED_MAX_URL           2048
#define FEED_MAX_REMOVED       1000

struct feed_parse_opts {
    size_t max_bytes;    /* 0 = FEED_MAX_BYTES_DEFAULT */
    bool show_all_posts; /* false: only highlighted posts are kept (the contract's default) */
    /* Turns a URL found inside the feed into the absolute URL to fetch, or NULL when it may
     * not be fetched (the caller logs why). The result is owned by the parser. NULL callback:
     * URLs are kept as they are. */
    char *(*resolve_url)(void *ctx, const char *raw);
    void *resolve_ctx;
};

/* Parses a feed document of len bytes (need not be NUL-terminated). Returns the model with
 * only statically visible items, owned by the caller (feed_destroy), or NULL when the feed is
 * unusable, with one line in err (invalid JSON with its position, wrong root, missing or
 * unknown major version, too large, items not an array). report (may be NULL) receives a
 * verdict per item; static reasons only, time is not looked at. */
struct feed *feed_parse(const char *buf, size_t len, const struct feed_parse_opts *opts,
                        struct feed_report *report, char *err, size_t errlen);

/* Writes the feed back as a feed v1 document that feed_parse reads to an equal model (used for
 * the last-good cache). Returns a NUL-terminated string the caller frees. */
char *feed_serialize(const struct feed *f);

#endif
