/* test_sse.c — Datastar SSE events: exact bytes for each event and option, line
 * splitting, invalid arguments, streaming a fragment into an event, and the places where
 * SPEC.md and the official TypeScript SDK differ (the spec wins). */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <starch_gen.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sse_lines.h" /* runtime/core: both scanners of the elements' data lines */

static starch_out out;

static void setup(void)
{
    starch_out_init(&out);
}

static void teardown(void)
{
    starch_out_free(&out);
}

TestSuite(sse, .init = setup, .fini = teardown);

static const char *text(void)
{
    return starch_out_cstr(&out);
}

#define ELEMENTS(s) starch_sse_patch_elements(&out, s, strlen(s), NULL, NULL)

Test(sse, patch_elements_defaults)
{
    cr_assert_eq(ELEMENTS("<div id=\"a\">Merge</div>"), 0);
    cr_assert_str_eq(text(), "event: datastar-patch-elements\n"
                             "data: elements <div id=\"a\">Merge</div>\n"
                             "\n");
}

Test(sse, patch_elements_all_options)
{
    starch_sse_opts o = {.id = "event1",
                         .retry_ms = 2000,
                         .selector = "#feed",
                         .mode = "append",
                         .ns = "svg",
                         .view_transition = true,
                         .view_transition_selector = ".card"};
    cr_assert_eq(starch_sse_patch_elements(&out, "<circle/>", 9, &o, NULL), 0);
    cr_assert_str_eq(text(), "event: datastar-patch-elements\n"
                             "id: event1\n"
                             "retry: 2000\n"
                             "data: selector #feed\n"
                             "data: mode append\n"
                             "data: useViewTransition true\n"
                             "data: viewTransitionSelector .card\n"
                             "data: namespace svg\n"
                             "data: elements <circle/>\n"
                             "\n");
}

Test(sse, patch_elements_defaults_written_out_are_omitted)
{
    starch_sse_opts o = {.mode = "outer",
                         .ns = "html",
                         .retry_ms = 1000,
                         .id = "",
                         .selector = "",
                         .view_transition_selector = "#x"};
    cr_assert_eq(starch_sse_patch_elements(&out, "<p id=p></p>", 12, &o, NULL), 0);
    cr_assert_str_eq(text(), "event: datastar-patch-elements\n"
                             "data: elements <p id=p></p>\n"
                             "\n");
}

Test(sse, every_mode_and_namespace)
{
    const char *modes[] = {"inner", "replace", "prepend", "append", "before", "after", "remove"};
    for (size_t i = 0; i < 7; i++) {
        starch_out_clear(&out);
        starch_sse_opts o = {.mode = modes[i], .selector = "#t"};
        cr_assert_eq(starch_sse_patch_elements(&out, NULL, 0, &o, NULL), 0);
        char want[128];
        snprintf(want, sizeof want,
                 "event: datastar-patch-elements\ndata: selector #t\ndata: mode %s\n\n", modes[i]);
        cr_assert_str_eq(text(), want);
    }
    starch_out_clear(&out);
    cr_assert_eq(
        starch_sse_patch_elements(&out, "<mi>x</mi>", 10, &(starch_sse_opts){.ns = "mathml"}, NULL),
        0);
    cr_assert_str_eq(text(), "event: datastar-patch-elements\n"
                             "data: namespace mathml\n"
                             "data: elements <mi>x</mi>\n\n");
}

/* An invalid argument: STARCH_EINVAL, nothing written, err's message names it. */
static void invalid(int rc, const starch_error *err, const char *message)
{
    cr_assert_eq(rc, STARCH_EINVAL);
    cr_assert_eq(err->code, STARCH_EINVAL);
    cr_assert_str_eq(err->message, message);
    cr_assert_eq(starch_out_len(&out), 0);
}

Test(sse, invalid_mode_namespace_retry_id_write_nothing)
{
    starch_error e;
    const char *mode = "SSE: invalid patch mode (outer, inner, replace, prepend, append, before, "
                       "after, remove)";
    invalid(starch_sse_patch_elements(&out, "x", 1, &(starch_sse_opts){.mode = "Outer"}, &e), &e,
            mode);
    invalid(starch_sse_patch_elements(&out, "x", 1, &(starch_sse_opts){.mode = "morph"}, &e), &e,
            mode);
    invalid(starch_sse_patch_elements(&out, "x", 1, &(starch_sse_opts){.ns = "xml"}, &e), &e,
            "SSE: invalid namespace (html, svg, mathml)");
    invalid(starch_sse_patch_elements(&out, "x", 1, &(starch_sse_opts){.retry_ms = -5}, &e), &e,
            "SSE: negative retry duration");
    invalid(starch_sse_patch_signals(&out, "{}", 2, &(starch_sse_opts){.id = "a\nb"}, &e), &e,
            "SSE: the event id holds a line break");
    invalid(starch_sse_patch_signals(&out, "{}", 2, &(starch_sse_opts){.id = "a\rb"}, &e), &e,
            "SSE: the event id holds a line break");
    invalid(starch_sse_patch_signals(&out, "", 0, NULL, &e), &e, "SSE: no signals to patch");
    /* err may be NULL */
    cr_assert_eq(starch_sse_patch_signals(&out, "", 0, NULL, NULL), STARCH_EINVAL);
    cr_assert_str_eq(starch_strerror(STARCH_EINVAL), "invalid argument");
    cr_assert_str_eq(starch_status_name(STARCH_EINVAL), "STARCH_EINVAL");
}

Test(sse, multiline_values_split_on_lf_crlf_cr)
{
    cr_assert_eq(ELEMENTS("<div>\n  <span>a</span>\r\n  <b>b</b>\r</div>"), 0);
    cr_assert_str_eq(text(), "event: datastar-patch-elements\n"
                             "data: elements <div>\n"
                             "data: elements   <span>a</span>\n"
                             "data: elements   <b>b</b>\n"
                             "data: elements </div>\n"
                             "\n");
}

Test(sse, trailing_break_gives_empty_last_line)
{
    cr_assert_eq(ELEMENTS("<p>a</p>\n"), 0);
    cr_assert_str_eq(text(), "event: datastar-patch-elements\n"
                             "data: elements <p>a</p>\n"
                             "data: elements \n"
                             "\n");
    starch_out_clear(&out);
    cr_assert_eq(ELEMENTS("\r\n"), 0);
    cr_assert_str_eq(text(), "event: datastar-patch-elements\n"
                             "data: elements \n"
                             "data: elements \n"
                             "\n");
    starch_out_clear(&out);
    cr_assert_eq(ELEMENTS("a\n\n\rb\r"), 0);
    cr_assert_str_eq(text(), "event: datastar-patch-elements\n"
                             "data: elements a\n"
                             "data: elements \n"
                             "data: elements \n"
                             "data: elements b\n"
                             "data: elements \n"
                             "\n");
}

