/*
 * model/timer.h — threading.Timer: a Thread whose run() waits, then calls.
 *
 * As in Lib/threading.py, a Timer is a Thread subclass made with no target
 * (so its default name is plain "Thread-N", never "Thread-N (function)") and
 * an Event `finished`. Its run() is
 *
 *   finished.wait(interval)
 *   if not finished.is_set(): function(arg)
 *   finished.set()
 *
 * and cancel() is finished.set(): a Timer cancelled while it waits wakes at
 * once and ends without calling; one cancelled before start() does not wait
 * at all. Start, join, name, daemon: the model_thread calls on &timer->thread.
 *
 * The interval runs on the virtual clock from the moment the Timer's thread
 * first runs (at start(), which hands over at once), rounded up to a
 * nanosecond. Ties with other timed events at the same instant: the one
 * armed first fires first (sched.h).
 *
 * Trace: the wait is a `block` with reason "timer" on the Timer's event,
 * shown as "Timer-1", "Timer-2"... in creation order; cancel() wakes it
 * with cause "set".
 */
#ifndef MODEL_TIMER_H
#define MODEL_TIMER_H

#include "event.h"
#include "thread.h"

typedef struct model_timer {
    model_thread thread;      /* the base Thread; must come first */
    double interval;          /* seconds to wait */
    model_target_fn function; /* called with arg unless cancelled */
    void *arg;
    model_event *finished;    /* set by cancel() and at the end of run() */
} model_timer;

/* threading.Timer(interval, function, args=(arg,)). Never fails. */
model_timer *model_timer_new(double interval, model_target_fn function, void *arg);
/* Timer.cancel(). */
void model_timer_cancel(model_timer *t);

#endif
