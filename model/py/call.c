/*
 * model/py/call.c — attributes, calls, classes and instances.
 *
 * Attribute lookup on an instance follows Python's order: a native
 * attribute or property of the class (data descriptors) first, then the
 * instance dict, then the class chain (functions become bound methods,
 * staticmethod/classmethod unwrap), then __getattr__. Special methods
 * (__len__, __eq__, __enter__...) are looked up on the type only.
 *
 * A Python function call binds its arguments into the slots of a new frame
 * (positional, *args, keyword, **kwargs, defaults, keyword-only), creates
 * the cells its inner functions capture, and runs the body on the C stack of
 * the calling green thread; the call depth is limited (RecursionError) well
 * before that stack (PY_STACK_SIZE) could run out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"

/* ---- attributes --------------------------------------------------------- */

static py_obj *attr__bind(py_obj *v, py_obj *self, py_type *cls)
{
    switch (v->kind) {
    case PY_K_FUNC:
        return py_method_new(v, self);
    case PY_K_STATICM:
        return py_incref(((py_wrap *)v)->a);
    case PY_K_CLASSM:
        return py_method_new(((py_wrap *)v)->a, &cls->hdr);
    default:
        return py_incref(v);
    }
}

static py_obj *attr__type(py_type *t, const char *name)
{
    const py_method *m;
    const py_getset *gs;
    py_obj *v = py_type_lookup(t, name, &m, &gs);
    if (v) {
        if (v->kind == PY_K_STATICM)
            return py_incref(((py_wrap *)v)->a);
        if (v->kind == PY_K_CLASSM)
            return py_method_new(((py_wrap *)v)->a, &t->hdr);
        return py_incref(v);
    }
    if (m) {
        py_cfunc_obj *c = (py_cfunc_obj *)py_cfunc_new(m->name, m->fn, NULL);
        c->unbound = true;
        return &c->hdr;
    }
    if (strcmp(name, "__name__") == 0 || strcmp(name, "__qualname__") == 0)
        return py_str_from(t->name);
    if (strcmp(name, "__module__") == 0)
        return py_str_from(t->module ? t->module : "builtins");
    if (strcmp(name, "__bases__") == 0)
        return t->base ? py_tuple_pack(1, &t->base->hdr) : py_tuple_new(0);
    if (strcmp(name, "__base__") == 0)
        return py_incref(t->base ? &t->base->hdr : py_None);
    if (strcmp(name, "__dict__") == 0 && t->dict)
        return py_incref(t->dict);
    return NULL;
}

py_obj *py_getattr_opt(py_obj *o, const char *name)
{
    if (o->kind == PY_K_TYPE)
        return attr__type((py_type *)o, name);
    if (o->kind == PY_K_MODULE) {
        py_obj *v = py_dict_gets(((py_module *)o)->dict, name);
        return v ? py_incref(v) : NULL;
    }
    if (o->kind == PY_K_SUPER) {
        py_view *s = (py_view *)o;
        py_type *start = s->start->base;
        const py_method *m;
        py_obj *v = start ? py_type_lookup(start, name, &m, NULL) : NULL;
        py_type *cls = s->obj->kind == PY_K_TYPE ? (py_type *)s->obj : s->obj->type;
        if (v)
            return s->obj->kind == PY_K_TYPE && v->kind == PY_K_FUNC ? py_incref(v)
                                                                     : attr__bind(v, s->obj, cls);
        if (m)
            return py_cfunc_new(m->name, m->fn, s->obj);
        return NULL;
    }
    const py_method *m;
    const py_getset *gs;
    py_obj *cv = py_type_lookup(o->type, name, &m, &gs);
    if (gs)
        return gs->get(o);
    if (cv && cv->kind == PY_K_PROPERTY) {
        py_obj *get = ((py_wrap *)cv)->a;
        if (!get)
            return py_err(&py_exc_AttributeError, "property '%s' of '%s' object has no getter",
                          name, py_type_name(o));
        return py_call(get, &o, 1, NULL);
    }
    py_obj *dict = o->kind == PY_K_INST ? py_inst_dict(o)
                 : o->kind == PY_K_FUNC ? ((py_func *)o)->dict : NULL;
    if (!dict && py_err_occurred())
        return NULL;
    if (dict) {
        py_obj *v = py_dict_gets(dict, name);
        if (v)
            return py_incref(v);
    }
    if (cv)
        return attr__bind(cv, o, o->type);
    if (m)
        return py_cfunc_new(m->name, m->fn, o);
    if (strcmp(name, "__class__") == 0)
        return py_incref(&o->type->hdr);
    if (strcmp(name, "__dict__") == 0 && dict)
        return py_incref(dict);
    if (o->kind == PY_K_INST) {
        py_obj *ga = py_type_lookup(o->type, "__getattr__", NULL, NULL);
        if (ga && ga->kind == PY_K_FUNC) {
            py_obj *nm = py_str_from(name);
            py_obj *args[2] = {o, nm};
            py_obj *r = py_call(ga, args, 2, NULL);
            py_decref(nm);
            if (!r && py_err_matches(&py_exc_AttributeError)) {
                py_err_clear();
                return NULL;
            }
            if (!r)
                return py_err_occurred() ? NULL : NULL;
            return r;
        }
    }
    return NULL;
}

