/* tsan_mhd.c — the libmicrohttpd adapter (runtime/adapters/mhd.c) under ThreadSanitizer: a
 * loopback daemon in both of the adapter's modes (a thread per connection; an internal
 * polling thread with suspend/resume), 4 threads writing events to one starch_mhd_sse while
 * a plain socket client reads the stream. Each case checks the exact bytes (the body is
 * the 4 writers' events, each whole, interleaved only between events, each writer's in
 * order, all present, nothing else) and a clean end (HTTP/1.0: the server closes the
 * connection; HTTP/1.1: the last chunk); and a client that leaves: every writer gets
 * STARCH_ECLOSED. A data race makes TSan halt the executable (TSAN_OPTIONS halt_on_error=1, exit
 * code 66), which counts as a failure. */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <starch_mhd.h>

enum {
    WRITERS = 4,
    EVENTS = 120,      /* per writer */
    PAD_STEP = 2500,   /* event i of writer w has ((i * 7 + w) % 10) * PAD_STEP bytes of
                        * padding: up to 22500, several STARCH_OUT_CHUNKs */
    GONE_MAX = 100000, /* events a writer writes to a client that has left, at most */
};

static int case_no, failures;
static char why[512]; /* what went wrong in the current case */

static void report(const char *name, bool ok)
{
    printf("%s %d - %s\n", ok ? "ok" : "not ok", ++case_no, name);
    if (!ok)
        printf("# %s\n", why);
    fflush(stdout);
    failures += !ok;
    why[0] = '\0';
}

/* Records what went wrong (the first thing only); returns false. */
static bool fail(const char *fmt, ...)
{
    if (why[0] == '\0') {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, sizeof why, fmt, ap);
        va_end(ap);
    }
    return false;
}

static void sleep_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

/* ---- The events ---------------------------------------------------------------------- */

static char pads[WRITERS][10 * PAD_STEP]; /* pads[w]: writer w's letter (filled in main) */

static void fill_pads(void)
{
    for (int w = 0; w < WRITERS; w++)
        memset(pads[w], 'a' + w, sizeof pads[w]);
}

/* The signals of event i of writer w: {"w":W,"i":I,"pad":"..."}, the padding the
 * writer's letter, so that bytes of two writers mixed inside an event show. */
static void signals_json(starch_out *o, int w, int i)
{
    starch_out_init(o);
    starch_out_printf(o, "{\"w\":%d,\"i\":%d,\"pad\":\"", w, i);
    starch_out_write(o, pads[w], (size_t)((i * 7 + w) % 10) * PAD_STEP);
    starch_out_puts(o, "\"}");
}

/* The event as the client must see it (written here, not by starch_sse_*). */
static char *expected_event(int w, int i, size_t *len)
{
    starch_out json, o;
    signals_json(&json, w, i);
    starch_out_init(&o);
    starch_out_puts(&o, "event: datastar-patch-signals\ndata: signals ");
    starch_out_write(&o, starch_out_data(&json), starch_out_len(&json));
    starch_out_puts(&o, "\n\n");
    starch_out_free(&json);
    *len = starch_out_len(&o);
    char *s = malloc(*len);
    memcpy(s, starch_out_data(&o), *len);
    starch_out_free(&o);
    return s;
}

/* Whether body[0..n) is exactly the events of the WRITERS writers, each writer's EVENTS
 * in order, interleaved only between whole events. */
static bool events_whole(const char *body, size_t n)
{
    int next[WRITERS] = {0};
    size_t p = 0;
    while (p < n) {
        int who = -1;
        for (int w = 0; w < WRITERS && who < 0; w++) {
            if (next[w] == EVENTS)
                continue;
            size_t len;
            char *e = expected_event(w, next[w], &len);
            if (len <= n - p && memcmp(body + p, e, len) == 0) {
                who = w;
                p += len;
            }
            free(e);
        }
        if (who < 0)
            return fail("byte %zu of %zu: no writer's next event (%d %d %d %d) starts there: %.60s",
                        p, n, next[0], next[1], next[2], next[3], body + p);
        next[who]++;
    }
    for (int w = 0; w < WRITERS; w++)
        if (next[w] != EVENTS)
            return fail("writer %d: %d events of %d", w, next[w], EVENTS);
    return true;
}

/* ---- The server ----------------------------------------------------------------------- */

