/* starch_sse.h — the starch engine's sse-fragment: one ProductCard rendered straight into
 * a Datastar patch-elements event with the runtime's SSE writer (starch_sse_*).
 *
 * The SSE writer is being built on another branch. bench/run links starch_sse_live.c (the
 * adapter over starch_sse_*, to be written when the writer lands) when it exists, else the
 * stub starch_sse.c, which reports the benchmark as skipped and says why. */
#ifndef BENCH_STARCH_SSE_H
#define BENCH_STARCH_SSE_H

#include <stdbool.h>

#include "bench_data.h"
#include "starch.h"

/* Why the benchmark is skipped while the stub is linked. */
extern const char bench_starch_sse_missing[];

/* Whether bench_starch_sse_fragment works in this build. */
bool bench_starch_sse_available(void);

/* Writes the event "event: datastar-patch-elements\n", one "data: elements LINE\n" per
 * line of the rendered card, then "\n", into out. */
void bench_starch_sse_fragment(starch_out *out, const bench_product *p);

#endif
