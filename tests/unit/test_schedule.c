/* schedule: the rotation order, time windows, feeds replaced under a running rotation (run
 * under ASan to see that the old feed is never touched again), page numbers and dwell times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "model.h"
#include "schedule.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct feed *feed_new(void)
{
    struct feed *f = xcalloc(1, sizeof *f);
    f->version = 1;
    f->generated_at = TIME_NONE;
    return f;
}

static struct item *add(struct feed *f, const char *id, enum item_type type, int64_t published)
{
    f->items = xrealloc(f->items, (f->n_items + 1) * sizeof *f->items);
    struct item *it = &f->items[f->n_items++];
    *it = (struct item){
        .id = xstrdup(id),
        .type = type,
        .published_at = published,
        .show_from = TIME_NONE,
        .expires_at = TIME_NONE,
        .likes = -1,
        .comments = -1,
        .author = {.start_date = TIME_NONE},
        .person = {.start_date = TIME_NONE},
        .from = {.start_date = TIME_NONE},
        .until = TIME_NONE,
    };
    return it;
}

/* A feed of all four types in a shuffled order. */
static struct feed *mixed_feed(void)
{
    struct feed *f = feed_new();
    add(f, "p2", ITEM_POST, 100);
    add(f, "i1", ITEM_INTRODUCTION, 100);
    add(f, "h1", ITEM_HELP_REQUEST, 50);
    add(f, "p1", ITEM_POST, 300);
    add(f, "s1", ITEM_SHOUTOUT, 150);
    add(f, "i2", ITEM_INTRODUCTION, 200);
    add(f, "p3", ITEM_POST, 200);
    return f;
}

/* Advances n times at now and checks the ids, comma-separated, against want. */
static void expect_rotation(struct schedule *s, int64_t now, size_t n, const char *want)
{
    struct strbuf b = {0};
    strbuf_append(&b, "", 0);
    for (size_t i = 0; i < n; i++) {
        const struct item *it = schedule_advance(s, now);
        strbuf_appendf(&b, "%s%s", i ? "," : "", it ? it->id : "-");
        if (it)
            assert_ptr_equal(schedule_current(s), it);
    }
    assert_string_equal(b.data, want);
    strbuf_free(&b);
}

static void test_types_interleaved_newest_first(void **state)
{
    (void)state;
    struct feed *f = mixed_feed();
    struct schedule *s = schedule_create();
    assert_null(schedule_current(s));
    schedule_set_feed(s, f);
    assert_null(schedule_current(s)); /* nothing on screen before the first advance */
    /* New colleagues, shout-outs, posts, help requests in turn; newest first within a type;
     * types that run out drop out of the turn. Then the cycle starts again. */
    expect_rotation(s, 1000, 9, "i2,s1,p1,h1,i1,p3,p2,i2,s1");
    schedule_destroy(s);
    feed_destroy(f);

    /* Same publication time: ordered by id, so the order never depends on the feed's order. */
    f = feed_new();
    add(f, "b", ITEM_POST, 100);
    add(f, "c", ITEM_POST, 100);
    add(f, "a", ITEM_POST, 100);
    s = schedule_create();
    schedule_set_feed(s, f);
    expect_rotation(s, 1000, 4, "a,b,c,a");
    schedule_destroy(s);
    feed_destroy(f);
    schedule_destroy(NULL);
}

