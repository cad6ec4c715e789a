/*
 * tests/test_py_modules.c — the bound modules (threading, time, logging,
 * sys), the dialects, preemption, the run limits, and the tutorial programs
 * under traces/py/.
 *
 * The test_cpy_* cases come from py_modules_gen.h: their expected output is
 * CPython 3.11's. The others depend on the virtual clock, on Python 2, or on
 * threadsim's own limits, so their expected outputs are written here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "py_util.h"
#include "py_modules_gen.h"

/* ---- time on the virtual clock ------------------------------------------ */

static void test_time_virtual_clock(void)
{
    PYT_EXPECT("import time\n"
               "t0 = time.time()\n"
               "m0 = time.monotonic()\n"
               "time.sleep(2.5)\n"
               "print(t0, time.time() - t0, time.monotonic() - m0, time.perf_counter())\n"
               "time.sleep(0)\n"
               "print(time.monotonic_ns(), time.time_ns())\n",
               3, 0,
               "1704067200.0 2.500001907348633 2.5000000019999997 2.500000004\n"
               "2500000005 1704067202500006000\n");
}

/* Each clock read of the program's is a little later than the one before
 * (1 ns, time.time's 1 us), as on a machine where reading takes time: an
 * elapsed time around sleep(d) is never below d (it was
 * 0.019999999999999997 for 0.02 half the time, float rounding: `assert
 * elapsed >= d` failed, int(elapsed) was one less than python3's), two
 * reads never repeat, and virtual time (the trace) does not move; the
 * library's reads are the bare time, so queue's timeout ends at its
 * instant (1.25 s, and one read of the program's). */
static void test_clock_reads_never_short(void)
{
    PYT_EXPECT("import time, threading\n"
               "short = 0\n"
               "def w(k):\n"
               "    global short\n"
               "    for d in (0.001, 0.01, 0.02, 0.03, 0.1, 0.3, 0.7, 1.1, 2.9):\n"
               "        for f in (time.time, time.monotonic, time.perf_counter,\n"
               "                  time.time_ns, time.monotonic_ns):\n"
               "            t0 = f(); time.sleep(d); e = f() - t0\n"
               "            if isinstance(e, int): e /= 1e9\n"
               "            short += e < d or int(e * 10) < int(d * 10)\n"
               "ts = [threading.Thread(target=w, args=(k,)) for k in range(3)]\n"
               "for t in ts: t.start()\n"
               "for t in ts: t.join()\n"
               "a = time.monotonic(); b = time.monotonic()\n"
               "print(short, a < b, b - a < 1e-8, round(a, 6))\n"
               "import queue\n"
               "m0 = time.monotonic_ns()\n"
               "try: queue.Queue().get(timeout=1.25)\n"
               "except queue.Empty: print(time.monotonic_ns() - m0)\n",
               3, 0, "0 True True 25.805\n1250000001\n");
    /* logging's record timestamps step as the program's reads do (they are
     * printed): 100 ms after sleep(0.1), never 099 (a bare read is
     * 1704067200.0999999 as a float; python3's clock always overshoots) */
    model_opts mo = model_opts_default();
    mo.sim.switch_steps = 330000; /* the command's: no interval charged here */
    char *out;
    CU_ASSERT_EQUAL(pyt_run_opts("import logging, time\n"
                                 "logging.basicConfig(format='%(relativeCreated)d %(msecs)03d %(message)s',\n"
                                 "                    level=logging.INFO)\n"
                                 "time.sleep(0.1)\n"
                                 "logging.info('a')\n"
                                 "time.sleep(0.2)\n"
                                 "logging.info('b')\n"
                                 "t0 = time.time(); t1 = time.time()\n"
                                 "print(t0 < t1)\n",
                                 3, NULL, &mo, &out, NULL),
                    0);
    TS_ASSERT_STR_EQ(out, "100 100 a\n300 300 b\nTrue\n");
    free(out);
}

static void test_time_sleep_errors(void)
{
    PYT_EXPECT("import time\n"
               "try:\n"
               "    time.sleep(-1)\n"
               "except ValueError as e:\n"
               "    print(e)\n"
               "try:\n"
               "    time.sleep('x')\n"
               "except TypeError as e:\n"
               "    print(e)\n",
               3, 0,
               "sleep length must be non-negative\n"
               "'str' object cannot be interpreted as an integer\n");
}

/* Threads sleeping different times wake in deadline order; logging shows
 * the virtual time through %(relativeCreated)d. The lines run between
 * logging's import (its _startTime) and the first record are CPU time: at
 * this helper's switch interval (model_opts_default: 10000 lines per 5 ms)
 * they cost one interval, so every record is 5 ms after the exact second. */
static void test_sleepers_interleave(void)
{
    PYT_EXPECT("import threading, time, logging\n"
               "logging.basicConfig(level=logging.DEBUG,\n"
               "                    format='%(relativeCreated)6d (%(threadName)-9s) %(message)s')\n"
               "def f(secs):\n"
               "    logging.debug('sleeping %s', secs)\n"
               "    time.sleep(secs)\n"
               "    logging.debug('woke')\n"
               "ts = [threading.Thread(target=f, args=(s,), name='t%d' % s) for s in (3, 1, 2)]\n"
               "for t in ts:\n"
               "    t.start()\n"
               "for t in ts:\n"
               "    t.join()\n"
               "logging.debug('all done at %.1f', time.monotonic())\n",
               3, 0,
               "     5 (t3       ) sleeping 3\n"
               "     5 (t1       ) sleeping 1\n"
               "     5 (t2       ) sleeping 2\n"
               "  1005 (t1       ) woke\n"
               "  2005 (t2       ) woke\n"
               "  3005 (t3       ) woke\n"
               "  3005 (MainThread) all done at 3.0\n");
}

