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
