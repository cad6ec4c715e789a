/*
 * tests/test_limits.c — the switch interval and the run limits (issue 4,
 * item 5): a loop spinning on Queue.empty() is preempted every switch
 * interval and charged its virtual time, so a sleeping producer wakes; a
 * program that never ends stops at --max-time / --max-events (or its own
 * default limit) with exit status 4, a `limit` event and a clear message,
 * and every event up to the limit is kept.
 */
#include <stdlib.h>
#include <string.h>

#include "model/queue.h"
#include "model/thread.h"
#include "test_log.h"
#include "test_util.h"
#include "tools/scenarios/scenario.h"

static trace TR;

static int run_opts(const model_opts *o, void (*main)(void *), void *arg)
{
    ts_log_reset();
    return ts_run_traced(o, main, arg, &TR);
}

static void check_log(const char *want) { TS_ASSERT_STR_EQ(sim_buf_str(&ts_log), want); }

static int count_kind(sim_ev_kind kind, uint32_t thread)
{
    int n = 0;
    for (size_t i = 0; i < TR.n; i++)
        if (TR.ev[i].kind == kind && (thread == SIM_NONE || TR.ev[i].thread == thread))
            n++;
    return n;
}

/* The events are numbered 1..n without a gap: nothing was dropped. */
static void check_contiguous(void)
{
    for (size_t i = 0; i < TR.n; i++)
        CU_ASSERT_EQUAL(TR.ev[i].seq, i + 1);
}

/* ---- spinning on empty() ------------------------------------------------ */

typedef struct producer {
    model_queue *q;
    double delay;
} producer;

static void t_producer(void *arg)
{
    producer *p = arg;
    model_sleep(p->delay);
    CU_ASSERT_EQUAL(model_queue_put(p->q, model_qitem_int(42), true, MODEL_NO_TIMEOUT), 0);
    ts_note("producer", "put 42");
}

/* main: while q.empty(): pass; then q.get_nowait(). */
static void main_spin(void *arg)
{
    double delay = *(double *)arg;
    model_queue *q = model_queue_new(MODEL_QUEUE_FIFO, 0);
    static producer p;
    p = (producer){q, delay};
    model_thread_start(model_thread_new("producer", t_producer, &p, NULL));
    while (model_queue_empty(q))
        ;
    model_qitem it;
    CU_ASSERT_EQUAL(model_queue_get_nowait(q, &it), 0);
    ts_note("main", "got %lld", (long long)it.num);
}

/* A 1 s sleep ends exactly on the 200th interval of 5 ms. */
static void test_spin_on_empty_lets_time_move(void)
{
    double delay = 1.0;
    CU_ASSERT_EQUAL(run_opts(NULL, main_spin, &delay), 0);
    check_log("1.000000000 producer put 42\n"
              "1.000000000 main got 42\n");
    CU_ASSERT_EQUAL(count_kind(SIM_EV_PREEMPT, 0), 200); /* all main's: thread 0 */
    CU_ASSERT_EQUAL(count_kind(SIM_EV_PREEMPT, SIM_NONE), 200);
    trace_fini(&TR);
}

/* A 12.3 ms sleep: the sleeper wakes when the interval that covers its
 * deadline has been charged, at 15 ms; with 1 ms intervals, at 13 ms. */
static void test_sleeper_wakes_at_the_interval_boundary(void)
{
    double delay = 0.0123;
    CU_ASSERT_EQUAL(run_opts(NULL, main_spin, &delay), 0);
    check_log("0.015000000 producer put 42\n"
              "0.015000000 main got 42\n");
    CU_ASSERT_EQUAL(count_kind(SIM_EV_PREEMPT, SIM_NONE), 3);
    /* the sleep's timeout event is stamped with the boundary too */
    for (size_t i = 0; i < TR.n; i++)
        if (TR.ev[i].kind == SIM_EV_TIMEOUT)
            CU_ASSERT_EQUAL(TR.ev[i].time, 15000000);
    trace_fini(&TR);

    model_opts o = model_opts_default();
    o.sim.switch_steps = 100;
    o.sim.switch_ns = 1000000;
    CU_ASSERT_EQUAL(run_opts(&o, main_spin, &delay), 0);
    check_log("0.013000000 producer put 42\n"
              "0.013000000 main got 42\n");
    CU_ASSERT_EQUAL(count_kind(SIM_EV_PREEMPT, SIM_NONE), 13);
    trace_fini(&TR);
}

