/* test_escape_contexts.c — the escapers and typed writers of every context but HTML text
 * (test_escape.c): the URL scheme filter, URL normalisation, query encoding, srcset lists,
 * JavaScript values, strings and regular expressions (in attributes and in <script>), the
 * Datastar URL attributes, numbers where they need more than digits, and the dispatch
 * macros of each context. Exact outputs, with the edge cases of Go's html/template tests
 * (escape_test.go, url_test.go, js_test.go), reference implementations written out byte by
 * byte for random inputs, and the `rest` room every writer must leave. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <starch_gen.h>

static starch_out out;

static void setup(void)
{
    starch_out_init(&out);
}

static void teardown(void)
{
    starch_out_free(&out);
}

/* Room every call asks for after its value; the helpers check that it is there. */
#define REST 13

/* Checks that cursor p has REST bytes of room, and writes into them. */
static void check_rest(char *p)
{
    cr_assert_eq(starch_out_error(&out), 0);
    cr_assert_geq(out.cap - (size_t)(p - out.data), REST, "no room for rest");
    memset(p, '#', REST);
}

/* Runs string writer fn on s[0..n) in a fresh buffer; returns the output (NUL-terminated,
 * owned by the buffer). */
static const char *run(starch_put_bytes_fn fn, const char *s, size_t n)
{
    starch_out_clear(&out);
    char *p = fn(&out, starch_out_reserve(&out, 0), REST, s, n);
    check_rest(p);
    starch_out_commit(&out, p);
    return starch_out_cstr(&out);
}

/* run() on a string literal (which may hold NUL bytes). */
#define RUN(fn, lit) run(fn, lit, sizeof(lit) - 1)

/* Asserts that writer fn turns literal `in` into the NUL-free literal `exp`. */
#define EXPECT(fn, in, exp) cr_assert_str_eq(RUN(fn, in), exp, "%s(%s)", #fn, #in)

/* The cursor of the CALL macro. */
static char *p_;

/* Runs a typed writer or dispatch call written with `&out, p_, REST` as generated code
 * calls it (one reserve with room for a bounded value) and returns the output. */
#define CALL(expr)                                                                                 \
    (starch_out_clear(&out), p_ = starch_out_reserve(&out, STARCH_VALUE_MAX + REST), p_ = (expr),  \
     check_rest(p_), starch_out_commit(&out, p_), starch_out_cstr(&out))

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

/* Random bytes, biased towards the interesting ones: ASCII specials, UTF-8 lead and
 * continuation bytes, U+2028's bytes. */
static void random_bytes(unsigned char *s, size_t n, uint64_t *r)
{
    static const unsigned char pick[] = "\"'`\\/<>&@$%#?:;=+-.*()[]{}|^ \t\n\r\x01\x7f"
                                        "\xc2\xa9\xe2\x80\xa8\xa9\xed\xa0\xf0\x9f\x98\x80\xf4"
                                        "\x90\xff\xc0";
    for (size_t i = 0; i < n; i++) {
        uint64_t x = next_random(r);
        s[i] = x % 3 ? pick[(x >> 8) % (sizeof pick - 1)] : (unsigned char)(x >> 16);
    }
}

/* ======================================================================================
 * The URL scheme filter
 * ====================================================================================== */

#define SAFE(lit)   cr_assert(starch_url_is_safe(lit, sizeof(lit) - 1), "%s refused", #lit)
#define UNSAFE(lit) cr_assert(!starch_url_is_safe(lit, sizeof(lit) - 1), "%s passed", #lit)

TestSuite(url_filter, .init = setup, .fini = teardown);

Test(url_filter, relative_urls_pass)
{
    SAFE("");
    SAFE("/");
    SAFE("/path/to?q=1#f");
    SAFE("relative/path");
    SAFE("?q=javascript:x");
    SAFE("#javascript:x");
    SAFE("//example.com/x");
    SAFE("a/b:c"); /* a `/` before the `:`: a path */
    SAFE("./javascript:x");
    SAFE("1http:x");              /* a scheme starts with a letter */
    SAFE("java script:x");        /* a space is no scheme character */
    SAFE("javascript");           /* no `:` at all */
    SAFE("javas\0cript:x");       /* NUL inside: no scheme (and the writer encodes it) */
    SAFE("\xc2\xa0javascript:x"); /* NBSP is not stripped by URL parsers */
    SAFE("\xef\xbd\x8a\x61vascript:alert(1)"); /* a fullwidth letter */
    SAFE("java&#09;script:alert(1)");          /* a value is not entity-decoded */
    SAFE("java&colon;alert(1)");
}

Test(url_filter, allowed_schemes_in_any_case)
{
    SAFE("http://example.com");
    SAFE("HTTP://example.com");
    SAFE("https://example.com");
    SAFE("HtTpS://example.com");
    SAFE("mailto:a@example.com");
    SAFE("MAILTO:a@example.com");
    SAFE("tel:+1-555-0100");
    SAFE("TEL:1");
    SAFE("h\tt\nt\rp://x"); /* tabs and line breaks are removed by the URL parser */
    SAFE("  https://x");
    SAFE("https:javascript:alert(1)");
}

Test(url_filter, other_schemes_are_refused)
{
    UNSAFE("javascript:alert(1)");
    UNSAFE("JavaScript:alert(1)");
    UNSAFE("JAVASCRIPT:alert(1)");
    UNSAFE("jAvAsCrIpT:alert(1)");
    UNSAFE("vbscript:msgbox(1)");
    UNSAFE("VBScript:x");
    UNSAFE("data:text/html,<script>alert(1)</script>");
    UNSAFE("DATA:text/html;base64,PHNjcmlwdD4=");
    UNSAFE("file:///etc/passwd");
    UNSAFE("ftp://example.com");
    UNSAFE("about:blank");
    UNSAFE("blob:https://example.com/x");
    UNSAFE("x:y");
    UNSAFE("a+b-c.d:x");
    UNSAFE(":x"); /* an empty scheme */
    UNSAFE("javascript:");
}

Test(url_filter, browser_normalisation_before_the_scheme)
{
    UNSAFE(" javascript:alert(1)");
    UNSAFE("    \t\n javascript:alert(1)");
    UNSAFE("\x01\x02\x03javascript:alert(1)");
    UNSAFE("\0javascript:alert(1)");
    UNSAFE("\x1f\x20javascript:alert(1)");
    UNSAFE("java\tscript:alert(1)");
    UNSAFE("java\nscript:alert(1)");
    UNSAFE("java\rscript:alert(1)");
    UNSAFE("j\ta\nv\ra\tscript:alert(1)");
    UNSAFE("javascript\t:alert(1)");
    UNSAFE("javascript\n:alert(1)");
    UNSAFE(" \x0bvbscript:x");
    UNSAFE("\x1b"
           "data:text/html,x");
}

