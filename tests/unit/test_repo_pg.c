/* test_repo_pg.c — what only the PostgreSQL repository has (the contract shared with the
 * other backends is in test_repo.c): the schema (typed columns, the event and id tables),
 * events across instances (exactly once, marked remote; in commit order thanks to the
 * advisory lock; caught up after the listener's connection is killed), atomic updates
 * from two processes, instances starting together, and a server that goes away (through
 * a proxy the test cuts and freezes) and comes back. Needs STARCH_TEST_PG (pg_test.h). */
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "leak_check.h"
#include "pg_impl.h"
#include "pg_test.h"
#include "sample_entities.h"

LEAK_CHECKED_SUITE(repo_pg);

/* ---- helpers ------------------------------------------------------------------------- */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

static starch_repo *open_pg(const char *conninfo, starch_bus *bus)
{
    starch_error err;
    starch_repo *r = starch_repo_pg(&Todo_type, conninfo, bus, &err);
    cr_assert_not_null(r, "%s", err.message);
    return r;
}

static void save_ok(starch_repo *r, void *v)
{
    starch_error err;
    cr_assert_eq(starch_repo_save(r, v, &err), STARCH_OK, "%s", err.message);
}

/* The first value of the first row of sql on the test's database (a static buffer). */
static const char *pg_value(const char *sql)
{
    static char buf[512];
    PGconn *c = PQconnectdb(pg_test_database());
    cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
    PGresult *r = PQexec(c, sql);
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s: %s", sql, PQresultErrorMessage(r));
    snprintf(buf, sizeof buf, "%s", PQntuples(r) ? PQgetvalue(r, 0, 0) : "");
    PQclear(r);
    PQfinish(c);
    return buf;
}

/* The events a bus delivers, as "name id remote title" lines. */
typedef struct recorder {
    pthread_mutex_t lock;
    char names[64][32];
    int64_t ids[64], event_ids[64];
    bool remote[64];
    char titles[64][64];
    int count;
} recorder;

static int record(const starch_event *ev, void *ctx)
{
    recorder *r = ctx;
    const Todo *t = ev->data;
    pthread_mutex_lock(&r->lock);
    if (r->count < 64) {
        snprintf(r->names[r->count], sizeof r->names[0], "%s", ev->name);
        r->ids[r->count] = t->id;
        r->event_ids[r->count] = ev->id;
        r->remote[r->count] = ev->remote;
        snprintf(r->titles[r->count], sizeof r->titles[0], "%s", t->title ? t->title : "");
    }
    r->count++;
    pthread_mutex_unlock(&r->lock);
    return STARCH_CONTINUE;
}

static int recorded(recorder *r)
{
    pthread_mutex_lock(&r->lock);
    int n = r->count;
    pthread_mutex_unlock(&r->lock);
    return n;
}

/* Waits up to ms for the recorder to hold n events; then a little longer, to see that
 * no more come. Returns the count. */
static int await_events(recorder *r, int n, int ms)
{
    int64_t end = now_ms() + ms;
    while (recorded(r) < n && now_ms() < end)
        sleep_ms(20);
    sleep_ms(300);
    return recorded(r);
}

/* A bus with a recorder on Todo.*. */
typedef struct listener {
    starch_bus *bus;
    recorder rec;
} listener;

static void listen_on(listener *l)
{
    l->bus = starch_bus_new(0);
    pthread_mutex_init(&l->rec.lock, NULL);
    l->rec.count = 0;
    starch_bus_on(l->bus, "Todo.*", 0, record, &l->rec);
}

static Todo titled(const char *title)
{
    Todo t = {0};
    t.title = sample_strdup(title);
    return t;
}

/* ---- schema -------------------------------------------------------------------------- */

