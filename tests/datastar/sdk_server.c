/* sdk_server.c — starch-sdk-server: the official Datastar SDK test protocol, served with
 * starch's runtime on libmicrohttpd.
 *
 *   starch-sdk-server [--port N] [--poll]
 *
 * `GET /test?datastar=JSON` and `POST /test` (JSON body) carry {"events":[…]}; each event
 * is written to the SSE response through the runtime, from a thread of its own, and the
 * stream ends after the last. Listens on 127.0.0.1 (port 0: any free port); prints
 * "listening on 127.0.0.1:PORT" once ready, and stops on SIGINT or SIGTERM. --poll runs
 * the daemon with a polling thread and suspend/resume instead of a thread per connection.
 *
 * Event fields: type (patchElements, patchSignals, executeScript), elements, selector,
 * mode, useViewTransition, viewTransitionSelector, namespace, signals (an object, written
 * compactly in the order given), signals-raw (a string, as is), onlyIfMissing, script,
 * autoRemove, attributes (an object), eventId, retryDuration. Other fields are ignored. */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <starch_gen.h>
#include <starch_mhd.h>

/* ---- Compact JSON, in the order given ---------------------------------------------- */

/* Writes s as a JSON string, escaping only '"', '\' and control characters (as
 * JavaScript's JSON.stringify does). */
static void put_string(starch_out *o, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    starch_out_write(o, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        starch_out_write(o, s + run, i - run);
        run = i + 1;
        const char *short_form = c == '"'    ? "\\\""
                                 : c == '\\' ? "\\\\"
                                 : c == '\b' ? "\\b"
                                 : c == '\f' ? "\\f"
                                 : c == '\n' ? "\\n"
                                 : c == '\r' ? "\\r"
                                 : c == '\t' ? "\\t"
                                             : NULL;
        if (short_form) {
            starch_out_write(o, short_form, 2);
        } else {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            starch_out_write(o, u, 6);
        }
    }
    starch_out_write(o, s + run, n - run);
    starch_out_write(o, "\"", 1);
}

static void put_json(starch_out *o, json_t *v)
{
    char num[32];
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *k;
        json_t *x;
        bool first = true;
        starch_out_write(o, "{", 1);
        json_object_foreach(v, k, x)
        {
            if (!first)
                starch_out_write(o, ",", 1);
            first = false;
            put_string(o, k, strlen(k));
            starch_out_write(o, ":", 1);
            put_json(o, x);
        }
        starch_out_write(o, "}", 1);
        break;
    }
    case JSON_ARRAY:
        starch_out_write(o, "[", 1);
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i)
                starch_out_write(o, ",", 1);
            put_json(o, json_array_get(v, i));
        }
        starch_out_write(o, "]", 1);
        break;
    case JSON_STRING: put_string(o, json_string_value(v), json_string_length(v)); break;
    case JSON_INTEGER:
        starch_out_write(o, num, (size_t)(starch_fmt_i64(num, json_integer_value(v)) - num));
        break;
    case JSON_REAL:
        starch_out_write(o, num, (size_t)(starch_fmt_double(num, json_real_value(v)) - num));
        break;
    case JSON_TRUE: starch_out_write(o, "true", 4); break;
    case JSON_FALSE: starch_out_write(o, "false", 5); break;
    case JSON_NULL: starch_out_write(o, "null", 4); break;
    }
}

/* ---- Events ------------------------------------------------------------------------ */

static const char *str(json_t *ev, const char *key)
{
    return json_string_value(json_object_get(ev, key));
}

/* The options every event takes, and those of patch-elements. */
static starch_sse_opts options(json_t *ev)
{
    starch_sse_opts o = {0};
    o.id = str(ev, "eventId");
    json_t *retry = json_object_get(ev, "retryDuration");
    if (json_is_integer(retry))
        o.retry_ms =
            json_integer_value(retry) == 0 ? STARCH_SSE_RETRY_ZERO : json_integer_value(retry);
    o.selector = str(ev, "selector");
    o.mode = str(ev, "mode");
    o.ns = str(ev, "namespace");
    o.view_transition = json_is_true(json_object_get(ev, "useViewTransition"));
    o.view_transition_selector = str(ev, "viewTransitionSelector");
    o.only_if_missing = json_is_true(json_object_get(ev, "onlyIfMissing"));
    o.keep_script = json_is_false(json_object_get(ev, "autoRemove"));
    return o;
}

/* patchElements: the elements are streamed into the event, as a component would be. */
static int patch_elements(starch_out *out, json_t *ev)
{
    starch_sse_opts o = options(ev);
    const char *html = str(ev, "elements");
    starch_sse_stream st;
    starch_out *w = starch_sse_elements_begin(&st, out, &o);
    if (html)
        starch_out_write(w, html, strlen(html));
    return starch_sse_elements_end(&st, NULL);
}

