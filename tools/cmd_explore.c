/*
 * tools/cmd_explore.c — `threadsim explore PROGRAM`: run many schedules of a
 * program (tools/explore.h) and report every distinct outcome, the schedule
 * that first gave each (a replay token for the stepper), and which fail.
 *
 * The report on stdout depends only on the program, the options and the
 * seed (it is deterministic to the byte); the wall time and schedules per
 * second go to stderr.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/stat.h>

#include "../sim/num.h"

#include "../model/cpy/py.h"
#include "../sim/buf.h"
#include "cli.h"
#include "cmd_py.h"
#include "../traces/json.h"
#include "../traces/store_explore.h"
#include "explore.h"
#include "explore_html.h"
#include "record.h"
#include "scenarios/scenario.h"
#include "step.h"

const char ts_help_explore[] =
    "usage: threadsim explore PROGRAM [options] [-- ARGS...]\n"
    "\n"
    "Run many schedules of PROGRAM (a .py file or a built-in scenario), every\n"
    "line a possible switch, and list every distinct outcome (output and exit\n"
    "status) with how often it came, the schedule that first gave it and a\n"
    "token that replays it in the stepper.\n"
    "\n"
    "options:\n"
    "  --strategy S          random (default; each schedule at a switch rate of its\n"
    "                        own, from every decision a uniform pick to one preemption\n"
    "                        in 128), pct[:DEPTH] (default depth 3), or dfs:\n"
    "                        every schedule with at most --preemptions switches away\n"
    "                        from a thread that could go on (exhaustive for that bound)\n"
    "                        or dpor: dynamic partial-order reduction, no bound: a\n"
    "                        schedule that only reorders steps touching nothing in\n"
    "                        common is skipped (exhaustive when it ends)\n"
    "  --preemptions B       dfs: the bound (default 2)\n"
    "  --choices program|line|cpython  where a run may switch threads besides\n"
    "                        where one blocks: at every line of the program's own\n"
    "                        code (default), also inside the standard library's\n"
    "                        (line), or only where CPython 3.11 can: each pass of a\n"
    "                        loop of the program's and each Python function's entry,\n"
    "                        the library's too (cpython; not with dpor)\n"
    "  --jitter SECS         timers due within SECS of each other fire in either order\n"
    "                        (real timing can swap them; a ready thread waits at most\n"
    "                        SECS for a timer due later); timers due at the same\n"
    "                        instant always may (default 0.000001: a microsecond, what\n"
    "                        a system call that waits for nothing costs here)\n"
    "  --schedules N         the budget (default 1000; dfs: 100000); random and pct stop\n"
    "                        after one when it met no decision (every run is that one),\n"
    "                        and when cut short estimate what they missed, from the\n"
    "                        outcomes seen once (Good-Turing) and twice (Chao1)\n"
    "  --seed N              random/pct: schedule 0 is the default one, schedule i\n"
    "                        uses seed N + i - 1 (default 0)\n"
    "  --goal FILE           stop at the first schedule whose output is exactly FILE;\n"
    "                        exit 1 if none is found\n"
    "  --fail-on LIST        exit 1 if an outcome fails in one of these ways:\n"
    "                        exception (in any thread; a failed assert too), deadlock,\n"
    "                        limit, invariant, exit (a status other than 0 for none of\n"
    "                        those: sys.exit(3)) (comma-separated), or any\n"
    "  --invariant EXPR      a Python expression evaluated in the program's namespace\n"
    "                        at its end; false (or raising) fails the outcome\n"
    "  --junit FILE          a JUnit XML report: one test case per outcome\n"
    "  --max-outputs SIZE    stop once the distinct outcomes' outputs (kept in memory\n"
    "                        and stored) pass SIZE (default 256M; 0: no limit)\n"
    "  --shard K/N           run only this shard's part (K from 1 to N); 'auto' takes\n"
    "                        it from a Slurm array (SLURM_ARRAY_TASK_ID, _COUNT) or a\n"
    "                        Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with\n"
    "                        THREADSIM_SHARDS as N)\n"
    "  --max-decisions N     a schedule longer than N decisions ends as a run limit\n"
    "                        (exit 124; default 1000000, 0: none): a program that spins\n"
    "                        or never ends is one outcome, not all of the memory\n"
    "  --shrink N            runs to shrink each failing outcome shown to its fewest\n"
    "                        preemptions, all bounds together (default 5000; 0: none);\n"
    "                        a run limit only with --fail-on limit\n"
    "  --show N              outcomes shown in full (default 20)\n"
    "  --json                the report as one JSON document\n"
    "  --html FILE           also a teaching page: every outcome, and choosing who runs\n"
    "                        at each decision ('-': stdout; best with --strategy dfs);\n"
    "                        also 'threadsim export PROGRAM --format html --explore'\n"
    TS_HELP_STATUS_JSON
    TS_HELP_DB_OPTIONS
    "and the run options of 'threadsim run':\n"
    TS_HELP_MODEL_OPTIONS
    TS_HELP_PY_OPTIONS
    "\n"
    "Exit status: 0; 1 if --fail-on matched, the --goal was not found, or threadsim\n"
    "itself failed in a schedule (FAILS: engine, exit 127: a bug to report); 125 for\n"
    "bad usage. (A schedule's own exit status is part of its outcome: 124 a run\n"
    "limit, 126 a deadlock; see 'threadsim help run'.)\n";

typedef struct x_cli {
    model_opts base;
    const ts_scenario *sc;
    ts_py_runner py;
    const char *name;
    sim_sink_fn sink; /* explore's, which x__see_event passes every event on to */
    void *sink_ud;
    char *bad_invariant; /* --invariant does not compile: what CPython said */
    uint64_t wrote;      /* runs that changed the file system (model_result.wrote_files) */
    bool no_deep;        /* THREADSIM_DEEP=0: every run from the first choice (py.h's fixed) */
    bool deep_stats;     /* THREADSIM_DEEP=stats: say how many were resumed deeper */
} x_cli;

/* Replay tokens up to this long are shown in the text report; longer ones
 * only in --json (and step reads them with --replay @FILE). */
#define X__TOKEN_SHOWN 400
/* --max-decisions by default: a schedule of a million decisions is about a
 * second of the explorer's time and 20 MB of its memory; one that never ends
 * (a spin, a server loop) would otherwise take all of both. */
#define TS_X_MAX_DECISIONS 1000000
/* --shrink by default: runs to shrink one failing or goal outcome, all
 * bounds together (a program whose every run takes seconds, or a unique
 * output at many preemptions, would otherwise shrink for hours) */
#define TS_X_SHRINK 5000

/* Every event goes on to explore's sink; an --invariant that does not
 * compile (the run's message, cpy_run.c) is noted, and the search stops:
 * a usage error, not an outcome of every schedule. */
static void x__see_event(void *ud, const sim_event *ev)
{
    x_cli *c = ud;
    static const char nc[] = "does not compile: ";
    if (ev->kind == SIM_EV_ERROR && ev->reason && strcmp(ev->reason, "invariant") == 0 &&
        ev->text && memmem(ev->text, ev->len, nc, sizeof nc - 1) && !c->bad_invariant) {
        const char *m = memmem(ev->text, ev->len, nc, sizeof nc - 1) + sizeof nc - 1;
        c->bad_invariant = strndup(m, ev->len - (size_t)(m - ev->text));
    }
    c->sink(c->sink_ud, ev);
}

static int x__run_py(void *arg, const void *spec, size_t len, model_opts *cb, model_result *res)
{
    x_cli *c = arg;
    model_opts o = c->base;
    c->sink = cb->sink;
    c->sink_ud = cb->sink_ud;
    o.sink = cb->sink ? x__see_event : NULL;
    o.sink_ud = c;
    o.on_decision = cb->on_decision;
    o.decision_ud = cb->decision_ud;
    py_policy_req pol = {.blob = spec, .len = len};
    if (!c->no_deep)
        pol.nfixed = ts_x_spec_prefix(spec, len, &pol.fixed, &pol.fixed_key);
    int st = ts_py_runner_run(&c->py, &o, &pol, res);
    c->wrote += res && res->wrote_files;
    return c->bad_invariant ? -1 : st;
}

static int x__run_c(void *arg, const void *spec, size_t len, model_opts *cb, model_result *res)
{
    x_cli *c = arg;
    model_opts o = c->base;
    o.sink = cb->sink;
    o.sink_ud = cb->sink_ud;
    o.on_decision = cb->on_decision;
    o.decision_ud = cb->decision_ud;
    o.policy = ts_x_make_policy(spec, len);
    return model_run(&o, c->sc->main, NULL, res);
}

/* ---- the explanation of a schedule: its preemptions, with lines -------------- */

/* What one thread read and wrote since it was last switched in (access
 * notes: "read counter", "write .value", "write [item]"), with lines. */
typedef struct x_seg {
    char **acc;               /* "read counter" */
    int *line;
    uint32_t *tid;            /* the thread */
    size_t n, cap;
} x_seg;

typedef struct x_explain {
    char **names;             /* by thread id */
    uint32_t nnames;
    uint32_t running;         /* the thread on the CPU (switch events) */
    char at[64][128];         /* each thread's "file:line" now (line notes) */
    sim_buf out;              /* the report lines */
    uint32_t k;               /* preemptions so far */
    x_seg seg[64];            /* by thread id (the first 64 threads) */
    int line[64];             /* each thread's line now */
    bool pending;             /* a preemption whose conflicts are still being collected: */
    uint32_t pa;              /* ... thread pa was switched out, */
    x_seg before;             /* ... having touched these, */
    x_seg after;              /* ... and the others touched these until pa ran again, */
    bool resumed;             /* ... which it does now, */
    x_seg again;              /* ... touching these until it is switched out again */
} x_explain;

static void x__seg_clear(x_seg *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->acc[i]);
    s->n = 0;
}

static void x__seg_free(x_seg *s)
{
    x__seg_clear(s);
    free(s->acc);
    free(s->line);
    free(s->tid);
    memset(s, 0, sizeof *s);
}

static void x__seg_add(x_seg *s, const char *a, size_t len, int line, uint32_t tid)
{
    for (size_t i = 0; i < s->n; i++) /* once each */
        if (s->tid[i] == tid && strlen(s->acc[i]) == len && memcmp(s->acc[i], a, len) == 0)
            return;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        char **na = realloc(s->acc, cap * sizeof *na);
        if (!na)
            return;
        s->acc = na;
        int *nl = realloc(s->line, cap * sizeof *nl);
        if (!nl)
            return;
        s->line = nl;
        uint32_t *nt = realloc(s->tid, cap * sizeof *nt);
        if (!nt)
            return;
        s->tid = nt;
        s->cap = cap;
    }
    s->acc[s->n] = strndup(a, len);
    s->tid[s->n] = tid;
    s->line[s->n++] = line;
}

