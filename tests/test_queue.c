/*
 * tests/test_queue.c — model/queue: orders and the PriorityQueue tie, every
 * misuse with CPython's exception, timeouts at exact virtual times, FIFO wake
 * order of getters, putters and joiners, CPython's robbed-waiter and
 * timed-out-waiter cases, SimpleQueue's lock hand-off, deadlock and kill
 * reports. Each program writes a log (test_log.h) compared as a whole.
 */
#include <stdlib.h>
#include <string.h>

#include "model/queue.h"
#include "model/random.h"
#include "model/thread.h"
#include "test_log.h"
#include "test_util.h"

static trace TR;

/* Run `main` traced with default options; returns the exit status. */
static int run(void (*main)(void *), void *arg)
{
    ts_log_reset();
    return ts_run_traced(NULL, main, arg, &TR);
}

static void check_log(const char *want) { TS_ASSERT_STR_EQ(sim_buf_str(&ts_log), want); }

/* Events of `kind` whose reason is `reason` (NULL: any). */
static int count_events(sim_ev_kind kind, const char *reason)
{
    int n = 0;
    for (size_t i = 0; i < TR.n; i++)
        if (TR.ev[i].kind == kind &&
            (!reason || (TR.ev[i].reason && strcmp(TR.ev[i].reason, reason) == 0)))
            n++;
    return n;
}

static model_thread *spawn(const char *name, model_target_fn fn, void *arg)
{
    model_thread *t = model_thread_new(name, fn, arg, NULL);
    CU_ASSERT_EQUAL(model_thread_start(t), 0);
    return t;
}

static int64_t get1(model_queue *q)
{
    model_qitem it = {0, -1, NULL};
    CU_ASSERT_EQUAL(model_queue_get(q, true, MODEL_NO_TIMEOUT, &it), 0);
    return it.num;
}

static void put1(model_queue *q, int64_t v)
{
    CU_ASSERT_EQUAL(model_queue_put(q, model_qitem_int(v), true, MODEL_NO_TIMEOUT), 0);
}

/* ---- orders ------------------------------------------------------------- */

static void main_orders(void *arg)
{
    (void)arg;
    static const model_queue_kind kinds[] = {MODEL_QUEUE_FIFO, MODEL_QUEUE_LIFO,
                                             MODEL_QUEUE_PRIORITY, MODEL_QUEUE_SIMPLE};
    static const char *const names[] = {"fifo", "lifo", "priority", "simple"};
    for (int k = 0; k < 4; k++) {
        model_queue *q = model_queue_new(kinds[k], 0);
        put1(q, 3), put1(q, 1), put1(q, 2);
        int64_t a = get1(q), b = get1(q), c = get1(q);
        ts_note("main", "%s %lld %lld %lld", names[k], (long long)a, (long long)b, (long long)c);
    }
}

static void test_orders(void)
{
    CU_ASSERT_EQUAL(run(main_orders, NULL), 0);
    check_log("0.000000000 main fifo 3 1 2\n"
              "0.000000000 main lifo 2 1 3\n"
              "0.000000000 main priority 1 2 3\n"
              "0.000000000 main simple 3 1 2\n");
    trace_fini(&TR);
}

/* Equal priorities come out in insertion order (the documented tie-break;
 * CPython would compare the items themselves). */
static void main_priority_tie(void *arg)
{
    (void)arg;
    model_queue *q = model_queue_new(MODEL_QUEUE_PRIORITY, 0);
    static const int64_t keys[] = {2, 1, 2, 1, 1};
    for (int i = 0; i < 5; i++)
        model_queue_put(q, (model_qitem){keys[i], i + 1, NULL}, true, MODEL_NO_TIMEOUT);
    sim_buf s = {0};
    for (int i = 0; i < 5; i++)
        sim_buf_printf(&s, " %lld", (long long)get1(q));
    ts_note("main", "got%s", sim_buf_str(&s));
    sim_buf_free(&s);
}

