/*
 * model/sema.h — threading.Semaphore and threading.BoundedSemaphore.
 *
 * CPython's Semaphore is a counter and a Condition over a Lock (Lib/
 * threading.py). Every operation here runs inside one model call that never
 * blocks while holding that inner lock, so the lock never shows and the
 * Condition reduces to a FIFO of waiters; the rest is CPython's code:
 *
 *   acquire: while value == 0: (not blocking: fail) (deadline passed: fail)
 *            wait for a notify; then value -= 1.
 *   release(n): value += n, then notify() n times.
 *
 * Wake order and ties: waiters are notified in the order they started
 * waiting (FIFO); one that waits again after losing a race goes to the back.
 * A woken waiter only becomes ready: a thread that is already running may
 * take the count first (barging), and the woken one then waits again with
 * what is left of its timeout. As with Condition, a waiter whose timeout has
 * expired but that has not run yet still receives a notify (it is in the
 * deque until it runs); when it runs it takes the count if it is there.
 *
 * Timeouts: MODEL_NO_TIMEOUT (None) waits as long as it takes; <= 0 does not
 * block; the deadline is computed once. A NaN timeout spins without blocking
 * (CPython's loop never sees the time run out), one model step per turn.
 *
 * Errors (CPython 3.11's exact messages):
 *   ValueError "semaphore initial value must be >= 0"
 *   ValueError "can't specify timeout for non-blocking acquire"
 *   ValueError "n must be one or more"                      (release(n), n < 1)
 *   ValueError "Semaphore released too many times"          (BoundedSemaphore)
 *   OverflowError "timestamp out of range for platform time_t" (a wait with a
 *                                                timeout too large; lock.h)
 *
 * Trace: a wait is a `block` with reason "semaphore" and the semaphore
 * ("Semaphore-1", "BoundedSemaphore-1"); a release that wakes one is a
 * `wake` with cause "release".
 */
#ifndef MODEL_SEMA_H
#define MODEL_SEMA_H

#include <stdbool.h>
#include <stdint.h>

#include "core.h"

typedef struct model_sema {
    model_obj hdr;            /* kind "Semaphore" or "BoundedSemaphore" */
    int64_t value;            /* the counter */
    int64_t initial;          /* BoundedSemaphore's bound (_initial_value) */
    bool bounded;             /* BoundedSemaphore */
    model_waitq waiters;      /* the inner Condition's deque, oldest first */
} model_sema;

/* threading.Semaphore(value), BoundedSemaphore(value). NULL with ValueError
 * set if value < 0. */
model_sema *model_sema_new(int64_t value);
model_sema *model_bounded_sema_new(int64_t value);
/* acquire(blocking, timeout): 1 acquired, 0 not, -1 error. Pass
 * MODEL_NO_TIMEOUT for None (the only timeout allowed when not blocking). */
int model_sema_acquire(model_sema *s, bool blocking, double timeout);
/* release(n): 0, or -1 with ValueError set. */
int model_sema_release(model_sema *s, int64_t n);
/* The counter (CPython's _value, shown by repr). */
int64_t model_sema_value(const model_sema *s);

#endif
