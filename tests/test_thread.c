/*
 * tests/test_thread.c — threading.Thread in the model: lifecycle, names,
 * daemon flag, join with and without timeout, misuse errors with CPython's
 * messages, exceptions in threads and in main, daemon kill at exit.
 */
#include <stdlib.h>
#include <string.h>

#include "model/output.h"
#include "model/thread.h"
#include "sim/asan.h"
#include "test_util.h"

static trace TR;

static int run(void (*main)(void *), int python)
{
    model_opts o = model_opts_default();
    o.python = python;
    return ts_run_traced(&o, main, NULL, &TR);
}

static void expect_output(const char *expected)
{
    char *out = ts_output(&TR);
    TS_ASSERT_STR_EQ(out, expected);
    free(out);
}

static bool full_lacks(const char *needle) { return !ts_trace_has(&TR, needle); }

/* true if the full view has `needle`; prints the view when it does not */
static bool full_has(const char *needle)
{
    bool ok = ts_trace_has(&TR, needle);
    if (!ok) {
        char *full = ts_full(&TR);
        fprintf(stderr, "\nfull view lacks \"%s\":\n%s\n", needle, full);
        free(full);
    }
    return ok;
}

/* ---- misuse ------------------------------------------------------------ */

static void noop(void *arg) { (void)arg; }

static void expect_error(int rc, const char *type, const char *msg)
{
    CU_ASSERT_EQUAL(rc, -1);
    CU_ASSERT_TRUE(model_err_occurred());
    TS_ASSERT_STR_EQ(model_err_type(), type);
    TS_ASSERT_STR_EQ(model_err_message(), msg);
    model_err_clear();
    CU_ASSERT_FALSE(model_err_occurred());
}

static void main_misuse(void *arg)
{
    (void)arg;
    model_thread *t = model_thread_new(NULL, noop, NULL, "noop");
    expect_error(model_thread_join(t, MODEL_NO_TIMEOUT), "RuntimeError",
                 "cannot join thread before it is started");
    expect_error(model_thread_join(model_current_thread(), MODEL_NO_TIMEOUT), "RuntimeError",
                 "cannot join current thread");
    CU_ASSERT_EQUAL(model_thread_start(t), 0);
    expect_error(model_thread_start(t), "RuntimeError", "threads can only be started once");
    expect_error(model_thread_set_daemon(t, true), "RuntimeError",
                 "cannot set daemon status of active thread");
    expect_error(model_thread_set_daemon(model_main_thread(), true), "RuntimeError",
                 "cannot set daemon status of active thread");
    CU_ASSERT_EQUAL(model_thread_join(t, MODEL_NO_TIMEOUT), 0);
    CU_ASSERT_FALSE(model_err_occurred());
}

static void test_misuse_errors(void)
{
    CU_ASSERT_EQUAL(run(main_misuse, 3), MODEL_EXIT_OK);
    trace_fini(&TR);
}

/* ---- names, daemon, ident ---------------------------------------------- */

static void main_names(void *arg)
{
    (void)arg;
    model_thread *a = model_thread_new(NULL, noop, NULL, "worker");
    model_thread *b = model_thread_new("named", noop, NULL, "worker");
    model_thread *c = model_thread_new(NULL, noop, NULL, NULL);
    model_print("%s|%s|%s|%s", model_thread_name(model_current_thread()), model_thread_name(a),
                model_thread_name(b), model_thread_name(c));
    model_print("ident %ld %ld", model_thread_ident(model_main_thread()), model_thread_ident(a));
    model_thread_start(b);
    model_thread_start(a);
    model_print("ident %ld %ld", model_thread_ident(b), model_thread_ident(a));
    model_thread_set_name(a, "renamed");
    model_print("%s", model_thread_name(a));
}

