/* datastar.c — Datastar v1 attribute names: classification and checks (see datastar.h).
 *
 * The table below is SPEC.md's attribute table, row for row. Names are compared without
 * regard to ASCII case, as browsers lower-case attribute names before Datastar sees them.
 * One addition to SPEC.md: `data-on__trusted`, which the v1 client's `on` plugin reads. */
#include "datastar.h"

#include <stdio.h>
#include <string.h>

/* Whether a plugin takes a key (`data-on:KEY`) or a value (`="…"`). */
enum { NONE, OPTIONAL, REQUIRED, EITHER /* the key or the value, not both */ };

/* How the arguments of a modifier (`__debounce.500ms.leading`) are checked. */
typedef enum ArgKind {
    A_NONE,    /* none: __once */
    A_TIME,    /* a duration, then flags from Mod.flags in any order: __debounce.1s.leading */
    A_CASE,    /* exactly one of camel, kebab, snake, pascal */
    A_PERCENT, /* exactly one integer from 0 to 100: __threshold.25 */
    A_NAME,    /* exactly one name: __prop.checked */
    A_NAMES,   /* one or more names: __event.input.change */
} ArgKind;

typedef struct Mod {
    const char *name; /* lower case, without the leading "__" */
    ArgKind args;
    const char *flags; /* A_TIME: the flags allowed after the duration, space-separated */
} Mod;

typedef struct Plugin {
    const char *name; /* after "data-", lower case */
    unsigned char key, value;
    DsValue kind;
    const char *key_what;   /* messages: what the key is ("the event name") */
    const char *value_what; /* messages: what the value is ("a JavaScript expression") */
    const Mod *const *mods; /* ends with NULL; NULL: the plugin takes no modifiers */
} Plugin;

/* The modifiers, each once; a plugin lists the ones it takes. */
static const Mod m_case = {"case", A_CASE, NULL};
static const Mod m_delay = {"delay", A_TIME, ""};
static const Mod m_debounce = {"debounce", A_TIME, "leading notrailing"};
static const Mod m_throttle = {"throttle", A_TIME, "noleading trailing"};
static const Mod m_viewtransition = {"viewtransition", A_NONE, NULL};
static const Mod m_ifmissing = {"ifmissing", A_NONE, NULL};
static const Mod m_prop = {"prop", A_NAME, NULL};
static const Mod m_event = {"event", A_NAMES, NULL};
static const Mod m_once = {"once", A_NONE, NULL};
static const Mod m_passive = {"passive", A_NONE, NULL};
static const Mod m_capture = {"capture", A_NONE, NULL};
static const Mod m_window = {"window", A_NONE, NULL};
static const Mod m_document = {"document", A_NONE, NULL};
static const Mod m_outside = {"outside", A_NONE, NULL};
static const Mod m_prevent = {"prevent", A_NONE, NULL};
static const Mod m_stop = {"stop", A_NONE, NULL};
static const Mod m_trusted = {"trusted", A_NONE, NULL};
static const Mod m_terse = {"terse", A_NONE, NULL};
static const Mod m_half = {"half", A_NONE, NULL};
static const Mod m_full = {"full", A_NONE, NULL};
static const Mod m_threshold = {"threshold", A_PERCENT, NULL};
static const Mod m_exit = {"exit", A_NONE, NULL};
static const Mod m_duration = {"duration", A_TIME, "leading"};
static const Mod m_self = {"self", A_NONE, NULL};

/* clang-format off */
static const Mod *const case_mods[] = {&m_case, NULL};
static const Mod *const signals_mods[] = {&m_ifmissing, &m_case, NULL};
static const Mod *const bind_mods[] = {&m_case, &m_prop, &m_event, NULL};
static const Mod *const on_mods[] = {
    &m_once, &m_passive, &m_capture, &m_window, &m_document, &m_outside, &m_prevent, &m_stop,
    &m_trusted, &m_debounce, &m_throttle, &m_delay, &m_viewtransition, &m_case, NULL};
static const Mod *const init_mods[] = {&m_delay, &m_viewtransition, NULL};
static const Mod *const json_signals_mods[] = {&m_terse, NULL};
static const Mod *const intersect_mods[] = {
    &m_once, &m_half, &m_full, &m_threshold, &m_exit, &m_delay, &m_debounce, &m_throttle,
    &m_viewtransition, NULL};
