/*
 * model/cpy/cpy_int.h — internal: the embedded-CPython engine's shared state.
 * One run per process (the child py_run forked), so the state is global.
 */
#ifndef MODEL_CPY_INT_H
#define MODEL_CPY_INT_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <frameobject.h>

#include "../output.h"
#include "../thread.h"
#include "../world.h"
#include "cpy_tstate.h"
#include "py.h"

/* Per green thread that runs Python (model_thread.user). */
typedef struct cpy_thr {
    PyThreadState *ts;        /* its own thread state */
    PyObject *func, *args, *kwargs; /* what start_new_thread was given (owned) */
    PyObject *sentinel;       /* _set_sentinel() lock, released at exit (owned) */
    PyFrameObject *last_frame;/* the frame of the previous line event (borrowed, compared only) */
    int last_lasti;           /* its instruction offset then */
    int noted_line;           /* last "file:line" note emitted */
    bool tracing;             /* the line tracer is installed on ts */
    PyObject *user_trace;     /* sys.settrace()'s function for this thread, or NULL:
                               * called from the engine's tracer (owned) */
    bool count_only;          /* ... only to count lines toward --max-steps (the
                               * watchdog put it there): no time, no switches */
    PyFrameObject *importing; /* the outermost importlib frame running, or NULL:
                               * an import's lines are not the program's steps */
    char *wait_what;          /* text of the current wait (owned, while blocked) */
    uint64_t poll_at;         /* cpy.lines after its last failed try of a lock */
    uint32_t polls;           /* failed tries in a row, no step between (cpy_poll_step) */
    uint64_t sigmask;         /* its pthread_sigmask (bit sig - 1; inherited at start) */
    long ident;               /* threading.get_ident()'s (cpy_thread.c: cpy_ident_*) */
} cpy_thr;

typedef struct cpy_state {
    const py_program *prog;
    py_run_opts ro;
    model_opts mo;
    PyThreadState *main_ts;   /* the interpreter's first thread state */
    PyThreadState *zombie;    /* a finished thread's state, deleted by the next to run */
    int exit_code;            /* the program's status (sys.exit, uncaught exception) */
    bool raised;              /* exit_code is 1 from an uncaught exception (not SystemExit) */
    bool in_run;              /* between model_run's start and end */
    uint64_t run_gen;         /* bumps per run: locks made earlier drop stale model state */
    uint64_t lines;           /* line events so far (all threads) */
    bool ticking;             /* the program's code counts its steps with ticks
                               * (ticks.py), untraced */
    uint64_t out_bytes;       /* bytes written */
    double wall_deadline;     /* CLOCK_MONOTONIC seconds, or 0 */
    bool interrupt_main;      /* _thread.interrupt_main() pending */
    bool user_traced;         /* a thread has set sys.settrace (never cleared: the
                               * frame evaluator then asks each thread's) */
    bool clock_read;          /* the program has read a clock: CPU time is observable */
    uint64_t clock_reads;     /* the run's clock reads so far (cpy_io.c, "clocks") */
    bool wrote_files;         /* the run changed the file system (model_result's) */
    bool setup;               /* threadsim's own Python runs (the Python 2 translation):
                               * nothing is counted, no clock read is the program's */
    long alive;               /* Python threads started and not finished (main excluded) */
    PyObject *names;          /* dict: id(obj) -> (obj, "Kind-N"): display names */
    PyObject *kinds;          /* dict: kind -> count */
    const char *stdlib;       /* the standard library's folder, with a slash */
    size_t stdlib_len;
} cpy_state;

extern cpy_state cpy;

/* The program is Python 2 (translated). */
bool cpy_python2(void);

/* Switching: every call into the model that may switch green threads is
 * bracketed by cpy_leave() / cpy_back(): pending output is flushed first,
 * and on return the caller's thread state is made current again (another
 * green thread ran meanwhile with its own). */
PyThreadState *cpy_leave(void);
void cpy_back(PyThreadState *ts);

/* `_thread` (cpy_thread.c): the module's init, and the run-end hook. */
PyObject *cpy_thread_module(void);
/* A pending interrupt_main() for the main thread, if it is the one running:
 * its signal handler is called; -1 with its exception set. */
int cpy_interrupt_deliver(void);
/* Main (state `ts`) runs again: a handler due is queued for its next
 * eval-breaker point. */
void cpy_interrupt_queue(PyThreadState *ts);
/* Called after the program's exit functions (bootstrap.py's, or NULL). */
extern PyObject *cpy_at_end_fn;
extern PyObject *cpy_tb_format_fn; /* bootstrap.py's _tb_format_c */
/* `sa` is the engine's own handler of SIGSEGV and SIGBUS (a green thread's
 * stack faults): for the program, those signals are at their default. */
struct sigaction;
bool cpy_engine_fault_handler(const struct sigaction *sa);
/* The main thread's per-thread state. */
cpy_thr *cpy_thr_current(void);
/* threading.get_ident() values (cpy_thread.c): the main thread's; a run's start
 * hands them out afresh */
long cpy_ident_main(void);
void cpy_ident_reset(void);
void cpy_thr_init_main(void);

/* Output streams, clocks, tracer (cpy_io.c). */
int cpy_io_install(void);           /* sys.stdout/err, time, os patches: 0 or -1 */
void cpy_io_flush(void);            /* pending partial lines out as events */
/* An exception's report as CPython's own printer writes it (traceback.py's
 * words, through linecache: the program's lines as it ran; the C printer's
 * depth: the last sys.tracebacklimit entries, 1000 untold), to file (NULL:
 * sys.stderr): 0, or -1 with an exception set. */
