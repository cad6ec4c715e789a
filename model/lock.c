/*
 * model/lock.c — Lock and RLock (see lock.h), and the timeout rules the
 * other primitives share.
 *
 * acquire() is a loop, "while locked: wait at the back of the queue until
 * the deadline", so a thread that is running when the lock comes free takes
 * it, and a woken waiter that lost that race simply waits again. release()
 * unlocks and wakes the longest waiter that still waits. Nothing here
 * switches except the wait itself and model_step() at entry, so every
 * acquire and release is atomic, as it is under CPython's GIL.
 */
#include "lock.h"

#include <math.h>

#include "world.h"

static model_thread *lock__holder(model_obj *o)
{
    model_lock *l = (model_lock *)o;
    return l->locked ? l->owner : NULL;
}

static model_lock *lock__new(const char *kind, bool reentrant, const char *what)
{
    model_lock *l = model_obj_new(sizeof *l, kind, what);
    l->hdr.holder = lock__holder;
    l->reentrant = reentrant;
    return l;
}

model_lock *model_lock_new(void)
{
    model_step();
    return lock__new("Lock", false, NULL);
}

model_lock *model_rlock_new(void)
{
    model_step();
    return lock__new("RLock", true, NULL);
}

model_lock *model__lock_new_named(const char *what) { return lock__new("Lock", false, what); }

/* ---- timeouts ---------------------------------------------------------- */

bool model__timeout_overflows(double timeout)
{
    if (isnan(timeout) || (isinf(timeout) && timeout > 0))
        return false;
    return fabs(timeout) * 1e9 >= 9223372036854775808.0;
}

int model__timeout_overflow_error(void)
{
    return model_err_set("OverflowError", "timestamp out of range for platform time_t");
}

int model__lock_deadline(bool blocking, double timeout, int64_t *deadline)
{
    int64_t now = model_now_ns();
    bool unset = isinf(timeout) && timeout > 0; /* MODEL_NO_TIMEOUT: None, -1 */
    double ns = 0;
    if (!unset) {
        if (isnan(timeout))
            return model_err_set("ValueError", "Invalid value NaN (not a number)");
        if (model__timeout_overflows(timeout))
            return model__timeout_overflow_error();
        /* _PyTime_ROUND_TIMEOUT: to nanoseconds, away from zero. -1 s is
         * CPython's "unset" default. */
        ns = timeout * 1e9;
        ns = ns < 0 ? floor(ns) : ceil(ns);
        unset = ns == -1e9;
    }
    if (!blocking && !unset)
        return model_err_set("ValueError", "can't specify a timeout for a non-blocking call");
    if (ns < 0 && !unset)
        return model_err_set("ValueError", "timeout value must be positive");
    if (!blocking)
        *deadline = now;
    else if (unset)
        *deadline = SIM_FOREVER;
    else
        *deadline = sim_time_add(now, (int64_t)ns);
    return 0;
}

int64_t model__wait_deadline(double timeout)
{
    if (isinf(timeout) && timeout > 0)
        return SIM_FOREVER;
    int64_t now = model_now_ns();
    if (!(timeout > 0))
        return now;
    return sim_time_add(now, model_secs_to_ns(timeout));
}

/* ---- acquire and release ----------------------------------------------- */

/* Take the free lock, or wait for it until `deadline`; false on timeout. */
static bool lock__take(model_lock *l, model_thread *me, int64_t deadline)
{
    while (l->locked) {
        if (!model_wait_until(&l->waiters, "lock", &l->hdr, deadline))
            return false;
    }
    l->locked = true;
    l->owner = me;
    l->count = 1;
    return true;
}

/* Unlock and wake the longest waiter that still waits. One whose timeout
 * fired but that has not run yet is dropped from the queue instead: it
 * returns False when it runs. */
static void lock__free(model_lock *l)
{
    model_world *w = model__world();
    l->locked = false;
    l->owner = NULL;
    l->count = 0;
    for (model_thread *t; (t = model__waitq_pop(&l->waiters));) {
        if (t->st->state == SIM_T_BLOCKED) {
            sim_wake(&w->sched, t->st, "release", l->hdr.oid);
            return;
        }
    }
}

int model_lock_acquire(model_lock *l, bool blocking, double timeout)
{
    model_step();
    int64_t deadline;
    if (model__lock_deadline(blocking, timeout, &deadline) < 0)
        return -1;
    model_thread *me = model__current(model__world());
    if (l->reentrant && l->locked && l->owner == me) {
        l->count++;
        return 1;
    }
    return lock__take(l, me, deadline) ? 1 : 0;
}

int model_lock_acquire_forever(model_lock *l)
{
    return model_lock_acquire(l, true, MODEL_NO_TIMEOUT);
}

int model_lock_release(model_lock *l)
{
    model_step();
    if (l->reentrant) {
        if (!l->locked || l->owner != model__current(model__world()))
            return model_err_set("RuntimeError", "cannot release un-acquired lock");
        if (--l->count > 0)
            return 0;
    } else if (!l->locked) {
        return model_err_set("RuntimeError", "release unlocked lock");
    }
    lock__free(l);
    return 0;
}

bool model_lock_locked(model_lock *l)
{
    model_step();
    return l->locked;
}

model_thread *model_lock_owner(const model_lock *l) { return l->locked ? l->owner : NULL; }
uint64_t model_lock_count(const model_lock *l) { return l->locked ? l->count : 0; }

/* ---- Condition's view -------------------------------------------------- */

bool model__lock_is_owned(model_lock *l)
{
    if (l->reentrant)
        return l->locked && l->owner == model__current(model__world());
    return l->locked;
}

uint64_t model__lock_release_save(model_lock *l)
{
    if (!l->locked) {
        model_err_set("RuntimeError", l->reentrant ? "cannot release un-acquired lock"
                                                   : "release unlocked lock");
        return 0;
    }
    uint64_t count = l->count;
    lock__free(l);
    return count;
}

void model__lock_acquire_restore(model_lock *l, uint64_t count)
{
    lock__take(l, model__current(model__world()), SIM_FOREVER);
    l->count = count ? count : 1;
}
