/*
 * model/py/value.c — the heap, object lifetimes, constructors, and the
 * containers: list, tuple, dict and set (see value.h).
 *
 * dict: entries are kept in an array in insertion order (deleted ones leave
 * a hole until the next resize), with an open-addressing index of entry
 * numbers probed linearly. Iteration walks the entries, so the order is
 * insertion order whatever the hashes are; hashes only decide where the
 * index looks, which is why an identity hash (from the allocation serial,
 * not the address) keeps every run identical.
 */
#include "value.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"

static _Thread_local py_heap *value__heap;

static _Noreturn void value__oom(void)
{
    fputs("threadsim: out of memory\n", stderr);
    abort();
}

/* ---- heap --------------------------------------------------------------- */

void py_heap_init(py_heap *h, bool immortal)
{
    memset(h, 0, sizeof *h);
    h->head.prev = h->head.next = &h->head;
    h->immortal = immortal;
}

py_heap *py_heap_use(py_heap *h)
{
    py_heap *old = value__heap;
    value__heap = h;
    return old;
}

py_heap *py_heap_current(void) { return value__heap; }

void *py_mem_alloc(size_t n)
{
    void *p = calloc(1, n ? n : 1);
    if (!p)
        value__oom();
    if (value__heap)
        value__heap->bytes += n;
    return p;
}

void *py_mem_realloc(void *p, size_t old, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        value__oom();
    if (value__heap)
        value__heap->bytes += n - old;
    return q;
}

void py_mem_free(void *p, size_t n)
{
    if (!p)
        return;
    free(p);
    if (value__heap && value__heap->bytes >= n)
        value__heap->bytes -= n;
}

void *py_alloc(size_t size, py_type *type, py_kind kind)
{
    py_heap *h = value__heap;
    py_obj *o = py_mem_alloc(size);
    o->type = type;
    o->rc = 1;
    o->kind = (uint8_t)kind;
    if (!h) {
        fputs("threadsim: py_alloc without a heap\n", stderr);
        abort();
    }
    o->serial = ++h->serial;
    if (h->immortal)
        o->flags |= PY_F_IMMORTAL;
    o->next = &h->head;
    o->prev = h->head.prev;
    h->head.prev->next = o;
    h->head.prev = o;
    return o;
}

/* Size of an object's own allocation (for accounting). */
static size_t value__size(const py_obj *o)
{
    switch (o->kind) {
    case PY_K_INT: case PY_K_BOOL: return sizeof(py_int);
    case PY_K_FLOAT: return sizeof(py_float);
    case PY_K_STR: return sizeof(py_str) + ((const py_str *)o)->len + 1;
    case PY_K_TUPLE: return sizeof(py_tuple) + ((const py_tuple *)o)->n * sizeof(py_obj *);
    case PY_K_LIST: return sizeof(py_list);
    case PY_K_DICT: case PY_K_SET: return sizeof(py_dict);
    case PY_K_FUNC: return sizeof(py_func);
    case PY_K_CFUNC: return sizeof(py_cfunc_obj);
    case PY_K_METHOD: return sizeof(py_method_obj);
    case PY_K_TYPE: return sizeof(py_type);
    case PY_K_INST: return sizeof(py_inst);
    case PY_K_MODULE: return sizeof(py_module);
    case PY_K_CELL: return sizeof(py_cell);
    case PY_K_RANGE: return sizeof(py_range);
    case PY_K_ITER: return sizeof(py_iterobj);
    case PY_K_SLICE: return sizeof(py_slice);
    case PY_K_PROPERTY: case PY_K_STATICM: case PY_K_CLASSM: return sizeof(py_wrap);
    case PY_K_VIEW: case PY_K_SUPER: return sizeof(py_view);
    default: return sizeof(py_obj);
    }
}

