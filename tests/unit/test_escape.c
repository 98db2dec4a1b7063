/* test_escape.c — HTML escaping and the string writers of generated code: every special
 * byte, all 256 byte values, the internal block boundary, invalid UTF-8, NUL bytes, NULL
 * strings, trusted HTML, the fmt writers, and the `rest` room every writer leaves. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <starch_gen.h>
#include <sys/mman.h>
#include <unistd.h>

#include "escape_scan.h" /* runtime/core: both scanners of the escaper */

/* Asserts that out holds exactly the n bytes at exp. */
static void assert_bytes(const starch_out *out, const char *exp, size_t n)
{
    size_t len = starch_out_len(out);
    cr_assert_eq(len, n, "length %zu, expected %zu", len, n);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(starch_out_data(out)[i], exp[i], "byte %zu: got 0x%02x, expected 0x%02x", i,
                     (unsigned char)starch_out_data(out)[i], (unsigned char)exp[i]);
}

#define assert_lit(out, lit) assert_bytes(out, lit, sizeof(lit) - 1)

/* The specification, written out byte by byte: HTML-escapes s[0..n) into dst (room 5n);
 * returns the length written. */
static size_t ref_escape(char *dst, const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const char *r;
        switch (s[i]) {
        case '&': r = "&amp;"; break;
        case '<': r = "&lt;"; break;
        case '>': r = "&gt;"; break;
        case '"': r = "&#34;"; break;
        case '\'': r = "&#39;"; break;
        default: dst[k++] = s[i]; continue;
        }
        memcpy(dst + k, r, strlen(r));
        k += strlen(r);
    }
    return k;
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

/* Random bytes, one in `special_one_in` a special character, never NUL. */
static void random_text(char *s, size_t n, uint64_t *r, unsigned special_one_in)
{
    static const char specials[] = "&<>\"'";
    for (size_t i = 0; i < n; i++) {
        uint64_t x = next_random(r);
        if (x % special_one_in == 0)
            s[i] = specials[(x >> 32) % 5];
        else
            s[i] = (char)((x >> 40) % 255 + 1);
    }
}

/* starch_escape_html of s[0..n) into a fresh buffer, compared with the reference. */
static void check_escape(const char *s, size_t n)
{
    char *exp = malloc(5 * n + 1);
    size_t k = ref_escape(exp, s, n);
    starch_out out;
    starch_out_init(&out);
    starch_escape_html(&out, s, n);
    cr_assert_eq(starch_out_error(&out), 0);
    assert_bytes(&out, exp, k);
    starch_out_free(&out);
    free(exp);
}

/* ---- starch_escape_html ---------------------------------------------------------- */

Test(escape, empty)
{
    starch_out out;
    starch_out_init(&out);
    starch_escape_html(&out, "", 0);
    starch_escape_html(&out, NULL, 0);
    starch_escape_html(&out, "<", 0);
    assert_lit(&out, "");
    cr_assert_eq(starch_out_error(&out), 0);
    starch_out_free(&out);
}

Test(escape, each_special_character)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"&", "&amp;"},
        {"<", "&lt;"},
        {">", "&gt;"},
        {"\"", "&#34;"},
        {"'", "&#39;"},
        {"a&b", "a&amp;b"},
        {"<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"},
        {"\"'\"'", "&#34;&#39;&#34;&#39;"},
        {"&amp;", "&amp;amp;"},
        {"&&&&", "&amp;&amp;&amp;&amp;"},
        {"x<", "x&lt;"},
        {">x", "&gt;x"},
        {"plain text, no specials: =`/\\;#%", "plain text, no specials: =`/\\;#%"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        starch_out out;
        starch_out_init(&out);
        starch_escape_html(&out, cases[i].in, strlen(cases[i].in));
        assert_bytes(&out, cases[i].out, strlen(cases[i].out));
        starch_out_free(&out);
    }
}

Test(escape, all_256_byte_values)
{
    for (int b = 0; b < 256; b++) {
        char c = (char)b;
        starch_out out;
        starch_out_init(&out);
        starch_escape_html(&out, &c, 1);
        switch (b) {
        case '&': assert_lit(&out, "&amp;"); break;
        case '<': assert_lit(&out, "&lt;"); break;
        case '>': assert_lit(&out, "&gt;"); break;
        case '"': assert_lit(&out, "&#34;"); break;
        case '\'': assert_lit(&out, "&#39;"); break;
        default: assert_bytes(&out, &c, 1);
        }
        starch_out_free(&out);
    }
    char all[256];
    for (int b = 0; b < 256; b++)
        all[b] = (char)b;
    check_escape(all, sizeof all);
    /* only the five specials change: 256 - 5 bytes + the five replacements */
    starch_out out;
    starch_out_init(&out);
    starch_escape_html(&out, all, sizeof all);
    cr_assert_eq(starch_out_len(&out), 251 + 5 + 4 + 4 + 5 + 5);
    starch_out_free(&out);
}

Test(escape, invalid_utf8_passes_through)
{
    static const char bad[] = "\xff\xfe \xc3\x28 \xa0\xa1 \xe2\x28\xa1 \xf0\x28\x8c\xbc "
                              "\xed\xa0\x80 \xc0\xaf \xf8\x88\x80\x80\x80 \xe2\x82 \x80";
    check_escape(bad, sizeof bad - 1);
    starch_out out;
    starch_out_init(&out);
    starch_escape_html(&out, bad, sizeof bad - 1);
    assert_bytes(&out, bad, sizeof bad - 1);
    starch_out_clear(&out);
    starch_escape_html(&out, "\xc3<\xa9", 3);
    assert_lit(&out, "\xc3&lt;\xa9");
    starch_out_free(&out);
}

Test(escape, valid_utf8_unchanged)
{
    static const char s[] = "héllo wörld — 日本語 🎉 <ü>";
    starch_out out;
    starch_out_init(&out);
    starch_escape_html(&out, s, sizeof s - 1);
    assert_lit(&out, "héllo wörld — 日本語 🎉 &lt;ü&gt;");
    starch_out_free(&out);
}

Test(escape, nul_bytes_are_data)
{
    starch_out out;
    starch_out_init(&out);
    starch_escape_html(&out, "a\0<\0b", 5);
    assert_lit(&out, "a\0&lt;\0b");
    starch_out_free(&out);
}

Test(escape, long_strings_across_the_block_boundary)
{
    static const size_t lens[] = {1,    2,    255,  256,  1000, 1022, 1023, 1024, 1025,
                                  1026, 2047, 2048, 2049, 3071, 3072, 3073, 5000, 100000};
    static const char specials[] = "&<>\"'";
    for (size_t li = 0; li < sizeof lens / sizeof *lens; li++) {
        size_t n = lens[li];
        char *s = malloc(n);
        for (size_t i = 0; i < n; i++)
            s[i] = (char)('a' + i % 26);
        check_escape(s, n);
        /* one special at each position near a multiple of 1024, and at both ends */
        for (size_t at = 0; at < n; at++) {
            size_t m = at % 1024;
            if (!(m <= 1 || m >= 1022 || at + 2 >= n))
                continue;
            for (int k = 0; k < 5; k++) {
                char keep = s[at];
                s[at] = specials[k];
                check_escape(s, n);
                s[at] = keep;
            }
        }
        /* every byte special: the worst-case growth */
        for (int k = 0; k < 5; k++) {
            memset(s, specials[k], n);
            check_escape(s, n);
        }
        free(s);
    }
}

Test(escape, random_texts)
{
    uint64_t r = 12345;
    char *s = malloc(20000);
    for (int i = 0; i < 2000; i++) {
        size_t n = (size_t)(next_random(&r) % 20000);
        random_text(s, n, &r, 1 + (unsigned)(next_random(&r) % 50));
        check_escape(s, n);
    }
    free(s);
}

Test(escape, appends_after_existing_data)
{
    starch_out out;
    starch_out_init(&out);
    starch_out_puts(&out, "<b>");
    starch_escape_html(&out, "<b>", 3);
    starch_out_puts(&out, "</b>");
    assert_lit(&out, "<b>&lt;b&gt;</b>");
    starch_out_free(&out);
}

/* ---- The writers of generated code ----------------------------------------------- */

/* Runs one writer the way generated code does: reserve the run's room (a static prefix,
 * STARCH_VALUE_MAX for the value, rest bytes of static suffix), the prefix, the writer, the
 * suffix, commit. Checks that the writer left rest bytes of room. */
