/*
 * tools/scenarios/naming.c — page 2 of the tutorial, "Identifying threads -
 * naming and logging" (Python 2).
 *
 *   def f1():
 *       print threading.currentThread().getName(), 'Starting'
 *       time.sleep(1)
 *       print threading.currentThread().getName(), 'Exiting'
 *   (f2 and f3 the same with sleeps of 2 and 3 seconds)
 *   t1 = threading.Thread(target=f1)            # default name
 *   t2 = threading.Thread(name='f2', target=f2)
 *   t3 = threading.Thread(name='f3', target=f3)
 *   t1.start(); t2.start(); t3.start()
 *
 * naming/logging is the same program with
 *   logging.basicConfig(level=logging.DEBUG,
 *                       format='[%(levelname)s] (%(threadName)-9s) %(message)s',)
 * and logging.debug('Starting') / logging.debug('Exiting').
 *
 * Python 2 names the unnamed thread "Thread-1"; CPython 3.10+ would say
 * "Thread-1 (f1)" (run with --python 3 to see it).
 */
#include "scenario.h"

typedef struct naming_fn {
    const char *fname;  /* the target's __name__ */
    double secs;        /* its sleep */
    bool log;           /* logging instead of print */
} naming_fn;

static void naming_body(void *arg)
{
    const naming_fn *f = arg;
    if (f->log) {
        model_debug("Starting");
        model_sleep(f->secs);
        model_debug("Exiting");
        return;
    }
    /* print name, 'Starting': the name is looked up before printing */
    model_print("%s Starting", model_thread_name(model_current_thread()));
    model_sleep(f->secs);
    model_print("%s Exiting", model_thread_name(model_current_thread()));
}

static void naming_main(bool log)
{
    static naming_fn fns[2][3] = {
        {{"f1", 1, false}, {"f2", 2, false}, {"f3", 3, false}},
        {{"f1", 1, true}, {"f2", 2, true}, {"f3", 3, true}},
    };
    naming_fn *f = fns[log];
    if (log)
        TS_CHECK(model_log_config(MODEL_DEBUG, "[%(levelname)s] (%(threadName)-9s) %(message)s"));
    model_thread *t1 = model_thread_new(NULL, naming_body, &f[0], f[0].fname);
    model_thread *t2 = model_thread_new("f2", naming_body, &f[1], f[1].fname);
    model_thread *t3 = model_thread_new("f3", naming_body, &f[2], f[2].fname);
    TS_CHECK(model_thread_start(t1));
    TS_CHECK(model_thread_start(t2));
    TS_CHECK(model_thread_start(t3));
}

static void naming_print(void *arg)
{
    (void)arg;
    naming_main(false);
}

static void naming_logging(void *arg)
{
    (void)arg;
    naming_main(true);
}

static const ts_scenario naming_items[] = {
    {"naming/print", "Thread-1, f2, f3 print Starting, sleep 1/2/3 s, print Exiting",
     naming_print, 2, "naming/print.out"},
    {"naming/logging", "the same with logging '[%(levelname)s] (%(threadName)-9s)'",
     naming_logging, 2, "naming/logging.out"},
};

const ts_scenario_table ts_naming_scenarios = {naming_items,
                                               sizeof naming_items / sizeof naming_items[0]};
