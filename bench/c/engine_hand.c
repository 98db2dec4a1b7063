/* engine_hand.c — hand-c: the hand-written twin of every page (hand.c), writing into one
 * buffer that is emptied and reused for every render. */
#include "harness.h"
#include "pages.h"

static hand_buf buf;
static const bench_data *data;
static int page;

static const char *prepare(const char *bench, const bench_data *d)
{
    data = d;
    page = bench_page_index(bench);
    return page < 0 ? "unknown benchmark" : NULL;
}

static void render(void)
{
    buf.len = 0;
    bench_hand_render(page, &buf, data);
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
    bench_hand_free(&buf);
    return rc;
}
