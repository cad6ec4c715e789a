/*
 * model/py/mod_queue.c — the `queue` module (Python 2: `Queue`) over
 * model/queue.h: Queue, LifoQueue, PriorityQueue, SimpleQueue (Python 3
 * only), Empty and Full.
 *
 * Items are Python values. The model queue stores opaque items; the item's
 * pointer here is a reference to the value, owned by the queue: put() takes
 * a new reference in (and drops it again if the put fails), get() hands that
 * reference to the caller. When a queue object's count reaches zero, the
 * items still in it are released (native_free); what a queue holds when the
 * run ends goes with the run's heap.
 *
 * PriorityQueue needs an order the model can keep without calling back into
 * Python: each item gets a numeric key when it is put. The key of a number
 * (int, float, bool) is the number; of a tuple or list whose first element
 * is a number, that number; any other item is a TypeError when put. Items
 * with equal keys come out first in, first out (the model's documented
 * tie-break). CPython instead compares the items themselves (heapq on
 * (priority, data) tuples): equal priorities are ordered by their next
 * elements, and its heap is not stable. Keys are compared as doubles, so two
 * ints that differ only beyond 2**53 tie (and come out FIFO).
 *
 * Misuse errors are the model's, CPython's: "_queue.Empty" / "queue.Full"
 * (printed "Queue.Empty" under Python 2), ValueError "'timeout' must be a
 * non-negative number", "task_done() called too many times"; SimpleQueue
 * has no full/task_done/join ("'_queue.SimpleQueue' object has no attribute
 * 'full'").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../queue.h"
#include "interp.h"

static py_type py_type_Queue, py_type_LifoQueue, py_type_PriorityQueue, py_type_SimpleQueue;

static model_queue *q__get(py_obj *self)
{
    if (self->kind == PY_K_INST && py_isinstance(self, &py_type_SimpleQueue))
        return py_native(self, &py_type_SimpleQueue);
    return py_native(self, &py_type_Queue);
}

/* A double as an int64 with the same order (-0.0 and 0.0 equal). */
static int64_t q__order_key(double d)
{
    if (d == 0)
        d = 0.0;
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    const uint64_t sign = (uint64_t)1 << 63;
    u = (u & sign) ? ~u : (u | sign);
    return (int64_t)(u ^ sign);
}

/* The PriorityQueue key of an item (see above); -1 + TypeError. */
static int q__priority(py_obj *item, int64_t *key)
{
    py_obj *k = item;
    if (item->kind == PY_K_TUPLE || item->kind == PY_K_LIST) {
        size_t n;
        py_obj **items = py_seq_items(item, &n);
        if (n > 0)
            k = items[0];
    }
    if (!py_is_num(k)) {
        py_err(&py_exc_TypeError,
               "threadsim: PriorityQueue orders items by a number or a tuple starting with a "
               "number, not '%s'",
               py_type_name(k));
        return -1;
    }
    *key = q__order_key(py_num_as_double(k));
    return 0;
}

/* Queue.put/get's block and timeout arguments. */
static int q__block_timeout(py_obj *b, py_obj *t, bool *block, double *timeout)
{
    *block = true;
    if (b) {
        int r = py_truth(b);
        if (r < 0)
            return -1;
        *block = r;
    }
    *timeout = MODEL_NO_TIMEOUT;
    if (t && t->kind != PY_K_NONE) {
        if (!py_is_num(t)) {
            py_err(&py_exc_TypeError, "'<' not supported between instances of '%s' and 'int'",
                   py_type_name(t));
            return -1;
        }
        *timeout = py_num_as_double(t);
    }
    return 0;
}

