/* starch_events.h — events, the SSE hub and repositories (libstarch_events, on pthreads).
 *
 * The event bus (synchronous and asynchronous handlers), the hub that fans SSE bytes out
 * to clients, the repository interface with its memory backend. Other backends are layers
 * of their own (starch_sqlite.h, starch_pg.h). Everything here is thread-safe where it says so.
 */
#ifndef STARCH_EVENTS_H
#define STARCH_EVENTS_H

#include "starch.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================================
 * Event bus
 *
 *   static int on_todo(const starch_event *ev, void *ctx)
 *   {
 *       const Todo *t = ev->data;                  // ev->type == &Todo_type
 *       printf("%s %lld\n", ev->name, (long long)t->id);
 *       return STARCH_CONTINUE;                    // or STARCH_STOP: skip later handlers
 *   }
 *
 *   starch_bus *bus = starch_bus_new(2);           // two worker threads for emit_async
 *   uint64_t h = starch_bus_on(bus, "Todo.*", 0, on_todo, NULL);
 *   starch_bus_emit(bus, &(starch_event){.name = "Todo.created", .type = &Todo_type,
 *                                        .data = &todo});       // runs on_todo now
 *   starch_bus_emit_async(bus, &ev);               // copies ev, returns at once
 *   starch_bus_flush(bus);                         // waits until every queued event ran
 *   starch_bus_off(bus, h);
 *   starch_bus_free(bus);                          // drains, stops the workers, frees
 *
 * Patterns: `*` matches any run of characters (dots included), everything else matches
 * itself: `Todo.created`, `Todo.*`, `*.deleted`, `*`. Handlers run in priority order,
 * higher first, equal priorities in subscription order. emit runs them in the caller's
 * thread; emit_async hands the event to a worker. Events emitted async from one thread run
 * in emit order (each emitting thread is served by one worker); with several workers,
 * events from different threads run in parallel, so a handler may run in two workers at
 * once. A handler may subscribe, unsubscribe and emit; it must not flush or shut down the
 * bus from a worker (STARCH_EINVAL).
 * ====================================================================================== */

/** An event: a name and an optional payload (an entity of type, or size plain bytes).
 *  Events of a repository also say where they come from: id is the event's row in the
 *  database's event table (PostgreSQL; 0 for the memory and SQLite repositories and for
 *  events emitted by hand), remote is true for an event another instance wrote, delivered
 *  by this repository's listener (starch_pg.h). */
typedef struct starch_event {
    const char *name;               /* "Todo.created"; not NULL */
    const starch_entity_type *type; /* the payload's entity type, or NULL for bytes */
    const void *data;               /* the entity (type set), size bytes, or NULL */
    size_t size;                    /* bytes at data when type is NULL */
    int64_t id;                     /* the database event id; 0 when none */
    bool remote;                    /* delivered from another instance */
} starch_event;

/** A handler's return value: let later handlers run. */
#define STARCH_CONTINUE 0
/** A handler's return value: the handlers after this one do not run for this event. */
#define STARCH_STOP     1

/** A handler: returns STARCH_CONTINUE or STARCH_STOP. event and its payload are valid
 *  only during the call. */
typedef int (*starch_handler_fn)(const starch_event *event, void *ctx);

typedef struct starch_bus starch_bus;

/** A bus with `workers` threads for emit_async (0: emit_async is refused with
 *  STARCH_EINVAL). NULL if memory or a thread could not be had. Free with starch_bus_free. */
starch_bus *starch_bus_new(unsigned workers);

/** Shuts the bus down (starch_bus_shutdown) and frees it. NULL: no-op. */
void starch_bus_free(starch_bus *bus);

/** Subscribes fn(event, ctx) to events whose name matches pattern (copied). Returns a
 *  handle > 0 for starch_bus_off, or 0 when out of memory or pattern is NULL. */
uint64_t starch_bus_on(starch_bus *bus, const char *pattern, int priority, starch_handler_fn fn,
                       void *ctx);

/** Unsubscribes. No call of the handler starts after this returns; one already running in
 *  another thread finishes. Returns STARCH_OK or STARCH_ENOTFOUND. */
int starch_bus_off(starch_bus *bus, uint64_t handle);

