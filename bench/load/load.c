/* load.c — holds N idle event streams (GET /events) open on a running todo app and measures
 * what they cost and how fast a save reaches them all. One process, one epoll loop.
 *
 *   load --port P [--host ADDR] [--pid PID] [--streams N] [--todos T] [--saves S]
 *        [--interval-ms MS] [--burst-seconds B] [--in-flight K]
 *
 *   1. adds T todos (POST /todos, as the page does), so each event carries a T-item list;
 *   2. opens N streams and waits until each has its first event (the list);
 *   3. with PID: the app's VmRSS before and after, divided by N (memory per idle stream),
 *      and its thread count;
 *   4. S saves (POST /todos/ID/toggle), one every MS ms: for each, the time from sending
 *      the request to each stream's receipt of the resulting event (p50, p99 over every
 *      stream and save; and the mean and worst time until the last stream had it);
 *      and the CPU time (user + system) per save of the app (keep-alives included) and
 *      of this tool;
 *   5. for B seconds, saves back to back with K requests in flight while the streams
 *      read: saves per second (streams this one process cannot read fast enough are cut
 *      off by the app, as slow clients: counted as cut_off_in_burst).
 * Prints one JSON object on stdout. Exit 1 when a stream failed or missed an event
 * before the burst. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* What marks one event of the list on a stream. */
static const char MARK[] = "event: datastar-patch-elements";

typedef struct Stream {
    int fd;
    size_t match;    /* characters of MARK matched so far */
    unsigned events; /* events received */
    bool closed;
} Stream;

/* A request of the saver: one connection, Connection: close, read until EOF. */
typedef struct Request {
    int fd;
    char req[512];
    size_t len, sent;
    bool busy;
    double started;
} Request;

typedef struct Options {
    const char *host;
    unsigned port, streams, todos, saves, interval_ms, burst_s, in_flight;
    int pid;
} Options;

static struct sockaddr_in addr;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
    perror(what);
    exit(2);
}

/* A non-blocking socket connecting to the app. */
static int dial(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        die("socket");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0 && errno != EINPROGRESS)
        die("connect");
    return fd;
}

/* Reads the app's /proc/PID/status line `key` (in kB for VmRSS); -1 when unknown. */
static long proc_status(int pid, const char *key)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE *f = pid > 0 ? fopen(path, "r") : NULL;
    long v = -1;
    size_t n = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, key, n) == 0 && line[n] == ':')
            v = strtol(line + n + 1, NULL, 10);
    if (f)
        fclose(f);
    return v;
}

/* The CPU time (user + system, seconds) the process PID has used; -1 when unknown. */
static double proc_cpu(int pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = pid > 0 ? fopen(path, "r") : NULL;
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')'); /* fields after the command name: state is field 3 */
    unsigned long utime, stime;
    if (p == NULL ||
        sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
        return -1;
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

/* This process's CPU time (user + system, seconds). */
static double self_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* Counts the events in data[0..n) for s. */
static void scan(Stream *s, const char *data, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (data[i] == MARK[s->match])
            s->match++;
        else
            s->match = data[i] == MARK[0];
        if (s->match == sizeof MARK - 1) {
            s->events++;
            s->match = 0;
        }
    }
}

static int ep;
static Stream *streams;
static Request *reqs;
static Options opt;
static double *arrival;  /* arrival[stream]: when it got the awaited event */
static unsigned awaited; /* the event count being waited for */
static unsigned reached; /* streams that have it */
static unsigned failed;  /* streams that closed */
static unsigned done_requests;

/* epoll data: streams are 0..N-1, requests N.. */
static void on_stream(unsigned i)
{
    Stream *s = &streams[i];
    char buf[16384];
    for (;;) {
        ssize_t n = read(s->fd, buf, sizeof buf);
        if (n > 0) {
            unsigned before = s->events;
            scan(s, buf, (size_t)n);
            if (before < awaited && s->events >= awaited) {
                arrival[i] = now();
                reached++;
            }
            continue;
        }
        if (n < 0 && errno == EAGAIN)
            return;
        if (!s->closed) {
            s->closed = true;
            failed++;
            epoll_ctl(ep, EPOLL_CTL_DEL, s->fd, NULL);
        }
        return;
    }
}

