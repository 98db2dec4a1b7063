/* bench_gen.c — the data of the C-only pages (bench_data.h), from a fixed generator.
 *
 * Seed 0 is the benchmark's data: realistic records, a few values that need escaping,
 * whole-cent prices. Every other seed is hostile data for the byte-for-byte check of
 * starch against the hand-written twins (check.c): strings with every byte value, NULL
 * strings, `javascript:` and odd URLs, `%` escapes, negative and extreme integers, doubles
 * at rounding ties, huge, tiny, negative zero, NaN and infinities. The generator is a
 * 64-bit LCG (the one of lib/gendata.py), so the data is the same on every machine. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_data.h"

/* Every allocation of one bench_gen call: a chain of blocks freed together. */
typedef struct block {
    struct block *next;
    size_t used, cap;
    _Alignas(16) char data[];
} block;

typedef struct gen {
    uint64_t x;
    bool hostile;
    block *blocks;
    bool failed;
} gen;

static void *take(gen *g, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (g->blocks == NULL || g->blocks->cap - g->blocks->used < n) {
        size_t cap = n > (1u << 20) ? n : (1u << 20);
        block *b = malloc(sizeof *b + cap);
        if (b == NULL) {
            g->failed = true;
            return NULL;
        }
        b->next = g->blocks;
        b->used = 0;
        b->cap = cap;
        g->blocks = b;
    }
    void *p = g->blocks->data + g->blocks->used;
    g->blocks->used += n;
    return p;
}

static uint64_t next(gen *g, uint64_t n)
{
    g->x = g->x * 6364136223846793005u + 1442695040888963407u;
    return (g->x >> 33) % n;
}

