/*
 * model/world.h — internal: the state of the run in progress. Only the model/ sources
 * include this; programs use core.h, thread.h, output.h.
 */
#ifndef MODEL_WORLD_H
#define MODEL_WORLD_H

#include "core.h"
#include "random.h"
#include "thread.h"

typedef struct model_kind_count {
    const char *kind;          /* object kind (static string) */
    uint32_t n;                /* objects of this kind so far */
} model_kind_count;

typedef struct model_world {
    sim_sched sched;           /* the engine */
    model_opts opts;           /* as given to model_run */
    void (*main_fn)(void *);   /* the program */
    void *main_arg;
    model_obj *objs;           /* every object, newest first */
    uint32_t next_oid;         /* last id handed out */
    model_kind_count kinds[32];/* per-kind counters for default names */
    uint32_t nkinds;
    model_thread **threads;    /* Thread objects in creation order; [0] = main */
    uint32_t nthreads, cap_threads;
    uint32_t unnamed;          /* CPython's _counter: unnamed threads so far */
    long next_ident;           /* next Thread.ident */
    int exit_status;           /* MODEL_EXIT_* decided by the program */
    bool log_configured;       /* basicConfig done (explicitly or implicitly) */
    int log_level;             /* root logger level */
    char *log_format;          /* record format (owned) */
    model_traceback_fn tb_hook;/* front end's traceback printer */
    void *tb_ud;
    void *front;               /* a front end's own per-run state */
    model_mt rng;              /* random._inst: seeded from opts.seed at run start */
} model_world;

/* The run in progress; aborts with a message if there is none. */
model_world *model__world(void);
/* Like model__world but NULL outside a run. */
model_world *model__world_or_null(void);
/* The model thread now running. */
model_thread *model__current(model_world *w);
/* Wait queues. */
void model__waitq_push(model_waitq *q, model_thread *t);
model_thread *model__waitq_pop(model_waitq *q);
void model__waitq_remove(model_waitq *q, model_thread *t);
/* Thread plumbing used by core.c. */
model_thread *model__thread_main_new(model_world *w);
/* The main thread's body: the program, then threading._shutdown. */
void model__main_entry(void *world);
void model__thread_shutdown(model_world *w);
void model__thread_finish(model_world *w, model_thread *t);
/* Print the pending exception of `t` like CPython (excepthook or uncaught in
 * main) to stderr, then clear it. */
void model__print_exception(model_world *w, model_thread *t, bool main);
void model__log_fini(model_world *w);
/* Seed the run's generator as random.seed(opts.seed) would (random.c). */
void model__random_init(model_world *w);
/* xmalloc-style helpers: abort on out-of-memory. */
void *model__xmalloc(size_t n);
char *model__xstrdup(const char *s);
char *model__xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *model__xvasprintf(const char *fmt, va_list ap);

#endif