Test(url_filter, every_leading_control_character)
{
    for (int c = 0; c <= 0x20; c++) {
        char s[] = "?javascript:alert(1)";
        s[0] = (char)c;
        cr_assert(!starch_url_is_safe(s, sizeof s - 1), "leading 0x%02x passed", c);
    }
    char s[] = "\x7fjavascript:alert(1)"; /* DEL is not stripped: no scheme */
    cr_assert(starch_url_is_safe(s, sizeof s - 1));
}

/* ======================================================================================
 * URL attributes: at the start (filtered), after the scheme, in the query
 * ====================================================================================== */

/* The specification of the normaliser, byte by byte. */
static bool is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static size_t ref_normalise(char *dst, const unsigned char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        bool keep = c >= 0x21 && c <= 0x7e && !strchr("\"'<>\\^`{|}%&", c);
        if (c == '%' && i + 2 < n && is_hex(s[i + 1]) && is_hex(s[i + 2]))
            keep = true;
        if (keep)
            dst[k++] = (char)c;
        else if (c == '&')
            k += (size_t)sprintf(dst + k, "&amp;");
        else
            k += (size_t)sprintf(dst + k, "%%%02X", c);
    }
    dst[k] = 0;
    return k;
}

static size_t ref_query(char *dst, const unsigned char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            (c && strchr("-._~", c)))
            dst[k++] = (char)c;
        else
            k += (size_t)sprintf(dst + k, "%%%02X", c);
    }
    dst[k] = 0;
    return k;
}

TestSuite(url, .init = setup, .fini = teardown);

Test(url, refused_schemes_become_about_invalid)
{
    EXPECT(starch_put_url_bytes, "javascript:alert(1)", "about:invalid#starch");
    EXPECT(starch_put_url_bytes, "JaVaScRiPt:alert(1)", "about:invalid#starch");
    EXPECT(starch_put_url_bytes, "  java\tscript:alert(1)", "about:invalid#starch");
    EXPECT(starch_put_url_bytes, "\x01javascript:alert(1)", "about:invalid#starch");
    EXPECT(starch_put_url_bytes, "vbscript:x", "about:invalid#starch");
    EXPECT(starch_put_url_bytes, "data:text/html,<script>", "about:invalid#starch");
}

Test(url, allowed_urls_are_normalised)
{
    EXPECT(starch_put_url_bytes, "http://example.com/a b?c=d&e=f#g",
           "http://example.com/a%20b?c=d&amp;e=f#g");
    EXPECT(starch_put_url_bytes, "/x\"onmouseover=\"alert(1)", "/x%22onmouseover=%22alert(1)");
    EXPECT(starch_put_url_bytes, "/x'><script>alert(1)</script>",
           "/x%27%3E%3Cscript%3Ealert(1)%3C/script%3E");
    EXPECT(starch_put_url_bytes, "mailto:a@example.com?subject=hi there",
           "mailto:a@example.com?subject=hi%20there");
    EXPECT(starch_put_url_bytes, "java&#09;script:alert(1)", "java&amp;#09;script:alert(1)");
    EXPECT(starch_put_url_bytes, "\\\\evil.example/x", "%5C%5Cevil.example/x");
    EXPECT(starch_put_url_bytes, "", "");
}

Test(url, reserved_characters_are_kept)
{
    EXPECT(starch_put_url_bytes, "/!#$&()*+,/:;=?@[]~-._", "/!#$&amp;()*+,/:;=?@[]~-._");
}

Test(url, percent_escapes_are_kept_and_lone_percents_encoded)
{
    EXPECT(starch_put_url_part_bytes, "%41%2f%Ff", "%41%2f%Ff");
    EXPECT(starch_put_url_part_bytes, "100%", "100%25");
    EXPECT(starch_put_url_part_bytes, "%zz%4%", "%25zz%254%25");
    EXPECT(starch_put_url_part_bytes, "%4", "%254");
}

Test(url, unsafe_bytes_are_percent_encoded)
{
    EXPECT(starch_put_url_part_bytes, "\"'<>\\^`{|} ", "%22%27%3C%3E%5C%5E%60%7B%7C%7D%20");
    EXPECT(starch_put_url_part_bytes, "\x01\t\n\x7f", "%01%09%0A%7F");
    EXPECT(starch_put_url_part_bytes, "\0", "%00");
    EXPECT(starch_put_url_part_bytes, "\xc3\xa9\xe2\x80\xa8\xff", "%C3%A9%E2%80%A8%FF");
}

Test(url, after_the_scheme_nothing_is_filtered)
{
    EXPECT(starch_put_url_part_bytes, "javascript:alert(1)", "javascript:alert(1)");
    EXPECT(starch_put_url_part_bytes, "a&b", "a&amp;b");
}

Test(url, every_byte_normalised_as_specified)
{
    unsigned char all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (unsigned char)i;
    char exp[256 * 5 + 1];
    ref_normalise(exp, all, sizeof all);
    cr_assert_str_eq(run(starch_put_url_part_bytes, (const char *)all, sizeof all), exp);
}

Test(url, query_encodes_every_byte_but_unreserved)
{
    for (int c = 0; c < 256; c++) {
        char s[1] = {(char)c}, exp[8];
        ref_query(exp, (const unsigned char *)s, 1);
        cr_assert_str_eq(run(starch_put_url_query_bytes, s, 1), exp, "byte 0x%02x", c);
    }
    EXPECT(starch_put_url_query_bytes, "a b+c&d=e#f%g/h?i:j@k;l,m'n\"o<p>",
           "a%20b%2Bc%26d%3De%23f%25g%2Fh%3Fi%3Aj%40k%3Bl%2Cm%27n%22o%3Cp%3E");
    EXPECT(starch_put_url_query_bytes, "-._~AZaz09", "-._~AZaz09");
    EXPECT(starch_put_url_query_bytes, "\xc3\xa9\xff", "%C3%A9%FF");
    EXPECT(starch_put_url_query_bytes, "javascript:alert(1)", "javascript%3Aalert%281%29");
}

Test(url, random_inputs_match_the_reference)
{
    uint64_t r = 0x5eed;
    unsigned char s[3000];
    static char exp[3000 * 5 + 1];
    for (int round = 0; round < 200; round++) {
        size_t n = (size_t)(next_random(&r) % sizeof s);
        random_bytes(s, n, &r);
        ref_normalise(exp, s, n);
        cr_assert_str_eq(run(starch_put_url_part_bytes, (const char *)s, n), exp);
        ref_query(exp, s, n);
        cr_assert_str_eq(run(starch_put_url_query_bytes, (const char *)s, n), exp);
        const char *start = run(starch_put_url_bytes, (const char *)s, n);
        if (starch_url_is_safe((const char *)s, n)) {
            ref_normalise(exp, s, n);
            cr_assert_str_eq(start, exp);
        } else {
            cr_assert_str_eq(start, "about:invalid#starch");
        }
    }
}

/* A C string is filtered and written as its bytes are: the writers of C strings (inline
 * and out of line) read it once to its NUL, with the filter's own loop. */
