/* error.c — the error convention of every layer: status names, messages, starch__error_set. */
#include "entity_impl.h"

#include <stdio.h>

void starch__error_one_line(char *m)
{
    for (char *c = m; *c; c++)
        *c = (unsigned char)*c < 0x20 ? ' ' : *c;
}

int starch__error_set(starch_error *err, int code, const char *fmt, ...)
{
    assert(code != STARCH_OK);
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        err->line = err->column = 0;
        err->offset = 0;
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
        starch__error_one_line(err->message); /* jansson quotes the input: a line break stays out */
    }
    return code;
}

/* Indexed by starch_status. */
/* clang-format off */
static const struct { const char *name, *message; } statuses[] = {
    {"STARCH_OK",        "no error"},
    {"STARCH_ENOMEM",    "out of memory"},
    {"STARCH_EJSON",     "invalid JSON"},
    {"STARCH_ETYPE",     "wrong type"},
    {"STARCH_EMISSING",  "missing"},
    {"STARCH_ENOTFOUND", "not found"},
    {"STARCH_EINVAL",    "invalid argument"},
    {"STARCH_EDB",       "database error"},
    {"STARCH_ECLOSED",   "closed"},
    {"STARCH_ETIMEOUT",  "timed out"},
    {"STARCH_EIO",       "output failed"},
    {"STARCH_ETOOBIG",   "too large"},
};
/* clang-format on */

_Static_assert(sizeof statuses / sizeof statuses[0] == STARCH_ETOOBIG + 1,
               "a name and a message for every starch_status");

const char *starch_status_name(int code)
{
    if (code < 0 || (size_t)code >= sizeof statuses / sizeof statuses[0])
        return "STARCH_E?";
    return statuses[code].name;
}

const char *starch_strerror(int code)
{
    if (code < 0 || (size_t)code >= sizeof statuses / sizeof statuses[0])
        return "unknown status";
    return statuses[code].message;
}
