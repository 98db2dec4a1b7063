/* hand.c — hand-c: for every page, the C a skilled programmer writes by hand for the same
 * bytes as the starch template, correct for every input of its types (check.c compares
 * the two byte for byte on hostile data), as fast as it can be written by hand.
 *
 * One growable buffer reused across renders. Room is reserved once per row, record or card
 * for its worst case (20 bytes per 64-bit integer, 11 per int, the literals, and 32 per
 * string), then written through a local cursor; a string writer checks its own room only
 * past its first 32 bytes. Integers through a two-digit table; strings read once, no
 * strlen, escaped or normalised 16 bytes at a time with SSE2, short clean ones in one or
 * two loads and stores (the string writers); URLs filtered by scheme as the browser reads
 * it and normalised; `%.Nf` in exact integer arithmetic (printf only for NaN, infinities
 * and |v| >= 2^63); a NULL string writes nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pages.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* ---- the buffer ---------------------------------------------------------------------- */

/* HAND_CHECK_ROOM (a test build, never the benchmark's): the buffer grows to exactly the
 * room asked for, and every reservation is checked: at the end of each (CHECK_END) and
 * at each string writer (CHECK_ROOM). */
#ifdef HAND_CHECK_ROOM
#include <assert.h>
#define CHECK_END(b)        assert((b)->len <= (b)->cap)
#define CHECK_ROOM(b, p, n) assert((size_t)((b)->data + (b)->cap - (p)) >= (n))
#else
#define CHECK_END(b)        ((void)0)
#define CHECK_ROOM(b, p, n) ((void)0)
#endif

/* Commits the bytes up to p and returns a cursor with room for n more bytes. */
static char *need(hand_buf *b, char *p, size_t n)
{
    b->len = (size_t)(p - b->data);
    CHECK_END(b);
    if (b->cap - b->len < n) {
#ifdef HAND_CHECK_ROOM /* exactly the room asked for: too little is then overrun */
        size_t cap = b->len + n;
#else
        size_t cap = b->cap ? b->cap : 4096;
        while (cap - b->len < n)
            cap *= 2;
#endif
        b->data = realloc(b->data, cap);
        if (b->data == NULL)
            abort();
        b->cap = cap;
    }
    return b->data + b->len;
}

static char *start(hand_buf *b, size_t n)
{
    return need(b, b->data + b->len, n);
}

static void done(hand_buf *b, char *p)
{
    b->len = (size_t)(p - b->data);
    CHECK_END(b);
}

#define LIT(p, s) (memcpy((p), (s), sizeof(s) - 1), (p) + sizeof(s) - 1)

/* The room of a row of j strings, each after at most `seg` bytes of literals and numbers,
 * then at most `seg` more: what a row reserves, and, with j the strings after it, what a
 * string writer is given as `rest` (the string writers below). */
#define ROW(j, seg) ((j) * ((seg) + STR_ROOM) + (seg))

/* ---- numbers ------------------------------------------------------------------------- */

static const char digits2[201] = "00010203040506070809101112131415161718192021222324"
                                 "25262728293031323334353637383940414243444546474849"
                                 "50515253545556575859606162636465666768697071727374"
                                 "75767778798081828384858687888990919293949596979899";

static inline unsigned ndigits32(uint32_t v)
{
    return v < 10           ? 1
           : v < 100        ? 2
           : v < 1000       ? 3
           : v < 10000      ? 4
           : v < 100000     ? 5
           : v < 1000000    ? 6
           : v < 10000000   ? 7
           : v < 100000000  ? 8
           : v < 1000000000 ? 9
                            : 10;
}

/* Writes v in decimal (at most 10 bytes), two digits at a time from the end. */
static inline char *put_u32(char *p, uint32_t v)
{
    char *end = p + ndigits32(v), *q = end;
    while (v >= 100) {
        q -= 2;
        memcpy(q, digits2 + 2 * (size_t)(v % 100), 2);
        v /= 100;
    }
    if (v >= 10)
        memcpy(q - 2, digits2 + 2 * (size_t)v, 2);
    else
        q[-1] = (char)('0' + v);
    return end;
}

/* At most 20 bytes: the low 8 digits, then the rest. */
static char *put_u64_big(char *p, uint64_t v)
{
    uint32_t lo = (uint32_t)(v % 100000000);
    uint64_t hi = v / 100000000;
    p = hi > UINT32_MAX ? put_u64_big(p, hi) : put_u32(p, (uint32_t)hi);
    for (int i = 6; i >= 0; i -= 2) {
        memcpy(p + i, digits2 + 2 * (size_t)(lo % 100), 2);
        lo /= 100;
    }
    return p + 8;
}

static inline char *put_u64(char *p, uint64_t v)
{
    return v <= UINT32_MAX ? put_u32(p, (uint32_t)v) : put_u64_big(p, v);
}

/* At most 11 bytes. */
static inline char *put_int(char *p, int v)
{
    if (v < 0) {
        *p++ = '-';
        return put_u32(p, 0u - (uint32_t)v);
    }
    return put_u32(p, (uint32_t)v);
}