static void test_priority_tie_is_insertion_order(void)
{
    CU_ASSERT_EQUAL(run(main_priority_tie, NULL), 0);
    check_log("0.000000000 main got 2 4 5 1 3\n"); /* key 1: #2 #4 #5, key 2: #1 #3 */
    trace_fini(&TR);
}

/* The heap against a tiny reference model (linear scan for the smallest
 * (key, put number)), over 2000 random puts and gets with many equal keys. */
static void main_priority_vs_reference(void *arg)
{
    int *mismatches = arg;
    model_queue *q = model_queue_new(MODEL_QUEUE_PRIORITY, 0);
    enum { MAXN = 2000 };
    static int64_t rkey[MAXN], rnum[MAXN];
    static bool rlive[MAXN];
    int nput = 0, live = 0;
    model_mt g;
    model_mt_seed(&g, 2024);
    for (int step = 0; step < MAXN * 2 && (nput < MAXN || live); step++) {
        bool do_put = nput < MAXN && (live == 0 || model_mt_randbelow(&g, 3) != 0);
        if (do_put) {
            rkey[nput] = (int64_t)model_mt_randbelow(&g, 5); /* 5 keys: ties everywhere */
            rnum[nput] = nput;
            rlive[nput] = true;
            model_queue_put(q, (model_qitem){rkey[nput], nput, NULL}, true, MODEL_NO_TIMEOUT);
            nput++, live++;
            continue;
        }
        int best = -1;
        for (int i = 0; i < nput; i++)
            if (rlive[i] && (best < 0 || rkey[i] < rkey[best]))
                best = i; /* first (oldest) of the smallest key */
        rlive[best] = false;
        live--;
        if (get1(q) != rnum[best])
            (*mismatches)++;
    }
    if (!model_queue_empty(q))
        (*mismatches)++;
}

static void test_priority_heap_matches_reference(void)
{
    int mismatches = 0;
    CU_ASSERT_EQUAL(run(main_priority_vs_reference, &mismatches), 0);
    CU_ASSERT_EQUAL(mismatches, 0);
    trace_fini(&TR);
}

static void main_sizes(void *arg)
{
    (void)arg;
    model_queue *q = model_queue_new(MODEL_QUEUE_FIFO, 2);
    ts_note("q2", "empty=%d full=%d qsize=%zu", model_queue_empty(q), model_queue_full(q),
            model_queue_qsize(q));
    put1(q, 1), put1(q, 2);
    ts_note("q2", "empty=%d full=%d qsize=%zu", model_queue_empty(q), model_queue_full(q),
            model_queue_qsize(q));
    model_queue *u = model_queue_new(MODEL_QUEUE_LIFO, -3); /* maxsize <= 0: unbounded */
    for (int i = 0; i < 100; i++)
        put1(u, i);
    ts_note("q-3", "full=%d qsize=%zu", model_queue_full(u), model_queue_qsize(u));
}

static void test_sizes(void)
{
    CU_ASSERT_EQUAL(run(main_sizes, NULL), 0);
    check_log("0.000000000 q2 empty=1 full=0 qsize=0\n"
              "0.000000000 q2 empty=0 full=1 qsize=2\n"
              "0.000000000 q-3 full=0 qsize=100\n");
    trace_fini(&TR);
}

/* ---- misuse: CPython's exceptions --------------------------------------- */

