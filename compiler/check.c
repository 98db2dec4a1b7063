/* check.c — name resolution and structural checks (see check.h). */
#include "check.h"

#include <stdlib.h>

#include "html.h"
#include "markdown.h"

/* Reports a second declaration of a name already declared in f (components and entities
 * share one namespace). */
static void check_duplicates(Unit *u, File *f)
{
    Names ix = {0};
    size_t n = 0;
    for (Node *d = f->decls.head; d; d = d->next)
        n += d->kind == N_COMPONENT || d->kind == N_ENTITY;
    Node **decl = malloc((n ? n : 1) * sizeof *decl);
    bool ok = decl != NULL;
    n = 0;
    for (Node *d = f->decls.head; d && ok; d = d->next)
        if (d->kind == N_COMPONENT || d->kind == N_ENTITY) {
            ok = names_add(&ix, unit_text(f, d->name), d->name.len, 0);
            decl[n++] = d;
        }
    size_t *first = ok ? names_firsts(&ix) : NULL;
    u->oom |= first == NULL;
    for (size_t i = 0; first && i < n; i++) {
        if (first[i] == i)
            continue;
        Node *d = decl[i], *m = decl[first[i]];
        diag_error(&u->diag, &f->src, d->name.off, "duplicate %s '%.*s'", ast_kind_name(d->kind),
                   (int)d->name.len, unit_text(f, d->name));
        diag_note(&u->diag, &f->src, m->name.off, "'%.*s' was first declared here",
                  (int)m->name.len, unit_text(f, m->name));
    }
    free(first);
    free(decl);
    names_free(&ix);
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

/* The order of the first of the names a list of spans, by position: first[i] == i for a
 * name not seen before. NULL (and u->oom) when out of memory. */
static size_t *first_of_spans(Unit *u, const File *f, const Span *names, const int *tags, size_t n)
{
    Names ix = {0};
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++)
        ok = names_add(&ix, unit_text(f, names[i]), names[i].len, tags ? tags[i] : 0);
    size_t *first = ok ? names_firsts(&ix) : NULL;
    names_free(&ix);
    if (first == NULL)
        u->oom = true;
    return first;
}

static void check_fields(Unit *u, File *f, Node *e)
{
    size_t n = 0, i = 0;
    for (Field *fl = e->fields; fl; fl = fl->next)
        n++;
    Span *names = malloc((n ? n : 1) * sizeof *names);
    for (Field *fl = e->fields; fl && names; fl = fl->next)
        names[i++] = fl->name;
    size_t *first = names ? first_of_spans(u, f, names, NULL, n) : NULL;
    free(names);
    if (first == NULL) {
        u->oom = true;
        return;
    }
    i = 0;
    for (Field *fl = e->fields; fl; fl = fl->next, i++) {
        File *in;
        if (unit_span_is(f, fl->name, "id") &&
            (fl->array || (fl->kind != FK_INT && fl->kind != FK_STRING)))
            diag_error(&u->diag, &f->src, fl->type.off,
                       "the key field 'id' must be an int or a string");
        if (first[i] != i)
            diag_error(&u->diag, &f->src, fl->name.off, "duplicate field '%.*s'", (int)fl->name.len,
                       unit_text(f, fl->name));
        if (fl->kind != FK_ENTITY)
            continue;
        if (unit_find_entity(f, fl->type, &in) == NULL)
            diag_error(&u->diag, &f->src, fl->type.off,
                       "unknown field type '%.*s' (int, float, bool, string, or an entity)",
                       (int)fl->type.len, unit_text(f, fl->type));
    }
    free(first);
}

/* Names a field cannot have: C keywords (the field is a struct member) and, beside an
 * array field NAME, NAME_count (its generated count member). */
