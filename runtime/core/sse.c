/* sse.c — Datastar v1 server-sent events over any starch_out (see starch.h, "Datastar
 * server-sent events", and ../shared/datastar/SPEC.md).
 *
 * An event is `event: TYPE`, `id: ID`, `retry: N`, `data: KEY VALUE` lines, an empty
 * line. Values are split into data lines by a small state machine (Splitter) that takes
 * its input in pieces; the elements of a patch-elements event, the one large value, are
 * copied into their lines in one pass by sse_lines.c, whole or streamed into the event
 * through a flush callback. Written by hand: no printf per line. */
#include "entity_impl.h"
#include "escape_scan.h"
#include "sse_lines.h"

#include <string.h>

#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

/* ---- Data lines ------------------------------------------------------------------- */

/* Splits a value, given in pieces, into "data: KEY line\n" lines at \n, \r\n and \r. */
typedef struct Splitter {
    const char *prefix; /* "data: KEY " */
    size_t plen;
    bool open;  /* a line has been started (its prefix written) and not ended */
    bool broke; /* the last byte seen was a line break */
    bool cr;    /* the last byte seen was '\r': skip a '\n' right after it */
} Splitter;

/* Writes prefix + p[0..n) + (end ? "\n" : "") to out; one reservation when it fits. */
static void put_line(starch_out *out, const Splitter *s, bool prefix, const char *p, size_t n,
                     bool end)
{
    size_t pl = prefix ? s->plen : 0;
    if (pl + n + 1 <= STARCH_OUT_RESERVE_MAX) {
        char *c = starch_out_reserve(out, pl + n + 1);
        c = starch_put(c, s->prefix, pl);
        c = starch_put(c, p, n);
        if (end)
            *c++ = '\n';
        starch_out_commit(out, c);
        return;
    }
    starch_out_write(out, s->prefix, pl);
    starch_out_write(out, p, n);
    if (end)
        starch_out_write(out, "\n", 1);
}

/* Feeds p[0..n) of the value. */
static void split_feed(starch_out *out, Splitter *s, const char *p, size_t n)
{
    if (n == 0)
        return; /* p may be NULL */
    const char *end = p + n;
    if (s->cr && *p == '\n')
        p++;
    s->cr = false;
    const char *cr = memchr(p, '\r', (size_t)(end - p));
    while (p < end) {
        if (cr && cr < p)
            cr = memchr(p, '\r', (size_t)(end - p));
        const char *brk = memchr(p, '\n', (size_t)(end - p));
        if (cr && (brk == NULL || cr < brk))
            brk = cr;
        const char *stop = brk ? brk : end;
        put_line(out, s, !s->open, p, (size_t)(stop - p), brk != NULL);
        s->open = brk == NULL;
        s->broke = brk != NULL;
        if (brk == NULL)
            break;
        p = brk + 1;
        if (*brk == '\r') {
            if (p == end)
                s->cr = true;
            else if (*p == '\n')
                p++;
        }
    }
}

/* Ends the value: closes an open line, or writes the empty line after a final break. */
static void split_end(starch_out *out, Splitter *s)
{
    if (s->open)
        starch_out_write(out, "\n", 1);
    else if (s->broke)
        put_line(out, s, true, "", 0, true);
    s->open = s->broke = s->cr = false;
}

/* Writes the data lines of KEY for value v[0..n); nothing when n is 0. */
static void put_data(starch_out *out, const char *prefix, const char *v, size_t n)
{
    Splitter s = {prefix, strlen(prefix), false, false, false};
    split_feed(out, &s, v, n);
    split_end(out, &s);
}

static void put_data_str(starch_out *out, const char *prefix, const char *v)
{
    if (v && *v)
        put_data(out, prefix, v, strlen(v));
}

static int out_status(const starch_out *out, starch_error *err);

/* ---- The elements ------------------------------------------------------------------ */

