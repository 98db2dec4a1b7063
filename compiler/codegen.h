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

/* Internal to the code generator (codegen.c, codegen_entity.c). */
struct Gen;

/* In the header: the entities' forward typedefs and structs (held entities first), each
 * followed by its descriptor's and clear function's declarations. */
void gen_entity_types(struct Gen *g);

/* In the source: each entity's descriptor and clear function. */
void gen_entity_descriptors(struct Gen *g);

/* In the source, when the unit declares entities: JSON writers and per-context dispatch
 * macros that add entity pointers to starch.h's. */
void gen_dispatch_macros(struct Gen *g);

/* The macro writing interpolation n (`| raw`: raw; `| json`: json). */
const char *gen_put_macro(struct Gen *g, const Node *n, bool raw, bool json);

/* The macro writing interpolation n and moving the end of the room with the cursor
 * (STARCH_PUT_<CTX>_E: text, attributes and URLs, with starch.h's dispatch), or NULL. */
const char *gen_put_e_macro(struct Gen *g, const Node *n);

#endif
