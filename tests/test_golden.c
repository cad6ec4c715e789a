/*
 * tests/test_golden.c — the seed page's five programs: output views compared
 * byte for byte with traces/expected/, and the full views' key lines.
 */
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "tools/scenarios/scenario.h"

static trace TR;

static void run_scenario(const char *name)
{
    const ts_scenario *sc = ts_scenario_find(name);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    model_opts o = model_opts_default();
    o.python = sc->python;
    CU_ASSERT_EQUAL(ts_run_traced(&o, sc->main, NULL, &TR), 0);
}

static void check_golden(const char *name)
{
    const ts_scenario *sc = ts_scenario_find(name);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    char path[512];
    snprintf(path, sizeof path, "%s/traces/expected/%s", THREADSIM_SOURCE_DIR, sc->expected);
    size_t elen;
    char *expected = ts_read_file(path, &elen);
    CU_ASSERT_PTR_NOT_NULL_FATAL(expected);
    run_scenario(name);
    size_t olen;
    char *out = trace_output_text(&TR, &olen);
    CU_ASSERT_EQUAL(olen, elen);
    CU_ASSERT_EQUAL(memcmp(out, expected, olen < elen ? olen : elen), 0);
    if (olen != elen || memcmp(out, expected, olen) != 0)
        fprintf(stderr, "\n%s: output differs\n--- expected\n%s--- actual\n%s", name, expected,
                out);
    free(out);
    free(expected);
}

/* true if the full view has `needle`; prints the view when it does not */
static bool full_line(const char *needle)
{
    bool ok = ts_trace_has(&TR, needle);
    if (!ok) {
        char *full = ts_full(&TR);
        fprintf(stderr, "\nfull view lacks \"%s\":\n%s\n", needle, full);
        free(full);
    }
    return ok;
}

static void test_no_join(void)
{
    check_golden("daemon-join/no-join");
    /* the daemon is killed at exit, at t=0, in its 5 s sleep */
    CU_ASSERT_TRUE(full_line("0.000000000     16 daemon     killed   sleeping until 5.000000000\n"));
    trace_fini(&TR);
}

static void test_no_sleep(void)
{
    check_golden("daemon-join/no-sleep");
    CU_ASSERT_TRUE(full_line("daemon     exit     returned\n"));
    trace_fini(&TR);
}

static void test_join(void)
{
    check_golden("daemon-join/join");
    CU_ASSERT_TRUE(full_line("5.000000000     18 daemon     output   stderr \"(daemon   ) Exiting\\n\"\n"));
    trace_fini(&TR);
}

static void test_join_timeout_3(void)
{
    check_golden("daemon-join/join-timeout-3");
    /* the print happens at 3 s; the daemon is killed sleeping until 5 s */
    CU_ASSERT_TRUE(full_line("3.000000000     16 MainThread timeout  join Thread daemon\n"));
    CU_ASSERT_TRUE(full_line("3.000000000     17 MainThread output   stdout \"d.isAlive() True\\n\"\n"));
    CU_ASSERT_TRUE(full_line("3.000000000     19 daemon     killed   sleeping until 5.000000000\n"));
    trace_fini(&TR);
}

static void test_join_timeout_7(void)
{
    check_golden("daemon-join/join-timeout-7");
    /* the daemon exits at 5 s and its join's 7 s timeout is cancelled */
    CU_ASSERT_TRUE(full_line("5.000000000     20 daemon     exit     returned\n"));
    CU_ASSERT_TRUE(full_line("5.000000000     22 MainThread output   stdout \"d.isAlive() False\\n\"\n"));
    CU_ASSERT_EQUAL(TR.ev[TR.n - 1].time, 5000000000);
    trace_fini(&TR);
}

/* The CLI prints the same bytes (stdout and stderr merged in order). */
static void test_cli_output(void)
{
    int status = -1;
    char *out = ts_capture(THREADSIM_BINARY " run daemon-join/join-timeout-3 --no-db 2>&1", &status);
    CU_ASSERT_EQUAL(status, 0);
    char *expected =
        ts_read_file(THREADSIM_SOURCE_DIR "/traces/expected/daemon-join/join-timeout-3.out", NULL);
    TS_ASSERT_STR_EQ(out, expected);
    free(out);
    /* the page's Python 2 program, its dialect taken from its directive */
    out = ts_capture(THREADSIM_BINARY " run " THREADSIM_SOURCE_DIR
                     "/traces/py/daemon_join_join_timeout_3.py --no-db 2>&1", &status);
    CU_ASSERT_EQUAL(status, 0);
    TS_ASSERT_STR_EQ(out, expected);
    free(out);
    /* stdout alone holds only what print wrote */
    out = ts_capture(THREADSIM_BINARY " run daemon-join/join-timeout-3 --no-db 2>/dev/null", &status);
    TS_ASSERT_STR_EQ(out, "d.isAlive() True\n");
    free(out);
    free(expected);
}

static void test_cli_errors(void)
{
    int status = -1;
    char *out = ts_capture(THREADSIM_BINARY " run no/such 2>&1", &status);
    CU_ASSERT_EQUAL(status, 125);
    TS_ASSERT_STR_EQ(out, "threadsim: unknown scenario 'no/such' (see 'threadsim list')\n");
    free(out);
    out = ts_capture(THREADSIM_BINARY " frobnicate 2>&1", &status);
    CU_ASSERT_EQUAL(status, 125);
    free(out);
    out = ts_capture(THREADSIM_BINARY " run daemon-join/join --max-events abc --no-db 2>&1", &status);
    CU_ASSERT_EQUAL(status, 125);
    free(out);
    out = ts_capture(THREADSIM_BINARY " run daemon-join/join --max-events 5 --no-db 2>&1", &status);
    CU_ASSERT_EQUAL(status, 124);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "threadsim: run stopped: event limit reached"));
    free(out);
    out = ts_capture(THREADSIM_BINARY " list", &status);
    CU_ASSERT_EQUAL(status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "daemon-join/join-timeout-3"));
    free(out);
}

TS_TESTS("golden", TS_TEST(test_no_join), TS_TEST(test_no_sleep), TS_TEST(test_join),
         TS_TEST(test_join_timeout_3), TS_TEST(test_join_timeout_7), TS_TEST(test_cli_output),
         TS_TEST(test_cli_errors))
