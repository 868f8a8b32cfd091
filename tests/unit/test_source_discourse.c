/* The Discourse adapter on the api-samples: latest and category listings, paging through
 * more_topics_url, avatars from avatar_template, pinned -> highlighted, and one test per
 * privacy rule. */
#include "source.h"
#include "source_impl.h"
#include "util.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "source_fake.h"

#define BASE         "https://community.example.com"
#define URL_CATS     BASE "/categories.json?include_subcategories=true"
#define URL_LATEST   BASE "/latest.json"
#define URL_LATEST_2 BASE "/latest.json?page=1"
#define EMPTY_LIST   "{\"users\": [], \"topic_list\": {\"topics\": []}}"

static struct source_settings settings(const char *categories)
{
    return (struct source_settings){
        .kind = SOURCE_DISCOURSE,
        .base_url = BASE,
        .groups = categories,
        .introduction_groups = "7",
        .help_groups = "8",
    };
}

/* Page 2 of latest: the intro topic once more (counted once), and one older topic. */
static char *page_two(void)
{
    return xstrdup(
        "{\"users\": [{\"id\": 9, \"username\": \"omar\", \"name\": \"Omar Haddad\","
        " \"avatar_template\": \"/user_avatar/community.example.com/omar/{size}/61_2.png\"}],"
        " \"topic_list\": {\"topics\": ["
        " {\"id\": 212, \"title\": \"dup\", \"category_id\": 7},"
        " {\"id\": 190, \"title\": \"Lunch lecture moved to Thursday\", \"slug\": "
        "\"lunch-lecture\", \"created_at\": \"2024-08-20T10:00:00Z\", \"archetype\": "
        "\"regular\", \"visible\": true, \"pinned\": true, \"category_id\": 1,"
        " \"excerpt\": \"Same room, &ldquo;same&rdquo; cake.\","
        " \"posters\": [{\"description\": \"Original Poster\", \"user_id\": 9}]}]}}");
}

static struct feed *poll(char *cats, char *latest, const struct source_settings *set,
                         struct feed_report *r, struct fake *log)
{
    struct fake f = {0};
    fake_route(&f, URL_CATS, 200, cats, -1);
    fake_route(&f, URL_LATEST, 200, latest, -1);
    fake_route(&f, URL_LATEST_2, 200, page_two(), -1);
    const char *lists[] = {"/c/announcements/1.json", "/c/help-wanted/8.json", "/c/kudos/9.json",
                           "/c/leadership/12.json"};
    for (size_t i = 0; i < ARRAY_LEN(lists); i++) {
        char *url = xasprintf(BASE "%s", lists[i]);
        fake_route(&f, url, 200, xstrdup(EMPTY_LIST), -1);
        free(url);
    }
    /* The category's own list repeats a topic latest already had. */
    fake_route(&f, BASE "/c/introductions/7.json", 200, sample("discourse_latest.json"), -1);
    char err[200];
    struct feed *feed = fake_poll(&f, set, r, NULL, NULL, err, sizeof err);
    if (!feed)
        fail_msg("poll failed: %s", err);
    if (log)
        *log = f;
    else
        fake_clear(&f);
    return feed;
}

