/* schedule: fair cycles, type interleaving, freshness, default lives, per-screen selection,
 * feeds replaced under a running rotation (run under ASan: the old feed is never touched
 * again), page numbers, reading time, and the fairness bound over a simulated week. */
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

#define DAY 86400
#define NOW (1795000000) /* 2026-11-19, a Thursday */

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
        .highlighted = type == ITEM_POST,
    };
    return it;
}

/* Default rules without freshness, so that a cycle is one pass. */
static struct schedule *plain_schedule(void)
{
    struct schedule *s = schedule_create();
    struct schedule_rules r = schedule_default_rules();
    r.fresh_s = 0;
    schedule_set_rules(s, &r);
    return s;
}

/* All four types, published two days ago (not fresh) in a shuffled order. */
static struct feed *mixed_feed(void)
{
    struct feed *f = feed_new();
    int64_t t = NOW - 2 * DAY;
    add(f, "p2", ITEM_POST, t + 100);
    add(f, "i1", ITEM_INTRODUCTION, t + 100);
    add(f, "h1", ITEM_HELP_REQUEST, t + 50);
    add(f, "p1", ITEM_POST, t + 300);
    add(f, "s1", ITEM_SHOUTOUT, t + 150);
    add(f, "i2", ITEM_INTRODUCTION, t + 200);
    add(f, "p3", ITEM_POST, t + 200);
    return f;
}

static char *rotation(struct schedule *s, int64_t now, size_t n)
{
    struct strbuf b = {0};
    strbuf_append(&b, "", 0);
    for (size_t i = 0; i < n; i++) {
        const struct item *it = schedule_advance(s, now);
        strbuf_appendf(&b, "%s%s", i ? "," : "", it ? it->id : "-");
        if (it)
            assert_ptr_equal(schedule_current(s), it);
    }
    return b.data;
}

#define expect_rotation(s, now, n, want)                                                           \
    do {                                                                                           \
        char *got_ = rotation(s, now, n);                                                          \
        assert_string_equal(got_, want);                                                           \
        free(got_);                                                                                \
    } while (0)

static void test_types_interleaved_newest_first(void **state)
{
    (void)state;
    struct feed *f = mixed_feed();
    struct schedule *s = plain_schedule();
    assert_null(schedule_current(s));
    schedule_set_feed(s, f);
    assert_null(schedule_current(s));
    /* New colleagues, shout-outs, posts, help requests in turn, newest first; a type that runs
     * out drops out of the turn; the new cycle goes on with the type after the last one. */
    expect_rotation(s, NOW, 9, "i2,s1,p1,h1,i1,p3,p2,h1,i2");
    schedule_destroy(s);
    feed_destroy(f);

    /* Equal times: by id, so the order never depends on the feed's order. */
    f = feed_new();
    add(f, "b", ITEM_POST, NOW - 2 * DAY);
    add(f, "c", ITEM_POST, NOW - 2 * DAY);
    add(f, "a", ITEM_POST, NOW - 2 * DAY);
    s = plain_schedule();
    schedule_set_feed(s, f);
    expect_rotation(s, NOW, 4, "a,b,c,a");
    schedule_destroy(s);
    feed_destroy(f);
    schedule_destroy(NULL);
}

static void test_highlighted_first(void **state)
{
    (void)state;
    struct feed *f = feed_new();
    add(f, "old-pinned", ITEM_POST, NOW - 5 * DAY);
    add(f, "new", ITEM_POST, NOW - 2 * DAY);
    f->items[1].highlighted = false;
    struct schedule *s = plain_schedule();
    schedule_set_feed(s, f);
    expect_rotation(s, NOW, 3, "old-pinned,new,old-pinned");
    schedule_destroy(s);
    feed_destroy(f);
}