typedef char *(*writer_fn)(starch_out *out, char *p, size_t rest, const char *s, size_t n);

static char *w_html_cstr(starch_out *out, char *p, size_t rest, const char *s, size_t n)
{
    char *z = malloc(n + 1);
    memcpy(z, s, n);
    z[n] = '\0';
    p = starch_put_html_cstr(out, p, rest, z);
    free(z);
    return p;
}

static char *w_raw_cstr(starch_out *out, char *p, size_t rest, const char *s, size_t n)
{
    char *z = malloc(n + 1);
    memcpy(z, s, n);
    z[n] = '\0';
    p = starch_put_raw_cstr(out, p, rest, z);
    free(z);
    return p;
}

static char *w_html_str(starch_out *out, char *p, size_t rest, const char *s, size_t n)
{
    return starch_put_html_str(out, p, rest, (starch_str){s, n});
}

static char *w_raw_str(starch_out *out, char *p, size_t rest, const char *s, size_t n)
{
    return starch_put_raw_str(out, p, rest, (starch_str){s, n});
}

static char *w_html_trusted(starch_out *out, char *p, size_t rest, const char *s, size_t n)
{
    return starch_put_html_trusted(out, p, rest, starch_html_trusted(s, n));
}

static char *w_attr_trusted(starch_out *out, char *p, size_t rest, const char *s, size_t n)
{
    return starch_put_attr_trusted(out, p, rest, starch_html_trusted(s, n));
}

static char *w_raw_trusted(starch_out *out, char *p, size_t rest, const char *s, size_t n)
{
    return starch_put_raw_trusted(out, p, rest, starch_html_trusted(s, n));
}

static char *w_html_fmt(starch_out *out, char *p, size_t rest, const char *s, size_t n)
{
    return starch_put_html_fmt(out, p, rest, "%.*s", (int)n, s);
}

static char *w_raw_fmt(starch_out *out, char *p, size_t rest, const char *s, size_t n)
{
    return starch_put_raw_fmt(out, p, rest, "%.*s", (int)n, s);
}

static const struct {
    const char *name;
    writer_fn fn;
    bool escapes;
} writers[] = {
    {"html_cstr", w_html_cstr, true},        {"html_str", w_html_str, true},
    {"html_trusted", w_html_trusted, false}, {"attr_trusted", w_attr_trusted, true},
    {"html_fmt", w_html_fmt, true},          {"raw_cstr", w_raw_cstr, false},
    {"raw_str", w_raw_str, false},           {"raw_trusted", w_raw_trusted, false},
    {"raw_fmt", w_raw_fmt, false},
};

#define NWRITERS (sizeof writers / sizeof *writers)

/* Writes prefix_len bytes of 'P', then [ writer(s) + rest 'z' ] in a cursor run, and
 * checks the exact result and the room left after the writer. */
static void check_writer(size_t w, const char *s, size_t n, size_t rest, size_t prefix_len)
{
    char *exp = malloc(prefix_len + 1 + 5 * n + rest);
    memset(exp, 'P', prefix_len);
    size_t k = prefix_len;
    exp[k++] = '[';
    if (writers[w].escapes) {
        k += ref_escape(exp + k, s, n);
    } else {
        memcpy(exp + k, s, n);
        k += n;
    }
    memset(exp + k, 'z', rest);
    k += rest;

    starch_out out;
    starch_out_init(&out);
    char *pre = malloc(prefix_len + 1);
    memset(pre, 'P', prefix_len);
    starch_out_write(&out, pre, prefix_len);
    char *p = starch_out_reserve(&out, 1 + STARCH_VALUE_MAX + rest);
    *p++ = '[';
    p = writers[w].fn(&out, p, rest, s, n);
    cr_assert_eq(starch_out_error(&out), 0);
    cr_assert_geq(out.cap - (size_t)(p - out.data), rest,
                  "%s left %zu bytes of room, rest %zu (n %zu, prefix %zu)", writers[w].name,
                  out.cap - (size_t)(p - out.data), rest, n, prefix_len);
    memset(p, 'z', rest);
    starch_out_commit(&out, p + rest);
    cr_assert_eq(starch_out_len(&out), k, "%s: length %zu, expected %zu", writers[w].name,
                 starch_out_len(&out), k);
    cr_assert(memcmp(starch_out_data(&out), exp, k) == 0, "%s: wrong bytes (n %zu)",
              writers[w].name, n);
    starch_out_free(&out);
    free(pre);
    free(exp);
}

Test(writers, exact_output_and_rest_room)
{
    static const size_t lens[] = {0,   1,    5,    31,   32,   33,   255,   256,
                                  257, 1023, 1024, 1025, 2048, 5000, 100000};
    static const size_t rests[] = {0, 1, 7, 32, 100, 1000, STARCH_OUT_RESERVE_MAX};
    static const size_t prefixes[] = {0, 1, 200, 255, 256, 8000};
    uint64_t r = 7;
    char *s = malloc(100000);
    for (size_t li = 0; li < sizeof lens / sizeof *lens; li++) {
        random_text(s, lens[li], &r, 4);
        for (size_t w = 0; w < NWRITERS; w++)
            for (size_t ri = 0; ri < sizeof rests / sizeof *rests; ri++)
                for (size_t pi = 0; pi < sizeof prefixes / sizeof *prefixes; pi++)
                    check_writer(w, s, lens[li], rests[ri], prefixes[pi]);
    }
    free(s);
}

Test(writers, rest_room_at_every_fill_level)
{
    /* A writer starting at every offset of a small buffer's capacity. */
    for (size_t w = 0; w < NWRITERS; w++)
        for (size_t prefix = 200; prefix < 400; prefix++)
            for (size_t n = 0; n < 40; n += 13)
                check_writer(w, "<a href='x'>&amp;\"</a> <a href='y'>yy</a>", n, 60, prefix);
}

Test(writers, random_texts)
{
    uint64_t r = 2024;
    char *s = malloc(9000);
    for (int i = 0; i < 3000; i++) {
        size_t n = (size_t)(next_random(&r) % 9000);
        random_text(s, n, &r, 1 + (unsigned)(next_random(&r) % 20));
        size_t w = (size_t)(next_random(&r) % NWRITERS);
        size_t rest = (size_t)(next_random(&r) % 300);
        size_t prefix = (size_t)(next_random(&r) % 10000);
        check_writer(w, s, n, rest, prefix);
    }
    free(s);
}

/* One writer call in a fresh buffer, between "[" and "]". */
#define RUN(call, lit)                                                                             \
    do {                                                                                           \
        starch_out out_;                                                                           \
        starch_out_init(&out_);                                                                    \
        char *p = starch_out_reserve(&out_, 1 + STARCH_VALUE_MAX);                                 \
        *p++ = '[';                                                                                \
        starch_out *out = &out_;                                                                   \
        p = call;                                                                                  \
        cr_assert_geq(out_.cap - (size_t)(p - out_.data), 1);                                      \
        *p++ = ']';                                                                                \
        starch_out_commit(&out_, p);                                                               \
        assert_lit(&out_, lit);                                                                    \
        starch_out_free(&out_);                                                                    \
    } while (0)

Test(writers, null_strings_write_nothing)
{
    const char *null = NULL;
    RUN(starch_put_html_cstr(out, p, 1, null), "[]");
    RUN(starch_put_raw_cstr(out, p, 1, null), "[]");
    RUN(starch_put_html_str(out, p, 1, starch_str_from(NULL)), "[]");
    RUN(starch_put_raw_str(out, p, 1, starch_str_from(NULL)), "[]");
    RUN(starch_put_html_trusted(out, p, 1, starch_html_trusted(NULL, 0)), "[]");
    RUN(starch_put_attr_trusted(out, p, 1, starch_html_trusted(NULL, 0)), "[]");
    RUN(starch_put_raw_trusted(out, p, 1, starch_html_trusted(NULL, 0)), "[]");
    RUN(starch_put_html_str(out, p, 1, ((starch_str){NULL, 0})), "[]");
    RUN(starch_put_raw_str(out, p, 1, ((starch_str){NULL, 0})), "[]");
    RUN(starch_put_html_trusted(out, p, 1, ((starch_html){NULL, 0})), "[]");
    RUN(starch_put_raw_trusted(out, p, 1, ((starch_html){NULL, 0})), "[]");
    RUN(starch_put_attr_trusted(out, p, 1, ((starch_html){NULL, 0})), "[]");
}