static void test_join_timeout(void)
{
    PYT_EXPECT("import threading, time\n"
               "def slow():\n"
               "    time.sleep(5)\n"
               "t = threading.Thread(target=slow, daemon=True)\n"
               "t.start()\n"
               "t.join(1.5)\n"
               "print(t.is_alive(), round(time.monotonic(), 6))\n"
               "t.join()\n"
               "print(t.is_alive(), round(time.monotonic(), 6))\n",
               3, 0, "True 1.5\nFalse 5.0\n");
}

/* ---- dialects ------------------------------------------------------------ */

static void test_py2_print_statement(void)
{
    PYT_EXPECT("import sys\n"
               "print 'a', 1, None\n"
               "print 'no newline',\n"
               "print 'then'\n"
               "print\n"
               "print 'x\\n', 'y'\n"
               "print >>sys.stderr, 'err', 2\n"
               "print ('tuple', 1)\n"
               "x = 7\n"
               "print 'd.isAlive()', x > 3\n",
               2, 0,
               "a 1 None\n"
               "no newline then\n"
               "\n"
               "x\n"
               "y\n"
               "err 2\n"
               "('tuple', 1)\n"
               "d.isAlive() True\n");
}

/* The print statement writes each item as it is evaluated: a call made by
 * a later item comes after the earlier items' output (the RLock page).
 * Unbuffered (-u), every write is its own output event, as each reaches the
 * file at once; buffered, sys.stdout holds them until the line ends. */
static void test_py2_print_writes_items_in_order(void)
{
    char *out, *full;
    py_run_opts ro = py_run_opts_default();
    ro.max_steps = 20000000;
    ro.unbuffered = true;
    int st = pyt_run_opts("def f():\n"
                          "    print 'inside'\n"
                          "    return 5\n"
                          "print 'first:', f()\n",
                          2, &ro, NULL, &out, &full);
    CU_ASSERT_EQUAL(st, 0);
    /* the inner print sees the pending softspace and writes the blank,
     * then clears it: Python 2 prints "first: inside" and "5" */
    TS_ASSERT_STR_EQ(out, "first: inside\n5\n");
    /* separate output events for the item, the space and the newline */
    CU_ASSERT_PTR_NOT_NULL(strstr(full, "stdout \"first:\"\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(full, "stdout \" \"\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(full, "stdout \"\\n\"\n"));
    free(out);
    free(full);
    /* buffered: the same output, one event per line */
    st = pyt_run_opts("def f():\n"
                      "    print 'inside'\n"
                      "    return 5\n"
                      "print 'first:', f()\n",
                      2, NULL, NULL, &out, &full);
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(out, "first: inside\n5\n");
    CU_ASSERT_PTR_NOT_NULL(strstr(full, "stdout \"first: inside\\n\"\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(full, "stdout \"5\\n\"\n"));
    free(out);
    free(full);
}

static void test_py2_semantics(void)
{
    PYT_EXPECT("import threading\n"
               "print 7 / 2, -7 / 2, 7.0 / 2, 7 // 2\n"
               "d = {'a': 1}\n"
               "print d.keys(), d.items(), d.has_key('a'), range(3), zip([1], [2])\n"
               "try:\n"
               "    raise ValueError, 'old style'\n"
               "except ValueError, e:\n"
               "    print 'caught', e\n"
               "print e\n"
               "def w():\n"
               "    pass\n"
               "t = threading.Thread(target=w)\n"
               "t.setDaemon(True)\n"
               "print t.getName(), t.isAlive(), t.isDaemon(), threading.currentThread().getName()\n"
               "print round(2.5), 0777, 10L\n"
               "import queue\n",
               2, 1,
               "3 -4 3.5 3\n"
               "['a'] [('a', 1)] True [0, 1, 2] [(1, 2)]\n"
               "caught old style\n"
               "old style\n"
               "Thread-1 False True MainThread\n"
               "3.0 511 10\n"
               "Traceback (most recent call last):\n"
               "  File \"t.py\", line 16, in <module>\n"
               "    import queue\n"
               "ImportError: No module named queue\n");
}

/* Python 2's tab rule: a tab advances to the next multiple of 8, so a tab
 * and eight spaces are the same indentation; Python 3 calls it a TabError. */
static void test_tab_rule(void)
{
    const char *src = "if True:\n"
                      "\tx = 1\n"
                      "        print(x)\n";
    PYT_EXPECT(src, 2, 0, "1\n");
    PYT_EXPECT(src, 3, PYT_SYNTAX,
               "  File \"t.py\", line 3\n"
               "    print(x)\n"
               "TabError: inconsistent use of tabs and spaces in indentation\n");
}

static void test_py3_print_statement_is_an_error(void)
{
    PYT_EXPECT("print 'x'\n", 3, PYT_SYNTAX,
               "  File \"t.py\", line 1\n"
               "    print 'x'\n"
               "    ^^^^^^^^^\n"
               "SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)?\n");
}

static void test_default_names_by_dialect(void)
{
    const char *src = "import threading\n"
                      "def worker():\n"
                      "    pass\n"
                      "print(threading.Thread(target=worker).name)\n";
    PYT_EXPECT(src, 3, 0, "Thread-1 (worker)\n");
    PYT_EXPECT(src, 2, 0, "Thread-1\n");
}

/* ---- preemption and limits ---------------------------------------------- */

/* Polling until a deadline ends, as under python3.11 (its output): a
 * thread's sleep(0) keeps the steps it ran (a yield reset them, so a lone
 * poller, or two taking turns, never saw the clock move), and a library
 * loop of failed tries (as_completed's timeout, up to the nanosecond)
 * counts them as steps after 64 in a row. Each ran for good before. */