static void test_fresh_items_come_round_twice(void **state)
{
    (void)state;
    struct feed *f = mixed_feed();
    add(f, "s-new", ITEM_SHOUTOUT, NOW - 3600);
    struct schedule *s = schedule_create(); /* default rules: fresh = the last 24 h */
    schedule_set_feed(s, f);
    /* pass A: everything once; pass B: the new shout-out again; then the next cycle */
    expect_rotation(s, NOW, 10, "i2,s-new,p1,h1,i1,s1,p3,p2,s-new,p1");
    /* a day later it is no longer new: once per cycle */
    char *r = rotation(s, NOW + DAY, 16);
    int count = 0;
    for (char *p = r; (p = strstr(p, "s-new")); p++)
        count++;
    assert_int_equal(count, 2); /* 16 slides = two cycles of 8 */
    free(r);
    schedule_destroy(s);
    feed_destroy(f);
}

static void test_never_twice_in_a_row(void **state)
{
    (void)state;
    struct feed *f = feed_new();
    add(f, "a", ITEM_SHOUTOUT, NOW - 60);
    add(f, "b", ITEM_SHOUTOUT, NOW - 2 * DAY);
    struct schedule *s = schedule_create();
    schedule_set_feed(s, f);
    /* a is fresh (twice a cycle) but never back to back, also across cycles */
    char *r = rotation(s, NOW, 12);
    const char *prev = "";
    for (char *tok = strtok(r, ","); tok; tok = strtok(NULL, ",")) {
        assert_string_not_equal(tok, prev);
        prev = tok;
    }
    free(r);
    schedule_destroy(s);
    feed_destroy(f);
}

static void test_single_item_repeats(void **state)
{
    (void)state;
    struct feed *f = feed_new();
    add(f, "only", ITEM_SHOUTOUT, NOW - 60);
    struct schedule *s = schedule_create();
    schedule_set_feed(s, f);
    expect_rotation(s, NOW, 3, "only,only,only");
    assert_int_equal(schedule_count_shown(s, NOW), 1);
    assert_int_equal(schedule_page(s, NOW), 1);
    schedule_destroy(s);
    feed_destroy(f);

    f = feed_new();
    s = schedule_create();
    schedule_set_feed(s, f);
    expect_rotation(s, NOW, 2, "-,-");
    assert_null(schedule_current(s));
    assert_int_equal(schedule_count_shown(s, NOW), 0);
    assert_int_equal(schedule_page(s, NOW), 0);
    schedule_destroy(s);
    feed_destroy(f);
}

static void test_time_windows_and_default_lives(void **state)
{
    (void)state;
    struct feed *f = feed_new();
    /* add() may move the items: take pointers only once they are all there */
    add(f, "w", ITEM_POST, NOW - 30 * DAY);
    add(f, "s-old", ITEM_SHOUTOUT, NOW - 8 * DAY);
    add(f, "s-week", ITEM_SHOUTOUT, NOW - 6 * DAY);
    add(f, "s-kept", ITEM_SHOUTOUT, NOW - 30 * DAY);
    add(f, "i-monday", ITEM_INTRODUCTION, NOW - DAY);
    add(f, "i-old", ITEM_INTRODUCTION, NOW - 20 * DAY);
    add(f, "i-now", ITEM_INTRODUCTION, NOW - 20 * DAY);
    add(f, "h", ITEM_HELP_REQUEST, NOW - 40 * DAY);
    add(f, "p-old", ITEM_POST, NOW - 400 * DAY); /* highlighted posts have no default life */
    struct item *in_window = &f->items[0], *shout_old = &f->items[1];
    struct item *shout_pinned = &f->items[3], *intro_future = &f->items[4];
    struct item *intro_done = &f->items[5], *intro_now = &f->items[6], *help = &f->items[7];
    in_window->show_from = NOW + 100;
    shout_pinned->expires_at = NOW + DAY; /* the feed says otherwise */
    intro_future->person.start_date = NOW + 4 * DAY;
    intro_done->person.start_date = NOW - 15 * DAY;
    intro_now->person.start_date = NOW - 13 * DAY;
    help->until = NOW - NOW % DAY; /* holds through today */
    struct schedule *s = schedule_create();
    schedule_set_feed(s, f);
    assert_false(schedule_eligible(s, in_window, NOW));
    assert_true(schedule_eligible(s, in_window, NOW + 100));
    assert_false(schedule_eligible(s, shout_old, NOW));
    assert_true(schedule_eligible(s, &f->items[2], NOW));
    assert_true(schedule_eligible(s, shout_pinned, NOW));
    assert_false(schedule_eligible(s, intro_future, NOW)); /* not before day one */
    assert_true(schedule_eligible(s, intro_future, NOW + 4 * DAY));
    assert_false(schedule_eligible(s, intro_done, NOW)); /* two weeks are over */
    assert_true(schedule_eligible(s, intro_now, NOW));
    assert_true(schedule_eligible(s, help, NOW));
    assert_false(schedule_eligible(s, help, NOW - NOW % DAY + DAY));
    assert_true(schedule_eligible(s, &f->items[8], NOW));
    assert_int_equal(schedule_count_shown(s, NOW), 5);
    /* configurable: shout-outs for a month */
    struct schedule_rules r = schedule_default_rules();
    r.shoutout_s = 30 * DAY;
    schedule_set_rules(s, &r);
    assert_true(schedule_eligible(s, shout_old, NOW));
    schedule_destroy(s);
    feed_destroy(f);
}

