/*
 * model/py/mod_threading.c — the `threading` module over model/thread.h.
 *
 * A Thread object is an instance whose native slot holds its model_thread.
 * Thread.__init__ makes the model thread (so names, ids and the create
 * event come in program order); start() hands it a run function that calls
 * the Python `run` method of the object, so subclasses that override run()
 * and __init__ work as in CPython. The running thread holds a reference to
 * its Thread object until run() ends, so `Thread(target=f).start()` without
 * keeping the object is safe.
 *
 * Both the modern names and Python 2's are provided; under Python 3 the old
 * ones that CPython 3.11 deprecates (setDaemon, getName, setName, isDaemon,
 * currentThread, activeCount) print CPython's DeprecationWarning once per
 * line, and isAlive (removed in 3.9) raises AttributeError.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../output.h"
#include "../thread.h"
#include "interp.h"

static model_thread *thr__get(py_obj *self)
{
    model_thread *mt = self->kind == PY_K_INST ? PY_INST(self)->native : NULL;
    if (!mt)
        py_err(&py_exc_RuntimeError, "thread.__init__() not called");
    return mt;
}

/* The function name CPython 3 appends to a default thread name. */
static const char *thr__target_name(py_obj *target)
{
    if (!target || target->kind == PY_K_NONE)
        return NULL;
    if (target->kind == PY_K_FUNC)
        return py_intern(((py_func *)target)->code->name);
    if (target->kind == PY_K_METHOD && ((py_method_obj *)target)->func->kind == PY_K_FUNC)
        return py_intern(((py_func *)((py_method_obj *)target)->func)->code->name);
    if (target->kind == PY_K_CFUNC)
        return ((py_cfunc_obj *)target)->name;
    if (target->kind == PY_K_TYPE)
        return py_intern(((py_type *)target)->name);
    return NULL;
}

static py_obj *thr_init(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    static const char *const names[] = {"group", "target", "name", "args", "kwargs", "daemon",
                                        "verbose"};
    py_obj *v[7];
    size_t nn = py_interp_get()->python == 2 ? 7 : 6;
    if (py_args("Thread.__init__", a, n, kw, names, nn, 0, v) < 0)
        return NULL;
    if (v[0] && v[0]->kind != PY_K_NONE)
        return py_err(&py_exc_AssertionError, "group argument must be None for now");
    if (v[2] && v[2]->kind != PY_K_NONE && v[2]->kind != PY_K_STR)
        return py_err(&py_exc_TypeError, "name must be a string");
    if (self->kind != PY_K_INST)
        return py_err(&py_exc_TypeError, "Thread.__init__ needs a Thread instance");
    if (PY_INST(self)->native)
        return py_err(&py_exc_RuntimeError, "Thread.__init__() called twice");
    py_obj *target = v[1] ? v[1] : py_None;
    py_obj *args = v[3] ? py_incref(v[3]) : py_tuple_new(0);
    py_obj *kwargs = v[4] && v[4]->kind != PY_K_NONE ? py_incref(v[4]) : py_dict_new();
    py_dict_sets(PY_INST(self)->dict, "_target", target);
    py_dict_sets(PY_INST(self)->dict, "_args", args);
    py_dict_sets(PY_INST(self)->dict, "_kwargs", kwargs);
    py_decref(args);
    py_decref(kwargs);
    py_note_line();
    const char *name = v[2] && v[2]->kind == PY_K_STR ? PY_STR(v[2]) : NULL;
    model_thread *mt = model_thread_new(name, NULL, NULL, thr__target_name(target));
    PY_INST(self)->native = mt;
    if (v[5] && v[5]->kind != PY_K_NONE) {
        int d = py_truth(v[5]);
        if (d < 0 || model_thread_set_daemon(mt, d) < 0)
            return d < 0 ? NULL : py_err_from_model();
    }
    return py_incref(py_None);
}

