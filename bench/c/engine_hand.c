/* engine_hand.c — hand-c: the fastest straightforward C a skilled programmer writes for the
 * same output as the starch templates, the practical limit starch is measured against.
 *
 * One growable buffer reused across renders; room reserved once per row, team or card (the
 * worst case: 5 output bytes per escaped input byte, 11 per int), then written through a
 * local cursor with no further checks; integers through a two-digit table; escaping
 * table-driven, copying runs of safe bytes with memcpy; the price as fixed-point cents. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

typedef struct hbuf {
    char *data;
    size_t len, cap;
} hbuf;

static hbuf buf;
static const bench_data *data;
static void (*render_fn)(void);

/* Commits the bytes up to p and returns a cursor with room for n more bytes. A failed
 * allocation ends the benchmark: this is a driver, not a library. */
static char *need(char *p, size_t n)
{
    if (p)
        buf.len = (size_t)(p - buf.data);
    if (buf.cap - buf.len < n) {
        size_t cap = buf.cap ? buf.cap : 4096;
        while (cap - buf.len < n)
            cap *= 2;
        buf.data = realloc(buf.data, cap);
        if (buf.data == NULL)
            abort();
        buf.cap = cap;
    }
    return buf.data + buf.len;
}

static void done(char *p)
{
    buf.len = (size_t)(p - buf.data);
}

#define LIT(p, s) (memcpy((p), (s), sizeof(s) - 1), (p) + sizeof(s) - 1)

static const char digits2[201] = "00010203040506070809101112131415161718192021222324"
                                 "25262728293031323334353637383940414243444546474849"
                                 "50515253545556575859606162636465666768697071727374"
                                 "75767778798081828384858687888990919293949596979899";

static inline unsigned ndigits(uint32_t v)
{
    unsigned n = 1;
    for (;;) {
        if (v < 10)
            return n;
        if (v < 100)
            return n + 1;
        if (v < 1000)
            return n + 2;
        if (v < 10000)
            return n + 3;
        v /= 10000;
        n += 4;
    }
}

