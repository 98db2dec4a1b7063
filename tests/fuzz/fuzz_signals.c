/* fuzz_signals.c — random bytes as the Datastar signals of a request, read into an entity.
 *
 * The input (after its first byte, and after the group when the first byte asks for one)
 * is the query string of a GET or DELETE request (the `datastar` parameter), the body of a
 * POST, PUT or PATCH, and the JSON text of starch_entity_from_json_text; the signals read
 * are then read into a Todo (every field kind: int, float, bool, string, nested entity,
 * arrays of each; tests/unit/fixture_entities.h) and a Note (a string key). The same
 * request goes through starch_signals_read_entity and starch_signals_to_entity, in every
 * mode, into a Todo and a Note starting empty and full, with a signal group: none (NULL),
 * "" or the input's bytes up to its first NUL byte.
 *
 * The first byte: bits 0-1 the reading mode of the entity reads (default, strict, merge,
 * both), bit 2 whether their target starts full, bits 3-5 the method (GET, DELETE, POST,
 * PUT, PATCH, HEAD, GET, DELETE), bits 6-7 the group (NULL, "", the piece up to a NUL, the
 * same).
 *
 * Invariants: no crash and no leak; a failed read returns a status with a one-line message
 * and leaves the target untouched (the same pointers, the same values); a successful read
 * gives an entity that writes as JSON and reads back strictly as an equal entity; a
 * failed signals read fills its error (code, message, and for bad JSON a position inside
 * the text); URL decoding agrees with a reference decoder; reading signals into an entity
 * is reading the signals (its error, when they are not read), then finding the group's
 * object as a reference lookup does (missing or not an object when it finds none), then
 * reading the entity from it: the same status and the same entity, and
 * starch_signals_to_entity gives the same status, message and entity. */
#include "fuzz.h"

#include <jansson.h>
#include <math.h>

#include "fixture_entities.h"

/* ---- The target entities ---------------------------------------------------------------- */

static char *dup(const char *s)
{
    char *d = strdup(s);
    if (d == NULL)
        abort();
    return d;
}

/* A Todo with every field set (each string, array and nested value owned). */
static void full_todo(Todo *t)
{
    memset(t, 0, sizeof *t);
    t->id = 7;
    t->title = dup("milk");
    t->done = true;
    t->priority = -3;
    t->score = 2.5;
    t->tags = calloc(2, sizeof *t->tags);
    t->tags[0] = dup("a");
    t->tags[1] = dup("b");
    t->tags_count = 2;
    t->owner.name = dup("ann");
    t->owner.age = 40;
    t->notes = calloc(1, sizeof *t->notes);
    t->notes[0].label = dup("n");
    t->notes[0].weight = NAN;
    t->notes_count = 1;
    t->ratings = calloc(1, sizeof *t->ratings);
    t->ratings[0] = 1e300;
    t->ratings_count = 1;
    t->counts = calloc(1, sizeof *t->counts);
    t->counts[0] = INT64_MIN;
    t->counts_count = 1;
    t->flags = calloc(1, sizeof *t->flags);
    t->flags[0] = true;
    t->flags_count = 1;
}

/* Checks that a failed read left target as it was: its bytes are before's, and what it
 * points to equals copy (a deep copy taken before). */
static void check_untouched(const starch_entity_type *type, const void *before, const void *copy,
                            const void *target, const char *message)
{
    FUZZ_CHECK(memcmp(before, target, type->size) == 0, "a failed read changed the target: %s",
               message);
    FUZZ_CHECK(starch_entity_equal(type, copy, target),
               "a failed read changed what the target points to: %s", message);
}

/* Checks that target writes as JSON that reads back, strictly, as the same entity. */
static void check_round_trip(const starch_entity_type *type, const void *target)
{
    void *back = calloc(1, type->size);
    if (back == NULL)
        abort();
    starch_out o;
    starch_out_init(&o);
    starch_entity_json(&o, type, target);
    starch_error e2;
    int rc2 = starch_entity_from_json_text(type, back, starch_out_data(&o), starch_out_len(&o),
                                           STARCH_READ_STRICT, &e2);
    FUZZ_CHECK(rc2 == STARCH_OK, "written JSON does not read back: %s: %.*s", e2.message,
               (int)starch_out_len(&o), starch_out_data(&o));
    FUZZ_CHECK(starch_entity_equal(type, back, target), "round trip changed the entity: %.*s",
               (int)starch_out_len(&o), starch_out_data(&o));
    starch_out_free(&o);
    starch_entity_clear(type, back);
    free(back);
}

