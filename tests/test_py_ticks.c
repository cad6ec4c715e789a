/*
 * tests/test_py_ticks.c — the program's own code compiled with ticks
 * (model/cpy/ticks.py) under the default policy: used there and nowhere
 * else, counting about the lines CPython's tracer reports, switching where
 * CPython can, in the program's own modules too, and the same whether or
 * not a module's __pycache__ file exists.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "py_util.h"
#include "sim/policy.h"

/* Prints whether f's code holds the tick (a builtin among its constants),
 * with another thread alive (steps observable). The attributes are named
 * indirectly: a program naming them is compiled without ticks
 * (test_introspecting_program_not_ticked). */
static const char *const has_tick_src =
    "import threading\n"
    "def f():\n"
    "    for i in range(3):\n"
    "        pass\n"
    "t = threading.Thread(target=f)\n"
    "t.start()\n"
    "t.join()\n"
    "code = getattr(getattr(f, '__c' + 'ode__'), 'co_c' + 'onsts')\n"
    "print(any(type(c).__name__ == 'builtin_function_or_method' for c in code))\n";

static void test_ticks_only_under_default_policy(void)
{
    char *out;
    CU_ASSERT_EQUAL(pyt_run_opts(has_tick_src, 3, NULL, NULL, &out, NULL), 0);
    TS_ASSERT_STR_EQ(out, "True\n");
    free(out);
    /* random decides at every line: the tracer's lines, no ticks */
    model_opts mo = model_opts_default();
    sim_rng rng;
    sim_rng_seed(&rng, 7);
    mo.policy = sim_policy_random(&rng);
    CU_ASSERT_EQUAL(pyt_run_opts(has_tick_src, 3, NULL, &mo, &out, NULL), 0);
    TS_ASSERT_STR_EQ(out, "False\n");
    free(out);
    /* --max-steps given: every line counted by the tracer */
    py_run_opts ro = py_run_opts_default();
    ro.max_steps = 20000000;
    ro.exact_steps = true;
    CU_ASSERT_EQUAL(pyt_run_opts(has_tick_src, 3, &ro, NULL, &out, NULL), 0);
    TS_ASSERT_STR_EQ(out, "False\n");
    free(out);
    /* the stepper's line notes */
    ro = py_run_opts_default();
    ro.max_steps = 20000000;
    ro.line_steps = true;
    CU_ASSERT_EQUAL(pyt_run_opts(has_tick_src, 3, &ro, NULL, &out, NULL), 0);
    TS_ASSERT_STR_EQ(out, "False\n");
    free(out);
}

/* Each loop's virtual time at 100 lines a switch interval, ticked and
 * traced: the ticks' static counts are the tracer's line events for plain
 * loops, a with block and a while; within 3% for calls, branches (the
 * longer branch counted) and comprehensions. A multi-line statement is one
 * tick line and two traced ones (not asserted). */
static const char *const shapes_src =
    "import threading, time\n"
    "ev = threading.Event()\n"
    "threading.Thread(target=ev.wait).start()\n"
    "def clock(f):\n"
    "    t0 = time.monotonic()\n"
    "    f()\n"
    "    print(round((time.monotonic() - t0) * 1000))\n"
    "def simple():\n"
    "    total = 0\n"
    "    for i in range(20000):\n"
    "        total += i\n"
    "def whiles():\n"
    "    n = 20000\n"
    "    while n > 0:\n"
    "        n -= 1\n"
    "lock = threading.Lock()\n"
    "def withs():\n"
    "    c = 0\n"
    "    for i in range(20000):\n"
    "        with lock:\n"
    "            c += 1\n"
    "def calls():\n"
    "    def g(x):\n"
    "        return x + 1\n"
    "    for i in range(20000):\n"
    "        g(i)\n"
    "def branches():\n"
    "    a = b = 0\n"
    "    for i in range(20000):\n"
    "        if i % 2:\n"
    "            a += 1\n"
    "        else:\n"
    "            b += 1\n"
    "def comps():\n"
    "    for i in range(100):\n"
    "        [x * 2 for x in range(200)]\n"
    "for f in (simple, whiles, withs, calls, branches, comps):\n"
    "    clock(f)\n"
    "ev.set()\n";

