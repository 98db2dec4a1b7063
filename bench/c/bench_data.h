/* bench_data.h — the benchmark data as C structs, shared by the starch templates (through
 * their `{% c %}` block), the hand-written C engine and the loader (bench_data.c).
 *
 * Strings are NUL-terminated and owned by the loaded JSON document (bench_data_load); they
 * live until bench_data_free. */
#ifndef BENCH_DATA_H
#define BENCH_DATA_H

#include <stddef.h>

/* big-table: rows of ints (each row its own array, as a Vec<Vec<usize>> would be). */
typedef struct bench_table {
    const int *const *rows;
    size_t nrows;
    size_t ncols;
} bench_table;

/* teams */
typedef struct bench_team {
    const char *name;
    int score;
} bench_team;

typedef struct bench_teams {
    int year;
    const bench_team *teams;
    size_t nteams;
} bench_teams;

/* shop */
typedef struct bench_product {
    int id;
    const char *name;
    const char *description;
    const char *image;
    double price;
} bench_product;

typedef struct bench_link {
    const char *href;
    const char *label;
} bench_link;

typedef struct bench_shop {
    const char *title;
    const bench_link *nav;
    size_t nnav;
    const bench_product *products;
    size_t nproducts;
    const char *footer;
} bench_shop;

/* Everything in data.json. */
typedef struct bench_data {
    bench_table table;
    bench_teams teams;
    bench_shop shop;
    bench_product fragment; /* sse-fragment: one product card */
    void *doc;              /* the JSON document the strings point into */
    void *owned;            /* arrays allocated by the loader */
} bench_data;

/* Loads path into d. Returns 0, or -1 after printing why to stderr. */
int bench_data_load(bench_data *d, const char *path);

/* Frees what bench_data_load allocated. */
void bench_data_free(bench_data *d);

#endif
