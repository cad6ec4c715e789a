/* tools/explore.c — see explore.h. */
#include "explore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/buf.h"
#include "../sim/policy.h"

enum { X_FIXED = 0, X_RANDOM = 1, X_PCT = 2 };

/* The bytes of a policy: this header, then nprefix uint32 choices. */
typedef struct x_spec {
    uint32_t kind;            /* X_* */
    uint32_t depth;           /* X_PCT */
    uint64_t seed;
    uint64_t steps;           /* X_PCT: decisions the change points come from */
    uint32_t nprefix;
    uint32_t timers;          /* timers due together are a choice */
    int64_t jitter;           /* ... and those due within this many ns */
    uint32_t cands;           /* dpor: a "cands" note before each thread decision */
    uint32_t pad;
} x_spec;

/* ---- the policy, in the run's process ------------------------------------------ */

static struct {
    x_spec h;
    uint32_t *prefix;
    sim_rng rng;
    sim_pct pct;
    bool pct_live;
    sim_policy inner;
    uint32_t stick; /* X_RANDOM: log2 of 1 / the schedule's switch rate */
} xp;

static uint32_t x__dflt(const sim_sched *s, uint32_t n) { return s->step_decision ? n - 1 : 0; }

/* dpor: the candidates of a thread decision, in choice order, as a note
 * (reason "cands", text: their ids as uint32_t) just before the decision */
static void x__note_cands(sim_sched *s, uint32_t n)
{
    uint32_t ids[64];
    uint32_t m = n < 64 ? n : 64;
    for (uint32_t i = 0; i < m; i++)
        ids[i] = sim_ready_at(s, i)->id;
    sim_event ev = {.kind = SIM_EV_NOTE, .thread = s->current ? s->current->id : SIM_NONE,
                    .other = SIM_NONE, .obj = SIM_NONE, .reason = "cands",
                    .text = (const char *)ids, .len = m * sizeof ids[0]};
    sim_emit(s, &ev);
}

/* A random schedule's switch rate. A walk that picks uniformly at every
 * decision switches threads at almost every line, and so almost never
 * lets one thread run the dozens of lines in a row that CPython's 5 ms
 * switch interval gives it: with two consumers of one queue, python3
 * prints one of them taking every item in a third of its runs, and 1,000
 * uniform schedules never did so (the outputs they found need a switch at
 * nearly every line). So each schedule draws its own rate first, from its
 * seed: with probability 3/10 the classic uniform walk (k = 0), else, where
 * the running thread could go on, it is preempted with probability 2^-k
 * only, k from 1 (one decision in two) to 7 (one in 128), each as likely.
 * A blocked thread's successor, timers due together and the points where
 * CPython releases the GIL (a write under -u or --tty, the module's end:
 * a thread waiting for it takes it then, python3 in a terminal switching
 * at nearly every line printed) stay uniform picks.
 * (Measured on the tutorial's and traces/explore's programs, 1,000
 * schedules each: distinct outcomes 48 -> 211 on the lost update, 15 -> 27
 * on enumerate/random-sleep, 4 -> 5 with the queue consumers' python3
 * output among them; on programs whose outcomes need switches everywhere,
 * such as lock/nonblocking, at most a twentieth fewer: 179 -> 171.)
 * Returns k. */
static uint32_t x__random_rate(sim_rng *r)
{
    uint32_t k = (uint32_t)sim_rng_below(r, 10);
    return k < 3 ? 0 : k - 2;
}

static uint32_t x__pick(void *ud, sim_sched *s, uint32_t n)
{
    (void)ud;
    if (xp.h.cands && !s->timer_decision)
        x__note_cands(s, n);
    uint64_t k = s->ndecisions;
    if (k < xp.h.nprefix)
        return xp.prefix[k] < n ? xp.prefix[k] : x__dflt(s, n);
    if (xp.h.kind == X_FIXED)
        return x__dflt(s, n);
    if (s->timer_decision) /* PCT's priorities are threads': timers by its generator */
        return (uint32_t)sim_rng_below(xp.h.kind == X_PCT ? &xp.pct.rng : &xp.rng, n);
    /* the random walk: where the running thread could go on, it is
     * preempted at this schedule's rate only (x__random_rate) */
    if (xp.h.kind == X_RANDOM && xp.stick && s->step_decision && !s->release_decision &&
        (sim_rng_next(&xp.rng) & ((UINT64_C(1) << xp.stick) - 1)) != 0)
        return n - 1;
    return xp.inner.pick(xp.inner.ud, s, n);
}

sim_policy ts_x_make_policy(const void *spec, size_t len)
{
    free(xp.prefix);
    if (xp.pct_live)
        sim_pct_fini(&xp.pct);
    memset(&xp, 0, sizeof xp);
    if (len >= sizeof xp.h)
        memcpy(&xp.h, spec, sizeof xp.h);
    size_t n = len >= sizeof xp.h ? (len - sizeof xp.h) / sizeof(uint32_t) : 0;
    if (xp.h.nprefix > n)
        xp.h.nprefix = (uint32_t)n;
    if (xp.h.nprefix) {
        xp.prefix = malloc(xp.h.nprefix * sizeof(uint32_t));
        if (xp.prefix)
            memcpy(xp.prefix, (const char *)spec + sizeof xp.h, xp.h.nprefix * sizeof(uint32_t));
        else
            xp.h.nprefix = 0;
    }
    if (xp.h.kind == X_RANDOM) {
        sim_rng_seed(&xp.rng, xp.h.seed);
        xp.stick = x__random_rate(&xp.rng);
        xp.inner = sim_policy_random(&xp.rng);
    } else if (xp.h.kind == X_PCT) {
        if (sim_pct_init(&xp.pct, xp.h.seed, xp.h.depth ? xp.h.depth : 3,
                         xp.h.steps ? xp.h.steps : 1000) == 0) {
            xp.pct_live = true;
            xp.inner = sim_policy_pct(&xp.pct);
        } else {
            xp.h.kind = X_FIXED;
        }
    }
    return (sim_policy){.name = "explore", .pick = x__pick, .ud = NULL, .every_step = true,
                        .pick_timer = xp.h.timers ? x__pick : NULL, .jitter = xp.h.jitter};
}

size_t ts_x_spec_prefix(const void *spec, size_t len, const uint32_t **words, uint64_t *key)
{
    x_spec h;
    *words = NULL;
    *key = 0;
    if (len < sizeof h)
        return 0;
    memcpy(&h, spec, sizeof h);
    uint32_t nprefix = h.nprefix;
    /* the rest of the header (dpor's "cands" notes at each decision, the
     * timers' choices): runs resumed from one snapshot agree on it too */
    h.nprefix = 0;
    uint64_t k = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < sizeof h; i++)
        k = (k ^ ((const unsigned char *)&h)[i]) * 1099511628211ull;
    *key = k;
    size_t n = (len - sizeof h) / sizeof(uint32_t);
    if (h.kind != X_FIXED || nprefix > n)
        return 0;
    *words = (const uint32_t *)((const char *)spec + sizeof h);
    return nprefix;
}

static void *x__spec(const ts_x_opts *o, uint32_t kind, uint64_t seed, uint32_t depth,
                     uint64_t steps, const uint32_t *choices, size_t n, size_t *len)
{
    x_spec h = {.kind = kind, .depth = depth, .seed = seed, .steps = steps,
                .nprefix = (uint32_t)n, .timers = o->timers, .jitter = o->jitter};
    *len = sizeof h + n * sizeof(uint32_t);
    char *b = malloc(*len);
    if (!b)
        return NULL;
    memcpy(b, &h, sizeof h);
    if (n)
        memcpy(b + sizeof h, choices, n * sizeof(uint32_t));
    return b;
}

void *ts_x_spec_fixed(const ts_x_opts *o, const uint32_t *choices, size_t n, size_t *len)
{
    return x__spec(o, X_FIXED, 0, 0, 0, choices, n, len);
}

