/*
 * tests/test_lock.c — Lock and RLock: acquire/release/locked, timeouts at
 * exact virtual times, FIFO wake order, barging (the releaser takes the lock
 * back before the woken waiter runs; the waiter waits again at the back), a
 * release skipping a waiter whose timeout already fired, RLock ownership and
 * recursion, and every misuse error with CPython 3.11's message.
 */
#include <math.h>

#include "model/lock.h"
#include "test_sync.h"

/* ---- basics ------------------------------------------------------------ */

static void main_basics(void *arg)
{
    (void)arg;
    model_lock *l = model_lock_new();
    model_thread *me = model_current_thread();
    CU_ASSERT_FALSE(model_lock_locked(l));
    CU_ASSERT_PTR_NULL(l->hdr.holder(&l->hdr));
    CU_ASSERT_EQUAL(model_lock_acquire(l, true, MODEL_NO_TIMEOUT), 1);
    CU_ASSERT_TRUE(model_lock_locked(l));
    CU_ASSERT_PTR_EQUAL(l->hdr.holder(&l->hdr), me);
    /* non-blocking tries fail at once, with no scheduling point */
    CU_ASSERT_EQUAL(model_lock_acquire(l, false, MODEL_NO_TIMEOUT), 0);
    CU_ASSERT_EQUAL(model_lock_acquire(l, false, -1), 0);
    CU_ASSERT_EQUAL(model_lock_acquire(l, true, 0), 0);
    CU_ASSERT_EQUAL(model_lock_release(l), 0);
    CU_ASSERT_FALSE(model_lock_locked(l));
    CU_ASSERT_PTR_NULL(l->hdr.holder(&l->hdr));
    /* -1 is CPython's "no timeout" */
    CU_ASSERT_EQUAL(model_lock_acquire(l, true, -1), 1);
    CU_ASSERT_EQUAL(model_lock_release(l), 0);
    CU_ASSERT_EQUAL(model_lock_acquire(l, false, MODEL_NO_TIMEOUT), 1);
    CU_ASSERT_EQUAL(model_lock_release(l), 0);
    CU_ASSERT_STRING_EQUAL(l->hdr.what, "Lock-1");
    CU_ASSERT_STRING_EQUAL(model_rlock_new()->hdr.what, "RLock-1");
    CU_ASSERT_STRING_EQUAL(model_lock_new()->hdr.what, "Lock-2");
    CU_ASSERT_EQUAL(model_now_ns(), 0);
}

static void test_basics(void)
{
    CU_ASSERT_EQUAL(sync_run(main_basics, NULL), MODEL_EXIT_OK);
    CU_ASSERT_EQUAL(sync_count(SIM_EV_BLOCK, NULL), 0);
    trace_fini(&TR);
}

/* ---- misuse ------------------------------------------------------------ */

static model_lock *shared;

static void t_release_foreign_rlock(void *arg)
{
    (void)arg;
    SYNC_EXPECT_ERROR(model_lock_release(shared), "RuntimeError",
                      "cannot release un-acquired lock");
    CU_ASSERT_EQUAL(model_lock_count(shared), 2);
}

static void main_errors(void *arg)
{
    (void)arg;
    model_lock *l = model_lock_new();
    SYNC_EXPECT_ERROR(model_lock_release(l), "RuntimeError", "release unlocked lock");
    SYNC_EXPECT_ERROR(model_lock_acquire(l, false, 1), "ValueError",
                      "can't specify a timeout for a non-blocking call");
    SYNC_EXPECT_ERROR(model_lock_acquire(l, false, 0), "ValueError",
                      "can't specify a timeout for a non-blocking call");
    SYNC_EXPECT_ERROR(model_lock_acquire(l, false, NAN), "ValueError",
                      "Invalid value NaN (not a number)");
    SYNC_EXPECT_ERROR(model_lock_acquire(l, true, -2), "ValueError",
                      "timeout value must be positive");
    SYNC_EXPECT_ERROR(model_lock_acquire(l, true, -0.5), "ValueError",
                      "timeout value must be positive");
    SYNC_EXPECT_ERROR(model_lock_acquire(l, true, -1.0000000001), "ValueError",
                      "timeout value must be positive");
    SYNC_EXPECT_ERROR(model_lock_acquire(l, true, NAN), "ValueError",
                      "Invalid value NaN (not a number)");
    SYNC_EXPECT_ERROR(model_lock_acquire(l, true, 1e10), "OverflowError",
                      "timestamp out of range for platform time_t");
    SYNC_EXPECT_ERROR(model_lock_acquire(l, true, -INFINITY), "OverflowError",
                      "timestamp out of range for platform time_t");
    /* the largest timeout CPython takes, and -0.99999999999 (rounds to -1 s:
     * "no timeout"), acquire a free lock */
    CU_ASSERT_EQUAL(model_lock_acquire(l, true, 9223372036.8547), 1);
    model_lock_release(l);
    CU_ASSERT_EQUAL(model_lock_acquire(l, true, -0.99999999999), 1);
    model_lock_release(l);
    CU_ASSERT_FALSE(model_lock_locked(l));

    model_lock *r = model_rlock_new();
    SYNC_EXPECT_ERROR(model_lock_release(r), "RuntimeError", "cannot release un-acquired lock");
    SYNC_EXPECT_ERROR(model_lock_acquire(r, false, 1), "ValueError",
                      "can't specify a timeout for a non-blocking call");
    SYNC_EXPECT_ERROR(model_lock_acquire(r, true, -3), "ValueError",
                      "timeout value must be positive");
    CU_ASSERT_EQUAL(model_lock_acquire(r, true, MODEL_NO_TIMEOUT), 1);
    CU_ASSERT_EQUAL(model_lock_acquire(r, true, MODEL_NO_TIMEOUT), 1);
    shared = r;
    model_thread_join(sync_spawn("T", t_release_foreign_rlock, NULL), MODEL_NO_TIMEOUT);
    CU_ASSERT_EQUAL(model_lock_release(r), 0);
    CU_ASSERT_EQUAL(model_lock_release(r), 0);
    SYNC_EXPECT_ERROR(model_lock_release(r), "RuntimeError", "cannot release un-acquired lock");
    CU_ASSERT_FALSE(model_err_occurred());
}

