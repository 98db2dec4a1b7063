/* fuzz_escape.c — random bytes through every escaper of the runtime, each output checked
 * against its context's invariant by a reader written here, independently of the
 * escapers: it reads the output the way the browser will.
 *
 *   HTML (text, attributes)  no raw < > " ' and no bare &; decodes back to the input
 *   URL at a value's start   the scheme the browser's URL parser finds (after entity
 *                            decoding, leading C0/space dropped, tab and line breaks
 *                            removed) is none, http, https, mailto or tel, or the value
 *                            is about:invalid#starch; bytes outside URLs percent-encoded
 *   URL part, query          as normalised / percent-encoded; the query decodes back
 *   srcset                   every candidate URL the browser's srcset parser finds passes
 *                            the same scheme check
 *   JavaScript               no raw quote, backslash (but escapes), < > & @ $, control
 *                            character or line terminator (LF, CR, U+2028, U+2029); the
 *                            escapes decode to the input as the browser decodes UTF-8
 *                            (each maximal invalid subpart as U+FFFD); a regular
 *                            expression has no raw metacharacter; Datastar URLs are
 *                            filtered as URLs once decoded
 *   JSON strings             each of the 16 flag sets: jansson reads back the decoded
 *                            input, and the flags' characters are never raw
 *   numbers                  integers as printf, doubles shortest round-trip, fixed-point
 *                            as printf's %.Nf
 *
 * Input: byte 0 chooses the buffer (streaming through a flush callback or not, starting
 * in the caller's memory or not), the room reserved before the value and the `rest` asked
 * after it; bytes 1-8 are a number (as a
 * double and an integer), byte 9 a decimal count; the rest is the string. */
#include "fuzz.h"

#include <jansson.h>
#include <math.h>

#include "starch_gen.h"
#include "starch_markdown.h"

/* ---- A growable array of code points or bytes ------------------------------------- */

typedef struct cps {
    uint32_t *v;
    size_t n, cap;
} cps;

static void cps_push(cps *a, uint32_t c)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? 2 * a->cap : 64;
        a->v = realloc(a->v, a->cap * sizeof *a->v);
        if (a->v == NULL)
            abort();
    }
    a->v[a->n++] = c;
}

static bool cps_eq(const cps *a, const cps *b)
{
    return a->n == b->n && (a->n == 0 || memcmp(a->v, b->v, a->n * sizeof *a->v) == 0);
}

/* The WHATWG UTF-8 decoder (Encoding Standard, "UTF-8 decoder"): each maximal invalid
 * subpart becomes U+FFFD. This is what a browser shows for the bytes. */
static void utf8_decode(const uint8_t *s, size_t n, cps *out)
{
    uint32_t cp = 0;
    int needed = 0, seen = 0;
    uint8_t lower = 0x80, upper = 0xBF;
    for (size_t i = 0; i < n; i++) {
        uint8_t b = s[i];
        if (needed == 0) {
            if (b <= 0x7F) {
                cps_push(out, b);
            } else if (b >= 0xC2 && b <= 0xDF) {
                needed = 1;
                cp = b & 0x1F;
            } else if (b >= 0xE0 && b <= 0xEF) {
                lower = b == 0xE0 ? 0xA0 : 0x80;
                upper = b == 0xED ? 0x9F : 0xBF;
                needed = 2;
                cp = b & 0xF;
            } else if (b >= 0xF0 && b <= 0xF4) {
                lower = b == 0xF0 ? 0x90 : 0x80;
                upper = b == 0xF4 ? 0x8F : 0xBF;
                needed = 3;
                cp = b & 0x7;
            } else {
                cps_push(out, 0xFFFD);
            }
            continue;
        }
        if (b < lower || b > upper) {
            cp = 0;
            needed = seen = 0;
            lower = 0x80;
            upper = 0xBF;
            cps_push(out, 0xFFFD);
            i--; /* prepend the byte to the stream */
            continue;
        }
        lower = 0x80;
        upper = 0xBF;
        cp = cp << 6 | (b & 0x3F);
        if (++seen == needed) {
            cps_push(out, cp);
            cp = 0;
            needed = seen = 0;
        }
    }
    if (needed)
        cps_push(out, 0xFFFD);
}

