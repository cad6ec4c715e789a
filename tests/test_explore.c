/*
 * tests/test_explore.c — the explorer (tools/explore.h).
 *
 * The search itself on a program whose schedules can be counted by hand:
 * two threads of two steps each, a decision before every step while both
 * have steps left. Its six interleavings, by preemptions (switching away
 * from a thread that had steps left; A runs first):
 *   0: AABB   1: ABBA BBAA   2: ABAB BAAB   3: BABA
 * so dfs within bound 0, 1, 2, 3 runs 1, 3, 5, 6 schedules, each printing
 * its own interleaving, and then says the space is exhausted. Shards of it
 * add up to it. Then the command on real programs: a lost update behind an
 * assert and a two-lock deadlock are found, shrunk to one preemption, and
 * their replay tokens replay them in the stepper; the Event page's printed
 * output (not the default schedule's) is found by --goal; the report is the
 * same bytes for the same seed and budget.
 */
#include <stdbool.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "py_util.h"
#include "sim/buf.h"
#include "sim/sched.h"
#include "test_util.h"
#include "tools/explore.h"
#include "tools/step.h"
#include "traces/store_explore.h"

#define SRC THREADSIM_SOURCE_DIR

/* ---- the hand-counted program ----------------------------------------------- */

static int fake_run(void *arg, const void *spec, size_t len, model_opts *cb, model_result *res)
{
    int k = *(int *)arg;
    sim_policy p = ts_x_make_policy(spec, len);
    sim_sched s;
    memset(&s, 0, sizeof s);
    int left[2] = {k, k}, cur = 0;
    char out[64];
    size_t n = 0;
    while (left[0] || left[1]) {
        if (left[0] && left[1]) {
            /* the other thread first in the queue, the running one last */
            sim_thread th[2];
            memset(th, 0, sizeof th);
            th[0].id = (uint32_t)!cur;
            th[1].id = (uint32_t)cur;
            sim_thread *rq[2] = {&th[0], &th[1]};
            s.rq = rq;
            s.rq_head = 0;
            s.rq_len = s.rq_cap = 2;
            s.step_decision = true;
            uint32_t idx = p.pick(p.ud, &s, 2);
            s.rq = NULL;
            cb->on_decision(cb->decision_ud, s.ndecisions++, 2, idx, idx == 1 ? (uint32_t)cur : (uint32_t)!cur, true);
            if (idx == 0)
                cur = !cur;
        } else if (!left[cur]) {
            cur = !cur;
        }
        out[n++] = cur ? 'B' : 'A';
        left[cur]--;
    }
    out[n++] = '\n';
    sim_event ev = {.kind = SIM_EV_OUTPUT, .thread = 0, .other = SIM_NONE, .obj = SIM_NONE,
                    .arg = 1, .text = out, .len = n};
    cb->sink(cb->sink_ud, &ev);
    if (res)
        memset(res, 0, sizeof *res);
    return 0;
}

static int has(const ts_x_result *r, const char *out)
{
    for (size_t i = 0; i < r->nout; i++)
        if (strcmp(r->out[i].output, out) == 0)
            return (int)i;
    return -1;
}

static void test_dfs_counts_by_bound(void)
{
    static const uint64_t want[] = {1, 3, 5, 6};
    static const char *const by[][2] = {{"AABB\n", NULL}, {"ABBA\n", "BBAA\n"},
                                        {"ABAB\n", "BAAB\n"}, {"BABA\n", NULL}};
    int k = 2;
    for (uint32_t b = 0; b < 4; b++) {
        ts_x_opts o = {.strategy = TS_X_DFS, .bound = b};
        ts_x_result r;
        CU_ASSERT_EQUAL_FATAL(ts_explore(&o, fake_run, &k, &r), 0);
        CU_ASSERT_EQUAL(r.schedules, want[b]);
        CU_ASSERT_EQUAL(r.nout, want[b]); /* every interleaving prints its own */
        CU_ASSERT_TRUE(r.exhausted);
        for (uint32_t q = 0; q <= b; q++)
            for (int j = 0; j < 2; j++)
                if (by[q][j]) {
                    int i = has(&r, by[q][j]);
                    CU_ASSERT(i >= 0);
                    if (i >= 0)
                        CU_ASSERT_EQUAL(r.out[i].preemptions, q);
                }
        ts_x_result_fini(&r);
    }
    /* a budget smaller than the space: not exhausted */
    ts_x_opts o = {.strategy = TS_X_DFS, .bound = 3, .max_schedules = 4};
    ts_x_result r;
    CU_ASSERT_EQUAL_FATAL(ts_explore(&o, fake_run, &k, &r), 0);
    CU_ASSERT_FALSE(r.exhausted);
    CU_ASSERT_TRUE(r.budget_hit);
    ts_x_result_fini(&r);
    /* three steps each: C(6,3) = 20 interleavings in all */
    k = 3;
    ts_x_opts all = {.strategy = TS_X_DFS, .bound = 5};
    CU_ASSERT_EQUAL_FATAL(ts_explore(&all, fake_run, &k, &r), 0);
    CU_ASSERT_EQUAL(r.schedules, 20);
    CU_ASSERT_EQUAL(r.nout, 20);
    ts_x_result_fini(&r);
}

static void test_goal_and_shrink(void)
{
    int k = 3;
    ts_x_opts o = {.strategy = TS_X_DFS, .bound = 5, .goal = "BBBAAA\n", .goal_len = 7};
    ts_x_result r;
    CU_ASSERT_EQUAL_FATAL(ts_explore(&o, fake_run, &k, &r), 0);
    CU_ASSERT(r.goal >= 0);
    ts_x_outcome *g = &r.out[r.goal];
    CU_ASSERT_STRING_EQUAL(g->output, "BBBAAA\n");
    uint64_t used;
    CU_ASSERT_EQUAL(ts_x_shrink(&o, fake_run, &k, g, 100, &used), 0); /* one preemption: already fewest */
    CU_ASSERT_EQUAL(used, 1); /* bound 0: FIFO's one run */
    CU_ASSERT_EQUAL(g->preemptions, 1);
    ts_x_result_fini(&r);
    /* not in the space within the bound: exhausted, not found */
    ts_x_opts none = {.strategy = TS_X_DFS, .bound = 0, .goal = "BBBAAA\n", .goal_len = 7};
    CU_ASSERT_EQUAL_FATAL(ts_explore(&none, fake_run, &k, &r), 0);
    CU_ASSERT_EQUAL(r.goal, -1);
    CU_ASSERT_TRUE(r.exhausted);
    ts_x_result_fini(&r);
}

/* Shrinking many outcomes at once (one dfs pass per bound for all) ends
 * where shrinking each alone does: the same fewest preemptions, each
 * found in as many runs as alone, and the passes run once, not once per
 * outcome. */
static void test_shrink_together(void)
{
    int k = 3;
    ts_x_opts o = {.strategy = TS_X_RANDOM, .max_schedules = 80, .seed = 5};
    ts_x_result r, alone;
    CU_ASSERT_EQUAL_FATAL(ts_explore(&o, fake_run, &k, &r), 0);
    CU_ASSERT_EQUAL_FATAL(ts_explore(&o, fake_run, &k, &alone), 0);
    CU_ASSERT_EQUAL_FATAL(r.nout, alone.nout);
    ts_x_outcome *os[32];
    uint64_t used[32], used_alone[32], sum_alone = 0;
    int shrunk[32], above = 0;
    size_t n = r.nout < 32 ? r.nout : 32;
    for (size_t i = 0; i < n; i++) {
        os[i] = &r.out[i];
        above += r.out[i].preemptions > 1;
        int got = ts_x_shrink(&o, fake_run, &k, &alone.out[i], 1000, &used_alone[i]);
        CU_ASSERT(got >= 0);
        sum_alone += used_alone[i];
    }
    CU_ASSERT(above >= 3); /* random schedules switch more than needed */
    CU_ASSERT_EQUAL_FATAL(ts_x_shrink_all(&o, fake_run, &k, os, n, 1000, used, shrunk), 0);
    uint64_t most = 0;
    for (size_t i = 0; i < n; i++) {
        CU_ASSERT_STRING_EQUAL(r.out[i].output, alone.out[i].output);
        CU_ASSERT_EQUAL(r.out[i].preemptions, alone.out[i].preemptions);
        CU_ASSERT_EQUAL(r.out[i].nchoices, alone.out[i].nchoices);
        if (used[i] > most)
            most = used[i];
    }
    /* the passes together cost what the slowest outcome's cost alone */
    uint64_t slowest = 0;
    for (size_t i = 0; i < n; i++)
        if (used_alone[i] > slowest)
            slowest = used_alone[i];
    CU_ASSERT(most <= slowest + 20);
    CU_ASSERT(most < sum_alone);
    ts_x_result_fini(&r);
    ts_x_result_fini(&alone);
}

/* the union of the shards is the unsharded run: the same outcomes, counts */
static void test_shards_add_up(void)
{
    int k = 3;
    for (int strat = 0; strat < 3; strat++) {
        ts_x_opts o = {.strategy = strat == 0 ? TS_X_DFS : strat == 1 ? TS_X_RANDOM : TS_X_PCT,
                       .bound = 5, .seed = 7, .depth = 2, .max_schedules = strat ? 60 : 0};
        ts_x_result whole;
        CU_ASSERT_EQUAL_FATAL(ts_explore(&o, fake_run, &k, &whole), 0);
        uint64_t total = 0, counts[64] = {0};
        for (uint32_t s = 1; s <= 4; s++) {
            ts_x_opts so = o;
            so.shard_k = s;
            so.shard_n = 4;
            ts_x_result part;
            CU_ASSERT_EQUAL_FATAL(ts_explore(&so, fake_run, &k, &part), 0);
            total += part.schedules;
            for (size_t i = 0; i < part.nout; i++) {
                int w = has(&whole, part.out[i].output);
                CU_ASSERT(w >= 0);
                if (w >= 0 && w < 64)
                    counts[w] += part.out[i].count;
            }
            ts_x_result_fini(&part);
        }
        CU_ASSERT_EQUAL(total, whole.schedules);
        for (size_t i = 0; i < whole.nout && i < 64; i++)
            CU_ASSERT_EQUAL(counts[i], whole.out[i].count);
        ts_x_result_fini(&whole);
    }
}

/* 100k explored schedules of a dfs (a few preemptions each: ~10 bytes of
 * choices) and 50 outcomes take well under 50 MB, and read back */
static void test_store_size(void)
{
    char path[] = "/tmp/ts-xstore-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    remove(path);
    char err[256];
    store_open_opts so = store_open_opts_default();
    so.create = true;
    store *st = store_open(path, &so, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    enum { N = 100000, NOUT = 50 };
    store_x_sched *rows = calloc(N, sizeof *rows);
    unsigned char *bytes = malloc((size_t)N * 10);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rows);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bytes);
    for (size_t i = 0; i < N; i++) {
        for (size_t b = 0; b < 10; b++)
            bytes[i * 10 + b] = (unsigned char)((i * 31 + b * 7) & 0x7F);
        rows[i] = (store_x_sched){bytes + i * 10, 10, (uint32_t)(i % NOUT)};
    }
    store_x_outcome outs[NOUT];
    char text[NOUT][64];
    for (size_t i = 0; i < NOUT; i++) {
        snprintf(text[i], sizeof text[i], "counter %zu\n", i);
        outs[i] = (store_x_outcome){.exit_status = 0, .output = text[i], .len = strlen(text[i]),
                                    .count = N / NOUT, .first = i, .token = "p.py:AgEA"};
    }
    store_exploration x = {.program = "p.py", .options = "strategy=dfs", .schedules = N,
                           .exhausted = true, .version = "test", .out = outs, .nout = NOUT};
    CU_ASSERT_EQUAL_FATAL(store_x_save(st, &x, rows, N), 0);
    store_close(st);
    struct stat sb;
    CU_ASSERT_EQUAL(stat(path, &sb), 0);
    char wal[300];
    snprintf(wal, sizeof wal, "%s-wal", path);
    struct stat sw;
    off_t total = sb.st_size + (stat(wal, &sw) == 0 ? sw.st_size : 0);
    CU_ASSERT(total < (off_t)50 << 20);
    st = store_open(path, NULL, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    store_exploration back;
    CU_ASSERT_EQUAL(store_x_get(st, x.id, &back), 0);
    CU_ASSERT_EQUAL(back.nout, NOUT);
    CU_ASSERT_EQUAL(back.schedules, N);
    CU_ASSERT_STRING_EQUAL(back.out[7].output, "counter 7\n");
    store_x_free(&back);
    store_close(st);
    free(rows);
    free(bytes);
    remove(path);
    remove(wal);
    snprintf(wal, sizeof wal, "%s-shm", path);
    remove(wal);
}

/* ---- the command -------------------------------------------------------------- */