static void test_misuse_errors(void)
{
    CU_ASSERT_EQUAL(sync_run(main_errors, NULL), MODEL_EXIT_OK);
    trace_fini(&TR);
}

/* An uncaught misuse error prints like CPython's excepthook. */
static void t_release_unlocked(void *arg)
{
    (void)arg;
    if (model_lock_release(shared) < 0)
        model_raise();
}

static void main_uncaught(void *arg)
{
    (void)arg;
    shared = model_lock_new();
    model_thread_join(sync_spawn("worker", t_release_unlocked, NULL), MODEL_NO_TIMEOUT);
    model_print("main goes on");
}

static void test_uncaught_error_prints_like_cpython(void)
{
    CU_ASSERT_EQUAL(sync_run(main_uncaught, NULL), MODEL_EXIT_OK);
    sync_expect_output("Exception in thread worker:\nRuntimeError: release unlocked lock\n"
                       "main goes on\n");
    trace_fini(&TR);
}

/* A Lock may be released by a thread that did not acquire it. */
static void t_release_other(void *arg)
{
    (void)arg;
    CU_ASSERT_EQUAL(model_lock_release(shared), 0);
}

static void main_release_by_other(void *arg)
{
    (void)arg;
    shared = model_lock_new();
    model_lock_acquire_forever(shared);
    model_thread_join(sync_spawn("T", t_release_other, NULL), MODEL_NO_TIMEOUT);
    CU_ASSERT_FALSE(model_lock_locked(shared));
    CU_ASSERT_PTR_NULL(model_lock_owner(shared));
}

static void test_lock_released_by_another_thread(void)
{
    CU_ASSERT_EQUAL(sync_run(main_release_by_other, NULL), MODEL_EXIT_OK);
    trace_fini(&TR);
}

/* ---- timeouts ---------------------------------------------------------- */

static void t_try_for(void *arg)
{
    double secs = *(double *)arg;
    sync_say("try for %g s", secs);
    int r = model_lock_acquire(shared, true, secs);
    sync_say("acquire returned %d", r);
}

static void main_timeout(void *arg)
{
    (void)arg;
    static double a = 1.5, b = 0.25e-9; /* a quarter nanosecond rounds up to 1 ns */
    shared = model_lock_new();
    model_lock_acquire_forever(shared);
    sync_spawn("T", t_try_for, &a);
    sync_spawn("U", t_try_for, &b);
    model_sleep(3);
    model_lock_release(shared);
}

static void test_timeout_at_exact_virtual_time(void)
{
    CU_ASSERT_EQUAL(sync_run(main_timeout, NULL), MODEL_EXIT_OK);
    sync_expect_output("0.000 T: try for 1.5 s\n"
                       "0.000 U: try for 2.5e-10 s\n"
                       "0.000000001 U: acquire returned 0\n"
                       "1.500 T: acquire returned 0\n");
    CU_ASSERT_TRUE(
        sync_full_line("0.000000000", "T          block    lock Lock-1 until 1.500000000"));
    CU_ASSERT_TRUE(sync_full_line("1.500000000", "T          timeout  lock Lock-1"));
    trace_fini(&TR);
}

/* ---- wake order -------------------------------------------------------- */

