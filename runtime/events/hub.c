/* hub.c — the SSE hub: fan-out of already formatted events to the clients of a topic.
 *
 * A publish copies the bytes once into a reference-counted message and appends a pointer
 * to it to each subscriber's bounded ring; a client whose ring is full is dropped on the
 * spot (its ring emptied, its reader woken), so a publisher never waits on a slow reader.
 * A client is read either by a thread of its own, which blocks on the client's condition
 * variable with a timeout (starch_client_read), or by an event loop that polls it
 * (starch_client_poll): when the ring is empty the poll parks the reader (its waker's
 * park, e.g. suspending an HTTP connection) and the next message, drop, ping or close
 * calls the waker's wake once (e.g. resuming it). park and wake run under the client's
 * lock, so a wake never comes before the park it answers.
 *
 * A publish with an event id (starch_hub_publish_id) also keeps the message in its topic's
 * history, a ring of the last queue_max messages, from which a client that reconnects
 * with the id of the last event it saw gets what it missed (starch_client_resume). A
 * topic with history outlives its clients, so that history survives while no one is
 * connected.
 *
 * Locks: the hub mutex guards topics (and their history), the client list and the
 * counters; each client's mutex guards its ring. Order: hub, then client. */
#include "entity_impl.h"
#include "starch_events.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

/* A published message, shared by every queue and the history that hold it. With an id,
 * data starts with its `id:` line and the id is data[4 .. 4 + id_len). */
typedef struct msg {
    atomic_size_t refs;
    size_t len;
    size_t id_len; /* 0: no id */
    char data[];
} msg;

typedef struct topic {
    struct topic *next;
    char *name;
    starch_client **clients;
    size_t count, cap;
    msg **hist; /* the last messages with ids, oldest first from hist_head (hub->queue_max
                 * slots; NULL until the first one) */
    size_t hist_head, hist_count;
} topic;

struct starch_client {
    starch_hub *hub;
    starch_client *prev, *next; /* the hub's list of clients (hub lock) */
    char **topics;              /* names subscribed to (hub lock) */
    size_t topic_count;
    pthread_mutex_t lock; /* the ring and the flags below */
    pthread_cond_t ready;
    msg **ring; /* hub->queue_max slots */
    size_t head, count;
    size_t pos; /* bytes of ring[head] already read */
    bool dropped, hub_closed;
    bool pinged;               /* starch_hub_ping since the last read: a keep-alive is due */
    starch_client_waker waker; /* park/wake; park == NULL: a blocking reader */
    bool parked;               /* starch_client_poll parked the reader: the next change wakes it */
};

struct starch_hub {
    pthread_mutex_t lock;
    topic *topics;
    starch_client *clients;
    size_t queue_max;
    size_t dropped;
    size_t clients_count; /* connected clients */
    size_t published;     /* messages published */
    size_t refs;          /* 1 for the owner until starch_hub_free, plus 1 per client */
    bool closed;
};

static void msg_release(msg *m)
{
    if (atomic_fetch_sub(&m->refs, 1) == 1)
        free(m);
}

/* Wakes c's parked reader, once. Client lock held. */
static void wake(starch_client *c)
{
    if (c->parked) {
        c->parked = false;
        c->waker.wake(c->waker.ctx);
    }
}

static topic *find_topic(starch_hub *hub, const char *name)
{
    topic *t = hub->topics;
    while (t && strcmp(t->name, name) != 0)
        t = t->next;
    return t;
}

/* ---- Hub ----------------------------------------------------------------------------- */

starch_hub *starch_hub_new(size_t queue_max)
{
    starch_hub *hub = calloc(1, sizeof *hub);
    if (hub == NULL)
        return NULL;
    pthread_mutex_init(&hub->lock, NULL);
    hub->queue_max = queue_max ? queue_max : 64;
    hub->refs = 1;
    return hub;
}

/* Frees t and what it holds. */
static void topic_free(starch_hub *hub, topic *t)
{
    for (size_t i = 0; i < t->hist_count; i++)
        msg_release(t->hist[(t->hist_head + i) % hub->queue_max]);
    free(t->hist);
    free(t->name);
    free(t->clients);
    free(t);
}

static void hub_destroy(starch_hub *hub)
{
    for (topic *t = hub->topics, *next; t; t = next) {
        next = t->next;
        topic_free(hub, t);
    }
    pthread_mutex_destroy(&hub->lock);
    free(hub);
}

