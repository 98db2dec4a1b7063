/* html_transition.c — the checker's HTML tokenizer (Go's html/template: transition.go).
 *
 * It reads a component's static text one byte at a time, as a browser's tokenizer would,
 * and moves the context (HCtx, html_context.h) along: text, tags and their attributes,
 * attribute values of each kind (plain, URL, JavaScript through jslex.c, ...), raw bodies
 * (<script>, <style>, RCDATA), comments. What a name means comes from html_vocab.c. Unlike
 * Go, it also tracks the open elements (an element left open or closed by the wrong end
 * tag is an error), their namespaces (SVG and MathML, the integration points, `/>`), the
 * attributes of the tag being read (a repeated one is an error), and what static text
 * leaves pending that a value could complete (`</scr`, `<!`, an unfinished character
 * reference). Names (of tags and attributes) must be written in one piece of static text,
 * so that the name the checker classifies is the name the browser sees.
 */
#include "html_transition.h"

#include <assert.h>
#include <string.h>
#include <strings.h>

#include "datastar.h"

/* ---- Namespaces ------------------------------------------------------------------------ */

/* Whether a start tag named name[0..len) is read in HTML content, or in SVG or MathML
 * content. The HTML parser decides it by the current node alone (the innermost open
 * element): HTML content when it is an HTML element or an integration point (a MathML text
 * integration point but for <mglyph> and <malignmark>), or <svg> in MathML <annotation-xml>.
 * (A component is checked as if it stood in HTML content.) */
static bool in_html_content(const Html *h, const HCtx *c, uint32_t off, uint32_t len)
{
    if (c->depth == 0)
        return true;
    const Elem *e = &c->stack[c->depth - 1];
    if (e->ns == NS_HTML || e->point == PT_HTML)
        return true;
    if (e->point == PT_MATH_TEXT)
        return !html_name_is(h, off, len, "mglyph") && !html_name_is(h, off, len, "malignmark");
    return e->ns == NS_MATH && html_name_is(h, e->off, e->len, "annotation-xml") &&
           html_name_is(h, off, len, "svg");
}

/* In SVG or MathML content: the outermost element of it, which an HTML start tag there
 * would end (the parser pops up to an integration point or an HTML element). */
static const Elem *foreign_root(const HCtx *c)
{
    int i = c->depth - 1;
    while (i > 0 && c->stack[i - 1].ns != NS_HTML && c->stack[i - 1].point == PT_NONE)
        i--;
    return &c->stack[i];
}

/* ---- URLs ---------------------------------------------------------------------------------- */

/* A `:` in a URL value at its start. */
static void url_colon(Html *h, HCtx *c, uint32_t off)
{
    if (c->url_dyn && (c->url == U_AMBIG || c->scheme_len != SCHEME_NONE)) {
        if (!h->failed)
            html_report(h, off,
                        "this ':' would end a URL scheme begun by the value before it: write the "
                        "scheme out, or interpolate the whole URL");
        c->url = U_PATH;
        return;
    }
    if (c->url == U_AMBIG)
        return;
    size_t n = c->scheme_len;
    bool script = (n == 10 && memcmp(c->scheme, "javascript", 10) == 0) ||
                  (n == 8 && memcmp(c->scheme, "vbscript", 8) == 0);
    c->url = script ? U_SCRIPT : U_PATH;
}

/* Reads one (decoded) byte of a URL value: follows the scheme (as the browser's URL parser
 * reads it: leading spaces and C0 controls dropped, tabs and line breaks ignored, case
 * folded), then the path and the query. */