static void test_ticks_count_like_lines(void)
{
    model_opts mo = model_opts_default();
    mo.sim.switch_steps = 100;
    char *ticked, *traced;
    CU_ASSERT_EQUAL(pyt_run_opts(shapes_src, 3, NULL, &mo, &ticked, NULL), 0);
    py_run_opts ro = py_run_opts_default();
    ro.max_steps = 20000000;
    ro.exact_steps = true;
    CU_ASSERT_EQUAL(pyt_run_opts(shapes_src, 3, &ro, &mo, &traced, NULL), 0);
    long a[6], b[6];
    int na = sscanf(ticked, "%ld %ld %ld %ld %ld %ld", &a[0], &a[1], &a[2], &a[3], &a[4], &a[5]);
    int nb = sscanf(traced, "%ld %ld %ld %ld %ld %ld", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]);
    CU_ASSERT_EQUAL_FATAL(na, 6);
    CU_ASSERT_EQUAL_FATAL(nb, 6);
    CU_ASSERT_EQUAL(a[0], 2000); /* 20000 passes of 2 lines, 100 lines = 5 ms */
    for (int i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(a[i], b[i]);
    for (int i = 3; i < 6; i++)
        CU_ASSERT(labs(a[i] - b[i]) * 100 <= b[i] * 3);
    free(ticked);
    free(traced);
}

/* src run with a switch interval of 100 lines (5 ms), as the tests below
 * count: its output (exit status 0 asserted). */
static char *run_fast(const char *src)
{
    model_opts mo = model_opts_default();
    mo.sim.switch_steps = 100;
    char *out = NULL;
    CU_ASSERT_EQUAL(pyt_run_opts(src, 3, NULL, &mo, &out, NULL), 0);
    return out;
}

static void expect_fast(const char *src, const char *want)
{
    char *out = run_fast(src);
    TS_ASSERT_STR_EQ(out, want);
    free(out);
}

/* A loop of the program's, compiled with ticks, counts its lines once
 * after the run's first clock read too. Regression: the read switched the
 * tracer on for the rest of the frame that made it (CPython sets tracing
 * for the whole running evaluation, whatever the frame filter says), so a
 * module-level loop after `t0 = time.process_time()` ran traced, a third
 * as fast, and its lines counted twice, by the tracer and the ticks: 4000
 * ms below where the same loop in a function took 2000. */
static void test_loop_after_first_clock_read(void)
{
    expect_fast("import time\n"
                "t0 = time.process_time()\n"
                "for i in range(20000):\n"
                "    pass\n"
                "t1 = time.process_time()\n"
                "def f():\n"
                "    for i in range(20000):\n"
                "        pass\n"
                "f()\n"
                "t2 = time.process_time()\n"
                "print(round((t1 - t0) * 1000), round((t2 - t1) * 1000))\n",
                "2000 2000\n");
}

/* CPython 3.11 checks for a pending switch after each call it does not run
 * inline (a C function's: `abs`, `d.get`), so a thread whose interval runs
 * out there is switched in the middle of its statement: `n = n + abs(1)`
 * and `v = d.get(k); d[k] = v + 1` in two threads lose updates under
 * python3 (1.3M-1.5M of 2M; False in 6 runs of 6), while `n = n + 1` loses
 * none. Until 2026-12-06 a run switched only at a loop's jump back or a
 * function's entry, and all three printed the full count. The same output
 * twice: the points are deterministic. */
static void test_switch_after_a_call(void)
{
    static const char *const src[] = {
        "import threading\n"
        "n = 0\n"
        "def w():\n"
        "    global n\n"
        "    for _ in range(20000):\n"
        "        n = n + abs(1)\n"
        "ts = [threading.Thread(target=w) for _ in range(2)]\n"
        "for t in ts: t.start()\n"
        "for t in ts: t.join()\n"
        "print(n < 40000, n > 20000)\n",
        "import threading\n"
        "d = {'k': 0}\n"
        "def w():\n"
        "    for _ in range(20000):\n"
        "        v = d.get('k')\n"
        "        d['k'] = v + 1\n"
        "ts = [threading.Thread(target=w) for _ in range(2)]\n"
        "for t in ts: t.start()\n"
        "for t in ts: t.join()\n"
        "print(d['k'] < 40000, d['k'] > 20000)\n",
        "import threading\n"
        "n = 0\n"
        "def w():\n"
        "    global n\n"
        "    for _ in range(20000):\n"
        "        n = n + 1\n"
        "ts = [threading.Thread(target=w) for _ in range(2)]\n"
        "for t in ts: t.start()\n"
        "for t in ts: t.join()\n"
        "print(n == 40000, n > 20000)\n",
    };
    for (size_t i = 0; i < sizeof src / sizeof src[0]; i++) {
        expect_fast(src[i], "True True\n");
    }
    /* the count itself: the same on every run */
    char *prog = malloc(strlen(src[0]) + 16);
    CU_ASSERT_PTR_NOT_NULL_FATAL(prog);
    strcpy(prog, src[0]);
    strcat(prog, "print(n)\n");
    char *a = run_fast(prog), *b = run_fast(prog);
    TS_ASSERT_STR_EQ(a, b);
    free(a);
    free(b);
    free(prog);
}

