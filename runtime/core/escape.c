/* escape.c — HTML escaping and the text/attribute writers of generated code.
 *
 * One table says which bytes HTML escaping replaces; the escaper copies runs of other
 * bytes in bulk (found 16 or 8 bytes at a time, below) and writes one replacement at a
 * time, like cmark's houdini. Bytes >= 0x80 pass through unchanged: invalid UTF-8 is the
 * browser's to replace with U+FFFD, and it cannot form markup. */
#define STARCH__NO_INLINE_WRITERS /* defines starch_put_html_cstr and _str (starch_gen.h) */
#include "starch_gen.h"
#include "byte_scan.h"
#include "escape_scan.h"

#include <assert.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Replacement index per byte: 0 = copy; else the entity in html_entities.
 * Escaped: & < > " ' — enough for text, RCDATA and quoted attribute values. */
static const unsigned char html_class[256] = {
    ['&'] = 1, ['<'] = 2, ['>'] = 3, ['"'] = 4, ['\''] = 5,
};

/* The entities, each padded to 5 bytes (written as 4 bytes and 1), and their lengths. */
static const char html_entities[6][5] = {"", "&amp;", "&lt;;", "&gt;;", "&#34;", "&#39;"};
static const unsigned char html_entity_len[6] = {0, 5, 4, 4, 5, 5};

/* Longest replacement: the worst-case growth factor of HTML escaping. */
#define HTML_MAX_GROWTH 5

/* ---- Finding the next byte to escape ------------------------------------------------
 *
 * Two scanners return the length of the prefix of s[0..len) that needs no escaping: a
 * portable one, 8 bytes at a time in a uint64_t (read with memcpy: no unaligned access),
 * and on x86-64 (whose baseline has SSE2) one 16 bytes at a time. Neither reads a byte
 * past s + len: the last bytes, fewer than a word, are read one at a time. The escaper
 * uses the SSE2 one when the compiler targets SSE2 (and STARCH_NO_SSE2 is not defined);
 * both are exported under internal names (escape_scan.h) so that tests/unit/test_escape.c
 * checks each of them, and the escaper over each, in one binary. */

#define ONES UINT64_C(0x0101010101010101)
#define LOW7 UINT64_C(0x7f7f7f7f7f7f7f7f)

/* 0x80 in each byte of w equal to c, 0 elsewhere. Exact in every byte (the classic
 * (y - ONES) & ~y trick marks false positives above a match, through the borrow). */
static inline uint64_t swar_equal(uint64_t w, unsigned char c)
{
    uint64_t y = w ^ (ONES * c);
    return ~(((y & LOW7) + LOW7) | y | LOW7);
}

/* 0x80 in each byte of w that html_class escapes. */
static inline uint64_t swar_html_special(uint64_t w)
{
    return swar_equal(w, '&') | swar_equal(w, '<') | swar_equal(w, '>') | swar_equal(w, '"') |
           swar_equal(w, '\'');
}

/* The index of the first byte to escape in s[0..len) (or len), one byte at a time. */
static inline size_t scan_bytes(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len && html_class[s[i]] == 0)
        i++;
    return i;
}

/* The index of the first byte to escape in the 8 bytes at s (8 when none). */
static inline size_t scan_word(const unsigned char *s)
{
    uint64_t w;
    memcpy(&w, s, 8);
    uint64_t m = swar_html_special(w);
    if (m == 0)
        return 8;
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return (size_t)__builtin_ctzll(m) / 8; /* the first byte in memory is the lowest */
#else
    return scan_bytes(s, 8);
#endif
}

/* Portable: words of 8 bytes; the last, partial word is the 8 bytes ending at s + len
 * (overlapping bytes already found clean), so no byte past the end is read. Strings of
 * 4 to 7 bytes are two overlapping 4-byte words; shorter ones, bytes. */
