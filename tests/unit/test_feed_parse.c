/* feed_parse: the feed contract, the visibility rules that fail closed, the bounds, documents
 * that must be refused whole, the last-good round trip, URL resolution and the naughty
 * strings. Feeds are built with cJSON so that every case states only what it varies. */
#include "feed_parse.h"
#include "log.h"
#include "util.h"

#include <cjson/cJSON.h>

#include <assert.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MARKER   "SECRET-MARKER-7731"
#define ELLIPSIS "\xE2\x80\xA6"

/* ---- string checks (independent of util.c's decoder) ---- */

/* Length of the well-formed UTF-8 sequence at s (avail bytes), 0 when it is not one. */
static size_t utf8_seq(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t need;
    if (c < 0x80)
        return 1;
    else if (c >= 0xC2 && c <= 0xDF)
        need = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        need = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4)
        need = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    else
        return 0;
    if (avail < need || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < need; i++) {
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    }
    return need;
}

/* Fails the test unless s is valid UTF-8 without controls ('\n' only when allowed), without
 * bidi controls and without white space at either end. NULL passes. */
static void check_clean(const char *s, bool allow_newline, const char *what)
{
    if (!s)
        return;
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        size_t n = utf8_seq(p + i, len - i);
        if (!n)
            fail_msg("%s: invalid UTF-8 at byte %zu of \"%s\"", what, i, s);
        uint32_t cp = n == 1   ? p[i]
                      : n == 2 ? (uint32_t)(p[i] & 0x1F) << 6 | (p[i + 1] & 0x3F)
                      : n == 3 ? (uint32_t)(p[i] & 0x0F) << 12 | (uint32_t)(p[i + 1] & 0x3F) << 6 |
                                     (p[i + 2] & 0x3F)
                               : (uint32_t)(p[i] & 0x07) << 18 | (uint32_t)(p[i + 1] & 0x3F) << 12 |
                                     (uint32_t)(p[i + 2] & 0x3F) << 6 | (p[i + 3] & 0x3F);
        bool ctrl = (cp < 0x20 && !(cp == '\n' && allow_newline)) || (cp >= 0x7F && cp < 0xA0);
        bool bidi = (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
                    cp == 0x200E || cp == 0x200F || cp == 0x061C;
        if (ctrl || bidi)
            fail_msg("%s: control U+%04X in \"%s\"", what, cp, s);
        i += n;
    }
    if (len && (strchr(" \n", s[0]) || strchr(" \n", s[len - 1])))
        fail_msg("%s: white space at an end of \"%s\"", what, s);
}

static void check_person_clean(const struct person *p)
{
    check_clean(p->id, false, "person.id");
    check_clean(p->name, false, "person.name");
    check_clean(p->role, false, "person.role");
    check_clean(p->team, false, "person.team");
    check_clean(p->avatar_url, false, "person.avatar_url");
}

/* Every string the model holds is clean; body and message alone may hold '\n'. */
static void check_feed_clean(const struct feed *f)
{
    check_clean(f->community.name, false, "community.name");
    check_clean(f->community.url, false, "community.url");
    check_clean(f->community.logo_url, false, "community.logo_url");
    for (size_t i = 0; i < f->n_items; i++) {
        const struct item *it = &f->items[i];
        assert_non_null(it->id);
        assert_true(*it->id);
        check_clean(it->id, false, "id");
        check_clean(it->group.id, false, "group.id");
        check_clean(it->group.name, false, "group.name");
        check_clean(it->url, false, "url");
        check_person_clean(&it->author);
        check_person_clean(&it->person);
        check_person_clean(&it->from);
        for (size_t k = 0; k < it->n_to; k++)
            check_person_clean(&it->to[k]);
        check_clean(it->title, false, "title");
        check_clean(it->body, true, "body");
        check_clean(it->message, true, "message");
        check_clean(it->badge, false, "badge");
        check_clean(it->image_url, false, "image_url");
        check_clean(it->video_url, false, "video_url");
        for (size_t k = 0; k < it->n_tags; k++)
            check_clean(it->tags[k], false, "tag");
        assert_non_null(item_main_person(it)->name);
    }
    for (size_t i = 0; i < f->n_removed; i++)
        check_clean(f->removed[i], false, "removed");
}

static void check_report_clean(const struct feed_report *r)
{
    for (size_t i = 0; i < r->n; i++) {
        assert_non_null(r->v[i].id);
        assert_non_null(r->v[i].type);
        check_clean(r->v[i].id, false, "verdict.id");
        check_clean(r->v[i].type, false, "verdict.type");
        check_clean(r->v[i].detail, false, "verdict.detail");
        assert_int_equal(r->v[i].detail == NULL, r->v[i].reason == REASON_SHOWN);
    }
}

/* ---- building feeds ---- */

static cJSON *mk_person(const char *name)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "name", name);
    return p;
}

static cJSON *mk_open_group(void)
{
    cJSON *g = cJSON_CreateObject();
    cJSON_AddStringToObject(g, "id", "g-open");
    cJSON_AddStringToObject(g, "name", "Open group");
    cJSON_AddStringToObject(g, "visibility", "open");
    return g;
}

/* The smallest item of each type that the contract accepts. */
static cJSON *mk_item(const char *id, const char *type)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", id);
    cJSON_AddStringToObject(o, "type", type);
    cJSON_AddItemToObject(o, "group", mk_open_group());
    cJSON_AddStringToObject(o, "published_at", "2026-11-23T08:00:00Z");
    if (strcmp(type, "post") == 0) {
        cJSON_AddItemToObject(o, "author", mk_person("Anna"));
        cJSON_AddStringToObject(o, "title", "Hello");
        cJSON_AddTrueToObject(o, "highlighted");
    } else if (strcmp(type, "introduction") == 0) {
        cJSON_AddItemToObject(o, "person", mk_person("Bram"));
    } else if (strcmp(type, "shoutout") == 0) {
        cJSON_AddItemToObject(o, "from", mk_person("Cees"));
        cJSON *to = cJSON_AddArrayToObject(o, "to");
        cJSON_AddItemToArray(to, mk_person("Dirk"));
        cJSON_AddStringToObject(o, "message", "Thanks!");
    } else if (strcmp(type, "help_request") == 0) {
        cJSON_AddItemToObject(o, "author", mk_person("Eva"));
        cJSON_AddStringToObject(o, "kind", "ask");
        cJSON_AddStringToObject(o, "title", "Who knows SQL?");
    }
    return o;
}

static cJSON *mk_feed(void)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddNumberToObject(d, "version", 1);
    cJSON_AddArrayToObject(d, "items");
    return d;
}

static cJSON *items_of(cJSON *doc)
{
    return cJSON_GetObjectItemCaseSensitive(doc, "items");
}

static cJSON *add_item(cJSON *doc, cJSON *item)
{
    cJSON_AddItemToArray(items_of(doc), item);
    return item;
}

static void set_field(cJSON *o, const char *name, cJSON *value)
{
    if (cJSON_GetObjectItemCaseSensitive(o, name))
        cJSON_ReplaceItemInObjectCaseSensitive(o, name, value);
    else
        cJSON_AddItemToObject(o, name, value);
}

static void set_str(cJSON *o, const char *name, const char *value)
{
    set_field(o, name, cJSON_CreateString(value));
}

/* Parses value text as JSON (for fields that are easier to state as text). */
static cJSON *json(const char *text)
{
    cJSON *v = cJSON_Parse(text);
    if (!v)
        fail_msg("bad test JSON: %s", text);
    return v;
}

struct parsed {
    struct feed *feed;
    struct feed_report report;
    char err[300];
    char *text; /* the document as parsed */
};

static void parse_doc_opts(const cJSON *doc, const struct feed_parse_opts *opts, struct parsed *p)
{
    memset(p, 0, sizeof *p);
    p->text = cJSON_PrintUnformatted(doc);
    assert_non_null(p->text);
    size_t len = strlen(p->text);
    /* An exactly sized copy without a terminator: the parser must honour len. */
    char *exact = xmalloc(len);
    memcpy(exact, p->text, len);
    p->feed = feed_parse(exact, len, opts, &p->report, p->err, sizeof p->err);
    free(exact);
    if (p->feed)
        check_feed_clean(p->feed);
    check_report_clean(&p->report);
}

static void parse_doc(const cJSON *doc, struct parsed *p)
{
    parse_doc_opts(doc, NULL, p);
}

static void parsed_clear(struct parsed *p)
{
    feed_destroy(p->feed);
    feed_report_clear(&p->report);
    cJSON_free(p->text);
    memset(p, 0, sizeof *p);
}

static const struct item_verdict *verdict_of(const struct feed_report *r, const char *id)
{
    for (size_t i = 0; i < r->n; i++) {
        if (strcmp(r->v[i].id, id) == 0)
            return &r->v[i];
    }
    fail_msg("no verdict for \"%s\"", id);
    return NULL;
}

