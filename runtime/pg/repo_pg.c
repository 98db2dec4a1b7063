/* repo_pg.c — the PostgreSQL repository. One table per entity type, named after it, one
 * typed column per field: int bigint, float double precision (NaN stored as NULL, as
 * SQLite does, so that it sorts first and equals nothing), bool boolean, string text
 * COLLATE "C" (bytewise, as the other backends compare), nested entities and arrays json.
 * Values always travel as statement parameters, identifiers are quoted, and statements are
 * prepared once per connection.
 *
 * One connection per repository, used under its mutex (pg_conn.c: bounded waits, a new
 * connection on the next call after a failure). Every write is a transaction that also
 * writes its event row (pg_events.c). Int ids come from the row of the type in
 * `starch_ids` (the largest id ever held), updated in the write's transaction, so ids are
 * never reused, as in the other backends. Tables are made under a session advisory lock,
 * so that instances starting together do not race. */
#include "pg_impl.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

typedef struct pg_repo {
    starch_repo base;
    pthread_mutex_t lock; /* the connection and the scratch below */
    pg_conn db;
    pg_params params;
    starch_out sql;  /* scratch for query text */
    starch_out json; /* scratch for event payloads */
    char origin[33]; /* this instance, in the event rows */
    pg_listener *listener;
    /* the fixed statements, made once */
    char *select_key, *select_lock, *insert, *upsert, *update, *delete;
} pg_repo;

/* ---- SQL text ------------------------------------------------------------------------ */

/* SELECT <columns> FROM <table> */
static void put_select(const starch_entity_type *t, starch_out *o)
{
    starch_out_puts(o, "SELECT ");
    repo_sql_columns(o, t);
    starch_out_puts(o, " FROM ");
    repo_sql_ident(o, t->name);
}

/* ` WHERE "id" = $1` */
static void put_where_key(const starch_entity_type *t, starch_out *o, int param)
{
    starch_out_puts(o, " WHERE ");
    repo_sql_ident(o, entity_key(t)->name);
    starch_out_printf(o, " = $%d", param);
}

/* `($1, $2, ...)` for every field */
static void put_values(const starch_entity_type *t, starch_out *o)
{
    for (size_t i = 0; i < t->field_count; i++)
        starch_out_printf(o, i ? ", $%zu" : " VALUES ($%zu", i + 1);
    starch_out_puts(o, ")");
}

static void put_insert(const starch_entity_type *t, starch_out *o)
{
    starch_out_puts(o, "INSERT INTO ");
    repo_sql_ident(o, t->name);
    starch_out_puts(o, " (");
    repo_sql_columns(o, t);
    starch_out_puts(o, ")");
    put_values(t, o);
}

/* An insert that updates the row with the key instead; returns whether it inserted (a
 * row a statement inserts has no xmax). */
static void put_upsert(const starch_entity_type *t, starch_out *o)
{
    put_insert(t, o);
    starch_out_puts(o, " ON CONFLICT (");
    repo_sql_ident(o, entity_key(t)->name);
    starch_out_puts(o, ") DO UPDATE SET ");
    for (size_t i = 0; i < t->field_count; i++) {
        if (i)
            starch_out_puts(o, ", ");
        repo_sql_ident(o, t->fields[i].name);
        starch_out_puts(o, " = EXCLUDED.");
        repo_sql_ident(o, t->fields[i].name);
    }
    starch_out_puts(o, " RETURNING (xmax = 0)");
}

static void put_update(const starch_entity_type *t, starch_out *o)
{
    starch_out_puts(o, "UPDATE ");
    repo_sql_ident(o, t->name);
    for (size_t i = 0; i < t->field_count; i++) {
        starch_out_puts(o, i ? ", " : " SET ");
        repo_sql_ident(o, t->fields[i].name);
        starch_out_printf(o, " = $%zu", i + 1);
    }
    put_where_key(t, o, t->key + 1);
}

static void put_delete(const starch_entity_type *t, starch_out *o)
{
    starch_out_puts(o, "DELETE FROM ");
    repo_sql_ident(o, t->name);
    put_where_key(t, o, 1);
    starch_out_puts(o, " RETURNING ");
    repo_sql_columns(o, t);
}

