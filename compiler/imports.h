/* imports.h — loading the templates a template imports, transitively. */
#ifndef STARCHC_IMPORTS_H
#define STARCHC_IMPORTS_H

#include "unit.h"

/* Loads and parses every template imported by the unit's files, starting from
 * u->files[0]: each `{% import "x.starch" %}` is looked up relative to the importing
 * file, then in each include directory. Reports missing files and import cycles; sets
 * each File's imports. Returns false only when out of memory. */
bool imports_load(Unit *u);

/* Deepest chain of imports. */
#define IMPORTS_MAX_DEPTH 64

/* Most templates one compilation reads (the main one included). Depth alone does not
 * bound them: two imports per file, each one directory down (through a symbolic link
 * back to the same directory), make a tree of 2^64 distinct paths. */
#define IMPORTS_MAX_FILES 256

/* Most path segments an import path may have. */
#define IMPORTS_MAX_SEGMENTS 256

#endif
