/*
 * model/enumerate.c — threading.enumerate(), active_count(), get_ident()
 * (see thread.h).
 *
 * Start order is ident order: model_thread_start hands out idents from one
 * counter (main has 1), so the alive threads sorted by ident are CPython's
 * _active dict in insertion order. The world keeps threads in creation
 * order, which differs when a thread is created early and started late.
 */
#include "world.h"

static bool enumerate__alive(const model_thread *t) { return t->started && !t->finished; }

uint32_t model_enumerate(model_thread **out, uint32_t cap)
{
    model_world *w = model__world();
    model_step();
    uint32_t n = 0;
    long last = 0;
    /* Selection by ident, smallest first: O(threads^2), and threads are few. */
    for (;;) {
        model_thread *next = NULL;
        for (uint32_t i = 0; i < w->nthreads; i++) {
            model_thread *t = w->threads[i];
            if (enumerate__alive(t) && t->ident > last && (!next || t->ident < next->ident))
                next = t;
        }
        if (!next)
            return n;
        if (n < cap)
            out[n] = next;
        n++;
        last = next->ident;
    }
}

uint32_t model_active_count(void)
{
    model_world *w = model__world();
    model_step();
    uint32_t n = 0;
    for (uint32_t i = 0; i < w->nthreads; i++)
        n += enumerate__alive(w->threads[i]);
    return n;
}

long model_get_ident(void)
{
    model_world *w = model__world();
    model_step();
    return model__current(w)->ident;
}
