/* live.c — every browser sees every change.
 *
 *   repository ──Todo.created/updated/deleted──▶ bus ──publish_change──▶ hub topic "todos"
 *        ──▶ each GET /events stream ──▶ the browser patches the item and #count
 *
 * The repository emits its events by itself after each successful write. publish_change
 * renders what changed (the item appended, morphed or removed, and the count) into Datastar
 * patch-elements events and hands them to the hub, which queues them for every subscriber
 * without waiting for any of them. Each GET /events response is a hub client polled by
 * libmicrohttpd's content reader callback on the server's event loop: with nothing queued
 * the connection is suspended (no thread waits for it), and the hub's next message resumes
 * it. A client whose queue fills (it stopped reading) is dropped by the hub and its stream
 * cut off; main.c pings the hub every few seconds, which sends each idle stream an SSE
 * comment, so that a client that vanished is noticed (see main.c for the socket timeouts).
 *
 * Streams resume: each published event carries an SSE id (todo_event_id: PostgreSQL's
 * event id, the same on every instance; else the app's boot id and a sequence number),
 * which the hub writes and keeps in a short history. A
 * browser that reconnects sends the last id it saw (Last-Event-ID); if the hub still has
 * it, the browser gets what it missed, else the whole list. When the server stops, the
 * streams are broken, not ended (a network error for the browser), so that Datastar
 * reconnects — to this instance restarted, or to another one behind the same proxy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "todo.starch.h"

int todo_render_list(App *app, starch_out *out)
{
    starch_error err;
    starch_list list;
    if (starch_repo_all(app->todos, &list, &err) != STARCH_OK) {
        fprintf(stderr, "todo: %s\n", err.message);
        return err.code;
    }
    starch_sse_stream st;
    todo_TodoList(starch_sse_elements_begin(&st, out, NULL), list.items, list.count);
    int rc = starch_sse_elements_end(&st, NULL);
    starch_list_free(&list);
    return rc;
}

/* The patch of one change: the todo t created (appended to #todos), updated (morphed by
 * its id) or deleted (removed), then the count. The whole list instead where the empty
 * state comes or goes (the first todo, the last one deleted), and for a todo created on
 * another instance: its commit may already be in a list a stream read before this event
 * arrived, and an append is not idempotent. A local create is: the route holds live_lock
 * from its write to this publish, and a stream reads its first list under it too. */
static int render_change(App *app, const starch_event *ev, starch_out *out)
{
    const Todo *t = ev->data;
    bool created = strcmp(ev->name, "Todo.created") == 0;
    bool deleted = strcmp(ev->name, "Todo.deleted") == 0;
    size_t all = 0, open = 0;
    starch_query q = {.field = "done", .value = STARCH_VALUE_BOOL(false)};
    starch_error err;
    if (starch_repo_count(app->todos, NULL, &all, &err) != STARCH_OK ||
        starch_repo_count(app->todos, &q, &open, &err) != STARCH_OK) {
        fprintf(stderr, "todo: %s\n", err.message);
        return err.code;
    }
    if ((created && (ev->remote || all == 1)) || (deleted && all == 0))
        return todo_render_list(app, out);
    starch_sse_stream st;
    if (created) {
        starch_sse_opts append = {.selector = "#todos", .mode = "append"};
        todo_TodoItem(starch_sse_elements_begin(&st, out, &append), t);
        starch_sse_elements_end(&st, NULL);
    } else if (deleted) {
        char selector[32];
        snprintf(selector, sizeof selector, "#todo-%lld", (long long)t->id);
        starch_sse_remove_elements(out, selector, NULL, NULL);
    }
    starch_out *html = starch_sse_elements_begin(&st, out, NULL); /* matched by id */
    if (!created && !deleted)
        todo_TodoItem(html, t);
    todo_TodoCount(html, open);
    return starch_sse_elements_end(&st, NULL);
}

/* Bus handler of Todo.*: publishes the change. Under live_lock, so events leave in the
 * order their changes were read. */
static int publish_change(const starch_event *ev, void *ctx)
{
    App *app = ctx;
    starch_out event;
    starch_out_init(&event);
    pthread_mutex_lock(&app->live_lock);
    char id[64];
    todo_event_id(app, ev, id, sizeof id);
    atomic_fetch_add(&app->saves, 1);
    if (render_change(app, ev, &event) == STARCH_OK)
        starch_hub_publish_id(app->hub, TODO_TOPIC, id, starch_out_data(&event),
                              starch_out_len(&event));
    pthread_mutex_unlock(&app->live_lock);
    starch_out_free(&event);
    return STARCH_CONTINUE;
}