/* Asserts that the item id is not in the feed, that its verdict has reason r with a detail,
 * and that nothing of it reaches the serialised feed (the last-good cache). */
static void assert_hidden(const struct parsed *p, const char *id, enum item_reason r)
{
    assert_non_null(p->feed);
    assert_null(feed_find(p->feed, id));
    const struct item_verdict *v = verdict_of(&p->report, id);
    if (v->reason != r)
        fail_msg("%s: reason \"%s\" (%s), want \"%s\"", id, item_reason_name(v->reason),
                 v->detail ? v->detail : "", item_reason_name(r));
    assert_non_null(v->detail);
    assert_true(*v->detail);
    char *out = feed_serialize(p->feed);
    if (strstr(out, MARKER))
        fail_msg("%s: hidden content in the serialised feed", id);
    char quoted[200];
    snprintf(quoted, sizeof quoted, "\"%s\"", id);
    assert_null(strstr(out, quoted));
    free(out);
}

static void assert_shown(const struct parsed *p, const char *id)
{
    assert_non_null(p->feed);
    const struct item_verdict *v = verdict_of(&p->report, id);
    if (v->reason != REASON_SHOWN)
        fail_msg("%s: hidden as \"%s\" (%s)", id, item_reason_name(v->reason),
                 v->detail ? v->detail : "");
    assert_non_null(feed_find(p->feed, id));
}

/* Puts MARKER into every text of an item, so that a leak of any field is found. */
static void mark_item(cJSON *o)
{
    set_str(o, "title", MARKER " title");
    set_str(o, "body", MARKER " body");
    set_str(o, "message", MARKER " message");
    set_str(o, "url", "https://example.com/" MARKER);
    cJSON *g = cJSON_GetObjectItemCaseSensitive(o, "group");
    if (cJSON_IsObject(g))
        set_str(g, "name", MARKER " group");
}

/* ---- the tests ---- */

static void test_minimal_items_kept(void **state)
{
    (void)state;
    cJSON *doc = mk_feed();
    add_item(doc, mk_item("p-1", "post"));
    add_item(doc, mk_item("i-1", "introduction"));
    add_item(doc, mk_item("s-1", "shoutout"));
    add_item(doc, mk_item("h-1", "help_request"));
    struct parsed p;
    parse_doc(doc, &p);
    assert_non_null(p.feed);
    assert_int_equal(p.feed->version, 1);
    assert_int_equal(p.feed->n_items, 4);
    assert_int_equal(p.report.n, 4);
    assert_true(p.feed->generated_at == TIME_NONE);
    assert_int_equal(p.feed->refresh_after_s, 0);
    assert_null(p.feed->community.name);
    for (size_t i = 0; i < 4; i++) {
        const struct item *it = &p.feed->items[i];
        assert_int_equal(p.report.v[i].reason, REASON_SHOWN);
        assert_null(p.report.v[i].detail);
        assert_string_equal(p.report.v[i].type, item_type_name(it->type));
        assert_string_equal(it->group.name, "Open group");
        assert_true(it->published_at == INT64_C(1795420800));
        assert_true(it->show_from == TIME_NONE && it->expires_at == TIME_NONE);
        assert_int_equal(it->likes, -1);
        assert_int_equal(it->comments, -1);
        assert_null(it->url);
    }
    const struct item *it = feed_find(p.feed, "p-1");
    assert_int_equal(it->type, ITEM_POST);
    assert_string_equal(it->author.name, "Anna");
    assert_string_equal(it->title, "Hello");
    assert_true(it->highlighted);
    it = feed_find(p.feed, "i-1");
    assert_int_equal(it->type, ITEM_INTRODUCTION);
    assert_string_equal(it->person.name, "Bram");
    assert_true(it->person.start_date == TIME_NONE);
    it = feed_find(p.feed, "s-1");
    assert_int_equal(it->type, ITEM_SHOUTOUT);
    assert_string_equal(it->from.name, "Cees");
    assert_int_equal(it->n_to, 1);
    assert_string_equal(it->to[0].name, "Dirk");
    assert_string_equal(it->message, "Thanks!");
    it = feed_find(p.feed, "h-1");
    assert_int_equal(it->type, ITEM_HELP_REQUEST);
    assert_int_equal(it->kind, HELP_ASK);
    assert_string_equal(it->title, "Who knows SQL?");
    assert_true(it->until == TIME_NONE);
    parsed_clear(&p);
    cJSON_Delete(doc);
}

static void test_required_fields(void **state)
{
    (void)state;
    static const struct {
        const char *type, *drop;
    } cases[] = {
        {"post", "author"},       {"introduction", "person"}, {"shoutout", "from"},
        {"shoutout", "to"},       {"shoutout", "message"},    {"help_request", "author"},
        {"help_request", "kind"}, {"help_request", "title"},  {"post", "published_at"},
        {"post", "type"},         {"post", "title"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        cJSON *doc = mk_feed();
        add_item(doc, mk_item("ok", "post"));
        cJSON *o = add_item(doc, mk_item("x", cases[i].type));
        cJSON_DeleteItemFromObjectCaseSensitive(o, cases[i].drop);
        struct parsed p;
        parse_doc(doc, &p);
        assert_shown(&p, "ok");
        assert_hidden(&p, "x", REASON_INVALID);
        parsed_clear(&p);
        cJSON_Delete(doc);
    }
    /* Other malformed values, each on its own. */
    static const struct {
        const char *type, *field, *value;
    } bad[] = {
        {"post", "published_at", "\"yesterday\""},
        {"post", "published_at", "1795420800"},
        {"post", "show_from", "\"2026-02-30\""},
        {"post", "expires_at", "true"},
        {"post", "author", "\"Anna\""},
        {"post", "author", "{\"name\": \"\"}"},
        {"post", "author", "{\"name\": \"\\u200b\"}"},
        {"post", "author", "{\"name\": 7}"},
        {"shoutout", "to", "[]"},
        {"shoutout", "to", "{\"name\": \"Dirk\"}"},
        {"shoutout", "to", "[\"Dirk\"]"},
        {"help_request", "kind", "\"Ask\""},
        {"help_request", "until", "\"soon\""},
        {"introduction", "person", "{\"name\": \"Bram\", \"start_date\": \"2026-13-01\"}"},
    };
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        cJSON *doc = mk_feed();
        cJSON *o = add_item(doc, mk_item("x", bad[i].type));
        set_field(o, bad[i].field, json(bad[i].value));
        struct parsed p;
        parse_doc(doc, &p);
        if (p.report.n != 1 || p.report.v[0].reason != REASON_INVALID)
            fail_msg("%s.%s = %s was not refused", bad[i].type, bad[i].field, bad[i].value);
        assert_int_equal(p.feed->n_items, 0);
        parsed_clear(&p);
        cJSON_Delete(doc);
    }
    /* An item that is not an object. */
    cJSON *doc = mk_feed();
    cJSON_AddItemToArray(items_of(doc), cJSON_CreateString("p-1"));
    cJSON_AddItemToArray(items_of(doc), cJSON_CreateNull());
    struct parsed p;
    parse_doc(doc, &p);
    assert_int_equal(p.feed->n_items, 0);
    assert_int_equal(p.report.n, 2);
    assert_int_equal(p.report.v[0].reason, REASON_INVALID);
    assert_string_equal(p.report.v[0].id, "");
    parsed_clear(&p);
    cJSON_Delete(doc);
}

