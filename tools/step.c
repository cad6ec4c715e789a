/*
 * tools/step.c — the stepper's engine: re-run to a target, follow the path,
 * choose, go back (see step.h for the design).
 *
 * One re-run, step__run(), wires three callbacks into the run:
 *
 *   the policy   follows the path (by thread id when known, else by index),
 *                FIFO beyond it; at the stop, it notes the pending decision
 *                (the ready queue) before choosing; under TS_STOP_DECISION it
 *                is also what finds the stop;
 *   the hook     writes each decision made before the stop into the path
 *                (its thread, ready count and event number, or a new entry);
 *   the sink     keeps the events up to the stop (trace and thread states)
 *                and finds the stop for the output and breakpoint rules.
 *
 * Stopping lowers the engine's event limit to the event after the stop; the
 * user's own limit (base.sim.max_events) still applies and ends the run for
 * real. The live world is read once, at the stop: who holds what.
 */
#include "step.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/thread.h"

typedef struct step_run {
    ts_step *sp;
    ts_step_rule rule;
    uint64_t from;            /* the stop the command started from */
    bool stopped;             /* the stop is known */
    uint64_t stop_at;         /* ... after this event */
    bool saw_after;           /* an event came after the stop: not the end */
    bool captured;            /* the pending decision was noted */
    uint64_t last_seq;        /* the last event seen: the engine's nevents */
} step_run;

static void *step__xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("threadsim: out of memory\n", stderr);
        abort();
    }
    return q;
}

void ts_step_init_runner(ts_step *sp, const char *name, ts_step_runner run, void *arg,
                         const model_opts *base)
{
    memset(sp, 0, sizeof *sp);
    sp->name = strdup(name);
    sp->run = run;
    sp->arg = arg;
    sp->base = base ? *base : model_opts_default();
    trace_init(&sp->tr);
    trace_states_init(&sp->st, NULL, NULL);
}

/* The runner of a scenario: model_run of its main. */
static int step__run_main(void *arg, const model_opts *o, model_result *res)
{
    ts_step *sp = arg;
    return model_run(o, sp->main, sp->main_arg, res);
}

void ts_step_init(ts_step *sp, const char *name, void (*main)(void *), void *arg,
                  const model_opts *base)
{
    ts_step_init_runner(sp, name, step__run_main, sp, base);
    sp->main = main;
    sp->main_arg = arg;
}

static void step__clear_holders(ts_step *sp)
{
    for (uint32_t i = 0; i < sp->nholder; i++)
        free(sp->holder[i]);
    free(sp->holder);
    sp->holder = NULL;
    sp->nholder = 0;
}

void ts_step_fini(ts_step *sp)
{
    free(sp->name);
    free(sp->path);
    trace_fini(&sp->tr);
    trace_states_fini(&sp->st);
    free(sp->ready);
    step__clear_holders(sp);
    for (size_t i = 0; i < sp->nbrk; i++) {
        free(sp->brk[i].pattern);
        if (!sp->brk[i].line)
            regfree(&sp->brk[i].re);
    }
    free(sp->brk);
    memset(sp, 0, sizeof *sp);
}

/* ---- the callbacks of a re-run ------------------------------------------- */

/* Who holds what each blocked thread waits on, read from the live world. */
static void step__snapshot(ts_step *sp)
{
    step__clear_holders(sp);
    if (sp->remote)
        return;
    uint32_t n = model_thread_count();
    for (uint32_t i = 0; i < n; i++) {
        model_thread *t = model_thread_at(i);
        if (!t || !t->st || !t->waiting_on || !t->waiting_on->holder)
            continue;
        model_thread *h = t->waiting_on->holder(t->waiting_on);
        if (!h || !h->name || &h->hdr == t->waiting_on)
            continue; /* a join waits on the thread itself: nobody "holds" it */
        uint32_t id = t->st->id;
        if (id >= sp->nholder) {
            sp->holder = step__xrealloc(sp->holder, ((size_t)id + 1) * sizeof *sp->holder);
            for (uint32_t k = sp->nholder; k <= id; k++)
                sp->holder[k] = NULL;
            sp->nholder = id + 1;
        }
        free(sp->holder[id]);
        sp->holder[id] = strdup(h->name);
    }
}

static void step__stop(step_run *r, uint64_t seq)
{
    r->stopped = true;
    r->stop_at = seq;
    if (r->sp->remote)
        return; /* the run goes on in its own process; the sink ignores the rest */
    sim_sched *s = model_sched();
    uint64_t cap = r->sp->base.sim.max_events;
    s->cfg.max_events = cap && cap < seq + 1 ? cap : seq + 1;
    step__snapshot(r->sp);
}

int ts_step_note_line(const char *text, size_t len)
{
    size_t i = len;
    while (i > 0 && text[i - 1] >= '0' && text[i - 1] <= '9')
        i--;
    if (i == len || i == 0 || text[i - 1] != ':' || len - i > 9)
        return 0;
    int n = 0;
    for (; i < len; i++)
        n = n * 10 + (text[i] - '0');
    return n;
}

