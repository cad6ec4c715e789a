/*
 * model/py/interp.h — internal: the interpreter's run state, frames,
 * exceptions and the functions the evaluator, the builtins and the bound
 * modules share. Only model/py/ includes this; the outside uses py.h.
 *
 * Exceptions: a failing function sets the current thread's pending
 * exception (py_err*) and returns NULL (or -1). The pending exception is a
 * Python object (an instance of a BaseException subclass) owned by the
 * thread state; it collects traceback entries as it leaves each frame.
 *
 * Threads: each green thread that runs Python code has a py_ts, reached
 * from its model_thread's `user` field. The running thread's state is found
 * through the engine (sim_current), so nothing here is a global that a
 * context switch could leave stale.
 */
#ifndef MODEL_PY_INTERP_H
#define MODEL_PY_INTERP_H

#include "../core.h"
#include "../thread.h"
#include "ast.h"
#include "py.h"
#include "value.h"

/* Statement outcomes. */
enum { PY_X_OK, PY_X_RETURN, PY_X_BREAK, PY_X_CONTINUE, PY_X_EXC };

typedef struct py_frame {
    py_code *code;
    py_obj **fast;            /* code->nlocals slots; a cell where code->cell[i] */
    py_obj *func;             /* the function running (borrowed); NULL for module/class bodies */
    py_obj *closure;          /* tuple of cells (borrowed), or NULL */
    py_obj *globals;          /* module dict (borrowed) */
    py_obj *ns;               /* class body namespace (borrowed), or NULL */
    py_obj *retval;           /* value of a `return` being executed (owned) */
    struct py_frame *back;    /* caller */
    int line;                 /* line being executed */
} py_frame;

typedef struct py_ts {
    py_obj *exc;              /* pending exception (owned), or NULL */
    py_obj *handled;          /* exception of the innermost running except block (borrowed) */
    py_frame *frame;          /* innermost frame */
    int depth;                /* Python calls in progress */
    model_thread *mt;         /* the model thread */
    py_obj *thread;           /* its threading.Thread object (owned while it runs), or NULL */
    int noted_line;           /* last line put in the trace as a note */
    struct py_ts *next;       /* every thread state of the run */
} py_ts;

struct py_program {
    char *filename;           /* as given (shown in tracebacks) */
    char *src;                /* the source text (owned, NUL-terminated) */
    size_t len;
    const char **lines;       /* line starts, 1-based (lines[0] unused) */
    size_t nlines;
    int python;               /* 2 or 3 */
    py_nodes body;            /* module statements */
    py_code *code;            /* module scope */
    py_heap consts;           /* immortal constants */
};

typedef struct py_interp {
    const py_program *prog;
    py_run_opts opts;
    py_heap heap;             /* the run's objects */
    py_heap *prev_heap;       /* restored at the end */
    int python;
    py_obj *builtins;         /* dict of builtins */
    py_obj *main;             /* module __main__ */
    py_obj *modules;          /* dict: imported modules by name */
    py_ts *threads;           /* every thread state */
    uint64_t steps;           /* statements executed */
    bool mem_raised;          /* MemoryError raised since memory was last under the limit */
    bool exited;              /* sys.exit / SystemExit ended main */
    int exit_code;
    bool softspace;           /* Python 2 print statement */
    /* logging */
    int log_level;
    char *log_format;         /* owned; NULL until configured */
    /* DeprecationWarnings already shown: "LINE:message" (CPython's registry
     * key is the text, category and line) */
    char **warned;
    size_t nwarned;
    py_obj *main_thread;      /* the MainThread object, made on demand (owned) */
    char **interned;          /* strings that must live until the end of the run */
    size_t ninterned;
} py_interp;

/* ---- run state ---------------------------------------------------------- */

py_interp *py_interp_get(void);           /* the run in progress (aborts outside one) */
py_ts *py_ts_get(void);                   /* the running thread's state (made on first use) */
py_ts *py_ts_of(model_thread *mt);        /* a thread's state, made on first use */
/* A copy of `s` that lives until the run ends. */
const char *py_intern(const char *s);

/* ---- exceptions (exc.c) ------------------------------------------------- */

extern py_type py_exc_BaseException, py_exc_Exception, py_exc_SystemExit,
    py_exc_KeyboardInterrupt, py_exc_StopIteration, py_exc_ArithmeticError,
    py_exc_ZeroDivisionError, py_exc_OverflowError, py_exc_AssertionError,
    py_exc_AttributeError, py_exc_LookupError, py_exc_IndexError, py_exc_KeyError,
    py_exc_NameError, py_exc_UnboundLocalError, py_exc_RuntimeError, py_exc_RecursionError,
    py_exc_NotImplementedError, py_exc_TypeError, py_exc_ValueError, py_exc_ImportError,
    py_exc_ModuleNotFoundError, py_exc_MemoryError, py_exc_OSError, py_exc_TimeoutError,
    py_exc_UnicodeError, py_exc_Warning, py_exc_DeprecationWarning, py_exc_SyntaxError;