void todo_event_id(App *app, const starch_event *ev, char *id, size_t size)
{
    if (ev->id > 0)
        snprintf(id, size, "%lld", (long long)ev->id);
    else
        snprintf(id, size, "%s-%llu", app->boot_id, (unsigned long long)++app->sequence);
}

bool todo_live_start(App *app)
{
    return starch_bus_on(app->bus, "Todo.*", 0, publish_change, app) != 0;
}

/* ---- GET /events ------------------------------------------------------------------- */

/* One browser's stream: the list as it was when it connected, then the hub's events. */
typedef struct Watcher {
    App *app;
    struct MHD_Connection *conn;
    starch_client *client;
    starch_out first; /* the current list, sent before anything from the hub */
    size_t sent;      /* bytes of first already sent */
    bool ended;       /* the stream ended itself (dropped, or the hub closed) */
} Watcher;

/* The hub's waker: a stream with nothing to send is suspended (it costs no thread while
 * it waits); the hub resumes it when it has something. */
static void watcher_park(void *ctx)
{
    MHD_suspend_connection(ctx);
}

static void watcher_wake(void *ctx)
{
    MHD_resume_connection(ctx);
}

static size_t copy_out(char *buf, size_t max, const char *data, size_t len)
{
    size_t n = len < max ? len : max;
    memcpy(buf, data, n);
    return n;
}

/* libmicrohttpd's content reader: called on the server's event loop whenever the
 * connection can send (and after the hub resumed it). Returns 0 with the connection
 * suspended when there is nothing to send. */
static ssize_t watcher_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    Watcher *w = cls;
    (void)pos;
    size_t first = starch_out_len(&w->first);
    if (w->sent < first) {
        size_t n = copy_out(buf, max, starch_out_data(&w->first) + w->sent, first - w->sent);
        w->sent += n;
        if (w->sent == first) { /* sent: an idle stream keeps no copy of the list */
            starch_out_free(&w->first);
            starch_out_init(&w->first);
            w->sent = 0;
        }
        return (ssize_t)n;
    }
    size_t n;
    switch (starch_client_poll(w->client, buf, max, &n)) {
    case STARCH_OK: return (ssize_t)n; /* 0: suspended until the hub wakes it */
    case STARCH_ETIMEOUT: {
        static const char ping[] = ": keep-alive\n\n"; /* an SSE comment: the client ignores it */
        return (ssize_t)copy_out(buf, max, ping, sizeof ping - 1);
    }
    default:
        /* Dropped for falling behind, or the hub closed because the server stops: end with
         * an error, never cleanly, so that the browser reconnects (Datastar does not after
         * a clean end) and resumes from its Last-Event-ID or starts again from the list. */
        w->ended = true;
        return MHD_CONTENT_READER_END_WITH_ERROR;
    }
}

/* The response's free callback: the connection is done with the stream. */
static void watcher_free(void *cls)
{
    Watcher *w = cls;
    if (w->conn) { /* a stream that was started (not one that failed to start) */
        atomic_fetch_sub(&w->app->streams_open, 1);
        if (!w->ended && !starch_client_dropped(w->client))
            atomic_fetch_add(&w->app->streams_reclaimed, 1); /* its client vanished */
    }
    starch_client_close(w->client);
    starch_out_free(&w->first);
    free(w);
}

/* The SSE headers but Connection (libmicrohttpd refuses `keep-alive` and manages it). */
static bool add_sse_headers(struct MHD_Response *r, const char *version)
{
    starch_header h[3];
    size_t n = starch_sse_headers(version, h);
    for (size_t i = 0; i < n; i++)
        if (strcmp(h[i].name, "Connection") != 0 &&
            MHD_add_response_header(r, h[i].name, h[i].value) != MHD_YES)
            return false;
    return true;
}

/* The content reader of HEAD /events: libmicrohttpd never calls it (a HEAD response has
 * no body); were it called, the stream would end at once. */
static ssize_t head_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)cls, (void)pos, (void)buf, (void)max;
    return MHD_CONTENT_READER_END_OF_STREAM;
}

