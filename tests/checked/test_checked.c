/* test_checked.c — the checked build's stops (docs/runtime.md, "The checked build"): each
 * violation of the cursor protocol, written as generated code writes it (under #line
 * directives to a template), runs in a child process that must abort with exactly the
 * message naming the template's file and line; and correct code runs to the end with the
 * same output as the plain build. Compiled with STARCH_CHECKED, linked with
 * starch-checked. TAP on stdout. */
#include "starch_gen.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef STARCH_CHECKED
#error "compile with -DSTARCH_CHECKED"
#endif

/* ---- The cases: renderers as the code generator writes them ------------------------ */

static void overrun(starch_out *st_out)
{
    char *st_p;
#line 2 "tests/bad.starch"
    st_p = starch_out_reserve(st_out, 4);
#line 3 "tests/bad.starch"
    st_p = starch_put(st_p, "hello", 5);
    starch_out_commit(st_out, st_p);
}

static void unpaired_reserve(starch_out *st_out)
{
    char *st_p;
#line 5 "tests/bad.starch"
    st_p = starch_out_reserve(st_out, 8);
    st_p = starch_put(st_p, "<p>", 3);
#line 7 "tests/bad.starch"
    st_p = starch_out_reserve(st_out, 8);
    starch_out_commit(st_out, st_p);
}

static void commit_without_reserve(starch_out *st_out)
{
    char *st_p = st_out->data;
#line 9 "tests/bad.starch"
    starch_out_commit(st_out, st_p);
}

/* A value counted as nothing: the number overruns the room, seen by the commit after it. */
static void value_overrun(starch_out *st_out, int n)
{
    char *st_p;
#line 11 "tests/bad.starch"
    st_p = starch_out_reserve(st_out, 5 + 0 * STARCH_VALUE_MAX);
    st_p = starch_put(st_p, "<b>", 3);
#line 12 "tests/bad.starch"
    st_p = STARCH_PUT_HTML(st_out, st_p, 4, n);
#line 13 "tests/bad.starch"
    st_p = starch_put(st_p, "</b>", 4);
    starch_out_commit(st_out, st_p);
}

/* A string writer promises `rest` bytes after it and no more. */
static void rest_overrun(starch_out *st_out, const char *s)
{
    char *st_p;
#line 15 "tests/bad.starch"
    st_p = starch_out_reserve(st_out, 3 + 1 * STARCH_VALUE_MAX);
    st_p = starch_put(st_p, "<i>", 3);
#line 16 "tests/bad.starch"
    st_p = STARCH_PUT_HTML(st_out, st_p, 2, s);
#line 17 "tests/bad.starch"
    st_p = starch_put(st_p, "</i>", 4);
    starch_out_commit(st_out, st_p);
}

/* The room protocol: a run that counts too little stops even when the run before it left
 * room over (a release build would write past the end when it did not). */
static void room_undercount(starch_out *st_out)
{
    char *st_p = starch_out_reserve(st_out, 0), *st_end = starch_out_end(st_out, st_p);
#line 30 "tests/bad.starch"
    STARCH_ROOM(st_out, st_p, st_end, 64);
    st_p = starch_put(st_p, "<p>", 3);
#line 31 "tests/bad.starch"
    STARCH_ROOM(st_out, st_p, st_end, 2);
#line 32 "tests/bad.starch"
    st_p = starch_put(st_p, "</p>", 4);
    starch_out_commit(st_out, st_p);
}

/* An append while the room is open would be overwritten by the room's bytes. */
static void write_while_open(starch_out *st_out)
{
    char *st_p;
#line 19 "tests/bad.starch"
    st_p = starch_out_reserve(st_out, 3);
#line 20 "tests/bad.starch"
    starch_out_write(st_out, "x", 1);
    starch_out_commit(st_out, st_p);
}

/* A render that returns with its room open: its caller's next look at the buffer stops. */
static void left_open(starch_out *st_out)
{
    char *st_p;
#line 22 "tests/bad.starch"
    st_p = starch_out_reserve(st_out, 3);
    st_p = starch_put(st_p, "<p>", 3);
    (void)st_p;
}

