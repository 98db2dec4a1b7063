/* jslex.c — the checker's JavaScript lexer (see jslex.h).
 *
 * The state is small and copied with every branch of an `if`, so it keeps only what decides
 * where the next byte stands: the token kind being read, the open `${` of template literals
 * with the braces open inside each, the identifier just read (a `/` after `return` starts a
 * regular expression, after `x` it divides) and the last three bytes (for `<!--`, `-->`,
 * `#!`, `++`/`--` and U+2028/U+2029, which end line comments). */
#include "jslex.h"

#include <string.h>

void jslex_reset(JsLex *j)
{
    memset(j, 0, sizeof *j);
    j->state = J_EXPR;
    j->bol = true;
}

static bool is_ident(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch == '$' || (unsigned char)ch >= 0x80;
}

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

/* Whether the word just read is a keyword after which a `/` starts a regular expression
 * (Go's regexpPrecederKeywords). */
static bool regexp_keyword(const JsLex *j)
{
    static const char *const kw[] = {"break", "case",    "continue", "delete",     "do",
                                     "else",  "finally", "in",       "instanceof", "return",
                                     "throw", "try",     "typeof",   "void",       NULL};
    for (const char *const *k = kw; *k; k++)
        if (strlen(*k) == j->word_len && memcmp(*k, j->word, j->word_len) == 0)
            return true;
    return false;
}

/* The identifier or number being read ends. */
static void end_word(JsLex *j)
{
    if (j->word_len)
        j->state = regexp_keyword(j) ? J_EXPR : J_DIVOP;
    j->word_len = 0;
}

/* Enters a comment that ends by going back to `back`. */
static void comment(JsLex *j, JsState kind, JsState back)
{
    j->state = kind;
    j->before = back;
}

static bool in_literal(JsLex *j, char ch);

/* One byte where code is read (J_EXPR, J_DIVOP). */
static bool in_code(JsLex *j, char ch)
{
    char p1 = j->last[2], p2 = j->last[1], p3 = j->last[0];
    bool bol = j->bol;
    j->bol = ch == '\n' || ch == '\r' || (is_space(ch) && bol);
    bool number = j->word_len && j->word[0] >= '0' && j->word[0] <= '9';
    if (is_ident(ch) || (ch == '.' && number)) {
        if (j->word_len < sizeof j->word)
            j->word[j->word_len] = ch;
        if (j->word_len < 255)
            j->word_len++;
        j->state = J_DIVOP;
        return true;
    }
    end_word(j);
    switch (ch) {
    case '"':
    case '\'':
    case '`':
        j->state = ch == '"' ? J_DQ : ch == '\'' ? J_SQ : J_TMPL;
        j->fresh = true;
        break;
    case '/':
        j->before = j->state;
        j->state = J_SLASH;
        break;
    case ')':
    case ']': j->state = J_DIVOP; break;
    case '{':
        if (j->tmpl) {
            if (j->braces[j->tmpl - 1] == 255)
                return false;
            j->braces[j->tmpl - 1]++;
        }
        j->state = J_EXPR;
        break;
    case '}':
        if (j->tmpl && j->braces[j->tmpl - 1] == 0) {
            j->tmpl--; /* the `}` of `${`: back in the template literal */
            j->state = J_TMPL;
            j->fresh = false;
        } else {
            if (j->tmpl)
                j->braces[j->tmpl - 1]--;
            j->state = J_EXPR; /* after a block: a `/` starts a regexp (as Go reads it) */
        }
        break;
    case '+':
    case '-':
        if (ch == '-' && p1 != '-')
            j->dash_bol = bol;
        if (ch == '-' && p1 == '-' && p2 == '!' && p3 == '<')
            comment(j, J_LINE_CMT, J_EXPR); /* `<!--`: an HTML-like comment (Annex B) */
        else if (p1 == ch)                  /* `++` and `--` end an operand, `+` and `-` do not */
            j->state = j->state == J_EXPR ? J_DIVOP : J_EXPR;
        else
            j->state = J_EXPR;
        break;
    case '>':
        if (p1 == '-' && p2 == '-' && j->dash_bol)
            comment(j, J_LINE_CMT, J_EXPR); /* `-->` where a line begins (Annex B) */
        else
            j->state = J_EXPR;
        break;
    case '!':
        if (p1 == '#')
            comment(j, J_LINE_CMT, J_EXPR); /* `#!` */
        else
            j->state = J_EXPR;
        break;
    default:
        if (!is_space(ch))
            j->state = J_EXPR;
        break;
    }
    return true;
}

/* Whether ch ends a line comment: a line break, or the last byte of U+2028 / U+2029. */
static bool line_end(const JsLex *j, char ch)
{
    return ch == '\n' || ch == '\r' ||
           ((ch == (char)0xa8 || ch == (char)0xa9) && j->last[2] == (char)0x80 &&
            j->last[1] == (char)0xe2);
}

