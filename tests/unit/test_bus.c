/* test_bus.c — the event bus: exact names and patterns, priority order, stop,
 * unsubscribe, payload copies for async, per-emitter ordering with several workers,
 * flush, shutdown. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <time.h>

#include "sample_entities.h"
#include "leak_check.h"

LEAK_CHECKED_SUITE(bus);

/* A log of handler calls: "name:tag" lines joined by spaces. */
typedef struct journal {
    pthread_mutex_t lock;
    char text[1024];
} journal;

typedef struct probe {
    journal *j;
    const char *tag;
    int result;
} probe;

static int note(const starch_event *ev, void *ctx)
{
    probe *p = ctx;
    pthread_mutex_lock(&p->j->lock);
    size_t n = strlen(p->j->text);
    snprintf(p->j->text + n, sizeof p->j->text - n, "%s%s:%s", n ? " " : "", p->tag, ev->name);
    pthread_mutex_unlock(&p->j->lock);
    return p->result;
}

static size_t emit(starch_bus *bus, const char *name)
{
    return starch_bus_emit(bus, &(starch_event){.name = name});
}

Test(bus, exact_names_and_patterns)
{
    starch_bus *bus = starch_bus_new(0);
    journal j = {.lock = PTHREAD_MUTEX_INITIALIZER};
    probe exact = {&j, "exact", 0}, todo = {&j, "todo", 0}, del = {&j, "del", 0},
          all = {&j, "all", 0}, mid = {&j, "mid", 0};
    starch_bus_on(bus, "Todo.created", 0, note, &exact);
    starch_bus_on(bus, "Todo.*", 0, note, &todo);
    starch_bus_on(bus, "*.deleted", 0, note, &del);
    starch_bus_on(bus, "*", 0, note, &all);
    starch_bus_on(bus, "T*o.*d", 0, note, &mid);
    cr_assert_eq(emit(bus, "Todo.created"), 4);
    cr_assert_eq(emit(bus, "User.deleted"), 2);
    cr_assert_eq(emit(bus, "Todo.deleted"), 4);
    cr_assert_eq(emit(bus, "Todos.created"), 1); /* no "o." in it */
    cr_assert_eq(emit(bus, "Todo.created.x"), 2);
    cr_assert_str_eq(j.text, "exact:Todo.created todo:Todo.created all:Todo.created "
                             "mid:Todo.created "
                             "del:User.deleted all:User.deleted "
                             "todo:Todo.deleted del:Todo.deleted all:Todo.deleted "
                             "mid:Todo.deleted "
                             "all:Todos.created "
                             "todo:Todo.created.x all:Todo.created.x");
    starch_bus_free(bus);
}

Test(bus, priority_order_then_subscription_order)
{
    starch_bus *bus = starch_bus_new(0);
    journal j = {.lock = PTHREAD_MUTEX_INITIALIZER};
    probe a = {&j, "a", 0}, b = {&j, "b", 0}, c = {&j, "c", 0}, d = {&j, "d", 0}, e = {&j, "e", 0};
    starch_bus_on(bus, "x", 0, note, &a);
    starch_bus_on(bus, "x", 10, note, &b);
    starch_bus_on(bus, "*", 0, note, &c);
    starch_bus_on(bus, "x", -5, note, &d);
    starch_bus_on(bus, "x", 10, note, &e);
    emit(bus, "x");
    cr_assert_str_eq(j.text, "b:x e:x a:x c:x d:x");
    starch_bus_free(bus);
}

Test(bus, stop_skips_later_handlers)
{
    starch_bus *bus = starch_bus_new(0);
    journal j = {.lock = PTHREAD_MUTEX_INITIALIZER};
    probe first = {&j, "first", 0}, guard = {&j, "guard", STARCH_STOP}, last = {&j, "last", 0};
    starch_bus_on(bus, "x", 5, note, &first);
    starch_bus_on(bus, "x", 1, note, &guard);
    starch_bus_on(bus, "*", 0, note, &last);
    cr_assert_eq(emit(bus, "x"), 2);
    cr_assert_eq(emit(bus, "y"), 1);
    cr_assert_str_eq(j.text, "first:x guard:x last:y");
    starch_bus_free(bus);
}

Test(bus, unsubscribe)
{
    starch_bus *bus = starch_bus_new(0);
    journal j = {.lock = PTHREAD_MUTEX_INITIALIZER};
    probe a = {&j, "a", 0}, b = {&j, "b", 0};
    uint64_t ha = starch_bus_on(bus, "x", 0, note, &a);
    uint64_t hb = starch_bus_on(bus, "x", 0, note, &b);
    cr_assert(ha > 0 && hb > 0 && ha != hb);
    cr_assert_eq(starch_bus_off(bus, ha), STARCH_OK);
    cr_assert_eq(starch_bus_off(bus, ha), STARCH_ENOTFOUND);
    cr_assert_eq(starch_bus_off(bus, 12345), STARCH_ENOTFOUND);
    emit(bus, "x");
    cr_assert_str_eq(j.text, "b:x");
    cr_assert_eq(starch_bus_on(bus, NULL, 0, note, &a), 0);
    cr_assert_eq(starch_bus_on(bus, "x", 0, NULL, &a), 0);
    starch_bus_free(bus);
}

