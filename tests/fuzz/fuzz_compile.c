/* fuzz_compile.c — arbitrary bytes as a template through the whole compiler library
 * (starch_compile: lexer, parser, imports, checker, Markdown, code generator), in memory.
 *
 * Imports are served by a loader: `page.starch` is a small fixed layout (slots, an
 * entity), a name starting with `missing` (or holding a ':', which would make the
 * diagnostics ambiguous to read) is not found, and any other name is the input
 * itself, so an input that imports itself builds cycles and chains up to the import
 * depth limit. Invariants: the compilation ends in generated C or in diagnostics (never
 * "out of memory", never both, never neither); every line of the diagnostics has the
 * gcc layout (`file:line:col: error|note: message`, the source line, the caret line, or
 * `starch: ...`), with a line inside the file. The sanitizers and libFuzzer's -timeout
 * catch the rest: crashes, leaks, reads or writes outside buffers, slow inputs. */
#include "fuzz.h"

#include "starchc.h"

static const char page_starch[] =
    "{% c %}\n#include <stdbool.h>\n{% end %}\n"
    "{% entity Item %}\n  id: int\n  title: string\n  tags: string[]\n{% end %}\n"
    "{% component Page(const char *title) %}\n<!DOCTYPE html>\n<html><head>"
    "<title>{{ title }}</title>\n{% slot head %}\n</head><body>\n{% children %}\n"
    "</body></html>\n{% end %}\n"
    "{% component Card(const char *title, bool open) %}<section open?={{ open }}>"
    "<h2>{{ title }}</h2>{% slot body %}</section>{% end %}\n";

typedef struct input {
    const uint8_t *data;
    size_t size;
} input;

static char *copy(const void *s, size_t n, size_t *len)
{
    char *c = malloc(n + 1);
    if (c == NULL)
        return NULL;
    memcpy(c, s, n);
    c[n] = '\0';
    *len = n;
    return c;
}

static char *load(void *ctx, const char *path, size_t *len)
{
    const input *in = ctx;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    if (strcmp(base, "page.starch") == 0)
        return copy(page_starch, sizeof page_starch - 1, len);
    if (strncmp(base, "missing", 7) == 0 || strchr(path, ':'))
        return NULL; /* no ':' in the paths of diagnostics: they read unambiguously */
    return copy(in->data, in->size, len);
}

/* Whether [s, e) is a non-empty run of digits. */
static bool is_digits(const char *s, const char *e)
{
    if (s >= e)
        return false;
    for (; s < e; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* Whether line[0..n) is `PATH:LINE:COL: error: ...` or `...: note: ...`; sets *ln to LINE
 * and *lib to whether PATH is page.starch (the loader's layout, not the input). PATH holds
 * no ':' (the loader sees to it): the first `:LINE:COL: error: ` is the one. */
static bool is_message(const char *line, size_t n, unsigned long *ln, bool *lib)
{
    const char *end = line + n;
    for (const char *k = line; k < end; k++) {
        size_t kl = (size_t)(end - k) >= 9 && memcmp(k, ": error: ", 9) == 0  ? 9
                    : (size_t)(end - k) >= 8 && memcmp(k, ": note: ", 8) == 0 ? 8
                                                                              : 0;
        if (kl == 0)
            continue;
        const char *col = k;
        while (col > line && col[-1] >= '0' && col[-1] <= '9')
            col--;
        const char *l = col - 1; /* the ':' before the column */
        while (l > line && l[-1] >= '0' && l[-1] <= '9')
            l--;
        if (!is_digits(col, k) || col - 1 <= line || col[-1] != ':' || !is_digits(l, col - 1) ||
            l - 1 <= line || l[-1] != ':' || memchr(line, ':', (size_t)(l - 1 - line)))
            continue;
        *ln = strtoul(l, NULL, 10);
        size_t pl = (size_t)(l - 1 - line);
        *lib = pl >= 11 && memcmp(l - 1 - 11, "page.starch", 11) == 0;
        return true;
    }
    return false;
}

/* Whether line[0..n) shows a source line: `%5u | text`. */
static bool is_source(const char *line, size_t n)
{
    size_t i = 0;
    while (i < n && line[i] == ' ')
        i++;
    size_t d = i;
    while (i < n && line[i] >= '0' && line[i] <= '9')
        i++;
    return i > d && i + 3 <= n && memcmp(line + i, " | ", 3) == 0;
}

/* Checks the layout of every diagnostics line. */
static void check_diagnostics(const char *d, const input *in)
{
    unsigned long lines = 1;
    for (size_t i = 0; i < in->size; i++)
        lines += in->data[i] == '\n';
    while (*d) {
        const char *nl = strchr(d, '\n');
        FUZZ_CHECK(nl != NULL, "diagnostics end without a line break: %s", d);
        size_t n = (size_t)(nl - d);
        unsigned long ln;
        bool lib;
        bool source = is_source(d, n);
        bool caret = n >= 8 && memcmp(d, "      | ", 8) == 0 && d[n - 1] == '^';
        bool plain = n >= 8 && memcmp(d, "starch: ", 8) == 0;
        bool message = !source && !caret && !plain && is_message(d, n, &ln, &lib);
        FUZZ_CHECK(source || caret || plain || message, "a diagnostics line out of layout: %.*s",
                   (int)n, d);
        FUZZ_CHECK(!message || lib || (ln >= 1 && ln <= lines),
                   "line %lu of a %lu-line template: %.*s", ln, lines, (int)n, d);
        /* the lexer's nesting limit keeps the parser's stack from overflowing */
        static const char overflow[] = ": error: template nested too deeply for the parser";
        size_t on = sizeof overflow - 1;
        FUZZ_CHECK(!message || n < on || memcmp(d + n - on, overflow, on) != 0,
                   "the parser's stack overflowed: %.*s", (int)n, d);
        d = nl + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    input in = {data, size};
    starch_compile_options opt;
    memset(&opt, 0, sizeof opt);
    opt.load = load;
    opt.load_ctx = &in;
    starch_compile_result res;
    int rc = starch_compile("fuzz.starch", (const char *)data, size, &opt, &res);
    FUZZ_CHECK(rc == 0 || rc == 1, "starch_compile returned %d: %s", rc, res.diagnostics);
    FUZZ_CHECK(res.diagnostics != NULL, "no diagnostics text");
    if (rc == 0) {
        FUZZ_CHECK(res.n_errors == 0 && res.diagnostics[0] == '\0', "success with %d errors: %s",
                   res.n_errors, res.diagnostics);
        FUZZ_CHECK(res.c_text && res.h_text && res.c_len > 0 && res.h_len > 0,
                   "success without generated text");
        FUZZ_CHECK(strncmp(res.c_text, "/* Generated by starch", 22) == 0 &&
                       strncmp(res.h_text, "/* Generated by starch", 22) == 0,
                   "generated files without their banner");
    } else {
        FUZZ_CHECK(res.n_errors > 0 && res.diagnostics[0] != '\0', "failure without an error");
        FUZZ_CHECK(res.c_text == NULL && res.h_text == NULL, "generated text despite errors");
    }
    check_diagnostics(res.diagnostics, &in);
    starch_compile_result_free(&res);
    return 0;
}