uint32_t ts_x_preemptions(const ts_x_dec *d, size_t n)
{
    uint32_t p = 0;
    for (size_t i = 0; i < n; i++)
        p += d[i].step && d[i].chosen != d[i].n - 1;
    return p;
}

/* The array p (of *cap elements of `elem` bytes) with room for `need`:
 * p itself, or p moved to a bigger block (capacity doubled from `first`),
 * or NULL on out-of-memory (p and *cap untouched). */
static void *x__grow(void *p, size_t *cap, size_t need, size_t elem, size_t first)
{
    if (need == 0)
        need = 1; /* p is then never NULL on success */
    if (need <= *cap)
        return p;
    size_t c = *cap ? *cap : first;
    while (c < need)
        c *= 2;
    void *n = realloc(p, c * elem);
    if (n)
        *cap = c;
    return n;
}

/* ---- one run, as the explorer sees it --------------------------------------------- */

typedef struct x_cand {
    size_t off;               /* into x_run.cand */
    uint32_t n;               /* 0 for a timer decision */
} x_cand;

/* One thing a step touched: step = the decision that began it. */
typedef struct x_acc {
    uint32_t step, thread;
    uint64_t obj;             /* a hash of the object's name */
    bool write;
} x_acc;

typedef struct x_run {
    sim_buf out;              /* the output view */
    char **names;             /* thread names by id, when on_run wants them */
    uint32_t nnames;
    bool want_names;
    int status;
    const char *failure;
    char *detail;
    ts_x_dec *dec;
    size_t ndec, cap;
    bool oom;
    /* dpor only (want_acc): each decision's candidates, and what each step touched */
    bool want_acc, all_conflict;
    x_cand *dcand;            /* per decision */
    size_t cap_dcand;
    uint32_t *cand;           /* the candidates' ids, flat */
    size_t ncand, cap_cand;
    uint32_t pend[64], npend; /* the last "cands" note, for the next decision */
    x_acc *acc;
    size_t nacc, cap_acc;
    bool acc_overflow;        /* more than X_MAX_ACC: the rest were not kept */
    uint32_t exited;          /* the thread that finished last (SIM_NONE: none yet) */
    uint32_t main_id;         /* the main thread (SIM_NONE: not seen yet) */
    bool capped;              /* some run had more sleepers due together than were offered */
    int64_t near_ns;          /* the closest "near-timers" gap of any run (0: none) */
    uint32_t *daemons;        /* the daemon threads started */
    size_t ndaemons, cap_daemons;
} x_run;

/* accesses kept per run (24 bytes each): a long run past it is explored as
 * if every step touched everything */
#define X_MAX_ACC (1u << 20)

static void x__name(x_run *r, uint32_t id, const char *text, size_t len)
{
    if (id == SIM_NONE || id > 1000000)
        return;
    if (id >= r->nnames) {
        char **n = realloc(r->names, (id + 1) * sizeof *n);
        if (!n)
            return;
        for (uint32_t i = r->nnames; i <= id; i++)
            n[i] = NULL;
        r->names = n;
        r->nnames = id + 1;
    }
    free(r->names[id]);
    r->names[id] = strndup(text, len);
}

static uint64_t x__hash(const char *p, size_t n, int status);

static void x__touch(x_run *r, uint32_t thread, uint64_t obj, bool write)
{
    if (!r->ndec || thread == SIM_NONE)
        return; /* before the first decision: nothing to reorder it with */
    uint32_t step = (uint32_t)(r->ndec - 1);
    if (r->nacc) {
        x_acc *last = &r->acc[r->nacc - 1];
        if (last->step == step && last->thread == thread && last->obj == obj) {
            last->write |= write;
            return;
        }
    }
    if (r->nacc >= X_MAX_ACC) {
        r->acc_overflow = true; /* dpor treats the run as touching everything */
        return;
    }
    x_acc *a = x__grow(r->acc, &r->cap_acc, r->nacc + 1, sizeof *a, 256);
    if (!a) {
        r->oom = true;
        return;
    }
    r->acc = a;
    r->acc[r->nacc++] = (x_acc){step, thread, obj, write};
}

/* A daemon thread's "alive" object: each of its steps reads it, the
 * process's end writes it (killing the daemon, or ending the process
 * before the daemon's steps that ran after it could). Objects: 0 is
 * everything, 1 the output, names' hashes have bit 1 set; a clash with
 * one only adds races. */
static uint64_t x__alive(uint32_t thread) { return ((uint64_t)thread << 2) | 3; }

/* A thread's "ran" object: each step it runs in (switched to without a
 * decision, when the others blocked) reads it; nothing writes it. It tells
 * dpor's sleep sets that a sleeping thread ran. */
static uint64_t x__ran(uint32_t thread) { return ((uint64_t)thread + 1) << 2 | 1; }

static bool x__is_daemon(const x_run *r, uint32_t thread)
{
    for (size_t i = 0; i < r->ndaemons; i++)
        if (r->daemons[i] == thread)
            return true;
    return false;
}

/* dpor's view of an event: candidates, accesses, output (one object) */
static void x__sink_acc(x_run *r, const sim_event *ev)
{
    if (ev->kind == SIM_EV_OUTPUT) {
        if (!r->all_conflict) {
            x__touch(r, ev->thread, 1, true);
            if (r->ndaemons && x__is_daemon(r, ev->thread))
                x__touch(r, ev->thread, x__alive(ev->thread), false);
        }
    } else if (ev->kind == SIM_EV_SWITCH && !r->all_conflict) {
        x__touch(r, ev->other, x__ran(ev->other), false);
    } else if (ev->kind == SIM_EV_CREATE && ev->thread == SIM_NONE) {
        r->main_id = ev->other;
    } else if (ev->kind == SIM_EV_START && ev->arg && !r->all_conflict) {
        uint32_t *d = x__grow(r->daemons, &r->cap_daemons, r->ndaemons + 1, sizeof *d, 16);
        if (!d) {
            r->oom = true;
            return;
        }
        r->daemons = d;
        r->daemons[r->ndaemons++] = ev->other;
    } else if (ev->kind == SIM_EV_EXIT) {
        r->exited = ev->thread;
        /* the main thread's end is the process's: it kills the daemons
         * still running, so it depends on every step of every daemon */
        if (ev->thread == r->main_id && !r->all_conflict)
            for (size_t i = 0; i < r->ndaemons; i++)
                x__touch(r, ev->thread, x__alive(r->daemons[i]), true);
    } else if (ev->kind == SIM_EV_KILLED && !r->all_conflict) {
        /* a daemon killed: its next step, never run, depends on the step
         * that ended the process; its write of its "alive" object there is
         * the race that tries it at that step's decision */
        uint32_t killer = r->exited != SIM_NONE ? r->exited
                          : r->ndec                ? r->dec[r->ndec - 1].thread
                                                   : SIM_NONE;
        if (killer != ev->thread) {
            x__touch(r, killer, x__alive(ev->thread), true);
            x__touch(r, ev->thread, x__alive(ev->thread), true);
        }
    } else if (ev->kind == SIM_EV_NOTE && ev->reason && ev->text) {
        /* (first letters first: dpor's runs send a note for nearly every
         * instruction of the program's) */
        const char *rs = ev->reason;
        bool touch = rs[0] == 't' && strcmp(rs, "touch") == 0;
        if (rs[0] == 'c' && strcmp(rs, "cands") == 0) {
            r->npend = (uint32_t)(ev->len / sizeof(uint32_t));
            if (r->npend > 64)
                r->npend = 64;
            memcpy(r->pend, ev->text, r->npend * sizeof(uint32_t));
        } else if ((touch || (rs[0] == 'a' && strcmp(rs, "access") == 0)) && !r->all_conflict) {
            const char *sp = memchr(ev->text, ' ', ev->len);
            /* attributes and items by name ("[item]", ".x") are every
             * object's: their "touch" notes name the object itself */
            bool by_name = sp && sp + 1 < ev->text + ev->len && sp[1] != '[' && sp[1] != '.';
            if (sp && (by_name || touch)) {
                size_t off = (size_t)(sp + 1 - ev->text);
                x__touch(r, ev->thread, x__hash(sp + 1, ev->len - off, 0) | 2,
                         ev->text[0] == 'w');
            }
        }
    }
}

