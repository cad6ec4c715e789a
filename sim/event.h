/*
 * sim/event.h — trace events as the engine emits them.
 *
 * Every observable step of a run (a thread created, started, switched to,
 * blocked and why, woken and by whom, timed out, printing, exiting, killed at
 * exit, ...) is one sim_event, numbered by a per-run sequence and stamped with
 * the virtual time. The engine and the model hand events to a sink callback;
 * traces/ turns them into text, JSON and SQLite rows. Nothing in an event
 * depends on addresses or wall time: threads and objects are dense integers
 * allocated in program order.
 */
#ifndef SIM_EVENT_H
#define SIM_EVENT_H

#include <stddef.h>
#include <stdint.h>

#define SIM_NONE UINT32_MAX   /* "no thread" / "no object" */

typedef enum sim_ev_kind {
    SIM_EV_CREATE,    /* thread object created; text = name, other = new thread, arg = daemon flag */
    SIM_EV_START,     /* thread started; other = started thread */
    SIM_EV_SWITCH,    /* the CPU passes from `thread` to `other` */
    SIM_EV_BLOCK,     /* `thread` waits: reason, obj, text = what, arg = deadline or -1 */
    SIM_EV_WAKE,      /* `other` made ready by `thread` (SIM_NONE: by a timer); reason = cause */
    SIM_EV_TIMEOUT,   /* `thread`'s wait (reason, obj) ended by its deadline */
    SIM_EV_OUTPUT,    /* `thread` wrote text; arg = stream (1 stdout, 2 stderr) */
    SIM_EV_EXIT,      /* `thread` finished; text = how (normal or exception) */
    SIM_EV_KILLED,    /* daemon `thread` killed at exit; reason/obj/arg/text = what it was doing */
    SIM_EV_ERROR,     /* an exception was raised: text = "Type: message" */
    SIM_EV_DEADLOCK,  /* nothing can run; text = the report line for `thread` */
    SIM_EV_LIMIT,     /* a run limit stopped the run; text says which */
    SIM_EV_PREEMPT,   /* `thread` used its switch interval; arg = ns charged */
    SIM_EV_YIELD,     /* `thread` gave up the CPU but stays ready (sleep(0)) */
    SIM_EV_NOTE,      /* bookkeeping; reason "rename": thread `other` is now named text */
    SIM_EV__COUNT
} sim_ev_kind;

typedef struct sim_event {
    uint64_t seq;         /* 1, 2, 3, ... in emission order */
    int64_t time;         /* virtual nanoseconds */
    sim_ev_kind kind;
    uint32_t thread;      /* acting thread id, or SIM_NONE */
    uint32_t other;       /* second thread involved, or SIM_NONE */
    uint32_t obj;         /* model object id, or SIM_NONE */
    int64_t arg;          /* kind-specific number (deadline, stream, flag) */
    const char *reason;   /* static string: wait reason or wake cause, or NULL */
    const char *text;     /* kind-specific text, valid during the sink call only */
    size_t len;           /* bytes of text */
} sim_event;

/* Receives every event; must not block, switch or call back into the engine. */
typedef void (*sim_sink_fn)(void *ud, const sim_event *ev);

/* "create", "start", ... ; "?" for out-of-range. */
const char *sim_ev_kind_name(sim_ev_kind k);
/* Inverse of sim_ev_kind_name; -1 if unknown. */
int sim_ev_kind_parse(const char *name);

#endif
