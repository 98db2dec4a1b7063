/* codegen_entity.c — the generated C of entities: the struct, its descriptor (field
 * names, kinds, offsets, key) and its clear function; and the dispatch macros that write
 * an entity as a JSON object where JSON is expected and make it a compile error elsewhere. */
#include "codegen.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "gen.h"

static const char *field_ctype(FieldKind k)
{
    switch (k) {
    case FK_INT: return "int64_t";
    case FK_FLOAT: return "double";
    case FK_BOOL: return "bool";
    case FK_STRING: return "char *";
    case FK_ENTITY: return NULL;
    }
    return NULL;
}

/* One field: `int64_t id;`, `char *title;`, `char **tags; size_t tags_count;`. */
static void emit_field(Gen *g, const Field *fl)
{
    const char *t = field_ctype(fl->kind);
    int nl = (int)fl->name.len;
    const char *name = unit_text(g->f, fl->name);
    char type[256];
    if (t)
        snprintf(type, sizeof type, "%s", t);
    else
        snprintf(type, sizeof type, "%.*s", (int)fl->type.len, unit_text(g->f, fl->type));
    size_t tl = strlen(type);
    if (tl && type[tl - 1] == ' ')
        type[--tl] = '\0';
    bool star = tl && type[tl - 1] == '*';
    gen_out(g, "%s%s%s%.*s;", type, star ? "" : " ", fl->array ? "*" : "", nl, name);
    if (fl->array)
        gen_out(g, "size_t %.*s_count;", nl, name);
}

/* Emits entity e after the entities of this file it holds by value. */
static void emit_entity(Gen *g, Node *e, Node **done, size_t *ndone, int depth)
{
    for (size_t i = 0; i < *ndone; i++)
        if (done[i] == e)
            return;
    for (Field *fl = e->fields; fl && depth < CHECK_MAX_ENTITY_DEPTH; fl = fl->next) {
        File *in;
        Node *dep =
            fl->kind == FK_ENTITY && !fl->array ? unit_find_entity(g->f, fl->type, &in) : NULL;
        if (dep && in == g->f && dep != e)
            emit_entity(g, dep, done, ndone, depth + 1);
    }
    done[(*ndone)++] = e;
    gen_fmt(g, "\n/* {%% entity %.*s %%} */\n", (int)e->name.len, unit_text(g->f, e->name));
    gen_out(g, "struct %.*s {", (int)e->name.len, unit_text(g->f, e->name));
    g->indent++;
    for (Field *fl = e->fields; fl; fl = fl->next)
        emit_field(g, fl);
    if (e->fields == NULL)
        gen_out(g, "char st_empty; /* C structs cannot be empty */");
    g->indent--;
    gen_out(g, "};");
    gen_out(g, "extern const starch_entity_type %.*s_type;", (int)e->name.len,
            unit_text(g->f, e->name));
    gen_out(g, "void %.*s_clear(%.*s *value);", (int)e->name.len, unit_text(g->f, e->name),
            (int)e->name.len, unit_text(g->f, e->name));
}

void gen_entity_types(Gen *g)
{
    size_t n = 0, ndone = 0;
    for (Node *d = g->f->decls.head; d; d = d->next)
        if (d->kind == N_ENTITY) {
            gen_out(g, "typedef struct %.*s %.*s;", (int)d->name.len, unit_text(g->f, d->name),
                    (int)d->name.len, unit_text(g->f, d->name));
            n++;
        }
    if (n == 0)
        return;
    Node **done = calloc(n, sizeof *done);
    if (done == NULL)
        return;
    for (Node *d = g->f->decls.head; d; d = d->next)
        if (d->kind == N_ENTITY)
            emit_entity(g, d, done, &ndone, 0);
    free(done);
}

static const char *kind_name(FieldKind k)
{
    switch (k) {
    case FK_INT: return "STARCH_KIND_INT";
    case FK_FLOAT: return "STARCH_KIND_FLOAT";
    case FK_BOOL: return "STARCH_KIND_BOOL";
    case FK_STRING: return "STARCH_KIND_STRING";
    case FK_ENTITY: return "STARCH_KIND_ENTITY";
    }
    return "?";
}

