/* The SSE variants (docs/runtime.md, "Components into an SSE event"): each component is
 * rendered into a patch-elements event through starch_sse_elements_begin (its variant
 * writes the data lines) and, for comparison, into a plain buffer converted by
 * starch_sse_patch_elements (the runtime's conversion). The fixed cases print the event
 * and which way it was written; then random values (line breaks of every kind, bytes to
 * escape, empty strings) must give the same bytes both ways. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sse.starch.h"

typedef struct Args {
    const char *a, *b;
    int n;
    double d;
    char c;
    bool on;
} Args;

typedef void (*render_fn)(starch_out *out, const Args *x);

static void r_lines(starch_out *o, const Args *x)
{
    sse_Lines(o, x->a, x->b);
}
static void r_empty(starch_out *o, const Args *x)
{
    (void)x, sse_Empty(o);
}
static void r_cond(starch_out *o, const Args *x)
{
    sse_Cond(o, x->on, x->a);
}
static void r_value(starch_out *o, const Args *x)
{
    sse_Value(o, x->a);
}
static void r_crend(starch_out *o, const Args *x)
{
    sse_CrEnd(o, x->a);
}
static void r_nested(starch_out *o, const Args *x)
{
    sse_Nested(o, x->a, x->b);
}
static void r_contexts(starch_out *o, const Args *x)
{
    sse_Contexts(o, x->a, x->n, x->d, x->c, starch_html_trusted(x->b, strlen(x->b)));
}
static void r_loop(starch_out *o, const Args *x)
{
    const char *xs[] = {x->a, x->b};
    sse_Loop(o, xs, (size_t)(x->n & 3) % 3);
}
static void r_slot(starch_out *o, const Args *x)
{
    sse_UsesSlot(o, x->a);
}
static void r_slotted(starch_out *o, const Args *x)
{
    sse_Slotted(o, x->a);
}
static void r_usescard(starch_out *o, const Args *x)
{
    sse_UsesCard(o, x->a, x->b);
}
static void r_markdown(starch_out *o, const Args *x)
{
    sse_Markdown(o, x->a);
}
static void r_crsplit(starch_out *o, const Args *x)
{
    sse_CrSplit(o, x->a);
}
static void r_str(starch_out *o, const Args *x)
{
    char both[160];
    snprintf(both, sizeof both, "%s%s%s", x->a, x->b, x->a);
    sse_Str(o, (starch_str){both, strlen(both)}, both);
}
/* several components into one event, values of each ending in '\r' before the next */
static void r_many(starch_out *o, const Args *x)
{
    sse_CrEnd(o, x->a);
    sse_Value(o, x->b);
    sse_Cond(o, x->on, x->a);
    sse_Lines(o, x->b, x->a);
}

typedef struct Case {
    const char *name;
    render_fn fn;
    const char *before; /* written into the event's buffer first, or NULL */
} Case;

static const Case cases[] = {
    {"Lines", r_lines, NULL},
    {"Empty", r_empty, NULL},
    {"Empty, begun", r_empty, "<x>"},
    {"Cond", r_cond, NULL},
    {"Cond, begun", r_cond, "<x>"},
    {"Cond, after \\r", r_cond, "<x>\r"},
    {"Value", r_value, NULL},
    {"Value, after \\r", r_value, "\r"},
    {"CrEnd", r_crend, NULL},
    {"Nested", r_nested, NULL},
    {"Contexts", r_contexts, "."},
    {"Loop", r_loop, "."},
    {"UsesSlot", r_slot, NULL},
    {"UsesSlot, begun", r_slot, "<x>"},
    {"Slotted", r_slotted, NULL},
    {"UsesCard", r_usescard, NULL},
    {"Markdown", r_markdown, "."},
    {"many", r_many, NULL},
    {"many, after \\r", r_many, "\r"},
    {"CrSplit", r_crsplit, NULL},
    {"Str", r_str, NULL},
    {"Str, after \\r", r_str, "\r"},
};

/* Renders through a stream, begun with no options or with options all the defaults (the
 * event's head then written at once, not with the first line); *variant: the component
 * wrote into the event itself. */
