/*
 * model/cond.h — threading.Condition.
 *
 * Follows Lib/threading.py's Condition: a deque of waiters, each waiting on
 * its own "waiter lock". wait() checks the lock is owned, appends a waiter,
 * releases the lock fully (an RLock's recursion count is saved), blocks on
 * its waiter until notified or the timeout passes, then re-acquires the lock
 * (waiting for it like any acquire(), barging included) and restores the
 * count. Only after that re-acquire does a waiter that was not notified
 * leave the deque.
 *
 * Wake order and ties: notify(n) releases the first n waiters of the deque,
 * which is FIFO in the order wait() was called (a thread that waits again
 * goes to the back). A notified thread becomes ready; it still has to get
 * the lock back, so the notifier (who holds it) always goes on first.
 * As in CPython, a waiter whose timeout has expired stays in the deque until
 * it has the lock again; a notify that reaches it in that window is spent on
 * it (it counts toward n, and its wait() still returns False).
 *
 * "Owned": for an RLock, held by the current thread; for a plain Lock, held
 * by anyone (CPython cannot tell who holds a Lock).
 *
 * Timeouts: MODEL_NO_TIMEOUT waits until notified; a timeout <= 0 (or NaN)
 * does not block, though wait() still releases and re-acquires the lock.
 * wait_for computes its deadline once and waits again with what is left.
 *
 * Errors: RuntimeError "cannot wait on un-acquired lock", "cannot notify on
 * un-acquired lock"; OverflowError "timestamp out of range for platform
 * time_t" for a wait that would block with a timeout too large for
 * nanoseconds; acquire/release errors of the underlying lock (lock.h).
 *
 * Trace: a wait is a `block` with reason "condition" and the Condition
 * ("Condition-1"); a notify that wakes a waiter is a `wake` with cause
 * "notify"; getting the lock back shows as a wait with reason "lock".
 */
#ifndef MODEL_COND_H
#define MODEL_COND_H

#include <stdbool.h>
#include <stdint.h>

#include "core.h"
#include "lock.h"

typedef struct model_cond_waiter model_cond_waiter;

typedef struct model_cond {
    model_obj hdr;              /* kind "Condition" */
    model_lock *lock;           /* the Lock or RLock it uses */
    model_cond_waiter *head;    /* CPython's _waiters deque, oldest first */
    model_cond_waiter *tail;
    uint32_t nwaiters;          /* len(_waiters) */
} model_cond;

/* threading.Condition(lock); NULL makes a new RLock, as CPython does. */
model_cond *model_cond_new(model_lock *lock);

/* The lock's acquire/release (`with cv:`). */
int model_cond_acquire(model_cond *c, bool blocking, double timeout);
int model_cond_release(model_cond *c);
/* wait(timeout): 1 notified, 0 timed out, -1 error. */
int model_cond_wait(model_cond *c, double timeout);
/* A predicate for wait_for: > 0 true, 0 false, -1 with an exception set. */
typedef int (*model_pred_fn)(void *ud);
/* wait_for(predicate, timeout): the predicate's last result (> 0 true, 0
 * false), or -1 if the predicate or a wait failed. */
int model_cond_wait_for(model_cond *c, model_pred_fn pred, void *ud, double timeout);
/* notify(n) (n <= 0 does nothing), notify_all(). 0 or -1 with RuntimeError. */
int model_cond_notify(model_cond *c, int64_t n);
int model_cond_notify_all(model_cond *c);
/* len(_waiters): threads in wait(), notified ones excepted. */
uint32_t model_cond_waiters(const model_cond *c);

/* ---- for primitives built on a Condition (Barrier) --------------------- */

/* A Condition named `what` (not counted as a "Condition-N") over `lock`. */
model_cond *model__cond_new_named(model_lock *lock, const char *what);
/* wait() until the absolute deadline (SIM_FOREVER; <= now does not block),
 * showing `reason` and `shown` in the trace; no model_step. `overflow`: the
 * wait would have blocked with a timeout CPython rejects (OverflowError after
 * the lock is back). Returns 1, 0 or -1 like model_cond_wait. */
int model__cond_wait_until(model_cond *c, int64_t deadline, bool overflow, const char *reason,
                           model_obj *shown);
/* wait_for() showing `reason` and `shown` in the trace. */
int model__cond_wait_for_as(model_cond *c, model_pred_fn pred, void *ud, double timeout,
                            const char *reason, model_obj *shown);
/* notify(n) with the given wake cause; no ownership check, no model_step. */
void model__cond_notify(model_cond *c, int64_t n, const char *cause);

#endif