static void check_cstr_as_bytes(const char *s)
{
    char *want = strdup(run(starch_put_url_bytes, s, strlen(s)));
    cr_assert_str_eq(CALL(starch__put_url_cstr(&out, p_, REST, s)), want, "%s", s);
    cr_assert_str_eq(CALL(starch_put_url_cstr(&out, p_, REST, s)), want, "%s", s);
    free(want);
}

Test(url, c_strings_filtered_as_their_bytes)
{
    static const char *const urls[] = {
        "",
        "/",
        "/path/to?q=1#f",
        "relative/path",
        "?q=javascript:x",
        "#javascript:x",
        "//example.com/x",
        "a/b:c",
        "./javascript:x",
        "1http:x",
        "java script:x",
        "javascript",
        "\xc2\xa0javascript:x",
        "java&#09;script:alert(1)",
        "http://example.com",
        "HTTP://example.com",
        "https://example.com",
        "HtTpS://example.com",
        "mailto:a@b",
        "MAILTO:a@b",
        "tel:+1-555-0100",
        "TEL:1",
        "h\tt\nt\rp://x",
        "  https://x",
        "https:javascript:alert(1)",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>",
        "file:///etc/passwd",
        "ftp://x",
        "x:y",
        "a+b-c.d:x",
        ":x",
        "javascript:",
        " javascript:alert(1)",
        "    \t\n javascript:alert(1)",
        "\x01\x02javascript:x",
        "java\tscript:x",
        "j\ta\nv\ra\tscript:x",
        "javascript\t:x",
        " \x0bvbscript:x",
        "\x1b"
        "data:x",
        "mailtox:a",
        "tel",
        "tel:",
        "http",
        "https",
        "httpss:x",
        "ttp:x",
        "mail:x",
        "te:x",
    };
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++)
        check_cstr_as_bytes(urls[i]);
    for (int c = 1; c < 256; c++) { /* each byte before, inside and after a scheme */
        char s[3][16];
        snprintf(s[0], sizeof s[0], "%cjavascript:x", c);
        snprintf(s[1], sizeof s[1], "java%cscript:x", c);
        snprintf(s[2], sizeof s[2], "javascript%c:x", c);
        for (int k = 0; k < 3; k++)
            check_cstr_as_bytes(s[k]);
    }
    uint64_t r = 0xc57;
    unsigned char b[64];
    for (int round = 0; round < 2000; round++) {
        size_t n = (size_t)(next_random(&r) % 40);
        random_bytes(b, n, &r);
        for (size_t k = 0; k < n; k++)
            if (b[k] == 0 || next_random(&r) % 3 == 0)
                b[k] = (unsigned char)"ahtpsmiloe:/ \t"[next_random(&r) % 14];
        b[n] = 0;
        check_cstr_as_bytes((const char *)b);
    }
}

Test(url, typed_writers)
{
    cr_assert_str_eq(CALL(starch_put_url_cstr(&out, p_, REST, "javascript:x")),
                     "about:invalid#starch");
    cr_assert_str_eq(CALL(starch_put_url_cstr(&out, p_, REST, NULL)), "");
    cr_assert_str_eq(CALL(starch_put_url_str(&out, p_, REST, STARCH_STR("/a b"))), "/a%20b");
    cr_assert_str_eq(CALL(starch_put_url_trusted(&out, p_, REST, starch_html_trusted("<b>", 3))),
                     "%3Cb%3E");
    cr_assert_str_eq(CALL(starch_put_url_chr(&out, p_, REST, '&')), "&amp;");
    cr_assert_str_eq(CALL(starch_put_url_part_cstr(&out, p_, REST, "x y")), "x%20y");
    cr_assert_str_eq(CALL(starch_put_url_part_cstr(&out, p_, REST, NULL)), "");
    cr_assert_str_eq(CALL(starch_put_url_part_str(&out, p_, REST, STARCH_STR("a\0b"))), "a%00b");
    cr_assert_str_eq(
        CALL(starch_put_url_part_trusted(&out, p_, REST, starch_html_trusted("\"", 1))), "%22");
    cr_assert_str_eq(CALL(starch_put_url_part_chr(&out, p_, REST, ' ')), "%20");
    cr_assert_str_eq(CALL(starch_put_url_query_cstr(&out, p_, REST, "a&b")), "a%26b");
    cr_assert_str_eq(CALL(starch_put_url_query_cstr(&out, p_, REST, NULL)), "");
    cr_assert_str_eq(CALL(starch_put_url_query_str(&out, p_, REST, STARCH_STR("1+1"))), "1%2B1");
    cr_assert_str_eq(
        CALL(starch_put_url_query_trusted(&out, p_, REST, starch_html_trusted("<", 1))), "%3C");
    cr_assert_str_eq(CALL(starch_put_url_query_chr(&out, p_, REST, '#')), "%23");
}

Test(url, numbers_in_a_query)
{
    cr_assert_str_eq(CALL(starch_put_url_query_double(&out, p_, REST, -1e21)), "-1e%2B21");
    cr_assert_str_eq(CALL(starch_put_url_query_double(&out, p_, REST, 0.5)), "0.5");
    cr_assert_str_eq(CALL(starch_put_url_query_double(&out, p_, REST, 1.5e-7)), "1.5e-7");
    cr_assert_str_eq(CALL(starch_put_url_query_double(&out, p_, REST, NAN)), "NaN");
    cr_assert_str_eq(CALL(starch_put_url_query_double(&out, p_, REST, -INFINITY)), "-Infinity");
}

Test(url, fmt_through_each_url_writer)
{
    cr_assert_str_eq(
        CALL(starch_put_fmt(&out, p_, REST, starch_put_url_bytes, "%s:%d", "javascript", 1)),
        "about:invalid#starch");
    cr_assert_str_eq(
        CALL(starch_put_fmt(&out, p_, REST, starch_put_url_part_bytes, "%s %d", "a&b", 2)),
        "a&amp;b%202");
    cr_assert_str_eq(CALL(starch_put_fmt(&out, p_, REST, starch_put_url_query_bytes, "%.2f", 1.5)),
                     "1.50");
}

/* ======================================================================================
 * srcset
 * ====================================================================================== */

TestSuite(srcset, .init = setup, .fini = teardown);

Test(srcset, good_candidates_are_kept)
{
    EXPECT(starch_put_srcset_bytes, "a.png", "a.png");
    EXPECT(starch_put_srcset_bytes, "a.png 1x, b.png 2x", "a.png 1x, b.png 2x");
    EXPECT(starch_put_srcset_bytes, "/i/s.png 480w,/i/l.png 1080w", "/i/s.png 480w,/i/l.png 1080w");
    EXPECT(starch_put_srcset_bytes, "a.png 1.5x", "a.png 1.5x");
    EXPECT(starch_put_srcset_bytes, " \t/a.png\n2x , b.png", " \t/a.png\n2x , b.png");
    EXPECT(starch_put_srcset_bytes, "https://example.com/a.png 2x", "https://example.com/a.png 2x");
    EXPECT(starch_put_srcset_bytes, "", "");
}

