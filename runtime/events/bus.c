/* bus.c — the event bus: handlers by name or pattern in priority order, run in the
 * emitting thread (emit) or on worker threads (emit_async).
 *
 * Subscriptions live in one array sorted by priority (higher first), then by handle (so
 * equal priorities keep subscription order), under the bus mutex. An emit takes a
 * snapshot of the matching subscriptions (holding a reference to each) and runs them
 * without the lock, so handlers may subscribe, unsubscribe and emit; an unsubscribed
 * handler is skipped from then on and freed when the last snapshot lets it go.
 *
 * Async ordering: each worker owns a queue (a lane); every event a thread emits async
 * goes to the lane its thread hashes to, so one worker runs that thread's events, in
 * emit order, each event's handlers in priority order (and STOP still stops). */
#include "entity_impl.h"
#include "starch_events.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

typedef struct sub {
    uint64_t id;
    char *pattern;
    int priority;
    starch_handler_fn fn;
    void *ctx;
    size_t refs;         /* snapshots holding it (under the bus lock) */
    atomic_bool removed; /* unsubscribed: skip it */
} sub;

/* A queued async event with the copies it owns. */
typedef struct job {
    struct job *next;
    starch_event ev;
} job;

typedef struct lane {
    job *head, *tail;
    pthread_cond_t ready;
} lane;

struct starch_bus {
    pthread_mutex_t lock; /* the subscriptions and the lanes */
    sub **subs;
    size_t sub_count, sub_cap;
    uint64_t next_id;
    unsigned workers;
    lane *lanes;
    pthread_t *threads;
    size_t pending; /* async events queued or running */
    pthread_cond_t idle;
    bool closing;
    bool joined;                   /* the workers are gone (their thread ids may be reused) */
    pthread_mutex_t shutdown_lock; /* one shutdown at a time */
};

/* Its address identifies the calling thread (never written). */
static _Thread_local char thread_marker;

