/* html.c — the checker's HTML state machine.
 *
 * It reads a component's static text one byte at a time, as a browser's tokenizer would,
 * carrying its state through the component's control flow, and so knows where each
 * interpolation stands: in text, in an attribute value of some kind (plain, URL, srcset,
 * JavaScript, CSS), in a <script> or <style> body, in a JavaScript string or regular
 * expression (jslex.c)... That decides the escaper, once, at compile time. The states
 * follow Go's html/template (context.go, transition.go); unlike it, starch also tracks open
 * elements, so that an element left open or closed by the wrong end tag is a compile error,
 * and knows SVG and MathML (where `/>` closes an element and <script> reads entities).
 * docs/security.md lists where starch reads HTML differently from Go, and why.
 *
 * Every decision is incremental (no look-ahead across nodes): a `<` at the end of one text
 * node and a tag name in the next are read as one tag. Names (of tags and attributes) must
 * be written in one piece of static text, so that the name the checker classifies is the
 * name the browser sees.
 */
#include "html.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "datastar.h"
#include "jslex.h"

/* Most elements open at once. */
#define HTML_MAX_DEPTH 256

typedef enum HState {
    H_TEXT,         /* between tags */
    H_LT,           /* after `<` */
    H_LT_SLASH,     /* after `</` */
    H_LT_BANG,      /* after `<!` */
    H_LT_BANG_DASH, /* after `<!-` */
    H_TAG_NAME,     /* in a start tag's name */
    H_END_NAME,     /* in an end tag's name */
    H_TAG,          /* in a tag (end_tag says which kind), before an attribute name */
    H_ATTR_NAME,    /* in an attribute name */
    H_AFTER_NAME,   /* after an attribute name: `=` or the next attribute */
    H_BEFORE_VALUE, /* after `=` */
    H_VALUE,        /* in an attribute value (delim says which kind) */
    H_AFTER_VALUE,  /* after a quoted value (or a boolean attribute) */
    H_SELF_CLOSE,   /* after `/` in a tag */
    H_RAW,          /* in the body of script, style, title, textarea, ... (raw says which) */
    H_COMMENT,      /* in <!-- --> */
    H_BOGUS,        /* in <!DOCTYPE ...>, <?...>, </ ...> */
} HState;

/* What an attribute's value is. */
typedef enum AttrKind {
    A_PLAIN,       /* text */
    A_URL,         /* a URL (href, src, ...) */
    A_SRCSET,      /* a list of image candidates */
    A_JS,          /* JavaScript: on* and Datastar expressions */
    A_DS_URL,      /* data-attr:href and friends: a Datastar expression giving a URL */
    A_CSS,         /* style */
    A_SCRIPT_TYPE, /* a <script>'s type: decides how its body is read; static only */
    A_SRCDOC,      /* an iframe's srcdoc: an HTML document; no value may go there */
} AttrKind;

/* Elements whose body is not HTML. */
typedef enum RawKind { R_NONE, R_SCRIPT, R_STYLE, R_RCDATA, R_RAWTEXT } RawKind;

/* Where a URL value is. */
typedef enum UrlPart {
    U_START,  /* where the scheme may still be written */
    U_PATH,   /* after the scheme (or a `/`), before `?` or `#` */
    U_QUERY,  /* after `?` or `#` */
    U_SCRIPT, /* after a static `javascript:` or `vbscript:`: no value may go there */
    U_AMBIG,  /* the branches of an if left it in different parts: no value until `?`/`#` */
} UrlPart;

/* scheme_len when the static start of a URL cannot be a scheme (a byte no scheme holds). */
#define SCHEME_NONE 255

typedef struct Elem {
    uint32_t off; /* the name in the component's file */
    uint16_t len;
    uint32_t tag; /* where its start tag begins, for messages */
} Elem;

/* The state: everything that decides a context, plus the open elements. Copied for each
 * branch of an if; compared where branches meet. */
typedef struct HCtx {
    HState state;
    char delim;            /* H_VALUE: '"', '\'' or ' ' (unquoted) */
    AttrKind attr;         /* the attribute being read (when attr_has_value) */
    RawKind raw;           /* H_RAW: which kind of body */
    bool raw_decode;       /* H_RAW: a <script> in SVG or MathML, where entities are decoded */
    bool end_tag;          /* the tag being read is an end tag */
    bool script_data;      /* the <script> start tag being read has a type that is not JS or JSON */
    UrlPart url;           /* A_URL values */
    bool url_dyn;          /* A_URL at U_START, or an A_DS_URL string: a value was just written */
    uint8_t scheme_len;    /* A_URL at U_START: scheme bytes read since, or SCHEME_NONE */
    char scheme[11];       /* their first bytes, lowercased */
    uint8_t type_len;      /* A_SCRIPT_TYPE: bytes of the value (255: too long to hold) */
    char type[40];         /* their first bytes, lowercased */
    uint8_t dashes;        /* H_COMMENT: `-` just read; H_RAW: bytes of `</name` matched */
    bool bang;             /* H_COMMENT: after `--!` */
    JsLex js;              /* A_JS / A_DS_URL values and <script> bodies */
    uint32_t tag, tag_len; /* the tag name being read (offset in the file) */
    uint32_t tag_start;    /* its `<` */
    uint32_t attr_off, attr_len; /* the attribute name being read */
    bool attr_has_value;
    Elem stack[HTML_MAX_DEPTH];
    int depth;
} HCtx;

