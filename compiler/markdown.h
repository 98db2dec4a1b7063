/* markdown.h — `{% markdown %}` blocks, converted to HTML while compiling. */
#ifndef STARCHC_MARKDOWN_H
#define STARCHC_MARKDOWN_H

#include "unit.h"

/* Converts every markdown block of f's components: the block is dedented by the common
 * leading whitespace of its non-blank lines, then turned into HTML by libcmark (raw HTML
 * kept: the template's author wrote it). `{{` or `{%` inside a block is an error. */
void markdown_convert(Unit *u, File *f);

/* Dedents text[0..len) into a new string (malloc'd, NUL-terminated, *out_len set);
 * NULL when out of memory. */
char *markdown_dedent(const char *text, size_t len, size_t *out_len);

#endif
