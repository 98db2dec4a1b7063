/* test_hub.c — the SSE hub: fan-out to 100 subscribers each on its own reader thread,
 * the slow-client drop, partial reads, timeouts, topics, close. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <starch_events.h>
#include "leak_check.h"

LEAK_CHECKED_SUITE(hub);

static void publish(starch_hub *hub, const char *topic, const char *text, size_t expected)
{
    cr_assert_eq(starch_hub_publish(hub, topic, text, strlen(text)), expected);
}

/* Reads one whole message (reads until buf holds len bytes). */
static int read_text(starch_client *c, char *buf, size_t size, int timeout_ms)
{
    size_t n;
    int rc = starch_client_read(c, buf, size - 1, &n, timeout_ms);
    buf[rc == STARCH_OK ? n : 0] = '\0';
    return rc;
}

typedef struct reader {
    starch_client *client;
    int messages;
    char got[10][64];
    int count;
} reader;

static void *read_messages(void *arg)
{
    reader *r = arg;
    while (r->count < r->messages &&
           read_text(r->client, r->got[r->count], sizeof r->got[0], 5000) == STARCH_OK)
        r->count++;
    return NULL;
}

Test(hub, fan_out_to_100_subscribers)
{
    enum { CLIENTS = 100, MESSAGES = 10 };
    starch_hub *hub = starch_hub_new(16);
    static reader readers[CLIENTS];
    pthread_t th[CLIENTS];
    for (int i = 0; i < CLIENTS; i++) {
        readers[i] = (reader){.client = starch_hub_connect(hub), .messages = MESSAGES};
        cr_assert_not_null(readers[i].client);
        cr_assert_eq(starch_client_subscribe(readers[i].client, "todos"), STARCH_OK);
        pthread_create(&th[i], NULL, read_messages, &readers[i]);
    }
    cr_assert_eq(starch_hub_subscribers(hub, "todos"), CLIENTS);
    for (int m = 0; m < MESSAGES; m++) {
        char text[64];
        snprintf(text, sizeof text, "event: x\ndata: %d\n\n", m);
        publish(hub, "todos", text, CLIENTS);
    }
    for (int i = 0; i < CLIENTS; i++) {
        pthread_join(th[i], NULL);
        cr_assert_eq(readers[i].count, MESSAGES, "client %d got %d", i, readers[i].count);
        for (int m = 0; m < MESSAGES; m++) {
            char text[64];
            snprintf(text, sizeof text, "event: x\ndata: %d\n\n", m);
            cr_assert_str_eq(readers[i].got[m], text);
        }
        starch_client_close(readers[i].client);
    }
    cr_assert_eq(starch_hub_dropped(hub), 0);
    cr_assert_eq(starch_hub_subscribers(hub, "todos"), 0);
    starch_hub_free(hub);
}

Test(hub, slow_client_is_dropped_and_counted)
{
    starch_hub *hub = starch_hub_new(4);
    starch_client *fast = starch_hub_connect(hub), *slow = starch_hub_connect(hub);
    starch_client_subscribe(fast, "t");
    starch_client_subscribe(slow, "t");
    starch_client_subscribe(slow, "other");
    char buf[64];
    for (int i = 0; i < 4; i++) {
        publish(hub, "t", "m", 2);
        cr_assert_eq(read_text(fast, buf, sizeof buf, 0), STARCH_OK);
    }
    cr_assert_not(starch_client_dropped(slow));
    publish(hub, "t", "fifth", 1); /* slow's queue is full: dropped */
    cr_assert(starch_client_dropped(slow));
    cr_assert_not(starch_client_dropped(fast));
    cr_assert_eq(starch_hub_dropped(hub), 1);
    cr_assert_eq(starch_hub_subscribers(hub, "t"), 1);
    cr_assert_eq(starch_hub_subscribers(hub, "other"), 0);
    cr_assert_eq(read_text(slow, buf, sizeof buf, 0), STARCH_ECLOSED);
    cr_assert_eq(read_text(slow, buf, sizeof buf, -1), STARCH_ECLOSED); /* never blocks */
    cr_assert_eq(starch_client_subscribe(slow, "t"), STARCH_ECLOSED);
    cr_assert_eq(read_text(fast, buf, sizeof buf, 0), STARCH_OK);
    cr_assert_str_eq(buf, "fifth");
    publish(hub, "t", "sixth", 1);
    cr_assert_eq(starch_hub_dropped(hub), 1);
    starch_client_close(slow);
    starch_client_close(fast);
    starch_hub_free(hub);
}