static inline size_t scan_portable(const unsigned char *s, size_t len)
{
    if (len < 8) {
        if (len >= 4) {
            uint32_t a, b;
            memcpy(&a, s, 4);
            memcpy(&b, s + len - 4, 4);
            if (swar_html_special(a | (uint64_t)b << 32) == 0)
                return len;
        }
        return scan_bytes(s, len);
    }
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        size_t k = scan_word(s + i);
        if (k < 8)
            return i + k;
    }
    return i == len ? len : len - 8 + scan_word(s + len - 8);
}

#if defined(__SSE2__) && !defined(STARCH_NO_SSE2)
#include <emmintrin.h>
#define HAVE_SCAN_SSE2 1

/* A mask of the bytes to escape among the 16 in x: & and ' are 0x26 and 0x27 (x | 1 is
 * 0x27), < and > are 0x3c and 0x3e (x | 2 is 0x3e), and ". */
static inline unsigned sse2_special_in(__m128i x)
{
    __m128i amp_apos = _mm_cmpeq_epi8(_mm_or_si128(x, _mm_set1_epi8(1)), _mm_set1_epi8(0x27));
    __m128i lt_gt = _mm_cmpeq_epi8(_mm_or_si128(x, _mm_set1_epi8(2)), _mm_set1_epi8(0x3e));
    __m128i quot = _mm_cmpeq_epi8(x, _mm_set1_epi8('"'));
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(amp_apos, lt_gt), quot));
}

/* A mask of the bytes to escape among the 16 at s. */
static inline unsigned sse2_special(const unsigned char *s)
{
    return sse2_special_in(_mm_loadu_si128((const __m128i *)(const void *)s));
}

/* SSE2: 16 bytes per load; the last, partial block is the 16 bytes ending at s + len (no
 * byte past the end is read); strings under 16 bytes in one register, loaded from their
 * own bytes (byte_scan.h's sse2_load_short: its padding, 'a', is no special). */
static inline size_t scan_sse2(const unsigned char *s, size_t len)
{
    if (len < 16) {
        size_t hi;
        unsigned lanes = len >= 8 ? 0xffffu : 0xffu;
        unsigned m = sse2_special_in(sse2_load_short(s, len, &hi)) & lanes;
        return m ? sse2_short_first(m, len, hi) : len;
    }
    size_t i = 0;
    for (; i + 16 <= len; i += 16) {
        unsigned m = sse2_special(s + i);
        if (m != 0)
            return i + (size_t)__builtin_ctz(m); /* gcc and clang define __SSE2__ */
    }
    if (i == len)
        return len;
    unsigned m = sse2_special(s + len - 16);
    return m != 0 ? len - 16 + (size_t)__builtin_ctz(m) : len;
}

size_t starch_html_scan_sse2(const char *s, size_t len)
{
    return scan_sse2((const unsigned char *)s, len);
}
#define scan_best scan_sse2
#else
#define HAVE_SCAN_SSE2 0
#define scan_best      scan_portable
#endif

size_t starch_html_scan_portable(const char *s, size_t len)
{
    return scan_portable((const unsigned char *)s, len);
}

/* Escapes s[0..len) at p, which has room for HTML_MAX_GROWTH * len bytes: the run of
 * bytes `scan` finds safe copied at once, then one replacement, until the end. */
static inline char *html_escape_with(char *p, const char *str, size_t len,
                                     size_t (*scan)(const unsigned char *, size_t))
{
    const unsigned char *s = (const unsigned char *)str;
    for (;;) {
        size_t n = scan(s, len);
        copy_run(p, s, n);
        p += n;
        if (n == len)
            return p;
        unsigned char k = html_class[s[n]];
        assert(k != 0);
        memcpy(p, html_entities[k], 4); /* fixed sizes: no call */
        p[4] = html_entities[k][4];
        p += html_entity_len[k];
        s += n + 1;
        len -= n + 1;
    }
}

static inline char *html_escape_to(char *p, const char *s, size_t len)
{
    return html_escape_with(p, s, len, scan_best);
}

char *starch_html_escape_portable(char *p, const char *s, size_t len)
{
    return html_escape_with(p, s, len, scan_portable);
}

