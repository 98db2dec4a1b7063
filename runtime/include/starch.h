/* starch.h — the starch runtime's core (libstarch): the application's API.
 *
 * What a program that renders templates uses: string types, output buffers, HTML
 * escaping, the status codes and error record every layer shares, entity descriptors and
 * their JSON form, and Datastar server-sent events. It needs libc and libm only.
 *
 * The other headers build on this one, one per layer (docs/runtime.md):
 *   starch_gen.h       what only generated code calls (writers, dispatch macros); not
 *                      for applications, and never included from here;
 *   starch_json.h      JSON reading and Datastar signals (libstarch_json, jansson);
 *   starch_markdown.h  Markdown at run time (libstarch_markdown, libcmark);
 *   starch_events.h    the event bus, the SSE hub and the memory repository
 *                      (libstarch_events, pthreads);
 *   starch_sqlite.h    the SQLite repository (libstarch_sqlite, SQLite);
 *   starch_mhd.h       the libmicrohttpd adapter (libstarch_mhd).
 *
 * The header is self-contained strict C11. Nothing here allocates behind the caller's
 * back except where a function says so; no function calls exit() or abort(). Errors are
 * values, one convention for every layer (see "Errors" below).
 */
#ifndef STARCH_H
#define STARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define STARCH_VERSION "0.1.0"

#if defined(__GNUC__) || defined(__clang__)
#define STARCH_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define STARCH_PRINTF(fmt, args)
#endif

/* ======================================================================================
 * Strings
 *
 *   starch_str   s = STARCH_STR("literal");       // pointer + length, not NUL-terminated
 *   starch_str   t = starch_str_from(getenv("X")); // NULL becomes the empty string
 *   starch_html  h = starch_html_trusted(buf, n);  // HTML the application vouches for
 * ====================================================================================== */

/** A byte string: pointer and length. Interpolated as its bytes, escaped for the context. */
typedef struct starch_str {
    const char *ptr;
    size_t len;
} starch_str;

/** Trusted HTML: written unescaped in HTML text, escaped like a string in any other context. */
typedef struct starch_html {
    const char *ptr;
    size_t len;
} starch_html;

/** A starch_str for a string literal (length known at compile time). */
#define STARCH_STR(lit) ((starch_str){"" lit, sizeof(lit) - 1})

/** A starch_str over a NUL-terminated string; NULL gives the empty string. Does not copy. */
static inline starch_str starch_str_from(const char *s)
{
    starch_str r = {s ? s : "", s ? strlen(s) : 0};
    return r;
}

/** Marks ptr[0..len) as trusted HTML. Does not copy; ptr may be NULL only when len is 0. */
static inline starch_html starch_html_trusted(const char *ptr, size_t len)
{
    starch_html r = {ptr ? ptr : "", ptr ? len : 0};
    return r;
}

/* ======================================================================================
 * Errors: one convention for every layer
 *
 *   starch_error err;
 *   if (starch_entity_from_json_text(&Todo_type, &todo, body, len, 0, &err) != STARCH_OK)
 *       fprintf(stderr, "%s\n", err.message);   // "todo.tags[2]: expected string, got number"
 *
 * A function that can fail returns a starch_status (0 = STARCH_OK) and, when given a
 * non-NULL starch_error, fills it with the same code and a one-line message saying what
 * failed; on success it leaves err alone. The message lives in the struct: nothing to
 * free. This is SQLite's rc + errmsg. Functions that return a pointer return NULL on
 * failure and fill err the same way. The one exception is the hot path: the writes to a
 * starch_out return nothing and keep the first failure in the buffer, a sticky status
 * read once at the end (starch_out_error).
 * ====================================================================================== */