static void run_left_open(void)
{
    starch_out out;
    starch_out_init(&out);
    left_open(&out);
#line 5 "tests/main.c"
    if (starch_out_error(&out) == STARCH_OK)
        fwrite(starch_out_data(&out), 1, starch_out_len(&out), stdout);
}

/* Right: every kind of write, batches of loop iterations, a streaming buffer. */
static void correct(starch_out *st_out, const char *s, int n, double d)
{
    char *st_p;
#line 30 "tests/good.starch"
    st_p = starch_out_reserve(st_out, 7 + 2 * STARCH_VALUE_MAX);
    st_p = starch_put(st_p, "<a>", 3);
    st_p = STARCH_PUT_HTML(st_out, st_p, 4 + 1 * STARCH_VALUE_MAX, s);
    st_p = STARCH_PUT_ATTR(st_out, st_p, 4, n);
    st_p = starch_put(st_p, "</a>", 4);
    starch_out_commit(st_out, st_p);
    st_p = starch_out_reserve(st_out, 0);
    for (int i = 0; i < 3000;) {
        int e = 3000 - i < 128 ? 3000 : i + 128;
        st_p = starch_out_need(st_out, st_p, (size_t)(e - i) * (1 + STARCH_VALUE_MAX));
        for (; i < e; i++) {
            st_p = starch_put(st_p, " ", 1);
            st_p = STARCH_PUT_JS(st_out, st_p, (size_t)(e - i - 1) * (1 + STARCH_VALUE_MAX), i);
        }
    }
    starch_out_commit(st_out, st_p);
    st_p = starch_out_reserve(st_out, 1 + STARCH_VALUE_MAX);
    st_p = starch_put_fixed(st_out, st_p, 1, starch_put_html_bytes, 2, d);
    st_p = starch_put_fmt(st_out, st_p, 1, starch_put_url_query_bytes, "%s&%d", s, n);
    st_p = starch_put(st_p, ".", 1);
    starch_out_commit(st_out, st_p);
    starch_out_puts(st_out, "end");
}
#line 138 "tests/checked/test_checked.c"

/* ---- The runner ------------------------------------------------------------------- */

static int tests;
static int failures;

static void report(bool ok, const char *name)
{
    printf("%sok %d - %s\n", ok ? "" : "not ", ++tests, name);
    if (!ok)
        failures++;
}

/* Runs f in a child with stderr into a pipe; returns what it wrote and its wait status. */
static char *run_child(void (*f)(void), int *status)
{
    int fd[2];
    if (pipe(fd) != 0)
        return NULL;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        dup2(fd[1], 2);
        f();
        _exit(0);
    }
    close(fd[1]);
    static char buf[4096];
    size_t len = 0;
    ssize_t n;
    while ((n = read(fd[0], buf + len, sizeof buf - 1 - len)) > 0)
        len += (size_t)n;
    buf[len] = '\0';
    close(fd[0]);
    waitpid(pid, status, 0);
    return buf;
}

/* The case must stop (SIGABRT) with exactly `message` on stderr. */
static void expect_stop(const char *name, void (*f)(void), const char *message)
{
    int status = 0;
    const char *err = run_child(f, &status);
    bool ok =
        err && WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT && strcmp(err, message) == 0;
    report(ok, name);
    if (!ok)
        printf("# expected SIGABRT and: %s# got status %d and: %s", message, status,
               err ? err : "(no pipe)\n");
}

static void run_overrun(void)
{
    starch_out out;
    starch_out_init(&out);
    overrun(&out);
}

static void run_unpaired(void)
{
    starch_out out;
    starch_out_init(&out);
    unpaired_reserve(&out);
}

static void run_commit_alone(void)
{
    starch_out out;
    starch_out_init(&out);
    commit_without_reserve(&out);
}

