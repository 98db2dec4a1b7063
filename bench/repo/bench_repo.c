/* bench_repo.c — repository and event bus throughput: save / get / all / where for the
 * memory and SQLite backends at 1k and 100k entities, and the cost of an event per
 * handler, emitted synchronously and asynchronously. Prints; asserts nothing.
 *
 * usage: bench_repo [--quick]   (--quick: 1k entities only) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <starch_sqlite.h>

/* {% entity Item %} id: int  title: string  done: bool  score: float  tags: string[] {% end %}
 * as starch generates it. */
typedef struct Item {
    int64_t id;
    char *title;
    bool done;
    double score;
    char **tags;
    size_t tags_count;
} Item;

static const starch_field Item_fields[] = {
    {.name = "id", .kind = STARCH_KIND_INT, .offset = offsetof(Item, id)},
    {.name = "title", .kind = STARCH_KIND_STRING, .offset = offsetof(Item, title)},
    {.name = "done", .kind = STARCH_KIND_BOOL, .offset = offsetof(Item, done)},
    {.name = "score", .kind = STARCH_KIND_FLOAT, .offset = offsetof(Item, score)},
    {.name = "tags",
     .kind = STARCH_KIND_STRING,
     .array = true,
     .offset = offsetof(Item, tags),
     .count_offset = offsetof(Item, tags_count)},
};
static const starch_entity_type Item_type = {
    .name = "Item", .size = sizeof(Item), .fields = Item_fields, .field_count = 5, .key = 0};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void line(const char *backend, size_t n, const char *op, size_t ops, double secs)
{
    printf("%-8s %7zu  %-22s %10.0f ops/s  %8.2f us/op\n", backend, n, op, (double)ops / secs,
           secs * 1e6 / (double)ops);
}

static void make_item(Item *it, size_t i)
{
    static char *tags[] = {"home", "work"};
    char title[32];
    snprintf(title, sizeof title, "item %zu", (i * 7919) % 100003);
    *it = (Item){.title = strdup(title), .done = i % 4 == 0, .score = (double)(i % 100) / 10};
    it->tags = tags;
    it->tags_count = 2;
}

static void bench_repo(const char *backend, starch_repo *repo, size_t n)
{
    double t = now();
    for (size_t i = 0; i < n; i++) {
        Item it;
        make_item(&it, i);
        starch_repo_save(repo, &it, NULL);
        free(it.title);
    }
    line(backend, n, "save (insert)", n, now() - t);

    size_t gets = n < 100000 ? n : 100000;
    Item got = {0};
    t = now();
    for (size_t i = 0; i < gets; i++)
        starch_repo_get(repo, (int64_t)((i * 7919) % n) + 1, &got, NULL);
    line(backend, n, "get", gets, now() - t);
    starch_entity_clear(&Item_type, &got);

    size_t updates = gets / 10;
    t = now();
    for (size_t i = 0; i < updates; i++) {
        Item it;
        make_item(&it, i);
        it.id = (int64_t)i + 1;
        starch_repo_save(repo, &it, NULL);
        free(it.title);
    }
    line(backend, n, "save (update)", updates, now() - t);

    size_t rounds = n >= 100000 ? 3 : 100;
    t = now();
    for (size_t i = 0; i < rounds; i++) {
        starch_list list;
        starch_repo_all(repo, &list, NULL);
        starch_list_free(&list);
    }
    line(backend, n, "all (whole list)", rounds, now() - t);

    rounds = n >= 100000 ? 10 : 300;
    starch_query q = {
        .field = "done", .value = STARCH_VALUE_BOOL(true), .order_by = "title", .limit = 20};
    t = now();
    for (size_t i = 0; i < rounds; i++) {
        starch_list list;
        starch_repo_where(repo, &q, &list, NULL);
        starch_list_free(&list);
    }
    line(backend, n, "where+order+limit 20", rounds, now() - t);
}

static int handler(const starch_event *ev, void *ctx)
{
    (void)ev;
    ++*(volatile size_t *)ctx;
    return STARCH_CONTINUE;
}

static void bench_bus(unsigned handlers, bool async)
{
    starch_bus *bus = starch_bus_new(async ? 2 : 0);
    static size_t counts[16];
    for (unsigned i = 0; i < handlers; i++)
        starch_bus_on(bus, i % 2 ? "Item.*" : "Item.created", 0, handler, &counts[i]);
    Item it;
    make_item(&it, 1);
    starch_event ev = {.name = "Item.created", .type = &Item_type, .data = &it};
    size_t n = async ? 200000 : 1000000;
    double t = now();
    for (size_t i = 0; i < n; i++) {
        if (async)
            starch_bus_emit_async(bus, &ev);
        else
            starch_bus_emit(bus, &ev);
    }
    starch_bus_flush(bus);
    double secs = now() - t;
    printf("bus %-5s %2u handlers  %10.0f events/s  %8.1f ns/event  %6.1f ns/event/handler\n",
           async ? "async" : "sync", handlers, (double)n / secs, secs * 1e9 / (double)n,
           secs * 1e9 / (double)n / handlers);
    free(it.title);
    starch_bus_free(bus);
}

int main(int argc, char **argv)
{
    bool quick = (argc > 1 && strcmp(argv[1], "--quick") == 0) || getenv("BENCH_QUICK") != NULL;
    size_t sizes[] = {1000, 100000};
    for (size_t s = 0; s < (quick ? 1u : 2u); s++) {
        starch_repo *mem = starch_repo_memory(&Item_type, NULL, NULL);
        bench_repo("memory", mem, sizes[s]);
        starch_repo_free(mem);
        char path[] = "/tmp/starch-bench-XXXXXX";
        int fd = mkstemp(path);
        if (fd >= 0)
            close(fd);
        starch_repo *db = starch_repo_sqlite(&Item_type, path, NULL, NULL);
        if (db)
            bench_repo("sqlite", db, sizes[s]);
        starch_repo_free(db);
        char wal[64];
        unlink(path);
        snprintf(wal, sizeof wal, "%s-wal", path);
        unlink(wal);
        snprintf(wal, sizeof wal, "%s-shm", path);
        unlink(wal);
    }
    for (unsigned h = 1; h <= 4; h *= 4) {
        bench_bus(h, false);
        bench_bus(h, true);
    }
    return 0;
}
