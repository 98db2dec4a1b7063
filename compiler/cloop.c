/* cloop.c — counted C `for` loops (cloop.h): C fragments read as tokens, enough of C's
 * lexical grammar to tell identifiers, literals and punctuators apart. */
#include "cloop.h"

#include <stdlib.h>
#include <string.h>

typedef enum TokKind { T_IDENT, T_NUMBER, T_LITERAL, T_PUNCT } TokKind;

typedef struct CTok {
    TokKind kind;
    uint32_t off, len; /* in the source */
} CTok;

typedef struct Toks {
    CTok *v;
    size_t n;
} Toks;

/* C's punctuators of more than one byte, longest first. */
static const char *const puncts[] = {
    "<<=", ">>=", "...", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=",
    "&&",  "||",  "*=",  "/=", "%=", "+=", "-=", "&=", "^=", "|=", "##",
};

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The length of the token at s[0..n) (n > 0, s[0] not a space) and its kind. */
static uint32_t token_at(const char *s, uint32_t n, TokKind *kind)
{
    uint32_t i = 0;
    if (s[0] == '"' || s[0] == '\'') {
        while (++i < n && s[i] != s[0])
            i += s[i] == '\\';
        *kind = T_LITERAL;
        return i < n ? i + 1 : n;
    }
    if (is_digit(s[0]) || (s[0] == '.' && n > 1 && is_digit(s[1]))) { /* a pp-number */
        while (++i < n && (ast_is_ident_char(s[i]) || s[i] == '.' ||
                           ((s[i] == '+' || s[i] == '-') && strchr("eEpP", s[i - 1]))))
            ;
        *kind = T_NUMBER;
        return i;
    }
    if (ast_is_ident_char(s[0])) {
        while (++i < n && ast_is_ident_char(s[i]))
            ;
        *kind = T_IDENT;
        return i;
    }
    *kind = T_PUNCT;
    for (size_t k = 0; k < sizeof puncts / sizeof *puncts; k++) {
        uint32_t len = (uint32_t)strlen(puncts[k]);
        if (len <= n && memcmp(s, puncts[k], len) == 0)
            return len;
    }
    return 1;
}

/* Where the comment that begins at p[i] (a slash and a star) ends, at most at n. */
static uint32_t comment_end(const char *p, uint32_t i, uint32_t n)
{
    for (i += 3; i < n; i++)
        if (p[i - 1] == '*' && p[i] == '/')
            return i + 1;
    return n;
}

/* The tokens of src[s.off..s.off+s.len), comments and spaces left out; false when out of
 * memory. */
static bool tokenize(const char *src, Span s, Toks *t)
{
    *t = (Toks){malloc((s.len + 1) * sizeof *t->v), 0};
    if (t->v == NULL)
        return false;
    const char *p = src + s.off;
    for (uint32_t i = 0; i < s.len;) {
        if (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r' || p[i] == '\f' ||
            p[i] == '\v' || p[i] == '\\') {
            i++;
        } else if (p[i] == '/' && i + 1 < s.len && p[i + 1] == '/') {
            while (i < s.len && p[i] != '\n')
                i++;
        } else if (p[i] == '/' && i + 1 < s.len && p[i + 1] == '*') {
            i = comment_end(p, i, s.len);
        } else {
            TokKind kind;
            uint32_t len = token_at(p + i, s.len - i, &kind);
            t->v[t->n++] = (CTok){kind, s.off + i, len};
            i += len;
        }
    }
    return true;
}

static bool tok_is(const char *src, const CTok *t, const char *s)
{
    return t->len == strlen(s) && memcmp(src + t->off, s, t->len) == 0;
}

static bool same_name(const char *src, const CTok *t, Span name)
{
    return t->kind == T_IDENT && t->len == name.len &&
           memcmp(src + t->off, src + name.off, name.len) == 0;
}

/* Whether t is a punctuator among list[0..n). */
static bool punct_in(const char *src, const CTok *t, const char *const *list, size_t n)
{
    for (size_t k = 0; k < n && t->kind == T_PUNCT; k++)
        if (tok_is(src, t, list[k]))
            return true;
    return false;
}

