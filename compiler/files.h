/* files.h — reading a whole file. */
#ifndef STARCHC_FILES_H
#define STARCHC_FILES_H

#include <stddef.h>

/* The bytes of the file at path (malloc'd, the caller frees; not NUL-terminated) and
 * their count in *len; NULL with errno set (ENOENT, EISDIR, ENOMEM, ...) on failure. */
char *starchc_read_file(const char *path, size_t *len);

#endif
