/*
 * model/event.c — Event (see event.h): Lib/threading.py's Event with the
 * inner Condition as a plain wait queue.
 */
#include "event.h"

#include "lock.h"
#include "world.h"

model_event *model__event_new_kind(const char *kind, const char *reason)
{
    model_event *e = model_obj_new(sizeof *e, kind, NULL);
    e->reason = reason;
    return e;
}

model_event *model_event_new(void)
{
    model_step();
    return model__event_new_kind("Event", "event");
}

void model_event_set(model_event *e)
{
    model_step();
    e->flag = true;
    model_wake_all(&e->waiters, "set", &e->hdr);
}

void model_event_clear(model_event *e)
{
    model_step();
    e->flag = false;
}

bool model_event_is_set(model_event *e)
{
    model_step();
    return e->flag;
}

int model_event_wait(model_event *e, double timeout)
{
    model_step();
    if (e->flag)
        return 1;
    int64_t deadline = model__wait_deadline(timeout);
    if (deadline != SIM_FOREVER && deadline <= model_now_ns())
        return 0;
    if (model__timeout_overflows(timeout))
        return model__timeout_overflow_error();
    return model_wait_until(&e->waiters, e->reason, &e->hdr, deadline) ? 1 : 0;
}