/* Appends code point c as UTF-8 to a byte array (kept in a cps, one byte per item). */
static void utf8_encode(uint32_t c, cps *out)
{
    if (c < 0x80) {
        cps_push(out, c);
    } else if (c < 0x800) {
        cps_push(out, 0xC0 | c >> 6);
        cps_push(out, 0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        cps_push(out, 0xE0 | c >> 12);
        cps_push(out, 0x80 | (c >> 6 & 0x3F));
        cps_push(out, 0x80 | (c & 0x3F));
    } else {
        cps_push(out, 0xF0 | c >> 18);
        cps_push(out, 0x80 | (c >> 12 & 0x3F));
        cps_push(out, 0x80 | (c >> 6 & 0x3F));
        cps_push(out, 0x80 | (c & 0x3F));
    }
}

/* ---- Running a writer ----------------------------------------------------------------- */

typedef struct setup {
    bool stream;     /* the buffer flushes into another one as it fills */
    size_t pre;      /* room reserved before the value (the cursor's room varies) */
    size_t rest;     /* room asked for after the value */
    size_t borrowed; /* the buffer starts in caller memory of this size (0: on the heap) */
} setup;

static int collect(void *ctx, const char *data, size_t len)
{
    starch_out_write(ctx, data, len);
    return 0;
}

/* The output of one writer call: bytes (malloc'd, NUL-terminated) and length. */
typedef struct text {
    char *s;
    size_t n;
} text;

/* Calls fn(out, cursor, rest, s, n) as generated code does, writes into the `rest` bytes
 * it must leave (AddressSanitizer catches a short room), and returns what was written. */
static text run(const setup *su, starch_put_bytes_fn fn, const char *s, size_t n)
{
    starch_out out, sink;
    char *mine = su->borrowed ? malloc(su->borrowed) : NULL; /* exact size, for ASan */
    starch_out_init_buffer(&out, mine, su->borrowed);
    starch_out_init(&sink);
    if (su->stream)
        starch_out_set_flush(&out, collect, &sink);
    char *p = starch_out_reserve(&out, su->pre);
    p = fn(&out, p, su->rest, s, n);
    FUZZ_CHECK(starch_out_error(&out) == 0, "buffer error %d", starch_out_error(&out));
    if (su->rest)
        memset(p, '#', su->rest);
    starch_out_commit(&out, p);
    starch_out_flush(&out);
    starch_out_write(&sink, starch_out_data(&out), starch_out_len(&out));
    text t = {malloc(starch_out_len(&sink) + 1), starch_out_len(&sink)};
    if (t.s == NULL)
        abort();
    memcpy(t.s, starch_out_data(&sink), t.n);
    t.s[t.n] = '\0';
    starch_out_free(&out);
    starch_out_free(&sink);
    free(mine);
    return t;
}

/* ---- HTML ------------------------------------------------------------------------------ */

/* Checks that t stands safely in HTML text or a quoted attribute (no raw < > " ', every &
 * one of the five escapes starch writes) and decodes it into *out (bytes). */
static void html_decode(const char *what, text t, cps *out)
{
    static const struct {
        const char *s;
        uint8_t c;
    } refs[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&#34;", '"'}, {"&#39;", '\''}};
    for (size_t i = 0; i < t.n; i++) {
        uint8_t c = (uint8_t)t.s[i];
        FUZZ_CHECK(c != '<' && c != '>' && c != '"' && c != '\'', "%s: raw '%c' at %zu: %s", what,
                   c, i, t.s);
        if (c != '&') {
            cps_push(out, c);
            continue;
        }
        size_t k = 0;
        while (k < 5 && strncmp(t.s + i, refs[k].s, strlen(refs[k].s)) != 0)
            k++;
        FUZZ_CHECK(k < 5, "%s: bare '&' at %zu: %s", what, i, t.s);
        cps_push(out, refs[k].c);
        i += strlen(refs[k].s) - 1;
    }
}

static void check_html(const setup *su, const uint8_t *s, size_t n)
{
    text t = run(su, starch_put_html_bytes, (const char *)s, n);
    cps dec = {0}, in = {0};
    html_decode("html", t, &dec);
    for (size_t i = 0; i < n; i++)
        cps_push(&in, s[i]);
    FUZZ_CHECK(cps_eq(&dec, &in), "html does not decode to its input: %s", t.s);
    free(t.s);

    /* the same through starch_escape_html, and a C string through its fast path */
    starch_out o;
    starch_out_init(&o);
    starch_escape_html(&o, (const char *)s, n);
    text u = run(su, starch_put_html_bytes, (const char *)s, n);
    FUZZ_CHECK(starch_out_len(&o) == u.n && memcmp(starch_out_data(&o), u.s, u.n) == 0,
               "starch_escape_html differs from starch_put_html_bytes");
    starch_out_free(&o);
    size_t cn = strnlen((const char *)s, n);
    char *c = malloc(cn + 1);
    memcpy(c, s, cn);
    c[cn] = '\0';
    starch_out_init(&o);
    char *p = starch_put_html_cstr(
        &o, starch_out_reserve(&o, su->pre + STARCH_VALUE_MAX + su->rest), su->rest, c);
    if (su->rest)
        memset(p, '#', su->rest);
    starch_out_commit(&o, p);
    text v = run(su, starch_put_html_bytes, c, cn);
    FUZZ_CHECK(starch_out_len(&o) == v.n && memcmp(starch_out_data(&o), v.s, v.n) == 0,
               "starch_put_html_cstr differs from starch_put_html_bytes on %s", c);
    starch_out_free(&o);
    free(c);
    free(u.s);
    free(v.s);
    free(dec.v);
    free(in.v);
}

/* ---- URLs ------------------------------------------------------------------------------ */

static const char refused[] = "about:invalid#starch";

static bool ascii_alpha(uint32_t c)
{
    return (c | 32) >= 'a' && (c | 32) <= 'z';
}

/* Whether the browser's URL parser (WHATWG URL, "basic URL parser" from "scheme start
 * state") finds a scheme in u other than http, https, mailto and tel. Leading C0
 * controls and spaces are stripped and tab, LF and CR removed first. */
static bool scheme_refused(const uint32_t *u, size_t n)
{
    size_t i = 0;
    while (i < n && u[i] <= 0x20)
        i++;
    char scheme[16];
    size_t k = 0;
    for (; i < n; i++) {
        uint32_t c = u[i];
        if (c == '\t' || c == '\n' || c == '\r')
            continue;
        if (c == ':')
            break;
        bool first = k == 0;
        if (!(ascii_alpha(c) ||
              (!first && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))))
            return false; /* no scheme state: a relative URL */
        if (k < sizeof scheme)
            scheme[k] = (char)(ascii_alpha(c) ? (c | 32) : c);
        k++;
    }
    if (i == n || k == 0)
        return false;
    static const char *const allowed[] = {"http", "https", "mailto", "tel"};
    for (size_t a = 0; a < 4; a++)
        if (strlen(allowed[a]) == k && memcmp(allowed[a], scheme, k) == 0)
            return false;
    return true;
}

static bool is_refused_text(const uint32_t *u, size_t n)
{
    if (n != sizeof refused - 1)
        return false;
    for (size_t i = 0; i < n; i++)
        if (u[i] != (uint8_t)refused[i])
            return false;
    return true;
}

static void check_url_value(const char *what, const uint32_t *u, size_t n, const char *out)
{
    FUZZ_CHECK(!scheme_refused(u, n) || is_refused_text(u, n),
               "%s lets a refused scheme through: %s", what, out);
}

/* The same for a srcset candidate, where what follows a refused URL up to the next
 * space belongs to its URL, in the fragment of about:invalid#starch (inert). */
static void check_candidate(const uint32_t *u, size_t n, const char *out)
{
    size_t m = sizeof refused - 1;
    FUZZ_CHECK(!scheme_refused(u, n) || (n >= m && is_refused_text(u, m)),
               "srcset lets a refused scheme through: %s", out);
}

static bool is_hex(uint32_t c)
{
    return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'f');
}

