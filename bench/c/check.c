/* check.c — the bench-check suite (make test): every page of bench/ rendered by starch
 * and by its hand-written twin must be the same bytes, on the benchmark's data and on
 * hostile data (bench_gen seeds 1..N: every byte value, NULL strings, refused URLs,
 * extreme integers, doubles at rounding ties, NaN, infinities); and a render into a
 * reused buffer, once it has grown, must allocate nothing, in either engine.
 *
 * Allocations are counted by wrapping malloc, calloc and realloc at link time
 * (-Wl,--wrap=...): every call from the generated code, libstarch and the hand twins
 * goes through the counters below.
 *
 * usage: bench-check [SEEDS]   TAP on stdout, one line per page and property. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pages.h"

static unsigned long allocs;

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);

void *__wrap_malloc(size_t n)
{
    allocs++;
    return __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t m)
{
    allocs++;
    return __real_calloc(n, m);
}

void *__wrap_realloc(void *p, size_t n)
{
    allocs++;
    return __real_realloc(p, n);
}

/* Prints where a and b first differ, with some context. */
static void show_difference(const char *a, size_t na, const char *b, size_t nb)
{
    size_t i = 0;
    while (i < na && i < nb && a[i] == b[i])
        i++;
    size_t from = i > 60 ? i - 60 : 0;
    printf("#   first difference at byte %zu (starch %zu bytes, hand-c %zu)\n", i, na, nb);
    printf("#   starch: %.*s\n", (int)((na - from) < 120 ? na - from : 120), a + from);
    printf("#   hand-c: %.*s\n", (int)((nb - from) < 120 ? nb - from : 120), b + from);
}

/* Renders `page` of d in both engines into their reused buffers; 0 when equal. */
static int same(int page, const bench_data *d, starch_out *out, hand_buf *hb, unsigned long seed)
{
    starch_out_clear(out);
    bench_starch_render(page, out, d);
    hb->len = 0;
    bench_hand_render(page, hb, d);
    size_t n = starch_out_len(out);
    if (out->err == 0 && n == hb->len && memcmp(starch_out_data(out), hb->data, n) == 0)
        return 0;
    printf("#   %s, seed %lu: outputs differ%s\n", bench_page_names[page], seed,
           out->err ? " (starch_out error)" : "");
    show_difference(starch_out_data(out), n, hb->data, hb->len);
    return 1;
}

/* Allocations of 3 renders of each engine after a warm-up render (the buffers grown). */
static int no_allocs(int page, const bench_data *d, starch_out *out, hand_buf *hb,
                     unsigned long seed)
{
    starch_out_clear(out);
    bench_starch_render(page, out, d);
    unsigned long before = allocs;
    for (int i = 0; i < 3; i++) {
        starch_out_clear(out);
        bench_starch_render(page, out, d);
    }
    unsigned long s = allocs - before;
    hb->len = 0;
    bench_hand_render(page, hb, d);
    before = allocs;
    for (int i = 0; i < 3; i++) {
        hb->len = 0;
        bench_hand_render(page, hb, d);
    }
    unsigned long h = allocs - before;
    if (s == 0 && h == 0)
        return 0;
    printf("#   %s, seed %lu: %lu allocations in 3 starch renders, %lu in 3 hand-c renders\n",
           bench_page_names[page], seed, s, h);
    return 1;
}

int main(int argc, char **argv)
{
    unsigned long seeds = argc > 1 ? strtoul(argv[1], NULL, 10) : 300;
    int failed_out[BENCH_PAGE_COUNT] = {0}, failed_alloc[BENCH_PAGE_COUNT] = {0};
    starch_out out;
    starch_out_init(&out);
    hand_buf hb = {0};
    for (unsigned long seed = 0; seed <= seeds; seed++) {
        bench_data d = {0};
        if (bench_gen(&d, seed, true) != 0) {
            printf("Bail out! out of memory\n");
            return 1;
        }
        for (int page = 0; page < BENCH_PAGE_COUNT; page++) {
            if (failed_out[page] < 3)
                failed_out[page] += same(page, &d, &out, &hb, seed);
            if (failed_alloc[page] < 3)
                failed_alloc[page] += no_allocs(page, &d, &out, &hb, seed);
        }
        bench_gen_free(&d);
    }
    printf("1..%d\n", 2 * BENCH_PAGE_COUNT);
    int t = 0, bad = 0;
    for (int page = 0; page < BENCH_PAGE_COUNT; page++) {
        printf("%s %d - %s: starch and hand-c write the same bytes (%lu data sets)\n",
               failed_out[page] ? "not ok" : "ok", ++t, bench_page_names[page], seeds + 1);
        printf("%s %d - %s: no allocation per render into a reused buffer, either engine\n",
               failed_alloc[page] ? "not ok" : "ok", ++t, bench_page_names[page]);
        bad += failed_out[page] != 0;
        bad += failed_alloc[page] != 0;
    }
    starch_out_free(&out);
    bench_hand_free(&hb);
    return bad ? 1 : 0;
}
