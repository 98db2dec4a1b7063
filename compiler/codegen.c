/* codegen.c — writes the generated C: one function per component, one call per run of
 * static text and interpolations, C control flow for statements, #line directives around
 * every C fragment of the template (the output helpers gen_* are in gen.c).
 *
 * One emit_<node> per AST kind: emit_cblock, emit_imports (N_IMPORT), emit_entity
 * (codegen_entity.c), emit_component (split at its N_SLOT and N_CHILDREN into parts);
 * inside a component emit_text (N_TEXT and N_MARKDOWN: static text, merged in runs),
 * emit_interp, emit_boolattr, emit_if (emit_pure_if inside a run), emit_for_in,
 * emit_for_c, emit_let, emit_render, emit_call with emit_children and emit_fill. emit_nodes
 * dispatches a list, with a loud default for a kind it does not generate. */
#include "codegen.h"

#include "cloop.h"
#include "gen.h"
#include "imports.h"
#include "starch_gen.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- Runs: static text and interpolations ---------------------------------------- */

/* One piece of a run: static bytes (text[off..off+len) of the run) or a node. */
typedef struct Piece {
    Node *node; /* N_INTERP / N_BOOLATTR, or NULL for static bytes */
    size_t off, len;
    char first, last; /* static bytes of an SSE variant: the template's first and last byte
                         (the text is written with its line breaks as data lines) */
} Piece;

/* A run of pieces written together; adjacent static text is merged into one piece. */
typedef struct Run {
    Piece *p;
    size_t n, cap;
    starch_out text; /* the static bytes of the run */
} Run;

/* Room for one more piece in r. */
static bool run_grow(Run *r)
{
    if (r->n < r->cap)
        return true;
    size_t cap = r->cap ? r->cap * 2 : 16;
    Piece *p = realloc(r->p, cap * sizeof *p);
    if (p == NULL)
        return false;
    r->p = p;
    r->cap = cap;
    return true;
}

static void run_push(Run *r, Node *node, const char *text, size_t len)
{
    if (node == NULL && len == 0)
        return;
    if (node == NULL && r->n > 0 && r->p[r->n - 1].node == NULL) {
        starch_out_write(&r->text, text, len);
        r->p[r->n - 1].len += len;
        r->p[r->n - 1].last = text[len - 1];
        return;
    }
    if (!run_grow(r))
        return;
    r->p[r->n++] = (Piece){node, starch_out_len(&r->text), node ? 0 : len, node ? 0 : text[0],
                           node ? 0 : text[len - 1]};
    if (node == NULL)
        starch_out_write(&r->text, text, len);
}

/* ---- SSE variants: the text of data lines ------------------------------------------ */

/* While an SSE variant is written: its generator (the sizes of static text count the
 * data lines' breaks), else NULL. (Per thread: the compiler is a library.) */
static _Thread_local const Gen *sse_gen;

/* Writes text[0..len) to o as it is written in a patch-elements event's data lines: each
 * \n, \r\n or \r as STARCH_SSE_BREAK. */
static void sse_lines(starch_out *o, const char *text, size_t len)
{
    if (memchr(text, '\r', len) == NULL) { /* most text: only \n, found by memchr */
        const char *s = text, *end = text + len;
        for (const char *nl; (nl = memchr(s, '\n', (size_t)(end - s))) != NULL; s = nl + 1) {
            starch_out_write(o, s, (size_t)(nl - s));
            starch_out_write(o, STARCH_SSE_BREAK, STARCH_SSE_BREAK_LEN);
        }
        starch_out_write(o, s, (size_t)(end - s));
        return;
    }
    size_t from = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] != '\n' && text[i] != '\r')
            continue;
        starch_out_write(o, text + from, i - from);
        starch_out_write(o, STARCH_SSE_BREAK, STARCH_SSE_BREAK_LEN);
        if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
            i++;
        from = i + 1;
    }
    starch_out_write(o, text + from, len - from);
}

/* The length of static text text[0..len) as written (in data lines in an SSE variant). */
static size_t text_size(const char *text, size_t len)
{
    if (sse_gen == NULL)
        return len;
    size_t n = len;
    const char *end = text + len;
    for (const char *c = text; (c = memchr(c, '\n', (size_t)(end - c))) != NULL; c++)
        n += c > text && c[-1] == '\r' ? 0 : STARCH_SSE_BREAK_LEN - 1; /* \r\n: below */
    for (const char *c = text; (c = memchr(c, '\r', (size_t)(end - c))) != NULL; c++)
        n += c + 1 < end && c[1] == '\n' ? STARCH_SSE_BREAK_LEN - 2 : STARCH_SSE_BREAK_LEN - 1;
    return n;
}

/* Static bytes a piece writes at most, and how many bounded values it writes. */
static bool pure_if_size(const Node *n, size_t *stat, size_t *vals);

/* Whether the nodes of list write only static text and values (through ifs whose
 * branches do too): then a run reserves room for them at once. Sets the most static bytes
 * and the most values any path through them writes. */
static bool pure_size(const Node *list, size_t *stat, size_t *vals)
{
    size_t s = 0, v = 0;
    for (const Node *n = list; n; n = n->next) {
        size_t s1, v1;
        switch (n->kind) {
        case N_TEXT:
            s += sse_gen ? text_size(unit_text(sse_gen->f, n->text), n->text.len) : n->text.len;
            break;
        case N_MARKDOWN: s += text_size(n->html, n->html_len); break;
        case N_BOOLATTR: s += n->name.len + !n->flag; break;
        case N_LET: break;
        case N_INTERP:
            s += n->quote ? 2 : 0;
            v++;
            break;
        case N_IF:
            if (!pure_if_size(n, &s1, &v1))
                return false;
            s += s1;
            v += v1;
            break;
        default: return false;
        }
    }
    *stat = s;
    *vals = v;
    return true;
}

/* pure_size of one if statement (not of its siblings). */
static bool pure_if_size(const Node *n, size_t *stat, size_t *vals)
{
    size_t s1, v1, s2, v2;
    if (!pure_size(n->body.head, &s1, &v1) || !pure_size(n->alt.head, &s2, &v2))
        return false;
    *stat = s1 > s2 ? s1 : s2;
    *vals = v1 > v2 ? v1 : v2;
    return true;
}

/* The most static bytes and values a piece writes. */
static size_t piece_static(const Piece *p)
{
    size_t s, v;
    if (p->node == NULL)
        return p->len;
    if (p->node->kind == N_BOOLATTR)
        return p->node->name.len + !p->node->flag;
    if (p->node->kind == N_IF)
        return pure_if_size(p->node, &s, &v) ? s : 0;
    if (p->node->kind == N_LET)
        return 0;
    return p->node->quote ? 2 : 0;
}

static size_t piece_values(const Piece *p)
{
    size_t s, v;
    if (p->node == NULL || p->node->kind == N_BOOLATTR || p->node->kind == N_LET)
        return 0;
    if (p->node->kind == N_IF)
        return pure_if_size(p->node, &s, &v) ? v : 0;
    return 1;
}

/* How each context writes: the dispatch macro (by type), the string writer (the result
 * of `| fmt`) and the writer of trusted HTML (the result of `| markdown`). */
static const struct {
    const char *macro, *bytes, *trusted;
} writers[] = {
    [CTX_NONE] = {"STARCH_PUT_RAW", "starch_put_raw_bytes", "starch_put_raw_trusted"},
    [CTX_TEXT] = {"STARCH_PUT_HTML", "starch_put_html_bytes", "starch_put_html_trusted"},
    [CTX_RCDATA] = {"STARCH_PUT_ATTR", "starch_put_html_bytes", "starch_put_attr_trusted"},
    [CTX_ATTR] = {"STARCH_PUT_ATTR", "starch_put_html_bytes", "starch_put_attr_trusted"},
    [CTX_URL] = {"STARCH_PUT_URL", "starch_put_url_bytes", "starch_put_url_trusted"},
    [CTX_URL_PART] = {"STARCH_PUT_URL_PART", "starch_put_url_part_bytes",
                      "starch_put_url_part_trusted"},
    [CTX_URL_QUERY] = {"STARCH_PUT_URL_QUERY", "starch_put_url_query_bytes",
                       "starch_put_url_query_trusted"},
    [CTX_SRCSET] = {"STARCH_PUT_SRCSET", "starch_put_srcset_bytes", "starch_put_srcset_trusted"},
    [CTX_JS] = {"STARCH_PUT_JS", "starch_put_js_bytes", "starch_put_js_trusted"},
    [CTX_JS_STR] = {"STARCH_PUT_JS_STR", "starch_put_js_str_bytes", "starch_put_js_str_trusted"},
    [CTX_JS_REGEXP] = {"STARCH_PUT_JS_REGEXP", "starch_put_js_regexp_bytes",
                       "starch_put_js_regexp_trusted"},
    [CTX_JS_SCRIPT] = {"STARCH_PUT_JS_SCRIPT", "starch_put_js_script_bytes",
                       "starch_put_js_script_trusted"},
    [CTX_JS_SCRIPT_STR] = {"STARCH_PUT_JS_STR", "starch_put_js_str_bytes",
                           "starch_put_js_str_trusted"},
    [CTX_JS_SCRIPT_REGEXP] = {"STARCH_PUT_JS_REGEXP", "starch_put_js_regexp_bytes",
                              "starch_put_js_regexp_trusted"},
    [CTX_CSS] = {"STARCH_PUT_CSS", NULL, NULL},
    [CTX_DS_URL] = {"STARCH_PUT_DS_URL", "starch_put_ds_url_bytes", "starch_put_ds_url_trusted"},
    [CTX_DS_URL_STR] = {"STARCH_PUT_DS_URL_STR", "starch_put_ds_url_str_bytes",
                        "starch_put_ds_url_str_trusted"},
};

/* N when the arguments of `| fmt` are exactly "%.Nf" (N one or two digits, 0 to 17: what
 * starch_put_fixed writes without printf), else -1. */
static int fixed_format(Gen *g, Span args)
{
    const char *s = unit_text(g->f, args);
    if ((args.len != 6 && args.len != 7) || memcmp(s, "\"%.", 3) != 0 ||
        memcmp(s + args.len - 2, "f\"", 2) != 0)
        return -1;
    int n = 0;
    for (size_t i = 3; i < args.len - 2; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        n = n * 10 + (s[i] - '0');
    }
    return n <= 17 ? n : -1;
}

/* Declares st_vN, the value of expression s, with s on lines of its own at its template
 * line and column (gen_expr), in parentheses when it holds a comma; returns N. */
