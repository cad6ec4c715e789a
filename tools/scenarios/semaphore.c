/*
 * tools/scenarios/semaphore.c — page 13 of the tutorial, "Semaphore objects
 * and thread pool" (Python 2).
 *
 *   logging.basicConfig(level=logging.DEBUG, format='(%(threadName)-9s) %(message)s',)
 *   class ThreadPool(object):
 *       def __init__(self):
 *           super(ThreadPool, self).__init__()
 *           self.active = []
 *           self.lock = threading.Lock()
 *       def makeActive(self, name):
 *           with self.lock:
 *               self.active.append(name)
 *               logging.debug('Running: %s', self.active)
 *       def makeInactive(self, name):
 *           with self.lock:
 *               self.active.remove(name)
 *               logging.debug('Running: %s', self.active)
 *   def f(s, pool):
 *       logging.debug('Waiting to join the pool')
 *       with s:
 *           name = threading.currentThread().getName()
 *           pool.makeActive(name)
 *           time.sleep(0.5)
 *           pool.makeInactive(name)
 *   pool = ThreadPool()
 *   s = threading.Semaphore(3)
 *   for i in range(10):
 *       t = threading.Thread(target=f, name='thread_'+str(i), args=(s, pool))
 *       t.start()
 *
 * The three sleepers of each half second wake at the same instant; each
 * timer fires only once nothing is runnable, so each leaver's release lets
 * the next waiter in before the next leaver runs (the page's pattern).
 */
#include <stdio.h>
#include <string.h>

#include "../../model/lock.h"
#include "../../model/sema.h"
#include "scenario.h"

enum { SEM_THREADS = 10 };

/* The ThreadPool object; it outlives main's frame (main returns while the
 * workers run), so the run owns it: a model object, freed with the run. */
typedef struct sem_pool {
    model_obj hdr;                   /* kind "ThreadPool" */
    const char *active[SEM_THREADS]; /* names, in the order they joined */
    int n;
    model_lock *lock;
    model_sema *s;                   /* the Semaphore(3), passed to f with the pool */
} sem_pool;

/* logging.debug('Running: %s', self.active): repr of a list of str */
static void sem_log_active(const sem_pool *p)
{
    char buf[512];
    size_t k = 0;
    buf[k++] = '[';
    for (int i = 0; i < p->n; i++)
        k += (size_t)snprintf(buf + k, sizeof buf - k, "%s'%s'", i ? ", " : "", p->active[i]);
    snprintf(buf + k, sizeof buf - k, "]");
    model_debug("Running: %s", buf);
}

static void sem_make_active(sem_pool *p, const char *name)
{
    TS_CHECK(model_lock_acquire_forever(p->lock));
    p->active[p->n++] = name;
    sem_log_active(p);
    TS_CHECK(model_lock_release(p->lock));
}

static void sem_make_inactive(sem_pool *p, const char *name)
{
    TS_CHECK(model_lock_acquire_forever(p->lock));
    for (int i = 0; i < p->n; i++) {
        if (strcmp(p->active[i], name) == 0) {
            memmove(&p->active[i], &p->active[i + 1], (size_t)(p->n - i - 1) * sizeof *p->active);
            p->n--;
            break;
        }
    }
    sem_log_active(p);
    TS_CHECK(model_lock_release(p->lock));
}

static void sem_f(void *arg)
{
    sem_pool *pool = arg;
    model_debug("Waiting to join the pool");
    TS_CHECK(model_sema_acquire(pool->s, true, MODEL_NO_TIMEOUT)); /* with s: */
    const char *name = model_thread_name(model_current_thread());
    sem_make_active(pool, name);
    model_sleep(0.5);
    sem_make_inactive(pool, name);
    TS_CHECK(model_sema_release(pool->s, 1));
}

static void sem_main(void *arg)
{
    (void)arg;
    TS_CHECK(model_log_config(MODEL_DEBUG, "(%(threadName)-9s) %(message)s"));
    sem_pool *pool = model_obj_new(sizeof *pool, "ThreadPool", NULL);
    pool->lock = model_lock_new();
    pool->s = model_sema_new(3);
    if (!pool->s)
        model_raise();
    for (int i = 0; i < SEM_THREADS; i++) {
        char name[16];
        snprintf(name, sizeof name, "thread_%d", i);
        model_thread *t = model_thread_new(name, sem_f, pool, "f");
        TS_CHECK(model_thread_start(t));
    }
}

static const ts_scenario semaphore_items[] = {
    {"semaphore/pool", "ten threads share a Semaphore(3) pool for half a second each", sem_main,
     2, "semaphore/pool.out"},
};

const ts_scenario_table ts_semaphore_scenarios = {semaphore_items, sizeof semaphore_items /
                                                                        sizeof semaphore_items[0]};