/** Runs the matching handlers now, in this thread. Returns the number of handlers run. */
size_t starch_bus_emit(starch_bus *bus, const starch_event *event);

/** Queues a copy of event (name, and the payload: deep-copied entity, or size bytes) for a
 *  worker and returns at once. STARCH_OK, STARCH_ENOMEM, STARCH_ECLOSED (shut down) or
 *  STARCH_EINVAL (no workers). */
int starch_bus_emit_async(starch_bus *bus, const starch_event *event);

/** Waits until every event queued so far has been handled. STARCH_OK, or STARCH_EINVAL
 *  when called from a worker. */
int starch_bus_flush(starch_bus *bus);

/** Runs what is queued, stops and joins the workers; later emit_async calls fail with
 *  STARCH_ECLOSED (emit still works). Idempotent. STARCH_EINVAL from a worker. */
int starch_bus_shutdown(starch_bus *bus);

/* ======================================================================================
 * Repositories
 *
 *   starch_error err;
 *   starch_repo *todos = starch_repo_sqlite(&Todo_type, "app.db", bus, &err);
 *   // or, in memory, nothing else changes:  starch_repo_memory(&Todo_type, bus, &err);
 *
 *   Todo t = {.title = strdup("Milk")};
 *   starch_repo_save(todos, &t, &err);            // t.id is now 1; emits Todo.created
 *   t.done = true;
 *   starch_repo_save(todos, &t, &err);            // emits Todo.updated
 *
 *   starch_list open;
 *   starch_query q = {.field = "done", .value = STARCH_VALUE_BOOL(false),
 *                     .order_by = "title", .limit = 20};
 *   if (starch_repo_where(todos, &q, &open, &err) == STARCH_OK) {
 *       Todo *items = open.items;                 // open.count entities
 *       ...
 *       starch_list_free(&open);
 *   }
 *   starch_repo_delete(todos, t.id, &err);        // emits Todo.deleted
 *   Todo_clear(&t);
 *   starch_repo_free(todos);
 *
 * A repository stores entities of one type that has a key field `id`. Entities are copied
 * in and out: the repository never keeps a caller's pointer. save inserts or updates: an
 * int id of 0 gets the next integer (one more than the largest id the repository has ever
 * held, so ids are not reused; once INT64_MAX has been held, such a save fails:
 * STARCH_EINVAL in memory, STARCH_EDB in SQLite), an empty string id (NULL or "") a
 * random UUID v4; the new
 * id is written into the caller's entity. Any other id is inserted when absent, updated
 * when present. After each successful write the repository emits, synchronously on its bus
 * (if any, after its locks are released), `Todo.created` / `Todo.updated` (payload: the
 * entity as saved) or `Todo.deleted` (payload: the entity as it was); never for a failed
 * write. All functions are thread-safe. Lists are ordered by the key unless order_by says
 * otherwise; ties are broken by the key.
 *
 * starch_repo_update is a read-modify-write no other save of the record can come between,
 * from any thread or (with SQLite and PostgreSQL) any process:
 *
 *   static int toggle(void *value, void *ctx)
 *   {
 *       Todo *t = value;                          // a copy of the stored entity
 *       t->done = !t->done;
 *       return STARCH_OK;                         // anything else: nothing is stored
 *   }
 *   starch_repo_update(todos, 7, toggle, NULL, &t, &err);   // t: the stored result
 *
 * Memory: a hash map by id under a read-write lock. SQLite: a table named after the type,
 * one column per field (int/bool INTEGER, float REAL, string TEXT, nested entities and
 * arrays as JSON TEXT), created if absent (missing columns are added); statements
 * prepared once per repository; every write in a transaction; WAL mode for files; one
 * repository per file and type (a second is refused: its events would not cross).
 * PostgreSQL (starch_pg.h): typed columns, and events that cross processes.
 * ====================================================================================== */

typedef struct starch_repo starch_repo;

/** A list of entities returned by a repository: count structs of `type`, contiguous. */
typedef struct starch_list {
    void *items; /* cast to the entity type: Todo *items = list.items */
    size_t count;
    const starch_entity_type *type;
} starch_list;

/** Clears every entity, frees the array and zeroes the list. NULL: no-op. */
void starch_list_free(starch_list *list);