py_obj *py_getattr(py_obj *o, const char *name)
{
    py_obj *v = py_getattr_opt(o, name);
    if (v || py_err_occurred())
        return v;
    if (o->kind == PY_K_TYPE)
        return py_err(&py_exc_AttributeError, "type object '%s' has no attribute '%s'",
                      ((py_type *)o)->name, name);
    if (o->kind == PY_K_MODULE)
        return py_err(&py_exc_AttributeError, "module '%s' has no attribute '%s'",
                      ((py_module *)o)->name, name);
    if (o->kind == PY_K_SUPER)
        return py_err(&py_exc_AttributeError, "'super' object has no attribute '%s'", name);
    return py_err(&py_exc_AttributeError, "'%s' object has no attribute '%s'", py_type_name(o),
                  name);
}

int py_setattr(py_obj *o, const char *name, py_obj *v)
{
    if (o->kind == PY_K_TYPE) {
        py_type *t = (py_type *)o;
        if (!t->dict) {
            py_err(&py_exc_TypeError, "cannot set '%s' attribute of immutable type '%s'", name,
                   t->name);
            return -1;
        }
        return py_dict_sets(t->dict, name, v);
    }
    if (o->kind == PY_K_MODULE)
        return py_dict_sets(((py_module *)o)->dict, name, v);
    const py_method *m;
    const py_getset *gs;
    py_obj *cv = py_type_lookup(o->type, name, &m, &gs);
    if (gs) {
        if (!gs->set) {
            py_err(&py_exc_AttributeError, "attribute '%s' of '%s' objects is not writable", name,
                   py_type_name(o));
            return -1;
        }
        return gs->set(o, v);
    }
    if (cv && cv->kind == PY_K_PROPERTY) {
        py_obj *set = ((py_wrap *)cv)->b;
        if (!set) {
            py_err(&py_exc_AttributeError, "property '%s' of '%s' object has no setter", name,
                   py_type_name(o));
            return -1;
        }
        py_obj *args[2] = {o, v};
        py_obj *r = py_call(set, args, 2, NULL);
        if (!r)
            return -1;
        py_decref(r);
        return 0;
    }
    if (o->kind == PY_K_INST) {
        py_obj *dict = py_inst_dict(o);
        if (dict)
            return py_dict_sets(dict, name, v);
        if (py_err_occurred())
            return -1;
    }
    if (o->kind == PY_K_FUNC) {
        py_func *f = (py_func *)o;
        if (!f->dict)
            f->dict = py_dict_new();
        return py_dict_sets(f->dict, name, v);
    }
    py_err(&py_exc_AttributeError, "'%s' object has no attribute '%s'", py_type_name(o), name);
    return -1;
}

int py_delattr(py_obj *o, const char *name)
{
    py_obj *dict = o->kind == PY_K_INST ? py_inst_dict(o)
                 : o->kind == PY_K_TYPE ? ((py_type *)o)->dict
                 : o->kind == PY_K_MODULE ? ((py_module *)o)->dict : NULL;
    if (!dict && py_err_occurred())
        return -1;
    if (dict) {
        py_obj *k = py_str_from(name);
        int r = py_dict_del(dict, k);
        py_decref(k);
        if (r > 0)
            return 0;
        if (r < 0)
            return -1;
    }
    py_err(&py_exc_AttributeError, "'%s' object has no attribute '%s'", py_type_name(o), name);
    return -1;
}

py_obj *py_special(py_obj *o, const char *name)
{
    const py_method *m;
    py_obj *v = py_type_lookup(o->type, name, &m, NULL);
    if (v)
        return attr__bind(v, o, o->type);
    if (m)
        return py_cfunc_new(m->name, m->fn, o);
    return NULL;
}