static void check_field_names(Unit *u, File *f, Node *e)
{
    static const char *const keywords[] = {
        "auto",     "break",  "case",   "char",     "const",    "continue", "default",  "do",
        "double",   "else",   "enum",   "extern",   "float",    "for",      "goto",     "if",
        "inline",   "int",    "long",   "register", "restrict", "return",   "short",    "signed",
        "sizeof",   "static", "struct", "switch",   "typedef",  "union",    "unsigned", "void",
        "volatile", "while",  "bool",   "true",     "false"};
    for (Field *fl = e->fields; fl; fl = fl->next) {
        for (size_t k = 0; k < sizeof keywords / sizeof keywords[0]; k++)
            if (unit_span_is(f, fl->name, keywords[k]))
                diag_error(&u->diag, &f->src, fl->name.off,
                           "field name '%s' is a C keyword (the field is a member of a C struct)",
                           keywords[k]);
        if (fl->name.len > 6 && memcmp(unit_text(f, fl->name) + fl->name.len - 6, "_count", 6) == 0)
            for (Field *a = e->fields; a; a = a->next)
                if (a->array && a->name.len == fl->name.len - 6 &&
                    memcmp(unit_text(f, a->name), unit_text(f, fl->name), a->name.len) == 0)
                    diag_error(&u->diag, &f->src, fl->name.off,
                               "field '%.*s' clashes with the element count of array field "
                               "'%.*s' (the struct holds '%.*s' and '%.*s_count')",
                               (int)fl->name.len, unit_text(f, fl->name), (int)a->name.len,
                               unit_text(f, a->name), (int)a->name.len, unit_text(f, a->name),
                               (int)a->name.len, unit_text(f, a->name));
    }
}

/* ---- Entities held by value ------------------------------------------------------- */

enum { WALK_UNSEEN, WALK_ON_PATH, WALK_DONE };

/* Walks the entities e holds by value (not through arrays): one that holds itself, at any
 * depth, is an error (its struct would be infinite), and so is a chain deeper than
 * CHECK_MAX_ENTITY_DEPTH. */
static void check_entity_holds(Unit *u, File *f, Node *e, int depth)
{
    e->walk = WALK_ON_PATH;
    for (Field *fl = e->fields; fl; fl = fl->next) {
        File *in;
        Node *t = fl->kind == FK_ENTITY && !fl->array ? unit_find_entity(f, fl->type, &in) : NULL;
        if (t == NULL || t->walk == WALK_DONE)
            continue;
        if (t->walk == WALK_ON_PATH)
            diag_error(&u->diag, &f->src, fl->type.off,
                       "entity '%.*s' would contain itself (through field '%.*s' of '%.*s'); hold "
                       "it in an array: '%.*s[]'",
                       (int)t->name.len, unit_text(in, t->name), (int)fl->name.len,
                       unit_text(f, fl->name), (int)e->name.len, unit_text(f, e->name),
                       (int)fl->type.len, unit_text(f, fl->type));
        else if (depth + 1 >= CHECK_MAX_ENTITY_DEPTH)
            diag_error(&u->diag, &f->src, fl->type.off,
                       "entities held by value nested too deeply (limit %d)",
                       CHECK_MAX_ENTITY_DEPTH);
        else
            check_entity_holds(u, in, t, depth + 1);
    }
    e->walk = WALK_DONE;
}

/* ---- Slots and fills -------------------------------------------------------------- */

/* The name of a slot node: its NAME, or "children". */
static Span slot_name(const Node *n)
{
    Span none = {0, 0};
    return n->kind == N_SLOT ? n->name : none;
}

/* Reports slots where they cannot stand: a slot stands at the top level of a component
 * body, or in the content or a fill of a call standing where a slot may (it forwards the
 * slot); `inside` is the first construct around list that is neither. */
static void check_nested_slots(Unit *u, File *f, Node *list, const Node *inside)
{
    for (Node *n = list; n; n = n->next) {
        if ((n->kind == N_SLOT || n->kind == N_CHILDREN) && inside)
            diag_error(&u->diag, &f->src, n->off,
                       "'%s' inside '%s': a slot stands at the top level of a component, or in "
                       "the content or a fill of a call there",
                       ast_kind_name(n->kind), ast_kind_name(inside->kind));
        const Node *in = inside || n->kind == N_CALL || n->kind == N_FILL ? inside : n;
        check_nested_slots(u, f, n->body.head, in);
        check_nested_slots(u, f, n->alt.head, in);
    }
}

