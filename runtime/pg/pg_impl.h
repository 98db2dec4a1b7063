/* pg_impl.h — what the files of the PostgreSQL layer share (not installed): a connection
 * that reconnects when it finds itself broken and never waits longer than a deadline
 * (pg_conn.c), statement parameters as text (pg_conn.c), and the event table with its
 * writer and listener (pg_events.c). The SQL of the event table is here, in one place,
 * for the repository and for the tests that write events by hand. */
#ifndef STARCH_PG_IMPL_H
#define STARCH_PG_IMPL_H

#include "repo_impl.h"
#include "starch_json.h"
#include "starch_pg.h"

#include <libpq-fe.h>
#include <pthread.h>

/* How long one round trip may take before the call fails (and the connection is closed:
 * the next call makes a new one). Also the server's statement_timeout, unless the
 * connection string sets one. */
#define STARCH_PG_TIMEOUT_MS      10000
/* How long connecting may take (libpq's connect_timeout, unless the string sets one). */
#define STARCH_PG_CONNECT_TIMEOUT "5"

/* The advisory lock key under which schemas are created (ASCII "starch_s"). */
#define STARCH_PG_SCHEMA_LOCK "8319381555582099315"
/* The advisory lock key taken, for the rest of the transaction, right before an event row
 * is inserted (ASCII "starch_e"): event ids then become visible in commit order. */
#define STARCH_PG_EVENT_LOCK  "8319381555582099301"

/* The events table: one row per write, in the write's transaction. payload is `json`
 * (text kept as written), not jsonb: jsonb would rewrite 1e+21 as an integer that the
 * reader (jansson) cannot hold, and -0 as 0. */
#define STARCH_PG_EVENTS_TABLE                                                                     \
    "CREATE TABLE IF NOT EXISTS starch_events (id bigserial PRIMARY KEY, origin text NOT NULL, "   \
    "name text NOT NULL, type text NOT NULL, key text NOT NULL, payload json NOT NULL, "           \
    "created_at timestamptz NOT NULL DEFAULT now())"
#define STARCH_PG_EVENT_LOCK_SQL "SELECT pg_advisory_xact_lock(" STARCH_PG_EVENT_LOCK ")"
#define STARCH_PG_EVENT_INSERT_SQL                                                                 \
    "INSERT INTO starch_events (origin, name, type, key, payload) VALUES ($1, $2, $3, $4, $5) "    \
    "RETURNING id"
#define STARCH_PG_EVENT_NOTIFY_SQL "NOTIFY starch_events"

/* Pruning: the write that takes an event id divisible by STARCH_PG_PRUNE_EVERY also
 * deletes, in its transaction, the events that are both older than
 * STARCH_PG_EVENT_RETENTION and more than STARCH_PG_EVENT_KEEP ids behind its own (by the
 * primary key: an index range, not a scan). A listener may thus be away for a day and
 * 10,000 events and still catch up on everything. */
#define STARCH_PG_PRUNE_EVERY     1000
#define STARCH_PG_EVENT_KEEP      10000
#define STARCH_PG_EVENT_RETENTION "1 day"
#define STARCH_PG_EVENT_PRUNE_SQL                                                                  \
    "DELETE FROM starch_events WHERE id <= $1 AND created_at < now() - interval "                  \
    "'" STARCH_PG_EVENT_RETENTION "'"

/* ---- pg_conn.c ----------------------------------------------------------------------- */

/* A statement prepared on the current connection, found by its SQL text. */
typedef struct pg_stmt {
    struct pg_stmt *next;
    char *sql;
    char name[24];
} pg_stmt;

/* A connection and what it needs to be made again. Used by one thread at a time. */
typedef struct pg_conn {
    PGconn *conn; /* NULL while disconnected */
    char *conninfo;
    const char *who;         /* the type's name, which starts every message */
    const char *application; /* application_name: "starch" or "starch listener" */
    pg_stmt *stmts;          /* prepared on conn; dropped with it */
    unsigned prepared;       /* statements prepared so far (their names) */
    bool lost;               /* the last statement failed because the connection broke */
} pg_conn;