static void test_polling_lets_time_move(void)
{
    PYT_EXPECT(
               "import concurrent.futures as cf\n"
               "import threading\n"
               "import time\n"
               "\n"
               "end = time.monotonic() + 0.01\n"
               "n = 0\n"
               "while time.monotonic() < end:\n"
               "    time.sleep(0)\n"
               "    n += 1\n"
               "print('sleep(0) polled past the deadline:', n > 0)\n"
               "\n"
               "\n"
               "def poll(name, out):\n"
               "    end = time.monotonic() + 0.01\n"
               "    while time.monotonic() < end:\n"
               "        time.sleep(0)\n"
               "    out.append(name)\n"
               "\n"
               "\n"
               "out = []\n"
               "ts = [threading.Thread(target=poll, args=(i, out)) for i in range(2)]\n"
               "for t in ts:\n"
               "    t.start()\n"
               "for t in ts:\n"
               "    t.join()\n"
               "print('two pollers done:', sorted(out))\n"
               "ev = threading.Event()\n"
               "end = time.monotonic() + 0.01\n"
               "while not ev.wait(0) and time.monotonic() < end:\n"
               "    pass\n"
               "print('Event.wait(0) polled past the deadline')\n"
               "with cf.ThreadPoolExecutor(1) as ex:\n"
               "    f = ex.submit(time.sleep, 0.3)\n"
               "    t0 = time.monotonic()\n"
               "    try:\n"
               "        list(cf.as_completed([f], timeout=0.05))\n"
               "    except cf.TimeoutError as e:\n"
               "        print('as_completed:', e, round(time.monotonic() - t0, 4))\n"
               "    done, not_done = cf.wait([f], timeout=0.05)\n"
               "    print('wait:', len(done), len(not_done))\n",
               3, 0,
               "sleep(0) polled past the deadline: True\n"
               "two pollers done: [0, 1]\n"
               "Event.wait(0) polled past the deadline\n"
               /* late by microseconds, as python3's (0.0502 here); its
                * polls at the deadline once let no time pass but a switch
                * interval's, 330,000 of them: 0.055 */
               "as_completed: 1 (of 1) futures unfinished 0.05\n"
               "wait: 0 1\n");
}

/* A thread spinning on a flag never blocks: the switch interval preempts it
 * and charges virtual time, so the sleeper wakes and sets the flag. */
static void test_spin_lets_time_move(void)
{
    PYT_EXPECT("import threading, time\n"
               "flag = []\n"
               "def setter():\n"
               "    time.sleep(0.02)\n"
               "    flag.append(1)\n"
               "threading.Thread(target=setter).start()\n"
               "spins = 0\n"
               "while not flag:\n"
               "    spins += 1\n"
               "print('set after', time.monotonic() >= 0.02, spins > 1000)\n",
               3, 0, "set after True True\n");
}

/* Under the default policy the standard library's lines are not steps: a
 * loop whose line calls queue.Queue.qsize (four lines of queue.py and a
 * lock) takes exactly the virtual time of one whose line calls len(). The
 * program's own function called back from the standard library (a
 * Thread's target, through threading's _bootstrap) is traced: it is
 * preempted. And a program's own sys.settrace sees every frame, the
 * standard library's included, as in CPython. */
static void test_stdlib_lines_are_not_steps(void)
{
    const char *src = "import threading, time, queue, sys\n"
                      "q = queue.Queue()\n"
                      "l = []\n"
                      "done = threading.Event()\n"
                      "threading.Thread(target=done.wait).start()\n"
                      "def timed(f):\n"
                      "    t0 = time.monotonic()\n"
                      "    for i in range(20000):\n"
                      "        f()\n"
                      "    return time.monotonic() - t0\n"
                      "a = timed(lambda: q.qsize())\n"
                      "b = timed(lambda: len(l))\n"
                      "print(0.9 < a / b < 1.1, a > 0.2)\n"
                      "seen = set()\n"
                      "def tr(frame, event, arg):\n"
                      "    seen.add(frame.f_code.co_filename.rsplit('/', 1)[-1])\n"
                      "sys.settrace(tr)\n"
                      "q.put(1)\n"
                      "sys.settrace(None)\n"
                      "print(sorted(seen))\n"
                      "done.set()\n";
    model_opts mo = model_opts_default();
    mo.sim.switch_steps = 1000; /* 60 intervals or so per loop */
    char *out;
    CU_ASSERT_EQUAL(pyt_run_opts(src, 3, NULL, &mo, &out, NULL), 0);
    TS_ASSERT_STR_EQ(out, "True True\n['queue.py', 'threading.py']\n");
    free(out);
}

/* An unprotected read-modify-write under a tiny switch interval. CPython
 * 3.11 switches threads only at its eval-breaker points (loop back-edges,
 * calls, function entry), never between two plain statements, so a read and
 * a write with no call between them lose nothing (python3.11 prints "False
 * 2000" here every time, whatever sys.setswitchinterval says); with a call
 * between them (inc) the switch can fall inside, and updates are lost:
 * CPython under sys.setswitchinterval(1e-6) loses some in a few runs out of
 * twenty, threadsim at 3 lines per interval loses the same ones every run. */