void starch_hub_close(starch_hub *hub)
{
    pthread_mutex_lock(&hub->lock);
    hub->closed = true;
    for (starch_client *c = hub->clients; c; c = c->next) {
        pthread_mutex_lock(&c->lock);
        c->hub_closed = true;
        pthread_cond_broadcast(&c->ready);
        wake(c);
        pthread_mutex_unlock(&c->lock);
    }
    pthread_mutex_unlock(&hub->lock);
}

void starch_hub_free(starch_hub *hub)
{
    if (hub == NULL)
        return;
    starch_hub_close(hub);
    pthread_mutex_lock(&hub->lock);
    bool last = --hub->refs == 0;
    pthread_mutex_unlock(&hub->lock);
    if (last)
        hub_destroy(hub);
}

size_t starch_hub_dropped(starch_hub *hub)
{
    pthread_mutex_lock(&hub->lock);
    size_t n = hub->dropped;
    pthread_mutex_unlock(&hub->lock);
    return n;
}

void starch_hub_ping(starch_hub *hub)
{
    pthread_mutex_lock(&hub->lock);
    for (starch_client *c = hub->clients; c; c = c->next) {
        pthread_mutex_lock(&c->lock);
        c->pinged = true;
        pthread_cond_broadcast(&c->ready);
        wake(c);
        pthread_mutex_unlock(&c->lock);
    }
    pthread_mutex_unlock(&hub->lock);
}

size_t starch_hub_clients(starch_hub *hub)
{
    pthread_mutex_lock(&hub->lock);
    size_t n = hub->clients_count;
    pthread_mutex_unlock(&hub->lock);
    return n;
}

size_t starch_hub_published(starch_hub *hub)
{
    pthread_mutex_lock(&hub->lock);
    size_t n = hub->published;
    pthread_mutex_unlock(&hub->lock);
    return n;
}

size_t starch_hub_subscribers(starch_hub *hub, const char *topic_name)
{
    pthread_mutex_lock(&hub->lock);
    topic *t = topic_name ? find_topic(hub, topic_name) : NULL;
    size_t n = t ? t->count : 0;
    pthread_mutex_unlock(&hub->lock);
    return n;
}

/* ---- Topics (hub lock held) ---------------------------------------------------------- */

/* Unlinks and frees t if no client and no history is left in it. */
static void drop_if_empty(starch_hub *hub, topic *t)
{
    if (t->count > 0 || t->hist_count > 0)
        return;
    topic **link = &hub->topics;
    while (*link != t)
        link = &(*link)->next;
    *link = t->next;
    topic_free(hub, t);
}

/* Removes c from topic t, freeing t when it empties. */
static void topic_remove(starch_hub *hub, topic *t, starch_client *c)
{
    for (size_t i = 0; i < t->count; i++) {
        if (t->clients[i] == c) {
            memmove(&t->clients[i], &t->clients[i + 1], (t->count - i - 1) * sizeof c);
            t->count--;
            break;
        }
    }
    drop_if_empty(hub, t);
}

/* Removes c from every topic it is subscribed to. */
static void leave_all(starch_hub *hub, starch_client *c)
{
    for (size_t i = 0; i < c->topic_count; i++) {
        topic *t = find_topic(hub, c->topics[i]);
        if (t)
            topic_remove(hub, t, c);
        free(c->topics[i]);
    }
    free(c->topics);
    c->topics = NULL;
    c->topic_count = 0;
}

/* The topic called name, made (empty) if absent; NULL when out of memory. */
static topic *topic_get(starch_hub *hub, const char *name)
{
    topic *t = find_topic(hub, name);
    if (t)
        return t;
    if ((t = calloc(1, sizeof *t)) == NULL || (t->name = strdup(name)) == NULL) {
        free(t);
        return NULL;
    }
    t->next = hub->topics;
    hub->topics = t;
    return t;
}

/* Makes room for one more client in t. */
static bool topic_room(topic *t)
{
    if (t->count < t->cap)
        return true;
    size_t cap = t->cap ? t->cap * 2 : 8;
    starch_client **a = realloc(t->clients, cap * sizeof *a);
    if (a == NULL)
        return false;
    t->clients = a;
    t->cap = cap;
    return true;
}