Test(srcset, each_url_is_normalised)
{
    EXPECT(starch_put_srcset_bytes, "/a.png?x=<y>&z 1x", "/a.png?x=%3Cy%3E&amp;z 1x");
    EXPECT(starch_put_srcset_bytes, "/\"onerror=\"alert(1) 1x", "/%22onerror=%22alert(1) 1x");
}

Test(srcset, bad_candidates_are_replaced)
{
    EXPECT(starch_put_srcset_bytes, "javascript:alert(1)", "about:invalid#starch");
    EXPECT(starch_put_srcset_bytes, "javascript:alert(1) 1x, b.png 2x",
           "about:invalid#starch, b.png 2x");
    EXPECT(starch_put_srcset_bytes, "a.png 1x, JavaScript:x 2x", "a.png 1x, about:invalid#starch");
    EXPECT(starch_put_srcset_bytes, "a.png 1x\"onerror=alert(1)", "about:invalid#starch");
    EXPECT(starch_put_srcset_bytes, "a.png 1x<script>", "about:invalid#starch");
    EXPECT(starch_put_srcset_bytes, "data:image/png;base64,iVBOR 1x",
           "about:invalid#starch,iVBOR 1x");
}

Test(srcset, commas_split_candidates)
{
    EXPECT(starch_put_srcset_bytes, "a.png,", "a.png,");
    EXPECT(starch_put_srcset_bytes, ",a.png", ",a.png");
    EXPECT(starch_put_srcset_bytes, ",,", ",,");
}

Test(srcset, typed_writers)
{
    cr_assert_str_eq(CALL(starch_put_srcset_cstr(&out, p_, REST, "a.png 2x")), "a.png 2x");
    cr_assert_str_eq(CALL(starch_put_srcset_cstr(&out, p_, REST, NULL)), "");
    cr_assert_str_eq(CALL(starch_put_srcset_str(&out, p_, REST, STARCH_STR("vbscript:x"))),
                     "about:invalid#starch");
    cr_assert_str_eq(CALL(starch_put_srcset_trusted(&out, p_, REST, starch_html_trusted("<b>", 3))),
                     "%3Cb%3E");
    cr_assert_str_eq(CALL(starch_put_srcset_chr(&out, p_, REST, ',')), ",");
}

/* ======================================================================================
 * JavaScript
 * ====================================================================================== */

/* The specification of JavaScript string escaping: decodes s[0..n) as the WHATWG UTF-8
 * decoder does (a U+FFFD per maximal invalid subpart) and writes each code point. */
static size_t ref_js_cp(char *dst, uint32_t cp, bool regexp)
{
    if (cp >= 0x80 && cp != 0x2028 && cp != 0x2029 && cp != 0x110000) {
        /* valid non-ASCII: copied as UTF-8 */
        if (cp < 0x800)
            return (size_t)sprintf(dst, "%c%c", 0xc0 | cp >> 6, 0x80 | (cp & 63));
        if (cp < 0x10000)
            return (size_t)sprintf(dst, "%c%c%c", 0xe0 | cp >> 12, 0x80 | (cp >> 6 & 63),
                                   0x80 | (cp & 63));
        return (size_t)sprintf(dst, "%c%c%c%c", 0xf0 | cp >> 18, 0x80 | (cp >> 12 & 63),
                               0x80 | (cp >> 6 & 63), 0x80 | (cp & 63));
    }
    if (cp == 0x110000) /* a decoding error */
        return (size_t)sprintf(dst, "\\ufffd");
    if (cp >= 0x80) /* U+2028, U+2029 */
        return (size_t)sprintf(dst, "\\u%04x", cp);
    if (regexp && cp && strchr("^.*+?()[]{}|/-", (int)cp))
        return (size_t)sprintf(dst, "\\u%04x", cp);
    switch (cp) {
    case '\n': return (size_t)sprintf(dst, "\\n");
    case '\r': return (size_t)sprintf(dst, "\\r");
    case '\t': return (size_t)sprintf(dst, "\\t");
    case '\b': return (size_t)sprintf(dst, "\\b");
    case '\f': return (size_t)sprintf(dst, "\\f");
    case '\\': return (size_t)sprintf(dst, "\\\\");
    case '/': return (size_t)sprintf(dst, "\\/");
    }
    if (cp < 0x20 || cp == 0x7f || (cp && strchr("\"'`&<>@$", (int)cp)))
        return (size_t)sprintf(dst, "\\u%04x", cp);
    dst[0] = (char)cp;
    return 1;
}

static size_t ref_js(char *dst, const unsigned char *s, size_t n, bool regexp)
{
    size_t k = 0;
    uint32_t cp = 0;
    int needed = 0, seen = 0;
    unsigned char lower = 0x80, upper = 0xbf;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = s[i];
        if (needed == 0) {
            if (b < 0x80) {
                k += ref_js_cp(dst + k, b, regexp);
            } else if (b >= 0xc2 && b <= 0xdf) {
                needed = 1;
                cp = b & 0x1f;
            } else if (b >= 0xe0 && b <= 0xef) {
                lower = b == 0xe0 ? 0xa0 : 0x80;
                upper = b == 0xed ? 0x9f : 0xbf;
                needed = 2;
                cp = b & 0xf;
            } else if (b >= 0xf0 && b <= 0xf4) {
                lower = b == 0xf0 ? 0x90 : 0x80;
                upper = b == 0xf4 ? 0x8f : 0xbf;
                needed = 3;
                cp = b & 7;
            } else {
                k += ref_js_cp(dst + k, 0x110000, regexp);
            }
            continue;
        }
        if (b < lower || b > upper) {
            needed = seen = 0;
            lower = 0x80;
            upper = 0xbf;
            k += ref_js_cp(dst + k, 0x110000, regexp);
            i--; /* the byte is read again */
            continue;
        }
        lower = 0x80;
        upper = 0xbf;
        cp = cp << 6 | (b & 0x3f);
        if (++seen == needed) {
            k += ref_js_cp(dst + k, cp, regexp);
            needed = seen = 0;
        }
    }
    if (needed)
        k += ref_js_cp(dst + k, 0x110000, regexp);
    dst[k] = 0;
    return k;
}

TestSuite(js, .init = setup, .fini = teardown);

