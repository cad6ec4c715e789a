/*
 * tests/install/hello_scenario.c — a scenario written outside the tree,
 * against an installed libthreadsim (test_install builds it with
 * `pkg-config --cflags --libs threadsim`): two threads, a sleep, a join,
 * a lock, all on the virtual clock.
 */
#include <stdio.h>

#include <model/core.h>
#include <model/lock.h>
#include <model/output.h>
#include <model/thread.h>
#include <sim/event.h>

static model_lock *hello_lock;

static void hello_worker(void *arg)
{
    model_sleep((double)(long)arg);
    if (model_lock_acquire(hello_lock, true, MODEL_NO_TIMEOUT) < 0)
        return;
    model_print("worker %ld at %.3f", (long)arg, model_time_monotonic());
    model_lock_release(hello_lock);
}

static void hello_main(void *arg)
{
    (void)arg;
    hello_lock = model_lock_new();
    model_thread *a = model_thread_new("a", hello_worker, (void *)2L, "hello_worker");
    model_thread *b = model_thread_new("b", hello_worker, (void *)1L, "hello_worker");
    model_thread_start(a);
    model_thread_start(b);
    model_thread_join(a, MODEL_NO_TIMEOUT);
    model_thread_join(b, MODEL_NO_TIMEOUT);
    model_print("done at %.3f", model_time_monotonic());
}

/* The output view: what the program wrote, from the trace's output events. */
static void hello_sink(void *ud, const sim_event *ev)
{
    (void)ud;
    if (ev->kind == SIM_EV_OUTPUT)
        fwrite(ev->text, 1, ev->len, ev->arg == MODEL_STDERR ? stderr : stdout);
}

int main(void)
{
    model_opts o = model_opts_default();
    o.sink = hello_sink;
    model_result r;
    int status = model_run(&o, hello_main, NULL, &r);
    fflush(stdout);
    return status;
}