#if HAVE_SCAN_SSE2
char *starch_html_escape_sse2(char *p, const char *s, size_t len)
{
    return html_escape_with(p, s, len, scan_sse2);
}
#endif

/* Whether `need` bytes fit at cursor p without growing (p is in out's buffer). */
static bool fits(const starch_out *out, const char *p, size_t need)
{
    return out->err == 0 && (size_t)(out->data + out->cap - p) >= need;
}

/* Input bytes escaped per reservation, so a reservation stays well below the limits. */
#define ESCAPE_BLOCK 1024

/* The writer of s[0..len) with a scanner: room for the worst case of a block of input,
 * then the scanner's runs and one entity at a time (where reading past a string is not
 * done: without SSE2, under a sanitizer). Returns a cursor with `rest` bytes of room. */
char *starch__html_bytes_scan(starch_out *out, char *p, size_t rest, const char *s, size_t len)
{
    if (len <= ESCAPE_BLOCK && fits(out, p, len * HTML_MAX_GROWTH + rest))
        return html_escape_to(p, s, len); /* the common case: no round trip to the buffer */
    while (len > 0) {
        size_t n = len < ESCAPE_BLOCK ? len : ESCAPE_BLOCK;
        p = starch_out_need(out, p, n * HTML_MAX_GROWTH + rest);
        if (out->err)
            return p;
        p = html_escape_to(p, s, n);
        s += n;
        len -= n;
    }
    return starch_out_need(out, p, rest);
}

/* A C string with a scanner: its length (libc's strlen is word-at-a-time), then the bytes
 * writer. */
char *starch__html_cstr_scan(starch_out *out, char *p, size_t rest, const char *s)
{
    if (s == NULL)
        return starch_out_need(out, p, rest);
    return starch__html_bytes_scan(out, p, rest, s, strlen(s));
}

/* ---- The one-pass writers ------------------------------------------------------------
 *
 * Where STARCH_SCAN_OVERREAD (escape_scan.h), a string is read once, in 16-byte blocks
 * loaded at its own address, each stored whole at the cursor; the bytes to escape and the
 * string's end (a C string's NUL; s + len) are found in one mask. A block may reach past
 * the end, but never across a 4096-byte boundary, so never into a page the string does
 * not reach; within the last 15 bytes of a page the loop takes one byte at a time. A step
 * takes up to four blocks (64 bytes), stopping at the first hit. At a byte to escape its entity
 * is stored in one 8-byte store, and the loop goes on from the byte after it: no strlen,
 * no second pass, no memcpy. The room for one step is checked before it; after a step of
 * 64 clean bytes, as many more follow as the page and the room allow, unchecked. */
#if STARCH_SCAN_OVERREAD
/* The room one step needs at the cursor: 64 bytes stored whole, or an entity's 8 bytes
 * stored after up to 63. */
#define STEP_ROOM 96

/* The entity of each byte html_class escapes, padded to 8 bytes (stored at once), and its
 * length, looked up by the byte itself. */
static const char html_entity8[256][8] = {
    ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&#34;", ['\''] = "&#39;",
};
static const unsigned char html_entity8_len[256] = {
    ['&'] = 5, ['<'] = 4, ['>'] = 4, ['"'] = 5, ['\''] = 5,
};

/* Whether the n bytes from s lie in the 4096-byte block of s (a page or part of one). */
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

/* 0xff in each byte of x that HTML escaping replaces (as sse2_special_in), and in each NUL
 * when `nul`. */
static inline __m128i html_hit(__m128i x, bool nul)
{
    __m128i amp_apos = _mm_cmpeq_epi8(_mm_or_si128(x, _mm_set1_epi8(1)), _mm_set1_epi8(0x27));
    __m128i lt_gt = _mm_cmpeq_epi8(_mm_or_si128(x, _mm_set1_epi8(2)), _mm_set1_epi8(0x3e));
    __m128i quot = _mm_cmpeq_epi8(x, _mm_set1_epi8('"'));
    __m128i hit = _mm_or_si128(_mm_or_si128(amp_apos, lt_gt), quot);
    return nul ? _mm_or_si128(hit, _mm_cmpeq_epi8(x, _mm_setzero_si128())) : hit;
}

