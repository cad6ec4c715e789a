/*
 * tests/test_cond.c — Condition: wait/notify with the lock handed back,
 * timeouts at exact virtual times, FIFO notify order and notify(n), RLock
 * recursion saved across wait, wait_for with re-waits on one deadline, a
 * notify spent on a waiter whose timeout already fired (as in CPython), and
 * the misuse errors with CPython 3.11's messages.
 */
#include "model/cond.h"
#include "test_sync.h"

static model_cond *cv;

/* ---- wait and notify --------------------------------------------------- */

static void t_consumer(void *arg)
{
    (void)arg;
    model_cond_acquire(cv, true, MODEL_NO_TIMEOUT);
    sync_say("wait");
    int r = model_cond_wait(cv, MODEL_NO_TIMEOUT);
    sync_say("woken %d, owned %d", r, model_lock_owner(cv->lock) == model_current_thread());
    model_cond_release(cv);
}

static void main_notify(void *arg)
{
    (void)arg;
    cv = model_cond_new(NULL);
    CU_ASSERT_TRUE(cv->lock->reentrant);
    model_thread *c = sync_spawn("C", t_consumer, NULL);
    model_sleep(1);
    model_cond_acquire(cv, true, MODEL_NO_TIMEOUT);
    CU_ASSERT_EQUAL(model_cond_waiters(cv), 1);
    CU_ASSERT_EQUAL(model_cond_notify(cv, 1), 0);
    CU_ASSERT_EQUAL(model_cond_waiters(cv), 0);
    sync_say("notified");
    model_sleep(1); /* still holding the lock: C cannot return from wait yet */
    model_cond_release(cv);
    model_thread_join(c, MODEL_NO_TIMEOUT);
}

static void test_wait_notify_and_lock_handback(void)
{
    CU_ASSERT_EQUAL(sync_run(main_notify, NULL), MODEL_EXIT_OK);
    sync_expect_output("0.000 C: wait\n1.000 MainThread: notified\n2.000 C: woken 1, owned 1\n");
    CU_ASSERT_TRUE(sync_full_line("0.000000000", "C          block    condition Condition-1"));
    CU_ASSERT_TRUE(sync_full_line("1.000000000", "MainThread wake     C (notify)"));
    CU_ASSERT_TRUE(sync_full_line("1.000000000", "C          block    lock RLock-1"));
    CU_ASSERT_TRUE(sync_full_line("2.000000000", "MainThread wake     C (release)"));
    trace_fini(&TR);
}

/* ---- timeouts ---------------------------------------------------------- */

static void main_timeout(void *arg)
{
    (void)arg;
    cv = model_cond_new(model_lock_new());
    model_cond_acquire(cv, true, MODEL_NO_TIMEOUT);
    sync_say("wait(1.5) returned %d", model_cond_wait(cv, 1.5));
    sync_say("wait(0) returned %d", model_cond_wait(cv, 0));
    sync_say("wait(-1) returned %d", model_cond_wait(cv, -1));
    CU_ASSERT_TRUE(model_lock_locked(cv->lock));
    CU_ASSERT_EQUAL(model_cond_waiters(cv), 0);
    model_cond_release(cv);
}

static void test_wait_timeout_exact(void)
{
    CU_ASSERT_EQUAL(sync_run(main_timeout, NULL), MODEL_EXIT_OK);
    /* the first wait ends at 1.5 s; a timeout <= 0 does not block */
    sync_expect_output("1.500 MainThread: wait(1.5) returned 0\n"
                       "1.500 MainThread: wait(0) returned 0\n"
                       "1.500 MainThread: wait(-1) returned 0\n");
    CU_ASSERT_TRUE(sync_full_line("1.500000000", "MainThread timeout  condition Condition-1"));
    CU_ASSERT_EQUAL(sync_count(SIM_EV_BLOCK, NULL), 1);
    trace_fini(&TR);
}

/* ---- wake order -------------------------------------------------------- */