typedef struct server {
    struct MHD_Daemon *daemon;
    uint16_t port;
    pthread_mutex_t lock; /* guards what follows */
    pthread_cond_t changed;
    pthread_t job;
    bool job_started, job_done;
    bool writers_ok; /* every writer ended as it should (job_done) */
    char writers_why[128];
} server;

/* One stream and the threads that write it. */
typedef struct stream_job {
    server *srv;
    starch_mhd_sse *sse;
    bool until_gone; /* write until the client has left */
} stream_job;

typedef struct writer {
    stream_job *job;
    int who;
    bool ok;
    char why[96];
} writer;

/* Writes the writer's events, one lock/unlock each, pausing now and then (so that, when
 * polling, the queue empties and the connection is suspended and resumed). */
static void *write_events(void *arg)
{
    writer *wr = arg;
    starch_mhd_sse *sse = wr->job->sse;
    bool gone = wr->job->until_gone;
    wr->ok = !gone;
    for (int i = 0; gone ? i < GONE_MAX : i < EVENTS; i++) {
        starch_out json;
        signals_json(&json, wr->who, gone ? i % 4 : i);
        starch_out *out = starch_mhd_sse_lock(sse);
        int w = starch_sse_patch_signals(out, starch_out_data(&json), starch_out_len(&json), NULL,
                                         NULL);
        int rc = starch_mhd_sse_unlock(sse);
        starch_out_free(&json);
        if (gone && rc == STARCH_ECLOSED) {
            wr->ok = !starch_mhd_sse_alive(sse);
            if (!wr->ok)
                snprintf(wr->why, sizeof wr->why, "writer %d: alive after STARCH_ECLOSED", wr->who);
            break;
        }
        if (w < 0 || rc != 0 || (!gone && !starch_mhd_sse_alive(sse))) {
            wr->ok = false;
            snprintf(wr->why, sizeof wr->why, "writer %d, event %d: write %d, unlock %d, alive %d",
                     wr->who, i, w, rc, starch_mhd_sse_alive(sse));
            break;
        }
        if (gone || i % 4 == 0)
            sleep_us(gone ? 100 : 2000);
    }
    if (gone && !wr->ok && wr->why[0] == '\0')
        snprintf(wr->why, sizeof wr->why, "writer %d: no STARCH_ECLOSED", wr->who);
    return NULL;
}

/* Runs the stream's writers, closes the stream, and tells the server how they did. */
static void *run_job(void *arg)
{
    stream_job *job = arg;
    pthread_t t[WRITERS];
    writer w[WRITERS];
    for (int i = 0; i < WRITERS; i++) {
        w[i] = (writer){job, i, false, ""};
        pthread_create(&t[i], NULL, write_events, &w[i]);
    }
    bool ok = true;
    const char *bad = "";
    for (int i = 0; i < WRITERS; i++) {
        pthread_join(t[i], NULL);
        if (!w[i].ok && ok)
            bad = w[i].why;
        ok = ok && w[i].ok;
    }
    starch_mhd_sse_close(job->sse);
    server *srv = job->srv;
    pthread_mutex_lock(&srv->lock);
    srv->writers_ok = ok;
    snprintf(srv->writers_why, sizeof srv->writers_why, "%s", bad);
    srv->job_done = true;
    pthread_cond_broadcast(&srv->changed);
    pthread_mutex_unlock(&srv->lock);
    free(job);
    return NULL;
}

/* The access handler: signals {"until_gone": true} or {} say what the writers do. */
static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **req)
{
    (void)url;
    server *srv = cls;
    const starch_out *body;
    int r = starch_mhd_collect(req, upload, upload_size, 4096, &body);
    if (r == STARCH_MHD_MORE)
        return MHD_YES;
    starch_error err;
    json_t *sig = r == 0 ? starch_mhd_signals(c, method, body, &err) : NULL;
    if (sig == NULL)
        return MHD_NO; /* the client sees the connection close: its case fails */
    stream_job *job = calloc(1, sizeof *job);
    job->srv = srv;
    job->until_gone = json_is_true(json_object_get(sig, "until_gone"));
    json_decref(sig);
    job->sse = starch_mhd_sse_start(c, version);
    if (job->sse == NULL) {
        free(job);
        return MHD_NO;
    }
    pthread_mutex_lock(&srv->lock);
    bool started = srv->job_started = pthread_create(&srv->job, NULL, run_job, job) == 0;
    pthread_mutex_unlock(&srv->lock);
    if (!started) {
        starch_mhd_sse_close(job->sse);
        free(job);
    }
    return MHD_YES;
}