Test(repo_pg, typed_columns_json_payloads_and_ids)
{
    starch_repo *r = open_pg(pg_test_database(), NULL);
    Todo t;
    sample_todo(&t, 1);
    save_ok(r, &t);
    cr_assert_str_eq(pg_value("SELECT string_agg(column_name || ' ' || data_type, ', ' "
                              "ORDER BY ordinal_position) FROM information_schema.columns "
                              "WHERE table_name = 'Todo' AND table_schema = current_schema()"),
                     "id bigint, title text, done boolean, priority bigint, score double "
                     "precision, tags json, owner json, notes json, ratings json, counts json, "
                     "flags json");
    cr_assert_str_eq(pg_value("SELECT tags FROM \"Todo\""), "[\"home\",\"ünïcødé\"]");
    cr_assert_str_eq(pg_value("SELECT ratings FROM \"Todo\""), "[1,2.5,1e+21]");
    cr_assert_str_eq(pg_value("SELECT last FROM starch_ids WHERE name = 'Todo'"), "1");
    cr_assert_str_eq(pg_value("SELECT name || ' ' || type || ' ' || key FROM starch_events"),
                     "Todo.created Todo 1");
    cr_assert_str_eq(pg_value("SELECT payload->>'title' FROM starch_events"),
                     "Task 1 \"quoted\" <b>");
    Todo_clear(&t);
    starch_repo_free(r);

    /* a second instance finds the table and its ids */
    r = open_pg(pg_test_database(), NULL);
    Todo next = titled("next");
    save_ok(r, &next);
    cr_assert_eq(next.id, 2);
    Todo_clear(&next);
    starch_repo_free(r);
}

Test(repo_pg, missing_columns_are_added)
{
    pg_test_exec(pg_test_database(), "CREATE TABLE \"Todo\" (id bigint PRIMARY KEY, title text);"
                                     "INSERT INTO \"Todo\" VALUES (7, 'old')");
    starch_repo *r = open_pg(pg_test_database(), NULL);
    Todo t = {0};
    starch_error err;
    cr_assert_eq(starch_repo_get(r, 7, &t, &err), STARCH_OK, "%s", err.message);
    cr_assert_str_eq(t.title, "old");
    cr_assert_eq(t.priority, 0);
    cr_assert_eq(t.tags_count, 0);
    Todo_clear(&t);
    Todo n = titled("new");
    save_ok(r, &n);
    cr_assert_eq(n.id, 8, "ids continue after the largest id already in the table");
    Todo_clear(&n);
    starch_repo_free(r);
}

Test(repo_pg, a_bad_server_is_a_clear_error)
{
    starch_error err;
    cr_assert_null(starch_repo_pg(&Todo_type, "host=/nonexistent-dir dbname=x", NULL, &err));
    cr_assert_eq(err.code, STARCH_EDB);
    cr_assert_str_eq(err.message, "Todo: pg: connection to server on socket "
                                  "\"/nonexistent-dir/.s.PGSQL.5432\" failed: No such file or "
                                  "directory");
    cr_assert_null(starch_repo_pg(&Todo_type, "nonsense=1", NULL, &err));
    cr_assert_str_eq(err.message, "Todo: pg: invalid connection option \"nonsense\"");
}

/* Threads and processes that create the same repository at once: the schema lock lets
 * one create and the others find. */
static void *open_and_save(void *arg)
{
    starch_repo *r = starch_repo_pg(&Todo_type, arg, NULL, NULL);
    if (r == NULL)
        return (void *)1;
    Todo t = titled("x");
    int rc = starch_repo_save(r, &t, NULL);
    Todo_clear(&t);
    starch_repo_free(r);
    return rc == STARCH_OK ? NULL : (void *)1;
}

Test(repo_pg, instances_starting_together_create_the_schema_once)
{
    enum { THREADS = 6, PROCS = 3 };
    const char *conninfo = pg_test_database();
    pid_t pids[PROCS];
    for (int i = 0; i < PROCS; i++)
        if ((pids[i] = fork()) == 0)
            _exit(open_and_save((void *)conninfo) != NULL);
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, open_and_save, (void *)conninfo);
    for (int i = 0; i < THREADS; i++) {
        void *failed;
        pthread_join(th[i], &failed);
        cr_assert_null(failed, "thread %d could not open and save", i);
    }
    for (int i = 0; i < PROCS; i++) {
        int status;
        cr_assert_eq(waitpid(pids[i], &status, 0), pids[i]);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "process %d failed", i);
    }
    cr_assert_str_eq(pg_value("SELECT count(*) || ' ' || max(id) FROM \"Todo\""), "9 9");
}

/* ---- events across instances --------------------------------------------------------- */

