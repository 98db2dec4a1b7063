/* test_datastar_attrs.c — Datastar attribute names in templates: every row of SPEC.md's
 * attribute table with passing names (no diagnostic) and failing names (the exact
 * diagnostic), pre-v1 spellings, ordinary data attributes and the value kinds. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datastar.h"

/* Checks `<div NAME>` (or `<div NAME="v">`) and returns what was reported (malloc'd). */
static char *check(const char *name, bool has_value, int *n_errors)
{
    char text[512];
    snprintf(text, sizeof text, "<div %s%s>", name, has_value ? "=\"v\"" : "");
    starch_out o;
    starch_out_init(&o);
    Source src = {"t.starch", text, strlen(text)};
    Diag d = {.out = &o};
    datastar_check_attr(&d, &src, 5, text + 5, strlen(name), has_value);
    diag_finish(&d);
    *n_errors = d.n_errors;
    char *r = strdup(starch_out_cstr(&o));
    starch_out_free(&o);
    return r;
}

/* The diagnostic of one error at index `at` of the name. */
static char *expected(const char *name, bool has_value, int at, const char *msg)
{
    char *r = malloc(2048);
    snprintf(r, 2048, "t.starch:1:%d: error: %s\n    1 | <div %s%s>\n      | %*s^\n", 6 + at, msg,
             name, has_value ? "=\"v\"" : "", 5 + at, "");
    return r;
}

typedef struct Ok {
    const char *name;
    bool value;
} Ok;

typedef struct Bad {
    const char *name;
    bool value;
    const char *caret; /* the caret: under the first occurrence of this in the name; NULL:
                        * under its start; "END": just after it */
    const char *msg;
} Bad;

static void pass(const Ok *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int errors;
        char *got = check(cases[i].name, cases[i].value, &errors);
        cr_expect_str_eq(got, "", "%s%s", cases[i].name, cases[i].value ? "=…" : "");
        cr_expect_eq(errors, 0, "%s", cases[i].name);
        free(got);
    }
}

static void fail(const Bad *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const Bad *c = &cases[i];
        int errors;
        char *got = check(c->name, c->value, &errors);
        const char *hit = c->caret == NULL               ? c->name
                          : strcmp(c->caret, "END") == 0 ? c->name + strlen(c->name)
                                                         : strstr(c->name, c->caret);
        cr_assert_not_null(hit, "caret text '%s' not in '%s'", c->caret, c->name);
        char *want = expected(c->name, c->value, (int)(hit - c->name), c->msg);
        cr_expect_str_eq(got, want, "%s", c->name);
        cr_expect_eq(errors, 1, "%s", c->name);
        free(got);
        free(want);
    }
}

#define PASS(...)                                                                                  \
    do {                                                                                           \
        static const Ok cases_[] = {__VA_ARGS__};                                                  \
        pass(cases_, sizeof cases_ / sizeof cases_[0]);                                            \
    } while (0)

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        static const Bad cases_[] = {__VA_ARGS__};                                                 \
        fail(cases_, sizeof cases_ / sizeof cases_[0]);                                            \
    } while (0)

#define V  true  /* written with a value */
#define NV false /* written without one */

#define DA "Datastar attribute "

Test(datastar_attrs, signals)
{
    PASS({"data-signals", V}, {"data-signals:foo.bar", V}, {"data-signals:my-sig__case.kebab", V},
         {"data-signals__ifmissing", V}, {"data-signals:count__ifmissing__case.snake", V},
         {"DATA-SIGNALS:Foo", V});
    FAIL({"data-signals", NV, NULL,
          DA "'data-signals': data-signals needs a value (a JavaScript expression)"},
         {"data-signals__ifmissing.x", V, "x",
          DA "'data-signals__ifmissing.x': modifier '__ifmissing' takes no arguments"},
         {"data-signals:", V, "END", DA "'data-signals:': empty key after ':'"},
         {"data-signals-foo", V, NULL,
          DA "'data-signals-foo' is pre-v1 syntax; did you mean 'data-signals:foo'?"});
}

