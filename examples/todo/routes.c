/* routes.c — the HTTP routes of the todo app, on libmicrohttpd.
 *
 *   GET    /                    the page
 *   GET    /events              the live list: an SSE stream (live.c)
 *   POST   /todos               add: signals {"title": …} → Todo → save; answers the signals
 *                               and clears $title
 *   POST   /todos/{id}/toggle   flips done; answers the item and the count
 *   DELETE /todos/{id}          deletes; answers the signals
 *   GET    /datastar.js         the Datastar client: the local copy, or a redirect to the CDN
 *   GET    /healthz             200 when the database answers, 503 when it does not
 *   GET    /__dev/reload        `make dev` builds only: the build id (dev_reload.c)
 *   GET    /metrics             the counters, in the Prometheus text format (live.c)
 *
 * HEAD on any of them answers as GET, without the body.
 *
 * Listening beyond loopback, the app refuses a request that changes data (POST, PUT,
 * PATCH, DELETE) from another site with 403 (same_site below).
 *
 * Every action answers its own browser with Datastar events; the repository's events
 * reach every browser (this one too) through GET /events.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <starch_mhd.h>

#include "app.h"
#include "dev_reload.h"
#include "todo.starch.h"

/* Request bodies larger than this are refused (413). */
#define MAX_BODY (64 * 1024)

/* The longest title, in code points (counted as the bytes of the UTF-8 title that are
 * not continuation bytes). */
#define MAX_TITLE 500
#define STR(x)    #x
#define XSTR(x)   STR(x)

/* What a route gets. */
typedef struct Request {
    App *app;
    struct MHD_Connection *c;
    const char *method;
    const char *version;
    const starch_out *body; /* empty for a request without one */
} Request;

/* ---- Plain responses ------------------------------------------------------------------ */

static enum MHD_Result respond(struct MHD_Connection *c, unsigned status, const char *type,
                               const char *data, size_t len)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
    if (r == NULL)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", type);
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result respond_text(struct MHD_Connection *c, unsigned status, const char *text)
{
    char line[320];
    int n = snprintf(line, sizeof line, "%s\n", text);
    return respond(c, status, "text/plain; charset=utf-8", line,
                   n < (int)sizeof line ? (size_t)n : sizeof line - 1);
}

static enum MHD_Result server_error(struct MHD_Connection *c, const char *what)
{
    fprintf(stderr, "todo: %s\n", what);
    return respond_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, what);
}

/* ---- Errors the page shows ------------------------------------------------------------ */

/* Writes s as a JSON string. */
static void json_string(starch_out *out, const char *s)
{
    starch_out_write(out, "\"", 1);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        char esc[8];
        if (ch == '"' || ch == '\\') {
            esc[0] = '\\', esc[1] = (char)ch;
            starch_out_write(out, esc, 2);
        } else if (ch < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", ch);
            starch_out_write(out, esc, 6);
        } else {
            starch_out_write(out, s, 1);
        }
    }
    starch_out_write(out, "\"", 1);
}

/* Whether the request comes from the Datastar client (which sends Datastar-Request: true). */
static bool from_datastar(struct MHD_Connection *c)
{
    const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Datastar-Request");
    return v && strcmp(v, "true") == 0;
}

/* Writes the patch-signals event that sets $_error to message. */
static void put_error(starch_out *out, const char *message)
{
    starch_out json;
    starch_out_init(&json);
    starch_out_write(&json, "{\"_error\":", 10);
    json_string(&json, message);
    starch_out_write(&json, "}", 1);
    starch_sse_patch_signals(out, starch_out_data(&json), starch_out_len(&json), NULL, NULL);
    starch_out_free(&json);
}

/* Answers a request that failed with message. The Datastar client applies the events of a
 * 200 answer only, so to a Datastar request the answer is 200 with one patch-signals event
 * that sets $_error (the page shows it in #error); to anything else, status and the
 * message as text. A 5xx is logged. */