/* Stores into out[] (when not NULL) the slots of list, in document order: those at its
 * top level and, through calls and their fills, those it forwards. Returns their count. */
static size_t collect_slots(Node *list, Node **out, size_t n)
{
    for (Node *x = list; x; x = x->next) {
        if (x->kind == N_SLOT || x->kind == N_CHILDREN) {
            if (out)
                out[n] = x;
            n++;
        } else if (x->kind == N_CALL || x->kind == N_FILL) {
            n = collect_slots(x->body.head, out, n);
        }
    }
    return n;
}

/* The slots of component c (see collect_slots): their nodes into *nodes (malloc'd), their
 * count returned; SIZE_MAX when out of memory. */
static size_t top_slots(const Node *c, Node ***nodes)
{
    size_t n = collect_slots(c->body.head, NULL, 0);
    *nodes = malloc((n ? n : 1) * sizeof **nodes);
    if (*nodes == NULL)
        return SIZE_MAX;
    return collect_slots(c->body.head, *nodes, 0);
}

static void check_slots(Unit *u, File *f, Node *c)
{
    check_nested_slots(u, f, c->body.head, NULL);
    Node **slot;
    size_t n = top_slots(c, &slot);
    Span *names = n == SIZE_MAX ? NULL : malloc((n ? n : 1) * sizeof *names);
    int *kinds = names ? malloc((n ? n : 1) * sizeof *kinds) : NULL;
    for (size_t i = 0; kinds && i < n; i++) {
        names[i] = slot_name(slot[i]);
        kinds[i] = (int)slot[i]->kind;
    }
    size_t *first = kinds ? first_of_spans(u, f, names, kinds, n) : NULL;
    for (size_t i = 0; first && i < n; i++) {
        Node *x = slot[i];
        if (x->kind == N_SLOT && unit_span_is(f, x->name, "children"))
            diag_error(&u->diag, &f->src, x->off, "write '{%% children %%}' for the children slot");
        if (first[i] != i)
            diag_error(&u->diag, &f->src, x->off, "slot '%.*s' appears twice in '%.*s'",
                       x->kind == N_SLOT ? (int)x->name.len : 8,
                       x->kind == N_SLOT ? unit_text(f, x->name) : "children", (int)c->name.len,
                       unit_text(f, c->name));
    }
    u->oom |= first == NULL;
    free(first);
    free(kinds);
    free(names);
    free(slot);
}

