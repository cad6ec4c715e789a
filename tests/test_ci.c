/*
 * tests/test_ci.c — the CI examples of docs/ci run here as they would in CI.
 *
 * github-actions.yml and gitlab-ci.yml each run one line that calls
 * docs/ci/threadsim-ci.sh; this suite takes that line out of both files,
 * checks it is the same in both, and runs it (with THREADSIM set to the
 * built binary, as the YAML files set it to the installed one) in a
 * temporary folder: the JUnit report and the database are made, every
 * trace matches the baseline, and a changed baseline fails with a diff.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"

#define SRC THREADSIM_SOURCE_DIR
#define BIN THREADSIM_BINARY

static char dir[64]; /* the suite's temporary directory, the commands' cwd */

static void setup(void)
{
    if (dir[0])
        return;
    snprintf(dir, sizeof dir, "/tmp/ts-ci-XXXXXX");
    if (!mkdtemp(dir))
        abort();
    /* the CI files name the script as docs/ci/..., from the checkout's top */
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ln -s '%s/docs' '%s/docs'", SRC, dir);
    int st;
    free(ts_capture(cmd, &st));
    if (st != 0)
        abort();
}

/* Run a shell command in `dir`; returns its stdout and stderr. */
static char *sh(int *status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *sh(int *status, const char *fmt, ...)
{
    setup();
    va_list ap;
    va_start(ap, fmt);
    const char *where = dir;
    char *out = ts_shell_in_v(where, true, status, fmt, ap);
    va_end(ap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    return out;
}

/* The line of a CI file that runs threadsim-ci.sh, without its YAML
 * ("run: " or "- "). */
static char *ci_line(const char *file)
{
    int st;
    char *out = sh(&st, "grep -v '^ *#' 'docs/ci/%s' | grep 'threadsim-ci.sh' | "
                        "sed -e 's/^ *run: *//' -e 's/^ *- *//'", file);
    CU_ASSERT_EQUAL(st, 0);
    char *nl = strchr(out, '\n');
    CU_ASSERT_PTR_NOT_NULL_FATAL(nl);
    CU_ASSERT_EQUAL(nl[1], '\0'); /* one such line */
    *nl = '\0';
    return out;
}

static char *command; /* the line both CI files run */

static void test_same_command_in_both(void)
{
    char *gh = ci_line("github-actions.yml");
    char *gl = ci_line("gitlab-ci.yml");
    TS_ASSERT_STR_EQ(gh, gl);
    CU_ASSERT_PTR_NOT_NULL(strstr(gh, "docs/ci/threadsim-ci.sh threadsim-ci"));
    command = gh;
    free(gl);
    /* both keep the database and the JUnit report */
    int st;
    char *out = sh(&st, "grep -c 'threadsim-ci/' docs/ci/github-actions.yml docs/ci/gitlab-ci.yml");
    CU_ASSERT_EQUAL(st, 0);
    free(out);
    out = sh(&st, "grep -q 'junit: threadsim-ci/junit.xml' docs/ci/gitlab-ci.yml && "
                  "grep -q 'threadsim-ci/threadsim.db' docs/ci/gitlab-ci.yml");
    CU_ASSERT_EQUAL(st, 0);
    free(out);
    /* and parse as YAML, where python3 has a YAML reader */
    out = sh(&st, "python3 -c 'import yaml' 2>/dev/null || exit 77; for f in docs/ci/*.yml; do "
                  "python3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' $f || exit 1; "
                  "done");
    CU_ASSERT(st == 0 || st == 77);
    free(out);
}

static void test_ci_commands_pass(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(command);
    int st;
    char *out = sh(&st, "THREADSIM='%s' %s", BIN, command);
    if (st != 0)
        fprintf(stderr, "\n%s: exit %d\n%s\n", command, st, out);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, " 0 failed, 0 could not be checked"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "threadsim-ci: all outputs and traces as expected"));
    CU_ASSERT_PTR_NULL(strstr(out, "new (no baseline)"));
    free(out);
    out = sh(&st, "grep -q '<testsuite' threadsim-ci/junit.xml && "
                  "'%s' runs --db threadsim-ci/threadsim.db --limit 1 | grep -q ' ok '", BIN);
    CU_ASSERT_EQUAL(st, 0);
    free(out);
    /* the traces are those of the baseline, file for file */
    out = sh(&st, "diff -r docs/ci/baseline threadsim-ci/traces");
    TS_ASSERT_STR_EQ(out, "");
    free(out);
}

/* A trace that differs from its baseline (one event's time changed) fails
 * the job with threadsim diff's diff; one missing from the run too. */
static void test_changed_baseline_fails(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(command);
    int st;
    char *out = sh(&st, "cp -R docs/ci/baseline changed && "
                        "sed -i '1s/^0\\.000000000/0.000000001/' changed/daemon-join/no-join.trace && "
                        "mkdir -p changed/gone && echo x > changed/gone/away.trace");
    CU_ASSERT_EQUAL_FATAL(st, 0);
    free(out);
    out = sh(&st, "THREADSIM='%s' BASELINE=changed %s", BIN, command);
    CU_ASSERT_EQUAL(st, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "threadsim-ci: daemon-join/no-join: the trace differs"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "+0.000000000"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "threadsim-ci: gone/away: in the baseline, but not run"));
    free(out);
}

static void test_cleanup(void)
{
    CU_ASSERT_EQUAL(ts_remove_tree(dir), 0);
    free(command);
}

TS_TESTS("ci", TS_TEST(test_same_command_in_both), TS_TEST(test_ci_commands_pass),
         TS_TEST(test_changed_baseline_fails), TS_TEST(test_cleanup))