Test(sse, option_values_are_split_too)
{
    starch_sse_opts o = {.selector = "#a,\n#b"};
    cr_assert_eq(starch_sse_patch_elements(&out, "<p></p>", 7, &o, NULL), 0);
    cr_assert_str_eq(text(), "event: datastar-patch-elements\n"
                             "data: selector #a,\n"
                             "data: selector #b\n"
                             "data: elements <p></p>\n"
                             "\n");
}

Test(sse, patch_signals)
{
    cr_assert_eq(starch_sse_patch_signals(&out, "{\"one\":1,\"two\":2}", 17, NULL, NULL), 0);
    cr_assert_str_eq(text(), "event: datastar-patch-signals\n"
                             "data: signals {\"one\":1,\"two\":2}\n"
                             "\n");
    starch_out_clear(&out);
    starch_sse_opts o = {.id = "e1", .retry_ms = 2000, .only_if_missing = true};
    const char *j = "{\n\"one\": \"first signal\",\n\"two\":  \n\"second signal\"}";
    cr_assert_eq(starch_sse_patch_signals(&out, j, strlen(j), &o, NULL), 0);
    cr_assert_str_eq(text(), "event: datastar-patch-signals\n"
                             "id: e1\n"
                             "retry: 2000\n"
                             "data: onlyIfMissing true\n"
                             "data: signals {\n"
                             "data: signals \"one\": \"first signal\",\n"
                             "data: signals \"two\":  \n"
                             "data: signals \"second signal\"}\n"
                             "\n");
}

Test(sse, execute_script_defaults)
{
    const char *s = "if (true) {\n  console.log('hello');\n}";
    cr_assert_eq(starch_sse_execute_script(&out, s, strlen(s), NULL, NULL), 0);
    cr_assert_str_eq(text(), "event: datastar-patch-elements\n"
                             "data: selector body\n"
                             "data: mode append\n"
                             "data: elements <script data-effect=\"el.remove()\">if (true) {\n"
                             "data: elements   console.log('hello');\n"
                             "data: elements }</script>\n"
                             "\n");
}

Test(sse, execute_script_all_options)
{
    starch_sse_attr attrs[] = {{"type", "text/javascript"}, {"blocking", "false"}, {"async", NULL}};
    starch_sse_opts o = {
        .id = "event1", .retry_ms = 2000, .keep_script = true, .attrs = attrs, .n_attrs = 3};
    cr_assert_eq(starch_sse_execute_script(&out, "console.log('hello');", 21, &o, NULL), 0);
    cr_assert_str_eq(text(), "event: datastar-patch-elements\n"
                             "id: event1\n"
                             "retry: 2000\n"
                             "data: selector body\n"
                             "data: mode append\n"
                             "data: elements <script type=\"text/javascript\" blocking=\"false\" "
                             "async>console.log('hello');</script>\n"
                             "\n");
}

Test(sse, execute_script_bad_attribute_names)
{
    const char *bad[] = {"", "a b", "a\"", "a>", "a=b", "a/", "a\n", "'"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        starch_sse_attr a = {bad[i], "x"};
        cr_assert_eq(starch_sse_execute_script(&out, "1", 1,
                                               &(starch_sse_opts){.attrs = &a, .n_attrs = 1}, NULL),
                     STARCH_EINVAL, "%s", bad[i]);
    }
    starch_sse_attr a = {NULL, "x"};
    starch_error e;
    cr_assert_eq(
        starch_sse_execute_script(&out, "1", 1, &(starch_sse_opts){.attrs = &a, .n_attrs = 1}, &e),
        STARCH_EINVAL);
    cr_assert_str_eq(e.message, "SSE: invalid script attribute name");
    cr_assert_eq(starch_out_len(&out), 0);
}

Test(sse, remove_elements)
{
    cr_assert_eq(starch_sse_remove_elements(&out, "#target", NULL, NULL), 0);
    cr_assert_str_eq(text(), "event: datastar-patch-elements\n"
                             "data: selector #target\n"
                             "data: mode remove\n"
                             "\n");
    starch_out_clear(&out);
    starch_sse_opts o = {.id = "event1", .retry_ms = 2000, .view_transition = true};
    cr_assert_eq(starch_sse_remove_elements(&out, "#target", &o, NULL), 0);
    cr_assert_str_eq(text(), "event: datastar-patch-elements\n"
                             "id: event1\n"
                             "retry: 2000\n"
                             "data: selector #target\n"
                             "data: mode remove\n"
                             "data: useViewTransition true\n"
                             "\n");
    starch_error e;
    cr_assert_eq(starch_sse_remove_elements(&out, NULL, NULL, &e), STARCH_EINVAL);
    cr_assert_str_eq(e.message, "SSE: no selector of elements to remove");
    cr_assert_eq(starch_sse_remove_elements(&out, "", NULL, NULL), STARCH_EINVAL);
}

static const char *remove_signals(const char *const *paths, size_t n)
{
    starch_out_clear(&out);
    int rc = starch_sse_remove_signals(&out, paths, n, NULL, NULL);
    cr_assert_eq(rc, 0);
    return text();
}

Test(sse, remove_signals)
{
    const char *one[] = {"one"};
    cr_assert_str_eq(remove_signals(one, 1),
                     "event: datastar-patch-signals\ndata: signals {\"one\":null}\n\n");
    const char *nested[] = {"one", "two.alpha"};
    cr_assert_str_eq(remove_signals(nested, 2), "event: datastar-patch-signals\n"
                                                "data: signals {\"one\":null,\"two\":{\"alpha\":"
                                                "null}}\n\n");
    const char *grouped[] = {"a.b", "d", "a.c.x", "a.c.y"};
    cr_assert_str_eq(
        remove_signals(grouped, 4),
        "event: datastar-patch-signals\n"
        "data: signals {\"a\":{\"b\":null,\"c\":{\"x\":null,\"y\":null}},\"d\":null}\n\n");
    const char *whole[] = {"a.b", "a"};
    cr_assert_str_eq(remove_signals(whole, 2),
                     "event: datastar-patch-signals\ndata: signals {\"a\":null}\n\n");
    const char *prefix[] = {"ab.c", "a.c"};
    cr_assert_str_eq(remove_signals(prefix, 2), "event: datastar-patch-signals\n"
                                                "data: signals {\"ab\":{\"c\":null},\"a\":{\"c\":"
                                                "null}}\n\n");
    const char *odd[] = {"q\"\\\n\x01"};
    cr_assert_str_eq(remove_signals(odd, 1),
                     "event: datastar-patch-signals\n"
                     "data: signals {\"q\\\"\\\\\\u000a\\u0001\":null}\n\n");
    starch_out_clear(&out);
    starch_sse_opts o = {.id = "event1", .retry_ms = 2000};
    cr_assert_eq(starch_sse_remove_signals(&out, nested, 2, &o, NULL), 0);
    cr_assert_str_eq(text(), "event: datastar-patch-signals\n"
                             "id: event1\n"
                             "retry: 2000\n"
                             "data: signals {\"one\":null,\"two\":{\"alpha\":null}}\n\n");
}