Test(datastar_attrs, computed)
{
    PASS({"data-computed", V}, {"data-computed:total", V}, {"data-computed:a-b__case.snake", V});
    FAIL({"data-computed:total", NV, NULL,
          DA "'data-computed:total': data-computed needs a value (a JavaScript expression)"},
         {"data-computed__ifmissing", V, "__",
          DA "'data-computed__ifmissing': unknown modifier '__ifmissing' (data-computed takes "
             "__case)"},
         {"data-computed-total", V, NULL,
          DA "'data-computed-total' is pre-v1 syntax; did you mean 'data-computed:total'?"});
}

Test(datastar_attrs, bind)
{
    PASS({"data-bind:name", NV}, {"data-bind", V}, {"data-bind:user-name__case.camel", NV},
         {"data-bind__prop.checked", V}, {"data-bind:x__event.input.change", NV},
         {"data-bind:x__prop.value__event.keyup", NV});
    FAIL({"data-bind:x", V, NULL,
          DA "'data-bind:x': data-bind takes a signal name as its key or as its value, not "
             "both"},
         {"data-bind", NV, NULL,
          DA "'data-bind': data-bind needs a signal name, as its key (data-bind:NAME) or as its "
             "value"},
         {"data-bind:x__prop", NV, "__",
          DA "'data-bind:x__prop': modifier '__prop' needs a property name, as in "
             "'__prop.checked'"},
         {"data-bind:x__prop.a.c", NV, "c",
          DA "'data-bind:x__prop.a.c': modifier '__prop' takes one argument"},
         {"data-bind:x__event", NV, "__",
          DA "'data-bind:x__event': modifier '__event' needs one or more event names, as in "
             "'__event.input.change'"},
         {"data-bind:x__case.upper", NV, "upper",
          DA "'data-bind:x__case.upper': modifier '__case' takes camel, kebab, snake or "
             "pascal, not 'upper'"},
         {"data-bind:x__case", NV, "__",
          DA "'data-bind:x__case': modifier '__case' needs one of camel, kebab, snake, "
             "pascal"},
         {"data-bind:x__case.camel.snake", NV, "snake",
          DA "'data-bind:x__case.camel.snake': modifier '__case' takes one argument"},
         {"data-bind-x", NV, NULL,
          DA "'data-bind-x' is pre-v1 syntax; did you mean 'data-bind:x'?"});
}

Test(datastar_attrs, on)
{
    PASS({"data-on:click", V}, {"data-on:click__once__prevent", V},
         {"data-on:input__debounce.500ms.leading", V},
         {"data-on:input__debounce.1s.notrailing.leading", V},
         {"data-on:input__throttle.1s.noleading.trailing", V}, {"data-on:keydown__window", V},
         {"data-on:click__delay.250", V}, {"data-on:my-event__case.camel", V},
         {"data-on:click__outside__stop__capture__passive__document__viewtransition__trusted", V},
         {"DATA-ON:CLICK__DEBOUNCE.1S", V}, {"data-on:datastar-fetch", V});
    FAIL({"data-on", V, NULL,
          DA "'data-on': data-on needs a key (an event name), as in 'data-on:click'"},
         {"data-on__once", V, NULL,
          DA "'data-on__once': data-on needs a key (an event name), as in 'data-on:click'"},
         {"data-on:click", NV, NULL,
          DA "'data-on:click': data-on needs a value (a JavaScript expression)"},
         {"data-on:click__foo", V, "__",
          DA "'data-on:click__foo': unknown modifier '__foo' (data-on takes __once, __passive, "
             "__capture, __window, __document, __outside, __prevent, __stop, __trusted, "
             "__debounce, __throttle, __delay, __viewtransition, __case)"},
         {"data-on:input__debounce", V, "__",
          DA "'data-on:input__debounce': modifier '__debounce' needs a duration, as in "
             "'__debounce.500ms'"},
         {"data-on:input__debounce.fast", V, "fast",
          DA "'data-on:input__debounce.fast': 'fast' is not a duration (write 500ms, 1s or a "
             "number of milliseconds)"},
         {"data-on:input__debounce.5m", V, "5m",
          DA "'data-on:input__debounce.5m': '5m' is not a duration (write 500ms, 1s or a "
             "number of milliseconds)"},
         {"data-on:input__debounce.500ms.notleading", V, "notleading",
          DA "'data-on:input__debounce.500ms.notleading': modifier '__debounce' takes "
             "'leading' or 'notrailing' after the duration, not 'notleading'"},
         {"data-on:input__throttle.1s.leading", V, "leading",
          DA "'data-on:input__throttle.1s.leading': modifier '__throttle' takes 'noleading' "
             "or 'trailing' after the duration, not 'leading'"},
         {"data-on:click__once.now", V, "now",
          DA "'data-on:click__once.now': modifier '__once' takes no arguments"},
         {"data-on:click__delay.1s.leading", V, "leading",
          DA "'data-on:click__delay.1s.leading': modifier '__delay' takes only a duration, not "
             "'leading'"},
         {"data-on:click__", V, "__", DA "'data-on:click__': empty modifier name after '__'"},
         {"data-on:click__debounce..5", V, "..",
          DA "'data-on:click__debounce..5': empty argument after '.' in modifier "
             "'__debounce'"},
         {"data-on:", V, "END", DA "'data-on:': empty key after ':'"},
         {"data-on-click", V, NULL,
          DA "'data-on-click' is pre-v1 syntax; did you mean 'data-on:click'?"},
         {"data-on-click__debounce.500ms", V, NULL,
          DA "'data-on-click__debounce.500ms' is pre-v1 syntax; did you mean "
             "'data-on:click__debounce.500ms'?"},
         {"data-on-Click", V, NULL,
          DA "'data-on-Click' is pre-v1 syntax; did you mean 'data-on:Click'?"},
         {"data-on-load", V, NULL, DA "'data-on-load' is pre-v1 syntax; did you mean 'data-init'?"},
         {"data-on-load__delay.1s", V, NULL,
          DA "'data-on-load__delay.1s' is pre-v1 syntax; did you mean 'data-init__delay.1s'?"});
}

