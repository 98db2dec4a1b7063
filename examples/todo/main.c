/* main.c — the todo app: a Datastar page served by libmicrohttpd, todos kept by a starch
 * repository (SQLite, or memory), every change pushed to every open page.
 *
 *   todo-app [--host ADDR] [--port N] [--db VALUE | --memory] [--sync MODE]
 *            [--datastar FILE] [--threads N] [--max-connections N]
 *            [--keepalive SECONDS] [--connection-memory KB]
 *
 * --db takes a SQLite file, or a PostgreSQL URI (postgresql://…): then several instances
 * share the todos and every change reaches every instance's pages (docs/deploy.md).
 *
 * Prints "listening on http://ADDR:PORT/" and serves until SIGINT (Ctrl-C) or SIGTERM:
 * then it stops accepting, lets the requests in flight finish, breaks the event streams
 * (so browsers reconnect, to another instance or to this one restarted), closes the
 * database and exits 0. See README.md beside this file for a walk through the code.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <starch_mhd.h>

#include "app.h"
#include "todo.starch.h"

typedef struct Options {
    const char *host;     /* the IPv4 address to listen on */
    unsigned port;        /* 0: any free port */
    const char *db;       /* the SQLite file, or a PostgreSQL URI */
    bool memory;          /* keep the todos in memory instead */
    const char *datastar; /* a local copy of the Datastar client to serve, or NULL */
    const char *sync;     /* --sync as given (a SQLite file only), or NULL: normal */
    unsigned threads;     /* the server's event loops (libmicrohttpd's thread pool) */
    unsigned max_conns;   /* 0: as many as the file limit allows */
    unsigned keepalive;   /* seconds between keep-alive comments on idle streams */
    unsigned memory_kb;   /* each connection's memory pool in libmicrohttpd (headers, the
                           * response buffer): the most of what an idle stream costs */
} Options;

/* Descriptors kept for what is not a connection: the database, the listening socket,
 * each event loop's epoll and wake-up descriptors, standard streams, a margin. */
#define RESERVED_FDS 64

static const char usage[] =
    "usage: todo-app [--host ADDR] [--port N] [--db VALUE | --memory] [--sync MODE]\n"
    "                [--datastar FILE] [--threads N] [--max-connections N]\n"
    "                [--keepalive SECONDS] [--connection-memory KB]\n"
    "  --host ADDR      listen on this IPv4 address (default 127.0.0.1); beyond loopback,\n"
    "                   requests that change data must come from the app's own pages\n"
    "  --port N         listen on port N (default 8080; 0: any free port)\n"
    "  --db VALUE       keep the todos in this SQLite file (default: $DATABASE_URL when\n"
    "                   set, else todo.db), or in PostgreSQL for a value beginning\n"
    "                   postgresql:// or postgres:// (a libpq connection URI)\n"
    "  --memory         keep them in memory instead (gone when the app stops)\n"
    "  --sync MODE      for a SQLite file: off, normal (default) or full. Every mode keeps\n"
    "                   each acknowledged change through a crash of the app; only full\n"
    "                   also keeps it through power loss (an fsync per change)\n"
    "  --datastar FILE  serve this copy of the Datastar client (default: the CDN's)\n"
    "  --threads N      event loops serving the connections (default 4)\n"
    "  --max-connections N\n"
    "                   connections open at once, event streams included (default: the\n"
    "                   file limit, raised to its hard limit at start, less 64)\n"
    "  --keepalive SECONDS\n"
    "                   an idle event stream gets a comment this often (default 10); a\n"
    "                   client that vanished is cut off after twice that without an\n"
    "                   acknowledgement, a stream that cannot send after three times\n"
    "  --connection-memory KB\n"
    "                   each connection's buffer (default 16: request headers up to\n"
    "                   about 8 KB; an idle event stream costs about this much)\n";