Test(sse, remove_signals_bad_paths)
{
    const char *bad[] = {"", ".a", "a.", "a..b", NULL};
    starch_error e;
    for (size_t i = 0; i < 5; i++)
        invalid(starch_sse_remove_signals(&out, &bad[i], 1, NULL, &e), &e,
                "SSE: empty signal path or path segment");
    invalid(starch_sse_remove_signals(&out, bad, 0, NULL, &e), &e,
            "SSE: no signal paths to remove");
    cr_assert_eq(starch_out_len(&out), 0);
}

/* ---- Where the spec wins over @starfederation/datastar-sdk 1.0.0 ---------------------- */

/* The SDK splits only at \n, so a bare \r would end an SSE line inside a data line. */
Test(sse, spec_wins_bare_cr_splits_lines)
{
    cr_assert_eq(starch_sse_patch_signals(&out, "{\"a\":\r1}", 8, NULL, NULL), 0);
    cr_assert_str_eq(text(), "event: datastar-patch-signals\n"
                             "data: signals {\"a\":\n"
                             "data: signals 1}\n\n");
}

/* The SDK drops `retry: 0`. */
Test(sse, spec_wins_retry_zero_is_written)
{
    cr_assert_eq(starch_sse_patch_signals(
                     &out, "{}", 2, &(starch_sse_opts){.retry_ms = STARCH_SSE_RETRY_ZERO}, NULL),
                 0);
    cr_assert_str_eq(text(), "event: datastar-patch-signals\nretry: 0\ndata: signals {}\n\n");
}

/* The SDK writes execute-script attribute values unescaped. */
Test(sse, spec_wins_script_attribute_values_escaped)
{
    starch_sse_attr a = {"data-x", "a\"b'c<d>&e"};
    cr_assert_eq(starch_sse_execute_script(&out, "f()", 3,
                                           &(starch_sse_opts){.attrs = &a, .n_attrs = 1}, NULL),
                 0);
    cr_assert_str_eq(text(), "event: datastar-patch-elements\n"
                             "data: selector body\n"
                             "data: mode append\n"
                             "data: elements <script data-x=\"a&#34;b&#39;c&lt;d&gt;&amp;e\" "
                             "data-effect=\"el.remove()\">f()</script>\n\n");
}

/* The SDK has no viewTransitionSelector (tested above with all options); it is written
 * only with useViewTransition. */
Test(sse, spec_wins_view_transition_selector)
{
    starch_sse_opts o = {.view_transition = true, .view_transition_selector = "#main"};
    cr_assert_eq(starch_sse_patch_elements(&out, "<p id=a></p>", 12, &o, NULL), 0);
    cr_assert_str_eq(text(), "event: datastar-patch-elements\n"
                             "data: useViewTransition true\n"
                             "data: viewTransitionSelector #main\n"
                             "data: elements <p id=a></p>\n\n");
}

/* ---- Streaming -------------------------------------------------------------------- */

/* A deterministic pseudo-random generator (xorshift32). */
static uint32_t rng = 2463534242u;

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* Random text with line breaks of every kind. */
static char *random_html(size_t n)
{
    static const char alphabet[] = "<div>\n\r\r\n abc&\"'/x";
    char *s = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        s[i] = alphabet[next() % (sizeof alphabet - 1)];
    s[n] = '\0';
    return s;
}

Test(sse, stream_equals_whole_string_for_any_chunking)
{
    for (int round = 0; round < 300; round++) {
        size_t n = next() % (round < 250 ? 64 : 40000);
        char *html = random_html(n);
        starch_sse_opts o = {.selector = "#s", .mode = "inner"};
        starch_out whole;
        starch_out_init(&whole);
        cr_assert_eq(starch_sse_patch_elements(&whole, html, n, &o, NULL), 0);

        starch_out_clear(&out);
        starch_sse_stream st;
        starch_out *w = starch_sse_elements_begin(&st, &out, &o);
        for (size_t i = 0; i < n;) {
            size_t k = 1 + next() % 7000;
            k = k > n - i ? n - i : k;
            starch_out_write(w, html + i, k);
            if (next() % 2)
                starch_out_flush(w); /* chunk boundaries anywhere, even inside \r\n */
            i += k;
        }
        cr_assert_eq(starch_sse_elements_end(&st, NULL), 0);
        cr_assert_eq(starch_out_len(&out), starch_out_len(&whole), "round %d", round);
        cr_assert(memcmp(starch_out_data(&out), starch_out_data(&whole), starch_out_len(&out)) == 0,
                  "round %d", round);
        starch_out_free(&whole);
        free(html);
    }
}

Test(sse, stream_crlf_across_flushes)
{
    starch_sse_stream st;
    starch_out *w = starch_sse_elements_begin(&st, &out, NULL);
    starch_out_write(w, "a\r", 2);
    starch_out_flush(w);
    starch_out_write(w, "\nb\r", 3);
    starch_out_flush(w);
    starch_out_write(w, "c", 1);
    cr_assert_eq(starch_sse_elements_end(&st, NULL), 0);
    cr_assert_str_eq(text(), "event: datastar-patch-elements\n"
                             "data: elements a\n"
                             "data: elements b\n"
                             "data: elements c\n\n");
}

Test(sse, stream_nothing_written_has_no_elements_line)
{
    starch_sse_stream st;
    starch_sse_elements_begin(&st, &out, &(starch_sse_opts){.selector = "#x", .mode = "remove"});
    cr_assert_eq(starch_sse_elements_end(&st, NULL), 0);
    cr_assert_str_eq(text(), "event: datastar-patch-elements\n"
                             "data: selector #x\n"
                             "data: mode remove\n\n");
}

/* A megabyte of HTML streams through a buffer that never grows past one chunk. */
Test(sse, stream_holds_no_copy_of_the_fragment)
{
    starch_sse_stream st;
    starch_out *w = starch_sse_elements_begin(&st, &out, NULL);
    const char *li = "<li class=\"item\">an item of the list</li>\n";
    size_t max_cap = 0, n = strlen(li);
    for (int i = 0; i < 20000; i++) {
        starch_out_write(w, li, n);
        max_cap = w->cap > max_cap ? w->cap : max_cap;
    }
    cr_assert_eq(starch_sse_elements_end(&st, NULL), 0);
    cr_assert_leq(max_cap, STARCH_OUT_CHUNK + STARCH_OUT_CHUNK / 2);
    /* the event line, a data line per item, an empty last line, the empty line */
    cr_assert_eq(starch_out_len(&out), 31 + 20000 * (15 + n) + 16 + 1);
}