/* Source bytes copied per reservation: the room asked for stays well under a streaming
 * out's chunk, so the out still flushes in chunks of about STARCH_OUT_CHUNK. */
#define ELEMENTS_PIECE 1024

/* The state of an elements value written in pieces. */
typedef struct Elements {
    bool started; /* its first data line is begun (the value is not empty) */
    bool head;    /* the event's `event:` line is still to be written (before that line) */
    bool cr;      /* the last piece ended in '\r' */
} Elements;

/* The `event:` line of a patch-elements event, and that line with the first data line's
 * prefix (STARCH_SSE_HEAD_OPEN, starch_gen.h). */
#define ELEMENTS_HEAD     "event: datastar-patch-elements\n"
#define ELEMENTS_HEAD_LEN 31

/* Writes v[0..n), a piece of the elements, to out as data lines: the first line's prefix
 * before the value's first byte, each line break as SSE_LINES_BREAK (the end of a line
 * and the prefix of the next). The last line is ended by elements_end. */
static void put_elements(starch_out *out, Elements *e, const char *v, size_t n)
{
    if (n == 0)
        return; /* v may be NULL */
    const char *end = v + n;
    while (v < end && out->err == STARCH_OK) {
        const char *stop = end - v > ELEMENTS_PIECE ? v + ELEMENTS_PIECE : end;
        size_t piece = (size_t)(stop - v);
        size_t room = 46 + piece + piece / 2 + SSE_LINES_SLACK + SSE_LINES_BLOCK;
        char *d = starch_out_reserve(out, room);
        const char *d_end = d + room;
        if (!e->started) {
            d = e->head ? starch_put(d, STARCH_SSE_HEAD_OPEN, STARCH_SSE_HEAD_OPEN_LEN)
                        : starch_put(d, "data: elements ", 15);
            e->started = true;
            e->head = false;
        }
        v = starch__sse_lines(&d, d_end, v, stop, &e->cr); /* short of room: stops early */
        starch_out_commit(out, d);
    }
}

/* Ends the elements (the last data line) and the event (the empty line), and flushes;
 * with no elements and the head not written, the head too. */
static int put_elements_tail(starch_out *out, const Elements *e, starch_error *err)
{
    char *p = starch_out_reserve(out, ELEMENTS_HEAD_LEN + 2);
    if (e->head) /* (then not started) */
        p = starch_put(p, ELEMENTS_HEAD, ELEMENTS_HEAD_LEN);
    *p++ = '\n';
    if (e->started)
        *p++ = '\n';
    starch_out_commit(out, p);
    if (out->flush)
        starch_out_flush(out);
    return out->err == STARCH_OK ? STARCH_OK : out_status(out, err);
}

/* ---- Options ---------------------------------------------------------------------- */

static const starch_sse_opts no_opts;

