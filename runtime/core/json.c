/* json.c — JSON and JavaScript string literals, numbers and entities written into a
 * starch_out (the hot path: no allocation, runs of plain bytes copied in bulk).
 *
 * One table says which bytes a string literal escapes and under which flag; the escaper
 * copies runs of bytes the table passes and writes one escape at a time. Bytes >= 0x80 are
 * checked as UTF-8: valid sequences are copied, each maximal invalid subpart becomes
 * \ufffd (the WHATWG decoder's rule, so the text reads as the browser would show it). */
#include "entity_impl.h"
#include "byte_scan.h"
#include "escape_scan.h"

#include <math.h>

/* Classes: a byte is escaped when its class shares a bit with the mask of the flags. */
enum {
    ESC_ALWAYS = 1, /* `"` `\` control bytes and DEL: escaped in every literal */
    ESC_HTML = 2,   /* < > & ' `: escaped with STARCH_JSON_HTML_SAFE (and ATTR) */
    ESC_DS = 4,     /* @ $: escaped with STARCH_JSON_DATASTAR */
    ESC_HIGH = 8,   /* >= 0x80: checked as UTF-8 (and U+2028/9 escaped with HTML_SAFE) */
    ESC_SLASH = 16, /* /: `\/` with STARCH_JSON_SLASH, \u002f with STARCH_JSON_REGEXP */
    ESC_RE = 32,    /* ^ . * + ? ( ) [ ] { } | -: escaped with STARCH_JSON_REGEXP */
};

#define A ESC_ALWAYS
#define H ESC_HTML
#define D ESC_DS
#define U ESC_HIGH
#define S ESC_SLASH
#define R ESC_RE
/* clang-format off */
static const unsigned char json_class[256] = {
    /*       0  1  2  3  4  5  6  7  8  9  A  B  C  D  E  F */
    /* 0x */ A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A,
    /* 1x */ A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A,
    /* 2x */ 0, 0, A, 0, D, 0, H, H, R, R, R, R, 0, R, R, S,
    /* 3x */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, H, 0, H, R,
    /* 4x */ D, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 5x */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, R, A, R, R, 0,
    /* 6x */ H, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 7x */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, R, R, R, 0, A,
    /* 8x */ U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    /* 9x */ U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    /* Ax */ U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    /* Bx */ U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    /* Cx */ U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    /* Dx */ U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    /* Ex */ U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
    /* Fx */ U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,
};
/* clang-format on */
#undef A
#undef H
#undef D
#undef U
#undef S
#undef R

/* What the scanners stop at under a mask without ESC_RE (whose dozen metacharacters are
 * left to the table): ESC_ALWAYS and ESC_HIGH are the set's `below` and its bytes from
 * 0x7f; the other classes add their bytes. Indexed by HTML | DS << 1 | SLASH << 2. */
#define ALWAYS_EQ '"', '\\'
#define HTML_EQ   '<', '>', '&', '\'', '`'
static const byte_set json_sets[8] = {
    {0x20, 2, {ALWAYS_EQ}},
    {0x20, 7, {ALWAYS_EQ, HTML_EQ}},
    {0x20, 4, {ALWAYS_EQ, '@', '$'}},
    {0x20, 9, {ALWAYS_EQ, HTML_EQ, '@', '$'}},
    {0x20, 3, {ALWAYS_EQ, '/'}},
    {0x20, 8, {ALWAYS_EQ, HTML_EQ, '/'}},
    {0x20, 5, {ALWAYS_EQ, '@', '$', '/'}},
    {0x20, 10, {ALWAYS_EQ, HTML_EQ, '@', '$', '/'}},
};
#undef ALWAYS_EQ
#undef HTML_EQ

/* The index in json_sets of mask's set, or -1 under ESC_RE. */
static int set_of(unsigned mask)
{
    if (mask & ESC_RE)
        return -1;
    return (mask & ESC_HTML ? 1 : 0) | (mask & ESC_DS ? 2 : 0) | (mask & ESC_SLASH ? 4 : 0);
}

