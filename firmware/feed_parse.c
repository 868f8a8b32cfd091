#define LOG_MODULE "feed"
#include "feed_parse.h"
#include "log.h"
#include "util.h"

#include <cjson/cJSON.h>

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const reason_names[] = {
    [REASON_SHOWN] = "shown",
    [REASON_INVALID] = "invalid",
    [REASON_UNKNOWN_TYPE] = "unknown type",
    [REASON_NO_GROUP] = "no group",
    [REASON_GROUP_NOT_OPEN] = "closed group",
    [REASON_OPTED_OUT] = "opted out",
    [REASON_NOT_HIGHLIGHTED] = "not highlighted",
    [REASON_NOT_YET] = "not yet",
    [REASON_EXPIRED] = "expired",
    [REASON_DUPLICATE_ID] = "duplicate id",
    [REASON_TOO_MANY] = "too many items",
    [REASON_NOT_ALLOWED] = "not allow-listed",
    [REASON_NOT_PUBLIC] = "not public",
};
static_assert(ARRAY_LEN(reason_names) == REASON_COUNT, "one name per reason");

const char *item_reason_name(enum item_reason r)
{
    return (unsigned)r < REASON_COUNT ? reason_names[r] : "unknown";
}

void feed_report_clear(struct feed_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].id);
        free(r->v[i].type);
        free(r->v[i].detail);
    }
    free(r->v);
    r->v = NULL;
    r->n = 0;
}

/* State for parsing one item: the first problem found wins and is reported. */
struct item_ctx {
    const struct feed_parse_opts *opts;
    enum item_reason reason;
    char *detail;
};

static void item_fail(struct item_ctx *c, enum item_reason r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void item_fail(struct item_ctx *c, enum item_reason r, const char *fmt, ...)
{
    if (c->reason != REASON_SHOWN)
        return;
    char buf[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    c->reason = r;
    c->detail = text_sanitize(buf, strlen(buf), sizeof buf, false, NULL);
}

static const cJSON *field(const cJSON *obj, const char *name)
{
    return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, name) : NULL;
}

/* A sanitised copy of a string field, cut to max bytes; NULL when absent, null or empty.
 * A present field of the wrong type is a problem for required fields only (the caller
 * decides), so it is reported through *wrong_type. */
static char *text_field(const cJSON *obj, const char *name, size_t max, bool newlines,
                        bool *wrong_type)
{
    const cJSON *v = field(obj, name);
    if (wrong_type)
        *wrong_type = v && !cJSON_IsString(v) && !cJSON_IsNull(v);
    if (!cJSON_IsString(v) || !v->valuestring)
        return NULL;
    bool cut = false;
    char *s = text_sanitize(v->valuestring, strlen(v->valuestring), max, newlines, &cut);
    if (cut)
        log_debug("field '%s' cut to %zu bytes", name, max);
    if (!*s) {
        free(s);
        return NULL;
    }
    return s;
}

static char *url_field(struct item_ctx *c, const cJSON *obj, const char *name)
{
    const cJSON *v = field(obj, name);
    if (!cJSON_IsString(v) || !v->valuestring || !*v->valuestring)
        return NULL;
    size_t len = strlen(v->valuestring);
    if (len > FEED_MAX_URL) {
        log_warn("%s: URL of %zu bytes ignored (limit %d)", name, len, FEED_MAX_URL);
        return NULL;
    }
    /* A URL must be plain printable ASCII: anything else is refused rather than "repaired". */
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)v->valuestring[i];
        if (ch <= 0x20 || ch >= 0x7f) {
            log_warn("%s: URL with a control, space or non-ASCII byte ignored", name);
            return NULL;
        }
    }
    if (!c->opts->resolve_url)
        return xstrdup(v->valuestring);
    return c->opts->resolve_url(c->opts->resolve_ctx, v->valuestring);
}

static int64_t time_field(struct item_ctx *c, const cJSON *obj, const char *name, bool required)
{
    const cJSON *v = field(obj, name);
    int64_t t;
    if (!v || cJSON_IsNull(v)) {
        if (required)
            item_fail(c, REASON_INVALID, "missing %s", name);
        return TIME_NONE;
    }
    if (!cJSON_IsString(v) || !time_parse_rfc3339(v->valuestring, &t)) {
        /* Fails closed: a window we cannot read is a window we cannot honour. */
        item_fail(c, REASON_INVALID, "%s is not an RFC 3339 date", name);
        return TIME_NONE;
    }
    return t;
}

