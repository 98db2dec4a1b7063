/* test_out.c — starch_out: initialisation, growth, clear/free, puts/printf/cstr, the
 * cursor protocol, the sticky error and streaming through the flush callback. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <starch_gen.h>

/* Asserts that out holds exactly the n bytes at exp. */
static void assert_bytes(const starch_out *out, const char *exp, size_t n)
{
    size_t len = starch_out_len(out);
    cr_assert_eq(len, n, "length %zu, expected %zu", len, n);
    cr_assert(memcmp(starch_out_data(out), exp, n) == 0, "got \"%.*s\", expected \"%.*s\"",
              (int)(len < 200 ? len : 200), starch_out_data(out), (int)(n < 200 ? n : 200), exp);
}

#define assert_lit(out, lit) assert_bytes(out, lit, sizeof(lit) - 1)

/* A deterministic byte pattern: byte i of the stream. */
static char pattern(size_t i)
{
    return (char)(i * 131 + (i >> 8) * 7 + 1);
}

static void fill_pattern(char *buf, size_t from, size_t n)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = pattern(from + i);
}

/* Whether p points into out's allocation. */
static bool points_into(const starch_out *out, const char *p)
{
    uintptr_t a = (uintptr_t)out->data, x = (uintptr_t)p;
    return x >= a && x <= a + out->cap;
}

/* ---- Initialisation -------------------------------------------------------------- */

Test(out, init_allocates_nothing)
{
    starch_out out;
    memset(&out, 0x5a, sizeof out);
    starch_out_init(&out);
    cr_assert_not_null(starch_out_data(&out));
    cr_assert_eq(starch_out_len(&out), 0);
    cr_assert_eq(out.cap, 0);
    cr_assert_eq(starch_out_error(&out), 0);
    cr_assert_null(out.flush);
    cr_assert_null(out.flush_ctx);
    starch_out_free(&out);
    cr_assert_not_null(starch_out_data(&out));
    cr_assert_eq(starch_out_len(&out), 0);
}

Test(out, empty_writes_allocate_nothing)
{
    starch_out out;
    starch_out_init(&out);
    starch_out_write(&out, "", 0);
    starch_out_write(&out, NULL, 0);
    starch_out_puts(&out, "");
    starch_out_puts(&out, NULL);
    starch_escape_html(&out, "", 0);
    starch_escape_html(&out, NULL, 0);
    char *p = starch_out_reserve(&out, 0);
    cr_assert_eq(p, starch_out_data(&out));
    starch_out_commit(&out, p);
    cr_assert_eq(out.cap, 0);
    assert_lit(&out, "");
    cr_assert_eq(starch_out_error(&out), 0);
    starch_out_clear(&out);
    cr_assert_eq(out.cap, 0);
    cr_assert_not_null(starch_out_data(&out));
    starch_out_free(&out);
}

Test(out, free_and_clear_of_an_initialised_buffer)
{
    starch_out out;
    starch_out_init(&out);
    starch_out_clear(&out);
    starch_out_free(&out);
    starch_out_free(&out);
    cr_assert_eq(starch_out_len(&out), 0);
    cr_assert_not_null(starch_out_data(&out));
    starch_out_puts(&out, "ok");
    assert_lit(&out, "ok");
    starch_out_free(&out);
}

/* ---- Writes and growth ----------------------------------------------------------- */

Test(out, write_small)
{
    starch_out out;
    starch_out_init(&out);
    starch_out_write(&out, "abc", 3);
    assert_lit(&out, "abc");
    starch_out_write(&out, "de\0f", 4);
    assert_bytes(&out, "abcde\0f", 7);
    cr_assert_geq(out.cap, 7);
    starch_out_free(&out);
}

