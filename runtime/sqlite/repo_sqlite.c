/* repo_sqlite.c — the SQLite repository. One table per entity type, named after it, one
 * column per field in declaration order: int and bool INTEGER, float REAL (NaN is stored
 * as NULL, as SQLite does), string TEXT (NULL stays NULL), nested entities and arrays as
 * JSON TEXT. The connection is the repository's own, used under its mutex; statements are
 * prepared once and kept (the queries by their SQL text, a set bounded by the fields).
 * A file is in WAL mode, with `PRAGMA synchronous` as the options ask (NORMAL by default:
 * a commit survives the process crashing; FULL: power loss too).
 *
 * Events stay in the process (the repository's bus), so a second repository of the same
 * type on the same database file — in this process or another — would never hear of the
 * first one's writes. It is refused when it opens: each repository of a file holds a lock
 * on one byte of `<file>.lock` (the byte of its type) until it is freed. */
#define _GNU_SOURCE /* F_OFD_SETLK: a lock of the open file, not of the process */
#include "repo_impl.h"
#include "starch_sqlite.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* A prepared statement kept for reuse, found by its SQL text. */
typedef struct cached {
    struct cached *next;
    char *sql;
    sqlite3_stmt *stmt;
} cached;

typedef struct sql_repo {
    starch_repo base;
    pthread_mutex_t lock;
    sqlite3 *db;
    cached *stmts;
    starch_out sql;  /* scratch for SQL text */
    starch_out json; /* scratch for JSON columns */
    int lock_fd;     /* <file>.lock, holding this type's byte; -1 for in-memory databases */
} sql_repo;

static int db_error(sql_repo *s, starch_error *err)
{
    return starch__error_set(err, STARCH_EDB, "%s: sqlite: %s", s->base.type->name,
                             sqlite3_errmsg(s->db));
}

/* Sets *st to the statement for the SQL text built in s->sql, prepared on first use. */
static int statement(sql_repo *s, sqlite3_stmt **st, starch_error *err)
{
    const char *sql = starch_out_cstr(&s->sql);
    *st = NULL;
    if (starch_out_error(&s->sql))
        return starch__error_set(err, STARCH_ENOMEM, "%s: out of memory", s->base.type->name);
    for (cached *c = s->stmts; c; c = c->next) {
        if (strcmp(c->sql, sql) == 0) {
            *st = c->stmt;
            return STARCH_OK;
        }
    }
    cached *c = calloc(1, sizeof *c);
    if (c == NULL || (c->sql = strdup(sql)) == NULL) {
        free(c);
        return starch__error_set(err, STARCH_ENOMEM, "%s: out of memory", s->base.type->name);
    }
    if (sqlite3_prepare_v2(s->db, sql, -1, &c->stmt, NULL) != SQLITE_OK) {
        free(c->sql);
        free(c);
        return db_error(s, err);
    }
    c->next = s->stmts;
    s->stmts = c;
    *st = c->stmt;
    return STARCH_OK;
}

/* Starts the SQL text of a statement. */
static starch_out *sql_begin(sql_repo *s)
{
    starch_out_clear(&s->sql);
    return &s->sql;
}

/* Runs a statement that returns no rows (BEGIN, COMMIT, ...) given as text. */
static int exec(sql_repo *s, const char *text, starch_error *err)
{
    sqlite3_stmt *st;
    starch_out_puts(sql_begin(s), text);
    int rc = statement(s, &st, err);
    if (rc != STARCH_OK)
        return rc;
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? STARCH_OK : db_error(s, err);
}

/* ---- Schema ------------------------------------------------------------------------ */

static const char *column_type(const starch_field *f)
{
    if (f->array || f->kind == STARCH_KIND_ENTITY || f->kind == STARCH_KIND_STRING)
        return "TEXT";
    return f->kind == STARCH_KIND_FLOAT ? "REAL" : "INTEGER";
}