static void test_visibility_fails_closed(void **state)
{
    (void)state;
    /* NULL group text: no group at all; "-": a group without a visibility field. */
    static const struct {
        const char *group, *visibility;
        enum item_reason reason;
    } cases[] = {
        {"{}", "\"closed\"", REASON_GROUP_NOT_OPEN},
        {"{}", "\"private\"", REASON_GROUP_NOT_OPEN},
        {"{}", "\"secret\"", REASON_GROUP_NOT_OPEN},
        {"{}", "\"Open\"", REASON_GROUP_NOT_OPEN},
        {"{}", "\"OPEN\"", REASON_GROUP_NOT_OPEN},
        {"{}", "\" open\"", REASON_GROUP_NOT_OPEN},
        {"{}", "\"open \"", REASON_GROUP_NOT_OPEN},
        {"{}", "\"open\\n\"", REASON_GROUP_NOT_OPEN},
        {"{}", "\"\\u200bopen\"", REASON_GROUP_NOT_OPEN},
        {"{}", "\"ope\"", REASON_GROUP_NOT_OPEN},
        {"{}", "\"\"", REASON_GROUP_NOT_OPEN},
        {"{}", "1", REASON_GROUP_NOT_OPEN},
        {"{}", "0", REASON_GROUP_NOT_OPEN},
        {"{}", "true", REASON_GROUP_NOT_OPEN},
        {"{}", "null", REASON_GROUP_NOT_OPEN},
        {"{}", "[\"open\"]", REASON_GROUP_NOT_OPEN},
        {"{}", "{\"value\": \"open\"}", REASON_GROUP_NOT_OPEN},
        {"{}", "-", REASON_GROUP_NOT_OPEN},
        {"{\"Visibility\": \"open\"}", "-", REASON_GROUP_NOT_OPEN},
        {NULL, "-", REASON_NO_GROUP},
        {"\"open\"", "-", REASON_NO_GROUP},
        {"[{\"visibility\": \"open\"}]", "-", REASON_NO_GROUP},
        {"null", "-", REASON_NO_GROUP},
        {"1", "-", REASON_NO_GROUP},
        {"true", "-", REASON_NO_GROUP},
    };
    static const char *const types[] = {"post", "introduction", "shoutout", "help_request"};
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        for (size_t t = 0; t < ARRAY_LEN(types); t++) {
            cJSON *doc = mk_feed();
            add_item(doc, mk_item("open-1", types[t]));
            cJSON *o = add_item(doc, mk_item("hidden-1", types[t]));
            cJSON_DeleteItemFromObjectCaseSensitive(o, "group");
            if (cases[i].group) {
                cJSON *g = json(cases[i].group);
                if (cJSON_IsObject(g)) {
                    cJSON_AddStringToObject(g, "id", "g-" MARKER);
                    cJSON_AddStringToObject(g, "name", MARKER " group");
                    if (strcmp(cases[i].visibility, "-") != 0)
                        cJSON_AddItemToObject(g, "visibility", json(cases[i].visibility));
                }
                cJSON_AddItemToObject(o, "group", g);
            }
            mark_item(o);
            cJSON_ReplaceItemInObjectCaseSensitive(o,
                                                   strcmp(types[t], "introduction") == 0 ? "person"
                                                   : strcmp(types[t], "shoutout") == 0   ? "from"
                                                                                         : "author",
                                                   mk_person(MARKER " person"));
            struct parsed p;
            parse_doc(doc, &p);
            assert_int_equal(p.feed->n_items, 1);
            assert_shown(&p, "open-1");
            assert_hidden(&p, "hidden-1", cases[i].reason);
            parsed_clear(&p);
            cJSON_Delete(doc);
        }
    }
}

/* An escaped NUL could make "open\u0000closed" read as "open" through a C string. */
static void test_escaped_nul_refused(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "{\"version\": 1, \"items\": [{\"id\": \"x\", \"type\": \"post\", \"group\": "
        "{\"visibility\": \"open\\u0000closed\"}, \"published_at\": \"2026-11-23\", "
        "\"author\": {\"name\": \"A\"}, \"title\": \"t\", \"highlighted\": true}]}",
        "{\"version\": 1, \"items\": [], \"note\": \"\\u0000\"}",
    };
    for (size_t i = 0; i < ARRAY_LEN(docs); i++) {
        char err[300] = "";
        struct feed_report r = {0};
        struct feed *f = feed_parse(docs[i], strlen(docs[i]), NULL, &r, err, sizeof err);
        assert_null(f);
        assert_int_equal(r.n, 0);
        assert_true(*err && !strchr(err, '\n'));
    }
    /* An escaped backslash followed by "u0000" is ordinary text. */
    static const char ok[] = "{\"version\": 1, \"items\": [], \"note\": \"\\\\u0000\"}";
    char err[300] = "";
    struct feed *f = feed_parse(ok, strlen(ok), NULL, NULL, err, sizeof err);
    assert_non_null(f);
    feed_destroy(f);
}

/* Sets person (or recipient idx of to) of item o to have on_screen = value. */
static void opt_out_at(cJSON *o, const char *where, int n_to, int idx, const char *value)
{
    if (n_to > 0) {
        cJSON *to = cJSON_CreateArray();
        for (int k = 0; k < n_to; k++) {
            char name[40];
            snprintf(name, sizeof name, "Recipient %d", k + 1);
            cJSON *person = mk_person(name);
            if (k == idx)
                cJSON_AddItemToObject(person, "on_screen", json(value));
            cJSON_AddItemToArray(to, person);
        }
        set_field(o, "to", to);
        return;
    }
    cJSON *person = mk_person(MARKER " person");
    cJSON_AddItemToObject(person, "on_screen", json(value));
    set_field(o, where, person);
}

static void test_opted_out(void **state)
{
    (void)state;
    static const char *const values[] = {"false", "\"false\"", "0",  "null",     "\"no\"",
                                         "\"\"",  "{}",        "[]", "\"true\"", "1"};
    static const struct {
        const char *type, *where;
        int n_to, idx;
    } places[] = {
        {"post", "author", 0, 0},         {"help_request", "author", 0, 0},
        {"introduction", "person", 0, 0}, {"shoutout", "from", 0, 0},
        {"shoutout", "to", 1, 0},         {"shoutout", "to", 3, 1},
        {"shoutout", "to", 20, 19},       {"shoutout", "to", 21, 20},
        {"shoutout", "to", 25, 24},
    };
    for (size_t v = 0; v < ARRAY_LEN(values); v++) {
        for (size_t k = 0; k < ARRAY_LEN(places); k++) {
            cJSON *doc = mk_feed();
            add_item(doc, mk_item("ok", places[k].type));
            cJSON *o = add_item(doc, mk_item("gone", places[k].type));
            mark_item(o);
            opt_out_at(o, places[k].where, places[k].n_to, places[k].idx, values[v]);
            struct parsed p;
            parse_doc(doc, &p);
            assert_shown(&p, "ok");
            assert_hidden(&p, "gone", REASON_OPTED_OUT);
            assert_string_equal(item_reason_name(REASON_OPTED_OUT), "opted out");
            parsed_clear(&p);
            cJSON_Delete(doc);
        }
    }
    /* on_screen true, or absent, is a yes. */
    for (size_t k = 0; k < ARRAY_LEN(places); k++) {
        cJSON *doc = mk_feed();
        cJSON *o = add_item(doc, mk_item("here", places[k].type));
        opt_out_at(o, places[k].where, places[k].n_to, places[k].idx, "true");
        struct parsed p;
        parse_doc(doc, &p);
        assert_shown(&p, "here");
        const struct item *it = feed_find(p.feed, "here");
        if (places[k].n_to)
            assert_int_equal(it->n_to, places[k].n_to > 20 ? 20 : places[k].n_to);
        parsed_clear(&p);
        cJSON_Delete(doc);
    }
}

static void test_highlighted(void **state)
{
    (void)state;
    static const char *const not_highlighted[] = {NULL, "false", "\"true\"", "1", "null"};
    for (size_t i = 0; i < ARRAY_LEN(not_highlighted); i++) {
        cJSON *doc = mk_feed();
        add_item(doc, mk_item("hl", "post"));
        cJSON *o = add_item(doc, mk_item("plain", "post"));
        mark_item(o);
        cJSON_DeleteItemFromObjectCaseSensitive(o, "highlighted");
        if (not_highlighted[i])
            cJSON_AddItemToObject(o, "highlighted", json(not_highlighted[i]));
        struct parsed p;
        parse_doc(doc, &p);
        assert_shown(&p, "hl");
        assert_hidden(&p, "plain", REASON_NOT_HIGHLIGHTED);
        parsed_clear(&p);

        struct feed_parse_opts opts = {.show_all_posts = true};
        parse_doc_opts(doc, &opts, &p);
        assert_shown(&p, "hl");
        assert_shown(&p, "plain");
        assert_false(feed_find(p.feed, "plain")->highlighted);
        assert_true(feed_find(p.feed, "hl")->highlighted);
        parsed_clear(&p);
        cJSON_Delete(doc);
    }
    /* Only posts are subject to the highlight rule. */
    cJSON *doc = mk_feed();
    add_item(doc, mk_item("i", "introduction"));
    add_item(doc, mk_item("s", "shoutout"));
    add_item(doc, mk_item("h", "help_request"));
    struct parsed p;
    parse_doc(doc, &p);
    assert_int_equal(p.feed->n_items, 3);
    parsed_clear(&p);
    cJSON_Delete(doc);
}

static void test_unknown_type(void **state)
{
    (void)state;
    static const char *const types[] = {"poll", "Post", "post ", "event", "shout-out"};
    for (size_t i = 0; i < ARRAY_LEN(types); i++) {
        cJSON *doc = mk_feed();
        add_item(doc, mk_item("p", "post"));
        cJSON *o = add_item(doc, mk_item("u", "post"));
        set_str(o, "type", types[i]);
        struct parsed p;
        parse_doc(doc, &p);
        assert_shown(&p, "p");
        assert_hidden(&p, "u", REASON_UNKNOWN_TYPE);
        assert_string_equal(item_reason_name(REASON_UNKNOWN_TYPE), "unknown type");
        assert_non_null(strstr(verdict_of(&p.report, "u")->detail, "unknown type"));
        parsed_clear(&p);
        cJSON_Delete(doc);
    }
    /* A type that is not a string is invalid, not unknown. */
    cJSON *doc = mk_feed();
    cJSON *o = add_item(doc, mk_item("n", "post"));
    set_field(o, "type", cJSON_CreateNumber(1));
    struct parsed p;
    parse_doc(doc, &p);
    assert_hidden(&p, "n", REASON_INVALID);
    parsed_clear(&p);
    cJSON_Delete(doc);
}

