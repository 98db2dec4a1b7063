/* byte_scan.h — internal to libstarch: finding the first byte of a small set in a string,
 * 8 bytes at a time in a uint64_t (portable) or 16 at a time with SSE2 (x86-64's
 * baseline), for the JSON/JavaScript and URL escapers (json.c, escape_url.c).
 *
 * A byte_set is what an escaper stops at: every byte below `below`, every byte from 0x7f
 * up (DEL and all of UTF-8: checked or encoded one sequence at a time), and up to
 * BYTE_SET_MAX other bytes. Neither scanner reads a byte past s + len: the last, partial
 * word or block is the one ending at s + len, its bytes before the end already found clean;
 * strings shorter than a word are read into one a byte at a time. Not installed. */
#ifndef STARCH_BYTE_SCAN_H
#define STARCH_BYTE_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define BYTE_SET_MAX 12

/* The scanners are inlined where they are called with a constant set, so that the set's
 * bytes become constant vectors and its loop unrolls; gcc declines to on its own (the
 * callers hold several), hence the GNU attribute where there is one. */
#if defined(__GNUC__)
#define SCAN_INLINE static inline __attribute__((always_inline))
#else
#define SCAN_INLINE static inline
#endif

typedef struct {
    unsigned char below;            /* bytes < below are in the set (1..0x7f) */
    unsigned char n;                /* how many of eq[] */
    unsigned char eq[BYTE_SET_MAX]; /* these too (each < 0x7f) */
} byte_set;

#define SCAN_ONES  UINT64_C(0x0101010101010101)
#define SCAN_LOW7  UINT64_C(0x7f7f7f7f7f7f7f7f)
#define SCAN_HIGHS UINT64_C(0x8080808080808080)

/* 0x80 in each byte of w equal to c, 0 elsewhere; exact in every byte (no borrow crosses
 * from one byte into the next). */
static inline uint64_t swar_eq(uint64_t w, unsigned char c)
{
    uint64_t y = w ^ (SCAN_ONES * c);
    return ~(((y & SCAN_LOW7) + SCAN_LOW7) | y | SCAN_LOW7);
}

/* 0x80 in each byte of w that is >= c (1 <= c <= 0x80), as an unsigned byte; exact: the
 * low 7 bits plus 0x80 - c never carry out of the byte. */
static inline uint64_t swar_ge(uint64_t w, unsigned char c)
{
    return (((w & SCAN_LOW7) + SCAN_ONES * (unsigned char)(0x80 - c)) | w) & SCAN_HIGHS;
}

/* 0x80 in each byte of w that is in the set. */
SCAN_INLINE uint64_t swar_set_hits(uint64_t w, const byte_set *b)
{
    uint64_t hit = (swar_ge(w, b->below) ^ SCAN_HIGHS) | swar_ge(w, 0x7f);
    for (unsigned i = 0; i < b->n; i++)
        hit |= swar_eq(w, b->eq[i]);
    return hit;
}

/* The index (0..7) of the first byte, in memory order, marked in the nonzero hit mask m. */
static inline size_t swar_first(uint64_t m)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return (size_t)__builtin_clzll(m) / 8;
#else
    return (size_t)__builtin_ctzll(m) / 8;
#endif
}

/* The first byte in w (its n <= 8 first bytes in memory) in the set, or n. */
SCAN_INLINE size_t swar_scan_word(uint64_t w, size_t n, const byte_set *b)
{
    uint64_t m = swar_set_hits(w, b);
    return m ? swar_first(m) : n;
}

/* Portable: the length of the prefix of s[0..len) with no byte of the set. */
SCAN_INLINE size_t scan_set_portable(const unsigned char *s, size_t len, const byte_set *b)
{
    uint64_t w;
    if (len < 8) { /* one word: the string, then bytes that are in no set ('a') */
        unsigned char pad[8] = {'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a'};
        for (size_t i = 0; i < len; i++)
            pad[i] = s[i];
        memcpy(&w, pad, 8);
        return swar_scan_word(w, len, b);
    }
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        memcpy(&w, s + i, 8);
        size_t k = swar_scan_word(w, 8, b);
        if (k < 8)
            return i + k;
    }
    if (i == len)
        return len;
    memcpy(&w, s + len - 8, 8);
    return len - 8 + swar_scan_word(w, 8, b);
}

