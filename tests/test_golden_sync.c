/*
 * tests/test_golden_sync.c — the tutorial pages on Timer, Event, Lock, RLock,
 * `with`, Condition and Semaphore (pages 6-11 and 13): each scenario's output
 * view compared byte for byte with traces/expected/, its exit status, and
 * the full view's lines that carry the page's point (who waited on what,
 * when). The self-deadlock is also run through the CLI.
 */
#include <stdlib.h>
#include <string.h>

#include "test_sync.h"
#include "tools/scenarios/scenario.h"

/* Run scenario `name` (in its own dialect) and compare with its file. */
static void check_golden(const char *name, int status)
{
    const ts_scenario *sc = ts_scenario_find(name);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc->expected);
    char path[512];
    snprintf(path, sizeof path, "%s/traces/expected/%s", THREADSIM_SOURCE_DIR, sc->expected);
    size_t elen;
    char *expected = ts_read_file(path, &elen);
    CU_ASSERT_PTR_NOT_NULL_FATAL(expected);
    model_opts o = model_opts_default();
    o.python = sc->python;
    CU_ASSERT_EQUAL(sync_run_opts(&o, sc->main, NULL), status);
    size_t olen;
    char *out = trace_output_text(&TR, &olen);
    bool same = olen == elen && memcmp(out, expected, olen) == 0;
    CU_ASSERT_TRUE(same);
    if (!same)
        fprintf(stderr, "\n%s: output differs\n--- expected\n%s--- actual\n%s", name, expected,
                out);
    free(out);
    free(expected);
}

static void test_timer_hello(void)
{
    check_golden("timer/hello", MODEL_EXIT_OK);
    CU_ASSERT_TRUE(
        sync_full_line("0.000000000", "Thread-1   block    timer Timer-1 until 3.000000000"));
    CU_ASSERT_TRUE(sync_full_line("3.000000000", "Thread-1   output   stdout \"hello, Timer\\n\""));
    trace_fini(&TR);
}

static void test_timer_cancel(void)
{
    check_golden("timer/cancel", MODEL_EXIT_OK);
    /* cancel() at 2 s wakes t2, which ends without calling f; t1 fires at 5 */
    CU_ASSERT_TRUE(sync_full_line("2.000000000", "MainThread wake     t2 (set)"));
    CU_ASSERT_TRUE(sync_full_line("2.000000000", "t2         exit     returned"));
    CU_ASSERT_TRUE(sync_full_line("5.000000000", "t1         timeout  timer Timer-1"));
    trace_fini(&TR);
}

static void test_event_set_wait(void)
{
    check_golden("event/set-wait", MODEL_EXIT_OK);
    CU_ASSERT_TRUE(sync_full_line("2.000000000", "non-blocking timeout  event Event-1"));
    CU_ASSERT_TRUE(sync_full_line("3.000000000", "MainThread wake     blocking (set)"));
    CU_ASSERT_TRUE(sync_full_line("3.000000000", "MainThread wake     non-blocking (set)"));
    trace_fini(&TR);
}

static void test_lock_counter(void)
{
    check_golden("lock/counter", MODEL_EXIT_OK);
    /* random.seed(0)'s first draws: 0.8444218515250481, 0.7579544029403025 */
    CU_ASSERT_TRUE(sync_full_line(
        "0.757954403", "Thread-2   output   stderr \"(Thread-2 ) Waiting for a lock\\n\""));
    CU_ASSERT_EQUAL(sync_count(SIM_EV_BLOCK, "lock"), 0); /* never contended */
    trace_fini(&TR);
}

static void test_lock_nonblocking(void)
{
    check_golden("lock/nonblocking", MODEL_EXIT_OK);
    /* the worker's try at 1 s runs after the locker's release at 1 s */
    CU_ASSERT_TRUE(sync_full_line(
        "1.000000000", "Worker     output   stderr \"(Worker   ) Try #2 : Acquired\\n\""));
    CU_ASSERT_TRUE(sync_full_line("3.000000000", "Locker     killed   sleeping until 4.000000000"));
    trace_fini(&TR);
}

