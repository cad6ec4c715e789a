/*
 * tools/step.h — the stepper's engine: a run shown one stop at a time, with
 * the scheduling decisions in the user's hands.
 *
 * Design: nothing is kept alive between stops. Every command re-runs the
 * program from the start, deterministically, under a policy that follows the
 * user's *path* (the index chosen at each scheduling decision so far, FIFO
 * beyond it), and stops the run at the command's target: after event E, at
 * the next output line, at a breakpoint, at the next decision, or at the end.
 * The engine's event limit does the stopping: once the target event is seen,
 * the limit is set to the event after it, so the run returns to the host at
 * its next scheduling point and the events past the target are ignored. A
 * tutorial program is a few hundred events, so a re-run costs microseconds;
 * stepping back is just a re-run to an earlier target. (Rejected: keeping
 * the green threads suspended and snapshotting them: it cannot go back, and
 * copies of ucontext stacks are neither portable nor deterministic.)
 *
 * A stop is a position `pos`: the first pos events have happened. If the
 * scheduler's next act after event pos is a decision (two or more threads
 * ready), the stop carries it as *pending*: the ready threads in queue order
 * (index 0 = ready longest = FIFO's pick). `choose` fixes that decision;
 * `back` returns to the stop of the previous decision, where it is pending
 * again. The path keeps what lies ahead of the stop (what the user did
 * before going back, or a replay token's decisions), so stepping forward
 * follows it until the user chooses differently, which drops the rest.
 *
 * What a stop shows comes from the trace (states.h: every thread's state,
 * wait, deadline; the pending timers; the output so far) plus what only the
 * live world knows, read at the stop event: who holds the object a blocked
 * thread waits on.
 */
#ifndef TS_STEP_H
#define TS_STEP_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../model/core.h"
#include "../traces/states.h"
#include "../traces/trace.h"

#define TS_STEP_NOSEQ UINT64_MAX   /* a path decision that has not run yet */

/* Runs the program once under `o` (as model_run does: the whole run, with
 * o's sink, policy and hook); returns the exit status and fills `res`. */
typedef int (*ts_step_runner)(void *arg, const model_opts *o, model_result *res);

/* One decision of the path. */
typedef struct ts_step_dec {
    uint32_t chosen;          /* index into the ready queue */
    uint32_t thread;          /* the thread it chose; SIM_NONE if not known yet (token) */
    uint32_t n;               /* threads that were ready; 0 if not known yet */
    uint64_t seq;             /* events before it; TS_STEP_NOSEQ if not run yet */
    bool step;                /* a line-level decision (FIFO's choice there is n - 1) */
    bool rank;                /* not run yet: `chosen` is a rank (ts_step_rank), from a token */
} ts_step_dec;

/* Where a command stops the run. */
typedef enum ts_step_rule {
    TS_STOP_AT,               /* after event `target` (0: before the first event) */
    TS_STOP_OUTPUT,           /* after the next output event past the stop */
    TS_STOP_BREAK,            /* after the next output matching a breakpoint or the next
                                 line note of a breakpoint's line, else the end */
    TS_STOP_DECISION,         /* at the next decision past the stop, else the end */
    TS_STOP_END,              /* at the end */
} ts_step_rule;

/* A breakpoint: an output line matching an extended regular expression, or
 * (a Python program) a thread reaching a source line. */
typedef struct ts_step_break {
    int line;                 /* > 0: a source line; then no pattern */
    char *pattern;            /* as typed (owned) */
    regex_t re;               /* compiled, REG_EXTENDED | REG_NOSUB */
} ts_step_break;