static void test_unprotected_counter_race(void)
{
    const char *no_call = "import threading\n"
                          "counter = 0\n"
                          "def work():\n"
                          "    global counter\n"
                          "    for i in range(1000):\n"
                          "        v = counter\n"
                          "        counter = v + 1\n"
                          "ts = [threading.Thread(target=work) for _ in range(2)]\n"
                          "for t in ts: t.start()\n"
                          "for t in ts: t.join()\n"
                          "print(counter < 2000, counter)\n";
    const char *src = "import threading\n"
                      "counter = 0\n"
                      "def inc(v):\n"
                      "    return v + 1\n"
                      "def work():\n"
                      "    global counter\n"
                      "    for i in range(1000):\n"
                      "        v = counter\n"
                      "        counter = inc(v)\n"
                      "ts = [threading.Thread(target=work) for _ in range(2)]\n"
                      "for t in ts: t.start()\n"
                      "for t in ts: t.join()\n"
                      "print(counter < 2000, counter)\n";
    model_opts mo = model_opts_default();
    mo.sim.switch_steps = 3;
    char *out, *out2;
    CU_ASSERT_EQUAL(pyt_run_opts(no_call, 3, NULL, &mo, &out, NULL), 0);
    TS_ASSERT_STR_EQ(out, "False 2000\n");
    free(out);
    CU_ASSERT_EQUAL(pyt_run_opts(src, 3, NULL, &mo, &out, NULL), 0);
    CU_ASSERT_EQUAL(strncmp(out, "True ", 5), 0);
    /* deterministic: the same lost updates every run */
    CU_ASSERT_EQUAL(pyt_run_opts(src, 3, NULL, &mo, &out2, NULL), 0);
    TS_ASSERT_STR_EQ(out2, out);
    free(out);
    free(out2);
}

static void test_step_limit(void)
{
    py_run_opts ro = py_run_opts_default();
    ro.max_steps = 5000;
    char *out, *full;
    int st = pyt_run_opts("print('start')\nwhile True:\n    pass\n", 3, &ro, NULL, &out, &full);
    CU_ASSERT_EQUAL(st, MODEL_EXIT_LIMIT);
    TS_ASSERT_STR_EQ(out, "start\n");
    CU_ASSERT_PTR_NOT_NULL(strstr(full, "limit    step limit"));
    free(out);
    free(full);
}

/* Past the limit an allocation fails and CPython raises a real MemoryError,
 * which the program can catch; its message is empty, as when python3.11
 * runs out under `ulimit -v`. The limit counts every Python allocation,
 * the interpreter's own start-up included, so it is a few MiB at least. */
static void test_memory_limit(void)
{
    py_run_opts ro = py_run_opts_default();
    ro.max_memory = 16 << 20;
    ro.max_steps = 10000000;
    char *out;
    int st = pyt_run_opts("l = []\n"
                          "try:\n"
                          "    while True:\n"
                          "        l.append('x' * 100)\n"
                          "except MemoryError as e:\n"
                          "    n = len(l)\n"
                          "    l = None\n"
                          "    print('MemoryError', n > 1000, e)\n",
                          3, &ro, NULL, &out, NULL);
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(out, "MemoryError True \n");
    free(out);
}

/* Reference counting frees loop garbage: a long loop (that would hold
 * tens of MiB if nothing were freed) stays below a small memory limit. */
static void test_memory_bounded_in_loops(void)
{
    py_run_opts ro = py_run_opts_default();
    ro.max_memory = 16 << 20;
    ro.max_steps = 0;
    char *out;
    int st = pyt_run_opts("class P:\n"
                          "    def __init__(self, v):\n"
                          "        self.v = [v, str(v), {'k': v}]\n"
                          "total = 0\n"
                          "for i in range(200000):\n"
                          "    p = P(i)\n"
                          "    total += len(p.v[1]) + len([x for x in range(5)])\n"
                          "print(total)\n",
                          3, &ro, NULL, &out, NULL);
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(out, "2088890\n");
    free(out);
}

static void test_recursion_limit_configurable(void)
{
    PYT_EXPECT("import sys\n"
               "def depth(n):\n"
               "    return 0 if n == 0 else 1 + depth(n - 1)\n"
               "sys.setrecursionlimit(3000)\n"
               "print(depth(2900), sys.getrecursionlimit())\n"
               "sys.setrecursionlimit(50)\n"
               "try:\n"
               "    depth(100)\n"
               "except RecursionError as e:\n"
               "    print('RecursionError', e)\n",
               3, 0, "2900 3000\nRecursionError maximum recursion depth exceeded\n");
}

/* ---- the trace ----------------------------------------------------------- */

static void test_line_notes_in_trace(void)
{
    char *out, *full;
    int st = pyt_run_opts("import time\n"
                          "x = 1\n"
                          "time.sleep(1)\n"
                          "print('done')\n",
                          3, NULL, NULL, &out, &full);
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(out, "done\n");
    const char *sleep_note = strstr(full, "note     t.py:3\n");
    const char *block = strstr(full, "block    sleep until 1.000000000");
    const char *print_note = strstr(full, "note     t.py:4\n");
    CU_ASSERT_PTR_NOT_NULL(sleep_note);
    CU_ASSERT_PTR_NOT_NULL(print_note);
    CU_ASSERT_TRUE(sleep_note && block && sleep_note < block);
    CU_ASSERT_PTR_NULL(strstr(full, "t.py:2")); /* no event on line 2: no note */
    py_run_opts ro = py_run_opts_default();
    ro.line_notes = false;
    char *out2, *full2;
    pyt_run_opts("import time\nx = 1\ntime.sleep(1)\nprint('done')\n", 3, &ro, NULL, &out2, &full2);
    CU_ASSERT_PTR_NULL(strstr(full2, "note"));
    free(out);
    free(full);
    free(out2);
    free(full2);
}

/* ---- the tutorial programs under traces/py ------------------------------ */

