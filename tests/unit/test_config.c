#include "config.h"
#include "log.h"
#include "util.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Collects every reported problem as one "msg\n" line, so a test compares them all at once. */
struct reports {
    struct strbuf text;
    int n;
};

static void collect(void *ctx, const char *msg)
{
    struct reports *r = ctx;
    strbuf_appendf(&r->text, "%s\n", msg);
    r->n++;
}

static const char *text_of(const struct reports *r)
{
    return r->text.data ? r->text.data : "";
}

/* Loads text over c as file "t" and checks that the reports are exactly want ("" for none). */
static void load_expect(struct config *c, const char *text, const char *want)
{
    struct reports r = {0};
    int n = config_load_string(c, "t", text, collect, &r);
    assert_string_equal(text_of(&r), want);
    assert_int_equal(n, r.n);
    strbuf_free(&r.text);
}

static void assert_str_or_null(const char *got, const char *want)
{
    if (!want) {
        assert_null(got);
    } else {
        assert_non_null(got);
        assert_string_equal(got, want);
    }
}

static void assert_defaults(const struct config *c)
{
    assert_null(c->feed_url);
    assert_null(c->token);
    assert_null(c->token_file);
    assert_null(c->ca_file);
    assert_string_equal(c->source, "prikbord");
    assert_int_equal(c->refresh_interval_s, 60);
    assert_int_equal(c->max_feed_bytes, 8388608);
    assert_string_equal(c->layout, "auto");
    assert_int_equal(c->window_w, 0);
    assert_int_equal(c->window_h, 0);
    assert_int_equal(c->slide_seconds, 12);
    assert_int_equal(c->transition_ms, 600);
    assert_int_equal(c->max_fps, 30);
    assert_false(c->show_all_posts);
    assert_string_equal(c->language, "auto");
    assert_int_equal(c->rotation, 0);
    assert_true(c->clock_24h);
    assert_null(c->cache_dir);
    assert_int_equal(c->log_level, LOG_INFO);
}

static char *make_temp_dir(void)
{
    const char *base = getenv("TMPDIR");
    char *tmpl = xasprintf("%s/test_config.XXXXXX", base && *base ? base : "/tmp");
    assert_non_null(mkdtemp(tmpl));
    return tmpl;
}

static char *write_temp_file(const char *dir, const char *name, const char *data, size_t len)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return path;
}

static void test_defaults(void **state)
{
    (void)state;
    struct config c;
    memset(&c, 0xA5, sizeof c); /* config_init must not trust what was there */
    config_init(&c);
    assert_defaults(&c);
    config_free(&c);
}

static void test_free_is_null_safe_and_reinit_works(void **state)
{
    (void)state;
    config_free(NULL);
    struct config c;
    config_init(&c);
    load_expect(&c, "[feed]\nurl = https://a.example/feed\n[cache]\ndir = /tmp/x\n", "");
    config_free(&c);
    assert_null(c.feed_url);
    config_free(&c); /* twice is harmless */
    config_init(&c);
    assert_defaults(&c);
    config_free(&c);
}

static void test_every_type_parses(void **state)
{
    (void)state;
    struct config c;
    config_init(&c);
    load_expect(&c,
                "[feed]\n"
                "url = https://community.example.com/feed?x=1#top\n"
                "token = abc.def==\n"
                "token_file = /etc/prikbord/token\n"
                "ca_file = /etc/ssl/company.pem\n"
                "source = HumHub\n"
                "refresh_interval = 86400\n"
                "max_feed_bytes = 65536\n"
                "[display]\n"
                "layout = layouts/wide.json\n"
                "window = 1280x720\n"
                "slide_seconds = +3\n"
                "transition_ms = 0\n"
                "max_fps = 120\n"
                "show_all_posts = YES\n"
                "language = nl\n"
                "rotation = 270\n"
                "clock_24h = off\n"
                "[cache]\n"
                "dir = /var/cache/prikbord\n"
                "[log]\n"
                "level = Debug\n",
                "");
    assert_string_equal(c.feed_url, "https://community.example.com/feed?x=1#top");
    assert_string_equal(c.token, "abc.def==");
    assert_string_equal(c.token_file, "/etc/prikbord/token");
    assert_string_equal(c.ca_file, "/etc/ssl/company.pem");
    assert_string_equal(c.source, "humhub"); /* stored in its canonical spelling */
    assert_int_equal(c.refresh_interval_s, 86400);
    assert_int_equal(c.max_feed_bytes, 65536);
    assert_string_equal(c.layout, "layouts/wide.json");
    assert_int_equal(c.window_w, 1280);
    assert_int_equal(c.window_h, 720);
    assert_int_equal(c.slide_seconds, 3);
    assert_int_equal(c.transition_ms, 0);
    assert_int_equal(c.max_fps, 120);
    assert_true(c.show_all_posts);
    assert_string_equal(c.language, "nl");
    assert_int_equal(c.rotation, 270);
    assert_false(c.clock_24h);
    assert_string_equal(c.cache_dir, "/var/cache/prikbord");
    assert_int_equal(c.log_level, LOG_DEBUG);
    config_free(&c);
}

