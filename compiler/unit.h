/* unit.h — one compilation: the main template, the templates it imports, and the
 * diagnostics context shared by every pass. */
#ifndef STARCHC_UNIT_H
#define STARCHC_UNIT_H

#include "ast.h"
#include "diag.h"
#include "names.h"
#include "starchc.h"

typedef struct File File;

struct File {
    Source src;
    NodeList decls;
    char *prefix;        /* C name prefix of its components (owned) */
    char *include;       /* its generated header, as the importer includes it (owned) */
    File **imports;      /* direct imports, resolved (not owned) */
    Node **import_nodes; /* the import declaration of each */
    size_t n_imports;
    int visit;         /* import-graph walk: 0 new, 1 on the stack, 2 done */
    Names names;       /* its components and entities, tagged with their kind (unit_index) */
    Node **named;      /* the node of each of those names, by order; NULL: not indexed */
    size_t n_entities; /* its entities (counted by unit_index) */
};

typedef struct Unit {
    Diag diag;
    starch_out diag_out;
    File **files; /* files[0] is the main template; all owned */
    size_t n_files;
    const starch_compile_options *opt;
    bool oom;
    bool too_many_files; /* IMPORTS_MAX_FILES was reached (reported once) */
} Unit;

/* The text of a span of file f. */
static inline const char *unit_text(const File *f, Span s)
{
    return f->src.text + s.off;
}

/* Whether span s of file f spells the NUL-terminated word w. */
static inline bool unit_span_is(const File *f, Span s, const char *w)
{
    return strlen(w) == s.len && memcmp(f->src.text + s.off, w, s.len) == 0;
}

/* Indexes the components and entities of f for the lookups below (out of memory, they
 * stay linear). */
void unit_index(File *f);

/* Frees the index of f. */
void unit_index_free(File *f);

/* The first declaration of `kind` (a component or an entity) called s[0..len) in f
 * itself, or NULL. */
Node *unit_find_in(const File *f, const char *s, uint32_t len, NodeKind kind);

/* Finds component `name` (span of file `from`) in `from` and its direct imports; sets
 * *in to the file that defines it. NULL if there is none. */
Node *unit_find_component(const File *from, Span name, File **in);

/* Finds entity `name` (span of file `from`) in `from` and its direct imports. */
Node *unit_find_entity(const File *from, Span name, File **in);

#endif
