/*
 * model/py/obj.c — the object protocols: truth, str and repr, comparison,
 * containment, len, iteration and subscripting, for the builtin types and
 * for instances through their special methods (__str__, __eq__, __len__,
 * __iter__, __getitem__...).
 *
 * repr of containers that contain themselves prints [...] / {...} as
 * CPython does; a small per-host-thread stack of the containers being
 * printed detects that.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../pyfmt.h"
#include "interp.h"

/* ---- truth -------------------------------------------------------------- */

int py_truth(py_obj *o)
{
    switch (o->kind) {
    case PY_K_NONE: return 0;
    case PY_K_BOOL: case PY_K_INT: return PY_INT(o) != 0;
    case PY_K_FLOAT: return PY_FLOAT(o) != 0.0;
    case PY_K_STR: return PY_STRLEN(o) != 0;
    case PY_K_TUPLE: return PY_TUPLE(o)->n != 0;
    case PY_K_LIST: return PY_LIST(o)->n != 0;
    case PY_K_DICT: case PY_K_SET: return PY_DICT(o)->n != 0;
    case PY_K_RANGE: return py_len(o) != 0;
    case PY_K_INST: {
        py_obj *m = py_special(o, "__bool__");
        if (!m && !py_err_occurred())
            m = py_special(o, "__len__");
        if (!m)
            return py_err_occurred() ? -1 : 1;
        py_obj *r = py_call(m, NULL, 0, NULL);
        py_decref(m);
        if (!r)
            return -1;
        int t = py_is_int(r) ? PY_INT(r) != 0 : py_truth(r);
        py_decref(r);
        return t;
    }
    default: return 1;
    }
}

/* ---- str / repr --------------------------------------------------------- */

static _Thread_local py_obj *repr__stack[900];
static _Thread_local int repr__depth;

static bool repr__enter(sim_buf *b, py_obj *o, const char *loop)
{
    for (int i = 0; i < repr__depth; i++)
        if (repr__stack[i] == o) {
            sim_buf_adds(b, loop);
            return false;
        }
    if (repr__depth == 900) {
        py_err(&py_exc_RecursionError, "maximum recursion depth exceeded while getting the repr of an object");
        return false;
    }
    repr__stack[repr__depth++] = o;
    return true;
}

static int repr__seq(sim_buf *b, py_obj **items, size_t n, const char *open, const char *close,
                     bool one_comma)
{
    sim_buf_adds(b, open);
    for (size_t i = 0; i < n; i++) {
        if (i)
            sim_buf_adds(b, ", ");
        if (py_buf_repr(b, items[i]) < 0)
            return -1;
    }
    if (one_comma && n == 1)
        sim_buf_addc(b, ',');
    sim_buf_adds(b, close);
    return 0;
}

static int repr__dict(sim_buf *b, py_dict *d, bool set)
{
    if (set && d->n == 0) {
        sim_buf_adds(b, "set()");
        return 0;
    }
    sim_buf_addc(b, '{');
    bool first = true;
    for (size_t i = 0; i < d->used; i++) {
        if (!d->entries[i].key)
            continue;
        if (!first)
            sim_buf_adds(b, ", ");
        first = false;
        if (py_buf_repr(b, d->entries[i].key) < 0)
            return -1;
        if (!set) {
            sim_buf_adds(b, ": ");
            if (py_buf_repr(b, d->entries[i].value) < 0)
                return -1;
        }
    }
    sim_buf_addc(b, '}');
    return 0;
}

static int repr__call_special(sim_buf *b, py_obj *o, const char *name, bool *done)
{
    *done = false;
    py_obj *m = py_special(o, name);
    if (!m)
        return py_err_occurred() ? -1 : 0;
    py_obj *r = py_call(m, NULL, 0, NULL);
    py_decref(m);
    if (!r)
        return -1;
    if (r->kind != PY_K_STR) {
        py_err(&py_exc_TypeError, "%s returned non-string (type %s)", name, py_type_name(r));
        py_decref(r);
        return -1;
    }
    sim_buf_add(b, PY_STR(r), PY_STRLEN(r));
    py_decref(r);
    *done = true;
    return 0;
}

static const char *module_prefix(py_type *t)
{
    return t->module ? t->module : "builtins";
}

