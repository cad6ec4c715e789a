/*
 * model/py/mod_sync.c — threading.Semaphore, BoundedSemaphore, Event and
 * Barrier over model/sema.h, event.h and barrier.h.
 *
 * Native classes like those of mod_lock.c: the instance's native slot
 * holds the model object; the model waits, wakes and checks, and its errors
 * become CPython's exceptions (threading.BrokenBarrierError included).
 * Reprs are CPython 3.11's, "<threading.Semaphore at 0x...: value=2>", with
 * the instance's deterministic fake address.
 *
 * A Barrier's action is a Python callable kept in the instance's `_action`
 * attribute; the model calls it (with the barrier's lock held) in the last
 * thread to arrive. If it raises, that thread's wait() raises the same
 * exception and the others get BrokenBarrierError, as in CPython.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../barrier.h"
#include "../event.h"
#include "../sema.h"
#include "interp.h"

/* ---- Semaphore and BoundedSemaphore -------------------------------------- */

static model_sema *sema__get(py_obj *self) { return py_native(self, &py_type_Semaphore); }

static py_obj *sema_init(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    static const char *const names[] = {"value"};
    py_obj *v[1];
    int64_t value = 1;
    if (py_args("Semaphore", a, n, kw, names, 1, 0, v) < 0 || (v[0] && py_as_int(v[0], &value) < 0))
        return NULL;
    if (self->kind != PY_K_INST)
        return py_err(&py_exc_TypeError, "Semaphore.__init__ needs a Semaphore instance");
    py_note_line();
    bool bounded = py_isinstance(self, &py_type_BoundedSemaphore);
    model_sema *s = bounded ? model_bounded_sema_new(value) : model_sema_new(value);
    if (!s)
        return py_err_from_model();
    PY_INST(self)->native = s;
    return py_incref(py_None);
}

static py_obj *sema_acquire(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    static const char *const names[] = {"blocking", "timeout"};
    py_obj *v[2];
    double timeout = MODEL_NO_TIMEOUT;
    model_sema *s = sema__get(self);
    if (!s || py_args("acquire", a, n, kw, names, 2, 0, v) < 0)
        return NULL;
    bool blocking = true;
    if (v[0]) {
        int t = py_truth(v[0]);
        if (t < 0)
            return NULL;
        blocking = t;
    }
    if (v[1] && v[1]->kind != PY_K_NONE) {
        if (!blocking)
            return py_err(&py_exc_ValueError, "can't specify timeout for non-blocking acquire");
        if (!py_is_num(v[1]))
            return py_err(&py_exc_TypeError, "unsupported operand type(s) for +: 'float' and '%s'",
                          py_type_name(v[1]));
        timeout = py_num_as_double(v[1]);
    }
    py_note_line();
    int r = model_sema_acquire(s, blocking, timeout);
    if (r < 0)
        return py_err_from_model();
    return py_bool(r == 1);
}

static py_obj *sema_release(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    static const char *const names[] = {"n"};
    py_obj *v[1];
    int64_t count = 1;
    model_sema *s = sema__get(self);
    if (!s || py_args("release", a, n, kw, names, 1, 0, v) < 0 || (v[0] && py_as_int(v[0], &count) < 0))
        return NULL;
    py_note_line();
    if (model_sema_release(s, count) < 0)
        return py_err_from_model();
    return py_incref(py_None);
}

static py_obj *sema_exit(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    (void)n;
    (void)kw;
    return sema_release(self, NULL, 0, NULL);
}

static py_obj *sema_repr(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    (void)n;
    (void)kw;
    model_sema *s = sema__get(self);
    if (!s)
        return NULL;
    unsigned long long addr = (unsigned long long)py_fake_addr(self);
    if (s->bounded)
        return py_str_printf("<%s at 0x%llx: value=%lld/%lld>", py_native_qualname(self), addr,
                             (long long)model_sema_value(s), (long long)s->initial);
    return py_str_printf("<%s at 0x%llx: value=%lld>", py_native_qualname(self), addr,
                         (long long)model_sema_value(s));
}

