/* alloccount.c — an LD_PRELOAD library that counts malloc, calloc and realloc calls.
 *
 * It forwards to glibc's own entry points (__libc_malloc, …), so it needs no dlsym and no
 * bootstrap buffer. harness.c reads the count with dlsym(RTLD_DEFAULT, "bench_alloc_count").
 * The counter is atomic, so threads (none in the benchmarks) would not lose counts. */
#include <stdatomic.h>
#include <stddef.h>

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);

static atomic_ulong calls;

unsigned long bench_alloc_count(void)
{
    return atomic_load(&calls);
}

void *malloc(size_t n)
{
    atomic_fetch_add(&calls, 1);
    return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    atomic_fetch_add(&calls, 1);
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
    atomic_fetch_add(&calls, 1);
    return __libc_realloc(p, n);
}
