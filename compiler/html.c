/* html.c — provisional: every interpolation is in text or a quoted attribute. */
#include "html.h"

typedef struct St {
    int in_tag, quote;
} St;

static void feed(St *s, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (s->quote) {
            if (c == s->quote)
                s->quote = 0;
        } else if (s->in_tag) {
            if (c == '"' || c == '\'')
                s->quote = c;
            else if (c == '>')
                s->in_tag = 0;
        } else if (c == '<') {
            s->in_tag = 1;
        }
    }
}

static void walk(File *f, Node *list, St *s)
{
    for (Node *n = list; n; n = n->next) {
        if (n->kind == N_TEXT)
            feed(s, unit_text(f, n->text), n->text.len);
        else if (n->kind == N_INTERP || n->kind == N_BOOLATTR)
            n->ctx = s->quote ? CTX_ATTR : CTX_TEXT;
        walk(f, n->body.head, s);
        walk(f, n->alt.head, s);
    }
}

void html_check_component(Diag *d, File *f, Node *c)
{
    (void)d;
    St s = {0, 0};
    walk(f, c->body.head, &s);
}
