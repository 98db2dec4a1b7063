/* starch_sqlite.h — the SQLite repository (libstarch_sqlite, on SQLite and jansson).
 *
 * The same contract as the memory repository of starch_events.h (docs/runtime.md), stored
 * in one SQLite database file: a table per entity type, typed columns, arrays and nested
 * entities as JSON text.
 */
#ifndef STARCH_SQLITE_H
#define STARCH_SQLITE_H

#include "starch_events.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How long a commit waits for the disk: SQLite's `PRAGMA synchronous` on the repository's
 *  connection (a file database is always in WAL mode). Every setting keeps each commit
 *  once it returns through a crash of the process (kill -9, a segfault): the commit is in
 *  the operating system's hands. They differ when the machine itself stops (power loss,
 *  a kernel panic) before the OS has written its cache to the disk. */
typedef enum starch_sqlite_sync {
    /** The default: no fsync at commit (only at checkpoints). After power loss the file is
     *  consistent, but the last commits before it may be gone. */
    STARCH_SQLITE_SYNC_NORMAL = 0,
    /** Never fsyncs. After power loss commits may be gone and the file may be corrupt. */
    STARCH_SQLITE_SYNC_OFF,
    /** fsyncs the write-ahead log at every commit: a commit that returned survives power
     *  loss too (on a disk that honours fsync), at the cost of one fsync per write. */
    STARCH_SQLITE_SYNC_FULL,
} starch_sqlite_sync;

/** Options of starch_repo_sqlite_open; all zero is the default. */
typedef struct starch_sqlite_options {
    starch_sqlite_sync sync;
} starch_sqlite_options;

/** A repository in the SQLite database at path (created if absent; ":memory:" for a private
 *  in-memory database). The rest as starch_repo_memory. The same as
 *  starch_repo_sqlite_open with the default options. */
starch_repo *starch_repo_sqlite(const starch_entity_type *type, const char *path, starch_bus *bus,
                                starch_error *err);

/** starch_repo_sqlite with options (NULL: the defaults; not kept after the call). A sync
 *  setting out of the enum is refused (NULL, STARCH_EINVAL); in-memory databases ignore
 *  it. */
starch_repo *starch_repo_sqlite_open(const starch_entity_type *type, const char *path,
                                     starch_bus *bus, const starch_sqlite_options *options,
                                     starch_error *err);

#ifdef __cplusplus
}
#endif

#endif /* STARCH_SQLITE_H */
