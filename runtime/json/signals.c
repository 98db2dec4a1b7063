/* signals.c — the Datastar signals a request carries (see starch_json.h, "Datastar
 * signals from a request"): the `datastar` query parameter or the JSON body, parsed by jansson. */
#include "entity_impl.h"
#include "starch_json.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

json_t *starch_signals_from_json(const char *json, size_t len, starch_error *err)
{
    json_error_t je;
    json_t *v = json_loadb(json ? json : "", json ? len : 0, JSON_DECODE_ANY, &je);
    if (v == NULL) {
        if (json_error_code(&je) == json_error_out_of_memory) {
            starch__error_set(err, STARCH_ENOMEM, "out of memory");
            return NULL;
        }
        starch__error_set(err, STARCH_EJSON, "invalid JSON at line %d, column %d (byte %d): %s",
                          je.line, je.column, je.position, je.text);
        starch__json_error_where(err, &je);
        return NULL;
    }
    if (!json_is_object(v)) {
        json_decref(v);
        starch__error_set(err, STARCH_ETYPE, "the signals are not a JSON object");
        return NULL;
    }
    return v;
}

/* The value of hex digit c, or -1. */
static int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t starch_url_decode(char *dst, const char *src, size_t len)
{
    size_t j = 0;
    for (size_t i = 0; i < len; i++) {
        char c = src[i];
        int hi, lo;
        if (c == '+') {
            c = ' ';
        } else if (c == '%' && i + 2 < len && (hi = hex(src[i + 1])) >= 0 &&
                   (lo = hex(src[i + 2])) >= 0) {
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        dst[j++] = c;
    }
    return j;
}

/* Whether the URL-encoded parameter name p[0..n) decodes to "datastar". */
static bool is_datastar(const char *p, size_t n)
{
    char name[24];
    if (n > sizeof name)
        return false;
    size_t k = starch_url_decode(name, p, n);
    return k == 8 && memcmp(name, "datastar", 8) == 0;
}

json_t *starch_signals_from_query(const char *query, size_t len, starch_error *err)
{
    const char *p = query ? query : "", *end = p + (query ? len : 0);
    if (p < end && *p == '?')
        p++;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        const char *name_end = eq ? eq : stop;
        if (is_datastar(p, (size_t)(name_end - p))) {
            const char *v = eq ? eq + 1 : stop;
            size_t vn = (size_t)(stop - v);
            char *json = malloc(vn + 1);
            if (json == NULL) {
                starch__error_set(err, STARCH_ENOMEM, "out of memory");
                return NULL;
            }
            size_t jn = starch_url_decode(json, v, vn);
            json_t *r = starch_signals_from_json(json, jn, err);
            free(json);
            return r;
        }
        p = stop + (amp != NULL);
    }
    starch__error_set(err, STARCH_EMISSING, "no 'datastar' query parameter");
    return NULL;
}

json_t *starch_signals_read(const char *method, const char *query, size_t query_len,
                            const char *body, size_t body_len, starch_error *err)
{
    const char *m = method ? method : "";
    if (strcmp(m, "GET") == 0 || strcmp(m, "DELETE") == 0)
        return starch_signals_from_query(query, query_len, err);
    if (strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0 || strcmp(m, "PATCH") == 0)
        return starch_signals_from_json(body, body_len, err);
    starch__error_set(
        err, STARCH_EINVAL,
        "HTTP method '%.32s' carries no Datastar signals (GET and DELETE send them in "
        "the query, POST, PUT and PATCH in the body)",
        m);
    return NULL;
}

/* ---- Signals into an entity ---------------------------------------------------------- */

/* Writes a then b into err's message, cut to fit. */
static void set_message(starch_error *err, const char *a, const char *b)
{
    size_t cap = sizeof err->message - 1, an = strlen(a), bn = strlen(b);
    an = an < cap ? an : cap;
    bn = bn < cap - an ? bn : cap - an;
    memmove(err->message + an, b, bn); /* b may lie in the message itself */
    memcpy(err->message, a, an);
    err->message[an + bn] = '\0';
}