static void x__sink(void *ud, const sim_event *ev)
{
    x_run *r = ud;
    if (ev->kind == SIM_EV_NOTE && ev->reason && ev->reason[0] == 'd' &&
        strcmp(ev->reason, "due-cap") == 0)
        r->capped = true; /* not every order was offered: no proof */
    if (ev->kind == SIM_EV_NOTE && ev->reason && ev->reason[0] == 'n' && ev->text &&
        strcmp(ev->reason, "near-timers") == 0) {
        char gap[24];
        snprintf(gap, sizeof gap, "%.*s", (int)(ev->len < 23 ? ev->len : 23), ev->text);
        long long ns = strtoll(gap, NULL, 10);
        if (ns > 0 && (!r->near_ns || ns < r->near_ns))
            r->near_ns = ns;
    }
    if (r->want_acc)
        x__sink_acc(r, ev);
    if (r->want_names && ev->text &&
        (ev->kind == SIM_EV_CREATE ||
         (ev->kind == SIM_EV_NOTE && ev->reason && strcmp(ev->reason, "rename") == 0)))
        x__name(r, ev->other, ev->text, ev->len);
    if (ev->kind == SIM_EV_OUTPUT && ev->text) {
        /* an uncaught exception in a thread is threading's report on stderr */
        if (ev->arg == 2 && !r->failure && ev->len >= 20 &&
            memcmp(ev->text, "Exception in thread ", 20) == 0)
            r->failure = "exception";
        sim_buf_add(&r->out, ev->text, ev->len);
    } else if (ev->kind == SIM_EV_ERROR && !r->detail) {
        r->failure = ev->reason && strcmp(ev->reason, "invariant") == 0 ? "invariant" : "exception";
        r->detail = ev->text ? strndup(ev->text, ev->len) : NULL;
    } else if (ev->kind == SIM_EV_DEADLOCK) {
        /* the detail: who waits on what, held by whom, and the cycle (the
         * run's deadlock report), one line each */
        r->failure = "deadlock";
        if (ev->text) {
            sim_buf b = {0};
            if (r->detail) {
                sim_buf_adds(&b, r->detail);
                sim_buf_adds(&b, "\n     ");
            }
            sim_buf_add(&b, ev->text, ev->len);
            free(r->detail);
            r->detail = sim_buf_take(&b);
        }
    } else if (ev->kind == SIM_EV_LIMIT && !r->detail) {
        r->failure = "limit";
        r->detail = ev->text ? strndup(ev->text, ev->len) : NULL;
    }
}

static void x__decided(void *ud, uint64_t index, uint32_t n, uint32_t chosen, uint32_t thread,
                       bool step)
{
    x_run *r = ud;
    (void)index;
    ts_x_dec *d = x__grow(r->dec, &r->cap, r->ndec + 1, sizeof *d, 64);
    if (!d) {
        r->oom = true;
        return;
    }
    r->dec = d;
    if (r->want_acc) {
        /* a thread decision's candidates came in the note just before */
        uint32_t m = thread == SIM_NONE ? 0 : r->npend;
        x_cand *dc = x__grow(r->dcand, &r->cap_dcand, r->ndec + 1, sizeof *dc, 64);
        uint32_t *cc = dc ? x__grow(r->cand, &r->cap_cand, r->ncand + m, sizeof *cc, 256) : NULL;
        if (dc)
            r->dcand = dc;
        if (!cc) {
            r->oom = true;
            return;
        }
        r->cand = cc;
        memcpy(r->cand + r->ncand, r->pend, m * sizeof(uint32_t));
        r->dcand[r->ndec] = (x_cand){r->ncand, m};
        r->ncand += m;
        r->npend = 0;
    }
    r->dec[r->ndec++] = (ts_x_dec){n, chosen, thread, step, r->out.len};
    if (r->want_acc && r->all_conflict)
        x__touch(r, thread, 0, true); /* nothing known of the step: it touches everything */
    else if (r->want_acc && r->ndaemons && x__is_daemon(r, thread))
        x__touch(r, thread, x__alive(thread), false);
}

static uint64_t x__hash(const char *p, size_t n, int status)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)(uint32_t)status;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
    return h;
}

static uint32_t x__rank(const ts_x_dec *d);

/* o's schedule := r's choices, up to the last one FIFO would not have made */
static int x__set_choices(ts_x_outcome *o, const x_run *r)
{
    size_t last = 0;
    for (size_t i = 0; i < r->ndec; i++) {
        uint32_t dflt = r->dec[i].step ? r->dec[i].n - 1 : 0;
        if (r->dec[i].chosen != dflt)
            last = i + 1;
    }
    uint32_t *c = malloc((last ? last : 1) * sizeof *c);
    uint32_t *rk = malloc((last ? last : 1) * sizeof *rk);
    if (!c || !rk) {
        free(c);
        free(rk);
        return -1;
    }
    for (size_t i = 0; i < last; i++) {
        c[i] = r->dec[i].chosen;
        rk[i] = x__rank(&r->dec[i]);
    }
    free(o->choices);
    free(o->ranks);
    o->choices = c;
    o->ranks = rk;
    o->nchoices = last;
    o->preemptions = ts_x_preemptions(r->dec, r->ndec);
    return 0;
}

static int x__byte(ts_x_result *res, unsigned char c)
{
    unsigned char *b = x__grow(res->sched_bytes, &res->cap_bytes, res->nbytes + 1, 1, 4096);
    if (!b)
        return -1;
    res->sched_bytes = b;
    res->sched_bytes[res->nbytes++] = c;
    return 0;
}

static int x__varint(ts_x_result *res, uint64_t v)
{
    do {
        unsigned char c = v & 0x7F;
        v >>= 7;
        if (v)
            c |= 0x80;
        if (x__byte(res, c) != 0)
            return -1;
    } while (v);
    return 0;
}

/* The schedule of run r (outcome k) in the result's table; a random or
 * PCT schedule is its seed (seed + index - 1): no bytes (with_choices
 * false); their schedule 0, the default one, has none either (every
 * choice FIFO's). */
static int x__keep_schedule(ts_x_result *res, const x_run *r, long k, bool with_choices)
{
    size_t i = res->schedules; /* this schedule's index */
    if (i + 2 > res->cap_sched) {
        size_t cap = res->cap_sched ? 2 * res->cap_sched : 256;
        size_t *off = realloc(res->sched_off, cap * sizeof *off);
        if (!off)
            return -1;
        res->sched_off = off;
        uint32_t *out = realloc(res->sched_out, cap * sizeof *out);
        if (!out)
            return -1;
        res->sched_out = out;
        res->cap_sched = cap;
    }
    if (i == 0)
        res->sched_off[0] = 0;
    uint64_t zeros = 0;
    for (size_t d = 0; with_choices && d < r->ndec; d++) {
        uint32_t rank = x__rank(&r->dec[d]);
        if (rank == 0) {
            zeros++;
            continue;
        }
        if (x__varint(res, zeros) != 0 || x__varint(res, rank - 1) != 0)
            return -1;
        zeros = 0;
    }
    res->sched_off[i + 1] = res->nbytes;
    res->sched_out[i] = (uint32_t)k;
    return 0;
}

/* Record run `r` (schedule `index`, exit `status`) among the outcomes;
 * returns its outcome's index or -1 on out-of-memory. */
