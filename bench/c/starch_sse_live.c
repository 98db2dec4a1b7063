/* starch_sse_live.c — the starch engine's sse-fragment: the ProductCard component rendered
 * straight into a Datastar patch-elements event by the runtime's SSE writer (the
 * `data: elements ` prefixes are inserted as the bytes stream; no copy of the fragment). */
#include "starch_sse.h"

#include "shop.starch.h"

const char bench_starch_sse_missing[] = "";

bool bench_starch_sse_available(void)
{
    return true;
}

void bench_starch_sse_fragment(starch_out *out, const bench_product *p)
{
    starch_sse_stream st;
    shop_ProductCard(starch_sse_elements_begin(&st, out, NULL), p);
    starch_sse_elements_end(&st);
}