/* 0x80 in each byte of w that is not unreserved in a URL (A-Z a-z 0-9 - . _ ~). */
SCAN_INLINE uint64_t swar_reserved_hits(uint64_t w)
{
    uint64_t lower = w | SCAN_ONES * 0x20; /* letters case-folded (and a few others moved) */
    uint64_t letter = swar_ge(lower, 'a') & ~swar_ge(lower, 'z' + 1);
    uint64_t digit = swar_ge(w, '0') & ~swar_ge(w, '9' + 1);
    uint64_t plain =
        letter | digit | swar_eq(w, '-') | swar_eq(w, '.') | swar_eq(w, '_') | swar_eq(w, '~');
    return ~plain & SCAN_HIGHS;
}

/* Portable: the length of the prefix of s[0..len) of unreserved bytes. */
SCAN_INLINE size_t scan_unreserved_portable(const unsigned char *s, size_t len)
{
    uint64_t w, m;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        memcpy(&w, s + i, 8);
        if ((m = swar_reserved_hits(w)) != 0)
            return i + swar_first(m);
    }
    if (i == len)
        return len;
    if (len >= 8) {
        memcpy(&w, s + len - 8, 8);
        m = swar_reserved_hits(w);
        return m ? len - 8 + swar_first(m) : len;
    }
    unsigned char pad[8] = {'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a'};
    for (size_t k = 0; k < len; k++)
        pad[k] = s[k];
    memcpy(&w, pad, 8);
    m = swar_reserved_hits(w);
    return m ? swar_first(m) : len;
}

/* Copies n bytes, n small (a run between escapes), without a call to memcpy for n <= 16:
 * two overlapping words cover any length from 4 to 16. */
static inline void copy_run(char *p, const unsigned char *s, size_t n)
{
    if (n >= 8 && n <= 16) {
        uint64_t a, b;
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
        memcpy(p, &a, 8);
        memcpy(p + n - 8, &b, 8);
    } else if (n >= 4 && n < 8) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        memcpy(p, &a, 4);
        memcpy(p + n - 4, &b, 4);
    } else if (n < 4) {
        for (size_t i = 0; i < n; i++)
            p[i] = (char)s[i];
    } else {
        memcpy(p, s, n);
    }
}

#if defined(__SSE2__) && !defined(STARCH_NO_SSE2)
#include <emmintrin.h>
#define HAVE_SCAN_SET_SSE2 1

/* A mask of the bytes of the set among the 16 in x. Signed compares: bytes >= 0x80 are
 * negative, so `x < below` takes them too, with DEL added by its own compare. With b a
 * constant (the callers pass static const sets), the loop unrolls into a compare per
 * byte of the set against constant vectors. */
SCAN_INLINE unsigned sse2_set_hits(__m128i x, const byte_set *b)
{
    __m128i hit = _mm_or_si128(_mm_cmplt_epi8(x, _mm_set1_epi8((char)b->below)),
                               _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f)));
    for (unsigned i = 0; i < b->n; i++)
        hit = _mm_or_si128(hit, _mm_cmpeq_epi8(x, _mm_set1_epi8((char)b->eq[i])));
    return (unsigned)_mm_movemask_epi8(hit);
}

static inline __m128i sse2_load(const unsigned char *s)
{
    return _mm_loadu_si128((const __m128i *)(const void *)s);
}

static inline __m128i sse2_load8(const unsigned char *s)
{
    return _mm_loadl_epi64((const __m128i *)(const void *)s);
}

/* Strings under 16 bytes in one register, no byte past the end read: 8 to 15 bytes as the
 * 8 at s and the 8 ending at s + len (lanes 0-7 and 8-15); 4 to 7 as two words of 4 the
 * same way (lanes 0-3 and 4-7); under 4, bytes, the other lanes 'a' (in no set). *hi is
 * the offset of the second half's first lane in s, minus its lane number. */
