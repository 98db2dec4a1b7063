/* signals.c — the Datastar signals a request carries (see starch.h, "Datastar signals
 * from a request"): the `datastar` query parameter or the JSON body, parsed by jansson. */
#include "starch.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Fills err (when given) and returns NULL. */
static json_t *fail(starch_signals_error *err, starch_signals_code code, const char *fmt, ...)
    STARCH_PRINTF(3, 4);

static json_t *fail(starch_signals_error *err, starch_signals_code code, const char *fmt, ...)
{
    if (err == NULL)
        return NULL;
    memset(err, 0, sizeof *err);
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    for (char *c = err->message; *c; c++) /* one line: jansson quotes the input */
        *c = (unsigned char)*c < 0x20 ? ' ' : *c;
    return NULL;
}

static void ok(starch_signals_error *err)
{
    if (err) {
        memset(err, 0, sizeof *err);
        err->code = STARCH_SIGNALS_OK;
    }
}

json_t *starch_signals_from_json(const char *json, size_t len, starch_signals_error *err)
{
    json_error_t je;
    json_t *v = json_loadb(json ? json : "", json ? len : 0, JSON_DECODE_ANY, &je);
    if (v == NULL) {
        if (json_error_code(&je) == json_error_out_of_memory)
            return fail(err, STARCH_SIGNALS_ENOMEM, "out of memory");
        fail(err, STARCH_SIGNALS_EJSON, "invalid JSON at line %d, column %d (byte %d): %s", je.line,
             je.column, je.position, je.text);
        if (err) {
            err->line = je.line;
            err->column = je.column;
            err->position = je.position > 0 ? (size_t)je.position : 0;
        }
        return NULL;
    }
    if (!json_is_object(v)) {
        json_decref(v);
        return fail(err, STARCH_SIGNALS_ENOTOBJECT, "the signals are not a JSON object");
    }
    ok(err);
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

json_t *starch_signals_from_query(const char *query, size_t len, starch_signals_error *err)
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
            if (json == NULL)
                return fail(err, STARCH_SIGNALS_ENOMEM, "out of memory");
            size_t jn = starch_url_decode(json, v, vn);
            json_t *r = starch_signals_from_json(json, jn, err);
            free(json);
            return r;
        }
        p = stop + (amp != NULL);
    }
    return fail(err, STARCH_SIGNALS_EMISSING, "no 'datastar' query parameter");
}

json_t *starch_signals_read(const char *method, const char *query, size_t query_len,
                            const char *body, size_t body_len, starch_signals_error *err)
{
    const char *m = method ? method : "";
    if (strcmp(m, "GET") == 0 || strcmp(m, "DELETE") == 0)
        return starch_signals_from_query(query, query_len, err);
    if (strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0 || strcmp(m, "PATCH") == 0)
        return starch_signals_from_json(body, body_len, err);
    return fail(err, STARCH_SIGNALS_EMETHOD,
                "HTTP method '%.32s' carries no Datastar signals (GET and DELETE send them in "
                "the query, POST, PUT and PATCH in the body)",
                m);
}
