/* names.c — sorted indexes of names (see names.h). */
#include "names.h"

#include <stdlib.h>
#include <string.h>

bool names_add(Names *ix, const char *s, uint32_t len, int tag)
{
    if (ix->n == ix->cap) {
        size_t cap = ix->cap ? 2 * ix->cap : 16;
        Name *v = realloc(ix->v, cap * sizeof *v);
        if (v == NULL)
            return false;
        ix->v = v;
        ix->cap = cap;
    }
    ix->v[ix->n] = (Name){s, len, tag, ix->n};
    ix->n++;
    ix->sorted = false;
    return true;
}

/* Orders by length, bytes, tag, then order: equal names sit together, first added first. */
static int compare_key(const char *s, uint32_t len, int tag, const Name *b)
{
    if (len != b->len)
        return len < b->len ? -1 : 1;
    int c = memcmp(s, b->s, len);
    if (c)
        return c;
    return tag < b->tag ? -1 : tag > b->tag;
}

static int compare(const void *x, const void *y)
{
    const Name *a = x, *b = y;
    int c = compare_key(a->s, a->len, a->tag, b);
    return c ? c : a->order < b->order ? -1 : a->order > b->order;
}

void names_sort(Names *ix)
{
    if (!ix->sorted && ix->n > 1)
        qsort(ix->v, ix->n, sizeof *ix->v, compare);
    ix->sorted = true;
}

size_t names_find(const Names *ix, const char *s, uint32_t len, int tag)
{
    size_t lo = 0, hi = ix->n; /* the first entry not below the key */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (compare_key(s, len, tag, &ix->v[mid]) > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ix->n && compare_key(s, len, tag, &ix->v[lo]) == 0 ? ix->v[lo].order : SIZE_MAX;
}

size_t *names_firsts(Names *ix)
{
    size_t *first = malloc((ix->n ? ix->n : 1) * sizeof *first);
    if (first == NULL)
        return NULL;
    names_sort(ix);
    for (size_t i = 0, g = 0; i < ix->n; i++) {
        const Name *a = &ix->v[i];
        if (i > 0 && compare_key(a->s, a->len, a->tag, &ix->v[g]) != 0)
            g = i; /* a new group: its first entry is the first added */
        first[a->order] = ix->v[g].order;
    }
    return first;
}

void names_free(Names *ix)
{
    free(ix->v);
    memset(ix, 0, sizeof *ix);
}
