/*
 * tests/test_barrier.c — Barrier: arrival indices, the action run once by
 * the last arrival before anyone leaves, FIFO departure, reuse over rounds,
 * n_waiting, a timeout breaking the barrier for everyone, abort(), reset(),
 * a failing action, and BrokenBarrierError printed as CPython prints it.
 */
#include "model/barrier.h"
#include "test_sync.h"

static model_barrier *bar;

static int action(void *ud)
{
    (void)ud;
    sync_say("action");
    return 0;
}

static int failing_action(void *ud)
{
    (void)ud;
    return model_err_set("ZeroDivisionError", "division by zero");
}

/* Arrive after `delay` seconds, twice (two rounds). */
static void t_arrive(void *arg)
{
    double delay = *(double *)arg;
    for (int round = 0; round < 2; round++) {
        model_sleep(delay);
        int64_t i = model_barrier_wait(bar, MODEL_NO_TIMEOUT);
        if (i < 0) {
            sync_say("%s", model_err_type());
            model_err_clear();
            return;
        }
        sync_say("round %d index %d", round, (int)i);
    }
}

static void main_rounds(void *arg)
{
    (void)arg;
    static double d[3] = {0, 1, 2};
    bar = model_barrier_new(3, action, NULL, MODEL_NO_TIMEOUT);
    CU_ASSERT_EQUAL(model_barrier_parties(bar), 3);
    model_thread *t[3] = {sync_spawn("A", t_arrive, &d[0]), sync_spawn("B", t_arrive, &d[1]),
                          sync_spawn("C", t_arrive, &d[2])};
    model_sleep(1.5);
    CU_ASSERT_EQUAL(model_barrier_n_waiting(bar), 2);
    for (int i = 0; i < 3; i++)
        model_thread_join(t[i], MODEL_NO_TIMEOUT);
    CU_ASSERT_EQUAL(model_barrier_n_waiting(bar), 0);
    CU_ASSERT_FALSE(model_barrier_broken(bar));
}

static void test_indices_action_and_rounds(void)
{
    CU_ASSERT_EQUAL(sync_run(main_rounds, NULL), MODEL_EXIT_OK);
    /* round 0: A at 0, B at 1, C at 2; round 1: A at 2, B at 3, C at 4 */
    sync_expect_output("2.000 C: action\n2.000 C: round 0 index 2\n"
                       "2.000 A: round 0 index 0\n2.000 B: round 0 index 1\n"
                       "4.000 C: action\n4.000 C: round 1 index 2\n"
                       "4.000 A: round 1 index 0\n4.000 B: round 1 index 1\n");
    CU_ASSERT_TRUE(sync_full_line("0.000000000", "A          block    barrier Barrier-1"));
    trace_fini(&TR);
}

static void t_wait_once(void *arg)
{
    double timeout = arg ? *(double *)arg : MODEL_NO_TIMEOUT;
    int64_t i = model_barrier_wait(bar, timeout);
    if (i < 0) {
        sync_say("%s", model_err_type());
        model_err_clear();
    } else {
        sync_say("index %d", (int)i);
    }
}

static void main_timeout(void *arg)
{
    (void)arg;
    static double half = 0.5;
    bar = model_barrier_new(3, NULL, NULL, 1.0); /* default timeout 1 s */
    model_thread *a = sync_spawn("A", t_wait_once, NULL);
    model_sleep(0.25);
    model_thread *b = sync_spawn("B", t_wait_once, &half); /* its own timeout: 0.5 s */
    model_thread_join(a, MODEL_NO_TIMEOUT);
    model_thread_join(b, MODEL_NO_TIMEOUT);
    CU_ASSERT_TRUE(model_barrier_broken(bar));
    CU_ASSERT_EQUAL(model_barrier_n_waiting(bar), 0);
    model_sleep(1);
    t_wait_once(NULL); /* a broken barrier raises at once */
}

