/* bench_data.c — loads data.json (written by bench/lib/gendata.py) into the structs of
 * bench_data.h with jansson, and the C-only pages from bench_gen.c. Loading happens once,
 * before any timing. */
#include "bench_data.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

/* One allocation holds every array the structs point to; it is carved up in order. */
typedef struct arena {
    char *base;
    size_t used, cap;
} arena;

static void *arena_take(arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (a->cap - a->used < n)
        return NULL;
    void *p = a->base + a->used;
    a->used += n;
    return p;
}

static const char *str(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

static int num_int(json_t *obj, const char *key)
{
    return (int)json_integer_value(json_object_get(obj, key));
}

static int load_table(bench_table *t, json_t *rows, arena *a)
{
    size_t n = json_array_size(rows);
    size_t m = json_array_size(json_array_get(rows, 0));
    const int **rp = arena_take(a, n * sizeof *rp);
    if (rp == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int *row = arena_take(a, m * sizeof *row);
        if (row == NULL)
            return -1;
        for (size_t j = 0; j < m; j++)
            row[j] = (int)json_integer_value(json_array_get(json_array_get(rows, i), j));
        rp[i] = row;
    }
    t->rows = rp;
    t->nrows = n;
    t->ncols = m;
    return 0;
}

static int load_teams(bench_teams *t, json_t *obj, arena *a)
{
    json_t *arr = json_object_get(obj, "teams");
    size_t n = json_array_size(arr);
    bench_team *teams = arena_take(a, n * sizeof *teams);
    if (teams == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        teams[i].name = str(json_array_get(arr, i), "name");
        teams[i].score = num_int(json_array_get(arr, i), "score");
    }
    t->year = num_int(obj, "year");
    t->teams = teams;
    t->nteams = n;
    return 0;
}

static void load_product(bench_product *p, json_t *obj)
{
    p->id = num_int(obj, "id");
    p->name = str(obj, "name");
    p->description = str(obj, "description");
    p->image = str(obj, "image");
    p->price = json_number_value(json_object_get(obj, "price"));
}

static int load_shop(bench_shop *s, json_t *obj, arena *a)
{
    json_t *nav = json_object_get(obj, "nav");
    json_t *products = json_object_get(obj, "products");
    bench_link *links = arena_take(a, json_array_size(nav) * sizeof *links);
    bench_product *ps = arena_take(a, json_array_size(products) * sizeof *ps);
    if (links == NULL || ps == NULL)
        return -1;
    for (size_t i = 0; i < json_array_size(nav); i++) {
        links[i].href = str(json_array_get(nav, i), "href");
        links[i].label = str(json_array_get(nav, i), "label");
    }
    for (size_t i = 0; i < json_array_size(products); i++)
        load_product(&ps[i], json_array_get(products, i));
    s->title = str(obj, "title");
    s->nav = links;
    s->nnav = json_array_size(nav);
    s->products = ps;
    s->nproducts = json_array_size(products);
    s->footer = str(obj, "footer");
    return 0;
}

int bench_data_load(bench_data *d, const char *path)
{
    *d = (bench_data){0};
    json_error_t jerr;
    json_t *doc = json_load_file(path, 0, &jerr);
    if (doc == NULL) {
        fprintf(stderr, "%s:%d: %s\n", path, jerr.line, jerr.text);
        return -1;
    }
    arena a = {malloc(1 << 20), 0, 1 << 20};
    d->doc = doc;
    d->owned = a.base;
    if (a.base == NULL ||
        load_table(&d->table, json_object_get(json_object_get(doc, "big-table"), "rows"), &a) ||
        load_teams(&d->teams, json_object_get(doc, "teams"), &a) ||
        load_shop(&d->shop, json_object_get(doc, "shop"), &a)) {
        fprintf(stderr, "%s: out of memory or malformed data\n", path);
        bench_data_free(d);
        return -1;
    }
    load_product(&d->fragment, json_object_get(json_object_get(doc, "sse-fragment"), "product"));
    if (bench_gen(d, 0, false) != 0) {
        fprintf(stderr, "%s: out of memory\n", path);
        bench_data_free(d);
        return -1;
    }
    return 0;
}

void bench_data_free(bench_data *d)
{
    json_decref(d->doc);
    free(d->owned);
    bench_gen_free(d);
    d->doc = NULL;
    d->owned = NULL;
}
