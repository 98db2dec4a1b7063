/* lexer.h — the template lexer: source text to a token array for the parser.
 *
 * Static text is one TEXT token (found with memchr); each {{ }} becomes EXPR_OPEN, a CODE
 * token, FILTER tokens and EXPR_CLOSE; each {% %} tag its keyword token (which carries the
 * opening delimiter), its arguments and TAG_CLOSE. The C fragments inside are lexed only
 * far enough to find where they end: balanced brackets, string and char literals,
 * comments. The lexer also matches block openers with their end tags, so that an `endif`
 * closing a `for` is reported where it stands, and applies the whitespace rules.
 */
#ifndef STARCHC_LEXER_H
#define STARCHC_LEXER_H

#include "diag.h"

#include <stdbool.h>
#include <stdint.h>

/* One token. Its kind is a TK_* code of grammar.h. */
typedef struct Tok {
    int kind;
    uint32_t off, len; /* the lexeme (TEXT: the text after whitespace trimming) */
    uint32_t aux;      /* END: the block kind it names (BLOCK_*, or 0 for plain `end`);
                          FILTER: offset of the arguments; BOOLATTR: 1 when it follows a
                          statement tag and is written without a space of its own;
                          SLOT, CHILDREN: 1 when it is the only tag of a line of block tags
                          (whitespace.c); STRING: 1 when it stands in for an import's file
                          name after an error (already reported) */
    uint32_t aux2;     /* FILTER: length of the arguments; FILL, CALL, in the whitespace pass:
                          the index of its end tag's TAG_CLOSE when it is written on one
                          line with content, else 0 */
    uint8_t tag;       /* this token opens a {% %} tag (a keyword) */
    uint8_t trim;      /* opening token: `{%-`/`{{-`; closing token: `-%}`/`-}}` */
    uint8_t has_args;  /* FILTER: written with parentheses */
} Tok;

/* Block kinds, as opened by their keyword and named by an end tag. */
enum {
    BLOCK_NONE,
    BLOCK_IF,
    BLOCK_FOR,
    BLOCK_CALL,
    BLOCK_FILL,
    BLOCK_MARKDOWN,
    BLOCK_RAW,
    BLOCK_C,
    BLOCK_ENTITY,
    BLOCK_COMPONENT,
};

/* Limits (documented in docs/language.md, "Limits"). LEX_MAX_DEPTH counts nesting as the
 * parser sees it: open blocks, and the `elif`s of each open `if` (each nests in the branch
 * before it). A level holds at most 12 entries of the parser's stack (a `for` with an
 * `else`), so 150 levels stay within its %stack_size of 2000 (grammar.y). */
#define LEX_MAX_DEPTH      150 /* nested blocks and elif branches */
#define LEX_MAX_EXPR_DEPTH 256 /* nested brackets in one C fragment */

typedef struct TokArray {
    Tok *items;
    size_t n, cap;
    bool unclosed; /* a block was left open at the end (reported) */
} TokArray;

/* Lexes src into toks. Errors go to d; lexing goes on after most of them. Returns false
 * only when out of memory. */
bool lex_template(const Source *src, Diag *d, TokArray *toks);

/* The keyword spelling of a block kind ("if", "for", …). */
const char *lex_block_name(int block);

#endif