Test(repo_pg, a_save_reaches_the_other_instance_once_marked_remote)
{
    listener la, lb;
    listen_on(&la);
    listen_on(&lb);
    starch_repo *a = open_pg(pg_test_database(), la.bus);
    starch_repo *b = open_pg(pg_test_database(), lb.bus);
    Todo t = titled("hello");
    save_ok(a, &t);
    cr_assert_eq(recorded(&la.rec), 1, "A's own event is emitted by the save");
    cr_assert_str_eq(la.rec.names[0], "Todo.created");
    cr_assert_not(la.rec.remote[0]);
    cr_assert_gt(la.rec.event_ids[0], 0);
    cr_assert_eq(await_events(&lb.rec, 1, 5000), 1, "B hears of A's save exactly once");
    cr_assert_str_eq(lb.rec.names[0], "Todo.created");
    cr_assert(lb.rec.remote[0]);
    cr_assert_eq(lb.rec.event_ids[0], la.rec.event_ids[0]);
    cr_assert_eq(lb.rec.ids[0], t.id);
    cr_assert_str_eq(lb.rec.titles[0], "hello");
    cr_assert_eq(await_events(&la.rec, 1, 0), 1, "A does not hear its own save again");

    /* the other way, a delete: B's own event, A's remote one */
    cr_assert_eq(starch_repo_delete(b, t.id, NULL), STARCH_OK);
    cr_assert_eq(recorded(&lb.rec), 2);
    cr_assert_not(lb.rec.remote[1]);
    cr_assert_eq(await_events(&la.rec, 2, 5000), 2);
    cr_assert_str_eq(la.rec.names[1], "Todo.deleted");
    cr_assert(la.rec.remote[1]);
    cr_assert_str_eq(la.rec.titles[1], "hello", "the entity as it was");
    cr_assert_eq(await_events(&lb.rec, 2, 0), 2);
    Todo_clear(&t);
    starch_repo_free(a);
    starch_repo_free(b);
    starch_bus_free(la.bus);
    starch_bus_free(lb.bus);
}

Test(repo_pg, a_new_listener_does_not_replay_history)
{
    starch_repo *a = open_pg(pg_test_database(), NULL);
    Todo t = titled("old");
    save_ok(a, &t);
    listener lb;
    listen_on(&lb);
    starch_repo *b = open_pg(pg_test_database(), lb.bus);
    cr_assert_eq(await_events(&lb.rec, 1, 1500), 0);
    save_ok(a, &t);
    cr_assert_eq(await_events(&lb.rec, 1, 5000), 1);
    cr_assert_str_eq(lb.rec.names[0], "Todo.updated");
    Todo_clear(&t);
    starch_repo_free(a);
    starch_repo_free(b);
    starch_bus_free(lb.bus);
}

/* Old events are pruned by the write that takes an id divisible by STARCH_PG_PRUNE_EVERY:
 * those older than the retention and more than STARCH_PG_EVENT_KEEP ids behind it, no
 * other. */
Test(repo_pg, old_events_are_pruned_recent_ones_kept)
{
    starch_repo *r = open_pg(pg_test_database(), NULL);
    Todo t = titled("pruned");
    for (int i = 0; i < 3; i++)
        save_ok(r, &t); /* events 1, 2, 3 */
    pg_value("WITH u AS (UPDATE starch_events SET created_at = now() - interval '2 days' "
             "WHERE id <= 2 RETURNING 1) SELECT count(*) FROM u");
    char set[128];
    snprintf(set, sizeof set, "SELECT setval('starch_events_id_seq', %d)",
             STARCH_PG_EVENT_KEEP + STARCH_PG_PRUNE_EVERY - 1);
    pg_value(set);
    save_ok(r, &t); /* 11000: deletes 1 and 2 (old, <= 1000), keeps 3 (recent) */
    cr_assert_str_eq(pg_value("SELECT string_agg(id::text, ' ' ORDER BY id) FROM starch_events"),
                     "3 11000");
    pg_value("WITH u AS (UPDATE starch_events SET created_at = now() - interval '2 days' "
             "WHERE id = 11000 RETURNING 1) SELECT count(*) FROM u");
    snprintf(set, sizeof set, "SELECT setval('starch_events_id_seq', %d)",
             STARCH_PG_EVENT_KEEP + 2 * STARCH_PG_PRUNE_EVERY - 1);
    pg_value(set);
    save_ok(r, &t); /* 12000: 11000 is old but within the last 10,000 ids: kept */
    cr_assert_str_eq(pg_value("SELECT string_agg(id::text, ' ' ORDER BY id) FROM starch_events"),
                     "3 11000 12000");
    Todo_clear(&t);
    starch_repo_free(r);
}

