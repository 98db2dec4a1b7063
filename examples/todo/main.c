/* main.c — the todo app: a Datastar page served by libmicrohttpd, todos kept by a starch
 * repository (SQLite, or memory), every change pushed to every open page.
 *
 *   todo-app [--host ADDR] [--port N] [--db VALUE | --memory] [--sync MODE]
 *            [--datastar FILE]
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
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
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
} Options;

static const char usage[] =
    "usage: todo-app [--host ADDR] [--port N] [--db VALUE | --memory] [--sync MODE]\n"
    "                [--datastar FILE]\n"
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
    "  --datastar FILE  serve this copy of the Datastar client (default: the CDN's)\n";

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
 * every stream at shutdown), and for each browser that leaves while its stream is open. */
static void log_error(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char line[512];
    vsnprintf(line, sizeof line, fmt, ap);
    if (strstr(line, "application error generating response") == NULL &&
        strstr(line, "socket is no longer available") == NULL) /* a browser left */
        fprintf(stderr, "todo: %s", line);
}

/* Starts libmicrohttpd on host:port: a thread per connection, so a GET /events stream
 * waits for events on its own thread. MHD_USE_ITC lets serve() stop accepting first. */
static struct MHD_Daemon *start_server(App *app, const char *host, unsigned port)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, host, &addr.sin_addr); /* checked by parse_options */
    return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
                                MHD_USE_ITC | MHD_USE_ERROR_LOG,
                            (uint16_t)port, NULL, NULL, todo_handle, app,
                            MHD_OPTION_EXTERNAL_LOGGER, log_error, NULL, MHD_OPTION_SOCK_ADDR,
                            &addr, MHD_OPTION_NOTIFY_COMPLETED, starch_mhd_completed, NULL,
                            MHD_OPTION_END);
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

/* Runs the server until SIGINT or SIGTERM; false when it could not start. */
static bool serve(App *app, const char *host, unsigned port)
{
    /* Block the stop signals in every thread (the server's inherit this mask): only the
     * sigwait below receives them, and nothing is interrupted half-way. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);

    struct MHD_Daemon *server = start_server(app, host, port);
    if (server == NULL) {
        fprintf(stderr, "todo: cannot listen on %s:%u\n", host, port);
        return false;
    }
    const union MHD_DaemonInfo *bound = MHD_get_daemon_info(server, MHD_DAEMON_INFO_BIND_PORT);
    printf("listening on http://%s:%u/\n", host, bound ? (unsigned)bound->port : port);
    fflush(stdout);

    int sig;
    sigwait(&stop, &sig);
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
    Options opt = {.host = "127.0.0.1", .port = 8080, .db = url && *url ? url : "todo.db"};
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

    App app = {0};
    pthread_mutex_init(&app.live_lock, NULL);
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
    ok = ok && serve(&app, opt.host, opt.port);

    starch_repo_free(app.todos);
    starch_bus_free(app.bus);
    starch_hub_free(app.hub);
    pthread_mutex_destroy(&app.live_lock);
    free((char *)app.datastar_js);
    return ok ? 0 : 1;
}
