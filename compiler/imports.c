/* imports.c — resolves `{% import %}`: finds, reads and parses imported templates and
 * links them into the unit, detecting cycles. */
#include "imports.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "parse.h"

/* Reads a file from the file system (the default loader). */
static char *read_fs(void *ctx, const char *path, size_t *len)
{
    (void)ctx;
    return starchc_read_file(path, len);
}

/* Removes `./` segments and `dir/..` pairs from path, in place (lexically, as the
 * importer wrote it), so one file reached two ways is loaded once. */
static void normalize(char *path)
{
    size_t starts[IMPORTS_MAX_SEGMENTS], n = 0, j = 0;
    bool abs = path[0] == '/';
    char *r = path;
    if (abs)
        j = 1;
    while (*r) {
        while (*r == '/')
            r++;
        char *seg = r;
        while (*r && *r != '/')
            r++;
        size_t l = (size_t)(r - seg);
        if (l == 0 || (l == 1 && seg[0] == '.'))
            continue;
        bool up = l == 2 && seg[0] == '.' && seg[1] == '.';
        if (up && n > 0 &&
            !(path[starts[n - 1]] == '.' && path[starts[n - 1] + 1] == '.' &&
              (path[starts[n - 1] + 2] == '/' || path[starts[n - 1] + 2] == 0))) {
            j = starts[--n];
            if (j > (size_t)abs)
                j--; /* and the slash before it */
            continue;
        }
        if (n == IMPORTS_MAX_SEGMENTS)
            return;
        if (n > 0 || (abs && j > 1))
            path[j++] = '/';
        starts[n++] = j;
        memmove(path + j, seg, l);
        j += l;
    }
    path[j] = '\0';
}

/* dir of `path` joined with `rel` (rel as is when absolute or path has no dir). */
static char *join(const char *path, size_t dirlen, const char *rel, size_t rlen)
{
    char *s = malloc(dirlen + rlen + 2);
    if (s == NULL)
        return NULL;
    if (rel[0] == '/')
        dirlen = 0;
    memcpy(s, path, dirlen);
    size_t j = dirlen;
    if (dirlen)
        s[j++] = '/';
    memcpy(s + j, rel, rlen);
    s[j + rlen] = '\0';
    normalize(s);
    return s;
}

static size_t dir_len(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? (size_t)(slash - path) : 0;
}

static File *find_loaded(Unit *u, const char *path)
{
    for (size_t i = 0; i < u->n_files; i++)
        if (strcmp(u->files[i]->src.path, path) == 0)
            return u->files[i];
    return NULL;
}

/* Adds a parsed file for path (text owned from now on); NULL when out of memory. */
static File *add_file(Unit *u, char *path, char *text, size_t len)
{
    File **files = realloc(u->files, (u->n_files + 1) * sizeof *files);
    File *f = calloc(1, sizeof *f);
    char *t = realloc(text, len + 1); /* room for the lexer's sentinel */
    if (files)
        u->files = files;
    if (files == NULL || f == NULL || t == NULL) {
        free(f);
        free(path);
        free(t ? t : text);
        return NULL;
    }
    t[len] = '\0';
    f->src.path = path;
    f->src.text = t;
    f->src.len = len;
    u->files[u->n_files++] = f;
    f->prefix = starch_default_prefix(path);
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    f->include = malloc(strlen(base) + 3);
    if (f->prefix == NULL || f->include == NULL)
        return NULL;
    sprintf(f->include, "%s.h", base);
    if (!parse_template(&f->src, &u->diag, &f->decls))
        return NULL;
    return f;
}

/* Finds and loads the file named by import node n of file from. Reports a missing file.
 * Sets *oom when out of memory. */
static File *resolve(Unit *u, File *from, Node *n, bool *oom)
{
    starch_load_fn load = u->opt->load ? u->opt->load : read_fs;
    const char *rel = unit_text(from, n->text);
    size_t rlen = n->text.len;
    for (size_t i = 0; i <= u->opt->n_include_dirs; i++) {
        const char *base = i == 0 ? from->src.path : u->opt->include_dirs[i - 1];
        char *path = join(base, i == 0 ? dir_len(base) : strlen(base), rel, rlen);
        if (path == NULL) {
            *oom = true;
            return NULL;
        }
        File *f = find_loaded(u, path);
        if (f) {
            free(path);
            return f;
        }
        if (u->n_files >= IMPORTS_MAX_FILES) {
            if (!u->too_many_files)
                diag_error(&u->diag, &from->src, n->text.off,
                           "too many imported templates (limit %d): imports reach '%s'",
                           IMPORTS_MAX_FILES, path);
            u->too_many_files = true;
            free(path);
            return NULL;
        }
        size_t len = 0;
        char *text = load(u->opt->load_ctx, path, &len);
        if (text) {
            f = add_file(u, path, text, len);
            *oom = f == NULL;
            return f;
        }
        free(path);
    }
    diag_error(&u->diag, &from->src, n->text.off, "cannot find imported template '%.*s'", (int)rlen,
               rel);
    if (u->opt->n_include_dirs == 0)
        diag_note(&u->diag, &from->src, n->text.off,
                  "looked beside the importing file; add directories with -I");
    return NULL;
}

/* Reports the cycle through `to` on the current import path. */
static void report_cycle(Unit *u, File **stack, size_t depth, File *from, Node *n, File *to)
{
    char chain[1024] = "";
    size_t start = 0;
    while (start < depth && stack[start] != to)
        start++;
    for (size_t i = start; i < depth; i++) {
        strncat(chain, stack[i]->src.path, sizeof chain - strlen(chain) - 1);
        strncat(chain, " -> ", sizeof chain - strlen(chain) - 1);
    }
    strncat(chain, to->src.path, sizeof chain - strlen(chain) - 1);
    diag_error(&u->diag, &from->src, n->text.off, "import cycle: %s", chain);
}

/* Depth-first: loads the imports of f, then theirs. */
static bool load_file(Unit *u, File *f, File **stack, size_t depth)
{
    f->visit = 1;
    stack[depth] = f;
    for (Node *n = f->decls.head; n && !u->too_many_files; n = n->next) {
        if (n->kind != N_IMPORT || n->text.len == 0)
            continue;
        bool oom = false;
        File *g = resolve(u, f, n, &oom);
        if (oom)
            return false;
        if (g == NULL)
            continue;
        if (g->visit == 1) {
            report_cycle(u, stack, depth + 1, f, n, g);
            continue;
        }
        File **imports = realloc(f->imports, (f->n_imports + 1) * sizeof *imports);
        if (imports)
            f->imports = imports;
        Node **nodes = realloc(f->import_nodes, (f->n_imports + 1) * sizeof *nodes);
        if (nodes)
            f->import_nodes = nodes;
        if (imports == NULL || nodes == NULL)
            return false;
        f->imports[f->n_imports] = g;
        f->import_nodes[f->n_imports++] = n;
        if (g->visit == 0 && depth + 1 < IMPORTS_MAX_DEPTH && !load_file(u, g, stack, depth + 1))
            return false;
        if (depth + 1 >= IMPORTS_MAX_DEPTH) {
            diag_error(&u->diag, &f->src, n->text.off, "imports nested too deeply (limit %d)",
                       IMPORTS_MAX_DEPTH);
            return true;
        }
    }
    f->visit = 2;
    return true;
}

bool imports_load(Unit *u)
{
    File *stack[IMPORTS_MAX_DEPTH + 1];
    return load_file(u, u->files[0], stack, 0);
}