/* Runs sql (no parameters) on c; fails the test on error. Returns the result. */
static PGresult *raw(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    cr_assert(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK, "%s: %s", sql,
              PQresultErrorMessage(r));
    return r;
}

/* Inserts an event row for Todo key as the repository does (pg_impl.h's SQL), inside c's
 * open transaction; returns its id. With lock, takes the event lock first. */
static int64_t raw_event(PGconn *c, const char *key, const char *title, bool lock)
{
    if (lock)
        PQclear(raw(c, STARCH_PG_EVENT_LOCK_SQL));
    char payload[128];
    snprintf(payload, sizeof payload, "{\"id\":%s,\"title\":\"%s\"}", key, title);
    const char *params[] = {"another-instance", "Todo.created", "Todo", key, payload};
    PGresult *r = PQexecParams(c, STARCH_PG_EVENT_INSERT_SQL, 5, NULL, params, NULL, NULL, 0);
    cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQresultErrorMessage(r));
    int64_t id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    PQclear(raw(c, STARCH_PG_EVENT_NOTIFY_SQL));
    return id;
}

static PGconn *raw_connect(void)
{
    PGconn *c = PQconnectdb(pg_test_database());
    cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
    return c;
}

/* Two writers, the first to insert its event row holding its transaction open: with the
 * event lock the second waits at the lock until the first commits, so ids become visible
 * in order and the listener, reading id > last, misses nothing. */
Test(repo_pg, event_ids_become_visible_in_commit_order)
{
    listener lb;
    listen_on(&lb);
    starch_repo *b = open_pg(pg_test_database(), lb.bus);
    PGconn *c1 = raw_connect(), *c2 = raw_connect();
    PQclear(raw(c1, "BEGIN"));
    int64_t id1 = raw_event(c1, "1", "first", true);
    PQclear(raw(c2, "BEGIN"));
    cr_assert(PQsendQuery(c2, STARCH_PG_EVENT_LOCK_SQL));
    sleep_ms(1200); /* longer than the listener's poll timeout */
    cr_assert(PQconsumeInput(c2));
    cr_assert(PQisBusy(c2), "the second writer waits for the event lock");
    cr_assert_eq(recorded(&lb.rec), 0, "nothing is visible before a commit");
    PQclear(raw(c1, "COMMIT"));
    PGresult *r;
    while ((r = PQgetResult(c2)) != NULL) {
        cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQresultErrorMessage(r));
        PQclear(r);
    }
    int64_t id2 = raw_event(c2, "2", "second", false);
    cr_assert_gt(id2, id1);
    PQclear(raw(c2, "COMMIT"));
    cr_assert_eq(await_events(&lb.rec, 2, 5000), 2);
    cr_assert_eq(lb.rec.event_ids[0], id1);
    cr_assert_eq(lb.rec.event_ids[1], id2);
    cr_assert_str_eq(lb.rec.titles[0], "first");
    cr_assert(lb.rec.remote[0] && lb.rec.remote[1]);
    PQfinish(c1);
    PQfinish(c2);
    starch_repo_free(b);
    starch_bus_free(lb.bus);
}

/* Why the lock: without it the row inserted first can commit last, after the listener
 * has read past it; `id > last` then never returns it. (This is the loss the lock
 * prevents, shown with the repository's listener.) */
