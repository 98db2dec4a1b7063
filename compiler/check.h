/* check.h — the checker: names, arities and HTML contexts.
 *
 * For every file of the unit it reports duplicate declarations and reserved names,
 * resolves every `render`/`call` to its component (checking the argument count) and every
 * entity field type; for the main file it runs the HTML state machine (html.h) over each
 * component, deciding the escaping context of each interpolation. */
#ifndef STARCHC_CHECK_H
#define STARCHC_CHECK_H

#include "unit.h"

/* Entities held by value (not through arrays) nest at most this deep (docs/language.md,
 * "Limits"): the code generator emits them innermost first, recursively. */
#define CHECK_MAX_ENTITY_DEPTH 64

/* A component forwarding its slots into a call of one forwarding into a call of ... goes at
 * most this deep (docs/language.md, "Limits"): the checker and the code generator follow
 * the chain recursively, and each frame holds the next one's. */
#define CHECK_MAX_FORWARD_DEPTH 64

void check_unit(Unit *u);

#endif