Test(js, each_special_byte)
{
    static const struct {
        char in;
        const char *out;
    } cases[] = {
        {'"', "\\u0022"}, {'\'', "\\u0027"},   {'`', "\\u0060"},    {'\\', "\\\\"},
        {'/', "\\/"},     {'<', "\\u003c"},    {'>', "\\u003e"},    {'&', "\\u0026"},
        {'@', "\\u0040"}, {'$', "\\u0024"},    {'\n', "\\n"},       {'\r', "\\r"},
        {'\t', "\\t"},    {'\0', "\\u0000"},   {'\b', "\\b"},       {'\v', "\\u000b"},
        {'\f', "\\f"},    {'\x1f', "\\u001f"}, {'\x7f', "\\u007f"}, {'a', "a"},
        {' ', " "},       {'{', "{"},          {'+', "+"},          {'=', "="},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_assert_str_eq(run(starch_put_js_str_bytes, &cases[i].in, 1), cases[i].out, "byte 0x%02x",
                         (unsigned char)cases[i].in);
}

Test(js, every_byte_as_specified)
{
    for (int c = 0; c < 128; c++) {
        char s[1] = {(char)c}, exp[16];
        ref_js(exp, (const unsigned char *)s, 1, false);
        cr_assert_str_eq(run(starch_put_js_str_bytes, s, 1), exp, "byte 0x%02x", c);
        ref_js(exp, (const unsigned char *)s, 1, true);
        cr_assert_str_eq(run(starch_put_js_regexp_bytes, s, 1), exp, "regexp byte 0x%02x", c);
    }
    for (int c = 128; c < 256; c++) { /* a lone byte >= 0x80 is never valid UTF-8 */
        char s[1] = {(char)c};
        cr_assert_str_eq(run(starch_put_js_str_bytes, s, 1), "\\ufffd", "byte 0x%02x", c);
    }
}

Test(js, script_end_tags_cannot_appear)
{
    EXPECT(starch_put_js_script_bytes, "</script><script>alert(1)</script>",
           "\"\\u003c\\/script\\u003e\\u003cscript\\u003ealert(1)\\u003c\\/script\\u003e\"");
    EXPECT(starch_put_js_script_bytes, "</SCRIPT >", "\"\\u003c\\/SCRIPT \\u003e\"");
    EXPECT(starch_put_js_str_bytes, "<!--", "\\u003c!--");
    EXPECT(starch_put_js_str_bytes, "-->", "--\\u003e");
    EXPECT(starch_put_js_str_bytes, "<![CDATA[ ]]>", "\\u003c![CDATA[ ]]\\u003e");
}

Test(js, quotes_cannot_end_the_string)
{
    EXPECT(starch_put_js_str_bytes, "'; alert(1); '", "\\u0027; alert(1); \\u0027");
    EXPECT(starch_put_js_str_bytes, "\"; alert(1); \"", "\\u0022; alert(1); \\u0022");
    EXPECT(starch_put_js_str_bytes, "\\'; alert(1); //", "\\\\\\u0027; alert(1); \\/\\/");
    EXPECT(starch_put_js_str_bytes, "\\", "\\\\");
}

Test(js, line_terminators)
{
    EXPECT(starch_put_js_str_bytes, "a\nb\rc", "a\\nb\\rc");
    EXPECT(starch_put_js_str_bytes, "\xe2\x80\xa8", "\\u2028");
    EXPECT(starch_put_js_str_bytes, "\xe2\x80\xa9", "\\u2029");
    EXPECT(starch_put_js_str_bytes, "x\xe2\x80\xa8y\xe2\x80\xa9z", "x\\u2028y\\u2029z");
    EXPECT(starch_put_js_str_bytes, "\xe2\x80\xa7\xe2\x80\xaa", "\xe2\x80\xa7\xe2\x80\xaa");
}

Test(js, template_literal_breakouts)
{
    EXPECT(starch_put_js_str_bytes, "${alert(1)}", "\\u0024{alert(1)}");
    EXPECT(starch_put_js_str_bytes, "`+alert(1)+`", "\\u0060+alert(1)+\\u0060");
    EXPECT(starch_put_js_str_bytes, "$${x}", "\\u0024\\u0024{x}");
}

Test(js, datastar_actions_and_signals)
{
    EXPECT(starch_put_js_str_bytes, "@post('/x')", "\\u0040post(\\u0027\\/x\\u0027)");
    EXPECT(starch_put_js_str_bytes, "$count = 1", "\\u0024count = 1");
}

Test(js, valid_utf8_is_copied)
{
    EXPECT(starch_put_js_str_bytes, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbd",
           "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbd");
    EXPECT(starch_put_js_str_bytes, "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf"); /* U+10FFFF */
}

Test(js, invalid_utf8_is_one_replacement_per_maximal_subpart)
{
    EXPECT(starch_put_js_str_bytes, "\xff", "\\ufffd");
    EXPECT(starch_put_js_str_bytes, "\x80", "\\ufffd");
    EXPECT(starch_put_js_str_bytes, "\xc0\x80", "\\ufffd\\ufffd"); /* overlong */
    EXPECT(starch_put_js_str_bytes, "\xc2", "\\ufffd");            /* truncated at end */
    EXPECT(starch_put_js_str_bytes, "\xc2\x41", "\\ufffdA");
    EXPECT(starch_put_js_str_bytes, "\xe2\x82", "\\ufffd"); /* one subpart */
    EXPECT(starch_put_js_str_bytes, "\xe2\x82X", "\\ufffdX");
    EXPECT(starch_put_js_str_bytes, "\xe0\x80\x80", "\\ufffd\\ufffd\\ufffd"); /* overlong */
    EXPECT(starch_put_js_str_bytes, "\xed\xa0\x80", "\\ufffd\\ufffd\\ufffd"); /* surrogate */
    EXPECT(starch_put_js_str_bytes, "\xf0\x9f\x98", "\\ufffd");
    EXPECT(starch_put_js_str_bytes, "\xf0\x9f\x98<", "\\ufffd\\u003c");
    EXPECT(starch_put_js_str_bytes, "\xf4\x90\x80\x80", "\\ufffd\\ufffd\\ufffd\\ufffd");
    EXPECT(starch_put_js_str_bytes, "\xf8\x88\x80\x80\x80", "\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd");
    EXPECT(starch_put_js_str_bytes, "\xe2\x80\"", "\\ufffd\\u0022");
}

Test(js, long_values_across_the_block_boundary)
{
    /* a multi-byte sequence, valid or not, across every position near 1024 and 2048 */
    static const char *const tails[] = {"\xe2\x80\xa8", "\xf0\x9f\x98\x80", "\xe2\x82",
                                        "\xf0\x9f\x98<", "\xc3\xa9"};
    static char s[4200], exp[4200 * 6 + 1];
    for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++) {
        for (size_t pre = 1015; pre < 1030; pre++) {
            for (size_t rep = 1; rep <= 2; rep++) {
                size_t n = pre * rep;
                memset(s, 'a', n);
                size_t tl = strlen(tails[t]);
                memcpy(s + n, tails[t], tl);
                memcpy(s + n + tl, "\"z", 2);
                n += tl + 2;
                ref_js(exp, (const unsigned char *)s, n, false);
                cr_assert_str_eq(run(starch_put_js_str_bytes, s, n), exp, "tail %zu at %zu", t,
                                 pre * rep);
            }
        }
    }
}