static bool x__same_str(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

const char *ts_x_detail_key(const char *failure, const char *detail)
{
    return failure && strcmp(failure, "deadlock") == 0 ? NULL : detail;
}

/* An outcome is the output view, the exit status and the failure (with its
 * line: an invariant can fail while the output stays the same; a
 * deadlock's report is the kept schedule's, ts_x_detail_key). */
static long x__record(ts_x_result *res, x_run *r, int status, uint64_t index)
{
    const char *key = ts_x_detail_key(r->failure, r->detail);
    uint64_t h = x__hash(r->out.p ? r->out.p : "", r->out.len, status);
    if (key)
        h ^= x__hash(key, strlen(key), 0) * 31;
    uint32_t pre = ts_x_preemptions(r->dec, r->ndec);
    for (size_t i = 0; i < res->nout; i++) {
        ts_x_outcome *o = &res->out[i];
        const char *okey = ts_x_detail_key(o->failure, o->detail);
        if (o->hash == h && o->status == status && o->len == r->out.len &&
            (o->len == 0 || memcmp(o->output, r->out.p, o->len) == 0) &&
            x__same_str(o->failure, r->failure) && x__same_str(okey, key)) {
            o->count++;
            /* the schedule kept is the one with the fewest preemptions */
            if (pre < o->preemptions) {
                if (x__set_choices(o, r) != 0)
                    return -1;
                if (!key && r->detail) {
                    free(o->detail);
                    o->detail = r->detail;
                    r->detail = NULL;
                }
            }
            return (long)i;
        }
    }
    ts_x_outcome *n = realloc(res->out, (res->nout + 1) * sizeof *n);
    if (!n)
        return -1;
    res->out = n;
    ts_x_outcome *o = &res->out[res->nout];
    memset(o, 0, sizeof *o);
    o->output = malloc(r->out.len + 1);
    if (!o->output || x__set_choices(o, r) != 0) {
        free(o->output);
        free(o->choices);
        free(o->ranks);
        return -1;
    }
    if (r->out.len)
        memcpy(o->output, r->out.p, r->out.len);
    o->output[r->out.len] = '\0';
    o->len = r->out.len;
    o->status = status;
    o->failure = r->failure;
    o->detail = r->detail;
    r->detail = NULL;
    o->count = 1;
    o->first = index;
    o->hash = h;
    res->kept += o->len;
    return (long)res->nout++;
}

/* The schedule being run, held in a global while it runs: a Python run's
 * process forked from this one (--sandbox) checks for leaks at its
 * confinement (LeakSanitizer builds), and there the caller's copy of the
 * pointer may be in no register or stack slot it scans. */
static const void *volatile x_running_spec;

static int x__run(ts_x_runner run, void *arg, const void *spec, size_t len, x_run *r, int *status)
{
    r->out.len = 0;
    r->failure = NULL;
    free(r->detail);
    r->detail = NULL;
    r->ndec = 0;
    r->ncand = 0;
    r->npend = 0;
    r->nacc = 0;
    r->acc_overflow = false;
    r->exited = SIM_NONE;
    r->main_id = SIM_NONE;
    r->ndaemons = 0;
    for (uint32_t i = 0; i < r->nnames; i++) {
        free(r->names[i]);
        r->names[i] = NULL;
    }
    model_opts cb = model_opts_default();
    cb.sink = x__sink;
    cb.sink_ud = r;
    cb.on_decision = x__decided;
    cb.decision_ud = r;
    model_result mr;
    x_running_spec = spec;
    *status = run(arg, spec, len, &cb, &mr);
    x_running_spec = NULL;
    if (*status < 0)
        return -1; /* the runner stops the search (a bad --invariant) */
    r->status = *status;
    if (mr.outcome == MODEL_OUT_DEADLOCK && !r->failure)
        r->failure = "deadlock";
    if (mr.outcome == MODEL_OUT_LIMIT && !r->failure)
        r->failure = "limit";
    /* threadsim's own failure (the run's process faulted or the engine
     * gave no result): never the program's outcome */
    if (mr.outcome == MODEL_OUT_NONE && *status == MODEL_EXIT_INTERNAL && !r->failure) {
        r->failure = "engine";
        free(r->detail);
        r->detail = strdup("threadsim's own failure, not the program's (exit 127): please report it "
                           "with the replay token");
    }
    /* sys.exit(3), os._exit(3), a signal's death: a status CI would fail */
    if (*status != 0 && !r->failure)
        r->failure = "exit";
    return r->oom ? -1 : 0;
}

/* ---- strategies ------------------------------------------------------------------ */

static bool x__goal(const ts_x_opts *o, const x_run *r)
{
    return o->goal && r->out.len == o->goal_len &&
           (o->goal_len == 0 || memcmp(r->out.p, o->goal, o->goal_len) == 0) &&
           (!o->goal_status_set || r->status == o->goal_status);
}

/* The choice of rank `k` at decision d: rank 0 is FIFO's, then the others
 * in queue order. */
static uint32_t x__choice(const ts_x_dec *d, uint32_t k)
{
    uint32_t dflt = d->step ? d->n - 1 : 0;
    if (k == 0)
        return dflt;
    uint32_t c = k - 1;
    return c >= dflt ? c + 1 : c;
}

static uint32_t x__rank(const ts_x_dec *d)
{
    uint32_t dflt = d->step ? d->n - 1 : 0;
    if (d->chosen == dflt)
        return 0;
    return d->chosen < dflt ? d->chosen + 1 : d->chosen;
}

/* the shard owning the subtree whose first non-FIFO choice is `c` at `pos` */
static bool x__owns(const ts_x_opts *o, uint64_t pos, uint32_t c)
{
    if (!o->shard_n)
        return true;
    uint64_t h = (pos * 0x9E3779B97F4A7C15ULL) ^ ((uint64_t)c * 0xC2B2AE3D27D4EB4FULL);
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 32;
    return h % o->shard_n == o->shard_k - 1;
}

/* A run that counts: its outcome, its schedule, the caller's hook, and
 * whether it reached the goal. -1 on out-of-memory, 1 at the goal, else 0. */
static int x__take(const ts_x_opts *o, ts_x_result *res, x_run *r, int status, uint64_t first,
                   bool with_choices)
{
    long k = x__record(res, r, status, first);
    if (k < 0 || x__keep_schedule(res, r, k, with_choices) != 0)
        return -1;
    if (o->on_run)
        o->on_run(o->on_run_ud, r->dec, r->ndec, r->names, r->nnames, k);
    res->schedules++;
    if (x__goal(o, r)) {
        res->goal = k;
        return 1;
    }
    if (res->kept > (o->max_outputs ? o->max_outputs : TS_X_MAX_OUTPUTS)) {
        res->outputs_hit = true; /* the exploration stops here, as at its budget */
        return 1;
    }
    return 0;
}

/* One dfs pass: every schedule with at most `b` preemptions is run; those
 * with exactly b are recorded (fewer: an earlier pass did). */
static int x__dfs(const ts_x_opts *o, uint32_t b, ts_x_runner run, void *arg, x_run *rp,
                  ts_x_result *res, uint64_t budget)
{
    x_run r = *rp;
    uint32_t *prefix = NULL;
    size_t nprefix = 0;
    uint32_t *pre = NULL; /* preemptions before each decision */
    size_t pre_cap = 0;
    int rc = 0;
    for (;;) {
        if (res->runs >= budget) {
            res->budget_hit = true;
            break;
        }
        size_t len;
        void *spec = x__spec(o, X_FIXED, 0, 0, 0, prefix, nprefix, &len);
        int status;
        if (!spec || x__run(run, arg, spec, len, &r, &status) != 0) {
            free(spec);
            rc = -1;
            break;
        }
        free(spec);
        res->runs++;
        /* FIFO's own schedule (no prefix) is shard 1's */
        bool mine = nprefix || !o->shard_n || o->shard_k == 1;
        if (mine && ts_x_preemptions(r.dec, r.ndec) == b) {
            int t = x__take(o, res, &r, status, res->schedules, true);
            if (t < 0)
                rc = -1;
            if (t != 0)
                break;
        }
        /* the next schedule: the deepest decision with an untried choice
         * within the bound (shards skip the subtrees they do not own) */
        if (r.ndec + 1 > pre_cap) {
            pre_cap = 2 * (r.ndec + 1);
            uint32_t *np = realloc(pre, pre_cap * sizeof *np);
            if (!np) {
                rc = -1;
                break;
            }
            pre = np;
        }
        pre[0] = 0;
        size_t first_dev = r.ndec; /* the first non-FIFO decision */
        for (size_t i = 0; i < r.ndec; i++) {
            pre[i + 1] = pre[i] + (r.dec[i].step && r.dec[i].chosen != r.dec[i].n - 1);
            if (first_dev == r.ndec && x__rank(&r.dec[i]) != 0)
                first_dev = i;
        }
        bool found = false;
        size_t i = r.ndec;
        while (i-- > 0 && !found && rc == 0) {
            const ts_x_dec *d = &r.dec[i];
            for (uint32_t k = x__rank(d) + 1; k < d->n; k++) {
                uint32_t c = x__choice(d, k);
                bool preempt = d->step && c != d->n - 1;
                if (pre[i] + preempt > b)
                    continue;
                /* a new first deviation here: is its subtree ours? */
                if (i <= first_dev && !x__owns(o, i, c))
                    continue;
                uint32_t *np = realloc(prefix, (i + 1) * sizeof *np);
                if (!np) {
                    rc = -1;
                    break;
                }
                prefix = np;
                for (size_t j = 0; j < i; j++)
                    prefix[j] = r.dec[j].chosen;
                prefix[i] = c;
                nprefix = i + 1;
                found = true;
                break;
            }
        }
        if (rc != 0 || !found)
            break;
    }
    free(prefix);
    free(pre);
    *rp = r;
    return rc;
}

/* ---- dpor ----------------------------------------------------------------------- */

/* Stateless DPOR (Flanagan and Godefroid, POPL 2005) with sleep sets.
 *
 * A run is a sequence of steps, one per decision: what the chosen thread
 * does until the next decision; each step's accesses (objects touched,
 * read or written) come from the run's notes. Two steps of different
 * threads touching one object, one of them writing, are dependent; the
 * happens-before order is the smallest order that keeps each thread's
 * steps and every dependent pair in the order the run made them (vector
 * clocks). A dependent pair not already ordered through other steps is a
 * race: the later step's thread is also tried at the earlier step's
 * decision (every thread that could go there, when it could not).
 *
 * Sleep sets: a thread whose step at a decision was explored in an earlier
 * subtree sleeps in the later ones, down the path, until a step dependent
 * on its own runs; a sleeping thread is never chosen there (that order was
 * covered). A run goes on FIFO past its prefix, so it may pick a sleeping
 * thread: what follows is then equivalent to a run already made, and the
 * path ends there, asking for the threads that do not sleep instead.
 *
 * Every pair of dependent steps is reversed in some run, so every outcome
 * of every interleaving is found; a run that touched more than X_MAX_ACC
 * things, or has too many threads for the clocks, falls back to pairing
 * every dependent pair with no sleep sets (more runs, same outcomes). */

/* Sharding (--shard K/N). A shard cannot learn what another's runs ask
 * for, so the work is split where no run needs to tell another anything:
 * every shard makes the FIFO run first (the spine), and every decision on
 * the spine is expanded fully (each thread that could go there is tried,
 * whatever the races say, as at a timer decision); the subtree below a
 * deviation from the spine (decision j, choice c) is one shard's, the same
 * owner dfs would give it (x__owns), and inside it dpor runs as usual.
 * Races found in a subtree can only ask for more at its own decisions or
 * at the spine's, which are all tried anyway, so the shards together miss
 * nothing dpor alone would find. Spine decisions keep no sleep sets (a
 * thread tried there by another shard would sleep in this one's subtree
 * without this shard having run it): more runs in all than dpor alone, in
 * parallel. The FIFO run's outcome is shard 1's. */

/* What a step touched, kept for the sleep sets */
typedef struct x_pa {
    uint64_t obj;
    bool write;
} x_pa;

/* A thread remembered at a node: one that sleeps there, or one already
 * tried there (done); its step there touched pa[off, off + n) */
typedef struct x_sl {
    uint32_t thread;
    size_t off, n;
} x_sl;

/* A decision on the current path: how many could go (their ids are the
 * latest run's candidates there: every run of the path's prefix makes the
 * same decisions), which went, which were tried or sleep (done), and which
 * the races seen so far ask for (bit i: candidate i; a timer decision:
 * all). Its remembered threads are sl[sl_off, sl_end): the sleeping ones,
 * then the tried ones. */
typedef struct x_node {
    uint32_t nen;
    uint32_t chosen;          /* index */
    uint64_t done, back;
    uint64_t asleep;          /* of done, those that sleep here (never tried here) */
    size_t sl_off, sl_end;    /* its x_sl entries */
    size_t pa_end;            /* the pa arena's length after its entries */
} x_node;

typedef struct x_path {
    x_node *nodes;
    size_t n, cap;
    x_sl *sl;
    size_t nsl, cap_sl;
    x_pa *pa;
    size_t npa, cap_pa;
} x_path;

static uint64_t x__mask(uint32_t n) { return n >= 64 ? ~0ULL : (1ULL << n) - 1; }

/* the candidate index of thread p at decision `step`, or -1 */
static int x__cand_index(const x_run *r, size_t step, uint32_t nen, uint32_t p)
{
    const uint32_t *en = r->cand + r->dcand[step].off;
    for (uint32_t i = 0; i < r->dcand[step].n && i < nen; i++)
        if (en[i] == p)
            return (int)i;
    return -1;
}

/* thread p should also go first at node j. When p could not go, any that
 * could; when p sleeps there, too: its own step there is covered, but the
 * race may need another thread to go first, one whose later steps lead to
 * p's racing step (Flanagan and Godefroid's set E: p, or such a thread; a
 * sleeping p is no choice, and which others qualify is not kept here).
 * Three philosophers lost "eat 2, eat 0, eat 1" to a sleeping p. */
static void x__backtrack(x_node *j, const x_run *r, uint32_t step, uint32_t p)
{
    int i = x__cand_index(r, step, j->nen, p);
    if (i >= 0 && !(j->asleep >> i & 1))
        j->back |= 1ULL << i;
    else
        j->back |= x__mask(j->nen);
}

static int x__acc_cmp(const void *a, const void *b)
{
    const x_acc *x = a, *y = b;
    if (x->obj != y->obj)
        return x->obj < y->obj ? -1 : 1;
    if (x->step != y->step)
        return x->step < y->step ? -1 : 1;
    return x->thread < y->thread ? -1 : x->thread > y->thread;
}

/* Every pair of steps of two threads touching one object, one writing:
 * the later step's thread goes to the earlier step's decision (the
 * fallback, without happens-before). Per object and thread, the earlier
 * accesses already paired with one of the thread's (any, for its writes;
 * the writes, for its reads) are not walked again: linear in the
 * accesses times the threads. Sorts r->acc. */
static int x__conflicts_all(x_run *r, x_node *nodes, size_t nnodes)
{
    if (r->acc_overflow) {
        for (size_t d = 0; d < nnodes; d++)
            nodes[d].back |= x__mask(nodes[d].nen);
        return 0;
    }
    qsort(r->acc, r->nacc, sizeof r->acc[0], x__acc_cmp);
    uint32_t nth = 0;
    for (size_t i = 0; i < r->nacc; i++)
        if (r->acc[i].thread + 1 > nth)
            nth = r->acc[i].thread + 1;
    size_t *seen_any = calloc(nth ? nth : 1, sizeof *seen_any);
    size_t *seen_w = calloc(nth ? nth : 1, sizeof *seen_w);
    size_t *group = calloc(nth ? nth : 1, sizeof *group); /* the object's start + 1, or stale */
    if (!seen_any || !seen_w || !group) {
        free(seen_any);
        free(seen_w);
        free(group);
        return -1;
    }
    for (size_t a = 0; a < r->nacc;) {
        size_t b = a;
        while (b < r->nacc && r->acc[b].obj == r->acc[a].obj)
            b++;
        for (size_t i = a; i < b; i++) {
            const x_acc *l = &r->acc[i];
            uint32_t p = l->thread;
            if (group[p] != a + 1) {
                group[p] = a + 1;
                seen_any[p] = seen_w[p] = a;
            }
            for (size_t k = l->write ? seen_any[p] : seen_w[p]; k < i; k++) {
                const x_acc *e = &r->acc[k];
                if (e->thread == p || !(e->write || l->write) || e->step >= nnodes ||
                    e->step > l->step)
                    continue;
                if (e->step < l->step)
                    x__backtrack(&nodes[e->step], r, e->step, p);
                else /* one step, two threads: which went first is not kept here */
                    nodes[e->step].back |= x__mask(nodes[e->step].nen);
            }
            if (l->write)
                seen_any[p] = i;
            seen_w[p] = i;
        }
        a = b;
    }
    free(seen_any);
    free(seen_w);
    free(group);
    return 0;
}

/* The races of a run's first `limit` steps (r->acc in step order), by
 * vector clocks: for each access, the object's conflicting earlier
 * accesses (its last write; for a write, also the reads since) of other
 * threads; one not ordered before the accessing thread's clock is a race.
 * Returns 1 when the run is too big for the clocks (the caller pairs
 * every conflict instead), -1 out of memory. */
typedef struct x_ob {
    uint64_t obj;
    uint32_t used;
    uint32_t w_thread, w_epoch, rhead;
    size_t w_step;
} x_ob;

typedef struct x_rd {
    size_t step;
    uint32_t thread, epoch, next;
} x_rd;

#define X_NONE32 UINT32_MAX

static size_t x__ob_slot(uint64_t obj, size_t cap)
{
    return (size_t)((obj * 0x9E3779B97F4A7C15ULL) >> 17) & (cap - 1);
}

/* s (thread p, clock cp) after e (step es of thread eq at its epoch ee),
 * dependent: a race unless e is ordered before already; then e is. One
 * step can hold two threads' accesses (the first blocked or ended and
 * the other ran on with no decision between): a pair inside it is a race
 * too, and e's clock is joined only when the step's clock is its thread's
 * (joining less only finds more races). */
static void x__hb_pair(const x_run *r, x_node *nodes, size_t nnodes, uint32_t *cp,
                       const uint32_t *svc, const uint32_t *svt, uint32_t nth, uint32_t p,
                       size_t es, uint32_t eq, uint32_t ee)
{
    if (eq == p)
        return;
    if (ee > cp[eq] && es < nnodes)
        x__backtrack(&nodes[es], r, (uint32_t)es, p);
    if (svt[es] != eq)
        return;
    const uint32_t *ev = svc + es * nth;
    for (uint32_t t = 0; t < nth; t++)
        if (ev[t] > cp[t])
            cp[t] = ev[t];
}

static int x__races(const x_run *r, size_t limit, x_node *nodes, size_t nnodes)
{
    uint32_t nth = 0;
    for (size_t i = 0; i < r->nacc; i++)
        if (r->acc[i].thread + 1 > nth)
            nth = r->acc[i].thread + 1;
    if (!nth)
        return 0;
    if (r->acc_overflow || nth > 1024 || (uint64_t)limit * nth > (32u << 20))
        return 1;
    size_t nobj = 0, cap = 1024; /* the objects' table: open addressing, at most half full */
    uint32_t *clk = calloc((size_t)nth * nth, sizeof *clk);      /* each thread's clock */
    uint32_t *svc = calloc(limit * (size_t)nth, sizeof *svc);   /* each step's clock */
    uint32_t *svt = malloc((limit ? limit : 1) * sizeof *svt);  /* ... whose it is */
    x_ob *ob = calloc(cap, sizeof *ob);
    x_rd *rd = NULL;
    size_t nrd = 0, cap_rd = 0;
    int rc = 0;
    if (!clk || !svc || !svt || !ob) {
        rc = -1;
        goto out;
    }
    memset(svt, 0xff, (limit ? limit : 1) * sizeof *svt);
    size_t i = 0;
    for (size_t s = 0; s < limit && rc == 0; s++) {
        uint32_t last = X_NONE32;
        for (; i < r->nacc && r->acc[i].step == s; i++) {
            const x_acc *a = &r->acc[i];
            uint32_t p = a->thread;
            uint32_t *cp = clk + (size_t)p * nth;
            if (p != last) {
                cp[p]++; /* a new step of p */
                last = p;
            }
            if (2 * (nobj + 1) > cap) {
                x_ob *nob = calloc(2 * cap, sizeof *nob);
                if (!nob) {
                    rc = -1;
                    break;
                }
                for (size_t b = 0; b < cap; b++)
                    if (ob[b].used) {
                        size_t h = x__ob_slot(ob[b].obj, 2 * cap);
                        while (nob[h].used)
                            h = (h + 1) & (2 * cap - 1);
                        nob[h] = ob[b];
                    }
                free(ob);
                ob = nob;
                cap *= 2;
            }
            size_t h = x__ob_slot(a->obj, cap);
            while (ob[h].used && ob[h].obj != a->obj)
                h = (h + 1) & (cap - 1);
            x_ob *o = &ob[h];
            if (!o->used) {
                *o = (x_ob){.obj = a->obj, .used = 1, .w_thread = X_NONE32, .rhead = X_NONE32};
                nobj++;
            }
            /* the conflicting earlier accesses: the last write, and for a
             * write every read since */
            if (o->w_thread != X_NONE32)
                x__hb_pair(r, nodes, nnodes, cp, svc, svt, nth, p, o->w_step, o->w_thread,
                           o->w_epoch);
            for (uint32_t k = a->write ? o->rhead : X_NONE32; k != X_NONE32; k = rd[k].next)
                x__hb_pair(r, nodes, nnodes, cp, svc, svt, nth, p, rd[k].step, rd[k].thread,
                           rd[k].epoch);
            if (a->write) {
                o->w_step = s, o->w_thread = p, o->w_epoch = cp[p];
                o->rhead = X_NONE32;
            } else {
                uint32_t k = o->rhead;
                while (k != X_NONE32 && rd[k].thread != p)
                    k = rd[k].next;
                if (k == X_NONE32) {
                    x_rd *n = x__grow(rd, &cap_rd, nrd + 1, sizeof *rd, 256);
                    if (!n) {
                        rc = -1;
                        break;
                    }
                    rd = n;
                    k = (uint32_t)nrd++;
                    rd[k].next = o->rhead;
                    o->rhead = k;
                    rd[k].thread = p;
                }
                rd[k].step = s, rd[k].epoch = cp[p];
            }
            memcpy(svc + s * nth, cp, nth * sizeof *cp);
            svt[s] = p;
        }
    }
out:
    free(clk);
    free(svc);
    free(svt);
    free(ob);
    free(rd);
    return rc;
}

/* node k's remembered threads grow: one more, its step's accesses copied
 * from the run (thread, r->acc[from, to)) or shared (an entry of an
 * ancestor) */
static int x__sl_add(x_path *P, uint32_t thread, const x_acc *acc, size_t n, const x_sl *share)
{
    x_sl *sl = x__grow(P->sl, &P->cap_sl, P->nsl + 1, sizeof *sl, 64);
    if (!sl)
        return -1;
    P->sl = sl;
    if (share) {
        sl[P->nsl++] = *share;
        return 0;
    }
    x_pa *pa = x__grow(P->pa, &P->cap_pa, P->npa + n, sizeof *pa, 256);
    if (!pa)
        return -1;
    P->pa = pa;
    for (size_t i = 0; i < n; i++)
        pa[P->npa + i] = (x_pa){acc[i].obj, acc[i].write};
    sl[P->nsl++] = (x_sl){thread, P->npa, n};
    P->npa += n;
    return 0;
}

/* the thread ran in the step (a sleeping thread runs with no decision
 * when it is the only one ready: it wakes, its next step is another) */
static bool x__ran_in(const x_acc *b, size_t nb, uint32_t thread)
{
    for (size_t j = 0; j < nb; j++)
        if (b[j].thread == thread)
            return true;
    return false;
}

/* a remembered step and a step of the run touch nothing in common (one
 * writing); too many to compare: not independent */
static bool x__indep(const x_pa *a, size_t na, const x_acc *b, size_t nb)
{
    if ((uint64_t)na * nb > 1000000)
        return false;
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++)
            if (a[i].obj == b[j].obj && (a[i].write || b[j].write))
                return false;
    return true;
}

