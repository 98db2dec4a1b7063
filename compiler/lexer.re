/* lexer.re — the template lexer, generated into lexer.c by re2c (-c: start conditions).
 *
 * One scanner, scan(): a single re2c block with a start condition for each kind of input
 * a template holds, kept in the lexer (lx->cond) with the cursor:
 *
 *   <text>   template text, at a `{`: `{{`, `{%`, `{#`, or a lone `{` that is text. Plain
 *            text never goes through the DFA: lex_template finds each `{` with memchr;
 *   <tag>    the keyword that opens a `{% %}` tag, or a name among its arguments;
 *   <expr>   C code (in `{{ }}`, in a tag, in a filter's arguments): skips literals and
 *            other code, and stops at brackets, `,`, `|`, comments and the closing
 *            delimiters, where scan_code keeps the brackets balanced and decides where the
 *            fragment ends;
 *   <field>  the `name: type` lines of an entity, up to the next tag.
 *
 * scan() only classifies. The functions that know the language's structure (lex_template,
 * lex_interp, lex_tag, scan_code, lex_fields) choose the condition, read lexemes, report
 * errors and push tokens: a tag's keyword says what its arguments are, so whether C code or
 * a name comes next is theirs to decide, not a rule's. The literal bodies of raw, markdown
 * and c are not lexed: memchr finds their end tag. The input is held in memory with a NUL
 * sentinel at text[len] (re2c:eof), so NUL bytes inside a template are ordinary characters.
 */
#include "lexer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar.h"
#include "whitespace.h"

typedef unsigned char uchar;

/* An open block, for matching end tags. */
typedef struct Open {
    int block;
    uint32_t off;
    int elifs; /* the `elif`s of an open `if` so far */
} Open;

/* What follows a tag's keyword. */
typedef enum Shape {
    SH_NONE,   /* else, end…, children */
    SH_CODE,   /* if, elif, let: a C fragment to the end of the tag */
    SH_FOR,    /* for x in a, n  |  for (header) */
    SH_CALL,   /* render, call, component: Name(args) */
    SH_NAME,   /* fill, slot, entity: Name */
    SH_STRING, /* import "path" */
    SH_C,      /* c, c impl */
} Shape;

typedef struct Keyword {
    int kind;
    Shape shape;
    int opens; /* the block it opens, or BLOCK_NONE */
    int ends;  /* for END: the block it names (BLOCK_NONE for plain `end`) */
} Keyword;

typedef struct Lexer {
    const Source *src;
    Diag *d;
    const uchar *base; /* src->text */
    const uchar *lim;  /* base + len: the sentinel */
    TokArray *toks;
    Open open[LEX_MAX_DEPTH];
    int depth;
    int levels; /* nesting as the parser sees it: open blocks, and the elifs of open ifs */
    bool oom;
    /* The scanner (scan()): */
    int cond;         /* the condition it reads in (yyctext, yyctag, yycexpr, yycfield) */
    const uchar *cur; /* where it reads next */
    const uchar *tok; /* the start of the lexeme it returned last */
    Keyword kw;       /* after L_KEYWORD: which */
} Lexer;

/* What scan() found. */
typedef enum Lexeme {
    L_END,        /* the end of the input (every condition) */
    L_OTHER,      /* <text>: a lone `{`; <tag>, <field>: a character no rule takes */
    L_INTERP,     /* <text>: `{{` */
    L_TAG,        /* <text>, <field>: `{%` */
    L_COMMENT,    /* <text>, <field>: `{#` */
    L_KEYWORD,    /* <tag>: a tag's keyword (lx->kw says which) */
    L_NAME,       /* <tag>: any other identifier; <field>: any identifier */
    L_COLON,      /* <field>: `:` */
    L_LBRACKET,   /* <field>: `[` */
    L_RBRACKET,   /* <field>: `]` */
    L_OPEN,       /* <expr>: ( [ { */
    L_CLOSE,      /* <expr>: ) ] } */
    L_EXPR_END,   /* <expr>: }} or -}} */
    L_TAG_END,    /* <expr>: %} or -%} */
    L_COMMA,      /* <expr>: , */
    L_PIPE,       /* <expr>: | (not || or |=) */
    L_C_COMMENT,  /* <expr>: the opening of a C comment */
    L_BAD_LITERAL /* <expr>: a quote that opens no complete string or character literal */
} Lexeme;

static uint32_t off_of(const Lexer *lx, const uchar *p)
{
    return (uint32_t)(p - lx->base);
}

static Tok *push(Lexer *lx, int kind, const uchar *start, const uchar *end)
{
    TokArray *a = lx->toks;
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 256;
        Tok *items = realloc(a->items, cap * sizeof *items);
        if (items == NULL) {
            lx->oom = true;
            return NULL;
        }
        a->items = items;
        a->cap = cap;
    }
    Tok *t = &a->items[a->n++];
    memset(t, 0, sizeof *t);
    t->kind = kind;
    t->off = off_of(lx, start);
    t->len = (uint32_t)(end - start);
    return t;
}

static const uchar *skip_ws(const uchar *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
        p++;
    return p;
}

/* The first occurrence of the two bytes a b in [p, lim), or NULL. */
static const uchar *find_pair(const uchar *p, const uchar *lim, uchar a, uchar b)
{
    while (p < lim && (p = memchr(p, a, (size_t)(lim - p))) != NULL) {
        if (p + 1 < lim && p[1] == b)
            return p;
        p++;
    }
    return NULL;
}

/* Whether s[0..n) at p, within lim, spells word. */
static bool spells(const uchar *p, const uchar *lim, const char *word, size_t n)
{
    return (size_t)(lim - p) >= n && memcmp(p, word, n) == 0;
}

/* Trims whitespace at both ends of [*s, *e). */
static void trim_span(const uchar **s, const uchar **e)
{
    *s = skip_ws(*s);
    while (*e > *s && strchr(" \t\r\n\f\v", (*e)[-1]))
        (*e)--;
}