/* Reads a decimal number in [min, max] into *out; false when v is not one. */
static bool parse_number(const char *v, unsigned long min, unsigned long max, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long n = strtoul(v, &end, 10);
    if (*v < '0' || *v > '9' || *end != '\0' || errno != 0 || n < min || n > max)
        return false;
    *out = (unsigned)n;
    return true;
}

/* Fills *o from the command line. Returns 0 to run, 1 for --help, 2 when it is wrong. */
static int parse_options(int argc, char **argv, Options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0)
            return 1;
        if (strcmp(a, "--memory") == 0) {
            o->memory = true;
            continue;
        }
        const char *v = i + 1 < argc ? argv[++i] : NULL;
        char *end;
        if (v == NULL)
            return 2;
        if (strcmp(a, "--port") == 0) {
            unsigned long port = strtoul(v, &end, 10);
            if (*v < '0' || *v > '9' || *end != '\0' || port > 65535)
                return 2;
            o->port = (unsigned)port;
        } else if (strcmp(a, "--host") == 0) {
            struct in_addr in;
            if (inet_pton(AF_INET, v, &in) != 1)
                return 2;
            o->host = v;
        } else if (strcmp(a, "--db") == 0) {
            o->db = v;
        } else if (strcmp(a, "--datastar") == 0) {
            o->datastar = v;
        } else if (strcmp(a, "--sync") == 0) {
            if (strcmp(v, "off") != 0 && strcmp(v, "normal") != 0 && strcmp(v, "full") != 0)
                return 2;
            o->sync = v;
        } else if (strcmp(a, "--threads") == 0) {
            if (!parse_number(v, 1, 64, &o->threads))
                return 2;
        } else if (strcmp(a, "--max-connections") == 0) {
            if (!parse_number(v, 1, 10000000, &o->max_conns))
                return 2;
        } else if (strcmp(a, "--keepalive") == 0) {
            if (!parse_number(v, 1, 3600, &o->keepalive))
                return 2;
        } else if (strcmp(a, "--connection-memory") == 0) {
            if (!parse_number(v, 4, 1024, &o->memory_kb))
                return 2;
        } else {
            return 2;
        }
    }
    return 0;
}

/* Reads the whole file at path into a malloc'd buffer (*len bytes); NULL on failure. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    starch_out buf;
    starch_out_init(&buf);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        starch_out_write(&buf, chunk, n);
    bool ok = !ferror(f) && starch_out_error(&buf) == 0;
    fclose(f);
    char *data = ok ? malloc(starch_out_len(&buf) + 1) : NULL;
    if (data) {
        memcpy(data, starch_out_data(&buf), starch_out_len(&buf));
        *len = starch_out_len(&buf);
    }
    starch_out_free(&buf);
    return data;
}

/* libmicrohttpd's error log, less what is normal for event streams: the line it writes for
 * each stream the app ends with an error on purpose (a client dropped for falling behind,
 * every stream at shutdown), and for each browser that leaves (or vanishes: a reset, a
 * socket timeout) while its stream is open. The counters of GET /metrics count those. */
static void log_error(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char line[512];
    vsnprintf(line, sizeof line, fmt, ap);
    if (strstr(line, "application error generating response") == NULL &&
        strstr(line, "socket is no longer available") == NULL &&          /* a browser left */
        strstr(line, "Failed to send the chunked response body") == NULL) /* ... or vanished */
        fprintf(stderr, "todo: %s", line);
}

/* Raises the soft limit on open files to the hard limit (each connection is one) and
 * returns the soft limit now in force. */
static rlim_t raise_file_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 1024;
    if (rl.rlim_cur < rl.rlim_max) {
        rlim_t soft = rl.rlim_cur;
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
            rl.rlim_cur = soft;
    }
    return rl.rlim_cur;
}

