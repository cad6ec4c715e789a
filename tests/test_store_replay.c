/*
 * tests/test_store_replay.c — seeded policies and replay: the same seed gives
 * the same schedule; a recorded schedule replays to the identical trace (same
 * hash, same bytes), from FIFO, random and PCT runs alike, including a run of
 * 600 thousand decisions; a schedule that no longer fits is caught at the
 * right decision, with its virtual time and event number.
 */
#include <stdlib.h>
#include <string.h>

#include "store_util.h"
#include "tools/scenarios/scenario.h"
#include "traces/hash.h"
#include "traces/replay.h"

static char *dir;
static store *st;

static int setup(void)
{
    dir = tst_tmpdir();
    if (!dir)
        return -1;
    char *path = tst_path(dir, "replay.db");
    st = tst_open(path, true);
    free(path);
    return st ? 0 : -1;
}

static int teardown(void)
{
    store_close(st);
    tst_rmdir(dir);
    return 0;
}

/* ---- the generator and the policies ------------------------------------------ */

static void test_splitmix64_reference_values(void)
{
    sim_rng r;
    sim_rng_seed(&r, 0);
    CU_ASSERT_EQUAL(sim_rng_next(&r), UINT64_C(0xe220a8397b1dcdaf));
    CU_ASSERT_EQUAL(sim_rng_next(&r), UINT64_C(0x6e789e6aa1b965f4));
    CU_ASSERT_EQUAL(sim_rng_next(&r), UINT64_C(0x06c45d188009454f));
    /* bounded draws stay in range and reach every value */
    int seen[7] = {0};
    for (int i = 0; i < 700; i++) {
        uint64_t v = sim_rng_below(&r, 7);
        CU_ASSERT_TRUE_FATAL(v < 7);
        seen[v]++;
    }
    for (int i = 0; i < 7; i++)
        CU_ASSERT_TRUE(seen[i] > 50);
    CU_ASSERT_EQUAL(sim_rng_below(&r, 1), 0);
    /* every bound draws what the rejection method gives (powers of two
     * take a shortcut): the same schedules for the same seeds as before */
    static const uint64_t bounds[] = {1, 2, 3, 4, 5, 8, 64, 1000, UINT64_C(1) << 40};
    for (size_t b = 0; b < sizeof bounds / sizeof bounds[0]; b++) {
        uint64_t n = bounds[b];
        sim_rng a, ref;
        sim_rng_seed(&a, 42 + b);
        sim_rng_seed(&ref, 42 + b);
        for (int i = 0; i < 500; i++) {
            uint64_t threshold = (0 - n) % n, x;
            do
                x = sim_rng_next(&ref);
            while (x < threshold);
            CU_ASSERT_EQUAL_FATAL(sim_rng_below(&a, n), x % n);
        }
        CU_ASSERT_EQUAL(a.state, ref.state);
    }
}

static char *full_under(const char *name, sim_policy p, uint64_t seed)
{
    trace t;
    tst_run(name, p, seed, &t);
    char *s = ts_full(&t);
    trace_fini(&t);
    return s;
}

/* Same seed, same trace; different seeds, different schedules (some of them
 * unlike FIFO). */
static void check_seeded(bool pct)
{
    const char *name = "daemon-join/join";
    char *fifo = full_under(name, sim_policy_fifo(), 0);
    int distinct_from_fifo = 0;
    char *first = NULL;
    bool some_differ = false;
    for (uint64_t seed = 0; seed < 12; seed++) {
        char *x[2];
        for (int k = 0; k < 2; k++) {
            sim_rng rng;
            sim_pct p;
            sim_policy pol;
            if (pct) {
                sim_pct_init(&p, seed, 2, 4);
                pol = sim_policy_pct(&p);
            } else {
                sim_rng_seed(&rng, seed);
                pol = sim_policy_random(&rng);
            }
            x[k] = full_under(name, pol, seed);
            if (pct)
                sim_pct_fini(&p);
        }
        TS_ASSERT_STR_EQ(x[1], x[0]);
        distinct_from_fifo += strcmp(x[0], fifo) != 0;
        if (!first)
            first = strdup(x[0]);
        else if (strcmp(first, x[0]) != 0)
            some_differ = true;
        free(x[0]);
        free(x[1]);
    }
    CU_ASSERT_TRUE(distinct_from_fifo > 0);
    CU_ASSERT_TRUE(some_differ);
    free(first);
    free(fifo);
}