static void main_errors(void *arg)
{
    (void)arg;
    model_qitem it;
    model_queue *q = model_queue_new(MODEL_QUEUE_FIFO, 0);
    CU_ASSERT_EQUAL(model_queue_get_nowait(q, &it), -1);
    ts_note_exc("get_nowait");
    CU_ASSERT_EQUAL(model_queue_get(q, false, 5.0, &it), -1);
    ts_note_exc("get(False)");
    CU_ASSERT_EQUAL(model_queue_get(q, true, -1.0, &it), -1);
    ts_note_exc("get(timeout=-1)");
    put1(q, 1); /* the check comes before looking at the queue */
    CU_ASSERT_EQUAL(model_queue_get(q, true, -1.0, &it), -1);
    ts_note_exc("get(timeout=-1) nonempty");
    CU_ASSERT_EQUAL(model_queue_put(q, model_qitem_int(2), true, -1.0), 0);
    ts_note("put(timeout=-1) unbounded", "ok qsize=%zu", model_queue_qsize(q));

    model_queue *b = model_queue_new(MODEL_QUEUE_FIFO, 1);
    CU_ASSERT_EQUAL(model_queue_put(b, model_qitem_int(1), true, -0.5), -1);
    ts_note_exc("put(timeout=-0.5) bounded");
    put1(b, 1);
    CU_ASSERT_EQUAL(model_queue_put_nowait(b, model_qitem_int(2)), -1);
    ts_note_exc("put_nowait");
    CU_ASSERT_EQUAL(model_queue_put(b, model_qitem_int(2), false, 9.0), -1);
    ts_note_exc("put(False)");

    model_queue *t = model_queue_new(MODEL_QUEUE_FIFO, 0);
    CU_ASSERT_EQUAL(model_queue_task_done(t), -1);
    ts_note_exc("task_done");
    put1(t, 1);
    CU_ASSERT_EQUAL(model_queue_task_done(t), 0); /* the failed call changed nothing */
    CU_ASSERT_EQUAL(model_queue_task_done(t), -1);
    ts_note_exc("task_done again");

    model_queue *s = model_queue_new(MODEL_QUEUE_SIMPLE, 5);
    CU_ASSERT_EQUAL(model_queue_full(s), -1);
    ts_note_exc("simple.full");
    CU_ASSERT_EQUAL(model_queue_task_done(s), -1);
    ts_note_exc("simple.task_done");
    CU_ASSERT_EQUAL(model_queue_join(s), -1);
    ts_note_exc("simple.join");
    CU_ASSERT_EQUAL(model_queue_get_nowait(s, &it), -1);
    ts_note_exc("simple.get_nowait");
    CU_ASSERT_EQUAL(model_queue_get(s, true, 0.0, &it), -1);
    ts_note_exc("simple.get(timeout=0)");
    CU_ASSERT_EQUAL(model_queue_get(s, true, -1.0, &it), -1);
    ts_note_exc("simple.get(timeout=-1)");
    CU_ASSERT_EQUAL(model_queue_get(s, true, NAN, &it), -1);
    ts_note_exc("simple.get(timeout=nan)");
    CU_ASSERT_EQUAL(model_queue_put(s, model_qitem_int(4), false, -5.0), 0); /* ignored */
    CU_ASSERT_EQUAL(model_queue_get(s, false, -1.0, &it), 0);
    ts_note("simple", "got %lld maxsize=%ld", (long long)it.num, s->maxsize);
}

/* Checked against python3 (3.11.7): e.g. `queue.Queue().get_nowait()` ends
 * with "_queue.Empty", a full put_nowait with "queue.Full". */
static void test_errors_are_cpythons(void)
{
    CU_ASSERT_EQUAL(run(main_errors, NULL), 0);
    check_log("0.000000000 get_nowait _queue.Empty\n"
              "0.000000000 get(False) _queue.Empty\n"
              "0.000000000 get(timeout=-1) ValueError: 'timeout' must be a non-negative number\n"
              "0.000000000 get(timeout=-1) nonempty ValueError: 'timeout' must be a non-negative number\n"
              "0.000000000 put(timeout=-1) unbounded ok qsize=2\n"
              "0.000000000 put(timeout=-0.5) bounded ValueError: 'timeout' must be a non-negative number\n"
              "0.000000000 put_nowait queue.Full\n"
              "0.000000000 put(False) queue.Full\n"
              "0.000000000 task_done ValueError: task_done() called too many times\n"
              "0.000000000 task_done again ValueError: task_done() called too many times\n"
              "0.000000000 simple.full AttributeError: '_queue.SimpleQueue' object has no attribute 'full'\n"
              "0.000000000 simple.task_done AttributeError: '_queue.SimpleQueue' object has no attribute 'task_done'\n"
              "0.000000000 simple.join AttributeError: '_queue.SimpleQueue' object has no attribute 'join'\n"
              "0.000000000 simple.get_nowait _queue.Empty\n"
              "0.000000000 simple.get(timeout=0) _queue.Empty\n"
              "0.000000000 simple.get(timeout=-1) ValueError: 'timeout' must be a non-negative number\n"
              "0.000000000 simple.get(timeout=nan) ValueError: Invalid value NaN (not a number)\n"
              "0.000000000 simple got 4 maxsize=0\n");
    /* nothing above blocked */
    CU_ASSERT_EQUAL(count_events(SIM_EV_BLOCK, NULL), 0);
    trace_fini(&TR);
}

