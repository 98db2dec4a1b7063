/* parse.c — the parser driver and the constructors the grammar actions call. */
#include "parse.h"

#include <stdlib.h>
#include <string.h>

#include "grammar.h"
#include "starchc.h"

static Span span_of(const Tok *t)
{
    Span s = {t->off, t->len};
    return s;
}

static const char *text_of(const ParseCtx *pc, Span s)
{
    return pc->src->text + s.off;
}

/* Reports a declared name that starts with the generator's prefix. */
static void check_reserved(ParseCtx *pc, Span name, const char *what)
{
    if (name.len >= 3 && memcmp(text_of(pc, name), "st_", 3) == 0)
        diag_error(pc->d, pc->src, name.off,
                   "%s '%.*s' starts with 'st_', which is reserved for generated code", what,
                   (int)name.len, text_of(pc, name));
}

/* ---- Declarations ---------------------------------------------------------------- */

Node *parse_cblock(ParseCtx *pc, const Tok *kw, bool impl, const Tok *body)
{
    (void)pc;
    Node *n = ast_new(N_CBLOCK, kw->off);
    if (n) {
        n->text = span_of(body);
        n->flag = impl;
    }
    return n;
}

/* An import whose file name C's `#include "..."` cannot spell (it ends at the first quote,
 * and at the end of the line) is refused here, and left without a name. */
Node *parse_import(ParseCtx *pc, const Tok *kw, const Tok *path)
{
    Span name = span_of(path);
    size_t bad = strcspn(text_of(pc, name), "\"\n\r");
    if (path->len == 0 && !path->aux) /* (aux: a stand-in, its error already reported) */
        diag_error(pc->d, pc->src, path->off, "empty file name in 'import'");
    else if (bad < name.len)
        diag_error(pc->d, pc->src, path->off + (uint32_t)bad,
                   "the file name in 'import' holds %s: the generated '#include \"...\"' could "
                   "not name the file",
                   text_of(pc, name)[bad] == '"' ? "a '\"'" : "a line break");
    Node *n = ast_new(N_IMPORT, kw->off);
    if (n)
        n->text = bad < name.len ? (Span){name.off, 0} : name;
    return n;
}

Node *parse_entity(ParseCtx *pc, const Tok *kw, const Tok *name, Field *fields)
{
    check_reserved(pc, span_of(name), "entity");
    Node *n = ast_new(N_ENTITY, kw->off);
    if (n == NULL) {
        ast_free_fields(fields);
        return NULL;
    }
    n->name = span_of(name);
    n->fields = fields;
    return n;
}

Field *parse_field(ParseCtx *pc, const Tok *name, const Tok *type, bool array)
{
    static const struct {
        const char *name;
        FieldKind kind;
    } kinds[] = {{"int", FK_INT}, {"float", FK_FLOAT}, {"bool", FK_BOOL}, {"string", FK_STRING}};
    check_reserved(pc, span_of(name), "field");
    Field *f = calloc(1, sizeof *f);
    if (f == NULL)
        return NULL;
    f->name = span_of(name);
    f->type = span_of(type);
    f->kind = FK_ENTITY;
    f->array = array;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strlen(kinds[i].name) == type->len &&
            memcmp(kinds[i].name, text_of(pc, f->type), type->len) == 0)
            f->kind = kinds[i].kind;
    return f;
}

Node *parse_component(ParseCtx *pc, const Tok *kw, const Tok *name, SpanList params, NodeList body,
                      const Tok *end)
{
    (void)end;
    check_reserved(pc, span_of(name), "component");
    Node *n = ast_new(N_COMPONENT, kw->off);
    if (n == NULL) {
        free(params.items);
        ast_free_list(body);
        return NULL;
    }
    n->name = span_of(name);
    /* `(void)` declares no parameters */
    if (params.n == 1 && params.items[0].len == 4 &&
        memcmp(text_of(pc, params.items[0]), "void", 4) == 0)
        params.n = 0;
    n->args = params;
    n->body = body;
    return n;
}