static void test_bool_spellings(void **state)
{
    (void)state;
    static const char *const yes[] = {"true", "TRUE", "yes", "Yes", "on", "1"};
    static const char *const no[] = {"false", "False", "no", "NO", "off", "0"};
    struct config c;
    config_init(&c);
    for (size_t i = 0; i < ARRAY_LEN(yes); i++) {
        char *text = xasprintf("[display]\nshow_all_posts = %s\nclock_24h = %s\n", yes[i], no[i]);
        load_expect(&c, text, "");
        assert_true(c.show_all_posts);
        assert_false(c.clock_24h);
        free(text);
        text = xasprintf("[display]\nshow_all_posts = %s\nclock_24h = %s\n", no[i], yes[i]);
        load_expect(&c, text, "");
        assert_false(c.show_all_posts);
        assert_true(c.clock_24h);
        free(text);
    }
    load_expect(&c, "[display]\nclock_24h = 2\n",
                "t:2: clock_24h: '2' is not true or false (or yes/no, on/off, 1/0)\n");
    load_expect(&c, "[display]\nclock_24h =\n", "t:2: clock_24h: a value is required\n");
    assert_true(c.clock_24h);
    config_free(&c);
}

/* Every kind of problem, each with its exact text and line number. */
static void test_error_messages(void **state)
{
    (void)state;
    struct config c;
    config_init(&c);
    load_expect(&c,
                "url = https://x.example/feed\n"      /* 1 */
                "[feed]\n"                            /* 2 */
                "refresh_interval = 5\n"              /* 3 */
                "source = myspace\n"                  /* 4 */
                "\n"                                  /* 5 */
                "[display]\n"                         /* 6 */
                "colour = red\n"                      /* 7 */
                "slide_seconds = 1\n"                 /* 8 */
                "max_fps = 121\n"                     /* 9 */
                "transition_ms = fast\n"              /* 10 */
                "show_all_posts = maybe\n"            /* 11 */
                "url = x\n"                           /* 12 */
                "language = de\n"                     /* 13 */
                "rotation = 45\n"                     /* 14 */
                "max_fps = 99999999999999999999999\n" /* 15 */
                "slide_seconds = 12s\n"               /* 16 */
                "slide_seconds =\n"                   /* 17 */
                "layout = a\x01z\n"                   /* 18 */
                "; a comment\n"                       /* 19 */
                "# another comment\n"                 /* 20 */
                "[colours]\n"                         /* 21 */
                "background = red\n"                  /* 22: silent, [colours] was reported */
                "[log]\n"                             /* 23 */
                "level = loud\n"                      /* 24 */
                "just some words\n"                   /* 25 */
                "[display\n"                          /* 26 */
                "[ Display ]\n"                       /* 27: blanks and case are fine */
                "max_fps = 25 ; an inline comment\n", /* 28 */
                "t:1: unknown key 'url' outside any section (it belongs in [feed])\n"
                "t:3: refresh_interval: 5 is below the minimum 10\n"
                "t:4: source: 'myspace' is not one of prikbord, yammer, humhub or discourse\n"
                "t:7: unknown key 'colour' in [display]\n"
                "t:8: slide_seconds: 1 is below the minimum 3\n"
                "t:9: max_fps: 121 is above the maximum 120\n"
                "t:10: transition_ms: 'fast' is not a whole number\n"
                "t:11: show_all_posts: 'maybe' is not true or false (or yes/no, on/off, 1/0)\n"
                "t:12: unknown key 'url' in [display] (it belongs in [feed])\n"
                "t:13: language: 'de' is not one of auto, nl or en\n"
                "t:14: rotation: 45 is not one of 0, 90, 180 or 270\n"
                "t:15: max_fps: 99999999999999999999999 is above the maximum 120\n"
                "t:16: slide_seconds: '12s' is not a whole number\n"
                "t:17: slide_seconds: a value is required\n"
                "t:18: layout: the value contains a control character\n"
                "t:21: unknown section [colours]\n"
                "t:24: level: 'loud' is not one of debug, info, warn or error\n"
                "t:25: expected 'key = value' or '[section]'\n"
                "t:26: section name without a closing ']'\n");
    /* Every bad value left the default in place; the good lines around them took effect. */
    assert_null(c.feed_url);
    assert_str_or_null(c.source, "prikbord");
    assert_int_equal(c.refresh_interval_s, 60);
    assert_int_equal(c.slide_seconds, 12);
    assert_int_equal(c.transition_ms, 600);
    assert_false(c.show_all_posts);
    assert_str_or_null(c.language, "auto");
    assert_int_equal(c.rotation, 0);
    assert_str_or_null(c.layout, "auto");
    assert_int_equal(c.log_level, LOG_INFO);
    assert_int_equal(c.max_fps, 25);
    config_free(&c);
}

