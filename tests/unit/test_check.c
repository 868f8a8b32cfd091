/* check: the time rules applied to a report, and the report as JSON for scripts and as text
 * for people. */
#include "check.h"
#include "log.h"
#include "util.h"

#include <cjson/cJSON.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 2026-11-23T12:00:00Z */
#define NOW INT64_C(1795435200)

static const char feed_text[] =
    "{\"version\": 1, \"community\": {\"name\": \"Check\"}, \"items\": ["
    " {\"id\": \"always\", \"type\": \"post\", \"group\": {\"visibility\": \"open\"},"
    "  \"published_at\": \"2026-11-20\", \"author\": {\"name\": \"A\"}, \"title\": \"t\", "
    "\"highlighted\": true},"
    " {\"id\": \"future\", \"type\": \"post\", \"group\": {\"visibility\": \"open\"},"
    "  \"published_at\": \"2026-11-20\", \"show_from\": \"2026-11-24\","
    "  \"author\": {\"name\": \"A\"}, \"title\": \"t\", \"highlighted\": true},"
    " {\"id\": \"from-now\", \"type\": \"introduction\", \"group\": {\"visibility\": \"open\"},"
    "  \"published_at\": \"2026-11-20\", \"show_from\": \"2026-11-23T13:00:00+01:00\", \"person\": "
    "{\"name\": \"B\"}},"
    " {\"id\": \"past\", \"type\": \"shoutout\", \"group\": {\"visibility\": \"open\"},"
    "  \"published_at\": \"2026-11-20\", \"expires_at\": \"2026-11-23T11:59:59Z\","
    "  \"from\": {\"name\": \"C\"}, \"to\": [{\"name\": \"D\"}], \"message\": \"m\"},"
    " {\"id\": \"ends-now\", \"type\": \"post\", \"group\": {\"visibility\": \"open\"},"
    "  \"published_at\": \"2026-11-20\", \"expires_at\": \"2026-11-23T12:00:00Z\","
    "  \"author\": {\"name\": \"A\"}, \"title\": \"t\", \"highlighted\": true},"
    " {\"id\": \"window\", \"type\": \"post\", \"group\": {\"visibility\": \"open\"},"
    "  \"published_at\": \"2026-11-20\", \"show_from\": \"2026-11-23\", \"expires_at\": "
    "\"2026-11-24\","
    "  \"author\": {\"name\": \"A\"}, \"title\": \"t\", \"highlighted\": true},"
    " {\"id\": \"help-today\", \"type\": \"help_request\", \"group\": {\"visibility\": \"open\"},"
    "  \"published_at\": \"2026-11-20\", \"until\": \"2026-11-23\","
    "  \"author\": {\"name\": \"E\"}, \"kind\": \"ask\", \"title\": \"t\"},"
    " {\"id\": \"help-done\", \"type\": \"help_request\", \"group\": {\"visibility\": \"open\"},"
    "  \"published_at\": \"2026-11-20\", \"until\": \"2026-11-22\","
    "  \"author\": {\"name\": \"E\"}, \"kind\": \"offer\", \"title\": \"t\"},"
    " {\"id\": \"closed-future\", \"type\": \"post\", \"group\": {\"visibility\": \"closed\"},"
    "  \"published_at\": \"2026-11-20\", \"show_from\": \"2030-01-01\","
    "  \"author\": {\"name\": \"A\"}, \"title\": \"t\", \"highlighted\": true},"
    " {\"id\": \"plain\", \"type\": \"post\", \"group\": {\"visibility\": \"open\"},"
    "  \"published_at\": \"2026-11-20\", \"expires_at\": \"2020-01-01\","
    "  \"author\": {\"name\": \"A\"}, \"title\": \"t\"},"
    " {\"id\": \"what\", \"type\": \"poll\", \"group\": {\"visibility\": \"open\"}, "
    "\"published_at\": \"2026-11-20\"},"
    " {\"type\": \"post\"}"
    "]}";