py_obj *py_call_method(py_obj *o, const char *name, py_obj **args, size_t n, py_obj *kw)
{
    py_obj *f = py_getattr(o, name);
    if (!f)
        return NULL;
    py_obj *r = py_call(f, args, n, kw);
    py_decref(f);
    return r;
}

/* ---- argument helpers --------------------------------------------------- */

int py_args(const char *fname, py_obj **args, size_t n, py_obj *kw, const char *const *names,
            size_t nnames, size_t nreq, py_obj **out)
{
    for (size_t i = 0; i < nnames; i++)
        out[i] = NULL;
    if (n > nnames) {
        py_err(&py_exc_TypeError, "%s() takes at most %zu argument%s (%zu given)", fname, nnames,
               nnames == 1 ? "" : "s", n);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = args[i];
    if (kw) {
        py_dict *d = PY_DICT(kw);
        for (size_t e = 0; e < d->used; e++) {
            py_obj *k = d->entries[e].key;
            if (!k)
                continue;
            size_t i = 0;
            while (i < nnames && strcmp(names[i], PY_STR(k)) != 0)
                i++;
            if (i == nnames) {
                py_err(&py_exc_TypeError, "%s() got an unexpected keyword argument '%s'", fname,
                       PY_STR(k));
                return -1;
            }
            if (out[i]) {
                py_err(&py_exc_TypeError, "%s() got multiple values for argument '%s'", fname,
                       names[i]);
                return -1;
            }
            out[i] = d->entries[e].value;
        }
    }
    for (size_t i = 0; i < nreq; i++)
        if (!out[i]) {
            py_err(&py_exc_TypeError, "%s() missing required argument '%s' (pos %zu)", fname,
                   names[i], i + 1);
            return -1;
        }
    return 0;
}

int py_no_kw(const char *fname, py_obj *kw)
{
    if (kw && PY_DICT(kw)->n) {
        py_err(&py_exc_TypeError, "%s() takes no keyword arguments", fname);
        return -1;
    }
    return 0;
}

int py_nargs(const char *fname, size_t n, size_t min, size_t max)
{
    if (n >= min && n <= max)
        return 0;
    if (min == max)
        py_err(&py_exc_TypeError, "%s() takes exactly %s (%zu given)", fname,
               min == 0 ? "no arguments" : min == 1 ? "one argument" : "that many arguments", n);
    else if (n < min)
        py_err(&py_exc_TypeError, "%s expected at least %zu argument%s, got %zu", fname, min,
               min == 1 ? "" : "s", n);
    else
        py_err(&py_exc_TypeError, "%s expected at most %zu argument%s, got %zu", fname, max,
               max == 1 ? "" : "s", n);
    return -1;
}

int py_as_int(py_obj *o, int64_t *out)
{
    if (py_is_int(o)) {
        *out = PY_INT(o);
        return 0;
    }
    py_err(&py_exc_TypeError, "'%s' object cannot be interpreted as an integer", py_type_name(o));
    return -1;
}

int py_as_double(py_obj *o, double *out)
{
    if (py_is_num(o)) {
        *out = py_num_as_double(o);
        return 0;
    }
    py_err(&py_exc_TypeError, "must be real number, not %s", py_type_name(o));
    return -1;
}

/* ---- Python function calls ---------------------------------------------- */

static void call__missing(py_code *c, py_obj **fast, uint32_t from, uint32_t to, const char *kind)
{
    sim_buf names = {0};
    uint32_t missing = 0, total = 0;
    for (uint32_t i = from; i < to; i++)
        if (!fast[i])
            total++;
    for (uint32_t i = from; i < to; i++) {
        if (fast[i])
            continue;
        missing++;
        if (missing > 1)
            sim_buf_adds(&names, missing == total ? (total > 2 ? ", and " : " and ") : ", ");
        sim_buf_printf(&names, "'%s'", c->names[i]);
    }
    py_err(&py_exc_TypeError, "%s() missing %u required %s argument%s: %s", c->qualname, total,
           kind, total == 1 ? "" : "s", sim_buf_str(&names));
    sim_buf_free(&names);
}

/* Bind arguments into fast[]; 0 or -1. */
static int call__bind(py_func *fn, py_obj **fast, py_obj **args, size_t n, py_obj *kw)
{
    py_code *c = fn->code;
    uint32_t np = c->nargs, nk = c->nkwonly;
    size_t npos = n < np ? n : np;
    for (size_t i = 0; i < npos; i++)
        fast[i] = py_incref(args[i]);
    if (c->vararg >= 0) {
        size_t extra = n > np ? n - np : 0;
        py_obj *t = py_tuple_new(extra);
        for (size_t i = 0; i < extra; i++)
            PY_TUPLE(t)->items[i] = py_incref(args[np + i]);
        fast[c->vararg] = t;
    } else if (n > np) {
        size_t ndef = fn->defaults ? PY_TUPLE(fn->defaults)->n : 0;
        if (ndef)
            py_err(&py_exc_TypeError, "%s() takes from %zu to %u positional arguments but %zu %s given",
                   c->qualname, np - ndef, np, n, n == 1 ? "was" : "were");
        else
            py_err(&py_exc_TypeError, "%s() takes %u positional argument%s but %zu %s given",
                   c->qualname, np, np == 1 ? "" : "s", n, n == 1 ? "was" : "were");
        return -1;
    }
    if (c->kwarg >= 0)
        fast[c->kwarg] = py_dict_new();
    if (kw) {
        py_dict *d = PY_DICT(kw);
        for (size_t e = 0; e < d->used; e++) {
            py_obj *k = d->entries[e].key;
            if (!k)
                continue;
            if (k->kind != PY_K_STR) {
                py_err(&py_exc_TypeError, "keywords must be strings");
                return -1;
            }
            uint32_t i = 0;
            while (i < np + nk && strcmp(c->names[i], PY_STR(k)) != 0)
                i++;
            if (i < np + nk) {
                if (fast[i]) {
                    py_err(&py_exc_TypeError, "%s() got multiple values for argument '%s'",
                           c->qualname, PY_STR(k));
                    return -1;
                }
                fast[i] = py_incref(d->entries[e].value);
            } else if (c->kwarg >= 0) {
                if (py_dict_set(fast[c->kwarg], k, d->entries[e].value) < 0)
                    return -1;
            } else {
                py_err(&py_exc_TypeError, "%s() got an unexpected keyword argument '%s'",
                       c->qualname, PY_STR(k));
                return -1;
            }
        }
    }
    /* defaults of the last positional parameters */
    size_t ndef = fn->defaults ? PY_TUPLE(fn->defaults)->n : 0;
    for (uint32_t i = 0; i < np; i++) {
        if (fast[i])
            continue;
        if (i >= np - ndef) {
            fast[i] = py_incref(PY_TUPLE(fn->defaults)->items[i - (np - ndef)]);
            continue;
        }
        call__missing(c, fast, 0, (uint32_t)(np - ndef), "positional");
        return -1;
    }
    for (uint32_t i = np; i < np + nk; i++) {
        if (fast[i])
            continue;
        py_obj *d = fn->kwdefaults ? py_dict_gets(fn->kwdefaults, c->names[i]) : NULL;
        if (d) {
            fast[i] = py_incref(d);
            continue;
        }
        call__missing(c, fast, np, np + nk, "keyword-only");
        return -1;
    }
    return 0;
}

static py_obj *call__function(py_func *fn, py_obj **args, size_t n, py_obj *kw)
{
    py_interp *in = py_interp_get();
    py_ts *ts = py_ts_get();
    py_code *c = fn->code;
    if (ts->depth >= in->opts.max_depth)
        return py_err(&py_exc_RecursionError, "maximum recursion depth exceeded");
    uint32_t nl = c->nlocals;
    py_obj *fast[nl ? nl : 1];
    memset(fast, 0, sizeof fast);
    py_obj *result = NULL;
    if (call__bind(fn, fast, args, n, kw) == 0) {
        for (uint32_t i = 0; i < nl; i++)
            if (c->cell[i]) {
                py_obj *cell = py_cell_new(fast[i]);
                py_xdecref(fast[i]);
                fast[i] = cell;
            }
        py_frame f = {.code = c, .fast = fast, .func = &fn->hdr, .closure = fn->closure,
                      .globals = fn->globals, .back = ts->frame, .line = c->line};
        ts->frame = &f;
        ts->depth++;
        int r = py_exec_body(&f, c->body);
        ts->depth--;
        ts->frame = f.back;
        if (r == PY_X_RETURN) {
            result = f.retval;
        } else if (r == PY_X_EXC) {
            py_xdecref(f.retval);
            py_tb_here(&f);
        } else {
            py_xdecref(f.retval);
            result = py_incref(py_None);
        }
    }
    for (uint32_t i = 0; i < nl; i++)
        py_xdecref(fast[i]);
    return result;
}

/* Prepend `self` to args and call `fn`. */
static py_obj *call__with_self(py_obj *fn, py_obj *self, py_obj **args, size_t n, py_obj *kw)
{
    py_obj *small[9];
    py_obj **all = small;
    py_obj *holder = NULL;
    if (n + 1 > 9) {
        holder = py_tuple_new(n + 1);
        all = PY_TUPLE(holder)->items;
    }
    all[0] = self;
    for (size_t i = 0; i < n; i++)
        all[i + 1] = args[i];
    py_obj *r = py_call(fn, all, n + 1, kw);
    if (holder) {
        /* the tuple does not own its items here */
        for (size_t i = 0; i <= n; i++)
            PY_TUPLE(holder)->items[i] = NULL;
        py_decref(holder);
    }
    return r;
}

py_obj *py_call(py_obj *callable, py_obj **args, size_t n, py_obj *kw)
{
    switch (callable->kind) {
    case PY_K_FUNC:
        return call__function((py_func *)callable, args, n, kw);
    case PY_K_CFUNC: {
        py_cfunc_obj *c = (py_cfunc_obj *)callable;
        if (c->unbound) {
            if (n == 0)
                return py_err(&py_exc_TypeError, "unbound method %s() needs an argument", c->name);
            return c->fn(args[0], args + 1, n - 1, kw);
        }
        return c->fn(c->self, args, n, kw);
    }
    case PY_K_METHOD: {
        py_method_obj *m = (py_method_obj *)callable;
        return call__with_self(m->func, m->self, args, n, kw);
    }
    case PY_K_TYPE: {
        py_type *t = (py_type *)callable;
        if (t->make && !t->dict && t->inst_kind != PY_K_INST)
            return t->make(callable, args, n, kw);
        if (t == &py_type_object)
            return t->make(callable, args, n, kw);
        return py_instantiate(t, args, n, kw);
    }
    case PY_K_INST: {
        py_obj *m = py_special(callable, "__call__");
        if (m) {
            py_obj *r = py_call(m, args, n, kw);
            py_decref(m);
            return r;
        }
        break;
    }
    default:
        break;
    }
    return py_err(&py_exc_TypeError, "'%s' object is not callable", py_type_name(callable));
}

/* ---- classes ------------------------------------------------------------ */

py_obj *py_class_new(const char *name, py_type *base, py_obj *ns)
{
    if (!base)
        base = &py_type_object;
    if (base->inst_kind != PY_K_INST)
        return py_err(&py_exc_TypeError, "subclassing '%s' is not supported by threadsim",
                      base->name);
    py_type *t = py_alloc(sizeof *t, &py_type_type, PY_K_TYPE);
    size_t n = strlen(name);
    t->name = py_mem_alloc(n + 1);
    memcpy(t->name, name, n + 1);
    t->base = base;
    py_incref(&base->hdr);
    t->dict = py_incref(ns);
    t->inst_kind = PY_K_INST;
    t->is_exc = base->is_exc;
    t->module = "__main__";
    t->new_inst = base->new_inst;
    t->inst_dict = base->inst_dict;
    t->native_free = base->native_free;
    return &t->hdr;
}

py_obj *py_instantiate(py_type *cls, py_obj **args, size_t n, py_obj *kw)
{
    if (cls->new_inst)
        return cls->new_inst(cls, args, n, kw);
    py_inst *o = py_alloc(sizeof *o, cls, PY_K_INST);
    if (!(cls->hdr.flags & PY_F_IMMORTAL))
        py_incref(&cls->hdr);
    o->dict = py_dict_new();
    py_obj *self = &o->hdr;
    if (cls->is_exc) {
        py_obj *t = py_tuple_new(n);
        for (size_t i = 0; i < n; i++)
            PY_TUPLE(t)->items[i] = py_incref(args[i]);
        o->exc_args = t;
    }
    const py_method *m;
    py_obj *init = py_type_lookup(cls, "__init__", &m, NULL);
    py_obj *r = NULL;
    if (init)
        r = call__with_self(init, self, args, n, kw);
    else if (m && m->fn == py_object_init && (n || (kw && PY_DICT(kw)->n)))
        r = py_err(&py_exc_TypeError, "%s() takes no arguments", cls->name);
    else if (m)
        r = m->fn(self, args, n, kw);
    else if (n || (kw && PY_DICT(kw)->n))
        r = py_err(&py_exc_TypeError, "%s() takes no arguments", cls->name);
    else
        r = py_incref(py_None);
    if (!r) {
        py_decref(self);
        return NULL;
    }
    if (r->kind != PY_K_NONE) {
        py_err(&py_exc_TypeError, "__init__() should return None, not '%s'", py_type_name(r));
        py_decref(r);
        py_decref(self);
        return NULL;
    }
    py_decref(r);
    return self;
}