static void main_fifo(void *arg)
{
    (void)arg;
    cv = model_cond_new(NULL);
    model_thread *t[3] = {sync_spawn("A", t_consumer, NULL), sync_spawn("B", t_consumer, NULL),
                          sync_spawn("C", t_consumer, NULL)};
    model_sleep(1);
    model_cond_acquire(cv, true, MODEL_NO_TIMEOUT);
    CU_ASSERT_EQUAL(model_cond_notify(cv, 0), 0); /* n <= 0: nothing */
    CU_ASSERT_EQUAL(model_cond_notify(cv, -1), 0);
    CU_ASSERT_EQUAL(model_cond_waiters(cv), 3);
    model_cond_notify(cv, 2);
    CU_ASSERT_EQUAL(model_cond_waiters(cv), 1);
    model_cond_release(cv);
    model_sleep(1);
    model_cond_acquire(cv, true, MODEL_NO_TIMEOUT);
    model_cond_notify_all(cv);
    model_cond_release(cv);
    for (int i = 0; i < 3; i++)
        model_thread_join(t[i], MODEL_NO_TIMEOUT);
}

static void test_notify_wakes_in_fifo_order(void)
{
    CU_ASSERT_EQUAL(sync_run(main_fifo, NULL), MODEL_EXIT_OK);
    sync_expect_output("0.000 A: wait\n0.000 B: wait\n0.000 C: wait\n"
                       "1.000 A: woken 1, owned 1\n1.000 B: woken 1, owned 1\n"
                       "2.000 C: woken 1, owned 1\n");
    trace_fini(&TR);
}

/* ---- RLock recursion across wait ---------------------------------------- */

static void t_notifier(void *arg)
{
    (void)arg;
    model_sleep(1);
    model_cond_acquire(cv, true, MODEL_NO_TIMEOUT); /* free: wait released all levels */
    model_cond_notify(cv, 1);
    model_cond_release(cv);
}

static void main_recursion(void *arg)
{
    (void)arg;
    cv = model_cond_new(NULL);
    model_cond_acquire(cv, true, MODEL_NO_TIMEOUT);
    model_cond_acquire(cv, true, MODEL_NO_TIMEOUT);
    model_thread *n = sync_spawn("N", t_notifier, NULL);
    CU_ASSERT_EQUAL(model_cond_wait(cv, MODEL_NO_TIMEOUT), 1);
    CU_ASSERT_EQUAL(model_lock_count(cv->lock), 2);
    CU_ASSERT_PTR_EQUAL(model_lock_owner(cv->lock), model_current_thread());
    sync_say("back with count %d", (int)model_lock_count(cv->lock));
    model_cond_release(cv);
    model_cond_release(cv);
    model_thread_join(n, MODEL_NO_TIMEOUT);
}

static void test_rlock_recursion_saved_across_wait(void)
{
    CU_ASSERT_EQUAL(sync_run(main_recursion, NULL), MODEL_EXIT_OK);
    sync_expect_output("1.000 MainThread: back with count 2\n");
    trace_fini(&TR);
}

/* ---- errors ------------------------------------------------------------ */

static int pred_true(void *ud)
{
    (void)ud;
    return 1;
}

static int pred_false(void *ud)
{
    (void)ud;
    return 0;
}

static void t_notify_foreign(void *arg)
{
    model_cond *plain = arg;
    /* a plain Lock held by anyone counts as owned (CPython cannot tell) */
    CU_ASSERT_EQUAL(model_cond_notify(plain, 1), 0);
    SYNC_EXPECT_ERROR(model_cond_notify(cv, 1), "RuntimeError",
                      "cannot notify on un-acquired lock");
}