Test(datastar_attrs, text_show_effect)
{
    PASS({"data-text", V}, {"data-show", V}, {"data-effect", V}, {"Data-Text", V});
    FAIL({"data-text", NV, NULL,
          DA "'data-text': data-text needs a value (a JavaScript expression)"},
         {"data-show:x", V, "x", DA "'data-show:x': data-show takes no key"},
         {"data-effect__once", V, "__", DA "'data-effect__once': data-effect takes no modifiers"});
}

Test(datastar_attrs, init)
{
    PASS({"data-init", V}, {"data-init__delay.1s__viewtransition", V}, {"data-init__delay.500", V});
    FAIL({"data-init", NV, NULL,
          DA "'data-init': data-init needs a value (a JavaScript expression)"},
         {"data-init__once", V, "__",
          DA "'data-init__once': unknown modifier '__once' (data-init takes __delay, "
             "__viewtransition)"},
         {"data-init:x", V, "x", DA "'data-init:x': data-init takes no key"});
}

Test(datastar_attrs, class_attr_style)
{
    PASS({"data-class:active", V}, {"data-class", V}, {"data-class:my-class__case.kebab", V},
         {"data-attr:title", V}, {"data-attr", V}, {"data-style:display", V}, {"data-style", V});
    FAIL({"data-class:active", NV, NULL,
          DA "'data-class:active': data-class needs a value (a JavaScript expression)"},
         {"data-attr:title__case.kebab", V, "__",
          DA "'data-attr:title__case.kebab': data-attr takes no modifiers"},
         {"data-style:color__once", V, "__",
          DA "'data-style:color__once': data-style takes no modifiers"},
         {"data-style:", V, "END", DA "'data-style:': empty key after ':'"},
         {"data-class-active", V, NULL,
          DA "'data-class-active' is pre-v1 syntax; did you mean 'data-class:active'?"},
         {"data-attr-title", V, NULL,
          DA "'data-attr-title' is pre-v1 syntax; did you mean 'data-attr:title'?"},
         {"data-style-color", V, NULL,
          DA "'data-style-color' is pre-v1 syntax; did you mean 'data-style:color'?"});
}

