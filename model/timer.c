/*
 * model/timer.c — Timer (see timer.h): a model_thread subclass whose run()
 * override is Lib/threading.py's Timer.run.
 */
#include "timer.h"

#include "world.h"

static void timer__run(model_thread *self)
{
    model_timer *t = (model_timer *)self;
    if (model_event_wait(t->finished, t->interval) < 0)
        model_raise();
    if (!model_event_is_set(t->finished))
        t->function(t->arg);
    model_event_set(t->finished);
}

model_timer *model_timer_new(double interval, model_target_fn function, void *arg)
{
    model_timer *t = (model_timer *)model_thread_new_sized(sizeof *t, NULL, NULL, NULL, NULL);
    t->thread.run = timer__run;
    t->interval = interval;
    t->function = function;
    t->arg = arg;
    t->finished = model__event_new_kind("Timer", "timer");
    return t;
}

void model_timer_cancel(model_timer *t) { model_event_set(t->finished); }
