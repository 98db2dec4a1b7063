/* ast.h — the syntax tree of one template file.
 *
 * A template is a list of declarations (c blocks, imports, entities, components); a
 * component's body is a list of nodes (text, interpolations, statements). Nodes own their
 * children and are freed with ast_free_list. Spans point into the file's Source text.
 */
#ifndef STARCHC_AST_H
#define STARCHC_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A piece of the source: byte offset and length. */
typedef struct Span {
    uint32_t off, len;
} Span;

typedef enum NodeKind {
    /* declarations (top level) */
    N_CBLOCK,    /* {% c %} / {% c impl %}: text = the C code, flag = impl */
    N_IMPORT,    /* {% import "x.starch" %}: text = the path, without quotes */
    N_ENTITY,    /* {% entity Name %}: name, fields */
    N_COMPONENT, /* {% component Name(params) %}: name, code = params, args = each param */
    /* markup and statements (component bodies) */
    N_TEXT,     /* static text: text */
    N_INTERP,   /* {{ code | filters }} */
    N_BOOLATTR, /* name?={{ code }}: name, code */
    N_IF,       /* {% if code %} body, alt = else part (one N_IF with flag elif, or a body) */
    N_FOR_IN,   /* {% for name in code, code2 %} body {% else %} alt */
    N_FOR_C,    /* {% for (code) %} body */
    N_LET,      /* {% let code %} */
    N_RENDER,   /* {% render name(args) %} */
    N_CALL,     /* {% call name(args) %} body {% end %} */
    N_FILL,     /* {% fill name %} body {% end %} */
    N_CHILDREN, /* {% children %} */
    N_SLOT,     /* {% slot name %} */
    N_MARKDOWN, /* {% markdown %} text {% end %}: html = the converted HTML */
} NodeKind;

/* Filters of an interpolation, applied left to right. */
typedef enum FilterKind { F_RAW, F_JSON, F_MARKDOWN, F_FMT } FilterKind;

typedef struct Filter {
    FilterKind kind;
    Span name;
    Span args; /* inside the parentheses; len 0 when there are none */
    struct Filter *next;
    struct Filter *last; /* the head of a list: its last filter (O(1) appends) */
} Filter;

/* Field types of an entity. */
typedef enum FieldKind { FK_INT, FK_FLOAT, FK_BOOL, FK_STRING, FK_ENTITY } FieldKind;

typedef struct Field {
    Span name;
    Span type; /* as written */
    FieldKind kind;
    bool array;
    struct Field *next;
    struct Field *last; /* the head of a list: its last field (O(1) appends) */
} Field;

/* A list of C fragments (arguments or parameters), each a Span. */
typedef struct SpanList {
    Span *items;
    size_t n;
} SpanList;

/* The escaping context of an interpolation, decided by the checker (html_escape.c). */
typedef enum Context {
    CTX_NONE = 0,         /* not decided (or only `| raw` may stand here) */
    CTX_TEXT,             /* between tags */
    CTX_RCDATA,           /* <title>, <textarea> (and raw text elements other than script/style) */
    CTX_ATTR,             /* an attribute value */
    CTX_URL,              /* a URL attribute at its start: scheme filtered */
    CTX_URL_PART,         /* a URL attribute past its scheme, before ? or #: normalised */
    CTX_URL_QUERY,        /* a URL attribute in the query or fragment: percent-encoded */
    CTX_SRCSET,           /* srcset: each candidate URL filtered */
    CTX_JS,               /* a JS value in an attribute (on*, Datastar expressions) */
    CTX_JS_STR,           /* inside a JS string or template literal in an attribute */
    CTX_JS_REGEXP,        /* inside a JS regular expression literal in an attribute */
    CTX_JS_SCRIPT,        /* a JS value in <script> */
    CTX_JS_SCRIPT_STR,    /* inside a JS string or template literal in <script> */
    CTX_JS_SCRIPT_REGEXP, /* inside a JS regular expression literal in <script> */
    CTX_CSS,              /* <style> body or style attribute: numbers only */
    CTX_DS_URL,           /* data-attr:href and friends: URL-filtered, then a JS value */
    CTX_DS_URL_STR,       /* the same, at the start of a JS string literal */
} Context;

typedef struct Node Node;

/* A node list with O(1) append, the value of list-valued grammar rules. */
typedef struct NodeList {
    Node *head, *tail;
} NodeList;

struct Node {
    NodeKind kind;
    uint32_t off;  /* where the construct starts (for diagnostics and #line) */
    Span name;     /* component, entity, slot, fill, loop variable, boolean attribute */
    Span code;     /* the C fragment: condition, expression, header, declaration, params */
    Span code2;    /* for-in: the count expression */
    Span text;     /* static text, c block, import path, markdown source */
    SpanList args; /* render/call arguments, component parameters */
    Filter *filters;
    Field *fields;
    NodeList body;
    NodeList alt;
    bool flag;   /* N_CBLOCK: impl; N_IF: this is an elif; N_INTERP: whitespace-trimmed;
                  * N_BOOLATTR: written as `name`, not ` name` (it follows a statement tag);
                  * N_SLOT, N_CHILDREN: its content is written as lines: it stands alone on
                  * its line, or (forwarded) ends the content of a slot that does (check.c) */
    Context ctx; /* N_INTERP / N_BOOLATTR: decided by the checker */
    char *html;  /* N_MARKDOWN: converted HTML (owned) */
    size_t html_len;
    bool quote;    /* N_INTERP: an unquoted attribute value; the compiler adds quotes */
    Node *target;  /* N_RENDER/N_CALL: the resolved component (a Node in some file) */
    uint8_t walk;  /* N_ENTITY: the checker's walk of fields held by value; N_COMPONENT: its
                    * walk of the calls its slots stand in (check.c) */
    bool forwards; /* N_COMPONENT: a slot of it stands in a call (it forwards the slot): its
                    * parts share a frame (codegen.c) */
    Node **slots;  /* N_COMPONENT: its slots in the order they run, set by the checker (owned;
                    * the nodes belong to its body) */
    size_t n_slots;
    uint32_t rank;  /* N_COMPONENT: when the checker finished its slot order (callees first) */
    uint32_t chain; /* N_COMPONENT: the components of the longest chain of calls it forwards
                     * slots into (itself included: 1 when it forwards none) */
    struct File *target_file;
    Node *next;
};

/* Constructors: each takes ownership of its list and pointer arguments, even when it
 * fails (then it frees them and returns NULL), so grammar error paths never leak. */
Node *ast_new(NodeKind kind, uint32_t off);
NodeList ast_list_append(NodeList list, Node *n);
NodeList ast_list_empty(void);
void ast_free(Node *n);
void ast_free_list(NodeList list);
void ast_free_filters(Filter *f);
void ast_free_fields(Field *f);
Filter *ast_filter_append(Filter *list, Filter *f);
Field *ast_field_append(Field *list, Field *f);
void ast_spanlist_push(SpanList *l, Span s);

/* Walking: the callback returns WALK_CONTINUE, WALK_SKIP (do not enter this node's
 * children) or WALK_STOP (end the walk). ast_walk returns WALK_STOP if stopped. */
enum { WALK_CONTINUE, WALK_SKIP, WALK_STOP };
typedef int (*WalkFn)(Node *n, void *ctx);
int ast_walk(Node *list, WalkFn fn, void *ctx);

/* Whether c may appear in a C identifier. */
static inline bool ast_is_ident_char(char c)
{
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The name of a node kind, for messages ("if", "for", "call", …). */
const char *ast_kind_name(NodeKind kind);

#endif
