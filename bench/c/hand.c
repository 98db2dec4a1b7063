/* hand.c — hand-c: for every page, the C a skilled programmer writes by hand for the same
 * bytes as the starch template, correct for every input of its types (check.c compares
 * the two byte for byte on hostile data), as fast as it can be written by hand.
 *
 * One growable buffer reused across renders. Room is reserved once per row, record or card
 * for its worst case (5 output bytes per input byte of an escaped string or URL, 20 per
 * 64-bit integer, 11 per int), then written through a local cursor with no further
 * checks. Integers through a two-digit table; HTML escaping scans 16 bytes at a time with
 * SSE2 and copies safe runs with memcpy; URLs filtered by scheme as the browser reads it and
 * normalised; `%.Nf` in exact integer arithmetic (printf only for NaN, infinities and
 * |v| >= 2^63); a NULL string writes nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pages.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* ---- the buffer ---------------------------------------------------------------------- */

/* Commits the bytes up to p and returns a cursor with room for n more bytes. */
static char *need(hand_buf *b, char *p, size_t n)
{
    b->len = (size_t)(p - b->data);
    if (b->cap - b->len < n) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap - b->len < n)
            cap *= 2;
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
}

#define LIT(p, s) (memcpy((p), (s), sizeof(s) - 1), (p) + sizeof(s) - 1)

static inline size_t slen(const char *s)
{
    return s ? strlen(s) : 0;
}

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
        memcpy(q, digits2 + 2 * (v % 100), 2);
        v /= 100;
    }
    if (v >= 10)
        memcpy(q - 2, digits2 + 2 * v, 2);
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
        memcpy(p + i, digits2 + 2 * (lo % 100), 2);
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
        memcpy(p, digits2 + 2 * f, 2);
        return p + 2;
    }
    *p++ = (char)('0' + f);
    return p;
}

/* ---- HTML escaping ------------------------------------------------------------------- */

static const char *const esc[256] = {
    ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&#34;", ['\''] = "&#39;",
};
static const unsigned char esc_len[256] = {
    ['&'] = 5, ['<'] = 4, ['>'] = 4, ['"'] = 5, ['\''] = 5,
};

/* Writes s[0..n) HTML-escaped at p (room for 5 * n bytes reserved): 16 bytes at a time,
 * a bit mask of the bytes to escape, safe runs copied at once. */
static char *put_esc(char *p, const char *s, size_t n)
{
    if (n == 0) /* s may be NULL */
        return p;
    const char *run = s, *end = s + n;
#ifdef __SSE2__
    const __m128i amp = _mm_set1_epi8('&'), lt = _mm_set1_epi8('<'), gt = _mm_set1_epi8('>'),
                  dq = _mm_set1_epi8('"'), sq = _mm_set1_epi8('\'');
    while (end - s >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)s);
        __m128i hit =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, amp), _mm_cmpeq_epi8(x, lt)),
                         _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, gt), _mm_cmpeq_epi8(x, dq)),
                                      _mm_cmpeq_epi8(x, sq)));
        unsigned mask = (unsigned)_mm_movemask_epi8(hit);
        if (mask == 0) {
            s += 16;
            continue;
        }
        const char *at = s + __builtin_ctz(mask);
        memcpy(p, run, (size_t)(at - run));
        p += at - run;
        unsigned char c = (unsigned char)*at;
        memcpy(p, esc[c], 5);
        p += esc_len[c];
        s = run = at + 1;
    }
#endif
    for (; s < end; s++) {
        unsigned char c = (unsigned char)*s;
        if (esc_len[c]) {
            memcpy(p, run, (size_t)(s - run));
            p += s - run;
            memcpy(p, esc[c], 5);
            p += esc_len[c];
            run = s + 1;
        }
    }
    memcpy(p, run, (size_t)(end - run));
    return p + (end - run);
}

/* ---- URLs ---------------------------------------------------------------------------- */

/* Whether a URL may be written as it is: relative (no scheme), or http, https, mailto,
 * tel, reading it as the browser's URL parser does (leading C0 controls and spaces
 * dropped, tab and line breaks ignored, the scheme case-folded). */
