/* test_format.c — integer and double formatting: every power-of-ten boundary, the
 * extremes, JavaScript's Number-to-String layout, and a property test over pseudo-random
 * doubles (reads back exactly, shortest, closest, laid out as JavaScript does). */
#include <criterion/criterion.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <starch_gen.h>

#define SENTINEL '#'

/* Formats with f into a buffer full of sentinels; checks that nothing is written past the
 * returned cursor and that at most max bytes are written; returns the NUL-terminated text. */
#define FORMAT(buf, call, max)                                                                     \
    do {                                                                                           \
        memset(buf, SENTINEL, sizeof buf);                                                         \
        char *p = buf;                                                                             \
        char *end_ = call;                                                                         \
        size_t n_ = (size_t)(end_ - buf);                                                          \
        cr_assert_leq(n_, (size_t)(max));                                                          \
        for (size_t i_ = n_; i_ < sizeof buf; i_++)                                                \
            cr_assert_eq(buf[i_], SENTINEL, "byte %zu written past the end", i_);                  \
        *end_ = '\0';                                                                              \
    } while (0)

static const char *fmt_i64(int64_t v)
{
    static char buf[48];
    FORMAT(buf, starch_fmt_i64(p, v), 20);
    return buf;
}

static const char *fmt_u64(uint64_t v)
{
    static char buf[48];
    FORMAT(buf, starch_fmt_u64(p, v), 20);
    return buf;
}

static const char *fmt_double(double v)
{
    static char buf[48];
    FORMAT(buf, starch_fmt_double(p, v), 25);
    return buf;
}

/* ---- Integers -------------------------------------------------------------------- */

Test(format, i64_extremes)
{
    cr_assert_str_eq(fmt_i64(0), "0");
    cr_assert_str_eq(fmt_i64(-1), "-1");
    cr_assert_str_eq(fmt_i64(1), "1");
    cr_assert_str_eq(fmt_i64(INT64_MAX), "9223372036854775807");
    cr_assert_str_eq(fmt_i64(INT64_MIN), "-9223372036854775808");
    cr_assert_str_eq(fmt_i64(INT64_MIN + 1), "-9223372036854775807");
    cr_assert_str_eq(fmt_i64(INT32_MIN), "-2147483648");
    cr_assert_str_eq(fmt_i64(INT32_MAX), "2147483647");
}

Test(format, u64_extremes)
{
    cr_assert_str_eq(fmt_u64(0), "0");
    cr_assert_str_eq(fmt_u64(1), "1");
    cr_assert_str_eq(fmt_u64(UINT64_MAX), "18446744073709551615");
    cr_assert_str_eq(fmt_u64(UINT64_MAX - 1), "18446744073709551614");
    cr_assert_str_eq(fmt_u64((uint64_t)INT64_MAX + 1), "9223372036854775808");
    cr_assert_str_eq(fmt_u64(UINT32_MAX), "4294967295");
    cr_assert_str_eq(fmt_u64((uint64_t)UINT32_MAX + 1), "4294967296");
}

Test(format, every_power_of_ten_boundary)
{
    uint64_t pow = 1;
    char nines[32], one_zeros[32], one_zeros_one[32];
    for (int i = 0; i <= 19; i++) {
        /* 10^i - 1 = i nines; 10^i = 1 and i zeros; 10^i + 1 = 1, i-1 zeros, 1 */
        memset(nines, '9', (size_t)i);
        nines[i] = '\0';
        one_zeros[0] = '1';
        memset(one_zeros + 1, '0', (size_t)i);
        one_zeros[i + 1] = '\0';
        memcpy(one_zeros_one, one_zeros, (size_t)i + 2);
        if (i > 0)
            one_zeros_one[i] = '1';
        else
            strcpy(one_zeros_one, "2");
        if (i > 0) {
            cr_assert_str_eq(fmt_u64(pow - 1), nines, "10^%d - 1", i);
            if (i <= 18) {
                char neg[32] = "-";
                strcat(neg, nines);
                cr_assert_str_eq(fmt_i64((int64_t)pow - 1), nines);
                cr_assert_str_eq(fmt_i64(-((int64_t)pow - 1)), neg);
            }
        }
        cr_assert_str_eq(fmt_u64(pow), one_zeros, "10^%d", i);
        cr_assert_str_eq(fmt_u64(pow + 1), one_zeros_one, "10^%d + 1", i);
        if (i <= 18) {
            char neg[32] = "-";
            strcat(neg, one_zeros);
            cr_assert_str_eq(fmt_i64((int64_t)pow), one_zeros);
            cr_assert_str_eq(fmt_i64(-(int64_t)pow), neg);
            strcpy(neg + 1, one_zeros_one);
            cr_assert_str_eq(fmt_i64((int64_t)pow + 1), one_zeros_one);
            cr_assert_str_eq(fmt_i64(-(int64_t)pow - 1), neg);
        }
        if (i < 19)
            pow *= 10;
    }
    cr_assert_str_eq(fmt_u64(10000000000000000000u), "10000000000000000000");
}