/* The index of e's key field `id`, or -1. */
static int key_index(const Gen *g, const Node *e)
{
    int i = 0;
    for (const Field *fl = e->fields; fl; fl = fl->next, i++)
        if (unit_span_is(g->f, fl->name, "id"))
            return i;
    return -1;
}

/* The descriptor of entity e and its clear function. */
static void emit_descriptor(Gen *g, Node *e)
{
    int nl = (int)e->name.len;
    const char *name = unit_text(g->f, e->name);
    size_t count = 0;
    gen_out(g, "\n/* {%% entity %.*s %%} */", nl, name);
    if (e->fields) {
        gen_out(g, "static const starch_field st_%.*s_fields[] = {", nl, name);
        g->indent++;
        for (Field *fl = e->fields; fl; fl = fl->next, count++) {
            int fn = (int)fl->name.len;
            const char *fname = unit_text(g->f, fl->name);
            gen_indent(g);
            gen_fmt(g, "{.name = \"%.*s\", .kind = %s, .offset = offsetof(%.*s, %.*s)", fn, fname,
                    kind_name(fl->kind), nl, name, fn, fname);
            if (fl->array)
                gen_fmt(g, ", .array = true, .count_offset = offsetof(%.*s, %.*s_count)", nl, name,
                        fn, fname);
            if (fl->kind == FK_ENTITY)
                gen_fmt(g, ", .entity = &%.*s_type", (int)fl->type.len, unit_text(g->f, fl->type));
            starch_out_write(g->o, "},\n", 3);
        }
        g->indent--;
        gen_out(g, "};");
    }
    gen_out(g, "const starch_entity_type %.*s_type = {", nl, name);
    if (count)
        gen_out(g,
                "    .name = \"%.*s\", .size = sizeof(%.*s), .fields = st_%.*s_fields, "
                ".field_count = %zu, .key = %d,",
                nl, name, nl, name, nl, name, count, key_index(g, e));
    else
        gen_out(g,
                "    .name = \"%.*s\", .size = sizeof(%.*s), .fields = NULL, .field_count = 0, "
                ".key = -1,",
                nl, name, nl, name);
    gen_out(g, "};");
    gen_out(g, "void %.*s_clear(%.*s *value)", nl, name, nl, name);
    gen_out(g, "{");
    gen_out(g, "    starch_entity_clear(&%.*s_type, value);", nl, name);
    gen_out(g, "}");
}

void gen_entity_descriptors(Gen *g)
{
    for (Node *d = g->f->decls.head; d; d = d->next)
        if (d->kind == N_ENTITY)
            emit_descriptor(g, d);
}

/* ---- Dispatch with entities ------------------------------------------------------------ */

/* What an entity pointer becomes in each context: JSON for an attribute (a Datastar or
 * event-handler expression, or `| json` in HTML), JSON for <script>, or an error. */
typedef enum EntityUse { E_ERROR, E_JSON_ATTR, E_JSON_SCRIPT } EntityUse;

typedef struct Dispatch {
    const char *local;  /* the macro of the generated file, when it has entities */
    const char *global; /* starch.h's function selector */
    const char *put;    /* starch.h's writer macro, when the unit has no entities */
    EntityUse use;
} Dispatch;

/* Index: the context, or for `| json`, CTX_COUNT + 0 (attr) / + 1 (script). */
#define CTX_COUNT (CTX_DS_URL_STR + 1)

