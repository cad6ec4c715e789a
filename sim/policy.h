/*
 * sim/policy.h — scheduling policies beyond FIFO: seeded random and PCT.
 *
 * A policy only chooses *which ready thread runs next* at a scheduling point
 * (sim_policy in sched.h; called when two or more threads are ready). Every
 * choice here comes from a deterministic generator seeded by the run's seed,
 * so the same program, policy and seed give the same schedule on every
 * machine and build. The scheduler numbers and reports every decision
 * (on_decision), so any run of these policies can be replayed exactly.
 *
 * Both set sim_policy.every_step: besides the points where a thread blocks,
 * every model call (every Python statement) is a decision point while
 * another thread is ready, so they can split a read-modify-write race.
 *
 *   random  at each decision, a ready thread drawn uniformly.
 *   pct     probabilistic concurrency testing (Burckhardt et al., ASPLOS
 *           2010): every thread gets a random priority when first seen; the
 *           ready thread with the highest priority runs; at d-1 decisions
 *           drawn at random from the first k, the thread about to be chosen
 *           drops below every initial priority. Finds bugs of depth d with
 *           probability >= 1/(n k^(d-1)).
 *
 * The generator is splitmix64 (Steele, Lea, Flood 2014): 64 bits of state, a
 * fixed sequence for each seed. Bounded draws use rejection, so they are
 * unbiased and the same on every platform.
 */
#ifndef SIM_POLICY_H
#define SIM_POLICY_H

#include <stdint.h>

#include "sched.h"

/* splitmix64 state. */
typedef struct sim_rng {
    uint64_t state;       /* advanced by a fixed odd constant per draw */
} sim_rng;

void sim_rng_seed(sim_rng *r, uint64_t seed);
/* The next 64 random bits. */
uint64_t sim_rng_next(sim_rng *r);
/* Uniform in [0, n); n must be >= 1. */
uint64_t sim_rng_below(sim_rng *r, uint64_t n);

/* The random policy drawing from `r` (borrowed: it must outlive the run;
 * seed it first). */
sim_policy sim_policy_random(sim_rng *r);

/* PCT's state. */
typedef struct sim_pct {
    sim_rng rng;          /* priorities and change points */
    uint32_t depth;       /* d >= 1: bug depth aimed at (d-1 change points) */
    uint64_t steps;       /* k >= 1: decisions the change points are drawn from */
    uint64_t *change;     /* the d-1 change points (decision numbers), sorted */
    uint64_t *prio;       /* by thread id: priority (higher runs first), 0 = unseen */
    uint32_t nprio;       /* entries of prio */
} sim_pct;

/* Set up PCT with depth d and k steps from `seed`. Returns -1 on
 * out-of-memory. Call sim_pct_fini after the run. */
int sim_pct_init(sim_pct *p, uint64_t seed, uint32_t depth, uint64_t steps);
void sim_pct_fini(sim_pct *p);
/* The PCT policy over `p` (borrowed). Ties of priority (possible only by a
 * 2^-62 chance) go to the lower thread id. */
sim_policy sim_policy_pct(sim_pct *p);

#endif
