/*
 * tests/test_check_py.c — `threadsim check FILE.py|DIR`: the tutorial's
 * Python programs checked like scenarios, and the directive reader
 * (tools/pydirective.c) that check and test_py_corpus share.
 *
 * The check cases work on copies of corpus programs in a temporary
 * directory: one that passes (Python 3), one that needs its `python 2`
 * directive and its `exit 126` directive (a deadlock), one whose .out was changed (FAIL),
 * one whose `exit` directive is wrong (FAIL), one without its dialect
 * directive (FAIL: a syntax error in Python 3), a .py without a .out (left
 * out of a directory), then a directory argument with a JUnit report, and
 * the whole corpus from the source tree.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/asan.h"
#include "test_util.h"
#include "tools/pydirective.h"

static char *dir; /* the suite's temporary directory */

/* Run `threadsim ARGS` in `in` (NULL: dir); stdout and stderr captured. */
static char *ts(int *status, const char *in, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static char *ts(int *status, const char *in, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *out = ts_threadsim_in(in ? in : dir, "", TS_BOTH, status, fmt, ap);
    va_end(ap);
    return out;
}

/* Run a shell command in dir; asserts it succeeded. */
static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
    char c[2048], cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c, sizeof c, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "cd '%s' && %s", dir, c);
    int st = -1;
    free(ts_capture(cmd, &st));
    CU_ASSERT_EQUAL_FATAL(st, 0);
}

static void has(const char *s, const char *needle)
{
    bool ok = s && strstr(s, needle);
    if (!ok)
        fprintf(stderr, "\nexpected \"%s\" in:\n%s\n", needle, s ? s : "(null)");
    CU_ASSERT_TRUE(ok);
}

/* ---- the directive reader ------------------------------------------------- */

static void test_directives(void)
{
    ts_pydirectives d;
    char err[256];
    CU_ASSERT_EQUAL(ts_pydirectives_parse("print('x')\n", &d, err, sizeof err), 0);
    CU_ASSERT_EQUAL(d.python, 3);
    CU_ASSERT_EQUAL(d.exit_status, 0);
    TS_ASSERT_STR_EQ(d.options, "");
    TS_ASSERT_STR_EQ(d.scenario, "");

    const char *src = "# threadsim: scenario rlock/class (page 9d)\n"
                      "# threadsim: python 2\n"
                      "# threadsim: options --max-time 30  --max-events 9\n"
                      "# threadsim: exit 4\r\n"
                      "# threadsim: exit 1\n"            /* the first one wins */
                      "    # threadsim: python 3\n"      /* not at the line start */
                      "# threadsim: cpython-timeout 3\n" /* the oracle's */
                      "#threadsim: exit 7";
    CU_ASSERT_EQUAL(ts_pydirectives_parse(src, &d, err, sizeof err), 0);
    CU_ASSERT_EQUAL(d.python, 2);
    CU_ASSERT_EQUAL(d.exit_status, 4);
    TS_ASSERT_STR_EQ(d.scenario, "rlock/class");
    TS_ASSERT_STR_EQ(d.options, "--max-time 30  --max-events 9");

    char *argv[TS_PYDIR_MAX_ARGS];
    CU_ASSERT_EQUAL(ts_pydirectives_split(d.options, argv, TS_PYDIR_MAX_ARGS), 4);
    TS_ASSERT_STR_EQ(argv[0], "--max-time");
    TS_ASSERT_STR_EQ(argv[1], "30");
    TS_ASSERT_STR_EQ(argv[3], "9");
    char many[] = "a b c";
    CU_ASSERT_EQUAL(ts_pydirectives_split(many, argv, 2), -1);
    char none[] = "  ";
    CU_ASSERT_EQUAL(ts_pydirectives_split(none, argv, 2), 0);

    CU_ASSERT_EQUAL(ts_pydirectives_parse("# threadsim: python 4\n", &d, err, sizeof err), -1);
    has(err, "needs 2 or 3");
    CU_ASSERT_EQUAL(ts_pydirectives_parse("# threadsim: exit x\n", &d, err, sizeof err), -1);
    has(err, "needs a status");
    CU_ASSERT_EQUAL(ts_pydirectives_parse("# threadsim: exit 3 4\n", &d, err, sizeof err), -1);
    /* numbers are read one way (sim/num.h): digits only, range-checked */
    const char *bad_exit[] = {"+3", "-0", "0x3", "256", "99999999999999999999", " 3", "3.0"};
    for (size_t i = 0; i < sizeof bad_exit / sizeof bad_exit[0]; i++) {
        char src[64];
        snprintf(src, sizeof src, "# threadsim: exit %s\n", bad_exit[i]);
        CU_ASSERT_EQUAL(ts_pydirectives_parse(src, &d, err, sizeof err), -1);
    }
    CU_ASSERT_EQUAL(ts_pydirectives_parse("# threadsim: exit 255 \r\n", &d, err, sizeof err), 0);
    CU_ASSERT_EQUAL(d.exit_status, 255);
}

