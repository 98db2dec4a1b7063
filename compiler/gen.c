/* gen.c — the code generator's output helpers (see gen.h). */
#include "gen.h"

#include "starch_gen.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Output helpers -------------------------------------------------------------- */

/* Writes one indented line (fmt without the trailing newline). */
void gen_out(Gen *g, const char *fmt, ...)
{
    gen_indent(g);
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof buf) { /* long lines (only from long names) go through printf */
        va_start(ap, fmt);
        char *big = malloc((size_t)n + 1);
        if (big) {
            vsnprintf(big, (size_t)n + 1, fmt, ap);
            starch_out_write(g->o, big, (size_t)n);
            free(big);
        }
        va_end(ap);
    } else {
        starch_out_write(g->o, buf, (size_t)n);
    }
    starch_out_write(g->o, "\n", 1);
}

/* Writes s[0..n) verbatim (a C fragment of the template). */
void gen_span(Gen *g, Span s)
{
    starch_out_write(g->o, unit_text(g->f, s), s.len);
}

/* Whether the C expression s[0..n) holds a comma outside parentheses (inside braces or
 * brackets too: `(int[]){7, 8}[1]`, which needs no parentheses but is given them). */
static bool comma_outside_parens(const char *s, size_t n)
{
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '"' || c == '\'') { /* a literal: skip to its closing quote */
            while (++i < n && s[i] != c)
                i += s[i] == '\\';
        } else if (c == '(') {
            depth++;
        } else if (c == ')') {
            depth--;
        } else if (c == ',' && depth == 0) {
            return true;
        }
    }
    return false;
}

bool gen_comma_outside_parens(Gen *g, Span s)
{
    return comma_outside_parens(unit_text(g->f, s), s.len);
}

const char *gen_map_path(const Gen *g, const char **path, size_t *new_len)
{
    const starch_compile_options *opt = g->u->opt;
    for (size_t i = opt->n_path_prefix_maps; i-- > 0;) {
        const char *m = opt->path_prefix_maps[i], *eq = strchr(m, '=');
        if (eq && strncmp(*path, m, (size_t)(eq - m)) == 0) {
            *path += eq - m;
            *new_len = strlen(eq + 1);
            return eq + 1;
        }
    }
    *new_len = 0;
    return "";
}

/* Writes s[0..n) as the inside of a C string literal: the string of a `#line`, whose
 * escape sequences gcc and clang read (a control character, a line break too, in octal). */
static void quote_bytes(Gen *g, const char *s, size_t n)
{
    size_t run = 0; /* s[run..i) needs no escape: written at once */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != 0x7f && c != '"' && c != '\\')
            continue;
        starch_out_write(g->o, s + run, i - run);
        run = i + 1;
        char esc[8];
        if (c < 0x20 || c == 0x7f) {
            snprintf(esc, sizeof esc, "\\%03o", c);
            starch_out_write(g->o, esc, 4);
        } else {
            esc[0] = '\\';
            esc[1] = (char)c;
            starch_out_write(g->o, esc, 2);
        }
    }
    starch_out_write(g->o, s + run, n - run);
}

/* Line breaks in s[0..n). */
static unsigned count_lines(const char *s, size_t n)
{
    unsigned lines = 0;
    for (const char *e = s + n; (s = memchr(s, '\n', (size_t)(e - s))) != NULL; s++)
        lines++;
    return lines;
}

/* Writes `#line N "` (the path and closing quote are the caller's). */
static void line_directive(Gen *g, unsigned line)
{
    char buf[32] = "#line ", *p = starch_fmt_u32(buf + 6, line);
    *p++ = ' ';
    *p++ = '"';
    starch_out_write(g->o, buf, (size_t)(p - buf));
}

void gen_quoted_path(Gen *g, const char *path)
{
    int k = 0; /* the last paths quoted are kept: every #line names one of two */
    while (k < 2 && g->quoted[k].path != path)
        k++;
    if (k == 2) {
        k = g->quoted[0].path != NULL;
        starch_out *o = g->o;
        g->o = &g->quoted[k].text;
        starch_out_clear(g->o);
        size_t n;
        const char *p = path, *prefix = gen_map_path(g, &p, &n);
        quote_bytes(g, prefix, n);
        quote_bytes(g, p, strlen(p));
        g->o = o;
        g->quoted[k].path = path;
    }
    starch_out_write(g->o, starch_out_data(&g->quoted[k].text), starch_out_len(&g->quoted[k].text));
}