/* Whether list (with what it forwards) has a children slot; *named: a named slot. */
static bool has_children(const Node *list, bool *named)
{
    bool children = false;
    for (const Node *n = list; n; n = n->next) {
        children |= n->kind == N_CHILDREN;
        *named |= n->kind == N_SLOT;
        if (n->kind == N_CALL || n->kind == N_FILL)
            children |= has_children(n->body.head, named);
    }
    return children;
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

/* What check_call looks up: the callee's named slots; the fills of the call in order, and
 * for each the position of the first fill of the same slot. */
typedef struct CallIndex {
    Names slots;
    Node **fills;
    size_t *first;
} CallIndex;

static void call_index_free(CallIndex *ci)
{
    names_free(&ci->slots);
    free(ci->fills);
    free(ci->first);
}

/* Builds the index; false (u->oom set) when out of memory. */
static bool call_index(Unit *u, File *f, Node *call, CallIndex *ci)
{
    File *cf = call->target_file;
    memset(ci, 0, sizeof *ci);
    Node **slot;
    size_t n_slots = top_slots(call->target, &slot);
    bool ok = n_slots != SIZE_MAX;
    for (size_t i = 0; ok && i < n_slots; i++)
        if (slot[i]->kind == N_SLOT)
            ok = names_add(&ci->slots, unit_text(cf, slot[i]->name), slot[i]->name.len, 0);
    if (n_slots != SIZE_MAX)
        free(slot);
    names_sort(&ci->slots);
    size_t n = 0;
    for (Node *x = call->body.head; x; x = x->next)
        n += x->kind == N_FILL;
    ci->fills = ok ? malloc((n ? n : 1) * sizeof *ci->fills) : NULL;
    Span *names = ci->fills ? malloc((n ? n : 1) * sizeof *names) : NULL;
    n = 0;
    for (Node *x = call->body.head; x && names; x = x->next)
        if (x->kind == N_FILL) {
            ci->fills[n] = x;
            names[n++] = x->name;
        }
    ci->first = names ? first_of_spans(u, f, names, NULL, n) : NULL;
    free(names);
    if (ci->first)
        return true;
    u->oom = true;
    call_index_free(ci);
    return false;
}

/* Checks the body of a resolved call against its callee's slots. */
static void check_call(Unit *u, File *f, Node *call)
{
    Node *c = call->target;
    bool named = false;
    bool children = has_children(c->body.head, &named);
    if (!children) {
        if (!named) {
            diag_error(&u->diag, &f->src, call->off,
                       "'%.*s' has no slots: use '{%% render %.*s(...) %%}'", (int)call->name.len,
                       unit_text(f, call->name), (int)call->name.len, unit_text(f, call->name));
            return;
        }
    }
    CallIndex ci;
    if (!call_index(u, f, call, &ci))
        return;
    size_t i = 0;
    for (Node *n = call->body.head; n; n = n->next) {
        if (n->kind != N_FILL) {
            if (!children && (n->kind == N_SLOT || n->kind == N_CHILDREN)) {
                diag_error(&u->diag, &f->src, n->off,
                           "'%.*s' has no '{%% children %%}' slot to forward '%s' into",
                           (int)call->name.len, unit_text(f, call->name),
                           n->kind == N_CHILDREN ? "children" : "slot");
                break;
            }
            if (!children && !is_blank_text(f, n)) {
                diag_error(&u->diag, &f->src, n->off,
                           "'%.*s' has no '{%% children %%}' slot for this content",
                           (int)call->name.len, unit_text(f, call->name));
                break;
            }
            continue;
        }
        if (names_find(&ci.slots, unit_text(f, n->name), n->name.len, 0) == SIZE_MAX)
            diag_error(&u->diag, &f->src, n->name.off, "'%.*s' has no slot '%.*s'",
                       (int)call->name.len, unit_text(f, call->name), (int)n->name.len,
                       unit_text(f, n->name));
        if (ci.first[i] != i) {
            diag_error(&u->diag, &f->src, n->name.off, "slot '%.*s' is filled twice",
                       (int)n->name.len, unit_text(f, n->name));
            diag_note(&u->diag, &f->src, ci.fills[ci.first[i]]->name.off, "first filled here");
        }
        i++;
    }
    call_index_free(&ci);
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

/* ---- The order slots run in ----------------------------------------------------------- */

/* A component's slots run in the order its parts run: those at its top level where they
 * stand, those it forwards (in the content or a fill of a call) where the callee's own
 * slots run, whatever the order the call's fills are written in. */

typedef struct Order {
    Unit *u;
    uint32_t rank; /* components whose order is done so far */
    bool too_deep; /* a chain over the limit was reported (once: the rest of a long
                    * chain is over it too) */
} Order;

typedef struct Slots {
    Node **items;
    size_t n, cap;
    bool oom;
} Slots;

static void slots_push(Slots *s, Node *x)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        Node **items = realloc(s->items, cap * sizeof *items);
        if (items == NULL) {
            s->oom = true;
            return;
        }
        s->items = items;
        s->cap = cap;
    }
    s->items[s->n++] = x;
}

static bool order_component(Order *o, File *f, Node *c, int depth);
static bool order_list(Order *o, File *f, Node *caller, Node *list, int depth, Slots *s);