static void test_ids(void **state)
{
    (void)state;
    static const char *const bad_ids[] = {"42",          "4.2",     "null",
                                          "true",        "\"\"",    "\"   \"",
                                          "\"\\u200b\"", "[\"a\"]", "{\"id\": \"a\"}"};
    for (size_t i = 0; i < ARRAY_LEN(bad_ids); i++) {
        cJSON *doc = mk_feed();
        cJSON *o = add_item(doc, mk_item("x", "post"));
        mark_item(o);
        set_field(o, "id", json(bad_ids[i]));
        struct parsed p;
        parse_doc(doc, &p);
        assert_int_equal(p.feed->n_items, 0);
        assert_int_equal(p.report.n, 1);
        assert_int_equal(p.report.v[0].reason, REASON_INVALID);
        assert_string_equal(p.report.v[0].id, "");
        assert_non_null(p.report.v[0].detail);
        char *out = feed_serialize(p.feed);
        assert_null(strstr(out, MARKER));
        free(out);
        parsed_clear(&p);
        cJSON_Delete(doc);
    }
    /* No id at all. */
    cJSON *doc = mk_feed();
    cJSON *o = add_item(doc, mk_item("x", "post"));
    cJSON_DeleteItemFromObjectCaseSensitive(o, "id");
    struct parsed p;
    parse_doc(doc, &p);
    assert_int_equal(p.feed->n_items, 0);
    assert_int_equal(p.report.v[0].reason, REASON_INVALID);
    parsed_clear(&p);
    cJSON_Delete(doc);

    /* 128 bytes is an id, 129 is not. */
    char id[FEED_MAX_ID + 2];
    memset(id, 'i', sizeof id);
    id[FEED_MAX_ID] = '\0';
    doc = mk_feed();
    add_item(doc, mk_item(id, "post"));
    id[FEED_MAX_ID] = 'j';
    id[FEED_MAX_ID + 1] = '\0';
    add_item(doc, mk_item(id, "post"));
    parse_doc(doc, &p);
    assert_int_equal(p.feed->n_items, 1);
    assert_int_equal(strlen(p.feed->items[0].id), FEED_MAX_ID);
    assert_int_equal(p.report.v[1].reason, REASON_INVALID);
    parsed_clear(&p);
    cJSON_Delete(doc);
}

static void test_duplicate_id(void **state)
{
    (void)state;
    cJSON *doc = mk_feed();
    cJSON *first = add_item(doc, mk_item("same", "post"));
    set_str(first, "title", "first");
    cJSON *second = add_item(doc, mk_item("same", "shoutout"));
    mark_item(second);
    add_item(doc, mk_item("other", "post"));
    struct parsed p;
    parse_doc(doc, &p);
    assert_int_equal(p.feed->n_items, 2);
    assert_int_equal(p.report.n, 3);
    assert_int_equal(p.report.v[0].reason, REASON_SHOWN);
    assert_int_equal(p.report.v[1].reason, REASON_DUPLICATE_ID);
    assert_non_null(p.report.v[1].detail);
    assert_int_equal(p.report.v[2].reason, REASON_SHOWN);
    assert_string_equal(feed_find(p.feed, "same")->title, "first");
    char *out = feed_serialize(p.feed);
    assert_null(strstr(out, MARKER));
    free(out);
    parsed_clear(&p);
    cJSON_Delete(doc);
}

static void test_too_many_items(void **state)
{
    (void)state;
    cJSON *doc = mk_feed();
    char id[32];
    /* A hidden item first: only kept items count towards the limit. */
    add_item(doc, mk_item("invalid", "nothing"));
    for (int i = 0; i < FEED_MAX_ITEMS + 5; i++) {
        snprintf(id, sizeof id, "p-%d", i);
        add_item(doc, mk_item(id, "post"));
    }
    struct parsed p;
    parse_doc(doc, &p);
    assert_int_equal(p.feed->n_items, FEED_MAX_ITEMS);
    assert_int_equal(p.report.n, FEED_MAX_ITEMS + 6);
    assert_string_equal(p.feed->items[FEED_MAX_ITEMS - 1].id, "p-499");
    for (size_t i = FEED_MAX_ITEMS + 1; i < p.report.n; i++) {
        assert_int_equal(p.report.v[i].reason, REASON_TOO_MANY);
        assert_non_null(strstr(item_reason_name(p.report.v[i].reason), "too many"));
        assert_non_null(p.report.v[i].detail);
    }
    assert_null(feed_find(p.feed, "p-500"));
    parsed_clear(&p);
    cJSON_Delete(doc);
}

/* A string of n bytes made of unit repeated (unit must divide n). */
static char *repeat(const char *unit, size_t n)
{
    size_t u = strlen(unit);
    char *s = xmalloc(n + 1);
    for (size_t i = 0; i + u <= n; i += u)
        memcpy(s + i, unit, u);
    s[n] = '\0';
    return s;
}

/* The value of field name (a path such as "author.name") of item it. */
static const char *field_of(const struct item *it, const char *name)
{
    if (strcmp(name, "author.name") == 0)
        return it->author.name;
    if (strcmp(name, "author.role") == 0)
        return it->author.role;
    if (strcmp(name, "author.team") == 0)
        return it->author.team;
    if (strcmp(name, "title") == 0)
        return it->title;
    if (strcmp(name, "body") == 0)
        return it->body;
    if (strcmp(name, "message") == 0)
        return it->message;
    if (strcmp(name, "badge") == 0)
        return it->badge;
    if (strcmp(name, "tags.0") == 0)
        return it->n_tags ? it->tags[0] : NULL;
    if (strcmp(name, "group.name") == 0)
        return it->group.name;
    fail_msg("no field %s", name);
    return NULL;
}

static void put_at(cJSON *o, const char *name, const char *value)
{
    if (strncmp(name, "author.", 7) == 0) {
        set_str(cJSON_GetObjectItemCaseSensitive(o, "author"), name + 7, value);
    } else if (strcmp(name, "group.name") == 0) {
        set_str(cJSON_GetObjectItemCaseSensitive(o, "group"), "name", value);
    } else if (strcmp(name, "tags.0") == 0) {
        cJSON *tags = cJSON_CreateArray();
        cJSON_AddItemToArray(tags, cJSON_CreateString(value));
        set_field(o, "tags", tags);
    } else {
        set_str(o, name, value);
    }
}

static void test_text_bounds(void **state)
{
    (void)state;
    static const struct {
        const char *type, *field;
        size_t max;
    } bounds[] = {
        {"post", "author.name", FEED_MAX_NAME},    {"post", "author.role", FEED_MAX_NAME},
        {"post", "author.team", FEED_MAX_NAME},    {"post", "title", FEED_MAX_TITLE},
        {"post", "body", FEED_MAX_BODY},           {"post", "group.name", FEED_MAX_NAME},
        {"shoutout", "message", FEED_MAX_MESSAGE}, {"shoutout", "badge", FEED_MAX_BADGE},
        {"help_request", "title", FEED_MAX_TITLE}, {"help_request", "body", FEED_MAX_BODY},
        {"help_request", "tags.0", FEED_MAX_TAG},
    };
    /* 1, 2, 3 and 4 byte characters: the cut never splits one. */
    static const char *const units[] = {"x", "\xC3\xA9", "\xE2\x98\x95", "\xF0\x9F\x98\x80"};
    for (size_t b = 0; b < ARRAY_LEN(bounds); b++) {
        for (size_t u = 0; u < ARRAY_LEN(units); u++) {
            size_t ul = strlen(units[u]);
            size_t fit = bounds[b].max / ul * ul; /* the longest text of whole units that fits */
            char *exact = repeat(units[u], fit);
            char *over = repeat(units[u], (bounds[b].max + 100) / ul * ul);
            cJSON *doc = mk_feed();
            put_at(add_item(doc, mk_item("exact", bounds[b].type)), bounds[b].field, exact);
            put_at(add_item(doc, mk_item("over", bounds[b].type)), bounds[b].field, over);
            struct parsed p;
            parse_doc(doc, &p);
            assert_int_equal(p.feed->n_items, 2);
            const char *got = field_of(feed_find(p.feed, "exact"), bounds[b].field);
            assert_non_null(got);
            assert_string_equal(got, exact);
            got = field_of(feed_find(p.feed, "over"), bounds[b].field);
            assert_non_null(got);
            size_t n = strlen(got);
            if (n > bounds[b].max || n < bounds[b].max - 3 - ul + 1)
                fail_msg("%s: %zu bytes for a bound of %zu", bounds[b].field, n, bounds[b].max);
            assert_memory_equal(got + n - 3, ELLIPSIS, 3);
            assert_memory_equal(got, over, n - 3);
            parsed_clear(&p);
            cJSON_Delete(doc);
            free(exact);
            free(over);
        }
    }
}