/* At most 20 bytes. */
static inline char *put_i64(char *p, int64_t v)
{
    if (v < 0) {
        *p++ = '-';
        return put_u64(p, 0 - (uint64_t)v);
    }
    return put_u64(p, (uint64_t)v);
}

/* printf's "%.*f" of v, exact, for 1 to 3 decimals (at most 24 bytes at p): v is m * 2^e
 * with m < 2^53, so m * 10^dec < 2^63 and the rounding (to nearest, ties to even, as
 * glibc rounds the exact binary value) is an integer shift and compare. NaN, infinities
 * and |v| >= 2^63 go through snprintf: the caller then gets a fresh cursor with `rest`
 * bytes of room. */
static char *put_fixed(hand_buf *b, char *p, size_t rest, double v, int dec)
{
    static const uint32_t pow10[] = {1, 10, 100, 1000};
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int bexp = (int)(bits >> 52 & 0x7ff);
    uint64_t m = bits & ((1ull << 52) - 1);
    int e = bexp - 1075;
    if (bexp == 0x7ff || e > 10) {
        char tmp[400];
        int n = snprintf(tmp, sizeof tmp, "%.*f", dec, v);
        p = need(b, p, (size_t)n + rest);
        memcpy(p, tmp, (size_t)n);
        return p + n;
    }
    if (bits >> 63)
        *p++ = '-';
    if (bexp == 0)
        e = -1074;
    else
        m |= 1ull << 52;
    uint64_t q;
    if (e >= 0) {
        q = m << e; /* < 2^63: an integer */
        p = put_u64(p, q);
        *p++ = '.';
        memset(p, '0', (size_t)dec);
        return p + dec;
    }
    uint64_t t = m * pow10[dec];
    int s = -e;
    if (s >= 64) {
        q = 0; /* t < 2^63 <= 2^(s-1): below one half */
    } else {
        q = t >> s;
        uint64_t r = t & ((1ull << s) - 1), half = 1ull << (s - 1);
        q += r > half || (r == half && (q & 1));
    }
    p = put_u64(p, q / pow10[dec]);
    *p++ = '.';
    uint32_t f = (uint32_t)(q % pow10[dec]);
    if (dec == 3) {
        *p++ = (char)('0' + f / 100);
        f %= 100;
    }
    if (dec >= 2) {
        memcpy(p, digits2 + 2 * (size_t)f, 2);
        return p + 2;
    }
    *p++ = (char)('0' + f);
    return p;
}

/* ---- strings ------------------------------------------------------------------------- *
 *
 * A string writer takes the cursor, the room the caller needs after the string (`rest`,
 * a constant at each call) and a C string; the caller has reserved STR_ROOM + rest bytes
 * at p (a row's reservation counts STR_ROOM per string), and gets back a cursor with
 * `rest` bytes of room. The string is read once, no strlen: 16 bytes at a time, a mask
 * of its NUL and the bytes to replace from one register, each block stored whole at the
 * cursor before the mask is looked at (the bytes past the first hit are overwritten or
 * left past the end). The first two blocks are inline: a string of up to 31 bytes with
 * nothing to replace costs one or two loads and stores and a few compares; the rest is a
 * loop out of line, 64 bytes a step, long strings with no check between steps. Blocks
 * are loaded at the string's own address, past its NUL but never across a 4096-byte
 * boundary (page_ok), so never into a page the string does not reach; within the last 15
 * bytes of a page, one byte at a time.
 * Reading past the NUL is not done under a sanitizer (which would report it) nor without
 * SSE2: there the strings go through strlen and a byte loop (HAND_FAST 0). */

#define STR_ROOM  32 /* the room a string writer needs at p, besides `rest` */
#define LOOP_ROOM 96 /* the room one step of the loop needs: 64 stored, 16 replaced */

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define HAND_OVERREAD 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||                         \
    __has_feature(memory_sanitizer) || __has_feature(hwaddress_sanitizer)
#define HAND_OVERREAD 0
#endif
#endif
#if !defined(HAND_OVERREAD) && defined(__SSE2__) && defined(__GNUC__) && !defined(HAND_NO_FAST)
#define HAND_OVERREAD 1
#endif
#ifndef HAND_OVERREAD
#define HAND_OVERREAD 0
#endif
#define HAND_FAST HAND_OVERREAD

/* The HTML entities, padded to 8 bytes (stored at once), by html_idx. */
static const unsigned char html_idx[256] = {
    ['&'] = 1, ['<'] = 2, ['>'] = 3, ['"'] = 4, ['\''] = 5,
};
static const char html_ent[6][8] = {"", "&amp;", "&lt;", "&gt;", "&#34;", "&#39;"};
static const unsigned char html_ent_len[6] = {0, 5, 4, 4, 5, 5};

/* How a byte is written in a URL attribute: kept (0), %XX (1), `&amp;` (2), or `%`: kept
 * before two hex digits, else %25 (3). In a query only A-Z a-z 0-9 - . _ ~ are kept. */
