/* datastar.h — Datastar v1 attributes: what value an attribute takes, and its checks
 * against the attribute table of the Datastar spec. */
#ifndef STARCHC_DATASTAR_H
#define STARCHC_DATASTAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/* What kind of value a Datastar attribute takes (decides the escaping context). */
typedef enum DsValue {
    DS_NOT,    /* not a Datastar attribute: an ordinary (data-)attribute */
    DS_EXPR,   /* a JavaScript expression */
    DS_URL,    /* data-attr:href / :src / :action / :formaction: string values URL-filtered */
    DS_NAME,   /* a signal name or another plain value */
    DS_NOVALUE /* takes no value */
} DsValue;

/* Classifies attribute name[0..len) (as written, any case). Pure: no reports. */
DsValue datastar_value_kind(const char *name, size_t len);

/* Checks one Datastar attribute and reports what is wrong to d, at byte offset off of src
 * (where the attribute name starts). has_value: written with `=` and a value. */
void datastar_check_attr(Diag *d, const Source *src, uint32_t off, const char *name, size_t len,
                         bool has_value);

#endif