/* Adds c to the topic called name and name to c's list. */
static int topic_add(starch_hub *hub, starch_client *c, const char *name)
{
    char **names = realloc(c->topics, (c->topic_count + 1) * sizeof *names);
    if (names == NULL)
        return STARCH_ENOMEM;
    c->topics = names;
    char *copy = strdup(name);
    topic *t = copy ? topic_get(hub, name) : NULL;
    if (t == NULL || !topic_room(t)) {
        free(copy);
        if (t)
            drop_if_empty(hub, t);
        return STARCH_ENOMEM;
    }
    t->clients[t->count++] = c;
    c->topics[c->topic_count++] = copy;
    return STARCH_OK;
}

/* ---- Clients ------------------------------------------------------------------------- */

starch_client *starch_hub_connect(starch_hub *hub)
{
    starch_client *c = calloc(1, sizeof *c);
    if (c == NULL || (c->ring = calloc(hub->queue_max, sizeof *c->ring)) == NULL) {
        free(c);
        return NULL;
    }
    pthread_mutex_init(&c->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&c->ready, &attr);
    pthread_condattr_destroy(&attr);
    c->hub = hub;
    pthread_mutex_lock(&hub->lock);
    bool closed = hub->closed;
    if (!closed) {
        hub->refs++;
        hub->clients_count++;
        c->next = hub->clients;
        if (hub->clients)
            hub->clients->prev = c;
        hub->clients = c;
    }
    pthread_mutex_unlock(&hub->lock);
    if (closed) {
        pthread_cond_destroy(&c->ready);
        pthread_mutex_destroy(&c->lock);
        free(c->ring);
        free(c);
        return NULL;
    }
    return c;
}

/* True when c is subscribed to the topic called name. Hub lock held. */
static bool subscribed(const starch_client *c, const char *name)
{
    for (size_t i = 0; i < c->topic_count; i++)
        if (strcmp(c->topics[i], name) == 0)
            return true;
    return false;
}

int starch_client_subscribe(starch_client *c, const char *topic_name)
{
    if (topic_name == NULL)
        return STARCH_EINVAL;
    starch_hub *hub = c->hub;
    pthread_mutex_lock(&hub->lock);
    pthread_mutex_lock(&c->lock);
    int rc = c->dropped || hub->closed ? STARCH_ECLOSED : STARCH_OK;
    pthread_mutex_unlock(&c->lock);
    if (rc == STARCH_OK && !subscribed(c, topic_name))
        rc = topic_add(hub, c, topic_name);
    pthread_mutex_unlock(&hub->lock);
    return rc;
}

int starch_client_unsubscribe(starch_client *c, const char *topic_name)
{
    starch_hub *hub = c->hub;
    int rc = STARCH_ENOTFOUND;
    pthread_mutex_lock(&hub->lock);
    for (size_t i = 0; topic_name && i < c->topic_count; i++) {
        if (strcmp(c->topics[i], topic_name) == 0) {
            topic *t = find_topic(hub, topic_name);
            if (t)
                topic_remove(hub, t, c);
            free(c->topics[i]);
            c->topics[i] = c->topics[--c->topic_count];
            rc = STARCH_OK;
            break;
        }
    }
    pthread_mutex_unlock(&hub->lock);
    return rc;
}

/* Releases every queued message. Client lock held. */
static void empty_ring(starch_client *c, size_t queue_max)
{
    for (; c->count > 0; c->count--) {
        msg_release(c->ring[c->head]);
        c->head = (c->head + 1) % queue_max;
    }
    c->pos = 0;
}

void starch_client_close(starch_client *c)
{
    if (c == NULL)
        return;
    starch_hub *hub = c->hub;
    pthread_mutex_lock(&hub->lock);
    leave_all(hub, c);
    if (c->prev)
        c->prev->next = c->next;
    else
        hub->clients = c->next;
    if (c->next)
        c->next->prev = c->prev;
    bool last = --hub->refs == 0;
    hub->clients_count--;
    pthread_mutex_lock(&c->lock);
    empty_ring(c, hub->queue_max);
    pthread_mutex_unlock(&c->lock);
    pthread_mutex_unlock(&hub->lock);
    pthread_cond_destroy(&c->ready);
    pthread_mutex_destroy(&c->lock);
    free(c->ring);
    free(c);
    if (last)
        hub_destroy(hub);
}

