/* unit.c — one compilation: looking names up across a file and its imports, and the
 * C prefix of a template's generated names. */
#include "unit.h"

#include <stdint.h>
#include <stdlib.h>

void unit_index(File *f)
{
    size_t n = 0;
    f->n_entities = 0;
    for (Node *d = f->decls.head; d; d = d->next) {
        n += d->kind == N_COMPONENT || d->kind == N_ENTITY;
        f->n_entities += d->kind == N_ENTITY;
    }
    f->named = malloc((n ? n : 1) * sizeof *f->named);
    if (f->named == NULL)
        return;
    for (Node *d = f->decls.head; d; d = d->next) {
        if (d->kind != N_COMPONENT && d->kind != N_ENTITY)
            continue;
        if (!names_add(&f->names, unit_text(f, d->name), d->name.len, (int)d->kind)) {
            unit_index_free(f);
            return;
        }
        f->named[f->names.n - 1] = d;
    }
    names_sort(&f->names);
}

void unit_index_free(File *f)
{
    names_free(&f->names);
    free(f->named);
    f->named = NULL;
}

Node *unit_find_in(const File *f, const char *s, uint32_t len, NodeKind kind)
{
    if (f->named) {
        size_t k = names_find(&f->names, s, len, (int)kind);
        return k == SIZE_MAX ? NULL : f->named[k];
    }
    for (Node *n = f->decls.head; n; n = n->next)
        if (n->kind == kind && n->name.len == len && memcmp(unit_text(f, n->name), s, len) == 0)
            return n;
    return NULL;
}

/* Finds `name` (span of file `from`) of `kind` in from and its direct imports. */
static Node *find_decl(const File *from, Span name, NodeKind kind, File **in)
{
    const char *s = unit_text(from, name);
    for (size_t i = 0; i <= from->n_imports; i++) {
        File *f = i == 0 ? (File *)from : from->imports[i - 1];
        Node *n = unit_find_in(f, s, name.len, kind);
        if (n) {
            *in = f;
            return n;
        }
    }
    return NULL;
}

Node *unit_find_component(const File *from, Span name, File **in)
{
    return find_decl(from, name, N_COMPONENT, in);
}

Node *unit_find_entity(const File *from, Span name, File **in)
{
    return find_decl(from, name, N_ENTITY, in);
}

char *starch_default_prefix(const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t n = strlen(b);
    if (n > 7 && strcmp(b + n - 7, ".starch") == 0)
        n -= 7;
    char *p = malloc(n + 2);
    if (p == NULL)
        return NULL;
    size_t j = 0;
    if (n == 0 || (b[0] >= '0' && b[0] <= '9'))
        p[j++] = '_';
    for (size_t i = 0; i < n; i++)
        p[j++] = ast_is_ident_char(b[i]) ? b[i] : '_';
    p[j] = '\0';
    return p;
}

bool starch_is_c_identifier(const char *s)
{
    if (*s == '\0' || (*s >= '0' && *s <= '9'))
        return false;
    for (; *s; s++)
        if (!ast_is_ident_char(*s))
            return false;
    return true;
}