/* Free what the object owns besides references: buffers. */
static void value__free_buffers(py_obj *o)
{
    switch (o->kind) {
    case PY_K_LIST: {
        py_list *l = (py_list *)o;
        py_mem_free(l->items, l->cap * sizeof *l->items);
        break;
    }
    case PY_K_DICT: case PY_K_SET: {
        py_dict *d = (py_dict *)o;
        py_mem_free(d->entries, d->cap * sizeof *d->entries);
        py_mem_free(d->index, d->idx_cap * sizeof *d->index);
        break;
    }
    case PY_K_TYPE: {
        py_type *t = (py_type *)o;
        py_mem_free(t->name, strlen(t->name) + 1);
        break;
    }
    case PY_K_INST: {
        py_inst *i = (py_inst *)o;
        py_mem_free(i->tb, i->cap_tb * sizeof *i->tb);
        break;
    }
    case PY_K_MODULE: {
        py_module *m = (py_module *)o;
        py_mem_free(m->name, strlen(m->name) + 1);
        break;
    }
    default:
        break;
    }
}

static void value__unlink_free(py_obj *o)
{
    o->prev->next = o->next;
    o->next->prev = o->prev;
    size_t sz = value__size(o);
    value__free_buffers(o);
    py_mem_free(o, sz);
}

void py__dealloc(py_obj *o)
{
    /* Release references first, then the object. A type's instances hold
     * a reference to their (non-static) class. */
    switch (o->kind) {
    case PY_K_TUPLE: {
        py_tuple *t = (py_tuple *)o;
        for (size_t i = 0; i < t->n; i++)
            py_xdecref(t->items[i]);
        break;
    }
    case PY_K_LIST: {
        py_list *l = (py_list *)o;
        for (size_t i = 0; i < l->n; i++)
            py_decref(l->items[i]);
        break;
    }
    case PY_K_DICT: case PY_K_SET: {
        py_dict *d = (py_dict *)o;
        for (size_t i = 0; i < d->used; i++)
            if (d->entries[i].key) {
                py_decref(d->entries[i].key);
                py_xdecref(d->entries[i].value);
            }
        break;
    }
    case PY_K_FUNC: {
        py_func *f = (py_func *)o;
        py_xdecref(f->globals);
        py_xdecref(f->defaults);
        py_xdecref(f->kwdefaults);
        py_xdecref(f->closure);
        py_xdecref(f->dict);
        break;
    }
    case PY_K_CFUNC:
        py_xdecref(((py_cfunc_obj *)o)->self);
        break;
    case PY_K_METHOD:
        py_decref(((py_method_obj *)o)->func);
        py_decref(((py_method_obj *)o)->self);
        break;
    case PY_K_TYPE: {
        py_type *t = (py_type *)o;
        py_xdecref(t->dict);
        if (t->base)
            py_decref(&t->base->hdr);
        break;
    }
    case PY_K_INST: {
        py_inst *i = (py_inst *)o;
        if (o->type->native_free)
            o->type->native_free(o);
        py_xdecref(i->dict);
        py_xdecref(i->exc_args);
        py_xdecref(i->exc_context);
        break;
    }
    case PY_K_MODULE:
        py_xdecref(((py_module *)o)->dict);
        break;
    case PY_K_CELL:
        py_xdecref(((py_cell *)o)->v);
        break;
    case PY_K_ITER:
        py_xdecref(((py_iterobj *)o)->a);
        py_xdecref(((py_iterobj *)o)->b);
        break;
    case PY_K_SLICE:
        py_xdecref(((py_slice *)o)->start);
        py_xdecref(((py_slice *)o)->stop);
        py_xdecref(((py_slice *)o)->step);
        break;
    case PY_K_PROPERTY: case PY_K_STATICM: case PY_K_CLASSM:
        py_xdecref(((py_wrap *)o)->a);
        py_xdecref(((py_wrap *)o)->b);
        break;
    case PY_K_VIEW: case PY_K_SUPER:
        py_xdecref(((py_view *)o)->obj);
        break;
    default:
        break;
    }
    /* instances of classes made by `class` keep their class alive */
    if (o->kind != PY_K_TYPE && o->type && !(o->type->hdr.flags & PY_F_IMMORTAL))
        py_decref(&o->type->hdr);
    value__unlink_free(o);
}