static bool step__breaks_at(const ts_step *sp, const sim_event *ev)
{
    if (!sp->nbrk || !ev->text)
        return false;
    if (ev->kind == SIM_EV_NOTE) {
        int line = ev->reason && strcmp(ev->reason, "line") == 0
                       ? ts_step_note_line(ev->text, ev->len) : 0;
        for (size_t i = 0; i < sp->nbrk && line; i++)
            if (sp->brk[i].line == line)
                return true;
        return false;
    }
    size_t n = ev->len;
    while (n && (ev->text[n - 1] == '\n' || ev->text[n - 1] == '\r'))
        n--;
    char *line = step__xrealloc(NULL, n + 1);
    memcpy(line, ev->text, n);
    line[n] = '\0';
    bool hit = false;
    for (size_t i = 0; i < sp->nbrk && !hit; i++)
        hit = !sp->brk[i].line && regexec(&sp->brk[i].re, line, 0, NULL, 0) == 0;
    free(line);
    return hit;
}

static void step__sink(void *ud, const sim_event *ev)
{
    step_run *r = ud;
    ts_step *sp = r->sp;
    r->last_seq = ev->seq;
    if (r->stopped && ev->seq > r->stop_at) {
        r->saw_after = true;
        return;
    }
    trace_add(&sp->tr, ev);
    trace_states_see(&sp->st, ev);
    if (r->stopped) {
        if (ev->seq == r->stop_at)
            step__snapshot(sp);
        return;
    }
    if (ev->seq <= r->from || (ev->kind != SIM_EV_OUTPUT && ev->kind != SIM_EV_NOTE))
        return;
    if ((r->rule == TS_STOP_OUTPUT && ev->kind == SIM_EV_OUTPUT) ||
        (r->rule == TS_STOP_BREAK && step__breaks_at(sp, ev)))
        step__stop(r, ev->seq);
}

static void step__diverge(ts_step *sp, uint64_t k, const char *why)
{
    if (sp->diverged)
        return;
    sp->diverged = true;
    snprintf(sp->why, sizeof sp->why, "decision %llu: %s", (unsigned long long)k, why);
}

static uint32_t step__pick(void *ud, sim_sched *s, uint32_t n)
{
    step_run *r = ud;
    ts_step *sp = r->sp;
    uint64_t k = s->ndecisions;
    if (s->timer_decision) {
        /* which of the timers due together fires first (--choices line or
         * program, as the explorer chooses): the path's choice, else the
         * earliest armed; followed, not offered */
        uint32_t c = k < sp->npath ? sp->path[k].chosen : 0;
        return c < n ? c : 0;
    }
    if (r->rule == TS_STOP_DECISION && !r->stopped && s->nevents > r->from)
        step__stop(r, s->nevents);
    if (r->stopped && s->nevents == r->stop_at && !r->captured) {
        r->captured = true;
        sp->pending = true;
        sp->pending_k = k;
        sp->ready = step__xrealloc(sp->ready, n * sizeof *sp->ready);
        sp->nready = n;
        sp->pending_default = s->step_decision ? n - 1 : 0;
        for (uint32_t i = 0; i < n; i++)
            sp->ready[i] = sim_ready_at(s, i)->id;
    }
    /* beyond the path, FIFO: at a line, the running thread (last) goes on */
    uint32_t dflt = s->step_decision ? n - 1 : 0;
    if (k >= sp->npath)
        return dflt;
    const ts_step_dec *d = &sp->path[k];
    if (d->thread != SIM_NONE) {
        for (uint32_t i = 0; i < n; i++)
            if (sim_ready_at(s, i)->id == d->thread)
                return i;
        step__diverge(sp, k, "the thread chosen then is not ready now");
    }
    uint32_t idx = d->rank ? ts_step_unrank(d->chosen, n, s->step_decision) : d->chosen;
    if (idx < n)
        return idx;
    step__diverge(sp, k, "fewer threads are ready than the choice needs");
    return 0;
}

static void step__decided(void *ud, uint64_t k, uint32_t n, uint32_t chosen, uint32_t thread,
                          bool step)
{
    step_run *r = ud;
    ts_step *sp = r->sp;
    uint64_t seq = r->last_seq;
    if (r->stopped && seq >= r->stop_at)
        return; /* the pending decision: the user has not made it */
    if (k >= sp->npath) {
        if (sp->npath == sp->cap_path) {
            sp->cap_path = sp->cap_path ? sp->cap_path * 2 : 64;
            sp->path = step__xrealloc(sp->path, sp->cap_path * sizeof *sp->path);
        }
        k = sp->npath++;
    }
    sp->path[k] = (ts_step_dec){.chosen = chosen, .thread = thread, .n = n, .seq = seq,
                                .step = step};
}