static char *cli(const char *args, int *status)
{
    char cmd[8192];
    /* explorations are not recorded unless a test says where */
    bool nodb = strncmp(args, "explore ", 8) == 0 && !strstr(args, "--db") && !strstr(args, "--no-db");
    snprintf(cmd, sizeof cmd, "cd " SRC " && env -u PYTHONUNBUFFERED " THREADSIM_BINARY " %s%s 2>/dev/null",
             args, nodb ? " --no-db" : "");
    return ts_capture(cmd, status);
}

/* the token on the line after "FAILS: KIND" or ", the goal" */
static char *token_after(const char *out, const char *mark)
{
    const char *p = strstr(out, mark);
    p = p ? strstr(p, "--replay '") : NULL;
    if (!p)
        return NULL;
    p += strlen("--replay '");
    return strndup(p, strcspn(p, "'"));
}

/* A random schedule of a long race makes thousands of choices: its token is
 * only in --json, and the stepper takes it from a file (--replay @FILE) and
 * follows it to the same output. */
static void test_long_token_from_a_file(void)
{
    int st;
    /* (schedule 0 is the default one, schedule 1 the first random one:
     * seed 2's, a uniform walk, which switches at every other line) */
    char *out = cli("explore traces/explore/long_race.py --schedules 2 --seed 2", &st);
    CU_ASSERT_EQUAL(st, 0);
    const char *second = out ? strstr(out, "\n  2. ") : NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(second);
    CU_ASSERT_TRUE(strstr(second, "too long to show: --json prints it") != NULL);
    CU_ASSERT_TRUE(!strstr(second, "--replay '"));
    const char *bar = strstr(second, "| ");
    char value[32] = "";
    if (bar)
        snprintf(value, sizeof value, "%.*s", (int)strcspn(bar + 2, "\n"), bar + 2);
    CU_ASSERT_TRUE(atoi(value) > 2000); /* some updates lost, not all */
    free(out);
    char *json = cli("explore traces/explore/long_race.py --schedules 2 --seed 2 --json", &st);
    CU_ASSERT_EQUAL(st, 0);
    const char *t = json ? strstr(json, "\"token\": \"") : NULL; /* the default schedule's */
    t = t ? strstr(t + 1, "\"token\": \"") : NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    t += strlen("\"token\": \"");
    size_t n = strcspn(t, "\"");
    CU_ASSERT_TRUE(n > 400);
    char path[] = "/tmp/threadsim-token-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_TRUE_FATAL(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "%.*s\n", (int)n, t);
    fclose(f);
    char args[256];
    snprintf(args, sizeof args, "step traces/explore/long_race.py --choices program --replay @%s "
             "--no-db --commands continue", path);
    out = cli(args, &st);
    CU_ASSERT_EQUAL(st, 0);
    char want[64];
    snprintf(want, sizeof want, "|     %s\n", value);
    CU_ASSERT_TRUE(out && strstr(out, want));
    /* the path followed is the token's, to the last choice */
    const char *again = out ? strstr(out, "replay token: ") : NULL;
    CU_ASSERT_TRUE(again && strncmp(again + strlen("replay token: "), t, n) == 0);
    free(out);
    free(json);
    remove(path);
    /* a token file that is not there: one line, exit 125 */
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cd " SRC " && " THREADSIM_BINARY " step traces/explore/long_race.py "
             "--replay @/nonexistent/token --no-db 2>&1 >/dev/null");
    out = ts_capture(cmd, &st);
    CU_ASSERT_EQUAL(st, 125);
    CU_ASSERT_TRUE(out && strstr(out, "cannot read the replay token from '/nonexistent/token'"));
    free(out);
    /* nor one that never ends: refused at 256 MiB, not read into memory */
    snprintf(cmd, sizeof cmd, "cd " SRC " && " THREADSIM_BINARY " step traces/explore/long_race.py "
             "--replay @/dev/zero --no-db 2>&1 >/dev/null");
    out = ts_capture(cmd, &st);
    CU_ASSERT_EQUAL(st, 125);
    CU_ASSERT_TRUE(out && strstr(out, "from '/dev/zero': File too large"));
    free(out);
}

static void test_lost_update_found_and_replayed(void)
{
    int st;
    char *out = cli("explore traces/explore/lost_update_assert.py --strategy dfs --preemptions 1 "
                    "--fail-on exception",
                    &st);
    CU_ASSERT_EQUAL(st, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "fewest preemptions 1), exit 1, FAILS: exception\n"
                                       "     AssertionError: "));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "exhausted: every schedule with at most 1 preemption ran"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "preemption 1 (decision "));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "is switched out at traces/explore/lost_update_assert.py:"));
    /* the accesses that make it a race: read before the switch, written after */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "       conflict on counter: Thread-1 (work) read it (line 11), "
                                       "then Thread-2 (work) wrote it (line 12)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "     | ok 6\n"));
    char *tok = token_after(out, "FAILS: exception");
    CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
    CU_ASSERT(strlen(tok) < 60); /* a rank token: short */
    char args[512];
    snprintf(args, sizeof args, "step traces/explore/lost_update_assert.py --choices program --no-db "
                                "--replay '%s' --commands continue", tok);
    char *step = cli(args, &st);
    CU_ASSERT_PTR_NOT_NULL(strstr(step, "AssertionError"));
    CU_ASSERT_PTR_NOT_NULL(strstr(step, "exit status 1"));
    free(step);
    free(tok);
    /* the same options: the same report, to the byte */
    char *again = cli("explore traces/explore/lost_update_assert.py --strategy dfs --preemptions 1 "
                      "--fail-on exception",
                      &st);
    TS_ASSERT_STR_EQ(again, out);
    free(again);
    free(out);
}

/* Runs that reset one process (cpy_snap.h), every reset verified page by
 * page, give the report forked runs give, to the byte: a DFS of a race, a
 * random search of the Event page, and runs under --sandbox (the runner
 * confined once, before its snapshot) of a program that makes files. (A
 * reset found wrong makes its run an engine failure, exit 127: another
 * outcome in the report.) */
static char *cli_reset(const char *mode, const char *args, int *status)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "cd " SRC " && echo line | env -u PYTHONUNBUFFERED THREADSIM_RESET=%s " THREADSIM_BINARY
             " %s --no-db --json 2>/dev/null",
             mode, args);
    return ts_capture(cmd, status);
}

static void test_reset_and_fork_reports_equal(void)
{
    static const char *const cases[] = {
        "explore traces/explore/lost_update_assert.py --strategy dfs --preemptions 1",
        "explore traces/py3/event/set-wait.py --strategy random --schedules 150",
        "explore traces/explore/reset/files.py --strategy random --schedules 60 --sandbox",
        "explore traces/explore/reset/sig.py --strategy pct --schedules 60 --sandbox",
        "explore traces/explore/reset/stdin.py --strategy random --schedules 30",
        /* the snapshot at the first choice (cpy_run.c): DPOR's notes made
         * inside the policy, timers and library lines as choices, a start
         * that keeps a file open (no snapshot there), and a run that comes
         * to no choice at all */
        "explore traces/explore/lost_update_assert.py --strategy dpor --schedules 300",
        "explore traces/py3/lock/counter.py --strategy pct --schedules 80 --jitter 0.3 --choices line",
        "explore traces/explore/reset/start_open.py --strategy random --schedules 30",
        "explore traces/explore/reset/nochoice.py --strategy random --schedules 10",
        /* out of memory before any choice: the runner's audit hook (taken
         * away at the first refusal) must not change what is printed */
        "explore traces/hostile/c_stack.py --strategy random --schedules 4 --max-memory 64M",
        /* stacks that grow through their soft guards (sim/stack.h): put
         * back before each reset; grown at the snapshot: a runner a run */
        "explore traces/explore/reset/deepstack.py --strategy random --schedules 40",
        "explore traces/explore/reset/deepstart.py --strategy random --schedules 20",
        /* deeper snapshots (cpy_run.c): dfs and dpor runs resumed from a
         * decision of the prefix they share, a failing outcome shrunk */
        "explore traces/py3/semaphore/pool.py --strategy dfs --schedules 200",
        "explore traces/py3/semaphore/pool.py --strategy dpor --schedules 200",
        "explore traces/py3/race/lost_update.py --strategy dfs --schedules 200 --fail-on any",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int sf, sv;
        char *f = cli_reset("fork", cases[i], &sf);
        char *v = cli_reset("verify", cases[i], &sv);
        CU_ASSERT_EQUAL(sf, sv);
        if (strcmp(f, v) != 0)
            fprintf(stderr, "\n%s\nfork:\n%.2000s\nverify:\n%.2000s\n", cases[i], f, v);
        CU_ASSERT_STRING_EQUAL(f, v);
        CU_ASSERT_PTR_NOT_NULL(strstr(f, "\"outcomes\": ["));
        free(f);
        free(v);
    }
}

/* The watchdog (cpy_io.c: a wall-clock alarm that has a thread computing
 * untraced count its lines for --max-steps) fires whenever the host's
 * timing says; it must change no schedule. Fired every 50 us instead of
 * every second, the reports are the same. Its handler queued a pending call
 * with Py_AddPendingCall, which a signal landing in a thread-state switch
 * made read a freed thread state: the engine faulted (exit 127), and a
 * stored run replayed differently on a loaded CI machine. */
static void test_watchdog_changes_no_schedule(void)
{
    /* explorations (their reports; stderr has the wall-clock rate), and
     * runs, traced: reprs (addresses, sets of objects) under a policy
     * deciding at every line, a Python 2 program, and one compiled without
     * ticks whose lone thread computes, then loops until --max-steps */
    static const struct {
        const char *args, *err;
    } cases[] = {
        {"explore traces/explore/cpython_points.py --strategy dfs --preemptions 1 --choices cpython "
         "--json", "/dev/null"},
        {"explore traces/explore/cpython_rewrite.py --strategy random --schedules 40 --choices cpython "
         "--json", "/dev/null"},
        {"explore traces/py3/race/lost_update.py --strategy random --schedules 150 --json", "/dev/null"},
        {"explore traces/py3/lock/counter.py --strategy pct --schedules 60 --choices line --json",
         "/dev/null"},
        {"explore traces/explore/lost_update_assert.py --strategy dpor --schedules 200 --json",
         "/dev/null"},
        {"run traces/determinism/reprs.py --trace --policy random --seed 7", "&1"},
        {"run traces/py/local/subclass.py --trace", "&1"},
        {"run traces/determinism/watchdog.py --trace --max-steps 2000000", "&1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out[2];
        int st[2];
        for (int k = 0; k < 2; k++) {
            char cmd[1024];
            snprintf(cmd, sizeof cmd, "cd " SRC " && echo line | env -u PYTHONUNBUFFERED %s "
                     THREADSIM_BINARY " %s --no-db 2>%s",
                     k ? "THREADSIM_TEST_WATCHDOG_US=50" : "", cases[i].args, cases[i].err);
            out[k] = ts_capture(cmd, &st[k]);
        }
        CU_ASSERT_EQUAL(st[0], st[1]);
        CU_ASSERT_NOT_EQUAL(st[0], 127);
        if (strcmp(out[0], out[1]) != 0)
            fprintf(stderr, "\n%s\nwatchdog every second:\n%.3000s\nevery 50 us:\n%.3000s\n",
                    cases[i].args, out[0], out[1]);
        CU_ASSERT_STRING_EQUAL(out[0], out[1]);
        CU_ASSERT_PTR_NULL(strstr(out[0], "\"exit\": 127"));
        free(out[0]);
        free(out[1]);
    }
    /* the loop stops at the step limit */
    char *w = ts_capture("cd " SRC " && env -u PYTHONUNBUFFERED " THREADSIM_BINARY
                         " run traces/determinism/watchdog.py --no-db --max-steps 2000000 2>&1", NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(w, "\n400000 <object object at 0x"));
    CU_ASSERT_PTR_NOT_NULL(strstr(w, "step limit reached"));
    free(w);
}

/* A switch out of a deep call in main, whose stack grows through its soft
 * guard as the registers are saved (traces/explore/deep_switch.py): every
 * schedule ends as the program does, none in an engine fault (exit 127,
 * in 17 of 20 schedules before). */
static void test_deep_call_switches_out(void)
{
    int st;
    char *out = cli("explore traces/explore/deep_switch.py --schedules 20 --json", &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"schedules\": 20, \"exhausted\": false, \"outcomes\": "
                                       "[{\"count\": 20, \"first\": 0, \"exit\": 0, "));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"output\": \"950\\ndone\\n\""));
    CU_ASSERT_PTR_NULL(strstr(out, "\"exit\": 127"));
    free(out);
}

/* Random and PCT stop after a schedule that met no decision: every seed
 * runs the program the same way. Shard 1 owns that schedule; the others
 * report none, and exhausted; a goal it does not print is not found. */
