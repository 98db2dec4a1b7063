/* mhd.c — the libmicrohttpd adapter (see starch_mhd.h).
 *
 * An SSE stream is a byte queue between the application's writers and libmicrohttpd's
 * content reader callback. Writers take `writer` for a whole event (so events never
 * interleave), write into `out`, whose flush callback appends to the queue under `lock`.
 * The reader copies from the queue; when it is empty it waits on `ready` (thread per
 * connection) or suspends the connection, which the next push resumes. The stream is
 * freed when both the application (starch_mhd_sse_close) and libmicrohttpd (the
 * response's free callback) are done with it. */
#include "starch_mhd.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- Request bodies --------------------------------------------------------------- */

/* What starch_mhd_collect keeps in *req. */
typedef struct Request {
    starch_out body;
    bool too_big;
} Request;

int starch_mhd_collect(void **req, const char *upload, size_t *upload_size, size_t max,
                       const starch_out **body)
{
    Request *r = *req;
    if (r == NULL) { /* first call: the headers are in */
        r = calloc(1, sizeof *r);
        if (r == NULL)
            return STARCH_ENOMEM;
        starch_out_init(&r->body);
        *req = r;
        return STARCH_MHD_MORE;
    }
    if (*upload_size > 0) {
        if (r->too_big || *upload_size > max - starch_out_len(&r->body))
            r->too_big = true; /* keep reading, to answer once the request is in */
        else
            starch_out_write(&r->body, upload, *upload_size);
        *upload_size = 0;
        return STARCH_MHD_MORE;
    }
    if (r->too_big)
        return STARCH_ETOOBIG;
    if (starch_out_error(&r->body))
        return STARCH_ENOMEM;
    *body = &r->body;
    return STARCH_OK;
}

void starch_mhd_request_free(void **req)
{
    Request *r = *req;
    if (r) {
        starch_out_free(&r->body);
        free(r);
        *req = NULL;
    }
}

void starch_mhd_completed(void *cls, struct MHD_Connection *c, void **req,
                          enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    starch_mhd_request_free(req);
}

struct json_t *starch_mhd_signals(struct MHD_Connection *c, const char *method,
                                  const starch_out *body, starch_error *err)
{
    const char *m = method ? method : "";
    if (strcmp(m, "GET") == 0 || strcmp(m, "DELETE") == 0) {
        const char *v = NULL;
        size_t n = 0;
        if (MHD_lookup_connection_value_n(c, MHD_GET_ARGUMENT_KIND, "datastar", 8, &v, &n) !=
                MHD_YES ||
            v == NULL)
            return starch_signals_from_query("", 0, err); /* reports the missing parameter */
        return starch_signals_from_json(v, n, err);
    }
    const char *data = body ? starch_out_data(body) : NULL;
    return starch_signals_read(m, NULL, 0, data, body ? starch_out_len(body) : 0, err);
}

/* ---- SSE streams ------------------------------------------------------------------ */

struct starch_mhd_sse {
    pthread_mutex_t writer; /* held by the application from lock to unlock */
    pthread_mutex_t lock;   /* guards everything below */
    pthread_cond_t ready;   /* the queue has bytes, or the stream is closed or gone */
    pthread_cond_t space;   /* the queue has room, or the client is gone */
    starch_out out;         /* what the writer writes; flushes into the queue */
    char *q;                /* the queue: bytes q[off..len) wait for the client */
    size_t off, len, cap;
    struct MHD_Connection *conn;
    bool blocking;  /* thread per connection: the reader waits on `ready` */
    bool suspended; /* the reader suspended the connection: a push resumes it */
    bool closed;    /* the application closed the stream */
    bool broken;    /* ... and asked for the response to end as failed (sse_break) */
    bool gone;      /* libmicrohttpd is done with the response (sent, or client gone) */
    int refs;       /* the application's and libmicrohttpd's */
};

/* Drops one reference; frees the stream with the last. */
static void unref(starch_mhd_sse *s)
{
    pthread_mutex_lock(&s->lock);
    bool last = --s->refs == 0;
    pthread_mutex_unlock(&s->lock);
    if (!last)
        return;
    pthread_mutex_destroy(&s->writer);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->ready);
    pthread_cond_destroy(&s->space);
    starch_out_free(&s->out);
    free(s->q);
    free(s);
}

/* Appends data to the queue (lock held). */
static int enqueue(starch_mhd_sse *s, const char *data, size_t len)
{
    if (s->off > 0 && s->off == s->len)
        s->off = s->len = 0;
    if (s->cap - s->len < len) {
        size_t keep = s->len - s->off; /* move the unread bytes to the front first */
        if (keep > 0)
            memmove(s->q, s->q + s->off, keep);
        s->off = 0;
        s->len = keep;
        size_t cap = s->cap ? s->cap : 4096;
        while (cap - keep < len)
            cap *= 2;
        if (cap != s->cap) {
            char *q = realloc(s->q, cap);
            if (q == NULL)
                return STARCH_ENOMEM;
            s->q = q;
            s->cap = cap;
        }
    }
    memcpy(s->q + s->len, data, len);
    s->len += len;
    return STARCH_OK;
}

