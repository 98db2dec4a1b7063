/* sse_lines.c — the data lines of a patch-elements event: a copy of the value with each
 * line break turned into SSE_LINES_BREAK (sse_lines.h), in one pass. */
#include "sse_lines.h"

#include <stdint.h>
#include <string.h>

#if defined(__SSE2__) && !defined(STARCH_NO_SSE2)
#include <emmintrin.h>
#endif

#if defined(__GNUC__)
#define LINES_INLINE static inline __attribute__((always_inline))
#else
#define LINES_INLINE static inline
#endif

static const char line_break[SSE_LINES_BREAK_LEN] = SSE_LINES_BREAK;

/* The index of the lowest set bit of m (nonzero). */
static inline size_t lowest(uint64_t m)
{
#if defined(__GNUC__)
    return (size_t)__builtin_ctzll(m);
#else
    size_t i = 0;
    while (!(m & 1)) {
        m >>= 1;
        i++;
    }
    return i;
#endif
}

/* How far the bytes after blk[j], a line break candidate (bit j of *m, already cleared),
 * move: SSE_LINES_BREAK_LEN - 1, one less for \r\n (both bytes become one break: the '\n'
 * is the next bit of *m, cleared too), or 0 when blk[j] is no line break. A '\r' that
 * ends the first n bytes is looked at against next, the value's byte after them (*skip
 * when it is a '\n', *cr at end). */
LINES_INLINE size_t break_move(const char *blk, size_t j, size_t n, uint64_t *m, const char *next,
                               const char *end, size_t *skip, bool *cr)
{
    if (blk[j] == '\n')
        return SSE_LINES_BREAK_LEN - 1;
    if (blk[j] != '\r')
        return 0;
    if (j + 1 < n) {
        if (blk[j + 1] == '\n') {
            *m &= *m - 1;
            return SSE_LINES_BREAK_LEN - 2;
        }
    } else if (next < end) {
        *skip = *next == '\n';
    } else {
        *cr = true;
    }
    return SSE_LINES_BREAK_LEN - 1;
}

/* Writes the block of `size` bytes at blk, of which the first n are the value's (the rest
 * readable, never a line break), at d, each line break as SSE_LINES_BREAK; returns the
 * output's end. Bit j of m is set for blk[j] a line break, and may be for other bytes too.
 * The block is stored whole first; after each break the block is stored again where its
 * following bytes belong, then the break over the misplaced ones (they all fall inside
 * it: the store moves by 14 or 15 bytes, a break is at most 15 bytes into the block). A
 * '\r' that ends the block is looked at against next, the value's byte after the block
 * (*skip when it is a '\n', *cr at end). */
LINES_INLINE char *put_block(char *d, const char *blk, size_t size, size_t n, uint64_t m,
                             const char *next, const char *end, size_t *skip, bool *cr)
{
    memcpy(d, blk, size);
    size_t shift = 0;
    while (m) {
        size_t j = lowest(m);
        m &= m - 1;
        size_t move = break_move(blk, j, n, &m, next, end, skip, cr);
        if (move == 0)
            continue;
        memcpy(d + shift + move, blk, size);
        memcpy(d + shift + j, line_break, SSE_LINES_BREAK_LEN);
        shift += move;
    }
    return d + n + shift;
}

/* Skips the '\n' of a \r\n whose '\r' ended the piece before. */
static inline const char *skip_lf(const char *s, const char *end, bool *cr)
{
    if (*cr && s < end) {
        *cr = false;
        if (*s == '\n')
            s++;
    }
    return s;
}

/* ---- Portable: 8 bytes at a time --------------------------------------------------- */

#define ONES  UINT64_C(0x0101010101010101)
#define LOW7  UINT64_C(0x7f7f7f7f7f7f7f7f)
#define HIGHS UINT64_C(0x8080808080808080)

/* The 8 bytes at p, byte j in bits 8j..8j+7 whatever the machine's byte order. */
static inline uint64_t load_le(const char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    return w;
}

/* Bit j set for byte j of w equal to c: exact, no borrow crosses bytes. */
static inline uint64_t eq_bits(uint64_t w, unsigned char c)
{
    uint64_t y = w ^ (ONES * c);
    uint64_t hi = ~(((y & LOW7) + LOW7) | y | LOW7); /* 0x80 in each byte equal to c */
    return ((hi >> 7) * UINT64_C(0x0102040810204080)) >> 56;
}

