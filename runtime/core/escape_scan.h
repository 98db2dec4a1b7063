/* escape_scan.h — internal to libstarch and its tests: the two scanners of the HTML
 * escaper (escape.c) and of the JSON/JavaScript and URL escapers (json.c, escape_url.c,
 * byte_scan.h), each exported so that one test binary checks both whatever the build
 * picks. Not installed. */
#ifndef STARCH_ESCAPE_SCAN_H
#define STARCH_ESCAPE_SCAN_H

#include <stdbool.h>
#include <stddef.h>

/* The length of the prefix of s[0..len) that HTML escaping copies unchanged (the index of
 * the first & < > " ', or len). Reads nothing past s + len. */
size_t starch_html_scan_portable(const char *s, size_t len);

/* HTML-escapes s[0..len) at p (room for 5 * len bytes) with the portable scanner; returns
 * the cursor after it. */
char *starch_html_escape_portable(char *p, const char *s, size_t len);

#if defined(__SSE2__) && !defined(STARCH_NO_SSE2)
/* The same, 16 bytes at a time with SSE2 (what the escaper uses on x86-64). */
size_t starch_html_scan_sse2(const char *s, size_t len);
char *starch_html_escape_sse2(char *p, const char *s, size_t len);
#endif

/* STARCH_SCAN_OVERREAD: whether the out-of-line HTML writers read strings in whole 16-byte
 * blocks loaded at the string's own address, past its end (its NUL, or s + len) but never
 * across a 4096-byte boundary, so never into a page the string does not reach: with SSE2
 * and GNU C, and not under a sanitizer (which would report those bytes). */
#if defined(__SSE2__) && !defined(STARCH_NO_SSE2) && defined(__GNUC__)
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define STARCH_SCAN_OVERREAD 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||                         \
    __has_feature(memory_sanitizer) || __has_feature(hwaddress_sanitizer)
#define STARCH_SCAN_OVERREAD 0
#endif
#endif
#ifndef STARCH_SCAN_OVERREAD
#define STARCH_SCAN_OVERREAD 1
#endif
#else
#define STARCH_SCAN_OVERREAD 0
#endif

/* The out-of-line HTML writers of a C string (from any byte of it: where an inline writer
 * stopped) and of s[0..len), in their two forms: the scanning one (strlen, then the
 * escaper's scanner: where the writers cannot read past a string) and, where STARCH_SCAN_OVERREAD,
 * the one-pass block loop the exported writers use. Each writes at cursor p and returns a cursor
 * with `rest` bytes of room. */
struct starch_out;
char *starch__html_cstr_scan(struct starch_out *out, char *p, size_t rest, const char *s);
char *starch__html_bytes_scan(struct starch_out *out, char *p, size_t rest, const char *s,
                              size_t len);
#if STARCH_SCAN_OVERREAD
char *starch__html_cstr_blocks(struct starch_out *out, char *p, size_t rest, const char *s);
char *starch__html_bytes_blocks(struct starch_out *out, char *p, size_t rest, const char *s,
                                size_t len);
#endif

/* The length of the prefix of s[0..len) that starch_put_json_str copies unchanged under
 * flags (STARCH_JSON_*), found by the portable and (where built) the SSE2 scanner. */
size_t starch__json_scan_portable(const char *s, size_t len, unsigned flags);
/* The same for a URL attribute value (query false) or a query/fragment value (true). */
size_t starch__url_scan_portable(const char *s, size_t len, bool query);

/* The URL writers' loops (escape_url.c) one by one: write s[0..len) (len SIZE_MAX: the C
 * string s) normalised for a URL attribute (query false) or percent-encoded for a query
 * (true) at p, returning a cursor with `rest` bytes of room (as starch_put_url_part_bytes
 * and starch_put_url_query_bytes). */
struct starch_out;
char *starch__url_put_portable(struct starch_out *out, char *p, size_t rest, const char *s,
                               size_t len, bool query);

#if defined(__SSE2__) && !defined(STARCH_NO_SSE2)
char *starch__url_put_sse2(struct starch_out *out, char *p, size_t rest, const char *s, size_t len,
                           bool query);
size_t starch__json_scan_sse2(const char *s, size_t len, unsigned flags);
size_t starch__url_scan_sse2(const char *s, size_t len, bool query);
#endif

#endif