/* A malloc'd copy of the text built by put into the scratch buffer; NULL on ENOMEM. */
static char *build(pg_repo *p, void (*put)(const starch_entity_type *, starch_out *))
{
    starch_out_clear(&p->sql);
    put(p->base.type, &p->sql);
    return starch_out_error(&p->sql) ? NULL : strdup(starch_out_cstr(&p->sql));
}

static void put_select_key(const starch_entity_type *t, starch_out *o)
{
    put_select(t, o);
    put_where_key(t, o, 1);
}

static void put_select_lock(const starch_entity_type *t, starch_out *o)
{
    put_select_key(t, o);
    starch_out_puts(o, " FOR UPDATE");
}

static int build_statements(pg_repo *p, starch_error *err)
{
    p->select_key = build(p, put_select_key);
    p->select_lock = build(p, put_select_lock);
    p->insert = build(p, put_insert);
    p->upsert = build(p, put_upsert);
    p->update = build(p, put_update);
    p->delete = build(p, put_delete);
    if (!p->select_key || !p->select_lock || !p->insert || !p->upsert || !p->update || !p->delete)
        return starch__error_set(err, STARCH_ENOMEM, "%s: out of memory", p->base.type->name);
    return STARCH_OK;
}

/* ---- Schema -------------------------------------------------------------------------- */

static const char *column_type(const starch_field *f)
{
    if (f->array || f->kind == STARCH_KIND_ENTITY)
        return "json";
    switch (f->kind) {
    case STARCH_KIND_INT: return "bigint NOT NULL DEFAULT 0";
    case STARCH_KIND_FLOAT: return "double precision";
    case STARCH_KIND_BOOL: return "boolean NOT NULL DEFAULT false";
    default: return "text COLLATE \"C\"";
    }
}

/* Runs the SQL text in the scratch buffer (not prepared: schema statements run once). */
static int exec_scratch(pg_repo *p, int n, const char *const *params, starch_error *err)
{
    if (starch_out_error(&p->sql))
        return starch__error_set(err, STARCH_ENOMEM, "%s: out of memory", p->base.type->name);
    return starch__pg_exec(&p->db, starch_out_cstr(&p->sql), n, params, false, NULL, err);
}

/* Adds the columns of fields the table (made by an older version of the type) lacks. */
static int add_missing_columns(pg_repo *p, starch_error *err)
{
    const starch_entity_type *t = p->base.type;
    int rc = STARCH_OK;
    for (size_t i = 0; i < t->field_count && rc == STARCH_OK; i++) {
        starch_out_clear(&p->sql);
        starch_out_puts(&p->sql, "ALTER TABLE ");
        repo_sql_ident(&p->sql, t->name);
        starch_out_puts(&p->sql, " ADD COLUMN IF NOT EXISTS ");
        repo_sql_ident(&p->sql, t->fields[i].name);
        starch_out_printf(&p->sql, " %s", column_type(&t->fields[i]));
        rc = exec_scratch(p, 0, NULL, err);
    }
    return rc;
}

/* The table, its columns, its row in starch_ids (int keys), the events table. */
static int create_tables(pg_repo *p, starch_error *err)
{
    const starch_entity_type *t = p->base.type;
    starch_out_clear(&p->sql);
    repo_sql_create_table(&p->sql, t, column_type, "bigint PRIMARY KEY",
                          "text COLLATE \"C\" PRIMARY KEY");
    int rc = exec_scratch(p, 0, NULL, err);
    if (rc == STARCH_OK)
        rc = add_missing_columns(p, err);
    if (rc == STARCH_OK)
        rc = starch__pg_exec(&p->db, STARCH_PG_EVENTS_TABLE, 0, NULL, false, NULL, err);
    if (rc == STARCH_OK)
        rc = starch__pg_exec(&p->db,
                             "CREATE TABLE IF NOT EXISTS starch_ids (name text PRIMARY KEY, "
                             "last bigint NOT NULL)",
                             0, NULL, false, NULL, err);
    if (rc != STARCH_OK || entity_key(t)->kind != STARCH_KIND_INT)
        return rc;
    starch_out_clear(&p->sql);
    starch_out_puts(&p->sql, "INSERT INTO starch_ids SELECT $1, COALESCE(max(");
    repo_sql_ident(&p->sql, entity_key(t)->name);
    starch_out_puts(&p->sql, "), 0) FROM ");
    repo_sql_ident(&p->sql, t->name);
    starch_out_puts(&p->sql, " ON CONFLICT DO NOTHING");
    const char *params[] = {t->name};
    return exec_scratch(p, 1, params, err);
}

