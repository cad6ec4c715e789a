/*
 * sim/policy.c — seeded random and PCT policies (see policy.h).
 *
 * Both read the ready queue through sim_ready_at() and return an index into
 * it; neither looks at anything that depends on the host (addresses, time).
 * PCT keeps a priority per thread id, assigned the first time the thread is
 * a candidate, so the priorities depend only on the seed and the order in
 * which threads first become candidates, which is itself deterministic.
 */
#include "policy.h"

#include <stdlib.h>
#include <string.h>

void sim_rng_seed(sim_rng *r, uint64_t seed) { r->state = seed; }

uint64_t sim_rng_next(sim_rng *r)
{
    uint64_t z = (r->state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

uint64_t sim_rng_below(sim_rng *r, uint64_t n)
{
    /* A power of two divides 2^64: nothing to reject, and the residue is
     * the low bits (the same draw as below, without two divisions: the
     * explorer draws at every line of the program). */
    if ((n & (n - 1)) == 0)
        return sim_rng_next(r) & (n - 1);
    /* Reject the lowest (2^64 mod n) values so every residue is equally likely. */
    uint64_t threshold = (0 - n) % n;
    for (;;) {
        uint64_t x = sim_rng_next(r);
        if (x >= threshold)
            return x % n;
    }
}

static uint32_t policy__random_pick(void *ud, sim_sched *s, uint32_t n)
{
    (void)s;
    return (uint32_t)sim_rng_below(ud, n);
}

sim_policy sim_policy_random(sim_rng *r)
{
    sim_policy p = {.name = "random", .pick = policy__random_pick, .ud = r, .every_step = true};
    return p;
}

/* ---- PCT --------------------------------------------------------------- */

/* Initial priorities lie in [2^62, 2^63): above every demoted one (1..d-1). */
#define PCT__BASE (UINT64_C(1) << 62)

int sim_pct_init(sim_pct *p, uint64_t seed, uint32_t depth, uint64_t steps)
{
    memset(p, 0, sizeof *p);
    sim_rng_seed(&p->rng, seed);
    p->depth = depth ? depth : 1;
    p->steps = steps ? steps : 1;
    if (p->depth > 1) {
        p->change = malloc((p->depth - 1) * sizeof *p->change);
        if (!p->change)
            return -1;
        for (uint32_t i = 0; i + 1 < p->depth; i++)
            p->change[i] = sim_rng_below(&p->rng, p->steps);
    }
    return 0;
}

void sim_pct_fini(sim_pct *p)
{
    free(p->change);
    free(p->prio);
    memset(p, 0, sizeof *p);
}

static uint64_t *pct__prio(sim_pct *p, uint32_t id)
{
    if (id >= p->nprio) {
        uint32_t cap = p->nprio ? p->nprio : 8;
        while (cap <= id)
            cap *= 2;
        uint64_t *a = realloc(p->prio, cap * sizeof *a);
        if (!a)
            return NULL;
        memset(a + p->nprio, 0, (cap - p->nprio) * sizeof *a);
        p->prio = a;
        p->nprio = cap;
    }
    uint64_t *slot = &p->prio[id];
    if (*slot == 0)
        *slot = PCT__BASE | (sim_rng_next(&p->rng) >> 2);
    return slot;
}

/* Index of the highest-priority ready thread (ties: lower id). */
static uint32_t pct__best(sim_pct *p, sim_sched *s, uint32_t n)
{
    uint32_t best = 0;
    uint64_t best_prio = 0;
    uint32_t best_id = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t id = sim_ready_at(s, i)->id;
        uint64_t *pr = pct__prio(p, id);
        uint64_t v = pr ? *pr : 0;
        if (i == 0 || v > best_prio || (v == best_prio && id < best_id))
            best = i, best_prio = v, best_id = id;
    }
    return best;
}

static uint32_t policy__pct_pick(void *ud, sim_sched *s, uint32_t n)
{
    sim_pct *p = ud;
    uint64_t k = s->ndecisions; /* the number of this decision */
    uint32_t best = pct__best(p, s, n);
    for (uint32_t i = 0; i + 1 < p->depth; i++) {
        if (p->change[i] != k)
            continue;
        uint64_t *pr = pct__prio(p, sim_ready_at(s, best)->id);
        if (pr)
            *pr = i + 1; /* the i-th change point: priority i (1-based) */
        best = pct__best(p, s, n);
    }
    return best;
}

sim_policy sim_policy_pct(sim_pct *p)
{
    sim_policy pol = {.name = "pct", .pick = policy__pct_pick, .ud = p, .every_step = true};
    return pol;
}
