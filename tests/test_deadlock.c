/*
 * tests/test_deadlock.c — the deadlock report with the synchronisation
 * primitives: a two-lock cycle, a self-deadlock on a Lock, a Condition
 * nobody notifies, a Semaphore nobody releases, a lock whose holder finished,
 * a blocked daemon marked in a report; and what is not a deadlock: a daemon
 * blocked forever at exit, a pending Timer, a sleeping thread that will set
 * an Event.
 */
#include "model/cond.h"
#include "model/event.h"
#include "model/lock.h"
#include "model/sema.h"
#include "model/timer.h"
#include "test_sync.h"

static model_lock *l1, *l2;

/* The report's lines, in order, each ending in '\n'. */
static void expect_report(const char *expected)
{
    sim_buf b = {0};
    for (size_t i = 0; i < TR.n; i++)
        if (TR.ev[i].kind == SIM_EV_DEADLOCK) {
            sim_buf_add(&b, TR.ev[i].text, TR.ev[i].len);
            sim_buf_addc(&b, '\n');
        }
    char *got = sim_buf_take(&b);
    TS_ASSERT_STR_EQ(got ? got : "", expected);
    free(got);
}

/* ---- cycles ------------------------------------------------------------ */

static void t_a(void *arg)
{
    (void)arg;
    model_lock_acquire_forever(l1);
    model_sleep(1);
    model_lock_acquire_forever(l2);
}

static void t_b(void *arg)
{
    (void)arg;
    model_lock_acquire_forever(l2);
    model_sleep(1);
    model_lock_acquire_forever(l1);
}

static void main_two_locks(void *arg)
{
    (void)arg;
    l1 = model_lock_new();
    l2 = model_lock_new();
    model_thread *a = sync_spawn("A", t_a, NULL);
    sync_spawn("B", t_b, NULL);
    model_thread_join(a, MODEL_NO_TIMEOUT);
    model_print("not reached");
}

static void test_two_lock_cycle(void)
{
    CU_ASSERT_EQUAL(sync_run(main_two_locks, NULL), MODEL_EXIT_DEADLOCK);
    expect_report("MainThread waits on join (Thread A), held by A\n"
                  "A waits on lock (Lock-2), held by B\n"
                  "B waits on lock (Lock-1), held by A\n"
                  "cycle: A -> B -> A\n");
    sync_expect_output("");
    /* reported at the instant it happened; then the threads are reclaimed */
    CU_ASSERT_TRUE(
        sync_full_line("1.000000000", "A          deadlock A waits on lock (Lock-2), held by B"));
    CU_ASSERT_TRUE(sync_full_line("1.000000000", "B          killed   waiting on lock Lock-1"));
    trace_fini(&TR);
}

static void main_self(void *arg)
{
    (void)arg;
    model_lock *l = model_lock_new();
    model_lock_acquire_forever(l);
    model_lock_acquire_forever(l);
}

static void test_self_deadlock_on_a_lock(void)
{
    CU_ASSERT_EQUAL(sync_run(main_self, NULL), MODEL_EXIT_DEADLOCK);
    expect_report("MainThread waits on lock (Lock-1), held by MainThread\n"
                  "cycle: MainThread -> MainThread\n");
    trace_fini(&TR);
}

/* ---- nobody will ever wake them ----------------------------------------- */

static model_cond *cv;

static void t_consumer(void *arg)
{
    (void)arg;
    model_cond_acquire(cv, true, MODEL_NO_TIMEOUT);
    model_cond_wait(cv, MODEL_NO_TIMEOUT);
    model_cond_release(cv);
}

static void main_condition(void *arg)
{
    (void)arg;
    cv = model_cond_new(NULL);
    sync_spawn("consumer", t_consumer, NULL);
    model_sleep(2);
}

static void test_condition_nobody_notifies(void)
{
    CU_ASSERT_EQUAL(sync_run(main_condition, NULL), MODEL_EXIT_DEADLOCK);
    /* main returned and waits at exit (threading._shutdown) for consumer */
    expect_report("MainThread waits on shutdown (Thread consumer), held by consumer\n"
                  "consumer waits on condition (Condition-1)\n");
    CU_ASSERT_TRUE(sync_full_line("2.000000000",
                                  "consumer   deadlock consumer waits on condition (Condition-1)"));
    trace_fini(&TR);
}