static void test_no_choice_is_one_schedule(void)
{
    int st;
    char *out = cli("explore traces/explore/reset/nochoice.py --schedules 50", &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "1 schedule, 1 distinct outcome; exhausted: the program "
                                       "made no scheduling choice"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "| only MainThread"));
    free(out);
    out = cli("explore traces/explore/reset/nochoice.py --strategy pct --json", &st);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"schedules\": 1, \"exhausted\": true"));
    free(out);
    out = cli("explore traces/explore/reset/nochoice.py --shard 2/2 --json", &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"schedules\": 0, \"exhausted\": true, \"outcomes\": []"));
    free(out);
    char path[] = "/tmp/ts-goal-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_EQUAL(write(fd, "never\n", 6), 6);
    close(fd);
    char args[256];
    snprintf(args, sizeof args, "explore traces/explore/reset/nochoice.py --goal %s", path);
    out = cli(args, &st);
    CU_ASSERT_EQUAL(st, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "1 schedule, 1 distinct outcome; exhausted"));
    free(out);
    remove(path);
    /* one decision is enough to go on */
    out = cli("explore traces/py3/create/args.py --schedules 7", &st);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "7 schedules, "));
    CU_ASSERT_PTR_NULL(strstr(out, "exhausted"));
    free(out);
}

/* The explorer runs as batch work once its session is open (tools/cmd_py.c);
 * the session's processes, where the program runs, keep the policy threadsim
 * was started with (this test's): the program's threads see what they would
 * under `run`. */
static void test_program_sees_its_own_sched_policy(void)
{
    int st, pol = sched_getscheduler(0);
    CU_ASSERT_FATAL(pol >= 0);
    char want[64];
    snprintf(want, sizeof want, "| [%d, %d] %d\n", pol, pol, pol);
    char *out = cli("explore traces/explore/schedpolicy.py --schedules 20", &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "20 schedules, 1 distinct outcome"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
    free(out);
}

/* `threadsim explore ARGS` (no database), stdout and stderr together: the
 * rate and shrink lines are on stderr */
static char *cli_all(const char *args, int *status)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd " SRC " && env -u PYTHONUNBUFFERED " THREADSIM_BINARY
             " explore %s --no-db 2>&1", args);
    return ts_capture(cmd, status);
}

/* Shrinking has a budget for all its bounds together (--shrink N; 0: none),
 * and stderr says how far it went. */
static void test_shrink_budget(void)
{
    int st;
    /* (in its first 50 schedules the deadlock comes once, schedule 27, a
     * uniform walk with 3 preemptions) */
    const char *two = "traces/explore/two_locks.py --fail-on deadlock --schedules 50";
    char args[512];
    char *out = cli_all(two, &st);
    CU_ASSERT_EQUAL(st, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "threadsim: explore: outcome 2 shrunk from 3 to 1 preemption in "));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "fewest preemptions 1), exit 126, FAILS: deadlock"));
    free(out);
    snprintf(args, sizeof args, "%s --shrink 3", two);
    out = cli_all(args, &st);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "outcome 2 not shrunk below 3 preemptions: the --shrink "
                                       "budget (3 runs) ran out"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "fewest preemptions 3), exit 126, FAILS: deadlock"));
    free(out);
    snprintf(args, sizeof args, "%s --shrink 0", two);
    out = cli_all(args, &st);
    CU_ASSERT_PTR_NULL(strstr(out, "shrunk"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "fewest preemptions 3), exit 126, FAILS: deadlock"));
    free(out);
    snprintf(args, sizeof args, "%s --shrink -1", two);
    out = cli_all(args, &st);
    CU_ASSERT_EQUAL(st, 125);
    free(out);
    /* a run limit is shrunk, and its preemptions explained (one more run
     * as long as the limit, and here 9956 lines of report), only when
     * --fail-on names it */
    const char *spin = "traces/hostile/spin_on_lost_update.py --schedules 3 --max-steps 20000";
    out = cli_all(spin, &st);
    CU_ASSERT_PTR_NULL(strstr(out, "threadsim: explore: outcome"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "exit 124, FAILS: limit"));
    CU_ASSERT_PTR_NULL(strstr(out, "fewest preemptions 1), exit 124"));
    CU_ASSERT_PTR_NULL(strstr(out, "preemption 1 (decision"));
    free(out);
    snprintf(args, sizeof args, "%s --fail-on limit --shrink 0", spin);
    out = cli_all(args, &st);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "preemption 1 (decision"));
    free(out);
    snprintf(args, sizeof args, "%s --fail-on limit", spin);
    out = cli_all(args, &st);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "threadsim: explore: outcome 2 shrunk from "));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "fewest preemptions 1), exit 124, FAILS: limit"));
    free(out);
}

/* A program that never ends (two threads spinning) is one outcome, a run
 * limit at --max-decisions, not all of the explorer's memory and time: each
 * schedule stops at the bound, in the run's process, the same way every
 * time; the engine's own scenarios too. */
static void test_decision_limit(void)
{
    int st;
    char *out = cli("explore traces/hostile/spin_forever.py --schedules 3 --max-decisions 20000 "
                    "--fail-on limit",
                    &st);
    CU_ASSERT_EQUAL(st, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "3 schedules, 1 distinct outcome"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "exit 124, FAILS: limit\n     decision limit: the schedule "
                                       "made more decisions than --max-decisions allows (default "
                                       "1000000; 0: no limit)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "| spinning"));
    char *again = cli("explore traces/hostile/spin_forever.py --schedules 3 --max-decisions 20000 "
                      "--fail-on limit",
                      &st);
    TS_ASSERT_STR_EQ(again, out);
    free(again);
    free(out);
    /* a bound a program stays under changes nothing */
    char *a = cli("explore lock/counter --schedules 20 --json", &st);
    char *b = cli("explore lock/counter --schedules 20 --json --max-decisions 100000", &st);
    CU_ASSERT_PTR_NOT_NULL(strstr(a, "\"outcomes\""));
    CU_ASSERT_PTR_NULL(strstr(a, "\"exit\": 124"));
    char *oa = strstr(a, "\"outcomes\""), *ob = strstr(b, "\"outcomes\"");
    CU_ASSERT_FATAL(oa && ob);
    TS_ASSERT_STR_EQ(ob, oa);
    free(a);
    free(b);
    /* a small one ends every schedule of a scenario there */
    out = cli("explore lock/counter --schedules 5 --max-decisions 3", &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "5 schedules, 2 distinct outcomes"));
    CU_ASSERT_PTR_NULL(strstr(out, "exit 0"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "decision limit"));
    free(out);
    out = cli("explore lock/counter --max-decisions lots", &st);
    CU_ASSERT_EQUAL(st, 125);
    free(out);
}

static void test_deadlock_found(void)
{
    int st;
    char *out = cli("explore traces/explore/two_locks.py --strategy pct --schedules 200 --seed 3 "
                    "--fail-on deadlock --json",
                    &st);
    CU_ASSERT_EQUAL(st, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"exit\": 126"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"failure\": \"deadlock\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"output\": \"done\\n\""));
    free(out);
    out = cli("explore traces/explore/two_locks.py --strategy dfs --preemptions 1 --fail-on deadlock",
              &st);
    CU_ASSERT_EQUAL(st, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "fewest preemptions 1), exit 126, FAILS: deadlock"));
    /* the deadlock spelled out: who holds and waits on what, and the cycle */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "FAILS: deadlock\n     MainThread waits on Thread.join ("));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\n     Thread-1 (one) waits on Lock.acquire (Lock-2 at "
                                       "two_locks.py:9), held by Thread-2 (two)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\n     Thread-2 (two) waits on Lock.acquire (Lock-1 at "
                                       "two_locks.py:13), held by Thread-1 (one)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\n     cycle: Thread-1 (one) -> Thread-2 (two) -> "
                                       "Thread-1 (one)\n"));
    /* the preemption's conflict: the lock, by the program's name for it */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "is switched out at traces/explore/two_locks.py:9; MainThread "
                                       "runs\n       conflict on a: Thread-1 (one) acquired it (line "
                                       "8), then Thread-2 (two) waited for it (line 13)\n"));
    char *tok = token_after(out, "FAILS: deadlock");
    CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
    char args[512];
    snprintf(args, sizeof args, "step traces/explore/two_locks.py --choices program --no-db "
                                "--replay '%s' --commands continue", tok);
    char *step = cli(args, &st);
    CU_ASSERT_PTR_NOT_NULL(strstr(step, "deadlock: exit status 126"));
    free(step);
    free(tok);
    free(out);
    /* without --fail-on: the failure is reported, the exit is 0 */
    out = cli("explore traces/explore/two_locks.py --strategy dfs --preemptions 1", &st);
    CU_ASSERT_EQUAL(st, 0);
    free(out);
}

static void test_goal_event_page(void)
{
    int st;
    /* the C scenario and the Python 2 page program both print the page's
     * own output under some schedule; FIFO does not */
    char *out = cli("explore event/set-wait --strategy dfs --goal docs/event-page.out", &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "goal docs/event-page.out: found"));
    free(out);
    out = cli("explore traces/py/event/set-wait.py --strategy dfs --goal docs/event-page.out", &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "goal docs/event-page.out: found"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "non-blocking is switched out at traces/py/event/set-wait.py:"));
    free(out);
    /* a goal no schedule within the bound prints (its lines in another
     * order than any run can give): exit 1, exhausted */
    out = cli("explore event/set-wait --strategy dfs --preemptions 1 "
              "--goal traces/explore/event-impossible.out",
              &st);
    CU_ASSERT_EQUAL(st, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "not found: no schedule within the bound prints it"));
    /* and says the bound holds timing too (a goal needing a sleep to end
     * late said only "not found") */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "(timers further apart than the jitter, 1 us, fired in "
                                       "their virtual-time order: if the output needs a sleep "
                                       "to end late, a larger --jitter makes that a choice)\n"));
    free(out);
}

/* unbuffered (-u or PYTHONUNBUFFERED, as python), print's pieces are
 * separate writes and each a possible switch: lines mix as in CPython */
static void test_unbuffered_output_is_a_choice(void)
{
    int st;
    char *out = cli("explore traces/explore/print_pieces.py --strategy dfs --json", &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NULL(strstr(out, "\"B0B1 passes\\n passes\\n\""));
    free(out);
    out = cli("explore traces/explore/print_pieces.py --strategy dfs --json -u", &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"output\": \"B0B1 passes\\n passes\\n\""));
    char *env = ts_capture("cd " SRC " && PYTHONUNBUFFERED=1 " THREADSIM_BINARY
                           " explore traces/explore/print_pieces.py --strategy dfs --json 2>/dev/null",
                           &st);
    TS_ASSERT_STR_EQ(env, out);
    free(env);
    free(out);
}

/* Each preemption the report names switches from the thread running at
 * the decision to another: under -u a thread switched in inside print
 * notes no line before the next decision, and the thread that last ran a
 * line (named before) could be the very one that runs next ("Thread-2 is
 * switched out ...; Thread-2 runs"). */
static void test_preemptions_name_the_running_thread(void)
{
    int st;
    char *out = cli("explore traces/explore/pop_race.py -u --schedules 300", &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "IndexError: pop from empty list"));
    size_t seen = 0;
    for (const char *p = strstr(out, "): "); p; p = strstr(p + 1, "): ")) {
        const char *sw = strstr(p, " is switched out at "), *nl = strchr(p, '\n');
        if (!sw || !nl || sw > nl)
            continue;
        const char *semi = nl;
        while (semi > sw && *semi != ';')
            semi--;
        const char *from = p + 3, *to = semi + 2;
        size_t flen = (size_t)(sw - from), tlen = (size_t)(nl - to);
        CU_ASSERT_FATAL(tlen > 5 && memcmp(nl - 5, " runs", 5) == 0);
        tlen -= 5;
        if (flen == tlen && memcmp(from, to, flen) == 0)
            CU_FAIL("a preemption from a thread to itself");
        seen++;
    }
    CU_ASSERT(seen >= 10);
    free(out);
}

/* timers due at one instant fire in either order; --jitter widens "one
 * instant"; the default schedule is unchanged, and the stepper follows a
 * token that chose a timer */
static void test_timing_as_a_choice(void)
{
    int st;
    char *run = cli("run traces/explore/join_timeout_tie.py --no-db", &st);
    TS_ASSERT_STR_EQ(run, "worker finished\nalive after join(3.0): False\n");
    free(run);
    char *out = cli("explore traces/explore/join_timeout_tie.py --strategy dfs --preemptions 0", &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "2 distinct outcomes; exhausted"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "     | alive after join(3.0): True\n     | worker finished\n"));
    const char *p = strstr(out, "alive after join(3.0): True");
    char *tok = p ? token_after(p, "worker finished") : NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
    char args[512];
    snprintf(args, sizeof args, "step traces/explore/join_timeout_tie.py --choices program --no-db "
                                "--replay '%s' --commands continue", tok);
    char *step = cli(args, &st);
    CU_ASSERT_PTR_NOT_NULL(strstr(step, "  |     alive after join(3.0): True\n  |     worker finished\n"));
    free(step);
    free(tok);
    free(out);
    out = cli("explore traces/explore/near_sleepers.py --strategy dfs --preemptions 0", &st);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "1 distinct outcome;"));
    free(out);
    out = cli("explore traces/explore/near_sleepers.py --strategy dfs --preemptions 0 --jitter 0.005",
              &st);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "2 distinct outcomes;"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "     | b woke\n     | a woke\n"));
    free(out);
}