/** Status codes of every layer. */
typedef enum starch_status {
    STARCH_OK = 0,
    STARCH_ENOMEM,    /* out of memory */
    STARCH_EJSON,     /* the input is not JSON (line and column in the error) */
    STARCH_ETYPE,     /* a value has the wrong type (a JSON value for its field, signals
                       * that are not an object) */
    STARCH_EMISSING,  /* something required is absent (a field in strict reading, the
                       * `datastar` query parameter) */
    STARCH_ENOTFOUND, /* no entity has that id; not subscribed */
    STARCH_EINVAL,    /* a bad argument: unknown field, wrong key kind, NULL entity, an SSE
                       * option out of range, a method that carries no signals, ... */
    STARCH_EDB,       /* the database failed; the message has the database's words */
    STARCH_ECLOSED,   /* the bus, hub, client or peer is gone or shut down (or the client
                       * was dropped) */
    STARCH_ETIMEOUT,  /* nothing arrived in time */
    STARCH_EIO,       /* a flush callback failed to pass the bytes on */
    STARCH_ETOOBIG,   /* more than a limit allows (a request body) */
} starch_status;

/** An error: the status and a message naming what failed (a field path for JSON), one
 *  line (control characters quoted from the input become spaces). For STARCH_EJSON,
 *  line, column (1-based, in characters) and offset (in bytes) say where in the JSON
 *  text; they are 0 otherwise. */
typedef struct starch_error {
    int code;
    int line;
    int column;
    size_t offset;
    char message[256];
} starch_error;

/** A short name of a status code ("STARCH_ETYPE"); never NULL. */
const char *starch_status_name(int code);

/** A general message for a status code ("out of memory"); never NULL. The message of a
 *  starch_error says more. */
const char *starch_strerror(int code);

/* ======================================================================================
 * Output buffers
 *
 *   starch_out out;
 *   starch_out_init(&out);                 // no allocation yet
 *   todo_TodoList(&out, todos, n, NULL);   // a generated renderer
 *   if (starch_out_error(&out) == STARCH_OK)
 *       fwrite(starch_out_data(&out), 1, starch_out_len(&out), stdout);
 *   starch_out_clear(&out);                // reuse: length 0, capacity kept
 *   starch_out_free(&out);
 *
 * A starch_out is a growable byte buffer (growth 1.5x). Appends return void: the first
 * allocation or flush failure is remembered (starch_out_error) and every later write is a
 * no-op, so a renderer checks once, at the end. With a flush callback set, the buffer is
 * handed to the callback whenever it would otherwise grow past its chunk size, so a page
 * streams out in chunks of bounded size.
 * ====================================================================================== */

/** Flush callback: consume data[0..len). Return STARCH_OK, or the starch_status of the
 *  failure (STARCH_ECLOSED when the peer has gone, STARCH_EIO otherwise); any other
 *  non-zero value is taken as STARCH_EIO. */
typedef int (*starch_flush_fn)(void *ctx, const char *data, size_t len);

/** The output buffer. Fields are public for the inline fast paths; use the functions. */
typedef struct starch_out {
    char *data;            /* never NULL; not NUL-terminated (see starch_out_cstr) */
    size_t len;            /* bytes written */
    size_t cap;            /* bytes allocated at data (0 while data is the static empty) */
    int err;               /* sticky: STARCH_OK, or the starch_status of the first failure */
    starch_flush_fn flush; /* optional streaming callback */
    void *flush_ctx;
    bool borrowed; /* data is the caller's memory (starch_out_init_buffer) */
} starch_out;

/** Chunk size of a streaming buffer: with a flush callback, data is flushed at this size. */
#define STARCH_OUT_CHUNK 8192

/** Initialises an empty buffer. Does not allocate. */
void starch_out_init(starch_out *out);

/** Initialises an empty buffer that writes into buf[0..size) (the caller's memory, e.g. on
 *  the stack) until it needs more; then it moves to the heap like any buffer. With a flush
 *  callback and size >= STARCH_OUT_CHUNK, a stream never allocates. buf must outlive the
 *  buffer's use of it. */
void starch_out_init_buffer(starch_out *out, char *buf, size_t size);

/** Frees the buffer's memory; out is left initialised and empty. The flush callback is
 *  not called: call starch_out_flush first when streaming. */
void starch_out_free(starch_out *out);

/** Sets the length to 0 and the error to 0, keeping the capacity for the next render. */
void starch_out_clear(starch_out *out);

/** The bytes written so far; never NULL. Not NUL-terminated: use with starch_out_len. */
const char *starch_out_data(const starch_out *out);

/** The number of bytes written so far (since the last clear or flush). */
size_t starch_out_len(const starch_out *out);