void py_heap_fini(py_heap *h)
{
    py_heap *old = py_heap_use(h);
    while (h->head.next != &h->head)
        value__unlink_free(h->head.next);
    py_heap_use(old);
}

/* ---- constructors ------------------------------------------------------- */

py_obj *py_int_new(int64_t v)
{
    py_int *o = py_alloc(sizeof *o, &py_type_int, PY_K_INT);
    o->v = v;
    return &o->hdr;
}

py_obj *py_float_new(double v)
{
    py_float *o = py_alloc(sizeof *o, &py_type_float, PY_K_FLOAT);
    o->v = v;
    return &o->hdr;
}

py_obj *py_str_new(const char *s, size_t n)
{
    py_str *o = py_alloc(sizeof *o + n + 1, &py_type_str, PY_K_STR);
    memcpy(o->s, s, n);
    o->s[n] = '\0';
    o->len = n;
    o->ascii = true;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80) {
            o->ascii = false;
            break;
        }
    return &o->hdr;
}

py_obj *py_str_from(const char *s) { return py_str_new(s, strlen(s)); }

py_obj *py_str_take(sim_buf *b)
{
    py_obj *o = py_str_new(sim_buf_str(b), b->len);
    sim_buf_free(b);
    return o;
}

py_obj *py_str_printf(const char *fmt, ...)
{
    sim_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    sim_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return py_str_take(&b);
}

py_obj *py_tuple_new(size_t n)
{
    py_tuple *t = py_alloc(sizeof *t + n * sizeof(py_obj *), &py_type_tuple, PY_K_TUPLE);
    t->n = n;
    return &t->hdr;
}

py_obj *py_tuple_pack(size_t n, ...)
{
    py_obj *t = py_tuple_new(n);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++)
        PY_TUPLE(t)->items[i] = py_incref(va_arg(ap, py_obj *));
    va_end(ap);
    return t;
}

py_obj *py_list_new(size_t n)
{
    py_list *l = py_alloc(sizeof *l, &py_type_list, PY_K_LIST);
    l->cap = n < 4 ? 4 : n;
    l->items = py_mem_alloc(l->cap * sizeof *l->items);
    l->n = n;
    return &l->hdr;
}

static void list__grow(py_list *l, size_t need)
{
    if (need <= l->cap)
        return;
    size_t cap = l->cap * 2;
    if (cap < need)
        cap = need;
    l->items = py_mem_realloc(l->items, l->cap * sizeof *l->items, cap * sizeof *l->items);
    l->cap = cap;
}

void py_list_append(py_obj *list, py_obj *v)
{
    py_list *l = PY_LIST(list);
    list__grow(l, l->n + 1);
    l->items[l->n++] = py_incref(v);
}

int py_list_insert(py_obj *list, int64_t i, py_obj *v)
{
    py_list *l = PY_LIST(list);
    int64_t n = (int64_t)l->n;
    if (i < 0)
        i += n;
    if (i < 0)
        i = 0;
    if (i > n)
        i = n;
    list__grow(l, l->n + 1);
    memmove(&l->items[i + 1], &l->items[i], (size_t)(n - i) * sizeof *l->items);
    l->items[i] = py_incref(v);
    l->n++;
    return 0;
}

py_obj *py_dict_new(void) { return py_alloc(sizeof(py_dict), &py_type_dict, PY_K_DICT); }
py_obj *py_set_new(void) { return py_alloc(sizeof(py_dict), &py_type_set, PY_K_SET); }

py_obj *py_cell_new(py_obj *v)
{
    py_cell *c = py_alloc(sizeof *c, &py_type_cell, PY_K_CELL);
    c->v = v ? py_incref(v) : NULL;
    return &c->hdr;
}

py_obj *py_cfunc_new(const char *name, py_cfunc fn, py_obj *self)
{
    py_cfunc_obj *c = py_alloc(sizeof *c, &py_type_builtin, PY_K_CFUNC);
    c->name = name;
    c->fn = fn;
    c->self = self ? py_incref(self) : NULL;
    return &c->hdr;
}

