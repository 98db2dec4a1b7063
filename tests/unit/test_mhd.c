/* test_mhd.c — the libmicrohttpd adapter on a loopback daemon: events written from other
 * threads reach the client whole and in order, in both daemon modes (thread per
 * connection, and polling with suspend/resume); signals from the query and the body;
 * body limits; a client that leaves. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <starch_mhd.h>

/* ---- The server under test --------------------------------------------------------- */

typedef struct Job {
    starch_mhd_sse *sse;
    int events;     /* patch-signals events {"i":N} to write */
    int writers;    /* threads writing them at once (each writes `events`) */
    int pad;        /* bytes of padding per event, to cross flush chunks */
    int delay_us;   /* between events */
    int until_gone; /* write until the client has gone, then report it */
    int breaks;     /* end with starch_mhd_sse_break instead of close */
} Job;

static int gone_seen; /* set by a writer that saw STARCH_ECLOSED (until_gone) */

static void sleep_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

/* Writes the job's events, one lock/unlock per event. */
static void *write_events(void *arg)
{
    Job *j = arg;
    char *pad = calloc((size_t)j->pad + 1, 1);
    memset(pad, 'x', (size_t)j->pad);
    for (int i = 0; j->until_gone || i < j->events; i++) {
        char json[64];
        int n = snprintf(json, sizeof json, "{\"i\":%d,\"pad\":\"", i);
        starch_out buf;
        starch_out_init(&buf);
        starch_out_write(&buf, json, (size_t)n);
        starch_out_write(&buf, pad, (size_t)j->pad);
        starch_out_write(&buf, "\"}", 2);
        starch_out *out = starch_mhd_sse_lock(j->sse);
        starch_sse_patch_signals(out, starch_out_data(&buf), starch_out_len(&buf), NULL, NULL);
        starch_out_free(&buf);
        int rc = starch_mhd_sse_unlock(j->sse);
        if (j->until_gone && rc == STARCH_ECLOSED) {
            __atomic_store_n(&gone_seen, 1, __ATOMIC_SEQ_CST);
            break;
        }
        if (j->until_gone && i > 200000)
            break;
        if (j->delay_us)
            sleep_us(j->delay_us);
    }
    free(pad);
    return NULL;
}

/* Runs the job's writers, then closes the stream. */
static void *run_job(void *arg)
{
    Job *j = arg;
    pthread_t t[8];
    for (int i = 0; i < j->writers; i++)
        pthread_create(&t[i], NULL, write_events, j);
    for (int i = 0; i < j->writers; i++)
        pthread_join(t[i], NULL);
    if (j->breaks)
        starch_mhd_sse_break(j->sse);
    else
        starch_mhd_sse_close(j->sse);
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

/* Signals {"events":N,"writers":W,"pad":P,"delay":D,"until_gone":G} say what to send. */
static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **req)
{
    (void)cls;
    (void)url;
    const starch_out *body;
    int r = starch_mhd_collect(req, upload, upload_size, 4096, &body);
    if (r == STARCH_MHD_MORE)
        return MHD_YES;
    if (r == STARCH_ETOOBIG)
        return respond(c, 413, "too big");
    starch_error err;
    json_t *sig = starch_mhd_signals(c, method, body, &err);
    if (sig == NULL)
        return respond(c, 400, err.message);
    Job *j = calloc(1, sizeof *j);
    j->events = (int)json_integer_value(json_object_get(sig, "events"));
    j->writers = (int)json_integer_value(json_object_get(sig, "writers"));
    j->writers = j->writers < 1 ? 1 : j->writers > 8 ? 8 : j->writers;
    j->pad = (int)json_integer_value(json_object_get(sig, "pad"));
    j->delay_us = (int)json_integer_value(json_object_get(sig, "delay"));
    j->until_gone = json_is_true(json_object_get(sig, "until_gone"));
    j->breaks = json_is_true(json_object_get(sig, "break"));
    json_decref(sig);
    j->sse = starch_mhd_sse_start(c, version);
    if (j->sse == NULL) {
        free(j);
        return respond(c, 500, "no stream");
    }
    pthread_t t;
    pthread_create(&t, NULL, run_job, j);
    pthread_detach(t);
    return MHD_YES;
}

static struct MHD_Daemon *daemon_;
static uint16_t port;