/** STARCH_OK, or the status of the first failure: STARCH_ENOMEM, the flush callback's
 *  status, or STARCH_EINVAL when vsnprintf fails in a printf-style write (a wide character
 *  that does not convert, over INT_MAX bytes). Sticky until starch_out_clear; every write
 *  after a failure is a no-op. */
int starch_out_error(const starch_out *out);

/** Sets (or, with flush NULL, removes) the streaming callback. With a callback, the buffer
 *  flushes its contents whenever a write would need more than STARCH_OUT_CHUNK bytes (or
 *  the capacity already held, if larger), instead of growing. */
void starch_out_set_flush(starch_out *out, int (*flush)(void *ctx, const char *data, size_t len),
                          void *ctx);

/** Hands what is buffered to the flush callback now (no-op without a callback or when
 *  empty). Returns starch_out_error(out). */
int starch_out_flush(starch_out *out);

/** Appends data[0..len). */
void starch_out_write(starch_out *out, const char *data, size_t len);

/** Appends a NUL-terminated string; NULL appends nothing. */
void starch_out_puts(starch_out *out, const char *s);

/** Appends printf-formatted text. */
void starch_out_printf(starch_out *out, const char *fmt, ...) STARCH_PRINTF(2, 3);

/** Returns the data NUL-terminated (the NUL is not counted in the length); "" on error. */
const char *starch_out_cstr(starch_out *out);

/* ======================================================================================
 * Escaping
 *
 * HTML escaping (text, attribute values) writes & < > " ' as &amp; &lt; &gt; &#34; &#39;
 * and copies every other byte unchanged, invalid UTF-8 included.
 * ====================================================================================== */

/** Appends s[0..len) HTML-escaped. */
void starch_escape_html(starch_out *out, const char *s, size_t len);

/** Whether a URL may be written where a URL starts: relative, or with the scheme http,
 *  https, mailto or tel, after the browser's normalisation (leading C0 controls and spaces
 *  dropped, tab and line breaks removed, case folded). */
bool starch_url_is_safe(const char *s, size_t len);

/* ======================================================================================
 * Entities
 *
 * `{% entity Todo %} id: int  title: string  done: bool  tags: string[]  owner: User {% end %}`
 * generates, in todo.starch.h:
 *
 *   typedef struct Todo Todo;
 *   struct Todo {
 *       int64_t id; char *title; bool done; char **tags; size_t tags_count; User owner;
 *   };
 *   extern const starch_entity_type Todo_type;
 *   void Todo_clear(Todo *t);
 *
 * and, in todo.starch.c, the descriptor as a constant initializer:
 *
 *   static const starch_field Todo_fields[] = {
 *       {.name = "id", .kind = STARCH_KIND_INT, .offset = offsetof(Todo, id)},
 *       {.name = "title", .kind = STARCH_KIND_STRING, .offset = offsetof(Todo, title)},
 *       {.name = "done", .kind = STARCH_KIND_BOOL, .offset = offsetof(Todo, done)},
 *       {.name = "tags", .kind = STARCH_KIND_STRING, .array = true,
 *        .offset = offsetof(Todo, tags), .count_offset = offsetof(Todo, tags_count)},
 *       {.name = "owner", .kind = STARCH_KIND_ENTITY, .offset = offsetof(Todo, owner),
 *        .entity = &User_type},
 *   };
 *   const starch_entity_type Todo_type = {
 *       .name = "Todo", .size = sizeof(Todo), .fields = Todo_fields, .field_count = 5, .key = 0,
 *   };
 *   void Todo_clear(Todo *t) { starch_entity_clear(&Todo_type, t); }
 *
 * Field kinds in C: int → int64_t, float → double, bool → bool, string → char * (owned,
 * malloc'd; NULL means empty), another entity → that struct by value, T[] → `T *name;
 * size_t name_count;` (an owned malloc'd array). The key is the field named `id` (int or
 * string); `key` is its index, or -1.
 * ====================================================================================== */

/** What a field holds (for an array field, what each element holds). */
typedef enum starch_kind {
    STARCH_KIND_INT,    /* int64_t */
    STARCH_KIND_FLOAT,  /* double */
    STARCH_KIND_BOOL,   /* bool */
    STARCH_KIND_STRING, /* char *, owned; NULL = empty */
    STARCH_KIND_ENTITY, /* a nested entity struct, by value; see starch_field.entity */
} starch_kind;