typedef struct Html {
    Diag *d;
    File *f;
    const char *base; /* the text offsets refer to: the file's, or a markdown block's HTML */
    bool fixed;       /* reading a markdown block: every message points at it */
    uint32_t fixed_off;
    bool failed; /* an error was reported: stop reporting consequences */
} Html;

static const char *text_at(const Html *h, uint32_t off)
{
    return h->base + off;
}

/* Where a message about offset off points. */
static uint32_t at(const Html *h, uint32_t off)
{
    return h->fixed ? h->fixed_off : off;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9');
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c | 32) : c;
}

static bool name_is(const Html *h, uint32_t off, uint32_t len, const char *w)
{
    return strlen(w) == len && strncasecmp(text_at(h, off), w, len) == 0;
}

static bool name_in(const Html *h, uint32_t off, uint32_t len, const char *const *list)
{
    for (; *list; list++)
        if (name_is(h, off, len, *list))
            return true;
    return false;
}

/* Whether name[0..len) contains w, ignoring case. */
static bool name_has(const char *name, size_t len, const char *w)
{
    size_t n = strlen(w);
    for (size_t i = 0; i + n <= len; i++)
        if (strncasecmp(name + i, w, n) == 0)
            return true;
    return false;
}

static void report(Html *h, uint32_t off, const char *fmt, ...) STARCH_PRINTF(3, 4);

/* Reports an error at offset off; later consequences of it are not reported. */
static void report(Html *h, uint32_t off, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_error(h->d, &h->f->src, at(h, off), "%s", msg);
    h->failed = true;
}

/* ---- Element and attribute tables -------------------------------------------------- */

static const char *const void_elements[] = {"area",  "base",   "br",    "col",  "embed",
                                            "hr",    "img",    "input", "link", "meta",
                                            "param", "source", "track", "wbr",  NULL};

/* Attributes whose value is a URL (Go's attrTypeMap, plus ping). A namespace prefix is
 * ignored (xlink:href is href); data-NAME looks NAME up here too. */
static const char *const url_attrs[] = {"action",   "archive",  "background", "cite",    "classid",
                                        "codebase", "data",     "formaction", "href",    "icon",
                                        "longdesc", "manifest", "poster",     "profile", "src",
                                        "usemap",   "xmlns",    "ping",       NULL};

/* Start tags that end SVG and MathML content (the HTML parser's breakout list). */
static const char *const foreign_breakouts[] = {
    "b",      "big",  "blockquote", "body",  "br",   "center", "code",    "dd",   "div",
    "dl",     "dt",   "em",         "embed", "h1",   "h2",     "h3",      "h4",   "h5",
    "h6",     "head", "hr",         "i",     "img",  "li",     "listing", "menu", "meta",
    "nobr",   "ol",   "p",          "pre",   "ruby", "s",      "small",   "span", "strong",
    "strike", "sub",  "sup",        "table", "tt",   "u",      "ul",      "var",  NULL};

/* Elements of SVG and MathML whose content is HTML again. */
static const char *const integration_points[] = {
    "foreignobject", "desc", "title", "mi", "mo", "mn", "ms", "mtext", "annotation-xml", NULL};

/* The MIME types (and other values of <script type>) whose body is JavaScript or JSON; any
 * other type makes the body a data block, read as HTML (templates for client code). */
static const char *const js_types[] = {"",
                                       "module",
                                       "importmap",
                                       "speculationrules",
                                       "webbundle",
                                       "application/json",
                                       "application/ld+json",
                                       "application/ecmascript",
                                       "application/javascript",
                                       "application/x-ecmascript",
                                       "application/x-javascript",
                                       "text/ecmascript",
                                       "text/javascript",
                                       "text/javascript1.0",
                                       "text/javascript1.1",
                                       "text/javascript1.2",
                                       "text/javascript1.3",
                                       "text/javascript1.4",
                                       "text/javascript1.5",
                                       "text/jscript",
                                       "text/livescript",
                                       "text/x-ecmascript",
                                       "text/x-javascript",
                                       NULL};

/* What the value of attribute name[0..len) of the tag being read is. */
static AttrKind attr_kind(const Html *h, const HCtx *c, uint32_t off, uint32_t len)
{
    const char *s = text_at(h, off);
    if (name_is(h, off, len, "type") && name_is(h, c->tag, c->tag_len, "script"))
        return A_SCRIPT_TYPE;
    switch (datastar_value_kind(s, len)) {
    case DS_EXPR: return A_JS;
    case DS_URL: return A_DS_URL;
    case DS_NAME:
    case DS_NOVALUE: return A_PLAIN;
    case DS_NOT: break;
    }
    bool data = len > 5 && strncasecmp(s, "data-", 5) == 0;
    const char *colon = data ? NULL : memchr(s, ':', len);
    if (colon && name_is(h, off, (uint32_t)(colon - s), "xmlns"))
        return A_URL;
    uint32_t skip = data ? 5 : colon ? (uint32_t)(colon - s) + 1 : 0;
    uint32_t loff = off + skip, llen = len - skip; /* the local name */
    const char *l = s + skip;
    if (name_in(h, loff, llen, url_attrs))
        return A_URL;
    if (name_is(h, loff, llen, "srcset") || name_is(h, loff, llen, "imagesrcset"))
        return A_SRCSET;
    if (!data) {
        if (name_is(h, loff, llen, "style"))
            return A_CSS;
        if (name_is(h, loff, llen, "srcdoc"))
            return A_SRCDOC;
        if (llen > 2 && strncasecmp(l, "on", 2) == 0)
            return A_JS;
    }
    /* Go's heuristic for custom attributes that hold URLs (data-src, g:tweetUrl) */
    if (name_has(l, llen, "src") || name_has(l, llen, "uri") || name_has(l, llen, "url"))
        return A_URL;
    return A_PLAIN;
}

