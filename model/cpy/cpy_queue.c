/*
 * model/cpy/cpy_queue.c — the `_queue` module (SimpleQueue and Empty),
 * served by the simulator.
 *
 * CPython's _queue is a C extension whose SimpleQueue.get blocks the OS
 * thread on a lock of its own. It used to be refused here, so queue.py fell
 * back to its pure-Python _PySimpleQueue, renamed to look like the C type.
 * Three things showed: its frames in tracebacks (`q.get(False)` raising
 * Empty printed two frames, queue.py's and the bootstrap's, that python3
 * never prints); its messages (`put(1, True, None, 4)`, `len(q)`); and its
 * instance dict (`q.x = 1` worked). This is a C type again, "_queue.
 * SimpleQueue", with the C module's behaviour: get takes an item if there
 * is one (a running thread may take it before a woken getter), else waits
 * until a put wakes it or its timeout passes; put never blocks; the
 * queue.py classes that build on it (queue.SimpleQueue, and
 * concurrent.futures' work queue) are the ones python3 uses. Waiters wait
 * on the engine (sim_block) in arrival order; a put wakes the longest one.
 * The waits are named as the user called them ("SimpleQueue.get" on
 * "SimpleQueue-1 at prog.py:4") and, for dpor, every put and get touches
 * the queue.
 */
#include "cpy_int.h"

#include <structmember.h>
#include <string.h>

typedef struct sq_obj {
    PyObject_HEAD
    PyObject *lst;            /* the items; lst[pos:] are queued */
    Py_ssize_t pos;
    uint64_t gen;             /* cpy.run_gen when waiters were set */
    model_waitq waiters;      /* threads in get(), longest first */
    PyObject *weakreflist;
} sq_obj;

static PyObject *sq_empty; /* _queue.Empty */

static void sq__sync_gen(sq_obj *q)
{
    if (q->gen == cpy.run_gen)
        return;
    q->gen = cpy.run_gen;
    memset(&q->waiters, 0, sizeof q->waiters);
}

static PyObject *sq_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    /* as the C type's: no arguments, unless a subclass's __init__ takes them */
    PyTypeObject *root = type;
    while (root->tp_base && root->tp_base->tp_new == sq_new)
        root = root->tp_base;
    bool plain_init = type == root || type->tp_init == root->tp_init;
    if (plain_init && args && PyTuple_GET_SIZE(args)) {
        PyErr_SetString(PyExc_TypeError, "SimpleQueue() takes no positional arguments");
        return NULL;
    }
    if (plain_init && kw && PyDict_GET_SIZE(kw)) {
        PyErr_SetString(PyExc_TypeError, "SimpleQueue() takes no keyword arguments");
        return NULL;
    }
    sq_obj *q = (sq_obj *)type->tp_alloc(type, 0);
    if (!q)
        return NULL;
    q->lst = PyList_New(0);
    q->pos = 0;
    q->gen = cpy.run_gen;
    memset(&q->waiters, 0, sizeof q->waiters);
    q->weakreflist = NULL;
    if (!q->lst) {
        Py_DECREF(q);
        return NULL;
    }
    return (PyObject *)q;
}

static int sq_traverse(sq_obj *q, visitproc visit, void *arg)
{
    Py_VISIT(q->lst);
    Py_VISIT(Py_TYPE(q));
    return 0;
}

static int sq_clear(sq_obj *q)
{
    Py_CLEAR(q->lst);
    return 0;
}

static void sq_dealloc(sq_obj *q)
{
    PyTypeObject *tp = Py_TYPE(q);
    PyObject_GC_UnTrack(q);
    if (q->weakreflist)
        PyObject_ClearWeakRefs((PyObject *)q);
    (void)sq_clear(q);
    tp->tp_free((PyObject *)q);
    Py_DECREF(tp); /* a heap type's instances own a reference to it */
}

static Py_ssize_t sq__len(sq_obj *q) { return PyList_GET_SIZE(q->lst) - q->pos; }

static void sq__touch(sq_obj *q)
{
    if (cpy.in_run && cpy.ro.access_notes)
        cpy_note_touch((PyObject *)q, true);
}

/* Wait for a put, at most until `deadline`: 1 woken, 0 timed out. */
static int sq__wait(sq_obj *q, int64_t deadline)
{
    sq__sync_gen(q);
    return cpy_wait_in(&q->waiters, "SimpleQueue.get", (PyObject *)q, cpy_wait_obj((PyObject *)q),
                       deadline);
}

static PyObject *sq__pop(sq_obj *q)
{
    /* the queue lets go of the item at once (test_queue's test_references) */
    PyObject *item = PyList_GET_ITEM(q->lst, q->pos);
    PyList_SET_ITEM(q->lst, q->pos, Py_NewRef(Py_None));
    Py_ssize_t n = PyList_GET_SIZE(q->lst);
    if (++q->pos == n || (q->pos > 64 && q->pos > n / 2)) {
        /* drop what was taken: at once when empty, else once it is half
         * the list (a move per item taken, on average, at most: a long
         * queue drained was quadratic when every 65 gets moved it all) */
        if (PyList_SetSlice(q->lst, 0, q->pos, NULL) < 0) {
            Py_DECREF(item);
            return NULL;
        }
        q->pos = 0;
    }
    return item;
}

