/* html_context.c — reading the checker's HTML context (Go's html/template: context.go):
 * which escaping context a state gives a value, and the state after the value; where a
 * state stands, in words, for messages; whether two states (the ends of two branches)
 * read what follows alike, and joining them where they may be. The type is in
 * html_context.h; html_transition.c moves it over static text. */
#include "html_context.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- The run ------------------------------------------------------------------------- */

bool html_same_name(const Html *h, uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
    return alen == blen && strncasecmp(html_text_at(h, a), html_text_at(h, b), alen) == 0;
}

void html_report(Html *h, uint32_t off, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_error(h->d, &h->f->src, html_at(h, off), "%s", msg);
    h->failed = true;
}

/* ---- Where a value stands (for messages) --------------------------------------------- */

static Where where(const char *hint, const char *fmt, ...) STARCH_PRINTF(2, 3);

static Where where(const char *hint, const char *fmt, ...)
{
    Where w = {.hint = hint};
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w.what, sizeof w.what, fmt, ap);
    va_end(ap);
    return w;
}

static Where where_tag(const Html *h, const HCtx *c)
{
    if (c->end_tag)
        return where(NULL, "in an end tag");
    switch (c->state) {
    case H_LT:
    case H_TAG_NAME: return where(NULL, "in a tag name");
    case H_ATTR_NAME:
    case H_AFTER_NAME: return where(NULL, "in an attribute name");
    default: break;
    }
    if (html_name_is(h, c->tag, c->tag_len, "script"))
        return where(NULL, "between the attributes of a <script> %s",
                     c->script_data ? "whose type makes its body a data block (read as HTML)"
                                    : "whose body is JavaScript (no type, or a JavaScript or "
                                      "JSON type)");
    if (html_name_is(h, c->tag, c->tag_len, "annotation-xml"))
        return where(NULL, "between the attributes of an <annotation-xml> %s",
                     c->html_point ? "whose encoding makes its content HTML"
                                   : "whose content is MathML");
    return where(NULL, "between the attributes of a tag");
}

/* A URL value, where values may go: which part of it (for messages). */
static Where where_url(const HCtx *c)
{
    switch (c->url) {
    case U_PATH: return where(NULL, "in a URL, in its path (after its scheme or a '/')");
    case U_QUERY: return where(NULL, "in a URL, in its query or fragment");
    default: break;
    }
    if (c->url_dyn)
        return where(NULL, "in a URL, where it starts, right after a value (which may have "
                           "begun its scheme)");
    if (c->scheme_len > 0 && c->scheme_len != SCHEME_NONE)
        return where(NULL, "in a URL, where it starts, in what may be its scheme");
    return where(NULL, "in a URL, where it starts");
}

/* A data-attr that sets an attribute no value may go in (A_DS_SETS). */
static Where where_ds_sets(const Html *h, const HCtx *c)
{
    int n = (int)c->attr_len;
    const char *a = html_text_at(h, c->attr_off);
    switch (c->sets) {
    case A_SRCDOC:
        return where("(it holds a whole HTML document: serve the document from a URL and set src)",
                     "in '%.*s', which sets an iframe's srcdoc", n, a);
    case A_CSS:
        return where("(set single properties with data-style:NAME, or use '| raw' if you vouch "
                     "for it)",
                     "in '%.*s', which sets a whole style attribute (CSS takes only numbers)", n,
                     a);
    case A_SRCSET:
        return where("(write srcset=\"{{ }}\", whose URLs are filtered)",
                     "in '%.*s', which sets a srcset (its URLs would not be filtered)", n, a);
    case A_DS_SETS:
        return where("(write one data-attr:NAME per attribute)",
                     "in the object of a keyless '%.*s', whose keys name the attributes it sets", n,
                     a);
    default:
        return where("(use '| raw' if you vouch for it)",
                     "in '%.*s', which sets an attribute whose value runs as JavaScript", n, a);
    }
}

static Where where_value(const Html *h, HCtx *c)
{
    if (c->end_tag)
        return where(NULL, "in an end tag");
    if (c->attr == A_SCRIPT_TYPE)
        return where("(write the type out: it decides how the body is escaped)",
                     "in the type of a <script>");
    if (c->attr == A_ENCODING)
        return where("(write it out: it decides whether the content is read as HTML)",
                     "in the encoding of an <annotation-xml>");
    if (c->attr == A_SRCDOC)
        return where("(it holds a whole HTML document, which starch does not check: serve the "
                     "document from a URL and use src)",
                     "in an iframe's srcdoc");
    if (c->attr == A_DS_SETS)
        return where_ds_sets(h, c);
    if (c->state == H_VALUE && c->delim == ' ')
        return where("(quote the attribute value)", "in an unquoted attribute value");
    if (c->state == H_BEFORE_VALUE)
        return where(NULL, "in an attribute value");
    if (c->attr == A_URL && c->url == U_SCRIPT)
        return where("(use an event handler attribute such as onclick, where values are "
                     "escaped as JavaScript)",
                     "in a javascript: URL");
    if (c->attr == A_URL && c->url == U_AMBIG)
        return where("(make every branch end in the same part, e.g. after a '/' or '?')",
                     "in a URL whose part (scheme, path or query) depends on the branches "
                     "before it");
    if (c->attr == A_URL)
        return where_url(c);
    if (c->attr != A_JS && c->attr != A_DS_URL)
        return where(NULL, "in an attribute value");
    JsSpot spot = jslex_spot(&c->js);
    const char *hint = spot == JS_AT_GLUED    ? "(add a space or an operator)"
                       : spot == JS_AT_ESCAPE ? "(the '\\' would escape it)"
                       : spot == JS_AT_DOLLAR ? "(a value here could open '${')"
                                              : NULL;
    return where(hint, "%s", jslex_describe(spot));
}

