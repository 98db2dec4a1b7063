/* escape.c — HTML escaping and the text/attribute writers of generated code.
 *
 * One table says which bytes HTML escaping replaces; the escaper copies runs of other
 * bytes in bulk (memchr-free scan over the table) and writes one replacement at a time,
 * like cmark's houdini. Bytes >= 0x80 pass through unchanged: invalid UTF-8 is the
 * browser's to replace with U+FFFD, and it cannot form markup. */
#include "starch_gen.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Replacement index per byte: 0 = copy; else the entity in html_entities.
 * Escaped: & < > " ' — enough for text, RCDATA and quoted attribute values. */
static const unsigned char html_class[256] = {
    ['&'] = 1, ['<'] = 2, ['>'] = 3, ['"'] = 4, ['\''] = 5,
};

/* The same for NUL-terminated strings, read in one pass: NUL (class 6) ends the string. */
static const unsigned char html_cstr_class[256] = {
    [0] = 6, ['&'] = 1, ['<'] = 2, ['>'] = 3, ['"'] = 4, ['\''] = 5,
};

static const struct {
    const char *s;
    unsigned char n;
} html_entities[] = {{"", 0}, {"&amp;", 5}, {"&lt;", 4}, {"&gt;", 4}, {"&#34;", 5}, {"&#39;", 5}};

/* Longest replacement: the worst-case growth factor of HTML escaping. */
#define HTML_MAX_GROWTH 5

/* Escapes s[0..len) at p, which has room for HTML_MAX_GROWTH * len bytes. */
static inline char *html_escape_to(char *p, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    if (len < 32) { /* short strings: a byte loop beats a memcpy per run */
        for (; i < len; i++) {
            unsigned char k = html_class[u[i]];
            if (k == 0) {
                *p++ = (char)u[i];
            } else {
                memcpy(p, html_entities[k].s, html_entities[k].n);
                p += html_entities[k].n;
            }
        }
        return p;
    }
    while (i < len) {
        size_t start = i;
        while (i < len && html_class[u[i]] == 0)
            i++;
        memcpy(p, s + start, i - start);
        p += i - start;
        if (i < len) {
            unsigned char k = html_class[u[i++]];
            memcpy(p, html_entities[k].s, html_entities[k].n);
            p += html_entities[k].n;
        }
    }
    return p;
}

/* Whether `need` bytes fit at cursor p without growing (p is in out's buffer). */
static bool fits(const starch_out *out, const char *p, size_t need)
{
    return out->err == 0 && (size_t)(out->data + out->cap - p) >= need;
}

/* Input bytes escaped per reservation, so a reservation stays well below the limits. */
#define ESCAPE_BLOCK 1024

/* Writes s[0..len) HTML-escaped at cursor p; returns a cursor with `rest` bytes of room. */
char *starch_put_html_bytes(starch_out *out, char *p, size_t rest, const char *s, size_t len)
{
    if (len <= ESCAPE_BLOCK && fits(out, p, len * HTML_MAX_GROWTH + rest))
        return html_escape_to(p, s, len); /* the common case: no round trip to the buffer */
    while (len > 0) {
        size_t n = len < ESCAPE_BLOCK ? len : ESCAPE_BLOCK;
        p = starch_out_need(out, p, n * HTML_MAX_GROWTH + rest);
        if (out->err)
            return p;
        p = html_escape_to(p, s, n);
        s += n;
        len -= n;
    }
    return starch_out_need(out, p, rest);
}

/* Writes s[0..len) as is at cursor p; returns a cursor with `rest` bytes of room. */
char *starch_put_raw_bytes(starch_out *out, char *p, size_t rest, const char *s, size_t len)
{
    p = starch_out_need(out, p, len + rest);
    if (out->err)
        return starch_out_reserve(out, rest);
    if (len) /* s may be NULL when len is 0 */
        memcpy(p, s, len);
    return p + len;
}

void starch_escape_html(starch_out *out, const char *s, size_t len)
{
    char *p = starch_put_html_bytes(out, starch_out_reserve(out, 0), 0, s, len);
    starch_out_commit(out, p);
}

/* A short C string in one pass, while the room already reserved surely holds it (room / 5
 * bytes) and for at most 16 bytes; the rest of a longer one through strlen and
 * starch_put_html_bytes, which copies runs of safe bytes in bulk. */
