/* datastar.h — Datastar v1 attributes in templates: what kind of value an attribute takes
 * (which decides the escaping context of an interpolation in it) and whether its name is
 * well formed for the Datastar v1 client (../shared/datastar/SPEC.md, "Attributes").
 *
 * An attribute name is `data-PLUGIN[:KEY][__MOD[.ARG]…]`, compared without regard to
 * case (browsers lower-case attribute names). Names after `data-` that are no Datastar
 * plugin are ordinary data attributes; pre-v1 spellings (`data-on-click`) are errors. */
#ifndef STARCHC_DATASTAR_H
#define STARCHC_DATASTAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/* What kind of value a Datastar attribute takes (decides the escaping context). */
typedef enum DsValue {
    DS_NOT,    /* not a Datastar attribute: an ordinary (data-)attribute */
    DS_EXPR,   /* a JavaScript expression (data-on:*, data-text, data-signals, …) */
    DS_ATTR,   /* data-attr[:KEY]: a JS expression whose value becomes attribute KEY (or an
                * object whose keys name the attributes: datastar_attr_key) */
    DS_NAME,   /* a signal name or another plain value (data-bind, data-ref,
                * data-indicator, data-preserve-attr) */
    DS_NOVALUE /* takes no value (data-ignore, data-ignore-morph) */
} DsValue;

/* Classifies attribute name[0..len) (as written, any case). Pure: no reports. A pre-v1
 * spelling is classified as the v1 attribute it stands for (datastar_check_attr reports
 * it); a removed plugin (data-persist, …) as DS_EXPR. */
DsValue datastar_value_kind(const char *name, size_t len);

/* For a DS_ATTR name[0..len): sets name[*at..*at + *n) to KEY in `data-attr:KEY` (or in
 * the pre-v1 `data-attr-KEY`) and returns true; returns false for the keyless form. */
bool datastar_attr_key(const char *name, size_t len, size_t *at, size_t *n);

/* Checks one Datastar attribute against SPEC.md's table and reports what is wrong to d
 * (gcc-style, at byte offset off of src = where the attribute name starts; name must be
 * the text at that offset, since carets point into it). has_value: the attribute is
 * written with `=` and a value. Non-Datastar names are not reported. */
void datastar_check_attr(Diag *d, const Source *src, uint32_t off, const char *name, size_t len,
                         bool has_value);

#endif