/* Timers a few milliseconds apart but beyond the jitter fire in their
 * virtual-time order in every schedule; explore says so on stderr with the
 * --jitter that makes them choices (python3 printed sleeps of 1, 2 and 3
 * ms in start order in 2 of 50 runs on a loaded machine), and that jitter
 * finds the other order. A lone sleeper, which has nothing to swap with,
 * gets no note. */
static void test_near_timers_noted(void)
{
    int st;
    char *out = cli_all("traces/explore/near_sleepers.py --strategy dfs --preemptions 0", &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "threadsim: explore: note: timers 1 ms apart (or that soon "
                                       "after work ready to run) always fired in their "
                                       "virtual-time order;"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, ": --jitter 0.001 makes them choices too\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "1 distinct outcome;"));
    free(out);
    out = cli_all("traces/explore/near_sleepers.py --strategy dfs --preemptions 0 --jitter 0.001",
                  &st);
    CU_ASSERT_PTR_NULL(strstr(out, "note: timers"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "2 distinct outcomes;"));
    free(out);
    out = cli_all("traces/explore/lone_sleeper.py", &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NULL(strstr(out, "note: timers"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "tick 2\n     | done\n"));
    free(out);
}

/* The module's end is a choice: a daemon woken beside main's last line
 * prints after it, as under python3, whose threads still switch until its
 * finalization begins; `run` is unchanged. */
static void test_daemon_after_main(void)
{
    int st;
    char *run = cli("run traces/explore/daemon_after_main.py --no-db", &st);
    TS_ASSERT_STR_EQ(run, "daemon woke\nbye\n");
    free(run);
    char *out = cli("explore traces/explore/daemon_after_main.py --strategy dfs", &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "32 schedules, 3 distinct outcomes; exhausted"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\n     | bye\n     | daemon woke\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\n     | daemon woke\n     | bye\n"));
    free(out);
}

/* --tty: stdout line-buffered as on a terminal, each line's write a choice
 * after which the line may come out behind another thread's. A producer
 * and a consumer of a Queue(maxsize=1) print one order through a pipe and
 * six in a terminal (python3.11, 40 runs each); `put 0, put 1, get 0` (the
 * consumer's line held while the producer goes on) is one of the six, found
 * with --tty only, and its token replays in the stepper with --tty. `run
 * --tty` prints what `run` does. An uncaught exception's report goes out a
 * line at a time, as CPython's C printer writes it: another thread's line
 * between a frame's "File" line and its source line, as python3 printed. */
static void test_tty_lines_are_choices(void)
{
    int st;
    char *run = cli("run traces/explore/queue_tty.py --tty --no-db", &st);
    TS_ASSERT_STR_EQ(run, "put 0\nget 0\nput 1\nget 1\nput 2\nget 2\n");
    free(run);
    const char *held = "     | put 0\n     | put 1\n     | get 0\n     | get 1\n     | get 2\n"
                       "     | put 2\n";
    char *out = cli("explore traces/explore/queue_tty.py --show 30", &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NULL(out ? strstr(out, "     | put 0\n     | put 1\n     | get 0\n") : "");
    free(out);
    out = cli("explore traces/explore/queue_tty.py --tty --show 30", &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, "\n1000 schedules, 13 distinct outcomes; ") : NULL);
    const char *h = out ? strstr(out, held) : NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    const char *rl = strstr(h, "replay: threadsim step ");
    CU_ASSERT_PTR_NOT_NULL_FATAL(rl);
    size_t len = strcspn(rl, "\n");
    CU_ASSERT_TRUE(len > 6 && strncmp(rl + len - 6, " --tty", 6) == 0);
    char *tok = token_after(h, "| put 2");
    CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
    char args[1024];
    snprintf(args, sizeof args, "step traces/explore/queue_tty.py --choices program --no-db "
                                "--replay '%s' --tty --commands continue", tok);
    char *step = cli(args, &st);
    CU_ASSERT_PTR_NOT_NULL(strstr(step, "  |     put 0\n  |     put 1\n  |     get 0\n"));
    free(step);
    free(tok);
    free(out);
    out = cli("explore traces/explore/traceback_tty.py --tty --show 30", &st);
    CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, "\n1000 schedules, 10 distinct outcomes; ") : NULL);
    CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, "     |   File \"traces/explore/traceback_tty.py\", "
                                             "line 11, in bad\n     | good thread ran\n     |     "
                                             "raise RuntimeError(\"thread blew up\")\n")
                               : NULL);
    free(out);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The outcomes of an explore --json report, each "EXIT|OUTPUT" (the
 * output as JSON spells it), sorted, one per line. */
static char *outcome_set(const char *json)
{
    char *lines[512];
    size_t n = 0;
    for (const char *p = json; n < 512 && (p = strstr(p, "\"exit\": ")); ) {
        int ex = atoi(p + 8);
        const char *o = strstr(p, "\"output\": \"");
        if (!o)
            break;
        o += 11;
        const char *e = o;
        while (*e && !(*e == '"' && e[-1] != '\\'))
            e++;
        char *l = malloc((size_t)(e - o) + 16);
        sprintf(l, "%d|%.*s", ex, (int)(e - o), o);
        lines[n++] = l;
        p = e;
    }
    qsort(lines, n, sizeof *lines, cmp_str);
    sim_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        if (!i || strcmp(lines[i], lines[i - 1]) != 0) {
            sim_buf_adds(&b, lines[i]);
            sim_buf_addc(&b, '\n');
        }
    }
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    return b.p ? sim_buf_take(&b) : strdup("");
}

/* dpor sharded: each shard exhausts its part (the subtrees off the FIFO
 * run's decisions it owns, those decisions tried in full), and together
 * they find exactly the outcomes dpor alone finds, in at least as many
 * schedules (dpor_hidden_race: an outcome whose first decision dpor learns
 * only below another choice there) */
static void test_dpor_shards(void)
{
    static const char *const progs[] = {"traces/explore/two_locks.py",
                                        "traces/explore/dpor_lock_log.py",
                                        "traces/explore/dpor_one_step.py",
                                        "traces/explore/dpor_hidden_race.py"};
    for (size_t i = 0; i < sizeof progs / sizeof progs[0]; i++) {
        char args[512];
        int st;
        snprintf(args, sizeof args, "explore %s --strategy dpor --json", progs[i]);
        char *whole = cli(args, &st);
        CU_ASSERT_EQUAL(st, 0);
        char *want = outcome_set(whole);
        CU_ASSERT(strlen(want) > 0);
        unsigned long wsched = strtoul(strstr(whole, "\"schedules\": ") + 13, NULL, 10);
        sim_buf all = {0};
        unsigned long total = 0;
        for (int k = 1; k <= 3; k++) {
            snprintf(args, sizeof args, "explore %s --strategy dpor --shard %d/3 --json", progs[i], k);
            char *part = cli(args, &st);
            CU_ASSERT_EQUAL(st, 0);
            CU_ASSERT_PTR_NOT_NULL(strstr(part, "\"exhausted\": true"));
            const char *sc = strstr(part, "\"schedules\": ");
            total += sc ? strtoul(sc + 13, NULL, 10) : 0;
            sim_buf_adds(&all, part);
            free(part);
        }
        char *got = outcome_set(sim_buf_str(&all));
        if (strcmp(got, want) != 0)
            fprintf(stderr, "\n%s: shards found\n%s\ndpor alone\n%s\n", progs[i], got, want);
        CU_ASSERT_STRING_EQUAL(got, want);
        CU_ASSERT(total >= wsched);
        free(got);
        free(want);
        sim_buf_free(&all);
        free(whole);
    }
}

/* 4 shards run side by side by GNU parallel, merged: the same outcomes and
 * counts as one unsharded run; stored, listed and shown again */
static void test_shards_under_parallel_and_merge(void)
{
    char dir[] = "/tmp/ts-explore-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char cmd[4096];
    int st;
    snprintf(cmd, sizeof cmd,
             "cd " SRC " && parallel --will-cite -j 4 'env -u PYTHONUNBUFFERED " THREADSIM_BINARY
             " explore traces/explore/lost_update_assert.py --strategy dfs --preemptions 2"
             " --shard {}/4 --db %s/s{}.db --json > /dev/null 2>&1' ::: 1 2 3 4 && " THREADSIM_BINARY
             " merge %s/s1.db %s/s2.db %s/s3.db %s/s4.db -o %s/all.db 2>&1",
             dir, dir, dir, dir, dir, dir);
    char *out = ts_capture(cmd, &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "merged 4 of 4 shards of traces/explore/lost_update_assert.py: "
                                       "4114 schedules, 4 distinct outcomes; exhausted"));
    free(out);
    snprintf(cmd, sizeof cmd, "cd " SRC " && " THREADSIM_BINARY " show exploration last --json --db %s/all.db",
             dir);
    char *merged = ts_capture(cmd, &st);
    CU_ASSERT_EQUAL(st, 0);
    char *whole = cli("explore traces/explore/lost_update_assert.py --strategy dfs --preemptions 2 --json --no-db",
                      &st);
    /* the same outcomes with the same counts (their first schedules are
     * numbered shard after shard in the merge) */
    static const char *const counts[] = {"{\"count\": 3034, ", "{\"count\": 600, ",
                                         "{\"count\": 240, "};
    for (size_t i = 0; i < 3; i++) {
        CU_ASSERT_PTR_NOT_NULL(strstr(merged, counts[i]));
        CU_ASSERT_PTR_NOT_NULL(strstr(whole, counts[i]));
    }
    static const char *const outs[] = {"AssertionError: 3\\n", "AssertionError: 4\\n",
                                       "AssertionError: 5\\n", "\"output\": \"ok 6\\n\""};
    for (size_t i = 0; i < 4; i++) {
        CU_ASSERT_PTR_NOT_NULL(strstr(merged, outs[i]));
        CU_ASSERT_PTR_NOT_NULL(strstr(whole, outs[i]));
    }
    free(whole);
    free(merged);
    /* a shard given twice, and a different exploration, are refused */
    snprintf(cmd, sizeof cmd, "cd " SRC " && " THREADSIM_BINARY " merge %s/s1.db %s/s1.db -o %s/x.db 2>&1",
             dir, dir, dir);
    out = ts_capture(cmd, &st);
    CU_ASSERT_EQUAL(st, 125);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "given twice"));
    free(out);
    snprintf(cmd, sizeof cmd,
             "cd " SRC " && " THREADSIM_BINARY " explore traces/explore/two_locks.py --strategy dfs"
             " --shard 2/4 --db %s/other.db >/dev/null 2>&1; " THREADSIM_BINARY
             " merge %s/s1.db %s/other.db -o %s/x.db 2>&1",
             dir, dir, dir, dir);
    out = ts_capture(cmd, &st);
    CU_ASSERT_EQUAL(st, 125);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "not one exploration"));
    free(out);
    snprintf(cmd, sizeof cmd, "cd " SRC " && " THREADSIM_BINARY " explorations --db %s/all.db", dir);
    out = ts_capture(cmd, &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "traces/explore/lost_update_assert.py"));
    free(out);
    CU_ASSERT_EQUAL(ts_remove_tree(dir), 0);
}

/* --invariant: checked at the end of every schedule; the output is the
 * same "done\n" either way, the invariant tells the outcomes apart */
static void test_invariant(void)
{
    int st;
    char *out = cli("explore traces/explore/counter_invariant.py --strategy dfs --preemptions 1 "
                    "--invariant 'counter == 6' --fail-on invariant",
                    &st);
    CU_ASSERT_EQUAL(st, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "FAILS: invariant\n     invariant counter == 6 is false"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "fail-on invariant: 1 failing outcome"));
    free(out);
    out = cli("explore traces/explore/counter_invariant.py --strategy dfs --preemptions 1 "
              "--invariant 'undefined_name' --fail-on invariant",
              &st);
    CU_ASSERT_EQUAL(st, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "invariant undefined_name raised NameError: name "
                                       "'undefined_name' is not defined"));
    free(out);
    out = cli("explore traces/explore/counter_invariant.py --strategy dfs --preemptions 0 "
              "--invariant 'counter == 6' --fail-on invariant",
              &st);
    CU_ASSERT_EQUAL(st, 0);
    free(out);
}

/* each outcome's representative run is stored in full: `replay` reproduces
 * it from its schedule (timer choices too), `show` prints it */
