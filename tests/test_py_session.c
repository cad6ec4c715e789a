/*
 * tests/test_py_session.c — sessions (model/cpy/py.h): CPython starts once,
 * every run forks from the ready program. A run from a session is the same
 * run, to the byte, as a fresh py_run; runs do not leak into each other;
 * a policy made from bytes in the run's process gives the schedule those
 * bytes say; a program that cannot compile fails the same way every run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "model/cpy/cpy_snap.h"
#include "py_util.h"
#include "sim/policy.h"

/* addresses, a set of objects, randomness and a schedule, in the output */
static const char *prog_src =
    "import threading, random\n"
    "class Box: pass\n"
    "boxes = {Box() for _ in range(5)}\n"
    "print([repr(b)[-6:] for b in boxes], random.random())\n"
    "state = []\n"
    "def w(n):\n"
    "    for i in range(3):\n"
    "        state.append(n)\n"
    "ts = [threading.Thread(target=w, args=(k,)) for k in range(3)]\n"
    "for t in ts: t.start()\n"
    "for t in ts: t.join()\n"
    "state.append(len(state))\n"
    "print(state)\n";

static char *run_in(py_session *ss, const py_policy_req *pol, int *status)
{
    trace tr;
    trace_init(&tr);
    model_opts o = model_opts_default();
    o.sink = trace_sink;
    o.sink_ud = &tr;
    *status = py_session_run(ss, pol, &o, NULL);
    char *full = ts_full(&tr);
    trace_fini(&tr);
    return full;
}

static py_program *load(const char *src)
{
    sim_buf err = {0};
    py_program *p = py_program_load("t.py", src, strlen(src), 3, &err);
    sim_buf_free(&err);
    return p;
}

static void test_session_runs_equal_fresh_runs(void)
{
    char *out, *fresh;
    int st = pyt_run_opts(prog_src, 3, NULL, NULL, &out, &fresh);
    CU_ASSERT_EQUAL_FATAL(st, 0);
    free(out);
    py_program *p = load(prog_src);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    py_run_opts ro = py_run_opts_default();
    ro.max_steps = 20000000;
    model_opts mo = model_opts_default();
    py_session *ss = py_session_open(p, &mo, &ro);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ss);
    for (int i = 0; i < 5; i++) {
        char *again = run_in(ss, NULL, &st);
        CU_ASSERT_EQUAL(st, 0);
        if (strcmp(again, fresh) != 0)
            fprintf(stderr, "\nsession run %d:\n%s\nfresh:\n%s\n", i, again, fresh);
        CU_ASSERT_STRING_EQUAL(again, fresh);
        free(again);
    }
    py_session_close(ss);
    py_program_free(p);
    free(fresh);
}

/* a policy given as bytes: a seed for the random policy, made in the run */
static sim_policy make_random(const void *blob, size_t len)
{
    static sim_rng rng;
    uint64_t seed = 0;
    memcpy(&seed, blob, len < sizeof seed ? len : sizeof seed);
    sim_rng_seed(&rng, seed);
    return sim_policy_random(&rng);
}

static void test_made_policies(void)
{
    py_program *p = load(prog_src);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    py_run_opts ro = py_run_opts_default();
    ro.max_steps = 20000000;
    ro.make_policy = make_random;
    model_opts mo = model_opts_default();
    py_session *ss = py_session_open(p, &mo, &ro);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ss);
    int st;
    char *fifo = run_in(ss, NULL, &st);
    int differ = 0;
    for (uint64_t seed = 1; seed <= 4; seed++) {
        py_policy_req pol = {.blob = &seed, .len = sizeof seed};
        char *a = run_in(ss, &pol, &st);
        CU_ASSERT_EQUAL(st, 0);
        char *b = run_in(ss, &pol, &st);
        CU_ASSERT_STRING_EQUAL(a, b); /* the same bytes, the same schedule */
        differ += strcmp(a, fifo) != 0;
        free(a);
        free(b);
    }
    CU_ASSERT(differ > 0); /* and random schedules are not all FIFO's */
    char *again = run_in(ss, NULL, &st);
    CU_ASSERT_STRING_EQUAL(again, fifo); /* nothing leaked from the runs before */
    free(again);
    free(fifo);
    py_session_close(ss);
    py_program_free(p);
}