Test(js, random_inputs_match_the_reference)
{
    uint64_t r = 0xbadc0de;
    static unsigned char s[5000];
    static char exp[5000 * 6 + 1];
    for (int round = 0; round < 300; round++) {
        size_t n = (size_t)(next_random(&r) % sizeof s);
        random_bytes(s, n, &r);
        ref_js(exp, s, n, false);
        cr_assert_str_eq(run(starch_put_js_str_bytes, (const char *)s, n), exp, "round %d", round);
        ref_js(exp, s, n, true);
        cr_assert_str_eq(run(starch_put_js_regexp_bytes, (const char *)s, n), exp, "round %d",
                         round);
    }
}

Test(js, values_are_string_literals)
{
    EXPECT(starch_put_js_bytes, "", "&#34;&#34;");
    EXPECT(starch_put_js_bytes, "it's \"x\"", "&#34;it\\u0027s \\u0022x\\u0022&#34;");
    EXPECT(starch_put_js_bytes, "\"><script>alert(1)</script>",
           "&#34;\\u0022\\u003e\\u003cscript\\u003ealert(1)\\u003c\\/script\\u003e&#34;");
    EXPECT(starch_put_js_script_bytes, "", "\"\"");
    EXPECT(starch_put_js_script_bytes, "a'b", "\"a\\u0027b\"");
}

Test(js, regexp_metacharacters)
{
    EXPECT(starch_put_js_regexp_bytes, "^.*+?()[]{}|/-",
           "\\u005e\\u002e\\u002a\\u002b\\u003f\\u0028\\u0029\\u005b\\u005d\\u007b\\u007d\\u007c"
           "\\u002f\\u002d");
    EXPECT(starch_put_js_regexp_bytes, "a.b\\d", "a\\u002eb\\\\d");
    EXPECT(starch_put_js_regexp_bytes, "</script>", "\\u003c\\u002fscript\\u003e");
    EXPECT(starch_put_js_regexp_bytes, "$1 ${x}", "\\u00241 \\u0024\\u007bx\\u007d");
}

Test(js, empty_regexp_is_an_empty_group)
{
    EXPECT(starch_put_js_regexp_bytes, "", "(?:)");
    cr_assert_str_eq(CALL(starch_put_js_regexp_cstr(&out, p_, REST, NULL)), "(?:)");
    cr_assert_str_eq(CALL(starch_put_js_regexp_cstr(&out, p_, REST, "")), "(?:)");
    cr_assert_str_eq(CALL(starch_put_js_regexp_str(&out, p_, REST, STARCH_STR(""))), "(?:)");
}

Test(js, typed_writers)
{
    cr_assert_str_eq(CALL(starch_put_js_cstr(&out, p_, REST, "a<b")), "&#34;a\\u003cb&#34;");
    cr_assert_str_eq(CALL(starch_put_js_cstr(&out, p_, REST, NULL)), "null");
    cr_assert_str_eq(CALL(starch_put_js_str(&out, p_, REST, STARCH_STR("a\0b"))),
                     "&#34;a\\u0000b&#34;");
    cr_assert_str_eq(CALL(starch_put_js_trusted(&out, p_, REST, starch_html_trusted("<b>", 3))),
                     "&#34;\\u003cb\\u003e&#34;");
    cr_assert_str_eq(CALL(starch_put_js_chr(&out, p_, REST, '"')), "&#34;\\u0022&#34;");
    cr_assert_str_eq(CALL(starch_put_js_script_cstr(&out, p_, REST, "x")), "\"x\"");
    cr_assert_str_eq(CALL(starch_put_js_script_cstr(&out, p_, REST, NULL)), "null");
    cr_assert_str_eq(CALL(starch_put_js_script_str(&out, p_, REST, STARCH_STR("</"))),
                     "\"\\u003c\\/\"");
    cr_assert_str_eq(
        CALL(starch_put_js_script_trusted(&out, p_, REST, starch_html_trusted("&", 1))),
        "\"\\u0026\"");
    cr_assert_str_eq(CALL(starch_put_js_script_chr(&out, p_, REST, '\n')), "\"\\n\"");
    cr_assert_str_eq(CALL(starch_put_js_str_cstr(&out, p_, REST, "it's")), "it\\u0027s");
    cr_assert_str_eq(CALL(starch_put_js_str_cstr(&out, p_, REST, NULL)), "");
    cr_assert_str_eq(CALL(starch_put_js_str_str(&out, p_, REST, STARCH_STR("`"))), "\\u0060");
    cr_assert_str_eq(CALL(starch_put_js_str_trusted(&out, p_, REST, starch_html_trusted("${", 2))),
                     "\\u0024{");
    cr_assert_str_eq(CALL(starch_put_js_str_chr(&out, p_, REST, '\\')), "\\\\");
    cr_assert_str_eq(CALL(starch_put_js_regexp_cstr(&out, p_, REST, "a+")), "a\\u002b");
    cr_assert_str_eq(CALL(starch_put_js_regexp_str(&out, p_, REST, STARCH_STR("/"))), "\\u002f");
    cr_assert_str_eq(
        CALL(starch_put_js_regexp_trusted(&out, p_, REST, starch_html_trusted("(", 1))), "\\u0028");
    cr_assert_str_eq(CALL(starch_put_js_regexp_chr(&out, p_, REST, '.')), "\\u002e");
}

Test(js, fmt_through_each_js_writer)
{
    cr_assert_str_eq(CALL(starch_put_fmt(&out, p_, REST, starch_put_js_bytes, "%d'", 5)),
                     "&#34;5\\u0027&#34;");
    cr_assert_str_eq(CALL(starch_put_fmt(&out, p_, REST, starch_put_js_script_bytes, "%s", "<")),
                     "\"\\u003c\"");
    cr_assert_str_eq(CALL(starch_put_fmt(&out, p_, REST, starch_put_js_str_bytes, "%.1f", 2.0)),
                     "2.0");
    cr_assert_str_eq(CALL(starch_put_fmt(&out, p_, REST, starch_put_js_regexp_bytes, "%.1f", 2.0)),
                     "2\\u002e0");
    cr_assert_str_eq(
        CALL(starch_put_fmt(&out, p_, REST, starch_put_ds_url_bytes, "%s", "vbscript:")),
        "&#34;about:invalid#starch&#34;");
    cr_assert_str_eq(CALL(starch_put_fmt(&out, p_, REST, starch_put_ds_url_str_bytes, "/%d", 7)),
                     "\\/7");
}

Test(js, numbers_get_a_space_before_a_minus_sign)
{
    cr_assert_str_eq(CALL(starch_put_js_i64(&out, p_, REST, -7)), " -7");
    cr_assert_str_eq(CALL(starch_put_js_i64(&out, p_, REST, 7)), "7");
    cr_assert_str_eq(CALL(starch_put_js_i64(&out, p_, REST, 0)), "0");
    cr_assert_str_eq(CALL(starch_put_js_i64(&out, p_, REST, INT64_MIN)), " -9223372036854775808");
    cr_assert_str_eq(CALL(starch_put_js_double(&out, p_, REST, -0.5)), " -0.5");
    cr_assert_str_eq(CALL(starch_put_js_double(&out, p_, REST, -0.0)), "0");
    cr_assert_str_eq(CALL(starch_put_js_double(&out, p_, REST, 1e21)), "1e+21");
    cr_assert_str_eq(CALL(starch_put_js_double(&out, p_, REST, -1e-7)), " -1e-7");
    cr_assert_str_eq(CALL(starch_put_js_double(&out, p_, REST, NAN)), "NaN");
    cr_assert_str_eq(CALL(starch_put_js_double(&out, p_, REST, INFINITY)), "Infinity");
    cr_assert_str_eq(CALL(starch_put_js_double(&out, p_, REST, -INFINITY)), " -Infinity");
}

