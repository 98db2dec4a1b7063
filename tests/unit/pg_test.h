/* pg_test.h — the PostgreSQL server of the tests: scripts/pg-test-server starts a private
 * one and scripts/run-tests exports its connection string as STARCH_TEST_PG. Each test (a
 * Criterion worker process) gets a schema of its own, so tests never see each other's
 * tables or events. Without the server the tests fail; they never skip. */
#ifndef PG_TEST_H
#define PG_TEST_H

#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* The server's connection string, as scripts/run-tests exports it. */
static inline const char *pg_test_server(void)
{
    const char *base = getenv("STARCH_TEST_PG");
    cr_assert(base && *base, "STARCH_TEST_PG is not set: the PostgreSQL tests need the server "
                             "that scripts/pg-test-server starts (make test starts one)");
    return base;
}

/* Runs sql on a connection of its own to the test's database; fails the test on error. */
static inline void pg_test_exec(const char *conninfo, const char *sql)
{
    PGconn *c = PQconnectdb(conninfo);
    cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    cr_assert(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK, "%s: %s", sql,
              PQresultErrorMessage(r));
    PQclear(r);
    PQfinish(c);
}

/* The connection string of this test's own schema (made on the first call in the test's
 * process): the server's, with search_path set to the schema. */
static inline const char *pg_test_conninfo(void)
{
    static char conninfo[1024], schema[64];
    if (conninfo[0])
        return conninfo;
    const char *base = pg_test_server();
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(schema, sizeof schema, "t_%ld_%ld_%ld", (long)getpid(), (long)ts.tv_sec,
             (long)ts.tv_nsec);
    char sql[128];
    snprintf(sql, sizeof sql, "CREATE SCHEMA %s", schema);
    pg_test_exec(base, sql);
    snprintf(conninfo, sizeof conninfo, "%s options=-csearch_path=%s", base, schema);
    return conninfo;
}

/* The connection string of a database of this test's own (made on the first call in the
 * test's process), for tests that terminate backends: they select them by database, so
 * they never touch another test's connections. */
static inline const char *pg_test_database(void)
{
    static char conninfo[1024];
    if (conninfo[0])
        return conninfo;
    const char *base = pg_test_server();
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    char name[64], sql[128];
    snprintf(name, sizeof name, "d_%ld_%ld_%ld", (long)getpid(), (long)ts.tv_sec, (long)ts.tv_nsec);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
    pg_test_exec(base, sql);
    snprintf(conninfo, sizeof conninfo, "%s dbname=%s", base, name);
    return conninfo;
}

#endif