/* clang-format off */
static const unsigned char url_class[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 0, 1, 0, 0, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0,
    1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

static const unsigned char query_class[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1,
    1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0,
    1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};
/* clang-format on */

/* The Datastar line break: each line of an SSE fragment after a `data: elements ` prefix
 * (sse-fragment below). */
#define NL "\ndata: elements "

/* Which bytes each writer stops at (besides the NUL): HTML escaping, HTML escaping and
 * line breaks (\n, \r), URLs, query parts. */
static inline bool html_stop(unsigned char c)
{
    return html_idx[c] != 0;
}

static inline bool lines_stop(unsigned char c)
{
    return html_idx[c] != 0 || c == '\n' || c == '\r';
}

static inline bool url_stop(unsigned char c)
{
    return url_class[c] != 0;
}

static inline bool query_stop(unsigned char c)
{
    return query_class[c] != 0;
}

/* What each writer writes for the byte at *s it stops at (not the NUL), advancing *s. */
static inline char *html_rep(char *p, const char **s)
{
    unsigned k = html_idx[(unsigned char)*(*s)++];
    memcpy(p, html_ent[k], 8);
    return p + html_ent_len[k];
}

static inline char *lines_rep(char *p, const char **s)
{
    char c = **s;
    if (c != '\n' && c != '\r')
        return html_rep(p, s);
    (*s) += c == '\r' && (*s)[1] == '\n' ? 2 : 1; /* \r\n, \n or \r: the client takes all three */
    memcpy(p, NL, 16);
    return p + 16;
}

static inline bool is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'f');
}

static inline char *url_rep_cls(char *p, const char **s, const unsigned char *cls)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *u = (const unsigned char *)*s;
    unsigned char c = u[0], k = cls[c];
    (*s)++;
    if (k == 2) {
        memcpy(p, "&amp;\0\0", 8);
        return p + 5;
    }
    if (k == 3 && is_hex(u[1]) && is_hex(u[2])) /* u[2] is read only when u[1] is no NUL */
        return *p = '%', p + 1;
    p[0] = '%';
    p[1] = hex[c >> 4];
    p[2] = hex[c & 15];
    return p + 3;
}

static inline char *url_rep(char *p, const char **s)
{
    return url_rep_cls(p, s, url_class);
}

static inline char *query_rep(char *p, const char **s)
{
    return url_rep_cls(p, s, query_class);
}

/* Whether a URL may be written as it is: relative (no scheme), or http, https, mailto,
 * tel, reading it as the browser's URL parser does (leading C0 controls and spaces
 * dropped, tab and line breaks ignored, the scheme case-folded). */
static bool url_safe(const char *s)
{
    size_t i = 0;
    while (s[i] != 0 && (unsigned char)s[i] <= ' ')
        i++;
    char scheme[7];
    size_t k = 0;
    for (;; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0)
            return true; /* no colon: relative */
        if (c == ':')
            break;
        if (c == '\t' || c == '\n' || c == '\r')
            continue;
        bool letter = (c | 32) >= 'a' && (c | 32) <= 'z';
        if (!letter && !(k > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')))
            return true; /* not a scheme: relative */
        if (k < sizeof scheme)
            scheme[k] = (char)(letter ? c | 32 : c);
        k++;
    }
    return (k == 4 && memcmp(scheme, "http", 4) == 0) ||
           (k == 5 && memcmp(scheme, "https", 5) == 0) ||
           (k == 6 && memcmp(scheme, "mailto", 6) == 0) ||
           (k == 3 && memcmp(scheme, "tel", 3) == 0);
}

#define INLINE static inline __attribute__((always_inline))

#if HAND_FAST
#include <stdint.h>

/* Whether the n bytes at s are in the 4096-byte block (a page or part of one) of s[0]. */
static inline bool page_ok(const char *s, unsigned n)
{
    return ((uintptr_t)s & 4095) <= 4096 - n;
}

static inline __m128i load16(const char *s)
{
    return _mm_loadu_si128((const __m128i *)(const void *)s);
}

static inline void store16(char *p, __m128i x)
{
    _mm_storeu_si128((__m128i *)(void *)p, x);
}

/* The masks of the bytes each writer stops at among the 16 in x, the NUL among them.
 * HTML: & and ' are 0x26 and 0x27 (x | 1 is 0x27), < and > 0x3c and 0x3e (x | 2 is
 * 0x3e), and ". */
static inline __m128i html_hit(__m128i x)
{
    __m128i amp_apos = _mm_cmpeq_epi8(_mm_or_si128(x, _mm_set1_epi8(1)), _mm_set1_epi8(0x27));
    __m128i lt_gt = _mm_cmpeq_epi8(_mm_or_si128(x, _mm_set1_epi8(2)), _mm_set1_epi8(0x3e));
    __m128i quot = _mm_cmpeq_epi8(x, _mm_set1_epi8('"'));
    __m128i nul = _mm_cmpeq_epi8(x, _mm_setzero_si128());
    return _mm_or_si128(_mm_or_si128(amp_apos, lt_gt), _mm_or_si128(quot, nul));
}

static inline unsigned html_hits(__m128i x)
{
    return (unsigned)_mm_movemask_epi8(html_hit(x));
}

/* \n and \r are 0x0a and 0x0d: (x | 7) == 0x0f is 0x08 to 0x0f, so the two compares. */
static inline unsigned lines_hits(__m128i x)
{
    __m128i lf = _mm_cmpeq_epi8(x, _mm_set1_epi8('\n')),
            cr = _mm_cmpeq_epi8(x, _mm_set1_epi8('\r'));
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(html_hit(x), _mm_or_si128(lf, cr)));
}

