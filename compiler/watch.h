/* watch.h — `starch --watch`: compile the inputs, then recompile each one whose template
 * or imported template changes, until SIGINT or SIGTERM (Linux inotify). */
#ifndef STARCH_WATCH_H
#define STARCH_WATCH_H

#include <stddef.h>

/* Compiles the template `in` as the normal command does (outputs written atomically,
 * diagnostics printed on stderr) and returns its exit status (0, 1 or 2). Sets *deps to a
 * malloc'd array of *n_deps malloc'd paths, the templates it imported (the watcher frees
 * them), or to NULL and 0 when none is known. */
typedef int (*WatchCompile)(void *ctx, const char *in, char ***deps, size_t *n_deps);

/* Compiles every input, then watches the directories of the inputs and of everything they
 * import, recompiling an input when it or a template it imports is written, renamed into
 * place, created or deleted (~50 ms after the last such event). Prints one line per compile
 * on stderr ("starch: FILE: compiled" or "starch: FILE: failed"), keeps running after
 * errors. Returns 0 after SIGINT or SIGTERM, 2 when watching cannot be set up. */
int watch_run(const char *const *inputs, size_t n_inputs, WatchCompile compile, void *ctx);

#endif
