/* starch_mhd.h — Datastar on libmicrohttpd (libstarch_mhd, built when libmicrohttpd is
 * found): an SSE response that streams events written from any thread, and the signals of
 * a request. A layer of its own, on starch_json.h (signals) and libmicrohttpd.
 *
 *   static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
 *                                 const char *method, const char *version,
 *                                 const char *upload, size_t *upload_size, void **req)
 *   {
 *       const starch_out *body;
 *       int r = starch_mhd_collect(req, upload, upload_size, 1 << 20, &body);
 *       if (r == STARCH_MHD_MORE)
 *           return MHD_YES;                        // the body is still arriving
 *       starch_error err;
 *       json_t *signals = r == STARCH_OK ? starch_mhd_signals(c, method, body, &err) : NULL;
 *       if (signals == NULL)
 *           return my_respond_400(c, r == STARCH_OK ? err.message : "body too large");
 *       starch_mhd_sse *sse = starch_mhd_sse_start(c, version);   // 200, SSE headers
 *       // ... now or later, in this thread or any other:
 *       starch_out *out = starch_mhd_sse_lock(sse);
 *       starch_sse_patch_signals(out, "{\"count\":1}", 11, NULL, NULL);
 *       int rc = starch_mhd_sse_unlock(sse);  // STARCH_ECLOSED once the client has left
 *       starch_mhd_sse_close(sse);                  // the response ends when sent
 *       json_decref(signals);
 *       return MHD_YES;
 *   }
 *
 *   MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, port,
 *                    NULL, NULL, handle, NULL,
 *                    MHD_OPTION_NOTIFY_COMPLETED, starch_mhd_completed, NULL, MHD_OPTION_END);
 *
 * Daemon modes: with MHD_USE_THREAD_PER_CONNECTION the response waits for events on its
 * connection's thread; in every other mode the daemon needs MHD_ALLOW_SUSPEND_RESUME (the
 * connection is suspended while there is nothing to send). Close every stream before
 * MHD_stop_daemon: a stream waiting for events keeps its connection open.
 *
 * Many long-lived streams fed by the SSE hub (starch_events.h) need no starch_mhd_sse:
 * in MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME mode, a content reader
 * polls a hub client (starch_client_poll) whose waker suspends the connection
 * (MHD_suspend_connection, from the reader) and resumes it (MHD_resume_connection, from
 * the publishing thread); the waker's ctx, the connection, is valid until the response's
 * free callback, which closes the client (docs/runtime.md, examples/todo/live.c).
 */
#ifndef STARCH_MHD_H
#define STARCH_MHD_H

#include <microhttpd.h>

#include "starch_json.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================================
 * Request bodies
 * ====================================================================================== */

/** starch_mhd_collect: the request is still arriving; return MHD_YES from the handler.
 *  (Not a starch_status: no status has this value.) */
#define STARCH_MHD_MORE (-1)

/** Collects the request body across the access handler's calls; req is the handler's
 *  `void **req_cls` (the adapter keeps its state there). Returns STARCH_MHD_MORE while
 *  the request is arriving, then STARCH_OK with *body set to the whole body (empty, never
 *  NULL, for a request without one; valid until the request completes), or once the
 *  request is in STARCH_ETOOBIG (the body was larger than max and was discarded) or
 *  STARCH_ENOMEM. Free the state with starch_mhd_completed
 *  (as MHD_OPTION_NOTIFY_COMPLETED) or starch_mhd_request_free. */
int starch_mhd_collect(void **req, const char *upload, size_t *upload_size, size_t max,
                       const starch_out **body);

/** Frees what starch_mhd_collect keeps in *req and sets it to NULL. */
void starch_mhd_request_free(void **req);

/** An MHD_RequestCompletedCallback that calls starch_mhd_request_free(req). */
void starch_mhd_completed(void *cls, struct MHD_Connection *c, void **req,
                          enum MHD_RequestTerminationCode toe);

/** Reads the request's Datastar signals (see starch_signals_read): the `datastar` query
 *  argument (as libmicrohttpd decoded it) for GET and DELETE, body for POST, PUT and
 *  PATCH (body may be NULL for the others). Returns a new JSON object (json_decref it) or
 *  NULL with err filled. */
struct json_t *starch_mhd_signals(struct MHD_Connection *c, const char *method,
                                  const starch_out *body, starch_error *err);

/* ======================================================================================
 * SSE responses
 * ====================================================================================== */

/** One client's event stream. Opaque; every function below is thread-safe. */
typedef struct starch_mhd_sse starch_mhd_sse;

/** Bytes an SSE stream queues for a slow client before starch_mhd_sse_unlock waits. */
#define STARCH_MHD_QUEUE_MAX (1u << 20)

/** Queues a 200 response with the SSE headers (starch_sse_headers(version); libmicrohttpd
 *  refuses `Connection: keep-alive` and keeps HTTP/1.1 connections open by itself) whose
 *  body is the events written to the stream; call it from the access handler. Returns the stream,
 *  or NULL (nothing queued) when out of memory, when MHD refuses the response, or when
 *  the daemon neither runs a thread per connection nor allows suspend/resume. The caller
 *  owns the stream until starch_mhd_sse_close. */
starch_mhd_sse *starch_mhd_sse_start(struct MHD_Connection *c, const char *version);

/** Takes the stream for writing (waiting for another writer to unlock) and returns the
 *  starch_out to write events to with the starch_sse_* functions. Never NULL. */
starch_out *starch_mhd_sse_lock(starch_mhd_sse *s);

/** Hands what was written since starch_mhd_sse_lock to the client and releases the
 *  stream. Events from different lock/unlock pairs never interleave. Waits while more
 *  than STARCH_MHD_QUEUE_MAX bytes are queued. Returns STARCH_OK, STARCH_ECLOSED once the
 *  client has gone (sticky: then close the stream), or STARCH_ENOMEM. */
int starch_mhd_sse_unlock(starch_mhd_sse *s);

/** Whether the client is still connected (as far as the server knows). */
bool starch_mhd_sse_alive(starch_mhd_sse *s);

/** Ends the stream: the response finishes once the queued events are sent. Releases the
 *  caller's hold: s must not be used afterwards. Not while holding the lock. */
void starch_mhd_sse_close(starch_mhd_sse *s);

/** Ends the stream as starch_mhd_sse_close does, but as a failed response: once the queued
 *  events are sent the connection is cut without the end of the body (no last chunk), so
 *  the browser sees a network error, not a stream the server ended. Datastar's client
 *  reconnects after an error (retry mode 'auto', 'error', 'always') but not after a clean
 *  end: a server that shuts down breaks its streams so that pages come back to another
 *  instance, or to this one restarted. Releases the caller's hold as close does. */
void starch_mhd_sse_break(starch_mhd_sse *s);

#ifdef __cplusplus
}
#endif

#endif /* STARCH_MHD_H */
