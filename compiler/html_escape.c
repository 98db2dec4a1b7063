/* html_escape.c — the checker's walk over a component (Go's html/template: escape.go).
 *
 * It carries the HTML context (html_context.h) through the component's nodes: static text
 * moves it (html_transition.c); each interpolation gets the escaping context of the state
 * it stands in (Node.ctx, which decides the escaper once, at compile time), or an error
 * where no value may go or where the value could complete markup the text before it
 * begins; both branches of an if, and each loop body, must end in the same state (or one
 * the two can be joined into); fills, a call's content and markdown blocks are fragments
 * that must leave the HTML as they found it. Every decision is incremental (no look-ahead
 * across nodes): a `<` at the end of one text node and a tag name in the next are read as
 * one tag. docs/security.md lists where starch reads HTML differently from Go, and why.
 */
#include "html.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include "html_transition.h"

static void walk(Html *h, HCtx *c, Node *list);

/* ---- Branches and joins -------------------------------------------------------------- */

/* Describes the state c ends in (with its innermost open element), for messages. */
static void describe_end(const Html *h, HCtx *c, char *buf, size_t size)
{
    Where w = html_where_state(h, c);
    if (c->depth > 0 && c->state == H_TEXT)
        snprintf(buf, size, "%s, inside '<%.*s>'", w.what, (int)c->stack[c->depth - 1].len,
                 html_text_at(h, c->stack[c->depth - 1].off));
    else
        snprintf(buf, size, "%s", w.what);
}

/* Reports two branches ending in different states. */
static void report_branches(Html *h, Node *n, const char *what, HCtx *a, uint32_t a_off, HCtx *b,
                            uint32_t b_off)
{
    char da[320], db[320];
    describe_end(h, a, da, sizeof da);
    describe_end(h, b, db, sizeof db);
    diag_error(h->d, &h->f->src, html_at(h, n->off), "%s leave the HTML in different states", what);
    diag_note(h->d, &h->f->src, html_at(h, a_off), "here it is %s", da);
    diag_note(h->d, &h->f->src, html_at(h, b_off), "here it is %s", db);
    h->failed = true;
}

/* Where a node list ends (for messages): its last node, or the fallback. */
static uint32_t end_off(const NodeList *l, uint32_t fallback)
{
    const Node *last = l->tail;
    if (last == NULL)
        return fallback;
    return last->kind == N_TEXT ? last->text.off + last->text.len : last->off;
}

/* Joins into a what b leaves pending, where the two states are the same: the attributes
 * either branch gave the tag (so that one written after the if is a duplicate if either
 * wrote it), an unfinished character reference, a boolean attribute just written. */
static void join_pending(const Html *h, HCtx *a, const HCtx *b)
{
    if (a->ref == REF_NONE)
        a->ref = b->ref; /* either may be finished by a value */
    a->after_bool = a->after_bool > b->after_bool ? a->after_bool : b->after_bool;
    if (a->tag_serial != b->tag_serial)
        return; /* attributes of different tags: the state is not in a tag */
    for (int i = 0; i < b->nattrs && a->nattrs < HTML_MAX_ATTRS; i++) {
        bool known = false;
        for (int j = 0; j < a->nattrs && !known; j++)
            known = html_same_name(h, a->attrs[j], a->attr_lens[j], b->attrs[i], b->attr_lens[i]);
        if (!known) {
            a->attrs[a->nattrs] = b->attrs[i];
            a->attr_lens[a->nattrs++] = b->attr_lens[i];
        }
    }
}

/* A statement tag ends a start tag's name or an attribute's, as whitespace would (and
 * as in Go's html/template): `<tr{% if hot %} class="hot"{% end %}>`, `<input {% if done
 * %}checked{% end %}>`. The byte after a name so ended, in the statement or after it, must
 * be whitespace, `/` or `>` (after_bool 3 and 4). */
static void end_names(Html *h, HCtx *c, uint32_t off)
{
    if (c->end_tag)
        return;
    if (c->state == H_TAG_NAME) {
        html_step(h, c, " ", 1, off);
        if (c->state == H_TAG)
            c->after_bool = 3;
        return;
    }
    bool glued = c->state == H_ATTR_NAME;
    if (glued)
        html_step(h, c, " ", 1, off);
    if (c->state != H_AFTER_NAME)
        return;
    html_end_attr(h, c);
    c->state = H_TAG;
    if (glued)
        c->after_bool = 4;
}

