/* escape_js.c — JavaScript contexts: string literals, string bodies and regular
 * expressions, in attributes and in <script>.
 *
 * One table says how each byte is written inside a JavaScript string. Nothing that could
 * end the string (quotes, backslash, line terminators), the attribute (`"`, `'`, `&`), the
 * script (`<`, `>`) or a regular expression (`/`, as `\/`) is written as itself, and
 * neither is `@` nor `$`: the Datastar client rewrites `@name(` and `$name` even inside
 * string literals, and `${` would open a substitution in a template literal. Valid UTF-8 is
 * copied (but U+2028 and U+2029, line terminators to older JavaScript); each maximal invalid
 * subpart becomes \ufffd, as the browser would decode it. In a regular expression the
 * characters it gives a meaning to are written as \uXXXX too, so the value matches itself. */
#include "starch.h"

#include "writers.h"

/* How a byte is written: copied, as \uXXXX, as a short escape, or a UTF-8 lead byte. */
enum { JS_COPY, JS_HEX, JS_SHORT, JS_UTF8 };

/* clang-format off */
static const unsigned char js_class[256] = {
    /* control characters */
    [0x00] = JS_HEX, [0x01] = JS_HEX, [0x02] = JS_HEX, [0x03] = JS_HEX, [0x04] = JS_HEX,
    [0x05] = JS_HEX, [0x06] = JS_HEX, [0x07] = JS_HEX, [0x08] = JS_HEX, [0x09] = JS_SHORT,
    [0x0a] = JS_SHORT, [0x0b] = JS_HEX, [0x0c] = JS_HEX, [0x0d] = JS_SHORT, [0x0e] = JS_HEX,
    [0x0f] = JS_HEX, [0x10] = JS_HEX, [0x11] = JS_HEX, [0x12] = JS_HEX, [0x13] = JS_HEX,
    [0x14] = JS_HEX, [0x15] = JS_HEX, [0x16] = JS_HEX, [0x17] = JS_HEX, [0x18] = JS_HEX,
    [0x19] = JS_HEX, [0x1a] = JS_HEX, [0x1b] = JS_HEX, [0x1c] = JS_HEX, [0x1d] = JS_HEX,
    [0x1e] = JS_HEX, [0x1f] = JS_HEX, [0x7f] = JS_HEX,
    /* string delimiters and the escape character */
    ['"'] = JS_HEX, ['\''] = JS_HEX, ['`'] = JS_HEX, ['\\'] = JS_SHORT,
    /* `/`: a value the checker reads as a string must not end a regexp the browser might
     * read there instead (`if (x) /re/`), nor form `</` */
    ['/'] = JS_SHORT,
    /* HTML: end of attribute, entity, tag */
    ['&'] = JS_HEX, ['<'] = JS_HEX, ['>'] = JS_HEX,
    /* Datastar: actions and signals */
    ['@'] = JS_HEX, ['$'] = JS_HEX,
    /* UTF-8 */
    [0x80] = JS_UTF8, [0x81] = JS_UTF8, [0x82] = JS_UTF8, [0x83] = JS_UTF8, [0x84] = JS_UTF8,
    [0x85] = JS_UTF8, [0x86] = JS_UTF8, [0x87] = JS_UTF8, [0x88] = JS_UTF8, [0x89] = JS_UTF8,
    [0x8a] = JS_UTF8, [0x8b] = JS_UTF8, [0x8c] = JS_UTF8, [0x8d] = JS_UTF8, [0x8e] = JS_UTF8,
    [0x8f] = JS_UTF8, [0x90] = JS_UTF8, [0x91] = JS_UTF8, [0x92] = JS_UTF8, [0x93] = JS_UTF8,
    [0x94] = JS_UTF8, [0x95] = JS_UTF8, [0x96] = JS_UTF8, [0x97] = JS_UTF8, [0x98] = JS_UTF8,
    [0x99] = JS_UTF8, [0x9a] = JS_UTF8, [0x9b] = JS_UTF8, [0x9c] = JS_UTF8, [0x9d] = JS_UTF8,
    [0x9e] = JS_UTF8, [0x9f] = JS_UTF8, [0xa0] = JS_UTF8, [0xa1] = JS_UTF8, [0xa2] = JS_UTF8,
    [0xa3] = JS_UTF8, [0xa4] = JS_UTF8, [0xa5] = JS_UTF8, [0xa6] = JS_UTF8, [0xa7] = JS_UTF8,
    [0xa8] = JS_UTF8, [0xa9] = JS_UTF8, [0xaa] = JS_UTF8, [0xab] = JS_UTF8, [0xac] = JS_UTF8,
    [0xad] = JS_UTF8, [0xae] = JS_UTF8, [0xaf] = JS_UTF8, [0xb0] = JS_UTF8, [0xb1] = JS_UTF8,
    [0xb2] = JS_UTF8, [0xb3] = JS_UTF8, [0xb4] = JS_UTF8, [0xb5] = JS_UTF8, [0xb6] = JS_UTF8,
    [0xb7] = JS_UTF8, [0xb8] = JS_UTF8, [0xb9] = JS_UTF8, [0xba] = JS_UTF8, [0xbb] = JS_UTF8,
    [0xbc] = JS_UTF8, [0xbd] = JS_UTF8, [0xbe] = JS_UTF8, [0xbf] = JS_UTF8, [0xc0] = JS_UTF8,
    [0xc1] = JS_UTF8, [0xc2] = JS_UTF8, [0xc3] = JS_UTF8, [0xc4] = JS_UTF8, [0xc5] = JS_UTF8,
    [0xc6] = JS_UTF8, [0xc7] = JS_UTF8, [0xc8] = JS_UTF8, [0xc9] = JS_UTF8, [0xca] = JS_UTF8,
    [0xcb] = JS_UTF8, [0xcc] = JS_UTF8, [0xcd] = JS_UTF8, [0xce] = JS_UTF8, [0xcf] = JS_UTF8,
    [0xd0] = JS_UTF8, [0xd1] = JS_UTF8, [0xd2] = JS_UTF8, [0xd3] = JS_UTF8, [0xd4] = JS_UTF8,
    [0xd5] = JS_UTF8, [0xd6] = JS_UTF8, [0xd7] = JS_UTF8, [0xd8] = JS_UTF8, [0xd9] = JS_UTF8,
    [0xda] = JS_UTF8, [0xdb] = JS_UTF8, [0xdc] = JS_UTF8, [0xdd] = JS_UTF8, [0xde] = JS_UTF8,
    [0xdf] = JS_UTF8, [0xe0] = JS_UTF8, [0xe1] = JS_UTF8, [0xe2] = JS_UTF8, [0xe3] = JS_UTF8,
    [0xe4] = JS_UTF8, [0xe5] = JS_UTF8, [0xe6] = JS_UTF8, [0xe7] = JS_UTF8, [0xe8] = JS_UTF8,
    [0xe9] = JS_UTF8, [0xea] = JS_UTF8, [0xeb] = JS_UTF8, [0xec] = JS_UTF8, [0xed] = JS_UTF8,
    [0xee] = JS_UTF8, [0xef] = JS_UTF8, [0xf0] = JS_UTF8, [0xf1] = JS_UTF8, [0xf2] = JS_UTF8,
    [0xf3] = JS_UTF8, [0xf4] = JS_UTF8, [0xf5] = JS_UTF8, [0xf6] = JS_UTF8, [0xf7] = JS_UTF8,
    [0xf8] = JS_UTF8, [0xf9] = JS_UTF8, [0xfa] = JS_UTF8, [0xfb] = JS_UTF8, [0xfc] = JS_UTF8,
    [0xfd] = JS_UTF8, [0xfe] = JS_UTF8, [0xff] = JS_UTF8,
};
/* clang-format on */