static void test_default_names(void)
{
    run(main_names, 3);
    expect_output("MainThread|Thread-1 (worker)|named|Thread-2\nident 1 0\nident 2 3\nrenamed\n");
    CU_ASSERT_TRUE(full_has("rename renamed"));
    trace_fini(&TR);
    run(main_names, 2);
    expect_output("MainThread|Thread-1|named|Thread-2\nident 1 0\nident 2 3\nrenamed\n");
    trace_fini(&TR);
}

static bool child_daemon;
static void record_daemon(void *arg)
{
    (void)arg;
    model_thread *inner = model_thread_new(NULL, noop, NULL, NULL);
    child_daemon = inner->daemon;
}

static void main_daemon_inherit(void *arg)
{
    (void)arg;
    model_thread *d = model_thread_new(NULL, record_daemon, NULL, NULL);
    CU_ASSERT_FALSE(d->daemon); /* main is not a daemon */
    model_thread_set_daemon(d, true);
    model_thread_start(d);
    model_thread_join(d, MODEL_NO_TIMEOUT);
    CU_ASSERT_TRUE(child_daemon); /* created by a daemon: a daemon */
}

static void test_daemon_inherited(void)
{
    child_daemon = false;
    CU_ASSERT_EQUAL(run(main_daemon_inherit, 3), 0);
    CU_ASSERT_TRUE(child_daemon);
    trace_fini(&TR);
}

/* ---- join -------------------------------------------------------------- */

static void sleep2(void *arg)
{
    (void)arg;
    model_sleep(2.0);
}

static void main_join_forever(void *arg)
{
    (void)arg;
    model_thread *t = model_thread_new("s", sleep2, NULL, NULL);
    model_thread_start(t);
    CU_ASSERT_TRUE(model_thread_is_alive(t));
    model_thread_join(t, MODEL_NO_TIMEOUT);
    CU_ASSERT_FALSE(model_thread_is_alive(t));
    model_print("joined at %.9f", model_time_monotonic());
}

static void main_join_timeouts(void *arg)
{
    (void)arg;
    model_thread *t = model_thread_new("s", sleep2, NULL, NULL);
    model_thread_start(t);
    model_thread_join(t, 0.5);
    model_print("after 0.5: alive=%d t=%.9f", model_thread_is_alive(t), model_time_monotonic());
    model_thread_join(t, 0);     /* non-blocking: no time passes */
    model_thread_join(t, -1.0);  /* negative acts as 0, as in CPython */
    model_print("after 0: t=%.9f", model_time_monotonic());
    model_thread_join(t, 10.0);  /* ends early, at 2 s: the 10 s timer is cancelled */
    model_print("after 10: alive=%d t=%.9f", model_thread_is_alive(t), model_time_monotonic());
    model_thread_join(t, 10.0);  /* already finished: returns at once */
    model_print("again: t=%.9f", model_time_monotonic());
}

static void test_join(void)
{
    run(main_join_forever, 3);
    expect_output("joined at 2.000000000\n");
    trace_fini(&TR);

    run(main_join_timeouts, 3);
    expect_output("after 0.5: alive=1 t=0.500000000\nafter 0: t=0.500000000\n"
                  "after 10: alive=0 t=2.000000000\nagain: t=2.000000000\n");
    CU_ASSERT_TRUE(full_has("block    join Thread s until 0.500000000"));
    CU_ASSERT_TRUE(full_has("timeout  join Thread s"));
    CU_ASSERT_TRUE(full_has("block    join Thread s until 10.500000000"));
    /* the run ends at 2 s: the cancelled 10.5 s timeout never fired */
    CU_ASSERT_EQUAL(TR.ev[TR.n - 1].time, 2000000000);
    trace_fini(&TR);
}

static model_thread *target_t;
static void joiner(void *arg)
{
    (void)arg;
    model_thread_join(target_t, MODEL_NO_TIMEOUT);
    model_print("%s woke", model_thread_name(model_current_thread()));
}

static void main_many_joiners(void *arg)
{
    (void)arg;
    target_t = model_thread_new("target", sleep2, NULL, NULL);
    model_thread_start(target_t);
    const char *names[] = {"j1", "j2", "j3"};
    for (int i = 0; i < 3; i++)
        model_thread_start(model_thread_new(names[i], joiner, NULL, NULL));
}