static bool one_of(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

static const char *const modes[] = {"outer",  "inner",  "replace", "prepend",
                                    "append", "before", "after",   "remove"};
static const char *const namespaces[] = {"html", "svg", "mathml"};

/* The options every event takes: id and retry. */
static int check_event(const starch_sse_opts *o, starch_error *err)
{
    if (o->retry_ms < 0 && o->retry_ms != STARCH_SSE_RETRY_ZERO)
        return starch__error_set(err, STARCH_EINVAL, "SSE: negative retry duration");
    if (o->id && strpbrk(o->id, "\r\n"))
        return starch__error_set(err, STARCH_EINVAL, "SSE: the event id holds a line break");
    return STARCH_OK;
}

static int check_elements(const starch_sse_opts *o, starch_error *err)
{
    if (o->mode && !one_of(o->mode, modes, sizeof modes / sizeof *modes))
        return starch__error_set(err, STARCH_EINVAL,
                                 "SSE: invalid patch mode (outer, inner, replace, prepend, append, "
                                 "before, after, remove)");
    if (o->ns && !one_of(o->ns, namespaces, sizeof namespaces / sizeof *namespaces))
        return starch__error_set(err, STARCH_EINVAL, "SSE: invalid namespace (html, svg, mathml)");
    return check_event(o, err);
}

/* out's status after an event, into err. */
static int out_status(const starch_out *out, starch_error *err)
{
    int rc = starch_out_error(out);
    return rc == STARCH_OK ? rc : starch__error_set(err, rc, "SSE: %s", starch_strerror(rc));
}

/* Writes the event line (line: "event: TYPE\n", a literal), the id and retry lines. */
#define put_head(out, line, o) put_head_n(out, line, sizeof line - 1, o)
static inline void put_head_n(starch_out *out, const char *line, size_t n, const starch_sse_opts *o)
{
    char *p = starch_out_reserve(out, n);
    starch_out_commit(out, starch_put(p, line, n));
    if (o == &no_opts)
        return;
    if (o->id && *o->id) {
        starch_out_write(out, "id: ", 4);
        starch_out_write(out, o->id, strlen(o->id));
        starch_out_write(out, "\n", 1);
    }
    if (o->retry_ms == STARCH_SSE_RETRY_ZERO) {
        starch_out_write(out, "retry: 0\n", 9);
    } else if (o->retry_ms > 0 && o->retry_ms != STARCH_SSE_RETRY_DEFAULT) {
        p = starch_out_reserve(out, 7 + 20 + 1);
        p = starch_put(p, "retry: ", 7);
        p = starch_fmt_i64(p, o->retry_ms);
        *p++ = '\n';
        starch_out_commit(out, p);
    }
}

/* Ends an event: the empty line, then a flush. */
static int put_tail(starch_out *out, starch_error *err)
{
    starch_out_write(out, "\n", 1);
    starch_out_flush(out);
    return out_status(out, err);
}

/* Writes the head and the option lines of a patch-elements event. */
static void put_elements_head(starch_out *out, const starch_sse_opts *o)
{
    put_head(out, "event: datastar-patch-elements\n", o);
    if (o == &no_opts)
        return;
    put_data_str(out, "data: selector ", o->selector);
    if (o->mode && strcmp(o->mode, "outer") != 0)
        put_data_str(out, "data: mode ", o->mode);
    if (o->view_transition) {
        starch_out_write(out, "data: useViewTransition true\n", 29);
        put_data_str(out, "data: viewTransitionSelector ", o->view_transition_selector);
    }
    if (o->ns && strcmp(o->ns, "html") != 0)
        put_data_str(out, "data: namespace ", o->ns);
}

/* ---- Events ----------------------------------------------------------------------- */

int starch_sse_patch_elements(starch_out *out, const char *html, size_t len,
                              const starch_sse_opts *opt, starch_error *err)
{
    const starch_sse_opts *o = opt ? opt : &no_opts;
    int rc = check_elements(o, err);
    if (rc)
        return rc;
    put_elements_head(out, o);
    Elements e = {false, false, false};
    put_elements(out, &e, html, html ? len : 0);
    return put_elements_tail(out, &e, err);
}

int starch_sse_patch_signals(starch_out *out, const char *json, size_t len,
                             const starch_sse_opts *opt, starch_error *err)
{
    const starch_sse_opts *o = opt ? opt : &no_opts;
    int rc = check_event(o, err);
    if (rc)
        return rc;
    if (json == NULL || len == 0)
        return starch__error_set(err, STARCH_EINVAL, "SSE: no signals to patch");
    put_head(out, "event: datastar-patch-signals\n", o);
    if (o->only_if_missing)
        starch_out_write(out, "data: onlyIfMissing true\n", 25);
    put_data(out, "data: signals ", json, len);
    return put_tail(out, err);
}

int starch_sse_remove_elements(starch_out *out, const char *selector, const starch_sse_opts *opt,
                               starch_error *err)
{
    const starch_sse_opts *o = opt ? opt : &no_opts;
    if (selector == NULL || *selector == '\0')
        return starch__error_set(err, STARCH_EINVAL, "SSE: no selector of elements to remove");
    starch_sse_opts r = *o;
    r.selector = selector;
    r.mode = "remove";
    r.ns = NULL;
    return starch_sse_patch_elements(out, NULL, 0, &r, err);
}

/* Whether name can be written as an attribute name (HTML's attribute-name state stops
 * at whitespace, '/', '>' and '=', and quotes and controls are parse errors). */
static bool attr_name_ok(const char *name)
{
    if (name == NULL || *name == '\0')
        return false;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p <= ' ' || *p == 0x7f || strchr("\"'>/=", *p))
            return false;
    return true;
}