/** Sets up c (copying conninfo) and connects. STARCH_EDB with libpq's words on failure
 *  (c must still be closed with starch__pg_close). */
int starch__pg_open(pg_conn *c, const char *conninfo, const char *who, const char *application,
                    starch_error *err);

/** Makes sure c is connected: a connection found broken (the server went away, or a
 *  previous call timed out) is replaced by a new one. */
int starch__pg_ready(pg_conn *c, starch_error *err);

/** Runs sql with n text parameters (NULL for SQL NULL) within STARCH_PG_TIMEOUT_MS,
 *  prepared once per connection when prepare is set. *res (may be NULL: discarded)
 *  receives the result of a statement that succeeded; the caller PQclears it. */
int starch__pg_exec(pg_conn *c, const char *sql, int n, const char *const *params, bool prepare,
                    PGresult **res, starch_error *err);

/** starch__pg_exec for the first statement of a call (BEGIN, or a lone read): when it
 *  fails because the connection broke — which an idle connection does not always show
 *  before it is used — it runs once more on a new connection. Safe because nothing has
 *  happened yet (a timeout is not retried). */
int starch__pg_exec_first(pg_conn *c, const char *sql, int n, const char *const *params,
                          bool prepare, PGresult **res, starch_error *err);

/** Ends the transaction: COMMIT when rc is STARCH_OK (its failure becomes rc), else
 *  ROLLBACK if the connection still stands. Returns rc. */
int starch__pg_finish(pg_conn *c, int rc, starch_error *err);

/** Closes the connection (if any); the next starch__pg_ready connects again. */
void starch__pg_drop(pg_conn *c);

/** Closes the connection (if any) and frees what c holds. */
void starch__pg_close(pg_conn *c);

/** Text parameters for one statement: values NUL-terminated one after another. */
typedef struct pg_params {
    starch_out text;
    size_t *at;          /* where each value starts in text; SIZE_MAX for NULL */
    const char **values; /* set by starch__pg_params_values */
    int n, cap;
} pg_params;

int starch__pg_params_init(pg_params *p, int cap);
void starch__pg_params_free(pg_params *p);
/** Starts a new parameter list (keeps the memory). */
void starch__pg_params_clear(pg_params *p);
/** Appends a text value (NULL: SQL NULL); int, double (NaN: NULL), bool likewise. */
void starch__pg_param_text(pg_params *p, const char *s);
void starch__pg_param_int(pg_params *p, int64_t v);
void starch__pg_param_double(pg_params *p, double v);
void starch__pg_param_bool(pg_params *p, bool v);
/** Appends field f of value: its column's text (arrays and entities as JSON). */
void starch__pg_param_field(pg_params *p, const starch_field *f, const void *value);
/** The values for starch__pg_exec; NULL when out of memory. */
const char *const *starch__pg_params_values(pg_params *p);

/* ---- pg_events.c --------------------------------------------------------------------- */

typedef struct pg_listener pg_listener;

/** Writes the event row for a write of value (inside the open transaction of c): takes
 *  the event lock, inserts, notifies. *id receives the row's id. json is scratch. */
int starch__pg_event_write(pg_conn *c, const starch_repo *repo, const char *origin,
                           const char *what, const void *value, starch_out *json, int64_t *id,
                           starch_error *err);

/** Starts the listener of repo (which has a bus): its own connection, LISTEN, the current
 *  last event id, then a thread that emits the events other instances write (remote).
 *  NULL on failure. */
pg_listener *starch__pg_listen(const starch_repo *repo, const char *conninfo, const char *origin,
                               starch_error *err);

/** Stops the listener thread, joins it, closes its connection. NULL: no-op. */
void starch__pg_listener_stop(pg_listener *l);

#endif