static void test_joiners_woken_fifo(void)
{
    run(main_many_joiners, 3);
    expect_output("j1 woke\nj2 woke\nj3 woke\n");
    trace_fini(&TR);
}

/* ---- exit: daemons killed, non-daemons awaited --------------------------- */

static void long_sleep(void *arg)
{
    (void)arg;
    model_sleep(5);
    model_print("never printed");
}

static void short_sleep(void *arg)
{
    (void)arg;
    model_sleep(1);
    model_print("non-daemon done");
}

static void main_exit(void *arg)
{
    (void)arg;
    model_thread *d = model_thread_new("d", long_sleep, NULL, NULL);
    model_thread_set_daemon(d, true);
    model_thread_start(d);
    model_thread_start(model_thread_new("n", short_sleep, NULL, NULL));
    model_print("main done");
}

static void test_exit_waits_non_daemons_kills_daemons(void)
{
    CU_ASSERT_EQUAL(run(main_exit, 3), MODEL_EXIT_OK);
    expect_output("main done\nnon-daemon done\n");
    CU_ASSERT_TRUE(full_has("MainThread block    shutdown Thread n"));
    CU_ASSERT_TRUE(full_has("1.000000000     "));
    CU_ASSERT_TRUE(full_has("d          killed   sleeping until 5.000000000"));
    trace_fini(&TR);
}

/* ---- exceptions -------------------------------------------------------- */

static void raiser(void *arg)
{
    (void)arg;
    model_err_set("ValueError", "bad thing");
    model_raise();
}

static void main_thread_exception(void *arg)
{
    (void)arg;
    model_thread *t = model_thread_new(NULL, raiser, NULL, "raiser");
    model_thread_start(t);
    model_thread_join(t, MODEL_NO_TIMEOUT);
    model_print("main goes on, alive=%d", model_thread_is_alive(t));
}

static void test_exception_in_thread(void)
{
    CU_ASSERT_EQUAL(run(main_thread_exception, 3), MODEL_EXIT_OK);
    expect_output("Exception in thread Thread-1 (raiser):\nValueError: bad thing\n"
                  "main goes on, alive=0\n");
    CU_ASSERT_TRUE(full_has("error    ValueError: bad thing"));
    CU_ASSERT_TRUE(full_has("exit     exception"));
    trace_fini(&TR);
}

static void main_raises_after_start(void *arg)
{
    (void)arg;
    model_thread_start(model_thread_new("n", short_sleep, NULL, NULL));
    model_thread *t = model_thread_new(NULL, noop, NULL, NULL);
    model_thread_start(t);
    if (model_thread_start(t) < 0)
        model_raise();
    model_print("not reached");
}

static void test_exception_in_main(void)
{
    /* Traceback printed at once; shutdown still waits for the non-daemon
     * thread; exit status 1 as in CPython. */
    CU_ASSERT_EQUAL(run(main_raises_after_start, 3), MODEL_EXIT_ERROR);
    expect_output("RuntimeError: threads can only be started once\nnon-daemon done\n");
    trace_fini(&TR);
}

/* ---- deadlock ---------------------------------------------------------- */

static model_thread *peer;
static void join_peer(void *arg)
{
    (void)arg;
    model_thread_join(peer, MODEL_NO_TIMEOUT);
}

static void main_join_cycle(void *arg)
{
    (void)arg;
    peer = model_current_thread();
    model_thread *t = model_thread_new("t", join_peer, NULL, NULL);
    model_thread_start(t);
    model_thread_join(t, MODEL_NO_TIMEOUT);
}

static void test_join_cycle_is_a_deadlock(void)
{
    CU_ASSERT_EQUAL(run(main_join_cycle, 3), MODEL_EXIT_DEADLOCK);
    CU_ASSERT_TRUE(full_has("deadlock MainThread waits on join (Thread t), held by t"));
    CU_ASSERT_TRUE(full_has("deadlock t waits on join (Thread MainThread), held by MainThread"));
    CU_ASSERT_TRUE(full_has("cycle: MainThread -> t -> MainThread"));
    trace_fini(&TR);
}

