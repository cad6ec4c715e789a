/*
 * tools/explore.h — the explorer: many schedules of one program, grouped by
 * what they print (`threadsim explore`, cmd_explore.c).
 *
 * A schedule is the list of choices at the scheduling decisions of one run.
 * Every explored run decides at every line (sim_policy.every_step), so a
 * read-modify-write race can be split; a decision where the running thread
 * could go on is a *step* decision, and choosing another thread there is a
 * *preemption*. Beyond what a strategy fixes, a run goes on as FIFO does (at
 * a step decision, the running thread continues; elsewhere the thread ready
 * longest runs).
 *
 * Strategies:
 *   random  schedule i draws every choice from seed + i
 *   pct     PCT (sim/policy.h) of depth d, schedule i from seed + i
 *           (both: a run that meets no decision at all is every
 *           schedule there is, and ends the search, exhausted)
 *   dfs     every schedule with at most B preemptions, depth first
 *           (iterative context bounding, Musuvathi & Qadeer, PLDI 2007);
 *           when it ends within the budget the space within B is exhausted,
 *           and the outcome table is complete for that bound
 *   dpor    dynamic partial-order reduction (Flanagan & Godefroid, POPL
 *           2005), stateless, without a preemption bound: a schedule that
 *           only reorders steps that touch nothing in common is not run.
 *           A step is what one thread runs between two decisions; what it
 *           touches comes from the run's "access" notes (the program's own
 *           reads and writes of globals, names, attributes and items; a
 *           method looked up counts as a write, since the call may mutate;
 *           every lock acquired or released) and its output (one object,
 *           written). After each run, every pair of steps of two threads
 *           that touch one object, one of them writing, adds the later
 *           step's thread to the earlier step's decision (all the threads
 *           ready there if it was not ready then); the next run takes the
 *           deepest decision with such a thread left untried. Happens-before
 *           is not computed: every conflicting pair counts, not only the
 *           last, which explores more than the minimum but never less.
 *           Timer decisions have every order tried. Runners that note no
 *           accesses (C scenarios: opts.accesses false) have every step
 *           conflict with every other: dpor is then dfs without a bound.
 *           Ending within the budget is `exhausted`: every outcome the
 *           program can reach under the explorer's choice points is found,
 *           as far as the notes see what the steps touch (the standard
 *           library's own data is seen only through its locks).
 *
 * Outcomes are grouped by (output view, exit status). Each keeps its count,
 * the index of its first schedule and that schedule's choices (up to the
 * last one that differs from FIFO's: the stepper's replay token, step.h),
 * and the fewest preemptions seen for it.
 *
 * Runs go through a runner (a Python session's fork per run, or model_run
 * in-process for a C scenario), given the policy as bytes: ts_x_make_policy
 * turns them into the policy in the run's process.
 *
 * Sharding (--shard K/N): random and pct take the schedules i with
 * i % N == K - 1; dfs splits the tree by the first decision that differs
 * from FIFO (its position and choice, hashed): every schedule but FIFO's
 * own has one, a whole subtree shares it, and FIFO's schedule is shard 1's.
 * The union of the shards' outcomes is the unsharded run's.
 */
#ifndef TS_EXPLORE_H
#define TS_EXPLORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../model/core.h"

typedef enum { TS_X_RANDOM, TS_X_PCT, TS_X_DFS, TS_X_DPOR } ts_x_strategy;

/* One decision of a run. */
typedef struct ts_x_dec {
    uint32_t n, chosen, thread;  /* thread: the one chosen; SIM_NONE for a timer choice */
    bool step;
    size_t out_len;           /* bytes of output before it */
} ts_x_dec;

/* Called after every recorded schedule (for the teaching page): its
 * decisions, the names of its threads by id (NULL where unknown), and the
 * index of its outcome. */
typedef void (*ts_x_on_run)(void *ud, const ts_x_dec *dec, size_t ndec, char *const *names,
                            uint32_t nnames, long outcome);

typedef struct ts_x_opts {
    ts_x_strategy strategy;
    uint64_t seed;            /* random/pct: schedule i uses seed + i */
    uint32_t depth;           /* pct: bug depth (default 3) */
    uint32_t bound;           /* dfs: most preemptions in a schedule (default 2) */
    uint64_t max_schedules;   /* the budget; 0 = the strategy's default */
    const char *goal;         /* stop at the first schedule whose output is these bytes */
    size_t goal_len;
    bool goal_status_set;     /* ... and whose exit status is goal_status */
    int goal_status;
    uint32_t shard_k, shard_n;/* this shard (1-based) of n; 0/0 = unsharded */
    bool timers;              /* timers due at one instant are a choice (which fires first) */
    ts_x_on_run on_run;       /* may be NULL */
    void *on_run_ud;
    int64_t jitter;           /* ... and those due within this many ns of each other */
    bool accesses;            /* dpor: the runs note what each step touches */
    uint64_t max_outputs;     /* stop once the distinct outcomes' outputs, kept in memory
                               * and stored, pass this many bytes; 0 = TS_X_MAX_OUTPUTS */
} ts_x_opts;

/* --max-outputs by default: 256 MiB of distinct outputs (a program
 * printing 4 MB differently on every schedule kept 1.2 GB at 300
 * schedules, in memory and in the database, past its --max-db-size). */