/* After the `{# … #}` comment at open, or NULL after reporting it unterminated. */
static const uchar *comment_end(Lexer *lx, const uchar *open)
{
    const uchar *e = find_pair(open + 2, lx->lim, '#', '}');
    if (e == NULL) {
        diag_error(lx->d, lx->src, off_of(lx, open), "unterminated '{#'");
        return NULL;
    }
    return e + 2;
}

/* ---------------------------------------------------------------------------------------
 * The scanner
 * ------------------------------------------------------------------------------------- */

/*!conditions:re2c*/

/* Puts the scanner at p, reading in condition cond. */
static void scan_from(Lexer *lx, int cond, const uchar *p)
{
    lx->cond = cond;
    lx->cur = p;
}

/* A tag's keyword, for scan(): kept in lx->kw. */
static Lexeme keyword(Lexer *lx, int kind, Shape shape, int opens, int ends)
{
    lx->kw = (Keyword){kind, shape, opens, ends};
    return L_KEYWORD;
}

/* Reads the next lexeme in condition lx->cond from lx->cur: sets lx->tok to its start and
 * lx->cur after it, and says what it is. What no caller needs to see is skipped on the
 * way (`:=> cond`: matched, and the next lexeme starts after it): C literals and other C
 * code, the whitespace between fields. The actions only classify: what a lexeme means,
 * errors included, is the caller's business, so the scanner calls nothing and is cheap
 * to enter once per lexeme. */
static Lexeme scan(Lexer *lx)
{
    const uchar *cur = lx->cur, *mar, *tok = cur;
    /*!re2c
        re2c:define:YYCTYPE = uchar;
        re2c:define:YYCURSOR = cur;
        re2c:define:YYMARKER = mar;
        re2c:define:YYLIMIT = lx->lim;
        re2c:define:YYGETCONDITION = lx->cond;
        re2c:define:YYGETCONDITION:naked = 1;
        re2c:define:YYSETCONDITION = "lx->cond = @@;";
        re2c:define:YYSETCONDITION:naked = 1;
        re2c:yyfill:enable = 0;
        re2c:eof = 0;
        re2c:cond:goto = "tok = cur; goto @@;";

        ws     = [ \t\r\n\f\v];
        ident  = [a-zA-Z_][a-zA-Z_0-9]*;
        strlit = ["] ([^"\\\n\x00] | "\\" [^\x00])* ["];
        chrlit = ['] ([^'\\\n\x00] | "\\" [^\x00])* ['];
        plain  = [^/"'()[\]{}%,|\x00-]; // a character that starts no other <expr> rule

        // Every action starts with the lexeme recorded in the lexer.
        <!*> { lx->tok = tok; lx->cur = cur; }

        // <text>: at a `{` of template text.
        <text>  "{{"             { return L_INTERP; }
        <text>  "{%"             { return L_TAG; }
        <text>  "{#"             { return L_COMMENT; }
        <text>  *                { return L_OTHER; }

        // <tag>: a keyword is a name too (a longer word, "iffy", is only a name).
        <tag>   "if"             { return keyword(lx, TK_IF, SH_CODE, BLOCK_IF, 0); }
        <tag>   "elif"           { return keyword(lx, TK_ELIF, SH_CODE, 0, 0); }
        <tag>   "else"           { return keyword(lx, TK_ELSE, SH_NONE, 0, 0); }
        <tag>   "for"            { return keyword(lx, TK_FOR, SH_FOR, BLOCK_FOR, 0); }
        <tag>   "let"            { return keyword(lx, TK_LET, SH_CODE, 0, 0); }
        <tag>   "render"         { return keyword(lx, TK_RENDER, SH_CALL, 0, 0); }
        <tag>   "call"           { return keyword(lx, TK_CALL, SH_CALL, BLOCK_CALL, 0); }
        <tag>   "fill"           { return keyword(lx, TK_FILL, SH_NAME, BLOCK_FILL, 0); }
        <tag>   "slot"           { return keyword(lx, TK_SLOT, SH_NAME, 0, 0); }
        <tag>   "children"       { return keyword(lx, TK_CHILDREN, SH_NONE, 0, 0); }
        <tag>   "markdown"       { return keyword(lx, TK_MARKDOWN, SH_NONE, BLOCK_MARKDOWN, 0); }
        <tag>   "raw"            { return keyword(lx, TK_RAW, SH_NONE, BLOCK_RAW, 0); }
        <tag>   "c"              { return keyword(lx, TK_C, SH_C, BLOCK_C, 0); }
        <tag>   "import"         { return keyword(lx, TK_IMPORT, SH_STRING, 0, 0); }
        <tag>   "entity"         { return keyword(lx, TK_ENTITY, SH_NAME, BLOCK_ENTITY, 0); }
        <tag>   "component"      { return keyword(lx, TK_COMPONENT, SH_CALL, BLOCK_COMPONENT, 0); }
        <tag>   "end"            { return keyword(lx, TK_END, SH_NONE, 0, BLOCK_NONE); }
        <tag>   "endif"          { return keyword(lx, TK_END, SH_NONE, 0, BLOCK_IF); }
        <tag>   "endfor"         { return keyword(lx, TK_END, SH_NONE, 0, BLOCK_FOR); }
        <tag>   "endcall"        { return keyword(lx, TK_END, SH_NONE, 0, BLOCK_CALL); }
        <tag>   "endfill"        { return keyword(lx, TK_END, SH_NONE, 0, BLOCK_FILL); }
        <tag>   "endmarkdown"    { return keyword(lx, TK_END, SH_NONE, 0, BLOCK_MARKDOWN); }
        <tag>   "endraw"         { return keyword(lx, TK_END, SH_NONE, 0, BLOCK_RAW); }
        <tag>   "endc"           { return keyword(lx, TK_END, SH_NONE, 0, BLOCK_C); }
        <tag>   "endentity"      { return keyword(lx, TK_END, SH_NONE, 0, BLOCK_ENTITY); }
        <tag>   "endcomponent"   { return keyword(lx, TK_END, SH_NONE, 0, BLOCK_COMPONENT); }
        <tag>   ident            { return L_NAME; }
        <tag>   *                { return L_OTHER; }

        // <expr>: C code; what can neither nest nor end a fragment is skipped.
        <expr>  plain+           :=> expr
        <expr>  "/*"             { return L_C_COMMENT; }
        <expr>  "//" [^\n\x00]*  :=> expr
        <expr>  strlit | chrlit  :=> expr
        <expr>  ["']             { return L_BAD_LITERAL; }
        <expr>  [([{]            { return L_OPEN; }
        <expr>  [)\]}]           { return L_CLOSE; }
        <expr>  "}}" | "-}}"     { return L_EXPR_END; }
        <expr>  "%}" | "-%}"     { return L_TAG_END; }
        <expr>  ","              { return L_COMMA; }
        <expr>  "||" | "|="      :=> expr
        <expr>  "|"              { return L_PIPE; }
        <expr>  *                :=> expr

        // <field>: the fields of an entity.
        <field> (ws | [,;])+     :=> field
        <field> "{#"             { return L_COMMENT; }
        <field> "{%"             { return L_TAG; }
        <field> ident            { return L_NAME; }
        <field> ":"              { return L_COLON; }
        <field> "["              { return L_LBRACKET; }
        <field> "]"              { return L_RBRACKET; }
        <field> *                { return L_OTHER; }

        <text, tag, expr, field> $ { return L_END; }
    */
}