static void url_step(Html *h, HCtx *c, char ch, uint32_t off)
{
    if (c->url == U_SCRIPT || c->url == U_QUERY)
        return;
    if (ch == '?' || ch == '#') {
        c->url = U_QUERY;
        return;
    }
    if (c->url == U_PATH)
        return;
    if (ch == ':') {
        url_colon(h, c, off);
        return;
    }
    if (c->url == U_AMBIG || ch == '\t' || ch == '\n' || ch == '\r')
        return;
    if (ch == '/') {
        c->url = U_PATH;
        return;
    }
    if (c->scheme_len == SCHEME_NONE)
        return;
    if (c->scheme_len == 0 && !c->url_dyn && (unsigned char)ch <= 0x20)
        return; /* leading spaces and controls */
    bool more = (ch >= '0' && ch <= '9') || ch == '+' || ch == '-' || ch == '.';
    if (!html_is_alpha(ch) && !(more && (c->scheme_len > 0 || c->url_dyn))) {
        c->scheme_len = SCHEME_NONE;
        return;
    }
    if (c->scheme_len < sizeof c->scheme)
        c->scheme[c->scheme_len] = html_lower(ch);
    if (c->scheme_len < SCHEME_NONE - 1)
        c->scheme_len++;
}

/* ---- Attribute values ----------------------------------------------------------------- */

/* Feeds a byte of JavaScript to the lexer. */
static void js_step(Html *h, HCtx *c, char ch, uint32_t off)
{
    if (!jslex_step(&c->js, ch) && !h->failed)
        html_report(h, off, "template literals nested too deeply (more than %d '${')",
                    JSLEX_MAX_TMPL);
}

static bool js_in_string(const JsLex *j)
{
    return j->state == J_DQ || j->state == J_SQ || j->state == J_TMPL;
}

/* A byte of a data-attr:href (...) expression: JavaScript, and after a value at the start
 * of a string literal, the scheme that value may have begun. */
static void ds_url_step(Html *h, HCtx *c, char ch, uint32_t off)
{
    bool was_string = js_in_string(&c->js);
    js_step(h, c, ch, off);
    if (!c->url_dyn)
        return;
    bool scheme = html_is_alnum(ch) || ch == '+' || ch == '-' || ch == '.';
    if (!was_string || !js_in_string(&c->js) || !scheme)
        c->url_dyn = false;
    if (ch == ':' && was_string && !h->failed)
        html_report(h, off,
                    "this ':' would end a URL scheme begun by the value before it: write the "
                    "scheme out, or interpolate the whole URL");
}

/* Reads one (decoded) byte of an attribute value. */
static void value_step(Html *h, HCtx *c, char ch, uint32_t off)
{
    switch (c->attr) {
    case A_URL: url_step(h, c, ch, off); break;
    case A_JS: js_step(h, c, ch, off); break;
    case A_DS_URL: ds_url_step(h, c, ch, off); break;
    case A_SCRIPT_TYPE:
    case A_ENCODING:
        if (c->type_len < sizeof c->type)
            c->type[c->type_len++] = html_lower(ch);
        else
            c->type_len = 255;
        break;
    default: break;
    }
}

/* A value starts (after `=`). */
static void begin_value(HCtx *c)
{
    c->url = U_START;
    c->url_dyn = false;
    c->scheme_len = 0;
    c->type_len = 0;
    jslex_reset(&c->js);
}

/* ---- Tags ------------------------------------------------------------------------------ */

/* The attribute name just read ends (at a value, or without one). */
void html_end_attr(Html *h, HCtx *c)
{
    if (c->end_tag)
        return;
    if (c->attr_has_value && c->attr == A_SCRIPT_TYPE)
        c->script_data = !html_script_type_is_js(c->type, c->type_len);
    if (c->attr_has_value && c->attr == A_ENCODING)
        c->html_point = html_encoding_is_html(c->type, c->type_len);
    if (c->attr_len >= 5 && strncasecmp(html_text_at(h, c->attr_off), "data-", 5) == 0 && !h->fixed)
        datastar_check_attr(h->d, &h->f->src, c->attr_off, html_text_at(h, c->attr_off),
                            c->attr_len, c->attr_has_value);
    c->attr_len = 0;
}

/* The attribute name[off..off + len) of the start tag being read: a name it already has is
 * an error (the browser keeps the first and drops the others, silently). */