/* Writes `total` pattern bytes in pieces of `piece` bytes and checks the result. */
static void write_in_pieces(size_t piece, size_t total)
{
    char *src = malloc(piece);
    char *exp = malloc(total);
    cr_assert(src && exp);
    fill_pattern(exp, 0, total);
    starch_out out;
    starch_out_init(&out);
    size_t done = 0, prev_cap = 0;
    while (done < total) {
        size_t n = total - done < piece ? total - done : piece;
        fill_pattern(src, done, n);
        starch_out_write(&out, src, n);
        done += n;
        cr_assert_eq(starch_out_len(&out), done);
        cr_assert_geq(out.cap, done);
        if (out.cap != prev_cap && prev_cap != 0) /* growth is at least 1.5x */
            cr_assert_geq(out.cap, prev_cap + prev_cap / 2, "cap %zu after %zu", out.cap, prev_cap);
        prev_cap = out.cap;
    }
    cr_assert_eq(starch_out_error(&out), 0);
    assert_bytes(&out, exp, total);
    starch_out_free(&out);
    free(src);
    free(exp);
}

Test(out, write_growth_every_small_size)
{
    for (size_t piece = 1; piece <= 300; piece++)
        write_in_pieces(piece, 3000);
}

Test(out, write_growth_large_sizes)
{
    static const size_t sizes[] = {255,   256,   257,    1000,    1023,          1024,   1025,
                                   4095,  4096,  4097,   8191,    8192,          8193,   65535,
                                   65536, 65537, 100000, 1 << 20, (1 << 20) + 1, 3 << 20};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        write_in_pieces(sizes[i], sizes[i]);
        write_in_pieces(sizes[i], 3 * sizes[i] + 7);
    }
}

Test(out, write_megabytes_one_byte_at_a_time)
{
    write_in_pieces(1, 4 << 20);
}

Test(out, clear_keeps_capacity)
{
    starch_out out;
    starch_out_init(&out);
    char big[5000];
    fill_pattern(big, 0, sizeof big);
    starch_out_write(&out, big, sizeof big);
    size_t cap = out.cap;
    const char *data = starch_out_data(&out);
    starch_out_clear(&out);
    cr_assert_eq(starch_out_len(&out), 0);
    cr_assert_eq(out.cap, cap);
    cr_assert_eq(starch_out_data(&out), data);
    starch_out_write(&out, "xyz", 3);
    assert_lit(&out, "xyz");
    cr_assert_eq(starch_out_data(&out), data);
    starch_out_write(&out, big, sizeof big - 3); /* fits the capacity kept */
    cr_assert_eq(starch_out_data(&out), data);
    cr_assert_eq(out.cap, cap);
    starch_out_free(&out);
}

Test(out, free_then_reuse)
{
    starch_out out;
    starch_out_init(&out);
    char big[3000];
    fill_pattern(big, 0, sizeof big);
    starch_out_write(&out, big, sizeof big);
    starch_out_free(&out);
    cr_assert_eq(starch_out_len(&out), 0);
    cr_assert_eq(out.cap, 0);
    cr_assert_eq(starch_out_error(&out), 0);
    cr_assert_not_null(starch_out_data(&out));
    starch_out_puts(&out, "again");
    assert_lit(&out, "again");
    starch_out_write(&out, big, sizeof big);
    cr_assert_eq(starch_out_len(&out), 5 + sizeof big);
    cr_assert(memcmp(starch_out_data(&out) + 5, big, sizeof big) == 0);
    starch_out_free(&out);
}

/* ---- puts, printf, cstr ------------------------------------------------------------ */

Test(out, puts)
{
    starch_out out;
    starch_out_init(&out);
    starch_out_puts(&out, NULL);
    assert_lit(&out, "");
    starch_out_puts(&out, "one");
    starch_out_puts(&out, NULL);
    starch_out_puts(&out, "");
    starch_out_puts(&out, " <two> & \xff");
    assert_lit(&out, "one <two> & \xff");
    starch_out_free(&out);
}

Test(out, printf_short)
{
    starch_out out;
    starch_out_init(&out);
    starch_out_printf(&out, "%d-%s-%c", 42, "x<y", '!');
    assert_lit(&out, "42-x<y-!");
    starch_out_printf(&out, "%s", "");
    assert_lit(&out, "42-x<y-!");
    starch_out_printf(&out, "[%5.2f]", 3.14159);
    assert_lit(&out, "42-x<y-![ 3.14]");
    starch_out_free(&out);
}

