/* pg_conn.c — one PostgreSQL connection of the repository layer: made with bounded
 * connecting and keepalives, replaced when found broken, every round trip bounded by a
 * deadline (libpq's asynchronous calls and poll()), statements prepared once per
 * connection; and the text parameters statements are given.
 *
 * Failing fast: connecting gives up after connect_timeout; a statement after
 * STARCH_PG_TIMEOUT_MS (the connection is then closed, as its state is unknown); TCP
 * keepalives find a peer that vanished. A connection that broke fails the call that
 * found it; the next call connects again, so the application needs no restart. */
#include "pg_impl.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* ---- Errors -------------------------------------------------------------------------- */

/* STARCH_EDB with the first line of what libpq or the server said. */
static int pg_error(const pg_conn *c, const char *what, starch_error *err)
{
    size_t n = strcspn(what, "\n");
    while (n > 0 && (what[n - 1] == ' ' || what[n - 1] == '\r'))
        n--;
    return starch__error_set(err, STARCH_EDB, "%s: pg: %.*s", c->who, (int)n,
                             n ? what : "connection lost");
}

static int conn_error(const pg_conn *c, starch_error *err)
{
    return pg_error(c, c->conn ? PQerrorMessage(c->conn) : "not connected", err);
}

/* ---- Connecting ---------------------------------------------------------------------- */

static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* Drops the connection and the statements prepared on it. */
static void disconnect(pg_conn *c)
{
    for (pg_stmt *s = c->stmts, *next; s; s = next) {
        next = s->next;
        free(s->sql);
        free(s);
    }
    c->stmts = NULL;
    PQfinish(c->conn);
    c->conn = NULL;
}

/* Sets the server's statement_timeout, unless the connection string chose one. */
static int set_statement_timeout(pg_conn *c, starch_error *err)
{
    char ms[24];
    snprintf(ms, sizeof ms, "%d", STARCH_PG_TIMEOUT_MS);
    const char *params[] = {ms};
    return starch__pg_exec(c,
                           "SELECT set_config('statement_timeout', $1, false) "
                           "WHERE current_setting('statement_timeout') = '0'",
                           1, params, false, NULL, err);
}

/* Connects: our defaults first, the caller's string (expanded as dbname) overriding
 * them. */
static int connect_now(pg_conn *c, starch_error *err)
{
    const char *keys[] = {"connect_timeout",  "keepalives",
                          "keepalives_idle",  "keepalives_interval",
                          "keepalives_count", "tcp_user_timeout",
                          "client_encoding",  "application_name",
                          "dbname",           NULL};
    const char *values[] = {STARCH_PG_CONNECT_TIMEOUT,
                            "1",
                            "10",
                            "5",
                            "3",
                            "15000",
                            "UTF8",
                            c->application,
                            c->conninfo,
                            NULL};
    c->conn = PQconnectdbParams(keys, values, 1);
    if (c->conn == NULL)
        return starch__error_set(err, STARCH_ENOMEM, "%s: out of memory", c->who);
    if (PQstatus(c->conn) != CONNECTION_OK) {
        int rc = conn_error(c, err);
        disconnect(c);
        return rc;
    }
    PQsetNoticeProcessor(c->conn, ignore_notice, NULL);
    int rc = set_statement_timeout(c, err);
    if (rc != STARCH_OK)
        disconnect(c);
    return rc;
}

int starch__pg_open(pg_conn *c, const char *conninfo, const char *who, const char *application,
                    starch_error *err)
{
    *c = (pg_conn){.who = who, .application = application};
    c->conninfo = strdup(conninfo ? conninfo : "");
    if (c->conninfo == NULL)
        return starch__error_set(err, STARCH_ENOMEM, "%s: out of memory", who);
    return connect_now(c, err);
}

int starch__pg_ready(pg_conn *c, starch_error *err)
{
    /* An idle connection reads what the server sent meanwhile: a server that shut down or
     * a backend that was terminated said so, or closed the socket, and the status turns
     * bad here instead of in the middle of the next statement. */
    if (c->conn && PQstatus(c->conn) == CONNECTION_OK &&
        PQtransactionStatus(c->conn) == PQTRANS_IDLE)
        PQconsumeInput(c->conn);
    if (c->conn && PQstatus(c->conn) == CONNECTION_OK)
        return STARCH_OK;
    disconnect(c);
    return connect_now(c, err);
}

void starch__pg_drop(pg_conn *c)
{
    disconnect(c);
}

void starch__pg_close(pg_conn *c)
{
    disconnect(c);
    free(c->conninfo);
    c->conninfo = NULL;
}