static void main_errors(void *arg)
{
    (void)arg;
    cv = model_cond_new(NULL);
    SYNC_EXPECT_ERROR(model_cond_wait(cv, MODEL_NO_TIMEOUT), "RuntimeError",
                      "cannot wait on un-acquired lock");
    SYNC_EXPECT_ERROR(model_cond_wait(cv, 0), "RuntimeError", "cannot wait on un-acquired lock");
    SYNC_EXPECT_ERROR(model_cond_notify(cv, 1), "RuntimeError",
                      "cannot notify on un-acquired lock");
    SYNC_EXPECT_ERROR(model_cond_notify_all(cv), "RuntimeError",
                      "cannot notify on un-acquired lock");
    SYNC_EXPECT_ERROR(model_cond_wait_for(cv, pred_false, NULL, MODEL_NO_TIMEOUT), "RuntimeError",
                      "cannot wait on un-acquired lock");
    /* a true predicate never waits, so the lock is not checked (as CPython) */
    CU_ASSERT_EQUAL(model_cond_wait_for(cv, pred_true, NULL, MODEL_NO_TIMEOUT), 1);
    SYNC_EXPECT_ERROR(model_cond_release(cv), "RuntimeError", "cannot release un-acquired lock");

    model_cond_acquire(cv, true, MODEL_NO_TIMEOUT);
    SYNC_EXPECT_ERROR(model_cond_wait(cv, 1e10), "OverflowError",
                      "timestamp out of range for platform time_t");
    CU_ASSERT_EQUAL(model_lock_count(cv->lock), 1);
    CU_ASSERT_EQUAL(model_cond_waiters(cv), 0);

    model_cond *plain = model_cond_new(model_lock_new());
    model_cond_acquire(plain, true, MODEL_NO_TIMEOUT);
    model_thread_join(sync_spawn("T", t_notify_foreign, plain), MODEL_NO_TIMEOUT);
    model_cond_release(plain);
    model_cond_release(cv);
    CU_ASSERT_FALSE(model_err_occurred());
    CU_ASSERT_EQUAL(model_now_ns(), 0);
}

static void test_misuse_errors(void)
{
    CU_ASSERT_EQUAL(sync_run(main_errors, NULL), MODEL_EXIT_OK);
    trace_fini(&TR);
}

/* ---- wait_for ---------------------------------------------------------- */

static int value;

static int pred_ge3(void *ud)
{
    (void)ud;
    return value >= 3;
}

static int pred_ge100(void *ud)
{
    (void)ud;
    return value >= 100;
}

static int pred_raises(void *ud)
{
    (void)ud;
    return model_err_set("ZeroDivisionError", "division by zero");
}

static void t_wait_for(void *arg)
{
    double timeout = *(double *)arg;
    model_cond_acquire(cv, true, MODEL_NO_TIMEOUT);
    int r = model_cond_wait_for(cv, timeout > 10 ? pred_ge3 : pred_ge100, NULL,
                                timeout > 10 ? MODEL_NO_TIMEOUT : timeout);
    sync_say("wait_for returned %d with value %d", r, value);
    model_cond_release(cv);
}

static void main_wait_for(void *arg)
{
    (void)arg;
    static double forever = 100, t25 = 2.5;
    value = 0;
    cv = model_cond_new(NULL);
    model_thread *w = sync_spawn("W", t_wait_for, &forever);
    model_thread *w2 = sync_spawn("W2", t_wait_for, &t25);
    for (int i = 0; i < 3; i++) {
        model_sleep(1);
        model_cond_acquire(cv, true, MODEL_NO_TIMEOUT);
        value++;
        model_cond_notify_all(cv);
        model_cond_release(cv);
    }
    model_thread_join(w, MODEL_NO_TIMEOUT);
    model_thread_join(w2, MODEL_NO_TIMEOUT);
    model_cond_acquire(cv, true, MODEL_NO_TIMEOUT);
    SYNC_EXPECT_ERROR(model_cond_wait_for(cv, pred_raises, NULL, MODEL_NO_TIMEOUT),
                      "ZeroDivisionError", "division by zero");
    CU_ASSERT_EQUAL(model_cond_wait_for(cv, pred_false, NULL, 0), 0);
    model_cond_release(cv);
}