/** A scalar value to compare a field with. */
typedef struct starch_value {
    starch_kind kind; /* INT, FLOAT, BOOL or STRING */
    int64_t i;
    double f;
    bool b;
    const char *s; /* NULL equals "" */
} starch_value;

#define STARCH_VALUE_INT(v)    ((starch_value){.kind = STARCH_KIND_INT, .i = (v)})
#define STARCH_VALUE_FLOAT(v)  ((starch_value){.kind = STARCH_KIND_FLOAT, .f = (v)})
#define STARCH_VALUE_BOOL(v)   ((starch_value){.kind = STARCH_KIND_BOOL, .b = (v)})
#define STARCH_VALUE_STRING(v) ((starch_value){.kind = STARCH_KIND_STRING, .s = (v)})

/** A query: an optional equality filter on one scalar field, an optional order, a page.
 *  A zeroed query selects everything ordered by the key. An int value matches a float
 *  field too; any other kind mismatch is STARCH_EINVAL. */
typedef struct starch_query {
    const char *field;    /* filter: field == value; NULL: no filter */
    starch_value value;   /* the value compared with */
    const char *order_by; /* a scalar field to order by; NULL: the key */
    bool desc;            /* descending order */
    size_t limit;         /* at most this many; 0: no limit */
    size_t offset;        /* skip this many first */
} starch_query;

/** A repository in memory. type must have a key; bus may be NULL (no events) and must
 *  outlive the repository. NULL on failure (err says why). Free with starch_repo_free. */
starch_repo *starch_repo_memory(const starch_entity_type *type, starch_bus *bus, starch_error *err);

/** Frees the repository (and closes its database). NULL: no-op. */
void starch_repo_free(starch_repo *repo);

/** The entity type the repository stores. */
const starch_entity_type *starch_repo_type(const starch_repo *repo);

/** Inserts or updates *value (see above); a new id is written into *value. Emits
 *  Type.created or Type.updated on success. */
int starch_repo_save(starch_repo *repo, void *value, starch_error *err);

/** Copies the entity with the int id into *out (a valid entity: zeroed or owning values; it
 *  is cleared first). STARCH_ENOTFOUND leaves *out untouched; STARCH_EINVAL if the key is
 *  a string. */
int starch_repo_get(starch_repo *repo, int64_t id, void *out, starch_error *err);

/** Same, for a string key (NULL is ""). */
int starch_repo_get_str(starch_repo *repo, const char *id, void *out, starch_error *err);

/** Deletes the entity with the int id; emits Type.deleted. STARCH_ENOTFOUND if absent. */
int starch_repo_delete(starch_repo *repo, int64_t id, starch_error *err);

/** Same, for a string key. */
int starch_repo_delete_str(starch_repo *repo, const char *id, starch_error *err);

/** Every entity, ordered by key, into *list (overwritten: free the old one first); free
 *  with starch_list_free. On error *list is empty. */
int starch_repo_all(starch_repo *repo, starch_list *list, starch_error *err);

/** The entities query selects (NULL query: all), into *list as starch_repo_all. */
int starch_repo_where(starch_repo *repo, const starch_query *query, starch_list *list,
                      starch_error *err);

/** How many entities the query's filter selects (order, limit and offset are ignored;
 *  NULL query: all) into *count. */
int starch_repo_count(starch_repo *repo, const starch_query *query, size_t *count,
                      starch_error *err);

/** An update function: edits the entity at value (a copy of the stored one, of the
 *  repository's type) and returns STARCH_OK to store it, or any other status to store
 *  nothing. It runs with the record locked (and, in memory, the whole repository): it must
 *  not use the repository, and should be quick. */
typedef int (*starch_update_fn)(void *value, void *ctx);

/** Atomically updates the entity with the int id: reads it, calls fn(copy, ctx), stores
 *  the copy when fn returns STARCH_OK, and emits Type.updated. No other save of that
 *  record, from any thread or process, lands between the read and the write. out (may be
 *  NULL; a valid entity, cleared first) receives the stored result. STARCH_ENOTFOUND if
 *  absent; fn's status if it is not STARCH_OK (nothing stored); STARCH_EINVAL if fn
 *  changed the key or the key is a string. */
int starch_repo_update(starch_repo *repo, int64_t id, starch_update_fn fn, void *ctx, void *out,
                       starch_error *err);

