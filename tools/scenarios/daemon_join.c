/*
 * tools/scenarios/daemon_join.c — page 3 of the tutorial, "Daemon threads &
 * join method" (the seed): five programs.
 *
 *   import threading, time, logging
 *   logging.basicConfig(level=logging.DEBUG, format='(%(threadName)-9s) %(message)s',)
 *   def n(): logging.debug('Starting'); logging.debug('Exiting')
 *   def d(): logging.debug('Starting'); time.sleep(5); logging.debug('Exiting')
 *   t = threading.Thread(name='non-daemon', target=n)
 *   d = threading.Thread(name='daemon', target=d)
 *   d.setDaemon(True); d.start(); t.start()
 *   ... then, per variant: nothing; d.join(); t.join(); d.join(3.0) or
 *   d.join(7.0) followed by print 'd.isAlive()', d.isAlive(); t.join()
 */
#include "scenario.h"

static void dj_n(void *arg)
{
    (void)arg;
    model_debug("Starting");
    model_debug("Exiting");
}

static void dj_d(void *arg)
{
    (void)arg;
    model_debug("Starting");
    model_sleep(5);
    model_debug("Exiting");
}

static void dj_d_nosleep(void *arg)
{
    (void)arg;
    model_debug("Starting");
    model_debug("Exiting");
}

typedef struct dj_threads {
    model_thread *t, *d;
} dj_threads;

static dj_threads dj_start(model_target_fn dfn)
{
    TS_CHECK(model_log_config(MODEL_DEBUG, "(%(threadName)-9s) %(message)s"));
    dj_threads th;
    th.t = model_thread_new("non-daemon", dj_n, NULL, "n");
    th.d = model_thread_new("daemon", dfn, NULL, "d");
    TS_CHECK(model_thread_set_daemon(th.d, true));
    TS_CHECK(model_thread_start(th.d));
    TS_CHECK(model_thread_start(th.t));
    return th;
}

static void dj_no_join(void *arg)
{
    (void)arg;
    dj_start(dj_d);
}

static void dj_no_sleep(void *arg)
{
    (void)arg;
    dj_start(dj_d_nosleep);
}

static void dj_join(void *arg)
{
    (void)arg;
    dj_threads th = dj_start(dj_d);
    TS_CHECK(model_thread_join(th.d, MODEL_NO_TIMEOUT));
    TS_CHECK(model_thread_join(th.t, MODEL_NO_TIMEOUT));
}

static void dj_join_timeout(double timeout)
{
    dj_threads th = dj_start(dj_d);
    TS_CHECK(model_thread_join(th.d, timeout));
    /* print 'd.isAlive()', d.isAlive() */
    model_print("d.isAlive() %s", model_thread_is_alive(th.d) ? "True" : "False");
    TS_CHECK(model_thread_join(th.t, MODEL_NO_TIMEOUT));
}

static void dj_join3(void *arg)
{
    (void)arg;
    dj_join_timeout(3.0);
}

static void dj_join7(void *arg)
{
    (void)arg;
    dj_join_timeout(7.0);
}

static const ts_scenario dj_items[] = {
    {"daemon-join/no-join", "daemon sleeps 5 s; nobody joins it: killed at exit", dj_no_join, 2,
     "daemon-join/no-join.out"},
    {"daemon-join/no-sleep", "the same without time.sleep(5): the daemon finishes first",
     dj_no_sleep, 2, "daemon-join/no-sleep.out"},
    {"daemon-join/join", "d.join() and t.join(): main waits for the daemon", dj_join, 2,
     "daemon-join/join.out"},
    {"daemon-join/join-timeout-3", "d.join(3.0) times out, then print d.isAlive()", dj_join3, 2,
     "daemon-join/join-timeout-3.out"},
    {"daemon-join/join-timeout-7", "d.join(7.0): the daemon exits at 5 s", dj_join7, 2,
     "daemon-join/join-timeout-7.out"},
};

const ts_scenario_table ts_daemon_join_scenarios = {dj_items, sizeof dj_items / sizeof dj_items[0]};
