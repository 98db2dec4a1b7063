/* files.c — reading a whole file, for the command (main.c, fmt.c) and the default loader
 * of imports (imports.c). */
#include "files.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

char *starchc_read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return NULL;
    size_t cap = 8192, n = 0;
    char *buf = malloc(cap);
    errno = 0;
    while (buf) {
        n += fread(buf + n, 1, cap - n, fp);
        if (n < cap)
            break;
        char *bigger = realloc(buf, cap * 2);
        if (bigger == NULL) {
            free(buf);
            buf = NULL;
            errno = ENOMEM;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    int err = ferror(fp) ? (errno ? errno : EIO) : 0; /* EISDIR for a directory */
    fclose(fp);
    if (buf && err) {
        free(buf);
        errno = err;
        return NULL;
    }
    *len = n;
    return buf;
}
