/* writers.h — internal to libstarch: defines a context's typed writers over its
 * string writer. */
#ifndef STARCH_WRITERS_H
#define STARCH_WRITERS_H

#include "starch_gen.h"

/* NAME_cstr, NAME_str, NAME_trusted and NAME_chr over NAME_bytes; a NULL string is
 * `null_text` ("null" for JavaScript values, nothing elsewhere). */
#define DEFINE_WRITERS(name, null_text)                                                            \
    char *starch_put_##name##_cstr(starch_out *out, char *p, size_t rest, const char *s)           \
    {                                                                                              \
        if (s == NULL)                                                                             \
            return starch_put_raw_bytes(out, p, rest, null_text, sizeof null_text - 1);            \
        return starch_put_##name##_bytes(out, p, rest, s, strlen(s));                              \
    }                                                                                              \
    char *starch_put_##name##_str(starch_out *out, char *p, size_t rest, starch_str s)             \
    {                                                                                              \
        return starch_put_##name##_bytes(out, p, rest, s.ptr, s.len);                              \
    }                                                                                              \
    char *starch_put_##name##_trusted(starch_out *out, char *p, size_t rest, starch_html s)        \
    {                                                                                              \
        return starch_put_##name##_bytes(out, p, rest, s.ptr, s.len);                              \
    }                                                                                              \
    char *starch_put_##name##_chr(starch_out *out, char *p, size_t rest, char c)                   \
    {                                                                                              \
        return starch_put_##name##_bytes(out, p, rest, &c, 1);                                     \
    }

#endif
