/*
 * model/lock.h — threading.Lock and threading.RLock.
 *
 * One type serves both (a flag tells them apart), so a Condition can sit on
 * either and the deadlock report can ask either who holds it.
 *
 * Lock: CPython's lock is not a FIFO hand-off. release() frees the lock and
 * wakes the thread that has waited longest, but that thread only becomes
 * ready: a thread already running (often the releaser itself, looping back
 * to acquire()) may take the free lock first ("barging"). A woken waiter
 * that finds the lock taken again waits again, at the back of the queue,
 * with what is left of its timeout. So acquire() is "while locked: wait at
 * the back", and release() is "unlock, wake the longest waiter". This is the
 * outcome CPython shows: the GIL lets the releaser run on and re-acquire.
 *
 * Wake order and ties: waiters are queued in the order they started waiting
 * (each wait, including a re-wait after losing a race, goes to the back);
 * release() wakes the head. A waiter whose timeout has expired but that has
 * not run yet no longer waits (like an OS lock's timed-out waiter): release()
 * skips it and wakes the next one; it returns False when it runs, even if
 * the lock is free by then.
 *
 * RLock: an owner and a recursion count. The owner re-acquires at once
 * (count + 1); others wait exactly as on a Lock. release() by anyone but the
 * owner fails; the last release frees the lock and wakes the longest waiter.
 *
 * Holder (for deadlock reports): an RLock's owner; for a Lock, the thread
 * that acquired it (CPython's Lock has no owner, and any thread may release
 * it; then it has no holder).
 *
 * Timeouts are Python floats in seconds, as acquire(blocking, timeout)
 * takes them: MODEL_NO_TIMEOUT (or -1, CPython's default) waits forever; 0
 * is a non-blocking try. The deadline is computed once (now + timeout,
 * rounded up to a nanosecond) and every re-wait ends by it.
 *
 * Errors (CPython 3.11's exact messages):
 *   ValueError "can't specify a timeout for a non-blocking call"
 *   ValueError "timeout value must be positive"           (timeout < 0, not -1)
 *   ValueError "Invalid value NaN (not a number)"
 *   OverflowError "timestamp out of range for platform time_t"
 *                      (timeout * 1e9 outside int64: about 292 years, or -inf)
 *   RuntimeError "release unlocked lock"                  (Lock)
 *   RuntimeError "cannot release un-acquired lock"        (RLock, not the owner)
 *
 * Trace: a wait is a `block` event with reason "lock" and the lock ("Lock-1",
 * "RLock-1"); a release that wakes a waiter is a `wake` with cause "release".
 */
#ifndef MODEL_LOCK_H
#define MODEL_LOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "core.h"

typedef struct model_lock {
    model_obj hdr;            /* kind "Lock" or "RLock" */
    bool reentrant;           /* RLock */
    bool locked;              /* held (for an RLock: count > 0) */
    model_thread *owner;      /* RLock owner / Lock acquirer; NULL when free */
    uint64_t count;           /* RLock recursion depth; 0 or 1 for a Lock */
    model_waitq waiters;      /* threads in acquire(), longest first */
} model_lock;

/* threading.Lock(), threading.RLock(). Never fail. */
model_lock *model_lock_new(void);
model_lock *model_rlock_new(void);

/* acquire(blocking, timeout). Returns 1 acquired, 0 not (non-blocking try
 * failed, or the timeout passed), -1 with ValueError/OverflowError set. */
int model_lock_acquire(model_lock *l, bool blocking, double timeout);
/* acquire() with no arguments: waits as long as it takes. Returns 1. */
int model_lock_acquire_forever(model_lock *l);
/* release(). 0, or -1 with RuntimeError set. */
int model_lock_release(model_lock *l);
/* Lock.locked() (for an RLock: held by anyone). */
bool model_lock_locked(model_lock *l);
/* The RLock's owner (or the Lock's acquirer), NULL if free. */
model_thread *model_lock_owner(const model_lock *l);
/* An RLock's recursion count (a Lock: 1 if locked, else 0). */
uint64_t model_lock_count(const model_lock *l);

/* ---- for Condition (CPython's _is_owned, _release_save, _acquire_restore) */

/* A Lock named `what` (not counted as a "Lock-N"): a primitive's own lock. */
model_lock *model__lock_new_named(const char *what);

/* RLock: held by the current thread. Lock: held by anyone (CPython can only
 * tell whether a plain Lock is locked). */
bool model__lock_is_owned(model_lock *l);
/* Release fully; returns the saved recursion count (0 and RuntimeError
 * "cannot release un-acquired lock" if an RLock is not owned). */
uint64_t model__lock_release_save(model_lock *l);
/* Acquire (waiting as long as it takes) and restore the saved count. */
void model__lock_acquire_restore(model_lock *l, uint64_t count);

/* ---- timeouts shared by the primitives ---------------------------------- */

/* Check a lock-style (blocking, timeout) pair as CPython's
 * lock_acquire_parse_args does and turn it into a deadline: SIM_FOREVER, or
 * an absolute virtual ns (<= now for a non-blocking try). Returns 0, or -1
 * with CPython's ValueError/OverflowError set. */
int model__lock_deadline(bool blocking, double timeout, int64_t *deadline);
/* Python-level waits (Condition, Event, Semaphore, Barrier): None
 * (MODEL_NO_TIMEOUT) waits forever, anything <= 0 (or NaN) does not block,
 * otherwise now + timeout rounded up. */
int64_t model__wait_deadline(double timeout);
/* A timeout CPython's time layer cannot hold in nanoseconds (|t| * 1e9 past
 * int64, -inf; MODEL_NO_TIMEOUT is not one): the Python-level waits raise
 * OverflowError "timestamp out of range for platform time_t" when they would
 * block with it, the lock layer whenever it is given. */
bool model__timeout_overflows(double timeout);
/* Set that OverflowError; returns -1. */
int model__timeout_overflow_error(void);

#endif
