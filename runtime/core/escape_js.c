/* escape_js.c — JavaScript contexts: string literals, string bodies and regular
 * expressions, in attributes and in <script>.
 *
 * Strings are escaped by the project's one JSON/JavaScript string escaper,
 * starch_put_json_str (json.c), with the flags of the context: nothing that could end the
 * string (quotes, backslash, line terminators), the attribute (`"`, `'`, `&`), the script
 * (`<`, `>`) or a regular expression (`/`, as `\/`) is written as itself, and neither is
 * `@` nor `$`: the Datastar client rewrites `@name(` and `$name` even inside string
 * literals, and `${` would open a substitution in a template literal. Valid UTF-8 is
 * copied (but U+2028 and U+2029, line terminators to older JavaScript); each maximal
 * invalid subpart becomes \ufffd, as the browser would decode it. In a regular expression
 * the characters it gives a meaning to are written as \uXXXX too, so the value matches
 * itself. */
#include "starch_gen.h"

#include "writers.h"

/* The flags of each context. */
#define JS_ATTR   (STARCH_JSON_ATTR | STARCH_JSON_DATASTAR | STARCH_JSON_SLASH)
#define JS_SCRIPT (STARCH_JSON_HTML_SAFE | STARCH_JSON_DATASTAR | STARCH_JSON_SLASH)
#define JS_BODY   (STARCH_JSON_NO_QUOTES | JS_SCRIPT)
#define JS_REGEXP                                                                                  \
    (STARCH_JSON_NO_QUOTES | STARCH_JSON_HTML_SAFE | STARCH_JSON_DATASTAR | STARCH_JSON_REGEXP)

char *starch_put_js_bytes(starch_out *out, char *p, size_t rest, const char *s, size_t len)
{
    return starch_put_json_str(out, p, rest, s, len, JS_ATTR);
}

char *starch_put_js_script_bytes(starch_out *out, char *p, size_t rest, const char *s, size_t len)
{
    return starch_put_json_str(out, p, rest, s, len, JS_SCRIPT);
}

char *starch_put_js_str_bytes(starch_out *out, char *p, size_t rest, const char *s, size_t len)
{
    return starch_put_json_str(out, p, rest, s, len, JS_BODY);
}

/* An empty value would turn `/{{ x }}/` into a line comment: it is written `(?:)`, the
 * empty group (as Go does). */
static const char empty_regexp[] = "(?:)";

char *starch_put_js_regexp_bytes(starch_out *out, char *p, size_t rest, const char *s, size_t len)
{
    if (len == 0)
        return starch_put_raw_bytes(out, p, rest, empty_regexp, sizeof empty_regexp - 1);
    return starch_put_json_str(out, p, rest, s, len, JS_REGEXP);
}

static const char refused_url[] = "about:invalid#starch";

char *starch_put_ds_url_bytes(starch_out *out, char *p, size_t rest, const char *s, size_t len)
{
    if (!starch_url_is_safe(s, len))
        return starch_put_js_bytes(out, p, rest, refused_url, sizeof refused_url - 1);
    return starch_put_js_bytes(out, p, rest, s, len);
}

char *starch_put_ds_url_str_bytes(starch_out *out, char *p, size_t rest, const char *s, size_t len)
{
    if (!starch_url_is_safe(s, len))
        return starch_put_js_str_bytes(out, p, rest, refused_url, sizeof refused_url - 1);
    return starch_put_js_str_bytes(out, p, rest, s, len);
}

/* ---- Typed writers ------------------------------------------------------------------- */

DEFINE_WRITERS(js, "null")
DEFINE_WRITERS(js_script, "null")
DEFINE_WRITERS(ds_url, "null")
DEFINE_WRITERS(js_str, "")
DEFINE_WRITERS(js_regexp, "(?:)")
DEFINE_WRITERS(ds_url_str, "")

/* ---- Numbers --------------------------------------------------------------------------- */

char *starch_put_js_i64(starch_out *out, char *p, size_t rest, int64_t v)
{
    (void)out;
    (void)rest;
    if (v < 0)
        *p++ = ' ';
    return starch_fmt_i64(p, v);
}

char *starch_put_js_double(starch_out *out, char *p, size_t rest, double v)
{
    (void)out;
    (void)rest;
    if (v < 0)
        *p++ = ' ';
    return starch_fmt_double(p, v);
}

char *starch_put_js_regexp_i64(starch_out *out, char *p, size_t rest, int64_t v)
{
    char buf[32];
    return starch_put_js_regexp_bytes(out, p, rest, buf, (size_t)(starch_fmt_i64(buf, v) - buf));
}

char *starch_put_js_regexp_u64(starch_out *out, char *p, size_t rest, uint64_t v)
{
    char buf[32];
    return starch_put_js_regexp_bytes(out, p, rest, buf, (size_t)(starch_fmt_u64(buf, v) - buf));
}

char *starch_put_js_regexp_double(starch_out *out, char *p, size_t rest, double v)
{
    char buf[32];
    return starch_put_js_regexp_bytes(out, p, rest, buf, (size_t)(starch_fmt_double(buf, v) - buf));
}

char *starch_put_js_regexp_bool(starch_out *out, char *p, size_t rest, bool v)
{
    return starch_put_js_regexp_bytes(out, p, rest, v ? "true" : "false", v ? 4 : 5);
}
