/*
 * model/cpy/cpy_thread.c — the `_thread` module, served by the simulator.
 *
 * CPython's threading.py, queue.py, concurrent.futures and importlib's module
 * locks are all built on `_thread`: a lock type, an RLock, start_new_thread,
 * get_ident and the "sentinel" lock a thread's exit releases (Thread.join
 * waits on it). Replacing this one module before the interpreter starts puts
 * every Python thread and every blocking wait on the engine, and leaves the
 * rest of the standard library unchanged.
 *
 * Locks follow model/lock.h exactly: acquire is "while locked: wait at the
 * back of the queue (with what is left of the deadline)", release is
 * "unlock, wake the longest waiter", so a running thread may barge. A lock
 * made before the run (importlib makes some at start-up) works as a plain
 * flag until it is first waited on inside the run, when it gets a model
 * object (its trace id); waits name the primitive the user called, found on
 * the Python stack (cpy_wait_site), not the anonymous lock inside
 * threading.py.
 *
 * Idents are the model's: 1 for the main thread, then in start order.
 */
#include "cpy_int.h"
#include "cpy_tstate.h"

#include <structmember.h>
#include "../dalloc.h"

#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <string.h>

typedef struct cpy_lock cpy_lock;

/* The model object of a lock: its trace id and who holds it. */
typedef struct cpy_lockobj {
    model_obj hdr;
    cpy_lock *lock;           /* NULL once the Python object is gone */
} cpy_lockobj;

struct cpy_lock {
    PyObject_HEAD
    bool rlock;               /* _thread.RLock */
    bool locked;
    long owner;               /* ident of the acquirer (RLock: the owner); 0 when free */
    unsigned long count;      /* RLock recursion depth */
    uint64_t gen;             /* cpy.run_gen when waiters/mo were set */
    model_waitq waiters;      /* threads in acquire(), longest first */
    cpy_lockobj *mo;          /* trace object, made at the first wait of a run */
    PyObject *weakreflist;
};

/* Heap types, made at the module's init: they live in the Python region
 * like every object, so their addresses (and so their hashes, which order
 * the sets and dicts they land in) do not depend on how threadsim's binary
 * is laid out. */
static PyTypeObject *cpy_lock_type, *cpy_rlock_type;

/* Idents as CPython's on Linux: a pthread_t, the address of the thread's
 * descriptor at the top of its stack, and glibc gives a finished thread's
 * stack, and so its ident, to the next thread started (its stack cache,
 * most recently freed first): python3 showed one or two distinct idents
 * for four threads started and joined one after the other, where the
 * model's idents (1, 2, 3, ...: the trace's) never repeat. A program
 * keyed by get_ident() that leaves a finished thread's entry behind (a
 * per-thread cache, a dict of connections) finds it again in a later
 * thread under python3, and now here too. The values are fixed numbers of
 * the same form (the main thread's in the libraries' area, the others 8
 * MiB and a guard page apart below it), each thread's taken when it is
 * started: the free list's most recently freed, else the next slot; it is
 * freed when the thread's body has ended (after its sentinel's release:
 * a thread started after join() returned gets it). Deterministic: a
 * function of the order threads start and end. The trace keeps the
 * model's idents. */
#define IDENT_MAIN 0x7f5a8c1d3740L
#define IDENT_FIRST 0x7f5a8b9ff6c0L
#define IDENT_STEP 0x801000L

static struct {
    long *free; /* freed idents, the most recent last */
    size_t nfree, cap;
    long slots; /* idents handed out so far */
} idents;

long cpy_ident_main(void) { return IDENT_MAIN; }

void cpy_ident_reset(void)
{
    idents.nfree = 0;
    idents.slots = 0;
}

static long ident__take(void)
{
    if (idents.nfree)
        return idents.free[--idents.nfree];
    return IDENT_FIRST - IDENT_STEP * idents.slots++;
}

static void ident__give_back(long id)
{
    if (idents.nfree == idents.cap) {
        size_t cap = idents.cap ? 2 * idents.cap : 16;
        long *f = realloc(idents.free, cap * sizeof *f);
        if (!f)
            return; /* (never reused, then: still deterministic) */
        idents.free = f;
        idents.cap = cap;
    }
    idents.free[idents.nfree++] = id;
}

/* A model thread's Python ident (the main thread's before its record is made) */
static long ident__of(const model_thread *t)
{
    const cpy_thr *thr = t ? t->user : NULL;
    return thr && thr->ident ? thr->ident : IDENT_MAIN;
}

/* The thread whose Python ident is id: the live one (a finished thread's
 * ident may be a live one's now), else the last to have had it. */
static model_thread *ident__thread(long id)
{
    model_thread *found = NULL;
    for (uint32_t i = 0; i < model_thread_count(); i++) {
        model_thread *t = model_thread_at(i);
        if (ident__of(t) != id)
            continue;
        if (!t->finished)
            return t;
        found = t;
    }
    return found;
}

static long cpy__ident(void)
{
    model_world *w = model__world_or_null();
    model_thread *t = w && cpy.in_run ? model__current(w) : NULL;
    return ident__of(t);
}

/* The C extension modules that ask which thread runs them (_sqlite3's
 * check_same_thread, _multiprocessing) call this through their PLT, so
 * threadsim's binary defines it (exported: tools/CMakeLists.txt) and they
 * get the green thread's ident, as threading.get_ident() gives it; without
 * it every green thread was the one OS thread and a connection made in one
 * thread worked in any. libpython's own calls bind to its definition
 * (no interposition inside it): the GIL's and signals' checks keep the OS
 * thread's. As CPython's pthread version outside a run. */
unsigned long PyThread_get_thread_ident(void)
{
    if (cpy.in_run && model__world_or_null())
        return (unsigned long)cpy__ident();
    return (unsigned long)pthread_self();
}

cpy_thr *cpy_thr_current(void)
{
    model_world *w = model__world_or_null();
    model_thread *t = w ? model__current(w) : NULL;
    return t ? t->user : NULL;
}

void cpy_thr_init_main(void)
{
    model_thread *t = model__current(model__world());
    /* not in the Python region: its size must not move the program's addresses */
    cpy_thr *thr = calloc(1, sizeof *thr);
    thr->ts = cpy.main_ts;
    t->user = thr;
}

/* ---- locks ----------------------------------------------------------------- */

static model_thread *lock__holder(model_obj *o)
{
    cpy_lock *l = ((cpy_lockobj *)o)->lock;
    if (!l || !l->locked || !l->owner)
        return NULL;
    return ident__thread(l->owner);
}

static void lock__sync_gen(cpy_lock *l)
{
    if (l->gen == cpy.run_gen)
        return;
    l->gen = cpy.run_gen;
    memset(&l->waiters, 0, sizeof l->waiters);
    l->mo = NULL;
}

static cpy_lockobj *lock__mo(cpy_lock *l)
{
    lock__sync_gen(l);
    if (!l->mo) {
        l->mo = model_obj_new(sizeof(cpy_lockobj), l->rlock ? "RLock" : "Lock", NULL);
        l->mo->lock = l;
        l->mo->hdr.holder = lock__holder;
    }
    return l->mo;
}

static PyObject *lock__new(PyTypeObject *type)
{
    cpy_lock *l = (cpy_lock *)type->tp_alloc(type, 0);
    if (!l)
        return NULL;
    l->rlock = PyType_IsSubtype(type, cpy_rlock_type);
    l->locked = false;
    l->owner = 0;
    l->count = 0;
    l->gen = cpy.run_gen;
    memset(&l->waiters, 0, sizeof l->waiters);
    l->mo = NULL;
    l->weakreflist = NULL;
    return (PyObject *)l;
}

/* _thread.RLock(...): its arguments are ignored, as 3.11's rlock_new does
 * (_thread.lock has no constructor: Py_TPFLAGS_DISALLOW_INSTANTIATION) */
static PyObject *lock_tp_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    (void)args;
    (void)kw;
    return lock__new(type);
}

static void lock_dealloc(cpy_lock *l)
{
    if (l->weakreflist)
        PyObject_ClearWeakRefs((PyObject *)l);
    /* its model object goes with it: every Condition.wait makes a lock
     * of its own, and a run of millions of waits (a queue's hand-offs)
     * kept ~190 bytes for each, to its memory limit; nothing can wait on a
     * lock no one refers to any more */
    if (l->gen == cpy.run_gen && l->mo && model__world_or_null()) {
        model_obj_free(&l->mo->hdr);
        l->mo = NULL;
    }
    PyTypeObject *tp = Py_TYPE(l);
    tp->tp_free((PyObject *)l);
    Py_DECREF(tp); /* a heap type's instances own a reference to it */
}

/* The explorer's dpor sees a lock as an object each acquire writes (a
 * failed try too, and a wait: it saw the lock held); a release is no
 * access (Flanagan and Godefroid's treatment of locks: the acquires are
 * the pair to reorder). A waiter's step is a candidate here, unlike theirs,
 * so a release does not commute with it exactly; making releases writes
 * cost dpor 3 to 10 times the schedules on the philosophers and the
 * corpus found no outcome it adds. */
static void lock__touch(cpy_lock *l)
{
    if (cpy.in_run && cpy.ro.access_notes)
        cpy_note_touch((PyObject *)l, true);
}

/* Whether the lock is held, a second object (at its address + 1, which no
 * object has): each release and each look that does not wait for a
 * release touch it: locked(), and an acquire that finds the lock held and
 * may give up (a try, or one with a timeout). With releases no access at
 * all, dpor never put such a look between another thread's acquire and
 * release, and missed what the look saw there ("t2" printed by a holder,
 * then "t1 True" from locked(), under --choices line: an exhausted dpor
 * said 3 outputs where dfs found 4). Releases commute with each other and
 * looks with looks; a look and a release do not: so a release notes a
 * read of it and a look a write (releases noted as writes raced with each
 * other, their order already fixed by the acquires between them, and
 * cost dpor 1.4 to 2 times the schedules). Acquires do not touch it: they
 * are ordered by the lock itself, and a release does not conflict with
 * them (the cost noted above). */
static void lock__touch_state(cpy_lock *l, uintptr_t which, bool look)
{
    if (cpy.in_run && cpy.ro.access_notes)
        cpy_note_touch_at((uintptr_t)l + which, look);
}

/* A look by the holder itself (Condition._is_owned's try of its own lock,
 * in every wait and notify) can see a change only from a release by
 * another thread (a Lock allows one): such releases touch a third object
 * (address + 2) as above, and the holder's looks touch that one instead;
 * its own releases do not conflict with them. */
static void lock__look(cpy_lock *l, long me)
{
    lock__touch_state(l, l->locked && l->owner == me ? 2 : 1, true);
}

bool cpy_is_lock(PyObject *o)
{
    return o && cpy_lock_type &&
           (PyObject_TypeCheck(o, cpy_lock_type) || PyObject_TypeCheck(o, cpy_rlock_type));
}

/* Take the free lock for the current thread. */
static void lock__take(cpy_lock *l, long me)
{
    lock__touch(l);
    l->locked = true;
    l->owner = me;
    l->count = 1;
}

/* Block the current thread in waitq q until woken or `deadline` (1 woken, 0
 * timed out): the wait named as the user called it (cpy_wait_site, from
 * dflt_reason and self), on the user-level object it finds, else on dflt. */
int cpy_wait_in(model_waitq *q, const char *dflt_reason, PyObject *self, model_obj *dflt,
                int64_t deadline)
{
    model_world *w = model__world();
    model_thread *t = model__current(w);
    cpy_thr *thr = t->user;
    cpy_site site;
    cpy_wait_site(dflt_reason, self, &site);
    model_obj *on = site.obj ? site.obj : dflt;
    PyThreadState *ts = cpy_leave();
    model__waitq_push(q, t);
    t->waiting_on = on;
    free(thr->wait_what);
    thr->wait_what = site.what;
    int r = sim_block(&w->sched, site.reason, on ? on->oid : 0, site.what, deadline);
    t->waiting_on = NULL;
    if (r == SIM_TIMEDOUT && t->wq == q)
        model__waitq_remove(q, t);
    cpy_back(ts);
    free(thr->wait_what);
    thr->wait_what = NULL;
    return r != SIM_TIMEDOUT;
}

/* Block the current thread on the lock until woken or `deadline`. */
static bool lock__wait(cpy_lock *l, int64_t deadline)
{
    cpy_lockobj *mo = lock__mo(l);
    return cpy_wait_in(&l->waiters, l->rlock ? "RLock.acquire" : "Lock.acquire", (PyObject *)l,
                       &mo->hdr, deadline);
}

/* acquire(blocking=True, timeout=-1) as _threadmodule.c parses it: the
 * timeout in ns, LOCK__UNSET (-1 s) when none was given. */
