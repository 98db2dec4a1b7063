/* ast.c — syntax tree constructors, destructors and the generic walker. */
#include "ast.h"

#include <stdlib.h>

/* Allocation failure in the compiler is reported by the driver as "out of memory";
 * constructors return NULL and the grammar actions treat NULL as an empty result. */
Node *ast_new(NodeKind kind, uint32_t off)
{
    Node *n = calloc(1, sizeof *n);
    if (n) {
        n->kind = kind;
        n->off = off;
    }
    return n;
}

NodeList ast_list_empty(void)
{
    NodeList l = {NULL, NULL};
    return l;
}

NodeList ast_list_append(NodeList list, Node *n)
{
    if (n == NULL)
        return list;
    if (list.tail)
        list.tail->next = n;
    else
        list.head = n;
    list.tail = n;
    while (list.tail->next) /* n may itself head a list */
        list.tail = list.tail->next;
    return list;
}

void ast_free_filters(Filter *f)
{
    while (f) {
        Filter *next = f->next;
        free(f);
        f = next;
    }
}

void ast_free_fields(Field *f)
{
    while (f) {
        Field *next = f->next;
        free(f);
        f = next;
    }
}

/* Frees n and its children (not its siblings). Iterative over `next` in ast_free_list, so
 * only nesting depth (bounded by the parser) uses stack. */
void ast_free(Node *n)
{
    if (n == NULL)
        return;
    ast_free_list(n->body);
    ast_free_list(n->alt);
    ast_free_filters(n->filters);
    ast_free_fields(n->fields);
    free(n->args.items);
    free(n->html);
    free(n->slots);
    free(n);
}

void ast_free_list(NodeList list)
{
    Node *n = list.head;
    while (n) {
        Node *next = n->next;
        ast_free(n);
        n = next;
    }
}

Filter *ast_filter_append(Filter *list, Filter *f)
{
    if (f == NULL)
        return list;
    f->last = f;
    if (list == NULL)
        return f;
    list->last->next = f;
    list->last = f;
    return list;
}

Field *ast_field_append(Field *list, Field *f)
{
    if (f == NULL)
        return list;
    f->last = f;
    if (list == NULL)
        return f;
    list->last->next = f;
    list->last = f;
    return list;
}

/* Grows by doubling: the capacity is the next power of two of n. */
void ast_spanlist_push(SpanList *l, Span s)
{
    if ((l->n & (l->n - 1)) == 0) { /* n is 0 or a power of two: full */
        Span *items = realloc(l->items, (l->n ? 2 * l->n : 1) * sizeof *items);
        if (items == NULL)
            return;
        l->items = items;
    }
    l->items[l->n++] = s;
}

int ast_walk(Node *list, WalkFn fn, void *ctx)
{
    for (Node *n = list; n; n = n->next) {
        int r = fn(n, ctx);
        if (r == WALK_STOP)
            return WALK_STOP;
        if (r == WALK_SKIP)
            continue;
        if (ast_walk(n->body.head, fn, ctx) == WALK_STOP)
            return WALK_STOP;
        if (ast_walk(n->alt.head, fn, ctx) == WALK_STOP)
            return WALK_STOP;
    }
    return WALK_CONTINUE;
}

const char *ast_kind_name(NodeKind kind)
{
    switch (kind) {
    case N_CBLOCK: return "c";
    case N_IMPORT: return "import";
    case N_ENTITY: return "entity";
    case N_COMPONENT: return "component";
    case N_TEXT: return "text";
    case N_INTERP: return "{{ }}";
    case N_BOOLATTR: return "?=";
    case N_IF: return "if";
    case N_FOR_IN: return "for";
    case N_FOR_C: return "for";
    case N_LET: return "let";
    case N_RENDER: return "render";
    case N_CALL: return "call";
    case N_FILL: return "fill";
    case N_CHILDREN: return "children";
    case N_SLOT: return "slot";
    case N_MARKDOWN: return "markdown";
    }
    return "?";
}
