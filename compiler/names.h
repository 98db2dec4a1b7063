/* names.h — sorted indexes of names (spans of template text), so that looking a name up
 * and finding duplicates stay O(n log n) however many declarations, fields, slots or
 * fills a template has (tests/limits/scale.py measures it).
 *
 * Names are added in order (their `order` is their position); a tag (a node or field
 * kind, or 0) separates names that may repeat across kinds. Equal names are the same bytes
 * and tag; among equal names the first added is the one that counts (the first
 * declared). */
#ifndef STARCHC_NAMES_H
#define STARCHC_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Name {
    const char *s; /* the bytes (not owned) */
    uint32_t len;
    int tag;
    size_t order; /* its position among the names added */
} Name;

typedef struct Names {
    Name *v;
    size_t n, cap;
    bool sorted;
} Names;

/* Adds s[0..len) with tag; false when out of memory (the index is then unusable). */
bool names_add(Names *ix, const char *s, uint32_t len, int tag);

/* Sorts the index (names_find needs it; names_firsts does it). */
void names_sort(Names *ix);

/* The order of the first added name equal to s[0..len) with tag, or SIZE_MAX when there
 * is none. ix must be sorted. */
size_t names_find(const Names *ix, const char *s, uint32_t len, int tag);

/* For each name, by order, the order of the first added name equal to it (itself when it
 * is the first): malloc'd, ix->n entries (caller frees); NULL when out of memory. */
size_t *names_firsts(Names *ix);

void names_free(Names *ix);

#endif