static int hexval(uint32_t c)
{
    return c <= '9' ? (int)c - '0' : (int)(c | 32) - 'a' + 10;
}

/* Checks that the decoded URL u is in + normalisation: bytes that may stand in a URL kept,
 * a `%` kept before two hex digits, every other byte as %XX. */
static void check_normalised(const char *what, const uint8_t *s, size_t n, const cps *u,
                             const char *out)
{
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        bool keep = c > 0x20 && c < 0x7f && !strchr("\"'<>\\^`{|}%", c);
        if (c == '%' && i + 2 < n && is_hex(s[i + 1]) && is_hex(s[i + 2]))
            keep = true;
        if (keep) {
            FUZZ_CHECK(j < u->n && u->v[j] == c, "%s: byte %zu not kept: %s", what, i, out);
            j++;
        } else {
            FUZZ_CHECK(j + 2 < u->n && u->v[j] == '%' && is_hex(u->v[j + 1]) &&
                           is_hex(u->v[j + 2]) &&
                           hexval(u->v[j + 1]) * 16 + hexval(u->v[j + 2]) == c,
                       "%s: byte %zu not percent-encoded: %s", what, i, out);
            j += 3;
        }
    }
    FUZZ_CHECK(j == u->n, "%s: extra output: %s", what, out);
}