Test(js, numbers_in_a_regexp)
{
    cr_assert_str_eq(CALL(starch_put_js_regexp_i64(&out, p_, REST, -12)), "\\u002d12");
    cr_assert_str_eq(CALL(starch_put_js_regexp_u64(&out, p_, REST, UINT64_MAX)),
                     "18446744073709551615");
    cr_assert_str_eq(CALL(starch_put_js_regexp_double(&out, p_, REST, 1.5)), "1\\u002e5");
    cr_assert_str_eq(CALL(starch_put_js_regexp_double(&out, p_, REST, 1e21)), "1e\\u002b21");
    cr_assert_str_eq(CALL(starch_put_js_regexp_bool(&out, p_, REST, true)), "true");
    cr_assert_str_eq(CALL(starch_put_js_regexp_bool(&out, p_, REST, false)), "false");
}

/* ======================================================================================
 * Datastar URL attributes (data-attr:href, ...)
 * ====================================================================================== */

TestSuite(ds_url, .init = setup, .fini = teardown);

Test(ds_url, refused_schemes)
{
    EXPECT(starch_put_ds_url_bytes, "javascript:alert(1)", "&#34;about:invalid#starch&#34;");
    EXPECT(starch_put_ds_url_bytes, " JaVa\tScRiPt:alert(1)", "&#34;about:invalid#starch&#34;");
    EXPECT(starch_put_ds_url_bytes, "data:text/html,x", "&#34;about:invalid#starch&#34;");
    EXPECT(starch_put_ds_url_str_bytes, "vbscript:x", "about:invalid#starch");
}

Test(ds_url, allowed_urls_are_js_strings)
{
    EXPECT(starch_put_ds_url_bytes, "https://example.com/?a=1&b='2'",
           "&#34;https:\\/\\/example.com\\/?a=1\\u0026b=\\u00272\\u0027&#34;");
    EXPECT(starch_put_ds_url_bytes, "/items/$id/@x", "&#34;\\/items\\/\\u0024id\\/\\u0040x&#34;");
    EXPECT(starch_put_ds_url_str_bytes, "/a b", "\\/a b");
    EXPECT(starch_put_ds_url_str_bytes, "", "");
}

Test(ds_url, typed_writers)
{
    cr_assert_str_eq(CALL(starch_put_ds_url_cstr(&out, p_, REST, "tel:1")), "&#34;tel:1&#34;");
    cr_assert_str_eq(CALL(starch_put_ds_url_cstr(&out, p_, REST, NULL)), "null");
    cr_assert_str_eq(CALL(starch_put_ds_url_str(&out, p_, REST, STARCH_STR("javascript:x"))),
                     "&#34;about:invalid#starch&#34;");
    cr_assert_str_eq(CALL(starch_put_ds_url_trusted(&out, p_, REST, starch_html_trusted("/<", 2))),
                     "&#34;\\/\\u003c&#34;");
    cr_assert_str_eq(CALL(starch_put_ds_url_chr(&out, p_, REST, '/')), "&#34;\\/&#34;");
    cr_assert_str_eq(CALL(starch_put_ds_url_str_cstr(&out, p_, REST, "/x")), "\\/x");
    cr_assert_str_eq(CALL(starch_put_ds_url_str_cstr(&out, p_, REST, NULL)), "");
    cr_assert_str_eq(CALL(starch_put_ds_url_str_str(&out, p_, REST, STARCH_STR("data:x"))),
                     "about:invalid#starch");
    cr_assert_str_eq(
        CALL(starch_put_ds_url_str_trusted(&out, p_, REST, starch_html_trusted("'", 1))),
        "\\u0027");
    cr_assert_str_eq(CALL(starch_put_ds_url_str_chr(&out, p_, REST, 'a')), "a");
}

/* ======================================================================================
 * HTML text, attribute values and RCDATA (Go's escape_test.go cases)
 * ====================================================================================== */

TestSuite(html, .init = setup, .fini = teardown);

