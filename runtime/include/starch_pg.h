/* starch_pg.h — the PostgreSQL repository (libstarch_pg, on libpq and jansson).
 *
 * The same contract as the memory and SQLite repositories of starch_events.h
 * (docs/runtime.md), stored in a PostgreSQL database: a table per entity type with typed
 * columns, and events that cross processes. Every write also writes an event row in its
 * transaction; a repository with a bus listens (LISTEN/NOTIFY and a thread of its own)
 * and emits the events other instances wrote, with starch_event.remote set.
 *
 *   starch_repo *todos = starch_repo_pg(&Todo_type, "postgresql://app@db/app", bus, &err);
 */
#ifndef STARCH_PG_H
#define STARCH_PG_H

#include "starch_events.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A repository in the PostgreSQL database conninfo names (a libpq connection string,
 *  "host=/run/postgresql dbname=app", or a postgresql:// URI); its table, the event table
 *  and the id table are created if absent. With a bus, a listener thread emits the events
 *  of other instances (remote) until starch_repo_free, which stops and joins it (so do not
 *  free the repository from one of its handlers). Calls fail fast with STARCH_EDB when the
 *  server is away and work again once it is back. The rest as starch_repo_memory. */
starch_repo *starch_repo_pg(const starch_entity_type *type, const char *conninfo, starch_bus *bus,
                            starch_error *err);

#ifdef __cplusplus
}
#endif

#endif /* STARCH_PG_H */