/* ---------------------------------------------------------------------------------------
 * C fragments
 * ------------------------------------------------------------------------------------- */

/* What may end a C fragment (at bracket depth 0). */
enum {
    STOP_EXPR = 1,   /* }} or -}} */
    STOP_TAG = 2,    /* %} or -%} */
    STOP_COMMA = 4,  /* , */
    STOP_RPAREN = 8, /* an unmatched ) */
    STOP_FILTER = 16 /* | followed by a filter name */
};

/* How a C fragment ended. */
typedef enum Term { T_EOF, T_ERROR, T_EXPR_END, T_TAG_END, T_COMMA, T_RPAREN, T_PIPE } Term;

typedef struct Scan {
    const uchar *end;  /* where the fragment ends (the terminator's first byte) */
    const uchar *next; /* after the terminator */
    bool trim;         /* the terminator was -}} or -%} */
} Scan;

static bool is_filter_at(Lexer *lx, const uchar *p, const uchar **after);

/* After the C comment at open, or NULL after reporting it unterminated. */
static const uchar *c_comment_end(Lexer *lx, const uchar *open)
{
    const uchar *e = find_pair(open + 2, lx->lim, '*', '/');
    if (e == NULL) {
        diag_error(lx->d, lx->src, off_of(lx, open), "unterminated comment");
        return NULL;
    }
    return e + 2;
}

static bool closer_matches(uchar open, uchar close)
{
    return (open == '(' && close == ')') || (open == '[' && close == ']') ||
           (open == '{' && close == '}');
}

/* The fragment ends at the lexeme just read, with t. */
static Term stop_here(const Lexer *lx, Scan *sc, Term t)
{
    sc->end = lx->tok;
    sc->next = lx->cur;
    sc->trim = *lx->tok == '-';
    return t;
}

/* Scans a C fragment from p until a terminator allowed by `stop` at depth 0. Reports
 * unterminated literals and comments, mismatched brackets and excessive nesting. */
static Term scan_code(Lexer *lx, const uchar *p, int stop, Scan *sc)
{
    uchar stack[LEX_MAX_EXPR_DEPTH];
    int depth = 0;
    scan_from(lx, yycexpr, p);
    for (;;) {
        Lexeme l = scan(lx);
        const uchar *tok = lx->tok;
        switch (l) {
        case L_OPEN:
            if (depth == LEX_MAX_EXPR_DEPTH) {
                diag_error(lx->d, lx->src, off_of(lx, tok), "brackets nested too deeply (limit %d)",
                           LEX_MAX_EXPR_DEPTH);
                return T_ERROR;
            }
            stack[depth++] = *tok;
            continue;
        case L_EXPR_END:
            if (depth == 0 && (stop & STOP_EXPR))
                return stop_here(lx, sc, T_EXPR_END);
            lx->cur = tok + 1; /* one character at a time */
            if (*tok == '}')
                break; /* a closing brace */
            continue;
        case L_TAG_END:
            if (depth == 0 && (stop & STOP_TAG))
                return stop_here(lx, sc, T_TAG_END);
            lx->cur = tok + 1;
            continue;
        case L_CLOSE:
            if (depth == 0 && *tok == ')' && (stop & STOP_RPAREN))
                return stop_here(lx, sc, T_RPAREN);
            break;
        case L_COMMA:
            if (depth == 0 && (stop & STOP_COMMA))
                return stop_here(lx, sc, T_COMMA);
            continue;
        case L_PIPE: {
            const uchar *after, *resume = lx->cur;
            bool filter = depth == 0 && (stop & STOP_FILTER) && is_filter_at(lx, resume, &after);
            scan_from(lx, yycexpr, resume); /* the look-ahead moved the scanner */
            if (filter) {
                sc->end = tok;
                sc->next = resume;
                return T_PIPE;
            }
            continue;
        }
        case L_C_COMMENT:
            if ((lx->cur = c_comment_end(lx, tok)) == NULL)
                return T_ERROR;
            continue;
        case L_BAD_LITERAL:
            diag_error(lx->d, lx->src, off_of(lx, tok), "unterminated %s literal",
                       *tok == '"' ? "string" : "character");
            return T_ERROR;
        default: sc->end = sc->next = tok; return T_EOF;
        }
        /* a closing bracket */
        if (depth == 0) {
            diag_error(lx->d, lx->src, off_of(lx, tok), "unbalanced '%c' in C code", *tok);
            return T_ERROR;
        }
        if (!closer_matches(stack[depth - 1], *tok)) {
            diag_error(lx->d, lx->src, off_of(lx, tok), "'%c' does not match '%c' in C code", *tok,
                       stack[depth - 1]);
            return T_ERROR;
        }
        depth--;
    }
}

