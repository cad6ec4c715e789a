/*
 * model/py/containers.c — methods of list, tuple, dict, set, int, float,
 * object, and the native attributes of functions, methods and properties.
 *
 * list.sort is a stable merge sort (CPython's sort is stable too, so equal
 * keys keep their order); reverse=True keeps equal keys in their original
 * order as well, as CPython does.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"

#define NOARGS(fname)                                                                              \
    do {                                                                                           \
        (void)a;                                                                                   \
        if (py_no_kw(fname, kw) < 0 || py_nargs(fname, n, 0, 0) < 0)                              \
            return NULL;                                                                           \
    } while (0)

/* ---- list --------------------------------------------------------------- */

static py_obj *l_append(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    if (py_no_kw("append", kw) < 0 || py_nargs("list.append", n, 1, 1) < 0)
        return NULL;
    py_list_append(self, a[0]);
    return py_incref(py_None);
}

static py_obj *l_extend(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    if (py_no_kw("extend", kw) < 0 || py_nargs("list.extend", n, 1, 1) < 0)
        return NULL;
    py_obj *l = py_list_from_iter(a[0]);
    if (!l)
        return NULL;
    for (size_t i = 0; i < PY_LIST(l)->n; i++)
        py_list_append(self, PY_LIST(l)->items[i]);
    py_decref(l);
    return py_incref(py_None);
}

static py_obj *l_insert(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    int64_t i;
    if (py_no_kw("insert", kw) < 0 || py_nargs("insert", n, 2, 2) < 0 || py_as_int(a[0], &i) < 0)
        return NULL;
    py_list_insert(self, i, a[1]);
    return py_incref(py_None);
}

static py_obj *l_pop(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    if (py_no_kw("pop", kw) < 0 || py_nargs("pop", n, 0, 1) < 0)
        return NULL;
    py_list *l = PY_LIST(self);
    int64_t i = -1;
    if (n && py_as_int(a[0], &i) < 0)
        return NULL;
    if (!l->n)
        return py_err(&py_exc_IndexError, "pop from empty list");
    if (i < 0)
        i += (int64_t)l->n;
    if (i < 0 || i >= (int64_t)l->n)
        return py_err(&py_exc_IndexError, "pop index out of range");
    py_obj *v = l->items[i];
    memmove(&l->items[i], &l->items[i + 1], (l->n - (size_t)i - 1) * sizeof *l->items);
    l->n--;
    return v;
}

static long l__find(py_obj *self, py_obj *x)
{
    py_list *l = PY_LIST(self);
    for (size_t i = 0; i < l->n; i++) {
        int e = py_eq(l->items[i], x);
        if (e < 0)
            return -2;
        if (e)
            return (long)i;
    }
    return -1;
}

static py_obj *l_remove(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    if (py_no_kw("remove", kw) < 0 || py_nargs("remove", n, 1, 1) < 0)
        return NULL;
    long i = l__find(self, a[0]);
    if (i == -2)
        return NULL;
    if (i < 0)
        return py_err(&py_exc_ValueError, "list.remove(x): x not in list");
    py_list *l = PY_LIST(self);
    py_obj *v = l->items[i];
    memmove(&l->items[i], &l->items[i + 1], (l->n - (size_t)i - 1) * sizeof *l->items);
    l->n--;
    py_decref(v);
    return py_incref(py_None);
}

static py_obj *seq_index(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    if (py_no_kw("index", kw) < 0 || py_nargs("index", n, 1, 1) < 0)
        return NULL;
    size_t len;
    py_obj **items = py_seq_items(self, &len);
    for (size_t i = 0; i < len; i++) {
        int e = py_eq(items[i], a[0]);
        if (e < 0)
            return NULL;
        if (e)
            return py_int_new((int64_t)i);
    }
    if (self->kind == PY_K_TUPLE)
        return py_err(&py_exc_ValueError, "tuple.index(x): x not in tuple");
    py_obj *r = py_repr_of(a[0]);
    if (!r)
        return NULL;
    py_err(&py_exc_ValueError, "%s is not in list", PY_STR(r));
    py_decref(r);
    return NULL;
}

static py_obj *seq_count(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    if (py_no_kw("count", kw) < 0 || py_nargs("count", n, 1, 1) < 0)
        return NULL;
    size_t len;
    py_obj **items = py_seq_items(self, &len);
    int64_t c = 0;
    for (size_t i = 0; i < len; i++) {
        int e = py_eq(items[i], a[0]);
        if (e < 0)
            return NULL;
        c += e;
    }
    return py_int_new(c);
}