/* Writes the <script> tag of an execute-script event into w. */
static void put_script(starch_out *w, const char *script, size_t len, const starch_sse_opts *o)
{
    starch_out_write(w, "<script", 7);
    for (size_t i = 0; i < o->n_attrs; i++) {
        const starch_sse_attr *a = &o->attrs[i];
        starch_out_write(w, " ", 1);
        starch_out_puts(w, a->name);
        if (a->value) {
            starch_out_write(w, "=\"", 2);
            starch_escape_html(w, a->value, strlen(a->value));
            starch_out_write(w, "\"", 1);
        }
    }
    if (!o->keep_script)
        starch_out_write(w, " data-effect=\"el.remove()\"", 26);
    starch_out_write(w, ">", 1);
    starch_out_write(w, script ? script : "", script ? len : 0);
    starch_out_write(w, "</script>", 9);
}

int starch_sse_execute_script(starch_out *out, const char *script, size_t len,
                              const starch_sse_opts *opt, starch_error *err)
{
    const starch_sse_opts *o = opt ? opt : &no_opts;
    int rc = check_event(o, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < o->n_attrs; i++)
        if (!attr_name_ok(o->attrs[i].name))
            return starch__error_set(err, STARCH_EINVAL, "SSE: invalid script attribute name");
    starch_sse_opts e = {0};
    e.id = o->id;
    e.retry_ms = o->retry_ms;
    e.selector = "body";
    e.mode = "append";
    starch_sse_stream st;
    put_script(starch_sse_elements_begin(&st, out, &e), script, len, o);
    return starch_sse_elements_end(&st, err);
}

/* ---- Removing signals ------------------------------------------------------------- */

/* Writes s[0..n) as a JSON string. */
static void put_json_string(starch_out *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    starch_out_write(out, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        size_t run = i;
        while (i < n && (unsigned char)s[i] >= 0x20 && s[i] != '"' && s[i] != '\\')
            i++;
        starch_out_write(out, s + run, i - run);
        if (i == n)
            break;
        c = (unsigned char)s[i];
        char e[6] = {'\\', (char)c, 0, 0, 0, 0};
        if (c < 0x20) {
            e[1] = 'u';
            e[2] = e[3] = '0';
            e[4] = hex[c >> 4];
            e[5] = hex[c & 15];
        }
        starch_out_write(out, e, c < 0x20 ? 6 : 2);
    }
    starch_out_write(out, "\"", 1);
}

/* Whether path is non-empty with no empty segment. */
static bool path_ok(const char *path)
{
    if (path == NULL || *path == '\0' || *path == '.')
        return false;
    for (const char *p = path; *p; p++)
        if (*p == '.' && (p[1] == '.' || p[1] == '\0'))
            return false;
    return true;
}

/* Length of the segment at s (up to '.' or the end). */
static size_t seg_len(const char *s)
{
    const char *d = strchr(s, '.');
    return d ? (size_t)(d - s) : strlen(s);
}

/* Writes the object of the paths that continue paths[first]'s first `plen` bytes with a
 * '.' (all paths when plen is 0): each next segment once, in order of first appearance;
 * null where a path ends (removing the whole signal), else the object of what follows. */