/* ---- a program that never ends ------------------------------------------ */

static void t_ticker(void *arg)
{
    (void)arg;
    for (int i = 1;; i++) {
        model_sleep(1);
        model_print("tick %d", i);
    }
}

static void main_forever(void *arg)
{
    (void)arg;
    model_thread_start(model_thread_new("ticker", t_ticker, NULL, NULL));
}

static const trace_event *find_limit(void)
{
    for (size_t i = 0; i < TR.n; i++)
        if (TR.ev[i].kind == SIM_EV_LIMIT)
            return &TR.ev[i];
    return NULL;
}

static void test_max_time_stops_a_program_that_never_ends(void)
{
    model_opts o = model_opts_default();
    o.sim.max_time = 5500000000; /* 5.5 s: tick 6 would be at 6 s */
    CU_ASSERT_EQUAL(run_opts(&o, main_forever, NULL), MODEL_EXIT_LIMIT);
    char *out = ts_output(&TR);
    TS_ASSERT_STR_EQ(out, "tick 1\ntick 2\ntick 3\ntick 4\ntick 5\n");
    free(out);
    const trace_event *lim = find_limit();
    CU_ASSERT_PTR_NOT_NULL_FATAL(lim);
    TS_ASSERT_STR_EQ(lim->text, "time limit");
    CU_ASSERT_EQUAL(lim->time, 5000000000); /* the clock never passes the limit */
    /* after the limit: the still-alive threads are reported killed, and
     * that is all */
    for (const trace_event *e = lim + 1; e < TR.ev + TR.n; e++)
        CU_ASSERT_EQUAL(e->kind, SIM_EV_KILLED);
    CU_ASSERT_EQUAL(count_kind(SIM_EV_KILLED, SIM_NONE), 2); /* main (shutdown), ticker */
    check_contiguous();
    trace_fini(&TR);
}

static void test_max_events_stops_a_program_that_never_ends(void)
{
    /* the unlimited-by-events run up to 10 s, for comparison */
    model_opts o = model_opts_default();
    o.sim.max_time = 10000000000;
    CU_ASSERT_EQUAL(run_opts(&o, main_forever, NULL), MODEL_EXIT_LIMIT);
    char *whole = ts_output(&TR);
    trace_fini(&TR);

    o = model_opts_default();
    o.sim.max_events = 30;
    model_result res;
    ts_log_reset();
    trace_init(&TR);
    o.sink = trace_sink;
    o.sink_ud = &TR;
    CU_ASSERT_EQUAL(model_run(&o, main_forever, NULL, &res), MODEL_EXIT_LIMIT);
    CU_ASSERT_EQUAL(res.status, MODEL_EXIT_LIMIT);
    CU_ASSERT_EQUAL(res.sim, SIM_LIMIT);
    const trace_event *lim = find_limit();
    CU_ASSERT_PTR_NOT_NULL_FATAL(lim);
    TS_ASSERT_STR_EQ(lim->text, "event limit");
    /* the 30th event ends the run at the next scheduling point: every event
     * up to it is kept, and at most the rest of one step follows */
    size_t before = (size_t)(lim - TR.ev);
    CU_ASSERT_TRUE(before >= 30 && before <= 33);
    check_contiguous();
    char *out = ts_output(&TR);
    CU_ASSERT_TRUE(strlen(out) > 0);
    CU_ASSERT_EQUAL(strncmp(whole, out, strlen(out)), 0); /* a prefix of the longer run */
    free(out);
    free(whole);
    trace_fini(&TR);
}

/* A thread that never blocks and never ends: the switch interval charges
 * time, so --max-time stops it too. */
static void main_pure_spin(void *arg)
{
    (void)arg;
    for (;;)
        model_step();
}

static void test_max_time_stops_a_pure_spin(void)
{
    model_opts o = model_opts_default();
    o.sim.max_time = 100000000; /* 0.1 s = 20 intervals */
    CU_ASSERT_EQUAL(run_opts(&o, main_pure_spin, NULL), MODEL_EXIT_LIMIT);
    CU_ASSERT_EQUAL(count_kind(SIM_EV_PREEMPT, SIM_NONE), 20);
    const trace_event *lim = find_limit();
    CU_ASSERT_PTR_NOT_NULL_FATAL(lim);
    CU_ASSERT_EQUAL(lim->time, 100000000);
    trace_fini(&TR);
}