Node *parse_toplevel_node(ParseCtx *pc, Node *n)
{
    if (n == NULL)
        return NULL;
    if (n->kind == N_TEXT) {
        const char *s = text_of(pc, n->text);
        size_t i = 0;
        while (i < n->text.len && strchr(" \t\r\n\f\v", s[i]) && s[i] != '\0')
            i++;
        if (i < n->text.len)
            diag_error(pc->d, pc->src, n->text.off + (uint32_t)i,
                       "text outside a component: only declarations (c, import, entity, "
                       "component) may stand at the top level");
    } else {
        diag_error(pc->d, pc->src, n->off,
                   "'%s' outside a component: only declarations (c, import, entity, "
                   "component) may stand at the top level",
                   ast_kind_name(n->kind));
    }
    ast_free(n);
    return NULL;
}

/* ---- Markup ---------------------------------------------------------------------- */

Node *parse_text(ParseCtx *pc, const Tok *t)
{
    (void)pc;
    Node *n = ast_new(N_TEXT, t->off);
    if (n)
        n->text = span_of(t);
    return n;
}

/* Checks a filter chain: fmt takes arguments, the others none; raw comes last; at most
 * one of fmt, json and markdown. */
static void check_filters(ParseCtx *pc, Filter *f)
{
    int transforms = 0;
    for (; f; f = f->next) {
        const char *name = text_of(pc, f->name);
        if (f->kind == F_FMT && f->args.len == 0)
            diag_error(pc->d, pc->src, f->name.off, "'fmt' needs a format: fmt(\"%%.2f\")");
        if (f->kind != F_FMT && f->args.len != 0)
            diag_error(pc->d, pc->src, f->name.off, "'%.*s' takes no arguments", (int)f->name.len,
                       name);
        if (f->kind == F_RAW && f->next)
            diag_error(pc->d, pc->src, f->name.off, "'raw' must be the last filter");
        if (f->kind != F_RAW && ++transforms == 2)
            diag_error(pc->d, pc->src, f->name.off,
                       "only one of 'fmt', 'json' and 'markdown' may be applied");
    }
}

Node *parse_interp(ParseCtx *pc, const Tok *open, const Tok *code, Filter *filters)
{
    check_filters(pc, filters);
    Node *n = ast_new(N_INTERP, open->off);
    if (n == NULL) {
        ast_free_filters(filters);
        return NULL;
    }
    n->code = span_of(code);
    n->filters = filters;
    return n;
}

Node *parse_boolattr(ParseCtx *pc, const Tok *name, const Tok *code, Filter *filters)
{
    if (filters)
        diag_error(pc->d, pc->src, filters->name.off,
                   "a boolean attribute ('%.*s?=') takes a condition, not filters", (int)name->len,
                   text_of(pc, span_of(name)));
    ast_free_filters(filters);
    Node *n = ast_new(N_BOOLATTR, name->off);
    if (n) {
        n->name = span_of(name);
        n->code = span_of(code);
        n->flag = name->aux != 0;
    }
    return n;
}

/* ---- Statements ------------------------------------------------------------------ */

/* Reports a name starting with `st_` (reserved for generated code) that a C declaration
 * declares: any in its declarators, not in its initialisers; up to the first top-level
 * `;` (the first clause of a `for` header). `what` is the tag: "let", "for". */
static void check_declaration(ParseCtx *pc, Span decl, const char *what)
{
    const char *s = text_of(pc, decl);
    int depth = 0;
    bool init = false;
    for (uint32_t i = 0; i < decl.len; i++) {
        char c = s[i];
        if (c == '"' || c == '\'') { /* a literal: skip it */
            while (++i < decl.len && s[i] != c)
                i += s[i] == '\\';
            continue;
        }
        if (c == '(' || c == '[' || c == '{')
            depth++;
        else if (c == ')' || c == ']' || c == '}')
            depth--;
        else if (depth == 0 && (c == '=' || c == ','))
            init = c == '=';
        else if (depth == 0 && c == ';')
            return;
        bool start = i == 0 || !ast_is_ident_char(s[i - 1]);
        if (!init && start && i + 3 <= decl.len && memcmp(s + i, "st_", 3) == 0) {
            diag_error(pc->d, pc->src, decl.off + i,
                       "'%s' declares a name starting with 'st_', which is reserved for "
                       "generated code",
                       what);
            return;
        }
    }
}

