/* fuzz_sse.c — random element, signal and script text and random options through the
 * Datastar SSE writer: every event function, and a component streaming into an event in
 * random chunks.
 *
 * Each event is read back as an EventSource reads it (lines end at LF, CR or CRLF).
 * Invariants: invalid options (a mode, namespace, retry, id, attribute name or signal
 * path the writer must refuse, as starch.h lists them) give a negative code and write
 * nothing, and valid ones never do; every line is `event:`, `id:`, `retry:` or `data:`
 * with a key the event type knows, and the only empty line ends the event; the data
 * lines of each key join (with LF) into the value given, line breaks normalised, so no
 * data value holds a raw line break; options appear exactly when not the default; the
 * signals of a removal are a JSON object holding null at every path; streaming gives the
 * same bytes as the whole-string call. A destination whose flush fails makes the call
 * return its error, and nothing crashes or leaks.
 *
 * Input: 3 bytes of flags, 8 bytes of retry, then NUL-separated strings (id, selector,
 * view-transition selector, two script attributes as name/value pairs, up to three
 * signal paths) and the rest as the payload (elements, signals, script). */
#include "fuzz.h"

#include <errno.h>
#include <jansson.h>

#include "starch.h"

/* ---- Destinations ------------------------------------------------------------------------ */

typedef struct sink {
    starch_out got;    /* everything flushed */
    size_t fail_after; /* a flush past this many bytes fails (SIZE_MAX: never) */
} sink;

static int to_sink(void *ctx, const char *data, size_t len)
{
    sink *s = ctx;
    if (starch_out_len(&s->got) + len > s->fail_after)
        return STARCH_ECLOSED;
    starch_out_write(&s->got, data, len);
    return 0;
}

/* A destination: a plain buffer (streaming false) or one flushing into a sink. */
typedef struct dest {
    starch_out out;
    sink s;
    bool streaming;
    char *mine; /* the caller's memory the buffer starts in, or NULL */
} dest;

static void dest_init(dest *d, bool streaming, size_t fail_after, size_t borrowed)
{
    d->mine = borrowed ? malloc(borrowed) : NULL; /* exact size, for ASan */
    starch_out_init_buffer(&d->out, d->mine, borrowed);
    starch_out_init(&d->s.got);
    d->s.fail_after = fail_after;
    d->streaming = streaming;
    if (streaming)
        starch_out_set_flush(&d->out, to_sink, &d->s);
}

/* Everything written to d (flushed or still buffered), NUL-terminated, malloc'd. */
static char *dest_text(dest *d, size_t *n)
{
    size_t a = starch_out_len(&d->s.got), b = starch_out_len(&d->out);
    char *t = malloc(a + b + 1);
    if (t == NULL)
        abort();
    memcpy(t, starch_out_data(&d->s.got), a);
    memcpy(t + a, starch_out_data(&d->out), b);
    t[a + b] = '\0';
    *n = a + b;
    return t;
}

static void dest_free(dest *d)
{
    starch_out_free(&d->out);
    starch_out_free(&d->s.got);
    free(d->mine);
}

/* ---- The expected values -------------------------------------------------------------------- */

/* s[0..n) with CRLF and CR turned into LF, as a reader of the event sees it. */
static char *normalise(const char *s, size_t n, size_t *len)
{
    char *d = malloc(n + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r') {
            d[j++] = '\n';
            if (i + 1 < n && s[i + 1] == '\n')
                i++;
        } else {
            d[j++] = s[i];
        }
    }
    d[j] = '\0';
    *len = j;
    return d;
}

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

static const char *const mode_names[] = {"outer",  "inner", "replace", "prepend", "append",
                                         "before", "after", "remove",  NULL};
static const char *const ns_names[] = {"html", "svg", "mathml", NULL};

/* Whether the options every event takes are valid. */
static bool event_ok(const starch_sse_opts *o)
{
    return (o->retry_ms >= 0 || o->retry_ms == STARCH_SSE_RETRY_ZERO) &&
           !(o->id && strpbrk(o->id, "\r\n"));
}