static enum MHD_Result fail(struct MHD_Connection *c, const char *version, unsigned status,
                            const char *message)
{
    if (status >= 500)
        fprintf(stderr, "todo: %s\n", message);
    starch_mhd_sse *sse = from_datastar(c) ? starch_mhd_sse_start(c, version) : NULL;
    if (sse == NULL)
        return respond_text(c, status, message);
    put_error(starch_mhd_sse_lock(sse), message);
    starch_mhd_sse_unlock(sse);
    starch_mhd_sse_close(sse);
    return MHD_YES;
}

/* The event that clears $_error, in every successful answer of an action. */
static const char no_error[] = "{\"_error\":\"\"}";

/* ---- GET / ---------------------------------------------------------------------------- */

static enum MHD_Result page(const Request *rq)
{
    starch_error err;
    starch_list list;
    if (starch_repo_all(rq->app->todos, &list, &err) != STARCH_OK)
        return server_error(rq->c, err.message);
    starch_out html;
    starch_out_init(&html);
    todo_TodoPage(&html, list.items, list.count);
    starch_list_free(&list);
    todo_dev_page(&html); /* `make dev` only: the reloader (dev_reload.h) */
    enum MHD_Result ok = starch_out_error(&html)
                             ? server_error(rq->c, starch_strerror(starch_out_error(&html)))
                             : respond(rq->c, MHD_HTTP_OK, "text/html; charset=utf-8",
                                       starch_out_data(&html), starch_out_len(&html));
    starch_out_free(&html);
    return ok;
}

/* ---- GET /datastar.js ----------------------------------------------------------------- */

static enum MHD_Result redirect(struct MHD_Connection *c, const char *location)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    if (r == NULL)
        return MHD_NO;
    MHD_add_response_header(r, "Location", location);
    enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_FOUND, r);
    MHD_destroy_response(r);
    return ok;
}

/* The page loads the client from STARCH_DATASTAR_URL, this route (see meson.build): the
 * local copy when the app has one, else the official build on the CDN that page.starch
 * uses by default (TODO_DATASTAR_CDN). */
static enum MHD_Result datastar_js(const Request *rq)
{
    const App *app = rq->app;
    if (app->datastar_js == NULL)
        return redirect(rq->c, TODO_DATASTAR_CDN);
    return respond(rq->c, MHD_HTTP_OK, "text/javascript; charset=utf-8", app->datastar_js,
                   app->datastar_len);
}

/* ---- The actions: Datastar requests answered with Datastar events --------------------- */

/* Starts this request's SSE response and returns where to write its events (NULL when
 * it cannot be started); events_end sends them and ends the response. */
static starch_out *events_begin(const Request *rq, starch_mhd_sse **sse)
{
    *sse = starch_mhd_sse_start(rq->c, rq->version);
    return *sse ? starch_mhd_sse_lock(*sse) : NULL;
}

static enum MHD_Result events_end(starch_mhd_sse *sse)
{
    starch_mhd_sse_unlock(sse); /* hands the events to the connection */
    starch_mhd_sse_close(sse);  /* the response ends once they are sent */
    return MHD_YES;
}

/* Answers a write the database refused (or could not make: full, read-only, away) with
 * 500 and "WHAT: why": the change is not stored and nothing stored before is touched. To
 * the page, 200 with the message in $_error, after the todo id as stored when id is not 0
 * (a toggle: the browser has ticked or unticked its checkbox already). */
static enum MHD_Result refused(const Request *rq, const char *what, int64_t id,
                               const starch_error *err)
{
    char message[sizeof err->message + 32];
    snprintf(message, sizeof message, "%s: %s", what, err->message);
    if (id == 0 || !from_datastar(rq->c))
        return fail(rq->c, rq->version, MHD_HTTP_INTERNAL_SERVER_ERROR, message);
    fprintf(stderr, "todo: %s\n", message);
    starch_mhd_sse *sse;
    starch_out *out = events_begin(rq, &sse);
    if (out == NULL)
        return MHD_NO;
    Todo t = {0};
    if (starch_repo_get(rq->app->todos, id, &t, NULL) == STARCH_OK) {
        /* replaced, not morphed: a morph keeps the checkbox's checked state as clicked */
        starch_sse_opts replace = {.mode = "replace"};
        starch_sse_stream st;
        todo_TodoItem(starch_sse_elements_begin(&st, out, &replace), &t);
        starch_sse_elements_end(&st, NULL);
    }
    Todo_clear(&t);
    put_error(out, message);
    return events_end(sse);
}