static int emit_value_local(Gen *g, Span s)
{
    int id = ++g->nval;
    bool wrap = gen_comma_outside_parens(g, s);
    gen_indent(g);
    starch_out_puts(g->o, "__auto_type st_v");
    gen_num(g, (size_t)id);
    starch_out_puts(g->o, wrap ? " = (" : " =");
    gen_expr(g, s);
    starch_out_puts(g->o, wrap ? ");\n" : ";\n");
    return id;
}

/* Whether the writers of context ctx make their own room for numbers too (url_query
 * floats, every number in a regular expression). */
static bool numbers_make_room(Context ctx)
{
    return ctx == CTX_URL_QUERY || ctx == CTX_JS_REGEXP || ctx == CTX_JS_SCRIPT_REGEXP;
}

/* After the writer of value st_vN: the end of the room, read again when the writer may
 * have made its own (always, or for values of types other than numbers and booleans). */
static void emit_end_after(Gen *g, bool always, int v)
{
    if (g->limit && always)
        gen_out(g, "st_lim%d = STARCH_LIMIT_OF(starch_out_end(st_out, st_p), %zu);", g->limit,
                g->limit_room);
    else if (g->limit)
        gen_out(g, "st_lim%d = STARCH_LIMIT_AFTER(st_out, st_p, st_lim%d, %zu, st_v%d);", g->limit,
                g->limit, g->limit_room, v);
    else if (always)
        gen_out(g, "st_end = starch_out_end(st_out, st_p);");
    else {
        gen_indent(g);
        starch_out_puts(g->o, "st_end = STARCH_END_AFTER(st_out, st_p, st_end, st_v");
        gen_num(g, (size_t)v);
        gen_write(g, ");\n", 3);
    }
}

/* Writes the call that puts interpolation n (its filters applied), with rest = the room
 * needed after it (a C expression): the value is first held in a local (the writers are
 * picked by _Generic macros, whose arguments cannot hold a #line), then the call is
 * written under the template's line, so that a value of a type the context cannot write
 * is reported there; `| fmt(...)` calls a function, its arguments on their own lines. */
static void emit_put_call(Gen *g, Node *n, const char *rest, bool end)
{
    Filter *f = n->filters;
    bool raw = false;
    for (Filter *x = f; x; x = x->next)
        raw |= x->kind == F_RAW;
    Filter *transform = f && f->kind != F_RAW ? f : NULL;
    Context ctx = raw ? CTX_NONE : n->ctx;
    int decimals = transform && transform->kind == F_FMT ? fixed_format(g, transform->args) : -1;
    if (transform && transform->kind == F_FMT && decimals < 0) {
        gen_line_template(g, n->code.off);
        gen_indent(g);
        gen_fmt(g, "st_p = starch_put_fmt(st_out, st_p, %s, %s,", rest, writers[ctx].bytes);
        gen_expr(g, transform->args);
        gen_write(g, ",", 1);
        gen_expr(g, n->code); /* printf's arguments, not a macro's */
        gen_write(g, ");\n", 3);
        if (end)
            emit_end_after(g, true, 0);
        return;
    }
    int v = emit_value_local(g, n->code);
    gen_line_template(g, n->code.off);
    gen_indent(g);
    if (decimals >= 0) {
        /* "%.Nf": formatted without printf */
        gen_fmt(g, "st_p = starch_put_fixed(st_out, st_p, %s, %s, %d, STARCH_FIXED_ARG(st_v%d));\n",
                rest, writers[ctx].bytes, decimals, v);
        if (end)
            emit_end_after(g, true, v);
    } else if (transform && transform->kind == F_MARKDOWN) {
        gen_fmt(g,
                "st_p = starch_put_markdown(st_out, st_p, %s, "
                "STARCH_MARKDOWN_SOURCE(st_v%d), %s);\n",
                rest, v, writers[ctx].trusted);
        if (end)
            emit_end_after(g, true, v);
    } else if (end && !transform && !raw && !g->limit && gen_put_e_macro(g, n)) {
        /* the cursor and the end in one (starch_gen.h: STARCH_PUT_<CTX>_E) */
        gen_cat(g, "st_p = ", gen_put_e_macro(g, n), "(st_out, st_p, st_end, ", rest, ", st_v",
                NULL);
        gen_num(g, (size_t)v);
        gen_write(g, ");\n", 3);
    } else {
        bool json = transform && transform->kind == F_JSON;
        const char *macro = gen_put_macro(g, n, raw, json);
        if (g->sse && strcmp(macro, "STARCH_PUT_CSS") == 0)
            macro = "STARCH_SSE_PUT_CSS"; /* (a type error is reported once, in _at) */
        gen_cat(g, "st_p = ", macro, "(st_out, st_p, ", rest, ", st_v", NULL);
        gen_num(g, (size_t)v);
        gen_write(g, ");\n", 3);
        if (end)
            emit_end_after(g, !raw && !json && numbers_make_room(ctx), v);
    }
}

/* How an SSE variant writes a value (docs/runtime.md, "Components into an SSE event"). */
typedef enum SseWay {
    SSE_PLAIN,  /* the context's writer: it writes no line break (and st->cr is clear) */
    SSE_LINES,  /* STARCH_SSE_PUT_HTML / _ATTR: text and attributes, any type */
    SSE_DETOUR, /* through the stream's buffer, converted at run time (sse.c) */
} SseWay;

/* Whether the writers of context ctx may write a raw line break: those of text,
 * attributes and raw output do; URL ones percent-encode them, JavaScript ones escape them
 * (\n, \r) and CSS takes numbers only. */
static bool may_break(Context ctx)
{
    return ctx == CTX_NONE || ctx == CTX_TEXT || ctx == CTX_ATTR || ctx == CTX_RCDATA ||
           ctx == CTX_SRCSET;
}

static SseWay sse_way(Gen *g, Node *n)
{
    Filter *f = n->filters;
    bool raw = false;
    for (Filter *x = f; x; x = x->next)
        raw |= x->kind == F_RAW;
    Filter *transform = f && f->kind != F_RAW ? f : NULL;
    Context ctx = raw ? CTX_NONE : n->ctx;
    if (transform == NULL && !raw) {
        const char *m = gen_put_macro(g, n, false, false);
        if (strcmp(m, "STARCH_PUT_HTML") == 0 || strcmp(m, "STARCH_PUT_ATTR") == 0)
            return SSE_LINES;
    }
    bool digits = transform && transform->kind == F_FMT && fixed_format(g, transform->args) >= 0;
    if (digits || !may_break(ctx))
        return g->sse_cr ? SSE_DETOUR : SSE_PLAIN; /* (a string may be empty) */
    return SSE_DETOUR;
}

/* A value in an SSE variant: its writer, with rest = the room needed after it. */
static void emit_sse_put(Gen *g, Node *n, const char *rest)
{
    SseWay way = sse_way(g, n);
    if (way == SSE_PLAIN) {
        emit_put_call(g, n, rest, true);
        return;
    }
    if (way == SSE_LINES) {
        int v = emit_value_local(g, n->code);
        bool html = strcmp(gen_put_macro(g, n, false, false), "STARCH_PUT_HTML") == 0;
        gen_line_template(g, n->code.off);
        gen_indent(g);
        if (g->limit) { /* (a loop's limit: moved after it) */
            gen_cat(g, "st_p = ", html ? "STARCH_SSE_PUT_HTML" : "STARCH_SSE_PUT_ATTR",
                    "(st_s, st_out, st_p, ", rest, ", st_v", NULL);
        } else { /* the cursor and the end in one; st->cr known clear or not */
            gen_cat(g, "st_p = ", html ? "STARCH_SSE_PUT_HTML_E" : "STARCH_SSE_PUT_ATTR_E",
                    "(st_s, st_out, st_p, st_end, ", rest, g->sse_cr ? ", 1, st_v" : ", 0, st_v",
                    NULL);
        }
        gen_num(g, (size_t)v);
        gen_write(g, ");\n", 3);
        if (g->limit)
            emit_end_after(g, false, v);
        g->sse_cr = true;
        return;
    }
    /* written into the stream's own buffer, whose bytes go to the event as at run time */
    gen_out(g, "starch_out_commit(st_out, st_p); /* its line breaks are found at run time */");
    gen_out(g, "{");
    g->indent++;
    gen_out(g, "starch_out *const st_out = &st_s->out;");
    gen_out(g, "st_p = starch_out_reserve(st_out, STARCH_VALUE_MAX);");
    emit_put_call(g, n, "0", false);
    gen_line_back(g);
    gen_out(g, "starch_out_commit(st_out, st_p);");
    g->indent--;
    gen_out(g, "}");
    gen_out(g, "starch__sse_pending(st_s);");
    gen_out(g, "st_p = starch_out_reserve(st_out, %s);", rest);
    emit_end_after(g, true, 0);
    g->sse_cr = true;
}

/* {{ code | filters }} inside a cursor run, the value's expression on its own lines at
 * its template place (an unquoted attribute value between the quotes the compiler adds);
 * rest_static, rest_values = the room needed after it. */
static void emit_interp(Gen *g, Node *n, size_t rest_static, size_t rest_values)
{
    char rest[160], *r = starch_fmt_u64(rest, rest_static);
    memcpy(r, " + ", 3);
    r = starch_fmt_u64(r + 3, rest_values);
    const char *hoist = g->hoist ? g->hoist : "";
    size_t hn = strlen(hoist);
    assert(hn < 96); /* (a loop's hoist is at most 96 bytes) */
    memcpy(r, " * STARCH_VALUE_MAX", 19);
    memcpy(r + 19, hoist, hn + 1);
    if (n->quote && g->sse_cr)
        gen_out(g, "st_s->cr = false;");
    if (n->quote)
        gen_out(g, "*st_p++ = '\"';");
    if (g->sse)
        emit_sse_put(g, n, rest);
    else
        emit_put_call(g, n, rest, true);
    gen_line_back(g);
    if (n->quote && g->sse_cr)
        gen_out(g, "st_s->cr = false;");
    if (n->quote) {
        gen_out(g, "*st_p++ = '\"';");
        g->sse_cr = false;
    }
}

/* name?={{ code }} inside a cursor run: ` name` when code is true. */
static void emit_boolattr(Gen *g, Node *n)
{
    gen_indent(g);
    gen_write(g, "if (", 4);
    gen_expr(g, n->code);
    gen_write(g, ")\n", 2);
    gen_line_back(g);
    g->indent++;
    if (g->sse_cr) /* (st->cr stays as it may be when the attribute is not written) */
        gen_out(g, "st_s->cr = false;");
    gen_indent(g);
    starch_out_puts(g->o, n->flag ? "st_p = starch_put(st_p, \"" : "st_p = starch_put(st_p, \" ");
    gen_write(g, unit_text(g->f, n->name), n->name.len);
    gen_fmt(g, "\", %u);\n", n->name.len + !n->flag);
    g->indent--;
}