/* ids of feed_text in order, with what the screen would do at NOW. */
static const struct {
    const char *id;
    enum item_reason reason;
} expected[] = {
    {"always", REASON_SHOWN},
    {"future", REASON_NOT_YET},
    {"from-now", REASON_SHOWN},
    {"past", REASON_EXPIRED},
    {"ends-now", REASON_EXPIRED},
    {"window", REASON_SHOWN},
    {"help-today", REASON_SHOWN},
    {"help-done", REASON_EXPIRED},
    {"closed-future", REASON_GROUP_NOT_OPEN},
    {"plain", REASON_NOT_HIGHLIGHTED},
    {"what", REASON_UNKNOWN_TYPE},
    {"", REASON_INVALID},
};

static struct feed *parse(const char *text, struct feed_report *r, char *err, size_t errlen)
{
    return feed_parse(text, strlen(text), NULL, r, err, errlen);
}

static char *capture(const struct feed *f, const struct feed_report *r, const char *error,
                     bool json)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    check_print(out, f, r, error, json);
    assert_int_equal(fclose(out), 0);
    assert_non_null(buf);
    assert_int_equal(strlen(buf), len); /* no NUL byte in the output */
    return buf;
}

static void test_apply_time(void **state)
{
    (void)state;
    struct feed_report r;
    char err[300];
    struct feed *f = parse(feed_text, &r, err, sizeof err);
    assert_non_null(f);
    assert_int_equal(r.n, ARRAY_LEN(expected));
    check_apply_time(&r, f, NOW);
    for (size_t i = 0; i < r.n; i++) {
        assert_string_equal(r.v[i].id, expected[i].id);
        if (r.v[i].reason != expected[i].reason)
            fail_msg("%s: %s, want %s", expected[i].id, item_reason_name(r.v[i].reason),
                     item_reason_name(expected[i].reason));
        if (r.v[i].reason == REASON_SHOWN) {
            assert_null(r.v[i].detail);
        } else {
            assert_non_null(r.v[i].detail);
            assert_true(*r.v[i].detail);
            assert_null(strchr(r.v[i].detail, '\n'));
        }
    }
    assert_string_equal(item_reason_name(REASON_NOT_YET), "not yet");
    assert_string_equal(item_reason_name(REASON_EXPIRED), "expired");
    /* Applying the rules again changes nothing (and leaks nothing). */
    check_apply_time(&r, f, NOW);
    for (size_t i = 0; i < r.n; i++)
        assert_int_equal(r.v[i].reason, expected[i].reason);
    /* The model itself is untouched: time is decided at show time, not at parse time. */
    assert_non_null(feed_find(f, "future"));
    assert_non_null(feed_find(f, "past"));
    feed_report_clear(&r);
    feed_destroy(f);

    /* Long before and long after everything. */
    f = parse(feed_text, &r, err, sizeof err);
    check_apply_time(&r, f, INT64_C(0));
    assert_int_equal(r.v[0].reason, REASON_SHOWN);
    assert_int_equal(r.v[1].reason, REASON_NOT_YET);
    assert_int_equal(r.v[3].reason, REASON_SHOWN);
    assert_int_equal(r.v[5].reason, REASON_NOT_YET);
    feed_report_clear(&r);
    feed_destroy(f);
    f = parse(feed_text, &r, err, sizeof err);
    check_apply_time(&r, f, INT64_C(4102444800)); /* 2100 */
    assert_int_equal(r.v[0].reason, REASON_SHOWN);
    assert_int_equal(r.v[1].reason, REASON_SHOWN);
    assert_int_equal(r.v[6].reason, REASON_EXPIRED);
    feed_report_clear(&r);

    /* An unusable feed, or no report: nothing to do, nothing breaks. */
    struct feed_report empty = {0};
    check_apply_time(&empty, NULL, NOW);
    check_apply_time(NULL, f, NOW);
    feed_destroy(f);
}

static bool is_null_or_string(const cJSON *v)
{
    return cJSON_IsNull(v) || cJSON_IsString(v);
}

