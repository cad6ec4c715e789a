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

TS_TESTS("py_session", TS_TEST(test_session_runs_equal_fresh_runs), TS_TEST(test_made_policies),
         TS_TEST(test_syntax_error_every_run), TS_TEST(test_sessions_close_in_any_order))