static void test_syntax_error_every_run(void)
{
    py_program *p = load("print('a'\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    py_session *ss = py_session_open(p, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ss);
    int st;
    char *a = run_in(ss, NULL, &st);
    CU_ASSERT_EQUAL(st, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(a, "SyntaxError: '(' was never closed"));
    char *b = run_in(ss, NULL, &st);
    CU_ASSERT_EQUAL(st, 1);
    CU_ASSERT_STRING_EQUAL(a, b);
    free(a);
    free(b);
    py_session_close(ss);
    py_program_free(p);
}

/* sessions opened one after another close in any order: a later session's
 * process must not hold an earlier one's socket (it would never see its
 * caller close it, and closing would wait forever) */
static void test_sessions_close_in_any_order(void)
{
    py_program *p = load("print('hi')\n");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    py_session *a = py_session_open(p, NULL, NULL);
    py_session *b = py_session_open(p, NULL, NULL);
    py_session *c = py_session_open(p, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    int st;
    char *out = run_in(b, NULL, &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "output   stdout \"hi\\n\""));
    free(out);
    py_session_close(a); /* the first first: b and c must not keep it open */
    py_session_close(b);
    py_session_close(c);
    py_program_free(p);
}

/* ---- in-process reset: the same runs as forked ones -------------------- */

static sim_policy make_random_steps(const void *blob, size_t len)
{
    sim_policy p = make_random(blob, len);
    p.every_step = true;
    return p;
}

/* A session of `src` that resets (verified) or forks; each seed's run. */
static void session_runs(const char *path, const char *src, int reset, int nseeds, char **out,
                         int *st, int *pids)
{
    sim_buf err = {0};
    py_program *p = py_program_load(path, src, strlen(src), 3, &err);
    sim_buf_free(&err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    py_run_opts ro = py_run_opts_default();
    ro.max_steps = 20000000;
    ro.make_policy = make_random_steps;
    ro.program_lines = true;
    ro.reset = reset;
    model_opts mo = model_opts_default();
    static sim_rng rng;
    sim_rng_seed(&rng, 1);
    mo.policy = sim_policy_random(&rng);
    mo.policy.every_step = true;
    py_session *ss = py_session_open(p, &mo, &ro);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ss);
    for (int i = 0; i < nseeds; i++) {
        uint64_t seed = (uint64_t)i + 1;
        py_policy_req pol = {.blob = &seed, .len = sizeof seed};
        out[i] = run_in(ss, &pol, &st[i]);
        pids[i] = py_session_last_pid(ss);
    }
    py_session_close(ss);
    py_program_free(p);
}

/* Standard input from here on: a fresh file of 4000 numbered lines (more
 * than a read's buffer: each run takes lines the last one left). */
static void stdin_lines(void)
{
    char tmpl[] = "/tmp/threadsim-stdin-XXXXXX";
    int fd = mkstemp(tmpl);
    CU_ASSERT_FATAL(fd >= 0);
    unlink(tmpl);
    FILE *f = fdopen(fd, "w+");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    for (int i = 0; i < 4000; i++)
        fprintf(f, "line %d\n", i);
    fflush(f);
    CU_ASSERT_EQUAL(dup2(fd, 0), 0);
    fclose(f);
    CU_ASSERT_EQUAL(lseek(0, 0, SEEK_SET), 0);
}

static void test_reset_runs_equal_forked_runs(void)
{
    static const char *const progs[] = {"files", "sig", "mm", "exit", "exc", "idrepr", "dead",
                                        "manythreads", "lots", "rlim", "stdin", "pids", "uid",
                                        "start_open", "start_loud", "start_stdin", "nochoice",
                                        "sealed"};
    enum { N = 8 };
    for (size_t k = 0; k < sizeof progs / sizeof progs[0]; k++) {
        char path[512];
        snprintf(path, sizeof path, "%s/traces/explore/reset/%s.py", THREADSIM_SOURCE_DIR, progs[k]);
        char *src = ts_read_file(path, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(src);
        char *a[N], *b[N];
        int sa[N], sb[N], pa[N], pb[N];
        bool feed = strcmp(progs[k], "start_stdin") == 0;
        if (feed)
            stdin_lines();
        session_runs(path, src, PY_RESET_FORK, N, a, sa, pa);
        if (feed)
            stdin_lines();
        session_runs(path, src, PY_RESET_VERIFY, N, b, sb, pb);
        for (int i = 0; i < N; i++) {
            if (sa[i] != sb[i] || strcmp(a[i], b[i]) != 0)
                fprintf(stderr, "\n%s, seed %d: forked (status %d):\n%s\nreset (status %d):\n%s\n",
                        progs[k], i + 1, sa[i], a[i], sb[i], b[i]);
            CU_ASSERT_EQUAL(sa[i], sb[i]);
            CU_ASSERT_STRING_EQUAL(a[i], b[i]);
            free(a[i]);
            free(b[i]);
        }
        /* forked runs each have a process; with a reset, one process serves
         * the runs after the first (a program whose runs end their process,
         * or change what no reset undoes, goes back to forking) */
        for (int i = 2; i < N; i++)
            CU_ASSERT_NOT_EQUAL(pa[i], pa[i - 1]);
        bool reuses = strcmp(progs[k], "exit") != 0 && strcmp(progs[k], "rlim") != 0 &&
                      !(strcmp(progs[k], "uid") == 0 && geteuid() == 0);
        /* an explorer's kind of run (a policy made from bytes): the first
         * runner takes its snapshot at the first choice, unless the start
         * did something outside the process (a folder made, a file mapped,
         * a file left open, standard input read, ctypes used), held more than a
         * megabyte of events or came to no choice at all: that runner ends
         * after its run, and one
         * snapshot at the start serves the rest */
        bool at_start = strcmp(progs[k], "files") == 0 || strcmp(progs[k], "mm") == 0 ||
                        strncmp(progs[k], "start_", 6) == 0 || strcmp(progs[k], "nochoice") == 0 ||
                        strcmp(progs[k], "sealed") == 0;
        if (pyt_can_reset() && reuses) {
            if (at_start)
                CU_ASSERT_NOT_EQUAL(pb[2], pb[1]);
            for (int i = at_start ? 3 : 2; i < N; i++)
                CU_ASSERT_EQUAL(pb[i], pb[i - 1]);
        }
        if (!reuses || !pyt_can_reset())
            CU_ASSERT_NOT_EQUAL(pb[N - 1], pb[N - 2]);
        free(src);
    }
}

/* ---- deeper snapshots: runs sharing a long prefix -------------------- */

/* A policy whose first words (the blob) give its picks, then the first
 * candidate: an explorer's dfs schedule. */
static const uint32_t *prefix_words;
static size_t prefix_n;

static uint32_t prefix_pick(void *ud, sim_sched *s, uint32_t n)
{
    (void)ud;
    uint64_t k = s->ndecisions;
    return k < prefix_n ? prefix_words[k] % n : 0;
}

static sim_policy make_prefix(const void *blob, size_t len)
{
    prefix_words = blob;
    prefix_n = len / sizeof(uint32_t);
    return (sim_policy){.name = "prefix", .pick = prefix_pick, .every_step = true};
}

static const char *deep_src = "import threading\n"
                              "n = 0\n"
                              "def w(c):\n"
                              "    global n\n"
                              "    for i in range(40):\n"
                              "        n += 1\n"
                              "        print(c, i, n)\n"
                              "ts = [threading.Thread(target=w, args=(c,)) for c in 'ab']\n"
                              "for t in ts: t.start()\n"
                              "for t in ts: t.join()\n"
                              "print('end', n)\n";

enum { DEEP_RUNS = 13, DEEP_WORDS = 150 };

/* Run i's words: the same 150 picks but one, flipped at 100 + 3 i: each
 * run shares its first 100 + 3 (i - 1) with the one before it, as a dfs's
 * do; the last run's promise has another key (py_policy_req.fixed_key).
 * Every run's full trace into out[i], its process into pids[i]. */
static void deep_runs(int reset, bool promise, char **out, int *pids)
{
    sim_buf err = {0};
    py_program *p = py_program_load("deep.py", deep_src, strlen(deep_src), 3, &err);
    sim_buf_free(&err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    py_run_opts ro = py_run_opts_default();
    ro.make_policy = make_prefix;
    ro.program_lines = true;
    ro.reset = reset;
    model_opts mo = model_opts_default();
    mo.policy = (sim_policy){.name = "prefix", .pick = prefix_pick, .every_step = true};
    py_session *ss = py_session_open(p, &mo, &ro);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ss);
    uint32_t base[DEEP_WORDS];
    uint32_t x = 12345;
    for (int k = 0; k < DEEP_WORDS; k++) {
        x = x * 1103515245u + 12345u;
        base[k] = (x >> 16) % 3 == 0; /* a switch now and then */
    }
    for (int i = 0; i < DEEP_RUNS; i++) {
        uint32_t words[DEEP_WORDS];
        memcpy(words, base, sizeof words);
        words[100 + 3 * i] ^= 1;
        py_policy_req pol = {.blob = words, .len = sizeof words};
        if (promise) {
            pol.fixed = words;
            pol.nfixed = DEEP_WORDS;
            pol.fixed_key = i == DEEP_RUNS - 1 ? 7 : 0;
        }
        int st;
        out[i] = run_in(ss, &pol, &st);
        CU_ASSERT_EQUAL(st, 0);
        pids[i] = py_session_last_pid(ss);
    }
    py_session_close(ss);
    py_program_free(p);
}

/* Runs whose policy promises its first decisions (py_policy_req.fixed)
 * and share most of them: after two runs from the first choice (the
 * second timed), the session starts a runner whose snapshot is at a
 * decision past 90 (cpy_run.c, "Deeper snapshots"), which serves every
 * run after it; each run's full trace is a forked run's, byte for byte
 * (every reset verified). */
static void test_deeper_snapshot_serves_shared_prefixes(void)
{
    char *a[DEEP_RUNS], *b[DEEP_RUNS], *c[DEEP_RUNS];
    int pa[DEEP_RUNS], pb[DEEP_RUNS], pc[DEEP_RUNS];
    deep_runs(PY_RESET_FORK, true, a, pa);
    deep_runs(PY_RESET_VERIFY, true, b, pb);
    deep_runs(PY_RESET_VERIFY, false, c, pc);
    for (int i = 0; i < DEEP_RUNS; i++) {
        TS_ASSERT_STR_EQ(b[i], a[i]);
        TS_ASSERT_STR_EQ(c[i], a[i]);
        if (i > 0)
            CU_ASSERT(strcmp(a[i], a[i - 1]) != 0); /* (each run its own schedule) */
    }
    if (pyt_can_reset()) {
        /* runs 2 and 3 from the first choice, then the deeper runner */
        CU_ASSERT_EQUAL(pb[2], pb[1]);
        CU_ASSERT_NOT_EQUAL(pb[3], pb[2]);
        for (int i = 4; i < DEEP_RUNS - 1; i++)
            CU_ASSERT_EQUAL(pb[i], pb[3]);
        /* the same words under another key: not that runner's */
        CU_ASSERT_NOT_EQUAL(pb[DEEP_RUNS - 1], pb[3]);
        /* promising nothing, one runner serves them all */
        for (int i = 2; i < DEEP_RUNS; i++)
            CU_ASSERT_EQUAL(pc[i], pc[1]);
    }
    for (int i = 0; i < DEEP_RUNS; i++) {
        free(a[i]);
        free(b[i]);
        free(c[i]);
    }
}

TS_TESTS("py_session", TS_TEST(test_session_runs_equal_fresh_runs), TS_TEST(test_made_policies),
         TS_TEST(test_syntax_error_every_run), TS_TEST(test_sessions_close_in_any_order),
         TS_TEST(test_reset_runs_equal_forked_runs),
         TS_TEST(test_deeper_snapshot_serves_shared_prefixes))