static void test_count_bounds(void **state)
{
    (void)state;
    cJSON *doc = mk_feed();
    cJSON *h = add_item(doc, mk_item("h", "help_request"));
    cJSON *tags = cJSON_CreateArray();
    cJSON_AddItemToArray(tags, cJSON_CreateNumber(5));              /* not a string: skipped */
    cJSON_AddItemToArray(tags, cJSON_CreateString("\xE2\x80\x8B")); /* empty once clean */
    for (int i = 0; i < FEED_MAX_TAGS + 8; i++) {
        char t[16];
        snprintf(t, sizeof t, "tag%d", i);
        cJSON_AddItemToArray(tags, cJSON_CreateString(t));
    }
    set_field(h, "tags", tags);
    cJSON *s = add_item(doc, mk_item("s", "shoutout"));
    cJSON *to = cJSON_CreateArray();
    for (int i = 0; i < FEED_MAX_RECIPIENTS + 30; i++) {
        char name[16];
        snprintf(name, sizeof name, "R%d", i);
        cJSON_AddItemToArray(to, mk_person(name));
    }
    set_field(s, "to", to);
    cJSON *removed = cJSON_AddArrayToObject(doc, "removed");
    for (int i = 0; i < FEED_MAX_REMOVED + 50; i++) {
        char id[16];
        snprintf(id, sizeof id, "r-%d", i);
        cJSON_AddItemToArray(removed, cJSON_CreateString(id));
    }
    struct parsed p;
    parse_doc(doc, &p);
    const struct item *it = feed_find(p.feed, "h");
    assert_int_equal(it->n_tags, FEED_MAX_TAGS);
    assert_string_equal(it->tags[0], "tag0");
    assert_string_equal(it->tags[FEED_MAX_TAGS - 1], "tag11");
    it = feed_find(p.feed, "s");
    assert_int_equal(it->n_to, FEED_MAX_RECIPIENTS);
    assert_string_equal(it->to[FEED_MAX_RECIPIENTS - 1].name, "R19");
    assert_int_equal(p.feed->n_removed, FEED_MAX_REMOVED);
    parsed_clear(&p);
    cJSON_Delete(doc);

    /* URLs: 2048 bytes are kept, 2049 are absent; the item stays either way. */
    char *url = repeat("a", FEED_MAX_URL + 1);
    memcpy(url, "https://example.com/", 20);
    doc = mk_feed();
    cJSON *o = add_item(doc, mk_item("long", "post"));
    set_str(o, "url", url);
    url[FEED_MAX_URL] = '\0';
    o = add_item(doc, mk_item("fits", "post"));
    set_str(o, "url", url);
    o = add_item(doc, mk_item("space", "post"));
    set_str(o, "url", "https://example.com/a b");
    o = add_item(doc, mk_item("ctrl", "post"));
    set_str(o, "url", "https://example.com/\n");
    o = add_item(doc, mk_item("utf8", "post"));
    set_str(o, "url", "https://example.com/\xC3\xA9");
    parse_doc(doc, &p);
    assert_int_equal(p.feed->n_items, 5);
    assert_null(feed_find(p.feed, "long")->url);
    assert_string_equal(feed_find(p.feed, "fits")->url, url);
    assert_null(feed_find(p.feed, "space")->url);
    assert_null(feed_find(p.feed, "ctrl")->url);
    assert_null(feed_find(p.feed, "utf8")->url);
    parsed_clear(&p);
    cJSON_Delete(doc);
    free(url);
}

/* Documents that must be refused whole: NULL, one line of error, no verdicts. */
static void expect_unusable_opts(const char *buf, size_t len, const struct feed_parse_opts *opts,
                                 const char *want)
{
    struct feed_report r = {.n = 99};
    char err[300];
    memset(err, 'x', sizeof err);
    err[sizeof err - 1] = '\0';
    char *exact = NULL;
    if (buf) {
        exact = xmalloc(len ? len : 1);
        memcpy(exact, buf, len);
    }
    struct feed *f = feed_parse(exact, len, opts, &r, err, sizeof err);
    if (f)
        fail_msg("a feed from \"%.*s\"", (int)(len < 80 ? len : 80), buf ? buf : "");
    assert_int_equal(r.n, 0);
    assert_null(r.v);
    assert_true(strlen(err) > 0 && strlen(err) < sizeof err - 1);
    assert_null(strchr(err, '\n'));
    assert_null(strchr(err, '\r'));
    if (!strstr(err, want))
        fail_msg("error \"%s\" does not mention \"%s\"", err, want);
    /* Without a report and without room for the error, it is still refused. */
    assert_null(feed_parse(exact, len, opts, NULL, NULL, 0));
    char tiny[8];
    assert_null(feed_parse(exact, len, opts, NULL, tiny, sizeof tiny));
    assert_true(strlen(tiny) < sizeof tiny);
    free(exact);
}

#define UNUSABLE(lit, want) expect_unusable_opts(lit, sizeof(lit) - 1, NULL, want)

static void test_unusable_documents(void **state)
{
    (void)state;
    UNUSABLE("{\"version\": 2, \"items\": []}", "version 2");
    UNUSABLE("{\"version\": 0, \"items\": []}", "version");
    UNUSABLE("{\"version\": -1, \"items\": []}", "version");
    UNUSABLE("{\"version\": 1e400, \"items\": []}", "version");
    UNUSABLE("{\"version\": \"1\", \"items\": []}", "version");
    UNUSABLE("{\"version\": null, \"items\": []}", "version");
    UNUSABLE("{\"items\": []}", "version");
    UNUSABLE("{\"Version\": 1, \"items\": []}", "version");
    UNUSABLE("{\"version\": 1}", "items");
    UNUSABLE("{\"version\": 1, \"items\": {}}", "items");
    UNUSABLE("{\"version\": 1, \"items\": null}", "items");
    UNUSABLE("{\"version\": 1, \"items\": \"[]\"}", "items");
    UNUSABLE("[{\"version\": 1, \"items\": []}]", "not a JSON object");
    UNUSABLE("\"feed\"", "not a JSON object");
    UNUSABLE("1", "not a JSON object");
    UNUSABLE("null", "not a JSON object");
    UNUSABLE("", "empty");
    expect_unusable_opts(NULL, 0, NULL, "empty");
    expect_unusable_opts(NULL, 10, NULL, "empty");
    UNUSABLE("   \n\t ", "JSON");
    UNUSABLE("{", "JSON");
    UNUSABLE("{\"version\": 1, \"items\": [}", "JSON");
    UNUSABLE("{\"version\": 1, \"items\": [],}", "JSON");
    UNUSABLE("{'version': 1, 'items': []}", "JSON");
    UNUSABLE("\xFF\xFE{\0\"\0v\0\"\0:\0 \0001\0}\0", "UTF-16");
    UNUSABLE("\xFE\xFF\0{\0\"\0v\0\"\0:\0 \0001\0}", "UTF-16");
    UNUSABLE("{\"version\": 1, \"items\": []} x", "after the document");
    UNUSABLE("{\"version\": 1, \"items\": []}{}", "after the document");
    UNUSABLE("{\"version\": 1, \"items\": []}\n\n}", "line 3");
    UNUSABLE("{\"version\": 1, \"items\": []}\0", "JSON");
    UNUSABLE("{\"version\": 1, \"items\": [], \"x\": \"a\0b\"}", "NUL");
    UNUSABLE("{\"version\": 1,\0 \"items\": []}", "JSON");
    UNUSABLE("\0{\"version\": 1, \"items\": []}", "JSON");
    UNUSABLE("\xEF\xBB\xBF", "JSON");

    /* Nesting deeper than the JSON parser allows. */
    size_t depth = 5000;
    char *deep = xmalloc(2 * depth + 1);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    expect_unusable_opts(deep, 2 * depth, NULL, "JSON");
    free(deep);

    /* Larger than the configured limit: refused before it is parsed. */
    static const char small[] = "{\"version\": 1, \"items\": []}";
    struct feed_parse_opts opts = {.max_bytes = 10};
    expect_unusable_opts(small, sizeof small - 1, &opts, "over the limit");
    opts.max_bytes = sizeof small - 1;
    struct feed *f = feed_parse(small, sizeof small - 1, &opts, NULL, NULL, 0);
    assert_non_null(f);
    feed_destroy(f);
}

static void test_utf8_bom_accepted(void **state)
{
    (void)state;
    static const char doc[] = "\xEF\xBB\xBF{\"version\": 1, \"items\": [], "
                              "\"community\": {\"name\": \"Bom\"}}";
    char err[300] = "";
    struct feed *f = feed_parse(doc, sizeof doc - 1, NULL, NULL, err, sizeof err);
    assert_non_null(f);
    assert_string_equal(f->community.name, "Bom");
    feed_destroy(f);
}