int py_buf_repr(sim_buf *b, py_obj *o)
{
    char num[64];
    switch (o->kind) {
    case PY_K_NONE: sim_buf_adds(b, "None"); return 0;
    case PY_K_NOTIMPL: sim_buf_adds(b, "NotImplemented"); return 0;
    case PY_K_BOOL: sim_buf_adds(b, PY_INT(o) ? "True" : "False"); return 0;
    case PY_K_INT: sim_buf_printf(b, "%lld", (long long)PY_INT(o)); return 0;
    case PY_K_FLOAT:
        model_float_repr(PY_FLOAT(o), num, sizeof num);
        sim_buf_adds(b, num);
        return 0;
    case PY_K_STR:
        model_str_repr(b, PY_STR(o), PY_STRLEN(o));
        return 0;
    case PY_K_TUPLE: case PY_K_LIST: case PY_K_DICT: case PY_K_SET: {
        const char *loop = o->kind == PY_K_LIST ? "[...]" : o->kind == PY_K_TUPLE ? "(...)" : "{...}";
        if (!repr__enter(b, o, loop))
            return py_err_occurred() ? -1 : 0;
        int r;
        if (o->kind == PY_K_TUPLE)
            r = repr__seq(b, PY_TUPLE(o)->items, PY_TUPLE(o)->n, "(", ")", true);
        else if (o->kind == PY_K_LIST)
            r = repr__seq(b, PY_LIST(o)->items, PY_LIST(o)->n, "[", "]", false);
        else
            r = repr__dict(b, PY_DICT(o), o->kind == PY_K_SET);
        repr__depth--;
        return r;
    }
    case PY_K_RANGE: {
        py_range *r = (py_range *)o;
        if (r->step == 1)
            sim_buf_printf(b, "range(%lld, %lld)", (long long)r->start, (long long)r->stop);
        else
            sim_buf_printf(b, "range(%lld, %lld, %lld)", (long long)r->start, (long long)r->stop,
                           (long long)r->step);
        return 0;
    }
    case PY_K_FUNC:
        sim_buf_printf(b, "<function %s at 0x%llx>", ((py_func *)o)->code->name,
                       (unsigned long long)py_fake_addr(o));
        return 0;
    case PY_K_CFUNC: {
        py_cfunc_obj *c = (py_cfunc_obj *)o;
        if (c->self)
            sim_buf_printf(b, "<built-in method %s of %s object at 0x%llx>", c->name,
                           py_type_name(c->self), (unsigned long long)py_fake_addr(c->self));
        else
            sim_buf_printf(b, "<built-in function %s>", c->name);
        return 0;
    }
    case PY_K_METHOD: {
        py_method_obj *m = (py_method_obj *)o;
        const char *fname = m->func->kind == PY_K_FUNC ? ((py_func *)m->func)->code->name : "?";
        sim_buf_printf(b, "<bound method %s.%s of ", py_type_name(m->self), fname);
        if (py_buf_repr(b, m->self) < 0)
            return -1;
        sim_buf_addc(b, '>');
        return 0;
    }
    case PY_K_TYPE: {
        py_type *t = (py_type *)o;
        const char *mod = module_prefix(t);
        if (strcmp(mod, "builtins") == 0)
            sim_buf_printf(b, "<class '%s'>", t->name);
        else
            sim_buf_printf(b, "<class '%s.%s'>", mod, t->name);
        return 0;
    }
    case PY_K_MODULE:
        sim_buf_printf(b, "<module '%s' (built-in)>", ((py_module *)o)->name);
        return 0;
    case PY_K_VIEW: {
        py_view *v = (py_view *)o;
        static const char *const names[] = {"dict_keys", "dict_values", "dict_items"};
        sim_buf_printf(b, "%s(", names[v->which]);
        py_obj *l = py_list_from_iter(o);
        if (!l)
            return -1;
        int r = py_buf_repr(b, l);
        py_decref(l);
        sim_buf_addc(b, ')');
        return r;
    }
    case PY_K_INST: {
        bool done;
        if (!repr__enter(b, o, "..."))
            return py_err_occurred() ? -1 : 0;
        int r = repr__call_special(b, o, "__repr__", &done);
        repr__depth--;
        if (r < 0 || done)
            return r;
        if (o->type->is_exc) {
            /* BaseException.__repr__: Name(args...) */
            py_obj *args = PY_INST(o)->exc_args;
            sim_buf_printf(b, "%s(", o->type->name);
            if (args && PY_TUPLE(args)->n == 1) {
                if (py_buf_repr(b, PY_TUPLE(args)->items[0]) < 0)
                    return -1;
            } else if (args) {
                for (size_t i = 0; i < PY_TUPLE(args)->n; i++) {
                    if (i)
                        sim_buf_adds(b, ", ");
                    if (py_buf_repr(b, PY_TUPLE(args)->items[i]) < 0)
                        return -1;
                }
            }
            sim_buf_addc(b, ')');
            return 0;
        }
        /* CPython leaves the module out for builtins: <object object at ...> */
        if (strcmp(module_prefix(o->type), "builtins") == 0)
            sim_buf_printf(b, "<%s object at 0x%llx>", o->type->name,
                           (unsigned long long)py_fake_addr(o));
        else
            sim_buf_printf(b, "<%s.%s object at 0x%llx>", module_prefix(o->type), o->type->name,
                           (unsigned long long)py_fake_addr(o));
        return 0;
    }
    default:
        sim_buf_printf(b, "<%s object at 0x%llx>", py_type_name(o),
                       (unsigned long long)py_fake_addr(o));
        return 0;
    }
}