static bool elements_ok(const starch_sse_opts *o)
{
    return event_ok(o) && (!o->mode || in_list(o->mode, mode_names)) &&
           (!o->ns || in_list(o->ns, ns_names));
}

static bool attr_name_ok(const char *name)
{
    if (name == NULL || !*name)
        return false;
    for (const uint8_t *p = (const uint8_t *)name; *p; p++)
        if (*p <= ' ' || *p == 0x7f || strchr("\"'>/=", *p))
            return false;
    return true;
}

static bool path_ok(const char *p)
{
    size_t n = strlen(p);
    return n > 0 && p[0] != '.' && p[n - 1] != '.' && !strstr(p, "..");
}

/* ---- Reading an event back ------------------------------------------------------------------ */

/* What one data key of an event joined into (its lines joined with LF). */
typedef struct field {
    const char *key;
    starch_out value;
    int lines;
} field;

typedef struct event {
    char type[64];
    const char *id; /* in the text */
    size_t id_len;
    bool has_id;
    long long retry; /* -1: no retry line */
    field fields[8];
    size_t n_fields;
} event;

static field *field_of(event *e, const char *key, size_t kn)
{
    for (size_t i = 0; i < e->n_fields; i++)
        if (strlen(e->fields[i].key) == kn && memcmp(e->fields[i].key, key, kn) == 0)
            return &e->fields[i];
    return NULL;
}

/* Parses t[0..n) as one event whose data keys must be among `keys`. */
static void parse_event(const char *t, size_t n, const char *const *keys, event *e)
{
    memset(e, 0, sizeof *e);
    e->retry = -1;
    for (size_t k = 0; keys[k]; k++) {
        e->fields[k].key = keys[k];
        starch_out_init(&e->fields[k].value);
        e->n_fields++;
    }
    FUZZ_CHECK(n >= 2 && t[n - 1] == '\n' && t[n - 2] == '\n',
               "an event not ended by an empty line");
    size_t i = 0, line_no = 0;
    while (i < n) {
        size_t e0 = i;
        while (e0 < n && t[e0] != '\n' && t[e0] != '\r')
            e0++;
        FUZZ_CHECK(e0 < n && t[e0] == '\n', "a line ends with CR or without a break: %s", t);
        const char *l = t + i;
        size_t ln = e0 - i;
        i = e0 + 1;
        if (ln == 0) {
            FUZZ_CHECK(i == n, "an empty line inside an event: %s", t);
            break;
        }
        if (line_no++ == 0) {
            FUZZ_CHECK(ln > 7 && ln - 7 < sizeof e->type && memcmp(l, "event: ", 7) == 0,
                       "the first line is not `event:`: %s", t);
            memcpy(e->type, l + 7, ln - 7);
            continue;
        }
        if (ln >= 4 && memcmp(l, "id: ", 4) == 0) {
            FUZZ_CHECK(!e->has_id, "two ids: %s", t);
            e->id = l + 4;
            e->id_len = ln - 4;
            e->has_id = true;
        } else if (ln >= 7 && memcmp(l, "retry: ", 7) == 0) {
            FUZZ_CHECK(e->retry < 0 && ln > 7 && ln - 7 <= 19 &&
                           strspn(l + 7, "0123456789") >= ln - 7,
                       "a bad retry line: %s", t);
            e->retry = strtoll(l + 7, NULL, 10);
        } else {
            FUZZ_CHECK(ln >= 6 && memcmp(l, "data: ", 6) == 0, "an unknown field: %.*s", (int)ln,
                       l);
            const char *key = l + 6, *sp = memchr(key, ' ', ln - 6);
            FUZZ_CHECK(sp != NULL, "a data line without a key: %.*s", (int)ln, l);
            field *f = field_of(e, key, (size_t)(sp - key));
            FUZZ_CHECK(f != NULL, "an unknown data key: %.*s", (int)ln, l);
            if (f->lines++)
                starch_out_write(&f->value, "\n", 1);
            starch_out_write(&f->value, sp + 1, (size_t)(l + ln - sp - 1));
        }
    }
}

