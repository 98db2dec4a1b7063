/* format.c — numbers as text, without printf or locale: integers two digits at a time
 * from a table; doubles as the shortest decimal that reads back exactly (Schubfach), laid
 * out as JavaScript's Number-to-String does. */
#include "starch_gen.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

const char starch_digit_pairs[200] = "00010203040506070809"
                                     "10111213141516171819"
                                     "20212223242526272829"
                                     "30313233343536373839"
                                     "40414243444546474849"
                                     "50515253545556575859"
                                     "60616263646566676869"
                                     "70717273747576777879"
                                     "80818283848586878889"
                                     "90919293949596979899";

/* Writes exactly 8 digits of v (v < 10^8), with leading zeros. */
static char *put8(char *p, uint32_t v)
{
    assert(v < 100000000);
    for (int i = 6; i >= 0; i -= 2, v /= 100)
        memcpy(p + i, starch_digit_pairs + 2 * (size_t)(v % 100), 2);
    return p + 8;
}

/* 32-bit values inline; beyond, chunks of 8 digits in 32-bit words (two 64-bit divisions
 * by a constant at most, which compilers turn into multiplications). */
char *starch_fmt_u64(char *p, uint64_t v)
{
    if (v <= UINT32_MAX)
        return starch_fmt_u32(p, (uint32_t)v);
    uint64_t hi = v / 100000000;
    uint32_t lo = (uint32_t)(v % 100000000);
    if (hi <= UINT32_MAX) {
        p = starch_fmt_u32(p, (uint32_t)hi);
    } else { /* v >= 2^32 * 10^8: hi / 10^8 < 1845 */
        p = starch_fmt_u32(p, (uint32_t)(hi / 100000000));
        p = put8(p, (uint32_t)(hi % 100000000));
    }
    return put8(p, lo);
}

char *starch_fmt_i64(char *p, int64_t v)
{
    if (v < 0) {
        *p++ = '-';
        return starch_fmt_u64(p, (uint64_t)0 - (uint64_t)v);
    }
    return starch_fmt_u64(p, (uint64_t)v);
}

/* ---- Doubles: Schubfach ------------------------------------------------------------
 *
 * Raffaello Giulietti's Schubfach ("The Schubfach way to render doubles", 2020), after
 * Alexander Bolz's C++ rendition: the decimal of fewest digits inside the rounding
 * interval of v (the closest one when several), from three 64x128-bit products with a
 * precomputed power of ten; no loop over precisions, no printf, no locale, no big numbers.
 * Checked against the definition by tests/unit/test_format.c (a million random doubles). */

#include "format_pow10.h"

/* The high and low 64 bits of a * b. */
static inline uint64_t mul_hi(uint64_t a, uint64_t b, uint64_t *lo)
{
#ifdef __SIZEOF_INT128__
    /* GNU extension (one instruction on 64-bit targets); the portable path below is
     * the fallback for compilers without it. */
    __extension__ typedef unsigned __int128 u128;
    u128 p = (u128)a * b;
    *lo = (uint64_t)p;
    return (uint64_t)(p >> 64);
#else
    uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
    *lo = (mid << 32) | (uint32_t)p00;
    return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
#endif
}

/* floor(g * cp / 2^128), rounded to odd: its lowest bit also says whether the division
 * left a remainder. g overestimates the true power of ten by less than one unit, so a
 * remainder below 2^-63 is that error, not a fraction (Schubfach's proof). */
static uint64_t round_to_odd(const uint64_t g[2], uint64_t cp)
{
    uint64_t xlo, ylo;
    uint64_t xhi = mul_hi(g[1], cp, &xlo);
    uint64_t yhi = mul_hi(g[0], cp, &ylo);
    uint64_t z = ylo + xhi;
    uint64_t top = yhi + (z < ylo);
    return top | (z > 1);
}

/* floor(x / 2^s) for any sign of x (>> of a negative int is implementation-defined). */
static int32_t floor_shift(int32_t x, int s)
{
    return x >= 0 ? x >> s : -(int32_t)(((uint32_t)-x + (1u << s) - 1) >> s);
}