Test(writers, null_string_still_leaves_rest_room)
{
    for (size_t rest = 0; rest <= STARCH_OUT_RESERVE_MAX; rest += 512) {
        for (int raw = 0; raw < 2; raw++) {
            starch_out out;
            starch_out_init(&out);
            char *p = starch_out_reserve(&out, 1);
            *p++ = '[';
            p = raw ? starch_put_raw_cstr(&out, p, rest, NULL)
                    : starch_put_html_cstr(&out, p, rest, NULL);
            cr_assert_geq(out.cap - (size_t)(p - out.data), rest, "room %zu < rest %zu",
                          out.cap - (size_t)(p - out.data), rest);
            memset(p, 'z', rest);
            starch_out_commit(&out, p + rest);
            cr_assert_eq(starch_out_len(&out), 1 + rest);
            cr_assert_eq(out.data[0], '[');
            starch_out_free(&out);
        }
    }
}

Test(writers, empty_strings)
{
    RUN(starch_put_html_cstr(out, p, 1, ""), "[]");
    RUN(starch_put_raw_cstr(out, p, 1, ""), "[]");
    RUN(starch_put_html_str(out, p, 1, STARCH_STR("")), "[]");
    RUN(starch_put_raw_str(out, p, 1, STARCH_STR("")), "[]");
    RUN(starch_put_html_trusted(out, p, 1, starch_html_trusted("", 0)), "[]");
    RUN(starch_put_attr_trusted(out, p, 1, starch_html_trusted("<b>", 0)), "[]");
    RUN(starch_put_html_fmt(out, p, 1, "%s", ""), "[]");
    RUN(starch_put_raw_fmt(out, p, 1, "%s", ""), "[]");
}

Test(writers, strings)
{
    RUN(starch_put_html_cstr(out, p, 1, "a<b>&\"c'"), "[a&lt;b&gt;&amp;&#34;c&#39;]");
    RUN(starch_put_raw_cstr(out, p, 1, "a<b>&\"c'"), "[a<b>&\"c']");
    RUN(starch_put_html_str(out, p, 1, STARCH_STR("<i>x</i>")), "[&lt;i&gt;x&lt;/i&gt;]");
    RUN(starch_put_raw_str(out, p, 1, STARCH_STR("<i>x</i>")), "[<i>x</i>]");
    RUN(starch_put_html_str(out, p, 1, starch_str_from("O'Neil & Sons")),
        "[O&#39;Neil &amp; Sons]");
    RUN(starch_put_html_cstr(out, p, 1, "\xff\xc3("), "[\xff\xc3(]");
    RUN(starch_put_raw_cstr(out, p, 1, "\xff\xc3("), "[\xff\xc3(]");
}

Test(writers, nul_bytes_inside_starch_str)
{
    RUN(starch_put_html_str(out, p, 1, STARCH_STR("a\0<b\0")), "[a\0&lt;b\0]");
    RUN(starch_put_raw_str(out, p, 1, STARCH_STR("a\0<b\0")), "[a\0<b\0]");
    RUN(starch_put_html_trusted(out, p, 1, starch_html_trusted("<\0>", 3)), "[<\0>]");
    RUN(starch_put_attr_trusted(out, p, 1, starch_html_trusted("<\0>", 3)), "[&lt;\0&gt;]");
    RUN(starch_put_raw_trusted(out, p, 1, starch_html_trusted("<\0>", 3)), "[<\0>]");
    RUN(starch_put_html_str(out, p, 1, STARCH_STR("\0")), "[\0]");
}

Test(writers, trusted_html)
{
    static const char b[] = "<b class=\"x\">it's &amp;</b>";
    starch_html h = starch_html_trusted(b, sizeof b - 1);
    RUN(starch_put_html_trusted(out, p, 1, h), "[<b class=\"x\">it's &amp;</b>]");
    RUN(starch_put_attr_trusted(out, p, 1, h),
        "[&lt;b class=&#34;x&#34;&gt;it&#39;s &amp;amp;&lt;/b&gt;]");
    RUN(starch_put_raw_trusted(out, p, 1, h), "[<b class=\"x\">it's &amp;</b>]");
    /* only len bytes are taken */
    RUN(starch_put_html_trusted(out, p, 1, starch_html_trusted("<b>xyz", 3)), "[<b>]");
    RUN(starch_put_attr_trusted(out, p, 1, starch_html_trusted("<b>xyz", 3)), "[&lt;b&gt;]");
}

Test(writers, chr_all_256_values)
{
    for (int b = 0; b < 256; b++) {
        char c = (char)b, esc[8];
        size_t n = ref_escape(esc, &c, 1);
        for (int raw = 0; raw < 2; raw++) {
            starch_out out;
            starch_out_init(&out);
            char *p = starch_out_reserve(&out, 2 + STARCH_VALUE_MAX);
            *p++ = '[';
            p = raw ? starch_put_raw_chr(&out, p, 0, c) : starch_put_html_chr(&out, p, 0, c);
            *p++ = ']';
            starch_out_commit(&out, p);
            char exp[10] = "[";
            if (raw) {
                exp[1] = c;
                exp[2] = ']';
                assert_bytes(&out, exp, 3);
            } else {
                memcpy(exp + 1, esc, n);
                exp[n + 1] = ']';
                assert_bytes(&out, exp, n + 2);
            }
            starch_out_free(&out);
        }
    }
    RUN(starch_put_html_chr(out, p, 0, '<'), "[&lt;]");
    RUN(starch_put_html_chr(out, p, 0, '\''), "[&#39;]");
    RUN(starch_put_raw_chr(out, p, 0, '<'), "[<]");
}

Test(writers, fmt_short)
{
    RUN(starch_put_html_fmt(out, p, 1, "%d<%s>", 42, "a&b"), "[42&lt;a&amp;b&gt;]");
    RUN(starch_put_raw_fmt(out, p, 1, "%d<%s>", 42, "a&b"), "[42<a&b>]");
    RUN(starch_put_html_fmt(out, p, 1, "%.2f", 3.14159), "[3.14]");
    RUN(starch_put_html_fmt(out, p, 1, "%05d|%-3s|%x", 42, "'", 255), "[00042|&#39;  |ff]");
    RUN(starch_put_raw_fmt(out, p, 1, "%c%c", '"', '\''), "[\"']");
}

/* A fmt writer producing n bytes: 'a'..'z' with a special every 7 bytes. */
static void check_fmt_length(size_t n, bool raw)
{
    char *s = malloc(n + 1), *exp = malloc(5 * n + 2);
    for (size_t i = 0; i < n; i++)
        s[i] = i % 7 == 3 ? "&<>\"'"[i % 5] : (char)('a' + i % 26);
    s[n] = '\0';
    size_t k = 0;
    exp[k++] = '[';
    if (raw) {
        memcpy(exp + k, s, n);
        k += n;
    } else {
        k += ref_escape(exp + k, s, n);
    }
    exp[k++] = ']';
    starch_out out;
    starch_out_init(&out);
    char *p = starch_out_reserve(&out, 1);
    *p++ = '[';
    p = raw ? starch_put_raw_fmt(&out, p, 1, "%s", s) : starch_put_html_fmt(&out, p, 1, "%s", s);
    *p++ = ']';
    starch_out_commit(&out, p);
    assert_bytes(&out, exp, k);
    starch_out_free(&out);
    free(s);
    free(exp);
}

Test(writers, fmt_lengths_around_the_stack_buffer_and_long)
{
    for (int raw = 0; raw < 2; raw++) {
        for (size_t n = 0; n < 300; n++)
            check_fmt_length(n, raw);
        check_fmt_length(1023, raw);
        check_fmt_length(1024, raw);
        check_fmt_length(1025, raw);
        check_fmt_length(10000, raw);
        check_fmt_length(1 << 20, raw);
    }
}

Test(writers, fmt_long_with_arguments)
{
    char pad[400];
    memset(pad, '<', sizeof pad - 1);
    pad[sizeof pad - 1] = '\0';
    starch_out out;
    starch_out_init(&out);
    char *p = starch_out_reserve(&out, 0);
    p = starch_put_html_fmt(&out, p, 0, "%d:%s:%d", 1, pad, 2);
    starch_out_commit(&out, p);
    cr_assert_eq(starch_out_len(&out), 2 + 399 * 4 + 2);
    cr_assert_eq(memcmp(out.data, "1:&lt;&lt;", 10), 0);
    cr_assert_eq(memcmp(out.data + out.len - 6, "&lt;:2", 6), 0);
    starch_out_free(&out);
}