/* The lines a thread runs before it blocks are charged to the clock once
 * they add up to a switch interval, at a block: threads handing work to
 * each other through a queue every few lines moved no time (a main asleep
 * for 10 ms beside them never woke: the run went on to its memory limit),
 * and work between blocks took no time where the same work unblocked took
 * 60 ms (python3: 36 and 37 ms). */
static void test_cpu_before_a_block_is_charged(void)
{
    expect_fast("import threading, queue, time\n"
                "q = queue.Queue(maxsize=1)\n"
                "ev = threading.Event()\n"
                "def producer():\n"
                "    while not ev.is_set():\n"
                "        q.put(1)\n"
                "    q.put(None)\n"
                "def consumer():\n"
                "    while q.get() is not None:\n"
                "        pass\n"
                "t0 = time.monotonic()\n"
                "ts = [threading.Thread(target=producer), threading.Thread(target=consumer)]\n"
                "for t in ts: t.start()\n"
                "time.sleep(0.01)\n"
                "ev.set()\n"
                "for t in ts: t.join()\n"
                "print(round(time.monotonic() - t0, 2))\n",
                "0.01\n");
    expect_fast("import threading, queue, time\n"
                "q = queue.Queue(maxsize=1)\n"
                "def worker(block):\n"
                "    for _ in range(20):\n"
                "        s = 0\n"
                "        for i in range(1000):\n"
                "            s += i\n"
                "        if block: q.put(s)\n"
                "for block in (False, True):\n"
                "    t0 = time.monotonic()\n"
                "    t = threading.Thread(target=worker, args=(block,)); t.start()\n"
                "    if block:\n"
                "        for _ in range(20): q.get()\n"
                "    t.join()\n"
                "    print(round((time.monotonic() - t0) * 1000))\n",
                "2000\n2000\n");
}

/* The program's leading standard-library imports, done in the zygote
 * before its runs (preimport.py), change nothing a run shows. Regression:
 * logging's import reads a clock (logging._startTime), which switched the
 * tracer on before the run's scope was set, and the frame filter was then
 * never installed: a lone thread's every standard-library line counted as
 * a step (virtual time: 3215 ms below instead of 300) and ran traced, 2.7x
 * slower. (A second thread's start installed the filter.) The program
 * times a loop of a standard-library call on its clock; with a plain
 * statement first nothing is preimported. */
static const char *const preimport_src =
    "import logging, posixpath, time\n"
    "t0 = time.monotonic()\n"
    "for i in range(3000):\n"
    "    posixpath.join('a', 'b', 'c')\n"
    "print(round((time.monotonic() - t0) * 1000))\n";

static void test_preimport_invisible(void)
{
    model_opts mo = model_opts_default();
    mo.sim.switch_steps = 100;
    char *pre, *plain;
    CU_ASSERT_EQUAL(pyt_run_opts(preimport_src, 3, NULL, &mo, &pre, NULL), 0);
    char src[1024];
    snprintf(src, sizeof src, "x = 0\n%s", preimport_src);
    CU_ASSERT_EQUAL(pyt_run_opts(src, 3, NULL, &mo, &plain, NULL), 0);
    TS_ASSERT_STR_EQ(pre, plain);
    /* 3000 passes of 2 of the program's lines, 100 lines = 5 ms */
    TS_ASSERT_STR_EQ(pre, "300\n");
    free(pre);
    free(plain);
}

/* A loop in the program's own module (imported from its folder) is ticked
 * and preempted: the spinning main thread lets the setter's sleep end. The
 * module's __pycache__ file (compiled by python3, without ticks) changes
 * nothing: not the output, not a byte of the trace. */
static char dir[64];