/* Checks the JSON shape exactly: {"usable", "error", "items": [{"id", "type", "shown",
 * "reason", "detail"}]} and nothing else. Returns the parsed document. */
static cJSON *parse_report_json(const char *text)
{
    cJSON *root = cJSON_Parse(text);
    if (!root)
        fail_msg("check_print wrote invalid JSON:\n%s", text);
    assert_true(cJSON_IsObject(root));
    assert_int_equal(cJSON_GetArraySize(root), 3);
    const cJSON *usable = cJSON_GetObjectItemCaseSensitive(root, "usable");
    const cJSON *error = cJSON_GetObjectItemCaseSensitive(root, "error");
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
    assert_true(cJSON_IsBool(usable));
    assert_true(is_null_or_string(error));
    assert_int_equal(cJSON_IsTrue(usable), cJSON_IsNull(error));
    assert_true(cJSON_IsArray(items));
    const cJSON *it;
    cJSON_ArrayForEach(it, items)
    {
        assert_true(cJSON_IsObject(it));
        assert_int_equal(cJSON_GetArraySize(it), 5);
        const cJSON *shown = cJSON_GetObjectItemCaseSensitive(it, "shown");
        const cJSON *reason = cJSON_GetObjectItemCaseSensitive(it, "reason");
        const cJSON *detail = cJSON_GetObjectItemCaseSensitive(it, "detail");
        assert_true(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(it, "id")));
        assert_true(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(it, "type")));
        assert_true(cJSON_IsBool(shown));
        assert_true(is_null_or_string(reason));
        assert_true(is_null_or_string(detail));
        /* A shown item has no reason; a hidden one always says why. */
        assert_int_equal(cJSON_IsTrue(shown), cJSON_IsNull(reason));
        assert_int_equal(cJSON_IsTrue(shown), cJSON_IsNull(detail));
    }
    return root;
}

static void test_print_json(void **state)
{
    (void)state;
    struct feed_report r;
    char err[300];
    struct feed *f = parse(feed_text, &r, err, sizeof err);
    check_apply_time(&r, f, NOW);
    char *text = capture(f, &r, NULL, true);
    cJSON *root = parse_report_json(text);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "usable")));
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
    assert_int_equal(cJSON_GetArraySize(items), ARRAY_LEN(expected));
    for (size_t i = 0; i < ARRAY_LEN(expected); i++) {
        const cJSON *it = cJSON_GetArrayItem(items, (int)i);
        assert_string_equal(cJSON_GetObjectItemCaseSensitive(it, "id")->valuestring,
                            expected[i].id);
        assert_string_equal(cJSON_GetObjectItemCaseSensitive(it, "type")->valuestring, r.v[i].type);
        bool shown = expected[i].reason == REASON_SHOWN;
        assert_int_equal(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "shown")), shown);
        if (!shown) {
            assert_string_equal(cJSON_GetObjectItemCaseSensitive(it, "reason")->valuestring,
                                item_reason_name(expected[i].reason));
            assert_string_equal(cJSON_GetObjectItemCaseSensitive(it, "detail")->valuestring,
                                r.v[i].detail);
        }
    }
    cJSON_Delete(root);
    free(text);
    feed_report_clear(&r);
    feed_destroy(f);
}

static void test_print_unusable(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "{\"version\": 2, \"items\": []}",
        "[1, 2]",
        "{\"version\": 1, \"items\": [",
        "",
    };
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        struct feed_report r;
        char err[300] = "";
        struct feed *f = parse(bad[i], &r, err, sizeof err);
        assert_null(f);
        assert_true(*err);
        char *text = capture(f, &r, err, true);
        cJSON *root = parse_report_json(text);
        assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(root, "usable")));
        assert_string_equal(cJSON_GetObjectItemCaseSensitive(root, "error")->valuestring, err);
        assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "items")), 0);
        cJSON_Delete(root);
        free(text);

        text = capture(f, &r, err, false);
        assert_non_null(strstr(text, err));
        assert_non_null(strstr(text, "unusable"));
        free(text);
        feed_report_clear(&r);
    }
    /* An error that needs escaping stays valid JSON. */
    struct feed_report none = {0};
    char *text = capture(NULL, &none, "quote \" backslash \\ tab \t end", true);
    cJSON *root = parse_report_json(text);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(root, "error")->valuestring,
                        "quote \" backslash \\ tab \t end");
    cJSON_Delete(root);
    free(text);
}