static void check_url(const setup *su, const uint8_t *s, size_t n)
{
    text t = run(su, starch_put_url_bytes, (const char *)s, n);
    cps u = {0};
    html_decode("url", t, &u);
    check_url_value("url", u.v, u.n, t.s);
    if (!is_refused_text(u.v, u.n))
        check_normalised("url", s, n, &u, t.s);
    free(t.s);
    free(u.v);

    t = run(su, starch_put_url_part_bytes, (const char *)s, n);
    cps part = {0};
    html_decode("url_part", t, &part);
    check_normalised("url_part", s, n, &part, t.s);
    free(t.s);
    free(part.v);

    t = run(su, starch_put_url_query_bytes, (const char *)s, n);
    size_t j = 0;
    for (size_t i = 0; i < t.n; i++) {
        uint8_t c = (uint8_t)t.s[i];
        bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
        if (unreserved) {
            FUZZ_CHECK(j < n && s[j] == c, "url_query: %zu: %s", i, t.s);
        } else {
            FUZZ_CHECK(c == '%' && i + 2 < t.n && is_hex((uint8_t)t.s[i + 1]) &&
                           is_hex((uint8_t)t.s[i + 2]),
                       "url_query: raw '%c' at %zu: %s", c, i, t.s);
            FUZZ_CHECK(j < n &&
                           hexval((uint8_t)t.s[i + 1]) * 16 + hexval((uint8_t)t.s[i + 2]) == s[j],
                       "url_query: %zu does not decode to the input: %s", i, t.s);
            i += 2;
        }
        j++;
    }
    FUZZ_CHECK(j == n, "url_query: decodes to %zu of %zu bytes: %s", j, n, t.s);
    free(t.s);
}

static bool html_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* Splits a srcset value as the browser does (HTML, "parse a srcset attribute") and checks
 * each candidate's URL. */
static void check_srcset(const setup *su, const uint8_t *s, size_t n)
{
    text t = run(su, starch_put_srcset_bytes, (const char *)s, n);
    cps u = {0};
    html_decode("srcset", t, &u);
    size_t i = 0;
    for (;;) {
        while (i < u.n && (html_space(u.v[i]) || u.v[i] == ','))
            i++;
        if (i >= u.n)
            break;
        size_t start = i;
        while (i < u.n && !html_space(u.v[i]))
            i++;
        size_t end = i;
        if (u.v[end - 1] == ',') {
            while (end > start && u.v[end - 1] == ',')
                end--;
        } else { /* descriptors: up to a comma outside parentheses */
            bool parens = false;
            for (; i < u.n; i++) {
                if (parens) {
                    parens = u.v[i] != ')';
                } else if (u.v[i] == '(') {
                    parens = true;
                } else if (u.v[i] == ',') {
                    i++;
                    break;
                }
            }
        }
        check_candidate(u.v + start, end - start, t.s);
    }
    free(t.s);
    free(u.v);
}

