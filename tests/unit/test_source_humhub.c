/* The HumHub adapter on the api-samples: spaces joined to posts by contentcontainer_id,
 * paging, Markdown to text, pinned -> highlighted, and one test per privacy rule. */
#include "source.h"
#include "source_impl.h"
#include "util.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "source_fake.h"

#define BASE        "https://intranet.example.com"
#define URL_SPACES  BASE "/api/v1/space?page=1&limit=100"
#define URL_POSTS   BASE "/api/v1/post/container/5?page=1&limit=20"
#define URL_POSTS_2 BASE "/api/v1/post/container/5?page=2&limit=20"
#define URL_LEADS   BASE "/api/v1/post/container/19?page=1&limit=20"
#define WELCOME     "412" /* pinned, with a picture */
#define HELP        "409" /* topic "Help wanted" */

static struct source_settings settings(const char *spaces)
{
    return (struct source_settings){
        .kind = SOURCE_HUMHUB,
        .base_url = BASE,
        .groups = spaces,
        .help_topics = "help wanted",
    };
}

/* Page 2 of the container: the two sample posts again under other ids, the last page. */
static char *page_two(void)
{
    char *p = sample("humhub_posts.json");
    p = edit(p, "\"id\": 412,", "\"id\": 512,");
    p = edit(p, "\"id\": 409,", "\"id\": 509,");
    p = edit(p, "\"page\": 1,", "\"page\": 2,");
    return edit(p, "\"next\": \"/api/v1/post/container/5?page=2&per-page=20\",", "");
}

/* Polls with spaces and the first page of container 5 as given (both taken over). */
static struct feed *poll(char *spaces, char *posts, const struct source_settings *set,
                         struct feed_report *r, struct fake *log)
{
    struct fake f = {0};
    fake_route(&f, URL_SPACES, 200, spaces, -1);
    fake_route(&f, URL_POSTS, 200, posts, -1);
    fake_route(&f, URL_POSTS_2, 200, page_two(), -1);
    fake_route(&f, URL_LEADS, 200, sample("humhub_posts.json"), -1);
    char err[200];
    struct feed *feed = fake_poll(&f, set, r, NULL, NULL, err, sizeof err);
    if (!feed)
        fail_msg("poll failed: %s", err);
    if (log) {
        *log = f;
        return feed;
    }
    fake_clear(&f);
    return feed;
}

static void test_samples_map_to_items(void **state)
{
    (void)state;
    struct source_settings set = settings("2");
    struct feed_report r = {0};
    struct fake f;
    struct feed *feed =
        poll(sample("humhub_spaces.json"), sample("humhub_posts.json"), &set, &r, &f);
    /* links.next -> page 2, built with "limit" as the first (the link says "per-page"). */
    assert_int_equal(f.n_log, 3);
    assert_string_equal(f.log[0], URL_SPACES);
    assert_string_equal(f.log[1], URL_POSTS);
    assert_string_equal(f.log[2], URL_POSTS_2);
    fake_clear(&f);
    assert_int_equal(r.n, 4);

    const struct item *w = feed_find(feed, WELCOME);
    assert_non_null(w);
    assert_int_equal(w->type, ITEM_POST);
    assert_true(w->highlighted); /* pinned */
    assert_string_equal(w->author.name, "Maria Lindqvist");
    assert_string_equal(w->author.id, "17");
    assert_string_equal(w->author.avatar_url,
                        BASE "/uploads/profile_image/c0ffee00-1111-4222-8333-444455556666.jpg");
    /* Markdown emphasis and emoji short codes do not reach the screen. */
    assert_string_equal(w->body, "Please welcome Anna Berg to the Data Platform team! Anna "
                                 "starts on Monday and sits on the 3rd floor.");
    assert_string_equal(w->image_url, BASE "/file/file/download?guid=5e6f7a8b-9c0d-4e1f-a2b3-"
                                           "c4d5e6f7a8b9");
    assert_string_equal(w->url, BASE "/content/perma?id=1187");
    assert_int_equal(w->likes, 9);
    assert_int_equal(w->comments, 1);
    assert_string_equal(w->group.id, "2");
    assert_string_equal(w->group.name, "New Colleagues");
    int64_t t;
    assert_true(time_parse_rfc3339("2024-09-02T07:41:10Z", &t));
    assert_int_equal(w->published_at, t); /* no zone in HumHub's dates: UTC */

    const struct item *h = feed_find(feed, HELP);
    assert_non_null(h);
    assert_int_equal(h->type, ITEM_HELP_REQUEST);
    assert_string_equal(h->title, "Who can help with Spanish translations for the onboarding "
                                  "deck? About 2 hours of work. #help");
    assert_string_equal(h->author.name, "Omar Haddad");
    assert_int_equal(h->n_tags, 1);
    assert_string_equal(h->tags[0], "Help wanted");

    /* Plain posts need a pin unless show_all_posts. */
    expect(feed, &r, "512", REASON_SHOWN);
    expect(feed, &r, "509", REASON_SHOWN);
    feed_report_clear(&r);
    feed_destroy(feed);
    set.help_topics = NULL;
    feed = poll(sample("humhub_spaces.json"), sample("humhub_posts.json"), &set, &r, NULL);
    expect(feed, &r, HELP, REASON_NOT_HIGHLIGHTED);
    feed_report_clear(&r);
    feed_destroy(feed);
}