/* The shortest decimal in the rounding interval of c * 2^q (c > 0): v = *digits * 10^*exp10.
 * lower_closer: the double below v is nearer than the one above (v a power of two). */
static void schubfach(uint64_t c, int32_t q, bool lower_closer, uint64_t *digits, int *exp10)
{
    bool even = (c & 1) == 0;
    /* floor(log10(2^q)), or floor(log10(3/4 * 2^q)) when the interval is lopsided */
    int32_t k = floor_shift(q * 1262611 - (lower_closer ? 524031 : 0), 22);
    /* h = q + floor(log2(10^-k)) + 1, in 1..4 */
    int h = q + floor_shift(-k * 1741647, 19) + 1;
    const uint64_t *g = pow10_significands[-k - POW10_E_MIN];
    /* 4 * v * 10^-k and the interval bounds, rounded to odd */
    uint64_t vbl = round_to_odd(g, (4 * c - 2 + lower_closer) << h);
    uint64_t vb = round_to_odd(g, (4 * c) << h);
    uint64_t vbr = round_to_odd(g, (4 * c + 2) << h);
    uint64_t lower = vbl + !even, upper = vbr - !even;
    uint64_t s = vb / 4;
    if (s >= 10) { /* one digit fewer: at most one of its two candidates is inside */
        uint64_t sp = s / 10;
        bool up_inside = lower <= 40 * sp, wp_inside = 40 * sp + 40 <= upper;
        if (up_inside != wp_inside) {
            *digits = sp + wp_inside;
            *exp10 = k + 1;
            return;
        }
    }
    bool u_inside = lower <= 4 * s, w_inside = 4 * s + 4 <= upper;
    if (u_inside != w_inside) {
        *digits = s + w_inside;
        *exp10 = k;
        return;
    }
    /* both inside: the closer, ties to even */
    uint64_t mid = 4 * s + 2;
    *digits = s + (vb > mid || (vb == mid && (s & 1) != 0));
    *exp10 = k;
}

/* d without its trailing decimal zeros (d > 0), each one added to *exp10. */
static uint64_t strip_zeros(uint64_t d, int *exp10)
{
    while (d % 100000000 == 0) {
        d /= 100000000;
        *exp10 += 8;
    }
    if (d % 10000 == 0) {
        d /= 10000;
        *exp10 += 4;
    }
    if (d % 100 == 0) {
        d /= 100;
        *exp10 += 2;
    }
    if (d % 10 == 0) {
        d /= 10;
        *exp10 += 1;
    }
    return d;
}

/* The shortest significant digits of v (> 0, finite, not an integer below 2^53) that read
 * back as v: writes them to d (no trailing zeros) and returns their count; *n is the
 * decimal exponent of JavaScript's layout (v = 0.ddd × 10^n). */
static int shortest_digits(double v, char d[20], int *n)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    uint64_t frac = bits & ((UINT64_C(1) << 52) - 1);
    int32_t biased = (int32_t)(bits >> 52); /* sign already cleared */
    uint64_t digits;
    int exp10;
    if (biased == 0) /* subnormal */
        schubfach(frac, 1 - 1075, false, &digits, &exp10);
    else
        schubfach(frac | (UINT64_C(1) << 52), biased - 1075, frac == 0 && biased > 1, &digits,
                  &exp10);
    digits = strip_zeros(digits, &exp10);
    int k = (int)(starch_fmt_u64(d, digits) - d);
    *n = exp10 + k;
    return k;
}

/* Lays out digits d[0..k) with decimal exponent n (value = 0.d × 10^n) as JavaScript. */
static char *js_layout(char *p, const char *d, int k, int n)
{
    if (k <= n && n <= 21) {
        memcpy(p, d, (size_t)k);
        p += k;
        for (int i = k; i < n; i++)
            *p++ = '0';
    } else if (0 < n && n <= 21) {
        memcpy(p, d, (size_t)n);
        p += n;
        *p++ = '.';
        memcpy(p, d + n, (size_t)(k - n));
        p += k - n;
    } else if (-6 < n && n <= 0) {
        *p++ = '0';
        *p++ = '.';
        for (int i = 0; i < -n; i++)
            *p++ = '0';
        memcpy(p, d, (size_t)k);
        p += k;
    } else {
        *p++ = d[0];
        if (k > 1) {
            *p++ = '.';
            memcpy(p, d + 1, (size_t)(k - 1));
            p += k - 1;
        }
        *p++ = 'e';
        *p++ = n - 1 < 0 ? '-' : '+';
        p = starch_fmt_u64(p, (uint64_t)(n - 1 < 0 ? 1 - n : n - 1));
    }
    return p;
}

