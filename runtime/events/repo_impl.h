/* repo_impl.h — the interface between the repository front (repo.c) and its backends
 * (repo_memory.c, repo_sqlite.c, repo_pg.c). Not installed.
 *
 * repo.c validates arguments, assigns string ids, builds the temporaries that keep the
 * caller's entity untouched on failure, and emits the events; a backend only stores. */
#ifndef STARCH_REPO_IMPL_H
#define STARCH_REPO_IMPL_H

#include "entity_impl.h"
#include "starch_events.h"

/** An id: i for an int key, s (never NULL) for a string key. */
typedef struct repo_key {
    int64_t i;
    const char *s;
} repo_key;

/** A checked query: fields resolved, the order never NULL (the key by default). */
typedef struct repo_query {
    const starch_field *filter; /* NULL: no filter */
    starch_value value;         /* compared with filter (its kind checked) */
    const starch_field *order;  /* the field to order by */
    bool desc;
    size_t limit; /* 0: no limit */
    size_t offset;
} repo_query;

/** A backend. Every function runs under the backend's own lock. The writes set *event_id
 *  (0 on entry) to the id of the event row they wrote with the record, if the backend
 *  keeps one (PostgreSQL); the front puts it in the event it emits. */
typedef struct repo_ops {
    /** Inserts or updates *value; an int id of 0 is assigned here and written into *value
     *  on success (string ids arrive assigned). *created says which it was. */
    int (*save)(starch_repo *repo, void *value, bool *created, int64_t *event_id,
                starch_error *err);
    /** Fills *out (zeroed) with the entity with key; STARCH_ENOTFOUND if none. */
    int (*get)(starch_repo *repo, const repo_key *key, void *out, starch_error *err);
    /** Deletes the entity with key, moving it into *old (zeroed). */
    int (*remove)(starch_repo *repo, const repo_key *key, void *old, int64_t *event_id,
                  starch_error *err);
    /** Reads the entity with key into *value (zeroed), applies fn (starch__repo_apply) and
     *  stores the result, with the record locked from the read to the write. On success
     *  *value holds the stored entity; on failure it is cleared. */
    int (*update)(starch_repo *repo, const repo_key *key, starch_update_fn fn, void *ctx,
                  void *value, int64_t *event_id, starch_error *err);
    /** STARCH_OK when the backend is reachable. */
    int (*ping)(starch_repo *repo, starch_error *err);
    /** Fills *list (zeroed) with the selected entities. */
    int (*where)(starch_repo *repo, const repo_query *q, starch_list *list, starch_error *err);
    /** Counts the entities q's filter selects. */
    int (*count)(starch_repo *repo, const repo_query *q, size_t *n, starch_error *err);
    /** Frees the backend. */
    void (*destroy)(starch_repo *repo);
} repo_ops;

/** The front every backend embeds as its first member. */
struct starch_repo {
    const repo_ops *ops;
    const starch_entity_type *type;
    starch_bus *bus;
};

/** Checks that type can be stored (a key field `id`, int or string, not an array). */
int starch__repo_check_type(const starch_entity_type *type, starch_error *err);

/** The key of the entity at value. */
repo_key starch__repo_key_of(const starch_entity_type *type, const void *value);

/** Calls fn(value, ctx) for an update of the entity with key: STARCH_OK when fn accepted
 *  and kept the key; fn's status (with a message) when it refused; STARCH_EINVAL when it
 *  changed the key. */
int starch__repo_apply(const starch_repo *repo, const repo_key *key, starch_update_fn fn, void *ctx,
                       void *value, starch_error *err);

/** err for an absent key: STARCH_ENOTFOUND, "Todo: no id 7" or "Note: no id \"x\"". */
int starch__repo_not_found(const starch_repo *repo, const repo_key *key, starch_error *err);

/** A zeroed list of type. */
static inline starch_list repo_list_empty(const starch_entity_type *type)
{
    starch_list list = {NULL, 0, type};
    return list;
}

/* ---- SQL text, shared by the SQL backends (SQLite, PostgreSQL) ------------------------ */

/** Appends the identifier name double-quoted (quotes inside doubled). */
static inline void repo_sql_ident(starch_out *o, const char *name)
{
    starch_out_write(o, "\"", 1);
    for (const char *q; (q = strchr(name, '"')) != NULL; name = q + 1) {
        starch_out_write(o, name, (size_t)(q - name) + 1);
        starch_out_write(o, "\"", 1);
    }
    starch_out_puts(o, name);
    starch_out_write(o, "\"", 1);
}

/** Appends `"a", "b", ...`: every column of t in field order. */
static inline void repo_sql_columns(starch_out *o, const starch_entity_type *t)
{
    for (size_t i = 0; i < t->field_count; i++) {
        if (i)
            starch_out_puts(o, ", ");
        repo_sql_ident(o, t->fields[i].name);
    }
}

/** Appends CREATE TABLE IF NOT EXISTS for t: a column per field, typed by column_type,
 *  the key declared as int_key or string_key. */
static inline void repo_sql_create_table(starch_out *o, const starch_entity_type *t,
                                         const char *(*column_type)(const starch_field *),
                                         const char *int_key, const char *string_key)
{
    starch_out_puts(o, "CREATE TABLE IF NOT EXISTS ");
    repo_sql_ident(o, t->name);
    for (size_t i = 0; i < t->field_count; i++) {
        starch_out_puts(o, i ? ", " : " (");
        repo_sql_ident(o, t->fields[i].name);
        starch_out_puts(o, " ");
        if ((int)i != t->key)
            starch_out_puts(o, column_type(&t->fields[i]));
        else
            starch_out_puts(o, t->fields[i].kind == STARCH_KIND_INT ? int_key : string_key);
    }
    starch_out_puts(o, ")");
}

#endif