/* The length of the prefix of s[0..n) that mask leaves as it is. Up to 8 bytes are
 * looked up in the table, which is fastest for short runs (most strings on a page, and the
 * run after an escape); from there set's scanner takes over, specialised for each set so
 * that its bytes are constants. Under ESC_RE, the table all along. */
/* The length of the prefix of s[0..n) with no byte of set (0..7), by its scanner. */
static inline size_t scan_set_of(const unsigned char *s, size_t n, int set)
{
    switch (set) {
    case 0: return scan_set_best(s, n, &json_sets[0]);
    case 1: return scan_set_best(s, n, &json_sets[1]);
    case 2: return scan_set_best(s, n, &json_sets[2]);
    case 3: return scan_set_best(s, n, &json_sets[3]);
    case 4: return scan_set_best(s, n, &json_sets[4]);
    case 5: return scan_set_best(s, n, &json_sets[5]);
    case 6: return scan_set_best(s, n, &json_sets[6]);
    default: return scan_set_best(s, n, &json_sets[7]);
    }
}

static inline size_t scan_plain(const unsigned char *s, size_t n, unsigned mask, int set)
{
    size_t i = 0, head = set < 0 || n < 8 ? n : 8;
    while (i < head && (json_class[s[i]] & mask) == 0)
        i++;
    if (i < head || i == n)
        return i;
    return i + scan_set_of(s + i, n - i, set);
}

/* The longest escape (\u00XX, \ufffd, \u2028) and the longest quote (&#34;). */
#define ESC_MAX   6
#define QUOTE_MAX 5

/* Input bytes escaped per reservation: (BLOCK + 3) * ESC_MAX stays below
 * STARCH_OUT_RESERVE_MAX, so even the discard area after a failure holds a block. */
#define BLOCK 512

/* Length of the UTF-8 sequence at s (n > 0 bytes available): sets *valid and returns the
 * length of the valid sequence, or of the maximal invalid subpart (at least 1). */
static size_t utf8_sequence(const unsigned char *s, size_t n, bool *valid)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t need;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        lo = c == 0xE0 ? 0xA0 : 0x80; /* no overlong forms */
        hi = c == 0xED ? 0x9F : 0xBF; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        lo = c == 0xF0 ? 0x90 : 0x80; /* no overlong forms */
        hi = c == 0xF4 ? 0x8F : 0xBF; /* nothing above U+10FFFF */
    } else {
        *valid = false; /* a stray continuation byte, C0, C1 or F5..FF */
        return 1;
    }
    for (size_t i = 1; i <= need; i++) {
        if (i >= n || s[i] < lo || s[i] > hi) {
            *valid = false;
            return i;
        }
        lo = 0x80;
        hi = 0xBF;
    }
    *valid = true;
    return need + 1;
}

/* Writes the escape of the ASCII byte c (html: `"` as \u0022; regexp: its metacharacters
 * and `/` as \uXXXX, which a regular expression reads as the character itself). */
static char *escape_ascii(char *p, unsigned char c, bool html, bool regexp)
{
    static const char hex[] = "0123456789abcdef";
    const char *s = NULL;
    switch (regexp && (json_class[c] & (ESC_RE | ESC_SLASH)) ? 0 : c) {
    case '"': s = html ? NULL : "\\\""; break;
    case '/': s = "\\/"; break;
    case '\\': s = "\\\\"; break;
    case '\n': s = "\\n"; break;
    case '\r': s = "\\r"; break;
    case '\t': s = "\\t"; break;
    case '\b': s = "\\b"; break;
    case '\f': s = "\\f"; break;
    }
    if (s)
        return starch_put(p, s, 2);
    p = starch_put(p, "\\u00", 4);
    *p++ = hex[c >> 4];
    *p++ = hex[c & 15];
    return p;
}

/* Writes the bytes >= 0x80 at *sp: a valid sequence as is (U+2028/9 escaped when html),
 * an invalid subpart as \ufffd. end bounds the lookahead. */