Test(datastar_attrs, ref_indicator)
{
    PASS({"data-ref:el", NV}, {"data-ref", V}, {"data-indicator:loading", NV},
         {"data-indicator", V}, {"data-indicator:fetching__case.kebab", NV});
    FAIL(
        {"data-ref", NV, NULL,
         DA "'data-ref': data-ref needs a signal name, as its key (data-ref:NAME) or as its "
            "value"},
        {"data-indicator:x", V, NULL,
         DA "'data-indicator:x': data-indicator takes a signal name as its key or as its "
            "value, not both"},
        {"data-indicator:x__once", NV, "__",
         DA "'data-indicator:x__once': unknown modifier '__once' (data-indicator takes "
            "__case)"},
        {"data-ref-el", NV, NULL, DA "'data-ref-el' is pre-v1 syntax; did you mean 'data-ref:el'?"},
        {"data-indicator-loading", NV, NULL,
         DA "'data-indicator-loading' is pre-v1 syntax; did you mean "
            "'data-indicator:loading'?"},
        {"data-fetch-indicator", V, NULL,
         DA "'data-fetch-indicator' is pre-v1 syntax; did you mean 'data-indicator'?"});
}

Test(datastar_attrs, json_signals)
{
    PASS({"data-json-signals", NV}, {"data-json-signals", V}, {"data-json-signals__terse", NV});
    FAIL({"data-json-signals:x", NV, "x",
          DA "'data-json-signals:x': data-json-signals takes no key"},
         {"data-json-signals__terse.x", NV, "x",
          DA "'data-json-signals__terse.x': modifier '__terse' takes no arguments"},
         {"data-json-signals__case.camel", NV, "__",
          DA "'data-json-signals__case.camel': unknown modifier '__case' (data-json-signals "
             "takes __terse)"});
}

Test(datastar_attrs, on_intersect)
{
    PASS({"data-on-intersect", V}, {"data-on-intersect__once__half", V},
         {"data-on-intersect__full", V}, {"data-on-intersect__threshold.25", V},
         {"data-on-intersect__threshold.100", V},
         {"data-on-intersect__exit__debounce.100ms__viewtransition", V},
         {"data-on-intersect__delay.1s__throttle.2s", V});
    FAIL(
        {"data-on-intersect", NV, NULL,
         DA "'data-on-intersect': data-on-intersect needs a value (a JavaScript expression)"},
        {"data-on-intersect:x", V, "x", DA "'data-on-intersect:x': data-on-intersect takes no key"},
        {"data-on-intersect__threshold", V, "__",
         DA "'data-on-intersect__threshold': modifier '__threshold' needs a percentage from 0 "
            "to 100, as in '__threshold.25'"},
        {"data-on-intersect__threshold.150", V, "150",
         DA "'data-on-intersect__threshold.150': '150' is not a percentage from 0 to 100"},
        {"data-on-intersect__threshold.25.7", V, "7",
         DA "'data-on-intersect__threshold.25.7': modifier '__threshold' takes one argument"},
        {"data-on-intersect__prevent", V, "__",
         DA "'data-on-intersect__prevent': unknown modifier '__prevent' (data-on-intersect "
            "takes __once, __half, __full, __threshold, __exit, __delay, __debounce, "
            "__throttle, __viewtransition)"},
        {"data-intersects", V, NULL,
         DA "'data-intersects' is pre-v1 syntax; did you mean 'data-on-intersect'?"});
}

Test(datastar_attrs, on_interval)
{
    PASS({"data-on-interval", V}, {"data-on-interval__duration.2s", V},
         {"data-on-interval__duration.500ms.leading", V}, {"data-on-interval__viewtransition", V});
    FAIL({"data-on-interval", NV, NULL,
          DA "'data-on-interval': data-on-interval needs a value (a JavaScript expression)"},
         {"data-on-interval__duration", V, "__",
          DA "'data-on-interval__duration': modifier '__duration' needs a duration, as in "
             "'__duration.500ms'"},
         {"data-on-interval__duration.2s.trailing", V, "trailing",
          DA "'data-on-interval__duration.2s.trailing': modifier '__duration' takes 'leading' "
             "after the duration, not 'trailing'"},
         {"data-on-interval__once", V, "__",
          DA "'data-on-interval__once': unknown modifier '__once' (data-on-interval takes "
             "__duration, __viewtransition)"},
         {"data-on-interval:x", V, "x", DA "'data-on-interval:x': data-on-interval takes no key"});
}