int py_buf_str(sim_buf *b, py_obj *o)
{
    if (o->kind == PY_K_STR) {
        sim_buf_add(b, PY_STR(o), PY_STRLEN(o));
        return 0;
    }
    if (o->kind == PY_K_INST) {
        bool done;
        int r = repr__call_special(b, o, "__str__", &done);
        if (r < 0 || done)
            return r;
        if (o->type->is_exc) {
            char *m = py_exc_message(o);
            if (!m)
                return -1;
            sim_buf_adds(b, m);
            free(m);
            return 0;
        }
    }
    return py_buf_repr(b, o);
}

py_obj *py_str_of(py_obj *o)
{
    if (o->kind == PY_K_STR)
        return py_incref(o);
    sim_buf b = {0};
    if (py_buf_str(&b, o) < 0) {
        sim_buf_free(&b);
        return NULL;
    }
    return py_str_take(&b);
}

py_obj *py_repr_of(py_obj *o)
{
    sim_buf b = {0};
    if (py_buf_repr(&b, o) < 0) {
        sim_buf_free(&b);
        return NULL;
    }
    return py_str_take(&b);
}

/* ---- comparison --------------------------------------------------------- */

static const char *const cmp__sym[] = {"==", "!=", "<", "<=", ">", ">="};
static const char *const cmp__names[] = {"__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"};
static const int cmp__swap[] = {PY_CMP_EQ, PY_CMP_NE, PY_CMP_GT, PY_CMP_GE, PY_CMP_LT, PY_CMP_LE};

static int cmp__result(int c, int op)
{
    switch (op) {
    case PY_CMP_EQ: return c == 0;
    case PY_CMP_NE: return c != 0;
    case PY_CMP_LT: return c < 0;
    case PY_CMP_LE: return c <= 0;
    case PY_CMP_GT: return c > 0;
    default: return c >= 0;
    }
}

static int cmp__seq(py_obj **a, size_t na, py_obj **b, size_t nb, int op)
{
    size_t n = na < nb ? na : nb;
    for (size_t i = 0; i < n; i++) {
        int e = py_eq(a[i], b[i]);
        if (e < 0)
            return -1;
        if (!e) {
            if (op == PY_CMP_EQ)
                return 0;
            if (op == PY_CMP_NE)
                return 1;
            return py_compare(a[i], b[i], op);
        }
    }
    return cmp__result(na < nb ? -1 : na > nb ? 1 : 0, op);
}

/* Try a rich comparison method of an instance: 1/0, -1 error, -2 not
 * implemented. */
static int cmp__special(py_obj *self, py_obj *other, int op)
{
    if (self->kind != PY_K_INST)
        return -2;
    py_obj *m = py_special(self, cmp__names[op]);
    if (!m)
        return py_err_occurred() ? -1 : -2;
    py_obj *r = py_call(m, &other, 1, NULL);
    py_decref(m);
    if (!r)
        return -1;
    if (r->kind == PY_K_NOTIMPL) {
        py_decref(r);
        return -2;
    }
    int t = py_truth(r);
    py_decref(r);
    return t;
}

