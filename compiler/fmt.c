/* fmt.c — the template formatter (see fmt.h).
 *
 * It works from the lexer's tokens, after the whitespace rules (lexer.h, whitespace.h):
 * every byte the rules keep is inside a TEXT token, so a whitespace byte outside every
 * token and every construct (`{% %}`, `{{ }}`, `{# #}`, a c or markdown body) is one the
 * rules drop, and changing how much of it there is on a line changes nothing rendered.
 *
 *   1. Constructs: a span per tag, interpolation, comment and literal body, with the
 *      nesting level each stands at; the bytes outside them are free (dropped) or not.
 *   2. Output: a line made only of free whitespace, tags, comments and bodies is written
 *      indented by its level, its items one space apart, with no trailing whitespace;
 *      every tag and interpolation is written with canonical spacing; all else is copied.
 *   3. Proof: the output is lexed again and must give the same tokens (same kinds, same
 *      text, C code, names, filters and trim markers) with no error, or nothing is
 *      written. The tokens are all the later passes read, so the generated C is the same
 *      but for its #line numbers.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "fmt.h"

#include "files.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grammar.h"
#include "lexer.h"
#include "parse.h"

#define FMT_INDENT 2 /* spaces per nesting level */

/* What stands at a byte of the source. */
enum { FREE, KEPT, SPANNED };

/* A construct: written as a whole, never split by the line logic. */
typedef enum SpanKind { SP_TAG, SP_INTERP, SP_COMMENT, SP_BODY } SpanKind;

typedef struct Piece {
    uint32_t start, end; /* [start, end) of the source */
    SpanKind kind;
    size_t first, last; /* SP_TAG, SP_INTERP: its tokens (the opening one .. the closing one) */
    int level;          /* the indentation of a line that starts with it */
} Piece;

typedef struct Fmt {
    const Source *src;
    const TokArray *toks;
    uint8_t *at; /* FREE / KEPT / SPANNED for each byte */
    Piece *spans;
    size_t n, cap;
    starch_out *out;
} Fmt;

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_ws(char c)
{
    return is_blank(c) || c == '\n';
}

static bool add_piece(Fmt *f, Piece s)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 64;
        Piece *sp = realloc(f->spans, cap * sizeof *sp);
        if (sp == NULL)
            return false;
        f->spans = sp;
        f->cap = cap;
    }
    assert(s.start < s.end && s.end <= f->src->len);
    memset(f->at + s.start, SPANNED, s.end - s.start);
    f->spans[f->n++] = s;
    return true;
}

/* The index of the first token of `kind` from i on, or n. */
static size_t find_tok(const TokArray *a, size_t i, int kind)
{
    while (i < a->n && a->items[i].kind != kind)
        i++;
    return i;
}

/* Spans of the tags, interpolations and bodies; marks the other tokens' bytes as kept.
 * Returns false when out of memory or when the tokens are not as the lexer leaves them. */
static bool token_spans(Fmt *f)
{
    const TokArray *a = f->toks;
    for (size_t i = 0; i < a->n; i++) {
        const Tok *t = &a->items[i];
        int close = t->tag ? TK_TAG_CLOSE : t->kind == TK_EXPR_OPEN ? TK_EXPR_CLOSE : 0;
        if (close) {
            size_t j = find_tok(a, i, close);
            if (j == a->n)
                return false;
            const Tok *c = &a->items[j];
            if (!add_piece(f,
                           (Piece){t->off, c->off + c->len, t->tag ? SP_TAG : SP_INTERP, i, j, 0}))
                return false;
            i = j;
        } else if (t->kind == TK_BODY && t->len > 0) {
            if (!add_piece(f, (Piece){t->off, t->off + t->len, SP_BODY, i, i, 0}))
                return false;
        } else {
            memset(f->at + t->off, KEPT, t->len);
        }
    }
    return true;
}

/* Spans of the comments: the lexer drops them, but a free `{` can only open one. */
static bool comment_spans(Fmt *f)
{
    const char *s = f->src->text;
    size_t len = f->src->len;
    for (size_t i = 0; i + 1 < len; i++) {
        if (f->at[i] != FREE || s[i] != '{' || s[i + 1] != '#')
            continue;
        size_t e = i + 2;
        while (e + 1 < len && !(s[e] == '#' && s[e + 1] == '}'))
            e++;
        if (e + 1 >= len)
            return false; /* unterminated: the lexer would have said so */
        if (!add_piece(f, (Piece){(uint32_t)i, (uint32_t)(e + 2), SP_COMMENT, 0, 0, 0}))
            return false;
        i = e + 1;
    }
    return true;
}