static RawKind raw_kind(const Html *h, uint32_t off, uint32_t len)
{
    static const char *const rcdata[] = {"title", "textarea", NULL};
    static const char *const rawtext[] = {"xmp", "iframe", "noembed", "noframes", NULL};
    if (name_is(h, off, len, "script"))
        return R_SCRIPT;
    if (name_is(h, off, len, "style"))
        return R_STYLE;
    if (name_in(h, off, len, rcdata))
        return R_RCDATA;
    if (name_in(h, off, len, rawtext))
        return R_RAWTEXT;
    return R_NONE;
}

/* The index in c's stack of the <svg> or <math> whose content the next tag is in, or -1
 * in HTML content. */
static int foreign_root(const Html *h, const HCtx *c)
{
    for (int i = c->depth - 1; i >= 0; i--) {
        const Elem *e = &c->stack[i];
        if (name_in(h, e->off, e->len, integration_points))
            return -1;
        if (name_is(h, e->off, e->len, "svg") || name_is(h, e->off, e->len, "math"))
            return i;
    }
    return -1;
}

/* Whether the type value of a <script> (c->type) makes its body JavaScript or JSON: the
 * value's essence (before any `;`, trimmed, case-folded) is one of js_types. A value too
 * long to hold counts as JavaScript (the safe guess: JavaScript escaping is safe in data). */
static bool script_type_is_js(const HCtx *c)
{
    if (c->type_len == 255)
        return true;
    size_t a = 0, b = c->type_len;
    const char *semi = memchr(c->type, ';', b);
    if (semi)
        b = (size_t)(semi - c->type);
    while (a < b && is_space(c->type[a]))
        a++;
    while (b > a && is_space(c->type[b - 1]))
        b--;
    for (const char *const *t = js_types; *t; t++)
        if (strlen(*t) == b - a && memcmp(*t, c->type + a, b - a) == 0)
            return true;
    return false;
}

/* ---- Character references ---------------------------------------------------------------- */

/* Named references to the ASCII characters that matter to JavaScript and URLs (quotes,
 * brackets, slashes, operators). Others decode to characters that do not. */
static const struct {
    const char *name; /* without `&` */
    char ch;
} named_refs[] = {
    {"quot;", '"'},
    {"QUOT;", '"'},
    {"apos;", '\''},
    {"amp;", '&'},
    {"AMP;", '&'},
    {"lt;", '<'},
    {"LT;", '<'},
    {"gt;", '>'},
    {"GT;", '>'},
    {"sol;", '/'},
    {"bsol;", '\\'},
    {"grave;", '`'},
    {"DiacriticalGrave;", '`'},
    {"lpar;", '('},
    {"rpar;", ')'},
    {"lsqb;", '['},
    {"lbrack;", '['},
    {"rsqb;", ']'},
    {"rbrack;", ']'},
    {"lcub;", '{'},
    {"lbrace;", '{'},
    {"rcub;", '}'},
    {"rbrace;", '}'},
    {"colon;", ':'},
    {"quest;", '?'},
    {"num;", '#'},
    {"dollar;", '$'},
    {"excl;", '!'},
    {"ast;", '*'},
    {"midast;", '*'},
    {"plus;", '+'},
    {"comma;", ','},
    {"period;", '.'},
    {"semi;", ';'},
    {"equals;", '='},
    {"percnt;", '%'},
    {"commat;", '@'},
    {"lowbar;", '_'},
    {"UnderBar;", '_'},
    {"verbar;", '|'},
    {"vert;", '|'},
    {"VerticalLine;", '|'},
    {"Hat;", '^'},
    {"Tab;", '\t'},
    {"NewLine;", '\n'},
    /* legacy references that work without `;` (unless a letter, digit or `=` follows) */
    {"quot", '"'},
    {"QUOT", '"'},
    {"amp", '&'},
    {"AMP", '&'},
    {"lt", '<'},
    {"LT", '<'},
    {"gt", '>'},
    {"GT", '>'},
};

/* Decodes a numeric reference at s[0..n) (s starts `&#`); see decode_ref. */
static size_t decode_numeric(const char *s, size_t n, char *ch)
{
    bool hex = n > 2 && (s[2] == 'x' || s[2] == 'X');
    size_t i = hex ? 3 : 2, start = i;
    unsigned long v = 0;
    for (; i < n; i++) {
        char d = s[i];
        int x = d >= '0' && d <= '9'                        ? d - '0'
                : hex && lower(d) >= 'a' && lower(d) <= 'f' ? lower(d) - 'a' + 10
                                                            : -1;
        if (x < 0)
            break;
        if (v < 0x110000)
            v = v * (hex ? 16 : 10) + (unsigned long)x;
    }
    if (i == start)
        return 0;
    *ch = v > 0 && v < 0x80 ? (char)v : 'x'; /* beyond ASCII: an ordinary character */
    return i < n && s[i] == ';' ? i + 1 : i;
}