static bool is_assignment(const char *src, const CTok *t)
{
    static const char *const ops[] = {
        "=", "*=", "/=", "%=", "+=", "-=", "&=", "^=", "|=", "<<=", ">>="};
    return punct_in(src, t, ops, sizeof ops / sizeof *ops);
}

static bool is_step(const char *src, const CTok *t)
{
    return t->kind == T_PUNCT && (tok_is(src, t, "++") || tok_is(src, t, "--"));
}

/* Operators that bind less tightly than `<` (or as tightly): in a bound outside
 * parentheses, they would make it something other than the right operand of the test. */
static bool is_loose(const char *src, const CTok *t)
{
    static const char *const ops[] = {"<", ">",  "<=", ">=", "==", "!=", "&", "^",
                                      "|", "&&", "||", "?",  ":",  ",",  ";"};
    return punct_in(src, t, ops, sizeof ops / sizeof *ops);
}

static bool is_type_word(const char *src, const CTok *t)
{
    static const char *const words[] = {"char",     "short",    "int",    "long",  "signed",
                                        "unsigned", "float",    "double", "_Bool", "bool",
                                        "const",    "volatile", "struct", "union", "enum"};
    for (size_t k = 0; k < sizeof words / sizeof *words; k++)
        if (tok_is(src, t, words[k]))
            return true;
    return t->len > 2 && memcmp(src + t->off + t->len - 2, "_t", 2) == 0; /* size_t, ... */
}

/* Whether t[a..b] (parentheses) is a cast: a type name of words and stars, with two or
 * more words, a star, or a type word (a lone other name, `(f)`, could be a function's). */
static bool is_cast(const char *src, const CTok *t, size_t a, size_t b)
{
    size_t words = 0;
    bool typed = false;
    for (size_t i = a + 1; i < b; i++) {
        if (t[i].kind == T_IDENT) {
            words++;
            typed |= is_type_word(src, &t[i]);
        } else if (!tok_is(src, &t[i], "*") || i == a + 1) {
            return false;
        } else {
            typed = true; /* (`(f *)` is no expression) */
        }
    }
    return words >= 2 || (words == 1 && typed);
}

/* Whether the `(` at t[i] (i > 0) begins the arguments of a call: it follows a name
 * (not sizeof), a `]`, or a `)` that does not close a cast. */
static bool is_call(const char *src, const CTok *t, size_t i)
{
    const CTok *before = &t[i - 1];
    if (before->kind == T_IDENT)
        return !tok_is(src, before, "sizeof") && !tok_is(src, before, "_Alignof");
    if (tok_is(src, before, "]"))
        return true;
    if (!tok_is(src, before, ")"))
        return false;
    int depth = 0;
    for (size_t k = i - 1;; k--) { /* the `(` that the `)` before closes */
        depth += tok_is(src, &t[k], ")") - tok_is(src, &t[k], "(");
        if (depth == 0)
            return !is_cast(src, t, k, i - 1);
        if (k == 0)
            return true;
    }
}

/* Whether the tokens t[0..n) are an expression with no side effect that the test `v < x`
 * takes whole as its x: no assignment, increment, call or braces; no operator looser than
 * `<` outside parentheses. */
static bool pure_operand(const char *src, const CTok *t, size_t n)
{
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_assignment(src, &t[i]) || is_step(src, &t[i]) || tok_is(src, &t[i], "{"))
            return false;
        if (tok_is(src, &t[i], "(") && i > 0 && is_call(src, t, i))
            return false;
        if (tok_is(src, &t[i], "(") || tok_is(src, &t[i], "["))
            depth++;
        else if (tok_is(src, &t[i], ")") || tok_is(src, &t[i], "]"))
            depth--;
        else if (depth == 0 && is_loose(src, &t[i]))
            return false;
        if (depth < 0)
            return false;
    }
    return n > 0 && depth == 0;
}

/* Whether the third clause t[0..n) steps v up by one: `v++`, `++v` or `v += 1`. */
static bool steps_by_one(const char *src, const CTok *t, size_t n, Span v)
{
    if (n == 2)
        return (same_name(src, &t[0], v) && tok_is(src, &t[1], "++")) ||
               (tok_is(src, &t[0], "++") && same_name(src, &t[1], v));
    return n == 3 && same_name(src, &t[0], v) && tok_is(src, &t[1], "+=") &&
           tok_is(src, &t[2], "1");
}

