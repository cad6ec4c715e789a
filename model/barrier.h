/*
 * model/barrier.h — threading.Barrier and threading.BrokenBarrierError.
 *
 * Lib/threading.py's Barrier, statement for statement, on a Condition over
 * its own Lock: a count of threads inside wait() and a state, filling (0),
 * draining (1), resetting (-1) or broken (-2).
 *
 *   wait(): wait while the barrier drains or resets; broken: raise. Take
 *     index = count, count += 1. The last of `parties` runs the action (with
 *     the barrier's lock held), sets draining and wakes everyone; the others
 *     wait until the state leaves filling (for `timeout`, which breaks the
 *     barrier when it passes) and raise if it broke. On the way out count -=
 *     1; the last one out sets filling again and wakes those waiting to
 *     enter. Returns the arrival index, 0 .. parties-1.
 *   reset(): waiters get BrokenBarrierError, the barrier is filling again
 *     once they are out. abort(): broken for good (until reset()).
 *
 * Wake order and ties: the Condition's FIFO (cond.h): threads leave wait()
 * in the order they arrived; the last arrival goes on first (it holds the
 * lock) and returns first. An action that fails (returns -1 with an
 * exception set) breaks the barrier and the exception propagates from that
 * thread's wait(); the others get BrokenBarrierError.
 *
 * parties is not checked, as in CPython 3.11 (Barrier(0) waits forever).
 *
 * Timeouts: wait(MODEL_NO_TIMEOUT) uses the barrier's default timeout (None
 * in Python means "the default"), which may itself be MODEL_NO_TIMEOUT.
 *
 * Errors: BrokenBarrierError, type string MODEL_EXC_BROKEN_BARRIER with an
 * empty message, so an uncaught one ends with the line CPython prints,
 * "threading.BrokenBarrierError".
 *
 * Trace: waits are `block` events with reason "barrier" and the barrier
 * ("Barrier-1"); its lock shows as "Barrier-1 lock" when the action holds it
 * while another thread arrives.
 */
#ifndef MODEL_BARRIER_H
#define MODEL_BARRIER_H

#include <stdbool.h>
#include <stdint.h>

#include "cond.h"

#define MODEL_EXC_BROKEN_BARRIER "threading.BrokenBarrierError"

/* The action: 0 done, -1 with an exception set. */
typedef int (*model_barrier_action)(void *ud);

typedef struct model_barrier {
    model_obj hdr;                 /* kind "Barrier" */
    model_cond *cond;              /* Condition(Lock()) */
    model_barrier_action action;   /* may be NULL */
    void *action_ud;
    double timeout;                /* default wait timeout; MODEL_NO_TIMEOUT = None */
    int64_t parties;
    int state;                     /* 0 filling, 1 draining, -1 resetting, -2 broken */
    int64_t count;                 /* threads inside wait() */
} model_barrier;

/* threading.Barrier(parties, action, timeout). Never fails. */
model_barrier *model_barrier_new(int64_t parties, model_barrier_action action, void *ud,
                                 double timeout);
/* wait(timeout): the arrival index, or -1 with BrokenBarrierError (or the
 * action's exception, or OverflowError) set. */
int64_t model_barrier_wait(model_barrier *b, double timeout);
void model_barrier_reset(model_barrier *b);
void model_barrier_abort(model_barrier *b);
int64_t model_barrier_parties(const model_barrier *b);
/* Threads waiting for the barrier to fill (0 while draining or broken). */
int64_t model_barrier_n_waiting(const model_barrier *b);
bool model_barrier_broken(const model_barrier *b);

#endif