static void test_selection_by_type_and_group(void **state)
{
    (void)state;
    struct feed *f = mixed_feed();
    f->items[1].group.id = xstrdup("team-data");
    f->items[4].group.name = xstrdup("Team Data");
    struct schedule *s = plain_schedule();
    struct schedule_rules r = schedule_default_rules();
    r.fresh_s = 0;
    r.types = 1u << ITEM_POST;
    schedule_set_rules(s, &r);
    schedule_set_feed(s, f);
    expect_rotation(s, NOW, 4, "p1,p3,p2,p1");
    const char *groups[] = {"team-data", "Team Data"};
    r.types = 0;
    r.groups = groups;
    r.n_groups = 2;
    schedule_set_rules(s, &r);
    expect_rotation(s, NOW, 3, "i1,s1,i1");
    schedule_destroy(s);
    feed_destroy(f);
}

static void test_new_feed_keeps_cycle(void **state)
{
    (void)state;
    struct feed *a = mixed_feed();
    struct schedule *s = plain_schedule();
    schedule_set_feed(s, a);
    expect_rotation(s, NOW, 3, "i2,s1,p1");
    /* a refresh: the same items plus two new ones; p1 stays current, shown ones stay shown */
    struct feed *b = mixed_feed();
    add(b, "s2", ITEM_SHOUTOUT, NOW - 2 * DAY + 400);
    add(b, "h2", ITEM_HELP_REQUEST, NOW - 2 * DAY + 400);
    schedule_set_feed(s, b);
    feed_destroy(a);
    const struct item *cur = schedule_current(s);
    assert_non_null(cur);
    assert_string_equal(cur->id, "p1");
    assert_ptr_equal(cur, feed_find(b, "p1"));
    assert_int_equal(schedule_count_shown(s, NOW), 9);
    /* the rest of the cycle: everything not yet shown, then a new cycle */
    expect_rotation(s, NOW, 7, "h2,i1,s2,p3,h1,p2,h2");
    schedule_destroy(s);
    feed_destroy(b);
}

static void test_removed_current(void **state)
{
    (void)state;
    struct feed *a = mixed_feed();
    struct schedule *s = plain_schedule();
    schedule_set_feed(s, a);
    expect_rotation(s, NOW, 2, "i2,s1");
    struct feed *b = mixed_feed();
    for (size_t i = 0; i < b->n_items; i++) {
        if (strcmp(b->items[i].id, "s1") == 0) {
            item_clear(&b->items[i]);
            memmove(&b->items[i], &b->items[i + 1], (b->n_items - i - 1) * sizeof *b->items);
            b->n_items--;
        }
    }
    feed_destroy(a); /* freed before the schedule sees the new feed */
    schedule_set_feed(s, b);
    assert_null(schedule_current(s));
    assert_int_equal(schedule_page(s, NOW), 0);
    char *r = rotation(s, NOW, 5);
    assert_null(strstr(r, "s1"));
    assert_null(strstr(r, "i2")); /* already shown in this cycle */
    free(r);
    schedule_set_feed(s, NULL);
    assert_null(schedule_current(s));
    assert_null(schedule_advance(s, NOW));
    schedule_destroy(s);
    feed_destroy(b);
}

