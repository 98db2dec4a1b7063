/* whitespace.c — standalone block lines and trim markers (see whitespace.h). */
#include "whitespace.h"

#include "grammar.h"

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* Removes [a, b) (absolute offsets) from text token t: a head or a tail of it. */
static void cut(Tok *t, uint32_t a, uint32_t b)
{
    uint32_t s = t->off, e = t->off + t->len;
    if (b <= s || a >= e)
        return;
    if (a <= s) {
        uint32_t ns = b < e ? b : e;
        t->len = e - ns;
        t->off = ns;
    } else {
        t->len = a - s; /* a tail: the cut always reaches the token's end */
    }
}

/* The state of the line being scanned. */
typedef struct Line {
    size_t first_tok; /* the token where the line starts */
    uint32_t start;   /* absolute offset where the line starts */
    bool content;     /* non-whitespace text or an interpolation */
    bool block;       /* a block tag or comment */
} Line;

/* Ends the line at absolute offset end (just after its line break, or the end of the
 * input); when it is standalone, cuts it out of the text tokens first..last. */
static void end_line(Tok *toks, Line *ln, size_t last, uint32_t end)
{
    if (ln->block && !ln->content)
        for (size_t i = ln->first_tok; i <= last; i++)
            if (toks[i].kind == TK_TEXT)
                cut(&toks[i], ln->start, end);
}

static void scan_text(const Source *src, Tok *toks, size_t i, Line *ln)
{
    /* Work on the original extent: cuts only ever shrink the token, and only the parts
     * before the first or after the last line break. */
    uint32_t s = toks[i].off, e = toks[i].off + toks[i].len;
    for (uint32_t p = s; p < e; p++) {
        char c = src->text[p];
        if (c == '\n') {
            end_line(toks, ln, i, p + 1);
            ln->first_tok = i;
            ln->start = p + 1;
            ln->content = ln->block = false;
        } else if (!is_ws(c)) {
            ln->content = true;
        }
    }
}

static void standalone_lines(const Source *src, TokArray *a)
{
    Line ln = {0, 0, false, false};
    bool in_tag = false;
    for (size_t i = 0; i < a->n; i++) {
        Tok *t = &a->items[i];
        if (t->tag) {
            in_tag = true;
            ln.block = true;
        }
        if (t->kind == TK_TAG_CLOSE)
            in_tag = false;
        else if (t->kind == TK_COMMENT)
            ln.block = true;
        else if (t->kind == TK_EXPR_OPEN || t->kind == TK_BOOLATTR)
            ln.content = true;
        else if (t->kind == TK_TEXT && !in_tag)
            scan_text(src, a->items, i, &ln);
    }
    if (a->n)
        end_line(a->items, &ln, a->n - 1, (uint32_t)src->len);
}

static void trim_markers(const Source *src, TokArray *a)
{
    for (size_t i = 0; i < a->n; i++) {
        Tok *t = &a->items[i];
        if (!t->trim)
            continue;
        bool opening = t->tag || t->kind == TK_EXPR_OPEN;
        if (opening && i > 0 && a->items[i - 1].kind == TK_TEXT) {
            Tok *p = &a->items[i - 1];
            while (p->len > 0 && is_ws(src->text[p->off + p->len - 1]))
                p->len--;
        } else if (!opening && i + 1 < a->n && a->items[i + 1].kind == TK_TEXT) {
            Tok *n = &a->items[i + 1];
            while (n->len > 0 && is_ws(src->text[n->off])) {
                n->off++;
                n->len--;
            }
        }
    }
}

void ws_apply(const Source *src, TokArray *a)
{
    standalone_lines(src, a);
    trim_markers(src, a);
    size_t j = 0;
    for (size_t i = 0; i < a->n; i++) {
        Tok *t = &a->items[i];
        if (t->kind == TK_COMMENT || (t->kind == TK_TEXT && t->len == 0))
            continue;
        a->items[j++] = *t;
    }
    a->n = j;
}