Node *parse_if(ParseCtx *pc, const Tok *kw, const Tok *cond, NodeList body, NodeList alt,
               const Tok *end)
{
    (void)pc;
    (void)end;
    Node *n = ast_new(N_IF, kw->off);
    if (n == NULL) {
        ast_free_list(body);
        ast_free_list(alt);
        return NULL;
    }
    n->code = span_of(cond);
    n->body = body;
    n->alt = alt;
    return n;
}

NodeList parse_elif(ParseCtx *pc, const Tok *kw, const Tok *cond, NodeList body, NodeList alt)
{
    Node *n = parse_if(pc, kw, cond, body, alt, NULL);
    if (n)
        n->flag = true;
    return ast_list_append(ast_list_empty(), n);
}

Node *parse_for_in(ParseCtx *pc, const Tok *kw, const Tok *var, const Tok *array, const Tok *count,
                   NodeList body, NodeList alt, const Tok *end)
{
    (void)end;
    check_reserved(pc, span_of(var), "loop variable");
    Node *n = ast_new(N_FOR_IN, kw->off);
    if (n == NULL) {
        ast_free_list(body);
        ast_free_list(alt);
        return NULL;
    }
    n->name = span_of(var);
    n->code = span_of(array);
    n->code2 = span_of(count);
    n->body = body;
    n->alt = alt;
    return n;
}

Node *parse_for_c(ParseCtx *pc, const Tok *kw, const Tok *header, NodeList body, const Tok *end)
{
    (void)end;
    check_declaration(pc, span_of(header), "for");
    Node *n = ast_new(N_FOR_C, kw->off);
    if (n == NULL) {
        ast_free_list(body);
        return NULL;
    }
    n->code = span_of(header);
    n->body = body;
    return n;
}

Node *parse_let(ParseCtx *pc, const Tok *kw, const Tok *decl)
{
    check_declaration(pc, span_of(decl), "let");
    Node *n = ast_new(N_LET, kw->off);
    if (n)
        n->code = span_of(decl);
    return n;
}

Node *parse_render(ParseCtx *pc, const Tok *kw, const Tok *name, SpanList args)
{
    (void)pc;
    Node *n = ast_new(N_RENDER, kw->off);
    if (n == NULL) {
        free(args.items);
        return NULL;
    }
    n->name = span_of(name);
    n->args = args;
    return n;
}

Node *parse_call(ParseCtx *pc, const Tok *kw, const Tok *name, SpanList args, NodeList body,
                 const Tok *end)
{
    (void)end;
    Node *n = parse_render(pc, kw, name, args);
    if (n == NULL) {
        ast_free_list(body);
        return NULL;
    }
    n->kind = N_CALL;
    n->body = body;
    return n;
}

Node *parse_fill(ParseCtx *pc, const Tok *kw, const Tok *name, NodeList body, const Tok *end)
{
    (void)pc;
    (void)end;
    Node *n = ast_new(N_FILL, kw->off);
    if (n == NULL) {
        ast_free_list(body);
        return NULL;
    }
    n->name = span_of(name);
    n->body = body;
    return n;
}

Node *parse_children(ParseCtx *pc, const Tok *kw)
{
    (void)pc;
    Node *n = ast_new(N_CHILDREN, kw->off);
    if (n)
        n->flag = kw->aux != 0;
    return n;
}

Node *parse_slot(ParseCtx *pc, const Tok *kw, const Tok *name)
{
    (void)pc;
    Node *n = ast_new(N_SLOT, kw->off);
    if (n) {
        n->name = span_of(name);
        n->flag = kw->aux != 0;
    }
    return n;
}

Node *parse_markdown(ParseCtx *pc, const Tok *kw, const Tok *body)
{
    (void)pc;
    Node *n = ast_new(N_MARKDOWN, kw->off);
    if (n)
        n->text = span_of(body);
    return n;
}

