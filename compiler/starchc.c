/* starchc.c — the compiler library's entry point: load, parse, check, generate. */
#include "starchc.h"

#include "starch_gen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "codegen.h"
#include "imports.h"
#include "parse.h"
#include "unit.h"

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static void file_free(File *f)
{
    if (f == NULL)
        return;
    ast_free_list(f->decls);
    free(f->src.path);
    free(f->src.text);
    free(f->prefix);
    free(f->include);
    free(f->imports);
    free(f->import_nodes);
    unit_index_free(f);
    free(f);
}

/* Adds a file holding a copy of text; NULL when out of memory. */
static File *unit_add(Unit *u, const char *path, const char *text, size_t len)
{
    File **files = realloc(u->files, (u->n_files + 1) * sizeof *files);
    if (files == NULL)
        return NULL;
    u->files = files;
    File *f = calloc(1, sizeof *f);
    if (f == NULL)
        return NULL;
    f->src.path = dup_n(path, strlen(path));
    f->src.text = dup_n(text, len);
    f->src.len = len;
    if (f->src.path == NULL || f->src.text == NULL) {
        file_free(f);
        return NULL;
    }
    u->files[u->n_files++] = f;
    return f;
}

/* The imported templates, as opened, for the depfile. */
static bool list_deps(Unit *u, starch_compile_result *res)
{
    if (u->n_files < 2)
        return true;
    res->deps = calloc(u->n_files - 1, sizeof *res->deps);
    if (res->deps == NULL)
        return false;
    for (size_t i = 1; i < u->n_files; i++) {
        res->deps[res->n_deps] = dup_n(u->files[i]->src.path, strlen(u->files[i]->src.path));
        if (res->deps[res->n_deps] == NULL)
            return false;
        res->n_deps++;
    }
    return true;
}

/* Whether the generated .c can include its header named h_name: C's `#include "..."`
 * ends at the first quote and at the end of the line, and takes no escape sequences.
 * Reports the error when it cannot. */
static bool header_includable(Diag *d, const char *h_name)
{
    const char *base = strrchr(h_name, '/') ? strrchr(h_name, '/') + 1 : h_name;
    if (base[strcspn(base, "\"\n\r")] == '\0')
        return true;
    diag_error(d, NULL, 0,
               "the generated header '%s' holds a '\"' or a line break in its name: the "
               "generated '#include \"...\"' could not name it",
               base);
    return false;
}

/* The text of o, NUL-terminated, as an allocation of its own: o's memory itself when it
 * owns some (no copy of a large output), which o then no longer holds. */
static char *take_text(starch_out *o, size_t *len)
{
    *len = starch_out_len(o);
    starch_out_cstr(o);
    if (starch_out_error(o) != STARCH_OK || o->cap == 0 || o->borrowed)
        return dup_n(starch_out_data(o), *len);
    char *s = o->data;
    starch_out_init(o);
    return s;
}

int starch_compile(const char *path, const char *src, size_t len, const starch_compile_options *opt,
                   starch_compile_result *res)
{
    static const starch_compile_options defaults;
    memset(res, 0, sizeof *res);
    Unit u;
    memset(&u, 0, sizeof u);
    u.opt = opt ? opt : &defaults;
    starch_out_init(&u.diag_out);
    u.diag.out = &u.diag_out;
    int rc = 2;
    if (u.opt->prefix && !starch_is_c_identifier(u.opt->prefix)) {
        diag_error(&u.diag, NULL, 0, "the prefix '%s' is not a C identifier", u.opt->prefix);
        goto done;
    }
    File *f = unit_add(&u, path, src, len);
    if (f == NULL)
        goto done;
    f->prefix =
        u.opt->prefix ? dup_n(u.opt->prefix, strlen(u.opt->prefix)) : starch_default_prefix(path);
    if (f->prefix == NULL || !parse_template(&f->src, &u.diag, &f->decls))
        goto done;
    if (!imports_load(&u) || !list_deps(&u, res))
        goto done;
    check_unit(&u);
    rc = u.oom ? 2 : u.diag.n_errors ? 1 : 0;
    if (rc == 0 && !u.opt->check_only) {
        starch_out c, h;
        starch_out_init(&c);
        starch_out_init(&h);
        /* room for the usual size of the .c at once (about 8 bytes a template byte): no
         * copy of a large output as it grows; untouched room costs no memory */
        if (len <= (64u << 20) / 8)
            starch_out_reserve(&c, len * 8);
        char *cn = NULL, *hn = NULL;
        const char *c_name = u.opt->c_name, *h_name = u.opt->h_name;
        if (c_name == NULL && (cn = malloc(strlen(path) + 3)) != NULL)
            sprintf(cn, "%s.c", path);
        if (h_name == NULL && (hn = malloc(strlen(path) + 3)) != NULL)
            sprintf(hn, "%s.h", path);
        if (!header_includable(&u.diag, h_name ? h_name : hn ? hn : "")) {
            rc = 2;
        } else if ((c_name || cn) && (h_name || hn) &&
                   codegen_unit(&u, c_name ? c_name : cn, h_name ? h_name : hn, &c, &h)) {
            res->c_text = take_text(&c, &res->c_len);
            res->h_text = take_text(&h, &res->h_len);
            if (res->c_text == NULL || res->h_text == NULL)
                rc = 2;
        } else {
            rc = 2;
        }
        free(cn);
        free(hn);
        starch_out_free(&c);
        starch_out_free(&h);
    }
done:
    if (rc == 2 && u.diag.n_errors == 0)
        diag_error(&u.diag, NULL, 0, "out of memory");
    diag_finish(&u.diag);
    res->n_errors = u.diag.n_errors;
    size_t dl;
    res->diagnostics = take_text(&u.diag_out, &dl);
    starch_out_free(&u.diag_out);
    for (size_t i = 0; i < u.n_files; i++)
        file_free(u.files[i]);
    free(u.files);
    return rc;
}

void starch_compile_result_free(starch_compile_result *res)
{
    free(res->c_text);
    free(res->h_text);
    free(res->diagnostics);
    for (size_t i = 0; i < res->n_deps; i++)
        free(res->deps[i]);
    free(res->deps);
    memset(res, 0, sizeof *res);
}