Test(writers, fmt_encoding_error_is_sticky)
{
    static const wchar_t bad[] = {0x20ac, 0};
    for (int raw = 0; raw < 2; raw++) {
        starch_out out;
        starch_out_init(&out);
        char *p = starch_out_reserve(&out, 1);
        *p++ = '[';
        p = raw ? starch_put_raw_fmt(&out, p, 10, "%ls", bad)
                : starch_put_html_fmt(&out, p, 10, "%ls", bad);
        memset(p, 'z', 10);
        starch_out_commit(&out, p + 10);
        cr_assert_eq(starch_out_error(&out), STARCH_EINVAL);
        assert_lit(&out, "");
        starch_out_free(&out);
    }
}

Test(writers, a_generated_run)
{
    /* What the code generator emits for <li id="{{ id }}" title="{{ t }}">{{ body }}</li> */
    starch_out out;
    starch_out_init(&out);
    for (int i = 0; i < 3; i++) {
        const char *t = i == 1 ? NULL : "a\"b";
        starch_str body = i == 2 ? STARCH_STR("<x>") : STARCH_STR("plain");
        char *p = starch_out_reserve(&out, 25 + 3 * STARCH_VALUE_MAX);
        p = starch_put(p, "<li id=\"", 8);
        p = STARCH_PUT_ATTR(&out, p, 17 + 2 * STARCH_VALUE_MAX, i * 10);
        p = starch_put(p, "\" title=\"", 9);
        p = STARCH_PUT_ATTR(&out, p, 8 + 1 * STARCH_VALUE_MAX, t);
        p = starch_put(p, "\">", 2);
        p = STARCH_PUT_HTML(&out, p, 6 + 0 * STARCH_VALUE_MAX, body);
        p = starch_put(p, "</li>\n", 6);
        starch_out_commit(&out, p);
    }
    assert_lit(&out, "<li id=\"0\" title=\"a&#34;b\">plain</li>\n"
                     "<li id=\"10\" title=\"\">plain</li>\n"
                     "<li id=\"20\" title=\"a&#34;b\">&lt;x&gt;</li>\n");
    starch_out_free(&out);
}

/* ---- Streaming ------------------------------------------------------------------- */

typedef struct sink {
    char *data;
    size_t len, cap, max_chunk;
} sink;

static int sink_flush(void *ctx, const char *data, size_t len)
{
    sink *s = ctx;
    if (s->len + len > s->cap) {
        s->cap = (s->len + len) * 2;
        s->data = realloc(s->data, s->cap);
    }
    memcpy(s->data + s->len, data, len);
    s->len += len;
    if (len > s->max_chunk)
        s->max_chunk = len;
    return 0;
}

Test(writers, streamed_output_equals_buffered_output)
{
    uint64_t r = 77;
    sink s = {0};
    starch_out out, ref;
    starch_out_init(&out);
    starch_out_init(&ref);
    starch_out_set_flush(&out, sink_flush, &s);
    char *text = malloc(6000);
    for (int i = 0; i < 3000; i++) {
        size_t n = (size_t)(next_random(&r) % 6000);
        random_text(text, n, &r, 3);
        size_t w = (size_t)(next_random(&r) % NWRITERS);
        size_t rest = (size_t)(next_random(&r) % 100);
        starch_out *o[2] = {&out, &ref};
        for (int k = 0; k < 2; k++) {
            char *p = starch_out_reserve(o[k], 1 + STARCH_VALUE_MAX);
            *p++ = '{';
            p = writers[w].fn(o[k], p, rest, text, n);
            memset(p, 'z', rest);
            starch_out_commit(o[k], p + rest);
        }
    }
    cr_assert_eq(starch_out_flush(&out), 0);
    cr_assert_eq(s.len, starch_out_len(&ref));
    cr_assert(memcmp(s.data, starch_out_data(&ref), s.len) == 0);
    cr_assert_leq(s.max_chunk, STARCH_OUT_CHUNK, "chunk of %zu bytes", s.max_chunk);
    starch_out_free(&out);
    starch_out_free(&ref);
    free(text);
    free(s.data);
}

/* ---- Both scanners of the escaper: the portable one and SSE2 ------------------------
 *
 * The escaper finds runs of bytes to copy 16 bytes at a time with SSE2 on x86-64, 8 at a
 * time (uint64_t words) elsewhere; escape_scan.h exports both, so this binary checks each
 * whatever the build picks. Every string is laid out to end exactly at an inaccessible page:
 * a read past its end is a crash, not a silent pass. */

typedef size_t (*scan_fn)(const char *, size_t);
typedef char *(*escape_fn)(char *, const char *, size_t);

static const struct {
    const char *name;
    scan_fn scan;
    escape_fn escape;
} scanners[] = {
    {"portable", starch_html_scan_portable, starch_html_escape_portable},
#if defined(__SSE2__) && !defined(STARCH_NO_SSE2)
    {"sse2", starch_html_scan_sse2, starch_html_escape_sse2},
#endif
};
#define N_SCANNERS (sizeof scanners / sizeof scanners[0])

/* Two pages, the second inaccessible; returns the end of the first. */
static char *page_end(void)
{
    static char *end;
    if (end == NULL) {
        long page = sysconf(_SC_PAGESIZE);
        char *m = mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0);
        cr_assert(m != MAP_FAILED);
        cr_assert_eq(mprotect(m + page, (size_t)page, PROT_NONE), 0);
        end = m + page;
    }
    return end;
}

/* Filler bytes that must not match: near misses of the specials (one bit off, the same
 * low 7 bits with the high bit set), UTF-8, NUL, DEL, letters. */
static const unsigned char near_misses[] = {
    0x00, 0x7f, 0x80, 0xff, 0xa6, 0xbc, 0xbe, 0xa2, 0xa7, /* specials with the high bit */
    '#',  '$',  '%',  ';',  '=',  '?',  '(',              /* one or two bits from a special */
    'a',  'Z',  ' ',  0xc3, 0xa9, 0x01,
};

Test(scanners, first_special_at_every_position_and_length)
{
    static const char specials[] = "&<>\"'";
    uint64_t r = 3;
    char *end = page_end();
    for (size_t len = 0; len <= 80; len++) {
        char *s = end - len;
        for (size_t at = 0; at <= len; at++) { /* at == len: none */
            for (int rep = 0; rep < 5; rep++) {
                for (size_t i = 0; i < len; i++)
                    s[i] = (char)near_misses[next_random(&r) % sizeof near_misses];
                if (at < len)
                    s[at] = specials[rep];
                if (at + 1 < len && rep % 2) /* a second special after the first */
                    s[at + 1 + next_random(&r) % (len - at - 1)] = specials[(rep + 1) % 5];
                for (size_t k = 0; k < N_SCANNERS; k++)
                    cr_assert_eq(scanners[k].scan(s, len), at, "%s: length %zu, special at %zu",
                                 scanners[k].name, len, at);
            }
        }
    }
}

Test(scanners, escape_random_texts_at_the_end_of_a_page)
{
    uint64_t r = 5;
    char *end = page_end();
    char *exp = malloc(5 * 600), *got = malloc(5 * 600 + 1);
    for (int i = 0; i < 20000; i++) {
        size_t len = next_random(&r) % (i % 10 == 0 ? 600 : 70);
        char *s = end - len;
        random_text(s, len, &r, (unsigned)(1 + next_random(&r) % 40));
        size_t k = ref_escape(exp, s, len);
        for (size_t j = 0; j < N_SCANNERS; j++) {
            got[5 * len] = '#';
            char *e = scanners[j].escape(got, s, len);
            cr_assert_eq((size_t)(e - got), k, "%s: length %zu", scanners[j].name, len);
            cr_assert(memcmp(got, exp, k) == 0, "%s: length %zu", scanners[j].name, len);
        }
    }
    free(exp);
    free(got);
}