Test(datastar_attrs, on_signal_patch)
{
    PASS({"data-on-signal-patch", V}, {"data-on-signal-patch__debounce.1s", V},
         {"data-on-signal-patch__throttle.200ms.trailing", V}, {"data-on-signal-patch__delay.5", V},
         {"data-on-signal-patch-filter", V});
    FAIL({"data-on-signal-patch", NV, NULL,
          DA "'data-on-signal-patch': data-on-signal-patch needs a value (a JavaScript "
             "expression)"},
         {"data-on-signal-patch__once", V, "__",
          DA "'data-on-signal-patch__once': unknown modifier '__once' (data-on-signal-patch "
             "takes __delay, __debounce, __throttle)"},
         {"data-on-signal-patch:x", V, "x",
          DA "'data-on-signal-patch:x': data-on-signal-patch takes no key"},
         {"data-on-signal-patch-filter", NV, NULL,
          DA "'data-on-signal-patch-filter': data-on-signal-patch-filter needs a value (a "
             "filter object)"},
         {"data-on-signal-patch-filter__once", V, "__",
          DA "'data-on-signal-patch-filter__once': data-on-signal-patch-filter takes no "
             "modifiers"},
         {"data-on-signal-change", V, NULL,
          DA "'data-on-signal-change' is pre-v1 syntax; did you mean 'data-on-signal-patch'?"});
}

Test(datastar_attrs, ignore)
{
    PASS({"data-ignore", NV}, {"data-ignore__self", NV}, {"data-ignore-morph", NV});
    FAIL({"data-ignore", V, NULL, DA "'data-ignore': data-ignore takes no value"},
         {"data-ignore-morph", V, NULL, DA "'data-ignore-morph': data-ignore-morph takes no value"},
         {"data-ignore-morph__self", NV, "__",
          DA "'data-ignore-morph__self': data-ignore-morph takes no modifiers"},
         {"data-ignore:x", NV, "x", DA "'data-ignore:x': data-ignore takes no key"},
         {"data-ignore__self.x", NV, "x",
          DA "'data-ignore__self.x': modifier '__self' takes no arguments"},
         {"data-star-ignore", NV, NULL,
          DA "'data-star-ignore' is pre-v1 syntax; did you mean 'data-ignore'?"});
}

Test(datastar_attrs, preserve_attr)
{
    PASS({"data-preserve-attr", V});
    FAIL({"data-preserve-attr", NV, NULL,
          DA "'data-preserve-attr': data-preserve-attr needs a value (space-separated attribute "
             "names)"},
         {"data-preserve-attr:open", V, "open",
          DA "'data-preserve-attr:open': data-preserve-attr takes no key"});
}

Test(datastar_attrs, removed_plugins)
{
    FAIL({"data-persist", NV, NULL,
          DA "'data-persist' is not in Datastar v1 (it moved to Datastar Pro); the v1 client "
             "ignores it"},
         {"data-replace-url", V, NULL,
          DA "'data-replace-url' is not in Datastar v1 (it moved to Datastar Pro); the v1 "
             "client ignores it"},
         {"data-scroll-into-view__smooth", NV, NULL,
          DA "'data-scroll-into-view__smooth' is not in Datastar v1 (it moved to Datastar "
             "Pro); the v1 client ignores it"});
}

Test(datastar_attrs, ordinary_attributes_pass)
{
    PASS({"data-foo", V}, {"data-id", V}, {"data-user-name", V}, {"data-text-color", V},
         {"data-", V}, {"data-showcase", V}, {"data-online", V}, {"id", V}, {"class", V},
         {"href", V}, {"onclick", V}, {"data", V}, {"data-x__y", NV}, {"data-on-", V});
}

/* Several problems in one attribute are all reported, by column. */
Test(datastar_attrs, several_errors)
{
    int errors;
    char *got = check("data-text:x__once", NV, &errors);
    cr_expect_eq(errors, 3);
    cr_expect_str_eq(
        got, "t.starch:1:6: error: Datastar attribute 'data-text:x__once': data-text needs a "
             "value (a JavaScript expression)\n"
             "    1 | <div data-text:x__once>\n"
             "      |      ^\n"
             "t.starch:1:16: error: Datastar attribute 'data-text:x__once': data-text takes no "
             "key\n"
             "    1 | <div data-text:x__once>\n"
             "      |                ^\n"
             "t.starch:1:17: error: Datastar attribute 'data-text:x__once': data-text takes no "
             "modifiers\n"
             "    1 | <div data-text:x__once>\n"
             "      |                 ^\n");
    free(got);
}

