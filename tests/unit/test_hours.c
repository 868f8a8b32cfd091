/* Office hours: a week's schedule and days off. */
#include "hours.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static struct tm at(int year, int mon, int mday, int wday, int hour, int min)
{
    return (struct tm){.tm_year = year - 1900,
                       .tm_mon = mon - 1,
                       .tm_mday = mday,
                       .tm_wday = wday,
                       .tm_hour = hour,
                       .tm_min = min};
}

static struct hours office(void)
{
    struct hours h = {0};
    char err[100];
    for (int d = 0; d < 7; d++)
        assert_true(hours_set_day(&h, d, "", err, sizeof err));
    for (int d = 1; d <= 5; d++)
        assert_true(hours_set_day(&h, d, "07:30-18:00", err, sizeof err));
    assert_true(hours_set_day(&h, 0, "closed", err, sizeof err));
    assert_true(hours_set_day(&h, 6, "closed", err, sizeof err));
    return h;
}

static void test_no_schedule_is_always_open(void **state)
{
    (void)state;
    struct hours h = {0};
    struct tm t = at(2026, 11, 29, 0, 3, 0);
    assert_true(hours_open(&h, &t));
    assert_true(hours_open(NULL, &t));
}

static void test_week(void **state)
{
    (void)state;
    struct hours h = office();
    struct tm t = at(2026, 11, 26, 4, 7, 29); /* Thursday */
    assert_false(hours_open(&h, &t));
    t.tm_min = 30;
    assert_true(hours_open(&h, &t));
    t.tm_hour = 17, t.tm_min = 59;
    assert_true(hours_open(&h, &t));
    t.tm_hour = 18, t.tm_min = 0;
    assert_false(hours_open(&h, &t));
    t = at(2026, 11, 28, 6, 12, 0); /* Saturday */
    assert_false(hours_open(&h, &t));
}

static void test_days_off(void **state)
{
    (void)state;
    struct hours h = office();
    char err[100];
    assert_true(hours_set_days_off(&h, "2026-12-25, 2026-12-26,2027-01-01", err, sizeof err));
    struct tm t = at(2026, 12, 25, 5, 10, 0); /* Christmas, a Friday */
    assert_false(hours_open(&h, &t));
    t = at(2026, 12, 24, 4, 10, 0);
    assert_true(hours_open(&h, &t));
    assert_false(hours_set_days_off(&h, "25-12-2026", err, sizeof err));
    assert_false(hours_set_days_off(&h, "2026-02-30", err, sizeof err));
}

static void test_bad_specs(void **state)
{
    (void)state;
    struct hours h = {0};
    char err[100];
    assert_false(hours_set_day(&h, 1, "18:00-07:30", err, sizeof err));
    assert_false(hours_set_day(&h, 1, "7-18", err, sizeof err));
    assert_false(hours_set_day(&h, 1, "07:30-18:00 extra", err, sizeof err));
    assert_false(hours_set_day(&h, 1, "25:00-26:00", err, sizeof err));
    assert_false(hours_set_day(&h, 9, "closed", err, sizeof err));
    assert_true(hours_set_day(&h, 1, "00:00-24:00", err, sizeof err));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_schedule_is_always_open),
        cmocka_unit_test(test_week),
        cmocka_unit_test(test_days_off),
        cmocka_unit_test(test_bad_specs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
