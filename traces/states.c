/* traces/states.c — thread states rebuilt from a trace (see states.h). */
#include "states.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/num.h"
#include "trace.h"

const char *trace_st_name(trace_st s)
{
    static const char *const names[] = {"new",      "running",  "ready", "blocked",
                                        "sleeping", "finished", "killed"};
    return (unsigned)s < TRACE_ST__COUNT ? names[s] : "?";
}

static void *states__xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        fputs("threadsim: out of memory\n", stderr);
        abort();
    }
    return q;
}

static char *states__dup(const char *s, size_t n)
{
    char *p = states__xrealloc(NULL, n + 1);
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void trace_states_init(trace_states *s, trace_span_fn on_span, void *ud)
{
    memset(s, 0, sizeof *s);
    s->running = SIM_NONE;
    s->on_span = on_span;
    s->span_ud = ud;
}

static void states__clear_wait(trace_thread *t)
{
    free(t->reason);
    free(t->what);
    t->reason = t->what = NULL;
    t->obj = SIM_NONE;
    t->deadline = SIM_FOREVER;
}

void trace_states_fini(trace_states *s)
{
    for (uint32_t i = 0; i < s->n; i++) {
        states__clear_wait(&s->th[i]);
        free(s->th[i].name);
        free(s->th[i].exit_how);
        free(s->th[i].at);
    }
    free(s->th);
    trace_states_init(s, NULL, NULL);
}

/* Thread `id`, grown into existence (NEW) if not seen yet. */
static trace_thread *states__at(trace_states *s, uint32_t id)
{
    if (id >= s->n) {
        s->th = states__xrealloc(s->th, ((size_t)id + 1) * sizeof *s->th);
        for (uint32_t i = s->n; i <= id; i++) {
            trace_thread *t = &s->th[i];
            memset(t, 0, sizeof *t);
            t->state = TRACE_ST_NEW;
            t->obj = SIM_NONE;
            t->deadline = SIM_FOREVER;
            t->woken_by = SIM_NONE;
            t->since = s->now;
            t->since_seq = s->seq;
        }
        s->n = id + 1;
    }
    return &s->th[id];
}

const trace_thread *trace_states_get(const trace_states *s, uint32_t id)
{
    return id < s->n ? &s->th[id] : NULL;
}

static void states__span(trace_states *s, uint32_t id, int64_t t1, uint64_t seq1)
{
    trace_thread *t = &s->th[id];
    if (!s->on_span)
        return;
    bool waits = t->state == TRACE_ST_BLOCKED || t->state == TRACE_ST_SLEEPING ||
                 (t->state == TRACE_ST_KILLED && t->reason);
    trace_span sp = {.thread = id, .state = t->state, .t0 = t->since, .t1 = t1,
                     .seq0 = t->since_seq, .seq1 = seq1,
                     .reason = waits ? t->reason : NULL, .what = waits ? t->what : NULL,
                     .obj = waits ? t->obj : SIM_NONE,
                     .deadline = waits ? t->deadline : SIM_FOREVER};
    s->on_span(s->span_ud, &sp);
}

/* Thread `id` enters `st` at the current event. */
static void states__set(trace_states *s, uint32_t id, trace_st st)
{
    trace_thread *t = states__at(s, id);
    if (t->state == st)
        return;
    states__span(s, id, s->now, s->seq);
    if (t->state == TRACE_ST_RUNNING && s->running == id)
        s->running = SIM_NONE;
    t->state = st;
    t->since = s->now;
    t->since_seq = s->seq;
    if (st == TRACE_ST_RUNNING)
        s->running = id;
}

/* Kinds whose `thread` is the thread on the CPU. */
static bool states__acting(const sim_event *ev)
{
    switch (ev->kind) {
    case SIM_EV_CREATE:
    case SIM_EV_START:
    case SIM_EV_BLOCK:
    case SIM_EV_WAKE:
    case SIM_EV_OUTPUT:
    case SIM_EV_EXIT:
    case SIM_EV_ERROR:
    case SIM_EV_PREEMPT:
    case SIM_EV_YIELD:
    case SIM_EV_NOTE:
        return ev->thread != SIM_NONE;
    default:
        return false;
    }
}

void trace_states_see(trace_states *s, const sim_event *ev)
{
    s->now = ev->time;
    s->seq = ev->seq;
    /* a damaged trace's absurd thread id: the event is not followed (the
     * tables are by thread id) */
    if ((ev->thread != SIM_NONE && ev->thread >= TRACE_MAX_THREAD_ID) ||
        (ev->other != SIM_NONE && ev->other >= TRACE_MAX_THREAD_ID))
        return;
    if (states__acting(ev)) {
        trace_thread *t = states__at(s, ev->thread);
        if (t->state == TRACE_ST_READY || t->state == TRACE_ST_NEW) {
            if (s->running != SIM_NONE && s->running != ev->thread)
                states__set(s, s->running, TRACE_ST_READY);
            states__set(s, ev->thread, TRACE_ST_RUNNING);
        }
    }
    trace_thread *t;
    switch (ev->kind) {
    case SIM_EV_CREATE:
        if (ev->other == SIM_NONE)
            break;
        t = states__at(s, ev->other);
        free(t->name);
        t->name = states__dup(ev->text ? ev->text : "", ev->text ? ev->len : 0);
        t->known = true;
        t->daemon = ev->arg != 0;
        break;
    case SIM_EV_NOTE:
        if (ev->other != SIM_NONE && ev->reason && strcmp(ev->reason, "rename") == 0 && ev->text) {
            t = states__at(s, ev->other);
            free(t->name);
            t->name = states__dup(ev->text, ev->len);
        } else if (ev->thread != SIM_NONE && ev->reason && strcmp(ev->reason, "line") == 0 &&
                   ev->text) {
            t = states__at(s, ev->thread);
            free(t->at);
            t->at = states__dup(ev->text, ev->len);
        }
        break;
    case SIM_EV_START:
        if (ev->other != SIM_NONE) {
            states__at(s, ev->other)->daemon = ev->arg != 0;
            states__set(s, ev->other, TRACE_ST_READY);
        }
        if (ev->thread != SIM_NONE)
            states__set(s, ev->thread, TRACE_ST_READY);
        break;
    case SIM_EV_SWITCH:
        if (ev->thread != SIM_NONE && states__at(s, ev->thread)->state == TRACE_ST_RUNNING)
            states__set(s, ev->thread, TRACE_ST_READY);
        if (ev->other != SIM_NONE)
            states__set(s, ev->other, TRACE_ST_RUNNING);
        break;
    case SIM_EV_BLOCK: {
        if (ev->thread == SIM_NONE)
            break;
        bool sleep = ev->reason && strcmp(ev->reason, "sleep") == 0;
        t = states__at(s, ev->thread);
        /* the span ends before the new wait replaces the old one */
        states__set(s, ev->thread, sleep ? TRACE_ST_SLEEPING : TRACE_ST_BLOCKED);
        states__clear_wait(t);
        t->reason = ev->reason ? states__dup(ev->reason, strlen(ev->reason)) : NULL;
        t->what = ev->text && ev->len ? states__dup(ev->text, ev->len) : NULL;
        t->obj = ev->obj;
        t->deadline = ev->arg;
        break;
    }
    case SIM_EV_WAKE:
        if (ev->other != SIM_NONE) {
            states__set(s, ev->other, TRACE_ST_READY);
            t = states__at(s, ev->other);
            t->woken_by = ev->thread;
            states__clear_wait(t);
        }
        break;
    case SIM_EV_TIMEOUT:
        if (ev->thread != SIM_NONE) {
            states__set(s, ev->thread, TRACE_ST_READY);
            t = states__at(s, ev->thread);
            t->woken_by = SIM_NONE;
            states__clear_wait(t);
        }
        break;
    case SIM_EV_PREEMPT:
    case SIM_EV_YIELD:
        if (ev->thread != SIM_NONE)
            states__set(s, ev->thread, TRACE_ST_READY);
        break;
    case SIM_EV_EXIT:
        if (ev->thread != SIM_NONE) {
            states__set(s, ev->thread, TRACE_ST_DONE);
            t = states__at(s, ev->thread);
            free(t->exit_how);
            t->exit_how = states__dup(ev->text ? ev->text : "", ev->text ? ev->len : 0);
        }
        break;
    case SIM_EV_KILLED:
        if (ev->thread != SIM_NONE)
            states__set(s, ev->thread, TRACE_ST_KILLED);
        break;
    default:
        break;
    }
}

void trace_states_end(trace_states *s)
{
    for (uint32_t i = 0; i < s->n; i++) {
        states__span(s, i, s->now, s->seq);
        s->th[i].since = s->now;
        s->th[i].since_seq = s->seq;
    }
}

/* A timer is pending for this wait: it has a deadline, and not one past the
 * end of time (the engine arms none for those, sim/sched.h). */
static bool states__timed(const trace_thread *t)
{
    return t->deadline >= 0 && t->deadline < SIM_TIME_END;
}

static int states__timer_cmp(const void *a, const void *b)
{
    const trace_timer *x = a, *y = b;
    if (x->when != y->when)
        return x->when < y->when ? -1 : 1;
    if (x->armed != y->armed)
        return x->armed < y->armed ? -1 : 1;
    return 0;
}

size_t trace_states_timers(const trace_states *s, trace_timer *out, size_t cap)
{
    size_t n = 0;
    for (uint32_t i = 0; i < s->n; i++) {
        const trace_thread *t = &s->th[i];
        if ((t->state == TRACE_ST_BLOCKED || t->state == TRACE_ST_SLEEPING) && states__timed(t))
            n++;
    }
    if (!out || !cap)
        return n;
    trace_timer *all = states__xrealloc(NULL, (n ? n : 1) * sizeof *all);
    size_t k = 0;
    for (uint32_t i = 0; i < s->n; i++) {
        const trace_thread *t = &s->th[i];
        if ((t->state == TRACE_ST_BLOCKED || t->state == TRACE_ST_SLEEPING) && states__timed(t))
            all[k++] = (trace_timer){.when = t->deadline, .thread = i, .armed = t->since_seq};
    }
    /* (when, armed) keys are unique: armed is a distinct event number per thread */
    qsort(all, n, sizeof *all, states__timer_cmp);
    memcpy(out, all, (n < cap ? n : cap) * sizeof *out);
    free(all);
    return n;
}