#define LOCK__UNSET (-SIM_NS_PER_SEC)
static int lock__parse(PyObject *args, PyObject *kw, int *blocking, int64_t *timeout)
{
    static char *kwlist[] = {"blocking", "timeout", NULL};
    PyObject *tobj = NULL;
    *blocking = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|iO:acquire", kwlist, blocking, &tobj))
        return -1;
    *timeout = LOCK__UNSET;
    if (tobj && cpy_timeout_ns(tobj, timeout) < 0)
        return -1;
    if (!*blocking && *timeout != LOCK__UNSET) {
        PyErr_SetString(PyExc_ValueError, "can't specify a timeout for a non-blocking call");
        return -1;
    }
    if (*timeout < 0 && *timeout != LOCK__UNSET) {
        PyErr_SetString(PyExc_ValueError, "timeout value must be positive");
        return -1;
    }
    /* PY_TIMEOUT_MAX: LLONG_MAX / 1000 microseconds, the timeout rounded up */
    if (*blocking && *timeout != LOCK__UNSET &&
        *timeout / 1000 + (*timeout % 1000 != 0) > LLONG_MAX / 1000) {
        PyErr_SetString(PyExc_OverflowError, "timeout value is too large");
        return -1;
    }
    return 0;
}

static PyObject *lock_acquire(cpy_lock *l, PyObject *args, PyObject *kw)
{
    int blocking;
    int64_t timeout;
    if (lock__parse(args, kw, &blocking, &timeout) != 0)
        return NULL;
    long me = cpy__ident();
    /* for the explorer's explanation: which lock, taken or waited for */
    if (!(l->rlock && l->locked && l->owner == me))
        cpy_note_name(!l->locked ? "acquire" : blocking ? "wait" : "try", (PyObject *)l);
    if (!l->locked) {
        /* a try, or an acquire with a timeout, may have given up had it
         * come before the holder's release: a look too */
        if (!blocking || timeout != LOCK__UNSET)
            lock__look(l, me);
        lock__take(l, me);
        Py_RETURN_TRUE;
    }
    if (l->rlock && l->owner == me) {
        if (l->count == ULONG_MAX) {
            PyErr_SetString(PyExc_OverflowError, "Internal lock count overflowed");
            return NULL;
        }
        l->count++;
        if (cpy.prog && cpy_python2())
            return PyLong_FromLong(1); /* Python 2's RLock said 1 here (the RLock page) */
        Py_RETURN_TRUE;
    }
    if (!blocking || timeout == 0) {
        lock__touch(l);
        lock__look(l, me);
        cpy_poll_step();
        Py_RETURN_FALSE;
    }
    if (!cpy.in_run) {
        PyErr_SetString(PyExc_RuntimeError,
                        "threadsim: a lock held by another thread was waited on outside the run");
        return NULL;
    }
    /* seeing it held is an access, as a failed try's: the holder's acquire
     * and this one are the pair dpor reorders (a wait that times out never
     * takes it, and would otherwise touch nothing) */
    lock__touch(l);
    if (timeout >= 0)
        lock__look(l, me);
    int64_t deadline = timeout < 0 ? SIM_FOREVER : sim_time_add(model_now_ns(), timeout);
    for (;;) {
        if (deadline != SIM_FOREVER && deadline <= model_now_ns())
            Py_RETURN_FALSE;
        bool woken = lock__wait(l, deadline);
        if (woken && !l->locked) {
            /* taken; a handler due now (interrupt_main, which wakes no
             * wait) runs after, its exception raised from the call, the
             * lock held: CPython's acquire returned, and its eval breaker
             * ran the handler */
            lock__take(l, me);
            if (cpy_interrupt_deliver() < 0)
                return NULL;
            Py_RETURN_TRUE;
        }
        if (cpy_interrupt_deliver() < 0)
            return NULL; /* KeyboardInterrupt in main's wait, as CPython's */
        if (!woken)
            Py_RETURN_FALSE;
    }
}

static PyObject *lock__release_common(cpy_lock *l)
{
    lock__touch_state(l, 1, false);
    if (cpy.ro.access_notes && l->owner != cpy__ident())
        lock__touch_state(l, 2, false);
    l->locked = false;
    l->owner = 0;
    l->count = 0;
    if (cpy.in_run) {
        lock__sync_gen(l);
        if (l->waiters.head) {
            model_wake_one(&l->waiters, "release", &lock__mo(l)->hdr);
        }
    }
    Py_RETURN_NONE;
}

static PyObject *lock_release(cpy_lock *l, PyObject *unused)
{
    (void)unused;
    if (l->rlock) {
        if (!l->locked || l->owner != cpy__ident()) {
            PyErr_SetString(PyExc_RuntimeError, "cannot release un-acquired lock");
            return NULL;
        }
        if (--l->count > 0)
            Py_RETURN_NONE;
        return lock__release_common(l);
    }
    if (!l->locked) {
        PyErr_SetString(PyExc_RuntimeError, "release unlocked lock");
        return NULL;
    }
    return lock__release_common(l);
}

static PyObject *lock_exit(cpy_lock *l, PyObject *args)
{
    (void)args;
    return lock_release(l, NULL);
}

static bool wait__thread_module(PyCodeObject *co);

/* threading's own looks at its threads' state locks whose answer
 * changes nothing a program can tell, not reads: the pruning of its set
 * of finished threads' locks (_maintain_shutdown_locks: `[lock for lock
 * in _shutdown_locks if not lock.locked()]`, at every non-daemon thread's
 * start; a lock left in the set is taken and given back at once at exit)
 * and the asserts of Thread._stop and _shutdown (`assert not
 * lock.locked()` after the join took and gave back the lock). As reads
 * they conflicted with every thread's end and doubled dpor's schedules. */
static bool lock__bookkeeping_look(void)
{
    const cpy_ts_frame *f = cpy_ts_frame_top();
    PyCodeObject *co = f ? cpy_ts_frame_code(f) : NULL;
    if (!co || !wait__thread_module(co))
        return false;
    const char *q = PyUnicode_AsUTF8(co->co_qualname);
    if (!q) {
        PyErr_Clear();
        return false;
    }
    return strncmp(q, "_maintain_shutdown_locks", 24) == 0 || strcmp(q, "Thread._stop") == 0 ||
           strcmp(q, "_shutdown") == 0;
}

static PyObject *lock_locked(cpy_lock *l, PyObject *unused)
{
    if (cpy.in_run && cpy.ro.access_notes && !lock__bookkeeping_look()) {
        lock__look(l, cpy__ident());
        cpy_note_touch((PyObject *)l, false);
    }
    (void)unused;
    return PyBool_FromLong(l->locked);
}

static PyObject *lock_at_fork_reinit(cpy_lock *l, PyObject *unused)
{
    (void)unused;
    l->locked = false;
    l->owner = 0;
    l->count = 0;
    Py_RETURN_NONE;
}

static PyObject *lock_repr(cpy_lock *l)
{
    if (l->rlock)
        return PyUnicode_FromFormat("<%s %s object owner=%ld count=%lu at %p>",
                                    l->locked ? "locked" : "unlocked", Py_TYPE(l)->tp_name,
                                    l->locked ? l->owner : 0L, l->locked ? l->count : 0UL, l);
    return PyUnicode_FromFormat("<%s %s object at %p>", l->locked ? "locked" : "unlocked",
                                Py_TYPE(l)->tp_name, l);
}

/* RLock internals used by threading.Condition. */
static PyObject *rlock_is_owned(cpy_lock *l, PyObject *unused)
{
    (void)unused;
    return PyBool_FromLong(l->locked && l->owner == cpy__ident());
}

static PyObject *rlock_release_save(cpy_lock *l, PyObject *unused)
{
    (void)unused;
    if (!l->locked || l->count == 0) {
        PyErr_SetString(PyExc_RuntimeError, "cannot release un-acquired lock");
        return NULL;
    }
    PyObject *r = Py_BuildValue("(kl)", l->count, l->owner);
    if (!r)
        return NULL;
    PyObject *x = lock__release_common(l);
    Py_XDECREF(x);
    return r;
}

static PyObject *rlock_acquire_restore(cpy_lock *l, PyObject *args)
{
    unsigned long count;
    long owner;
    if (!PyArg_ParseTuple(args, "(kl):_acquire_restore", &count, &owner))
        return NULL;
    PyObject *empty = PyTuple_New(0);
    PyObject *r = lock_acquire(l, empty, NULL);
    Py_DECREF(empty);
    if (!r)
        return NULL;
    Py_DECREF(r);
    l->owner = owner;
    l->count = count;
    Py_RETURN_NONE;
}

