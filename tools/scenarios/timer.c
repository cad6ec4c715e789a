/*
 * tools/scenarios/timer.c — page 6 of the tutorial, "Timer objects" (Python 2).
 *
 * timer/hello:
 *   def hello(): print "hello, Timer"
 *   t = threading.Timer(3.0, hello); t.start()
 *
 * timer/cancel:
 *   logging.basicConfig(level=logging.DEBUG, format='(%(threadName)-9s) %(message)s',)
 *   def f(): logging.debug('thread function running')
 *   t1 = threading.Timer(5, f); t1.setName('t1')
 *   t2 = threading.Timer(5, f); t2.setName('t2')
 *   logging.debug('starting timers...'); t1.start(); t2.start()
 *   logging.debug('waiting before canceling %s', t2.getName())
 *   time.sleep(2)
 *   logging.debug('canceling %s', t2.getName())
 *   print 'before cancel t2.is_alive() = ', t2.is_alive()
 *   t2.cancel()
 *   time.sleep(2)
 *   print 'after cancel t2.is_alive() = ', t2.is_alive()
 *   t1.join(); t2.join()
 *   logging.debug('done')
 *
 * The print statement puts a space between its items even after a string
 * ending in a space, hence the two spaces before True/False.
 */
#include "../../model/timer.h"
#include "scenario.h"

static void timer_hello_fn(void *arg)
{
    (void)arg;
    model_print("hello, Timer");
}

static void timer_hello(void *arg)
{
    (void)arg;
    model_timer *t = model_timer_new(3.0, timer_hello_fn, NULL);
    TS_CHECK(model_thread_start(&t->thread));
}

static void timer_f(void *arg)
{
    (void)arg;
    model_debug("thread function running");
}

static const char *timer_bool(bool b) { return b ? "True" : "False"; }

static void timer_cancel(void *arg)
{
    (void)arg;
    TS_CHECK(model_log_config(MODEL_DEBUG, "(%(threadName)-9s) %(message)s"));
    model_timer *t1 = model_timer_new(5, timer_f, NULL);
    model_thread_set_name(&t1->thread, "t1");
    model_timer *t2 = model_timer_new(5, timer_f, NULL);
    model_thread_set_name(&t2->thread, "t2");
    model_debug("starting timers...");
    TS_CHECK(model_thread_start(&t1->thread));
    TS_CHECK(model_thread_start(&t2->thread));
    model_debug("waiting before canceling %s", model_thread_name(&t2->thread));
    model_sleep(2);
    model_debug("canceling %s", model_thread_name(&t2->thread));
    model_print("before cancel t2.is_alive() =  %s",
                timer_bool(model_thread_is_alive(&t2->thread)));
    model_timer_cancel(t2);
    model_sleep(2);
    model_print("after cancel t2.is_alive() =  %s",
                timer_bool(model_thread_is_alive(&t2->thread)));
    TS_CHECK(model_thread_join(&t1->thread, MODEL_NO_TIMEOUT));
    TS_CHECK(model_thread_join(&t2->thread, MODEL_NO_TIMEOUT));
    model_debug("done");
}

static const ts_scenario timer_items[] = {
    {"timer/hello", "Timer(3.0, hello): prints after 3 s", timer_hello, 2, "timer/hello.out"},
    {"timer/cancel", "two 5 s Timers; t2 cancelled at 2 s, t1 fires at 5 s", timer_cancel, 2,
     "timer/cancel.out"},
};

const ts_scenario_table ts_timer_scenarios =
    {timer_items, sizeof timer_items / sizeof timer_items[0]};
