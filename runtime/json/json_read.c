/* json_read.c — entities from JSON, through their descriptors. jansson parses; this file
 * only walks the parsed value against the descriptor, building the result aside so that
 * the caller's entity changes only on success. */
#include "entity_impl.h"
#include "starch_json.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* The state of one read: the mode and the path of the value being read. */
typedef struct reader {
    unsigned mode;
    starch_error *err;
    size_t len;
    char path[200];
} reader;

/* Takes the length snprintf reports into the path (truncated silently). */
static size_t path_grow(reader *r, size_t old, int n)
{
    r->len += n > 0 ? (size_t)n : 0;
    if (r->len >= sizeof r->path)
        r->len = sizeof r->path - 1;
    return old;
}

/* Appends `.name` to the path; returns the old length, for path_pop. */
static size_t path_field(reader *r, const char *name)
{
    return path_grow(r, r->len, snprintf(r->path + r->len, sizeof r->path - r->len, ".%s", name));
}

/* Appends `[i]` to the path; returns the old length, for path_pop. */
static size_t path_index(reader *r, size_t i)
{
    return path_grow(r, r->len, snprintf(r->path + r->len, sizeof r->path - r->len, "[%zu]", i));
}

static void path_pop(reader *r, size_t old)
{
    r->len = old;
    r->path[old] = '\0';
}

size_t starch__json_path_root(char *buf, size_t size, const starch_entity_type *type)
{
    int n = snprintf(buf, size, "%s", type->name);
    if (buf[0] >= 'A' && buf[0] <= 'Z')
        buf[0] = (char)(buf[0] - 'A' + 'a');
    return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

static void path_root(reader *r, const starch_entity_type *type)
{
    r->len = starch__json_path_root(r->path, sizeof r->path, type);
}

const char *starch__json_kind(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: return "object";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER:
    case JSON_REAL: return "number";
    case JSON_TRUE:
    case JSON_FALSE: return "boolean";
    case JSON_NULL: return "null";
    }
    return "value";
}

static int type_error(reader *r, const char *want, const json_t *j)
{
    return starch__error_set(r->err, STARCH_ETYPE, "%s: expected %s, got %s", r->path, want,
                             starch__json_kind(j));
}

static int nomem(reader *r)
{
    return starch__error_set(r->err, STARCH_ENOMEM, "%s: out of memory", r->path);
}

static int read_entity(reader *r, const starch_entity_type *type, void *dst, const json_t *j);

/* An integer: a JSON integer, or a real with an integral value in range. */
static int read_int(reader *r, int64_t *dst, const json_t *j)
{
    if (json_is_integer(j)) {
        *dst = json_integer_value(j);
        return STARCH_OK;
    }
    double d = json_is_real(j) ? json_real_value(j) : 0.5; /* 0.5: not integral, an error */
    if (d != floor(d) || d < -9223372036854775808.0 || d >= 9223372036854775808.0)
        return type_error(r, "integer", j);
    *dst = (int64_t)d;
    return STARCH_OK;
}

static int read_string(reader *r, char **dst, const json_t *j)
{
    if (json_is_null(j)) {
        free(*dst);
        *dst = NULL;
        return STARCH_OK;
    }
    if (!json_is_string(j))
        return type_error(r, "string", j);
    char *s = strdup(json_string_value(j));
    if (s == NULL)
        return nomem(r);
    free(*dst);
    *dst = s;
    return STARCH_OK;
}

/* Reads one value of f's kind into dst, which holds a valid value (replaced). */
static int read_value(reader *r, const starch_field *f, void *dst, const json_t *j)
{
    switch (f->kind) {
    case STARCH_KIND_INT: return read_int(r, dst, j);
    case STARCH_KIND_FLOAT:
        if (json_is_null(j))
            *(double *)dst = NAN;
        else if (json_is_number(j))
            *(double *)dst = json_number_value(j);
        else
            return type_error(r, "number", j);
        return STARCH_OK;
    case STARCH_KIND_BOOL:
        if (!json_is_boolean(j))
            return type_error(r, "boolean", j);
        *(bool *)dst = json_is_true(j);
        return STARCH_OK;
    case STARCH_KIND_STRING: return read_string(r, dst, j);
    case STARCH_KIND_ENTITY: return read_entity(r, f->entity, dst, j);
    }
    return STARCH_OK;
}

/* Reads a JSON array into a new array for field f of value (replacing the old one). The
 * elements start zeroed: the mode's "keep" applies to whole arrays, not to elements. */