/* ---- The scanners of the JSON/JavaScript and URL escapers ----------------------------
 *
 * Each scanner finds the first byte its escaper does not copy as it is. The sets below
 * are written from the escapers' documentation (json.c, escape_url.c), not from their
 * tables, and every scanner (portable, SSE2) is checked against them: each byte value at
 * every position of strings of every length up to 70 that end at an inaccessible page,
 * the other bytes drawn from those the scanner passes. */

typedef size_t (*set_scan_fn)(const char *, size_t, unsigned);

/* Whether the JSON escaper escapes byte c under flags. */
static bool json_stops(unsigned char c, unsigned flags)
{
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
        return true;
    if ((flags & (STARCH_JSON_HTML_SAFE | STARCH_JSON_ATTR)) && strchr("<>&'`", c))
        return true;
    if ((flags & STARCH_JSON_DATASTAR) && (c == '@' || c == '$'))
        return true;
    if ((flags & (STARCH_JSON_SLASH | STARCH_JSON_REGEXP)) && c == '/')
        return true;
    return (flags & STARCH_JSON_REGEXP) && strchr("^.*+?()[]{}|-", c);
}

/* Whether the URL writer changes byte c (flags 1: in a query or fragment). */
static bool url_stops(unsigned char c, unsigned flags)
{
    bool alnum = (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z');
    if (flags)
        return !alnum && (c == 0 || !strchr("-._~", c)); /* (strchr finds the NUL) */
    return c <= 0x20 || c >= 0x7f || strchr("\"%&'<>\\^`{|}", c);
}

static size_t json_portable(const char *s, size_t n, unsigned f)
{
    return starch__json_scan_portable(s, n, f);
}
static size_t url_portable(const char *s, size_t n, unsigned f)
{
    return starch__url_scan_portable(s, n, f != 0);
}
#if defined(__SSE2__) && !defined(STARCH_NO_SSE2)
static size_t json_sse2(const char *s, size_t n, unsigned f)
{
    return starch__json_scan_sse2(s, n, f);
}
static size_t url_sse2(const char *s, size_t n, unsigned f)
{
    return starch__url_scan_sse2(s, n, f != 0);
}
#endif

static const struct {
    const char *name;
    set_scan_fn scan;
    bool (*stops)(unsigned char, unsigned);
    unsigned flags_end; /* flags 0 .. flags_end - 1 */
} set_scanners[] = {
    {"json portable", json_portable, json_stops, 64},
    {"url portable", url_portable, url_stops, 2},
#if defined(__SSE2__) && !defined(STARCH_NO_SSE2)
    {"json sse2", json_sse2, json_stops, 64},
    {"url sse2", url_sse2, url_stops, 2},
#endif
};

/* Fills s[0..len) with random bytes the scanner passes under flags. */
static void fill_passing(char *s, size_t len, uint64_t *r, bool (*stops)(unsigned char, unsigned),
                         unsigned flags)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c;
        do
            c = (unsigned char)next_random(r);
        while (stops(c, flags));
        s[i] = (char)c;
    }
}

Test(scanners, json_and_url_sets_every_byte_at_every_position)
{
    uint64_t r = 11;
    char *end = page_end();
    for (size_t k = 0; k < sizeof set_scanners / sizeof set_scanners[0]; k++) {
        for (unsigned flags = 0; flags < set_scanners[k].flags_end; flags++) {
            for (size_t len = 1; len <= 70; len++) {
                char *s = end - len;
                for (unsigned c = 0; c < 256; c++) {
                    size_t at = (c * 7 + len) % len;
                    fill_passing(s, len, &r, set_scanners[k].stops, flags);
                    s[at] = (char)c;
                    size_t want = set_scanners[k].stops((unsigned char)c, flags) ? at : len;
                    cr_assert_eq(set_scanners[k].scan(s, len, flags), want,
                                 "%s: flags %u, byte 0x%02x at %zu of %zu", set_scanners[k].name,
                                 flags, c, at, len);
                }
                fill_passing(s, len, &r, set_scanners[k].stops, flags);
                cr_assert_eq(set_scanners[k].scan(s, len, flags), len, "%s: flags %u, length %zu",
                             set_scanners[k].name, flags, len);
                cr_assert_eq(set_scanners[k].scan(s, 0, flags), 0);
            }
        }
    }
}

/* ---- The loops of the URL writers ----------------------------------------------------
 *
 * Each loop of escape_url.c (portable, SSE2; over a string of known length and over a C
 * string, read to its NUL) is checked against the specification written out byte by byte
 * (ref_url): each byte value at one position and the bytes the loops treat apart (`%`, `&`,
 * the NUL, bytes to encode) at every position of strings of every length up to 70, each
 * string ending at an inaccessible page (a C string's NUL the page's last byte) and, at
 * every alignment, followed by bytes to write (past a C string's NUL, which must end it);
 * the other bytes drawn from letters, hex digits and bytes copied as they are, so that `%`
 * comes before two hex digits, one, or the end. The buffer starts with room for the bytes
 * before the writer plus 0 to 200: the loops make their room a step at a time. */

typedef char *(*url_loop_fn)(struct starch_out *, char *, size_t, const char *, size_t, bool);

static const struct {
    const char *name;
    url_loop_fn put;
} url_loops[] = {
    {"portable", starch__url_put_portable},
#if defined(__SSE2__) && !defined(STARCH_NO_SSE2)
    {"sse2", starch__url_put_sse2},
#endif
};
#define N_URL_LOOPS (sizeof url_loops / sizeof url_loops[0])

static bool ref_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The specification: s[0..n) normalised for a URL attribute (query false: bytes that
 * cannot stand in a URL as %XX, `%` kept before two hex digits, `&` as `&amp;`) or
 * percent-encoded for a query (all but A-Z a-z 0-9 - . _ ~ as %XX), uppercase hex. */
static size_t ref_url(char *dst, const unsigned char *s, size_t n, bool query)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        bool escape = c == '%' && i + 2 < n && ref_hex(s[i + 1]) && ref_hex(s[i + 2]);
        if (!url_stops(c, query) || (!query && escape))
            dst[k++] = (char)c;
        else if (!query && c == '&')
            k += (size_t)sprintf(dst + k, "&amp;");
        else
            k += (size_t)sprintf(dst + k, "%%%02X", c);
    }
    return k;
}

/* Runs loop l on s[0..len) (a C string when cstr: s[len] is its NUL) in a buffer with room
 * for 2 + `room` bytes, after "[[", leaving `rest`; checks the bytes against ref_url. */
static void check_url_loop(size_t l, const char *s, size_t len, bool cstr, bool query, size_t room,
                           size_t rest)
{
    static char want[2 + 5 * 3000 + 256];
    size_t n_want = 2 + ref_url(want + 2, (const unsigned char *)s, len, query);
    memcpy(want, "[[", 2);
    memset(want + n_want, 'z', rest);
    n_want += rest;
    char *buf = malloc(2 + room);
    starch_out out;
    starch_out_init_buffer(&out, buf, 2 + room);
    char *p = starch_out_reserve(&out, 2 + rest);
    *p++ = '[';
    *p++ = '[';
    p = url_loops[l].put(&out, p, rest, s, cstr ? SIZE_MAX : len, query);
    cr_assert_eq(starch_out_error(&out), 0);
    cr_assert_geq(out.cap - (size_t)(p - out.data), rest, "%s: room after the writer",
                  url_loops[l].name);
    memset(p, 'z', rest);
    starch_out_commit(&out, p + rest);
    size_t n = starch_out_len(&out);
    cr_assert(n == n_want && memcmp(starch_out_data(&out), want, n) == 0,
              "%s %s %s: length %zu (s %% 16 = %zu, room %zu): %zu bytes, expected %zu",
              url_loops[l].name, query ? "query" : "url", cstr ? "cstr" : "bytes", len,
              (size_t)((uintptr_t)s % 16), room, n, n_want);
    starch_out_free(&out);
    free(buf);
}

/* Checks every loop on s[0..len) (no NUL in it when cstr), ending at the inaccessible page
 * and, at another alignment, followed by bytes to write. */
