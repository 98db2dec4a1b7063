/* html.c — the checker's HTML state machine.
 *
 * It reads a component's static text one byte at a time, as a browser's tokenizer would,
 * carrying its state through the component's control flow, and so knows where each
 * interpolation stands: in text, in an attribute value of some kind (plain, URL, srcset,
 * JavaScript, CSS), in a <script> or <style> body, in a JavaScript string or regular
 * expression... That decides the escaper, once, at compile time. The states follow Go's
 * html/template (context.go); unlike it, starch also tracks open elements, so that an
 * element left open or closed by the wrong end tag is a compile error.
 *
 * Every decision is incremental (no look-ahead across nodes): a `<` at the end of one text
 * node and a tag name in the next are read as one tag.
 */
#include "html.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "datastar.h"

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
    H_END_TAG,      /* after an end tag's name, before `>` */
    H_TAG,          /* in a start tag, before an attribute name */
    H_ATTR_NAME,    /* in an attribute name */
    H_AFTER_NAME,   /* after an attribute name: `=` or the next attribute */
    H_BEFORE_VALUE, /* after `=` */
    H_VALUE,        /* in an attribute value (delim says which kind) */
    H_AFTER_VALUE,  /* after a quoted value (or a boolean attribute) */
    H_SELF_CLOSE,   /* after `/` in a start tag */
    H_RAW,          /* in the body of script, style, title, textarea, ... (raw says which) */
    H_COMMENT,      /* in <!-- --> (dashes counts the `-` just read) */
    H_BOGUS,        /* in <!DOCTYPE ...>, <?...> */
} HState;

/* What an attribute's value is. */
typedef enum AttrKind { A_PLAIN, A_URL, A_SRCSET, A_JS, A_DS_URL, A_CSS } AttrKind;

/* Elements whose body is not HTML. */
typedef enum RawKind { R_NONE, R_SCRIPT, R_STYLE, R_RCDATA, R_RAWTEXT } RawKind;

/* Where a URL value is. */
typedef enum UrlPart { U_START, U_PATH, U_QUERY } UrlPart;

/* Where JavaScript is (in attributes and <script>). */
typedef enum JsState {
    J_EXPR,      /* where a value may start (a `/` starts a regular expression) */
    J_DIVOP,     /* after a value (a `/` divides) */
    J_SLASH,     /* after a `/` in J_EXPR or J_DIVOP (prev says which) */
    J_DQ,        /* in "..." */
    J_SQ,        /* in '...' */
    J_TMPL,      /* in `...` */
    J_TMPL_DOLLAR, /* after `$` in a template literal */
    J_REGEXP,    /* in /.../ */
    J_REGEXP_CLASS, /* in [...] of a regular expression */
    J_LINE_CMT,  /* in // ... */
    J_BLOCK_CMT, /* in / * ... * / */
    J_BLOCK_STAR /* after `*` in a block comment */
} JsState;

typedef struct Elem {
    uint32_t off; /* the name in the component's file */
    uint16_t len;
    uint32_t tag; /* where its start tag begins, for messages */
} Elem;

/* The state: everything that decides a context, plus the open elements. Copied for each
 * branch of an if; compared where branches meet. */
typedef struct HCtx {
    HState state;
    char delim;      /* H_VALUE: '"', '\'' or ' ' (unquoted) */
    AttrKind attr;   /* the attribute being read */
    RawKind raw;     /* H_RAW: which kind of body */
    UrlPart url;     /* A_URL values */
    JsState js;      /* A_JS / A_DS_URL values and <script> bodies */
    JsState js_prev; /* J_SLASH, escapes: the state to go back to */
    bool js_escape;  /* after `\` in a string, template or regexp */
    bool js_fresh;   /* in a JS string with nothing in it yet */
    uint8_t tmpl_depth;  /* open `${` of template literals */
    uint8_t brace_depth[8]; /* `{` open inside each `${` */
    uint8_t dashes;  /* H_COMMENT: `-` just read; H_RAW: bytes of `</name` matched */
    char word[12];   /* the JS identifier being read (regexp after keywords) */
    uint8_t word_len;
    bool end_tag;    /* the tag being read is an end tag */
    uint32_t tag, tag_len;    /* the tag name being read (offset in the file) */
    uint32_t tag_start;       /* its `<` */
    uint32_t attr_off, attr_len; /* the attribute name being read */
    bool attr_has_value;
    Elem stack[HTML_MAX_DEPTH];
    int depth;
} HCtx;