static int by_start(const void *a, const void *b)
{
    uint32_t x = ((const Piece *)a)->start, y = ((const Piece *)b)->start;
    return x < y ? -1 : x > y;
}

static bool opens_block(int kind)
{
    switch (kind) {
    case TK_IF:
    case TK_FOR:
    case TK_CALL:
    case TK_FILL:
    case TK_MARKDOWN:
    case TK_RAW:
    case TK_C:
    case TK_ENTITY:
    case TK_COMPONENT: return true;
    default: return false;
    }
}

/* The level of each span: the blocks open around it, a component's own not counted (its
 * body starts at the left margin); `else`, `elif` and `end` stand at their opener's. */
static void assign_levels(Fmt *f)
{
    bool counted[LEX_MAX_DEPTH + 1]; /* for each open block: whether it indents */
    int depth = 0, level = 0;
    for (size_t i = 0; i < f->n; i++) {
        Piece *s = &f->spans[i];
        int kind = s->kind == SP_TAG ? f->toks->items[s->first].kind : 0;
        bool top = depth > 0 && counted[depth - 1];
        if (kind == TK_END && depth > 0) {
            level -= counted[--depth];
        } else if ((kind == TK_ELSE || kind == TK_ELIF) && top) {
            s->level = level - 1;
            continue;
        }
        s->level = level;
        if (opens_block(kind) && depth <= LEX_MAX_DEPTH) {
            counted[depth++] = kind != TK_COMPONENT;
            level += kind != TK_COMPONENT;
        }
        assert(level >= 0 && level <= depth);
    }
}

/* ---------------------------------------------------------------------------------------
 * Writing constructs
 * ------------------------------------------------------------------------------------- */

static void put(Fmt *f, uint32_t off, uint32_t len)
{
    assert(off + len <= f->src->len);
    starch_out_write(f->out, f->src->text + off, len);
}

/* The source extent of a token of a tag: an import's path with its quotes. */
static void extent(const Tok *t, uint32_t *s, uint32_t *e)
{
    bool quoted = t->kind == TK_STRING;
    *s = t->off - quoted;
    *e = t->off + t->len + quoted;
}

static bool has_newline(const char *s, uint32_t a, uint32_t b)
{
    return b > a && memchr(s + a, '\n', b - a) != NULL;
}

static bool holds_slashes(const char *s, const Tok *t)
{
    for (uint32_t i = 1; i < t->len; i++)
        if (s[t->off + i - 1] == '/' && s[t->off + i] == '/')
            return true;
    return false;
}

/* Whether the tag's words can be respaced: only whitespace between them, and no `//`
 * comment in C code that a line break ends (joining the lines would comment out the
 * rest). When not, the tag is copied as it stands. */
static bool tag_respaceable(const Fmt *f, const Piece *sp)
{
    const char *s = f->src->text;
    const Tok *t = f->toks->items;
    for (size_t i = sp->first; i < sp->last; i++) {
        uint32_t a, b, c, d;
        extent(&t[i], &a, &b);
        extent(&t[i + 1], &c, &d);
        if (i == sp->first)
            b = t[i].off + t[i].len;
        if (c < b)
            return false;
        for (uint32_t p = b; p < c; p++)
            if (!is_ws(s[p]))
                return false;
        if (holds_slashes(s, &t[i]) && has_newline(s, b, c))
            return false;
    }
    return true;
}

/* The spacing between two words of a tag: none inside the parentheses of a call, else one
 * space; a line break the author put between arguments stays. */
static void tag_gap(Fmt *f, const Tok *prev, const Tok *t, uint32_t a, uint32_t b)
{
    bool tight = t->kind == TK_LPAREN || t->kind == TK_RPAREN || t->kind == TK_COMMA ||
                 prev->kind == TK_LPAREN;
    if (prev->tag)
        starch_out_puts(f->out, " ");
    else if (has_newline(f->src->text, a, b))
        put(f, a, b - a);
    else if (!tight)
        starch_out_puts(f->out, " ");
}

