/* starch_sse.c — stub of starch_sse.h, linked while there is no starch_sse_live.c.
 *
 * bench/run defines BENCH_SSE_IN_HEADER when runtime/include/starch.h declares starch_sse_
 * functions: then only the adapter is missing. To plug the SSE writer in, add
 * starch_sse_live.c implementing starch_sse.h with it (bench/run prefers that file):
 * begin a patch-elements event on out, render shop_ProductCard(…, p) straight into it,
 * end the event. */
#include "starch_sse.h"

#ifdef BENCH_SSE_IN_HEADER
const char bench_starch_sse_missing[] =
    "starch.h has starch_sse_*, but bench/c/starch_sse_live.c (the adapter) is not written yet";
#else
const char bench_starch_sse_missing[] =
    "starch_sse_* is not in runtime/include/starch.h yet (the Datastar SSE writer, issue 6)";
#endif

bool bench_starch_sse_available(void)
{
    return false;
}

void bench_starch_sse_fragment(starch_out *out, const bench_product *p)
{
    (void)out;
    (void)p;
}
