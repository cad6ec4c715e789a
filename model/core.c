/*
 * model/core.c — runs, objects, exceptions and waiting (see core.h).
 *
 * A run: model_run() creates the world and the main thread, hands the CPU to
 * it and waits in the host context until the engine stops. Then it settles
 * the outcome: killed daemons, a deadlock report, or a limit message, each as
 * trace events, and the exit status.
 */
#include "output.h"
#include "world.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local model_world *model__w;

model_world *model__world_or_null(void) { return model__w; }

model_world *model__world(void)
{
    if (!model__w) {
        fputs("threadsim: model API called outside a run\n", stderr);
        abort();
    }
    return model__w;
}

model_thread *model__current(model_world *w)
{
    sim_thread *st = sim_current(&w->sched);
    return st ? st->user : NULL;
}

sim_sched *model_sched(void) { return &model__world()->sched; }
int model_python_version(void) { return model__world()->opts.python; }
int64_t model_now_ns(void) { return sim_now(&model__world()->sched); }
double model_time_monotonic(void) { return (double)model_now_ns() / 1e9; }
void model_step(void) { sim_tick(&model__world()->sched); }

bool model_default_limit(double max_time, uint64_t max_events)
{
    sim_config *c = &model__world()->sched.cfg; /* the engine reads its limits live */
    if (c->max_events || c->max_time >= 0)
        return false;
    c->max_time = max_time < 0 ? -1 : model_secs_to_ns(max_time);
    c->max_events = max_events;
    return true;
}

/* ---- allocation helpers ------------------------------------------------ */

static _Noreturn void model__oom(void)
{
    fputs("threadsim: out of memory\n", stderr);
    abort();
}

void *model__xmalloc(size_t n)
{
    void *p = calloc(1, n ? n : 1);
    if (!p)
        model__oom();
    return p;
}

char *model__xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p)
        model__oom();
    return p;
}

char *model__xvasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    char *p = model__xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *model__xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = model__xvasprintf(fmt, ap);
    va_end(ap);
    return p;
}

/* ---- objects ----------------------------------------------------------- */

void *model_obj_new(size_t size, const char *kind, const char *what)
{
    model_world *w = model__world();
    model_obj *o = model__xmalloc(size);
    o->oid = ++w->next_oid;
    o->kind = kind;
    if (what) {
        o->what = model__xstrdup(what);
    } else {
        uint32_t k = 0;
        while (k < w->nkinds && strcmp(w->kinds[k].kind, kind) != 0)
            k++;
        if (k == w->nkinds && k < sizeof w->kinds / sizeof w->kinds[0])
            w->kinds[w->nkinds++] = (model_kind_count){kind, 0};
        uint32_t n = k < w->nkinds ? ++w->kinds[k].n : o->oid;
        o->what = model__xasprintf("%s-%u", kind, n);
    }
    o->next_all = w->objs;
    o->prev_all = NULL;
    if (w->objs)
        w->objs->prev_all = o;
    w->objs = o;
    return o;
}

void model_obj_free(model_obj *o)
{
    model_world *w = model__world();
    if (o->prev_all)
        o->prev_all->next_all = o->next_all;
    else if (w->objs == o)
        w->objs = o->next_all;
    if (o->next_all)
        o->next_all->prev_all = o->prev_all;
    if (o->destroy)
        o->destroy(o);
    free(o->what);
    free(o);
}

void model_obj_rename(model_obj *o, const char *what)
{
    char *n = model__xstrdup(what);
    free(o->what);
    o->what = n;
}

uint64_t model_obj_address(const model_obj *o)
{
    return UINT64_C(0x7f0000000000) + UINT64_C(0x40) * o->oid;
}

static void model__objs_free(model_world *w)
{
    model_obj *o = w->objs;
    while (o) {
        model_obj *next = o->next_all;
        if (o->destroy)
            o->destroy(o);
        free(o->what);
        free(o);
        o = next;
    }
    w->objs = NULL;
}

/* ---- exceptions -------------------------------------------------------- */