static const char *x__tname(const x_explain *x, uint32_t id);

/* What an access did, in the report: data ("read counter", "write .x")
 * and locks ("Lacquire a", "Lwait a", "Ltry a": the "lock" notes). */
static const char *x__verb(const char *acc)
{
    if (acc[0] != 'L')
        return acc[0] == 'w' ? "wrote" : "read";
    return acc[1] == 'a' ? "acquired" : acc[1] == 'w' ? "waited for" : "tried to acquire";
}

/* One conflict of a and b (accesses in that order), if any: a name both
 * touched, one writing it (data), or a lock both took or waited for. */
static bool x__conflict(const char *a, const char *b, bool locks)
{
    const char *na = strchr(a, ' '), *nb = strchr(b, ' ');
    bool la = a[0] == 'L', lb = b[0] == 'L';
    return na && nb && la == locks && lb == locks && strcmp(na, nb) == 0 &&
           (locks || a[0] == 'w' || b[0] == 'w');
}

/* The conflicts of the pending preemption, data before locks (a race on a
 * variable tells more than the lock it was read outside of): what the
 * switched-out thread touched before against what the others touched
 * meanwhile, then what the others touched meanwhile against what it
 * touched once it ran again (a check-then-act: read by another in the
 * window, written by it after), each name once, four at most. */
static void x__conflicts(x_explain *x)
{
    if (!x->pending)
        return;
    x->pending = x->resumed = false;
    const x_seg *pairs[2][2] = {{&x->before, &x->after}, {&x->after, &x->again}};
    const char *named[4];
    size_t shown = 0;
    for (int locks = 0; locks < 2; locks++)
        for (int p = 0; p < 2; p++) {
            const x_seg *a = pairs[p][0], *b = pairs[p][1];
            for (size_t i = 0; i < a->n && shown < 4; i++) {
                for (size_t j = 0; j < b->n; j++) {
                    if (!x__conflict(a->acc[i], b->acc[j], locks))
                        continue;
                    const char *name = strchr(a->acc[i], ' ') + 1;
                    bool dup = false;
                    for (size_t k = 0; k < shown; k++)
                        dup |= strcmp(named[k], name) == 0;
                    if (!dup) {
                        sim_buf_printf(&x->out,
                                       "       conflict on %s: %s %s it (line %d), then %s %s it "
                                       "(line %d)\n",
                                       name, x__tname(x, a->tid[i]), x__verb(a->acc[i]), a->line[i],
                                       x__tname(x, b->tid[j]), x__verb(b->acc[j]), b->line[j]);
                        named[shown++] = name;
                    }
                    break;
                }
            }
        }
    x__seg_free(&x->before);
    x__seg_free(&x->after);
    x__seg_free(&x->again);
}

static void x__name(x_explain *x, uint32_t id, const char *text, size_t len)
{
    if (id == SIM_NONE)
        return;
    if (id >= x->nnames) {
        char **n = realloc(x->names, (id + 1) * sizeof *n);
        if (!n)
            return;
        for (uint32_t i = x->nnames; i <= id; i++)
            n[i] = NULL;
        x->names = n;
        x->nnames = id + 1;
    }
    free(x->names[id]);
    x->names[id] = strndup(text, len);
}

static const char *x__tname(const x_explain *x, uint32_t id)
{
    return id < x->nnames && x->names[id] ? x->names[id] : "?";
}

static void x__explain_sink(void *ud, const sim_event *ev)
{
    x_explain *x = ud;
    if (ev->kind == SIM_EV_SWITCH)
        x->running = ev->other;
    if (ev->kind == SIM_EV_SWITCH) {
        /* the preempted thread running again ends the window, and its
         * being switched out again what it touches after */
        if (x->pending && !x->resumed && ev->other == x->pa)
            x->resumed = true;
        else if (x->pending && x->resumed && ev->other != x->pa)
            x__conflicts(x);
        if (ev->other < 64)
            x__seg_clear(&x->seg[ev->other]);
    } else if (ev->kind == SIM_EV_NOTE && ev->reason &&
               (strcmp(ev->reason, "access") == 0 || strcmp(ev->reason, "lock") == 0) &&
               ev->text && ev->thread < 64 && ev->len < 512) {
        char acc[520];
        size_t n = 0;
        if (ev->reason[0] == 'l')
            acc[n++] = 'L'; /* a lock's, compared with locks' only */
        memcpy(acc + n, ev->text, ev->len);
        n += ev->len;
        x__seg_add(&x->seg[ev->thread], acc, n, x->line[ev->thread], ev->thread);
        if (x->pending && !x->resumed && ev->thread != x->pa)
            x__seg_add(&x->after, acc, n, x->line[ev->thread], ev->thread);
        else if (x->pending && x->resumed && ev->thread == x->pa)
            x__seg_add(&x->again, acc, n, x->line[ev->thread], ev->thread);
    } else if (ev->kind == SIM_EV_NOTE && ev->reason && strcmp(ev->reason, "line") == 0 &&
               ev->text && ev->thread < 64) {
        size_t c = ev->len;
        while (c > 0 && ev->text[c - 1] != ':')
            c--;
        uint64_t line = 0;
        char buf[16];
        size_t n = ev->len - c;
        if (c && n < sizeof buf) {
            memcpy(buf, ev->text + c, n);
            buf[n] = '\0';
            if (sim_parse_u64(buf, INT32_MAX, &line) != SIM_NUM_OK)
                line = 0;
        }
        x->line[ev->thread] = (int)line;
    }
    if (ev->kind == SIM_EV_CREATE && ev->text)
        x__name(x, ev->other, ev->text, ev->len);
    else if (ev->kind == SIM_EV_NOTE && ev->reason && strcmp(ev->reason, "rename") == 0 && ev->text)
        x__name(x, ev->other, ev->text, ev->len);
    else if (ev->kind == SIM_EV_NOTE && ev->reason && strcmp(ev->reason, "line") == 0 && ev->text &&
             ev->thread < 64) {
        char *at = x->at[ev->thread];
        size_t n = ev->len < sizeof x->at[0] - 1 ? ev->len : sizeof x->at[0] - 1;
        memcpy(at, ev->text, n);
        at[n] = '\0';
    }
}

static void x__explain_dec(void *ud, uint64_t index, uint32_t n, uint32_t chosen, uint32_t thread,
                           bool step)
{
    x_explain *x = ud;
    if (!step || chosen == n - 1)
        return;
    x->k++;
    x__conflicts(x);
    /* the thread switched out is the one running at the decision (the
     * last with a line note may be another: a thread switched in inside a
     * library call notes no line before its next decision) */
    uint32_t from = x->running;
    const char *at = from < 64 && x->at[from][0] ? x->at[from] : "?";
    sim_buf_printf(&x->out, "     preemption %u (decision %" PRIu64 "): %s is switched out at %s; %s runs\n",
                   x->k, index, x__tname(x, from), at, x__tname(x, thread));
    /* what the switched-out thread touched so far, against what the one
     * that runs now touches until it is switched out */
    if (from < 64 && thread < 64) {
        x->pending = true;
        x->pa = from;
        const x_seg *a = &x->seg[x->pa];
        for (size_t i = 0; i < a->n; i++)
            x__seg_add(&x->before, a->acc[i], strlen(a->acc[i]), a->line[i], x->pa);
    }
}

/* ---- the report ------------------------------------------------------------------ */

/* `w` as one shell word in b (a suggested command pasted into a shell runs
 * as shown: a program named "with space.py" or "semi;colon.py" broke it):
 * as it is when only safe characters make it up (always_quote: never),
 * else in single quotes, each of its own as '\'' . */
static const char *x__sh_word(sim_buf *b, const char *w, bool always_quote)
{
    sim_buf_clear(b);
    bool plain = !always_quote && *w;
    for (const char *p = w; plain && *p; p++)
        plain = isalnum((unsigned char)*p) || strchr("_./:@%+=,-", *p);
    if (plain)
        return sim_buf_adds(b, w), sim_buf_str(b);
    sim_buf_adds(b, "'");
    for (const char *p = w; *p; p++)
        sim_buf_adds(b, *p == '\'' ? "'\\''" : (char[2]){*p, 0});
    sim_buf_adds(b, "'");
    return sim_buf_str(b);
}

static void x__quote(sim_buf *b, const char *s, size_t n, size_t max_lines)
{
    size_t lines = 0, i = 0;
    while (i < n && lines < max_lines) {
        size_t e = i;
        while (e < n && s[e] != '\n')
            e++;
        sim_buf_adds(b, "     | ");
        sim_buf_add(b, s + i, e - i);
        sim_buf_addc(b, '\n');
        lines++;
        i = e < n ? e + 1 : e;
    }
    if (i < n)
        sim_buf_printf(b, "     | ... (%zu more bytes)\n", n - i);
    if (n == 0)
        sim_buf_adds(b, "     (prints nothing)\n");
}

/* JSON and XML text as the other reports write them (traces/json.h): a
 * program's control characters and bytes that are not UTF-8 made them
 * files no parser read. */
static void x__json_str(sim_buf *b, const char *s, size_t n) { trace_json_string(b, s, n); }

static void x__xml(FILE *f, const char *s, size_t n) { trace_xml_text(f, s, n); }

/* A report: an exploration (live or stored) as the user reads it. */
typedef struct x_report {
    const store_exploration *x;
    const char *strategy;     /* "dfs, at most 2 preemptions", or NULL: from x->options */
    uint32_t bound;
    bool dfs;
    bool dpor;
    long goal_idx;            /* -1 if none */
    uint64_t show;            /* outcomes shown in full */
    char *const *why;         /* per outcome: its preemptions explained, or NULL */
    const char *step_choices; /* the stepper's --choices for the tokens */
    uint64_t outputs_hit;     /* stopped by --max-outputs: its value; 0 if not */
    const char *prog_words;   /* the program's options for the stepper (-u, --env, -- ARGS) */
    uint64_t runs;            /* the runs the budget counted (dfs's passes run schedules of
                               * fewer preemptions again); 0: not known (a stored exploration) */
} x_report;

/* The options text's words after -u (which unbuffered= says), or NULL. */
static const char *x__program_words(const char *popts)
{
    const char *w = popts;
    if (w && strncmp(w, "-u", 2) == 0 && (w[2] == ' ' || !w[2]))
        w += 2 + (w[2] == ' ');
    return w && *w ? w : NULL;
}