static void test_time_windows(void **state)
{
    (void)state;
    struct feed *f = mixed_feed();
    f->items[3].show_from = 2000;  /* p1: not yet at 1000 */
    f->items[4].expires_at = 3000; /* s1: gone from 3000 */
    f->items[2].until = -86400;    /* h1: help wanted through 31 December 1969 only */
    struct schedule *s = schedule_create();
    schedule_set_feed(s, f);
    expect_rotation(s, 1000, 6, "i2,s1,i1,p3,p2,i2");
    assert_int_equal(schedule_count_shown(s, 1000), 5);
    /* p1 enters its window: it comes back in its place. */
    expect_rotation(s, 2500, 7, "s1,p1,i1,p3,p2,i2,s1");
    assert_int_equal(schedule_count_shown(s, 2500), 6);
    /* s1 expires: never shown again. */
    expect_rotation(s, 3000, 6, "p1,i1,p3,p2,i2,p1");
    /* A window edge: shown from show_from on, not at expires_at itself. */
    assert_int_equal(item_time_verdict(&f->items[3], 1999), TIME_NOT_YET);
    assert_int_equal(item_time_verdict(&f->items[3], 2000), TIME_SHOWN);
    assert_int_equal(item_time_verdict(&f->items[4], 2999), TIME_SHOWN);
    assert_int_equal(item_time_verdict(&f->items[4], 3000), TIME_EXPIRED);
    schedule_destroy(s);
    feed_destroy(f);

    /* Nothing in its window: NULL, and nothing current. */
    f = feed_new();
    add(f, "late", ITEM_POST, 1)->show_from = 5000;
    add(f, "old", ITEM_SHOUTOUT, 1)->expires_at = 10;
    s = schedule_create();
    schedule_set_feed(s, f);
    expect_rotation(s, 1000, 2, "-,-");
    assert_null(schedule_current(s));
    assert_int_equal(schedule_count_shown(s, 1000), 0);
    assert_int_equal(schedule_page(s, 1000), 0);
    expect_rotation(s, 6000, 2, "late,late");
    schedule_destroy(s);
    feed_destroy(f);
}

static void test_single_item_repeats(void **state)
{
    (void)state;
    struct feed *f = mixed_feed();
    for (size_t i = 0; i < f->n_items; i++)
        if (strcmp(f->items[i].id, "p3") != 0)
            f->items[i].expires_at = 500;
    struct schedule *s = schedule_create();
    schedule_set_feed(s, f);
    expect_rotation(s, 1000, 4, "p3,p3,p3,p3");
    assert_int_equal(schedule_count_shown(s, 1000), 1);
    assert_int_equal(schedule_page(s, 1000), 1);
    schedule_destroy(s);
    feed_destroy(f);

    /* An empty feed and no feed at all: nothing, without a crash. */
    f = feed_new();
    s = schedule_create();
    schedule_set_feed(s, f);
    expect_rotation(s, 1000, 2, "-,-");
    schedule_set_feed(s, NULL);
    expect_rotation(s, 1000, 1, "-");
    assert_null(schedule_current(s));
    assert_int_equal(schedule_count_shown(s, 1000), 0);
    schedule_destroy(s);
    feed_destroy(f);
}

static void test_new_feed_keeps_current_and_place(void **state)
{
    (void)state;
    struct feed *a = mixed_feed();
    struct schedule *s = schedule_create();
    schedule_set_feed(s, a);
    expect_rotation(s, 1000, 3, "i2,s1,p1");

    /* A refresh: the same items (new copies), one new post and one new introduction. The
     * rotation goes on after p1 instead of starting over. */
    struct feed *b = mixed_feed();
    add(b, "p0", ITEM_POST, 400);
    add(b, "i0", ITEM_INTRODUCTION, 50);
    schedule_set_feed(s, b);
    const struct item *cur = schedule_current(s);
    assert_non_null(cur);
    assert_string_equal(cur->id, "p1");
    assert_ptr_equal(cur, feed_find(b, "p1")); /* a pointer into the new feed */
    /* New order: i2,s1,p0,h1,i1,p1,i0,p3,p2. */
    assert_int_equal(schedule_page(s, 1000), 6);
    assert_int_equal(schedule_count_shown(s, 1000), 9);
    expect_rotation(s, 1000, 5, "i0,p3,p2,i2,s1");
    schedule_destroy(s);
    feed_destroy(a);
    feed_destroy(b);
}

static void test_removed_current_restarts_from_top(void **state)
{
    (void)state;
    struct feed *a = mixed_feed();
    struct schedule *s = schedule_create();
    schedule_set_feed(s, a);
    expect_rotation(s, 1000, 4, "i2,s1,p1,h1");

    struct feed *b = mixed_feed();
    /* h1 is gone. */
    for (size_t i = 0; i < b->n_items; i++) {
        if (strcmp(b->items[i].id, "h1") == 0) {
            item_clear(&b->items[i]);
            b->items[i] = b->items[--b->n_items];
            break;
        }
    }
    schedule_set_feed(s, b);
    assert_null(schedule_current(s));
    assert_int_equal(schedule_page(s, 1000), 0);
    expect_rotation(s, 1000, 7, "i2,s1,p1,i1,p3,p2,i2");
    schedule_destroy(s);
    feed_destroy(a);
    feed_destroy(b);
}

