/*
 * sim/sched.c — the scheduler (see sched.h for the semantics).
 *
 * The heart is sched__dispatch(): called by a thread that can no longer run
 * (blocked, yielded, preempted, finished), it takes the next ready thread, or,
 * when none is ready, pops the earliest timer, advances the clock to it and
 * fires it, and looks again. Firing one timer at a time and only when nothing
 * is ready is what the tutorial's Lock and Semaphore pages depend on.
 *
 * Rejected alternative: a central scheduler loop on the host stack that every
 * thread returns to. It is simpler to reason about but costs two switches per
 * hand-off; direct switching costs one, and the host is needed only at the end.
 */
#include "sched.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asan.h"
#ifdef SIM_ASAN
#include <sanitizer/asan_interface.h>
#endif

/* The scheduler whose thread is starting (read by the entry trampoline:
 * makecontext passes only int arguments). One run at a time per host thread. */
static _Thread_local sim_sched *sched__active;

sim_config sim_config_default(void)
{
    sim_config c = {
        .stack_size = 256 * 1024,
        .switch_steps = 10000,
        .switch_ns = 5 * 1000 * 1000,
        .max_events = 0,
        .max_time = -1,
        .backend = NULL,
    };
    return c;
}

static uint32_t policy__fifo_pick(void *ud, sim_sched *s, uint32_t n)
{
    (void)ud, (void)s, (void)n;
    return 0;
}

sim_policy sim_policy_fifo(void)
{
    sim_policy p = {.name = "fifo", .pick = policy__fifo_pick, .ud = NULL};
    return p;
}

const char *sim_tstate_name(sim_tstate st)
{
    static const char *const names[] = {"new", "ready", "running", "blocked", "done", "killed"};
    return (unsigned)st < sizeof names / sizeof names[0] ? names[st] : "?";
}

int sim_sched_init(sim_sched *s, const sim_config *cfg)
{
    memset(s, 0, sizeof *s);
    s->cfg = cfg ? *cfg : sim_config_default();
    s->status = SIM_RUNNING;
    s->policy = sim_policy_fifo();
    s->ctx_ops = s->cfg.backend ? sim_ctx_backend_find(s->cfg.backend) : sim_ctx_backend_default();
    if (!s->ctx_ops)
        return -1;
    sim_timerq_init(&s->timers);
    sim_stack_pool_init(&s->stacks, s->cfg.stack_size);
    if (s->cfg.stack_charge)
        sim_stack_pool_charge(&s->stacks, s->cfg.stack_first, s->cfg.stack_chunk,
                              s->cfg.stack_charge, s->cfg.stack_charge_ud);
    sim_ctx_init_host(&s->host, &s->host_uc);
    s->rq_cap = 16;
    s->rq = malloc(s->rq_cap * sizeof *s->rq);
    return s->rq ? 0 : -1;
}

/* ---- frame buffers of shared threads ------------------------------------- */

#define SIM_FRAMES_CLASS 64
#define SIM_FRAMES_MAX (64 * SIM_FRAMES_CLASS)
#define SIM_FRAMES_BLOCK ((size_t)256 * 1024)

/* A buffer of at least `len` bytes; *cap gets its size. NULL on
 * out-of-memory. Larger than SIM_FRAMES_MAX: malloc's. */
static void *frames__get(sim_sched *s, size_t len, uint32_t *cap)
{
    if (len > SIM_FRAMES_MAX) {
        if (len > UINT32_MAX)
            return NULL;
        *cap = (uint32_t)len;
        return malloc(len);
    }
    size_t c = len ? (len - 1) / SIM_FRAMES_CLASS : 0, size = (c + 1) * SIM_FRAMES_CLASS;
    *cap = (uint32_t)size;
    void *b = s->frames_free[c];
    if (b) {
        memcpy(&s->frames_free[c], b, sizeof(void *));
        return b;
    }
    if ((size_t)(s->frames_end - s->frames_bump) < size) {
        char *blk = malloc(SIM_FRAMES_BLOCK);
        if (!blk)
            return NULL;
        memcpy(blk, &s->frames_blocks, sizeof(void *));
        s->frames_blocks = blk;
        s->frames_bump = blk + SIM_FRAMES_CLASS; /* the link's class-sized slot */
        s->frames_end = blk + SIM_FRAMES_BLOCK;
    }
    b = s->frames_bump;
    s->frames_bump += size;
    return b;
}

static void frames__put(sim_sched *s, void *b, uint32_t cap)
{
    if (!b)
        return;
    if (cap > SIM_FRAMES_MAX) {
        free(b);
        return;
    }
    size_t c = cap / SIM_FRAMES_CLASS - 1;
    memcpy(b, &s->frames_free[c], sizeof(void *));
    s->frames_free[c] = b;
}

static void frames__fini(sim_sched *s)
{
    while (s->frames_blocks) {
        void *next;
        memcpy(&next, s->frames_blocks, sizeof next);
        free(s->frames_blocks);
        s->frames_blocks = next;
    }
}

