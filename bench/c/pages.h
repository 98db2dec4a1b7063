/* pages.h — every page of the C engines, by number: starch's renderer (pages_starch.c)
 * and its hand-written twin (hand.c) of each, for the engines and the check (check.c). */
#ifndef BENCH_PAGES_H
#define BENCH_PAGES_H

#include <starch.h>

#include "bench_data.h"

/* The pages, in the order bench/run lists them. */
#define BENCH_PAGE_COUNT 11
extern const char *const bench_page_names[BENCH_PAGE_COUNT];

/* The page's number, or -1 for an unknown name. */
int bench_page_index(const char *name);

/* Renders page `page` of d with the generated code, appending to out. */
void bench_starch_render(int page, starch_out *out, const bench_data *d);

/* The hand-written twins' buffer: grown with realloc, reused across renders. */
typedef struct hand_buf {
    char *data;
    size_t len, cap;
} hand_buf;

/* Renders page `page` of d by hand into b (from b->len; the caller empties it). A failed
 * allocation aborts: this is a benchmark driver, not a library. */
void bench_hand_render(int page, hand_buf *b, const bench_data *d);

/* Frees what b holds. */
void bench_hand_free(hand_buf *b);

#endif
