/* replay.c — main() of a fuzz target built without libFuzzer: feeds saved inputs to its
 * LLVMFuzzerTestOneInput and reports each as a TAP case, so the regressions and the seed
 * corpus of tests/fuzz/ run in `make test` under any compiler (and, in the sanitizer
 * build, under AddressSanitizer and UndefinedBehaviorSanitizer).
 *
 *   replay [--prefix P] [--timeout S] PATH...
 *
 * A PATH is a file, or a directory whose regular files are taken in name order (only
 * those whose name starts with P, with --prefix). Each input runs in a child process, so a
 * crash, a broken invariant (abort), a leak report or a hang (over S seconds, default 10)
 * fails that input alone. */
#include "fuzz.h"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct list {
    char **items;
    size_t n, cap;
} list;

static void add(list *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->items = realloc(l->items, l->cap * sizeof *l->items);
        if (l->items == NULL)
            abort();
    }
    l->items[l->n] = strdup(s);
    if (l->items[l->n++] == NULL)
        abort();
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the files of dir whose names start with prefix, in name order. */
static void add_dir(list *l, const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    size_t first = l->n;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.' || strncmp(e->d_name, prefix, strlen(prefix)) != 0)
            continue;
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
            add(l, path);
    }
    closedir(d);
    qsort(l->items + first, l->n - first, sizeof *l->items, by_name);
}

static uint8_t *read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096;
    uint8_t *buf = malloc(cap);
    *n = 0;
    for (size_t got; buf && (got = fread(buf + *n, 1, cap - *n, f)) > 0;) {
        *n += got;
        if (*n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    return buf;
}

/* Runs one input in a child; returns a description of the failure, or NULL. */
static const char *run(const char *path, unsigned timeout, char *why, size_t size)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return "fork failed";
    if (pid == 0) {
        size_t n;
        uint8_t *data = read_all(path, &n);
        if (data == NULL)
            _exit(3);
        alarm(timeout);
        /* an exact-size copy, so reading one byte past the input is caught */
        uint8_t *exact = malloc(n ? n : 1);
        memcpy(exact, data, n);
        free(data);
        LLVMFuzzerTestOneInput(exact, n);
        free(exact);
        exit(0); /* exit, not _exit: LeakSanitizer reports at exit */
    }
    int status;
    if (waitpid(pid, &status, 0) < 0)
        return "waitpid failed";
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return NULL;
    if (WIFSIGNALED(status))
        snprintf(why, size, "%s",
                 WTERMSIG(status) == SIGALRM ? "timed out" : strsignal(WTERMSIG(status)));
    else
        snprintf(why, size, "exit status %d", WEXITSTATUS(status));
    return why;
}

int main(int argc, char **argv)
{
    const char *prefix = "";
    unsigned timeout = 10;
    list l = {NULL, 0, 0};
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (strcmp(argv[i], "--prefix") == 0 && i + 1 < argc)
            prefix = argv[++i];
        else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
            timeout = (unsigned)atoi(argv[++i]);
        else if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
            add_dir(&l, argv[i], prefix);
        else
            add(&l, argv[i]);
    }
    printf("1..%zu\n", l.n);
    int failed = 0;
    for (size_t i = 0; i < l.n; i++) {
        char why[128];
        const char *bad = run(l.items[i], timeout, why, sizeof why);
        const char *name = strrchr(l.items[i], '/') ? strrchr(l.items[i], '/') + 1 : l.items[i];
        if (bad)
            printf("not ok %zu - %s (%s)\n", i + 1, name, bad);
        else
            printf("ok %zu - %s\n", i + 1, name);
        failed += bad != NULL;
        free(l.items[i]);
    }
    free(l.items);
    return failed ? 1 : 0;
}