/* Emits pieces [a, b) of run r as one reserve/commit block (or one write when static). */
static void emit_pure_list(Gen *g, Node *list, size_t after_s, size_t after_v);

/* An if statement inside a run (its branches write only text and values): C control flow
 * around cursor writes; after_s/after_v is what the run writes after it. */
static void emit_pure_if(Gen *g, Node *n, bool elif, size_t after_s, size_t after_v)
{
    bool cr = g->sse_cr, cr_after = false; /* (in an SSE variant: st->cr after each branch) */
    gen_indent(g);
    starch_out_puts(g->o, elif ? "} else if (" : "if (");
    gen_expr(g, n->code);
    gen_write(g, ") {\n", 4);
    gen_line_back(g);
    g->indent++;
    emit_pure_list(g, n->body.head, after_s, after_v);
    cr_after |= g->sse_cr;
    g->sse_cr = cr;
    g->indent--;
    Node *alt = n->alt.head;
    if (alt && alt->kind == N_IF && alt->flag && alt->next == NULL) {
        emit_pure_if(g, alt, true, after_s, after_v);
        g->sse_cr |= cr_after;
        return;
    }
    if (alt) {
        gen_out(g, "} else {");
        g->indent++;
        emit_pure_list(g, alt, after_s, after_v);
        g->indent--;
    }
    gen_out(g, "}");
    g->sse_cr |= cr_after;
}

/* Static text (of N_TEXT and N_MARKDOWN nodes, adjacent ones merged) inside a cursor run:
 * one copy of a string literal of known length. */
static void emit_text(Gen *g, const char *text, size_t len)
{
    gen_indent(g);
    gen_write(g, "st_p = starch_put(st_p, ", 24);
    gen_c_string(g, text, len);
    gen_write(g, ", ", 2);
    gen_num(g, len);
    gen_write(g, ");\n", 3);
}

/* In an SSE variant, before static text p (its line breaks already data lines): the
 * first line's prefix where the component begins, and st->cr cleared where it may be set
 * (a text beginning with a '\n' instead skips that break when it is set). Returns whether
 * the text is to be written by starch__sse_text_lf. */
static bool sse_text_before(Gen *g, const Piece *p)
{
    if (g->sse_open) {
        gen_out(g, "st_p = starch__sse_open(st_s, st_p); /* the first line's prefix */");
        g->sse_open = false;
    }
    bool lf = g->sse_cr && p->first == '\n';
    if (g->sse_cr && !lf)
        gen_out(g, "st_s->cr = false;");
    return lf;
}

/* After static text p in an SSE variant: st->cr set when it ends in '\r'. */
static void sse_text_after(Gen *g, const Piece *p)
{
    g->sse_cr = p->last == '\r';
    if (g->sse_cr)
        gen_out(g, "st_s->cr = true; /* a '\\n' next is the rest of this \\r\\n */");
}

/* Static text piece p of run r inside a cursor run. */
static void emit_text_piece(Gen *g, const Run *r, const Piece *p)
{
    const char *text = starch_out_data(&r->text) + p->off;
    if (!g->sse) {
        emit_text(g, text, p->len);
        return;
    }
    if (sse_text_before(g, p)) {
        gen_indent(g);
        starch_out_puts(g->o, "st_p = starch__sse_text_lf(st_s, st_p, ");
        gen_c_string(g, text, p->len);
        gen_fmt(g, ", %zu);\n", p->len);
    } else {
        emit_text(g, text, p->len);
    }
    sse_text_after(g, p);
}

static void emit_let(Gen *g, Node *n);

/* Writes pieces [a, b) of run r through the cursor (room reserved); after_s/after_v: the
 * static bytes and values written after them, so that `rest` counts them too. */
static void emit_pieces(Gen *g, const Run *r, size_t a, size_t b, size_t after_s, size_t after_v)
{
    const Piece *p = r->p;
    size_t total = after_s, values = after_v;
    for (size_t i = a; i < b; i++) {
        total += piece_static(&p[i]);
        values += piece_values(&p[i]);
    }
    for (size_t i = a; i < b; i++) {
        total -= piece_static(&p[i]);
        values -= piece_values(&p[i]);
        if (p[i].node == NULL)
            emit_text_piece(g, r, &p[i]);
        else if (p[i].node->kind == N_BOOLATTR) {
            emit_boolattr(g, p[i].node);
        } else if (p[i].node->kind == N_LET) {
            emit_let(g, p[i].node);
        } else if (p[i].node->kind == N_IF) {
            emit_pure_if(g, p[i].node, false, total, values);
        } else {
            emit_interp(g, p[i].node, total + (p[i].node->quote ? 1 : 0), values);
        }
    }
}

static void run_push(Run *r, Node *node, const char *text, size_t len);

/* Adds static text to run r: as it is, or in an SSE variant with its line breaks written
 * as data lines (the template's first and last bytes kept for st->cr). */
static void run_text(Gen *g, Run *r, const char *text, size_t len)
{
    if (!g->sse || len == 0) {
        run_push(r, NULL, text, len);
        return;
    }
    if (r->n == 0 || r->p[r->n - 1].node != NULL) { /* a new static piece */
        if (!run_grow(r))
            return;
        r->p[r->n++] = (Piece){NULL, starch_out_len(&r->text), 0, text[0], 0};
    }
    size_t before = starch_out_len(&r->text), skip = 0;
    if (r->p[r->n - 1].last == '\r' && text[0] == '\n')
        skip = 1; /* the rest of a \r\n split by a comment: its break is written already */
    sse_lines(&r->text, text + skip, len - skip);
    r->p[r->n - 1].len += starch_out_len(&r->text) - before;
    r->p[r->n - 1].last = text[len - 1];
}

/* The nodes of a pure list (see pure_size), written through the cursor. */
static void emit_pure_list(Gen *g, Node *list, size_t after_s, size_t after_v)
{
    Run run = {NULL, 0, 0, {0}};
    starch_out_init(&run.text);
    for (Node *n = list; n; n = n->next) {
        if (n->kind == N_TEXT)
            run_text(g, &run, unit_text(g->f, n->text), n->text.len);
        else if (n->kind == N_MARKDOWN)
            run_text(g, &run, n->html, n->html_len);
        else
            run_push(&run, n, NULL, 0);
    }
    emit_pieces(g, &run, 0, run.n, after_s, after_v);
    free(run.p);
    starch_out_free(&run.text);
}

/* Room a chunk may reserve at most; longer static text is written on its own. */
#define CHUNK_MAX 2048

/* Opens the cursor on the buffer (after it was committed, or at the start of a render). */
static void emit_open(Gen *g)
{
    gen_out(g, "st_p = starch_out_reserve(st_out, 0);");
    gen_out(g, "st_end = starch_out_end(st_out, st_p);");
}

/* Emits pieces [a, b) of run r: the room for them, then their writes. */
static void emit_chunk(Gen *g, const Run *r, size_t a, size_t b)
{
    const Piece *p = r->p;
    size_t total = 0, values = 0;
    for (size_t i = a; i < b; i++) {
        total += piece_static(&p[i]);
        values += piece_values(&p[i]);
    }
    if (b == a + 1 && p[a].node == NULL && p[a].len > CHUNK_MAX) {
        /* longer than a room may be: appended on its own */
        bool lf = false;
        if (g->sse) {
            if (g->sse_open)
                gen_out(g, "STARCH_ROOM(st_out, st_p, st_end, STARCH_SSE_OPEN_ROOM);");
            lf = sse_text_before(g, &p[a]);
        }
        gen_out(g, "starch_out_commit(st_out, st_p);");
        gen_indent(g);
        gen_write(g, "starch_out_write(st_out, ", 25);
        gen_c_string(g, starch_out_data(&r->text) + p[a].off, p[a].len);
        if (lf) /* (starch__sse_text_lf, for a text written on its own) */
            gen_fmt(g, " + 16 * st_s->cr, %zu - 16 * st_s->cr);\n", p[a].len);
        else
            gen_fmt(g, ", %zu);\n", p[a].len);
        if (lf)
            gen_out(g, "st_s->cr = false;");
        if (g->sse)
            sse_text_after(g, &p[a]);
        emit_open(g);
        return;
    }
    if (g->sse_open)
        total += STARCH_SSE_OPEN_ROOM; /* the first line's prefix, before the first text */
    if (g->hoist == NULL) {
        gen_indent(g);
        starch_out_puts(g->o, "STARCH_ROOM(st_out, st_p, st_end, ");
        gen_num(g, total);
        if (values) {
            gen_write(g, " + ", 3);
            gen_num(g, values);
            starch_out_puts(g->o, " * STARCH_VALUE_MAX");
        }
        gen_write(g, ");\n", 3);
    }
    emit_pieces(g, r, a, b, 0, 0);
}

/* Room the iterations of a loop reserve at once at most (STARCH_OUT_RESERVE_MAX holds it,
 * with the rest of a chunk: after a failure, the rest of a batch goes to the discard
 * area). */
#define BATCH_MAX 8192 /* = STARCH_OUT_CHUNK: a streamed render does not outgrow its chunk */

/* Whether if statement n writes only text and values, and little enough to be part of
 * the run around it. */
static bool if_joins_run(const Node *n)
{
    size_t st, va;
    return n->kind == N_IF && pure_if_size(n, &st, &va) && st + va * STARCH_VALUE_MAX <= CHUNK_MAX;
}

static void emit_run(Gen *g, Run *r)
{
    size_t a = 0, size = 0;
    for (size_t i = 0; i < r->n; i++) {
        size_t s = piece_static(&r->p[i]) + piece_values(&r->p[i]) * STARCH_VALUE_MAX;
        if (i > a && size + s > CHUNK_MAX) {
            emit_chunk(g, r, a, i);
            a = i;
            size = 0;
        }
        size += s;
    }
    if (a < r->n)
        emit_chunk(g, r, a, r->n);
    r->n = 0;
    starch_out_clear(&r->text);
}

/* ---- Statements ------------------------------------------------------------------ */

static void emit_nodes(Gen *g, Node *list);

/* Whether the identifier `loop` appears in a C fragment of the list. */
static bool span_has_loop(Gen *g, Span s)
{
    const char *t = unit_text(g->f, s);
    for (uint32_t i = 0; i + 4 <= s.len; i++) {
        if (memcmp(t + i, "loop", 4) != 0)
            continue;
        char before = i ? t[i - 1] : ' ', after = i + 4 < s.len ? t[i + 4] : ' ';
        if (!ast_is_ident_char(before) && !ast_is_ident_char(after) && before != '.' &&
            before != '>')
            return true;
    }
    return false;
}

typedef struct LoopUse {
    Gen *g;
    bool used;
} LoopUse;