static void test_wait_for_rewaits_on_one_deadline(void)
{
    CU_ASSERT_EQUAL(sync_run(main_wait_for, NULL), MODEL_EXIT_OK);
    /* W2 is woken at 1 and 2 with its predicate still false, waits again
     * with what is left, and gives up at exactly 2.5 */
    sync_expect_output("2.500 W2: wait_for returned 0 with value 2\n"
                       "3.000 W: wait_for returned 1 with value 3\n");
    CU_ASSERT_TRUE(sync_full_line("1.000000000",
                                  "W2         block    condition Condition-1 until 2.500000000"));
    CU_ASSERT_TRUE(sync_full_line("2.000000000",
                                  "W2         block    condition Condition-1 until 2.500000000"));
    CU_ASSERT_TRUE(sync_full_line("2.500000000", "W2         timeout  condition Condition-1"));
    CU_ASSERT_EQUAL(sync_count(SIM_EV_WAKE, "notify"), 5);
    trace_fini(&TR);
}

/* ---- a notify spent on a timed-out waiter ------------------------------- */

static void t_wait_2ms(void *arg)
{
    (void)arg;
    model_cond_acquire(cv, true, MODEL_NO_TIMEOUT);
    sync_say("wait returned %d", model_cond_wait(cv, 0.002));
    model_cond_release(cv);
}

static void t_wait_forever(void *arg)
{
    (void)arg;
    model_cond_acquire(cv, true, MODEL_NO_TIMEOUT);
    sync_say("wait returned %d", model_cond_wait(cv, MODEL_NO_TIMEOUT));
    model_cond_release(cv);
}

static void t_notify_after_1ms(void *arg)
{
    (void)arg;
    model_sleep(0.001);
    model_cond_acquire(cv, true, MODEL_NO_TIMEOUT);
    model_cond_notify(cv, 1);
    sync_say("notified one");
    model_cond_release(cv);
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
    cv = model_cond_new(NULL);
    model_thread *t[] = {sync_spawn("A", t_wait_2ms, NULL), sync_spawn("B", t_wait_forever, NULL),
                         sync_spawn("R", t_notify_after_1ms, NULL), sync_spawn("S", t_spin, NULL)};
    /* S's switch interval charges 5 ms: R's sleep and A's timeout both fire;
     * R notifies while A is ready but still in the deque */
    model_sleep(1);
    model_cond_acquire(cv, true, MODEL_NO_TIMEOUT);
    sync_say("waiters %u", model_cond_waiters(cv));
    model_cond_notify_all(cv);
    model_cond_release(cv);
    for (int i = 0; i < 4; i++)
        model_thread_join(t[i], MODEL_NO_TIMEOUT);
}

static void test_notify_spent_on_timed_out_waiter(void)
{
    model_opts o = model_opts_default();
    o.sim.switch_steps = 50;
    CU_ASSERT_EQUAL(sync_run_opts(&o, main_stale, NULL), MODEL_EXIT_OK);
    sync_expect_output("0.005 R: notified one\n0.005 A: wait returned 0\n"
                       "1.005 MainThread: waiters 1\n1.005 B: wait returned 1\n");
    CU_ASSERT_TRUE(sync_full_line("1.005000000", "MainThread wake     B (notify)"));
    CU_ASSERT_EQUAL(sync_count(SIM_EV_WAKE, "notify"), 1);
    trace_fini(&TR);
}

TS_TESTS("cond", TS_TEST(test_wait_notify_and_lock_handback), TS_TEST(test_wait_timeout_exact),
         TS_TEST(test_notify_wakes_in_fifo_order), TS_TEST(test_rlock_recursion_saved_across_wait),
         TS_TEST(test_misuse_errors), TS_TEST(test_wait_for_rewaits_on_one_deadline),
         TS_TEST(test_notify_spent_on_timed_out_waiter))