/* Strips leading and trailing white space from the owned string s, in place. */
static void trim(char *s)
{
    if (s == NULL)
        return;
    size_t start = 0, end = strlen(s);
    while (start < end && isspace((unsigned char)s[start]))
        start++;
    while (end > start && isspace((unsigned char)s[end - 1]))
        end--;
    memmove(s, s + start, end - start);
    s[end - start] = '\0';
}

/* The number of code points of the UTF-8 string s: its bytes but continuation bytes. */
static size_t code_points(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* The answer to an add or a delete: signals only (the input emptied, the error cleared).
 * The list changes through the page's /events stream, which every instance's page has
 * open: an append is not idempotent, so it is sent once, there (live.c). */
static enum MHD_Result answered(const Request *rq, const char *signals)
{
    starch_mhd_sse *sse;
    starch_out *out = events_begin(rq, &sse);
    if (out == NULL)
        return MHD_NO;
    starch_sse_patch_signals(out, signals, strlen(signals), NULL, NULL);
    return events_end(sse);
}

static enum MHD_Result added(const Request *rq)
{
    return answered(rq, "{\"title\":\"\",\"_error\":\"\"}");
}

/* A write and the publish of its change (the bus handler, live.c) under live_lock, which
 * a new stream holds while it reads its first list: the list has the change, or the
 * stream gets it, never both. */
static void write_begin(const Request *rq)
{
    pthread_mutex_lock(&rq->app->live_lock);
}

static void write_end(const Request *rq)
{
    pthread_mutex_unlock(&rq->app->live_lock);
}

/* Whether a todo with the idempotency key of t (t->add_key, non-empty) is stored: then
 * this add was made already (a retry of it) and is answered as a success. */
static int already_added(const Request *rq, const Todo *t, bool *found, starch_error *err)
{
    starch_query q = {.field = "add_key", .value = STARCH_VALUE_STRING(t->add_key)};
    size_t n = 0;
    int rc = starch_repo_count(rq->app->todos, &q, &n, err);
    *found = n > 0;
    return rc;
}

/* After saving t: two instances may both have found no todo with its key and both saved
 * it. Every saver looks again after its own save (committed, so each sees at least the
 * todos saved before it): only the todo with the smallest id of the key stays, the others
 * are deleted by those that saved them. */
static int keep_first(const Request *rq, const Todo *t, starch_error *err)
{
    starch_query q = {.field = "add_key", .value = STARCH_VALUE_STRING(t->add_key), .limit = 1};
    starch_list first;
    int rc = starch_repo_where(rq->app->todos, &q, &first, err);
    if (rc != STARCH_OK)
        return rc;
    const Todo *f = first.items;
    if (first.count == 1 && f->id != t->id)
        rc = starch_repo_delete(rq->app->todos, t->id, err); /* a duplicate of f */
    starch_list_free(&first);
    return rc;
}

/* POST /todos — the signals {"title":"Milk", "add_key": "…", …} become a new Todo. The
 * page sends a fresh add_key with each add; a retried add has the key of a stored todo
 * and saves nothing. */
static enum MHD_Result add_todo(const Request *rq)
{
    Todo t = {0};
    starch_error err;
    /* Straight from the request into the entity: title is filled, id and done stay 0. */
    if (starch_signals_read_entity(&Todo_type, &t, NULL, STARCH_READ_MERGE, rq->method, NULL, 0,
                                   starch_out_data(rq->body), starch_out_len(rq->body),
                                   &err) != STARCH_OK)
        return fail(rq->c, rq->version, MHD_HTTP_BAD_REQUEST, err.message);
    trim(t.title);
    enum MHD_Result ok;
    bool keyed = t.add_key && t.add_key[0], found = false;
    if (t.title == NULL || t.title[0] == '\0')
        ok = fail(rq->c, rq->version, MHD_HTTP_BAD_REQUEST, "title: empty");
    else if (code_points(t.title) > MAX_TITLE)
        ok = fail(rq->c, rq->version, MHD_HTTP_BAD_REQUEST,
                  "title: too long (at most " XSTR(MAX_TITLE) " characters)");
    else if (keyed && already_added(rq, &t, &found, &err) != STARCH_OK)
        ok = refused(rq, "Not saved", 0, &err);
    else if (found)
        ok = added(rq); /* a retry: answered as the first was, nothing saved */
    else {
        write_begin(rq);
        bool saved = starch_repo_save(rq->app->todos, &t, &err) == STARCH_OK && /* created */
                     (!keyed || keep_first(rq, &t, &err) == STARCH_OK);
        write_end(rq);
        ok = saved ? added(rq) : refused(rq, "Not saved", 0, &err);
    }
    Todo_clear(&t);
    return ok;
}

/* The answer to a toggle: the todo t, then the count of those left. */
static enum MHD_Result toggled(const Request *rq, const Todo *t)
{
    starch_mhd_sse *sse;
    starch_out *out = events_begin(rq, &sse);
    if (out == NULL)
        return MHD_NO;
    starch_sse_stream st; /* each component renders straight into its event */
    todo_TodoItem(starch_sse_elements_begin(&st, out, NULL), t);
    starch_sse_elements_end(&st, NULL);
    size_t open = 0;
    starch_query q = {.field = "done", .value = STARCH_VALUE_BOOL(false)};
    starch_repo_count(rq->app->todos, &q, &open, NULL);
    todo_TodoCount(starch_sse_elements_begin(&st, out, NULL), open);
    starch_sse_elements_end(&st, NULL);
    starch_sse_patch_signals(out, no_error, sizeof no_error - 1, NULL, NULL);
    return events_end(sse);
}

/* The change of a toggle, made on the stored todo itself. */
static int flip_done(void *value, void *ctx)
{
    (void)ctx;
    Todo *t = value;
    t->done = !t->done;
    return STARCH_OK;
}

/* POST /todos/{id}/toggle — one atomic change: no other instance's toggle can land
 * between reading done and writing it back (starch_repo_update). */
static enum MHD_Result toggle_todo(const Request *rq, int64_t id)
{
    Todo t = {0};
    starch_error err;
    write_begin(rq);
    int rc = starch_repo_update(rq->app->todos, id, flip_done, NULL, &t, &err); /* Todo.updated */
    write_end(rq);
    enum MHD_Result ok;
    if (rc == STARCH_OK)
        ok = toggled(rq, &t);
    else if (rc == STARCH_ENOTFOUND)
        ok = fail(rq->c, rq->version, MHD_HTTP_NOT_FOUND, err.message);
    else
        ok = refused(rq, "Not saved", id, &err);
    Todo_clear(&t);
    return ok;
}

/* DELETE /todos/{id} */
static enum MHD_Result delete_todo(const Request *rq, int64_t id)
{
    starch_error err;
    write_begin(rq);
    int rc = starch_repo_delete(rq->app->todos, id, &err); /* emits Todo.deleted */
    write_end(rq);
    if (rc == STARCH_ENOTFOUND)
        return fail(rq->c, rq->version, MHD_HTTP_NOT_FOUND, err.message);
    if (rc != STARCH_OK)
        return refused(rq, "Not deleted", 0, &err);
    return answered(rq, no_error);
}

/* GET /healthz: whether the database answers (a load balancer takes the instance out of
 * rotation on 503). */
static enum MHD_Result healthz(const Request *rq)
{
    starch_error err;
    if (starch_repo_ping(rq->app->todos, &err) != STARCH_OK)
        return respond_text(rq->c, MHD_HTTP_SERVICE_UNAVAILABLE, err.message);
    return respond_text(rq->c, MHD_HTTP_OK, "ok");
}

/* ---- Cross-site requests -------------------------------------------------------------- */

static const char *header(const Request *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->c, MHD_HEADER_KIND, name);
}