static void test_feed_header(void **state)
{
    (void)state;
    cJSON *doc =
        json("{\"version\": 1.0, \"items\": [], \"generated_at\": \"2026-11-23T09:00:00+01:00\","
             " \"refresh_after_s\": 300, \"unknown\": {\"deep\": [1, 2]},"
             " \"community\": {\"name\": \"  De Werkplaats  \", \"url\": \"https://c.example\","
             " \"logo_url\": \"logo.png\"}, \"removed\": [\"a\", 5, \"\", \"b\"]}");
    struct parsed p;
    parse_doc(doc, &p);
    assert_non_null(p.feed);
    assert_true(p.feed->generated_at == INT64_C(1795420800));
    assert_int_equal(p.feed->refresh_after_s, 300);
    assert_string_equal(p.feed->community.name, "De Werkplaats");
    assert_string_equal(p.feed->community.url, "https://c.example");
    assert_string_equal(p.feed->community.logo_url, "logo.png");
    assert_int_equal(p.feed->n_removed, 2);
    assert_string_equal(p.feed->removed[1], "b");
    parsed_clear(&p);
    cJSON_Delete(doc);
    /* Out-of-range hints are ignored, not trusted. */
    static const char *const refresh[] = {"0", "-5", "86401", "1e300", "\"60\""};
    for (size_t i = 0; i < ARRAY_LEN(refresh); i++) {
        doc = mk_feed();
        cJSON_AddItemToObject(doc, "refresh_after_s", json(refresh[i]));
        parse_doc(doc, &p);
        assert_int_equal(p.feed->refresh_after_s, 0);
        parsed_clear(&p);
        cJSON_Delete(doc);
    }
}

/* ---- round trip through feed_serialize ---- */

static void assert_str_same(const char *a, const char *b, const char *what)
{
    if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
        fail_msg("%s differs: \"%s\" vs \"%s\"", what, a ? a : "(null)", b ? b : "(null)");
}

static void assert_person_same(const struct person *a, const struct person *b)
{
    assert_str_same(a->id, b->id, "person.id");
    assert_str_same(a->name, b->name, "person.name");
    assert_str_same(a->role, b->role, "person.role");
    assert_str_same(a->team, b->team, "person.team");
    assert_str_same(a->avatar_url, b->avatar_url, "person.avatar_url");
    assert_true(a->start_date == b->start_date);
}

static void assert_feed_same(const struct feed *a, const struct feed *b)
{
    assert_int_equal(a->version, b->version);
    assert_true(a->generated_at == b->generated_at);
    assert_int_equal(a->refresh_after_s, b->refresh_after_s);
    assert_str_same(a->community.name, b->community.name, "community.name");
    assert_str_same(a->community.url, b->community.url, "community.url");
    assert_str_same(a->community.logo_url, b->community.logo_url, "community.logo_url");
    assert_int_equal(a->n_items, b->n_items);
    for (size_t i = 0; i < a->n_items; i++) {
        const struct item *x = &a->items[i], *y = &b->items[i];
        assert_str_same(x->id, y->id, "id");
        assert_int_equal(x->type, y->type);
        assert_str_same(x->group.id, y->group.id, "group.id");
        assert_str_same(x->group.name, y->group.name, "group.name");
        assert_true(x->published_at == y->published_at);
        assert_true(x->show_from == y->show_from);
        assert_true(x->expires_at == y->expires_at);
        assert_str_same(x->url, y->url, "url");
        assert_int_equal(x->likes, y->likes);
        assert_int_equal(x->comments, y->comments);
        assert_person_same(&x->author, &y->author);
        assert_person_same(&x->person, &y->person);
        assert_person_same(&x->from, &y->from);
        assert_int_equal(x->n_to, y->n_to);
        for (size_t k = 0; k < x->n_to; k++)
            assert_person_same(&x->to[k], &y->to[k]);
        assert_str_same(x->title, y->title, "title");
        assert_str_same(x->body, y->body, "body");
        assert_str_same(x->message, y->message, "message");
        assert_str_same(x->badge, y->badge, "badge");
        assert_str_same(x->image_url, y->image_url, "image_url");
        assert_str_same(x->video_url, y->video_url, "video_url");
        assert_int_equal(x->highlighted, y->highlighted);
        assert_int_equal(x->kind, y->kind);
        assert_int_equal(x->n_tags, y->n_tags);
        for (size_t k = 0; k < x->n_tags; k++)
            assert_str_same(x->tags[k], y->tags[k], "tag");
        assert_true(x->until == y->until);
    }
    assert_int_equal(a->n_removed, b->n_removed);
    for (size_t i = 0; i < a->n_removed; i++)
        assert_str_same(a->removed[i], b->removed[i], "removed");
}

/* Serialises f, parses the result with opts and checks the two models are equal. Returns the
 * serialised text (the caller frees). */
static char *round_trip(const struct feed *f, const struct feed_parse_opts *opts)
{
    char *text = feed_serialize(f);
    assert_non_null(text);
    char err[300] = "";
    struct feed_report r;
    struct feed *g = feed_parse(text, strlen(text), opts, &r, err, sizeof err);
    if (!g)
        fail_msg("the serialised feed is unusable: %s", err);
    for (size_t i = 0; i < r.n; i++) {
        if (r.v[i].reason != REASON_SHOWN)
            fail_msg("item %s lost in the round trip: %s", r.v[i].id, r.v[i].detail);
    }
    assert_feed_same(f, g);
    feed_report_clear(&r);
    feed_destroy(g);
    return text;
}

static const char rich_feed[] =
    "{\"version\": 1, \"generated_at\": \"2026-11-26T08:00:00Z\", \"refresh_after_s\": 120,"
    " \"community\": {\"name\": \"De Werkplaats \xC2\xB7 Utrecht\", \"url\": \"https://c.example\","
    "   \"logo_url\": \"https://c.example/logo.png\"},"
    " \"removed\": [\"p-0998\", \"p-0999\"],"
    " \"items\": ["
    "  {\"id\": \"p-1\", \"type\": \"post\", \"group\": {\"id\": \"g1\", \"name\": \"Algemeen\", "
    "\"visibility\": \"open\"},"
    "   \"published_at\": \"2026-11-23T07:30:00.250Z\", \"show_from\": \"2026-11-23\","
    "   \"expires_at\": \"2026-12-24T18:00:00+01:00\", \"url\": \"https://c.example/p/1\","
    "   \"reactions\": {\"likes\": 48, \"comments\": 0},"
    "   \"author\": {\"id\": \"u-1\", \"name\": \"\xC4\xB2sbrand\", \"role\": \"Directeur\", "
    "\"team\": \"Directie\","
    "     \"avatar_url\": \"https://c.example/a.jpg\", \"on_screen\": true},"
    "   \"title\": \"Update\", \"body\": \"Beste collega's,\\n\\n\\n\\nHet gaat goed.\\nEcht.\","
    "   \"image_url\": \"https://c.example/i.jpg\", \"highlighted\": true},"
    "  {\"id\": \"p-2\", \"type\": \"post\", \"group\": {\"visibility\": \"open\"},"
    "   \"published_at\": \"2026-11-23\", \"author\": {\"name\": \"Zo\xC3\xAB\"}, \"body\": \"Only "
    "a body\","
    "   \"reactions\": {\"likes\": 2.7, \"comments\": -3}},"
    "  {\"id\": \"p-secret\", \"type\": \"post\", \"group\": {\"name\": \"" MARKER
    "\", \"visibility\": \"closed\"},"
    "   \"published_at\": \"2026-11-23\", \"author\": {\"name\": \"" MARKER
    "\"}, \"title\": \"" MARKER "\","
    "   \"highlighted\": true},"
    "  {\"id\": \"i-1\", \"type\": \"introduction\", \"group\": {\"id\": \"g2\", \"name\": "
    "\"Nieuw\", \"visibility\": \"open\"},"
    "   \"published_at\": \"2026-11-20T10:00:00Z\","
    "   \"person\": {\"id\": \"u-9\", \"name\": \"Siobh\xC3\xA1n\", \"role\": \"Analyst\", "
    "\"team\": \"Data\","
    "     \"avatar_url\": \"https://c.example/s.jpg\", \"start_date\": \"2026-11-23\"},"
    "   \"body\": \"Hallo!\", \"image_url\": \"https://c.example/s-big.jpg\", \"video_url\": "
    "\"https://c.example/s.mp4\"},"
    "  {\"id\": \"i-gone\", \"type\": \"introduction\", \"group\": {\"visibility\": \"open\"},"
    "   \"published_at\": \"2026-11-20\", \"person\": {\"name\": \"" MARKER
    "\", \"on_screen\": false}, \"body\": \"" MARKER "\"},"
    "  {\"id\": \"s-1\", \"type\": \"shoutout\", \"group\": {\"visibility\": \"open\"},"
    "   \"published_at\": \"2026-11-21T00:00:00Z\", \"from\": {\"name\": \"Anna\"},"
    "   \"to\": [{\"name\": \"Bram\", \"team\": \"Ops\"}, {\"id\": \"u-3\", \"name\": \"Cees\", "
    "\"avatar_url\": \"https://c.example/c.jpg\"}],"
    "   \"message\": \"Dank!\\nJullie zijn top.\", \"badge\": \"teamwork\"},"
    "  {\"id\": \"s-gone\", \"type\": \"shoutout\", \"group\": {\"visibility\": \"open\"},"
    "   \"published_at\": \"2026-11-21\", \"from\": {\"name\": \"Anna\"},"
    "   \"to\": [{\"name\": \"Bram\"}, {\"name\": \"" MARKER
    "\", \"on_screen\": false}], \"message\": \"" MARKER "\"},"
    "  {\"id\": \"h-1\", \"type\": \"help_request\", \"group\": {\"visibility\": \"open\"},"
    "   \"published_at\": \"2026-11-22T12:00:00Z\", \"author\": {\"name\": \"Eva\"}, \"kind\": "
    "\"offer\","
    "   \"title\": \"Excel-hulp\", \"body\": \"Ik heb tijd.\", \"tags\": [\"excel\", \"data\"], "
    "\"until\": \"2026-12-31\"},"
    "  {\"id\": \"h-2\", \"type\": \"help_request\", \"group\": {\"visibility\": \"open\"},"
    "   \"published_at\": \"9999-12-31T23:59:59Z\", \"show_from\": \"0000-01-01T00:00:00Z\","
    "   \"author\": {\"name\": \"Olaf\"}, \"kind\": \"ask\", \"title\": \"Edge of time\", "
    "\"tags\": []}"
    " ]}";

