/*
 * model/py/mod_local.c — threading.local over model/local.h.
 *
 * An instance's native slot holds a model_local whose per-thread slot is one
 * py_obj*: that thread's attribute dict (owned by the slot). The type's
 * inst_dict hook makes every attribute access (get, set, delete, __dict__)
 * use the running thread's dict, so each thread sees its own attributes.
 *
 * Construction (the type's new_inst hook) keeps the constructor's
 * arguments in the instance's own dict ("args", "kw"; never seen by the
 * program, whose attributes live in the per-thread dicts), then makes the
 * model_local, whose init callback runs for the creating thread at once and
 * for every other thread on its first touch: it makes the thread's dict and
 * calls a subclass's __init__ with the saved arguments, as CPython's
 * _thread._local does (the tutorial's page 14b). A plain local() given
 * arguments is CPython's TypeError "Initialization arguments are not
 * supported".
 *
 * repr: "<__main__.MyLocal object at 0x7f0000000140>", the address from
 * model_obj_address (the same in every thread, deterministic).
 *
 * Lifetime: the per-thread dicts are released when the local object's count
 * reaches zero (native_free), or with the run's heap at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../local.h"
#include "interp.h"

/* First touch by a thread: its dict, then a subclass's __init__. */
static int local__init_slot(model_local *l, void *slot, void *ud)
{
    py_obj *self = ud;
    PY_INST(self)->native = l;
    py_obj *d = py_dict_new();
    *(py_obj **)slot = d;
    const py_method *m;
    if (!py_type_lookup(self->type, "__init__", &m, NULL))
        return 0; /* no __init__ of a Python class: nothing to run */
    py_obj *init = py_special(self, "__init__");
    if (!init)
        return 0;
    py_obj *args = py_dict_gets(PY_INST(self)->dict, "args");
    py_obj *kw = py_dict_gets(PY_INST(self)->dict, "kw");
    size_t n = args ? PY_TUPLE(args)->n : 0;
    py_obj *r = py_call(init, n ? PY_TUPLE(args)->items : NULL, n,
                        kw && kw->kind == PY_K_DICT ? kw : NULL);
    py_decref(init);
    if (r && r->kind != PY_K_NONE) {
        py_err(&py_exc_TypeError, "__init__() should return None, not '%s'", py_type_name(r));
        py_decref(r);
        r = NULL;
    }
    if (!r) {
        *(py_obj **)slot = NULL;
        py_decref(d);
        return -1;
    }
    py_decref(r);
    return 0;
}

static py_obj *local__new(py_type *cls, py_obj **args, size_t n, py_obj *kw)
{
    bool has_args = n || (kw && PY_DICT(kw)->n);
    const py_method *m;
    if (has_args && !py_type_lookup(cls, "__init__", &m, NULL))
        return py_err(&py_exc_TypeError, "Initialization arguments are not supported");
    py_inst *o = py_alloc(sizeof *o, cls, PY_K_INST);
    if (!(cls->hdr.flags & PY_F_IMMORTAL))
        py_incref(&cls->hdr);
    o->dict = py_dict_new();
    py_obj *t = py_tuple_new(n);
    for (size_t i = 0; i < n; i++)
        PY_TUPLE(t)->items[i] = py_incref(args[i]);
    py_dict_sets(o->dict, "args", t);
    py_decref(t);
    if (kw && PY_DICT(kw)->n) {
        py_obj *k = py_dict_new();
        py_dict_update(k, kw);
        py_dict_sets(o->dict, "kw", k);
        py_decref(k);
    }
    py_note_line();
    if (!model_local_new(sizeof(py_obj *), local__init_slot, NULL, &o->hdr)) {
        py_obj *e = py_err_occurred() ? NULL : py_err_from_model();
        (void)e;
        py_decref(&o->hdr);
        return NULL;
    }
    return &o->hdr;
}

static py_obj *local__dict(py_obj *self)
{
    model_local *l = PY_INST(self)->native;
    if (!l)
        return py_err(&py_exc_RuntimeError, "threading.local object not initialized");
    void *slot = model_local_get(l);
    if (!slot)
        return py_err_occurred() ? NULL : py_err_from_model();
    py_obj *d = *(py_obj **)slot;
    if (!d)
        return py_err(&py_exc_RuntimeError, "threading.local: __init__ in progress failed");
    return d;
}

static void local__free(py_obj *self)
{
    model_local *l = PY_INST(self)->native;
    if (!l)
        return;
    for (uint32_t i = 0; i < l->nslots; i++) {
        py_obj **p = l->slots[i];
        if (p) {
            py_xdecref(*p);
            *p = NULL;
        }
    }
    PY_INST(self)->native = NULL;
}

static py_obj *local_repr(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    (void)n;
    (void)kw;
    model_local *l = py_native(self, &py_type_local);
    if (!l)
        return NULL;
    const char *name = self->type == &py_type_local && py_interp_get()->python == 2
                           ? "thread._local"
                           : py_native_qualname(self);
    return py_str_printf("<%s object at 0x%llx>", name,
                         (unsigned long long)model_obj_address(&l->hdr));
}

static const py_method local__methods[] = {{"__repr__", local_repr}, {NULL, NULL}};

/* Named as CPython 3 names it ("'_thread._local' object has no attribute
 * 'val'"); module "builtins" keeps reprs from adding a module twice. */
py_type py_type_local = {
    .hdr = {.type = &py_type_type, .rc = 1, .kind = PY_K_TYPE, .flags = PY_F_IMMORTAL},
    .name = (char *)"_thread._local", .base = &py_type_object, .methods = local__methods,
    .inst_kind = PY_K_INST, .module = "builtins", .new_inst = local__new,
    .inst_dict = local__dict, .native_free = local__free};