static py_obj *l_reverse(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    NOARGS("reverse");
    py_list *l = PY_LIST(self);
    for (size_t i = 0; i < l->n / 2; i++) {
        py_obj *t = l->items[i];
        l->items[i] = l->items[l->n - 1 - i];
        l->items[l->n - 1 - i] = t;
    }
    return py_incref(py_None);
}

static py_obj *l_copy(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    NOARGS("copy");
    return py_list_from_iter(self);
}

static py_obj *l_clear(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    NOARGS("clear");
    py_list *l = PY_LIST(self);
    size_t k = l->n;
    l->n = 0;
    for (size_t i = 0; i < k; i++)
        py_decref(l->items[i]);
    return py_incref(py_None);
}

/* Stable merge sort of keys[] carrying vals[]; -1 on a comparison error. */
static int sort__merge(py_obj **keys, py_obj **vals, py_obj **tk, py_obj **tv, size_t n,
                       bool reverse)
{
    if (n < 2)
        return 0;
    size_t m = n / 2;
    if (sort__merge(keys, vals, tk, tv, m, reverse) < 0 ||
        sort__merge(keys + m, vals + m, tk, tv, n - m, reverse) < 0)
        return -1;
    size_t i = 0, j = m, k = 0;
    while (i < m && j < n) {
        /* take from the right only if it must come strictly first */
        int lt = reverse ? py_compare(keys[i], keys[j], PY_CMP_LT)
                         : py_compare(keys[j], keys[i], PY_CMP_LT);
        if (lt < 0)
            return -1;
        if (lt) {
            tk[k] = keys[j];
            tv[k++] = vals[j++];
        } else {
            tk[k] = keys[i];
            tv[k++] = vals[i++];
        }
    }
    while (i < m) {
        tk[k] = keys[i];
        tv[k++] = vals[i++];
    }
    while (j < n) {
        tk[k] = keys[j];
        tv[k++] = vals[j++];
    }
    memcpy(keys, tk, n * sizeof *keys);
    memcpy(vals, tv, n * sizeof *vals);
    return 0;
}

int py_list_sort(py_obj *list, py_obj *key, bool reverse)
{
    py_list *l = PY_LIST(list);
    size_t n = l->n;
    if (n < 2)
        return 0;
    py_obj **keys = py_mem_alloc(n * sizeof *keys);
    py_obj **vals = py_mem_alloc(n * sizeof *vals);
    py_obj **tk = py_mem_alloc(n * sizeof *tk);
    py_obj **tv = py_mem_alloc(n * sizeof *tv);
    int rc = 0;
    size_t made = 0;
    for (size_t i = 0; i < n; i++) {
        vals[i] = l->items[i];
        if (key && key->kind != PY_K_NONE) {
            keys[i] = py_call(key, &vals[i], 1, NULL);
            if (!keys[i]) {
                rc = -1;
                break;
            }
        } else {
            keys[i] = py_incref(vals[i]);
        }
        made++;
    }
    if (rc == 0 && sort__merge(keys, vals, tk, tv, n, reverse) == 0)
        memcpy(l->items, vals, n * sizeof *vals);
    else
        rc = -1;
    for (size_t i = 0; i < made; i++)
        py_decref(keys[i]);
    py_mem_free(keys, n * sizeof *keys);
    py_mem_free(vals, n * sizeof *vals);
    py_mem_free(tk, n * sizeof *tk);
    py_mem_free(tv, n * sizeof *tv);
    return rc;
}

static py_obj *l_sort(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    static const char *const names[] = {"key", "reverse"};
    py_obj *v[2];
    if (n)
        return py_err(&py_exc_TypeError, "sort() takes no positional arguments");
    if (py_args("sort", a, n, kw, names, 2, 0, v) < 0)
        return NULL;
    int rev = v[1] ? py_truth(v[1]) : 0;
    if (rev < 0 || py_list_sort(self, v[0], rev) < 0)
        return NULL;
    return py_incref(py_None);
}

const py_method py_list_methods[] = {
    {"append", l_append}, {"extend", l_extend}, {"insert", l_insert}, {"pop", l_pop},
    {"remove", l_remove}, {"index", seq_index}, {"count", seq_count}, {"reverse", l_reverse},
    {"sort", l_sort}, {"copy", l_copy}, {"clear", l_clear}, {NULL, NULL},
};