static py_obj *q_init(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    static const char *const names[] = {"maxsize"};
    py_obj *v[1];
    int64_t maxsize = 0;
    if (self->kind != PY_K_INST)
        return py_err(&py_exc_TypeError, "Queue.__init__ needs a Queue instance");
    bool simple = py_isinstance(self, &py_type_SimpleQueue);
    if (simple) {
        if (py_no_kw("SimpleQueue", kw) < 0 || py_nargs("SimpleQueue", n, 0, 0) < 0)
            return NULL;
    } else if (py_args("Queue", a, n, kw, names, 1, 0, v) < 0 ||
               (v[0] && v[0]->kind != PY_K_NONE && py_as_int(v[0], &maxsize) < 0)) {
        return NULL;
    }
    model_queue_kind kind = simple                                          ? MODEL_QUEUE_SIMPLE
                          : py_isinstance(self, &py_type_PriorityQueue) ? MODEL_QUEUE_PRIORITY
                          : py_isinstance(self, &py_type_LifoQueue)     ? MODEL_QUEUE_LIFO
                                                                        : MODEL_QUEUE_FIFO;
    py_note_line();
    PY_INST(self)->native = model_queue_new(kind, (long)maxsize);
    return py_incref(py_None);
}

/* Release the items a dying queue still holds. */
static void q__free(py_obj *self)
{
    model_queue *q = PY_INST(self)->native;
    if (!q)
        return;
    bool ring = q->kind == MODEL_QUEUE_FIFO || q->kind == MODEL_QUEUE_SIMPLE;
    size_t n = q->len;
    for (size_t i = 0; i < n; i++) {
        model_qslot *s = &q->slots[ring ? (q->head + i) % q->cap : i];
        py_xdecref(s->item.ptr);
        s->item.ptr = NULL;
    }
    q->len = 0;
    q->head = 0;
    PY_INST(self)->native = NULL;
}

static py_obj *q__put(py_obj *self, py_obj *item, bool block, double timeout)
{
    model_queue *q = q__get(self);
    if (!q)
        return NULL;
    model_qitem it = {0, 0, item};
    if (q->kind == MODEL_QUEUE_PRIORITY && q__priority(item, &it.key) < 0)
        return NULL;
    py_incref(item);
    py_note_line();
    if (model_queue_put(q, it, block, timeout) < 0) {
        py_decref(item);
        return py_err_from_model();
    }
    return py_incref(py_None);
}

static py_obj *q__get_item(py_obj *self, bool block, double timeout)
{
    model_queue *q = q__get(self);
    if (!q)
        return NULL;
    model_qitem it;
    py_note_line();
    if (model_queue_get(q, block, timeout, &it) < 0)
        return py_err_from_model();
    return it.ptr; /* the queue's reference, now the caller's */
}

static py_obj *q_put(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    static const char *const names[] = {"item", "block", "timeout"};
    py_obj *v[3];
    bool block;
    double timeout;
    if (py_args("put", a, n, kw, names, 3, 1, v) < 0 ||
        q__block_timeout(v[1], v[2], &block, &timeout) < 0)
        return NULL;
    return q__put(self, v[0], block, timeout);
}

static py_obj *q_put_nowait(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    static const char *const names[] = {"item"};
    py_obj *v[1];
    if (py_args("put_nowait", a, n, kw, names, 1, 1, v) < 0)
        return NULL;
    return q__put(self, v[0], false, MODEL_NO_TIMEOUT);
}

static py_obj *q_get(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    static const char *const names[] = {"block", "timeout"};
    py_obj *v[2];
    bool block;
    double timeout;
    if (py_args("get", a, n, kw, names, 2, 0, v) < 0 ||
        q__block_timeout(v[0], v[1], &block, &timeout) < 0)
        return NULL;
    return q__get_item(self, block, timeout);
}

static py_obj *q_get_nowait(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    if (py_no_kw("get_nowait", kw) < 0 || py_nargs("get_nowait", n, 0, 0) < 0)
        return NULL;
    return q__get_item(self, false, MODEL_NO_TIMEOUT);
}

static py_obj *q_qsize(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    model_queue *q = q__get(self);
    if (!q || py_no_kw("qsize", kw) < 0 || py_nargs("qsize", n, 0, 0) < 0)
        return NULL;
    return py_int_new((int64_t)model_queue_qsize(q));
}

static py_obj *q_empty(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    model_queue *q = q__get(self);
    if (!q || py_no_kw("empty", kw) < 0 || py_nargs("empty", n, 0, 0) < 0)
        return NULL;
    return py_bool(model_queue_empty(q));
}