static const py_method sema__methods[] = {
    {"__init__", sema_init}, {"acquire", sema_acquire}, {"release", sema_release},
    {"__enter__", sema_acquire}, {"__exit__", sema_exit}, {"__repr__", sema_repr},
    {NULL, NULL},
};

py_type py_type_Semaphore = {
    .hdr = {.type = &py_type_type, .rc = 1, .kind = PY_K_TYPE, .flags = PY_F_IMMORTAL},
    .name = (char *)"Semaphore", .base = &py_type_object, .methods = sema__methods,
    .inst_kind = PY_K_INST, .module = "threading"};

py_type py_type_BoundedSemaphore = {
    .hdr = {.type = &py_type_type, .rc = 1, .kind = PY_K_TYPE, .flags = PY_F_IMMORTAL},
    .name = (char *)"BoundedSemaphore", .base = &py_type_Semaphore, .inst_kind = PY_K_INST,
    .module = "threading"};

/* ---- Event ---------------------------------------------------------------- */

static model_event *event__get(py_obj *self) { return py_native(self, &py_type_Event); }

static py_obj *event_init(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    if (py_no_kw("Event", kw) < 0 || py_nargs("Event", n, 0, 0) < 0)
        return NULL;
    if (self->kind != PY_K_INST)
        return py_err(&py_exc_TypeError, "Event.__init__ needs an Event instance");
    py_note_line();
    PY_INST(self)->native = model_event_new();
    return py_incref(py_None);
}

static py_obj *event_set(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    model_event *e = event__get(self);
    if (!e || py_no_kw("set", kw) < 0 || py_nargs("set", n, 0, 0) < 0)
        return NULL;
    py_note_line();
    model_event_set(e);
    return py_incref(py_None);
}

static py_obj *event_clear(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    model_event *e = event__get(self);
    if (!e || py_no_kw("clear", kw) < 0 || py_nargs("clear", n, 0, 0) < 0)
        return NULL;
    py_note_line();
    model_event_clear(e);
    return py_incref(py_None);
}

static py_obj *event_is_set(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    model_event *e = event__get(self);
    if (!e || py_no_kw("is_set", kw) < 0 || py_nargs("is_set", n, 0, 0) < 0)
        return NULL;
    return py_bool(model_event_is_set(e));
}

static py_obj *event_isSet(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    py_warn_deprecated("isSet() is deprecated, use is_set() instead");
    return event_is_set(self, a, n, kw);
}

static py_obj *event_wait(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    static const char *const names[] = {"timeout"};
    py_obj *v[1];
    double timeout;
    model_event *e = event__get(self);
    if (!e || py_args("wait", a, n, kw, names, 1, 0, v) < 0 || py_timeout_arg(v[0], &timeout) < 0)
        return NULL;
    py_note_line();
    int r = model_event_wait(e, timeout);
    if (r < 0)
        return py_err_from_model();
    return py_bool(r == 1);
}

static py_obj *event_repr(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    (void)n;
    (void)kw;
    model_event *e = event__get(self);
    if (!e)
        return NULL;
    return py_str_printf("<%s at 0x%llx: %s>", py_native_qualname(self),
                         (unsigned long long)py_fake_addr(self), e->flag ? "set" : "unset");
}

static const py_method event__methods[] = {
    {"__init__", event_init}, {"set", event_set}, {"clear", event_clear},
    {"is_set", event_is_set}, {"isSet", event_isSet}, {"wait", event_wait},
    {"__repr__", event_repr}, {NULL, NULL},
};

py_type py_type_Event = {
    .hdr = {.type = &py_type_type, .rc = 1, .kind = PY_K_TYPE, .flags = PY_F_IMMORTAL},
    .name = (char *)"Event", .base = &py_type_object, .methods = event__methods,
    .inst_kind = PY_K_INST, .module = "threading"};

/* ---- Barrier --------------------------------------------------------------- */

static model_barrier *bar__get(py_obj *self) { return py_native(self, &py_type_Barrier); }

/* The model calls this in the last thread to arrive; ud is the Barrier
 * object (alive: that thread is inside its wait()). */