Test(sse, stream_invalid_options_write_nothing)
{
    starch_sse_stream st;
    starch_out *w = starch_sse_elements_begin(&st, &out, &(starch_sse_opts){.ns = "svg2"});
    cr_assert_neq(w, NULL);
    starch_out_write(w, "<p>x</p>", 8);
    cr_assert_neq(starch_out_error(w), 0);
    starch_error e;
    cr_assert_eq(starch_sse_elements_end(&st, &e), STARCH_EINVAL);
    cr_assert_str_eq(e.message, "SSE: invalid namespace (html, svg, mathml)");
    cr_assert_eq(starch_out_len(&out), 0);
}

static int failing_flush(void *ctx, const char *data, size_t len)
{
    (void)ctx;
    (void)data;
    (void)len;
    return STARCH_ECLOSED;
}

Test(sse, stream_reports_the_error_of_out)
{
    starch_out_set_flush(&out, failing_flush, NULL);
    starch_sse_stream st;
    starch_out *w = starch_sse_elements_begin(&st, &out, NULL);
    for (int i = 0; i < 1000; i++)
        starch_out_write(w, "<p>0123456789</p>\n", 18);
    starch_error e;
    cr_assert_eq(starch_sse_elements_end(&st, &e), STARCH_ECLOSED);
    cr_assert_str_eq(e.message, "SSE: closed");
    cr_assert_eq(starch_sse_patch_signals(&out, "{}", 2, NULL, NULL), STARCH_ECLOSED);
}

/* Every event is flushed: a streaming out hands each one to its callback at once. */
static int collect(void *ctx, const char *data, size_t len)
{
    starch_out_write(ctx, data, len);
    return 0;
}

Test(sse, each_event_is_flushed)
{
    starch_out sink;
    starch_out_init(&sink);
    starch_out_set_flush(&out, collect, &sink);
    cr_assert_eq(starch_sse_patch_signals(&out, "{\"a\":1}", 7, NULL, NULL), 0);
    cr_assert_eq(starch_out_len(&out), 0);
    cr_assert_str_eq(starch_out_cstr(&sink),
                     "event: datastar-patch-signals\ndata: signals {\"a\":1}\n\n");
    starch_out_free(&sink);
}

/* With no options the event's head waits for the first data line (written with its
 * prefix) or for end: the same bytes as with options all the defaults, whatever is written
 * and however out streams. */
static void head_case(starch_out *dst, const starch_sse_opts *o, int how)
{
    starch_sse_stream st;
    starch_out *w = starch_sse_elements_begin(&st, dst, o);
    if (how == 1)
        starch_out_write(w, "<p>\r\nx</p>\r", 11);
    if (how == 2 || how == 3) { /* as an SSE variant writes: straight into dst */
        starch_sse_stream *s = starch__sse_stream_of(w, true);
        cr_assert_eq(s, &st);
        char *p = starch_out_reserve(s->dst, STARCH_SSE_OPEN_ROOM + 8);
        p = starch__sse_open(s, p);
        p = starch_put(p, "<b>", 3);
        starch_out_commit(s->dst, p);
        if (how == 3)
            starch_out_write(w, "\n<i>", 4); /* then through the buffer (end converts it) */
    }
    cr_assert_eq(starch_sse_elements_end(&st, NULL), 0);
}

Test(sse, stream_head_without_options_as_with_defaults)
{
    static const char *const want[] = {
        "event: datastar-patch-elements\n\n",
        "event: datastar-patch-elements\ndata: elements <p>\ndata: elements x</p>\n"
        "data: elements \n\n",
        "event: datastar-patch-elements\ndata: elements <b>\n\n",
        "event: datastar-patch-elements\ndata: elements <b>\ndata: elements <i>\n\n",
    };
    for (int how = 0; how < 4; how++)
        for (int streaming = 0; streaming < 2; streaming++)
            for (int opts = 0; opts < 2; opts++) {
                starch_out sink, dst;
                starch_out_init(&sink);
                starch_out_init(&dst);
                if (streaming)
                    starch_out_set_flush(&dst, collect, &sink);
                head_case(&dst, opts ? &(starch_sse_opts){0} : NULL, how);
                starch_out *got = streaming ? &sink : &dst;
                if (streaming) /* (the event flushed by end) */
                    cr_assert_eq(starch_out_len(&dst), 0);
                cr_assert_str_eq(starch_out_cstr(got), want[how], "how %d streaming %d opts %d",
                                 how, streaming, opts);
                starch_out_free(&sink);
                starch_out_free(&dst);
            }
}

/* end into an out that has failed: its error, nothing written. */
Test(sse, stream_end_into_a_failed_out)
{
    starch_out_set_flush(&out, failing_flush, NULL);
    starch_out_write(&out, "x", 1);
    starch_out_flush(&out);
    starch_sse_stream st;
    starch_sse_elements_begin(&st, &out, NULL);
    starch_error e;
    cr_assert_eq(starch_sse_elements_end(&st, &e), STARCH_ECLOSED);
    cr_assert_str_eq(e.message, "SSE: closed");
}

/* ---- The elements' data lines, scanner by scanner ------------------------------------ */

/* sse_lines.c copies the elements into their data lines 16 bytes at a time with SSE2 on
 * x86-64, 8 at a time elsewhere; both are exported, so this binary checks each against a
 * byte-at-a-time reference whatever the build picks. Values end at an inaccessible page
 * (a read past the end is a crash) and the room given ends at another (so is a write past
 * it). */

typedef const char *(*lines_fn)(char **, const char *, const char *, const char *, bool *);

static const struct {
    const char *name;
    lines_fn lines;
} line_scanners[] = {
    {"portable", starch__sse_lines_portable},
#if defined(__SSE2__) && !defined(STARCH_NO_SSE2)
    {"sse2", starch__sse_lines_sse2},
#endif
};
#define N_LINE_SCANNERS (sizeof line_scanners / sizeof line_scanners[0])

/* Two mappings of two pages, the second page of each inaccessible: src and dst end where
 * the accessible memory ends. */
static char *guarded(void)
{
    long page = sysconf(_SC_PAGESIZE);
    size_t size = 16 * (size_t)page;
    char *m = mmap(NULL, 2 * size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    cr_assert(m != MAP_FAILED);
    cr_assert_eq(mprotect(m + size, size, PROT_NONE), 0);
    return m + size;
}

static char *src_end, *dst_end;

/* The reference: s[0..n), each line break as SSE_LINES_BREAK; after a piece that ended in
 * '\r' (*cr), a first '\n' is skipped. Returns the length written at d. */
static size_t lines_reference(char *d, const char *s, size_t n, bool *cr)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n' && *cr && i == 0) {
            *cr = false;
            continue;
        }
        *cr = false;
        if (s[i] == '\n' || s[i] == '\r') {
            memcpy(d + o, SSE_LINES_BREAK, SSE_LINES_BREAK_LEN);
            o += SSE_LINES_BREAK_LEN;
            if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
                i++;
            else if (s[i] == '\r' && i + 1 == n)
                *cr = true;
        } else {
            d[o++] = s[i];
        }
    }
    return o;
}

