/*
 * model/cpy/cpy_tstate.h — the only place that knows CPython's internals.
 *
 * Every green thread that runs Python has its own PyThreadState. All of them
 * live on one OS thread, which holds the GIL for the whole run, so a switch
 * between green threads is a switch of "the current thread state". CPython
 * 3.11 keeps that in two places: the runtime's current-tstate pointer
 * (PyThreadState_Swap sets it) and the GIL-state thread-local key that
 * PyGILState_Ensure consults; if the key still names another green thread's
 * state, a C extension calling PyGILState_Ensure tries to take the GIL for
 * that state and deadlocks the only OS thread. cpy_ts_activate sets both.
 *
 * Porting to another CPython version means reviewing this file alone
 * (3.12 moved the key into _PyRuntime.autoTSSkey; 3.13 has no GIL-state
 * key of this form in free-threaded builds).
 */
#ifndef MODEL_CPY_TSTATE_H
#define MODEL_CPY_TSTATE_H

#include <stdbool.h>

typedef struct _ts PyThreadState;

/* Make `ts` the running thread state (GIL-state key included). */
void cpy_ts_activate(PyThreadState *ts);
/* A new thread state of the main interpreter, not yet active. NULL on
 * out-of-memory. */
PyThreadState *cpy_ts_new(void);
/* Clear and free a thread state that is not the running one. */
void cpy_ts_delete(PyThreadState *ts);
/* The thread id CPython keeps in the state (PyThreadState_SetAsyncExc and
 * sys._current_frames look threads up by it): the model's ident, so that
 * threading.get_ident() finds the green thread. */
void cpy_ts_set_ident(PyThreadState *ts, unsigned long ident);
/* Another thread state than `self` has an asynchronous exception pending
 * (PyThreadState_SetAsyncExc): CPython 3.11 then keeps its eval breaker
 * set, and a traced thread entering a function loops on it until that
 * thread has run (real CPython gets there by a GIL switch). */
bool cpy_ts_other_async_exc(PyThreadState *self);
/* Trace only the frames whose code `traced(co)` accepts (NULL: all, as
 * CPython does). While a trace function is set, a frame it refuses runs
 * with tracing off (CPython's specialized instructions, no line events) and
 * the frames it calls are judged each on its own. CPython 3.11 has no
 * per-frame switch: this is a PEP 523 frame evaluator that flips the
 * cframe's use_tracing around the default evaluator (and Python-to-Python
 * calls are not inlined while it is installed). `traced` must not run
 * Python code nor raise. */
typedef struct PyCodeObject PyCodeObject;
/* `entry(co, caller)`, if not NULL, is called before each frame the
 * evaluator starts or resumes (not on a throw into a generator), outside
 * the frame, with the code of the Python frame running in the thread then
 * (NULL if none): it may switch threads, and must not raise. */
void cpy_ts_trace_filter(bool (*traced)(PyCodeObject *co),
                         void (*entry)(PyCodeObject *co, PyCodeObject *caller));
/* After a trace function was set (PyEval_SetTrace) from C code that a
 * Python frame called: CPython turned tracing on for that frame's whole
 * evaluation, whatever the filter says; this sets it as the filter would
 * have at the frame's entry. */
void cpy_ts_trace_refresh(void);
/* The value `depth` below the top of a traced frame's value stack (0: the
 * top), borrowed; NULL if the stack is not that deep or not readable. Valid
 * inside a trace function's call only (CPython 3.11 saves the stack pointer
 * in the frame before calling it). */
typedef struct _frame PyFrameObject;
typedef struct _object PyObject;
PyObject *cpy_ts_stack_peek(PyFrameObject *f, int depth);
/* The container a builtin iterator walks (a list's, a dict's or its
 * view's, a set's iterator: their 3.11 structs), or a dict view's dict;
 * NULL for anything else. Borrowed. For --access notes: each FOR_ITER
 * step reads the container (and moves the iterator on). */
PyObject *cpy_ts_iter_source(PyObject *it);
/* The generator (or coroutine) whose frame `f` is, borrowed; NULL for a
 * function's frame. For --access notes: a step inside a generator's frame
 * changes the generator (it is running: another thread's next() of it
 * raises "generator already executing"). */
PyObject *cpy_ts_frame_generator(PyFrameObject *f);
/* frame.f_trace_opcodes = True for `f`, without an attribute lookup by
 * name (a traced line of the program's asks it, for --access notes). */
