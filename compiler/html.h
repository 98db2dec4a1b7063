/* html.h — the HTML state machine of the checker: runs over a component's static text,
 * carried through its control flow, and gives each interpolation its escaping context.
 * The rest of the compiler sees only this; inside, as in Go's html/template:
 * html_vocab.c (elements and attributes), html_context.c (the state and the contexts it
 * gives), html_transition.c (the tokenizer over static text), html_escape.c (the walk). */
#ifndef STARCHC_HTML_H
#define STARCHC_HTML_H

#include "unit.h"

/* Checks component c of file f: decides the context of each interpolation and reports
 * interpolations where no value may go, unbalanced elements and control flow that leaves
 * the HTML in different states. */
void html_check_component(Diag *d, File *f, Node *c);

#endif