static void test_random_is_seeded(void) { check_seeded(false); }
static void test_pct_is_seeded(void) { check_seeded(true); }

/* ---- replay -------------------------------------------------------------------- */

typedef struct replayed {
    trace tr;
    trace_replay rp;
    model_result res;
    bool fits;
} replayed;

/* Replay schedule d[0..n) on scenario `name` with the options of a default
 * recording and `seed`. */
static void replay_schedule(const char *name, uint64_t seed, const trace_decision *d, size_t n,
                            bool every_step, replayed *out)
{
    const ts_scenario *sc = ts_scenario_find(name);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    model_opts o = model_opts_default();
    o.python = sc->python;
    o.seed = seed;
    trace_replay_init(&out->rp, d, n);
    o.policy = trace_replay_policy(&out->rp);
    o.policy.every_step = every_step; /* as the recording policy had it */
    trace_init(&out->tr);
    o.sink = trace_sink;
    o.sink_ud = &out->tr;
    model_run(&o, sc->main, NULL, &out->res);
    out->fits = trace_replay_finish(&out->rp, out->res.decisions, out->res.end_time,
                                    out->res.events);
}

/* Record, replay from the stored schedule, compare hash and bytes. */
static void check_identity(const char *name, const char *policy, uint64_t seed)
{
    trace live;
    int64_t id = tst_record(st, name, policy, seed, &live);
    CU_ASSERT_TRUE_FATAL(id > 0);
    store_run r;
    CU_ASSERT_EQUAL_FATAL(store_run_get(st, id, &r), 0);
    trace_decision *d;
    size_t n;
    CU_ASSERT_EQUAL_FATAL(store_load_schedule(st, id, &d, &n), 0);
    CU_ASSERT_EQUAL(n, r.decisions);
    replayed rp;
    replay_schedule(name, seed, d, n, strcmp(policy, "fifo") != 0, &rp);
    CU_ASSERT_TRUE(rp.fits);
    if (!rp.fits)
        fprintf(stderr, "\n%s %s %llu: %s\n", name, policy, (unsigned long long)seed, rp.rp.why);
    CU_ASSERT_EQUAL(rp.rp.next, n);
    CU_ASSERT_EQUAL(trace_hash(&rp.tr, d, n), r.hash);
    CU_ASSERT_EQUAL(rp.tr.n, live.n);
    char *a = ts_full(&live), *b = ts_full(&rp.tr);
    CU_ASSERT_TRUE(strcmp(a, b) == 0);
    free(a);
    free(b);
    free(d);
    store_run_free(&r);
    trace_fini(&rp.tr);
    trace_fini(&live);
}

static void test_replay_identity_small(void)
{
    size_t n;
    const ts_scenario *all = ts_scenarios(&n);
    for (size_t i = 0; i < n; i++) {
        if (strncmp(all[i].name, "daemon-join/", 12) != 0)
            continue;
        check_identity(all[i].name, "fifo", 0);
        for (uint64_t seed = 1; seed <= 4; seed++) {
            check_identity(all[i].name, "random", seed);
            check_identity(all[i].name, "pct", seed);
        }
    }
}

/* 1.2 million events, 600 thousand random decisions. */
static void test_replay_identity_long(void) { check_identity("bench/pingpong", "random", 7); }

