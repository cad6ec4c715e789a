/*
 * tests/test_sema.c — Semaphore and BoundedSemaphore: counting, FIFO wake
 * order, release(n), timeouts at exact virtual times, barging, a release
 * notifying a waiter whose timeout already fired (it takes the count when it
 * runs, as in CPython), and the misuse errors with CPython 3.11's messages.
 */
#include <math.h>

#include "model/sema.h"
#include "test_sync.h"

static model_sema *sem;

/* ---- counting ---------------------------------------------------------- */

static void main_basics(void *arg)
{
    (void)arg;
    model_sema *s = model_sema_new(2);
    CU_ASSERT_STRING_EQUAL(s->hdr.what, "Semaphore-1");
    CU_ASSERT_EQUAL(model_sema_acquire(s, true, MODEL_NO_TIMEOUT), 1);
    CU_ASSERT_EQUAL(model_sema_acquire(s, true, MODEL_NO_TIMEOUT), 1);
    CU_ASSERT_EQUAL(model_sema_value(s), 0);
    CU_ASSERT_EQUAL(model_sema_acquire(s, false, MODEL_NO_TIMEOUT), 0);
    CU_ASSERT_EQUAL(model_sema_acquire(s, true, 0), 0);
    CU_ASSERT_EQUAL(model_sema_acquire(s, true, -1), 0); /* a negative timeout: no wait */
    CU_ASSERT_EQUAL(model_sema_release(s, 1), 0);
    CU_ASSERT_EQUAL(model_sema_release(s, 3), 0); /* unbounded: past the initial value */
    CU_ASSERT_EQUAL(model_sema_value(s), 4);
    model_sema *b = model_bounded_sema_new(0);
    CU_ASSERT_STRING_EQUAL(b->hdr.what, "BoundedSemaphore-1");
    CU_ASSERT_EQUAL(model_sema_value(b), 0);
    CU_ASSERT_EQUAL(model_now_ns(), 0);
}

static void test_counting(void)
{
    CU_ASSERT_EQUAL(sync_run(main_basics, NULL), MODEL_EXIT_OK);
    CU_ASSERT_EQUAL(sync_count(SIM_EV_BLOCK, NULL), 0);
    trace_fini(&TR);
}

/* ---- errors ------------------------------------------------------------ */

static void main_errors(void *arg)
{
    (void)arg;
    CU_ASSERT_PTR_NULL(model_sema_new(-1));
    SYNC_EXPECT_ERROR(-1, "ValueError", "semaphore initial value must be >= 0");
    CU_ASSERT_PTR_NULL(model_bounded_sema_new(-1));
    SYNC_EXPECT_ERROR(-1, "ValueError", "semaphore initial value must be >= 0");
    model_sema *s = model_sema_new(0);
    SYNC_EXPECT_ERROR(model_sema_acquire(s, false, 1), "ValueError",
                      "can't specify timeout for non-blocking acquire");
    SYNC_EXPECT_ERROR(model_sema_acquire(s, false, 0), "ValueError",
                      "can't specify timeout for non-blocking acquire");
    SYNC_EXPECT_ERROR(model_sema_release(s, 0), "ValueError", "n must be one or more");
    SYNC_EXPECT_ERROR(model_sema_release(s, -5), "ValueError", "n must be one or more");
    SYNC_EXPECT_ERROR(model_sema_acquire(s, true, 1e10), "OverflowError",
                      "timestamp out of range for platform time_t");
    model_sema_release(s, 1);
    /* no wait, so no overflow (as CPython) */
    CU_ASSERT_EQUAL(model_sema_acquire(s, true, 1e10), 1);

    model_sema *b = model_bounded_sema_new(1);
    SYNC_EXPECT_ERROR(model_sema_release(b, 1), "ValueError", "Semaphore released too many times");
    CU_ASSERT_EQUAL(model_sema_acquire(b, true, MODEL_NO_TIMEOUT), 1);
    SYNC_EXPECT_ERROR(model_sema_release(b, 2), "ValueError", "Semaphore released too many times");
    CU_ASSERT_EQUAL(model_sema_value(b), 0);
    CU_ASSERT_EQUAL(model_sema_release(b, 1), 0);
    SYNC_EXPECT_ERROR(model_sema_release(b, 0), "ValueError", "n must be one or more");
    CU_ASSERT_FALSE(model_err_occurred());
}

static void test_misuse_errors(void)
{
    CU_ASSERT_EQUAL(sync_run(main_errors, NULL), MODEL_EXIT_OK);
    trace_fini(&TR);
}

/* ---- wake order and timeouts -------------------------------------------- */

static void t_acquire(void *arg)
{
    double timeout = arg ? *(double *)arg : MODEL_NO_TIMEOUT;
    sync_say("wait");
    int r = model_sema_acquire(sem, true, timeout);
    sync_say("acquire returned %d", r);
}

static void main_fifo(void *arg)
{
    (void)arg;
    static double t15 = 1.5;
    sem = model_sema_new(0);
    model_thread *t[] = {sync_spawn("A", t_acquire, NULL), sync_spawn("B", t_acquire, NULL),
                         sync_spawn("C", t_acquire, NULL), sync_spawn("D", t_acquire, &t15)};
    model_sleep(1);
    model_sema_release(sem, 2);
    model_sleep(1);
    model_sema_release(sem, 1);
    for (int i = 0; i < 4; i++)
        model_thread_join(t[i], MODEL_NO_TIMEOUT);
    CU_ASSERT_EQUAL(model_sema_value(sem), 0);
}

