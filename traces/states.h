/*
 * traces/states.h — what every thread is doing, rebuilt from a trace.
 *
 * Reading a run's events in order, this tracker keeps each thread's state
 * (new, running, ready, blocked on what, sleeping until when, finished,
 * killed), since when, and the wait that keeps it. It needs nothing but the
 * trace, so a stored run and a live one give the same answers; the stepper
 * shows it at each stop and the exports draw its intervals.
 *
 * The rules, event by event (kinds as in sim/event.h):
 *
 *   create   `other` is NEW (daemon flag = arg);
 *   start    `other` becomes READY, and so does the starter (start() hands
 *            the CPU over: the scheduler then picks among them);
 *   switch   `other` RUNS; `thread`, if it was still running, is READY;
 *   block    `thread` waits (BLOCKED, or SLEEPING when the reason is
 *            "sleep"), with reason, object, what and deadline;
 *   wake     `other` is READY, woken by `thread` (SIM_NONE: by a timer);
 *   timeout  `thread` is READY, its deadline passed;
 *   preempt, yield   `thread` is READY (it stays in the ready queue);
 *   exit     `thread` is DONE;  killed: `thread` is KILLED (the wait it was
 *            in is kept, for "killed while sleeping until 5.0");
 *   note "rename"   `other` has a new name;
 *   note "line"     `thread` is at the source line `text` ("file:line").
 *
 * A thread that acts (creates, starts, blocks, wakes another, writes, exits,
 * raises, is preempted, yields, renames) while READY or NEW was chosen to run
 * without a switch event (the scheduler picked the thread that was already
 * on the CPU, or the main thread began): it is RUNNING from that event on.
 *
 * Each time a thread leaves a state, the optional span callback receives
 * the span it spent there (virtual times and event numbers; every state,
 * NEW, DONE and KILLED included, from the event that first named the
 * thread); trace_states_end closes the spans still open. Spans are reported in the order they close,
 * and at the end in thread id order, so the output built from them is the
 * same bytes for the same trace.
 */
#ifndef TRACES_STATES_H
#define TRACES_STATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../sim/sched.h"
#include "trace.h"

typedef enum trace_st {
    TRACE_ST_NEW,       /* created, not started */
    TRACE_ST_RUNNING,   /* on the CPU */
    TRACE_ST_READY,     /* runnable, waiting for the CPU */
    TRACE_ST_BLOCKED,   /* waiting on an object (join, lock, ...) */
    TRACE_ST_SLEEPING,  /* in time.sleep() */
    TRACE_ST_DONE,      /* finished (returned or raised) */
    TRACE_ST_KILLED,    /* a daemon still alive when the program ended */
    TRACE_ST__COUNT
} trace_st;

/* "new", "running", "ready", "blocked", "sleeping", "finished", "killed". */
const char *trace_st_name(trace_st s);

typedef struct trace_thread {
    bool known;             /* a create event named it */
    char *name;             /* current name (owned) */
    bool daemon;            /* daemon flag (create, updated by start) */
    trace_st state;
    int64_t since;          /* virtual ns it entered `state` */
    uint64_t since_seq;     /* event that put it there (0: before any event) */
    /* the wait, while BLOCKED or SLEEPING (and kept once KILLED) */
    char *reason;           /* "join", "lock", "sleep", ... (owned) or NULL */
    char *what;             /* the object as the model names it ("Thread daemon"), or NULL */
    uint32_t obj;           /* object id, or SIM_NONE */
    int64_t deadline;       /* virtual ns, or SIM_FOREVER */
    /* the last wake-up */
    uint32_t woken_by;      /* waker thread, SIM_NONE for a timer or none yet */
    char *exit_how;         /* exit text ("returned", "exception"), or NULL */
    char *at;               /* a Python program's "file:line" (its last note "line"), or NULL */
} trace_thread;

/* A span one thread spent in one state, handed out when it ends. */
typedef struct trace_span {
    uint32_t thread;        /* thread id */
    trace_st state;
    int64_t t0, t1;         /* virtual ns: entered, left (t1 >= t0) */
    uint64_t seq0, seq1;    /* the events that began and ended it */
    const char *reason;     /* the wait (BLOCKED/SLEEPING, or what a KILLED thread was
                               waiting for), else NULL; valid during the call */
    const char *what;
    uint32_t obj;
    int64_t deadline;
} trace_span;

typedef void (*trace_span_fn)(void *ud, const trace_span *sp);

typedef struct trace_states {
    trace_thread *th;       /* by thread id */
    uint32_t n;             /* threads seen */
    uint32_t running;       /* the running thread, or SIM_NONE */
    int64_t now;            /* time of the last event seen */
    uint64_t seq;           /* number of the last event seen */
    trace_span_fn on_span;  /* may be NULL */
    void *span_ud;
} trace_states;

void trace_states_init(trace_states *s, trace_span_fn on_span, void *ud);
void trace_states_fini(trace_states *s);
/* Apply one event; call for every event of the run, in order. */
void trace_states_see(trace_states *s, const sim_event *ev);
/* Close every span still open at the last event seen (their t1 = now). */
void trace_states_end(trace_states *s);
/* Thread `id`, or NULL if the trace has not mentioned it. */
const trace_thread *trace_states_get(const trace_states *s, uint32_t id);

/* A pending timer: a thread whose wait has a deadline. */
typedef struct trace_timer {
    int64_t when;           /* virtual ns */
    uint32_t thread;        /* whose wait it ends */
    uint64_t armed;         /* the block event that armed it (the tie-break) */
} trace_timer;

/* The pending timers in firing order: by time, then by arming order (the
 * engine's order, sim/timerq.h); a wait past the end of time has none. Fills at most `cap`; returns how many
 * there are. */
size_t trace_states_timers(const trace_states *s, trace_timer *out, size_t cap);

#endif
