/* fuzz.h — what the fuzz targets share: libFuzzer's entry point, the check that turns a
 * broken invariant into a finding, and a reader that cuts an input into the arguments of
 * the functions under test.
 *
 * Each target (fuzz_*.c) defines LLVMFuzzerTestOneInput. Built with clang and
 * -fsanitize=fuzzer (meson option `fuzz`), libFuzzer drives it; built with replay.c as its
 * main() (any compiler), it replays the saved inputs of tests/fuzz/ in `make test`. */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reports a broken invariant and aborts: libFuzzer saves the input as a crash, the replay
 * reports the input as failed. */
static inline void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%d: invariant broken: %s\n  ", file, line, cond);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

/* Checks an invariant; the message (printf format and arguments) says what was seen. */
#define FUZZ_CHECK(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);                                     \
    } while (0)

/* An input being cut into pieces: bytes, numbers and strings are taken from the front;
 * past the end, every take gives zeros or empty strings. */
typedef struct fuzz_input {
    const uint8_t *p;
    size_t n;
} fuzz_input;

static inline uint8_t fuzz_byte(fuzz_input *in)
{
    if (in->n == 0)
        return 0;
    in->n--;
    return *in->p++;
}

static inline uint64_t fuzz_u64(fuzz_input *in)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | fuzz_byte(in);
    return v;
}

/* The bytes up to the next `sep` (which is consumed) or the end: a pointer into the input
 * and a length (the piece is not NUL-terminated). */
static inline const char *fuzz_piece(fuzz_input *in, uint8_t sep, size_t *len)
{
    const uint8_t *s = in->p, *e = in->n ? memchr(in->p, sep, in->n) : NULL;
    *len = e ? (size_t)(e - s) : in->n;
    in->p += *len + (e != NULL);
    in->n -= *len + (e != NULL);
    return (const char *)s;
}

/* The same piece as a NUL-terminated copy (malloc'd; the caller frees it). */
static inline char *fuzz_cstr(fuzz_input *in, uint8_t sep)
{
    size_t n;
    const char *s = fuzz_piece(in, sep, &n);
    char *c = malloc(n + 1);
    if (c == NULL)
        abort();
    memcpy(c, s, n);
    c[n] = '\0';
    return c;
}

#endif