/* ---- threadsim check on programs ------------------------------------------ */

static void make_programs(void)
{
    const char *src = THREADSIM_SOURCE_DIR "/traces";
    sh("mkdir -p progs/lock progs/py2 progs/bad exit");
    /* passes: Python 3 */
    sh("cp '%s/py3/naming/print.py' '%s/py3/naming/print.out' progs/lock/", src, src);
    /* passes: Python 2 (directive) with exit status 126, a deadlock (directive) */
    sh("cp '%s/py/rlock/lock-self-deadlock.py' progs/py2/deadlock.py", src);
    sh("cp '%s/py/rlock/lock-self-deadlock.out' progs/py2/deadlock.out", src);
    /* fails: its .out was changed */
    sh("cp '%s/py3/naming/print.py' progs/bad/changed.py", src);
    sh("sed 's/f2 Starting/f2 Started/' '%s/py3/naming/print.out' > progs/bad/changed.out", src);
    /* no .out: not part of the directory */
    sh("cp '%s/py3/naming/print.py' progs/noout.py", src);
    /* fails: the exit directive is wrong */
    sh("sed 's/^# threadsim: exit 126$/# threadsim: exit 0/' progs/py2/deadlock.py"
       " > exit/wrong.py && cp progs/py2/deadlock.out exit/wrong.out");
    /* fails: without its dialect directive it is not Python 3 */
    sh("grep -v '^# threadsim: python 2$' progs/py2/deadlock.py > exit/nodialect.py"
       " && cp progs/py2/deadlock.out exit/nodialect.out");
}