/* How much a random or PCT search cut short by its budget has likely
 * missed, from how often it saw each outcome: its schedules are independent
 * draws (schedule i >= 1 is the seed + i - 1's), so the share of schedules
 * whose outcome no other schedule had, f1/N, estimates how often one more
 * schedule would print something not seen yet (Good and Turing's estimate of
 * the unseen mass), and S + f1(f1-1)/(2(f2+1)) the number of outcomes these
 * draws reach in all (Chao's bias-corrected lower-bound estimator: f2 the
 * outcomes seen exactly twice). Both are of the strategy's own
 * distribution, not python3's, and say nothing of outcomes it reaches with
 * a probability far below 1/N: only dfs or dpor proves there is no other. */
#define X__COVERAGE_MIN 20

/* f[1], f[2]: x's outcomes seen once, twice */
static void x__seen(const store_exploration *x, uint64_t f[3])
{
    f[0] = f[1] = f[2] = 0;
    for (size_t i = 0; x->out && i < x->nout; i++)
        if (x->out[i].count <= 2)
            f[x->out[i].count]++;
}

/* The estimate as words ("N seen only once, so about ..." or "each seen at
 * least twice: ..."). */
static void x__coverage(sim_buf *rep, const store_exploration *x)
{
    uint64_t f[3];
    x__seen(x, f);
    uint64_t f1 = f[1], f2 = f[2], schedules = x->schedules;
    size_t nout = x->nout;
    if (!f1) {
        sim_buf_printf(rep, "each seen at least twice: a schedule that prints something new "
                            "is rare for this strategy (Good-Turing: under 1 in %" PRIu64
                            "); only dfs or dpor, exhausted, proves there is none",
                       schedules);
        return;
    }
    double est = (double)nout + (double)f1 * (double)(f1 - 1) / (2.0 * (double)(f2 + 1));
    sim_buf_printf(rep, "%" PRIu64 " seen only once, so about %.2g%% of further "
                        "schedules would print one not seen yet (Good-Turing estimate), and this "
                        "strategy reaches at least about %.0f (Chao1 estimate); --schedules N "
                        "runs more",
                   f1, 100.0 * (double)f1 / (double)schedules, est);
}

static void x__report(sim_buf *rep, const x_report *rp)
{
    const store_exploration *x = rp->x;
    sim_buf_printf(rep, "explore %s: %s\n", x->program, rp->strategy ? rp->strategy : x->options);
    if (x->shard)
        sim_buf_printf(rep, "shard %s\n", x->shard);
    sim_buf_printf(rep, "%" PRIu64 " schedule%s, %zu distinct outcome%s", x->schedules,
                   x->schedules == 1 ? "" : "s", x->nout, x->nout == 1 ? "" : "s");
    if (rp->outputs_hit && rp->outputs_hit % (1u << 20) == 0)
        sim_buf_printf(rep, "; stopped: the distinct outcomes' outputs passed %" PRIu64
                            " MiB (--max-outputs)\n", rp->outputs_hit >> 20);
    else if (rp->outputs_hit)
        sim_buf_printf(rep, "; stopped: the distinct outcomes' outputs passed %" PRIu64
                            " bytes (--max-outputs)\n", rp->outputs_hit);
    else if (x->exhausted && rp->dpor)
        sim_buf_adds(rep, "; exhausted: every order of the steps that touch something in "
                          "common ran (dpor)\n");
    else if (x->exhausted && rp->dfs)
        sim_buf_printf(rep, "; exhausted: every schedule with at most %u preemption%s ran\n",
                       rp->bound, rp->bound == 1 ? "" : "s");
    else if (x->exhausted && !x->schedules)
        sim_buf_adds(rep, "; exhausted: the program made no scheduling choice; its one "
                          "schedule is shard 1's\n");
    else if (x->exhausted)
        sim_buf_adds(rep, "; exhausted: the program made no scheduling choice, so every "
                          "schedule is this one\n");
    else if (rp->dfs && rp->goal_idx < 0) {
        /* (its passes walk through the schedules of fewer preemptions again:
         * runs the budget counts, not new schedules; how many, when known) */
        sim_buf_adds(rep, "; not exhausted: the budget ran out first (--schedules counts "
                          "runs, and each dfs pass runs the schedules of fewer preemptions "
                          "again");
        if (rp->runs > x->schedules)
            sim_buf_printf(rep, ": %" PRIu64 " runs for these %" PRIu64 " schedules", rp->runs,
                           x->schedules);
        sim_buf_adds(rep, ")\n");
    } else if (rp->dpor && rp->goal_idx < 0)
        /* (depth-first: the alternatives of the last decisions come
         * first, README) */
        sim_buf_adds(rep, "; not exhausted: the budget ran out first (--schedules); dpor "
                          "varies the last decisions first, so a search cut short has seen "
                          "few orders of the early ones (random, pct or dfs --preemptions "
                          "reach those sooner)\n");
    else if (rp->goal_idx < 0 && x->schedules >= X__COVERAGE_MIN) {
        uint64_t f[3];
        x__seen(x, f);
        sim_buf_adds(rep, f[1] ? "; not exhausted: " : "; ");
        x__coverage(rep, x);
        sim_buf_addc(rep, '\n');
    } else
        sim_buf_addc(rep, '\n');
    for (size_t i = 0; i < x->nout && i < rp->show; i++) {
        const store_x_outcome *o = &x->out[i];
        sim_buf_printf(rep, "\n  %zu. %" PRIu64 " schedule%s (first #%" PRIu64
                            "; fewest preemptions %u), exit %d%s%s%s\n",
                       i + 1, o->count, o->count == 1 ? "" : "s", o->first, o->preemptions,
                       o->exit_status, o->failure ? ", FAILS: " : "", o->failure ? o->failure : "",
                       (long)i == rp->goal_idx ? ", the goal" : "");
        if (o->detail && strcmp(o->detail, "decision limit") == 0)
            /* a long loop beside another live thread: each of its lines a
             * decision (the engine's reason, kept as stored) */
            sim_buf_adds(rep, "     decision limit: the schedule made more decisions than "
                              "--max-decisions allows (default 1000000; 0: no limit)\n");
        else if (o->detail)
            sim_buf_printf(rep, "     %s\n", o->detail);
        x__quote(rep, o->output, o->len, 12);
        bool dflt = !o->token || ts_step_token_is_default(o->token);
        sim_buf qp = {0}, qt = {0};
        const char *prog = x__sh_word(&qp, x->program, false);
        const char *tok = o->token ? x__sh_word(&qt, o->token, true) : "";
        const char *sp = rp->prog_words && *rp->prog_words ? " " : "";
        const char *words = rp->prog_words ? rp->prog_words : "";
        if (!dflt && strlen(o->token) > X__TOKEN_SHOWN)
            /* a long run's token: thousands of characters, past what one
             * command-line argument may hold; the stepper reads it from a file */
            sim_buf_printf(rep, "     replay: a token of %zu characters, too long to show: --json "
                                "prints it, and 'threadsim step %s --choices %s --replay "
                                "@FILE%s%s' reads it from FILE\n",
                           strlen(o->token), prog, rp->step_choices, sp, words);
        else if (!dflt)
            sim_buf_printf(rep, "     replay: threadsim step %s --choices %s --replay %s%s%s\n", prog,
                           rp->step_choices, tok, sp, words);
        else if (!o->token)
            sim_buf_printf(rep, "     replay: the default schedule (threadsim run %s%s%s)\n", prog,
                           sp, words);
        else
            /* `run` runs the program compiled with ticks, untraced: CPython
             * makes no frame objects for it, so its objects can sit at other
             * addresses than the explorer's (README, "Addresses") */
            sim_buf_printf(rep, "     replay: the default schedule (threadsim run %s%s%s; with the "
                                "same addresses: threadsim step %s --choices %s --replay %s%s%s)\n",
                           prog, sp, words, prog, rp->step_choices, tok, sp, words);
        sim_buf_free(&qp);
        sim_buf_free(&qt);
        if (rp->why && rp->why[i])
            sim_buf_adds(rep, rp->why[i]);
        if (o->run_id > 0)
            sim_buf_printf(rep, "     stored as run %" PRId64 " ('threadsim show %" PRId64
                                " --trace', 'threadsim replay %" PRId64 "')\n",
                           o->run_id, o->run_id, o->run_id);
    }
    if (x->nout > rp->show)
        sim_buf_printf(rep, "\n  (%zu more outcomes: --show N)\n", x->nout - (size_t)rp->show);
}

static void x__report_json(sim_buf *rep, const x_report *rp)
{
    const store_exploration *x = rp->x;
    sim_buf_adds(rep, "{\"program\": ");
    x__json_str(rep, x->program, strlen(x->program));
    sim_buf_adds(rep, ", \"options\": ");
    x__json_str(rep, x->options, strlen(x->options));
    if (x->shard) {
        sim_buf_adds(rep, ", \"shard\": ");
        x__json_str(rep, x->shard, strlen(x->shard));
    }
    sim_buf_printf(rep, ", \"schedules\": %" PRIu64 ", \"exhausted\": %s, ", x->schedules,
                   x->exhausted ? "true" : "false");
    if (rp->outputs_hit)
        sim_buf_printf(rep, "\"stopped_at_max_outputs\": %" PRIu64 ", ", rp->outputs_hit);
    sim_buf_adds(rep, "\"outcomes\": [");
    for (size_t i = 0; i < x->nout; i++) {
        const store_x_outcome *o = &x->out[i];
        sim_buf_printf(rep, "%s{\"count\": %" PRIu64 ", \"first\": %" PRIu64
                            ", \"exit\": %d, \"preemptions\": %u, \"failure\": ",
                       i ? ", " : "", o->count, o->first, o->exit_status, o->preemptions);
        if (o->failure)
            x__json_str(rep, o->failure, strlen(o->failure));
        else
            sim_buf_adds(rep, "null");
        sim_buf_adds(rep, ", \"output\": ");
        x__json_str(rep, o->output, o->len);
        sim_buf_adds(rep, ", \"token\": ");
        x__json_str(rep, o->token ? o->token : "", o->token ? strlen(o->token) : 0);
        sim_buf_addc(rep, '}');
    }
    sim_buf_addc(rep, ']');
    if (!rp->dfs && !rp->dpor) {
        /* random and pct: what x__coverage estimates from */
        uint64_t f[3];
        x__seen(x, f);
        sim_buf_printf(rep, ", \"seen_once\": %" PRIu64 ", \"seen_twice\": %" PRIu64, f[1], f[2]);
    }
    sim_buf_adds(rep, "}\n");
}

static bool x__fails(const ts_x_outcome *o, const char *fail_on)
{
    if (o->failure && strcmp(o->failure, "engine") == 0)
        return true; /* threadsim's own failure fails whatever is asked, or not */
    if (!o->failure || !fail_on)
        return false;
    if (strcmp(fail_on, "any") == 0)
        return true;
    size_t n = strlen(o->failure);
    for (const char *p = fail_on; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, o->failure, n) == 0)
            return true;
        p += len + (e ? 1 : 0);
    }
    return false;
}