static void test_round_trip(void **state)
{
    (void)state;
    struct feed_report r;
    char err[300] = "";
    struct feed *f = feed_parse(rich_feed, sizeof rich_feed - 1, NULL, &r, err, sizeof err);
    if (!f)
        fail_msg("rich feed unusable: %s", err);
    assert_int_equal(f->n_items, 5); /* p-2 is not highlighted */
    assert_int_equal(r.n, 9);
    assert_int_equal(verdict_of(&r, "p-2")->reason, REASON_NOT_HIGHLIGHTED);
    assert_int_equal(verdict_of(&r, "p-secret")->reason, REASON_GROUP_NOT_OPEN);
    assert_int_equal(verdict_of(&r, "i-gone")->reason, REASON_OPTED_OUT);
    assert_int_equal(verdict_of(&r, "s-gone")->reason, REASON_OPTED_OUT);
    const struct item *it = feed_find(f, "p-1");
    assert_string_equal(it->body, "Beste collega's,\n\nHet gaat goed.\nEcht.");
    assert_int_equal(it->likes, 48);
    assert_int_equal(it->comments, 0);
    assert_true(it->expires_at == days_from_civil(2026, 12, 24) * 86400 + 17 * 3600);
    it = feed_find(f, "h-1");
    assert_int_equal(it->kind, HELP_OFFER);
    assert_int_equal(it->n_tags, 2);
    assert_true(it->until == days_from_civil(2026, 12, 31) * 86400);

    /* p-2 is not highlighted: only kept because all posts are shown; parse the round trip
     * the same way. */
    feed_destroy(f);
    feed_report_clear(&r);
    struct feed_parse_opts opts = {.show_all_posts = true};
    f = feed_parse(rich_feed, sizeof rich_feed - 1, &opts, NULL, err, sizeof err);
    assert_non_null(f);
    assert_int_equal(f->n_items, 6);
    it = feed_find(f, "p-2");
    assert_int_equal(it->likes, 2);
    assert_int_equal(it->comments, -1);
    assert_null(it->title);
    assert_false(it->highlighted);
    char *text = round_trip(f, &opts);
    assert_null(strstr(text, MARKER));
    assert_null(strstr(text, "p-secret"));
    assert_null(strstr(text, "i-gone"));
    assert_null(strstr(text, "s-gone"));
    /* A second trip gives the same text: serialisation is stable. */
    struct feed *g = feed_parse(text, strlen(text), &opts, NULL, err, sizeof err);
    char *again = feed_serialize(g);
    assert_string_equal(text, again);
    free(again);
    feed_destroy(g);
    free(text);
    feed_destroy(f);

    /* An empty feed round-trips too. */
    static const char empty[] = "{\"version\": 1, \"items\": []}";
    f = feed_parse(empty, sizeof empty - 1, NULL, NULL, err, sizeof err);
    free(round_trip(f, NULL));
    feed_destroy(f);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        fail_msg("cannot open %s", path);
    struct strbuf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        strbuf_append(&b, chunk, n);
    fclose(fp);
    *len = b.len;
    return b.data;
}

static char *env_path(const char *var, const char *fallback, const char *rel)
{
    const char *dir = getenv(var);
    return xasprintf("%s/%s", dir ? dir : fallback, rel);
}

static void test_demo_feed(void **state)
{
    (void)state;
    char *path = env_path("PRIKBORD_SOURCE_DIR", ".", "assets/demo/feed.json");
    size_t len;
    char *buf = read_file(path, &len);
    for (int all = 0; all < 2; all++) {
        struct feed_parse_opts opts = {.show_all_posts = all};
        struct feed_report r;
        char err[300];
        struct feed *f = feed_parse(buf, len, &opts, &r, err, sizeof err);
        if (!f)
            fail_msg("demo feed unusable: %s", err);
        check_feed_clean(f);
        check_report_clean(&r);
        assert_int_equal(verdict_of(&r, "p-1007")->reason, REASON_GROUP_NOT_OPEN);
        assert_int_equal(verdict_of(&r, "i-2005")->reason, REASON_OPTED_OUT);
        assert_int_equal(verdict_of(&r, "p-1006")->reason,
                         all ? REASON_SHOWN : REASON_NOT_HIGHLIGHTED);
        free(round_trip(f, &opts));
        feed_report_clear(&r);
        feed_destroy(f);
    }
    free(buf);
    free(path);
}

/* ---- URL resolution ---- */

struct resolver {
    char *seen[64];
    size_t n;
};

static char *resolve(void *ctx, const char *raw)
{
    struct resolver *r = ctx;
    assert_true(r->n < ARRAY_LEN(r->seen));
    r->seen[r->n++] = xstrdup(raw);
    if (strncmp(raw, "drop/", 5) == 0)
        return NULL;
    return xasprintf("https://resolved.example/%s", raw);
}

static void resolver_clear(struct resolver *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->seen[i]);
    r->n = 0;
}

static size_t times_seen(const struct resolver *r, const char *raw)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++)
        n += strcmp(r->seen[i], raw) == 0;
    return n;
}

/* A feed with a URL in every URL field, each named prefix + field. */
static cJSON *url_feed(const char *prefix)
{
    char u[80];
#define U(name) (snprintf(u, sizeof u, "%s%s", prefix, name), u)
    cJSON *doc = mk_feed();
    cJSON *c = cJSON_AddObjectToObject(doc, "community");
    cJSON_AddStringToObject(c, "url", U("community"));
    cJSON_AddStringToObject(c, "logo_url", U("logo"));
    cJSON *o = add_item(doc, mk_item("p", "post"));
    set_str(o, "url", U("p-url"));
    set_str(o, "image_url", U("p-image"));
    set_str(cJSON_GetObjectItemCaseSensitive(o, "author"), "avatar_url", U("p-avatar"));
    o = add_item(doc, mk_item("i", "introduction"));
    set_str(o, "url", U("i-url"));
    set_str(o, "image_url", U("i-image"));
    set_str(o, "video_url", U("i-video"));
    set_str(cJSON_GetObjectItemCaseSensitive(o, "person"), "avatar_url", U("i-avatar"));
    o = add_item(doc, mk_item("s", "shoutout"));
    set_str(o, "url", U("s-url"));
    set_str(cJSON_GetObjectItemCaseSensitive(o, "from"), "avatar_url", U("s-from"));
    cJSON *to = cJSON_GetObjectItemCaseSensitive(o, "to");
    set_str(cJSON_GetArrayItem(to, 0), "avatar_url", U("s-to0"));
    cJSON *second = mk_person("Second");
    cJSON_AddStringToObject(second, "avatar_url", U("s-to1"));
    cJSON_AddItemToArray(to, second);
    o = add_item(doc, mk_item("h", "help_request"));
    set_str(o, "url", U("h-url"));
    set_str(cJSON_GetObjectItemCaseSensitive(o, "author"), "avatar_url", U("h-avatar"));
    /* A closed group's URLs are never even resolved. */
    o = add_item(doc, mk_item("closed", "introduction"));
    set_str(cJSON_GetObjectItemCaseSensitive(o, "group"), "visibility", "closed");
    set_str(o, "url", "closed/url");
    set_str(o, "image_url", "closed/image");
    set_str(o, "video_url", "closed/video");
    set_str(cJSON_GetObjectItemCaseSensitive(o, "person"), "avatar_url", "closed/avatar");
#undef U
    return doc;
}