static void event_free(event *e)
{
    for (size_t i = 0; i < e->n_fields; i++)
        starch_out_free(&e->fields[i].value);
}

/* Checks that key's lines joined into v[0..n) (line breaks normalised); an empty value
 * has no line. */
static void expect_value(event *e, const char *key, const char *v, size_t n)
{
    field *f = field_of(e, key, strlen(key));
    size_t nn;
    char *want = normalise(v ? v : "", v ? n : 0, &nn);
    FUZZ_CHECK(f && starch_out_len(&f->value) == nn &&
                   memcmp(starch_out_data(&f->value), want, nn) == 0 && (nn > 0) == (f->lines > 0),
               "data: %s is `%.*s`, not `%s`", key, f ? (int)starch_out_len(&f->value) : 0,
               f ? starch_out_data(&f->value) : "", want);
    free(want);
}

static void expect_cstr(event *e, const char *key, const char *v)
{
    expect_value(e, key, v, v ? strlen(v) : 0);
}

/* The id and retry lines of every event. */
static void check_head(event *e, const starch_sse_opts *o, const char *type)
{
    FUZZ_CHECK(strcmp(e->type, type) == 0, "event type %s, not %s", e->type, type);
    bool id = o->id && *o->id;
    FUZZ_CHECK(e->has_id == id &&
                   (!id || (e->id_len == strlen(o->id) && memcmp(e->id, o->id, e->id_len) == 0)),
               "id `%.*s`, not `%s`", (int)e->id_len, e->id ? e->id : "", o->id ? o->id : "");
    long long retry = o->retry_ms == STARCH_SSE_RETRY_ZERO                         ? 0
                      : o->retry_ms > 0 && o->retry_ms != STARCH_SSE_RETRY_DEFAULT ? o->retry_ms
                                                                                   : -1;
    FUZZ_CHECK(e->retry == retry, "retry %lld, not %lld", e->retry, retry);
}

static const char *const element_keys[] = {
    "selector", "mode", "useViewTransition", "viewTransitionSelector", "namespace",
    "elements", NULL};
static const char *const signal_keys[] = {"onlyIfMissing", "signals", NULL};

/* The option lines of a patch-elements event (selector and mode as given). */
static void check_element_opts(event *e, const starch_sse_opts *o, const char *selector,
                               const char *mode)
{
    expect_cstr(e, "selector", selector);
    expect_cstr(e, "mode", mode && strcmp(mode, "outer") != 0 ? mode : NULL);
    expect_cstr(e, "useViewTransition", o->view_transition ? "true" : NULL);
    expect_cstr(e, "viewTransitionSelector",
                o->view_transition ? o->view_transition_selector : NULL);
    expect_cstr(e, "namespace", o->ns && strcmp(o->ns, "html") != 0 ? o->ns : NULL);
}

/* ---- The calls ------------------------------------------------------------------------------ */

typedef struct ctx {
    starch_sse_opts o;
    const char *payload;
    size_t len;
    const char *paths[3];
    size_t n_paths;
    bool streaming;
    size_t fail_after;
    size_t borrowed;       /* destinations start in caller memory of this size (0: heap) */
    const uint8_t *chunks; /* chunk sizes of the streamed event */
    size_t n_chunks;
} ctx;

/* Checks rc and the text of one call: nothing on an invalid argument; a flush error of
 * the failing sink; else one well-formed event, which is returned parsed in *e. */
