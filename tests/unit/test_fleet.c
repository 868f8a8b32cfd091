/* fleet: the status file, the metrics file and the display id on the feed URL. */
#include "fleet.h"
#include "util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const struct fleet_status SAMPLE = {
    .version = "0.1.0",
    .display_id = "kantine \"2e\"\\verdieping",
    .now = 1795683700,
    .started = 1795683600,
    .last_ok = 1795683690,
    .last_attempt = 1795683695,
    .last_error = "HTTP 503\nretry",
    .http_status = 503,
    .refreshes = 7,
    .failures = 2,
    .items_shown = 16,
    .cache_bytes = 250208,
    .frames = 1234,
    .rss_bytes = 52428800,
};

static void test_json(void **state)
{
    (void)state;
    char *j = fleet_status_json(&SAMPLE);
    assert_string_equal(
        j, "{\"version\": \"0.1.0\", \"display_id\": \"kantine \\\"2e\\\"\\\\verdieping\", "
           "\"time\": 1795683700, \"started\": 1795683600, \"uptime_s\": 100, "
           "\"last_refresh_ok\": 1795683690, \"last_refresh_attempt\": 1795683695, "
           "\"last_error\": \"HTTP 503\\nretry\", \"http_status\": 503, \"refreshes\": 7, "
           "\"refresh_failures\": 2, \"items_shown\": 16, \"cache_bytes\": 250208, "
           "\"frames_drawn\": 1234, \"rss_bytes\": 52428800}\n");
    free(j);
    struct fleet_status fresh = {
        .version = "0.1.0", .display_id = "x", .now = 5, .started = 5, .last_error = ""};
    j = fleet_status_json(&fresh);
    assert_non_null(strstr(j, "\"last_refresh_ok\": null, \"last_refresh_attempt\": null, "
                              "\"last_error\": null"));
    free(j);
}

/* Every sample line has HELP and TYPE lines before it, names are prikbord_*, label values are
 * escaped. */
static void test_prom(void **state)
{
    (void)state;
    char *p = fleet_status_prom(&SAMPLE);
    assert_non_null(strstr(
        p, "prikbord_info{version=\"0.1.0\",display=\"kantine \\\"2e\\\"\\\\verdieping\"} 1\n"));
    assert_non_null(strstr(p, "# HELP prikbord_uptime_seconds "));
    assert_non_null(
        strstr(p, "# TYPE prikbord_uptime_seconds gauge\nprikbord_uptime_seconds 100\n"));
    assert_non_null(strstr(p, "\nprikbord_last_refresh_success_timestamp_seconds 1795683690\n"));
    assert_non_null(strstr(p, "\nprikbord_last_refresh_ok 0\n"));
    assert_non_null(strstr(
        p, "# TYPE prikbord_frames_drawn_total counter\nprikbord_frames_drawn_total 1234\n"));
    assert_non_null(strstr(p, "\nprikbord_resident_memory_bytes 52428800\n"));
    assert_non_null(strstr(p, "\nprikbord_cache_bytes 250208\n"));
    assert_non_null(strstr(p, "\nprikbord_items_shown 16\n"));
    int samples = 0;
    char *copy = xstrdup(p);
    for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#')
            continue;
        assert_true(strncmp(line, "prikbord_", 9) == 0);
        char name[80];
        size_t n = strcspn(line, "{ ");
        snprintf(name, sizeof name, "%.*s", (int)n, line);
        char *help = xasprintf("# HELP %s ", name), *type = xasprintf("# TYPE %s ", name);
        assert_non_null(strstr(p, help));
        assert_non_null(strstr(p, type));
        assert_true(strstr(p, type) < strstr(p, line));
        free(help);
        free(type);
        samples++;
    }
    assert_int_equal(samples, 12);
    free(copy);
    free(p);
    struct fleet_status ok = SAMPLE;
    ok.last_error = NULL;
    p = fleet_status_prom(&ok);
    assert_non_null(strstr(p, "\nprikbord_last_refresh_ok 1\n"));
    free(p);
}

static void url_is(const char *url, const char *id, const char *want)
{
    char *got = fleet_feed_url(url, id);
    assert_string_equal(got, want);
    free(got);
}

static void test_feed_url(void **state)
{
    (void)state;
    url_is("https://c.example/feed", "hal-1", "https://c.example/feed?display=hal-1");
    url_is("https://c.example/feed?x=1", "hal-1", "https://c.example/feed?x=1&display=hal-1");
    url_is("https://c.example/feed?", "a", "https://c.example/feed?display=a");
    url_is("https://c.example/feed?x=1&", "a", "https://c.example/feed?x=1&display=a");
    url_is("https://c.example/feed#top", "a", "https://c.example/feed?display=a#top");
    url_is("https://c.example/feed?x=1#top", "a", "https://c.example/feed?x=1&display=a#top");
    url_is("HTTP://c.example/f", "a", "HTTP://c.example/f?display=a");
    /* encoded: a name with blanks, '&' and UTF-8 */
    url_is("http://c.example/f", "kantine & hal \xC3\xA9",
           "http://c.example/f?display=kantine%20%26%20hal%20%C3%A9");
    /* the operator's own display parameter wins */
    url_is("https://c.example/f?display=mine", "a", "https://c.example/f?display=mine");
    url_is("https://c.example/f?a=1&DISPLAY=mine", "a", "https://c.example/f?a=1&DISPLAY=mine");
    url_is("https://c.example/f?displayed=1", "a", "https://c.example/f?displayed=1&display=a");
    /* not for a file: feed, nor without an id */
    url_is("file:///srv/feed.json", "a", "file:///srv/feed.json");
    url_is("https://c.example/f", "", "https://c.example/f");
    url_is("https://c.example/f", NULL, "https://c.example/f");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_prom),
        cmocka_unit_test(test_feed_url),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