char *starch_fmt_double(char *p, double v)
{
    if (isnan(v))
        return starch_put(p, "NaN", 3);
    if (isinf(v))
        return v < 0 ? starch_put(p, "-Infinity", 9) : starch_put(p, "Infinity", 8);
    if (v == 0)
        return starch_put(p, "0", 1);
    if (v < 0) {
        *p++ = '-';
        v = -v;
    }
    if (v < 9007199254740992.0 && v == (double)(int64_t)v) /* integers: no search */
        return starch_fmt_u64(p, (uint64_t)v);
    char d[20];
    int n;
    int k = shortest_digits(v, d, &n);
    return js_layout(p, d, k, n);
}

/* ---- Floats ------------------------------------------------------------------------ */

/* 10^k, exact as a double for k <= 22. */
static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

double starch_float_value(float v)
{
    if (!isfinite(v) || v == 0 || (fabsf(v) < 16777216.0f && v == floorf(v)))
        return v; /* integers below 2^24: every digit is needed */
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits);
    uint32_t frac = bits & ((1u << 23) - 1);
    int32_t biased = (int32_t)((bits >> 23) & 0xff);
    uint64_t digits;
    int exp10;
    if (biased == 0) /* subnormal */
        schubfach(frac, 1 - 150, false, &digits, &exp10);
    else /* the same search as a double's, in a float's rounding interval */
        schubfach(frac | (1u << 23), biased - 150, frac == 0 && biased > 1, &digits, &exp10);
    double sign = bits >> 31 ? -1.0 : 1.0;
    /* digits < 2^53 and 10^k (k <= 22) are exact doubles: one correctly rounded multiply or
     * divide gives the double nearest digits × 10^exp10 (strtod's fast path) */
    if (exp10 >= 0 && exp10 <= 22)
        return sign * ((double)digits * pow10_exact[exp10]);
    if (exp10 < 0 && exp10 >= -22)
        return sign * ((double)digits / pow10_exact[-exp10]);
    char text[48], *p = text; /* the far ends of the float range: strtod */
    p = starch_fmt_u64(p, digits);
    *p++ = 'e';
    *p++ = exp10 < 0 ? '-' : '+';
    p = starch_fmt_u64(p, (uint64_t)(exp10 < 0 ? -exp10 : exp10));
    *p = '\0';
    return sign * strtod(text, NULL);
}

/* ---- `| fmt("%.Nf")` without printf ------------------------------------------------ */

/* Most decimals the fast path writes (printf writes the others). */
#define FIXED_MAX_DECIMALS STARCH_FIXED_MAX_DECIMALS

/* The fraction r / 2^s (0 <= r < 2^s, 0 < s < 64) times 10^d, rounded to an integer in the
 * default rounding mode (to nearest, ties to even, the tie's parity given by `odd`):
 * exactly, as printf rounds the binary value. r * 10^d < 2^53 * 2^57 fits in 128 bits.
 * May return 10^d (the carry into the integer part). */
static uint64_t round_fraction(uint64_t r, int s, uint64_t scale, bool odd_whole)
{
    uint64_t lo, hi = mul_hi(r, scale, &lo);
    uint64_t q = (hi << (64 - s)) | (lo >> s); /* floor(r * 10^d / 2^s) */
    uint64_t rem = lo & ((UINT64_C(1) << s) - 1), half = UINT64_C(1) << (s - 1);
    bool odd = scale == 1 ? odd_whole : (q & 1) != 0; /* 10^d even for d >= 1 */
    return q + (rem > half || (rem == half && odd));
}

/* |v| × 10^decimals rounded to an integer as printf rounds it, split into *whole (the
 * integer part of the result) and *frac (< 10^decimals). Exact for every finite v below
 * 2^64 and decimals <= FIXED_MAX_DECIMALS; false otherwise (printf's job). */