static bool check_call(int rc, bool valid, dest *d, const ctx *c, const char *const *keys, event *e,
                       char **text, size_t *n)
{
    *text = dest_text(d, n);
    if (!valid) {
        FUZZ_CHECK(rc == STARCH_EINVAL && *n == 0, "invalid options: rc %d, %zu bytes written", rc,
                   *n);
        return false;
    }
    FUZZ_CHECK(rc != STARCH_EINVAL, "valid options refused");
    if (rc != STARCH_OK) {
        FUZZ_CHECK(rc == STARCH_ECLOSED && c->fail_after != SIZE_MAX,
                   "rc %d without a failing sink", rc);
        return false;
    }
    parse_event(*text, *n, keys, e);
    return true;
}

static void run_patch_elements(const ctx *c)
{
    dest d;
    dest_init(&d, c->streaming, c->fail_after, c->borrowed);
    int rc = starch_sse_patch_elements(&d.out, c->payload, c->len, &c->o, NULL);
    event e;
    char *t;
    size_t n;
    if (check_call(rc, elements_ok(&c->o), &d, c, element_keys, &e, &t, &n)) {
        check_head(&e, &c->o, "datastar-patch-elements");
        check_element_opts(&e, &c->o, c->o.selector, c->o.mode);
        expect_value(&e, "elements", c->payload, c->len);
        event_free(&e);
    }

    /* the same event streamed in chunks gives the same bytes */
    dest s;
    dest_init(&s, c->streaming, c->fail_after, c->borrowed);
    starch_sse_stream st;
    starch_out *w = starch_sse_elements_begin(&st, &s.out, &c->o);
    FUZZ_CHECK(w != NULL, "elements_begin gave NULL");
    static const size_t sizes[] = {1, 2, 3, 17, 100, 4095, 8192, 20000};
    size_t at = 0;
    for (size_t k = 0; at < c->len; k++) {
        uint8_t b = c->n_chunks ? c->chunks[k % c->n_chunks] : 7;
        size_t m = sizes[b & 7] < c->len - at ? sizes[b & 7] : c->len - at;
        starch_out_write(w, c->payload + at, m);
        if (b & 8)
            starch_out_flush(w);
        at += m;
    }
    int rc2 = starch_sse_elements_end(&st, NULL);
    size_t n2;
    char *t2 = dest_text(&s, &n2);
    FUZZ_CHECK(rc2 == rc, "streamed rc %d, whole rc %d", rc2, rc);
    if (rc == 0)
        FUZZ_CHECK(n2 == n && memcmp(t, t2, n) == 0, "streamed event differs:\n%s\nwhole:\n%s", t2,
                   t);
    free(t);
    free(t2);
    dest_free(&d);
    dest_free(&s);
}

static void run_patch_signals(const ctx *c)
{
    dest d;
    dest_init(&d, c->streaming, c->fail_after, c->borrowed);
    int rc = starch_sse_patch_signals(&d.out, c->payload, c->len, &c->o, NULL);
    event e;
    char *t;
    size_t n;
    if (check_call(rc, event_ok(&c->o) && c->len > 0, &d, c, signal_keys, &e, &t, &n)) {
        check_head(&e, &c->o, "datastar-patch-signals");
        expect_cstr(&e, "onlyIfMissing", c->o.only_if_missing ? "true" : NULL);
        expect_value(&e, "signals", c->payload, c->len);
        event_free(&e);
    }
    free(t);
    dest_free(&d);
}

/* The <script> element an execute-script event carries. */
static char *script_element(const ctx *c, size_t *len)
{
    starch_out o;
    starch_out_init(&o);
    starch_out_puts(&o, "<script");
    for (size_t i = 0; i < c->o.n_attrs; i++) {
        starch_out_printf(&o, " %s", c->o.attrs[i].name);
        if (c->o.attrs[i].value) {
            starch_out_puts(&o, "=\"");
            for (const char *v = c->o.attrs[i].value; *v; v++) {
                const char *r = *v == '&'    ? "&amp;"
                                : *v == '<'  ? "&lt;"
                                : *v == '>'  ? "&gt;"
                                : *v == '"'  ? "&#34;"
                                : *v == '\'' ? "&#39;"
                                             : NULL;
                if (r)
                    starch_out_puts(&o, r);
                else
                    starch_out_write(&o, v, 1);
            }
            starch_out_puts(&o, "\"");
        }
    }
    if (!c->o.keep_script)
        starch_out_puts(&o, " data-effect=\"el.remove()\"");
    starch_out_puts(&o, ">");
    starch_out_write(&o, c->payload, c->len);
    starch_out_puts(&o, "</script>");
    *len = starch_out_len(&o);
    char *s = malloc(*len + 1);
    memcpy(s, starch_out_data(&o), *len);
    starch_out_free(&o);
    return s;
}