static void walk_if(Html *h, HCtx *c, Node *n)
{
    HCtx *other = malloc(sizeof *other);
    if (other == NULL)
        return;
    end_names(h, c, n->off);
    *other = *c;
    walk(h, c, n->body.head);
    end_names(h, c, end_off(&n->body, n->off));
    walk(h, other, n->alt.head);
    end_names(h, other, end_off(&n->alt, n->off));
    if (!h->failed && !html_same_state(h, c, other, false) && !html_join_url(h, c, other))
        report_branches(h, n,
                        n->alt.head ? "the branches of this 'if'"
                                    : "this 'if' (true) and its missing 'else' (false)",
                        c, end_off(&n->body, n->off), other, end_off(&n->alt, n->off));
    else
        join_pending(h, c, other);
    free(other);
}

/* ---- Loops --------------------------------------------------------------------------- */

/* Whether a character reference is decoded where c stands, and the character matters:
 * in an attribute value that is not plain text, in a <script> or <style> in SVG/MathML. */
static bool refs_matter(const HCtx *c)
{
    return (c->state == H_VALUE && c->attr != A_PLAIN) || (c->state == H_RAW && c->raw_decode);
}

/* Whether list may begin with a value (before any static text): its first node is an
 * interpolation, or an if or for that may begin with one or write nothing. */
static bool may_start_with_value(const Node *n)
{
    for (; n; n = n->next) {
        switch (n->kind) {
        case N_INTERP: return true;
        case N_TEXT:
            if (n->text.len > 0)
                return false;
            break;
        case N_IF:
        case N_FOR_IN:
        case N_FOR_C:
            if (may_start_with_value(n->body.head) || may_start_with_value(n->alt.head))
                return true;
            break; /* it may write nothing: what follows it may come first */
        case N_LET: break;
        default: return false;
        }
    }
    return false;
}

/* What the body of a loop (from start to end) must not leave for the next iteration:
 * attributes written into the tag it stands in (each iteration would write them again),
 * an unfinished character reference (the next iteration's text would complete it). */
static void check_iteration(Html *h, Node *n, const HCtx *start, const HCtx *end)
{
    if (h->failed)
        return;
    if (end->tag_serial == start->tag_serial && end->nattrs > start->nattrs) {
        uint32_t a = end->attrs[start->nattrs], len = end->attr_lens[start->nattrs];
        html_report(
            h, a,
            "attribute '%.*s' would be written once per iteration of the 'for' into the same "
            "tag, and the browser keeps only the first",
            (int)len, html_text_at(h, a));
        diag_note(h->d, &h->f->src, html_at(h, n->off), "the 'for' is here");
    } else if (end->ref != REF_NONE && start->ref == REF_NONE && refs_matter(end) &&
               may_start_with_value(n->body.head)) {
        html_report(h, end_off(&n->body, n->off),
                    "the body of this 'for' ends in '&', and the next iteration may begin with a "
                    "value, which could make it a character reference (write '&' as '&amp;')");
    }
}

static void walk_loop(Html *h, HCtx *c, Node *n)
{
    HCtx *start = malloc(sizeof *start);
    if (start == NULL)
        return;
    end_names(h, c, n->off);
    *start = *c;
    walk(h, c, n->body.head);
    end_names(h, c, end_off(&n->body, n->off));
    if (!h->failed && !html_same_state(h, c, start, false))
        report_branches(h, n, "the body of this 'for' must end as it starts: the iterations", start,
                        n->off, c, end_off(&n->body, n->off));
    check_iteration(h, n, start, c);
    if (n->alt.head) {
        HCtx *alt = malloc(sizeof *alt);
        if (alt) {
            *alt = *start;
            walk(h, alt, n->alt.head);
            end_names(h, alt, end_off(&n->alt, n->off));
            if (!h->failed && !html_same_state(h, alt, start, false))
                report_branches(h, n, "the 'else' of this 'for' must end as it starts: it would",
                                start, n->off, alt, end_off(&n->alt, n->off));
            free(alt);
        }
    }
    free(start);
}

/* ---- Fragments: fills, a call's content, markdown ------------------------------------ */

/* Checks that a fragment (a fill, a call's children, a markdown block) leaves the HTML as
 * it found it: in text, every element closed. */
static void check_fragment_end(Html *h, HCtx *frag, uint32_t off, const char *what)
{
    if (h->failed || (frag->state == H_TEXT && frag->depth == 0))
        return;
    char buf[320];
    describe_end(h, frag, buf, sizeof buf);
    diag_error(h->d, &h->f->src, off,
               "%s must leave the HTML as it found it (in text, every element closed); it ends %s",
               what, buf);
    h->failed = true;
}

/* Checks the nodes of list (but its fills, with skip_fills) as a fragment. */
static void walk_fragment(Html *h, Node *list, bool skip_fills, uint32_t off, const char *what)
{
    HCtx *frag = calloc(1, sizeof *frag);
    if (frag == NULL)
        return;
    for (Node *x = list; x && !h->failed; x = x->next) {
        if (skip_fills && x->kind == N_FILL)
            continue;
        Node *next = x->next;
        x->next = NULL; /* one node at a time */
        walk(h, frag, x);
        x->next = next;
    }
    check_fragment_end(h, frag, off, what);
    free(frag);
}