static int count_field(const cJSON *obj, const char *name)
{
    const cJSON *v = field(obj, name);
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0)
        return -1;
    return v->valuedouble > 1e9 ? 1000000000 : (int)v->valuedouble;
}

static void parse_person(struct item_ctx *c, const cJSON *obj, const char *what, struct person *p,
                         bool with_start_date)
{
    memset(p, 0, sizeof *p);
    p->start_date = TIME_NONE;
    if (!cJSON_IsObject(obj)) {
        item_fail(c, REASON_INVALID, "%s is missing or not an object", what);
        return;
    }
    /* Opt-out fails closed: anything but an absent field or a literal true is a "no". */
    const cJSON *on_screen = field(obj, "on_screen");
    if (on_screen && !cJSON_IsTrue(on_screen)) {
        item_fail(c, REASON_OPTED_OUT, "%s has opted out of the screen", what);
        return;
    }
    p->name = text_field(obj, "name", FEED_MAX_NAME, false, NULL);
    if (!p->name) {
        item_fail(c, REASON_INVALID, "%s has no name", what);
        return;
    }
    p->id = text_field(obj, "id", FEED_MAX_ID, false, NULL);
    p->role = text_field(obj, "role", FEED_MAX_NAME, false, NULL);
    p->team = text_field(obj, "team", FEED_MAX_NAME, false, NULL);
    p->avatar_url = url_field(c, obj, "avatar_url");
    if (with_start_date)
        p->start_date = time_field(c, obj, "start_date", false);
}

static void parse_post(struct item_ctx *c, const cJSON *o, struct item *it)
{
    parse_person(c, field(o, "author"), "author", &it->author, false);
    it->title = text_field(o, "title", FEED_MAX_TITLE, false, NULL);
    it->body = text_field(o, "body", FEED_MAX_BODY, true, NULL);
    it->image_url = url_field(c, o, "image_url");
    it->video_url = url_field(c, o, "video_url"); /* an extension of feed v1: see docs/feed.md */
    it->highlighted = cJSON_IsTrue(field(o, "highlighted"));
    if (!it->title && !it->body)
        item_fail(c, REASON_INVALID, "post has neither title nor body");
    if (!it->highlighted && !c->opts->show_all_posts)
        item_fail(c, REASON_NOT_HIGHLIGHTED, "post is not highlighted");
}

static void parse_introduction(struct item_ctx *c, const cJSON *o, struct item *it)
{
    parse_person(c, field(o, "person"), "person", &it->person, true);
    it->body = text_field(o, "body", FEED_MAX_BODY, true, NULL);
    it->image_url = url_field(c, o, "image_url");
    it->video_url = url_field(c, o, "video_url");
}

static void parse_shoutout(struct item_ctx *c, const cJSON *o, struct item *it)
{
    parse_person(c, field(o, "from"), "from", &it->from, false);
    const cJSON *to = field(o, "to");
    int n = cJSON_IsArray(to) ? cJSON_GetArraySize(to) : 0;
    if (n == 0) {
        item_fail(c, REASON_INVALID, "shoutout has no recipients ('to')");
    } else {
        /* Opt-out is checked on every recipient, also those past the display limit. */
        const cJSON *q;
        cJSON_ArrayForEach(q, to)
        {
            const cJSON *on = field(q, "on_screen");
            if (on && !cJSON_IsTrue(on)) {
                item_fail(c, REASON_OPTED_OUT, "a recipient has opted out of the screen");
                return;
            }
        }
        if (n > FEED_MAX_RECIPIENTS) {
            log_info("shoutout: %d recipients, showing the first %d", n, FEED_MAX_RECIPIENTS);
            n = FEED_MAX_RECIPIENTS;
        }
        it->to = xcalloc((size_t)n, sizeof *it->to);
        const cJSON *p = to->child;
        for (int i = 0; i < n && p; i++, p = p->next) {
            parse_person(c, p, "recipient", &it->to[i], false);
            it->n_to = (size_t)i + 1;
        }
    }
    it->message = text_field(o, "message", FEED_MAX_MESSAGE, true, NULL);
    it->badge = text_field(o, "badge", FEED_MAX_BADGE, false, NULL);
    if (!it->message)
        item_fail(c, REASON_INVALID, "shoutout has no message");
}