py_obj *py_method_new(py_obj *func, py_obj *self)
{
    py_method_obj *m = py_alloc(sizeof *m, &py_type_method, PY_K_METHOD);
    m->func = py_incref(func);
    m->self = py_incref(self);
    return &m->hdr;
}

py_obj *py_module_new(const char *name)
{
    py_module *m = py_alloc(sizeof *m, &py_type_module, PY_K_MODULE);
    size_t n = strlen(name);
    m->name = py_mem_alloc(n + 1);
    memcpy(m->name, name, n + 1);
    m->dict = py_dict_new();
    py_obj *nm = py_str_from(name);
    py_dict_sets(m->dict, "__name__", nm);
    py_decref(nm);
    return &m->hdr;
}

py_obj *py_range_new(int64_t start, int64_t stop, int64_t step)
{
    py_range *r = py_alloc(sizeof *r, &py_type_range, PY_K_RANGE);
    r->start = start;
    r->stop = stop;
    r->step = step;
    return &r->hdr;
}

py_obj *py_iter_new(int sub, py_obj *a, py_obj *b)
{
    py_iterobj *it = py_alloc(sizeof *it, &py_type_iter, PY_K_ITER);
    it->sub = sub;
    it->a = a ? py_incref(a) : NULL;
    it->b = b ? py_incref(b) : NULL;
    return &it->hdr;
}

/* ---- hashing ------------------------------------------------------------ */

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h ? h : 1;
}

static uint64_t hash_int(int64_t v)
{
    uint64_t x = (uint64_t)v;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
}

int py_hash(py_obj *o, uint64_t *out)
{
    switch (o->kind) {
    case PY_K_NONE: *out = 0x9e3779b9; return 0;
    case PY_K_INT: case PY_K_BOOL: *out = hash_int(PY_INT(o)); return 0;
    case PY_K_FLOAT: {
        double d = PY_FLOAT(o);
        if (d == (double)(int64_t)d && d > -9.2e18 && d < 9.2e18)
            *out = hash_int((int64_t)d); /* 1.0 and 1 are the same key */
        else
            *out = hash_bytes((const char *)&d, sizeof d);
        return 0;
    }
    case PY_K_STR: {
        py_str *s = (py_str *)o;
        if (!s->hash)
            s->hash = hash_bytes(s->s, s->len);
        *out = s->hash;
        return 0;
    }
    case PY_K_TUPLE: {
        uint64_t h = 0x345678;
        for (size_t i = 0; i < PY_TUPLE(o)->n; i++) {
            uint64_t x;
            if (py_hash(PY_TUPLE(o)->items[i], &x) < 0)
                return -1;
            h = (h ^ x) * 1000003ULL;
        }
        *out = h;
        return 0;
    }
    case PY_K_LIST: case PY_K_DICT: case PY_K_SET:
        py_err(&py_exc_TypeError, "unhashable type: '%s'", py_type_name(o));
        return -1;
    case PY_K_INST: {
        py_obj *m = py_special(o, "__hash__");
        if (m) {
            py_obj *r = py_call(m, NULL, 0, NULL);
            py_decref(m);
            if (!r)
                return -1;
            if (!py_is_int(r)) {
                py_decref(r);
                py_err(&py_exc_TypeError, "__hash__ method should return an integer");
                return -1;
            }
            *out = hash_int(PY_INT(r));
            py_decref(r);
            return 0;
        }
        if (py_err_occurred())
            return -1;
        /* a class defining __eq__ without __hash__ is unhashable */
        if (py_type_lookup(o->type, "__eq__", NULL, NULL)) {
            py_err(&py_exc_TypeError, "unhashable type: '%s'", py_type_name(o));
            return -1;
        }
        *out = hash_int((int64_t)o->serial);
        return 0;
    }
    default:
        *out = hash_int((int64_t)o->serial);
        return 0;
    }
}

/* ---- dict --------------------------------------------------------------- */