static void on_request(Request *r, uint32_t events)
{
    if (r->sent < r->len && (events & EPOLLOUT)) {
        ssize_t n = write(r->fd, r->req + r->sent, r->len - r->sent);
        if (n > 0)
            r->sent += (size_t)n;
    }
    char buf[16384];
    for (;;) {
        ssize_t n = read(r->fd, buf, sizeof buf);
        if (n > 0)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        epoll_ctl(ep, EPOLL_CTL_DEL, r->fd, NULL);
        close(r->fd);
        r->busy = false;
        done_requests++;
        return;
    }
}

/* Runs the loop for up to ms milliseconds, or until stop() says so. */
static void loop(double until, bool (*stop)(void))
{
    struct epoll_event ev[256];
    while (!(stop && stop()) && now() < until) {
        int n = epoll_wait(ep, ev, 256, 10);
        for (int k = 0; k < n; k++) {
            uint64_t id = ev[k].data.u64;
            if (id < opt.streams)
                on_stream((unsigned)id);
            else
                on_request(&reqs[id - opt.streams], ev[k].events);
        }
    }
}

/* Starts a request on slot k. */
static void send_request(unsigned k, const char *method, const char *path, const char *body)
{
    Request *r = &reqs[k];
    int len =
        snprintf(r->req, sizeof r->req,
                 "%s %s HTTP/1.1\r\nHost: %s:%u\r\nContent-Type: application/json\r\n"
                 "Datastar-Request: true\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
                 method, path, opt.host, opt.port, strlen(body), body);
    r->len = (size_t)len;
    r->sent = 0;
    r->busy = true;
    r->started = now();
    r->fd = dial();
    struct epoll_event e = {.events = EPOLLIN | EPOLLOUT | EPOLLET, .data.u64 = opt.streams + k};
    epoll_ctl(ep, EPOLL_CTL_ADD, r->fd, &e);
}

static bool request_done(void)
{
    return !reqs[0].busy;
}

static bool all_reached(void)
{
    return reached + failed >= opt.streams;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Opens the streams, connecting a few hundred at a time. */
static void open_streams(void)
{
    char get[256];
    int len = snprintf(get, sizeof get,
                       "GET /events HTTP/1.1\r\nHost: %s:%u\r\nAccept: text/event-stream\r\n\r\n",
                       opt.host, opt.port);
    awaited = 1;
    for (unsigned i = 0; i < opt.streams; i++) {
        Stream *s = &streams[i];
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
            die("connect stream");
        if (write(fd, get, (size_t)len) != len)
            die("write");
        fcntl(fd, F_SETFL, O_NONBLOCK);
        s->fd = fd;
        struct epoll_event e = {.events = EPOLLIN | EPOLLET, .data.u64 = i};
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
        if (i % 200 == 199)
            loop(now() + 0.001, NULL);
    }
    loop(now() + 60, all_reached);
}

static void parse(int argc, char **argv)
{
    opt = (Options){.host = "127.0.0.1",
                    .streams = 100,
                    .todos = 20,
                    .saves = 10,
                    .interval_ms = 1000,
                    .burst_s = 5,
                    .in_flight = 4};
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *a = argv[i], *v = argv[i + 1];
        unsigned n = (unsigned)strtoul(v, NULL, 10);
        if (!strcmp(a, "--host"))
            opt.host = v;
        else if (!strcmp(a, "--port"))
            opt.port = n;
        else if (!strcmp(a, "--pid"))
            opt.pid = (int)n;
        else if (!strcmp(a, "--streams"))
            opt.streams = n;
        else if (!strcmp(a, "--todos"))
            opt.todos = n;
        else if (!strcmp(a, "--saves"))
            opt.saves = n;
        else if (!strcmp(a, "--interval-ms"))
            opt.interval_ms = n;
        else if (!strcmp(a, "--burst-seconds"))
            opt.burst_s = n;
        else if (!strcmp(a, "--in-flight"))
            opt.in_flight = n ? n : 1;
        else {
            fprintf(stderr, "load: unknown option %s\n", a);
            exit(2);
        }
    }
    if (opt.port == 0) {
        fprintf(stderr, "usage: load --port P [--pid PID] [--streams N] ...\n");
        exit(2);
    }
}