int py_compare(py_obj *a, py_obj *b, int op)
{
    if (py_is_num(a) && py_is_num(b)) {
        if (py_is_int(a) && py_is_int(b)) {
            int64_t x = PY_INT(a), y = PY_INT(b);
            return cmp__result(x < y ? -1 : x > y ? 1 : 0, op);
        }
        double x = py_num_as_double(a), y = py_num_as_double(b);
        if (isnan(x) || isnan(y))
            return op == PY_CMP_NE;
        return cmp__result(x < y ? -1 : x > y ? 1 : 0, op);
    }
    if (a->kind == PY_K_STR && b->kind == PY_K_STR) {
        size_t na = PY_STRLEN(a), nb = PY_STRLEN(b);
        int c = memcmp(PY_STR(a), PY_STR(b), na < nb ? na : nb);
        if (c == 0)
            c = na < nb ? -1 : na > nb ? 1 : 0;
        return cmp__result(c, op);
    }
    if ((a->kind == PY_K_TUPLE && b->kind == PY_K_TUPLE) ||
        (a->kind == PY_K_LIST && b->kind == PY_K_LIST)) {
        size_t na, nb;
        py_obj **ia = py_seq_items(a, &na), **ib = py_seq_items(b, &nb);
        return cmp__seq(ia, na, ib, nb, op);
    }
    int r = cmp__special(a, b, op);
    if (r != -2)
        return r;
    r = cmp__special(b, a, cmp__swap[op]);
    if (r != -2)
        return r;
    if ((a->kind == PY_K_DICT && b->kind == PY_K_DICT) ||
        (a->kind == PY_K_SET && b->kind == PY_K_SET)) {
        if (op == PY_CMP_EQ || op == PY_CMP_NE) {
            py_dict *da = PY_DICT(a), *db = PY_DICT(b);
            bool eq = da->n == db->n;
            for (size_t i = 0; eq && i < da->used; i++) {
                if (!da->entries[i].key)
                    continue;
                py_obj *v = py_dict_get(b, da->entries[i].key);
                if (!v) {
                    if (py_err_occurred())
                        return -1;
                    eq = false;
                    break;
                }
                if (a->kind == PY_K_DICT) {
                    int e = py_eq(da->entries[i].value, v);
                    if (e < 0)
                        return -1;
                    eq = e;
                }
            }
            return op == PY_CMP_EQ ? eq : !eq;
        }
    }
    if (op == PY_CMP_EQ)
        return a == b;
    if (op == PY_CMP_NE)
        return a != b;
    py_err(&py_exc_TypeError, "'%s' not supported between instances of '%s' and '%s'",
           cmp__sym[op], py_type_name(a), py_type_name(b));
    return -1;
}

/* ---- len, contains ------------------------------------------------------ */

int64_t py_len(py_obj *o)
{
    switch (o->kind) {
    case PY_K_STR: {
        py_str *s = (py_str *)o;
        return (int64_t)(s->ascii ? s->len : py_utf8_count(s->s, s->len));
    }
    case PY_K_TUPLE: return (int64_t)PY_TUPLE(o)->n;
    case PY_K_LIST: return (int64_t)PY_LIST(o)->n;
    case PY_K_DICT: case PY_K_SET: return (int64_t)PY_DICT(o)->n;
    case PY_K_VIEW: return (int64_t)PY_DICT(((py_view *)o)->obj)->n;
    case PY_K_RANGE: {
        py_range *r = (py_range *)o;
        if (r->step > 0 && r->start < r->stop)
            return (r->stop - r->start - 1) / r->step + 1;
        if (r->step < 0 && r->start > r->stop)
            return (r->start - r->stop - 1) / (-r->step) + 1;
        return 0;
    }
    case PY_K_INST: {
        py_obj *m = py_special(o, "__len__");
        if (m) {
            py_obj *r = py_call(m, NULL, 0, NULL);
            py_decref(m);
            if (!r)
                return -1;
            if (!py_is_int(r) || PY_INT(r) < 0) {
                py_decref(r);
                py_err(&py_exc_ValueError, "__len__() should return >= 0");
                return -1;
            }
            int64_t n = PY_INT(r);
            py_decref(r);
            return n;
        }
        if (py_err_occurred())
            return -1;
    }
    /* fall through */
    default:
        py_err(&py_exc_TypeError, "object of type '%s' has no len()", py_type_name(o));
        return -1;
    }
}

int py_contains(py_obj *c, py_obj *x)
{
    switch (c->kind) {
    case PY_K_STR:
        if (x->kind != PY_K_STR) {
            py_err(&py_exc_TypeError, "'in <string>' requires string as left operand, not %s",
                   py_type_name(x));
            return -1;
        }
        return memmem(PY_STR(c), PY_STRLEN(c), PY_STR(x), PY_STRLEN(x)) != NULL ||
               PY_STRLEN(x) == 0;
    case PY_K_DICT: case PY_K_SET:
        if (py_dict_get(c, x))
            return 1;
        return py_err_occurred() ? -1 : 0;
    case PY_K_VIEW:
        if (((py_view *)c)->which == 0)
            return py_contains(((py_view *)c)->obj, x);
        break;
    case PY_K_RANGE: {
        py_range *r = (py_range *)c;
        if (!py_is_int(x))
            break;
        int64_t v = PY_INT(x);
        if (r->step > 0 ? (v < r->start || v >= r->stop) : (v > r->start || v <= r->stop))
            return 0;
        return (v - r->start) % r->step == 0;
    }
    case PY_K_INST: {
        py_obj *m = py_special(c, "__contains__");
        if (m) {
            py_obj *r = py_call(m, &x, 1, NULL);
            py_decref(m);
            if (!r)
                return -1;
            int t = py_truth(r);
            py_decref(r);
            return t;
        }
        if (py_err_occurred())
            return -1;
        break;
    }
    default:
        break;
    }
    py_obj *it = py_iter(c);
    if (!it) {
        if (py_err_matches(&py_exc_TypeError)) {
            py_err_clear();
            py_err(&py_exc_TypeError, "argument of type '%s' is not iterable", py_type_name(c));
        }
        return -1;
    }
    for (;;) {
        py_obj *v = py_next(it);
        if (!v) {
            py_decref(it);
            return py_err_occurred() ? -1 : 0;
        }
        int e = py_eq(v, x);
        py_decref(v);
        if (e) {
            py_decref(it);
            return e;
        }
    }
}

