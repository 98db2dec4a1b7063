/* tsan_runtime.c — the runtime's concurrency, run under ThreadSanitizer (the build-tsan
 * dir of scripts/run-tests): plain pthreads and TAP, since Criterion's runner does not run
 * reliably under TSan. Each case checks its results too; a data race makes TSan fail the
 * executable (exit code 66), which counts as a failure. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fixture_entities.h"

static int case_no, failures;

static void report(const char *name, bool ok)
{
    printf("%s %d - %s\n", ok ? "ok" : "not ok", ++case_no, name);
    failures += !ok;
}

/* ---- bus ------------------------------------------------------------------------------ */

enum { EMITTERS = 4, PER_EMITTER = 300 };

typedef struct order_log {
    pthread_mutex_t lock;
    int64_t last[EMITTERS];
    int count;
    bool in_order;
} order_log;

static int check_order(const starch_event *ev, void *ctx)
{
    order_log *log = ctx;
    int64_t v = *(const int64_t *)ev->data;
    pthread_mutex_lock(&log->lock);
    int64_t who = v / 1000000, seq = v % 1000000;
    if (seq <= log->last[who])
        log->in_order = false;
    log->last[who] = seq;
    log->count++;
    pthread_mutex_unlock(&log->lock);
    return STARCH_CONTINUE;
}

static int nothing(const starch_event *ev, void *ctx)
{
    (void)ev;
    (void)ctx;
    return STARCH_CONTINUE;
}

typedef struct emit_arg {
    starch_bus *bus;
    int64_t who;
} emit_arg;

static void *emit_async_many(void *arg)
{
    emit_arg *e = arg;
    for (int64_t i = 0; i < PER_EMITTER; i++) {
        int64_t v = e->who * 1000000 + i;
        starch_event ev = {.name = "n.x", .data = &v, .size = sizeof v};
        starch_bus_emit_async(e->bus, &ev);
        if (i % 50 == 0)
            starch_bus_emit(e->bus, &(starch_event){.name = "sync"});
    }
    return NULL;
}

static void *churn_subscriptions(void *arg)
{
    starch_bus *bus = arg;
    for (int i = 0; i < 200; i++) {
        uint64_t h = starch_bus_on(bus, i % 2 ? "n.*" : "*", i % 5, nothing, NULL);
        starch_bus_off(bus, h);
    }
    return NULL;
}

static void bus_async_from_many_threads(void)
{
    starch_bus *bus = starch_bus_new(3);
    order_log log = {.lock = PTHREAD_MUTEX_INITIALIZER, .last = {-1, -1, -1, -1}, .in_order = true};
    starch_bus_on(bus, "n.*", 0, check_order, &log);
    pthread_t th[EMITTERS + 1];
    emit_arg args[EMITTERS];
    for (int i = 0; i < EMITTERS; i++) {
        args[i] = (emit_arg){bus, i};
        pthread_create(&th[i], NULL, emit_async_many, &args[i]);
    }
    pthread_create(&th[EMITTERS], NULL, churn_subscriptions, bus);
    for (int i = 0; i <= EMITTERS; i++)
        pthread_join(th[i], NULL);
    starch_bus_flush(bus);
    pthread_mutex_lock(&log.lock);
    bool ok = log.count == EMITTERS * PER_EMITTER && log.in_order;
    pthread_mutex_unlock(&log.lock);
    starch_bus_free(bus);
    report("bus: async from 4 threads, 3 workers, subscriptions churning", ok);
}

/* ---- repositories ----------------------------------------------------------------------- */

static int count_event(const starch_event *ev, void *ctx)
{
    (void)ev;
    int *n = ctx;
    __atomic_fetch_add(n, 1, __ATOMIC_RELAXED); /* GNU builtin: a counter TSan understands */
    return STARCH_CONTINUE;
}

typedef struct repo_arg {
    starch_repo *repo;
    bool ok;
} repo_arg;

