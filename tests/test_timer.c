/*
 * tests/test_timer.c — Timer: fires after its interval on the virtual clock,
 * cancel() while waiting and before start(), two timers due at the same
 * instant fire in start order, default names like CPython's (plain
 * "Thread-N", shared numbering with other unnamed threads), and a Timer is a
 * Thread (join, is_alive, rename).
 */
#include "model/timer.h"
#include "test_sync.h"

static void fired(void *arg) { sync_say("fired with %s", (const char *)arg); }

static void main_fires(void *arg)
{
    (void)arg;
    model_timer *t = model_timer_new(1.5, fired, "x");
    CU_ASSERT_STRING_EQUAL(model_thread_name(&t->thread), "Thread-1");
    CU_ASSERT_FALSE(t->thread.daemon);
    model_thread_start(&t->thread);
    CU_ASSERT_TRUE(model_thread_is_alive(&t->thread));
    model_thread_join(&t->thread, MODEL_NO_TIMEOUT);
    sync_say("joined, alive %d", model_thread_is_alive(&t->thread));
}

static void test_fires_after_interval(void)
{
    CU_ASSERT_EQUAL(sync_run(main_fires, NULL), MODEL_EXIT_OK);
    sync_expect_output("1.500 Thread-1: fired with x\n1.500 MainThread: joined, alive 0\n");
    CU_ASSERT_TRUE(
        sync_full_line("0.000000000", "Thread-1   block    timer Timer-1 until 1.500000000"));
    CU_ASSERT_TRUE(sync_full_line("1.500000000", "Thread-1   timeout  timer Timer-1"));
    trace_fini(&TR);
}

static void main_cancel(void *arg)
{
    (void)arg;
    model_timer *t = model_timer_new(5, fired, "x");
    model_thread_set_name(&t->thread, "t2");
    model_thread_start(&t->thread);
    model_sleep(2);
    sync_say("before cancel alive %d", model_thread_is_alive(&t->thread));
    model_timer_cancel(t);
    sync_say("right after cancel alive %d", model_thread_is_alive(&t->thread));
    model_thread_join(&t->thread, MODEL_NO_TIMEOUT);
    sync_say("joined");
}

static void test_cancel_while_waiting(void)
{
    CU_ASSERT_EQUAL(sync_run(main_cancel, NULL), MODEL_EXIT_OK);
    sync_expect_output("2.000 MainThread: before cancel alive 1\n"
                       "2.000 MainThread: right after cancel alive 1\n"
                       "2.000 MainThread: joined\n");
    CU_ASSERT_TRUE(sync_full_line("2.000000000", "MainThread wake     t2 (set)"));
    CU_ASSERT_TRUE(sync_full_line("2.000000000", "t2         exit     returned"));
    trace_fini(&TR);
}

static void main_cancel_before_start(void *arg)
{
    (void)arg;
    model_timer *t = model_timer_new(5, fired, "x");
    model_timer_cancel(t);
    model_thread_start(&t->thread);
    model_thread_join(&t->thread, MODEL_NO_TIMEOUT);
    sync_say("done");
}

static void test_cancel_before_start(void)
{
    CU_ASSERT_EQUAL(sync_run(main_cancel_before_start, NULL), MODEL_EXIT_OK);
    sync_expect_output("0.000 MainThread: done\n");
    CU_ASSERT_EQUAL(sync_count(SIM_EV_BLOCK, "timer"), 0);
    trace_fini(&TR);
}

static void noop(void *arg) { (void)arg; }

static void main_ties_and_names(void *arg)
{
    (void)arg;
    model_thread *plain = model_thread_new(NULL, noop, NULL, "noop");
    model_timer *a = model_timer_new(1, fired, "a");
    model_timer *b = model_timer_new(1, fired, "b");
    model_timer *z = model_timer_new(0, fired, "zero");
    model_timer *n = model_timer_new(-1, fired, "negative");
    CU_ASSERT_STRING_EQUAL(model_thread_name(&a->thread), "Thread-2");
    CU_ASSERT_STRING_EQUAL(model_thread_name(&b->thread), "Thread-3");
    model_thread_start(plain);
    model_thread_start(&b->thread); /* b starts (and arms) first */
    model_thread_start(&a->thread);
    model_thread_start(&z->thread);
    model_thread_start(&n->thread);
    model_thread_join(&a->thread, MODEL_NO_TIMEOUT);
    model_thread_join(&b->thread, MODEL_NO_TIMEOUT);
}

static void test_same_instant_fires_in_start_order(void)
{
    CU_ASSERT_EQUAL(sync_run(main_ties_and_names, NULL), MODEL_EXIT_OK);
    sync_expect_output("0.000 Thread-4: fired with zero\n0.000 Thread-5: fired with negative\n"
                       "1.000 Thread-3: fired with b\n1.000 Thread-2: fired with a\n");
    CU_ASSERT_TRUE(sync_full_has("create   Thread-1 (noop)\n"));
    trace_fini(&TR);
}

static void test_python2_names(void)
{
    model_opts o = model_opts_default();
    o.python = 2;
    CU_ASSERT_EQUAL(sync_run_opts(&o, main_ties_and_names, NULL), MODEL_EXIT_OK);
    CU_ASSERT_TRUE(sync_full_has("create   Thread-1\n"));
    CU_ASSERT_TRUE(sync_full_has("create   Thread-2\n"));
    trace_fini(&TR);
}

TS_TESTS("timer", TS_TEST(test_fires_after_interval), TS_TEST(test_cancel_while_waiting),
         TS_TEST(test_cancel_before_start), TS_TEST(test_same_instant_fires_in_start_order),
         TS_TEST(test_python2_names))