/* Checks a starch_error a read returned with status rc; with one_line, that a failure's
 * message is a single line (no control character). */
static void check_error(const starch_error *err, int rc, bool one_line)
{
    FUZZ_CHECK(err->code == rc, "status %d, error code %d", rc, err->code);
    FUZZ_CHECK(strnlen(err->message, sizeof err->message) < sizeof err->message,
               "message not terminated");
    if (rc == STARCH_OK)
        return;
    FUZZ_CHECK(err->message[0] != '\0', "an error without a message");
    for (const char *c = err->message; one_line && *c; c++)
        FUZZ_CHECK((unsigned char)*c >= 0x20, "a message of more than one line: %s", err->message);
}

/* A new deep copy of the entity at src. */
static void *copy_of(const starch_entity_type *type, const void *src)
{
    void *c = calloc(1, type->size);
    if (c == NULL)
        abort();
    FUZZ_CHECK(starch_entity_copy(type, c, src) == STARCH_OK, "copy failed");
    return c;
}

static void free_copy(const starch_entity_type *type, void *c)
{
    starch_entity_clear(type, c);
    free(c);
}

/* Checks one read of type from JSON (a jansson value, or text when json is NULL) into a
 * target that starts empty or full. */
static void read_entity(const starch_entity_type *type, void *target, const json_t *json,
                        const char *text, size_t len, unsigned mode)
{
    void *before = malloc(type->size), *copy = copy_of(type, target);
    if (before == NULL)
        abort();
    memcpy(before, target, type->size);
    starch_error err = {.code = -1, .message = "unset"};
    int rc = json ? starch_entity_from_json(type, target, json, mode, &err)
                  : starch_entity_from_json_text(type, target, text, len, mode, &err);
    check_error(&err, rc, false);
    if (rc != STARCH_OK) {
        FUZZ_CHECK(rc == STARCH_EJSON || rc == STARCH_ETYPE || rc == STARCH_EMISSING,
                   "unexpected status %s: %s", starch_status_name(rc), err.message);
        check_untouched(type, before, copy, target, err.message);
    } else {
        check_round_trip(type, target);
    }
    free_copy(type, copy);
    free(before);
}

/* The reading modes: the three documented, and both bits at once. */
static const unsigned modes[] = {0, STARCH_READ_STRICT, STARCH_READ_MERGE,
                                 STARCH_READ_STRICT | STARCH_READ_MERGE};

/* A Todo and a Note, empty (zeroed) or full (every field set and owned). */
static void targets(Todo *t, Note *n, bool full)
{
    memset(t, 0, sizeof *t);
    memset(n, 0, sizeof *n);
    if (full) {
        full_todo(t);
        n->id = dup("k");
        n->text = dup("x");
        n->pinned = true;
    }
}

/* Reads json (or text) into a Todo and a Note, each starting empty or full. */
static void read_both(const json_t *json, const char *text, size_t len, unsigned mode, bool full)
{
    Todo t;
    Note n;
    targets(&t, &n, full);
    read_entity(&Todo_type, &t, json, text, len, mode);
    read_entity(&Note_type, &n, json, text, len, mode);
    Todo_clear(&t);
    Note_clear(&n);
}

/* ---- Signals ------------------------------------------------------------------------------- */

/* Checks what a signals read returned. */
static void check_signals(json_t *j, const starch_error *err, size_t json_len)
{
    if (j) {
        starch_error untouched;
        memset(&untouched, 0x55, sizeof untouched);
        FUZZ_CHECK(json_is_object(j), "signals that are not an object");
        FUZZ_CHECK(memcmp(err, &untouched, sizeof untouched) == 0,
                   "success wrote the error record");
        return;
    }
    FUZZ_CHECK(err->code != STARCH_OK && err->code != STARCH_ENOMEM, "no signals, code %d",
               err->code);
    FUZZ_CHECK(err->message[0] && strnlen(err->message, sizeof err->message) < sizeof err->message,
               "error message empty or not terminated");
    FUZZ_CHECK(!strchr(err->message, '\n'), "a message of more than one line: %s", err->message);
    if (err->code == STARCH_EJSON)
        FUZZ_CHECK(err->line >= 1 && err->column >= 0 && err->offset <= json_len,
                   "JSON error at line %d column %d byte %zu of %zu", err->line, err->column,
                   err->offset, json_len);
    else
        FUZZ_CHECK(err->line == 0 && err->column == 0 && err->offset == 0,
                   "a position in an error that is not about JSON");
}