/* Starts a daemon on 127.0.0.1, any port. */
static bool start(server *srv, unsigned flags)
{
    memset(srv, 0, sizeof *srv);
    pthread_mutex_init(&srv->lock, NULL);
    pthread_cond_init(&srv->changed, NULL);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    srv->daemon =
        MHD_start_daemon(flags, 0, NULL, NULL, handle, srv, MHD_OPTION_SOCK_ADDR, &a,
                         MHD_OPTION_NOTIFY_COMPLETED, starch_mhd_completed, NULL, MHD_OPTION_END);
    if (srv->daemon == NULL)
        return fail("MHD_start_daemon failed");
    srv->port = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT)->port;
    return true;
}

/* Waits (60 s at most) for the stream's job to end and joins its thread; whether its
 * writers did as they should. */
static bool job_finished(server *srv)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 60;
    pthread_mutex_lock(&srv->lock);
    while (!srv->job_done && pthread_cond_timedwait(&srv->changed, &srv->lock, &deadline) == 0)
        ;
    bool started = srv->job_started, done = srv->job_done, ok = srv->writers_ok;
    pthread_mutex_unlock(&srv->lock);
    if (!started)
        return fail("no stream was started");
    if (!done)
        return fail("the writers did not finish in 60 s");
    pthread_join(srv->job, NULL);
    return ok || fail("%s", srv->writers_why);
}

static void stop(server *srv)
{
    if (srv->daemon)
        MHD_stop_daemon(srv->daemon);
    pthread_mutex_destroy(&srv->lock);
    pthread_cond_destroy(&srv->changed);
}

/* ---- The client ----------------------------------------------------------------------- */

/* A received response: its bytes so far, NUL-terminated. */
typedef struct response {
    char *b;
    size_t n, cap;
} response;