void html_raw_lt_text(const Html *h, const HCtx *c, char *buf, size_t size)
{
    assert(c->state == H_RAW && c->depth > 0);
    const Elem *e = &c->stack[c->depth - 1];
    if (c->raw_bang)
        snprintf(buf, size, "'<!%s'", c->raw_bang == 2 ? "-" : "");
    else if (c->dashes >= 2)
        snprintf(buf, size, "'</%.*s'", c->dashes - 2, html_text_at(h, e->off));
    else
        snprintf(buf, size, "%s", c->dashes ? "'<'" : "");
}

/* In a raw body (a script, what it holds, and what the text before leaves pending). */
static Where where_raw(const Html *h, HCtx *c)
{
    assert(c->state == H_RAW && c->depth > 0);
    const Elem *e = &c->stack[c->depth - 1];
    char lt[80];
    html_raw_lt_text(h, c, lt, sizeof lt);
    const char *sep = *lt ? ", right after " : "";
    if (c->raw == R_SCRIPT)
        return where(NULL, "%s%s%s", jslex_describe(jslex_spot(&c->js)), sep, lt);
    return where(NULL, "in the body of '<%.*s>'%s%s", (int)e->len, html_text_at(h, e->off), sep,
                 lt);
}

Where html_where_state(const Html *h, HCtx *c)
{
    switch (c->state) {
    case H_TEXT: return where(NULL, "in text");
    case H_LT_SLASH:
    case H_END_NAME: return where(NULL, "in an end tag");
    case H_LT_BANG:
    case H_LT_BANG_DASH:
    case H_BOGUS: return where(NULL, "in a doctype or another markup declaration");
    case H_COMMENT: return where(NULL, "in an HTML comment");
    case H_LT:
    case H_TAG_NAME:
    case H_TAG:
    case H_AFTER_VALUE:
    case H_SELF_CLOSE:
    case H_ATTR_NAME:
    case H_AFTER_NAME: return where_tag(h, c);
    case H_BEFORE_VALUE:
    case H_VALUE: return where_value(h, c);
    case H_RAW: return where_raw(h, c);
    }
    return where(NULL, "here");
}

/* ---- Escaping contexts --------------------------------------------------------------- */

/* The context of a value in JavaScript (attr: in an attribute, else in <script>). */
static Context js_context(HCtx *c, bool attr)
{
    switch (jslex_spot(&c->js)) {
    case JS_AT_VALUE: return !attr ? CTX_JS_SCRIPT : c->attr == A_DS_URL ? CTX_DS_URL : CTX_JS;
    case JS_AT_STRING:
        if (attr && c->attr == A_DS_URL && c->js.fresh)
            return CTX_DS_URL_STR;
        return attr ? CTX_JS_STR : CTX_JS_SCRIPT_STR;
    case JS_AT_REGEXP: return attr ? CTX_JS_REGEXP : CTX_JS_SCRIPT_REGEXP;
    default: return CTX_NONE;
    }
}

/* The context of an attribute value of kind a, as a whole (the compiler adds quotes). */
static Context whole_value_context(AttrKind a)
{
    switch (a) {
    case A_PLAIN: return CTX_ATTR;
    case A_CSS: return CTX_CSS;
    case A_SRCSET: return CTX_SRCSET;
    case A_URL: return CTX_URL;
    case A_JS: return CTX_JS;
    case A_DS_URL: return CTX_DS_URL;
    default: return CTX_NONE; /* A_SCRIPT_TYPE, A_SRCDOC */
    }
}

Context html_context_of(HCtx *c, bool *quote)
{
    *quote = false;
    switch (c->state) {
    case H_TEXT: return CTX_TEXT;
    case H_RAW:
        if (c->raw == R_SCRIPT)
            return js_context(c, false);
        return c->raw == R_STYLE ? CTX_CSS : CTX_RCDATA;
    case H_BEFORE_VALUE:
        if (c->end_tag)
            return CTX_NONE;
        *quote = true;
        return whole_value_context(c->attr);
    case H_VALUE:
        if (c->end_tag || c->delim == ' ')
            return CTX_NONE; /* inside an unquoted value: it must be quoted */
        switch (c->attr) {
        case A_URL:
            return c->url == U_START   ? CTX_URL
                   : c->url == U_PATH  ? CTX_URL_PART
                   : c->url == U_QUERY ? CTX_URL_QUERY
                                       : CTX_NONE;
        case A_JS:
        case A_DS_URL: return js_context(c, true);
        default: return whole_value_context(c->attr);
        }
    default: return CTX_NONE;
    }
}