static void parse_help_request(struct item_ctx *c, const cJSON *o, struct item *it)
{
    parse_person(c, field(o, "author"), "author", &it->author, false);
    const cJSON *kind = field(o, "kind");
    if (cJSON_IsString(kind) && strcmp(kind->valuestring, "ask") == 0)
        it->kind = HELP_ASK;
    else if (cJSON_IsString(kind) && strcmp(kind->valuestring, "offer") == 0)
        it->kind = HELP_OFFER;
    else
        item_fail(c, REASON_INVALID, "help_request kind must be \"ask\" or \"offer\"");
    it->title = text_field(o, "title", FEED_MAX_TITLE, false, NULL);
    it->body = text_field(o, "body", FEED_MAX_BODY, true, NULL);
    if (!it->title)
        item_fail(c, REASON_INVALID, "help_request has no title");
    const cJSON *tags = field(o, "tags");
    if (cJSON_IsArray(tags)) {
        it->tags = xcalloc(FEED_MAX_TAGS, sizeof *it->tags);
        const cJSON *t;
        cJSON_ArrayForEach(t, tags)
        {
            if (it->n_tags == FEED_MAX_TAGS)
                break;
            if (!cJSON_IsString(t))
                continue;
            char *s =
                text_sanitize(t->valuestring, strlen(t->valuestring), FEED_MAX_TAG, false, NULL);
            if (*s)
                it->tags[it->n_tags++] = s;
            else
                free(s);
        }
    }
    it->until = time_field(c, o, "until", false);
}

typedef void (*type_parser)(struct item_ctx *c, const cJSON *o, struct item *it);
static const type_parser type_parsers[] = {
    [ITEM_POST] = parse_post,
    [ITEM_INTRODUCTION] = parse_introduction,
    [ITEM_SHOUTOUT] = parse_shoutout,
    [ITEM_HELP_REQUEST] = parse_help_request,
};
static_assert(ARRAY_LEN(type_parsers) == ITEM_TYPE_COUNT, "one parser per item type");

/* Parses one item into *it. Visibility is checked before any content is read, so a closed
 * group's text is never copied out of the JSON tree. */
static void parse_item(struct item_ctx *c, const cJSON *o, struct item *it, char **id_out,
                       char **type_out)
{
    memset(it, 0, sizeof *it);
    it->show_from = it->expires_at = it->until = TIME_NONE;
    it->author.start_date = it->person.start_date = it->from.start_date = TIME_NONE;
    it->likes = it->comments = -1;

    if (!cJSON_IsObject(o)) {
        item_fail(c, REASON_INVALID, "item is not an object");
        return;
    }
    const cJSON *id = field(o, "id");
    *type_out = text_field(o, "type", 40, false, NULL);
    if (!cJSON_IsString(id)) {
        item_fail(c, REASON_INVALID, "id is missing or not a string");
        return;
    }
    *id_out = text_field(o, "id", FEED_MAX_ID + 1, false, NULL);
    if (!*id_out || strlen(id->valuestring) > FEED_MAX_ID) {
        item_fail(c, REASON_INVALID, "id is empty or longer than %d bytes", FEED_MAX_ID);
        return;
    }
    const cJSON *group = field(o, "group");
    if (!cJSON_IsObject(group)) {
        item_fail(c, REASON_NO_GROUP, "item has no group");
        return;
    }
    const cJSON *vis = field(group, "visibility");
    if (!cJSON_IsString(vis) || strcmp(vis->valuestring, "open") != 0) {
        char *gname = text_field(group, "name", FEED_MAX_NAME, false, NULL);
        char *v = cJSON_IsString(vis)
                      ? text_sanitize(vis->valuestring, strlen(vis->valuestring), 40, false, NULL)
                      : xstrdup(vis ? "not a string" : "missing");
        item_fail(c, REASON_GROUP_NOT_OPEN, "group \"%s\" has visibility %s", gname ? gname : "?",
                  v);
        free(gname);
        free(v);
        return;
    }
    if (!*type_out) {
        item_fail(c, REASON_INVALID, "type is missing");
        return;
    }
    /* The type must be exactly one of the names: the sanitised copy is for the report only. */
    if (!item_type_parse(cJSON_GetStringValue(field(o, "type")), &it->type)) {
        item_fail(c, REASON_UNKNOWN_TYPE, "unknown type \"%s\"", *type_out);
        return;
    }
    it->id = xstrdup(*id_out);
    it->group.id = text_field(group, "id", FEED_MAX_ID, false, NULL);
    it->group.name = text_field(group, "name", FEED_MAX_NAME, false, NULL);
    it->published_at = time_field(c, o, "published_at", true);
    it->show_from = time_field(c, o, "show_from", false);
    it->expires_at = time_field(c, o, "expires_at", false);
    it->url = url_field(c, o, "url");
    const cJSON *reactions = field(o, "reactions");
    it->likes = count_field(reactions, "likes");
    it->comments = count_field(reactions, "comments");
    type_parsers[it->type](c, o, it);
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Line and column of a byte offset, for error messages people can act on. */
static void position_of(const char *buf, size_t off, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (buf[i] == '\n')
            (*line)++, *col = 1;
        else
            (*col)++;
    }
}