static void via_stream(starch_out *dst, const Case *c, const Args *x, bool *variant,
                       const starch_sse_opts *opts)
{
    starch_sse_stream st;
    starch_out *o = starch_sse_elements_begin(&st, dst, opts);
    if (c->before)
        starch_out_puts(o, c->before);
    c->fn(o, x);
    *variant = st.out.len == 0 && st.open;
    if (starch_sse_elements_end(&st, NULL) != STARCH_OK)
        abort();
}

static void via_buffer(starch_out *dst, const Case *c, const Args *x)
{
    starch_out b;
    starch_out_init(&b);
    if (c->before)
        starch_out_puts(&b, c->before);
    c->fn(&b, x);
    if (starch_sse_patch_elements(dst, starch_out_data(&b), starch_out_len(&b), NULL, NULL))
        abort();
    starch_out_free(&b);
}

/* A random string of up to 6 bytes from those that matter here, or one time in eight of
 * up to 40 (past what the writers take inline). */
static const char *random_string(char *buf)
{
    static const char bytes[] = "a\n\r<&\"' ";
    int n = rand() % 8 ? rand() % 7 : rand() % 41;
    for (int i = 0; i < n; i++)
        buf[i] = bytes[rand() % (int)(sizeof bytes - 1)];
    buf[n] = 0;
    return buf;
}

static void print_escaped(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\r')
            fputs("\\r", stderr);
        else
            fputc(s[i], stderr);
    }
}

/* Both ways for case c with values x (the stream begun with no options and with default
 * ones); 1 when they differ (reported on stderr). */
static int compare(const Case *c, const Args *x, starch_out *s, starch_out *b)
{
    bool variant;
    int differ = 0;
    starch_out_clear(b);
    via_buffer(b, c, x);
    for (int opts = 0; opts < 2; opts++) {
        starch_out_clear(s);
        via_stream(s, c, x, &variant, opts ? &(starch_sse_opts){0} : NULL);
        if (starch_out_len(s) == starch_out_len(b) &&
            memcmp(starch_out_data(s), starch_out_data(b), starch_out_len(b)) == 0)
            continue;
        differ = 1;
        fprintf(stderr, "%s differs (a=%d bytes, b=%d bytes, c=%d, %s):\n--- stream\n", c->name,
                (int)strlen(x->a), (int)strlen(x->b), x->c,
                opts ? "default options" : "no options");
        print_escaped(starch_out_data(s), starch_out_len(s));
        fputs("--- buffer\n", stderr);
        print_escaped(starch_out_data(b), starch_out_len(b));
    }
    return differ;
}

int main(void)
{
    starch_out s, b;
    starch_out_init(&s);
    starch_out_init(&b);
    size_t ncases = sizeof cases / sizeof *cases;
    Args fixed[] = {
        {"A & B", "<c>", 3, 2.5, 'x', true},
        {"x\r", "\ny\r\nz\r", 1, -0.125, '\r', false},
        {"\n", "\r", 2, 1e21, '\n', true},
        {"", "", 0, 0, '<', false},
    };
    int failed = 0;
    for (size_t k = 0; k < sizeof fixed / sizeof *fixed; k++) {
        for (size_t i = 0; i < ncases; i++) {
            bool variant;
            starch_out_clear(&s);
            via_stream(&s, &cases[i], &fixed[k], &variant, NULL);
            printf("== %s, values %zu (%s)\n", cases[i].name, k, variant ? "variant" : "runtime");
            fwrite(starch_out_data(&s), 1, starch_out_len(&s), stdout);
            failed += compare(&cases[i], &fixed[k], &s, &b);
        }
    }
    srand(15);
    long renders = 0;
    for (int it = 0; it < 3000 && failed == 0; it++) {
        char a[48], bb[48];
        static const char chars[] = "a\n\r<";
        Args x = {random_string(a),           random_string(bb), rand() % 5,
                  (rand() % 200 - 100) / 8.0, chars[rand() % 4], rand() % 2};
        for (size_t i = 0; i < ncases; i++, renders++)
            failed += compare(&cases[i], &x, &s, &b);
    }
    printf("== random values: %s\n", failed ? "DIFFERENT" : "the same bytes both ways");
    starch_out_free(&s);
    starch_out_free(&b);
    return failed != 0;
}