/* Glob match where `*` matches any run of characters. */
static bool match(const char *p, const char *s)
{
    const char *star = NULL, *resume = NULL;
    while (*s) {
        if (*p == '*') {
            star = p++;
            resume = s;
        } else if (*p == *s) {
            p++;
            s++;
        } else if (star) {
            p = star + 1;
            s = ++resume;
        } else {
            return false;
        }
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

/* ---- Subscriptions ----------------------------------------------------------------- */

static void sub_free(sub *s)
{
    free(s->pattern);
    free(s);
}

/* Inserts s at its place: after every sub of higher or equal priority. Lock held. */
static bool insert_sub(starch_bus *bus, sub *s)
{
    if (bus->sub_count == bus->sub_cap) {
        size_t cap = bus->sub_cap ? bus->sub_cap * 2 : 8;
        sub **a = realloc(bus->subs, cap * sizeof *a);
        if (a == NULL)
            return false;
        bus->subs = a;
        bus->sub_cap = cap;
    }
    size_t i = bus->sub_count;
    while (i > 0 && bus->subs[i - 1]->priority < s->priority) {
        bus->subs[i] = bus->subs[i - 1];
        i--;
    }
    bus->subs[i] = s;
    bus->sub_count++;
    return true;
}

uint64_t starch_bus_on(starch_bus *bus, const char *pattern, int priority, starch_handler_fn fn,
                       void *ctx)
{
    if (pattern == NULL || fn == NULL)
        return 0;
    sub *s = calloc(1, sizeof *s);
    if (s == NULL || (s->pattern = strdup(pattern)) == NULL) {
        free(s);
        return 0;
    }
    s->priority = priority;
    s->fn = fn;
    s->ctx = ctx;
    atomic_init(&s->removed, false);
    pthread_mutex_lock(&bus->lock);
    s->id = ++bus->next_id;
    bool ok = insert_sub(bus, s);
    pthread_mutex_unlock(&bus->lock);
    if (!ok) {
        sub_free(s);
        return 0;
    }
    return s->id;
}

int starch_bus_off(starch_bus *bus, uint64_t handle)
{
    pthread_mutex_lock(&bus->lock);
    sub *s = NULL;
    for (size_t i = 0; i < bus->sub_count && s == NULL; i++) {
        if (bus->subs[i]->id == handle) {
            s = bus->subs[i];
            memmove(&bus->subs[i], &bus->subs[i + 1], (bus->sub_count - i - 1) * sizeof s);
            bus->sub_count--;
        }
    }
    if (s) {
        atomic_store(&s->removed, true);
        if (s->refs == 0)
            sub_free(s);
    }
    pthread_mutex_unlock(&bus->lock);
    return s ? STARCH_OK : STARCH_ENOTFOUND;
}

/* ---- Dispatch ---------------------------------------------------------------------- */

/* Snapshot of the subs matching name, each referenced; *n of them. The array is `small`
 * when it fits, else malloc'd; NULL (with *n 0) when out of memory. */
static sub **snapshot(starch_bus *bus, const char *name, sub **small, size_t room, size_t *n)
{
    pthread_mutex_lock(&bus->lock);
    sub **a = bus->sub_count <= room ? small : malloc(bus->sub_count * sizeof *a);
    *n = 0;
    for (size_t i = 0; a && i < bus->sub_count; i++) {
        if (match(bus->subs[i]->pattern, name)) {
            bus->subs[i]->refs++;
            a[(*n)++] = bus->subs[i];
        }
    }
    pthread_mutex_unlock(&bus->lock);
    return a;
}

static void release(starch_bus *bus, sub **a, size_t n)
{
    pthread_mutex_lock(&bus->lock);
    for (size_t i = 0; i < n; i++)
        if (--a[i]->refs == 0 && atomic_load(&a[i]->removed))
            sub_free(a[i]);
    pthread_mutex_unlock(&bus->lock);
}

size_t starch_bus_emit(starch_bus *bus, const starch_event *event)
{
    if (event == NULL || event->name == NULL)
        return 0;
    sub *small[16];
    size_t n, ran = 0;
    sub **a = snapshot(bus, event->name, small, 16, &n);
    for (size_t i = 0; i < n; i++) {
        if (atomic_load(&a[i]->removed))
            continue;
        ran++;
        if (a[i]->fn(event, a[i]->ctx) == STARCH_STOP)
            break;
    }
    release(bus, a, n);
    if (a != small)
        free(a);
    return ran;
}

/* ---- Async ------------------------------------------------------------------------- */

static void job_free(job *j)
{
    if (j->ev.type)
        starch_entity_clear(j->ev.type, (void *)j->ev.data);
    if (j->ev.type || j->ev.size)
        free((void *)j->ev.data);
    free((char *)j->ev.name);
    free(j);
}

/* A copy of the payload of event (an entity or size bytes); NULL when out of memory. */
static void *copy_payload(const starch_event *event)
{
    void *data = malloc(event->type ? event->type->size : event->size);
    if (data == NULL)
        return NULL;
    if (event->type == NULL) {
        memcpy(data, event->data, event->size);
    } else if (starch_entity_copy(event->type, data, event->data) != STARCH_OK) {
        free(data);
        return NULL;
    }
    return data;
}

/* A job owning copies of event's name and payload (a payload of neither an entity type
 * nor a size is passed as the pointer itself); NULL when out of memory. */
static job *job_new(const starch_event *event)
{
    job *j = calloc(1, sizeof *j);
    if (j == NULL)
        return NULL;
    bool owned = event->data && (event->type || event->size);
    j->ev = *event;
    j->ev.data = owned ? copy_payload(event) : event->data;
    j->ev.name = strdup(event->name);
    if (j->ev.name == NULL || (owned && j->ev.data == NULL)) {
        job_free(j);
        return NULL;
    }
    return j;
}

/* The lane of the calling thread. */
static lane *my_lane(starch_bus *bus)
{
    uint64_t h = (uint64_t)(uintptr_t)&thread_marker * 0x9e3779b97f4a7c15u;
    return &bus->lanes[(h >> 32) % bus->workers];
}

int starch_bus_emit_async(starch_bus *bus, const starch_event *event)
{
    if (event == NULL || event->name == NULL || bus->workers == 0)
        return STARCH_EINVAL;
    job *j = job_new(event);
    if (j == NULL)
        return STARCH_ENOMEM;
    pthread_mutex_lock(&bus->lock);
    if (bus->closing) {
        pthread_mutex_unlock(&bus->lock);
        job_free(j);
        return STARCH_ECLOSED;
    }
    lane *l = my_lane(bus);
    if (l->tail)
        l->tail->next = j;
    else
        l->head = j;
    l->tail = j;
    bus->pending++;
    pthread_cond_signal(&l->ready);
    pthread_mutex_unlock(&bus->lock);
    return STARCH_OK;
}

typedef struct worker_arg {
    starch_bus *bus;
    lane *lane;
} worker_arg;

/* A worker: runs its lane's events in order until the bus closes and the lane is empty. */
static void *worker(void *arg)
{
    starch_bus *bus = ((worker_arg *)arg)->bus;
    lane *l = ((worker_arg *)arg)->lane;
    free(arg);
    pthread_mutex_lock(&bus->lock);
    for (;;) {
        while (l->head == NULL && !bus->closing)
            pthread_cond_wait(&l->ready, &bus->lock);
        job *j = l->head;
        if (j == NULL)
            break;
        l->head = j->next;
        if (l->head == NULL)
            l->tail = NULL;
        pthread_mutex_unlock(&bus->lock);
        starch_bus_emit(bus, &j->ev);
        job_free(j);
        pthread_mutex_lock(&bus->lock);
        if (--bus->pending == 0)
            pthread_cond_broadcast(&bus->idle);
    }
    pthread_mutex_unlock(&bus->lock);
    return NULL;
}

/* True when the calling thread is one of the bus's workers. Lock held. */
static bool on_worker(starch_bus *bus)
{
    if (bus->joined)
        return false;
    for (unsigned i = 0; i < bus->workers; i++)
        if (bus->threads && pthread_equal(bus->threads[i], pthread_self()))
            return true;
    return false;
}

int starch_bus_flush(starch_bus *bus)
{
    pthread_mutex_lock(&bus->lock);
    int rc = on_worker(bus) ? STARCH_EINVAL : STARCH_OK;
    while (rc == STARCH_OK && bus->pending > 0)
        pthread_cond_wait(&bus->idle, &bus->lock);
    pthread_mutex_unlock(&bus->lock);
    return rc;
}

int starch_bus_shutdown(starch_bus *bus)
{
    pthread_mutex_lock(&bus->lock);
    bool refuse = on_worker(bus);
    pthread_mutex_unlock(&bus->lock);
    if (refuse)
        return STARCH_EINVAL;
    pthread_mutex_lock(&bus->shutdown_lock);
    pthread_mutex_lock(&bus->lock);
    bool join = !bus->closing && bus->threads;
    bus->closing = true;
    for (unsigned i = 0; i < bus->workers; i++)
        pthread_cond_broadcast(&bus->lanes[i].ready);
    pthread_mutex_unlock(&bus->lock);
    for (unsigned i = 0; join && i < bus->workers; i++)
        pthread_join(bus->threads[i], NULL);
    pthread_mutex_lock(&bus->lock);
    bus->joined = true;
    pthread_mutex_unlock(&bus->lock);
    pthread_mutex_unlock(&bus->shutdown_lock);
    return STARCH_OK;
}

/* ---- Life ---------------------------------------------------------------------------- */

/* Starts the workers; on failure stops those started and returns false. */
static bool start_workers(starch_bus *bus)
{
    for (unsigned i = 0; i < bus->workers; i++) {
        worker_arg *arg = malloc(sizeof *arg);
        if (arg)
            *arg = (worker_arg){bus, &bus->lanes[i]};
        if (arg == NULL || pthread_create(&bus->threads[i], NULL, worker, arg) != 0) {
            free(arg);
            pthread_mutex_lock(&bus->lock);
            bus->closing = true;
            for (unsigned k = 0; k < i; k++)
                pthread_cond_broadcast(&bus->lanes[k].ready);
            pthread_mutex_unlock(&bus->lock);
            for (unsigned k = 0; k < i; k++)
                pthread_join(bus->threads[k], NULL);
            return false;
        }
    }
    return true;
}

static void destroy(starch_bus *bus)
{
    for (size_t i = 0; i < bus->sub_count; i++)
        sub_free(bus->subs[i]);
    for (unsigned i = 0; bus->lanes && i < bus->workers; i++)
        pthread_cond_destroy(&bus->lanes[i].ready);
    free(bus->subs);
    free(bus->lanes);
    free(bus->threads);
    pthread_cond_destroy(&bus->idle);
    pthread_mutex_destroy(&bus->shutdown_lock);
    pthread_mutex_destroy(&bus->lock);
    free(bus);
}

starch_bus *starch_bus_new(unsigned workers)
{
    starch_bus *bus = calloc(1, sizeof *bus);
    if (bus == NULL)
        return NULL;
    bus->workers = workers;
    pthread_mutex_init(&bus->lock, NULL);
    pthread_mutex_init(&bus->shutdown_lock, NULL);
    pthread_cond_init(&bus->idle, NULL);
    if (workers == 0)
        return bus;
    bus->lanes = calloc(workers, sizeof *bus->lanes);
    bus->threads = calloc(workers, sizeof *bus->threads);
    if (bus->lanes == NULL || bus->threads == NULL) {
        free(bus->threads);
        bus->threads = NULL;
        destroy(bus);
        return NULL;
    }
    for (unsigned i = 0; i < workers; i++)
        pthread_cond_init(&bus->lanes[i].ready, NULL);
    if (!start_workers(bus)) {
        destroy(bus);
        return NULL;
    }
    return bus;
}

void starch_bus_free(starch_bus *bus)
{
    if (bus == NULL)
        return;
    starch_bus_shutdown(bus);
    destroy(bus);
}
