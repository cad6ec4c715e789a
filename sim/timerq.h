/*
 * sim/timerq.h — the event queue: pending timed events, earliest first.
 *
 * A binary min-heap of pointers to caller-owned sim_timer records, ordered by
 * (when, seq): `when` is the virtual time the timer is due, `seq` a counter
 * stamped at arming, so of two timers due at the same instant the one armed
 * first comes out first. That tie-break is what makes equal deadlines
 * deterministic (tests/test_timerq.c checks both insertion orders).
 *
 * Each timer remembers its heap slot, so cancellation (a join that ends before
 * its timeout) is O(log n) and cancelling an unarmed timer is a no-op.
 *
 *   arm     O(log n)     cancel  O(log n)     peek  O(1)     pop  O(log n)
 */
#ifndef SIM_TIMERQ_H
#define SIM_TIMERQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim_timer;
typedef void (*sim_timer_fn)(struct sim_timer *t, void *ud);

typedef struct sim_timer {
    int64_t when;         /* due time, virtual nanoseconds */
    uint64_t seq;         /* arming order; breaks ties between equal `when` */
    int32_t slot;         /* index in the heap, -1 while not armed */
    sim_timer_fn fire;    /* called when the timer is popped by the scheduler */
    void *ud;             /* passed to fire */
} sim_timer;

typedef struct sim_timerq {
    sim_timer **heap;     /* heap[0] is the earliest (when, seq) */
    size_t n;             /* armed timers */
    size_t cap;           /* allocated slots */
    uint64_t next_seq;    /* stamp for the next arm */
} sim_timerq;

void sim_timerq_init(sim_timerq *q);
void sim_timerq_fini(sim_timerq *q);

/* Set up a timer record (unarmed). */
void sim_timer_init(sim_timer *t, sim_timer_fn fire, void *ud);
static inline bool sim_timer_armed(const sim_timer *t) { return t->slot >= 0; }

/* Arm `t` to fire at `when`. Re-arming an armed timer moves it (and stamps a
 * new seq, as if cancelled and armed again). Returns -1 on out-of-memory. */
int sim_timerq_arm(sim_timerq *q, sim_timer *t, int64_t when);
/* Room for `n` armed timers, so that arming up to that many cannot fail.
 * Returns -1 on out-of-memory. */
int sim_timerq_reserve(sim_timerq *q, size_t n);
/* Disarm `t` if armed. */
void sim_timerq_cancel(sim_timerq *q, sim_timer *t);
/* Earliest timer, or NULL. */
static inline sim_timer *sim_timerq_peek(const sim_timerq *q) { return q->n ? q->heap[0] : NULL; }
/* Remove and return the earliest timer (unarmed on return), or NULL. */
sim_timer *sim_timerq_pop(sim_timerq *q);

#endif