static void emit_tag(Fmt *f, const Piece *sp)
{
    const char *s = f->src->text;
    const Tok *t = f->toks->items, *kw = &t[sp->first], *close = &t[sp->last];
    if (!tag_respaceable(f, sp)) {
        put(f, sp->start, sp->end - sp->start);
        return;
    }
    uint32_t w = kw->off + 2 + kw->trim, end = kw->off + kw->len;
    while (w < end && is_ws(s[w]))
        w++;
    starch_out_puts(f->out, kw->trim ? "{%- " : "{% ");
    put(f, w, end - w);
    for (size_t i = sp->first + 1; i < sp->last; i++) {
        uint32_t a, b;
        extent(&t[i], &a, &b);
        tag_gap(f, &t[i - 1], &t[i], end, a);
        put(f, a, b - a);
        end = b;
    }
    starch_out_puts(f->out, close->trim ? " -%}" : " %}");
}

/* Whether an interpolation can be respaced: no `//` comment that a line break ends. */
static bool interp_respaceable(const Fmt *f, const Piece *sp)
{
    const Tok *t = f->toks->items;
    for (size_t i = sp->first + 1; i < sp->last; i++) {
        uint32_t e = i + 1 < sp->last ? t[i + 1].off : t[sp->last].off;
        if (holds_slashes(f->src->text, &t[i]) && has_newline(f->src->text, t[i].off, e))
            return false;
    }
    return true;
}

/* `{{ code | name(args) | name }}`: the code and the arguments as written (the arguments
 * are copied into the generated C: whitespace at their ends is kept, so that the C stays
 * the same). */
static void emit_interp(Fmt *f, const Piece *sp)
{
    const Tok *t = f->toks->items;
    if (!interp_respaceable(f, sp)) {
        put(f, sp->start, sp->end - sp->start);
        return;
    }
    starch_out_puts(f->out, t[sp->first].trim ? "{{- " : "{{ ");
    for (size_t i = sp->first + 1; i < sp->last; i++) {
        const Tok *x = &t[i];
        if (x->kind == TK_FILTER)
            starch_out_puts(f->out, " | ");
        put(f, x->off, x->len);
        if (x->kind == TK_FILTER && x->has_args) {
            starch_out_puts(f->out, "(");
            put(f, x->aux, x->aux2);
            starch_out_puts(f->out, ")");
        }
    }
    starch_out_puts(f->out, t[sp->last].trim ? " -}}" : " }}");
}

static void emit_span(Fmt *f, const Piece *sp)
{
    switch (sp->kind) {
    case SP_TAG: emit_tag(f, sp); break;
    case SP_INTERP: emit_interp(f, sp); break;
    case SP_COMMENT:
    case SP_BODY: put(f, sp->start, sp->end - sp->start); break;
    }
}

/* ---------------------------------------------------------------------------------------
 * Lines
 * ------------------------------------------------------------------------------------- */

/* Whether the line at p (span k the first at or after it) holds only free blanks, tags,
 * comments and bodies, with at least one tag or comment, and a free line break (or the end
 * of the input) after them. */
static bool dropped_line(const Fmt *f, uint32_t p, size_t k)
{
    const char *s = f->src->text;
    bool any = false;
    for (;;) {
        while (p < f->src->len && is_blank(s[p]) && f->at[p] == FREE)
            p++;
        if (p == f->src->len || (s[p] == '\n' && f->at[p] == FREE))
            return any;
        if (k == f->n || f->spans[k].start != p)
            return false;
        any |= f->spans[k].kind != SP_BODY;
        p = f->spans[k++].end;
    }
}

/* Writes the dropped line at p (see dropped_line) in canonical form; returns where it
 * ends (its line break, or the end of the input). */
static uint32_t emit_dropped_line(Fmt *f, uint32_t p, size_t *k)
{
    const char *s = f->src->text;
    bool first = true;
    for (;;) {
        uint32_t blank = p;
        while (p < f->src->len && is_blank(s[p]) && f->at[p] == FREE)
            p++;
        if (p == f->src->len || s[p] == '\n') {
            if (p > blank && s[p - 1] == '\r' && p < f->src->len)
                starch_out_puts(f->out, "\r"); /* a CRLF file stays one */
            return p;
        }
        const Piece *sp = &f->spans[(*k)++];
        assert(sp->start == p);
        if (first)
            for (int i = 0; i < sp->level * FMT_INDENT; i++)
                starch_out_puts(f->out, " ");
        else if (p > blank)
            starch_out_puts(f->out, " ");
        first = false;
        emit_span(f, sp);
        p = sp->end;
    }
}

