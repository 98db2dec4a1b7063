/* pg_events.c — events across processes, committed with the data.
 *
 * Every write of a PostgreSQL repository inserts, in its own transaction, a row into
 * `starch_events` (id, origin, name, type, key, the entity as JSON) and sends
 * `NOTIFY starch_events`. Right before the insert it takes a transaction-scoped advisory
 * lock (STARCH_PG_EVENT_LOCK): from the id's allocation to the commit, one transaction at
 * a time holds it, so ids become visible in the order they were allocated. Without it, a
 * transaction that took id 10 could commit after one that took id 11, and a reader that
 * had seen 11 and asks for `id > 11` would never see 10.
 *
 * A repository with a bus runs a listener: a thread with its own connection that LISTENs,
 * waits on the socket (poll, with a timeout, so that a lost notification only delays),
 * reads `id > last` for its type in id order, skips the rows of its own origin (the
 * repository emitted those itself after committing) and emits the others with remote set.
 * When its connection breaks it connects again and catches up from the last id it saw.
 *
 * The table does not grow without bound: every STARCH_PG_PRUNE_EVERY-th write deletes the
 * events older than a day and 10,000 ids (pg_impl.h). */
#include "pg_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* How long the listener waits for a notification before it reads anyway. */
#define LISTEN_POLL_MS   1000
/* The longest pause between two attempts to reconnect. */
#define RECONNECT_MAX_MS 2000
/* Rows read per query while catching up. */
#define CATCH_UP_ROWS    "500"

/* ---- Writing ------------------------------------------------------------------------- */

/* Deletes the events older than the retention and STARCH_PG_EVENT_KEEP ids behind id, in
 * the write's transaction (pg_impl.h). */
static int prune(pg_conn *c, int64_t id, starch_error *err)
{
    if (id <= STARCH_PG_EVENT_KEEP)
        return STARCH_OK;
    char upto[24];
    snprintf(upto, sizeof upto, "%lld", (long long)(id - STARCH_PG_EVENT_KEEP));
    const char *params[] = {upto};
    return starch__pg_exec(c, STARCH_PG_EVENT_PRUNE_SQL, 1, params, true, NULL, err);
}

int starch__pg_event_write(pg_conn *c, const starch_repo *repo, const char *origin,
                           const char *what, const void *value, starch_out *json, int64_t *id,
                           starch_error *err)
{
    const starch_entity_type *t = repo->type;
    char name[256], key[32];
    snprintf(name, sizeof name, "%s.%s", t->name, what);
    repo_key k = starch__repo_key_of(t, value);
    if (entity_key(t)->kind == STARCH_KIND_INT)
        snprintf(key, sizeof key, "%lld", (long long)k.i);
    starch_out_clear(json);
    starch_entity_json(json, t, value);
    if (starch_out_error(json))
        return starch__error_set(err, STARCH_ENOMEM, "%s: out of memory", t->name);
    const char *params[] = {origin, name, t->name,
                            entity_key(t)->kind == STARCH_KIND_INT ? key : k.s,
                            starch_out_cstr(json)};
    PGresult *r = NULL;
    int rc = starch__pg_exec(c, STARCH_PG_EVENT_LOCK_SQL, 0, NULL, true, NULL, err);
    if (rc == STARCH_OK)
        rc = starch__pg_exec(c, STARCH_PG_EVENT_INSERT_SQL, 5, params, true, &r, err);
    if (rc == STARCH_OK)
        rc = starch__pg_exec(c, STARCH_PG_EVENT_NOTIFY_SQL, 0, NULL, false, NULL, err);
    if (rc == STARCH_OK)
        *id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    if (rc == STARCH_OK && *id % STARCH_PG_PRUNE_EVERY == 0)
        rc = prune(c, *id, err);
    return rc;
}

/* ---- The listener -------------------------------------------------------------------- */

struct pg_listener {
    const starch_repo *repo;
    const char *origin;
    pg_conn db;
    int64_t last; /* the last event id seen */
    int wake[2];  /* a byte written to wake[1] stops the thread */
    pthread_t thread;
    bool running;
};

/* True once stop was asked; waits up to ms for it (or for the connection's socket, when
 * fd >= 0). */
static bool wait_or_stop(pg_listener *l, int fd, int ms)
{
    struct pollfd p[2] = {{.fd = l->wake[0], .events = POLLIN}, {.fd = fd, .events = POLLIN}};
    int n = poll(p, fd >= 0 ? 2 : 1, ms);
    return n > 0 && (p[0].revents & POLLIN);
}

/* Connects, LISTENs; with start set, also begins after the current last event id. */
static int subscribe(pg_listener *l, bool start, starch_error *err)
{
    int rc = starch__pg_ready(&l->db, err);
    if (rc == STARCH_OK)
        rc = starch__pg_exec(&l->db, "LISTEN starch_events", 0, NULL, false, NULL, err);
    PGresult *r = NULL;
    if (rc == STARCH_OK && start)
        rc = starch__pg_exec(&l->db, "SELECT COALESCE(max(id), 0) FROM starch_events", 0, NULL,
                             false, &r, err);
    if (r)
        l->last = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return rc;
}

