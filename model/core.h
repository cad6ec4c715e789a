/*
 * model/core.h — the Python threading world over the engine: runs, objects,
 * exceptions and the one blocking path.
 *
 * A run (model_run) owns a world: the scheduler, every model object created
 * during the run, and the per-thread state. The program's main function runs
 * on the green thread "MainThread". When it returns, the world does what
 * CPython's threading._shutdown does: it waits for every non-daemon thread,
 * then ends the run; daemon threads still alive are killed and the trace says
 * what each was doing.
 *
 * API calls take no world argument (like Python's `threading` module): they act
 * on the run in progress on this host thread. Calling them outside a run is a
 * programming error and aborts with a message.
 *
 * Errors are Python exceptions: a failing call sets the current thread's
 * pending exception (type name and message, exactly CPython's) and returns -1.
 * The caller may inspect and clear it, or propagate it with model_raise(),
 * which ends the thread the way an uncaught exception does.
 *
 * Objects: every lock, thread, queue... starts with a model_obj header. Ids are
 * dense, in creation order, so traces never show addresses. Objects live until
 * the run ends; the world frees them all.
 */
#ifndef MODEL_CORE_H
#define MODEL_CORE_H

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "../sim/sched.h"

typedef struct model_thread model_thread;
typedef struct model_obj model_obj;

/* Exit statuses of a run (also the CLI's). A program's own status is any
 * number from 0 to 255 (a Python program's sys.exit(n)); the simulator's own
 * endings take the distinctive numbers timeout(1) uses, 124 to 127, which
 * programs rarely use. Which one it was, even when a program exits 126
 * itself, is model_result.outcome. */
#define MODEL_EXIT_OK 0          /* main returned normally */
#define MODEL_EXIT_ERROR 1       /* main raised (CPython exits 1 too) */
#define MODEL_EXIT_LIMIT 124     /* a run limit (events, virtual time, ...) stopped it */
#define MODEL_EXIT_DEADLOCK 126  /* nothing could run while threads waited */
#define MODEL_EXIT_INTERNAL 127  /* the engine failed (the Python engine's process died) */

/* The deadlock report (status MODEL_EXIT_DEADLOCK): nothing is ready, no
 * timed event is pending, and the main thread (so a non-daemon) waits. One
 * `deadlock` event per blocked thread, in creation order, with the text
 *   NAME[ (daemon)] waits on REASON (OBJECT)[ past the end of time][, held by HOLDER[, which has finished]]
 * (HOLDER from the object's model_obj.holder), then, if following "waits on
 * an object held by" from some thread comes back to a thread already seen,
 * one more: "cycle: A -> B -> A". A daemon blocked when the program ends is
 * not a deadlock (it is killed at exit), nor is any wait while a Timer, a
 * sleep or a timeout is pending. A timed wait (a sleep too) whose deadline
 * saturated at the end of time (sim/num.h) never ends, so when nothing else
 * can happen the run is reported here, that wait marked "past the end of
 * time". */

/* Timeout value meaning "no timeout" (Python's None). */
#define MODEL_NO_TIMEOUT INFINITY

/* Virtual time 0 is this Unix time (2024-01-01 00:00:00 UTC) for time.time()
 * and %(asctime)s. */
#define MODEL_EPOCH_UNIX INT64_C(1704067200)

typedef struct model_opts {
    sim_config sim;            /* stacks, switch interval, limits */
    int python;                /* 3 (default) or 2: default names, dialect details */
    uint64_t seed;             /* the run's seed: random policies, unseeded `random` */
    sim_sink_fn sink;          /* receives every event; may be NULL */
    void *sink_ud;
    sim_policy policy;         /* .pick NULL = FIFO */
    sim_decision_fn on_decision; /* scheduling decisions, for recording; may be NULL */
    void *decision_ud;
    bool no_teardown;          /* the process ends (or is reset) right after the run:
                                * model_run leaves the engine's memory, its stacks
                                * above all, as it is instead of freeing it */
    void (*before_stop)(void); /* called (may be NULL) before a deadlock or a limit
                                * is reported: what the program's layer holds
                                * (a partial line in a stream) goes out first */
    bool own_shutdown;         /* main_fn ends as CPython's main does, waiting for
                                * the threads itself (threading._shutdown) before
                                * the atexit functions: a thread those start is
                                * not waited for but killed when main returns, as
                                * CPython's exit kills it */
} model_opts;

/* Defaults: sim_config_default(), Python 3, no sink, FIFO. */
model_opts model_opts_default(void);

/* How a run ended. */
typedef enum model_outcome {
    MODEL_OUT_NONE,            /* no result: the engine failed (MODEL_EXIT_INTERNAL) */
    MODEL_OUT_EXIT,            /* the program ended by itself; the status is its own */
    MODEL_OUT_EXCEPTION,       /* main raised an uncaught exception (status 1) */
    MODEL_OUT_DEADLOCK,        /* MODEL_EXIT_DEADLOCK */
    MODEL_OUT_LIMIT,           /* MODEL_EXIT_LIMIT */
} model_outcome;

/* "internal-error", "exit", "exception", "deadlock", "run-limit" */
const char *model_outcome_name(model_outcome o);

typedef struct model_result {
    int status;                /* MODEL_EXIT_* */
    model_outcome outcome;     /* how it ended (a zeroed result: MODEL_OUT_NONE) */
    sim_status sim;            /* how the engine stopped */
    int64_t end_time;          /* virtual ns at the end */
    uint64_t events;           /* events emitted */
    uint64_t decisions;        /* scheduling decisions */
    uint32_t threads;          /* threads created, main included */
    bool wrote_files;          /* the program changed the file system (wrote, created,
                                * removed or renamed a file or folder): what no reset
                                * undoes, so a next run of the same process can see it */
} model_result;

