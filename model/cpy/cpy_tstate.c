/*
 * model/cpy/cpy_tstate.c — thread-state switching for CPython 3.11 (see
 * cpy_tstate.h). Py_BUILD_CORE exposes _PyRuntime, whose gilstate member
 * holds the GIL-state key; nothing else in threadsim includes internal
 * headers.
 */
#define Py_BUILD_CORE 1
#include <Python.h>
#include "internal/pycore_runtime.h"
#include "internal/pycore_frame.h"
#include "internal/pycore_dict.h"
#include "internal/pycore_object.h"
/* _PyOpcode_Deopt and _PyOpcode_Caches, which libpython does not export:
 * our own copy of the 3.11 tables */
#define NEED_OPCODE_TABLES
#include "internal/pycore_opcode.h"
#undef NEED_OPCODE_TABLES
#include <opcode.h>

#include "cpy_tstate.h"

#if PY_VERSION_HEX < 0x030B0000 || PY_VERSION_HEX >= 0x030C0000
#error "cpy_tstate.c is written for CPython 3.11"
#endif

void cpy_ts_activate(PyThreadState *ts)
{
    PyThreadState_Swap(ts);
    PyThread_tss_set(&_PyRuntime.gilstate.autoTSSkey, ts);
}

PyThreadState *cpy_ts_new(void)
{
    PyThreadState *cur = PyThreadState_Get();
    /* PyThreadState_New notes the state for the GIL-state key only if the
     * key is empty; ours never is, so it stays the running thread's. */
    return PyThreadState_New(cur->interp);
}

void cpy_ts_delete(PyThreadState *ts)
{
    PyThreadState_Clear(ts);
    PyThreadState_Delete(ts);
}

void cpy_ts_trace_opcodes(PyFrameObject *f)
{
    f->f_trace_opcodes = 1; /* frame.f_trace_opcodes = True, a plain T_BOOL member */
}

void cpy_ts_set_ident(PyThreadState *ts, unsigned long ident)
{
    ts->thread_id = ident;
}

bool cpy_ts_other_async_exc(PyThreadState *self)
{
    for (PyThreadState *t = PyInterpreterState_ThreadHead(self->interp); t;
         t = PyThreadState_Next(t))
        if (t != self && t->async_exc)
            return true;
    return false;
}

bool cpy_ts_jumps_to_itself(void)
{
    const cpy_ts_frame *f = cpy_ts_frame_top();
    if (!f)
        return false;
    PyCodeObject *co = f->f_code;
    Py_ssize_t i = _PyInterpreterFrame_LASTI((_PyInterpreterFrame *)f);
    if (i < 0 || i >= Py_SIZE(co))
        return false;
    const _Py_CODEUNIT *code = _PyCode_CODE(co);
    int op = _Py_OPCODE(code[i]);
    if ((op != JUMP_BACKWARD && op != JUMP_BACKWARD_QUICK) || _Py_OPARG(code[i]) != 1)
        return false;
    int prev = i > 0 ? _Py_OPCODE(code[i - 1]) : 0;
    return prev != EXTENDED_ARG && prev != EXTENDED_ARG_QUICK;
}

int cpy_ts_pending_call_from_signal(int (*fn)(void *), void *arg)
{
    PyInterpreterState *interp = _PyRuntime.interpreters.main;
    if (!interp)
        return -1;
    struct _pending_calls *pending = &interp->ceval.pending;
    if (!pending->lock || !PyThread_acquire_lock(pending->lock, NOWAIT_LOCK))
        return -1;
    int i = pending->last, j = (i + 1) % NPENDINGCALLS;
    bool full = j == pending->first;
    if (!full) {
        pending->calls[i].func = fn;
        pending->calls[i].arg = arg;
        pending->last = j;
    }
    PyThread_release_lock(pending->lock);
    if (full)
        return -1;
    /* the one OS thread is the main thread, which runs pending calls */
    _Py_atomic_store_relaxed(&pending->calls_to_do, 1);
    _Py_atomic_store_relaxed(&interp->ceval.eval_breaker, 1);
    return 0;
}