static void test_representatives_replay(void)
{
    char dir[] = "/tmp/ts-xrep-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char cmd[2048];
    int st;
    snprintf(cmd, sizeof cmd, "cd " SRC " && env -u PYTHONUNBUFFERED " THREADSIM_BINARY
             " explore traces/explore/join_timeout_tie.py --strategy dfs --preemptions 0 --db %s/x.db 2>/dev/null",
             dir);
    char *out = ts_capture(cmd, &st);
    CU_ASSERT_EQUAL(st, 0);
    const char *p = strstr(out, "alive after join(3.0): True");
    p = p ? strstr(p, "stored as run ") : NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    long id = atol(p + strlen("stored as run "));
    snprintf(cmd, sizeof cmd, "cd " SRC " && env -u PYTHONUNBUFFERED " THREADSIM_BINARY
             " replay %ld --db %s/x.db 2>&1; " THREADSIM_BINARY " show %ld --db %s/x.db 2>&1",
             id, dir, id, dir);
    char *rep = ts_capture(cmd, &st);
    CU_ASSERT_PTR_NOT_NULL(strstr(rep, "is identical"));
    CU_ASSERT_PTR_NOT_NULL(strstr(rep, "alive after join(3.0): True\nworker finished\n"));
    free(rep);
    free(out);
    CU_ASSERT_EQUAL(ts_remove_tree(dir), 0);
}

/* A schedule prints the same wherever it runs, addresses too: id(), a
 * default repr, the order of a set of objects (as_completed's). Each
 * outcome of three strategies (and random under --choices line and cpython)
 * replays in the stepper to its output, byte for byte
 * (tests/explore_replays.py). The stepper's line notes, dpor's
 * access notes and the explorer's filter once made objects of their own
 * (frame objects, a code object's bytes, locals dicts) or traced other
 * frames, and every later object moved: the stepper printed [4, 0, 1, ...]
 * for a schedule the explorer reported as [0, 4, 1, ...]. */
static void test_replays_print_the_same_addresses(void)
{
    static const char *const strategies[][2] = {{"dfs --preemptions 1", "program"},
                                                {"dpor --schedules 300", "program"},
                                                {"random --schedules 40", "program"},
                                                {"random --schedules 15", "line"},
                                                {"random --schedules 15", "cpython"}};
    for (size_t i = 0; i < sizeof strategies / sizeof strategies[0]; i++) {
        char cmd[2048];
        snprintf(cmd, sizeof cmd,
                 "cd " SRC " && env -u PYTHONUNBUFFERED " THREADSIM_BINARY
                 " explore traces/explore/addresses.py --strategy %s --choices %s --no-db --json "
                 "2>/dev/null | env -u PYTHONUNBUFFERED python3 tests/explore_replays.py "
                 THREADSIM_BINARY " traces/explore/addresses.py %s 2>&1",
                 strategies[i][0], strategies[i][1], strategies[i][1]);
        int st;
        char *out = ts_capture(cmd, &st);
        CU_ASSERT_EQUAL(st, 0);
        const char *last = out ? strstr(out, "replayed ") : NULL;
        CU_ASSERT_PTR_NOT_NULL(last);
        if (st != 0 || !last)
            fprintf(stderr, "\n%s --choices %s: %s\n", strategies[i][0], strategies[i][1],
                    out ? out : "(nothing)");
        free(out);
    }
}

/* the teaching page (export --explore): self-contained, every outcome on
 * it, and in headless Chromium real clicks on "who runs next" lead to the
 * outcome asked for (tests/explore_page_clicks.js drives it) */
static void test_teaching_page_clicks(void)
{
    char dir[] = "/tmp/ts-xpage-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char cmd[2048];
    int st;
    snprintf(cmd, sizeof cmd, "cd " SRC " && env -u PYTHONUNBUFFERED " THREADSIM_BINARY
             " export traces/explore/two_locks.py --format html --explore --preemptions 1"
             " > %s/page.html 2>/dev/null",
             dir);
    free(ts_capture(cmd, &st));
    CU_ASSERT_EQUAL(st, 0);
    snprintf(cmd, sizeof cmd, "%s/page.html", dir);
    char *page = ts_read_file(cmd, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(page);
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "traces/explore/two_locks.py can print 2 different things</h1>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "fails: deadlock"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "<span>switch to MainThread</span>"));
    CU_ASSERT_PTR_NULL(strstr(page, "http://"));
    CU_ASSERT_PTR_NULL(strstr(page, "https://"));
    free(page);
    for (int target = 1; target <= 2; target++) {
        snprintf(cmd, sizeof cmd, "cd " SRC " && timeout 120 node tests/explore_page_clicks.js chromium "
                 "%s/page.html %d 2>&1", dir, target);
        char *out = ts_capture(cmd, &st);
        CU_ASSERT_EQUAL(st, 0);
        CU_ASSERT_PTR_NOT_NULL(strstr(out, "click: "));
        const char *want = target == 2 ? "ended: The program ended: outcome #2, exit status 126 (deadlock)"
                                       : "ended: The program ended: outcome #1, exit status 0\n"
                                         "printed: \"done\\n\"";
        CU_ASSERT_PTR_NOT_NULL(strstr(out, want));
        CU_ASSERT_PTR_NOT_NULL(strstr(out, "after start over: Decision 1:"));
        if (st != 0)
            fprintf(stderr, "\n%s\n", out);
        free(out);
    }
    CU_ASSERT_EQUAL(ts_remove_tree(dir), 0);
}

/* Output that is markup stays text on the teaching page: every '<' of the
 * embedded outputs is \u003c (traces/explore/markup_output.py) */
static void test_teaching_page_markup_output(void)
{
    int st;
    char *page = ts_capture("cd " SRC " && env -u PYTHONUNBUFFERED " THREADSIM_BINARY
                            " export traces/explore/markup_output.py --format html --explore "
                            "--preemptions 1 2>/dev/null", &st);
    CU_ASSERT_EQUAL(st, 0);
    size_t scripts = 0;
    for (const char *p = page; (p = strstr(p, "<script")) != NULL; p++)
        scripts++;
    CU_ASSERT_EQUAL(scripts, 2); /* the page's own two */
    CU_ASSERT_PTR_NULL(strstr(page, "<!--"));
    CU_ASSERT_PTR_NULL(strstr(page, "<\\//"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "a\\u003c/b>c\\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "\\u003c/script>\\u003cscript>alert(1)"));
    free(page);
}

/* the schedules, and whether each "output" of `sub` is one of `all`'s */
static uint64_t json_schedules(const char *j)
{
    const char *p = strstr(j, "\"schedules\": ");
    return p ? strtoull(p + 13, NULL, 10) : 0;
}

static size_t json_outputs(const char *j)
{
    size_t n = 0;
    for (const char *p = j; (p = strstr(p, "\"output\": \"")) != NULL; p++)
        n++;
    return n;
}

static bool json_outputs_within(const char *sub, const char *all)
{
    for (const char *p = sub; (p = strstr(p, "\"output\": \"")) != NULL; p++) {
        const char *e = strstr(p, "\", \"token\"");
        if (!e)
            return false;
        char *one = strndup(p, (size_t)(e - p) + 2);
        bool in = strstr(all, one) != NULL;
        free(one);
        if (!in)
            return false;
    }
    return true;
}

/* dpor: the outcomes of exhaustive dfs, from fewer schedules, and a proof
 * at every number of preemptions (dfs's bound here is 2, to keep the
 * suite short). Two threads touching nothing in common: one outcome, from
 * far fewer schedules than dfs runs (32 against 382; 1274 for bound 3).
 * Two threads logging under a lock and printing: the
 * four outcomes dfs finds (124 schedules against 824 for dfs's bound of 2).
 * Two locks taken in opposite orders: the deadlock (44 against 1060 for
 * bound 2). Two
 * appends with no decision between them (one thread blocked, the other ran
 * on): both orders. A lost update: every outcome dfs finds with one
 * preemption. Each asserts dpor's outcomes contain dfs's. The five
 * programs after it are what a corpus of explore runs found dpor (and for
 * the last two, dfs too) missing against python3.11's outputs: dfs's
 * outcomes (bound 2) against dpor's, which found 2 of 2, 5 of 5, 8 of 8
 * (dfs: 6), 6 of 6, 6 of 6 from 36, 12, 46, 172 and 496 schedules (dfs
 * 166, 28, 62, 478, 1486); and a race whose later thread sleeps at the
 * earlier decision (dpor_sleeping_racer.py: 6 of 6 from 1152; dfs 15874);
 * a `for` over a shared iterator and next() of a shared generator (4 of 4
 * each from 340 and 120; dfs 1134 and 1064; dpor had found 1 and 2). */
static void test_dpor(void)
{
    static const struct {
        const char *prog;
        int bound;
        bool exhausts;
        int outcomes;  /* dpor's, when exhausted */
        bool fewer;    /* fewer schedules than dfs */
    } cases[] = {
        {"traces/explore/dpor_independent.py", 2, true, 1, true},
        {"traces/explore/dpor_lock_log.py", 2, true, 4, true},
        {"traces/explore/two_locks.py", 2, true, 2, true},
        {"traces/explore/dpor_one_step.py", 2, true, 2, false},
        {"traces/explore/lost_update_assert.py --schedules 300", 1, false, 0, false},
        /* what a first dpor missed (explore.c, cpy_io.c, cpy_thread.c): a
         * lock acquire that only waits and times out; truth tests, `in`
         * and iteration as reads; the process's end killing a daemon
         * (-u: "m\nd" with the daemon's newline never written); sleepers
         * due at one instant interleaving; a write after print's argument
         * under -u ("2\n1\n"); a race asking for a sleeping thread */
        {"traces/explore/dpor_lock_timeout.py", 2, true, 2, true},
        {"traces/explore/dpor_truth_test.py", 2, true, 5, false},
        {"traces/explore/dpor_daemon_exit.py -u", 2, true, 8, false},
        {"traces/explore/timers_interleave.py", 2, true, 6, false},
        {"traces/explore/print_args_u.py -u", 2, true, 6, false},
        {"traces/explore/dpor_sleeping_racer.py", 2, true, 6, true},
        /* a shared iterator's `for` step moves it (a write); a step in a
         * generator's frame runs the generator (next() elsewhere raises) */
        {"traces/explore/dpor_shared_iterator.py", 2, true, 4, true},
        {"traces/explore/dpor_shared_generator.py", 2, true, 4, true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char args[512];
        int st;
        snprintf(args, sizeof args, "explore %s --strategy dpor --json", cases[i].prog);
        char *dpor = cli(args, &st);
        snprintf(args, sizeof args, "explore %s --strategy dfs --preemptions %d --json",
                 cases[i].prog, cases[i].bound);
        char *dfs = cli(args, &st);
        CU_ASSERT_PTR_NOT_NULL_FATAL(strstr(dfs, "\"outcomes\""));
        CU_ASSERT_PTR_NOT_NULL_FATAL(strstr(dpor, "\"outcomes\""));
        CU_ASSERT_TRUE(json_outputs_within(dfs, dpor));
        if (cases[i].exhausts) {
            CU_ASSERT_PTR_NOT_NULL(strstr(dpor, "\"exhausted\": true"));
            CU_ASSERT_EQUAL(json_outputs(dpor), (size_t)cases[i].outcomes);
        }
        if (cases[i].fewer)
            CU_ASSERT_TRUE(json_schedules(dpor) * 3 < json_schedules(dfs));
        free(dpor);
        free(dfs);
    }
}

/* --choices cpython: a switch only where CPython 3.11 can make one (its
 * eval-breaker checks). Of cpython_points.py's eight read-then-write
 * windows, exhaustive dfs within one preemption loses an update in exactly
 * the five python3.11 loses them in (a Python function's entry, a C call,
 * a with statement's exit, the library's Python code, a generator's
 * resumption), never in the three it cannot (computing, len, isinstance);
 * --choices program, which switches between any two lines, loses all
 * eight. A lost update's token replays in the stepper with the same
 * choices, and its stored run replays identically. */
static void test_cpython_points(void)
{
    static const char *const keys[] = {"plain", "len", "isinstance", "pycall", "ccall",
                                       "with", "library", "generator"};
    const bool switches[] = {false, false, false, true, true, true, true, true};
    char dir[] = "/tmp/ts-xcp-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char args[1024];
    int st;
    snprintf(args, sizeof args, "explore traces/explore/cpython_points.py --strategy dfs "
                                "--preemptions 1 --choices cpython --show 100 --db %s/x.db", dir);
    char *cp = cli(args, &st);
    CU_ASSERT_EQUAL(st, 0);
    char *prog = cli("explore traces/explore/cpython_points.py --strategy dfs --preemptions 1 "
                     "--choices program --show 100", &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cp);
    CU_ASSERT_PTR_NOT_NULL_FATAL(prog);
    CU_ASSERT_PTR_NOT_NULL(strstr(cp, "6 distinct outcomes; exhausted"));
    CU_ASSERT_PTR_NOT_NULL(strstr(prog, "9 distinct outcomes; exhausted"));
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        char lost[64];
        snprintf(lost, sizeof lost, " %s=1 ", keys[i]);
        /* the line is "| plain=2 len=2 ... generator=2": each key between spaces */
        char *line_cp = NULL, *line_prog = NULL;
        for (const char *p = cp; (p = strstr(p, "     | ")); p++) {
            char buf[256];
            snprintf(buf, sizeof buf, " %.*s ", (int)strcspn(p + 7, "\n"), p + 7);
            if (strstr(buf, lost))
                line_cp = (char *)p;
        }
        for (const char *p = prog; (p = strstr(p, "     | ")); p++) {
            char buf[256];
            snprintf(buf, sizeof buf, " %.*s ", (int)strcspn(p + 7, "\n"), p + 7);
            if (strstr(buf, lost))
                line_prog = (char *)p;
        }
        if ((line_cp != NULL) != switches[i])
            fprintf(stderr, "\n  --choices cpython: %s %s\n", keys[i],
                    switches[i] ? "never lost" : "lost");
        CU_ASSERT_EQUAL(line_cp != NULL, switches[i]);
        CU_ASSERT_PTR_NOT_NULL(line_prog);
    }
    /* the token of the update lost at the library's call, in the stepper */
    const char *p = strstr(cp, "library=1");
    p = p ? strstr(p, "--replay '") : NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_PTR_NOT_NULL(strstr(cp, "replay: threadsim step traces/explore/cpython_points.py "
                                      "--choices cpython --replay '"));
    p += strlen("--replay '");
    char *tok = strndup(p, strcspn(p, "'"));
    snprintf(args, sizeof args, "step traces/explore/cpython_points.py --choices cpython --no-db "
                                "--replay '%s' --commands continue", tok);
    char *step = cli(args, &st);
    CU_ASSERT_PTR_NOT_NULL(strstr(step, "library=1 generator=2"));
    CU_ASSERT_PTR_NOT_NULL(strstr(step, "exit status 0"));
    /* the token says where its choices were (version 3): followed so
     * untold, and another --choices, whose path would be another
     * schedule, is refused */
    CU_ASSERT_EQUAL(ts_step_token_choices(tok), TS_CHOICES_CPYTHON);
    snprintf(args, sizeof args, "step --no-db --replay '%s' --commands continue", tok);
    char *untold = cli(args, &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(untold, "library=1 generator=2"));
    free(untold);
    char cmd2[1024];
    snprintf(cmd2, sizeof cmd2, "cd " SRC " && " THREADSIM_BINARY " step --choices program "
             "--no-db --replay '%s' --commands continue 2>&1", tok);
    char *other = ts_capture(cmd2, &st);
    CU_ASSERT_EQUAL(st, 125);
    CU_ASSERT_PTR_NOT_NULL(strstr(other, "the replay token was made with --choices cpython, not "
                                         "program"));
    free(other);
    /* the schedule of no choice is the default one */
    CU_ASSERT_PTR_NOT_NULL(strstr(cp, "generator=2\n     replay: the default schedule "
                                      "(threadsim run traces/explore/cpython_points.py; with the same addresses: "
                                      "threadsim step "
                                      "traces/explore/cpython_points.py --choices cpython --replay '"));
    free(step);
    free(tok);
    /* the stored representative runs replay identically, whatever the
     * replaying shell's PYTHONUNBUFFERED says: the runs were explored
     * buffered, and a replay runs the recorded run's options; and a run
     * recorded under PYTHONUNBUFFERED=1 (its prints' pieces separate
     * writes) replays identically without it */
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cd " SRC " && env -u PYTHONUNBUFFERED " THREADSIM_BINARY
             " replay 1 --db %s/x.db 2>&1 && for i in 2 3 4 5 6; do PYTHONUNBUFFERED=1 "
             THREADSIM_BINARY " replay $i --db %s/x.db 2>&1 || exit 1; done && "
             "PYTHONUNBUFFERED=1 " THREADSIM_BINARY " run traces/explore/cpython_points.py "
             "--db %s/x.db >/dev/null 2>&1 && env -u PYTHONUNBUFFERED " THREADSIM_BINARY
             " replay last --db %s/x.db 2>&1", dir, dir, dir, dir);
    char *rep = ts_capture(cmd, &st);
    CU_ASSERT_EQUAL(st, 0);
    int same = 0;
    for (const char *q = rep; (q = strstr(q, "is identical")); q++)
        same++;
    if (st != 0 || same != 7)
        fprintf(stderr, "\n  replays (status %d):\n%.6000s\n", st, rep);
    CU_ASSERT_EQUAL(same, 7);
    free(rep);
    free(prog);
    free(cp);
    CU_ASSERT_EQUAL(ts_remove_tree(dir), 0);
}

/* Under --choices cpython every call of the program's goes through the
 * engine (model/cpy/ticks.py): cpython_rewrite.py prints exactly what
 * python3.11 printed (cpython_rewrite.out) on every schedule: 150 random
 * ones (its recursions make thousands of choices: dfs within one
 * preemption would run 57,000 schedules) give one outcome, and it is the
 * file. */
static void test_cpython_rewrite_reads_as_written(void)
{
    int st;
    char *all = cli("explore traces/explore/cpython_rewrite.py --choices cpython --schedules 150",
                    &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(all ? strstr(all, "150 schedules, 1 distinct outcome; ") : NULL);
    char *goal = cli("explore traces/explore/cpython_rewrite.py --choices cpython --goal "
                     "traces/explore/cpython_rewrite.out", &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(goal ? strstr(goal, "goal traces/explore/cpython_rewrite.out: found")
                                : NULL);
    free(goal);
    free(all);
}

/* A check-then-act race (check_then_act.py): the explanation names the
 * balance, read by the other thread while the first was switched out and
 * written by the first after, before the lock both went for; dfs and dpor
 * alike. */
static void test_check_then_act_explained(void)
{
    static const char *const strategies[] = {"dfs --preemptions 1", "dpor"};
    for (size_t i = 0; i < 2; i++) {
        char args[256];
        int st;
        snprintf(args, sizeof args, "explore traces/explore/check_then_act.py --strategy %s "
                                    "--fail-on exception", strategies[i]);
        char *out = cli(args, &st);
        CU_ASSERT_EQUAL(st, 1);
        const char *data = out ? strstr(out, "       conflict on balance: Thread-2 (withdraw) read it "
                                             "(line 14), then Thread-1 (withdraw) wrote it (line 16)\n")
                               : NULL;
        const char *lock = out ? strstr(out, "       conflict on lock: ") : NULL;
        CU_ASSERT_PTR_NOT_NULL(data);
        CU_ASSERT_TRUE(data && lock && data < lock);
        free(out);
    }
}

/* A schedule that ends with sys.exit(3) (main exits before its thread ran)
 * fails as `exit` (it is no uncaught exception to CPython either): found,
 * shrunk, matched by --fail-on exit and by any, not by exception. */
static void test_fail_on_exit(void)
{
    static const char *const prog = "traces/explore/exit_status.py";
    char args[256];
    int st;
    snprintf(args, sizeof args, "explore %s --fail-on exit", prog);
    char *out = cli(args, &st);
    CU_ASSERT_EQUAL(st, 1);
    CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, "fewest preemptions 1), exit 3, FAILS: exit\n") : NULL);
    CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, "fail-on exit: 1 failing outcome") : NULL);
    free(out);
    snprintf(args, sizeof args, "explore %s --fail-on any", prog);
    out = cli(args, &st);
    CU_ASSERT_EQUAL(st, 1);
    free(out);
    snprintf(args, sizeof args, "explore %s --fail-on exception", prog);
    out = cli(args, &st);
    CU_ASSERT_EQUAL(st, 0);
    free(out);
}

