/* datastar.c — provisional classification of Datastar attributes by prefix; the full
 * attribute table and its checks replace it. */
#include "datastar.h"

#include <strings.h>

static bool prefix(const char *name, size_t len, const char *p)
{
    size_t n = strlen(p);
    return len >= n && strncasecmp(name, p, n) == 0 &&
           (len == n || name[n] == ':' || name[n] == '_' || name[n] == '-');
}

DsValue datastar_value_kind(const char *name, size_t len)
{
    static const char *const expr[] = {"data-on", "data-text", "data-show", "data-effect",
                                       "data-computed", "data-class", "data-style",
                                       "data-signals", "data-init", "data-json-signals"};
    static const char *const url[] = {"data-attr:href", "data-attr:src", "data-attr:action",
                                      "data-attr:formaction"};
    for (size_t i = 0; i < sizeof url / sizeof url[0]; i++)
        if (len == strlen(url[i]) && strncasecmp(name, url[i], len) == 0)
            return DS_URL;
    if (prefix(name, len, "data-attr"))
        return DS_EXPR;
    for (size_t i = 0; i < sizeof expr / sizeof expr[0]; i++)
        if (prefix(name, len, expr[i]))
            return DS_EXPR;
    if (prefix(name, len, "data-bind") || prefix(name, len, "data-ref") ||
        prefix(name, len, "data-indicator") || prefix(name, len, "data-preserve-attr"))
        return DS_NAME;
    if (prefix(name, len, "data-ignore") || prefix(name, len, "data-ignore-morph"))
        return DS_NOVALUE;
    return DS_NOT;
}

void datastar_check_attr(Diag *d, const Source *src, uint32_t off, const char *name, size_t len,
                         bool has_value)
{
    (void)d;
    (void)src;
    (void)off;
    (void)name;
    (void)len;
    (void)has_value;
}