static void run_file(const char *py, int python, const char *expected_path)
{
    char path[512], exp_path[512];
    snprintf(path, sizeof path, "%s/traces/py/%s", THREADSIM_SOURCE_DIR, py);
    snprintf(exp_path, sizeof exp_path, "%s/%s", THREADSIM_SOURCE_DIR, expected_path);
    size_t n;
    char *src = ts_read_file(path, &n);
    char *expected = ts_read_file(exp_path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(src);
    CU_ASSERT_PTR_NOT_NULL_FATAL(expected);
    char *out;
    int st = pyt_run(src, python, &out);
    if (st != 0 || strcmp(out, expected) != 0)
        fprintf(stderr, "\n%s: status %d\n--- expected\n%s--- actual\n%s", py, st, expected, out);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_STRING_EQUAL(out, expected);
    free(out);
    free(src);
    free(expected);
}

static void test_seed_programs_python2(void)
{
    static const char *const names[][2] = {
        {"daemon_join_no_join.py", "no-join"}, {"daemon_join_no_sleep.py", "no-sleep"},
        {"daemon_join_join.py", "join"}, {"daemon_join_join_timeout_3.py", "join-timeout-3"},
        {"daemon_join_join_timeout_7.py", "join-timeout-7"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char exp[128];
        snprintf(exp, sizeof exp, "traces/expected/daemon-join/%s.out", names[i][1]);
        run_file(names[i][0], 2, exp);
    }
}

static void test_seed_programs_python3(void)
{
    static const char *const names[] = {
        "py3_daemon_join_no_join", "py3_daemon_join_no_sleep", "py3_daemon_join_join",
        "py3_daemon_join_join_timeout_3", "py3_daemon_join_join_timeout_7",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char py[128], exp[128];
        snprintf(py, sizeof py, "%s.py", names[i]);
        snprintf(exp, sizeof exp, "traces/py/%s.out", names[i]);
        run_file(py, 3, exp);
    }
}

/* The same program gives the same trace bytes every run. */
static void test_deterministic_trace(void)
{
    const char *src = "import threading, time, logging\n"
                      "logging.basicConfig(level=logging.DEBUG, format='%(threadName)s %(message)s')\n"
                      "def w(i):\n"
                      "    for k in range(3):\n"
                      "        time.sleep(0.1 * i)\n"
                      "        logging.debug('%d/%d', i, k)\n"
                      "ts = [threading.Thread(target=w, args=(i,)) for i in range(4)]\n"
                      "[t.start() for t in ts]\n"
                      "[t.join() for t in ts]\n";
    char *o1, *f1, *o2, *f2;
    CU_ASSERT_EQUAL(pyt_run_opts(src, 3, NULL, NULL, &o1, &f1), 0);
    CU_ASSERT_EQUAL(pyt_run_opts(src, 3, NULL, NULL, &o2, &f2), 0);
    TS_ASSERT_STR_EQ(f2, f1);
    free(o1);
    free(f1);
    free(o2);
    free(f2);
}

/* The simulated machine, the same on every host: its fixed environment
 * (the user threadsim, for getpass), 2 CPUs (os.cpu_count,
 * multiprocessing's, sched_getaffinity; ThreadPoolExecutor() makes 6
 * workers) and the name 'threadsim' (uname, platform, gethostname); the
 * functions look like the C ones they stand for. */
static void test_machine_fixed(void)
{
    PYT_EXPECT("import os, posix, platform, socket, multiprocessing, getpass\n"
               "print(getpass.getuser(), sorted(os.environ))\n"
               "from concurrent.futures import ThreadPoolExecutor\n"
               "print(os.cpu_count(), posix.cpu_count(), multiprocessing.cpu_count(),\n"
               "      sorted(os.sched_getaffinity(0)), ThreadPoolExecutor()._max_workers)\n"
               "print(platform.node(), socket.gethostname(), os.uname().nodename,\n"
               "      platform.system(), platform.release())\n"
               "print(os.cpu_count.__module__, os.uname.__module__, socket.gethostname.__module__,\n"
               "      os.cpu_count.__doc__.split('.')[0])\n"
               "try:\n"
               "    os.sched_getaffinity(99999)\n"
               "except ProcessLookupError as e:\n"
               "    print(e)\n",
               3, 0,
               "threadsim ['HOME', 'LANG', 'LOGNAME', 'PATH', 'TZ', 'USER']\n"
               "2 2 2 [0, 1] 6\n"
               "threadsim threadsim threadsim Linux 6.1.0-threadsim\n"
               "posix posix _socket Return the number of CPUs in the system; return None if indeterminable\n"
               "[Errno 3] No such process\n");
    /* its user: threadsim, uid and gid 1000 (os.getuid() and pwd named the
     * host's account, os.getlogin() the terminal's); other accounts as they are */
    PYT_EXPECT("import os, pwd, grp\n"
               "print(os.getuid(), os.geteuid(), os.getgid(), os.getegid(), os.getgroups(),\n"
               "      os.getresuid(), os.getresgid(), os.getlogin())\n"
               "print(pwd.getpwuid(os.getuid()), grp.getgrgid(os.getgid()).gr_name,\n"
               "      pwd.getpwnam('threadsim').pw_dir, os.path.expanduser('~threadsim'))\n"
               "print(pwd.getpwuid(0).pw_name, os.getuid)\n",
               3, 0,
               "1000 1000 1000 1000 [1000] (1000, 1000, 1000) (1000, 1000, 1000) threadsim\n"
               "pwd.struct_passwd(pw_name='threadsim', pw_passwd='x', pw_uid=1000, pw_gid=1000, "
               "pw_gecos='', pw_dir='/nonexistent', pw_shell='/bin/sh') threadsim /nonexistent "
               "/nonexistent\n"
               "root <built-in function getuid>\n");
}

/* _thread has CPython 3.11's names, exactly: none of 3.12's
 * (daemon_threads_allowed, the `lock` alias), none of the engine's own (the
 * bootstrap takes its functions and removes them), and _excepthook and
 * _ExceptHookArgs (without them threading uses a Python hook of its own,
 * whose argument is a namedtuple of threading's). */
/* A leading import of a module that warns when imported (imp, telnetlib:
 * PEP 594's) shows its DeprecationWarning at the program's line, as
 * python3.11's does: such imports are not done ahead at start-up (where
 * the warning would be the start-up's, and hidden). zoneinfo works (its C
 * half needs _datetime's C API: over the pure-Python datetime that once
 * stood in it ended the run with AttributeError). */
static void test_imports_as_python3(void)
{
    PYT_EXPECT("import threading\nimport imp\nimport telnetlib\nprint('ok')\n", 3, 0,
               "t.py:2: DeprecationWarning: the imp module is deprecated in favour of importlib "
               "and slated for removal in Python 3.12; see the module's documentation for "
               "alternative uses\n  import imp\n"
               "t.py:3: DeprecationWarning: 'telnetlib' is deprecated and slated for removal in "
               "Python 3.13\n  import telnetlib\n"
               "ok\n");
    PYT_EXPECT("import zoneinfo, datetime\n"
               "z = zoneinfo.ZoneInfo('Europe/Paris')\n"
               "d = datetime.datetime(2024, 7, 1, 12, 0, tzinfo=z)\n"
               "print(d, d.utcoffset(), d.tzname())\n"
               "print(datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc).astimezone(z))\n",
               3, 0, "2024-07-01 12:00:00+02:00 2:00:00 CEST\n2024-01-01 01:00:00+01:00\n");
}

/* datetime is CPython's C module, reading the virtual wall clock: now(),
 * utcnow(), today() and now(tz) in any thread are the run's instant (from
 * 2024-01-01 00:00:00 UTC; reads by the program a microsecond apart), and
 * its messages and reprs are the C module's (python3.11's texts, which the
 * pure-Python datetime that stood in before said otherwise). */
static void test_datetime_virtual_and_c(void)
{
    PYT_EXPECT("import datetime, threading, time\n"
               "from datetime import datetime as dt, timezone\n"
               "print(dt.now(), dt.utcnow(), datetime.date.today())\n"
               "def w():\n"
               "    time.sleep(1.5)\n"
               "    print('thread', dt.now(timezone.utc).isoformat())\n"
               "t = threading.Thread(target=w); t.start(); t.join()\n"
               "a = dt.now(); time.sleep(0.25); print(dt.now() - a)\n"
               "try: dt(2024, 1, 1, tzinfo=timezone.utc) < dt(2024, 1, 1)\n"
               "except TypeError as e: print(e)\n"
               "try: dt(2024, 1, 1, tzinfo=timezone.utc) - dt(2024, 1, 1)\n"
               "except TypeError as e: print(e)\n"
               "try: dt.max + datetime.timedelta(1)\n"
               "except OverflowError as e: print(e)\n"
               "class MyDT(dt): pass\n"
               "print(repr(MyDT(2024, 1, 1)), dt(2024, 5, 6).isocalendar())\n",
               3, 0,
               "2024-01-01 00:00:00 2024-01-01 00:00:00.000001 2024-01-01\n"
               "thread 2024-01-01T00:00:01.500003+00:00\n"
               "0:00:00.250001\n"
               "can't compare offset-naive and offset-aware datetimes\n"
               "can't subtract offset-naive and offset-aware datetimes\n"
               "date value out of range\n"
               "MyDT(2024, 1, 1, 0, 0) datetime.IsoCalendarDate(year=2024, week=19, weekday=1)\n");
}

static void test_thread_module_names(void)
{
    PYT_EXPECT("import _thread\n"
               "print(sorted(n for n in dir(_thread) if not n.startswith('__')))\n",
               3, 0,
               "['LockType', 'RLock', 'TIMEOUT_MAX', '_ExceptHookArgs', '_count', '_excepthook', "
               "'_local', '_set_sentinel', "
               "'allocate', 'allocate_lock', 'error', 'exit', 'exit_thread', 'get_ident', "
               "'get_native_id', 'interrupt_main', 'stack_size', 'start_new', "
               "'start_new_thread']\n");
}

/* threading.excepthook is CPython's: _thread._excepthook, whose argument
 * is the struct sequence _thread._ExceptHookArgs (what a hook of the
 * program's sees), its misuse CPython's TypeError; and the report shows
 * the innermost sys.tracebacklimit entries, as CPython's C printer does
 * (traceback.py alone would show the outermost): python3.11's output,
 * byte for byte (the program saved as t.py). */
static void test_thread_excepthook(void)
{
    PYT_EXPECT("import sys, threading\n"
               "def deep(n):\n"
               "    if n == 0:\n"
               "        raise RuntimeError('deep')\n"
               "    deep(n - 1)\n"
               "seen = []\n"
               "def hook(a):\n"
               "    seen.append((type(a).__name__, type(a).__module__, a.exc_type.__name__,\n"
               "                 a.thread.name))\n"
               "threading.excepthook = hook\n"
               "t = threading.Thread(target=deep, args=(2,), name='T'); t.start(); t.join()\n"
               "print(seen, repr(threading.__excepthook__), threading.ExceptHookArgs)\n"
               "try:\n"
               "    threading.__excepthook__(42)\n"
               "except TypeError as e:\n"
               "    print('TypeError:', e)\n"
               "threading.excepthook = threading.__excepthook__\n"
               "sys.stderr = sys.stdout\n"
               "for lim in (1, 0, -1, 10**30):\n"
               "    sys.tracebacklimit = lim\n"
               "    t = threading.Thread(target=deep, args=(2,), name='L%d' % len(str(lim)))\n"
               "    t.start(); t.join()\n"
               "sys.tracebacklimit = 2\n"
               "deep(3)\n",
               3, 1,
               "[('_ExceptHookArgs', '_thread', 'RuntimeError', 'T')] "
               "<built-in function _excepthook> <class '_thread._ExceptHookArgs'>\n"
               "TypeError: _thread.excepthook argument type must be ExceptHookArgs\n"
               "Exception in thread L1:\n"
               "Traceback (most recent call last):\n"
               "  File \"t.py\", line 4, in deep\n"
               "    raise RuntimeError('deep')\n"
               "RuntimeError: deep\n"
               "Exception in thread L1:\n"
               "RuntimeError: deep\n"
               "Exception in thread L2:\n"
               "RuntimeError: deep\n"
               "Exception in thread L31:\n"
               "Traceback (most recent call last):\n"
               "  File \"/usr/lib/python3.11/threading.py\", line 1038, in _bootstrap_inner\n"
               "    self.run()\n"
               "  File \"/usr/lib/python3.11/threading.py\", line 975, in run\n"
               "    self._target(*self._args, **self._kwargs)\n"
               "  File \"t.py\", line 5, in deep\n"
               "    deep(n - 1)\n"
               "  File \"t.py\", line 5, in deep\n"
               "    deep(n - 1)\n"
               "  File \"t.py\", line 4, in deep\n"
               "    raise RuntimeError('deep')\n"
               "RuntimeError: deep\n"
               "Traceback (most recent call last):\n"
               "  File \"t.py\", line 5, in deep\n"
               "    deep(n - 1)\n"
               "  File \"t.py\", line 4, in deep\n"
               "    raise RuntimeError('deep')\n"
               "RuntimeError: deep\n");
}

/* What else read the host's clocks or state is the virtual machine's:
 * uuid1 (its time on the virtual clock, 2024-01-01 plus the CPU time
 * charged; the node the machine's), os.times and resource.getrusage (CPU
 * time as process_time; elapsed the monotonic clock), os.getloadavg. */
static void test_host_clocks_virtual(void)
{
    PYT_EXPECT("import os, time, uuid, resource, threading\n"
               "def spin():\n"
               "    x = 0\n"
               "    for i in range(400000):\n"
               "        x += i\n"
               "t = threading.Thread(target=spin); t.start(); t.join()\n"
               "time.sleep(1.5)\n"
               "u = uuid.uuid1()\n"
               "print(u.node == uuid.getnode() == 0x034242424242, u.version)\n"
               "print(time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime((u.time - 0x01b21dd213814000) / 1e7)))\n"
               "tm = os.times()\n"
               "print(tm.user == time.process_time() > 0, tm.system, abs(tm.elapsed - time.monotonic()) < 1e-6 and tm.elapsed > 1.5)\n"
               "ru = resource.getrusage(resource.RUSAGE_SELF)\n"
               "print(ru.ru_utime == time.process_time(), ru.ru_stime, ru.ru_maxrss,\n"
               "      resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime)\n"
               "print(os.getloadavg())\n",
               3, 0,
               "True 1\n"
               "2024-01-01 00:00:01\n"
               "True 0.0 True\n"
               "True 0.0 0 0.0\n"
               "(0.0, 0.0, 0.0)\n");
}

/* The mmap module's mappings count toward --max-memory (256 MiB here):
 * refused past it with the kernel's OSError(ENOMEM), given back at close,
 * at the object's end, and by a resize down; the type reads as C's. */
static void test_mmap_on_memory_limit(void)
{
    PYT_EXPECT("import mmap, gc\n"
               "M = 1 << 20\n"
               "def try_map(n):\n"
               "    try:\n"
               "        return mmap.mmap(-1, n)\n"
               "    except OSError as e:\n"
               "        print('refused', n // M, e)\n"
               "print(try_map(1 << 30))\n"
               "a, b = try_map(100 * M), try_map(100 * M)\n"
               "print(try_map(100 * M))\n"
               "a.close()\n"
               "c = try_map(100 * M); print(len(c))\n"
               "del b; gc.collect()\n"
               "d = try_map(100 * M); print(len(d))\n"
               "try:\n"
               "    d.resize(200 * M)\n"
               "except OSError as e:\n"
               "    print('resize', e)\n"
               "d.resize(10 * M); e = try_map(80 * M); print(len(e))\n"
               "print(repr(a), type(c).__qualname__, type(c).__module__, isinstance(c, mmap.mmap))\n",
               3, 0,
               "refused 1024 [Errno 12] Cannot allocate memory\n"
               "None\n"
               "refused 100 [Errno 12] Cannot allocate memory\n"
               "None\n"
               "104857600\n"
               "104857600\n"
               "resize [Errno 12] Cannot allocate memory\n"
               "83886080\n"
               "<mmap.mmap closed=True> mmap mmap True\n");
}

/* SQLite's clock is the run's virtual one and its random() seeded from the
 * run's seed (they were the host's wall clock and /dev/urandom: another
 * line on every run); its busy handler sleeps on the virtual clock, so a
 * writer waiting for another thread's lock gets it as under python3 (the
 * holder could never run: "database is locked" after 5 s of wall time). */
static void test_sqlite_clock_and_busy_wait(void)
{
    PYT_EXPECT(
        "import sqlite3, time\n"
        "c = sqlite3.connect(':memory:')\n"
        "print(c.execute(\"select datetime('now'), julianday('now')\").fetchone())\n"
        "a = c.execute('select random(), hex(randomblob(8))').fetchone()\n"
        "time.sleep(3661.5)\n"
        "print(c.execute(\"select datetime('now'), strftime('%f', 'now')\").fetchone())\n",
        3, 0,
        "('2024-01-01 00:00:00', 2460310.5)\n('2024-01-01 01:01:01', '01.500')\n");
    char *a = NULL, *b = NULL;
    const char *rnd = "import sqlite3\n"
                      "print(sqlite3.connect(':memory:').execute('select random(), hex(randomblob(8))').fetchone())\n";
    int sa = pyt_run(rnd, 3, &a), sb = pyt_run(rnd, 3, &b);
    CU_ASSERT_EQUAL(sa, 0);
    CU_ASSERT_EQUAL(sb, 0);
    TS_ASSERT_STR_EQ(a, b);
    free(a);
    free(b);
    PYT_EXPECT(
        "import sqlite3, threading, time, tempfile, os\n"
        "db = os.path.join(tempfile.mkdtemp(), \"x.db\")\n"
        "sqlite3.connect(db).execute(\"create table t (v int)\")\n"
        "def holder():\n"
        "    c = sqlite3.connect(db, isolation_level=None)\n"
        "    c.execute(\"begin immediate\"); c.execute(\"insert into t values (1)\")\n"
        "    time.sleep(0.3)                        # hold the write lock for 0.3 s\n"
        "    c.execute(\"commit\"); c.close()\n"
        "def writer():\n"
        "    c = sqlite3.connect(db, timeout=5)     # should wait for the holder\n"
        "    try:\n"
        "        c.execute(\"insert into t values (2)\"); c.commit(); print(\"writer ok\")\n"
        "    except sqlite3.OperationalError as e:\n"
        "        print(\"OperationalError:\", e)\n"
        "a = threading.Thread(target=holder); a.start(); time.sleep(0.05)\n"
        "b = threading.Thread(target=writer); b.start()\n"
        "a.join(); b.join()\n"
        "print(sqlite3.connect(db).execute(\"select count(*) from t\").fetchone())\n",
        3, 0, "writer ok\n(2,)\n");
}

/* A connection made in one thread refuses another (check_same_thread), as
 * python3's does: _sqlite3 asks the thread's ident, which is the green
 * thread's, as threading.get_ident() gives it (pthread-like numbers, as
 * python3's); it worked in any thread before. */
static void test_sqlite_same_thread(void)
{
    PYT_EXPECT(
        "import sqlite3, threading\n"
        "conn = sqlite3.connect(\":memory:\")\n"
        "free = sqlite3.connect(\":memory:\", check_same_thread=False)\n"
        "def use():\n"
        "    try:\n"
        "        conn.execute(\"select 1\")\n"
        "        print(\"no error\")\n"
        "    except sqlite3.ProgrammingError as e:\n"
        "        print(\"ProgrammingError:\", e)\n"
        "    print(free.execute(\"select 2\").fetchone())\n"
        "    own = sqlite3.connect(\":memory:\")\n"
        "    print(own.execute(\"select 3\").fetchone())\n"
        "    own.close()\n"
        "t = threading.Thread(target=use); t.start(); t.join()\n"
        "print(conn.execute(\"select 4\").fetchone())\n",
        3, 0,
        "ProgrammingError: SQLite objects created in a thread can only be used in that same "
        "thread. The object was created in thread id 140026874509120 and this is thread id 140026866300608.\n"
        "(2,)\n(3,)\n(4,)\n");
}

/* The sqlite3 module's databases allocate from the run's region: an
 * in-memory database that outgrows --max-memory (256 MiB here) raises
 * MemoryError, as SQLite out of memory does in CPython; dropped, its
 * memory is back; connection reprs repeat (the region's addresses). */
static void test_sqlite_on_memory_limit(void)
{
    char *a, *b;
    static const char src[] =
        "import sqlite3\n"
        "db = sqlite3.connect(':memory:')\n"
        "db.execute('create table t(x)')\n"
        "n = 0\n"
        "try:\n"
        "    for n in range(400):\n"
        "        db.execute('insert into t values (zeroblob(1000000))')\n"
        "except MemoryError as e:\n"
        "    print('MemoryError', repr(e), 200 < n < 256)\n"
        "db.execute('drop table t')\n"
        "db.execute('create table u(x)')\n"
        "for i in range(100):\n"
        "    db.execute('insert into u values (zeroblob(1000000))')\n"
        "print(db.execute('select count(*) from u').fetchone(), db)\n";
    CU_ASSERT_EQUAL(pyt_run(src, 3, &a), 0);
    CU_ASSERT_EQUAL(pyt_run(src, 3, &b), 0);
    if (!strstr(a, "MemoryError MemoryError() True\n(100,) <sqlite3.Connection object at 0x2000"))
        fprintf(stderr, "\n%s\n", a);
    CU_ASSERT_PTR_NOT_NULL(strstr(a, "MemoryError MemoryError() True\n(100,) <sqlite3.Connection object at 0x2000"));
    TS_ASSERT_STR_EQ(a, b);
    free(a);
    free(b);
}

TS_TESTS("py_modules", PY_MODULES_GEN_TESTS, TS_TEST(test_time_virtual_clock), TS_TEST(test_clock_reads_never_short), TS_TEST(test_machine_fixed), TS_TEST(test_datetime_virtual_and_c), TS_TEST(test_thread_module_names), TS_TEST(test_imports_as_python3), TS_TEST(test_thread_excepthook), TS_TEST(test_host_clocks_virtual), TS_TEST(test_mmap_on_memory_limit), TS_TEST(test_sqlite_on_memory_limit), TS_TEST(test_sqlite_same_thread), TS_TEST(test_sqlite_clock_and_busy_wait),
         TS_TEST(test_time_sleep_errors), TS_TEST(test_sleepers_interleave),
         TS_TEST(test_join_timeout), TS_TEST(test_py2_print_statement),
         TS_TEST(test_py2_print_writes_items_in_order), TS_TEST(test_py2_semantics),
         TS_TEST(test_tab_rule), TS_TEST(test_py3_print_statement_is_an_error),
         TS_TEST(test_default_names_by_dialect), TS_TEST(test_spin_lets_time_move), TS_TEST(test_polling_lets_time_move), TS_TEST(test_stdlib_lines_are_not_steps),
         TS_TEST(test_unprotected_counter_race), TS_TEST(test_step_limit),
         TS_TEST(test_memory_limit), TS_TEST(test_memory_bounded_in_loops),
         TS_TEST(test_recursion_limit_configurable), TS_TEST(test_line_notes_in_trace),
         TS_TEST(test_seed_programs_python2), TS_TEST(test_seed_programs_python3),
         TS_TEST(test_deterministic_trace))
