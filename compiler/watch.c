/* watch.c — `starch --watch` (watch.h): compile, then recompile on change.
 *
 * Editors save by writing in place or by writing a temporary file and renaming it over
 * the template, which replaces its inode: so the watcher watches DIRECTORIES (inotify), the
 * directory of each input and of each template it imports, and matches an event's
 * (directory, name) against the files each input read. A directory is named by its
 * realpath, so "./a.starch" and "a.starch" match the same events.
 *
 * SIGINT and SIGTERM are blocked and read from a signalfd in the same poll() as the
 * inotify descriptor: no signal handler, no global state. Events are debounced: an input
 * is recompiled once no event has come for DEBOUNCE_MS (an editor's save is several
 * events). After each round the watch set is brought up to date (imports can change). */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "watch.h"

enum { DEBOUNCE_MS = 50 };

#define EVENTS (IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM)

/* A file an input read: its directory's realpath and its base name. */
typedef struct File {
    char *dir;
    char *base;
} File;

typedef struct Input {
    const char *path;
    File *files; /* the input itself and what it imported at its last compile */
    size_t n_files;
    bool dirty;
} Input;

/* A watched directory. */
typedef struct Dir {
    int wd;
    char *path;
    bool used; /* some input read a file in it (set while refreshing) */
} Dir;

typedef struct Watch {
    int ifd, sfd;
    Input *inputs;
    size_t n_inputs;
    Dir *dirs;
    size_t n_dirs, cap_dirs;
    WatchCompile compile;
    void *ctx;
} Watch;

static void files_free(File *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(f[i].dir);
        free(f[i].base);
    }
    free(f);
}

/* Splits path into its directory's realpath and its base name; false when the directory
 * cannot be resolved (it is then not watched) or memory runs out. */
static bool file_of(const char *path, File *f)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    f->dir = dir ? realpath(dir, NULL) : NULL;
    f->base = strdup(slash ? slash + 1 : path);
    free(dir);
    if (f->dir && f->base)
        return true;
    free(f->dir);
    free(f->base);
    return false;
}

static bool has_file(const File *files, size_t n, const File *f)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(files[i].dir, f->dir) == 0 && strcmp(files[i].base, f->base) == 0)
            return true;
    return false;
}

/* Appends path to files[0..*n) unless it is there already. */
static void add_file(File *files, size_t *n, const char *path)
{
    File f;
    if (!file_of(path, &f))
        return;
    if (!has_file(files, *n, &f)) {
        files[(*n)++] = f;
        return;
    }
    free(f.dir);
    free(f.base);
}

/* Moves the old files[0..n_old) not among files[0..*n) to its end (a failed compile). */
static void keep_old(File *files, size_t *n, File *old, size_t n_old)
{
    for (size_t i = 0; i < n_old; i++)
        if (!has_file(files, *n, &old[i])) {
            files[(*n)++] = old[i];
            old[i].dir = old[i].base = NULL;
        }
}

/* Compiles one input and records what it read. A failed compile may not have got as far
 * as its imports: the imports of the previous compile are then kept as well, so that
 * fixing an imported template still recompiles the input. Out of memory, the input keeps
 * what it read before. */
static void compile_input(Watch *w, Input *in)
{
    char **deps = NULL;
    size_t n_deps = 0;
    int rc = w->compile(w->ctx, in->path, &deps, &n_deps);
    fprintf(stderr, "starch: %s: %s\n", in->path, rc == 0 ? "compiled" : "failed");
    size_t keep = rc != 0 ? in->n_files : 0;
    File *files = malloc((1 + n_deps + keep) * sizeof *files);
    if (files) {
        size_t n = 0;
        add_file(files, &n, in->path);
        for (size_t i = 0; i < n_deps; i++)
            add_file(files, &n, deps[i]);
        keep_old(files, &n, in->files, keep);
        files_free(in->files, in->n_files);
        in->files = files;
        in->n_files = n;
    }
    for (size_t i = 0; i < n_deps; i++)
        free(deps[i]);
    free(deps);
    in->dirty = false;
}

static Dir *find_dir(Watch *w, const char *path, int wd)
{
    for (size_t i = 0; i < w->n_dirs; i++)
        if (path ? strcmp(w->dirs[i].path, path) == 0 : w->dirs[i].wd == wd)
            return &w->dirs[i];
    return NULL;
}

/* Watches the directory path (once); a directory that cannot be watched is reported. */
static void add_dir(Watch *w, const char *path)
{
    Dir *d = find_dir(w, path, -1);
    if (d) {
        d->used = true;
        return;
    }
    if (w->n_dirs == w->cap_dirs) {
        size_t cap = w->cap_dirs ? 2 * w->cap_dirs : 8;
        Dir *dirs = realloc(w->dirs, cap * sizeof *dirs);
        if (dirs == NULL)
            return;
        w->dirs = dirs;
        w->cap_dirs = cap;
    }
    int wd = inotify_add_watch(w->ifd, path, EVENTS | IN_ONLYDIR);
    char *copy = wd >= 0 ? strdup(path) : NULL;
    if (copy == NULL) {
        fprintf(stderr, "starch: warning: cannot watch '%s': %s\n", path, strerror(errno));
        return;
    }
    w->dirs[w->n_dirs++] = (Dir){wd, copy, true};
}

