/* checked.c — libstarch-checked: the checks of generated code compiled with
 * STARCH_CHECKED (starch_checked.h). Each thread keeps the rooms open on it: the buffer,
 * where the room begins and ends, and where it was reserved. A violation prints one line
 * and aborts (the checked build's stop, docs/runtime.md). */
#include "starch_gen.h" /* without STARCH_CHECKED: the plain protocol, which this wraps */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Rooms open at once on a thread: generated code has at most one (it commits before
 * calling another component); more than this is a reserve never committed. */
#define ROOMS_MAX 16

/* Bytes reserved beyond each room: a bounded value written past the end of its room
 * (checked by the statement after it) lands in the buffer, not past it. */
#define SLACK 256

typedef struct Room {
    const starch_out *out;
    char *base, *limit; /* the room: [base, limit) */
    const char *file;   /* where it was reserved */
    int line;
} Room;

/* Per thread (so no locking): the open rooms and the last template line seen. */
static _Thread_local Room rooms[ROOMS_MAX];
static _Thread_local int n_rooms;
static _Thread_local const char *tmpl_file;
static _Thread_local int tmpl_line;

/* Prints "FILE:LINE: starch checked: WHAT (last template line ...)" and aborts. */
_Noreturn static void stop(const char *file, int line, const char *what, ...) STARCH_PRINTF(3, 4);

static void stop(const char *file, int line, const char *what, ...)
{
    if (file == NULL) { /* a writer's check: the interpolation's line */
        file = tmpl_file ? tmpl_file : "?";
        line = tmpl_file ? tmpl_line : 0;
    }
    char msg[512];
    va_list ap;
    va_start(ap, what);
    vsnprintf(msg, sizeof msg, what, ap);
    va_end(ap);
    if (tmpl_file && (strcmp(file, tmpl_file) != 0 || line != tmpl_line))
        fprintf(stderr, "%s:%d: starch checked: %s (last template line %s:%d)\n", file, line, msg,
                tmpl_file, tmpl_line);
    else
        fprintf(stderr, "%s:%d: starch checked: %s\n", file, line, msg);
    fflush(stderr);
    abort();
}

static Room *room_of(const starch_out *out)
{
    for (int i = n_rooms - 1; i >= 0; i--)
        if (rooms[i].out == out)
            return &rooms[i];
    return NULL;
}

static void room_end(Room *r)
{
    *r = rooms[--n_rooms];
}

/* Checks that [p, p + n) lies in room r (p at its end is fine when n is 0); the bytes
 * past it may have been written by a value already (bounded values are checked after). */
static void check_inside(const Room *r, const char *p, size_t n, const char *file, int line)
{
    size_t size = (size_t)(r->limit - r->base);
    if ((uintptr_t)p < (uintptr_t)r->base)
        stop(file, line, "cursor before the room of %zu bytes reserved at %s:%d", size, r->file,
             r->line);
    uintptr_t end = (uintptr_t)p + n;
    if (end > (uintptr_t)r->limit)
        stop(file, line, "write overruns the room of %zu bytes reserved at %s:%d by %zu", size,
             r->file, r->line, (size_t)(end - (uintptr_t)r->limit));
}

/* Reserves n bytes and the slack (the discard area holds both after a failure). */
static char *reserve_slack(starch_out *out, size_t n)
{
    size_t slack = STARCH_OUT_RESERVE_MAX - n < SLACK ? STARCH_OUT_RESERVE_MAX - n : SLACK;
    return starch_out_reserve(out, n + slack);
}

char *starch_checked_reserve(starch_out *out, size_t n, const char *file, int line)
{
    const Room *open = room_of(out);
    if (open)
        stop(file, line, "reserve while the room reserved at %s:%d is not committed", open->file,
             open->line);
    if (n > STARCH_OUT_RESERVE_MAX)
        stop(file, line, "reserve of %zu bytes, more than STARCH_OUT_RESERVE_MAX (%d)", n,
             STARCH_OUT_RESERVE_MAX);
    if (n_rooms == ROOMS_MAX)
        stop(file, line, "%d buffers with rooms open on one thread", ROOMS_MAX);
    char *p = reserve_slack(out, n);
    rooms[n_rooms++] = (Room){out, p, p + n, file, line};
    return p;
}

void starch_checked_commit(starch_out *out, char *p, const char *file, int line)
{
    Room *r = room_of(out);
    if (r == NULL)
        stop(file, line, "commit without a reserve");
    check_inside(r, p, 0, file, line);
    room_end(r);
    starch_out_commit(out, p);
}

char *starch_checked_need(starch_out *out, char *p, size_t n, const char *file, int line)
{
    starch_checked_commit(out, p, file, line);
    return starch_checked_reserve(out, n, file, line);
}

starch_room starch_checked_more(starch_out *out, char *p, size_t n, const char *file, int line)
{
    p = starch_checked_need(out, p, n, file, line);
    return (starch_room){p, p + n};
}

char *starch_checked_end(starch_out *out, char *p)
{
    const Room *r = room_of(out);
    if (r == NULL)
        stop(NULL, 0, "the end of a room that is not open");
    check_inside(r, p, 0, NULL, 0);
    return r->limit;
}

char *starch_checked_put(char *p, const char *s, size_t n, const char *file, int line)
{
    const Room *in = NULL; /* the room p lies in (or, past a room's end, that room) */
    for (int i = n_rooms - 1; i >= 0 && in == NULL; i--)
        if ((uintptr_t)p >= (uintptr_t)rooms[i].base &&
            (uintptr_t)p <= (uintptr_t)rooms[i].limit + SLACK)
            in = &rooms[i];
    if (in == NULL)
        stop(file, line, "write of %zu bytes outside any reserved room", n);
    check_inside(in, p, n, file, line);
    return starch_put(p, s, n);
}

char *starch_checked_at(starch_out *out, char *p, const char *file, int line)
{
    if (file) {
        tmpl_file = file;
        tmpl_line = line;
    }
    const Room *r = room_of(out);
    if (r == NULL)
        stop(file, line, "write without a reserve");
    check_inside(r, p, 0, file, line);
    return p;
}

char *starch_checked_rest(starch_out *out, char *q, size_t rest)
{
    Room *r = room_of(out);
    if (r == NULL) /* the writer commits nothing it did not reserve: cannot happen */
        stop(NULL, 0, "a writer ended the room");
    /* The writer's room may be larger than rest: from here only rest counts. */
    char *p = starch_out_need(out, q, rest + SLACK < STARCH_OUT_RESERVE_MAX ? rest + SLACK : rest);
    r->base = p;
    r->limit = p + rest;
    if (tmpl_file) { /* the room the interpolation's writer made */
        r->file = tmpl_file;
        r->line = tmpl_line;
    }
    return p;
}

void starch_checked_closed(const starch_out *out, const char *what, const char *file, int line)
{
    const Room *open = room_of(out);
    if (open)
        stop(file, line, "%s of the buffer while the room reserved at %s:%d is not committed", what,
             open->file, open->line);
}