/* Rule: the space is on the allow-list (the post is joined to its space by
 * contentcontainer_id, whatever listing it came from). */
static void test_rule_allow_list(void **state)
{
    (void)state;
    struct source_settings set = settings("2");
    struct feed_report r = {0};
    /* Post 412 belongs to container 11: space 4, Help Wanted, public but not allowed. */
    struct feed *feed = poll(sample("humhub_spaces.json"),
                             edit(sample("humhub_posts.json"), "\"contentcontainer_id\": 5,",
                                  "\"contentcontainer_id\": 11,"),
                             &set, &r, NULL);
    expect(feed, &r, WELCOME, REASON_NOT_ALLOWED);
    expect(feed, &r, HELP, REASON_SHOWN);
    feed_report_clear(&r);
    feed_destroy(feed);

    /* A container that is no listed space cannot be checked. */
    feed = poll(sample("humhub_spaces.json"),
                edit(sample("humhub_posts.json"), "\"contentcontainer_id\": 5,",
                     "\"contentcontainer_id\": 99,"),
                &set, &r, NULL);
    expect(feed, &r, WELCOME, REASON_NO_GROUP);
    feed_report_clear(&r);
    feed_destroy(feed);
}

/* Rule: space visibility above 0 (1 registered users, 2 everyone). */
static void test_rule_space_visibility(void **state)
{
    (void)state;
    struct source_settings set = settings("2, 7");
    struct feed_report r = {0};
    struct fake f;
    /* People Leads (7, visibility 0) is allow-listed: reported, and its posts never read. */
    struct feed *feed = poll(sample("humhub_spaces.json"),
                             edit(sample("humhub_posts.json"), "\"contentcontainer_id\": 5,",
                                  "\"contentcontainer_id\": 19,"),
                             &set, &r, &f);
    expect(feed, &r, "space-7", REASON_GROUP_NOT_OPEN);
    assert_non_null(strstr(verdict(&r, "space-7")->detail, "private"));
    for (size_t i = 0; i < f.n_log; i++)
        assert_null(strstr(f.log[i], "/container/19"));
    fake_clear(&f);
    /* ...and a post that joins to it through another listing is not shown either. */
    expect(feed, &r, WELCOME, REASON_GROUP_NOT_OPEN);
    expect(feed, &r, HELP, REASON_SHOWN);
    feed_report_clear(&r);
    feed_destroy(feed);

    /* Visibility 0, missing, or a string: the space is not read and nothing shows. */
    const char *bad[] = {"\"visibility\": 0,", "", "\"visibility\": \"2\","};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        set = settings("2");
        feed = poll(edit(sample("humhub_spaces.json"), "\"visibility\": 2,", bad[i]),
                    sample("humhub_posts.json"), &set, &r, &f);
        assert_int_equal(feed->n_items, 0);
        assert_int_equal(r.n, 1);
        expect(feed, &r, "space-2", REASON_GROUP_NOT_OPEN);
        assert_int_equal(f.n_log, 1);
        fake_clear(&f);
        feed_report_clear(&r);
        feed_destroy(feed);
    }
}