void html_add_attr(Html *h, HCtx *c, uint32_t off, uint32_t len)
{
    if (c->end_tag || h->failed)
        return;
    for (int i = 0; i < c->nattrs; i++) {
        if (!html_same_name(h, c->attrs[i], c->attr_lens[i], off, len))
            continue;
        html_report(h, off,
                    "duplicate attribute '%.*s': the browser keeps only the first (choose one, "
                    "with if/else where it depends on a condition)",
                    (int)len, html_text_at(h, off));
        if (c->attrs[i] != off)
            diag_note(h->d, &h->f->src, html_at(h, c->attrs[i]), "'%.*s' is first written here",
                      (int)c->attr_lens[i], html_text_at(h, c->attrs[i]));
        return;
    }
    if (c->nattrs == HTML_MAX_ATTRS) {
        html_report(h, off, "too many attributes in one tag (limit %d)", HTML_MAX_ATTRS);
        return;
    }
    c->attrs[c->nattrs] = off;
    c->attr_lens[c->nattrs++] = (uint16_t)(len > 0xffff ? 0xffff : len);
}

/* Pushes the element whose start tag was just read, in namespace ns. */
static bool push(Html *h, HCtx *c, Ns ns)
{
    assert(!c->end_tag && c->tag_len > 0);
    if (c->depth == HTML_MAX_DEPTH) {
        html_report(h, c->tag_start, "elements nested too deeply (limit %d)", HTML_MAX_DEPTH);
        return false;
    }
    uint16_t len = (uint16_t)(c->tag_len > 0xffff ? 0xffff : c->tag_len);
    Point pt = html_point_of(ns, html_text_at(h, c->tag), c->tag_len, c->html_point);
    c->stack[c->depth++] = (Elem){c->tag, len, (uint8_t)ns, (uint8_t)pt, c->tag_start};
    return true;
}

/* Enters the body of the element just pushed, when it is not HTML: script, style, RCDATA
 * (title, textarea), raw text. In SVG and MathML (ns) only <script> and <style> are, and
 * their bodies are markup (read in the data state: entities decoded, and a `<` would
 * start a tag). A <script> with a data block's type holds HTML. */
static void enter_body(Html *h, HCtx *c, Ns ns)
{
    c->raw = html_raw_kind(html_text_at(h, c->tag), c->tag_len);
    if (ns != NS_HTML && c->raw != R_SCRIPT && c->raw != R_STYLE)
        c->raw = R_NONE; /* an SVG <title> holds markup */
    if (c->raw == R_SCRIPT && c->script_data && ns == NS_HTML)
        c->raw = R_NONE; /* a data block: its body is read as HTML */
    if (c->raw != R_NONE) {
        c->state = H_RAW;
        c->dashes = 0;
        c->raw_bang = 0;
        c->raw_decode = ns != NS_HTML;
        jslex_reset(&c->js);
    }
}

/* `>` of a start tag: push the element (unless void or self-closing in SVG/MathML), enter
 * the raw bodies. */
static void end_start_tag(Html *h, HCtx *c, bool self_closing)
{
    c->state = H_TEXT;
    const char *name = html_text_at(h, c->tag);
    int len = (int)c->tag_len;
    bool html = in_html_content(h, c, c->tag, c->tag_len);
    if (!html && html_is_breakout(name, c->tag_len)) {
        const Elem *r = foreign_root(c);
        html_report(
            h, c->tag_start,
            "'<%.*s>' cannot stand inside '<%.*s>': the browser would end the '<%.*s>' here "
            "(put HTML inside <foreignObject>)",
            len, name, (int)r->len, html_text_at(h, r->off), (int)r->len, html_text_at(h, r->off));
        return;
    }
    if (html && html_is_void(name, c->tag_len))
        return;
    Ns ns = !html                                         ? (Ns)c->stack[c->depth - 1].ns
            : html_name_is(h, c->tag, c->tag_len, "svg")  ? NS_SVG
            : html_name_is(h, c->tag, c->tag_len, "math") ? NS_MATH
                                                          : NS_HTML;
    if (self_closing && ns != NS_HTML)
        return;
    if (self_closing) {
        html_report(h, c->tag_start,
                    "'<%.*s/>': an HTML element cannot close itself (the browser ignores the '/'): "
                    "write '<%.*s></%.*s>'",
                    len, name, len, name, len, name);
        return;
    }
    if (ns == NS_HTML && html_name_is(h, c->tag, c->tag_len, "plaintext")) {
        html_report(h, c->tag_start, "'<plaintext>' is not supported (it never ends)");
        return;
    }
    if (push(h, c, ns))
        enter_body(h, c, ns);
}

