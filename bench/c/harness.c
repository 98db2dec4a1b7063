/* harness.c — the protocol of harness.h: modes, warm-up and the timed loop.
 *
 * _GNU_SOURCE: dlsym(RTLD_DEFAULT, …) finds the allocation counter of alloccount.so when
 * it is preloaded (allocs mode). */
#define _GNU_SOURCE
#include "harness.h"

#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int write_all(const char *p, size_t n)
{
    return fwrite(p, 1, n, stdout) == n ? 0 : 1;
}

/* Renders for at least `ns` nanoseconds (and at least 3 times); returns ns per render. */
static double warm_up(const bench_engine *e, uint64_t ns)
{
    uint64_t t0 = now_ns(), t;
    unsigned long n = 0;
    do {
        e->render();
        n++;
        t = now_ns();
    } while (t - t0 < ns || n < 3);
    return (double)(t - t0) / (double)n;
}

/* Timed runs: each renders in batches (about 1 ms each) until min_ns has passed. */
static int timed(const bench_engine *e, double min_s, int runs)
{
    uint64_t min_ns = (uint64_t)(min_s * 1e9);
    double est = warm_up(e, min_ns / 2 > 50000000u ? min_ns / 2 : 50000000u);
    unsigned long batch = est >= 1e6 ? 1 : (unsigned long)(1e6 / est);
    size_t len;
    e->output(&len);
    printf("bytes %zu\n", len);
    for (int r = 0; r < runs; r++) {
        unsigned long iters = 0;
        uint64_t t0 = now_ns(), t;
        do {
            for (unsigned long i = 0; i < batch; i++)
                e->render();
            iters += batch;
            t = now_ns();
        } while (t - t0 < min_ns);
        printf("run %lu %llu\n", iters, (unsigned long long)(t - t0));
        fflush(stdout);
    }
    return 0;
}

static int allocs(const bench_engine *e, long n)
{
    unsigned long (*count)(void) =
        (unsigned long (*)(void))dlsym(RTLD_DEFAULT, "bench_alloc_count");
    if (count == NULL) {
        fprintf(stderr, "allocs: alloccount.so is not preloaded\n");
        return 2;
    }
    e->render();
    unsigned long before = count();
    for (long i = 0; i < n; i++)
        e->render();
    printf("allocs %lu %ld\n", count() - before, n);
    return 0;
}

int bench_main(const bench_engine *e, int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s BENCH DATA.json once|time MIN_S RUNS|count N|allocs N\n",
                argv[0]);
        return 2;
    }
    bench_data d;
    if (bench_data_load(&d, argv[2]) != 0)
        return 2;
    const char *skip = e->prepare(argv[1], &d);
    if (skip) {
        printf("skip %s\n", skip);
        return 3;
    }
    const char *mode = argv[3];
    int rc = 2;
    if (strcmp(mode, "once") == 0) {
        size_t len;
        e->render();
        const char *out = e->output(&len);
        rc = write_all(out, len);
    } else if (strcmp(mode, "time") == 0 && argc == 6) {
        rc = timed(e, atof(argv[4]), atoi(argv[5]));
    } else if (strcmp(mode, "count") == 0 && argc == 5) {
        long n = atol(argv[4]);
        for (long i = 0; i <= n; i++)
            e->render();
        rc = 0;
    } else if (strcmp(mode, "allocs") == 0 && argc == 5) {
        rc = allocs(e, atol(argv[4]));
    } else {
        fprintf(stderr, "%s: unknown mode or wrong arguments\n", argv[0]);
    }
    bench_data_free(&d);
    return rc;
}