static py_obj *q_full(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    model_queue *q = q__get(self);
    if (!q || py_no_kw("full", kw) < 0 || py_nargs("full", n, 0, 0) < 0)
        return NULL;
    int r = model_queue_full(q);
    return r < 0 ? py_err_from_model() : py_bool(r);
}

static py_obj *q_task_done(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    model_queue *q = q__get(self);
    if (!q || py_no_kw("task_done", kw) < 0 || py_nargs("task_done", n, 0, 0) < 0)
        return NULL;
    py_note_line();
    if (model_queue_task_done(q) < 0)
        return py_err_from_model();
    return py_incref(py_None);
}

static py_obj *q_join(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    model_queue *q = q__get(self);
    if (!q || py_no_kw("join", kw) < 0 || py_nargs("join", n, 0, 0) < 0)
        return NULL;
    py_note_line();
    if (model_queue_join(q) < 0)
        return py_err_from_model();
    return py_incref(py_None);
}

static py_obj *q_repr(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a;
    (void)n;
    (void)kw;
    unsigned long long addr = (unsigned long long)py_fake_addr(self);
    if (py_interp_get()->python == 2 && self->type->module &&
        strcmp(self->type->module, "queue") == 0)
        return py_str_printf("<Queue.%s instance at 0x%llx>", self->type->name, addr);
    return py_str_printf("<%s object at 0x%llx>", py_native_qualname(self), addr);
}

static py_obj *q_get_maxsize(py_obj *self)
{
    model_queue *q = q__get(self);
    return q ? py_int_new(q->maxsize) : NULL;
}

static const py_method q__methods[] = {
    {"__init__", q_init}, {"put", q_put}, {"put_nowait", q_put_nowait}, {"get", q_get},
    {"get_nowait", q_get_nowait}, {"qsize", q_qsize}, {"empty", q_empty}, {"full", q_full},
    {"task_done", q_task_done}, {"join", q_join}, {"__repr__", q_repr}, {NULL, NULL},
};
static const py_getset q__getset[] = {{"maxsize", q_get_maxsize, NULL}, {NULL, NULL, NULL}};

static const py_method sq__methods[] = {
    {"__init__", q_init}, {"put", q_put}, {"put_nowait", q_put_nowait}, {"get", q_get},
    {"get_nowait", q_get_nowait}, {"qsize", q_qsize}, {"empty", q_empty},
    {"__repr__", q_repr}, {NULL, NULL},
};

#define Q_TYPE(var, nm, basep, meth, gs, mod)                                                      \
    static py_type var = {                                                                         \
        .hdr = {.type = &py_type_type, .rc = 1, .kind = PY_K_TYPE, .flags = PY_F_IMMORTAL},        \
        .name = (char *)nm, .base = basep, .methods = meth, .getset = gs,                          \
        .inst_kind = PY_K_INST, .module = mod, .native_free = q__free}

Q_TYPE(py_type_Queue, "Queue", &py_type_object, q__methods, q__getset, "queue");
Q_TYPE(py_type_LifoQueue, "LifoQueue", &py_type_Queue, NULL, NULL, "queue");
Q_TYPE(py_type_PriorityQueue, "PriorityQueue", &py_type_Queue, NULL, NULL, "queue");
/* named as CPython names it; "builtins" keeps reprs from adding a module */
Q_TYPE(py_type_SimpleQueue, "_queue.SimpleQueue", &py_type_object, sq__methods, NULL,
       "builtins");

py_obj *py_mod_queue(const char *name)
{
    py_obj *m = py_module_new(name);
    py_obj *d = ((py_module *)m)->dict;
    py_dict_sets(d, "Queue", &py_type_Queue.hdr);
    py_dict_sets(d, "LifoQueue", &py_type_LifoQueue.hdr);
    py_dict_sets(d, "PriorityQueue", &py_type_PriorityQueue.hdr);
    if (py_interp_get()->python != 2)
        py_dict_sets(d, "SimpleQueue", &py_type_SimpleQueue.hdr);
    py_dict_sets(d, "Empty", &py_exc_Empty.hdr);
    py_dict_sets(d, "Full", &py_exc_Full.hdr);
    return m;
}