/* A small deterministic generator (xorshift64*). */
static uint64_t next_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

Test(format, random_integers_match_printf)
{
    uint64_t r = 42;
    char exp[32];
    for (int i = 0; i < 1000000; i++) {
        uint64_t u = next_random(&r) >> (next_random(&r) % 64);
        snprintf(exp, sizeof exp, "%" PRIu64, u);
        cr_assert_str_eq(fmt_u64(u), exp);
        int64_t s = (int64_t)u * (i % 2 ? -1 : 1);
        snprintf(exp, sizeof exp, "%" PRId64, s);
        cr_assert_str_eq(fmt_i64(s), exp);
        char buf[48]; /* the inline writers of generated code */
        FORMAT(buf, starch_put_i64(NULL, p, 0, s), 20);
        cr_assert_str_eq(buf, exp);
        snprintf(exp, sizeof exp, "%" PRIu64, u);
        FORMAT(buf, starch_put_u64(NULL, p, 0, u), 20);
        cr_assert_str_eq(buf, exp);
    }
    char buf[48];
    FORMAT(buf, starch_put_i64(NULL, p, 0, INT64_MIN), 20);
    cr_assert_str_eq(buf, "-9223372036854775808");
    FORMAT(buf, starch_put_u64(NULL, p, 0, UINT64_MAX), 20);
    cr_assert_str_eq(buf, "18446744073709551615");
}

/* ---- Doubles: fixed cases (checked against node's String(x)) ---------------------- */

Test(format, double_special_values)
{
    cr_assert_str_eq(fmt_double(NAN), "NaN");
    cr_assert_str_eq(fmt_double(-NAN), "NaN");
    cr_assert_str_eq(fmt_double(INFINITY), "Infinity");
    cr_assert_str_eq(fmt_double(-INFINITY), "-Infinity");
    cr_assert_str_eq(fmt_double(0.0), "0");
    cr_assert_str_eq(fmt_double(-0.0), "0");
}

