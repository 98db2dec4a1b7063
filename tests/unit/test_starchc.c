/* test_starchc.c — the compiler library's entry point, starch_compile(), and its option
 * checks, from memory to memory (what the `starch` command, build integrations and the
 * fuzz target call). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "starchc.h"

static const char template_text[] = "{% component Hi() %}hi{% end %}\n";

static int compile_with_prefix(const char *prefix, starch_compile_result *r)
{
    starch_compile_options opt = {.prefix = prefix};
    return starch_compile("hi.starch", template_text, strlen(template_text), &opt, r);
}

Test(starchc, a_prefix_names_the_functions)
{
    starch_compile_result r;
    cr_assert_eq(compile_with_prefix("site", &r), 0);
    cr_assert_not_null(strstr(r.h_text, "void site_Hi(starch_out *st_out);"), "%s", r.h_text);
    cr_assert_str_eq(r.diagnostics, "");
    starch_compile_result_free(&r);
}

Test(starchc, a_prefix_that_is_not_a_c_identifier_is_refused)
{
    const char *bad[] = {"a-b", "9x", "", "x y"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        starch_compile_result r;
        cr_assert_eq(compile_with_prefix(bad[i], &r), 2, "%s", bad[i]);
        char want[128];
        snprintf(want, sizeof want, "starch: error: the prefix '%s' is not a C identifier\n",
                 bad[i]);
        cr_assert_str_eq(r.diagnostics, want);
        cr_assert_null(r.c_text);
        cr_assert_null(r.h_text);
        starch_compile_result_free(&r);
    }
}

Test(starchc, identifiers)
{
    cr_assert(starch_is_c_identifier("_a9"));
    cr_assert(starch_is_c_identifier("Page"));
    cr_assert_not(starch_is_c_identifier("9a"));
    cr_assert_not(starch_is_c_identifier(""));
    cr_assert_not(starch_is_c_identifier("a.b"));
}