static PyMethodDef lock_methods[] = {
    {"acquire_lock", (PyCFunction)(void (*)(void))lock_acquire, METH_VARARGS | METH_KEYWORDS, NULL},
    {"acquire", (PyCFunction)(void (*)(void))lock_acquire, METH_VARARGS | METH_KEYWORDS, NULL},
    {"release_lock", (PyCFunction)lock_release, METH_NOARGS, NULL},
    {"release", (PyCFunction)lock_release, METH_NOARGS, NULL},
    {"locked_lock", (PyCFunction)lock_locked, METH_NOARGS, NULL},
    {"locked", (PyCFunction)lock_locked, METH_NOARGS, NULL},
    {"__enter__", (PyCFunction)(void (*)(void))lock_acquire, METH_VARARGS | METH_KEYWORDS, NULL},
    {"__exit__", (PyCFunction)lock_exit, METH_VARARGS, NULL},
    {"_at_fork_reinit", (PyCFunction)lock_at_fork_reinit, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyMethodDef rlock_methods[] = {
    {"acquire", (PyCFunction)(void (*)(void))lock_acquire, METH_VARARGS | METH_KEYWORDS, NULL},
    {"release", (PyCFunction)lock_release, METH_NOARGS, NULL},
    {"__enter__", (PyCFunction)(void (*)(void))lock_acquire, METH_VARARGS | METH_KEYWORDS, NULL},
    {"__exit__", (PyCFunction)lock_exit, METH_VARARGS, NULL},
    {"_is_owned", (PyCFunction)rlock_is_owned, METH_NOARGS, NULL},
    {"_release_save", (PyCFunction)rlock_release_save, METH_NOARGS, NULL},
    {"_acquire_restore", (PyCFunction)rlock_acquire_restore, METH_VARARGS, NULL},
    {"_at_fork_reinit", (PyCFunction)lock_at_fork_reinit, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef lock_members[] = {
    {"__weaklistoffset__", T_PYSSIZET, offsetof(cpy_lock, weakreflist), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyType_Slot lock_slots[] = {
    {Py_tp_dealloc, (void *)lock_dealloc}, {Py_tp_repr, (void *)lock_repr},
    {Py_tp_methods, lock_methods},         {Py_tp_members, lock_members},
    {Py_tp_doc, NULL}, /* CPython's, filled in by thread__docs (NULL: none) */
    {0, NULL},
};

static PyType_Spec lock_spec = {
    "_thread.lock", sizeof(cpy_lock), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION | Py_TPFLAGS_IMMUTABLETYPE, /* as CPython's */
    lock_slots,
};

static PyType_Slot rlock_slots[] = {
    {Py_tp_dealloc, (void *)lock_dealloc}, {Py_tp_repr, (void *)lock_repr},
    {Py_tp_methods, rlock_methods},        {Py_tp_members, lock_members},
    {Py_tp_new, (void *)lock_tp_new},      {0, NULL},
};

static PyType_Spec rlock_spec = {
    "_thread.RLock", sizeof(cpy_lock), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_IMMUTABLETYPE, rlock_slots,
};

/* ---- threads --------------------------------------------------------------- */

/* The green thread's body: its own thread state, then func(*args, **kwargs). */
static void thread__body(void *arg)
{
    cpy_thr *thr = arg;
    thr->ts = cpy_ts_new();
    cpy_ts_set_ident(thr->ts, (unsigned long)thr->ident);
    cpy_back(thr->ts);
    PyObject *r = PyObject_Call(thr->func, thr->args, thr->kwargs);
    if (r) {
        Py_DECREF(r);
    } else if (PyErr_ExceptionMatches(PyExc_SystemExit)) {
        PyErr_Clear();
    } else {
        _PyErr_WriteUnraisableMsg("in thread started by", thr->func);
    }
    /* what the thread held may run Python (__del__), and so switch: first */
    Py_CLEAR(thr->func);
    Py_CLEAR(thr->args);
    Py_CLEAR(thr->kwargs);
    /* its state's dict, in this thread, as CPython's thread_run clears it:
     * the thread's threading.local values go here (their __del__ finds
     * the thread gone from threading, a Dummy), before a joiner returns */
    PyThreadState_Clear(thr->ts);
    /* then the sentinel, last: once a joiner can return, no Python runs in
     * this thread, and its state is deleted before anyone else's Python
     * (cpy_back), so a subinterpreter ending right after the join finds it
     * gone, as Py_EndInterpreter requires */
    if (thr->sentinel) {
        cpy_lock *s = (cpy_lock *)thr->sentinel;
        if (s->locked) {
            PyObject *x = lock__release_common(s);
            Py_XDECREF(x);
        }
        Py_CLEAR(thr->sentinel);
    }
    cpy.alive--;
    ident__give_back(thr->ident);
    cpy.zombie = thr->ts; /* deleted by whichever thread runs next */
    thr->ts = NULL;
}

/* What the engine reads of the program's objects (a Thread's name, the
 * class of an object waited on) it reads in place: the types' dicts and
 * the instance's own attributes, running none of the program's code. A
 * lookup through getattr ran a class's __getattr__ (the SimpleQueue's,
 * bootstrap.py's: every get that waited), and its lines were choices in
 * the middle of a lock's acquire, after it had seen the lock held: a
 * release made then was missed, and the thread waited for ever (a
 * deadlock no CPython run has). */
static bool obj__type_has(PyObject *obj, const char *name)
{
    PyObject *s = PyUnicode_InternFromString(name);
    bool r = s && _PyType_Lookup(Py_TYPE(obj), s) != NULL;
    Py_XDECREF(s);
    PyErr_Clear();
    return r;
}

typedef struct {
    const char *name;
    PyObject *value; /* borrowed */
} obj__attr_q;

static int obj__attr_visit(PyObject *k, PyObject *v, void *ud)
{
    obj__attr_q *q = ud;
    if (!PyUnicode_Check(k) || PyUnicode_CompareWithASCIIString(k, q->name) != 0)
        return 0;
    q->value = v;
    return 1;
}

/* obj's own attribute `name` (in its __dict__), a new reference, or NULL */
static PyObject *obj__own_attr(PyObject *obj, const char *name)
{
    obj__attr_q q = {name, NULL};
    cpy_ts_obj_attrs(obj, obj__attr_visit, &q);
    return q.value ? Py_NewRef(q.value) : NULL;
}

/* The threading.Thread behind a start_new_thread(Thread._bootstrap, ()) call. */
static PyObject *thread__owner(PyObject *func)
{
    if (!PyMethod_Check(func))
        return NULL;
    PyObject *self = PyMethod_GET_SELF(func);
    return obj__type_has(self, "_bootstrap_inner") ? self : NULL;
}

static PyObject *mod_start_new_thread(PyObject *mod, PyObject *args)
{
    (void)mod;
    PyObject *func, *fargs, *fkw = NULL;
    if (!PyArg_UnpackTuple(args, "start_new_thread", 2, 3, &func, &fargs, &fkw))
        return NULL;
    if (!PyCallable_Check(func)) {
        PyErr_SetString(PyExc_TypeError, "first arg must be callable");
        return NULL;
    }
    if (!PyTuple_Check(fargs)) {
        PyErr_SetString(PyExc_TypeError, "2nd arg must be a tuple");
        return NULL;
    }
    if (fkw && !PyDict_Check(fkw)) {
        PyErr_SetString(PyExc_TypeError, "optional 3rd arg must be a dictionary");
        return NULL;
    }
    if (!cpy.in_run) {
        PyErr_SetString(PyExc_RuntimeError, "threadsim: can't start new thread outside the run");
        return NULL;
    }
    /* CPython 3.11's PyThreadState_New does not survive a failed allocation:
     * a thread that could not get its state is refused here, as an OS would
     * refuse a thread (the new thread's state and first frames need ~64 KiB) */
    if (dalloc_ready() &&
        dalloc_in_use() + dalloc_charged() + ((uint64_t)64 << 10) > dalloc_limit()) {
        PyErr_SetString(PyExc_RuntimeError, "can't start new thread");
        return NULL;
    }
    /* The trace names the thread as threading does, and marks daemons. */
    PyObject *owner = thread__owner(func);
    PyObject *name = owner ? obj__own_attr(owner, "_name") : NULL;
    int daemon = 1;
    if (owner) {
        PyObject *d = obj__own_attr(owner, "_daemonic");
        daemon = d ? PyObject_IsTrue(d) : 1;
        Py_XDECREF(d);
    }
    PyErr_Clear();
    const char *cname = name && PyUnicode_Check(name) ? PyUnicode_AsUTF8(name) : NULL;
    char buf[64];
    if (!cname) {
        PyErr_Clear();
        snprintf(buf, sizeof buf, "_thread-%ld", cpy.alive + 1);
        cname = buf;
    }
    /* not in the Python region: its size must not move the program's addresses */
    cpy_thr *thr = calloc(1, sizeof *thr);
    if (!thr) {
        Py_XDECREF(name);
        return PyErr_NoMemory();
    }
    Py_INCREF(func);
    Py_INCREF(fargs);
    Py_XINCREF(fkw);
    thr->func = func;
    thr->args = fargs;
    thr->kwargs = fkw;
    cpy_thr *creator = cpy_thr_current();
    thr->sigmask = creator ? creator->sigmask : 0; /* a new thread's mask is its creator's */
    cpy_note_line();
    /* model_thread_new and _set_daemon are scheduling points too (a policy
     * deciding at every step may switch there) */
    PyThreadState *ts = cpy_leave();
    model_thread *t = model_thread_new(cname, thread__body, thr, NULL);
    t->user = thr;
    model_thread_set_daemon(t, daemon);
    cpy.alive++;
    thr->ident = ident__take();
    int rc = model_thread_start(t);
    cpy_back(ts);
    Py_XDECREF(name);
    if (rc != 0) {
        cpy.alive--;
        ident__give_back(thr->ident);
        model_err_clear();
        Py_CLEAR(thr->func);
        Py_CLEAR(thr->args);
        Py_CLEAR(thr->kwargs);
        t->user = NULL; /* never ran: nothing else holds its record */
        free(thr);
        PyErr_SetString(PyExc_RuntimeError, "can't start new thread");
        return NULL;
    }
    return PyLong_FromLong(thr->ident);
}

static PyObject *mod_allocate_lock(PyObject *mod, PyObject *unused)
{
    (void)mod;
    (void)unused;
    return lock__new(cpy_lock_type);
}

static PyObject *mod_get_ident(PyObject *mod, PyObject *unused)
{
    (void)mod;
    (void)unused;
    return PyLong_FromLong(cpy__ident());
}

/* CPython's own _thread._ExceptHookArgs (a struct sequence), kept from
 * its module (thread__docs): threading builds its hook's argument with it. */
static PyObject *excepthook_args_type;

/* _thread._excepthook(args), threading.excepthook's default: CPython's
 * (_threadmodule.c), but the thread's ident is ours and the report is
 * cpy_print_exception's. */
static PyObject *mod_excepthook(PyObject *mod, PyObject *args)
{
    (void)mod;
    if (!excepthook_args_type || !Py_IS_TYPE(args, (PyTypeObject *)excepthook_args_type)) {
        PyErr_SetString(PyExc_TypeError, "_thread.excepthook argument type must be "
                                         "ExceptHookArgs");
        return NULL;
    }
    PyObject *t = PyStructSequence_GET_ITEM(args, 0);
    PyObject *v = PyStructSequence_GET_ITEM(args, 1);
    PyObject *tb = PyStructSequence_GET_ITEM(args, 2);
    PyObject *thread = PyStructSequence_GET_ITEM(args, 3);
    if (t == PyExc_SystemExit)
        Py_RETURN_NONE;
    PyObject *file = Py_XNewRef(PySys_GetObject("stderr"));
    if (!file || file == Py_None) {
        Py_XDECREF(file);
        if (thread == Py_None)
            Py_RETURN_NONE;
        file = PyObject_GetAttrString(thread, "_stderr");
        if (!file)
            return NULL;
        if (file == Py_None) {
            Py_DECREF(file);
            Py_RETURN_NONE;
        }
    }
    PyObject *name = NULL;
    int rc = PyFile_WriteString("Exception in thread ", file);
    if (rc == 0 && thread != Py_None && !(name = PyObject_GetAttrString(thread, "name"))) {
        if (PyErr_ExceptionMatches(PyExc_AttributeError))
            PyErr_Clear();
        else
            rc = -1;
    }
    if (rc == 0) {
        if (!name)
            name = PyUnicode_FromFormat("%ld", cpy__ident());
        rc = name ? PyFile_WriteObject(name, file, Py_PRINT_RAW) : -1;
    }
    if (rc == 0)
        rc = PyFile_WriteString(":\n", file);
    Py_XDECREF(name);
    if (rc == 0)
        rc = cpy_print_exception(file, t, v, tb);
    if (rc == 0) {
        PyObject *r = PyObject_CallMethod(file, "flush", NULL);
        if (r)
            Py_DECREF(r);
        else
            PyErr_Clear(); /* as CPython: a failed flush is not the hook's error */
    }
    Py_DECREF(file);
    if (rc != 0)
        return NULL;
    Py_RETURN_NONE;
}

/* The kernel's thread id as Linux numbers a fresh process's threads: the
 * main thread's is the process id (os.getpid(): 4242, bootstrap.py), the
 * others' the next numbers, in the order they start. */
static PyObject *mod_get_native_id(PyObject *mod, PyObject *unused)
{
    (void)mod;
    (void)unused;
    model_world *w = model__world_or_null();
    model_thread *t = w && cpy.in_run ? model__current(w) : NULL;
    return PyLong_FromLong(4241 + (t ? t->ident : 1));
}

static PyObject *mod_count(PyObject *mod, PyObject *unused)
{
    (void)mod;
    (void)unused;
    return PyLong_FromLong(cpy.alive);
}

static PyObject *mod_set_sentinel(PyObject *mod, PyObject *unused)
{
    (void)mod;
    (void)unused;
    PyObject *l = lock__new(cpy_lock_type);
    cpy_thr *thr = cpy.in_run ? cpy_thr_current() : NULL;
    if (l && thr) {
        Py_XSETREF(thr->sentinel, l);
        Py_INCREF(l);
    }
    return l;
}

static PyObject *mod_stack_size(PyObject *mod, PyObject *args)
{
    (void)mod;
    Py_ssize_t size = 0;
    if (!PyArg_ParseTuple(args, "|n:stack_size", &size))
        return NULL;
    static Py_ssize_t current; /* remembered, as CPython's; stacks stay the engine's */
    /* CPython's messages (thread_pthread.h's checks) */
    if (size < 0) {
        PyErr_SetString(PyExc_ValueError, "size must be 0 or a positive value");
        return NULL;
    }
    if (size != 0 && size < 32768) {
        PyErr_Format(PyExc_ValueError, "size not valid: %zd bytes", size);
        return NULL;
    }
    Py_ssize_t old = current;
    current = size;
    return PyLong_FromSsize_t(old);
}

/* interrupt_main(signum=SIGINT): CPython "simulates the signal arriving in
 * the main thread": its Python handler runs there, unless the signal is
 * SIG_IGN or SIG_DFL (then nothing happens). Called by main, the handler
 * runs at once (CPython checks right after the call); from another thread,
 * when main next runs: a line, or its return from a wait. Signals pending
 * together run their handlers in signal-number order, as CPython's
 * PyErr_CheckSignals does. */
static uint64_t interrupt__pending; /* bit sig - 1: a signal whose handler is due */

static PyObject *interrupt__handler(int sig)
{
    PyObject *signal = PyImport_ImportModule("signal");
    PyObject *h = signal ? PyObject_CallMethod(signal, "getsignal", "i", sig) : NULL;
    PyObject *ign = signal ? PyObject_GetAttrString(signal, "SIG_IGN") : NULL;
    PyObject *dfl = signal ? PyObject_GetAttrString(signal, "SIG_DFL") : NULL;
    if (h && (h == Py_None || PyObject_RichCompareBool(h, ign, Py_EQ) == 1 ||
              PyObject_RichCompareBool(h, dfl, Py_EQ) == 1))
        Py_CLEAR(h);
    Py_XDECREF(ign);
    Py_XDECREF(dfl);
    Py_XDECREF(signal);
    PyErr_Clear();
    return h;
}

int cpy_interrupt_deliver(void)
{
    if (!cpy.interrupt_main)
        return 0;
    cpy_thr *thr = cpy_thr_current();
    if (!thr || thr->ts != cpy.main_ts)
        return 0;
    cpy.interrupt_main = false;
    while (interrupt__pending) {
        int sig = __builtin_ctzll(interrupt__pending) + 1;
        interrupt__pending &= interrupt__pending - 1;
        PyObject *h = interrupt__handler(sig);
        if (!h)
            continue;
        /* main's frame, where CPython's handler would find it */
        PyObject *f = (PyObject *)PyEval_GetFrame(); /* borrowed */
        PyObject *r = PyObject_CallFunction(h, "iO", sig, f ? f : Py_None);
        Py_DECREF(h);
        if (!r) {
            /* the others stay due, for main's next check */
            cpy.interrupt_main = interrupt__pending != 0;
            return -1;
        }
        Py_DECREF(r);
    }
    return 0;
}

/* A handler due when main comes back (it was ready, not waiting, when the
 * signal came, or the signal came during its own switch point): it runs at
 * main's next eval-breaker point (a function's entry, a loop's back-edge,
 * in any code, the standard library's too), where CPython would run it,
 * as one of CPython's pending calls. */
static bool interrupt__queued;

static int interrupt__pending_call(void *arg)
{
    (void)arg;
    interrupt__queued = false;
    return cpy.in_run ? cpy_interrupt_deliver() : 0; /* not main: its next return queues it again */
}

void cpy_interrupt_queue(PyThreadState *ts)
{
    if (cpy.interrupt_main && ts == cpy.main_ts && !interrupt__queued &&
        Py_AddPendingCall(interrupt__pending_call, NULL) == 0)
        interrupt__queued = true;
}

/* A signal for main's handler: due, and main waiting (sleep, lock, join,
 * Condition, pause...) is woken, as a signal interrupts its system call;
 * its wait then runs the handler. No Python is run here (a virtual
 * timer's expiry calls it from the scheduler). */
static void interrupt__wake_main(int sig)
{
    interrupt__pending |= 1ull << (sig - 1);
    cpy.interrupt_main = true;
    model_thread *mt = cpy.in_run ? model_main_thread() : NULL;
    if (mt && mt->st->state == SIM_T_BLOCKED) {
        if (mt->wq)
            model__waitq_remove(mt->wq, mt);
        cpy_io_flush();
        sim_wake(model_sched(), mt->st, "interrupt", SIM_NONE);
    }
}

/* interrupt_main(signum): the handler runs in main when it next runs; a
 * main waiting (sleep, lock, join...) waits on, as in CPython, where only a
 * real signal interrupts the system call. */
static PyObject *interrupt__pend(PyObject *args, PyObject *kw, const char *fmt, bool wake)
{
    static char *kwlist[] = {"signum", NULL};
    int sig = 2;
    if (!PyArg_ParseTupleAndKeywords(args, kw, fmt, kwlist, &sig))
        return NULL;
    if (sig < 1 || sig >= NSIG) {
        PyErr_SetString(PyExc_ValueError, "signal number out of range");
        return NULL;
    }
    interrupt__pending |= 1ull << (sig - 1);
    cpy.interrupt_main = true;
    if (wake)
        interrupt__wake_main(sig);
    if (cpy_interrupt_deliver() < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *mod_interrupt_main(PyObject *mod, PyObject *args, PyObject *kw)
{
    (void)mod;
    return interrupt__pend(args, kw, "|i:interrupt_main", false);
}

/* _threadsim_switch_interval(seconds): sys.setswitchinterval's new value
 * for the scheduler: a thread that runs without blocking is preempted after
 * that much of its CPU time (lines at the run's calibrated rate, the
 * --switch-steps per --switch-interval it started with), and that time is
 * charged to the clock, as CPython's GIL hands over after the interval.
 * Nothing when preemption is off (--switch-steps 0). */
static PyObject *mod_switch_interval(PyObject *mod, PyObject *arg)
{
    (void)mod;
    double x = PyFloat_AsDouble(arg);
    if (x == -1.0 && PyErr_Occurred())
        return NULL;
    sim_sched *s = cpy.in_run ? model_sched() : NULL;
    const sim_config *base = &cpy.mo.sim;
    if (!s || !s->cfg.switch_steps || !base->switch_steps || base->switch_ns <= 0 || !(x > 0))
        Py_RETURN_NONE;
    double ns = x * 1e9 < 1.0 ? 1.0 : x * 1e9 > 1e18 ? 1e18 : x * 1e9;
    double steps = (double)base->switch_steps * ns / (double)base->switch_ns;
    s->cfg.switch_ns = (int64_t)(ns + 0.5);
    s->cfg.switch_steps = steps < 1.0 ? 1 : steps >= (double)UINT32_MAX ? UINT32_MAX
                                                                          : (uint32_t)(steps + 0.5);
    Py_RETURN_NONE;
}

/* A signal that arrived while another thread ran (bootstrap.py's handler
 * wrapper): CPython runs Python handlers in the main thread only. */
static PyObject *mod_signal_main(PyObject *mod, PyObject *args)
{
    (void)mod;
    return interrupt__pend(args, NULL, "i:_threadsim_signal_main", true);
}

/* ---- signals on the virtual clock -------------------------------------------------
 *
 * The interval timers (signal.setitimer, signal.alarm) run on the virtual
 * clocks, never the host's: ITIMER_REAL on the monotonic clock (a timer of
 * the engine's queue, so it is a timed event like a sleep's end, ordered
 * with them by (due time, arming order), and a choice for the explorer
 * when due with another), ITIMER_VIRTUAL and ITIMER_PROF on the process's
 * CPU time (the switch intervals charged, time.process_time()), checked
 * each time CPU time moves. Their signals (SIGALRM, SIGVTALRM, SIGPROF) are
 * the program's own: their dispositions are kept here and by bootstrap.py
 * (the host's SIGALRM is the watchdog's), so a host timer can never reach
 * the program. An expiry does what the kernel's signal would: a Python
 * handler runs in main (main waiting is woken), SIG_IGN does nothing, and
 * SIG_DFL ends the process as the signal would, with the status a shell
 * reports for it, 128 + the signal's number (the events so far sent first,
 * as os._exit does). A periodic timer's next expiry is its last due time
 * plus its interval, as the kernel's. */
enum { VSIG_DFL, VSIG_IGN, VSIG_HANDLER };
static uint8_t vsig_kind[NSIG]; /* the program's disposition of SIGALRM, SIGVTALRM, SIGPROF */

typedef struct vitimer {
    sim_timer tm;             /* ITIMER_REAL: in the engine's queue */
    bool inited;
    int64_t due;              /* the CPU timers: due at this process CPU time; 0 unarmed */
    int64_t interval;         /* ns, 0 for one expiry */
} vitimer;
static vitimer vit[3];
static const int vit_sig[3] = {SIGALRM, SIGVTALRM, SIGPROF};

/* The signal `sig` arrives for the process (a timer's expiry, the
 * program's raise_signal or kill of itself): `kind` is its disposition. */
static _Noreturn void vsig__end(int sig);
static bool fh__user(int sig);

/* The signals blocked by the program, each thread's (pthread_sigmask, kept
 * here for every signal, in cpy_thr: the host's mask stays the engine's,
 * its SIGALRM the watchdog's), and those pending for the process because
 * they came while every thread blocked them (a timer's, or one the program
 * sent itself: delivered to a thread that does not block it, as the
 * kernel's, whose handler then runs in main as CPython's); a thread in
 * sigwait for one of them. */
static uint64_t vsig_main_mask; /* before the run's threads exist */
static uint64_t vsig_pending;
static sim_thread *vsig_waiter;

static uint64_t *vsig__mask(void)
{
    cpy_thr *thr = cpy.in_run ? cpy_thr_current() : NULL;
    return thr ? &thr->sigmask : &vsig_main_mask;
}

/* Whether every live thread blocks `sig` (the process then holds it). */
static bool vsig__all_block(int sig)
{
    uint64_t bit = 1ull << (sig - 1);
    if (!cpy.in_run)
        return (vsig_main_mask & bit) != 0;
    uint32_t n = model_thread_count();
    bool any = false;
    for (uint32_t i = 0; i < n; i++) {
        model_thread *t = model_thread_at(i);
        cpy_thr *thr = t ? t->user : NULL;
        if (!thr || !t->started || t->finished) /* (model_thread_is_alive is a step) */
            continue;
        any = true;
        if (!(thr->sigmask & bit))
            return false;
    }
    return any ? true : (*vsig__mask() & bit) != 0;
}

static void vsig__arrive(int sig, int kind)
{
    if (vsig__all_block(sig)) {
        vsig_pending |= 1ull << (sig - 1);
        if (vsig_waiter && vsig_waiter->state == SIM_T_BLOCKED)
            sim_wake(model_sched(), vsig_waiter, "signal", SIM_NONE);
        return;
    }
    if (fh__user(sig))
        return; /* faulthandler.register'ed, not chained */
    if (kind == VSIG_IGN)
        return;
    if (kind == VSIG_HANDLER) {
        interrupt__wake_main(sig);
        return;
    }
    vsig__end(sig);
}

/* The process ends as signal `sig` would end it. */
static _Noreturn void vsig__end(int sig)
{
    /* the end, in the trace at its instant: a note, as os._exit has none */
    if (cpy.in_run) {
        /* (a partial line the program left unflushed is lost, as in os._exit) */
        char text[64];
        const char *ab = sigabbrev_np(sig);
        int len = snprintf(text, sizeof text, "SIG%s ends the process", ab ? ab : "?");
        sim_sched *s = model_sched();
        sim_event ev = {.kind = SIM_EV_NOTE, .thread = s->current ? s->current->id : SIM_NONE,
                        .other = SIM_NONE, .obj = SIM_NONE, .reason = "signal", .text = text,
                        .len = (size_t)len};
        sim_emit(s, &ev);
    }
    cpy_exit_now(128 + sig);
}

/* A periodic timer last due at `due`: its first expiry after `now`
 * (saturating at the end of time). */
static int64_t vit__next(int64_t due, int64_t interval, int64_t now)
{
    int64_t k = now >= due ? (now - due) / interval + 1 : 1, step;
    if (__builtin_mul_overflow(k, interval, &step))
        return SIM_TIME_END;
    return sim_time_add(due, step);
}

static void vit__real_fire(sim_timer *tm, void *ud)
{
    (void)ud;
    vitimer *v = &vit[0];
    if (v->interval > 0) {
        /* the next expiry after now: expiries the clock passed at once (a
         * switch interval charged) are one signal, as the kernel folds
         * overruns */
        sim_sched *s = model_sched();
        (void)sim_timerq_arm(&s->timers, &v->tm, vit__next(tm->when, v->interval, s->now));
    }
    vsig__arrive(SIGALRM, vsig_kind[SIGALRM]);
}

/* The CPU timers due by `cpu_ns` expire (the engine's hook, called each
 * time process CPU time moves). */
static void vit__cpu(void *ud, sim_sched *s)
{
    (void)ud;
    for (int w = 1; w <= 2; w++) {
        vitimer *v = &vit[w];
        if (!v->due || s->cpu_ns < v->due)
            continue;
        if (v->interval > 0) {
            /* every expiry that fell within the interval charged counts once,
             * as the kernel folds overruns into one signal */
            v->due = vit__next(v->due, v->interval, s->cpu_ns);
        } else {
            v->due = 0;
        }
        vsig__arrive(vit_sig[w], vsig_kind[vit_sig[w]]);
    }
    int64_t next = 0;
    for (int w = 1; w <= 2; w++)
        if (vit[w].due && (!next || vit[w].due < next))
            next = vit[w].due;
    s->cpu_due = next;
}

/* The remaining time and interval of timer `which`, in ns. */
static void vit__get(int which, int64_t *value, int64_t *interval)
{
    sim_sched *s = model_sched();
    vitimer *v = &vit[which];
    *value = 0;
    *interval = v->interval;
    if (which == 0) {
        if (v->inited && sim_timer_armed(&v->tm))
            *value = v->tm.when - s->now;
    } else if (v->due) {
        *value = v->due - s->cpu_ns;
    }
    if (*value <= 0 && (which == 0 ? v->inited && sim_timer_armed(&v->tm) : v->due != 0))
        *value = 1000; /* armed and due now: the kernel says 1 us */
}

/* _threadsim_setitimer(which, value_ns, interval_ns) -> (old value, old
 * interval) in ns; _threadsim_setitimer(which) reads them only. bootstrap.py
 * converts seconds to whole microseconds and back as CPython and the
 * kernel do. */
static PyObject *mod_setitimer(PyObject *mod, PyObject *args)
{
    (void)mod;
    int which;
    long long value = -1, interval = 0;
    if (!PyArg_ParseTuple(args, "i|LL:_threadsim_setitimer", &which, &value, &interval))
        return NULL;
    if (which < 0 || which > 2 || !cpy.in_run) {
        PyErr_SetString(PyExc_ValueError, "threadsim: no such timer");
        return NULL;
    }
    int64_t ov, oi;
    vit__get(which, &ov, &oi);
    if (value >= 0) {
        sim_sched *s = model_sched();
        vitimer *v = &vit[which];
        v->interval = value > 0 ? interval : 0;
        if (which == 0) {
            if (!v->inited) {
                sim_timer_init(&v->tm, vit__real_fire, NULL);
                v->inited = true;
            }
            sim_timerq_cancel(&s->timers, &v->tm);
            if (value > 0 && sim_timerq_arm(&s->timers, &v->tm, sim_time_add(s->now, value)) != 0)
                return PyErr_NoMemory();
            cpy_trace_update(); /* a timer pending: time moves with the steps */
        } else {
            v->due = value > 0 ? sim_time_add(s->cpu_ns, value) : 0;
            vit__cpu(NULL, s); /* the hook's next due time */
            s->on_cpu = vit__cpu;
            s->on_cpu_ud = NULL;
        }
    }
    return Py_BuildValue("LL", (long long)ov, (long long)oi);
}

/* _threadsim_vsig(sig, kind): the program's disposition of SIGALRM,
 * SIGVTALRM or SIGPROF (0 SIG_DFL, 1 SIG_IGN, 2 a Python handler). */
static PyObject *mod_vsig(PyObject *mod, PyObject *args)
{
    (void)mod;
    int sig, kind;
    if (!PyArg_ParseTuple(args, "ii:_threadsim_vsig", &sig, &kind))
        return NULL;
    if (sig < 1 || sig >= NSIG || kind < 0 || kind > 2) {
        PyErr_SetString(PyExc_ValueError, "threadsim: bad signal disposition");
        return NULL;
    }
    vsig_kind[sig] = (uint8_t)kind;
    Py_RETURN_NONE;
}

static PyObject *vsig__raise(int sig, int kind)
{
    if (!cpy.in_run) {
        if (kind == VSIG_DFL)
            cpy_exit_now(128 + sig);
        Py_RETURN_NONE;
    }
    vsig__arrive(sig, kind);
    if (cpy_interrupt_deliver() < 0)
        return NULL;
    Py_RETURN_NONE;
}

/* _threadsim_raise(sig, kind): the program signals itself (raise_signal,
 * kill of its own process) with a signal whose disposition is `kind`:
 * SIG_DFL of a signal that ends a process ends the run as that signal
 * would; a handler runs in main (at once when main raised it). */
static PyObject *mod_raise(PyObject *mod, PyObject *args)
{
    (void)mod;
    int sig, kind;
    if (!PyArg_ParseTuple(args, "ii:_threadsim_raise", &sig, &kind))
        return NULL;
    if (sig < 1 || sig >= NSIG || kind < 0 || kind > 2) {
        PyErr_SetString(PyExc_ValueError, "signal number out of range");
        return NULL;
    }
    return vsig__raise(sig, kind);
}

/* _threadsim_raise_signal(sig): signal.raise_signal's own part, after
 * bootstrap's check found nothing to do itself (the gate's real function,
 * so no frame of threadsim's is under the handler, which CPython runs with
 * the caller's frame as the interrupted one): one of the timers' signals
 * to its virtual disposition, anything else CPython's raise_signal (its
 * errors too). */
static PyObject *mod_raise_signal(PyObject *mod, PyObject *arg)
{
    (void)mod;
    if (PyLong_Check(arg)) {
        int over = 0;
        long sig = PyLong_AsLongAndOverflow(arg, &over);
        if (sig == -1 && PyErr_Occurred())
            return NULL;
        if (!over && (sig == SIGALRM || sig == SIGVTALRM || sig == SIGPROF))
            return vsig__raise((int)sig, vsig_kind[sig]);
    }
    PyObject *sigmod = PyImport_ImportModule("_signal");
    PyObject *r = sigmod ? PyObject_CallMethod(sigmod, "raise_signal", "O", arg) : NULL;
    Py_XDECREF(sigmod);
    return r;
}

/* _threadsim_crash(sig): the program's own crash (faulthandler._sigsegv
 * and the like, which python3 dies of): the run ends as the signal ends
 * that process, status 128 + sig, never as the engine's failure. */
static PyObject *mod_crash(PyObject *mod, PyObject *arg)
{
    (void)mod;
    long sig = PyLong_AsLong(arg);
    if (sig == -1 && PyErr_Occurred())
        return NULL;
    if (sig < 1 || sig >= NSIG) {
        PyErr_SetString(PyExc_ValueError, "signal number out of range");
        return NULL;
    }
    cpy_io_flush();
    vsig__end((int)sig);
}

/* _threadsim_kill_self(sig): the program sends itself `sig`, not one of
 * the timers' signals. Blocked (the program's mask), it is pending. Else
 * the host's disposition decides, as the kernel's would: at its default (or the engine's own fault handler, which the
 * program does not see), a signal that ends a process ends the run (status
 * 128 + sig), one ignored by default or a stop signal does nothing, and
 * True is returned; anything else (a Python handler, SIG_IGN, a C
 * handler such as faulthandler's) returns False: the caller raises the
 * real signal. */
static bool vsig__self(int sig)
{
    if (sig != SIGKILL && sig != SIGSTOP && vsig__all_block(sig)) {
        vsig__arrive(sig, VSIG_DFL); /* blocked: pending (sigpending, sigwait) */
        return true;
    }
    if (sig != SIGKILL && sig != SIGSTOP && fh__user(sig))
        return true; /* faulthandler.register'ed, not chained */
    struct sigaction sa;
    bool dfl = sig == SIGKILL || sig == SIGSTOP;
    if (!dfl && sigaction(sig, NULL, &sa) == 0)
        dfl = (!(sa.sa_flags & SA_SIGINFO) && sa.sa_handler == SIG_DFL) ||
              ((sig == SIGSEGV || sig == SIGBUS) && cpy_engine_fault_handler(&sa));
    if (!dfl)
        return false;
    switch (sig) {
    case SIGCHLD: case SIGCONT: case SIGURG: case SIGWINCH:   /* ignored by default */
    case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:   /* nothing would continue it */
        return true;
    default:
        vsig__end(sig);
    }
}

static PyObject *mod_kill_self(PyObject *mod, PyObject *args)
{
    (void)mod;
    int sig;
    if (!PyArg_ParseTuple(args, "i:_threadsim_kill_self", &sig))
        return NULL;
    if (sig < 1 || sig >= NSIG)
        Py_RETURN_FALSE;
    return PyBool_FromLong(vsig__self(sig));
}

/* ---- faulthandler's dumps: output of the run, timeouts on the virtual clock ----
 *
 * faulthandler writes tracebacks straight to a file descriptor; fd 1 and 2
 * are the host's, not the run's streams, so a dump went around the trace
 * (printed before what came first). Here a dump to them is made into a
 * memory file and becomes one output event. dump_traceback_later's
 * watchdog was a host thread on the wall clock; here it is a timer of the
 * engine's queue: at its virtual instant, "Timeout (H:MM:SS.us)!" and every
 * thread's stack, as the watchdog prints them (no thread is "current"),
 * then the process ends with status 1 if asked (the watchdog's _exit(1)),
 * or the timer is armed again with repeat. */
static const char *fh__dump(int fd, bool all, PyThreadState *cur, const char *head)
{
    static char no_thread; /* a current thread that is none of them: the watchdog's */
    if (!cur)
        cur = (PyThreadState *)(void *)&no_thread;
    /* into a memory file first: threadsim's own frames (bootstrap.py's,
     * "<threadsim>": the program's kill or raise_signal) are left out */
    int out = memfd_create("threadsim-faulthandler", MFD_CLOEXEC);
    if (out < 0)
        return "threadsim: no memory file for the dump";
    const char *err = NULL;
    if (head && write(out, head, strlen(head)) < 0)
        err = NULL; /* as faulthandler: a failed write is not reported */
    err = cpy_ts_dump_stacks(out, all, cur);
    off_t n = lseek(out, 0, SEEK_CUR);
    char *buf = n > 0 ? malloc((size_t)n) : NULL;
    if (buf && pread(out, buf, (size_t)n, 0) == n) {
        static const char ours[] = "  File \"<threadsim>\", line ";
        size_t k = 0;
        for (char *p = buf, *end = buf + n; p < end;) {
            char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t len = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
            if (!(len >= sizeof ours - 1 && memcmp(p, ours, sizeof ours - 1) == 0)) {
                memmove(buf + k, p, len);
                k += len;
            }
            p += len;
        }
        if (fd == 1 || fd == 2)
            cpy_io_emit_raw(fd, buf, k);
        else
            for (size_t off = 0; off < k;) {
                ssize_t w = write(fd, buf + off, k - off);
                if (w <= 0)
                    break;
                off += (size_t)w;
            }
    }
    free(buf);
    close(out);
    return err;
}

/* The file argument as faulthandler takes it: None for sys.stderr, an
 * fd, or an object's fileno() (flushed first); -1 with the exception. */
static int fh__fileno(PyObject *file)
{
    PyObject *own = NULL;
    if (!file || file == Py_None) {
        file = own = PySys_GetObject("stderr"); /* borrowed */
        if (!file || file == Py_None) {
            PyErr_SetString(PyExc_RuntimeError, "sys.stderr is None");
            return -1;
        }
    }
    if (PyLong_Check(file)) {
        int fd = _PyLong_AsInt(file);
        if (fd == -1 && PyErr_Occurred())
            return -1;
        if (fd < 0) {
            PyErr_SetString(PyExc_ValueError, "file is not a valid file descriptor");
            return -1;
        }
        return fd;
    }
    PyObject *r = PyObject_CallMethod(file, "fileno", NULL);
    if (!r)
        return -1;
    int fd = PyLong_Check(r) ? _PyLong_AsInt(r) : -1;
    Py_DECREF(r);
    if (fd == -1 && PyErr_Occurred())
        return -1;
    if (fd < 0) {
        PyErr_SetString(PyExc_RuntimeError, "file.fileno() is not a valid file descriptor");
        return -1;
    }
    r = PyObject_CallMethod(file, "flush", NULL);
    if (r)
        Py_DECREF(r);
    else
        PyErr_Clear(); /* ignore flush() error */
    return fd;
}

/* faulthandler.dump_traceback(file=sys.stderr, all_threads=True) */
static PyObject *fh_dump_traceback(PyObject *mod, PyObject *args, PyObject *kw)
{
    (void)mod;
    static char *kwlist[] = {"file", "all_threads", NULL};
    PyObject *file = NULL;
    int all = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|Op:dump_traceback", kwlist, &file, &all))
        return NULL;
    int fd = fh__fileno(file);
    if (fd < 0)
        return NULL;
    const char *err = fh__dump(fd, all, PyThreadState_Get(), NULL);
    if (err) {
        PyErr_SetString(PyExc_RuntimeError, err);
        return NULL;
    }
    Py_RETURN_NONE;
}

static struct {
    sim_timer tm;
    bool inited, repeat, exit;
    int fd;
    int64_t timeout_us;
    PyObject *file;           /* kept open while armed, as faulthandler keeps it */
} fh_later;

static void fh__later_fire(sim_timer *tm, void *ud)
{
    (void)ud;
    char head[100];
    int64_t us = fh_later.timeout_us;
    unsigned long sec = (unsigned long)(us / 1000000), min = sec / 60, hour = min / 60;
    us %= 1000000;
    sec %= 60;
    min %= 60;
    if (us)
        snprintf(head, sizeof head, "Timeout (%lu:%02lu:%02lu.%06u)!\n", hour, min, sec,
                 (unsigned)us);
    else
        snprintf(head, sizeof head, "Timeout (%lu:%02lu:%02lu)!\n", hour, min, sec);
    (void)fh__dump(fh_later.fd, true, NULL, head);
    if (fh_later.exit)
        cpy_exit_now(1);
    if (fh_later.repeat)
        (void)sim_timerq_arm(&model_sched()->timers, tm,
                             sim_time_add(tm->when, fh_later.timeout_us * 1000));
}

static void fh__cancel(void)
{
    if (fh_later.inited && cpy.in_run)
        sim_timerq_cancel(&model_sched()->timers, &fh_later.tm);
    Py_CLEAR(fh_later.file);
}

/* faulthandler.dump_traceback_later(timeout, repeat=False, file=sys.stderr, exit=False) */
static PyObject *fh_dump_later(PyObject *mod, PyObject *args, PyObject *kw)
{
    (void)mod;
    static char *kwlist[] = {"timeout", "repeat", "file", "exit", NULL};
    PyObject *timeout, *file = NULL;
    int repeat = 0, exit_ = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|iOi:dump_traceback_later", kwlist, &timeout,
                                     &repeat, &file, &exit_))
        return NULL;
    int64_t ns;
    if (cpy_timeout_ns(timeout, &ns) < 0)
        return NULL;
    int64_t us = ns / 1000 + (ns % 1000 > 0); /* rounded up, as _PyTime_ROUND_TIMEOUT */
    if (us <= 0) {
        PyErr_SetString(PyExc_ValueError, "timeout must be greater than 0");
        return NULL;
    }
    if (us > (int64_t)LONG_MAX / 1000 || us > 9223372036000000) {
        PyErr_SetString(PyExc_OverflowError, "timeout value is too large");
        return NULL;
    }
    int fd = fh__fileno(file);
    if (fd < 0)
        return NULL;
    fh__cancel();
    if (!cpy.in_run)
        Py_RETURN_NONE;
    if (!fh_later.inited) {
        sim_timer_init(&fh_later.tm, fh__later_fire, NULL);
        fh_later.inited = true;
    }
    fh_later.fd = fd;
    fh_later.repeat = repeat != 0;
    fh_later.exit = exit_ != 0;
    fh_later.timeout_us = us;
    Py_XINCREF(file);
    fh_later.file = file;
    sim_sched *s = model_sched();
    if (sim_timerq_arm(&s->timers, &fh_later.tm, sim_time_add(s->now, us * 1000)) != 0)
        return PyErr_NoMemory();
    cpy_trace_update();
    Py_RETURN_NONE;
}

static PyObject *fh_cancel_later(PyObject *mod, PyObject *unused)
{
    (void)mod;
    (void)unused;
    fh__cancel();
    Py_RETURN_NONE;
}

/* faulthandler.register(signum, file, all_threads, chain): the dump on a
 * signal the process gets (only its own here: raise_signal, kill of
 * itself, its timers), kept here instead of a host handler that would
 * write to the host's descriptor. */
static struct fh_user {
    bool on, all, chain;
    int fd;
    PyObject *file;
    bool displaced;           /* signal.signal set another handler since */
} fh_user[NSIG];

/* The signal `sig` arrives: its registered dump, if any. Returns true if
 * the signal is consumed (registered without chain). */
static bool fh__user(int sig)
{
    if (sig < 1 || sig >= NSIG || !fh_user[sig].on || fh_user[sig].displaced)
        return false;
    cpy_thr *thr = cpy_thr_current();
    (void)fh__dump(fh_user[sig].fd, fh_user[sig].all, thr ? thr->ts : NULL, NULL);
    return !fh_user[sig].chain;
}

static PyObject *fh_register(PyObject *mod, PyObject *args, PyObject *kw)
{
    (void)mod;
    static char *kwlist[] = {"signum", "file", "all_threads", "chain", NULL};
    int sig, all = 1, chain = 0;
    PyObject *file = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "i|Opp:register", kwlist, &sig, &file, &all, &chain))
        return NULL;
    if (sig == SIGSEGV || sig == SIGFPE || sig == SIGABRT || sig == SIGBUS || sig == SIGILL) {
        PyErr_Format(PyExc_RuntimeError, "signal %i cannot be registered, use enable() instead", sig);
        return NULL;
    }
    if (sig < 1 || sig >= NSIG) {
        PyErr_SetString(PyExc_ValueError, "signal number out of range");
        return NULL;
    }
    int fd = fh__fileno(file);
    if (fd < 0)
        return NULL;
    struct fh_user *u = &fh_user[sig];
    Py_XINCREF(file);
    Py_XSETREF(u->file, file); /* kept open while registered, as faulthandler keeps it */
    u->on = true;
    u->all = all != 0;
    u->chain = chain != 0;
    u->fd = fd;
    u->displaced = false;
    Py_RETURN_NONE;
}

static PyObject *fh_unregister(PyObject *mod, PyObject *args)
{
    (void)mod;
    int sig;
    if (!PyArg_ParseTuple(args, "i:unregister", &sig))
        return NULL;
    if (sig < 1 || sig >= NSIG) {
        PyErr_SetString(PyExc_ValueError, "signal number out of range");
        return NULL;
    }
    bool was = fh_user[sig].on;
    Py_CLEAR(fh_user[sig].file);
    fh_user[sig].on = false;
    return PyBool_FromLong(was);
}

/* _threadsim_fh_displace(sig): signal.signal(sig, ...) replaced the host
 * handler faulthandler.register would have installed: no dump any more
 * (faulthandler still counts it registered, as CPython's does). */
static PyObject *mod_fh_displace(PyObject *mod, PyObject *arg)
{
    (void)mod;
    int sig = _PyLong_AsInt(arg);
    if (sig == -1 && PyErr_Occurred())
        return NULL;
    if (sig > 0 && sig < NSIG)
        fh_user[sig].displaced = true;
    Py_RETURN_NONE;
}

static PyMethodDef fh_methods[] = {
    {"dump_traceback", (PyCFunction)(void (*)(void))fh_dump_traceback, METH_VARARGS | METH_KEYWORDS,
     NULL},
    {"dump_traceback_later", (PyCFunction)(void (*)(void))fh_dump_later,
     METH_VARARGS | METH_KEYWORDS, NULL},
    {"cancel_dump_traceback_later", fh_cancel_later, METH_NOARGS, NULL},
    {"register", (PyCFunction)(void (*)(void))fh_register, METH_VARARGS | METH_KEYWORDS, NULL},
    {"unregister", fh_unregister, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

/* _threadsim_faulthandler(module): its three functions replaced by ours
 * (with its docstrings) */
static PyObject *mod_faulthandler(PyObject *mod, PyObject *fhmod)
{
    (void)mod;
    for (PyMethodDef *d = fh_methods; d->ml_name; d++) {
        if (!d->ml_doc) {
            PyObject *o = PyObject_GetAttrString(fhmod, d->ml_name);
            PyObject *doc = o ? PyObject_GetAttrString(o, "__doc__") : NULL;
            const char *t = doc && PyUnicode_Check(doc) ? PyUnicode_AsUTF8(doc) : NULL;
            d->ml_doc = t ? strdup(t) : NULL;
            Py_XDECREF(doc);
            Py_XDECREF(o);
            PyErr_Clear();
        }
        PyObject *name = PyUnicode_FromString("faulthandler");
        PyObject *f = name ? PyCFunction_NewEx(d, NULL, name) : NULL;
        Py_XDECREF(name);
        if (!f || PyObject_SetAttrString(fhmod, d->ml_name, f) < 0) {
            Py_XDECREF(f);
            return NULL;
        }
        Py_DECREF(f);
    }
    Py_RETURN_NONE;
}

/* ---- a gate: the library's function, unless the engine's check takes the call ----
 *
 * _threadsim_gate(check, real, name, module, doc) is a C function that calls
 * check(*args, **kwargs) and returns its result unless that is
 * NotImplemented, in which case it calls real(*args, **kwargs) from C: a
 * call the engine does not take (open() of a file) raises from the real
 * function with CPython's own traceback, no frame of the engine's in it. */
/* The exception being raised loses the traceback entries of threadsim's
 * own code (bootstrap.py's frames, "<threadsim>"): a gate is a C function,
 * so with them gone the program sees CPython's traceback of a C call. */
static void gate__clean_traceback(void)
{
    PyObject *t, *v, *tb;
    PyErr_Fetch(&t, &v, &tb);
    PyObject *head = NULL, *prev = NULL;
    for (PyObject *e = tb; e && e != Py_None;) {
        PyObject *next = PyObject_GetAttrString(e, "tb_next");
        PyObject *frame = PyObject_GetAttrString(e, "tb_frame");
        PyCodeObject *co = frame ? PyFrame_GetCode((PyFrameObject *)frame) : NULL;
        const char *fn = co ? PyUnicode_AsUTF8(co->co_filename) : NULL;
        bool ours = fn && strcmp(fn, "<threadsim>") == 0;
        Py_XDECREF(co);
        Py_XDECREF(frame);
        if (!next) {
            PyErr_Clear();
            break;
        }
        if (!ours) {
            if (!head)
                head = Py_NewRef(e);
            else if (PyObject_SetAttrString(prev, "tb_next", e) < 0)
                PyErr_Clear();
            prev = e;
        }
        Py_DECREF(next);
        e = next == Py_None ? NULL : next;
    }
    if (prev && PyObject_SetAttrString(prev, "tb_next", Py_None) < 0)
        PyErr_Clear();
    PyErr_Clear();
    Py_XDECREF(tb);
    PyErr_NormalizeException(&t, &v, &head);
    if (v && head)
        PyException_SetTraceback(v, head);
    else if (v)
        PyException_SetTraceback(v, Py_None);
    PyErr_Restore(t, v, head);
}

static PyObject *gate_call(PyObject *self, PyObject *args, PyObject *kw)
{
    /* self: a module object holding the two (a module, so that the function's
     * repr is "<built-in function NAME>", as the real one's) */
    PyObject *d = PyModule_GetDict(self); /* borrowed */
    PyObject *check = d ? PyDict_GetItemString(d, "check") : NULL;
    PyObject *real = d ? PyDict_GetItemString(d, "real") : NULL;
    if (!check || !real) {
        PyErr_SetString(PyExc_SystemError, "threadsim: a gate without its functions");
        return NULL;
    }
    PyObject *r = PyObject_Call(check, args, kw);
    if (!r) {
        gate__clean_traceback();
        return NULL;
    }
    if (r != Py_NotImplemented || real == Py_None)
        return r;
    Py_DECREF(r);
    return PyObject_Call(real, args, kw);
}

/* Every gate's definition, kept for good and reachable from here: a gate
 * the program (or the bootstrap) drops must not take a definition a call in
 * flight still reads (nor look leaked to LeakSanitizer). */
typedef struct gate_def {
    struct gate_def *next;
    PyMethodDef def;
} gate_def;
static gate_def *gate_defs;

static PyObject *mod_gate(PyObject *mod, PyObject *args)
{
    (void)mod;
    PyObject *check, *real, *module;
    const char *name, *doc;
    if (!PyArg_ParseTuple(args, "OOsOz:_threadsim_gate", &check, &real, &name, &module, &doc))
        return NULL;
    gate_def *g = calloc(1, sizeof *g);
    if (!g)
        return PyErr_NoMemory();
    g->next = gate_defs;
    gate_defs = g;
    PyMethodDef *def = &g->def;
    def->ml_name = strdup(name);
    def->ml_meth = (PyCFunction)(void (*)(void))gate_call;
    def->ml_flags = METH_VARARGS | METH_KEYWORDS;
    def->ml_doc = doc ? strdup(doc) : NULL;
    PyObject *self = PyModule_NewObject(module);
    if (self && (PyModule_AddObjectRef(self, "check", check) < 0 ||
                 PyModule_AddObjectRef(self, "real", real) < 0))
        Py_CLEAR(self);
    PyObject *f = self ? PyCFunction_NewEx(def, self, module) : NULL;
    Py_XDECREF(self);
    return f;
}

/* _threadsim_steps(k): k steps toward --max-steps (cpy_count_steps). */
static PyObject *mod_steps(PyObject *mod, PyObject *arg)
{
    (void)mod;
    unsigned long long k = PyLong_AsUnsignedLongLong(arg);
    if (k == (unsigned long long)-1 && PyErr_Occurred())
        return NULL;
    cpy_count_steps(k);
    Py_RETURN_NONE;
}

/* _threadsim_at_end(fn): fn() is called after the program's exit functions,
 * where CPython's finalization begins (bootstrap.py: files left unflushed). */
PyObject *cpy_at_end_fn;

static PyObject *mod_at_end(PyObject *mod, PyObject *fn)
{
    (void)mod;
    Py_XSETREF(cpy_at_end_fn, Py_NewRef(fn));
    Py_RETURN_NONE;
}

/* _threadsim_std_closed(fd): the program closed fd 1 or 2 (bootstrap.py's
 * os.close): its stream's bytes stay in it (cpy_io_std_closed). */
static PyObject *mod_std_closed(PyObject *mod, PyObject *arg)
{
    (void)mod;
    int fd = _PyLong_AsInt(arg);
    if (fd == -1 && PyErr_Occurred())
        return NULL;
    cpy_io_std_closed(fd);
    Py_RETURN_NONE;
}

/* _threadsim_tb_format(fn): fn(type, value, tb, limit) -> the lines of an
 * uncaught exception's report (bootstrap.py: CPython's C printer's source
 * lines; cpy_print_exception). */
PyObject *cpy_tb_format_fn;

static PyObject *mod_tb_format(PyObject *mod, PyObject *fn)
{
    (void)mod;
    Py_XSETREF(cpy_tb_format_fn, Py_NewRef(fn));
    Py_RETURN_NONE;
}

/* _threadsim_vmask(how, bits) -> old bits: the calling thread's
 * pthread_sigmask (how: 0 block, 1 unblock, 2 set); the process's pending
 * signals it unblocks arrive now, in signal order. */
static PyObject *mod_vmask(PyObject *mod, PyObject *args)
{
    (void)mod;
    int how;
    unsigned long long bits;
    if (!PyArg_ParseTuple(args, "iK:_threadsim_vmask", &how, &bits))
        return NULL;
    uint64_t *mask = vsig__mask();
    uint64_t old = *mask;
    /* SIGKILL and SIGSTOP cannot be blocked (the kernel drops them silently) */
    bits &= ~((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)));
    *mask = how == 0 ? old | bits : how == 1 ? old & ~bits : bits;
    uint64_t due = vsig_pending & ~*mask; /* this thread takes them now */
    vsig_pending &= ~due;
    while (due) {
        int sig = __builtin_ctzll(due) + 1;
        due &= due - 1;
        if (sig == SIGALRM || sig == SIGVTALRM || sig == SIGPROF)
            vsig__arrive(sig, vsig_kind[sig]);
        else if (!vsig__self(sig))
            raise(sig); /* its handler (the host's mask never blocks it) */
    }
    if (cpy_interrupt_deliver() < 0)
        return NULL;
    return PyLong_FromUnsignedLongLong(old);
}

/* _threadsim_vpending() -> bits */
static PyObject *mod_vpending(PyObject *mod, PyObject *unused)
{
    (void)mod;
    (void)unused;
    return PyLong_FromUnsignedLongLong(vsig_pending);
}

/* _threadsim_vsigwait(bits, timeout_ns) -> the signal taken, or 0 when the
 * timeout (-1: none) passed first: sigwait of the timers' signals, the
 * calling thread waiting on the virtual clock. */
static PyObject *mod_vsigwait(PyObject *mod, PyObject *args)
{
    (void)mod;
    unsigned long long bits;
    long long timeout;
    if (!PyArg_ParseTuple(args, "KL:_threadsim_vsigwait", &bits, &timeout))
        return NULL;
    int64_t deadline = !cpy.in_run || timeout < 0 ? SIM_FOREVER
                                                  : sim_time_add(model_now_ns(), timeout);
    for (;;) {
        uint64_t got = vsig_pending & bits;
        if (got) {
            int sig = __builtin_ctzll(got) + 1;
            vsig_pending &= ~(1ull << (sig - 1));
            return PyLong_FromLong(sig);
        }
        if (!cpy.in_run || (deadline != SIM_FOREVER && deadline <= model_now_ns()))
            return PyLong_FromLong(0);
        cpy_io_flush();
        PyThreadState *ts = cpy_leave();
        sim_sched *s = model_sched();
        vsig_waiter = s->current;
        int r = sim_block(s, "signal.sigwait", SIM_NONE, "a signal", deadline);
        vsig_waiter = NULL;
        cpy_back(ts);
        if (cpy_interrupt_deliver() < 0)
            return NULL;
        if (r == SIM_TIMEDOUT && !(vsig_pending & bits))
            return PyLong_FromLong(0);
    }
}

/* _threadsim_pause(): signal.pause(): the calling thread waits until a
 * signal's handler is due in main (then main runs it, and returns). */
static PyObject *mod_pause(PyObject *mod, PyObject *unused)
{
    (void)mod;
    (void)unused;
    if (!cpy.in_run)
        Py_RETURN_NONE;
    cpy_io_flush();
    if (!cpy.interrupt_main) {
        PyThreadState *ts = cpy_leave();
        sim_sched *s = model_sched();
        (void)sim_block(s, "signal.pause", SIM_NONE, "a signal", SIM_FOREVER);
        cpy_back(ts);
    }
    if (cpy_interrupt_deliver() < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *mod_exit(PyObject *mod, PyObject *unused)
{
    (void)mod;
    (void)unused;
    PyErr_SetNone(PyExc_SystemExit);
    return NULL;
}

/* _threadsim_engine_fd(fd): whether `fd` is one of the engine's own
 * descriptors, which the program's os.close and os.closerange leave
 * (bootstrap.py). */
/* _threadsim_write_now(fd, data): os.write's to the run's stdout or stderr
 * (bootstrap.py): the bytes out now, as the write(2) python3 makes. */
static PyObject *mod_write_now(PyObject *mod, PyObject *args)
{
    (void)mod;
    int fd;
    Py_buffer v;
    if (!PyArg_ParseTuple(args, "iy*:_threadsim_write_now", &fd, &v))
        return NULL;
    int rc = cpy_io_write_now(fd, v.buf, (size_t)v.len);
    Py_ssize_t n = v.len;
    PyBuffer_Release(&v);
    return rc < 0 ? NULL : PyLong_FromSsize_t(n);
}

static PyObject *mod_engine_fd(PyObject *mod, PyObject *arg)
{
    (void)mod;
    int fd = _PyLong_AsInt(arg);
    if (fd == -1 && PyErr_Occurred())
        return NULL;
    return PyBool_FromLong(cpy_engine_fd(fd));
}

/* _threadsim_kill_rest(pid, sig): os.kill's (and os.killpg's) own part
 * when bootstrap's check found the process signalling itself:
 * _threadsim_raise_signal(sig). */
static PyObject *mod_kill_rest(PyObject *mod, PyObject *args)
{
    PyObject *pid, *sig;
    if (!PyArg_ParseTuple(args, "OO:_threadsim_kill_rest", &pid, &sig))
        return NULL;
    return mod_raise_signal(mod, sig);
}

static PyMethodDef mod_methods[] = {
    {"_threadsim_engine_fd", mod_engine_fd, METH_O, NULL},
    {"_threadsim_write_now", mod_write_now, METH_VARARGS, NULL},
    {"start_new_thread", mod_start_new_thread, METH_VARARGS, NULL},
    {"start_new", mod_start_new_thread, METH_VARARGS, NULL},
    {"allocate_lock", mod_allocate_lock, METH_NOARGS, NULL},
    {"allocate", mod_allocate_lock, METH_NOARGS, NULL},
    {"get_ident", mod_get_ident, METH_NOARGS, NULL},
    {"get_native_id", mod_get_native_id, METH_NOARGS, NULL},
    {"_excepthook", mod_excepthook, METH_O, NULL},
    {"_count", mod_count, METH_NOARGS, NULL},
    {"_set_sentinel", mod_set_sentinel, METH_NOARGS, NULL},
    {"stack_size", mod_stack_size, METH_VARARGS, NULL},
    {"interrupt_main", (PyCFunction)(void (*)(void))mod_interrupt_main, METH_VARARGS | METH_KEYWORDS, NULL},
    {"_threadsim_signal_main", mod_signal_main, METH_VARARGS, NULL},
    {"_threadsim_switch_interval", mod_switch_interval, METH_O, NULL},
    {"_threadsim_setitimer", mod_setitimer, METH_VARARGS, NULL},
    {"_threadsim_vsig", mod_vsig, METH_VARARGS, NULL},
    {"_threadsim_raise", mod_raise, METH_VARARGS, NULL},
    {"_threadsim_raise_signal", mod_raise_signal, METH_O, NULL},
    {"_threadsim_kill_rest", mod_kill_rest, METH_VARARGS, NULL},
    {"_threadsim_pause", mod_pause, METH_NOARGS, NULL},
    {"_threadsim_kill_self", mod_kill_self, METH_VARARGS, NULL},
    {"_threadsim_crash", mod_crash, METH_O, NULL},
    {"_threadsim_faulthandler", mod_faulthandler, METH_O, NULL},
    {"_threadsim_gate", mod_gate, METH_VARARGS, NULL},
    {"_threadsim_at_end", mod_at_end, METH_O, NULL},
    {"_threadsim_tb_format", mod_tb_format, METH_O, NULL},
    {"_threadsim_std_closed", mod_std_closed, METH_O, NULL},
    {"_threadsim_steps", mod_steps, METH_O, NULL},
    {"_threadsim_vmask", mod_vmask, METH_VARARGS, NULL},
    {"_threadsim_vpending", mod_vpending, METH_NOARGS, NULL},
    {"_threadsim_vsigwait", mod_vsigwait, METH_VARARGS, NULL},
    {"_threadsim_fh_displace", mod_fh_displace, METH_O, NULL},
    {"exit", mod_exit, METH_NOARGS, NULL},
    {"exit_thread", mod_exit, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef cpy_thread_def = {
    PyModuleDef_HEAD_INIT, "_thread",
    "threadsim's _thread: threads and locks of the simulator (green threads, virtual time).", -1,
    mod_methods, NULL, NULL, NULL, NULL,
};

/* CPython's own docstrings for ours (help(threading.Lock), a lock
 * method's __doc__): read from the _thread module libpython builds
 * (PyInit__thread, multi-phase: made from its definition and executed),
 * which is then dropped; nothing of it is kept but the text. A name
 * CPython 3.11 does not have keeps no docstring. */
extern PyObject *PyInit__thread(void);

/* CPython's own _thread._local, kept from that module: its values live in
 * each thread's PyThreadState dict, and every green thread has its own
 * state, so it is exact as it is (freed when a thread's state is). */
static PyObject *thread_local_type;

static char *thread__doc_of(PyObject *owner, const char *name)
{
    PyObject *o = name ? PyObject_GetAttrString(owner, name) : Py_NewRef(owner);
    PyObject *d = o ? PyObject_GetAttrString(o, "__doc__") : NULL;
    const char *t = d && PyUnicode_Check(d) ? PyUnicode_AsUTF8(d) : NULL;
    char *copy = t ? strdup(t) : NULL; /* off the Python region: kept for good */
    Py_XDECREF(d);
    Py_XDECREF(o);
    PyErr_Clear();
    return copy;
}

/* CPython's words for a timeout past _PyTime_t (a float's, an int's):
 * this libpython's own, read from its lock's acquire at start-up. They
 * changed within 3.11: 3.11.2 says "timestamp too large to convert to C
 * _PyTime_t" for both, 3.11.7 "timestamp out of range for platform time_t"
 * for a float. */
char cpy_overflow_float[128] = "timestamp out of range for platform time_t";
char cpy_overflow_int[128] = "timestamp too large to convert to C _PyTime_t";

static void thread__overflow_words(PyObject *mod)
{
    PyObject *lock = PyObject_CallMethod(mod, "allocate_lock", NULL);
    PyObject *huge[2] = {PyFloat_FromDouble(1e300), PyLong_FromUnsignedLongLong(~0ULL)};
    char *into[2] = {cpy_overflow_float, cpy_overflow_int};
    for (int i = 0; i < 2 && lock; i++) {
        if (!huge[i])
            continue;
        /* an unlocked lock: acquired at once if the value were accepted */
        PyObject *r = PyObject_CallMethod(lock, "acquire", "iO", 1, huge[i]);
        if (r) {
            Py_DECREF(r);
            PyObject *x = PyObject_CallMethod(lock, "release", NULL);
            Py_XDECREF(x);
        } else if (PyErr_ExceptionMatches(PyExc_OverflowError)) {
            PyObject *t, *v, *tb;
            PyErr_Fetch(&t, &v, &tb);
            PyObject *str = v ? PyObject_Str(v) : NULL;
            const char *u = str ? PyUnicode_AsUTF8(str) : NULL;
            if (u && strlen(u) < sizeof cpy_overflow_float)
                strcpy(into[i], u);
            Py_XDECREF(str);
            Py_XDECREF(t);
            Py_XDECREF(v);
            Py_XDECREF(tb);
        }
        PyErr_Clear();
    }
    Py_XDECREF(huge[0]);
    Py_XDECREF(huge[1]);
    Py_XDECREF(lock);
    PyErr_Clear();
}

static void thread__method_docs(PyMethodDef *defs, PyObject *owner)
{
    for (PyMethodDef *d = defs; d->ml_name; d++)
        if (!d->ml_doc)
            d->ml_doc = thread__doc_of(owner, d->ml_name);
}

static void thread__docs(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    PyObject *def = PyInit__thread(), *mod = NULL, *spec = NULL, *name = NULL;
    if (def && PyObject_TypeCheck(def, &PyModuleDef_Type)) {
        spec = PyModule_New("threadsim-spec");
        name = PyUnicode_FromString("_thread");
        if (spec && name && PyObject_SetAttrString(spec, "name", name) == 0) {
            mod = PyModule_FromDefAndSpec((PyModuleDef *)def, spec);
            if (mod && PyModule_ExecDef(mod, (PyModuleDef *)def) != 0)
                Py_CLEAR(mod);
        }
    } else if (def && PyModule_Check(def)) {
        mod = Py_NewRef(def);
    }
    if (mod) {
        cpy_thread_def.m_doc = thread__doc_of(mod, NULL);
        thread__method_docs(mod_methods, mod);
        PyObject *lock = PyObject_GetAttrString(mod, "LockType");
        PyObject *rlock = PyObject_GetAttrString(mod, "RLock");
        if (lock) {
            for (PyType_Slot *sl = lock_slots; sl->slot; sl++)
                if (sl->slot == Py_tp_doc)
                    sl->pfunc = thread__doc_of(lock, NULL);
            thread__method_docs(lock_methods, lock);
        }
        if (rlock)
            thread__method_docs(rlock_methods, rlock);
        thread_local_type = PyObject_GetAttrString(mod, "_local");
        excepthook_args_type = PyObject_GetAttrString(mod, "_ExceptHookArgs");
        thread__overflow_words(mod);
        Py_XDECREF(lock);
        Py_XDECREF(rlock);
    }
    PyErr_Clear();
    Py_XDECREF(mod);
    Py_XDECREF(name);
    Py_XDECREF(spec);
}

PyObject *cpy_thread_module(void)
{
    thread__docs();
    if (!cpy_lock_type)
        cpy_lock_type = (PyTypeObject *)PyType_FromSpec(&lock_spec);
    if (!cpy_rlock_type)
        cpy_rlock_type = (PyTypeObject *)PyType_FromSpec(&rlock_spec);
    if (!cpy_lock_type || !cpy_rlock_type)
        return NULL;
    PyObject *m = PyModule_Create(&cpy_thread_def);
    if (!m)
        return NULL;
    Py_INCREF(cpy_lock_type);
    Py_INCREF(cpy_rlock_type);
    Py_INCREF(PyExc_RuntimeError);
    if (PyModule_AddObject(m, "LockType", (PyObject *)cpy_lock_type) < 0 ||
        PyModule_AddObject(m, "RLock", (PyObject *)cpy_rlock_type) < 0 ||
        PyModule_AddObject(m, "error", PyExc_RuntimeError) < 0 ||
        PyModule_AddObject(m, "TIMEOUT_MAX", PyFloat_FromDouble(9223372036.0)) < 0 ||
        (thread_local_type && PyModule_AddObjectRef(m, "_local", thread_local_type) < 0) ||
        (excepthook_args_type &&
         PyModule_AddObjectRef(m, "_ExceptHookArgs", excepthook_args_type) < 0) ||
        PyModule_AddObject(m, "_threadsim_overflow",
                           Py_BuildValue("(ss)", cpy_overflow_float, cpy_overflow_int)) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}

/* ---- where a thread waits ------------------------------------------------------ */

const char *cpy_intern(const char *s)
{
    static struct cpy_str { struct cpy_str *next; char s[]; } *head;
    for (struct cpy_str *p = head; p; p = p->next)
        if (strcmp(p->s, s) == 0)
            return p->s;
    size_t n = strlen(s);
    struct cpy_str *p = malloc(sizeof *p + n + 1);
    if (!p)
        return "wait";
    memcpy(p->s, s, n + 1);
    p->next = head;
    head = p;
    return p->s;
}

/* The weak reference's callback: the object named under key `self` is
 * gone, and so is its name (its address may be another object's next). */
static PyObject *display__forget(PyObject *self, PyObject *ref)
{
    (void)ref;
    if (cpy.names && PyDict_DelItem(cpy.names, self) < 0)
        PyErr_Clear();
    Py_RETURN_NONE;
}

static PyMethodDef display__forget_def = {"_threadsim_forget_name", display__forget, METH_O, NULL};

/* "Event-3": the kind and its objects' count, for as long as the object
 * lives. The name holds the object weakly (one that allows no weak
 * reference is kept alive, so that no other object takes its address and
 * name): a program that waits on a new Event a million times frees each,
 * as under python3, and each Event's __del__ runs. */
PyObject *cpy_display_name(PyObject *obj, const char *kind)
{
    if (!cpy.names && (!(cpy.names = PyDict_New()) || !(cpy.kinds = PyDict_New())))
        return NULL;
    PyObject *key = PyLong_FromVoidPtr(obj);
    if (!key)
        return NULL;
    PyObject *hit = PyDict_GetItemWithError(cpy.names, key);
    if (hit) {
        Py_DECREF(key);
        PyObject *name = PyTuple_GET_ITEM(hit, 1);
        Py_INCREF(name);
        return name;
    }
    PyObject *kobj = PyUnicode_FromString(kind);
    PyObject *cnt = kobj ? PyDict_GetItemWithError(cpy.kinds, kobj) : NULL;
    long n = cnt ? PyLong_AsLong(cnt) + 1 : 1;
    PyObject *nobj = PyLong_FromLong(n);
    PyObject *name = PyUnicode_FromFormat("%s-%ld", kind, n);
    PyObject *forget = name ? PyCFunction_New(&display__forget_def, key) : NULL;
    PyObject *ref = forget ? PyWeakref_NewRef(obj, forget) : NULL;
    if (!ref)
        PyErr_Clear(); /* (no weak reference: obj itself is held) */
    Py_XDECREF(forget);
    PyObject *val = name ? PyTuple_Pack(2, ref ? ref : obj, name) : NULL;
    Py_XDECREF(ref);
    if (!kobj || !nobj || !val || PyDict_SetItem(cpy.kinds, kobj, nobj) < 0 ||
        PyDict_SetItem(cpy.names, key, val) < 0) {
        Py_XDECREF(name);
        name = NULL;
    }
    Py_XDECREF(kobj);
    Py_XDECREF(nobj);
    Py_XDECREF(val);
    Py_DECREF(key);
    return name;
}

static bool wait__internal(PyCodeObject *co)
{
    const char *fn = PyUnicode_AsUTF8(co->co_filename);
    if (!fn) {
        PyErr_Clear();
        return true;
    }
    return fn[0] == '<' || (cpy.stdlib && strncmp(fn, cpy.stdlib, cpy.stdlib_len) == 0);
}

/* The code is the standard library's threading.py. */
static bool wait__thread_module(PyCodeObject *co)
{
    const char *fn = PyUnicode_AsUTF8(co->co_filename);
    if (!fn) {
        PyErr_Clear();
        return false;
    }
    const char *base = strrchr(fn, '/');
    return base && strcmp(base, "/threading.py") == 0 && wait__internal(co);
}

/* The frame runs a method: its first parameter is `self`. */
static bool wait__is_method(const cpy_ts_frame *f)
{
    PyCodeObject *co = cpy_ts_frame_code(f);
    PyObject *names = co->co_localsplusnames;
    return co->co_argcount > 0 && names && PyTuple_GET_SIZE(names) > 0 &&
           PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(names, 0), "self") == 0;
}

/* cpy_ts_frame_vars' visitor: the variable named `self` */
static int wait__self_var(PyObject *name, PyObject *value, void *ud)
{
    if (!PyUnicode_Check(name) || PyUnicode_CompareWithASCIIString(name, "self") != 0)
        return 0;
    *(PyObject **)ud = value;
    return 1;
}

/* threading's Thread.run, _bootstrap_inner or _bootstrap: the frames every
 * thread starts with, below its target. */
static bool wait__thread_base(PyCodeObject *co)
{
    const char *q = PyUnicode_AsUTF8(co->co_qualname);
    if (!q) {
        PyErr_Clear();
        return false;
    }
    return wait__thread_module(co) &&
           (strcmp(q, "Thread.run") == 0 || strcmp(q, "Thread._bootstrap_inner") == 0 ||
            strcmp(q, "Thread._bootstrap") == 0);
}

/* The model object standing for a user-level primitive in traces and
 * deadlock reports: a Thread is held by its own thread while it runs (join
 * waits for it); a Condition, Event, Queue, Semaphore or Barrier is held by
 * nobody (whoever could wake the waiter is not known). */
typedef struct cpy_apiobj {
    model_obj hdr;
    long ident;               /* a Thread's ident, or 0 */
} cpy_apiobj;

static model_thread *api__holder(model_obj *o)
{
    long id = ((cpy_apiobj *)o)->ident;
    model_thread *t = id ? ident__thread(id) : NULL;
    return t && t->started && !t->finished ? t : NULL;
}

static PyObject *cpy__apiobjs; /* dict: id(obj) -> capsule(cpy_apiobj) */

static model_obj *wait__api_obj(PyObject *obj, const char *what, long ident)
{
    if (!cpy__apiobjs && !(cpy__apiobjs = PyDict_New()))
        return NULL;
    PyObject *key = PyLong_FromVoidPtr(obj);
    PyObject *cap = key ? PyDict_GetItemWithError(cpy__apiobjs, key) : NULL;
    model_obj *mo = cap ? PyCapsule_GetPointer(cap, NULL) : NULL;
    if (!mo && key && !PyErr_Occurred()) {
        cpy_apiobj *a = model_obj_new(sizeof *a, Py_TYPE(obj)->tp_name, what);
        a->ident = ident;
        a->hdr.holder = api__holder;
        mo = &a->hdr;
        cap = PyCapsule_New(mo, NULL, NULL);
        if (!cap || PyDict_SetItem(cpy__apiobjs, key, cap) < 0)
            PyErr_Clear();
        Py_XDECREF(cap);
    }
    Py_XDECREF(key);
    PyErr_Clear();
    return mo;
}

/* "Kind-N" ("Lock-1" for _thread.lock), or "Thread NAME" for a thread
 * (*ident: its ident). */
static char *wait__obj_name(PyObject *obj, long *ident)
{
    PyObject *tname = NULL;
    *ident = 0;
    if (obj__type_has(obj, "_bootstrap_inner")) {
        tname = obj__own_attr(obj, "_name");
        PyObject *id = obj__own_attr(obj, "_ident");
        *ident = id && PyLong_Check(id) ? PyLong_AsLong(id) : 0;
        Py_XDECREF(id);
    }
    char *out = NULL;
    if (tname && PyUnicode_Check(tname)) {
        out = model__xasprintf("Thread %s", PyUnicode_AsUTF8(tname));
    } else {
        const char *kind = Py_TYPE(obj) == cpy_lock_type    ? "Lock"
                           : Py_TYPE(obj) == cpy_rlock_type ? "RLock"
                                                              : Py_TYPE(obj)->tp_name;
        const char *dot = strrchr(kind, '.');
        PyObject *n = cpy_display_name(obj, dot ? dot + 1 : kind);
        const char *s = n ? PyUnicode_AsUTF8(n) : NULL;
        out = model__xstrdup(s ? s : kind);
        Py_XDECREF(n);
    }
    Py_XDECREF(tname);
    PyErr_Clear();
    return out;
}

model_obj *cpy_wait_obj(PyObject *obj)
{
    long ident;
    char *name = wait__obj_name(obj, &ident);
    model_obj *mo = wait__api_obj(obj, name, ident);
    free(name);
    return mo;
}

void cpy_wait_site(const char *dflt_reason, PyObject *self_obj, cpy_site *site)
{
    PyObject *exc_t, *exc_v, *exc_tb;
    PyErr_Fetch(&exc_t, &exc_v, &exc_tb);
    /* the frames read in place (cpy_tstate.h): a wait makes no frame
     * object nor locals dict, which would move later objects' addresses */
    const cpy_ts_frame *f = cpy_ts_frame_top();
    const cpy_ts_frame *api = NULL;    /* outermost library frame below the user's */
    const cpy_ts_frame *user = NULL;
    const cpy_ts_frame *selfer = NULL; /* outermost library method below the user's */
    while (f) {
        PyCodeObject *co = cpy_ts_frame_code(f);
        bool internal = wait__internal(co);
        if (!internal) {
            user = f;
            break;
        }
        if (wait__thread_base(co)) {
            /* a thread whose target is the waiting call itself
             * (Thread(target=event.wait)): the call is the site, not the
             * thread's own start-up frames below it */
            break;
        }
        if (wait__is_method(f))
            selfer = f;
        api = f;
        f = cpy_ts_frame_back(api);
    }
    PyObject *obj = self_obj;
    site->reason = dflt_reason;
    site->obj = NULL;
    if (api) {
        PyCodeObject *co = cpy_ts_frame_code(api);
        const char *q = PyUnicode_AsUTF8(co->co_qualname);
        if (q)
            site->reason = cpy_intern(q);
        bool at_exit = q && strcmp(q, "_shutdown") == 0 && wait__thread_module(co);
        if (at_exit) {
            /* the interpreter's exit joining the non-daemon threads: the
             * lock is one's "running" lock, anonymous to the program */
            site->reason = "threading._shutdown";
            site->what = model__xstrdup("non-daemon threads, at exit");
            PyErr_Clear();
            PyErr_Restore(exc_t, exc_v, exc_tb);
            return;
        }
        /* the object: the API call's own (Queue.get's queue), or, for a
         * function (os.read over a pipe, multiprocessing.pool's worker),
         * the outermost object whose method it waits in (a Condition):
         * never the anonymous lock Condition.wait blocks on, which its
         * own thread holds, so the wait is not a cycle of one */
        PyObject *self = NULL;
        cpy_ts_frame_vars(selfer && !wait__is_method(api) ? selfer : api, wait__self_var, &self);
        if (self)
            obj = self;
    }
    long ident;
    char *oname = wait__obj_name(obj, &ident);
    if (obj != self_obj)
        site->obj = wait__api_obj(obj, oname, ident);
    if (user) {
        PyCodeObject *co = cpy_ts_frame_code(user);
        const char *fn = PyUnicode_AsUTF8(co->co_filename);
        const char *base = fn ? strrchr(fn, '/') : NULL;
        site->what = model__xasprintf("%s at %s:%d", oname, base ? base + 1 : fn ? fn : "?",
                                      cpy_ts_frame_line(user));
        free(oname);
    } else {
        site->what = oname;
    }
    PyErr_Clear();
    PyErr_Restore(exc_t, exc_v, exc_tb);
}