Test(format, double_cases)
{
    static const struct {
        double v;
        const char *s;
    } cases[] = {
        {1, "1"},
        {-1, "-1"},
        {123, "123"},
        {100, "100"},
        {25, "25"},
        {250, "250"},
        {2500, "2500"},
        {0.5, "0.5"},
        {-0.5, "-0.5"},
        {0.25, "0.25"},
        {0.025, "0.025"},
        {1.5, "1.5"},
        {2.5, "2.5"},
        {0.1, "0.1"},
        {0.3, "0.3"},
        {4.35, "4.35"},
        {123.456, "123.456"},
        {-123.456, "-123.456"},
        {12345678.9, "12345678.9"},
        {3.141592653589793, "3.141592653589793"},
        {2.718281828459045, "2.718281828459045"},
        {1.0 / 3, "0.3333333333333333"},
        {2.0 / 3, "0.6666666666666666"},
        {1.0000000000000002, "1.0000000000000002"},
        {0.10000000149011612, "0.10000000149011612"},
        {1e15 + 0.3, "1000000000000000.2"},
        {4294967295.0, "4294967295"},
        {4294967296.0, "4294967296"},
        {-9007199254740991.0, "-9007199254740991"},
        {9007199254740992.0, "9007199254740992"},
        {9007199254740994.0, "9007199254740994"},
        {18446744073709551616.0, "18446744073709552000"},
        {1e16, "10000000000000000"},
        {123456789012345680000.0, "123456789012345680000"},
        {999999999999999900000.0, "999999999999999900000"},
        {1e20, "100000000000000000000"},
        {1e21, "1e+21"},
        {1e22, "1e+22"},
        {1e23, "1e+23"},
        {1.23e22, "1.23e+22"},
        {8.41e21, "8.41e+21"},
        {1e100, "1e+100"},
        {1.5e300, "1.5e+300"},
        {1e308, "1e+308"},
        {1.7976931348623157e308, "1.7976931348623157e+308"},
        {-1.7976931348623157e308, "-1.7976931348623157e+308"},
        {0.000001, "0.000001"},
        {1e-6, "0.000001"},
        {0.0000015, "0.0000015"},
        {0.000001234, "0.000001234"},
        {0.00001, "0.00001"},
        {0.000009999999999999999, "0.000009999999999999999"},
        {0.0009765625, "0.0009765625"},
        {1e-7, "1e-7"},
        {-1e-7, "-1e-7"},
        {0.1e-6, "1e-7"},
        {1.5e-7, "1.5e-7"},
        {5e-7, "5e-7"},
        {1.234e-7, "1.234e-7"},
        {3.0000000000000004e-7, "3.0000000000000004e-7"},
        {9.5367431640625e-7, "9.5367431640625e-7"},
        {123e-20, "1.23e-18"},
        {2.220446049250313e-16, "2.220446049250313e-16"},
        {1e-300, "1e-300"},
        {1e-308, "1e-308"},
        {2.2250738585072014e-308, "2.2250738585072014e-308"},
        {2.225073858507201e-308, "2.225073858507201e-308"},
        {1e-323, "1e-323"},
        {1.5e-323, "1.5e-323"},
        {5e-324, "5e-324"},
        {-5e-324, "-5e-324"},
        {4.9406564584124654e-324, "5e-324"},
    };
    cr_assert_str_eq(fmt_double(0.1 + 0.2), "0.30000000000000004");
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        cr_assert_str_eq(fmt_double(cases[i].v), cases[i].s, "case %zu (%.17g)", i, cases[i].v);
}

Test(format, double_integers)
{
    char exp[32];
    for (int64_t i = -100000; i <= 100000; i++) {
        snprintf(exp, sizeof exp, "%" PRId64, i);
        cr_assert_str_eq(fmt_double((double)i), exp);
    }
    for (int e = 0; e <= 20; e++) { /* 10^e: decimal up to 1e20 */
        char one_zeros[32] = "1";
        memset(one_zeros + 1, '0', (size_t)e);
        one_zeros[e + 1] = '\0';
        cr_assert_str_eq(fmt_double(strtod(one_zeros, NULL)), one_zeros);
    }
    for (int e = 21; e <= 308; e++) {
        snprintf(exp, sizeof exp, "1e+%d", e);
        cr_assert_str_eq(fmt_double(strtod(exp, NULL)), exp);
    }
    for (int e = 1; e <= 323; e++) {
        snprintf(exp, sizeof exp, "1e-%d", e);
        const char *dec[] = {"", "0.1", "0.01", "0.001", "0.0001", "0.00001", "0.000001"};
        cr_assert_str_eq(fmt_double(strtod(exp, NULL)), e <= 6 ? dec[e] : exp);
    }
}

/* ---- Doubles: the property test -------------------------------------------------- */

/* The significant digits of a %.*e text (d.ddde±x), trailing zeros removed. */
static int e_digits(const char *s, char *digits)
{
    int k = 0;
    for (; *s != 'e'; s++)
        if (*s >= '0' && *s <= '9')
            digits[k++] = *s;
    while (k > 1 && digits[k - 1] == '0')
        k--;
    digits[k] = '\0';
    return k;
}

static int ref_shortest_slow(double v, char *digits);

/* The reference: the correctly rounded digits of the shortest %.{p}e (p = 1..17) that
 * reads back. For a normal double, a decimal of p <= 15 digits that reads back is what
 * %.15e gives with its trailing zeros removed (DBL_DIG), so only p = 15, 16, 17 need
 * trying; subnormals have less precision and try every p. */
static int ref_shortest(double v, char *digits)
{
    char buf[64];
    if (fabs(v) < DBL_MIN)
        return ref_shortest_slow(v, digits);
    for (int p = 15; p <= 17; p++) {
        snprintf(buf, sizeof buf, "%.*e", p - 1, v);
        if (p == 17 || strtod(buf, NULL) == v)
            return e_digits(buf, digits);
    }
    return 0;
}