static int find_loop(Node *n, void *vctx)
{
    LoopUse *lu = vctx;
    bool hit = span_has_loop(lu->g, n->code) || span_has_loop(lu->g, n->code2);
    for (size_t i = 0; i < n->args.n && n->kind != N_COMPONENT; i++)
        hit |= span_has_loop(lu->g, n->args.items[i]);
    for (Filter *f = n->filters; f; f = f->next)
        hit |= span_has_loop(lu->g, f->args);
    lu->used |= hit;
    return hit ? WALK_STOP : WALK_CONTINUE;
}

static void emit_if(Gen *g, Node *n, bool elif)
{
    bool cr = g->sse_cr, cr_after = false; /* (in an SSE variant: st->cr after each branch) */
    gen_indent(g);
    gen_write(g, elif ? "} else if (" : "if (", elif ? 11 : 4);
    gen_expr(g, n->code);
    gen_write(g, ") {\n", 4);
    gen_line_back(g);
    g->indent++;
    emit_nodes(g, n->body.head);
    cr_after |= g->sse_cr;
    g->sse_cr = cr;
    g->indent--;
    Node *alt = n->alt.head;
    if (alt && alt->kind == N_IF && alt->flag && alt->next == NULL) {
        emit_if(g, alt, true);
        g->sse_cr |= cr_after;
        return;
    }
    if (alt) {
        gen_out(g, "} else {");
        g->indent++;
        emit_nodes(g, alt);
        g->indent--;
    }
    gen_out(g, "}");
    g->sse_cr |= cr_after;
}

/* Room one iteration of a loop body needs at most, when the body is a single run of text
 * and values (else 0): such a loop reserves room for many iterations at once. */
static size_t loop_room(const Node *loop)
{
    size_t st, va;
    if (loop->kind != N_FOR_IN || loop->body.head == NULL || !pure_size(loop->body.head, &st, &va))
        return 0;
    size_t room = st + va * STARCH_VALUE_MAX;
    return room <= CHUNK_MAX ? room : 0;
}

/* Iterations reserved at once: a power of two, about 16 KB of room. */
static size_t loop_batch(size_t room)
{
    size_t b = 1;
    while (b * 2 * room <= BATCH_MAX)
        b *= 2;
    return b;
}

static void emit_for_in(Gen *g, Node *n)
{
    int id = ++g->uid;
    LoopUse lu = {g, false};
    ast_walk(n->body.head, find_loop, &lu);
    gen_out(g, "{");
    g->indent++;
    gen_indent(g);
    gen_fmt(g, "__auto_type const st_arr%d = &(", id);
    gen_expr(g, n->code);
    gen_write(g, ")[0];\n", 6);
    gen_line_back(g);
    gen_indent(g);
    gen_fmt(g, "size_t const st_n%d = (size_t)(", id);
    gen_expr(g, n->code2);
    gen_write(g, ");\n", 3);
    gen_line_back(g);
    size_t room = loop_room(n), batch = room ? loop_batch(room) : 0;
    const char *saved_hoist = g->hoist;
    char hoist[96];
    if (room) {
        /* room for a batch of iterations at once */
        gen_out(g, "for (size_t st_i%d = 0; st_i%d < st_n%d;) {", id, id, id);
        g->indent++;
        gen_out(g, "size_t const st_e%d = st_n%d - st_i%d < %zu ? st_n%d : st_i%d + %zu;", id, id,
                id, batch, id, id, batch);
        gen_out(g, "STARCH_ROOM(st_out, st_p, st_end, (st_e%d - st_i%d) * %zu);", id, id, room);
        gen_out(g, "if (st_out->err)");
        gen_out(g, "    break;");
        gen_out(g, "for (; st_i%d < st_e%d; st_i%d++) {", id, id, id);
        g->indent++;
        snprintf(hoist, sizeof hoist, " + (st_e%d - st_i%d - 1) * %zu", id, id, room);
        g->hoist = hoist;
    } else {
        gen_out(g, "for (size_t st_i%d = 0; st_i%d < st_n%d; st_i%d++) {", id, id, id, id);
        g->indent++;
        g->hoist = NULL;
    }
    gen_indent(g);
    gen_fmt(g, "__typeof__(st_arr%d) ", id);
    gen_span(g, n->name);
    gen_fmt(g, " = st_arr%d + st_i%d;\n", id, id);
    gen_indent(g);
    gen_write(g, "(void)", 6);
    gen_span(g, n->name);
    gen_write(g, ";\n", 2);
    if (lu.used)
        gen_out(g,
                "const starch_loop loop = {st_i%d + 1, st_i%d, st_i%d == 0, st_i%d + 1 == st_n%d, "
                "st_n%d};",
                id, id, id, id, id, id);
    g->sse_cr = g->sse; /* (after the iteration before) */
    emit_nodes(g, n->body.head);
    g->sse_cr = g->sse;
    g->indent--;
    gen_out(g, "}");
    if (room) {
        g->indent--;
        gen_out(g, "}");
    }
    g->hoist = saved_hoist;
    if (n->alt.head) {
        gen_out(g, "if (st_n%d == 0) {", id);
        g->indent++;
        emit_nodes(g, n->alt.head);
        g->indent--;
        gen_out(g, "}");
        g->sse_cr = g->sse; /* (after the loop or its else) */
    }
    g->indent--;
    gen_out(g, "}");
}

/* A counted loop's body (ast_walk): whether one of its C fragments may change the loop's
 * variable or its bound (cloop_may_change). */
typedef struct ChangeScan {
    const char *src;
    const CountedLoop *cl;
    bool changes;
} ChangeScan;

static bool scan_span(ChangeScan *c, Span s)
{
    return s.len && cloop_may_change(c->src, s, c->cl) && (c->changes = true);
}

static int scan_change(Node *n, void *ctx)
{
    ChangeScan *c = ctx;
    bool hit = scan_span(c, n->code) || scan_span(c, n->code2);
    for (size_t i = 0; i < n->args.n && !hit; i++)
        hit = scan_span(c, n->args.items[i]);
    for (const Filter *f = n->filters; f && !hit; f = f->next)
        hit = scan_span(c, f->args);
    return hit ? WALK_STOP : WALK_CONTINUE;
}

/* Whether the C for loop n is counted (cloop.h) and its body leaves it so. */
static bool loop_counted(const Gen *g, const Node *n, CountedLoop *cl)
{
    if (!cloop_counted(g->f->src.text, n->code, cl))
        return false;
    ChangeScan c = {g->f->src.text, cl, false};
    ast_walk(n->body.head, scan_change, &c);
    return !c.changes;
}

/* A counted C for loop whose body writes at most `room` bytes: the loop as written, its
 * bound read into st_bN once per batch of st_kN iterations (STARCH_TRIPS: at most
 * `batch`, and no more than its distance to the bound), each batch with its room reserved
 * at once, as for-in does. (The bound is written once, so that a C compiler's error in it
 * is reported once.) */
static void emit_for_counted(Gen *g, Node *n, const CountedLoop *cl, size_t room)
{
    int id = ++g->uid;
    gen_indent(g);
    gen_write(g, "for", 3);
    gen_expr(g, cl->init);
    gen_write(g, ";) {\n", 5);
    gen_line_back(g);
    g->indent++;
    gen_indent(g);
    gen_fmt(g, "__auto_type const st_b%d =", id);
    gen_expr(g, cl->bound);
    gen_write(g, ";\n", 2);
    gen_line_back(g);
    gen_indent(g);
    gen_write(g, "if (!(", 6);
    gen_expr(g, cl->test);
    gen_fmt(g, " st_b%d))\n", id);
    gen_line_back(g);
    gen_out(g, "    break;");
    gen_indent(g);
    gen_fmt(g, "size_t st_k%d = STARCH_TRIPS(STARCH_DIST(st_b%d, ", id, id);
    gen_span(g, cl->var);
    gen_fmt(g, ")%s, %zu);\n", cl->inclusive ? " + 1" : "", loop_batch(room));
    gen_out(g, "STARCH_ROOM(st_out, st_p, st_end, st_k%d * %zu);", id, room);
    gen_out(g, "if (st_out->err)");
    gen_out(g, "    break;");
    gen_indent(g);
    gen_fmt(g, "for (; st_k%d != 0; st_k%d--, ", id, id);
    gen_span(g, cl->step);
    gen_write(g, ") {\n", 4);
    g->indent++;
    const char *saved_hoist = g->hoist;
    int saved_limit = g->limit;
    char hoist[96];
    snprintf(hoist, sizeof hoist, " + (st_k%d - 1) * %zu", id, room);
    g->hoist = hoist;
    g->limit = 0;       /* (the body's room is made here, not against a loop's limit) */
    g->sse_cr = g->sse; /* (after the iteration before) */
    emit_nodes(g, n->body.head);
    g->sse_cr = g->sse;
    g->hoist = saved_hoist;
    g->limit = saved_limit;
    g->indent--;
    gen_out(g, "}");
    g->indent--;
    gen_out(g, "}");
}

/* A C for loop. When its body writes only text and values (room R at most) and the loop
 * is counted, emit_for_counted; when it is not, each iteration checks its room with one
 * compare against st_limN = st_end - R, kept in a register (st_end itself is not kept
 * inside: it is st_limN + R); else the body's runs check their own room. */
static void emit_for_c(Gen *g, Node *n)
{
    size_t st, va, room = 0;
    if (n->body.head && pure_size(n->body.head, &st, &va) &&
        st + va * STARCH_VALUE_MAX <= CHUNK_MAX)
        room = st + va * STARCH_VALUE_MAX;
    CountedLoop cl;
    if (room && loop_counted(g, n, &cl)) {
        emit_for_counted(g, n, &cl, room);
        return;
    }
    int saved_limit = g->limit, id = room ? ++g->uid : 0;
    size_t saved_room = g->limit_room;
    const char *saved_hoist = g->hoist;
    if (room) {
        gen_out(g, "{");
        g->indent++;
        gen_out(g, "uintptr_t st_lim%d = STARCH_LIMIT_OF(st_end, %zu);", id, room);
    }
    gen_indent(g);
    gen_write(g, "for", 3);
    gen_expr(g, n->code);
    gen_write(g, " {\n", 3);
    gen_line_back(g);
    g->indent++;
    if (room) {
        gen_out(g, "STARCH_ROOM_LIMIT(st_out, st_p, st_lim%d, %zu);", id, room);
        g->limit = id;
        g->limit_room = room;
        g->hoist = ""; /* the room is made: no run makes its own */
    }
    g->sse_cr = g->sse; /* (after the iteration before) */
    emit_nodes(g, n->body.head);
    g->sse_cr = g->sse;
    g->indent--;
    gen_out(g, "}");
    if (room) {
        gen_out(g, "st_end = (char *)(st_lim%d + %zu);", id, room);
        g->indent--;
        gen_out(g, "}");
    }
    g->limit = saved_limit;
    g->limit_room = saved_room;
    g->hoist = saved_hoist;
}

