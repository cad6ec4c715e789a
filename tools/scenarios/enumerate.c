/*
 * tools/scenarios/enumerate.c — page 4 of the tutorial, "Active threads &
 * enumerate() method" (Python 2).
 *
 *   logging.basicConfig(level=logging.DEBUG, format='(%(threadName)-9s) %(message)s',)
 *   def f():
 *       t = threading.currentThread()
 *       r = random.randint(1,10)
 *       logging.debug('sleeping %s', r)
 *       time.sleep(r)
 *       logging.debug('ending')
 *   for i in range(3):
 *       t = threading.Thread(target=f)
 *       t.setDaemon(True)
 *       t.start()
 *   main_thread = threading.currentThread()
 *   for t in threading.enumerate():
 *       if t is main_thread:
 *           continue
 *       logging.debug('joining %s', t.getName())
 *       t.join()
 *
 * The random values come from the run's seed (seed 0, the default, draws 7,
 * 7, 1: random.seed(0) under CPython gives the same). enumerate() is a
 * snapshot taken once, so Thread-3 is joined (at once) though it ended.
 */
#include "../../model/random.h"
#include "scenario.h"

static void enum_f(void *arg)
{
    (void)arg;
    int64_t r;
    TS_CHECK(model_randint(1, 10, &r));
    model_debug("sleeping %lld", (long long)r);
    model_sleep((double)r);
    model_debug("ending");
}

static void enum_random(void *arg)
{
    (void)arg;
    TS_CHECK(model_log_config(MODEL_DEBUG, "(%(threadName)-9s) %(message)s"));
    for (int i = 0; i < 3; i++) {
        model_thread *t = model_thread_new(NULL, enum_f, NULL, "f");
        TS_CHECK(model_thread_set_daemon(t, true));
        TS_CHECK(model_thread_start(t));
    }
    model_thread *main_thread = model_current_thread();
    model_thread *all[16];
    uint32_t n = model_enumerate(all, 16);
    for (uint32_t i = 0; i < n && i < 16; i++) {
        if (all[i] == main_thread)
            continue;
        model_debug("joining %s", model_thread_name(all[i]));
        TS_CHECK(model_thread_join(all[i], MODEL_NO_TIMEOUT));
    }
}

static const ts_scenario enum_items[] = {
    {"enumerate/random", "three daemons sleep randint(1,10) s; main joins enumerate()",
     enum_random, 2, "enumerate/random.out"},
};

const ts_scenario_table ts_enumerate_scenarios = {enum_items,
                                                  sizeof enum_items / sizeof enum_items[0]};