static const char *const url_names[] = {"community", "logo",    "p-url",   "p-image",  "p-avatar",
                                        "i-url",     "i-image", "i-video", "i-avatar", "s-url",
                                        "s-from",    "s-to0",   "s-to1",   "h-url",    "h-avatar"};

/* The model's value for URL field name. */
static const char *url_of(const struct feed *f, const char *name)
{
    const struct item *p = feed_find(f, "p"), *i = feed_find(f, "i"), *s = feed_find(f, "s"),
                      *h = feed_find(f, "h");
    assert_non_null(p && i && s && h);
    const char *v[] = {f->community.url,
                       f->community.logo_url,
                       p->url,
                       p->image_url,
                       p->author.avatar_url,
                       i->url,
                       i->image_url,
                       i->video_url,
                       i->person.avatar_url,
                       s->url,
                       s->from.avatar_url,
                       s->to[0].avatar_url,
                       s->to[1].avatar_url,
                       h->url,
                       h->author.avatar_url};
    static_assert(ARRAY_LEN(v) == ARRAY_LEN(url_names), "one value per name");
    for (size_t k = 0; k < ARRAY_LEN(url_names); k++) {
        if (strcmp(url_names[k], name) == 0)
            return v[k];
    }
    fail_msg("no URL field %s", name);
    return NULL;
}

static void test_resolve_url(void **state)
{
    (void)state;
    for (int drop = 0; drop < 2; drop++) {
        const char *prefix = drop ? "drop/" : "keep/";
        struct resolver res = {0};
        struct feed_parse_opts opts = {.resolve_url = resolve, .resolve_ctx = &res};
        cJSON *doc = url_feed(prefix);
        struct parsed p;
        parse_doc_opts(doc, &opts, &p);
        assert_int_equal(p.feed->n_items, 4);
        assert_int_equal(res.n, ARRAY_LEN(url_names));
        for (size_t k = 0; k < ARRAY_LEN(url_names); k++) {
            char raw[80], want[120];
            snprintf(raw, sizeof raw, "%s%s", prefix, url_names[k]);
            if (times_seen(&res, raw) != 1)
                fail_msg("resolve_url saw %s %zu times", raw, times_seen(&res, raw));
            snprintf(want, sizeof want, "https://resolved.example/%s", raw);
            const char *got = url_of(p.feed, url_names[k]);
            if (drop)
                assert_null(got);
            else
                assert_str_same(got, want, url_names[k]);
        }
        for (size_t k = 0; k < res.n; k++)
            assert_null(strstr(res.seen[k], "closed/"));
        parsed_clear(&p);
        resolver_clear(&res);
        cJSON_Delete(doc);
    }
    /* Without a callback URLs are kept as they are. */
    cJSON *doc = url_feed("raw/");
    struct parsed p;
    parse_doc(doc, &p);
    assert_string_equal(url_of(p.feed, "i-video"), "raw/i-video");
    parsed_clear(&p);
    cJSON_Delete(doc);
}

/* ---- the big list of naughty strings ---- */

static cJSON *load_blns(void)
{
    char *path = env_path("PRIKBORD_SHARED_DIR", "../shared", "corpora/naughty-strings/blns.json");
    size_t len;
    char *buf = read_file(path, &len);
    cJSON *list = cJSON_ParseWithLength(buf, len);
    if (!cJSON_IsArray(list))
        fail_msg("%s is not a JSON array", path);
    assert_int_equal(cJSON_GetArraySize(list), 515);
    free(buf);
    free(path);
    return list;
}

/* Adds items that carry s in every text field (and as an id and a type) to doc. */
static void add_naughty_items(cJSON *doc, const char *s, int i)
{
    char id[32];
    snprintf(id, sizeof id, "p-%d", i);
    cJSON *o = add_item(doc, mk_item(id, "post"));
    cJSON *author = cJSON_GetObjectItemCaseSensitive(o, "author");
    set_str(author, "name", s);
    set_str(author, "role", s);
    set_str(author, "team", s);
    set_str(author, "id", s);
    set_str(cJSON_GetObjectItemCaseSensitive(o, "group"), "name", s);
    set_str(o, "title", s);
    set_str(o, "body", s);

    snprintf(id, sizeof id, "s-%d", i);
    o = add_item(doc, mk_item(id, "shoutout"));
    set_str(cJSON_GetObjectItemCaseSensitive(o, "from"), "name", s);
    cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(o, "to"), mk_person(s));
    set_str(o, "message", s);
    set_str(o, "badge", s);

    snprintf(id, sizeof id, "h-%d", i);
    o = add_item(doc, mk_item(id, "help_request"));
    set_str(o, "body", s);
    cJSON *tags = cJSON_CreateArray();
    cJSON_AddItemToArray(tags, cJSON_CreateString(s));
    cJSON_AddItemToArray(tags, cJSON_CreateString("ok"));
    set_field(o, "tags", tags);

    snprintf(id, sizeof id, "i-%d", i);
    o = add_item(doc, mk_item(id, "introduction"));
    set_str(cJSON_GetObjectItemCaseSensitive(o, "person"), "name", s);
    set_str(o, "body", s);

    add_item(doc, mk_item(s, "post"));
    snprintf(id, sizeof id, "t-%d", i);
    add_item(doc, mk_item(id, s));
}

static void test_naughty_strings(void **state)
{
    (void)state;
    cJSON *list = load_blns();
    struct feed_parse_opts opts = {.show_all_posts = true};
    cJSON *all = mk_feed();
    int i = 0;
    const cJSON *str;
    cJSON_ArrayForEach(str, list)
    {
        assert_true(cJSON_IsString(str));
        const char *s = str->valuestring;
        /* One feed per string, so that every field sees it. */
        cJSON *doc = mk_feed();
        cJSON *c = cJSON_AddObjectToObject(doc, "community");
        cJSON_AddStringToObject(c, "name", s);
        add_naughty_items(doc, s, i);
        struct parsed p;
        parse_doc_opts(doc, &opts, &p);
        if (!p.feed)
            fail_msg("string %d made the feed unusable: %s", i, p.err);
        assert_int_equal(p.report.n, 6);
        /* The items named by number stand or fall with the string only where it is required. */
        char id[32];
        snprintf(id, sizeof id, "h-%d", i);
        const struct item *h = feed_find(p.feed, id);
        assert_non_null(h);
        /* Kept as written, only sanitised: never read as a format, markup, a command or SQL. */
        char *want = text_sanitize(s, strlen(s), FEED_MAX_BODY, true, NULL);
        if (*want)
            assert_string_equal(h->body, want);
        else
            assert_null(h->body);
        free(want);
        snprintf(id, sizeof id, "t-%d", i);
        const struct item_verdict *v = verdict_of(&p.report, id);
        assert_true(v->reason == REASON_UNKNOWN_TYPE || v->reason == REASON_INVALID ||
                    (v->reason == REASON_SHOWN && item_type_parse(s, &(enum item_type){0})));
        free(round_trip(p.feed, &opts));
        parsed_clear(&p);
        cJSON_Delete(doc);

        add_naughty_items(all, s, i);
        i++;
    }
    assert_int_equal(i, 515);
    /* All of them in one feed: more than the item limit, ids that collide. */
    struct parsed p;
    parse_doc_opts(all, &opts, &p);
    assert_non_null(p.feed);
    assert_int_equal(p.feed->n_items, FEED_MAX_ITEMS);
    assert_int_equal(p.report.n, 6 * 515);
    free(round_trip(p.feed, &opts));
    parsed_clear(&p);
    cJSON_Delete(all);
    cJSON_Delete(list);
}

int main(void)
{
    /* The parser logs each skipped item; the tests look at the report instead. */
    log_set_level(LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal_items_kept),
        cmocka_unit_test(test_required_fields),
        cmocka_unit_test(test_visibility_fails_closed),
        cmocka_unit_test(test_escaped_nul_refused),
        cmocka_unit_test(test_opted_out),
        cmocka_unit_test(test_highlighted),
        cmocka_unit_test(test_unknown_type),
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_duplicate_id),
        cmocka_unit_test(test_too_many_items),
        cmocka_unit_test(test_text_bounds),
        cmocka_unit_test(test_count_bounds),
        cmocka_unit_test(test_unusable_documents),
        cmocka_unit_test(test_utf8_bom_accepted),
        cmocka_unit_test(test_feed_header),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_demo_feed),
        cmocka_unit_test(test_resolve_url),
        cmocka_unit_test(test_naughty_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