static void test_samples_map_to_items(void **state)
{
    (void)state;
    struct source_settings set = settings("1, 7, 8, 9, 12");
    struct feed_report r = {0};
    struct fake f;
    struct feed *feed =
        poll(sample("discourse_categories.json"), sample("discourse_latest.json"), &set, &r, &f);
    /* categories, latest, latest page 2 (from more_topics_url), the lists of 1, 7, 8 and 9
     * (not 12: read-restricted). */
    assert_int_equal(f.n_log, 7);
    assert_string_equal(f.log[0], URL_CATS);
    assert_string_equal(f.log[1], URL_LATEST);
    assert_string_equal(f.log[2], URL_LATEST_2);
    assert_string_equal(f.log[3], BASE "/c/announcements/1.json");
    assert_string_equal(f.log[4], BASE "/c/introductions/7.json");
    fake_clear(&f);
    /* Every topic once: 5 from latest, 1 new from page 2. */
    assert_int_equal(r.n, 6);

    const struct item *welcome = feed_find(feed, "5");
    assert_non_null(welcome);
    assert_int_equal(welcome->type, ITEM_POST);
    assert_true(welcome->highlighted); /* pinned */
    assert_string_equal(welcome->title,
                        "Welcome to the Contoso community \xE2\x80\x93 read this first");
    assert_non_null(strstr(welcome->body, "visible to all employees \xE2\x80\xA6"));
    assert_string_equal(welcome->author.name, "system");
    assert_string_equal(welcome->author.avatar_url, BASE "/images/discourse-logo-sketch-small.png");
    assert_string_equal(welcome->url, BASE "/t/welcome-to-the-contoso-community-read-this-first/5");
    assert_string_equal(welcome->group.name, "Announcements");

    const struct item *intro = feed_find(feed, "212");
    assert_non_null(intro);
    assert_int_equal(intro->type, ITEM_INTRODUCTION);
    /* The user the title names, not the original poster (Maria). */
    assert_string_equal(intro->person.name, "Anna Berg");
    assert_string_equal(intro->person.avatar_url,
                        BASE "/letter_avatar_proxy/v4/letter/a/58956e/240.png");
    assert_string_equal(intro->body, "Introducing Anna Berg, our new Data Engineer");
    assert_non_null(intro->image_url);
    int64_t t;
    assert_true(time_parse_rfc3339("2024-09-02T07:41:10Z", &t));
    assert_int_equal(intro->published_at, t);
    assert_int_equal(intro->likes, 9);
    assert_int_equal(intro->comments, 1);

    const struct item *help = feed_find(feed, "210");
    assert_non_null(help);
    assert_int_equal(help->type, ITEM_HELP_REQUEST);
    assert_string_equal(help->title,
                        "Who can help with Spanish translations for the onboarding deck?");
    assert_string_equal(help->author.name, "Omar Haddad");
    assert_string_equal(help->author.avatar_url,
                        BASE "/user_avatar/community.example.com/omar/240/61_2.png");

    expect(feed, &r, "214", REASON_NOT_HIGHLIGHTED);
    expect(feed, &r, "215", REASON_GROUP_NOT_OPEN); /* Leadership: read_restricted */
    for (size_t i = 0; i < feed->n_items; i++)
        assert_false(item_mentions(&feed->items[i], "reorg"));
    const struct item *older = feed_find(feed, "190");
    assert_non_null(older);
    assert_string_equal(older->body, "Same room, \xE2\x80\x9Csame\xE2\x80\x9D cake.");
    feed_report_clear(&r);
    feed_destroy(feed);
}

/* An introduction names its new colleague; one that names nobody is the poster's topic. */
static void test_introduction_needs_a_subject(void **state)
{
    (void)state;
    struct source_settings set = settings("7");
    struct feed_report r = {0};
    struct feed *feed =
        poll(sample("discourse_categories.json"),
             edit(sample("discourse_latest.json"), "Introducing Anna Berg, our", "Introducing our"),
             &set, &r, NULL);
    const struct item *it = feed_find(feed, "212");
    assert_non_null(it);
    assert_int_equal(it->type, ITEM_POST);
    assert_true(it->highlighted);
    assert_string_equal(it->author.name, "Maria Lindqvist");
    assert_string_equal(it->title, "Introducing our new Data Engineer");
    assert_null(it->person.name);
    feed_report_clear(&r);
    feed_destroy(feed);
}