static int bar__action(void *ud)
{
    py_obj *self = ud;
    py_obj *action = py_dict_gets(PY_INST(self)->dict, "_action");
    if (!action || action->kind == PY_K_NONE)
        return 0;
    py_obj *f = py_incref(action);
    py_obj *r = py_call(f, NULL, 0, NULL);
    py_decref(f);
    if (!r)
        return -1;
    py_decref(r);
    return 0;
}

static py_obj *bar_init(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    static const char *const names[] = {"parties", "action", "timeout"};
    py_obj *v[3];
    int64_t parties;
    double timeout;
    if (py_args("Barrier", a, n, kw, names, 3, 1, v) < 0 || py_as_int(v[0], &parties) < 0 ||
        py_timeout_arg(v[2], &timeout) < 0)
        return NULL;
    if (self->kind != PY_K_INST)
        return py_err(&py_exc_TypeError, "Barrier.__init__ needs a Barrier instance");
    py_dict_sets(PY_INST(self)->dict, "_action", v[1] ? v[1] : py_None);
    py_note_line();
    PY_INST(self)->native = model_barrier_new(parties, bar__action, self, timeout);
    return py_incref(py_None);
}

static py_obj *bar_wait(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    static const char *const names[] = {"timeout"};
    py_obj *v[1];
    double timeout;
    model_barrier *b = bar__get(self);
    if (!b || py_args("wait", a, n, kw, names, 1, 0, v) < 0 || py_timeout_arg(v[0], &timeout) < 0)
        return NULL;
    py_note_line();
    int64_t r = model_barrier_wait(b, timeout);
    if (r < 0)
        return py_err_occurred() ? NULL : py_err_from_model();
    return py_int_new(r);
}

static py_obj *bar_reset(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    model_barrier *b = bar__get(self);
    if (!b || py_no_kw("reset", kw) < 0 || py_nargs("reset", n, 0, 0) < 0)
        return NULL;
    py_note_line();
    model_barrier_reset(b);
    return py_incref(py_None);
}

static py_obj *bar_abort(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    model_barrier *b = bar__get(self);
    if (!b || py_no_kw("abort", kw) < 0 || py_nargs("abort", n, 0, 0) < 0)
        return NULL;
    py_note_line();
    model_barrier_abort(b);
    return py_incref(py_None);
}

static py_obj *bar_repr(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    (void)n;
    (void)kw;
    model_barrier *b = bar__get(self);
    if (!b)
        return NULL;
    unsigned long long addr = (unsigned long long)py_fake_addr(self);
    if (model_barrier_broken(b))
        return py_str_printf("<%s at 0x%llx: broken>", py_native_qualname(self), addr);
    return py_str_printf("<%s at 0x%llx: waiters=%lld/%lld>", py_native_qualname(self), addr,
                         (long long)model_barrier_n_waiting(b),
                         (long long)model_barrier_parties(b));
}

static py_obj *bar_get_parties(py_obj *self)
{
    model_barrier *b = bar__get(self);
    return b ? py_int_new(model_barrier_parties(b)) : NULL;
}

static py_obj *bar_get_n_waiting(py_obj *self)
{
    model_barrier *b = bar__get(self);
    return b ? py_int_new(model_barrier_n_waiting(b)) : NULL;
}

static py_obj *bar_get_broken(py_obj *self)
{
    model_barrier *b = bar__get(self);
    return b ? py_bool(model_barrier_broken(b)) : NULL;
}

static const py_method bar__methods[] = {
    {"__init__", bar_init}, {"wait", bar_wait}, {"reset", bar_reset}, {"abort", bar_abort},
    {"__repr__", bar_repr}, {NULL, NULL},
};

static const py_getset bar__getset[] = {
    {"parties", bar_get_parties, NULL}, {"n_waiting", bar_get_n_waiting, NULL},
    {"broken", bar_get_broken, NULL}, {NULL, NULL, NULL},
};

py_type py_type_Barrier = {
    .hdr = {.type = &py_type_type, .rc = 1, .kind = PY_K_TYPE, .flags = PY_F_IMMORTAL},
    .name = (char *)"Barrier", .base = &py_type_object, .methods = bar__methods,
    .getset = bar__getset, .inst_kind = PY_K_INST, .module = "threading"};