/* A run limit's outcome that --fail-on does not name (nor the goal): a
 * program that does not end (a server loop, a spin, the tutorial's Queue
 * page). Each of its schedules prints its own output at the limit and each
 * run is as long as the limit lets it be, so it is neither shrunk (a search
 * for the same output at fewer preemptions would be thousands of long runs
 * for nothing) nor explained (one more such run); both happen when
 * --fail-on names it (a livelock being chased). */
static bool x__unasked_limit(const ts_x_outcome *o, bool goal, const char *fail_on)
{
    return !goal && o->failure && strcmp(o->failure, "limit") == 0 && !x__fails(o, fail_on);
}

static bool x__valid_fail_on(const char *s)
{
    if (strcmp(s, "any") == 0)
        return true;
    static const char *const ok[] = {"exception", "deadlock", "limit", "invariant", "exit"};
    for (const char *p = s; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        bool found = false;
        for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
            found |= strlen(ok[i]) == len && strncmp(p, ok[i], len) == 0;
        if (!found)
            return false;
        p += len + (e ? 1 : 0);
        if (e && !*p)
            return false;
    }
    return *s != '\0';
}

static bool x__parse_shard(const char *v, uint32_t *k, uint32_t *n)
{
    char buf[64];
    if (strcmp(v, "auto") == 0) {
        const char *id = getenv("SLURM_ARRAY_TASK_ID"), *cnt = getenv("SLURM_ARRAY_TASK_COUNT");
        const char *min = getenv("SLURM_ARRAY_TASK_MIN");
        if (!id) {
            id = getenv("JOB_COMPLETION_INDEX");
            cnt = getenv("THREADSIM_SHARDS");
            min = "0";
        }
        if (!id || !cnt) {
            ts_usage_error("explore: --shard auto needs SLURM_ARRAY_TASK_ID and "
                           "SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX and THREADSIM_SHARDS");
            return false;
        }
        uint64_t i, c, m = 0;
        if (!ts_parse_u64("--shard auto", id, &i) || !ts_parse_u64("--shard auto", cnt, &c) ||
            (min && !ts_parse_u64("--shard auto", min, &m)))
            return false;
        if (c == 0 || c > UINT32_MAX || i < m || i - m >= c) {
            ts_usage_error("explore: --shard auto: index %" PRIu64 " is not within %" PRIu64
                           " shards", i, c);
            return false;
        }
        *k = (uint32_t)(i - m + 1);
        *n = (uint32_t)c;
        return true;
    }
    const char *slash = strchr(v, '/');
    uint64_t a, b;
    if (!slash || (size_t)(slash - v) >= sizeof buf) {
        ts_usage_error("explore: --shard needs K/N (e.g. 3/16) or auto");
        return false;
    }
    memcpy(buf, v, (size_t)(slash - v));
    buf[slash - v] = '\0';
    if (!ts_parse_u64("--shard", buf, &a) || !ts_parse_u64("--shard", slash + 1, &b))
        return false;
    if (b > UINT32_MAX) {
        /* (said as the range it was: "1 <= K <= N" held for 2^32/2^32) */
        ts_usage_error("explore: --shard K/N: N is at most %" PRIu32 " (got %s)", UINT32_MAX, v);
        return false;
    }
    if (b == 0 || a < 1 || a > b) {
        ts_usage_error("explore: --shard K/N needs 1 <= K <= N (got %s)", v);
        return false;
    }
    *k = (uint32_t)a;
    *n = (uint32_t)b;
    return true;
}

static const char *x__strategy_name(const ts_x_opts *xo, char *buf, size_t cap)
{
    if (xo->strategy == TS_X_DPOR)
        snprintf(buf, cap, "dpor (partial-order reduction, no preemption bound)");
    else if (xo->strategy == TS_X_DFS)
        snprintf(buf, cap, "dfs, at most %u preemption%s", xo->bound, xo->bound == 1 ? "" : "s");
    else if (xo->strategy == TS_X_PCT)
        snprintf(buf, cap, "pct depth %u, seed %" PRIu64, xo->depth, xo->seed);
    else
        snprintf(buf, cap, "random, seed %" PRIu64, xo->seed);
    return buf;
}

/* ns as text: form 0 for a reader ("1 ms", "250 us", "1.5 ms"), form 1
 * as --jitter takes it, in seconds ("0.001"). One buffer per form. */
static const char *x__secs_text(int64_t ns, int form)
{
    static char buf[2][32];
    char *b = buf[form ? 1 : 0];
    if (form)
        snprintf(b, sizeof buf[0], "%.9g", (double)ns / 1e9);
    else if (ns >= 1000000)
        snprintf(b, sizeof buf[0], "%.3g ms", (double)ns / 1e6);
    else if (ns >= 1000)
        snprintf(b, sizeof buf[0], "%.3g us", (double)ns / 1e3);
    else
        snprintf(b, sizeof buf[0], "%lld ns", (long long)ns);
    return b;
}

static double x__now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* `path` can be written (replaced, or made in its folder); errno if not */
static bool x__writable(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            errno = EISDIR;
            return false;
        }
        return access(path, W_OK) == 0;
    }
    if (errno != ENOENT)
        return false;
    char *dir = strdup(path);
    if (!dir)
        return false;
    char *slash = strrchr(dir, '/');
    const char *d = !slash ? "." : slash == dir ? "/" : (*slash = '\0', dir);
    bool ok = access(d, W_OK | X_OK) == 0;
    free(dir);
    return ok;
}

/* --choices, as the stored options and the stepper name it */
static const char *x__choices(bool all_lines, bool cpython)
{
    return all_lines ? "line" : cpython ? "cpython" : "program";
}

