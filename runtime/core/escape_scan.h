/* escape_scan.h — internal to libstarch and its tests: the two scanners of the HTML
 * escaper (escape.c), each exported so that one test binary checks both whatever the
 * build picks. Not installed. */
#ifndef STARCH_ESCAPE_SCAN_H
#define STARCH_ESCAPE_SCAN_H

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

#endif
