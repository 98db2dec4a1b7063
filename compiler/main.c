/* main.c — the `starch` command: a thin CLI over libstarchc.
 *
 *   starch [-o DIR] [-I DIR]… [--depfile FILE] [--check] [--prefix NAME]
 *          [--path-prefix-map OLD=NEW]… [--watch] FILE.starch…
 *   starch fmt [--check] FILE.starch…     (fmt.c)
 *
 * --watch compiles, then recompiles on change until SIGINT or SIGTERM (watch.c).
 *
 * Exit status: 0 success, 1 template errors, 2 usage or I/O errors. Outputs are written to
 * a temporary file and renamed into place, so they are never half-written. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "starch.h"
#include "fmt.h"
#include "files.h"
#include "starchc.h"
#include "watch.h"

static const char usage[] =
    "usage: starch [-o DIR] [-I DIR]... [--depfile FILE] [--check] [--prefix NAME]\n"
    "              [--path-prefix-map OLD=NEW]... [--watch] FILE.starch...\n";

static const char help[] =
    "Compiles starch templates into C: FILE.starch becomes FILE.starch.c and FILE.starch.h.\n"
    "\n"
    "  -o DIR          write the generated files into DIR (default: beside each template)\n"
    "  -I DIR          search DIR for imported templates (after the importer's directory)\n"
    "  --depfile FILE  write a make-style rule listing every template read\n"
    "  --check         check the templates only; write nothing (no depfile either)\n"
    "  --prefix NAME   prefix of the generated function names (one template only;\n"
    "                  default: the file's base name)\n"
    "  --path-prefix-map OLD=NEW\n"
    "                  write paths starting with OLD into the generated files with NEW\n"
    "                  instead (the last map that matches applies, as in gcc's\n"
    "                  -ffile-prefix-map); diagnostics and the depfile keep real paths\n"
    "  --watch         compile, then watch the templates and everything they import,\n"
    "                  recompiling what changed and what imports it; keeps running\n"
    "                  after errors, exits 0 on Ctrl-C (no depfile)\n"
    "  --help          show this help\n"
    "  --version       show the version\n"
    "\n"
    "Exit status: 0 success, 1 template errors, 2 usage or I/O errors.\n"
    "\n"
    "starch fmt [--check] FILE.starch...\n"
    "  rewrites templates in one canonical layout without changing what they render\n"
    "  (--check: write nothing, list the files that would change, exit 1 if any;\n"
    "  see 'starch fmt --help')\n";

typedef struct Args {
    const char *outdir;
    const char **includes;
    size_t n_includes;
    const char *depfile;
    const char *prefix;
    int check;
    int watch;
    const char **files;
    size_t n_files;
    const char **maps; /* --path-prefix-map OLD=NEW, in order */
    size_t n_maps;
} Args;

static char *load(void *ctx, const char *path, size_t *len)
{
    (void)ctx;
    return starchc_read_file(path, len);
}

/* Whether path already holds exactly data[0..len) (read a block at a time: a file of
 * another size is not read at all). */
static bool holds(const char *path, const char *data, size_t len)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || (uintmax_t)st.st_size != len)
        return false;
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return false;
    char block[65536];
    size_t at = 0, n;
    while (at < len && (n = fread(block, 1, sizeof block, fp)) > 0 && n <= len - at &&
           memcmp(block, data + at, n) == 0)
        at += n;
    bool same = at == len && fgetc(fp) == EOF;
    fclose(fp);
    return same;
}

/* Writes data to path through a temporary file and a rename; a file that already holds
 * data is left as it is, its modification time too, so that a build tool that checks
 * (ninja's restat, which meson's generators set) rebuilds nothing that includes it. */
static int write_atomic(const char *path, const char *data, size_t len)
{
    if (holds(path, data, len))
        return 0;
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (tmp == NULL)
        return -1;
    snprintf(tmp, n + 16, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        free(tmp);
        return -1;
    }
    mode_t mask = umask(0); /* mkstemp makes the file 0600: give it the usual 0666 & ~umask */
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0) {
        int e = errno;
        close(fd);
        remove(tmp);
        free(tmp);
        errno = e;
        return -1;
    }
    FILE *fp = fdopen(fd, "wb");
    int ok = fp != NULL && fwrite(data, 1, len, fp) == len;
    if (fp)
        ok = (fclose(fp) == 0) && ok;
    else
        close(fd);
    if (ok)
        ok = rename(tmp, path) == 0;
    if (!ok) {
        int e = errno;
        remove(tmp);
        errno = e;
    }
    free(tmp);
    return ok ? 0 : -1;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* The output path for input `in` with suffix (".c" or ".h"). */