/* The body of every Python thread: self.run(), then report an exception. */
static void thr__run(model_thread *mt)
{
    py_ts *ts = py_ts_of(mt);
    py_obj *self = ts->thread;
    py_obj *r = py_call_method(self, "run", NULL, 0, NULL);
    ts->thread = NULL;
    if (r) {
        py_decref(r);
        py_decref(self);
        return;
    }
    py_decref(self);
    if (py_err_matches(&py_exc_SystemExit)) {
        py_err_clear(); /* SystemExit ends only its thread, silently */
        return;
    }
    char *msg = py_exc_message(ts->exc);
    model_err_set(py_exc_type_name(ts->exc), "%s", msg);
    free(msg);
    model_raise(); /* the traceback hook prints and clears ts->exc */
}

static py_obj *thr_start(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    if (py_no_kw("start", kw) < 0 || py_nargs("start", n, 0, 0) < 0)
        return NULL;
    model_thread *mt = thr__get(self);
    if (!mt)
        return NULL;
    if (mt->started)
        return py_err(&py_exc_RuntimeError, "threads can only be started once");
    py_ts *ts = py_ts_of(mt);
    ts->thread = py_incref(self);
    mt->run = thr__run;
    py_note_line();
    if (model_thread_start(mt) < 0) {
        py_setref(&ts->thread, NULL);
        return py_err_from_model();
    }
    return py_incref(py_None);
}

static py_obj *thr_run(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    if (py_no_kw("run", kw) < 0 || py_nargs("run", n, 0, 0) < 0)
        return NULL;
    py_obj *d = PY_INST(self)->dict;
    py_obj *target = py_dict_gets(d, "_target");
    py_obj *r = py_incref(py_None);
    if (target && target->kind != PY_K_NONE) {
        py_obj *args = py_dict_gets(d, "_args");
        py_obj *kwargs = py_dict_gets(d, "_kwargs");
        py_obj *t = py_incref(target);
        py_obj *al = args ? py_list_from_iter(args) : py_list_new(0);
        py_obj *kc = kwargs && kwargs->kind == PY_K_DICT ? py_incref(kwargs) : NULL;
        py_decref(r);
        r = al ? py_call(t, PY_LIST(al)->items, PY_LIST(al)->n, kc) : NULL;
        py_decref(t);
        py_xdecref(al);
        py_xdecref(kc);
    }
    /* CPython drops these when run() ends, breaking reference cycles */
    static const char *const keys[] = {"_target", "_args", "_kwargs"};
    py_obj *pending = py_err_fetch();
    for (int k = 0; k < 3; k++) {
        py_obj *key = py_str_from(keys[k]);
        py_dict_del(d, key);
        py_decref(key);
    }
    if (pending)
        py_err_set_obj(pending);
    return r;
}

static py_obj *thr_join(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    static const char *const names[] = {"timeout"};
    py_obj *v[1];
    if (py_args("join", a, n, kw, names, 1, 0, v) < 0)
        return NULL;
    model_thread *mt = thr__get(self);
    if (!mt)
        return NULL;
    double timeout = MODEL_NO_TIMEOUT;
    if (v[0] && v[0]->kind != PY_K_NONE) {
        if (py_as_double(v[0], &timeout) < 0)
            return NULL;
        if (timeout < 0)
            timeout = 0;
    }
    py_note_line();
    if (model_thread_join(mt, timeout) < 0)
        return py_err_from_model();
    return py_incref(py_None);
}

static py_obj *thr_is_alive(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    if (py_no_kw("is_alive", kw) < 0 || py_nargs("is_alive", n, 0, 0) < 0)
        return NULL;
    model_thread *mt = thr__get(self);
    return mt ? py_bool(model_thread_is_alive(mt)) : NULL;
}

static py_obj *thr_isAlive(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    if (py_interp_get()->python != 2)
        return py_err(&py_exc_AttributeError, "'%s' object has no attribute 'isAlive'",
                      py_type_name(self));
    return thr_is_alive(self, a, n, kw);
}

static py_obj *thr_getName(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    if (py_no_kw("getName", kw) < 0 || py_nargs("getName", n, 0, 0) < 0)
        return NULL;
    py_warn_deprecated("getName() is deprecated, get the name attribute instead");
    model_thread *mt = thr__get(self);
    return mt ? py_str_from(mt->name) : NULL;
}