/** Same, for a string key (NULL is ""). */
int starch_repo_update_str(starch_repo *repo, const char *id, starch_update_fn fn, void *ctx,
                           void *out, starch_error *err);

/** STARCH_OK when the repository's backend is reachable: always in memory; SQLite runs a
 *  trivial query; PostgreSQL `SELECT 1` (reconnecting if needed, failing fast with
 *  STARCH_EDB when the server is away). For a health check. */
int starch_repo_ping(starch_repo *repo, starch_error *err);

/* ======================================================================================
 * SSE hub
 *
 *   starch_hub *hub = starch_hub_new(64);          // at most 64 messages queued per client
 *
 *   // an HTTP server thread per client (e.g. libmicrohttpd's content reader callback):
 *   starch_client *c = starch_hub_connect(hub);
 *   starch_client_subscribe(c, "todos");
 *   char buf[4096];
 *   size_t n;
 *   for (;;) {
 *       int rc = starch_client_read(c, buf, sizeof buf, &n, 15000);
 *       if (rc == STARCH_ETIMEOUT) { send(": keep-alive\n\n"); continue; }
 *       if (rc != STARCH_OK) break;                // dropped, or hub closed
 *       send(buf, n);
 *   }
 *   starch_client_close(c);
 *
 *   // anywhere (e.g. a bus handler for Todo.*):
 *   starch_hub_publish(hub, "todos", sse_bytes, sse_len);   // never blocks on a client
 *
 * An event loop (libmicrohttpd with suspend/resume, epoll) does not block a thread per
 * client: it gives the client a waker and polls it instead of reading it:
 *
 *   static void park(void *conn) { MHD_suspend_connection(conn); }   // the reader's thread
 *   static void wake(void *conn) { MHD_resume_connection(conn); }    // any thread
 *   starch_client_set_waker(c, &(starch_client_waker){park, wake, conn});
 *   // in the content reader:
 *   switch (starch_client_poll(c, buf, max, &n)) {
 *   case STARCH_OK: return n;                      // n == 0: parked (suspended) until woken
 *   case STARCH_ETIMEOUT: return keep_alive(buf);  // starch_hub_ping since the last poll
 *   default: return MHD_CONTENT_READER_END_WITH_ERROR;
 *   }
 *   // a timer, every 15 s or so: starch_hub_ping(hub);
 *
 * The hub carries bytes (already formatted SSE events); one publish is stored once and
 * shared by every client's queue. A client whose queue is full when a message arrives is
 * dropped: its queue is emptied, its reads return STARCH_ECLOSED, and the hub counts it.
 * Everything is thread-safe; each client is read by one thread at a time.
 * ====================================================================================== */

typedef struct starch_hub starch_hub;
typedef struct starch_client starch_client;

/** A hub whose clients may each have up to queue_max messages waiting (0 means 64). NULL
 *  when out of memory. */
starch_hub *starch_hub_new(size_t queue_max);

/** Closes the hub (starch_hub_close) and releases it; its memory goes when the last client
 *  is closed too. NULL: no-op. */
void starch_hub_free(starch_hub *hub);

/** Wakes every reader: reads of what is already queued still succeed, then return
 *  STARCH_ECLOSED; later connects fail. */
void starch_hub_close(starch_hub *hub);

/** A new client with no topics. NULL when out of memory or the hub is closed. Close with
 *  starch_client_close. */
starch_client *starch_hub_connect(starch_hub *hub);

/** Subscribes the client to topic (copied). STARCH_OK (also if already subscribed),
 *  STARCH_ENOMEM, or STARCH_ECLOSED for a dropped client or closed hub. */
int starch_client_subscribe(starch_client *client, const char *topic);

/** Unsubscribes the client from topic. STARCH_OK or STARCH_ENOTFOUND. */
int starch_client_unsubscribe(starch_client *client, const char *topic);

/** Copies up to max bytes of the client's queued messages into buf (*n bytes; a message
 *  larger than max arrives over several reads, never two messages in one read), waiting
 *  up to timeout_ms (negative: forever) for one. STARCH_OK (*n > 0), STARCH_ETIMEOUT,
 *  or STARCH_ECLOSED when the client was dropped or the hub closed and nothing is left. */
int starch_client_read(starch_client *client, char *buf, size_t max, size_t *n, int timeout_ms);

