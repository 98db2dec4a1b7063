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

/* starch_url_is_safe on s[0..len), or (cstr) on the C string s, read up to its NUL. A NUL
 * inside s[0..len) gives the answer the C string ending there would: before the scheme's
 * first letter it is a leading control (dropped), after it a byte no scheme holds. */
static inline bool url_safe(const char *s, size_t len, bool cstr)
{
    if ((cstr || len > 0) && s[0] == '/')
        return true; /* the commonest spelling, at once */
    size_t i = 0;
    while (i < len && (unsigned char)s[i] <= 0x20 && !(cstr && s[i] == 0))
        i++;
    uint64_t scheme = 0; /* its first 8 bytes, case-folded */
    size_t n = 0;
    for (; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ':' || (cstr && c == 0))
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
    if (i == len || s[i] == 0)
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

bool starch_url_is_safe(const char *s, size_t len)
{
    return url_safe(s, len, false);
}

/* How a byte is written in a URL attribute: copied (0), percent-encoded (1), as `&amp;`
 * (2), or — a `%` — copied where it starts an escape (`%41`) and else encoded `%25`, as
 * Go does (3). Encoded: controls, space, DEL, bytes >= 0x80, and " ' < > \ ^ ` { | } (not
 * allowed in URLs, or able to end the attribute). In a query or fragment only A-Z a-z 0-9
 * - . _ ~ are copied. */
/* clang-format off */
/* Each table's entries from 0x01 on: 0x00 is 1 (encoded) in a string of known length, 0
 * (the end, not copied: the loops look for it where they stop) in a C string. */
#define URL_CLASS_FROM_01 \
       1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 00 */ \
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 10 */ \
    1, 0, 1, 0, 0, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, /* 20 */ \
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, /* 30 */ \
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 40 */ \
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, /* 50 */ \
    1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 60 */ \
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1, /* 70 */ \
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 80 */ \
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 90 */ \
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* a0 */ \
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* b0 */ \
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* c0 */ \
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* d0 */ \
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* e0 */ \
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* f0 */

#define QUERY_CLASS_FROM_01 \
       1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 00 */ \
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 10 */ \
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, /* 20 */ \
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, /* 30 */ \
    1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 40 */ \
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, /* 50 */ \
    1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 60 */ \
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1, /* 70 */ \
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 80 */ \
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 90 */ \
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* a0 */ \
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* b0 */ \
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* c0 */ \
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* d0 */ \
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* e0 */ \
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* f0 */

static const unsigned char url_class[2][256] = {{1, URL_CLASS_FROM_01}, {0, URL_CLASS_FROM_01}};
static const unsigned char query_class[2][256] = {{1, QUERY_CLASS_FROM_01}, {0, QUERY_CLASS_FROM_01}};
/* clang-format on */

/* What url_class stops at, for the portable scanner: controls, space, DEL, bytes >= 0x80
 * and these. */
static const byte_set url_set = {
    0x21, 12, {'"', '%', '&', '\'', '<', '>', '\\', '^', '`', '{', '|', '}'}};

/* The class table of a query (or URL) value, of a C string (or one of known length). */
static const unsigned char *classes(bool query, bool cstr)
{
    return query ? query_class[cstr] : url_class[cstr];
}

/* The two hex digits of each byte, for %XX. */
static const char hex_pairs[513] =
    "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"
    "202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F"
    "404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F"
    "606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F"
    "808182838485868788898A8B8C8D8E8F909192939495969798999A9B9C9D9E9F"
    "A0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF"
    "C0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF"
    "E0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF";

static bool is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'f');
}

/* Writes the byte at s, of class k (nonzero) in its table, at p: `&amp;`, `%` (a `%` when
 * `escape`, whether it starts an escape, says so) or %XX. Returns the cursor after it. */
static inline char *put_one(char *p, const unsigned char *s, unsigned k, bool escape)
{
    if (k == 2)
        return starch_put(p, "&amp;", 5);
    *p = '%';
    if (k == 3 && escape)
        return p + 1;
    memcpy(p + 1, hex_pairs + 2 * *s, 2);
    return p + 3;
}

