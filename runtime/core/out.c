/* out.c — starch_out: the growable output buffer with a sticky error and optional
 * streaming through a flush callback. */
#include "starch_gen.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* The data pointer of a buffer that owns no memory: never written (capacity 0). */
static char empty[1];

/* Where writes go after a failure: thread-local and write-only, so sharing it between
 * buffers is harmless; nothing ever reads it. */
static _Thread_local char discard[STARCH_OUT_RESERVE_MAX];

void starch_out_init(starch_out *out)
{
    out->data = empty;
    out->len = 0;
    out->cap = 0;
    out->err = 0;
    out->flush = NULL;
    out->flush_ctx = NULL;
    out->borrowed = false;
}

void starch_out_init_buffer(starch_out *out, char *buf, size_t size)
{
    starch_out_init(out);
    if (buf && size) {
        out->data = buf;
        out->cap = size;
        out->borrowed = true;
    }
}

void starch_out_free(starch_out *out)
{
    if (out->cap && !out->borrowed)
        free(out->data);
    starch_flush_fn flush = out->flush;
    void *ctx = out->flush_ctx;
    starch_out_init(out);
    out->flush = flush;
    out->flush_ctx = ctx;
}

void starch_out_clear(starch_out *out)
{
    out->len = 0;
    out->err = 0;
}

const char *starch_out_data(const starch_out *out)
{
    return out->data;
}

size_t starch_out_len(const starch_out *out)
{
    return out->len;
}

int starch_out_error(const starch_out *out)
{
    return out->err;
}

void starch_out_set_flush(starch_out *out, int (*flush)(void *ctx, const char *data, size_t len),
                          void *ctx)
{
    out->flush = flush;
    out->flush_ctx = ctx;
}

static char *fail(starch_out *out, int err)
{
    if (out->err == 0)
        out->err = err;
    return discard;
}

int starch_out_flush(starch_out *out)
{
    if (out->err == 0 && out->flush && out->len > 0) {
        int rc = out->flush(out->flush_ctx, out->data, out->len);
        if (rc != 0)
            fail(out, rc > 0 && rc <= STARCH_ETOOBIG ? rc : STARCH_EIO);
        else
            out->len = 0;
    }
    return out->err;
}

/* Grows the allocation to hold at least need bytes (1.5x steps). A streaming buffer
 * grows no further than the chunk size (or need, if larger): it flushes instead. */
static bool resize(starch_out *out, size_t need)
{
    size_t cap = out->cap ? out->cap : 256;
    while (cap < need)
        cap = cap > SIZE_MAX / 3 ? need : cap + cap / 2 + 1;
    if (out->flush && cap > STARCH_OUT_CHUNK)
        cap = need > STARCH_OUT_CHUNK ? need : STARCH_OUT_CHUNK;
    char *data = realloc(out->cap && !out->borrowed ? out->data : NULL, cap);
    if (data == NULL)
        return false;
    if (out->borrowed) /* leaving the caller's memory for the heap */
        memcpy(data, out->data, out->len);
    out->data = data;
    out->cap = cap;
    out->borrowed = false;
    return true;
}

char *starch_out_grow(starch_out *out, size_t n)
{
    if (out->err)
        return discard;
    if (out->flush && out->len > 0) {
        size_t chunk = out->cap > STARCH_OUT_CHUNK ? out->cap : STARCH_OUT_CHUNK;
        if (out->len + n > chunk && starch_out_flush(out) != 0)
            return discard;
    }
    if (out->cap - out->len >= n)
        return out->data + out->len;
    if (n > SIZE_MAX - out->len || !resize(out, out->len + n))
        return fail(out, STARCH_ENOMEM);
    return out->data + out->len;
}

void starch_out_write(starch_out *out, const char *data, size_t len)
{
    char *p = starch_out_reserve(out, len);
    if (out->err || len == 0) /* data may be NULL when len is 0 */
        return;
    memcpy(p, data, len);
    out->len += len;
}

void starch_out_puts(starch_out *out, const char *s)
{
    if (s)
        starch_out_write(out, s, strlen(s));
}

void starch_out_printf(starch_out *out, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) { /* a wide character that does not convert, or over INT_MAX bytes */
        fail(out, STARCH_EINVAL);
        return;
    }
    if ((size_t)n < sizeof small) {
        starch_out_write(out, small, (size_t)n);
        return;
    }
    char *p = starch_out_reserve(out, (size_t)n + 1);
    if (out->err)
        return;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    out->len += (size_t)n;
}

const char *starch_out_cstr(starch_out *out)
{
    char *p = starch_out_reserve(out, 1);
    if (out->err)
        return "";
    *p = '\0';
    return out->data;
}

starch_room starch_out_more(starch_out *out, char *p, size_t n)
{
    assert(n <= STARCH_OUT_RESERVE_MAX);
    p = starch_out_need(out, p, n);
    return (starch_room){p, out->err ? p + n : out->data + out->cap};
}