/* `>` of an end tag: it must close the innermost open element. */
static void end_end_tag(Html *h, HCtx *c)
{
    c->state = H_TEXT;
    const char *name = html_text_at(h, c->tag);
    int len = (int)c->tag_len;
    bool html = c->depth == 0 || c->stack[c->depth - 1].ns == NS_HTML;
    if (html_is_void(name, c->tag_len) && html) {
        html_report(h, c->tag_start, "'</%.*s>': '%.*s' is a void element and has no end tag%s",
                    len, name, len, name,
                    html_name_is(h, c->tag, c->tag_len, "br") ? " (browsers read '</br>' as '<br>')"
                                                              : "");
        return;
    }
    if (c->depth == 0) {
        html_report(h, c->tag_start, "'</%.*s>' closes no open element", len, name);
        return;
    }
    Elem *e = &c->stack[c->depth - 1];
    if (e->len != c->tag_len || strncasecmp(html_text_at(h, e->off), name, e->len) != 0) {
        html_report(h, c->tag_start, "'</%.*s>' does not close the innermost open element", len,
                    name);
        diag_note(h->d, &h->f->src, html_at(h, e->tag), "'<%.*s>' is open here (close it first)",
                  (int)e->len, html_text_at(h, e->off));
        return;
    }
    c->depth--;
}

/* `>` of the tag being read. */
static void end_tag(Html *h, HCtx *c, bool self_closing)
{
    if (c->end_tag)
        end_end_tag(h, c);
    else
        end_start_tag(h, c, self_closing);
}

/* A `<` in the markup body of a <script> or <style> in SVG or MathML that does not begin
 * its end tag: the browser would read a tag, a comment or a CDATA section there. */
static void foreign_lt(Html *h, HCtx *c)
{
    const Elem *e = &c->stack[c->depth - 1];
    if (!h->failed)
        html_report(h, c->lt_off,
                    "in SVG and MathML the body of '<%.*s>' is markup: this '<' would start a tag, "
                    "a comment or a CDATA section (write it as '&lt;')",
                    (int)e->len, html_text_at(h, e->off));
}

/* In a raw body: does the text now end with `</name` of the open element (and a byte that
 * ends a tag name)? Then the end tag is read as one; returns true. Else follows the partial
 * end tag (dashes: bytes of `</name` matched, from lt_off) and, in <script>, `<!-` (the
 * start of `<!--`, which changes where a script ends), for interp to refuse a value that
 * could complete them. In a markup body (raw_decode) a `<` that starts anything else is an
 * error. */