static void test_timeout_breaks_for_everyone(void)
{
    CU_ASSERT_EQUAL(sync_run(main_timeout, NULL), MODEL_EXIT_OK);
    /* B's own 0.5 s ends first, at 0.75: it breaks the barrier; A goes too */
    sync_expect_output("0.750 B: threading.BrokenBarrierError\n"
                       "0.750 A: threading.BrokenBarrierError\n"
                       "1.750 MainThread: threading.BrokenBarrierError\n");
    CU_ASSERT_TRUE(sync_full_line("0.750000000", "B          timeout  barrier Barrier-1"));
    CU_ASSERT_TRUE(sync_full_line("0.750000000", "B          wake     A (barrier broken)"));
    trace_fini(&TR);
}

static void main_abort_reset(void *arg)
{
    (void)arg;
    bar = model_barrier_new(2, NULL, NULL, MODEL_NO_TIMEOUT);
    model_thread *a = sync_spawn("A", t_wait_once, NULL);
    model_sleep(1);
    model_barrier_abort(bar);
    model_thread_join(a, MODEL_NO_TIMEOUT);
    CU_ASSERT_TRUE(model_barrier_broken(bar));
    model_barrier_reset(bar);
    CU_ASSERT_FALSE(model_barrier_broken(bar));
    /* reset while one waits: it gets BrokenBarrierError, then a full round works */
    model_thread *b = sync_spawn("B", t_wait_once, NULL);
    model_sleep(1);
    model_barrier_reset(bar);
    model_thread_join(b, MODEL_NO_TIMEOUT);
    model_thread *c = sync_spawn("C", t_wait_once, NULL);
    model_thread *d = sync_spawn("D", t_wait_once, NULL);
    model_thread_join(c, MODEL_NO_TIMEOUT);
    model_thread_join(d, MODEL_NO_TIMEOUT);
}

static void test_abort_and_reset(void)
{
    CU_ASSERT_EQUAL(sync_run(main_abort_reset, NULL), MODEL_EXIT_OK);
    sync_expect_output("1.000 A: threading.BrokenBarrierError\n"
                       "2.000 B: threading.BrokenBarrierError\n"
                       "2.000 D: index 1\n2.000 C: index 0\n");
    trace_fini(&TR);
}

static void main_failing_action(void *arg)
{
    (void)arg;
    bar = model_barrier_new(2, failing_action, NULL, MODEL_NO_TIMEOUT);
    model_thread *a = sync_spawn("A", t_wait_once, NULL);
    model_thread *b = sync_spawn("B", t_wait_once, NULL);
    model_thread_join(a, MODEL_NO_TIMEOUT);
    model_thread_join(b, MODEL_NO_TIMEOUT);
    CU_ASSERT_TRUE(model_barrier_broken(bar));
}

static void test_failing_action_breaks_the_barrier(void)
{
    CU_ASSERT_EQUAL(sync_run(main_failing_action, NULL), MODEL_EXIT_OK);
    sync_expect_output("0.000 B: ZeroDivisionError\n0.000 A: threading.BrokenBarrierError\n");
    trace_fini(&TR);
}

static void t_wait_raise(void *arg)
{
    (void)arg;
    if (model_barrier_wait(bar, MODEL_NO_TIMEOUT) < 0)
        model_raise();
}

static void main_uncaught(void *arg)
{
    (void)arg;
    bar = model_barrier_new(2, NULL, NULL, 0.5);
    model_thread_join(sync_spawn("A", t_wait_raise, NULL), MODEL_NO_TIMEOUT);
}

static void test_uncaught_prints_like_cpython(void)
{
    CU_ASSERT_EQUAL(sync_run(main_uncaught, NULL), MODEL_EXIT_OK);
    sync_expect_output("Exception in thread A:\nthreading.BrokenBarrierError\n");
    trace_fini(&TR);
}

TS_TESTS("barrier", TS_TEST(test_indices_action_and_rounds),
         TS_TEST(test_timeout_breaks_for_everyone), TS_TEST(test_abort_and_reset),
         TS_TEST(test_failing_action_breaks_the_barrier),
         TS_TEST(test_uncaught_prints_like_cpython))