/* The HTML a markdown block produced, checked as a fragment of its own. */
static void walk_markdown(Html *h, Node *n)
{
    HCtx *frag = calloc(1, sizeof *frag);
    if (frag == NULL || n->html == NULL) {
        free(frag);
        return;
    }
    Html mh = *h;
    mh.base = n->html;
    mh.fixed = true;
    mh.fixed_off = n->off;
    html_feed(&mh, frag, n->html, n->html_len, 0);
    check_fragment_end(&mh, frag, n->off, "the HTML of a markdown block"); /* names in n->html */
    h->failed |= mh.failed;
    free(frag);
}

/* A construct that writes HTML of its own (render, call, slot, markdown) must stand in
 * text. */
static void require_text(Html *h, HCtx *c, Node *n, const char *what)
{
    if (c->state != H_TEXT && !h->failed)
        html_report(h, n->off, "%s cannot stand here: it writes HTML, and this is not text", what);
}

/* ---- Values -------------------------------------------------------------------------- */

/* What a value right after static text that begins an end tag or `<!--` in a raw body
 * could complete (for messages), and how to write the text instead. */
static void raw_pending(const Html *h, const HCtx *c, char *what, size_t size, const char **hint)
{
    assert(c->state == H_RAW && c->depth > 0);
    const Elem *e = &c->stack[c->depth - 1];
    int len = (int)e->len;
    const char *name = html_text_at(h, e->off);
    bool slash = c->dashes >= 2, script = c->raw == R_SCRIPT && !c->raw_decode;
    char lt[80];
    html_raw_lt_text(h, c, lt, sizeof lt);
    if (c->raw_decode)
        snprintf(what, size,
                 "%s in the body of '<%.*s>': with it, the browser could read a tag "
                 "there (in SVG and MathML the body is markup)",
                 lt, len, name);
    else if (c->raw_bang)
        snprintf(what, size,
                 "%s in the body of '<%.*s>': with it, the browser could read "
                 "'<!--' there, which changes where the script ends",
                 lt, len, name);
    else
        snprintf(what, size,
                 "%s in the body of '<%.*s>': with it, the browser could read "
                 "the end tag '</%.*s>'%s there",
                 lt, len, name, len, name, script && !slash ? " or '<!--'" : "");
    *hint = c->raw_decode || c->raw == R_RCDATA ? "(write '<' as '&lt;')"
            : !script                           ? "(put a space after the '<')"
            : slash                             ? "(in a JavaScript string, write '</' as '<\\/')"
                                                : "(in a JavaScript string, write '<' as '\\x3C')";
}

/* Refuses a value that could complete markup the static text before it begins: an end tag
 * or `<!--` in a raw body (`"</{{ tag }}>"` with tag = "script"; `<{{ s }}` with s =
 * "/textarea"), or a character reference where references are decoded (`&{{ s }}` with
 * s = "#39;" is a quote). Returns whether it reported. */
static bool value_completes_markup(Html *h, HCtx *c, Node *n)
{
    if (c->state == H_RAW && (c->dashes > 0 || c->raw_bang > 0)) {
        char what[320];
        const char *hint;
        raw_pending(h, c, what, sizeof what, &hint);
        html_report(h, n->off, "a value cannot be interpolated right after %s %s", what, hint);
        return true;
    }
    if (c->ref != REF_NONE && refs_matter(c)) {
        html_report(
            h, n->off,
            "a value cannot be interpolated right after '&' here: with the value, the browser "
            "could read a character reference ('&#34;' is '\"'), which it decodes before it "
            "reads the %s (write '&' as '&amp;')",
            c->state == H_RAW ? "script" : "URL, JavaScript or CSS");
        return true;
    }
    return false;
}

static void interp(Html *h, HCtx *c, Node *n)
{
    bool quote;
    Context ctx = html_context_of(c, &quote);
    bool raw = false;
    for (Filter *f = n->filters; f; f = f->next)
        raw |= f->kind == F_RAW;
    n->ctx = ctx;
    n->quote = quote;
    if (!raw && !h->failed && value_completes_markup(h, c, n))
        return;
    if (c->state == H_RAW) /* a value holds no `<` (but a raw one, which is vouched for) */
        c->dashes = c->raw_bang = 0;
    c->ref = REF_NONE;
    c->after_bool = 0;
    bool refused = ctx == CTX_NONE && !raw;
    Where w = {{0}, NULL};
    if (refused)
        w = html_where_state(h, c); /* before end_attr, which forgets the attribute's name */
    if (quote)
        html_end_attr(h, c); /* name={{ value }}: the attribute ends with the value */
    if (refused) {
        if (!h->failed)
            html_report(h, n->off, "a value cannot be interpolated %s %s", w.what,
                        w.hint ? w.hint : "(use '| raw' if you vouch for it)");
        return;
    }
    for (Filter *f = n->filters; f && ctx == CTX_CSS && !raw; f = f->next)
        if (f->kind != F_RAW && !h->failed)
            html_report(h, f->name.off,
                        "'| %.*s' cannot stand in CSS, which takes only numbers (or '| raw')",
                        (int)f->name.len, html_text_at(h, f->name.off));
    if (ctx != CTX_NONE || quote)
        html_after_value(c, ctx, quote); /* raw where nothing else may go: the state is kept */
}

