/* markdown.c — compile-time Markdown through libcmark. */
#include "markdown.h"

#include "starch_markdown.h"

#include <stdlib.h>

static bool blank_line(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return false;
    return true;
}

/* The length of the common leading whitespace of the non-blank lines. */
static size_t common_indent(const char *text, size_t len, const char **ref)
{
    size_t common = (size_t)-1;
    *ref = NULL;
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && text[e] != '\n')
            e++;
        if (!blank_line(text + i, e - i)) {
            size_t k = 0;
            while (i + k < e && (text[i + k] == ' ' || text[i + k] == '\t') &&
                   (*ref == NULL || (k < common && text[i + k] == (*ref)[k])))
                k++;
            if (*ref == NULL || k < common)
                common = k;
            if (*ref == NULL)
                *ref = text + i;
        }
        i = e + 1;
    }
    return *ref ? common : 0;
}

char *markdown_dedent(const char *text, size_t len, size_t *out_len)
{
    const char *ref;
    size_t indent = common_indent(text, len, &ref);
    char *out = malloc(len + 1);
    if (out == NULL)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && text[e] != '\n')
            e++;
        size_t skip = 0;
        while (skip < indent && i + skip < e && (text[i + skip] == ' ' || text[i + skip] == '\t'))
            skip++;
        memcpy(out + j, text + i + skip, e - i - skip);
        j += e - i - skip;
        if (e < len)
            out[j++] = '\n';
        i = e + 1;
    }
    out[j] = '\0';
    *out_len = j;
    return out;
}

static void convert(Unit *u, File *f, Node *n)
{
    const char *s = unit_text(f, n->text);
    for (uint32_t i = 0; i + 1 < n->text.len; i++)
        if (s[i] == '{' && (s[i + 1] == '{' || s[i + 1] == '%')) {
            diag_error(&u->diag, &f->src, n->text.off + i,
                       "'%c%c' inside '{%% markdown %%}': a markdown block is static text "
                       "(use the '| markdown' filter for values)",
                       s[i], s[i + 1]);
            return;
        }
    size_t len;
    char *md = markdown_dedent(s, n->text.len, &len);
    size_t html_len = 0;
    char *html = md ? starch_markdown_to_html(md, len, true, &html_len) : NULL;
    free(md);
    if (html == NULL) {
        u->oom = true;
        return;
    }
    n->html = html;
    n->html_len = html_len;
}

static int visit(Node *n, void *vctx)
{
    void **ctx = vctx;
    if (n->kind == N_MARKDOWN)
        convert(ctx[0], ctx[1], n);
    return WALK_CONTINUE;
}

void markdown_convert(Unit *u, File *f)
{
    void *ctx[2] = {u, f};
    for (Node *n = f->decls.head; n; n = n->next)
        if (n->kind == N_COMPONENT)
            ast_walk(n->body.head, visit, ctx);
}
