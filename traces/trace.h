/*
 * traces/trace.h — a run's trace held in memory, and its two text views.
 *
 * A trace is the ordered list of a run's events, each an owned copy of the
 * engine's sim_event. It can be filled live (trace_sink as the run's sink) or
 * loaded from the store. Two views:
 *
 *   output view  the texts of the `output` events, concatenated: exactly what
 *                the program wrote to stdout and stderr, in order;
 *   full view    one line per event:
 *                  TIME SEQ THREAD KIND DETAIL
 *                e.g. "3.000000000     15 MainThread  timeout join Thread daemon"
 *                TIME is virtual seconds with nine decimals, SEQ the event's
 *                number, THREAD the acting thread's name at that moment.
 *
 * Thread names come from the trace itself (create and rename events), so a
 * stored trace formats the same as a live one.
 */
#ifndef TRACES_TRACE_H
#define TRACES_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../sim/buf.h"
#include "../sim/event.h"

typedef struct trace_event {
    uint64_t seq;
    int64_t time;           /* virtual ns */
    sim_ev_kind kind;
    uint32_t thread, other, obj;
    int64_t arg;
    char *reason;           /* owned copy, or NULL */
    char *text;             /* owned copy (NUL-terminated), or NULL */
    size_t len;             /* bytes of text */
} trace_event;

typedef struct trace {
    trace_event *ev;        /* events in seq order */
    size_t n, cap;
} trace;

void trace_init(trace *t);
void trace_fini(trace *t);
/* Append a copy of `ev`. */
void trace_add(trace *t, const sim_event *ev);
/* A sim_sink_fn: `ud` is a trace*. */
void trace_sink(void *ud, const sim_event *ev);

/* Thread names as a trace is read in order. */
typedef struct trace_names {
    char **name;            /* by thread id; NULL = unknown */
    uint32_t n;
} trace_names;
void trace_names_init(trace_names *nm);
void trace_names_fini(trace_names *nm);
/* Thread ids at or past this are not given names (they show as "#id") nor
 * are followed by trace_states (states.h): a trace read from a
 * damaged file may claim any id, and those tables are by id. */
#define TRACE_MAX_THREAD_ID (UINT32_C(1) << 24)
/* Learn from one event (create, rename). Call for every event, in order. */
void trace_names_see(trace_names *nm, const sim_event *ev);
/* Name of thread `id` ("-" for SIM_NONE, "#id" if unknown). */
const char *trace_names_get(const trace_names *nm, uint32_t id);

/* Format virtual ns as seconds with nine decimals ("3.000000000"). */
void trace_fmt_time(sim_buf *b, int64_t ns);
/* A wait's deadline: "until 3.000000000", or "past the end of time" for
 * SIM_TIME_END (sim/num.h: such a wait never times out). */
void trace_fmt_until(sim_buf *b, int64_t deadline);
/* Append the full-view line of `ev` (with '\n') to `b`; `nm` must already
 * have seen `ev`. */
void trace_fmt_line(sim_buf *b, const trace_names *nm, const sim_event *ev);
/* View a stored event as a sim_event (pointers into `e`). */
sim_event trace_event_view(const trace_event *e);

/* Write the views of a whole trace. */
void trace_write_output(const trace *t, FILE *f);
void trace_write_full(const trace *t, FILE *f);
/* The output view as a string (owned by the caller). */
char *trace_output_text(const trace *t, size_t *len);
/* The full view as a string (owned by the caller). */
char *trace_full_text(const trace *t, size_t *len);

#endif
