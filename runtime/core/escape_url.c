/* escape_url.c — URL contexts: the scheme filter, normalisation, query encoding and
 * srcset lists.
 *
 * A value at the start of a URL attribute may choose the scheme, so it is filtered: only
 * relative URLs and http, https, mailto and tel pass; anything else (javascript:,
 * data:, vbscript:, ...) becomes `about:invalid#starch`. The filter reads the value as
 * the browser's URL parser will: leading C0 controls and spaces dropped, tabs and line
 * breaks ignored anywhere, scheme letters case-folded. The value is then normalised
 * (bytes that cannot stand in a URL percent-encoded, `%` kept where it starts an escape)
 * and `&` written as `&amp;` for the attribute. In a query or fragment every byte but the
 * unreserved ones is percent-encoded. */
#define STARCH__NO_INLINE_WRITERS /* defines starch_put_url_cstr, ... (starch_gen.h) */
#include "starch_gen.h"

#include "byte_scan.h"
#include "escape_scan.h"
#include "writers.h"

static const char refused_url[] = "about:invalid#starch";

/* Up to 8 bytes as a little-endian word, for comparing short words at once. */
#define WORD4(a, b, c, d)                                                                          \
    ((uint64_t)(a) | (uint64_t)(b) << 8 | (uint64_t)(c) << 16 | (uint64_t)(d) << 24)

bool starch_url_is_safe(const char *s, size_t len)
{
    /* the common spellings, at once */
    if ((len >= 8 && memcmp(s, "https://", 8) == 0) || (len >= 7 && memcmp(s, "http://", 7) == 0) ||
        (len >= 1 && s[0] == '/'))
        return true;
    size_t i = 0;
    while (i < len && (unsigned char)s[i] <= 0x20)
        i++;
    uint64_t scheme = 0; /* its first 8 bytes, case-folded */
    size_t n = 0;
    for (; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ':')
            break;
        if (c == '\t' || c == '\n' || c == '\r')
            continue;
        bool letter = (c | 32) >= 'a' && (c | 32) <= 'z';
        bool more = (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
        if (!letter && !(n > 0 && more))
            return true; /* no scheme: a relative URL */
        if (n < 8)
            scheme |= (uint64_t)(letter ? c | 32 : c) << (8 * n);
        n++;
    }
    if (i == len)
        return true; /* no `:` at all */
    switch (n) {
    case 3: return scheme == WORD4('t', 'e', 'l', 0);
    case 4: return scheme == WORD4('h', 't', 't', 'p');
    case 5: return scheme == (WORD4('h', 't', 't', 'p') | (uint64_t)'s' << 32);
    case 6:
        return scheme == (WORD4('m', 'a', 'i', 'l') | (uint64_t)'t' << 32 | (uint64_t)'o' << 40);
    default: return false;
    }
}

/* How a byte is written in a URL attribute: copied (0), percent-encoded (1), as `&amp;`
 * (2), or — a `%` — copied where it starts an escape (`%41`) and else encoded `%25`, as
 * Go does (3). Encoded: controls, space, DEL, bytes >= 0x80, and " ' < > \ ^ ` { | } (not
 * allowed in URLs, or able to end the attribute). In a query or fragment only A-Z a-z 0-9
 * - . _ ~ are copied. */
/* clang-format off */
static const unsigned char url_class[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 00 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 10 */
    1, 0, 1, 0, 0, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, /* 20 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, /* 30 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 40 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, /* 50 */
    1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 60 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1, /* 70 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 80 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 90 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* a0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* b0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* c0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* d0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* e0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* f0 */
};

static const unsigned char query_class[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 00 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 10 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, /* 20 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, /* 30 */
    1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 40 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, /* 50 */
    1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 60 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1, /* 70 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 80 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 90 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* a0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* b0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* c0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* d0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* e0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* f0 */
};
/* clang-format on */

/* What url_class stops at, for the scanner: controls, space, DEL, bytes >= 0x80 and these. */
static const byte_set url_set = {
    0x21, 12, {'"', '%', '&', '\'', '<', '>', '\\', '^', '`', '{', '|', '}'}};

static const unsigned char *classes(bool query)
{
    return query ? query_class : url_class;
}

/* The length of the prefix of s[0..n) that the class table copies as it is. */
static inline size_t scan_url(const unsigned char *s, size_t n, bool query)
{
    return query ? scan_unreserved_best(s, n) : scan_set_best(s, n, &url_set);
}

/* The scanners one by one, for tests/unit/test_escape.c (escape_scan.h). */
size_t starch__url_scan_portable(const char *s, size_t len, bool query)
{
    const unsigned char *u = (const unsigned char *)s;
    return query ? scan_unreserved_portable(u, len) : scan_set_portable(u, len, &url_set);
}

#if HAVE_SCAN_SET_SSE2
size_t starch__url_scan_sse2(const char *s, size_t len, bool query)
{
    const unsigned char *u = (const unsigned char *)s;
    return query ? scan_unreserved_sse2(u, len) : scan_set_sse2(u, len, &url_set);
}
#endif

static char *put_pct(char *p, unsigned char c)
{
    static const char hex[] = "0123456789ABCDEF";
    p[0] = '%';
    p[1] = hex[c >> 4];
    p[2] = hex[c & 15];
    return p + 3;
}

static bool is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'f');
}