static void t_take_hold_1s(void *arg)
{
    (void)arg;
    sync_say("wait");
    model_lock_acquire_forever(shared);
    sync_say("got it");
    model_sleep(1);
    model_lock_release(shared);
}

static void main_fifo(void *arg)
{
    (void)arg;
    shared = model_lock_new();
    model_lock_acquire_forever(shared);
    model_thread *t[3] = {sync_spawn("A", t_take_hold_1s, NULL),
                          sync_spawn("B", t_take_hold_1s, NULL),
                          sync_spawn("C", t_take_hold_1s, NULL)};
    model_sleep(1);
    model_lock_release(shared);
    for (int i = 0; i < 3; i++)
        model_thread_join(t[i], MODEL_NO_TIMEOUT);
}

static void test_waiters_get_the_lock_in_fifo_order(void)
{
    CU_ASSERT_EQUAL(sync_run(main_fifo, NULL), MODEL_EXIT_OK);
    sync_expect_output("0.000 A: wait\n0.000 B: wait\n0.000 C: wait\n"
                       "1.000 A: got it\n2.000 B: got it\n3.000 C: got it\n");
    CU_ASSERT_TRUE(sync_full_line("1.000000000", "MainThread wake     A (release)"));
    CU_ASSERT_TRUE(sync_full_line("2.000000000", "A          wake     B (release)"));
    CU_ASSERT_TRUE(sync_full_line("3.000000000", "B          wake     C (release)"));
    trace_fini(&TR);
}

/* ---- barging ----------------------------------------------------------- */

static void t_wait_then_take(void *arg)
{
    (void)arg;
    sync_say("wait");
    model_lock_acquire_forever(shared);
    sync_say("got it");
    model_lock_release(shared);
}

static void main_barging(void *arg)
{
    (void)arg;
    shared = model_lock_new();
    model_lock_acquire_forever(shared);
    model_thread *w = sync_spawn("W", t_wait_then_take, NULL);
    model_sleep(1);
    model_lock_release(shared);                             /* wakes W ... */
    CU_ASSERT_EQUAL(model_lock_acquire_forever(shared), 1); /* ... but main takes it first */
    sync_say("took it back");
    model_sleep(1);
    model_lock_release(shared);
    model_thread_join(w, MODEL_NO_TIMEOUT);
}

static void test_releaser_barges_and_woken_waiter_waits_again(void)
{
    CU_ASSERT_EQUAL(sync_run(main_barging, NULL), MODEL_EXIT_OK);
    sync_expect_output("0.000 W: wait\n1.000 MainThread: took it back\n2.000 W: got it\n");
    /* W waited twice: at 0, and again at 1 after its wake-up found the lock taken */
    CU_ASSERT_EQUAL(sync_count(SIM_EV_BLOCK, "lock"), 2);
    CU_ASSERT_TRUE(sync_full_line("0.000000000", "W          block    lock Lock-1"));
    CU_ASSERT_TRUE(sync_full_line("1.000000000", "MainThread wake     W (release)"));
    CU_ASSERT_TRUE(sync_full_line("1.000000000", "W          block    lock Lock-1"));
    CU_ASSERT_TRUE(sync_full_line("2.000000000", "MainThread wake     W (release)"));
    trace_fini(&TR);
}

/* A thread that holds the lock through a sleep and re-acquires right after
 * releasing starves a waiter, as on CPython. */
static void t_hog(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++) {
        model_lock_acquire_forever(shared);
        sync_say("has it");
        model_sleep(1);
        model_lock_release(shared);
    }
}

static void main_hog(void *arg)
{
    (void)arg;
    shared = model_lock_new();
    model_thread *h = sync_spawn("H", t_hog, NULL);
    model_thread *w = sync_spawn("W", t_wait_then_take, NULL);
    model_thread_join(h, MODEL_NO_TIMEOUT);
    model_thread_join(w, MODEL_NO_TIMEOUT);
}

static void test_releasing_thread_reacquires_at_once(void)
{
    CU_ASSERT_EQUAL(sync_run(main_hog, NULL), MODEL_EXIT_OK);
    sync_expect_output("0.000 H: has it\n0.000 W: wait\n1.000 H: has it\n2.000 H: has it\n"
                       "3.000 W: got it\n");
    CU_ASSERT_EQUAL(sync_count(SIM_EV_BLOCK, "lock"), 3);
    trace_fini(&TR);
}

/* ---- a release skips a waiter whose timeout already fired --------------- */

static void t_try_2ms(void *arg)
{
    (void)arg;
    int r = model_lock_acquire(shared, true, 0.002);
    sync_say("acquire returned %d", r);
}

static void t_take(void *arg)
{
    (void)arg;
    int r = model_lock_acquire_forever(shared);
    sync_say("acquire returned %d", r);
    model_lock_release(shared);
}