/* threadsim's own failure in a schedule (its run's process faulted: made
 * so by THREADSIM_TEST_ENGINE_FAULT, as a bug of threadsim's would) is an
 * outcome of its own kind, "engine": it fails the exploration (exit 1)
 * with or without --fail-on, is said to be threadsim's, and is not
 * shrunk. It showed as "FAILS: exit", which only --fail-on exit or any
 * noticed. */
static void test_engine_failure_is_its_own(void)
{
    static const char *const cases[] = {
        "explore traces/py3/race/lost_update.py --schedules 5",
        "explore traces/py3/race/lost_update.py --schedules 5 --fail-on exception",
        "explore traces/py3/race/lost_update.py --schedules 5 --json",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int st;
        char cmd[512];
        snprintf(cmd, sizeof cmd, "cd " SRC " && env -u PYTHONUNBUFFERED "
                 "THREADSIM_TEST_ENGINE_FAULT=1 " THREADSIM_BINARY " %s --no-db 2>/dev/null",
                 cases[i]);
        char *out = ts_capture(cmd, &st);
        CU_ASSERT_EQUAL(st, 1);
        if (i == 0) {
            CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, "exit 127, FAILS: engine\n     threadsim's "
                                                     "own failure, not the program's") : NULL);
            CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, "threadsim failed in 1 outcome (FAILS: "
                                                     "engine)") : NULL);
        } else if (i == 1) {
            CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, "fail-on exception: 1 failing outcome")
                                       : NULL);
        } else {
            CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, "\"failure\": \"engine\"") : NULL);
        }
        free(out);
    }
}

/* Schedules of 80,000 decisions (traces/explore/long_prefix.py), run
 * after run by one runner: each prefix passed 128 KiB, glibc's malloc
 * mapped it on its own, and the reset left the snapshot's prefix unmapped
 * (a free and a new mapping of the same size: the sizes the layout watch
 * compares did not change). The next run's free of it faulted: the
 * runner died before its run ("the Python engine faulted"), and dpor on a
 * program of the same kind hung. Every schedule is counted, no fault. */
static void test_long_prefixes(void)
{
    static const char *const strategies[] = {"dfs --preemptions 1 --schedules 10",
                                             "dpor --schedules 10"};
    for (size_t i = 0; i < sizeof strategies / sizeof *strategies; i++) {
        int st;
        char cmd[512];
        snprintf(cmd, sizeof cmd, "cd " SRC " && env -u PYTHONUNBUFFERED " THREADSIM_BINARY
                 " explore traces/explore/long_prefix.py --strategy %s --no-db 2>&1",
                 strategies[i]);
        char *out = ts_capture(cmd, &st);
        CU_ASSERT_EQUAL(st, 0);
        CU_ASSERT_PTR_NULL(out ? strstr(out, "internal error") : "");
        CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, i == 0 ? "9 schedules, 2 distinct outcomes"
                                                        : "10 schedules, ")
                                   : NULL);
        free(out);
    }
}

/* Reading the object a thread waits on (for the wait's report) runs
 * none of the program's code (traces/explore/getattr_wait.py): through
 * getattr it ran SimpleQueue's __getattr__ inside a lock's acquire, whose
 * lines were choices after the acquire had seen the lock held, and two
 * SimpleQueue workers deadlocked in about half the schedules of
 * --choices line (no CPython run does). Every schedule prints python3's. */
static void test_wait_report_runs_no_code(void)
{
    int st;
    char *out = cli("explore traces/explore/getattr_wait.py --choices line --schedules 300", &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, "300 schedules, 1 distinct outcome; ") : NULL);
    CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, "     | taken\n     | []\n     | done\n") : NULL);
    free(out);
}

/* Random schedules run at switch rates of their own: one of two queue
 * consumers taking every item (python3's output in a third of its runs,
 * which needs the consumer to run ~40 lines in a row) is among the default
 * exploration's outcomes, beside the uniform walk's (2/2: a switch at
 * nearly every line); a uniform walk at every schedule never found it. */
static void test_random_switch_rates(void)
{
    int st;
    char *out = cli("explore traces/explore/queue_consumers.py", &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, "\n     | {'a': 0, 'b': 4}\n") : NULL);
    CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, "\n     | {'a': 4, 'b': 0}\n") : NULL);
    CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, "\n     | {'a': 2, 'b': 2}\n") : NULL);
    free(out);
}

/* A random search cut short says what it likely missed, from its counts:
 * f1 outcomes seen once in N schedules, f1/N the share of further schedules
 * that would print a new one (Good-Turing), S + f1(f1-1)/(2(f2+1)) the
 * outcomes it reaches in all (Chao1). The numbers printed are recomputed
 * here from the outcomes listed in full; a search whose every outcome came
 * twice or more says so; an exhausted dfs prints no estimate; --json gives
 * the counts. */