/* ---- JavaScript ---------------------------------------------------------------------- */

/* Reads the body of a JavaScript string literal b[0..n) as the browser would, checking
 * that no byte could end the string, the attribute, the script or a Datastar expression;
 * appends its code points to out. regexp: also no raw regular expression metacharacter. */
static void js_decode(const char *what, const char *b, size_t n, bool regexp, cps *out,
                      const char *whole)
{
    const uint8_t *u = (const uint8_t *)b;
    for (size_t i = 0; i < n;) {
        uint8_t c = u[i];
        if (c == '\\') {
            FUZZ_CHECK(i + 1 < n, "%s: a string ends in '\\': %s", what, whole);
            uint8_t e = u[i + 1];
            uint32_t v = 0;
            if (e == 'u') {
                FUZZ_CHECK(i + 5 < n && is_hex(u[i + 2]) && is_hex(u[i + 3]) && is_hex(u[i + 4]) &&
                               is_hex(u[i + 5]),
                           "%s: bad \\u escape at %zu: %s", what, i, whole);
                for (int k = 2; k < 6; k++)
                    v = v * 16 + (uint32_t)hexval(u[i + k]);
                FUZZ_CHECK(v < 0xD800 || v > 0xDFFF, "%s: a lone surrogate at %zu: %s", what, i,
                           whole);
                i += 6;
            } else {
                const char *simple = "n\nr\rt\tb\bf\fv\v\\\\//\"\"''``";
                const char *m = NULL;
                for (const char *q = simple; *q; q += 2)
                    if ((uint8_t)*q == e)
                        m = q;
                FUZZ_CHECK(m != NULL, "%s: unexpected escape \\%c at %zu: %s", what, e, i, whole);
                v = (uint8_t)m[1];
                i += 2;
            }
            cps_push(out, v);
            continue;
        }
        FUZZ_CHECK(c >= 0x20 && c != 0x7f && !strchr("\"'`<>&@$", c),
                   "%s: raw byte 0x%02x at %zu: %s", what, c, i, whole);
        FUZZ_CHECK(!regexp || !strchr("^.*+?()[]{}|/-", c), "%s: raw regexp '%c' at %zu: %s", what,
                   c, i, whole);
        if (c < 0x80) {
            cps_push(out, c);
            i++;
            continue;
        }
        size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        cps one = {0}, again = {0};
        utf8_decode(u + i, len <= n - i ? len : n - i, &one);
        if (one.n == 1)
            utf8_encode(one.v[0], &again);
        bool valid = again.n == len && len <= n - i;
        for (size_t k = 0; valid && k < len; k++)
            valid = again.v[k] == u[i + k];
        free(again.v);
        FUZZ_CHECK(valid, "%s: invalid UTF-8 written at %zu: %s", what, i, whole);
        FUZZ_CHECK(one.v[0] != 0x2028 && one.v[0] != 0x2029, "%s: raw U+%04X at %zu: %s", what,
                   one.v[0], i, whole);
        cps_push(out, one.v[0]);
        free(one.v);
        i += len;
    }
}

/* Checks a JavaScript writer's output t: a literal between the quotes `quote` (NULL: a
 * string body). Returns the decoded string. */
static cps check_js_text(const char *what, text t, const char *quote, bool regexp)
{
    size_t q = quote ? strlen(quote) : 0;
    FUZZ_CHECK(t.n >= 2 * q && strncmp(t.s, quote ? quote : "", q) == 0 &&
                   strncmp(t.s + t.n - q, quote ? quote : "", q) == 0,
               "%s: not a quoted literal: %s", what, t.s);
    cps dec = {0};
    js_decode(what, t.s + q, t.n - 2 * q, regexp, &dec, t.s);
    return dec;
}