Test(repo_pg, without_the_event_lock_a_late_commit_would_be_missed)
{
    listener lb;
    listen_on(&lb);
    starch_repo *b = open_pg(pg_test_database(), lb.bus);
    PGconn *c1 = raw_connect(), *c2 = raw_connect();
    PQclear(raw(c1, "BEGIN"));
    raw_event(c1, "1", "first", false);
    PQclear(raw(c2, "BEGIN"));
    raw_event(c2, "2", "second", false);
    PQclear(raw(c2, "COMMIT"));
    cr_assert_eq(await_events(&lb.rec, 1, 5000), 1);
    PQclear(raw(c1, "COMMIT"));
    cr_assert_eq(await_events(&lb.rec, 2, 2500), 1, "the late commit is not delivered");
    cr_assert_str_eq(lb.rec.titles[0], "second");
    PQfinish(c1);
    PQfinish(c2);
    starch_repo_free(b);
    starch_bus_free(lb.bus);
}

/* Terminates the listener connections of the test database (application_name
 * "starch listener"); returns how many. */
static int kill_listeners(void)
{
    return atoi(pg_value("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                         "WHERE application_name = 'starch listener' "
                         "AND datname = current_database()"));
}

Test(repo_pg, the_listener_catches_up_after_its_connection_is_killed)
{
    listener lb;
    listen_on(&lb);
    starch_repo *a = open_pg(pg_test_database(), NULL);
    starch_repo *b = open_pg(pg_test_database(), lb.bus);
    for (int i = 0; i < 3; i++) {
        Todo t = titled("before");
        save_ok(a, &t);
        Todo_clear(&t);
    }
    cr_assert_eq(await_events(&lb.rec, 3, 5000), 3);
    cr_assert_geq(kill_listeners(), 1);
    for (int i = 0; i < 5; i++) { /* written while the listener is away */
        Todo t = titled("during");
        save_ok(a, &t);
        Todo_clear(&t);
    }
    cr_assert_eq(await_events(&lb.rec, 8, 10000), 8, "every event exactly once");
    for (int i = 0; i < 8; i++) {
        cr_assert_eq(lb.rec.ids[i], i + 1, "in order");
        cr_assert(lb.rec.remote[i]);
    }
    cr_assert_str_eq(lb.rec.titles[7], "during");
    starch_repo_free(a);
    starch_repo_free(b);
    starch_bus_free(lb.bus);
}

/* ---- atomic updates across processes -------------------------------------------------- */

static int flip(void *value, void *ctx)
{
    Todo *t = value;
    (void)ctx;
    t->done = !t->done;
    t->priority++;
    return STARCH_OK;
}

/* Flips record 1 n times through a repository of its own; returns the failures. */
static int flip_n(const char *conninfo, int n)
{
    starch_repo *r = starch_repo_pg(&Todo_type, conninfo, NULL, NULL);
    if (r == NULL)
        return n;
    int failed = 0;
    for (int i = 0; i < n; i++)
        failed += starch_repo_update(r, 1, flip, NULL, NULL, NULL) != STARCH_OK;
    starch_repo_free(r);
    return failed;
}

static void *flip_thread(void *arg)
{
    return (void *)(intptr_t)flip_n(pg_test_database(), *(int *)arg);
}

Test(repo_pg, two_processes_update_one_record_atomically)
{
    enum { EACH = 150 };
    starch_repo *r = open_pg(pg_test_database(), NULL);
    Todo t = titled("flip");
    save_ok(r, &t);
    pid_t pid = fork();
    if (pid == 0)
        _exit(flip_n(pg_test_database(), EACH) != 0);
    int each = EACH;
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, flip_thread, &each);
    for (int i = 0; i < 2; i++) {
        void *failed;
        pthread_join(th[i], &failed);
        cr_assert_null(failed, "thread %d: updates failed", i);
    }
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the other process failed");
    Todo got = {0};
    cr_assert_eq(starch_repo_get(r, 1, &got, NULL), STARCH_OK);
    cr_assert_eq(got.priority, 3 * EACH, "every flip counted once: %lld", (long long)got.priority);
    cr_assert_eq(got.done, (3 * EACH) % 2 == 1);
    cr_assert_str_eq(pg_value("SELECT count(*) FROM starch_events WHERE name = 'Todo.updated'"),
                     "450");
    Todo_clear(&got);
    Todo_clear(&t);
    starch_repo_free(r);
}

/* ---- a server that goes away ---------------------------------------------------------- */

/* A Unix socket proxy in front of the test server: up (forwarding), frozen (accepting and
 * holding connections, answering nothing) or down (no socket: connections refused). */
