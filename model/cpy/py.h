/*
 * model/cpy/py.h — run a Python 3.11 program, in CPython itself, on the
 * threading model.
 *
 * The program runs in the embedded CPython (Debian's libpython3.11): every
 * Python thread is a green thread of the engine with its own PyThreadState,
 * and the simulator serves `_thread` (so CPython's own threading, queue,
 * concurrent.futures and logging run unchanged on it), `time` and the other
 * clocks. See model/cpy/README.md for the whole design.
 *
 * Each run happens in a child process (a crash or a runaway allocation
 * there can never take the caller down), forked from a process that has
 * CPython started and the program ready (a session, below): events and scheduling decisions stream back through a pipe and
 * reach the caller's sink and decision hook in order, as if the run were
 * in-process. A policy's pick function runs in the child, on the state the
 * caller had when it called py_run.
 */
#ifndef MODEL_CPY_PY_H
#define MODEL_CPY_PY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../sim/buf.h"
#include "../core.h"

typedef struct py_program py_program;

typedef struct py_run_opts {
    int argc;                 /* sys.argv (argv[0] is the program's path) */
    char **argv;
    /* "NAME=VALUE" entries added to the program's fixed environment (over
     * its own for the same NAME), in order; NULL-terminated, or NULL */
    char *const *env;
    uint64_t max_steps;       /* Python lines before the run is stopped; 0 = no limit */
    bool exact_steps;         /* count every line from the start (--max-steps given):
                               * otherwise a lone thread computing with nothing to
                               * observe it runs untraced and is counted only once a
                               * one-second watchdog notices it (see cpy_io.c) */
    size_t max_memory;        /* bytes of Python allocations before MemoryError; 0 = none */
    int max_depth;            /* recursion limit (sys.setrecursionlimit) */
    bool line_notes;          /* "file:line" notes in the trace before events */
    double timeout;           /* wall-clock seconds before the run is stopped; <= 0 none */
    uint64_t max_output;      /* bytes the program may write; 0 = no limit */
    uint64_t max_disk;        /* bytes of a filesystem's free space a session's runs
                               * may take (at most half of it); 0 = no limit */
    bool opcodes;             /* --granularity opcode: random/PCT decide at every bytecode */
    bool unbuffered;          /* -u: output is a scheduling point at every write */
    bool tty;                 /* --tty: stdout line-buffered as on a terminal, each line's
                               * write (stderr's too) a choice (cpy_io.c) */
    bool output_later;        /* the caller looks at a run's output when the run is over
                               * (explore): its first output is not sent at once, only
                               * what waits 50 ms or more (a live view's rule after the
                               * first) */
    bool sandbox;             /* --sandbox: the child keeps only stdio and its pipe, and
                               * calls child_hook (the OS confinement) before the program */
    /* Called in the child once the interpreter is ready, before the program
     * runs (the tools put the kernel sandbox here; the model cannot depend on
     * them). `prog_dir` is the program's folder. 0, or -1 with a reason in
     * err: the run then ends with MODEL_EXIT_INTERNAL before the program. */
    int (*child_hook)(void *ud, const char *prog_dir, char *err, size_t errcap);
    void *child_ud;
    /* The policy's pick runs in the caller's process (a round trip per
     * decision) instead of the child's: for a policy that keeps state the
     * caller reads afterwards (the stepper). Its sim_sched then shows only
     * now, nevents, ndecisions and the ready queue (thread ids). */
    bool remote_pick;
    bool line_steps;          /* a note at every executed line (the stepper's `break line`) */
    const char *invariant;    /* a Python expression evaluated in __main__ once the program
                               * has ended (threads joined, atexit run): false, or an
                               * exception, is an `error` event with reason "invariant"
                               * (the exit status stays the program's); NULL = none */
    bool access_notes;        /* a note (reason "access", text "read NAME" / "write NAME")
                               * at each global, name, attribute or item the program's
                               * own code reads or writes: for explaining a schedule
                               * (slow: it traces opcodes; no step is counted for them) */
    uint32_t event_kinds;     /* a session's runs send only the events of these kinds
                               * (bit 1 << sim_ev_kind) to the caller's sink; 0 = all.
                               * Decisions always go. (The explorer needs only output,
                               * errors, deadlocks, limits, creations and its notes.) */
    bool program_lines;       /* a policy deciding at every step decides only at lines of
                               * the program's own code, not the standard library's
                               * (the explorer's and `step --choices program`'s choices) */
    bool cpython_points;      /* a policy deciding at every step decides only where CPython
                               * 3.11 can switch threads: at each pass of the program's
                               * loops (ticks.py) and each Python function's entry or
                               * generator's resumption, the library's too (a PEP 523
                               * frame evaluator); never between two lines of straight-line
                               * code (--choices cpython) */
    /* A session's runs given a policy as bytes (py_policy_req) get it from
     * this, called in the run's process: a policy whose state lives in the
     * run (an explorer's seed or schedule prefix) costs no round trips. */
    sim_policy (*make_policy)(const void *blob, size_t len);
    /* How a session's runs after the first start from the pristine state
     * (cpy_snap.h): PY_RESET_AUTO, one process reset in place after each
     * run where the kernel allows it, else a fork per run; PY_RESET_FORK,
     * always a fork; PY_RESET_VERIFY, as AUTO and every reset checked
     * page by page (tests). Runs print the same either way. */
    int reset;
    /* The session's zygote leaves the libraries' read-only mappings as the
     * files' (cpy_snap_seal_libraries not called): for a profiler, which
     * names code by its file; resets read /proc/self/maps slower. */
    bool no_seal;
} py_run_opts;