static void sched__release_stack(sim_sched *s, sim_thread *t)
{
    if (t->shared) {
        frames__put(s, t->saved, t->saved_cap);
        t->saved = NULL;
        t->saved_len = t->saved_cap = 0;
        if (s->shr_owner == t)
            s->shr_owner = NULL;
        t->stack = NULL;
        return;
    }
    if (t->stack) {
        sim_stack_put(&s->stacks, t->stack);
        t->stack = NULL;
    }
}

void sim_sched_fini(sim_sched *s)
{
    for (uint32_t i = 0; i < s->nthreads; i++) {
        sim_thread *t = s->threads[i];
        sched__release_stack(s, t);
        if (t->name != t->name_buf)
            free(t->name);
        free(t);
    }
    frames__fini(s);
    if (s->shr)
        sim_stack_put(&s->stacks, s->shr);
    if (s->helper_stack)
        sim_stack_put(&s->stacks, s->helper_stack);
    free(s->threads);
    free(s->rq);
    sim_timerq_fini(&s->timers);
    sim_stack_pool_fini(&s->stacks);
    memset(s, 0, sizeof *s);
}

void sim_sched_set_sink(sim_sched *s, sim_sink_fn fn, void *ud) { s->sink = fn, s->sink_ud = ud; }
void sim_sched_set_policy(sim_sched *s, sim_policy p) { s->policy = p; }
void sim_sched_on_decision(sim_sched *s, sim_decision_fn fn, void *ud)
{
    s->on_decision = fn, s->decision_ud = ud;
}

/* ---- events ------------------------------------------------------------ */

void sim_emit(sim_sched *s, sim_event *ev)
{
    ev->seq = ++s->nevents;
    ev->time = s->now;
    if (s->sink)
        s->sink(s->sink_ud, ev);
    if (s->cfg.max_events && s->nevents >= s->cfg.max_events && s->status == SIM_RUNNING) {
        s->status = SIM_LIMIT;
        s->limit_reason = "event limit";
    }
}

static void sched__event(sim_sched *s, sim_ev_kind kind, uint32_t thread, uint32_t other,
                         uint32_t obj, int64_t arg, const char *reason, const char *text)
{
    /* the text's length only for a sink (nobody else reads it): an
     * unrecorded run counts its events and nothing more */
    sim_event ev = {.kind = kind, .thread = thread, .other = other, .obj = obj, .arg = arg,
                    .reason = reason, .text = text, .len = text && s->sink ? strlen(text) : 0};
    sim_emit(s, &ev);
}

void sim_emit_text(sim_sched *s, sim_ev_kind kind, uint32_t obj, int64_t arg,
                   const char *reason, const char *text, size_t len)
{
    sim_event ev = {.kind = kind, .thread = s->current ? s->current->id : SIM_NONE,
                    .other = SIM_NONE, .obj = obj, .arg = arg, .reason = reason,
                    .text = text, .len = len};
    sim_emit(s, &ev);
}

/* ---- ready queue: a ring buffer ---------------------------------------- */

/* Its capacity is a power of two (a mask, not a division, per access), at
 * most SIM_RQ_MAX: sched__prepare refuses a thread past that many live. */
#define SIM_RQ_MAX ((uint32_t)1 << 31)
#define RQ_AT(s, i) ((s)->rq[((s)->rq_head + (i)) & ((s)->rq_cap - 1)])

/* Room for `n` threads in the ready queue. */
static int rq__reserve(sim_sched *s, uint32_t n)
{
    if (n <= s->rq_cap)
        return 0;
    if (n > SIM_RQ_MAX)
        return -1;
    uint32_t cap = s->rq_cap;
    while (cap < n)
        cap *= 2;
    sim_thread **q = malloc(cap * sizeof *q);
    if (!q)
        return -1;
    for (uint32_t i = 0; i < s->rq_len; i++)
        q[i] = RQ_AT(s, i);
    free(s->rq);
    s->rq = q;
    s->rq_head = 0;
    s->rq_cap = cap;
    return 0;
}

static void sched__oom(void)
{
    fputs("threadsim: out of memory in the scheduler\n", stderr);
    abort();
}

/* During a decision with due timeouts (s->ndue), its candidates are the
 * ready threads (but a step decision's running thread, the last of them),
 * the due threads, then the running thread. */
static uint32_t sched__front(const sim_sched *s) { return s->rq_len - (s->step_decision ? 1 : 0); }

sim_thread *sim_ready_at(const sim_sched *s, uint32_t i)
{
    if (s->ndue) {
        uint32_t front = sched__front(s);
        if (i >= front && i < front + s->ndue)
            return s->due[i - front];
        if (i >= front + s->ndue)
            i -= s->ndue;
    }
    return i < s->rq_len ? RQ_AT(s, i) : NULL;
}