static bool url_safe(const char *s, size_t n)
{
    if ((n > 0 && s[0] == '/') || (n >= 8 && memcmp(s, "https://", 8) == 0) ||
        (n >= 7 && memcmp(s, "http://", 7) == 0))
        return true; /* the common spellings, at once */
    size_t i = 0;
    while (i < n && (unsigned char)s[i] <= ' ')
        i++;
    char scheme[7];
    size_t k = 0;
    for (; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
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
    if (i == n)
        return true;
    return (k == 4 && memcmp(scheme, "http", 4) == 0) ||
           (k == 5 && memcmp(scheme, "https", 5) == 0) ||
           (k == 6 && memcmp(scheme, "mailto", 6) == 0) ||
           (k == 3 && memcmp(scheme, "tel", 3) == 0);
}

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

static inline bool is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'f');
}

/* Writes s[0..n) normalised for a URL attribute (room for 5 * n bytes reserved). */
static char *put_url_cls(char *p, const char *s, size_t n, const unsigned char *cls)
{
    if (n == 0) /* s may be NULL */
        return p;
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t from = i;
        while (i < n && cls[u[i]] == 0)
            i++;
        memcpy(p, s + from, i - from);
        p += i - from;
        if (i == n)
            break;
        unsigned char c = u[i++], k = cls[c];
        if (k == 2) {
            p = LIT(p, "&amp;");
        } else if (k == 3 && i + 1 < n && is_hex(u[i]) && is_hex(u[i + 1])) {
            *p++ = '%';
        } else {
            p[0] = '%';
            p[1] = hex[c >> 4];
            p[2] = hex[c & 15];
            p += 3;
        }
    }
    return p;
}

/* A URL where the attribute's URL starts: filtered, then normalised (5 * n + 20 room). */
static char *put_url(char *p, const char *s, size_t n)
{
    if (!url_safe(s, n))
        return LIT(p, "about:invalid#starch");
    return put_url_cls(p, s, n, url_class);
}

static char *put_url_part(char *p, const char *s, size_t n)
{
    return put_url_cls(p, s, n, url_class);
}

static char *put_query(char *p, const char *s, size_t n)
{
    return put_url_cls(p, s, n, query_class);
}

#define URL_MAX(n) (5 * (n) + 20)

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
        size_t n = slen(t->name);
        p = need(b, p, 64 + 5 * n + 11);
        p = LIT(p, "      <li class=\"");
        if (i == 0)
            p = LIT(p, "champion");
        p = LIT(p, "\">\n        <b>");
        p = put_esc(p, t->name, n);
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
    size_t name = slen(c->name), desc = slen(c->description), img = slen(c->image);
    p = need(b, p, 320 + 5 * (2 * name + desc) + URL_MAX(img) + 3 * 11 + 24);
    p = LIT(p, "<article class=\"card\" id=\"product-");
    p = put_int(p, c->id);
    p = LIT(p, "\">\n  <a href=\"/products/");
    p = put_int(p, c->id);
    p = LIT(p, "\"><img src=\"");
    p = put_url(p, c->image, img);
    p = LIT(p, "\" alt=\"");
    p = put_esc(p, c->name, name);
    p = LIT(p, "\" width=\"240\" height=\"180\"></a>\n  <h2 class=\"card-title\">");
    p = put_esc(p, c->name, name);
    p = LIT(p, "</h2>\n  <p class=\"card-desc\">");
    p = put_esc(p, c->description, desc);
    p = LIT(p, "</p>\n  <p class=\"card-price\">$");
    p = put_fixed(b, p, 80, c->price, 2);
    p = LIT(p, "</p>\n  <button class=\"add\" data-on:click=\"@post('/cart/");
    p = put_int(p, c->id);
    return LIT(p, "')\">Add to cart</button>\n</article>\n");
}