typedef struct starch_entity_type starch_entity_type;

/** One field of an entity, as the compiler describes it. */
typedef struct starch_field {
    const char *name;                 /* the field's name in the template and in JSON */
    starch_kind kind;                 /* of the value, or of each element of an array */
    bool array;                       /* T[]: a pointer at offset, a size_t count at count_offset */
    size_t offset;                    /* offsetof(struct, field) */
    size_t count_offset;              /* offsetof(struct, field_count) for arrays, else 0 */
    const starch_entity_type *entity; /* the nested type for STARCH_KIND_ENTITY, else NULL */
} starch_field;

/** An entity type: its name, size and fields in declaration order. */
struct starch_entity_type {
    const char *name;           /* "Todo": table name, event prefix */
    size_t size;                /* sizeof(Todo) */
    const starch_field *fields; /* field_count fields, in declaration order */
    size_t field_count;
    int key; /* index of the key field `id` (int or string), or -1 */
};

/** Frees what value's fields own (strings, arrays, nested entities, recursively) and
 *  zeroes the struct. The struct itself is the caller's. NULL value: no-op. */
void starch_entity_clear(const starch_entity_type *type, void *value);

/** Deep copy: dst becomes an independent copy of src. dst is overwritten without being
 *  cleared first (clear it if it owns anything). Returns STARCH_OK, or STARCH_ENOMEM with
 *  dst zeroed and nothing leaked. */
int starch_entity_copy(const starch_entity_type *type, void *dst, const void *src);

/** Deep equality, field by field (a NULL string equals ""; doubles compare with ==, except
 *  that NaN equals NaN). */
bool starch_entity_equal(const starch_entity_type *type, const void *a, const void *b);

/** The index of the field called name in type, or -1. */
int starch_entity_field(const starch_entity_type *type, const char *name);

/** Appends the entity as plain JSON (no flags); NULL as `null`. */
void starch_entity_json(starch_out *out, const starch_entity_type *type, const void *value);

/* ======================================================================================
 * Datastar server-sent events
 *
 *   starch_header h[3];                              // the response headers
 *   for (size_t i = 0, n = starch_sse_headers("HTTP/1.1", h); i < n; i++)
 *       my_add_header(h[i].name, h[i].value);
 *   starch_sse_patch_elements(out, html, len,        // one event, options not the default
 *       &(starch_sse_opts){.selector = "#todos", .mode = "append"}, NULL);
 *   starch_sse_patch_signals(out, "{\"count\":3}", 11, NULL, NULL);
 *   starch_sse_execute_script(out, "alert(1)", 8, NULL, NULL);
 *
 *   starch_sse_stream st;                            // render a component into an event
 *   todo_TodoList(starch_sse_elements_begin(&st, out, NULL), todos, n, NULL);
 *   int rc = starch_sse_elements_end(&st, NULL);
 *
 * Each function writes one whole event (Datastar v1: `event:`, `id:`, `retry:`, the
 * `data:` lines, an empty line) to out, any starch_out: a buffer, or one whose flush
 * callback sends to the client. Options are written only when not the default. Every
 * value is split into `data: KEY …` lines at `\n`, `\r\n` and `\r`; a value ending in a
 * line break gets a last, empty `data: KEY ` line. After each event out is flushed
 * (starch_out_flush), so a streaming out sends it at once.
 *
 * Each returns STARCH_OK; STARCH_EINVAL when an argument is invalid (then nothing is
 * written, and err's message names the argument); or out's status (starch_out_error),
 * e.g. STARCH_ECLOSED once a streaming client has gone. err may be NULL. The functions
 * are as thread-safe as out: to send events to one client from several threads, give
 * each event to the client under one lock (the libmicrohttpd adapter, starch_mhd.h,
 * does).
 * ====================================================================================== */

/** `retry_ms` value that writes `retry: 0` (reconnect at once); 0 means "no retry line". */
#define STARCH_SSE_RETRY_ZERO (-1)

/** The client's reconnection delay when an event has no `retry:` line (ms). */
#define STARCH_SSE_RETRY_DEFAULT 1000