int model_err_set(const char *type, const char *fmt, ...)
{
    model_world *w = model__world();
    model_thread *t = model__current(w);
    va_list ap;
    va_start(ap, fmt);
    char *msg = model__xvasprintf(fmt, ap);
    va_end(ap);
    free(t->exc_msg);
    t->exc_type = type;
    t->exc_msg = msg;
    return -1;
}

bool model_err_occurred(void) { return model__current(model__world())->exc_type != NULL; }
const char *model_err_type(void) { return model__current(model__world())->exc_type; }

const char *model_err_message(void)
{
    model_thread *t = model__current(model__world());
    return t->exc_type ? t->exc_msg : NULL;
}

void model_err_clear(void)
{
    model_thread *t = model__current(model__world());
    free(t->exc_msg);
    t->exc_msg = NULL;
    t->exc_type = NULL;
}

void model_set_traceback_hook(model_traceback_fn fn, void *ud)
{
    model_world *w = model__world();
    w->tb_hook = fn;
    w->tb_ud = ud;
}

_Noreturn void model_raise(void)
{
    model_world *w = model__world();
    model_thread *t = model__current(w);
    if (!t->exc_type)
        model_err_set("SystemError", "model_raise() without an exception set");
    char *line = model__xasprintf("%s: %s", t->exc_type, t->exc_msg);
    sim_emit_text(&w->sched, SIM_EV_ERROR, SIM_NONE, 0, t->exc_type, line, strlen(line));
    free(line);
    longjmp(*(jmp_buf *)t->unwind, 1);
}

void model__print_exception(model_world *w, model_thread *t, bool main)
{
    /* Written as one output event so nothing interleaves inside it. */
    if (!main) {
        char *head = model__xasprintf("Exception in thread %s:\n", t->name);
        sim_emit_text(&w->sched, SIM_EV_OUTPUT, SIM_NONE, 2, NULL, head, strlen(head));
        free(head);
    }
    if (w->tb_hook)
        w->tb_hook(w->tb_ud, t);
    char *msg = t->exc_msg && *t->exc_msg ? model__xasprintf("%s: %s\n", t->exc_type, t->exc_msg)
                                          : model__xasprintf("%s\n", t->exc_type);
    sim_emit_text(&w->sched, SIM_EV_OUTPUT, SIM_NONE, 2, NULL, msg, strlen(msg));
    free(msg);
    free(t->exc_msg);
    t->exc_msg = NULL;
    t->exc_type = NULL;
}

/* ---- waiting ----------------------------------------------------------- */

void model__waitq_push(model_waitq *q, model_thread *t)
{
    t->wq = q;
    t->wq_next = NULL;
    t->wq_prev = q->tail;
    if (q->tail)
        q->tail->wq_next = t;
    else
        q->head = t;
    q->tail = t;
    q->n++;
}

void model__waitq_remove(model_waitq *q, model_thread *t)
{
    if (t->wq_prev)
        t->wq_prev->wq_next = t->wq_next;
    else
        q->head = t->wq_next;
    if (t->wq_next)
        t->wq_next->wq_prev = t->wq_prev;
    else
        q->tail = t->wq_prev;
    t->wq = NULL;
    t->wq_prev = t->wq_next = NULL;
    q->n--;
}

model_thread *model__waitq_pop(model_waitq *q)
{
    model_thread *t = q->head;
    if (t)
        model__waitq_remove(q, t);
    return t;
}

int64_t model_secs_to_ns(double secs)
{
    if (!(secs > 0))
        return 0;
    double ns = ceil(secs * 1e9);
    if (ns >= 9223372036854775808.0) /* 2^63: past the end of time (sim/num.h) */
        return SIM_TIME_END;
    return (int64_t)ns;
}

int64_t model_deadline(double timeout)
{
    if (isinf(timeout) && timeout > 0)
        return SIM_FOREVER;
    return sim_time_add(sim_now(&model__world()->sched), model_secs_to_ns(timeout));
}

bool model_wait(model_waitq *q, const char *reason, model_obj *obj, double timeout)
{
    if (!(timeout > 0))
        return false;
    return model_wait_until(q, reason, obj, model_deadline(timeout));
}