Test(html, quotes_inside_attributes)
{
    EXPECT(starch_put_html_bytes, "\"><script>alert(1)</script>",
           "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
    EXPECT(starch_put_html_bytes, "' onmouseover='alert(1)", "&#39; onmouseover=&#39;alert(1)");
    EXPECT(starch_put_html_bytes, "a&amp;b", "a&amp;amp;b");
    EXPECT(starch_put_html_bytes, "</title></textarea>", "&lt;/title&gt;&lt;/textarea&gt;");
}

Test(html, trusted_html_only_in_text)
{
    starch_html h = starch_html_trusted("<b>x</b>", 8);
    cr_assert_str_eq(CALL(starch_put_html_trusted(&out, p_, REST, h)), "<b>x</b>");
    cr_assert_str_eq(CALL(starch_put_attr_trusted(&out, p_, REST, h)), "&lt;b&gt;x&lt;/b&gt;");
    cr_assert_str_eq(CALL(STARCH_PUT_HTML(&out, p_, REST, h)), "<b>x</b>");
    cr_assert_str_eq(CALL(STARCH_PUT_ATTR(&out, p_, REST, h)), "&lt;b&gt;x&lt;/b&gt;");
}

/* ======================================================================================
 * Dispatch: each context's macro picks the writer for each type
 * ====================================================================================== */

TestSuite(dispatch_contexts, .init = setup, .fini = teardown);

Test(dispatch_contexts, url)
{
    cr_assert_str_eq(CALL(STARCH_PUT_URL(&out, p_, REST, "javascript:x")), "about:invalid#starch");
    cr_assert_str_eq(CALL(STARCH_PUT_URL(&out, p_, REST, (char *)"/a b")), "/a%20b");
    cr_assert_str_eq(CALL(STARCH_PUT_URL(&out, p_, REST, STARCH_STR("/x"))), "/x");
    cr_assert_str_eq(CALL(STARCH_PUT_URL(&out, p_, REST, starch_html_trusted("<", 1))), "%3C");
    cr_assert_str_eq(CALL(STARCH_PUT_URL(&out, p_, REST, (char)'x')), "x");
    cr_assert_str_eq(CALL(STARCH_PUT_URL(&out, p_, REST, -5)), "-5");
    cr_assert_str_eq(CALL(STARCH_PUT_URL(&out, p_, REST, 5u)), "5");
    cr_assert_str_eq(CALL(STARCH_PUT_URL(&out, p_, REST, 0.25)), "0.25");
    cr_assert_str_eq(CALL(STARCH_PUT_URL(&out, p_, REST, (bool)true)), "true");
    cr_assert_str_eq(CALL(STARCH_PUT_URL_PART(&out, p_, REST, "javascript:x")), "javascript:x");
    cr_assert_str_eq(CALL(STARCH_PUT_URL_PART(&out, p_, REST, (long)-3)), "-3");
    cr_assert_str_eq(CALL(STARCH_PUT_URL_QUERY(&out, p_, REST, "a&b")), "a%26b");
    cr_assert_str_eq(CALL(STARCH_PUT_URL_QUERY(&out, p_, REST, 1e21)), "1e%2B21");
    cr_assert_str_eq(CALL(STARCH_PUT_URL_QUERY(&out, p_, REST, -2)), "-2");
    cr_assert_str_eq(CALL(STARCH_PUT_URL_QUERY(&out, p_, REST, (bool)false)), "false");
    cr_assert_str_eq(CALL(STARCH_PUT_URL_QUERY(&out, p_, REST, (char)'+')), "%2B");
    cr_assert_str_eq(CALL(STARCH_PUT_SRCSET(&out, p_, REST, "a.png 2x")), "a.png 2x");
    cr_assert_str_eq(CALL(STARCH_PUT_SRCSET(&out, p_, REST, 3)), "3");
}

Test(dispatch_contexts, js)
{
    cr_assert_str_eq(CALL(STARCH_PUT_JS(&out, p_, REST, "x")), "&#34;x&#34;");
    cr_assert_str_eq(CALL(STARCH_PUT_JS(&out, p_, REST, (const char *)NULL)), "null");
    cr_assert_str_eq(CALL(STARCH_PUT_JS(&out, p_, REST, STARCH_STR("'"))), "&#34;\\u0027&#34;");
    cr_assert_str_eq(CALL(STARCH_PUT_JS(&out, p_, REST, starch_html_trusted("<", 1))),
                     "&#34;\\u003c&#34;");
    cr_assert_str_eq(CALL(STARCH_PUT_JS(&out, p_, REST, (char)'q')), "&#34;q&#34;");
    cr_assert_str_eq(CALL(STARCH_PUT_JS(&out, p_, REST, -3)), " -3");
    cr_assert_str_eq(CALL(STARCH_PUT_JS(&out, p_, REST, (short)-3)), " -3");
    cr_assert_str_eq(CALL(STARCH_PUT_JS(&out, p_, REST, 3ull)), "3");
    cr_assert_str_eq(CALL(STARCH_PUT_JS(&out, p_, REST, -2.5)), " -2.5");
    cr_assert_str_eq(CALL(STARCH_PUT_JS(&out, p_, REST, (float)0.5)), "0.5");
    cr_assert_str_eq(CALL(STARCH_PUT_JS(&out, p_, REST, (bool)true)), "true");
    cr_assert_str_eq(CALL(STARCH_PUT_JS_SCRIPT(&out, p_, REST, "x")), "\"x\"");
    cr_assert_str_eq(CALL(STARCH_PUT_JS_SCRIPT(&out, p_, REST, (char *)NULL)), "null");
    cr_assert_str_eq(CALL(STARCH_PUT_JS_SCRIPT(&out, p_, REST, -1)), " -1");
    cr_assert_str_eq(CALL(STARCH_PUT_JS_SCRIPT(&out, p_, REST, (bool)false)), "false");
    cr_assert_str_eq(CALL(STARCH_PUT_JS_STR(&out, p_, REST, "a\"b")), "a\\u0022b");
    cr_assert_str_eq(CALL(STARCH_PUT_JS_STR(&out, p_, REST, -1)), "-1");
    cr_assert_str_eq(CALL(STARCH_PUT_JS_STR(&out, p_, REST, (char)'x')), "x");
    cr_assert_str_eq(CALL(STARCH_PUT_JS_REGEXP(&out, p_, REST, "a.b")), "a\\u002eb");
    cr_assert_str_eq(CALL(STARCH_PUT_JS_REGEXP(&out, p_, REST, -1)), "\\u002d1");
    cr_assert_str_eq(CALL(STARCH_PUT_JS_REGEXP(&out, p_, REST, 10u)), "10");
    cr_assert_str_eq(CALL(STARCH_PUT_JS_REGEXP(&out, p_, REST, 0.5)), "0\\u002e5");
    cr_assert_str_eq(CALL(STARCH_PUT_JS_REGEXP(&out, p_, REST, (bool)true)), "true");
    cr_assert_str_eq(CALL(STARCH_PUT_JS_REGEXP(&out, p_, REST, (char)'*')), "\\u002a");
}

Test(dispatch_contexts, ds_url)
{
    cr_assert_str_eq(CALL(STARCH_PUT_DS_URL(&out, p_, REST, "javascript:x")),
                     "&#34;about:invalid#starch&#34;");
    cr_assert_str_eq(CALL(STARCH_PUT_DS_URL(&out, p_, REST, (char *)NULL)), "null");
    cr_assert_str_eq(CALL(STARCH_PUT_DS_URL(&out, p_, REST, -4)), " -4");
    cr_assert_str_eq(CALL(STARCH_PUT_DS_URL(&out, p_, REST, (bool)true)), "true");
    cr_assert_str_eq(CALL(STARCH_PUT_DS_URL_STR(&out, p_, REST, "data:,x")),
                     "about:invalid#starch");
    cr_assert_str_eq(CALL(STARCH_PUT_DS_URL_STR(&out, p_, REST, "/ok")), "\\/ok");
    cr_assert_str_eq(CALL(STARCH_PUT_DS_URL_STR(&out, p_, REST, 9)), "9");
}

Test(dispatch_contexts, css_takes_numbers)
{
    cr_assert_str_eq(CALL(STARCH_PUT_CSS(&out, p_, REST, 12)), "12");
    cr_assert_str_eq(CALL(STARCH_PUT_CSS(&out, p_, REST, -12)), "-12");
    cr_assert_str_eq(CALL(STARCH_PUT_CSS(&out, p_, REST, 12u)), "12");
    cr_assert_str_eq(CALL(STARCH_PUT_CSS(&out, p_, REST, 0.75)), "0.75");
    cr_assert_str_eq(CALL(STARCH_PUT_CSS(&out, p_, REST, (float)1.5)), "1.5");
    cr_assert_str_eq(CALL(STARCH_PUT_CSS(&out, p_, REST, (signed char)-1)), "-1");
}

Test(dispatch_contexts, raw_in_any_context)
{
    cr_assert_str_eq(CALL(STARCH_PUT_RAW(&out, p_, REST, "<script>x</script>")),
                     "<script>x</script>");
    cr_assert_str_eq(CALL(STARCH_PUT_RAW(&out, p_, REST, starch_html_trusted("</a>", 4))), "</a>");
    cr_assert_str_eq(CALL(STARCH_PUT_RAW(&out, p_, REST, -1)), "-1");
}