static void test_page_and_count(void **state)
{
    (void)state;
    struct feed *f = mixed_feed();
    struct schedule *s = plain_schedule();
    schedule_set_feed(s, f);
    assert_int_equal(schedule_count_shown(s, NOW), 7);
    assert_int_equal(schedule_page(s, NOW), 0);
    /* the page is the place in this cycle */
    for (size_t i = 1; i <= 7; i++) {
        schedule_advance(s, NOW);
        assert_int_equal(schedule_page(s, NOW), i);
    }
    schedule_advance(s, NOW); /* a new cycle */
    assert_int_equal(schedule_page(s, NOW), 1);
    schedule_destroy(s);
    feed_destroy(f);
}

static void test_reading_time(void **state)
{
    (void)state;
    struct feed *f = feed_new();
    struct item *it = add(f, "x", ITEM_POST, NOW);
    struct schedule *s = schedule_create();
    struct schedule_rules r = schedule_default_rules();
    r.words_per_minute = 120;
    r.min_ms = 5000;
    r.max_ms = 60000;
    r.photo_ms = 3000;
    schedule_set_rules(s, &r);
    it->title = xstrdup("Thanks!");
    assert_int_equal(schedule_dwell(s, it), 5000); /* a one-line thank-you does not hang */
    it->body = xstrdup("one two three four five six seven eight nine ten eleven twelve "
                       "thirteen fourteen fifteen sixteen seventeen eighteen nineteen");
    assert_int_equal(schedule_dwell(s, it), 20 * 60000 / 120);
    it->image_url = xstrdup("https://x/p.jpg");
    assert_int_equal(schedule_dwell(s, it), 20 * 60000 / 120 + 3000);
    free(it->body);
    struct strbuf b = {0};
    for (int i = 0; i < 3000; i++)
        strbuf_appends(&b, "woord ");
    it->body = b.data;
    assert_int_equal(schedule_dwell(s, it), 60000); /* capped */
    assert_int_equal(schedule_dwell_ms(it, 12000, 30000), 30000);
    schedule_destroy(s);
    feed_destroy(f);
}

/* The fairness bound, over a simulated week with a fake clock: items come and go every hour,
 * some are new, and every item that stays eligible is shown again within
 * schedule_bound_ms(n, fresh, max dwell, transition) of its last appearance; never twice in a
 * row while another is eligible. */
