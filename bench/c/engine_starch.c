/* engine_starch.c — the starch engine: the generated renderers of bench/templates/
 * (pages_starch.c), writing into one starch_out that is cleared and reused for every
 * render, as a server would. */
#include "harness.h"
#include "pages.h"

static starch_out out;
static const bench_data *data;
static int page;

static const char *prepare(const char *bench, const bench_data *d)
{
    data = d;
    starch_out_init(&out);
    page = bench_page_index(bench);
    return page < 0 ? "unknown benchmark" : NULL;
}

static void render(void)
{
    starch_out_clear(&out);
    bench_starch_render(page, &out, data);
}

static const char *output(size_t *len)
{
    *len = starch_out_len(&out);
    return starch_out_data(&out);
}

int main(int argc, char **argv)
{
    static const bench_engine engine = {prepare, render, output};
    int rc = bench_main(&engine, argc, argv);
    starch_out_free(&out);
    return rc;
}
