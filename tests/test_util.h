/*
 * tests/test_util.h — helpers shared by the CUnit suites.
 *
 * Each suite file defines its tests and calls ts_test_main() with a table;
 * the executable exits non-zero if any assertion failed, so ctest sees it.
 */
#ifndef TS_TEST_UTIL_H
#define TS_TEST_UTIL_H

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "model/core.h"
#include "traces/trace.h"

typedef struct ts_test {
    const char *name;
    void (*fn)(void);
} ts_test;

/* Run the tests of one suite; returns the process exit status. */
int ts_test_main(const char *suite, const ts_test *tests, size_t n);
#define TS_TESTS(suite, ...)                                                                       \
    int main(void)                                                                                 \
    {                                                                                              \
        static const ts_test tests[] = {__VA_ARGS__};                                              \
        return ts_test_main(suite, tests, sizeof tests / sizeof tests[0]);                         \
    }
#define TS_TEST(fn) {#fn, fn}

/* The context backend the suite runs on: $THREADSIM_TEST_BACKEND (ctest
 * registers some suites once per backend), or NULL for the default. */
const char *ts_test_backend(void);

/* Run `main` under the model with options `o` (NULL: defaults), collecting
 * the trace into `tr` (initialised here). Returns the exit status. */
int ts_run_traced(const model_opts *o, void (*main)(void *), void *arg, trace *tr);
/* The output view / full view of a trace as a malloc'd string. */
char *ts_output(const trace *tr);
char *ts_full(const trace *tr);
/* Whether the full view of `tr` contains `needle`. */
bool ts_trace_has(const trace *tr, const char *needle);
/* Read a whole file (NULL if unreadable). */
char *ts_read_file(const char *path, size_t *len);
/* Run a shell command, capture its stdout (malloc'd) and exit status. */
char *ts_capture(const char *cmd, int *status);
/* Run the printf-formed shell command in folder `dir` (made if missing),
 * capturing its stdout, and its stderr too when `merge_stderr`. */
char *ts_shell_in_v(const char *dir, bool merge_stderr, int *status, const char *fmt, va_list ap);
/* Which of `threadsim`'s streams ts_threadsim_in captures: stdout (stderr
 * dropped), both, or stderr alone (stdout dropped). */
typedef enum { TS_STDOUT, TS_BOTH, TS_STDERR } ts_streams;
/* Run `threadsim ARGS` (the binary under test; ARGS printf-formed) in folder
 * `dir`, with `env` ("" or "VAR=x ") before it; the streams asked for. */
char *ts_threadsim_in(const char *dir, const char *env, ts_streams which, int *status,
                      const char *fmt, va_list ap);
/* The same with the arguments here. */
char *ts_threadsim(const char *dir, ts_streams which, int *status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* rm -rf `dir`; its exit status. */
int ts_remove_tree(const char *dir);
/* `s` with every address of a default repr (" at 0x" and hex digits) written
 * " at 0x..." (malloc'd): CPython's addresses, compared across runs. */
char *ts_mask_addresses(const char *s);

/* Assert two strings are equal, printing both on failure. */
#define TS_ASSERT_STR_EQ(actual, expected)                                                         \
    do {                                                                                           \
        const char *a__ = (actual), *e__ = (expected);                                             \
        bool ok__ = a__ && e__ && strcmp(a__, e__) == 0;                                           \
        if (!ok__)                                                                                 \
            fprintf(stderr, "\n%s:%d: strings differ\n--- expected\n%s\n--- actual\n%s\n",        \
                    __FILE__, __LINE__, e__ ? e__ : "(null)", a__ ? a__ : "(null)");               \
        CU_ASSERT_TRUE(ok__);                                                                      \
    } while (0)

#endif