static void sched__make_ready(sim_sched *s, sim_thread *t, bool front)
{
    if (rq__reserve(s, s->rq_len + 1) != 0) /* reserved at start: cannot fail */
        sched__oom();
    t->ready_at = s->now;
    t->state = SIM_T_READY;
    t->ready_stamp = ++s->ready_seq;
    if (front) {
        s->rq_head = (s->rq_head - 1) & (s->rq_cap - 1);
        s->rq[s->rq_head] = t;
    } else {
        RQ_AT(s, s->rq_len) = t;
    }
    s->rq_len++;
}

static sim_thread *rq__remove_at(sim_sched *s, uint32_t i)
{
    sim_thread *t = RQ_AT(s, i);
    if (i == 0) {
        s->rq_head = (s->rq_head + 1) & (s->rq_cap - 1);
    } else {
        for (uint32_t k = i; k + 1 < s->rq_len; k++)
            RQ_AT(s, k) = RQ_AT(s, k + 1);
    }
    s->rq_len--;
    return t;
}

/* The run has made as many decisions as it may: it ends at its next
 * scheduling point, as at the event limit (the decision taken stands). */
static void sched__decision_limit(sim_sched *s)
{
    if (s->cfg.max_decisions && s->ndecisions >= s->cfg.max_decisions &&
        s->status == SIM_RUNNING) {
        s->status = SIM_LIMIT;
        s->limit_reason = "decision limit";
    }
}

static void sched__timeout_fire(sim_timer *tm, void *ud);

/* (when, seq) order of timer pointers */
static int sched__timer_cmp(const void *a, const void *b)
{
    const sim_timer *x = *(sim_timer *const *)a, *y = *(sim_timer *const *)b;
    if (x->when != y->when)
        return x->when < y->when ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* c[0..n) in (when, seq) order, n at most 16: an insertion sort (called at
 * every decision, mostly with none or one; qsort's call was 1 % of a
 * decision-heavy run). The order is qsort's: (when, seq) is total. */
static void sched__sort_due(sim_timer **c, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        sim_timer *t = c[i];
        uint32_t j = i;
        for (; j > 0 && sched__timer_cmp(&t, &c[j - 1]) < 0; j--)
            c[j] = c[j - 1];
        c[j] = t;
    }
}

/* s->due: the threads whose timeouts are due by now (or within the
 * jitter), in (when, seq) order, the first SIM_DUE_MAX of them; none unless
 * timing is a choice (policy.pick_timer). */
/* Timing as a choice stops at the jitter: timers further apart fire in
 * their virtual-time order, and a timer due after runnable work waits for
 * it. Under CPython a sleep ends a little late, more so on a loaded
 * machine, and code takes time: sleeps of 1, 2 and 3 ms printed in start
 * order in 2 of 50 python3 runs. So the first time in a run that two
 * threads' timeouts are due within SIM_NEAR_NS of each other (or one that
 * soon after now while a thread is ready) but further apart than the
 * jitter, a "near-timers" note says how far (ns, as text): the explorer
 * suggests the --jitter that makes them choices. Only where timing is a
 * choice (policy.pick_timer). */
static void sched__note_near(sim_sched *s)
{
    if (s->near_noted || !s->policy.pick_timer || !s->timers.n)
        return;
    const sim_timer *a = s->timers.heap[0];
    if (a->fire != sched__timeout_fire)
        return;
    int64_t gap = INT64_MAX;
    if (s->rq_len && a->when > s->now)
        gap = a->when - s->now;
    if (s->timers.n > 1) {
        /* the second earliest: a child of the heap's root */
        sim_timer *b = s->timers.heap[1];
        if (s->timers.n > 2 && sched__timer_cmp(&s->timers.heap[2], &b) < 0)
            b = s->timers.heap[2];
        if (b->fire == sched__timeout_fire && b->when > a->when && b->when - a->when < gap)
            gap = b->when - a->when;
    }
    if (gap == INT64_MAX || gap <= s->policy.jitter || gap > SIM_NEAR_NS)
        return;
    s->near_noted = true;
    char text[24];
    snprintf(text, sizeof text, "%lld", (long long)gap);
    sched__event(s, SIM_EV_NOTE, s->current ? s->current->id : SIM_NONE, SIM_NONE, SIM_NONE, 0,
                 "near-timers", text);
}