/* Uncaught in a thread, Empty prints like CPython's excepthook. */
static void t_get_nowait(void *arg)
{
    model_qitem it;
    if (model_queue_get_nowait(arg, &it) < 0)
        model_raise();
}

static void main_uncaught(void *arg)
{
    (void)arg;
    model_queue *q = model_queue_new(MODEL_QUEUE_FIFO, 1);
    spawn("getter", t_get_nowait, q);
    put1(q, 1);
    if (model_queue_put_nowait(q, model_qitem_int(2)) < 0)
        model_raise();
}

static void test_uncaught_exceptions_print_like_cpython(void)
{
    ts_log_reset();
    CU_ASSERT_EQUAL(ts_run_traced(NULL, main_uncaught, NULL, &TR), MODEL_EXIT_ERROR);
    char *out = ts_output(&TR);
    TS_ASSERT_STR_EQ(out, "Exception in thread getter:\n_queue.Empty\nqueue.Full\n");
    free(out);
    trace_fini(&TR);
}

/* ---- timeouts ----------------------------------------------------------- */

static void main_timeouts(void *arg)
{
    (void)arg;
    model_qitem it;
    model_queue *q = model_queue_new(MODEL_QUEUE_FIFO, 0);
    CU_ASSERT_EQUAL(model_queue_get(q, true, 1.5, &it), -1);
    ts_note_exc("get(timeout=1.5)");
    model_queue *b = model_queue_new(MODEL_QUEUE_FIFO, 1);
    put1(b, 1);
    CU_ASSERT_EQUAL(model_queue_put(b, model_qitem_int(2), true, 0.25), -1);
    ts_note_exc("put(timeout=0.25)");
    CU_ASSERT_EQUAL(model_queue_get(q, true, 0.0, &it), -1); /* no wait at all */
    ts_note_exc("get(timeout=0)");
    model_queue *s = model_queue_new(MODEL_QUEUE_SIMPLE, 0);
    CU_ASSERT_EQUAL(model_queue_get(s, true, 0.5, &it), -1);
    ts_note_exc("simple.get(timeout=0.5)");
    CU_ASSERT_EQUAL(model_queue_get(q, true, 1e-9, &it), -1);
    ts_note_exc("get(timeout=1e-9)");
}

static void test_timeouts_at_exact_virtual_times(void)
{
    CU_ASSERT_EQUAL(run(main_timeouts, NULL), 0);
    check_log("1.500000000 get(timeout=1.5) _queue.Empty\n"
              "1.750000000 put(timeout=0.25) queue.Full\n"
              "1.750000000 get(timeout=0) _queue.Empty\n"
              "2.250000000 simple.get(timeout=0.5) _queue.Empty\n"
              "2.250000001 get(timeout=1e-9) _queue.Empty\n");
    CU_ASSERT_EQUAL(count_events(SIM_EV_BLOCK, "queue get"), 3);
    CU_ASSERT_EQUAL(count_events(SIM_EV_BLOCK, "queue put"), 1);
    CU_ASSERT_EQUAL(count_events(SIM_EV_TIMEOUT, NULL), 4);
    trace_fini(&TR);
}

/* ---- wake order --------------------------------------------------------- */

typedef struct waiter {
    const char *name;
    model_queue *q;
    double delay;   /* sleep before the call */
    int64_t value;  /* to put */
    double timeout; /* for get */
} waiter;