static void check_url_loops(const char *s, size_t len, bool cstr, unsigned variant)
{
    static const size_t extra[] = {0, 1, 15, 80, 200};
    static char spare[3000 + 96] __attribute__((aligned(16)));
    size_t rest = variant % 3 == 0 ? 0 : 7, room = rest + extra[variant % 5];
    char *end = page_end();
    for (unsigned query = 0; query < 2; query++) {
        for (size_t l = 0; l < N_URL_LOOPS; l++) {
            char *z = end - len - cstr;
            memmove(z, s, len);
            if (cstr)
                z[len] = '\0';
            check_url_loop(l, z, len, cstr, query, room, rest);
            char *y = spare + (variant + len) % 16;
            memmove(y, s, len);
            y[len] = cstr ? '\0' : '%';
            memcpy(y + len + 1, "41&\"<%\t\x80:", 9);
            memset(y + len + 10, (variant & 1) ? ' ' : '%', 64);
            check_url_loop(l, y, len, cstr, query, room, rest);
        }
    }
}

/* Bytes the loops copy in both contexts, hex digits among them. */
static const char url_plain_bytes[] = "abcdefXYZ0123456789ABF-._~";

Test(url_loops, every_byte_at_positions_of_every_length)
{
    static const unsigned char marked[] = {'%', '&', 0, ' ', '"', ':', '/', 0x80, 0xff, '~'};
    uint64_t r = 29;
    char s[80];
    for (size_t len = 0; len <= 70; len++) {
        for (unsigned c = 0; c < 256 + (unsigned)(len * sizeof marked); c++) {
            size_t at;
            unsigned char b;
            if (c < 256) { /* each byte value, at one position */
                b = (unsigned char)c;
                at = len ? (c * 7 + len) % len : 0;
            } else { /* these at every position */
                b = marked[(c - 256) % sizeof marked];
                at = (c - 256) / sizeof marked;
            }
            for (size_t i = 0; i < len; i++)
                s[i] = url_plain_bytes[next_random(&r) % (sizeof url_plain_bytes - 1)];
            if (len)
                s[at] = (char)b;
            check_url_loops(s, len, false, c);
            if (b != 0)
                check_url_loops(s, len, true, c);
        }
    }
}

/* Runs of bytes to write (longer than a step of the loops), `%` escapes whole and cut short,
 * strings to 3000 bytes: random strings of every density of bytes to write. */
Test(url_loops, random_strings_dense_and_sparse)
{
    uint64_t r = 31;
    char *s = malloc(3000);
    for (unsigned i = 0; i < 3000; i++) {
        size_t len = next_random(&r) % (i % 10 == 0 ? 3000 : 100);
        unsigned one_in = 1 + i % 8; /* one byte in one_in drawn from all 255 */
        for (size_t k = 0; k < len; k++) {
            uint64_t x = next_random(&r);
            s[k] = x % one_in == 0 ? (char)(1 + (x >> 32) % 255)
                   : x % 7 == 1    ? '%'
                                   : url_plain_bytes[(x >> 32) % (sizeof url_plain_bytes - 1)];
        }
        check_url_loops(s, len, true, i);
        check_url_loops(s, len, false, i);
    }
    free(s);
}

/* ---- The inline fast paths of starch_gen.h -------------------------------------------
 *
 * Where the compiler targets SSE2, starch_put_html_cstr and _str, the url, url_part and
 * url_query string writers, and the JavaScript C string writers (STARCH_JS_CSTR_) are inline: a
 * short string that needs nothing is checked in registers and copied, any other (or what is left of
 * it) goes out of line (starch__put_*, which the tests above and test_escape_contexts.c check
 * against the specification). Each inline writer is checked against its out-of-line one: each byte
 * value at positions of strings of every length to 80 (past the 63 bytes a C string's fast path
 * looks at), at every alignment, each string ending at an inaccessible page (a C string's NUL the
 * last byte of the page: its aligned blocks are read whole, and must never cross) or followed by
 * bytes to escape (past the NUL, which the fast path reads and must ignore), with the room at the
 * cursor just below, at and above what the fast path needs. Without SSE2 the names are the
 * out-of-line writers, and the checks pass trivially. */

typedef char *(*cstr_writer_fn)(starch_out *, char *, size_t, const char *);
typedef char *(*str_writer_fn)(starch_out *, char *, size_t, starch_str);

static const struct {
    const char *name;
    cstr_writer_fn fast_c, slow_c;
    str_writer_fn fast_s, slow_s;
} fast_writers[] = {
    {"html", starch_put_html_cstr, starch__put_html_cstr, starch_put_html_str,
     starch__put_html_str},
    {"url", starch_put_url_cstr, starch__put_url_cstr, starch_put_url_str, starch__put_url_str},
    {"url_part", starch_put_url_part_cstr, starch__put_url_part_cstr, starch_put_url_part_str,
     starch__put_url_part_str},
    {"url_query", starch_put_url_query_cstr, starch__put_url_query_cstr, starch_put_url_query_str,
     starch__put_url_query_str},
    /* JavaScript string literals: C strings inline (a starch_str goes out of line) */
    {"js", STARCH_JS_CSTR_(js), starch_put_js_cstr, starch_put_js_str, starch_put_js_str},
    {"js_script", STARCH_JS_CSTR_(js_script), starch_put_js_script_cstr, starch_put_js_script_str,
     starch_put_js_script_str},
    {"js_str", STARCH_JS_CSTR_(js_str), starch_put_js_str_cstr, starch_put_js_str_str,
     starch_put_js_str_str},
};
#define N_FAST (sizeof fast_writers / sizeof fast_writers[0])

/* The end of two writable pages followed by an inaccessible one (another than page_end's):
 * the caller's memory for a writer's buffer, so that a write past its room is a crash. */
static char *buffer_end(void)
{
    static char *end;
    if (end == NULL) {
        long page = sysconf(_SC_PAGESIZE);
        char *m = mmap(NULL, 3 * (size_t)page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0);
        cr_assert(m != MAP_FAILED);
        cr_assert_eq(mprotect(m + 2 * page, (size_t)page, PROT_NONE), 0);
        end = m + 2 * page;
    }
    return end;
}

/* Runs writer w (C string when cstr) on s[0..len) between "[[" and rest bytes of 'z', in a
 * buffer whose room at the writer's cursor is `room` (>= STARCH_VALUE_MAX + rest, as
 * generated code reserves)
 * when fast, in a fresh growing one when not; returns the bytes (malloc'd), *n their count. */
static char *run_string_writer(size_t w, bool fast, bool cstr, const char *s, size_t len,
                               size_t room, size_t rest, size_t *n)
{
    starch_out out;
    cr_assert_leq(2 + room, 8192);
    if (fast) /* ending at an inaccessible page: a write past the room is a crash */
        starch_out_init_buffer(&out, buffer_end() - (2 + room), 2 + room);
    else
        starch_out_init(&out);
    char *p = starch_out_reserve(&out, 2 + rest);
    *p++ = '[';
    *p++ = '[';
    if (cstr)
        p = (fast ? fast_writers[w].fast_c : fast_writers[w].slow_c)(&out, p, rest, s);
    else
        p = (fast ? fast_writers[w].fast_s : fast_writers[w].slow_s)(&out, p, rest,
                                                                     (starch_str){s, len});
    cr_assert_eq(starch_out_error(&out), 0);
    cr_assert_geq(out.cap - (size_t)(p - out.data), rest, "%s: room after the writer",
                  fast_writers[w].name);
    memset(p, 'z', rest);
    starch_out_commit(&out, p + rest);
    *n = starch_out_len(&out);
    char *bytes = malloc(*n + 1);
    memcpy(bytes, starch_out_data(&out), *n);
    starch_out_free(&out);
    return bytes;
}

/* Checks writer w's inline form against its out-of-line one on s[0..len) (a C string when
 * cstr: s[len] is its NUL), with the room at the cursor the least the writers are promised
 * (STARCH_VALUE_MAX + rest) plus one of 0, 1, 31, 32, 200: the inline part stores 32 bytes
 * without looking, what goes on out of line makes its own room. */
static void check_fast_writer(size_t w, bool cstr, const char *s, size_t len, unsigned variant)
{
    static const size_t extra[] = {0, 1, 31, 32, 200};
    size_t rest = variant % 2 ? 0 : 5, room = STARCH_VALUE_MAX + rest + extra[variant % 5];
    size_t n_want, n_got;
    char *want = run_string_writer(w, false, cstr, s, len, room, rest, &n_want);
    char *got = run_string_writer(w, true, cstr, s, len, room, rest, &n_got);
    cr_assert(n_got == n_want && memcmp(got, want, n_want) == 0,
              "%s %s: length %zu (s %% 16 = %zu, room %zu): %zu bytes, expected %zu",
              fast_writers[w].name, cstr ? "cstr" : "str", len, (size_t)((uintptr_t)s % 16), room,
              n_got, n_want);
    free(want);
    free(got);
}