static void test_fairness_over_a_simulated_week(void **state)
{
    (void)state;
    const int64_t transition = 600;
    struct schedule *s = schedule_create();
    struct schedule_rules rules = schedule_default_rules();
    schedule_set_rules(s, &rules);
    unsigned seed = 42;
    int64_t now_ms = 0, wall0 = NOW;
    struct feed *f = NULL;
    /* per id number: when it was last shown (ms), and since when it has been eligible */
    enum { MAX_ID = 400 };
    int64_t last_seen[MAX_ID], eligible_since[MAX_ID];
    int next_id = 0;
    size_t max_n = 0, slides = 0;
    int64_t worst_gap = 0, worst_bound = 0;
    const char *prev = NULL;
    char prev_buf[32] = "";
    int64_t next_feed_ms = 0;
    while (now_ms < 7 * DAY * 1000LL) {
        int64_t wall = wall0 + now_ms / 1000;
        if (now_ms >= next_feed_ms) {
            /* a new snapshot: keep most items, drop some, add some (some of them new) */
            struct feed *g = feed_new();
            for (size_t i = 0; f && i < f->n_items; i++) {
                if (rand_r(&seed) % 10 == 0)
                    continue;
                struct item *it =
                    add(g, f->items[i].id, f->items[i].type, f->items[i].published_at);
                it->highlighted = f->items[i].highlighted;
            }
            int adds = (int)(rand_r(&seed) % 6) + (f ? 0 : 40);
            for (int k = 0; k < adds && next_id < MAX_ID; k++) {
                char id[16];
                snprintf(id, sizeof id, "%d", next_id);
                enum item_type t = (enum item_type)(rand_r(&seed) % ITEM_TYPE_COUNT);
                /* posts are highlighted; half of the rest is new, half a week old */
                add(g, id, t, rand_r(&seed) % 2 ? wall - 3600 : wall - 3 * DAY);
                last_seen[next_id] = -1;
                eligible_since[next_id] = now_ms;
                next_id++;
            }
            schedule_set_feed(s, g);
            feed_destroy(f);
            f = g;
            for (size_t i = 0; i < f->n_items; i++) {
                int id = atoi(f->items[i].id);
                if (!schedule_eligible(s, &f->items[i], wall))
                    eligible_since[id] = -1;
                else if (eligible_since[id] < 0)
                    eligible_since[id] = now_ms;
            }
            next_feed_ms = now_ms + 3600 * 1000LL;
        }
        size_t n = schedule_count_shown(s, wall), fresh = 0;
        for (size_t i = 0; i < f->n_items; i++)
            fresh +=
                schedule_eligible(s, &f->items[i], wall) && wall - f->items[i].published_at < DAY;
        max_n = n > max_n ? n : max_n;
        const struct item *it = schedule_advance(s, wall);
        if (!it) {
            now_ms += 60000;
            continue;
        }
        slides++;
        if (n > 1 && prev)
            assert_string_not_equal(it->id, prev);
        snprintf(prev_buf, sizeof prev_buf, "%s", it->id);
        prev = prev_buf;
        int id = atoi(it->id);
        last_seen[id] = now_ms;
        now_ms += schedule_dwell(s, it) + transition;
        /* every eligible item: its wait since it was last seen (or became eligible) */
        int64_t bound = schedule_bound_ms(n, fresh, rules.max_ms, transition);
        wall = wall0 + now_ms / 1000;
        for (size_t i = 0; i < f->n_items; i++) {
            int j = atoi(f->items[i].id);
            if (!schedule_eligible(s, &f->items[i], wall) || eligible_since[j] < 0)
                continue;
            int64_t since = last_seen[j] > eligible_since[j] ? last_seen[j] : eligible_since[j];
            int64_t gap = now_ms - since;
            if (gap > worst_gap)
                worst_gap = gap, worst_bound = bound;
            if (gap > bound)
                fail_msg("item %d waited %lld ms, bound %lld ms (n %zu, fresh %zu)", j,
                         (long long)gap, (long long)bound, n, fresh);
        }
    }
    printf("simulated week: %zu slides, up to %zu items, longest wait %lld s (bound then %lld s)\n",
           slides, max_n, (long long)worst_gap / 1000, (long long)worst_bound / 1000);
    schedule_destroy(s);
    feed_destroy(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_types_interleaved_newest_first),
        cmocka_unit_test(test_highlighted_first),
        cmocka_unit_test(test_fresh_items_come_round_twice),
        cmocka_unit_test(test_never_twice_in_a_row),
        cmocka_unit_test(test_single_item_repeats),
        cmocka_unit_test(test_time_windows_and_default_lives),
        cmocka_unit_test(test_selection_by_type_and_group),
        cmocka_unit_test(test_new_feed_keeps_cycle),
        cmocka_unit_test(test_removed_current),
        cmocka_unit_test(test_page_and_count),
        cmocka_unit_test(test_reading_time),
        cmocka_unit_test(test_fairness_over_a_simulated_week),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