static void dict__reindex(py_dict *d, size_t idx_cap)
{
    /* compact the entries, rebuild the index */
    size_t k = 0;
    for (size_t i = 0; i < d->used; i++)
        if (d->entries[i].key)
            d->entries[k++] = d->entries[i];
    d->used = k;
    py_mem_free(d->index, d->idx_cap * sizeof *d->index);
    d->index = py_mem_alloc(idx_cap * sizeof *d->index);
    d->idx_cap = idx_cap;
    for (size_t i = 0; i < idx_cap; i++)
        d->index[i] = -1;
    for (size_t i = 0; i < d->used; i++) {
        size_t j = d->entries[i].hash & (idx_cap - 1);
        while (d->index[j] != -1)
            j = (j + 1) & (idx_cap - 1);
        d->index[j] = (int32_t)i;
    }
}

/* Index slot of `key` (>= 0) or -1 if absent; -2 on error. */
static long dict__find(py_dict *d, py_obj *key, uint64_t h)
{
    if (!d->idx_cap)
        return -1;
    size_t j = h & (d->idx_cap - 1);
    for (;;) {
        int32_t e = d->index[j];
        if (e == -1)
            return -1;
        if (e >= 0) {
            py_dict_entry *en = &d->entries[e];
            if (en->key == key)
                return (long)j;
            if (en->hash == h) {
                int r = py_eq(en->key, key);
                if (r < 0)
                    return -2;
                if (r)
                    return (long)j;
            }
        }
        j = (j + 1) & (d->idx_cap - 1);
    }
}

py_obj *py_dict_get(py_obj *o, py_obj *key)
{
    py_dict *d = PY_DICT(o);
    uint64_t h;
    if (py_hash(key, &h) < 0)
        return NULL;
    long j = dict__find(d, key, h);
    if (j < 0)
        return NULL;
    py_dict_entry *e = &d->entries[d->index[j]];
    return e->value ? e->value : e->key;
}

py_obj *py_dict_gets(py_obj *o, const char *key)
{
    py_dict *d = PY_DICT(o);
    size_t n = strlen(key);
    uint64_t h = hash_bytes(key, n);
    if (!d->idx_cap)
        return NULL;
    size_t j = h & (d->idx_cap - 1);
    for (;;) {
        int32_t e = d->index[j];
        if (e == -1)
            return NULL;
        if (e >= 0) {
            py_dict_entry *en = &d->entries[e];
            if (en->hash == h && en->key->kind == PY_K_STR && PY_STRLEN(en->key) == n &&
                memcmp(PY_STR(en->key), key, n) == 0)
                return en->value;
        }
        j = (j + 1) & (d->idx_cap - 1);
    }
}

static int dict__insert(py_obj *o, py_obj *key, py_obj *v)
{
    py_dict *d = PY_DICT(o);
    uint64_t h;
    if (py_hash(key, &h) < 0)
        return -1;
    long j = dict__find(d, key, h);
    if (j == -2)
        return -1;
    if (j >= 0) {
        py_dict_entry *e = &d->entries[d->index[j]];
        if (v) {
            py_obj *old = e->value;
            e->value = py_incref(v);
            py_xdecref(old);
        }
        return 0;
    }
    if (d->used == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 8;
        if (d->n < d->used / 2 && d->cap) {
            cap = d->cap; /* many deleted: compact instead of growing */
            dict__reindex(d, d->idx_cap);
        }
        if (d->used == d->cap) {
            d->entries = py_mem_realloc(d->entries, d->cap * sizeof *d->entries,
                                        cap * sizeof *d->entries);
            d->cap = cap;
        }
    }
    if ((d->used + 1) * 3 >= d->idx_cap * 2) {
        size_t ic = d->idx_cap ? d->idx_cap : 8;
        while ((d->used + 1) * 3 >= ic * 2)
            ic *= 2;
        dict__reindex(d, ic);
    }
    py_dict_entry *e = &d->entries[d->used];
    e->key = py_incref(key);
    e->value = v ? py_incref(v) : NULL;
    e->hash = h;
    size_t k = h & (d->idx_cap - 1);
    while (d->index[k] >= 0)
        k = (k + 1) & (d->idx_cap - 1);
    d->index[k] = (int32_t)d->used;
    d->used++;
    d->n++;
    return 0;
}

