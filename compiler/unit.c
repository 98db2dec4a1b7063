/* unit.c — one compilation: looking names up across a file and its imports, and the
 * C prefix of a template's generated names. */
#include "unit.h"

#include <stdlib.h>

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
    for (size_t i = 0; i < n; i++) {
        char c = b[i];
        bool ok =
            c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        p[j++] = ok ? c : '_';
    }
    p[j] = '\0';
    return p;
}