static void sched__collect_due(sim_sched *s)
{
    s->ndue = 0;
    sched__note_near(s);
    if (s->no_due || !sim_has_choice(s) || !s->policy.pick_timer)
        return;
    /* due by now, or within the jitter of now or of the time the longest
     * waiting ready thread was put in the queue, whichever is earlier: a
     * ready thread is put off by at most the jitter each time it waits to
     * run, not along a chain of later timers each within the jitter of
     * the last (under --jitter 0.001 a thread ready at 1 ms waited behind
     * a loop of 0.4 ms sleeps until 8 ms, and dpor on such a program
     * never ended) */
    int64_t limit = s->now;
    if (s->policy.jitter > 0) {
        int64_t base = s->now;
        for (uint32_t i = 0; i < s->rq_len; i++)
            if (RQ_AT(s, i)->ready_at < base)
                base = RQ_AT(s, i)->ready_at;
        if (base <= INT64_MAX - s->policy.jitter && base + s->policy.jitter > limit)
            limit = base + s->policy.jitter;
    }
    sim_timer *c[16];
    uint32_t n = 0, cap = sizeof c / sizeof c[0];
    for (size_t i = 0; i < s->timers.n; i++) {
        sim_timer *tm = s->timers.heap[i];
        if (tm->when > limit || tm->fire != sched__timeout_fire)
            continue;
        if (n < cap) {
            c[n++] = tm;
            continue;
        }
        /* more than fit: keep the earliest (the last of c is the latest),
         * and say so once (an explorer's proof does not hold) */
        if (!s->due_capped) {
            s->due_capped = true;
            sched__event(s, SIM_EV_NOTE, s->current ? s->current->id : SIM_NONE, SIM_NONE,
                         SIM_NONE, 0, "due-cap", "more sleepers due together than offered");
        }
        sched__sort_due(c, n);
        if (sched__timer_cmp(&tm, &c[n - 1]) < 0)
            c[n - 1] = tm;
    }
    sched__sort_due(c, n);
    for (uint32_t i = 0; i < n; i++)
        s->due[i] = c[i]->ud;
    s->ndue = n;
}

static sim_thread *sched__pick(sim_sched *s)
{
    sched__collect_due(s);
    uint32_t n = s->rq_len + s->ndue, idx = 0;
    if (n >= 2) {
        if (s->policy.pick)
            idx = s->policy.pick(s->policy.ud, s, n);
        if (idx >= n)
            idx = 0;
        uint64_t k = s->ndecisions++;
        if (s->on_decision)
            s->on_decision(s->decision_ud, k, n, idx, sim_ready_at(s, idx)->id, s->step_decision);
        sched__decision_limit(s);
    }
    uint32_t front = sched__front(s), ndue = s->ndue;
    s->ndue = 0;
    if (!ndue || idx < front)
        return rq__remove_at(s, idx);
    if (idx >= front + ndue)
        return rq__remove_at(s, idx - ndue); /* the running thread */
    /* a due timeout chosen: it fires now, its thread goes */
    sim_thread *t = s->due[idx - front];
    sim_timerq_cancel(&s->timers, &t->timeout);
    if (t->timeout.when > s->now)
        s->now = t->timeout.when;
    sched__timeout_fire(&t->timeout, t);
    return rq__remove_at(s, s->rq_len - 1);
}

/* ---- switching --------------------------------------------------------- */

static void sched__reap(sim_sched *s)
{
    if (s->zombie) {
        sched__release_stack(s, s->zombie);
        s->zombie = NULL;
    }
}

/* ---- the shared stack (sim_thread_share_stack) ------------------------------ */

static void sched__entry(void);

/* Puts `next`'s frames on the shared stack: sets the owner's aside first
 * (unless it has finished; its stack pointer was saved when it was switched
 * out), then copies next's back, or makes its first context. Runs on a stack
 * other than the shared one: the helper's, or a thread's own. False when
 * memory for the owner's frames cannot be had: nothing was moved. */
static bool sched__shr_load(sim_sched *s, sim_thread *next)
{
    sim_thread *own = s->shr_owner;
    char *top = (char *)s->shr->base + s->shr->size;
#ifdef SIM_ASAN
    /* the frames' redzones would fail the copies; their functions poison
     * them again as they are called after the thread resumes */
    __asan_unpoison_memory_region(s->shr->base, s->shr->size);
#endif
    if (own && own->state != SIM_T_DONE && own->state != SIM_T_KILLED) {
        size_t len = (size_t)(top - (char *)own->ctx.sp);
        if (len > own->saved_cap) {
            uint32_t cap;
            void *b = frames__get(s, len, &cap);
            if (!b)
                return false;
            frames__put(s, own->saved, own->saved_cap);
            own->saved = b;
            own->saved_cap = cap;
        }
        memcpy(own->saved, own->ctx.sp, len);
        own->saved_len = (uint32_t)len;
        s->shr_copied += len;
    }
    if (next->fresh) {
        sim_ctx_make(s->ctx_ops, &next->ctx, s->shr->base, s->shr->size, sched__entry);
        next->fresh = false;
    } else {
        memcpy(next->ctx.sp, next->saved, next->saved_len);
        s->shr_copied += next->saved_len;
    }
    s->shr_owner = next;
    return true;
}

/* Out of memory for a shared thread's frames: `next` is not resumed and the
 * run ends (the host is resumed). */