/* Characters a regular expression gives a meaning to: also escaped inside one. */
static bool regexp_meta(unsigned char c)
{
    return c && strchr("^.*+?()[]{}|/-", c) != NULL;
}

/* The length of the valid UTF-8 sequence at s[0..n) (s[0] >= 0x80), or minus the length
 * of its maximal invalid subpart (the WHATWG decoder's unit of U+FFFD). */
static int utf8_sequence(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    int need;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf)
        need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        lo = c == 0xe0 ? 0xa0 : 0x80;
        hi = c == 0xed ? 0x9f : 0xbf;
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        lo = c == 0xf0 ? 0x90 : 0x80;
        hi = c == 0xf4 ? 0x8f : 0xbf;
    } else
        return -1;
    for (int i = 1; i <= need; i++) {
        if ((size_t)i >= n || s[i] < lo || s[i] > hi)
            return -i;
        lo = 0x80;
        hi = 0xbf;
    }
    return need + 1;
}

static char *put_u(char *p, unsigned v)
{
    static const char hex[] = "0123456789abcdef";
    p[0] = '\\';
    p[1] = 'u';
    p[2] = hex[(v >> 12) & 15];
    p[3] = hex[(v >> 8) & 15];
    p[4] = hex[(v >> 4) & 15];
    p[5] = hex[v & 15];
    return p + 6;
}

/* Escapes s[0..n) (n >= 1) at p, a whole UTF-8 sequence at the end included; *used is set
 * to the bytes read (at most n + 3). p has room for 6 * (n + 3) bytes. */
static char *js_escape_to(char *p, const char *s, size_t n, size_t avail, bool regexp, size_t *used)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t start = i;
        while (i < n && js_class[u[i]] == JS_COPY && !(regexp && regexp_meta(u[i])))
            i++;
        memcpy(p, s + start, i - start);
        p += i - start;
        if (i == n)
            break;
        unsigned char c = u[i];
        if (regexp && regexp_meta(c)) {
            p = put_u(p, c);
            i++;
        } else if (js_class[c] == JS_HEX) {
            p = put_u(p, c);
            i++;
        } else if (js_class[c] == JS_SHORT) {
            p[0] = '\\';
            p[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : (char)c; /* \\ \/ */
            p += 2;
            i++;
        } else {
            int len = utf8_sequence(u + i, avail - i);
            if (len < 0) {
                p = put_u(p, 0xfffd);
                i += (size_t)-len;
            } else if (len == 3 && c == 0xe2 && u[i + 1] == 0x80 && (u[i + 2] | 1) == 0xa9) {
                p = put_u(p, u[i + 2] == 0xa8 ? 0x2028 : 0x2029);
                i += 3;
            } else {
                memcpy(p, s + i, (size_t)len);
                p += len;
                i += (size_t)len;
            }
        }
    }
    *used = i;
    return p;
}