static inline unsigned mask16(__m128i hit)
{
    return (unsigned)_mm_movemask_epi8(hit);
}

/* One step: the four blocks at s stored at p, block by block until one holds a hit (a
 * byte to escape is often near: checking each block alone costs less than four at once);
 * returns 64 when none does, else the index of the first hit. */
SCAN_INLINE size_t step64(char *p, const char *s, bool nul)
{
    for (size_t k = 0; k < 64; k += 16) {
        __m128i x = load16(s + k);
        store16(p + k, x);
        unsigned m = mask16(html_hit(x, nul));
        if (m != 0)
            return k + (size_t)__builtin_ctz(m);
    }
    return 64;
}

/* After a clean step: how many more steps of 64 bytes fit in the room from p to lim and,
 * for a C string, in the page of s, else in the `left` bytes of the string. */
static inline size_t more_steps(const char *s, bool cstr, size_t left, const char *p,
                                const char *lim, size_t rest)
{
    size_t steps = cstr ? (4096 - ((uintptr_t)s & 4095)) / 64 : left / 64;
    size_t avail = (size_t)(lim - p);
    if (avail < STEP_ROOM + rest)
        return 0;
    size_t room = (avail - STEP_ROOM - rest) / 64 + 1;
    return room < steps ? room : steps;
}

/* Writes the entity of byte c (one html_class escapes) at p; returns the cursor after it. */
static inline char *put_entity(char *p, unsigned char c)
{
    memcpy(p, html_entity8[c], 8);
    return p + html_entity8_len[c];
}

/* The one-pass writers, each in two forms: a leaf (no call: no registers to save) that
 * hands the string over to the other when the room runs out, and the one that makes the
 * room as it goes. */
static char *html_cstr_growing(starch_out *out, char *p, size_t rest, const char *s);
static char *html_bytes_growing(starch_out *out, char *p, size_t rest, const char *s, size_t len);

/* The one-pass loop: escapes from s (anywhere in the string) to its end, s + len, or its
 * NUL when `cstr` (len then unused: SIZE_MAX); makes the room when it runs short, or, in
 * the `leaf` form, hands what is left to the growing form. */
SCAN_INLINE char *html_blocks(starch_out *out, char *p, size_t rest, const char *s, size_t len,
                              bool cstr, bool leaf)
{
    const char *e = cstr ? NULL : s + len;
    char *lim = out->err ? p : out->data + out->cap; /* failed: the room is made, and fails */
    for (;;) {
        if (!cstr && s == e)
            return p;
        if ((size_t)(lim - p) < STEP_ROOM + rest) {
            if (leaf)
                return cstr ? html_cstr_growing(out, p, rest, s)
                            : html_bytes_growing(out, p, rest, s, (size_t)(e - s));
            p = starch_out_need(out, p, STEP_ROOM + rest);
            if (out->err)
                return p; /* in the discard area, with the room */
            lim = out->data + out->cap;
        }
        size_t left = cstr ? SIZE_MAX : (size_t)(e - s), k;
        if (cstr ? page_ok(s, 64) : left >= 64) {
            k = step64(p, s, cstr);
            if (k == 64) {
                p += 64;
                s += 64;
                size_t n = more_steps(s, cstr, left - 64, p, lim, rest);
                for (; n != 0 && (k = step64(p, s, cstr)) == 64; n--) {
                    p += 64;
                    s += 64;
                }
                if (k == 64)
                    continue;
            }
        } else if ((!cstr && left >= 16) || page_ok(s, 16)) {
            __m128i x = load16(s);
            store16(p, x);
            unsigned m = mask16(html_hit(x, cstr));
            if (left < 16)
                m |= ~0u << left; /* the lanes past s + len */
            else if (m == 0) {
                p += 16;
                s += 16;
                continue;
            }
            k = (size_t)__builtin_ctz(m);
        } else if ((!cstr || *s != 0) && html_class[(unsigned char)*s] == 0) {
            *p++ = *s++; /* within the last 15 bytes of a page */
            continue;
        } else {
            k = 0;
        }
        p += k;
        s += k;
        if (cstr ? *s == 0 : s == e)
            return p;
        p = put_entity(p, (unsigned char)*s++);
    }
}