/* The fill of call for the callee's slot s (in the callee's file), or NULL. */
static Node *fill_for(const File *f, const Node *call, const Node *s)
{
    for (Node *x = call->body.head; x; x = x->next)
        if (x->kind == N_FILL && x->name.len == s->name.len &&
            memcmp(unit_text(f, x->name), unit_text(call->target_file, s->name), s->name.len) == 0)
            return x;
    return NULL;
}

/* A forwarded slot writes its content as lines (see codegen's emit_slot_line_end) when it
 * stands alone on its line, or when it ends the content of a slot that does, the callee's
 * slot cs: the content then comes out where cs puts it. */
static void forwarded_lines(Node *content, const Node *cs)
{
    Node *last = NULL;
    for (Node *x = content; x; x = x->next)
        if (x->kind != N_FILL)
            last = x;
    for (Node *x = content; x; x = x->next)
        if (x->kind == N_SLOT || x->kind == N_CHILDREN)
            x->flag |= x == last && cs->flag;
}

/* A call whose callee forwards slots, through calls, back to the caller (every part of a
 * component runs, and a call holding a slot is in no branch: it would never end). */
static void report_cycle(Order *o, File *f, const Node *caller, const Node *call)
{
    const Node *c = call->target;
    if (c == caller) {
        diag_error(&o->u->diag, &f->src, call->name.off,
                   "'%.*s' forwards a slot into a call of itself: the render would never end",
                   (int)c->name.len, unit_text(f, caller->name));
        return;
    }
    diag_error(&o->u->diag, &f->src, call->name.off,
               "'%.*s' forwards a slot into a call of '%.*s', which forwards its own slots "
               "into '%.*s' (through calls): the render would never end",
               (int)caller->name.len, unit_text(f, caller->name), (int)call->name.len,
               unit_text(f, call->name), (int)caller->name.len, unit_text(f, caller->name));
}

static void report_too_deep(Order *o, File *f, const Node *call)
{
    if (!o->too_deep)
        diag_error(&o->u->diag, &f->src, call->name.off,
                   "slots forwarded through too many components (limit %d)",
                   CHECK_MAX_FORWARD_DEPTH);
    o->too_deep = true;
}

/* A call holding slots of the component being ordered: its slots run where the callee's
 * slots do. The callee's order comes first (it may forward too). */
static bool order_call(Order *o, File *f, Node *caller, Node *call, int depth, Slots *s)
{
    Node *c = call->target;
    if (c == NULL)
        return true; /* undefined (reported) */
    if (c->walk == WALK_ON_PATH) {
        report_cycle(o, f, caller, call);
        return false;
    }
    if (depth + 2 > CHECK_MAX_FORWARD_DEPTH) {
        report_too_deep(o, f, call);
        return false;
    }
    if (!order_component(o, call->target_file, c, depth + 1))
        return false;
    if (c->chain + 1 > CHECK_MAX_FORWARD_DEPTH) {
        report_too_deep(o, f, call);
        return false;
    }
    if (caller->chain < c->chain + 1)
        caller->chain = c->chain + 1;
    for (size_t i = 0; i < c->n_slots; i++) {
        const Node *cs = c->slots[i];
        Node *fill = cs->kind == N_SLOT ? fill_for(f, call, cs) : NULL;
        if (cs->kind == N_SLOT && fill == NULL)
            continue;
        Node *content = fill ? fill->body.head : call->body.head;
        forwarded_lines(content, cs);
        if (!order_list(o, f, caller, content, depth, s))
            return false;
    }
    return true;
}

/* The slots of list in the order they run, into s (a call's fills in its content are
 * neither slots nor calls: they are skipped). */
static bool order_list(Order *o, File *f, Node *caller, Node *list, int depth, Slots *s)
{
    for (Node *x = list; x; x = x->next) {
        if (x->kind == N_SLOT || x->kind == N_CHILDREN)
            slots_push(s, x);
        else if (x->kind == N_CALL && collect_slots(x->body.head, NULL, 0) > 0 &&
                 !order_call(o, f, caller, x, depth, s))
            return false;
    }
    return true;
}

