/*
 * tests/py_util.h — running Python source in the CUnit suites.
 */
#ifndef TS_PY_UTIL_H
#define TS_PY_UTIL_H

#include <stdbool.h>
#include "model/cpy/py.h"
#include "test_util.h"

#define PYT_SYNTAX 1  /* a syntax error: CPython reports it when the run starts, exit 1 (as python) */

/* Run `src` as file "t.py" in dialect `python` (2 or 3) with run options
 * `ro` (NULL: defaults, but a 20-million-step limit) and model options `mo`
 * (NULL: defaults). *out receives the output view (or, for a syntax error,
 * the report); *full, if not NULL, the full view. Returns the exit status or
 * PYT_SYNTAX. */
/* Whether this machine can reset a process in place (model/cpy/cpy_snap.h:
 * a build that supports it, on Linux 6.14 or later). */
bool pyt_can_reset(void);

int pyt_run_opts(const char *src, int python, const py_run_opts *ro, const model_opts *mo,
                 char **out, char **full);
static inline int pyt_run(const char *src, int python, char **out)
{
    return pyt_run_opts(src, python, NULL, NULL, out, NULL);
}
/* Assert that `src` prints exactly `expected` (stdout and stderr in order)
 * and exits with `status`. */
void pyt_expect(const char *src, int python, int status, const char *expected, const char *file,
                int line);
#define PYT_EXPECT(src, python, status, expected)                                                  \
    pyt_expect(src, python, status, expected, __FILE__, __LINE__)

#endif
