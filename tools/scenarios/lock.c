/*
 * tools/scenarios/lock.c — page 8 of the tutorial, "Lock objects: acquire()
 * and release()" (Python 2).
 *
 * lock/counter:
 *   logging.basicConfig(level=logging.DEBUG, format='(%(threadName)-9s) %(message)s',)
 *   class Counter(object):
 *       def __init__(self, start=0): self.lock = threading.Lock(); self.value = start
 *       def increment(self):
 *           logging.debug('Waiting for a lock')
 *           self.lock.acquire()
 *           try:
 *               logging.debug('Acquired a lock')
 *               self.value = self.value + 1
 *           finally:
 *               logging.debug('Released a lock')
 *               self.lock.release()
 *   def worker(c):
 *       for i in range(2):
 *           r = random.random()
 *           logging.debug('Sleeping %0.02f', r)
 *           time.sleep(r)
 *           c.increment()
 *       logging.debug('Done')
 *   counter = Counter()
 *   for i in range(2):
 *       t = threading.Thread(target=worker, args=(counter,)); t.start()
 *   logging.debug('Waiting for worker threads')
 *   main_thread = threading.currentThread()
 *   for t in threading.enumerate():
 *       if t is not main_thread: t.join()
 *   logging.debug('Counter: %d', counter.value)
 *
 * random.random() draws from the run's generator, seeded as
 * random.seed(<run seed>) would be (model/random.h): --seed changes the
 * sleeps, and the same seed always gives the same run.
 *
 * lock/nonblocking:
 *   def lock_holder(lock):
 *       logging.debug('Starting')
 *       while True:
 *           lock.acquire()
 *           try:
 *               logging.debug('Locking'); time.sleep(1.0)
 *           finally:
 *               logging.debug('Not locking'); lock.release()
 *           time.sleep(1.0)
 *   def worker(lock):
 *       logging.debug('Starting')
 *       num_tries = 0; num_acquires = 0
 *       while num_acquires < 3:
 *           time.sleep(0.5)
 *           logging.debug('Trying to acquire')
 *           have_it = lock.acquire(0)
 *           try:
 *               num_tries += 1
 *               if have_it:
 *                   logging.debug('Try #%d : Acquired', num_tries); num_acquires += 1
 *               else:
 *                   logging.debug('Try #%d : Not acquired', num_tries)
 *           finally:
 *               if have_it: lock.release()
 *       logging.debug('Done after %d tries', num_tries)
 *   lock = threading.Lock()
 *   locker = threading.Thread(target=lock_holder, args=(lock,), name='Locker')
 *   locker.setDaemon(True); locker.start()
 *   worker = threading.Thread(target=worker, args=(lock,), name='Worker')
 *   worker.start()
 *
 * The worker's tries at 1, 2 and 3 s tie with the locker's wake-ups: the
 * locker's sleep was armed first, so it runs first (sched.h).
 */
#include "../../model/lock.h"
#include "../../model/random.h"
#include "scenario.h"

typedef struct lock_counter {
    model_lock *lock;
    int value;
} lock_counter;

static void lock_increment(lock_counter *c)
{
    model_debug("Waiting for a lock");
    TS_CHECK(model_lock_acquire_forever(c->lock));
    model_debug("Acquired a lock");
    c->value = c->value + 1;
    model_debug("Released a lock");
    TS_CHECK(model_lock_release(c->lock));
}

static void lock_worker(void *arg)
{
    lock_counter *c = arg;
    for (int i = 0; i < 2; i++) {
        double r = model_random();
        model_debug("Sleeping %0.02f", r);
        model_sleep(r);
        lock_increment(c);
    }
    model_debug("Done");
}

static void lock_counter_main(void *arg)
{
    (void)arg;
    TS_CHECK(model_log_config(MODEL_DEBUG, "(%(threadName)-9s) %(message)s"));
    lock_counter counter = {model_lock_new(), 0};
    for (int i = 0; i < 2; i++) {
        model_thread *t = model_thread_new(NULL, lock_worker, &counter, "worker");
        TS_CHECK(model_thread_start(t));
    }
    model_debug("Waiting for worker threads");
    model_thread *main_thread = model_current_thread();
    model_thread *all[16];
    uint32_t n = model_enumerate(all, 16);
    for (uint32_t i = 0; i < n && i < 16; i++)
        if (all[i] != main_thread)
            TS_CHECK(model_thread_join(all[i], MODEL_NO_TIMEOUT));
    model_debug("Counter: %d", counter.value);
}

static void lock_holder(void *arg)
{
    model_lock *lock = arg;
    model_debug("Starting");
    for (;;) {
        TS_CHECK(model_lock_acquire_forever(lock));
        model_debug("Locking");
        model_sleep(1.0);
        model_debug("Not locking");
        TS_CHECK(model_lock_release(lock));
        model_sleep(1.0);
    }
}

static void lock_try_worker(void *arg)
{
    model_lock *lock = arg;
    model_debug("Starting");
    int num_tries = 0, num_acquires = 0;
    while (num_acquires < 3) {
        model_sleep(0.5);
        model_debug("Trying to acquire");
        int have_it = model_lock_acquire(lock, false, MODEL_NO_TIMEOUT);
        TS_CHECK(have_it);
        num_tries += 1;
        if (have_it) {
            model_debug("Try #%d : Acquired", num_tries);
            num_acquires += 1;
        } else {
            model_debug("Try #%d : Not acquired", num_tries);
        }
        if (have_it)
            TS_CHECK(model_lock_release(lock));
    }
    model_debug("Done after %d tries", num_tries);
}

static void lock_nonblocking_main(void *arg)
{
    (void)arg;
    TS_CHECK(model_log_config(MODEL_DEBUG, "(%(threadName)-9s) %(message)s"));
    model_lock *lock = model_lock_new();
    model_thread *locker = model_thread_new("Locker", lock_holder, lock, "lock_holder");
    TS_CHECK(model_thread_set_daemon(locker, true));
    TS_CHECK(model_thread_start(locker));
    model_thread *worker = model_thread_new("Worker", lock_try_worker, lock, "worker");
    TS_CHECK(model_thread_start(worker));
}

static const ts_scenario lock_items[] = {
    {"lock/counter", "two workers sleep random times and increment a locked counter",
     lock_counter_main, 2, "lock/counter.out"},
    {"lock/nonblocking", "a worker tries acquire(0) every 0.5 s against a 1 s locker",
     lock_nonblocking_main, 2, "lock/nonblocking.out"},
};

const ts_scenario_table ts_lock_scenarios = {lock_items, sizeof lock_items / sizeof lock_items[0]};