static void test_check_programs(void)
{
    char tmpl[] = "/tmp/threadsim-checkpy-XXXXXX";
    dir = strdup(mkdtemp(tmpl));
    make_programs();
    int st;

    /* passing programs, one needing python 2 and exit 126 */
    char *out = ts(&st, NULL, "check progs/lock/print.py progs/py2/deadlock.py --no-db");
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(out, "ok     progs/lock/print.py\n"
                          "ok     progs/py2/deadlock.py\n"
                          "check: 2 programs, 2 ok, 0 failed, 0 could not be checked\n");
    free(out);

    /* a changed .out: FAIL with the diff, exit 1 */
    out = ts(&st, NULL, "check progs/bad/changed.py --no-db");
    CU_ASSERT_EQUAL(st, 1);
    has(out, "FAIL   progs/bad/changed.py\n");
    has(out, "-f2 Started\n+f2 Starting\n");
    has(out, "1 program, 0 ok, 1 failed");
    free(out);

    /* the exit directive is checked */
    out = ts(&st, NULL, "check exit/wrong.py --no-db");
    CU_ASSERT_EQUAL(st, 1);
    has(out, "FAIL   exit/wrong.py\nexit status 126, expected 0");
    free(out);

    /* the dialect directive is applied: without it, Python 3 rejects it */
    out = ts(&st, NULL, "check exit/nodialect.py --no-db");
    CU_ASSERT_EQUAL(st, 1);
    has(out, "+SyntaxError");
    has(out, "exit status 1, expected 126");
    free(out);
    /* ... and --python overrides it */
    out = ts(&st, NULL, "check exit/nodialect.py --no-db --python 2");
    CU_ASSERT_EQUAL(st, 0);
    free(out);

    /* a directory: its .py files with a .out, sorted; JUnit has them */
    out = ts(&st, NULL, "check progs --no-db --junit j.xml");
    CU_ASSERT_EQUAL(st, 1);
    has(out, "FAIL   progs/bad/changed.py\n");
    has(out, "ok     progs/lock/print.py\nok     progs/py2/deadlock.py\n"
             "check: 3 programs, 2 ok, 1 failed, 0 could not be checked\n");
    CU_ASSERT_PTR_NULL(strstr(out, "noout"));
    free(out);
    char path[1024];
    snprintf(path, sizeof path, "%s/j.xml", dir);
    char *xml = ts_read_file(path, NULL);
    has(xml, "tests=\"3\" failures=\"1\" errors=\"0\"");
    has(xml, "<testcase classname=\"threadsim.progs.bad\" name=\"progs/bad/changed.py\">\n"
             "      <failure type=\"difference\" message=\"output differs from "
             "progs/bad/changed.out: first difference at line 2\">");
    has(xml, "<testcase classname=\"threadsim.progs.py2\" name=\"progs/py2/deadlock.py\">\n"
             "    </testcase>\n");
    free(xml);

    /* scenarios and programs together; a program is recorded under its path */
    out = ts(&st, NULL, "check daemon-join/join progs/lock/print.py --db c.db");
    CU_ASSERT_EQUAL(st, 0);
    has(out, "check: 1 scenario, 1 program, 2 ok");
    free(out);
    out = ts(&st, NULL, "runs --db c.db");
    CU_ASSERT_EQUAL(st, 0);
    has(out, "progs/lock/print.py");
    has(out, "daemon-join/join");
    free(out);

    /* an explicit program without a .out cannot be checked; bad arguments */
    out = ts(&st, NULL, "check progs/noout.py --no-db");
    CU_ASSERT_EQUAL(st, 125);
    has(out, "ERROR  progs/noout.py: cannot read the expected output 'progs/noout.out'");
    free(out);
    out = ts(&st, NULL, "check nothere.py --no-db");
    CU_ASSERT_EQUAL(st, 125);
    has(out, "threadsim: check: no such program 'nothere.py'\n");
    free(out);
    out = ts(&st, NULL, "check exit/.. --no-db");
    CU_ASSERT_EQUAL(st, 1); /* the temporary directory holds the failing ones too */
    free(out);
    sh("mkdir -p empty");
    out = ts(&st, NULL, "check empty --no-db");
    CU_ASSERT_EQUAL(st, 125);
    has(out, "no .py program with a .out beside it below 'empty'");
    free(out);

    sh("rm -rf '%s'", dir);
    free(dir);
    dir = NULL;
}

#ifdef SIM_ASAN
#define MASK " --mask-addresses"
#else
#define MASK ""
#endif

/* The tutorial's programs, as `threadsim check --help` documents. */
static void test_check_corpus(void)
{
    int st;
    /* a sanitizer build gives objects other (still repeatable) addresses */
    char *out = ts(&st, THREADSIM_SOURCE_DIR, "check traces/py traces/py3 --no-db" MASK);
    CU_ASSERT_EQUAL(st, 0);
    has(out, "ok     traces/py/lock/counter.py\n");
    has(out, "ok     traces/py3/race/lost_update.py\n");
    has(out, "ok     traces/py/py3_daemon_join_join.py\n");
    has(out, " 0 failed, 0 could not be checked\n");
    free(out);
}

TS_TESTS("check_py", TS_TEST(test_directives), TS_TEST(test_check_programs),
         TS_TEST(test_check_corpus))