static void daemon_forever(void *arg)
{
    (void)arg;
    model_thread_join(model_main_thread(), MODEL_NO_TIMEOUT);
}

static void main_daemon_blocked(void *arg)
{
    (void)arg;
    model_thread *d = model_thread_new("d", daemon_forever, NULL, NULL);
    model_thread_set_daemon(d, true);
    model_thread_start(d);
    model_sleep(1);
}

static void test_blocked_daemon_at_exit_is_not_deadlock(void)
{
    CU_ASSERT_EQUAL(run(main_daemon_blocked, 3), MODEL_EXIT_OK);
    CU_ASSERT_TRUE(full_lacks(" deadlock "));
    trace_fini(&TR);
}

/* Out of stacks is Python's error, not an abort: with mprotect guards (two
 * mappings per stack, as on a kernel without MADV_GUARD_INSTALL) threads are
 * started until the kernel's vm.max_map_count runs out; that start raises
 * RuntimeError "can't start new thread" and leaves the thread unstarted, and
 * the run goes on: the threads already started finish and are joined. */
static int nstarted;
static void waits_a_bit(void *arg)
{
    (void)arg;
    model_sleep(1);
}

static void main_out_of_stacks(void *arg)
{
    (void)arg;
    model_sched()->stacks.guard = SIM_GUARD_MPROTECT;
    model_thread *t;
    for (nstarted = 0; nstarted < 1000000; nstarted++) {
        t = model_thread_new(NULL, waits_a_bit, NULL, NULL);
        if (model_thread_start(t) != 0)
            break;
    }
    expect_error(-1, "RuntimeError", "can't start new thread");
    CU_ASSERT_FALSE(model_thread_is_alive(t));
    expect_error(model_thread_join(t, MODEL_NO_TIMEOUT), "RuntimeError",
                 "cannot join thread before it is started");
    for (uint32_t i = 1; i < model_thread_count(); i++)
        if (model_thread_at(i) != t)
            CU_ASSERT_EQUAL(model_thread_join(model_thread_at(i), MODEL_NO_TIMEOUT), 0);
    model_print("joined");
}

static void test_out_of_stacks_is_a_runtime_error(void)
{
#ifdef SIM_ASAN
    /* the sanitizer's own allocator and shadow need new mappings too, and
     * die when the kernel's budget is spent: the plain build runs this */
    fprintf(stderr, "(skipped under AddressSanitizer)\n");
    return;
#endif
    FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
    long max = 0;
    if (!f || fscanf(f, "%ld", &max) != 1 || max > 200000) {
        if (f)
            fclose(f);
        fprintf(stderr, "(skipped: vm.max_map_count %ld is too large to exhaust)\n", max);
        return;
    }
    fclose(f);
    model_opts o = model_opts_default();
    o.sim.stack_size = SIM_STACK_MIN;
    CU_ASSERT_EQUAL(ts_run_traced(&o, main_out_of_stacks, NULL, &TR), MODEL_EXIT_OK);
    CU_ASSERT(nstarted > 1000 && nstarted < max);
    expect_output("joined\n");
    trace_fini(&TR);
}

TS_TESTS("thread", TS_TEST(test_misuse_errors), TS_TEST(test_default_names),
         TS_TEST(test_daemon_inherited), TS_TEST(test_join), TS_TEST(test_joiners_woken_fifo),
         TS_TEST(test_exit_waits_non_daemons_kills_daemons), TS_TEST(test_exception_in_thread),
         TS_TEST(test_exception_in_main), TS_TEST(test_join_cycle_is_a_deadlock),
         TS_TEST(test_blocked_daemon_at_exit_is_not_deadlock),
         TS_TEST(test_out_of_stacks_is_a_runtime_error))