/* ---- Round trips with a deadline ----------------------------------------------------- */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until the socket is ready for events or the deadline passes. True when ready. */
static bool wait_socket(PGconn *conn, short events, int64_t deadline)
{
    struct pollfd p = {.fd = PQsocket(conn), .events = events};
    for (;;) {
        int64_t left = deadline - now_ms();
        if (left <= 0)
            return false;
        int n = poll(&p, 1, (int)left);
        if (n > 0)
            return true;
        if (n < 0 && errno != EINTR)
            return false;
    }
}

/* Sends what libpq holds, reading meanwhile (the server may answer before taking it all). */
static int flush_out(pg_conn *c, int64_t deadline)
{
    int f;
    while ((f = PQflush(c->conn)) == 1) {
        if (!wait_socket(c->conn, POLLIN | POLLOUT, deadline))
            return STARCH_ETIMEOUT;
        if (!PQconsumeInput(c->conn))
            return STARCH_EDB;
    }
    return f == 0 ? STARCH_OK : STARCH_EDB;
}

/* Collects the results of the query sent, keeping the first failed one (or the last). */
static int collect(pg_conn *c, int64_t deadline, PGresult **out)
{
    PGresult *keep = NULL;
    for (;;) {
        while (PQisBusy(c->conn)) {
            if (!wait_socket(c->conn, POLLIN, deadline)) {
                PQclear(keep);
                return STARCH_ETIMEOUT;
            }
            if (!PQconsumeInput(c->conn)) {
                PQclear(keep);
                return STARCH_EDB;
            }
        }
        PGresult *r = PQgetResult(c->conn);
        if (r == NULL)
            break;
        ExecStatusType st = PQresultStatus(keep);
        if (keep && (st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE)) {
            PQclear(r);
        } else {
            PQclear(keep);
            keep = r;
        }
    }
    *out = keep;
    return STARCH_OK;
}

/* Waits for the answer to what was sent; *res is the result, or NULL on a broken or
 * silent connection (which is then closed: the next call reconnects). */
static int answer(pg_conn *c, int64_t deadline, PGresult **res, starch_error *err)
{
    *res = NULL;
    int rc = flush_out(c, deadline);
    if (rc == STARCH_OK)
        rc = collect(c, deadline, res);
    if (rc == STARCH_OK && *res == NULL)
        rc = STARCH_EDB;
    if (rc == STARCH_ETIMEOUT) {
        disconnect(c);
        return starch__error_set(err, STARCH_EDB, "%s: pg: no answer from the server within %d ms",
                                 c->who, STARCH_PG_TIMEOUT_MS);
    }
    if (rc != STARCH_OK) {
        rc = conn_error(c, err);
        disconnect(c);
        c->lost = true;
    }
    return rc;
}

/* Checks a result: STARCH_OK for a command or rows, else the server's message. */
static int check_result(pg_conn *c, PGresult *r, starch_error *err)
{
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return STARCH_OK;
    const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    int rc = pg_error(c, msg ? msg : PQresultErrorMessage(r), err);
    if (PQstatus(c->conn) != CONNECTION_OK) {
        disconnect(c);
        c->lost = true;
    }
    return rc;
}

/* The prepared statement for sql on this connection, preparing it on first use. */
static int prepared(pg_conn *c, const char *sql, int n, int64_t deadline, const char **name,
                    starch_error *err)
{
    for (pg_stmt *s = c->stmts; s; s = s->next) {
        if (strcmp(s->sql, sql) == 0) {
            *name = s->name;
            return STARCH_OK;
        }
    }
    pg_stmt *s = calloc(1, sizeof *s);
    if (s == NULL || (s->sql = strdup(sql)) == NULL) {
        free(s);
        return starch__error_set(err, STARCH_ENOMEM, "%s: out of memory", c->who);
    }
    snprintf(s->name, sizeof s->name, "starch_%u", c->prepared++);
    PGresult *r = NULL;
    int rc = PQsendPrepare(c->conn, s->name, sql, n, NULL) ? answer(c, deadline, &r, err)
                                                           : conn_error(c, err);
    if (rc == STARCH_OK)
        rc = check_result(c, r, err);
    PQclear(r);
    if (rc != STARCH_OK || c->conn == NULL) {
        free(s->sql);
        free(s);
        return rc;
    }
    s->next = c->stmts;
    c->stmts = s;
    *name = s->name;
    return STARCH_OK;
}