static const char *copy(gen *g, const char *s, size_t n)
{
    char *p = take(g, n + 1);
    if (p == NULL)
        return "";
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

/* Hostile strings: pieces that stress an escaper or a URL filter, and random bytes 1-255
 * (a C string holds no NUL). One in twelve is NULL, which a page writes as nothing. */
static const char *const pieces[] = {
    "&",
    "<",
    ">",
    "\"",
    "'",
    "&amp;",
    "</p>",
    "<script>",
    " ",
    "\t",
    "\n",
    "\r",
    "%",
    "%41",
    "%zz",
    "%4",
    "?",
    "#",
    "/",
    ":",
    "javascript:",
    "JaVaScRiPt:",
    "java\tscript:",
    "\x01javascript:",
    "http://",
    "https://",
    "mailto:",
    "tel:",
    "data:",
    "HTTP:",
    "vbscript:",
    ":x",
    "a-b.c+d:",
    "\xc3\xa9",
    "\xe2\x80\xa8",
    "\xff",
    "\x80",
    "\\",
    "^",
    "`",
    "{",
    "|",
    "}",
    "~",
    "=",
    "+",
    "x",
    "abc",
    "Hello, world.",
    "0123456789",
    "$",
    "@",
    "\x7f",
};

static const char *hostile_str(gen *g, size_t max)
{
    if (next(g, 12) == 0)
        return NULL;
    char tmp[1024];
    size_t n = 0, len = next(g, max + 1);
    while (n < len) {
        if (next(g, 3) == 0) {
            tmp[n++] = (char)(1 + next(g, 255));
        } else {
            const char *pc = pieces[next(g, sizeof pieces / sizeof *pieces)];
            size_t k = strlen(pc);
            if (n + k > sizeof tmp - 1)
                break;
            memcpy(tmp + n, pc, k);
            n += k;
        }
    }
    return copy(g, tmp, n);
}

static const char *str(gen *g, const char *plain, size_t max)
{
    return g->hostile ? hostile_str(g, max) : plain;
}

static int64_t hostile_i64(gen *g)
{
    static const int64_t edge[] = {0,
                                   1,
                                   -1,
                                   9,
                                   10,
                                   99,
                                   100,
                                   -100,
                                   999,
                                   1000,
                                   -1000,
                                   -1001,
                                   1001,
                                   INT32_MAX,
                                   INT32_MIN,
                                   (int64_t)INT32_MAX + 1,
                                   (int64_t)UINT32_MAX,
                                   (int64_t)UINT32_MAX + 1,
                                   INT64_MAX,
                                   INT64_MIN,
                                   INT64_MIN + 1,
                                   4294967296000,
                                   -99999999999};
    if (next(g, 2) == 0)
        return edge[next(g, sizeof edge / sizeof *edge)];
    int64_t v = (int64_t)((next(g, 1u << 31) << 33) ^ (next(g, 1u << 31) << 2) ^ next(g, 4));
    return v >> next(g, 63);
}

static int hostile_int(gen *g)
{
    static const int edge[] = {0, 1, -1, 9, 10, 99, 100, -99, INT32_MAX, INT32_MIN, 1000000000};
    if (next(g, 2) == 0)
        return edge[next(g, sizeof edge / sizeof *edge)];
    return (int)(int32_t)(uint32_t)(next(g, 1u << 31) << 1 ^ next(g, 2)) >> next(g, 31);
}

/* Doubles where %.Nf is easy to get wrong: ties of the decimal digit after the last
 * written one (exact in binary, like 0.125, and near ties that are not, like 2.675), sub-
 * cent values, negative zero and negatives rounding to zero, 2^53 and beyond, 2^64 and
 * beyond, subnormals, NaN and infinities. */
static double hostile_double(gen *g)
{
    static const double edge[] = {0.0,
                                  -0.0,
                                  0.5,
                                  1.5,
                                  2.5,
                                  0.125,
                                  0.375,
                                  -0.125,
                                  2.675,
                                  1.005,
                                  0.045,
                                  1234.565,
                                  0.0005,
                                  0.0015,
                                  -0.0049,
                                  -0.004,
                                  0.995,
                                  9.995,
                                  99.995,
                                  999.9995,
                                  1e-300,
                                  5e-324,
                                  -5e-324,
                                  0.05,
                                  0.25,
                                  9007199254740992.0,
                                  9007199254740993.0,
                                  4503599627370495.5,
                                  1.8446744073709552e19,
                                  1e19,
                                  1e20,
                                  1e300,
                                  -1e300,
                                  1e308,
                                  123456789.125,
                                  -123456789.125,
                                  0.1,
                                  0.2,
                                  0.3};
    switch (next(g, 6)) {
    case 0: return edge[next(g, sizeof edge / sizeof *edge)];
    case 1: return next(g, 2) ? NAN : (next(g, 2) ? INFINITY : -INFINITY);
    case 2: return (double)(int64_t)(next(g, 2000001) - 1000000) / 8.0; /* exact ties */
    case 3: return (double)(int64_t)(next(g, 20000001) - 10000000) / 1000.0;
    case 4: return ldexp((double)next(g, 1u << 30) - (double)(1u << 29), (int)next(g, 120) - 60);
    default: return (double)(int64_t)(next(g, 2000001) - 1000000) / 100.0;
    }
}

/* ---- the pages ----------------------------------------------------------------------- */

static void make_grid(gen *g, bench_grid *grid)
{
    size_t rows = g->hostile ? next(g, 8) : 50, cols = g->hostile ? next(g, 9) : 40;
    int *cells = take(g, rows * cols * sizeof *cells + 1);
    if (cells == NULL)
        return;
    for (size_t i = 0; i < rows * cols; i++)
        cells[i] = g->hostile ? hostile_int(g) : (int)next(g, 2000) - 700;
    *grid = (bench_grid){cells, rows, cols};
}

static const char *const first_names[] = {
    "Ada",    "Grace",   "Linus",   "Ken",   "Dennis", "Barbara", "Margaret", "Edsger",
    "Donald", "Frances", "Niklaus", "Radia", "Brian",  "Bjarne",  "Guido",    "Anita"};
static const char *const last_names[] = {
    "Lovelace", "Hopper", "Torvalds", "Thompson", "Ritchie",   "Liskov", "Hamilton",  "Dijkstra",
    "Knuth",    "Allen",  "Wirth",    "Perlman",  "Kernighan", "O'Neil", "Smith & Co"};

static void make_people(gen *g, bench_people *l)
{
    size_t n = g->hostile ? next(g, 12) : 200;
    bench_person *ps = take(g, n * sizeof *ps + 1);
    if (ps == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        const char *first = first_names[next(g, 16)], *last = last_names[next(g, 15)];
        char name[64], email[96];
        snprintf(name, sizeof name, "%s %s", first, last);
        snprintf(email, sizeof email, "%s.%zu@example.com", first, i + 1);
        ps[i] = (bench_person){
            .id = g->hostile ? hostile_i64(g) : (int64_t)(100000 + 37 * i),
            .name = g->hostile ? hostile_str(g, 40) : copy(g, name, strlen(name)),
            .email = g->hostile ? hostile_str(g, 40) : copy(g, email, strlen(email)),
            .age = g->hostile ? hostile_int(g) : (int)(18 + next(g, 60)),
            .admin = next(g, 10) == 0,
        };
    }
    *l = (bench_people){ps, n};
}

static const char *const words[] = {
    "the",        "template", "compiler", "writes", "C",       "that",   "renders", "a",
    "page",       "in",       "one",      "pass",   "through", "buffer", "with",    "no",
    "allocation", "per",      "render",   "and",    "every",   "value",  "is",      "escaped",
    "for",        "its",      "context",  "while",  "static",  "text",   "copied",  "as",
    "it",         "stands",   "of",       "bytes",  "fast",    "server", "request", "response"};

/* A paragraph of about `len` bytes of words, sentences ending in a period; one in five
 * paragraphs holds an `&`, a `<` or quotes. */
static const char *paragraph(gen *g, size_t len, size_t k)
{
    char tmp[1100];
    size_t n = 0;
    bool start = true;
    while (n < len && n + 40 < sizeof tmp) {
        const char *w = words[next(g, sizeof words / sizeof *words)];
        size_t wl = strlen(w);
        memcpy(tmp + n, w, wl);
        if (start)
            tmp[n] = (char)(tmp[n] >= 'a' && tmp[n] <= 'z' ? tmp[n] - 32 : tmp[n]);
        n += wl;
        start = next(g, 9) == 0;
        if (start)
            tmp[n++] = '.';
        tmp[n++] = ' ';
    }
    if (k % 5 == 3)
        n += (size_t)snprintf(tmp + n, sizeof tmp - n, "Tom & Jerry say \"x < y\" isn't news");
    tmp[n++] = '.';
    return copy(g, tmp, n);
}

static void make_article(gen *g, bench_article *a)
{
    size_t n = g->hostile ? next(g, 6) : 40;
    const char **ps = take(g, n * sizeof *ps + 1);
    if (ps == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        ps[i] = g->hostile ? hostile_str(g, 300) : paragraph(g, 300 + next(g, 700), i);
    *a = (bench_article){str(g, "Why templates should compile to C", 60), ps, n};
}

static const char *const field_names[] = {"name",    "email",      "city",  "zip",       "phone",
                                          "company", "newsletter", "terms", "dark_mode", "beta"};

static void make_form(gen *g, bench_form *f)
{
    size_t n = g->hostile ? next(g, 10) : 40;
    bench_field *fs = take(g, n * sizeof *fs + 1);
    if (fs == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        const char *base = field_names[i % 10];
        bool box = i % 10 >= 6;
        fs[i] = (bench_field){
            .name = g->hostile ? hostile_str(g, 20) : NULL,
            .label = str(g, NULL, 30),
            .value = g->hostile ? hostile_str(g, 40) : NULL,
            .help = g->hostile ? hostile_str(g, 40) : NULL,
            .topic = g->hostile ? hostile_str(g, 20) : NULL,
            .checkbox = g->hostile ? next(g, 2) == 0 : box,
            .checked = next(g, 2) == 0,
            .required = next(g, 3) == 0,
            .disabled = next(g, 7) == 0,
        };
        if (!g->hostile) {
            char tmp[96];
            snprintf(tmp, sizeof tmp, "%s_%zu", base, i / 10);
            fs[i].name = copy(g, tmp, strlen(tmp));
            snprintf(tmp, sizeof tmp, "Your %s%s", base, i % 7 == 3 ? " (\"work\" & home)" : "");
            fs[i].label = copy(g, tmp, strlen(tmp));
            snprintf(tmp, sizeof tmp, i % 4 == 1 ? "O'Brien & Sons <%zu>" : "value %zu", i);
            fs[i].value = copy(g, tmp, strlen(tmp));
            snprintf(tmp, sizeof tmp, "https://help.example.com/fields/%s?lang=en&v=%zu", base, i);
            fs[i].help = copy(g, tmp, strlen(tmp));
            snprintf(tmp, sizeof tmp, "%s settings", base);
            fs[i].topic = copy(g, tmp, strlen(tmp));
        }
    }
    *f =
        (bench_form){str(g, "Account settings", 40), str(g, "/account/settings?step=2", 60), fs, n};
}

static const char *const items[] = {"Widget",     "Gadget", "Sprocket", "Flange", "Gear <M4>",
                                    "Bolt & nut", "Washer", "Spring",   "Valve",  "Bearing"};

static void make_report(gen *g, bench_report *r)
{
    size_t n = g->hostile ? next(g, 12) : 200;
    bench_line *ls = take(g, n * sizeof *ls + 1);
    if (ls == NULL)
        return;
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        int qty = g->hostile ? hostile_int(g) : (int)(1 + next(g, 500));
        double price = g->hostile ? hostile_double(g) : (double)(99 + next(g, 99900)) / 100.0;
        ls[i] = (bench_line){
            .id = g->hostile ? hostile_i64(g) : (int64_t)(4000000000 + 7919 * i),
            .item = str(g, items[next(g, 10)], 30),
            .qty = qty,
            .price = price,
            .ratio = g->hostile ? hostile_double(g) : (double)next(g, 1000000) / 65536.0,
            .total = g->hostile ? hostile_i64(g) : (int64_t)qty * (int64_t)(price * 100.0 + 0.5),
            .delta = g->hostile ? hostile_i64(g) : (int64_t)next(g, 6001) - 3000,
        };
        sum += g->hostile ? 0 : ls[i].total;
    }
    *r = (bench_report){str(g, "Q3 orders", 40), ls, n, g->hostile ? hostile_i64(g) : sum,
                        g->hostile ? hostile_double(g) : (double)sum / (double)(n ? n : 1)};
}

static void make_layout(gen *g, bench_layout *l)
{
    size_t ns = g->hostile ? next(g, 4) : 6;
    bench_section *ss = take(g, ns * sizeof *ss + 1);
    if (ss == NULL)
        return;
    for (size_t i = 0; i < ns; i++) {
        size_t nc = g->hostile ? next(g, 4) : 8;
        bench_card *cs = take(g, nc * sizeof *cs + 1);
        if (cs == NULL)
            return;
        for (size_t j = 0; j < nc; j++) {
            char title[64], href[64];
            snprintf(title, sizeof title, "%s %zu", words[next(g, 40)], j + 1);
            snprintf(href, sizeof href, "/sections/%zu/cards/%zu", i + 1, j + 1);
            cs[j] = (bench_card){
                .title = g->hostile ? hostile_str(g, 30) : copy(g, title, strlen(title)),
                .body = g->hostile ? hostile_str(g, 60) : words[next(g, 40)],
                .href = g->hostile ? hostile_str(g, 40) : copy(g, href, strlen(href)),
                .count = g->hostile ? hostile_i64(g) : (int64_t)next(g, 100000),
                .hot = next(g, 3) == 0,
            };
        }
        char title[64];
        snprintf(title, sizeof title, "Section %zu & more", i + 1);
        ss[i] = (bench_section){g->hostile ? hostile_str(g, 30) : copy(g, title, strlen(title)), cs,
                                nc};
    }
    *l = (bench_layout){str(g, "Dashboard", 40), str(g, "Your \"numbers\" at a glance", 60),
                        str(g, "ada@example.com", 30), ss, ns};
}

/* ---- the pages of data.json, hostile (seed > 0 only) --------------------------------- */

static void make_table(gen *g, bench_table *t)
{
    size_t nrows = next(g, 5), ncols = next(g, 6);
    const int **rows = take(g, nrows * sizeof *rows + 1);
    if (rows == NULL)
        return;
    for (size_t i = 0; i < nrows; i++) {
        int *row = take(g, ncols * sizeof *row + 1);
        if (row == NULL)
            return;
        for (size_t j = 0; j < ncols; j++)
            row[j] = hostile_int(g);
        rows[i] = row;
    }
    *t = (bench_table){rows, nrows, ncols};
}

static void make_product(gen *g, bench_product *p)
{
    *p = (bench_product){(int)hostile_int(g), hostile_str(g, 40), hostile_str(g, 80),
                         hostile_str(g, 60), hostile_double(g)};
}

static void make_teams_shop(gen *g, bench_data *d)
{
    size_t nt = next(g, 6);
    bench_team *ts = take(g, nt * sizeof *ts + 1);
    size_t nn = next(g, 5);
    bench_link *ls = take(g, nn * sizeof *ls + 1);
    size_t np = next(g, 6);
    bench_product *ps = take(g, np * sizeof *ps + 1);
    if (ts == NULL || ls == NULL || ps == NULL)
        return;
    for (size_t i = 0; i < nt; i++)
        ts[i] = (bench_team){hostile_str(g, 30), hostile_int(g)};
    for (size_t i = 0; i < nn; i++)
        ls[i] = (bench_link){hostile_str(g, 40), hostile_str(g, 30)};
    for (size_t i = 0; i < np; i++)
        make_product(g, &ps[i]);
    d->teams = (bench_teams){hostile_int(g), ts, nt};
    d->shop = (bench_shop){hostile_str(g, 30), ls, nn, ps, np, hostile_str(g, 60)};
    make_product(g, &d->fragment);
}

int bench_gen(bench_data *d, unsigned long seed, bool all_pages)
{
    gen g = {.x = 2015 + 7919 * (uint64_t)seed, .hostile = seed > 0};
    make_grid(&g, &d->grid);
    make_people(&g, &d->people);
    make_article(&g, &d->article);
    make_form(&g, &d->form);
    make_report(&g, &d->report);
    make_layout(&g, &d->layout);
    if (all_pages) {
        make_table(&g, &d->table);
        make_teams_shop(&g, d);
    }
    d->gen = g.blocks;
    if (g.failed) {
        bench_gen_free(d);
        return -1;
    }
    return 0;
}

void bench_gen_free(bench_data *d)
{
    for (block *b = d->gen, *nx; b; b = nx) {
        nx = b->next;
        free(b);
    }
    d->gen = NULL;
}