static void put_paths(starch_out *out, const char *const *paths, size_t n, size_t first,
                      size_t plen)
{
    size_t start = plen ? plen + 1 : 0;
    bool any = false;
    starch_out_write(out, "{", 1);
    for (size_t i = first; i < n; i++) {
        const char *p = paths[i];
        if (plen && (strncmp(p, paths[first], plen) != 0 || p[plen] != '.'))
            continue;
        size_t sl = seg_len(p + start);
        bool seen = false, leaf = false;
        for (size_t j = first; j < n && !seen; j++) {
            const char *q = paths[j];
            bool member = !plen || (strncmp(q, paths[first], plen) == 0 && q[plen] == '.');
            bool same = member && seg_len(q + start) == sl && memcmp(q + start, p + start, sl) == 0;
            if (same && j < i)
                seen = true;
            else if (same && q[start + sl] == '\0')
                leaf = true;
        }
        if (seen)
            continue;
        if (any)
            starch_out_write(out, ",", 1);
        any = true;
        put_json_string(out, p + start, sl);
        starch_out_write(out, ":", 1);
        if (leaf)
            starch_out_write(out, "null", 4);
        else
            put_paths(out, paths, n, i, start + sl);
    }
    starch_out_write(out, "}", 1);
}

int starch_sse_remove_signals(starch_out *out, const char *const *paths, size_t n,
                              const starch_sse_opts *opt, starch_error *err)
{
    const starch_sse_opts *o = opt ? opt : &no_opts;
    int rc = check_event(o, err);
    if (rc)
        return rc;
    if (n == 0)
        return starch__error_set(err, STARCH_EINVAL, "SSE: no signal paths to remove");
    for (size_t i = 0; i < n; i++)
        if (!path_ok(paths[i]))
            return starch__error_set(err, STARCH_EINVAL, "SSE: empty signal path or path segment");
    put_head(out, "event: datastar-patch-signals\n", o);
    if (o->only_if_missing)
        starch_out_write(out, "data: onlyIfMissing true\n", 25);
    starch_out_write(out, "data: signals ", 14);
    put_paths(out, paths, n, 0, 0); /* JSON strings escape line breaks: one line */
    starch_out_write(out, "\n", 1);
    return put_tail(out, err);
}

/* ---- Streaming -------------------------------------------------------------------- */

/* The rendering buffer's state: st->open is Elements.started, st->head and st->cr the
 * same. */
static Elements stream_state(const starch_sse_stream *st)
{
    return (Elements){st->open, st->head, st->cr};
}

static void stream_save(starch_sse_stream *st, Elements e)
{
    st->open = e.started;
    st->head = e.head;
    st->cr = e.cr;
}

/* Flush callback of the rendering buffer: copies what it holds into out's data lines.
 * Exported (starch_gen.h) so that a component's function knows a stream's buffer. */
int starch__sse_stream_flush(void *ctx, const char *data, size_t len)
{
    starch_sse_stream *st = ctx;
    Elements e = stream_state(st);
    put_elements(st->dst, &e, data, len);
    stream_save(st, e);
    return starch_out_error(st->dst);
}

/* What the application wrote into the stream's buffer, or a value written there by an SSE
 * variant (starch_gen.h): converted into the event now, the buffer emptied. */
void starch__sse_pending(starch_sse_stream *st)
{
    if (st->out.len == 0)
        return;
    Elements e = stream_state(st);
    put_elements(st->dst, &e, st->out.data, st->out.len);
    stream_save(st, e);
    st->out.len = 0;
}

/* ---- The data-lines variants of generated code (starch_gen.h, "SSE variants") ------- */

/* p with at least n bytes of room. */
static char *lines_room(starch_out *out, char *p, size_t n)
{
    if ((size_t)(starch_out_end(out, p) - p) >= n)
        return p;
    return starch_out_more(out, p, n).p;
}

/* Bytes of a value written per reservation by starch__sse_put_lines: each may become a
 * break of 16 bytes, and the room asked for stays within STARCH_OUT_RESERVE_MAX. */
#define LINES_PIECE 512