static __attribute__((noinline)) char *html_cstr_growing(starch_out *out, char *p, size_t rest,
                                                         const char *s)
{
    return html_blocks(out, p, rest, s, SIZE_MAX, true, false);
}

static __attribute__((noinline)) char *html_bytes_growing(starch_out *out, char *p, size_t rest,
                                                          const char *s, size_t len)
{
    return html_blocks(out, p, rest, s, len, false, false);
}

char *starch__html_cstr_blocks(starch_out *out, char *p, size_t rest, const char *s)
{
    if (s == NULL)
        return starch_out_need(out, p, rest);
    return html_blocks(out, p, rest, s, SIZE_MAX, true, true);
}

char *starch__html_bytes_blocks(starch_out *out, char *p, size_t rest, const char *s, size_t len)
{
    if (len == 0) /* s may be NULL */
        return starch_out_need(out, p, rest);
    return html_blocks(out, p, rest, s, len, false, true);
}

#define html_cstr_best  starch__html_cstr_blocks
#define html_bytes_best starch__html_bytes_blocks
#else
#define html_cstr_best  starch__html_cstr_scan
#define html_bytes_best starch__html_bytes_scan
#endif

/* Writes s[0..len) HTML-escaped at cursor p; returns a cursor with `rest` bytes of room. */
char *starch_put_html_bytes(starch_out *out, char *p, size_t rest, const char *s, size_t len)
{
    return html_bytes_best(out, p, rest, s, len);
}

/* Writes s[0..len) as is at cursor p; returns a cursor with `rest` bytes of room. */
char *starch_put_raw_bytes(starch_out *out, char *p, size_t rest, const char *s, size_t len)
{
    p = starch_out_need(out, p, len + rest);
    if (out->err)
        return starch_out_reserve(out, rest);
    if (len) /* s may be NULL when len is 0 */
        memcpy(p, s, len);
    return p + len;
}

void starch_escape_html(starch_out *out, const char *s, size_t len)
{
    char *p = starch_put_html_bytes(out, starch_out_reserve(out, 0), 0, s, len);
    starch_out_commit(out, p);
}

/* The out-of-line writers of a C string (from wherever the inline one stopped) and of a
 * starch_str. */
char *starch__put_html_cstr(starch_out *out, char *p, size_t rest, const char *s)
{
    return html_cstr_best(out, p, rest, s);
}

/* The out-of-line writer of a C string from a byte to escape at s, where the inline one
 * found it (which leaves rest + 1 bytes of room at p, at least): the entity at once, in
 * one 8-byte store, when the room holds it, then the one-pass loop from the byte after
 * it; else the writer that makes its room. */
char *starch__put_html_cstr_esc(starch_out *out, char *p, size_t rest, const char *s)
{
#if STARCH_SCAN_OVERREAD
    if (fits(out, p, 8 + rest)) {
        p = put_entity(p, (unsigned char)*s);
        return starch__html_cstr_blocks(out, p, rest, s + 1);
    }
#endif
    return starch__put_html_cstr(out, p, rest, s);
}

/* The same for s[0..len) (len >= 1) from a byte to escape at s[0]. */
char *starch__put_html_bytes_esc(starch_out *out, char *p, size_t rest, const char *s, size_t len)
{
#if STARCH_SCAN_OVERREAD
    if (fits(out, p, 8 + rest)) {
        p = put_entity(p, (unsigned char)*s);
        return starch__html_bytes_blocks(out, p, rest, s + 1, len - 1);
    }
#endif
    return starch_put_html_bytes(out, p, rest, s, len);
}