/* The same, trying every p: checks ref_shortest's shortcut. */
static int ref_shortest_slow(double v, char *digits)
{
    char buf[64];
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, sizeof buf, "%.*e", p - 1, v);
        if (strtod(buf, NULL) == v)
            return e_digits(buf, digits);
    }
    return 0;
}

/* JavaScript's Number::toString for the digits d (k of them, no leading or trailing
 * zero) and the exponent n (value = 0.d × 10^n), transcribed from ECMA-262. */
static void js_text(char *out, bool neg, const char *d, int k, int n)
{
    char *p = out;
    if (neg)
        *p++ = '-';
    if (k <= n && n <= 21) {
        p += sprintf(p, "%s", d);
        for (int i = 0; i < n - k; i++)
            *p++ = '0';
    } else if (0 < n && n <= 21) {
        p += sprintf(p, "%.*s.%s", n, d, d + n);
    } else if (-6 < n && n <= 0) {
        p += sprintf(p, "0.");
        for (int i = 0; i < -n; i++)
            *p++ = '0';
        p += sprintf(p, "%s", d);
    } else if (k == 1) {
        p += sprintf(p, "%ce%c%d", d[0], n - 1 < 0 ? '-' : '+', abs(n - 1));
    } else {
        p += sprintf(p, "%c.%se%c%d", d[0], d + 1, n - 1 < 0 ? '-' : '+', abs(n - 1));
    }
    *p = '\0';
}

/* Reads any decimal text [-]digits[.digits][e±x] as digits d (no leading or trailing
 * zeros) and exponent n (value = 0.d × 10^n). Returns false on malformed text. */
static bool parse_decimal(const char *s, bool *neg, char *d, int *k, int *n)
{
    *neg = *s == '-';
    s += *neg;
    int dp = -1, m = 0;
    for (; (*s >= '0' && *s <= '9') || *s == '.'; s++) {
        if (*s == '.') {
            if (dp >= 0)
                return false;
            dp = m;
        } else {
            d[m++] = *s;
        }
    }
    if (m == 0)
        return false;
    if (dp < 0)
        dp = m;
    int x = 0;
    if (*s == 'e') {
        char *end;
        x = (int)strtol(s + 1, &end, 10);
        s = end;
    }
    if (*s != '\0')
        return false;
    int lead = 0;
    while (lead < m - 1 && d[lead] == '0')
        lead++;
    memmove(d, d + lead, (size_t)(m - lead));
    m -= lead;
    dp -= lead;
    while (m > 1 && d[m - 1] == '0')
        m--;
    d[m] = '\0';
    *k = m;
    *n = dp + x;
    return true;
}

