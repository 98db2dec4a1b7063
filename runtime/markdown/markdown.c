/* markdown.c — CommonMark to HTML through libcmark: the `| markdown` filter at run time
 * (safe mode: raw HTML and javascript:/vbscript:/file:/data: links removed) and the
 * compiler's `{% markdown %}` blocks. */
#include "starch_gen.h"
#include "starch_markdown.h"

#include <cmark.h>
#include <errno.h>
#include <stdlib.h>

/* Respells cmark's `&quot;` as `&#34;` in place (the one escape spelling of starch);
 * returns the new length. */
static size_t respell(char *html, size_t len)
{
    size_t j = 0;
    for (size_t i = 0; i < len; i++) {
        if (html[i] == '&' && len - i >= 6 && memcmp(html + i, "&quot;", 6) == 0) {
            memcpy(html + j, "&#34;", 5);
            j += 5;
            i += 5;
        } else {
            html[j++] = html[i];
        }
    }
    html[j] = '\0';
    return j;
}

char *starch_markdown_to_html(const char *md, size_t len, bool allow_html, size_t *html_len)
{
    char *html = cmark_markdown_to_html(md, len, allow_html ? CMARK_OPT_UNSAFE : CMARK_OPT_SAFE);
    if (html)
        *html_len = respell(html, strlen(html));
    return html;
}

char *starch_put_markdown(starch_out *out, char *p, size_t rest, starch_str md,
                          starch_put_html_fn write)
{
    size_t len;
    char *html = starch_markdown_to_html(md.ptr, md.len, false, &len);
    if (html == NULL) {
        if (out->err == 0)
            out->err = ENOMEM;
        return starch_out_need(out, p, rest);
    }
    p = write(out, p, rest, starch_html_trusted(html, len));
    free(html);
    return p;
}