int ts_cmd_explore(int argc, char **argv)
{
    x_cli c;
    memset(&c, 0, sizeof c);
    c.base = model_opts_default();
    ts_x_opts xo = {.strategy = TS_X_RANDOM, .depth = 3, .bound = 2, .timers = true, .jitter = 1000};
    bool python_set = false, json = false, all_lines = false, cpython = false;
    const char *goal = NULL, *fail_on = NULL, *junit = NULL, *invariant = NULL, *html = NULL;
    uint64_t show = 20;
    uint64_t max_decisions = TS_X_MAX_DECISIONS;
    uint64_t shrink = TS_X_SHRINK;
    ts_db_opts db = ts_db_opts_default();
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(ts_help_explore, stdout);
            return TS_EXIT_OK;
        }
        if (strcmp(a, "--json") == 0) {
            json = true;
            continue;
        }
        if (strcmp(a, "--jitter") == 0) {
            double j;
            if (!v)
                return ts_usage_error("explore: --jitter needs a value");
            /* (one range, said one way: past 1e9 and past 1e6 were told
             * apart, in two wordings) */
            int pr = sim_parse_secs(v, 1e6, &j);
            if (pr == SIM_NUM_RANGE)
                return ts_usage_error("explore: --jitter: '%s' is out of range (seconds from 0 to "
                                      "1e6)", v);
            if (pr != SIM_NUM_OK) {
                (void)ts_parse_secs(a, v, &j); /* (its message for what is no number) */
                return TS_EXIT_USAGE;
            }
            xo.jitter = (int64_t)(j * 1e9 + 0.5);
            i++;
            continue;
        }
        if (strcmp(a, "--choices") == 0) {
            if (!v || (strcmp(v, "program") != 0 && strcmp(v, "line") != 0 &&
                       strcmp(v, "cpython") != 0))
                return ts_usage_error("explore: --choices needs program, line or cpython");
            all_lines = strcmp(v, "line") == 0;
            cpython = strcmp(v, "cpython") == 0;
            i++;
            continue;
        }
        if (strcmp(a, "--strategy") == 0 || strcmp(a, "--preemptions") == 0 ||
            strcmp(a, "--schedules") == 0 || strcmp(a, "--seed") == 0 ||
            strcmp(a, "--goal") == 0 || strcmp(a, "--fail-on") == 0 ||
            strcmp(a, "--junit") == 0 || strcmp(a, "--shard") == 0 || strcmp(a, "--show") == 0 ||
            strcmp(a, "--invariant") == 0 || strcmp(a, "--html") == 0 ||
            strcmp(a, "--max-decisions") == 0 || strcmp(a, "--shrink") == 0 ||
            strcmp(a, "--max-outputs") == 0) {
            if (!v)
                return ts_usage_error("explore: %s needs a value", a);
            i++;
            uint64_t x;
            if (strcmp(a, "--strategy") == 0) {
                if (strcmp(v, "random") == 0)
                    xo.strategy = TS_X_RANDOM;
                else if (strcmp(v, "dfs") == 0)
                    xo.strategy = TS_X_DFS;
                else if (strcmp(v, "dpor") == 0)
                    xo.strategy = TS_X_DPOR;
                else if (strncmp(v, "pct", 3) == 0 && (v[3] == '\0' || v[3] == ':')) {
                    xo.strategy = TS_X_PCT;
                    if (v[3] == ':') {
                        if (!ts_parse_u64("--strategy pct:DEPTH", v + 4, &x))
                            return TS_EXIT_USAGE;
                        if (x < 1 || x > 1000)
                            return ts_usage_error("explore: pct depth must be from 1 to 1000");
                        xo.depth = (uint32_t)x;
                    }
                } else
                    return ts_usage_error("explore: --strategy needs random, pct[:DEPTH], dfs or dpor "
                                          "(got '%s')", v);
            } else if (strcmp(a, "--preemptions") == 0) {
                if (!ts_parse_u64(a, v, &x))
                    return TS_EXIT_USAGE;
                if (x > 1000)
                    return ts_usage_error("explore: --preemptions must be at most 1000");
                xo.bound = (uint32_t)x;
            } else if (strcmp(a, "--schedules") == 0) {
                if (!ts_parse_u64(a, v, &xo.max_schedules))
                    return TS_EXIT_USAGE;
                if (xo.max_schedules == 0)
                    return ts_usage_error("explore: --schedules must be at least 1");
            } else if (strcmp(a, "--seed") == 0) {
                if (!ts_parse_u64(a, v, &xo.seed))
                    return TS_EXIT_USAGE;
            } else if (strcmp(a, "--show") == 0) {
                if (!ts_parse_u64(a, v, &show))
                    return TS_EXIT_USAGE;
            } else if (strcmp(a, "--max-decisions") == 0) {
                if (!ts_parse_u64(a, v, &max_decisions))
                    return TS_EXIT_USAGE;
            } else if (strcmp(a, "--shrink") == 0) {
                if (!ts_parse_u64(a, v, &shrink))
                    return TS_EXIT_USAGE;
            } else if (strcmp(a, "--max-outputs") == 0) {
                if (!ts_parse_size(a, v, &xo.max_outputs))
                    return TS_EXIT_USAGE;
                if (xo.max_outputs == 0)
                    xo.max_outputs = UINT64_MAX; /* 0: no limit, as --max-db-size's */
            } else if (strcmp(a, "--goal") == 0) {
                goal = v;
            } else if (strcmp(a, "--fail-on") == 0) {
                if (!x__valid_fail_on(v))
                    return ts_usage_error("explore: --fail-on needs exception, deadlock, limit, "
                                          "invariant, exit (comma-separated) or any (got '%s')",
                                          v);
                fail_on = v;
            } else if (strcmp(a, "--junit") == 0) {
                junit = v;
            } else if (strcmp(a, "--invariant") == 0) {
                invariant = v;
            } else if (strcmp(a, "--html") == 0) {
                html = v;
            } else if (strcmp(a, "--shard") == 0) {
                if (!x__parse_shard(v, &xo.shard_k, &xo.shard_n))
                    return TS_EXIT_USAGE;
            }
            continue;
        }
        int k = ts_parse_py_option(argc - i, argv + i);
        if (k == 0)
            k = ts_parse_run_option(argc - i, argv + i, &c.base, &python_set);
        if (k == 0)
            k = ts_parse_db_option(argc - i, argv + i, &db);
        if (k < 0)
            return TS_EXIT_USAGE;
        if (k > 0) {
            i += k - 1;
            continue;
        }
        if (a[0] == '-' && !c.name)
            return ts_unknown_option("explore", a);
        if (c.name)
            return ts_after_program("explore", c.name, a);
        c.name = a;
    }
    if (!c.name)
        return ts_usage_error("explore: which program? (a .py file or a scenario from 'threadsim list')");
    /* where the results go is checked before the search: a database or a
     * file they cannot be written to would lose every schedule's result at
     * its end */
    if (!db.none) {
        store *chk = ts_db_open(&db, true);
        if (!chk)
            return TS_EXIT_USAGE;
        store_close(chk);
    }
    const char *const outs[][2] = {{"--junit", junit}, {"--html", html}};
    for (size_t i = 0; i < 2; i++) {
        const char *f = outs[i][1];
        if (f && !*f)
            return ts_usage_error("explore: %s needs a file name, not ''", outs[i][0]);
        if (f && ts_check_not_db("explore", outs[i][0], f, &db) != 0)
            return TS_EXIT_USAGE;
        if (f && strcmp(f, "-") != 0 && !x__writable(f))
            return ts_usage_error("explore: cannot write %s file '%s': %s", outs[i][0], f,
                                  strerror(errno));
    }
    char *goal_text = NULL;
    if (goal) {
        size_t len;
        if (!(goal_text = sim_read_file(goal, &len)))
            return ts_usage_error("explore: cannot read --goal file '%s': %s", goal, strerror(errno));
        xo.goal = goal_text;
        xo.goal_len = len;
    }
    if (cpython && xo.strategy == TS_X_DPOR) {
        free(goal_text);
        return ts_usage_error("explore: --strategy dpor tells steps apart by what each line of "
                              "the program touches: use it with --choices program or line");
    }
    c.base.seed = xo.seed;
    c.base.sim.max_decisions = max_decisions;
    /* THREADSIM_DEEP=0: no snapshot deeper than the first choice (dfs and
     * dpor runs resumed from one: py.h); for tests and benchmarks, as
     * THREADSIM_RESET: what a run prints is the same. THREADSIM_DEEP=stats:
     * how many were, on stderr at the end */
    const char *deep = getenv("THREADSIM_DEEP");
    c.no_deep = deep && strcmp(deep, "0") == 0;
    c.deep_stats = deep && strcmp(deep, "stats") == 0;
    c.sc = ts_scenario_find(c.name);
    py_program *prog = NULL;
    ts_x_runner runner = x__run_c;
    if (!c.sc) {
        if (!ts_is_py_program(c.name)) {
            free(goal_text);
            return ts_unknown_scenario("explore", c.name);
        }
        /* every schedule's standard input, from where it is now: kept
         * before the first schedule (a usage error if it cannot be) */
        if (ts_py_same_stdin() != 0) {
            free(goal_text);
            return TS_EXIT_USAGE;
        }
        int python = python_set ? c.base.python : ts_py_dialect_of(c.name);
        sim_buf err = {0};
        bool io_error = false;
        prog = ts_py_program_read(c.name, python, &err, &io_error);
        if (!prog) {
            fprintf(stderr, "%s\n", sim_buf_str(&err));
            sim_buf_free(&err);
            free(goal_text);
            return io_error ? TS_EXIT_USAGE : TS_EXIT_FAIL;
        }
        sim_buf_free(&err);
        c.base.python = python;
        ts_py_model_defaults(&c.base);
        py_run_opts ro = ts_py_run_opts(c.name);
        ro.line_notes = false; /* the explanation re-runs with them */
        ro.make_policy = ts_x_make_policy;
        ro.program_lines = !all_lines && !cpython;
        ro.cpython_points = cpython;
        ro.invariant = invariant;
        /* dpor tells steps apart by what they touch */
        ro.access_notes = xo.strategy == TS_X_DPOR;
        xo.accesses = true;
        /* what an outcome is made of (explore.c's sink); the rest stays in
         * the run's process */
        ro.event_kinds = 1u << SIM_EV_OUTPUT | 1u << SIM_EV_ERROR | 1u << SIM_EV_DEADLOCK |
                         1u << SIM_EV_LIMIT | 1u << SIM_EV_CREATE | 1u << SIM_EV_NOTE;
        if (ro.access_notes) /* dpor: the daemons, the process's end that kills them, and who runs */
            ro.event_kinds |= 1u << SIM_EV_START | 1u << SIM_EV_EXIT | 1u << SIM_EV_KILLED |
                              1u << SIM_EV_SWITCH;
        ro.output_later = true;
        ts_py_runner_init(&c.py, prog, &ro);
        c.py.batch = true;
        c.py.same_stdin = true;
        runner = x__run_py;
    } else {
        if (invariant || cpython) {
            free(goal_text);
            return ts_usage_error("explore: %s is for Python programs ('%s' is a "
                                  "built-in scenario)",
                                  invariant ? "--invariant" : "--choices cpython", c.name);
        }
        if (!python_set)
            c.base.python = c.sc->python;
    }

    x_tree *tree = NULL;
    if (html) {
        if (!(tree = x_tree_new())) {
            free(goal_text);
            return ts_usage_error("explore: out of memory");
        }
        xo.on_run = x_tree_add;
        xo.on_run_ud = tree;
    }
    double t0 = x__now();
    ts_x_result r;
    int rc = ts_explore(&xo, runner, &c, &r);
    double secs = x__now() - t0;
    if (rc != 0) {
        /* a bad --invariant stopped the search (x__run_py), or memory ran out */
        /* (the expression on the one line of the message: its control
         * characters escaped) */
        sim_buf inv = {0};
        for (const char *p = invariant ? invariant : ""; *p; p++) {
            unsigned char ch = (unsigned char)*p;
            if (ch == '\n')
                sim_buf_adds(&inv, "\\n");
            else if (ch < 0x20 || ch == 0x7f)
                sim_buf_printf(&inv, "\\x%02x", ch);
            else
                sim_buf_add(&inv, p, 1);
        }
        int u = c.bad_invariant ? ts_usage_error("explore: --invariant %s does not compile: %s",
                                                 sim_buf_str(&inv), c.bad_invariant)
                                : ts_usage_error("explore: out of memory");
        sim_buf_free(&inv);
        free(c.bad_invariant);
        ts_x_result_fini(&r);
        x_tree_free(tree);
        ts_py_runner_fini(&c.py);
        py_program_free(prog);
        free(goal_text);
        return u;
    }
    fprintf(stderr, "threadsim: explore: %" PRIu64 " schedule%s in %.2f s (%.0f schedules/s)\n",
            r.schedules, r.schedules == 1 ? "" : "s", secs,
            secs > 0 ? (double)r.schedules / secs : 0.0);
    /* timers a few milliseconds apart fired in virtual-time order in every
     * schedule: python3's can swap them (sim/sched.c: sched__note_near) */
    if (r.near_ns > 0)
        fprintf(stderr, "threadsim: explore: note: timers %s apart (or that soon after work "
                        "ready to run) always fired in their virtual-time order; under python3 "
                        "a sleep ends late and code takes time, more so on a loaded machine: "
                        "--jitter %s makes them choices too\n",
                x__secs_text(r.near_ns, 0), x__secs_text(r.near_ns, 1));
    /* a file the program wrote is there for the next schedule: no reset
     * undoes it (under --sandbox each run starts with an empty scratch
     * folder) */
    if (c.wrote && !ts_py.sandbox)
        fprintf(stderr, "threadsim: explore: note: %" PRIu64 " run%s changed files (the program "
                        "writes, creates or removes them): each schedule saw what the ones before "
                        "it left, so its outcome may depend on them; with --sandbox every "
                        "schedule starts in an empty scratch folder\n",
                c.wrote, c.wrote == 1 ? "" : "s");
    /* failing and goal outcomes: the schedule with the fewest preemptions,
     * all shown ones in the same dfs passes (one pass per bound serves
     * them all: a race with many failing outputs once ran the passes
     * again for each, 2,054 runs apiece) */
    size_t nshr = 0;
    size_t *shr_idx = calloc(r.nout ? r.nout : 1, sizeof *shr_idx);
    ts_x_outcome **shr = calloc(r.nout ? r.nout : 1, sizeof *shr);
    uint32_t *shr_from = calloc(r.nout ? r.nout : 1, sizeof *shr_from);
    uint64_t *shr_used = calloc(r.nout ? r.nout : 1, sizeof *shr_used);
    int *shr_done = calloc(r.nout ? r.nout : 1, sizeof *shr_done);
    if (!shr_idx || !shr || !shr_from || !shr_used || !shr_done) {
        fprintf(stderr, "threadsim: explore: out of memory\n");
    } else {
        for (size_t i = 0; i < r.nout && i < show && !json && shrink; i++) {
            ts_x_outcome *o = &r.out[i];
            if (!(o->failure || (long)i == r.goal) || o->preemptions == 0)
                continue;
            if (x__unasked_limit(o, (long)i == r.goal, fail_on))
                continue;
            if (strcmp(o->failure ? o->failure : "", "engine") == 0 && (long)i != r.goal)
                continue; /* the engine's failure, not the program's: reported, not shrunk */
            shr_idx[nshr] = i;
            shr_from[nshr] = o->preemptions;
            shr[nshr++] = o;
        }
    }
    if (nshr && ts_x_shrink_all(&xo, runner, &c, shr, nshr, shrink, shr_used, shr_done) < 0) {
        fprintf(stderr, "threadsim: explore: out of memory\n");
        nshr = 0;
    }
    for (size_t k = 0; k < nshr; k++) {
        size_t i = shr_idx[k];
        uint32_t from = shr_from[k];
        uint64_t used = shr_used[k];
        const ts_x_outcome *o = shr[k];
        if (shr_done[k])
            fprintf(stderr, "threadsim: explore: outcome %zu shrunk from %u to %u preemption%s in %" PRIu64
                            " run%s\n",
                    i + 1, from, o->preemptions, o->preemptions == 1 ? "" : "s", used,
                    used == 1 ? "" : "s");
        else if (used >= shrink)
            fprintf(stderr, "threadsim: explore: outcome %zu not shrunk below %u preemption%s: "
                            "the --shrink budget (%" PRIu64 " runs) ran out\n",
                    i + 1, from, from == 1 ? "" : "s", shrink);
        else
            fprintf(stderr, "threadsim: explore: outcome %zu: %u preemption%s %s the fewest (%" PRIu64
                            " run%s)\n",
                    i + 1, from, from == 1 ? "" : "s", from == 1 ? "is" : "are", used,
                    used == 1 ? "" : "s");
    }
    free(shr_idx);
    free(shr);
    free(shr_from);
    free(shr_used);
    free(shr_done);

    /* the report, and the stored exploration, from one record */
    char sname[96], opts[8192];
    /* what the program saw (-u, --env, -- ARGS): the stepper's command needs
     * them, and merge refuses shards that differ (last in the options, as
     * program=, without -u: unbuffered= says it) */
    char *popts = ts_py_options_text();
    x__strategy_name(&xo, sname, sizeof sname);
    char maxdec[160] = ""; /* named only when not the default (older records match) */
    if (max_decisions != TS_X_MAX_DECISIONS)
        snprintf(maxdec, sizeof maxdec, " max_decisions=%" PRIu64, max_decisions);
    if (xo.max_outputs) /* (a stop changes what is found: merge compares it) */
        snprintf(maxdec + strlen(maxdec), sizeof maxdec - strlen(maxdec),
                 " max-outputs=%" PRIu64, xo.max_outputs);
    if (shrink != TS_X_SHRINK && !json) /* --json does not shrink */
        snprintf(maxdec + strlen(maxdec), sizeof maxdec - strlen(maxdec), " shrink=%" PRIu64,
                 shrink);
    snprintf(opts, sizeof opts,
             "strategy=%s preemptions=%u schedules=%" PRIu64 " seed=%" PRIu64 " depth=%u "
             "choices=%s jitter=%" PRId64 " unbuffered=%d python=%d%s%s%.4000s%s%.2000s",
             xo.strategy == TS_X_DFS    ? "dfs"
             : xo.strategy == TS_X_DPOR ? "dpor"
             : xo.strategy == TS_X_PCT  ? "pct"
                                        : "random",
             xo.bound, xo.max_schedules, xo.seed, xo.depth, x__choices(all_lines, cpython),
             xo.jitter, ts_py_run_opts(c.name).unbuffered ? 1 : 0, c.base.python, maxdec,
             invariant ? " invariant=" : "", invariant ? invariant : "",
             x__program_words(popts) ? " program=" : "", x__program_words(popts) ? x__program_words(popts) : "");
    /* the tokens say where their choices were (the stepper follows them so) */
    int tchoices = ts_choices_parse(prog ? x__choices(all_lines, cpython) : "line");
    char shard[32];
    snprintf(shard, sizeof shard, "%u/%u", xo.shard_k, xo.shard_n);
    char pname[4096];
    snprintf(pname, sizeof pname, "%s", c.name);
    store_exploration sx = {.program = pname, .options = opts,
                            .shard = xo.shard_n ? shard : NULL, .schedules = r.schedules,
                            .exhausted = r.exhausted, .version = (char *)ts_build(),
                            .nout = r.nout,
                            .max_outputs = r.outputs_hit ? (xo.max_outputs ? xo.max_outputs
                                                                           : TS_X_MAX_OUTPUTS)
                                                         : 0};
    sx.out = calloc(r.nout ? r.nout : 1, sizeof *sx.out);
    for (size_t i = 0; sx.out && i < r.nout; i++) {
        const ts_x_outcome *o = &r.out[i];
        sx.out[i] = (store_x_outcome){.exit_status = o->status, .failure = (char *)o->failure,
                                      .detail = o->detail, .output = o->output, .len = o->len,
                                      .count = o->count, .first = o->first,
                                      .preemptions = o->preemptions,
                                      .token = ts_step_token_ranks(c.name, o->ranks, o->nchoices, tchoices)};
    }
    /* the preemptions of each shown failing or goal outcome, with lines and
     * what the threads touched (`notes`: line and access notes); the
     * representative runs (`reps`: line notes, as `run` records them) */
    ts_py_runner notes, reps;
    memset(&notes, 0, sizeof notes);
    memset(&reps, 0, sizeof reps);
    if (prog) {
        py_run_opts ro = ts_py_run_opts(c.name);
        ro.line_notes = true;
        ro.make_policy = ts_x_make_policy;
        ro.program_lines = !all_lines && !cpython;
        ro.cpython_points = cpython;
        ro.invariant = invariant;
        ts_py_runner_init(&reps, prog, &ro);
        /* what the threads touched comes from the tracer at the program's
         * lines, which would be choices of their own: under --choices
         * cpython the explanation names the preemptions' lines only */
        ro.access_notes = !cpython;
        ts_py_runner_init(&notes, prog, &ro);
        reps.same_stdin = notes.same_stdin = true; /* as the schedules' runs */
    }
    char **why = calloc(r.nout ? r.nout : 1, sizeof *why);
    for (size_t i = 0; why && i < r.nout && i < show && !json; i++) {
        const ts_x_outcome *o = &r.out[i];
        if (!((o->failure || (long)i == r.goal) && o->preemptions && o->nchoices))
            continue;
        if (x__unasked_limit(o, (long)i == r.goal, fail_on))
            continue;
        x_explain x;
        memset(&x, 0, sizeof x);
        x__name(&x, 0, "MainThread", 10);
        model_opts cb = model_opts_default();
        cb.sink = x__explain_sink;
        cb.sink_ud = &x;
        cb.on_decision = x__explain_dec;
        cb.decision_ud = &x;
        size_t len;
        void *spec = ts_x_spec_fixed(&xo, o->choices, o->nchoices, &len);
        model_result mr;
        if (spec) {
            x_cli cn = c;
            cn.py = notes;
            (prog ? x__run_py : x__run_c)(&cn, spec, len, &cb, &mr);
            notes = cn.py;
        }
        free(spec);
        x__conflicts(&x); /* a preemption whose window ran to the end */
        for (size_t k = 0; k < 64; k++)
            x__seg_free(&x.seg[k]);
        x__seg_free(&x.before);
        x__seg_free(&x.after);
        x__seg_free(&x.again);
        why[i] = sim_buf_take(&x.out);
        for (uint32_t k = 0; k < x.nnames; k++)
            free(x.names[k]);
        free(x.names);
    }
    /* each shown outcome's representative run, stored in full (as `run`
     * records one, with its line notes): show, replay and export work on it */
    int status = TS_EXIT_OK;
    store *st = NULL;
    if (!db.none && !(st = ts_db_open(&db, true)))
        status = TS_EXIT_USAGE;
    char xpolicy[96];
    snprintf(xpolicy, sizeof xpolicy, "explore %s jitter=%" PRId64 "%s",
             prog ? x__choices(all_lines, cpython) : "line", xo.jitter,
             ts_py_run_opts(c.name).unbuffered ? " unbuffered" : "");
    for (size_t i = 0; st && sx.out && i < r.nout && i < show; i++) {
        const ts_x_outcome *o = &r.out[i];
        model_opts cb = c.base;
        ts_recording rec;
        if (ts_record_begin(&rec, st, c.name, xpolicy, &cb, 0) != 0) {
            status = TS_EXIT_USAGE;
            break;
        }
        ts_py_record_program(&rec, prog);
        size_t len;
        void *spec = ts_x_spec_fixed(&xo, o->choices, o->nchoices, &len);
        model_result mr;
        memset(&mr, 0, sizeof mr);
        int rs = MODEL_EXIT_INTERNAL;
        if (spec) {
            x_cli cn = c;
            cn.py = reps;
            rs = (prog ? x__run_py : x__run_c)(&cn, spec, len, &cb, &mr);
            reps = cn.py;
        }
        free(spec);
        if (ts_record_end(&rec, rs, &mr) != 0) {
            status = TS_EXIT_USAGE;
            break;
        }
        sx.out[i].run_id = rec.meta.id;
    }
    size_t nfail = 0;
    for (size_t i = 0; i < r.nout; i++)
        nfail += x__fails(&r.out[i], fail_on);
    sim_buf rep = {0};
    x_report rp = {.x = &sx, .strategy = sname, .bound = xo.bound, .dfs = xo.strategy == TS_X_DFS,
                   .dpor = xo.strategy == TS_X_DPOR,
                   .goal_idx = r.goal, .show = show, .why = why,
                   .outputs_hit = sx.max_outputs, .prog_words = popts, .runs = r.runs,
                   .step_choices = prog ? x__choices(all_lines, cpython) : "line"};
    if (json)
        x__report_json(&rep, &rp);
    else
        x__report(&rep, &rp);
    if (json) {
        if (goal) {
            rep.len--; /* the closing brace and newline go after the goal */
            rep.len--;
            sim_buf_printf(&rep, ", \"goal_found\": %s}\n", r.goal >= 0 ? "true" : "false");
        }
    } else {
        if (goal)
            sim_buf_printf(&rep, "\ngoal %s: %s\n", goal,
                           r.goal >= 0 ? "found"
                           : r.exhausted ? "not found: no schedule within the bound prints it"
                                         : "not found within the budget");
        if (goal && r.goal < 0 && xo.timers)
            /* the bound includes the timing: python3's sleeps end late, on a
             * loaded machine by tens of milliseconds */
            sim_buf_printf(&rep, "(timers further apart than the jitter, %s, fired in their "
                                 "virtual-time order: if the output needs a sleep to end late, "
                                 "a larger --jitter makes that a choice)\n",
                           xo.jitter ? x__secs_text(xo.jitter, 0) : "0");
        if (fail_on)
            sim_buf_printf(&rep, "%sfail-on %s: %zu failing outcome%s\n", goal ? "" : "\n",
                           fail_on, nfail, nfail == 1 ? "" : "s");
        else if (nfail)
            sim_buf_printf(&rep, "%sthreadsim failed in %zu outcome%s (FAILS: engine): the "
                                 "exploration is incomplete\n",
                           goal ? "" : "\n", nfail, nfail == 1 ? "" : "s");
    }
    /* the teaching page; with --html - it is stdout, and the report stderr */
    bool page_out = html && strcmp(html, "-") == 0;
    fwrite(rep.p, 1, rep.len, page_out ? stderr : stdout);
    fflush(page_out ? stderr : stdout);
    sim_buf_free(&rep);
    if (html) {
        char what[128];
        if (xo.strategy == TS_X_DFS)
            snprintf(what, sizeof what, "Every schedule with at most %u preemption%s", xo.bound,
                     xo.bound == 1 ? "" : "s");
        else
            snprintf(what, sizeof what, "%s", sname);
        sim_buf est = {0};
        if (xo.strategy != TS_X_DFS && xo.strategy != TS_X_DPOR && !r.exhausted &&
            r.goal < 0 && r.schedules >= X__COVERAGE_MIN && sx.out)
            x__coverage(&est, &sx);
        FILE *f = page_out ? stdout : fopen(html, "w");
        int hw = f ? x_tree_html(tree, &r, c.name, what, est.len ? sim_buf_str(&est) : NULL, f)
                   : -1;
        sim_buf_free(&est);
        if (hw != 0) {
            fprintf(stderr, "threadsim: explore: cannot write the page %s\n", html);
            status = TS_EXIT_USAGE;
        }
        if (f && !page_out && fclose(f) != 0)
            status = TS_EXIT_USAGE;
    }
    x_tree_free(tree);
    for (size_t i = 0; why && i < r.nout; i++)
        free(why[i]);
    free(why);
    free(popts);

    if (st && status == TS_EXIT_OK) {
        store_x_sched *rows = calloc(r.schedules ? r.schedules : 1, sizeof *rows);
        if (!rows) {
            status = TS_EXIT_USAGE;
        } else {
            for (uint64_t i = 0; i < r.schedules; i++)
                rows[i] = (store_x_sched){r.sched_bytes + r.sched_off[i],
                                          r.sched_off[i + 1] - r.sched_off[i], r.sched_out[i]};
            if (store_x_save(st, &sx, rows, r.schedules) != 0) {
                fprintf(stderr, "threadsim: %s\n", store_error(st));
                status = TS_EXIT_USAGE;
            } else if (!json) {
                printf("recorded as exploration %" PRId64 " ('threadsim show exploration %" PRId64
                       "')\n", sx.id, sx.id);
            }
        }
        free(rows);
    }
    store_close(st);
    for (size_t i = 0; sx.out && i < r.nout; i++)
        free(sx.out[i].token);
    free(sx.out);
    if (status == TS_EXIT_OK && ((goal && r.goal < 0) || nfail))
        status = TS_EXIT_FAIL;
    sim_buf_printf(&ts_status.extra, ", \"schedules\": %" PRIu64 ", \"outcomes\": %zu, "
                   "\"failing_outcomes\": %zu, \"exhausted\": %s", r.schedules, r.nout, nfail,
                   r.exhausted ? "true" : "false");
    if (goal)
        sim_buf_printf(&ts_status.extra, ", \"goal_found\": %s", r.goal >= 0 ? "true" : "false");
    if (junit) {
        FILE *f = fopen(junit, "w");
        if (!f) {
            fprintf(stderr, "threadsim: explore: cannot write %s: %s\n", junit, strerror(errno));
            status = TS_EXIT_USAGE;
        } else {
            size_t bad = 0;
            for (size_t i = 0; i < r.nout; i++)
                bad += fail_on ? x__fails(&r.out[i], fail_on) : r.out[i].failure != NULL;
            fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<testsuites>\n<testsuite name=\"threadsim explore ");
            x__xml(f, c.name, strlen(c.name));
            fprintf(f, "\" tests=\"%zu\" failures=\"%zu\">\n", r.nout, bad);
            for (size_t i = 0; i < r.nout; i++) {
                const ts_x_outcome *o = &r.out[i];
                bool fails = fail_on ? x__fails(o, fail_on) : o->failure != NULL;
                char *tok = ts_step_token_ranks(c.name, o->ranks, o->nchoices, tchoices);
                fprintf(f, "<testcase classname=\"explore\" name=\"outcome %zu (%" PRIu64
                           " schedules, exit %d)\">", i + 1, o->count, o->status);
                if (fails) {
                    fprintf(f, "\n<failure message=\"%s\">", o->failure);
                    x__xml(f, o->output, o->len);
                    fputs("\nreplay token: ", f);
                    x__xml(f, tok ? tok : "", tok ? strlen(tok) : 0);
                    fputs("</failure>\n", f);
                }
                fputs("</testcase>\n", f);
                free(tok);
            }
            fputs("</testsuite>\n</testsuites>\n", f);
            /* (a write that failed: said, as every other report's is) */
            bool failed = ferror(f) != 0;
            int e = failed ? EIO : 0;
            if (fflush(f) != 0 && !e)
                e = errno;
            if (fclose(f) != 0 && !e)
                e = errno;
            if (failed || e) {
                fprintf(stderr, "threadsim: explore: cannot write %s: %s\n", junit,
                        strerror(e ? e : EIO));
                status = TS_EXIT_USAGE;
            }
        }
    }
    ts_x_result_fini(&r);
    ts_py_runner_fini(&notes);
    ts_py_runner_fini(&reps);
    if (c.deep_stats) {
        uint64_t runners, resumed;
        py_session_deep_stats(c.py.ss, &runners, &resumed);
        fprintf(stderr, "threadsim: explore: deeper snapshots: %llu runners, %llu schedules resumed "
                        "from one\n", (unsigned long long)runners, (unsigned long long)resumed);
    }
    ts_py_runner_fini(&c.py);
    py_program_free(prog);
    free(goal_text);
    return status;
}

