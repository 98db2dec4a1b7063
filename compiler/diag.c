/* diag.c — gcc-style diagnostics. */
#include "diag.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void diag_line_col(const Source *src, size_t off, unsigned *line, unsigned *col)
{
    unsigned l = 1, c = 1;
    if (off > src->len)
        off = src->len;
    for (size_t i = 0; i < off; i++) {
        unsigned char ch = (unsigned char)src->text[i];
        if (ch == '\n') {
            l++;
            c = 1;
        } else if ((ch & 0xC0) != 0x80) {
            c++; /* count code points, not continuation bytes */
        }
    }
    *line = l;
    *col = c;
}

/* The most of a source line a diagnostic shows: a longer line is cut around the caret, and
 * `...` marks each cut (a line may be up to STARCH_MAX_LINE_LENGTH long). */
#define DIAG_SHOW_MAX 240

static bool continuation(const Source *src, size_t i)
{
    return i < src->len && ((unsigned char)src->text[i] & 0xC0) == 0x80;
}

/* Writes the source line holding off (or its part around off), and a caret under off. */
static void show_line(starch_out *o, const Source *src, size_t off, unsigned line)
{
    size_t start = off, end = off;
    while (start > 0 && src->text[start - 1] != '\n' && off - start < DIAG_SHOW_MAX / 2)
        start--;
    while (end < src->len && src->text[end] != '\n' && src->text[end] != '\r' &&
           end - start < DIAG_SHOW_MAX)
        end++;
    bool cut_left = start > 0 && src->text[start - 1] != '\n';
    bool cut_right = end < src->len && src->text[end] != '\n' && src->text[end] != '\r';
    while (cut_left && start < off && continuation(src, start))
        start++; /* cut at whole characters */
    while (cut_right && end > off && continuation(src, end))
        end--;
    starch_out_printf(o, "%5u | %s%.*s%s\n      | %s", line, cut_left ? "..." : "",
                      (int)(end - start), src->text + start, cut_right ? "..." : "",
                      cut_left ? "   " : "");
    for (size_t i = start; i < off && i < end; i++) {
        unsigned char ch = (unsigned char)src->text[i];
        if (ch == '\t')
            starch_out_write(o, "\t", 1);
        else if ((ch & 0xC0) != 0x80)
            starch_out_write(o, " ", 1);
    }
    starch_out_write(o, "^\n", 2);
}

/* Writes msg[0..n) with control characters escaped (\n, \t, \xNN): messages quote the
 * template, and each diagnostic must stay on its line. */
static void put_message(starch_out *o, const char *msg, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n;) {
        size_t run = i;
        while (i < n && (unsigned char)msg[i] >= 0x20 && msg[i] != 0x7f)
            i++;
        starch_out_write(o, msg + run, i - run);
        if (i == n)
            break;
        unsigned char c = (unsigned char)msg[i++];
        char esc[4] = {'\\',
                       c == '\n'   ? 'n'
                       : c == '\t' ? 't'
                       : c == '\r' ? 'r'
                                   : 'x',
                       hex[c >> 4], hex[c & 15]};
        starch_out_write(o, esc, esc[1] == 'x' ? 4 : 2);
    }
}

/* Records where the diagnostic about to be written starts, and its sort key: its own
 * place, or for a note that of the diagnostic before it. */
static void record(Diag *d, const Source *src, unsigned line, unsigned col, bool note)
{
    if (d->n_entries == d->cap_entries) {
        size_t cap = d->cap_entries ? d->cap_entries * 2 : 16;
        DiagEntry *e = realloc(d->entries, cap * sizeof *e);
        if (e == NULL) {
            d->unsortable = true;
            return;
        }
        d->entries = e;
        d->cap_entries = cap;
    }
    DiagEntry e = {src ? src->path : NULL, line, col, starch_out_len(d->out), 0};
    if (note && d->n_entries > 0) {
        e.path = d->entries[d->n_entries - 1].path;
        e.line = d->entries[d->n_entries - 1].line;
        e.col = d->entries[d->n_entries - 1].col;
    }
    d->entries[d->n_entries++] = e;
}

static void report(Diag *d, const Source *src, size_t off, const char *kind, const char *fmt,
                   va_list ap)
{
    char msg[1024];
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1;
    unsigned line = 0, col = 0;
    if (src)
        diag_line_col(src, off, &line, &col);
    record(d, src, line, col, kind[0] == 'n');
    if (src == NULL) {
        starch_out_printf(d->out, "starch: %s: ", kind);
    } else {
        starch_out_printf(d->out, "%s:%u:%u: %s: ", src->path, line, col, kind);
    }
    put_message(d->out, msg, len);
    starch_out_write(d->out, "\n", 1);
    if (src)
        show_line(d->out, src, off, line);
}

void diag_error(Diag *d, const Source *src, size_t off, const char *fmt, ...)
{
    d->n_errors++;
    int max = d->max_errors > 0 ? d->max_errors : DIAG_MAX_ERRORS;
    if (d->n_errors > max || d->out == NULL) /* no output: a quiet look-ahead only counts */
        return;
    va_list ap;
    va_start(ap, fmt);
    report(d, src, off, "error", fmt, ap);
    va_end(ap);
}

void diag_note(Diag *d, const Source *src, size_t off, const char *fmt, ...)
{
    int max = d->max_errors > 0 ? d->max_errors : DIAG_MAX_ERRORS;
    if (d->n_errors > max || d->out == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    report(d, src, off, "note", fmt, ap);
    va_end(ap);
}

/* Orders entries by file, line, column, then as reported (qsort is not stable). */
static int entry_cmp(const void *a, const void *b)
{
    const DiagEntry *x = a, *y = b;
    int c = x->path == y->path ? 0 : x->path == NULL ? -1 : y->path == NULL ? 1 : 0;
    if (c == 0 && x->path != y->path)
        c = strcmp(x->path, y->path);
    if (c == 0)
        c = x->line != y->line ? (x->line < y->line ? -1 : 1) : 0;
    if (c == 0)
        c = x->col != y->col ? (x->col < y->col ? -1 : 1) : 0;
    return c ? c : x->start < y->start ? -1 : x->start > y->start;
}

/* Rewrites d->out with its diagnostics in sorted order: each runs from its start to the
 * start of the one reported after it. */
static void rewrite_sorted(Diag *d)
{
    size_t len = starch_out_len(d->out);
    char *text = malloc(len + 1);
    if (text == NULL)
        return;
    memcpy(text, starch_out_data(d->out), len);
    size_t first = d->entries[0].start; /* what was written before the first diagnostic */
    for (size_t i = 0; i < d->n_entries; i++)
        d->entries[i].end = i + 1 < d->n_entries ? d->entries[i + 1].start : len;
    qsort(d->entries, d->n_entries, sizeof *d->entries, entry_cmp);
    starch_out_clear(d->out);
    starch_out_write(d->out, text, first);
    for (size_t i = 0; i < d->n_entries; i++)
        starch_out_write(d->out, text + d->entries[i].start,
                         d->entries[i].end - d->entries[i].start);
    free(text);
}

void diag_finish(Diag *d)
{
    int max = d->max_errors > 0 ? d->max_errors : DIAG_MAX_ERRORS;
    if (d->out && d->n_entries > 1 && !d->unsortable)
        rewrite_sorted(d);
    if (d->out && d->n_errors >= max)
        starch_out_printf(d->out, "starch: too many errors (%d); stopping reports here\n", max);
    free(d->entries);
    d->entries = NULL;
    d->n_entries = d->cap_entries = 0;
}
