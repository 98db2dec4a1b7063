/* html_transition.h — the tokenizer of the checker (Go's html/template: transition.go):
 * moves an HTML context (html_context.h) over static text, byte by byte, as a browser's
 * tokenizer reads it, and reports the markup errors it meets on the way. */
#ifndef STARCHC_HTML_TRANSITION_H
#define STARCHC_HTML_TRANSITION_H

#include "html_context.h"

/* Reads static text s[0..n), which stands at offset off of h's text, into c. Stops at the
 * first error (h->failed). */
void html_feed(Html *h, HCtx *c, const char *s, size_t n, uint32_t off);

/* Reads one byte of static text at offset off; s[0..n) is the rest of the text (for
 * character references). Returns how many bytes were read (1 or more). */
size_t html_step(Html *h, HCtx *c, const char *s, size_t n, uint32_t off);

/* The attribute name being read ends (at a value, or without one): a <script> type or an
 * <annotation-xml> encoding takes effect, a Datastar attribute is checked. */
void html_end_attr(Html *h, HCtx *c);

/* Adds the attribute name at off, len bytes, to the start tag being read: a name it
 * already has is an error (the browser keeps the first and drops the others, silently). */
void html_add_attr(Html *h, HCtx *c, uint32_t off, uint32_t len);

#endif
