/* check.c — name resolution and structural checks (see check.h). */
#include "check.h"

#include "html.h"

Node *unit_find_component(const File *from, Span name, File **in)
{
    const char *s = unit_text(from, name);
    for (size_t i = 0; i <= from->n_imports; i++) {
        File *f = i == 0 ? (File *)from : from->imports[i - 1];
        for (Node *n = f->decls.head; n; n = n->next)
            if (n->kind == N_COMPONENT && n->name.len == name.len &&
                memcmp(unit_text(f, n->name), s, name.len) == 0) {
                *in = f;
                return n;
            }
    }
    return NULL;
}

Node *unit_find_entity(const File *from, Span name, File **in)
{
    const char *s = unit_text(from, name);
    for (size_t i = 0; i <= from->n_imports; i++) {
        File *f = i == 0 ? (File *)from : from->imports[i - 1];
        for (Node *n = f->decls.head; n; n = n->next)
            if (n->kind == N_ENTITY && n->name.len == name.len &&
                memcmp(unit_text(f, n->name), s, name.len) == 0) {
                *in = f;
                return n;
            }
    }
    return NULL;
}

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
    if (n->args.n != c->args.n) {
        diag_error(&rc->u->diag, &rc->f->src, n->name.off,
                   "'%.*s' takes %zu argument%s, %zu given", (int)n->name.len,
                   unit_text(rc->f, n->name), c->args.n, c->args.n == 1 ? "" : "s", n->args.n);
        diag_note(&rc->u->diag, &in->src, c->name.off, "'%.*s' is declared here",
                  (int)c->name.len, unit_text(in, c->name));
    }
    return WALK_CONTINUE;
}

static void check_file(Unit *u, File *f)
{
    check_duplicates(u, f);
    for (Node *n = f->decls.head; n; n = n->next) {
        if (n->kind == N_COMPONENT) {
            check_params(u, f, n);
            RefCtx rc = {u, f};
            ast_walk(n->body.head, resolve_ref, &rc);
        } else if (n->kind == N_ENTITY) {
            check_fields(u, f, n);
        }
    }
}

void check_unit(Unit *u)
{
    File *main = u->files[0];
    check_file(u, main);
    for (Node *n = main->decls.head; n; n = n->next)
        if (n->kind == N_COMPONENT)
            html_check_component(&u->diag, main, n);
}