static inline uint64_t break_bits(uint64_t w)
{
    return eq_bits(w, '\n') | eq_bits(w, '\r');
}

const char *starch__sse_lines_portable(char **dp, const char *d_end, const char *s, const char *end,
                                       bool *cr)
{
    char *d = *dp;
    s = skip_lf(s, end, cr);
    while (end - s >= 8) {
        uint64_t m = break_bits(load_le(s));
        if (m == 0) {
            memcpy(d, s, 8);
            s += 8;
            d += 8;
            continue;
        }
        if (d_end - d < (end - s) + SSE_LINES_BLOCK)
            break;
        size_t skip = 0;
        d = put_block(d, s, 8, 8, m, s + 8, end, &skip, cr);
        s += 8 + skip;
    }
    if (s < end && end - s < 8 && d_end - d >= (end - s) + SSE_LINES_BLOCK) {
        char tail[8] = {0};
        size_t n = (size_t)(end - s), skip = 0;
        memcpy(tail, s, n);
        d = put_block(d, tail, 8, n, break_bits(load_le(tail)), end, end, &skip, cr);
        s = end;
    }
    *dp = d;
    return s;
}

/* ---- SSE2: 32 bytes at a time ------------------------------------------------------- */

#if defined(__SSE2__) && !defined(STARCH_NO_SSE2)

/* Bit j set for byte j of x in 0x08..0x0f, which holds \n and \r (put_window looks). */
static inline unsigned candidates(__m128i x)
{
    const __m128i seven = _mm_set1_epi8(7), fifteen = _mm_set1_epi8(15);
    return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_or_si128(x, seven), fifteen));
}

/* put_block for a window of 32 bytes at blk, x and y, already stored at d: after each
 * break only the halves holding bytes after it are stored again (a half stored whole
 * with its bytes up to the break misplaced would put one of them outside the break). */
LINES_INLINE char *put_window(char *d, const char *blk, __m128i x, __m128i y, size_t n, unsigned m,
                              const char *next, const char *end, size_t *skip, bool *cr)
{
    const __m128i brk = _mm_loadu_si128((const __m128i *)(const void *)line_break);
    size_t shift = 0;
    uint64_t bits = m;
    do {
        size_t j = (size_t)__builtin_ctzll(bits);
        bits &= bits - 1;
        size_t move = break_move(blk, j, n, &bits, next, end, skip, cr);
        if (move == 0)
            continue;
        if (j + (SSE_LINES_BREAK_LEN - move) < 16) /* bytes of x follow the break */
            _mm_storeu_si128((__m128i *)(void *)(d + shift + move), x);
        _mm_storeu_si128((__m128i *)(void *)(d + shift + move + 16), y);
        _mm_storeu_si128((__m128i *)(void *)(d + shift + j), brk);
        shift += move;
    } while (bits);
    return d + n + shift;
}

const char *starch__sse_lines_sse2(char **dp, const char *d_end, const char *s, const char *end,
                                   bool *cr)
{
    char *d = *dp;
    const char *start = s;
    s = skip_lf(s, end, cr);
    /* 32 bytes at a time, stored before they are looked at (the room holds them): a window
     * with no line break costs nothing more. */
    while (end - s >= 32) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
        __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(s + 16));
        _mm_storeu_si128((__m128i *)(void *)d, x);
        _mm_storeu_si128((__m128i *)(void *)(d + 16), y);
        unsigned m = candidates(x) | candidates(y) << 16;
        if (m == 0) {
            s += 32;
            d += 32;
            continue;
        }
        if (d_end - d < (end - s) + SSE_LINES_BLOCK)
            break;
        size_t skip = 0;
        d = put_window(d, s, x, y, 32, m, s + 32, end, &skip, cr);
        s += 32 + skip;
    }
    if (s < end && end - s < 32 && d_end - d >= (end - s) + SSE_LINES_BLOCK) {
        /* The last bytes, in a window of zeros: from the 32 bytes ending at end when the
         * value has them (no read past end), else copied. */
        char tail[64] = {0};
        size_t n = (size_t)(end - s), skip = 0;
        if (end - start >= 32)
            memcpy(tail, end - 32, 32);
        else
            memcpy(tail + 32 - n, s, n);
        const char *blk = tail + 32 - n;
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)blk);
        __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(blk + 16));
        _mm_storeu_si128((__m128i *)(void *)d, x);
        _mm_storeu_si128((__m128i *)(void *)(d + 16), y);
        unsigned m = candidates(x) | candidates(y) << 16;
        d = m ? put_window(d, blk, x, y, n, m, end, end, &skip, cr) : d + n;
        s = end;
    }
    *dp = d;
    return s;
}