typedef struct blocked {
    starch_client *client;
    int rc;
    char buf[64];
} blocked;

static void *block_read(void *arg)
{
    blocked *b = arg;
    b->rc = read_text(b->client, b->buf, sizeof b->buf, -1);
    return NULL;
}

Test(hub, a_blocked_reader_wakes_on_publish)
{
    starch_hub *hub = starch_hub_new(1);
    starch_client *c = starch_hub_connect(hub);
    starch_client_subscribe(c, "t");
    blocked b = {c, -1, ""};
    pthread_t th;
    pthread_create(&th, NULL, block_read, &b);
    struct timespec ts = {0, 20000000};
    nanosleep(&ts, NULL); /* let it block (if it has not, it still gets the message) */
    publish(hub, "t", "two", 1);
    pthread_join(th, NULL);
    cr_assert_eq(b.rc, STARCH_OK);
    cr_assert_str_eq(b.buf, "two");
    starch_client_close(c);
    starch_hub_free(hub);
}

Test(hub, large_messages_arrive_in_pieces_never_merged)
{
    starch_hub *hub = starch_hub_new(8);
    starch_client *c = starch_hub_connect(hub);
    starch_client_subscribe(c, "t");
    publish(hub, "t", "0123456789", 1);
    publish(hub, "t", "ab", 1);
    char buf[5];
    size_t n;
    const char *want[] = {"0123", "4567", "89", "ab"};
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(starch_client_read(c, buf, 4, &n, 0), STARCH_OK);
        buf[n] = '\0';
        cr_assert_str_eq(buf, want[i]);
    }
    cr_assert_eq(starch_client_read(c, buf, 4, &n, 0), STARCH_ETIMEOUT);
    cr_assert_eq(n, 0);
    cr_assert_eq(starch_client_read(c, buf, 0, &n, 0), STARCH_EINVAL);
    starch_client_close(c);
    starch_hub_free(hub);
}

Test(hub, read_times_out)
{
    starch_hub *hub = starch_hub_new(0);
    starch_client *c = starch_hub_connect(hub);
    starch_client_subscribe(c, "t");
    char buf[8];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cr_assert_eq(read_text(c, buf, sizeof buf, 50), STARCH_ETIMEOUT);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
    cr_assert_geq(ms, 49.0);
    starch_client_close(c);
    starch_hub_free(hub);
}

Test(hub, topics_are_separate_and_subscribing_twice_is_once)
{
    starch_hub *hub = starch_hub_new(8);
    starch_client *a = starch_hub_connect(hub), *b = starch_hub_connect(hub);
    cr_assert_eq(starch_client_subscribe(a, "x"), STARCH_OK);
    cr_assert_eq(starch_client_subscribe(a, "x"), STARCH_OK);
    cr_assert_eq(starch_client_subscribe(b, "y"), STARCH_OK);
    cr_assert_eq(starch_client_subscribe(b, NULL), STARCH_EINVAL);
    cr_assert_eq(starch_hub_subscribers(hub, "x"), 1);
    publish(hub, "x", "to-x", 1);
    publish(hub, "y", "to-y", 1);
    publish(hub, "z", "to-z", 0);
    cr_assert_eq(starch_hub_publish(hub, "x", "", 0), 0);
    char buf[16];
    cr_assert_eq(read_text(a, buf, sizeof buf, 0), STARCH_OK);
    cr_assert_str_eq(buf, "to-x");
    cr_assert_eq(read_text(a, buf, sizeof buf, 0), STARCH_ETIMEOUT);
    cr_assert_eq(read_text(b, buf, sizeof buf, 0), STARCH_OK);
    cr_assert_str_eq(buf, "to-y");
    cr_assert_eq(starch_client_unsubscribe(a, "x"), STARCH_OK);
    cr_assert_eq(starch_client_unsubscribe(a, "x"), STARCH_ENOTFOUND);
    publish(hub, "x", "gone", 0);
    cr_assert_eq(starch_hub_subscribers(hub, "x"), 0);
    starch_client_close(a);
    starch_client_close(b);
    starch_hub_free(hub);
}

