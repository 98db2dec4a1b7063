/* codegen.h — the C code generator: the checked main file of a unit to the text of its
 * .c and .h. */
#ifndef STARCHC_CODEGEN_H
#define STARCHC_CODEGEN_H

#include "unit.h"

/* Appends the generated source to c_out and the header to h_out. c_name and h_name are
 * the generated files' names for #line directives (the .c includes the .h by its base
 * name). Returns false when out of memory. */
bool codegen_unit(Unit *u, const char *c_name, const char *h_name, starch_out *c_out,
                  starch_out *h_out);

#endif