static void *repo_worker(void *arg)
{
    repo_arg *r = arg;
    r->ok = true;
    for (int i = 0; i < 60; i++) {
        Todo t = {.title = strdup("x"), .priority = i % 4};
        r->ok &= starch_repo_save(r->repo, &t, NULL) == STARCH_OK;
        Todo got = {0};
        r->ok &= starch_repo_get(r->repo, t.id, &got, NULL) == STARCH_OK;
        starch_list list;
        starch_query q = {.field = "priority", .value = STARCH_VALUE_INT(i % 4), .limit = 5};
        r->ok &= starch_repo_where(r->repo, &q, &list, NULL) == STARCH_OK;
        starch_list_free(&list);
        size_t n;
        r->ok &= starch_repo_count(r->repo, NULL, &n, NULL) == STARCH_OK;
        if (i % 3 == 0)
            r->ok &= starch_repo_delete(r->repo, t.id, NULL) == STARCH_OK;
        Todo_clear(&got);
        Todo_clear(&t);
    }
    return NULL;
}

static void repo_concurrent(const char *name, starch_repo *(*open)(starch_bus *))
{
    starch_bus *bus = starch_bus_new(0);
    int events = 0;
    starch_bus_on(bus, "Todo.*", 0, count_event, &events);
    starch_repo *repo = open(bus);
    pthread_t th[4];
    repo_arg args[4];
    for (int i = 0; i < 4; i++) {
        args[i] = (repo_arg){repo, false};
        pthread_create(&th[i], NULL, repo_worker, &args[i]);
    }
    bool ok = true;
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        ok &= args[i].ok;
    }
    size_t n = 0;
    starch_repo_count(repo, NULL, &n, NULL);
    ok &= n == 4 * 40 && __atomic_load_n(&events, __ATOMIC_RELAXED) == 4 * (60 + 20);
    starch_repo_free(repo);
    starch_bus_free(bus);
    report(name, ok);
}

static starch_repo *open_memory(starch_bus *bus)
{
    return starch_repo_memory(&Todo_type, bus, NULL);
}

static starch_repo *open_sqlite(starch_bus *bus)
{
    return starch_repo_sqlite(&Todo_type, ":memory:", bus, NULL);
}

/* ---- hub ---------------------------------------------------------------------------------- */

enum { READERS = 20, PUBLISHERS = 2, PER_PUBLISHER = 200 };

typedef struct hub_reader {
    starch_client *client;
    int got;
    bool in_order;
} hub_reader;

static void *hub_read(void *arg)
{
    hub_reader *r = arg;
    int last[PUBLISHERS] = {-1, -1};
    char buf[64];
    size_t n;
    r->in_order = true;
    while (starch_client_read(r->client, buf, sizeof buf - 1, &n, 5000) == STARCH_OK) {
        buf[n] = '\0';
        int who, seq;
        if (sscanf(buf, "data: %d %d", &who, &seq) != 2 || seq <= last[who])
            r->in_order = false;
        else
            last[who] = seq;
        r->got++;
    }
    return NULL;
}

typedef struct publisher {
    starch_hub *hub;
    int who;
} publisher;

static void *hub_publish(void *arg)
{
    publisher *p = arg;
    for (int i = 0; i < PER_PUBLISHER; i++) {
        char msg[64];
        int n = snprintf(msg, sizeof msg, "data: %d %d\n\n", p->who, i);
        starch_hub_publish(p->hub, "t", msg, (size_t)n);
    }
    return NULL;
}

static void hub_concurrent(void)
{
    starch_hub *hub = starch_hub_new(PUBLISHERS * PER_PUBLISHER);
    hub_reader readers[READERS];
    pthread_t rt[READERS], pt[PUBLISHERS];
    publisher pubs[PUBLISHERS];
    for (int i = 0; i < READERS; i++) {
        readers[i] = (hub_reader){starch_hub_connect(hub), 0, false};
        starch_client_subscribe(readers[i].client, "t");
        pthread_create(&rt[i], NULL, hub_read, &readers[i]);
    }
    starch_client *idle = starch_hub_connect(hub); /* never reads: dropped when full */
    starch_client_subscribe(idle, "t");
    for (int i = 0; i < PUBLISHERS; i++) {
        pubs[i] = (publisher){hub, i};
        pthread_create(&pt[i], NULL, hub_publish, &pubs[i]);
    }
    for (int i = 0; i < PUBLISHERS; i++)
        pthread_join(pt[i], NULL);
    starch_hub_publish(hub, "t", "data: 0 99999\n\n", 15); /* fills idle's queue: dropped */
    starch_hub_close(hub);
    bool ok = true;
    for (int i = 0; i < READERS; i++) {
        pthread_join(rt[i], NULL);
        ok &= readers[i].in_order && readers[i].got == PUBLISHERS * PER_PUBLISHER + 1;
        starch_client_close(readers[i].client);
    }
    ok &= starch_hub_dropped(hub) == 1 && starch_client_dropped(idle);
    starch_client_close(idle);
    starch_hub_free(hub);
    report("hub: 2 publishers, 20 readers, one idle client dropped, close", ok);
}