static const Dispatch dispatch[CTX_COUNT + 2] = {
    [CTX_NONE] = {"st_put_raw", "STARCH_FN_RAW", "STARCH_PUT_RAW", E_ERROR},
    [CTX_TEXT] = {"st_put_html", "STARCH_FN_HTML", "STARCH_PUT_HTML", E_ERROR},
    [CTX_RCDATA] = {"st_put_attr", "STARCH_FN_ATTR", "STARCH_PUT_ATTR", E_ERROR},
    [CTX_ATTR] = {"st_put_attr", "STARCH_FN_ATTR", "STARCH_PUT_ATTR", E_ERROR},
    [CTX_URL] = {"st_put_url", "STARCH_FN_URL", "STARCH_PUT_URL", E_ERROR},
    [CTX_URL_PART] = {"st_put_url_part", "STARCH_FN_URL_PART", "STARCH_PUT_URL_PART", E_ERROR},
    [CTX_URL_QUERY] = {"st_put_url_query", "STARCH_FN_URL_QUERY", "STARCH_PUT_URL_QUERY", E_ERROR},
    [CTX_SRCSET] = {"st_put_srcset", "STARCH_FN_SRCSET", "STARCH_PUT_SRCSET", E_ERROR},
    [CTX_JS] = {"st_put_js", "STARCH_FN_JS", "STARCH_PUT_JS", E_JSON_ATTR},
    [CTX_JS_STR] = {"st_put_js_str", "STARCH_FN_JS_STR", "STARCH_PUT_JS_STR", E_ERROR},
    [CTX_JS_REGEXP] = {"st_put_js_regexp", "STARCH_FN_JS_REGEXP", "STARCH_PUT_JS_REGEXP", E_ERROR},
    [CTX_JS_SCRIPT] = {"st_put_js_script", "STARCH_FN_JS_SCRIPT", "STARCH_PUT_JS_SCRIPT",
                       E_JSON_SCRIPT},
    [CTX_JS_SCRIPT_STR] = {"st_put_js_str", "STARCH_FN_JS_STR", "STARCH_PUT_JS_STR", E_ERROR},
    [CTX_JS_SCRIPT_REGEXP] = {"st_put_js_regexp", "STARCH_FN_JS_REGEXP", "STARCH_PUT_JS_REGEXP",
                              E_ERROR},
    [CTX_CSS] = {"st_put_css", "STARCH_FN_CSS", "STARCH_PUT_CSS", E_ERROR},
    [CTX_DS_URL] = {"st_put_ds_url", "STARCH_FN_DS_URL", "STARCH_PUT_DS_URL", E_ERROR},
    [CTX_DS_URL_STR] = {"st_put_ds_url_str", "STARCH_FN_DS_URL_STR", "STARCH_PUT_DS_URL_STR",
                        E_ERROR},
    [CTX_COUNT] = {"st_put_json_attr", "STARCH_FN_JSON_ATTR", "STARCH_PUT_JSON_ATTR", E_JSON_ATTR},
    [CTX_COUNT + 1] = {"st_put_json_script", "STARCH_FN_JSON_SCRIPT", "STARCH_PUT_JSON_SCRIPT",
                       E_JSON_SCRIPT},
};

/* The row of an interpolation (raw: CTX_NONE). */
static int dispatch_row(const Node *n, bool raw, bool json)
{
    if (json)
        return CTX_COUNT + (raw || n->ctx == CTX_JS_SCRIPT ? 1 : 0);
    return raw ? CTX_NONE : (int)n->ctx;
}

static bool unit_has_entities(const Unit *u)
{
    for (size_t i = 0; i < u->n_files; i++)
        if (u->files[i]->n_entities) /* counted by unit_index: no scan per interpolation */
            return true;
    return false;
}

const char *gen_put_macro(Gen *g, const Node *n, bool raw, bool json)
{
    const Dispatch *d = &dispatch[dispatch_row(n, raw, json)];
    return unit_has_entities(g->u) ? d->local : d->put;
}

const char *gen_put_e_macro(Gen *g, const Node *n)
{
    static const char *const e_macros[CTX_COUNT] = {
        [CTX_TEXT] = "STARCH_PUT_HTML_E",         [CTX_RCDATA] = "STARCH_PUT_ATTR_E",
        [CTX_ATTR] = "STARCH_PUT_ATTR_E",         [CTX_URL] = "STARCH_PUT_URL_E",
        [CTX_URL_PART] = "STARCH_PUT_URL_PART_E", [CTX_URL_QUERY] = "STARCH_PUT_URL_QUERY_E",
    };
    assert(n->ctx < CTX_COUNT);
    return unit_has_entities(g->u) ? NULL : e_macros[n->ctx];
}

