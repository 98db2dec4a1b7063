/* html_context.h — the checker's HTML context (Go's html/template: context.go): the state
 * of the tokenizer after some static text (HCtx), which decides the escaping context of a
 * value written there; the checker's run over one component (Html), its messages; and the
 * functions of html_context.c that read a state: its escaping context, where it stands in
 * words, whether two states read what follows alike. html_transition.h moves a state over
 * static text; html_escape.c walks a component with it. */
#ifndef STARCHC_HTML_CONTEXT_H
#define STARCHC_HTML_CONTEXT_H

#include "html_vocab.h"
#include "jslex.h"
#include "unit.h"

/* Most elements open at once. */
#define HTML_MAX_DEPTH 256

/* Most attributes in one tag (each name is kept, to find duplicates). */
#define HTML_MAX_ATTRS 128

/* Where the tokenizer is (Go's state). */
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

/* An open element. */
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
                            * it followed an unquoted value, which a `/` would join; 3 and 4:
                            * a tag name or an attribute name that a statement tag ended) */
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

/* The checker's run over one component. */
typedef struct Html {
    Diag *d;
    File *f;
    const char *base; /* the text offsets refer to: the file's, or a markdown block's HTML */
    bool fixed;       /* reading a markdown block: every message points at it */
    uint32_t fixed_off;
    bool failed; /* an error was reported: stop reporting consequences */
} Html;

/* ---- The run's text and messages ------------------------------------------------------ */

/* The text at offset off (of the file, or of the markdown block being read). */
static inline const char *html_text_at(const Html *h, uint32_t off)
{
    return h->base + off;
}

/* Where a message about offset off points. */
static inline uint32_t html_at(const Html *h, uint32_t off)
{
    return h->fixed ? h->fixed_off : off;
}

/* Whether the name at off, len bytes, is the word w (ignoring ASCII case). */
static inline bool html_name_is(const Html *h, uint32_t off, uint32_t len, const char *w)
{
    return html_word_is(html_text_at(h, off), len, w);
}

/* Whether the names at a and b are the same (ignoring ASCII case). */
bool html_same_name(const Html *h, uint32_t a, uint32_t alen, uint32_t b, uint32_t blen);

/* Reports an error at offset off; later consequences of it are not reported (h->failed). */
void html_report(Html *h, uint32_t off, const char *fmt, ...) STARCH_PRINTF(3, 4);

/* ---- Reading a state ------------------------------------------------------------------ */

/* The context of an interpolation in state c, or CTX_NONE where no value may go; *quote:
 * the value is a whole unquoted attribute value (the compiler adds the quotes). */
Context html_context_of(HCtx *c, bool *quote);

/* Moves c past an interpolation of context ctx (quote: see html_context_of). */
void html_after_value(HCtx *c, Context ctx, bool quote);

/* Where a value would stand, in words, and what to do about it (for messages). */
typedef struct Where {
    char what[256];   /* "in text", "in an attribute name", ... */
    const char *hint; /* how to write it instead, or NULL */
} Where;

/* Where the state c stands, for messages. */
Where html_where_state(const Html *h, HCtx *c);

/* The static text a raw body ends in that could begin an end tag or `<!--` (for
 * messages): "'</ti'", "'<!'"; "" when none. c is in a raw body. */
void html_raw_lt_text(const Html *h, const HCtx *c, char *buf, size_t size);

/* ---- Comparing states ----------------------------------------------------------------- */

/* Whether two states read everything that follows the same way (ignoring the part of a URL
 * value, when ignore_url). What the static text leaves pending for the next value
 * (ref, after_bool) and the attributes a tag already has are joined, not compared. */
bool html_same_state(const Html *h, const HCtx *a, const HCtx *b, bool ignore_url);

/* Joins the state b into a where the two differ only in the part of a URL value (a branch
 * wrote a value where the URL starts, the other a path): the part becomes unknown, where
 * no value may go until a `?` or `#` settles it. Returns false when they cannot be joined. */
bool html_join_url(const Html *h, HCtx *a, const HCtx *b);

#endif