/* ---- the Queue page's own default limit --------------------------------- */

static int run_queue_page(model_opts *o)
{
    const ts_scenario *sc = ts_scenario_find("queue/producer-consumer");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    o->python = sc->python;
    return run_opts(o, sc->main, NULL);
}

static void test_queue_page_default_limit_and_override(void)
{
    model_opts o = model_opts_default();
    CU_ASSERT_EQUAL(run_queue_page(&o), MODEL_EXIT_LIMIT);
    const trace_event *lim = find_limit();
    CU_ASSERT_PTR_NOT_NULL_FATAL(lim);
    CU_ASSERT_TRUE(lim->time <= 30000000000 && lim->time > 29000000000);
    CU_ASSERT_TRUE(count_kind(SIM_EV_PREEMPT, SIM_NONE) > 0); /* it did spin */
    char *whole = ts_output(&TR);
    trace_fini(&TR);

    /* a limit given to the run wins over the program's own */
    o = model_opts_default();
    o.sim.max_time = 5000000000;
    CU_ASSERT_EQUAL(run_queue_page(&o), MODEL_EXIT_LIMIT);
    lim = find_limit();
    CU_ASSERT_PTR_NOT_NULL_FATAL(lim);
    CU_ASSERT_TRUE(lim->time <= 5000000000);
    char *part = ts_output(&TR);
    CU_ASSERT_TRUE(strlen(part) < strlen(whole));
    CU_ASSERT_EQUAL(strncmp(whole, part, strlen(part)), 0);
    free(part);
    trace_fini(&TR);

    o = model_opts_default();
    o.sim.max_events = 100; /* an event limit alone also replaces the default */
    CU_ASSERT_EQUAL(run_queue_page(&o), MODEL_EXIT_LIMIT);
    lim = find_limit();
    CU_ASSERT_PTR_NOT_NULL_FATAL(lim);
    TS_ASSERT_STR_EQ(lim->text, "event limit");
    trace_fini(&TR);
    free(whole);
}

/* ---- the command line --------------------------------------------------- */

static void test_cli_limits(void)
{
    int status = -1;
    char *out = ts_capture(THREADSIM_BINARY " run queue/producer-consumer --no-db 2>&1", &status);
    CU_ASSERT_EQUAL(status, 124);
    char *expected = ts_read_file(
        THREADSIM_SOURCE_DIR "/traces/expected/queue/producer-consumer.out", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(expected);
    sim_buf want = {0};
    sim_buf_adds(&want, expected);
    sim_buf_adds(&want, "threadsim: run stopped: time limit reached\n");
    TS_ASSERT_STR_EQ(out, sim_buf_str(&want));
    free(out);
    sim_buf_free(&want);

    /* --max-time: a prefix of the same output, the same clear message */
    out = ts_capture(THREADSIM_BINARY " run queue/producer-consumer --no-db --max-time 5 2>&1",
                     &status);
    CU_ASSERT_EQUAL(status, 124);
    const char *msg = "threadsim: run stopped: time limit reached\n";
    size_t n = strlen(out), m = strlen(msg);
    CU_ASSERT_TRUE(n > m && strcmp(out + n - m, msg) == 0);
    CU_ASSERT_EQUAL(strncmp(out, expected, n - m), 0);
    free(out);

    /* --max-events, with the full view: the trace ends with the limit and
     * the kills (the full view says it in its `limit` line) */
    out = ts_capture(THREADSIM_BINARY
                     " run queue/producer-consumer --no-db --max-events 40 --trace 2>&1",
                     &status);
    CU_ASSERT_EQUAL(status, 124);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, " limit    event limit\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, " producer   killed   "));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "      1 ")); /* event 1 is still there */
    free(out);
    free(expected);
}

TS_TESTS("limits", TS_TEST(test_spin_on_empty_lets_time_move),
         TS_TEST(test_sleeper_wakes_at_the_interval_boundary),
         TS_TEST(test_max_time_stops_a_program_that_never_ends),
         TS_TEST(test_max_events_stops_a_program_that_never_ends),
         TS_TEST(test_max_time_stops_a_pure_spin),
         TS_TEST(test_queue_page_default_limit_and_override), TS_TEST(test_cli_limits))