static inline bool fixed_digits(double v, int decimals, uint64_t *whole, uint64_t *frac)
{
    assert(decimals >= 0 && decimals <= FIXED_MAX_DECIMALS);
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int biased = (int)((bits >> 52) & 0x7ff);
    uint64_t m = bits & ((UINT64_C(1) << 52) - 1);
    if (biased == 0x7ff)
        return false;                           /* inf, nan */
    int s = biased == 0 ? 1074 : 1075 - biased; /* |v| = m × 2^-s */
    if (biased != 0)
        m |= UINT64_C(1) << 52;
    uint64_t scale = starch_pow10_u64(decimals);
    if (s <= 0) { /* an integer >= 2^52 */
        if (s < -11)
            return false; /* >= 2^64 */
        *whole = m << -s;
        *frac = 0;
        return true;
    }
    if (s < 64) { /* |v| >= 2^-11: the common case, 64-bit words and one 128-bit product */
        uint64_t w = m >> s;
        uint64_t f = round_fraction(m & ((UINT64_C(1) << s) - 1), s, scale, (w & 1) != 0);
        bool carry = f == scale;
        *whole = w + carry;
        *frac = carry ? 0 : f;
        return true;
    }
    *whole = 0;
    if (s > 120) { /* |v| < 2^-67: |v| × 10^17 < 2^-10, rounds to 0 */
        *frac = 0;
        return true;
    }
#ifdef __SIZEOF_INT128__
    /* tiny values: the remainder needs more than 64 bits (GNU extension, see mul_hi) */
    __extension__ typedef unsigned __int128 u128;
    u128 prod = (u128)m * scale; /* < 2^110 */
    u128 q = prod >> s, rem = prod & (((u128)1 << s) - 1), half = (u128)1 << (s - 1);
    bool odd = scale == 1 ? false : ((uint64_t)q & 1) != 0;
    uint64_t f = (uint64_t)q + (rem > half || (rem == half && odd));
    bool carry = f == scale; /* 10^0 = 1: 0.5 rounds to 0, 0.75 to 1 */
    *whole = carry;
    *frac = carry ? 0 : f;
    return true;
#else
    return false;
#endif
}

/* Longest text printf gives with at most FIXED_MAX_DECIMALS decimals: a sign, the 309
 * digits of DBL_MAX, '.', the decimals and the NUL. */
#define FIXED_LIBC_MAX (1 + 309 + 1 + FIXED_MAX_DECIMALS + 1)

/* Writes v as printf's "%.*f" would, at p (at most 22 bytes); NULL when the fast
 * path does not apply (decimals out of range, |v| >= 2^64, inf, nan). */
static inline char *fixed_fast(char *p, double v, int decimals)
{
    uint64_t whole, frac;
    if (decimals < 0 || decimals > FIXED_MAX_DECIMALS || !fixed_digits(v, decimals, &whole, &frac))
        return NULL;
    if (signbit(v)) /* printf keeps the sign of -0.0 and of what rounds to 0: "-0.00" */
        *p++ = '-';
    p = whole <= UINT32_MAX ? starch_fmt_u32(p, (uint32_t)whole) : starch_fmt_u64(p, whole);
    if (decimals == 0)
        return p;
    *p++ = '.';
    return starch_fmt_decimals(p, frac, decimals);
}

char *starch_put_fixed_any(starch_out *out, char *p, size_t rest, starch_put_bytes_fn write,
                           int decimals, double v)
{
    char buf[FIXED_LIBC_MAX];
    char *end = fixed_fast(buf, v, decimals);
    if (end != NULL)
        return write(out, p, rest, buf, (size_t)(end - buf));
    if (decimals >= 0 && decimals <= FIXED_MAX_DECIMALS) { /* huge, inf, nan: on the stack */
        int n = snprintf(buf, sizeof buf, "%.*f", decimals, v);
        assert(n > 0 && (size_t)n < sizeof buf);
        return write(out, p, rest, buf, (size_t)n);
    }
    return starch_put_fmt(out, p, rest, write, "%.*f", decimals, v);
}