/* printf of exactly n bytes ('a'..'z' repeated), after a prefix. */
static void printf_length(size_t n)
{
    char *s = malloc(n + 1), *exp = malloc(n + 3);
    cr_assert(s && exp);
    for (size_t i = 0; i < n; i++)
        s[i] = (char)('a' + i % 26);
    s[n] = '\0';
    memcpy(exp, "<<", 2);
    memcpy(exp + 2, s, n);
    exp[n + 2] = '>';
    starch_out out;
    starch_out_init(&out);
    starch_out_write(&out, "<", 1);
    starch_out_printf(&out, "<%s>", s);
    cr_assert_eq(starch_out_error(&out), 0);
    assert_bytes(&out, exp, n + 3);
    starch_out_free(&out);
    free(s);
    free(exp);
}

Test(out, printf_lengths_around_the_stack_buffer)
{
    for (size_t n = 240; n <= 270; n++)
        printf_length(n);
}

Test(out, printf_long)
{
    printf_length(1000);
    printf_length(8192);
    printf_length(100000);
    starch_out out;
    starch_out_init(&out);
    starch_out_printf(&out, "%0300d|", 7);
    cr_assert_eq(starch_out_len(&out), 301);
    for (size_t i = 0; i < 299; i++)
        cr_assert_eq(starch_out_data(&out)[i], '0');
    cr_assert_eq(memcmp(starch_out_data(&out) + 299, "7|", 2), 0);
    starch_out_free(&out);
}

Test(out, printf_encoding_error_is_sticky)
{
    /* In the C locale a wide character above 0x7f cannot be converted: vsnprintf fails. */
    static const wchar_t bad[] = {0x20ac, 0};
    starch_out out;
    starch_out_init(&out);
    starch_out_puts(&out, "ok");
    starch_out_printf(&out, "%ls", bad);
    cr_assert_eq(starch_out_error(&out), STARCH_EINVAL);
    starch_out_puts(&out, "more");
    assert_lit(&out, "ok");
    starch_out_free(&out);
}

Test(out, cstr)
{
    starch_out out;
    starch_out_init(&out);
    cr_assert_str_eq(starch_out_cstr(&out), "");
    cr_assert_eq(starch_out_len(&out), 0);
    starch_out_write(&out, "abc", 3);
    const char *s = starch_out_cstr(&out);
    cr_assert_str_eq(s, "abc");
    cr_assert_eq(s, starch_out_data(&out));
    cr_assert_eq(starch_out_len(&out), 3);
    starch_out_write(&out, "def", 3);
    cr_assert_str_eq(starch_out_cstr(&out), "abcdef");
    cr_assert_eq(starch_out_len(&out), 6);
    starch_out_clear(&out);
    cr_assert_str_eq(starch_out_cstr(&out), "");
    starch_out_free(&out);
}

Test(out, cstr_at_exact_capacity)
{
    starch_out out;
    starch_out_init(&out);
    starch_out_write(&out, "x", 1);
    size_t cap = out.cap;
    char *fill = malloc(cap - 1);
    memset(fill, 'y', cap - 1);
    starch_out_write(&out, fill, cap - 1); /* buffer exactly full */
    cr_assert_eq(starch_out_len(&out), cap);
    const char *s = starch_out_cstr(&out);
    cr_assert_eq(strlen(s), cap);
    cr_assert_eq(s[0], 'x');
    cr_assert_eq(s[cap - 1], 'y');
    cr_assert_eq(starch_out_len(&out), cap);
    starch_out_free(&out);
    free(fill);
}

/* ---- The cursor protocol --------------------------------------------------------- */

Test(out, reserve_commit)
{
    starch_out out;
    starch_out_init(&out);
    char *p = starch_out_reserve(&out, 10);
    cr_assert_geq(out.cap, 10);
    cr_assert_eq(p, out.data);
    p = starch_put(p, "<td>", 4);
    p = starch_put(p, "1", 1);
    cr_assert_eq(starch_out_len(&out), 0); /* reserve commits nothing */
    starch_out_commit(&out, p);
    assert_lit(&out, "<td>1");
    p = starch_out_reserve(&out, 5);
    cr_assert_eq(p, out.data + 5);
    p = starch_put(p, "</td>", 5);
    starch_out_commit(&out, p);
    assert_lit(&out, "<td>1</td>");
    /* an uncommitted write is dropped by the next reserve */
    p = starch_out_reserve(&out, 3);
    starch_put(p, "zzz", 3);
    p = starch_out_reserve(&out, 2);
    p = starch_put(p, "ok", 2);
    starch_out_commit(&out, p);
    assert_lit(&out, "<td>1</td>ok");
    starch_out_free(&out);
}

