/*
 * model/py/make.c — calling a builtin type: int("12"), str(x), list(it),
 * dict(a=1), range(10), enumerate(seq), super(), property(f)...
 * (`self` is the type being called).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"

py_obj *py_make_object(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    if (n || (kw && PY_DICT(kw)->n))
        return py_err(&py_exc_TypeError, "object() takes no arguments");
    py_inst *o = py_alloc(sizeof *o, (py_type *)self, PY_K_INST);
    o->dict = NULL; /* object() instances have no __dict__ */
    return &o->hdr;
}

py_obj *py_make_type(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("type", kw) < 0)
        return NULL;
    if (n == 1)
        return py_incref(&a[0]->type->hdr);
    if (n == 3) {
        if (a[0]->kind != PY_K_STR || a[1]->kind != PY_K_TUPLE || a[2]->kind != PY_K_DICT)
            return py_err(&py_exc_TypeError, "type() argument types are (str, tuple, dict)");
        py_type *base = NULL;
        if (PY_TUPLE(a[1])->n > 1)
            return py_err(&py_exc_TypeError, "multiple inheritance is not supported by threadsim");
        if (PY_TUPLE(a[1])->n == 1) {
            if (PY_TUPLE(a[1])->items[0]->kind != PY_K_TYPE)
                return py_err(&py_exc_TypeError, "bases must be types");
            base = (py_type *)PY_TUPLE(a[1])->items[0];
        }
        py_obj *ns = py_dict_new();
        py_dict_update(ns, a[2]);
        py_obj *c = py_class_new(PY_STR(a[0]), base, ns);
        py_decref(ns);
        return c;
    }
    return py_err(&py_exc_TypeError, "type() takes 1 or 3 arguments");
}

py_obj *py_make_bool(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("bool", kw) < 0 || py_nargs("bool", n, 0, 1) < 0)
        return NULL;
    if (!n)
        return py_False;
    int t = py_truth(a[0]);
    return t < 0 ? NULL : py_bool(t);
}

/* Parse an int literal as int() does (whitespace, sign, underscores). */
static py_obj *make__int_str(const char *s, size_t len, int base, py_obj *orig)
{
    char buf[96];
    size_t k = 0;
    const char *p = s, *e = s + len;
    while (p < e && isspace((unsigned char)*p))
        p++;
    while (e > p && isspace((unsigned char)e[-1]))
        e--;
    bool neg = false;
    if (p < e && (*p == '+' || *p == '-'))
        neg = *p++ == '-';
    if ((base == 16 || base == 0) && e - p > 2 && p[0] == '0' && (p[1] | 32) == 'x')
        p += 2, base = 16;
    else if ((base == 8 || base == 0) && e - p > 2 && p[0] == '0' && (p[1] | 32) == 'o')
        p += 2, base = 8;
    else if ((base == 2 || base == 0) && e - p > 2 && p[0] == '0' && (p[1] | 32) == 'b')
        p += 2, base = 2;
    if (base == 0)
        base = 10;
    bool ok = p < e && *p != '_';
    for (const char *q = p; q < e && ok; q++) {
        if (*q == '_') {
            if (q + 1 >= e || q[1] == '_')
                ok = false;
            continue;
        }
        if (k + 1 >= sizeof buf)
            break;
        buf[k++] = *q;
    }
    buf[k] = '\0';
    char *end = NULL;
    errno = 0;
    unsigned long long v = ok && k ? strtoull(buf, &end, base) : 0;
    if (!ok || !k || *end || !isalnum((unsigned char)buf[0])) {
        py_obj *r = py_repr_of(orig);
        if (r) {
            py_err(&py_exc_ValueError, "invalid literal for int() with base %d: %s", base, PY_STR(r));
            py_decref(r);
        }
        return NULL;
    }
    if (errno == ERANGE || v > (unsigned long long)INT64_MAX + (neg ? 1 : 0) || k + 1 >= sizeof buf)
        return py_err(&py_exc_OverflowError, "integer overflow (threadsim ints are 64-bit)");
    return py_int_new(neg ? (int64_t)(0 - v) : (int64_t)v);
}