#define JS_BLOCK 1024

/* Writes s[0..len) escaped as the body of a JS string (and regexp). */
static char *put_js_body(starch_out *out, char *p, size_t rest, const char *s, size_t len,
                         bool regexp)
{
    size_t i = 0;
    while (i < len) {
        size_t n = len - i < JS_BLOCK ? len - i : JS_BLOCK, used;
        p = starch_out_need(out, p, 6 * (n + 3) + rest);
        if (out->err)
            return p;
        p = js_escape_to(p, s + i, n, len - i, regexp, &used);
        i += used;
    }
    return starch_out_need(out, p, rest);
}

/* Writes s as a JS string literal between `open`/`close` delimiters. */
static char *put_js_literal(starch_out *out, char *p, size_t rest, const char *s, size_t len,
                            const char *quote)
{
    size_t q = strlen(quote);
    p = starch_out_need(out, p, q + rest);
    p = starch_put(p, quote, q);
    p = put_js_body(out, p, q + rest, s, len, false);
    return starch_put(p, quote, q);
}

char *starch_put_js_bytes(starch_out *out, char *p, size_t rest, const char *s, size_t len)
{
    return put_js_literal(out, p, rest, s, len, "&#34;");
}

char *starch_put_js_script_bytes(starch_out *out, char *p, size_t rest, const char *s, size_t len)
{
    return put_js_literal(out, p, rest, s, len, "\"");
}

char *starch_put_js_str_bytes(starch_out *out, char *p, size_t rest, const char *s, size_t len)
{
    return put_js_body(out, p, rest, s, len, false);
}

/* An empty value would turn `/{{ x }}/` into a line comment: it is written `(?:)`, the
 * empty group (as Go does). */
static const char empty_regexp[] = "(?:)";

char *starch_put_js_regexp_bytes(starch_out *out, char *p, size_t rest, const char *s, size_t len)
{
    if (len == 0)
        return starch_put_raw_bytes(out, p, rest, empty_regexp, sizeof empty_regexp - 1);
    return put_js_body(out, p, rest, s, len, true);
}

static const char refused_url[] = "about:invalid#starch";

char *starch_put_ds_url_bytes(starch_out *out, char *p, size_t rest, const char *s, size_t len)
{
    if (!starch_url_is_safe(s, len))
        return starch_put_js_bytes(out, p, rest, refused_url, sizeof refused_url - 1);
    return starch_put_js_bytes(out, p, rest, s, len);
}

char *starch_put_ds_url_str_bytes(starch_out *out, char *p, size_t rest, const char *s, size_t len)
{
    if (!starch_url_is_safe(s, len))
        return starch_put_js_str_bytes(out, p, rest, refused_url, sizeof refused_url - 1);
    return starch_put_js_str_bytes(out, p, rest, s, len);
}

/* ---- Typed writers ------------------------------------------------------------------- */

DEFINE_WRITERS(js, "null")
DEFINE_WRITERS(js_script, "null")
DEFINE_WRITERS(ds_url, "null")
DEFINE_WRITERS(js_str, "")
DEFINE_WRITERS(js_regexp, "(?:)")
DEFINE_WRITERS(ds_url_str, "")

/* ---- Numbers --------------------------------------------------------------------------- */

char *starch_put_js_i64(starch_out *out, char *p, size_t rest, int64_t v)
{
    (void)out;
    (void)rest;
    if (v < 0)
        *p++ = ' ';
    return starch_fmt_i64(p, v);
}

char *starch_put_js_double(starch_out *out, char *p, size_t rest, double v)
{
    (void)out;
    (void)rest;
    if (v < 0)
        *p++ = ' ';
    return starch_fmt_double(p, v);
}

char *starch_put_js_regexp_i64(starch_out *out, char *p, size_t rest, int64_t v)
{
    char buf[32];
    return starch_put_js_regexp_bytes(out, p, rest, buf, (size_t)(starch_fmt_i64(buf, v) - buf));
}

char *starch_put_js_regexp_u64(starch_out *out, char *p, size_t rest, uint64_t v)
{
    char buf[32];
    return starch_put_js_regexp_bytes(out, p, rest, buf, (size_t)(starch_fmt_u64(buf, v) - buf));
}

char *starch_put_js_regexp_double(starch_out *out, char *p, size_t rest, double v)
{
    char buf[32];
    return starch_put_js_regexp_bytes(out, p, rest, buf, (size_t)(starch_fmt_double(buf, v) - buf));
}

char *starch_put_js_regexp_bool(starch_out *out, char *p, size_t rest, bool v)
{
    return starch_put_js_regexp_bytes(out, p, rest, v ? "true" : "false", v ? 4 : 5);
}