/* Creates what is missing under the schema lock: two instances starting together would
 * otherwise both try to create a table, and one fail. */
static int create_schema(pg_repo *p, starch_error *err)
{
    int rc = starch__pg_exec(&p->db, "SELECT pg_advisory_lock(" STARCH_PG_SCHEMA_LOCK ")", 0, NULL,
                             false, NULL, err);
    if (rc != STARCH_OK)
        return rc;
    rc = create_tables(p, err);
    if (p->db.conn) /* a lost connection released the lock with it */
        starch__pg_exec(&p->db, "SELECT pg_advisory_unlock(" STARCH_PG_SCHEMA_LOCK ")", 0, NULL,
                        false, NULL, rc ? NULL : err);
    return rc;
}

/* ---- Rows ---------------------------------------------------------------------------- */

/* Sets the parameters to every field of value, in field order. */
static const char *const *entity_params(pg_repo *p, const void *value, starch_error *err)
{
    const starch_entity_type *t = p->base.type;
    starch__pg_params_clear(&p->params);
    for (size_t i = 0; i < t->field_count; i++)
        starch__pg_param_field(&p->params, &t->fields[i], value);
    const char *const *v = starch__pg_params_values(&p->params);
    if (v == NULL)
        starch__error_set(err, STARCH_ENOMEM, "%s: out of memory", t->name);
    return v;
}

/* Sets the one parameter to key. */
static const char *const *key_params(pg_repo *p, const repo_key *key)
{
    starch__pg_params_clear(&p->params);
    if (entity_key(p->base.type)->kind == STARCH_KIND_INT)
        starch__pg_param_int(&p->params, key->i);
    else
        starch__pg_param_text(&p->params, key->s);
    return starch__pg_params_values(&p->params);
}

/* Reads column j of row i into field f of value (zeroed). */
static int read_column(pg_repo *p, PGresult *r, int i, int j, const starch_field *f, void *value,
                       starch_error *err)
{
    void *v = entity_at(value, f);
    bool null = PQgetisnull(r, i, j);
    const char *text = PQgetvalue(r, i, j);
    if (f->array || f->kind == STARCH_KIND_ENTITY) {
        if (null)
            return STARCH_OK;
        char path[160];
        size_t n = starch__json_path_root(path, sizeof path, p->base.type);
        snprintf(path + n, sizeof path - n, ".%s", f->name);
        return starch__json_field_from_text(f, value, text, (size_t)PQgetlength(r, i, j), path,
                                            err);
    }
    switch (f->kind) {
    case STARCH_KIND_INT: *(int64_t *)v = null ? 0 : strtoll(text, NULL, 10); return STARCH_OK;
    case STARCH_KIND_FLOAT: *(double *)v = null ? NAN : strtod(text, NULL); return STARCH_OK;
    case STARCH_KIND_BOOL: *(bool *)v = !null && text[0] == 't'; return STARCH_OK;
    default: {
        char *s = null ? NULL : strdup(text);
        if (!null && s == NULL)
            return starch__error_set(err, STARCH_ENOMEM, "%s: out of memory", p->base.type->name);
        memcpy(v, &s, sizeof s);
        return STARCH_OK;
    }
    }
}