static void test_coverage_estimate(void)
{
    int st;
    char *out = cli("explore traces/py3/race/lost_update.py --schedules 300 --show 100000 "
                    "--no-db", &st);
    CU_ASSERT_EQUAL(st, 0);
    size_t nout = 0, f1 = 0, f2 = 0;
    for (const char *p = out; p && (p = strstr(p, " schedule")); p++) {
        const char *b = p;
        while (b > out && b[-1] >= '0' && b[-1] <= '9')
            b--;
        if (b == p || b - out < 2 || b[-1] != ' ' || b[-2] != '.')
            continue; /* "  7. 12 schedules (first #..." is an outcome's head */
        unsigned long c = strtoul(b, NULL, 10);
        nout++;
        f1 += c == 1;
        f2 += c == 2;
    }
    CU_ASSERT(f1 > 1);
    char want[512];
    double chao = (double)nout + (double)f1 * (double)(f1 - 1) / (2.0 * (double)(f2 + 1));
    snprintf(want, sizeof want, "\n300 schedules, %zu distinct outcomes; not exhausted: %zu seen "
             "only once, so about %.2g%% of further schedules would print one not seen yet "
             "(Good-Turing estimate), and this strategy reaches at least about %.0f (Chao1 "
             "estimate); --schedules N runs more\n", nout, f1, 100.0 * (double)f1 / 300.0, chao);
    CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, want) : NULL);
    if (out && !strstr(out, want))
        fprintf(stderr, "\nwanted: %s\ngot: %.600s\n", want, out);
    free(out);
    out = cli("explore traces/py3/create/args.py --no-db", &st);
    CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, "\n1000 schedules, 4 distinct outcomes; each seen at "
                                             "least twice: a schedule that prints something new is "
                                             "rare for this strategy (Good-Turing: under 1 in "
                                             "1000); only dfs or dpor, exhausted, proves there is "
                                             "none\n") : NULL);
    free(out);
    out = cli("explore traces/py3/create/args.py --strategy dfs --no-db", &st);
    CU_ASSERT_PTR_NULL(out ? strstr(out, "Good-Turing") : "");
    CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, "; exhausted: every schedule with at most") : NULL);
    free(out);
    /* the teaching page says it too */
    out = cli("explore traces/py3/race/lost_update.py --schedules 300 --html - --no-db", &st);
    snprintf(want, sizeof want, "<p>Of the outcomes, %zu seen only once, so about %.2g%% of "
             "further schedules would print one not seen yet", f1, 100.0 * (double)f1 / 300.0);
    CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, want) : NULL);
    free(out);
    out = cli("explore traces/py3/race/lost_update.py --schedules 300 --json --no-db", &st);
    char js[64];
    snprintf(js, sizeof js, "], \"seen_once\": %zu, \"seen_twice\": %zu}\n", f1, f2);
    CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, js) : NULL);
    free(out);
}

/* Timers a microsecond apart fire in either order by default (--jitter's
 * default, 1 us): an asyncio loop's sleep(0.1) wakes a microsecond after
 * two to_thread sleeps of 0.1 s (the loop's polls take their microsecond
 * each), and "C1 done in loop" first, as python3 prints it in 13 of 30
 * runs, was never found; with --jitter 0 it still is not. */
static void test_default_jitter(void)
{
    static const char first[] = "exit 0\n     | C1 done in loop\n";
    int st;
    char *out = cli("explore traces/explore/asyncio_threads_tie.py --schedules 300", &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, "300 schedules, 6 distinct outcomes; ") : NULL);
    CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, first) : NULL);
    free(out);
    out = cli("explore traces/explore/asyncio_threads_tie.py --schedules 300 --jitter 0", &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, "300 schedules, 4 distinct outcomes; ") : NULL);
    CU_ASSERT_PTR_NULL(out ? strstr(out, first) : "");
    free(out);
}

/* Under --jitter a ready thread is put off by at most the jitter each time
 * it waits to run (traces/explore/jitter_spin_flag.py: a spinner sleeping
 * 0.4 ms at a time, a setter waking after 1 ms, --jitter 0.001): dpor
 * exhausts (870 schedules), and the spinner never counts past 14 (each
 * of main's lines before the setter sleeps may wait too). The jitter was each
 * decision's now's: the ready setter could be passed over behind the
 * spinner's wake-ups for good, and dpor never ended. */
static void test_jitter_bounded(void)
{
    int st;
    char *out = cli("explore traces/explore/jitter_spin_flag.py --jitter 0.001 --strategy dpor "
                    "--show 100", &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, "distinct outcomes; exhausted") : NULL);
    int outcomes = 0, most = -1;
    for (const char *p = out; p && (p = strstr(p, "\n     | ")) != NULL; p++) {
        int n = atoi(p + 8);
        most = n > most ? n : most;
        outcomes++;
    }
    CU_ASSERT_TRUE(outcomes >= 3);
    CU_ASSERT_TRUE(most >= 3 && most <= 20);
    free(out);
}

/* A look at a lock that does not wait for its release (locked(), a try)
 * conflicts with the release (traces/explore/dpor_lock_looks.py): dpor
 * took releases for no access, and under --choices line an exhausted dpor
 * missed the look made between another thread's acquire and release
 * ("t2" then "t1 True"; "t2" then "t1 False" for the try), which dfs
 * finds (44,758 and 40,600 schedules at 2 preemptions). Releases commute
 * with each other: the default choices' counts are what they were. */
static void test_dpor_lock_looks(void)
{
    static const struct {
        const char *args, *missed;
    } cases[] = {{"", "     | t2\n     | t1 True\n"}, {" -- try", "     | t2\n     | t1 False\n"}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char args[256];
        int st;
        snprintf(args, sizeof args, "explore traces/explore/dpor_lock_looks.py --strategy dpor "
                 "--choices line%s", cases[i].args);
        char *out = cli(args, &st);
        CU_ASSERT_EQUAL(st, 0);
        CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, " schedules, 4 distinct outcomes; exhausted") : NULL);
        CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, cases[i].missed) : NULL);
        free(out);
    }
    int st;
    char *out = cli("explore traces/explore/two_locks.py --strategy dpor", &st);
    CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, "44 schedules, 2 distinct outcomes; exhausted") : NULL);
    free(out);
}

/* A thread whose switch interval runs out while another is ready gives
 * way to one of the others (CPython's forced switching), not to itself
 * (traces/explore/spin_wait_flag.py): random, PCT and dfs found a "limit"
 * outcome, the spinner taking the GIL back at every interval and main
 * never setting the flag, with no preemption; python3 always prints ok. */
static void test_spin_wait_gives_way(void)
{
    static const char *const strategies[] = {"random", "pct", "dfs", "dpor"};
    for (size_t i = 0; i < sizeof strategies / sizeof *strategies; i++) {
        char args[256];
        int st;
        snprintf(args, sizeof args, "explore traces/explore/spin_wait_flag.py --strategy %s "
                 "--schedules 60", strategies[i]);
        char *out = cli(args, &st);
        CU_ASSERT_EQUAL(st, 0);
        CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, " schedules, 1 distinct outcome") : NULL);
        CU_ASSERT_PTR_NULL(out ? strstr(out, "FAILS") : "");
        free(out);
    }
}

/* The program's descriptors are python3's (traces/determinism/first_fd.py:
 * its first pipe is 3 and 4, os.closerange(3, MAXFD) leaves threadsim's
 * own, and os.write and os.read find them not open), in a run, a
 * sandboxed one and explored ones. */
static void test_descriptors_as_python3(void)
{
    static const char want[] = "3 4\nthread\nafter closerange\n[Errno 9] Bad file descriptor\n3 4\n"
                               "[Errno 9] Bad file descriptor\n[Errno 9] Bad file descriptor\n";
    static const char *const runs[] = {
        "run traces/determinism/first_fd.py --no-db",
        "run traces/determinism/first_fd.py --no-db --sandbox",
    };
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
        int st;
        char *out = cli(runs[i], &st);
        CU_ASSERT_EQUAL(st, 0);
        CU_ASSERT_STRING_EQUAL(out, want);
        free(out);
    }
    int st;
    char *x = cli("explore traces/determinism/first_fd.py --schedules 40 --json", &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(x, "\"schedules\": 40, \"exhausted\": false, \"outcomes\": "
                                     "[{\"count\": 40, "));
    CU_ASSERT_PTR_NOT_NULL(strstr(x, "\"output\": \"3 4\\nthread\\nafter closerange\\n"
                                     "[Errno 9] Bad file descriptor\\n3 4\\n[Errno 9] Bad file "
                                     "descriptor\\n[Errno 9] Bad file descriptor\\n\""));
    free(x);
}

/* Distinct outputs are kept in memory and stored: --max-outputs stops the
 * exploration once they pass SIZE, the same way on every run (random and
 * dpor), says so in the report and the JSON, and is part of the options
 * merge compares; the database holds what was kept. Without it the default
 * (256M) is far off here: 100 schedules, 100 outcomes. */
static void test_max_outputs(void)
{
    char dir[] = "/tmp/ts_xmaxoutXXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char args[1100];
    int st;
    for (int i = 0; i < 2; i++) {
        snprintf(args, sizeof args, "explore traces/explore/big_outputs.py --schedules 100 "
                 "--max-outputs 100K --db %s/x%d.db", dir, i);
        char *out = cli(args, &st);
        CU_ASSERT_EQUAL(st, 0);
        CU_ASSERT_PTR_NOT_NULL(strstr(out, "\n3 schedules, 3 distinct outcomes; stopped: the "
                                           "distinct outcomes' outputs passed 102400 bytes "
                                           "(--max-outputs)\n"));
        free(out);
    }
    char *json = cli("explore traces/explore/big_outputs.py --schedules 100 --max-outputs 100K "
                     "--strategy dpor --json --no-db", &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "max-outputs=102400\", \"schedules\": 14, \"exhausted\": "
                                        "false, \"stopped_at_max_outputs\": 102400, \"outcomes\": "
                                        "[{"));
    free(json);
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/x0.db", dir);
    store *db = store_open(path, NULL, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    store_exploration x;
    CU_ASSERT_EQUAL_FATAL(store_x_get(db, 1, &x), 0);
    size_t kept = 0;
    for (size_t i = 0; i < x.nout; i++)
        kept += x.out[i].len;
    CU_ASSERT_EQUAL(x.nout, 3);
    CU_ASSERT_EQUAL(kept, 3 * 400 * 101);
    CU_ASSERT_EQUAL(x.max_outputs, 102400); /* why it stopped is kept (schema 6) */
    CU_ASSERT_FALSE(x.exhausted);
    store_x_free(&x);
    store_close(db);
    /* and said again by show and the list */
    snprintf(args, sizeof args, "show exploration 1 --db %s", path);
    char *again = cli(args, &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(again, "\n3 schedules, 3 distinct outcomes; stopped: the "
                                         "distinct outcomes' outputs passed 102400 bytes "
                                         "(--max-outputs)\n"));
    free(again);
    snprintf(args, sizeof args, "show exploration 1 --json --db %s", path);
    again = cli(args, &st);
    CU_ASSERT_PTR_NOT_NULL(strstr(again, "\"stopped_at_max_outputs\": 102400, "));
    free(again);
    snprintf(args, sizeof args, "explorations --db %s", path);
    again = cli(args, &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(again, " 3  stopped   -  "));
    free(again);
    /* the default limit lets 100 schedules keep their ~100 outputs of 40 KB
     * (97: a few of the random walks that rarely switch meet) */
    char *all = cli("explore traces/explore/big_outputs.py --schedules 100 --no-db", &st);
    CU_ASSERT_PTR_NOT_NULL(strstr(all, "\n100 schedules, 97 distinct outcomes; "));
    free(all);
    CU_ASSERT_EQUAL(ts_remove_tree(dir), 0);
}

/* A file the program writes outlives the run (no reset undoes it): each
 * schedule of an exploration finds what the ones before it left, and
 * explore says so on stderr; under --sandbox every schedule starts in an
 * empty scratch folder, so its outcome is its own again (the same token,
 * the same output, whatever ran before). */
static void test_files_between_schedules(void)
{
    char dir[] = "/tmp/ts_xfilesXXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char cmd[1024];
    int st;
    snprintf(cmd, sizeof cmd, "cp " SRC "/traces/explore/writes_file.py %s/ && cd %s && "
             "env -u PYTHONUNBUFFERED " THREADSIM_BINARY " explore writes_file.py --no-db "
             "--schedules 4 2>&1", dir, dir);
    char *out = ts_capture(cmd, &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "threadsim: explore: note: 4 runs changed files"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "4 schedules, 4 distinct outcomes"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "     | abababab\n"));
    free(out);
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "cd %s && rm -f log.txt && env -u PYTHONUNBUFFERED "
                 THREADSIM_BINARY " explore writes_file.py --no-db --sandbox --schedules 30 "
                 "--strategy dfs --preemptions 1 %s2>&1; ls", dir, i ? "--json " : "");
        out = ts_capture(cmd, &st);
        CU_ASSERT_EQUAL(st, 0);
        CU_ASSERT_PTR_NULL(strstr(out, "changed files"));
        CU_ASSERT_PTR_NULL(strstr(out, "abab"));
        CU_ASSERT_PTR_NULL(strstr(out, "log.txt")); /* (nothing left in the program's folder) */
        CU_ASSERT_PTR_NOT_NULL(strstr(out, i ? "\"output\": \"ab\\n\"" : "     | ab\n"));
        CU_ASSERT_PTR_NOT_NULL(strstr(out, i ? "\"output\": \"ba\\n\"" : "     | ba\n"));
        free(out);
    }
    CU_ASSERT_EQUAL(ts_remove_tree(dir), 0);
}