/* The longest run the portable loop copies between two looks at the room. */
#define URL_BLOCK 1024

/* Room a step of the loops below needs: it reads at most STEP bytes and writes at most 5
 * for each (a 16-byte block is stored whole, within that). */
#define STEP      16
#define STEP_ROOM (5 * STEP)

/* starch_out_need, kept out of line: the loops that call it save fewer registers. */
#if defined(__GNUC__)
#define URL_NOINLINE __attribute__((noinline))
#else
#define URL_NOINLINE
#endif
static URL_NOINLINE char *more_room(starch_out *out, char *p, size_t need)
{
    return starch_out_need(out, p, need);
}

/* Makes room for `need` bytes at *p when *lim (the end of its room) is nearer: commits,
 * reserves, moves *p and *lim. False when the buffer has failed (*p is then a cursor into
 * the discard area, with room for `need`). */
static inline bool make_room(starch_out *out, char **p, char **lim, size_t need)
{
    if ((size_t)(*lim - *p) >= need)
        return true;
    *p = more_room(out, *p, need);
    *lim = out->data + out->cap;
    return out->err == 0;
}

/* The bytes that need writing (s[0..) and the cursor), the state of the loops below. */
typedef struct {
    const unsigned char *s;
    char *p;
} url_pos;

/* Writes the bytes at pos.s that the class table does not copy, one at a time, at most
 * `max` of them and never past `end`; stops at a C string's NUL (when cstr) or the first
 * byte copied as it is. A `%` looks at the two bytes after it (up to the NUL or `end`). */
static inline url_pos put_stops(url_pos at, const unsigned char *end, size_t max, bool query,
                                bool cstr)
{
    const unsigned char *cls = classes(query, cstr), *s = at.s;
    const unsigned char *stop = cstr || (size_t)(end - s) > max ? s + max : end;
    char *p = at.p;
    for (unsigned k; s != stop && (k = cls[*s]) != 0; s++) {
        bool escape = k == 3 && (cstr || end - s > 2) && is_hex(s[1]) && is_hex(s[2]);
        p = put_one(p, s, k, escape);
    }
    return (url_pos){s, p};
}

/* ---- Portable: a scanner for each run of bytes copied as they are -------------------- */

/* The length of the prefix of s[0..n) that the class table copies as it is. */
static inline size_t scan_url_portable(const unsigned char *s, size_t n, bool query)
{
    return query ? scan_unreserved_portable(s, n) : scan_set_portable(s, n, &url_set);
}

/* Writes s[0..len) normalised (query: percent-encoded) at p, a run and then the bytes after
 * it that need writing at a time, STEP of those at most between two looks at the room. */
static inline char *url_bytes_portable(starch_out *out, char *p, size_t rest,
                                       const unsigned char *s, size_t len, bool query)
{
    const unsigned char *end = s + len;
    char *lim = starch_out_end(out, p);
    for (;;) {
        size_t left = (size_t)(end - s);
        size_t run = scan_url_portable(s, left < URL_BLOCK ? left : URL_BLOCK, query);
        if (!make_room(out, &p, &lim, run + STEP_ROOM + rest))
            return p;
        copy_run(p, s, run);
        url_pos at = put_stops((url_pos){s + run, p + run}, end, STEP, query, false);
        if (at.s == end)
            return at.p;
        s = at.s;
        p = at.p;
    }
}

/* Scanner for tests/unit/test_escape.c (escape_scan.h). */
size_t starch__url_scan_portable(const char *s, size_t len, bool query)
{
    return scan_url_portable((const unsigned char *)s, len, query);
}