static void emit_let(Gen *g, Node *n)
{
    gen_expr(g, n->code);
    const char *s = unit_text(g->f, n->code);
    gen_write(g, s[n->code.len - 1] == ';' ? "\n" : ";\n", s[n->code.len - 1] == ';' ? 1 : 2);
    gen_line_back(g);
}

static void emit_args(Gen *g, const SpanList *args)
{
    for (size_t i = 0; i < args->n; i++) {
        gen_write(g, ", ", 2);
        gen_span(g, args->items[i]);
    }
}

/* The start of a call of a function that takes the cursor last and returns it (a
 * component's `_at` function, or a part), up to its arguments (the caller's st_r, its
 * parameter, holds what it returns). */
static void emit_cursor_call(Gen *g, const File *tf, Span name, const char *what)
{
    gen_indent(g);
    gen_fmt(g, g->sse ? "st_r = st_%s_%.*s_sse_%s(st_s" : "st_r = st_%s_%.*s_%s(st_out", tf->prefix,
            (int)name.len, unit_text(g->f, name), what);
    g->sse_cr = g->sse; /* (in an SSE variant: what the callee wrote may end in '\r') */
}

/* The end of such a call: the cursor passed, and the one returned taken back (after a
 * #line back to the generated file when the call stood under the template's). */
static void emit_cursor_back(Gen *g, bool line_back)
{
    starch_out_puts(g->o, ", (starch_room){st_p, st_end});\n");
    if (line_back)
        gen_line_back(g);
    gen_out(g, "st_p = st_r.p, st_end = st_r.end;");
}

/* {% render Name(args) %}: the component's `_at` function, which writes at the cursor. */
static void emit_render(Gen *g, Node *n)
{
    gen_line_template(g, n->off);
    emit_cursor_call(g, n->target_file, n->name, "at"); /* (its SSE variant in one) */
    if (n->args.n) { /* the arguments as written, from the first to the last */
        Span first = n->args.items[0], last = n->args.items[n->args.n - 1];
        gen_write(g, ",", 1);
        gen_expr(g, (Span){first.off, last.off + last.len - first.off});
    }
    emit_cursor_back(g, true);
}

/* Number of slots of component c (its body is split into n + 1 parts), those it forwards
 * included (the checker put them in c->slots, in the order they run). */
static size_t count_slots(const Node *c)
{
    return c->n_slots;
}

/* The type of the frame of forwarding component c of file f (`st_page_Layout_frame`). */
static void emit_frame_type(Gen *g, const File *f, const Node *c)
{
    gen_fmt(g, "st_%s_%.*s_frame", f->prefix, (int)c->name.len, unit_text(f, c->name));
}

/* Calls part k of the callee of call n, with the arguments saved in st_cID_aI (and the
 * callee's frame st_cID_f when it forwards slots). */
static void emit_part_call(Gen *g, Node *n, int id, size_t k)
{
    char part[32];
    snprintf(part, sizeof part, "part%zu", k);
    emit_cursor_call(g, n->target_file, n->name, part);
    for (size_t i = 0; i < n->args.n; i++)
        gen_fmt(g, ", st_c%d_a%zu", id, i + 1);
    if (n->target->forwards)
        gen_fmt(g, ", &st_c%d_f", id);
    emit_cursor_back(g, false);
}

/* The fill of call n for slot s of the callee, or NULL. */
static Node *find_fill(Gen *g, Node *n, const Node *s)
{
    for (Node *x = n->body.head; x; x = x->next)
        if (x->kind == N_FILL && x->name.len == s->name.len &&
            memcmp(unit_text(g->f, x->name), unit_text(n->target_file, s->name), s->name.len) == 0)
            return x;
    return NULL;
}

/* Whether content (a fill's or a call's children, fills skipped) ends in text or a value
 * that does not end its line: at a slot standing alone on its line, a line break follows
 * it. Content that ends in a statement ends as that statement's lines do. */
static bool ends_open(Gen *g, const Node *list)
{
    const Node *last = NULL;
    for (const Node *x = list; x; x = x->next)
        if (x->kind != N_FILL)
            last = x;
    if (last == NULL)
        return false;
    switch (last->kind) {
    case N_TEXT:
        return last->text.len > 0 && unit_text(g->f, last->text)[last->text.len - 1] != '\n';
    case N_MARKDOWN: return last->html_len > 0 && last->html[last->html_len - 1] != '\n';
    case N_INTERP:
    case N_BOOLATTR: return true;
    default: return false;
    }
}

/* After the content for slot s: a line break, when s stands alone on its line and the
 * content leaves its last line open. */
static void emit_slot_line_end(Gen *g, const Node *s, const Node *content)
{
    if (s->flag && ends_open(g, content) && g->sse) { /* (a data line's break) */
        gen_out(g, "STARCH_ROOM(st_out, st_p, st_end, STARCH_SSE_BREAK_LEN);");
        gen_out(g, g->sse_cr ? "st_p = starch__sse_text_lf(st_s, st_p, STARCH_SSE_BREAK, "
                               "STARCH_SSE_BREAK_LEN); /* the slot writes lines */"
                             : "st_p = starch_put(st_p, STARCH_SSE_BREAK, STARCH_SSE_BREAK_LEN); "
                               "/* the slot writes lines */");
        g->sse_cr = false;
    } else if (s->flag && ends_open(g, content)) {
        gen_out(g, "STARCH_ROOM(st_out, st_p, st_end, 1);");
        gen_out(g, "*st_p++ = '\\n'; /* the slot writes lines */");
    }
}

/* {% fill NAME %} of call n, for slot s of the callee (nothing when the call has none). */
static void emit_fill(Gen *g, Node *n, const Node *s)
{
    Node *fill = find_fill(g, n, s);
    if (fill == NULL)
        return;
    gen_out(g, "/* {%% fill %.*s %%} */", (int)s->name.len, unit_text(n->target_file, s->name));
    emit_nodes(g, fill->body.head);
    emit_slot_line_end(g, s, fill->body.head);
}

static void emit_nodes_until(Gen *g, Node *from, Node *end);

/* Emits the caller's content for the children slot: the body without its fills (the
 * list is relinked around the fills for emit_nodes, then mended). */
static void emit_children(Gen *g, Node *n)
{
    size_t count = 0;
    for (Node *x = n->body.head; x; x = x->next)
        count++;
    Node **next = malloc((count + 1) * sizeof *next);
    if (next == NULL)
        return;
    size_t i = 0;
    Node *first = NULL, *prev = NULL;
    for (Node *x = n->body.head; x; x = next[i++]) {
        next[i] = x->next;
        if (x->kind == N_FILL)
            continue;
        if (prev)
            prev->next = x;
        else
            first = x;
        prev = x;
    }
    if (prev)
        prev->next = NULL;
    emit_nodes(g, first);
    i = 0;
    for (Node *x = n->body.head; x; x = x->next)
        x->next = next[i++];
    free(next);
}

/* Where the name of parameter declaration s[0..len) stands: the last identifier outside
 * brackets, or the one after the `(*` of a function pointer. Returns its start; its
 * length in *name_len (0 when there is none). */
static size_t param_name(const char *s, size_t len, size_t *name_len)
{
    size_t best = 0;
    *name_len = 0;
    int depth = 0;
    for (size_t j = 0; j < len; j++) {
        if (s[j] == '[' || s[j] == ']') {
            depth += s[j] == '[' ? 1 : -1;
        } else if (s[j] == '(' && j + 1 < len && s[j + 1] == '*' && depth == 0) {
            size_t k = j + 2; /* function pointer: the name follows `(*` */
            while (k < len && (s[k] == ' ' || s[k] == '*'))
                k++;
            size_t e = k;
            while (e < len && ast_is_ident_char(s[e]))
                e++;
            *name_len = e - k;
            return k;
        } else if (s[j] == '(' || s[j] == ')') {
            depth += s[j] == '(' ? 1 : -1;
        } else if (depth == 0 && ast_is_ident_char(s[j]) &&
                   (j == 0 || !ast_is_ident_char(s[j - 1]))) {
            size_t e = j;
            while (e < len && ast_is_ident_char(s[e]))
                e++;
            best = j;
            *name_len = e - j;
        }
    }
    return best;
}

/* Declares the variable holding argument i of call n with the callee's parameter
 * declaration, its name replaced (`const char *st_c2_a1`), so the argument converts as
 * in a call; an array parameter (`int xs[]`) takes the argument's own type instead
 * (`__auto_type const st_c2_a1`, the array decayed). The caller writes ` = arg;`. */
static void emit_call_arg_decl(Gen *g, Node *n, size_t i, int id)
{
    File *tf = n->target_file;
    Span p = i < n->target->args.n ? n->target->args.items[i] : (Span){0, 0};
    const char *s = unit_text(tf, p);
    size_t len, at = param_name(s, p.len, &len);
    if (len == 0 || memchr(s, '[', p.len)) {
        gen_fmt(g, "__auto_type const st_c%d_a%zu", id, i + 1);
        return;
    }
    gen_fmt(g, "%.*sst_c%d_a%zu%.*s", (int)at, s, id, i + 1, (int)(p.len - at - len), s + at + len);
}

/* {% call Name(args) %}: the arguments are evaluated once; the callee's parts run in
 * order, with the caller's fills and children between them, in the caller's scope. */
static void emit_call(Gen *g, Node *n)
{
    int id = ++g->uid;
    gen_fmt(g, "%*s/* {%% call %.*s %%} */\n", g->indent * 4, "", (int)n->name.len,
            unit_text(g->f, n->name));
    gen_out(g, "{");
    g->indent++;
    for (size_t i = 0; i < n->args.n; i++) {
        gen_line_template(g, n->args.items[i].off); /* clang: a conversion at the name */
        gen_indent(g);
        emit_call_arg_decl(g, n, i, id);
        gen_write(g, " =", 2);
        gen_expr(g, n->args.items[i]);
        gen_write(g, ";\n", 2);
    }
    if (n->args.n)
        gen_line_back(g);
    if (n->target->forwards) {
        gen_indent(g);
        emit_frame_type(g, n->target_file, n->target);
        gen_fmt(g, " st_c%d_f; /* what the parts of %.*s keep between them */\n", id,
                (int)n->name.len, unit_text(g->f, n->name));
    }
    size_t k = 0;
    emit_part_call(g, n, id, k++);
    for (size_t i = 0; i < n->target->n_slots; i++) {
        const Node *s = n->target->slots[i];
        if (s->kind == N_CHILDREN) {
            gen_out(g, "/* children */");
            emit_children(g, n);
            emit_slot_line_end(g, s, n->body.head);
        } else {
            emit_fill(g, n, s);
        }
        emit_part_call(g, n, id, k++);
    }
    g->indent--;
    gen_out(g, "}");
}

