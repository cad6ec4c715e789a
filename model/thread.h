/*
 * model/thread.h — threading.Thread, current_thread, sleep.
 *
 * Names: an unnamed thread is called "Thread-N", N counting unnamed threads
 * from 1 as CPython's _counter does; under Python 3 (3.10+) a thread with a
 * target also gets " (target-name)" appended, e.g. "Thread-1 (worker)". The
 * main thread is "MainThread".
 *
 * Daemon flag: inherited from the creating thread (CPython's default).
 *
 * ident: deterministic, unlike CPython's (a pthread address): the main thread
 * is 1, and each started thread gets the next integer at start(). (The
 * embedded CPython's threading.get_ident() gives pthread-like numbers,
 * reused as glibc reuses stacks: model/cpy/cpy_thread.c; the trace keeps
 * these.)
 *
 * join: joiners of one thread are woken in FIFO order when it finishes.
 */
#ifndef MODEL_THREAD_H
#define MODEL_THREAD_H

#include "core.h"

typedef void (*model_target_fn)(void *arg);

struct model_thread {
    model_obj hdr;            /* kind "Thread"; what = "Thread <name>" */
    char *name;               /* Python's thread.name (owned) */
    bool daemon;              /* Python's thread.daemon */
    bool started;             /* start() was called */
    bool finished;            /* its run() returned or raised */
    long ident;               /* 0 until started */
    model_target_fn target;   /* called by the default run() with arg */
    void *arg;
    const char *target_name;  /* for "Thread-1 (name)"; may be NULL */
    /* run() override (the subclassing page); NULL runs target(arg). */
    void (*run)(model_thread *self);
    void *user;               /* free for the program or a front end */
    sim_thread *st;           /* the green thread */
    model_waitq joiners;      /* threads in join() */
    /* wait-queue membership (see model_waitq) */
    model_waitq *wq;          /* queue it is on, or NULL */
    model_thread *wq_prev, *wq_next;
    model_obj *waiting_on;    /* object of the current wait, for reports */
    /* pending exception */
    const char *exc_type;     /* static or interned type name; NULL if none */
    char *exc_msg;            /* owned */
    void *unwind;             /* jmp_buf of its bootstrap, for model_raise */
};

/* threading.Thread(name=name, target=target, args=(arg,)). name NULL: the
 * default name; target_name: what CPython 3 shows in the default name (the
 * function's __name__), may be NULL. Never fails (aborts on out-of-memory). */
model_thread *model_thread_new(const char *name, model_target_fn target, void *arg,
                               const char *target_name);
/* The same for a Thread subclass: allocates `size` bytes (a struct whose
 * first member is the model_thread), zeroed past the base; the subclass sets
 * t->run to override run(). Like model_thread_new otherwise. */
model_thread *model_thread_new_sized(size_t size, const char *name, model_target_fn target,
                                     void *arg, const char *target_name);
/* Thread.start(). -1 + RuntimeError "threads can only be started once". */
int model_thread_start(model_thread *t);
/* Thread.join(timeout); MODEL_NO_TIMEOUT for None. -1 + RuntimeError when
 * joining itself or a thread not started. */
int model_thread_join(model_thread *t, double timeout);
bool model_thread_is_alive(const model_thread *t);
/* Thread.daemon = v. -1 + RuntimeError "cannot set daemon status of active thread". */
int model_thread_set_daemon(model_thread *t, bool daemon);
/* Thread.name = name. */
void model_thread_set_name(model_thread *t, const char *name);
static inline const char *model_thread_name(const model_thread *t) { return t->name; }
static inline long model_thread_ident(const model_thread *t) { return t->ident; }

/* threading.current_thread(), main_thread(). */
model_thread *model_current_thread(void);
model_thread *model_main_thread(void);
/* time.sleep(secs). */
void model_sleep(double secs);

/* Every Thread object of the run in creation order: for enumerate() and
 * active_count() (alive ones only: started and not finished). */
uint32_t model_thread_count(void);
model_thread *model_thread_at(uint32_t i);

/* threading.enumerate() (enumerate.c): the alive threads (started, not
 * finished; the main thread until the program ends) in the order they were
 * started, main first. CPython returns list(_active.values()) +
 * list(_limbo.values()); a thread enters _active when it starts running,
 * which start() waits for, so that is start order (and _limbo is empty
 * between model calls). Writes at most `cap` threads to `out` (may be NULL
 * when cap is 0) and returns how many are alive. */
uint32_t model_enumerate(model_thread **out, uint32_t cap);
/* threading.active_count(): len(enumerate()). */
uint32_t model_active_count(void);
/* threading.get_ident(): the current thread's ident (see "ident" above). */
long model_get_ident(void);

#endif