static void report_add(struct feed_report *r, char *id, char *type, enum item_reason reason,
                       char *detail)
{
    if (!r) {
        free(id);
        free(type);
        free(detail);
        return;
    }
    r->v = xrealloc(r->v, (r->n + 1) * sizeof *r->v);
    r->v[r->n++] = (struct item_verdict){
        .id = id ? id : xstrdup(""),
        .type = type ? type : xstrdup(""),
        .reason = reason,
        .detail = detail,
    };
}

/* Whether a JSON text holds the escape \u0000. cJSON decodes it into a C string, which would
 * end there: "open\u0000closed" would read as "open". Backslashes only occur inside strings
 * of a document cJSON accepted, so a plain scan that skips each escaped character is exact. */
static bool has_escaped_nul(const char *buf, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (buf[i] != '\\')
            continue;
        if (buf[i + 1] == 'u' && len - i >= 6 && memcmp(buf + i + 2, "0000", 4) == 0)
            return true;
        i++;
    }
    return false;
}

static bool is_id_taken(const struct feed *f, const char *id)
{
    return feed_find(f, id) != NULL;
}

struct feed *feed_parse(const char *buf, size_t len, const struct feed_parse_opts *opts,
                        struct feed_report *report, char *err, size_t errlen)
{
    static const struct feed_parse_opts default_opts = {0};
    struct feed *f = NULL;
    cJSON *root = NULL;
    const char *end = NULL;

