/* config_diff: the keys a configuration reload must apply. */
#include "config.h"
#include "util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void collect(void *ctx, const char *key)
{
    struct strbuf *b = ctx;
    strbuf_appendf(b, "%s;", key);
}

static char *diff_of(const char *a_text, const char *b_text)
{
    struct config a, b;
    config_init(&a);
    config_init(&b);
    assert_int_equal(config_load_string(&a, "a", a_text, NULL, NULL), 0);
    assert_int_equal(config_load_string(&b, "b", b_text, NULL, NULL), 0);
    struct strbuf out = {0};
    config_diff(&a, &b, collect, &out);
    config_free(&a);
    config_free(&b);
    return out.data ? out.data : xstrdup("");
}

static void expect(const char *a, const char *b, const char *want)
{
    char *got = diff_of(a, b);
    assert_string_equal(got, want);
    free(got);
}

static void test_diff(void **state)
{
    (void)state;
    expect("", "", "");
    /* restating a default is no change; every value type is compared */
    expect("", "[display]\nslide_seconds = 12\nlayout = auto\n", "");
    expect("", "[feed]\nurl = https://x.example/f\n", "feed.url;");
    expect("[feed]\nurl = https://x.example/f\n", "[feed]\nurl = https://x.example/g\n",
           "feed.url;");
    expect("[feed]\nurl = https://x.example/f\n", "", "feed.url;");
    expect("", "[display]\nwindow = 800x600\n", "display.window;");
    expect("[display]\nwindow = 800x600\n", "[display]\nwindow = 800x480\n", "display.window;");
    expect("", "[display]\nclock_24h = false\nlanguage = nl\n",
           "display.language;display.clock_24h;");
    expect("", "[log]\nlevel = debug\n[cache]\nstatus_dir = /srv/s\n",
           "cache.status_dir;log.level;");
    expect("", "[feed]\nrefresh_interval = 30\n[display]\nrotation = 90\n",
           "feed.refresh_interval;display.rotation;");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