/* ---------------------------------------------------------------------------------------
 * Filters: `| name` or `| name(args)`, then `|` or the end of the interpolation
 * ------------------------------------------------------------------------------------- */

static int filter_kind(const uchar *s, size_t n)
{
    static const char *const names[] = {"raw", "json", "markdown", "fmt"};
    for (int i = 0; i < 4; i++)
        if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0)
            return i;
    return -1;
}

/* Reads a filter name at p (after the `|`): sets *name, *args (or NULL) and returns the
 * position after it, or NULL when p does not hold a filter. */
static const uchar *read_filter(Lexer *lx, const uchar *p, const uchar **name,
                                const uchar **name_end, const uchar **args, const uchar **args_end)
{
    p = skip_ws(p);
    const uchar *n = p;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
           (*p >= '0' && *p <= '9'))
        p++;
    if (filter_kind(n, (size_t)(p - n)) < 0)
        return NULL;
    *name = n;
    *name_end = p;
    *args = *args_end = NULL;
    const uchar *q = skip_ws(p);
    if (*q == '(') {
        Scan sc;
        Diag quiet = {.out = NULL};
        Diag *saved = lx->d;
        lx->d = &quiet; /* a failed look-ahead reports nothing: it is then C, not a filter */
        Term t = scan_code(lx, q + 1, STOP_RPAREN, &sc);
        lx->d = saved;
        if (t != T_RPAREN)
            return NULL;
        *args = q + 1;
        *args_end = sc.end;
        q = skip_ws(sc.next);
    }
    if (*q == '|' && q[1] != '|' && q[1] != '=')
        return q;
    if ((q[0] == '}' && q[1] == '}') || (q[0] == '-' && q[1] == '}' && q[2] == '}'))
        return q;
    return NULL;
}

static bool is_filter_at(Lexer *lx, const uchar *p, const uchar **after)
{
    const uchar *a, *b, *c, *e;
    *after = read_filter(lx, p, &a, &b, &c, &e);
    return *after != NULL;
}

/* ---------------------------------------------------------------------------------------
 * Interpolations
 * ------------------------------------------------------------------------------------- */