/* ---- iteration ---------------------------------------------------------- */

py_obj *py_iter(py_obj *o)
{
    switch (o->kind) {
    case PY_K_LIST: case PY_K_TUPLE: case PY_K_STR:
        return py_iter_new(PY_IT_SEQ, o, NULL);
    case PY_K_DICT: case PY_K_SET:
        return py_iter_new(PY_IT_DICT, o, NULL);
    case PY_K_VIEW: {
        py_iterobj *it = (py_iterobj *)py_iter_new(PY_IT_DICT, ((py_view *)o)->obj, NULL);
        it->j = ((py_view *)o)->which;
        return &it->hdr;
    }
    case PY_K_RANGE: {
        py_range *r = (py_range *)o;
        py_iterobj *it = (py_iterobj *)py_iter_new(PY_IT_RANGE, NULL, NULL);
        it->i = r->start;
        it->j = r->stop;
        it->k = r->step;
        return &it->hdr;
    }
    case PY_K_ITER:
        return py_incref(o);
    case PY_K_INST: {
        py_obj *m = py_special(o, "__iter__");
        if (m) {
            py_obj *r = py_call(m, NULL, 0, NULL);
            py_decref(m);
            if (!r)
                return NULL;
            if (r->kind == PY_K_ITER)
                return r;
            py_obj *nx = py_special(r, "__next__");
            if (!nx) {
                if (!py_err_occurred())
                    py_err(&py_exc_TypeError, "iter() returned non-iterator of type '%s'",
                           py_type_name(r));
                py_decref(r);
                return NULL;
            }
            py_decref(nx);
            py_obj *it = py_iter_new(PY_IT_CALL, r, NULL);
            py_decref(r);
            return it;
        }
        if (py_err_occurred())
            return NULL;
        break;
    }
    default:
        break;
    }
    return py_err(&py_exc_TypeError, "'%s' object is not iterable", py_type_name(o));
}

static py_obj *iter__dict(py_iterobj *it)
{
    py_dict *d = PY_DICT(it->a);
    while ((size_t)it->i < d->used && !d->entries[it->i].key)
        it->i++;
    if ((size_t)it->i >= d->used)
        return NULL;
    py_dict_entry *e = &d->entries[it->i++];
    if (it->j == 1)
        return py_incref(e->value);
    if (it->j == 2)
        return py_tuple_pack(2, e->key, e->value);
    return py_incref(e->key);
}

