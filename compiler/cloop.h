/* cloop.h — counted C `for` loops: a header `(init; v < bound; v++)` whose bound has no
 * side effect, in a body that changes neither v nor a name of the bound. The code
 * generator reserves room for a batch of such a loop's iterations at once, as it does for
 * a for-in loop (docs/language.md, "Loops"): the test against the bound then runs once a
 * batch instead of once an iteration, which is the same loop exactly when the body leaves
 * the bound alone. A C fragment is read as tokens; anything this reading is not sure of
 * (a call in the bound, an assignment, `&` or `++` of a name the loop depends on in the
 * body) makes the loop not counted, and it is written as it stands. */
#ifndef STARCHC_CLOOP_H
#define STARCHC_CLOOP_H

#include "ast.h"

#include <stdbool.h>

typedef struct CountedLoop {
    Span init;      /* `(init;`: the header up to the end of its first clause */
    Span test;      /* `v <`, `v <=` or `v !=`: the condition less its bound */
    Span var;       /* v */
    Span bound;     /* the bound, as written */
    Span step;      /* the third clause: `v++`, `++v` or `v += 1` */
    bool inclusive; /* the test is v <= bound (else v < bound or v != bound) */
} CountedLoop;

/* Whether the header (its text src[header.off..], with its parentheses) counts a variable
 * up by one to a bound with no side effect; fills *cl. */
bool cloop_counted(const char *src, Span header, CountedLoop *cl);

/* Whether a C fragment of the loop's body may change the loop's variable or a name of
 * its bound: assigns it, increments or decrements it, or takes its address. */
bool cloop_may_change(const char *src, Span frag, const CountedLoop *cl);

#endif
