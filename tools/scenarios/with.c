/*
 * tools/scenarios/with.c — page 10 of the tutorial, "Using locks in the with
 * statement" (Python 2).
 *
 *   logging.basicConfig(level=logging.DEBUG, format='(%(threadName)-10s) %(message)s',)
 *   def worker_with(lock):
 *       with lock:
 *           logging.debug('Lock acquired via with')
 *   def worker_not_with(lock):
 *       lock.acquire()
 *       try:
 *           logging.debug('Lock acquired directly')
 *       finally:
 *           lock.release()
 *   lock = threading.Lock()
 *   w = threading.Thread(target=worker_with, args=(lock,))
 *   nw = threading.Thread(target=worker_not_with, args=(lock,))
 *   w.start(); nw.start()
 *
 * `with lock:` is acquire() on entry and release() on every way out. The
 * format pads to ten columns: "(Thread-1  )" (the page shows nine).
 */
#include "../../model/lock.h"
#include "scenario.h"

static void with_worker_with(void *arg)
{
    model_lock *lock = arg;
    TS_CHECK(model_lock_acquire_forever(lock)); /* with lock: */
    model_debug("Lock acquired via with");
    TS_CHECK(model_lock_release(lock));
}

static void with_worker_not_with(void *arg)
{
    model_lock *lock = arg;
    TS_CHECK(model_lock_acquire_forever(lock));
    model_debug("Lock acquired directly");
    TS_CHECK(model_lock_release(lock));
}

static void with_main(void *arg)
{
    (void)arg;
    TS_CHECK(model_log_config(MODEL_DEBUG, "(%(threadName)-10s) %(message)s"));
    model_lock *lock = model_lock_new();
    model_thread *w = model_thread_new(NULL, with_worker_with, lock, "worker_with");
    model_thread *nw = model_thread_new(NULL, with_worker_not_with, lock, "worker_not_with");
    TS_CHECK(model_thread_start(w));
    TS_CHECK(model_thread_start(nw));
}

static const ts_scenario with_items[] = {
    {"with/lock", "a Lock taken with `with` by one thread, directly by another", with_main, 2,
     "with/lock.out"},
};

const ts_scenario_table ts_with_scenarios = {with_items, sizeof with_items / sizeof with_items[0]};