/* Rule: the category is not read_restricted (true, missing, or not a boolean: not shown). */
static void test_rule_read_restricted(void **state)
{
    (void)state;
    struct source_settings set = settings("1, 7, 8, 9, 12");
    struct feed_report r = {0};
    char *cats = sample("discourse_categories.json");
    cats = edit_nth(cats, "\"read_restricted\": false,", "\"read_restricted\": \"false\",", 2);
    cats = edit_nth(cats, "\"read_restricted\": false,", "", 2);
    struct feed *feed = poll(cats, sample("discourse_latest.json"), &set, &r, NULL);
    expect(feed, &r, "5", REASON_SHOWN);
    expect(feed, &r, "212", REASON_GROUP_NOT_OPEN); /* category 7: a string */
    expect(feed, &r, "210", REASON_GROUP_NOT_OPEN); /* category 8: missing */
    expect(feed, &r, "215", REASON_GROUP_NOT_OPEN);
    assert_non_null(strstr(verdict(&r, "215")->detail, "read-restricted"));
    feed_report_clear(&r);
    feed_destroy(feed);

    /* A category categories.json does not list cannot be checked. */
    set.groups = "1, 7, 8, 9, 12, 13";
    feed =
        poll(sample("discourse_categories.json"),
             edit(sample("discourse_latest.json"), "\"category_id\": 8,", "\"category_id\": 13,"),
             &set, &r, NULL);
    expect(feed, &r, "210", REASON_NO_GROUP);
    feed_report_clear(&r);
    feed_destroy(feed);
}

/* Rule: a regular topic (a private message, a banner or no archetype: not shown). */
static void test_rule_regular_topic(void **state)
{
    (void)state;
    struct source_settings set = settings("1, 7, 8, 9");
    struct feed_report r = {0};
    char *latest = sample("discourse_latest.json");
    latest =
        edit_nth(latest, "\"archetype\": \"regular\",", "\"archetype\": \"private_message\",", 1);
    latest = edit_nth(latest, "\"archetype\": \"regular\",", "\"archetype\": \"banner\",", 1);
    latest = edit_nth(latest, "\"archetype\": \"regular\",", "", 2);
    struct feed *feed = poll(sample("discourse_categories.json"), latest, &set, &r, NULL);
    expect(feed, &r, "5", REASON_NOT_PUBLIC);
    assert_string_equal(verdict(&r, "5")->detail, "a private message");
    expect(feed, &r, "212", REASON_UNKNOWN_TYPE);
    expect(feed, &r, "210", REASON_NOT_PUBLIC);
    feed_report_clear(&r);
    feed_destroy(feed);
}

/* Rule: visible (an unlisted topic, or no flag: not shown). */
static void test_rule_visible(void **state)
{
    (void)state;
    struct source_settings set = settings("1, 7, 8, 9");
    struct feed_report r = {0};
    char *latest = sample("discourse_latest.json");
    latest = edit_nth(latest, "\"visible\": true,", "\"visible\": false,", 1);
    latest = edit_nth(latest, "\"visible\": true,", "", 1);
    struct feed *feed = poll(sample("discourse_categories.json"), latest, &set, &r, NULL);
    expect(feed, &r, "5", REASON_NOT_PUBLIC);
    assert_string_equal(verdict(&r, "5")->detail, "the topic is unlisted");
    expect(feed, &r, "212", REASON_NOT_PUBLIC);
    expect(feed, &r, "210", REASON_SHOWN);
    feed_report_clear(&r);
    feed_destroy(feed);
}

/* Rule: the category is on the allow-list. */
static void test_rule_allow_list(void **state)
{
    (void)state;
    struct source_settings set = settings("1, 8");
    struct feed_report r = {0};
    struct feed *feed =
        poll(sample("discourse_categories.json"), sample("discourse_latest.json"), &set, &r, NULL);
    expect(feed, &r, "5", REASON_SHOWN);
    expect(feed, &r, "210", REASON_SHOWN);
    expect(feed, &r, "212", REASON_NOT_ALLOWED);
    expect(feed, &r, "214", REASON_NOT_ALLOWED);
    expect(feed, &r, "215", REASON_NOT_ALLOWED);
    feed_report_clear(&r);
    feed_destroy(feed);
}