/* Sets c->slots, c->n_slots, c->forwards and c->rank (once). False after an error. */
static bool order_component(Order *o, File *f, Node *c, int depth)
{
    if (c->walk == WALK_DONE)
        return c->slots != NULL || c->n_slots == 0;
    c->walk = WALK_ON_PATH;
    c->chain = 1;
    Slots s = {NULL, 0, 0, false};
    bool ok = order_list(o, f, c, c->body.head, depth, &s);
    o->u->oom |= s.oom;
    c->slots = s.items;
    c->n_slots = s.oom ? 0 : s.n;
    for (const Node *x = c->body.head; x; x = x->next)
        c->forwards |= x->kind == N_CALL && collect_slots(x->body.head, NULL, 0) > 0;
    c->rank = o->rank++;
    c->walk = WALK_DONE;
    return ok && !s.oom;
}

static void order_slots(Unit *u)
{
    Order o = {u, 0, false};
    for (size_t i = 0; i < u->n_files; i++)
        for (Node *c = u->files[i]->decls.head; c; c = c->next)
            if (c->kind == N_COMPONENT)
                order_component(&o, u->files[i], c, 0);
}

/* ---- Imports ----------------------------------------------------------------------- */

/* Reports a component or entity name defined by two of f's direct imports (or by f and
 * an import): for each declaration of import i, the first import before it that declares
 * the name too, else f if it does. */
static void check_import_conflicts(Unit *u, File *f)
{
    Names ix = {0};
    size_t n = 0;
    for (size_t i = 0; i < f->n_imports; i++)
        for (Node *c = f->imports[i]->decls.head; c; c = c->next)
            n += c->kind == N_COMPONENT || c->kind == N_ENTITY;
    Node **decl = malloc((n ? n : 1) * sizeof *decl);
    size_t *from = malloc((n ? n : 1) * sizeof *from), *first = NULL; /* import of each */
    bool ok = decl && from;
    n = 0;
    for (size_t i = 0; ok && i < f->n_imports; i++) {
        File *g = f->imports[i];
        for (Node *c = g->decls.head; c && ok; c = c->next) {
            if (c->kind != N_COMPONENT && c->kind != N_ENTITY)
                continue;
            ok = names_add(&ix, unit_text(g, c->name), c->name.len, (int)c->kind);
            decl[n] = c;
            from[n++] = i;
        }
    }
    if (ok)
        first = names_firsts(&ix);
    u->oom |= first == NULL;
    for (size_t k = 0; first && k < n; k++) {
        Node *c = decl[k];
        File *g = f->imports[from[k]], *h = NULL;
        if (from[first[k]] < from[k] && f->imports[from[first[k]]] != g)
            h = f->imports[from[first[k]]]; /* (the same file imported twice is no conflict) */
        else if (unit_find_in(f, unit_text(g, c->name), c->name.len, c->kind))
            h = f;
        if (h)
            diag_error(&u->diag, &f->src, f->import_nodes[from[k]]->off,
                       "%s '%.*s' is defined in both '%s' and '%s'", ast_kind_name(c->kind),
                       (int)c->name.len, unit_text(g, c->name), h->src.path, g->src.path);
    }
    free(first);
    free(from);
    free(decl);
    names_free(&ix);
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
            check_field_names(u, f, n);
            if (n->walk == WALK_UNSEEN)
                check_entity_holds(u, f, n, 0);
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
        unit_index(u->files[i]);
    for (size_t i = 0; i < u->n_files; i++)
        check_file(u, u->files[i]);
    order_slots(u);
    markdown_convert(u, main);
    for (Node *n = main->decls.head; n; n = n->next)
        if (n->kind == N_COMPONENT)
            html_check_component(&u->diag, main, n);
    for (Node *n = main->decls.head; n; n = n->next)
        if (n->kind == N_COMPONENT)
            ast_walk(n->body.head, check_json_filter, u);
}
