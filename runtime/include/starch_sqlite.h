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

/** A repository in the SQLite database at path (created if absent; ":memory:" for a private
 *  in-memory database). The rest as starch_repo_memory. */
starch_repo *starch_repo_sqlite(const starch_entity_type *type, const char *path, starch_bus *bus,
                                starch_error *err);

#ifdef __cplusplus
}
#endif

#endif /* STARCH_SQLITE_H */