static void test_old_feed_freed_first(void **state)
{
    (void)state;
    /* The app frees the old feed when the new one arrives, possibly before the schedule sees
     * the new one: set_feed must not look at the old feed (ASan reports any read). */
    struct schedule *s = schedule_create();
    struct feed *a = mixed_feed();
    schedule_set_feed(s, a);
    expect_rotation(s, 1000, 2, "i2,s1");
    feed_destroy(a);
    struct feed *b = mixed_feed();
    schedule_set_feed(s, b);
    assert_string_equal(schedule_current(s)->id, "s1");
    expect_rotation(s, 1000, 1, "p1");

    /* Again, with the current item gone from the new feed. */
    feed_destroy(b);
    struct feed *c = feed_new();
    add(c, "x", ITEM_POST, 1);
    schedule_set_feed(s, c);
    assert_null(schedule_current(s));
    expect_rotation(s, 1000, 2, "x,x");
    feed_destroy(c);
    schedule_set_feed(s, NULL);
    expect_rotation(s, 1000, 1, "-");
    schedule_destroy(s);
}

static void test_page_and_count(void **state)
{
    (void)state;
    struct feed *f = mixed_feed();
    f->items[0].expires_at = 500; /* p2 is not shown */
    struct schedule *s = schedule_create();
    schedule_set_feed(s, f);
    assert_int_equal(schedule_count_shown(s, 1000), 6);
    assert_int_equal(schedule_page(s, 1000), 0); /* before the first advance */
    for (size_t page = 1; page <= 6; page++) {
        schedule_advance(s, 1000);
        assert_int_equal(schedule_page(s, 1000), page);
    }
    schedule_advance(s, 1000);
    assert_int_equal(schedule_page(s, 1000), 1);
    /* Counted at another moment: p2 was still shown at 400, so i2 was on page 1 of 7. */
    assert_int_equal(schedule_count_shown(s, 400), 7);
    assert_int_equal(schedule_page(s, 400), 1);
    /* The current item left its window: not on any page. */
    f->items[5].expires_at = 1500; /* i2, the current one */
    assert_string_equal(schedule_current(s)->id, "i2");
    assert_int_equal(schedule_page(s, 2000), 0);
    assert_int_equal(schedule_count_shown(s, 2000), 5);
    schedule_destroy(s);
    feed_destroy(f);
}

static char *words(size_t n)
{
    struct strbuf b = {0};
    strbuf_append(&b, "", 0);
    for (size_t i = 0; i < n; i++)
        strbuf_appends(&b, i % 10 == 9 ? "woord\n" : "woord ");
    return b.data;
}

static void test_dwell(void **state)
{
    (void)state;
    struct feed *f = feed_new();
    struct item *it = add(f, "p", ITEM_POST, 1);
    const int64_t slide = 10000, max = 60000;
    /* Short texts get the slide time. */
    assert_int_equal(schedule_dwell_ms(it, slide, max), slide);
    it->title = xstrdup("Kort");
    assert_int_equal(schedule_dwell_ms(it, slide, max), slide);
    /* Longer ones grow with their words (title, body and message all count)... */
    int64_t prev = slide;
    for (size_t n = 40; n <= 120; n += 20) {
        free(it->body);
        it->body = words(n);
        int64_t d = schedule_dwell_ms(it, slide, max);
        assert_true(d > prev);
        prev = d;
    }
    free(it->message);
    it->message = words(5);
    assert_true(schedule_dwell_ms(it, slide, max) > prev);
    /* ...up to the cap. */
    free(it->body);
    it->body = words(5000);
    assert_int_equal(schedule_dwell_ms(it, slide, max), max);
    /* Extra spaces and line breaks are not words. */
    free(it->body);
    it->body = xstrdup("   een   \n\n  twee  ");
    free(it->message);
    it->message = NULL;
    free(it->title);
    it->title = NULL;
    assert_int_equal(schedule_dwell_ms(it, 1, max), 2 * 60000 / 180);
    feed_destroy(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_types_interleaved_newest_first),
        cmocka_unit_test(test_time_windows),
        cmocka_unit_test(test_single_item_repeats),
        cmocka_unit_test(test_new_feed_keeps_current_and_place),
        cmocka_unit_test(test_removed_current_restarts_from_top),
        cmocka_unit_test(test_old_feed_freed_first),
        cmocka_unit_test(test_page_and_count),
        cmocka_unit_test(test_dwell),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