static bool raw_end(Html *h, HCtx *c, char ch, uint32_t off)
{
    assert(c->state == H_RAW && c->depth > 0); /* a raw body is an open element's */
    const Elem *e = &c->stack[c->depth - 1];
    uint8_t m = c->dashes;
    if (m >= 2 && m - 2 == e->len && (html_is_space(ch) || ch == '>' || ch == '/')) {
        c->state = H_TAG;
        c->end_tag = true;
        c->tag = e->off;
        c->tag_len = e->len;
        c->tag_start = c->lt_off;
        c->raw = R_NONE;
        c->dashes = 0;
        if (ch == '>')
            end_end_tag(h, c);
        else if (ch == '/')
            c->state = H_SELF_CLOSE;
        return true;
    }
    uint8_t bang = c->raw_bang;
    c->raw_bang = m == 1 && ch == '!' && c->raw == R_SCRIPT ? 1 : bang == 1 && ch == '-' ? 2 : 0;
    if (m == 1 && ch == '/') {
        m = 2;
    } else if (m >= 2 && m - 2 < e->len &&
               html_lower(ch) == html_lower(html_text_at(h, e->off)[m - 2])) {
        m++;
    } else {
        if (c->raw_decode && (m >= 2 || (m == 1 && (html_is_alpha(ch) || ch == '!' || ch == '?'))))
            foreign_lt(h, c);
        m = 0;
    }
    if (m == 0 && ch == '<') {
        m = 1;
        c->lt_off = off;
    }
    c->dashes = m;
    return false;
}

/* Reads a byte (or a character reference) of a raw body; returns the bytes read. */
static size_t raw_step(Html *h, HCtx *c, const char *s, size_t n, uint32_t off)
{
    if (raw_end(h, c, s[0], off) || c->raw != R_SCRIPT)
        return 1;
    if (c->raw_decode && s[0] == '&') {
        char d;
        size_t len = html_decode_ref(s, n, &d);
        js_step(h, c, len ? d : '&', off);
        return len ? len : 1;
    }
    js_step(h, c, s[0], off);
    return 1;
}

/* A byte of an HTML comment (`<!-->`, `--!>` end it too, as in browsers). */
static void comment_step(HCtx *c, char ch)
{
    if (ch == '>' && (c->dashes >= 2 || c->bang)) {
        c->state = H_TEXT;
    } else if (ch == '!' && c->dashes >= 2 && !c->bang) {
        c->bang = true;
    } else if (ch == '-') {
        c->dashes = c->bang ? 1 : c->dashes < 2 ? c->dashes + 1 : 2;
        c->bang = false;
    } else {
        c->dashes = 0;
        c->bang = false;
    }
}

/* The byte after a `name?={{ cond }}` (written ` name`, or nothing): it must end the
 * attribute, else it would be glued to the name, or to what stands before it. */
static void after_boolattr(Html *h, HCtx *c, char ch, uint32_t off)
{
    uint8_t kind = c->after_bool;
    bool slash_ok = kind != 2;
    c->after_bool = 0;
    if (html_is_space(ch) || ch == '>' || (ch == '/' && slash_ok) || h->failed)
        return;
    if (kind == 3 || (kind == 4 && c->nattrs)) { /* a name a statement tag ended */
        uint32_t a = kind == 3 ? c->tag : c->attrs[c->nattrs - 1];
        uint32_t len = kind == 3 ? c->tag_len : c->attr_lens[c->nattrs - 1];
        html_report(h, off,
                    "'%s%.*s' ends at the statement tag before: what follows it must begin with "
                    "whitespace, '/' or '>' (a name is one piece of text)",
                    kind == 3 ? "<" : "", (int)len, html_text_at(h, a));
        return;
    }
    if (c->nattrs == 0)
        return;
    uint32_t a = c->attrs[c->nattrs - 1], len = c->attr_lens[c->nattrs - 1];
    if (slash_ok)
        html_report(
            h, off,
            "'%.*s?={{ }}' must be followed by whitespace, '/' or '>': what follows would be "
            "glued to '%.*s' when it is written, and to what stands before it when not",
            (int)len, html_text_at(h, a), (int)len, html_text_at(h, a));
    else
        html_report(h, off,
                    "'%.*s?={{ }}' after an unquoted value must be followed by whitespace or '>': "
                    "what follows would join the value when '%.*s' is not written",
                    (int)len, html_text_at(h, a), (int)len, html_text_at(h, a));
}

/* A byte of a tag or attribute name read in text at off: the name must be one piece. */
static void name_byte(Html *h, uint32_t start, uint32_t *len, uint32_t off, const char *what)
{
    if (off != start + *len && !h->failed)
        html_report(h, off, "%s must be written in one piece of text", what);
    (*len)++;
}