/* Watches the directories of every file the inputs read, and no others. */
static void refresh_dirs(Watch *w)
{
    for (size_t i = 0; i < w->n_dirs; i++)
        w->dirs[i].used = false;
    for (size_t i = 0; i < w->n_inputs; i++)
        for (size_t j = 0; j < w->inputs[i].n_files; j++)
            add_dir(w, w->inputs[i].files[j].dir);
    size_t n = 0;
    for (size_t i = 0; i < w->n_dirs; i++) {
        if (w->dirs[i].used) {
            w->dirs[n++] = w->dirs[i];
            continue;
        }
        inotify_rm_watch(w->ifd, w->dirs[i].wd);
        free(w->dirs[i].path);
    }
    w->n_dirs = n;
}

/* Compiles the inputs marked dirty, then updates the watch set. */
static void compile_dirty(Watch *w)
{
    for (size_t i = 0; i < w->n_inputs; i++)
        if (w->inputs[i].dirty)
            compile_input(w, &w->inputs[i]);
    refresh_dirs(w);
}

static bool any_dirty(const Watch *w)
{
    for (size_t i = 0; i < w->n_inputs; i++)
        if (w->inputs[i].dirty)
            return true;
    return false;
}

/* Marks dirty every input that read the file name in the directory watched as wd (all
 * of them when the kernel's queue overflowed: events were lost). */
static void handle_event(Watch *w, const struct inotify_event *ev)
{
    Dir *d = find_dir(w, NULL, ev->wd);
    if (ev->mask & IN_IGNORED && d) { /* the directory is gone: forget its watch */
        free(d->path);
        *d = w->dirs[--w->n_dirs];
        return;
    }
    for (size_t i = 0; i < w->n_inputs; i++) {
        Input *in = &w->inputs[i];
        for (size_t j = 0; j < in->n_files && !in->dirty; j++)
            in->dirty = ev->mask & IN_Q_OVERFLOW ||
                        (d && ev->len && strcmp(in->files[j].dir, d->path) == 0 &&
                         strcmp(in->files[j].base, ev->name) == 0);
    }
}

/* Reads the pending inotify events; false on a read error. */
static bool read_events(Watch *w)
{
    _Alignas(struct inotify_event) char buf[4096];
    for (;;) {
        ssize_t len = read(w->ifd, buf, sizeof buf);
        if (len < 0)
            return errno == EAGAIN || errno == EINTR;
        for (char *p = buf; p < buf + len;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            handle_event(w, ev);
            p += sizeof *ev + ev->len;
        }
    }
}

/* Compiles, then waits for events and signals. Returns 0 on SIGINT or SIGTERM, 2 when
 * poll or read fails. */
static int loop(Watch *w)
{
    compile_dirty(w);
    /* From here on a save is seen (a save made before the watches were set is not). */
    fprintf(stderr, "starch: watching %zu director%s (Ctrl-C stops)\n", w->n_dirs,
            w->n_dirs == 1 ? "y" : "ies");
    for (;;) {
        struct pollfd p[2] = {{w->sfd, POLLIN, 0}, {w->ifd, POLLIN, 0}};
        int r = poll(p, 2, any_dirty(w) ? DEBOUNCE_MS : -1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return 2;
        if (p[0].revents)
            return 0;
        if (r == 0)
            compile_dirty(w);
        else if (!read_events(w))
            return 2;
    }
}

int watch_run(const char *const *inputs, size_t n_inputs, WatchCompile compile, void *ctx)
{
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    Watch w = {-1, -1, calloc(n_inputs, sizeof *w.inputs), n_inputs, NULL, 0, 0, compile, ctx};
    if (sigprocmask(SIG_BLOCK, &sigs, NULL) == 0) {
        w.sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
        w.ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    }
    int rc = 2;
    if (w.sfd < 0 || w.ifd < 0 || w.inputs == NULL)
        fprintf(stderr, "starch: error: cannot watch: %s\n", strerror(errno));
    else {
        for (size_t i = 0; i < n_inputs; i++)
            w.inputs[i] = (Input){inputs[i], NULL, 0, true};
        rc = loop(&w);
        if (rc)
            fprintf(stderr, "starch: error: watching failed: %s\n", strerror(errno));
    }
    for (size_t i = 0; i < w.n_dirs; i++)
        free(w.dirs[i].path);
    free(w.dirs);
    for (size_t i = 0; w.inputs && i < n_inputs; i++)
        files_free(w.inputs[i].files, w.inputs[i].n_files);
    free(w.inputs);
    if (w.sfd >= 0)
        close(w.sfd);
    if (w.ifd >= 0)
        close(w.ifd);
    return rc;
}