static sim_ctx *sched__shr_oom(sim_sched *s, sim_thread *next)
{
    next->state = SIM_T_READY;
    s->current = NULL;
    if (s->status == SIM_RUNNING) {
        s->status = SIM_LIMIT;
        s->limit_reason = "out of memory for a shared stack's frames";
    }
    return &s->host;
}

/* The context to switch to from `self` (NULL: the host) for resuming `next`
 * (NULL: the host). A shared thread whose frames are not on the shared stack
 * is put there first: here, when `self` runs on a stack of its own; by the
 * helper, when `self` is itself on the shared stack (its frames can be set
 * aside only once it has been switched out). */
static sim_ctx *sched__resume_ctx(sim_sched *s, sim_thread *self, sim_thread *next)
{
    if (!next)
        return &s->host;
    if (!next->shared || s->shr_owner == next)
        return &next->ctx;
    if (!self || !self->shared) {
        if (!sched__shr_load(s, next))
            return sched__shr_oom(s, next);
        return &next->ctx;
    }
    s->helper_to = next;
    return &s->helper;
}

/* The helper context, on its own stack: puts helper_to's frames on the
 * shared stack and resumes it. Entered once; every later switch to it
 * resumes the loop. */
static void sched__helper_main(void)
{
    sim_ctx_entered();
    sim_sched *s = sched__active;
    for (;;) {
        sim_thread *next = s->helper_to;
        sim_ctx *to = sched__shr_load(s, next) ? &next->ctx : sched__shr_oom(s, next);
        sim_ctx_switch(s->ctx_ops, &s->helper, to, false);
    }
}

int sim_thread_share_stack(sim_sched *s, sim_thread *t)
{
    if (t->state != SIM_T_NEW || t->stack) {
        errno = EINVAL;
        return -1;
    }
    if (strcmp(s->ctx_ops->name, "asm") != 0) {
        errno = ENOTSUP;
        return -1;
    }
    t->shared = true;
    return 0;
}

/* The shared stack and the helper, at the first start of a shared thread. */
static int sched__shared_prepare(sim_sched *s)
{
    if (s->shr)
        return 0;
    sim_stack *st = sim_stack_get(&s->stacks);
    if (!st)
        return -1;
    sim_stack *hs = sim_stack_get(&s->stacks);
    if (!hs) {
        sim_stack_put(&s->stacks, st);
        return -1;
    }
    s->shr = st;
    s->helper_stack = hs;
    sim_ctx_make(s->ctx_ops, &s->helper, hs->base, hs->size, sched__helper_main);
    return 0;
}

/* ---- switching, continued ------------------------------------------------ */

static void sched__switch(sim_sched *s, sim_thread *self, sim_thread *next, bool dying)
{
    if (dying)
        s->zombie = self;
    if (next) {
        sched__event(s, SIM_EV_SWITCH, self->id, next->id, SIM_NONE, 0, NULL, NULL);
        next->state = SIM_T_RUNNING;
        s->nswitches++;
    }
    s->current = next;
    sim_ctx_switch(s->ctx_ops, &self->ctx, sched__resume_ctx(s, self, next), dying);
    /* Resumed: whoever switched here may have left a finished thread. */
    sched__reap(s);
}

_Noreturn static void sched__to_host(sim_sched *s, bool dying)
{
    sched__switch(s, s->current, NULL, dying);
    fputs("threadsim: a thread was resumed after its run ended\n", stderr);
    abort();
}

/* The timer to fire next: the earliest, or, when the policy chooses among
 * timers due together (policy.pick_timer), its choice of those due within
 * `jitter` of the earliest. NULL on out-of-memory (the earliest is used). */
static sim_timer *sched__next_timer(sim_sched *s)
{
    sim_timer *first = sim_timerq_peek(&s->timers);
    if (!s->policy.pick_timer || !first)
        return first;
    int64_t limit = first->when;
    if (s->policy.jitter > 0 && first->when <= INT64_MAX - s->policy.jitter)
        limit = first->when + s->policy.jitter;
    uint32_t n = 0;
    for (size_t i = 0; i < s->timers.n; i++)
        n += s->timers.heap[i]->when <= limit;
    if (n < 2)
        return first;
    sim_timer **c = malloc(n * sizeof *c);
    if (!c)
        return first;
    n = 0;
    for (size_t i = 0; i < s->timers.n; i++)
        if (s->timers.heap[i]->when <= limit)
            c[n++] = s->timers.heap[i];
    qsort(c, n, sizeof *c, sched__timer_cmp);
    s->timer_decision = true;
    uint32_t idx = s->policy.pick_timer(s->policy.ud, s, n);
    s->timer_decision = false;
    if (idx >= n)
        idx = 0;
    uint64_t k = s->ndecisions++;
    if (s->on_decision)
        s->on_decision(s->decision_ud, k, n, idx, SIM_NONE, false);
    sched__decision_limit(s);
    sim_timer *tm = c[idx];
    free(c);
    return tm;
}

