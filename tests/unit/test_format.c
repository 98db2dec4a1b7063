/* test_format.c — integer and double formatting. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <starch.h>

static const char *fmt_i64(int64_t v)
{
    static char buf[32];
    *starch_fmt_i64(buf, v) = '\0';
    return buf;
}

Test(format, i64_extremes)
{
    cr_assert_str_eq(fmt_i64(0), "0");
    cr_assert_str_eq(fmt_i64(-1), "-1");
    cr_assert_str_eq(fmt_i64(INT64_MAX), "9223372036854775807");
    cr_assert_str_eq(fmt_i64(INT64_MIN), "-9223372036854775808");
}