static int thr__set_name(py_obj *self, py_obj *v)
{
    model_thread *mt = thr__get(self);
    if (!mt)
        return -1;
    py_obj *s = py_str_of(v);
    if (!s)
        return -1;
    py_note_line();
    model_thread_set_name(mt, PY_STR(s));
    py_decref(s);
    return 0;
}

static py_obj *thr_setName(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    if (py_no_kw("setName", kw) < 0 || py_nargs("setName", n, 1, 1) < 0)
        return NULL;
    py_warn_deprecated("setName() is deprecated, set the name attribute instead");
    return thr__set_name(self, a[0]) < 0 ? NULL : py_incref(py_None);
}

static int thr__set_daemon(py_obj *self, py_obj *v)
{
    model_thread *mt = thr__get(self);
    if (!mt)
        return -1;
    int d = py_truth(v);
    if (d < 0)
        return -1;
    if (model_thread_set_daemon(mt, d) < 0) {
        py_err_from_model();
        return -1;
    }
    return 0;
}

static py_obj *thr_isDaemon(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    if (py_no_kw("isDaemon", kw) < 0 || py_nargs("isDaemon", n, 0, 0) < 0)
        return NULL;
    py_warn_deprecated("isDaemon() is deprecated, get the daemon attribute instead");
    model_thread *mt = thr__get(self);
    return mt ? py_bool(mt->daemon) : NULL;
}

static py_obj *thr_setDaemon(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    if (py_no_kw("setDaemon", kw) < 0 || py_nargs("setDaemon", n, 1, 1) < 0)
        return NULL;
    py_warn_deprecated("setDaemon() is deprecated, set the daemon attribute instead");
    return thr__set_daemon(self, a[0]) < 0 ? NULL : py_incref(py_None);
}

static py_obj *thr_repr(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    (void)n;
    (void)kw;
    model_thread *mt = thr__get(self);
    if (!mt)
        return NULL;
    const char *status = !mt->started ? "initial" : mt->finished ? "stopped" : "started";
    sim_buf b = {0};
    sim_buf_printf(&b, "<%s(%s, %s", py_type_name(self), mt->name, status);
    if (mt->daemon)
        sim_buf_adds(&b, " daemon");
    if (mt->started)
        sim_buf_printf(&b, " %ld", mt->ident);
    sim_buf_adds(&b, ")>");
    return py_str_take(&b);
}

static py_obj *thr_get_name(py_obj *self)
{
    model_thread *mt = thr__get(self);
    return mt ? py_str_from(mt->name) : NULL;
}

static py_obj *thr_get_ident(py_obj *self)
{
    model_thread *mt = thr__get(self);
    if (!mt)
        return NULL;
    return mt->started ? py_int_new(mt->ident) : py_incref(py_None);
}

static py_obj *thr_get_daemon(py_obj *self)
{
    model_thread *mt = thr__get(self);
    return mt ? py_bool(mt->daemon) : NULL;
}

static const py_method thr__methods[] = {
    {"__init__", thr_init}, {"start", thr_start}, {"run", thr_run}, {"join", thr_join},
    {"is_alive", thr_is_alive}, {"isAlive", thr_isAlive}, {"getName", thr_getName},
    {"setName", thr_setName}, {"isDaemon", thr_isDaemon}, {"setDaemon", thr_setDaemon},
    {"__repr__", thr_repr}, {NULL, NULL},
};

static const py_getset thr__getset[] = {
    {"name", thr_get_name, thr__set_name}, {"ident", thr_get_ident, NULL},
    {"native_id", thr_get_ident, NULL}, {"daemon", thr_get_daemon, thr__set_daemon},
    {NULL, NULL, NULL},
};

py_type py_type_Thread = {
    .hdr = {.type = &py_type_type, .rc = 1, .kind = PY_K_TYPE, .flags = PY_F_IMMORTAL},
    .name = (char *)"Thread", .base = &py_type_object, .methods = thr__methods,
    .getset = thr__getset, .inst_kind = PY_K_INST, .module = "threading"};

py_obj *py_thread_object(model_thread *mt)
{
    py_ts *ts = py_ts_of(mt);
    if (ts->thread)
        return ts->thread;
    /* MainThread, or a thread the model started on its own: a Thread
     * object made now, kept for the rest of the run */
    py_inst *o = py_alloc(sizeof *o, &py_type_Thread, PY_K_INST);
    o->dict = py_dict_new();
    o->native = mt;
    ts->thread = &o->hdr;
    return ts->thread;
}