static void shop(hand_buf *b, const bench_data *d)
{
    const bench_shop *s = &d->shop;
    size_t title = slen(s->title);
    char *p = start(b, 400 + 2 * 5 * title);
    p = LIT(p, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    p = put_esc(p, s->title, title);
    p = LIT(p, "</title>\n<link rel=\"stylesheet\" href=\"/static/shop.css\">\n"
               "<script type=\"module\" src=\"/static/datastar.js\"></script>\n</head>\n<body>\n"
               "<header class=\"site-header\">\n  <a class=\"logo\" href=\"/\">");
    p = put_esc(p, s->title, title);
    p = LIT(p, "</a>\n  <nav>\n    <ul>\n");
    for (size_t i = 0; i < s->nnav; i++) {
        size_t href = slen(s->nav[i].href), label = slen(s->nav[i].label);
        p = need(b, p, 32 + URL_MAX(href) + 5 * label);
        p = LIT(p, "      <li><a href=\"");
        p = put_url(p, s->nav[i].href, href);
        p = LIT(p, "\">");
        p = put_esc(p, s->nav[i].label, label);
        p = LIT(p, "</a></li>\n");
    }
    p = need(b, p, 128);
    p = LIT(p, "    </ul>\n  </nav>\n  <div id=\"cart\" data-text=\"$cartCount\">0</div>\n"
               "</header>\n<main id=\"products\">\n");
    for (size_t i = 0; i < s->nproducts; i++)
        p = card(b, p, &s->products[i]);
    size_t footer = slen(s->footer);
    p = need(b, p, 96 + 5 * footer);
    p = LIT(p, "</main>\n<footer class=\"site-footer\">\n  <p>");
    p = put_esc(p, s->footer, footer);
    done(b, LIT(p, "</p>\n</footer>\n</body>\n</html>\n"));
}

/* ---- sse-fragment -------------------------------------------------------------------- */

/* The card written straight into a Datastar patch-elements event: each line of the card
 * after a `data: elements ` prefix. The card's own line breaks are in its literals (NL);
 * of its values only the HTML-escaped strings can hold line breaks (URLs percent-encode
 * them, numbers have none), so put_esc_lines turns each \n, \r\n or \r there (the client
 * takes all three) into a new data line. The card ends in a line break, so the event
 * ends with an empty data line, as the Datastar SDKs write it. */
#define NL       "\ndata: elements "
#define LINE_MAX 16 /* sizeof NL - 1: the most one input byte becomes */

/* put_esc, with line breaks as new data lines (room for LINE_MAX * n bytes reserved). */
static char *put_esc_lines(char *p, const char *s, size_t n)
{
    if (n == 0) /* s may be NULL */
        return p;
    const char *run = s, *end = s + n;
#ifdef __SSE2__
    const __m128i amp = _mm_set1_epi8('&'), lt = _mm_set1_epi8('<'), gt = _mm_set1_epi8('>'),
                  dq = _mm_set1_epi8('"'), sq = _mm_set1_epi8('\''), lf = _mm_set1_epi8('\n'),
                  cr = _mm_set1_epi8('\r');
    while (end - s >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)s);
        __m128i hit =
            _mm_or_si128(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, amp), _mm_cmpeq_epi8(x, lt)),
                                      _mm_or_si128(_mm_cmpeq_epi8(x, lf), _mm_cmpeq_epi8(x, cr))),
                         _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, gt), _mm_cmpeq_epi8(x, dq)),
                                      _mm_cmpeq_epi8(x, sq)));
        unsigned mask = (unsigned)_mm_movemask_epi8(hit);
        if (mask == 0) {
            s += 16;
            continue;
        }
        const char *at = s + __builtin_ctz(mask);
        memcpy(p, run, (size_t)(at - run));
        p += at - run;
        unsigned char c = (unsigned char)*at;
        if (esc_len[c]) {
            memcpy(p, esc[c], 5);
            p += esc_len[c];
        } else {
            if (c == '\r' && at + 1 < end && at[1] == '\n')
                at++;
            p = LIT(p, NL);
        }
        s = run = at + 1;
    }