/* Writes v in decimal (at most 10 bytes), two digits at a time from the end. */
static inline char *put_u32(char *p, uint32_t v)
{
    char *end = p + ndigits(v), *q = end;
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

/* At most 11 bytes. */
static inline char *put_int(char *p, int v)
{
    if (v < 0) {
        *p++ = '-';
        return put_u32(p, 0u - (uint32_t)v);
    }
    return put_u32(p, (uint32_t)v);
}

/* A price with two decimals, as printf's %.2f writes it for values that are whole cents. */
static inline char *put_price(char *p, double v)
{
    uint32_t cents = (uint32_t)(v * 100.0 + 0.5);
    p = put_u32(p, cents / 100);
    *p++ = '.';
    memcpy(p, digits2 + 2 * (cents % 100), 2);
    return p + 2;
}

/* The five escaped bytes and their spellings; every other byte is copied as it is. */
static const char *const escapes[256] = {
    ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&#34;", ['\''] = "&#39;",
};
static const unsigned char escape_len[256] = {
    ['&'] = 5, ['<'] = 4, ['>'] = 4, ['"'] = 5, ['\''] = 5,
};
#define ESCAPE_MAX 5

/* Writes s[0..n) HTML-escaped at p (room for ESCAPE_MAX * n bytes reserved). */
static char *put_esc(char *p, const char *s, size_t n)
{
    const char *run = s, *end = s + n;
    for (; s < end; s++) {
        unsigned char c = (unsigned char)*s;
        if (escape_len[c]) {
            memcpy(p, run, (size_t)(s - run));
            p += s - run;
            memcpy(p, escapes[c], escape_len[c]);
            p += escape_len[c];
            run = s + 1;
        }
    }
    memcpy(p, run, (size_t)(end - run));
    return p + (end - run);
}

/* ---- big-table ---------------------------------------------------------------------- */

static void big_table(void)
{
    const bench_table *t = &data->table;
    char *p = need(NULL, 8);
    p = LIT(p, "<table>\n");
    for (size_t i = 0; i < t->nrows; i++) {
        const int *row = t->rows[i];
        p = need(p, 10 + t->ncols * (9 + 11));
        p = LIT(p, "<tr>");
        for (size_t j = 0; j < t->ncols; j++) {
            p = LIT(p, "<td>");
            p = put_int(p, row[j]);
            p = LIT(p, "</td>");
        }
        p = LIT(p, "</tr>\n");
    }
    p = need(p, 9);
    done(LIT(p, "</table>\n"));
}

/* ---- teams -------------------------------------------------------------------------- */

static void teams(void)
{
    const bench_teams *d = &data->teams;
    char *p = need(NULL, 128);
    p = LIT(p, "<html>\n  <head>\n    <title>");
    p = put_int(p, d->year);
    p = LIT(p, "</title>\n  </head>\n  <body>\n    <h1>CSL ");
    p = put_int(p, d->year);
    p = LIT(p, "</h1>\n    <ul>\n");
    for (size_t i = 0; i < d->nteams; i++) {
        const bench_team *t = &d->teams[i];
        size_t n = strlen(t->name);
        p = need(p, 64 + ESCAPE_MAX * n + 11);
        p = LIT(p, "      <li class=\"");
        if (i == 0)
            p = LIT(p, "champion");
        p = LIT(p, "\">\n        <b>");
        p = put_esc(p, t->name, n);
        p = LIT(p, "</b>: ");
        p = put_int(p, t->score);
        p = LIT(p, "\n      </li>\n");
    }
    p = need(p, 40);
    done(LIT(p, "    </ul>\n  </body>\n</html>\n"));
}

/* ---- shop --------------------------------------------------------------------------- */

static char *card(char *p, const bench_product *c)
{
    size_t name = strlen(c->name), desc = strlen(c->description), img = strlen(c->image);
    p = need(p, 320 + ESCAPE_MAX * (2 * name + desc + img) + 3 * 11 + 16);
    p = LIT(p, "<article class=\"card\" id=\"product-");
    p = put_int(p, c->id);
    p = LIT(p, "\">\n  <a href=\"/products/");
    p = put_int(p, c->id);
    p = LIT(p, "\"><img src=\"");
    p = put_esc(p, c->image, img);
    p = LIT(p, "\" alt=\"");
    p = put_esc(p, c->name, name);
    p = LIT(p, "\" width=\"240\" height=\"180\"></a>\n  <h2 class=\"card-title\">");
    p = put_esc(p, c->name, name);
    p = LIT(p, "</h2>\n  <p class=\"card-desc\">");
    p = put_esc(p, c->description, desc);
    p = LIT(p, "</p>\n  <p class=\"card-price\">$");
    p = put_price(p, c->price);
    p = LIT(p, "</p>\n  <button class=\"add\" data-on:click=\"@post('/cart/");
    p = put_int(p, c->id);
    return LIT(p, "')\">Add to cart</button>\n</article>\n");
}

static void shop(void)
{
    const bench_shop *s = &data->shop;
    size_t title = strlen(s->title);
    char *p = need(NULL, 400 + 2 * ESCAPE_MAX * title);
    p = LIT(p, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    p = put_esc(p, s->title, title);
    p = LIT(p, "</title>\n<link rel=\"stylesheet\" href=\"/static/shop.css\">\n"
               "<script type=\"module\" src=\"/static/datastar.js\"></script>\n</head>\n<body>\n"
               "<header class=\"site-header\">\n  <a class=\"logo\" href=\"/\">");
    p = put_esc(p, s->title, title);
    p = LIT(p, "</a>\n  <nav>\n    <ul>\n");
    for (size_t i = 0; i < s->nnav; i++) {
        size_t href = strlen(s->nav[i].href), label = strlen(s->nav[i].label);
        p = need(p, 32 + ESCAPE_MAX * (href + label));
        p = LIT(p, "      <li><a href=\"");
        p = put_esc(p, s->nav[i].href, href);
        p = LIT(p, "\">");
        p = put_esc(p, s->nav[i].label, label);
        p = LIT(p, "</a></li>\n");
    }
    p = need(p, 128);
    p = LIT(p, "    </ul>\n  </nav>\n  <div id=\"cart\" data-text=\"$cartCount\">0</div>\n"
               "</header>\n<main id=\"products\">\n");
    for (size_t i = 0; i < s->nproducts; i++)
        p = card(p, &s->products[i]);
    size_t footer = strlen(s->footer);
    p = need(p, 96 + ESCAPE_MAX * footer);
    p = LIT(p, "</main>\n<footer class=\"site-footer\">\n  <p>");
    p = put_esc(p, s->footer, footer);
    done(LIT(p, "</p>\n</footer>\n</body>\n</html>\n"));
}

/* ---- sse-fragment ------------------------------------------------------------------- */

/* The card is rendered into a scratch buffer, then copied into the event line by line
 * after a "data: elements " prefix. Lines end at \n, \r\n or \r (the client takes all
 * three); a fragment ending in a line break ends with an empty data line, as the Datastar
 * SDKs write it. */
static hbuf scratch;

static void sse_fragment(void)
{
    hbuf event = buf;
    buf = scratch;
    buf.len = 0;
    done(card(need(NULL, 0), &data->fragment));
    scratch = buf;
    buf = event;

    static const char prefix[] = "data: elements ";
    const char *s = scratch.data, *end = s + scratch.len;
    /* Worst case: every byte a line end, each line a prefix and a newline. */
    char *p = need(NULL, 34 + scratch.len * sizeof prefix + sizeof prefix);
    p = LIT(p, "event: datastar-patch-elements\n");
    for (;;) {
        const char *eol = s;
        while (eol < end && *eol != '\n' && *eol != '\r')
            eol++;
        p = LIT(p, prefix);
        memcpy(p, s, (size_t)(eol - s));
        p += eol - s;
        *p++ = '\n';
        if (eol == end)
            break;
        s = eol + (eol[0] == '\r' && eol + 1 < end && eol[1] == '\n' ? 2 : 1);
    }
    *p++ = '\n';
    done(p);
}

/* ---- the engine --------------------------------------------------------------------- */

static const char *prepare(const char *bench, const bench_data *d)
{
    data = d;
    if (strcmp(bench, "big-table") == 0)
        render_fn = big_table;
    else if (strcmp(bench, "teams") == 0)
        render_fn = teams;
    else if (strcmp(bench, "shop") == 0)
        render_fn = shop;
    else if (strcmp(bench, "sse-fragment") == 0)
        render_fn = sse_fragment;
    else
        return "unknown benchmark";
    return NULL;
}

static void render(void)
{
    buf.len = 0;
    render_fn();
}

static const char *output(size_t *len)
{
    *len = buf.len;
    return buf.data;
}

int main(int argc, char **argv)
{
    static const bench_engine engine = {prepare, render, output};
    int rc = bench_main(&engine, argc, argv);
    free(buf.data);
    free(scratch.data);
    return rc;
}