static void t_getter(void *arg)
{
    waiter *w = arg;
    if (w->delay > 0) /* sleep(0) would be a yield */
        model_sleep(w->delay);
    model_qitem it;
    if (model_queue_get(w->q, true, w->timeout, &it) == 0)
        ts_note(w->name, "got %lld", (long long)it.num);
    else
        ts_note_exc(w->name);
}

static void t_putter(void *arg)
{
    waiter *w = arg;
    if (w->delay > 0)
        model_sleep(w->delay);
    put1(w->q, w->value);
    ts_note(w->name, "put %lld", (long long)w->value);
}

/* Getters are served in the order they began to wait, not the order they
 * were created. */
static void main_getters_fifo(void *arg)
{
    (void)arg;
    model_queue *q = model_queue_new(MODEL_QUEUE_FIFO, 0);
    /* static: the threads outlive main's frame (they finish during shutdown) */
    static waiter w[3];
    w[0] = (waiter){"A", q, 0.3, 0, MODEL_NO_TIMEOUT};
    w[1] = (waiter){"B", q, 0.1, 0, MODEL_NO_TIMEOUT};
    w[2] = (waiter){"C", q, 0.2, 0, MODEL_NO_TIMEOUT};
    for (int i = 0; i < 3; i++)
        spawn(w[i].name, t_getter, &w[i]);
    model_sleep(1);
    put1(q, 1), put1(q, 2), put1(q, 3);
    ts_note("main", "put 1 2 3");
}

static void test_getters_wake_fifo(void)
{
    CU_ASSERT_EQUAL(run(main_getters_fifo, NULL), 0);
    check_log("1.000000000 main put 1 2 3\n"
              "1.000000000 B got 1\n"
              "1.000000000 C got 2\n"
              "1.000000000 A got 3\n");
    trace_fini(&TR);
}

/* Putters blocked on a full queue go in the order they began to wait. */
static void main_putters_fifo(void *arg)
{
    (void)arg;
    model_queue *q = model_queue_new(MODEL_QUEUE_FIFO, 1);
    put1(q, 0);
    static waiter w[3];
    w[0] = (waiter){"P1", q, 0.2, 10, 0};
    w[1] = (waiter){"P2", q, 0.1, 20, 0};
    w[2] = (waiter){"P3", q, 0.3, 30, 0};
    for (int i = 0; i < 3; i++)
        spawn(w[i].name, t_putter, &w[i]);
    model_sleep(1);
    for (int i = 0; i < 4; i++)
        ts_note("main", "got %lld", (long long)get1(q));
}

static void test_putters_wake_fifo(void)
{
    CU_ASSERT_EQUAL(run(main_putters_fifo, NULL), 0);
    check_log("1.000000000 main got 0\n"
              "1.000000000 P2 put 20\n"
              "1.000000000 main got 20\n"
              "1.000000000 P1 put 10\n"
              "1.000000000 main got 10\n"
              "1.000000000 P3 put 30\n"
              "1.000000000 main got 30\n");
    trace_fini(&TR);
}

typedef struct joiner {
    const char *name;
    model_queue *q;
} joiner;

static void t_joiner(void *arg)
{
    joiner *j = arg;
    CU_ASSERT_EQUAL(model_queue_join(j->q), 0);
    ts_note(j->name, "joined");
}

static void t_worker(void *arg)
{
    model_queue *q = arg;
    for (int i = 0; i < 2; i++) {
        int64_t v = get1(q);
        ts_note("W", "got %lld", (long long)v);
        model_sleep(1);
        CU_ASSERT_EQUAL(model_queue_task_done(q), 0);
    }
    ts_note("W", "task_done x2");
}