/* HEAD /events: the headers of the stream, nothing subscribed, nothing rendered. */
static enum MHD_Result head_events(struct MHD_Connection *c, const char *version)
{
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024, head_read, NULL, NULL);
    /* Not chunked: libmicrohttpd 0.9.75 would send the last chunk of a chunked body even
     * to HEAD (a body after all, which clients reject). As an HTTP/1.0-style response it
     * says Connection: close instead of Transfer-Encoding, and sends nothing after the
     * headers (RFC 9110 9.3.2 lets HEAD leave out what the body decides). */
    if (r == NULL || MHD_set_response_options(r, MHD_RF_HTTP_1_0_SERVER, MHD_RO_END) != MHD_YES) {
        if (r)
            MHD_destroy_response(r);
        return MHD_NO;
    }
    enum MHD_Result ok =
        add_sse_headers(r, version) ? MHD_queue_response(c, MHD_HTTP_OK, r) : MHD_NO;
    MHD_destroy_response(r);
    return ok;
}

enum MHD_Result todo_live_events(App *app, struct MHD_Connection *c, const char *version, bool head)
{
    if (head)
        return head_events(c, version);
    Watcher *w = calloc(1, sizeof *w);
    if (w == NULL)
        return MHD_NO;
    starch_out_init(&w->first);
    w->client = starch_hub_connect(app->hub);
    /* Subscribe (resuming after the browser's last event when the hub still has it)
     * first, then read the list under live_lock: a change of this instance is in the list
     * or in the queue, never both (its route holds the lock from its write to its publish)
     * and never neither; one of another instance may be in both, and is published in a
     * form a page can get twice (render_change). */
    const char *last = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Last-Event-ID");
    int rc = w->client ? starch_client_resume(w->client, TODO_TOPIC, last) : STARCH_ENOMEM;
    if (rc == STARCH_ENOTFOUND) { /* a new page, or one that missed too much */
        pthread_mutex_lock(&app->live_lock);
        rc = todo_render_list(app, &w->first);
        pthread_mutex_unlock(&app->live_lock);
    }
    struct MHD_Response *r = rc == STARCH_OK
                                 ? MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096,
                                                                     watcher_read, w, watcher_free)
                                 : NULL;
    if (r == NULL) {
        watcher_free(w);
        return MHD_NO;
    }
    starch_client_set_waker(w->client, &(starch_client_waker){watcher_park, watcher_wake, c});
    w->app = app;
    w->conn = c;
    atomic_fetch_add(&app->streams_open, 1);
    /* A stream that sent nothing for a while (a keep-alive comes every keepalive seconds)
     * is stuck: its client stopped reading. */
    if (app->stream_timeout > 0)
        MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT, app->stream_timeout);
    enum MHD_Result ok =
        add_sse_headers(r, version) ? MHD_queue_response(c, MHD_HTTP_OK, r) : MHD_NO;
    MHD_destroy_response(r); /* queued: libmicrohttpd holds it; else this frees w */
    return ok;
}

/* ---- GET /metrics ------------------------------------------------------------------ */

/* Writes one metric: its HELP and TYPE lines and its value. */
static void metric(starch_out *out, const char *name, const char *type, const char *help,
                   size_t value)
{
    starch_out_printf(out, "# HELP %s %s\n# TYPE %s %s\n%s %zu\n", name, help, name, type, name,
                      value);
}

enum MHD_Result todo_live_metrics(App *app, struct MHD_Connection *c)
{
    starch_out out;
    starch_out_init(&out);
    metric(&out, "todo_streams_open", "gauge", "Event streams (GET /events) open now.",
           atomic_load(&app->streams_open));
    metric(&out, "todo_streams_dropped_total", "counter",
           "Event streams cut off because their client fell behind (its queue was full).",
           starch_hub_dropped(app->hub));
    metric(&out, "todo_streams_reclaimed_total", "counter",
           "Event streams closed because their client vanished (reset, timed out, failed).",
           atomic_load(&app->streams_reclaimed));
    metric(&out, "todo_saves_total", "counter",
           "Successful writes of a todo (add, toggle, delete); on PostgreSQL, other "
           "instances' too.",
           atomic_load(&app->saves));
    metric(&out, "todo_events_total", "counter", "Events published to the event streams.",
           starch_hub_published(app->hub));
    struct MHD_Response *r =
        starch_out_error(&out) == STARCH_OK
            ? MHD_create_response_from_buffer(starch_out_len(&out), (void *)starch_out_data(&out),
                                              MHD_RESPMEM_MUST_COPY)
            : NULL;
    starch_out_free(&out);
    if (r == NULL)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ok;
}