/* Emits row i of r (id, origin, name, payload) unless this repository wrote it. */
static void deliver(pg_listener *l, PGresult *r, int i)
{
    l->last = strtoll(PQgetvalue(r, i, 0), NULL, 10);
    if (strcmp(PQgetvalue(r, i, 1), l->origin) == 0)
        return;
    const starch_entity_type *t = l->repo->type;
    void *value = calloc(1, t->size);
    if (value == NULL)
        return;
    const char *json = PQgetvalue(r, i, 3);
    if (starch_entity_from_json_text(t, value, json, strlen(json), 0, NULL) == STARCH_OK) {
        starch_event ev = {
            .name = PQgetvalue(r, i, 2), .type = t, .data = value, .id = l->last, .remote = true};
        starch_bus_emit(l->repo->bus, &ev);
    }
    starch_entity_clear(t, value);
    free(value);
}

/* Reads and emits every event of the type after l->last. */
static int catch_up(pg_listener *l)
{
    for (;;) {
        char last[24];
        snprintf(last, sizeof last, "%lld", (long long)l->last);
        const char *params[] = {last, l->repo->type->name};
        PGresult *r;
        int rc = starch__pg_exec(&l->db,
                                 "SELECT id, origin, name, payload FROM starch_events "
                                 "WHERE id > $1 AND type = $2 ORDER BY id LIMIT " CATCH_UP_ROWS,
                                 2, params, true, &r, NULL);
        if (rc != STARCH_OK)
            return rc;
        int n = PQntuples(r);
        for (int i = 0; i < n; i++)
            deliver(l, r, i);
        PQclear(r);
        if (n < atoi(CATCH_UP_ROWS))
            return STARCH_OK;
    }
}

/* Waits for a notification (or the poll timeout) and consumes it; STARCH_ECLOSED when
 * stop was asked, STARCH_EDB when the connection broke. */
static int await_notification(pg_listener *l)
{
    if (wait_or_stop(l, PQsocket(l->db.conn), LISTEN_POLL_MS))
        return STARCH_ECLOSED;
    if (!PQconsumeInput(l->db.conn) || PQstatus(l->db.conn) != CONNECTION_OK)
        return STARCH_EDB;
    for (PGnotify *n; (n = PQnotifies(l->db.conn)) != NULL;)
        PQfreemem(n);
    return STARCH_OK;
}

static void *listen_thread(void *arg)
{
    pg_listener *l = arg;
    int pause = 0;
    for (;;) {
        if (l->db.conn == NULL || PQstatus(l->db.conn) != CONNECTION_OK) {
            if (wait_or_stop(l, -1, pause))
                return NULL;
            bool ok = subscribe(l, false, NULL) == STARCH_OK;
            pause = ok      ? 0
                    : pause ? (pause * 2 > RECONNECT_MAX_MS ? RECONNECT_MAX_MS : pause * 2)
                            : 100;
            if (!ok)
                continue;
        }
        int rc = catch_up(l);
        if (rc == STARCH_OK)
            rc = await_notification(l);
        if (rc == STARCH_ECLOSED)
            return NULL;
        if (rc != STARCH_OK) /* connect again (after a pause, if that fails too) */
            starch__pg_drop(&l->db);
    }
}

pg_listener *starch__pg_listen(const starch_repo *repo, const char *conninfo, const char *origin,
                               starch_error *err)
{
    const char *who = repo->type->name;
    pg_listener *l = calloc(1, sizeof *l);
    if (l == NULL) {
        starch__error_set(err, STARCH_ENOMEM, "%s: out of memory", who);
        return NULL;
    }
    l->repo = repo;
    l->origin = origin;
    l->wake[0] = l->wake[1] = -1;
    int rc = starch__pg_open(&l->db, conninfo, who, "starch listener", err);
    if (rc == STARCH_OK)
        rc = subscribe(l, true, err);
    if (rc == STARCH_OK && pipe(l->wake) != 0)
        rc = starch__error_set(err, STARCH_EIO, "%s: pipe: %s", who, strerror(errno));
    if (rc == STARCH_OK && pthread_create(&l->thread, NULL, listen_thread, l) != 0)
        rc = starch__error_set(err, STARCH_ENOMEM, "%s: cannot start the listener", who);
    if (rc != STARCH_OK) {
        starch__pg_listener_stop(l);
        return NULL;
    }
    l->running = true;
    return l;
}

void starch__pg_listener_stop(pg_listener *l)
{
    if (l == NULL)
        return;
    if (l->running) {
        ssize_t w = write(l->wake[1], "x", 1);
        (void)w;
        pthread_join(l->thread, NULL);
    }
    if (l->wake[0] >= 0) {
        close(l->wake[0]);
        close(l->wake[1]);
    }
    starch__pg_close(&l->db);
    free(l);
}
