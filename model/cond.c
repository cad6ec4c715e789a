/*
 * model/cond.c — Condition (see cond.h), statement for statement after
 * Lib/threading.py.
 *
 * CPython's per-waiter lock is a model_cond_waiter on the waiting thread's
 * stack: a one-thread wait queue plus a "released" flag. It is linked into
 * the Condition's deque from the start of wait() until wait() returns, so it
 * never outlives the stack frame: notify() unlinks the waiters it releases,
 * and wait() unlinks its own waiter otherwise, after getting the lock back.
 */
#include "cond.h"

#include <math.h>

#include "world.h"

struct model_cond_waiter {
    model_waitq q;              /* the waiting thread, while it blocks */
    bool released;              /* notify() released it (waiter.release()) */
    bool linked;                /* in the Condition's deque */
    model_cond_waiter *prev, *next;
};

static void cond__link(model_cond *c, model_cond_waiter *w)
{
    w->prev = c->tail;
    w->next = NULL;
    if (c->tail)
        c->tail->next = w;
    else
        c->head = w;
    c->tail = w;
    w->linked = true;
    c->nwaiters++;
}

static void cond__unlink(model_cond *c, model_cond_waiter *w)
{
    if (w->prev)
        w->prev->next = w->next;
    else
        c->head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    else
        c->tail = w->prev;
    w->prev = w->next = NULL;
    w->linked = false;
    c->nwaiters--;
}

static model_cond *cond__new(model_lock *lock, const char *what)
{
    model_cond *c = model_obj_new(sizeof *c, "Condition", what);
    c->lock = lock ? lock : model_rlock_new();
    return c;
}

model_cond *model_cond_new(model_lock *lock)
{
    model_step();
    return cond__new(lock, NULL);
}

model_cond *model__cond_new_named(model_lock *lock, const char *what)
{
    return cond__new(lock, what);
}

int model_cond_acquire(model_cond *c, bool blocking, double timeout)
{
    return model_lock_acquire(c->lock, blocking, timeout);
}

int model_cond_release(model_cond *c) { return model_lock_release(c->lock); }

uint32_t model_cond_waiters(const model_cond *c) { return c->nwaiters; }

int model__cond_wait_until(model_cond *c, int64_t deadline, bool overflow, const char *reason,
                           model_obj *shown)
{
    if (!model__lock_is_owned(c->lock))
        return model_err_set("RuntimeError", "cannot wait on un-acquired lock");
    model_cond_waiter w = {0};
    cond__link(c, &w);
    uint64_t saved = model__lock_release_save(c->lock);
    bool gotit = false;
    bool blocks = deadline == SIM_FOREVER || deadline > model_now_ns();
    if (blocks && !overflow)
        gotit = model_wait_until(&w.q, reason, shown, deadline);
    model__lock_acquire_restore(c->lock, saved);
    if (!gotit && w.linked)
        cond__unlink(c, &w);
    if (blocks && overflow)
        return model__timeout_overflow_error();
    return gotit ? 1 : 0;
}

int model_cond_wait(model_cond *c, double timeout)
{
    model_step();
    return model__cond_wait_until(c, model__wait_deadline(timeout),
                                  model__timeout_overflows(timeout), "condition", &c->hdr);
}

int model_cond_wait_for(model_cond *c, model_pred_fn pred, void *ud, double timeout)
{
    return model__cond_wait_for_as(c, pred, ud, timeout, "condition", &c->hdr);
}

int model__cond_wait_for_as(model_cond *c, model_pred_fn pred, void *ud, double timeout,
                            const char *reason, model_obj *shown)
{
    model_step();
    bool forever = isinf(timeout) && timeout > 0;
    bool overflow = model__timeout_overflows(timeout);
    bool have_end = false;
    int64_t end = 0;
    int r = pred(ud);
    while (r == 0) {
        int64_t deadline = SIM_FOREVER;
        if (!forever) {
            if (!have_end) {
                /* endtime = _time() + waittime; the first wait uses waittime. */
                end = model__wait_deadline(timeout);
                have_end = true;
            } else if (!isnan(timeout) && end - model_now_ns() <= 0) {
                break; /* NaN never compares <= 0: CPython spins, so do we */
            }
            deadline = end;
        }
        if (model__cond_wait_until(c, deadline, overflow, reason, shown) < 0)
            return -1;
        model_step();
        r = pred(ud);
    }
    return r < 0 ? -1 : r;
}

void model__cond_notify(model_cond *c, int64_t n, const char *cause)
{
    while (c->head && n > 0) {
        model_cond_waiter *w = c->head;
        w->released = true;
        n--;
        cond__unlink(c, w);
        /* Its thread may be blocked (woken here), or already made ready by
         * its timeout (then this notify is spent on it, as in CPython), or
         * waiting for the lock after a timeout (nothing to wake). */
        model_wake_one(&w->q, cause, &c->hdr);
    }
}

int model_cond_notify(model_cond *c, int64_t n)
{
    model_step();
    if (!model__lock_is_owned(c->lock))
        return model_err_set("RuntimeError", "cannot notify on un-acquired lock");
    model__cond_notify(c, n, "notify");
    return 0;
}

int model_cond_notify_all(model_cond *c)
{
    model_step();
    if (!model__lock_is_owned(c->lock))
        return model_err_set("RuntimeError", "cannot notify on un-acquired lock");
    model__cond_notify(c, c->nwaiters, "notify");
    return 0;
}