/* Copies the piece s[0..n) through scanner k, giving it the least room it may be given
 * (again while it stops short), into d; returns the length written. */
static size_t lines_through(size_t k, char *d, const char *s, size_t n, bool *cr)
{
    if (dst_end == NULL)
        dst_end = guarded();
    size_t o = 0;
    const char *end = s + n;
    do {
        size_t room = (size_t)(end - s) + SSE_LINES_SLACK + SSE_LINES_BLOCK;
        char *w = dst_end - room, *w0 = w;
        const char *was = s;
        s = line_scanners[k].lines(&w, dst_end, s, end, cr);
        cr_assert(s > was || n == 0, "%s: no progress", line_scanners[k].name);
        cr_assert(s <= end && w >= w0 && w <= dst_end);
        memcpy(d + o, w0, (size_t)(w - w0));
        o += (size_t)(w - w0);
    } while (s < end);
    return o;
}

/* Checks value v[0..n), cut into pieces at each of cuts[0..ncuts) (ascending), with every
 * scanner against the reference. */
static void check_lines(const char *v, size_t n, const size_t *cuts, size_t ncuts)
{
    static char want[16 * 4096], got[16 * 4096];
    cr_assert_leq(n, 4096);
    if (src_end == NULL)
        src_end = guarded();
    bool rcr = false;
    size_t wl = 0, at = 0;
    for (size_t c = 0; c <= ncuts; c++) {
        size_t to = c < ncuts ? cuts[c] : n;
        wl += lines_reference(want + wl, v + at, to - at, &rcr);
        at = to;
    }
    for (size_t k = 0; k < N_LINE_SCANNERS; k++) {
        bool cr = false;
        size_t gl = 0;
        at = 0;
        for (size_t c = 0; c <= ncuts; c++) {
            size_t to = c < ncuts ? cuts[c] : n;
            char *piece = src_end - (to - at); /* each piece ends at the guard page */
            memcpy(piece, v + at, to - at);
            gl += lines_through(k, got + gl, piece, to - at, &cr);
            at = to;
        }
        cr_assert_eq(gl, wl, "%s: length %zu, want %zu (n %zu)", line_scanners[k].name, gl, wl, n);
        cr_assert(memcmp(got, want, wl) == 0, "%s: bytes differ (n %zu)", line_scanners[k].name, n);
        cr_assert_eq(cr, rcr, "%s: cr state", line_scanners[k].name);
    }
}

/* Every kind of line break at every position of values of 0 to 80 bytes, whole. */
Test(sse, lines_every_break_at_every_position)
{
    static const char *const breaks[] = {"\n", "\r\n", "\r", "\n\n", "\r\r", "\n\r", "\r\n\r\n"};
    char v[128];
    check_lines("", 0, NULL, 0);
    for (size_t n = 1; n <= 80; n++)
        for (size_t b = 0; b < sizeof breaks / sizeof *breaks; b++)
            for (size_t i = 0; i < n; i++) {
                size_t bl = strlen(breaks[b]);
                for (size_t j = 0; j < n; j++)
                    v[j] = (char)('a' + j % 26);
                size_t m = i + bl > n ? n : i + bl;
                memcpy(v + i, breaks[b], m - i);
                check_lines(v, n, NULL, 0);
            }
}

/* A value of line breaks and their look-alikes (the SSE2 scanner looks at 0x08..0x0f)
 * cut at every point, and at two points; breaks in each piece at every position. */
Test(sse, lines_cut_anywhere_even_inside_crlf)
{
    char v[80];
    for (size_t n = 1; n <= 70; n++) {
        for (size_t j = 0; j < n; j++)
            v[j] = "ab\r\n\t\v\f\x08\x0e\x0f\x00\xff\r\n\n"[(j * 7 + n) % 15];
        for (size_t c = 0; c <= n; c++) {
            check_lines(v, n, &c, 1);
            size_t two[2] = {c / 2, c};
            check_lines(v, n, two, 2);
        }
    }
}

/* Random values with line breaks of every kind, random pieces. */
Test(sse, lines_random_values_and_pieces)
{
    static const char alphabet[] = "<p>\n\r\r\n\t\x0b\x0c\x0e\x0f x&\"'\x00\x80\xff";
    char v[4096];
    for (int round = 0; round < 2000; round++) {
        size_t n = next() % (round < 1500 ? 100 : 4096);
        for (size_t j = 0; j < n; j++)
            v[j] = alphabet[next() % (sizeof alphabet - 1)];
        if (round % 3 == 0) /* few breaks: long runs for the 32-byte steps */
            for (size_t j = 0; j < n; j++)
                v[j] = next() % 64 ? (char)('a' + j % 26) : v[j];
        size_t cuts[8], nc = next() % 9;
        for (size_t c = 0; c < nc; c++)
            cuts[c] = n ? next() % (n + 1) : 0;
        for (size_t a = 0; a < nc; a++) /* ascending */
            for (size_t b = a + 1; b < nc; b++)
                if (cuts[b] < cuts[a]) {
                    size_t t = cuts[a];
                    cuts[a] = cuts[b];
                    cuts[b] = t;
                }
        check_lines(v, n, cuts, nc);
    }
}

/* A value of nothing but line breaks needs the most room: 16 bytes per byte. */
Test(sse, lines_all_breaks)
{
    char v[300];
    memset(v, '\n', sizeof v);
    check_lines(v, sizeof v, NULL, 0);
    memset(v, '\r', sizeof v);
    check_lines(v, sizeof v, NULL, 0);
    for (size_t j = 0; j < sizeof v; j++)
        v[j] = j % 2 ? '\n' : '\r';
    check_lines(v, sizeof v, NULL, 0);
    size_t cut = 151;
    check_lines(v, sizeof v, &cut, 1);
}

/* ---- The elements streamed: pieces of every size, tiny outs ------------------------- */

/* The event patch_elements writes for v[0..n), into a fresh buffer. */
static starch_out whole_event(const char *v, size_t n)
{
    starch_out w;
    starch_out_init(&w);
    cr_assert_eq(starch_sse_patch_elements(&w, v, n, NULL, NULL), 0);
    return w;
}

static void assert_same(const starch_out *a, const starch_out *b, const char *what)
{
    cr_assert_eq(starch_out_len(a), starch_out_len(b), "%s: lengths %zu and %zu", what,
                 starch_out_len(a), starch_out_len(b));
    cr_assert(memcmp(starch_out_data(a), starch_out_data(b), starch_out_len(a)) == 0,
              "%s: bytes differ", what);
}