static void test_fifo_release_n_and_timeout(void)
{
    CU_ASSERT_EQUAL(sync_run(main_fifo, NULL), MODEL_EXIT_OK);
    sync_expect_output("0.000 A: wait\n0.000 B: wait\n0.000 C: wait\n0.000 D: wait\n"
                       "1.000 A: acquire returned 1\n1.000 B: acquire returned 1\n"
                       "1.500 D: acquire returned 0\n2.000 C: acquire returned 1\n");
    CU_ASSERT_TRUE(sync_full_line("0.000000000",
                                  "D          block    semaphore Semaphore-1 until 1.500000000"));
    CU_ASSERT_TRUE(sync_full_line("1.500000000", "D          timeout  semaphore Semaphore-1"));
    CU_ASSERT_TRUE(sync_full_line("1.000000000", "MainThread wake     B (release)"));
    CU_ASSERT_EQUAL(sync_count(SIM_EV_WAKE, "release"), 3);
    trace_fini(&TR);
}

/* ---- barging ----------------------------------------------------------- */

static void main_barging(void *arg)
{
    (void)arg;
    sem = model_sema_new(1);
    model_sema_acquire(sem, true, MODEL_NO_TIMEOUT);
    model_thread *w = sync_spawn("W", t_acquire, NULL);
    model_sleep(1);
    model_sema_release(sem, 1);                                           /* notifies W ... */
    CU_ASSERT_EQUAL(model_sema_acquire(sem, false, MODEL_NO_TIMEOUT), 1); /* ... main takes it */
    sync_say("took it back");
    model_sleep(1);
    model_sema_release(sem, 1);
    model_thread_join(w, MODEL_NO_TIMEOUT);
}

static void test_barging(void)
{
    CU_ASSERT_EQUAL(sync_run(main_barging, NULL), MODEL_EXIT_OK);
    sync_expect_output("0.000 W: wait\n1.000 MainThread: took it back\n"
                       "2.000 W: acquire returned 1\n");
    CU_ASSERT_EQUAL(sync_count(SIM_EV_BLOCK, "semaphore"), 2);
    CU_ASSERT_TRUE(sync_full_line("1.000000000", "W          block    semaphore Semaphore-1"));
    trace_fini(&TR);
}

/* ---- a timed-out waiter still in the deque takes the count -------------- */

static void t_release_after_1ms(void *arg)
{
    (void)arg;
    model_sleep(0.001);
    model_sema_release(sem, 1);
    sync_say("released");
}

static void t_spin(void *arg)
{
    (void)arg;
    for (int i = 0; i < 60; i++)
        model_step();
}

static void main_stale(void *arg)
{
    (void)arg;
    static double t2ms = 0.002;
    sem = model_sema_new(0);
    model_thread *t[] = {sync_spawn("A", t_acquire, &t2ms), sync_spawn("B", t_acquire, NULL),
                         sync_spawn("R", t_release_after_1ms, NULL), sync_spawn("S", t_spin, NULL)};
    model_sleep(1);
    model_sema_release(sem, 1);
    for (int i = 0; i < 4; i++)
        model_thread_join(t[i], MODEL_NO_TIMEOUT);
}

static void test_timed_out_waiter_is_notified_and_takes_count(void)
{
    model_opts o = model_opts_default();
    o.sim.switch_steps = 50;
    CU_ASSERT_EQUAL(sync_run_opts(&o, main_stale, NULL), MODEL_EXIT_OK);
    /* R's release notifies A (first in the deque, its timeout fired in the
     * same switch interval): A finds the count and takes it; B waits on */
    sync_expect_output("0.000 A: wait\n0.000 B: wait\n0.005 R: released\n"
                       "0.005 A: acquire returned 1\n1.005 B: acquire returned 1\n");
    CU_ASSERT_EQUAL(sync_count(SIM_EV_WAKE, "release"), 1);
    trace_fini(&TR);
}

/* ---- a NaN timeout spins (CPython's loop never sees the time run out) ---- */

static void main_nan(void *arg)
{
    (void)arg;
    sem = model_sema_new(0);
    model_thread *r = sync_spawn("R", t_release_after_1ms, NULL);
    /* never blocks: each turn is a model step, so the switch interval (50
     * steps here) preempts it, charges 5 ms, and R gets to release */
    int got = model_sema_acquire(sem, true, NAN);
    sync_say("acquire(timeout=nan) returned %d", got);
    model_thread_join(r, MODEL_NO_TIMEOUT);
}

static void test_nan_timeout_spins_until_released(void)
{
    model_opts o = model_opts_default();
    o.sim.switch_steps = 50;
    CU_ASSERT_EQUAL(sync_run_opts(&o, main_nan, NULL), MODEL_EXIT_OK);
    sync_expect_output("0.005 R: released\n0.005 MainThread: acquire(timeout=nan) returned 1\n");
    CU_ASSERT_EQUAL(sync_count(SIM_EV_BLOCK, "semaphore"), 0);
    CU_ASSERT(sync_count(SIM_EV_PREEMPT, NULL) >= 1);
    trace_fini(&TR);
}

TS_TESTS("sema", TS_TEST(test_counting), TS_TEST(test_misuse_errors),
         TS_TEST(test_fifo_release_n_and_timeout), TS_TEST(test_barging),
         TS_TEST(test_timed_out_waiter_is_notified_and_takes_count),
         TS_TEST(test_nan_timeout_spins_until_released))