    if (!opts)
        opts = &default_opts;
    size_t max = opts->max_bytes ? opts->max_bytes : FEED_MAX_BYTES_DEFAULT;
    if (report)
        *report = (struct feed_report){0};
    if (!buf || len == 0) {
        set_err(err, errlen, "feed is empty");
        goto fail;
    }
    if (len > max) {
        set_err(err, errlen, "feed is %zu bytes, over the limit of %zu", len, max);
        goto fail;
    }
    if (len >= 2 && ((unsigned char)buf[0] == 0xFE || (unsigned char)buf[0] == 0xFF)) {
        set_err(err, errlen, "feed is not UTF-8 (UTF-16 byte order mark)");
        goto fail;
    }
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        buf += 3; /* a UTF-8 byte order mark is harmless: skip it */
        len -= 3;
    }
    /* A NUL byte is never valid JSON; cJSON would accept one inside a string and the C string
     * would end there. */
    const char *nul = memchr(buf, '\0', len);
    if (nul) {
        size_t line, col;
        position_of(buf, (size_t)(nul - buf), &line, &col);
        set_err(err, errlen, "invalid JSON: a NUL byte at line %zu, column %zu", line, col);
        goto fail;
    }
    root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
    if (!root) {
        size_t off = end && end >= buf && end <= buf + len ? (size_t)(end - buf) : 0, line, col;
        position_of(buf, off, &line, &col);
        set_err(err, errlen, "invalid JSON at line %zu, column %zu", line, col);
        goto fail;
    }
    /* cJSON stops after the first value; anything but white space after it is an error. */
    if (end) {
        while (end < buf + len && (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r'))
            end++;
        if (end < buf + len) {
            size_t line, col;
            position_of(buf, (size_t)(end - buf), &line, &col);
            set_err(err, errlen,
                    "invalid JSON: unexpected data after the document at line %zu, column %zu",
                    line, col);
            goto fail;
        }
    }
    if (!cJSON_IsObject(root)) {
        set_err(err, errlen, "feed root is not a JSON object");
        goto fail;
    }
    if (has_escaped_nul(buf, len)) {
        set_err(err, errlen, "invalid feed: a string holds an escaped NUL character (\\u0000)");
        goto fail;
    }
    const cJSON *version = field(root, "version");
    if (!cJSON_IsNumber(version) || !isfinite(version->valuedouble)) {
        set_err(err, errlen, "feed has no numeric \"version\"");
        goto fail;
    }
    if (floor(version->valuedouble) != 1) {
        set_err(err, errlen, "feed version %g is not supported (this display reads version 1)",
                version->valuedouble);
        goto fail;
    }
    const cJSON *items = field(root, "items");
    if (!cJSON_IsArray(items)) {
        set_err(err, errlen, "feed has no \"items\" array");
        goto fail;
    }

    f = xcalloc(1, sizeof *f);
    f->version = 1;
    const cJSON *gen = field(root, "generated_at");
    if (!cJSON_IsString(gen) || !time_parse_rfc3339(gen->valuestring, &f->generated_at))
        f->generated_at = TIME_NONE;
    const cJSON *refresh = field(root, "refresh_after_s");
    if (cJSON_IsNumber(refresh) && refresh->valuedouble >= 1 && refresh->valuedouble <= 86400)
        f->refresh_after_s = (int)refresh->valuedouble;
    const cJSON *community = field(root, "community");
    struct item_ctx cctx = {.opts = opts};
    f->community.name = text_field(community, "name", FEED_MAX_NAME, false, NULL);
    f->community.url = url_field(&cctx, community, "url");
    f->community.logo_url = url_field(&cctx, community, "logo_url");

    size_t n_raw = (size_t)cJSON_GetArraySize(items);
    f->items = xcalloc(n_raw < FEED_MAX_ITEMS ? n_raw : FEED_MAX_ITEMS, sizeof *f->items);
    const cJSON *o;
    cJSON_ArrayForEach(o, items)
    {
        struct item_ctx c = {.opts = opts};
        struct item it;
        char *id = NULL, *type = NULL;
        parse_item(&c, o, &it, &id, &type);
        if (c.reason == REASON_SHOWN && is_id_taken(f, it.id))
            item_fail(&c, REASON_DUPLICATE_ID, "id \"%s\" appears more than once", it.id);
        if (c.reason == REASON_SHOWN && f->n_items == FEED_MAX_ITEMS)
            item_fail(&c, REASON_TOO_MANY, "more than %d items; this one is skipped",
                      FEED_MAX_ITEMS);
        if (c.reason == REASON_SHOWN) {
            f->items[f->n_items++] = it;
        } else {
            item_clear(&it);
            log_debug("item %s skipped: %s", id ? id : "?", c.detail ? c.detail : "");
        }
        report_add(report, id, type, c.reason, c.detail);
    }

    const cJSON *removed = field(root, "removed");
    if (cJSON_IsArray(removed)) {
        const cJSON *r;
        cJSON_ArrayForEach(r, removed)
        {
            if (f->n_removed == FEED_MAX_REMOVED)
                break;
            if (!cJSON_IsString(r) || !*r->valuestring || strlen(r->valuestring) > FEED_MAX_ID)
                continue;
            f->removed = xrealloc(f->removed, (f->n_removed + 1) * sizeof *f->removed);
            f->removed[f->n_removed++] =
                text_sanitize(r->valuestring, strlen(r->valuestring), FEED_MAX_ID, false, NULL);
        }
    }
    cJSON_Delete(root);
    return f;

fail:
    cJSON_Delete(root);
    feed_report_clear(report);
    return NULL;
}

/* ---- serialisation (the last-good cache) ---- */

static void put_str(cJSON *o, const char *k, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, k, v);
}