bool cpy_ts_version_ok(void)
{
    const char *v = Py_GetVersion();
    return v[0] == '3' && v[1] == '.' && v[2] == '1' && v[3] == '1' && v[4] == '.';
}

static bool (*ts_traced)(PyCodeObject *co);
static void (*ts_entry)(PyCodeObject *co, PyCodeObject *caller);

/* The frame evaluator of cpy_ts_trace_filter. The default evaluator copies
 * its caller's cframe.use_tracing on entry and writes its own back on exit,
 * so: set it for the callee before, and after, set it back to what the
 * caller's code calls for (tracing may have been switched on or off
 * meanwhile: only a set trace function turns it on). */
/* Whether the frames sharing `f`'s cframe need tracing: a frame and the
 * callers CPython inlined into one evaluation with it, down to that
 * evaluation's entry frame (several only for calls made before the
 * evaluator was installed; they share one use_tracing). */
static bool ts__chain_traced(_PyInterpreterFrame *f)
{
    if (!f)
        return true;
    for (; f; f = f->previous) {
        if (ts_traced(f->f_code))
            return true;
        if (f->is_entry)
            break;
    }
    return false;
}

static PyObject *ts_eval(PyThreadState *ts, _PyInterpreterFrame *f, int throwflag)
{
    /* a frame's start or a generator's resumption (not a throw into it,
     * which runs no RESUME): the frame is made, not yet linked in */
    if (ts_entry && !throwflag) {
        _PyInterpreterFrame *c = ts->cframe->current_frame;
        ts_entry(f->f_code, c ? c->f_code : NULL);
    }
    _PyCFrame *cf = ts->cframe;
    _PyInterpreterFrame *caller = cf->current_frame;
    if (ts->c_tracefunc && !ts->c_profilefunc)
        cf->use_tracing = ts_traced(f->f_code) ? 255 : 0;
    PyObject *r = _PyEval_EvalFrameDefault(ts, f, throwflag);
    if (ts->cframe == cf && ts->c_tracefunc && !ts->c_profilefunc)
        cf->use_tracing = ts__chain_traced(caller) ? 255 : 0;
    return r;
}

void cpy_ts_trace_refresh(void)
{
    PyThreadState *ts = PyThreadState_Get();
    _PyCFrame *cf = ts->cframe;
    if (!ts_traced || !ts->c_tracefunc || ts->c_profilefunc || !cf || !cf->current_frame)
        return;
    cf->use_tracing = ts__chain_traced(cf->current_frame) ? 255 : 0;
}

void cpy_ts_trace_filter(bool (*traced)(PyCodeObject *co),
                         void (*entry)(PyCodeObject *co, PyCodeObject *caller))
{
    ts_traced = traced;
    ts_entry = traced ? entry : NULL;
    PyInterpreterState *interp = PyInterpreterState_Get();
    _PyInterpreterState_SetEvalFrameFunc(interp, traced ? ts_eval : _PyEval_EvalFrameDefault);
}

PyObject *cpy_ts_stack_peek(PyFrameObject *f, int depth)
{
    _PyInterpreterFrame *fr = f ? f->f_frame : NULL;
    if (!fr || depth < 0)
        return NULL;
    int i = fr->stacktop - 1 - depth;
    if (fr->stacktop < 0 || i < fr->f_code->co_nlocalsplus)
        return NULL;
    return fr->localsplus[i];
}

/* listobject.c's, dictobject.c's and setobject.c's iterators, 3.11 */
typedef struct {
    PyObject_HEAD
    Py_ssize_t it_index;
    PyObject *it_seq;
} cpy__listiter;
typedef struct {
    PyObject_HEAD
    PyObject *di_dict;
} cpy__dictiter;
typedef struct {
    PyObject_HEAD
    PyObject *si_set;
} cpy__setiter;