Test(out, need_commits_and_makes_room)
{
    starch_out out;
    starch_out_init(&out);
    char *p = starch_out_reserve(&out, 4);
    p = starch_put(p, "head", 4);
    char big[STARCH_OUT_RESERVE_MAX];
    fill_pattern(big, 0, sizeof big);
    for (int i = 0; i < 100; i++) {
        p = starch_out_need(&out, p, sizeof big);
        cr_assert_eq(starch_out_len(&out), 4 + (size_t)i * sizeof big);
        cr_assert_geq(out.cap - (size_t)(p - out.data), sizeof big);
        p = starch_put(p, big, sizeof big);
    }
    starch_out_commit(&out, p);
    cr_assert_eq(starch_out_len(&out), 4 + 100 * sizeof big);
    cr_assert_eq(memcmp(out.data, "head", 4), 0);
    for (int i = 0; i < 100; i++)
        cr_assert_eq(memcmp(out.data + 4 + (size_t)i * sizeof big, big, sizeof big), 0);
    starch_out_free(&out);
}

Test(out, reserve_every_size_up_to_the_maximum)
{
    starch_out out;
    starch_out_init(&out);
    char big[STARCH_OUT_RESERVE_MAX];
    fill_pattern(big, 0, sizeof big);
    size_t total = 0;
    for (size_t n = 0; n <= STARCH_OUT_RESERVE_MAX; n += 7) {
        char *p = starch_out_reserve(&out, n);
        cr_assert_eq(p, out.data + total);
        cr_assert_geq(out.cap - total, n);
        p = starch_put(p, big, n);
        starch_out_commit(&out, p);
        cr_assert_eq(memcmp(out.data + total, big, n), 0);
        total += n;
        cr_assert_eq(starch_out_len(&out), total);
    }
    starch_out_free(&out);
}

Test(out, grow_makes_room)
{
    starch_out out;
    starch_out_init(&out);
    starch_out_write(&out, "ab", 2);
    char *p = starch_out_grow(&out, 100000);
    cr_assert_eq(p, out.data + 2);
    cr_assert_geq(out.cap, 100002);
    cr_assert_eq(starch_out_len(&out), 2);
    memset(p, 'c', 100000);
    starch_out_commit(&out, p + 100000);
    cr_assert_eq(starch_out_len(&out), 100002);
    cr_assert_eq(memcmp(out.data, "abccc", 5), 0);
    cr_assert_eq(out.data[100001], 'c');
    starch_out_free(&out);
}

/* ---- The sticky error ------------------------------------------------------------ */

/* Every write after a failure is a no-op: out keeps exactly exp[0..n), error err. */
static void assert_writes_are_noops(starch_out *out, int err, const char *exp, size_t n)
{
    static char junk[100001]; /* NUL-terminated */
    memset(junk, 'j', sizeof junk - 1);
    starch_out_write(out, "more", 4);
    starch_out_write(out, junk, sizeof junk - 1);
    starch_out_puts(out, "more");
    starch_out_printf(out, "%d", 12345);
    starch_out_printf(out, "%.*s", 5000, junk);
    starch_escape_html(out, "<&>", 3);
    starch_escape_html(out, junk, sizeof junk - 1);
    cr_assert_str_eq(starch_out_cstr(out), "");
    for (size_t k = 0; k <= STARCH_OUT_RESERVE_MAX; k += STARCH_OUT_RESERVE_MAX / 4) {
        char *p = starch_out_reserve(out, k);
        cr_assert_not_null(p);
        memset(p, 'd', k); /* the discard area (or spare room) takes it */
        starch_out_commit(out, p + k);
        p = starch_out_need(out, p + k, k);
        memset(p, 'e', k);
        starch_out_commit(out, p + k);
    }
    char *p = starch_out_reserve(out, 0);
    p = starch_put_html_str(out, p, 10, STARCH_STR("a<b"));
    p = starch_put_raw_str(out, p, 10, STARCH_STR("x"));
    p = starch_put_html_cstr(out, p, 10, junk + sizeof junk - 3001);
    p = starch_put_raw_fmt(out, p, 10, "%.*s", 3000, junk);
    p = starch_put_html_fmt(out, p, 10, "%.*s", 3000, junk);
    memset(p, 'f', 10);
    starch_out_commit(out, p + 10);
    cr_assert_eq(starch_out_error(out), err);
    assert_bytes(out, exp, n);
    cr_assert_eq(starch_out_flush(out), err);
    assert_bytes(out, exp, n);
}