typedef struct proxy {
    char dir[64], path[128], target[160];
    int listen_fd, wake[2];
    pthread_t thread;
    bool frozen;
} proxy;

/* The server's socket path, from STARCH_TEST_PG's host=DIR. */
static void server_socket(char *buf, size_t size)
{
    const char *h = strstr(pg_test_server(), "host=");
    cr_assert_not_null(h, "STARCH_TEST_PG has no host=");
    h += 5;
    snprintf(buf, size, "%.*s/.s.PGSQL.5432", (int)strcspn(h, " "), h);
}

static int unix_socket(const char *path, bool listening)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
    int rc = listening ? bind(fd, (struct sockaddr *)&a, sizeof a)
                       : connect(fd, (struct sockaddr *)&a, sizeof a);
    if (rc == 0 && listening)
        rc = listen(fd, 16);
    if (rc != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Copies what fd has to its peer; false at the end of either. */
static bool pump(int from, int to)
{
    char buf[65536];
    ssize_t n = read(from, buf, sizeof buf);
    for (ssize_t off = 0; n > 0 && off < n;) {
        ssize_t w = write(to, buf + off, (size_t)(n - off));
        if (w <= 0)
            return false;
        off += w;
    }
    return n > 0;
}

static void *proxy_thread(void *arg)
{
    proxy *p = arg;
    enum { MAX = 64 };
    struct pollfd fds[2 + MAX] = {{.fd = p->wake[0], .events = POLLIN},
                                  {.fd = p->listen_fd, .events = POLLIN}};
    int peer[2 + MAX], n = 2;
    for (;;) {
        for (int i = 2; i < n; i++)
            fds[i].events = p->frozen ? 0 : POLLIN;
        if (poll(fds, (nfds_t)n, -1) < 0)
            continue;
        if (fds[0].revents)
            break;
        if ((fds[1].revents & POLLIN) && n + 2 <= 2 + MAX) {
            int c = accept(p->listen_fd, NULL, NULL), s = unix_socket(p->target, false);
            fds[n] = (struct pollfd){.fd = c, .events = POLLIN};
            peer[n++] = s;
            fds[n] = (struct pollfd){.fd = s, .events = POLLIN};
            peer[n++] = c;
        }
        for (int i = 2; i < n; i++) {
            if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
                !pump(fds[i].fd, peer[i])) {
                int j = i % 2 ? i - 1 : i + 1; /* the pair: (2,3), (4,5), ... */
                close(fds[i].fd);
                close(fds[j].fd);
                fds[i].fd = fds[j].fd = -1;
            }
        }
    }
    for (int i = 2; i < n; i++)
        if (fds[i].fd >= 0)
            close(fds[i].fd);
    return NULL;
}

/* Starts forwarding (again): the socket in p->dir. */
static void proxy_up(proxy *p)
{
    p->listen_fd = unix_socket(p->path, true);
    cr_assert_geq(p->listen_fd, 0, "proxy: %s", strerror(errno));
    cr_assert_eq(pipe(p->wake), 0);
    pthread_create(&p->thread, NULL, proxy_thread, p);
}

/* Closes every connection and the socket: the server is gone. */
static void proxy_down(proxy *p)
{
    cr_assert_eq(write(p->wake[1], "x", 1), 1);
    pthread_join(p->thread, NULL);
    close(p->listen_fd);
    close(p->wake[0]);
    close(p->wake[1]);
    unlink(p->path);
}

static void proxy_start(proxy *p)
{
    memset(p, 0, sizeof *p);
    snprintf(p->dir, sizeof p->dir, "/tmp/starch-proxy-XXXXXX");
    cr_assert_not_null(mkdtemp(p->dir));
    snprintf(p->path, sizeof p->path, "%s/.s.PGSQL.5432", p->dir);
    server_socket(p->target, sizeof p->target);
    proxy_up(p);
}

static void proxy_stop(proxy *p)
{
    proxy_down(p);
    rmdir(p->dir);
}

/* The test database's connection string through the proxy (a later host= wins). */
static const char *via(const proxy *p)
{
    static char buf[1200];
    snprintf(buf, sizeof buf, "%s host=%s", pg_test_database(), p->dir);
    return buf;
}