static bool same_double(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* Checks one double against every property; slow also runs the unshortcut reference. */
static void check_double(double v, bool slow)
{
    const char *s = fmt_double(v);
    if (isnan(v)) {
        cr_assert_str_eq(s, "NaN");
        return;
    }
    if (isinf(v)) {
        cr_assert_str_eq(s, v < 0 ? "-Infinity" : "Infinity");
        return;
    }
    if (v == 0) {
        cr_assert_str_eq(s, "0");
        return;
    }
    cr_assert(same_double(strtod(s, NULL), v), "%s does not read back as %.17g", s, v);
    bool neg;
    char d[32], ref[32], js[48];
    int k, n;
    cr_assert(parse_decimal(s, &neg, d, &k, &n), "malformed %s", s);
    cr_assert_eq(neg, v < 0, "sign of %s", s);
    int rk = ref_shortest(v, ref);
    if (slow) {
        char ref2[32];
        int rk2 = ref_shortest_slow(v, ref2);
        cr_assert_eq(rk, rk2, "%.17g: reference %d digits, every p %d", v, rk, rk2);
        cr_assert_str_eq(ref, ref2);
    }
    cr_assert_leq(k, rk, "%s: %d digits, %s has %d", s, k, ref, rk);
    if (k == rk) /* the closest of the shortest: the correctly rounded digits */
        cr_assert_str_eq(d, ref, "%s: digits %s, expected %s (%.17g)", s, d, ref, v);
    js_text(js, neg, d, k, n);
    cr_assert_str_eq(s, js, "%.17g: %s, JavaScript writes %s", v, s, js);
}

Test(format, double_property_random_bits)
{
    uint64_t r = 0x5eed;
    for (int i = 0; i < 1000000; i++) {
        uint64_t bits = next_random(&r);
        double v;
        memcpy(&v, &bits, sizeof v);
        check_double(v, i < 20000);
    }
}

Test(format, double_property_random_decimals)
{
    uint64_t r = 0xdec;
    char text[64];
    for (int i = 0; i < 400000; i++) {
        int ndigits = 1 + (int)(next_random(&r) % 20);
        int dot = (int)(next_random(&r) % (uint64_t)(ndigits + 1));
        int exp = (int)(next_random(&r) % 660) - 340;
        char *p = text;
        if (next_random(&r) % 2)
            *p++ = '-';
        for (int j = 0; j < ndigits; j++) {
            if (j == dot && j > 0)
                *p++ = '.';
            *p++ = (char)('0' + next_random(&r) % 10);
        }
        switch (next_random(&r) % 3) {
        case 0: /* small exponents: the decimal layouts */ sprintf(p, "e%d", exp % 25); break;
        case 1: sprintf(p, "e%d", exp); break;
        default: *p = '\0';
        }
        check_double(strtod(text, NULL), i < 20000);
    }
}

Test(format, double_property_boundaries)
{
    /* powers of two (the asymmetric rounding interval), powers of ten, their neighbours */
    for (int e = -1074; e <= 1023; e++) {
        double v = ldexp(1.0, e);
        check_double(v, true);
        check_double(nextafter(v, 0), true);
        check_double(nextafter(v, INFINITY), true);
        check_double(-v, false);
    }
    char text[16];
    for (int e = -323; e <= 308; e++) {
        snprintf(text, sizeof text, "1e%d", e);
        double v = strtod(text, NULL);
        check_double(v, true);
        check_double(nextafter(v, 0), true);
        check_double(nextafter(v, INFINITY), true);
    }
    /* the smallest subnormals, the subnormal/normal edge, the largest doubles */
    for (int i = 1; i < 20000; i++) {
        check_double(i * 4.9406564584124654e-324, true);
        check_double(DBL_MIN - i * 4.9406564584124654e-324, false);
        check_double(DBL_MIN + i * 4.9406564584124654e-324, false);
    }
    double v = DBL_MAX;
    for (int i = 0; i < 10000; i++, v = nextafter(v, 0))
        check_double(v, false);
    /* around 2^53, 1e21 and 1e-7, where the layouts change */
    static const double edges[] = {9007199254740992.0, 1e21, 1e-7, 1e-6, 1e15, 1e16, 1e17};
    for (size_t i = 0; i < sizeof edges / sizeof *edges; i++) {
        double lo = edges[i], hi = edges[i];
        for (int k = 0; k < 5000; k++) {
            check_double(lo, true);
            check_double(hi, true);
            lo = nextafter(lo, 0);
            hi = nextafter(hi, INFINITY);
        }
    }
    check_double(NAN, false);
    check_double(INFINITY, false);
    check_double(-INFINITY, false);
    check_double(0.0, false);
    check_double(-0.0, false);
}

/* ---- starch_put_fixed: `| fmt("%.Nf")` without printf, the same text as printf ---- */

/* One buffer for every check (cleared each time), so a million checks stay fast. */
static starch_out fixed_out;
static long fixed_checked;
/* What the context's writer makes of printf's text. */
static starch_out fixed_want;

static void fixed_setup(void)
{
    starch_out_init(&fixed_out);
    starch_out_init(&fixed_want);
}

static void fixed_teardown(void)
{
    starch_out_free(&fixed_out);
    starch_out_free(&fixed_want);
}

/* The string writers the compiler hands starch_put_fixed, one per context
 * (compiler/codegen.c); the first five write digits, '-' and '.' as they are. */
static const starch_put_bytes_fn fixed_writers[] = {
    starch_put_html_bytes,      starch_put_raw_bytes,    starch_put_url_part_bytes,
    starch_put_url_query_bytes, starch_put_js_str_bytes, starch_put_url_bytes,
    starch_put_srcset_bytes,    starch_put_js_bytes,     starch_put_js_script_bytes,
    starch_put_js_regexp_bytes, starch_put_ds_url_bytes, starch_put_ds_url_str_bytes,
};
#define FIXED_WRITERS (sizeof fixed_writers / sizeof fixed_writers[0])
#define FIXED_AS_IS   5

/* Checks the text starch_put_fixed wrote into fixed_out (from `start`, the cursor it
 * returned committed) against printf's "%.*f" of v through `write`; as_is: the writer
 * must leave printf's text as it is. */
static void check_fixed_text(double v, int decimals, starch_put_bytes_fn write, bool as_is)
{
    char text[400];
    int n = snprintf(text, sizeof text, "%.*f", decimals, v);
    cr_assert(n >= 0 && (size_t)n < sizeof text);
    starch_out_clear(&fixed_want);
    char *w = write(&fixed_want, starch_out_reserve(&fixed_want, 0), 0, text, (size_t)n);
    starch_out_commit(&fixed_want, w);
    size_t len = starch_out_len(&fixed_out), want = starch_out_len(&fixed_want);
    const char *got = starch_out_data(&fixed_out), *wanted = starch_out_data(&fixed_want);
    if (len != want || memcmp(got, wanted, len) != 0)
        cr_assert_fail("%a (%.17g) %%.%df: got %.*s, printf %s, through the writer %.*s", v, v,
                       decimals, (int)len, got, text, (int)want, wanted);
    if (as_is && (want != (size_t)n || memcmp(wanted, text, want) != 0))
        cr_assert_fail("the writer changes %s", text);
    fixed_checked++;
}

/* Writes v with starch_put_fixed through `write` into the room generated code gives a
 * value (STARCH_VALUE_MAX + rest) and compares with printf's text through the writer; the
 * writer leaves rest bytes of room after the value. */
static void check_fixed_with(double v, int decimals, starch_put_bytes_fn write, size_t rest)
{
    starch_out_clear(&fixed_out);
    char *p = starch_out_reserve(&fixed_out, STARCH_VALUE_MAX + rest);
    p = starch_put_fixed(&fixed_out, p, rest, write, decimals, v);
    cr_assert_geq((size_t)(fixed_out.data + fixed_out.cap - p), rest);
    starch_out_commit(&fixed_out, p);
    bool as_is = false;
    for (size_t i = 0; i < FIXED_AS_IS; i++)
        as_is |= write == fixed_writers[i];
    check_fixed_text(v, decimals, write, as_is);
}

/* As generated code calls it: the writer and the decimals constants (the compiler keeps
 * only their branch). */
#define FIXED_CONST_CASE(n)                                                                        \
    case n: p = starch_put_fixed(&fixed_out, p, 0, starch_put_html_bytes, n, v); break;
static void check_fixed_const(double v, int decimals)
{
    starch_out_clear(&fixed_out);
    char *p = starch_out_reserve(&fixed_out, STARCH_VALUE_MAX);
    switch (decimals) {
        FIXED_CONST_CASE(0)
        FIXED_CONST_CASE(1)
        FIXED_CONST_CASE(2)
        FIXED_CONST_CASE(3)
        FIXED_CONST_CASE(4)
        FIXED_CONST_CASE(5)
        FIXED_CONST_CASE(6)
        FIXED_CONST_CASE(7)
        FIXED_CONST_CASE(8)
        FIXED_CONST_CASE(9)
        FIXED_CONST_CASE(10)
        FIXED_CONST_CASE(11)
        FIXED_CONST_CASE(12)
        FIXED_CONST_CASE(13)
        FIXED_CONST_CASE(14)
        FIXED_CONST_CASE(15)
        FIXED_CONST_CASE(16)
        FIXED_CONST_CASE(17)
    default: cr_assert_fail("decimals %d", decimals);
    }
    starch_out_commit(&fixed_out, p);
    check_fixed_text(v, decimals, starch_put_html_bytes, true);
}

/* Through every context's writer. */
static void check_fixed(double v, int decimals)
{
    for (size_t i = 0; i < FIXED_WRITERS; i++)
        check_fixed_with(v, decimals, fixed_writers[i], i & 1 ? 0 : 3000);
    if (decimals <= STARCH_FIXED_MAX_DECIMALS)
        check_fixed_const(v, decimals);
}

TestSuite(fixed, .init = fixed_setup, .fini = fixed_teardown);

Test(fixed, ties_and_edges)
{
    const double values[] = {0.0,
                             -0.0,
                             0.5,
                             1.5,
                             2.5,
                             -0.5,
                             -2.5,
                             0.125,
                             0.375,
                             2.675,
                             1.005,
                             1.015,
                             12.345,
                             -12.345,
                             0.001,
                             -0.001,
                             99.995,
                             1e14,
                             -1e14,
                             9.5e14,
                             1e15,
                             1e300,
                             -1e300,
                             DBL_MAX,
                             -DBL_MAX,
                             5e-324,
                             -5e-324,
                             DBL_MIN,
                             DBL_MIN / 3,
                             123456.789,
                             0.045,
                             1.0 / 3,
                             2.0 / 3,
                             0x1p-11,
                             0x1.fffffffffffffp-12,
                             0x1p-67,
                             0x1p-68,
                             0x1p52,
                             0x1p52 + 0.5,
                             0x1p53 - 1,
                             0x1p53,
                             0x1p53 + 2,
                             0x1p63,
                             0x1p64 - 2048,
                             0x1p64,
                             0x1p64 + 4096,
                             -0x1p64,
                             18446744073709549568.5 /* rounds to 2^64 - 2048 */,
                             0.05,
                             0.15,
                             0.25,
                             0.35,
                             9.9999999999999995e-1,
                             0.99999999999999994,
                             NAN,
                             -NAN,
                             INFINITY,
                             -INFINITY};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        for (int d = 0; d <= 20; d++) /* 18 to 20: printf's path */
            check_fixed(values[i], d);
}

/* Exact ties of %.Nf are odd multiples of 2^-(N+1) (times 10^N: an odd number of halves);
 * each with its two neighbours, at every precision. */
Test(fixed, every_precision_exact_ties)
{
    uint64_t r = 7;
    for (int d = 0; d <= 17; d++) {
        for (int i = 0; i < 3000; i++) {
            uint64_t odd = (next_random(&r) >> (11 + next_random(&r) % 53)) | 1;
            double v = ldexp((double)odd, -(d + 1));
            if (i % 2)
                v = -v;
            check_fixed(v, d);
            check_fixed(nextafter(v, INFINITY), d);
            check_fixed(nextafter(v, -INFINITY), d);
        }
    }
}

/* The decimal halfway points k.5 × 10^-N as doubles (never exact ties for N >= 1: the
 * double is just above or below), and their neighbours. */
Test(fixed, every_precision_decimal_halfway)
{
    uint64_t r = 11;
    for (int d = 0; d <= 17; d++) {
        for (int i = 0; i < 3000; i++) {
            uint64_t k = next_random(&r) >> (next_random(&r) % 64);
            double v = ((double)k + 0.5) / pow(10, d);
            check_fixed(v, d);
            check_fixed(nextafter(v, INFINITY), d);
            check_fixed(nextafter(-v, -INFINITY), d);
        }
    }
}

/* A million values at every precision in turn: random bit patterns (any magnitude,
 * denormals, huge values, nan), random mantissas between 2^-70 and 2^70, and decimals like
 * prices. */
Test(fixed, million_random_values_match_printf)
{
    uint64_t r = 0x9e3779b97f4a7c15u;
    for (int i = 0; i < 1000000; i++) {
        uint64_t x = next_random(&r);
        double v;
        switch (i % 3) {
        case 0: memcpy(&v, &x, sizeof v); break;
        case 1: v = ldexp((double)(x >> 11), (int)(next_random(&r) % 141) - 70 - 53); break;
        default: v = (double)(int64_t)(x % 100000000000) / pow(10, (double)(x >> 60)); break;
        }
        check_fixed_with(v, i % 18, fixed_writers[(i >> 1) % FIXED_WRITERS], (i & 1) ? 0 : 100);
        check_fixed_const(v, i % 18);
    }
    cr_assert_geq(fixed_checked, 1000000);
}

/* v and its 20 neighbours on each side, both signs. */
static void check_fixed_around(double v, int decimals)
{
    double up = v, down = v;
    check_fixed(v, decimals);
    check_fixed(-v, decimals);
    for (int i = 0; i < 20; i++) {
        up = nextafter(up, INFINITY);
        down = nextafter(down, -INFINITY);
        check_fixed(up, decimals);
        check_fixed(-up, decimals);
        check_fixed(down, decimals);
        check_fixed(-down, decimals);
    }
}

/* Every precision: the edges of the inline path and of its arithmetic (2^52, where it
 * ends; 2^53 / 10^N; 2^64 / 10^N, where the scaled value leaves 64 bits; 2^-11 and 2^-12,
 * where the 64-bit product's shift ends; 2^-75, the 128-bit one's), the rounding to zero
 * (0.5 × 10^-N, "-0.00"), and 200,000 values from 2^-80 to 2^70 each, alternately through
 * every context's writer and as generated code calls it. */
Test(fixed, every_precision_edges_and_sample, .timeout = 600)
{
    uint64_t r = 0x51ed2701u;
    for (int d = 0; d <= STARCH_FIXED_MAX_DECIMALS; d++) {
        double p10 = pow(10, d);
        const double edges[] = {0x1p52,    0x1p53 / p10, 0x1p64 / p10, 0x1p-11,
                                0x1p-12,   0x1p-75,      0x1p-76,      0.5 / p10,
                                1.5 / p10, 1 / p10,      0.05 / p10,   DBL_MIN,
                                5e-324,    1.0,          0.5,          0x1p63 / p10};
        for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
            check_fixed_around(edges[i], d);
        for (int i = 0; i < 200000; i++) {
            uint64_t x = next_random(&r);
            double v = ldexp((double)(x >> 11), (int)(next_random(&r) % 151) - 80 - 53);
            if (x & 1)
                v = -v;
            if (i % 8 == 0)
                check_fixed_with(v, d, fixed_writers[(uint64_t)i / 8 % FIXED_WRITERS], 0);
            else
                check_fixed_const(v, d);
        }
    }
}

Test(fixed, random_prices)
{
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (int i = 0; i < 100000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        double cents = (double)(x % 100000000) / 100.0; /* prices like 123.45 */
        double any = (double)(int64_t)(x >> 11) / (double)((uint64_t)1 << (x % 40)); /* scales */
        check_fixed(cents, 2);
        check_fixed(-cents, (int)(x % 18));
        check_fixed(any, (int)((x >> 5) % 18));
    }
}

/* ---- Floats: the shortest decimal that reads back as the float ----------------------- */

static const char *fmt_float(float v)
{
    return fmt_double(starch_float_value(v));
}

Test(format, float_cases)
{
    cr_assert_str_eq(fmt_float(0.1f), "0.1");
    cr_assert_str_eq(fmt_float(3.14f), "3.14");
    cr_assert_str_eq(fmt_float(19.99f), "19.99");
    cr_assert_str_eq(fmt_float(-2.5f), "-2.5");
    cr_assert_str_eq(fmt_float(123456.7f), "123456.7");
    cr_assert_str_eq(fmt_float(1e-7f), "1e-7");
    cr_assert_str_eq(fmt_float(16777216.0f), "16777216");
    cr_assert_str_eq(fmt_float(33565872.0f), "33565870"); /* above 2^24: shortest, like 1e21 */
    cr_assert_str_eq(fmt_float(3.4028235e38f), "3.4028235e+38");
    cr_assert_str_eq(fmt_float(1.17549435e-38f), "1.1754944e-38");
    cr_assert_str_eq(fmt_float(1e-45f), "1e-45"); /* the smallest subnormal */
    cr_assert_str_eq(fmt_float(-0.0f), "0");
    cr_assert_str_eq(fmt_float(NAN), "NaN");
    cr_assert_str_eq(fmt_float(-INFINITY), "-Infinity");
}

/* The significant digits of a number as starch writes it ("0.0012", "33565870", "1.5e-7"). */
static int significant_digits(const char *s)
{
    int k = 0, zeros = 0;
    bool started = false;
    for (; *s && *s != 'e'; s++) {
        if (*s == '0' && started)
            zeros++;
        else if (*s >= '1' && *s <= '9') {
            k += zeros + 1;
            zeros = 0;
            started = true;
        }
    }
    return k;
}

/* Every 9973rd bit pattern: the text reads back (strtof) as the same float, and printf
 * with one significant digit fewer than it has never does. */
Test(format, float_property_sampled_bits)
{
    for (uint64_t u = 0; u <= 0xFFFFFFFFu; u += 9973) {
        uint32_t bits = (uint32_t)u;
        float f;
        memcpy(&f, &bits, sizeof f);
        if (!isfinite(f) || f == 0)
            continue;
        const char *s = fmt_float(f);
        cr_assert_eq(strtof(s, NULL), f, "%a written %s", (double)f, s);
        int k = significant_digits(s);
        if (k > 1) {
            char fewer[48];
            snprintf(fewer, sizeof fewer, "%.*e", k - 2, (double)f);
            cr_assert_neq(strtof(fewer, NULL), f, "%a written %s, but %s reads back", (double)f, s,
                          fewer);
        }
    }
}
