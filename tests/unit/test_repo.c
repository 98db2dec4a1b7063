/* test_repo.c — the repository contract, every test run against the three backends
 * (memory, SQLite, PostgreSQL) through the same body: ids, round trips, updates,
 * get/delete, where/order/limit, count, events (exactly one per successful write, none for
 * a failed one), atomic updates, concurrent writers; then what only SQLite has
 * (persistence, WAL, schema growth, failed writes, one instance per file and type).
 * What only PostgreSQL has is in test_repo_pg.c. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <math.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sample_entities.h"
#include "leak_check.h"
#include "pg_test.h"

LEAK_CHECKED_SUITE(repo);

typedef enum { MEMORY, SQLITE, PG } backend;

/* Defines the test `name` three times: name_memory, name_sqlite and name_pg, all running
 * name_body (the PostgreSQL one in a schema of its own). */
#define REPO_TEST(name)                                                                            \
    static void name##_body(backend b);                                                            \
    Test(repo, name##_memory)                                                                      \
    {                                                                                              \
        name##_body(MEMORY);                                                                       \
    }                                                                                              \
    Test(repo, name##_sqlite)                                                                      \
    {                                                                                              \
        name##_body(SQLITE);                                                                       \
    }                                                                                              \
    Test(repo, name##_pg)                                                                          \
    {                                                                                              \
        name##_body(PG);                                                                           \
    }                                                                                              \
    static void name##_body(backend b)

/* The one line an application changes to swap backends. */
static starch_repo *open_repo(backend b, const starch_entity_type *type, starch_bus *bus)
{
    starch_error err;
    starch_repo *r = b == MEMORY   ? starch_repo_memory(type, bus, &err)
                     : b == SQLITE ? starch_repo_sqlite(type, ":memory:", bus, &err)
                                   : starch_repo_pg(type, pg_test_conninfo(), bus, &err);
    cr_assert_not_null(r, "%s", err.message);
    return r;
}

/* Records the events a repository emits. */
typedef struct recorder {
    pthread_mutex_t lock;
    char names[64][32];
    int64_t ids[64];
    char titles[64][64];
    size_t count;
} recorder;

static int record(const starch_event *ev, void *ctx)
{
    recorder *r = ctx;
    pthread_mutex_lock(&r->lock);
    if (r->count < 64) {
        snprintf(r->names[r->count], sizeof r->names[0], "%s", ev->name);
        cr_assert_eq(ev->type, &Todo_type);
        const Todo *t = ev->data;
        r->ids[r->count] = t->id;
        snprintf(r->titles[r->count], sizeof r->titles[0], "%s", t->title ? t->title : "");
    }
    r->count++;
    pthread_mutex_unlock(&r->lock);
    return STARCH_CONTINUE;
}

static Todo simple(const char *title, bool done, int64_t priority, double score)
{
    Todo t = {0};
    t.title = title ? sample_strdup(title) : NULL;
    t.done = done;
    t.priority = priority;
    t.score = score;
    return t;
}

static void save_ok(starch_repo *r, void *v)
{
    starch_error err;
    cr_assert_eq(starch_repo_save(r, v, &err), STARCH_OK, "%s", err.message);
}

/* Saves todos titled a..e with varied fields; ids 1..5. */
static void fill(starch_repo *r)
{
    const char *titles[] = {"c", "a", "e", NULL, "b"};
    bool done[] = {true, false, true, false, false};
    int64_t prio[] = {2, 1, 2, 3, 1};
    double score[] = {1.5, 2.5, 1.5, 0, 9};
    for (int i = 0; i < 5; i++) {
        Todo t = simple(titles[i], done[i], prio[i], score[i]);
        save_ok(r, &t);
        cr_assert_eq(t.id, i + 1);
        Todo_clear(&t);
    }
}

/* The ids of a list, as "1,2,3". */
static const char *ids_of(const starch_list *list)
{
    static char buf[256];
    size_t n = 0;
    buf[0] = '\0';
    const Todo *items = list->items;
    for (size_t i = 0; i < list->count; i++)
        n +=
            (size_t)snprintf(buf + n, sizeof buf - n, i ? ",%lld" : "%lld", (long long)items[i].id);
    return buf;
}

static const char *where(starch_repo *r, starch_query q)
{
    starch_list list;
    starch_error err;
    cr_assert_eq(starch_repo_where(r, &q, &list, &err), STARCH_OK, "%s", err.message);
    const char *s = ids_of(&list);
    starch_list_free(&list);
    return s;
}

/* ---- ids, round trips, updates ------------------------------------------------------ */

REPO_TEST(save_assigns_ids_and_round_trips_every_field)
{
    starch_repo *r = open_repo(b, &Todo_type, NULL);
    cr_assert_eq(starch_repo_type(r), &Todo_type);
    for (int i = 1; i <= 3; i++) {
        Todo t, got = {0};
        sample_todo(&t, i);
        save_ok(r, &t);
        cr_assert_eq(t.id, i);
        starch_error err;
        cr_assert_eq(starch_repo_get(r, t.id, &got, &err), STARCH_OK, "%s", err.message);
        cr_assert(starch_entity_equal(&Todo_type, &t, &got));
        cr_assert_neq(got.title, t.title);
        Todo_clear(&t);
        Todo_clear(&got);
    }
    starch_repo_free(r);
}

REPO_TEST(nan_and_null_strings_survive)
{
    starch_repo *r = open_repo(b, &Todo_type, NULL);
    Todo t = simple(NULL, false, 0, NAN), got = {0};
    save_ok(r, &t);
    cr_assert_eq(starch_repo_get(r, t.id, &got, NULL), STARCH_OK);
    cr_assert_null(got.title);
    cr_assert(isnan(got.score));
    cr_assert_eq(got.tags_count, 0);
    Todo_clear(&got);
    starch_repo_free(r);
}

REPO_TEST(update_replaces_and_explicit_ids_insert)
{
    starch_repo *r = open_repo(b, &Todo_type, NULL);
    fill(r);
    Todo t = {0};
    cr_assert_eq(starch_repo_get(r, 2, &t, NULL), STARCH_OK);
    free(t.title);
    t.title = sample_strdup("changed");
    t.done = true;
    save_ok(r, &t);
    cr_assert_eq(t.id, 2);
    Todo_clear(&t);
    cr_assert_eq(starch_repo_get(r, 2, &t, NULL), STARCH_OK);
    cr_assert_str_eq(t.title, "changed");
    cr_assert(t.done);
    Todo_clear(&t);
    size_t n;
    cr_assert_eq(starch_repo_count(r, NULL, &n, NULL), STARCH_OK);
    cr_assert_eq(n, 5);

    Todo x = simple("ten", false, 0, 0);
    x.id = 10;
    save_ok(r, &x);
    cr_assert_eq(x.id, 10);
    Todo_clear(&x);
    Todo y = simple("next", false, 0, 0);
    save_ok(r, &y);
    cr_assert_eq(y.id, 11);
    Todo_clear(&y);
    starch_repo_free(r);
}

REPO_TEST(ids_are_not_reused_after_delete)
{
    starch_repo *r = open_repo(b, &Todo_type, NULL);
    fill(r);
    cr_assert_eq(starch_repo_delete(r, 5, NULL), STARCH_OK);
    Todo t = simple("new", false, 0, 0);
    save_ok(r, &t);
    cr_assert_eq(t.id, 6);
    Todo_clear(&t);
    starch_repo_free(r);
}

REPO_TEST(a_save_fails_when_int_ids_run_out)
{
    starch_repo *r = open_repo(b, &Todo_type, NULL);
    Todo last = simple("last", false, 0, 0), next = simple("next", false, 0, 0);
    last.id = INT64_MAX;
    save_ok(r, &last);
    starch_error err;
    cr_assert_eq(starch_repo_save(r, &next, &err), b == MEMORY ? STARCH_EINVAL : STARCH_EDB, "%s",
                 err.message);
    cr_assert_eq(next.id, 0, "the id is not written on failure");
    size_t n = 0;
    cr_assert_eq(starch_repo_count(r, NULL, &n, NULL), STARCH_OK);
    cr_assert_eq(n, 1);
    Todo got = {0};
    cr_assert_eq(starch_repo_get(r, INT64_MAX, &got, NULL), STARCH_OK);
    cr_assert_str_eq(got.title, "last", "the entity holding the largest id is kept");
    Todo_clear(&got);
    Todo_clear(&last);
    Todo_clear(&next);
    starch_repo_free(r);
}

static bool is_uuid_v4(const char *s)
{
    if (s == NULL || strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !strchr("0123456789abcdef", s[i]))
            return false;
    }
    return s[14] == '4' && strchr("89ab", s[19]);
}

REPO_TEST(string_ids)
{
    starch_repo *r = open_repo(b, &Note_type, NULL);
    Note a = {.text = sample_strdup("a")}, c = {.id = sample_strdup(""), .text = NULL};
    save_ok(r, &a);
    save_ok(r, &c);
    cr_assert(is_uuid_v4(a.id), "%s", a.id);
    cr_assert(is_uuid_v4(c.id), "%s", c.id);
    cr_assert_str_neq(a.id, c.id);
    Note named = {.id = sample_strdup("note-1"), .text = sample_strdup("named"), .pinned = true};
    save_ok(r, &named);
    cr_assert_str_eq(named.id, "note-1");

    Note got = {0};
    starch_error err;
    cr_assert_eq(starch_repo_get_str(r, a.id, &got, &err), STARCH_OK, "%s", err.message);
    cr_assert(starch_entity_equal(&Note_type, &a, &got));
    Note_clear(&got);
    cr_assert_eq(starch_repo_get_str(r, "note-1", &got, NULL), STARCH_OK);
    cr_assert(got.pinned);
    Note_clear(&got);
    cr_assert_eq(starch_repo_get_str(r, "nope", &got, &err), STARCH_ENOTFOUND);
    cr_assert_str_eq(err.message, "Note: no id \"nope\"");
    cr_assert_eq(starch_repo_get(r, 1, &got, &err), STARCH_EINVAL);
    cr_assert_str_eq(err.message, "Note: the key is a string");
    cr_assert_eq(starch_repo_delete_str(r, "note-1", NULL), STARCH_OK);
    cr_assert_eq(starch_repo_delete_str(r, "note-1", NULL), STARCH_ENOTFOUND);
    starch_list list;
    cr_assert_eq(starch_repo_all(r, &list, NULL), STARCH_OK);
    cr_assert_eq(list.count, 2);
    Note *items = list.items;
    cr_assert_lt(strcmp(items[0].id, items[1].id), 0); /* ordered by key */
    starch_list_free(&list);
    Note_clear(&a);
    Note_clear(&c);
    Note_clear(&named);
    starch_repo_free(r);
}

REPO_TEST(get_and_delete_missing)
{
    starch_repo *r = open_repo(b, &Todo_type, NULL);
    fill(r);
    Todo t;
    sample_todo(&t, 7);
    starch_error err;
    cr_assert_eq(starch_repo_get(r, 99, &t, &err), STARCH_ENOTFOUND);
    cr_assert_str_eq(err.message, "Todo: no id 99");
    cr_assert_str_eq(t.owner.name, "Ada"); /* untouched */
    cr_assert_eq(starch_repo_get_str(r, "1", &t, &err), STARCH_EINVAL);
    cr_assert_str_eq(err.message, "Todo: the key is an int");
    cr_assert_eq(starch_repo_get(r, 3, &t, NULL), STARCH_OK); /* replaces, frees the old */
    cr_assert_str_eq(t.title, "e");
    cr_assert_eq(t.tags_count, 0);
    cr_assert_eq(starch_repo_delete(r, 3, NULL), STARCH_OK);
    cr_assert_eq(starch_repo_get(r, 3, &t, NULL), STARCH_ENOTFOUND);
    cr_assert_eq(starch_repo_delete(r, 3, &err), STARCH_ENOTFOUND);
    cr_assert_str_eq(err.message, "Todo: no id 3");
    Todo_clear(&t);
    starch_repo_free(r);
}

/* ---- where / order / limit / count -------------------------------------------------- */

REPO_TEST(all_is_ordered_by_key)
{
    starch_repo *r = open_repo(b, &Todo_type, NULL);
    starch_list list;
    cr_assert_eq(starch_repo_all(r, &list, NULL), STARCH_OK);
    cr_assert_eq(list.count, 0);
    cr_assert_null(list.items);
    starch_list_free(&list);
    fill(r);
    cr_assert_eq(starch_repo_all(r, &list, NULL), STARCH_OK);
    cr_assert_str_eq(ids_of(&list), "1,2,3,4,5");
    cr_assert_eq(list.type, &Todo_type);
    cr_assert_str_eq(((Todo *)list.items)[0].title, "c");
    starch_list_free(&list);
    cr_assert_eq(list.count, 0);
    starch_repo_free(r);
}

REPO_TEST(where_filters_on_every_scalar_kind)
{
    starch_repo *r = open_repo(b, &Todo_type, NULL);
    fill(r);
    cr_assert_str_eq(where(r, (starch_query){.field = "done", .value = STARCH_VALUE_BOOL(true)}),
                     "1,3");
    cr_assert_str_eq(where(r, (starch_query){.field = "priority", .value = STARCH_VALUE_INT(1)}),
                     "2,5");
    cr_assert_str_eq(where(r, (starch_query){.field = "score", .value = STARCH_VALUE_FLOAT(1.5)}),
                     "1,3");
    cr_assert_str_eq(where(r, (starch_query){.field = "score", .value = STARCH_VALUE_INT(9)}), "5");
    cr_assert_str_eq(where(r, (starch_query){.field = "title", .value = STARCH_VALUE_STRING("e")}),
                     "3");
    cr_assert_str_eq(where(r, (starch_query){.field = "title", .value = STARCH_VALUE_STRING("")}),
                     "4");
    cr_assert_str_eq(where(r, (starch_query){.field = "title", .value = STARCH_VALUE_STRING(NULL)}),
                     "4");
    cr_assert_str_eq(where(r, (starch_query){.field = "id", .value = STARCH_VALUE_INT(2)}), "2");
    cr_assert_str_eq(where(r, (starch_query){.field = "title", .value = STARCH_VALUE_STRING("z")}),
                     "");
    starch_repo_free(r);
}

REPO_TEST(where_orders_and_pages)
{
    starch_repo *r = open_repo(b, &Todo_type, NULL);
    fill(r);
    cr_assert_str_eq(where(r, (starch_query){.order_by = "title"}), "4,2,5,1,3");
    cr_assert_str_eq(where(r, (starch_query){.order_by = "title", .desc = true}), "3,1,5,2,4");
    cr_assert_str_eq(where(r, (starch_query){.order_by = "score"}), "4,1,3,2,5");
    cr_assert_str_eq(where(r, (starch_query){.order_by = "score", .desc = true}), "5,2,1,3,4");
    cr_assert_str_eq(where(r, (starch_query){.order_by = "done"}), "2,4,5,1,3");
    cr_assert_str_eq(where(r, (starch_query){.order_by = "id", .desc = true}), "5,4,3,2,1");
    cr_assert_str_eq(where(r, (starch_query){.order_by = "title", .limit = 2}), "4,2");
    cr_assert_str_eq(where(r, (starch_query){.order_by = "title", .limit = 2, .offset = 2}), "5,1");
    cr_assert_str_eq(where(r, (starch_query){.order_by = "title", .offset = 4}), "3");
    cr_assert_str_eq(where(r, (starch_query){.offset = 9}), "");
    cr_assert_str_eq(where(r, (starch_query){.field = "done",
                                             .value = STARCH_VALUE_BOOL(false),
                                             .order_by = "priority",
                                             .desc = true,
                                             .limit = 2}),
                     "4,2");
    starch_repo_free(r);
}

REPO_TEST(nan_sorts_first_and_matches_nothing)
{
    starch_repo *r = open_repo(b, &Todo_type, NULL);
    double scores[] = {2, NAN, -1, NAN};
    for (int i = 0; i < 4; i++) {
        Todo t = simple("t", false, 0, scores[i]);
        save_ok(r, &t);
        Todo_clear(&t);
    }
    cr_assert_str_eq(where(r, (starch_query){.order_by = "score"}), "2,4,3,1");
    cr_assert_str_eq(where(r, (starch_query){.order_by = "score", .desc = true}), "1,3,2,4");
    cr_assert_str_eq(where(r, (starch_query){.field = "score", .value = STARCH_VALUE_FLOAT(NAN)}),
                     "");
    starch_repo_free(r);
}

/* The id saved with priority p by where_pages_a_large_set: priority (i * 37) % 60. */
static int64_t id_with_priority(int64_t p)
{
    for (int64_t i = 0; i < 60; i++)
        if ((i * 37) % 60 == p)
            return i + 1;
    return -1;
}

REPO_TEST(where_pages_a_large_set)
{
    starch_repo *r = open_repo(b, &Todo_type, NULL);
    for (int64_t i = 0; i < 60; i++) {
        Todo t = simple("t", i % 2, (i * 37) % 60, 0);
        save_ok(r, &t);
        Todo_clear(&t);
    }
    char want[64];
    snprintf(want, sizeof want, "%lld,%lld,%lld,%lld", (long long)id_with_priority(3),
             (long long)id_with_priority(4), (long long)id_with_priority(5),
             (long long)id_with_priority(6));
    cr_assert_str_eq(where(r, (starch_query){.order_by = "priority", .limit = 4, .offset = 3}),
                     want);
    snprintf(want, sizeof want, "%lld,%lld", (long long)id_with_priority(59),
             (long long)id_with_priority(58));
    cr_assert_str_eq(where(r, (starch_query){.order_by = "priority", .desc = true, .limit = 2}),
                     want);
    /* done is false for the odd ids: ties are ordered by key */
    cr_assert_str_eq(where(r, (starch_query){.order_by = "done", .limit = 3, .offset = 1}),
                     "3,5,7");
    cr_assert_str_eq(where(r, (starch_query){.field = "done",
                                             .value = STARCH_VALUE_BOOL(true),
                                             .order_by = "id",
                                             .desc = true,
                                             .limit = 3}),
                     "60,58,56");
    starch_repo_free(r);
}

REPO_TEST(count_uses_only_the_filter)
{
    starch_repo *r = open_repo(b, &Todo_type, NULL);
    fill(r);
    size_t n = 99;
    starch_query q = {.field = "done", .value = STARCH_VALUE_BOOL(false), .limit = 1};
    cr_assert_eq(starch_repo_count(r, &q, &n, NULL), STARCH_OK);
    cr_assert_eq(n, 3);
    cr_assert_eq(starch_repo_count(r, NULL, &n, NULL), STARCH_OK);
    cr_assert_eq(n, 5);
    starch_repo_free(r);
}

REPO_TEST(bad_queries)
{
    starch_repo *r = open_repo(b, &Todo_type, NULL);
    starch_list list;
    starch_error err;
    starch_query q = {.field = "nope", .value = STARCH_VALUE_INT(1)};
    cr_assert_eq(starch_repo_where(r, &q, &list, &err), STARCH_EINVAL);
    cr_assert_str_eq(err.message, "Todo: no field `nope`");
    cr_assert_eq(list.count, 0);
    q = (starch_query){.field = "tags", .value = STARCH_VALUE_STRING("x")};
    cr_assert_eq(starch_repo_where(r, &q, &list, &err), STARCH_EINVAL);
    cr_assert_str_eq(err.message, "Todo.tags: not a scalar field");
    q = (starch_query){.order_by = "owner"};
    cr_assert_eq(starch_repo_where(r, &q, &list, &err), STARCH_EINVAL);
    cr_assert_str_eq(err.message, "Todo.owner: not a scalar field");
    q = (starch_query){.field = "done", .value = STARCH_VALUE_INT(1)};
    size_t n;
    cr_assert_eq(starch_repo_count(r, &q, &n, &err), STARCH_EINVAL);
    cr_assert_str_eq(err.message, "Todo.done: the value has another kind than the field");
    cr_assert_eq(starch_repo_save(r, NULL, &err), STARCH_EINVAL);
    starch_repo_free(r);
}

Test(repo, type_without_key_is_refused)
{
    starch_error err;
    cr_assert_null(starch_repo_memory(&User_type, NULL, &err));
    cr_assert_eq(err.code, STARCH_EINVAL);
    cr_assert_str_eq(err.message, "User: no key field `id`");
    cr_assert_null(starch_repo_sqlite(&User_type, ":memory:", NULL, &err));
    cr_assert_str_eq(err.message, "User: no key field `id`");
    cr_assert_null(starch_repo_pg(&User_type, pg_test_server(), NULL, &err));
    cr_assert_str_eq(err.message, "User: no key field `id`");
}

/* ---- events ------------------------------------------------------------------------- */

REPO_TEST(one_event_per_successful_write)
{
    starch_bus *bus = starch_bus_new(0);
    recorder rec = {.lock = PTHREAD_MUTEX_INITIALIZER};
    starch_bus_on(bus, "Todo.*", 0, record, &rec);
    starch_repo *r = open_repo(b, &Todo_type, bus);
    Todo t = simple("one", false, 0, 0);
    save_ok(r, &t);
    free(t.title);
    t.title = sample_strdup("two");
    save_ok(r, &t);
    cr_assert_eq(starch_repo_delete(r, t.id, NULL), STARCH_OK);
    cr_assert_eq(rec.count, 3);
    cr_assert_str_eq(rec.names[0], "Todo.created");
    cr_assert_eq(rec.ids[0], 1);
    cr_assert_str_eq(rec.titles[0], "one");
    cr_assert_str_eq(rec.names[1], "Todo.updated");
    cr_assert_str_eq(rec.titles[1], "two");
    cr_assert_str_eq(rec.names[2], "Todo.deleted");
    cr_assert_eq(rec.ids[2], 1);
    cr_assert_str_eq(rec.titles[2], "two"); /* the entity as it was */

    /* failed writes: no event */
    cr_assert_eq(starch_repo_delete(r, t.id, NULL), STARCH_ENOTFOUND);
    cr_assert_eq(starch_repo_save(r, NULL, NULL), STARCH_EINVAL);
    cr_assert_eq(starch_repo_get(r, 1, &t, NULL), STARCH_ENOTFOUND);
    starch_list list;
    starch_repo_all(r, &list, NULL);
    starch_list_free(&list);
    cr_assert_eq(rec.count, 3);
    Todo_clear(&t);
    starch_repo_free(r);
    starch_bus_free(bus);
}

/* A handler that reads the repository while the event is being emitted: the repository
 * holds no lock during emit, so this must not deadlock. */
static int reenter(const starch_event *ev, void *ctx)
{
    const Todo *t = ev->data;
    Todo copy = {0};
    size_t n;
    cr_assert_eq(starch_repo_count(ctx, NULL, &n, NULL), STARCH_OK);
    if (strcmp(ev->name, "Todo.deleted") != 0) {
        cr_assert_eq(starch_repo_get(ctx, t->id, &copy, NULL), STARCH_OK);
        Todo_clear(&copy);
    }
    return STARCH_CONTINUE;
}

REPO_TEST(handlers_may_use_the_repository)
{
    starch_bus *bus = starch_bus_new(0);
    starch_repo *r = open_repo(b, &Todo_type, bus);
    starch_bus_on(bus, "*", 0, reenter, r);
    Todo t = simple("x", false, 0, 0);
    save_ok(r, &t);
    save_ok(r, &t);
    cr_assert_eq(starch_repo_delete(r, t.id, NULL), STARCH_OK);
    Todo_clear(&t);
    starch_repo_free(r);
    starch_bus_free(bus);
}

/* ---- concurrency -------------------------------------------------------------------- */

typedef struct writer_arg {
    starch_repo *repo;
    int n;
} writer_arg;

static void *writer(void *arg)
{
    writer_arg *w = arg;
    for (int i = 0; i < w->n; i++) {
        Todo t;
        sample_todo(&t, i);
        if (starch_repo_save(w->repo, &t, NULL) != STARCH_OK)
            t.id = -1;
        Todo got = {0};
        if (t.id < 0 || starch_repo_get(w->repo, t.id, &got, NULL) != STARCH_OK ||
            !starch_entity_equal(&Todo_type, &t, &got))
            w->n = -1;
        Todo_clear(&got);
        Todo_clear(&t);
        if (w->n < 0)
            break;
    }
    return NULL;
}

static int count_created(const starch_event *ev, void *ctx)
{
    (void)ev;
    recorder *r = ctx;
    pthread_mutex_lock(&r->lock);
    r->count++;
    pthread_mutex_unlock(&r->lock);
    return STARCH_CONTINUE;
}

REPO_TEST(concurrent_writers)
{
    enum { THREADS = 4, EACH = 100 };
    starch_bus *bus = starch_bus_new(0);
    recorder rec = {.lock = PTHREAD_MUTEX_INITIALIZER};
    starch_bus_on(bus, "Todo.created", 0, count_created, &rec);
    starch_repo *r = open_repo(b, &Todo_type, bus);
    pthread_t th[THREADS];
    writer_arg args[THREADS];
    for (int i = 0; i < THREADS; i++) {
        args[i] = (writer_arg){r, EACH};
        pthread_create(&th[i], NULL, writer, &args[i]);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        cr_assert_eq(args[i].n, EACH, "writer %d failed", i);
    }
    starch_list list;
    cr_assert_eq(starch_repo_all(r, &list, NULL), STARCH_OK);
    cr_assert_eq(list.count, THREADS * EACH);
    Todo *items = list.items;
    for (size_t i = 0; i < list.count; i++)
        cr_assert_eq(items[i].id, (int64_t)i + 1);
    starch_list_free(&list);
    cr_assert_eq(rec.count, THREADS * EACH);
    starch_repo_free(r);
    starch_bus_free(bus);
}

/* ---- atomic updates ----------------------------------------------------------------- */

/* Update functions: rename to ctx; refuse with the status at ctx; change the key. */
static int rename_to(void *value, void *ctx)
{
    Todo *t = value;
    free(t->title);
    t->title = sample_strdup(ctx);
    t->done = !t->done;
    return STARCH_OK;
}

static int refuse(void *value, void *ctx)
{
    Todo *t = value;
    free(t->title);
    t->title = sample_strdup("refused");
    return *(int *)ctx;
}

static int change_key(void *value, void *ctx)
{
    (void)ctx;
    ((Todo *)value)->id = 42;
    return STARCH_OK;
}

static int pin_note(void *value, void *ctx)
{
    Note *n = value;
    n->pinned = true;
    free(n->text);
    n->text = sample_strdup(ctx);
    return STARCH_OK;
}

REPO_TEST(update_stores_what_the_function_returns)
{
    starch_bus *bus = starch_bus_new(0);
    recorder rec = {.lock = PTHREAD_MUTEX_INITIALIZER};
    starch_bus_on(bus, "Todo.*", 0, record, &rec);
    starch_repo *r = open_repo(b, &Todo_type, bus);
    fill(r);
    rec.count = 0;
    Todo out;
    sample_todo(&out, 3); /* a valid entity: cleared before the result goes in */
    starch_error err;
    cr_assert_eq(starch_repo_update(r, 2, rename_to, "renamed", &out, &err), STARCH_OK, "%s",
                 err.message);
    cr_assert_eq(out.id, 2);
    cr_assert_str_eq(out.title, "renamed");
    cr_assert(out.done);
    cr_assert_eq(out.priority, 1, "the other fields are the stored ones");
    cr_assert_eq(out.tags_count, 0);
    Todo got = {0};
    cr_assert_eq(starch_repo_get(r, 2, &got, NULL), STARCH_OK);
    cr_assert(starch_entity_equal(&Todo_type, &out, &got));
    cr_assert_eq(rec.count, 1);
    cr_assert_str_eq(rec.names[0], "Todo.updated");
    cr_assert_eq(rec.ids[0], 2);
    cr_assert_str_eq(rec.titles[0], "renamed");
    cr_assert_eq(starch_repo_update(r, 2, rename_to, "again", NULL, &err), STARCH_OK, "%s",
                 err.message);
    cr_assert_eq(rec.count, 2);
    Todo_clear(&got);
    Todo_clear(&out);
    starch_repo_free(r);
    starch_bus_free(bus);
}

REPO_TEST(failed_updates_store_nothing_and_emit_nothing)
{
    starch_bus *bus = starch_bus_new(0);
    recorder rec = {.lock = PTHREAD_MUTEX_INITIALIZER};
    starch_bus_on(bus, "Todo.*", 0, record, &rec);
    starch_repo *r = open_repo(b, &Todo_type, bus);
    fill(r);
    rec.count = 0;
    Todo out;
    sample_todo(&out, 3);
    starch_error err;
    cr_assert_eq(starch_repo_update(r, 99, rename_to, "x", &out, &err), STARCH_ENOTFOUND);
    cr_assert_str_eq(err.message, "Todo: no id 99");
    int status = STARCH_ETYPE;
    cr_assert_eq(starch_repo_update(r, 2, refuse, &status, &out, &err), STARCH_ETYPE);
    cr_assert_str_eq(err.message, "Todo: the update function returned STARCH_ETYPE");
    status = 77;
    cr_assert_eq(starch_repo_update(r, 2, refuse, &status, &out, &err), 77);
    cr_assert_eq(starch_repo_update(r, 2, change_key, NULL, &out, &err), STARCH_EINVAL);
    cr_assert_str_eq(err.message, "Todo: the update function changed the key");
    cr_assert_eq(starch_repo_update(r, 2, NULL, NULL, &out, &err), STARCH_EINVAL);
    cr_assert_eq(starch_repo_update_str(r, "2", rename_to, "x", &out, &err), STARCH_EINVAL);
    cr_assert_str_eq(err.message, "Todo: the key is an int");
    cr_assert_str_eq(out.owner.name, "Ada", "out is untouched on failure");
    cr_assert_eq(rec.count, 0);
    Todo got = {0};
    cr_assert_eq(starch_repo_get(r, 2, &got, NULL), STARCH_OK);
    cr_assert_str_eq(got.title, "a");
    size_t n;
    cr_assert_eq(starch_repo_count(r, NULL, &n, NULL), STARCH_OK);
    cr_assert_eq(n, 5);
    Todo_clear(&got);
    Todo_clear(&out);
    starch_repo_free(r);
    starch_bus_free(bus);
}

REPO_TEST(update_with_a_string_key)
{
    starch_repo *r = open_repo(b, &Note_type, NULL);
    Note a = {.id = sample_strdup("n-1"), .text = sample_strdup("a")}, out = {0};
    save_ok(r, &a);
    starch_error err;
    cr_assert_eq(starch_repo_update_str(r, "n-1", pin_note, "pinned", &out, &err), STARCH_OK, "%s",
                 err.message);
    cr_assert_str_eq(out.id, "n-1");
    cr_assert_str_eq(out.text, "pinned");
    cr_assert(out.pinned);
    cr_assert_eq(starch_repo_update_str(r, "n-2", pin_note, "x", &out, &err), STARCH_ENOTFOUND);
    cr_assert_str_eq(err.message, "Note: no id \"n-2\"");
    cr_assert_eq(starch_repo_update(r, 1, pin_note, "x", &out, &err), STARCH_EINVAL);
    Note_clear(&a);
    Note_clear(&out);
    starch_repo_free(r);
}

REPO_TEST(ping)
{
    starch_repo *r = open_repo(b, &Todo_type, NULL);
    starch_error err;
    cr_assert_eq(starch_repo_ping(r, &err), STARCH_OK, "%s", err.message);
    starch_repo_free(r);
}

/* One flip: done toggles and priority counts the flips. */
static int flip(void *value, void *ctx)
{
    Todo *t = value;
    (void)ctx;
    t->done = !t->done;
    t->priority++;
    return STARCH_OK;
}

typedef struct flipper_arg {
    starch_repo *repo;
    int64_t id;
    int n, failed;
} flipper_arg;

static void *flipper(void *arg)
{
    flipper_arg *f = arg;
    for (int i = 0; i < f->n; i++)
        f->failed += starch_repo_update(f->repo, f->id, flip, NULL, NULL, NULL) != STARCH_OK;
    return NULL;
}

/* Runs THREADS flippers of record id, EACH flips each; checks every flip was counted. */
static void flip_concurrently(starch_repo *r, int64_t id, int threads, int each)
{
    pthread_t th[8];
    flipper_arg args[8];
    cr_assert_leq(threads, 8);
    for (int i = 0; i < threads; i++) {
        args[i] = (flipper_arg){r, id, each, 0};
        pthread_create(&th[i], NULL, flipper, &args[i]);
    }
    for (int i = 0; i < threads; i++) {
        pthread_join(th[i], NULL);
        cr_assert_eq(args[i].failed, 0, "flipper %d: %d updates failed", i, args[i].failed);
    }
}

REPO_TEST(concurrent_updates_count_every_flip)
{
    enum { THREADS = 4, EACH = 100 };
    starch_bus *bus = starch_bus_new(0);
    recorder rec = {.lock = PTHREAD_MUTEX_INITIALIZER};
    starch_bus_on(bus, "Todo.updated", 0, count_created, &rec);
    starch_repo *r = open_repo(b, &Todo_type, bus);
    Todo t = simple("flip", false, 0, 0);
    save_ok(r, &t);
    flip_concurrently(r, t.id, THREADS, EACH);
    Todo got = {0};
    cr_assert_eq(starch_repo_get(r, t.id, &got, NULL), STARCH_OK);
    cr_assert_eq(got.priority, THREADS * EACH);
    cr_assert_eq(got.done, (THREADS * EACH) % 2 == 1);
    cr_assert_eq(rec.count, THREADS * EACH);
    Todo_clear(&got);
    Todo_clear(&t);
    starch_repo_free(r);
    starch_bus_free(bus);
}

/* ---- SQLite only ---------------------------------------------------------------------- */

/* A fresh database file path in /tmp (removed with its WAL and lock files by drop_db). */
static void temp_db(char *path, size_t size)
{
    snprintf(path, size, "/tmp/starch-test-XXXXXX");
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
}

static void drop_db(const char *path)
{
    char buf[300];
    unlink(path);
    snprintf(buf, sizeof buf, "%s-wal", path);
    unlink(buf);
    snprintf(buf, sizeof buf, "%s-shm", path);
    unlink(buf);
    snprintf(buf, sizeof buf, "%s.lock", path);
    unlink(buf);
}

static void sql(const char *path, const char *text)
{
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    cr_assert_eq(sqlite3_exec(db, text, NULL, NULL, &msg), SQLITE_OK, "%s", msg);
    sqlite3_close(db);
}

static int text_of(void *ctx, int n, char **values, char **names)
{
    (void)n;
    (void)names;
    snprintf(ctx, 256, "%s", values[0] ? values[0] : "NULL");
    return 0;
}

static const char *sql_value(const char *path, const char *query)
{
    static char buf[256];
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    buf[0] = '\0';
    cr_assert_eq(sqlite3_exec(db, query, text_of, buf, NULL), SQLITE_OK);
    sqlite3_close(db);
    return buf;
}

Test(repo, sqlite_file_persists_in_wal_mode_with_json_columns)
{
    char path[64];
    temp_db(path, sizeof path);
    starch_error err;
    starch_repo *r = starch_repo_sqlite(&Todo_type, path, NULL, &err);
    cr_assert_not_null(r, "%s", err.message);
    Todo t;
    sample_todo(&t, 1);
    save_ok(r, &t);
    starch_repo_free(r);
    cr_assert_str_eq(sql_value(path, "PRAGMA journal_mode"), "wal");
    cr_assert_str_eq(sql_value(path, "SELECT tags FROM Todo"), "[\"home\",\"ünïcødé\"]");
    cr_assert_str_eq(sql_value(path, "SELECT owner FROM Todo"),
                     "{\"name\":\"Ada\",\"age\":36,\"admin\":true}");
    cr_assert_str_eq(sql_value(path, "SELECT typeof(done) || typeof(score) FROM Todo"),
                     "integerreal");

    r = starch_repo_sqlite(&Todo_type, path, NULL, &err);
    cr_assert_not_null(r, "%s", err.message);
    Todo got = {0};
    cr_assert_eq(starch_repo_get(r, 1, &got, NULL), STARCH_OK);
    cr_assert(starch_entity_equal(&Todo_type, &t, &got));
    Todo_clear(&got);
    Todo_clear(&t);
    starch_repo_free(r);
    drop_db(path);
}

Test(repo, sqlite_adds_missing_columns)
{
    char path[64];
    temp_db(path, sizeof path);
    sql(path, "CREATE TABLE Todo (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT);"
              "INSERT INTO Todo (title) VALUES ('old');");
    starch_error err;
    starch_repo *r = starch_repo_sqlite(&Todo_type, path, NULL, &err);
    cr_assert_not_null(r, "%s", err.message);
    Todo t = {0};
    cr_assert_eq(starch_repo_get(r, 1, &t, &err), STARCH_OK, "%s", err.message);
    cr_assert_str_eq(t.title, "old");
    cr_assert_eq(t.tags_count, 0);
    t.done = true;
    save_ok(r, &t);
    Todo_clear(&t);
    starch_repo_free(r);
    cr_assert_str_eq(sql_value(path, "SELECT done FROM Todo"), "1");
    drop_db(path);
}

Test(repo, sqlite_failed_write_rolls_back_without_event)
{
    char path[64];
    temp_db(path, sizeof path);
    starch_error err;
    starch_bus *bus = starch_bus_new(0);
    recorder rec = {.lock = PTHREAD_MUTEX_INITIALIZER};
    starch_bus_on(bus, "*", 0, record, &rec);
    starch_repo *r = starch_repo_sqlite(&Todo_type, path, bus, &err);
    cr_assert_not_null(r, "%s", err.message);
    sql(path, "CREATE TRIGGER no_boom BEFORE INSERT ON Todo WHEN NEW.title = 'boom' "
              "BEGIN SELECT RAISE(ABORT, 'no boom'); END;"
              "CREATE TRIGGER no_boom2 BEFORE UPDATE ON Todo WHEN NEW.title = 'boom' "
              "BEGIN SELECT RAISE(ABORT, 'no boom'); END;");
    Todo t = simple("boom", false, 0, 0);
    cr_assert_eq(starch_repo_save(r, &t, &err), STARCH_EDB);
    cr_assert_str_eq(err.message, "Todo: sqlite: no boom");
    cr_assert_eq(t.id, 0);
    free(t.title);
    t.title = sample_strdup("fine");
    save_ok(r, &t);
    cr_assert_eq(t.id, 1);
    free(t.title);
    t.title = sample_strdup("boom");
    cr_assert_eq(starch_repo_save(r, &t, &err), STARCH_EDB);
    cr_assert_eq(rec.count, 1);
    cr_assert_str_eq(rec.names[0], "Todo.created");
    Todo got = {0};
    cr_assert_eq(starch_repo_get(r, 1, &got, NULL), STARCH_OK);
    cr_assert_str_eq(got.title, "fine");
    Todo_clear(&got);
    Todo_clear(&t);
    starch_repo_free(r);
    starch_bus_free(bus);
    drop_db(path);
}

/* ---- SQLite sync settings: a VFS that counts fsyncs ------------------------------------ */

/* The default VFS, wrapped: each file it opens is the real one behind a file of its own
 * whose methods pass every call on, counting xSync. The state is the test's own
 * (Criterion runs these tests one at a time, -j1). */
static sqlite3_vfs *real_vfs;
static int syncs;

typedef struct counted_file {
    sqlite3_file base;
    sqlite3_file *real; /* right after this struct, real_vfs->szOsFile bytes */
} counted_file;

#define REAL(f) (((counted_file *)(f))->real)
static int c_close(sqlite3_file *f)
{
    return REAL(f)->pMethods->xClose(REAL(f));
}
static int c_read(sqlite3_file *f, void *p, int n, sqlite3_int64 o)
{
    return REAL(f)->pMethods->xRead(REAL(f), p, n, o);
}
static int c_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 o)
{
    return REAL(f)->pMethods->xWrite(REAL(f), p, n, o);
}
static int c_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    return REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int c_sync(sqlite3_file *f, int flags)
{
    syncs++;
    return REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int c_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return REAL(f)->pMethods->xFileSize(REAL(f), size);
}
static int c_lock(sqlite3_file *f, int lock)
{
    return REAL(f)->pMethods->xLock(REAL(f), lock);
}
static int c_unlock(sqlite3_file *f, int lock)
{
    return REAL(f)->pMethods->xUnlock(REAL(f), lock);
}
static int c_check_reserved(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int c_file_control(sqlite3_file *f, int op, void *arg)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int c_sector_size(sqlite3_file *f)
{
    return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int c_device(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int c_shm_map(sqlite3_file *f, int page, int size, int extend, void volatile **out)
{
    return REAL(f)->pMethods->xShmMap(REAL(f), page, size, extend, out);
}
static int c_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
    return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}
static void c_shm_barrier(sqlite3_file *f)
{
    REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int c_shm_unmap(sqlite3_file *f, int delete_flag)
{
    return REAL(f)->pMethods->xShmUnmap(REAL(f), delete_flag);
}
static int c_fetch(sqlite3_file *f, sqlite3_int64 o, int n, void **out)
{
    return REAL(f)->pMethods->xFetch(REAL(f), o, n, out);
}
static int c_unfetch(sqlite3_file *f, sqlite3_int64 o, void *p)
{
    return REAL(f)->pMethods->xUnfetch(REAL(f), o, p);
}
#undef REAL

static const sqlite3_io_methods counted_io = {
    3,           c_close,   c_read,     c_write,          c_truncate,     c_sync,
    c_file_size, c_lock,    c_unlock,   c_check_reserved, c_file_control, c_sector_size,
    c_device,    c_shm_map, c_shm_lock, c_shm_barrier,    c_shm_unmap,    c_fetch,
    c_unfetch};

static int counted_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
    (void)vfs;
    counted_file *c = (counted_file *)f;
    c->real = (sqlite3_file *)(c + 1);
    c->base.pMethods = NULL;
    int rc = real_vfs->xOpen(real_vfs, name, c->real, flags, out);
    if (c->real->pMethods) /* set even on failure when xClose must run */
        c->base.pMethods = &counted_io;
    return rc;
}

/* The fsyncs of 10 saves (after one, which may sync the new WAL's header) with opt. */
static int syncs_of_saves(const starch_sqlite_options *opt)
{
    real_vfs = sqlite3_vfs_find(NULL);
    sqlite3_vfs counting = *real_vfs;
    counting.zName = "starch-counting";
    counting.szOsFile = (int)sizeof(counted_file) + real_vfs->szOsFile;
    counting.xOpen = counted_open;
    cr_assert_eq(sqlite3_vfs_register(&counting, 1), SQLITE_OK);
    char path[64];
    temp_db(path, sizeof path);
    starch_error err;
    starch_repo *r = starch_repo_sqlite_open(&Todo_type, path, NULL, opt, &err);
    cr_assert_not_null(r, "%s", err.message);
    Todo t = simple("first", false, 0, 0);
    save_ok(r, &t);
    syncs = 0;
    for (int i = 0; i < 10; i++) {
        t.id = 0;
        save_ok(r, &t);
    }
    int n = syncs;
    Todo_clear(&t);
    starch_repo_free(r);
    sqlite3_vfs_register(real_vfs, 1);
    sqlite3_vfs_unregister(&counting);
    drop_db(path);
    return n;
}

Test(repo, sqlite_sync_full_fsyncs_every_commit)
{
    cr_assert_geq(syncs_of_saves(&(starch_sqlite_options){.sync = STARCH_SQLITE_SYNC_FULL}), 10);
}

Test(repo, sqlite_sync_normal_and_off_fsync_no_commit)
{
    cr_assert_eq(syncs_of_saves(&(starch_sqlite_options){.sync = STARCH_SQLITE_SYNC_NORMAL}), 0);
    cr_assert_eq(syncs_of_saves(&(starch_sqlite_options){.sync = STARCH_SQLITE_SYNC_OFF}), 0);
}

Test(repo, sqlite_sync_default_is_normal_in_wal_mode)
{
    /* No options, and zeroed ones, are NORMAL (as starch_repo_sqlite): no fsync at commit. */
    cr_assert_eq(syncs_of_saves(NULL), 0);
    cr_assert_eq(syncs_of_saves(&(starch_sqlite_options){0}), 0);
    char path[64];
    temp_db(path, sizeof path);
    starch_error err;
    starch_repo *r = starch_repo_sqlite_open(&Todo_type, path, NULL, NULL, &err);
    cr_assert_not_null(r, "%s", err.message);
    starch_repo_free(r);
    cr_assert_str_eq(sql_value(path, "PRAGMA journal_mode"), "wal");
    drop_db(path);
}

Test(repo, sqlite_unknown_sync_is_refused)
{
    starch_error err;
    starch_sqlite_options opt = {.sync = (starch_sqlite_sync)42};
    cr_assert_null(starch_repo_sqlite_open(&Todo_type, ":memory:", NULL, &opt, &err));
    cr_assert_eq(err.code, STARCH_EINVAL);
    cr_assert_str_eq(err.message, "Todo: sqlite: unknown sync setting 42");
}

Test(repo, sqlite_bad_path)
{
    starch_error err;
    cr_assert_null(starch_repo_sqlite(&Todo_type, "/nonexistent-dir/x.db", NULL, &err));
    cr_assert_eq(err.code, STARCH_EDB);
    cr_assert_str_eq(err.message, "Todo: sqlite: unable to open database file");
}

Test(repo, sqlite_refuses_a_second_instance_of_a_type_on_one_file)
{
    char path[64], lock[80];
    temp_db(path, sizeof path);
    snprintf(lock, sizeof lock, "%s.lock", path);
    starch_error err;
    starch_repo *a = starch_repo_sqlite(&Todo_type, path, NULL, &err);
    cr_assert_not_null(a, "%s", err.message);
    cr_assert_null(starch_repo_sqlite(&Todo_type, path, NULL, &err));
    cr_assert_eq(err.code, STARCH_EDB);
    char want[300];
    snprintf(want, sizeof want,
             "Todo: sqlite: another Todo repository has %s open (%s held): its events would not "
             "reach this one",
             path, lock);
    cr_assert_str_eq(err.message, want);

    /* another process is refused too */
    pid_t pid = fork();
    if (pid == 0)
        _exit(starch_repo_sqlite(&Todo_type, path, NULL, NULL) == NULL ? 0 : 1);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a second process was let in");

    /* another type on the same file is fine, and freeing one does not free the other */
    starch_repo *notes = starch_repo_sqlite(&Note_type, path, NULL, &err);
    cr_assert_not_null(notes, "%s", err.message);
    starch_repo_free(notes);
    cr_assert_null(starch_repo_sqlite(&Todo_type, path, NULL, &err));
    starch_repo_free(a);
    a = starch_repo_sqlite(&Todo_type, path, NULL, &err);
    cr_assert_not_null(a, "%s: free releases the file", err.message);
    starch_repo_free(a);
    drop_db(path);
}

Test(repo, sqlite_update_excludes_writers_of_other_processes)
{
    enum { EACH = 200 };
    char path[64];
    temp_db(path, sizeof path);
    starch_error err;
    starch_repo *r = starch_repo_sqlite(&Todo_type, path, NULL, &err);
    cr_assert_not_null(r, "%s", err.message);
    Todo t = simple("flip", false, 0, 0);
    save_ok(r, &t);
    pid_t pid = fork();
    if (pid == 0) { /* another process adds 1000 to priority EACH times, in raw SQL */
        sqlite3 *db;
        int bad = sqlite3_open(path, &db) != SQLITE_OK;
        sqlite3_busy_timeout(db, 10000);
        for (int i = 0; i < EACH && !bad; i++)
            bad = sqlite3_exec(db, "UPDATE Todo SET priority = priority + 1000", NULL, NULL,
                               NULL) != SQLITE_OK;
        sqlite3_close(db);
        _exit(bad);
    }
    flip_concurrently(r, t.id, 2, EACH);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the other process failed");
    Todo got = {0};
    cr_assert_eq(starch_repo_get(r, t.id, &got, NULL), STARCH_OK);
    cr_assert_eq(got.priority, 2 * EACH + 1000 * EACH, "a write was lost: %lld",
                 (long long)got.priority);
    Todo_clear(&got);
    Todo_clear(&t);
    starch_repo_free(r);
    drop_db(path);
}