Test(out, allocation_failure_is_sticky)
{
    starch_out out;
    starch_out_init(&out);
    starch_out_write(&out, "abc", 3);
    size_t cap = out.cap;
    char *p = starch_out_grow(&out, SIZE_MAX / 2);
    cr_assert_eq(starch_out_error(&out), STARCH_ENOMEM);
    cr_assert_not_null(p);
    cr_assert(!points_into(&out, p), "discard cursor inside the buffer");
    memset(p, 'd', STARCH_OUT_RESERVE_MAX);
    starch_out_commit(&out, p + STARCH_OUT_RESERVE_MAX);
    cr_assert_eq(out.cap, cap);
    assert_lit(&out, "abc");
    assert_writes_are_noops(&out, STARCH_ENOMEM, "abc", 3);
    /* a later failure does not replace the first code */
    starch_out_grow(&out, SIZE_MAX);
    cr_assert_eq(starch_out_error(&out), STARCH_ENOMEM);
    /* clear resets the error; the buffer works again */
    starch_out_clear(&out);
    cr_assert_eq(starch_out_error(&out), 0);
    starch_out_puts(&out, "fresh");
    assert_lit(&out, "fresh");
    cr_assert_str_eq(starch_out_cstr(&out), "fresh");
    starch_out_free(&out);
}

Test(out, allocation_failure_before_any_allocation)
{
    starch_out out;
    starch_out_init(&out);
    char *p = starch_out_grow(&out, SIZE_MAX);
    cr_assert_not_null(p);
    cr_assert_eq(starch_out_error(&out), STARCH_ENOMEM);
    cr_assert_not_null(starch_out_data(&out));
    cr_assert_eq(out.cap, 0);
    assert_writes_are_noops(&out, STARCH_ENOMEM, "", 0);
    starch_out_free(&out);
    cr_assert_eq(starch_out_error(&out), 0);
    starch_out_puts(&out, "ok");
    assert_lit(&out, "ok");
    starch_out_free(&out);
}

Test(out, allocation_failure_inside_a_cursor_run)
{
    starch_out out;
    starch_out_init(&out);
    char *p = starch_out_reserve(&out, 20);
    p = starch_put(p, "<p>", 3);
    starch_out_commit(&out, p);
    p = starch_out_need(&out, p, SIZE_MAX / 2);
    cr_assert_eq(starch_out_error(&out), STARCH_ENOMEM);
    p = starch_put(p, "lost", 4);
    p = starch_put_html_cstr(&out, p, 5, "<lost>");
    p = starch_put(p, "</p>", 4);
    starch_out_commit(&out, p);
    assert_lit(&out, "<p>");
    starch_out_free(&out);
}

/* ---- Streaming through the flush callback ---------------------------------------- */

typedef struct sink {
    char *data;
    size_t len, cap;
    size_t calls;
    size_t max_chunk;
    size_t fail_at; /* call number (1-based) that fails; 0 = never */
    int fail_code;
} sink;

static int sink_flush(void *ctx, const char *data, size_t len)
{
    sink *s = ctx;
    s->calls++;
    cr_assert_gt(len, 0, "flush of nothing");
    if (s->fail_at && s->calls >= s->fail_at)
        return s->fail_code;
    if (s->len + len > s->cap) {
        s->cap = (s->len + len) * 2;
        s->data = realloc(s->data, s->cap);
        cr_assert_not_null(s->data);
    }
    memcpy(s->data + s->len, data, len);
    s->len += len;
    if (len > s->max_chunk)
        s->max_chunk = len;
    return 0;
}

/* A small deterministic generator (xorshift64*). */
static uint64_t next_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* Writes pattern bytes through a mix of writers: sizes up to max_piece, into out;
 * returns how many bytes were written (the pattern positions 0..n). */