static void test_bad_values_keep_previous(void **state)
{
    (void)state;
    struct config c;
    config_init(&c);
    load_expect(&c,
                "[feed]\nsource = yammer\nrefresh_interval = 300\n"
                "[display]\nlayout = wide\nwindow = 800x600\nslide_seconds = 20\n"
                "show_all_posts = true\nrotation = 90\n[log]\nlevel = warn\n",
                "");
    struct reports r = {0};
    int n = config_load_string(&c, "t",
                               "[feed]\nsource = x\nrefresh_interval = 9\n"
                               "[display]\nlayout = \x7f\nwindow = 12x\nslide_seconds = 1\n"
                               "show_all_posts = perhaps\nrotation = 45\n[log]\nlevel = 3\n",
                               collect, &r);
    assert_int_equal(n, 8);
    assert_string_equal(c.source, "yammer");
    assert_int_equal(c.refresh_interval_s, 300);
    assert_string_equal(c.layout, "wide");
    assert_int_equal(c.window_w, 800);
    assert_int_equal(c.window_h, 600);
    assert_int_equal(c.slide_seconds, 20);
    assert_true(c.show_all_posts);
    assert_int_equal(c.rotation, 90);
    assert_int_equal(c.log_level, LOG_WARN);
    strbuf_free(&r.text);
    config_free(&c);
}

static void test_unknown_sections_and_keys(void **state)
{
    (void)state;
    struct config c;
    config_init(&c);
    /* An empty unknown section is still a typo worth reporting; the keys of an unknown
     * section are not reported one by one. */
    load_expect(&c, "[dispaly]\n[feeds]\nurl = x\ntoken = y\n[feed]\nlevel = debug\n",
                "t:1: unknown section [dispaly]\n"
                "t:2: unknown section [feeds]\n"
                "t:6: unknown key 'level' in [feed] (it belongs in [log])\n");
    assert_null(c.feed_url);
    assert_null(c.token);
    assert_int_equal(c.log_level, LOG_INFO);
    load_expect(&c, "[]\n= 5\n",
                "t:1: unknown section []\nt:2: unknown key '' outside any section\n");
    load_expect(&c, "[display]\n= 5\n", "t:2: unknown key '' in [display]\n");
    config_free(&c);
}