SCAN_INLINE __m128i sse2_load_short(const unsigned char *s, size_t len, size_t *hi)
{
    if (len >= 8) {
        *hi = len - 16;
        return _mm_unpacklo_epi64(sse2_load8(s), sse2_load8(s + len - 8));
    }
    uint32_t a = 0x61616161u, z = 0x61616161u;
    if (len >= 4) {
        memcpy(&a, s, 4);
        memcpy(&z, s + len - 4, 4);
    } else {
        unsigned char pad[4] = {'a', 'a', 'a', 'a'};
        for (size_t i = 0; i < len; i++)
            pad[i] = s[i];
        memcpy(&a, pad, 4);
    }
    *hi = len - 8;
    return _mm_unpacklo_epi32(_mm_cvtsi32_si128((int)a), _mm_cvtsi32_si128((int)z));
}

/* The index in s of the first lane marked in m, for a register from sse2_load_short. */
SCAN_INLINE size_t sse2_short_first(unsigned m, size_t len, size_t hi)
{
    size_t k = (size_t)__builtin_ctz(m), half = len >= 8 ? 8 : 4;
    return k < half ? k : hi + k;
}

/* SSE2: 16 bytes per load; the last, partial block is the 16 bytes ending at s + len. */
SCAN_INLINE size_t scan_set_sse2(const unsigned char *s, size_t len, const byte_set *b)
{
    if (len < 16) {
        size_t hi;
        unsigned lanes = len >= 8 ? 0xffffu : 0xffu;
        unsigned m = sse2_set_hits(sse2_load_short(s, len, &hi), b) & lanes;
        return m ? sse2_short_first(m, len, hi) : len;
    }
    size_t i = 0;
    for (; i + 16 <= len; i += 16) {
        unsigned m = sse2_set_hits(sse2_load(s + i), b);
        if (m != 0)
            return i + (size_t)__builtin_ctz(m);
    }
    if (i == len)
        return len;
    unsigned m = sse2_set_hits(sse2_load(s + len - 16), b);
    return m != 0 ? len - 16 + (size_t)__builtin_ctz(m) : len;
}

/* A mask of the bytes among the 16 at s that are not unreserved. Signed compares: bytes
 * >= 0x80 are negative and fall in no range. */
SCAN_INLINE unsigned sse2_reserved_hits(__m128i x)
{
    __m128i lower = _mm_or_si128(x, _mm_set1_epi8(0x20));
    __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                   _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1)));
    __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)),
                                  _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1)));
    __m128i mark = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('-')), _mm_cmpeq_epi8(x, _mm_set1_epi8('.'))),
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('_')), _mm_cmpeq_epi8(x, _mm_set1_epi8('~'))));
    __m128i plain = _mm_or_si128(_mm_or_si128(letter, digit), mark);
    return (unsigned)_mm_movemask_epi8(plain) ^ 0xffffu;
}

/* SSE2: 16 bytes per load, as scan_set_sse2. */
SCAN_INLINE size_t scan_unreserved_sse2(const unsigned char *s, size_t len)
{
    if (len < 16) {
        size_t hi;
        unsigned lanes = len >= 8 ? 0xffffu : 0xffu;
        unsigned m = sse2_reserved_hits(sse2_load_short(s, len, &hi)) & lanes;
        return m ? sse2_short_first(m, len, hi) : len;
    }
    size_t i = 0;
    for (; i + 16 <= len; i += 16) {
        unsigned m = sse2_reserved_hits(sse2_load(s + i));
        if (m != 0)
            return i + (size_t)__builtin_ctz(m);
    }
    if (i == len)
        return len;
    unsigned m = sse2_reserved_hits(sse2_load(s + len - 16));
    return m != 0 ? len - 16 + (size_t)__builtin_ctz(m) : len;
}
#define scan_set_best        scan_set_sse2
#define scan_unreserved_best scan_unreserved_sse2
#else
#define HAVE_SCAN_SET_SSE2   0
#define scan_set_best        scan_set_portable
#define scan_unreserved_best scan_unreserved_portable
#endif

#endif
