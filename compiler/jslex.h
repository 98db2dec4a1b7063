/* jslex.h — the checker's JavaScript lexer: just enough of JavaScript's lexical grammar to
 * know, one byte at a time, whether the next value would stand in code, in a string or
 * template literal, in a regular expression or in a comment. html_transition.c runs it over
 * <script> bodies and over JavaScript attribute values (decoded). It follows Go's html/template
 * (transition.go, js.go: nextJSCtx) and resolves a `/` the same way: after a value it
 * divides, elsewhere it starts a regular expression. */
#ifndef STARCHC_JSLEX_H
#define STARCHC_JSLEX_H

#include <stdbool.h>
#include <stdint.h>

typedef enum JsState {
    J_EXPR,         /* where a value may start (a `/` starts a regular expression) */
    J_DIVOP,        /* after a value (a `/` divides) */
    J_SLASH,        /* after a `/` in code: a comment, a division or a regexp follows */
    J_DQ,           /* in "..." */
    J_SQ,           /* in '...' */
    J_TMPL,         /* in `...` */
    J_TMPL_DOLLAR,  /* after `$` in a template literal */
    J_REGEXP,       /* in /.../ */
    J_REGEXP_CLASS, /* in [...] of a regular expression */
    J_LINE_CMT,     /* in // ..., <!-- ..., --> ..., #! ... */
    J_BLOCK_CMT,    /* in / * ... * / */
    J_BLOCK_STAR    /* after `*` in a block comment */
} JsState;

/* Template literals nested in `${ }` deeper than this are a compile error. */
#define JSLEX_MAX_TMPL 8

typedef struct JsLex {
    JsState state;
    JsState before; /* J_SLASH and comments: the code state before them, restored after */
    bool escape;    /* after `\` in a string, template literal or regexp */
    bool fresh;     /* in a string literal with nothing in it yet */
    uint8_t tmpl;   /* open `${` of template literals */
    uint8_t braces[JSLEX_MAX_TMPL]; /* `{` open inside each `${` */
    uint8_t word_len;               /* length of the identifier or number just read (capped) */
    char word[11];                  /* its first bytes (enough for the keywords before a regexp) */
    char last[3];                   /* the last three bytes read, most recent last */
    bool bol;                       /* in code, only spaces and comments since the line began */
    bool dash_bol; /* bol where the `-` just read began (`-->` there is a comment) */
} JsLex;

/* Where a value would stand. */
typedef enum JsSpot {
    JS_AT_VALUE,   /* where an expression may start: a literal */
    JS_AT_STRING,  /* inside a string or template literal */
    JS_AT_REGEXP,  /* inside a regular expression (or its [class]) */
    JS_AT_GLUED,   /* right after an identifier, keyword or number */
    JS_AT_COMMENT, /* in a comment */
    JS_AT_ESCAPE,  /* right after a `\` */
    JS_AT_DOLLAR   /* right after `$` in a template literal (the value could open `${`) */
} JsSpot;

/* Starts at the beginning of a script or attribute value. */
void jslex_reset(JsLex *j);

/* Reads one byte. Returns false when the text nests template literals deeper than
 * JSLEX_MAX_TMPL (or opens 255 braces in one `${`): the lexer can no longer follow it. */
bool jslex_step(JsLex *j, char ch);

/* Where a value written now would stand (a pending `/` is resolved first: after a value it
 * divides, else it starts a regular expression). */
JsSpot jslex_spot(JsLex *j);

/* The state after a value was written at spot (a value in code reads as an operand). */
void jslex_after_value(JsLex *j, JsSpot spot);

/* Whether a and b will read what follows the same way. */
bool jslex_same(const JsLex *a, const JsLex *b);

/* A description of spot for messages ("a JavaScript string", ...). */
const char *jslex_describe(JsSpot spot);

#endif
