/* gen.c — the code generator's output helpers (see gen.h). */
#include "gen.h"

#include "starch_gen.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Output helpers -------------------------------------------------------------- */

/* gen_fmt with a va_list: the conversions the generator uses, without printf (its
 * hottest lines are formatted here): %%, %d, %u, %ld, %zu, %s, %.*s and %*s (spaces). */
static void gen_vfmt(Gen *g, const char *fmt, va_list ap)
{
    char num[24];
    for (const char *f = fmt;;) {
        const char *pc = strchr(f, '%');
        if (pc == NULL) {
            gen_write(g, f, strlen(f));
            return;
        }
        gen_write(g, f, (size_t)(pc - f));
        f = pc + 1;
        if (*f == '%') {
            gen_write(g, "%", 1);
            f++;
        } else if (*f == 'd' || (f[0] == 'l' && f[1] == 'd')) {
            long v = *f == 'd' ? va_arg(ap, int) : va_arg(ap, long);
            char *e = starch_fmt_i64(num, v);
            gen_write(g, num, (size_t)(e - num));
            f += *f == 'd' ? 1 : 2;
        } else if (*f == 'u') {
            char *e = starch_fmt_u32(num, va_arg(ap, unsigned));
            gen_write(g, num, (size_t)(e - num));
            f++;
        } else if (f[0] == 'z' && f[1] == 'u') {
            gen_num(g, va_arg(ap, size_t));
            f += 2;
        } else if (*f == 's') {
            const char *str = va_arg(ap, const char *);
            gen_write(g, str, strlen(str));
            f++;
        } else if (f[0] == '.' && f[1] == '*' && f[2] == 's') {
            int n = va_arg(ap, int);
            const char *str = va_arg(ap, const char *);
            gen_write(g, str, (size_t)n);
            f += 3;
        } else if (f[0] == '*' && f[1] == 's') {
            int n = va_arg(ap, int);
            (void)va_arg(ap, const char *); /* (only "" is padded) */
            for (int i = 0; i < n; i++)
                gen_write(g, " ", 1);
            f += 2;
        } else {
            abort(); /* a conversion the generator does not use */
        }
    }
}

void gen_fmt(Gen *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gen_vfmt(g, fmt, ap);
    va_end(ap);
}

/* Writes one indented line (fmt without the trailing newline). */
void gen_out(Gen *g, const char *fmt, ...)
{
    gen_indent(g);
    va_list ap;
    va_start(ap, fmt);
    gen_vfmt(g, fmt, ap);
    va_end(ap);
    gen_write(g, "\n", 1);
}

/* Writes s[0..n) verbatim (a C fragment of the template). */
void gen_span(Gen *g, Span s)
{
    gen_write(g, unit_text(g->f, s), s.len);
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
        gen_write(g, s + run, i - run);
        run = i + 1;
        char esc[8];
        if (c < 0x20 || c == 0x7f) {
            snprintf(esc, sizeof esc, "\\%03o", c);
            gen_write(g, esc, 4);
        } else {
            esc[0] = '\\';
            esc[1] = (char)c;
            gen_write(g, esc, 2);
        }
    }
    gen_write(g, s + run, n - run);
}

/* Line breaks in s[0..n). */
static unsigned count_lines(const char *s, size_t n)
{
    unsigned lines = 0;
    while (n > 0) { /* byte counters over at most 255 bytes: a loop compilers vectorise */
        size_t k = n < 255 ? n : 255;
        unsigned char c = 0;
        for (size_t i = 0; i < k; i++)
            c += s[i] == '\n';
        lines += c;
        s += k;
        n -= k;
    }
    return lines;
}

/* Writes `#line N "` (the path and closing quote are the caller's). */
static void line_directive(Gen *g, unsigned line)
{
    char buf[32] = "#line ", *p = starch_fmt_u32(buf + 6, line);
    *p++ = ' ';
    *p++ = '"';
    gen_write(g, buf, (size_t)(p - buf));
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
    gen_write(g, starch_out_data(&g->quoted[k].text), starch_out_len(&g->quoted[k].text));
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
    gen_write(g, "\"\n", 2);
}

void gen_expr(Gen *g, Span s)
{
    size_t len = starch_out_len(g->o);
    if (len > 0 && starch_out_data(g->o)[len - 1] != '\n')
        gen_write(g, "\n", 1);
    gen_line_template(g, s.off);
    uint32_t col = 0; /* bytes before s on its line, counted up to GEN_COLUMN_MAX + 1 */
    while (col < s.off && col <= GEN_COLUMN_MAX && g->f->src.text[s.off - col - 1] != '\n')
        col++;
    static const char spaces[64] =
        "                                                                ";
    for (uint32_t n = col <= GEN_COLUMN_MAX ? col : 0; n > 0;) { /* (no printf: a hot line) */
        uint32_t k = n < sizeof spaces ? n : (uint32_t)sizeof spaces;
        gen_write(g, spaces, k);
        n -= k;
    }
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
    gen_write(g, "\"\n", 2);
}

/* Writes bytes as the body of a C string literal, broken after each newline into
 * adjacent literals on their own lines. */
/* The bytes a C string literal cannot hold as they are: controls, DEL, " and \, and ? (a
 * trigraph's start when another follows). */
#define C_CTL4(b) [b] = 1, [b + 1] = 1, [b + 2] = 1, [b + 3] = 1
static const unsigned char c_special[256] = {
    C_CTL4(0x00), C_CTL4(0x04), C_CTL4(0x08), C_CTL4(0x0c), C_CTL4(0x10), C_CTL4(0x14),
    C_CTL4(0x18), C_CTL4(0x1c), [0x7f] = 1,   ['"'] = 1,    ['\\'] = 1,   ['?'] = 1,
};

void gen_c_string(Gen *g, const char *s, size_t n)
{
    gen_write(g, "\"", 1);
    size_t run = 0; /* s[run..i) needs no escape: written at once */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!c_special[c] || (c == '?' && (i + 1 == n || s[i + 1] != '?')))
            continue;
        gen_write(g, s + run, i - run);
        run = i + 1;
        char esc[8];
        if (c == '\n') {
            gen_write(g, "\\n", 2);
            if (i + 1 < n) {
                gen_write(g, "\"\n", 2);
                gen_indent(g);
                gen_write(g, "    \"", 5);
            }
        } else if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            gen_write(g, esc, 2);
        } else if (c == '?') {
            gen_write(g, "?\\", 2); /* no trigraphs */
        } else if (c == '\t') {
            gen_write(g, "\\t", 2);
        } else {
            snprintf(esc, sizeof esc, "\\%03o", c);
            gen_write(g, esc, 4);
        }
    }
    gen_write(g, s + run, n - run);
    gen_write(g, "\"", 1);
}

void gen_num(Gen *g, size_t v)
{
    char buf[24];
    gen_write(g, buf, (size_t)(starch_fmt_u64(buf, v) - buf));
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
        gen_write(g, spaces, i < (int)sizeof spaces - 1 ? (size_t)i : sizeof spaces - 1);
}