static void emit_all(Fmt *f)
{
    const char *s = f->src->text;
    size_t k = 0;
    bool line_start = true;
    for (uint32_t p = 0; p < f->src->len;) {
        if (line_start && dropped_line(f, p, k)) {
            p = emit_dropped_line(f, p, &k);
            line_start = false;
        } else if (k < f->n && f->spans[k].start == p) {
            emit_span(f, &f->spans[k]);
            p = f->spans[k++].end;
            line_start = false;
        } else {
            assert(k == f->n || f->spans[k].start > p);
            line_start = s[p] == '\n';
            starch_out_write(f->out, s + p, 1);
            p++;
        }
    }
}

/* ---------------------------------------------------------------------------------------
 * The proof
 * ------------------------------------------------------------------------------------- */

static bool same_bytes(const Source *a, uint32_t ao, uint32_t al, const Source *b, uint32_t bo,
                       uint32_t bl)
{
    return al == bl && memcmp(a->text + ao, b->text + bo, al) == 0;
}

/* Whether two tokens mean the same to the parser and the code generator. */
static bool same_tok(const Source *a, const Tok *x, const Source *b, const Tok *y)
{
    if (x->kind != y->kind || x->trim != y->trim || x->tag != y->tag || x->has_args != y->has_args)
        return false;
    if (x->tag || x->kind == TK_END)
        return x->aux == y->aux;
    switch (x->kind) {
    case TK_FILTER:
        return same_bytes(a, x->off, x->len, b, y->off, y->len) &&
               (!x->has_args || same_bytes(a, x->aux, x->aux2, b, y->aux, y->aux2));
    case TK_BOOLATTR: return x->aux == y->aux && same_bytes(a, x->off, x->len, b, y->off, y->len);
    case TK_TEXT:
    case TK_BODY:
    case TK_CODE:
    case TK_IDENT:
    case TK_STRING:
    case TK_COLON: return same_bytes(a, x->off, x->len, b, y->off, y->len);
    default: return true; /* punctuation and delimiters: the kind and trim say it all */
    }
}

/* Lexes and parses the formatted text: it must have no error and the tokens of the input. */
static int prove(const Source *src, const TokArray *toks, const Source *out, starch_out *diags)
{
    Diag quiet = {.out = NULL};
    NodeList decls = {0};
    bool parsed = parse_template(out, &quiet, &decls);
    ast_free_list(decls);
    TokArray again = {0};
    bool ok = parsed && lex_template(out, &quiet, &again);
    ok = ok && quiet.n_errors == 0 && again.n == toks->n;
    diag_finish(&quiet);
    for (size_t i = 0; ok && i < toks->n; i++)
        ok = same_tok(src, &toks->items[i], out, &again.items[i]);
    free(again.items);
    if (!ok) {
        Diag d = {.out = diags};
        diag_error(&d, NULL, 0,
                   "'%s': formatting would change what the template renders (a bug in 'starch "
                   "fmt'): left unchanged",
                   src->path);
        diag_finish(&d);
    }
    return ok ? 0 : 2;
}

/* ---------------------------------------------------------------------------------------
 * Formatting one template
 * ------------------------------------------------------------------------------------- */

/* Builds the spans and writes the formatted text of src to out. */
static bool layout(const Source *src, const TokArray *toks, starch_out *out)
{
    Fmt f = {src, toks, calloc(src->len + 1, 1), NULL, 0, 0, out};
    bool ok = f.at != NULL && token_spans(&f) && comment_spans(&f);
    if (ok) {
        qsort(f.spans, f.n, sizeof *f.spans, by_start);
        assign_levels(&f);
        emit_all(&f);
    }
    free(f.at);
    free(f.spans);
    return ok && starch_out_error(out) == STARCH_OK;
}

static char *copy_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* Formats src (syntax already checked) into *out; 0, or 2 (out of memory, or the proof). */
static int format_checked(const Source *src, starch_out *diags, char **out, size_t *out_len)
{
    Diag quiet = {.out = NULL};
    TokArray toks = {0};
    starch_out o;
    starch_out_init(&o);
    int rc = 2;
    bool lexed = lex_template(src, &quiet, &toks) && quiet.n_errors == 0;
    diag_finish(&quiet);
    if (lexed && layout(src, &toks, &o)) {
        Source res = {src->path, copy_n(starch_out_data(&o), starch_out_len(&o)),
                      starch_out_len(&o)};
        rc = res.text ? prove(src, &toks, &res, diags) : 2;
        if (rc == 0) {
            *out = res.text;
            *out_len = res.len;
        } else {
            free(res.text);
        }
    }
    free(toks.items);
    starch_out_free(&o);
    return rc;
}