static const Mod *const interval_mods[] = {&m_duration, &m_viewtransition, NULL};
static const Mod *const signal_patch_mods[] = {&m_delay, &m_debounce, &m_throttle, NULL};
static const Mod *const ignore_mods[] = {&m_self, NULL};
/* clang-format on */

/* What keys and values are, for messages. */
#define EXPR   "a JavaScript expression"
#define SIGNAL "a signal name"
#define FILTER "a filter object"
#define ATTRS  "space-separated attribute names"
#define EVENT  "an event name"
#define CLASS  "a class name"
#define ATTR   "an attribute name"
#define CSS    "a CSS property"

/* SPEC.md's attribute table (client v1.0.x). */
/* clang-format off */
static const Plugin plugins[] = {
    /* name                   key       value     kind        key is  value   modifiers */
    {"signals",                OPTIONAL, REQUIRED, DS_EXPR,    SIGNAL, EXPR,   signals_mods},
    {"computed",               OPTIONAL, REQUIRED, DS_EXPR,    SIGNAL, EXPR,   case_mods},
    {"bind",                   EITHER,   EITHER,   DS_NAME,    SIGNAL, SIGNAL, bind_mods},
    {"on",                     REQUIRED, REQUIRED, DS_EXPR,    EVENT,  EXPR,   on_mods},
    {"text",                   NONE,     REQUIRED, DS_EXPR,    NULL,   EXPR,   NULL},
    {"show",                   NONE,     REQUIRED, DS_EXPR,    NULL,   EXPR,   NULL},
    {"effect",                 NONE,     REQUIRED, DS_EXPR,    NULL,   EXPR,   NULL},
    {"init",                   NONE,     REQUIRED, DS_EXPR,    NULL,   EXPR,   init_mods},
    {"class",                  OPTIONAL, REQUIRED, DS_EXPR,    CLASS,  EXPR,   case_mods},
    {"attr",                   OPTIONAL, REQUIRED, DS_ATTR,    ATTR,   EXPR,   NULL},
    {"style",                  OPTIONAL, REQUIRED, DS_EXPR,    CSS,    EXPR,   NULL},
    {"ref",                    EITHER,   EITHER,   DS_NAME,    SIGNAL, SIGNAL, case_mods},
    {"indicator",              EITHER,   EITHER,   DS_NAME,    SIGNAL, SIGNAL, case_mods},
    {"json-signals",           NONE,     OPTIONAL, DS_EXPR,    NULL,   FILTER, json_signals_mods},
    {"on-intersect",           NONE,     REQUIRED, DS_EXPR,    NULL,   EXPR,   intersect_mods},
    {"on-interval",            NONE,     REQUIRED, DS_EXPR,    NULL,   EXPR,   interval_mods},
    {"on-signal-patch",        NONE,     REQUIRED, DS_EXPR,    NULL,   EXPR,   signal_patch_mods},
    {"on-signal-patch-filter", NONE,     REQUIRED, DS_EXPR,    NULL,   FILTER, NULL},
    {"ignore",                 NONE,     NONE,     DS_NOVALUE, NULL,   NULL,   ignore_mods},
    {"ignore-morph",           NONE,     NONE,     DS_NOVALUE, NULL,   NULL,   NULL},
    {"preserve-attr",          NONE,     REQUIRED, DS_NAME,    NULL,   ATTRS,  NULL},
};
/* clang-format on */

/* Pre-v1 plugin names that v1 renamed. */
static const struct {
    const char *old, *now;
} renamed[] = {
    {"on-load", "init"},
    {"star-ignore", "ignore"},
    {"intersects", "on-intersect"},
    {"fetch-indicator", "indicator"},
    {"on-signal-change", "on-signal-patch"},
    {"on-signals-change", "on-signal-patch"},
};

/* Pre-v1 plugins that the v1 client no longer has (they moved to Datastar Pro). */
static const char *const removed[] = {
    "persist",         "replace-url", "scroll-into-view", "view-transition",
    "custom-validity", "on-raf",      "on-resize",        "query-string",
};