/* Rule: the space is enabled (status 1). */
static void test_rule_space_enabled(void **state)
{
    (void)state;
    struct source_settings set = settings("2");
    struct feed_report r = {0};
    struct feed *feed = poll(edit(sample("humhub_spaces.json"), "\"status\": 1,", "\"status\": 2,"),
                             sample("humhub_posts.json"), &set, &r, NULL);
    expect(feed, &r, "space-2", REASON_GROUP_NOT_OPEN);
    assert_non_null(strstr(verdict(&r, "space-2")->detail, "not enabled"));
    assert_int_equal(feed->n_items, 0);
    feed_report_clear(&r);
    feed_destroy(feed);
}

/* Rule: content visibility 1 (public); 0 private, 2 owner only, or missing: not shown. */
static void test_rule_content_visibility(void **state)
{
    (void)state;
    struct source_settings set = settings("2");
    struct feed_report r = {0};
    char *posts = sample("humhub_posts.json");
    posts = edit_nth(posts, "\"visibility\": 1,", "\"visibility\": 0,", 1);
    posts = edit_nth(posts, "\"visibility\": 1,", "\"visibility\": 2,", 1);
    struct feed *feed = poll(sample("humhub_spaces.json"), posts, &set, &r, NULL);
    expect(feed, &r, WELCOME, REASON_NOT_PUBLIC);
    expect(feed, &r, HELP, REASON_NOT_PUBLIC);
    feed_report_clear(&r);
    feed_destroy(feed);
    posts = edit_nth(sample("humhub_posts.json"), "\"visibility\": 1,", "", 1);
    feed = poll(sample("humhub_spaces.json"), posts, &set, &r, NULL);
    expect(feed, &r, WELCOME, REASON_NOT_PUBLIC);
    feed_report_clear(&r);
    feed_destroy(feed);
}

/* Rule: state published (1); a draft (10), scheduled (20) or deleted (100) post is not. */
static void test_rule_published(void **state)
{
    (void)state;
    struct source_settings set = settings("2");
    struct feed_report r = {0};
    char *posts = sample("humhub_posts.json");
    posts = edit_nth(posts, "\"state\": 1,", "\"state\": 10,", 1);
    posts = edit_nth(posts, "\"state\": 1,", "\"state\": \"1\",", 1);
    struct feed *feed = poll(sample("humhub_spaces.json"), posts, &set, &r, NULL);
    expect(feed, &r, WELCOME, REASON_NOT_PUBLIC);
    expect(feed, &r, HELP, REASON_NOT_PUBLIC);
    assert_non_null(strstr(verdict(&r, WELCOME)->detail, "not published"));
    feed_report_clear(&r);
    feed_destroy(feed);
}

/* Rule: not hidden. */
static void test_rule_not_hidden(void **state)
{
    (void)state;
    struct source_settings set = settings("2");
    struct feed_report r = {0};
    char *posts = sample("humhub_posts.json");
    posts = edit_nth(posts, "\"hidden\": false,", "\"hidden\": true,", 1);
    posts = edit_nth(posts, "\"hidden\": false,", "", 1);
    struct feed *feed = poll(sample("humhub_spaces.json"), posts, &set, &r, NULL);
    expect(feed, &r, WELCOME, REASON_NOT_PUBLIC);
    expect(feed, &r, HELP, REASON_NOT_PUBLIC);
    assert_string_equal(verdict(&r, WELCOME)->detail, "the content is hidden");
    feed_report_clear(&r);
    feed_destroy(feed);
}

/* Rule: not archived. */
static void test_rule_not_archived(void **state)
{
    (void)state;
    struct source_settings set = settings("2");
    struct feed_report r = {0};
    char *posts = sample("humhub_posts.json");
    posts = edit_nth(posts, "\"archived\": false,", "\"archived\": true,", 1);
    posts = edit_nth(posts, "\"archived\": false,", "\"archived\": \"false\",", 1);
    struct feed *feed = poll(sample("humhub_spaces.json"), posts, &set, &r, NULL);
    expect(feed, &r, WELCOME, REASON_NOT_PUBLIC);
    expect(feed, &r, HELP, REASON_NOT_PUBLIC);
    assert_string_equal(verdict(&r, WELCOME)->detail, "the content is archived");
    feed_report_clear(&r);
    feed_destroy(feed);
}