/** An attribute of an execute-script <script> tag; value NULL writes the bare name. */
typedef struct starch_sse_attr {
    const char *name;
    const char *value;
} starch_sse_attr;

/** Options of the SSE events. Zero (or a NULL pointer) is every default; each function
 *  reads the fields that apply to its event and ignores the others. Strings are
 *  NUL-terminated and only read during the call. */
typedef struct starch_sse_opts {
    /* Every event. */
    const char *id;   /* `id:` line; NULL or "": none */
    int64_t retry_ms; /* `retry:` line (ms) when > 0 and not 1000; 0: none;
                       * STARCH_SSE_RETRY_ZERO: `retry: 0` */
    /* datastar-patch-elements. */
    const char *selector;                 /* NULL or "": none (elements are matched by id) */
    const char *mode;                     /* NULL or "outer" (default), "inner", "replace",
                                           * "prepend", "append", "before", "after", "remove" */
    const char *ns;                       /* namespace: NULL or "html" (default), "svg",
                                           * "mathml" */
    bool view_transition;                 /* useViewTransition */
    const char *view_transition_selector; /* written only with view_transition */
    /* datastar-patch-signals. */
    bool only_if_missing; /* onlyIfMissing */
    /* Execute-script (a patch-elements event appending a <script> to body). */
    bool keep_script;             /* autoRemove false: no data-effect="el.remove()" */
    const starch_sse_attr *attrs; /* attributes of the <script>; values are HTML-escaped */
    size_t n_attrs;
} starch_sse_opts;

/** Writes a datastar-patch-elements event carrying html[0..len) (html may be NULL when len
 *  is 0: then there is no `elements` line, as for mode "remove" with a selector). Uses
 *  id, retry_ms, selector, mode, ns, view_transition, view_transition_selector. */
int starch_sse_patch_elements(starch_out *out, const char *html, size_t len,
                              const starch_sse_opts *opt, starch_error *err);

/** Writes a datastar-patch-signals event carrying the JSON merge patch json[0..len) as
 *  is (it is not parsed). Uses id, retry_ms, only_if_missing. STARCH_EINVAL when
 *  json is NULL or len is 0. */
int starch_sse_patch_signals(starch_out *out, const char *json, size_t len,
                             const starch_sse_opts *opt, starch_error *err);

/** Writes the patch-elements event that runs script[0..len) in the browser: selector
 *  `body`, mode `append`, elements `<script ATTRS data-effect="el.remove()">SCRIPT</script>`
 *  (no data-effect with keep_script). The script is written as is: it must not contain
 *  `</script`. Uses id, retry_ms, keep_script, attrs, n_attrs. */
int starch_sse_execute_script(starch_out *out, const char *script, size_t len,
                              const starch_sse_opts *opt, starch_error *err);

/** Writes a patch-elements event with mode `remove` for the elements matching selector
 *  (STARCH_EINVAL when NULL or ""). Uses id, retry_ms, view_transition,
 *  view_transition_selector. To remove elements by id instead, patch them with mode
 *  "remove" and no selector. */
int starch_sse_remove_elements(starch_out *out, const char *selector, const starch_sse_opts *opt,
                               starch_error *err);

/** Writes a patch-signals event setting each signal path (`a.b.c`) to null, which removes
 *  it: paths "a.b", "a.c", "d" give {"a":{"b":null,"c":null},"d":null}. Uses id,
 *  retry_ms, only_if_missing. STARCH_EINVAL when n is 0, for an empty path or an
 *  empty segment. */
int starch_sse_remove_signals(starch_out *out, const char *const *paths, size_t n,
                              const starch_sse_opts *opt, starch_error *err);

/* --------------------------------------------------------------------------------------
 * Streaming a patch-elements event: a renderer writes into the starch_out returned by
 * starch_sse_elements_begin, and the `data: elements ` prefixes are inserted as its bytes
 * flow to out (in chunks of STARCH_OUT_CHUNK; the fragment is never copied whole). A
 * generated component given that starch_out writes its data lines into out itself (its
 * SSE variant: docs/runtime.md, "Components into an SSE event"), with the same bytes.
 * -------------------------------------------------------------------------------------- */