static int dial(uint16_t port, const char *request)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {60, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    size_t len = strlen(request);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        write(fd, request, len) != (ssize_t)len) {
        fail("connect or write: %s", strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* Reads what comes (up to 64 KB); returns read's result (0: the server closed, -1 and
 * errno: an error or the time limit). */
static ssize_t receive(int fd, response *r)
{
    if (r->cap - r->n < (1 << 16) + 1) {
        r->cap = r->cap ? 2 * r->cap : 1 << 20;
        r->b = realloc(r->b, r->cap);
    }
    ssize_t k;
    while ((k = read(fd, r->b + r->n, 1 << 16)) < 0 && errno == EINTR)
        ;
    if (k > 0)
        r->n += (size_t)k;
    r->b[r->n] = '\0';
    return k;
}

/* The start of the body after checking the status and headers, or NULL. */
static const char *body_start(const response *r, const char *header)
{
    const char *end = strstr(r->b, "\r\n\r\n");
    if (strncmp(r->b, "HTTP/1.1 200 ", 13) != 0 || end == NULL) {
        fail("not a 200 response: %.80s", r->b);
        return NULL;
    }
    size_t head = (size_t)(end - r->b) + 2;
    const char *want[] = {"\r\nContent-Type: text/event-stream\r\n", header};
    for (int i = 0; i < 2; i++) {
        const char *h = strstr(r->b, want[i]);
        if (h == NULL || (size_t)(h - r->b) >= head) {
            fail("no '%.40s' in %.*s", want[i] + 2, (int)head, r->b);
            return NULL;
        }
    }
    return end + 4;
}

/* Decodes the chunked body b[0..n) into out (room for n bytes). Returns 1 once the last
 * chunk and the end of the (empty) trailer are in, with *end just after them, 0 while more
 * is needed, -1 when malformed. */
static int dechunk(const char *b, size_t n, char *out, size_t *out_len, size_t *end)
{
    size_t p = 0, o = 0;
    for (;;) {
        const char *crlf = NULL;
        for (size_t i = p; i + 1 < n && crlf == NULL; i++)
            if (b[i] == '\r' && b[i + 1] == '\n')
                crlf = b + i;
        if (crlf == NULL)
            return 0;
        char *e;
        unsigned long size = strtoul(b + p, &e, 16);
        if (e == b + p || e != crlf)
            return -1;
        p = (size_t)(crlf - b) + 2;
        if (n - p < size + 2)
            return 0;
        if (b[p + size] != '\r' || b[p + size + 1] != '\n')
            return -1;
        memcpy(out + o, b + p, size);
        o += size;
        p += size + 2;
        if (size == 0) {
            *out_len = o;
            *end = p;
            return 1;
        }
    }
}

/* HTTP/1.0: the body is everything until the server closes the connection. */
static bool read_http10(server *srv)
{
    int fd = dial(srv->port, "GET /?datastar=%7B%7D HTTP/1.0\r\n\r\n");
    if (fd < 0)
        return false;
    response r = {NULL, 0, 0};
    ssize_t k;
    while ((k = receive(fd, &r)) > 0)
        ;
    close(fd);
    bool ok = k == 0 || fail("read: %s after %zu bytes", strerror(errno), r.n);
    const char *body = ok ? body_start(&r, "\r\nConnection: close\r\n") : NULL;
    ok = body && events_whole(body, r.n - (size_t)(body - r.b));
    free(r.b);
    return ok;
}

/* HTTP/1.1: a chunked body, ended by the last chunk; nothing after it. */
static bool read_http11(server *srv)
{
    int fd = dial(srv->port, "GET /?datastar=%7B%7D HTTP/1.1\r\nHost: x\r\n\r\n");
    if (fd < 0)
        return false;
    response r = {NULL, 0, 0};
    char *events = NULL;
    size_t off = 0, events_len = 0, end = 0; /* off: where the body starts, once known */
    int done = 0;
    while (done == 0) {
        ssize_t k = receive(fd, &r);
        if (k <= 0) {
            fail("read: %s after %zu bytes", k ? strerror(errno) : "closed", r.n);
            break;
        }
        if (off == 0 && strstr(r.b, "\r\n\r\n")) {
            const char *body = body_start(&r, "\r\nTransfer-Encoding: chunked\r\n");
            if (body == NULL)
                break;
            off = (size_t)(body - r.b);
        }
        if (off > 0) {
            events = realloc(events, r.n - off + 1);
            done = dechunk(r.b + off, r.n - off, events, &events_len, &end);
        }
    }
    close(fd);
    bool ok = done == 1 || (done < 0 && fail("malformed chunks"));
    ok = ok && (off + end == r.n || fail("%zu bytes after the last chunk", r.n - off - end));
    if (ok)
        events[events_len] = '\0';
    ok = ok && events_whole(events, events_len);
    free(events);
    free(r.b);
    return ok;
}

/* The client reads a little of the stream and leaves. */
static bool leave_early(server *srv)
{
    int fd = dial(srv->port, "GET /?datastar=%7B%22until_gone%22:true%7D HTTP/1.0\r\n\r\n");
    if (fd < 0)
        return false;
    response r = {NULL, 0, 0};
    ssize_t k = 1;
    while (k > 0 && r.n < 20000)
        k = receive(fd, &r);
    bool ok = k > 0 || fail("read: %s after %zu bytes", k ? strerror(errno) : "closed", r.n);
    close(fd);
    ok = ok && body_start(&r, "\r\nConnection: close\r\n");
    free(r.b);
    return ok;
}

/* ---- The cases ------------------------------------------------------------------------ */

static void run_case(const char *name, unsigned flags, bool (*client)(server *))
{
    server srv;
    bool ok = start(&srv, flags);
    if (ok) {
        ok = client(&srv);
        ok = job_finished(&srv) && ok;
    }
    stop(&srv);
    report(name, ok);
}

int main(void)
{
    const unsigned threaded = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
    const unsigned polling = MHD_USE_INTERNAL_POLLING_THREAD | MHD_ALLOW_SUSPEND_RESUME;
    fill_pads();
    printf("1..6\n");
    run_case("mhd, thread per connection: 4 writers, HTTP/1.0, every event whole, then closed",
             threaded, read_http10);
    run_case("mhd, thread per connection: 4 writers, HTTP/1.1, every event whole, last chunk",
             threaded, read_http11);
    run_case("mhd, polling + suspend/resume: 4 writers, HTTP/1.0, every event whole, then closed",
             polling, read_http10);
    run_case("mhd, polling + suspend/resume: 4 writers, HTTP/1.1, every event whole, last chunk",
             polling, read_http11);
    run_case("mhd, thread per connection: the client leaves, every writer gets STARCH_ECLOSED",
             threaded, leave_early);
    run_case("mhd, polling + suspend/resume: the client leaves, every writer gets STARCH_ECLOSED",
             polling, leave_early);
    return failures ? 1 : 0;
}
