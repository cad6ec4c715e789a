/*
 * tests/test_event.c — Event: set/clear/is_set, wait returning at once when
 * set, timeouts at exact virtual times, FIFO wake order, wait() returning
 * True when set() woke it even if clear() ran first, a waiter whose timeout
 * fired before set() returning False (both as in CPython 3.11), and the
 * OverflowError of a timeout too large.
 */
#include <math.h>

#include "model/event.h"
#include "test_sync.h"

static model_event *ev;

static void main_basics(void *arg)
{
    (void)arg;
    model_event *e = model_event_new();
    CU_ASSERT_STRING_EQUAL(e->hdr.what, "Event-1");
    CU_ASSERT_FALSE(model_event_is_set(e));
    CU_ASSERT_EQUAL(model_event_wait(e, 0), 0);
    CU_ASSERT_EQUAL(model_event_wait(e, -1), 0);
    CU_ASSERT_EQUAL(model_event_wait(e, NAN), 0);
    SYNC_EXPECT_ERROR(model_event_wait(e, 1e10), "OverflowError",
                      "timestamp out of range for platform time_t");
    model_event_set(e);
    CU_ASSERT_TRUE(model_event_is_set(e));
    CU_ASSERT_EQUAL(model_event_wait(e, MODEL_NO_TIMEOUT), 1);
    CU_ASSERT_EQUAL(model_event_wait(e, 0), 1);
    CU_ASSERT_EQUAL(model_event_wait(e, 1e10), 1);
    model_event_set(e); /* twice is fine */
    model_event_clear(e);
    CU_ASSERT_FALSE(model_event_is_set(e));
    CU_ASSERT_EQUAL(model_now_ns(), 0);
}

static void test_basics(void)
{
    CU_ASSERT_EQUAL(sync_run(main_basics, NULL), MODEL_EXIT_OK);
    CU_ASSERT_EQUAL(sync_count(SIM_EV_BLOCK, NULL), 0);
    trace_fini(&TR);
}

static void t_wait(void *arg)
{
    double timeout = arg ? *(double *)arg : MODEL_NO_TIMEOUT;
    sync_say("wait");
    int r = model_event_wait(ev, timeout);
    sync_say("wait returned %d, is_set %d", r, model_event_is_set(ev));
}

static void main_fifo(void *arg)
{
    (void)arg;
    static double t2 = 2;
    ev = model_event_new();
    model_thread *t[] = {sync_spawn("A", t_wait, NULL), sync_spawn("T", t_wait, &t2),
                         sync_spawn("B", t_wait, NULL), sync_spawn("C", t_wait, NULL)};
    model_sleep(3);
    model_event_set(ev);
    sync_say("set");
    for (int i = 0; i < 4; i++)
        model_thread_join(t[i], MODEL_NO_TIMEOUT);
}

static void test_timeout_and_fifo_wake(void)
{
    CU_ASSERT_EQUAL(sync_run(main_fifo, NULL), MODEL_EXIT_OK);
    sync_expect_output("0.000 A: wait\n0.000 T: wait\n0.000 B: wait\n0.000 C: wait\n"
                       "2.000 T: wait returned 0, is_set 0\n"
                       "3.000 MainThread: set\n"
                       "3.000 A: wait returned 1, is_set 1\n"
                       "3.000 B: wait returned 1, is_set 1\n"
                       "3.000 C: wait returned 1, is_set 1\n");
    CU_ASSERT_TRUE(
        sync_full_line("0.000000000", "T          block    event Event-1 until 2.000000000"));
    CU_ASSERT_TRUE(sync_full_line("2.000000000", "T          timeout  event Event-1"));
    CU_ASSERT_TRUE(sync_full_line("3.000000000", "MainThread wake     C (set)"));
    CU_ASSERT_EQUAL(sync_count(SIM_EV_WAKE, "set"), 3);
    trace_fini(&TR);
}

static void main_set_clear(void *arg)
{
    (void)arg;
    ev = model_event_new();
    model_thread *w = sync_spawn("W", t_wait, NULL);
    model_sleep(1);
    model_event_set(ev);
    model_event_clear(ev);
    model_thread_join(w, MODEL_NO_TIMEOUT);
}

static void test_set_then_clear_still_wakes_true(void)
{
    CU_ASSERT_EQUAL(sync_run(main_set_clear, NULL), MODEL_EXIT_OK);
    sync_expect_output("0.000 W: wait\n1.000 W: wait returned 1, is_set 0\n");
    trace_fini(&TR);
}

static void t_set_after_1ms(void *arg)
{
    (void)arg;
    model_sleep(0.001);
    model_event_set(ev);
    sync_say("set");
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
    ev = model_event_new();
    model_thread *t[] = {sync_spawn("A", t_wait, &t2ms), sync_spawn("R", t_set_after_1ms, NULL),
                         sync_spawn("S", t_spin, NULL)};
    for (int i = 0; i < 3; i++)
        model_thread_join(t[i], MODEL_NO_TIMEOUT);
}

static void test_timed_out_waiter_returns_false_though_set(void)
{
    model_opts o = model_opts_default();
    o.sim.switch_steps = 50;
    CU_ASSERT_EQUAL(sync_run_opts(&o, main_stale, NULL), MODEL_EXIT_OK);
    sync_expect_output("0.000 A: wait\n0.005 R: set\n0.005 A: wait returned 0, is_set 1\n");
    trace_fini(&TR);
}

TS_TESTS("event", TS_TEST(test_basics), TS_TEST(test_timeout_and_fifo_wake),
         TS_TEST(test_set_then_clear_still_wakes_true),
         TS_TEST(test_timed_out_waiter_returns_false_though_set))