Test(hub, close_lets_readers_drain_then_ends)
{
    starch_hub *hub = starch_hub_new(8);
    starch_client *c = starch_hub_connect(hub);
    starch_client_subscribe(c, "t");
    publish(hub, "t", "last words", 1);
    starch_hub_free(hub); /* the client keeps the hub's memory alive */
    char buf[16];
    cr_assert_eq(read_text(c, buf, sizeof buf, 0), STARCH_OK);
    cr_assert_str_eq(buf, "last words");
    cr_assert_eq(read_text(c, buf, sizeof buf, -1), STARCH_ECLOSED);
    cr_assert_eq(starch_client_subscribe(c, "u"), STARCH_ECLOSED);
    starch_client_close(c);
}

Test(hub, close_wakes_a_blocked_reader)
{
    starch_hub *hub = starch_hub_new(8);
    starch_client *c = starch_hub_connect(hub);
    starch_client_subscribe(c, "t");
    blocked b = {c, -1, ""};
    pthread_t th;
    pthread_create(&th, NULL, block_read, &b);
    struct timespec ts = {0, 20000000};
    nanosleep(&ts, NULL);
    starch_hub_close(hub);
    pthread_join(th, NULL);
    cr_assert_eq(b.rc, STARCH_ECLOSED);
    cr_assert_null(starch_hub_connect(hub));
    starch_client_close(c);
    starch_hub_free(hub);
}

/* ---- Event ids, history and resuming --------------------------------------------------- */

static void publish_id(starch_hub *hub, const char *id, const char *text, size_t expected)
{
    cr_assert_eq(starch_hub_publish_id(hub, "t", id, text, strlen(text)), expected);
}

/* Reads what is queued for c, concatenated, without waiting. */
static const char *drain(starch_client *c, char *buf, size_t size)
{
    size_t used = 0, n;
    while (used + 1 < size &&
           starch_client_read(c, buf + used, size - 1 - used, &n, 0) == STARCH_OK)
        used += n;
    buf[used] = '\0';
    return buf;
}

Test(hub, publish_id_writes_the_id_line_ahead_of_the_event)
{
    starch_hub *hub = starch_hub_new(8);
    starch_client *c = starch_hub_connect(hub);
    cr_assert_eq(starch_client_subscribe(c, "t"), STARCH_OK);
    publish_id(hub, "42", "event: e\ndata: x\n\n", 1);
    publish_id(hub, NULL, "event: e\ndata: y\n\n", 1);
    publish_id(hub, "", "event: e\ndata: z\n\n", 1);
    publish_id(hub, "4\n2", "event: e\ndata: bad\n\n", 0); /* refused: a line break */
    char buf[256];
    cr_assert_str_eq(drain(c, buf, sizeof buf), "id: 42\nevent: e\ndata: x\n\n"
                                                "event: e\ndata: y\n\n"
                                                "event: e\ndata: z\n\n");
    starch_client_close(c);
    starch_hub_free(hub);
}

Test(hub, resume_replays_what_was_missed_while_away)
{
    starch_hub *hub = starch_hub_new(8);
    publish_id(hub, "1", "a\n\n", 0); /* nobody listening: kept in the history */
    starch_client *c = starch_hub_connect(hub);
    cr_assert_eq(starch_client_resume(c, "t", NULL), STARCH_ENOTFOUND); /* subscribed */
    publish_id(hub, "2", "b\n\n", 1);
    char buf[256];
    cr_assert_str_eq(drain(c, buf, sizeof buf), "id: 2\nb\n\n");
    starch_client_close(c); /* the page goes away; two more events */
    publish_id(hub, "3", "c\n\n", 0);
    publish_id(hub, "4", "d\n\n", 0);
    c = starch_hub_connect(hub); /* it comes back with Last-Event-ID: 2 */
    cr_assert_eq(starch_client_resume(c, "t", "2"), STARCH_OK);
    publish_id(hub, "5", "e\n\n", 1);
    cr_assert_str_eq(drain(c, buf, sizeof buf), "id: 3\nc\n\nid: 4\nd\n\nid: 5\ne\n\n");
    starch_client_close(c);
    starch_hub_free(hub);
}