/* Unsubscribes the handle in ctx (its own, and the next one's) while running. */
typedef struct self_off {
    starch_bus *bus;
    uint64_t handles[2];
    int calls;
} self_off;

static int unsubscribe_both(const starch_event *ev, void *ctx)
{
    (void)ev;
    self_off *s = ctx;
    s->calls++;
    starch_bus_off(s->bus, s->handles[0]);
    starch_bus_off(s->bus, s->handles[1]);
    return STARCH_CONTINUE;
}

static int count_call(const starch_event *ev, void *ctx)
{
    (void)ev;
    (*(int *)ctx)++;
    return STARCH_CONTINUE;
}

Test(bus, handler_may_unsubscribe_during_emit)
{
    starch_bus *bus = starch_bus_new(0);
    self_off s = {.bus = bus};
    int later = 0;
    s.handles[0] = starch_bus_on(bus, "x", 1, unsubscribe_both, &s);
    s.handles[1] = starch_bus_on(bus, "x", 0, count_call, &later);
    cr_assert_eq(emit(bus, "x"), 1); /* the second was unsubscribed before its turn */
    cr_assert_eq(emit(bus, "x"), 0);
    cr_assert_eq(s.calls, 1);
    cr_assert_eq(later, 0);
    starch_bus_free(bus);
}

/* ---- async ------------------------------------------------------------------------- */

typedef struct seen {
    pthread_mutex_t lock;
    int64_t values[4096];
    size_t count;
    char title[64];
    char bytes[16];
} seen;

static int see_todo(const starch_event *ev, void *ctx)
{
    seen *s = ctx;
    const Todo *t = ev->data;
    pthread_mutex_lock(&s->lock);
    s->values[s->count++] = t->id;
    snprintf(s->title, sizeof s->title, "%s|%s|%zu", t->title, t->tags[1], t->notes_count);
    pthread_mutex_unlock(&s->lock);
    return STARCH_CONTINUE;
}

Test(bus, async_copies_the_entity_payload)
{
    starch_bus *bus = starch_bus_new(2);
    seen s = {.lock = PTHREAD_MUTEX_INITIALIZER};
    starch_bus_on(bus, "Todo.created", 0, see_todo, &s);
    Todo t;
    sample_todo(&t, 1);
    t.id = 7;
    cr_assert_eq(starch_bus_emit_async(
                     bus, &(starch_event){.name = "Todo.created", .type = &Todo_type, .data = &t}),
                 STARCH_OK);
    Todo_clear(&t); /* the queued copy is independent */
    cr_assert_eq(starch_bus_flush(bus), STARCH_OK);
    cr_assert_eq(s.count, 1);
    cr_assert_eq(s.values[0], 7);
    cr_assert_str_eq(s.title, "Task 1 \"quoted\" <b>|ünïcødé|2");
    starch_bus_free(bus);
}

static int see_bytes(const starch_event *ev, void *ctx)
{
    seen *s = ctx;
    pthread_mutex_lock(&s->lock);
    memcpy(s->bytes, ev->data, ev->size);
    s->count++;
    pthread_mutex_unlock(&s->lock);
    return STARCH_CONTINUE;
}

Test(bus, async_copies_byte_payloads_and_the_name)
{
    starch_bus *bus = starch_bus_new(1);
    seen s = {.lock = PTHREAD_MUTEX_INITIALIZER};
    starch_bus_on(bus, "ping", 0, see_bytes, &s);
    char name[] = "ping", data[] = "hello";
    cr_assert_eq(starch_bus_emit_async(
                     bus, &(starch_event){.name = name, .data = data, .size = sizeof data}),
                 STARCH_OK);
    strcpy(name, "pong");
    strcpy(data, "xxxxx");
    starch_bus_flush(bus);
    cr_assert_eq(s.count, 1);
    cr_assert_str_eq(s.bytes, "hello");
    starch_bus_free(bus);
}

static int record_value(const starch_event *ev, void *ctx)
{
    seen *s = ctx;
    pthread_mutex_lock(&s->lock);
    s->values[s->count++] = *(const int64_t *)ev->data;
    pthread_mutex_unlock(&s->lock);
    return STARCH_CONTINUE;
}

static starch_event number_event(const char *name, const int64_t *v)
{
    return (starch_event){.name = name, .data = v, .size = sizeof *v};
}