/* Emits a list of nodes: runs of text and values are gathered and written together. */
static void emit_nodes(Gen *g, Node *list)
{
    Run run = {NULL, 0, 0, {0}};
    starch_out_init(&run.text);
    for (Node *n = list; n; n = n->next) {
        switch (n->kind) {
        case N_TEXT: run_text(g, &run, unit_text(g->f, n->text), n->text.len); continue;
        case N_INTERP:
        case N_LET:
        case N_BOOLATTR: run_push(&run, n, NULL, 0); continue;
        case N_MARKDOWN: run_text(g, &run, n->html, n->html_len); continue;
        case N_IF:
            if (if_joins_run(n)) {
                run_push(&run, n, NULL, 0); /* only text and values: part of the run */
                continue;
            }
            break;
        default: break;
        }
        emit_run(g, &run);
        switch (n->kind) {
        case N_IF: emit_if(g, n, false); break;
        case N_FOR_IN: emit_for_in(g, n); break;
        case N_FOR_C: emit_for_c(g, n); break;
        case N_RENDER: emit_render(g, n); break;
        case N_CALL: emit_call(g, n); break;
        default:
            /* the checker rejects what is not generated yet */
            gen_out(g, "#error \"starch: '%s' is not supported by this code generator\"",
                    ast_kind_name(n->kind));
            break;
        }
    }
    emit_run(g, &run);
    free(run.p);
    starch_out_free(&run.text);
}

/* ---- Declarations ---------------------------------------------------------------- */

/* What emit_signature declares besides the parts (part numbers, from 0). */
#define SIG_PUBLIC (-1) /* the component's function: void NAME(starch_out *, ...) */
#define SIG_AT     (-2) /* the one generated code calls: st_NAME_at(out, cursor, ...) */
#define SIG_SSE_AT (-3) /* its SSE variant: st_NAME_sse_at(stream, cursor, ...) */

/* The prototype of component c (SIG_PUBLIC), of its function that takes and returns the
 * cursor (SIG_AT) or of its part `part` (>= 0, which does too), without `;` or body. */
static void emit_signature(Gen *g, Node *c, long part)
{
    int nl = (int)c->name.len;
    const char *name = unit_text(g->f, c->name);
    if (part >= 0 && g->sse)
        gen_fmt(g, "starch_room st_%s_%.*s_sse_part%ld(starch_sse_stream *st_s", g->f->prefix, nl,
                name, part);
    else if (part >= 0)
        gen_fmt(g, "starch_room st_%s_%.*s_part%ld(starch_out *st_out", g->f->prefix, nl, name,
                part);
    else if (part == SIG_AT)
        gen_fmt(g, "starch_room st_%s_%.*s_at(starch_out *st_out", g->f->prefix, nl, name);
    else if (part == SIG_SSE_AT)
        gen_fmt(g, "starch_room st_%s_%.*s_sse_at(starch_sse_stream *st_s", g->f->prefix, nl, name);
    else
        gen_fmt(g, "void %s_%.*s(starch_out *st_out", g->f->prefix, nl, name);
    emit_args(g, &c->args);
    if (part >= 0 && c->forwards) {
        gen_write(g, ", ", 2);
        emit_frame_type(g, g->f, c);
        gen_write(g, " *st_f", 6);
    }
    starch_out_puts(g->o, part == SIG_PUBLIC ? ")" : ", starch_room st_r)");
}

/* The parameter names of c, for passing them on. */
static void emit_param_names(Gen *g, Node *c)
{
    for (size_t i = 0; i < c->args.n; i++) {
        const char *s = unit_text(g->f, c->args.items[i]);
        size_t n, at = param_name(s, c->args.items[i].len, &n);
        gen_fmt(g, ", %.*s", (int)n, s + at);
    }
}

/* Emits the nodes from `from` up to (not including) `end`. */
static void emit_nodes_until(Gen *g, Node *from, Node *end)
{
    if (from == end)
        return;
    Node *last = from;
    while (last->next != end)
        last = last->next;
    last->next = NULL; /* cut the list for emit_nodes, then mend it */
    emit_nodes(g, from);
    last->next = end;
}

/* The cursor of a function that takes it (st_r) and returns it. */
static void emit_cursor_in(Gen *g)
{
    gen_out(g, "char *st_p = st_r.p, *st_end = st_r.end;");
}

static void emit_cursor_out(Gen *g)
{
    gen_out(g, "return (starch_room){st_p, st_end};");
}

/* The signature of function `part` of c (as emit_signature), under the component's
 * template line, and its opening brace. */
static void emit_function_open(Gen *g, Node *c, long part)
{
    gen_line_template(g, c->off);
    if (part != SIG_PUBLIC && !g->sse) /* a hint; the header's declaration keeps it external */
        starch_out_write(g->o, "inline ", 7);
    emit_signature(g, c, part);
    gen_write(g, "\n", 1);
    gen_line_back(g);
    gen_out(g, "{");
    g->indent++;
}

/* Emits one function: part `part` of c (the nodes from `from` up to its next slot), or
 * with SIG_AT the whole component (the nodes from `from`, or with nparts > 0 its parts
 * called in order), each taking and returning the cursor. */
static void emit_function(Gen *g, Node *c, long part, Node *from, size_t nparts)
{
    emit_function_open(g, c, part);
    if (g->sse) { /* an SSE variant's (emit_sse_variant): it writes to the event's out */
        gen_out(g, "starch_out *const st_out = st_s->dst;");
        gen_out(g, "(void)st_out;");
    }
    if (nparts) {
        if (c->forwards) {
            gen_indent(g);
            emit_frame_type(g, g->f, c);
            gen_write(g, " st_f;\n", 7);
        }
        for (size_t k = 0; k < nparts; k++) {
            gen_indent(g);
            gen_fmt(g,
                    g->sse ? "st_r = st_%s_%.*s_sse_part%zu(st_s"
                           : "st_r = st_%s_%.*s_part%zu(st_out",
                    g->f->prefix, (int)c->name.len, unit_text(g->f, c->name), k);
            emit_param_names(g, c);
            starch_out_puts(g->o, c->forwards ? ", &st_f, st_r);\n" : ", st_r);\n");
        }
        gen_out(g, "return st_r;");
    } else {
        Node *end = from;
        while (end && end->kind != N_SLOT && end->kind != N_CHILDREN)
            end = end->next;
        emit_cursor_in(g);
        emit_nodes_until(g, from, end);
        emit_cursor_out(g);
    }
    g->indent--;
    gen_out(g, "}");
}

/* ---- SSE variants ------------------------------------------------------------------ */

/* Render chains longer than this have no SSE variant (a bound on the check below). */
#define SSE_DEPTH_MAX 8

static bool sse_component(const Node *c, int depth);

/* Whether list holds only what an SSE variant writes: text, values, statements, renders
 * and calls of components that have one (with their fills and children), and at the top
 * of a component (top), its slots. */
static bool sse_nodes(const Node *list, int depth, bool top)
{
    for (const Node *n = list; n; n = n->next) {
        switch (n->kind) {
        case N_TEXT:
        case N_MARKDOWN:
        case N_INTERP:
        case N_BOOLATTR:
        case N_LET: break;
        case N_SLOT:
        case N_CHILDREN:
            if (!top)
                return false;
            break;
        case N_IF:
        case N_FOR_IN:
        case N_FOR_C:
        case N_FILL:
            if (!sse_nodes(n->body.head, depth, false) || !sse_nodes(n->alt.head, depth, false))
                return false;
            break;
        case N_RENDER:
        case N_CALL:
            if (!sse_component(n->target, depth + 1) ||
                !sse_nodes(n->kind == N_CALL ? n->body.head : NULL, depth, false))
                return false;
            break;
        default: return false;
        }
    }
    return true;
}

static bool sse_component(const Node *c, int depth)
{
    return depth <= SSE_DEPTH_MAX && c != NULL && !c->forwards &&
           sse_nodes(c->body.head, depth, true);
}

/* Whether component c has an SSE variant, st_NAME_sse_at (and its parts, with slots): it
 * forwards no slots and calls only components that have one (a component forwarding
 * slots is written through the runtime's conversion, and so are its callers). */
static bool sse_variant(const Node *c)
{
    return sse_component(c, 0);
}

/* Whether c begins with static text: its variant then writes the first line's prefix
 * itself, so it may begin an event's elements. */
static bool sse_starts_with_text(const Node *c)
{
    const Node *n = c->body.head;
    return n &&
           ((n->kind == N_TEXT && n->text.len > 0) || (n->kind == N_MARKDOWN && n->html_len > 0));
}

/* st_NAME_sse_at: the component written into the data lines of a patch-elements event,
 * at a cursor on the event's out (st->dst). */
static void emit_sse_variant(Gen *g, Node *c)
{
    gen_fmt(g,
            "\n/* %.*s into a patch-elements event (starch_sse_elements_begin): "
            "its data lines */\n",
            (int)c->name.len, unit_text(g->f, c->name));
    g->sse = true;
    sse_gen = g;
    gen_write(g, "#ifndef STARCH_NO_SSE_VARIANTS\n", 31);
    size_t nslots = count_slots(c);
    Node *from = c->body.head;
    for (size_t k = 0; k <= nslots; k++) {               /* its parts, or the whole */
        g->sse_open = k == 0 && sse_starts_with_text(c); /* (after part 0, it is written) */
        g->sse_cr = true;
        emit_function(g, c, nslots ? (long)k : SIG_SSE_AT, from, 0);
        while (from && from->kind != N_SLOT && from->kind != N_CHILDREN)
            from = from->next;
        if (from)
            from = from->next;
    }
    if (nslots)
        emit_function(g, c, SIG_SSE_AT, NULL, nslots + 1);
    gen_write(g, "#endif\n", 7);
    sse_gen = NULL;
    g->sse = g->sse_open = g->sse_cr = false;
}

/* In the public function of a component with an SSE variant: the variant, when out is the
 * buffer of a starch_sse_stream (one compare otherwise). */
