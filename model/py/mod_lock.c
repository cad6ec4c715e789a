/*
 * model/py/mod_lock.c — threading.Lock, threading.RLock and
 * threading.Condition over model/lock.h and model/cond.h.
 *
 * Each is a native class: an instance whose native slot holds the model
 * object its __init__ made (a model_lock, a model_cond). The model does the
 * waiting, the wake order and the misuse checks; errors it sets
 * (model_err_set) become the Python exceptions CPython raises, with its
 * messages. Lock and RLock are classes here (CPython 3 makes them with
 * factory functions), named as CPython names their types, "_thread.lock"
 * and "_thread.RLock", so messages such as "'_thread.lock' object has no
 * attribute 'x'" read the same.
 *
 * A Condition keeps its lock as a Python object in its `_lock` attribute
 * (as threading.py does); made by Condition() it is a new RLock wrapping
 * the model Condition's own lock. acquire/release/__enter__/__exit__ go to
 * that lock's methods, so the Python 2 dialect's answer of RLock.acquire
 * (1 when the owner re-acquires, as Python 2's threading._RLock returned)
 * is the same through a Condition. Python 2's Condition.wait returns None.
 *
 * Also here: py_native and py_timeout_arg, the helpers every native class
 * of the bindings uses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cond.h"
#include "../lock.h"
#include "../thread.h"
#include "interp.h"

/* ---- helpers shared by the native classes -------------------------------- */

void *py_native(py_obj *self, py_type *t)
{
    if (self->kind != PY_K_INST || !py_isinstance(self, t)) {
        py_err(&py_exc_TypeError, "descriptor requires a '%s' object but received a '%s'",
               t->name, py_type_name(self));
        return NULL;
    }
    void *n = PY_INST(self)->native;
    if (!n)
        py_err(&py_exc_RuntimeError, "%s.__init__() not called", t->name);
    return n;
}

int py_timeout_arg(py_obj *v, double *out)
{
    if (!v || v->kind == PY_K_NONE) {
        *out = MODEL_NO_TIMEOUT;
        return 0;
    }
    if (!py_is_num(v)) {
        py_err(&py_exc_TypeError, "'>' not supported between instances of '%s' and 'int'",
               py_type_name(v));
        return -1;
    }
    *out = py_num_as_double(v);
    return 0;
}

py_obj *py_new_native_inst(py_type *t, void *native)
{
    py_inst *o = py_alloc(sizeof *o, t, PY_K_INST);
    o->dict = py_dict_new();
    o->native = native;
    return &o->hdr;
}

/* The repr prefix of a native class: "threading.Event", "__main__.MyEvent". */
static const char *mod__qualified(py_obj *self)
{
    py_type *t = self->type;
    if (!t->module || strcmp(t->module, "builtins") == 0)
        return py_intern(t->name);
    char buf[256];
    snprintf(buf, sizeof buf, "%s.%s", t->module, t->name);
    return py_intern(buf);
}

const char *py_native_qualname(py_obj *self) { return mod__qualified(self); }

/* ---- Lock and RLock ------------------------------------------------------ */

static model_lock *lock__get(py_obj *self)
{
    return py_native(self, self->type && py_isinstance(self, &py_type_RLock) ? &py_type_RLock
                                                                               : &py_type_Lock);
}

static py_obj *lock_init(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    bool r = self->kind == PY_K_INST && py_isinstance(self, &py_type_RLock);
    const char *name = r ? "RLock" : "Lock";
    if (py_no_kw(name, kw) < 0 || py_nargs(name, n, 0, 0) < 0)
        return NULL;
    if (self->kind != PY_K_INST)
        return py_err(&py_exc_TypeError, "%s.__init__ needs a %s instance", name, name);
    py_note_line();
    PY_INST(self)->native = r ? model_rlock_new() : model_lock_new();
    return py_incref(py_None);
}