int main(int argc, char **argv)
{
    parse(argc, argv);
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    addr = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons((uint16_t)opt.port)};
    inet_pton(AF_INET, opt.host, &addr.sin_addr);
    ep = epoll_create1(EPOLL_CLOEXEC);
    streams = calloc(opt.streams, sizeof *streams);
    reqs = calloc(opt.in_flight, sizeof *reqs);
    arrival = calloc(opt.streams, sizeof *arrival);
    size_t ndeliveries = (size_t)opt.streams * opt.saves;
    double *lat = calloc(ndeliveries ? ndeliveries : 1, sizeof *lat);
    double *last = calloc(opt.saves ? opt.saves : 1, sizeof *last);

    for (unsigned t = 0; t < opt.todos; t++) { /* the list every event carries */
        char body[64];
        snprintf(body, sizeof body, "{\"title\":\"todo %u\"}", t + 1);
        send_request(0, "POST", "/todos", body);
        loop(now() + 10, request_done);
    }
    long rss0 = proc_status(opt.pid, "VmRSS"), threads0 = proc_status(opt.pid, "Threads");
    double t_open = now();
    open_streams();
    double open_s = now() - t_open;
    unsigned opened = reached;
    loop(now() + 2, NULL); /* settle */
    long rss1 = proc_status(opt.pid, "VmRSS"), threads1 = proc_status(opt.pid, "Threads");

    size_t nl = 0;
    double cpu0 = proc_cpu(opt.pid), self0 = self_cpu();
    for (unsigned k = 0; k < opt.saves; k++) {
        double start = now();
        awaited = 2 + k;
        reached = 0;
        char path[64];
        snprintf(path, sizeof path, "/todos/%u/toggle", k % (opt.todos ? opt.todos : 1) + 1);
        send_request(0, "POST", path, "{}");
        loop(start + 30, all_reached);
        double worst = 0;
        for (unsigned i = 0; i < opt.streams; i++) {
            if (streams[i].closed || streams[i].events < awaited)
                continue;
            double l = arrival[i] - start;
            lat[nl++] = l;
            worst = l > worst ? l : worst;
        }
        last[k] = worst;
        loop(start + opt.interval_ms / 1000.0, NULL);
    }
    double cpu_per_save = opt.saves ? (proc_cpu(opt.pid) - cpu0) / opt.saves : 0;
    double self_per_save = opt.saves ? (self_cpu() - self0) / opt.saves : 0;
    unsigned missed = (unsigned)(ndeliveries - nl), failed_timed = failed;

    /* saves per second: back to back, in_flight at a time, streams reading */
    done_requests = 0;
    double b0 = now(), bend = b0 + opt.burst_s;
    unsigned next = 0;
    while (now() < bend) {
        for (unsigned k = 0; k < opt.in_flight; k++)
            if (!reqs[k].busy) {
                char path[64];
                snprintf(path, sizeof path, "/todos/%u/toggle",
                         next++ % (opt.todos ? opt.todos : 1) + 1);
                send_request(k, "POST", path, "{}");
            }
        loop(now() + 0.002, NULL);
    }
    double burst = now() - b0;
    unsigned burst_done = done_requests;
    awaited = 0;
    loop(now() + 3, NULL); /* let the streams drain */

    qsort(lat, nl, sizeof *lat, cmp);
    qsort(last, opt.saves, sizeof *last, cmp);
    double mean_last = 0;
    for (unsigned k = 0; k < opt.saves; k++)
        mean_last += last[k] / (opt.saves ? opt.saves : 1);
    printf("{\"streams\": %u, \"opened\": %u, \"open_seconds\": %.2f, \"todos\": %u,"
           " \"rss_before_kb\": %ld, \"rss_after_kb\": %ld, \"rss_per_stream_kb\": %.2f,"
           " \"threads_before\": %ld, \"threads_after\": %ld,"
           " \"saves\": %u, \"latency_p50_ms\": %.2f, \"latency_p99_ms\": %.2f,"
           " \"last_stream_mean_ms\": %.2f, \"last_stream_max_ms\": %.2f,"
           " \"app_cpu_ms_per_save\": %.1f, \"load_cpu_ms_per_save\": %.1f, \"missed\": %u, "
           "\"failed\": %u,"
           " \"saves_per_second\": %.1f,"
           " \"cut_off_in_burst\": %u}\n",
           opt.streams, opened, open_s, opt.todos, rss0, rss1,
           opt.streams ? (double)(rss1 - rss0) / opt.streams : 0, threads0, threads1, opt.saves,
           nl ? lat[nl / 2] * 1e3 : 0, nl ? lat[(size_t)(nl * 0.99)] * 1e3 : 0, mean_last * 1e3,
           opt.saves ? last[opt.saves - 1] * 1e3 : 0, cpu0 < 0 ? -1 : cpu_per_save * 1e3,
           self_per_save * 1e3, missed, failed_timed, burst_done / burst, failed - failed_timed);
    return missed || failed_timed ? 1 : 0;
}