static void test_window(void **state)
{
    (void)state;
    struct config c;
    config_init(&c);
    load_expect(&c, "[display]\nwindow = 1280x720\n", "");
    assert_int_equal(c.window_w, 1280);
    assert_int_equal(c.window_h, 720);
    load_expect(&c, "[display]\nwindow = fullscreen\n", "");
    assert_int_equal(c.window_w, 0);
    assert_int_equal(c.window_h, 0);
    load_expect(&c, "[display]\nwindow = 64X16384\n", "");
    assert_int_equal(c.window_w, 64);
    assert_int_equal(c.window_h, 16384);
    load_expect(&c, "[display]\nwindow =\n", "");
    assert_int_equal(c.window_w, 0);
    assert_int_equal(c.window_h, 0);
    load_expect(&c, "[display]\nwindow = 1024x768\n", "");

    load_expect(&c,
                "[display]\n"
                "window = 0x0\n"
                "window = 99999x10\n"
                "window = 12x\n"
                "window = x12\n"
                "window = 640x480x2\n"
                "window = -640x480\n"
                "window = 640 x 480\n"
                "window = 640x63\n"
                "window = 640x99999999999999999999999\n"
                "window = FullScreen please\n",
                "t:2: window: width 0 is below the minimum 64\n"
                "t:3: window: width 99999 is above the maximum 16384\n"
                "t:4: window: '12x' is not WxH (like 1280x720) or fullscreen\n"
                "t:5: window: 'x12' is not WxH (like 1280x720) or fullscreen\n"
                "t:6: window: '640x480x2' is not WxH (like 1280x720) or fullscreen\n"
                "t:7: window: '-640x480' is not WxH (like 1280x720) or fullscreen\n"
                "t:8: window: '640 x 480' is not WxH (like 1280x720) or fullscreen\n"
                "t:9: window: height 63 is below the minimum 64\n"
                "t:10: window: height 99999999999999999999999 is above the maximum 16384\n"
                "t:11: window: 'FullScreen please' is not WxH (like 1280x720) or fullscreen\n");
    assert_int_equal(c.window_w, 1024);
    assert_int_equal(c.window_h, 768);
    config_free(&c);
}

static void test_rotation(void **state)
{
    (void)state;
    static const int ok[] = {0, 90, 180, 270};
    struct config c;
    config_init(&c);
    for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
        char *text = xasprintf("[display]\nrotation = %d\n", ok[i]);
        load_expect(&c, text, "");
        assert_int_equal(c.rotation, ok[i]);
        free(text);
    }
    load_expect(&c, "[display]\nrotation = 45\nrotation = 360\nrotation = -90\n",
                "t:2: rotation: 45 is not one of 0, 90, 180 or 270\n"
                "t:3: rotation: 360 is not one of 0, 90, 180 or 270\n"
                "t:4: rotation: -90 is not one of 0, 90, 180 or 270\n");
    assert_int_equal(c.rotation, 270);
    config_free(&c);
}

static void test_strings_duplicates_and_layout(void **state)
{
    (void)state;
    struct config c;
    config_init(&c);
    /* The later of two keys wins, silently; an empty value unsets a string. */
    load_expect(&c, "[feed]\nurl = https://a.example/\nurl = https://b.example/\n", "");
    assert_string_equal(c.feed_url, "https://b.example/");
    load_expect(&c, "[feed]\nurl =\n[display]\nlayout =   \n", "");
    assert_null(c.feed_url);
    assert_null(c.layout);
    /* Blanks around names and values are trimmed; an indented key is a key, not a
     * continuation of the previous value; CRLF line ends and a UTF-8 BOM are fine. */
    load_expect(&c, "\xEF\xBB\xBF[display]\r\n  layout = wide  \r\n\tmax_fps=20\r\n", "");
    assert_string_equal(c.layout, "wide");
    assert_int_equal(c.max_fps, 20);
    load_expect(&c, "[display]\nlayout: tall\n", "");
    assert_string_equal(c.layout, "tall");
    load_expect(&c, "[display]\nlayout = a tab\there ; comment\n", "");
    assert_string_equal(c.layout, "a tab\there");
    config_free(&c);
}

static void test_token_never_echoed(void **state)
{
    (void)state;
    struct config c;
    config_init(&c);
    struct reports r = {0};
    /* A bad token value and a token pasted on a line of its own. */
    config_load_string(
        &c, "t", "[feed]\ntoken = SECRET\x01TOKEN\nSECRETTOKENeyJhbGciOiJIUzI1NiJ9\n", collect, &r);
    assert_int_equal(r.n, 2);
    assert_null(strstr(text_of(&r), "SECRET"));
    assert_null(c.token);
    strbuf_free(&r.text);
    config_free(&c);
}