const py_method py_tuple_methods[] = {{"index", seq_index}, {"count", seq_count}, {NULL, NULL}};

/* ---- dict --------------------------------------------------------------- */

static py_obj *d_get(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    if (py_no_kw("get", kw) < 0 || py_nargs("get", n, 1, 2) < 0)
        return NULL;
    py_obj *v = py_dict_get(self, a[0]);
    if (v)
        return py_incref(v);
    if (py_err_occurred())
        return NULL;
    return py_incref(n == 2 ? a[1] : py_None);
}

static py_obj *d_view(py_obj *self, int which)
{
    if (py_interp_get()->python == 2) {
        py_iterobj it = {.sub = PY_IT_DICT, .a = self, .j = which};
        py_obj *l = py_list_new(0);
        it.hdr.kind = PY_K_ITER;
        it.k = 0;
        for (;;) {
            py_obj *v = py_next(&it.hdr);
            if (!v)
                break;
            py_list_append(l, v);
            py_decref(v);
        }
        return l;
    }
    py_view *v = py_alloc(sizeof *v, &py_type_view, PY_K_VIEW);
    v->obj = py_incref(self);
    v->which = which;
    return &v->hdr;
}

static py_obj *d_keys(py_obj *self, py_obj **a, size_t n, py_obj *kw) { NOARGS("keys"); return d_view(self, 0); }
static py_obj *d_values(py_obj *self, py_obj **a, size_t n, py_obj *kw) { NOARGS("values"); return d_view(self, 1); }
static py_obj *d_items(py_obj *self, py_obj **a, size_t n, py_obj *kw) { NOARGS("items"); return d_view(self, 2); }

static py_obj *d_pop(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    if (py_no_kw("pop", kw) < 0 || py_nargs("pop", n, 1, 2) < 0)
        return NULL;
    py_obj *v = py_dict_get(self, a[0]);
    if (!v) {
        if (py_err_occurred())
            return NULL;
        if (n == 2)
            return py_incref(a[1]);
        py_obj *args = py_tuple_pack(1, a[0]);
        py_err_set_obj(py_exc_new(&py_exc_KeyError, args));
        py_decref(args);
        return NULL;
    }
    py_incref(v);
    py_dict_del(self, a[0]);
    return v;
}

static py_obj *d_setdefault(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    if (py_no_kw("setdefault", kw) < 0 || py_nargs("setdefault", n, 1, 2) < 0)
        return NULL;
    py_obj *v = py_dict_get(self, a[0]);
    if (v)
        return py_incref(v);
    if (py_err_occurred())
        return NULL;
    py_obj *d = n == 2 ? a[1] : py_None;
    if (py_dict_set(self, a[0], d) < 0)
        return NULL;
    return py_incref(d);
}

int py_dict_update(py_obj *self, py_obj *src)
{
    if (src->kind == PY_K_DICT) {
        py_dict *d = PY_DICT(src);
        for (size_t i = 0; i < d->used; i++)
            if (d->entries[i].key && py_dict_set(self, d->entries[i].key, d->entries[i].value) < 0)
                return -1;
        return 0;
    }
    py_obj *l = py_list_from_iter(src);
    if (!l)
        return -1;
    for (size_t i = 0; i < PY_LIST(l)->n; i++) {
        py_obj *pair = PY_LIST(l)->items[i];
        size_t pn;
        if ((pair->kind != PY_K_TUPLE && pair->kind != PY_K_LIST) ||
            (py_seq_items(pair, &pn), pn != 2)) {
            py_decref(l);
            py_err(&py_exc_ValueError,
                   "dictionary update sequence element #%zu has wrong length", i);
            return -1;
        }
        py_obj **kv = py_seq_items(pair, &pn);
        if (py_dict_set(self, kv[0], kv[1]) < 0) {
            py_decref(l);
            return -1;
        }
    }
    py_decref(l);
    return 0;
}

static py_obj *d_update(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    if (py_nargs("update", n, 0, 1) < 0)
        return NULL;
    if (n && py_dict_update(self, a[0]) < 0)
        return NULL;
    if (kw && py_dict_update(self, kw) < 0)
        return NULL;
    return py_incref(py_None);
}

static py_obj *d_copy(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    NOARGS("copy");
    py_obj *d = self->kind == PY_K_DICT ? py_dict_new() : py_set_new();
    py_dict *s = PY_DICT(self);
    for (size_t i = 0; i < s->used; i++)
        if (s->entries[i].key)
            py_dict_set(d, s->entries[i].key, s->entries[i].value);
    return d;
}