/* Points the C compiler at the template line holding offset off. Lines are counted
 * from the last offset asked for (offsets mostly grow, and go back only as far as a
 * component's start), not from the file's start. */
void gen_line_template(Gen *g, uint32_t off)
{
    if (g->tpl_off > off) { /* back (a component's whole function) */
        g->tpl_line -= count_lines(g->f->src.text + off, g->tpl_off - off);
        g->tpl_off = off;
    }
    if (g->tpl_off < off) {
        uint32_t to = off < g->f->src.len ? off : (uint32_t)g->f->src.len;
        g->tpl_line += count_lines(g->f->src.text + g->tpl_off, to - g->tpl_off);
        g->tpl_off = to;
    }
    line_directive(g, g->tpl_line);
    gen_quoted_path(g, g->f->src.path);
    starch_out_write(g->o, "\"\n", 2);
}

void gen_expr(Gen *g, Span s)
{
    size_t len = starch_out_len(g->o);
    if (len > 0 && starch_out_data(g->o)[len - 1] != '\n')
        starch_out_write(g->o, "\n", 1);
    gen_line_template(g, s.off);
    uint32_t col = 0; /* bytes before s on its line, counted up to GEN_COLUMN_MAX + 1 */
    while (col < s.off && col <= GEN_COLUMN_MAX && g->f->src.text[s.off - col - 1] != '\n')
        col++;
    if (col <= GEN_COLUMN_MAX)
        starch_out_printf(g->o, "%*s", (int)col, "");
    gen_span(g, s);
}

/* Points the C compiler back at the generated file itself. */
void gen_line_back(Gen *g)
{
    const char *d = starch_out_data(g->o);
    size_t len = starch_out_len(g->o);
    g->lines += count_lines(d + g->counted, len - g->counted);
    g->counted = len;
    line_directive(g, g->lines + 2);
    gen_quoted_path(g, g->oname);
    starch_out_write(g->o, "\"\n", 2);
}

/* Writes bytes as the body of a C string literal, broken after each newline into
 * adjacent literals on their own lines. */
void gen_c_string(Gen *g, const char *s, size_t n)
{
    starch_out_write(g->o, "\"", 1);
    size_t run = 0; /* s[run..i) needs no escape: written at once */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != 0x7f && c != '"' && c != '\\' &&
            (c != '?' || i + 1 == n || s[i + 1] != '?'))
            continue;
        starch_out_write(g->o, s + run, i - run);
        run = i + 1;
        char esc[8];
        if (c == '\n') {
            starch_out_write(g->o, "\\n", 2);
            if (i + 1 < n) {
                starch_out_write(g->o, "\"\n", 2);
                gen_indent(g);
                starch_out_write(g->o, "    \"", 5);
            }
        } else if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            starch_out_write(g->o, esc, 2);
        } else if (c == '?') {
            starch_out_write(g->o, "?\\", 2); /* no trigraphs */
        } else if (c == '\t') {
            starch_out_write(g->o, "\\t", 2);
        } else {
            snprintf(esc, sizeof esc, "\\%03o", c);
            starch_out_write(g->o, esc, 4);
        }
    }
    starch_out_write(g->o, s + run, n - run);
    starch_out_write(g->o, "\"", 1);
}

void gen_num(Gen *g, size_t v)
{
    char buf[24];
    starch_out_write(g->o, buf, (size_t)(starch_fmt_u64(buf, v) - buf));
}

void gen_cat(Gen *g, ...)
{
    va_list ap;
    va_start(ap, g);
    for (const char *s; (s = va_arg(ap, const char *)) != NULL;)
        starch_out_puts(g->o, s);
    va_end(ap);
}

void gen_indent(Gen *g)
{
    static const char spaces[] = "                                                                ";
    for (int i = g->indent * 4; i > 0; i -= (int)sizeof spaces - 1)
        starch_out_write(g->o, spaces, i < (int)sizeof spaces - 1 ? (size_t)i : sizeof spaces - 1);
}