static int hexdigit(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The reference URL decoder (as starch.h describes starch_url_decode): `+` is a space,
 * `%XX` a byte, anything else (a `%` without two hex digits too) itself. */
static size_t ref_decode(uint8_t *dst, const uint8_t *s, size_t n)
{
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        int hi, lo;
        if (s[i] == '%' && i + 2 < n && (hi = hexdigit(s[i + 1])) >= 0 &&
            (lo = hexdigit(s[i + 2])) >= 0) {
            dst[j++] = (uint8_t)(hi * 16 + lo);
            i += 2;
        } else {
            dst[j++] = s[i] == '+' ? ' ' : s[i];
        }
    }
    return j;
}

/* The length of the URL-decoded value of the first `datastar` parameter of q, or SIZE_MAX. */
static size_t datastar_value_len(const uint8_t *q, size_t n, uint8_t *buf)
{
    size_t i = n && q[0] == '?';
    while (i < n) {
        const uint8_t *amp = memchr(q + i, '&', n - i);
        size_t stop = amp ? (size_t)(amp - q) : n;
        const uint8_t *eq = memchr(q + i, '=', stop - i);
        size_t name_end = eq ? (size_t)(eq - q) : stop;
        uint8_t name[64];
        if (name_end - i <= sizeof name && ref_decode(name, q + i, name_end - i) == 8 &&
            memcmp(name, "datastar", 8) == 0) {
            size_t v = eq ? name_end + 1 : stop;
            return ref_decode(buf, q + v, stop - v);
        }
        i = stop + 1;
    }
    return SIZE_MAX;
}

/* ---- Signals into an entity -------------------------------------------------------------- */

/* The reference lookup of a signal group (as starch.h describes it): NULL or "" is the
 * signals themselves; otherwise each dot-separated segment names an object inside the
 * previous one. NULL when a segment is empty, absent or not an object. */
static const json_t *ref_group(const json_t *signals, const char *group)
{
    const json_t *j = signals;
    if (group == NULL || *group == '\0')
        return j;
    for (const char *p = group;;) {
        size_t n = strcspn(p, ".");
        j = n ? json_object_getn(j, p, n) : NULL;
        if (!json_is_object(j))
            return NULL;
        if (p[n] == '\0')
            return j;
        p += n + 1;
    }
}

/* The request a signals read sees: method, s[0..n) as both its query and its body, and
 * what starch_signals_read made of it (signals, or NULL and serr). */
typedef struct request {
    const char *method;
    const char *s;
    size_t n;
    const json_t *signals;
    const starch_error *serr;
} request;

/* Checks starch_signals_to_entity of the request's signals into a copy of target's
 * original (copy) against what starch_signals_read_entity returned into target (rc, err). */
static void to_entity_agrees(const starch_entity_type *type, const void *target, const void *copy,
                             const char *group, unsigned mode, const request *req, int rc,
                             const starch_error *err)
{
    void *via = copy_of(type, copy), *before = malloc(type->size);
    if (before == NULL)
        abort();
    memcpy(before, via, type->size);
    starch_error e2 = {.code = -1, .message = "unset"};
    int rc2 = starch_signals_to_entity(type, via, group, mode, req->signals, &e2);
    check_error(&e2, rc2, true);
    if (req->signals == NULL)
        FUZZ_CHECK(rc2 == STARCH_EINVAL, "no signals, but status %d: %s", rc2, e2.message);
    else
        FUZZ_CHECK(rc2 == rc && strcmp(e2.message, err->message) == 0,
                   "read_entity gave %d '%s', to_entity %d '%s'", rc, err->message, rc2,
                   e2.message);
    if (rc2 != STARCH_OK)
        check_untouched(type, before, copy, via, e2.message);
    else
        FUZZ_CHECK(starch_entity_equal(type, via, target), "to_entity read another entity");
    free_copy(type, via);
    free(before);
}

/* Checks what starch_signals_read_entity returned into target (rc) against the signals
 * read (their error, or the reference group lookup and starch_entity_from_json). */
static void read_entity_agrees(const starch_entity_type *type, const void *target, const void *copy,
                               const char *group, unsigned mode, const request *req, int rc,
                               const starch_error *err)
{
    if (req->signals == NULL) {
        const char *m = err->message;
        FUZZ_CHECK(rc == req->serr->code && strncmp(m, "signals: ", 9) == 0 &&
                       strncmp(m + 9, req->serr->message, sizeof err->message - 10) == 0,
                   "signals error %d '%s' became %d '%s'", req->serr->code, req->serr->message, rc,
                   m);
        return;
    }
    const json_t *g = ref_group(req->signals, group);
    group = group ? group : "(NULL)"; /* for the messages */
    if (g == NULL) {
        FUZZ_CHECK(rc == STARCH_EMISSING || rc == STARCH_ETYPE,
                   "group '%s' has no object, but status %d", group, rc);
        return;
    }
    void *via = copy_of(type, copy);
    starch_error e3;
    int rc3 = starch_entity_from_json(type, via, g, mode, &e3);
    FUZZ_CHECK(rc3 == rc, "group '%s': from_json %d '%s', read_entity %d '%s'", group, rc3,
               e3.message, rc, err->message);
    FUZZ_CHECK(rc != STARCH_OK || starch_entity_equal(type, via, target),
               "group '%s': read_entity read another entity than from_json", group);
    free_copy(type, via);
}

