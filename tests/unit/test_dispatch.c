/* test_dispatch.c — STARCH_PUT_HTML / STARCH_PUT_ATTR / STARCH_PUT_RAW with a value of
 * every C type of DESIGN.md's type table, called as generated code calls them: one
 * reserve of STARCH_VALUE_MAX for the value, the writer, the static text after it. */
#include <criterion/criterion.h>
#include <limits.h>
#include <math.h>
#include <starch_gen.h>

/* Writes "[" x "]" through MACRO into a fresh buffer and checks the exact bytes. */
#define CHECK(MACRO, x, lit)                                                                       \
    do {                                                                                           \
        starch_out out_;                                                                           \
        starch_out_init(&out_);                                                                    \
        char *p_ = starch_out_reserve(&out_, 2 + STARCH_VALUE_MAX);                                \
        *p_++ = '[';                                                                               \
        p_ = MACRO(&out_, p_, 1, x);                                                               \
        *p_++ = ']';                                                                               \
        starch_out_commit(&out_, p_);                                                              \
        static const char exp_[] = "[" lit "]";                                                    \
        cr_assert_eq(starch_out_error(&out_), 0);                                                  \
        cr_assert_eq(starch_out_len(&out_), sizeof exp_ - 1, "%s(%s): \"%.*s\", expected %s",      \
                     #MACRO, #x, (int)starch_out_len(&out_), starch_out_data(&out_), exp_);        \
        cr_assert(memcmp(starch_out_data(&out_), exp_, sizeof exp_ - 1) == 0,                      \
                  "%s(%s): \"%.*s\", expected %s", #MACRO, #x, (int)starch_out_len(&out_),         \
                  starch_out_data(&out_), exp_);                                                   \
        starch_out_free(&out_);                                                                    \
    } while (0)

/* The same value in text, in an attribute and raw. */
#define CHECK3(x, html, attr, raw)                                                                 \
    do {                                                                                           \
        CHECK(STARCH_PUT_HTML, x, html);                                                           \
        CHECK(STARCH_PUT_ATTR, x, attr);                                                           \
        CHECK(STARCH_PUT_RAW, x, raw);                                                             \
    } while (0)

/* A number or bool: the same text in every context. */
#define CHECK_ALL(x, lit) CHECK3(x, lit, lit, lit)

Test(dispatch, char_is_a_character)
{
    char c = 'x', lt = '<', amp = '&', q = '"', a = '\'', hi = (char)0xe9, nul = '\0';
    CHECK_ALL(c, "x");
    CHECK3(lt, "&lt;", "&lt;", "<");
    CHECK3(amp, "&amp;", "&amp;", "&");
    CHECK3(q, "&#34;", "&#34;", "\"");
    CHECK3(a, "&#39;", "&#39;", "'");
    CHECK_ALL(hi, "\xe9");
    CHECK_ALL(nul, "\0");
    /* a character constant is an int in C */
    CHECK_ALL('a', "97");
}

Test(dispatch, signed_and_unsigned_char_are_numbers)
{
    signed char sc = -5, sc_min = SCHAR_MIN, sc_a = 'A';
    unsigned char uc = 200, uc_max = UCHAR_MAX;
    CHECK_ALL(sc, "-5");
    CHECK_ALL(sc_min, "-128");
    CHECK_ALL(sc_a, "65");
    CHECK_ALL(uc, "200");
    CHECK_ALL(uc_max, "255");
}

Test(dispatch, short_int_long)
{
    short s = SHRT_MIN;
    unsigned short us = USHRT_MAX;
    int i = -42, imin = INT_MIN, imax = INT_MAX, zero = 0;
    unsigned u = UINT_MAX;
    long l = LONG_MIN, lmax = LONG_MAX;
    unsigned long ul = ULONG_MAX;
    long long ll = LLONG_MIN;
    unsigned long long ull = ULLONG_MAX;
    CHECK_ALL(s, "-32768");
    CHECK_ALL(us, "65535");
    CHECK_ALL(i, "-42");
    CHECK_ALL(imin, "-2147483648");
    CHECK_ALL(imax, "2147483647");
    CHECK_ALL(zero, "0");
    CHECK_ALL(u, "4294967295");
    CHECK_ALL(l, "-9223372036854775808");
    CHECK_ALL(lmax, "9223372036854775807");
    CHECK_ALL(ul, "18446744073709551615");
    CHECK_ALL(ll, "-9223372036854775808");
    CHECK_ALL(ull, "18446744073709551615");
    CHECK_ALL(12345, "12345");
    CHECK_ALL(7u, "7");
    CHECK_ALL(-7L, "-7");
    CHECK_ALL(7ULL, "7");
    CHECK_ALL(i + 1, "-41");
    /* comparisons are int in C */
    CHECK_ALL(3 > 2, "1");
    CHECK_ALL(i > 0, "0");
}

Test(dispatch, fixed_width_and_size_types)
{
    int8_t i8 = INT8_MIN;
    uint8_t u8 = UINT8_MAX;
    int16_t i16 = INT16_MIN;
    uint16_t u16 = UINT16_MAX;
    int32_t i32 = INT32_MIN;
    uint32_t u32 = UINT32_MAX;
    int64_t i64 = INT64_MIN, i64max = INT64_MAX;
    uint64_t u64 = UINT64_MAX;
    size_t sz = SIZE_MAX, sz0 = 0;
    ptrdiff_t pd = -3;
    intptr_t ip = -9;
    CHECK_ALL(i8, "-128");
    CHECK_ALL(u8, "255");
    CHECK_ALL(i16, "-32768");
    CHECK_ALL(u16, "65535");
    CHECK_ALL(i32, "-2147483648");
    CHECK_ALL(u32, "4294967295");
    CHECK_ALL(i64, "-9223372036854775808");
    CHECK_ALL(i64max, "9223372036854775807");
    CHECK_ALL(u64, "18446744073709551615");
    CHECK_ALL(sz, "18446744073709551615");
    CHECK_ALL(sz0, "0");
    CHECK_ALL(pd, "-3");
    CHECK_ALL(ip, "-9");
    CHECK_ALL(sizeof(int32_t), "4");
}

Test(dispatch, bool)
{
    bool t = true, f = false;
    CHECK_ALL(t, "true");
    CHECK_ALL(f, "false");
    CHECK_ALL((bool)5, "true");
    CHECK_ALL(!t, "0"); /* ! gives an int */
}

Test(dispatch, floating)
{
    float f = 1.5f, fneg = -0.25f, fbig = 16777216.0f;
    double d = 0.1, third = 1.0 / 3, nan = NAN, inf = -INFINITY, big = 1e21, small = 1e-7;
    double negzero = -0.0;
    long double ld = 2.5L, ld_tenth = 0.1L;
    CHECK_ALL(f, "1.5");
    CHECK_ALL(fneg, "-0.25");
    CHECK_ALL(fbig, "16777216");
    CHECK_ALL(d, "0.1");
    CHECK_ALL(third, "0.3333333333333333");
    CHECK_ALL(d + 0.2, "0.30000000000000004");
    CHECK_ALL(nan, "NaN");
    CHECK_ALL(inf, "-Infinity");
    CHECK_ALL(big, "1e+21");
    CHECK_ALL(small, "1e-7");
    CHECK_ALL(negzero, "0");
    CHECK_ALL(-1.7976931348623157e308, "-1.7976931348623157e+308");
    CHECK_ALL(ld, "2.5");
    CHECK_ALL(ld_tenth, "0.1");
}

Test(dispatch, c_strings)
{
    char buf[] = "a<b";
    char *s = buf;
    const char *cs = "\"q\" & 'r'";
    char *null = NULL;
    const char *cnull = NULL;
    char arr[16] = "x&y";
    const char carr[] = "<i>";
    CHECK3(s, "a&lt;b", "a&lt;b", "a<b");
    CHECK3(cs, "&#34;q&#34; &amp; &#39;r&#39;", "&#34;q&#34; &amp; &#39;r&#39;", "\"q\" & 'r'");
    CHECK3(null, "", "", "");
    CHECK3(cnull, "", "", "");
    CHECK3(buf, "a&lt;b", "a&lt;b", "a<b");
    CHECK3(arr, "x&amp;y", "x&amp;y", "x&y");
    CHECK3(carr, "&lt;i&gt;", "&lt;i&gt;", "<i>");
    CHECK3("lit<>", "lit&lt;&gt;", "lit&lt;&gt;", "lit<>");
    CHECK3("", "", "", "");
    CHECK3("\xff\xfe", "\xff\xfe", "\xff\xfe", "\xff\xfe");
}

Test(dispatch, starch_str)
{
    starch_str s = STARCH_STR("a<b");
    const starch_str cs = STARCH_STR("'");
    starch_str nul = STARCH_STR("x\0<");
    CHECK3(s, "a&lt;b", "a&lt;b", "a<b");
    CHECK3(cs, "&#39;", "&#39;", "'");
    CHECK3(nul, "x\0&lt;", "x\0&lt;", "x\0<");
    CHECK3(STARCH_STR("<p>"), "&lt;p&gt;", "&lt;p&gt;", "<p>");
    CHECK3(STARCH_STR(""), "", "", "");
    CHECK3(starch_str_from(NULL), "", "", "");
    CHECK3(starch_str_from("a&b"), "a&amp;b", "a&amp;b", "a&b");
    CHECK3(((starch_str){"abc<", 2}), "ab", "ab", "ab");
}

Test(dispatch, starch_html)
{
    static const char b[] = "<b>\"x\" & 'y'</b>";
    starch_html h = starch_html_trusted(b, sizeof b - 1);
    CHECK3(h, "<b>\"x\" & 'y'</b>", "&lt;b&gt;&#34;x&#34; &amp; &#39;y&#39;&lt;/b&gt;",
           "<b>\"x\" & 'y'</b>");
    CHECK3(starch_html_trusted(NULL, 0), "", "", "");
    CHECK3(starch_html_trusted("<br>", 4), "<br>", "&lt;br&gt;", "<br>");
}

enum color { RED, GREEN = 7, BLUE };
enum sign { NEGATIVE = -3, POSITIVE = 3 };

Test(dispatch, enums)
{
    enum color c = GREEN, b = BLUE;
    enum sign n = NEGATIVE;
    CHECK_ALL(c, "7");
    CHECK_ALL(b, "8");
    CHECK_ALL(RED, "0");
    CHECK_ALL(n, "-3");
    CHECK_ALL(POSITIVE, "3");
}

Test(dispatch, qualified_values)
{
    const int ci = -1;
    volatile unsigned vu = 9;
    const double cd = 0.5;
    const bool cb = true;
    const char cc = '>';
    CHECK_ALL(ci, "-1");
    CHECK_ALL(vu, "9");
    CHECK_ALL(cd, "0.5");
    CHECK_ALL(cb, "true");
    CHECK3(cc, "&gt;", "&gt;", ">");
}

Test(dispatch, many_values_in_one_reserve)
{
    /* <tr><td>{{ i }}</td><td>{{ d }}</td><td>{{ b }}</td><td>{{ c }}</td></tr>, as the code
     * generator emits it: one reserve for the static text and four values */
    starch_out out;
    starch_out_init(&out);
    for (int row = 0; row < 2; row++) {
        long long i = row ? LLONG_MIN : 1;
        double d = row ? -1.7976931348623157e308 : 0.5;
        bool b = row;
        char c = row ? '&' : 'z';
        char *p = starch_out_reserve(&out, 45 + 4 * STARCH_VALUE_MAX);
        p = starch_put(p, "<tr><td>", 8);
        p = STARCH_PUT_HTML(&out, p, 37 + 3 * STARCH_VALUE_MAX, i);
        p = starch_put(p, "</td><td>", 9);
        p = STARCH_PUT_HTML(&out, p, 28 + 2 * STARCH_VALUE_MAX, d);
        p = starch_put(p, "</td><td>", 9);
        p = STARCH_PUT_HTML(&out, p, 19 + 1 * STARCH_VALUE_MAX, b);
        p = starch_put(p, "</td><td>", 9);
        p = STARCH_PUT_HTML(&out, p, 10 + 0 * STARCH_VALUE_MAX, c);
        p = starch_put(p, "</td></tr>", 10);
        starch_out_commit(&out, p);
    }
    static const char exp[] = "<tr><td>1</td><td>0.5</td><td>false</td><td>z</td></tr>"
                              "<tr><td>-9223372036854775808</td><td>-1.7976931348623157e+308"
                              "</td><td>true</td><td>&amp;</td></tr>";
    cr_assert_eq(starch_out_len(&out), sizeof exp - 1);
    cr_assert(memcmp(starch_out_data(&out), exp, sizeof exp - 1) == 0);
    starch_out_free(&out);
}