char *starch__sse_put_lines_scan(starch_sse_stream *st, starch_out *out, char *p, size_t rest,
                                 const char *v, size_t n, bool escape)
{
    const char *end = v + n;
    while (v < end) {
        if (st->cr && *v == '\n') { /* the rest of a \r\n whose '\r' ended the piece before */
            v++;
            st->cr = false;
            continue;
        }
        const char *stop = end - v > LINES_PIECE ? v + LINES_PIECE : end;
        p = lines_room(out, p, (size_t)(stop - v) * SSE_LINES_BREAK_LEN + rest);
        st->cr = false;
        p = starch__sse_lines_html(p, v, stop, escape, &st->cr);
        v = stop;
    }
    return lines_room(out, p, rest);
}

/* A C string from s: its length, then the piece loop. */
char *starch__sse_put_lines_cstr_scan(starch_sse_stream *st, starch_out *out, char *p, size_t rest,
                                      const char *s)
{
    return starch__sse_put_lines_scan(st, out, p, rest, s, strlen(s), true);
}

/* ---- The lines writers' one pass ---------------------------------------------------
 *
 * Where STARCH_SCAN_OVERREAD (escape_scan.h), as the HTML writers' one-pass loop
 * (escape.c): the value is read once, in 16-byte blocks loaded at its own address, each
 * stored whole at the cursor, its bytes to escape, its line breaks and its end (a C
 * string's NUL, v + n) found in one mask. A block reaches past the end but never across a
 * 4096-byte boundary; within a page's last 15 bytes the loop takes one byte at a time. At
 * a stop its entity (8 bytes) or the break (16) is stored at once, and the loop goes on
 * after it: no strlen, no pieces. */
#if STARCH_SCAN_OVERREAD
/* The room one step needs at the cursor: 64 bytes stored whole, or a break (16 bytes)
 * stored after up to 63. */
#define LINES_STEP_ROOM 80

/* What each stop becomes, by the byte (lines_class: 1..5 an entity, 6 a break), and its
 * length. */
static const unsigned char lines_class[256] = {
    ['&'] = 1, ['<'] = 2, ['>'] = 3, ['"'] = 4, ['\''] = 5, ['\n'] = 6, ['\r'] = 6,
};
static const char lines_rep[7][16] = {
    "", "&amp;", "&lt;", "&gt;", "&#34;", "&#39;", SSE_LINES_BREAK,
};
static const unsigned char lines_rep_len[7] = {0, 5, 4, 4, 5, 5, SSE_LINES_BREAK_LEN};

/* A mask of the bytes among the 16 in x the one pass stops at: the bytes up to '\r'
 * (0x0d: the line breaks and a C string's NUL; the other controls there, rare in HTML,
 * are then copied one by one), and with escape those HTML escaping replaces (& ' and < >
 * in pairs, "). */
static inline unsigned lines_stop16(__m128i x, bool escape)
{
    __m128i hit = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8('\r')), x);
    if (escape)
        hit = _mm_or_si128(
            _mm_or_si128(hit, _mm_cmpeq_epi8(x, _mm_set1_epi8('"'))),
            _mm_or_si128(_mm_cmpeq_epi8(_mm_or_si128(x, _mm_set1_epi8(1)), _mm_set1_epi8(0x27)),
                         _mm_cmpeq_epi8(_mm_or_si128(x, _mm_set1_epi8(2)), _mm_set1_epi8(0x3e))));
    return (unsigned)_mm_movemask_epi8(hit);
}

/* One step: the four blocks at s stored at p, block by block until one holds a stop;
 * returns 64 when none does, else the index of the first stop. */
static inline __attribute__((always_inline)) size_t lines_step64(char *p, const char *s,
                                                                 bool escape)
{
    for (size_t k = 0; k < 64; k += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + k));
        _mm_storeu_si128((__m128i *)(void *)(p + k), x);
        unsigned m = lines_stop16(x, escape);
        if (m != 0)
            return k + (size_t)__builtin_ctz(m);
    }
    return 64;
}