static size_t write_mixed(starch_out *out, size_t total, size_t max_piece, uint64_t seed)
{
    char *piece = malloc(max_piece);
    size_t done = 0;
    uint64_t r = seed;
    while (done < total) {
        size_t n = (size_t)(next_random(&r) % max_piece) + 1;
        if (n > total - done)
            n = total - done;
        fill_pattern(piece, done, n);
        switch (next_random(&r) % 3) {
        case 0: starch_out_write(out, piece, n); break;
        case 1: {
            size_t k = n < STARCH_OUT_RESERVE_MAX ? n : STARCH_OUT_RESERVE_MAX;
            char *p = starch_out_reserve(out, k);
            p = starch_put(p, piece, k);
            starch_out_commit(out, p);
            n = k;
            break;
        }
        default: {
            char *p = starch_out_reserve(out, 0);
            p = starch_put_raw_str(out, p, 0, (starch_str){piece, n});
            starch_out_commit(out, p);
        }
        }
        done += n;
    }
    free(piece);
    return done;
}

static void check_streamed(size_t total, size_t max_piece, uint64_t seed)
{
    sink s = {0};
    starch_out out;
    starch_out_init(&out);
    starch_out_set_flush(&out, sink_flush, &s);
    cr_assert_eq(out.flush_ctx, &s);
    size_t n = write_mixed(&out, total, max_piece, seed);
    cr_assert_eq(n, total);
    cr_assert_leq(starch_out_len(&out), STARCH_OUT_CHUNK);
    cr_assert_leq(out.cap, STARCH_OUT_CHUNK, "capacity %zu grew past the chunk", out.cap);
    cr_assert_eq(starch_out_flush(&out), 0);
    cr_assert_eq(starch_out_len(&out), 0);
    cr_assert_eq(s.len, total);
    cr_assert_leq(s.max_chunk, STARCH_OUT_CHUNK, "chunk of %zu bytes", s.max_chunk);
    if (total > 2 * STARCH_OUT_CHUNK)
        cr_assert_geq(s.calls, total / STARCH_OUT_CHUNK);
    char *exp = malloc(total + 1);
    fill_pattern(exp, 0, total);
    cr_assert(total == 0 || memcmp(s.data, exp, total) == 0, "streamed bytes differ");
    /* an empty buffer flushes nothing */
    size_t calls = s.calls;
    cr_assert_eq(starch_out_flush(&out), 0);
    cr_assert_eq(s.calls, calls);
    starch_out_free(&out);
    free(exp);
    free(s.data);
}

Test(out, flush_streams_in_bounded_chunks)
{
    check_streamed(1 << 20, 1, 1);
    check_streamed(1 << 20, 7, 2);
    check_streamed(1 << 20, 100, 3);
    check_streamed(1 << 20, 1000, 4);
    check_streamed(3 << 20, STARCH_OUT_CHUNK / 2, 5);
    check_streamed(3 << 20, STARCH_OUT_CHUNK, 6);
    for (size_t t = 0; t < 3 * STARCH_OUT_CHUNK; t += 997)
        check_streamed(t, 300, 7 + t);
}

Test(out, flush_escaped_and_formatted_output)
{
    sink s = {0};
    starch_out out, ref;
    starch_out_init(&out);
    starch_out_init(&ref);
    starch_out_set_flush(&out, sink_flush, &s);
    uint64_t r = 99;
    for (int i = 0; i < 20000; i++) {
        char text[64];
        int n = snprintf(text, sizeof text, "<li id=\"%d\">&'%llu'</li>\n", i,
                         (unsigned long long)next_random(&r));
        starch_out *o[2] = {&out, &ref};
        for (int k = 0; k < 2; k++) {
            starch_escape_html(o[k], text, (size_t)n);
            starch_out_printf(o[k], "%d;", i);
            char *p = starch_out_reserve(o[k], 2 * STARCH_VALUE_MAX + 1);
            p = starch_put_i64(o[k], p, 0, -i);
            *p++ = ':';
            p = starch_put_double(o[k], p, 0, i / 8.0);
            starch_out_commit(o[k], p);
        }
    }
    cr_assert_eq(starch_out_flush(&out), 0);
    cr_assert_eq(s.len, starch_out_len(&ref));
    cr_assert(memcmp(s.data, starch_out_data(&ref), s.len) == 0);
    cr_assert_leq(s.max_chunk, STARCH_OUT_CHUNK);
    starch_out_free(&out);
    starch_out_free(&ref);
    free(s.data);
}