static bool is_space(uchar c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* `name?={{ cond }}`: when the text before an interpolation ends in whitespace, an
 * attribute name and `?=` — or is only the name and `?=` right after a statement tag
 * (`<input {% if a %}checked?={{ b }}{% end %}>`) — cuts them off the text into a
 * BOOLATTR token (the attribute is written as ` name` when cond is true). Whether the
 * attribute stands where one may is the checker's to say (html_escape.c). */
static void split_boolattr(Lexer *lx, const uchar *open)
{
    TokArray *a = lx->toks;
    Tok *t = a->n ? &a->items[a->n - 1] : NULL;
    if (t == NULL || t->kind != TK_TEXT || t->off + t->len != off_of(lx, open) || t->len < 3)
        return;
    const uchar *s = lx->base + t->off, *e = s + t->len;
    if (e[-1] != '=' || e[-2] != '?')
        return;
    const uchar *n = e - 2;
    while (n > s && !is_space(n[-1]) && !strchr("\"'<>/=", n[-1]) && n[-1] != 0)
        n--;
    bool after_tag = n == s && a->n >= 2 && a->items[a->n - 2].kind == TK_TAG_CLOSE;
    if (n == e - 2 || (!after_tag && (n == s || !is_space(n[-1]))))
        return;
    const uchar *w = n;
    while (w > s && is_space(w[-1]))
        w--;
    t->len = (uint32_t)(w - s);
    if (t->len == 0)
        a->n--; /* the text was only the attribute */
    Tok *b = push(lx, TK_BOOLATTR, n, e - 2);
    if (b)
        b->aux = after_tag; /* no space of its own: the one before the tag separates it */
}

/* Lexes `{{ code | filters }}` starting at open (the first `{`). Returns where to go on, or
 * NULL when the rest of the input cannot be lexed. */
static const uchar *lex_interp(Lexer *lx, const uchar *open)
{
    const uchar *p = open + 2;
    bool trim = *p == '-';
    if (trim)
        p++;
    Scan sc;
    Term t = scan_code(lx, p, STOP_EXPR | STOP_FILTER, &sc);
    if (t == T_EOF)
        diag_error(lx->d, lx->src, off_of(lx, open), "unterminated '{{'");
    if (t == T_EOF || t == T_ERROR)
        return NULL;
    const uchar *cs = p, *ce = sc.end;
    trim_span(&cs, &ce);
    size_t first = lx->toks->n;
    split_boolattr(lx, open);
    Tok *o = push(lx, TK_EXPR_OPEN, open, p);
    if (o)
        o->trim = trim;
    if (cs != ce)
        push(lx, TK_CODE, cs, ce);
    while (t == T_PIPE) {
        const uchar *n, *ne, *a, *ae;
        const uchar *q = read_filter(lx, sc.next, &n, &ne, &a, &ae);
        if (q == NULL) { /* `| raw |` and nothing after: the interpolation never ends */
            diag_error(lx->d, lx->src, off_of(lx, open), "unterminated '{{'");
            lx->toks->n = first;
            return NULL;
        }
        Tok *f = push(lx, TK_FILTER, n, ne);
        if (f && a) {
            f->has_args = 1;
            f->aux = off_of(lx, a);
            f->aux2 = (uint32_t)(ae - a);
        }
        if (*q == '|') {
            t = T_PIPE;
            sc.next = q + 1;
        } else {
            sc.trim = *q == '-';
            sc.end = q;
            sc.next = q + (sc.trim ? 3 : 2);
            t = T_EXPR_END;
        }
    }
    if (cs == ce) {
        diag_error(lx->d, lx->src, off_of(lx, open), "empty '{{ }}'");
        lx->toks->n = first; /* drop the whole interpolation */
        return sc.next;
    }
    Tok *c = push(lx, TK_EXPR_CLOSE, sc.end, sc.next);
    if (c)
        c->trim = sc.trim;
    return sc.next;
}

/* ---------------------------------------------------------------------------------------
 * Tags
 * ------------------------------------------------------------------------------------- */

static const char *const block_names[] = {"",         "if",  "for",    "call",     "fill",
                                          "markdown", "raw", "c",      "entity",   "component"};

const char *lex_block_name(int block)
{
    return block >= 0 && block <= BLOCK_COMPONENT ? block_names[block] : "?";
}

/* Reads the keyword at *pp and moves *pp after it when it is a word. Returns its
 * description, with kind 0 for an unknown word. */
static Keyword scan_keyword(Lexer *lx, const uchar **pp)
{
    scan_from(lx, yyctag, *pp);
    Lexeme l = scan(lx);
    if (l == L_KEYWORD || l == L_NAME)
        *pp = lx->cur;
    return l == L_KEYWORD ? lx->kw : (Keyword){0, SH_NONE, BLOCK_NONE, BLOCK_NONE};
}

/* Reads an identifier at p (after whitespace); NULL if there is none. */
static const uchar *scan_ident(Lexer *lx, const uchar *p, const uchar **start)
{
    *start = skip_ws(p);
    scan_from(lx, yyctag, *start);
    Lexeme l = scan(lx);
    return l == L_KEYWORD || l == L_NAME ? lx->cur : NULL;
}

/* Finds the end of the tag from p (for recovery after an error). */
static const uchar *skip_to_tag_end(Lexer *lx, const uchar *p)
{
    Diag quiet = {.out = NULL};
    Diag *saved = lx->d;
    Scan sc;
    lx->d = &quiet;
    Term t = scan_code(lx, p, STOP_TAG, &sc);
    lx->d = saved;
    return t == T_TAG_END ? sc.next : NULL;
}

/* Reports why the tag at open has no end: the C code's own error (a bracket that does
 * not match, an unterminated string) when the scan met one, else "unterminated". */
static void report_tag_end(Lexer *lx, const uchar *open, const uchar *kw)
{
    int before = lx->d->n_errors;
    Scan sc;
    scan_code(lx, kw, STOP_TAG, &sc);
    if (lx->d->n_errors == before)
        diag_error(lx->d, lx->src, off_of(lx, open), "unterminated '{%%'");
}

/* Pushes a CODE token for [s, e) trimmed; false (and an error) when it is empty. */
static bool push_code(Lexer *lx, const uchar *s, const uchar *e, const uchar *at,
                      const char *what)
{
    trim_span(&s, &e);
    if (s == e) {
        diag_error(lx->d, lx->src, off_of(lx, at), "%s", what);
        return false;
    }
    push(lx, TK_CODE, s, e);
    return true;
}

/* The end of an import tag from p: just after its first `%}` (its file name is no C
 * string: a backslash in it is a backslash), or NULL. */
static const uchar *import_tag_end(Lexer *lx, const uchar *p)
{
    const uchar *close = find_pair(p, lx->lim, '%', '}');
    return close ? close + 2 : NULL;
}

/* The file name of `{% import "NAME" %}` at p: from its opening quote to the last quote
 * before the tag's end, as written (C's #include "..." takes no escape sequences either),
 * so that a quote or a line break inside it reaches the parser, which refuses it. Returns
 * the position after the closing quote, or NULL after reporting an error. */
static const uchar *lex_import_path(Lexer *lx, const uchar *p)
{
    const uchar *q = skip_ws(p), *end = find_pair(q, lx->lim, '%', '}'), *e = NULL;
    for (const uchar *s = q + 1; *q == '"' && end && s < end; s++)
        if (*s == '"')
            e = s;
    if (e == NULL) {
        diag_error(lx->d, lx->src, off_of(lx, q), "expected a quoted file name after 'import'");
        return NULL;
    }
    push(lx, TK_STRING, q + 1, e);
    return e + 1;
}

/* Lexes `( arg, arg )` of render/call/component from p (just after the name). Returns
 * the position after `)`, or NULL after reporting an error. */
static const uchar *lex_args(Lexer *lx, const uchar *p, const uchar *kw)
{
    p = skip_ws(p);
    if (*p != '(') {
        diag_error(lx->d, lx->src, off_of(lx, p), "expected '(' after the name in '%.*s'",
                   (int)(p - kw), (const char *)kw);
        return NULL;
    }
    push(lx, TK_LPAREN, p, p + 1);
    const uchar *q = skip_ws(p + 1);
    if (*q == ')') {
        push(lx, TK_RPAREN, q, q + 1);
        return q + 1;
    }
    p++;
    for (;;) {
        Scan sc;
        Term t = scan_code(lx, p, STOP_COMMA | STOP_RPAREN | STOP_TAG, &sc);
        if (t == T_ERROR || t == T_EOF)
            return NULL;
        if (t == T_TAG_END) {
            diag_error(lx->d, lx->src, off_of(lx, sc.end), "expected ')' before '%%}'");
            return NULL;
        }
        if (!push_code(lx, p, sc.end, sc.end, "empty argument"))
            return NULL;
        push(lx, t == T_COMMA ? TK_COMMA : TK_RPAREN, sc.end, sc.next);
        p = sc.next;
        if (t == T_RPAREN)
            return p;
    }
}

/* Lexes what follows `for`: `x in array, count` or `(header)`. */
static const uchar *lex_for(Lexer *lx, const uchar *p, const uchar *kw)
{
    const uchar *q = skip_ws(p);
    Scan sc;
    if (*q == '(') {
        Term t = scan_code(lx, q, STOP_TAG, &sc);
        if (t != T_TAG_END)
            return NULL;
        const uchar *s = q, *e = sc.end;
        trim_span(&s, &e);
        if (e[-1] != ')') {
            diag_error(lx->d, lx->src, off_of(lx, q), "expected 'for (header)' or 'for x in array, count'");
            return NULL;
        }
        push(lx, TK_CODE, s, e);
        return sc.end;
    }
    const uchar *name, *after = scan_ident(lx, q, &name);
    const uchar *in = after ? skip_ws(after) : NULL;
    if (after == NULL || in[0] != 'i' || in[1] != 'n' || !strchr(" \t\r\n", in[2])) {
        diag_error(lx->d, lx->src, off_of(lx, kw), "expected 'for NAME in ARRAY, COUNT' or 'for (C header)'");
        return NULL;
    }
    push(lx, TK_IDENT, name, after);
    push(lx, TK_IN, in, in + 2);
    Term t = scan_code(lx, in + 2, STOP_COMMA | STOP_TAG, &sc);
    if (t == T_TAG_END) {
        diag_error(lx->d, lx->src, off_of(lx, sc.end), "expected ', COUNT' after the array in 'for'");
        return NULL;
    }
    if (t != T_COMMA || !push_code(lx, in + 2, sc.end, in, "expected an array after 'in'"))
        return NULL;
    push(lx, TK_COMMA, sc.end, sc.next);
    const uchar *cs = sc.next;
    t = scan_code(lx, cs, STOP_TAG, &sc);
    if (t != T_TAG_END || !push_code(lx, cs, sc.end, sc.end, "expected a count after ','"))
        return NULL;
    return sc.end;
}

/* Lexes the arguments of a tag according to its shape; returns where the tag's closing
 * delimiter should be, or NULL after an error. */
static const uchar *lex_tag_args(Lexer *lx, Keyword k, const uchar *kw, const uchar *p)
{
    Scan sc;
    const uchar *name, *after;
    switch (k.shape) {
    case SH_NONE:
        return p;
    case SH_CODE: {
        Term t = scan_code(lx, p, STOP_TAG, &sc);
        if (t != T_TAG_END)
            return NULL;
        char what[64];
        snprintf(what, sizeof what, "'%.*s' needs %s", (int)(p - kw), (const char *)kw,
                 k.kind == TK_LET ? "a C declaration" : "a condition");
        return push_code(lx, p, sc.end, kw, what) ? sc.end : NULL;
    }
    case SH_FOR:
        return lex_for(lx, p, kw);
    case SH_CALL:
    case SH_NAME:
        after = scan_ident(lx, p, &name);
        if (after == NULL) {
            diag_error(lx->d, lx->src, off_of(lx, kw), "'%.*s' needs a name", (int)(p - kw),
                       (const char *)kw);
            return NULL;
        }
        push(lx, TK_IDENT, name, after);
        return k.shape == SH_NAME ? after : lex_args(lx, after, kw);
    case SH_STRING:
        return lex_import_path(lx, p);
    case SH_C: {
        const uchar *q = skip_ws(p);
        if (spells(q, lx->lim, "impl", 4) && !((q[4] >= 'a' && q[4] <= 'z') || q[4] == '_')) {
            push(lx, TK_IMPL, q, q + 4);
            return q + 4;
        }
        return p;
    }
    }
    return NULL;
}

/* Checks an END or ELSE/ELIF against the open blocks; returns false if the token must be
 * dropped. */
static bool match_block(Lexer *lx, Keyword k, const uchar *kw, size_t kwlen)
{
    Open *top = lx->depth > 0 ? &lx->open[lx->depth - 1] : NULL;
    if (k.kind == TK_END) {
        if (top == NULL) {
            diag_error(lx->d, lx->src, off_of(lx, kw), "'{%% %.*s %%}' with no open block",
                       (int)kwlen, (const char *)kw);
            return false;
        }
        if (k.ends != BLOCK_NONE && k.ends != top->block) {
            diag_error(lx->d, lx->src, off_of(lx, kw), "'{%% %.*s %%}' closes '{%% %s %%}'",
                       (int)kwlen, (const char *)kw, lex_block_name(top->block));
            diag_note(lx->d, lx->src, top->off, "'{%% %s %%}' opened here",
                      lex_block_name(top->block));
        }
        lx->levels -= 1 + top->elifs;
        lx->depth--;
        return true;
    }
    if (k.kind == TK_ELSE && (top == NULL || (top->block != BLOCK_IF && top->block != BLOCK_FOR))) {
        diag_error(lx->d, lx->src, off_of(lx, kw), "'{%% else %%}' outside 'if' or 'for'");
        return false;
    }
    if (k.kind == TK_ELIF && (top == NULL || top->block != BLOCK_IF)) {
        diag_error(lx->d, lx->src, off_of(lx, kw), "'{%% elif %%}' outside 'if'");
        return false;
    }
    return true;
}

static bool open_block(Lexer *lx, int block, const uchar *at)
{
    if (lx->levels == LEX_MAX_DEPTH) {
        diag_error(lx->d, lx->src, off_of(lx, at), "blocks nested too deeply (limit %d)",
                   LEX_MAX_DEPTH);
        return false;
    }
    lx->open[lx->depth].block = block;
    lx->open[lx->depth].off = off_of(lx, at);
    lx->open[lx->depth].elifs = 0;
    lx->depth++;
    lx->levels++;
    return true;
}

/* An `elif` (of the innermost open block, an `if`): the grammar nests it in the branch
 * before it, so it counts as one more level. */
static bool nest_elif(Lexer *lx, const uchar *at)
{
    if (lx->levels == LEX_MAX_DEPTH) {
        diag_error(lx->d, lx->src, off_of(lx, at),
                   "'elif' branches and blocks nested too deeply (limit %d levels; each 'elif' "
                   "is one level)",
                   LEX_MAX_DEPTH);
        return false;
    }
    lx->open[lx->depth - 1].elifs++;
    lx->levels++;
    return true;
}

/* After an error in a tag's arguments, pushes stand-in tokens of the right shape so that
 * the parser sees a well-formed tag and goes on (no code is generated after an error). */
static void push_placeholder(Lexer *lx, Shape shape, const uchar *at)
{
    switch (shape) {
    case SH_CODE:
    case SH_FOR:
        push(lx, TK_CODE, at, at);
        break;
    case SH_CALL:
        push(lx, TK_IDENT, at, at);
        push(lx, TK_LPAREN, at, at);
        push(lx, TK_RPAREN, at, at);
        break;
    case SH_NAME:
        push(lx, TK_IDENT, at, at);
        break;
    case SH_STRING: {
        Tok *t = push(lx, TK_STRING, at, at);
        if (t)
            t->aux = 1; /* a stand-in: the parser reports nothing more about it */
        break;
    }
    case SH_NONE:
    case SH_C:
        break;
    }
}

static const uchar *lex_body(Lexer *lx, int block, const uchar *p, const uchar *open);
static const uchar *lex_fields(Lexer *lx, const uchar *p);

/* A hint for the tags of other template languages. */
static const char *unknown_tag_hint(const uchar *w, size_t n)
{
    static const char *const hints[][2] = {
        {"include", " (to render a component: '{% render Name(args) %}')"},
        {"extends", " (layouts are components with slots: '{% call Page(args) %}')"},
        {"block", " (a layout marks its slots with '{% slot NAME %}')"},
        {"macro", " (declare a component: '{% component Name(params) %}')"},
        {"set", " (declare a variable: '{% let int n = 0 %}')"},
        {"elseif", " (did you mean 'elif'?)"},
        {"elsif", " (did you mean 'elif'?)"},
    };
    for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++)
        if (strlen(hints[i][0]) == n && memcmp(hints[i][0], w, n) == 0)
            return hints[i][1];
    return "";
}

