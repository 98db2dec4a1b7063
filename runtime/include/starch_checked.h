/* starch_checked.h — the checked build of generated code (docs/runtime.md, "The checked
 * build"). Included by starch_gen.h when STARCH_CHECKED is defined; the functions are in
 * libstarch-checked (pkg-config module `starch-checked`), linked besides libstarch.
 *
 * Generated code keeps the cursor protocol of starch_gen.h: a reserve makes room for n
 * bytes, writes go through the cursor without a capacity check, a commit ends the room
 * (starch_out_need is a commit and a reserve). Here the statements of that protocol
 * become calls that check it, with the __FILE__ and __LINE__ of the statement (the
 * template's file and line under the generated file's #line directives, the generated
 * file's otherwise): every copy through starch_put and every cursor handed to a writer
 * lies inside the room reserved, each commit ends the room its reserve began, every
 * reserve is committed before the next one on the same buffer, and nothing appends to a
 * buffer or looks at it (starch_out_write, _len, _error, ...: starch.h) while it has a
 * room open. A violation prints one line to stderr,
 *
 *   FILE:LINE: starch checked: WHAT (last template line TFILE:TLINE)
 *
 * and calls abort(): the one place where starch stops a program, and only in a build that
 * asked for it. The state lives beside the buffers (thread-local, per open room), so
 * struct starch_out is the same in both builds and a checked translation unit links
 * with unchecked ones; a room is opened and ended on one thread (as renderers do).
 */
#ifndef STARCH_CHECKED_H
#define STARCH_CHECKED_H

#include "starch_gen.h"