Test(out, flush_write_larger_than_the_chunk)
{
    sink s = {0};
    starch_out out;
    starch_out_init(&out);
    starch_out_set_flush(&out, sink_flush, &s);
    size_t big = 5 * STARCH_OUT_CHUNK + 3;
    char *buf = malloc(big + 100);
    fill_pattern(buf, 0, big + 100);
    starch_out_write(&out, buf, 50);
    starch_out_write(&out, buf + 50, big);
    starch_out_write(&out, buf + 50 + big, 50);
    cr_assert_eq(starch_out_error(&out), 0);
    cr_assert_eq(starch_out_flush(&out), 0);
    cr_assert_eq(s.len, big + 100);
    cr_assert(memcmp(s.data, buf, big + 100) == 0);
    cr_assert_leq(s.max_chunk, big + 50); /* at most the capacity the big write needed */
    starch_out_free(&out);
    free(buf);
    free(s.data);
}

Test(out, flush_with_capacity_already_held)
{
    sink s = {0};
    starch_out out;
    starch_out_init(&out);
    char *buf = malloc(1 << 20);
    fill_pattern(buf, 0, 1 << 20);
    starch_out_write(&out, buf, 5 * STARCH_OUT_CHUNK);
    size_t cap = out.cap;
    starch_out_clear(&out);
    starch_out_set_flush(&out, sink_flush, &s);
    for (size_t i = 0; i < (1 << 20); i += 16)
        starch_out_write(&out, buf + i, 16);
    cr_assert_eq(starch_out_flush(&out), 0);
    cr_assert_eq(out.cap, cap);
    cr_assert_eq(s.len, 1 << 20);
    cr_assert(memcmp(s.data, buf, 1 << 20) == 0);
    cr_assert_leq(s.max_chunk, cap);
    starch_out_free(&out);
    free(buf);
    free(s.data);
}

Test(out, flush_failure_is_sticky)
{
    sink s = {.fail_at = 3, .fail_code = STARCH_ECLOSED};
    starch_out out;
    starch_out_init(&out);
    starch_out_set_flush(&out, sink_flush, &s);
    char piece[100];
    for (size_t i = 0; i < 1000; i++) {
        fill_pattern(piece, i * 100, 100);
        starch_out_write(&out, piece, 100);
    }
    cr_assert_eq(starch_out_error(&out), STARCH_ECLOSED);
    cr_assert_eq(s.calls, 3); /* no flush is attempted after the failure */
    size_t len = starch_out_len(&out);
    char *kept = malloc(len + 1);
    memcpy(kept, starch_out_data(&out), len);
    assert_writes_are_noops(&out, STARCH_ECLOSED, kept, len);
    cr_assert_eq(s.calls, 3);
    char *exp = malloc(s.len);
    fill_pattern(exp, 0, s.len);
    cr_assert(memcmp(s.data, exp, s.len) == 0);
    /* clear resets the error and streaming resumes */
    starch_out_clear(&out);
    s.fail_at = 0;
    starch_out_puts(&out, "resumed");
    cr_assert_eq(starch_out_flush(&out), 0);
    cr_assert_eq(s.calls, 4);
    cr_assert(memcmp(s.data + s.len - 7, "resumed", 7) == 0);
    starch_out_free(&out);
    free(kept);
    free(exp);
    free(s.data);
}

Test(out, flush_failure_on_the_final_flush)
{
    sink s = {.fail_at = 1, .fail_code = STARCH_EIO};
    starch_out out;
    starch_out_init(&out);
    starch_out_set_flush(&out, sink_flush, &s);
    starch_out_puts(&out, "tail");
    cr_assert_eq(starch_out_flush(&out), STARCH_EIO);
    cr_assert_eq(starch_out_error(&out), STARCH_EIO);
    cr_assert_eq(starch_out_flush(&out), STARCH_EIO);
    cr_assert_eq(s.calls, 1);
    assert_lit(&out, "tail");
    starch_out_free(&out);
}