static char *escape_high(char *p, const unsigned char **sp, const unsigned char *end, bool html)
{
    const unsigned char *s = *sp;
    bool valid;
    size_t n = utf8_sequence(s, (size_t)(end - s), &valid);
    *sp = s + n;
    if (!valid)
        return starch_put(p, "\\ufffd", 6);
    if (html && n == 3 && s[0] == 0xE2 && s[1] == 0x80 && (s[2] == 0xA8 || s[2] == 0xA9))
        return starch_put(p, s[2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
    return starch_put(p, (const char *)s, n);
}

/* Escapes the bytes from *sp up to stop (a sequence begun before stop may run up to 3
 * bytes past it, never past end) at p, which has room for ESC_MAX * (stop - *sp + 3). */
static char *escape_block(char *p, const unsigned char **sp, const unsigned char *stop,
                          const unsigned char *end, unsigned mask, int set)
{
    const unsigned char *s = *sp;
    while (s < stop) {
        size_t n = scan_plain(s, (size_t)(stop - s), mask, set);
        p = starch_put(p, (const char *)s, n);
        s += n;
        if (s == stop)
            break;
        if (*s >= 0x80)
            p = escape_high(p, &s, end, mask & ESC_HTML);
        else
            p = escape_ascii(p, *s++, mask & ESC_HTML, mask & ESC_RE);
    }
    *sp = s;
    return p;
}

static unsigned flags_mask(unsigned flags)
{
    unsigned mask = ESC_ALWAYS | ESC_HIGH;
    if (flags & (STARCH_JSON_HTML_SAFE | STARCH_JSON_ATTR))
        mask |= ESC_HTML;
    if (flags & STARCH_JSON_DATASTAR)
        mask |= ESC_DS;
    if (flags & STARCH_JSON_SLASH)
        mask |= ESC_SLASH;
    if (flags & STARCH_JSON_REGEXP)
        mask |= ESC_RE | ESC_SLASH;
    return mask;
}

/* The scanners one by one, for tests/unit/test_escape.c (escape_scan.h). */
size_t starch__json_scan_portable(const char *s, size_t len, unsigned flags)
{
    unsigned mask = flags_mask(flags);
    int set = set_of(mask);
    const unsigned char *u = (const unsigned char *)s;
    return set >= 0 ? scan_set_portable(u, len, &json_sets[set]) : scan_plain(u, len, mask, -1);
}

#if HAVE_SCAN_SET_SSE2
size_t starch__json_scan_sse2(const char *s, size_t len, unsigned flags)
{
    unsigned mask = flags_mask(flags);
    int set = set_of(mask);
    const unsigned char *u = (const unsigned char *)s;
    return set >= 0 ? scan_set_sse2(u, len, &json_sets[set]) : scan_plain(u, len, mask, -1);
}
#endif

/* The quote that delimits strings and keys under flags. */
static starch_str quote_of(unsigned flags)
{
    return flags & STARCH_JSON_ATTR ? STARCH_STR("&#34;") : STARCH_STR("\"");
}

/* The longest string put_short writes, and its quotes padded to 8 bytes (one store). */
#define SHORT_MAX 32
static const char quotes8[3][8] = {"", "\"", "&#34;"};

/* A string of up to SHORT_MAX bytes with nothing to escape (most strings on a page): one
 * scan by its set's scanner, the bytes copied in a store or two, between its quotes (q
 * an index into quotes8, qlen its length). NULL, with nothing written that counts, when
 * it is longer, has a byte to escape, or the room at p is short: the loop writes it. */
static char *put_short(const starch_out *out, char *p, size_t rest, const unsigned char *u,
                       size_t len, int set, int q, size_t qlen)
{
    if (len > SHORT_MAX || set < 0 || !starch__room(out, p, 8 + SHORT_MAX + 8 + rest) ||
        scan_set_of(u, len, set) != len)
        return NULL;
    memcpy(p, quotes8[q], 8);
    p += qlen;
    if (len > 16) {
        memcpy(p, u, 16);
        memcpy(p + len - 16, u + len - 16, 16);
    } else {
        copy_run(p, u, len);
    }
    p += len;
    memcpy(p, quotes8[q], 8);
    return p + qlen;
}

char *starch_put_json_str(starch_out *out, char *p, size_t rest, const char *s, size_t len,
                          unsigned flags)
{
    starch_str q = flags & STARCH_JSON_NO_QUOTES ? STARCH_STR("") : quote_of(flags);
    unsigned mask = flags_mask(flags);
    int set = set_of(mask);
    const unsigned char *u = (const unsigned char *)(s ? s : ""), *end = u + (s ? len : 0);
    char *done = put_short(out, p, rest, u, (size_t)(end - u), set,
                           q.len == 0   ? 0
                           : q.len == 1 ? 1
                                        : 2,
                           q.len);
    if (done)
        return done;
    size_t block = (size_t)(end - u) < BLOCK ? (size_t)(end - u) : BLOCK;
    p = starch_out_need(out, p, q.len + (block + 3) * ESC_MAX + q.len + rest);
    if (out->err)
        return p;
    p = starch_put(p, q.ptr, q.len);
    for (;;) {
        p = escape_block(p, &u, u + block, end, mask, set);
        if (u >= end)
            break;
        block = (size_t)(end - u) < BLOCK ? (size_t)(end - u) : BLOCK;
        p = starch_out_need(out, p, (block + 3) * ESC_MAX + q.len + rest);
        if (out->err)
            return p;
    }
    return starch_put(p, q.ptr, q.len);
}

/* JavaScript's layout writes doubles below 1e21 without an exponent; from 2^63 on, such a
 * number reads back in jansson (and any reader with 64-bit integers) as an integer too
 * big: those get an exponent (`22222222222222220000` is written `2.222222222222222e+19`). */
char *starch_fmt_json_double(char *p, double v)
{
    if (isnan(v) || isinf(v))
        return starch_put(p, "null", 4);
    if (fabs(v) < 9223372036854775808.0 || fabs(v) >= 1e21)
        return starch_fmt_double(p, v);
    char d[32]; /* [-]DDDD...: all digits, no point */
    size_t n = (size_t)(starch_fmt_double(d, v) - d), i = d[0] == '-', exp = n - i - 1;
    while (n > i + 1 && d[n - 1] == '0')
        n--;
    p = starch_put(p, d, i + 1);
    if (n > i + 1) {
        *p++ = '.';
        p = starch_put(p, d + i + 1, n - i - 1);
    }
    *p++ = 'e';
    *p++ = '+';
    *p++ = (char)('0' + exp / 10);
    *p++ = (char)('0' + exp % 10);
    return p;
}

/* Writes one value of f's kind at v. */
static char *put_value(starch_out *out, char *p, size_t rest, const starch_field *f, const void *v,
                       unsigned flags)
{
    switch (f->kind) {
    case STARCH_KIND_INT:
        p = starch_out_need(out, p, STARCH_VALUE_MAX + rest);
        return starch_fmt_i64(p, *(const int64_t *)v);
    case STARCH_KIND_FLOAT:
        p = starch_out_need(out, p, STARCH_VALUE_MAX + rest);
        return starch_fmt_json_double(p, *(const double *)v);
    case STARCH_KIND_BOOL:
        p = starch_out_need(out, p, STARCH_VALUE_MAX + rest);
        return starch_put_bool(out, p, rest, *(const bool *)v);
    case STARCH_KIND_STRING: {
        const char *s;
        memcpy(&s, v, sizeof s);
        return starch_put_json_str(out, p, rest, s, s ? strlen(s) : 0, flags);
    }
    case STARCH_KIND_ENTITY: return starch_put_entity_json(out, p, rest, f->entity, v, flags);
    }
    return p;
}

char *starch__json_put_field(starch_out *out, char *p, size_t rest, const starch_field *f,
                             const void *value, unsigned flags)
{
    if (!f->array)
        return put_value(out, p, rest, f, entity_at(value, f), flags);
    const char *a = entity_array(value, f);
    size_t n = entity_count(value, f), size = starch__entity_elem_size(f);
    p = starch_out_need(out, p, 1 + rest);
    *p++ = '[';
    for (size_t i = 0; i < n; i++) {
        if (i > 0) {
            p = starch_out_need(out, p, 1 + rest);
            *p++ = ',';
        }
        p = put_value(out, p, 1 + rest, f, a + i * size, flags);
    }
    p = starch_out_need(out, p, 1 + rest);
    *p++ = ']';
    return p;
}

char *starch_put_entity_json(starch_out *out, char *p, size_t rest, const starch_entity_type *type,
                             const void *value, unsigned flags)
{
    flags &= ~STARCH_JSON_NO_QUOTES;
    starch_str q = quote_of(flags);
    if (value == NULL) { /* a NULL entity pointer, e.g. no current item */
        p = starch_out_need(out, p, 4 + rest);
        return starch_put(p, "null", 4);
    }
    p = starch_out_need(out, p, 1 + rest);
    *p++ = '{';
    for (size_t i = 0; i < type->field_count; i++) {
        const starch_field *f = &type->fields[i];
        size_t name = strlen(f->name);
        p = starch_out_need(out, p, 1 + q.len + name + q.len + 1 + rest);
        if (out->err)
            return p;
        if (i > 0)
            *p++ = ',';
        p = starch_put(p, q.ptr, q.len);
        p = starch_put(p, f->name, name);
        p = starch_put(p, q.ptr, q.len);
        *p++ = ':';
        p = starch__json_put_field(out, p, 1 + rest, f, value, flags);
    }
    p = starch_out_need(out, p, 1 + rest);
    *p++ = '}';
    return p;
}

void starch_entity_json(starch_out *out, const starch_entity_type *type, const void *value)
{
    char *p = starch_put_entity_json(out, starch_out_reserve(out, 0), 0, type, value, 0);
    starch_out_commit(out, p);
}

/* ---- The `| json` filter ------------------------------------------------------------- */

#define JSON_ATTR_FLAGS   (STARCH_JSON_ATTR | STARCH_JSON_DATASTAR | STARCH_JSON_SLASH)
#define JSON_SCRIPT_FLAGS (STARCH_JSON_HTML_SAFE | STARCH_JSON_DATASTAR | STARCH_JSON_SLASH)

/* NAME_cstr (NULL as null), NAME_str, NAME_trusted and NAME_chr as JSON strings. */
#define DEFINE_JSON_WRITERS(name, flags)                                                           \
    char *starch_put_json_##name##_cstr(starch_out *out, char *p, size_t rest, const char *s)      \
    {                                                                                              \
        if (s == NULL) {                                                                           \
            p = starch_out_need(out, p, 4 + rest);                                                 \
            return starch_put(p, "null", 4);                                                       \
        }                                                                                          \
        return starch_put_json_str(out, p, rest, s, strlen(s), flags);                             \
    }                                                                                              \
    char *starch_put_json_##name##_str(starch_out *out, char *p, size_t rest, starch_str s)        \
    {                                                                                              \
        return starch_put_json_str(out, p, rest, s.ptr, s.len, flags);                             \
    }                                                                                              \
    char *starch_put_json_##name##_trusted(starch_out *out, char *p, size_t rest, starch_html s)   \
    {                                                                                              \
        return starch_put_json_str(out, p, rest, s.ptr, s.len, flags);                             \
    }                                                                                              \
    char *starch_put_json_##name##_chr(starch_out *out, char *p, size_t rest, char c)              \
    {                                                                                              \
        return starch_put_json_str(out, p, rest, &c, 1, flags);                                    \
    }

DEFINE_JSON_WRITERS(attr, JSON_ATTR_FLAGS)
DEFINE_JSON_WRITERS(script, JSON_SCRIPT_FLAGS)
