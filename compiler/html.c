/* html.c — the checker's HTML state machine.
 *
 * It reads a component's static text one byte at a time, as a browser's tokenizer would,
 * carrying its state through the component's control flow, and so knows where each
 * interpolation stands: in text, in an attribute value of some kind (plain, URL, srcset,
 * JavaScript, CSS), in a <script> or <style> body, in a JavaScript string or regular
 * expression (jslex.c)... That decides the escaper, once, at compile time. The states
 * follow Go's html/template (context.go, transition.go); unlike it, starch also tracks open
 * elements, so that an element left open or closed by the wrong end tag is a compile error,
 * and knows SVG and MathML (each element's namespace, the integration points, `/>`, and
 * <script> and <style> bodies that are markup there). A value may not follow static text
 * that begins markup the value could complete (`</scr`, `<!`, an unfinished character
 * reference), and a tag may not repeat an attribute (the browser keeps the first).
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

/* Most attributes in one tag (each name is kept, to find duplicates). */
#define HTML_MAX_ATTRS 128

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
    A_ENCODING,    /* an <annotation-xml>'s encoding: decides how its content is read; static */
    A_SRCDOC,      /* an iframe's srcdoc: an HTML document; no value may go there */
    A_DS_SETS,     /* data-attr:KEY where KEY's value is script, HTML, CSS or a srcset (HCtx.sets
                    * says which), or a keyless data-attr: no value may go there */
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

/* The namespace an element is in, as the HTML parser decides it. */
typedef enum Ns { NS_HTML, NS_SVG, NS_MATH } Ns;

/* Elements of SVG and MathML whose content the HTML parser reads as HTML again. */
typedef enum Point {
    PT_NONE,
    PT_HTML,      /* SVG foreignObject, desc, title; MathML annotation-xml whose encoding is
                   * text/html or application/xhtml+xml */
    PT_MATH_TEXT, /* MathML mi, mo, mn, ms, mtext: HTML, but for <mglyph> and <malignmark> */
} Point;

typedef struct Elem {
    uint32_t off; /* the name in the component's file */
    uint16_t len;
    uint8_t ns;    /* Ns */
    uint8_t point; /* Point */
    uint32_t tag;  /* where its start tag begins, for messages */
} Elem;

/* How far static text has begun a character reference that a value after it could
 * finish: `&`, `&#`, `&#x`, `&name`, `&#12`, `&#x1f` (the tokenizer's character
 * reference states). */
typedef enum RefState {
    REF_NONE,
    REF_AMP,  /* `&` */
    REF_HASH, /* `&#` */
    REF_X,    /* `&#x` */
    REF_NAME, /* `&` and letters or digits */
    REF_DEC,  /* `&#` and digits */
    REF_HEX,  /* `&#x` and hex digits */
} RefState;

/* The state: everything that decides a context, plus the open elements. Copied for each
 * branch of an if; compared where branches meet. */