static py_obj *d_clear(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    NOARGS("clear");
    py_dict *d = PY_DICT(self);
    while (d->n) {
        for (size_t i = 0; i < d->used; i++)
            if (d->entries[i].key) {
                py_obj *k = py_incref(d->entries[i].key);
                py_dict_del(self, k);
                py_decref(k);
                break;
            }
    }
    return py_incref(py_None);
}

static py_obj *d_popitem(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    NOARGS("popitem");
    py_dict *d = PY_DICT(self);
    for (size_t i = d->used; i-- > 0;)
        if (d->entries[i].key) {
            py_obj *r = self->kind == PY_K_DICT
                            ? py_tuple_pack(2, d->entries[i].key, d->entries[i].value)
                            : py_incref(d->entries[i].key);
            py_obj *k = py_incref(d->entries[i].key);
            py_dict_del(self, k);
            py_decref(k);
            return r;
        }
    return py_err(&py_exc_KeyError, self->kind == PY_K_DICT ? "popitem(): dictionary is empty"
                                                            : "pop from an empty set");
}

static py_obj *d_has_key(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    if (py_interp_get()->python != 2)
        return py_err(&py_exc_AttributeError, "'dict' object has no attribute 'has_key'");
    if (py_no_kw("has_key", kw) < 0 || py_nargs("has_key", n, 1, 1) < 0)
        return NULL;
    int r = py_contains(self, a[0]);
    return r < 0 ? NULL : py_bool(r);
}

const py_method py_dict_methods[] = {
    {"get", d_get}, {"keys", d_keys}, {"values", d_values}, {"items", d_items},
    {"pop", d_pop}, {"setdefault", d_setdefault}, {"update", d_update}, {"copy", d_copy},
    {"clear", d_clear}, {"popitem", d_popitem}, {"has_key", d_has_key}, {NULL, NULL},
};

/* ---- set ---------------------------------------------------------------- */

static py_obj *s_add(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    if (py_no_kw("add", kw) < 0 || py_nargs("set.add", n, 1, 1) < 0 || py_set_add(self, a[0]) < 0)
        return NULL;
    return py_incref(py_None);
}

static py_obj *s_discard(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    if (py_no_kw("discard", kw) < 0 || py_nargs("set.discard", n, 1, 1) < 0)
        return NULL;
    if (py_dict_del(self, a[0]) < 0)
        return NULL;
    return py_incref(py_None);
}

static py_obj *s_remove(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    if (py_no_kw("remove", kw) < 0 || py_nargs("set.remove", n, 1, 1) < 0)
        return NULL;
    int r = py_dict_del(self, a[0]);
    if (r < 0)
        return NULL;
    if (r == 0) {
        py_obj *args = py_tuple_pack(1, a[0]);
        py_err_set_obj(py_exc_new(&py_exc_KeyError, args));
        py_decref(args);
        return NULL;
    }
    return py_incref(py_None);
}

static py_obj *s_update(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)kw;
    for (size_t k = 0; k < n; k++) {
        py_obj *l = py_list_from_iter(a[k]);
        if (!l)
            return NULL;
        for (size_t i = 0; i < PY_LIST(l)->n; i++)
            if (py_set_add(self, PY_LIST(l)->items[i]) < 0) {
                py_decref(l);
                return NULL;
            }
        py_decref(l);
    }
    return py_incref(py_None);
}

static py_obj *s_binop(py_obj *self, py_obj **a, size_t n, int op)
{
    py_obj *acc = py_incref(self);
    for (size_t k = 0; k < n; k++) {
        py_obj *other = a[k];
        bool made = false;
        if (other->kind != PY_K_SET) {
            py_obj *s = py_set_new();
            py_obj *r = s_update(s, &other, 1, NULL);
            if (!r) {
                py_decref(s);
                py_decref(acc);
                return NULL;
            }
            py_decref(r);
            other = s;
            made = true;
        }
        py_obj *r = py_binop(op, acc, other);
        if (made)
            py_decref(other);
        py_decref(acc);
        if (!r)
            return NULL;
        acc = r;
    }
    if (acc == self) {
        py_decref(acc);
        return d_copy(self, NULL, 0, NULL);
    }
    return acc;
}