/* Reads row i (columns in field order) into value (zeroed); on error value is cleared. */
static int read_row(pg_repo *p, PGresult *r, int i, void *value, starch_error *err)
{
    const starch_entity_type *t = p->base.type;
    for (size_t j = 0; j < t->field_count; j++) {
        int rc = read_column(p, r, i, (int)j, &t->fields[j], value, err);
        if (rc != STARCH_OK) {
            starch_entity_clear(t, value);
            return rc;
        }
    }
    return STARCH_OK;
}

/* Runs a statement that returns the row with key (select, select for update, delete
 * returning) and reads it into value (zeroed). */
static int fetch(pg_repo *p, const char *sql, const repo_key *key, void *value, starch_error *err)
{
    const char *const *params = key_params(p, key);
    if (params == NULL)
        return starch__error_set(err, STARCH_ENOMEM, "%s: out of memory", p->base.type->name);
    PGresult *r;
    bool first = PQtransactionStatus(p->db.conn) == PQTRANS_IDLE; /* a lone read */
    int rc =
        (first ? starch__pg_exec_first : starch__pg_exec)(&p->db, sql, 1, params, true, &r, err);
    if (rc != STARCH_OK)
        return rc;
    rc = PQntuples(r) == 1 ? read_row(p, r, 0, value, err)
                           : starch__repo_not_found(&p->base, key, err);
    PQclear(r);
    return rc;
}

/* ---- Writes -------------------------------------------------------------------------- */

/* Takes the lock and makes sure the connection stands. */
static int begin_call(pg_repo *p, starch_error *err)
{
    pthread_mutex_lock(&p->lock);
    int rc = starch__pg_ready(&p->db, err);
    if (rc != STARCH_OK)
        pthread_mutex_unlock(&p->lock);
    return rc;
}

static int begin_write(pg_repo *p, starch_error *err)
{
    int rc = begin_call(p, err);
    if (rc == STARCH_OK && (rc = starch__pg_exec_first(&p->db, "BEGIN", 0, NULL, false, NULL, err)))
        pthread_mutex_unlock(&p->lock);
    return rc;
}

/* Commits (or rolls back, on failure) and releases the lock. */
static int end_write(pg_repo *p, int rc, starch_error *err)
{
    rc = starch__pg_finish(&p->db, rc, err);
    pthread_mutex_unlock(&p->lock);
    return rc;
}

/* The next int id of the type (one more than the largest ever held). */
static int next_id(pg_repo *p, int64_t *id, starch_error *err)
{
    const char *params[] = {p->base.type->name};
    PGresult *r;
    int rc = starch__pg_exec(&p->db,
                             "UPDATE starch_ids SET last = last + 1 WHERE name = $1 RETURNING last",
                             1, params, true, &r, err);
    if (rc == STARCH_OK && PQntuples(r) != 1)
        rc = starch__error_set(err, STARCH_EDB, "%s: pg: no row in starch_ids", p->base.type->name);
    if (rc == STARCH_OK)
        *id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return rc;
}

/* Records that id has been held. */
static int raise_id(pg_repo *p, int64_t id, starch_error *err)
{
    starch__pg_params_clear(&p->params);
    starch__pg_param_text(&p->params, p->base.type->name);
    starch__pg_param_int(&p->params, id);
    const char *const *params = starch__pg_params_values(&p->params);
    if (params == NULL)
        return starch__error_set(err, STARCH_ENOMEM, "%s: out of memory", p->base.type->name);
    return starch__pg_exec(&p->db, "UPDATE starch_ids SET last = $2 WHERE name = $1 AND last < $2",
                           2, params, true, NULL, err);
}

/* Inserts value under a new int id (written into value). */
static int insert_new(pg_repo *p, void *value, starch_error *err)
{
    int64_t id;
    int rc = next_id(p, &id, err);
    if (rc != STARCH_OK)
        return rc;
    *(int64_t *)entity_at(value, entity_key(p->base.type)) = id;
    const char *const *params = entity_params(p, value, err);
    return params ? starch__pg_exec(&p->db, p->insert, (int)p->base.type->field_count, params, true,
                                    NULL, err)
                  : STARCH_ENOMEM;
}

