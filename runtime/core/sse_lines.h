/* sse_lines.h — internal to libstarch and its tests: copying the elements of a Datastar
 * patch-elements event into its data lines (sse.c). Each line break of the value (\n,
 * \r\n or \r) becomes SSE_LINES_BREAK, "\ndata: elements ": the end of one data line and
 * the prefix of the next, exactly 16 bytes, so that one 16-byte store writes it.
 *
 * The copy is one pass: each block of the value (32 bytes with SSE2, 8 in a uint64_t
 * elsewhere) is stored to the output whole, and only a block that holds a line break is
 * looked at byte by byte, the block stored again after each break where its remaining
 * bytes belong. Both scanners are exported so that one test binary checks each whatever
 * the build picks. Not installed. */
#ifndef STARCH_SSE_LINES_H
#define STARCH_SSE_LINES_H

#include <stdbool.h>
#include <stddef.h>

#include "escape_scan.h" /* STARCH_SCAN_OVERREAD */

/* What a line break becomes (no NUL: 16 bytes). */
#define SSE_LINES_BREAK     "\ndata: elements "
#define SSE_LINES_BREAK_LEN 16

/* Room a copy needs beyond its output, for whole-block stores, and the room a block of
 * 32 line breaks needs: see starch__sse_lines. */
#define SSE_LINES_SLACK 32
#define SSE_LINES_BLOCK (32 * SSE_LINES_BREAK_LEN + 16)

/* Copies s[0..end) to *d, each line break as SSE_LINES_BREAK, until the room up to d_end is
 * short; returns how far it got in s (end when done) and moves *d past what it wrote.
 *
 * The room: *d to d_end must hold at least (end - s) + SSE_LINES_SLACK bytes; then the copy
 * goes on while (end - s) + SSE_LINES_BLOCK bytes remain, and always makes progress when
 * that many were there at the start. It writes anywhere in *d..d_end, past its output too.
 *
 * *cr is the state across pieces of one value: true when the piece before ended in '\r'
 * (a '\n' at s is then the rest of that \r\n, and skipped); set when this one does. */
const char *starch__sse_lines_portable(char **d, const char *d_end, const char *s, const char *end,
                                       bool *cr);

#if defined(__SSE2__) && !defined(STARCH_NO_SSE2)
const char *starch__sse_lines_sse2(char **d, const char *d_end, const char *s, const char *end,
                                   bool *cr);
#define starch__sse_lines starch__sse_lines_sse2
#else
#define starch__sse_lines starch__sse_lines_portable
#endif

/* Writes s[0..end) at d, with each line break (\n, \r\n, \r) as SSE_LINES_BREAK and, with
 * escape, the bytes HTML escaping replaces (& < > " ') as their entities; returns the
 * output's end. d has room for 16 bytes per byte of s (it may write that far past its
 * output). Sets *cr when s ends in a '\r' (a '\n' right after it would be the rest of
 * that \r\n); a '\n' at s is written as a break (the caller skips it after a '\r'). The
 * lines writers of generated code (starch__sse_put_lines). Neither reads past end. */
char *starch__sse_lines_html_portable(char *d, const char *s, const char *end, bool escape,
                                      bool *cr);

#if defined(__SSE2__) && !defined(STARCH_NO_SSE2)
char *starch__sse_lines_html_sse2(char *d, const char *s, const char *end, bool escape, bool *cr);
#define starch__sse_lines_html starch__sse_lines_html_sse2
#else
#define starch__sse_lines_html starch__sse_lines_html_portable
#endif

/* The lines writers' out-of-line paths (sse.c; starch__sse_put_lines and _cstr in
 * starch_gen.h) in their two forms: the piece loop over starch__sse_lines_html (after a
 * strlen for a C string) and, where STARCH_SCAN_OVERREAD (escape_scan.h), the one pass
 * the exported ones use. */
struct starch_sse_stream;
struct starch_out;
char *starch__sse_put_lines_scan(struct starch_sse_stream *st, struct starch_out *out, char *p,
                                 size_t rest, const char *v, size_t n, bool escape);
char *starch__sse_put_lines_cstr_scan(struct starch_sse_stream *st, struct starch_out *out, char *p,
                                      size_t rest, const char *s);
#if STARCH_SCAN_OVERREAD
char *starch__sse_put_lines_blocks(struct starch_sse_stream *st, struct starch_out *out, char *p,
                                   size_t rest, const char *v, size_t n, bool escape);
char *starch__sse_put_lines_cstr_blocks(struct starch_sse_stream *st, struct starch_out *out,
                                        char *p, size_t rest, const char *s);
#endif

#endif