/* Fire the next timer: clock to its time (never back), then its callback. */
static void sched__fire_one(sim_sched *s)
{
    sim_timer *tm = sched__next_timer(s);
    sim_timerq_cancel(&s->timers, tm);
    if (tm->when > s->now)
        s->now = tm->when;
    tm->fire(tm, tm->ud);
}

static bool sched__time_limited(sim_sched *s, int64_t when)
{
    if (s->cfg.max_time >= 0 && when > s->cfg.max_time) {
        s->status = SIM_LIMIT;
        s->limit_reason = "time limit";
        return true;
    }
    return false;
}

/* The current thread cannot go on (it is blocked, ready again, or done):
 * run the next one. Returns when the current thread is chosen again. */
static void sched__dispatch(sim_sched *s, bool dying)
{
    sim_thread *self = s->current;
    bool fired = false;
    for (;;) {
        if (s->status != SIM_RUNNING)
            sched__to_host(s, dying);
        if (s->rq_len)
            break;
        sim_timer *tm = sim_timerq_peek(&s->timers);
        if (!tm) {
            s->status = SIM_STALLED;
            sched__to_host(s, dying);
        }
        if (sched__time_limited(s, tm->when))
            sched__to_host(s, dying);
        sched__fire_one(s);
        fired = true;
    }
    /* the timer just fired was the choice among those due (pick_timer):
     * the others are no candidates again until its thread has run */
    s->no_due = fired;
    sim_thread *next = sched__pick(s);
    s->no_due = false;
    if (next == self) {
        self->state = SIM_T_RUNNING;
        return;
    }
    sched__switch(s, self, next, dying);
}

static void sched__entry(void)
{
    sim_ctx_entered();
    sim_sched *s = sched__active;
    sched__reap(s);
    sim_thread *t = s->current;
    t->entry(t->arg);
    sim_thread_exit(s, "returned");
}

/* ---- threads ----------------------------------------------------------- */

static void sched__timeout_fire(sim_timer *tm, void *ud)
{
    (void)tm;
    sim_thread *t = ud;
    sim_sched *s = sched__active;
    t->wake_result = SIM_TIMEDOUT;
    sched__event(s, SIM_EV_TIMEOUT, t->id, SIM_NONE, t->wait.obj, t->wait.deadline,
                 t->wait.reason, t->wait.what);
    sched__make_ready(s, t, false);
}

/* Point t->name at a copy of `name`: in name_buf if it fits. */
static int sched__set_name(sim_thread *t, const char *name)
{
    size_t n = strlen(name);
    char *p = t->name_buf;
    if (n >= sizeof t->name_buf) {
        p = malloc(n + 1);
        if (!p)
            return -1;
    }
    memmove(p, name, n + 1); /* a rename may pass t->name itself */
    if (t->name && t->name != t->name_buf && t->name != p)
        free(t->name);
    t->name = p;
    return 0;
}

sim_thread *sim_thread_create(sim_sched *s, const char *name, void (*entry)(void *), void *arg,
                              void *user)
{
    if (s->nthreads == s->cap_threads) {
        uint32_t cap = s->cap_threads ? s->cap_threads * 2 : 16;
        sim_thread **a = realloc(s->threads, cap * sizeof *a);
        if (!a)
            return NULL;
        s->threads = a;
        s->cap_threads = cap;
    }
    sim_thread *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    if (sched__set_name(t, name ? name : "") != 0) {
        free(t);
        return NULL;
    }
    t->id = s->nthreads;
    t->state = SIM_T_NEW;
    t->entry = entry;
    t->arg = arg;
    t->user = user;
    t->wait.obj = SIM_NONE;
    t->wait.deadline = SIM_FOREVER;
    sim_timer_init(&t->timeout, sched__timeout_fire, t);
    s->threads[s->nthreads++] = t;
    return t;
}

int sim_thread_rename(sim_sched *s, sim_thread *t, const char *name)
{
    (void)s;
    return sched__set_name(t, name);
}

/* A stack for `t`, and room for one more live thread in the ready queue
 * and the timer heap (each live thread is in each at most once), so that
 * nothing after a successful start can run out of memory. */
static int sched__prepare(sim_sched *s, sim_thread *t)
{
    size_t live = s->stacks.nlive + 1;
    if (live > SIM_RQ_MAX || sim_timerq_reserve(&s->timers, live) != 0 ||
        rq__reserve(s, (uint32_t)live) != 0) {
        errno = ENOMEM;
        return -1;
    }
    if (t->shared) {
        if (sched__shared_prepare(s) != 0)
            return -1;
        t->stack = s->shr;
        t->fresh = true; /* its context is made on the shared stack when it first runs */
        return 0;
    }
    t->stack = sim_stack_get(&s->stacks);
    if (!t->stack)
        return -1;
    sim_ctx_make(s->ctx_ops, &t->ctx, t->stack->base, t->stack->size, sched__entry);
    return 0;
}

