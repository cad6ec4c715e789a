/*
 * model/thread.c — threading.Thread over sim threads (see thread.h).
 *
 * Each Thread object owns one sim_thread created with it (so its trace id is
 * fixed at construction, in program order); the stack is taken only at
 * start(). A thread's body runs inside a bootstrap that catches model_raise()
 * with setjmp/longjmp (on the thread's own stack), prints the exception like
 * CPython's excepthook, marks the thread finished and wakes its joiners.
 */
#include "world.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A Thread object is "held" by its own thread until it finishes: join waits
 * for it, which is what a deadlock report's cycle needs to know. */
static model_thread *thread__holder(model_obj *o)
{
    model_thread *t = (model_thread *)o;
    return t->started && !t->finished ? t : NULL;
}

static void thread__register(model_world *w, model_thread *t)
{
    if (w->nthreads == w->cap_threads) {
        uint32_t cap = w->cap_threads ? w->cap_threads * 2 : 16;
        model_thread **a = realloc(w->threads, cap * sizeof *a);
        if (!a) {
            fputs("threadsim: out of memory\n", stderr);
            abort();
        }
        w->threads = a;
        w->cap_threads = cap;
    }
    w->threads[w->nthreads++] = t;
}

static void thread__entry(void *arg);

static model_thread *thread__alloc(model_world *w, size_t size, const char *name,
                                   void (*entry)(void *), void *entry_arg)
{
    char *what = model__xasprintf("Thread %s", name);
    model_thread *t = model_obj_new(size, "Thread", what);
    free(what);
    t->hdr.holder = thread__holder;
    t->name = model__xstrdup(name);
    t->st = sim_thread_create(&w->sched, name, entry, entry_arg ? entry_arg : t, t);
    if (!t->st) {
        fputs("threadsim: out of memory\n", stderr);
        abort();
    }
    thread__register(w, t);
    model_thread *creator = model__current(w);
    t->daemon = creator ? creator->daemon : false;
    sim_event ev = {.kind = SIM_EV_CREATE,
                    .thread = creator ? creator->st->id : SIM_NONE,
                    .other = t->st->id, .obj = t->hdr.oid, .arg = t->daemon,
                    .text = t->name, .len = strlen(t->name)};
    sim_emit(&w->sched, &ev);
    return t;
}

model_thread *model__thread_main_new(model_world *w)
{
    model_thread *t = thread__alloc(w, sizeof *t, "MainThread", model__main_entry, w);
    t->started = true;
    t->ident = w->next_ident++;
    return t;
}

model_thread *model_thread_new(const char *name, model_target_fn target, void *arg,
                               const char *target_name)
{
    return model_thread_new_sized(sizeof(model_thread), name, target, arg, target_name);
}

model_thread *model_thread_new_sized(size_t size, const char *name, model_target_fn target,
                                     void *arg, const char *target_name)
{
    model_world *w = model__world();
    model_step();
    char *dflt = NULL;
    if (!name) {
        uint32_t n = ++w->unnamed;
        if (w->opts.python >= 3 && target_name)
            dflt = model__xasprintf("Thread-%u (%s)", n, target_name);
        else
            dflt = model__xasprintf("Thread-%u", n);
    }
    model_thread *t = thread__alloc(w, size < sizeof *t ? sizeof *t : size, name ? name : dflt,
                                    thread__entry, NULL);
    free(dflt);
    t->target = target;
    t->arg = arg;
    t->target_name = target_name;
    return t;
}

static void thread__entry(void *arg)
{
    model_thread *t = arg;
    model_world *w = model__world();
    jmp_buf jb;
    t->unwind = &jb;
    const char *how = "returned";
    if (setjmp(jb) == 0) {
        if (t->run)
            t->run(t);
        else if (t->target)
            t->target(t->arg);
    } else {
        how = "exception";
        model__print_exception(w, t, false);
    }
    t->unwind = NULL;
    model__thread_finish(w, t);
    sim_thread_exit(&w->sched, how);
}

void model__thread_finish(model_world *w, model_thread *t)
{
    (void)w;
    t->finished = true;
    model_wake_all(&t->joiners, "thread finished", &t->hdr);
}

void model__thread_shutdown(model_world *w)
{
    /* threading._shutdown: wait for every non-daemon thread, including ones
     * started while we wait; the daemons are killed when the run ends. */
    for (;;) {
        model_thread *other = NULL;
        for (uint32_t i = 1; i < w->nthreads && !other; i++) {
            model_thread *t = w->threads[i];
            if (t->started && !t->finished && !t->daemon)
                other = t;
        }
        if (!other)
            return;
        model_wait(&other->joiners, "shutdown", &other->hdr, MODEL_NO_TIMEOUT);
    }
}

int model_thread_start(model_thread *t)
{
    model_world *w = model__world();
    model_step();
    if (t->started)
        return model_err_set("RuntimeError", "threads can only be started once");
    t->started = true; /* before the hand-over: the new thread runs at once */
    t->ident = w->next_ident++;
    if (sim_thread_start(&w->sched, t->st, t->daemon) != 0) {
        t->started = false;
        t->ident = 0;
        w->next_ident--;
        return model_err_set("RuntimeError", "can't start new thread");
    }
    return 0;
}

int model_thread_join(model_thread *t, double timeout)
{
    model_world *w = model__world();
    model_step();
    if (!t->started)
        return model_err_set("RuntimeError", "cannot join thread before it is started");
    if (t == model__current(w))
        return model_err_set("RuntimeError", "cannot join current thread");
    if (!t->finished)
        model_wait(&t->joiners, "join", &t->hdr, timeout);
    return 0;
}

bool model_thread_is_alive(const model_thread *t)
{
    model_step();
    return t->started && !t->finished;
}

int model_thread_set_daemon(model_thread *t, bool daemon)
{
    model_step();
    if (t->started)
        return model_err_set("RuntimeError", "cannot set daemon status of active thread");
    t->daemon = daemon;
    return 0;
}

void model_thread_set_name(model_thread *t, const char *name)
{
    model_world *w = model__world();
    model_step();
    char *n = model__xstrdup(name);
    free(t->name);
    t->name = n;
    char *what = model__xasprintf("Thread %s", name);
    model_obj_rename(&t->hdr, what);
    free(what);
    sim_thread_rename(&w->sched, t->st, name);
    sim_event ev = {.kind = SIM_EV_NOTE, .thread = SIM_NONE, .other = t->st->id,
                    .obj = t->hdr.oid, .reason = "rename", .text = name, .len = strlen(name)};
    if (model__current(w))
        ev.thread = model__current(w)->st->id;
    sim_emit(&w->sched, &ev);
}

model_thread *model_current_thread(void)
{
    model_step();
    return model__current(model__world());
}

model_thread *model_main_thread(void) { return model__world()->threads[0]; }

void model_sleep(double secs)
{
    model_world *w = model__world();
    sim_sleep(&w->sched, model_secs_to_ns(secs));
}

uint32_t model_thread_count(void) { return model__world()->nthreads; }

model_thread *model_thread_at(uint32_t i)
{
    model_world *w = model__world();
    return i < w->nthreads ? w->threads[i] : NULL;
}
