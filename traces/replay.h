/*
 * traces/replay.h — recorded schedules and the replay policy.
 *
 * A schedule is the list of decisions a run made: at each scheduling point
 * with two or more ready threads (sched.h), how many were ready, which index
 * of the ready queue was chosen and which thread that was. Fed back through
 * the replay policy, the same program with the same options makes the same
 * choices and so produces the same trace, whatever policy recorded it.
 *
 * If the program has changed, the schedule may no longer fit. The replay
 * policy checks each decision against the record and stops trusting it at
 * the first one that does not match:
 *
 *   - a different number of ready threads;
 *   - the recorded index now holds a different thread;
 *   - the run needs more decisions than were recorded;
 *   - (found after the run, by trace_replay_finish) the run made fewer.
 *
 * It remembers where (decision number, virtual time, events emitted so far)
 * and why, and from then on chooses like FIFO so the run still ends.
 */
#ifndef TRACES_REPLAY_H
#define TRACES_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../sim/sched.h"

/* One recorded decision. */
typedef struct trace_decision {
    uint64_t index;         /* decision number, from 0 */
    uint32_t n;             /* threads that were ready (>= 2) */
    uint32_t chosen;        /* index into the ready queue (0 = ready longest) */
    uint32_t thread;        /* id of the chosen thread */
    uint64_t seq;           /* events emitted before the decision */
} trace_decision;

typedef struct trace_replay {
    const trace_decision *d;  /* the recorded schedule (borrowed), by index */
    size_t n;                 /* its length */
    size_t next;              /* decisions used so far */
    bool diverged;            /* the schedule stopped fitting */
    uint64_t at_decision;     /* where: decision number */
    int64_t at_time;          /* virtual ns */
    uint64_t at_seq;          /* events emitted before that decision */
    char why[160];            /* what did not match, one line */
} trace_replay;

void trace_replay_init(trace_replay *r, const trace_decision *d, size_t n);
/* The policy replaying `r` (borrowed for the run). */
sim_policy trace_replay_policy(trace_replay *r);
/* After the run: note a schedule that was not used up. `decisions`, `time`
 * and `seq` are the run's totals (model_result). Returns !r->diverged. */
bool trace_replay_finish(trace_replay *r, uint64_t decisions, int64_t time, uint64_t seq);

#endif