sim_status sim_sched_run(sim_sched *s, sim_thread *first)
{
    sched__active = s;
    if (sched__prepare(s, first) != 0)
        return SIM_NOSTACK;
    first->state = SIM_T_RUNNING;
    s->current = first;
    s->nswitches++;
    sim_ctx_switch(s->ctx_ops, &s->host, sched__resume_ctx(s, NULL, first), false);
    sched__reap(s);
    s->current = NULL;
    return s->status;
}

_Noreturn void sim_sched_finish(sim_sched *s)
{
    sim_thread *t = s->current;
    t->state = SIM_T_DONE;
    if (s->status == SIM_RUNNING)
        s->status = SIM_FINISHED;
    sched__to_host(s, true);
}

void sim_sched_kill_rest(sim_sched *s)
{
    s->current = NULL;
    for (uint32_t i = 0; i < s->nthreads; i++) {
        sim_thread *t = s->threads[i];
        if (t->state == SIM_T_NEW || t->state == SIM_T_DONE || t->state == SIM_T_KILLED) {
            sched__release_stack(s, t);
            continue;
        }
        if (t->state == SIM_T_BLOCKED)
            sched__event(s, SIM_EV_KILLED, t->id, SIM_NONE, t->wait.obj, t->wait.deadline,
                         t->wait.reason, t->wait.what);
        else
            sched__event(s, SIM_EV_KILLED, t->id, SIM_NONE, SIM_NONE, SIM_FOREVER,
                         sim_tstate_name(t->state), NULL);
        sim_timerq_cancel(&s->timers, &t->timeout);
        t->state = SIM_T_KILLED;
        sched__release_stack(s, t);
    }
    s->rq_len = 0;
}

/* The clock is charged a switch interval for each switch_steps ticks a
 * thread runs. A thread that blocks (or starts another) before its interval
 * is used up keeps those ticks (unbilled) and is charged when they add up
 * to an interval, as it blocks: otherwise threads that hand work to each
 * other through a queue every few thousand lines never moved the clock (a
 * main sleeping 10 ms beside them never woke; work between blocks took
 * 1/11 of python3's time). The interval is charged before the wait starts:
 * a wait's deadline moves with it. Returns the time charged (0 or
 * switch_ns). */
/* One switch interval of t's CPU time passes: the clock moves (short of the
 * end of time, or the run stops at its time limit), a preemption is traced
 * if t is being preempted, and every timer due by then fires, in (when,
 * seq) order, its threads made ready. Returns the time charged. */
static int64_t sched__charge(sim_sched *s, sim_thread *t, bool preempt)
{
    int64_t until = sim_time_add(s->now, s->cfg.switch_ns);
    if (until >= SIM_TIME_END)
        until = SIM_TIME_END - 1; /* the clock stops short of the end of time */
    if (sched__time_limited(s, until))
        sched__to_host(s, false);
    int64_t d = until - s->now;
    s->cpu_ns += d;
    t->cpu_ns += d;
    s->now = until;
    if (preempt)
        sched__event(s, SIM_EV_PREEMPT, t->id, SIM_NONE, SIM_NONE, s->cfg.switch_ns, NULL, NULL);
    if (s->cpu_due && s->cpu_ns >= s->cpu_due && s->on_cpu)
        s->on_cpu(s->on_cpu_ud, s);
    for (sim_timer *tm; (tm = sim_timerq_peek(&s->timers)) && tm->when <= s->now;)
        sched__fire_one(s);
    return d;
}

static int64_t sched__bill(sim_sched *s, sim_thread *t)
{
    t->unbilled += t->steps;
    if (!s->cfg.switch_steps || t->unbilled < s->cfg.switch_steps)
        return 0;
    t->unbilled -= s->cfg.switch_steps;
    return sched__charge(s, t, false);
}

int sim_thread_start(sim_sched *s, sim_thread *t, int64_t arg)
{
    sim_thread *self = s->current;
    if (sched__prepare(s, t) != 0)
        return -1; /* no stack: the caller reports it (Python: can't start new thread) */
    sched__event(s, SIM_EV_START, self->id, t->id, SIM_NONE, arg, NULL, t->name);
    sched__make_ready(s, t, true);
    self->unbilled += self->steps;
    self->steps = 0;
    sched__make_ready(s, self, false);
    sched__dispatch(s, false);
    return 0;
}

_Noreturn void sim_thread_exit(sim_sched *s, const char *how)
{
    sim_thread *t = s->current;
    t->state = SIM_T_DONE;
    sched__event(s, SIM_EV_EXIT, t->id, SIM_NONE, SIM_NONE, 0, NULL, how);
    sched__dispatch(s, true);
    fputs("threadsim: a finished thread was resumed\n", stderr);
    abort();
}