bool model_wait_until(model_waitq *q, const char *reason, model_obj *obj, int64_t deadline)
{
    model_world *w = model__world();
    model_thread *t = model__current(w);
    if (deadline != SIM_FOREVER && deadline <= sim_now(&w->sched))
        return false;
    model__waitq_push(q, t);
    t->waiting_on = obj;
    int r = sim_block(&w->sched, reason, obj ? obj->oid : SIM_NONE, obj ? obj->what : NULL,
                      deadline);
    t->waiting_on = NULL;
    if (r == SIM_TIMEDOUT) {
        if (t->wq == q)
            model__waitq_remove(q, t);
        return false;
    }
    return true;
}

model_thread *model_wake_one(model_waitq *q, const char *cause, model_obj *obj)
{
    model_world *w = model__world();
    model_thread *t = model__waitq_pop(q);
    if (t)
        sim_wake(&w->sched, t->st, cause, obj ? obj->oid : SIM_NONE);
    return t;
}

uint32_t model_wake_all(model_waitq *q, const char *cause, model_obj *obj)
{
    uint32_t n = 0;
    while (model_wake_one(q, cause, obj))
        n++;
    return n;
}

/* ---- the run ----------------------------------------------------------- */

model_opts model_opts_default(void)
{
    model_opts o;
    memset(&o, 0, sizeof o);
    o.sim = sim_config_default();
    o.python = 3;
    return o;
}

const char *model_outcome_name(model_outcome o)
{
    static const char *const names[] = {"internal-error", "exit", "exception", "deadlock",
                                        "run-limit"};
    return (unsigned)o < sizeof names / sizeof names[0] ? names[o] : "internal-error";
}

void model__main_entry(void *arg)
{
    model_world *w = arg;
    model_thread *t = w->threads[0];
    jmp_buf jb;
    t->unwind = &jb;
    volatile bool waited = false;
    if (setjmp(jb) == 0) {
        w->main_fn(w->main_arg);
        waited = w->opts.own_shutdown;
    } else {
        model__print_exception(w, t, true);
        w->exit_status = MODEL_EXIT_ERROR;
    }
    t->unwind = NULL;
    if (!waited)
        model__thread_shutdown(w);
    model__thread_finish(w, t);
    sim_emit_text(&w->sched, SIM_EV_EXIT, SIM_NONE, 0, NULL,
                  w->exit_status ? "exception" : "returned",
                  strlen(w->exit_status ? "exception" : "returned"));
    sim_sched_finish(&w->sched);
}

/* Follow "waits for an object held by" edges from `t`; if they come back to a
 * thread already on the path, describe the cycle. */
static char *model__cycle_from(model_world *w, model_thread *start)
{
    model_thread *path[64];
    uint32_t n = 0;
    model_thread *t = start;
    while (t && n < 64) {
        for (uint32_t i = 0; i < n; i++) {
            if (path[i] != t)
                continue;
            /* cycle path[i..n-1] */
            size_t cap = 64;
            for (uint32_t k = i; k < n; k++)
                cap += strlen(path[k]->name) + 8;
            char *s = model__xmalloc(cap);
            strcpy(s, "cycle: ");
            for (uint32_t k = i; k < n; k++) {
                strcat(s, path[k]->name);
                strcat(s, " -> ");
            }
            strcat(s, t->name);
            return s;
        }
        path[n++] = t;
        if (t->st->state != SIM_T_BLOCKED || !t->waiting_on || !t->waiting_on->holder)
            break;
        t = t->waiting_on->holder(t->waiting_on);
    }
    (void)w;
    return NULL;
}