enum { PY_RESET_AUTO = 0, PY_RESET_FORK = 1, PY_RESET_VERIFY = 2 };

/* Defaults: no argv beyond the file, 200 million lines, 256 MiB, depth 1000,
 * line notes on, no wall-clock timeout, 64 MiB of output. */
py_run_opts py_run_opts_default(void);

/* Stack per Python green thread: like a pthread's 8 MiB, committed lazily. */
#define PY_STACK_SIZE ((size_t)8 << 20)

/* Load `src` (len bytes; copied) as the file `filename` in dialect
 * `python` (2 or 3). Syntax errors are CPython's to report, when it runs
 * (exit 1, the report on stderr, as python does), so this fails only on
 * out-of-memory (NULL, a message in err). */
py_program *py_program_load(const char *filename, const char *src, size_t len, int python,
                            sim_buf *err);
/* Read a file. On an unreadable file, appends "threadsim: cannot read FILE:
 * reason" (no newline) to err and sets *io_error. */
py_program *py_program_read(const char *path, int python, sim_buf *err, bool *io_error);
void py_program_free(py_program *p);
/* The program's text (its len bytes in *len; owned by p). */
const char *py_program_source(const py_program *p, size_t *len);
/* The path the program was loaded as. */
const char *py_program_path(const py_program *p);

/* Run the program. Returns the exit status: the model's (MODEL_EXIT_*), or
 * sys.exit's code. An engine failure (the child died) is reported on stderr
 * and gives MODEL_EXIT_INTERNAL. */
int py_run(const py_program *p, const model_opts *mo, const py_run_opts *ro, model_result *res);

/* A session: CPython started once, the program made ready (compiled, its
 * leading standard-library imports done), then any number of runs, each
 * forked from that ready state: the same run as py_run's, for the cost of a
 * fork. The stepper's back and restart, and the explorer, run from one.
 *
 * The session's model options (seed, switch interval, limits) and run
 * options are fixed when it opens; each run chooses its policy and where
 * its events and decisions go. NULL (having said why on stderr) if no
 * process could be started. */
typedef struct py_session py_session;
py_session *py_session_open(const py_program *p, const model_opts *mo, const py_run_opts *ro);

/* How a run of a session picks: NULL = as the session was opened (its
 * policy as it was then, or remote picks if ro.remote_pick); remote = the
 * caller's policy (cb->policy) in the caller's process, one round trip per
 * decision; otherwise ro.make_policy(blob, len) in the run's process. */
typedef struct py_policy_req {
    bool remote;
    const void *blob;
    size_t len;
    /* Optional, for a made policy: its first nfixed decisions are given by
     * these words, whatever else the blob says (the same words, the same
     * picks: an explorer's schedule prefix). Runs that share a long prefix
     * are then resumed from a snapshot taken at a decision of it instead of
     * the first choice (cpy_run.c, "Deeper snapshots"), which skips the
     * part they share. NULL/0: nothing promised. */
    const uint32_t *fixed;
    size_t nfixed;
    /* ... and everything else the run up to there depends on (a policy
     * that notes more events at each decision, say): runs resumed from
     * one snapshot have the same key */
    uint64_t fixed_key;
} py_policy_req;

/* One run: events to cb->sink, decisions to cb->on_decision (either may
 * be NULL); cb->sim.max_events is this run's event limit (the one setting
 * of cb->sim that is per run). Returns the exit status as py_run does. */
int py_session_run(py_session *s, const py_policy_req *pol, const model_opts *cb,
                   model_result *res);
/* Deeper snapshots (py_policy_req.fixed) so far: the runners started
 * with one, and the runs resumed from one (not a runner's first). */
void py_session_deep_stats(const py_session *s, uint64_t *runners, uint64_t *resumed);
/* End the session (its process exits). NULL is fine. */
void py_session_close(py_session *s);
/* The process id the last run of the session ran in (0 before any): runs
 * that reset one process (py_run_opts.reset) share it. For tests. */
int py_session_last_pid(const py_session *s);

#endif
