/* app.h — the todo app: what its parts share.
 *
 *   main.c    options, the repository (SQLite or memory: one line), the daemon, shutdown
 *   routes.c  the HTTP routes: the page, the actions, the Datastar client
 *   live.c    Todo.created/updated/deleted → the hub's "todos" topic → GET /events
 *   dev_reload.c  `make dev` builds only: GET /__dev/reload and the page's reloader
 *   todo.starch  the entity and the HTML
 */
#ifndef TODO_APP_H
#define TODO_APP_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <starch_events.h>
#include <starch_pg.h>
#include <starch_sqlite.h>

/* Everything a request needs, made once in main() and passed to every handler. */
typedef struct App {
    starch_repo *todos;        /* the Todo repository; it emits Todo.* on bus */
    starch_bus *bus;           /* repository events */
    starch_hub *hub;           /* SSE fan-out to the browsers watching the list */
    pthread_mutex_t live_lock; /* recursive: a write and its publish, or a stream's first
                                * list, at a time (live.c, routes.c) */
    bool check_origin;         /* listening beyond loopback: refuse cross-site changes */
    char boot_id[17];          /* random, per start: the first half of SSE event ids */
    uint64_t sequence;         /* events published since the start (under live_lock) */
    const char *datastar_js;   /* a local copy of the Datastar client (NULL: the CDN) */
    size_t datastar_len;
    unsigned stream_timeout; /* seconds a stream may send nothing before it is cut (0: never) */
    /* Counters of GET /metrics (routes.c), updated from any thread. */
    atomic_size_t streams_open;      /* GET /events streams open now */
    atomic_size_t streams_reclaimed; /* streams closed because their client vanished */
    atomic_size_t saves;             /* successful writes of a todo (Todo.* events) */
} App;

/* The hub topic of the list: every change of a todo is published there. */
#define TODO_TOPIC "todos"

/* The libmicrohttpd access handler (routes.c); cls is the App. */
enum MHD_Result todo_handle(void *cls, struct MHD_Connection *c, const char *url,
                            const char *method, const char *version, const char *upload,
                            size_t *upload_size, void **req);

/* Subscribes the app to its repository's events: each change of a todo renders what it
 * changed (the todo appended, morphed or removed, and the count) as Datastar
 * patch-elements events and publishes them on TODO_TOPIC. Returns false when out of
 * memory. */
bool todo_live_start(App *app);

/* Answers GET /events: an SSE stream that starts with the current list and then carries
 * every event published on TODO_TOPIC, until the client leaves or the hub closes. For
 * HEAD (head true): the stream's headers, no body, no subscription. */
enum MHD_Result todo_live_events(App *app, struct MHD_Connection *c, const char *version,
                                 bool head);

/* Answers GET /metrics: the app's counters in the Prometheus text format (live.c). */
enum MHD_Result todo_live_metrics(App *app, struct MHD_Connection *c);

/* Writes the SSE id of the event ev into id[0..size): on PostgreSQL the database's event
 * id, the same on every instance; else "BOOT-SEQ", the boot id of this start and the
 * event's sequence number (live_lock held). */
void todo_event_id(App *app, const starch_event *ev, char *id, size_t size);

/* Writes the current list (component TodoList, id "list") as one Datastar patch-elements
 * event to out. Returns 0, or a starch status / errno-style code. */
int todo_render_list(App *app, starch_out *out);

#endif
