/* whitespace.h — the whitespace rules, applied to the token array after lexing.
 *
 * 1. A line holding only block tags ({% %}) and comments ({# #}) besides whitespace writes
 *    nothing: its indentation, the spaces between and after the tags, and its line break
 *    are dropped (Jinja's trim_blocks + lstrip_blocks, generalised to several tags). A fill
 *    or a call written on one line with its content (`{% fill head %}<link>{% end %}`,
 *    `{% call Card() %}<p>x</p>{% end %}`) counts as one block tag: its content is kept,
 *    the indentation and line break around it are not.
 *    A slot or children tag that is the only tag of such a line (comments aside) is
 *    marked as standing alone on it.
 * 2. `{%-` / `{{-` drop all whitespace (line breaks too) at the end of the text before the
 *    tag; `-%}` / `-}}` all whitespace at the start of the text after it.
 * Comment tokens and emptied text tokens are then removed.
 */
#ifndef STARCHC_WHITESPACE_H
#define STARCHC_WHITESPACE_H

#include "lexer.h"

void ws_apply(const Source *src, TokArray *toks);

#endif