/* MHD_OPTION_NOTIFY_CONNECTION: sets the timeouts of each accepted socket, so that a
 * client that vanished without a packet (a half-open connection) is noticed: unacknowledged
 * data (a stream's keep-alive comment) fails the socket after TCP_USER_TIMEOUT, and an
 * idle connection is probed by TCP keep-alive. cls points to the keep-alive seconds. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    (void)socket_context;
    const union MHD_ConnectionInfo *ci =
        code == MHD_CONNECTION_NOTIFY_STARTED
            ? MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD)
            : NULL;
    if (ci == NULL)
        return;
    int keepalive = (int)*(const unsigned *)cls, on = 1, count = 2;
    unsigned user_timeout_ms = 2000u * (unsigned)keepalive;
    setsockopt(ci->connect_fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
    setsockopt(ci->connect_fd, IPPROTO_TCP, TCP_KEEPIDLE, &keepalive, sizeof keepalive);
    setsockopt(ci->connect_fd, IPPROTO_TCP, TCP_KEEPINTVL, &keepalive, sizeof keepalive);
    setsockopt(ci->connect_fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
    setsockopt(ci->connect_fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout_ms,
               sizeof user_timeout_ms);
}

/* Starts libmicrohttpd on host:port: `threads` epoll event loops, whose connections are
 * suspended while they wait (an idle GET /events stream costs no thread, see live.c).
 * MHD_USE_ITC lets serve() stop accepting first. */
static struct MHD_Daemon *start_server(App *app, const Options *o)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)o->port)};
    inet_pton(AF_INET, o->host, &addr.sin_addr); /* checked by parse_options */
    return MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC | MHD_USE_ERROR_LOG,
        (uint16_t)o->port, NULL, NULL, todo_handle, app, MHD_OPTION_EXTERNAL_LOGGER, log_error,
        NULL, MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_NOTIFY_COMPLETED, starch_mhd_completed, NULL,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, (void *)&o->keepalive,
        MHD_OPTION_THREAD_POOL_SIZE, o->threads, MHD_OPTION_CONNECTION_LIMIT, o->max_conns,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 4096u, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)o->memory_kb * 1024, MHD_OPTION_END);
}

/* Stops: no new connections (the listening socket is closed at once, so a proxy sends
 * new requests elsewhere), then the event streams are broken (the hub closes: each stream
 * ends with an error), then libmicrohttpd waits for the requests in flight. */
static void stop_server(App *app, struct MHD_Daemon *server)
{
    MHD_socket listener = MHD_quiesce_daemon(server);
    if (listener != MHD_INVALID_SOCKET)
        close(listener);
    starch_hub_close(app->hub);
    MHD_stop_daemon(server);
}

/* Runs the server until SIGINT or SIGTERM, pinging the hub every keepalive seconds (each
 * idle stream sends a comment); false when it could not start. */
