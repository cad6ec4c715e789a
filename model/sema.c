/*
 * model/sema.c — Semaphore and BoundedSemaphore (see sema.h): Lib/
 * threading.py's loop, with the inner Condition as a plain wait queue (its
 * lock is never contended inside one model call).
 */
#include "sema.h"

#include <math.h>

#include "lock.h"
#include "world.h"

static model_sema *sema__new(const char *kind, int64_t value, bool bounded)
{
    model_step();
    if (value < 0) {
        model_err_set("ValueError", "semaphore initial value must be >= 0");
        return NULL;
    }
    model_sema *s = model_obj_new(sizeof *s, kind, NULL);
    s->value = value;
    s->initial = value;
    s->bounded = bounded;
    return s;
}

model_sema *model_sema_new(int64_t value) { return sema__new("Semaphore", value, false); }

model_sema *model_bounded_sema_new(int64_t value)
{
    return sema__new("BoundedSemaphore", value, true);
}

int model_sema_acquire(model_sema *s, bool blocking, double timeout)
{
    model_step();
    bool forever = isinf(timeout) && timeout > 0;
    if (!blocking && !forever)
        return model_err_set("ValueError", "can't specify timeout for non-blocking acquire");
    bool have_end = false;
    int64_t end = SIM_FOREVER;
    while (s->value == 0) {
        if (!blocking)
            return 0;
        if (!forever) {
            if (!have_end) {
                end = model__wait_deadline(timeout);
                have_end = true;
            } else if (!isnan(timeout) && end - model_now_ns() <= 0) {
                return 0;
            }
            if (end > model_now_ns() && model__timeout_overflows(timeout))
                return model__timeout_overflow_error();
        }
        /* self._cond.wait(timeout): woken, timed out or (timeout <= 0) not
         * blocking at all; the loop looks at the counter again either way. */
        model_wait_until(&s->waiters, "semaphore", &s->hdr, end);
        if (isnan(timeout))
            model_step(); /* CPython spins here; let the switch interval see it */
    }
    s->value--;
    return 1;
}

int model_sema_release(model_sema *s, int64_t n)
{
    model_step();
    if (n < 1)
        return model_err_set("ValueError", "n must be one or more");
    if (s->bounded && s->value + n > s->initial)
        return model_err_set("ValueError", "Semaphore released too many times");
    s->value += n;
    for (int64_t i = 0; i < n && model_wake_one(&s->waiters, "release", &s->hdr); i++)
        ;
    return 0;
}

int64_t model_sema_value(const model_sema *s) { return s->value; }