static void put_time(cJSON *o, const char *k, int64_t t)
{
    if (t == TIME_NONE)
        return;
    int64_t days = days_of_time(t), y;
    int64_t secs = t - days * 86400;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    char buf[40];
    snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)y, m, d,
             (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
    cJSON_AddStringToObject(o, k, buf);
}

static cJSON *person_json(const struct person *p)
{
    cJSON *o = cJSON_CreateObject();
    put_str(o, "id", p->id);
    put_str(o, "name", p->name);
    put_str(o, "role", p->role);
    put_str(o, "team", p->team);
    put_str(o, "avatar_url", p->avatar_url);
    put_time(o, "start_date", p->start_date);
    return o;
}

char *feed_serialize(const struct feed *f)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "version", 1);
    put_time(root, "generated_at", f->generated_at);
    if (f->refresh_after_s)
        cJSON_AddNumberToObject(root, "refresh_after_s", f->refresh_after_s);
    cJSON *community = cJSON_AddObjectToObject(root, "community");
    put_str(community, "name", f->community.name);
    put_str(community, "url", f->community.url);
    put_str(community, "logo_url", f->community.logo_url);
    cJSON *items = cJSON_AddArrayToObject(root, "items");
    for (size_t i = 0; i < f->n_items; i++) {
        const struct item *it = &f->items[i];
        cJSON *o = cJSON_CreateObject();
        put_str(o, "id", it->id);
        put_str(o, "type", item_type_name(it->type));
        cJSON *g = cJSON_AddObjectToObject(o, "group");
        put_str(g, "id", it->group.id);
        put_str(g, "name", it->group.name);
        cJSON_AddStringToObject(g, "visibility", "open");
        put_time(o, "published_at", it->published_at);
        put_time(o, "show_from", it->show_from);
        put_time(o, "expires_at", it->expires_at);
        put_str(o, "url", it->url);
        if (it->likes >= 0 || it->comments >= 0) {
            cJSON *r = cJSON_AddObjectToObject(o, "reactions");
            if (it->likes >= 0)
                cJSON_AddNumberToObject(r, "likes", it->likes);
            if (it->comments >= 0)
                cJSON_AddNumberToObject(r, "comments", it->comments);
        }
        switch (it->type) {
        case ITEM_POST:
            cJSON_AddItemToObject(o, "author", person_json(&it->author));
            cJSON_AddBoolToObject(o, "highlighted", it->highlighted);
            break;
        case ITEM_INTRODUCTION:
            cJSON_AddItemToObject(o, "person", person_json(&it->person));
            put_str(o, "video_url", it->video_url);
            break;
        case ITEM_SHOUTOUT: {
            cJSON_AddItemToObject(o, "from", person_json(&it->from));
            cJSON *to = cJSON_AddArrayToObject(o, "to");
            for (size_t k = 0; k < it->n_to; k++)
                cJSON_AddItemToArray(to, person_json(&it->to[k]));
            put_str(o, "message", it->message);
            put_str(o, "badge", it->badge);
            break;
        }
        case ITEM_HELP_REQUEST: {
            cJSON_AddItemToObject(o, "author", person_json(&it->author));
            put_str(o, "kind", it->kind == HELP_OFFER ? "offer" : "ask");
            cJSON *tags = cJSON_AddArrayToObject(o, "tags");
            for (size_t k = 0; k < it->n_tags; k++)
                cJSON_AddItemToArray(tags, cJSON_CreateString(it->tags[k]));
            put_time(o, "until", it->until);
            break;
        }
        case ITEM_TYPE_COUNT:
            break;
        }
        put_str(o, "title", it->title);
        put_str(o, "body", it->body);
        put_str(o, "image_url", it->image_url);
        cJSON_AddItemToArray(items, o);
    }
    if (f->n_removed) {
        cJSON *removed = cJSON_AddArrayToObject(root, "removed");
        for (size_t i = 0; i < f->n_removed; i++)
            cJSON_AddItemToArray(removed, cJSON_CreateString(f->removed[i]));
    }
    char *out = cJSON_Print(root);
    cJSON_Delete(root);
    if (!out)
        return xstrdup("{}");
    char *copy = xstrdup(out); /* so callers free() with the same allocator as everything else */
    cJSON_free(out);
    return copy;
}