/* A flush callback's code that is no starch_status (negative, an errno value past the
 * last status) is taken as STARCH_EIO. */
Test(out, flush_code_that_is_no_status_becomes_eio)
{
    int codes[] = {-1, 32 /* EPIPE */, 1000};
    for (size_t i = 0; i < sizeof codes / sizeof *codes; i++) {
        sink s = {.fail_at = 1, .fail_code = codes[i]};
        starch_out out;
        starch_out_init(&out);
        starch_out_set_flush(&out, sink_flush, &s);
        starch_out_puts(&out, "x");
        cr_assert_eq(starch_out_flush(&out), STARCH_EIO, "%d", codes[i]);
        cr_assert_eq(starch_out_error(&out), STARCH_EIO);
        starch_out_free(&out);
    }
}

Test(out, flush_without_callback_is_a_noop)
{
    starch_out out;
    starch_out_init(&out);
    starch_out_puts(&out, "kept");
    cr_assert_eq(starch_out_flush(&out), 0);
    assert_lit(&out, "kept");
    sink s = {0};
    starch_out_set_flush(&out, sink_flush, &s);
    starch_out_set_flush(&out, NULL, NULL);
    cr_assert_null(out.flush);
    char big[3 * STARCH_OUT_CHUNK];
    fill_pattern(big, 0, sizeof big);
    starch_out_write(&out, big, sizeof big);
    cr_assert_eq(starch_out_flush(&out), 0);
    cr_assert_eq(s.calls, 0);
    cr_assert_eq(starch_out_len(&out), 4 + sizeof big);
    starch_out_free(&out);
}

/* ---- starch_out_init_buffer: the caller's memory first, then the heap ---- */

Test(out, init_buffer_uses_the_callers_memory_then_moves_to_the_heap)
{
    char buf[16];
    starch_out out;
    starch_out_init_buffer(&out, buf, sizeof buf);
    starch_out_write(&out, "0123456789", 10);
    cr_assert_eq(starch_out_data(&out), buf);
    cr_assert_eq(starch_out_len(&out), 10);
    starch_out_write(&out, "abcdefghij", 10); /* 20 bytes: no longer fits */
    cr_assert_neq(starch_out_data(&out), buf);
    cr_assert_eq(starch_out_len(&out), 20);
    cr_assert(memcmp(starch_out_data(&out), "0123456789abcdefghij", 20) == 0);
    cr_assert(memcmp(buf, "0123456789", 10) == 0); /* the caller's memory is left as it was */
    starch_out_free(&out);                         /* frees the heap copy only */
    cr_assert_eq(starch_out_len(&out), 0);
}

/* A buffer of one byte grows a byte at a time too (1.5 times 1 was 1: it never grew). */
Test(out, init_buffer_of_one_byte_grows)
{
    char buf[1];
    starch_out out;
    starch_out_init_buffer(&out, buf, sizeof buf);
    starch_out_write(&out, "x", 1);
    cr_assert_eq(starch_out_data(&out), buf);
    for (int i = 0; i < 99; i++)
        starch_out_write(&out, "y", 1);
    cr_assert_eq(starch_out_error(&out), STARCH_OK);
    cr_assert_eq(starch_out_len(&out), 100);
    cr_assert_eq(starch_out_data(&out)[0], 'x');
    cr_assert_eq(starch_out_data(&out)[99], 'y');
    starch_out_free(&out);
}

static int count_chunk(void *ctx, const char *data, size_t len)
{
    (void)data;
    *(size_t *)ctx += len;
    return 0;
}

Test(out, init_buffer_streams_without_allocating)
{
    static char buf[STARCH_OUT_CHUNK];
    starch_out out;
    size_t flushed = 0;
    starch_out_init_buffer(&out, buf, sizeof buf);
    starch_out_set_flush(&out, count_chunk, &flushed);
    for (int i = 0; i < 10000; i++)
        starch_out_write(&out, "0123456789", 10);
    cr_assert_eq(starch_out_data(&out), buf, "a chunk-sized borrowed buffer never grows");
    starch_out_flush(&out);
    cr_assert_eq(flushed, 100000);
    starch_out_free(&out); /* nothing of its own to free */
}
