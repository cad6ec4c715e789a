/*
 * model/py/mod_timer.c — threading.Timer over model/timer.h.
 *
 * A Timer is a Thread subclass (its type's base is threading.Thread): its
 * native slot holds the model_timer's thread, so start, join, name, daemon,
 * is_alive and repr are Thread's. Its own run() is Lib/threading.py's,
 *
 *   self.finished.wait(self.interval)
 *   if not self.finished.is_set(): self.function(*self.args, **self.kwargs)
 *   self.finished.set()
 *
 * on the model Timer's Event (shown as "Timer-N" with wait reason "timer"),
 * so a subclass may override run() and the attributes interval, function,
 * args, kwargs and finished (an Event object over the same model Event) are
 * there as in CPython. cancel() is model_timer_cancel. The default name is
 * plain "Thread-N" in both dialects: a Timer has no target.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../event.h"
#include "../timer.h"
#include "interp.h"

static model_timer *timer__get(py_obj *self)
{
    return (model_timer *)py_native(self, &py_type_Timer);
}

static py_obj *timer_init(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    static const char *const names[] = {"interval", "function", "args", "kwargs"};
    py_obj *v[4];
    if (py_args("Timer.__init__", a, n, kw, names, 4, 2, v) < 0)
        return NULL;
    if (self->kind != PY_K_INST)
        return py_err(&py_exc_TypeError, "Timer.__init__ needs a Timer instance");
    if (PY_INST(self)->native)
        return py_err(&py_exc_RuntimeError, "Thread.__init__() called twice");
    py_obj *d = PY_INST(self)->dict;
    py_obj *args = v[2] && v[2]->kind != PY_K_NONE ? py_incref(v[2]) : py_list_new(0);
    py_obj *kwargs = v[3] && v[3]->kind != PY_K_NONE ? py_incref(v[3]) : py_dict_new();
    py_dict_sets(d, "interval", v[0]);
    py_dict_sets(d, "function", v[1]);
    py_dict_sets(d, "args", args);
    py_dict_sets(d, "kwargs", kwargs);
    py_decref(args);
    py_decref(kwargs);
    py_note_line();
    model_timer *t = model_timer_new(0, NULL, NULL);
    PY_INST(self)->native = &t->thread;
    py_obj *finished = py_new_native_inst(&py_type_Event, t->finished);
    py_dict_sets(d, "finished", finished);
    py_decref(finished);
    return py_incref(py_None);
}

static py_obj *timer_run(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    model_timer *t = timer__get(self);
    if (!t || py_no_kw("run", kw) < 0 || py_nargs("run", n, 0, 0) < 0)
        return NULL;
    py_obj *d = PY_INST(self)->dict;
    py_obj *iv = py_dict_gets(d, "interval");
    double interval;
    if (py_timeout_arg(iv ? iv : py_None, &interval) < 0)
        return NULL;
    py_note_line();
    if (model_event_wait(t->finished, interval) < 0)
        return py_err_from_model();
    if (!model_event_is_set(t->finished)) {
        py_obj *fn = py_dict_gets(d, "function");
        py_obj *args = py_dict_gets(d, "args");
        py_obj *kwargs = py_dict_gets(d, "kwargs");
        if (!fn)
            return py_err(&py_exc_AttributeError, "'%s' object has no attribute 'function'",
                          py_type_name(self));
        fn = py_incref(fn);
        py_obj *al = args ? py_list_from_iter(args) : py_list_new(0);
        py_obj *kc = kwargs && kwargs->kind == PY_K_DICT ? py_incref(kwargs) : NULL;
        py_obj *r = al ? py_call(fn, PY_LIST(al)->items, PY_LIST(al)->n, kc) : NULL;
        py_decref(fn);
        py_xdecref(al);
        py_xdecref(kc);
        if (!r)
            return NULL;
        py_decref(r);
    }
    py_note_line();
    model_event_set(t->finished);
    return py_incref(py_None);
}

static py_obj *timer_cancel(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    model_timer *t = timer__get(self);
    if (!t || py_no_kw("cancel", kw) < 0 || py_nargs("cancel", n, 0, 0) < 0)
        return NULL;
    py_note_line();
    model_timer_cancel(t);
    return py_incref(py_None);
}

static const py_method timer__methods[] = {
    {"__init__", timer_init}, {"run", timer_run}, {"cancel", timer_cancel}, {NULL, NULL},
};

py_type py_type_Timer = {
    .hdr = {.type = &py_type_type, .rc = 1, .kind = PY_K_TYPE, .flags = PY_F_IMMORTAL},
    .name = (char *)"Timer", .base = &py_type_Thread, .methods = timer__methods,
    .inst_kind = PY_K_INST, .module = "threading"};