/* A changed choice is followed: replay drives the schedule, not FIFO. */
static void test_replay_follows_the_record(void)
{
    trace live;
    int64_t id = tst_record(st, "daemon-join/no-join", "fifo", 0, &live);
    trace_decision *d;
    size_t n;
    CU_ASSERT_EQUAL_FATAL(store_load_schedule(st, id, &d, &n), 0);
    CU_ASSERT_TRUE_FATAL(n >= 1);
    /* decision 0: main starts the daemon; ready = [daemon, MainThread] */
    CU_ASSERT_EQUAL(d[0].n, 2);
    CU_ASSERT_EQUAL(d[0].thread, 2);
    trace_decision alt = {.index = 0, .n = 2, .chosen = 1, .thread = 0, .seq = d[0].seq};
    replayed rp;
    replay_schedule("daemon-join/no-join", 0, &alt, 1, false, &rp);
    /* that path has a second decision the record does not cover */
    CU_ASSERT_FALSE(rp.fits);
    CU_ASSERT_EQUAL(rp.rp.at_decision, 1);
    CU_ASSERT_NOT_EQUAL(trace_hash(&rp.tr, NULL, 0), trace_hash(&live, NULL, 0));
    /* main went on: its next event is starting non-daemon, not a switch */
    CU_ASSERT_TRUE(ts_trace_has(&rp.tr, "0.000000000      5 MainThread start    non-daemon\n"));
    trace_fini(&rp.tr);
    trace_fini(&live);
    free(d);
}

static void test_divergence_detected(void)
{
    trace live;
    int64_t id = tst_record(st, "daemon-join/no-join", "fifo", 0, &live);
    trace_decision *d;
    size_t n;
    CU_ASSERT_EQUAL_FATAL(store_load_schedule(st, id, &d, &n), 0);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    trace_decision s[3];
    replayed rp;

    /* a different thread in the recorded slot at decision 1 */
    memcpy(s, d, 2 * sizeof *s);
    s[1].thread = 7;
    replay_schedule("daemon-join/no-join", 0, s, 2, false, &rp);
    CU_ASSERT_FALSE(rp.fits);
    CU_ASSERT_EQUAL(rp.rp.at_decision, 1);
    CU_ASSERT_EQUAL(rp.rp.at_seq, d[1].seq);
    CU_ASSERT_EQUAL(rp.rp.at_time, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(rp.rp.why, "where thread 7 was recorded"));
    /* the run still ends, FIFO from there: the same trace as recorded */
    CU_ASSERT_EQUAL(trace_hash(&rp.tr, NULL, 0), trace_hash(&live, NULL, 0));
    trace_fini(&rp.tr);

    /* a different number of ready threads at decision 0 */
    memcpy(s, d, 2 * sizeof *s);
    s[0].n = 3;
    replay_schedule("daemon-join/no-join", 0, s, 2, false, &rp);
    CU_ASSERT_FALSE(rp.fits);
    CU_ASSERT_EQUAL(rp.rp.at_decision, 0);
    CU_ASSERT_EQUAL(rp.rp.at_seq, d[0].seq);
    CU_ASSERT_PTR_NOT_NULL(strstr(rp.rp.why, "2 threads are ready where 3 were recorded"));
    trace_fini(&rp.tr);

    /* too few decisions recorded */
    replay_schedule("daemon-join/no-join", 0, d, 1, false, &rp);
    CU_ASSERT_FALSE(rp.fits);
    CU_ASSERT_EQUAL(rp.rp.at_decision, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(rp.rp.why, "needs more than the 1 recorded decisions"));
    trace_fini(&rp.tr);

    /* too many */
    memcpy(s, d, 2 * sizeof *s);
    s[2] = s[1];
    s[2].index = 2;
    replay_schedule("daemon-join/no-join", 0, s, 3, false, &rp);
    CU_ASSERT_FALSE(rp.fits);
    CU_ASSERT_EQUAL(rp.rp.at_decision, 2);
    CU_ASSERT_EQUAL(rp.rp.at_seq, live.n);
    CU_ASSERT_PTR_NOT_NULL(strstr(rp.rp.why, "ended after 2 of the 3 recorded decisions"));
    trace_fini(&rp.tr);

    trace_fini(&live);
    free(d);
}

int main(void)
{
    static const ts_test tests[] = {
        TS_TEST(test_splitmix64_reference_values), TS_TEST(test_random_is_seeded),
        TS_TEST(test_pct_is_seeded),               TS_TEST(test_replay_identity_small),
        TS_TEST(test_replay_identity_long),        TS_TEST(test_replay_follows_the_record),
        TS_TEST(test_divergence_detected),
    };
    if (setup() != 0)
        return 2;
    int rc = ts_test_main("store_replay", tests, sizeof tests / sizeof tests[0]);
    teardown();
    return rc;
}