/* ---- SSE2: 16-byte blocks, each stored whole ------------------------------------------
 *
 * A step loads 16 bytes, stores them at the cursor and moves it past those before the
 * first to write otherwise, then writes the run of those that follows (put_stops): no
 * separate scan and copy, and a string whose bytes mostly need writing (a query of
 * non-ASCII text) costs a table look-up a byte. A string of known length is read only
 * within its bytes (its last block is the 16 bytes ending at its end, or, shorter, two
 * overlapping halves); a C string in blocks from its own address, past its NUL, wherever
 * the block lies in one page (else a byte at a time to the page's end), unless built for
 * a sanitizer. */
#if HAVE_SCAN_SET_SSE2
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define URL_OVERREAD 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||                         \
    __has_feature(memory_sanitizer) || __has_feature(hwaddress_sanitizer)
#define URL_OVERREAD 0
#endif
#endif
#ifndef URL_OVERREAD
#define URL_OVERREAD 1
#endif

/* A mask of the bytes among the 16 in x that url_class does not copy (as
 * starch__url_stop16 in starch_gen.h): controls, space, NUL and bytes >= 0x80 (below 0x21
 * as signed bytes), { | } DEL (above 'z', but ~), and " % & ' < > \ ^ ` (& and ', < and
 * >, \ and ^ in pairs that differ in one bit). */
SCAN_INLINE unsigned url_hits(__m128i x)
{
    __m128i ctl = _mm_cmplt_epi8(x, _mm_set1_epi8(0x21));
    __m128i high = _mm_andnot_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('~')),
                                    _mm_cmpgt_epi8(x, _mm_set1_epi8('z')));
    __m128i amp_apos = _mm_cmpeq_epi8(_mm_or_si128(x, _mm_set1_epi8(1)), _mm_set1_epi8(0x27));
    __m128i x2 = _mm_or_si128(x, _mm_set1_epi8(2));
    __m128i lt_gt = _mm_cmpeq_epi8(x2, _mm_set1_epi8(0x3e));
    __m128i bsl_hat = _mm_cmpeq_epi8(x2, _mm_set1_epi8(0x5e));
    __m128i quot_pct =
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')), _mm_cmpeq_epi8(x, _mm_set1_epi8('%')));
    __m128i grave = _mm_cmpeq_epi8(x, _mm_set1_epi8('`'));
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_or_si128(ctl, high), _mm_or_si128(amp_apos, lt_gt)),
                               _mm_or_si128(_mm_or_si128(bsl_hat, quot_pct), grave));
    return (unsigned)_mm_movemask_epi8(hit);
}

/* The mask of the bytes among the 16 in x that the table does not copy (NUL among them). */
SCAN_INLINE unsigned block_hits(__m128i x, bool query)
{
    return query ? sse2_reserved_hits(x) : url_hits(x);
}

/* The length of the prefix of s[0..n) that the class table copies as it is. */
SCAN_INLINE size_t scan_url_sse2(const unsigned char *s, size_t n, bool query)
{
    if (n < 16) {
        size_t hi;
        unsigned lanes = n >= 8 ? 0xffffu : 0xffu;
        unsigned m = block_hits(sse2_load_short(s, n, &hi), query) & lanes;
        return m ? sse2_short_first(m, n, hi) : n;
    }
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        unsigned m = block_hits(sse2_load(s + i), query);
        if (m != 0)
            return i + (size_t)__builtin_ctz(m);
    }
    if (i == n)
        return n;
    unsigned m = block_hits(sse2_load(s + n - 16), query);
    return m != 0 ? n - 16 + (size_t)__builtin_ctz(m) : n;
}

size_t starch__url_scan_sse2(const char *s, size_t len, bool query)
{
    return scan_url_sse2((const unsigned char *)s, len, query);
}

static inline void store16(char *p, __m128i x)
{
    _mm_storeu_si128((__m128i *)(void *)p, x);
}