/* The expected bytes, built by hand: every line break of the value a new data line. */
Test(sse, elements_exact_bytes_for_each_break)
{
    static const struct {
        const char *v, *want;
    } cases[] = {
        {"a", "data: elements a\n"},
        {"\n", "data: elements \ndata: elements \n"},
        {"\r", "data: elements \ndata: elements \n"},
        {"\r\n", "data: elements \ndata: elements \n"},
        {"\n\r", "data: elements \ndata: elements \ndata: elements \n"},
        {"a\r\rb", "data: elements a\ndata: elements \ndata: elements b\n"},
        {"<p>\r\n\t1</p>\r", "data: elements <p>\ndata: elements \t1</p>\ndata: elements \n"},
        {"0123456789abcdef\r\n0123456789abcde\r\n",
         "data: elements 0123456789abcdef\ndata: elements 0123456789abcde\ndata: elements \n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        starch_out_clear(&out);
        cr_assert_eq(ELEMENTS(cases[i].v), 0);
        char want[256];
        snprintf(want, sizeof want, "event: datastar-patch-elements\n%s\n", cases[i].want);
        cr_assert_str_eq(text(), want, "case %zu", i);
    }
}

/* Written a byte at a time with a flush after each: every \r\n is cut in two. */
Test(sse, stream_a_byte_at_a_time)
{
    const char *v = "<ul>\r\n  <li>a</li>\r\r\n\n<li>\r</li>\r\n</ul>\r";
    size_t n = strlen(v);
    starch_out whole = whole_event(v, n);
    starch_sse_stream st;
    starch_out *w = starch_sse_elements_begin(&st, &out, NULL);
    for (size_t i = 0; i < n; i++) {
        starch_out_write(w, v + i, 1);
        starch_out_flush(w);
    }
    cr_assert_eq(starch_sse_elements_end(&st, NULL), 0);
    assert_same(&out, &whole, "a byte at a time");
    starch_out_free(&whole);
}

/* One write far larger than the rendering buffer (it leaves st->buf for the heap, and
 * the value is copied in many reservations), into a streaming out whose own buffer is
 * 16 bytes of the caller's: the bytes that reach the client are the whole event's. */
Test(sse, stream_large_write_into_a_tiny_streaming_out)
{
    size_t n = 100000;
    char *v = random_html(n);
    starch_out whole = whole_event(v, n);
    starch_out sink, tiny;
    starch_out_init(&sink);
    char small[16];
    starch_out_init_buffer(&tiny, small, sizeof small);
    starch_out_set_flush(&tiny, collect, &sink);
    starch_sse_stream st;
    starch_out *w = starch_sse_elements_begin(&st, &tiny, NULL);
    starch_out_write(w, "x\r", 2);
    starch_out_write(w, v, n);
    starch_out_write(w, "\n", 1);
    cr_assert_eq(starch_sse_elements_end(&st, NULL), 0);
    cr_assert_eq(starch_out_len(&tiny), 0); /* the event was flushed */
    char *v2 = malloc(n + 3);
    memcpy(v2, "x\r", 2);
    memcpy(v2 + 2, v, n);
    v2[n + 2] = '\n';
    starch_out_free(&whole);
    whole = whole_event(v2, n + 3);
    assert_same(&sink, &whole, "large write");
    starch_out_free(&whole);
    starch_out_free(&sink);
    starch_out_free(&tiny);
    free(v2);
    free(v);
}

/* A streaming out that fails part way: the event ends with its error, whatever the
 * flush failed on, and writes nothing more. */
static int fail_after(void *ctx, const char *data, size_t len)
{
    (void)data;
    size_t *budget = ctx;
    if (len > *budget)
        return STARCH_EIO;
    *budget -= len;
    return 0;
}

Test(sse, stream_out_failing_part_way)
{
    for (size_t budget0 = 0; budget0 < 40000; budget0 += 997) {
        starch_out o;
        starch_out_init(&o);
        size_t budget = budget0;
        starch_out_set_flush(&o, fail_after, &budget);
        starch_sse_stream st;
        starch_out *w = starch_sse_elements_begin(&st, &o, NULL);
        for (int i = 0; i < 1000; i++)
            starch_out_write(w, "<p>a\r\nb</p>\r", 12);
        starch_error e;
        int rc = starch_sse_elements_end(&st, &e);
        cr_assert(rc == STARCH_OK || rc == STARCH_EIO, "budget %zu: %d", budget0, rc);
        if (rc == STARCH_EIO)
            cr_assert_str_eq(e.message, "SSE: output failed", "%s", e.message);
        cr_assert_eq(starch_out_error(&o), rc);
        starch_out_free(&o);
    }
}

/* An out already in error takes no event and reports its status. */
Test(sse, stream_into_an_out_in_error)
{
    starch_out_set_flush(&out, failing_flush, NULL);
    starch_out_write(&out, "x", 1);
    starch_out_flush(&out);
    cr_assert_eq(starch_out_error(&out), STARCH_ECLOSED);
    starch_sse_stream st;
    starch_out *w = starch_sse_elements_begin(&st, &out, NULL);
    starch_out_write(w, "<p>\n</p>", 8);
    cr_assert_eq(starch_sse_elements_end(&st, NULL), STARCH_ECLOSED);
    cr_assert_eq(starch_sse_patch_elements(&out, "<p></p>", 7, NULL, NULL), STARCH_ECLOSED);
}

/* A streaming out still sends in chunks of about STARCH_OUT_CHUNK: the copy reserves
 * little more than it writes. */
typedef struct {
    size_t smallest, last, total; /* smallest: of all flushes but the last */
} chunk_log;

static int log_chunk(void *ctx, const char *data, size_t len)
{
    (void)data;
    chunk_log *l = ctx;
    if (l->total && l->last < l->smallest)
        l->smallest = l->last;
    l->last = len;
    l->total += len;
    return 0;
}

Test(sse, stream_flushes_in_large_chunks)
{
    chunk_log log = {SIZE_MAX, 0, 0};
    starch_out o;
    starch_out_init(&o);
    starch_out_set_flush(&o, log_chunk, &log);
    starch_sse_stream st;
    starch_out *w = starch_sse_elements_begin(&st, &o, NULL);
    const char *li = "<li class=\"item\">an item of the list</li>\n";
    for (int i = 0; i < 20000; i++)
        starch_out_write(w, li, strlen(li));
    cr_assert_eq(starch_sse_elements_end(&st, NULL), 0);
    cr_assert_eq(log.total, 31 + 20000 * (15 + strlen(li)) + 16 + 1);
    cr_assert_geq(log.smallest * 2, STARCH_OUT_CHUNK, "a flush of %zu bytes", log.smallest);
    starch_out_free(&o);
}

/* ---- Headers ---------------------------------------------------------------------- */

Test(sse, headers)
{
    starch_header h[3];
    cr_assert_eq(starch_sse_headers("HTTP/1.1", h), 3);
    cr_assert_str_eq(h[0].name, "Content-Type");
    cr_assert_str_eq(h[0].value, "text/event-stream");
    cr_assert_str_eq(h[1].name, "Cache-Control");
    cr_assert_str_eq(h[1].value, "no-cache");
    cr_assert_str_eq(h[2].name, "Connection");
    cr_assert_str_eq(h[2].value, "keep-alive");
    cr_assert_eq(starch_sse_headers("HTTP/2", h), 2);
    cr_assert_eq(starch_sse_headers("HTTP/1.0", h), 2);
    cr_assert_eq(starch_sse_headers(NULL, h), 2);
    starch_sse_write_headers(&out, "HTTP/1.1");
    cr_assert_str_eq(text(), "Content-Type: text/event-stream\r\n"
                             "Cache-Control: no-cache\r\n"
                             "Connection: keep-alive\r\n");
    starch_out_clear(&out);
    starch_sse_write_headers(&out, "HTTP/2");
    cr_assert_str_eq(text(), "Content-Type: text/event-stream\r\nCache-Control: no-cache\r\n");
}

/* ---- The lines writers of generated code (SSE variants) ---------------------------- */

typedef char *(*lines_html_fn)(char *d, const char *s, const char *end, bool escape, bool *cr);

static const struct {
    const char *name;
    lines_html_fn fn;
} lines_writers[] = {
    {"portable", starch__sse_lines_html_portable},
#if defined(__SSE2__) && !defined(STARCH_NO_SSE2)
    {"sse2", starch__sse_lines_html_sse2},
#endif
};

/* The reference: s[0..n) escaped (with escape) and each break as SSE_LINES_BREAK. */
static size_t lines_html_reference(char *d, const char *s, size_t n, bool escape, bool *cr)
{
    size_t o = 0;
    *cr = false;
    for (size_t i = 0; i < n; i++) {
        const char *e = NULL;
        switch (s[i]) {
        case '&': e = "&amp;"; break;
        case '<': e = "&lt;"; break;
        case '>': e = "&gt;"; break;
        case '"': e = "&#34;"; break;
        case '\'': e = "&#39;"; break;
        default: break;
        }
        if (e && escape) {
            memcpy(d + o, e, strlen(e));
            o += strlen(e);
        } else if (s[i] == '\n' || s[i] == '\r') {
            memcpy(d + o, SSE_LINES_BREAK, SSE_LINES_BREAK_LEN);
            o += SSE_LINES_BREAK_LEN;
            if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
                i++;
            else if (s[i] == '\r' && i + 1 == n)
                *cr = true;
        } else {
            d[o++] = s[i];
        }
    }
    return o;
}

/* v[0..n) through every writer, escaped and not, the input ending at an inaccessible
 * page and the output with exactly its room (16 bytes a byte) before one. */
static void check_lines_html(const char *v, size_t n)
{
    static char want[16 * 4096];
    if (src_end == NULL)
        src_end = guarded();
    if (dst_end == NULL)
        dst_end = guarded();
    char *s = src_end - n;
    memcpy(s, v, n);
    for (int escape = 0; escape < 2; escape++) {
        bool wcr;
        size_t wl = lines_html_reference(want, v, n, escape, &wcr);
        for (size_t k = 0; k < sizeof lines_writers / sizeof *lines_writers; k++) {
            char *d = dst_end - 16 * n;
            bool cr = false;
            char *e = lines_writers[k].fn(d, s, src_end, escape, &cr);
            cr_assert_eq((size_t)(e - d), wl, "%s: length (n %zu, escape %d)",
                         lines_writers[k].name, n, escape);
            cr_assert(memcmp(d, want, wl) == 0, "%s: bytes (n %zu)", lines_writers[k].name, n);
            cr_assert_eq(cr, wcr, "%s: cr state (n %zu)", lines_writers[k].name, n);
        }
    }
}

/* Line breaks and bytes to escape at every position of values of 0 to 70 bytes. */
Test(sse, lines_html_every_stop_at_every_position)
{
    static const char *const stops[] = {"\n", "\r\n", "\r", "\r\r", "<",   "&",
                                        "\"", "'",    ">",  "\n<",  "\r&", "<\r"};
    char v[96];
    check_lines_html("", 0);
    for (size_t n = 1; n <= 70; n++)
        for (size_t b = 0; b < sizeof stops / sizeof *stops; b++)
            for (size_t i = 0; i < n; i++) {
                size_t bl = strlen(stops[b]);
                for (size_t j = 0; j < n; j++)
                    v[j] = (char)('a' + j % 26);
                size_t m = i + bl > n ? n : i + bl;
                memcpy(v + i, stops[b], m - i);
                check_lines_html(v, n);
            }
}

/* v[0..n): random bytes of those the writers stop at and their look-alikes (in a third
 * of the rounds mostly letters). */
static void random_value(char *v, size_t n, int round)
{
    static const char alphabet[] = "<p>\n\r\r\n\t\x0b\x0c\x0e\x0f x&\"'%;\x00\x80\xff=?";
    for (size_t j = 0; j < n; j++)
        v[j] = round % 3 == 0 && next() % 32 ? (char)('a' + j % 26)
                                             : alphabet[next() % (sizeof alphabet - 1)];
}

/* Random values of those bytes and their look-alikes. */
Test(sse, lines_html_random_values)
{
    char v[2048];
    for (int round = 0; round < 3000; round++) {
        size_t n = next() % (round < 2500 ? 80 : 2048);
        random_value(v, n, round);
        check_lines_html(v, n);
    }
}

/* starch__sse_has_break (starch_gen.h), both paths, every break at every position. */
Test(sse, has_break_every_position)
{
    if (src_end == NULL)
        src_end = guarded();
    for (size_t n = 0; n <= 70; n++)
        for (size_t i = 0; i <= n; i++)
            for (int c = 0; c < 4; c++) {
                char *s = src_end - n;
                for (size_t j = 0; j < n; j++)
                    s[j] = (char)(0x08 + (j % 8 == 2 || j % 8 == 5 ? 1 : j % 8)); /* no 0a, 0d */
                if (i < n)
                    s[i] = "\n\r\x0b\x0c"[c];
                bool want = i < n && c < 2;
                cr_assert_eq(starch__sse_has_break_portable(s, n), want, "portable n %zu i %zu", n,
                             i);
#if STARCH__SSE2
                cr_assert_eq(starch__sse_has_break_sse2(s, n), want, "sse2 n %zu i %zu", n, i);
#endif
            }
}

/* starch__sse_put_lines_scan (sse.c), the lines writers' out-of-line path: long values cut into
 * pieces, a \r\n or \r at every place around the pieces' ends, a '\n' first after a '\r'
 * (st->cr), into a buffer that must grow, with `rest` bytes of room after. */
Test(sse, put_lines_long_values_across_pieces)
{
    static char v[1600], want[16 * 1600 + 16];
    starch_sse_stream st;
    for (size_t n = 500; n <= 1560; n += 1060 / 4)
        for (size_t at = 500; at < 530 && at + 3 <= n; at++)
            for (int kind = 0; kind < 6; kind++)
                for (int first_cr = 0; first_cr < 2; first_cr++) {
                    for (size_t j = 0; j < n; j++)
                        v[j] = "ab<c&d\"e'f"[(j * 7) % 10];
                    /* (the 3-byte ones put a \r\r\n or \r\r\r across the 512-byte pieces) */
                    static const char *const br[] = {"\r\n", "\r",     "\n\r",
                                                     "\n\n", "\r\r\n", "\r\r\r"};
                    memcpy(v + at, br[kind], kind < 4 ? 2 : 3);
                    memcpy(v + n - 2, br[(kind + 1) % 4], 2);
                    v[0] = first_cr ? '\n' : v[0];
                    bool wcr;
                    size_t skip = first_cr; /* after a '\r': the value's first '\n' is its rest */
                    size_t wl = lines_html_reference(want, v + skip, n - skip, true, &wcr);
                    starch_out out;
                    starch_out_init(&out);
                    st.cr = first_cr;
                    char *p = starch_out_reserve(&out, 0);
                    p = starch__sse_put_lines_scan(&st, &out, p, 40, v, n, true);
                    cr_assert_geq((size_t)(out.data + out.cap - p), 40, "rest");
                    starch_out_commit(&out, p);
                    cr_assert_eq(starch_out_len(&out), wl, "n %zu at %zu kind %d", n, at, kind);
                    cr_assert(memcmp(starch_out_data(&out), want, wl) == 0, "n %zu at %zu", n, at);
                    cr_assert_eq(st.cr, wcr, "cr state n %zu at %zu kind %d", n, at, kind);
                    starch_out_free(&out);
                }
}

/* The out-of-line lines writers (sse.c) in each form: the piece loop (after a strlen for
 * a C string) and, where the runtime reads strings in blocks, the one pass. */
typedef struct {
    const char *name;
    bool cstr;
    char *(*bytes)(starch_sse_stream *, starch_out *, char *, size_t, const char *, size_t, bool);
    char *(*cstring)(starch_sse_stream *, starch_out *, char *, size_t, const char *);
} put_lines_form;

static const put_lines_form put_lines_forms[] = {
    {"bytes scan", false, starch__sse_put_lines_scan, NULL},
    {"cstr scan", true, NULL, starch__sse_put_lines_cstr_scan},
#if STARCH_SCAN_OVERREAD
    {"bytes blocks", false, starch__sse_put_lines_blocks, NULL},
    {"cstr blocks", true, NULL, starch__sse_put_lines_cstr_blocks},
#endif
    {"bytes", false, starch__sse_put_lines, NULL},
    {"cstr", true, NULL, starch__sse_put_lines_cstr},
};

/* v[0..n) through every form (C strings: escaped, when v holds no NUL), the value ending
 * at an inaccessible page (a C string's NUL its last byte), after `used` bytes of a
 * buffer of `cap`, with st->cr set first or not; the bytes, st->cr and the room after. */
static void check_put_lines(const char *v, size_t n, size_t cap, size_t used)
{
    static char want[16 * 4096 + 16];
    if (src_end == NULL)
        src_end = guarded();
    for (size_t f = 0; f < sizeof put_lines_forms / sizeof *put_lines_forms; f++)
        for (int escape = 0; escape < 2; escape++)
            for (int first_cr = 0; first_cr < 2; first_cr++) {
                const put_lines_form *w = &put_lines_forms[f];
                if (w->cstr && (!escape || memchr(v, 0, n)))
                    continue;
                size_t skip = first_cr && n && v[0] == '\n';
                bool wcr;
                size_t wl = lines_html_reference(want, v + skip, n - skip, escape, &wcr);
                if (n == 0)
                    wcr = first_cr; /* an empty value leaves it */
                char *s = src_end - n - w->cstr;
                memcpy(s, v, n);
                if (w->cstr)
                    s[n] = 0;
                starch_out o;
                starch_out_init(&o);
                char *p = starch_out_reserve(&o, cap);
                memset(p, '.', used);
                starch_out_commit(&o, p + used);
                p = starch_out_reserve(&o, 0);
                starch_sse_stream st;
                st.cr = first_cr;
                p = w->cstr ? w->cstring(&st, &o, p, 40, s)
                            : w->bytes(&st, &o, p, 40, s, n, escape);
                cr_assert_geq((size_t)(o.data + o.cap - p), 40, "%s: rest (n %zu)", w->name, n);
                starch_out_commit(&o, p);
                cr_assert_eq(starch_out_len(&o), used + wl, "%s: length (n %zu, escape %d, cr %d)",
                             w->name, n, escape, first_cr);
                cr_assert(memcmp(starch_out_data(&o) + used, want, wl) == 0, "%s: bytes (n %zu)",
                          w->name, n);
                cr_assert_eq(st.cr, wcr, "%s: cr state (n %zu, cr %d)", w->name, n, first_cr);
                starch_out_free(&o);
            }
}

/* Stops (breaks, bytes to escape, the controls the one pass looks at) at every position
 * of values of 0 to 150 bytes, into a buffer with room and one that must grow. */
Test(sse, put_lines_forms_every_stop_at_every_position)
{
    static const char *const stops[] = {"\n", "\r\n", "\r", "\r\r", "<",    "&",    "\"",
                                        "'",  ">",    "\t", "\x0b", "\x01", "\n\r", "\r&"};
    char v[160];
    check_put_lines("", 0, 64, 0);
    for (size_t n = 1; n <= 150; n += n < 70 ? 1 : 17)
        for (size_t b = 0; b < sizeof stops / sizeof *stops; b++)
            for (size_t i = 0; i < n; i++) {
                size_t bl = strlen(stops[b]);
                for (size_t j = 0; j < n; j++)
                    v[j] = (char)('a' + j % 26);
                size_t m = i + bl > n ? n : i + bl;
                memcpy(v + i, stops[b], m - i);
                check_put_lines(v, n, i % 2 ? 4096 : 64, i % 2 ? 0 : 60 - i % 60);
            }
}

/* Random values, short and long (across the pieces of the piece loop and many steps of
 * the one pass), NULs in the bytes forms' values. */
Test(sse, put_lines_forms_random_values)
{
    char v[2048];
    for (int round = 0; round < 1500; round++) {
        size_t n = next() % (round < 1200 ? 100 : 2048);
        random_value(v, n, round);
        check_put_lines(v, n, round % 2 ? 16384 : 100, round % 5);
    }
}