#endif
    for (; s < end; s++) {
        unsigned char c = (unsigned char)*s;
        if (esc_len[c] == 0 && c != '\n' && c != '\r')
            continue;
        memcpy(p, run, (size_t)(s - run));
        p += s - run;
        if (esc_len[c]) {
            memcpy(p, esc[c], 5);
            p += esc_len[c];
        } else {
            if (c == '\r' && s + 1 < end && s[1] == '\n')
                s++;
            p = LIT(p, NL);
        }
        run = s + 1;
    }
    memcpy(p, run, (size_t)(end - run));
    return p + (end - run);
}

static void sse_fragment(hand_buf *b, const bench_data *d)
{
    const bench_product *c = &d->fragment;
    size_t name = slen(c->name), desc = slen(c->description), img = slen(c->image);
    char *p = start(b, 512 + LINE_MAX * (2 * name + desc) + URL_MAX(img) + 3 * 11 + 24);
    p = LIT(p, "event: datastar-patch-elements\ndata: elements <article class=\"card\" "
               "id=\"product-");
    p = put_int(p, c->id);
    p = LIT(p, "\">" NL "  <a href=\"/products/");
    p = put_int(p, c->id);
    p = LIT(p, "\"><img src=\"");
    p = put_url(p, c->image, img);
    p = LIT(p, "\" alt=\"");
    p = put_esc_lines(p, c->name, name);
    p = LIT(p, "\" width=\"240\" height=\"180\"></a>" NL "  <h2 class=\"card-title\">");
    p = put_esc_lines(p, c->name, name);
    p = LIT(p, "</h2>" NL "  <p class=\"card-desc\">");
    p = put_esc_lines(p, c->description, desc);
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
        size_t name = slen(x->name), email = slen(x->email);
        p = need(b, p, 256 + 5 * name + 10 * email + 20 + 11);
        p = LIT(p, "<li class=\"person\" id=\"person-");
        p = put_i64(p, x->id);
        p = LIT(p, "\">\n  <span class=\"name\">");
        p = put_esc(p, x->name, name);
        p = LIT(p, "</span>\n  <a class=\"email\" href=\"mailto:");
        p = put_url_part(p, x->email, email);
        p = LIT(p, "\">");
        p = put_esc(p, x->email, email);
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
    size_t title = slen(a->title);
    char *p = start(b, 24 + 5 * title);
    p = LIT(p, "<article>\n<h1>");
    p = put_esc(p, a->title, title);
    p = LIT(p, "</h1>\n");
    for (size_t i = 0; i < a->n; i++) {
        size_t n = slen(a->paras[i]);
        p = need(b, p, 8 + 5 * n);
        p = LIT(p, "<p>");
        p = put_esc(p, a->paras[i], n);
        p = LIT(p, "</p>\n");
    }
    p = need(b, p, 11);
    done(b, LIT(p, "</article>\n"));
}

/* ---- form ---------------------------------------------------------------------------- */

