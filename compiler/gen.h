/* gen.h — the code generator's output: the generation state and the helpers that write
 * indented lines, C fragments of the template, C string literals and #line directives. */
#ifndef STARCHC_GEN_H
#define STARCHC_GEN_H

#include "unit.h"

#include <string.h>

typedef struct Gen {
    Unit *u;
    File *f;
    starch_out *o;     /* the text being generated */
    const char *oname; /* its file name, for #line */
    size_t counted;    /* bytes of o already scanned for line breaks */
    unsigned lines;    /* line breaks in o[0..counted) */
    uint32_t tpl_off;  /* the template offset whose line is tpl_line (for #line) */
    unsigned tpl_line;
    int indent;
    int uid;           /* numbers the st_ names of nested loops */
    const char *hoist; /* in a loop body whose room is reserved by the loop: the room the
                          remaining iterations need, added to every `rest` */
    int nval;          /* numbers the st_v locals holding interpolated values */
    int limit;         /* in a C for loop whose room each iteration checks against
                          st_limN = st_end - limit_room: N (else 0), st_end not kept */
    size_t limit_room;
    struct {
        const char *path; /* (compared by address) */
        starch_out text;  /* quoted for a #line (gen_quoted_path) */
    } quoted[2];
    /* Writing a component's SSE variant (its data lines straight into a patch-elements
     * event, docs/runtime.md): */
    bool sse;
    bool sse_open; /* the first data line's prefix is still to be written (st->open) */
    bool sse_cr;   /* st->cr may be set here: the last byte written may be a '\r' */
} Gen;

/* Appends data[0..len) to the generated text: inline while the buffer has the room (the
 * generator's hottest call), else starch_out_write. */
static inline void gen_write(Gen *g, const char *data, size_t len)
{
    starch_out *o = g->o;
    if (o->cap - o->len >= len && o->err == 0 && len > 0) {
        memcpy(o->data + o->len, data, len);
        o->len += len;
    } else {
        starch_out_write(o, data, len);
    }
}

/* Writes one indented line (fmt without the trailing newline). The conversions: %%, %d,
 * %u, %ld, %zu, %s, %.*s and %*s (of ""), written without printf. */
void gen_out(Gen *g, const char *fmt, ...) STARCH_PRINTF(2, 3);

/* Writes fmt as gen_out does, without indentation or line end. */
void gen_fmt(Gen *g, const char *fmt, ...) STARCH_PRINTF(2, 3);

/* Writes the span s of the file verbatim (a C fragment of the template). */
void gen_span(Gen *g, Span s);

/** Whether the C expression s holds a comma outside parentheses: written where one
 *  expression is expected (an initializer), it needs parentheses. */
bool gen_comma_outside_parens(Gen *g, Span s);

/* The --path-prefix-map that applies to *path (the last given whose OLD is a prefix of
 * it, compared as characters, as gcc's -ffile-prefix-map does): returns its NEW, sets
 * *new_len, and moves *path past OLD. Returns "" and leaves *path when none applies. */
const char *gen_map_path(const Gen *g, const char **path, size_t *new_len);

/* Writes a file name, mapped, as the inside of a C string literal. */
void gen_quoted_path(Gen *g, const char *path);

/* Points the C compiler at the template line holding offset off. */
void gen_line_template(Gen *g, uint32_t off);

/** Writes the C fragment s of the template (an expression, a condition, a declaration)
 *  on lines of its own: ends the current line, points the C compiler at s's template line
 *  and puts s at its byte offset in that line (a space for each byte before it), then
 *  copies s as written, line breaks and tabs included. Every byte of s is then at its
 *  template line and byte offset, so a C compiler reports an error in s where it would in
 *  a C file laid out as the template: clang counts bytes, gcc display columns of the line
 *  it reads from the template (a tab to the next multiple of -ftabstop); beyond
 *  GEN_COLUMN_MAX, s starts its line. The caller ends the line (`) {`, `;`) and then
 *  points back. */
void gen_expr(Gen *g, Span s);

/** The furthest into its line (in bytes) an expression is put at its place: beyond, it
 *  starts its generated line (else a long minified line, up to STARCH_MAX_LINE_LENGTH,
 *  would make generated C growing with the square of its length). */
#define GEN_COLUMN_MAX 4096

/* Points the C compiler back at the generated file itself. */
void gen_line_back(Gen *g);

/* Writes bytes as a C string literal, broken after each newline into adjacent literals. */
void gen_c_string(Gen *g, const char *s, size_t n);

/* Writes the current indentation. */
void gen_indent(Gen *g);

/* Writes v in decimal (the hot lines of the generator are written without printf). */
void gen_num(Gen *g, size_t v);

/* Writes the strings given, up to a NULL, one after another. */
void gen_cat(Gen *g, ...);

#endif
