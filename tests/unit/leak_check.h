/* leak_check.h — a LeakSanitizer check after every test of a suite.
 *
 * Criterion runs each test in a worker process that ends without running the usual
 * at-exit leak report, so under AddressSanitizer (the build-asan dir of scripts/run-tests)
 * each suite declares LEAK_CHECKED_SUITE(name): after each test, the worker asks
 * LeakSanitizer for unreachable memory; a leak prints the report (naming the test's
 * allocation stack) and fails the executable. Without ASan it does nothing. */
#ifndef LEAK_CHECK_H
#define LEAK_CHECK_H

#include <criterion/criterion.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#include <stdio.h>
#include <stdlib.h>

static void leak_check(void)
{
    if (__lsan_do_recoverable_leak_check()) {
        fprintf(stderr, "leak_check: the test above leaked memory\n");
        abort(); /* a crash in teardown fails the run; an exit would not */
    }
}
#else
static void leak_check(void) {}
#endif

#define LEAK_CHECKED_SUITE(name) TestSuite(name, .fini = leak_check)

#endif