static char *sh(int *status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *sh(int *status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *out = ts_shell_in_v(dir, true, status, fmt, ap);
    va_end(ap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    return out;
}

static void write_file(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
}

static void test_own_module_ticked_cache_blind(void)
{
    snprintf(dir, sizeof dir, "/tmp/ts-ticks-XXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    write_file("helper.py", "def spin(flag):\n"
                            "    n = 0\n"
                            "    while not flag:\n"
                            "        n += 1\n"
                            "    return n\n");
    write_file("main.py", "import threading, time\n"
                          "import helper\n"
                          "flag = []\n"
                          "def setter():\n"
                          "    time.sleep(0.02)\n"
                          "    flag.append(1)\n"
                          "threading.Thread(target=setter).start()\n"
                          "n = helper.spin(flag)\n"
                          "print('spun', n > 1000, time.monotonic() >= 0.02, n)\n"
                          "print(any(type(c).__name__ == 'builtin_function_or_method'\n"
                          "          for c in getattr(getattr(helper.spin, '__c' + 'ode__'),\n"
                          "                           'co_c' + 'onsts')))\n");
    int st;
    char *plain = sh(&st, "env -u PYTHONUNBUFFERED %s run main.py --no-db --trace", THREADSIM_BINARY);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(plain, "stdout \"spun True True "));
    CU_ASSERT_PTR_NOT_NULL(strstr(plain, "stdout \"True")); /* helper.spin has the tick */
    char *c = sh(&st, "python3 -c 'import py_compile; py_compile.compile(\"helper.py\")' && "
                      "ls __pycache__");
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(c, "helper.cpython-311.pyc"));
    char *cached = sh(&st, "env -u PYTHONUNBUFFERED %s run main.py --no-db --trace", THREADSIM_BINARY);
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(cached, plain);
    free(c);
    free(cached);
    free(plain);
    ts_remove_tree(dir);
}

/* What the ticks add is invisible to the program's errors: a traceback
 * through a ticked loop and function shows CPython's lines and carets, a
 * syntax error is CPython's report, a docstring and `from __future__` stay
 * first, and `global` after a function's first line is still legal. */
static void test_ticked_code_reads_as_written(void)
{
    PYT_EXPECT("'''doc'''\n"
               "from __future__ import annotations\n"
               "import threading\n"
               "def f(x: undefined_name):\n"
               "    'f doc'\n"
               "    global g\n"
               "    g = 1\n"
               "    for i in range(3):\n"
               "        if i == 2:\n"
               "            return {}[i]\n"
               "t = threading.Thread(target=lambda: None)\n"
               "t.start()\n"
               "print(__doc__, f.__doc__, f.__annotations__)\n"
               "print([y for y in range(3) if y], (lambda: 5)())\n"
               "f(0)\n",
               3, 1,
               "doc f doc {'x': 'undefined_name'}\n"
               "[1, 2] 5\n"
               "Traceback (most recent call last):\n"
               "  File \"t.py\", line 15, in <module>\n"
               "    f(0)\n"
               "  File \"t.py\", line 10, in f\n"
               "    return {}[i]\n"
               "           ~~^^^\n"
               "KeyError: 2\n");
    PYT_EXPECT("import threading\n"
               "for i in range(3):\n"
               "    x = (1 +\n",
               3, PYT_SYNTAX,
               "  File \"t.py\", line 3\n"
               "    x = (1 +\n"
               "        ^\n"
               "SyntaxError: '(' was never closed\n");
}

/* An interrupt from another thread (_thread.interrupt_main) is raised
 * where CPython 3.11 checks for it, and its traceback shows what
 * python3.11's does, byte for byte: a `for` loop's jump back at its last
 * statement's store (`n -= 1`, a caret under n), a `while True` loop's at
 * the whole statement, a generator expression's at itself. (The ticks sat
 * at the loop's header before.) */