static void test_config_set(void **state)
{
    (void)state;
    struct config c;
    char err[256];
    config_init(&c);
    assert_true(config_set(&c, "display.layout", "wide", err, sizeof err));
    assert_string_equal(c.layout, "wide");
    assert_true(config_set(&c, "Display.Window", " 800x480 ", err, sizeof err));
    assert_int_equal(c.window_w, 800);
    assert_int_equal(c.window_h, 480);
    assert_true(config_set(&c, "feed.source", "discourse", err, sizeof err));
    assert_string_equal(c.source, "discourse");
    assert_true(config_set(&c, "log.level", "error", err, sizeof err));
    assert_int_equal(c.log_level, LOG_ERROR);
    assert_true(config_set(&c, "feed.token", "t0k3n", err, sizeof err));
    assert_string_equal(c.token, "t0k3n");
    assert_true(config_set(&c, "feed.token", "", err, sizeof err));
    assert_null(c.token);

    assert_false(config_set(&c, "display.colour", "red", err, sizeof err));
    assert_string_equal(err, "unknown key 'display.colour'");
    assert_false(config_set(&c, "layout", "x", err, sizeof err));
    assert_string_equal(err, "unknown key 'layout' (did you mean 'display.layout'?)");
    assert_false(config_set(&c, "feed.slide_seconds", "5", err, sizeof err));
    assert_string_equal(err, "unknown key 'feed.slide_seconds' (did you mean "
                             "'display.slide_seconds'?)");
    assert_false(config_set(&c, "", "x", err, sizeof err));
    assert_string_equal(err, "unknown key ''");
    assert_false(config_set(&c, "display.slide_seconds", "1", err, sizeof err));
    assert_string_equal(err, "slide_seconds: 1 is below the minimum 3");
    assert_int_equal(c.slide_seconds, 12);
    assert_false(config_set(&c, "display.rotation", "45", err, sizeof err));
    assert_string_equal(err, "rotation: 45 is not one of 0, 90, 180 or 270");
    assert_false(config_set(&c, "display.layout", NULL, err, sizeof err));
    assert_string_equal(c.layout, "wide");
    /* No room for a message is fine, and a short buffer is cut, not overrun. */
    assert_false(config_set(&c, "display.window", "12x", NULL, 0));
    char tiny[8];
    assert_false(config_set(&c, "display.window", "12x", tiny, sizeof tiny));
    assert_string_equal(tiny, "window:");
    assert_int_equal(c.window_w, 800);
    config_free(&c);
}

/* Every key the table knows is settable, and sets the field it names. */
static void test_config_set_reaches_every_key(void **state)
{
    (void)state;
    char *keys = NULL;
    size_t keys_len = 0;
    FILE *out = open_memstream(&keys, &keys_len);
    assert_non_null(out);
    config_print_keys(out);
    assert_int_equal(fclose(out), 0);
    int n = 0;
    for (char *line = strtok(keys, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == ' ')
            continue;
        char *eq = strstr(line, " = ");
        assert_non_null(eq);
        *eq = '\0';
        struct config c;
        char err[256];
        config_init(&c);
        /* The default as printed is a valid value; "(unset)" is written as an empty one. */
        const char *value = strcmp(eq + 3, "(unset)") == 0 ? "" : eq + 3;
        if (!config_set(&c, line, value, err, sizeof err))
            fail_msg("%s = %s: %s", line, value, err);
        config_free(&c);
        n++;
    }
    /* + [input] 6, [video] 6, [yammer] 5, [humhub] 6, [discourse] 4 */
    assert_int_equal(n, 44 + 6 + 6 + 15);
    free(keys);
}

static void test_print_keys(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    config_print_keys(out);
    assert_int_equal(fclose(out), 0);
    assert_non_null(strstr(text, "feed.url = (unset)\n    Address of the feed"));
    assert_non_null(strstr(text, "display.slide_seconds = 12\n    Shortest time a slide stays on "
                                 "screen, in seconds. From 3 to 600.\n"));
    assert_non_null(strstr(text, "display.rotation = 0\n"));
    assert_non_null(strstr(text, "One of 0, 90, 180 or 270."));
    assert_non_null(strstr(text, "log.level = info\n"));
    assert_non_null(strstr(text, "One of debug, info, warn or error."));
    assert_non_null(strstr(text, "display.window = fullscreen\n"));
    free(text);
}