static py_obj *lock_acquire(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    static const char *const names[] = {"blocking", "timeout"};
    py_obj *v[2];
    model_lock *l = lock__get(self);
    if (!l || py_args("acquire", a, n, kw, names, 2, 0, v) < 0)
        return NULL;
    bool blocking = true;
    if (v[0]) {
        if (!py_is_int(v[0])) /* CPython parses it as an int ("p" in 3.11 C code) */
            return py_err(&py_exc_TypeError, "'%s' object cannot be interpreted as an integer",
                          py_type_name(v[0]));
        blocking = PY_INT(v[0]) != 0;
    }
    double timeout = -1;
    if (v[1]) {
        if (!py_is_num(v[1]))
            return py_err(&py_exc_TypeError, "'%s' object cannot be interpreted as an integer",
                          py_type_name(v[1]));
        timeout = py_num_as_double(v[1]);
    }
    bool again = l->reentrant && l->locked && model_lock_owner(l) == model_current_thread();
    py_note_line();
    int r = model_lock_acquire(l, blocking, timeout);
    if (r < 0)
        return py_err_from_model();
    if (again && py_interp_get()->python == 2)
        return py_int_new(1); /* Python 2's _RLock.acquire: "return 1" */
    return py_bool(r == 1);
}

static py_obj *lock_release(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    model_lock *l = lock__get(self);
    if (!l || py_no_kw("release", kw) < 0 || py_nargs("release", n, 0, 0) < 0)
        return NULL;
    py_note_line();
    if (model_lock_release(l) < 0)
        return py_err_from_model();
    return py_incref(py_None);
}

static py_obj *lock_exit(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    (void)n;
    (void)kw;
    return lock_release(self, NULL, 0, NULL);
}

static py_obj *lock_locked(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    model_lock *l = lock__get(self);
    if (!l || py_no_kw("locked", kw) < 0 || py_nargs("locked", n, 0, 0) < 0)
        return NULL;
    model_step();
    return py_bool(model_lock_locked(l));
}

static py_obj *lock_repr(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    (void)n;
    (void)kw;
    model_lock *l = lock__get(self);
    if (!l)
        return NULL;
    unsigned long long addr = (unsigned long long)py_fake_addr(self);
    bool py2 = py_interp_get()->python == 2;
    if (!l->reentrant) {
        if (py2)
            return py_str_printf("<thread.lock object at 0x%llx>", addr);
        return py_str_printf("<%s %s object at 0x%llx>", l->locked ? "locked" : "unlocked",
                             mod__qualified(self), addr);
    }
    model_thread *owner = model_lock_owner(l);
    if (py2) {
        if (!owner)
            return py_str_printf("<_RLock owner=None count=%llu>",
                                 (unsigned long long)model_lock_count(l));
        sim_buf b = {0};
        sim_buf_adds(&b, "<_RLock owner=");
        py_obj *nm = py_str_from(owner->name);
        py_buf_repr(&b, nm);
        py_decref(nm);
        sim_buf_printf(&b, " count=%llu>", (unsigned long long)model_lock_count(l));
        return py_str_take(&b);
    }
    return py_str_printf("<%s %s object owner=%ld count=%llu at 0x%llx>",
                         l->locked ? "locked" : "unlocked", mod__qualified(self),
                         owner ? owner->ident : 0L, (unsigned long long)model_lock_count(l), addr);
}

/* RLock._is_owned() (Condition's helper in threading.py). */
static py_obj *lock_is_owned(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    model_lock *l = lock__get(self);
    if (!l || py_no_kw("_is_owned", kw) < 0 || py_nargs("_is_owned", n, 0, 0) < 0)
        return NULL;
    return py_bool(model__lock_is_owned(l));
}