static bool serve(App *app, const Options *o)
{
    /* Block the stop signals in every thread (the server's inherit this mask): only the
     * sigwait below receives them, and nothing is interrupted half-way. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);

    struct MHD_Daemon *server = start_server(app, o);
    if (server == NULL) {
        fprintf(stderr, "todo: cannot listen on %s:%u\n", o->host, o->port);
        return false;
    }
    const union MHD_DaemonInfo *bound = MHD_get_daemon_info(server, MHD_DAEMON_INFO_BIND_PORT);
    printf("listening on http://%s:%u/\n", o->host, bound ? (unsigned)bound->port : o->port);
    fflush(stdout);

    struct timespec every = {.tv_sec = o->keepalive};
    while (sigtimedwait(&stop, NULL, &every) < 0)
        if (errno == EAGAIN)
            starch_hub_ping(app->hub);
    stop_server(app, server);
    return true;
}

/* Whether the --db value is a PostgreSQL connection URI rather than a SQLite file. */
static bool is_postgres(const char *db)
{
    return strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0;
}

/* Fills id[0..size) with random hex digits (size - 1 of them) and a NUL. */
static void make_boot_id(char *id, size_t size)
{
    unsigned char r[16] = {0};
    if (getrandom(r, sizeof r, 0) < 0) /* never fails on Linux >= 3.17 for 16 bytes */
        r[0] = (unsigned char)getpid();
    for (size_t i = 0; i + 1 < size && i / 2 < sizeof r; i++)
        id[i] = "0123456789abcdef"[i % 2 ? r[i / 2] & 15 : r[i / 2] >> 4];
    id[size - 1] = '\0';
}

/* The repository's sync setting for the --sync value (NULL: the default). */
static starch_sqlite_sync sync_mode(const char *sync)
{
    if (sync && strcmp(sync, "off") == 0)
        return STARCH_SQLITE_SYNC_OFF;
    if (sync && strcmp(sync, "full") == 0)
        return STARCH_SQLITE_SYNC_FULL;
    return STARCH_SQLITE_SYNC_NORMAL;
}

int main(int argc, char **argv)
{
    const char *url = getenv("DATABASE_URL");
    Options opt = {.host = "127.0.0.1",
                   .port = 8080,
                   .db = url && *url ? url : "todo.db",
                   .threads = 4,
                   .keepalive = 10,
                   .memory_kb = 16};
    int parsed = parse_options(argc, argv, &opt);
    if (parsed != 0) {
        fputs(usage, parsed == 1 ? stdout : stderr);
        return parsed == 1 ? 0 : 2;
    }

    if (opt.sync && (opt.memory || is_postgres(opt.db))) {
        fputs("todo: --sync is for a SQLite file (on PostgreSQL the server's synchronous_commit "
              "decides)\n",
              stderr);
        return 2;
    }
    starch_sqlite_options sqlite_options = {.sync = sync_mode(opt.sync)};
    /* A file that would grow past the process's size limit (RLIMIT_FSIZE) fails the write
     * (the change is refused and reported) instead of killing the app with SIGXFSZ. */
    signal(SIGXFSZ, SIG_IGN);

    rlim_t files = raise_file_limit();
    if (opt.max_conns == 0)
        opt.max_conns = files > RESERVED_FDS * 2 ? (unsigned)(files - RESERVED_FDS) : RESERVED_FDS;

    App app = {.stream_timeout = 3 * opt.keepalive};
    pthread_mutexattr_t recursive; /* a route holds it while its write publishes (live.c) */
    pthread_mutexattr_init(&recursive);
    pthread_mutexattr_settype(&recursive, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&app.live_lock, &recursive);
    pthread_mutexattr_destroy(&recursive);
    make_boot_id(app.boot_id, sizeof app.boot_id);
    struct in_addr in;
    inet_pton(AF_INET, opt.host, &in);
    app.check_origin = (ntohl(in.s_addr) >> 24) != 127; /* beyond loopback */
    if (opt.datastar && (app.datastar_js = read_file(opt.datastar, &app.datastar_len)) == NULL) {
        perror(opt.datastar);
        return 1;
    }
    app.bus = starch_bus_new(0); /* repository events run in the thread that wrote */
    app.hub = starch_hub_new(64);

    /* The repository. Changing the backend is this one line: nothing else in the app
     * knows which one it has. */
    starch_error err = {0};
    if (opt.memory)
        app.todos = starch_repo_memory(&Todo_type, app.bus, &err);
    else if (is_postgres(opt.db))
        app.todos = starch_repo_pg(&Todo_type, opt.db, app.bus, &err);
    else
        app.todos = starch_repo_sqlite_open(&Todo_type, opt.db, app.bus, &sqlite_options, &err);

    bool ok = app.bus && app.hub && app.todos && todo_live_start(&app);
    if (!ok)
        fprintf(stderr, "todo: %s\n", err.message[0] ? err.message : "out of memory");
    ok = ok && serve(&app, &opt);

    starch_repo_free(app.todos);
    starch_bus_free(app.bus);
    starch_hub_free(app.hub);
    pthread_mutex_destroy(&app.live_lock);
    free((char *)app.datastar_js);
    return ok ? 0 : 1;
}