static void run_value_overrun(void)
{
    starch_out out;
    starch_out_init(&out);
    value_overrun(&out, -123456);
}

static void run_rest_overrun(void)
{
    starch_out out;
    starch_out_init(&out);
    rest_overrun(&out, "a string longer than a value's room, with <escapes> & all");
}

static void run_write_while_open(void)
{
    starch_out out;
    starch_out_init(&out);
    write_while_open(&out);
}

static void run_room_undercount(void)
{
    starch_out out;
    starch_out_init(&out);
    room_undercount(&out);
}

static int to_file(void *ctx, const char *data, size_t len)
{
    return fwrite(data, 1, len, ctx) == len ? 0 : STARCH_EIO;
}

/* The correct renderer, plain and streaming: no stop, and the same bytes both ways. */
static void check_correct(void)
{
    starch_out a, b;
    starch_out_init(&a);
    correct(&a, "x<y", 42, 2.5);
    char *streamed = NULL;
    size_t streamed_len = 0;
    FILE *f = open_memstream(&streamed, &streamed_len);
    starch_out_init(&b);
    starch_out_set_flush(&b, to_file, f);
    correct(&b, "x<y", 42, 2.5);
    starch_out_flush(&b);
    fclose(f);
    const char *head = "<a>x&lt;y42</a> 0 1 2", *tail = " 29992.50x%3Cy%2642.end";
    size_t tl = strlen(tail);
    bool ok = starch_out_error(&a) == 0 && starch_out_error(&b) == 0 &&
              strncmp(starch_out_data(&a), head, strlen(head)) == 0 &&
              streamed_len == starch_out_len(&a) &&
              memcmp(streamed, starch_out_data(&a), streamed_len) == 0 && starch_out_len(&a) > tl &&
              memcmp(starch_out_data(&a) + starch_out_len(&a) - tl, tail, tl) == 0;
    report(ok, "correct code runs to the end, plain and streaming");
    if (!ok)
        printf("# got %zu bytes: %.40s ... %.30s\n", starch_out_len(&a), starch_out_data(&a),
               starch_out_data(&a) + starch_out_len(&a) - 30);
    free(streamed);
    starch_out_free(&a);
    starch_out_free(&b);
}

int main(void)
{
    printf("1..9\n");
    expect_stop("a write past the room stops", run_overrun,
                "tests/bad.starch:3: starch checked: write overruns the room of 4 bytes reserved "
                "at tests/bad.starch:2 by 1\n");
    expect_stop("a second reserve before the commit stops", run_unpaired,
                "tests/bad.starch:7: starch checked: reserve while the room reserved at "
                "tests/bad.starch:5 is not committed\n");
    expect_stop("a commit without a reserve stops", run_commit_alone,
                "tests/bad.starch:9: starch checked: commit without a reserve\n");
    expect_stop("a value past the room stops at the next write", run_value_overrun,
                "tests/bad.starch:13: starch checked: write overruns the room of 5 bytes "
                "reserved at tests/bad.starch:11 by 9 (last template line tests/bad.starch:12)\n");
    expect_stop("more than a string writer's rest stops", run_rest_overrun,
                "tests/bad.starch:17: starch checked: write overruns the room of 2 bytes reserved "
                "at tests/bad.starch:16 by 2 (last template line tests/bad.starch:16)\n");
    expect_stop("an append while a room is open stops", run_write_while_open,
                "tests/bad.starch:20: starch checked: append of the buffer while the room "
                "reserved at tests/bad.starch:19 is not committed\n");
    expect_stop("a render that returns with its room open stops at the next look", run_left_open,
                "tests/main.c:5: starch checked: read of the buffer while the room reserved at "
                "tests/bad.starch:22 is not committed\n");
    expect_stop("a run that counts too little stops, whatever room was left", run_room_undercount,
                "tests/bad.starch:32: starch checked: write overruns the room of 2 bytes reserved "
                "at tests/bad.starch:31 by 2\n");
    check_correct();
    return failures ? 1 : 0;
}
