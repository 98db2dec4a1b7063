/* test_cloop.c — which C for loops are counted (compiler/cloop.c), what of their header
 * each part is, and which bodies keep them so. A counted loop is written in batches of
 * iterations (codegen.c, emit_for_counted); tests/golden/cloops renders both kinds. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "cloop.h"

static Span whole(const char *s)
{
    return (Span){0, (uint32_t)strlen(s)};
}

static bool counted(const char *header, CountedLoop *cl)
{
    return cloop_counted(header, whole(header), cl);
}

static void expect_span(const char *src, Span s, const char *want)
{
    cr_assert_eq(s.len, strlen(want), "'%.*s' is not '%s'", (int)s.len, src + s.off, want);
    cr_assert(memcmp(src + s.off, want, s.len) == 0, "'%.*s' is not '%s'", (int)s.len, src + s.off,
              want);
}

Test(cloop, the_parts_of_a_counted_header)
{
    const char *h = "(size_t j = 0; j < t->ncols; j++)";
    CountedLoop cl;
    cr_assert(counted(h, &cl));
    expect_span(h, cl.init, "(size_t j = 0;");
    expect_span(h, cl.test, "j <");
    expect_span(h, cl.var, "j");
    expect_span(h, cl.bound, "t->ncols");
    expect_span(h, cl.step, "j++");
    cr_assert_not(cl.inclusive);

    h = "( ; i <= (n & 7) * 2 /* rows */ ; ++i )";
    cr_assert(counted(h, &cl));
    expect_span(h, cl.init, "( ;");
    expect_span(h, cl.test, "i <=");
    expect_span(h, cl.bound, "(n & 7) * 2");
    expect_span(h, cl.step, "++i");
    cr_assert(cl.inclusive);
}

Test(cloop, counted_headers)
{
    const char *yes[] = {
        "(int i = 0; i < n; i++)",
        "(i = 0; i != n; i += 1)",
        "(const row *r = t->rows; r < t->rows + t->n; r++)",
        "(size_t i = 0; i < sizeof a / sizeof a[0]; i++)",
        "(size_t i = 0, n = len; i < n; i++)",
        "(int i = -3; i < (int)(x ? a[1] : b); i++)",
        "(unsigned i = 0; i != (unsigned)(n & 7); i += 1)",
        "(size_t i = 0; i < (size_t)(n) + (const unsigned long)(m); i++)",
        "(T *p = a; p < (T *)(b); p++)",
        "(unsigned i = 0; i < n >> 1; i++)",
    };
    for (size_t k = 0; k < sizeof yes / sizeof *yes; k++) {
        CountedLoop cl;
        cr_assert(counted(yes[k], &cl), "%s", yes[k]);
    }
}

Test(cloop, headers_that_are_not_counted)
{
    const char *no[] = {
        "(int i = 0; i < strlen(s); i++)",  /* a call in the bound */
        "(int i = 0; i < (*f)(s); i++)",    /* a call through a pointer */
        "(int i = 0; i < (idx)(n); i++)",   /* (a cast to a lone name reads as a call) */
        "(int i = 0; i < (f)(n); i++)",     /* (as it may be) */
        "(int i = 0; i < a[0](n); i++)",    /* a call through an array */
        "(int i = 0; i < n--; i++)",        /* a side effect */
        "(int i = 0; i < (n = 3); i++)",    /* an assignment */
        "(int i = 0; i < n && ok; i++)",    /* the test is not i < bound */
        "(int i = 0; i < n || ok; i++)",    /* nor here */
        "(int i = 0; i < n, ok; i++)",      /* nor here */
        "(int i = 0; i < a ? b : c; i++)",  /* nor here */
        "(int i = 0; i < n & 1; i++)",      /* nor here: (i < n) & 1 */
        "(int i = 0; i < a < b; i++)",      /* nor here */
        "(int i = 0; i < n; i += 2)",       /* another step */
        "(int i = 0; i < n; i = i + 1)",    /* a step written otherwise */
        "(int i = 0; i < n; j++)",          /* another variable's */
        "(int i = n; i > 0; i--)",          /* down */
        "(int i = 0; n > i; i++)",          /* the bound first */
        "(node *p = list; p; p = p->next)", /* no bound */
        "(;;)",                             /* no test */
        "(int i = 0; i < n; i++, j++)",     /* two steps */
        "(int i = 0; i < ({ 3; }); i++)",   /* a statement expression */
        "(int i = 0; s.i < n; s.i++)",      /* not a variable */
        "(int i = 0; i < ; i++)",           /* no bound */
        "int i = 0; i < n; i++",            /* (not a header) */
        "(int i = 0; i < n; i++; x)",       /* (nor this) */
    };
    for (size_t k = 0; k < sizeof no / sizeof *no; k++) {
        CountedLoop cl;
        cr_assert_not(counted(no[k], &cl), "%s", no[k]);
    }
}

/* Whether the body fragment `frag` may change the loop (i < t->n + m; i++). */
static bool changes(const char *frag)
{
    static char src[256];
    const char *h = "(int i = 0; i < t->n + m; i++)";
    snprintf(src, sizeof src, "%s %s", h, frag);
    CountedLoop cl;
    cr_assert(cloop_counted(src, (Span){0, (uint32_t)strlen(h)}, &cl));
    return cloop_may_change(src, (Span){(uint32_t)strlen(h) + 1, (uint32_t)strlen(frag)}, &cl);
}

Test(cloop, bodies_that_change_the_loop)
{
    const char *yes[] = {
        "i++",   "++i",   "i--",    "--(i)",    "i = 3",    "i += 2", "(i) <<= 1",
        "f(&i)", "m = 0", "t->n--", "t->n = 0", "g(&t->n)", "&(m)",   "x[m]++",
    };
    for (size_t k = 0; k < sizeof yes / sizeof *yes; k++)
        cr_assert(changes(yes[k]), "%s", yes[k]);
    const char *no[] = {
        "t->rows[i]", "i == 3",  "i <= m",        "a[i] + m", "f(i, t->n)", "*p = i",
        "q->x = i",   "\"i++\"", "/* i = 0 */ i", "x.i2 = 1", "mi = 1",     "i != m",
    };
    for (size_t k = 0; k < sizeof no / sizeof *no; k++)
        cr_assert_not(changes(no[k]), "%s", no[k]);
}
