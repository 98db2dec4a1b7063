/* fmt.h — `starch fmt`: rewrites templates in one canonical layout without changing what
 * they render (docs/language.md, "The starch command").
 *
 * What it changes: the spacing inside `{% %}` and `{{ }}` (one space inside the delimiters,
 * one between a tag's words, none around `(`, `)` and before `,`, ` | ` between filters),
 * and the indentation and spacing of the lines the whitespace rules drop — lines holding
 * only block tags and comments — which are indented by two spaces per open block (the
 * component's own block not counted), with one space between their tags and no trailing
 * whitespace. Everything else stays byte for byte: text, C code, comments, bodies.
 */
#ifndef STARCHC_FMT_H
#define STARCHC_FMT_H

#include <stddef.h>

#include "starch.h"

/* Formats the template `path` whose text is src[0..len). Returns 0 and sets *out (malloc'd,
 * caller frees; not NUL-terminated) and *out_len; 1 when the template has syntax errors
 * (reported to diags, gcc-style; *out is NULL); 2 when out of memory or when the result
 * would not lex to the same tokens as the input (a bug of the formatter, reported to diags;
 * the caller then keeps the file as it is). */
int fmt_template(const char *path, const char *src, size_t len, char **out, size_t *out_len,
                 starch_out *diags);

/* `starch fmt [--check] FILE...`: argv[0] is "fmt". Returns the exit status: 0 success, 1
 * template errors (or, with --check, files that would change), 2 usage or I/O errors. */
int fmt_main(int argc, char **argv);

#endif