/* Fills err (when given) with code and "signals: MESSAGE"; returns code. */
static int entity_fail(starch_error *err, int code, const char *message)
{
    return starch__error_set(err, code, "signals: %s", message);
}

/* The error of signal path group[0..upto), whose value j is absent (NULL) or not an
 * object: STARCH_EMISSING or STARCH_ETYPE, with err filled when given. */
static int group_error(starch_error *err, const char *group, int upto, const json_t *j)
{
    if (j == NULL)
        return starch__error_set(err, STARCH_EMISSING, "%.*s: missing", upto, group);
    return starch__error_set(err, STARCH_ETYPE, "%.*s: expected object, got %s", upto, group,
                             starch__json_kind(j));
}

/* Sets *found to the object at the dotted signal path group in signals (signals itself
 * for NULL or ""). Returns STARCH_OK, or group_error's code for the first segment that is
 * empty (`a..b`, `.a`, `a.`), absent or not an object. */
static int find_group(const json_t *signals, const char *group, const json_t **found,
                      starch_error *err)
{
    const json_t *j = signals;
    for (const char *p = group && *group ? group : NULL; p;) {
        size_t n = strcspn(p, ".");
        const json_t *next = n ? json_object_getn(j, p, n) : NULL;
        if (next == NULL || !json_is_object(next))
            return group_error(err, group, (int)(p + n - group), next);
        j = next;
        p = p[n] ? p + n + 1 : NULL; /* after a dot, a segment follows */
    }
    *found = j;
    return STARCH_OK;
}

/* Rewrites the path at the start of err's message, which entity reading roots at the
 * type's name in lower camel case ("todo.title: ..."), as the signal path: under group
 * ("draft.title: ..."), or at the top ("title: ..."; "signals: ..." for the root). */
static void rebase_path(starch_error *err, const starch_entity_type *type, const char *group)
{
    char root[64];
    size_t rn = starch__json_path_root(root, sizeof root, type);
    if (rn == 0 || rn != strlen(type->name)) /* a name too long to be the root */
        return;
    const char *m = err->message;
    if (strncmp(m, root, rn) != 0 || (m[rn] != '.' && m[rn] != '[' && m[rn] != ':'))
        return;
    bool top = group == NULL || *group == '\0';
    /* at the top, "todo.title" becomes "title"; the root itself becomes "signals" */
    const char *prefix = !top ? group : m[rn] == ':' ? "signals" : "";
    set_message(err, prefix, m + rn + (top && m[rn] == '.'));
    starch__error_one_line(err->message);
}

int starch_signals_to_entity(const starch_entity_type *type, void *value, const char *group,
                             unsigned mode, const struct json_t *signals, starch_error *err)
{
    if (type == NULL || value == NULL)
        return entity_fail(err, STARCH_EINVAL, "no entity to read into");
    if (signals == NULL)
        return entity_fail(err, STARCH_EINVAL, "no signals");
    if (!json_is_object(signals)) {
        char m[64];
        snprintf(m, sizeof m, "expected object, got %s", starch__json_kind(signals));
        return entity_fail(err, STARCH_ETYPE, m);
    }
    const json_t *j = NULL;
    int rc = find_group(signals, group, &j, err);
    if (rc != STARCH_OK)
        return rc;
    rc = starch_entity_from_json(type, value, j, mode, err);
    if (rc != STARCH_OK && err)
        rebase_path(err, type, group);
    return rc;
}

int starch_signals_read_entity(const starch_entity_type *type, void *value, const char *group,
                               unsigned mode, const char *method, const char *query,
                               size_t query_len, const char *body, size_t body_len,
                               starch_error *err)
{
    if (type == NULL || value == NULL)
        return entity_fail(err, STARCH_EINVAL, "no entity to read into");
    starch_error se;
    json_t *signals = starch_signals_read(method, query, query_len, body, body_len, &se);
    if (signals == NULL) {
        if (err) {
            *err = se;
            set_message(err, "signals: ", se.message);
        }
        return se.code;
    }
    int rc = starch_signals_to_entity(type, value, group, mode, signals, err);
    json_decref(signals);
    return rc;
}