/* ---- commands --------------------------------------------------------------- */

void ts_step_go(ts_step *sp, ts_step_rule rule, uint64_t target)
{
    step_run r = {.sp = sp, .rule = rule, .from = sp->pos};
    trace_fini(&sp->tr);
    trace_init(&sp->tr);
    trace_states_fini(&sp->st);
    trace_states_init(&sp->st, NULL, NULL);
    sp->pending = false;
    sp->nready = 0;
    sp->at_end = false;
    step__clear_holders(sp);

    model_opts o = sp->base;
    if (rule == TS_STOP_AT) {
        r.stopped = true;
        r.stop_at = target;
        uint64_t cap = o.sim.max_events;
        o.sim.max_events = cap && cap < target + 1 ? cap : target + 1;
    }
    o.sink = step__sink;
    o.sink_ud = &r;
    o.policy = (sim_policy){.name = "step", .pick = step__pick, .ud = &r,
                            .every_step = sp->every_line,
                            .pick_timer = sp->every_line ? step__pick : NULL};
    o.on_decision = step__decided;
    o.decision_ud = &r;
    model_result res;
    int status = sp->run(sp->arg, &o, &res);
    sp->reruns++;
    sp->pos = sp->tr.n ? sp->tr.ev[sp->tr.n - 1].seq : 0;
    if (!r.saw_after) {
        sp->at_end = true;
        sp->status = status;
        sp->outcome = res.outcome;
        sp->pending = false;
    }
}

size_t ts_step_decisions_before(const ts_step *sp)
{
    size_t n = 0;
    while (n < sp->npath && sp->path[n].seq != TS_STEP_NOSEQ && sp->path[n].seq < sp->pos)
        n++;
    if (sp->pending && sp->pending_k < n)
        n = (size_t)sp->pending_k;
    return n;
}

int ts_step_choose(ts_step *sp, uint32_t thread)
{
    if (!sp->pending)
        return -1;
    uint32_t idx = UINT32_MAX;
    for (uint32_t i = 0; i < sp->nready; i++)
        if (sp->ready[i] == thread)
            idx = i;
    if (idx == UINT32_MAX)
        return -1;
    size_t k = (size_t)sp->pending_k;
    if (k > sp->npath)
        return -1; /* cannot happen: every earlier decision is in the path */
    if (k == sp->npath) {
        if (sp->npath == sp->cap_path) {
            sp->cap_path = sp->cap_path ? sp->cap_path * 2 : 64;
            sp->path = step__xrealloc(sp->path, sp->cap_path * sizeof *sp->path);
        }
        sp->npath++;
    }
    sp->path[k] = (ts_step_dec){.chosen = idx, .thread = thread, .n = sp->nready, .seq = sp->pos};
    sp->npath = k + 1; /* what lay ahead followed the other choice */
    sp->diverged = false;
    ts_step_go(sp, TS_STOP_AT, sp->pos + 1);
    return 0;
}

int ts_step_back(ts_step *sp)
{
    if (sp->pos == 0)
        return -1;
    uint64_t target = 0;
    for (size_t k = 0; k < sp->npath; k++) {
        uint64_t s = sp->path[k].seq;
        if (s != TS_STEP_NOSEQ && s < sp->pos && s > target)
            target = s;
    }
    ts_step_go(sp, TS_STOP_AT, target);
    return 0;
}

int ts_step_break_add(ts_step *sp, const char *pattern, char *err, size_t errcap)
{
    regex_t re;
    int rc = regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
        char msg[128];
        regerror(rc, &re, msg, sizeof msg);
        snprintf(err, errcap, "bad pattern '%s': %s", pattern, msg);
        return -1;
    }
    sp->brk = step__xrealloc(sp->brk, (sp->nbrk + 1) * sizeof *sp->brk);
    sp->brk[sp->nbrk] = (ts_step_break){.line = 0, .pattern = strdup(pattern), .re = re};
    sp->nbrk++;
    return 0;
}

void ts_step_break_line(ts_step *sp, int line)
{
    sp->brk = step__xrealloc(sp->brk, (sp->nbrk + 1) * sizeof *sp->brk);
    memset(&sp->brk[sp->nbrk], 0, sizeof *sp->brk);
    sp->brk[sp->nbrk].line = line;
    sp->nbrk++;
}

int ts_step_break_del(ts_step *sp, size_t i)
{
    if (i >= sp->nbrk)
        return -1;
    free(sp->brk[i].pattern);
    if (!sp->brk[i].line)
        regfree(&sp->brk[i].re);
    memmove(&sp->brk[i], &sp->brk[i + 1], (sp->nbrk - i - 1) * sizeof *sp->brk);
    sp->nbrk--;
    return 0;
}

char *ts_step_output(const ts_step *sp, size_t *len)
{
    return trace_output_text(&sp->tr, len);
}