static void test_print_text(void **state)
{
    (void)state;
    struct feed_report r;
    char err[300];
    struct feed *f = parse(feed_text, &r, err, sizeof err);
    check_apply_time(&r, f, NOW);
    char *text = capture(f, &r, NULL, false);
    for (size_t i = 0; i < ARRAY_LEN(expected); i++) {
        if (*expected[i].id && !strstr(text, expected[i].id))
            fail_msg("text output does not mention %s:\n%s", expected[i].id, text);
        if (r.v[i].detail && !strstr(text, r.v[i].detail))
            fail_msg("text output does not say \"%s\"", r.v[i].detail);
    }
    assert_non_null(strstr(text, "Check"));
    assert_non_null(strstr(text, "(no id)"));
    /* One line per item after the summary line. */
    size_t lines = 0;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 1 + ARRAY_LEN(expected));
    free(text);
    feed_report_clear(&r);
    feed_destroy(f);
}

/* Ids, types and details made of naughty strings stay valid JSON and one line of text each. */
static void test_print_naughty(void **state)
{
    (void)state;
    const char *dir = getenv("PRIKBORD_SHARED_DIR");
    char *path = xasprintf("%s/corpora/naughty-strings/blns.json", dir ? dir : "../shared");
    FILE *fp = fopen(path, "rb");
    if (!fp)
        fail_msg("cannot open %s", path);
    struct strbuf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        strbuf_append(&b, chunk, n);
    fclose(fp);
    cJSON *list = cJSON_ParseWithLength(b.data, b.len);
    assert_true(cJSON_IsArray(list));
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddNumberToObject(doc, "version", 1);
    cJSON *items = cJSON_AddArrayToObject(doc, "items");
    const cJSON *s;
    cJSON_ArrayForEach(s, list)
    {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "id", s->valuestring);
        cJSON_AddStringToObject(o, "type", s->valuestring);
        cJSON *g = cJSON_AddObjectToObject(o, "group");
        cJSON_AddStringToObject(g, "name", s->valuestring);
        cJSON_AddStringToObject(g, "visibility", s->valuestring);
        cJSON_AddItemToArray(items, o);
    }
    char *doc_text = cJSON_PrintUnformatted(doc);
    struct feed_report r;
    char err[300];
    struct feed *f = parse(doc_text, &r, err, sizeof err);
    assert_non_null(f);
    assert_int_equal(r.n, 515);
    char *text = capture(f, &r, NULL, true);
    cJSON *root = parse_report_json(text);
    const cJSON *out = cJSON_GetObjectItemCaseSensitive(root, "items");
    assert_int_equal(cJSON_GetArraySize(out), 515);
    for (size_t i = 0; i < r.n; i++) {
        const cJSON *it = cJSON_GetArrayItem(out, (int)i);
        assert_string_equal(cJSON_GetObjectItemCaseSensitive(it, "id")->valuestring, r.v[i].id);
        assert_false(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "shown")));
    }
    cJSON_Delete(root);
    free(text);
    text = capture(f, &r, NULL, false);
    size_t lines = 0;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 1 + r.n);
    free(text);
    feed_report_clear(&r);
    feed_destroy(f);
    cJSON_free(doc_text);
    cJSON_Delete(doc);
    cJSON_Delete(list);
    strbuf_free(&b);
    free(path);
}

int main(void)
{
    log_set_level(LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_apply_time),     cmocka_unit_test(test_print_json),
        cmocka_unit_test(test_print_unusable), cmocka_unit_test(test_print_text),
        cmocka_unit_test(test_print_naughty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