/* ---- stored explorations: list, show, merge ------------------------------------- */

/* the `dfs` and bound of stored options, for the report's wording */
static void x__opts_bound(const char *all, bool *dfs, bool *dpor, uint32_t *bound,
                          const char **choices)
{
    /* the words before jitter= (strategy= ... choices=): what follows may
     * hold the user's text (program=, invariant=) */
    char opts[256];
    const char *end = strstr(all, " jitter=");
    size_t n0 = end ? (size_t)(end - all) : strlen(all);
    snprintf(opts, sizeof opts, "%.*s", (int)(n0 < sizeof opts ? n0 : sizeof opts - 1), all);
    *dfs = strstr(opts, "strategy=dfs") != NULL;
    *dpor = strstr(opts, "strategy=dpor") != NULL;
    const char *p = strstr(opts, "preemptions=");
    char buf[16];
    size_t n = p ? strcspn(p + 12, " ") : 0;
    uint64_t b = 0;
    if (p && n < sizeof buf) {
        memcpy(buf, p + 12, n);
        buf[n] = '\0';
        if (sim_parse_u64(buf, UINT32_MAX, &b) != SIM_NUM_OK)
            b = 0;
    }
    *bound = (uint32_t)b;
    *choices = strstr(opts, "choices=line")      ? "line"
               : strstr(opts, "choices=cpython") ? "cpython"
                                                 : "program";
}