static void start(unsigned flags)
{
    daemon_ = MHD_start_daemon(flags, 0, NULL, NULL, handle, NULL, MHD_OPTION_NOTIFY_COMPLETED,
                               starch_mhd_completed, NULL, MHD_OPTION_END);
    cr_assert_not_null(daemon_);
    port = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT)->port;
}

static void start_threaded(void)
{
    start(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION);
}

static void start_polling(void)
{
    start(MHD_USE_INTERNAL_POLLING_THREAD | MHD_ALLOW_SUSPEND_RESUME);
}

static void stop(void)
{
    MHD_stop_daemon(daemon_);
}

/* ---- A client ---------------------------------------------------------------------- */

static int dial(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    struct timeval tv = {20, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

/* Sends request and reads the response until the server closes the connection. */
static char *exchange(const char *request, size_t *len)
{
    int fd = dial();
    cr_assert_eq(write(fd, request, strlen(request)), (ssize_t)strlen(request));
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    for (;;) {
        if (n == cap)
            buf = realloc(buf, (cap *= 2) + 1);
        ssize_t k = read(fd, buf + n, cap - n);
        cr_assert_geq(k, 0, "read timed out");
        if (k == 0)
            break;
        n += (size_t)k;
    }
    close(fd);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* The body of an HTTP/1.0 response (not chunked) after checking its status line. */
static const char *body_of(const char *resp, const char *status)
{
    cr_assert(strncmp(resp, status, strlen(status)) == 0, "got: %.80s", resp);
    const char *b = strstr(resp, "\r\n\r\n");
    cr_assert_not_null(b);
    return b + 4;
}

/* The events {"i":0..n-1} with padding p, as the server writes them. */
static char *expected_events(int n, int pad)
{
    starch_out o;
    starch_out_init(&o);
    for (int i = 0; i < n; i++) {
        starch_out_printf(&o, "event: datastar-patch-signals\ndata: signals {\"i\":%d,\"pad\":\"",
                          i);
        for (int k = 0; k < pad; k++)
            starch_out_write(&o, "x", 1);
        starch_out_puts(&o, "\"}\n\n");
    }
    char *s = strdup(starch_out_cstr(&o));
    starch_out_free(&o);
    return s;
}

static void get_events(int n, int pad, int delay)
{
    char req[256];
    snprintf(req, sizeof req,
             "GET /?datastar=%%7B%%22events%%22:%d,%%22pad%%22:%d,%%22delay%%22:%d%%7D "
             "HTTP/1.0\r\n\r\n",
             n, pad, delay);
    size_t len;
    char *resp = exchange(req, &len);
    char *want = expected_events(n, pad);
    cr_assert_str_eq(body_of(resp, "HTTP/1.1 200"), want);
    cr_assert_not_null(strstr(resp, "\r\nContent-Type: text/event-stream\r\n"));
    cr_assert_not_null(strstr(resp, "\r\nCache-Control: no-cache\r\n"));
    free(want);
    free(resp);
}

TestSuite(mhd_threaded, .init = start_threaded, .fini = stop, .timeout = 60);
TestSuite(mhd_polling, .init = start_polling, .fini = stop, .timeout = 60);

Test(mhd_threaded, events_from_another_thread)
{
    get_events(5, 0, 0);
    get_events(20, 0, 2000); /* the reader waits between events */
}

Test(mhd_polling, events_from_another_thread)
{
    get_events(5, 0, 0);
    get_events(20, 0, 2000); /* the connection is suspended between events */
}

Test(mhd_threaded, large_events_cross_chunks)
{
    get_events(40, 30000, 0);
}

Test(mhd_polling, large_events_cross_chunks)
{
    get_events(40, 30000, 0);
}

/* More than STARCH_MHD_QUEUE_MAX is written before the client reads: writers wait. */
Test(mhd_polling, backpressure_keeps_everything)
{
    get_events(60, 100000, 0);
}

/* Several threads write to one stream at once: every event arrives whole. */
static void concurrent(void)
{
    const char *req = "GET /?datastar=%7B%22events%22:50,%22writers%22:4,%22pad%22:20000%7D "
                      "HTTP/1.0\r\n\r\n";
    size_t len;
    char *resp = exchange(req, &len);
    const char *b = body_of(resp, "HTTP/1.1 200");
    int seen[50] = {0};
    int events = 0;
    for (const char *p = b; *p; events++) {
        int i = -1, k = 0;
        cr_assert_eq(sscanf(p, "event: datastar-patch-signals\ndata: signals {\"i\":%d,%n", &i, &k),
                     1, "event %d: %.60s", events, p);
        cr_assert(i >= 0 && i < 50);
        seen[i]++;
        const char *q = p + k;
        cr_assert(strncmp(q, "\"pad\":\"", 7) == 0);
        q += 7;
        for (int x = 0; x < 20000; x++)
            cr_assert_eq(q[x], 'x', "event %d torn at %d", events, x);
        cr_assert(strncmp(q + 20000, "\"}\n\n", 4) == 0);
        p = q + 20004;
    }
    cr_assert_eq(events, 200);
    for (int i = 0; i < 50; i++)
        cr_assert_eq(seen[i], 4);
    free(resp);
}

Test(mhd_threaded, concurrent_writers_do_not_interleave)
{
    concurrent();
}

Test(mhd_polling, concurrent_writers_do_not_interleave)
{
    concurrent();
}

/* HTTP/1.1: a chunked response on a persistent connection (libmicrohttpd writes no
 * `Connection: keep-alive`: it refuses the header, the behaviour being HTTP/1.1's default). */
Test(mhd_threaded, http11_keeps_the_connection_and_chunks)
{
    int fd = dial();
    const char *req = "GET /?datastar=%7B%22events%22:1%7D HTTP/1.1\r\nHost: x\r\n\r\n";
    cr_assert_eq(write(fd, req, strlen(req)), (ssize_t)strlen(req));
    char buf[4096];
    size_t n = 0;
    while (n < sizeof buf - 1) {
        ssize_t k = read(fd, buf + n, sizeof buf - 1 - n);
        cr_assert_gt(k, 0, "%s", buf);
        n += (size_t)k;
        buf[n] = '\0';
        if (strstr(buf, "\r\n0\r\n\r\n"))
            break;
    }
    close(fd);
    cr_assert(strncmp(buf, "HTTP/1.1 200", 12) == 0);
    cr_assert_null(strstr(buf, "\r\nConnection: close\r\n"), "%s", buf);
    cr_assert_not_null(strstr(buf, "\r\nTransfer-Encoding: chunked\r\n"), "%s", buf);
    cr_assert_not_null(strstr(buf, "\r\nContent-Type: text/event-stream\r\n"));
    cr_assert_not_null(strstr(buf, "event: datastar-patch-signals\ndata: signals {\"i\":0,\"pad\""
                                   ":\"\"}\n\n"));
}

/* Reads the whole HTTP/1.1 response to request until the server closes the connection. */
static char *read_to_close(const char *request)
{
    int fd = dial();
    cr_assert_eq(write(fd, request, strlen(request)), (ssize_t)strlen(request));
    size_t n = 0, cap = 1 << 16;
    char *buf = malloc(cap);
    ssize_t k;
    while (n < cap - 1 && (k = read(fd, buf + n, cap - 1 - n)) > 0)
        n += (size_t)k;
    buf[n] = '\0';
    close(fd);
    return buf;
}

/* A stream the server breaks sends its events, then the connection ends without the last
 * chunk: the browser sees a network error (and Datastar reconnects), not a clean end. A
 * stream closed normally ends with the last chunk. */
static void break_and_close(void)
{
    char *broken = read_to_close("GET /?datastar=%7B%22events%22:3,%22break%22:true%7D HTTP/1.1\r\n"
                                 "Host: x\r\n\r\n");
    cr_assert(strncmp(broken, "HTTP/1.1 200", 12) == 0, "%s", broken);
    cr_assert_not_null(strstr(broken, "data: signals {\"i\":2,\"pad\":\"\"}\n\n"), "%s", broken);
    cr_assert_null(strstr(broken, "\r\n0\r\n\r\n"), "a broken stream ended cleanly: %s", broken);
    free(broken);
    char *clean = read_to_close("GET /?datastar=%7B%22events%22:3%7D HTTP/1.1\r\nHost: x\r\n"
                                "Connection: close\r\n\r\n");
    cr_assert_not_null(strstr(clean, "data: signals {\"i\":2,\"pad\":\"\"}\n\n\r\n0\r\n\r\n"), "%s",
                       clean);
    free(clean);
}

Test(mhd_threaded, break_ends_without_the_last_chunk)
{
    break_and_close();
}

Test(mhd_polling, break_ends_without_the_last_chunk)
{
    break_and_close();
}

Test(mhd_threaded, http10_closes)
{
    size_t len;
    char *resp = exchange("GET /?datastar=%7B%22events%22:1%7D HTTP/1.0\r\n\r\n", &len);
    cr_assert_null(strstr(resp, "keep-alive"), "%s", resp);
    cr_assert_not_null(strstr(resp, "\r\nConnection: close\r\n"), "%s", resp);
    free(resp);
}

Test(mhd_threaded, signals_from_post_body)
{
    const char *body = "{\"events\":3,\"pad\":2}";
    char req[256];
    snprintf(req, sizeof req, "POST / HTTP/1.0\r\nContent-Length: %zu\r\n\r\n%s", strlen(body),
             body);
    size_t len;
    char *resp = exchange(req, &len);
    char *want = expected_events(3, 2);
    cr_assert_str_eq(body_of(resp, "HTTP/1.1 200"), want);
    free(want);
    free(resp);
}

Test(mhd_polling, signals_errors)
{
    size_t len;
    char *resp = exchange("GET /?other=1 HTTP/1.0\r\n\r\n", &len);
    cr_assert_str_eq(body_of(resp, "HTTP/1.1 400"), "no 'datastar' query parameter");
    free(resp);
    resp = exchange("GET /?datastar=%7Bx HTTP/1.0\r\n\r\n", &len);
    cr_assert_str_eq(body_of(resp, "HTTP/1.1 400"),
                     "invalid JSON at line 1, column 2 (byte 2): string or '}' expected near 'x'");
    free(resp);
    resp = exchange("POST / HTTP/1.0\r\nContent-Length: 5\r\n\r\n[1,2]", &len);
    cr_assert_str_eq(body_of(resp, "HTTP/1.1 400"), "the signals are not a JSON object");
    free(resp);
    resp = exchange("OPTIONS / HTTP/1.0\r\n\r\n", &len);
    cr_assert(strncmp(body_of(resp, "HTTP/1.1 400"), "HTTP method 'OPTIONS' carries no", 32) == 0);
    free(resp);
}

/* libmicrohttpd decodes query arguments itself, `+` as a space included. */
Test(mhd_polling, query_plus_is_space)
{
    size_t len;
    char *resp = exchange("GET /?datastar=%7B%22events%22:+1%7D HTTP/1.0\r\n\r\n", &len);
    char *want = expected_events(1, 0);
    cr_assert_str_eq(body_of(resp, "HTTP/1.1 200"), want);
    free(want);
    free(resp);
}

Test(mhd_threaded, body_over_the_limit)
{
    char *req = malloc(10000);
    int n = snprintf(req, 10000,
                     "POST / HTTP/1.0\r\nContent-Length: 5000\r\n\r\n{\"events\":1,\"x\":\"");
    memset(req + n, 'a', 5000 - 18);
    strcpy(req + n + 5000 - 18, "\"}");
    size_t len;
    char *resp = exchange(req, &len);
    cr_assert_str_eq(body_of(resp, "HTTP/1.1 413"), "too big");
    free(resp);
    free(req);
}

/* The client leaves: the writer gets STARCH_ECLOSED and stops. */
static void client_leaves(void)
{
    __atomic_store_n(&gone_seen, 0, __ATOMIC_SEQ_CST);
    int fd = dial();
    const char *req = "GET /?datastar=%7B%22until_gone%22:true,%22pad%22:1000,%22delay%22:200%7D "
                      "HTTP/1.0\r\n\r\n";
    cr_assert_eq(write(fd, req, strlen(req)), (ssize_t)strlen(req));
    char buf[256];
    cr_assert_gt(read(fd, buf, sizeof buf), 0);
    close(fd);
    for (int i = 0; i < 1000 && !__atomic_load_n(&gone_seen, __ATOMIC_SEQ_CST); i++)
        sleep_us(10000);
    cr_assert_eq(__atomic_load_n(&gone_seen, __ATOMIC_SEQ_CST), 1);
}

Test(mhd_threaded, client_leaves)
{
    client_leaves();
}

Test(mhd_polling, client_leaves)
{
    client_leaves();
}

/* A daemon that neither runs a thread per connection nor allows suspend/resume. */
Test(mhd_modes, start_refuses_a_daemon_without_suspend)
{
    start(MHD_USE_INTERNAL_POLLING_THREAD);
    size_t len;
    char *resp = exchange("GET /?datastar=%7B%7D HTTP/1.0\r\n\r\n", &len);
    cr_assert_str_eq(body_of(resp, "HTTP/1.1 500"), "no stream");
    free(resp);
    stop();
}
