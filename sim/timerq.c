/* sim/timerq.c — min-heap of timers ordered by (when, seq); see timerq.h. */
#include "timerq.h"

#include <stdlib.h>

void sim_timerq_init(sim_timerq *q)
{
    q->heap = NULL;
    q->n = q->cap = 0;
    q->next_seq = 0;
}

void sim_timerq_fini(sim_timerq *q)
{
    for (size_t i = 0; i < q->n; i++)
        q->heap[i]->slot = -1;
    free(q->heap);
    sim_timerq_init(q);
}

void sim_timer_init(sim_timer *t, sim_timer_fn fire, void *ud)
{
    t->when = 0;
    t->seq = 0;
    t->slot = -1;
    t->fire = fire;
    t->ud = ud;
}

static bool timerq__less(const sim_timer *a, const sim_timer *b)
{
    return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void timerq__place(sim_timerq *q, size_t i, sim_timer *t)
{
    q->heap[i] = t;
    t->slot = (int32_t)i;
}

static void timerq__up(sim_timerq *q, size_t i)
{
    sim_timer *t = q->heap[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!timerq__less(t, q->heap[parent]))
            break;
        timerq__place(q, i, q->heap[parent]);
        i = parent;
    }
    timerq__place(q, i, t);
}

static void timerq__down(sim_timerq *q, size_t i)
{
    sim_timer *t = q->heap[i];
    for (;;) {
        size_t l = 2 * i + 1, best = i;
        const sim_timer *bt = t;
        if (l < q->n && timerq__less(q->heap[l], bt))
            best = l, bt = q->heap[l];
        if (l + 1 < q->n && timerq__less(q->heap[l + 1], bt))
            best = l + 1;
        if (best == i)
            break;
        timerq__place(q, i, q->heap[best]);
        i = best;
    }
    timerq__place(q, i, t);
}

/* Remove the element at slot i, keeping the heap property. */
static void timerq__remove_at(sim_timerq *q, size_t i)
{
    sim_timer *t = q->heap[i];
    t->slot = -1;
    q->n--;
    if (i == q->n)
        return;
    sim_timer *last = q->heap[q->n];
    timerq__place(q, i, last);
    if (i > 0 && timerq__less(last, q->heap[(i - 1) / 2]))
        timerq__up(q, i);
    else
        timerq__down(q, i);
}

int sim_timerq_reserve(sim_timerq *q, size_t n)
{
    if (n <= q->cap)
        return 0;
    if (n > INT32_MAX) /* slots are int32 */
        return -1;
    size_t cap = q->cap ? q->cap : 16;
    while (cap < n)
        cap *= 2;
    sim_timer **h = realloc(q->heap, cap * sizeof *h);
    if (!h)
        return -1;
    q->heap = h;
    q->cap = cap;
    return 0;
}

int sim_timerq_arm(sim_timerq *q, sim_timer *t, int64_t when)
{
    if (t->slot >= 0)
        timerq__remove_at(q, (size_t)t->slot);
    if (q->n == q->cap && sim_timerq_reserve(q, q->n + 1) != 0)
        return -1;
    t->when = when;
    t->seq = q->next_seq++;
    q->heap[q->n] = t;
    t->slot = (int32_t)q->n;
    q->n++;
    timerq__up(q, q->n - 1);
    return 0;
}

void sim_timerq_cancel(sim_timerq *q, sim_timer *t)
{
    if (t->slot >= 0)
        timerq__remove_at(q, (size_t)t->slot);
}

sim_timer *sim_timerq_pop(sim_timerq *q)
{
    if (q->n == 0)
        return NULL;
    sim_timer *t = q->heap[0];
    timerq__remove_at(q, 0);
    return t;
}
