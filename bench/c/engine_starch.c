/* engine_starch.c — the starch engine: the generated renderers of bench/templates/, writing
 * into one starch_out that is cleared and reused for every render, as a server would. */
#include <string.h>

#include "big_table.starch.h"
#include "harness.h"
#include "shop.starch.h"
#include "teams.starch.h"

static starch_out out;
static const bench_data *data;
static void (*render_fn)(void);

static void render_big_table(void)
{
    big_table_BigTable(&out, &data->table);
}

static void render_teams(void)
{
    teams_Teams(&out, &data->teams);
}

static void render_shop(void)
{
    shop_Shop(&out, &data->shop);
}

/* One ProductCard rendered straight into a Datastar patch-elements event: the SSE writer
 * inserts the `data: elements ` prefixes as the bytes stream, with no copy of the card. */
static void render_sse_fragment(void)
{
    starch_sse_stream st;
    shop_ProductCard(starch_sse_elements_begin(&st, &out, NULL), &data->fragment);
    starch_sse_elements_end(&st, NULL);
}

static const char *prepare(const char *bench, const bench_data *d)
{
    data = d;
    starch_out_init(&out);
    if (strcmp(bench, "big-table") == 0)
        render_fn = render_big_table;
    else if (strcmp(bench, "teams") == 0)
        render_fn = render_teams;
    else if (strcmp(bench, "shop") == 0)
        render_fn = render_shop;
    else if (strcmp(bench, "sse-fragment") == 0)
        render_fn = render_sse_fragment;
    else
        return "unknown benchmark";
    return NULL;
}

static void render(void)
{
    starch_out_clear(&out);
    render_fn();
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
