/* The screen's own words: every string in both languages, dates as each language writes them. */
#include "i18n.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void test_every_string_in_both_languages(void **state)
{
    (void)state;
    for (int l = 0; l < LANG_COUNT; l++) {
        for (int id = 0; id < STR_COUNT; id++) {
            const char *s = tr((enum lang)l, (enum str_id)id);
            assert_non_null(s);
            if (!*s)
                fail_msg("string %d has no text in language %d", id, l);
            /* at most one %s, and no other conversion: tr_with substitutes, never printf */
            const char *pct = strchr(s, '%');
            if (pct) {
                assert_int_equal(pct[1], 's');
                assert_null(strchr(pct + 2, '%'));
            }
        }
    }
    assert_string_not_equal(tr(LANG_NL, STR_LABEL_INTRODUCTION),
                            tr(LANG_EN, STR_LABEL_INTRODUCTION));
}

static void test_language_choice(void **state)
{
    (void)state;
    assert_int_equal(lang_from_name("nl", "en_GB.UTF-8"), LANG_NL);
    assert_int_equal(lang_from_name("en", "nl_NL.UTF-8"), LANG_EN);
    assert_int_equal(lang_from_name("auto", "nl_BE.UTF-8"), LANG_NL);
    assert_int_equal(lang_from_name("auto", "C"), LANG_EN);
    assert_int_equal(lang_from_name(NULL, NULL), LANG_EN);
}

static void test_dates(void **state)
{
    (void)state;
    char buf[64];
    format_day_month(LANG_NL, 1795651200, buf, sizeof buf); /* 2026-11-26 */
    assert_string_equal(buf, "26 november");
    format_day_month(LANG_EN, 1795651200, buf, sizeof buf);
    assert_string_equal(buf, "26 November");
    format_date_near(LANG_NL, 1924905600, 1795651200, buf, sizeof buf); /* 2030-12-31 */
    assert_string_equal(buf, "31 december 2030");
    format_date_near(LANG_EN, 1795651200, 1795651200 + 86400, buf, sizeof buf);
    assert_string_equal(buf, "26 November");
    format_weekday_date(LANG_NL, 4, 26, 10, buf, sizeof buf);
    assert_string_equal(buf, "donderdag 26 november");
    format_weekday_date(LANG_EN, 4, 26, 10, buf, sizeof buf);
    assert_string_equal(buf, "Thursday 26 November");
    format_weekday_date(LANG_EN, 9, 26, 10, buf, sizeof buf);
    assert_string_equal(buf, "");
}

static void test_substitution_is_not_printf(void **state)
{
    (void)state;
    char *s = tr_with(LANG_EN, STR_TO, "%s%n%x");
    assert_string_equal(s, "To %s%n%x");
    free(s);
    s = tr_with(LANG_NL, STR_UPDATED_AT, "10:42");
    assert_string_equal(s, "bijgewerkt 10:42");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_string_in_both_languages),
        cmocka_unit_test(test_language_choice),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_substitution_is_not_printf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
