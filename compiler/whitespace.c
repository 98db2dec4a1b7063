/* whitespace.c — standalone block lines and trim markers (see whitespace.h). */
#include "whitespace.h"

#include "grammar.h"

#include <string.h>

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
 * input); when it is standalone, cuts it out of the text tokens first..last (but the text
 * inside a one-line fill or call, which is its content) and marks a slot that is the only
 * tag on it as standing alone. */
static void end_line(Tok *toks, Line *ln, size_t last, uint32_t end)
{
    if (!ln->block || ln->content)
        return;
    size_t fill_end = 0; /* inside a one-line fill or call: the index of its last token */
    size_t tags = 0, slot = 0;
    for (size_t i = ln->first_tok; i <= last; i++) {
        if ((toks[i].kind == TK_FILL || toks[i].kind == TK_CALL) && toks[i].aux2 && i > fill_end)
            fill_end = toks[i].aux2;
        tags += toks[i].tag;
        if (toks[i].kind == TK_SLOT || toks[i].kind == TK_CHILDREN)
            slot = i;
        else if (toks[i].kind == TK_TEXT && i > fill_end)
            cut(&toks[i], ln->start, end);
    }
    if (tags == 1 && slot) /* the slot is the line's only tag */
        toks[slot].aux = 1;
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
        if ((t->kind == TK_FILL || t->kind == TK_CALL) && t->aux2) {
            ln.block = true; /* a one-line fill or call counts as a block tag */
            i = t->aux2;
            continue;
        }
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

/* An open block, while one_line_fills looks for the fills and calls written on one line. */
typedef struct OpenFill {
    size_t tok;   /* the keyword token that opened it */
    bool fill;    /* the block is a fill or a call */
    bool nl;      /* a line break stands between its keyword and here */
    bool content; /* it holds non-whitespace text or an interpolation */
} OpenFill;

static bool opens_block(int kind)
{
    return kind == TK_IF || kind == TK_FOR || kind == TK_CALL || kind == TK_FILL ||
           kind == TK_MARKDOWN || kind == TK_RAW || kind == TK_C || kind == TK_ENTITY ||
           kind == TK_COMPONENT;
}

static bool has_content(const Source *src, const Tok *t)
{
    if (t->kind == TK_EXPR_OPEN || t->kind == TK_BOOLATTR)
        return true;
    if (t->kind != TK_TEXT)
        return false;
    for (uint32_t p = t->off; p < t->off + t->len; p++)
        if (!is_ws(src->text[p]))
            return true;
    return false;
}

/* Closes the innermost open block at the END token e: a fill or call with content and no line
 * break, from its keyword to the `%}` of its end tag, gets in its keyword's aux2 the index
 * of that `%}` (so standalone_lines takes it for one block tag). */
static void close_block(const Source *src, TokArray *a, OpenFill *open, size_t *depth, size_t e)
{
    OpenFill *o = &open[--*depth];
    size_t close = e + 1;
    if (close < a->n && a->items[close].kind == TK_TAG_CLOSE &&
        a->items[close].off >= a->items[e].off) {
        uint32_t from = a->items[e].off, to = a->items[close].off;
        o->nl |= memchr(src->text + from, '\n', to - from) != NULL;
    } else {
        o->nl = true; /* a broken end tag: leave the fill alone */
    }
    if (o->fill && !o->nl && o->content)
        a->items[o->tok].aux2 = (uint32_t)close;
    if (*depth > 0) {
        open[*depth - 1].nl |= o->nl;
        open[*depth - 1].content |= o->content;
    }
}

/* Finds the fills and calls written on one line, with content (`{% fill head %}<link>{% end
 * %}`, `{% call Card() %}<p>body</p>{% end %}`).
 * Blocks nested deeper than the lexer allows are not followed (it reported them). */
static void one_line_fills(const Source *src, TokArray *a)
{
    OpenFill open[LEX_MAX_DEPTH + 1];
    size_t depth = 0, unfollowed = 0;
    uint32_t prev_end = 0;
    for (size_t i = 0; i < a->n; i++) {
        Tok *t = &a->items[i];
        if (t->kind == TK_FILL || t->kind == TK_CALL)
            t->aux2 = 0;
        if (depth > 0) {
            uint32_t from = prev_end < t->off ? prev_end : t->off;
            OpenFill *o = &open[depth - 1];
            o->nl |= memchr(src->text + from, '\n', t->off - from) != NULL;
            if (t->kind == TK_TEXT || t->kind == TK_CODE)
                o->nl |= memchr(src->text + t->off, '\n', t->len) != NULL;
            o->content |= has_content(src, t);
        }
        prev_end = t->off + t->len;
        if (t->tag && opens_block(t->kind) && (depth > LEX_MAX_DEPTH || unfollowed))
            unfollowed++;
        else if (t->tag && opens_block(t->kind))
            open[depth++] = (OpenFill){i, t->kind == TK_FILL || t->kind == TK_CALL, false, false};
        else if (t->kind == TK_END && unfollowed)
            unfollowed--;
        else if (t->kind == TK_END && depth > 0)
            close_block(src, a, open, &depth, i);
    }
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
    one_line_fills(src, a);
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