int ts_cmd_show_exploration(int argc, char **argv)
{
    ts_db_opts db = ts_db_opts_default();
    bool json = false;
    const char *ref = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(ts_help_show, stdout);
            return TS_EXIT_OK;
        }
        if (strcmp(argv[i], "--json") == 0) {
            json = true;
            continue;
        }
        int k = ts_parse_db_option(argc - i, argv + i, &db);
        if (k < 0)
            return TS_EXIT_USAGE;
        if (k > 0) {
            i += k - 1;
            continue;
        }
        if (argv[i][0] == '-')
            return ts_unknown_option("show", argv[i]);
        if (ref)
            return ts_usage_error("show exploration: one exploration at a time");
        ref = argv[i];
    }
    if (!ref)
        return ts_usage_error("show exploration: which one? (an id or 'last'; see 'threadsim explorations')");
    store *st = ts_db_open(&db, false);
    if (!st)
        return TS_EXIT_USAGE;
    int64_t id;
    store_exploration x;
    if (store_x_resolve(st, ref, &id) != 0 || store_x_get(st, id, &x) != 0) {
        fprintf(stderr, "threadsim: %s\n", store_error(st));
        store_close(st);
        return TS_EXIT_USAGE;
    }
    x_report rp = {.x = &x, .goal_idx = -1, .show = UINT64_MAX, .outputs_hit = x.max_outputs};
    x__opts_bound(x.options, &rp.dfs, &rp.dpor, &rp.bound, &rp.step_choices);
    /* the program's options again: -u from unbuffered=, the rest program=
     * (the options' last words) */
    sim_buf words = {0};
    const char *py = strstr(x.options, " python=");
    const char *pw = py ? strstr(py, " program=") : NULL;
    if (py && strstr(x.options, " unbuffered=1 "))
        sim_buf_adds(&words, "-u");
    if (pw)
        sim_buf_printf(&words, "%s%s", words.len ? " " : "", pw + strlen(" program="));
    rp.prog_words = sim_buf_str(&words);
    sim_buf rep = {0};
    if (json)
        x__report_json(&rep, &rp);
    else
        x__report(&rep, &rp);
    fwrite(rep.p, 1, rep.len, stdout);
    sim_buf_free(&rep);
    sim_buf_free(&words);
    store_x_free(&x);
    store_close(st);
    return TS_EXIT_OK;
}

static int x__list_one(void *ud, const store_exploration *x)
{
    (void)ud;
    printf("%5" PRId64 "  %-36s %9" PRIu64 " %8zu  %-9s %-7s %s  %s\n", x->id, x->program,
           x->schedules, x->nout,
           x->exhausted     ? "yes"
           : x->max_outputs ? "stopped"
                            : "no",
           x->shard ? x->shard : "-",
           x->recorded_at ? x->recorded_at : "?", x->options);
    return 0;
}

const char ts_help_explorations[] =
    "usage: threadsim explorations [options]\n\n"
    "The recorded explorations, newest first (20 unless --limit or --all): id,\n"
    "program, schedules, outcomes, exhausted (yes; no: the budget ran out first;\n"
    "stopped: the outcomes' outputs passed --max-outputs), shard, when, options.\n"
    "'threadsim show exploration N' prints one's report again.\n\n"
    "options:\n"
    "  --limit N             the newest N (default 20)\n"
    "  --all                 all of them\n"
    "  --db PATH             the database (default ./threadsim.db)\n\n"
    "Exit status: 0; 125 for bad usage or an unusable database.\n";

