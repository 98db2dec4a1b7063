/* leak_check_all.c — under AddressSanitizer, a LeakSanitizer check at the end of every
 * Criterion test, whatever its suite (linked into each Criterion executable of a build
 * with -Db_sanitize=address..., see tests/meson.build).
 *
 * Criterion runs each test in a worker process whose exit is not watched, so the usual
 * at-exit leak report fails nothing. The link option -Wl,--wrap= sends the call every
 * test makes to criterion_internal_test_teardown (criterion/internal/test.h) here first:
 * a leak prints LeakSanitizer's report and aborts the worker before the test has
 * reported its end, which fails the executable (as leak_check.h's per-suite .fini does).
 * Memory a suite's .fini frees is still reachable here, so it is no leak. */
#include <sanitizer/lsan_interface.h>
#include <stdio.h>
#include <stdlib.h>

void __real_criterion_internal_test_teardown(void);
void __wrap_criterion_internal_test_teardown(void);

void __wrap_criterion_internal_test_teardown(void)
{
    if (__lsan_do_recoverable_leak_check()) {
        fprintf(stderr, "leak_check_all: the test above leaked memory\n");
        abort();
    }
    __real_criterion_internal_test_teardown();
}
