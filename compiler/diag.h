/* diag.h — compiler diagnostics: gcc-style "file:line:col: error: message", the source
 * line and a caret. Line and column are worked out only when a diagnostic is reported. */
#ifndef STARCHC_DIAG_H
#define STARCHC_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "starch.h"

/* A template source held in memory; text[len] is always NUL (the lexer's sentinel). */
typedef struct Source {
    char *path; /* as given by the caller; owned */
    char *text; /* owned */
    size_t len;
} Source;

/* Where one rendered diagnostic starts in Diag.out, and what it is sorted by: a note
 * takes the place of the error before it, so it stays after it. */
typedef struct DiagEntry {
    const char *path; /* NULL: a diagnostic with no location, sorted first */
    unsigned line, col;
    size_t start, end; /* its bytes in Diag.out (end: set when sorting) */
} DiagEntry;

/* The error context shared by every pass of one compilation. */
typedef struct Diag {
    starch_out *out; /* rendered diagnostics are appended here (NULL: only counted) */
    int n_errors;
    int max_errors;     /* reporting stops (silently) after this many; see DIAG_MAX_ERRORS */
    DiagEntry *entries; /* one per diagnostic in out, in the order reported; owned */
    size_t n_entries, cap_entries;
    bool unsortable; /* an entry could not be recorded: diag_finish leaves the order */
} Diag;

#define DIAG_MAX_ERRORS 50

/* Reports an error at byte offset off of src. src may be NULL (an error with no
 * location, e.g. an unreadable file): then only "starch: error: message" is written. */
void diag_error(Diag *d, const Source *src, size_t off, const char *fmt, ...) STARCH_PRINTF(4, 5);

/* Reports a note (context for the previous error), same layout, "note:" instead. */
void diag_note(Diag *d, const Source *src, size_t off, const char *fmt, ...) STARCH_PRINTF(4, 5);

/* Sorts the diagnostics in d->out by file, line and column, stably (a note stays after its
 * error; the passes report in the order they find), adds the "too many errors" line when
 * reporting stopped, and frees what d holds (not d->out). Call once, after the last. */
void diag_finish(Diag *d);

/* Line (1-based) and column (1-based, in UTF-8 code points) of offset off. */
void diag_line_col(const Source *src, size_t off, unsigned *line, unsigned *col);

#endif
