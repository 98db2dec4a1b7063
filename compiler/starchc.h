/* starchc.h — the starch compiler as a library (libstarchc): compiles a template held in
 * memory to the text of its generated .c and .h, or to diagnostics. Used by the `starch`
 * command, the tests and the fuzzers. */
#ifndef STARCHC_H
#define STARCHC_H

#include <stdbool.h>
#include <stddef.h>

/* Limits (docs/language.md, "Limits"). A template larger than STARCH_MAX_TEMPLATE_SIZE
 * bytes, or with a line longer than STARCH_MAX_LINE_LENGTH bytes, is an error: offsets
 * in the compiler are 32-bit, every diagnostic shows its source line, and the generated C
 * keeps the template's lines (its string literals break where the template's text
 * does), so both stay far below what a C compiler or an editor chokes on. */
#define STARCH_MAX_TEMPLATE_SIZE (16u << 20) /* 16 MiB */
#define STARCH_MAX_LINE_LENGTH   (64u << 10) /* 64 KiB */

/* Reads an imported template: returns its text (malloc'd, caller frees) and sets *len,
 * or returns NULL when it cannot be read. */
typedef char *(*starch_load_fn)(void *ctx, const char *path, size_t *len);

typedef struct starch_compile_options {
    const char *prefix;              /* component name prefix; NULL: from the file name */
    const char *const *include_dirs; /* searched for imports after the importer's dir */
    size_t n_include_dirs;
    const char *c_name;  /* the generated .c as named in #line; NULL: PATH.c */
    const char *h_name;  /* the generated .h as named in #line; NULL: PATH.h */
    starch_load_fn load; /* NULL: read from the file system */
    void *load_ctx;
    bool check_only; /* diagnostics only, no generated text */
    /* "OLD=NEW" each (split at the first '='; one without '=' is ignored): a path written
     * into the generated files (the banner, #line) that starts with OLD is written with
     * NEW instead of OLD; the last map that matches applies, as in gcc's
     * -ffile-prefix-map. Diagnostics and deps keep the real paths. */
    const char *const *path_prefix_maps;
    size_t n_path_prefix_maps;
} starch_compile_options;

typedef struct starch_compile_result {
    char *c_text; /* the generated .c (NULL on errors or with check_only); caller frees */
    size_t c_len;
    char *h_text; /* the generated .h, likewise */
    size_t h_len;
    char *diagnostics; /* gcc-style diagnostics, NUL-terminated ("" when none) */
    int n_errors;
    char **deps; /* every imported template, transitively, as opened */
    size_t n_deps;
} starch_compile_result;

/* Compiles the template `path` whose text is src[0..len). Returns 0 on success, 1 when the
 * template has errors (described in res->diagnostics), 2 when out of memory or the options
 * are invalid (a prefix that is not a C identifier; described in res->diagnostics too).
 * Always fills *res; free it with starch_compile_result_free. */
int starch_compile(const char *path, const char *src, size_t len, const starch_compile_options *opt,
                   starch_compile_result *res);

void starch_compile_result_free(starch_compile_result *res);

/* The default C prefix of a template path: its base name without `.starch`, with every
 * character that cannot appear in a C identifier replaced by `_` (malloc'd). */
char *starch_default_prefix(const char *path);

/* Whether s is a C identifier (letters, digits, `_`, not starting with a digit): what a
 * prefix must be. */
bool starch_is_c_identifier(const char *s);

#endif