/* Paging: bounded, and more_topics_url never leads to another origin. */
static void test_paging(void **state)
{
    (void)state;
    struct source_settings set = settings("1");
    struct feed_report r = {0};
    struct fake f = {0};
    fake_route(&f, URL_CATS, 200, sample("discourse_categories.json"), -1);
    fake_route(&f, URL_LATEST, 200, sample("discourse_latest.json"), -1);
    fake_route(&f, URL_LATEST_2, 200,
               edit(sample("discourse_latest.json"), "/latest?page=1", "/latest?page=2"), -1);
    fake_route(&f, BASE "/latest.json?page=2", 200,
               edit(sample("discourse_latest.json"), "/latest?page=1", "/latest?page=3"), -1);
    fake_route(&f, BASE "/c/announcements/1.json", 200, xstrdup(EMPTY_LIST), -1);
    struct feed *feed = fake_poll(&f, &set, &r, NULL, NULL, NULL, 0);
    assert_non_null(feed);
    /* categories, SOURCE_MAX_PAGES pages of latest, the category's list */
    assert_int_equal(f.n_log, 1 + SOURCE_MAX_PAGES + 1);
    for (size_t i = 0; i < f.n_log; i++)
        assert_null(strstr(f.log[i], "page=3"));
    assert_int_equal(r.n, 5); /* the same topics on every page: reported once */
    feed_report_clear(&r);
    feed_destroy(feed);
    fake_clear(&f);

    /* A next page on another origin, or not a site path, is not followed. */
    const char *elsewhere[] = {"https://evil.example/latest?page=1", "//evil.example/latest",
                               "latest?page=1", "/latest?page=1 x"};
    for (size_t i = 0; i < ARRAY_LEN(elsewhere); i++) {
        fake_route(&f, URL_CATS, 200, sample("discourse_categories.json"), -1);
        fake_route(&f, URL_LATEST, 200,
                   edit(sample("discourse_latest.json"), "/latest?page=1", elsewhere[i]), -1);
        fake_route(&f, BASE "/c/announcements/1.json", 200, xstrdup(EMPTY_LIST), -1);
        feed = fake_poll(&f, &set, NULL, NULL, NULL, NULL, 0);
        assert_non_null(feed);
        assert_int_equal(f.n_log, 3);
        assert_string_equal(f.log[2], BASE "/c/announcements/1.json");
        feed_destroy(feed);
        fake_clear(&f);
    }
}

static void test_rate_limited(void **state)
{
    (void)state;
    struct fake f = {0};
    fake_route(&f, URL_CATS, 200, sample("discourse_categories.json"), -1);
    fake_route(&f, URL_LATEST, 429, xstrdup("{\"errors\": [\"slow down\"]}"), 45);
    struct source_settings set = settings("1");
    struct feed_report r = {0};
    long status, retry;
    char err[200];
    assert_null(fake_poll(&f, &set, &r, &status, &retry, err, sizeof err));
    assert_int_equal(status, 429);
    assert_int_equal(retry, 45);
    assert_non_null(strstr(err, "/latest.json"));
    fake_clear(&f);
}

/* A response that is no JSON, or holds an escaped NUL, fails the poll as a whole. */
static void test_bad_responses(void **state)
{
    (void)state;
    const char *bodies[] = {
        "<html>maintenance</html>", "", "{\"category_list\": 3}",
        "{\"category_list\": {\"categories\": [{\"id\": 1, \"read_restricted\": "
        "false, \"name\": \"a\\u0000b\"}]}}"};
    for (size_t i = 0; i < ARRAY_LEN(bodies); i++) {
        struct fake f = {0};
        fake_route(&f, URL_CATS, 200, xstrdup(bodies[i]), -1);
        struct source_settings set = settings("1");
        long status;
        char err[200];
        assert_null(fake_poll(&f, &set, NULL, &status, NULL, err, sizeof err));
        assert_int_equal(status, 200);
        assert_true(*err);
        fake_clear(&f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samples_map_to_items),
        cmocka_unit_test(test_introduction_needs_a_subject),
        cmocka_unit_test(test_rule_read_restricted),
        cmocka_unit_test(test_rule_regular_topic),
        cmocka_unit_test(test_rule_visible),
        cmocka_unit_test(test_rule_allow_list),
        cmocka_unit_test(test_paging),
        cmocka_unit_test(test_rate_limited),
        cmocka_unit_test(test_bad_responses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