static void run_execute_script(const ctx *c)
{
    dest d;
    dest_init(&d, c->streaming, c->fail_after, c->borrowed);
    int rc = starch_sse_execute_script(&d.out, c->payload, c->len, &c->o, NULL);
    bool valid = event_ok(&c->o);
    for (size_t i = 0; i < c->o.n_attrs; i++)
        valid &= attr_name_ok(c->o.attrs[i].name);
    event e;
    char *t;
    size_t n;
    if (check_call(rc, valid, &d, c, element_keys, &e, &t, &n)) {
        starch_sse_opts plain = {0};
        check_head(&e, &c->o, "datastar-patch-elements");
        check_element_opts(&e, &plain, "body", "append");
        size_t sl;
        char *script = script_element(c, &sl);
        expect_value(&e, "elements", script, sl);
        free(script);
        event_free(&e);
    }
    free(t);
    dest_free(&d);
}

static void run_remove_elements(const ctx *c)
{
    dest d;
    dest_init(&d, c->streaming, c->fail_after, c->borrowed);
    int rc = starch_sse_remove_elements(&d.out, c->o.selector, &c->o, NULL);
    event e;
    char *t;
    size_t n;
    bool valid = event_ok(&c->o) && c->o.selector && *c->o.selector;
    if (check_call(rc, valid, &d, c, element_keys, &e, &t, &n)) {
        starch_sse_opts r = c->o;
        r.ns = NULL;
        check_head(&e, &c->o, "datastar-patch-elements");
        check_element_opts(&e, &r, c->o.selector, "remove");
        expect_cstr(&e, "elements", NULL);
        event_free(&e);
    }
    free(t);
    dest_free(&d);
}

/* Checks that the removal's signals object removes path: following its segments through
 * objects reaches null (at its end, or earlier where a shorter path removes a parent). */
static void check_path(json_t *root, const char *path, const char *all)
{
    json_t *v = root;
    char *copy = strdup(path), *save = NULL;
    for (char *seg = strtok_r(copy, ".", &save); seg && !json_is_null(v);
         seg = strtok_r(NULL, ".", &save)) {
        FUZZ_CHECK(json_is_object(v), "`%s`: not an object before `%s`: %s", path, seg, all);
        v = json_object_get(v, seg);
        FUZZ_CHECK(v != NULL, "`%s`: no member `%s`: %s", path, seg, all);
    }
    FUZZ_CHECK(json_is_null(v), "`%s` is not removed: %s", path, all);
    free(copy);
}

/* Whether s is valid UTF-8 (jansson refuses to make a string of anything else). */
static bool valid_utf8(const char *s)
{
    json_t *j = json_string(s);
    json_decref(j);
    return j != NULL;
}