/* Inserts or updates value with its own key. */
static int upsert(pg_repo *p, void *value, bool *created, starch_error *err)
{
    const starch_entity_type *t = p->base.type;
    const char *const *params = entity_params(p, value, err);
    if (params == NULL)
        return STARCH_ENOMEM;
    PGresult *r;
    int rc = starch__pg_exec(&p->db, p->upsert, (int)t->field_count, params, true, &r, err);
    if (rc != STARCH_OK)
        return rc;
    *created = PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    if (*created && entity_key(t)->kind == STARCH_KIND_INT)
        rc = raise_id(p, starch__repo_key_of(t, value).i, err);
    return rc;
}

static int pg_save(starch_repo *repo, void *value, bool *created, int64_t *event_id,
                   starch_error *err)
{
    pg_repo *p = (pg_repo *)repo;
    const starch_field *k = entity_key(repo->type);
    bool autoid = k->kind == STARCH_KIND_INT && starch__repo_key_of(repo->type, value).i == 0;
    int rc = begin_write(p, err);
    if (rc != STARCH_OK)
        return rc;
    *created = autoid;
    rc = autoid ? insert_new(p, value, err) : upsert(p, value, created, err);
    if (rc == STARCH_OK)
        rc = starch__pg_event_write(&p->db, repo, p->origin, *created ? "created" : "updated",
                                    value, &p->json, event_id, err);
    rc = end_write(p, rc, err);
    if (rc != STARCH_OK && autoid)
        *(int64_t *)entity_at(value, k) = 0;
    return rc;
}

static int pg_remove(starch_repo *repo, const repo_key *key, void *old, int64_t *event_id,
                     starch_error *err)
{
    pg_repo *p = (pg_repo *)repo;
    int rc = begin_write(p, err);
    if (rc != STARCH_OK)
        return rc;
    rc = fetch(p, p->delete, key, old, err);
    if (rc == STARCH_OK)
        rc = starch__pg_event_write(&p->db, repo, p->origin, "deleted", old, &p->json, event_id,
                                    err);
    rc = end_write(p, rc, err);
    if (rc != STARCH_OK)
        starch_entity_clear(repo->type, old);
    return rc;
}

/* SELECT ... FOR UPDATE locks the row until the commit: a save of it by any other
 * connection waits, so nothing lands between the read and the write. */
static int pg_update(starch_repo *repo, const repo_key *key, starch_update_fn fn, void *ctx,
                     void *value, int64_t *event_id, starch_error *err)
{
    pg_repo *p = (pg_repo *)repo;
    int rc = begin_write(p, err);
    if (rc != STARCH_OK)
        return rc;
    rc = fetch(p, p->select_lock, key, value, err);
    if (rc == STARCH_OK)
        rc = starch__repo_apply(repo, key, fn, ctx, value, err);
    const char *const *params = rc == STARCH_OK ? entity_params(p, value, err) : NULL;
    if (rc == STARCH_OK)
        rc = params ? starch__pg_exec(&p->db, p->update, (int)repo->type->field_count, params, true,
                                      NULL, err)
                    : STARCH_ENOMEM;
    if (rc == STARCH_OK)
        rc = starch__pg_event_write(&p->db, repo, p->origin, "updated", value, &p->json, event_id,
                                    err);
    rc = end_write(p, rc, err);
    if (rc != STARCH_OK)
        starch_entity_clear(repo->type, value);
    return rc;
}

/* ---- Reads --------------------------------------------------------------------------- */

static int pg_get(starch_repo *repo, const repo_key *key, void *out, starch_error *err)
{
    pg_repo *p = (pg_repo *)repo;
    int rc = begin_call(p, err);
    if (rc != STARCH_OK)
        return rc;
    rc = fetch(p, p->select_key, key, out, err);
    pthread_mutex_unlock(&p->lock);
    return rc;
}

/* Appends ` WHERE <filter> = $1` for q's filter (strings with NULL read as ''), and sets
 * the parameter. */