/* One byte in a literal, a comment or after a `/`. */
static bool in_literal(JsLex *j, char ch)
{
    switch (j->state) {
    case J_EXPR:
    case J_DIVOP: return in_code(j, ch);
    case J_SLASH:
        if (ch == '/') {
            j->state = J_LINE_CMT; /* j->before was kept at the `/` */
        } else if (ch == '*') {
            j->state = J_BLOCK_CMT;
        } else if (j->before == J_EXPR) {
            j->state = J_REGEXP;
            return in_literal(j, ch);
        } else {
            j->state = J_EXPR; /* a division: an operand follows */
            return in_code(j, ch);
        }
        break;
    case J_DQ:
    case J_SQ:
        j->fresh = false;
        if (ch == '\\')
            j->escape = true;
        else if (ch == (j->state == J_DQ ? '"' : '\''))
            j->state = J_DIVOP;
        break;
    case J_TMPL:
        j->fresh = false;
        if (ch == '\\')
            j->escape = true;
        else if (ch == '`')
            j->state = J_DIVOP;
        else if (ch == '$')
            j->state = J_TMPL_DOLLAR;
        break;
    case J_TMPL_DOLLAR:
        if (ch != '{') {
            j->state = J_TMPL;
            return in_literal(j, ch);
        }
        if (j->tmpl == JSLEX_MAX_TMPL)
            return false;
        j->braces[j->tmpl++] = 0;
        j->state = J_EXPR;
        break;
    case J_REGEXP:
        if (ch == '\\')
            j->escape = true;
        else if (ch == '[')
            j->state = J_REGEXP_CLASS;
        else if (ch == '/')
            j->state = J_DIVOP;
        break;
    case J_REGEXP_CLASS:
        if (ch == '\\')
            j->escape = true;
        else if (ch == ']')
            j->state = J_REGEXP;
        break;
    case J_LINE_CMT:
        if (line_end(j, ch)) {
            j->state = j->before;
            j->bol = true;
        }
        break;
    case J_BLOCK_CMT:
        if (ch == '*')
            j->state = J_BLOCK_STAR;
        j->bol |= ch == '\n' || ch == '\r'; /* a comment with a line break ends the line */
        break;
    case J_BLOCK_STAR:
        j->state = ch == '/' ? j->before : ch == '*' ? J_BLOCK_STAR : J_BLOCK_CMT;
        j->bol |= ch == '\n' || ch == '\r';
        break;
    }
    return true;
}

bool jslex_step(JsLex *j, char ch)
{
    bool ok = true;
    if (j->escape)
        j->escape = false;
    else
        ok = in_literal(j, ch);
    j->last[0] = j->last[1];
    j->last[1] = j->last[2];
    j->last[2] = ch;
    return ok;
}

JsSpot jslex_spot(JsLex *j)
{
    if (j->state == J_SLASH) /* `/` then a value: a regexp starts, or it divides */
        j->state = j->before == J_EXPR ? J_REGEXP : J_EXPR;
    if (j->escape)
        return JS_AT_ESCAPE;
    switch (j->state) {
    case J_EXPR:
    case J_DIVOP: return j->word_len ? JS_AT_GLUED : JS_AT_VALUE;
    case J_DQ:
    case J_SQ:
    case J_TMPL: return JS_AT_STRING;
    case J_TMPL_DOLLAR: return JS_AT_DOLLAR;
    case J_REGEXP:
    case J_REGEXP_CLASS: return JS_AT_REGEXP;
    default: return JS_AT_COMMENT;
    }
}

void jslex_after_value(JsLex *j, JsSpot spot)
{
    if (spot == JS_AT_VALUE)
        j->state = J_DIVOP; /* a literal: a `/` after it divides */
    else if (spot == JS_AT_STRING)
        j->fresh = false;
    memset(j->last, 0, sizeof j->last);
    j->bol = false;
}

bool jslex_same(const JsLex *a, const JsLex *b)
{
    if (a->state != b->state || a->escape != b->escape || a->tmpl != b->tmpl ||
        memcmp(a->braces, b->braces, a->tmpl) != 0 || a->word_len != b->word_len ||
        a->bol != b->bol)
        return false;
    size_t w = a->word_len < sizeof a->word ? a->word_len : sizeof a->word;
    if (memcmp(a->word, b->word, w) != 0)
        return false;
    switch (a->state) {
    case J_SLASH:
    case J_LINE_CMT:
    case J_BLOCK_CMT:
    case J_BLOCK_STAR: return a->before == b->before;
    case J_DQ:
    case J_SQ:
    case J_TMPL: return a->fresh == b->fresh;
    default: return true;
    }
}

const char *jslex_describe(JsSpot spot)
{
    switch (spot) {
    case JS_AT_VALUE: return "in JavaScript code";
    case JS_AT_STRING: return "in a JavaScript string";
    case JS_AT_REGEXP: return "in a JavaScript regular expression";
    case JS_AT_GLUED: return "in JavaScript right after an identifier or a number";
    case JS_AT_COMMENT: return "in a JavaScript comment";
    case JS_AT_ESCAPE: return "in JavaScript right after a '\\'";
    case JS_AT_DOLLAR: return "in a template literal right after '$'";
    }
    return "in JavaScript";
}