/* join() waits for every task_done; all joiners wake together, FIFO. */
static void main_join(void *arg)
{
    (void)arg;
    model_queue *q = model_queue_new(MODEL_QUEUE_FIFO, 0);
    CU_ASSERT_EQUAL(model_queue_join(q), 0); /* nothing unfinished: no wait */
    ts_note("main", "join with nothing to do");
    put1(q, 1), put1(q, 2);
    static joiner j[2];
    j[0] = (joiner){"J1", q};
    j[1] = (joiner){"J2", q};
    spawn("J1", t_joiner, &j[0]);
    spawn("J2", t_joiner, &j[1]);
    spawn("W", t_worker, q);
    CU_ASSERT_EQUAL(model_queue_join(q), 0);
    ts_note("main", "joined");
    CU_ASSERT_EQUAL(model_queue_task_done(q), -1);
    ts_note_exc("main");
}

static void test_join_and_task_done(void)
{
    CU_ASSERT_EQUAL(run(main_join, NULL), 0);
    check_log("0.000000000 main join with nothing to do\n"
              "0.000000000 W got 1\n"
              "1.000000000 W got 2\n"
              "2.000000000 W task_done x2\n"
              "2.000000000 J1 joined\n"
              "2.000000000 J2 joined\n"
              "2.000000000 main joined\n"
              "2.000000000 main ValueError: task_done() called too many times\n");
    CU_ASSERT_EQUAL(count_events(SIM_EV_BLOCK, "queue join"), 3);
    CU_ASSERT_EQUAL(count_events(SIM_EV_WAKE, "task_done"), 3);
    trace_fini(&TR);
}

/* ---- CPython's corner cases --------------------------------------------- */

/* A woken getter whose item was taken by a running thread waits again, for
 * what is left of its timeout: Empty at exactly t = 2. */
static void main_robbed(void *arg)
{
    (void)arg;
    model_queue *q = model_queue_new(MODEL_QUEUE_FIFO, 0);
    static waiter a;
    a = (waiter){"A", q, 0, 0, 2.0};
    spawn("A", t_getter, &a);
    model_sleep(1);
    put1(q, 7);
    model_qitem it;
    CU_ASSERT_EQUAL(model_queue_get_nowait(q, &it), 0);
    ts_note("main", "stole %lld", (long long)it.num);
}

static void test_robbed_waiter_waits_again(void)
{
    CU_ASSERT_EQUAL(run(main_robbed, NULL), 0);
    check_log("1.000000000 main stole 7\n"
              "2.000000000 A _queue.Empty\n");
    CU_ASSERT_EQUAL(count_events(SIM_EV_BLOCK, "queue get"), 2);
    CU_ASSERT_EQUAL(count_events(SIM_EV_WAKE, "queue put"), 1);
    CU_ASSERT_EQUAL(count_events(SIM_EV_TIMEOUT, "queue get"), 1);
    trace_fini(&TR);
}

/* Spin (model calls without blocking) until virtual time `until` ns. */
typedef struct spinner {
    model_queue *q;
    int64_t until;
} spinner;

static void t_spin(void *arg)
{
    spinner *s = arg;
    while (model_now_ns() < s->until)
        model_queue_qsize(s->q);
}

/* A's 12.5 ms timeout and B's 11 ms sleep both end inside the spinner's
 * third switch interval: at 15 ms B runs first and puts, while A has timed
 * out but not yet run. */
static void main_timed_out_notified(void *arg)
{
    model_queue_kind kind = *(model_queue_kind *)arg;
    model_queue *q = model_queue_new(kind, 0);
    static waiter a, b, c;
    static spinner s;
    a = (waiter){"A", q, 0, 0, 0.0125};
    c = (waiter){"C", q, 0, 0, MODEL_NO_TIMEOUT};
    b = (waiter){"B", q, 0.011, 5, 0};
    s = (spinner){q, 20 * 1000 * 1000};
    spawn("A", t_getter, &a);
    spawn("C", t_getter, &c);
    spawn("B", t_putter, &b);
    spawn("S", t_spin, &s);
    model_sleep(1);
    put1(q, 99);
    ts_note("main", "put 99");
}

/* Queue (a Condition): the notify goes to A, whose timeout had fired; A then
 * finds the item and takes it. C is not woken until the next put. */