static const py_method lock__methods[] = {
    {"__init__", lock_init}, {"acquire", lock_acquire}, {"acquire_lock", lock_acquire},
    {"release", lock_release}, {"release_lock", lock_release}, {"locked", lock_locked},
    {"locked_lock", lock_locked}, {"__enter__", lock_acquire}, {"__exit__", lock_exit},
    {"__repr__", lock_repr}, {"_is_owned", lock_is_owned}, {NULL, NULL},
};

/* The names carry the module ("_thread.lock"), as CPython's messages show
 * them; module "builtins" keeps reprs from adding it twice. */
py_type py_type_Lock = {
    .hdr = {.type = &py_type_type, .rc = 1, .kind = PY_K_TYPE, .flags = PY_F_IMMORTAL},
    .name = (char *)"_thread.lock", .base = &py_type_object, .methods = lock__methods,
    .inst_kind = PY_K_INST, .module = "builtins"};

py_type py_type_RLock = {
    .hdr = {.type = &py_type_type, .rc = 1, .kind = PY_K_TYPE, .flags = PY_F_IMMORTAL},
    .name = (char *)"_thread.RLock", .base = &py_type_object, .methods = lock__methods,
    .inst_kind = PY_K_INST, .module = "builtins"};

/* ---- Condition ----------------------------------------------------------- */

static model_cond *cond__get(py_obj *self) { return py_native(self, &py_type_Condition); }

static py_obj *cond_init(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    static const char *const names[] = {"lock"};
    py_obj *v[1];
    if (py_args("Condition", a, n, kw, names, 1, 0, v) < 0)
        return NULL;
    if (self->kind != PY_K_INST)
        return py_err(&py_exc_TypeError, "Condition.__init__ needs a Condition instance");
    py_obj *lockobj;
    model_cond *c;
    py_note_line();
    if (v[0] && v[0]->kind != PY_K_NONE) {
        if (v[0]->kind != PY_K_INST ||
            (!py_isinstance(v[0], &py_type_Lock) && !py_isinstance(v[0], &py_type_RLock)))
            return py_err(&py_exc_TypeError,
                          "threadsim: Condition(lock) takes a threading.Lock or RLock, not '%s'",
                          py_type_name(v[0]));
        model_lock *l = lock__get(v[0]);
        if (!l)
            return NULL;
        c = model_cond_new(l);
        lockobj = py_incref(v[0]);
    } else {
        c = model_cond_new(NULL);
        lockobj = py_new_native_inst(&py_type_RLock, c->lock);
    }
    PY_INST(self)->native = c;
    py_dict_sets(PY_INST(self)->dict, "_lock", lockobj);
    py_decref(lockobj);
    return py_incref(py_None);
}

/* The Condition's lock object (borrowed). */
static py_obj *cond__lockobj(py_obj *self)
{
    if (!cond__get(self))
        return NULL;
    py_obj *l = py_dict_gets(PY_INST(self)->dict, "_lock");
    if (!l || l->kind != PY_K_INST || !lock__get(l))
        return py_err_occurred() ? NULL
                                 : py_err(&py_exc_AttributeError,
                                          "'%s' object has no attribute '_lock'",
                                          py_type_name(self));
    return l;
}

/* The lock is held across the call: acquire() may block while another
 * thread rebinds `_lock`. */
static py_obj *cond_acquire(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    py_obj *l = cond__lockobj(self);
    if (!l)
        return NULL;
    py_incref(l);
    py_obj *r = lock_acquire(l, a, n, kw);
    py_decref(l);
    return r;
}

static py_obj *cond_release(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    py_obj *l = cond__lockobj(self);
    if (!l)
        return NULL;
    py_incref(l);
    py_obj *r = lock_release(l, a, n, kw);
    py_decref(l);
    return r;
}

static py_obj *cond_exit(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    (void)n;
    (void)kw;
    return cond_release(self, NULL, 0, NULL);
}