static int x__dpor(const ts_x_opts *o, ts_x_runner run, void *arg, x_run *rp, ts_x_result *res,
                   uint64_t budget)
{
    x_run r = *rp;
    r.want_acc = true;
    r.all_conflict = !o->accesses;
    x_path P;
    memset(&P, 0, sizeof P);
    size_t *first = NULL, cap_first = 0; /* each step's accesses: r.acc[first[k], first[k+1]) */
    uint32_t *prefix = NULL;
    size_t nprefix = 0;
    bool wide = false; /* a decision had more than 64 candidates: not all tried */
    /* sharded: where the path leaves the spine (the FIFO run's decisions),
     * SIZE_MAX while on it */
    size_t dev = SIZE_MAX;
    bool shard = o->shard_n != 0;
    int rc = 0;
    for (;;) {
        if (res->runs >= budget) {
            res->budget_hit = true;
            break;
        }
        size_t len;
        x_spec *spec = x__spec(o, X_FIXED, 0, 0, 0, prefix, nprefix, &len);
        int status;
        if (!spec) {
            rc = -1;
            break;
        }
        spec->cands = 1;
        if (x__run(run, arg, spec, len, &r, &status) != 0) {
            free(spec);
            rc = -1;
            break;
        }
        free(spec);
        res->runs++;
        int t = !shard || dev != SIZE_MAX || o->shard_k == 1
                    ? x__take(o, res, &r, status, res->schedules, true)
                    : 0;
        if (t != 0) {
            rc = t < 0 ? -1 : 0;
            break;
        }
        size_t *f = x__grow(first, &cap_first, r.ndec + 1, sizeof *f, 64);
        x_node *nn = x__grow(P.nodes, &P.cap, r.ndec, sizeof *nn, 64);
        if (!f || !nn) {
            free(f ? f : first);
            first = NULL;
            P.nodes = nn ? nn : P.nodes;
            rc = -1;
            break;
        }
        first = f;
        P.nodes = nn;
        for (size_t k = 0, i = 0; k <= r.ndec; k++) {
            while (i < r.nacc && r.acc[i].step < k)
                i++;
            first[k] = i;
        }
        bool sleeps = !r.acc_overflow && !r.all_conflict;
        /* the deviation's node remembers the thread tried there */
        if (P.n > r.ndec)
            P.n = r.ndec; /* (a run never ends inside its prefix) */
        if (P.n) {
            size_t j = P.n - 1;
            uint32_t th = r.dec[j].thread;
            if (sleeps && th != SIM_NONE && !(shard && j <= dev) &&
                x__sl_add(&P, th, r.acc + first[j], first[j + 1] - first[j], NULL) != 0) {
                rc = -1;
                break;
            }
            P.nodes[j].sl_end = P.nsl;
            P.nodes[j].pa_end = P.npa;
        }
        /* the run's new decisions; sleep sets down the path */
        size_t limit = r.ndec;
        for (size_t k = P.n; k < r.ndec && rc == 0; k++) {
            x_node *x = &P.nodes[k];
            const x_cand *c = &r.dcand[k];
            memset(x, 0, sizeof *x);
            x->nen = r.dec[k].n < 64 ? r.dec[k].n : 64;
            bool spine = shard && k <= dev;
            if (!c->n || spine)
                x->back = x__mask(x->nen); /* a timer decision (or the spine's): every order */
            wide |= r.dec[k].n > 64;
            x->chosen = r.dec[k].chosen;
            x->done = x->chosen < 64 ? 1ULL << x->chosen : 0;
            x->sl_off = P.nsl;
            bool blocked = false;
            if (sleeps && k > 0 && r.dec[k - 1].thread != SIM_NONE) {
                /* those remembered one node up whose step is independent of
                 * the step made there sleep here */
                const x_node *up = &P.nodes[k - 1];
                const x_acc *sa = r.acc + first[k - 1];
                size_t sn = first[k] - first[k - 1];
                for (size_t e = up->sl_off; e < up->sl_end && rc == 0; e++) {
                    x_sl sl = P.sl[e];
                    if (sl.thread == r.dec[k - 1].thread || x__ran_in(sa, sn, sl.thread) ||
                        !x__indep(P.pa + sl.off, sl.n, sa, sn))
                        continue;
                    if (x__sl_add(&P, 0, NULL, 0, &sl) != 0) {
                        rc = -1;
                        break;
                    }
                    int ci = c->n ? x__cand_index(&r, k, x->nen, sl.thread) : -1;
                    if (ci >= 0) {
                        x->done |= 1ULL << ci;
                        x->asleep |= 1ULL << ci;
                    }
                    if (sl.thread == r.dec[k].thread)
                        blocked = true;
                }
            }
            if (rc != 0)
                break;
            if (blocked) {
                /* FIFO woke a sleeping thread: the rest is a run made before;
                 * those that do not sleep go here instead */
                x->back = x__mask(x->nen);
                x->sl_end = P.nsl;
                x->pa_end = P.npa;
                limit = k;
                break;
            }
            uint32_t th = r.dec[k].thread;
            if (sleeps && th != SIM_NONE && !spine &&
                x__sl_add(&P, th, r.acc + first[k], first[k + 1] - first[k], NULL) != 0) {
                rc = -1;
                break;
            }
            x->sl_end = P.nsl;
            x->pa_end = P.npa;
        }
        if (rc != 0)
            break;
        P.n = limit < r.ndec ? limit + 1 : r.ndec;
        int hr = x__races(&r, limit, P.nodes, P.n);
        if (hr == 1)
            hr = x__conflicts_all(&r, P.nodes, P.n);
        if (hr != 0) {
            rc = -1;
            break;
        }
        /* the deepest decision with a thread asked for and not yet tried
         * (sharded: a new subtree off the spine only if it is this shard's) */
        size_t j = P.n;
        uint32_t c = 0;
        bool found = false;
        while (!found && j-- > 0) {
            while (P.nodes[j].back & ~P.nodes[j].done) {
                c = (uint32_t)__builtin_ctzll(P.nodes[j].back & ~P.nodes[j].done);
                P.nodes[j].done |= 1ULL << c;
                if (!shard || (dev != SIZE_MAX && j > dev) || x__owns(o, j, c)) {
                    found = true;
                    break;
                }
            }
        }
        if (!found)
            break;
        if (shard && (dev == SIZE_MAX || j <= dev))
            dev = j; /* a new subtree off the spine (FIFO's choice was tried first) */
        P.nodes[j].chosen = c;
        P.n = j + 1;
        P.nsl = P.nodes[j].sl_end;
        P.npa = P.nodes[j].pa_end;
        uint32_t *np = realloc(prefix, P.n * sizeof *np);
        if (!np) {
            rc = -1;
            break;
        }
        prefix = np;
        for (size_t d = 0; d < P.n; d++)
            prefix[d] = P.nodes[d].chosen;
        nprefix = P.n;
    }
    res->exhausted =
        rc == 0 && res->goal < 0 && !res->budget_hit && !res->outputs_hit && !wide && !r.capped;
    res->near_ns = r.near_ns;
    free(P.nodes);
    free(P.sl);
    free(P.pa);
    free(first);
    free(prefix);
    r.want_acc = false;
    *rp = r;
    return rc;
}