static char *read_whole_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    struct strbuf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        strbuf_append(&b, chunk, n);
    fclose(f);
    return b.data;
}

/* The shipped example loads cleanly, only restates the defaults, and mentions every key in
 * its section (set, or commented out as "# key ="). */
static void test_example_file(void **state)
{
    (void)state;
    const char *src = getenv("PRIKBORD_SOURCE_DIR");
    assert_non_null(src);
    char *path = xasprintf("%s/docs/prikbord.conf.example", src);
    struct config c;
    struct reports r = {0};
    config_init(&c);
    int n = config_load_file(&c, path, collect, &r);
    assert_string_equal(text_of(&r), "");
    assert_int_equal(n, 0);
    assert_defaults(&c);
    config_free(&c);
    strbuf_free(&r.text);

    char *example = read_whole_file(path);
    char *keys = NULL;
    size_t keys_len = 0;
    FILE *out = open_memstream(&keys, &keys_len);
    assert_non_null(out);
    config_print_keys(out);
    assert_int_equal(fclose(out), 0);
    for (char *line = strtok(keys, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == ' ')
            continue;
        char *dot = strchr(line, '.');
        char *eq = strstr(line, " = ");
        assert_non_null(dot);
        assert_non_null(eq);
        char *header = xasprintf("\n[%.*s]\n", (int)(dot - line), line);
        char *set = xasprintf("\n%.*s =", (int)(eq - dot - 1), dot + 1);
        char *commented = xasprintf("\n# %.*s =", (int)(eq - dot - 1), dot + 1);
        const char *section = strstr(example, header);
        if (!section)
            fail_msg("example lacks section %s", header + 1);
        const char *next = strstr(section + 1, "\n[");
        const char *hit = strstr(section, set);
        if (!hit || (next && hit > next))
            hit = strstr(section, commented);
        if (!hit || (next && hit > next))
            fail_msg("example does not document %.*s", (int)(eq - line), line);
        free(header);
        free(set);
        free(commented);
    }
    free(keys);
    free(example);
    free(path);
}

static void test_long_lines(void **state)
{
    (void)state;
    struct config c;
    config_init(&c);
    /* 199 bytes is the most inih's line buffer takes. */
    char max_line[200];
    memset(max_line, 'a', sizeof max_line - 1);
    max_line[199] = '\0';
    memcpy(max_line, "layout = ", 9);
    char *text = xasprintf("[display]\n%s\n", max_line);
    load_expect(&c, text, "");
    assert_int_equal(strlen(c.layout), 199 - 9);
    free(text);
    text = xasprintf("[display]\n%sa\r\nmax_fps = 21\n", max_line);
    load_expect(&c, text, "t:2: line too long (200 bytes; the limit is 199)\n");
    assert_int_equal(c.max_fps, 21);
    free(text);

    /* A 100 kB single line, in a string and in a file, is one problem and the lines around it
     * still count. */
    size_t big = 100 * 1024;
    struct strbuf b = {0};
    strbuf_appends(&b, "[display]\nslide_seconds = 5\nlayout = ");
    for (size_t i = 0; i < big; i++)
        strbuf_append(&b, "x", 1);
    strbuf_appends(&b, "\nmax_fps = 20\n");
    char *want = xasprintf("t:3: line too long (%zu bytes; the limit is 199)\n", big + 9);
    load_expect(&c, b.data, want);
    assert_int_equal(c.slide_seconds, 5);
    assert_int_equal(c.max_fps, 20);
    assert_int_equal(strlen(c.layout), 199 - 9);

    char *dir = make_temp_dir();
    char *path = write_temp_file(dir, "long.conf", b.data, b.len);
    struct reports r = {0};
    assert_int_equal(config_load_file(&c, path, collect, &r), 1);
    char *want_file =
        xasprintf("%s:3: line too long (%zu bytes; the limit is 199)\n", path, big + 9);
    assert_string_equal(text_of(&r), want_file);
    unlink(path);
    rmdir(dir);
    free(want_file);
    free(path);
    free(dir);
    free(want);
    strbuf_free(&r.text);
    strbuf_free(&b);
    config_free(&c);
}

