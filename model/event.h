/*
 * model/event.h — threading.Event.
 *
 * CPython's Event is a flag and a Condition over a Lock. Its inner lock is
 * never contended inside one model call, so here the Condition is a plain
 * FIFO of waiters:
 *
 *   set():   flag = True; wake every waiter (notify_all).
 *   clear(): flag = False.
 *   wait(t): if the flag is set, True at once; else wait for set() or the
 *            timeout and return what the inner Condition.wait returned:
 *            True if set() woke it, even if clear() ran before it did
 *            (CPython 3.11 returns that, not a fresh look at the flag).
 *
 * Wake order and ties: set() wakes the waiters in the order they started
 * waiting (FIFO); they run after the setter blocks or finishes, in that
 * order. A waiter whose timeout has expired but that has not run yet is
 * still in the deque: set() spends its notify on it, and its wait() returns
 * False (as in CPython).
 *
 * Timeouts: MODEL_NO_TIMEOUT (None) waits as long as it takes; <= 0 or NaN
 * returns the flag without blocking; a timeout too large for nanoseconds is
 * CPython's OverflowError when it would block (lock.h).
 *
 * Trace: a wait is a `block` with reason "event" and the Event ("Event-1");
 * set() wakes with cause "set". A Timer's own Event (timer.h) shows as
 * "Timer-1" with reason "timer".
 */
#ifndef MODEL_EVENT_H
#define MODEL_EVENT_H

#include <stdbool.h>

#include "core.h"

typedef struct model_event {
    model_obj hdr;            /* kind "Event" (a Timer's: "Timer") */
    bool flag;                /* is_set() */
    const char *reason;       /* wait reason in the trace: "event" or "timer" */
    model_waitq waiters;      /* the inner Condition's deque, oldest first */
} model_event;

/* threading.Event(). Never fails. */
model_event *model_event_new(void);
void model_event_set(model_event *e);
void model_event_clear(model_event *e);
bool model_event_is_set(model_event *e);
/* wait(timeout): 1 (set, or woken by set()), 0 (timed out), -1 (error). */
int model_event_wait(model_event *e, double timeout);

/* An Event of another kind and wait reason (a Timer's "finished"). */
model_event *model__event_new_kind(const char *kind, const char *reason);

#endif