PyObject *cpy_ts_iter_source(PyObject *it)
{
    if (!it)
        return NULL;
    PyTypeObject *tp = Py_TYPE(it);
    if (tp == &PyListIter_Type || tp == &PyListRevIter_Type)
        return ((cpy__listiter *)it)->it_seq;
    if (tp == &PyDictIterKey_Type || tp == &PyDictIterValue_Type || tp == &PyDictIterItem_Type ||
        tp == &PyDictRevIterKey_Type || tp == &PyDictRevIterValue_Type ||
        tp == &PyDictRevIterItem_Type)
        return ((cpy__dictiter *)it)->di_dict;
    if (tp == &PySetIter_Type)
        return ((cpy__setiter *)it)->si_set;
    if (tp == &PyDictKeys_Type || tp == &PyDictValues_Type || tp == &PyDictItems_Type)
        return (PyObject *)((_PyDictViewObject *)it)->dv_dict;
    return NULL;
}

PyObject *cpy_ts_frame_generator(PyFrameObject *f)
{
    _PyInterpreterFrame *fr = f ? f->f_frame : NULL;
    if (!fr || fr->owner != FRAME_OWNED_BY_GENERATOR)
        return NULL;
    return (PyObject *)_PyFrame_GetGenerator(fr);
}

void cpy_ts_audit_unhook(cpy_audit_fn fn)
{
    _Py_AuditHookEntry **at = &_PyRuntime.audit_hook_head;
    while (*at) {
        _Py_AuditHookEntry *e = *at;
        if (e->hookCFunction == (Py_AuditHookFunction)fn) {
            /* unlinked, not freed: this may run inside an allocation
             * (dalloc_on_refuse); the entry's few bytes stay in the heap */
            *at = e->next;
            return;
        }
        at = &e->next;
    }
}

extern const char *_Py_DumpTracebackThreads(int fd, PyInterpreterState *interp,
                                            PyThreadState *current_tstate);
extern void _Py_DumpTraceback(int fd, PyThreadState *tstate);

const char *cpy_ts_dump_stacks(int fd, bool all, PyThreadState *cur)
{
    if (!all) {
        _Py_DumpTraceback(fd, cur);
        return NULL;
    }
    return _Py_DumpTracebackThreads(fd, PyInterpreterState_Main(), cur);
}

static const cpy_ts_frame *ts__complete(_PyInterpreterFrame *f)
{
    while (f && _PyFrame_IsIncomplete(f))
        f = f->previous;
    return f;
}

const cpy_ts_frame *cpy_ts_frame_top(void)
{
    PyThreadState *ts = _PyThreadState_UncheckedGet();
    return ts ? ts__complete(ts->cframe->current_frame) : NULL;
}

const cpy_ts_frame *cpy_ts_frame_back(const cpy_ts_frame *f)
{
    return f ? ts__complete(f->previous) : NULL;
}

PyCodeObject *cpy_ts_frame_code(const cpy_ts_frame *f)
{
    return f->f_code;
}

const cpy_ts_frame *cpy_ts_frame_find(bool (*pick)(PyCodeObject *co), PyCodeObject **co)
{
    for (const cpy_ts_frame *f = cpy_ts_frame_top(); f; f = cpy_ts_frame_back(f)) {
        if (!pick || pick(f->f_code)) {
            *co = f->f_code;
            return f;
        }
    }
    return NULL;
}

int cpy_ts_frame_line(const cpy_ts_frame *f)
{
    /* a frame object being traced has its line set (PyFrame_GetLineNumber) */
    if (f->frame_obj && f->frame_obj->f_lineno)
        return f->frame_obj->f_lineno;
    return PyCode_Addr2Line(f->f_code, _PyInterpreterFrame_LASTI((_PyInterpreterFrame *)f) *
                                           (int)sizeof(_Py_CODEUNIT));
}