typedef struct Html {
    Diag *d;
    File *f;
    const char *base;   /* the text offsets refer to: the file's, or a markdown block's HTML */
    bool fixed;         /* reading a markdown block: every message points at it */
    uint32_t fixed_off;
    bool failed;        /* an error was reported: stop reporting consequences */
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

static void error(Html *h, uint32_t off, const char *fmt, const char *a, int alen)
{
    diag_error(h->d, &h->f->src, at(h, off), fmt, alen, a);
    h->failed = true;
}

/* ---- Element and attribute tables -------------------------------------------------- */

static const char *const void_elements[] = {"area", "base", "br",    "col",   "embed",
                                            "hr",   "img",  "input", "link",  "meta",
                                            "param", "source", "track", "wbr", NULL};

/* Attributes whose value is a URL (Go's attrTypeMap, plus ping). */
static const char *const url_attrs[] = {"action",   "archive", "background", "cite",   "classid",
                                        "codebase", "data",    "formaction", "href",   "icon",
                                        "longdesc", "manifest", "poster",    "profile", "src",
                                        "usemap",   "xmlns",   "xlink:href", "ping",   NULL};

static AttrKind attr_kind(const Html *h, uint32_t off, uint32_t len)
{
    const char *s = text_at(h, off);
    if (name_in(h, off, len, url_attrs))
        return A_URL;
    if (name_is(h, off, len, "srcset") || name_is(h, off, len, "imagesrcset"))
        return A_SRCSET;
    if (name_is(h, off, len, "style"))
        return A_CSS;
    if (len > 2 && strncasecmp(s, "on", 2) == 0)
        return A_JS;
    switch (datastar_value_kind(s, len)) {
    case DS_EXPR: return A_JS;
    case DS_URL: return A_DS_URL;
    default: return A_PLAIN;
    }
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

/* ---- JavaScript ---------------------------------------------------------------------- */

/* Whether a `/` after the identifier just read starts a regular expression. */
static bool keyword_before_regexp(const HCtx *c)
{
    static const char *const kw[] = {"return", "typeof", "case",  "do",     "else", "in",
                                     "instanceof", "new", "void", "delete", "throw", NULL};
    for (const char *const *k = kw; *k; k++)
        if (strlen(*k) == c->word_len && memcmp(*k, c->word, c->word_len) == 0)
            return true;
    return false;
}

static void js_end_word(HCtx *c)
{
    if (c->word_len)
        c->js = keyword_before_regexp(c) ? J_EXPR : J_DIVOP;
    c->word_len = 0;
}

/* Reads one byte of JavaScript (decoded from the attribute, or from <script>). */
static void js_step(HCtx *c, char ch)
{
    if (c->js_escape) {
        c->js_escape = false;
        return;
    }
    bool ident = ast_is_ident_char(ch) || ch == '$' || (unsigned char)ch >= 0x80;
    if ((c->js == J_EXPR || c->js == J_DIVOP) && ident) {
        if (c->word_len < sizeof c->word)
            c->word[c->word_len] = ch;
        c->word_len++;
        c->js = J_DIVOP;
        return;
    }
    if (c->js == J_EXPR || c->js == J_DIVOP)
        js_end_word(c);
    switch (c->js) {
    case J_EXPR:
    case J_DIVOP:
        if (ch == '"' || ch == '\'' || ch == '`') {
            c->js = ch == '"' ? J_DQ : ch == '\'' ? J_SQ : J_TMPL;
            c->js_fresh = true;
        } else if (ch == '/') {
            c->js_prev = c->js;
            c->js = J_SLASH;
        } else if (ch == ')' || ch == ']') {
            c->js = J_DIVOP;
        } else if (ch == '{') {
            if (c->tmpl_depth)
                c->brace_depth[c->tmpl_depth - 1]++;
            c->js = J_EXPR;
        } else if (ch == '}') {
            if (c->tmpl_depth && c->brace_depth[c->tmpl_depth - 1]-- == 0) {
                c->tmpl_depth--;
                c->js = J_TMPL;
                c->js_fresh = false;
            } else {
                c->js = J_EXPR;
            }
        } else if (!is_space(ch)) {
            c->js = J_EXPR;
        }
        break;
    case J_SLASH:
        if (ch == '/')
            c->js = J_LINE_CMT;
        else if (ch == '*')
            c->js = J_BLOCK_CMT;
        else if (c->js_prev == J_EXPR) {
            c->js = J_REGEXP;
            js_step(c, ch);
        } else {
            c->js = J_EXPR;
            js_step(c, ch);
        }
        break;
    case J_DQ:
    case J_SQ:
        c->js_fresh = false;
        if (ch == '\\')
            c->js_escape = true;
        else if (ch == (c->js == J_DQ ? '"' : '\''))
            c->js = J_DIVOP;
        break;
    case J_TMPL:
        c->js_fresh = false;
        if (ch == '\\')
            c->js_escape = true;
        else if (ch == '`')
            c->js = J_DIVOP;
        else if (ch == '$')
            c->js = J_TMPL_DOLLAR;
        break;
    case J_TMPL_DOLLAR:
        if (ch == '{' && c->tmpl_depth < sizeof c->brace_depth) {
            c->brace_depth[c->tmpl_depth++] = 0;
            c->js = J_EXPR;
        } else {
            c->js = J_TMPL;
            js_step(c, ch);
        }
        break;
    case J_REGEXP:
        if (ch == '\\')
            c->js_escape = true;
        else if (ch == '[')
            c->js = J_REGEXP_CLASS;
        else if (ch == '/')
            c->js = J_DIVOP;
        break;
    case J_REGEXP_CLASS:
        if (ch == '\\')
            c->js_escape = true;
        else if (ch == ']')
            c->js = J_REGEXP;
        break;
    case J_LINE_CMT:
        if (ch == '\n' || ch == '\r')
            c->js = J_EXPR;
        break;
    case J_BLOCK_CMT:
        if (ch == '*')
            c->js = J_BLOCK_STAR;
        break;
    case J_BLOCK_STAR:
        c->js = ch == '/' ? J_EXPR : ch == '*' ? J_BLOCK_STAR : J_BLOCK_CMT;
        break;
    }
}

/* ---- Attribute values ----------------------------------------------------------------- */

/* Decodes the character reference at s[0..n) (s[0] == '&'): sets *ch and returns its
 * length, or 0 when it is not one (then `&` stands for itself). Enough of HTML's table to
 * follow quotes, slashes and brackets in JavaScript and URLs. */
static size_t decode_ref(const char *s, size_t n, char *ch)
{
    static const struct {
        const char *name;
        char ch;
    } named[] = {{"&quot;", '"'}, {"&apos;", '\''}, {"&amp;", '&'},   {"&lt;", '<'},
                 {"&gt;", '>'},   {"&sol;", '/'},   {"&bsol;", '\\'}, {"&grave;", '`'},
                 {"&lpar;", '('}, {"&rpar;", ')'},  {"&colon;", ':'}, {"&Tab;", '\t'},
                 {"&NewLine;", '\n'}};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        size_t l = strlen(named[i].name);
        if (n >= l && memcmp(s, named[i].name, l) == 0) {
            *ch = named[i].ch;
            return l;
        }
    }
    if (n < 3 || s[1] != '#')
        return 0;
    bool hex = s[2] == 'x' || s[2] == 'X';
    size_t i = hex ? 3 : 2;
    unsigned long v = 0;
    size_t start = i;
    for (; i < n && i < 12; i++) {
        char d = s[i];
        int x = d >= '0' && d <= '9' ? d - '0'
                : hex && (d | 32) >= 'a' && (d | 32) <= 'f' ? (d | 32) - 'a' + 10 : -1;
        if (x < 0)
            break;
        v = v * (hex ? 16 : 10) + (unsigned long)x;
    }
    if (i == start)
        return 0;
    *ch = v < 0x80 ? (char)v : 'x'; /* beyond ASCII: an ordinary character to JS and URLs */
    return i < n && s[i] == ';' ? i + 1 : i;
}

/* Reads one (decoded) byte of an attribute value. */
static void value_step(HCtx *c, char ch)
{
    if (c->attr == A_URL) {
        if (ch == '?' || ch == '#')
            c->url = U_QUERY;
        else if (c->url == U_START && (ch == ':' || ch == '/'))
            c->url = U_PATH;
    } else if (c->attr == A_JS || c->attr == A_DS_URL) {
        js_step(c, ch);
    }
}

/* ---- Tags ------------------------------------------------------------------------------ */

/* The attribute name just read ends (at a value, or without one). */
static void end_attr(Html *h, HCtx *c)
{
    if (c->attr_len >= 5 && strncasecmp(text_at(h, c->attr_off), "data-", 5) == 0 && !h->fixed)
        datastar_check_attr(h->d, &h->f->src, c->attr_off, text_at(h, c->attr_off), c->attr_len,
                            c->attr_has_value);
    c->attr_len = 0;
}

/* `>` of a start tag: push the element (unless void or self-closing), enter raw bodies. */
static void end_start_tag(Html *h, HCtx *c, bool self_closing)
{
    c->state = H_TEXT;
    if (self_closing || name_in(h, c->tag, c->tag_len, void_elements))
        return;
    if (c->depth == HTML_MAX_DEPTH) {
        error(h, c->tag_start, "elements nested too deeply (limit %.*s)", "256", 3);
        return;
    }
    c->stack[c->depth++] = (Elem){c->tag, (uint16_t)(c->tag_len > 0xffff ? 0xffff : c->tag_len),
                                  c->tag_start};
    c->raw = raw_kind(h, c->tag, c->tag_len);
    if (c->raw != R_NONE) {
        c->state = H_RAW;
        c->dashes = 0;
        c->js = J_EXPR;
        c->tmpl_depth = 0;
        c->word_len = 0;
        c->js_escape = false;
    }
}

/* `>` of an end tag: it must close the innermost open element. */
static void end_end_tag(Html *h, HCtx *c)
{
    c->state = H_TEXT;
    if (name_in(h, c->tag, c->tag_len, void_elements)) {
        error(h, c->tag_start, "'</%.*s>' closes a void element (it has no end tag)",
              text_at(h, c->tag), (int)c->tag_len);
        return;
    }
    if (c->depth == 0) {
        error(h, c->tag_start, "'</%.*s>' closes no open element", text_at(h, c->tag),
              (int)c->tag_len);
        return;
    }
    Elem *e = &c->stack[c->depth - 1];
    if (e->len != c->tag_len || strncasecmp(text_at(h, e->off), text_at(h, c->tag), e->len) != 0) {
        error(h, c->tag_start, "'</%.*s>' does not close the innermost open element",
              text_at(h, c->tag), (int)c->tag_len);
        diag_note(h->d, &h->f->src, at(h, e->tag), "'<%.*s>' is open here (close it first)",
                  (int)e->len, text_at(h, e->off));
        return;
    }
    c->depth--;
}

/* In a raw body: does the text now end with `</name` of the open element? */
static void raw_step(Html *h, HCtx *c, char ch, uint32_t off)
{
    const Elem *e = &c->stack[c->depth - 1];
    uint8_t m = c->dashes;
    if (m == 0 && ch == '<')
        m = 1;
    else if (m == 1 && ch == '/')
        m = 2;
    else if (m >= 2 && m - 2 < e->len && (ch | 32) == (text_at(h, e->off)[m - 2] | 32))
        m++;
    else if (m >= 2 && m - 2 == e->len && (is_space(ch) || ch == '>' || ch == '/')) {
        /* the end tag: read it as one */
        c->state = ch == '>' ? H_TEXT : H_END_TAG;
        c->end_tag = true;
        c->tag = e->off;
        c->tag_len = e->len;
        c->tag_start = off - e->len - 2;
        c->raw = R_NONE;
        c->dashes = 0;
        if (ch == '>')
            end_end_tag(h, c);
        return;
    } else
        m = ch == '<' ? 1 : 0;
    c->dashes = m;
    if (c->raw == R_SCRIPT)
        js_step(c, ch);
}

/* Reads one byte of static text at file offset off; s/n is the rest of the text node (for
 * character references). Returns how many bytes were read. */
static size_t step(Html *h, HCtx *c, const char *s, size_t n, uint32_t off)
{
    char ch = s[0];
    switch (c->state) {
    case H_TEXT:
        if (ch == '<')
            c->state = H_LT;
        break;
    case H_LT:
        c->tag_start = off - 1;
        if (is_alpha(ch)) {
            c->state = H_TAG_NAME;
            c->end_tag = false;
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
        break;
    case H_LT_SLASH:
        if (is_alpha(ch)) {
            c->state = H_END_NAME;
            c->end_tag = true;
            c->tag = off;
            c->tag_len = 1;
        } else {
            c->state = H_BOGUS;
        }
        break;
    case H_LT_BANG:
        c->state = ch == '-' ? H_LT_BANG_DASH : H_BOGUS;
        break;
    case H_LT_BANG_DASH:
        c->state = ch == '-' ? H_COMMENT : H_BOGUS;
        c->dashes = 0;
        break;
    case H_COMMENT:
        if (ch == '>' && c->dashes >= 2)
            c->state = H_TEXT;
        c->dashes = ch == '-' ? c->dashes + 1 : 0;
        break;
    case H_BOGUS:
        if (ch == '>')
            c->state = H_TEXT;
        break;
    case H_TAG_NAME:
    case H_END_NAME:
        if (is_space(ch) || ch == '/' || ch == '>') {
            bool end = c->state == H_END_NAME;
            c->state = end ? H_END_TAG : H_TAG;
            return step(h, c, s, n, off);
        }
        c->tag_len++;
        break;
    case H_END_TAG:
        if (ch == '>')
            end_end_tag(h, c);
        break;
    case H_TAG:
        if (ch == '>')
            end_start_tag(h, c, false);
        else if (ch == '/')
            c->state = H_SELF_CLOSE;
        else if (!is_space(ch)) {
            c->state = H_ATTR_NAME;
            c->attr_off = off;
            c->attr_len = 1;
            c->attr_has_value = false;
        }
        break;
    case H_SELF_CLOSE:
        if (ch == '>') {
            end_start_tag(h, c, true);
        } else {
            c->state = H_TAG;
            return step(h, c, s, n, off);
        }
        break;
    case H_ATTR_NAME:
        if (ch == '=' || ch == '>' || ch == '/' || is_space(ch)) {
            c->state = H_AFTER_NAME;
            return step(h, c, s, n, off);
        }
        c->attr_len++;
        break;
    case H_AFTER_NAME:
        if (ch == '=') {
            c->state = H_BEFORE_VALUE;
            c->attr = attr_kind(h, c->attr_off, c->attr_len);
            c->attr_has_value = true;
        } else if (!is_space(ch)) {
            end_attr(h, c);
            c->state = H_TAG;
            return step(h, c, s, n, off);
        }
        break;
    case H_BEFORE_VALUE:
        if (is_space(ch))
            break;
        c->url = U_START;
        c->js = J_EXPR;
        c->tmpl_depth = 0;
        c->word_len = 0;
        c->js_escape = false;
        if (ch == '"' || ch == '\'') {
            c->state = H_VALUE;
            c->delim = ch;
        } else if (ch == '>') {
            end_attr(h, c);
            end_start_tag(h, c, false);
        } else {
            c->state = H_VALUE;
            c->delim = ' ';
            return step(h, c, s, n, off);
        }
        break;
    case H_VALUE:
        if (ch == c->delim || (c->delim == ' ' && (is_space(ch) || ch == '>'))) {
            end_attr(h, c);
            c->state = c->delim == ' ' ? H_TAG : H_AFTER_VALUE;
            if (c->delim == ' ')
                return step(h, c, s, n, off);
        } else if (ch == '&') {
            char d;
            size_t len = decode_ref(s, n, &d);
            value_step(c, len ? d : '&');
            return len ? len : 1;
        } else {
            value_step(c, ch);
        }
        break;
    case H_AFTER_VALUE:
        if (ch == '>')
            end_start_tag(h, c, false);
        else if (ch == '/')
            c->state = H_SELF_CLOSE;
        else {
            c->state = H_TAG; /* a missing space between attributes: as browsers read it */
            return step(h, c, s, n, off);
        }
        break;
    case H_RAW:
        raw_step(h, c, ch, off);
        break;
    }
    return 1;
}

static void feed(Html *h, HCtx *c, const char *s, size_t n, uint32_t off)
{
    size_t i = 0;
    while (i < n)
        i += step(h, c, s + i, n - i, off + (uint32_t)i);
}

/* ---- Contexts -------------------------------------------------------------------------- */

/* A description of the state, for messages. */
static const char *describe(const HCtx *c)
{
    switch (c->state) {
    case H_TEXT: return "text";
    case H_LT:
    case H_TAG_NAME:
    case H_LT_SLASH:
    case H_END_NAME:
    case H_END_TAG: return "a tag name";
    case H_LT_BANG:
    case H_LT_BANG_DASH:
    case H_BOGUS: return "a markup declaration";
    case H_COMMENT: return "an HTML comment";
    case H_TAG:
    case H_AFTER_VALUE:
    case H_SELF_CLOSE: return "a tag, between attributes";
    case H_ATTR_NAME:
    case H_AFTER_NAME: return "an attribute name";
    case H_BEFORE_VALUE: return "an attribute, after '='";
    case H_VALUE:
        if (c->attr == A_JS || c->attr == A_DS_URL) {
            if (c->js == J_DQ || c->js == J_SQ || c->js == J_TMPL || c->js == J_TMPL_DOLLAR)
                return "a JavaScript string in an attribute";
            if (c->js == J_LINE_CMT || c->js == J_BLOCK_CMT || c->js == J_BLOCK_STAR)
                return "a JavaScript comment in an attribute";
            return "a JavaScript attribute value";
        }
        return c->delim == ' ' ? "an unquoted attribute value" : "an attribute value";
    case H_RAW:
        switch (c->raw) {
        case R_SCRIPT:
            if (c->js == J_DQ || c->js == J_SQ || c->js == J_TMPL || c->js == J_TMPL_DOLLAR)
                return "a JavaScript string in <script>";
            if (c->js == J_LINE_CMT || c->js == J_BLOCK_CMT || c->js == J_BLOCK_STAR)
                return "a JavaScript comment in <script>";
            if (c->js == J_REGEXP || c->js == J_REGEXP_CLASS)
                return "a regular expression in <script>";
            return "a <script> body";
        case R_STYLE: return "a <style> body";
        default: return "the body of a raw text element";
        }
    }
    return "?";
}

/* The context of an interpolation in JavaScript (attr: in an attribute). */
static Context js_context(const HCtx *c, bool attr)
{
    switch (c->js) {
    case J_EXPR:
    case J_DIVOP:
        if (c->word_len)
            return CTX_NONE; /* glued to an identifier */
        return c->attr == A_DS_URL && attr ? CTX_DS_URL : attr ? CTX_JS : CTX_JS_SCRIPT;
    case J_DQ:
    case J_SQ:
    case J_TMPL:
        if (c->attr == A_DS_URL && attr && c->js_fresh)
            return CTX_DS_URL_STR;
        return attr ? CTX_JS_STR : CTX_JS_SCRIPT_STR;
    case J_REGEXP:
    case J_REGEXP_CLASS:
        return attr ? CTX_JS_REGEXP : CTX_JS_SCRIPT_REGEXP;
    default:
        return CTX_NONE; /* comments, `/` pending, `$` pending */
    }
}

/* The context of an interpolation in state c, or CTX_NONE where no value may go. */
static Context context_of(const HCtx *c, bool *quote)
{
    *quote = false;
    switch (c->state) {
    case H_TEXT:
        return CTX_TEXT;
    case H_RAW:
        if (c->raw == R_SCRIPT)
            return js_context(c, false);
        return c->raw == R_STYLE ? CTX_CSS : CTX_RCDATA;
    case H_BEFORE_VALUE: /* the whole value: the compiler adds the quotes */
        *quote = true;
        switch (c->attr) {
        case A_PLAIN: return CTX_ATTR;
        case A_CSS: return CTX_CSS;
        case A_SRCSET: return CTX_SRCSET;
        case A_URL: return CTX_URL;
        case A_JS: return CTX_JS;
        case A_DS_URL: return CTX_DS_URL;
        }
        return CTX_NONE;
    case H_VALUE:
        if (c->delim == ' ')
            return CTX_NONE; /* inside an unquoted value: it must be quoted */
        switch (c->attr) {
        case A_PLAIN: return CTX_ATTR;
        case A_CSS: return CTX_CSS;
        case A_SRCSET: return CTX_SRCSET;
        case A_URL: return c->url == U_START ? CTX_URL : c->url == U_PATH ? CTX_URL_PART : CTX_URL_QUERY;
        case A_JS:
        case A_DS_URL: return js_context(c, true);
        }
        return CTX_NONE;
    default:
        return CTX_NONE;
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
    case CTX_URL: c->url = U_PATH; break;
    case CTX_JS:
    case CTX_JS_SCRIPT:
    case CTX_DS_URL: c->js = J_DIVOP; break;
    case CTX_JS_STR:
    case CTX_JS_SCRIPT_STR:
    case CTX_DS_URL_STR: c->js_fresh = false; break;
    default: break;
    }
}

/* ---- Walking the component --------------------------------------------------------------- */

static void walk(Html *h, HCtx *c, Node *list);

static bool same_name(const Html *h, uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
    return alen == blen && strncasecmp(text_at(h, a), text_at(h, b), alen) == 0;
}

/* Whether two states are the same for everything that follows. */
static bool same_state(const Html *h, const HCtx *a, const HCtx *b)
{
    if (a->state != b->state || a->depth != b->depth)
        return false;
    for (int i = 0; i < a->depth; i++)
        if (!same_name(h, a->stack[i].off, a->stack[i].len, b->stack[i].off, b->stack[i].len))
            return false;
    switch (a->state) {
    case H_VALUE:
        if (a->delim != b->delim || a->attr != b->attr)
            return false;
        if (a->attr == A_URL)
            return a->url == b->url;
        if (a->attr == A_JS || a->attr == A_DS_URL)
            return a->js == b->js && a->tmpl_depth == b->tmpl_depth;
        return true;
    case H_RAW:
        return a->raw == b->raw && (a->raw != R_SCRIPT || a->js == b->js);
    case H_TAG_NAME:
    case H_END_NAME:
    case H_TAG:
    case H_AFTER_VALUE:
        return same_name(h, a->tag, a->tag_len, b->tag, b->tag_len);
    default:
        return true;
    }
}

/* Describes the open elements of c that the other state lacks, for messages. */
static void describe_end(const Html *h, const HCtx *c, char *buf, size_t size)
{
    if (c->depth > 0 && c->state == H_TEXT)
        snprintf(buf, size, "in %s, inside '<%.*s>'", describe(c), (int)c->stack[c->depth - 1].len,
                 text_at(h, c->stack[c->depth - 1].off));
    else
        snprintf(buf, size, "in %s", describe(c));
}

/* Reports two branches ending in different states. */
static void report_branches(Html *h, Node *n, const char *what, const HCtx *a, uint32_t a_off,
                            const HCtx *b, uint32_t b_off)
{
    char da[160], db[160];
    describe_end(h, a, da, sizeof da);
    describe_end(h, b, db, sizeof db);
    diag_error(h->d, &h->f->src, n->off, "%s leave the HTML in different states", what);
    diag_note(h->d, &h->f->src, a_off, "here it is %s", da);
    diag_note(h->d, &h->f->src, b_off, "here it is %s", db);
    h->failed = true;
}

/* Where a node list ends (for messages): its last node, or the fallback. */
static uint32_t end_off(const NodeList *l, uint32_t fallback)
{
    const Node *last = l->tail ? l->tail : NULL;
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
    if (!h->failed && !same_state(h, c, other))
        report_branches(h, n, n->alt.head ? "the branches of this 'if'"
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
    if (!h->failed && !same_state(h, c, start))
        report_branches(h, n, "the body of this 'for' must end as it starts: the iterations",
                        start, n->off, c, end_off(&n->body, n->off));
    if (n->alt.head) {
        HCtx *alt = malloc(sizeof *alt);
        if (alt) {
            *alt = *start;
            walk(h, alt, n->alt.head);
            if (!h->failed && !same_state(h, alt, start))
                report_branches(h, n, "the 'else' of this 'for' must end as it starts: it would",
                                start, n->off, alt, end_off(&n->alt, n->off));
            free(alt);
        }
    }
    free(start);
}

/* Checks that a fragment (a fill, a call's children, a markdown block) leaves the HTML as
 * it found it: in text, every element closed. */
static void check_fragment_end(Html *h, const HCtx *frag, uint32_t off, const char *what)
{
    if (h->failed || (frag->state == H_TEXT && frag->depth == 0))
        return;
    char buf[160];
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
        error(h, n->off, "%.*s cannot stand here: it writes HTML, and this is not text",
              what, (int)strlen(what));
}

static void interp(Html *h, HCtx *c, Node *n)
{
    /* a `/` just before a value: a regular expression starts, or it divides */
    if (c->js == J_SLASH && (c->state == H_VALUE || (c->state == H_RAW && c->raw == R_SCRIPT)))
        c->js = c->js_prev == J_EXPR ? J_REGEXP : J_EXPR;
    bool quote;
    Context ctx = context_of(c, &quote);
    bool raw = false;
    for (Filter *f = n->filters; f; f = f->next)
        raw |= f->kind == F_RAW;
    n->ctx = ctx;
    n->quote = quote;
    if (quote)
        end_attr(h, c); /* name={{ value }}: the attribute ends with the value */
    if (ctx == CTX_NONE && !raw && !h->failed) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "a value cannot be interpolated in %s%s (use '| raw' if you vouch for it)",
                 describe(c),
                 c->state == H_VALUE && c->delim == ' ' ? ": quote the attribute value" : "");
        error(h, n->off, "%.*s", msg, (int)strlen(msg));
        return;
    }
    if (ctx == CTX_NONE)
        return; /* raw where nothing else may go: the state is left as it is */
    for (Filter *f = n->filters; f && ctx == CTX_CSS && !raw; f = f->next)
        if (f->kind != F_RAW && !h->failed)
            error(h, f->name.off, "'| %.*s' cannot stand in CSS, which takes only numbers (or '| raw')",
                  text_at(h, f->name.off), (int)f->name.len);
    after_value(c, ctx, quote);
}

static void boolattr(Html *h, HCtx *c, Node *n)
{
    if (c->state == H_AFTER_NAME)
        end_attr(h, c);
    if (c->state != H_TAG && c->state != H_AFTER_VALUE && c->state != H_TAG_NAME &&
        c->state != H_AFTER_NAME && !h->failed) {
        error(h, n->off, "'%.*s?=' must stand between the attributes of a tag",
              text_at(h, n->name.off), (int)n->name.len);
        return;
    }
    c->state = H_AFTER_VALUE;
    n->ctx = CTX_ATTR;
}

static void walk(Html *h, HCtx *c, Node *list)
{
    for (Node *n = list; n && !h->failed; n = n->next) {
        switch (n->kind) {
        case N_TEXT:
            feed(h, c, text_at(h, n->text.off), n->text.len, n->text.off);
            break;
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
        default:
            break;
        }
    }
}

void html_check_component(Diag *d, File *f, Node *comp)
{
    Html h = {d, f, f->src.text, false, 0, false};
    (void)comp;
    HCtx *c = calloc(1, sizeof *c);
    if (c == NULL)
        return;
    walk(&h, c, comp->body.head);
    if (!h.failed) {
        uint32_t end = end_off(&comp->body, comp->off);
        if (c->state == H_RAW)
            error(&h, c->stack[c->depth - 1].tag, "'<%.*s>' is not closed at the end of the component",
                  text_at(&h, c->stack[c->depth - 1].off), (int)c->stack[c->depth - 1].len);
        else if (c->state != H_TEXT)
            error(&h, end, "the component ends inside %.*s", describe(c), (int)strlen(describe(c)));
        else if (c->depth > 0)
            error(&h, c->stack[c->depth - 1].tag,
                  "'<%.*s>' is not closed at the end of the component (every element needs its "
                  "end tag)",
                  text_at(&h, c->stack[c->depth - 1].off), (int)c->stack[c->depth - 1].len);
    }
    free(c);
}