py_obj *py_make_int(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    static const char *const names[] = {"x", "base"};
    py_obj *v[2];
    if (py_args("int", a, n, kw, names, 2, 0, v) < 0)
        return NULL;
    if (!v[0])
        return py_int_new(0);
    int64_t base = 10;
    if (v[1]) {
        if (py_as_int(v[1], &base) < 0)
            return NULL;
        if (v[0]->kind != PY_K_STR)
            return py_err(&py_exc_TypeError, "int() can't convert non-string with explicit base");
        if (base != 0 && (base < 2 || base > 36))
            return py_err(&py_exc_ValueError, "int() base must be >= 2 and <= 36, or 0");
    }
    py_obj *x = v[0];
    if (py_is_int(x))
        return py_int_new(PY_INT(x));
    if (x->kind == PY_K_FLOAT) {
        double d = PY_FLOAT(x);
        if (isnan(d))
            return py_err(&py_exc_ValueError, "cannot convert float NaN to integer");
        if (isinf(d))
            return py_err(&py_exc_OverflowError, "cannot convert float infinity to integer");
        if (d >= 9.2233720368547758e18 || d < -9.2233720368547758e18)
            return py_err(&py_exc_OverflowError, "integer overflow (threadsim ints are 64-bit)");
        return py_int_new((int64_t)d);
    }
    if (x->kind == PY_K_STR)
        return make__int_str(PY_STR(x), PY_STRLEN(x), (int)base, x);
    if (x->kind == PY_K_INST) {
        py_obj *m = py_special(x, "__int__");
        if (m) {
            py_obj *r = py_call(m, NULL, 0, NULL);
            py_decref(m);
            return r;
        }
        if (py_err_occurred())
            return NULL;
    }
    return py_err(&py_exc_TypeError,
                  "int() argument must be a string, a bytes-like object or a real number, not '%s'",
                  py_type_name(x));
}

py_obj *py_make_float(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("float", kw) < 0 || py_nargs("float", n, 0, 1) < 0)
        return NULL;
    if (!n)
        return py_float_new(0.0);
    py_obj *x = a[0];
    if (py_is_num(x))
        return py_float_new(py_num_as_double(x));
    if (x->kind == PY_K_STR) {
        char buf[128];
        const char *p = PY_STR(x), *e = p + PY_STRLEN(x);
        while (p < e && isspace((unsigned char)*p))
            p++;
        while (e > p && isspace((unsigned char)e[-1]))
            e--;
        size_t k = 0;
        bool ok = e > p && (size_t)(e - p) < sizeof buf;
        for (const char *q = p; ok && q < e; q++)
            if (*q != '_')
                buf[k++] = *q;
        buf[k] = '\0';
        char *end = NULL;
        double d = ok ? strtod(buf, &end) : 0;
        /* strtod accepts hex floats and "infinity"s CPython also takes; not "0x" though */
        if (!ok || *end || strpbrk(buf, "xX")) {
            py_obj *r = py_repr_of(x);
            if (r) {
                py_err(&py_exc_ValueError, "could not convert string to float: %s", PY_STR(r));
                py_decref(r);
            }
            return NULL;
        }
        return py_float_new(d);
    }
    if (x->kind == PY_K_INST) {
        py_obj *m = py_special(x, "__float__");
        if (m) {
            py_obj *r = py_call(m, NULL, 0, NULL);
            py_decref(m);
            return r;
        }
        if (py_err_occurred())
            return NULL;
    }
    return py_err(&py_exc_TypeError, "float() argument must be a string or a real number, not '%s'",
                  py_type_name(x));
}

py_obj *py_make_str(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("str", kw) < 0 || py_nargs("str", n, 0, 1) < 0)
        return NULL;
    return n ? py_str_of(a[0]) : py_str_new("", 0);
}

py_obj *py_make_list(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("list", kw) < 0 || py_nargs("list", n, 0, 1) < 0)
        return NULL;
    return n ? py_list_from_iter(a[0]) : py_list_new(0);
}

py_obj *py_make_tuple(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("tuple", kw) < 0 || py_nargs("tuple", n, 0, 1) < 0)
        return NULL;
    if (!n)
        return py_tuple_new(0);
    if (a[0]->kind == PY_K_TUPLE)
        return py_incref(a[0]);
    py_obj *l = py_list_from_iter(a[0]);
    if (!l)
        return NULL;
    py_obj *t = py_tuple_new(PY_LIST(l)->n);
    for (size_t i = 0; i < PY_LIST(l)->n; i++)
        PY_TUPLE(t)->items[i] = py_incref(PY_LIST(l)->items[i]);
    py_decref(l);
    return t;
}