PyObject *cpy_ts_frame_globals(const cpy_ts_frame *f)
{
    return f->f_globals;
}

static int ts__dict_items(PyObject *d, int (*fn)(PyObject *, PyObject *, void *), void *ud)
{
    Py_ssize_t pos = 0;
    PyObject *k, *v;
    while (PyDict_Next(d, &pos, &k, &v)) {
        int r = fn(k, v, ud);
        if (r)
            return r;
    }
    return 0;
}

int cpy_ts_frame_vars(const cpy_ts_frame *f, int (*fn)(PyObject *name, PyObject *value, void *ud),
                      void *ud)
{
    PyCodeObject *co = f->f_code;
    PyObject *names = co->co_localsplusnames;
    for (int i = 0; i < co->co_nlocalsplus && i < PyTuple_GET_SIZE(names); i++) {
        PyObject *v = f->localsplus[i];
        _PyLocals_Kind k = _PyLocals_GetKind(co->co_localspluskinds, i);
        if (v && (k & (CO_FAST_CELL | CO_FAST_FREE)) && PyCell_Check(v))
            v = PyCell_GET(v);
        if (!v)
            continue;
        int r = fn(PyTuple_GET_ITEM(names, i), v, ud);
        if (r)
            return r;
    }
    if (f->f_locals && f->f_locals != f->f_globals && PyDict_Check(f->f_locals))
        return ts__dict_items(f->f_locals, fn, ud);
    return 0;
}

int cpy_ts_obj_attrs(PyObject *o, int (*fn)(PyObject *name, PyObject *value, void *ud), void *ud)
{
    PyTypeObject *tp = Py_TYPE(o);
    if (tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) {
        PyDictValues *values = *_PyObject_ValuesPointer(o);
        PyObject *dict = *_PyObject_ManagedDictPointer(o);
        if (dict && PyDict_Check(dict))
            return ts__dict_items(dict, fn, ud);
        PyDictKeysObject *keys = ((PyHeapTypeObject *)tp)->ht_cached_keys;
        if (!values || !keys || !DK_IS_UNICODE(keys))
            return 0;
        PyDictUnicodeEntry *ep = DK_UNICODE_ENTRIES(keys);
        for (Py_ssize_t i = 0; i < keys->dk_nentries; i++) {
            PyObject *v = values->values[i];
            if (!v || !ep[i].me_key)
                continue;
            int r = fn(ep[i].me_key, v, ud);
            if (r)
                return r;
        }
        return 0;
    }
    if (tp->tp_dictoffset > 0) {
        PyObject *dict = *(PyObject **)((char *)o + tp->tp_dictoffset);
        if (dict && PyDict_Check(dict))
            return ts__dict_items(dict, fn, ud);
    }
    return 0;
}

int cpy_ts_instr(PyCodeObject *co, int lasti, int *op, int *arg)
{
    Py_ssize_t i = lasti / (int)sizeof(_Py_CODEUNIT);
    if (lasti < 0 || i >= Py_SIZE(co))
        return -1;
    const _Py_CODEUNIT *code = _PyCode_CODE(co);
    *op = _PyOpcode_Deopt[_Py_OPCODE(code[i])];
    *arg = _Py_OPARG(code[i]);
    if (i > 0 && _PyOpcode_Deopt[_Py_OPCODE(code[i - 1])] == EXTENDED_ARG) {
        /* a prefix, or a cache entry whose bits look like one: only a walk
         * over the instructions from the start tells (rare: this opcode) */
        Py_ssize_t j = 0;
        while (j < i - 1)
            j += 1 + _PyOpcode_Caches[_PyOpcode_Deopt[_Py_OPCODE(code[j])]];
        if (j == i - 1)
            *arg |= _Py_OPARG(code[i - 1]) << 8;
    }
    return 0;
}