static void test_nul_bytes(void **state)
{
    (void)state;
    static const char data[] = "[display]\nslide_seconds = 5\nlay\0out = x\nmax_fps = 20\n"
                               "\0\0\0\nrotation = 90\n";
    char *dir = make_temp_dir();
    char *path = write_temp_file(dir, "nul.conf", data, sizeof data - 1);
    struct config c;
    struct reports r = {0};
    config_init(&c);
    assert_int_equal(config_load_file(&c, path, collect, &r), 2);
    char *want = xasprintf("%s:3: the line contains a NUL byte\n%s:5: the line contains a NUL "
                           "byte\n",
                           path, path);
    assert_string_equal(text_of(&r), want);
    assert_int_equal(c.slide_seconds, 5);
    assert_int_equal(c.max_fps, 20);
    assert_int_equal(c.rotation, 90);
    assert_string_equal(c.layout, "auto");
    unlink(path);
    rmdir(dir);
    free(want);
    free(path);
    free(dir);
    strbuf_free(&r.text);
    config_free(&c);
}

static void test_unreadable(void **state)
{
    (void)state;
    struct config c;
    struct reports r = {0};
    config_init(&c);
    assert_int_equal(config_load_file(&c, "/nonexistent-prikbord/prikbord.conf", collect, &r), 1);
    assert_string_equal(text_of(&r),
                        "/nonexistent-prikbord/prikbord.conf:0: cannot open: No such file or "
                        "directory\n");
    strbuf_free(&r.text);

    char *dir = make_temp_dir();
    r = (struct reports){0};
    assert_int_equal(config_load_file(&c, dir, collect, &r), 1);
    char *want = xasprintf("%s:0: cannot read: Is a directory\n", dir);
    assert_string_equal(text_of(&r), want);
    free(want);
    strbuf_free(&r.text);

    if (geteuid() != 0) { /* root reads anything */
        char *path = write_temp_file(dir, "secret.conf", "[display]\n", 10);
        assert_int_equal(chmod(path, 0), 0);
        r = (struct reports){0};
        assert_int_equal(config_load_file(&c, path, collect, &r), 1);
        want = xasprintf("%s:0: cannot open: Permission denied\n", path);
        assert_string_equal(text_of(&r), want);
        free(want);
        strbuf_free(&r.text);
        unlink(path);
        free(path);
    }
    rmdir(dir);
    free(dir);

    r = (struct reports){0};
    assert_int_equal(config_load_file(&c, NULL, collect, &r), 1);
    assert_string_equal(text_of(&r), "(no file):0: cannot open: Invalid argument\n");
    strbuf_free(&r.text);
    assert_defaults(&c);
    config_free(&c);
}

static void test_size_bound(void **state)
{
    (void)state;
    struct config c;
    struct reports r = {0};
    config_init(&c);
    /* One endless line: stops at the bound instead of reading forever. */
    assert_int_equal(config_load_file(&c, "/dev/zero", collect, &r), 1);
    assert_string_equal(text_of(&r),
                        "/dev/zero:1: the file is larger than 1048576 bytes; ignoring the rest\n");
    strbuf_free(&r.text);

    /* 2 MiB of 64-byte lines: exactly the first 16384 lines are read; the cut half line at
     * the bound is dropped rather than applied. */
    struct strbuf b = {0};
    while (b.len < 2 * 1024 * 1024)
        strbuf_appendf(&b, "%-63s\n", "# filler");
    r = (struct reports){0};
    assert_int_equal(config_load_string(&c, "t", b.data, collect, &r), 1);
    assert_string_equal(text_of(&r),
                        "t:16385: the file is larger than 1048576 bytes; ignoring the rest\n");
    strbuf_free(&r.text);
    strbuf_free(&b);
    config_free(&c);
}

static void test_null_report_logs(void **state)
{
    (void)state;
    struct config c;
    config_init(&c);
    enum log_level old = log_get_level();
    log_set_level(LOG_ERROR); /* keep the test output quiet; the path is what is tested */
    assert_int_equal(config_load_string(&c, NULL, "[x]\nfoo\n", NULL, NULL), 2);
    assert_int_equal(config_load_string(&c, "t", NULL, NULL, NULL), 0);
    log_set_level(old);
    config_free(&c);
}