static void put_filter(pg_repo *p, const repo_query *q)
{
    if (q->filter == NULL)
        return;
    starch_out *o = &p->sql;
    const starch_value *v = &q->value;
    starch_out_puts(o, " WHERE ");
    if (q->filter->kind == STARCH_KIND_STRING) {
        starch_out_puts(o, "COALESCE(");
        repo_sql_ident(o, q->filter->name);
        starch_out_puts(o, ", '') = $1");
    } else {
        repo_sql_ident(o, q->filter->name);
        starch_out_puts(o, " = $1");
    }
    switch (q->filter->kind) {
    case STARCH_KIND_FLOAT:
        starch__pg_param_double(&p->params, v->kind == STARCH_KIND_INT ? (double)v->i : v->f);
        break;
    case STARCH_KIND_BOOL: starch__pg_param_bool(&p->params, v->b); break;
    case STARCH_KIND_STRING: starch__pg_param_text(&p->params, v->s ? v->s : ""); break;
    default: starch__pg_param_int(&p->params, v->i); break;
    }
}

/* Appends the order of q: NULL strings as '', NaN (NULL) first ascending and last
 * descending, ties by the key. */
static void put_order(pg_repo *p, const repo_query *q)
{
    starch_out *o = &p->sql;
    starch_out_puts(o, " ORDER BY ");
    bool str = q->order->kind == STARCH_KIND_STRING;
    starch_out_puts(o, str ? "COALESCE(" : "");
    repo_sql_ident(o, q->order->name);
    starch_out_puts(o, str ? ", '')" : "");
    starch_out_puts(o, q->desc ? " DESC NULLS LAST, " : " ASC NULLS FIRST, ");
    repo_sql_ident(o, entity_key(p->base.type)->name);
}

/* Appends the rows of r to list. */
static int read_rows(pg_repo *p, PGresult *r, starch_list *list, starch_error *err)
{
    size_t size = p->base.type->size, n = (size_t)PQntuples(r);
    if (n == 0)
        return STARCH_OK;
    list->items = calloc(n, size);
    if (list->items == NULL)
        return starch__error_set(err, STARCH_ENOMEM, "%s: out of memory", p->base.type->name);
    for (size_t i = 0; i < n; i++) {
        int rc = read_row(p, r, (int)i, (char *)list->items + i * size, err);
        if (rc != STARCH_OK)
            return rc;
        list->count++;
    }
    return STARCH_OK;
}

/* Runs the query built in p->sql with p->params; r receives the rows. */
static int run_query(pg_repo *p, PGresult **r, starch_error *err)
{
    const char *const *params = starch__pg_params_values(&p->params);
    if (params == NULL || starch_out_error(&p->sql))
        return starch__error_set(err, STARCH_ENOMEM, "%s: out of memory", p->base.type->name);
    return starch__pg_exec_first(&p->db, starch_out_cstr(&p->sql), p->params.n, params, true, r,
                                 err);
}

static int pg_where(starch_repo *repo, const repo_query *q, starch_list *list, starch_error *err)
{
    pg_repo *p = (pg_repo *)repo;
    int rc = begin_call(p, err);
    if (rc != STARCH_OK)
        return rc;
    starch_out_clear(&p->sql);
    starch__pg_params_clear(&p->params);
    put_select(repo->type, &p->sql);
    put_filter(p, q);
    put_order(p, q);
    starch_out_printf(&p->sql, " LIMIT $%d OFFSET $%d", p->params.n + 1, p->params.n + 2);
    if (q->limit)
        starch__pg_param_int(&p->params, q->limit > INT64_MAX ? INT64_MAX : (int64_t)q->limit);
    else
        starch__pg_param_text(&p->params, NULL); /* LIMIT NULL: no limit */
    starch__pg_param_int(&p->params, q->offset > INT64_MAX ? INT64_MAX : (int64_t)q->offset);
    PGresult *r;
    rc = run_query(p, &r, err);
    if (rc == STARCH_OK) {
        rc = read_rows(p, r, list, err);
        PQclear(r);
    }
    pthread_mutex_unlock(&p->lock);
    if (rc != STARCH_OK)
        starch_list_free(list);
    return rc;
}

