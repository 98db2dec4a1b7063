/* html_vocab.h — the HTML vocabulary the checker knows: which elements are void, have a
 * raw body or end SVG and MathML content, which attributes hold URLs, script or CSS, the
 * namespaces and their integration points, the <script> types, the character references.
 * Lookups take a name as bytes and a length (not NUL-terminated) and ignore ASCII case,
 * as the HTML parser does. The tables are in html_vocab.c; the state machine that reads
 * HTML with them is html_transition.c. */
#ifndef STARCHC_HTML_VOCAB_H
#define STARCHC_HTML_VOCAB_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

/* ---- Bytes, as the HTML tokenizer classes them ---------------------------------------- */

/* ASCII whitespace (space, tab, line feed, carriage return, form feed). */
static inline bool html_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static inline bool html_is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool html_is_alnum(char c)
{
    return html_is_alpha(c) || (c >= '0' && c <= '9');
}

/* ASCII lowercase (other bytes unchanged). */
static inline char html_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c | 32) : c;
}

/* Whether name[0..len) is the word w (lowercase), ignoring ASCII case. Inline: w is
 * most often a literal, whose length the C compiler knows; the first letters are compared
 * before the lengths. */
static inline bool html_word_is(const char *name, size_t len, const char *w)
{
    return len > 0 && html_lower(name[0]) == w[0] && strlen(w) == len &&
           strncasecmp(name, w, len) == 0;
}

/* ---- Elements ------------------------------------------------------------------------- */

/* The namespace an element is in, as the HTML parser decides it. */
typedef enum Ns { NS_HTML, NS_SVG, NS_MATH } Ns;

/* Elements of SVG and MathML whose content the HTML parser reads as HTML again. */
typedef enum Point {
    PT_NONE,
    PT_HTML,      /* SVG foreignObject, desc, title; MathML annotation-xml whose encoding is
                   * text/html or application/xhtml+xml */
    PT_MATH_TEXT, /* MathML mi, mo, mn, ms, mtext: HTML, but for <mglyph> and <malignmark> */
} Point;

/* Elements whose body is not HTML. */
typedef enum RawKind { R_NONE, R_SCRIPT, R_STYLE, R_RCDATA, R_RAWTEXT } RawKind;

/* Whether name[0..len) is a void element (no content, no end tag: <br>, <img>, ...). */
bool html_is_void(const char *name, size_t len);

/* Whether a start tag name[0..len) ends SVG and MathML content (the parser's breakout
 * list). */
bool html_is_breakout(const char *name, size_t len);

/* What the body of an HTML element name[0..len) is: script, style, RCDATA (title,
 * textarea), raw text (xmp, iframe, noembed, noframes), or HTML (R_NONE). */
RawKind html_raw_kind(const char *name, size_t len);

/* Whether element name[0..len) in namespace ns is an integration point (html_point: its
 * start tag had an HTML encoding). */
Point html_point_of(Ns ns, const char *name, size_t len, bool html_point);

/* Whether the encoding of an <annotation-xml>, type[0..len) lowercased, makes its content
 * HTML: the parser compares it whole. */
bool html_encoding_is_html(const char *type, size_t len);

/* Whether the type value of a <script>, type[0..len) lowercased, makes its body JavaScript
 * or JSON: the value's essence (before any `;`, trimmed) is one of the JavaScript and JSON
 * types. len 255 (a value too long to hold) counts as JavaScript: the safe guess
 * (JavaScript escaping is safe in data). */
bool html_script_type_is_js(const char *type, size_t len);

/* ---- Attributes ----------------------------------------------------------------------- */

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

/* What the value of attribute name[0..len) of a tag named tag[0..tag_len) is; *sets: see
 * A_DS_SETS (A_PLAIN when it does not apply). */
AttrKind html_attr_kind(const char *tag, size_t tag_len, const char *name, size_t len,
                        AttrKind *sets);

/* ---- Character references ------------------------------------------------------------- */

/* Decodes the character reference at s[0..n) (s[0] == '&') in an attribute value: sets
 * *ch and returns its length, or 0 when it is not one (then `&` stands for itself). Only
 * the characters that matter to JavaScript and URLs are told apart: a numeric reference
 * beyond ASCII decodes to 'x', a named one to another character is not recognised. */
size_t html_decode_ref(const char *s, size_t n, char *ch);

#endif