/* URL: controls, space, NUL and bytes >= 0x80 (below 0x21 as signed bytes), { | } DEL
 * (above 'z', but ~), and " % & ' < > \ ^ ` (\ and ^ are 0x5c and 0x5e: x | 2 is 0x5e). */
static inline unsigned url_hits(__m128i x)
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

/* Query: all but 0-9, A-Z a-z (x | 0x20 in a-z), - . (0x2d, 0x2e), _ and ~; bytes >= 0x80
 * are negative as signed bytes, in none of the ranges. */
static inline unsigned query_hits(__m128i x)
{
    __m128i lower = _mm_or_si128(x, _mm_set1_epi8(0x20));
    __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                   _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1)));
    __m128i digit_dash_dot = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('-' - 1)),
                                           _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1)));
    __m128i slash = _mm_cmpeq_epi8(x, _mm_set1_epi8('/'));
    __m128i under_tilde =
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('_')), _mm_cmpeq_epi8(x, _mm_set1_epi8('~')));
    __m128i keep =
        _mm_or_si128(_mm_or_si128(letter, under_tilde), _mm_andnot_si128(slash, digit_dash_dot));
    return (unsigned)_mm_movemask_epi8(keep) ^ 0xffffu;
}

/* One step of the writers' loop: the four blocks at s stored at p, block by block until
 * one holds a hit; returns 64 when none does, else the hit's block's offset (*m its mask). */
INLINE unsigned step64(char *p, const char *s, unsigned (*hits)(__m128i), unsigned *m)
{
    for (unsigned k = 0; k < 64; k += 16) {
        __m128i x = load16(s + k);
        store16(p + k, x);
        if ((*m = hits(x)) != 0)
            return k;
    }
    return 64;
}

/* The writers' loop, from s on (at a byte to replace, or anywhere in the string): steps
 * of 64 bytes (four blocks, each stored, the first hit ending the step) where the page
 * allows, else 16, else one byte; room for LOOP_ROOM + rest checked before each step, but
 * after a step of 64 bytes with no hit, for as many more as the page and the room allow. */
INLINE char *scan_loop(hand_buf *b, char *p, size_t rest, const char *s, unsigned (*hits)(__m128i),
                       bool (*stop)(unsigned char), char *(*rep)(char *, const char **))
{
    char *lim = b->data + b->cap;
    for (;;) {
        if ((size_t)(lim - p) < LOOP_ROOM + rest) {
            p = need(b, p, LOOP_ROOM + rest);
            lim = b->data + b->cap;
        }
        unsigned k, m = 0;
        if (page_ok(s, 64)) {
            k = step64(p, s, hits, &m);
            if (k == 64) { /* a long string: as many more steps as the page and room allow */
                p += 64;
                s += 64;
                size_t avail = (size_t)(lim - p), steps = (4096 - ((uintptr_t)s & 4095)) / 64;
                size_t room = avail >= LOOP_ROOM + rest ? (avail - LOOP_ROOM - rest) / 64 + 1 : 0;
                if (room < steps)
                    steps = room;
                for (; steps != 0 && (k = step64(p, s, hits, &m)) == 64; steps--) {
                    p += 64;
                    s += 64;
                }
                if (k == 64)
                    continue;
            }
            k += (unsigned)__builtin_ctz(m);
        } else if (page_ok(s, 16)) {
            __m128i x = load16(s);
            store16(p, x);
            if ((m = hits(x)) == 0) {
                p += 16;
                s += 16;
                continue;
            }
            k = (unsigned)__builtin_ctz(m);
        } else {
            if (*s != 0 && !stop((unsigned char)*s)) {
                *p++ = *s++;
                continue;
            }
            k = 0;
        }
        p += k;
        s += k;
        if (*s == 0)
            return p;
        p = rep(p, &s);
    }
}

/* A writer: its first two blocks inline, the rest (`more`, scan_loop out of line). */
INLINE char *scan_put(hand_buf *b, char *p, size_t rest, const char *s, unsigned (*hits)(__m128i),
                      char *(*more)(hand_buf *, char *, size_t, const char *))
{
    CHECK_ROOM(b, p, STR_ROOM + rest);
    if (s == NULL)
        return p;
    if (page_ok(s, 32)) {
        __m128i x = load16(s);
        store16(p, x);
        unsigned m = hits(x);
        if (m == 0) {
            __m128i y = load16(s + 16);
            store16(p + 16, y);
            m = hits(y) << 16;
        }
        if (m == 0) {
            p += 32;
            s += 32;
        } else {
            unsigned k = (unsigned)__builtin_ctz(m);
            if (s[k] == 0)
                return p + k;
            p += k;
            s += k;
        }
    }
    return more(b, p, rest, s);
}