/* An introduction space: the one person mentioned is the new colleague. */
static void test_introduction_mention(void **state)
{
    (void)state;
    struct source_settings set = settings("2");
    set.introduction_groups = "2";
    struct feed_report r = {0};
    char *posts = edit(sample("humhub_posts.json"), "**Anna Berg**",
                       "[Anna Berg](mention:e1e2e3e4-5555-4666-8777-888899990000 "
                       "\\\"https://intranet.example.com/u/anna.berg/\\\")");
    struct feed *feed = poll(sample("humhub_spaces.json"), posts, &set, &r, NULL);
    const struct item *it = feed_find(feed, WELCOME);
    assert_non_null(it);
    assert_int_equal(it->type, ITEM_INTRODUCTION);
    assert_string_equal(it->person.name, "Anna Berg");
    assert_string_equal(it->person.avatar_url,
                        BASE "/uploads/profile_image/e1e2e3e4-5555-4666-8777-888899990000.jpg");
    assert_non_null(strstr(it->body, "Please welcome Anna Berg to the Data Platform team!"));
    assert_false(item_mentions(it, "mention:"));
    /* No mention: the author's post (featured), not the author as the new colleague. */
    it = feed_find(feed, HELP);
    assert_int_equal(it->type, ITEM_POST);
    assert_true(it->highlighted);
    assert_string_equal(it->author.name, "Omar Haddad");
    feed_report_clear(&r);
    feed_destroy(feed);
}

static void test_rate_limited(void **state)
{
    (void)state;
    struct fake f = {0};
    fake_route(&f, URL_SPACES, 200, sample("humhub_spaces.json"), -1);
    fake_route(&f, URL_POSTS, 200, sample("humhub_posts.json"), -1);
    fake_route(&f, URL_POSTS_2, 429, xstrdup("{}"), 30);
    struct source_settings set = settings("2");
    struct feed_report r = {0};
    long status, retry;
    struct feed *feed = fake_poll(&f, &set, &r, &status, &retry, NULL, 0);
    assert_null(feed);
    assert_int_equal(status, 429);
    assert_int_equal(retry, 30);
    fake_clear(&f);
}

static void test_text_helpers(void **state)
{
    (void)state;
    int64_t t, want;
    assert_true(source_time_utc("2024-09-02 07:41:10", &t));
    assert_true(time_parse_rfc3339("2024-09-02T07:41:10Z", &want));
    assert_int_equal(t, want);
    assert_false(source_time_utc("2024-09-02 07:41", &t));
    assert_false(source_time_utc("2024-09-02 07:41:10 +0000", &t));
    char *s = source_markdown_text("## News\n> quoted **bold** __too__ `code` ~~gone~~ :tada: "
                                   "at 10:30:00 #help ![pic](x.png) [a link](https://x/y) \\*");
    assert_string_equal(s, "News\nquoted bold too code gone  at 10:30:00 #help  a link *");
    free(s);
    s = source_html_text("a &amp; b &lt;c&gt; <b>bold</b> &hellip; &#233;&#x263A; &bogus; <br>x");
    assert_string_equal(s, "a & b <c> bold \xE2\x80\xA6 \xC3\xA9\xE2\x98\xBA &bogus; \nx");
    free(s);
    char *rest;
    s = source_split_title("\n  \nFirst line\nsecond\n\nthird", &rest);
    assert_string_equal(s, "First line");
    assert_string_equal(rest, "second\n\nthird");
    free(s);
    free(rest);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samples_map_to_items),
        cmocka_unit_test(test_rule_allow_list),
        cmocka_unit_test(test_rule_space_visibility),
        cmocka_unit_test(test_rule_space_enabled),
        cmocka_unit_test(test_rule_content_visibility),
        cmocka_unit_test(test_rule_published),
        cmocka_unit_test(test_rule_not_hidden),
        cmocka_unit_test(test_rule_not_archived),
        cmocka_unit_test(test_introduction_mention),
        cmocka_unit_test(test_rate_limited),
        cmocka_unit_test(test_text_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