static void test_too_many_problems(void **state)
{
    (void)state;
    struct strbuf b = {0};
    for (int i = 0; i < 500; i++)
        strbuf_appends(&b, "garbage\n");
    struct config c;
    struct reports r = {0};
    config_init(&c);
    assert_int_equal(config_load_string(&c, "t", b.data, collect, &r), 101);
    const char *text = text_of(&r);
    assert_non_null(strstr(text, "t:100: expected 'key = value' or '[section]'\n"
                                 "t:101: too many problems; ignoring the rest of the file\n"));
    assert_null(strstr(text, "t:101: expected"));
    strbuf_free(&r.text);
    strbuf_free(&b);
    config_free(&c);
}

/* Every naughty string, in every place a config file can hold user text: no crash, no
 * sanitizer report, at most one problem for its one line, always with the right line. */
static void test_naughty_strings(void **state)
{
    (void)state;
    static const char *const templates[] = {
        "[display]\nlayout = %s\n",
        "[display]\nwindow = %s\n",
        "[display]\nslide_seconds = %s\n",
        "[display]\nclock_24h = %s\n",
        "[feed]\nsource = %s\n",
        "[log]\nlevel = %s\n",
        "[feed]\ntoken = %s\n",
        "[%s]\n",
        "[display]\n%s = 1\n",
        "[display]\n%s\n",
    };
    static const char *const keys[] = {"display.layout", "display.window", "feed.source",
                                       "log.level", "display.rotation"};
    const char *shared = getenv("PRIKBORD_SHARED_DIR");
    assert_non_null(shared);
    char *path = xasprintf("%s/corpora/naughty-strings/blns.txt", shared);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int strings = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        strings++;
        for (size_t t = 0; t < ARRAY_LEN(templates); t++) {
            struct strbuf text = {0};
            const char *hole = strstr(templates[t], "%s");
            strbuf_append(&text, templates[t], (size_t)(hole - templates[t]));
            strbuf_appends(&text, line);
            strbuf_appends(&text, hole + 2);
            struct config c;
            struct reports r = {0};
            config_init(&c);
            int n = config_load_string(&c, "blns", text.data, collect, &r);
            assert_int_equal(n, r.n);
            if (n > 1)
                fail_msg("template %zu, string %d: %d problems:\n%s", t, strings, n, text_of(&r));
            if (n == 1 && strncmp(text_of(&r), t == 7 ? "blns:1: " : "blns:2: ", 8) != 0)
                fail_msg("template %zu, string %d: wrong line in %s", t, strings, text_of(&r));
            if (t == 0 && n == 0 && c.layout)
                assert_true(strlen(c.layout) <= (size_t)len);
            strbuf_free(&r.text);
            strbuf_free(&text);
            config_free(&c);
        }
        for (size_t k = 0; k < ARRAY_LEN(keys); k++) {
            struct config c;
            char err[256];
            config_init(&c);
            if (!config_set(&c, keys[k], line, err, sizeof err))
                assert_null(strchr(err, '\n'));
            config_free(&c);
        }
    }
    assert_true(strings > 500);
    free(line);
    fclose(f);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_free_is_null_safe_and_reinit_works),
        cmocka_unit_test(test_every_type_parses),
        cmocka_unit_test(test_bool_spellings),
        cmocka_unit_test(test_error_messages),
        cmocka_unit_test(test_bad_values_keep_previous),
        cmocka_unit_test(test_unknown_sections_and_keys),
        cmocka_unit_test(test_window),
        cmocka_unit_test(test_rotation),
        cmocka_unit_test(test_strings_duplicates_and_layout),
        cmocka_unit_test(test_token_never_echoed),
        cmocka_unit_test(test_config_set),
        cmocka_unit_test(test_config_set_reaches_every_key),
        cmocka_unit_test(test_print_keys),
        cmocka_unit_test(test_example_file),
        cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_nul_bytes),
        cmocka_unit_test(test_unreadable),
        cmocka_unit_test(test_size_bound),
        cmocka_unit_test(test_null_report_logs),
        cmocka_unit_test(test_too_many_problems),
        cmocka_unit_test(test_naughty_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