int sim_block(sim_sched *s, const char *reason, uint32_t obj, const char *what, int64_t deadline)
{
    sim_thread *t = s->current;
    int64_t billed = sched__bill(s, t);
    if (billed && deadline != SIM_FOREVER)
        deadline = sim_time_add(deadline, billed);
    t->state = SIM_T_BLOCKED;
    t->wait.reason = reason;
    t->wait.obj = obj;
    t->wait.what = what;
    t->wait.deadline = deadline;
    t->steps = 0;
    t->wake_result = SIM_WOKEN;
    sched__event(s, SIM_EV_BLOCK, t->id, SIM_NONE, obj, deadline, reason, what);
    if (deadline != SIM_FOREVER && deadline < SIM_TIME_END) {
        if (sim_timerq_arm(&s->timers, &t->timeout, deadline < s->now ? s->now : deadline) != 0)
            sched__oom();
    }
    sched__dispatch(s, false);
    t->wait.reason = NULL;
    t->wait.obj = SIM_NONE;
    t->wait.what = NULL;
    t->wait.deadline = SIM_FOREVER;
    return t->wake_result;
}

void sim_wake(sim_sched *s, sim_thread *t, const char *cause, uint32_t obj)
{
    if (t->state != SIM_T_BLOCKED)
        return;
    sim_timerq_cancel(&s->timers, &t->timeout);
    t->wake_result = SIM_WOKEN;
    sched__event(s, SIM_EV_WAKE, s->current ? s->current->id : SIM_NONE, t->id, obj, 0, cause,
                 NULL);
    sched__make_ready(s, t, false);
}

void sim_yield(sim_sched *s)
{
    sim_thread *t = s->current;
    /* The steps run so far stay counted: the clock moves only when a
     * thread's interval is used up, so a thread polling with sleep(0)
     * (`while time.monotonic() < end: time.sleep(0)`, as_completed's
     * timeout) would otherwise never see time pass, alone or taking turns
     * with another such thread. */
    if (s->rq_len == 0 && s->status == SIM_RUNNING)
        return; /* nobody to yield to: a yield is not a scheduling point then */
    sched__event(s, SIM_EV_YIELD, t->id, SIM_NONE, SIM_NONE, 0, NULL, NULL);
    sched__make_ready(s, t, false);
    sched__dispatch(s, false);
}

void sim_sleep(sim_sched *s, int64_t ns)
{
    if (ns <= 0) {
        sim_yield(s);
        return;
    }
    sim_block(s, "sleep", SIM_NONE, NULL, sim_time_add(s->now, ns));
}

void sim_tick(sim_sched *s) { sim_tick_at(s, true); }

void sim_tick_at(sim_sched *s, bool can_switch) { sim_tick_point(s, can_switch, true); }

/* A policy deciding at every step decides here (sim_tick_point's choice). */
static void sched__step_decision(sim_sched *s, sim_thread *t)
{
    if (s->policy.every_step && sim_has_choice(s)) {
        /* a scheduling point: the running thread is the last candidate */
        sched__make_ready(s, t, false);
        s->step_decision = true;
        sim_thread *next = sched__pick(s);
        s->step_decision = false;
        if (next != t) {
            sched__event(s, SIM_EV_PREEMPT, t->id, SIM_NONE, SIM_NONE, 0, "policy", NULL);
            sched__switch(s, t, next, false);
            if (s->status != SIM_RUNNING)
                sched__to_host(s, false);
        } else {
            t->state = SIM_T_RUNNING;
        }
    }
}

void sim_decide_point(sim_sched *s)
{
    sim_thread *t = s->current;
    if (!t)
        return;
    if (s->status != SIM_RUNNING)
        sched__to_host(s, false);
    s->release_decision = true;
    sched__step_decision(s, t);
    s->release_decision = false;
}

void sim_tick_point(sim_sched *s, bool can_switch, bool can_decide)
{
    sim_thread *t = s->current;
    if (!t)
        return;
    if (s->status != SIM_RUNNING)
        sched__to_host(s, false);
    if (can_decide)
        sched__step_decision(s, t);
    if (!s->cfg.switch_steps)
        return;
    if (t->steps < s->cfg.switch_steps)
        t->steps++;
    /* A used-up interval waits for the next point where a switch can happen. */
    if (t->steps < s->cfg.switch_steps || !can_switch)
        return;
    t->steps = 0;
    /* the interval's CPU time has passed: the threads the timers due by now
     * wake run before this one */
    sched__charge(s, t, true);
    if (s->rq_len && s->status == SIM_RUNNING) {
        /* CPython's forced switching: a thread whose interval ran out while
         * another waits for the GIL drops it and cannot take it back before
         * that one has run. So the others are the candidates here, and it
         * joins the queue's end after: a policy choosing it again let a
         * spinning thread starve the one that would end its spin (`while
         * not done: pass`), a run limit python3 never reaches, which the
         * explorer counted as no preemption at all. */
        sim_thread *next = sched__pick(s);
        sched__make_ready(s, t, false);
        sched__switch(s, t, next, false);
        return;
    }
    sched__make_ready(s, t, false);
    sched__dispatch(s, false);
}
