/* Back-off and jitter of the poll schedule, over simulated days: no waiting. */
#include "polling.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static const struct poll_policy policy = {
    .interval_s = 60, .backoff_cap_s = 600, .retry_after_cap_s = 3600};

static void test_success_waits_interval_with_jitter(void **state)
{
    (void)state;
    int lo = 1 << 30, hi = 0;
    for (uint32_t r = 0; r < 1000; r++) {
        int d = poll_delay_s(&policy, POLL_UNCHANGED, 0, -1, 0, r * 2654435761u);
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
    }
    assert_int_equal(lo, 60);
    assert_int_equal(hi, 66);
}

static void test_feed_may_lengthen_not_shorten(void **state)
{
    (void)state;
    assert_int_equal(poll_delay_s(&policy, POLL_CHANGED, 0, -1, 300, 0), 300);
    assert_int_equal(poll_delay_s(&policy, POLL_CHANGED, 0, -1, 5, 0), 60);
}

static void test_failures_back_off_to_the_cap_and_stay(void **state)
{
    (void)state;
    int expect[] = {60, 120, 240, 480, 600, 600, 600};
    for (int f = 1; f <= 7; f++) {
        for (uint32_t r = 0; r < 200; r++) {
            int d = poll_delay_s(&policy, POLL_FAILED, f, -1, 0, r * 2654435761u);
            int base = expect[f - 1];
            assert_true(d >= base - base / 5);
            assert_true(d <= base + base / 5);
        }
    }
    /* after a day of failures it still tries, at the cap */
    assert_true(poll_delay_s(&policy, POLL_FAILED, 1440, -1, 0, 7) <= 720);
}

static void test_jitter_spreads_screens(void **state)
{
    (void)state;
    /* a hundred screens failing together do not retry in the same second */
    int seen[2000] = {0}, distinct = 0;
    for (uint32_t s = 0; s < 100; s++) {
        int d = poll_delay_s(&policy, POLL_FAILED, 5, -1, 0, s * 2654435761u + 12345);
        if (!seen[d]++)
            distinct++;
    }
    assert_true(distinct > 50);
}

static void test_retry_after_is_honoured(void **state)
{
    (void)state;
    int d = poll_delay_s(&policy, POLL_FAILED, 1, 900, 0, 0);
    assert_int_equal(d, 900);
    d = poll_delay_s(&policy, POLL_FAILED, 1, 999999, 0, 0);
    assert_int_equal(d, 3600);
    /* Retry-After on a success means nothing */
    assert_int_equal(poll_delay_s(&policy, POLL_UNCHANGED, 0, 900, 0, 0), 60);
}

static void test_auth_failure_keeps_the_interval(void **state)
{
    (void)state;
    assert_int_equal(poll_delay_s(&policy, POLL_AUTH_FAILED, 30, -1, 0, 0), 60);
}

static void test_simulated_week_never_stops(void **state)
{
    (void)state;
    /* a week offline with a fake clock: attempts keep coming, never more than the cap apart */
    int64_t t = 0;
    int attempts = 0, failures = 0;
    uint32_t rnd = 1;
    while (t < 7 * 86400) {
        rnd = rnd * 1103515245u + 12345u;
        int d = poll_delay_s(&policy, POLL_FAILED, ++failures, -1, 0, rnd);
        assert_true(d >= 1 && d <= 720);
        t += d;
        attempts++;
    }
    assert_true(attempts > 7 * 86400 / 720);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_success_waits_interval_with_jitter),
        cmocka_unit_test(test_feed_may_lengthen_not_shorten),
        cmocka_unit_test(test_failures_back_off_to_the_cap_and_stay),
        cmocka_unit_test(test_jitter_spreads_screens),
        cmocka_unit_test(test_retry_after_is_honoured),
        cmocka_unit_test(test_auth_failure_keeps_the_interval),
        cmocka_unit_test(test_simulated_week_never_stops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