/* The bound modules' exceptions: threading.BrokenBarrierError, queue.Empty
 * (CPython 3 names it _queue.Empty; Python 2 Queue.Empty), queue.Full. */
extern py_type py_exc_BrokenBarrierError, py_exc_Empty, py_exc_Full;

/* Set the pending exception to type(message); always returns NULL. */
void *py_err(py_type *type, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Set the pending exception to an exception instance (steals `exc`). */
void py_err_set_obj(py_obj *exc);
bool py_err_occurred(void);
/* Is the pending exception an instance of `type`? */
bool py_err_matches(py_type *type);
/* Take the pending exception (the caller owns it), or NULL. */
py_obj *py_err_fetch(void);
void py_err_clear(void);
/* Turn the model's pending error (model_err_set) into a Python exception;
 * returns NULL. */
void *py_err_from_model(void);
/* A new exception instance of `type` with args (borrowed tuple, or NULL). */
py_obj *py_exc_new(py_type *type, py_obj *args);
/* The builtin exception type called `name`, or NULL. */
py_type *py_exc_by_name(const char *name);
/* Every builtin exception type (for the builtins dict). */
py_type *const *py_exc_all(size_t *n);
/* Add a traceback entry to a propagating exception. */
void py_tb_add(py_obj *exc, int line, const char *func);
/* The pending exception passes through frame `f`: record the frame's line
 * once (CPython's PyTraceBack_Here), also when the frame then catches it. */
void py_tb_here(py_frame *f);
/* The name CPython prints for an exception's type ("ValueError",
 * "threading.BrokenBarrierError"); lives until the run ends. */
const char *py_exc_type_name(py_obj *exc);
/* Write the traceback of `exc` (and its context chain) as CPython prints
 * it, without the final "Type: message" line. */
void py_tb_format(sim_buf *b, py_obj *exc);
/* Write the final "Type: message" line of `exc` (with '\n'). */
void py_exc_format_last(sim_buf *b, py_obj *exc);
/* str(exc) for the model's message; a malloc'd string. */
char *py_exc_message(py_obj *exc);

/* ---- evaluation (eval.c, call.c, attr.c, ops.c) ------------------------- */

/* Execute statements; returns PY_X_*. */
int py_exec_body(py_frame *f, py_nodes *body);
/* Evaluate an expression: a new reference, or NULL. */
py_obj *py_eval(py_frame *f, py_node *n);
/* Call anything callable. args borrowed; kw a dict or NULL. */
py_obj *py_call(py_obj *callable, py_obj **args, size_t n, py_obj *kw);
/* Run the module body of the program in the __main__ namespace. */
int py_exec_module(py_obj *globals);
/* The statement step: preemption point, limits. -1 with an exception set
 * (MemoryError) or the run stopped. */
int py_step(py_frame *f);
/* Current frame line of the running thread (0 outside Python code). */
int py_current_line(void);
/* Put "file:line" in the trace (a note) if the thread's line changed since
 * its last note; called before model calls that make events. */
void py_note_line(void);

/* Evaluator internals shared by eval.c (expressions) and exec.c (statements). */
py_obj *py__load_name(py_frame *f, py_node *n);
int py__store_slot(py_frame *f, int scope, int32_t slot, const char *name, py_obj *key,
                   py_obj *v);
int py__assign(py_frame *f, py_node *target, py_obj *v);
int py__delete(py_frame *f, py_node *target);
py_obj *py__make_function(py_frame *f, py_node *def);
py_obj *py__decorate(py_frame *f, py_nodes *decorators, py_obj *v);
int py__exec_classdef(py_frame *f, py_node *n);

py_obj *py_getattr(py_obj *o, const char *name);
/* Like py_getattr but absent is NULL with no exception set. */
py_obj *py_getattr_opt(py_obj *o, const char *name);
int py_setattr(py_obj *o, const char *name, py_obj *v);
int py_delattr(py_obj *o, const char *name);
/* Call method `name` of `o` (looked up on its type first, like CPython's
 * special-method lookup when `special`). NULL with AttributeError if absent. */
py_obj *py_call_method(py_obj *o, const char *name, py_obj **args, size_t n, py_obj *kw);
/* Special method lookup on the type only: bound callable or NULL (no error). */
py_obj *py_special(py_obj *o, const char *name);

py_obj *py_binop(int op, py_obj *a, py_obj *b);
py_obj *py_unary(int op, py_obj *a);
/* Create a class: name, base (NULL: object), namespace dict (borrowed). */
py_obj *py_class_new(const char *name, py_type *base, py_obj *ns);
/* Create an instance of a class (calls __init__). */
py_obj *py_instantiate(py_type *cls, py_obj **args, size_t n, py_obj *kw);

/* ---- argument helpers (call.c) ------------------------------------------ */

/* Match positional and keyword arguments of a native function to `names`
 * (nreq required, the rest optional: NULL when not given). `fname` is used
 * in messages. Returns 0 or -1 with TypeError. */
int py_args(const char *fname, py_obj **args, size_t n, py_obj *kw, const char *const *names,
            size_t nnames, size_t nreq, py_obj **out);
/* Shorthands checking a count of positional-only arguments. */
int py_no_kw(const char *fname, py_obj *kw);
int py_nargs(const char *fname, size_t n, size_t min, size_t max);
/* Argument conversions: -1 + TypeError. */
int py_as_int(py_obj *o, int64_t *out);
int py_as_double(py_obj *o, double *out);

/* ---- strings and formatting (str.c, format.c) --------------------------- */

/* "fmt % args" */
py_obj *py_str_mod(py_obj *fmt, py_obj *args);
/* format(v, spec) */
int py_format_spec(sim_buf *b, py_obj *v, const char *spec, size_t n);
py_obj *py_str_format(py_obj *self, py_obj **args, size_t n, py_obj *kw);
/* Concatenation and repetition helpers used by the operators. */
py_obj *py_str_concat(py_obj *a, py_obj *b);

/* ---- containers (containers.c) ------------------------------------------ */

/* list.sort(key=, reverse=) in place; 0 or -1. */
int py_list_sort(py_obj *list, py_obj *key, bool reverse);
/* dict.update(src) for a dict or an iterable of pairs; 0 or -1. */
int py_dict_update(py_obj *self, py_obj *src);
/* object.__init__ */
py_obj *py_object_init(py_obj *self, py_obj **a, size_t n, py_obj *kw);

/* ---- builtins and modules ----------------------------------------------- */

/* Fill the builtins dict of the run. */
void py_builtins_init(py_obj *builtins);
/* import: the module object (new reference), or NULL with
 * ModuleNotFoundError. */
py_obj *py_import(const char *name);
/* Module constructors (mod_*.c): return a new module object. */
py_obj *py_mod_threading(void);
py_obj *py_mod_time(void);
py_obj *py_mod_logging(void);
py_obj *py_mod_sys(void);
/* print to stdout with Python 3 semantics (used by print()). */
int py_write_text(int stream, const char *s, size_t n);
/* Emit a DeprecationWarning for the current line once, as CPython shows
 * warnings from __main__ (Python 3 dialect only). */
void py_warn_deprecated(const char *msg);
/* The Thread object of a model thread (made on demand for threads not
 * started from Python: MainThread...). Borrowed. */
py_obj *py_thread_object(model_thread *mt);
/* The threading.Thread type (mod_threading.c). */
extern py_type py_type_Thread;

/* ---- native classes of the bound modules -------------------------------- */

/* threading's classes over the model's primitives (mod_lock.c, mod_sync.c,
 * mod_timer.c, mod_local.c): instances keep the model object in their
 * native slot. */
extern py_type py_type_Lock, py_type_RLock, py_type_Condition, py_type_Semaphore,
    py_type_BoundedSemaphore, py_type_Event, py_type_Barrier, py_type_Timer, py_type_local;
/* The native object of `self`, an instance of `t` or a subclass; NULL with
 * TypeError (not one) or RuntimeError (its __init__ has not run). */
void *py_native(py_obj *self, py_type *t);
/* A Python-level timeout: NULL or None is MODEL_NO_TIMEOUT, a number its
 * value; anything else -1 with TypeError. */
int py_timeout_arg(py_obj *v, double *out);
/* A new instance of native class `t` over `native` (no __init__ runs). */
py_obj *py_new_native_inst(py_type *t, void *native);
/* "threading.Event", "__main__.MyEvent": the type as CPython 3's reprs of
 * threading's classes show it (lives until the run ends). */
const char *py_native_qualname(py_obj *self);
/* The queue module (Python 2: Queue) and random (mod_queue.c, mod_random.c). */
py_obj *py_mod_queue(const char *name);
py_obj *py_mod_random(void);

#endif