/* A polled reader (an event loop's client): parked, it sleeps on its own condition
 * variable until the hub's wake; pings come from another thread meanwhile. */
typedef struct polled_reader {
    starch_client *client;
    pthread_mutex_t lock;
    pthread_cond_t woken_cv;
    bool woken;
    int got, pings;
    bool in_order;
} polled_reader;

static void polled_park(void *ctx)
{
    (void)ctx; /* the reader sleeps after poll returns: wake may come first, woken says so */
}

static void polled_wake(void *ctx)
{
    polled_reader *r = ctx;
    pthread_mutex_lock(&r->lock);
    r->woken = true;
    pthread_cond_signal(&r->woken_cv);
    pthread_mutex_unlock(&r->lock);
}

static void *polled_read(void *arg)
{
    polled_reader *r = arg;
    int last[PUBLISHERS] = {-1, -1};
    char buf[64];
    size_t n;
    r->in_order = true;
    for (;;) {
        int rc = starch_client_poll(r->client, buf, sizeof buf - 1, &n);
        if (rc == STARCH_ETIMEOUT) {
            r->pings++;
            continue;
        }
        if (rc != STARCH_OK)
            break;
        if (n == 0) { /* parked */
            pthread_mutex_lock(&r->lock);
            while (!r->woken)
                pthread_cond_wait(&r->woken_cv, &r->lock);
            r->woken = false;
            pthread_mutex_unlock(&r->lock);
            continue;
        }
        buf[n] = '\0';
        int who, seq;
        if (sscanf(buf, "data: %d %d", &who, &seq) != 2 || seq <= last[who])
            r->in_order = false;
        else
            last[who] = seq;
        r->got++;
    }
    return NULL;
}

static void *pinger(void *arg)
{
    starch_hub *hub = arg;
    for (int i = 0; i < 200; i++)
        starch_hub_ping(hub);
    return NULL;
}

static void hub_polled(void)
{
    starch_hub *hub = starch_hub_new(PUBLISHERS * PER_PUBLISHER);
    polled_reader readers[READERS];
    pthread_t rt[READERS], pt[PUBLISHERS], ping;
    publisher pubs[PUBLISHERS];
    for (int i = 0; i < READERS; i++) {
        polled_reader *r = &readers[i];
        *r = (polled_reader){.client = starch_hub_connect(hub)};
        pthread_mutex_init(&r->lock, NULL);
        pthread_cond_init(&r->woken_cv, NULL);
        starch_client_set_waker(r->client, &(starch_client_waker){polled_park, polled_wake, r});
        starch_client_subscribe(r->client, "t");
        pthread_create(&rt[i], NULL, polled_read, r);
    }
    pthread_create(&ping, NULL, pinger, hub);
    for (int i = 0; i < PUBLISHERS; i++) {
        pubs[i] = (publisher){hub, i};
        pthread_create(&pt[i], NULL, hub_publish, &pubs[i]);
    }
    for (int i = 0; i < PUBLISHERS; i++)
        pthread_join(pt[i], NULL);
    pthread_join(ping, NULL);
    starch_hub_close(hub);
    bool ok = starch_hub_clients(hub) == READERS &&
              starch_hub_published(hub) == PUBLISHERS * PER_PUBLISHER;
    for (int i = 0; i < READERS; i++) {
        pthread_join(rt[i], NULL);
        ok &= readers[i].in_order && readers[i].got == PUBLISHERS * PER_PUBLISHER;
        starch_client_close(readers[i].client);
        pthread_cond_destroy(&readers[i].woken_cv);
        pthread_mutex_destroy(&readers[i].lock);
    }
    starch_hub_free(hub);
    report("hub: 2 publishers, 20 polled readers parked and woken, a pinger, close", ok);
}

int main(void)
{
    printf("1..5\n");
    bus_async_from_many_threads();
    repo_concurrent("repo: memory, 4 writers/readers with events", open_memory);
    repo_concurrent("repo: sqlite, 4 writers/readers with events", open_sqlite);
    hub_concurrent();
    hub_polled();
    return failures ? 1 : 0;
}