bool starch_client_dropped(starch_client *c)
{
    pthread_mutex_lock(&c->lock);
    bool dropped = c->dropped;
    pthread_mutex_unlock(&c->lock);
    return dropped;
}

/* The absolute CLOCK_MONOTONIC time timeout_ms from now. */
static struct timespec deadline(int timeout_ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += timeout_ms / 1000;
    ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

/* Copies up to max bytes of the head message into buf. Client lock held, count > 0. */
static size_t take(starch_client *c, char *buf, size_t max, size_t queue_max)
{
    msg *m = c->ring[c->head];
    size_t n = m->len - c->pos < max ? m->len - c->pos : max;
    memcpy(buf, m->data + c->pos, n);
    c->pos += n;
    if (c->pos == m->len) {
        msg_release(m);
        c->head = (c->head + 1) % queue_max;
        c->count--;
        c->pos = 0;
    }
    return n;
}

int starch_client_read(starch_client *c, char *buf, size_t max, size_t *n, int timeout_ms)
{
    size_t queue_max = c->hub->queue_max; /* constant for the hub's life */
    struct timespec until = deadline(timeout_ms > 0 ? timeout_ms : 0);
    int rc = 0;
    *n = 0;
    if (max == 0)
        return STARCH_EINVAL;
    pthread_mutex_lock(&c->lock);
    while (c->count == 0 && !c->dropped && !c->hub_closed && !c->pinged && rc != ETIMEDOUT) {
        if (timeout_ms < 0)
            pthread_cond_wait(&c->ready, &c->lock);
        else
            rc = pthread_cond_timedwait(&c->ready, &c->lock, &until);
    }
    int status = STARCH_OK;
    if (c->count > 0)
        *n = take(c, buf, max, queue_max);
    else
        status = c->dropped || c->hub_closed ? STARCH_ECLOSED : STARCH_ETIMEOUT;
    c->pinged = false;
    pthread_mutex_unlock(&c->lock);
    return status;
}

void starch_client_set_waker(starch_client *c, const starch_client_waker *waker)
{
    assert(waker == NULL || (waker->park != NULL && waker->wake != NULL));
    pthread_mutex_lock(&c->lock);
    c->waker = waker ? *waker : (starch_client_waker){0};
    c->parked = false;
    pthread_mutex_unlock(&c->lock);
}

int starch_client_poll(starch_client *c, char *buf, size_t max, size_t *n)
{
    *n = 0;
    if (max == 0 || c->waker.park == NULL) /* the waker is set by this reader's thread */
        return STARCH_EINVAL;
    int status = STARCH_OK;
    pthread_mutex_lock(&c->lock);
    if (c->count > 0) {
        *n = take(c, buf, max, c->hub->queue_max);
    } else if (c->dropped || c->hub_closed) {
        status = STARCH_ECLOSED;
    } else if (c->pinged) {
        status = STARCH_ETIMEOUT;
    } else {
        c->parked = true;
        c->waker.park(c->waker.ctx);
    }
    c->pinged = false;
    pthread_mutex_unlock(&c->lock);
    return status;
}

/* ---- Publishing ---------------------------------------------------------------------- */

/* Queues m for c, or drops c when its ring is full. Returns true when queued. Both
 * locks' order respected: the hub lock is held by the caller. */
static bool deliver(starch_hub *hub, starch_client *c, msg *m)
{
    pthread_mutex_lock(&c->lock);
    bool queued = false;
    if (c->count == hub->queue_max) {
        empty_ring(c, hub->queue_max);
        c->dropped = true;
        hub->dropped++;
    } else {
        atomic_fetch_add(&m->refs, 1);
        c->ring[(c->head + c->count) % hub->queue_max] = m;
        c->count++;
        queued = true;
    }
    pthread_cond_signal(&c->ready);
    wake(c);
    pthread_mutex_unlock(&c->lock);
    return queued;
}

/* A new message of one reference: `id: ID\n` (when id is not empty) then data[0..len). */
static msg *msg_new(const char *id, const char *data, size_t len)
{
    size_t id_len = id ? strlen(id) : 0, head = id_len ? id_len + 5 : 0;
    if (len > SIZE_MAX - sizeof(msg) - head)
        return NULL;
    msg *m = malloc(sizeof *m + head + len);
    if (m == NULL)
        return NULL;
    atomic_init(&m->refs, 1);
    m->len = head + len;
    m->id_len = id_len;
    if (id_len) {
        memcpy(m->data, "id: ", 4);
        memcpy(m->data + 4, id, id_len);
        m->data[4 + id_len] = '\n';
    }
    memcpy(m->data + head, data, len);
    return m;
}

/* Appends m to t's history, forgetting the oldest message when it is full. */
static bool hist_push(starch_hub *hub, topic *t, msg *m)
{
    if (t->hist == NULL && (t->hist = calloc(hub->queue_max, sizeof *t->hist)) == NULL)
        return false;
    if (t->hist_count == hub->queue_max) {
        msg_release(t->hist[t->hist_head]);
        t->hist_head = (t->hist_head + 1) % hub->queue_max;
        t->hist_count--;
    }
    atomic_fetch_add(&m->refs, 1);
    t->hist[(t->hist_head + t->hist_count++) % hub->queue_max] = m;
    return true;
}

/* Queues m for every client of the topic called name (and, with an id, keeps it in the
 * topic's history); drops the clients whose queue is full. Hub lock held. */
static size_t publish(starch_hub *hub, const char *name, msg *m)
{
    topic *t = m->id_len ? topic_get(hub, name) : find_topic(hub, name);
    if (t == NULL || (m->id_len && !hist_push(hub, t, m)))
        return 0;
    size_t sent = 0;
    for (size_t i = 0; i < t->count;) {
        starch_client *c = t->clients[i];
        if (deliver(hub, c, m)) {
            sent++;
            i++;
        } else {
            bool last = t->count == 1 && t->hist_count == 0;
            leave_all(hub, c); /* removes c from t (shifting the rest down) */
            if (last)
                break; /* t was freed with its last client */
        }
    }
    return sent;
}

size_t starch_hub_publish(starch_hub *hub, const char *topic_name, const char *data, size_t len)
{
    return starch_hub_publish_id(hub, topic_name, NULL, data, len);
}

size_t starch_hub_publish_id(starch_hub *hub, const char *topic_name, const char *id,
                             const char *data, size_t len)
{
    if (topic_name == NULL || data == NULL || len == 0 || (id && strpbrk(id, "\r\n")))
        return 0;
    msg *m = msg_new(id, data, len);
    if (m == NULL)
        return 0;
    pthread_mutex_lock(&hub->lock);
    size_t sent = hub->closed ? 0 : publish(hub, topic_name, m);
    hub->published += !hub->closed;
    pthread_mutex_unlock(&hub->lock);
    msg_release(m);
    return sent;
}

/* Queues for c the messages of t's history after the one with id. STARCH_OK;
 * STARCH_ENOTFOUND when no message of the history has that id; STARCH_ECLOSED when c
 * missed more than its queue holds (it is dropped). Hub lock held. */
static int replay(starch_hub *hub, topic *t, starch_client *c, const char *id)
{
    size_t n = strlen(id), k = t->hist_count;
    while (k > 0) {
        msg *m = t->hist[(t->hist_head + k - 1) % hub->queue_max];
        if (m->id_len == n && memcmp(m->data + 4, id, n) == 0)
            break;
        k--;
    }
    if (k == 0)
        return STARCH_ENOTFOUND;
    for (; k < t->hist_count; k++) {
        if (!deliver(hub, c, t->hist[(t->hist_head + k) % hub->queue_max])) {
            leave_all(hub, c);
            return STARCH_ECLOSED;
        }
    }
    return STARCH_OK;
}

int starch_client_resume(starch_client *c, const char *topic_name, const char *last_id)
{
    if (topic_name == NULL)
        return STARCH_EINVAL;
    starch_hub *hub = c->hub;
    pthread_mutex_lock(&hub->lock);
    pthread_mutex_lock(&c->lock);
    int rc = c->dropped || hub->closed ? STARCH_ECLOSED : STARCH_OK;
    pthread_mutex_unlock(&c->lock);
    if (rc == STARCH_OK && !subscribed(c, topic_name))
        rc = topic_add(hub, c, topic_name);
    if (rc == STARCH_OK) {
        topic *t = find_topic(hub, topic_name);
        assert(t != NULL);
        rc = last_id && *last_id ? replay(hub, t, c, last_id) : STARCH_ENOTFOUND;
    }
    pthread_mutex_unlock(&hub->lock);
    return rc;
}