int ts_explore(const ts_x_opts *o, ts_x_runner run, void *arg, ts_x_result *res)
{
    memset(res, 0, sizeof *res);
    res->goal = -1;
    uint64_t budget = o->max_schedules ? o->max_schedules
                      : o->strategy == TS_X_DFS || o->strategy == TS_X_DPOR ? 100000 : 1000;
    x_run r;
    memset(&r, 0, sizeof r);
    r.want_names = o->on_run != NULL;
    int rc = 0;
    if (o->strategy == TS_X_DPOR) {
        rc = x__dpor(o, run, arg, &r, res, budget);
    } else if (o->strategy != TS_X_DFS) {
        /* Schedule 0 is the default one (no preemption, as `run` makes
         * it), shard 1's: a random or PCT schedule almost never keeps a
         * thread running through a long loop (a choice at each of its
         * lines), so what the program prints by default was missing from
         * their outcomes. Schedule i >= 1 is the seed + i - 1's; a shard
         * takes every N-th of the same range. PCT draws its change points
         * from the decisions a run makes: the default schedule tells how
         * many there are, the same for every shard (run by each, counted
         * by shard 1's). */
        uint64_t steps = 1000;
        bool first_mine = !o->shard_n || o->shard_k == 1;
        bool done = false;
        if (first_mine || o->strategy == TS_X_PCT) {
            size_t len;
            void *spec = x__spec(o, X_FIXED, 0, 0, 0, NULL, 0, &len);
            int status;
            if (!spec || x__run(run, arg, spec, len, &r, &status) != 0)
                rc = -1;
            free(spec);
            if (rc == 0) {
                res->runs++;
                steps = r.ndec ? r.ndec : 1;
                /* a run that met no decision ran as every policy runs it:
                 * every schedule is this one (another shard owns none) */
                bool only = r.ndec == 0;
                if (first_mine) {
                    int t = x__take(o, res, &r, status, 0, true);
                    if (t < 0)
                        rc = -1;
                    done = t != 0;
                }
                if (only) {
                    res->exhausted = true;
                    done = true;
                }
            }
        }
        for (uint64_t i = 1; i < budget && rc == 0 && !done; i++) {
            if (o->shard_n && i % o->shard_n != o->shard_k - 1)
                continue;
            size_t len;
            void *spec = x__spec(o, o->strategy == TS_X_PCT ? X_PCT : X_RANDOM, o->seed + i - 1,
                                 o->depth ? o->depth : 3, steps, NULL, 0, &len);
            int status;
            if (!spec || x__run(run, arg, spec, len, &r, &status) != 0) {
                free(spec);
                rc = -1;
                break;
            }
            free(spec);
            res->runs++;
            if (r.ndec == 0) {
                /* no decision: every schedule is the default one, shard
                 * 1's (this shard, another's, owns none) */
                res->exhausted = true;
                break;
            }
            int t = x__take(o, res, &r, status, i, false);
            if (t < 0)
                rc = -1;
            if (t != 0)
                break;
        }
        res->budget_hit = res->goal < 0 && rc == 0 && !res->exhausted && !res->outputs_hit;
    } else {
        /* iterative context bounding: every schedule with no preemption,
         * then those with exactly one, ... up to the bound; a pass re-runs
         * the schedules of fewer preemptions only to walk through them */
        for (uint32_t b = 0; b <= o->bound && rc == 0 && res->goal < 0 && !res->budget_hit &&
                             !res->outputs_hit;
             b++)
            rc = x__dfs(o, b, run, arg, &r, res, budget);
        res->exhausted =
            rc == 0 && res->goal < 0 && !res->budget_hit && !res->outputs_hit && !r.capped;
    }
    res->near_ns = r.near_ns;
    sim_buf_free(&r.out);
    free(r.dec);
    free(r.dcand);
    free(r.daemons);
    free(r.cand);
    free(r.acc);
    free(r.detail);
    for (uint32_t i = 0; i < r.nnames; i++)
        free(r.names[i]);
    free(r.names);
    return rc;
}