py_obj *py_next(py_obj *o)
{
    if (o->kind != PY_K_ITER) {
        py_obj *m = py_special(o, "__next__");
        if (!m)
            return py_err_occurred() ? NULL
                                     : py_err(&py_exc_TypeError, "'%s' object is not an iterator",
                                              py_type_name(o));
        py_obj *r = py_call(m, NULL, 0, NULL);
        py_decref(m);
        if (!r && py_err_matches(&py_exc_StopIteration))
            py_err_clear();
        return r;
    }
    py_iterobj *it = (py_iterobj *)o;
    switch (it->sub) {
    case PY_IT_SEQ: {
        py_obj *s = it->a;
        if (!s)
            return NULL;
        if (s->kind == PY_K_STR) {
            py_str *str = (py_str *)s;
            if ((size_t)it->i >= str->len)
                return NULL;
            size_t k = (size_t)it->i, e = k + 1;
            while (e < str->len && ((unsigned char)str->s[e] & 0xC0) == 0x80)
                e++;
            it->i = (int64_t)e;
            return py_str_new(str->s + k, e - k);
        }
        size_t n;
        py_obj **items = py_seq_items(s, &n);
        if ((size_t)it->i >= n)
            return NULL;
        return py_incref(items[it->i++]);
    }
    case PY_IT_REVERSED: {
        size_t n;
        py_obj **items = py_seq_items(it->a, &n);
        if (it->i <= 0 || (size_t)it->i > n)
            return NULL;
        return py_incref(items[--it->i]);
    }
    case PY_IT_DICT: {
        py_dict *d = PY_DICT(it->a);
        if (it->k == 0)
            it->k = (int64_t)d->n + 1;
        else if ((int64_t)d->n + 1 != it->k)
            return py_err(&py_exc_RuntimeError, "dictionary changed size during iteration");
        return iter__dict(it);
    }
    case PY_IT_RANGE:
        if (it->k > 0 ? it->i >= it->j : it->i <= it->j)
            return NULL;
        it->i += it->k;
        return py_int_new(it->i - it->k);
    case PY_IT_ENUM: {
        py_obj *v = py_next(it->a);
        if (!v)
            return NULL;
        py_obj *idx = py_int_new(it->i++);
        py_obj *t = py_tuple_pack(2, idx, v);
        py_decref(idx);
        py_decref(v);
        return t;
    }
    case PY_IT_ZIP: {
        size_t n = PY_TUPLE(it->a)->n;
        if (n == 0)
            return NULL;
        py_obj *t = py_tuple_new(n);
        for (size_t i = 0; i < n; i++) {
            py_obj *v = py_next(PY_TUPLE(it->a)->items[i]);
            if (!v) {
                py_decref(t);
                return NULL;
            }
            PY_TUPLE(t)->items[i] = v;
        }
        return t;
    }
    case PY_IT_MAP: {
        size_t n = PY_TUPLE(it->b)->n;
        py_obj *args[16];
        for (size_t i = 0; i < n; i++) {
            args[i] = py_next(PY_TUPLE(it->b)->items[i]);
            if (!args[i]) {
                for (size_t k = 0; k < i; k++)
                    py_decref(args[k]);
                return NULL;
            }
        }
        py_obj *r = py_call(it->a, args, n, NULL);
        for (size_t k = 0; k < n; k++)
            py_decref(args[k]);
        return r;
    }
    case PY_IT_FILTER:
        for (;;) {
            py_obj *v = py_next(it->b);
            if (!v)
                return NULL;
            int t;
            if (it->a->kind == PY_K_NONE) {
                t = py_truth(v);
            } else {
                py_obj *r = py_call(it->a, &v, 1, NULL);
                t = r ? py_truth(r) : -1;
                py_xdecref(r);
            }
            if (t < 0) {
                py_decref(v);
                return NULL;
            }
            if (t)
                return v;
            py_decref(v);
        }
    case PY_IT_CALL:
        return py_next(it->a);
    default:
        return NULL;
    }
}

py_obj *py_list_from_iter(py_obj *o)
{
    if (o->kind == PY_K_LIST || o->kind == PY_K_TUPLE) {
        size_t n;
        py_obj **items = py_seq_items(o, &n);
        py_obj *l = py_list_new(n);
        for (size_t i = 0; i < n; i++)
            PY_LIST(l)->items[i] = py_incref(items[i]);
        return l;
    }
    py_obj *it = py_iter(o);
    if (!it)
        return NULL;
    py_obj *l = py_list_new(0);
    for (;;) {
        py_obj *v = py_next(it);
        if (!v)
            break;
        py_list_append(l, v);
        py_decref(v);
    }
    py_decref(it);
    if (py_err_occurred()) {
        py_decref(l);
        return NULL;
    }
    return l;
}

/* ---- subscripting ------------------------------------------------------- */

/* Resolve a slice against a length: start, stop, step and count. */
static int slice__indices(py_slice *s, int64_t n, int64_t *start, int64_t *stop, int64_t *step,
                          int64_t *count)
{
    int64_t st = 1;
    if (s->step->kind != PY_K_NONE) {
        if (!py_is_int(s->step))
            return py_err(&py_exc_TypeError, "slice indices must be integers or None"), -1;
        st = PY_INT(s->step);
        if (st == 0)
            return py_err(&py_exc_ValueError, "slice step cannot be zero"), -1;
    }
    int64_t lo, hi;
    int64_t dlo = st > 0 ? 0 : n - 1, dhi = st > 0 ? n : -1;
    py_obj *bounds[2] = {s->start, s->stop};
    int64_t *outs[2] = {&lo, &hi};
    int64_t dfl[2] = {dlo, dhi};
    for (int k = 0; k < 2; k++) {
        py_obj *v = bounds[k];
        if (v->kind == PY_K_NONE) {
            *outs[k] = dfl[k];
            continue;
        }
        if (!py_is_int(v))
            return py_err(&py_exc_TypeError,
                          "slice indices must be integers or None or have an __index__ method"),
                   -1;
        int64_t x = PY_INT(v);
        if (x < 0)
            x += n;
        if (st > 0)
            x = x < 0 ? 0 : x > n ? n : x;
        else
            x = x < -1 ? -1 : x > n - 1 ? n - 1 : x;
        *outs[k] = x;
    }
    *start = lo;
    *stop = hi;
    *step = st;
    if (st > 0)
        *count = hi > lo ? (hi - lo + st - 1) / st : 0;
    else
        *count = lo > hi ? (lo - hi - st - 1) / (-st) : 0;
    return 0;
}