/* Whether the n bytes from s lie in the 4096-byte block of s (a page or part of one). */
static inline bool page_ok(const char *s, unsigned n)
{
    return ((uintptr_t)s & 4095) <= 4096 - n;
}

/* The one pass from s to its NUL (cstr; e unused) or to e, with `rest` bytes of room at
 * the cursor returned. st->cr as in starch__sse_put_lines_scan: a '\n' first after a
 * '\r' is skipped; set when the value ends in '\r'; unchanged by an empty value. */
static inline __attribute__((always_inline)) char *
lines_blocks(starch_sse_stream *st, starch_out *out, char *p, size_t rest, const char *s,
             const char *e, bool cstr, bool escape)
{
    if (cstr ? *s == 0 : s == e)
        return lines_room(out, p, rest);
    if (st->cr && *s == '\n')
        s++;
    st->cr = false;
    char *lim = starch_out_end(out, p);
    for (;;) {
        if ((size_t)(lim - p) < LINES_STEP_ROOM + rest) {
            starch_room r = starch_out_more(out, p, LINES_STEP_ROOM + rest);
            if (out->err)
                return r.p; /* in the discard area, with the room */
            p = r.p;
            lim = r.end;
        }
        size_t left = cstr ? SIZE_MAX : (size_t)(e - s), k;
        if (left == 0)
            return p;
        if (cstr ? page_ok(s, 64) : left >= 64) {
            k = lines_step64(p, s, escape);
            if (k == 64) {
                p += 64;
                s += 64;
                continue;
            }
        } else if ((!cstr && left >= 16) || page_ok(s, 16)) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
            _mm_storeu_si128((__m128i *)(void *)p, x);
            unsigned m = lines_stop16(x, escape);
            if (left < 16)
                m |= ~0u << left; /* the lanes past e */
            else if (m == 0) {
                p += 16;
                s += 16;
                continue;
            }
            k = (size_t)__builtin_ctz(m);
        } else {
            k = 0; /* within the last 15 bytes of a page: one byte at a time */
        }
        p += k;
        s += k;
        if (cstr ? *s == 0 : s == e)
            return p;
        unsigned char c = (unsigned char)*s++;
        unsigned cls = escape || lines_class[c] == 6 ? lines_class[c] : 0;
        if (cls == 0) { /* a byte copied as it is (a control, or trusted: one to escape) */
            *p++ = (char)c;
            continue;
        }
        memcpy(p, lines_rep[cls], 16);
        p += lines_rep_len[cls];
        if (c == '\r') {
            if (cstr ? *s == 0 : s == e)
                st->cr = true;
            else if (*s == '\n')
                s++;
        }
    }
}

char *starch__sse_put_lines_cstr_blocks(starch_sse_stream *st, starch_out *out, char *p,
                                        size_t rest, const char *s)
{
    return lines_blocks(st, out, p, rest, s, NULL, true, true);
}

char *starch__sse_put_lines_blocks(starch_sse_stream *st, starch_out *out, char *p, size_t rest,
                                   const char *v, size_t n, bool escape)
{
    if (n == 0) /* v may be NULL */
        return lines_room(out, p, rest);
    return escape ? lines_blocks(st, out, p, rest, v, v + n, false, true)
                  : lines_blocks(st, out, p, rest, v, v + n, false, false);
}

#define lines_best      starch__sse_put_lines_blocks
#define lines_cstr_best starch__sse_put_lines_cstr_blocks
#else
#define lines_best      starch__sse_put_lines_scan
#define lines_cstr_best starch__sse_put_lines_cstr_scan
#endif

char *starch__sse_put_lines(starch_sse_stream *st, starch_out *out, char *p, size_t rest,
                            const char *v, size_t n, bool escape)
{
    return lines_best(st, out, p, rest, v, n, escape);
}

