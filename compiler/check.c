/* check.c — name resolution and structural checks (see check.h). */
#include "check.h"

#include "html.h"
#include "markdown.h"

/* Reports a second declaration of a name already declared in f (or its imports). */
static void check_duplicates(Unit *u, File *f)
{
    for (Node *n = f->decls.head; n; n = n->next) {
        if (n->kind != N_COMPONENT && n->kind != N_ENTITY)
            continue;
        for (Node *m = f->decls.head; m != n; m = m->next) {
            if ((m->kind == N_COMPONENT || m->kind == N_ENTITY) && m->name.len == n->name.len &&
                memcmp(unit_text(f, m->name), unit_text(f, n->name), n->name.len) == 0) {
                diag_error(&u->diag, &f->src, n->name.off, "duplicate %s '%.*s'",
                           ast_kind_name(n->kind), (int)n->name.len, unit_text(f, n->name));
                diag_note(&u->diag, &f->src, m->name.off, "'%.*s' was first declared here",
                          (int)m->name.len, unit_text(f, m->name));
                break;
            }
        }
    }
}

/* Reports parameters whose text names an identifier starting with st_. */
static void check_params(Unit *u, File *f, Node *c)
{
    for (size_t i = 0; i < c->args.n; i++) {
        Span p = c->args.items[i];
        const char *s = unit_text(f, p);
        for (uint32_t j = 0; j + 3 <= p.len; j++) {
            bool start = j == 0 || !ast_is_ident_char(s[j - 1]);
            if (start && memcmp(s + j, "st_", 3) == 0) {
                diag_error(&u->diag, &f->src, p.off + j,
                           "parameter name starts with 'st_', which is reserved for generated "
                           "code");
                break;
            }
        }
    }
}

static void check_fields(Unit *u, File *f, Node *e)
{
    for (Field *fl = e->fields; fl; fl = fl->next) {
        File *in;
        if (unit_span_is(f, fl->name, "id") &&
            (fl->array || (fl->kind != FK_INT && fl->kind != FK_STRING)))
            diag_error(&u->diag, &f->src, fl->type.off,
                       "the key field 'id' must be an int or a string");
        for (Field *g = e->fields; g != fl; g = g->next)
            if (g->name.len == fl->name.len &&
                memcmp(unit_text(f, g->name), unit_text(f, fl->name), fl->name.len) == 0) {
                diag_error(&u->diag, &f->src, fl->name.off, "duplicate field '%.*s'",
                           (int)fl->name.len, unit_text(f, fl->name));
                break;
            }
        if (fl->kind != FK_ENTITY)
            continue;
        if (unit_find_entity(f, fl->type, &in) == NULL)
            diag_error(&u->diag, &f->src, fl->type.off,
                       "unknown field type '%.*s' (int, float, bool, string, or an entity)",
                       (int)fl->type.len, unit_text(f, fl->type));
        else if (in == f && !fl->array && fl->type.len == e->name.len &&
                 memcmp(unit_text(f, fl->type), unit_text(f, e->name), e->name.len) == 0)
            diag_error(&u->diag, &f->src, fl->type.off,
                       "entity '%.*s' cannot contain itself (use an array: '%.*s[]')",
                       (int)e->name.len, unit_text(f, e->name), (int)fl->type.len,
                       unit_text(f, fl->type));
    }
}

/* ---- Slots and fills -------------------------------------------------------------- */

/* The name of a slot node: its NAME, or "children". */
static Span slot_name(const Node *n)
{
    Span none = {0, 0};
    return n->kind == N_SLOT ? n->name : none;
}

static bool same_slot(const File *f, const Node *a, const File *g, const Node *b)
{
    Span x = slot_name(a), y = slot_name(b);
    return x.len == y.len && memcmp(unit_text(f, x), unit_text(g, y), x.len) == 0;
}

/* Reports slots below the top level of a component body. */
static void check_nested_slots(Unit *u, File *f, Node *list, const Node *inside)
{
    for (Node *n = list; n; n = n->next) {
        if ((n->kind == N_SLOT || n->kind == N_CHILDREN) && inside)
            diag_error(&u->diag, &f->src, n->off,
                       "'%s' inside '%s': slots stand at the top level of a component",
                       ast_kind_name(n->kind), ast_kind_name(inside->kind));
        check_nested_slots(u, f, n->body.head, n);
        check_nested_slots(u, f, n->alt.head, n);
    }
}

