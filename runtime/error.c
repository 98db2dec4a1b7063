/* error.c — starch_error: status codes and their messages. */
#include "entity_impl.h"

#include <stdio.h>

void error_one_line(char *m)
{
    for (char *c = m; *c; c++)
        *c = (unsigned char)*c < 0x20 ? ' ' : *c;
}

int error_set(starch_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
        error_one_line(err->message); /* jansson quotes the input: a line break stays out */
    }
    return code;
}

const char *starch_status_name(int code)
{
    static const char *const names[] = {
        "STARCH_OK",        "STARCH_ENOMEM", "STARCH_EJSON", "STARCH_ETYPE",   "STARCH_EMISSING",
        "STARCH_ENOTFOUND", "STARCH_EINVAL", "STARCH_EDB",   "STARCH_ECLOSED", "STARCH_ETIMEOUT",
    };
    if (code < 0 || (size_t)code >= sizeof names / sizeof names[0])
        return "STARCH_E?";
    return names[code];
}