static py_obj *cond_wait(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    static const char *const names[] = {"timeout"};
    py_obj *v[1];
    double timeout;
    model_cond *c = cond__get(self);
    if (!c || py_args("wait", a, n, kw, names, 1, 0, v) < 0 || py_timeout_arg(v[0], &timeout) < 0)
        return NULL;
    py_note_line();
    int r = model_cond_wait(c, timeout);
    if (r < 0)
        return py_err_from_model();
    if (py_interp_get()->python == 2)
        return py_incref(py_None); /* Python 2.7's Condition.wait returns nothing */
    return py_bool(r == 1);
}

typedef struct cond__pred_ud {
    py_obj *pred;             /* the predicate (borrowed) */
    py_obj *last;             /* its last result (owned), or NULL */
} cond__pred_ud;

static int cond__pred(void *ud)
{
    cond__pred_ud *u = ud;
    py_obj *r = py_call(u->pred, NULL, 0, NULL);
    if (!r)
        return -1;
    py_setref(&u->last, r);
    int t = py_truth(r);
    if (t > 0)
        py_note_line();
    return t;
}

static py_obj *cond_wait_for(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    static const char *const names[] = {"predicate", "timeout"};
    py_obj *v[2];
    double timeout;
    model_cond *c = cond__get(self);
    if (!c || py_args("wait_for", a, n, kw, names, 2, 1, v) < 0 ||
        py_timeout_arg(v[1], &timeout) < 0)
        return NULL;
    cond__pred_ud u = {v[0], NULL};
    py_note_line();
    int r = model_cond_wait_for(c, cond__pred, &u, timeout);
    if (r < 0) {
        py_xdecref(u.last);
        return py_err_occurred() ? NULL : py_err_from_model();
    }
    return u.last ? u.last : py_incref(py_None);
}

static py_obj *cond_notify(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    static const char *const names[] = {"n"};
    py_obj *v[1];
    int64_t count = 1;
    model_cond *c = cond__get(self);
    if (!c || py_args("notify", a, n, kw, names, 1, 0, v) < 0 || (v[0] && py_as_int(v[0], &count) < 0))
        return NULL;
    py_note_line();
    if (model_cond_notify(c, count) < 0)
        return py_err_from_model();
    return py_incref(py_None);
}

static py_obj *cond_notify_all(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    model_cond *c = cond__get(self);
    if (!c || py_no_kw("notify_all", kw) < 0 || py_nargs("notify_all", n, 0, 0) < 0)
        return NULL;
    py_note_line();
    if (model_cond_notify_all(c) < 0)
        return py_err_from_model();
    return py_incref(py_None);
}

static py_obj *cond_notifyAll(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    py_warn_deprecated("notifyAll() is deprecated, use notify_all() instead");
    return cond_notify_all(self, a, n, kw);
}

static py_obj *cond_repr(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    (void)n;
    (void)kw;
    model_cond *c = cond__get(self);
    py_obj *l = c ? cond__lockobj(self) : NULL;
    if (!l)
        return NULL;
    sim_buf b = {0};
    sim_buf_adds(&b, "<Condition(");
    if (py_buf_str(&b, l) < 0) {
        sim_buf_free(&b);
        return NULL;
    }
    sim_buf_printf(&b, ", %u)>", model_cond_waiters(c));
    return py_str_take(&b);
}

static const py_method cond__methods[] = {
    {"__init__", cond_init}, {"acquire", cond_acquire}, {"release", cond_release},
    {"__enter__", cond_acquire}, {"__exit__", cond_exit}, {"wait", cond_wait},
    {"wait_for", cond_wait_for}, {"notify", cond_notify}, {"notify_all", cond_notify_all},
    {"notifyAll", cond_notifyAll}, {"__repr__", cond_repr}, {NULL, NULL},
};

py_type py_type_Condition = {
    .hdr = {.type = &py_type_type, .rc = 1, .kind = PY_K_TYPE, .flags = PY_F_IMMORTAL},
    .name = (char *)"Condition", .base = &py_type_object, .methods = cond__methods,
    .inst_kind = PY_K_INST, .module = "threading"};
