/* writers.c — instruction counts of the runtime writers generated code calls most: HTML
 * escaping of short and long strings, `| fmt("%.Nf")`, 64-bit integers.
 *
 *   cc -O2 -Iruntime/include bench/writers/writers.c build/runtime/libstarch.a -lm -o w
 *   bench/writers/run-writers.sh w     # instructions per call, from cachegrind
 *
 * `w SCENARIO N` makes N calls of one writer on a fixed, realistic mix; the script runs
 * each scenario at two N and divides the difference, so setup and startup cancel out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <starch_gen.h>

#define MIX 64

static const char *short_strings[MIX];
static starch_str long_strings[8];
static double prices[MIX];
static double mixed[MIX];
static int mixed_decimals[MIX];
static int64_t ids[MIX];

static uint64_t rng = 0x243f6a8885a308d3u;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void setup(void)
{
    static const char *words[] = {
        "Widget", "Deluxe",     "Tom & Jerry", "blue",        "<b>bold</b>", "caf\xc3\xa9", "It's",
        "size",   "\"quoted\"", "A",           "lorem ipsum", "dolor",       "sit amet"};
    static char text[MIX][48];
    for (int i = 0; i < MIX; i++) { /* 5 to 40 bytes, about one in three with & < > " ' */
        size_t len = 5 + next() % 36, n = 0;
        while (n < len) {
            const char *w = words[next() % (sizeof words / sizeof words[0])];
            if (i % 3 != 0 && strpbrk(w, "&<>\"'"))
                w = "plain";
            size_t k = strlen(w);
            if (n + k + 1 > len)
                k = len - n;
            memcpy(text[i] + n, w, k);
            n += k;
            if (n < len)
                text[i][n++] = ' ';
        }
        text[i][n] = '\0';
        short_strings[i] = text[i];
    }
    for (int i = 0; i < 8; i++) { /* 1 to 4 KB of prose, an escape every ~200 bytes */
        size_t len = 1024 + next() % 3072;
        char *s = malloc(len);
        for (size_t j = 0; j < len; j++)
            s[j] = (char)(next() % 200 == 0 ? "&<>\"'"[next() % 5] : 'a' + (int)(next() % 26));
        long_strings[i] = (starch_str){s, len};
    }
    static const double common[] = {19.99, 0.5, 1234.565, 5.0, 99.95, 0.01, 249.5, 12.3};
    for (int i = 0; i < MIX; i++) {
        prices[i] = i < 8 ? common[i] : (double)(next() % 100000) / 100.0;
        mixed_decimals[i] = (int)(next() % 7);
        mixed[i] = (double)(next() % 10000000) / 1000.0;
        ids[i] = (int64_t)(next() % (i % 4 == 0 ? 10000000000u : 1000000u));
    }
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    const char *what = argv[1];
    long n = atol(argv[2]);
    setup();
    starch_out out;
    starch_out_init(&out);
    for (long i = 0; i < n; i++) {
        if ((i & 255) == 0)
            starch_out_clear(&out);
        char *p = starch_out_reserve(&out, STARCH_VALUE_MAX);
        int k = (int)(i % MIX);
        switch (what[0]) {
        case 's': p = starch_put_html_cstr(&out, p, 0, short_strings[k]); break;
        case 'b':
            p = starch_put_html_str(&out, p, 0,
                                    (starch_str){short_strings[k], strlen(short_strings[k])});
            break;
        case 'l': p = starch_put_html_str(&out, p, 0, long_strings[k % 8]); break;
        case 'p': p = starch_put_fixed(&out, p, 0, starch_put_html_bytes, 2, prices[k]); break;
        case 'f':
            p = starch_put_fixed(&out, p, 0, starch_put_html_bytes, mixed_decimals[k], mixed[k]);
            break;
        case 'i': p = starch_put_i64(&out, p, 0, ids[k]); break;
        case 'n': *p++ = (char)k; break; /* the loop alone */
        default: return 2;
        }
        starch_out_commit(&out, p);
    }
    printf("%zu\n", starch_out_len(&out));
    starch_out_free(&out);
    return 0;
}