#ifdef __cplusplus
extern "C" {
#endif

/** starch_out_reserve, checked: no room of out may be open; opens one of n bytes. */
char *starch_checked_reserve(starch_out *out, size_t n, const char *file, int line);

/** starch_out_commit, checked: out has a room open and p lies inside it; ends it. */
void starch_checked_commit(starch_out *out, char *p, const char *file, int line);

/** starch_out_need, checked: starch_checked_commit, then starch_checked_reserve. */
char *starch_checked_need(starch_out *out, char *p, size_t n, const char *file, int line);

/** starch_out_more, checked: starch_checked_need; the room's end is the n bytes asked for
 *  (not the buffer's capacity), so every later write is checked against them. */
starch_room starch_checked_more(starch_out *out, char *p, size_t n, const char *file, int line);

/** starch_out_end, checked: the end of the room of out open at p. */
char *starch_checked_end(starch_out *out, char *p);

/** starch_put, checked: s[0..n) fits in the open room p lies in; copies it. */
char *starch_checked_put(char *p, const char *s, size_t n, const char *file, int line);

/** Before a writer: p lies inside the open room of out. A file (not NULL) is noted as
 *  the last template line (the writer macros are called under the template's #line).
 *  Returns p. */
char *starch_checked_at(starch_out *out, char *p, const char *file, int line);

/** After a writer of unbounded values returned q: the room of out is now the `rest`
 *  bytes the writer promised at q (the bytes before q are committed). Returns the cursor. */
char *starch_checked_rest(starch_out *out, char *q, size_t rest);

/* ---- The protocol's statements, checked ------------------------------------------- */
#define starch_out_reserve(out, n) starch_checked_reserve(out, n, __FILE__, __LINE__)
#define starch_out_commit(out, p)  starch_checked_commit(out, p, __FILE__, __LINE__)
#define starch_out_need(out, p, n) starch_checked_need(out, p, n, __FILE__, __LINE__)
#define starch_put(p, s, n)        starch_checked_put(p, s, n, __FILE__, __LINE__)
#define starch_out_more(out, p, n) starch_checked_more(out, p, n, __FILE__, __LINE__)
#define starch_out_end(out, p)     starch_checked_end(out, p)
/* (appends to a buffer and looks at it: checked by starch.h) */

/* Writers of unbounded values called by name (their arguments are the generated code's:
 * out and rest have no side effects). */
#define starch_put_fixed(out, p, rest, ...)                                                        \
    starch_checked_rest(                                                                           \
        out,                                                                                       \
        (starch_put_fixed)(out, starch_checked_at(out, p, __FILE__, __LINE__), rest, __VA_ARGS__), \
        rest)
#define starch_put_fmt(out, p, rest, ...)                                                          \
    starch_checked_rest(                                                                           \
        out,                                                                                       \
        (starch_put_fmt)(out, starch_checked_at(out, p, __FILE__, __LINE__), rest, __VA_ARGS__),   \
        rest)
#define starch_put_entity_json(out, p, rest, ...)                                                  \
    starch_checked_rest(                                                                           \
        out, (starch_put_entity_json)(out, starch_checked_at(out, p, NULL, 0), rest, __VA_ARGS__), \
        rest)

/* ---- The writers the dispatch macros pick (STARCH_W_) --------------------------------
 * Bounded values are written into the caller's room: the writers themselves (what they
 * wrote is checked by the next statement). Unbounded ones make their own room: wrapped,
 * so that the room after them is exactly the `rest` they promise. */
#define STARCH_CHECKED_WRITER_(f, T)                                                               \
    static inline char *starch_checked_put_##f(starch_out *out, char *p, size_t rest, T v)         \
    {                                                                                              \
        return starch_checked_rest(                                                                \
            out, starch_put_##f(out, starch_checked_at(out, p, NULL, 0), rest, v), rest);          \
    }
#define STARCH_CHECKED_STRINGS_(name)                                                              \
    STARCH_CHECKED_WRITER_(name##_cstr, const char *)                                              \
    STARCH_CHECKED_WRITER_(name##_str, starch_str)                                                 \
    STARCH_CHECKED_WRITER_(name##_trusted, starch_html)
#define STARCH_CHECKED_CHARS_(name)                                                                \
    STARCH_CHECKED_STRINGS_(name) STARCH_CHECKED_WRITER_(name##_chr, char)

STARCH_CHECKED_STRINGS_(html)
STARCH_CHECKED_STRINGS_(raw)
STARCH_CHECKED_CHARS_(url)
STARCH_CHECKED_CHARS_(url_part)
STARCH_CHECKED_CHARS_(url_query)
STARCH_CHECKED_CHARS_(srcset)
STARCH_CHECKED_CHARS_(js)
STARCH_CHECKED_CHARS_(js_script)
STARCH_CHECKED_CHARS_(js_str)
STARCH_CHECKED_CHARS_(js_regexp)
STARCH_CHECKED_CHARS_(ds_url)
STARCH_CHECKED_CHARS_(ds_url_str)
STARCH_CHECKED_CHARS_(json_attr)
STARCH_CHECKED_CHARS_(json_script)
STARCH_CHECKED_WRITER_(attr_trusted, starch_html)
STARCH_CHECKED_WRITER_(url_query_float, float)
STARCH_CHECKED_WRITER_(url_query_double, double)
STARCH_CHECKED_WRITER_(js_regexp_bool, bool)
STARCH_CHECKED_WRITER_(js_regexp_i64, int64_t)
STARCH_CHECKED_WRITER_(js_regexp_u64, uint64_t)
STARCH_CHECKED_WRITER_(js_regexp_float, float)
STARCH_CHECKED_WRITER_(js_regexp_double, double)

#define starch_checked_put_html_chr    starch_put_html_chr
#define starch_checked_put_raw_chr     starch_put_raw_chr
#define starch_checked_put_bool        starch_put_bool
#define starch_checked_put_i32         starch_put_i32
#define starch_checked_put_u32         starch_put_u32
#define starch_checked_put_i64         starch_put_i64
#define starch_checked_put_u64         starch_put_u64
#define starch_checked_put_float       starch_put_float
#define starch_checked_put_double      starch_put_double
#define starch_checked_put_js_i64      starch_put_js_i64
#define starch_checked_put_js_float    starch_put_js_float
#define starch_checked_put_js_double   starch_put_js_double
#define starch_checked_put_json_float  starch_put_json_float
#define starch_checked_put_json_double starch_put_json_double

#ifdef __cplusplus
}
#endif

#endif /* STARCH_CHECKED_H */
