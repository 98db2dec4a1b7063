/* entity_impl.h — what the layers of the runtime share among themselves (not installed):
 * errors, entity field access, JSON helpers. Functions here are linked across layer
 * libraries, so their names carry the `starch__` prefix (two underscores: the runtime's
 * own, not part of any API). Field access goes through memcpy so that reading a
 * `char **` or a `User *` array pointer as `void *` breaks no aliasing rule. */
#ifndef STARCH_ENTITY_IMPL_H
#define STARCH_ENTITY_IMPL_H

#include "starch_gen.h"

#include <assert.h>
#include <stdarg.h>

/* --- error.c --- */

/** Makes message m one line: its control characters (quoted from the input by jansson,
 *  or from a signal group's path) become spaces. */
void starch__error_one_line(char *m);

/** Fills err (if not NULL) with code and the formatted message (made one line); returns
 *  code. */
int starch__error_set(starch_error *err, int code, const char *fmt, ...) STARCH_PRINTF(3, 4);

/* --- entity.c --- */

/** The address of field f inside the entity at value. */
static inline void *entity_at(const void *value, const starch_field *f)
{
    return (char *)value + f->offset;
}

/** The array pointer of array field f. */
static inline void *entity_array(const void *value, const starch_field *f)
{
    void *a;
    memcpy(&a, entity_at(value, f), sizeof a);
    return a;
}

/** The element count of array field f (0 when the pointer is NULL). */
static inline size_t entity_count(const void *value, const starch_field *f)
{
    size_t n;
    memcpy(&n, (const char *)value + f->count_offset, sizeof n);
    return entity_array(value, f) ? n : 0;
}

/** Stores array a with n elements into array field f (nothing is freed). */
static inline void entity_set_array(void *value, const starch_field *f, void *a, size_t n)
{
    memcpy(entity_at(value, f), &a, sizeof a);
    memcpy((char *)value + f->count_offset, &n, sizeof n);
}

/** A string field's value, NULL read as "". */
static inline const char *entity_str(const void *value, const starch_field *f)
{
    const char *s;
    memcpy(&s, entity_at(value, f), sizeof s);
    return s ? s : "";
}

/** The size of one value of f's kind (one element, for an array). */
size_t starch__entity_elem_size(const starch_field *f);

/** Frees what field f of value owns and zeroes the field (and its count). */
void starch__entity_clear_field(const starch_field *f, void *value);

/** The key field of type (type->key must be >= 0). */
static inline const starch_field *entity_key(const starch_entity_type *type)
{
    return &type->fields[type->key];
}

/* --- json_read.c --- */

struct json_t;

/** What a jansson value is, as error messages say it: "object", "number", "null", ... */
const char *starch__json_kind(const struct json_t *j);
struct json_error_t;
/** Sets where jansson found invalid JSON (line, column, offset) in err, when given;
 *  returns STARCH_EJSON. */
int starch__json_error_where(starch_error *err, const struct json_error_t *je);

/** The root of entity error paths into buf: the type's name with its first letter in
 *  lower case ("todo" for Todo). Returns its length (cut to size - 1). */
size_t starch__json_path_root(char *buf, size_t size, const starch_entity_type *type);

/* --- json.c --- */

/** Writes the value of field f of the entity at value as JSON (no key). */
char *starch__json_put_field(starch_out *out, char *p, size_t rest, const starch_field *f,
                             const void *value, unsigned flags);

/** Parses text[0..len) and stores it as the value of field f of the entity at value,
 *  replacing (and freeing) the old one. Errors name `path` (e.g. "todo.tags"). */
int starch__json_field_from_text(const starch_field *f, void *value, const char *text, size_t len,
                                 const char *path, starch_error *err);

#endif