/* ---- module functions --------------------------------------------------- */

static py_obj *f_current_thread(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    (void)a;
    if (py_no_kw("current_thread", kw) < 0 || py_nargs("current_thread", n, 0, 0) < 0)
        return NULL;
    return py_incref(py_thread_object(model_current_thread()));
}

static py_obj *f_currentThread(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    py_warn_deprecated("currentThread() is deprecated, use current_thread() instead");
    return f_current_thread(self, a, n, kw);
}

static py_obj *f_main_thread(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    (void)a;
    if (py_no_kw("main_thread", kw) < 0 || py_nargs("main_thread", n, 0, 0) < 0)
        return NULL;
    return py_incref(py_thread_object(model_main_thread()));
}

/* Alive threads in start order (CPython's _active dict order). */
static py_obj *thr__alive(void)
{
    uint32_t nt = model_thread_count();
    py_obj *l = py_list_new(0);
    long last = 0;
    for (;;) {
        model_thread *next = NULL;
        for (uint32_t i = 0; i < nt; i++) {
            model_thread *t = model_thread_at(i);
            if (t->started && !t->finished && t->ident > last && (!next || t->ident < next->ident))
                next = t;
        }
        if (!next)
            break;
        py_list_append(l, py_thread_object(next));
        last = next->ident;
    }
    return l;
}

static py_obj *f_enumerate(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    (void)a;
    if (py_no_kw("enumerate", kw) < 0 || py_nargs("enumerate", n, 0, 0) < 0)
        return NULL;
    model_step();
    return thr__alive();
}

static py_obj *f_active_count(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    (void)a;
    if (py_no_kw("active_count", kw) < 0 || py_nargs("active_count", n, 0, 0) < 0)
        return NULL;
    model_step();
    py_obj *l = thr__alive();
    py_obj *r = py_int_new((int64_t)PY_LIST(l)->n);
    py_decref(l);
    return r;
}

static py_obj *f_activeCount(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    py_warn_deprecated("activeCount() is deprecated, use active_count() instead");
    return f_active_count(self, a, n, kw);
}

static py_obj *f_get_ident(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    (void)a;
    if (py_no_kw("get_ident", kw) < 0 || py_nargs("get_ident", n, 0, 0) < 0)
        return NULL;
    return py_int_new(model_current_thread()->ident);
}

py_obj *py_mod_threading(void)
{
    py_obj *m = py_module_new("threading");
    py_obj *d = ((py_module *)m)->dict;
    static const py_method fns[] = {
        {"current_thread", f_current_thread}, {"currentThread", f_currentThread},
        {"main_thread", f_main_thread}, {"enumerate", f_enumerate},
        {"active_count", f_active_count}, {"activeCount", f_activeCount},
        {"get_ident", f_get_ident}, {"get_native_id", f_get_ident}, {NULL, NULL},
    };
    for (const py_method *k = fns; k->name; k++) {
        py_obj *f = py_cfunc_new(k->name, k->fn, NULL);
        py_dict_sets(d, k->name, f);
        py_decref(f);
    }
    py_dict_sets(d, "Thread", &py_type_Thread.hdr);
    /* the primitives (mod_lock.c, mod_sync.c, mod_timer.c, mod_local.c) */
    static const struct { const char *name; py_type *type; } types[] = {
        {"Lock", &py_type_Lock}, {"RLock", &py_type_RLock}, {"Condition", &py_type_Condition},
        {"Semaphore", &py_type_Semaphore}, {"BoundedSemaphore", &py_type_BoundedSemaphore},
        {"Event", &py_type_Event}, {"Timer", &py_type_Timer}, {"Barrier", &py_type_Barrier},
        {"BrokenBarrierError", &py_exc_BrokenBarrierError}, {"local", &py_type_local},
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        py_dict_sets(d, types[i].name, &types[i].type->hdr);
    py_obj *tmax = py_float_new(9223372036.0);
    py_dict_sets(d, "TIMEOUT_MAX", tmax);
    py_decref(tmax);
    return m;
}