/* Every call given one of threadsim's own descriptors answers as python3's
 * does where none is open, and none reaches the pipe
 * (traces/determinism/engine_fds.py: its .out is python3.11's but for the
 * dup2 onto the run's pipe): in a run and in an exploration's every
 * schedule, whether its process is a
 * runner reset in place (which holds descriptors of its own from 900 up)
 * or a fork: one outcome, that output. */
static void test_engine_descriptors_refused(void)
{
    size_t len = 0;
    char *want = sim_read_file(SRC "/traces/determinism/engine_fds.out", &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(want);
    int st;
    char *out = cli("run traces/determinism/engine_fds.py --no-db", &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_STRING_EQUAL(out, want);
    free(out);
    static const char *const resets[] = {"", "THREADSIM_RESET=fork "};
    for (size_t i = 0; i < sizeof resets / sizeof *resets; i++) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "cd " SRC " && %senv -u PYTHONUNBUFFERED " THREADSIM_BINARY
                 " explore traces/determinism/engine_fds.py --no-db --schedules 30 --json "
                 "2>/dev/null", resets[i]);
        char *x = ts_capture(cmd, &st);
        CU_ASSERT_EQUAL(st, 0);
        CU_ASSERT_PTR_NOT_NULL(strstr(x, "\"schedules\": 30, \"exhausted\": false, "
                                         "\"outcomes\": [{\"count\": 30, "));
        CU_ASSERT_PTR_NOT_NULL(strstr(x, "\\nlisted above 899: []\\nscanned above 899: []\\n"
                                         "scanned /dev/fd above 899: []\\nset_wakeup_fd ! [Errno 9] "
                                         "Bad file descriptor\\ndup2 onto 1022 ! [Errno 9] Bad "
                                         "file descriptor\\n\""));
        CU_ASSERT_PTR_NOT_NULL(strstr(x, "\\nio.FileIO(1022, 'w', closefd=False) ! OSError "
                                         "[Errno 9] Bad file descriptor\\n"));
        free(x);
    }
    free(want);
}

/* What python3 prints where threadsim's own Python (bootstrap.py) stands
 * between the program and CPython, byte for byte against python3.11's
 * output (the .out files; but for the path, which python3 makes
 * absolute): os.close's and os.read's errors (no "<threadsim>" frame in
 * their tracebacks), and a signal handler's stack and interrupted frame
 * (the handler once saw bootstrap's to_self as the frame it interrupted). */
static void test_python3_frames(void)
{
    static const struct {
        const char *name;
        int status;
    } progs[] = {{"os_errors", 1}, {"signal_stack", 0}, {"arg_checks", 0},
                   {"interrupt_waits", 0}, {"interrupt_shutdown", 0}, {"datetime_errors", 0},
                   {"switch_interval", 0}, {"signal_masks", 0}};
    for (size_t i = 0; i < sizeof progs / sizeof *progs; i++) {
        char cmd[512], path[512];
        int st;
        snprintf(cmd, sizeof cmd, "cd " SRC " && env -u PYTHONUNBUFFERED " THREADSIM_BINARY
                 " run traces/determinism/%s.py --no-db 2>&1", progs[i].name);
        char *out = ts_capture(cmd, &st);
        snprintf(path, sizeof path, SRC "/traces/determinism/%s.out", progs[i].name);
        size_t len = 0;
        char *want = sim_read_file(path, &len);
        CU_ASSERT_EQUAL(st, progs[i].status);
        CU_ASSERT_PTR_NOT_NULL_FATAL(want);
        CU_ASSERT_STRING_EQUAL(out, want);
        free(out);
        free(want);
    }
}

static void test_usage_errors(void)
{
    static const char *const bad[] = {
        "explore", "explore nosuch/scenario", "explore event/set-wait --strategy bfs",
        "explore event/set-wait --shard 0/4", "explore event/set-wait --shard 5/4",
        "explore event/set-wait --fail-on crash", "explore event/set-wait --schedules 0",
        "explore event/set-wait --goal /nonexistent/goal.txt", "explore event/set-wait --bogus",
        "explore event/set-wait --jitter -1", "explore event/set-wait --jitter soon",
        "explore event/set-wait --jitter 2e6", "explore event/set-wait --jitter 1e10",
        "explore event/set-wait --shard 4294967296/4294967296",
        "explore event/set-wait --invariant 'x == 1'", "explore event/set-wait --choices cpython",
        "explore traces/explore/two_locks.py --strategy dpor --choices cpython",
        "explore traces/explore/two_locks.py --choices opcode",
        /* an invariant that does not compile: at the first schedule */
        "explore traces/explore/lost_update_assert.py --invariant 'x ===' --no-db",
        /* (its newline escaped: one line) */
        "explore traces/explore/lost_update_assert.py --invariant \"$(printf 'x\\n===')\" --no-db",
        /* where the results would go, checked before the search */
        "explore event/set-wait --junit /nonexistent/dir/x.xml",
        "explore event/set-wait --html /tmp", "explore event/set-wait --db /tmp/ts-not-a-db.txt",
        "explore event/set-wait --junit ''"};
    FILE *f = fopen("/tmp/ts-not-a-db.txt", "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    for (int i = 0; i < 100; i++)
        fputs("this is no SQLite database, and must stay as it is\n", f);
    fclose(f);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int st;
        char cmd[512];
        snprintf(cmd, sizeof cmd, "cd " SRC " && " THREADSIM_BINARY " %s 2>&1", bad[i]);
        char *out = ts_capture(cmd, &st);
        CU_ASSERT_EQUAL(st, 125);
        CU_ASSERT_PTR_NOT_NULL(strstr(out, "threadsim: "));
        CU_ASSERT_EQUAL(strchr(out, '\n') - out + 1, (long)strlen(out)); /* one line */
        free(out);
    }
    /* a report that cannot be written at the end says so (it exited 125
     * with no word), after the search's own line */
    int st;
    char *out = ts_capture("cd " SRC " && " THREADSIM_BINARY " explore event/set-wait --no-db "
                           "--schedules 3 --junit /dev/full 2>&1 >/dev/null", &st);
    CU_ASSERT_EQUAL(st, 125);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "threadsim: explore: cannot write /dev/full: "));
    free(out);
    /* the file that is no database is left as it was */
    size_t len = 0;
    char *kept = sim_read_file("/tmp/ts-not-a-db.txt", &len);
    CU_ASSERT_EQUAL(len, 100 * strlen("this is no SQLite database, and must stay as it is\n"));
    free(kept);
    unlink("/tmp/ts-not-a-db.txt");
}

/* The replay commands the report suggests run as shown when pasted into a
 * shell, whatever the program's name (a space, a quote and a ';' broke
 * them: "one scenario at a time", or a command run by the shell). */
static void test_replay_command_quoted(void)
{
    int st;
    char *out = ts_capture("d=$(mktemp -d) && cd \"$d\" && cp " SRC
                           "/traces/explore/check_then_act.py \"it's; a.py\" && env -u "
                           "PYTHONUNBUFFERED " THREADSIM_BINARY " explore \"it's; a.py\" --no-db "
                           "--schedules 20 2>/dev/null | grep -m1 'replay:' | sed 's/.*same "
                           "addresses: threadsim //; s/)$//' > cmd.txt && cat cmd.txt && "
                           "eval \"" THREADSIM_BINARY " $(cat cmd.txt) --no-db --commands "
                           "'continue; quit'\" 2>&1 | tail -2; cd / && rm -rf \"$d\"",
                           &st);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "step 'it'\\''s; a.py' --choices program --replay "
                                       "'it'\\''s; a.py:"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "replay token: it's; a.py:"));
    CU_ASSERT_PTR_NULL(strstr(out, "one scenario at a time"));
    free(out);
}

/* dpor on the semaphore page resumes its schedules from a deeper snapshot
 * (cpy_run.c): THREADSIM_DEEP=stats says how many; where no snapshot can
 * be taken (a sanitizer build, an older kernel) none. */
static void test_deeper_snapshots_used(void)
{
    int st;
    char *out = ts_capture("cd " SRC " && env -u PYTHONUNBUFFERED THREADSIM_DEEP=stats "
                           THREADSIM_BINARY " explore traces/py3/semaphore/pool.py --strategy dpor "
                           "--schedules 300 --no-db 2>&1 >/dev/null",
                           &st);
    CU_ASSERT_EQUAL(st, 0);
    const char *at = strstr(out, "deeper snapshots: ");
    unsigned long long runners = 0, resumed = 0;
    CU_ASSERT_FATAL(at && sscanf(at, "deeper snapshots: %llu runners, %llu schedules", &runners,
                                 &resumed) == 2);
    if (pyt_can_reset()) {
        CU_ASSERT(runners >= 1);
        CU_ASSERT(resumed >= 100); /* (296 here: one runner serves them all) */
    } else {
        CU_ASSERT_EQUAL(resumed, 0);
    }
    free(out);
}

/* A dfs schedule's spec promises its prefix words to the session
 * (py_policy_req.fixed: deeper snapshots), under a key that is the same
 * for every schedule of one exploration and differs with its options; a
 * random schedule promises none. */
static void test_spec_prefix(void)
{
    ts_x_opts o = {.strategy = TS_X_DFS, .timers = true, .jitter = 1000};
    uint32_t a[] = {0, 1, 1, 0, 2}, b[] = {0, 1, 0};
    size_t la, lb;
    void *sa = ts_x_spec_fixed(&o, a, 5, &la), *sb = ts_x_spec_fixed(&o, b, 3, &lb);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sa);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sb);
    const uint32_t *w = NULL;
    uint64_t ka = 0, kb = 0, kc = 0;
    CU_ASSERT_EQUAL(ts_x_spec_prefix(sa, la, &w, &ka), 5);
    CU_ASSERT(w && memcmp(w, a, sizeof a) == 0);
    CU_ASSERT_EQUAL(ts_x_spec_prefix(sb, lb, &w, &kb), 3);
    CU_ASSERT(w && memcmp(w, b, sizeof b) == 0);
    CU_ASSERT_EQUAL(ka, kb);
    o.timers = false;
    void *sc = ts_x_spec_fixed(&o, a, 5, &la);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    CU_ASSERT_EQUAL(ts_x_spec_prefix(sc, la, &w, &kc), 5);
    CU_ASSERT_NOT_EQUAL(kc, ka);
    CU_ASSERT_EQUAL(ts_x_spec_prefix(sa, 3, &w, &kc), 0); /* (short: no header) */
    free(sa);
    free(sb);
    free(sc);
}

TS_TESTS("explore", TS_TEST(test_reset_and_fork_reports_equal), TS_TEST(test_dfs_counts_by_bound), TS_TEST(test_goal_and_shrink), TS_TEST(test_shrink_together),
         TS_TEST(test_shards_add_up), TS_TEST(test_store_size), TS_TEST(test_lost_update_found_and_replayed),
         TS_TEST(test_decision_limit), TS_TEST(test_no_choice_is_one_schedule), TS_TEST(test_program_sees_its_own_sched_policy), TS_TEST(test_shrink_budget), TS_TEST(test_deadlock_found), TS_TEST(test_goal_event_page),
         TS_TEST(test_unbuffered_output_is_a_choice),
         TS_TEST(test_preemptions_name_the_running_thread), TS_TEST(test_timing_as_a_choice),
         TS_TEST(test_shards_under_parallel_and_merge), TS_TEST(test_dpor_shards), TS_TEST(test_invariant),
         TS_TEST(test_representatives_replay), TS_TEST(test_replays_print_the_same_addresses),
         TS_TEST(test_teaching_page_clicks),
         TS_TEST(test_dpor), TS_TEST(test_usage_errors), TS_TEST(test_replay_command_quoted), TS_TEST(test_long_token_from_a_file),
         TS_TEST(test_cpython_points), TS_TEST(test_watchdog_changes_no_schedule), TS_TEST(test_deep_call_switches_out), TS_TEST(test_engine_failure_is_its_own), TS_TEST(test_long_prefixes), TS_TEST(test_wait_report_runs_no_code), TS_TEST(test_default_jitter), TS_TEST(test_jitter_bounded), TS_TEST(test_random_switch_rates), TS_TEST(test_coverage_estimate), TS_TEST(test_near_timers_noted), TS_TEST(test_daemon_after_main), TS_TEST(test_tty_lines_are_choices), TS_TEST(test_dpor_lock_looks), TS_TEST(test_spin_wait_gives_way), TS_TEST(test_descriptors_as_python3), TS_TEST(test_engine_descriptors_refused), TS_TEST(test_max_outputs), TS_TEST(test_teaching_page_markup_output), TS_TEST(test_files_between_schedules), TS_TEST(test_python3_frames), TS_TEST(test_cpython_rewrite_reads_as_written),
         TS_TEST(test_check_then_act_explained), TS_TEST(test_fail_on_exit),
         TS_TEST(test_spec_prefix), TS_TEST(test_deeper_snapshots_used))
