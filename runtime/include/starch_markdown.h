/* starch_markdown.h — Markdown at run time (libstarch_markdown, on libcmark).
 *
 * Templates that use `| markdown` on a value link this layer; generated code includes this
 * header itself. `{% markdown %}` blocks are converted when the template is compiled and
 * need nothing at run time.
 */
#ifndef STARCH_MARKDOWN_H
#define STARCH_MARKDOWN_H

#include "starch.h"

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================================
 * Markdown (the `| markdown` filter)
 * ====================================================================================== */

/** Converts CommonMark md[0..len) to HTML (malloc'd, NUL-terminated; caller frees with
 *  free) and sets *html_len. allow_html false is libcmark's safe mode (raw HTML and
 *  javascript:, vbscript:, file: and data: links removed). Quotes are spelled `&#34;`.
 *  NULL when out of memory. */
char *starch_markdown_to_html(const char *md, size_t len, bool allow_html, size_t *html_len);

/* --------------------------------------------------------------------------------------
 * For generated code (declared when starch_gen.h was included first, as generated code
 * does): the `| markdown` filter's writer.
 * -------------------------------------------------------------------------------------- */
#ifdef STARCH_GEN_H

/** Renders md as CommonMark with libcmark in safe mode (raw HTML and dangerous link
 *  schemes removed) and writes the HTML through `write` (which escapes it where the
 *  context is not HTML text). */
char *starch_put_markdown(starch_out *out, char *p, size_t rest, starch_str md,
                          starch_put_html_fn write);

#ifdef STARCH_CHECKED /* a writer of unbounded values: checked like those of starch_checked.h */
#define starch_put_markdown(out, p, rest, ...)                                                     \
    starch_checked_rest(out,                                                                       \
                        (starch_put_markdown)(out, starch_checked_at(out, p, __FILE__, __LINE__),  \
                                              rest, __VA_ARGS__),                                  \
                        rest)
#endif

static inline starch_str starch_str_identity(starch_str s)
{
    return s;
}

void starch_error_markdown_filter_needs_a_string(void);

/* clang-format 14 cannot lay out _Generic association lists: */
/* clang-format off */
/** The source of `| markdown` as a starch_str: only strings are accepted. */
#define STARCH_MARKDOWN_SOURCE(x)                                                                  \
    _Generic((x),                                                                          \
        char *: starch_str_from,                                                           \
        const char *: starch_str_from,                                                     \
        starch_str: starch_str_identity,                                                   \
        default: starch_error_markdown_filter_needs_a_string)(x)

/* clang-format on */

#endif /* STARCH_GEN_H */

#ifdef __cplusplus
}
#endif

#endif /* STARCH_MARKDOWN_H */
