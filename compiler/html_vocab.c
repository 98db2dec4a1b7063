/* html_vocab.c — the HTML vocabulary of the checker (see html_vocab.h): the tables of
 * elements, attributes, <script> types and character references, and the lookups over
 * them. Nothing here keeps state; html_transition.c asks, at each tag and attribute it
 * reads, what the name means. */
#include "html_vocab.h"

#include <assert.h>
#include <string.h>
#include <strings.h>

#include "datastar.h"

/* ---- Tables ----------------------------------------------------------------------------- */

/* clang-format off */

/* Elements with no content and no end tag. */
static const char *const void_elements[] = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
    "param", "source", "track", "wbr",
    NULL};

/* Start tags that end SVG and MathML content (the HTML parser's breakout list). */
static const char *const foreign_breakouts[] = {
    "b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt",
    "em", "embed", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li",
    "listing", "menu", "meta", "nobr", "ol", "p", "pre", "ruby", "s", "small", "span",
    "strong", "strike", "sub", "sup", "table", "tt", "u", "ul", "var",
    NULL};

/* Elements whose body is RCDATA (text, with character references) or raw text. */
static const char *const rcdata_elements[]  = {"title", "textarea", NULL};
static const char *const rawtext_elements[] = {"xmp", "iframe", "noembed", "noframes", NULL};

/* SVG elements whose content is HTML again (HTML integration points). */
static const char *const svg_html_points[] = {"foreignobject", "desc", "title", NULL};

/* MathML elements whose content is HTML but for <mglyph> and <malignmark> (MathML text
 * integration points). */
static const char *const math_text_points[] = {"mi", "mo", "mn", "ms", "mtext", NULL};

/* Attributes whose value is a URL (Go's attrTypeMap, plus ping). A namespace prefix is
 * ignored (xlink:href is href); data-NAME looks NAME up here too. */
static const char *const url_attrs[] = {
    "action", "archive", "background", "cite", "classid", "codebase", "data",
    "formaction", "href", "icon", "longdesc", "manifest", "poster", "profile", "src",
    "usemap", "xmlns", "ping",
    NULL};

/* The MIME types (and other values of <script type>) whose body is JavaScript or JSON; any
 * other type makes the body a data block, read as HTML (templates for client code). */