static void check_js(const setup *su, const uint8_t *s, size_t n, const cps *in)
{
    static const struct {
        const char *what;
        starch_put_bytes_fn fn;
        const char *quote;
        bool regexp, url;
    } writers[] = {
        {"js", starch_put_js_bytes, "&#34;", false, false},
        {"js_script", starch_put_js_script_bytes, "\"", false, false},
        {"js_str", starch_put_js_str_bytes, NULL, false, false},
        {"js_regexp", starch_put_js_regexp_bytes, NULL, true, false},
        {"ds_url", starch_put_ds_url_bytes, "&#34;", false, true},
        {"ds_url_str", starch_put_ds_url_str_bytes, NULL, false, true},
    };
    for (size_t w = 0; w < sizeof writers / sizeof writers[0]; w++) {
        text t = run(su, writers[w].fn, (const char *)s, n);
        if (writers[w].regexp && n == 0) {
            FUZZ_CHECK(strcmp(t.s, "(?:)") == 0, "js_regexp of nothing: %s", t.s);
            free(t.s);
            continue;
        }
        cps dec = check_js_text(writers[w].what, t, writers[w].quote, writers[w].regexp);
        if (writers[w].url) {
            check_url_value(writers[w].what, dec.v, dec.n, t.s);
            FUZZ_CHECK(is_refused_text(dec.v, dec.n) || cps_eq(&dec, in),
                       "%s does not decode to its input: %s", writers[w].what, t.s);
        } else {
            FUZZ_CHECK(cps_eq(&dec, in), "%s does not decode to its input: %s", writers[w].what,
                       t.s);
        }
        free(dec.v);
        free(t.s);
    }
}

/* ---- JSON strings ---------------------------------------------------------------------- */

static unsigned json_flags;

static char *json_writer(starch_out *out, char *p, size_t rest, const char *s, size_t len)
{
    return starch_put_json_str(out, p, rest, s, len, json_flags);
}