/* A byte in a tag, between attributes (or after its name). */
static size_t tag_step(Html *h, HCtx *c, const char *s, size_t n, uint32_t off)
{
    char ch = s[0];
    switch (c->state) {
    case H_TAG:
        if (ch == '>') {
            end_tag(h, c, false);
        } else if (ch == '/') {
            c->state = H_SELF_CLOSE;
        } else if (!html_is_space(ch)) {
            c->state = H_ATTR_NAME;
            c->attr_off = off;
            c->attr_len = 1;
            c->attr_has_value = false;
        }
        return 1;
    case H_SELF_CLOSE:
        if (ch == '>') {
            end_tag(h, c, true);
            return 1;
        }
        c->state = H_TAG;
        return html_step(h, c, s, n, off);
    case H_ATTR_NAME:
        if (ch == '=' || ch == '>' || ch == '/' || html_is_space(ch)) {
            c->state = H_AFTER_NAME;
            html_add_attr(h, c, c->attr_off, c->attr_len);
            return html_step(h, c, s, n, off);
        }
        name_byte(h, c->attr_off, &c->attr_len, off, "an attribute name");
        return 1;
    case H_AFTER_NAME:
        if (ch == '=') {
            c->state = H_BEFORE_VALUE;
            c->attr = html_attr_kind(html_text_at(h, c->tag), c->tag_len,
                                     html_text_at(h, c->attr_off), c->attr_len, &c->sets);
            c->attr_has_value = true;
        } else if (!html_is_space(ch)) {
            html_end_attr(h, c);
            c->state = H_TAG;
            return html_step(h, c, s, n, off);
        }
        return 1;
    default: /* H_AFTER_VALUE */
        if (ch == '>') {
            end_tag(h, c, false);
        } else if (ch == '/') {
            c->state = H_SELF_CLOSE;
        } else {
            c->state = H_TAG; /* a missing space between attributes: as browsers read it */
            return html_step(h, c, s, n, off);
        }
        return 1;
    }
}

/* A byte after `=` or in an attribute value. */
static size_t value_byte(Html *h, HCtx *c, const char *s, size_t n, uint32_t off)
{
    char ch = s[0];
    if (c->state == H_BEFORE_VALUE) {
        if (html_is_space(ch))
            return 1;
        begin_value(c);
        if (ch == '"' || ch == '\'') {
            c->state = H_VALUE;
            c->delim = ch;
        } else if (ch == '>') {
            html_end_attr(h, c);
            end_tag(h, c, false);
        } else {
            c->state = H_VALUE;
            c->delim = ' ';
            return html_step(h, c, s, n, off);
        }
        return 1;
    }
    if (ch == c->delim || (c->delim == ' ' && (html_is_space(ch) || ch == '>'))) {
        html_end_attr(h, c);
        c->state = c->delim == ' ' ? H_TAG : H_AFTER_VALUE;
        return c->delim == ' ' ? html_step(h, c, s, n, off) : 1;
    }
    if (ch == '&') {
        char d;
        size_t len = html_decode_ref(s, n, &d);
        value_step(h, c, len ? d : '&', off);
        return len ? len : 1;
    }
    value_step(h, c, ch, off);
    return 1;
}