static PyObject *sq_get(sq_obj *q, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"block", "timeout", NULL};
    int block = 1;
    PyObject *tobj = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|pO:get", kwlist, &block, &tobj))
        return NULL;
    int64_t timeout = -1; /* none: wait for ever */
    if (!block) {
        timeout = 0;
    } else if (tobj != Py_None) {
        if (cpy_timeout_ns(tobj, &timeout) < 0)
            return NULL;
        if (timeout < 0) {
            PyErr_SetString(PyExc_ValueError, "'timeout' must be a non-negative number");
            return NULL;
        }
    }
    sq__touch(q);
    int64_t deadline = timeout < 0 ? SIM_FOREVER : sim_time_add(model_now_ns(), timeout);
    while (sq__len(q) == 0) {
        if (timeout == 0 || (deadline != SIM_FOREVER && deadline <= model_now_ns())) {
            if (timeout == 0)
                cpy_poll_step();
            PyErr_SetNone(sq_empty);
            return NULL;
        }
        if (!cpy.in_run) {
            PyErr_SetString(PyExc_RuntimeError,
                            "threadsim: an empty SimpleQueue was waited on outside the run");
            return NULL;
        }
        int woken = sq__wait(q, deadline);
        if (cpy_interrupt_deliver() < 0)
            return NULL;
        if (!woken && sq__len(q) == 0) {
            PyErr_SetNone(sq_empty);
            return NULL;
        }
    }
    return sq__pop(q);
}

static PyObject *sq_get_nowait(sq_obj *q, PyObject *args, PyObject *kw)
{
    if ((args && PyTuple_GET_SIZE(args)) || (kw && PyDict_GET_SIZE(kw))) {
        PyErr_SetString(PyExc_TypeError, "get_nowait() takes no arguments");
        return NULL;
    }
    PyObject *a = Py_BuildValue("(O)", Py_False);
    PyObject *r = a ? sq_get(q, a, NULL) : NULL;
    Py_XDECREF(a);
    return r;
}

static PyObject *sq__put(sq_obj *q, PyObject *item)
{
    sq__touch(q);
    if (PyList_Append(q->lst, item) < 0)
        return NULL;
    sq__sync_gen(q);
    if (cpy.in_run && q->waiters.head) {
        model_wake_one(&q->waiters, "put", cpy_wait_obj((PyObject *)q));
    }
    Py_RETURN_NONE;
}

static PyObject *sq_put(sq_obj *q, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"item", "block", "timeout", NULL};
    PyObject *item, *block = Py_True, *timeout = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|OO:put", kwlist, &item, &block, &timeout))
        return NULL;
    return sq__put(q, item);
}

static PyObject *sq_put_nowait(sq_obj *q, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"item", NULL};
    PyObject *item;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O:put_nowait", kwlist, &item))
        return NULL;
    return sq__put(q, item);
}

static PyObject *sq_empty_m(sq_obj *q, PyObject *unused)
{
    (void)unused;
    sq__touch(q);
    return PyBool_FromLong(sq__len(q) == 0);
}

static PyObject *sq_qsize(sq_obj *q, PyObject *unused)
{
    (void)unused;
    sq__touch(q);
    return PyLong_FromSsize_t(sq__len(q));
}

/* get and get_nowait as CPython's _queue defines them, with the defining
 * class (METH_METHOD): bound, they are `builtin_method` objects, whose
 * `__doc__` reads None (PyCMethod_Type's own), as python3's do. The
 * arguments go on to the parsers above as a tuple and a dict. */
static PyObject *sq__by_class(sq_obj *q, PyObject *const *args, Py_ssize_t nargs,
                              PyObject *kwnames, PyObject *(*fn)(sq_obj *, PyObject *, PyObject *))
{
    PyObject *a = PyTuple_New(nargs), *kw = NULL, *r = NULL;
    if (!a)
        return NULL;
    for (Py_ssize_t i = 0; i < nargs; i++)
        PyTuple_SET_ITEM(a, i, Py_NewRef(args[i]));
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    if (nkw && !(kw = PyDict_New()))
        goto done;
    for (Py_ssize_t i = 0; i < nkw; i++)
        if (PyDict_SetItem(kw, PyTuple_GET_ITEM(kwnames, i), args[nargs + i]) < 0)
            goto done;
    r = fn(q, a, kw);
done:
    Py_XDECREF(kw);
    Py_DECREF(a);
    return r;
}

