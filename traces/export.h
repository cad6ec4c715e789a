/*
 * traces/export.h — a run's trace in forms other tools read.
 *
 *   chrome  Trace Event Format JSON (chrome://tracing, Perfetto): one process,
 *           one track per thread named by metadata events; every span a
 *           thread spent running, ready, blocked or sleeping (traces/states.h)
 *           is a complete ("X") event whose args carry the wait (reason,
 *           object, deadline) and the event numbers it spans; outputs,
 *           timeouts, errors, kills and deadlock lines are instant ("i")
 *           events; each wake-up is a flow ("s" on the waker's track, "f" on
 *           the woken one's, same id). Timestamps are virtual microseconds
 *           (with three decimals when the nanoseconds need them) or, with
 *           the step clock, event numbers (one event = one microsecond: a
 *           run where everything happens at t=0 still spreads out). One
 *           event per line, in a fixed order: the same trace gives the same
 *           bytes.
 *   html    one self-contained page (inline CSS and script, no network): a
 *           lane per thread across the run, spans coloured by state, output
 *           lines marked, wake-ups drawn, details of a span or mark on hover
 *           and click, and a slider (with step buttons) replaying the run
 *           event by event: thread states, the event and the output so far.
 *   text    the full view (trace.h).
 *   json    one JSON object per event, one per line (json.h).
 *
 * All four are pure functions of the trace and the meta strings.
 */
#ifndef TRACES_EXPORT_H
#define TRACES_EXPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "../sim/buf.h"
#include "trace.h"

typedef enum trace_export_format {
    TRACE_EXPORT_CHROME,
    TRACE_EXPORT_HTML,
    TRACE_EXPORT_TEXT,
    TRACE_EXPORT_JSON,
} trace_export_format;

/* "chrome", "html", "text", "json" to a format; -1 if unknown. */
int trace_export_parse(const char *name);

typedef struct trace_export_meta {
    const char *title;      /* what ran: a scenario name or program path (not NULL) */
    const char *subtitle;   /* e.g. "run 12 · policy fifo · seed 0 · exit 0", or NULL */
    bool step_clock;        /* chrome: timestamps are event numbers, not virtual µs */
    bool clock_auto;        /* chrome: step_clock when most events share an instant with
                             * the one before (spans there would have no width) */
} trace_export_meta;

/* Where an export's events come from: `each` hands every event of a run,
 * in order, to `fn` (an event's strings are valid during the call only) and
 * returns 0, or -1 when it could not read them all. chrome and html read
 * the events twice (a first pass finds what their heads say). */
typedef struct trace_source {
    int (*each)(void *src, sim_sink_fn fn, void *ud);
    void *src;
} trace_source;
/* An in-memory trace as a source. */
trace_source trace_source_of(const trace *t);

/* Where an export goes: the bytes are added to `b`, and with `f` set they
 * are written there whenever a MiB has gathered (trace_export_to's last
 * write included), so a run of any length exports in a few MiB of memory;
 * `bad` once a write failed. With `f` NULL everything stays in `b`. */
typedef struct trace_out {
    sim_buf *b;
    FILE *f;
    bool bad;
} trace_out;
/* Write what has gathered in o->b to o->f once it is at least `at` bytes. */
void trace_out_spill(trace_out *o, size_t at);

/* The export of `src` in format `f` to `o`. Returns 0, or -1 when the
 * source failed (what was written stays) or a write did (o->bad). The html
 * page shows a long run's first and last events only, so every format
 * needs memory for a few MiB of output and the threads' states, not for
 * the run. */
int trace_export_to(trace_out *o, trace_export_format f, trace_source src,
                    const trace_export_meta *m);
/* Append the export of `t` in format `f` to `b`. */
void trace_export(sim_buf *b, trace_export_format f, const trace *t, const trace_export_meta *m);
int trace_export_chrome(trace_out *o, trace_source src, const trace_export_meta *m);
int trace_export_html(trace_out *o, trace_source src, const trace_export_meta *m);
void trace_export_json(sim_buf *b, const trace *t);

#endif