/* Whether the origin "scheme://host[:port]" names the host the request was sent to. */
static bool origin_is_host(const char *origin, const char *host)
{
    const char *sep = strstr(origin, "://");
    return sep && host && strcmp(sep + 3, host) == 0;
}

/* Whether a request that changes data comes from the app's own pages, as Go's
 * http.CrossOriginProtection decides: a browser says where a request comes from in
 * Sec-Fetch-Site (same-origin, or none for one the user typed), else in Origin, which
 * must name the Host it was sent to; a request with neither header is not from a
 * browser, so no page of another site can have made it. */
static bool same_site(const Request *rq)
{
    const char *m = rq->method;
    if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 || strcmp(m, "OPTIONS") == 0)
        return true;
    const char *site = header(rq, "Sec-Fetch-Site");
    if (site)
        return strcmp(site, "same-origin") == 0 || strcmp(site, "none") == 0;
    const char *origin = header(rq, "Origin");
    return origin == NULL || origin_is_host(origin, header(rq, "Host"));
}

/* ---- Routing -------------------------------------------------------------------------- */

/* Matches "/todos/{id}REST" with a decimal id > 0; sets *id and *rest. */
static bool todo_path(const char *url, int64_t *id, const char **rest)
{
    static const char prefix[] = "/todos/";
    if (strncmp(url, prefix, sizeof prefix - 1) != 0)
        return false;
    const char *p = url + sizeof prefix - 1;
    if (!isdigit((unsigned char)*p))
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(p, &end, 10);
    if (errno != 0 || v <= 0)
        return false;
    *id = v;
    *rest = end;
    return true;
}

