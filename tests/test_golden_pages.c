/*
 * tests/test_golden_pages.c — the tutorial pages 1, 2, 4, 5, 12 and 14 as
 * built-in scenarios: each output view compared byte for byte with its file
 * in traces/expected/, and the exit status (4 for the never-ending Queue
 * page, stopped by its own run limit). A few full-view facts check the
 * timing behind the outputs (see traces/expected/NOTES.md).
 */
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "tools/scenarios/scenario.h"

static trace TR;

static void check_golden(const char *name, int want_status)
{
    const ts_scenario *sc = ts_scenario_find(name);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc->expected);
    char path[512];
    snprintf(path, sizeof path, "%s/traces/expected/%s", THREADSIM_SOURCE_DIR, sc->expected);
    size_t elen = 0;
    char *expected = ts_read_file(path, &elen);
    CU_ASSERT_PTR_NOT_NULL_FATAL(expected);
    model_opts o = model_opts_default();
    o.python = sc->python;
    CU_ASSERT_EQUAL(ts_run_traced(&o, sc->main, NULL, &TR), want_status);
    size_t olen = 0;
    char *out = trace_output_text(&TR, &olen);
    bool same = olen == elen && memcmp(out, expected, olen) == 0;
    if (!same)
        fprintf(stderr, "\n%s: output differs\n--- expected\n%s--- actual\n%s", name, expected,
                out);
    CU_ASSERT_TRUE(same);
    free(out);
    free(expected);
}

/* The time of the first output event whose text contains `needle`, or -1. */
static int64_t output_time(const char *needle)
{
    for (size_t i = 0; i < TR.n; i++)
        if (TR.ev[i].kind == SIM_EV_OUTPUT && TR.ev[i].text && strstr(TR.ev[i].text, needle))
            return TR.ev[i].time;
    return -1;
}

static void test_create(void)
{
    check_golden("create/no-args", 0);
    trace_fini(&TR);
    check_golden("create/args", 0);
    trace_fini(&TR);
}

static void test_naming(void)
{
    check_golden("naming/print", 0);
    CU_ASSERT_EQUAL(output_time("f3 Exiting"), 3000000000);
    trace_fini(&TR);
    check_golden("naming/logging", 0);
    CU_ASSERT_EQUAL(output_time("(f2       ) Exiting"), 2000000000);
    trace_fini(&TR);
}

static void test_enumerate(void)
{
    check_golden("enumerate/random", 0);
    /* Thread-1 and Thread-2 both end at 7 s; main joins Thread-2 in between */
    CU_ASSERT_EQUAL(output_time("(Thread-1 ) ending"), 7000000000);
    CU_ASSERT_EQUAL(output_time("joining Thread-2"), 7000000000);
    CU_ASSERT_EQUAL(output_time("(Thread-2 ) ending"), 7000000000);
    trace_fini(&TR);
}

static void test_subclass(void)
{
    check_golden("subclass/noop", 0);
    CU_ASSERT_EQUAL(TR.ev[TR.n - 1].time, 0);
    trace_fini(&TR);
    check_golden("subclass/sleep", 0);
    CU_ASSERT_EQUAL(TR.ev[TR.n - 1].time, 15000000000); /* three 5 s sleeps in turn */
    trace_fini(&TR);
    check_golden("subclass/log", 0);
    trace_fini(&TR);
    check_golden("subclass/init-args", 0);
    trace_fini(&TR);
}

static void test_queue(void)
{
    check_golden("queue/producer-consumer", MODEL_EXIT_LIMIT);
    /* the queue fills up at 20.41 s and the producer spins on full() */
    bool spun = false;
    for (size_t i = 0; i < TR.n; i++)
        if (TR.ev[i].kind == SIM_EV_PREEMPT && TR.ev[i].time > 20000000000)
            spun = true;
    CU_ASSERT_TRUE(spun);
    CU_ASSERT_TRUE(output_time(": 10 items in queue") > 20000000000);
    trace_fini(&TR);
}

static void test_local(void)
{
    check_golden("local/value", 0);
    trace_fini(&TR);
    check_golden("local/subclass", 0);
    trace_fini(&TR);
}

/* The CLI writes the same bytes (stdout and stderr merged, in order). */
static void test_cli_matches(void)
{
    static const char *const names[] = {"naming/logging", "local/subclass", "subclass/sleep"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const ts_scenario *sc = ts_scenario_find(names[i]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
        char cmd[256], path[512];
        snprintf(cmd, sizeof cmd, THREADSIM_BINARY " run %s --no-db 2>&1", names[i]);
        snprintf(path, sizeof path, "%s/traces/expected/%s", THREADSIM_SOURCE_DIR, sc->expected);
        int status = -1;
        char *out = ts_capture(cmd, &status);
        char *expected = ts_read_file(path, NULL);
        CU_ASSERT_EQUAL(status, 0);
        TS_ASSERT_STR_EQ(out, expected);
        free(out);
        free(expected);
    }
}

TS_TESTS("golden_pages", TS_TEST(test_create), TS_TEST(test_naming), TS_TEST(test_enumerate),
         TS_TEST(test_subclass), TS_TEST(test_queue), TS_TEST(test_local),
         TS_TEST(test_cli_matches))