/* Decodes the character reference at s[0..n) (s[0] == '&') in an attribute value: sets
 * *ch and returns its length, or 0 when it is not one (then `&` stands for itself). Only
 * the characters that matter to JavaScript and URLs are told apart. */
static size_t decode_ref(const char *s, size_t n, char *ch)
{
    if (n >= 3 && s[1] == '#')
        return decode_numeric(s, n, ch);
    for (size_t i = 0; i < sizeof named_refs / sizeof named_refs[0]; i++) {
        size_t l = strlen(named_refs[i].name);
        if (n < l + 1 || memcmp(s + 1, named_refs[i].name, l) != 0)
            continue;
        if (named_refs[i].name[l - 1] != ';' && n > l + 1 &&
            (is_alnum(s[l + 1]) || s[l + 1] == '='))
            continue; /* `&ampx`, `&amp=`: not a reference in an attribute */
        *ch = named_refs[i].ch;
        return l + 1;
    }
    return 0;
}

/* ---- URLs ---------------------------------------------------------------------------------- */

/* A `:` in a URL value at its start. */
static void url_colon(Html *h, HCtx *c, uint32_t off)
{
    if (c->url_dyn && (c->url == U_AMBIG || c->scheme_len != SCHEME_NONE)) {
        if (!h->failed)
            report(h, off,
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
    if (!is_alpha(ch) && !(more && (c->scheme_len > 0 || c->url_dyn))) {
        c->scheme_len = SCHEME_NONE;
        return;
    }
    if (c->scheme_len < sizeof c->scheme)
        c->scheme[c->scheme_len] = lower(ch);
    if (c->scheme_len < SCHEME_NONE - 1)
        c->scheme_len++;
}

/* Whether a URL value's state may be joined with another's (see join_url). */
static bool url_joinable(const HCtx *c)
{
    return c->url == U_PATH || c->url == U_QUERY || c->url == U_AMBIG ||
           (c->url == U_START && (c->scheme_len == 0 || c->scheme_len == SCHEME_NONE));
}

/* ---- Attribute values ----------------------------------------------------------------- */

/* Feeds a byte of JavaScript to the lexer. */
static void js_step(Html *h, HCtx *c, char ch, uint32_t off)
{
    if (!jslex_step(&c->js, ch) && !h->failed)
        report(h, off, "template literals nested too deeply (more than %d '${')", JSLEX_MAX_TMPL);
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
    bool scheme = is_alnum(ch) || ch == '+' || ch == '-' || ch == '.';
    if (!was_string || !js_in_string(&c->js) || !scheme)
        c->url_dyn = false;
    if (ch == ':' && was_string && !h->failed)
        report(h, off,
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
        if (c->type_len < sizeof c->type)
            c->type[c->type_len++] = lower(ch);
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
static void end_attr(Html *h, HCtx *c)
{
    if (c->end_tag)
        return;
    if (c->attr_has_value && c->attr == A_SCRIPT_TYPE)
        c->script_data = !script_type_is_js(c);
    if (c->attr_len >= 5 && strncasecmp(text_at(h, c->attr_off), "data-", 5) == 0 && !h->fixed)
        datastar_check_attr(h->d, &h->f->src, c->attr_off, text_at(h, c->attr_off), c->attr_len,
                            c->attr_has_value);
    c->attr_len = 0;
}

/* Pushes the element whose start tag was just read. */
static bool push(Html *h, HCtx *c)
{
    if (c->depth == HTML_MAX_DEPTH) {
        report(h, c->tag_start, "elements nested too deeply (limit %d)", HTML_MAX_DEPTH);
        return false;
    }
    uint16_t len = (uint16_t)(c->tag_len > 0xffff ? 0xffff : c->tag_len);
    c->stack[c->depth++] = (Elem){c->tag, len, c->tag_start};
    return true;
}

/* `>` of a start tag: push the element (unless void or self-closing in SVG/MathML), enter
 * the raw bodies. */
static void end_start_tag(Html *h, HCtx *c, bool self_closing)
{
    c->state = H_TEXT;
    const char *name = text_at(h, c->tag);
    int len = (int)c->tag_len;
    int root = foreign_root(h, c);
    if (root >= 0 && name_in(h, c->tag, c->tag_len, foreign_breakouts)) {
        const Elem *r = &c->stack[root];
        report(h, c->tag_start,
               "'<%.*s>' cannot stand inside '<%.*s>': the browser would end the '<%.*s>' here "
               "(put HTML inside <foreignObject>)",
               len, name, (int)r->len, text_at(h, r->off), (int)r->len, text_at(h, r->off));
        return;
    }
    if (root < 0 && name_in(h, c->tag, c->tag_len, void_elements))
        return;
    bool foreign = root >= 0 || name_is(h, c->tag, c->tag_len, "svg") ||
                   name_is(h, c->tag, c->tag_len, "math");
    if (self_closing && foreign)
        return;
    if (self_closing) {
        report(h, c->tag_start,
               "'<%.*s/>': an HTML element cannot close itself (the browser ignores the '/'): "
               "write '<%.*s></%.*s>'",
               len, name, len, name, len, name);
        return;
    }
    if (name_is(h, c->tag, c->tag_len, "plaintext")) {
        report(h, c->tag_start, "'<plaintext>' is not supported (it never ends)");
        return;
    }
    if (!push(h, c))
        return;
    c->raw = raw_kind(h, c->tag, c->tag_len);
    if (root >= 0 && c->raw != R_SCRIPT && c->raw != R_STYLE)
        c->raw = R_NONE; /* an SVG <title> holds markup */
    if (c->raw == R_SCRIPT && c->script_data && root < 0)
        c->raw = R_NONE; /* a data block: its body is read as HTML */
    if (c->raw != R_NONE) {
        c->state = H_RAW;
        c->dashes = 0;
        c->raw_decode = root >= 0;
        jslex_reset(&c->js);
    }
}

/* `>` of an end tag: it must close the innermost open element. */
static void end_end_tag(Html *h, HCtx *c)
{
    c->state = H_TEXT;
    const char *name = text_at(h, c->tag);
    int len = (int)c->tag_len;
    if (name_in(h, c->tag, c->tag_len, void_elements) && foreign_root(h, c) < 0) {
        report(h, c->tag_start, "'</%.*s>': '%.*s' is a void element and has no end tag%s", len,
               name, len, name,
               name_is(h, c->tag, c->tag_len, "br") ? " (browsers read '</br>' as '<br>')" : "");
        return;
    }
    if (c->depth == 0) {
        report(h, c->tag_start, "'</%.*s>' closes no open element", len, name);
        return;
    }
    Elem *e = &c->stack[c->depth - 1];
    if (e->len != c->tag_len || strncasecmp(text_at(h, e->off), name, e->len) != 0) {
        report(h, c->tag_start, "'</%.*s>' does not close the innermost open element", len, name);
        diag_note(h->d, &h->f->src, at(h, e->tag), "'<%.*s>' is open here (close it first)",
                  (int)e->len, text_at(h, e->off));
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

/* In a raw body: does the text now end with `</name` of the open element (and a byte that
 * ends a tag name)? Then the end tag is read as one; returns true. */
static bool raw_end(Html *h, HCtx *c, char ch, uint32_t off)
{
    const Elem *e = &c->stack[c->depth - 1];
    uint8_t m = c->dashes;
    if (m >= 2 && m - 2 == e->len && (is_space(ch) || ch == '>' || ch == '/')) {
        c->state = H_TAG;
        c->end_tag = true;
        c->tag = e->off;
        c->tag_len = e->len;
        c->tag_start = off - e->len - 2;
        c->raw = R_NONE;
        c->dashes = 0;
        if (ch == '>')
            end_end_tag(h, c);
        else if (ch == '/')
            c->state = H_SELF_CLOSE;
        return true;
    }
    if (m == 0 && ch == '<')
        m = 1;
    else if (m == 1 && ch == '/')
        m = 2;
    else if (m >= 2 && m - 2 < e->len && lower(ch) == lower(text_at(h, e->off)[m - 2]))
        m++;
    else
        m = ch == '<' ? 1 : 0;
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
        size_t len = decode_ref(s, n, &d);
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

/* A byte of a tag or attribute name read in text at off: the name must be one piece. */
static void name_byte(Html *h, uint32_t start, uint32_t *len, uint32_t off, const char *what)
{
    if (off != start + *len && !h->failed)
        report(h, off, "%s must be written in one piece of text", what);
    (*len)++;
}

static size_t step(Html *h, HCtx *c, const char *s, size_t n, uint32_t off);

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
        } else if (!is_space(ch)) {
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
        return step(h, c, s, n, off);
    case H_ATTR_NAME:
        if (ch == '=' || ch == '>' || ch == '/' || is_space(ch)) {
            c->state = H_AFTER_NAME;
            return step(h, c, s, n, off);
        }
        name_byte(h, c->attr_off, &c->attr_len, off, "an attribute name");
        return 1;
    case H_AFTER_NAME:
        if (ch == '=') {
            c->state = H_BEFORE_VALUE;
            c->attr = attr_kind(h, c, c->attr_off, c->attr_len);
            c->attr_has_value = true;
        } else if (!is_space(ch)) {
            end_attr(h, c);
            c->state = H_TAG;
            return step(h, c, s, n, off);
        }
        return 1;
    default: /* H_AFTER_VALUE */
        if (ch == '>') {
            end_tag(h, c, false);
        } else if (ch == '/') {
            c->state = H_SELF_CLOSE;
        } else {
            c->state = H_TAG; /* a missing space between attributes: as browsers read it */
            return step(h, c, s, n, off);
        }
        return 1;
    }
}

/* A byte after `=` or in an attribute value. */
static size_t value_byte(Html *h, HCtx *c, const char *s, size_t n, uint32_t off)
{
    char ch = s[0];
    if (c->state == H_BEFORE_VALUE) {
        if (is_space(ch))
            return 1;
        begin_value(c);
        if (ch == '"' || ch == '\'') {
            c->state = H_VALUE;
            c->delim = ch;
        } else if (ch == '>') {
            end_attr(h, c);
            end_tag(h, c, false);
        } else {
            c->state = H_VALUE;
            c->delim = ' ';
            return step(h, c, s, n, off);
        }
        return 1;
    }
    if (ch == c->delim || (c->delim == ' ' && (is_space(ch) || ch == '>'))) {
        end_attr(h, c);
        c->state = c->delim == ' ' ? H_TAG : H_AFTER_VALUE;
        return c->delim == ' ' ? step(h, c, s, n, off) : 1;
    }
    if (ch == '&') {
        char d;
        size_t len = decode_ref(s, n, &d);
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
        if (is_alpha(ch)) {
            c->state = H_TAG_NAME;
            c->end_tag = false;
            c->script_data = false;
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
            return step(h, c, s, n, off);
        }
        return 1;
    case H_LT_SLASH:
        if (is_alpha(ch)) {
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
        return step(h, c, s, n, off);
    default: /* H_LT_BANG_DASH */
        if (ch == '-') {
            c->state = H_COMMENT;
            c->dashes = 2; /* so that `<!-->` and `<!--->` end at once, as in browsers */
            c->bang = false;
            return 1;
        }
        c->state = H_BOGUS;
        return step(h, c, s, n, off);
    }
}

/* Reads one byte of static text at file offset off; s/n is the rest of the text node (for
 * character references). Returns how many bytes were read. */
static size_t step(Html *h, HCtx *c, const char *s, size_t n, uint32_t off)
{
    char ch = s[0];
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
        if (is_space(ch) || ch == '/' || ch == '>') {
            c->state = H_TAG;
            return step(h, c, s, n, off);
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

static void feed(Html *h, HCtx *c, const char *s, size_t n, uint32_t off)
{
    size_t i = 0;
    while (i < n && !h->failed)
        i += step(h, c, s + i, n - i, off + (uint32_t)i);
}

/* ---- Contexts -------------------------------------------------------------------------- */

/* Where a value would stand, in words, and what to do about it (for messages). */
typedef struct Where {
    const char *what; /* "in text", "in an attribute name", ... */
    const char *hint; /* how to write it instead, or NULL */
} Where;

static Where where_tag(const HCtx *c)
{
    if (c->end_tag)
        return (Where){"in an end tag", NULL};
    switch (c->state) {
    case H_LT:
    case H_TAG_NAME: return (Where){"in a tag name", NULL};
    case H_ATTR_NAME:
    case H_AFTER_NAME: return (Where){"in an attribute name", NULL};
    default: return (Where){"between the attributes of a tag", NULL};
    }
}

static Where where_value(HCtx *c)
{
    if (c->end_tag)
        return (Where){"in an end tag", NULL};
    if (c->attr == A_SCRIPT_TYPE)
        return (Where){"in the type of a <script>",
                       "(write the type out: it decides how the body is escaped)"};
    if (c->attr == A_SRCDOC)
        return (Where){"in an iframe's srcdoc",
                       "(it holds a whole HTML document, which starch does not check: serve the "
                       "document from a URL and use src)"};
    if (c->state == H_VALUE && c->delim == ' ')
        return (Where){"in an unquoted attribute value", "(quote the attribute value)"};
    if (c->state == H_BEFORE_VALUE)
        return (Where){"in an attribute value", NULL};
    if (c->attr == A_URL && c->url == U_SCRIPT)
        return (Where){"in a javascript: URL",
                       "(use an event handler attribute such as onclick, where values are "
                       "escaped as JavaScript)"};
    if (c->attr == A_URL && c->url == U_AMBIG)
        return (Where){"in a URL whose part (scheme, path or query) depends on the branches "
                       "before it",
                       "(make every branch end in the same part, e.g. after a '/' or '?')"};
    if (c->attr != A_JS && c->attr != A_DS_URL)
        return (Where){"in an attribute value", NULL};
    JsSpot spot = jslex_spot(&c->js);
    const char *hint = spot == JS_AT_GLUED    ? "(add a space or an operator)"
                       : spot == JS_AT_ESCAPE ? "(the '\\' would escape it)"
                       : spot == JS_AT_DOLLAR ? "(a value here could open '${')"
                                              : NULL;
    return (Where){jslex_describe(spot), hint};
}

/* Where the state c stands, for messages. */
static Where where_state(HCtx *c)
{
    switch (c->state) {
    case H_TEXT: return (Where){"in text", NULL};
    case H_LT_SLASH:
    case H_END_NAME: return (Where){"in an end tag", NULL};
    case H_LT_BANG:
    case H_LT_BANG_DASH:
    case H_BOGUS: return (Where){"in a doctype or another markup declaration", NULL};
    case H_COMMENT: return (Where){"in an HTML comment", NULL};
    case H_LT:
    case H_TAG_NAME:
    case H_TAG:
    case H_AFTER_VALUE:
    case H_SELF_CLOSE:
    case H_ATTR_NAME:
    case H_AFTER_NAME: return where_tag(c);
    case H_BEFORE_VALUE:
    case H_VALUE: return where_value(c);
    case H_RAW:
        if (c->raw == R_SCRIPT)
            return (Where){jslex_describe(jslex_spot(&c->js)), NULL};
        return (Where){c->raw == R_STYLE ? "in a <style> body" : "in a raw text body", NULL};
    }
    return (Where){"here", NULL};
}

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

/* The context of an interpolation in state c, or CTX_NONE where no value may go. */
static Context context_of(HCtx *c, bool *quote)
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

/* The state after an interpolation of context ctx. */
static void after_value(HCtx *c, Context ctx, bool quote)
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

/* ---- Comparing states ------------------------------------------------------------------- */

static bool same_name(const Html *h, uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
    return alen == blen && strncasecmp(text_at(h, a), text_at(h, b), alen) == 0;
}

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
        return a->type_len == b->type_len &&
               (a->type_len == 255 || memcmp(a->type, b->type, a->type_len) == 0);
    default: return true;
    }
}

/* Whether two states read everything that follows the same way (ignoring the part of a URL
 * value, when ignore_url). */
static bool same_state(const Html *h, const HCtx *a, const HCtx *b, bool ignore_url)
{
    if (a->state != b->state || a->depth != b->depth)
        return false;
    for (int i = 0; i < a->depth; i++)
        if (!same_name(h, a->stack[i].off, a->stack[i].len, b->stack[i].off, b->stack[i].len))
            return false;
    bool tag = same_name(h, a->tag, a->tag_len, b->tag, b->tag_len) && a->end_tag == b->end_tag &&
               a->script_data == b->script_data;
    bool attr = same_name(h, a->attr_off, a->attr_len, b->attr_off, b->attr_len);
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
               (a->raw != R_SCRIPT || jslex_same(&a->js, &b->js));
    case H_COMMENT: return a->dashes == b->dashes && a->bang == b->bang;
    default: return true;
    }
}

/* Joins the state b into a where the two differ only in the part of a URL value (a branch
 * wrote a value where the URL starts, the other a path): the part becomes unknown, where
 * no value may go until a `?` or `#` settles it. Returns false when they cannot be joined. */
static bool join_url(const Html *h, HCtx *a, const HCtx *b)
{
    if (a->state != H_VALUE || a->attr != A_URL || !same_state(h, a, b, true) || !url_joinable(a) ||
        !url_joinable(b))
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

/* ---- Walking the component --------------------------------------------------------------- */

static void walk(Html *h, HCtx *c, Node *list);

/* Describes the state c ends in (with its innermost open element), for messages. */
static void describe_end(const Html *h, HCtx *c, char *buf, size_t size)
{
    Where w = where_state(c);
    if (c->depth > 0 && c->state == H_TEXT)
        snprintf(buf, size, "%s, inside '<%.*s>'", w.what, (int)c->stack[c->depth - 1].len,
                 text_at(h, c->stack[c->depth - 1].off));
    else
        snprintf(buf, size, "%s", w.what);
}

/* Reports two branches ending in different states. */
static void report_branches(Html *h, Node *n, const char *what, HCtx *a, uint32_t a_off, HCtx *b,
                            uint32_t b_off)
{
    char da[200], db[200];
    describe_end(h, a, da, sizeof da);
    describe_end(h, b, db, sizeof db);
    diag_error(h->d, &h->f->src, at(h, n->off), "%s leave the HTML in different states", what);
    diag_note(h->d, &h->f->src, at(h, a_off), "here it is %s", da);
    diag_note(h->d, &h->f->src, at(h, b_off), "here it is %s", db);
    h->failed = true;
}

/* Where a node list ends (for messages): its last node, or the fallback. */
static uint32_t end_off(const NodeList *l, uint32_t fallback)
{
    const Node *last = l->tail;
    if (last == NULL)
        return fallback;
    return last->kind == N_TEXT ? last->text.off + last->text.len : last->off;
}

static void walk_if(Html *h, HCtx *c, Node *n)
{
    HCtx *other = malloc(sizeof *other);
    if (other == NULL)
        return;
    *other = *c;
    walk(h, c, n->body.head);
    walk(h, other, n->alt.head);
    if (!h->failed && !same_state(h, c, other, false) && !join_url(h, c, other))
        report_branches(h, n,
                        n->alt.head ? "the branches of this 'if'"
                                    : "this 'if' (true) and its missing 'else' (false)",
                        c, end_off(&n->body, n->off), other, end_off(&n->alt, n->off));
    free(other);
}

static void walk_loop(Html *h, HCtx *c, Node *n)
{
    HCtx *start = malloc(sizeof *start);
    if (start == NULL)
        return;
    *start = *c;
    walk(h, c, n->body.head);
    if (!h->failed && !same_state(h, c, start, false))
        report_branches(h, n, "the body of this 'for' must end as it starts: the iterations", start,
                        n->off, c, end_off(&n->body, n->off));
    if (n->alt.head) {
        HCtx *alt = malloc(sizeof *alt);
        if (alt) {
            *alt = *start;
            walk(h, alt, n->alt.head);
            if (!h->failed && !same_state(h, alt, start, false))
                report_branches(h, n, "the 'else' of this 'for' must end as it starts: it would",
                                start, n->off, alt, end_off(&n->alt, n->off));
            free(alt);
        }
    }
    free(start);
}

/* Checks that a fragment (a fill, a call's children, a markdown block) leaves the HTML as
 * it found it: in text, every element closed. */
static void check_fragment_end(Html *h, HCtx *frag, uint32_t off, const char *what)
{
    if (h->failed || (frag->state == H_TEXT && frag->depth == 0))
        return;
    char buf[200];
    describe_end(h, frag, buf, sizeof buf);
    diag_error(h->d, &h->f->src, off,
               "%s must leave the HTML as it found it (in text, every element closed); it ends %s",
               what, buf);
    h->failed = true;
}

/* Checks the nodes of list (but its fills, with skip_fills) as a fragment. */
static void walk_fragment(Html *h, Node *list, bool skip_fills, uint32_t off, const char *what)
{
    HCtx *frag = calloc(1, sizeof *frag);
    if (frag == NULL)
        return;
    for (Node *x = list; x && !h->failed; x = x->next) {
        if (skip_fills && x->kind == N_FILL)
            continue;
        Node *next = x->next;
        x->next = NULL; /* one node at a time */
        walk(h, frag, x);
        x->next = next;
    }
    check_fragment_end(h, frag, off, what);
    free(frag);
}

/* The HTML a markdown block produced, checked as a fragment of its own. */
static void walk_markdown(Html *h, Node *n)
{
    HCtx *frag = calloc(1, sizeof *frag);
    if (frag == NULL || n->html == NULL) {
        free(frag);
        return;
    }
    Html mh = *h;
    mh.base = n->html;
    mh.fixed = true;
    mh.fixed_off = n->off;
    feed(&mh, frag, n->html, n->html_len, 0);
    h->failed |= mh.failed;
    check_fragment_end(h, frag, n->off, "the HTML of a markdown block");
    free(frag);
}

/* A construct that writes HTML of its own (render, call, slot, markdown) must stand in
 * text. */
static void require_text(Html *h, HCtx *c, Node *n, const char *what)
{
    if (c->state != H_TEXT && !h->failed)
        report(h, n->off, "%s cannot stand here: it writes HTML, and this is not text", what);
}

static void interp(Html *h, HCtx *c, Node *n)
{
    bool quote;
    Context ctx = context_of(c, &quote);
    bool raw = false;
    for (Filter *f = n->filters; f; f = f->next)
        raw |= f->kind == F_RAW;
    n->ctx = ctx;
    n->quote = quote;
    if (quote)
        end_attr(h, c); /* name={{ value }}: the attribute ends with the value */
    if (ctx == CTX_NONE && !raw) {
        if (!h->failed) {
            Where w = where_state(c);
            report(h, n->off, "a value cannot be interpolated %s %s", w.what,
                   w.hint ? w.hint : "(use '| raw' if you vouch for it)");
        }
        return;
    }
    for (Filter *f = n->filters; f && ctx == CTX_CSS && !raw; f = f->next)
        if (f->kind != F_RAW && !h->failed)
            report(h, f->name.off,
                   "'| %.*s' cannot stand in CSS, which takes only numbers (or '| raw')",
                   (int)f->name.len, text_at(h, f->name.off));
    if (ctx != CTX_NONE || quote)
        after_value(c, ctx, quote); /* raw where nothing else may go: the state is kept */
}

static void boolattr(Html *h, HCtx *c, Node *n)
{
    if (c->state == H_AFTER_NAME)
        end_attr(h, c);
    bool between = c->state == H_TAG || c->state == H_AFTER_VALUE || c->state == H_TAG_NAME ||
                   c->state == H_AFTER_NAME;
    if ((!between || c->end_tag) && !h->failed) {
        report(h, n->off, "'%.*s?=' must stand between the attributes of a start tag",
               (int)n->name.len, text_at(h, n->name.off));
        return;
    }
    c->state = H_AFTER_VALUE;
    n->ctx = CTX_ATTR;
}

static void walk(Html *h, HCtx *c, Node *list)
{
    for (Node *n = list; n && !h->failed; n = n->next) {
        switch (n->kind) {
        case N_TEXT: feed(h, c, text_at(h, n->text.off), n->text.len, n->text.off); break;
        case N_INTERP: interp(h, c, n); break;
        case N_BOOLATTR: boolattr(h, c, n); break;
        case N_IF: walk_if(h, c, n); break;
        case N_FOR_IN:
        case N_FOR_C: walk_loop(h, c, n); break;
        case N_RENDER: require_text(h, c, n, "'{% render %}'"); break;
        case N_CALL:
            require_text(h, c, n, "'{% call %}'");
            for (Node *x = n->body.head; x; x = x->next)
                if (x->kind == N_FILL)
                    walk_fragment(h, x->body.head, false, x->off, "a fill");
            walk_fragment(h, n->body.head, true, n->off, "the content of a call");
            break;
        case N_SLOT:
        case N_CHILDREN: require_text(h, c, n, "a slot"); break;
        case N_MARKDOWN:
            require_text(h, c, n, "'{% markdown %}'");
            walk_markdown(h, n);
            break;
        case N_LET:
        case N_FILL: /* checked with its call */
        default: break;
        }
    }
}

/* Reports what is still open at the end of a component. */
static void check_end(Html *h, HCtx *c, Node *comp)
{
    if (h->failed)
        return;
    const Elem *e = c->depth ? &c->stack[c->depth - 1] : NULL;
    if (c->state == H_RAW)
        report(h, e->tag, "'<%.*s>' is not closed at the end of the component", (int)e->len,
               text_at(h, e->off));
    else if (c->state != H_TEXT)
        report(h, end_off(&comp->body, comp->off), "the component ends %s", where_state(c).what);
    else if (e)
        report(h, e->tag,
               "'<%.*s>' is not closed at the end of the component (every element needs its "
               "end tag)",
               (int)e->len, text_at(h, e->off));
}

void html_check_component(Diag *d, File *f, Node *comp)
{
    Html h = {d, f, f->src.text, false, 0, false};
    HCtx *c = calloc(1, sizeof *c);
    if (c == NULL)
        return;
    walk(&h, c, comp->body.head);
    check_end(&h, c, comp);
    free(c);
}
