/* compile.c — the rooms check's compiler (tests/fuzz/README.md, "Rooms"): compiles a
 * batch of random templates with the compiler library (starchc.h), in process, and writes
 * the generated NAME.c and NAME.h beside it.
 *
 * Beyond what the `starch` command does, it checks the library's own promises on
 * templates no one wrote: a well-formed template compiles with no diagnostic at all, and
 * compiling the same text twice gives the same bytes (the generated code depends on the
 * template and the options only, which builds that compare outputs rely on).
 *
 * usage: rooms-compile TEMPLATE.starch
 * Exit status: 0 when it wrote both files, 1 with what went wrong on stderr. */
#include "starchc.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads the whole file at path (malloc'd; *len its size), or NULL. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    for (size_t got = 1; buf && got > 0; n += got) {
        if (n == cap) {
            char *more = realloc(buf, cap *= 2);
            if (!more) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = more;
        }
        got = fread(buf + n, 1, cap - n, f);
    }
    fclose(f);
    *len = n;
    return buf;
}

static bool spit(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(text, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

/* Whether two results hold the same generated text. */
static bool same(const starch_compile_result *a, const starch_compile_result *b)
{
    return a->c_len == b->c_len && a->h_len == b->h_len &&
           memcmp(a->c_text, b->c_text, a->c_len) == 0 &&
           memcmp(a->h_text, b->h_text, a->h_len) == 0;
}

/* Writes PATH.c and PATH.h; false (with a message) when either cannot be written. */
static bool write_outputs(const char *path, const starch_compile_result *r)
{
    size_t n = strlen(path);
    char *name = malloc(n + 3);
    if (!name)
        return false;
    memcpy(name, path, n);
    memcpy(name + n, ".c", 3);
    bool ok = spit(name, r->c_text, r->c_len);
    name[n + 1] = 'h';
    ok = ok && spit(name, r->h_text, r->h_len);
    if (!ok)
        fprintf(stderr, "rooms-compile: cannot write %s\n", name);
    free(name);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: rooms-compile TEMPLATE.starch\n");
        return 1;
    }
    size_t len;
    char *src = slurp(argv[1], &len);
    if (!src) {
        fprintf(stderr, "rooms-compile: cannot read %s\n", argv[1]);
        return 1;
    }
    starch_compile_options opt = {0};
    starch_compile_result first, again;
    int rc = starch_compile(argv[1], src, len, &opt, &first);
    int rc2 = starch_compile(argv[1], src, len, &opt, &again);
    bool ok = false;
    if (rc != 0 || first.diagnostics[0] != '\0')
        fprintf(stderr, "rooms-compile: starch_compile returned %d:\n%s", rc, first.diagnostics);
    else if (rc2 != 0 || !same(&first, &again))
        fprintf(stderr, "rooms-compile: a second compile of the same text gave other bytes\n");
    else
        ok = write_outputs(argv[1], &first);
    starch_compile_result_free(&first);
    starch_compile_result_free(&again);
    free(src);
    return ok ? 0 : 1;
}