static void emit_sse_dispatch(Gen *g, Node *c)
{
    gen_write(g, "#ifndef STARCH_NO_SSE_VARIANTS\n", 31);
    gen_indent(g);
    gen_fmt(g, "starch_sse_stream *st_s = starch__sse_stream_of(st_out, %s);\n",
            sse_starts_with_text(c) ? "true" : "false");
    gen_out(g, "if (st_s) { /* straight into the event's data lines */");
    g->indent++;
    gen_out(g, "char *st_p = starch_out_reserve(st_s->dst, 0);");
    gen_indent(g);
    gen_fmt(g, "starch_room st_r = st_%s_%.*s_sse_at(st_s", g->f->prefix, (int)c->name.len,
            unit_text(g->f, c->name));
    emit_param_names(g, c);
    starch_out_puts(g->o, ", (starch_room){st_p, starch_out_end(st_s->dst, st_p)});\n");
    gen_out(g, "starch_out_commit(st_s->dst, st_r.p);");
    gen_out(g, "return;");
    g->indent--;
    gen_out(g, "}");
    gen_write(g, "#endif\n", 7);
}

/* The component's own function: a render into out from its end, through st_NAME_at. */
static void emit_public(Gen *g, Node *c)
{
    emit_function_open(g, c, SIG_PUBLIC);
    if (sse_variant(c))
        emit_sse_dispatch(g, c);
    gen_out(g, "char *st_p = starch_out_reserve(st_out, 0);");
    gen_indent(g);
    gen_fmt(g, "starch_room st_r = st_%s_%.*s_at(st_out", g->f->prefix, (int)c->name.len,
            unit_text(g->f, c->name));
    emit_param_names(g, c);
    starch_out_puts(g->o, ", (starch_room){st_p, starch_out_end(st_out, st_p)});\n");
    gen_out(g, "starch_out_commit(st_out, st_r.p);");
    g->indent--;
    gen_out(g, "}");
}

/* ---- Forwarded slots: a component split inside the calls its slots stand in ---------- */

/* A component whose slots stand in the content or the fills of its calls (it forwards
 * them: a Layout wrapping a Page) is split where its slots run, which may be between two
 * parts of a callee: the parts of the call are interleaved with its own. What a call needs
 * across those parts, its arguments (evaluated once) and the frame of a callee that
 * forwards too, is kept in the component's frame, a struct its caller holds on the stack
 * and passes to every part (`st_f`). No closures, no allocation.
 *
 * One walk over the component, in the order it runs, reports events to a visitor: the
 * header writes the frame's members, the source finds which parts use the cursor, then
 * writes the parts. */

typedef enum FwdEvent {
    FWD_NODES,       /* a: first node, b: the node after the last: written as they are */
    FWD_CALL,        /* a: a call holding slots of the component (number num) begins */
    FWD_PART,        /* a: that call runs its callee's part k */
    FWD_CONTENT,     /* a: the call, b: the callee's slot whose content comes */
    FWD_CONTENT_END, /* a: the first node of that content, b: the callee's slot */
    FWD_SLOT,        /* a: a slot of the component: the part ends here */
} FwdEvent;

typedef struct Fwd Fwd;
struct Fwd {
    Gen *g;
    Node *comp;
    void (*visit)(Fwd *w, FwdEvent ev, Node *a, const Node *b, int num, size_t k);
    int calls;     /* calls holding slots, numbered in the order they run */
    size_t part;   /* the part being walked */
    size_t fields; /* frame members written */
};

/* Whether list holds a slot, directly or in the content or fills of its calls. */
static bool holds_slot(const Node *list)
{
    for (const Node *x = list; x; x = x->next)
        if (x->kind == N_SLOT || x->kind == N_CHILDREN ||
            ((x->kind == N_CALL || x->kind == N_FILL) && holds_slot(x->body.head)))
            return true;
    return false;
}

static void fwd_call(Fwd *w, Node *call);

/* Walks list (a component body, a call's content or a fill) in the order it runs. */
static void fwd_list(Fwd *w, Node *list)
{
    Node *from = NULL;
    for (Node *x = list; x; x = x->next) {
        bool slot = x->kind == N_SLOT || x->kind == N_CHILDREN;
        bool call = x->kind == N_CALL && holds_slot(x->body.head);
        if (!slot && !call && x->kind != N_FILL) {
            from = from ? from : x;
            continue;
        }
        if (from)
            w->visit(w, FWD_NODES, from, x, 0, 0);
        from = NULL;
        if (slot) {
            w->visit(w, FWD_SLOT, x, NULL, 0, 0);
            w->part++;
        } else if (call) {
            fwd_call(w, x);
        }
    }
    if (from)
        w->visit(w, FWD_NODES, from, NULL, 0, 0);
}

/* A call holding slots of the component: the callee's parts, with the call's fills and
 * content between them, walked through. */
static void fwd_call(Fwd *w, Node *call)
{
    int num = ++w->calls;
    size_t k = 0;
    w->visit(w, FWD_CALL, call, NULL, num, 0);
    w->visit(w, FWD_PART, call, NULL, num, k++);
    for (size_t i = 0; i < call->target->n_slots; i++) {
        const Node *s = call->target->slots[i];
        Node *fill = s->kind == N_SLOT ? find_fill(w->g, call, s) : NULL;
        if (s->kind == N_CHILDREN || fill) {
            Node *content = fill ? fill->body.head : call->body.head;
            w->visit(w, FWD_CONTENT, call, s, num, 0);
            fwd_list(w, content);
            w->visit(w, FWD_CONTENT_END, content, s, num, 0);
        }
        w->visit(w, FWD_PART, call, NULL, num, k++);
    }
}

static void fwd_walk(Fwd *w)
{
    w->calls = 0;
    w->part = 0;
    fwd_list(w, w->comp->body.head);
}

/* Writes the parameter declaration p of file tf as a frame member named st_callN_aI: an
 * array parameter as the pointer it is (`int xs[]` -> `int (*st_call1_a1)`), without the
 * qualifiers of the parameter itself (`const char *const t` -> `const char *st_call1_a1`):
 * the frame is written after it is declared. */
static void emit_frame_param(Gen *g, const File *tf, Span p, int num, size_t i)
{
    const char *s = unit_text(tf, p);
    size_t len, at = param_name(s, p.len, &len), after = at + len;
    size_t open = after;
    while (open < p.len && s[open] == ' ')
        open++;
    bool array = len > 0 && open < p.len && s[open] == '[';
    size_t star = at; /* qualifiers after the last `*` (or of a non-pointer) go */
    while (star > 0 && s[star - 1] != '*')
        star--;
    for (size_t j = 0; j < at;) {
        size_t e = j;
        while (e < at && ast_is_ident_char(s[e]))
            e++;
        bool word = e > j && (j == 0 || !ast_is_ident_char(s[j - 1]));
        bool qual = word && !array && j >= star &&
                    ((e - j == 5 && memcmp(s + j, "const", 5) == 0) ||
                     (e - j == 8 && memcmp(s + j, "volatile", 8) == 0) ||
                     (e - j == 8 && memcmp(s + j, "restrict", 8) == 0));
        if (qual) {
            while (e < at && s[e] == ' ')
                e++;
        } else {
            gen_write(g, s + j, e > j ? e - j : 1);
        }
        j = e > j ? e : j + 1;
    }
    gen_fmt(g, array ? "(*st_call%d_a%zu)" : "st_call%d_a%zu", num, i + 1);
    size_t rest = after;
    if (array) { /* drop the first bracket pair: the array is a pointer */
        int depth = 0;
        for (rest = open; rest < p.len; rest++) {
            depth += s[rest] == '[' ? 1 : s[rest] == ']' ? -1 : 0;
            if (depth == 0) {
                rest++;
                break;
            }
        }
    }
    gen_write(g, s + rest, p.len - rest);
}

/* The header: the frame's members. */
static void fwd_frame_member(Fwd *w, FwdEvent ev, Node *a, const Node *b, int num, size_t k)
{
    (void)b;
    (void)k;
    Gen *g = w->g;
    if (ev != FWD_CALL)
        return;
    for (size_t i = 0; i < a->args.n && i < a->target->args.n; i++) {
        gen_indent(g);
        emit_frame_param(g, a->target_file, a->target->args.items[i], num, i);
        gen_fmt(g, ";%s\n", i ? "" : " /* the arguments of the calls the slots stand in */");
        w->fields++;
    }
    if (a->target->forwards) {
        gen_indent(g);
        emit_frame_type(g, a->target_file, a->target);
        gen_fmt(g, " st_call%d_f; /* %.*s forwards slots too */\n", num, (int)a->name.len,
                unit_text(g->f, a->name));
        w->fields++;
    }
}

/* The frame type of forwarding component c, in the header. */
static void emit_frame(Gen *g, Node *c)
{
    gen_fmt(g,
            "\n/* What the parts of %.*s keep between them: %.*s forwards slots "
            "into calls. Its\n * caller holds it (see docs/language.md). */\n",
            (int)c->name.len, unit_text(g->f, c->name), (int)c->name.len, unit_text(g->f, c->name));
    gen_write(g, "typedef struct ", 15);
    emit_frame_type(g, g->f, c);
    gen_write(g, " {\n", 3);
    g->indent++;
    Fwd w = {g, c, fwd_frame_member, 0, 0, 0};
    fwd_walk(&w);
    if (w.fields == 0)
        gen_out(g, "char st_empty; /* (the calls take no arguments; C has no empty struct) */");
    g->indent--;
    gen_write(g, "} ", 2);
    emit_frame_type(g, g->f, c);
    gen_write(g, ";\n", 2);
}

/* Opens the function of part k of the forwarding component. */
static void fwd_open_part(Fwd *w, size_t k)
{
    Gen *g = w->g;
    Node *c = w->comp;
    gen_fmt(g, "%s/* part %zu of %.*s: up to %s */\n", k ? "\n" : "", k, (int)c->name.len,
            unit_text(g->f, c->name), k == c->n_slots ? "the end" : "the next slot");
    emit_function_open(g, c, (long)k);
    emit_cursor_in(g);
}

/* The second walk: the parts. */
static void fwd_emit(Fwd *w, FwdEvent ev, Node *a, const Node *b, int num, size_t k)
{
    Gen *g = w->g;
    switch (ev) {
    case FWD_NODES: emit_nodes_until(g, a, (Node *)b); break;
    case FWD_CALL:
        gen_out(g, "/* {%% call %.*s %%}: its arguments stay in the frame (a slot stands in it) */",
                (int)a->name.len, unit_text(g->f, a->name));
        if (a->args.n == 0)
            break;
        for (size_t i = 0; i < a->args.n; i++) {
            gen_line_template(g, a->args.items[i].off);
            gen_indent(g);
            gen_fmt(g, "st_f->st_call%d_a%zu =", num, i + 1);
            gen_expr(g, a->args.items[i]);
            gen_write(g, ";\n", 2);
        }
        gen_line_back(g);
        break;
    case FWD_PART: {
        char part[32];
        snprintf(part, sizeof part, "part%zu", k);
        emit_cursor_call(g, a->target_file, a->name, part);
        for (size_t i = 0; i < a->args.n; i++)
            gen_fmt(g, ", st_f->st_call%d_a%zu", num, i + 1);
        if (a->target->forwards)
            gen_fmt(g, ", &st_f->st_call%d_f", num);
        emit_cursor_back(g, false);
        break;
    }
    case FWD_CONTENT:
        if (b->kind == N_CHILDREN)
            gen_out(g, "/* children */");
        else
            gen_out(g, "/* {%% fill %.*s %%} */", (int)b->name.len,
                    unit_text(a->target_file, b->name));
        break;
    case FWD_CONTENT_END: emit_slot_line_end(g, b, a); break;
    case FWD_SLOT:
        gen_out(g, "/* {%% %s%s%.*s %%}: the caller's content runs here */",
                a->kind == N_SLOT ? "slot" : "children", a->kind == N_SLOT ? " " : "",
                (int)a->name.len, unit_text(g->f, a->name));
        emit_cursor_out(g);
        g->indent--;
        gen_out(g, "}");
        fwd_open_part(w, w->part + 1);
        break;
    }
}