py_obj *py_make_dict(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_nargs("dict", n, 0, 1) < 0)
        return NULL;
    py_obj *d = py_dict_new();
    if ((n && py_dict_update(d, a[0]) < 0) || (kw && py_dict_update(d, kw) < 0)) {
        py_decref(d);
        return NULL;
    }
    return d;
}

py_obj *py_make_set(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("set", kw) < 0 || py_nargs("set", n, 0, 1) < 0)
        return NULL;
    py_obj *s = py_set_new();
    if (!n)
        return s;
    py_obj *l = py_list_from_iter(a[0]);
    if (!l) {
        py_decref(s);
        return NULL;
    }
    for (size_t i = 0; i < PY_LIST(l)->n; i++)
        if (py_set_add(s, PY_LIST(l)->items[i]) < 0) {
            py_decref(l);
            py_decref(s);
            return NULL;
        }
    py_decref(l);
    return s;
}

py_obj *py_make_range(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("range", kw) < 0)
        return NULL;
    if (n < 1 || n > 3)
        return py_err(&py_exc_TypeError, n ? "range expected at most 3 arguments, got %zu"
                                           : "range expected at least 1 argument, got %zu", n);
    int64_t v[3] = {0, 0, 1};
    for (size_t i = 0; i < n; i++)
        if (!py_is_int(a[i]))
            return py_err(&py_exc_TypeError, "'%s' object cannot be interpreted as an integer",
                          py_type_name(a[i]));
    if (n == 1) {
        v[1] = PY_INT(a[0]);
    } else {
        v[0] = PY_INT(a[0]);
        v[1] = PY_INT(a[1]);
        if (n == 3)
            v[2] = PY_INT(a[2]);
    }
    if (v[2] == 0)
        return py_err(&py_exc_ValueError, "range() arg 3 must not be zero");
    return py_range_new(v[0], v[1], v[2]);
}

static py_obj *make__wrap(py_type *t, py_kind k, py_obj *x, py_obj *y)
{
    py_wrap *w = py_alloc(sizeof *w, t, k);
    w->a = x ? py_incref(x) : NULL;
    w->b = y ? py_incref(y) : NULL;
    return &w->hdr;
}

py_obj *py_make_property(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    static const char *const names[] = {"fget", "fset", "fdel", "doc"};
    py_obj *v[4];
    if (py_args("property", a, n, kw, names, 4, 0, v) < 0)
        return NULL;
    return make__wrap(&py_type_property, PY_K_PROPERTY, v[0] && v[0]->kind != PY_K_NONE ? v[0] : NULL,
                      v[1] && v[1]->kind != PY_K_NONE ? v[1] : NULL);
}

py_obj *py_make_staticmethod(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("staticmethod", kw) < 0 || py_nargs("staticmethod", n, 1, 1) < 0)
        return NULL;
    return make__wrap(&py_type_staticmethod, PY_K_STATICM, a[0], NULL);
}

py_obj *py_make_classmethod(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("classmethod", kw) < 0 || py_nargs("classmethod", n, 1, 1) < 0)
        return NULL;
    return make__wrap(&py_type_classmethod, PY_K_CLASSM, a[0], NULL);
}

/* super() with no arguments: the class whose body defined the running
 * function (found by its code in the class chain of the first argument's
 * type) and the first argument. */