static int create_table(sql_repo *s, starch_error *err)
{
    const starch_entity_type *t = s->base.type;
    starch_out *o = sql_begin(s);
    repo_sql_create_table(o, t, column_type, "INTEGER PRIMARY KEY AUTOINCREMENT",
                          "TEXT PRIMARY KEY NOT NULL");
    char *msg = NULL;
    if (sqlite3_exec(s->db, starch_out_cstr(o), NULL, NULL, &msg) != SQLITE_OK) {
        starch__error_set(err, STARCH_EDB, "%s: sqlite: %s", t->name, msg ? msg : "out of memory");
        sqlite3_free(msg);
        return STARCH_EDB;
    }
    return STARCH_OK;
}

/* True when the table already has the column. */
static bool has_column(sql_repo *s, const char *name)
{
    sqlite3_stmt *st;
    starch_out *o = sql_begin(s);
    starch_out_puts(o, "SELECT 1 FROM pragma_table_info(?) WHERE name = ?");
    if (sqlite3_prepare_v2(s->db, starch_out_cstr(o), -1, &st, NULL) != SQLITE_OK)
        return true;
    sqlite3_bind_text(st, 1, s->base.type->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

/* Adds the columns of fields the table (made by an older version of the type) lacks. */
static int add_missing_columns(sql_repo *s, starch_error *err)
{
    const starch_entity_type *t = s->base.type;
    for (size_t i = 0; i < t->field_count; i++) {
        if (has_column(s, t->fields[i].name))
            continue;
        starch_out *o = sql_begin(s);
        starch_out_puts(o, "ALTER TABLE ");
        repo_sql_ident(o, t->name);
        starch_out_puts(o, " ADD COLUMN ");
        repo_sql_ident(o, t->fields[i].name);
        starch_out_printf(o, " %s", column_type(&t->fields[i]));
        if (sqlite3_exec(s->db, starch_out_cstr(o), NULL, NULL, NULL) != SQLITE_OK)
            return db_error(s, err);
    }
    return STARCH_OK;
}

/* ---- Binding and reading rows ------------------------------------------------------ */

/* Binds field f of value to parameter i. */
static int bind_field(sql_repo *s, sqlite3_stmt *st, int i, const starch_field *f,
                      const void *value)
{
    const void *v = entity_at(value, f);
    if (f->array || f->kind == STARCH_KIND_ENTITY) {
        starch_out_clear(&s->json);
        char *p = starch__json_put_field(&s->json, starch_out_reserve(&s->json, 0), 0, f, value, 0);
        starch_out_commit(&s->json, p);
        if (starch_out_error(&s->json))
            return SQLITE_NOMEM;
        return sqlite3_bind_text(st, i, starch_out_data(&s->json), (int)starch_out_len(&s->json),
                                 SQLITE_TRANSIENT);
    }
    switch (f->kind) {
    case STARCH_KIND_INT: return sqlite3_bind_int64(st, i, *(const int64_t *)v);
    case STARCH_KIND_FLOAT: return sqlite3_bind_double(st, i, *(const double *)v);
    case STARCH_KIND_BOOL: return sqlite3_bind_int(st, i, *(const bool *)v);
    default: {
        const char *str;
        memcpy(&str, v, sizeof str);
        return str ? sqlite3_bind_text(st, i, str, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
    }
    }
}

/* Binds every field of value to parameters 1..n in declaration order; the key is bound
 * as NULL when auto is set (SQLite then assigns the next id). */
static int bind_entity(sql_repo *s, sqlite3_stmt *st, const void *value, bool autoid)
{
    const starch_entity_type *t = s->base.type;
    for (size_t i = 0; i < t->field_count; i++) {
        int rc = autoid && (int)i == t->key ? sqlite3_bind_null(st, (int)i + 1)
                                            : bind_field(s, st, (int)i + 1, &t->fields[i], value);
        if (rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}

static int bind_key(sqlite3_stmt *st, int i, const starch_entity_type *t, const repo_key *key)
{
    if (entity_key(t)->kind == STARCH_KIND_INT)
        return sqlite3_bind_int64(st, i, key->i);
    return sqlite3_bind_text(st, i, key->s, -1, SQLITE_STATIC);
}

/* Reads column i of the current row into string field f of value (zeroed). */
static int read_text(sqlite3_stmt *st, int i, const starch_field *f, void *value)
{
    const unsigned char *text = sqlite3_column_text(st, i);
    size_t n = (size_t)sqlite3_column_bytes(st, i);
    if (text == NULL)
        return STARCH_OK;
    char *copy = malloc(n + 1);
    if (copy == NULL)
        return STARCH_ENOMEM;
    memcpy(copy, text, n);
    copy[n] = '\0';
    memcpy(entity_at(value, f), &copy, sizeof copy);
    return STARCH_OK;
}

/* Reads column i of the current row into field f of value (zeroed). */
static int read_column(sql_repo *s, sqlite3_stmt *st, int i, const starch_field *f, void *value,
                       starch_error *err)
{
    void *v = entity_at(value, f);
    bool null = sqlite3_column_type(st, i) == SQLITE_NULL;
    if (f->array || f->kind == STARCH_KIND_ENTITY) {
        if (null)
            return STARCH_OK;
        char path[160];
        snprintf(path, sizeof path, "%s.%s", s->base.type->name, f->name);
        if (path[0] >= 'A' && path[0] <= 'Z') /* the root as JSON errors name it */
            path[0] = (char)(path[0] - 'A' + 'a');
        return starch__json_field_from_text(f, value, (const char *)sqlite3_column_text(st, i),
                                            (size_t)sqlite3_column_bytes(st, i), path, err);
    }
    switch (f->kind) {
    case STARCH_KIND_INT: *(int64_t *)v = sqlite3_column_int64(st, i); return STARCH_OK;
    case STARCH_KIND_FLOAT:
        *(double *)v = null ? NAN : sqlite3_column_double(st, i);
        return STARCH_OK;
    case STARCH_KIND_BOOL: *(bool *)v = sqlite3_column_int(st, i) != 0; return STARCH_OK;
    default:
        if (read_text(st, i, f, value) == STARCH_OK)
            return STARCH_OK;
        return starch__error_set(err, STARCH_ENOMEM, "%s: out of memory", s->base.type->name);
    }
}

/* Reads the current row (columns in field order) into value (zeroed); on error value is
 * cleared. */
static int read_row(sql_repo *s, sqlite3_stmt *st, void *value, starch_error *err)
{
    const starch_entity_type *t = s->base.type;
    for (size_t i = 0; i < t->field_count; i++) {
        int rc = read_column(s, st, (int)i, &t->fields[i], value, err);
        if (rc != STARCH_OK) {
            starch_entity_clear(t, value);
            return rc;
        }
    }
    return STARCH_OK;
}

/* ---- Statements -------------------------------------------------------------------- */

/* SELECT <columns> FROM <table> (the start of every read). */
static starch_out *select_from(sql_repo *s)
{
    starch_out *o = sql_begin(s);
    starch_out_puts(o, "SELECT ");
    repo_sql_columns(o, s->base.type);
    starch_out_puts(o, " FROM ");
    repo_sql_ident(o, s->base.type->name);
    return o;
}

static int select_by_key(sql_repo *s, sqlite3_stmt **st, starch_error *err)
{
    starch_out *o = select_from(s);
    starch_out_puts(o, " WHERE ");
    repo_sql_ident(o, entity_key(s->base.type)->name);
    starch_out_puts(o, " = ?");
    return statement(s, st, err);
}

static int insert(sql_repo *s, sqlite3_stmt **st, starch_error *err)
{
    starch_out *o = sql_begin(s);
    starch_out_puts(o, "INSERT INTO ");
    repo_sql_ident(o, s->base.type->name);
    starch_out_puts(o, " (");
    repo_sql_columns(o, s->base.type);
    starch_out_puts(o, ") VALUES (");
    for (size_t i = 0; i < s->base.type->field_count; i++)
        starch_out_puts(o, i ? ", ?" : "?");
    starch_out_puts(o, ")");
    return statement(s, st, err);
}

/* UPDATE that sets every column (the key to itself) WHERE key = its own parameter. */
static int update(sql_repo *s, sqlite3_stmt **st, starch_error *err)
{
    const starch_entity_type *t = s->base.type;
    starch_out *o = sql_begin(s);
    starch_out_puts(o, "UPDATE ");
    repo_sql_ident(o, t->name);
    for (size_t i = 0; i < t->field_count; i++) {
        starch_out_puts(o, i ? ", " : " SET ");
        repo_sql_ident(o, t->fields[i].name);
        starch_out_printf(o, " = ?%zu", i + 1);
    }
    starch_out_puts(o, " WHERE ");
    repo_sql_ident(o, entity_key(t)->name);
    starch_out_printf(o, " = ?%d", t->key + 1);
    return statement(s, st, err);
}

static int delete_by_key(sql_repo *s, sqlite3_stmt **st, starch_error *err)
{
    starch_out *o = sql_begin(s);
    starch_out_puts(o, "DELETE FROM ");
    repo_sql_ident(o, s->base.type->name);
    starch_out_puts(o, " WHERE ");
    repo_sql_ident(o, entity_key(s->base.type)->name);
    starch_out_puts(o, " = ?");
    return statement(s, st, err);
}

/* Runs st (bound) to completion; returns SQLITE_DONE or the error. Resets it. */
static int run(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

/* ---- Operations -------------------------------------------------------------------- */

/* Ends the transaction: COMMIT when rc is STARCH_OK, else ROLLBACK (keeping rc). */
static int finish(sql_repo *s, int rc, starch_error *err)
{
    if (rc == STARCH_OK)
        rc = exec(s, "COMMIT", err);
    if (rc != STARCH_OK)
        exec(s, "ROLLBACK", NULL);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* UPDATE, then INSERT if no row had the key; inside the open transaction. */
static int upsert(sql_repo *s, void *value, bool *created, starch_error *err)
{
    const starch_entity_type *t = s->base.type;
    const starch_field *k = entity_key(t);
    repo_key key = starch__repo_key_of(t, value);
    bool autoid = k->kind == STARCH_KIND_INT && key.i == 0;
    sqlite3_stmt *st;
    int rc;
    if (!autoid) {
        if ((rc = update(s, &st, err)) != STARCH_OK)
            return rc;
        if (bind_entity(s, st, value, false) != SQLITE_OK || run(st) != SQLITE_DONE)
            return db_error(s, err);
        if (sqlite3_changes(s->db) > 0)
            return STARCH_OK;
    }
    if ((rc = insert(s, &st, err)) != STARCH_OK)
        return rc;
    if (bind_entity(s, st, value, autoid) != SQLITE_OK || run(st) != SQLITE_DONE)
        return db_error(s, err);
    *created = true;
    if (autoid)
        *(int64_t *)entity_at(value, k) = sqlite3_last_insert_rowid(s->db);
    return STARCH_OK;
}

static int sql_save(starch_repo *repo, void *value, bool *created, int64_t *event_id,
                    starch_error *err)
{
    sql_repo *s = (sql_repo *)repo;
    (void)event_id;
    pthread_mutex_lock(&s->lock);
    int64_t id_before = starch__repo_key_of(repo->type, value).i;
    int rc = exec(s, "BEGIN IMMEDIATE", err);
    if (rc == STARCH_OK)
        rc = upsert(s, value, created, err);
    rc = finish(s, rc, err);
    if (rc != STARCH_OK && entity_key(repo->type)->kind == STARCH_KIND_INT)
        *(int64_t *)entity_at(value, entity_key(repo->type)) = id_before;
    return rc;
}

/* Reads the row with key into out (zeroed), under the lock. */
static int fetch(sql_repo *s, const repo_key *key, void *out, starch_error *err)
{
    sqlite3_stmt *st;
    int rc = select_by_key(s, &st, err);
    if (rc != STARCH_OK)
        return rc;
    bind_key(st, 1, s->base.type, key);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        rc = read_row(s, st, out, err);
    else
        rc = rc == SQLITE_DONE ? starch__repo_not_found(&s->base, key, err) : db_error(s, err);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

static int sql_get(starch_repo *repo, const repo_key *key, void *out, starch_error *err)
{
    sql_repo *s = (sql_repo *)repo;
    pthread_mutex_lock(&s->lock);
    int rc = fetch(s, key, out, err);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int sql_remove(starch_repo *repo, const repo_key *key, void *old, int64_t *event_id,
                      starch_error *err)
{
    sql_repo *s = (sql_repo *)repo;
    (void)event_id;
    pthread_mutex_lock(&s->lock);
    int rc = exec(s, "BEGIN IMMEDIATE", err);
    if (rc == STARCH_OK)
        rc = fetch(s, key, old, err);
    sqlite3_stmt *st;
    if (rc == STARCH_OK)
        rc = delete_by_key(s, &st, err);
    if (rc == STARCH_OK) {
        bind_key(st, 1, repo->type, key);
        if (run(st) != SQLITE_DONE)
            rc = db_error(s, err);
    }
    rc = finish(s, rc, err);
    if (rc != STARCH_OK)
        starch_entity_clear(repo->type, old);
    return rc;
}

/* Inside the open transaction: reads the row with key into value, applies fn, writes the
 * result back. */
static int update_row(sql_repo *s, const repo_key *key, starch_update_fn fn, void *ctx, void *value,
                      starch_error *err)
{
    int rc = fetch(s, key, value, err);
    if (rc == STARCH_OK)
        rc = starch__repo_apply(&s->base, key, fn, ctx, value, err);
    sqlite3_stmt *st;
    if (rc == STARCH_OK)
        rc = update(s, &st, err);
    if (rc == STARCH_OK &&
        (bind_entity(s, st, value, false) != SQLITE_OK || run(st) != SQLITE_DONE))
        rc = db_error(s, err);
    return rc;
}

/* BEGIN IMMEDIATE takes the database's write lock before the read, so no other writer (a
 * thread of another connection, another process) can save the row in between. */
static int sql_update(starch_repo *repo, const repo_key *key, starch_update_fn fn, void *ctx,
                      void *value, int64_t *event_id, starch_error *err)
{
    sql_repo *s = (sql_repo *)repo;
    (void)event_id;
    pthread_mutex_lock(&s->lock);
    int rc = exec(s, "BEGIN IMMEDIATE", err);
    if (rc == STARCH_OK)
        rc = update_row(s, key, fn, ctx, value, err);
    rc = finish(s, rc, err);
    if (rc != STARCH_OK)
        starch_entity_clear(repo->type, value);
    return rc;
}

static int sql_ping(starch_repo *repo, starch_error *err)
{
    sql_repo *s = (sql_repo *)repo;
    pthread_mutex_lock(&s->lock);
    int rc = exec(s, "SELECT 1", err);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* Appends ` WHERE <filter> = ?` for q's filter (strings with NULL read as ''). */
static void put_filter(starch_out *o, const repo_query *q)
{
    if (q->filter == NULL)
        return;
    starch_out_puts(o, " WHERE ");
    if (q->filter->kind == STARCH_KIND_STRING) {
        starch_out_puts(o, "COALESCE(");
        repo_sql_ident(o, q->filter->name);
        starch_out_puts(o, ", '') = ?");
    } else {
        repo_sql_ident(o, q->filter->name);
        starch_out_puts(o, " = ?");
    }
}

static int bind_value(sqlite3_stmt *st, int i, const repo_query *q)
{
    const starch_value *v = &q->value;
    switch (q->filter->kind) {
    case STARCH_KIND_FLOAT:
        return sqlite3_bind_double(st, i, v->kind == STARCH_KIND_INT ? (double)v->i : v->f);
    case STARCH_KIND_BOOL: return sqlite3_bind_int(st, i, v->b);
    case STARCH_KIND_STRING: return sqlite3_bind_text(st, i, v->s ? v->s : "", -1, SQLITE_STATIC);
    default: return sqlite3_bind_int64(st, i, v->i);
    }
}

/* The SELECT for q: filter, order (ties by key), LIMIT ? OFFSET ?. */
static int select_query(sql_repo *s, const repo_query *q, sqlite3_stmt **st, starch_error *err)
{
    starch_out *o = select_from(s);
    put_filter(o, q);
    starch_out_puts(o, " ORDER BY ");
    if (q->order->kind == STARCH_KIND_STRING)
        starch_out_puts(o, "COALESCE(");
    repo_sql_ident(o, q->order->name);
    starch_out_puts(o, q->order->kind == STARCH_KIND_STRING ? ", '')" : "");
    starch_out_puts(o, q->desc ? " DESC, " : ", ");
    repo_sql_ident(o, entity_key(s->base.type)->name);
    starch_out_puts(o, " LIMIT ? OFFSET ?");
    return statement(s, st, err);
}

/* Appends the current row of st to list (room for one more is made as needed). */
static int append_row(sql_repo *s, sqlite3_stmt *st, starch_list *list, size_t *cap,
                      starch_error *err)
{
    size_t size = s->base.type->size;
    if (list->count == *cap) {
        size_t n = *cap ? *cap * 2 : 16;
        char *items = realloc(list->items, n * size);
        if (items == NULL)
            return starch__error_set(err, STARCH_ENOMEM, "%s: out of memory", s->base.type->name);
        list->items = items;
        *cap = n;
    }
    char *item = (char *)list->items + list->count * size;
    memset(item, 0, size);
    int rc = read_row(s, st, item, err);
    if (rc == STARCH_OK)
        list->count++;
    return rc;
}

static int sql_where(starch_repo *repo, const repo_query *q, starch_list *list, starch_error *err)
{
    sql_repo *s = (sql_repo *)repo;
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st;
    int rc = select_query(s, q, &st, err);
    if (rc == STARCH_OK) {
        int n = q->filter ? 1 : 0;
        if (q->filter)
            bind_value(st, 1, q);
        sqlite3_bind_int64(st, n + 1, q->limit ? (int64_t)q->limit : -1);
        sqlite3_bind_int64(st, n + 2, (int64_t)q->offset);
        size_t cap = 0;
        int step;
        while (rc == STARCH_OK && (step = sqlite3_step(st)) == SQLITE_ROW)
            rc = append_row(s, st, list, &cap, err);
        if (rc == STARCH_OK && step != SQLITE_DONE)
            rc = db_error(s, err);
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
    pthread_mutex_unlock(&s->lock);
    if (rc != STARCH_OK)
        starch_list_free(list);
    return rc;
}

static int sql_count(starch_repo *repo, const repo_query *q, size_t *n, starch_error *err)
{
    sql_repo *s = (sql_repo *)repo;
    pthread_mutex_lock(&s->lock);
    starch_out *o = sql_begin(s);
    starch_out_puts(o, "SELECT count(*) FROM ");
    repo_sql_ident(o, repo->type->name);
    put_filter(o, q);
    sqlite3_stmt *st;
    int rc = statement(s, &st, err);
    if (rc == STARCH_OK) {
        if (q->filter)
            bind_value(st, 1, q);
        if (sqlite3_step(st) == SQLITE_ROW)
            *n = (size_t)sqlite3_column_int64(st, 0);
        else
            rc = db_error(s, err);
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static void sql_destroy(starch_repo *repo)
{
    sql_repo *s = (sql_repo *)repo;
    for (cached *c = s->stmts, *next; c; c = next) {
        next = c->next;
        sqlite3_finalize(c->stmt);
        free(c->sql);
        free(c);
    }
    sqlite3_close(s->db);
    if (s->lock_fd >= 0)
        close(s->lock_fd); /* releases the lock */
    starch_out_free(&s->sql);
    starch_out_free(&s->json);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static const repo_ops sql_ops = {.save = sql_save,
                                 .get = sql_get,
                                 .remove = sql_remove,
                                 .update = sql_update,
                                 .ping = sql_ping,
                                 .where = sql_where,
                                 .count = sql_count,
                                 .destroy = sql_destroy};

/* ---- One instance per file and type ------------------------------------------------ */

/* The byte of `<file>.lock` that stands for the type: its name's FNV-1a hash, in 2^30. */
static off_t type_byte(const starch_entity_type *t)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)t->name; *p; p++)
        h = (h ^ *p) * 16777619u;
    return (off_t)(h & 0x3FFFFFFF);
}

/* Takes this type's byte of `<file>.lock` (an open-file-description lock: two repositories
 * in one process conflict too, and closing one does not release the other's), or says who
 * holds it. */
static int lock_instance(sql_repo *s, const char *file, starch_error *err)
{
    const char *name = s->base.type->name;
    char *path = malloc(strlen(file) + sizeof ".lock");
    if (path == NULL)
        return starch__error_set(err, STARCH_ENOMEM, "%s: out of memory", name);
    strcpy(path, file);
    strcat(path, ".lock");
    int rc = STARCH_OK;
    s->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    struct flock fl = {
        .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = type_byte(s->base.type), .l_len = 1};
    if (s->lock_fd < 0)
        rc = starch__error_set(err, STARCH_EDB, "%s: sqlite: cannot open %s: %s", name, path,
                               strerror(errno));
    else if (fcntl(s->lock_fd, F_OFD_SETLK, &fl) == 0)
        rc = STARCH_OK;
    else if (errno == EAGAIN || errno == EACCES)
        rc = starch__error_set(err, STARCH_EDB,
                               "%s: sqlite: another %s repository has %s open (%s held): its "
                               "events would not reach this one",
                               name, name, file, path);
    else
        rc = starch__error_set(err, STARCH_EDB, "%s: sqlite: cannot lock %s: %s", name, path,
                               strerror(errno));
    free(path);
    return rc;
}

/* True for the names SQLite gives private in-memory databases. */
static bool in_memory(const char *path)
{
    return path[0] == '\0' || strcmp(path, ":memory:") == 0 || strstr(path, "mode=memory");
}

/* The PRAGMA that sets sync, or NULL for a value outside the enum. */
static const char *sync_pragma(starch_sqlite_sync sync)
{
    switch (sync) {
    case STARCH_SQLITE_SYNC_NORMAL: return "PRAGMA synchronous=NORMAL";
    case STARCH_SQLITE_SYNC_OFF: return "PRAGMA synchronous=OFF";
    case STARCH_SQLITE_SYNC_FULL: return "PRAGMA synchronous=FULL";
    }
    return NULL;
}

/* Opens the database (WAL, synchronous as sync asks) and makes the table. */
static int open_db(sql_repo *s, const char *path, starch_sqlite_sync sync, starch_error *err)
{
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
    if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK)
        return s->db
                   ? db_error(s, err)
                   : starch__error_set(err, STARCH_ENOMEM, "%s: out of memory", s->base.type->name);
    sqlite3_busy_timeout(s->db, 5000);
    const char *file = sqlite3_db_filename(s->db, "main");
    if (file && file[0] && lock_instance(s, file, err) != STARCH_OK)
        return STARCH_EDB;
    if (!in_memory(path) &&
        (sqlite3_exec(s->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK ||
         sqlite3_exec(s->db, sync_pragma(sync), NULL, NULL, NULL) != SQLITE_OK))
        return db_error(s, err);
    int rc = create_table(s, err);
    return rc ? rc : add_missing_columns(s, err);
}

starch_repo *starch_repo_sqlite(const starch_entity_type *type, const char *path, starch_bus *bus,
                                starch_error *err)
{
    return starch_repo_sqlite_open(type, path, bus, NULL, err);
}

starch_repo *starch_repo_sqlite_open(const starch_entity_type *type, const char *path,
                                     starch_bus *bus, const starch_sqlite_options *options,
                                     starch_error *err)
{
    starch_sqlite_sync sync = options ? options->sync : STARCH_SQLITE_SYNC_NORMAL;
    if (starch__repo_check_type(type, err) != STARCH_OK)
        return NULL;
    if (sync_pragma(sync) == NULL) {
        starch__error_set(err, STARCH_EINVAL, "%s: sqlite: unknown sync setting %d", type->name,
                          (int)sync);
        return NULL;
    }
    sql_repo *s = calloc(1, sizeof *s);
    if (s == NULL || pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s);
        starch__error_set(err, STARCH_ENOMEM, "%s: out of memory", type->name);
        return NULL;
    }
    s->base = (starch_repo){&sql_ops, type, bus};
    s->lock_fd = -1;
    starch_out_init(&s->sql);
    starch_out_init(&s->json);
    if (open_db(s, path ? path : ":memory:", sync, err) != STARCH_OK) {
        sql_destroy(&s->base);
        return NULL;
    }
    return &s->base;
}