/* Expects rc to be STARCH_EDB within ms, with a `Todo: pg: ` message. */
#define cr_assert_fails_fast(call, ms)                                                             \
    do {                                                                                           \
        starch_error err_;                                                                         \
        int64_t t0_ = now_ms();                                                                    \
        int rc_ = call(&err_);                                                                     \
        int64_t took_ = now_ms() - t0_;                                                            \
        cr_assert_eq(rc_, STARCH_EDB, "%s", starch_status_name(rc_));                              \
        cr_assert_eq(strncmp(err_.message, "Todo: pg: ", 10), 0, "%s", err_.message);              \
        cr_assert_leq(took_, (ms), "took %lld ms: %s", (long long)took_, err_.message);            \
    } while (0)

static starch_repo *cut; /* the repository the calls below use */

static int ping_cut(starch_error *err)
{
    return starch_repo_ping(cut, err);
}

static int save_cut(starch_error *err)
{
    Todo t = titled("while away");
    int rc = starch_repo_save(cut, &t, err);
    Todo_clear(&t);
    return rc;
}

static int get_cut(starch_error *err)
{
    Todo t = {0};
    int rc = starch_repo_get(cut, 1, &t, err);
    Todo_clear(&t);
    return rc;
}

Test(repo_pg, calls_fail_fast_while_the_server_is_away_and_work_once_it_is_back)
{
    proxy p;
    proxy_start(&p);
    listener lb;
    listen_on(&lb);
    starch_repo *direct = open_pg(pg_test_database(), NULL);
    cut = open_pg(via(&p), lb.bus);
    Todo t = titled("before");
    save_ok(cut, &t);
    Todo_clear(&t);

    proxy_down(&p); /* gone: connections closed, the socket removed */
    cr_assert_fails_fast(ping_cut, 1000);
    cr_assert_fails_fast(save_cut, 1000);
    cr_assert_fails_fast(get_cut, 1000);
    for (int i = 0; i < 3; i++) { /* events the listener must catch up on */
        Todo d = titled("meanwhile");
        save_ok(direct, &d);
        Todo_clear(&d);
    }

    proxy_up(&p); /* back: the next calls connect again */
    starch_error err;
    cr_assert_eq(starch_repo_ping(cut, &err), STARCH_OK, "%s", err.message);
    Todo got = {0};
    cr_assert_eq(starch_repo_get(cut, 1, &got, &err), STARCH_OK, "%s", err.message);
    cr_assert_str_eq(got.title, "before");
    Todo_clear(&got);
    cr_assert_eq(save_cut(&err), STARCH_OK, "%s", err.message);
    cr_assert_eq(await_events(&lb.rec, 5, 10000), 5, "own 2, and the 3 written meanwhile");
    int remote = 0;
    for (int i = 0; i < 5; i++)
        remote += lb.rec.remote[i];
    cr_assert_eq(remote, 3, "the listener caught up on the 3 written meanwhile");

    proxy_stop(&p);
    starch_repo_free(cut);
    starch_repo_free(direct);
    starch_bus_free(lb.bus);
}

Test(repo_pg, a_server_that_stops_answering_is_given_up_on_in_bounded_time, .timeout = 60)
{
    proxy p;
    proxy_start(&p);
    cut = open_pg(via(&p), NULL);
    p.frozen = true; /* the connection stays open; nothing comes back */
    cr_assert_fails_fast(get_cut, STARCH_PG_TIMEOUT_MS + 2000);
    p.frozen = false;
    starch_error err;
    cr_assert_eq(starch_repo_ping(cut, &err), STARCH_OK, "%s", err.message);
    proxy_stop(&p);
    starch_repo_free(cut);
}

Test(repo_pg, a_killed_connection_is_replaced_on_the_next_call)
{
    starch_repo *r = open_pg(pg_test_database(), NULL);
    Todo t = titled("x");
    save_ok(r, &t);
    cr_assert_geq(atoi(pg_value("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                "WHERE application_name = 'starch' "
                                "AND datname = current_database()")),
                  1);
    sleep_ms(100);
    Todo got = {0};
    starch_error err;
    cr_assert_eq(starch_repo_get(r, t.id, &got, &err), STARCH_OK, "%s", err.message);
    Todo_clear(&got);
    Todo_clear(&t);
    starch_repo_free(r);
}