#define DEFINE_WRITER(name, kind)                                                                  \
    static __attribute__((noinline)) char *name##_more(hand_buf *b, char *p, size_t rest,          \
                                                       const char *s)                              \
    {                                                                                              \
        return scan_loop(b, p, rest, s, kind##_hits, kind##_stop, kind##_rep);                     \
    }                                                                                              \
    INLINE char *name(hand_buf *b, char *p, size_t rest, const char *s)                            \
    {                                                                                              \
        return scan_put(b, p, rest, s, kind##_hits, name##_more);                                  \
    }

/* Whether the URL at s starts with `/`, `http://` or `https://`: written as it is, then,
 * whatever follows (url_safe's answer at a glance). */
static inline bool url_plain(const char *s)
{
    if (s[0] == '/')
        return true;
    uint64_t w, http, https;
    memcpy(&http, "http://", 8); /* with its NUL: the top byte 0 */
    memcpy(&https, "https://", 8);
    if (!page_ok(s, 8))
        return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
    memcpy(&w, s, 8);
    return (w & 0x00ffffffffffffffu) == http || w == https;
}
#else
/* Without SSE2, or under a sanitizer: strlen, then a byte at a time. */
INLINE char *scan_bytes(hand_buf *b, char *p, size_t rest, const char *s, size_t grow,
                        bool (*stop)(unsigned char), char *(*rep)(char *, const char **))
{
    CHECK_ROOM(b, p, STR_ROOM + rest);
    if (s == NULL)
        return p;
    p = need(b, p, grow * strlen(s) + rest);
    for (; *s != 0;) {
        if (stop((unsigned char)*s))
            p = rep(p, &s);
        else
            *p++ = *s++;
    }
    return p;
}

#define DEFINE_WRITER(name, kind)                                                                  \
    static char *name(hand_buf *b, char *p, size_t rest, const char *s)                            \
    {                                                                                              \
        return scan_bytes(b, p, rest, s, 16, kind##_stop, kind##_rep);                             \
    }

static inline bool url_plain(const char *s)
{
    return s[0] == '/' || strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}
#endif

/* put_esc: HTML-escaped; put_esc_lines: the same with line breaks as new data lines;
 * put_url_part: normalised for a URL attribute; put_query: percent-encoded for a query. */
DEFINE_WRITER(put_esc, html)
DEFINE_WRITER(put_esc_lines, lines)
DEFINE_WRITER(put_url_part, url)
DEFINE_WRITER(put_query, query)

/* A URL that does not pass url_safe. */
static __attribute__((noinline)) char *put_url_other(hand_buf *b, char *p, size_t rest,
                                                     const char *s)
{
    if (url_safe(s))
        return put_url_part(b, p, rest, s);
    p = need(b, p, 20 + rest);
    return LIT(p, "about:invalid#starch");
}

/* A URL where the attribute's URL starts: filtered, then normalised. */
INLINE char *put_url(hand_buf *b, char *p, size_t rest, const char *s)
{
    if (s != NULL && !url_plain(s))
        return put_url_other(b, p, rest, s);
    return put_url_part(b, p, rest, s);
}

/* ---- big-table, big-table-for --------------------------------------------------------- */

static void big_table(hand_buf *b, const bench_data *d)
{
    const bench_table *t = &d->table;
    char *p = start(b, 8);
    p = LIT(p, "<table>\n");
    for (size_t i = 0; i < t->nrows; i++) {
        const int *row = t->rows[i];
        p = need(b, p, 10 + t->ncols * (9 + 11));
        p = LIT(p, "<tr>");
        for (size_t j = 0; j < t->ncols; j++) {
            p = LIT(p, "<td>");
            p = put_int(p, row[j]);
            p = LIT(p, "</td>");
        }
        p = LIT(p, "</tr>\n");
    }
    p = need(b, p, 9);
    done(b, LIT(p, "</table>\n"));
}

/* ---- teams --------------------------------------------------------------------------- */

static void teams(hand_buf *b, const bench_data *data)
{
    const bench_teams *d = &data->teams;
    char *p = start(b, 128);
    p = LIT(p, "<html>\n  <head>\n    <title>");
    p = put_int(p, d->year);
    p = LIT(p, "</title>\n  </head>\n  <body>\n    <h1>CSL ");
    p = put_int(p, d->year);
    p = LIT(p, "</h1>\n    <ul>\n");
    for (size_t i = 0; i < d->nteams; i++) {
        const bench_team *t = &d->teams[i];
        p = need(b, p, ROW(1, 48));
        p = LIT(p, "      <li class=\"");
        if (i == 0)
            p = LIT(p, "champion");
        p = LIT(p, "\">\n        <b>");
        p = put_esc(b, p, ROW(0, 48), t->name);
        p = LIT(p, "</b>: ");
        p = put_int(p, t->score);
        p = LIT(p, "\n      </li>\n");
    }
    p = need(b, p, 40);
    done(b, LIT(p, "    </ul>\n  </body>\n</html>\n"));
}

/* ---- shop ---------------------------------------------------------------------------- */

static char *card(hand_buf *b, char *p, const bench_product *c)
{
    p = need(b, p, ROW(4, 160));
    p = LIT(p, "<article class=\"card\" id=\"product-");
    p = put_int(p, c->id);
    p = LIT(p, "\">\n  <a href=\"/products/");
    p = put_int(p, c->id);
    p = LIT(p, "\"><img src=\"");
    p = put_url(b, p, ROW(3, 160), c->image);
    p = LIT(p, "\" alt=\"");
    p = put_esc(b, p, ROW(2, 160), c->name);
    p = LIT(p, "\" width=\"240\" height=\"180\"></a>\n  <h2 class=\"card-title\">");
    p = put_esc(b, p, ROW(1, 160), c->name);
    p = LIT(p, "</h2>\n  <p class=\"card-desc\">");
    p = put_esc(b, p, ROW(0, 160), c->description);
    p = LIT(p, "</p>\n  <p class=\"card-price\">$");
    p = put_fixed(b, p, 80, c->price, 2);
    p = LIT(p, "</p>\n  <button class=\"add\" data-on:click=\"@post('/cart/");
    p = put_int(p, c->id);
    return LIT(p, "')\">Add to cart</button>\n</article>\n");
}

static void shop(hand_buf *b, const bench_data *d)
{
    const bench_shop *s = &d->shop;
    char *p = start(b, ROW(2, 320));
    p = LIT(p, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    p = put_esc(b, p, ROW(1, 320), s->title);
    p = LIT(p, "</title>\n<link rel=\"stylesheet\" href=\"/static/shop.css\">\n"
               "<script type=\"module\" src=\"/static/datastar.js\"></script>\n</head>\n<body>\n"
               "<header class=\"site-header\">\n  <a class=\"logo\" href=\"/\">");
    p = put_esc(b, p, ROW(0, 320), s->title);
    p = LIT(p, "</a>\n  <nav>\n    <ul>\n");
    for (size_t i = 0; i < s->nnav; i++) {
        p = need(b, p, ROW(2, 24));
        p = LIT(p, "      <li><a href=\"");
        p = put_url(b, p, ROW(1, 24), s->nav[i].href);
        p = LIT(p, "\">");
        p = put_esc(b, p, ROW(0, 24), s->nav[i].label);
        p = LIT(p, "</a></li>\n");
    }
    p = need(b, p, 128);
    p = LIT(p, "    </ul>\n  </nav>\n  <div id=\"cart\" data-text=\"$cartCount\">0</div>\n"
               "</header>\n<main id=\"products\">\n");
    for (size_t i = 0; i < s->nproducts; i++)
        p = card(b, p, &s->products[i]);
    p = need(b, p, ROW(1, 48));
    p = LIT(p, "</main>\n<footer class=\"site-footer\">\n  <p>");
    p = put_esc(b, p, ROW(0, 48), s->footer);
    done(b, LIT(p, "</p>\n</footer>\n</body>\n</html>\n"));
}

/* ---- sse-fragment -------------------------------------------------------------------- */

/* The card written straight into a Datastar patch-elements event: each line of the card
 * after a `data: elements ` prefix. The card's own line breaks are in its literals (NL);
 * of its values only the HTML-escaped strings can hold line breaks (URLs percent-encode
 * them, numbers have none), so put_esc_lines turns each \n, \r\n or \r there (the client
 * takes all three) into a new data line. The card ends in a line break, so the event
 * ends with an empty data line, as the Datastar SDKs write it. (NL and put_esc_lines are
 * with the string writers.) */
static void sse_fragment(hand_buf *b, const bench_data *d)
{
    const bench_product *c = &d->fragment;
    char *p = start(b, ROW(4, 256));
    p = LIT(p, "event: datastar-patch-elements\ndata: elements <article class=\"card\" "
               "id=\"product-");
    p = put_int(p, c->id);
    p = LIT(p, "\">" NL "  <a href=\"/products/");
    p = put_int(p, c->id);
    p = LIT(p, "\"><img src=\"");
    p = put_url(b, p, ROW(3, 256), c->image);
    p = LIT(p, "\" alt=\"");
    p = put_esc_lines(b, p, ROW(2, 256), c->name);
    p = LIT(p, "\" width=\"240\" height=\"180\"></a>" NL "  <h2 class=\"card-title\">");
    p = put_esc_lines(b, p, ROW(1, 256), c->name);
    p = LIT(p, "</h2>" NL "  <p class=\"card-desc\">");
    p = put_esc_lines(b, p, ROW(0, 256), c->description);
    p = LIT(p, "</p>" NL "  <p class=\"card-price\">$");
    p = put_fixed(b, p, 160, c->price, 2);
    p = LIT(p, "</p>" NL "  <button class=\"add\" data-on:click=\"@post('/cart/");
    p = put_int(p, c->id);
    done(b, LIT(p, "')\">Add to cart</button>" NL "</article>" NL "\n\n"));
}

/* ---- grid ---------------------------------------------------------------------------- */

static void grid(hand_buf *b, const bench_data *d)
{
    const bench_grid *g = &d->grid;
    char *p = start(b, 21);
    p = LIT(p, "<table class=\"grid\">\n");
    for (size_t r = 0; r < g->rows; r++) {
        const int *row = g->cells + r * g->cols;
        p = need(b, p, 10 + g->cols * (26 + 11) + 9);
        p = LIT(p, "<tr>");
        for (size_t c = 0; c < g->cols; c++) {
            int v = row[c];
            if (v < 0) {
                p = LIT(p, "<td class=\"neg\">");
                p = put_int(p, v);
                p = LIT(p, "</td>");
            } else if (v == 0) {
                p = LIT(p, "<td class=\"zero\">0</td>");
            } else {
                p = LIT(p, "<td>");
                p = put_u32(p, (uint32_t)v);
                p = LIT(p, "</td>");
            }
        }
        p = LIT(p, "</tr>\n");
    }
    p = need(b, p, 9);
    done(b, LIT(p, "</table>\n"));
}

/* ---- people -------------------------------------------------------------------------- */

static void people(hand_buf *b, const bench_data *d)
{
    const bench_people *l = &d->people;
    char *p = start(b, 20);
    p = LIT(p, "<ul class=\"people\">\n");
    for (size_t i = 0; i < l->n; i++) {
        const bench_person *x = &l->people[i];
        p = need(b, p, ROW(3, 96));
        p = LIT(p, "<li class=\"person\" id=\"person-");
        p = put_i64(p, x->id);
        p = LIT(p, "\">\n  <span class=\"name\">");
        p = put_esc(b, p, ROW(2, 96), x->name);
        p = LIT(p, "</span>\n  <a class=\"email\" href=\"mailto:");
        p = put_url_part(b, p, ROW(1, 96), x->email);
        p = LIT(p, "\">");
        p = put_esc(b, p, ROW(0, 96), x->email);
        p = LIT(p, "</a>\n  <span class=\"age\">");
        p = put_int(p, x->age);
        p = LIT(p, "</span>");
        if (x->admin)
            p = LIT(p, " <b class=\"admin\">admin</b>");
        p = LIT(p, "\n</li>\n");
    }
    p = need(b, p, 6);
    done(b, LIT(p, "</ul>\n"));
}

/* ---- paragraphs ---------------------------------------------------------------------- */

static void paragraphs(hand_buf *b, const bench_data *d)
{
    const bench_article *a = &d->article;
    char *p = start(b, ROW(1, 16));
    p = LIT(p, "<article>\n<h1>");
    p = put_esc(b, p, ROW(0, 16), a->title);
    p = LIT(p, "</h1>\n");
    for (size_t i = 0; i < a->n; i++) {
        p = need(b, p, ROW(1, 8));
        p = LIT(p, "<p>");
        p = put_esc(b, p, ROW(0, 8), a->paras[i]);
        p = LIT(p, "</p>\n");
    }
    p = need(b, p, 11);
    done(b, LIT(p, "</article>\n"));
}

/* ---- form ---------------------------------------------------------------------------- */

static void form(hand_buf *b, const bench_data *d)
{
    const bench_form *f = &d->form;
    char *p = start(b, ROW(2, 48));
    p = LIT(p, "<form action=\"");
    p = put_url(b, p, ROW(1, 48), f->action);
    p = LIT(p, "\" method=\"post\" class=\"settings\">\n<h2>");
    p = put_esc(b, p, ROW(0, 48), f->title);
    p = LIT(p, "</h2>\n");
    for (size_t i = 0; i < f->n; i++) {
        const bench_field *x = &f->fields[i];
        p = need(b, p, ROW(8, 64)); /* 7 strings in a checkbox's field, 8 in a text one's */
        p = LIT(p, "<div class=\"field\">\n");
        if (x->checkbox) {
            p = LIT(p, "  <input type=\"checkbox\" id=\"f-");
            p = put_esc(b, p, ROW(6, 64), x->name);
            p = LIT(p, "\" name=\"");
            p = put_esc(b, p, ROW(5, 64), x->name);
            p = LIT(p, "\" value=\"1\"");
            if (x->checked)
                p = LIT(p, " checked");
            if (x->disabled)
                p = LIT(p, " disabled");
            p = LIT(p, ">\n  <label for=\"f-");
            p = put_esc(b, p, ROW(4, 64), x->name);
            p = LIT(p, "\">");
            p = put_esc(b, p, ROW(3, 64), x->label);
            p = LIT(p, "</label>\n");
        } else {
            p = LIT(p, "  <label for=\"f-");
            p = put_esc(b, p, ROW(7, 64), x->name);
            p = LIT(p, "\">");
            p = put_esc(b, p, ROW(6, 64), x->label);
            p = LIT(p, "</label>\n  <input type=\"text\" id=\"f-");
            p = put_esc(b, p, ROW(5, 64), x->name);
            p = LIT(p, "\" name=\"");
            p = put_esc(b, p, ROW(4, 64), x->name);
            p = LIT(p, "\" value=\"");
            p = put_esc(b, p, ROW(3, 64), x->value);
            *p++ = '"';
            if (x->required)
                p = LIT(p, " required");
            if (x->disabled)
                p = LIT(p, " disabled");
            p = LIT(p, ">\n");
        }
        p = LIT(p, "  <a class=\"help\" href=\"");
        p = put_url(b, p, ROW(2, 64), x->help);
        p = LIT(p, "\">?</a> <a href=\"/search?topic=");
        p = put_query(b, p, ROW(1, 64), x->topic);
        p = LIT(p, "&amp;field=");
        p = put_query(b, p, ROW(0, 64), x->name);
        p = LIT(p, "\">more</a>\n</div>\n");
    }
    p = need(b, p, 40);
    done(b, LIT(p, "<button type=\"submit\">Save</button>\n</form>\n"));
}

/* ---- report -------------------------------------------------------------------------- */

static void report(hand_buf *b, const bench_data *d)
{
    const bench_report *r = &d->report;
    char *p = start(b, ROW(1, 160));
    p = LIT(p, "<table class=\"report\">\n<caption>");
    p = put_esc(b, p, ROW(0, 160), r->title);
    p = LIT(p, "</caption>\n<tr><th>#</th><th>item</th><th>qty</th><th>price</th><th>ratio</th>"
               "<th>total</th><th>trend</th></tr>\n");
    for (size_t i = 0; i < r->n; i++) {
        const bench_line *l = &r->lines[i];
        p = need(b, p, ROW(1, 200));
        p = LIT(p, "<tr class=\"");
        if (l->delta > 1000)
            p = LIT(p, "up-strong");
        else if (l->delta > 0)
            p = LIT(p, "up");
        else if (l->delta == 0)
            p = LIT(p, "flat");
        else if (l->delta > -1000)
            p = LIT(p, "down");
        else
            p = LIT(p, "down-strong");
        p = LIT(p, "\">\n<td>");
        p = put_i64(p, l->id);
        p = LIT(p, "</td><td>");
        p = put_esc(b, p, ROW(0, 200), l->item);
        p = LIT(p, "</td><td>");
        p = put_int(p, l->qty);
        p = LIT(p, "</td><td>");
        p = put_fixed(b, p, 150, l->price, 2);
        p = LIT(p, "</td><td>");
        p = put_fixed(b, p, 120, l->ratio, 3);
        p = LIT(p, "</td><td>");
        p = put_i64(p, l->total);
        p = LIT(p, "</td><td>");
        p = put_i64(p, l->delta);
        p = LIT(p, "</td>\n</tr>\n");
    }
    p = need(b, p, 120);
    p = LIT(p, "<tr class=\"sum\"><td colspan=\"5\">total</td><td>");
    p = put_i64(p, r->grand_total);
    p = LIT(p, "</td><td>");
    p = put_fixed(b, p, 40, r->mean, 1);
    done(b, LIT(p, "</td></tr>\n</table>\n"));
}

/* ---- layout -------------------------------------------------------------------------- */

static void layout(hand_buf *b, const bench_data *d)
{
    const bench_layout *l = &d->layout;
    char *p = start(b, ROW(3, 96));
    p = LIT(p, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    p = put_esc(b, p, ROW(2, 96), l->title);
    p = LIT(p, "</title>\n<meta name=\"description\" content=\"");
    p = put_esc(b, p, ROW(1, 96), l->description);
    p = LIT(p, "\">\n</head>\n<body>\n<nav class=\"top\"><a href=\"/\">Home</a> <span "
               "class=\"user\">");
    p = put_esc(b, p, ROW(0, 96), l->user);
    p = LIT(p, "</span></nav>\n<main>\n");
    for (size_t i = 0; i < l->n; i++) {
        const bench_section *s = &l->sections[i];
        p = need(b, p, ROW(1, 16));
        p = LIT(p, "<section>\n<h2>");
        p = put_esc(b, p, ROW(0, 16), s->title);
        p = LIT(p, "</h2>\n");
        for (size_t j = 0; j < s->n; j++) {
            const bench_card *c = &s->cards[j];
            p = need(b, p, ROW(4, 64));
            p = LIT(p, "<div class=\"card\">\n<h3><a href=\"");
            p = put_url(b, p, ROW(3, 64), c->href);
            p = LIT(p, "\">");
            p = put_esc(b, p, ROW(2, 64), c->title);
            p = LIT(p, "</a></h3>\n<div class=\"actions\"><a href=\"");
            p = put_url(b, p, ROW(1, 64), c->href);
            p = LIT(p, "/edit\">edit</a></div>\n<p class=\"stat\"><b>");
            p = put_i64(p, c->count);
            p = LIT(p, "</b> ");
            p = put_esc(b, p, ROW(0, 64), c->body);
            if (c->hot)
                p = LIT(p, " <span class=\"badge hot\">hot</span>\n</p>\n</div>\n");
            else
                p = LIT(p, " <span class=\"badge\">new</span>\n</p>\n</div>\n");
        }
        p = need(b, p, 11);
        p = LIT(p, "</section>\n");
    }
    p = need(b, p, 24);
    done(b, LIT(p, "</main>\n</body>\n</html>\n"));
}

/* ---- by page number ------------------------------------------------------------------ */

void bench_hand_render(int page, hand_buf *b, const bench_data *d)
{
    static void (*const pages[BENCH_PAGE_COUNT])(hand_buf *, const bench_data *) = {
        big_table, teams,      shop, sse_fragment, big_table, grid,
        people,    paragraphs, form, report,       layout,
    };
    pages[page](b, d);
}

void bench_hand_free(hand_buf *b)
{
    free(b->data);
    *b = (hand_buf){0};
}
