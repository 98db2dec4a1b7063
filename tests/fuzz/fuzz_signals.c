/* fuzz_signals.c — random bytes as the Datastar signals of a request, read into an entity.
 *
 * The input (after its first byte) is the query string of a GET or DELETE request (the
 * `datastar` parameter), the body of a POST, PUT or PATCH, and the JSON text of
 * starch_entity_from_json_text; the signals read are then read into a Todo (every field
 * kind: int, float, bool, string, nested entity, arrays of each; tests/unit/
 * fixture_entities.h) and a Note (a string key). The first byte chooses the reading mode
 * (default, strict, merge) and whether the target starts empty or full.
 *
 * Invariants: no crash and no leak; a failed read returns a status with a message and
 * leaves the target untouched (the same pointers, the same values); a successful read
 * gives an entity that writes as JSON and reads back strictly as an equal entity; a
 * failed signals read fills its error (code, message, and for bad JSON a position inside
 * the text); URL decoding agrees with a reference decoder. */
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

/* Checks one read of type from JSON (a jansson value, or text when json is NULL) into a
 * target that starts empty or full. */
static void read_entity(const starch_entity_type *type, void *target, const json_t *json,
                        const char *text, size_t len, unsigned mode)
{
    size_t size = type->size;
    void *before = malloc(size), *copy = calloc(1, size), *back = calloc(1, size);
    if (before == NULL || copy == NULL || back == NULL)
        abort();
    memcpy(before, target, size);
    FUZZ_CHECK(starch_entity_copy(type, copy, target) == STARCH_OK, "copy failed");
    starch_error err = {-1, "unset"};
    int rc = json ? starch_entity_from_json(type, target, json, mode, &err)
                  : starch_entity_from_json_text(type, target, text, len, mode, &err);
    FUZZ_CHECK(err.code == rc, "status %d, error code %d", rc, err.code);
    FUZZ_CHECK(strnlen(err.message, sizeof err.message) < sizeof err.message,
               "message not terminated");
    if (rc != STARCH_OK) {
        FUZZ_CHECK(rc == STARCH_EJSON || rc == STARCH_ETYPE || rc == STARCH_EMISSING,
                   "unexpected status %s: %s", starch_status_name(rc), err.message);
        FUZZ_CHECK(err.message[0] != '\0', "an error without a message");
        FUZZ_CHECK(memcmp(before, target, size) == 0, "a failed read changed the target: %s",
                   err.message);
        FUZZ_CHECK(starch_entity_equal(type, copy, target),
                   "a failed read changed what the target points to: %s", err.message);
    } else {
        /* what was read writes as JSON that reads back, strictly, as the same entity */
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
    }
    starch_entity_clear(type, copy);
    starch_entity_clear(type, back);
    free(before);
    free(copy);
    free(back);
}

/* Reads json (or text) into a Todo and a Note, each starting empty or full. */
static void read_both(const json_t *json, const char *text, size_t len, unsigned mode, bool full)
{
    Todo t;
    Note n = {NULL, NULL, false};
    if (full) {
        full_todo(&t);
        n.id = dup("k");
        n.text = dup("x");
        n.pinned = true;
    } else {
        memset(&t, 0, sizeof t);
    }
    read_entity(&Todo_type, &t, json, text, len, mode);
    read_entity(&Note_type, &n, json, text, len, mode);
    Todo_clear(&t);
    Note_clear(&n);
}

/* ---- Signals ------------------------------------------------------------------------------- */

/* Checks what a signals read returned. */
static void check_signals(json_t *j, const starch_signals_error *err, size_t json_len)
{
    if (j) {
        FUZZ_CHECK(json_is_object(j), "signals that are not an object");
        FUZZ_CHECK(err->code == STARCH_SIGNALS_OK && err->message[0] == '\0',
                   "success with an error: %s", err->message);
        return;
    }
    FUZZ_CHECK(err->code != STARCH_SIGNALS_OK && err->code != STARCH_SIGNALS_ENOMEM,
               "no signals, code %d", err->code);
    FUZZ_CHECK(err->message[0] && strnlen(err->message, sizeof err->message) < sizeof err->message,
               "error message empty or not terminated");
    FUZZ_CHECK(!strchr(err->message, '\n'), "a message of more than one line: %s", err->message);
    if (err->code == STARCH_SIGNALS_EJSON)
        FUZZ_CHECK(err->line >= 1 && err->column >= 0 && err->position <= json_len,
                   "JSON error at line %d column %d byte %zu of %zu", err->line, err->column,
                   err->position, json_len);
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned modes[] = {0, STARCH_READ_STRICT, STARCH_READ_MERGE,
                                     STARCH_READ_STRICT | STARCH_READ_MERGE};
    static const char *const methods[] = {"GET", "DELETE", "POST", "PUT", "PATCH", "HEAD"};
    fuzz_input in = {data, size};
    uint8_t b = fuzz_byte(&in);
    unsigned mode = modes[b & 3];
    bool full = b & 4;
    const char *method = methods[(b >> 3) % 6];
    const char *s = (const char *)in.p;
    size_t n = in.n;

    /* URL decoding */
    uint8_t *dec = malloc(n + 1), *ref = malloc(n + 1);
    size_t dn = starch_url_decode((char *)dec, s, n);
    FUZZ_CHECK(dn == ref_decode(ref, (const uint8_t *)s, n) && memcmp(dec, ref, dn) == 0,
               "starch_url_decode disagrees with the reference decoder");

    /* the request's signals, as its method says where they are */
    starch_signals_error err;
    memset(&err, 0x55, sizeof err);
    json_t *j = starch_signals_read(method, s, n, s, n, &err);
    bool query = strcmp(method, "GET") == 0 || strcmp(method, "DELETE") == 0;
    if (strcmp(method, "HEAD") == 0) {
        FUZZ_CHECK(j == NULL && err.code == STARCH_SIGNALS_EMETHOD, "HEAD carries signals");
    } else {
        size_t vlen = query ? datastar_value_len((const uint8_t *)s, n, ref) : n;
        FUZZ_CHECK(!query || vlen != SIZE_MAX || err.code == STARCH_SIGNALS_EMISSING,
                   "no datastar parameter, but code %d", err.code);
        check_signals(j, &err, vlen == SIZE_MAX ? 0 : vlen);
    }
    if (j)
        read_both(j, NULL, 0, mode, full);
    json_decref(j);

    /* the same bytes as JSON text, straight into the entities */
    read_both(NULL, s, n, mode, full);
    free(dec);
    free(ref);
    return 0;
}