typedef struct ts_step {
    /* what runs */
    char *name;               /* scenario name or program path (owned) */
    ts_step_runner run;       /* runs the program once */
    void *arg;                /* the runner's argument */
    bool remote;              /* the runner runs the program in another process (a
                               * Python program): no live world to read at the
                               * stop, and the run goes on to its end past it */
    void (*main)(void *);     /* a scenario's main (ts_step_init), or NULL */
    void *main_arg;           /* main's argument */
    model_opts base;          /* run options; sink, policy and decision hook are set per run */
    /* the path */
    ts_step_dec *path;        /* decision k at path[k] */
    size_t npath, cap_path;
    bool diverged;            /* a path decision no longer fitted the program */
    char why[160];            /* what did not fit */
    /* the stop */
    uint64_t pos;             /* events shown */
    trace tr;                 /* events 1..pos */
    trace_states st;          /* every thread after event pos */
    bool at_end;              /* no event follows pos */
    int status;               /* the run's exit status (MODEL_EXIT_*), valid at_end */
    model_outcome outcome;    /* how it ended, valid at_end */
    bool pending;             /* a decision follows event pos */
    uint64_t pending_k;       /* its number */
    uint32_t *ready;          /* the ready threads then, in queue order */
    uint32_t nready;
    uint32_t pending_default; /* the index FIFO would take: 0, or nready - 1 at a
                               * line (the running thread goes on) */
    bool every_line;          /* --choices line: a choice at every line where
                               * another thread is ready (what random can pick) */
    int choices;              /* TS_CHOICES_*: where its choices are, said in its
                               * tokens (version 3) unless block */
    char **holder;            /* by thread id: who holds what it waits on, or NULL */
    uint32_t nholder;
    uint64_t reruns;          /* runs made so far (each command makes one) */
    /* breakpoints */
    ts_step_break *brk;
    size_t nbrk;
} ts_step;

/* Set up a stepper for main(arg) under `base` (copied; NULL: defaults). The
 * first stop is before the first event: call ts_step_go(sp, TS_STOP_AT, 0). */
void ts_step_init(ts_step *sp, const char *name, void (*main)(void *), void *arg,
                  const model_opts *base);
/* The same for a program run by `run(arg, ...)` (a Python program: py_run). */
void ts_step_init_runner(ts_step *sp, const char *name, ts_step_runner run, void *arg,
                         const model_opts *base);
void ts_step_fini(ts_step *sp);

/* Re-run and stop by `rule` (`target` for TS_STOP_AT). */
void ts_step_go(ts_step *sp, ts_step_rule rule, uint64_t target);
/* At a pending decision: thread `thread` runs next; the path ahead is
 * dropped and the run moves one event on. -1 if `thread` is not offered
 * (or nothing is pending). */
int ts_step_choose(ts_step *sp, uint32_t thread);
/* Back to the previous decision's stop (before the first event if there is
 * none). Returns -1 if already at the start. */
int ts_step_back(ts_step *sp);
/* Decisions made before the stop (the pending one excluded). */
size_t ts_step_decisions_before(const ts_step *sp);

/* Breakpoints. ts_step_break_add returns -1 with a message in err if the
 * pattern does not compile. */
int ts_step_break_add(ts_step *sp, const char *pattern, char *err, size_t errcap);
/* A breakpoint at source line `line` (> 0) of a Python program: the stop is
 * the trace's note that a thread reached it. */
void ts_step_break_line(ts_step *sp, int line);
/* The line number of a note "file:line" (ev->text), or 0. */
int ts_step_note_line(const char *text, size_t len);
/* Remove breakpoint i (from 0); -1 if none. */
int ts_step_break_del(ts_step *sp, size_t i);

/* The output so far (events 1..pos) as a malloc'd string. */
char *ts_step_output(const ts_step *sp, size_t *len);