int starch__pg_exec(pg_conn *c, const char *sql, int n, const char *const *params, bool prepare,
                    PGresult **res, starch_error *err)
{
    if (res)
        *res = NULL;
    c->lost = false;
    if (c->conn == NULL)
        return pg_error(c, "not connected", err);
    int64_t deadline = now_ms() + STARCH_PG_TIMEOUT_MS;
    const char *name = NULL;
    int rc = prepare ? prepared(c, sql, n, deadline, &name, err) : STARCH_OK;
    if (rc != STARCH_OK)
        return rc;
    int sent = name ? PQsendQueryPrepared(c->conn, name, n, params, NULL, NULL, 0)
                    : PQsendQueryParams(c->conn, sql, n, NULL, params, NULL, NULL, 0);
    if (!sent) {
        rc = conn_error(c, err);
        disconnect(c);
        c->lost = true;
        return rc;
    }
    PGresult *r;
    rc = answer(c, deadline, &r, err);
    if (rc == STARCH_OK)
        rc = check_result(c, r, err);
    if (rc == STARCH_OK && res)
        *res = r;
    else
        PQclear(r);
    return rc;
}

int starch__pg_exec_first(pg_conn *c, const char *sql, int n, const char *const *params,
                          bool prepare, PGresult **res, starch_error *err)
{
    int rc = starch__pg_exec(c, sql, n, params, prepare, res, err);
    if (rc != STARCH_OK && c->lost && starch__pg_ready(c, NULL) == STARCH_OK)
        rc = starch__pg_exec(c, sql, n, params, prepare, res, err);
    return rc;
}

int starch__pg_finish(pg_conn *c, int rc, starch_error *err)
{
    if (rc == STARCH_OK)
        return starch__pg_exec(c, "COMMIT", 0, NULL, false, NULL, err);
    if (c->conn && PQstatus(c->conn) == CONNECTION_OK &&
        starch__pg_exec(c, "ROLLBACK", 0, NULL, false, NULL, NULL) != STARCH_OK)
        disconnect(c); /* a transaction left open would hold its locks */
    return rc;
}

/* ---- Parameters ---------------------------------------------------------------------- */

int starch__pg_params_init(pg_params *p, int cap)
{
    *p = (pg_params){.cap = cap};
    starch_out_init(&p->text);
    p->at = malloc((size_t)cap * sizeof *p->at);
    p->values = malloc((size_t)cap * sizeof *p->values);
    return p->at && p->values ? STARCH_OK : STARCH_ENOMEM;
}

void starch__pg_params_free(pg_params *p)
{
    starch_out_free(&p->text);
    free(p->at);
    free(p->values);
    *p = (pg_params){0};
}

void starch__pg_params_clear(pg_params *p)
{
    starch_out_clear(&p->text);
    p->n = 0;
}

/* Starts the next value: its offset, or SIZE_MAX for NULL. */
static void param_start(pg_params *p, bool null)
{
    assert(p->n < p->cap);
    p->at[p->n++] = null ? SIZE_MAX : starch_out_len(&p->text);
}

void starch__pg_param_text(pg_params *p, const char *s)
{
    param_start(p, s == NULL);
    if (s)
        starch_out_write(&p->text, s, strlen(s) + 1);
}

void starch__pg_param_int(pg_params *p, int64_t v)
{
    param_start(p, false);
    starch_out_printf(&p->text, "%lld", (long long)v);
    starch_out_write(&p->text, "", 1);
}

void starch__pg_param_double(pg_params *p, double v)
{
    param_start(p, isnan(v));
    if (isinf(v))
        starch_out_puts(&p->text, v > 0 ? "Infinity" : "-Infinity");
    else if (!isnan(v))
        starch_out_printf(&p->text, "%.17g", v);
    if (!isnan(v))
        starch_out_write(&p->text, "", 1);
}

void starch__pg_param_bool(pg_params *p, bool v)
{
    param_start(p, false);
    starch_out_write(&p->text, v ? "t" : "f", 2);
}

void starch__pg_param_field(pg_params *p, const starch_field *f, const void *value)
{
    const void *v = entity_at(value, f);
    if (f->array || f->kind == STARCH_KIND_ENTITY) {
        param_start(p, false);
        char *c = starch__json_put_field(&p->text, starch_out_reserve(&p->text, 0), 0, f, value, 0);
        starch_out_commit(&p->text, c);
        starch_out_write(&p->text, "", 1);
        return;
    }
    switch (f->kind) {
    case STARCH_KIND_INT: starch__pg_param_int(p, *(const int64_t *)v); return;
    case STARCH_KIND_FLOAT: starch__pg_param_double(p, *(const double *)v); return;
    case STARCH_KIND_BOOL: starch__pg_param_bool(p, *(const bool *)v); return;
    default: {
        const char *s;
        memcpy(&s, v, sizeof s);
        starch__pg_param_text(p, s);
    }
    }
}

const char *const *starch__pg_params_values(pg_params *p)
{
    if (starch_out_error(&p->text))
        return NULL;
    const char *base = starch_out_data(&p->text);
    for (int i = 0; i < p->n; i++)
        p->values[i] = p->at[i] == SIZE_MAX ? NULL : base + p->at[i];
    return p->values;
}