/* `name?={{ cond }}`: writes ` name`, or nothing. The lexer cut the whitespace before it
 * off the text, which may so end in a tag name, an attribute name or an unquoted value:
 * they end here (with the space written, or the whitespace, `/` or `>` that must follow). */
static void boolattr(Html *h, HCtx *c, Node *n)
{
    bool unquoted = c->state == H_VALUE && c->delim == ' ';
    bool spaced = (c->state == H_TAG && c->after_bool < 3) || /* whitespace went before */
                  c->state == H_AFTER_NAME;
    if (n->flag && !spaced && !h->failed) { /* written without a space of its own */
        html_report(h, n->off, "'%.*s?=' right after a statement tag must follow whitespace",
                    (int)n->name.len, html_text_at(h, n->name.off));
        return;
    }
    if (c->state == H_TAG_NAME || c->state == H_ATTR_NAME || unquoted)
        html_step(h, c, " ", 1, n->off);
    if (c->state == H_AFTER_NAME) {
        html_end_attr(h, c);
        c->state = H_TAG;
    }
    bool between = c->state == H_TAG || c->state == H_AFTER_VALUE;
    if ((!between || c->end_tag) && !h->failed) {
        html_report(h, n->off, "'%.*s?=' must stand between the attributes of a start tag",
                    (int)n->name.len, html_text_at(h, n->name.off));
        return;
    }
    html_add_attr(h, c, n->name.off, n->name.len);
    c->state = H_AFTER_VALUE;
    c->after_bool = unquoted ? 2 : 1;
    n->ctx = CTX_ATTR;
}

/* ---- The walk ------------------------------------------------------------------------ */

static void walk(Html *h, HCtx *c, Node *list)
{
    for (Node *n = list; n && !h->failed; n = n->next) {
        switch (n->kind) {
        case N_TEXT: html_feed(h, c, html_text_at(h, n->text.off), n->text.len, n->text.off); break;
        case N_INTERP: interp(h, c, n); break;
        case N_BOOLATTR: boolattr(h, c, n); break;
        case N_IF: walk_if(h, c, n); break;
        case N_FOR_IN:
        case N_FOR_C: walk_loop(h, c, n); break;
        case N_RENDER: require_text(h, c, n, "'{% render %}'"); break;
        case N_CALL:
            require_text(h, c, n, "'{% call %}'");
            for (Node *x = n->body.head; x; x = x->next)
                if (x->kind == N_FILL)
                    walk_fragment(h, x->body.head, false, x->off, "a fill");
            walk_fragment(h, n->body.head, true, n->off, "the content of a call");
            break;
        case N_SLOT:
        case N_CHILDREN: require_text(h, c, n, "a slot"); break;
        case N_MARKDOWN:
            require_text(h, c, n, "'{% markdown %}'");
            walk_markdown(h, n);
            break;
        case N_LET:
        case N_FILL: /* checked with its call */
        default: break;
        }
    }
}

/* Reports what is still open at the end of a component. */
static void check_end(Html *h, HCtx *c, Node *comp)
{
    if (h->failed)
        return;
    const Elem *e = c->depth ? &c->stack[c->depth - 1] : NULL;
    assert(c->state != H_RAW || e != NULL);
    if (c->state == H_RAW)
        html_report(h, e->tag, "'<%.*s>' is not closed at the end of the component", (int)e->len,
                    html_text_at(h, e->off));
    else if (c->state != H_TEXT)
        html_report(h, end_off(&comp->body, comp->off), "the component ends %s",
                    html_where_state(h, c).what);
    else if (e)
        html_report(h, e->tag,
                    "'<%.*s>' is not closed at the end of the component (every element needs its "
                    "end tag)",
                    (int)e->len, html_text_at(h, e->off));
}

void html_check_component(Diag *d, File *f, Node *comp)
{
    assert(comp->kind == N_COMPONENT);
    Html h = {d, f, f->src.text, false, 0, false};
    HCtx *c = calloc(1, sizeof *c);
    if (c == NULL)
        return;
    walk(&h, c, comp->body.head);
    check_end(&h, c, comp);
    free(c);
}