static PyObject *sq_get_m(PyObject *self, PyTypeObject *cls, PyObject *const *args, size_t nargsf,
                          PyObject *kwnames)
{
    (void)cls;
    return sq__by_class((sq_obj *)self, args, PyVectorcall_NARGS(nargsf), kwnames, sq_get);
}

static PyObject *sq_get_nowait_m(PyObject *self, PyTypeObject *cls, PyObject *const *args,
                                 size_t nargsf, PyObject *kwnames)
{
    /* keywords are ignored, as 3.11's Argument Clinic code does
     * (`q.get_nowait(x=1)` raises Empty on an empty queue) */
    (void)cls;
    (void)kwnames;
    return sq__by_class((sq_obj *)self, args, PyVectorcall_NARGS(nargsf), NULL, sq_get_nowait);
}

/* CPython's docstrings, with their signatures (inspect.signature) */
static PyMethodDef sq_methods[] = {
    {"empty", (PyCFunction)sq_empty_m, METH_NOARGS,
     "empty($self, /)\n--\n\nReturn True if the queue is empty, False otherwise (not reliable!)."},
    {"get", (PyCFunction)(void (*)(void))sq_get_m, METH_METHOD | METH_FASTCALL | METH_KEYWORDS,
     "get($self, /, block=True, timeout=None)\n--\n\nRemove and return an item from the queue.\n\n"
     "If optional args 'block' is true and 'timeout' is None (the default),\n"
     "block if necessary until an item is available. If 'timeout' is\n"
     "a non-negative number, it blocks at most 'timeout' seconds and raises\n"
     "the Empty exception if no item was available within that time.\n"
     "Otherwise ('block' is false), return an item if one is immediately\n"
     "available, else raise the Empty exception ('timeout' is ignored\n"
     "in that case)."},
    {"get_nowait", (PyCFunction)(void (*)(void))sq_get_nowait_m,
     METH_METHOD | METH_FASTCALL | METH_KEYWORDS,
     "get_nowait($self, /)\n--\n\nRemove and return an item from the queue without blocking.\n\n"
     "Only get an item if one is immediately available. Otherwise\n"
     "raise the Empty exception."},
    {"put", (PyCFunction)(void (*)(void))sq_put, METH_VARARGS | METH_KEYWORDS,
     "put($self, /, item, block=True, timeout=None)\n--\n\nPut the item on the queue.\n\n"
     "The optional 'block' and 'timeout' arguments are ignored, as this method\n"
     "never blocks.  They are provided for compatibility with the Queue class."},
    {"put_nowait", (PyCFunction)(void (*)(void))sq_put_nowait, METH_VARARGS | METH_KEYWORDS,
     "put_nowait($self, /, item)\n--\n\nPut an item into the queue without blocking.\n\n"
     "This is exactly equivalent to `put(item)` and is only provided\n"
     "for compatibility with the Queue class."},
    {"qsize", (PyCFunction)sq_qsize, METH_NOARGS,
     "qsize($self, /)\n--\n\nReturn the approximate size of the queue (not reliable!)."},
    {"__class_getitem__", Py_GenericAlias, METH_O | METH_CLASS,
     "See PEP 585"},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef sq_members[] = {
    {"__weaklistoffset__", T_PYSSIZET, offsetof(sq_obj, weakreflist), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyType_Slot sq_slots[] = {
    {Py_tp_dealloc, (void *)sq_dealloc},
    {Py_tp_doc, (void *)"SimpleQueue()\n--\n\nSimple, unbounded, reentrant FIFO queue."},
    {Py_tp_traverse, (void *)sq_traverse},
    {Py_tp_clear, (void *)sq_clear},
    {Py_tp_methods, sq_methods},
    {Py_tp_members, sq_members},
    {Py_tp_new, (void *)sq_new},
    {0, NULL},
};

static PyType_Spec sq_spec = {
    "_queue.SimpleQueue", sizeof(sq_obj), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_IMMUTABLETYPE,
    sq_slots,
};

static struct PyModuleDef sq_module_def = {
    PyModuleDef_HEAD_INIT, "_queue",
    "C implementation of the Python queue module.\n"
    "This module is an implementation detail, please do not use it directly.",
    -1, NULL, NULL, NULL, NULL, NULL,
};

PyObject *cpy_queue_module(void)
{
    PyObject *m = PyModule_Create(&sq_module_def);
    PyObject *type = m ? PyType_FromModuleAndSpec(m, &sq_spec, NULL) : NULL;
    if (!sq_empty && m)
        sq_empty = PyErr_NewExceptionWithDoc(
            "_queue.Empty", "Exception raised by Queue.get(block=0)/get_nowait().", NULL, NULL);
    if (!type || !sq_empty || PyModule_AddObjectRef(m, "SimpleQueue", type) < 0 ||
        PyModule_AddObjectRef(m, "Empty", sq_empty) < 0) {
        Py_XDECREF(type);
        Py_XDECREF(m);
        return NULL;
    }
    Py_DECREF(type); /* (the module keeps it) */
    return m;
}