static py_obj *getitem__slice(py_obj *o, py_slice *s)
{
    int64_t start, stop, step, count;
    if (o->kind == PY_K_STR && !((py_str *)o)->ascii) {
        /* by code points */
        py_str *str = (py_str *)o;
        int64_t n = (int64_t)py_utf8_count(str->s, str->len);
        if (slice__indices(s, n, &start, &stop, &step, &count) < 0)
            return NULL;
        sim_buf b = {0};
        for (int64_t i = 0, k = start; i < count; i++, k += step) {
            size_t off = py_utf8_offset(str->s, str->len, (size_t)k);
            size_t end = py_utf8_offset(str->s, str->len, (size_t)k + 1);
            sim_buf_add(&b, str->s + off, end - off);
        }
        return py_str_take(&b);
    }
    int64_t n = o->kind == PY_K_STR ? (int64_t)PY_STRLEN(o) : py_len(o);
    if (slice__indices(s, n, &start, &stop, &step, &count) < 0)
        return NULL;
    if (o->kind == PY_K_STR) {
        if (step == 1)
            return py_str_new(PY_STR(o) + start, (size_t)count);
        sim_buf b = {0};
        for (int64_t i = 0, k = start; i < count; i++, k += step)
            sim_buf_addc(&b, PY_STR(o)[k]);
        return py_str_take(&b);
    }
    size_t len;
    py_obj **items = py_seq_items(o, &len);
    py_obj *r = o->kind == PY_K_LIST ? py_list_new((size_t)count) : py_tuple_new((size_t)count);
    py_obj **out = r->kind == PY_K_LIST ? PY_LIST(r)->items : PY_TUPLE(r)->items;
    for (int64_t i = 0, k = start; i < count; i++, k += step)
        out[i] = py_incref(items[k]);
    return r;
}

py_obj *py_getitem(py_obj *o, py_obj *key)
{
    switch (o->kind) {
    case PY_K_LIST: case PY_K_TUPLE: case PY_K_STR: {
        if (key->kind == PY_K_SLICE)
            return getitem__slice(o, (py_slice *)key);
        const char *what = o->kind == PY_K_LIST ? "list" : o->kind == PY_K_TUPLE ? "tuple" : "string";
        if (!py_is_int(key))
            return py_err(&py_exc_TypeError, "%s indices must be integers or slices, not %s",
                          what, py_type_name(key));
        int64_t i = PY_INT(key);
        if (o->kind == PY_K_STR) {
            py_str *s = (py_str *)o;
            size_t n = s->ascii ? s->len : py_utf8_count(s->s, s->len);
            if (py_norm_index(&i, n, what) < 0)
                return NULL;
            if (s->ascii)
                return py_str_new(s->s + i, 1);
            size_t off = py_utf8_offset(s->s, s->len, (size_t)i);
            size_t end = py_utf8_offset(s->s, s->len, (size_t)i + 1);
            return py_str_new(s->s + off, end - off);
        }
        size_t n;
        py_obj **items = py_seq_items(o, &n);
        if (py_norm_index(&i, n, what) < 0)
            return NULL;
        return py_incref(items[i]);
    }
    case PY_K_DICT: {
        py_obj *v = py_dict_get(o, key);
        if (v)
            return py_incref(v);
        if (py_err_occurred())
            return NULL;
        py_obj *args = py_tuple_pack(1, key);
        py_err_set_obj(py_exc_new(&py_exc_KeyError, args));
        py_decref(args);
        return NULL;
    }
    case PY_K_RANGE: {
        if (!py_is_int(key))
            return py_err(&py_exc_TypeError, "range indices must be integers or slices, not %s",
                          py_type_name(key));
        int64_t i = PY_INT(key);
        int64_t n = py_len(o);
        if (py_norm_index(&i, (size_t)n, "range object") < 0)
            return NULL;
        py_range *r = (py_range *)o;
        return py_int_new(r->start + i * r->step);
    }
    case PY_K_INST: {
        py_obj *m = py_special(o, "__getitem__");
        if (m) {
            py_obj *r = py_call(m, &key, 1, NULL);
            py_decref(m);
            return r;
        }
        if (py_err_occurred())
            return NULL;
        break;
    }
    case PY_K_TYPE:
        return py_err(&py_exc_TypeError, "type '%s' is not subscriptable", ((py_type *)o)->name);
    default:
        break;
    }
    return py_err(&py_exc_TypeError, "'%s' object is not subscriptable", py_type_name(o));
}