static void model__report_deadlock(model_world *w)
{
    sim_sched *s = &w->sched;
    char *cycle = NULL;
    for (uint32_t i = 0; i < w->nthreads; i++) {
        model_thread *t = w->threads[i];
        if (t->st->state != SIM_T_BLOCKED)
            continue;
        const sim_wait *wt = &t->st->wait;
        model_thread *holder =
            t->waiting_on && t->waiting_on->holder ? t->waiting_on->holder(t->waiting_on) : NULL;
        /* "T waits on REASON (OBJECT)[, held by H]": a daemon is marked (it
         * alone would not be a deadlock), and so is a holder that finished
         * without releasing what it holds (nobody can release it now), and
         * a timed wait whose deadline is past the end of time (sim/num.h). */
        char *line = model__xasprintf(
            "%s%s waits on %s (%s)%s%s%s%s", t->name, t->daemon ? " (daemon)" : "", wt->reason,
            wt->what ? wt->what : "-", wt->deadline == SIM_TIME_END ? " past the end of time" : "",
            holder ? ", held by " : "", holder ? holder->name : "",
            holder && holder->finished ? ", which has finished" : "");
        sim_event ev = {.kind = SIM_EV_DEADLOCK, .thread = t->st->id, .other = SIM_NONE,
                        .obj = wt->obj, .arg = t->daemon, .reason = wt->reason, .text = line,
                        .len = strlen(line)};
        sim_emit(s, &ev);
        free(line);
        if (!cycle)
            cycle = model__cycle_from(w, t);
    }
    if (cycle) {
        sim_event ev = {.kind = SIM_EV_DEADLOCK, .thread = SIM_NONE, .other = SIM_NONE,
                        .obj = SIM_NONE, .reason = "cycle", .text = cycle, .len = strlen(cycle)};
        sim_emit(s, &ev);
        free(cycle);
    }
}

int model_run(const model_opts *o, void (*main)(void *), void *arg, model_result *res)
{
    model_world *w = model__xmalloc(sizeof *w);
    w->opts = o ? *o : model_opts_default();
    if (w->opts.python != 2)
        w->opts.python = 3;
    w->main_fn = main;
    w->main_arg = arg;
    w->next_ident = 1;
    w->log_level = MODEL_WARNING;
    model__random_init(w);
    if (sim_sched_init(&w->sched, &w->opts.sim) != 0)
        model__oom();
    sim_sched_set_sink(&w->sched, w->opts.sink, w->opts.sink_ud);
    if (w->opts.policy.pick)
        sim_sched_set_policy(&w->sched, w->opts.policy);
    sim_sched_on_decision(&w->sched, w->opts.on_decision, w->opts.decision_ud);

    model_world *outer = model__w;
    model__w = w;
    model_thread *main_t = model__thread_main_new(w);
    sim_status st = sim_sched_run(&w->sched, main_t->st);
    int status = w->exit_status;
    if (st == SIM_NOSTACK) {
        /* nothing ran: not even the main thread could get a stack */
        static const char msg[] = "RuntimeError: can't start new thread";
        sim_emit_text(&w->sched, SIM_EV_ERROR, SIM_NONE, 0, NULL, msg, sizeof msg - 1);
        status = MODEL_EXIT_ERROR;
    } else if (st == SIM_STALLED) {
        if (w->opts.before_stop)
            w->opts.before_stop();
        model__report_deadlock(w);
        status = MODEL_EXIT_DEADLOCK;
    } else if (st == SIM_LIMIT) {
        if (w->opts.before_stop)
            w->opts.before_stop();
        const char *why = w->sched.limit_reason ? w->sched.limit_reason : "limit";
        sim_emit_text(&w->sched, SIM_EV_LIMIT, SIM_NONE, 0, why, why, strlen(why));
        status = MODEL_EXIT_LIMIT;
    }
    sim_sched_kill_rest(&w->sched);

    if (res) {
        res->status = status;
        res->outcome = st == SIM_STALLED ? MODEL_OUT_DEADLOCK
                     : st == SIM_LIMIT   ? MODEL_OUT_LIMIT
                     : status == MODEL_EXIT_ERROR ? MODEL_OUT_EXCEPTION
                                                  : MODEL_OUT_EXIT;
        res->sim = st;
        res->end_time = w->sched.now;
        res->events = w->sched.nevents;
        res->decisions = w->sched.ndecisions;
        res->threads = w->sched.nthreads;
    }
    if (w->opts.no_teardown) {
        model__w = outer;
        return status;
    }
    sim_sched_fini(&w->sched);
    for (uint32_t i = 0; i < w->nthreads; i++) {
        free(w->threads[i]->name);
        free(w->threads[i]->exc_msg);
    }
    free(w->threads);
    model__log_fini(w);
    model__objs_free(w);
    free(w);
    model__w = outer;
    return status;
}