static bool is(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

static enum MHD_Result route(const Request *rq, const char *url)
{
    /* HEAD is answered as GET: libmicrohttpd sends the same headers and leaves out the
     * body (for GET /events, live.c answers the stream's headers and nothing more). */
    bool head = is(rq->method, "HEAD");
    const char *m = head ? "GET" : rq->method;
    int64_t id;
    const char *rest;
    if (rq->app->check_origin && !same_site(rq))
        return respond_text(rq->c, MHD_HTTP_FORBIDDEN, "cross-site request refused");
    if (is(m, "GET") && is(url, "/"))
        return page(rq);
    if (is(m, "GET") && is(url, "/healthz"))
        return healthz(rq);
    if (is(m, "GET") && is(url, "/events"))
        return todo_live_events(rq->app, rq->c, rq->version, head);
    if (is(m, "GET") && is(url, "/metrics"))
        return todo_live_metrics(rq->app, rq->c);
    if (is(m, "GET") && is(url, STARCH_DATASTAR_URL))
        return datastar_js(rq);
    if (is(m, "POST") && is(url, "/todos"))
        return add_todo(rq);
    if (is(m, "POST") && todo_path(url, &id, &rest) && is(rest, "/toggle"))
        return toggle_todo(rq, id);
    if (is(m, "DELETE") && todo_path(url, &id, &rest) && is(rest, ""))
        return delete_todo(rq, id);
    enum MHD_Result dev; /* `make dev` only: GET /__dev/reload (dev_reload.h) */
    if (todo_dev_route(rq->app, rq->c, rq->method, url, rq->version, &dev))
        return dev;
    return respond_text(rq->c, MHD_HTTP_NOT_FOUND, "not found");
}

enum MHD_Result todo_handle(void *cls, struct MHD_Connection *c, const char *url,
                            const char *method, const char *version, const char *upload,
                            size_t *upload_size, void **req)
{
    const starch_out *body;
    int r = starch_mhd_collect(req, upload, upload_size, MAX_BODY, &body);
    if (r == STARCH_MHD_MORE)
        return MHD_YES; /* the body is still arriving */
    if (r == STARCH_ETOOBIG)
        return fail(c, version, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large");
    if (r != STARCH_OK)
        return fail(c, version, MHD_HTTP_INTERNAL_SERVER_ERROR, starch_strerror(r));
    Request rq = {.app = cls, .c = c, .method = method, .version = version, .body = body};
    return route(&rq, url);
}