int ts_cmd_explorations(int argc, char **argv)
{
    ts_db_opts db = ts_db_opts_default();
    uint64_t limit = 20;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(ts_help_explorations, stdout);
            return TS_EXIT_OK;
        }
        if (strcmp(argv[i], "--all") == 0) {
            limit = 0;
            continue;
        }
        if (strcmp(argv[i], "--limit") == 0) {
            if (i + 1 >= argc || !ts_parse_u64("--limit", argv[i + 1], &limit))
                return i + 1 >= argc ? ts_usage_error("explorations: --limit needs a number")
                                     : TS_EXIT_USAGE;
            i++;
            continue;
        }
        int k = ts_parse_db_option(argc - i, argv + i, &db);
        if (k < 0)
            return TS_EXIT_USAGE;
        if (k == 0 && argv[i][0] == '-')
            return ts_unknown_option("explorations", argv[i]);
        if (k == 0)
            return ts_usage_error("explorations takes no arguments ('%s')", argv[i]);
        i += k - 1;
    }
    store *st = ts_db_open(&db, false);
    if (!st)
        return TS_EXIT_USAGE;
    printf("%5s  %-36s %9s %8s  %-9s %-7s %-20s  %s\n", "id", "program", "schedules", "outcomes",
           "exhausted", "shard", "recorded", "options");
    int rc = store_x_list(st, (size_t)limit, x__list_one, NULL);
    if (rc != 0)
        fprintf(stderr, "threadsim: %s\n", store_error(st));
    store_close(st);
    return rc ? TS_EXIT_USAGE : TS_EXIT_OK;
}

static bool x__same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}


/* merge: the newest exploration of each input, all of one program and
 * options, distinct shards of one N; outcomes joined by (output, exit) */
typedef struct x_merge {
    store_exploration out;
    store_x_sched *rows;
    size_t nrows, cap;
    sim_buf bytes;
    size_t *offs;             /* per row, into bytes (rows point there at the end) */
    uint32_t *map;            /* this input's outcome index -> merged index */
} x_merge;

static int x__merge_row(void *ud, uint64_t index, const void *choices, size_t len,
                        uint32_t outcome)
{
    (void)index;
    x_merge *m = ud;
    if (m->nrows == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 1024;
        store_x_sched *r = realloc(m->rows, cap * sizeof *r);
        if (!r)
            return -1;
        m->rows = r;
        size_t *o = realloc(m->offs, cap * sizeof *o);
        if (!o)
            return -1;
        m->offs = o;
        m->cap = cap;
    }
    m->offs[m->nrows] = m->bytes.len;
    sim_buf_add(&m->bytes, choices, len);
    m->rows[m->nrows++] = (store_x_sched){NULL, len, m->map[outcome]};
    return 0;
}

const char ts_help_merge[] =
    "usage: threadsim merge A.db B.db ... -o OUT.db\n\n"
    "Join the shards of one exploration (threadsim explore --shard K/N --db\n"
    "sK.db): the newest exploration of each input must be of the same program\n"
    "and options, each a different shard of the same N. The merged exploration\n"
    "(outcomes joined by output and exit status, counts added, the fewest\n"
    "preemptions kept) is recorded in OUT.db; it says whether every shard was\n"
    "given.\n\n"
    "options:\n"
    "  -o OUT.db             the database to record the merged exploration in\n\n"
    "Exit status: 0; 125 for bad usage, an input that is not a shard of the same\n"
    "exploration, or database trouble.\n";

int ts_cmd_merge(int argc, char **argv)
{
    const char *out = NULL;
    const char *in[256];
    int nin = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(ts_help_merge, stdout);
            return TS_EXIT_OK;
        }
        if (strcmp(argv[i], "-o") == 0) {
            if (i + 1 >= argc)
                return ts_usage_error("merge: -o needs a database file");
            out = argv[++i];
            continue;
        }
        if (argv[i][0] == '-')
            return ts_unknown_option("merge", argv[i]);
        if (nin == 256)
            return ts_usage_error("merge: at most 256 databases");
        in[nin++] = argv[i];
    }
    if (!out || nin == 0)
        return ts_usage_error("merge: give the shard databases and -o OUT.db");
    x_merge m;
    memset(&m, 0, sizeof m);
    int status = TS_EXIT_OK;
    uint32_t shard_n = 0;
    bool seen[4096] = {false}, all_exhausted = true;
    size_t nseen = 0;
    for (int f = 0; f < nin && status == TS_EXIT_OK; f++) {
        ts_db_opts db = ts_db_opts_default();
        db.path = in[f];
        store *st = ts_db_open(&db, false);
        if (!st) {
            status = TS_EXIT_USAGE;
            break;
        }
        int64_t id;
        store_exploration x;
        if (store_x_resolve(st, "last", &id) != 0 || store_x_get(st, id, &x) != 0) {
            fprintf(stderr, "threadsim: merge: %s\n", store_error(st));
            store_close(st);
            status = TS_EXIT_USAGE;
            break;
        }
        uint64_t k = 0, n = 0;
        const char *slash = x.shard ? strchr(x.shard, '/') : NULL;
        char kbuf[16];
        bool shard_ok = slash && (size_t)(slash - x.shard) < sizeof kbuf;
        if (shard_ok) {
            memcpy(kbuf, x.shard, (size_t)(slash - x.shard));
            kbuf[slash - x.shard] = '\0';
            shard_ok = sim_parse_u64(kbuf, 4096, &k) == SIM_NUM_OK &&
                       sim_parse_u64(slash + 1, 4096, &n) == SIM_NUM_OK;
        }
        if (!shard_ok || n == 0 || k < 1 || k > n) {
            fprintf(stderr, "threadsim: merge: %s: its exploration %" PRId64 " is not a shard\n",
                    in[f], id);
            status = TS_EXIT_USAGE;
        } else if (f > 0 && (strcmp(x.program, m.out.program) != 0 ||
                             strcmp(x.options, m.out.options) != 0 || n != shard_n)) {
            fprintf(stderr, "threadsim: merge: %s explored %s with '%s' (shard %s); %s explored %s "
                            "with '%s' (of %u shards): not one exploration\n",
                    in[f], x.program, x.options, x.shard, in[0], m.out.program, m.out.options,
                    shard_n);
            status = TS_EXIT_USAGE;
        } else if (seen[k - 1]) {
            fprintf(stderr, "threadsim: merge: shard %" PRIu64 "/%" PRIu64 " is given twice (%s)\n",
                    k, n, in[f]);
            status = TS_EXIT_USAGE;
        }
        if (status != TS_EXIT_OK) {
            store_x_free(&x);
            store_close(st);
            break;
        }
        seen[k - 1] = true;
        nseen++;
        shard_n = (uint32_t)n;
        all_exhausted &= x.exhausted;
        if (x.max_outputs && !m.out.max_outputs)
            m.out.max_outputs = x.max_outputs; /* a shard stopped there: so did the whole */
        if (f == 0) {
            m.out.program = strdup(x.program);
            m.out.options = strdup(x.options);
        }
        uint64_t offset = m.out.schedules; /* shards' schedules follow each other */
        m.out.schedules += x.schedules;
        free(m.map);
        m.map = calloc(x.nout ? x.nout : 1, sizeof *m.map);
        for (size_t i = 0; m.map && i < x.nout && status == TS_EXIT_OK; i++) {
            const store_x_outcome *o = &x.out[i];
            size_t j = 0;
            while (j < m.out.nout && !(m.out.out[j].exit_status == o->exit_status &&
                                       m.out.out[j].len == o->len &&
                                       memcmp(m.out.out[j].output, o->output, o->len) == 0 &&
                                       x__same(m.out.out[j].failure, o->failure) &&
                                       x__same(ts_x_detail_key(m.out.out[j].failure, m.out.out[j].detail),
                                               ts_x_detail_key(o->failure, o->detail))))
                j++;
            if (j == m.out.nout) {
                store_x_outcome *nw = realloc(m.out.out, (m.out.nout + 1) * sizeof *nw);
                char *copy = malloc(o->len + 1);
                if (!nw || !copy) {
                    free(copy);
                    if (nw)
                        m.out.out = nw;
                    status = TS_EXIT_USAGE;
                    break;
                }
                m.out.out = nw;
                memcpy(copy, o->output, o->len + 1);
                nw[j] = (store_x_outcome){.exit_status = o->exit_status,
                                          .failure = o->failure ? strdup(o->failure) : NULL,
                                          .detail = o->detail ? strdup(o->detail) : NULL,
                                          .output = copy, .len = o->len, .first = UINT64_MAX,
                                          .preemptions = UINT32_MAX};
                m.out.nout++;
            }
            store_x_outcome *t = &m.out.out[j];
            t->count += o->count;
            if (offset + o->first < t->first)
                t->first = offset + o->first;
            if (o->preemptions < t->preemptions) {
                t->preemptions = o->preemptions;
                free(t->token);
                t->token = strdup(o->token ? o->token : "");
                if (!ts_x_detail_key(o->failure, o->detail)) { /* the kept schedule's report */
                    free(t->detail);
                    t->detail = o->detail ? strdup(o->detail) : NULL;
                }
            }
            m.map[i] = (uint32_t)j;
        }
        if (status == TS_EXIT_OK && store_x_schedules_each(st, id, x__merge_row, &m) != 0) {
            fprintf(stderr, "threadsim: merge: %s\n", store_error(st));
            status = TS_EXIT_USAGE;
        }
        store_x_free(&x);
        store_close(st);
    }
    char shard[64];
    if (status == TS_EXIT_OK) {
        m.out.exhausted = all_exhausted && nseen == shard_n;
        if (nseen != shard_n) {
            snprintf(shard, sizeof shard, "%zu of %u shards", nseen, shard_n);
            m.out.shard = strdup(shard);
        }
        m.out.version = strdup(ts_build());
        for (size_t i = 0; i < m.nrows; i++)
            m.rows[i].choices = m.bytes.p + m.offs[i];
        ts_db_opts db = ts_db_opts_default();
        db.path = out;
        store *st = ts_db_open(&db, true);
        if (!st) {
            status = TS_EXIT_USAGE;
        } else if (store_x_save(st, &m.out, m.rows, m.nrows) != 0) {
            fprintf(stderr, "threadsim: merge: %s\n", store_error(st));
            status = TS_EXIT_USAGE;
        } else {
            printf("merged %zu of %u shards of %s: %" PRIu64 " schedule%s, %zu distinct outcome%s%s\n"
                   "recorded as exploration %" PRId64 " in %s ('threadsim show exploration %" PRId64
                   " --db %s')\n",
                   nseen, shard_n, m.out.program, m.out.schedules, m.out.schedules == 1 ? "" : "s",
                   m.out.nout, m.out.nout == 1 ? "" : "s", m.out.exhausted ? "; exhausted" : "",
                   m.out.id, out, m.out.id, out);
        }
        store_close(st);
    }
    free(m.map);
    sim_buf_free(&m.bytes);
    free(m.rows);
    free(m.offs);
    store_x_free(&m.out);
    return status;
}