/** State of one streamed event. Fields are private; it needs no initialisation. */
typedef struct starch_sse_stream {
    starch_out out;             /* what the renderer writes into */
    char buf[STARCH_OUT_CHUNK]; /* its memory: streaming an event allocates nothing */
    starch_out *dst;            /* where the event goes */
    starch_error error;         /* invalid options: STARCH_EINVAL and why */
    bool open;                  /* splitting: a `data: elements` line is open */
    bool head;                  /* the `event:` line is still to be written (no options) */
    bool cr;                    /* the last byte was '\r' (a '\n' right after it is skipped) */
} starch_sse_stream;

/** Starts a patch-elements event on out (options as for starch_sse_patch_elements) and
 *  returns the starch_out to render the elements into; never NULL. Its head and option
 *  lines are written to out at once, or, with no options (opt NULL), with the elements'
 *  first bytes or by starch_sse_elements_end: the same bytes once end returns. With
 *  invalid options nothing is written, the returned buffer is in error (writes to it do
 *  nothing) and starch_sse_elements_end returns STARCH_EINVAL. */
starch_out *starch_sse_elements_begin(starch_sse_stream *st, starch_out *out,
                                      const starch_sse_opts *opt);

/** Ends the event begun by starch_sse_elements_begin (always call it: it frees the
 *  buffer) and flushes out. Returns STARCH_OK, STARCH_EINVAL for the options given to
 *  begin, or the status of the rendering buffer (STARCH_ENOMEM) or of out; err as for
 *  the other SSE functions. */
int starch_sse_elements_end(starch_sse_stream *st, starch_error *err);

/* --------------------------------------------------------------------------------------
 * Response headers
 * -------------------------------------------------------------------------------------- */

/** An HTTP response header. */
typedef struct starch_header {
    const char *name;
    const char *value;
} starch_header;

/** Fills h with the headers of an SSE response: Content-Type: text/event-stream,
 *  Cache-Control: no-cache and, when http_version is "HTTP/1.1", Connection: keep-alive
 *  (it breaks HTTP/2 clients). Returns how many (2 or 3). http_version may be NULL. */
size_t starch_sse_headers(const char *http_version, starch_header h[3]);

/** Writes the same headers to out as "Name: value\r\n" lines (no status line, no final
 *  empty line), for a server that writes its own responses. */
void starch_sse_write_headers(starch_out *out, const char *http_version);

/* The checked build (docs/runtime.md, starch_checked.h): an append to a buffer, or a look
 * at it, while generated code has a room of it open (a render that returned without its
 * commit) stops at this line. In libstarch-checked. */
#ifdef STARCH_CHECKED
/** Stops (prints "FILE:LINE: starch checked: WHAT of the buffer while the room reserved
 *  at ... is not committed" and aborts) when out has a room open on this thread. */
void starch_checked_closed(const starch_out *out, const char *what, const char *file, int line);
#define STARCH_CLOSED_(out, what, call) (starch_checked_closed(out, what, __FILE__, __LINE__), call)
#define starch_out_write(out, s, n)     STARCH_CLOSED_(out, "append", (starch_out_write)(out, s, n))
#define starch_out_puts(out, s)         STARCH_CLOSED_(out, "append", (starch_out_puts)(out, s))
#define starch_out_printf(out, ...)                                                                \
    STARCH_CLOSED_(out, "append", (starch_out_printf)(out, __VA_ARGS__))
#define starch_out_data(out)  STARCH_CLOSED_(out, "read", (starch_out_data)(out))
#define starch_out_len(out)   STARCH_CLOSED_(out, "read", (starch_out_len)(out))
#define starch_out_cstr(out)  STARCH_CLOSED_(out, "read", (starch_out_cstr)(out))
#define starch_out_error(out) STARCH_CLOSED_(out, "read", (starch_out_error)(out))
#define starch_out_flush(out) STARCH_CLOSED_(out, "flush", (starch_out_flush)(out))
#define starch_out_clear(out) STARCH_CLOSED_(out, "clear", (starch_out_clear)(out))
#define starch_out_free(out)  STARCH_CLOSED_(out, "free", (starch_out_free)(out))
#endif

#ifdef __cplusplus
}
#endif

#endif /* STARCH_H */