static void run_remove_signals(const ctx *c)
{
    dest d;
    dest_init(&d, c->streaming, c->fail_after, c->borrowed);
    int rc = starch_sse_remove_signals(&d.out, c->paths, c->n_paths, &c->o, NULL);
    bool valid = event_ok(&c->o) && c->n_paths > 0;
    for (size_t i = 0; i < c->n_paths; i++)
        valid &= path_ok(c->paths[i]);
    event e;
    char *t;
    size_t n;
    if (check_call(rc, valid, &d, c, signal_keys, &e, &t, &n)) {
        check_head(&e, &c->o, "datastar-patch-signals");
        expect_cstr(&e, "onlyIfMissing", c->o.only_if_missing ? "true" : NULL);
        field *f = field_of(&e, "signals", 7);
        FUZZ_CHECK(f->lines == 1, "removal signals on %d lines", f->lines);
        bool utf8 = true; /* else the browser reads U+FFFD: not jansson's to check */
        for (size_t i = 0; i < c->n_paths; i++)
            utf8 &= valid_utf8(c->paths[i]);
        json_error_t je;
        json_t *j = utf8 ? json_loadb(starch_out_data(&f->value), starch_out_len(&f->value),
                                      JSON_REJECT_DUPLICATES, &je)
                         : NULL;
        FUZZ_CHECK(!utf8 || (j && json_is_object(j)),
                   "removal signals are not a JSON object: %s (%s)", starch_out_cstr(&f->value),
                   je.text);
        for (size_t i = 0; utf8 && i < c->n_paths; i++)
            check_path(j, c->paths[i], starch_out_cstr(&f->value));
        json_decref(j);
        event_free(&e);
    }
    free(t);
    dest_free(&d);
}

/* ---- The target ------------------------------------------------------------------------------ */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const modes[] = {NULL,     "outer",  "inner", "replace", "prepend",
                                        "append", "before", "after", "remove",  "bogus"};
    static const char *const nss[] = {NULL, "html", "svg", "mathml", "xml"};
    fuzz_input in = {data, size};
    uint8_t f0 = fuzz_byte(&in), f1 = fuzz_byte(&in), f2 = fuzz_byte(&in);
    uint64_t r = fuzz_u64(&in);
    ctx c;
    memset(&c, 0, sizeof c);
    c.o.view_transition = f0 & 1;
    c.o.only_if_missing = f0 & 2;
    c.o.keep_script = f0 & 4;
    switch (f0 >> 3 & 3) {
    case 0: c.o.retry_ms = 0; break;
    case 1: c.o.retry_ms = STARCH_SSE_RETRY_ZERO; break;
    case 2: c.o.retry_ms = (int64_t)(r % 100000); break;
    default: c.o.retry_ms = (int64_t)r; break;
    }
    c.streaming = f0 & 32;
    c.fail_after = f0 & 64 ? (size_t)(r >> 40) % 300 : SIZE_MAX;
    c.o.mode = modes[f1 % 10];
    c.o.ns = nss[(f1 >> 4) % 5];

    char *id = fuzz_cstr(&in, 0), *sel = fuzz_cstr(&in, 0), *vts = fuzz_cstr(&in, 0);
    c.o.id = f2 & 1 ? NULL : id;
    c.o.selector = f2 & 2 ? NULL : sel;
    c.o.view_transition_selector = f2 & 4 ? NULL : vts;
    starch_sse_attr attrs[2];
    char *strs[7];
    for (int i = 0; i < 4; i++)
        strs[i] = fuzz_cstr(&in, 0);
    attrs[0] = (starch_sse_attr){strs[0], f2 & 8 ? NULL : strs[1]};
    attrs[1] = (starch_sse_attr){strs[2], f2 & 16 ? NULL : strs[3]};
    c.o.attrs = attrs;
    c.o.n_attrs = (f2 >> 5) % 3;
    for (int i = 0; i < 3; i++)
        c.paths[i] = strs[4 + i] = fuzz_cstr(&in, 0);
    c.n_paths = (size_t)(r >> 20) % 4;
    c.borrowed = f2 & 128 ? (f1 & 8 ? STARCH_OUT_CHUNK : 100) : 0;
    c.payload = (const char *)in.p;
    c.len = in.n;
    c.chunks = data;
    c.n_chunks = size < 16 ? size : 16;

    run_patch_elements(&c);
    run_patch_signals(&c);
    run_execute_script(&c);
    run_remove_elements(&c);
    run_remove_signals(&c);

    free(id);
    free(sel);
    free(vts);
    for (int i = 0; i < 7; i++)
        free(strs[i]);
    return 0;
}