static char *out_path(const Args *a, const char *in, const char *suffix)
{
    const char *dir = a->outdir && strcmp(a->outdir, ".") != 0 ? a->outdir : NULL;
    if (a->outdir && dir == NULL) /* -o . : the base name alone */
        in = base_name(in);
    const char *b = dir ? base_name(in) : in;
    size_t n = (dir ? strlen(dir) + 1 : 0) + strlen(b) + strlen(suffix) + 1;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s%s%s%s", dir ? dir : "", dir ? "/" : "", b, suffix);
    return p;
}

/* Adds the value of --path-prefix-map (NULL: none was given); false after a usage error. */
static bool add_prefix_map(Args *a, const char *map)
{
    if (map == NULL || strchr(map, '=') == NULL) {
        fprintf(stderr, "starch: error: '--path-prefix-map' needs a value OLD=NEW\n%s", usage);
        return false;
    }
    a->maps[a->n_maps++] = map;
    return true;
}

static int parse_args(int argc, char **argv, Args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char **val = NULL;
        if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
            fputs(usage, stdout);
            fputs(help, stdout);
            exit(0);
        }
        if (strcmp(s, "--version") == 0) {
            printf("starch %s\n", STARCH_VERSION);
            exit(0);
        }
        if (strcmp(s, "--check") == 0) {
            a->check = 1;
            continue;
        }
        if (strcmp(s, "--watch") == 0) {
            a->watch = 1;
            continue;
        }
        if (strcmp(s, "-o") == 0)
            val = &a->outdir;
        else if (strcmp(s, "--depfile") == 0)
            val = &a->depfile;
        else if (strcmp(s, "--prefix") == 0)
            val = &a->prefix;
        if (strncmp(s, "--path-prefix-map", 17) == 0 && (s[17] == '=' || s[17] == '\0')) {
            if (!add_prefix_map(a, s[17] ? s + 18 : ++i < argc ? argv[i] : NULL))
                return 2;
            continue;
        }
        if (val || strcmp(s, "-I") == 0) {
            if (++i == argc) {
                fprintf(stderr, "starch: error: '%s' needs a value\n%s", s, usage);
                return 2;
            }
            if (val)
                *val = argv[i];
            else
                a->includes[a->n_includes++] = argv[i];
            continue;
        }
        if (strncmp(s, "-I", 2) == 0 && s[2]) {
            a->includes[a->n_includes++] = s + 2;
            continue;
        }
        if (strncmp(s, "-o", 2) == 0 && s[2]) {
            a->outdir = s + 2;
            continue;
        }
        if (strcmp(s, "--") == 0) { /* the rest are files, even those starting with '-' */
            while (++i < argc)
                a->files[a->n_files++] = argv[i];
            break;
        }
        if (s[0] == '-' && s[1]) {
            fprintf(stderr, "starch: error: unknown option '%s'\n%s", s, usage);
            return 2;
        }
        a->files[a->n_files++] = s;
    }
    if (a->n_files == 0) {
        fprintf(stderr, "starch: error: no input files\n%s", usage);
        return 2;
    }
    if (a->prefix && a->n_files > 1) {
        fprintf(stderr, "starch: error: '--prefix' needs exactly one input file\n");
        return 2;
    }
    if (a->watch && a->depfile) {
        fprintf(stderr, "starch: error: '--watch' writes no depfile: drop '--depfile'\n");
        return 2;
    }
    if (a->prefix && !starch_is_c_identifier(a->prefix)) {
        fprintf(stderr, "starch: error: '--prefix %s': the prefix must be a C identifier\n",
                a->prefix);
        return 2;
    }
    return 0;
}

/* Two inputs whose outputs would be the same files (-o DIR a/x.starch b/x.starch). */
static int check_distinct_outputs(const Args *a)
{
    int rc = 0;
    for (size_t i = 0; i < a->n_files && rc == 0; i++)
        for (size_t j = i + 1; j < a->n_files && rc == 0; j++) {
            char *x = out_path(a, a->files[i], ".c"), *y = out_path(a, a->files[j], ".c");
            if (x == NULL || y == NULL || strcmp(x, y) == 0) {
                fprintf(stderr, "starch: error: '%s' and '%s' would both be written to '%s'\n",
                        a->files[i], a->files[j], x ? x : "?");
                rc = 2;
            }
            free(x);
            free(y);
        }
    return rc;
}