/* The depth-0 `;` of the header's tokens t[0..n) (its parentheses included): false unless
 * there are exactly two. */
static bool clauses(const char *src, const Toks *t, size_t semi[2])
{
    int depth = 0, k = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (tok_is(src, &t->v[i], "(") || tok_is(src, &t->v[i], "[") || tok_is(src, &t->v[i], "{"))
            depth++;
        else if (tok_is(src, &t->v[i], ")") || tok_is(src, &t->v[i], "]") ||
                 tok_is(src, &t->v[i], "}"))
            depth--;
        else if (depth == 1 && tok_is(src, &t->v[i], ";")) {
            if (k == 2)
                return false;
            semi[k++] = i;
        }
    }
    return k == 2 && t->n >= 2 && tok_is(src, &t->v[0], "(") && tok_is(src, &t->v[t->n - 1], ")");
}

bool cloop_counted(const char *src, Span header, CountedLoop *cl)
{
    Toks t;
    if (!tokenize(src, header, &t))
        return false;
    size_t semi[2];
    bool ok = clauses(src, &t, semi);
    if (ok) {
        const CTok *cond = &t.v[semi[0] + 1], *step = &t.v[semi[1] + 1];
        size_t n_cond = semi[1] - semi[0] - 1, n_step = t.n - 1 - semi[1] - 1;
        ok = n_cond >= 3 && cond[0].kind == T_IDENT &&
             (tok_is(src, &cond[1], "<") || tok_is(src, &cond[1], "<=") ||
              tok_is(src, &cond[1], "!=")) &&
             pure_operand(src, cond + 2, n_cond - 2);
        if (ok) {
            const CTok *last = &cond[n_cond - 1], *semi0 = &t.v[semi[0]];
            *cl = (CountedLoop){
                .init = {header.off, semi0->off + 1 - header.off},
                .test = {cond[0].off, cond[1].off + cond[1].len - cond[0].off},
                .var = {cond[0].off, cond[0].len},
                .bound = {cond[2].off, last->off + last->len - cond[2].off},
                .step = {step[0].off,
                         n_step ? t.v[t.n - 2].off + t.v[t.n - 2].len - step[0].off : 0},
                .inclusive = tok_is(src, &cond[1], "<="),
            };
            ok = steps_by_one(src, step, n_step, cl->var);
        }
    }
    free(t.v);
    return ok;
}

/* Whether the name token t[i] is changed where it stands: an assignment or a step after
 * it (past closing brackets), a step or `&` before it (past opening parentheses). */
static bool changed_at(const char *src, const Toks *t, size_t i)
{
    size_t a = i + 1;
    while (a < t->n && (tok_is(src, &t->v[a], ")") || tok_is(src, &t->v[a], "]")))
        a++;
    if (a < t->n && (is_assignment(src, &t->v[a]) || is_step(src, &t->v[a])))
        return true;
    size_t b = i;
    while (b > 0 && tok_is(src, &t->v[b - 1], "("))
        b--;
    return b > 0 && (is_step(src, &t->v[b - 1]) || tok_is(src, &t->v[b - 1], "&"));
}

bool cloop_may_change(const char *src, Span frag, const CountedLoop *cl)
{
    Toks t, bound;
    if (!tokenize(src, frag, &t))
        return true;
    if (!tokenize(src, cl->bound, &bound)) {
        free(t.v);
        return true;
    }
    bool changes = false;
    for (size_t i = 0; i < t.n && !changes; i++) {
        if (t.v[i].kind != T_IDENT)
            continue;
        bool ours = same_name(src, &t.v[i], cl->var);
        for (size_t k = 0; k < bound.n && !ours; k++)
            ours = bound.v[k].kind == T_IDENT &&
                   same_name(src, &t.v[i], (Span){bound.v[k].off, bound.v[k].len});
        changes = ours && changed_at(src, &t, i);
    }
    free(t.v);
    free(bound.v);
    return changes;
}