/* o takes the schedule of g (same outcome, fewer preemptions) */
static void x__adopt(ts_x_outcome *o, ts_x_outcome *g)
{
    free(o->choices);
    free(o->ranks);
    o->choices = g->choices;
    o->ranks = g->ranks;
    o->nchoices = g->nchoices;
    o->preemptions = g->preemptions;
    g->choices = NULL;
    g->ranks = NULL;
}

static bool x__same_outcome(const ts_x_outcome *a, const ts_x_outcome *b)
{
    if (a->len != b->len || a->status != b->status || (a->len && memcmp(a->output, b->output, a->len)))
        return false;
    const char *ka = ts_x_detail_key(a->failure, a->detail);
    const char *kb = ts_x_detail_key(b->failure, b->detail);
    return (!ka && !kb) || (ka && kb && strcmp(ka, kb) == 0);
}

int ts_x_shrink(const ts_x_opts *base, ts_x_runner run, void *arg, ts_x_outcome *o,
                uint64_t budget, uint64_t *used)
{
    int shrunk;
    if (ts_x_shrink_all(base, run, arg, &o, 1, budget, used, &shrunk) < 0)
        return -1;
    return shrunk;
}

int ts_x_shrink_all(const ts_x_opts *base, ts_x_runner run, void *arg, ts_x_outcome **os, size_t n,
                    uint64_t budget, uint64_t *used, int *shrunk)
{
    uint32_t top = 0;
    for (size_t i = 0; i < n; i++) {
        used[i] = 0;
        shrunk[i] = 0;
        if (os[i]->preemptions > top)
            top = os[i]->preemptions;
    }
    uint64_t spent = 0;
    for (uint32_t b = 0; b < top && spent < budget; b++) {
        size_t pending = 0, one = 0;
        for (size_t i = 0; i < n; i++)
            if (!shrunk[i] && os[i]->preemptions > b)
                pending++, one = i;
        if (!pending)
            break;
        ts_x_opts so = *base;
        so.strategy = TS_X_DFS;
        so.bound = b;
        so.max_schedules = budget - spent;
        so.shard_k = so.shard_n = 0;
        so.goal = NULL;
        so.goal_len = 0;
        so.goal_status_set = false;
        if (pending == 1) {
            /* one outcome left: its goal ends the pass where it is found */
            so.goal = os[one]->output;
            so.goal_len = os[one]->len;
            so.goal_status_set = true;
            so.goal_status = os[one]->status;
        }
        ts_x_result r;
        if (ts_explore(&so, run, arg, &r) != 0) {
            ts_x_result_fini(&r);
            return -1;
        }
        spent += r.runs;
        for (size_t i = 0; i < n; i++) {
            if (shrunk[i] || os[i]->preemptions <= b)
                continue;
            used[i] = spent;
            /* found at this bound: every schedule of fewer preemptions ran
             * in the passes before (exhausted, or the search had stopped),
             * so its fewest is here, budget run out or not */
            ts_x_outcome *g = NULL;
            if (pending == 1 && r.goal >= 0)
                g = &r.out[r.goal];
            for (size_t j = 0; !g && pending > 1 && j < r.nout; j++)
                if (x__same_outcome(&r.out[j], os[i]))
                    g = &r.out[j];
            if (g && g->preemptions < os[i]->preemptions) {
                x__adopt(os[i], g);
                shrunk[i] = 1;
            }
        }
        ts_x_result_fini(&r);
    }
    return 0;
}

void ts_x_result_fini(ts_x_result *r)
{
    free(r->sched_bytes);
    free(r->sched_off);
    free(r->sched_out);
    for (size_t i = 0; i < r->nout; i++) {
        free(r->out[i].output);
        free(r->out[i].choices);
        free(r->out[i].ranks);
        free(r->out[i].detail);
    }
    free(r->out);
    memset(r, 0, sizeof *r);
}