static int patch_signals(starch_out *out, json_t *ev)
{
    starch_sse_opts o = options(ev);
    json_t *sig = json_object_get(ev, "signals");
    const char *raw = str(ev, "signals-raw");
    if (raw)
        return starch_sse_patch_signals(out, raw, strlen(raw), &o, NULL);
    starch_out json;
    starch_out_init(&json);
    put_json(&json, sig ? sig : json_null());
    int rc = starch_sse_patch_signals(out, starch_out_data(&json), starch_out_len(&json), &o, NULL);
    starch_out_free(&json);
    return rc;
}

/* executeScript: attribute values that are not strings are written as their JSON text. */
static int execute_script(starch_out *out, json_t *ev)
{
    starch_sse_opts o = options(ev);
    json_t *attrs = json_object_get(ev, "attributes");
    size_t n = json_is_object(attrs) ? json_object_size(attrs) : 0;
    starch_sse_attr *a = calloc(n ? n : 1, sizeof *a);
    char **texts = calloc(n ? n : 1, sizeof *texts);
    const char *k;
    json_t *v;
    size_t i = 0;
    if (n)
        json_object_foreach(attrs, k, v)
        {
            a[i].name = k;
            a[i].value = json_is_string(v) ? json_string_value(v)
                                           : (texts[i] = json_dumps(v, JSON_ENCODE_ANY));
            i++;
        }
    o.attrs = a;
    o.n_attrs = n;
    const char *script = str(ev, "script");
    int rc =
        starch_sse_execute_script(out, script ? script : "", script ? strlen(script) : 0, &o, NULL);
    for (i = 0; i < n; i++)
        free(texts[i]);
    free(texts);
    free(a);
    return rc;
}

static int emit(starch_out *out, json_t *ev)
{
    const char *type = str(ev, "type");
    if (type == NULL)
        return 0;
    if (strcmp(type, "patchElements") == 0)
        return patch_elements(out, ev);
    if (strcmp(type, "patchSignals") == 0)
        return patch_signals(out, ev);
    if (strcmp(type, "executeScript") == 0)
        return execute_script(out, ev);
    return 0;
}

/* ---- HTTP -------------------------------------------------------------------------- */

typedef struct Job {
    starch_mhd_sse *sse;
    json_t *signals;
} Job;

/* Writes every event, one lock per event, from a thread of its own; then ends the
 * stream. An invalid event is reported on stderr and skipped. */
static void *run(void *arg)
{
    Job *j = arg;
    json_t *events = json_object_get(j->signals, "events");
    for (size_t i = 0; i < json_array_size(events); i++) {
        starch_out *out = starch_mhd_sse_lock(j->sse);
        int rc = emit(out, json_array_get(events, i));
        int sent = starch_mhd_sse_unlock(j->sse);
        if (rc)
            fprintf(stderr, "starch-sdk-server: event %zu: %s\n", i, starch_strerror(rc));
        if (sent)
            break;
    }
    starch_mhd_sse_close(j->sse);
    json_decref(j->signals);
    free(j);
    return NULL;
}

static enum MHD_Result respond(struct MHD_Connection *c, unsigned status, const char *text)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **req)
{
    (void)cls;
    const starch_out *body;
    int r = starch_mhd_collect(req, upload, upload_size, 1u << 20, &body);
    if (r == STARCH_MHD_MORE)
        return MHD_YES;
    if (r != STARCH_OK)
        return respond(c, r == STARCH_ETOOBIG ? 413 : 500, "cannot read the body\n");
    if (strcmp(url, "/test") != 0)
        return respond(c, 404, "not found\n");
    starch_error err;
    json_t *signals = starch_mhd_signals(c, method, body, &err);
    if (signals == NULL)
        return respond(c, 400, err.message);
    Job *j = malloc(sizeof *j);
    j->signals = signals;
    j->sse = starch_mhd_sse_start(c, version);
    if (j->sse == NULL) {
        json_decref(signals);
        free(j);
        return respond(c, 500, "cannot start the stream\n");
    }
    pthread_t t;
    if (pthread_create(&t, NULL, run, j) != 0) {
        starch_mhd_sse_close(j->sse); /* the response ends empty */
        json_decref(signals);
        free(j);
        return MHD_YES;
    }
    pthread_detach(t);
    return MHD_YES;
}

int main(int argc, char **argv)
{
    unsigned port = 0;
    bool poll_mode = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
            port = (unsigned)strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--poll") == 0) {
            poll_mode = true;
        } else {
            fprintf(stderr, "usage: starch-sdk-server [--port N] [--poll]\n");
            return 2;
        }
    }
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL); /* every thread; main waits for them below */
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD |
                     (poll_mode ? MHD_ALLOW_SUSPEND_RESUME : MHD_USE_THREAD_PER_CONNECTION);
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, handle, NULL, MHD_OPTION_SOCK_ADDR, &addr,
        MHD_OPTION_NOTIFY_COMPLETED, starch_mhd_completed, NULL, MHD_OPTION_END);
    if (d == NULL) {
        fprintf(stderr, "starch-sdk-server: cannot listen on 127.0.0.1:%u\n", port);
        return 1;
    }
    printf("listening on 127.0.0.1:%u\n", MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port);
    fflush(stdout);
    int sig;
    sigwait(&stop, &sig);
    MHD_stop_daemon(d);
    return 0;
}