static DsValue kind(const char *name)
{
    return datastar_value_kind(name, strlen(name));
}

Test(datastar_attrs, value_kinds)
{
    cr_expect_eq(kind("data-on:click__debounce.1s"), DS_EXPR);
    cr_expect_eq(kind("data-text"), DS_EXPR);
    cr_expect_eq(kind("data-show"), DS_EXPR);
    cr_expect_eq(kind("data-effect"), DS_EXPR);
    cr_expect_eq(kind("data-computed:x"), DS_EXPR);
    cr_expect_eq(kind("data-class"), DS_EXPR);
    cr_expect_eq(kind("data-class:active"), DS_EXPR);
    cr_expect_eq(kind("data-attr"), DS_ATTR);
    cr_expect_eq(kind("data-attr:title"), DS_ATTR);
    cr_expect_eq(kind("data-style:color"), DS_EXPR);
    cr_expect_eq(kind("data-signals"), DS_EXPR);
    cr_expect_eq(kind("data-signals:a.b__ifmissing"), DS_EXPR);
    cr_expect_eq(kind("data-init"), DS_EXPR);
    cr_expect_eq(kind("data-on-intersect"), DS_EXPR);
    cr_expect_eq(kind("data-on-interval"), DS_EXPR);
    cr_expect_eq(kind("data-on-signal-patch"), DS_EXPR);
    cr_expect_eq(kind("data-on-signal-patch-filter"), DS_EXPR);
    cr_expect_eq(kind("data-json-signals"), DS_EXPR);
    cr_expect_eq(kind("data-attr:href"), DS_ATTR);
    cr_expect_eq(kind("data-attr:SRC"), DS_ATTR);
    cr_expect_eq(kind("data-bind"), DS_NAME);
    cr_expect_eq(kind("data-bind:x"), DS_NAME);
    cr_expect_eq(kind("data-ref"), DS_NAME);
    cr_expect_eq(kind("data-indicator"), DS_NAME);
    cr_expect_eq(kind("data-preserve-attr"), DS_NAME);
    cr_expect_eq(kind("data-ignore"), DS_NOVALUE);
    cr_expect_eq(kind("data-ignore-morph"), DS_NOVALUE);
    cr_expect_eq(kind("data-foo"), DS_NOT);
    cr_expect_eq(kind("data-text-color"), DS_NOT);
    cr_expect_eq(kind("class"), DS_NOT);
    cr_expect_eq(kind("href"), DS_NOT);
    cr_expect_eq(kind("DATA-ON:CLICK"), DS_EXPR);
    /* pre-v1 spellings are classified as the v1 attribute they stand for */
    cr_expect_eq(kind("data-on-click"), DS_EXPR);
    cr_expect_eq(kind("data-bind-x"), DS_NAME);
    cr_expect_eq(kind("data-attr-href"), DS_ATTR);
    cr_expect_eq(kind("data-persist"), DS_EXPR);
    /* only the first len bytes count */
    cr_expect_eq(datastar_value_kind("data-text-color", 9), DS_EXPR);
}

/* The key of data-attr:KEY as "at+n", or "none" for the keyless form. */
static const char *attr_key(const char *name)
{
    static char buf[64];
    size_t at, n;
    if (!datastar_attr_key(name, strlen(name), &at, &n))
        return "none";
    snprintf(buf, sizeof buf, "%zu+%zu", at, n);
    return buf;
}

Test(datastar_attrs, attr_keys)
{
    cr_expect_str_eq(attr_key("data-attr:href"), "10+4");
    cr_expect_str_eq(attr_key("DATA-ATTR:OnClick"), "10+7");
    cr_expect_str_eq(attr_key("data-attr:xlink:href"), "10+10");
    cr_expect_str_eq(attr_key("data-attr:data-on:click__once"), "10+13");
    cr_expect_str_eq(attr_key("data-attr:"), "10+0");
    cr_expect_str_eq(attr_key("data-attr"), "none");
    cr_expect_str_eq(attr_key("data-attr__case.kebab"), "none");
    /* the pre-v1 spelling (an error of its own) */
    cr_expect_str_eq(attr_key("data-attr-href"), "10+4");
    cr_expect_str_eq(attr_key("data-text"), "none");
    cr_expect_str_eq(attr_key("href"), "none");
}