char *starch_put_html_cstr(starch_out *out, char *p, size_t rest, const char *s)
{
    if (s == NULL)
        return starch_out_need(out, p, rest);
    size_t room = out->err == 0 ? (size_t)(out->data + out->cap - p) : 0;
    size_t max = room > rest ? (room - rest) / HTML_MAX_GROWTH : 0;
    if (max > 16)
        max = 16;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < max; i++) {
        unsigned char k = html_cstr_class[u[i]];
        if (k == 0) {
            *p++ = (char)u[i];
        } else if (k == 6) {
            return p;
        } else {
            memcpy(p, html_entities[k].s, html_entities[k].n);
            p += html_entities[k].n;
        }
    }
    s += max;
    return starch_put_html_bytes(out, p, rest, s, strlen(s));
}

char *starch_put_html_str(starch_out *out, char *p, size_t rest, starch_str s)
{
    return starch_put_html_bytes(out, p, rest, s.ptr, s.len);
}

char *starch_put_html_trusted(starch_out *out, char *p, size_t rest, starch_html s)
{
    return starch_put_raw_bytes(out, p, rest, s.ptr, s.len);
}

char *starch_put_attr_trusted(starch_out *out, char *p, size_t rest, starch_html s)
{
    return starch_put_html_bytes(out, p, rest, s.ptr, s.len);
}

char *starch_put_html_chr(starch_out *out, char *p, size_t rest, char c)
{
    (void)out;
    (void)rest;
    return html_escape_to(p, &c, 1);
}

char *starch_put_raw_cstr(starch_out *out, char *p, size_t rest, const char *s)
{
    return s ? starch_put_raw_bytes(out, p, rest, s, strlen(s)) : starch_out_need(out, p, rest);
}

char *starch_put_raw_str(starch_out *out, char *p, size_t rest, starch_str s)
{
    return starch_put_raw_bytes(out, p, rest, s.ptr, s.len);
}

char *starch_put_raw_trusted(starch_out *out, char *p, size_t rest, starch_html s)
{
    return starch_put_raw_bytes(out, p, rest, s.ptr, s.len);
}

/* Sets out's error (the first one sticks). */
static void set_error(starch_out *out, int err)
{
    if (out->err == 0)
        out->err = err;
}

/* Formats into a stack buffer, or a heap one for long results; *heap is set when the
 * caller must free the result. Returns NULL (and sets out's error) on failure: STARCH_ENOMEM, or
 * STARCH_EINVAL when vsnprintf fails (a wide character, over INT_MAX bytes). */
static char *vformat(starch_out *out, char *small, size_t size, size_t *len, bool *heap,
                     const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, size, fmt, ap);
    *heap = false;
    if (n < 0) {
        set_error(out, STARCH_EINVAL);
        va_end(again);
        return NULL;
    }
    *len = (size_t)n;
    if ((size_t)n < size) {
        va_end(again);
        return small;
    }
    char *big = malloc((size_t)n + 1);
    if (big == NULL) {
        set_error(out, STARCH_ENOMEM);
        va_end(again);
        return NULL;
    }
    vsnprintf(big, (size_t)n + 1, fmt, again);
    va_end(again);
    *heap = true;
    return big;
}

/* Formats, then writes the result with `write`. */
static char *put_vfmt(starch_out *out, char *p, size_t rest, starch_put_bytes_fn write,
                      const char *fmt, va_list ap)
{
    char small[256];
    size_t len;
    bool heap;
    char *s = vformat(out, small, sizeof small, &len, &heap, fmt, ap);
    if (s == NULL)
        return starch_out_need(out, p, rest);
    p = write(out, p, rest, s, len);
    if (heap)
        free(s);
    return p;
}

char *starch_put_fmt(starch_out *out, char *p, size_t rest, starch_put_bytes_fn write,
                     const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    p = put_vfmt(out, p, rest, write, fmt, ap);
    va_end(ap);
    return p;
}

char *starch_put_html_fmt(starch_out *out, char *p, size_t rest, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    p = put_vfmt(out, p, rest, starch_put_html_bytes, fmt, ap);
    va_end(ap);
    return p;
}

char *starch_put_raw_fmt(starch_out *out, char *p, size_t rest, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    p = put_vfmt(out, p, rest, starch_put_raw_bytes, fmt, ap);
    va_end(ap);
    return p;
}