static void test_rlock_lock_nonblocking(void)
{
    check_golden("rlock/lock-nonblocking", MODEL_EXIT_OK);
    trace_fini(&TR);
}

static void test_rlock_lock_self_deadlock(void)
{
    check_golden("rlock/lock-self-deadlock", MODEL_EXIT_DEADLOCK);
    CU_ASSERT_TRUE(sync_full_has(
        "MainThread deadlock MainThread waits on lock (Lock-1), held by MainThread\n"));
    CU_ASSERT_TRUE(sync_full_has("deadlock cycle: MainThread -> MainThread\n"));
    trace_fini(&TR);
}

static void test_rlock_self_deadlock_cli(void)
{
    int status;
    char *out = ts_capture(THREADSIM_BINARY " run rlock/lock-self-deadlock --no-db 2>&1", &status);
    CU_ASSERT_EQUAL(status, 126);
    TS_ASSERT_STR_EQ(out, "First try : True\nSecond try:\n"
                          "threadsim: deadlock: MainThread waits on lock (Lock-1), held by "
                          "MainThread\n"
                          "threadsim: deadlock: cycle: MainThread -> MainThread\n");
    free(out);
}

static void test_rlock_rlock(void)
{
    check_golden("rlock/rlock", MODEL_EXIT_OK);
    trace_fini(&TR);
    /* Python 3 prints True for the re-entry */
    const ts_scenario *sc = ts_scenario_find("rlock/rlock");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    model_opts o = model_opts_default();
    o.python = 3;
    CU_ASSERT_EQUAL(sync_run_opts(&o, sc->main, NULL), MODEL_EXIT_OK);
    sync_expect_output("First try : True\nSecond try: True\n");
    trace_fini(&TR);
}

static void test_rlock_class(void)
{
    check_golden("rlock/class", MODEL_EXIT_OK);
    CU_ASSERT_EQUAL(sync_count(SIM_EV_BLOCK, NULL), 0);
    trace_fini(&TR);
}

static void test_with_lock(void)
{
    check_golden("with/lock", MODEL_EXIT_OK);
    trace_fini(&TR);
}

static void test_condition_producer_consumer(void)
{
    check_golden("condition/producer-consumer", MODEL_EXIT_OK);
    CU_ASSERT_TRUE(sync_full_line("0.000000000", "consumer1  block    condition Condition-1"));
    CU_ASSERT_TRUE(sync_full_line("4.000000000", "producer   wake     consumer1 (notify)"));
    CU_ASSERT_TRUE(sync_full_line("4.000000000", "producer   wake     consumer2 (notify)"));
    trace_fini(&TR);
}

static void test_semaphore_pool(void)
{
    check_golden("semaphore/pool", MODEL_EXIT_OK);
    CU_ASSERT_EQUAL(sync_count(SIM_EV_BLOCK, "semaphore"), 7);
    CU_ASSERT_TRUE(sync_full_line("0.500000000", "thread_0   wake     thread_3 (release)"));
    CU_ASSERT_TRUE(sync_full_line("1.500000000", "thread_6   wake     thread_9 (release)"));
    CU_ASSERT_EQUAL(sync_count(SIM_EV_BLOCK, "lock"), 0); /* the pool's Lock is never contended */
    trace_fini(&TR);
}

TS_TESTS("golden_sync", TS_TEST(test_timer_hello), TS_TEST(test_timer_cancel),
         TS_TEST(test_event_set_wait), TS_TEST(test_lock_counter), TS_TEST(test_lock_nonblocking),
         TS_TEST(test_rlock_lock_nonblocking), TS_TEST(test_rlock_lock_self_deadlock),
         TS_TEST(test_rlock_self_deadlock_cli), TS_TEST(test_rlock_rlock),
         TS_TEST(test_rlock_class), TS_TEST(test_with_lock),
         TS_TEST(test_condition_producer_consumer), TS_TEST(test_semaphore_pool))