int fmt_template(const char *path, const char *src, size_t len, char **out, size_t *out_len,
                 starch_out *diags)
{
    *out = NULL;
    *out_len = 0;
    Source s = {(char *)path, copy_n(src, len), len};
    if (s.text == NULL)
        return 2;
    Diag d = {.out = diags};
    NodeList decls = {0};
    int rc = parse_template(&s, &d, &decls) ? 0 : 2;
    ast_free_list(decls);
    diag_finish(&d);
    if (rc == 0)
        rc = d.n_errors ? 1 : format_checked(&s, diags, out, out_len);
    free(s.text);
    return rc;
}

/* ---------------------------------------------------------------------------------------
 * The command
 * ------------------------------------------------------------------------------------- */

static const char usage[] = "usage: starch fmt [--check] FILE.starch...\n";

static const char help[] =
    "Rewrites templates in one canonical layout without changing what they render: the\n"
    "spacing inside {% %} and {{ }}, and the lines that hold only block tags and comments\n"
    "(indented by 2 spaces per open block, the component's own not counted).\n"
    "\n"
    "  --check  write nothing; list the files that would change, exit 1 if any\n"
    "\n"
    "Exit status: 0 success, 1 template errors (or files that would change, with --check),\n"
    "2 usage or I/O errors.\n";

/* Writes data over path through a temporary file in its directory and a rename, keeping
 * the file's mode. A symbolic link is followed: its target is rewritten. */
static int replace_file(const char *path, const char *data, size_t len)
{
    char *real = realpath(path, NULL);
    struct stat st;
    if (real == NULL || stat(real, &st) != 0) {
        free(real);
        return -1;
    }
    size_t n = strlen(real) + 16;
    char *tmp = malloc(n);
    int fd = -1, ok = 0;
    if (tmp) {
        snprintf(tmp, n, "%s.tmpXXXXXX", real);
        fd = mkstemp(tmp);
    }
    if (fd >= 0) {
        FILE *fp = fdopen(fd, "wb");
        ok = fp && fchmod(fd, st.st_mode & 07777) == 0 && fwrite(data, 1, len, fp) == len;
        ok = fp ? (fclose(fp) == 0) && ok : (close(fd), 0);
        ok = ok && rename(tmp, real) == 0;
        int e = errno;
        if (!ok)
            remove(tmp);
        errno = e;
    }
    free(tmp);
    free(real);
    return ok ? 0 : -1;
}

/* Formats one file: writes it (or, with check, names it on stdout) when it changes. */
static int fmt_file(const char *path, bool check)
{
    size_t len, out_len;
    char *src = starchc_read_file(path, &len), *out;
    if (src == NULL) {
        fprintf(stderr, "starch: error: cannot read '%s': %s\n", path, strerror(errno));
        return 2;
    }
    starch_out diags;
    starch_out_init(&diags);
    int rc = fmt_template(path, src, len, &out, &out_len, &diags);
    fputs(starch_out_cstr(&diags), stderr);
    starch_out_free(&diags);
    bool changed = rc == 0 && (out_len != len || memcmp(out, src, len) != 0);
    if (changed && check) {
        printf("%s\n", path);
        rc = 1;
    } else if (changed && replace_file(path, out, out_len) != 0) {
        fprintf(stderr, "starch: error: cannot write '%s': %s\n", path, strerror(errno));
        rc = 2;
    }
    free(out);
    free(src);
    return rc;
}

int fmt_main(int argc, char **argv)
{
    bool check = false, files_only = false;
    int n_files = 0, rc = 0;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (files_only || s[0] != '-' || s[1] == '\0') {
            argv[++n_files] = argv[i]; /* files collect at argv[1..n_files] */
        } else if (strcmp(s, "--") == 0) {
            files_only = true;
        } else if (strcmp(s, "--check") == 0) {
            check = true;
        } else if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
            fputs(usage, stdout);
            fputs(help, stdout);
            return 0;
        } else {
            fprintf(stderr, "starch: error: unknown option '%s'\n%s", s, usage);
            return 2;
        }
    }
    if (n_files == 0) {
        fprintf(stderr, "starch: error: no input files\n%s", usage);
        return 2;
    }
    for (int i = 1; i <= n_files; i++) {
        int r = fmt_file(argv[i], check);
        rc = r > rc ? r : rc;
    }
    fflush(stdout);
    return rc;
}