static void form(hand_buf *b, const bench_data *d)
{
    const bench_form *f = &d->form;
    size_t title = slen(f->title), action = slen(f->action);
    char *p = start(b, 80 + URL_MAX(action) + 5 * title);
    p = LIT(p, "<form action=\"");
    p = put_url(p, f->action, action);
    p = LIT(p, "\" method=\"post\" class=\"settings\">\n<h2>");
    p = put_esc(p, f->title, title);
    p = LIT(p, "</h2>\n");
    for (size_t i = 0; i < f->n; i++) {
        const bench_field *x = &f->fields[i];
        size_t name = slen(x->name), label = slen(x->label), value = slen(x->value),
               help = slen(x->help), topic = slen(x->topic);
        p = need(b, p, 320 + 5 * (4 * name + label + value) + URL_MAX(help) + 5 * topic);
        p = LIT(p, "<div class=\"field\">\n");
        if (x->checkbox) {
            p = LIT(p, "  <input type=\"checkbox\" id=\"f-");
            p = put_esc(p, x->name, name);
            p = LIT(p, "\" name=\"");
            p = put_esc(p, x->name, name);
            p = LIT(p, "\" value=\"1\"");
            if (x->checked)
                p = LIT(p, " checked");
            if (x->disabled)
                p = LIT(p, " disabled");
            p = LIT(p, ">\n  <label for=\"f-");
            p = put_esc(p, x->name, name);
            p = LIT(p, "\">");
            p = put_esc(p, x->label, label);
            p = LIT(p, "</label>\n");
        } else {
            p = LIT(p, "  <label for=\"f-");
            p = put_esc(p, x->name, name);
            p = LIT(p, "\">");
            p = put_esc(p, x->label, label);
            p = LIT(p, "</label>\n  <input type=\"text\" id=\"f-");
            p = put_esc(p, x->name, name);
            p = LIT(p, "\" name=\"");
            p = put_esc(p, x->name, name);
            p = LIT(p, "\" value=\"");
            p = put_esc(p, x->value, value);
            *p++ = '"';
            if (x->required)
                p = LIT(p, " required");
            if (x->disabled)
                p = LIT(p, " disabled");
            p = LIT(p, ">\n");
        }
        p = LIT(p, "  <a class=\"help\" href=\"");
        p = put_url(p, x->help, help);
        p = LIT(p, "\">?</a> <a href=\"/search?topic=");
        p = put_query(p, x->topic, topic);
        p = LIT(p, "&amp;field=");
        p = put_query(p, x->name, name);
        p = LIT(p, "\">more</a>\n</div>\n");
    }
    p = need(b, p, 40);
    done(b, LIT(p, "<button type=\"submit\">Save</button>\n</form>\n"));
}

/* ---- report -------------------------------------------------------------------------- */

static void report(hand_buf *b, const bench_data *d)
{
    const bench_report *r = &d->report;
    size_t title = slen(r->title);
    char *p = start(b, 160 + 5 * title);
    p = LIT(p, "<table class=\"report\">\n<caption>");
    p = put_esc(p, r->title, title);
    p = LIT(p, "</caption>\n<tr><th>#</th><th>item</th><th>qty</th><th>price</th><th>ratio</th>"
               "<th>total</th><th>trend</th></tr>\n");
    for (size_t i = 0; i < r->n; i++) {
        const bench_line *l = &r->lines[i];
        size_t item = slen(l->item);
        p = need(b, p, 200 + 5 * item + 3 * 20 + 11 + 2 * 24);
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
        p = put_esc(p, l->item, item);
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
    size_t title = slen(l->title), desc = slen(l->description), user = slen(l->user);
    char *p = start(b, 300 + 5 * (title + desc + user));
    p = LIT(p, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    p = put_esc(p, l->title, title);
    p = LIT(p, "</title>\n<meta name=\"description\" content=\"");
    p = put_esc(p, l->description, desc);
    p = LIT(p, "\">\n</head>\n<body>\n<nav class=\"top\"><a href=\"/\">Home</a> <span "
               "class=\"user\">");
    p = put_esc(p, l->user, user);
    p = LIT(p, "</span></nav>\n<main>\n");
    for (size_t i = 0; i < l->n; i++) {
        const bench_section *s = &l->sections[i];
        size_t st = slen(s->title);
        p = need(b, p, 40 + 5 * st);
        p = LIT(p, "<section>\n<h2>");
        p = put_esc(p, s->title, st);
        p = LIT(p, "</h2>\n");
        for (size_t j = 0; j < s->n; j++) {
            const bench_card *c = &s->cards[j];
            size_t ct = slen(c->title), body = slen(c->body), href = slen(c->href);
            p = need(b, p, 240 + 5 * (ct + body) + 2 * URL_MAX(href) + 20);
            p = LIT(p, "<div class=\"card\">\n<h3><a href=\"");
            p = put_url(p, c->href, href);
            p = LIT(p, "\">");
            p = put_esc(p, c->title, ct);
            p = LIT(p, "</a></h3>\n<div class=\"actions\"><a href=\"");
            p = put_url(p, c->href, href);
            p = LIT(p, "/edit\">edit</a></div>\n<p class=\"stat\"><b>");
            p = put_i64(p, c->count);
            p = LIT(p, "</b> ");
            p = put_esc(p, c->body, body);
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