static void check_json(const setup *su, const uint8_t *s, size_t n, const cps *in)
{
    cps want = {0}; /* the decoded input as UTF-8 bytes */
    for (size_t i = 0; i < in->n; i++)
        utf8_encode(in->v[i], &want);
    for (unsigned flags = 0; flags < 16; flags++) {
        json_flags = flags;
        text t = run(su, json_writer, (const char *)s, n);
        bool attr = flags & STARCH_JSON_ATTR, html = attr || (flags & STARCH_JSON_HTML_SAFE);
        bool quotes = !(flags & STARCH_JSON_NO_QUOTES);
        const char *q = !quotes ? "" : attr ? "&#34;" : "\"";
        size_t ql = strlen(q);
        FUZZ_CHECK(t.n >= 2 * ql && strncmp(t.s, q, ql) == 0 && strncmp(t.s + t.n - ql, q, ql) == 0,
                   "json %u: not quoted: %s", flags, t.s);
        const char *body = t.s + ql;
        size_t bn = t.n - 2 * ql;
        for (size_t i = 0; i < bn; i++) {
            uint8_t c = (uint8_t)body[i];
            if (c == '\\') { /* an escape: jansson checks it below */
                FUZZ_CHECK(i + 1 < bn, "json %u: ends in a backslash: %s", flags, t.s);
                i += body[i + 1] == 'u' ? 5 : 1;
                continue;
            }
            FUZZ_CHECK(c >= 0x20 && c != '"' && c != 0x7f, "json %u: raw 0x%02x: %s", flags, c,
                       t.s);
            FUZZ_CHECK(!html || !strchr("<>&'`", c), "json %u: raw '%c' (HTML-safe): %s", flags, c,
                       t.s);
            FUZZ_CHECK(!(flags & STARCH_JSON_DATASTAR) || (c != '@' && c != '$'),
                       "json %u: raw '%c' (Datastar): %s", flags, c, t.s);
            FUZZ_CHECK(!html || !(c == 0xE2 && i + 2 < bn && (uint8_t)body[i + 1] == 0x80 &&
                                  ((uint8_t)body[i + 2] | 1) == 0xA9),
                       "json %u: raw U+2028/9: %s", flags, t.s);
        }
        /* jansson reads the literal back (NUL allowed) as the decoded input */
        char *lit = malloc(bn + 3);
        lit[0] = '"';
        memcpy(lit + 1, body, bn);
        lit[bn + 1] = '"';
        json_error_t je;
        json_t *j = json_loadb(lit, bn + 2, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
        FUZZ_CHECK(j && json_is_string(j), "json %u: jansson cannot read %s: %s", flags, t.s,
                   je.text);
        size_t jn = json_string_length(j);
        const uint8_t *js = (const uint8_t *)json_string_value(j);
        bool same = jn == want.n;
        for (size_t i = 0; same && i < jn; i++)
            same = js[i] == want.v[i];
        FUZZ_CHECK(same, "json %u: reads back as something else: %s", flags, t.s);
        json_decref(j);
        free(lit);
        free(t.s);
    }
    free(want.v);
}

/* ---- Raw, fmt, markdown ----------------------------------------------------------------- */

static void check_raw_and_fmt(const setup *su, const uint8_t *s, size_t n)
{
    text t = run(su, starch_put_raw_bytes, (const char *)s, n);
    FUZZ_CHECK(t.n == n && (n == 0 || memcmp(t.s, s, n) == 0), "raw changed its input");
    free(t.s);

    /* `| fmt("%s")` of the C string: the same as the string through the HTML writer */
    size_t cn = strnlen((const char *)s, n);
    char *c = malloc(cn + 1);
    memcpy(c, s, cn);
    c[cn] = '\0';
    starch_out o;
    starch_out_init(&o);
    char *p = starch_put_fmt(&o, starch_out_reserve(&o, su->pre), su->rest, starch_put_html_bytes,
                             "%s", c);
    starch_out_commit(&o, p);
    text h = run(su, starch_put_html_bytes, c, cn);
    FUZZ_CHECK(starch_out_len(&o) == h.n && memcmp(starch_out_data(&o), h.s, h.n) == 0,
               "fmt(\"%%s\") differs from the string itself");
    free(h.s);
    starch_out_free(&o);

    /* Markdown (libcmark, safe mode) into text and into an attribute */
    starch_str md = {c, cn < 1024 ? cn : 1024};
    starch_out_init(&o);
    p = starch_put_markdown(&o, starch_out_reserve(&o, 0), su->rest, md, starch_put_attr_trusted);
    starch_out_commit(&o, p);
    text a = {(char *)starch_out_cstr(&o), starch_out_len(&o)};
    cps ignored = {0};
    html_decode("markdown in an attribute", a, &ignored);
    free(ignored.v);
    starch_out_free(&o);
    free(c);
}

/* ---- Numbers ---------------------------------------------------------------------------- */

/* The number of significant digits of a formatted double d[0..n). */
static size_t significant_digits(const char *d, size_t n)
{
    size_t k = 0;
    bool leading = true;
    for (size_t i = 0; i < n && d[i] != 'e'; i++) {
        if (d[i] < '0' || d[i] > '9')
            continue;
        if (leading && d[i] == '0')
            continue;
        leading = false;
        k++;
    }
    /* trailing zeros of an integer are not significant */
    const char *e = memchr(d, 'e', n);
    size_t end = e ? (size_t)(e - d) : n;
    if (!memchr(d, '.', end))
        while (end > 0 && d[end - 1] == '0' && k > 1) {
            end--;
            k--;
        }
    return k;
}

static void check_numbers(const setup *su, uint64_t bits, int decimals)
{
    char buf[64], ref[400];
    int64_t i = (int64_t)bits;
    double v;
    memcpy(&v, &bits, sizeof v);

    size_t len = (size_t)(starch_fmt_i64(buf, i) - buf);
    snprintf(ref, sizeof ref, "%lld", (long long)i);
    FUZZ_CHECK(len == strlen(ref) && memcmp(buf, ref, len) == 0, "fmt_i64 %s", ref);
    len = (size_t)(starch_fmt_u64(buf, bits) - buf);
    snprintf(ref, sizeof ref, "%llu", (unsigned long long)bits);
    FUZZ_CHECK(len == strlen(ref) && memcmp(buf, ref, len) == 0, "fmt_u64 %s", ref);
    len = (size_t)(starch_fmt_i32(buf, (int32_t)bits) - buf);
    snprintf(ref, sizeof ref, "%d", (int)(int32_t)bits);
    FUZZ_CHECK(len == strlen(ref) && memcmp(buf, ref, len) == 0, "fmt_i32 %s", ref);

    len = (size_t)(starch_fmt_double(buf, v) - buf);
    buf[len] = '\0';
    FUZZ_CHECK(len <= 25, "fmt_double: %zu bytes", len);
    if (isnan(v)) {
        FUZZ_CHECK(strcmp(buf, "NaN") == 0, "fmt_double(NaN) = %s", buf);
    } else if (isinf(v)) {
        FUZZ_CHECK(strcmp(buf, v > 0 ? "Infinity" : "-Infinity") == 0, "fmt_double(inf) = %s", buf);
    } else {
        FUZZ_CHECK(strspn(buf, "0123456789.e+-") == len, "fmt_double(%.17g) = %s", v, buf);
        FUZZ_CHECK(strtod(buf, NULL) == v, "fmt_double(%.17g) = %s reads back as %.17g", v, buf,
                   strtod(buf, NULL));
        size_t k = significant_digits(buf, len);
        if (k > 1) { /* shortest: one digit fewer does not read back */
            snprintf(ref, sizeof ref, "%.*e", (int)k - 2, v);
            FUZZ_CHECK(strtod(ref, NULL) != v, "fmt_double(%.17g) = %s is not the shortest (%s)", v,
                       buf, ref);
        }
    }
    len = (size_t)(starch_fmt_json_double(buf, v) - buf);
    buf[len] = '\0';
    FUZZ_CHECK(isfinite(v) ? strtod(buf, NULL) == v : strcmp(buf, "null") == 0,
               "fmt_json_double(%.17g) = %s", v, buf);

    /* `| fmt("%.Nf")`: printf's text */
    starch_out o;
    starch_out_init(&o);
    char *p = starch_put_fixed(&o, starch_out_reserve(&o, su->pre + STARCH_VALUE_MAX + su->rest),
                               su->rest, starch_put_raw_bytes, decimals, v);
    starch_out_commit(&o, p);
    snprintf(ref, sizeof ref, "%.*f", decimals, v);
    FUZZ_CHECK(starch_out_len(&o) == strlen(ref) &&
                   memcmp(starch_out_data(&o), ref, strlen(ref)) == 0,
               "fixed(%d, %.17g) = %.*s, printf says %s", decimals, v, (int)starch_out_len(&o),
               starch_out_data(&o), ref);
    starch_out_free(&o);
}

/* ---- The target --------------------------------------------------------------------------- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t rests[] = {0, 1, STARCH_VALUE_MAX, 4096};
    static const size_t pres[] = {0, 16, 100, STARCH_OUT_RESERVE_MAX};
    static const size_t borrowed[] = {0, 64, 1000, STARCH_OUT_CHUNK};
    fuzz_input in = {data, size};
    uint8_t mode = fuzz_byte(&in);
    setup su = {mode & 1, pres[mode >> 1 & 3], rests[mode >> 3 & 3], borrowed[mode >> 5 & 3]};
    uint64_t bits = fuzz_u64(&in);
    int decimals = fuzz_byte(&in) % 10;
    const uint8_t *s = in.p;
    size_t n = in.n;

    cps decoded = {0};
    utf8_decode(s, n, &decoded);
    check_html(&su, s, n);
    check_url(&su, s, n);
    check_srcset(&su, s, n);
    check_js(&su, s, n, &decoded);
    check_json(&su, s, n, &decoded);
    check_raw_and_fmt(&su, s, n);
    check_numbers(&su, bits, decimals);
    free(decoded.v);
    return 0;
}
