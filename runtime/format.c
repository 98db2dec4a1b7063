/* format.c — numbers as text without printf on the integer path: two digits at a time
 * from a table; doubles as the shortest decimal that reads back exactly, laid out as
 * JavaScript's Number-to-String does. */
#include "starch.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static const char digit_pairs[201] = "00010203040506070809"
                                     "10111213141516171819"
                                     "20212223242526272829"
                                     "30313233343536373839"
                                     "40414243444546474849"
                                     "50515253545556575859"
                                     "60616263646566676869"
                                     "70717273747576777879"
                                     "80818283848586878889"
                                     "90919293949596979899";

static int count_digits(uint64_t v)
{
    int n = 1;
    for (;;) {
        if (v < 10)
            return n;
        if (v < 100)
            return n + 1;
        if (v < 1000)
            return n + 2;
        if (v < 10000)
            return n + 3;
        v /= 10000;
        n += 4;
    }
}

char *starch_fmt_u64(char *p, uint64_t v)
{
    int n = count_digits(v);
    char *end = p + n, *q = end;
    while (v >= 100) {
        unsigned i = (unsigned)(v % 100) * 2;
        v /= 100;
        *--q = digit_pairs[i + 1];
        *--q = digit_pairs[i];
    }
    if (v >= 10) {
        *--q = digit_pairs[v * 2 + 1];
        *--q = digit_pairs[v * 2];
    } else {
        *--q = (char)('0' + v);
    }
    return end;
}

char *starch_fmt_i64(char *p, int64_t v)
{
    if (v < 0) {
        *p++ = '-';
        return starch_fmt_u64(p, (uint64_t)0 - (uint64_t)v);
    }
    return starch_fmt_u64(p, (uint64_t)v);
}

/* The shortest significant digits of v (> 0, finite) that read back as v: writes them to
 * digits (no dot, no trailing zeros) and returns their count; *exp10 is the decimal
 * exponent of the first digit (v = d.ddd × 10^exp10). */
static int shortest_digits(double v, char digits[18], int *exp10)
{
    char buf[40];
    /* 15 significant digits always suffice to tell apart the decimals a normal double can
     * be the nearest to; subnormals have fewer bits, so they search from one digit. */
    int first = v < 2.2250738585072014e-308 ? 1 : 15;
    for (int prec = first; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
        if (prec < 17 && strtod(buf, NULL) != v)
            continue;
        /* buf is d.ddddde±XX */
        int k = 0;
        const char *s = buf;
        for (; *s != 'e'; s++)
            if (*s != '.')
                digits[k++] = *s;
        *exp10 = atoi(s + 1);
        while (k > 1 && digits[k - 1] == '0')
            k--;
        return k;
    }
    return 0; /* not reached: 17 digits always read back */
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
    char d[18];
    int e;
    int k = shortest_digits(v, d, &e);
    return js_layout(p, d, k, e + 1);
}