Test(hub, resume_from_the_newest_id_queues_nothing)
{
    starch_hub *hub = starch_hub_new(8);
    publish_id(hub, "1", "a\n\n", 0);
    starch_client *c = starch_hub_connect(hub);
    cr_assert_eq(starch_client_resume(c, "t", "1"), STARCH_OK);
    char buf[64];
    cr_assert_str_eq(drain(c, buf, sizeof buf), "");
    cr_assert_eq(starch_hub_subscribers(hub, "t"), 1);
    starch_client_close(c);
    starch_hub_free(hub);
}

Test(hub, resume_from_an_unknown_or_forgotten_id_says_reload)
{
    starch_hub *hub = starch_hub_new(4); /* a history of 4 events */
    char id[8];
    for (int i = 1; i <= 6; i++) {
        snprintf(id, sizeof id, "%d", i);
        publish_id(hub, id, "x\n\n", 0);
    }
    starch_client *c = starch_hub_connect(hub);
    cr_assert_eq(starch_client_resume(c, "t", "1"), STARCH_ENOTFOUND); /* forgotten */
    cr_assert_eq(starch_client_resume(c, "t", "99"), STARCH_ENOTFOUND);
    char buf[64];
    cr_assert_str_eq(drain(c, buf, sizeof buf), "");
    cr_assert_eq(starch_client_resume(c, "t", "3"), STARCH_OK); /* the oldest kept is 3 */
    cr_assert_str_eq(drain(c, buf, sizeof buf), "id: 4\nx\n\nid: 5\nx\n\nid: 6\nx\n\n");
    starch_client_close(c);
    starch_hub_free(hub);
}

Test(hub, resume_that_would_overflow_the_queue_drops_the_client)
{
    starch_hub *hub = starch_hub_new(4);
    char id[8];
    for (int i = 1; i <= 4; i++) {
        snprintf(id, sizeof id, "%d", i);
        publish_id(hub, id, "x\n\n", 0);
    }
    starch_client *c = starch_hub_connect(hub);
    cr_assert_eq(starch_client_subscribe(c, "t"), STARCH_OK);
    publish_id(hub, "5", "x\n\n", 1);
    publish_id(hub, "6", "x\n\n", 1); /* two queued; the history is 3..6 */
    cr_assert_eq(starch_client_resume(c, "t", "3"), STARCH_ECLOSED); /* 2 + 3 > 4 */
    cr_assert(starch_client_dropped(c));
    cr_assert_eq(starch_hub_subscribers(hub, "t"), 0);
    starch_client_close(c);
    starch_hub_free(hub);
}

/* ---- Polled clients (an event loop's: a waker instead of a blocked thread) ----------- */

typedef struct waker_log {
    int parks, wakes;
} waker_log;

static void log_park(void *ctx)
{
    ((waker_log *)ctx)->parks++;
}

static void log_wake(void *ctx)
{
    ((waker_log *)ctx)->wakes++;
}

static starch_client *polled(starch_hub *hub, waker_log *log)
{
    starch_client *c = starch_hub_connect(hub);
    starch_client_set_waker(c, &(starch_client_waker){log_park, log_wake, log});
    cr_assert_eq(starch_client_subscribe(c, "t"), STARCH_OK);
    return c;
}