static void test_interrupt_where_cpython_raises(void)
{
    PYT_EXPECT(
               "import _thread\n"
               "import threading\n"
               "import time\n"
               "import traceback\n"
               "def stop():\n"
               "    time.sleep(0.01)\n"
               "    _thread.interrupt_main()\n"
               "threading.Thread(target=stop).start()\n"
               "try:\n"
               "    for n in range(10**9):\n"
               "        n += 1\n"
               "        n -= 1\n"
               "except KeyboardInterrupt:\n"
               "    traceback.print_exc(limit=1)\n"
               "threading.Thread(target=stop).start()\n"
               "try:\n"
               "    n = 0\n"
               "    while True:\n"
               "        n += 1\n"
               "        if n < 0:\n"
               "            break\n"
               "except KeyboardInterrupt:\n"
               "    traceback.print_exc(limit=1)\n"
               "threading.Thread(target=stop).start()\n"
               "try:\n"
               "    print(sum(1 for _ in range(10**10)))\n"
               "except KeyboardInterrupt:\n"
               "    traceback.print_exc(limit=2)\n",
               3, 0,
               "Traceback (most recent call last):\n"
               "  File \"t.py\", line 12, in <module>\n"
               "    n -= 1\n"
               "    ^\n"
               "KeyboardInterrupt\n"
               "Traceback (most recent call last):\n"
               "  File \"t.py\", line 18, in <module>\n"
               "    while True:\n"
               "KeyboardInterrupt\n"
               "Traceback (most recent call last):\n"
               "  File \"t.py\", line 26, in <module>\n"
               "    print(sum(1 for _ in range(10**10)))\n"
               "          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
               "  File \"t.py\", line 26, in <genexpr>\n"
               "    print(sum(1 for _ in range(10**10)))\n"
               "             ^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
               "KeyboardInterrupt\n");
}

/* `while True: pass` on one line is a lone jump to itself, which gives a
 * tracer no line event: traced (under a policy deciding at every line) it
 * is found by the watchdog and stopped at the step limit, in a thread's
 * __del__ at exit too, instead of spinning for good. */
static void test_spin_in_place_stopped(void)
{
    static const char *const srcs[] = {
        "print('a')\nwhile True: pass\n",
        "class R:\n    def __del__(self):\n        while True: pass\nr = R()\nprint('a')\n",
    };
    for (size_t i = 0; i < sizeof srcs / sizeof *srcs; i++) {
        char *out, *full;
        model_opts mo = model_opts_default();
        sim_rng rng;
        sim_rng_seed(&rng, 7);
        mo.policy = sim_policy_random(&rng);
        CU_ASSERT_EQUAL(pyt_run_opts(srcs[i], 3, NULL, &mo, &out, &full), MODEL_EXIT_LIMIT);
        TS_ASSERT_STR_EQ(out, "a\n");
        CU_ASSERT_PTR_NOT_NULL(full ? strstr(full, "step limit") : NULL);
        free(out);
        free(full);
    }
}

/* A program that looks at its own bytecode or traces itself sees it as
 * CPython compiled it: no tick in dis, co_consts or the line events (the
 * expected text is python3's for this program). */
static void test_introspecting_program_not_ticked(void)
{
    PYT_EXPECT("import dis, sys\n"
               "c = 0\n"
               "def f():\n"
               "    global c\n"
               "    for i in range(2):\n"
               "        c += 1\n"
               "print([i.opname for i in dis.get_instructions(f)])\n"
               "print(f.__code__.co_consts)\n"
               "ev = []\n"
               "sys.settrace(lambda fr, e, a: ev.append((e, fr.f_lineno)) or "
               "(lambda fr, e, a: ev.append((e, fr.f_lineno))))\n"
               "f()\n"
               "sys.settrace(None)\n"
               "print(ev)\n",
               3, 0,
               "['RESUME', 'LOAD_GLOBAL', 'LOAD_CONST', 'PRECALL', 'CALL', 'GET_ITER', 'FOR_ITER', "
               "'STORE_FAST', 'LOAD_GLOBAL', 'LOAD_CONST', 'BINARY_OP', 'STORE_GLOBAL', "
               "'JUMP_BACKWARD', 'LOAD_CONST', 'RETURN_VALUE']\n"
               "(None, 2, 1)\n"
               "[('call', 3), ('line', 5), ('line', 6), ('line', 5), ('line', 6), ('line', 5), "
               "('return', 5)]\n");
}

TS_TESTS("py_ticks", TS_TEST(test_ticks_only_under_default_policy),
         TS_TEST(test_ticks_count_like_lines), TS_TEST(test_loop_after_first_clock_read), TS_TEST(test_switch_after_a_call), TS_TEST(test_cpu_before_a_block_is_charged), TS_TEST(test_preimport_invisible),
         TS_TEST(test_own_module_ticked_cache_blind),
         TS_TEST(test_ticked_code_reads_as_written), TS_TEST(test_interrupt_where_cpython_raises), TS_TEST(test_spin_in_place_stopped),
         TS_TEST(test_introspecting_program_not_ticked))