static const char *const js_types[] = {
    "",
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

/* Named references to the ASCII characters that matter to JavaScript and URLs (quotes,
 * brackets, slashes, operators). Others decode to characters that do not. */
static const struct {
    const char *name; /* without `&` */
    char ch;
} named_refs[] = {
    {"quot;",  '"'},  {"QUOT;",   '"'},  {"apos;",  '\''},
    {"amp;",   '&'},  {"AMP;",    '&'},
    {"lt;",    '<'},  {"LT;",     '<'},  {"gt;",    '>'},  {"GT;", '>'},
    {"sol;",   '/'},  {"bsol;",   '\\'},
    {"grave;", '`'},  {"DiacriticalGrave;", '`'},
    {"lpar;",  '('},  {"rpar;",   ')'},
    {"lsqb;",  '['},  {"lbrack;", '['},  {"rsqb;",  ']'},  {"rbrack;", ']'},
    {"lcub;",  '{'},  {"lbrace;", '{'},  {"rcub;",  '}'},  {"rbrace;", '}'},
    {"colon;", ':'},  {"quest;",  '?'},  {"num;",   '#'},  {"dollar;", '$'},
    {"excl;",  '!'},  {"ast;",    '*'},  {"midast;", '*'}, {"plus;",   '+'},
    {"comma;", ','},  {"period;", '.'},  {"semi;",  ';'},  {"equals;", '='},
    {"percnt;", '%'}, {"commat;", '@'},
    {"lowbar;", '_'}, {"UnderBar;", '_'},
    {"verbar;", '|'}, {"vert;",   '|'},  {"VerticalLine;", '|'},
    {"Hat;",   '^'},  {"Tab;",    '\t'}, {"NewLine;", '\n'},
    /* legacy references that work without `;` (unless a letter, digit or `=` follows) */
    {"quot",   '"'},  {"QUOT",    '"'},
    {"amp",    '&'},  {"AMP",     '&'},
    {"lt",     '<'},  {"LT",      '<'},  {"gt",     '>'},  {"GT",      '>'},
};

/* clang-format on */

/* ---- Names ------------------------------------------------------------------------------ */

/* Whether name[0..len) is one of the words of the NULL-terminated list. */
static bool word_in(const char *name, size_t len, const char *const *list)
{
    for (; *list; list++)
        if (html_word_is(name, len, *list))
            return true;
    return false;
}

/* Whether name[0..len) contains w, ignoring case. */
static bool word_has(const char *name, size_t len, const char *w)
{
    size_t n = strlen(w);
    for (size_t i = 0; i + n <= len; i++)
        if (strncasecmp(name + i, w, n) == 0)
            return true;
    return false;
}

/* ---- Elements --------------------------------------------------------------------------- */

bool html_is_void(const char *name, size_t len)
{
    return word_in(name, len, void_elements);
}

bool html_is_breakout(const char *name, size_t len)
{
    return word_in(name, len, foreign_breakouts);
}

RawKind html_raw_kind(const char *name, size_t len)
{
    if (html_word_is(name, len, "script"))
        return R_SCRIPT;
    if (html_word_is(name, len, "style"))
        return R_STYLE;
    if (word_in(name, len, rcdata_elements))
        return R_RCDATA;
    if (word_in(name, len, rawtext_elements))
        return R_RAWTEXT;
    return R_NONE;
}

Point html_point_of(Ns ns, const char *name, size_t len, bool html_point)
{
    if (ns == NS_SVG && word_in(name, len, svg_html_points))
        return PT_HTML;
    if (ns == NS_MATH && word_in(name, len, math_text_points))
        return PT_MATH_TEXT;
    if (ns == NS_MATH && html_point && html_word_is(name, len, "annotation-xml"))
        return PT_HTML;
    return PT_NONE;
}

bool html_encoding_is_html(const char *type, size_t len)
{
    return (len == 9 && memcmp(type, "text/html", 9) == 0) ||
           (len == 21 && memcmp(type, "application/xhtml+xml", 21) == 0);
}

bool html_script_type_is_js(const char *type, size_t len)
{
    if (len == 255)
        return true;
    size_t a = 0, b = len;
    const char *semi = memchr(type, ';', b);
    if (semi)
        b = (size_t)(semi - type);
    while (a < b && html_is_space(type[a]))
        a++;
    while (b > a && html_is_space(type[b - 1]))
        b--;
    for (const char *const *t = js_types; *t; t++)
        if (strlen(*t) == b - a && memcmp(*t, type + a, b - a) == 0)
            return true;
    return false;
}

/* ---- Attributes ------------------------------------------------------------------------- */

/* What the value of data-attr:KEY (name[0..len)) is: a JavaScript expression whose value
 * becomes attribute KEY, classified as attribute KEY itself is. A URL attribute takes the
 * Datastar URL flavour (string values URL-filtered), a plain one plain JavaScript; where
 * KEY's value is script (on*, a Datastar expression), HTML (srcdoc), CSS (style) or a
 * srcset, no value may go (A_DS_SETS, *sets = KEY's kind). The keyless data-attr, an
 * object whose keys name the attributes it sets, takes no value either (*sets = A_DS_SETS). */
static AttrKind ds_attr_kind(const char *tag, size_t tag_len, const char *name, size_t len,
                             AttrKind *sets)
{
    size_t at, n;
    if (!datastar_attr_key(name, len, &at, &n) || n == 0) {
        *sets = A_DS_SETS;
        return A_DS_SETS;
    }
    AttrKind inner;
    switch (html_attr_kind(tag, tag_len, name + at, n, &inner)) {
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

/* The kind of a local name l[0..len) (the namespace prefix or `data-` taken off; data:
 * it was `data-`). */
static AttrKind local_attr_kind(const char *l, size_t len, bool data)
{
    if (word_in(l, len, url_attrs))
        return A_URL;
    if (html_word_is(l, len, "srcset") || html_word_is(l, len, "imagesrcset"))
        return A_SRCSET;
    if (!data) {
        if (html_word_is(l, len, "style"))
            return A_CSS;
        if (html_word_is(l, len, "srcdoc"))
            return A_SRCDOC;
        if (len > 2 && strncasecmp(l, "on", 2) == 0)
            return A_JS; /* event handlers */
    }
    /* Go's heuristic for custom attributes that hold URLs (data-src, g:tweetUrl) */
    if (word_has(l, len, "src") || word_has(l, len, "uri") || word_has(l, len, "url"))
        return A_URL;
    return A_PLAIN;
}

AttrKind html_attr_kind(const char *tag, size_t tag_len, const char *name, size_t len,
                        AttrKind *sets)
{
    *sets = A_PLAIN;
    if (html_word_is(name, len, "type") && html_word_is(tag, tag_len, "script"))
        return A_SCRIPT_TYPE;
    if (html_word_is(name, len, "encoding") && html_word_is(tag, tag_len, "annotation-xml"))
        return A_ENCODING;
    switch (datastar_value_kind(name, len)) {
    case DS_EXPR: return A_JS;
    case DS_ATTR: return ds_attr_kind(tag, tag_len, name, len, sets);
    case DS_NAME:
    case DS_NOVALUE: return A_PLAIN;
    case DS_NOT: break;
    }
    bool data = len > 5 && strncasecmp(name, "data-", 5) == 0;
    const char *colon = data ? NULL : memchr(name, ':', len);
    if (colon && html_word_is(name, (size_t)(colon - name), "xmlns"))
        return A_URL;
    size_t skip = data ? 5 : colon ? (size_t)(colon - name) + 1 : 0;
    return local_attr_kind(name + skip, len - skip, data);
}

/* ---- Character references --------------------------------------------------------------- */

/* Decodes a numeric reference at s[0..n) (s starts `&#`); see html_decode_ref. */
static size_t decode_numeric(const char *s, size_t n, char *ch)
{
    bool hex = n > 2 && (s[2] == 'x' || s[2] == 'X');
    size_t i = hex ? 3 : 2, start = i;
    unsigned long v = 0;
    for (; i < n; i++) {
        char d = s[i], l = html_lower(d);
        int x = d >= '0' && d <= '9' ? d - '0' : hex && l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
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

size_t html_decode_ref(const char *s, size_t n, char *ch)
{
    assert(n > 0 && s[0] == '&');
    if (n >= 3 && s[1] == '#')
        return decode_numeric(s, n, ch);
    for (size_t i = 0; i < sizeof named_refs / sizeof named_refs[0]; i++) {
        size_t l = strlen(named_refs[i].name);
        if (n < l + 1 || memcmp(s + 1, named_refs[i].name, l) != 0)
            continue;
        if (named_refs[i].name[l - 1] != ';' && n > l + 1 &&
            (html_is_alnum(s[l + 1]) || s[l + 1] == '='))
            continue; /* `&ampx`, `&amp=`: not a reference in an attribute */
        *ch = named_refs[i].ch;
        return l + 1;
    }
    return 0;
}
