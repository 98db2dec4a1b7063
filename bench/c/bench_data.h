/* bench_data.h — the benchmark data as C structs, shared by the starch templates (through
 * their `{% c %}` block), the hand-written C engine and the loader (bench_data.c).
 *
 * Strings are NUL-terminated and owned by the loaded JSON document (bench_data_load); they
 * live until bench_data_free. */
#ifndef BENCH_DATA_H
#define BENCH_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* ---- the C-only pages (starch against its hand-written twin; bench_gen.c) ------------ */

/* grid: a rows x cols table of ints, row-major, written with C `for` loops and an `if`
 * (`elif`, `else`) per cell. */
typedef struct bench_grid {
    const int *cells;
    size_t rows, cols;
} bench_grid;

/* people: a component per record. */
typedef struct bench_person {
    int64_t id;
    const char *name;
    const char *email;
    int age;
    bool admin;
} bench_person;

typedef struct bench_people {
    const bench_person *people;
    size_t n;
} bench_people;

/* paragraphs: an article of plain-text paragraphs. */
typedef struct bench_article {
    const char *title;
    const char *const *paras;
    size_t n;
} bench_article;

/* form: value, checked?, disabled?, required? and URL attributes. */
typedef struct bench_field {
    const char *name;
    const char *label;
    const char *value;
    const char *help;  /* a whole URL (filtered) */
    const char *topic; /* in the query of another URL */
    bool checkbox;     /* else a text input */
    bool checked, required, disabled;
} bench_field;

typedef struct bench_form {
    const char *title;
    const char *action; /* a whole URL */
    const bench_field *fields;
    size_t n;
} bench_form;

/* report: fmt("%.2f"), fmt("%.3f"), fmt("%.1f"), int64 and elif chains. */
typedef struct bench_line {
    int64_t id;
    const char *item;
    int qty;
    double price;
    double ratio;
    int64_t total; /* cents */
    int64_t delta;
} bench_line;

typedef struct bench_report {
    const char *title;
    const bench_line *lines;
    size_t n;
    int64_t grand_total;
    double mean;
} bench_report;

/* layout: a page layout with fills and children, five levels of components. */
typedef struct bench_card {
    const char *title;
    const char *body;
    const char *href;
    int64_t count;
    bool hot;
} bench_card;

typedef struct bench_section {
    const char *title;
    const bench_card *cards;
    size_t n;
} bench_section;

typedef struct bench_layout {
    const char *title;
    const char *description;
    const char *user;
    const bench_section *sections;
    size_t n;
} bench_layout;

/* Everything a page renders from. */
typedef struct bench_data {
    bench_table table;
    bench_teams teams;
    bench_shop shop;
    bench_product fragment; /* sse-fragment: one product card */
    bench_grid grid;
    bench_people people;
    bench_article article;
    bench_form form;
    bench_report report;
    bench_layout layout;
    void *doc;   /* the JSON document the strings point into (NULL from bench_gen) */
    void *owned; /* arrays allocated by the loader */
    void *gen;   /* what bench_gen allocated */
} bench_data;

/* Loads path into d (the pages of data.json), and the C-only pages from bench_gen(d, 0).
 * Returns 0, or -1 after printing why to stderr. */
int bench_data_load(bench_data *d, const char *path);

/* Frees what bench_data_load allocated. */
void bench_data_free(bench_data *d);

/* Fills the C-only pages of d (grid .. layout) from a fixed generator: seed 0 is the
 * benchmark's data. With all_pages, also the pages of data.json (table, teams, shop,
 * fragment). A seed above 0 gives hostile data for the byte-for-byte check
 * (bench/c/check.c): NULL strings, every byte value, refused and odd URLs, `%` escapes,
 * negative and extreme integers, doubles at rounding ties, huge, tiny, NaN, infinities.
 * Returns 0, or -1 when out of memory. Free with bench_gen_free. */
int bench_gen(bench_data *d, unsigned long seed, bool all_pages);

/* Frees what bench_gen allocated. */
void bench_gen_free(bench_data *d);

#endif