/* Run main(arg) as the program's main thread. Returns the exit status and
 * fills `res` if not NULL. */
int model_run(const model_opts *o, void (*main)(void *), void *arg, model_result *res);

/* ---- objects ----------------------------------------------------------- */

struct model_obj {
    uint32_t oid;              /* dense id within the run, from 1 */
    const char *kind;          /* "Thread", "Lock", ... (static) */
    char *what;                /* display name for traces: "Thread daemon", "Lock-1" */
    /* The thread that holds this object (a lock's owner), for deadlock
     * reports; NULL if not applicable or free. */
    model_thread *(*holder)(model_obj *self);
    void (*destroy)(model_obj *self); /* frees what the object owns, not itself */
    model_obj *next_all;       /* every object of the world, newest first */
    model_obj *prev_all;       /* (the list is doubly linked: model_obj_free) */
};

/* Allocate a zeroed object of `size` bytes (>= sizeof(model_obj)) with a
 * fresh id; `what` may be NULL for "<kind>-<n>" numbered per kind. The world
 * frees it at the end of the run. */
void *model_obj_new(size_t size, const char *kind, const char *what);
/* Free an object before the run ends: one nothing refers to any more (a
 * Python lock's, when the lock is deallocated). Its id is not reused. */
void model_obj_free(model_obj *o);
/* Replace an object's display name. */
void model_obj_rename(model_obj *o, const char *what);
/* A deterministic stand-in for the object's address, for reprs such as
 * "<__main__.MyLocal object at 0x7f0000000140>" (print it with "0x%llx"):
 * 0x7f0000000000 + 0x40 * oid. CPython shows a heap address; this one
 * depends only on the order objects were created in the run. */
uint64_t model_obj_address(const model_obj *o);

/* ---- exceptions -------------------------------------------------------- */

/* Set the current thread's pending exception; returns -1. */
int model_err_set(const char *type, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool model_err_occurred(void);
const char *model_err_type(void);     /* NULL if none */
const char *model_err_message(void);  /* NULL if none */
void model_err_clear(void);
/* Propagate the pending exception out of the current thread's function:
 * printed like CPython's excepthook ("Exception in thread NAME:"), or for the
 * main thread like an uncaught exception (exit status 1). */
_Noreturn void model_raise(void);
/* Hook for a front end (the Python interpreter) to print traceback lines of
 * the pending exception before its "Type: message" line. */
typedef void (*model_traceback_fn)(void *ud, model_thread *t);
void model_set_traceback_hook(model_traceback_fn fn, void *ud);

/* ---- the one blocking path --------------------------------------------- */

/* A FIFO of waiting threads (a thread waits on at most one queue at a time). */
typedef struct model_waitq {
    model_thread *head, *tail;
    uint32_t n;
} model_waitq;

/* Block the current thread on `q` until woken or `timeout` seconds pass
 * (MODEL_NO_TIMEOUT: forever; <= 0: only a scheduling point). `reason` is a
 * static string ("join", "lock", ...); `obj` the object waited on. Returns
 * true if woken, false on timeout (the thread is then off the queue). */
bool model_wait(model_waitq *q, const char *reason, model_obj *obj, double timeout);
/* model_wait with an absolute virtual deadline in ns (SIM_FOREVER: none). A
 * deadline <= now returns false at once, without a scheduling point. Lets a
 * primitive that waits again after a lost race keep its first deadline
 * exactly. */
bool model_wait_until(model_waitq *q, const char *reason, model_obj *obj, int64_t deadline);
/* Wake the longest waiter of `q`; returns it, or NULL if none. */
model_thread *model_wake_one(model_waitq *q, const char *cause, model_obj *obj);
/* Wake every waiter of `q` in FIFO order; returns how many. */
uint32_t model_wake_all(model_waitq *q, const char *cause, model_obj *obj);

/* Seconds (a Python float) to a virtual deadline; rounds up like CPython's
 * _PyTime_ROUND_TIMEOUT. MODEL_NO_TIMEOUT gives SIM_FOREVER. */
int64_t model_deadline(double timeout);
/* Seconds to nanoseconds, rounding up (negative or NaN gives 0; 2^63 ns or
 * more gives SIM_TIME_END). Deadlines built from it saturate there too: a
 * wait that long never times out (sim/num.h, "the end of time"). */
int64_t model_secs_to_ns(double secs);

/* ---- clock and host hooks ---------------------------------------------- */

double model_time_monotonic(void);  /* virtual seconds since the run began */
int64_t model_now_ns(void);
/* Count one step of the current thread toward its switch interval; every API
 * entry point calls this. */
void model_step(void);
/* A program's own run limit, for a program that never ends (the tutorial's
 * Queue page): virtual seconds (< 0: none) and events (0: none). It takes
 * effect only if the run was given no limit at all (model_opts.sim has
 * max_events 0 and max_time < 0), so a limit from the command line always
 * wins. Returns whether it took effect. The run then stops like any limited
 * run: exit MODEL_EXIT_LIMIT and a `limit` event. */
bool model_default_limit(double max_time, uint64_t max_events);
/* The engine of the run in progress. */
sim_sched *model_sched(void);
int model_python_version(void);

#endif