int cpy_print_exception(PyObject *file, PyObject *t, PyObject *v, PyObject *tb);
void cpy_io_emit_raw(int fd, const char *p, size_t n); /* bytes for fd 1/2 as one output event */
void cpy_io_flush_at_stop(void); /* model_opts.before_stop */
void cpy_io_flush_io(void); /* the main module ended: stderr, then stdout flushed */
/* os.close(1 or 2) by the program: its stream's writes stay in it (a pipe's
 * buffer no write(2) can empty), and a flush with bytes to write is
 * OSError EBADF, as python3's (at exit: "Exception ignored", status 120). */
void cpy_io_std_closed(int fd);
int cpy_io_write_now(int fd, const char *p, size_t n); /* os.write(1|2): out now, ahead of what the streams hold */
/* End the process now with `status` (os._exit), the events made so far
 * sent to the caller first (cpy_run.c). */
_Noreturn void cpy_exit_now(int status);
void cpy_trace_count_only(void);
void cpy_trace_update(void);
void cpy_note_touch(PyObject *o, bool write); /* --access notes: a "touch" of o */
void cpy_note_touch_at(uintptr_t at, bool write); /* ... of what address `at` stands for */
bool cpy_is_lock(PyObject *o);                 /* a lock of _thread (notes its own touches) */
void cpy_trace_scope(void);
bool cpy_program_only(void);         /* the default policy's scope (cpy_trace_scope) */
bool cpy_ticks_scope(void);          /* the program compiled with ticks: that scope, no every-step policy */
PyObject *cpy_due_function(void);         /* a call's switch point in a loop, under the default policy (ticks.py; new reference) */
PyObject *cpy_tick_function(bool entry); /* the tick ticks.py's code calls, at an entry or a loop's pass (new reference) */
PyObject *cpy_call_function(bool after); /* --choices cpython: the call (or, after a call with * or **, the `after`) ticks.py's code calls (new reference) */
int cpy_mark_ticked(PyObject *code); /* its frames, nested code's too, never traced: 0/-1 */
PyObject *cpy_mark_function(void);   /* cpy_mark_ticked for Python (new reference) */
/* The engine's own descriptors: a run's pipes (in their slots, the top two
 * below the descriptor limit) and, from CPY_ENGINE_FD_MIN up, the
 * snapshot's and the runner's. os.close and os.closerange leave them
 * (bootstrap.py): the program sees them as python3 would, not open. */
#define CPY_ENGINE_FD_MIN 900
bool cpy_engine_fd(int fd);
void cpy_watchdog_init(void);        /* its period, read before the environment is cleared */
void cpy_watchdog_start(void);       /* count-only tracing for lone runaway threads */
void cpy_watchdog_stop(void);        /* no alarm, none pending, none queued (around a snapshot) */
void cpy_note_line(void);           /* a "file:line" note if the line changed */
/* The explanation's runs (access and line notes): a "lock" note "REASON
 * NAME", NAME the variable or attribute the program's innermost frame
 * reaches `obj` by ("a", "self.lock", "q.mutex"); none if it has no name
 * there (threading's own locks). */
void cpy_note_name(const char *reason, PyObject *obj);
/* A timeout in seconds (a float, or an int or anything with __index__) to
 * nanoseconds, rounded away from zero, as CPython 3.11's
 * _PyTime_FromSecondsObject(..., _PyTime_ROUND_TIMEOUT) does, with its
 * errors: ValueError for NaN, OverflowError "timestamp out of range for
 * platform time_t" for a float and "timestamp too large to convert to C
 * _PyTime_t" for an integer outside int64 nanoseconds. 0, or -1 with the
 * exception set. */
int cpy_timeout_ns(PyObject *obj, int64_t *ns);
/* SQLite's default VFS made the run's for its clock and random seed
 * (cpy_sqlite.c); scope: dlsym's handle of libsqlite3. False if it could
 * not be installed. */
bool cpy_sqlite_vfs(void *scope);
/* k steps toward --max-steps; at the limit the run stops there (cpy_io.c) */
void cpy_count_steps(uint64_t k);
void cpy_poll_step(void);             /* a lock's failed try: a step (cpy_io.c) */
/* CPython's OverflowError text for a float, an int timeout too large
 * (this libpython's: cpy_thread.c) */
extern char cpy_overflow_float[128], cpy_overflow_int[128];

/* Where the running thread waits, for traces and deadlock reports: reason
 * (interned, static) and text (owned) from the Python stack: the API the
 * user called (e.g. "Condition.wait") and "Condition-1 at prog.py:12". */
typedef struct cpy_site {
    const char *reason;       /* interned: "Condition.wait", "Lock.acquire", "Thread.join" */
    char *what;               /* owned: "Condition-1 at prog.py:12" */
    model_obj *obj;           /* the user-level object waited on (its trace id and
                               * holder), or NULL: the lock itself */
} cpy_site;
void cpy_wait_site(const char *dflt_reason, PyObject *self_obj, cpy_site *site);
model_obj *cpy_wait_obj(PyObject *obj); /* a wait's model object for obj ("SimpleQueue-1") */
int cpy_wait_in(model_waitq *q, const char *dflt_reason, PyObject *self, model_obj *dflt,
                int64_t deadline); /* block in q (cpy_thread.c): 1 woken, 0 timed out */
PyObject *cpy_queue_module(void);       /* _queue (cpy_queue.c) */
/* "Kind-N" for a Python object, numbered per kind in order of first use. */
PyObject *cpy_display_name(PyObject *obj, const char *kind);
const char *cpy_intern(const char *s);

#endif