char *starch__put_html_str(starch_out *out, char *p, size_t rest, starch_str s)
{
    return starch_put_html_bytes(out, p, rest, s.ptr, s.len);
}

/* The exported writers (starch_gen.h has inline ones of these names where it can). */
char *starch_put_html_cstr(starch_out *out, char *p, size_t rest, const char *s)
{
    return starch__put_html_cstr(out, p, rest, s);
}

char *starch_put_html_str(starch_out *out, char *p, size_t rest, starch_str s)
{
    return starch__put_html_str(out, p, rest, s);
}

char *starch_put_html_trusted(starch_out *out, char *p, size_t rest, starch_html s)
{
    return starch_put_raw_bytes(out, p, rest, s.ptr, s.len);
}

char *starch_put_attr_trusted(starch_out *out, char *p, size_t rest, starch_html s)
{
    return starch_put_html_bytes(out, p, rest, s.ptr, s.len);
}

char *starch_put_html_chr(starch_out *out, char *p, size_t rest, char c)
{
    (void)out;
    (void)rest;
    return html_escape_to(p, &c, 1);
}

char *starch_put_raw_cstr(starch_out *out, char *p, size_t rest, const char *s)
{
    return s ? starch_put_raw_bytes(out, p, rest, s, strlen(s)) : starch_out_need(out, p, rest);
}

char *starch_put_raw_str(starch_out *out, char *p, size_t rest, starch_str s)
{
    return starch_put_raw_bytes(out, p, rest, s.ptr, s.len);
}

char *starch_put_raw_trusted(starch_out *out, char *p, size_t rest, starch_html s)
{
    return starch_put_raw_bytes(out, p, rest, s.ptr, s.len);
}

/* Sets out's error (the first one sticks). */
static void set_error(starch_out *out, int err)
{
    if (out->err == 0)
        out->err = err;
}

/* Formats into a stack buffer, or a heap one for long results; *heap is set when the
 * caller must free the result. Returns NULL (and sets out's error) on failure: STARCH_ENOMEM, or
 * STARCH_EINVAL when vsnprintf fails (a wide character, over INT_MAX bytes). */
static char *vformat(starch_out *out, char *small, size_t size, size_t *len, bool *heap,
                     const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, size, fmt, ap);
    *heap = false;
    if (n < 0) {
        set_error(out, STARCH_EINVAL);
        va_end(again);
        return NULL;
    }
    *len = (size_t)n;
    if ((size_t)n < size) {
        va_end(again);
        return small;
    }
    char *big = malloc((size_t)n + 1);
    if (big == NULL) {
        set_error(out, STARCH_ENOMEM);
        va_end(again);
        return NULL;
    }
    vsnprintf(big, (size_t)n + 1, fmt, again);
    va_end(again);
    *heap = true;
    return big;
}

/* Formats, then writes the result with `write`. */
static char *put_vfmt(starch_out *out, char *p, size_t rest, starch_put_bytes_fn write,
                      const char *fmt, va_list ap)
{
    char small[256];
    size_t len;
    bool heap;
    char *s = vformat(out, small, sizeof small, &len, &heap, fmt, ap);
    if (s == NULL)
        return starch_out_need(out, p, rest);
    p = write(out, p, rest, s, len);
    if (heap)
        free(s);
    return p;
}

char *starch_put_fmt(starch_out *out, char *p, size_t rest, starch_put_bytes_fn write,
                     const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    p = put_vfmt(out, p, rest, write, fmt, ap);
    va_end(ap);
    return p;
}

char *starch_put_html_fmt(starch_out *out, char *p, size_t rest, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    p = put_vfmt(out, p, rest, starch_put_html_bytes, fmt, ap);
    va_end(ap);
    return p;
}

char *starch_put_raw_fmt(starch_out *out, char *p, size_t rest, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    p = put_vfmt(out, p, rest, starch_put_raw_bytes, fmt, ap);
    va_end(ap);
    return p;
}