static void t_release_after_1ms(void *arg)
{
    (void)arg;
    model_sleep(0.001);
    model_lock_release(shared);
    sync_say("released");
}

static void t_spin(void *arg)
{
    (void)arg;
    for (int i = 0; i < 60; i++)
        model_step();
}

static void main_skip(void *arg)
{
    (void)arg;
    shared = model_lock_new();
    model_lock_acquire_forever(shared);
    model_thread *a = sync_spawn("A", t_try_2ms, NULL);
    model_thread *b = sync_spawn("B", t_take, NULL);
    model_thread *r = sync_spawn("R", t_release_after_1ms, NULL);
    /* S runs 50 steps without blocking: 5 ms are charged at once and both
     * R's sleep (1 ms) and A's timeout (2 ms) fire: R runs first and
     * releases while A is ready but has not run. */
    model_thread *s = sync_spawn("S", t_spin, NULL);
    model_thread *all[] = {a, b, r, s};
    for (int i = 0; i < 4; i++)
        model_thread_join(all[i], MODEL_NO_TIMEOUT);
}

static void test_release_skips_timed_out_waiter(void)
{
    model_opts o = model_opts_default();
    o.sim.switch_steps = 50;
    CU_ASSERT_EQUAL(sync_run_opts(&o, main_skip, NULL), MODEL_EXIT_OK);
    sync_expect_output("0.005 R: released\n0.005 A: acquire returned 0\n"
                       "0.005 B: acquire returned 1\n");
    CU_ASSERT_TRUE(sync_full_line("0.005000000", "R          wake     B (release)"));
    CU_ASSERT_TRUE(sync_full_line("0.005000000", "A          timeout  lock Lock-1"));
    CU_ASSERT_TRUE(sync_full_lacks("wake     A (release)"));
    trace_fini(&TR);
}

/* ---- RLock ------------------------------------------------------------- */

static void t_rlock_contender(void *arg)
{
    (void)arg;
    CU_ASSERT_EQUAL(model_lock_acquire(shared, true, 0.5), 0);
    sync_say("timed out");
    CU_ASSERT_EQUAL(model_lock_acquire_forever(shared), 1);
    sync_say("got it, count %d", (int)model_lock_count(shared));
    CU_ASSERT_PTR_EQUAL(model_lock_owner(shared), model_current_thread());
    model_lock_release(shared);
}

static void main_rlock(void *arg)
{
    (void)arg;
    model_lock *r = shared = model_rlock_new();
    model_thread *me = model_current_thread();
    for (int i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(model_lock_acquire(r, true, MODEL_NO_TIMEOUT), 1);
    /* the owner re-enters even with a non-blocking call */
    CU_ASSERT_EQUAL(model_lock_acquire(r, false, MODEL_NO_TIMEOUT), 1);
    CU_ASSERT_EQUAL(model_lock_count(r), 4);
    CU_ASSERT_PTR_EQUAL(r->hdr.holder(&r->hdr), me);
    model_thread *t = sync_spawn("T", t_rlock_contender, NULL);
    model_sleep(1);
    for (int i = 0; i < 3; i++) {
        model_lock_release(r);
        sync_say("released, count %d", (int)model_lock_count(r));
    }
    model_lock_release(r); /* the last one wakes T */
    sync_say("released, count %d", (int)model_lock_count(r));
    model_thread_join(t, MODEL_NO_TIMEOUT);
    CU_ASSERT_PTR_NULL(r->hdr.holder(&r->hdr));
}

static void test_rlock_owner_and_recursion(void)
{
    CU_ASSERT_EQUAL(sync_run(main_rlock, NULL), MODEL_EXIT_OK);
    sync_expect_output("0.500 T: timed out\n"
                       "1.000 MainThread: released, count 3\n"
                       "1.000 MainThread: released, count 2\n"
                       "1.000 MainThread: released, count 1\n"
                       "1.000 MainThread: released, count 0\n"
                       "1.000 T: got it, count 1\n");
    CU_ASSERT_EQUAL(sync_count(SIM_EV_WAKE, "release"), 1);
    CU_ASSERT_TRUE(
        sync_full_line("0.000000000", "T          block    lock RLock-1 until 0.500000000"));
    trace_fini(&TR);
}

TS_TESTS("lock", TS_TEST(test_basics), TS_TEST(test_misuse_errors),
         TS_TEST(test_uncaught_error_prints_like_cpython),
         TS_TEST(test_lock_released_by_another_thread), TS_TEST(test_timeout_at_exact_virtual_time),
         TS_TEST(test_waiters_get_the_lock_in_fifo_order),
         TS_TEST(test_releaser_barges_and_woken_waiter_waits_again),
         TS_TEST(test_releasing_thread_reacquires_at_once),
         TS_TEST(test_release_skips_timed_out_waiter), TS_TEST(test_rlock_owner_and_recursion))