static py_obj *s_union(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)kw; return s_binop(self, a, n, PY_OP_BITOR); }
static py_obj *s_intersection(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)kw; return s_binop(self, a, n, PY_OP_BITAND); }
static py_obj *s_difference(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)kw; return s_binop(self, a, n, PY_OP_SUB); }

static py_obj *s_issubset(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    if (py_no_kw("issubset", kw) < 0 || py_nargs("issubset", n, 1, 1) < 0)
        return NULL;
    py_dict *d = PY_DICT(self);
    for (size_t i = 0; i < d->used; i++) {
        if (!d->entries[i].key)
            continue;
        int r = py_contains(a[0], d->entries[i].key);
        if (r <= 0)
            return r < 0 ? NULL : py_False;
    }
    return py_True;
}

const py_method py_set_methods[] = {
    {"add", s_add}, {"discard", s_discard}, {"remove", s_remove}, {"update", s_update},
    {"union", s_union}, {"intersection", s_intersection}, {"difference", s_difference},
    {"issubset", s_issubset}, {"copy", d_copy}, {"clear", d_clear}, {"pop", d_popitem},
    {NULL, NULL},
};

/* ---- int, float, object ------------------------------------------------- */

static py_obj *i_bit_length(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    NOARGS("bit_length");
    uint64_t v = PY_INT(self) < 0 ? (uint64_t)0 - (uint64_t)PY_INT(self) : (uint64_t)PY_INT(self);
    int64_t bits = 0;
    while (v) {
        bits++;
        v >>= 1;
    }
    return py_int_new(bits);
}

const py_method py_int_methods[] = {{"bit_length", i_bit_length}, {NULL, NULL}};

static py_obj *f_is_integer(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    NOARGS("is_integer");
    double v = PY_FLOAT(self);
    return py_bool(isfinite(v) && v == floor(v));
}

const py_method py_float_methods[] = {{"is_integer", f_is_integer}, {NULL, NULL}};

py_obj *py_object_init(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    (void)self;
    if (n || (kw && PY_DICT(kw)->n))
        return py_err(&py_exc_TypeError,
                      "object.__init__() takes exactly one argument (the instance to initialize)");
    return py_incref(py_None);
}

const py_method py_object_methods[] = {{"__init__", py_object_init}, {NULL, NULL}};

/* ---- functions, methods, properties ------------------------------------- */

static py_obj *fn_name(py_obj *self) { return py_str_from(((py_func *)self)->code->name); }
static py_obj *fn_qualname(py_obj *self) { return py_str_from(((py_func *)self)->code->qualname); }
static py_obj *fn_module(py_obj *self) { (void)self; return py_str_from("__main__"); }
static py_obj *fn_doc(py_obj *self) { (void)self; return py_incref(py_None); }

const py_getset py_func_getset[] = {
    {"__name__", fn_name, NULL}, {"__qualname__", fn_qualname, NULL},
    {"__module__", fn_module, NULL}, {"__doc__", fn_doc, NULL}, {NULL, NULL, NULL},
};

static py_obj *m_self(py_obj *self) { return py_incref(((py_method_obj *)self)->self); }
static py_obj *m_func(py_obj *self) { return py_incref(((py_method_obj *)self)->func); }
static py_obj *m_name(py_obj *self) { return py_getattr(((py_method_obj *)self)->func, "__name__"); }

const py_getset py_method_getset[] = {
    {"__self__", m_self, NULL}, {"__func__", m_func, NULL}, {"__name__", m_name, NULL},
    {NULL, NULL, NULL},
};

static py_obj *p_setter(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    if (py_no_kw("setter", kw) < 0 || py_nargs("setter", n, 1, 1) < 0)
        return NULL;
    py_wrap *p = py_alloc(sizeof *p, &py_type_property, PY_K_PROPERTY);
    py_obj *get = ((py_wrap *)self)->a;
    p->a = get ? py_incref(get) : NULL;
    p->b = py_incref(a[0]);
    return &p->hdr;
}

static py_obj *p_getter(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    if (py_no_kw("getter", kw) < 0 || py_nargs("getter", n, 1, 1) < 0)
        return NULL;
    py_wrap *p = py_alloc(sizeof *p, &py_type_property, PY_K_PROPERTY);
    py_obj *set = ((py_wrap *)self)->b;
    p->a = py_incref(a[0]);
    p->b = set ? py_incref(set) : NULL;
    return &p->hdr;
}

const py_method py_property_methods[] = {{"setter", p_setter}, {"getter", p_getter}, {NULL, NULL}};