int py_setitem(py_obj *o, py_obj *key, py_obj *v)
{
    switch (o->kind) {
    case PY_K_LIST: {
        py_list *l = PY_LIST(o);
        if (key->kind == PY_K_SLICE) {
            int64_t start, stop, step, count;
            if (slice__indices((py_slice *)key, (int64_t)l->n, &start, &stop, &step, &count) < 0)
                return -1;
            py_obj *src = py_list_from_iter(v);
            if (!src)
                return -1;
            size_t m = PY_LIST(src)->n;
            if (step != 1) {
                if ((int64_t)m != count) {
                    py_decref(src);
                    py_err(&py_exc_ValueError,
                           "attempt to assign sequence of size %zu to extended slice of size %lld",
                           m, (long long)count);
                    return -1;
                }
                for (int64_t i = 0, k = start; i < count; i++, k += step)
                    py_setref(&l->items[k], py_incref(PY_LIST(src)->items[i]));
                py_decref(src);
                return 0;
            }
            if (stop < start)
                stop = start;
            /* replace items [start, stop) with src */
            size_t old = (size_t)(stop - start);
            for (size_t i = 0; i < old; i++)
                py_decref(l->items[start + (int64_t)i]);
            size_t newn = l->n - old + m;
            if (newn > l->cap) {
                l->items = py_mem_realloc(l->items, l->cap * sizeof *l->items, newn * sizeof *l->items);
                l->cap = newn;
            }
            memmove(&l->items[start + (int64_t)m], &l->items[stop],
                    (l->n - (size_t)stop) * sizeof *l->items);
            for (size_t i = 0; i < m; i++)
                l->items[start + (int64_t)i] = py_incref(PY_LIST(src)->items[i]);
            l->n = newn;
            py_decref(src);
            return 0;
        }
        if (!py_is_int(key)) {
            py_err(&py_exc_TypeError, "list indices must be integers or slices, not %s",
                   py_type_name(key));
            return -1;
        }
        int64_t i = PY_INT(key);
        if (py_norm_index(&i, l->n, "list assignment") < 0)
            return -1;
        py_setref(&l->items[i], py_incref(v));
        return 0;
    }
    case PY_K_DICT:
        return py_dict_set(o, key, v);
    case PY_K_INST: {
        py_obj *m = py_special(o, "__setitem__");
        if (m) {
            py_obj *args[2] = {key, v};
            py_obj *r = py_call(m, args, 2, NULL);
            py_decref(m);
            if (!r)
                return -1;
            py_decref(r);
            return 0;
        }
        if (py_err_occurred())
            return -1;
        break;
    }
    default:
        break;
    }
    py_err(&py_exc_TypeError, "'%s' object does not support item assignment", py_type_name(o));
    return -1;
}

int py_delitem(py_obj *o, py_obj *key)
{
    if (o->kind == PY_K_LIST) {
        py_list *l = PY_LIST(o);
        if (key->kind == PY_K_SLICE) {
            int64_t start, stop, step, count;
            if (slice__indices((py_slice *)key, (int64_t)l->n, &start, &stop, &step, &count) < 0)
                return -1;
            if (step < 0) {
                start = start + (count - 1) * step;
                step = -step;
            }
            size_t w = 0;
            for (size_t r = 0; r < l->n; r++) {
                bool del = count > 0 && (int64_t)r >= start && ((int64_t)r - start) % step == 0 &&
                           ((int64_t)r - start) / step < count;
                if (del)
                    py_decref(l->items[r]);
                else
                    l->items[w++] = l->items[r];
            }
            l->n = w;
            return 0;
        }
        if (!py_is_int(key)) {
            py_err(&py_exc_TypeError, "list indices must be integers or slices, not %s",
                   py_type_name(key));
            return -1;
        }
        int64_t i = PY_INT(key);
        if (py_norm_index(&i, l->n, "list assignment") < 0)
            return -1;
        py_obj *v = l->items[i];
        memmove(&l->items[i], &l->items[i + 1], (l->n - (size_t)i - 1) * sizeof *l->items);
        l->n--;
        py_decref(v);
        return 0;
    }
    if (o->kind == PY_K_DICT) {
        int r = py_dict_del(o, key);
        if (r == 0) {
            py_obj *args = py_tuple_pack(1, key);
            py_err_set_obj(py_exc_new(&py_exc_KeyError, args));
            py_decref(args);
            return -1;
        }
        return r < 0 ? -1 : 0;
    }
    if (o->kind == PY_K_INST) {
        py_obj *m = py_special(o, "__delitem__");
        if (m) {
            py_obj *r = py_call(m, &key, 1, NULL);
            py_decref(m);
            if (!r)
                return -1;
            py_decref(r);
            return 0;
        }
        if (py_err_occurred())
            return -1;
    }
    py_err(&py_exc_TypeError, "'%s' object doesn't support item deletion", py_type_name(o));
    return -1;
}
