/*
 * model/barrier.c — Barrier (see barrier.h), after Lib/threading.py: the
 * private methods _enter, _release, _wait, _exit and _break keep CPython's
 * names and order, so the two can be read side by side.
 */
#include "barrier.h"

#include <math.h>
#include <stdlib.h>

#include "world.h"

enum { BARRIER_FILLING = 0, BARRIER_DRAINING = 1, BARRIER_RESETTING = -1, BARRIER_BROKEN = -2 };

static int barrier__broken_error(void)
{
    return model_err_set(MODEL_EXC_BROKEN_BARRIER, "%s", "");
}

model_barrier *model_barrier_new(int64_t parties, model_barrier_action action, void *ud,
                                 double timeout)
{
    model_step();
    model_barrier *b = model_obj_new(sizeof *b, "Barrier", NULL);
    char *what = model__xasprintf("%s lock", b->hdr.what);
    model_lock *lock = model__lock_new_named(what);
    free(what);
    b->cond = model__cond_new_named(lock, b->hdr.what);
    b->action = action;
    b->action_ud = ud;
    b->timeout = timeout;
    b->parties = parties;
    return b;
}

/* `with self._cond:` */
static void barrier__lock(model_barrier *b) { model_lock_acquire_forever(b->cond->lock); }
static void barrier__unlock(model_barrier *b) { model_lock_release(b->cond->lock); }

static void barrier__break(model_barrier *b)
{
    b->state = BARRIER_BROKEN;
    model__cond_notify(b->cond, b->cond->nwaiters, "barrier broken");
}

/* Block while the barrier drains or resets; -1 if it is broken. */
static int barrier__enter(model_barrier *b)
{
    while (b->state == BARRIER_RESETTING || b->state == BARRIER_DRAINING)
        model__cond_wait_until(b->cond, SIM_FOREVER, false, "barrier", &b->hdr);
    if (b->state < 0)
        return barrier__broken_error();
    return 0;
}

/* The last arrival: run the action, then let everyone go. */
static int barrier__release(model_barrier *b)
{
    if (b->action && b->action(b->action_ud) < 0) {
        barrier__break(b);
        return -1;
    }
    b->state = BARRIER_DRAINING;
    model__cond_notify(b->cond, b->cond->nwaiters, "barrier");
    return 0;
}

static int barrier__not_filling(void *ud)
{
    return ((model_barrier *)ud)->state != BARRIER_FILLING;
}

/* Wait until the last one arrives; a timeout breaks the barrier. */
static int barrier__wait(model_barrier *b, double timeout)
{
    int r = model__cond_wait_for_as(b->cond, barrier__not_filling, b, timeout, "barrier",
                                    &b->hdr);
    if (r < 0)
        return -1;
    if (r == 0) {
        barrier__break(b);
        return barrier__broken_error();
    }
    if (b->state < 0)
        return barrier__broken_error();
    return 0;
}

/* The last one out lets a new round (or the end of a reset) begin. */
static void barrier__exit(model_barrier *b)
{
    if (b->count == 0 && (b->state == BARRIER_RESETTING || b->state == BARRIER_DRAINING)) {
        b->state = BARRIER_FILLING;
        model__cond_notify(b->cond, b->cond->nwaiters, "barrier");
    }
}

int64_t model_barrier_wait(model_barrier *b, double timeout)
{
    model_step();
    if (isinf(timeout) && timeout > 0)
        timeout = b->timeout;
    barrier__lock(b);
    if (barrier__enter(b) < 0) {
        barrier__unlock(b);
        return -1;
    }
    int64_t index = b->count++;
    int r = index + 1 == b->parties ? barrier__release(b) : barrier__wait(b, timeout);
    b->count--;
    barrier__exit(b);
    barrier__unlock(b);
    return r < 0 ? -1 : index;
}

void model_barrier_reset(model_barrier *b)
{
    model_step();
    barrier__lock(b);
    if (b->count > 0) {
        if (b->state == BARRIER_FILLING || b->state == BARRIER_BROKEN)
            b->state = BARRIER_RESETTING;
    } else {
        b->state = BARRIER_FILLING;
    }
    model__cond_notify(b->cond, b->cond->nwaiters, "barrier reset");
    barrier__unlock(b);
}

void model_barrier_abort(model_barrier *b)
{
    model_step();
    barrier__lock(b);
    barrier__break(b);
    barrier__unlock(b);
}

int64_t model_barrier_parties(const model_barrier *b)
{
    model_step();
    return b->parties;
}

int64_t model_barrier_n_waiting(const model_barrier *b)
{
    model_step();
    return b->state == BARRIER_FILLING ? b->count : 0;
}

bool model_barrier_broken(const model_barrier *b)
{
    model_step();
    return b->state == BARRIER_BROKEN;
}