/* Bytes every writer copies as they are. */
static const char plain_bytes[] = "abcXYZ019/.-_~@=+!$()*,;[]";

/* Checks each writer on s[0..len), once as the C string ending at the inaccessible page
 * and once, at another alignment, followed by bytes to escape; and as a starch_str ending
 * at the page. s[0..len) holds no NUL when cstr. */
static void check_fast_all(const char *s, size_t len, unsigned variant, bool cstr)
{
    static char spare[256] __attribute__((aligned(16)));
    char *end = page_end();
    for (size_t w = 0; w < N_FAST; w++) {
        if (cstr) {
            char *z = end - len - 1;
            memmove(z, s, len);
            z[len] = '\0';
            check_fast_writer(w, true, z, len, variant);
            if (len <= 190) {
                char *y = spare + (variant + len) % 16;
                memmove(y, z, len + 1);
                memset(y + len + 1, (variant & 1) ? '&' : ':', 48);
                memcpy(y + len + 1, "<\"%\t", 4);
                check_fast_writer(w, true, y, len, variant + 1);
            }
        }
        char *t = end - len;
        memmove(t, s, len);
        check_fast_writer(w, false, t, len, variant);
        if (len <= 190) { /* followed by bytes to escape, which are not the string's */
            char *y = spare + (variant + len + 7) % 16;
            memmove(y, t, len);
            memset(y + len, (variant & 1) ? '&' : ':', 48);
            memcpy(y + len, "<\"%\t", 4);
            check_fast_writer(w, false, y, len, variant + 1);
        }
    }
}

Test(fast_paths, every_byte_at_positions_of_every_length)
{
    static const unsigned char marked[] = {'&', '<',  '>',  '"',  '\'', '%', ':', '\t',
                                           ' ', 0x01, 0x7f, 0x80, 0xff, '{', '~', 0};
    uint64_t r = 17;
    char s[96];
    for (size_t len = 0; len <= 80; len++) {
        for (unsigned c = 0; c < 256 + (unsigned)(len * sizeof marked); c++) {
            size_t at;
            unsigned char b;
            if (c < 256) { /* each byte value, at one position */
                b = (unsigned char)c;
                at = len ? (c * 7 + len) % len : 0;
            } else { /* these at every position */
                b = marked[(c - 256) % sizeof marked];
                at = (c - 256) / sizeof marked;
            }
            for (size_t i = 0; i < len; i++)
                s[i] = plain_bytes[next_random(&r) % (sizeof plain_bytes - 1)];
            if (len)
                s[at] = (char)b;
            check_fast_all(s, len, c, b != 0);
        }
    }
}

Test(fast_paths, schemes)
{
    static const char *const urls[] = {
        "",
        "/",
        "/a:b",
        "//x.test/a",
        "http://a",
        "http://",
        "https://",
        "https://a/b?c",
        "http:x",
        "https:x",
        "HTTP://a",
        "mailto:a@b",
        "tel:1",
        "javascript:x",
        "JavaScript:x",
        "java\tscript:x",
        " javascript:x",
        "a:b",
        "a/b:c",
        "?q=a:b",
        "#x:y",
        "data:x",
        "x",
        "https://a.test/&amp;",
        "http://a%41",
        "/0123456789012345678901234567890123456789012345678901234567890123456789:x",
        "https://0123456789012345678901234567890123456789012345678901234567890123456789",
        "javascript0123456789012345678901234567890123456789012345678901234567890123456789:x",
        "http:/x",
        "https:/x",
        "httpx://a",
        "HTTPS://a",
        "http://a b&c",
        "https://a%41%4",
        "a b:c",
        "java\nscript:x",
        "javascript&colon;x",
        "ab",
        "/",
        "h",
        "https://0123456789abcdef0123456789abcdef",
        "/0123456789abcdef0123456789abcd:x",
        "0123456789abcdef0123456789abcde:x",
        "0123456789abcdef0123456789abcdef:x",
    };
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++)
        for (unsigned v = 0; v < 32; v++)
            check_fast_all(urls[i], strlen(urls[i]), v, true);
}

Test(fast_paths, long_and_random_strings)
{
    uint64_t r = 19;
    char *s = malloc(3000);
    for (int i = 0; i < 3000; i++) {
        size_t len = next_random(&r) % (i % 10 == 0 ? 3000 : 130);
        for (size_t k = 0; k < len; k++)
            s[k] = next_random(&r) % 40 ? plain_bytes[next_random(&r) % (sizeof plain_bytes - 1)]
                                        : (char)(1 + next_random(&r) % 255);
        check_fast_all(s, len, (unsigned)i, true);
    }
    free(s);
}

/* C strings (and starch_str) starting at each of the last 64 bytes of a page, at each length that
 * fits, followed (past the NUL, to the inaccessible page) by bytes to escape: a string starting at
 * least 32 bytes before the page's end is read in unaligned blocks from its own address, past its
 * NUL, one nearer in aligned blocks; neither may read past the page nor take the bytes after the
 * NUL for the string's. */
Test(fast_paths, c_strings_near_the_end_of_a_page)
{
    uint64_t r = 23;
    char *end = page_end();
    for (size_t start = 1; start <= 64; start++) {
        char *s = end - start;
        for (size_t len = 0; len < start; len++) {
            for (unsigned v = 0; v < 5; v++) {
                for (size_t k = 0; k < len; k++)
                    s[k] = v == 4 && next_random(&r) % 8 == 0
                               ? "&<\"%:"[next_random(&r) % 5]
                               : plain_bytes[next_random(&r) % (sizeof plain_bytes - 1)];
                s[len] = '\0';
                for (size_t k = len + 1; k < start; k++)
                    s[k] = "&<\"%\t:"[k % 6];
                for (size_t w = 0; w < N_FAST; w++) {
                    check_fast_writer(w, true, s, len, v);
                    check_fast_writer(w, false, s, len, v); /* as a starch_str: the same */
                }
            }
        }
    }
}

#if STARCH__SSE2
/* The masks of the inline fast paths against the specification, each byte in each lane. */
Test(fast_paths, masks_every_byte_in_every_lane)
{
    for (unsigned c = 0; c < 256; c++) {
        bool html = strchr("&<>\"'", (int)c) != NULL && c != 0,
             url = url_stops((unsigned char)c, 0);
        for (int lane = 0; lane < 16; lane++) {
            unsigned char b[16];
            memset(b, 'a', 16);
            b[lane] = (unsigned char)c;
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)b);
            cr_assert_eq(starch__html_special16(x), html ? 1u << lane : 0u, "html 0x%02x", c);
            cr_assert_eq(starch__url_stop16(x), url ? 1u << lane : 0u, "url 0x%02x", c);
            cr_assert_eq(starch__query_stop16(x), url_stops((unsigned char)c, 1) ? 1u << lane : 0u,
                         "query 0x%02x", c);
            cr_assert_eq(starch__colons16(x), c == ':' ? 1u << lane : 0u, "colon 0x%02x", c);
#if STARCH__JS_FAST
            bool js = c < 0x20 || c >= 0x7f || strchr("\"\\<>&'`@$/", (int)c) != NULL;
            cr_assert_eq(starch__js_stop16(x), js ? 1u << lane : 0u, "js 0x%02x", c);
#endif
        }
    }
}
#endif

/* ---- The out-of-line HTML writers, against the specification ------------------------
 *
 * The writers the inline ones hand a string to (starch__put_html_cstr, starch_put_html_bytes)
 * are, where strings may be read past their end (STARCH_SCAN_OVERREAD), a one-pass loop of
 * 16-byte blocks stored whole; elsewhere strlen and the scanner. escape_scan.h exports both
 * forms, so this binary checks each against ref_escape: each byte value at every position
 * of strings of every length up to 100, at every alignment, ending at an inaccessible page
 * (a C string's NUL its last byte) or followed by bytes to escape; strings starting in the
 * last bytes of a page; long random strings across pages; with the room at the cursor
 * just below, at and above what one step needs, and on a streaming and a failing buffer. */

typedef char *(*html_cstr_fn)(starch_out *, char *, size_t, const char *);
typedef char *(*html_bytes_fn)(starch_out *, char *, size_t, const char *, size_t);