static void test_timed_out_waiter_counts_as_notified(void)
{
    model_queue_kind kind = MODEL_QUEUE_FIFO;
    CU_ASSERT_EQUAL(run(main_timed_out_notified, &kind), 0);
    check_log("0.015000000 B put 5\n"
              "0.015000000 A got 5\n"
              "1.005000000 main put 99\n"
              "1.005000000 C got 99\n");
    /* B's notify went to A without a wake event; C waited once, woken by 99 */
    CU_ASSERT_EQUAL(count_events(SIM_EV_BLOCK, "queue get"), 2);
    CU_ASSERT_EQUAL(count_events(SIM_EV_WAKE, "queue put"), 1);
    CU_ASSERT_EQUAL(count_events(SIM_EV_TIMEOUT, "queue get"), 1);
    trace_fini(&TR);
}

/* SimpleQueue (an OS lock): the release skips A, whose timeout had fired,
 * and wakes C; A raises Empty. C runs after the spinner's next interval. */
static void test_simple_queue_release_skips_timed_out(void)
{
    model_queue_kind kind = MODEL_QUEUE_SIMPLE;
    CU_ASSERT_EQUAL(run(main_timed_out_notified, &kind), 0);
    check_log("0.015000000 B put 5\n"
              "0.015000000 A _queue.Empty\n"
              "0.020000000 C got 5\n"
              "1.005000000 main put 99\n");
    CU_ASSERT_EQUAL(count_events(SIM_EV_BLOCK, "queue get"), 2);
    CU_ASSERT_EQUAL(count_events(SIM_EV_WAKE, "queue put"), 1); /* B's release woke C */
    trace_fini(&TR);
}

/* SimpleQueue: two puts wake one getter; that getter's get releases the
 * lock and wakes the next (Modules/_queuemodule.c). */
static void main_simple_chain(void *arg)
{
    (void)arg;
    model_queue *q = model_queue_new(MODEL_QUEUE_SIMPLE, 0);
    static waiter g[2];
    g[0] = (waiter){"g1", q, 0, 0, MODEL_NO_TIMEOUT};
    g[1] = (waiter){"g2", q, 0, 0, MODEL_NO_TIMEOUT};
    spawn("g1", t_getter, &g[0]);
    spawn("g2", t_getter, &g[1]);
    model_sleep(1);
    put1(q, 1), put1(q, 2);
    ts_note("main", "put 1 2");
}

static void test_simple_queue_wakes_in_a_chain(void)
{
    CU_ASSERT_EQUAL(run(main_simple_chain, NULL), 0);
    check_log("1.000000000 main put 1 2\n"
              "1.000000000 g1 got 1\n"
              "1.000000000 g2 got 2\n");
    /* main (thread 0) woke g1 (1) by its put; g1 woke g2 (2) at its get */
    int seen = 0;
    for (size_t i = 0; i < TR.n; i++) {
        const trace_event *e = &TR.ev[i];
        if (e->kind != SIM_EV_WAKE || !e->reason || strncmp(e->reason, "queue ", 6) != 0)
            continue;
        if (seen == 0) {
            TS_ASSERT_STR_EQ(e->reason, "queue put");
            CU_ASSERT_EQUAL(e->thread, 0);
            CU_ASSERT_EQUAL(e->other, 1);
        } else if (seen == 1) {
            TS_ASSERT_STR_EQ(e->reason, "queue get");
            CU_ASSERT_EQUAL(e->thread, 1);
            CU_ASSERT_EQUAL(e->other, 2);
        }
        seen++;
    }
    CU_ASSERT_EQUAL(seen, 2);
    trace_fini(&TR);
}

/* SimpleQueue barging: main's put wakes g1, then main itself takes the item;
 * g1 finds the list empty and waits again until the next put. */
static void main_simple_barge(void *arg)
{
    (void)arg;
    model_queue *q = model_queue_new(MODEL_QUEUE_SIMPLE, 0);
    static waiter g;
    g = (waiter){"g1", q, 0, 0, MODEL_NO_TIMEOUT};
    spawn("g1", t_getter, &g);
    model_sleep(1);
    put1(q, 1);
    ts_note("main", "took %lld", (long long)get1(q));
    model_sleep(1);
    put1(q, 2);
}