int py_dict_set(py_obj *d, py_obj *key, py_obj *v) { return dict__insert(d, key, v); }
int py_set_add(py_obj *s, py_obj *key) { return dict__insert(s, key, NULL); }

int py_dict_sets(py_obj *d, const char *key, py_obj *v)
{
    py_obj *k = py_str_from(key);
    int r = dict__insert(d, k, v);
    py_decref(k);
    return r;
}

int py_dict_del(py_obj *o, py_obj *key)
{
    py_dict *d = PY_DICT(o);
    uint64_t h;
    if (py_hash(key, &h) < 0)
        return -1;
    long j = dict__find(d, key, h);
    if (j == -2)
        return -1;
    if (j < 0)
        return 0;
    py_dict_entry *e = &d->entries[d->index[j]];
    py_obj *k = e->key, *v = e->value;
    e->key = NULL;
    e->value = NULL;
    d->index[j] = -2;
    d->n--;
    py_decref(k);
    py_xdecref(v);
    return 1;
}

/* ---- misc --------------------------------------------------------------- */

const char *py_type_name(const py_obj *o) { return o->type->name; }

py_obj *py_inst_dict(py_obj *o)
{
    if (o->type->inst_dict)
        return o->type->inst_dict(o);
    return PY_INST(o)->dict;
}

uint64_t py_fake_addr(const py_obj *o) { return 0x7f3a00000000ULL + o->serial * 0x40; }

bool py_type_is_sub(const py_type *t, const py_type *base)
{
    for (; t; t = t->base)
        if (t == base)
            return true;
    return false;
}

py_obj *py_type_lookup(py_type *t, const char *name, const py_method **m, const py_getset **gs)
{
    if (m)
        *m = NULL;
    if (gs)
        *gs = NULL;
    for (; t; t = t->base) {
        if (t->dict) {
            py_obj *v = py_dict_gets(t->dict, name);
            if (v)
                return v;
        }
        if (t->methods && m)
            for (const py_method *k = t->methods; k->name; k++)
                if (strcmp(k->name, name) == 0) {
                    *m = k;
                    return NULL;
                }
        if (t->getset && gs)
            for (const py_getset *k = t->getset; k->name; k++)
                if (strcmp(k->name, name) == 0) {
                    *gs = k;
                    return NULL;
                }
        if (!m && !gs) {
            /* callers that only want "is it defined": native entries count */
            if (t->methods)
                for (const py_method *k = t->methods; k->name; k++)
                    if (strcmp(k->name, name) == 0)
                        return py_None;
        }
    }
    return NULL;
}

int py_norm_index(int64_t *i, size_t n, const char *what)
{
    int64_t k = *i;
    if (k < 0)
        k += (int64_t)n;
    if (k < 0 || k >= (int64_t)n) {
        py_err(&py_exc_IndexError, "%s index out of range", what);
        return -1;
    }
    *i = k;
    return 0;
}

int py_add_i64(int64_t a, int64_t b, int64_t *r)
{
    if (__builtin_add_overflow(a, b, r)) {
        py_err(&py_exc_OverflowError, "integer overflow (threadsim ints are 64-bit)");
        return -1;
    }
    return 0;
}

int py_sub_i64(int64_t a, int64_t b, int64_t *r)
{
    if (__builtin_sub_overflow(a, b, r)) {
        py_err(&py_exc_OverflowError, "integer overflow (threadsim ints are 64-bit)");
        return -1;
    }
    return 0;
}

int py_mul_i64(int64_t a, int64_t b, int64_t *r)
{
    if (__builtin_mul_overflow(a, b, r)) {
        py_err(&py_exc_OverflowError, "integer overflow (threadsim ints are 64-bit)");
        return -1;
    }
    return 0;
}

size_t py_utf8_count(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return c;
}

size_t py_utf8_offset(const char *s, size_t n, size_t cp)
{
    size_t c = 0, i = 0;
    for (; i < n; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (c == cp)
                return i;
            c++;
        }
    }
    return n;
}
