/* harness.h — the command line and timing loop shared by the C engines (starch, hand-c).
 *
 * An engine renders one benchmark into its own reused buffer. The harness speaks the
 * protocol every engine of bench/run speaks (see bench/README.md, "Engine protocol"):
 *
 *   ENGINE BENCH DATA.json once            the output, once, on stdout
 *   ENGINE BENCH DATA.json time MIN_S RUNS  "bytes N", then RUNS lines "run ITERS NS"
 *   ENGINE BENCH DATA.json count N          one warm-up render, then N renders, silently
 *                                           (run under cachegrind: N minus 0 renders)
 *   ENGINE BENCH DATA.json allocs N         one warm-up render, then N renders; prints
 *                                           "allocs COUNT N" (needs alloccount.so preloaded)
 *
 * An engine that cannot render a benchmark prints "skip REASON" and exits 3. */
#ifndef BENCH_HARNESS_H
#define BENCH_HARNESS_H

#include <stddef.h>

#include "bench_data.h"

typedef struct bench_engine {
    /* Sets up benchmark `bench` over d. Returns NULL when ready, or why it is skipped. */
    const char *(*prepare)(const char *bench, const bench_data *d);
    /* Renders once, from an empty (reused) buffer. */
    void (*render)(void);
    /* The last render's bytes. */
    const char *(*output)(size_t *len);
} bench_engine;

/* Runs the protocol for engine e; returns the process exit code. */
int bench_main(const bench_engine *e, int argc, char **argv);

#endif
