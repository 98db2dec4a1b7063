/* entity.c — entities through their descriptors: clear, deep copy, equality, and the
 * field comparisons the memory repository sorts and filters with. */
#include "entity_impl.h"

#include <math.h>
#include <stdlib.h>

size_t starch__entity_elem_size(const starch_field *f)
{
    switch (f->kind) {
    case STARCH_KIND_INT: return sizeof(int64_t);
    case STARCH_KIND_FLOAT: return sizeof(double);
    case STARCH_KIND_BOOL: return sizeof(bool);
    case STARCH_KIND_STRING: return sizeof(char *);
    case STARCH_KIND_ENTITY: return f->entity->size;
    }
    return 0;
}

/* Frees what one value of f's kind at v owns. */
static void clear_value(const starch_field *f, void *v)
{
    if (f->kind == STARCH_KIND_STRING) {
        char *s;
        memcpy(&s, v, sizeof s);
        free(s);
    } else if (f->kind == STARCH_KIND_ENTITY) {
        starch_entity_clear(f->entity, v);
    }
}

void starch__entity_clear_field(const starch_field *f, void *value)
{
    if (f->array) {
        char *a = entity_array(value, f);
        size_t n = entity_count(value, f), size = starch__entity_elem_size(f);
        if (f->kind == STARCH_KIND_STRING || f->kind == STARCH_KIND_ENTITY)
            for (size_t i = 0; i < n; i++)
                clear_value(f, a + i * size);
        free(a);
        entity_set_array(value, f, NULL, 0);
    } else {
        clear_value(f, entity_at(value, f));
        memset(entity_at(value, f), 0, starch__entity_elem_size(f));
    }
}

void starch_entity_clear(const starch_entity_type *type, void *value)
{
    if (value == NULL)
        return;
    for (size_t i = 0; i < type->field_count; i++)
        starch__entity_clear_field(&type->fields[i], value);
    memset(value, 0, type->size);
}

/* Copies one value of f's kind from src to the zeroed dst. */
static int copy_value(const starch_field *f, void *dst, const void *src)
{
    if (f->kind == STARCH_KIND_ENTITY)
        return starch_entity_copy(f->entity, dst, src);
    if (f->kind != STARCH_KIND_STRING) {
        memcpy(dst, src, starch__entity_elem_size(f));
        return STARCH_OK;
    }
    const char *s;
    memcpy(&s, src, sizeof s);
    char *d = s ? strdup(s) : NULL;
    memcpy(dst, &d, sizeof d);
    return s && !d ? STARCH_ENOMEM : STARCH_OK;
}

/* Copies array field f from src into dst, whose field is empty. */
static int copy_array(const starch_field *f, void *dst, const void *src)
{
    size_t n = entity_count(src, f), size = starch__entity_elem_size(f);
    if (n == 0)
        return STARCH_OK;
    char *a = calloc(n, size);
    if (a == NULL)
        return STARCH_ENOMEM;
    const char *from = entity_array(src, f);
    size_t done = 0;
    int rc = STARCH_OK;
    while (done < n && (rc = copy_value(f, a + done * size, from + done * size)) == STARCH_OK)
        done++;
    /* On failure the elements before `done` are complete and the rest zeroed: the array
     * is a valid value of n elements either way, so the caller's clear frees it. */
    entity_set_array(dst, f, a, n);
    return rc;
}

int starch_entity_copy(const starch_entity_type *type, void *dst, const void *src)
{
    memset(dst, 0, type->size);
    for (size_t i = 0; i < type->field_count; i++) {
        const starch_field *f = &type->fields[i];
        int rc = f->array ? copy_array(f, dst, src)
                          : copy_value(f, entity_at(dst, f), entity_at(src, f));
        if (rc != STARCH_OK) {
            starch_entity_clear(type, dst);
            return rc;
        }
    }
    return STARCH_OK;
}

/* Equality of one value of f's kind. */
static bool equal_value(const starch_field *f, const void *a, const void *b)
{
    switch (f->kind) {
    case STARCH_KIND_INT: return *(const int64_t *)a == *(const int64_t *)b;
    case STARCH_KIND_FLOAT: {
        double x = *(const double *)a, y = *(const double *)b;
        return x == y || (isnan(x) && isnan(y));
    }
    case STARCH_KIND_BOOL: return *(const bool *)a == *(const bool *)b;
    case STARCH_KIND_STRING: {
        const char *s, *t;
        memcpy(&s, a, sizeof s);
        memcpy(&t, b, sizeof t);
        return strcmp(s ? s : "", t ? t : "") == 0;
    }
    case STARCH_KIND_ENTITY: return starch_entity_equal(f->entity, a, b);
    }
    return false;
}

static bool equal_field(const starch_field *f, const void *a, const void *b)
{
    if (!f->array)
        return equal_value(f, entity_at(a, f), entity_at(b, f));
    size_t n = entity_count(a, f), size = starch__entity_elem_size(f);
    if (n != entity_count(b, f))
        return false;
    const char *x = entity_array(a, f), *y = entity_array(b, f);
    for (size_t i = 0; i < n; i++)
        if (!equal_value(f, x + i * size, y + i * size))
            return false;
    return true;
}

bool starch_entity_equal(const starch_entity_type *type, const void *a, const void *b)
{
    for (size_t i = 0; i < type->field_count; i++)
        if (!equal_field(&type->fields[i], a, b))
            return false;
    return true;
}

int starch_entity_field(const starch_entity_type *type, const char *name)
{
    for (size_t i = 0; i < type->field_count; i++)
        if (name && strcmp(type->fields[i].name, name) == 0)
            return (int)i;
    return -1;
}