/* Marks the rows used by the interpolations below n. */
static int mark_rows(Node *n, void *vctx)
{
    bool *used = vctx;
    if (n->kind != N_INTERP)
        return WALK_CONTINUE;
    bool raw = false, json = false;
    for (Filter *f = n->filters; f; f = f->next) {
        raw |= f->kind == F_RAW;
        json |= f->kind == F_JSON;
    }
    if (json || !n->filters || n->filters->kind == F_RAW)
        used[dispatch_row(n, raw, json)] = true;
    return WALK_CONTINUE;
}

/* One JSON writer per entity visible to the file (flavour "attr" or "script"). */
static void emit_json_writer(Gen *g, const char *flavour, const char *flags)
{
    for (size_t i = 0; i < g->u->n_files; i++)
        for (Node *d = g->u->files[i]->decls.head; d; d = d->next) {
            if (d->kind != N_ENTITY)
                continue;
            int nl = (int)d->name.len;
            const char *name = unit_text(g->u->files[i], d->name);
            gen_out(g,
                    "static inline char *st_json_%s_%.*s(starch_out *out, char *p, size_t rest, "
                    "const %.*s *v)",
                    flavour, nl, name, nl, name);
            gen_out(g, "{");
            gen_out(g, "    return starch_put_entity_json(out, p, rest, &%.*s_type, v, %s);", nl,
                    name, flags);
            gen_out(g, "}");
        }
}

/* The JSON writers the used dispatch rows call, and only those: an unused static function
 * is a warning (clang's -Wunused-function) in the generated file. */
static void emit_json_writers(Gen *g, const bool *used)
{
    bool attr = false, script = false;
    for (int r = 0; r < CTX_COUNT + 2; r++) {
        attr |= used[r] && dispatch[r].use == E_JSON_ATTR;
        script |= used[r] && dispatch[r].use == E_JSON_SCRIPT;
    }
    if (attr)
        emit_json_writer(g, "attr", "STARCH_JSON_ATTR | STARCH_JSON_DATASTAR | STARCH_JSON_SLASH");
    if (script)
        emit_json_writer(g, "script",
                         "STARCH_JSON_HTML_SAFE | STARCH_JSON_DATASTAR | STARCH_JSON_SLASH");
}

void gen_dispatch_macros(Gen *g)
{
    if (!unit_has_entities(g->u))
        return;
    bool used[CTX_COUNT + 2] = {false};
    for (Node *d = g->f->decls.head; d; d = d->next)
        if (d->kind == N_COMPONENT)
            ast_walk(d->body.head, mark_rows, used);
    starch_out_puts(
        g->o, "\n/* Entities are JSON objects where JSON is expected (JavaScript, | json) and a\n"
              " * compile error elsewhere: the dispatch of this file adds them. */\n");
    emit_json_writers(g, used);
    bool done[CTX_COUNT + 2] = {false};
    for (int r = 0; r < CTX_COUNT + 2; r++) {
        if (!used[r])
            continue;
        bool dup = false; /* two contexts may share one macro (RCDATA and ATTR) */
        for (int k = 0; k < r; k++)
            dup |= done[k] && strcmp(dispatch[k].local, dispatch[r].local) == 0;
        done[r] = true;
        if (dup)
            continue;
        gen_fmt(g, "#define %s(out, p, rest, x) _Generic((x)", dispatch[r].local);
        for (size_t i = 0; i < g->u->n_files; i++)
            for (Node *d = g->u->files[i]->decls.head; d; d = d->next) {
                if (d->kind != N_ENTITY)
                    continue;
                int nl = (int)d->name.len;
                const char *name = unit_text(g->u->files[i], d->name);
                char fn[160];
                if (dispatch[r].use == E_ERROR)
                    snprintf(fn, sizeof fn, "starch_error_entity_only_where_json_is_expected");
                else
                    snprintf(fn, sizeof fn, "st_json_%s_%.*s",
                             dispatch[r].use == E_JSON_ATTR ? "attr" : "script", nl, name);
                gen_fmt(g, ", \\\n    %.*s *: %s, const %.*s *: %s", nl, name, fn, nl, name, fn);
            }
        gen_fmt(g, ", \\\n    default: %s(x))(out, p, rest, x)\n", dispatch[r].global);
    }
}