static void main_semaphore(void *arg)
{
    (void)arg;
    model_sema *s = model_sema_new(1);
    model_sema_acquire(s, true, MODEL_NO_TIMEOUT);
    model_sema_acquire(s, true, MODEL_NO_TIMEOUT);
}

static void test_semaphore_nobody_releases(void)
{
    CU_ASSERT_EQUAL(sync_run(main_semaphore, NULL), MODEL_EXIT_DEADLOCK);
    expect_report("MainThread waits on semaphore (Semaphore-1)\n");
    trace_fini(&TR);
}

static void t_take_and_leave(void *arg)
{
    (void)arg;
    model_lock_acquire_forever(l1);
}

static void t_daemon_waits(void *arg)
{
    (void)arg;
    model_lock_acquire_forever(l1);
}

static void main_holder_finished(void *arg)
{
    (void)arg;
    l1 = model_rlock_new();
    model_thread_join(sync_spawn("T", t_take_and_leave, NULL), MODEL_NO_TIMEOUT);
    model_thread *d = model_thread_new("D", t_daemon_waits, NULL, NULL);
    model_thread_set_daemon(d, true);
    model_thread_start(d);
    model_lock_acquire_forever(l1);
}

static void test_holder_finished_and_daemon_marked(void)
{
    CU_ASSERT_EQUAL(sync_run(main_holder_finished, NULL), MODEL_EXIT_DEADLOCK);
    expect_report("MainThread waits on lock (RLock-1), held by T, which has finished\n"
                  "D (daemon) waits on lock (RLock-1), held by T, which has finished\n");
    trace_fini(&TR);
}

/* ---- not deadlocks ----------------------------------------------------- */

static void main_daemon_blocked(void *arg)
{
    (void)arg;
    l1 = model_lock_new();
    model_lock_acquire_forever(l1);
    model_thread *d = model_thread_new("D", t_daemon_waits, NULL, NULL);
    model_thread_set_daemon(d, true);
    model_thread_start(d);
    model_sleep(1);
    model_print("main returns");
}

static void test_daemon_blocked_at_exit_is_not_a_deadlock(void)
{
    CU_ASSERT_EQUAL(sync_run(main_daemon_blocked, NULL), MODEL_EXIT_OK);
    sync_expect_output("main returns\n");
    CU_ASSERT_EQUAL(sync_count(SIM_EV_DEADLOCK, NULL), 0);
    CU_ASSERT_TRUE(sync_full_line("1.000000000", "D          killed   waiting on lock Lock-1"));
    trace_fini(&TR);
}

static void fire(void *arg)
{
    (void)arg;
    sync_say("timer fired");
}

static model_event *ev;

static void t_sleep_then_set(void *arg)
{
    (void)arg;
    model_sleep(50);
    model_event_set(ev);
}

static void main_pending(void *arg)
{
    (void)arg;
    /* everyone waits for something, but a Timer and a sleeper will wake */
    model_timer *t = model_timer_new(100, fire, NULL);
    model_thread_start(&t->thread);
    ev = model_event_new();
    model_thread *s = model_thread_new("S", t_sleep_then_set, NULL, NULL);
    model_thread_set_daemon(s, true);
    model_thread_start(s);
    model_event_wait(ev, MODEL_NO_TIMEOUT);
    sync_say("event set");
    model_thread_join(&t->thread, MODEL_NO_TIMEOUT);
}

static void test_pending_timer_or_sleeper_is_not_a_deadlock(void)
{
    CU_ASSERT_EQUAL(sync_run(main_pending, NULL), MODEL_EXIT_OK);
    sync_expect_output("50.000 MainThread: event set\n100.000 Thread-1: timer fired\n");
    CU_ASSERT_EQUAL(sync_count(SIM_EV_DEADLOCK, NULL), 0);
    trace_fini(&TR);
}

TS_TESTS("deadlock", TS_TEST(test_two_lock_cycle), TS_TEST(test_self_deadlock_on_a_lock),
         TS_TEST(test_condition_nobody_notifies), TS_TEST(test_semaphore_nobody_releases),
         TS_TEST(test_holder_finished_and_daemon_marked),
         TS_TEST(test_daemon_blocked_at_exit_is_not_a_deadlock),
         TS_TEST(test_pending_timer_or_sleeper_is_not_a_deadlock))
