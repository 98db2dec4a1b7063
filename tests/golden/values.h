/* values.h — the hostile values the ctx_* golden cases render in every context: markup,
 * attribute and script breakouts, URL schemes in the spellings browsers accept, template
 * literal and Datastar syntax, line terminators, invalid UTF-8, the empty string and NULL. */
#ifndef GOLDEN_VALUES_H
#define GOLDEN_VALUES_H

#include <stddef.h>

static const char *const golden_values[] = {
    "plain text",
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "' onmouseover='alert(1)",
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "\x01javascript:alert(1)",
    "java&#09;script:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://example.com/a b?c=d&e=f#g",
    "</script><script>alert(1)</script>",
    "</SCRIPT >",
    "</title></textarea><b>",
    "${alert(1)}`+alert(1)+`",
    "\\'; alert(1); //",
    "@post('/x') $count",
    "a\xe2\x80\xa8"
    "b\xe2\x80\xa9"
    "c",
    "bad \xff \xc0\x80 \xe2\x82 utf-8",
    "",
    NULL,
};

#define GOLDEN_N_VALUES (sizeof golden_values / sizeof golden_values[0])

#endif