/* ---- replay tokens --------------------------------------------------------
 * NAME ":" base64url(2, then for each choice that is not FIFO's:
 * varint(FIFO choices before it), varint(rank - 1)), where a choice's rank
 * is 0 for FIFO's and then counts the other ready threads in queue order
 * (ts_step_rank): at a line-level decision FIFO's choice is the running
 * thread, last in the queue, so a path that only preempts twice is a few
 * bytes however many lines ran. Beyond the path the stepper chooses FIFO.
 * "daemon-join/join:AgEA" = the join scenario with decision 0 taking
 * index 1 (the main thread goes on). Version 1 (indices instead of ranks)
 * is still read. Version 3 is version 2 with a byte after the version that
 * says where the choices were (TS_CHOICES_*: a token made under --choices
 * program, line or cpython, whose path means something else under
 * another); version 2 says nothing (the stepper's own default, block, or
 * a token older than version 3). */
enum { TS_CHOICES_BLOCK = 0, TS_CHOICES_PROGRAM = 1, TS_CHOICES_LINE = 2, TS_CHOICES_CPYTHON = 3 };
/* The --choices word of a TS_CHOICES_* value, and back (-1: no such word). */
const char *ts_choices_name(int choices);
int ts_choices_parse(const char *word);

/* The token of the whole path (malloc'd). */
char *ts_step_token(const ts_step *sp);
/* The token of `n` choices given as ranks, for the program `name`, made
 * under `choices` (TS_CHOICES_*) (malloc'd). */
char *ts_step_token_ranks(const char *name, const uint32_t *ranks, size_t n, int choices);
/* A choice's rank at a decision of n ready threads (`step`: line-level):
 * 0 for FIFO's choice (the thread ready longest; at a line, the running
 * thread, last), then the others in queue order; and back. */
uint32_t ts_step_rank(uint32_t chosen, uint32_t n, bool step);
uint32_t ts_step_unrank(uint32_t rank, uint32_t n, bool step);
/* Parse a token: *name malloc'd; the path replaces sp's (call after
 * ts_step_init) when sp is not NULL. -1 with a message in err if malformed. */
int ts_step_token_parse(const char *tok, char **name, ts_step *sp, char *err, size_t errcap);
/* Where a well-formed token's choices were (TS_CHOICES_*), or -1 if it does
 * not say (version 1 or 2). */
int ts_step_token_choices(const char *tok);
/* A well-formed token that makes no choice FIFO would not (its path is
 * the default schedule's). */
bool ts_step_token_is_default(const char *tok);

/* ---- the screen (step_view.c) ----------------------------------------------
 * A stop as lines of at most `cols` characters, a label column on the left:
 *
 *   threadsim step daemon-join/join · event 9 · t=0.000000000 · 1 decision
 *   last    MainThread start non-daemon
 *   threads #0 MainThread  ready
 *           #2 daemon      sleeping until 5.000000000  (daemon)
 *   timers  5.000000000  #2 daemon: sleep ends
 *   output  (daemon   ) Starting
 *   next    2 can run: #1 non-daemon (default), #0 MainThread
 *
 * A Python program's threads show the line they are at ("line 12"), and a
 * "source" line under "last" quotes the running (else the last acting)
 * thread's line.
 *   goal    on track: 1 of 10 lines match goal.txt
 *
 * With `rows`, the whole fits in rows - 1 lines (the prompt takes the last):
 * threads, timers and output are cut to fit, the output keeping its last
 * lines. Without, everything is shown but the output's last 8 lines. */
typedef struct ts_step_view {
    int rows;                 /* screen height; 0 = no limit (commands from a script) */
    int cols;                 /* screen width (>= 40) */
    bool color;               /* ANSI colours (a terminal, NO_COLOR unset) */
    const char *goal;         /* --goal file's contents, or NULL */
    size_t goal_len;
    const char *goal_name;    /* its name, for the goal line */
    const char *msg;          /* one line for the user (an error, a note), or NULL */
    const char *src;          /* a Python program's source (its lines are shown), or NULL */
    size_t src_len;
} ts_step_view;

/* Whether the output so far equals the goal. */
bool ts_step_goal_reached(const ts_step *sp, const ts_step_view *v);
/* Append the stop's lines (each ending in '\n') to `b`. */
void ts_step_render(sim_buf *b, const ts_step *sp, const ts_step_view *v);

#endif