#endif

/* ---- Escaping a value into data lines ---------------------------------------------- */

/* The bytes HTML escaping replaces, and the line breaks (lines_stop[c]: 1 escaped, 2 a
 * break). */
static const unsigned char lines_stop[256] = {
    ['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['\''] = 1, ['\n'] = 2, ['\r'] = 2,
};

/* Writes what *s, a byte lines_stop marks, becomes at d: its entity, or a break (one for
 * \r\n, whose '\n' is consumed too); *cr when it is a '\r' ending the input. */
static inline char *put_stop(char *d, const char **s, const char *end, bool *cr)
{
    char c = *(*s)++;
    switch (c) {
    case '&': memcpy(d, "&amp;", 5); return d + 5;
    case '<': memcpy(d, "&lt;", 4); return d + 4;
    case '>': memcpy(d, "&gt;", 4); return d + 4;
    case '"': memcpy(d, "&#34;", 5); return d + 5;
    case '\'': memcpy(d, "&#39;", 5); return d + 5;
    default: break;
    }
    memcpy(d, line_break, SSE_LINES_BREAK_LEN);
    if (c == '\r' && *s == end)
        *cr = true;
    else if (c == '\r' && **s == '\n')
        (*s)++;
    return d + SSE_LINES_BREAK_LEN;
}

char *starch__sse_lines_html_portable(char *d, const char *s, const char *end, bool escape,
                                      bool *cr)
{
    unsigned char mask = escape ? 3 : 2;
    while (s < end) {
        if (lines_stop[(unsigned char)*s] & mask)
            d = put_stop(d, &s, end, cr);
        else
            *d++ = *s++;
    }
    return d;
}

#if defined(__SSE2__) && !defined(STARCH_NO_SSE2)
/* Bit j set for byte j of x a line break or, with escape, a byte HTML escaping replaces:
 * & ' (x | 1 == 0x27), < > (x | 2 == 0x3e), ". */
static inline unsigned stops16(__m128i x, bool escape)
{
    __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\n')),
                               _mm_cmpeq_epi8(x, _mm_set1_epi8('\r')));
    if (escape)
        hit = _mm_or_si128(
            _mm_or_si128(hit, _mm_cmpeq_epi8(x, _mm_set1_epi8('"'))),
            _mm_or_si128(_mm_cmpeq_epi8(_mm_or_si128(x, _mm_set1_epi8(1)), _mm_set1_epi8(0x27)),
                         _mm_cmpeq_epi8(_mm_or_si128(x, _mm_set1_epi8(2)), _mm_set1_epi8(0x3e))));
    return (unsigned)_mm_movemask_epi8(hit);
}

char *starch__sse_lines_html_sse2(char *d, const char *s, const char *end, bool escape, bool *cr)
{
    /* 16 bytes at a time, stored before they are looked at (the room holds them) */
    while (end - s >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
        _mm_storeu_si128((__m128i *)(void *)d, x);
        unsigned m = stops16(x, escape);
        if (m == 0) {
            s += 16;
            d += 16;
            continue;
        }
        size_t k = (size_t)__builtin_ctz(m);
        s += k;
        d = put_stop(d + k, &s, end, cr);
    }
    if (s == end)
        return d;
    /* the last bytes, fewer than 16, copied into a block of zeros (no read past end) */
    char tail[32] = {0};
    const char *t = tail, *tend = tail + (end - s);
    memcpy(tail, s, (size_t)(end - s));
    while (t < tend) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)t);
        _mm_storeu_si128((__m128i *)(void *)d, x);
        unsigned m = stops16(x, escape) & ((1u << (tend - t)) - 1);
        if (m == 0)
            return d + (tend - t);
        size_t k = (size_t)__builtin_ctz(m);
        t += k;
        d = put_stop(d + k, &t, tend, cr);
    }
    return d;
}
#endif