/** How a polled client's reader waits: park(ctx) is called by starch_client_poll when
 *  nothing is queued (in the polling thread; e.g. MHD_suspend_connection), wake(ctx) once
 *  afterwards when something changes (a message, a drop, a ping, the hub closing; in the
 *  thread that made the change, e.g. MHD_resume_connection). Both run under the client's
 *  internal lock, a wake never before its park: they must not call the hub. */
typedef struct starch_client_waker {
    void (*park)(void *ctx);
    void (*wake)(void *ctx);
    void *ctx;
} starch_client_waker;

/** Gives the client a waker (copied; NULL removes it), for starch_client_poll. Call it
 *  from the reader's thread before the first poll; ctx must stay valid until the client
 *  is closed or the waker removed. */
void starch_client_set_waker(starch_client *client, const starch_client_waker *waker);

/** Reads without waiting (a client with a waker): copies up to max bytes of the queued
 *  messages into buf as starch_client_read does and returns STARCH_OK with *n > 0; or,
 *  with nothing queued, STARCH_OK with *n == 0 after calling the waker's park (the waker's
 *  wake follows once something changes); STARCH_ETIMEOUT when nothing is queued and
 *  starch_hub_ping was called since the last read (time for a keep-alive); STARCH_ECLOSED
 *  when the client was dropped or the hub closed and nothing is left; STARCH_EINVAL
 *  without a waker or for max == 0. */
int starch_client_poll(starch_client *client, char *buf, size_t max, size_t *n);

/** True once the hub dropped the client for falling behind. */
bool starch_client_dropped(starch_client *client);

/** Unsubscribes the client from everything and frees it (call it from the thread that
 *  reads it, not while another thread is in starch_client_read). NULL: no-op. */
void starch_client_close(starch_client *client);

/** Queues data[0..len) (copied once) for every client subscribed to topic, dropping
 *  clients whose queue is full. Returns the number of clients it was queued for. */
size_t starch_hub_publish(starch_hub *hub, const char *topic, const char *data, size_t len);

/** Publishes as starch_hub_publish an SSE event with the event id `id` (NULL or "": as
 *  starch_hub_publish): the hub writes its `id:` line ahead of data, which must not have
 *  one, and keeps the event in the topic's history, the last queue_max events with ids,
 *  for clients that resume (starch_client_resume). The topic is made if it has no
 *  subscribers yet, and lives on while it has history. An id holding a line break is
 *  refused (0). Ids are the application's: they should be the same on every instance
 *  and across restarts (a database event id, or a boot id with a sequence number). */
size_t starch_hub_publish_id(starch_hub *hub, const char *topic, const char *id, const char *data,
                             size_t len);

/** For a new client (instead of starch_client_subscribe): subscribes it to topic and
 *  queues for it the events of the topic's history published after the one with id
 *  last_id (the browser's Last-Event-ID), atomically with respect to publishes: nothing
 *  missed, nothing twice. Returns STARCH_OK when last_id was found; STARCH_ENOTFOUND when
 *  it is NULL, empty, unknown or older than the history (the client is subscribed all the
 *  same: send it the whole state); STARCH_ECLOSED for a dropped client, a closed hub, or
 *  a client that missed more than its queue holds; STARCH_ENOMEM; STARCH_EINVAL for a
 *  NULL topic. */
int starch_client_resume(starch_client *client, const char *topic, const char *last_id);

/** Marks every client as due a keep-alive: its next read or poll with nothing queued
 *  returns STARCH_ETIMEOUT (a blocking read at once), and parked clients are woken. Call
 *  it from a timer; it does not block on any client. */
void starch_hub_ping(starch_hub *hub);

/** The number of clients connected now (starch_hub_connect, not yet closed). */
size_t starch_hub_clients(starch_hub *hub);

/** The number of starch_hub_publish(_id) calls accepted so far (while the hub was open),
 *  whether or not any client was subscribed. */
size_t starch_hub_published(starch_hub *hub);

/** The number of clients dropped so far for falling behind. */
size_t starch_hub_dropped(starch_hub *hub);

/** The number of clients subscribed to topic. */
size_t starch_hub_subscribers(starch_hub *hub, const char *topic);

#ifdef __cplusplus
}
#endif

#endif /* STARCH_EVENTS_H */