#define TS_X_MAX_OUTPUTS (UINT64_C(256) << 20)

typedef struct ts_x_outcome {
    char *output;             /* the output view (stdout and stderr in order) */
    size_t len;
    int status;               /* the exit status */
    const char *failure;      /* NULL, "exception", "deadlock", "limit" or "invariant" */
    char *detail;             /* the failure's first line (e.g. the exception) or NULL */
    uint64_t count;           /* schedules that gave it */
    uint64_t first;           /* the index of the first of them */
    uint32_t *choices;        /* its choices, up to the last non-FIFO one */
    uint32_t *ranks;          /* the same as ranks (ts_step_rank: 0 = FIFO's), for tokens */
    size_t nchoices;
    uint32_t preemptions;     /* the fewest preemptions among them */
    uint64_t hash;
} ts_x_outcome;

typedef struct ts_x_result {
    ts_x_outcome *out;
    size_t nout;
    uint64_t schedules;       /* distinct schedules run (recorded) */
    uint64_t runs;            /* runs, with dfs's walks through earlier passes */
    bool exhausted;           /* the space (dfs: within the bound) was covered */
    bool budget_hit;          /* stopped by max_schedules */
    uint64_t kept;            /* bytes of the outcomes' outputs */
    bool outputs_hit;         /* stopped by max_outputs */
    long goal;                /* the goal's outcome index, or -1 */
    int64_t near_ns;          /* two threads' timers (or one and runnable work) this
                               * far apart but beyond the jitter, the closest any
                               * run had (sim_sched's "near-timers"); 0: none */
    /* every recorded schedule, in order: its choices as ranks, coded as a
     * replay token's bytes (varint pairs: FIFO choices before, rank - 1;
     * none for random and PCT, whose schedule i is seed + i),
     * bytes sched_off[i] .. sched_off[i + 1] of sched_bytes, and its outcome */
    unsigned char *sched_bytes;
    size_t nbytes, cap_bytes;
    size_t *sched_off;        /* schedules + 1 entries */
    uint32_t *sched_out;
    size_t cap_sched;
} ts_x_result;

/* Runs one schedule: the policy is `spec` (len bytes, for
 * ts_x_make_policy); events to cb->sink, decisions to cb->on_decision.
 * Returns the exit status. */
typedef int (*ts_x_runner)(void *arg, const void *spec, size_t len, model_opts *cb,
                           model_result *res);

/* Explore. Returns 0, or -1 on out-of-memory. `r` is filled (free it with
 * ts_x_result_fini). */
int ts_explore(const ts_x_opts *o, ts_x_runner run, void *arg, ts_x_result *r);
void ts_x_result_fini(ts_x_result *r);

/* Shrink outcome `o`: a schedule with the same output and exit status and
 * fewer preemptions, by dfs with bounds 0, 1, ..., at most `budget`
 * schedules in all (*used: how many ran). Returns 1 if o's schedule was
 * replaced by a shorter one, 0 if it is already the fewest found, -1 on
 * out-of-memory. */
int ts_x_shrink(const ts_x_opts *base, ts_x_runner run, void *arg, ts_x_outcome *o,
                uint64_t budget, uint64_t *used);

/* Shrink n outcomes together: one dfs pass per bound 0, 1, ... serves
 * them all (each outcome found in a pass takes that pass's schedule of
 * it); at most `budget` schedules in all. used[i]: the schedules run while
 * outcome i was still sought; shrunk[i]: 1 if its schedule was replaced by
 * one of fewer preemptions. Returns 0, or -1 on out-of-memory. */
int ts_x_shrink_all(const ts_x_opts *base, ts_x_runner run, void *arg, ts_x_outcome **os, size_t n,
                    uint64_t budget, uint64_t *used, int *shrunk);

/* The policy a spec describes; its state is static (one run at a time in a
 * process). For py_run_opts.make_policy and in-process runners. */
sim_policy ts_x_make_policy(const void *spec, size_t len);

/* The words that fix a spec's first decisions whatever else it says (a
 * dfs, dpor or shrinking schedule's prefix: the same words give the same
 * picks), in *words: their count, 0 for a spec that promises none (random
 * and PCT decide from their seed); in *key, a hash of the rest of the spec
 * those decisions' run depends on (its header but the prefix's length:
 * dpor's notes, the timers' choices). For py_policy_req.fixed and
 * fixed_key. */
size_t ts_x_spec_prefix(const void *spec, size_t len, const uint32_t **words, uint64_t *key);

/* The spec of a fixed schedule (choices, then FIFO) under o's timer
 * settings, malloc'd; *len set. */
void *ts_x_spec_fixed(const ts_x_opts *o, const uint32_t *choices, size_t n, size_t *len);

/* Preemptions in a run's decisions. */
uint32_t ts_x_preemptions(const ts_x_dec *d, size_t n);
/* An outcome's detail as outcomes are told apart by it (explore and
 * merge): a failure's line, but not a deadlock's report, which is shown,
 * not compared (how threads outside the cycle wait varies between the
 * schedules of one deadlock). */
const char *ts_x_detail_key(const char *failure, const char *detail);

#endif