/* A byte after `<`, `</`, `<!` or `<!-`. */
static size_t open_step(Html *h, HCtx *c, const char *s, size_t n, uint32_t off)
{
    char ch = s[0];
    switch (c->state) {
    case H_LT:
        if (html_is_alpha(ch)) {
            c->state = H_TAG_NAME;
            c->end_tag = false;
            c->script_data = false;
            c->html_point = false;
            c->nattrs = 0;
            c->tag_serial++;
            c->tag = off;
            c->tag_len = 1;
        } else if (ch == '/') {
            c->state = H_LT_SLASH;
        } else if (ch == '!') {
            c->state = H_LT_BANG;
        } else if (ch == '?') {
            c->state = H_BOGUS;
        } else {
            c->state = H_TEXT; /* a lone `<` is text */
            return html_step(h, c, s, n, off);
        }
        return 1;
    case H_LT_SLASH:
        if (html_is_alpha(ch)) {
            c->state = H_END_NAME;
            c->end_tag = true;
            c->tag = off;
            c->tag_len = 1;
        } else {
            c->state = ch == '>' ? H_TEXT : H_BOGUS; /* `</>` is dropped; `</ x>` a comment */
        }
        return 1;
    case H_LT_BANG:
        if (ch == '-') {
            c->state = H_LT_BANG_DASH;
            return 1;
        }
        c->state = H_BOGUS; /* <!DOCTYPE ...>, <![CDATA[...]]>: to the next `>` */
        return html_step(h, c, s, n, off);
    default: /* H_LT_BANG_DASH */
        if (ch == '-') {
            c->state = H_COMMENT;
            c->dashes = 2; /* so that `<!-->` and `<!--->` end at once, as in browsers */
            c->bang = false;
            return 1;
        }
        c->state = H_BOGUS;
        return html_step(h, c, s, n, off);
    }
}

/* Reads one byte of static text at file offset off; s/n is the rest of the text node (for
 * character references). Returns how many bytes were read. */
size_t html_step(Html *h, HCtx *c, const char *s, size_t n, uint32_t off)
{
    char ch = s[0];
    if (c->after_bool)
        after_boolattr(h, c, ch, off);
    switch (c->state) {
    case H_TEXT:
        if (ch == '<') {
            c->state = H_LT;
            c->tag_start = off;
        }
        return 1;
    case H_LT:
    case H_LT_SLASH:
    case H_LT_BANG:
    case H_LT_BANG_DASH: return open_step(h, c, s, n, off);
    case H_COMMENT: comment_step(c, ch); return 1;
    case H_BOGUS:
        if (ch == '>')
            c->state = H_TEXT;
        return 1;
    case H_TAG_NAME:
    case H_END_NAME:
        if (html_is_space(ch) || ch == '/' || ch == '>') {
            c->state = H_TAG;
            return html_step(h, c, s, n, off);
        }
        name_byte(h, c->tag, &c->tag_len, off, "a tag name");
        return 1;
    case H_TAG:
    case H_SELF_CLOSE:
    case H_ATTR_NAME:
    case H_AFTER_NAME:
    case H_AFTER_VALUE: return tag_step(h, c, s, n, off);
    case H_BEFORE_VALUE:
    case H_VALUE: return value_byte(h, c, s, n, off);
    case H_RAW: return raw_step(h, c, s, n, off);
    }
    return 1;
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (html_lower(c) >= 'a' && html_lower(c) <= 'f');
}

/* The character reference begun after static byte ch, in state r before it. */
static RefState ref_step(RefState r, char ch)
{
    bool digit = ch >= '0' && ch <= '9';
    switch (ch == '&' ? REF_NONE : r) {
    case REF_AMP: return ch == '#' ? REF_HASH : html_is_alnum(ch) ? REF_NAME : REF_NONE;
    case REF_HASH: return ch == 'x' || ch == 'X' ? REF_X : digit ? REF_DEC : REF_NONE;
    case REF_NAME: return html_is_alnum(ch) ? REF_NAME : REF_NONE;
    case REF_DEC: return digit ? REF_DEC : REF_NONE;
    case REF_X:
    case REF_HEX: return is_hex(ch) ? REF_HEX : REF_NONE;
    default: return ch == '&' ? REF_AMP : REF_NONE;
    }
}

void html_feed(Html *h, HCtx *c, const char *s, size_t n, uint32_t off)
{
    size_t i = 0;
    while (i < n && !h->failed)
        i += html_step(h, c, s + i, n - i, off + (uint32_t)i);
    for (size_t j = 0; j < n; j++) /* apart from html_step: it reads whole references */
        c->ref = ref_step(c->ref, s[j]);
}