/* Writes s[0..len) normalised (query: percent-encoded) at p, a step at a time. */
SCAN_INLINE char *url_bytes_sse2(starch_out *out, char *p, size_t rest, const unsigned char *s,
                                 size_t len, bool query)
{
    const unsigned char *end = s + len;
    char *lim = starch_out_end(out, p);
    for (;;) {
        if (!make_room(out, &p, &lim, STEP_ROOM + rest))
            return p;
        size_t left = (size_t)(end - s), k;
        if (left >= 16) {
            __m128i x = sse2_load(s);
            store16(p, x);
            unsigned m = block_hits(x, query);
            if (m == 0) {
                p += 16;
                s += 16;
                continue;
            }
            k = (size_t)__builtin_ctz(m);
        } else {
            if (left == 0)
                return p;
            unsigned m;
            if (len >= 16) { /* the block ending at `end`, its lanes before s dropped */
                m = block_hits(sse2_load(end - 16), query) >> (16 - left);
            } else if (left < 4) { /* a byte at a time: as cheap, and no padding */
                const unsigned char *cls = classes(query, false);
                m = cls[s[0]] ? 1 : left > 1 && cls[s[1]] ? 2 : left > 2 && cls[s[2]] ? 4 : 0;
            } else {
                size_t hi;
                m = block_hits(sse2_load_short(s, left, &hi), query) &
                    (left >= 8 ? 0xffffu : 0xffu);
                if (m)
                    m = 1u << sse2_short_first(m, left, hi);
            }
            k = m ? (size_t)__builtin_ctz(m) : left;
            copy_run(p, s, k);
        }
        url_pos at = put_stops((url_pos){s + k, p + k}, end, STEP - k, query, false);
        s = at.s;
        p = at.p;
    }
}

#if URL_OVERREAD
/* Whether the n bytes from s lie in one 4096-byte block (a page, or part of one). */
static inline bool page_ok(const unsigned char *s, unsigned n)
{
    return ((uintptr_t)s & 4095) <= 4096u - n;
}

/* Writes the C string s normalised (query: percent-encoded) at p, a step at a time: no
 * strlen first. */
SCAN_INLINE char *url_cstr_sse2(starch_out *out, char *p, size_t rest, const unsigned char *s,
                                bool query)
{
    char *lim = starch_out_end(out, p);
    if (!make_room(out, &p, &lim, STEP_ROOM + rest))
        return p;
    /* the inline writers call this at a byte to write: those first, with no block loaded */
    url_pos at = put_stops((url_pos){s, p}, NULL, STEP, query, true);
    s = at.s;
    p = at.p;
    for (;;) {
        if (!make_room(out, &p, &lim, STEP_ROOM + rest))
            return p;
        size_t k = 0;
        if (page_ok(s, 16)) {
            __m128i x = sse2_load(s);
            store16(p, x);
            unsigned m = block_hits(x, query);
            if (m == 0) {
                p += 16;
                s += 16;
                continue;
            }
            k = (size_t)__builtin_ctz(m);
        } else if (*s != 0 && classes(query, true)[*s] == 0) { /* to the end of the page */
            *p++ = (char)*s++;
            continue;
        }
        if (s[k] == 0)
            return p + k;
        at = put_stops((url_pos){s + k, p + k}, NULL, STEP - k, query, true);
        s = at.s;
        p = at.p;
    }
}
#endif
#define url_bytes_best url_bytes_sse2
#else
#define URL_OVERREAD   0
#define url_bytes_best url_bytes_portable
#endif

/* Writes s[0..len) normalised (query: percent-encoded) for an attribute at p; returns a
 * cursor with `rest` bytes of room. */
SCAN_INLINE char *put_url(starch_out *out, char *p, size_t rest, const char *s, size_t len,
                          bool query)
{
    if (len == 0)
        return starch_out_need(out, p, rest);
    return url_bytes_best(out, p, rest, (const unsigned char *)s, len, query);
}

/* The same for the C string s (NULL: nothing). */
SCAN_INLINE char *put_url_cstr(starch_out *out, char *p, size_t rest, const char *s, bool query)
{
    if (s == NULL)
        return starch_out_need(out, p, rest);
#if URL_OVERREAD
    return url_cstr_sse2(out, p, rest, (const unsigned char *)s, query);
#else
    return put_url(out, p, rest, s, strlen(s), query);
#endif
}