py_obj *py_make_super(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("super", kw) < 0 || py_nargs("super", n, 0, 2) < 0)
        return NULL;
    py_type *start = NULL;
    py_obj *obj = NULL;
    if (n == 2) {
        if (a[0]->kind != PY_K_TYPE)
            return py_err(&py_exc_TypeError, "super() argument 1 must be a type, not %s",
                          py_type_name(a[0]));
        start = (py_type *)a[0];
        obj = a[1];
    } else if (n == 1) {
        return py_err(&py_exc_RuntimeError, "one-argument super() is not supported by threadsim");
    } else {
        py_frame *f = py_ts_get()->frame;
        if (!f || !f->func || !f->code->nargs)
            return py_err(&py_exc_RuntimeError, "super(): no arguments");
        obj = f->fast[0];
        if (obj && f->code->cell[0])
            obj = ((py_cell *)obj)->v;
        if (!obj)
            return py_err(&py_exc_RuntimeError, "super(): arg[0] deleted");
        py_type *t = obj->kind == PY_K_TYPE ? (py_type *)obj : obj->type;
        for (; t && !start; t = t->base) {
            if (!t->dict)
                continue;
            py_dict *d = PY_DICT(t->dict);
            for (size_t i = 0; i < d->used && !start; i++) {
                py_obj *v = d->entries[i].value;
                if (v && (v->kind == PY_K_CLASSM || v->kind == PY_K_STATICM))
                    v = ((py_wrap *)v)->a;
                if (v && v->kind == PY_K_FUNC && ((py_func *)v)->code == f->code)
                    start = t;
            }
        }
        if (!start)
            return py_err(&py_exc_RuntimeError, "super(): __class__ cell not found");
    }
    py_view *s = py_alloc(sizeof *s, &py_type_super, PY_K_SUPER);
    s->obj = py_incref(obj);
    s->start = start;
    return &s->hdr;
}

py_obj *py_make_enumerate(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    static const char *const names[] = {"iterable", "start"};
    py_obj *v[2];
    if (py_args("enumerate", a, n, kw, names, 2, 1, v) < 0)
        return NULL;
    int64_t start = 0;
    if (v[1] && py_as_int(v[1], &start) < 0)
        return NULL;
    py_obj *it = py_iter(v[0]);
    if (!it)
        return NULL;
    py_iterobj *e = (py_iterobj *)py_iter_new(PY_IT_ENUM, it, NULL);
    e->hdr.type = &py_type_enumerate;
    e->i = start;
    py_decref(it);
    return &e->hdr;
}

static py_obj *make__iters(py_obj **a, size_t n)
{
    py_obj *t = py_tuple_new(n);
    for (size_t i = 0; i < n; i++) {
        py_obj *it = py_iter(a[i]);
        if (!it) {
            py_decref(t);
            return NULL;
        }
        PY_TUPLE(t)->items[i] = it;
    }
    return t;
}

/* Python 2's zip, map and filter return lists: drain the iterator `it` into
 * one (consumes the reference); Python 3 keeps the iterator. */
static py_obj *make__py2_list(py_obj *it)
{
    if (py_interp_get()->python != 2)
        return it;
    py_obj *l = py_list_from_iter(it);
    py_decref(it);
    return l;
}

py_obj *py_make_zip(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("zip", kw) < 0)
        return NULL;
    py_obj *t = make__iters(a, n);
    if (!t)
        return NULL;
    py_obj *z = py_iter_new(PY_IT_ZIP, t, NULL);
    z->type = &py_type_zip;
    py_decref(t);
    return make__py2_list(z);
}

py_obj *py_make_map(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("map", kw) < 0)
        return NULL;
    if (n < 2)
        return py_err(&py_exc_TypeError, "map() must have at least two arguments.");
    if (n > 17)
        return py_err(&py_exc_TypeError, "map() with more than 16 iterables is not supported");
    py_obj *t = make__iters(a + 1, n - 1);
    if (!t)
        return NULL;
    py_obj *m = py_iter_new(PY_IT_MAP, a[0], t);
    m->type = &py_type_map;
    py_decref(t);
    return make__py2_list(m);
}

py_obj *py_make_filter(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("filter", kw) < 0 || py_nargs("filter", n, 2, 2) < 0)
        return NULL;
    py_obj *it = py_iter(a[1]);
    if (!it)
        return NULL;
    py_obj *fl = py_iter_new(PY_IT_FILTER, a[0], it);
    fl->type = &py_type_filter;
    py_decref(it);
    return make__py2_list(fl);
}

py_obj *py_make_reversed(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("reversed", kw) < 0 || py_nargs("reversed", n, 1, 1) < 0)
        return NULL;
    py_obj *src = a[0];
    py_obj *seq = src->kind == PY_K_LIST || src->kind == PY_K_TUPLE ? py_incref(src)
                                                                    : py_list_from_iter(src);
    if (!seq)
        return NULL;
    size_t len;
    py_seq_items(seq, &len);
    py_iterobj *r = (py_iterobj *)py_iter_new(PY_IT_REVERSED, seq, NULL);
    r->hdr.type = &py_type_reversed;
    r->i = (int64_t)len;
    py_decref(seq);
    return &r->hdr;
}