/* Plugins that take a key: pre-v1 wrote it after a dash (`data-bind-foo`). */
static const char *const keyed[] = {"on",    "bind",  "signals", "computed", "attr",
                                    "class", "style", "ref",     "indicator"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A piece of the attribute name. */
typedef struct Part {
    const char *p;
    size_t n;
} Part;

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Whether p[0..n) and lower-case w[0..n) are equal, ignoring ASCII case. */
static bool same(const char *p, const char *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (lower(p[i]) != w[i])
            return false;
    return true;
}

/* Whether p[0..n) spells lower-case word w, ignoring ASCII case. */
static bool is(const char *p, size_t n, const char *w)
{
    return strlen(w) == n && same(p, w, n);
}

static bool starts(const char *p, size_t n, const char *w)
{
    size_t k = strlen(w);
    return n >= k && same(p, w, k);
}

/* Finds "__" in p[0..n); returns its index, or n. */
static size_t find_mods(const char *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (p[i] == '_' && p[i + 1] == '_')
            return i;
    return n;
}

/* An attribute name taken apart: data-PLUGIN[:KEY][__MODS]. */
typedef struct Name {
    const char *text; /* the whole name as written */
    size_t len;
    Part plugin; /* after "data-" up to ':' or "__" */
    Part key;    /* after ':' (may be empty) */
    bool has_key;
    Part mods; /* from the first "__" to the end (empty when none) */
} Name;

/* Splits name[0..len); false when it does not start with "data-". */
static bool split_name(const char *name, size_t len, Name *nm)
{
    if (!starts(name, len, "data-"))
        return false;
    nm->text = name;
    nm->len = len;
    const char *head = name + 5;
    size_t hn = find_mods(head, len - 5);
    nm->mods = (Part){head + hn, len - 5 - hn};
    const char *colon = memchr(head, ':', hn);
    nm->has_key = colon != NULL;
    size_t pn = colon ? (size_t)(colon - head) : hn;
    nm->plugin = (Part){head, pn};
    nm->key = colon ? (Part){colon + 1, hn - pn - 1} : (Part){head + hn, 0};
    return true;
}

static const Plugin *find_plugin(Part p)
{
    for (size_t i = 0; i < COUNT(plugins); i++)
        if (is(p.p, p.n, plugins[i].name))
            return &plugins[i];
    return NULL;
}

/* The v1 plugin a pre-v1 name stands for (NULL if none); *keyed_at is set to where the
 * pre-v1 key starts in the plugin part (0 when the name was renamed whole). */
static const Plugin *old_plugin(Part p, size_t *keyed_at, const char **now)
{
    *keyed_at = 0;
    *now = NULL;
    for (size_t i = 0; i < COUNT(renamed); i++)
        if (is(p.p, p.n, renamed[i].old)) {
            *now = renamed[i].now;
            return find_plugin((Part){*now, strlen(*now)});
        }
    for (size_t i = 0; i < COUNT(keyed); i++) {
        size_t k = strlen(keyed[i]);
        if (p.n > k + 1 && same(p.p, keyed[i], k) && p.p[k] == '-') {
            *keyed_at = k + 1;
            *now = keyed[i];
            return find_plugin((Part){keyed[i], k});
        }
    }
    return NULL;
}

static bool is_removed(Part p)
{
    for (size_t i = 0; i < COUNT(removed); i++)
        if (is(p.p, p.n, removed[i]))
            return true;
    return false;
}

DsValue datastar_value_kind(const char *name, size_t len)
{
    Name nm;
    if (!split_name(name, len, &nm))
        return DS_NOT;
    const Plugin *pl = find_plugin(nm.plugin);
    if (pl == NULL) {
        size_t at;
        const char *now;
        pl = old_plugin(nm.plugin, &at, &now);
        if (pl == NULL)
            return is_removed(nm.plugin) ? DS_EXPR : DS_NOT;
    }
    return pl->kind;
}

bool datastar_attr_key(const char *name, size_t len, size_t *at, size_t *n)
{
    Name nm;
    if (!split_name(name, len, &nm))
        return false;
    Part k = nm.key;
    if (!nm.has_key) {
        size_t keyed_at;
        const char *now;
        if (find_plugin(nm.plugin) || !old_plugin(nm.plugin, &keyed_at, &now) || !keyed_at)
            return false;
        k = (Part){nm.plugin.p + keyed_at, nm.plugin.n - keyed_at}; /* data-attr-KEY */
    }
    *at = (size_t)(k.p - name);
    *n = k.n;
    return true;
}

/* ---- Reports ---------------------------------------------------------------------- */

/* Where a report goes: the attribute, and the source it stands in. */
typedef struct Ctx {
    Diag *d;
    const Source *src;
    uint32_t off;
    const Name *nm;
} Ctx;

#define ATTR_FMT     "Datastar attribute '%.*s': "
#define ATTR_ARGS(c) (int)(c)->nm->len, (c)->nm->text

/* Offset in the source of a position inside the name. */
static size_t at(const Ctx *c, const char *p)
{
    return c->off + (size_t)(p - c->nm->text);
}

/* Reports the name as pre-v1 syntax, with the v1 spelling as a hint. */
static void report_old(const Ctx *c, size_t keyed_at, const char *now)
{
    const Name *nm = c->nm;
    char hint[512];
    const char *rest = nm->plugin.p + nm->plugin.n; /* ":key__mods" as written */
    size_t rest_n = nm->len - (size_t)(rest - nm->text);
    if (keyed_at)
        snprintf(hint, sizeof hint, "data-%s:%.*s%.*s", now, (int)(nm->plugin.n - keyed_at),
                 nm->plugin.p + keyed_at, (int)rest_n, rest);
    else
        snprintf(hint, sizeof hint, "data-%s%.*s", now, (int)rest_n, rest);
    diag_error(c->d, c->src, c->off,
               "Datastar attribute '%.*s' is pre-v1 syntax; did you mean '%s'?", ATTR_ARGS(c),
               hint);
}

static void check_key(const Ctx *c, const Plugin *pl, bool has_value)
{
    const Name *nm = c->nm;
    const char *pn = pl->name;
    if (nm->has_key && nm->key.n == 0) {
        diag_error(c->d, c->src, at(c, nm->key.p), ATTR_FMT "empty key after ':'", ATTR_ARGS(c));
        return;
    }
    switch (pl->key) {
    case NONE:
        if (nm->has_key)
            diag_error(c->d, c->src, at(c, nm->key.p), ATTR_FMT "data-%s takes no key",
                       ATTR_ARGS(c), pn);
        break;
    case REQUIRED:
        if (!nm->has_key)
            diag_error(c->d, c->src, c->off,
                       ATTR_FMT "data-%s needs a key (%s), as in 'data-%s:click'", ATTR_ARGS(c), pn,
                       pl->key_what, pn);
        break;
    case EITHER:
        if (nm->has_key && has_value)
            diag_error(c->d, c->src, c->off,
                       ATTR_FMT "data-%s takes %s as its key or as its value, not both",
                       ATTR_ARGS(c), pn, pl->key_what);
        else if (!nm->has_key && !has_value)
            diag_error(c->d, c->src, c->off,
                       ATTR_FMT "data-%s needs %s, as its key (data-%s:NAME) or as its value",
                       ATTR_ARGS(c), pn, pl->key_what, pn);
        break;
    }
}

static void check_value(const Ctx *c, const Plugin *pl, bool has_value)
{
    if (pl->value == REQUIRED && !has_value)
        diag_error(c->d, c->src, c->off, ATTR_FMT "data-%s needs a value (%s)", ATTR_ARGS(c),
                   pl->name, pl->value_what);
    else if (pl->value == NONE && has_value)
        diag_error(c->d, c->src, c->off, ATTR_FMT "data-%s takes no value", ATTR_ARGS(c), pl->name);
}

/* Whether a is a duration: digits, then nothing, "ms" or "s". */
static bool is_duration(Part a)
{
    size_t i = 0;
    while (i < a.n && a.p[i] >= '0' && a.p[i] <= '9')
        i++;
    if (i == 0)
        return false;
    return i == a.n || is(a.p + i, a.n - i, "ms") || is(a.p + i, a.n - i, "s");
}

/* Whether a is an integer from 0 to 100. */
static bool is_percent(Part a)
{
    if (a.n == 0 || a.n > 3)
        return false;
    unsigned v = 0;
    for (size_t i = 0; i < a.n; i++) {
        if (a.p[i] < '0' || a.p[i] > '9')
            return false;
        v = v * 10 + (unsigned)(a.p[i] - '0');
    }
    return v <= 100;
}

/* Whether a is one of the space-separated lower-case words in list. */
static bool in_list(Part a, const char *list)
{
    while (*list) {
        const char *e = strchr(list, ' ');
        size_t n = e ? (size_t)(e - list) : strlen(list);
        if (a.n == n && same(a.p, list, n))
            return true;
        list += n + (e != NULL);
    }
    return false;
}

/* Writes "'a' or 'b'" / "'a', 'b' or 'c'" for the space-separated list into buf. */
static const char *quote_list(const char *list, char *buf, size_t size)
{
    size_t words = 1, k = 0;
    for (const char *s = list; *s; s++)
        words += *s == ' ';
    buf[0] = '\0';
    for (size_t i = 0; i < words; i++) {
        const char *e = strchr(list, ' ');
        int n = e ? (int)(e - list) : (int)strlen(list);
        const char *sep = i == 0 ? "" : i + 1 == words ? " or " : ", ";
        k += (size_t)snprintf(buf + k, k < size ? size - k : 0, "%s'%.*s'", sep, n, list);
        list += n + 1;
        if (k >= size)
            break;
    }
    return buf;
}

/* Checks the arguments args[0..n) of modifier m, written at mp ("__name…"). */
static void check_args(const Ctx *c, const Mod *m, const char *mp, const Part *args, size_t n)
{
    const char *mn = m->name;
    switch (m->args) {
    case A_NONE:
        if (n > 0)
            diag_error(c->d, c->src, at(c, args[0].p),
                       ATTR_FMT "modifier '__%s' takes no arguments", ATTR_ARGS(c), mn);
        break;
    case A_TIME:
        if (n == 0) {
            diag_error(c->d, c->src, at(c, mp),
                       ATTR_FMT "modifier '__%s' needs a duration, as in '__%s.500ms'",
                       ATTR_ARGS(c), mn, mn);
            break;
        }
        if (!is_duration(args[0]))
            diag_error(c->d, c->src, at(c, args[0].p),
                       ATTR_FMT "'%.*s' is not a duration (write 500ms, 1s or a number of "
                                "milliseconds)",
                       ATTR_ARGS(c), (int)args[0].n, args[0].p);
        for (size_t i = 1; i < n; i++) {
            if (in_list(args[i], m->flags))
                continue;
            char buf[128];
            if (m->flags[0] == '\0')
                diag_error(c->d, c->src, at(c, args[i].p),
                           ATTR_FMT "modifier '__%s' takes only a duration, not '%.*s'",
                           ATTR_ARGS(c), mn, (int)args[i].n, args[i].p);
            else
                diag_error(c->d, c->src, at(c, args[i].p),
                           ATTR_FMT "modifier '__%s' takes %s after the duration, not '%.*s'",
                           ATTR_ARGS(c), mn, quote_list(m->flags, buf, sizeof buf), (int)args[i].n,
                           args[i].p);
        }
        break;
    case A_CASE:
        if (n == 0)
            diag_error(c->d, c->src, at(c, mp),
                       ATTR_FMT "modifier '__case' needs one of camel, kebab, snake, pascal",
                       ATTR_ARGS(c));
        else if (!in_list(args[0], "camel kebab snake pascal"))
            diag_error(c->d, c->src, at(c, args[0].p),
                       ATTR_FMT "modifier '__case' takes camel, kebab, snake or pascal, not "
                                "'%.*s'",
                       ATTR_ARGS(c), (int)args[0].n, args[0].p);
        else if (n > 1)
            diag_error(c->d, c->src, at(c, args[1].p),
                       ATTR_FMT "modifier '__case' takes one argument", ATTR_ARGS(c));
        break;
    case A_PERCENT:
        if (n == 0)
            diag_error(c->d, c->src, at(c, mp),
                       ATTR_FMT "modifier '__%s' needs a percentage from 0 to 100, as in "
                                "'__%s.25'",
                       ATTR_ARGS(c), mn, mn);
        else if (!is_percent(args[0]))
            diag_error(c->d, c->src, at(c, args[0].p),
                       ATTR_FMT "'%.*s' is not a percentage from 0 to 100", ATTR_ARGS(c),
                       (int)args[0].n, args[0].p);
        else if (n > 1)
            diag_error(c->d, c->src, at(c, args[1].p),
                       ATTR_FMT "modifier '__%s' takes one argument", ATTR_ARGS(c), mn);
        break;
    case A_NAME:
        if (n == 0)
            diag_error(c->d, c->src, at(c, mp),
                       ATTR_FMT "modifier '__%s' needs a property name, as in '__%s.checked'",
                       ATTR_ARGS(c), mn, mn);
        else if (n > 1)
            diag_error(c->d, c->src, at(c, args[1].p),
                       ATTR_FMT "modifier '__%s' takes one argument", ATTR_ARGS(c), mn);
        break;
    case A_NAMES:
        if (n == 0)
            diag_error(c->d, c->src, at(c, mp),
                       ATTR_FMT "modifier '__%s' needs one or more event names, as in "
                                "'__%s.input.change'",
                       ATTR_ARGS(c), mn, mn);
        break;
    }
}

/* Writes "__a, __b, …" for the plugin's modifiers into buf. */
static const char *mod_names(const Mod *const *mods, char *buf, size_t size)
{
    size_t k = 0;
    buf[0] = '\0';
    for (const Mod *const *m = mods; *m && k < size; m++)
        k += (size_t)snprintf(buf + k, size - k, "%s__%s", m == mods ? "" : ", ", (*m)->name);
    return buf;
}

#define MAX_ARGS 16

/* Checks one modifier, text p[0..n) after its "__" (mp points at the "__"). */
static void check_mod(const Ctx *c, const Plugin *pl, const char *mp, const char *p, size_t n)
{
    const char *dot = memchr(p, '.', n);
    size_t nn = dot ? (size_t)(dot - p) : n;
    if (nn == 0) {
        diag_error(c->d, c->src, at(c, mp), ATTR_FMT "empty modifier name after '__'",
                   ATTR_ARGS(c));
        return;
    }
    const Mod *m = NULL;
    for (const Mod *const *k = pl->mods; *k; k++)
        if (is(p, nn, (*k)->name))
            m = *k;
    if (m == NULL) {
        char buf[300];
        diag_error(c->d, c->src, at(c, mp), ATTR_FMT "unknown modifier '__%.*s' (data-%s takes %s)",
                   ATTR_ARGS(c), (int)nn, p, pl->name, mod_names(pl->mods, buf, sizeof buf));
        return;
    }
    Part args[MAX_ARGS];
    size_t na = 0;
    for (const char *a = dot; a && na < MAX_ARGS;) {
        const char *s = a + 1, *e = memchr(s, '.', (size_t)(p + n - s));
        size_t an = e ? (size_t)(e - s) : (size_t)(p + n - s);
        if (an == 0) {
            diag_error(c->d, c->src, at(c, a),
                       ATTR_FMT "empty argument after '.' in modifier '__%s'", ATTR_ARGS(c),
                       m->name);
            return;
        }
        args[na++] = (Part){s, an};
        a = e;
    }
    check_args(c, m, mp, args, na);
}

static void check_mods(const Ctx *c, const Plugin *pl)
{
    Part ms = c->nm->mods;
    if (ms.n == 0)
        return;
    if (pl->mods == NULL) {
        diag_error(c->d, c->src, at(c, ms.p), ATTR_FMT "data-%s takes no modifiers", ATTR_ARGS(c),
                   pl->name);
        return;
    }
    const char *end = ms.p + ms.n;
    for (const char *mp = ms.p; mp < end;) {
        const char *p = mp + 2;
        size_t n = find_mods(p, (size_t)(end - p));
        check_mod(c, pl, mp, p, n);
        mp = p + n;
    }
}

void datastar_check_attr(Diag *d, const Source *src, uint32_t off, const char *name, size_t len,
                         bool has_value)
{
    Name nm;
    if (!split_name(name, len, &nm))
        return;
    Ctx c = {d, src, off, &nm};
    const Plugin *pl = find_plugin(nm.plugin);
    if (pl == NULL) {
        size_t keyed_at;
        const char *now;
        if (old_plugin(nm.plugin, &keyed_at, &now))
            report_old(&c, keyed_at, now);
        else if (is_removed(nm.plugin))
            diag_error(d, src, off,
                       "Datastar attribute '%.*s' is not in Datastar v1 (it moved to Datastar "
                       "Pro); the v1 client ignores it",
                       (int)len, name);
        return;
    }
    check_key(&c, pl, has_value);
    check_value(&c, pl, has_value);
    check_mods(&c, pl);
}