/* The edit distance (insertions, deletions, substitutions, swaps of neighbours) between
 * a[0..n) and b, n and strlen(b) at most 15. */
static size_t edit_distance(const uchar *a, size_t n, const char *b)
{
    size_t m = strlen(b), d[16][16];
    for (size_t i = 0; i <= n; i++)
        for (size_t j = 0; j <= m; j++) {
            if (i == 0 || j == 0) {
                d[i][j] = i + j;
                continue;
            }
            size_t best = d[i - 1][j - 1] + (a[i - 1] != (uchar)b[j - 1]);
            best = d[i - 1][j] + 1 < best ? d[i - 1][j] + 1 : best;
            best = d[i][j - 1] + 1 < best ? d[i][j - 1] + 1 : best;
            if (i > 1 && j > 1 && a[i - 1] == (uchar)b[j - 2] && a[i - 2] == (uchar)b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[n][m];
}

/* The tag w[0..n) is probably a misspelling of (one edit away; two for long names), or NULL. */
static const char *misspelt_tag(const uchar *w, size_t n)
{
    static const char *const tags[] = {"if",       "elif",     "else",   "for",    "let",
                                       "render",   "call",     "fill",   "slot",   "children",
                                       "markdown", "raw",      "import", "entity", "component",
                                       "end",      "endif",    "endfor", "endcall"};
    if (n < 2 || n > 15)
        return NULL;
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
        if (edit_distance(w, n, tags[i]) <= (n > 5 ? 2u : 1u))
            return tags[i];
    return NULL;
}

/* Reports the unknown tag w[0..n) when it is one edit from a tag and returns true; a
 * misspelt end goes on as '{% end %}' (k), so that one typo is one error. */
static bool lex_misspelt_tag(Lexer *lx, const uchar *w, size_t n, Keyword *k)
{
    const char *tag = *unknown_tag_hint(w, n) ? NULL : misspelt_tag(w, n);
    if (tag == NULL)
        return false;
    diag_error(lx->d, lx->src, off_of(lx, w), "unknown tag '%.*s' (did you mean '%s'?)", (int)n,
               (const char *)w, tag);
    if (strncmp(tag, "end", 3) == 0)
        *k = (Keyword){TK_END, SH_NONE, 0, BLOCK_NONE};
    return true;
}

/* Lexes a `{% … %}` tag at open. Returns where to go on, or NULL to stop lexing. */
static const uchar *lex_tag(Lexer *lx, const uchar *open)
{
    const uchar *p = open + 2;
    bool trim = *p == '-';
    if (trim)
        p++;
    const uchar *kw = skip_ws(p), *kwend = kw;
    Keyword k = scan_keyword(lx, &kwend);
    const uchar *resume =
        k.shape == SH_STRING ? import_tag_end(lx, kwend) : skip_to_tag_end(lx, kw);
    if (resume == NULL) {
        report_tag_end(lx, open, kw);
        return NULL;
    }
    if (k.kind == 0) {
        if (kwend == kw)
            diag_error(lx->d, lx->src, off_of(lx, kw), "expected a tag name after '{%%'");
        else if (!lex_misspelt_tag(lx, kw, (size_t)(kwend - kw), &k))
            diag_error(lx->d, lx->src, off_of(lx, kw), "unknown tag '%.*s'%s", (int)(kwend - kw),
                       (const char *)kw, unknown_tag_hint(kw, (size_t)(kwend - kw)));
        if (k.kind == 0)
            return resume;
    }
    if (!match_block(lx, k, kw, (size_t)(kwend - kw)))
        return resume;
    if (k.kind == TK_ELIF && !nest_elif(lx, open))
        return NULL;
    Tok *t = push(lx, k.kind, kw, kwend);
    if (t) {
        t->tag = 1;
        t->trim = trim;
        t->aux = (uint32_t)k.ends;
        t->off = off_of(lx, open); /* diagnostics about the tag point at its `{%` */
        t->len = (uint32_t)(kwend - open);
    }
    size_t after_kw = lx->toks->n;
    const uchar *q = lex_tag_args(lx, k, kw, kwend);
    const uchar *close = q ? skip_ws(q) : NULL;
    if (q == NULL) {
        lx->toks->n = after_kw; /* keep the keyword, stand in for its arguments */
        push_placeholder(lx, k.shape, kw);
    } else if (!(close[0] == '%' && close[1] == '}') && !(close[0] == '-' && close[1] == '%')) {
        diag_error(lx->d, lx->src, off_of(lx, close), "unexpected '%c' in '{%% %.*s %%}'",
                   *close, (int)(kwend - kw), (const char *)kw);
        close = NULL;
    }
    const uchar *cs = close ? close : resume - 2;
    Tok *c = push(lx, TK_TAG_CLOSE, cs, resume);
    if (c)
        c->trim = resume - cs == 3;
    if (k.opens && !open_block(lx, k.opens, open))
        return NULL;
    if (k.opens == BLOCK_RAW || k.opens == BLOCK_MARKDOWN || k.opens == BLOCK_C)
        return lex_body(lx, k.opens, resume, open);
    if (k.opens == BLOCK_ENTITY)
        return lex_fields(lx, resume);
    return resume;
}

/* Whether an end tag for block stands at p (`{%`, `end` or `end<block>`, `%}`), reading
 * nothing at or past lim (the sentinel NUL ends the whitespace skips). */
static bool is_end_tag(const uchar *p, const uchar *lim, int block)
{
    p += 2;
    if (p < lim && *p == '-')
        p++;
    p = skip_ws(p);
    if (!spells(p, lim, "end", 3))
        return false;
    p += 3;
    size_t n = strlen(block_names[block]);
    if (spells(p, lim, block_names[block], n))
        p += n;
    p = skip_ws(p);
    if (p < lim && *p == '-')
        p++;
    return spells(p, lim, "%}", 2);
}

/* Lexes the literal body of raw / markdown / c up to its end tag. */
static const uchar *lex_body(Lexer *lx, int block, const uchar *p, const uchar *open)
{
    const uchar *q = p;
    for (;;) {
        q = memchr(q, '{', (size_t)(lx->lim - q));
        if (q == NULL) {
            diag_error(lx->d, lx->src, off_of(lx, open),
                       "'{%% %s %%}' is never closed (no '{%% end %%}')", block_names[block]);
            lx->levels -= 1 + lx->open[lx->depth - 1].elifs;
            lx->depth--;
            lx->toks->unclosed = true;
            return NULL;
        }
        if (q + 1 < lx->lim && q[1] == '%' && is_end_tag(q, lx->lim, block))
            break;
        q++;
    }
    if (q > p)
        push(lx, block == BLOCK_RAW ? TK_TEXT : TK_BODY, p, q);
    return q;
}

/* Lexes the `name: type` fields of an entity up to the next tag. */
static const uchar *lex_fields(Lexer *lx, const uchar *p)
{
    scan_from(lx, yycfield, p);
    for (;;) {
        Lexeme l = scan(lx);
        const uchar *tok = lx->tok;
        switch (l) {
        case L_NAME: push(lx, TK_IDENT, tok, lx->cur); continue;
        case L_COLON: push(lx, TK_COLON, tok, lx->cur); continue;
        case L_LBRACKET: push(lx, TK_LBRACKET, tok, lx->cur); continue;
        case L_RBRACKET: push(lx, TK_RBRACKET, tok, lx->cur); continue;
        case L_COMMENT:
            if ((lx->cur = comment_end(lx, tok)) == NULL)
                return NULL;
            continue;
        case L_OTHER:
            diag_error(lx->d, lx->src, off_of(lx, tok),
                       "unexpected '%c' in an entity: fields are 'name: type'", *tok);
            while (*lx->cur != '\n' && lx->cur < lx->lim)
                lx->cur++;
            continue;
        default: return tok; /* `{%` or the end */
        }
    }
}

/* ---------------------------------------------------------------------------------------
 * Text
 * ------------------------------------------------------------------------------------- */

/* Pushes the text [s, e). */
static void push_text(Lexer *lx, const uchar *s, const uchar *e)
{
    if (e > s)
        push(lx, TK_TEXT, s, e);
}

static const uchar *lex_comment(Lexer *lx, const uchar *open)
{
    const uchar *e = comment_end(lx, open);
    if (e != NULL)
        push(lx, TK_COMMENT, open, e);
    return e;
}

bool lex_template(const Source *src, Diag *d, TokArray *toks)
{
    const uchar *base = (const uchar *)src->text;
    Lexer lx = {.src = src, .d = d, .base = base, .lim = base + src->len, .toks = toks};
    const uchar *p = lx.base, *text = p;
    while (p && p < lx.lim) {
        const uchar *q = memchr(p, '{', (size_t)(lx.lim - p)); /* plain text, not the DFA */
        if (q == NULL)
            break;
        scan_from(&lx, yyctext, q);
        Lexeme l = scan(&lx);
        if (l == L_OTHER) { /* a lone '{' is text */
            p = lx.cur;
            continue;
        }
        push_text(&lx, text, q);
        if (l == L_INTERP)
            p = lex_interp(&lx, q);
        else if (l == L_TAG)
            p = lex_tag(&lx, q);
        else /* L_COMMENT */
            p = lex_comment(&lx, q);
        text = p;
        if (lx.oom)
            return false;
    }
    if (p != NULL) /* the text after the last construct (even when it ends in a lone '{') */
        push_text(&lx, text, lx.lim);
    /* After an unterminated construct, the blocks still open are no news. */
    for (int i = lx.depth - 1; i >= 0; i--) {
        if (p != NULL)
            diag_error(d, src, lx.open[i].off, "'{%% %s %%}' is never closed (no '{%% end %%}')",
                       lex_block_name(lx.open[i].block));
        toks->unclosed = true;
    }
    ws_apply(src, toks);
    return !lx.oom;
}