Test(bus, async_events_from_one_thread_arrive_in_order)
{
    starch_bus *bus = starch_bus_new(4);
    seen s = {.lock = PTHREAD_MUTEX_INITIALIZER};
    starch_bus_on(bus, "n.*", 0, record_value, &s);
    for (int64_t i = 0; i < 2000; i++) {
        starch_event ev = number_event(i % 2 ? "n.odd" : "n.even", &i);
        cr_assert_eq(starch_bus_emit_async(bus, &ev), STARCH_OK);
    }
    cr_assert_eq(starch_bus_flush(bus), STARCH_OK);
    cr_assert_eq(s.count, 2000);
    for (int64_t i = 0; i < 2000; i++)
        cr_assert_eq(s.values[i], i);
    starch_bus_free(bus);
}

typedef struct emitter {
    starch_bus *bus;
    int64_t base;
} emitter;

static void *emit_many(void *arg)
{
    emitter *e = arg;
    for (int64_t i = 0; i < 500; i++) {
        int64_t v = e->base + i;
        starch_event ev = number_event("n", &v);
        starch_bus_emit_async(e->bus, &ev);
    }
    return NULL;
}

Test(bus, async_order_holds_per_emitter_with_several_emitters)
{
    starch_bus *bus = starch_bus_new(3);
    seen s = {.lock = PTHREAD_MUTEX_INITIALIZER};
    starch_bus_on(bus, "n", 0, record_value, &s);
    pthread_t th[4];
    emitter e[4];
    for (int i = 0; i < 4; i++) {
        e[i] = (emitter){bus, (int64_t)i * 1000};
        pthread_create(&th[i], NULL, emit_many, &e[i]);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    starch_bus_flush(bus);
    cr_assert_eq(s.count, 2000);
    int64_t last[4] = {-1, -1, -1, -1};
    for (size_t i = 0; i < s.count; i++) {
        int64_t v = s.values[i], who = v / 1000;
        cr_assert_gt(v % 1000, last[who], "emitter %lld out of order", (long long)who);
        last[who] = v % 1000;
    }
    starch_bus_free(bus);
}

Test(bus, async_runs_priority_and_stop)
{
    starch_bus *bus = starch_bus_new(2);
    journal j = {.lock = PTHREAD_MUTEX_INITIALIZER};
    probe a = {&j, "a", 0}, b = {&j, "b", STARCH_STOP}, c = {&j, "c", 0};
    starch_bus_on(bus, "x", 0, note, &c);
    starch_bus_on(bus, "x", 2, note, &a);
    starch_bus_on(bus, "x", 1, note, &b);
    starch_bus_emit_async(bus, &(starch_event){.name = "x"});
    starch_bus_flush(bus);
    cr_assert_str_eq(j.text, "a:x b:x");
    starch_bus_free(bus);
}

static int slow_record(const starch_event *ev, void *ctx)
{
    struct timespec ts = {0, 200000}; /* 0.2 ms */
    nanosleep(&ts, NULL);
    return record_value(ev, ctx);
}

Test(bus, shutdown_drains_then_refuses)
{
    starch_bus *bus = starch_bus_new(2);
    seen s = {.lock = PTHREAD_MUTEX_INITIALIZER};
    starch_bus_on(bus, "n", 0, slow_record, &s);
    for (int64_t i = 0; i < 200; i++) {
        starch_event ev = number_event("n", &i);
        starch_bus_emit_async(bus, &ev);
    }
    cr_assert_eq(starch_bus_shutdown(bus), STARCH_OK);
    cr_assert_eq(s.count, 200);
    int64_t v = 1;
    starch_event ev = number_event("n", &v);
    cr_assert_eq(starch_bus_emit_async(bus, &ev), STARCH_ECLOSED);
    cr_assert_eq(starch_bus_emit(bus, &ev), 1); /* sync still works */
    cr_assert_eq(starch_bus_shutdown(bus), STARCH_OK);
    cr_assert_eq(starch_bus_flush(bus), STARCH_OK);
    starch_bus_free(bus);
}

Test(bus, no_workers_refuses_async)
{
    starch_bus *bus = starch_bus_new(0);
    cr_assert_eq(starch_bus_emit_async(bus, &(starch_event){.name = "x"}), STARCH_EINVAL);
    cr_assert_eq(starch_bus_flush(bus), STARCH_OK);
    starch_bus_free(bus);
    starch_bus_free(NULL);
}

typedef struct reentrant {
    starch_bus *bus;
    int flush_rc, shutdown_rc;
} reentrant;

static int flush_from_worker(const starch_event *ev, void *ctx)
{
    (void)ev;
    reentrant *r = ctx;
    r->flush_rc = starch_bus_flush(r->bus);
    r->shutdown_rc = starch_bus_shutdown(r->bus);
    return STARCH_CONTINUE;
}

Test(bus, flush_from_a_worker_is_refused)
{
    starch_bus *bus = starch_bus_new(1);
    reentrant r = {bus, -1, -1};
    starch_bus_on(bus, "x", 0, flush_from_worker, &r);
    starch_bus_emit_async(bus, &(starch_event){.name = "x"});
    starch_bus_flush(bus);
    cr_assert_eq(r.flush_rc, STARCH_EINVAL);
    cr_assert_eq(r.shutdown_rc, STARCH_EINVAL);
    starch_bus_free(bus);
}