static int pg_count(starch_repo *repo, const repo_query *q, size_t *n, starch_error *err)
{
    pg_repo *p = (pg_repo *)repo;
    int rc = begin_call(p, err);
    if (rc != STARCH_OK)
        return rc;
    starch_out_clear(&p->sql);
    starch__pg_params_clear(&p->params);
    starch_out_puts(&p->sql, "SELECT count(*) FROM ");
    repo_sql_ident(&p->sql, repo->type->name);
    put_filter(p, q);
    PGresult *r;
    rc = run_query(p, &r, err);
    if (rc == STARCH_OK) {
        *n = (size_t)strtoull(PQgetvalue(r, 0, 0), NULL, 10);
        PQclear(r);
    }
    pthread_mutex_unlock(&p->lock);
    return rc;
}

static int pg_ping(starch_repo *repo, starch_error *err)
{
    pg_repo *p = (pg_repo *)repo;
    int rc = begin_call(p, err);
    if (rc != STARCH_OK)
        return rc;
    rc = starch__pg_exec_first(&p->db, "SELECT 1", 0, NULL, false, NULL, err);
    pthread_mutex_unlock(&p->lock);
    return rc;
}

/* ---- Making and freeing -------------------------------------------------------------- */

static void pg_destroy(starch_repo *repo)
{
    pg_repo *p = (pg_repo *)repo;
    starch__pg_listener_stop(p->listener);
    starch__pg_close(&p->db);
    starch__pg_params_free(&p->params);
    starch_out_free(&p->sql);
    starch_out_free(&p->json);
    free(p->select_key);
    free(p->select_lock);
    free(p->insert);
    free(p->upsert);
    free(p->update);
    free(p->delete);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

static const repo_ops pg_ops = {.save = pg_save,
                                .get = pg_get,
                                .remove = pg_remove,
                                .update = pg_update,
                                .ping = pg_ping,
                                .where = pg_where,
                                .count = pg_count,
                                .destroy = pg_destroy};

/* A random origin id for this instance: 32 hex digits from /dev/urandom. */
static int make_origin(pg_repo *p, starch_error *err)
{
    unsigned char b[16];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t got = fd >= 0 ? read(fd, b, sizeof b) : -1;
    if (fd >= 0)
        close(fd);
    if (got != (ssize_t)sizeof b)
        return starch__error_set(err, STARCH_EIO, "%s: cannot read /dev/urandom",
                                 p->base.type->name);
    for (size_t i = 0; i < sizeof b; i++)
        snprintf(p->origin + 2 * i, 3, "%02x", b[i]);
    return STARCH_OK;
}

/* Connects, makes the schema and the statements, starts the listener. */
static int open_repo(pg_repo *p, const char *conninfo, starch_error *err)
{
    const starch_entity_type *t = p->base.type;
    int rc = starch__pg_params_init(&p->params, (int)t->field_count + 2);
    if (rc != STARCH_OK)
        return starch__error_set(err, rc, "%s: out of memory", t->name);
    if ((rc = make_origin(p, err)) || (rc = build_statements(p, err)) ||
        (rc = starch__pg_open(&p->db, conninfo, t->name, "starch", err)) ||
        (rc = create_schema(p, err)))
        return rc;
    if (p->base.bus &&
        (p->listener = starch__pg_listen(&p->base, conninfo, p->origin, err)) == NULL)
        return STARCH_EDB;
    return STARCH_OK;
}

starch_repo *starch_repo_pg(const starch_entity_type *type, const char *conninfo, starch_bus *bus,
                            starch_error *err)
{
    if (starch__repo_check_type(type, err) != STARCH_OK)
        return NULL;
    pg_repo *p = calloc(1, sizeof *p);
    if (p == NULL || pthread_mutex_init(&p->lock, NULL) != 0) {
        free(p);
        starch__error_set(err, STARCH_ENOMEM, "%s: out of memory", type->name);
        return NULL;
    }
    p->base = (starch_repo){&pg_ops, type, bus};
    starch_out_init(&p->sql);
    starch_out_init(&p->json);
    if (open_repo(p, conninfo, err) != STARCH_OK) {
        pg_destroy(&p->base);
        return NULL;
    }
    return &p->base;
}
