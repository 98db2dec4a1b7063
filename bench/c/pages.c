/* pages.c — the pages' names and numbers, shared by the engines and the check. */
#include <string.h>

#include "pages.h"

const char *const bench_page_names[BENCH_PAGE_COUNT] = {
    "big-table", "teams",      "shop", "sse-fragment", "big-table-for", "grid",
    "people",    "paragraphs", "form", "report",       "layout",
};

int bench_page_index(const char *name)
{
    for (int i = 0; i < BENCH_PAGE_COUNT; i++)
        if (strcmp(name, bench_page_names[i]) == 0)
            return i;
    return -1;
}