static void check_slots(Unit *u, File *f, Node *c)
{
    check_nested_slots(u, f, c->body.head, NULL);
    for (Node *n = c->body.head; n; n = n->next) {
        if (n->kind != N_SLOT && n->kind != N_CHILDREN)
            continue;
        if (n->kind == N_SLOT && unit_span_is(f, n->name, "children"))
            diag_error(&u->diag, &f->src, n->off, "write '{%% children %%}' for the children slot");
        for (Node *m = c->body.head; m != n; m = m->next)
            if ((m->kind == N_SLOT || m->kind == N_CHILDREN) && m->kind == n->kind &&
                same_slot(f, m, f, n)) {
                diag_error(&u->diag, &f->src, n->off, "slot '%.*s' appears twice in '%.*s'",
                           n->kind == N_SLOT ? (int)n->name.len : 8,
                           n->kind == N_SLOT ? unit_text(f, n->name) : "children", (int)c->name.len,
                           unit_text(f, c->name));
                break;
            }
    }
}

/* Whether component c has a slot like `fill` (a N_FILL of file ff) or, with fill NULL,
 * a children slot. */
static bool has_slot(const File *cf, const Node *c, const File *ff, const Node *fill)
{
    for (const Node *n = c->body.head; n; n = n->next) {
        if (fill == NULL && n->kind == N_CHILDREN)
            return true;
        if (fill && n->kind == N_SLOT && n->name.len == fill->name.len &&
            memcmp(unit_text(cf, n->name), unit_text(ff, fill->name), n->name.len) == 0)
            return true;
    }
    return false;
}

static bool is_blank_text(const File *f, const Node *n)
{
    if (n->kind != N_TEXT)
        return false;
    for (uint32_t i = 0; i < n->text.len; i++)
        if (!strchr(" \t\r\n\f\v", unit_text(f, n->text)[i]))
            return false;
    return true;
}

/* Checks the body of a resolved call against its callee's slots. */
static void check_call(Unit *u, File *f, Node *call)
{
    Node *c = call->target;
    File *cf = call->target_file;
    if (!has_slot(cf, c, NULL, NULL)) {
        bool named = false;
        for (Node *n = c->body.head; n; n = n->next)
            named |= n->kind == N_SLOT;
        if (!named) {
            diag_error(&u->diag, &f->src, call->off,
                       "'%.*s' has no slots: use '{%% render %.*s(...) %%}'", (int)call->name.len,
                       unit_text(f, call->name), (int)call->name.len, unit_text(f, call->name));
            return;
        }
    }
    for (Node *n = call->body.head; n; n = n->next) {
        if (n->kind != N_FILL) {
            if (!is_blank_text(f, n) && !has_slot(cf, c, NULL, NULL)) {
                diag_error(&u->diag, &f->src, n->off,
                           "'%.*s' has no '{%% children %%}' slot for this content",
                           (int)call->name.len, unit_text(f, call->name));
                return;
            }
            continue;
        }
        if (!has_slot(cf, c, f, n))
            diag_error(&u->diag, &f->src, n->name.off, "'%.*s' has no slot '%.*s'",
                       (int)call->name.len, unit_text(f, call->name), (int)n->name.len,
                       unit_text(f, n->name));
        for (Node *m = call->body.head; m != n; m = m->next)
            if (m->kind == N_FILL && m->name.len == n->name.len &&
                memcmp(unit_text(f, m->name), unit_text(f, n->name), n->name.len) == 0) {
                diag_error(&u->diag, &f->src, n->name.off, "slot '%.*s' is filled twice",
                           (int)n->name.len, unit_text(f, n->name));
                diag_note(&u->diag, &f->src, m->name.off, "first filled here");
                break;
            }
    }
}

/* Reports fills that do not stand directly in a call's body. */
static void check_fill_places(Unit *u, File *f, Node *list, const Node *parent)
{
    for (Node *n = list; n; n = n->next) {
        if (n->kind == N_FILL && (parent == NULL || parent->kind != N_CALL))
            diag_error(&u->diag, &f->src, n->off,
                       "'fill' must stand directly inside '{%% call %%}'");
        check_fill_places(u, f, n->body.head, n);
        check_fill_places(u, f, n->alt.head, n);
    }
}

/* ---- Imports ----------------------------------------------------------------------- */