#define URL_BLOCK 1024

/* Writes u[0..n) normalised (query: fully percent-encoded) at p, which has room for 5 * n
 * bytes: runs of bytes kept as they are copied at once. `avail` (>= n) bytes may be read
 * from u, for the two hex digits after a `%`. */
static char *url_to(char *p, const unsigned char *u, size_t n, size_t avail, bool query)
{
    const unsigned char *cls = classes(query);
    for (size_t i = 0;;) {
        size_t run = scan_url(u + i, n - i, query);
        copy_run(p, u + i, run);
        p += run;
        i += run;
        if (i == n)
            return p;
        unsigned char c = u[i++], k = cls[c];
        if (k == 2)
            p = starch_put(p, "&amp;", 5);
        else if (k == 3 && i + 1 < avail && is_hex(u[i]) && is_hex(u[i + 1]))
            *p++ = '%';
        else
            p = put_pct(p, c);
    }
}

/* Writes s normalised (query: fully percent-encoded) for an attribute, in blocks of
 * URL_BLOCK bytes (one when they fit the room at p: no round trip to the buffer). */
static char *put_url(starch_out *out, char *p, size_t rest, const char *s, size_t len, bool query)
{
    const unsigned char *u = (const unsigned char *)s;
    if (len <= URL_BLOCK && out->err == 0 && (size_t)(out->data + out->cap - p) >= 5 * len + rest)
        return len ? url_to(p, u, len, len, query) : p;
    for (size_t i = 0; i < len;) {
        size_t n = len - i < URL_BLOCK ? len - i : URL_BLOCK;
        p = starch_out_need(out, p, 5 * n + rest);
        if (out->err)
            return p;
        p = url_to(p, u + i, n, len - i, query);
        i += n;
    }
    return starch_out_need(out, p, rest);
}

char *starch_put_url_bytes(starch_out *out, char *p, size_t rest, const char *s, size_t len)
{
    if (!starch_url_is_safe(s, len))
        return starch_put_raw_bytes(out, p, rest, refused_url, sizeof refused_url - 1);
    return put_url(out, p, rest, s, len, false);
}

char *starch_put_url_part_bytes(starch_out *out, char *p, size_t rest, const char *s, size_t len)
{
    return put_url(out, p, rest, s, len, false);
}

char *starch_put_url_query_bytes(starch_out *out, char *p, size_t rest, const char *s, size_t len)
{
    return put_url(out, p, rest, s, len, true);
}

static bool is_html_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* Whether a srcset descriptor (`2x`, `100w`, `1.5x`, spaces) may be written as it is. */
static bool descriptor_ok(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool alnum = (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z');
        if (!alnum && c != '.' && !is_html_space(c))
            return false;
    }
    return true;
}

/* Writes one srcset candidate s[0..n) (spaces, URL, descriptor): the URL filtered and
 * normalised, the spaces and descriptor as they are; a candidate with a refused URL or an
 * odd descriptor becomes `about:invalid#starch`. p has room for n bytes plus `rest`. */
static char *put_candidate(starch_out *out, char *p, size_t rest, const char *s, size_t n)
{
    size_t a = 0;
    while (a < n && is_html_space(s[a]))
        a++;
    size_t b = a;
    while (b < n && !is_html_space(s[b]))
        b++;
    p = starch_put_raw_bytes(out, p, rest, s, a);
    if (!starch_url_is_safe(s + a, b - a) || !descriptor_ok(s + b, n - b))
        return starch_put_raw_bytes(out, p, rest, refused_url, sizeof refused_url - 1);
    p = put_url(out, p, rest, s + a, b - a, false);
    return starch_put_raw_bytes(out, p, rest, s + b, n - b);
}

/* A srcset list: `url [descriptor], url [descriptor], ...`, split at commas (as Go does),
 * each candidate written by put_candidate. */
char *starch_put_srcset_bytes(starch_out *out, char *p, size_t rest, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        const char *comma = memchr(s + i, ',', len - i);
        size_t end = comma ? (size_t)(comma - s) : len;
        p = put_candidate(out, p, rest + 1, s + i, end - i);
        if (comma)
            *p++ = ',';
        i = end + 1;
    }
    return starch_out_need(out, p, rest);
}

DEFINE_WRITERS(url, "")
DEFINE_WRITERS(url_part, "")

/* The out-of-line writers behind starch_gen.h's inline ones. */
char *starch__put_url_cstr(starch_out *out, char *p, size_t rest, const char *s)
{
    return starch_put_url_cstr(out, p, rest, s);
}

char *starch__put_url_str(starch_out *out, char *p, size_t rest, starch_str s)
{
    return starch_put_url_str(out, p, rest, s);
}

char *starch__put_url_part_cstr(starch_out *out, char *p, size_t rest, const char *s)
{
    return starch_put_url_part_cstr(out, p, rest, s);
}

char *starch__put_url_part_str(starch_out *out, char *p, size_t rest, starch_str s)
{
    return starch_put_url_part_str(out, p, rest, s);
}
DEFINE_WRITERS(url_query, "")
DEFINE_WRITERS(srcset, "")

char *starch_put_url_query_double(starch_out *out, char *p, size_t rest, double v)
{
    char buf[32];
    return put_url(out, p, rest, buf, (size_t)(starch_fmt_double(buf, v) - buf), true);
}