static void test_simple_queue_barging(void)
{
    CU_ASSERT_EQUAL(run(main_simple_barge, NULL), 0);
    check_log("1.000000000 main took 1\n"
              "2.000000000 g1 got 2\n");
    CU_ASSERT_EQUAL(count_events(SIM_EV_BLOCK, "queue get"), 2);
    trace_fini(&TR);
}

/* get(timeout=NaN) spins like CPython's; the switch interval lets the
 * sleeping producer wake (4 intervals of 5 ms). */
static void main_nan_spin(void *arg)
{
    (void)arg;
    model_queue *q = model_queue_new(MODEL_QUEUE_FIFO, 0);
    static waiter p;
    p = (waiter){"P", q, 0.02, 1, 0};
    spawn("P", t_putter, &p);
    model_qitem it;
    CU_ASSERT_EQUAL(model_queue_get(q, true, NAN, &it), 0);
    ts_note("main", "got %lld", (long long)it.num);
}

static void test_nan_timeout_spins(void)
{
    CU_ASSERT_EQUAL(run(main_nan_spin, NULL), 0);
    check_log("0.020000000 P put 1\n"
              "0.020000000 main got 1\n");
    CU_ASSERT_EQUAL(count_events(SIM_EV_PREEMPT, NULL), 4);
    CU_ASSERT_EQUAL(count_events(SIM_EV_BLOCK, "queue get"), 0);
    trace_fini(&TR);
}

/* ---- reports ------------------------------------------------------------ */

static void t_get_forever(void *arg) { get1(arg); }

static void main_stuck(void *arg)
{
    bool daemon = *(bool *)arg;
    model_queue *q = model_queue_new(MODEL_QUEUE_FIFO, 0);
    model_thread *t = model_thread_new(NULL, t_get_forever, q, NULL);
    model_thread_set_daemon(t, daemon);
    model_thread_start(t);
}

static void test_deadlock_and_kill_name_the_queue(void)
{
    bool daemon = false;
    CU_ASSERT_EQUAL(run(main_stuck, &daemon), MODEL_EXIT_DEADLOCK);
    bool found = false;
    for (size_t i = 0; i < TR.n; i++)
        if (TR.ev[i].kind == SIM_EV_DEADLOCK && TR.ev[i].text &&
            strcmp(TR.ev[i].text, "Thread-1 waits on queue get (Queue-1)") == 0)
            found = true;
    CU_ASSERT_TRUE(found);
    trace_fini(&TR);

    daemon = true;
    CU_ASSERT_EQUAL(run(main_stuck, &daemon), 0);
    CU_ASSERT_EQUAL(count_events(SIM_EV_KILLED, "queue get"), 1);
    char *full = ts_full(&TR);
    CU_ASSERT_PTR_NOT_NULL(strstr(full, "Queue-1"));
    free(full);
    trace_fini(&TR);
}

TS_TESTS("queue", TS_TEST(test_orders), TS_TEST(test_priority_tie_is_insertion_order),
         TS_TEST(test_priority_heap_matches_reference), TS_TEST(test_sizes),
         TS_TEST(test_errors_are_cpythons), TS_TEST(test_uncaught_exceptions_print_like_cpython),
         TS_TEST(test_timeouts_at_exact_virtual_times), TS_TEST(test_getters_wake_fifo),
         TS_TEST(test_putters_wake_fifo), TS_TEST(test_join_and_task_done),
         TS_TEST(test_robbed_waiter_waits_again), TS_TEST(test_timed_out_waiter_counts_as_notified),
         TS_TEST(test_simple_queue_release_skips_timed_out),
         TS_TEST(test_simple_queue_wakes_in_a_chain), TS_TEST(test_simple_queue_barging),
         TS_TEST(test_nan_timeout_spins), TS_TEST(test_deadlock_and_kill_name_the_queue))