static const struct {
    const char *name;
    html_cstr_fn cstr;
    html_bytes_fn bytes;
} html_writers[] = {
    {"scan", starch__html_cstr_scan, starch__html_bytes_scan},
#if STARCH_SCAN_OVERREAD
    {"blocks", starch__html_cstr_blocks, starch__html_bytes_blocks},
#endif
};
#define N_HTML_WRITERS (sizeof html_writers / sizeof html_writers[0])

/* Runs html_writers[w] on s[0..len) (the C string s when cstr: s[len] is its NUL) between
 * "[[" and rest bytes of 'z', with `room` bytes at the cursor (>= rest) in a buffer of the
 * caller's memory that ends at an inaccessible page (grown onto the heap when the writer
 * asks for more), and checks the bytes against ref_escape and the room after the writer. */
static void check_html_writer(size_t w, bool cstr, const char *s, size_t len, size_t room,
                              size_t rest)
{
    char *exp = malloc(5 * len + 1);
    size_t k = ref_escape(exp, s, len);
    cr_assert_leq(2 + room, 8192);
    char *buf = buffer_end() - (2 + room);
    starch_out out;
    starch_out_init_buffer(&out, buf, 2 + room);
    char *p = starch_out_reserve(&out, 2 + rest);
    *p++ = '[';
    *p++ = '[';
    p = cstr ? html_writers[w].cstr(&out, p, rest, s)
             : html_writers[w].bytes(&out, p, rest, s, len);
    cr_assert_eq(starch_out_error(&out), 0);
    cr_assert_geq(out.cap - (size_t)(p - out.data), rest, "%s: room after the writer",
                  html_writers[w].name);
    memset(p, 'z', rest);
    starch_out_commit(&out, p + rest);
    const char *got = starch_out_data(&out);
    bool same = starch_out_len(&out) == 2 + k + rest && memcmp(got, "[[", 2) == 0 &&
                memcmp(got + 2, exp, k) == 0;
    for (size_t i = 0; same && i < rest; i++)
        same = got[2 + k + i] == 'z';
    cr_assert(same, "%s %s: length %zu (s %% 16 = %zu, s %% 4096 = %zu, room %zu, rest %zu)",
              html_writers[w].name, cstr ? "cstr" : "bytes", len, (size_t)((uintptr_t)s % 16),
              (size_t)((uintptr_t)s % 4096), room, rest);
    starch_out_free(&out);
    free(exp);
}

/* Checks every writer on s[0..len) (no NUL in it when cstr) ending at the inaccessible
 * page, and at alignment `align` followed by bytes to escape (past the NUL: never the
 * string's), with a room picked by `variant`. */
static void check_html_writers(const char *s, size_t len, bool cstr, size_t align, unsigned variant)
{
    static const size_t extra[] = {0, 1, 31, 64, 95, 96, 97, 200};
    static char spare[512] __attribute__((aligned(64)));
    size_t rest = variant % 3 == 0 ? 0 : variant % 3 == 1 ? 5 : 130;
    size_t room = rest + extra[variant % 8];
    char *end = page_end();
    char *z = end - len - (cstr ? 1 : 0);
    memmove(z, s, len);
    if (cstr)
        z[len] = '\0';
    for (size_t w = 0; w < N_HTML_WRITERS; w++)
        check_html_writer(w, cstr, z, len, room, rest);
    if (len + 80 <= sizeof spare - 16) {
        char *y = spare + align % 16;
        memmove(y, z, len);
        memset(y + len, "&<>\"'"[variant % 5], 80);
        if (cstr)
            y[len] = '\0';
        for (size_t w = 0; w < N_HTML_WRITERS; w++)
            check_html_writer(w, cstr, y, len, room, rest);
    }
}

Test(html_writers, every_byte_at_every_position_and_alignment)
{
    static const unsigned char marked[] = {'&',         '<',      '>', '"', '\'', 0,
                                           0x26 ^ 0x80, 0x3c ^ 1, '=', '?', 0xff, 0x7f};
    uint64_t r = 29;
    char s[128];
    for (size_t len = 0; len <= 100; len++) {
        for (unsigned c = 0; c < 256 + (unsigned)(len * sizeof marked); c++) {
            size_t at;
            unsigned char b;
            if (c < 256) { /* each byte value, at one position */
                b = (unsigned char)c;
                at = len ? (c * 13 + len) % len : 0;
            } else { /* these at every position */
                b = marked[(c - 256) % sizeof marked];
                at = (c - 256) / sizeof marked;
            }
            for (size_t i = 0; i < len; i++)
                s[i] = (char)('a' + next_random(&r) % 26);
            if (len) {
                s[at] = (char)b;
                if (c % 3 == 0) /* and another byte to escape after it */
                    s[at + next_random(&r) % (len - at)] = "&<>\"'"[c % 5];
            }
            check_html_writers(s, len, b != 0, c + len, c);
            if (b == 0 && len) { /* a NUL is data in s[0..len); as a C string, its end */
                for (size_t w = 0; w < N_HTML_WRITERS; w++) {
                    s[len] = '\0';
                    check_html_writer(w, true, s, strlen(s), 100, 5);
                }
            }
        }
    }
}

Test(html_writers, strings_starting_in_the_last_bytes_of_a_page)
{
    uint64_t r = 31;
    char *end = page_end();
    for (size_t start = 1; start <= 160; start++) {
        char *s = end - start;
        for (size_t len = 0; len < start; len++) {
            for (unsigned v = 0; v < 4; v++) {
                for (size_t k = 0; k < len; k++)
                    s[k] = v >= 2 && next_random(&r) % 6 == 0 ? "&<>\"'"[next_random(&r) % 5]
                                                              : (char)('a' + next_random(&r) % 26);
                for (size_t k = len; k < start; k++) /* past the end: never the string's */
                    s[k] = "&<\"'>"[k % 5];
                for (size_t w = 0; w < N_HTML_WRITERS; w++) {
                    check_html_writer(w, false, s, len, v * 40, v % 2 ? 7 : 0);
                    s[len] = '\0';
                    check_html_writer(w, true, s, len, v * 40, v % 2 ? 7 : 0);
                    s[len] = '&';
                }
            }
        }
    }
}

Test(html_writers, long_random_strings_across_pages)
{
    uint64_t r = 37;
    size_t max = 3 * 4096 + 100;
    char *s = malloc(max + 1);
    for (int i = 0; i < 1500; i++) {
        size_t len = next_random(&r) % (i % 5 == 0 ? max : 600);
        random_text(s, len, &r, (unsigned)(1 + next_random(&r) % 200));
        for (size_t k = 0; k < len; k++)
            if (s[k] == 0)
                s[k] = 'x';
        s[len] = '\0';
        size_t rest = next_random(&r) % 200, room = rest + next_random(&r) % 300;
        for (size_t w = 0; w < N_HTML_WRITERS; w++) {
            check_html_writer(w, true, s, len, room, rest);
            check_html_writer(w, false, s, len, room, rest);
        }
    }
    free(s);
}

static int fail_flush(void *ctx, const char *data, size_t len)
{
    (void)ctx;
    (void)data;
    (void)len;
    return STARCH_EIO;
}

/* On a buffer that fails part way (its flush fails), the writers stop, keep the error and
 * return a cursor with the rest room (in the discard area): writing it must not crash. */
Test(html_writers, a_failing_buffer_part_way)
{
    size_t len = 5 * STARCH_OUT_CHUNK;
    char *s = malloc(len + 1);
    for (size_t k = 0; k < len; k++)
        s[k] = k % 7 ? 'a' : '&';
    s[len] = '\0';
    for (size_t w = 0; w < N_HTML_WRITERS; w++) {
        for (int cstr = 0; cstr < 2; cstr++) {
            starch_out out;
            starch_out_init(&out);
            starch_out_set_flush(&out, fail_flush, NULL);
            char *p = starch_out_reserve(&out, 10);
            *p++ = '<';
            starch_out_commit(&out, p); /* a byte to flush, so that the flush is called */
            p = cstr ? html_writers[w].cstr(&out, p, 300, s)
                     : html_writers[w].bytes(&out, p, 300, s, len);
            cr_assert_eq(starch_out_error(&out), STARCH_EIO, "%s", html_writers[w].name);
            memset(p, 'z', 300);
            starch_out_commit(&out, p + 300);
            starch_out_free(&out);
        }
    }
    free(s);
}