/* The parts of forwarding component c (the whole-component function is emit_function's). */
static void emit_forwarding_parts(Gen *g, Node *c)
{
    Fwd w = {g, c, fwd_emit, 0, 0, 0};
    fwd_open_part(&w, 0);
    fwd_walk(&w);
    emit_cursor_out(g);
    g->indent--;
    gen_out(g, "}");
}

static void emit_component(Gen *g, Node *c)
{
    size_t nslots = count_slots(c);
    gen_fmt(g, "\n/* {%% component %.*s %%} */\n", (int)c->name.len, unit_text(g->f, c->name));
    if (nslots == 0) {
        emit_function(g, c, SIG_AT, c->body.head, 0);
        if (sse_variant(c))
            emit_sse_variant(g, c);
        emit_public(g, c);
        return;
    }
    Node *from = c->body.head;
    if (c->forwards)
        emit_forwarding_parts(g, c);
    for (size_t k = 0; k <= nslots && !c->forwards; k++) {
        gen_fmt(g, "%s/* part %zu of %.*s: up to %s */\n", k ? "\n" : "", k, (int)c->name.len,
                unit_text(g->f, c->name), k == nslots ? "the end" : "the next slot");
        emit_function(g, c, (long)k, from, 0);
        while (from && from->kind != N_SLOT && from->kind != N_CHILDREN)
            from = from->next;
        if (from)
            from = from->next;
    }
    gen_fmt(g, "\n/* %.*s with every slot empty ({%% render %%}) */\n", (int)c->name.len,
            unit_text(g->f, c->name));
    emit_function(g, c, SIG_AT, NULL, nslots + 1);
    if (sse_variant(c))
        emit_sse_variant(g, c);
    emit_public(g, c);
}

static void emit_cblock(Gen *g, Node *n)
{
    gen_fmt(g, "\n/* {%% c%s %%} */\n", n->flag ? " impl" : "");
    gen_line_template(g, n->text.off);
    gen_span(g, n->text);
    if (n->text.len == 0 || unit_text(g->f, n->text)[n->text.len - 1] != '\n')
        gen_write(g, "\n", 1);
    gen_line_back(g);
}

/* Writes s[0..n) inside a comment: a space between the star and the slash of a path's
 * star-slash, which would end it (*prev: the byte written before s, or 0). */
static void comment_bytes(Gen *g, const char *s, size_t n, char *prev)
{
    for (size_t i = 0; i < n; i++) {
        if (*prev == '*' && s[i] == '/')
            gen_write(g, " ", 1);
        gen_write(g, s + i, 1);
        *prev = s[i];
    }
}

static void emit_banner(Gen *g)
{
    const char *path = g->f->src.path;
    size_t n;
    const char *prefix = gen_map_path(g, &path, &n);
    char prev = 0;
    gen_fmt(g, "/* Generated by starch %s from ", STARCH_VERSION);
    comment_bytes(g, prefix, n, &prev);
    comment_bytes(g, path, strlen(path), &prev);
    starch_out_puts(g->o, ". Do not edit: edit the template and run starch again. */\n");
}

/* {% import "x.starch" %}: the generated header of each file imported, included once. */
static void emit_imports(Gen *g)
{
    const File *seen[IMPORTS_MAX_FILES]; /* a file imported twice is included once */
    size_t n_seen = 0;
    for (size_t i = 0; i < g->f->n_imports; i++) {
        size_t k = 0;
        while (k < n_seen && seen[k] != g->f->imports[i])
            k++;
        if (k < n_seen || n_seen == IMPORTS_MAX_FILES)
            continue;
        seen[n_seen++] = g->f->imports[i];
        gen_fmt(g, "#include \"%s\"\n", g->f->imports[i]->include);
    }
}

static int by_rank(const void *a, const void *b)
{
    const Node *x = *(Node *const *)a, *y = *(Node *const *)b;
    return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* The frames of the forwarding components of the file, each after those it holds (the
 * checker ranked every component after its callees). */
static void emit_frames(Gen *g)
{
    size_t n = 0;
    for (Node *d = g->f->decls.head; d; d = d->next)
        n += d->kind == N_COMPONENT && d->forwards;
    if (n == 0)
        return;
    Node **c = malloc(n * sizeof *c);
    if (c == NULL) {
        starch_out_puts(g->o, "#error \"starch: out of memory\"\n");
        return;
    }
    n = 0;
    for (Node *d = g->f->decls.head; d; d = d->next)
        if (d->kind == N_COMPONENT && d->forwards)
            c[n++] = d;
    qsort(c, n, sizeof *c, by_rank);
    for (size_t i = 0; i < n; i++)
        emit_frame(g, c[i]);
    free(c);
}

static void gen_header(Gen *g, const char *guard)
{
    emit_banner(g);
    gen_fmt(g, "#ifndef %s\n#define %s\n\n#include <starch.h>\n", guard, guard);
    emit_imports(g);
    gen_entity_types(g);
    for (Node *d = g->f->decls.head; d; d = d->next)
        if (d->kind == N_CBLOCK && !d->flag)
            emit_cblock(g, d);
    emit_frames(g);
    gen_write(g, "\n", 1);
    for (Node *d = g->f->decls.head; d; d = d->next) {
        if (d->kind != N_COMPONENT)
            continue;
        gen_line_template(g, d->off); /* an error in a parameter's type: the template line */
        emit_signature(g, d, SIG_PUBLIC);
        gen_write(g, ";\n", 2);
        gen_line_back(g);
    }
    /* for generated code (which includes starch_gen.h first): the functions that write
     * at a cursor, for the calls of other files */
    starch_out_puts(g->o, "\n#ifdef STARCH_GEN_H\n");
    for (Node *d = g->f->decls.head; d; d = d->next) {
        if (d->kind != N_COMPONENT)
            continue;
        gen_line_template(g, d->off);
        emit_signature(g, d, SIG_AT);
        gen_write(g, ";\n", 2);
        size_t nslots = count_slots(d);
        for (size_t k = 0; k <= nslots && nslots; k++) {
            emit_signature(g, d, (long)k);
            gen_fmt(g, ";%s\n", k ? "" : " /* parts, called around its slots */");
        }
        if (sse_variant(d)) {
            gen_write(g, "#ifndef STARCH_NO_SSE_VARIANTS\n", 31);
            gen_line_template(g, d->off);
            emit_signature(g, d, SIG_SSE_AT);
            gen_write(g, "; /* into an SSE event */\n", 26);
            g->sse = true; /* (the names of its parts) */
            for (size_t k = 0; k <= nslots && nslots; k++) {
                emit_signature(g, d, (long)k);
                gen_write(g, ";\n", 2);
            }
            g->sse = false;
            gen_write(g, "#endif\n", 7);
        }
        gen_line_back(g);
    }
    starch_out_puts(g->o, "#endif /* STARCH_GEN_H */\n");
    gen_fmt(g, "\n#endif /* %s */\n", guard);
}

/* Whether an interpolation in the list (at any depth) has the `| markdown` filter, whose
 * writer lives in the Markdown layer of the runtime. */
static bool uses_markdown(const Node *n)
{
    for (; n; n = n->next) {
        for (const Filter *f = n->filters; f; f = f->next)
            if (f->kind == F_MARKDOWN)
                return true;
        if (uses_markdown(n->body.head) || uses_markdown(n->alt.head))
            return true;
    }
    return false;
}

/* The runtime headers of the source: the generated-code interface, at the version this
 * compiler writes for (a runtime of another version stops the build there), then the
 * layers the components use. */
static void gen_runtime_includes(Gen *g)
{
    gen_fmt(g, "#define STARCH_GEN_EXPECTED %d\n#include <starch_gen.h>\n", STARCH_GEN_VERSION);
    if (uses_markdown(g->f->decls.head))
        starch_out_puts(g->o, "#include <starch_markdown.h>\n");
}

static void gen_source(Gen *g, const char *header)
{
    emit_banner(g);
    gen_runtime_includes(g);
    gen_fmt(g, "#include \"%s\"\n\n", header);
    starch_out_puts(g->o, "/* A component need not use every parameter; values are held in\n"
                          " * __auto_type locals (a GCC and Clang extension, as __typeof__). */\n"
                          "#pragma GCC diagnostic ignored \"-Wunused-parameter\"\n"
                          "#ifdef __clang__\n"
                          "#pragma clang diagnostic ignored \"-Wgnu-auto-type\"\n"
                          "#endif\n");
    for (Node *d = g->f->decls.head; d; d = d->next)
        if (d->kind == N_CBLOCK && d->flag)
            emit_cblock(g, d);
    gen_entity_descriptors(g);
    gen_dispatch_macros(g);
    for (Node *d = g->f->decls.head; d; d = d->next)
        if (d->kind == N_COMPONENT)
            emit_component(g, d);
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

bool codegen_unit(Unit *u, const char *c_name, const char *h_name, starch_out *c_out,
                  starch_out *h_out)
{
    File *f = u->files[0];
    char guard[256];
    snprintf(guard, sizeof guard, "st_%s_starch_h", f->prefix);
    Gen g = {u, f, h_out, h_name, 0, 0, 0, 1, 0, 0, NULL, 0, 0, 0, {{0}}, false, false, false};
    Gen c = {u, f, c_out, c_name, 0, 0, 0, 1, 0, 0, NULL, 0, 0, 0, {{0}}, false, false, false};
    for (int k = 0; k < 2; k++) {
        starch_out_init(&g.quoted[k].text);
        starch_out_init(&c.quoted[k].text);
    }
    gen_header(&g, guard);
    gen_source(&c, base_name(h_name));
    for (int k = 0; k < 2; k++) {
        starch_out_free(&g.quoted[k].text);
        starch_out_free(&c.quoted[k].text);
    }
    return starch_out_error(c_out) == 0 && starch_out_error(h_out) == 0;
}