char *starch__sse_put_lines_cstr(starch_sse_stream *st, starch_out *out, char *p, size_t rest,
                                 const char *s)
{
    return lines_cstr_best(st, out, p, rest, s);
}

/* begin with options: checked, and the head and the option lines written. */
static NOINLINE starch_out *elements_begin_opts(starch_sse_stream *st, starch_out *out,
                                                const starch_sse_opts *o)
{
    st->head = false;
    if (check_elements(o, &st->error) != STARCH_OK) {
        st->out.flush = NULL;
        st->out.flush_ctx = NULL;
        st->out.err = STARCH_EINVAL; /* every write to it is a no-op */
        return &st->out;
    }
    put_elements_head(out, o);
    return &st->out;
}

starch_out *starch_sse_elements_begin(starch_sse_stream *st, starch_out *out,
                                      const starch_sse_opts *opt)
{
    /* (starch_out_init_buffer and starch_out_set_flush, written out) */
    st->out = (starch_out){.data = st->buf,
                           .cap = sizeof st->buf,
                           .flush = starch__sse_stream_flush,
                           .flush_ctx = st,
                           .borrowed = true};
    st->dst = out;
    st->open = st->cr = false;
    st->head = true; /* no options: written with the first data line's prefix, or by end */
    st->error.code = STARCH_OK;
    return opt ? elements_begin_opts(st, out, opt) : &st->out;
}

/* end, in every case: what the buffer holds converted, the tail written, the buffer freed
 * (not inlined: the common case below saves no registers). */
static NOINLINE int elements_end(starch_sse_stream *st, starch_error *err)
{
    int rc = st->error.code;
    if (rc != STARCH_OK && err)
        *err = st->error;
    if (rc == STARCH_OK && st->out.err != STARCH_OK) /* no memory, or out failed a flush */
        rc = out_status(&st->out, err);
    if (rc == STARCH_OK) { /* what the buffer holds goes straight to out (stream_flush) */
        Elements e = stream_state(st);
        put_elements(st->dst, &e, st->out.data, st->out.len);
        rc = put_elements_tail(st->dst, &e, err);
    }
    if (!st->out.borrowed) /* it grew out of st->buf */
        starch_out_free(&st->out);
    return rc;
}

/* The flush at the end of an event into a streaming out, and its status. */
static NOINLINE int elements_flush(starch_out *out, starch_error *err)
{
    starch_out_flush(out);
    return out_status(out, err);
}

int starch_sse_elements_end(starch_sse_stream *st, starch_error *err)
{
    starch_out *out = st->dst;
    /* The common case: the elements begun and written into out (SSE variants), nothing
     * left in the buffer, no error: the last line's end and the empty line, at once. */
    if ((st->error.code | st->out.err | out->err) == STARCH_OK && st->out.len == 0 && st->open &&
        st->out.borrowed && out->cap - out->len >= 2) {
        memcpy(out->data + out->len, "\n\n", 2);
        out->len += 2;
        return out->flush == NULL ? STARCH_OK : elements_flush(out, err);
    }
    return elements_end(st, err);
}

/* ---- Headers ---------------------------------------------------------------------- */

size_t starch_sse_headers(const char *http_version, starch_header h[3])
{
    h[0] = (starch_header){"Content-Type", "text/event-stream"};
    h[1] = (starch_header){"Cache-Control", "no-cache"};
    if (http_version == NULL || strcmp(http_version, "HTTP/1.1") != 0)
        return 2;
    h[2] = (starch_header){"Connection", "keep-alive"};
    return 3;
}

void starch_sse_write_headers(starch_out *out, const char *http_version)
{
    starch_header h[3];
    size_t n = starch_sse_headers(http_version, h);
    for (size_t i = 0; i < n; i++) {
        starch_out_puts(out, h[i].name);
        starch_out_write(out, ": ", 2);
        starch_out_puts(out, h[i].value);
        starch_out_write(out, "\r\n", 2);
    }
}