static int read_array(reader *r, const starch_field *f, void *value, const json_t *j)
{
    if (!json_is_array(j))
        return type_error(r, "array", j);
    size_t n = json_array_size(j), size = starch__entity_elem_size(f);
    char *a = n ? calloc(n, size) : NULL;
    if (n && a == NULL)
        return nomem(r);
    int rc = STARCH_OK;
    for (size_t i = 0; i < n && rc == STARCH_OK; i++) {
        size_t mark = path_index(r, i);
        rc = read_value(r, f, a + i * size, json_array_get(j, i));
        if (rc == STARCH_OK)
            path_pop(r, mark);
    }
    starch__entity_clear_field(f, value);
    entity_set_array(value, f, a, n); /* valid even after a failure: the caller clears it */
    return rc;
}

static int read_field(reader *r, const starch_field *f, void *value, const json_t *j)
{
    if (f->array)
        return read_array(r, f, value, j);
    return read_value(r, f, entity_at(value, f), j);
}

/* Reads the object j into dst, a valid entity of type (fields absent from j keep dst's). */
static int read_entity(reader *r, const starch_entity_type *type, void *dst, const json_t *j)
{
    if (!json_is_object(j))
        return type_error(r, "object", j);
    for (size_t i = 0; i < type->field_count; i++) {
        const starch_field *f = &type->fields[i];
        size_t mark = path_field(r, f->name);
        const json_t *v = json_object_get(j, f->name);
        int rc = STARCH_OK;
        if (v)
            rc = read_field(r, f, dst, v);
        else if (r->mode & STARCH_READ_STRICT)
            rc = starch__error_set(r->err, STARCH_EMISSING, "%s: missing", r->path);
        if (rc != STARCH_OK)
            return rc;
        path_pop(r, mark);
    }
    return STARCH_OK;
}

int starch_entity_from_json(const starch_entity_type *type, void *value, const struct json_t *json,
                            unsigned mode, starch_error *err)
{
    reader r = {.mode = mode, .err = err};
    path_root(&r, type);
    if (value == NULL)
        return starch__error_set(err, STARCH_EINVAL, "%s: no entity to read into", r.path);
    void *tmp = malloc(type->size);
    if (tmp == NULL)
        return nomem(&r);
    int rc = mode & STARCH_READ_MERGE ? starch_entity_copy(type, tmp, value)
                                      : (memset(tmp, 0, type->size), STARCH_OK);
    if (rc != STARCH_OK) {
        free(tmp);
        return nomem(&r);
    }
    rc = json ? read_entity(&r, type, tmp, json)
              : starch__error_set(err, STARCH_EINVAL, "%s: no JSON value", r.path);
    if (rc == STARCH_OK) {
        starch_entity_clear(type, value);
        memcpy(value, tmp, type->size);
    } else {
        starch_entity_clear(type, tmp);
    }
    free(tmp);
    if (rc == STARCH_OK && err) {
        err->code = STARCH_OK;
        err->message[0] = '\0';
    }
    return rc;
}

int starch__json_error_where(starch_error *err, const json_error_t *je)
{
    if (err) {
        err->line = je->line;
        err->column = je->column;
        err->offset = je->position > 0 ? (size_t)je->position : 0;
    }
    return STARCH_EJSON;
}

int starch_entity_from_json_text(const starch_entity_type *type, void *value, const char *text,
                                 size_t len, unsigned mode, starch_error *err)
{
    json_error_t je;
    json_t *j = json_loadb(text ? text : "", text ? len : 0, JSON_DECODE_ANY, &je);
    if (j == NULL) {
        reader r = {.err = err};
        path_root(&r, type);
        if (json_error_code(&je) == json_error_out_of_memory)
            return starch__error_set(err, STARCH_ENOMEM, "%s: out of memory", r.path);
        starch__error_set(err, STARCH_EJSON, "%s: invalid JSON at line %d column %d: %s", r.path,
                          je.line, je.column, je.text);
        return starch__json_error_where(err, &je);
    }
    int rc = starch_entity_from_json(type, value, j, mode, err);
    json_decref(j);
    return rc;
}

int starch__json_field_from_text(const starch_field *f, void *value, const char *text, size_t len,
                                 const char *path, starch_error *err)
{
    json_error_t je;
    reader r = {.err = err};
    snprintf(r.path, sizeof r.path, "%s", path);
    r.len = strlen(r.path);
    json_t *j = json_loadb(text ? text : "", text ? len : 0, JSON_DECODE_ANY, &je);
    if (j == NULL) {
        starch__error_set(err, STARCH_EJSON, "%s: invalid JSON at line %d column %d: %s", path,
                          je.line, je.column, je.text);
        return starch__json_error_where(err, &je);
    }
    int rc = read_field(&r, f, value, j);
    json_decref(j);
    return rc;
}