void cpy_ts_trace_opcodes(PyFrameObject *f);
/* The C audit hook `fn` (PySys_AddAuditHook) removed again, which CPython
 * has no API for: audit events then cost nothing (no arguments built, which
 * can fail near a memory limit) as in a process that never had it. */
typedef int (*cpy_audit_fn)(const char *event, PyObject *args, void *ud);
void cpy_ts_audit_unhook(cpy_audit_fn fn);
/* faulthandler's dump of the stacks to `fd`: every thread's (`cur` named
 * "Current thread", and none if it is no thread of the interpreter's), or
 * `cur`'s only; CPython's own text (_Py_DumpTracebackThreads,
 * _Py_DumpTraceback). NULL, or the error it reports. */
const char *cpy_ts_dump_stacks(int fd, bool all, PyThreadState *cur);
/* Whether the running thread's innermost frame stands at a jump to itself
 * (`while True: pass` on one line: JUMP_BACKWARD 1, quickened or not),
 * read from the code's own instructions: nothing is allocated (the
 * watchdog asks it at a wall-clock moment, and PyCode_GetCode's copy, or
 * PyEval_GetFrame's frame object for a frame that has none, would move
 * every later object's address). */
bool cpy_ts_jumps_to_itself(void);
/* Py_AddPendingCall(fn, arg), safe in a signal handler (the watchdog's
 * SIGALRM): Py_AddPendingCall looks the current thread state up, which a
 * signal landing inside a switch finds half-made (a NULL state, and the
 * GIL-state key naming a thread state already freed), and waits for the
 * queue's lock, which the interrupted code may hold. Here the interpreter
 * is the main one, the lock is only tried, and the eval breaker is set as
 * CPython's SIGNAL_PENDING_CALLS does. 0, or -1 when the call was not
 * queued (lock busy, queue full): the caller tries again later. */
int cpy_ts_pending_call_from_signal(int (*fn)(void *), void *arg);
/* Whether the interpreter runs the threading program built against: 3.11. */
bool cpy_ts_version_ok(void);

/* The running thread's Python frames, read from CPython's own frame chain
 * without making frame objects: PyEval_GetFrame and PyFrame_GetBack make
 * them (and PyFrame_GetLocals a dict, PyCode_GetCode a bytes copy) on the
 * Python heap, and every object made after them then gets another address
 * than in a run that did not look: id(), default reprs and the order of a
 * set of objects would differ between `run`, the stepper and the explorer
 * for one schedule. cpy_ts_frame is CPython's _PyInterpreterFrame.
 * cpy_ts_frame_find: the innermost frame whose code `pick` accepts (the
 * first complete one if `pick` is NULL), or NULL; its code borrowed. */
typedef struct _PyInterpreterFrame cpy_ts_frame;
const cpy_ts_frame *cpy_ts_frame_find(bool (*pick)(PyCodeObject *co), PyCodeObject **co);
/* The innermost frame, a frame's caller (NULL: none), a frame's code
 * (borrowed). */
const cpy_ts_frame *cpy_ts_frame_top(void);
const cpy_ts_frame *cpy_ts_frame_back(const cpy_ts_frame *f);
PyCodeObject *cpy_ts_frame_code(const cpy_ts_frame *f);
/* Its current line (as PyFrame_GetLineNumber gives it). */
int cpy_ts_frame_line(const cpy_ts_frame *f);
/* Its globals (borrowed), and the values of its variables one by one:
 * `fn(name, value, ud)` for each local that is set (a cell's content),
 * then each item of its locals mapping if it has a dict of its own (a
 * module's or class body's); stops at a non-zero return, which it
 * returns. Nothing is allocated. */
PyObject *cpy_ts_frame_globals(const cpy_ts_frame *f);
int cpy_ts_frame_vars(const cpy_ts_frame *f, int (*fn)(PyObject *name, PyObject *value, void *ud),
                      void *ud);
/* The attributes an object has in its instance dictionary, the same way,
 * without making that dictionary (3.11 keeps a plain class's attributes
 * in values beside the object until someone asks for __dict__). */
int cpy_ts_obj_attrs(PyObject *o, int (*fn)(PyObject *name, PyObject *value, void *ud), void *ud);
/* The instruction at byte offset `lasti` of `co` as compiled (CPython's
 * specializations undone, as PyCode_GetCode's copy shows it) with its
 * EXTENDED_ARG prefix folded in: 0 and *op, *arg; -1 if out of range. */
int cpy_ts_instr(PyCodeObject *co, int lasti, int *op, int *arg);

#endif