Test(hub, poll_parks_when_empty_and_a_publish_wakes_once)
{
    starch_hub *hub = starch_hub_new(4);
    waker_log log = {0};
    starch_client *c = polled(hub, &log);
    char buf[64];
    size_t n = 99;
    cr_assert_eq(starch_client_poll(c, buf, sizeof buf, &n), STARCH_OK);
    cr_assert_eq(n, 0);
    cr_assert_eq(log.parks, 1);
    cr_assert_eq(log.wakes, 0);
    publish(hub, "t", "data: a\n\n", 1);
    publish(hub, "t", "data: b\n\n", 1);
    cr_assert_eq(log.wakes, 1); /* once per park */
    cr_assert_eq(starch_client_poll(c, buf, sizeof buf, &n), STARCH_OK);
    cr_assert_eq(n, 9);
    cr_assert_eq(memcmp(buf, "data: a\n\n", 9), 0);
    cr_assert_eq(starch_client_poll(c, buf, 4, &n), STARCH_OK); /* partial */
    cr_assert_eq(n, 4);
    cr_assert_eq(starch_client_poll(c, buf, sizeof buf, &n), STARCH_OK);
    cr_assert_eq(n, 5);
    cr_assert_eq(log.parks, 1);
    cr_assert_eq(starch_client_poll(c, buf, sizeof buf, &n), STARCH_OK);
    cr_assert_eq(n, 0);
    cr_assert_eq(log.parks, 2);
    starch_client_close(c);
    starch_hub_free(hub);
}

Test(hub, ping_wakes_a_parked_client_and_its_poll_says_timeout)
{
    starch_hub *hub = starch_hub_new(4);
    waker_log log = {0};
    starch_client *c = polled(hub, &log);
    char buf[64];
    size_t n;
    cr_assert_eq(starch_client_poll(c, buf, sizeof buf, &n), STARCH_OK);
    starch_hub_ping(hub);
    cr_assert_eq(log.wakes, 1);
    cr_assert_eq(starch_client_poll(c, buf, sizeof buf, &n), STARCH_ETIMEOUT);
    cr_assert_eq(starch_client_poll(c, buf, sizeof buf, &n), STARCH_OK); /* ping consumed */
    cr_assert_eq(n, 0);
    cr_assert_eq(log.parks, 2);
    starch_hub_ping(hub); /* a blocking read returns at once too */
    cr_assert_eq(starch_client_read(c, buf, sizeof buf, &n, 10000), STARCH_ETIMEOUT);
    starch_client_close(c);
    starch_hub_free(hub);
}

Test(hub, a_parked_client_is_woken_when_dropped_and_when_the_hub_closes)
{
    starch_hub *hub = starch_hub_new(2);
    waker_log slow = {0}, idle = {0};
    starch_client *s = polled(hub, &slow);
    char buf[64];
    size_t n;
    publish(hub, "t", "data: 1\n\n", 1);
    publish(hub, "t", "data: 2\n\n", 1);
    publish(hub, "t", "data: 3\n\n", 0); /* s's queue is full: dropped */
    cr_assert_eq(starch_client_poll(s, buf, sizeof buf, &n), STARCH_ECLOSED);
    cr_assert_eq(starch_hub_dropped(hub), 1);
    starch_client *i = polled(hub, &idle);
    cr_assert_eq(starch_client_poll(i, buf, sizeof buf, &n), STARCH_OK);
    cr_assert_eq(starch_hub_clients(hub), 2);
    cr_assert_eq(starch_hub_published(hub), 3);
    starch_hub_close(hub);
    cr_assert_eq(idle.wakes, 1);
    cr_assert_eq(starch_client_poll(i, buf, sizeof buf, &n), STARCH_ECLOSED);
    cr_assert_eq(starch_client_poll(i, buf, 0, &n), STARCH_EINVAL);
    starch_client_close(s);
    starch_client_close(i);
    starch_hub_free(hub);
}

Test(hub, poll_without_a_waker_is_refused)
{
    starch_hub *hub = starch_hub_new(2);
    starch_client *c = starch_hub_connect(hub);
    char buf[8];
    size_t n;
    cr_assert_eq(starch_client_poll(c, buf, sizeof buf, &n), STARCH_EINVAL);
    cr_assert_eq(starch_hub_clients(hub), 1);
    starch_client_close(c);
    cr_assert_eq(starch_hub_clients(hub), 0);
    starch_hub_free(hub);
}