Node *parse_raw(ParseCtx *pc, NodeList body)
{
    (void)pc;
    return body.head; /* literal text: plain text nodes */
}

Filter *parse_filter(ParseCtx *pc, const Tok *t)
{
    static const struct {
        const char *name;
        FilterKind kind;
    } kinds[] = {{"raw", F_RAW}, {"json", F_JSON}, {"markdown", F_MARKDOWN}, {"fmt", F_FMT}};
    Filter *f = calloc(1, sizeof *f);
    if (f == NULL)
        return NULL;
    f->name = span_of(t);
    f->args.off = t->aux;
    f->args.len = t->aux2;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strlen(kinds[i].name) == t->len &&
            memcmp(kinds[i].name, text_of(pc, f->name), t->len) == 0)
            f->kind = kinds[i].kind;
    return f;
}

SpanList parse_spans_empty(void)
{
    SpanList l = {NULL, 0};
    return l;
}

SpanList parse_spans_append(SpanList l, const Tok *t)
{
    ast_spanlist_push(&l, span_of(t));
    return l;
}

Tok parse_empty_tok(void)
{
    Tok t;
    memset(&t, 0, sizeof t);
    return t;
}

/* ---- Errors ---------------------------------------------------------------------- */

void parse_syntax_error(ParseCtx *pc, int major, const Tok *tok)
{
    if (major == 0) {
        if (!pc->unclosed)
            diag_error(pc->d, pc->src, pc->src->len, "unexpected end of input");
        return;
    }
    if (tok->tag) {
        diag_error(pc->d, pc->src, tok->off, "'%.*s %%}' is not allowed here", (int)tok->len,
                   text_of(pc, span_of(tok)));
        return;
    }
    diag_error(pc->d, pc->src, tok->off, "unexpected '%.*s'", (int)(tok->len > 40 ? 40 : tok->len),
               text_of(pc, span_of(tok)));
}

void parse_stack_overflow(ParseCtx *pc)
{
    diag_error(pc->d, pc->src, pc->at, "template nested too deeply for the parser");
    pc->failed = true;
}

/* ---- The driver ------------------------------------------------------------------ */

/* Reports a template over the size or line length limits (starchc.h); false if it is. */
static bool within_limits(const Source *src, Diag *d)
{
    if (src->len > STARCH_MAX_TEMPLATE_SIZE) {
        diag_error(d, src, STARCH_MAX_TEMPLATE_SIZE,
                   "the template is larger than %u bytes (16 MiB), the limit",
                   STARCH_MAX_TEMPLATE_SIZE);
        return false;
    }
    for (const char *p = src->text, *end = p + src->len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        if ((size_t)(eol - p) > STARCH_MAX_LINE_LENGTH) {
            diag_error(d, src, (size_t)(p - src->text) + STARCH_MAX_LINE_LENGTH,
                       "this line is longer than %u bytes (64 KiB), the limit",
                       STARCH_MAX_LINE_LENGTH);
            return false;
        }
        p = eol + 1;
    }
    return true;
}

bool parse_template(const Source *src, Diag *d, NodeList *decls)
{
    TokArray toks = {NULL, 0, 0, false};
    ParseCtx pc = {src, d, {NULL, NULL}, false, false, 0};
    *decls = ast_list_empty();
    if (!within_limits(src, d))
        return true; /* reported: an empty template */
    if (!lex_template(src, d, &toks)) {
        free(toks.items);
        return false;
    }
    pc.unclosed = toks.unclosed;
    void *parser = starchParseAlloc(malloc, &pc);
    if (parser == NULL) {
        free(toks.items);
        return false;
    }
    for (size_t i = 0; i < toks.n && !pc.failed; i++) {
        pc.at = toks.items[i].off;
        starchParse(parser, toks.items[i].kind, toks.items[i]);
    }
    if (!pc.failed)
        starchParse(parser, 0, parse_empty_tok());
    starchParseFree(parser, free);
    free(toks.items);
    *decls = pc.decls;
    return true;
}