/* The loops one by one, for tests/unit/test_escape.c (escape_scan.h): len SIZE_MAX for
 * the C string s. */
char *starch__url_put_portable(starch_out *out, char *p, size_t rest, const char *s, size_t len,
                               bool query)
{
    if (len == SIZE_MAX)
        len = strlen(s);
    if (len == 0)
        return starch_out_need(out, p, rest);
    return url_bytes_portable(out, p, rest, (const unsigned char *)s, len, query);
}

#if HAVE_SCAN_SET_SSE2
char *starch__url_put_sse2(starch_out *out, char *p, size_t rest, const char *s, size_t len,
                           bool query)
{
    if (len == SIZE_MAX)
        return put_url_cstr(out, p, rest, s, query);
    if (len == 0)
        return starch_out_need(out, p, rest);
    return url_bytes_sse2(out, p, rest, (const unsigned char *)s, len, query);
}
#endif

char *starch_put_url_bytes(starch_out *out, char *p, size_t rest, const char *s, size_t len)
{
    if (!starch_url_is_safe(s, len))
        return starch_put_raw_bytes(out, p, rest, refused_url, sizeof refused_url - 1);
    return starch_put_url_part_bytes(out, p, rest, s, len);
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
    p = starch_put_url_part_bytes(out, p, rest, s + a, b - a);
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

/* The typed writers over the string writers: C strings read once, up to their NUL (no
 * strlen first, where SSE2); NULL writes nothing. */
char *starch_put_url_cstr(starch_out *out, char *p, size_t rest, const char *s)
{
    if (s != NULL && !url_safe(s, SIZE_MAX, true))
        return starch_put_raw_bytes(out, p, rest, refused_url, sizeof refused_url - 1);
    return starch_put_url_part_cstr(out, p, rest, s);
}

char *starch_put_url_part_cstr(starch_out *out, char *p, size_t rest, const char *s)
{
    return put_url_cstr(out, p, rest, s, false);
}

char *starch_put_url_query_cstr(starch_out *out, char *p, size_t rest, const char *s)
{
    return put_url_cstr(out, p, rest, s, true);
}

#define URL_WRITERS(name)                                                                          \
    char *starch_put_##name##_str(starch_out *out, char *p, size_t rest, starch_str s)             \
    {                                                                                              \
        return starch_put_##name##_bytes(out, p, rest, s.ptr, s.len);                              \
    }                                                                                              \
    char *starch_put_##name##_trusted(starch_out *out, char *p, size_t rest, starch_html s)        \
    {                                                                                              \
        return starch_put_##name##_bytes(out, p, rest, s.ptr, s.len);                              \
    }                                                                                              \
    char *starch_put_##name##_chr(starch_out *out, char *p, size_t rest, char c)                   \
    {                                                                                              \
        return starch_put_##name##_bytes(out, p, rest, &c, 1);                                     \
    }                                                                                              \
    /* the out-of-line writers behind starch_gen.h's inline ones */                                \
    char *starch__put_##name##_cstr(starch_out *out, char *p, size_t rest, const char *s)          \
    {                                                                                              \
        return starch_put_##name##_cstr(out, p, rest, s);                                          \
    }                                                                                              \
    char *starch__put_##name##_str(starch_out *out, char *p, size_t rest, starch_str s)            \
    {                                                                                              \
        return starch_put_##name##_bytes(out, p, rest, s.ptr, s.len);                              \
    }
URL_WRITERS(url)
URL_WRITERS(url_part)
URL_WRITERS(url_query)
DEFINE_WRITERS(srcset, "")

char *starch_put_url_query_double(starch_out *out, char *p, size_t rest, double v)
{
    char buf[32];
    return starch_put_url_query_bytes(out, p, rest, buf, (size_t)(starch_fmt_double(buf, v) - buf));
}