/* Writes a path into a make rule: spaces and '#' escaped with '\\', '$' doubled. */
static void put_dep_path(FILE *dep, const char *path)
{
    for (const char *p = path; *p; p++) {
        if (*p == ' ' || *p == '#')
            fputc('\\', dep);
        else if (*p == '$')
            fputc('$', dep);
        fputc(*p, dep);
    }
}

/* Appends the make rule of one template to the depfile text. */
static void add_dep_rule(FILE *dep, const char *c, const char *h, const char *in,
                         const starch_compile_result *r)
{
    put_dep_path(dep, c);
    fputc(' ', dep);
    put_dep_path(dep, h);
    fputs(": ", dep);
    put_dep_path(dep, in);
    for (size_t i = 0; i < r->n_deps; i++) {
        fputs(" \\\n  ", dep);
        put_dep_path(dep, r->deps[i]);
    }
    fputc('\n', dep);
}

/* Compiles one template, writes its outputs and prints its diagnostics; adds its rule to
 * dep (when not NULL); hands the list of templates it imported to *deps (when not NULL;
 * the caller frees it). Returns 0, 1 (template errors) or 2. */
static int compile_one(const Args *a, const char *in, FILE *dep, char ***deps, size_t *n_deps)
{
    if (deps) {
        *deps = NULL;
        *n_deps = 0;
    }
    size_t len;
    char *src = starchc_read_file(in, &len);
    if (src == NULL) {
        fprintf(stderr, "starch: error: cannot read '%s': %s\n", in, strerror(errno));
        return 2;
    }
    char *c = out_path(a, in, ".c"), *h = out_path(a, in, ".h");
    starch_compile_options opt = {a->prefix, a->includes, a->n_includes, c,       h,
                                  load,      NULL,        a->check != 0, a->maps, a->n_maps};
    starch_compile_result r;
    int rc = c && h ? starch_compile(in, src, len, &opt, &r) : 2;
    if (c && h) {
        fputs(r.diagnostics, stderr);
        const char *failed = NULL;
        if (rc == 0 && !a->check)
            failed = write_atomic(h, r.h_text, r.h_len) != 0   ? h
                     : write_atomic(c, r.c_text, r.c_len) != 0 ? c
                                                               : NULL;
        if (failed) {
            fprintf(stderr, "starch: error: cannot write '%s': %s\n", failed, strerror(errno));
            rc = 2;
        }
        if (dep)
            add_dep_rule(dep, c, h, in, &r);
        if (deps) {
            *deps = r.deps;
            *n_deps = r.n_deps;
            r.deps = NULL;
            r.n_deps = 0;
        }
        starch_compile_result_free(&r);
    }
    free(c);
    free(h);
    free(src);
    return rc;
}

/* Compiles every input and writes the depfile (when asked). Returns the worst status. */
static int compile_all(const Args *a)
{
    int rc = 0;
    char *deptext = NULL;
    size_t deplen = 0;
    FILE *dep = a->depfile && !a->check ? open_memstream(&deptext, &deplen) : NULL;
    for (size_t i = 0; i < a->n_files; i++) {
        int r = compile_one(a, a->files[i], dep, NULL, NULL);
        if (r > rc)
            rc = r;
    }
    if (dep) {
        fclose(dep);
        if (rc != 2 && write_atomic(a->depfile, deptext, deplen) != 0) {
            fprintf(stderr, "starch: error: cannot write '%s': %s\n", a->depfile, strerror(errno));
            rc = 2;
        }
        free(deptext);
    }
    return rc;
}

static int watch_compile(void *ctx, const char *in, char ***deps, size_t *n_deps)
{
    return compile_one(ctx, in, NULL, deps, n_deps);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "fmt") == 0) /* `starch fmt ...` (fmt.c) */
        return fmt_main(argc - 1, argv + 1);
    Args a;
    memset(&a, 0, sizeof a);
    a.includes = calloc((size_t)argc, sizeof *a.includes);
    a.files = calloc((size_t)argc, sizeof *a.files);
    a.maps = calloc((size_t)argc, sizeof *a.maps);
    if (a.includes == NULL || a.files == NULL || a.maps == NULL)
        return 2;
    int rc = parse_args(argc, argv, &a);
    if (rc) {
        free(a.includes);
        free(a.files);
        free(a.maps);
        return rc;
    }
    /* --check writes nothing (the depfile neither), so only writing needs distinct outputs */
    rc = a.check ? 0 : check_distinct_outputs(&a);
    if (rc == 0)
        rc = a.watch ? watch_run(a.files, a.n_files, watch_compile, &a) : compile_all(&a);
    free(a.includes);
    free(a.files);
    free(a.maps);
    return rc;
}