/* Checks starch_signals_read_entity of the request into target, with group and mode, and
 * starch_signals_to_entity of its signals. */
static void read_signals_entity(const starch_entity_type *type, void *target, const char *group,
                                unsigned mode, const request *req)
{
    void *before = malloc(type->size), *copy = copy_of(type, target);
    if (before == NULL)
        abort();
    memcpy(before, target, type->size);
    starch_error err = {.code = -1, .message = "unset"};
    int rc = starch_signals_read_entity(type, target, group, mode, req->method, req->s, req->n,
                                        req->s, req->n, &err);
    check_error(&err, rc, true);
    if (rc != STARCH_OK) {
        FUZZ_CHECK(rc == STARCH_EINVAL || rc == STARCH_EMISSING || rc == STARCH_EJSON ||
                       rc == STARCH_ETYPE,
                   "unexpected status %s: %s", starch_status_name(rc), err.message);
        check_untouched(type, before, copy, target, err.message);
    } else {
        check_round_trip(type, target);
    }
    read_entity_agrees(type, target, copy, group, mode, req, rc, &err);
    to_entity_agrees(type, target, copy, group, mode, req, rc, &err);
    free_copy(type, copy);
    free(before);
}

/* Reads the request's signals, with group, into a Todo and a Note starting empty and
 * full, in every mode. */
static void read_signals_all(const char *group, const request *req)
{
    for (size_t m = 0; m < sizeof modes / sizeof *modes; m++) {
        for (int full = 0; full < 2; full++) {
            Todo t;
            Note n;
            targets(&t, &n, full);
            read_signals_entity(&Todo_type, &t, group, modes[m], req);
            read_signals_entity(&Note_type, &n, group, modes[m], req);
            Todo_clear(&t);
            Note_clear(&n);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const methods[] = {"GET", "DELETE", "POST", "PUT", "PATCH", "HEAD"};
    fuzz_input in = {data, size};
    uint8_t b = fuzz_byte(&in);
    unsigned mode = modes[b & 3];
    bool full = b & 4;
    const char *method = methods[((b >> 3) & 7) % 6];
    unsigned group_kind = b >> 6;
    char *group = group_kind >= 2 ? fuzz_cstr(&in, 0) : NULL;
    const char *s = (const char *)in.p;
    size_t n = in.n;

    /* URL decoding */
    uint8_t *dec = malloc(n + 1), *ref = malloc(n + 1);
    size_t dn = starch_url_decode((char *)dec, s, n);
    FUZZ_CHECK(dn == ref_decode(ref, (const uint8_t *)s, n) && memcmp(dec, ref, dn) == 0,
               "starch_url_decode disagrees with the reference decoder");

    /* the request's signals, as its method says where they are */
    starch_error err;
    memset(&err, 0x55, sizeof err);
    json_t *j = starch_signals_read(method, s, n, s, n, &err);
    bool query = strcmp(method, "GET") == 0 || strcmp(method, "DELETE") == 0;
    if (strcmp(method, "HEAD") == 0) {
        FUZZ_CHECK(j == NULL && err.code == STARCH_EINVAL, "HEAD carries signals");
    } else {
        size_t vlen = query ? datastar_value_len((const uint8_t *)s, n, ref) : n;
        FUZZ_CHECK(!query || vlen != SIZE_MAX || err.code == STARCH_EMISSING,
                   "no datastar parameter, but code %d", err.code);
        check_signals(j, &err, vlen == SIZE_MAX ? 0 : vlen);
    }
    if (j)
        read_both(j, NULL, 0, mode, full);

    /* the same request's signals into the entities, under the group */
    request req = {method, s, n, j, &err};
    read_signals_all(group_kind == 0 ? NULL : group_kind == 1 ? "" : group, &req);
    json_decref(j);

    /* the same bytes as JSON text, straight into the entities */
    read_both(NULL, s, n, mode, full);
    free(group);
    free(dec);
    free(ref);
    return 0;
}