/* Flush callback of s->out: queues the bytes for the client and wakes the reader. */
static int push(void *ctx, const char *data, size_t len)
{
    starch_mhd_sse *s = ctx;
    pthread_mutex_lock(&s->lock);
    while (!s->gone && s->len - s->off > STARCH_MHD_QUEUE_MAX)
        pthread_cond_wait(&s->space, &s->lock);
    int rc = s->gone ? STARCH_ECLOSED : enqueue(s, data, len);
    bool resume = rc == 0 && s->suspended;
    s->suspended = false;
    pthread_cond_signal(&s->ready);
    pthread_mutex_unlock(&s->lock);
    if (resume) /* outside the lock: MHD may take its own locks */
        MHD_resume_connection(s->conn);
    return rc;
}

/* The content reader: copies queued bytes, waits (or suspends) when there are none,
 * ends the response once the stream is closed and drained. */
static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    starch_mhd_sse *s = cls;
    pthread_mutex_lock(&s->lock);
    while (s->off == s->len && !s->closed) {
        if (!s->blocking) {
            s->suspended = true;
            MHD_suspend_connection(s->conn);
            pthread_mutex_unlock(&s->lock);
            return 0;
        }
        pthread_cond_wait(&s->ready, &s->lock);
    }
    size_t n = s->len - s->off;
    if (n == 0) {
        bool broken = s->broken;
        pthread_mutex_unlock(&s->lock);
        return broken ? MHD_CONTENT_READER_END_WITH_ERROR : MHD_CONTENT_READER_END_OF_STREAM;
    }
    n = n < max ? n : max;
    memcpy(buf, s->q + s->off, n);
    s->off += n;
    pthread_cond_broadcast(&s->space);
    pthread_mutex_unlock(&s->lock);
    return (ssize_t)n;
}

/* The response's free callback: libmicrohttpd is done with the stream. */
static void reader_done(void *cls)
{
    starch_mhd_sse *s = cls;
    pthread_mutex_lock(&s->lock);
    s->gone = true;
    pthread_cond_broadcast(&s->space);
    pthread_mutex_unlock(&s->lock);
    unref(s);
}

static starch_mhd_sse *sse_new(struct MHD_Connection *c, bool blocking)
{
    starch_mhd_sse *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    pthread_mutex_init(&s->writer, NULL);
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->ready, NULL);
    pthread_cond_init(&s->space, NULL);
    starch_out_init(&s->out);
    starch_out_set_flush(&s->out, push, s);
    s->conn = c;
    s->blocking = blocking;
    s->refs = 2;
    return s;
}

/* Whether the connection's daemon runs a thread per connection (1), allows
 * suspend/resume (0), or neither (-1). */
static int daemon_mode(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_DAEMON);
    const union MHD_DaemonInfo *di =
        ci ? MHD_get_daemon_info(ci->daemon, MHD_DAEMON_INFO_FLAGS) : NULL;
    if (di == NULL)
        return -1;
    if (di->flags & MHD_USE_THREAD_PER_CONNECTION)
        return 1;
    return (di->flags & MHD_ALLOW_SUSPEND_RESUME) == MHD_ALLOW_SUSPEND_RESUME ? 0 : -1;
}

starch_mhd_sse *starch_mhd_sse_start(struct MHD_Connection *c, const char *version)
{
    int mode = daemon_mode(c);
    if (mode < 0)
        return NULL;
    starch_mhd_sse *s = sse_new(c, mode == 1);
    if (s == NULL)
        return NULL;
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, reader, s, reader_done);
    if (r == NULL) {
        s->refs = 1;
        unref(s);
        return NULL;
    }
    /* libmicrohttpd manages the Connection header itself and refuses `keep-alive`, which
     * is HTTP/1.1's default anyway: the other headers are added, Connection is left to it. */
    starch_header h[3];
    size_t n = starch_sse_headers(version, h);
    bool ok = true;
    for (size_t i = 0; i < n; i++)
        if (strcmp(h[i].name, "Connection") != 0)
            ok = ok && MHD_add_response_header(r, h[i].name, h[i].value) == MHD_YES;
    ok = ok && MHD_queue_response(c, MHD_HTTP_OK, r) == MHD_YES;
    MHD_destroy_response(r); /* queued: MHD holds it; else this calls reader_done */
    if (!ok) {
        starch_mhd_sse_close(s);
        return NULL;
    }
    return s;
}

starch_out *starch_mhd_sse_lock(starch_mhd_sse *s)
{
    pthread_mutex_lock(&s->writer);
    return &s->out;
}

int starch_mhd_sse_unlock(starch_mhd_sse *s)
{
    int rc = starch_out_flush(&s->out);
    pthread_mutex_unlock(&s->writer);
    return rc;
}

bool starch_mhd_sse_alive(starch_mhd_sse *s)
{
    pthread_mutex_lock(&s->lock);
    bool alive = !s->gone;
    pthread_mutex_unlock(&s->lock);
    return alive;
}

/* Ends the stream once its queue is sent: cleanly, or (broken) as a failed response. */
static void finish(starch_mhd_sse *s, bool broken)
{
    pthread_mutex_lock(&s->writer); /* after any event being written */
    pthread_mutex_lock(&s->lock);
    s->closed = true;
    s->broken = broken;
    bool resume = s->suspended && !s->gone;
    s->suspended = false;
    pthread_cond_signal(&s->ready);
    pthread_mutex_unlock(&s->lock);
    pthread_mutex_unlock(&s->writer);
    if (resume)
        MHD_resume_connection(s->conn);
    unref(s);
}

void starch_mhd_sse_close(starch_mhd_sse *s)
{
    finish(s, false);
}

void starch_mhd_sse_break(starch_mhd_sse *s)
{
    finish(s, true);
}