/* Reports a component name defined by two of f's direct imports (or f and an import). */
static void check_import_conflicts(Unit *u, File *f)
{
    for (size_t i = 0; i < f->n_imports; i++) {
        File *g = f->imports[i];
        for (Node *c = g->decls.head; c; c = c->next) {
            if (c->kind != N_COMPONENT && c->kind != N_ENTITY)
                continue;
            for (size_t j = 0; j <= i; j++) {
                File *h = j == i ? f : f->imports[j];
                for (Node *d = h->decls.head; d; d = d->next) {
                    if (d->kind != c->kind || d->name.len != c->name.len ||
                        memcmp(unit_text(h, d->name), unit_text(g, c->name), c->name.len) != 0)
                        continue;
                    diag_error(&u->diag, &f->src, f->import_nodes[i]->off,
                               "%s '%.*s' is defined in both '%s' and '%s'", ast_kind_name(c->kind),
                               (int)c->name.len, unit_text(g, c->name), h->src.path, g->src.path);
                    j = i; /* once per name */
                    break;
                }
            }
        }
    }
}

typedef struct RefCtx {
    Unit *u;
    File *f;
} RefCtx;

/* Resolves one render/call. */
static int resolve_ref(Node *n, void *vctx)
{
    RefCtx *rc = vctx;
    if ((n->kind != N_RENDER && n->kind != N_CALL) || n->name.len == 0)
        return WALK_CONTINUE;
    File *in;
    Node *c = unit_find_component(rc->f, n->name, &in);
    if (c == NULL) {
        diag_error(&rc->u->diag, &rc->f->src, n->name.off, "%s of undefined component '%.*s'",
                   ast_kind_name(n->kind), (int)n->name.len, unit_text(rc->f, n->name));
        return WALK_CONTINUE;
    }
    n->target = c;
    n->target_file = in;
    if (n->kind == N_CALL)
        check_call(rc->u, rc->f, n);
    if (n->args.n != c->args.n) {
        diag_error(&rc->u->diag, &rc->f->src, n->name.off, "'%.*s' takes %zu argument%s, %zu given",
                   (int)n->name.len, unit_text(rc->f, n->name), c->args.n,
                   c->args.n == 1 ? "" : "s", n->args.n);
        diag_note(&rc->u->diag, &in->src, c->name.off, "'%.*s' is declared here", (int)c->name.len,
                  unit_text(in, c->name));
    }
    return WALK_CONTINUE;
}

static void check_file(Unit *u, File *f)
{
    check_duplicates(u, f);
    check_import_conflicts(u, f);
    for (Node *n = f->decls.head; n; n = n->next) {
        if (n->kind == N_COMPONENT) {
            check_params(u, f, n);
            check_slots(u, f, n);
            check_fill_places(u, f, n->body.head, NULL);
            RefCtx rc = {u, f};
            ast_walk(n->body.head, resolve_ref, &rc);
        } else if (n->kind == N_ENTITY) {
            check_fields(u, f, n);
        }
    }
}

/* `| json` writes JSON where JSON can stand: HTML text and attribute values (escaped for
 * HTML) and JavaScript values. */
static int check_json_filter(Node *n, void *vctx)
{
    Unit *u = vctx;
    if (n->kind != N_INTERP)
        return WALK_CONTINUE;
    bool raw = false;
    Filter *json = NULL;
    for (Filter *f = n->filters; f; f = f->next) {
        raw |= f->kind == F_RAW;
        json = f->kind == F_JSON ? f : json;
    }
    if (json && !raw && n->ctx != CTX_TEXT && n->ctx != CTX_RCDATA && n->ctx != CTX_ATTR &&
        n->ctx != CTX_JS && n->ctx != CTX_JS_SCRIPT && n->ctx != CTX_NONE)
        diag_error(&u->diag, &u->files[0]->src, json->name.off,
                   "'| json' writes a JSON value: it stands in text, an attribute value or a "
                   "JavaScript value, not inside a string, a URL or CSS");
    return WALK_CONTINUE;
}

void check_unit(Unit *u)
{
    File *main = u->files[0];
    for (size_t i = 0; i < u->n_files; i++)
        check_file(u, u->files[i]);
    markdown_convert(u, main);
    for (Node *n = main->decls.head; n; n = n->next)
        if (n->kind == N_COMPONENT)
            html_check_component(&u->diag, main, n);
    for (Node *n = main->decls.head; n; n = n->next)
        if (n->kind == N_COMPONENT)
            ast_walk(n->body.head, check_json_filter, u);
}