typedef struct HCtx {
    HState state;
    char delim;            /* H_VALUE: '"', '\'' or ' ' (unquoted) */
    AttrKind attr;         /* the attribute being read (when attr_has_value) */
    RawKind raw;           /* H_RAW: which kind of body */
    bool raw_decode;       /* H_RAW: <script>/<style> in SVG or MathML: markup (entities decoded) */
    bool end_tag;          /* the tag being read is an end tag */
    bool script_data;      /* the <script> start tag being read has a type that is not JS or JSON */
    bool html_point;       /* the <annotation-xml> start tag being read has an HTML encoding */
    AttrKind sets;         /* A_DS_SETS: the kind of attribute KEY (A_DS_SETS when keyless) */
    UrlPart url;           /* A_URL values */
    bool url_dyn;          /* A_URL at U_START, or an A_DS_URL string: a value was just written */
    uint8_t scheme_len;    /* A_URL at U_START: scheme bytes read since, or SCHEME_NONE */
    char scheme[11];       /* their first bytes, lowercased */
    uint8_t type_len;      /* A_SCRIPT_TYPE, A_ENCODING: bytes of the value (255: too long) */
    char type[40];         /* their first bytes, lowercased */
    uint8_t dashes;        /* H_COMMENT: `-` just read; H_RAW: bytes of `</name` matched */
    bool bang;             /* H_COMMENT: after `--!` */
    uint8_t raw_bang;      /* H_RAW in <script>: 1 after `<!`, 2 after `<!-` */
    uint32_t lt_off;       /* H_RAW: the `<` that dashes (or raw_bang) follows */
    RefState ref;          /* how far the static text has begun a character reference */
    uint8_t after_bool;    /* right after a `name?={{ }}`: whitespace, `/` or `>` must follow (2:
                            * it followed an unquoted value, which a `/` would join) */
    JsLex js;              /* A_JS / A_DS_URL values and <script> bodies */
    uint32_t tag, tag_len; /* the tag name being read (offset in the file) */
    uint32_t tag_start;    /* its `<` */
    uint32_t attr_off, attr_len; /* the attribute name being read */
    bool attr_has_value;
    uint32_t tag_serial; /* counts start tags: tells one tag from the next */
    uint8_t nattrs;      /* the names of the attributes of the start tag being read */
    uint16_t attr_lens[HTML_MAX_ATTRS];
    uint32_t attrs[HTML_MAX_ATTRS];
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

static bool same_name(const Html *h, uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
    return alen == blen && strncasecmp(text_at(h, a), text_at(h, b), alen) == 0;
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

/* SVG elements whose content is HTML again (HTML integration points). */
static const char *const svg_html_points[] = {"foreignobject", "desc", "title", NULL};

/* MathML elements whose content is HTML but for <mglyph> and <malignmark> (MathML text
 * integration points). */
static const char *const math_text_points[] = {"mi", "mo", "mn", "ms", "mtext", NULL};

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

static AttrKind attr_kind(const Html *h, const HCtx *c, uint32_t off, uint32_t len, AttrKind *sets);

/* What the value of data-attr:KEY (name[0..len)) is: a JavaScript expression whose value
 * becomes attribute KEY, classified as attribute KEY itself is. A URL attribute takes the
 * Datastar URL flavour (string values URL-filtered), a plain one plain JavaScript; where
 * KEY's value is script (on*, a Datastar expression), HTML (srcdoc), CSS (style) or a
 * srcset, no value may go (A_DS_SETS, *sets = KEY's kind). The keyless data-attr, an
 * object whose keys name the attributes it sets, takes no value either (*sets = A_DS_SETS). */
static AttrKind ds_attr_kind(const Html *h, const HCtx *c, uint32_t off, uint32_t len,
                             AttrKind *sets)
{
    size_t at, n;
    if (!datastar_attr_key(text_at(h, off), len, &at, &n) || n == 0) {
        *sets = A_DS_SETS;
        return A_DS_SETS;
    }
    AttrKind inner;
    switch (attr_kind(h, c, off + (uint32_t)at, (uint32_t)n, &inner)) {
    case A_PLAIN:
    case A_SCRIPT_TYPE: /* set after the element was parsed: they change nothing */
    case A_ENCODING: return A_JS;
    case A_URL: return A_DS_URL;
    case A_SRCDOC: *sets = A_SRCDOC; return A_DS_SETS;
    case A_CSS: *sets = A_CSS; return A_DS_SETS;
    case A_SRCSET: *sets = A_SRCSET; return A_DS_SETS;
    default: *sets = A_JS; return A_DS_SETS; /* on*, or a Datastar expression attribute */
    }
}

/* What the value of attribute name[0..len) of the tag being read is; *sets: see A_DS_SETS. */
static AttrKind attr_kind(const Html *h, const HCtx *c, uint32_t off, uint32_t len, AttrKind *sets)
{
    const char *s = text_at(h, off);
    *sets = A_PLAIN;
    if (name_is(h, off, len, "type") && name_is(h, c->tag, c->tag_len, "script"))
        return A_SCRIPT_TYPE;
    if (name_is(h, off, len, "encoding") && name_is(h, c->tag, c->tag_len, "annotation-xml"))
        return A_ENCODING;
    switch (datastar_value_kind(s, len)) {
    case DS_EXPR: return A_JS;
    case DS_ATTR: return ds_attr_kind(h, c, off, len, sets);
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

/* Whether a start tag named name[0..len) is read in HTML content, or in SVG or MathML
 * content. The HTML parser decides it by the current node alone (the innermost open
 * element): HTML content when it is an HTML element or an integration point (a MathML text
 * integration point but for <mglyph> and <malignmark>), or <svg> in MathML <annotation-xml>.
 * (A component is checked as if it stood in HTML content.) */
static bool html_content(const Html *h, const HCtx *c, uint32_t off, uint32_t len)
{
    if (c->depth == 0)
        return true;
    const Elem *e = &c->stack[c->depth - 1];
    if (e->ns == NS_HTML || e->point == PT_HTML)
        return true;
    if (e->point == PT_MATH_TEXT)
        return !name_is(h, off, len, "mglyph") && !name_is(h, off, len, "malignmark");
    return e->ns == NS_MATH && name_is(h, e->off, e->len, "annotation-xml") &&
           name_is(h, off, len, "svg");
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

/* Whether element name[0..len) in namespace ns is an integration point (html_point: its
 * start tag had an HTML encoding). */
static Point point_of(const Html *h, Ns ns, uint32_t off, uint32_t len, bool html_point)
{
    if (ns == NS_SVG && name_in(h, off, len, svg_html_points))
        return PT_HTML;
    if (ns == NS_MATH && name_in(h, off, len, math_text_points))
        return PT_MATH_TEXT;
    if (ns == NS_MATH && html_point && name_is(h, off, len, "annotation-xml"))
        return PT_HTML;
    return PT_NONE;
}

/* Whether the encoding of an <annotation-xml> (c->type) makes its content HTML: the
 * parser compares it whole, ignoring ASCII case. */
static bool encoding_is_html(const HCtx *c)
{
    size_t n = c->type_len;
    return (n == 9 && memcmp(c->type, "text/html", 9) == 0) ||
           (n == 21 && memcmp(c->type, "application/xhtml+xml", 21) == 0);
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
    case A_ENCODING:
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
    if (c->attr_has_value && c->attr == A_ENCODING)
        c->html_point = encoding_is_html(c);
    if (c->attr_len >= 5 && strncasecmp(text_at(h, c->attr_off), "data-", 5) == 0 && !h->fixed)
        datastar_check_attr(h->d, &h->f->src, c->attr_off, text_at(h, c->attr_off), c->attr_len,
                            c->attr_has_value);
    c->attr_len = 0;
}

/* The attribute name[off..off + len) of the start tag being read: a name it already has is
 * an error (the browser keeps the first and drops the others, silently). */
static void add_attr(Html *h, HCtx *c, uint32_t off, uint32_t len)
{
    if (c->end_tag || h->failed)
        return;
    for (int i = 0; i < c->nattrs; i++) {
        if (!same_name(h, c->attrs[i], c->attr_lens[i], off, len))
            continue;
        report(h, off,
               "duplicate attribute '%.*s': the browser keeps only the first (choose one, "
               "with if/else where it depends on a condition)",
               (int)len, text_at(h, off));
        if (c->attrs[i] != off)
            diag_note(h->d, &h->f->src, at(h, c->attrs[i]), "'%.*s' is first written here",
                      (int)c->attr_lens[i], text_at(h, c->attrs[i]));
        return;
    }
    if (c->nattrs == HTML_MAX_ATTRS) {
        report(h, off, "too many attributes in one tag (limit %d)", HTML_MAX_ATTRS);
        return;
    }
    c->attrs[c->nattrs] = off;
    c->attr_lens[c->nattrs++] = (uint16_t)(len > 0xffff ? 0xffff : len);
}

/* Pushes the element whose start tag was just read, in namespace ns. */
static bool push(Html *h, HCtx *c, Ns ns)
{
    if (c->depth == HTML_MAX_DEPTH) {
        report(h, c->tag_start, "elements nested too deeply (limit %d)", HTML_MAX_DEPTH);
        return false;
    }
    uint16_t len = (uint16_t)(c->tag_len > 0xffff ? 0xffff : c->tag_len);
    Point pt = point_of(h, ns, c->tag, c->tag_len, c->html_point);
    c->stack[c->depth++] = (Elem){c->tag, len, (uint8_t)ns, (uint8_t)pt, c->tag_start};
    return true;
}

/* Enters the body of the element just pushed, when it is not HTML: script, style, RCDATA
 * (title, textarea), raw text. In SVG and MathML (ns) only <script> and <style> are, and
 * their bodies are markup (read in the data state: entities decoded, and a `<` would
 * start a tag). A <script> with a data block's type holds HTML. */
static void enter_body(Html *h, HCtx *c, Ns ns)
{
    c->raw = raw_kind(h, c->tag, c->tag_len);
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
    const char *name = text_at(h, c->tag);
    int len = (int)c->tag_len;
    bool html = html_content(h, c, c->tag, c->tag_len);
    if (!html && name_in(h, c->tag, c->tag_len, foreign_breakouts)) {
        const Elem *r = foreign_root(c);
        report(h, c->tag_start,
               "'<%.*s>' cannot stand inside '<%.*s>': the browser would end the '<%.*s>' here "
               "(put HTML inside <foreignObject>)",
               len, name, (int)r->len, text_at(h, r->off), (int)r->len, text_at(h, r->off));
        return;
    }
    if (html && name_in(h, c->tag, c->tag_len, void_elements))
        return;
    Ns ns = !html                                    ? (Ns)c->stack[c->depth - 1].ns
            : name_is(h, c->tag, c->tag_len, "svg")  ? NS_SVG
            : name_is(h, c->tag, c->tag_len, "math") ? NS_MATH
                                                     : NS_HTML;
    if (self_closing && ns != NS_HTML)
        return;
    if (self_closing) {
        report(h, c->tag_start,
               "'<%.*s/>': an HTML element cannot close itself (the browser ignores the '/'): "
               "write '<%.*s></%.*s>'",
               len, name, len, name, len, name);
        return;
    }
    if (ns == NS_HTML && name_is(h, c->tag, c->tag_len, "plaintext")) {
        report(h, c->tag_start, "'<plaintext>' is not supported (it never ends)");
        return;
    }
    if (push(h, c, ns))
        enter_body(h, c, ns);
}

/* `>` of an end tag: it must close the innermost open element. */
static void end_end_tag(Html *h, HCtx *c)
{
    c->state = H_TEXT;
    const char *name = text_at(h, c->tag);
    int len = (int)c->tag_len;
    bool html = c->depth == 0 || c->stack[c->depth - 1].ns == NS_HTML;
    if (name_in(h, c->tag, c->tag_len, void_elements) && html) {
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

/* A `<` in the markup body of a <script> or <style> in SVG or MathML that does not begin
 * its end tag: the browser would read a tag, a comment or a CDATA section there. */
static void foreign_lt(Html *h, HCtx *c)
{
    const Elem *e = &c->stack[c->depth - 1];
    if (!h->failed)
        report(h, c->lt_off,
               "in SVG and MathML the body of '<%.*s>' is markup: this '<' would start a tag, "
               "a comment or a CDATA section (write it as '&lt;')",
               (int)e->len, text_at(h, e->off));
}

/* In a raw body: does the text now end with `</name` of the open element (and a byte that
 * ends a tag name)? Then the end tag is read as one; returns true. Else follows the partial
 * end tag (dashes: bytes of `</name` matched, from lt_off) and, in <script>, `<!-` (the
 * start of `<!--`, which changes where a script ends), for interp to refuse a value that
 * could complete them. In a markup body (raw_decode) a `<` that starts anything else is an
 * error. */
static bool raw_end(Html *h, HCtx *c, char ch, uint32_t off)
{
    const Elem *e = &c->stack[c->depth - 1];
    uint8_t m = c->dashes;
    if (m >= 2 && m - 2 == e->len && (is_space(ch) || ch == '>' || ch == '/')) {
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
    } else if (m >= 2 && m - 2 < e->len && lower(ch) == lower(text_at(h, e->off)[m - 2])) {
        m++;
    } else {
        if (c->raw_decode && (m >= 2 || (m == 1 && (is_alpha(ch) || ch == '!' || ch == '?'))))
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

/* The byte after a `name?={{ cond }}` (written ` name`, or nothing): it must end the
 * attribute, else it would be glued to the name, or to what stands before it. */
static void after_boolattr(Html *h, HCtx *c, char ch, uint32_t off)
{
    bool slash_ok = c->after_bool == 1;
    c->after_bool = 0;
    if (is_space(ch) || ch == '>' || (ch == '/' && slash_ok) || h->failed || c->nattrs == 0)
        return;
    uint32_t a = c->attrs[c->nattrs - 1], len = c->attr_lens[c->nattrs - 1];
    if (slash_ok)
        report(h, off,
               "'%.*s?={{ }}' must be followed by whitespace, '/' or '>': what follows would be "
               "glued to '%.*s' when it is written, and to what stands before it when not",
               (int)len, text_at(h, a), (int)len, text_at(h, a));
    else
        report(h, off,
               "'%.*s?={{ }}' after an unquoted value must be followed by whitespace or '>': "
               "what follows would join the value when '%.*s' is not written",
               (int)len, text_at(h, a), (int)len, text_at(h, a));
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
            add_attr(h, c, c->attr_off, c->attr_len);
            return step(h, c, s, n, off);
        }
        name_byte(h, c->attr_off, &c->attr_len, off, "an attribute name");
        return 1;
    case H_AFTER_NAME:
        if (ch == '=') {
            c->state = H_BEFORE_VALUE;
            c->attr = attr_kind(h, c, c->attr_off, c->attr_len, &c->sets);
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

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (lower(c) >= 'a' && lower(c) <= 'f');
}

/* The character reference begun after static byte ch, in state r before it. */
static RefState ref_step(RefState r, char ch)
{
    bool digit = ch >= '0' && ch <= '9';
    switch (ch == '&' ? REF_NONE : r) {
    case REF_AMP: return ch == '#' ? REF_HASH : is_alnum(ch) ? REF_NAME : REF_NONE;
    case REF_HASH: return ch == 'x' || ch == 'X' ? REF_X : digit ? REF_DEC : REF_NONE;
    case REF_NAME: return is_alnum(ch) ? REF_NAME : REF_NONE;
    case REF_DEC: return digit ? REF_DEC : REF_NONE;
    case REF_X:
    case REF_HEX: return is_hex(ch) ? REF_HEX : REF_NONE;
    default: return ch == '&' ? REF_AMP : REF_NONE;
    }
}

static void feed(Html *h, HCtx *c, const char *s, size_t n, uint32_t off)
{
    size_t i = 0;
    while (i < n && !h->failed)
        i += step(h, c, s + i, n - i, off + (uint32_t)i);
    for (size_t j = 0; j < n; j++) /* apart from step: step reads whole references */
        c->ref = ref_step(c->ref, s[j]);
}

/* ---- Contexts -------------------------------------------------------------------------- */

/* Where a value would stand, in words, and what to do about it (for messages). */
typedef struct Where {
    char what[256];   /* "in text", "in an attribute name", ... */
    const char *hint; /* how to write it instead, or NULL */
} Where;

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
    if (name_is(h, c->tag, c->tag_len, "script"))
        return where(NULL, "between the attributes of a <script> %s",
                     c->script_data ? "whose type makes its body a data block (read as HTML)"
                                    : "whose body is JavaScript (no type, or a JavaScript or "
                                      "JSON type)");
    if (name_is(h, c->tag, c->tag_len, "annotation-xml"))
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
    const char *a = text_at(h, c->attr_off);
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

/* The static text a raw body ends in that could begin an end tag or `<!--` (for
 * messages): "'</ti'", "'<!'"; "" when none. */
static void raw_lt_text(const Html *h, const HCtx *c, char *buf, size_t size)
{
    const Elem *e = &c->stack[c->depth - 1];
    if (c->raw_bang)
        snprintf(buf, size, "'<!%s'", c->raw_bang == 2 ? "-" : "");
    else if (c->dashes >= 2)
        snprintf(buf, size, "'</%.*s'", c->dashes - 2, text_at(h, e->off));
    else
        snprintf(buf, size, "%s", c->dashes ? "'<'" : "");
}

/* In a raw body (a script, what it holds, and what the text before leaves pending). */
static Where where_raw(const Html *h, HCtx *c)
{
    const Elem *e = &c->stack[c->depth - 1];
    char lt[80];
    raw_lt_text(h, c, lt, sizeof lt);
    const char *sep = *lt ? ", right after " : "";
    if (c->raw == R_SCRIPT)
        return where(NULL, "%s%s%s", jslex_describe(jslex_spot(&c->js)), sep, lt);
    return where(NULL, "in the body of '<%.*s>'%s%s", (int)e->len, text_at(h, e->off), sep, lt);
}

/* Where the state c stands, for messages. */
static Where where_state(const Html *h, HCtx *c)
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

/* Whether two states read everything that follows the same way (ignoring the part of a URL
 * value, when ignore_url). What the static text leaves pending for the next value
 * (ref, after_bool) and the attributes a tag already has are joined, not compared. */
static bool same_state(const Html *h, const HCtx *a, const HCtx *b, bool ignore_url)
{
    if (tag_state(a->state) != tag_state(b->state) || a->depth != b->depth)
        return false;
    for (int i = 0; i < a->depth; i++)
        if (!same_name(h, a->stack[i].off, a->stack[i].len, b->stack[i].off, b->stack[i].len) ||
            a->stack[i].ns != b->stack[i].ns || a->stack[i].point != b->stack[i].point)
            return false;
    bool tag = same_name(h, a->tag, a->tag_len, b->tag, b->tag_len) && a->end_tag == b->end_tag &&
               a->script_data == b->script_data && a->html_point == b->html_point;
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
               a->raw_bang == b->raw_bang && (a->raw != R_SCRIPT || jslex_same(&a->js, &b->js));
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
    Where w = where_state(h, c);
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
    char da[320], db[320];
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

/* Joins into a what b leaves pending, where the two states are the same: the attributes
 * either branch gave the tag (so that one written after the if is a duplicate if either
 * wrote it), an unfinished character reference, a boolean attribute just written. */
static void join_pending(const Html *h, HCtx *a, const HCtx *b)
{
    if (a->ref == REF_NONE)
        a->ref = b->ref; /* either may be finished by a value */
    a->after_bool = a->after_bool > b->after_bool ? a->after_bool : b->after_bool;
    if (a->tag_serial != b->tag_serial)
        return; /* attributes of different tags: the state is not in a tag */
    for (int i = 0; i < b->nattrs && a->nattrs < HTML_MAX_ATTRS; i++) {
        bool known = false;
        for (int j = 0; j < a->nattrs && !known; j++)
            known = same_name(h, a->attrs[j], a->attr_lens[j], b->attrs[i], b->attr_lens[i]);
        if (!known) {
            a->attrs[a->nattrs] = b->attrs[i];
            a->attr_lens[a->nattrs++] = b->attr_lens[i];
        }
    }
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
    else
        join_pending(h, c, other);
    free(other);
}

/* Whether a character reference is decoded where c stands, and the character matters:
 * in an attribute value that is not plain text, in a <script> or <style> in SVG/MathML. */
static bool refs_matter(const HCtx *c)
{
    return (c->state == H_VALUE && c->attr != A_PLAIN) || (c->state == H_RAW && c->raw_decode);
}

/* Whether list may begin with a value (before any static text): its first node is an
 * interpolation, or an if or for that may begin with one or write nothing. */
static bool may_start_with_value(const Node *n)
{
    for (; n; n = n->next) {
        switch (n->kind) {
        case N_INTERP: return true;
        case N_TEXT:
            if (n->text.len > 0)
                return false;
            break;
        case N_IF:
        case N_FOR_IN:
        case N_FOR_C:
            if (may_start_with_value(n->body.head) || may_start_with_value(n->alt.head))
                return true;
            break; /* it may write nothing: what follows it may come first */
        case N_LET: break;
        default: return false;
        }
    }
    return false;
}

/* What the body of a loop (from start to end) must not leave for the next iteration:
 * attributes written into the tag it stands in (each iteration would write them again),
 * an unfinished character reference (the next iteration's text would complete it). */
static void check_iteration(Html *h, Node *n, const HCtx *start, const HCtx *end)
{
    if (h->failed)
        return;
    if (end->tag_serial == start->tag_serial && end->nattrs > start->nattrs) {
        uint32_t a = end->attrs[start->nattrs], len = end->attr_lens[start->nattrs];
        report(h, a,
               "attribute '%.*s' would be written once per iteration of the 'for' into the same "
               "tag, and the browser keeps only the first",
               (int)len, text_at(h, a));
        diag_note(h->d, &h->f->src, at(h, n->off), "the 'for' is here");
    } else if (end->ref != REF_NONE && start->ref == REF_NONE && refs_matter(end) &&
               may_start_with_value(n->body.head)) {
        report(h, end_off(&n->body, n->off),
               "the body of this 'for' ends in '&', and the next iteration may begin with a "
               "value, which could make it a character reference (write '&' as '&amp;')");
    }
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
    check_iteration(h, n, start, c);
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
    char buf[320];
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
    check_fragment_end(&mh, frag, n->off, "the HTML of a markdown block"); /* names in n->html */
    h->failed |= mh.failed;
    free(frag);
}

/* A construct that writes HTML of its own (render, call, slot, markdown) must stand in
 * text. */
static void require_text(Html *h, HCtx *c, Node *n, const char *what)
{
    if (c->state != H_TEXT && !h->failed)
        report(h, n->off, "%s cannot stand here: it writes HTML, and this is not text", what);
}

/* What a value right after static text that begins an end tag or `<!--` in a raw body
 * could complete (for messages), and how to write the text instead. */
static void raw_pending(const Html *h, const HCtx *c, char *what, size_t size, const char **hint)
{
    const Elem *e = &c->stack[c->depth - 1];
    int len = (int)e->len;
    const char *name = text_at(h, e->off);
    bool slash = c->dashes >= 2, script = c->raw == R_SCRIPT && !c->raw_decode;
    char lt[80];
    raw_lt_text(h, c, lt, sizeof lt);
    if (c->raw_decode)
        snprintf(what, size,
                 "%s in the body of '<%.*s>': with it, the browser could read a tag "
                 "there (in SVG and MathML the body is markup)",
                 lt, len, name);
    else if (c->raw_bang)
        snprintf(what, size,
                 "%s in the body of '<%.*s>': with it, the browser could read "
                 "'<!--' there, which changes where the script ends",
                 lt, len, name);
    else
        snprintf(what, size,
                 "%s in the body of '<%.*s>': with it, the browser could read "
                 "the end tag '</%.*s>'%s there",
                 lt, len, name, len, name, script && !slash ? " or '<!--'" : "");
    *hint = c->raw_decode || c->raw == R_RCDATA ? "(write '<' as '&lt;')"
            : !script                           ? "(put a space after the '<')"
            : slash                             ? "(in a JavaScript string, write '</' as '<\\/')"
                                                : "(in a JavaScript string, write '<' as '\\x3C')";
}

/* Refuses a value that could complete markup the static text before it begins: an end tag
 * or `<!--` in a raw body (`"</{{ tag }}>"` with tag = "script"; `<{{ s }}` with s =
 * "/textarea"), or a character reference where references are decoded (`&{{ s }}` with
 * s = "#39;" is a quote). Returns whether it reported. */
static bool value_completes_markup(Html *h, HCtx *c, Node *n)
{
    if (c->state == H_RAW && (c->dashes > 0 || c->raw_bang > 0)) {
        char what[320];
        const char *hint;
        raw_pending(h, c, what, sizeof what, &hint);
        report(h, n->off, "a value cannot be interpolated right after %s %s", what, hint);
        return true;
    }
    if (c->ref != REF_NONE && refs_matter(c)) {
        report(h, n->off,
               "a value cannot be interpolated right after '&' here: with the value, the browser "
               "could read a character reference ('&#34;' is '\"'), which it decodes before it "
               "reads the %s (write '&' as '&amp;')",
               c->state == H_RAW ? "script" : "URL, JavaScript or CSS");
        return true;
    }
    return false;
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
    if (!raw && !h->failed && value_completes_markup(h, c, n))
        return;
    if (c->state == H_RAW) /* a value holds no `<` (but a raw one, which is vouched for) */
        c->dashes = c->raw_bang = 0;
    c->ref = REF_NONE;
    c->after_bool = 0;
    bool refused = ctx == CTX_NONE && !raw;
    Where w = {{0}, NULL};
    if (refused)
        w = where_state(h, c); /* before end_attr, which forgets the attribute's name */
    if (quote)
        end_attr(h, c); /* name={{ value }}: the attribute ends with the value */
    if (refused) {
        if (!h->failed)
            report(h, n->off, "a value cannot be interpolated %s %s", w.what,
                   w.hint ? w.hint : "(use '| raw' if you vouch for it)");
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

/* `name?={{ cond }}`: writes ` name`, or nothing. The lexer cut the whitespace before it
 * off the text, which may so end in a tag name, an attribute name or an unquoted value:
 * they end here (with the space written, or the whitespace, `/` or `>` that must follow). */
static void boolattr(Html *h, HCtx *c, Node *n)
{
    bool unquoted = c->state == H_VALUE && c->delim == ' ';
    if (c->state == H_TAG_NAME || c->state == H_ATTR_NAME || unquoted)
        step(h, c, " ", 1, n->off);
    if (c->state == H_AFTER_NAME) {
        end_attr(h, c);
        c->state = H_TAG;
    }
    bool between = c->state == H_TAG || c->state == H_AFTER_VALUE;
    if ((!between || c->end_tag) && !h->failed) {
        report(h, n->off, "'%.*s?=' must stand between the attributes of a start tag",
               (int)n->name.len, text_at(h, n->name.off));
        return;
    }
    add_attr(h, c, n->name.off, n->name.len);
    c->state = H_AFTER_VALUE;
    c->after_bool = unquoted ? 2 : 1;
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
        report(h, end_off(&comp->body, comp->off), "the component ends %s", where_state(h, c).what);
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