void html_after_value(HCtx *c, Context ctx, bool quote)
{
    if (quote) {
        c->state = H_AFTER_VALUE;
        c->attr_len = 0;
        return;
    }
    switch (ctx) {
    case CTX_URL: /* the value may have begun a scheme: the URL's start is not over */
    case CTX_DS_URL_STR:
        c->url_dyn = true;
        c->scheme_len = 0;
        break;
    case CTX_JS:
    case CTX_JS_SCRIPT:
    case CTX_DS_URL: jslex_after_value(&c->js, JS_AT_VALUE); break;
    case CTX_JS_STR:
    case CTX_JS_SCRIPT_STR: jslex_after_value(&c->js, JS_AT_STRING); break;
    case CTX_JS_REGEXP:
    case CTX_JS_SCRIPT_REGEXP: jslex_after_value(&c->js, JS_AT_REGEXP); break;
    default: break;
    }
}

/* ---- Comparing states ---------------------------------------------------------------- */

static bool same_url(const HCtx *a, const HCtx *b)
{
    size_t n = a->scheme_len < sizeof a->scheme ? a->scheme_len : sizeof a->scheme;
    return a->url == b->url && a->url_dyn == b->url_dyn && a->scheme_len == b->scheme_len &&
           (a->scheme_len == SCHEME_NONE || memcmp(a->scheme, b->scheme, n) == 0);
}

/* Whether two attribute values read what follows the same way (but the URL part, when
 * ignore_url). */
static bool same_value(const HCtx *a, const HCtx *b, bool ignore_url)
{
    if (a->delim != b->delim || a->attr != b->attr)
        return false;
    switch (a->attr) {
    case A_URL: return ignore_url || same_url(a, b);
    case A_JS: return jslex_same(&a->js, &b->js);
    case A_DS_URL: return jslex_same(&a->js, &b->js) && a->url_dyn == b->url_dyn;
    case A_SCRIPT_TYPE:
    case A_ENCODING:
        return a->type_len == b->type_len &&
               (a->type_len == 255 || memcmp(a->type, b->type, a->type_len) == 0);
    case A_DS_SETS: return a->sets == b->sets;
    default: return true;
    }
}

/* After a quoted value and between attributes a tag reads everything alike. */
static HState tag_state(HState s)
{
    return s == H_AFTER_VALUE ? H_TAG : s;
}

bool html_same_state(const Html *h, const HCtx *a, const HCtx *b, bool ignore_url)
{
    if (tag_state(a->state) != tag_state(b->state) || a->depth != b->depth)
        return false;
    for (int i = 0; i < a->depth; i++)
        if (!html_same_name(h, a->stack[i].off, a->stack[i].len, b->stack[i].off,
                            b->stack[i].len) ||
            a->stack[i].ns != b->stack[i].ns || a->stack[i].point != b->stack[i].point)
            return false;
    bool tag = html_same_name(h, a->tag, a->tag_len, b->tag, b->tag_len) &&
               a->end_tag == b->end_tag && a->script_data == b->script_data &&
               a->html_point == b->html_point;
    bool attr = html_same_name(h, a->attr_off, a->attr_len, b->attr_off, b->attr_len);
    switch (a->state) {
    case H_TAG_NAME:
    case H_END_NAME:
    case H_TAG:
    case H_SELF_CLOSE:
    case H_AFTER_VALUE: return tag;
    case H_ATTR_NAME:
    case H_AFTER_NAME: return tag && attr;
    case H_BEFORE_VALUE: return tag && attr && a->attr == b->attr;
    case H_VALUE: return tag && same_value(a, b, ignore_url);
    case H_RAW:
        return a->raw == b->raw && a->raw_decode == b->raw_decode && a->dashes == b->dashes &&
               a->raw_bang == b->raw_bang && (a->raw != R_SCRIPT || jslex_same(&a->js, &b->js));
    case H_COMMENT: return a->dashes == b->dashes && a->bang == b->bang;
    default: return true;
    }
}

/* Whether a URL value's state may be joined with another's (see html_join_url). */
static bool url_joinable(const HCtx *c)
{
    return c->url == U_PATH || c->url == U_QUERY || c->url == U_AMBIG ||
           (c->url == U_START && (c->scheme_len == 0 || c->scheme_len == SCHEME_NONE));
}

bool html_join_url(const Html *h, HCtx *a, const HCtx *b)
{
    if (a->state != H_VALUE || a->attr != A_URL || !html_same_state(h, a, b, true) ||
        !url_joinable(a) || !url_joinable(b))
        return false;
    bool dyn = a->url_dyn || b->url_dyn;
    if (a->url == U_START && b->url == U_START && a->scheme_len == 0 && b->scheme_len == 0) {
        a->url_dyn = dyn; /* a value, or nothing: a value after is still at the start */
        return true;
    }
    a->url = U_AMBIG;
    a->url_dyn = dyn;
    a->scheme_len = 0;
    return true;
}
