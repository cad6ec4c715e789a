/*
 * tests/test_sched.c — the engine alone (no Python model): context switching,
 * the FIFO ready queue, start() hand-over, timers firing one at a time and
 * only when nothing is ready, cancellation, stalls, limits and preemption.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/sched.h"
#include "sim/asan.h"
#include "test_util.h"

static sim_sched S;
static char logbuf[4096];

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = strlen(logbuf);
    vsnprintf(logbuf + n, sizeof logbuf - n, fmt, ap);
    va_end(ap);
}

static void reset(const sim_config *cfg)
{
    logbuf[0] = '\0';
    sim_config c = cfg ? *cfg : sim_config_default();
    c.backend = ts_test_backend();
    CU_ASSERT_EQUAL_FATAL(sim_sched_init(&S, &c), 0);
}

/* ---- context switching ------------------------------------------------- */

static void pinger(void *arg)
{
    int n = (int)(intptr_t)arg;
    for (int i = 0; i < n; i++) {
        say("%s%d ", sim_current(&S)->name, i);
        sim_yield(&S);
    }
}

static void main_two_yielders(void *arg)
{
    (void)arg;
    sim_thread *a = sim_thread_create(&S, "a", pinger, (void *)3, NULL);
    sim_thread *b = sim_thread_create(&S, "b", pinger, (void *)3, NULL);
    sim_thread_start(&S, a, 0);
    sim_thread_start(&S, b, 0);
    say("main ");
    sim_sched_finish(&S);
}

static void test_switching_and_fifo(void)
{
    reset(NULL);
    sim_thread *m = sim_thread_create(&S, "m", main_two_yielders, NULL, NULL);
    CU_ASSERT_EQUAL(sim_sched_run(&S, m), SIM_FINISHED);
    /* a runs at start (hand-over), yields: ready = [m, a]; m starts b, which
     * runs at once: ready = [a, m]... each yield goes to the back. */
    TS_ASSERT_STR_EQ(logbuf, "a0 b0 a1 main ");
    sim_sched_kill_rest(&S);
    sim_sched_fini(&S);
}

/* Many threads, each yields k times: strict round-robin order. */
static void rr(void *arg)
{
    int id = (int)(intptr_t)arg;
    for (int i = 0; i < 3; i++) {
        say("%d", id);
        sim_yield(&S);
    }
}

static void main_rr(void *arg)
{
    (void)arg;
    sim_thread *t[4];
    for (int i = 0; i < 4; i++)
        t[i] = sim_thread_create(&S, "w", rr, (void *)(intptr_t)i, NULL);
    for (int i = 0; i < 4; i++)
        sim_thread_start(&S, t[i], 0);
    /* wait for everyone: sleep past them (they never block on time) */
    sim_sleep(&S, 1);
    say("|");
    sim_sched_finish(&S);
}

static void test_round_robin(void)
{
    reset(NULL);
    sim_thread *m = sim_thread_create(&S, "m", main_rr, NULL, NULL);
    sim_sched_run(&S, m);
    /* start(k): k runs at once, the starter goes to the back. Worked by
     * hand: [0,m] 0 -> [m,0] m starts 1 -> [1,0,m] 1 -> [0,m,1] 0 -> [m,1,0]
     * m starts 2 -> 2 -> 1 -> 0 (its last) -> m starts 3 -> 3 2 1 -> m sleeps
     * -> 3 2 -> 3. */
    TS_ASSERT_STR_EQ(logbuf, "010210321323|");
    CU_ASSERT_EQUAL(S.now, 1);
    sim_sched_kill_rest(&S);
    sim_sched_fini(&S);
}

/* ---- timers ------------------------------------------------------------ */

static void sleeper(void *arg)
{
    int64_t ns = (int64_t)(intptr_t)arg;
    sim_sleep(&S, ns);
    say("%s@%lld ", sim_current(&S)->name, (long long)sim_now(&S));
}

static void main_sleepers(void *arg)
{
    (void)arg;
    /* c and d due at the same instant: c armed first fires first */
    const char *names[] = {"a", "b", "c", "d"};
    int64_t ns[] = {30, 10, 20, 20};
    for (int i = 0; i < 4; i++)
        sim_thread_start(&S, sim_thread_create(&S, names[i], sleeper, (void *)(intptr_t)ns[i], NULL), 0);
    sim_sleep(&S, 100);
    say("end@%lld", (long long)sim_now(&S));
    sim_sched_finish(&S);
}

static void test_timers_in_time_then_arming_order(void)
{
    reset(NULL);
    sim_sched_run(&S, sim_thread_create(&S, "m", main_sleepers, NULL, NULL));
    TS_ASSERT_STR_EQ(logbuf, "b@10 c@20 d@20 a@30 end@100");
    sim_sched_kill_rest(&S);
    sim_sched_fini(&S);
}

/* The thread woken by the first of two equal timers runs (and whatever it
 * wakes runs) before the second timer fires. */
static sim_thread *waiter_t;

static void waker(void *arg)
{
    (void)arg;
    sim_sleep(&S, 50);
    say("waker ");
    sim_wake(&S, waiter_t, "test", SIM_NONE);
    sim_yield(&S);
    say("waker-after ");
}

static void blocked_waiter(void *arg)
{
    (void)arg;
    int r = sim_block(&S, "test", SIM_NONE, NULL, SIM_FOREVER);
    say("waiter(%d) ", r);
}

static void late(void *arg)
{
    (void)arg;
    sim_sleep(&S, 50);
    say("late ");
}

static void main_one_at_a_time(void *arg)
{
    (void)arg;
    waiter_t = sim_thread_create(&S, "w", blocked_waiter, NULL, NULL);
    sim_thread_start(&S, waiter_t, 0);
    sim_thread_start(&S, sim_thread_create(&S, "k", waker, NULL, NULL), 0);
    sim_thread_start(&S, sim_thread_create(&S, "l", late, NULL, NULL), 0);
    sim_sleep(&S, 100);
    sim_sched_finish(&S);
}

static void test_timers_fire_one_at_a_time(void)
{
    reset(NULL);
    sim_sched_run(&S, sim_thread_create(&S, "m", main_one_at_a_time, NULL, NULL));
    TS_ASSERT_STR_EQ(logbuf, "waker waiter(0) waker-after late ");
    sim_sched_kill_rest(&S);
    sim_sched_fini(&S);
}

/* Timing as a choice (policy.pick_timer, the explorer's): the threads
 * whose timeouts are due at the instant are candidates of every decision
 * beside the ready ones, after them, in (when, arming) order whatever their
 * names or ids, before a step decision's running thread; choosing one fires
 * its timeout there. c, a, b sleep to 20 in that order; the first decision
 * at 20 (which timer fires) takes c; c's step decision offers a, b, c and
 * takes b; b's offers c (ready), a (due), b; b goes on and ends; then c
 * and a are offered, c goes, and a's timeout fires last. */
static int due_picks;

static uint32_t due_pick(void *ud, sim_sched *s, uint32_t n)
{
    (void)ud;
    if (sim_now(s) < 20)
        return s->step_decision ? n - 1 : 0;
    say("[");
    for (uint32_t i = 0; i < n; i++)
        say("%s%s", i ? " " : "", sim_ready_at(s, i)->name);
    say("] ");
    return due_picks++ == 0 ? 1 : s->step_decision ? n - 1 : 0;
}

static uint32_t due_pick_timer(void *ud, sim_sched *s, uint32_t n)
{
    (void)ud;
    (void)s;
    say("(%u due) ", n);
    return 0;
}

static void due_sleeper(void *arg)
{
    (void)arg;
    sim_sleep(&S, 20);
    say("%s ", sim_current(&S)->name);
    sim_tick(&S);
    say("%s' ", sim_current(&S)->name);
}

static void main_due(void *arg)
{
    (void)arg;
    const char *names[] = {"c", "a", "b"};
    for (int i = 0; i < 3; i++)
        sim_thread_start(&S, sim_thread_create(&S, names[i], due_sleeper, NULL, NULL), 0);
    sim_sleep(&S, 100);
    say("end@%lld", (long long)sim_now(&S));
    sim_sched_finish(&S);
}

static void test_due_timers_are_candidates(void)
{
    reset(NULL);
    due_picks = 0;
    sim_sched_set_policy(&S, (sim_policy){.name = "due", .pick = due_pick, .every_step = true,
                                          .pick_timer = due_pick_timer});
    sim_sched_run(&S, sim_thread_create(&S, "m", main_due, NULL, NULL));
    TS_ASSERT_STR_EQ(logbuf,
                     "(3 due) c [a b c] b [c a b] b' [c a] c' a a' end@100");
    sim_sched_kill_rest(&S);
    sim_sched_fini(&S);
}

/* The jitter counts from the time a ready thread was queued: with a
 * jitter of 10, a policy that always takes the latest candidate puts r off
 * behind the spinner's wake-ups (every 4) only while they are due within
 * 10 of r's: r runs at 13, before the spinner's wake-up at 17. The jitter
 * was each decision's now's: each wake-up was within 10 of the last, and r
 * ran only after the spinner's tenth, at 45. */
static uint32_t last_pick(void *ud, sim_sched *s, uint32_t n)
{
    (void)ud;
    (void)s;
    return n - 1;
}

static void jitter_spinner(void *arg)
{
    (void)arg;
    for (int i = 0; i < 10; i++) {
        sim_sleep(&S, 4);
        say("s@%lld ", (long long)sim_now(&S));
    }
}

static void jitter_ready(void *arg)
{
    (void)arg;
    sim_sleep(&S, 5);
    say("r@%lld ", (long long)sim_now(&S));
}

static void main_jitter(void *arg)
{
    (void)arg;
    sim_thread_start(&S, sim_thread_create(&S, "spin", jitter_spinner, NULL, NULL), 0);
    sim_thread_start(&S, sim_thread_create(&S, "r", jitter_ready, NULL, NULL), 0);
    sim_sleep(&S, 100);
    sim_sched_finish(&S);
}

static void test_jitter_counts_from_ready(void)
{
    reset(NULL);
    sim_sched_set_policy(&S, (sim_policy){.name = "last", .pick = last_pick,
                                          .pick_timer = last_pick, .jitter = 10});
    sim_sched_run(&S, sim_thread_create(&S, "m", main_jitter, NULL, NULL));
    TS_ASSERT_STR_EQ(logbuf, "s@4 s@8 r@13 s@13 s@17 s@21 s@25 s@29 s@33 s@37 s@41 ");
    sim_sched_kill_rest(&S);
    sim_sched_fini(&S);
}

/* More sleepers due together than a decision offers (16): the earliest
 * armed are the candidates, and the run says once that it capped them (a
 * "due-cap" note: an explorer's search is then no proof). */
static int cap_logged;

static uint32_t cap_pick(void *ud, sim_sched *s, uint32_t n)
{
    (void)ud;
    if (sim_now(s) >= 20 && s->step_decision && !cap_logged++)
        say("[%u: %s..%s] ", n, sim_ready_at(s, 0)->name, sim_ready_at(s, n - 2)->name);
    return s->step_decision ? n - 1 : 0;
}

static uint32_t cap_pick_timer(void *ud, sim_sched *s, uint32_t n)
{
    (void)ud;
    (void)s;
    (void)n;
    return 0;
}

static int cap_notes;

static void cap_sink(void *ud, const sim_event *ev)
{
    (void)ud;
    cap_notes += ev->kind == SIM_EV_NOTE && ev->reason && strcmp(ev->reason, "due-cap") == 0;
}

static void main_cap(void *arg)
{
    (void)arg;
    static char names[18][4];
    for (int i = 0; i < 18; i++) {
        snprintf(names[i], sizeof names[i], "s%d", i);
        sim_thread_start(&S, sim_thread_create(&S, names[i], due_sleeper, NULL, NULL), 0);
    }
    sim_sleep(&S, 100);
    sim_sched_finish(&S);
}

static void test_due_timers_capped(void)
{
    reset(NULL);
    cap_logged = cap_notes = 0;
    sim_sched_set_policy(&S, (sim_policy){.name = "cap", .pick = cap_pick, .every_step = true,
                                          .pick_timer = cap_pick_timer});
    sim_sched_set_sink(&S, cap_sink, NULL);
    sim_sched_run(&S, sim_thread_create(&S, "m", main_cap, NULL, NULL));
    /* s0 fired first; s1..s16 are offered, s17 is not */
    CU_ASSERT_PTR_NOT_NULL(strstr(logbuf, "[17: s1..s16] "));
    CU_ASSERT_EQUAL(cap_notes, 1);
    CU_ASSERT_TRUE(S.due_capped);
    sim_sched_kill_rest(&S);
    sim_sched_fini(&S);
}

/* A wake before the deadline cancels the timeout: the deadline does not
 * fire later and the clock does not move to it. */
static void timed_waiter(void *arg)
{
    (void)arg;
    int r = sim_block(&S, "test", SIM_NONE, NULL, 1000);
    say("r=%d@%lld ", r, (long long)sim_now(&S));
}

static void main_cancel(void *arg)
{
    (void)arg;
    waiter_t = sim_thread_create(&S, "w", timed_waiter, NULL, NULL);
    sim_thread_start(&S, waiter_t, 0);
    sim_sleep(&S, 10);
    sim_wake(&S, waiter_t, "test", SIM_NONE);
    sim_sleep(&S, 10);
    say("pending=%zu ", S.timers.n);
    sim_sched_finish(&S);
}

static void test_wake_cancels_timeout(void)
{
    reset(NULL);
    sim_sched_run(&S, sim_thread_create(&S, "m", main_cancel, NULL, NULL));
    TS_ASSERT_STR_EQ(logbuf, "r=0@10 pending=0 ");
    CU_ASSERT_EQUAL(S.now, 20);
    sim_sched_kill_rest(&S);
    sim_sched_fini(&S);
}

static void main_timeout(void *arg)
{
    (void)arg;
    int r = sim_block(&S, "test", SIM_NONE, NULL, 250);
    say("r=%d@%lld", r, (long long)sim_now(&S));
    sim_sched_finish(&S);
}

static void test_block_times_out(void)
{
    reset(NULL);
    sim_sched_run(&S, sim_thread_create(&S, "m", main_timeout, NULL, NULL));
    TS_ASSERT_STR_EQ(logbuf, "r=1@250");
    sim_sched_kill_rest(&S);
    sim_sched_fini(&S);
}

/* ---- end of run -------------------------------------------------------- */

static void forever(void *arg)
{
    (void)arg;
    sim_block(&S, "test", SIM_NONE, NULL, SIM_FOREVER);
    say("never ");
}

static void main_stall(void *arg)
{
    (void)arg;
    sim_thread_start(&S, sim_thread_create(&S, "f", forever, NULL, NULL), 0);
    sim_block(&S, "test", SIM_NONE, NULL, SIM_FOREVER);
    say("never ");
}

static void test_stall_returns_to_host(void)
{
    reset(NULL);
    CU_ASSERT_EQUAL(sim_sched_run(&S, sim_thread_create(&S, "m", main_stall, NULL, NULL)),
                    SIM_STALLED);
    CU_ASSERT_EQUAL(S.threads[0]->state, SIM_T_BLOCKED);
    CU_ASSERT_EQUAL(S.threads[1]->state, SIM_T_BLOCKED);
    sim_sched_kill_rest(&S);
    CU_ASSERT_EQUAL(S.threads[0]->state, SIM_T_KILLED);
    CU_ASSERT_PTR_NULL(S.threads[1]->stack);
    TS_ASSERT_STR_EQ(logbuf, "");
    sim_sched_fini(&S);
}

static void spin(void *arg)
{
    (void)arg;
    for (;;)
        sim_tick(&S);
}

static void test_time_limit_with_preemption(void)
{
    sim_config c = sim_config_default();
    c.switch_steps = 100;
    c.switch_ns = 5000000;
    c.max_time = 1000000000; /* 1 s */
    reset(&c);
    CU_ASSERT_EQUAL(sim_sched_run(&S, sim_thread_create(&S, "m", spin, NULL, NULL)), SIM_LIMIT);
    /* 200 intervals of 5 ms fit in 1 s exactly; the 201st would pass it */
    CU_ASSERT_EQUAL(S.now, 1000000000);
    sim_sched_kill_rest(&S);
    sim_sched_fini(&S);
}

static void test_event_limit(void)
{
    sim_config c = sim_config_default();
    c.max_events = 50;
    reset(&c);
    CU_ASSERT_EQUAL(sim_sched_run(&S, sim_thread_create(&S, "m", main_two_yielders, NULL, NULL)),
                    SIM_FINISHED);
    sim_sched_kill_rest(&S);
    sim_sched_fini(&S);

    c.max_events = 5;
    reset(&c);
    CU_ASSERT_EQUAL(sim_sched_run(&S, sim_thread_create(&S, "m", main_two_yielders, NULL, NULL)),
                    SIM_LIMIT);
    CU_ASSERT(S.nevents >= 5 && S.nevents <= 7);
    sim_sched_kill_rest(&S);
    sim_sched_fini(&S);
}

/* A spinning thread is preempted: the interval is charged, a sleeper whose
 * time has come runs before the spinner continues. */
static int spins_seen;
static void spinner_until_flag(void *arg)
{
    volatile int *flag = arg;
    while (!*flag) {
        sim_tick(&S);
        spins_seen++;
    }
    say("spinner sees flag@%lld ", (long long)sim_now(&S));
}

static volatile int flag;
static void flag_setter(void *arg)
{
    (void)arg;
    sim_sleep(&S, 12000000); /* 12 ms */
    flag = 1;
    say("set@%lld ", (long long)sim_now(&S));
}

static void main_preempt(void *arg)
{
    (void)arg;
    flag = 0;
    sim_thread_start(&S, sim_thread_create(&S, "setter", flag_setter, NULL, NULL), 0);
    sim_thread_start(&S, sim_thread_create(&S, "spin", spinner_until_flag, (void *)&flag, NULL), 0);
    sim_sleep(&S, 100000000);
    sim_sched_finish(&S);
}

static void test_preemption_lets_time_move(void)
{
    sim_config c = sim_config_default();
    c.switch_steps = 10;
    c.switch_ns = 5000000;
    reset(&c);
    sim_sched_run(&S, sim_thread_create(&S, "m", main_preempt, NULL, NULL));
    /* intervals end at 5, 10, 15 ms: the 12 ms sleeper fires at the third */
    TS_ASSERT_STR_EQ(logbuf, "set@15000000 spinner sees flag@15000000 ");
    sim_sched_kill_rest(&S);
    sim_sched_fini(&S);
}

/* ---- the end of time (sim/num.h) --------------------------------------- */

static void test_time_add_saturates(void)
{
    CU_ASSERT_EQUAL(sim_time_add(5, 7), 12);
    CU_ASSERT_EQUAL(sim_time_add(INT64_MAX - 1, 1), SIM_TIME_END);
    CU_ASSERT_EQUAL(sim_time_add(INT64_MAX - 1, 2), SIM_TIME_END);
    CU_ASSERT_EQUAL(sim_time_add(1, INT64_MAX), SIM_TIME_END);
    CU_ASSERT_EQUAL(sim_time_add(INT64_MAX, INT64_MAX), SIM_TIME_END);
    CU_ASSERT_EQUAL(sim_time_add(INT64_MIN + 1, -2), INT64_MIN);
    CU_ASSERT_EQUAL(sim_time_add(INT64_MAX, -1), INT64_MAX - 1);
}

/* Sleeps that reach exactly the last instants fire there; the clock never
 * goes back; a sleep past the end of time (it would overflow) never ends,
 * arms no timer, and the run stalls with the wait's deadline at the end. */
static void main_near_end(void *arg)
{
    (void)arg;
    sim_sleep(&S, 1000);
    sim_sleep(&S, INT64_MAX - 1000 - 2); /* due at END - 2 */
    say("a@%lld ", (long long)sim_now(&S));
    sim_sleep(&S, 1); /* END - 1: the last instant */
    say("b@%lld ", (long long)sim_now(&S));
    sim_sleep(&S, 1); /* would be END: never */
    say("never ");
}

static void test_sleep_to_the_last_instant(void)
{
    reset(NULL);
    CU_ASSERT_EQUAL(sim_sched_run(&S, sim_thread_create(&S, "m", main_near_end, NULL, NULL)),
                    SIM_STALLED);
    char want[128];
    snprintf(want, sizeof want, "a@%lld b@%lld ", (long long)(INT64_MAX - 2),
             (long long)(INT64_MAX - 1));
    TS_ASSERT_STR_EQ(logbuf, want);
    CU_ASSERT_EQUAL(S.now, SIM_TIME_END - 1);
    CU_ASSERT_EQUAL(S.threads[0]->state, SIM_T_BLOCKED);
    CU_ASSERT_EQUAL(S.threads[0]->wait.deadline, SIM_TIME_END);
    CU_ASSERT_EQUAL(S.timers.n, 0);
    sim_sched_kill_rest(&S);
    sim_sched_fini(&S);
}

/* Two sleeps that together pass 2^63 ns: the second saturates instead of
 * wrapping into the past (where it would fire at once), while a thread
 * with a real deadline still runs; then nothing is left: a stall. */
static void huge_sleeper(void *arg)
{
    (void)arg;
    sim_sleep(&S, INT64_MAX / 2 + 10);
    say("h1@%lld ", (long long)sim_now(&S));
    sim_sleep(&S, INT64_MAX / 2 + 10);
    say("never ");
}

static void main_huge(void *arg)
{
    (void)arg;
    sim_thread_start(&S, sim_thread_create(&S, "h", huge_sleeper, NULL, NULL), 0);
    sim_sleep(&S, INT64_MAX / 2 + 20);
    say("m@%lld ", (long long)sim_now(&S));
    sim_block(&S, "test", SIM_NONE, NULL, sim_time_add(sim_now(&S), INT64_MAX));
    say("never ");
}

static void test_deadlines_past_the_end_never_fire(void)
{
    reset(NULL);
    CU_ASSERT_EQUAL(sim_sched_run(&S, sim_thread_create(&S, "m", main_huge, NULL, NULL)),
                    SIM_STALLED);
    char want[128];
    snprintf(want, sizeof want, "h1@%lld m@%lld ", (long long)(INT64_MAX / 2 + 10),
             (long long)(INT64_MAX / 2 + 20));
    TS_ASSERT_STR_EQ(logbuf, want);
    CU_ASSERT_EQUAL(S.now, INT64_MAX / 2 + 20);
    CU_ASSERT_EQUAL(S.threads[0]->wait.deadline, SIM_TIME_END);
    CU_ASSERT_EQUAL(S.threads[1]->wait.deadline, SIM_TIME_END);
    CU_ASSERT_EQUAL(S.timers.n, 0);
    sim_sched_kill_rest(&S);
    sim_sched_fini(&S);
}

/* Charging switch intervals near the end: the clock stops at END - 1. */
static void spin_near_end(void *arg)
{
    (void)arg;
    sim_sleep(&S, INT64_MAX - 3);
    for (int i = 0; i < 5; i++)
        sim_tick(&S);
    say("t@%lld ", (long long)sim_now(&S));
    sim_sched_finish(&S);
}

static void test_preemption_clock_stops_short_of_the_end(void)
{
    sim_config c = sim_config_default();
    c.switch_steps = 1;
    c.switch_ns = INT64_MAX; /* each tick charges "everything" */
    reset(&c);
    CU_ASSERT_EQUAL(sim_sched_run(&S, sim_thread_create(&S, "m", spin_near_end, NULL, NULL)),
                    SIM_FINISHED);
    char want[64];
    snprintf(want, sizeof want, "t@%lld ", (long long)(INT64_MAX - 1));
    TS_ASSERT_STR_EQ(logbuf, want);
    sim_sched_kill_rest(&S);
    sim_sched_fini(&S);
}

/* ---- stacks ------------------------------------------------------------ */

static void nop(void *arg) { (void)arg; }

static void main_many(void *arg)
{
    int n = (int)(intptr_t)arg;
    for (int i = 0; i < n; i++)
        sim_thread_start(&S, sim_thread_create(&S, "t", nop, NULL, NULL), 0);
    sim_sched_finish(&S);
}

static void test_stacks_are_reused(void)
{
    reset(NULL);
    sim_sched_run(&S, sim_thread_create(&S, "m", main_many, (void *)1000, NULL));
    /* each thread finishes before the next starts: one stack is enough for
     * all of them, plus main's */
    CU_ASSERT(S.stacks.nfree <= 2);
    CU_ASSERT_EQUAL(S.nthreads, 1001);
    sim_sched_kill_rest(&S);
    sim_sched_fini(&S);
}

static void deep(int n, volatile char *sink)
{
    volatile char pad[1024];
    pad[0] = (char)n;
    if (n > 0)
        deep(n - 1, pad);
    *sink += pad[0];
}

static void deep_thread(void *arg)
{
    (void)arg;
    volatile char x = 0;
    deep(100, &x); /* ~100 KiB of stack */
    say("deep ok ");
}

static void main_deep(void *arg)
{
    (void)arg;
    sim_thread_start(&S, sim_thread_create(&S, "d", deep_thread, NULL, NULL), 0);
    sim_sched_finish(&S);
}

static void test_configured_stack_size(void)
{
    sim_config c = sim_config_default();
    c.stack_size = 512 * 1024;
    reset(&c);
    CU_ASSERT_EQUAL(S.stacks.size, 512 * 1024);
    sim_sched_fini(&S);
    c.stack_size = 1000; /* raised to the minimum */
    reset(&c);
    CU_ASSERT_EQUAL(S.stacks.size, SIM_STACK_MIN);
    sim_sched_fini(&S);
    c.stack_size = 512 * 1024;
    reset(&c);
    sim_sched_run(&S, sim_thread_create(&S, "m", main_deep, NULL, NULL));
    TS_ASSERT_STR_EQ(logbuf, "deep ok ");
    sim_sched_kill_rest(&S);
    sim_sched_fini(&S);
}

/* Whether writing just below a stack's usable range kills a child process
 * (SIGSEGV; under ASan its handler reports and exits non-zero). */
static bool guard_faults(const sim_stack *st)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY); /* ASan's report is expected noise */
        if (devnull >= 0)
            dup2(devnull, 2);
        ((volatile char *)st->base)[-1] = 1;
        _exit(0);
    }
    int status = 0;
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    return WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) != 0);
}

/* Whether writing at addr kills a child process (a guard page there). */
static bool guard_faults_at(char *addr)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0)
            dup2(devnull, 2);
        signal(SIGSEGV, SIG_DFL);
        *(volatile char *)addr = 1;
        _exit(0);
    }
    int status = 0;
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    return WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) != 0);
}

/* Lines of /proc/self/maps: the process's mappings. */
static long count_mappings(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f)
        return -1;
    long n = 0;
    for (int c; (c = getc(f)) != EOF;)
        n += c == '\n';
    fclose(f);
    return n;
}

/* Writing just below a stack hits its guard page, made either way (the
 * kernel's MADV_GUARD_INSTALL, or mprotect forced as on an older kernel);
 * the lowest usable byte and the top are fine; a released stack is reused. */
static void check_guard(sim_stack_guard force)
{
    sim_stack_pool p;
    sim_stack_pool_init(&p, 64 * 1024);
    p.guard = force;
    sim_stack *a = sim_stack_get(&p), *st = sim_stack_get(&p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    CU_ASSERT_NOT_EQUAL(p.guard, SIM_GUARD_UNKNOWN);
    if (force == SIM_GUARD_MPROTECT) {
        CU_ASSERT_EQUAL(p.guard, SIM_GUARD_MPROTECT);
    }
    ((volatile char *)st->base)[0] = 1; /* the lowest usable byte is fine */
    ((volatile char *)st->base)[st->size - 1] = 1; /* and the highest */
    CU_ASSERT_TRUE(guard_faults(st));
    CU_ASSERT_TRUE(guard_faults(a));
    sim_stack_put(&p, st);
    CU_ASSERT_EQUAL(p.nfree, 1);
    CU_ASSERT_EQUAL(p.nlive, 1);
    CU_ASSERT_PTR_EQUAL(sim_stack_get(&p), st); /* reused from the free list */
    sim_stack_put(&p, st);
    sim_stack_put(&p, a);
    CU_ASSERT_PTR_EQUAL(sim_stack_get(&p), a); /* last released, first reused */
    sim_stack_put(&p, a);
    sim_stack_pool_fini(&p);
}

static void test_guard_page_faults(void) { check_guard(SIM_GUARD_UNKNOWN); }
static void test_guard_page_faults_mprotect(void) { check_guard(SIM_GUARD_MPROTECT); }

/* ---- charging: soft guards (sim/stack.h) ---- */

static long soft_budget, soft_cap; /* bytes charged, and the most allowed */

static int soft_charge(void *ud, ptrdiff_t bytes)
{
    (void)ud;
    if (bytes > 0 && soft_budget + bytes > soft_cap)
        return -1;
    soft_budget += bytes;
    return 0;
}

static sim_stack_pool *soft_pool;
static sim_stack *soft_stack;
static int soft_grows;

/* What the engine's fault handler does (model/cpy/cpy_run.c): a fault in
 * the soft guard is charged and grows the stack; anything else ends. */
static void soft_on_fault(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    size_t more = sim_stack_soft_hit(soft_pool, soft_stack, si->si_addr);
    if (more && soft_charge(NULL, (ptrdiff_t)more) == 0 &&
        sim_stack_soft_grow(soft_pool, soft_stack) == 0) {
        soft_grows++;
        return;
    }
    _exit(more ? 3 : 2);
}

/* In a child: writes every page of st from the top down, growing through
 * its soft guards by faults. Exit 0 and the grows, or 2 (another fault),
 * or 3 (a charge refused). */
static int soft_walk(sim_stack_pool *p, sim_stack *st, int *grows)
{
    int fds[2];
    CU_ASSERT_EQUAL_FATAL(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) {
        static char alt[1 << 16];
        stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0};
        sigaltstack(&ss, NULL);
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = soft_on_fault;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
        sigaction(SIGSEGV, &sa, NULL);
        soft_pool = p;
        soft_stack = st;
        for (char *a = (char *)st->base + st->size - 1; a >= (char *)st->base; a -= 4096)
            *(volatile char *)a = 1;
        *(volatile char *)st->base = 1;
        if (write(fds[1], &soft_grows, sizeof soft_grows) != (ssize_t)sizeof soft_grows)
            _exit(4);
        _exit(0);
    }
    close(fds[1]);
    *grows = -1;
    if (read(fds[0], grows, sizeof *grows) != (ssize_t)sizeof *grows)
        *grows = -1;
    close(fds[0]);
    int status = 0;
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* A charged stack: its top 64 KiB charged at get, a soft guard below them
 * that faults; a grow moves it 256 KiB lower and charges that, the last one
 * the rest down to the bottom; a walk of the whole stack grows it through
 * every soft guard by faults and ends charged whole; put takes the charge
 * back, gives the deep pages back and puts the soft guard back where it
 * was; a refused charge is ENOMEM and hands nothing out; a stack too small
 * for a soft guard is charged whole. Either way of making guards. */
static void check_soft(sim_stack_guard force)
{
    const size_t K = 1024, first = 64 * K, chunk = 256 * K, page = 4096;
    sim_stack_pool p;
    sim_stack_pool_init(&p, 1024 * K);
    p.guard = force;
    sim_stack_pool_charge(&p, first, chunk, soft_charge, NULL);
    soft_budget = 0;
    soft_cap = 1L << 40;
    uint64_t moves0 = sim_stack_soft_moves(), grown0 = sim_stack_soft_grown();
    sim_stack *st = sim_stack_get(&p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    char *end = (char *)st + 64; /* the slot's end: the record is its last 64 bytes */
    CU_ASSERT_EQUAL(soft_budget, (long)first);
    CU_ASSERT_EQUAL(st->charged, first);
    CU_ASSERT_PTR_EQUAL(st->soft, end - first - page);
    ((volatile char *)st->soft)[page] = 1; /* just above the soft guard: charged, fine */
    CU_ASSERT_TRUE(guard_faults_at(st->soft));
    CU_ASSERT_EQUAL(sim_stack_soft_hit(&p, st, st->soft), chunk);
    CU_ASSERT_EQUAL(sim_stack_soft_hit(&p, st, st->soft + page - 1), chunk);
    CU_ASSERT_EQUAL(sim_stack_soft_hit(&p, st, st->soft + page), 0);
    CU_ASSERT_EQUAL(sim_stack_soft_hit(&p, st, st->base), 0);
    /* by hand: a grow moves the guard a chunk lower */
    char *was = st->soft;
    CU_ASSERT_EQUAL(sim_stack_soft_grow(&p, st), 0);
    CU_ASSERT_PTR_EQUAL(st->soft, was - chunk);
    CU_ASSERT_EQUAL(st->charged, first + chunk);
    ((volatile char *)was)[0] = 1; /* the old guard page is stack now */
    CU_ASSERT_TRUE(guard_faults_at(st->soft));
    CU_ASSERT_EQUAL(sim_stack_soft_moves(), moves0 + 1);
    CU_ASSERT_EQUAL(sim_stack_soft_grown(), grown0 + 1); /* one stack grown, however far */
    soft_budget += (long)chunk; /* what the caller charged for that grow */
    /* by faults: every page down to the bottom (in a child: the parent's
     * stack keeps its state), charged whole at the end */
    int grows;
    CU_ASSERT_EQUAL(soft_walk(&p, st, &grows), 0);
    size_t rest = (size_t)(st->soft + page - (char *)st->base);
    CU_ASSERT_EQUAL(grows, (int)((rest + chunk - 1) / chunk));
    /* the same walk with the budget full: the first fault is refused */
    soft_cap = soft_budget;
    CU_ASSERT_EQUAL(soft_walk(&p, st, &grows), 3);
    soft_cap = 1L << 40;
    /* put: the charge back, the soft guard where it was, the deep pages gone */
    uint64_t moves1 = sim_stack_soft_moves();
    sim_stack_put(&p, st);
    CU_ASSERT_EQUAL(soft_budget, 0);
    CU_ASSERT_EQUAL(sim_stack_soft_moves(), moves1 + 1);
    CU_ASSERT_EQUAL(sim_stack_soft_grown(), grown0); /* as it was */
    CU_ASSERT_PTR_EQUAL(sim_stack_get(&p), st); /* from the free list */
    CU_ASSERT_EQUAL(soft_budget, (long)first);
    CU_ASSERT_PTR_EQUAL(st->soft, end - first - page);
    CU_ASSERT_TRUE(guard_faults_at(st->soft));
    unsigned char res = 1;
    CU_ASSERT_EQUAL(mincore(st->base, page, &res), 0);
    CU_ASSERT_EQUAL(res & 1, 0); /* written in the parent above, given back at put */
    /* a refused charge: nothing handed out */
    soft_cap = soft_budget;
    size_t live = p.nlive;
    errno = 0;
    CU_ASSERT_PTR_NULL(sim_stack_get(&p));
    CU_ASSERT_EQUAL(errno, ENOMEM);
    CU_ASSERT_EQUAL(p.nlive, live);
    CU_ASSERT_EQUAL(soft_budget, (long)first);
    soft_cap = 1L << 40;
    sim_stack_put(&p, st);
    CU_ASSERT_EQUAL(soft_budget, 0);
    sim_stack_pool_fini(&p);
    /* too small for a soft guard: charged whole, none made */
    sim_stack_pool_init(&p, 48 * K);
    p.guard = force;
    sim_stack_pool_charge(&p, first, chunk, soft_charge, NULL);
    st = sim_stack_get(&p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    CU_ASSERT_PTR_NULL(st->soft);
    CU_ASSERT_EQUAL(soft_budget, (long)((char *)st + 64 - (char *)st->base));
    sim_stack_put(&p, st);
    CU_ASSERT_EQUAL(soft_budget, 0);
    sim_stack_pool_fini(&p);
}

static void test_soft_guard_charges(void) { check_soft(SIM_GUARD_UNKNOWN); }
static void test_soft_guard_charges_mprotect(void) { check_soft(SIM_GUARD_MPROTECT); }

/* Stacks are carved from slabs that double in size: 1000 stacks come from
 * a handful of mappings, each at least the size asked for, 16-aligned at the
 * top, none overlapping another. With MADV_GUARD_INSTALL a slab stays one
 * mapping whatever its guards (the point: mprotect guards cost two mappings
 * per stack, and the kernel's 65530 mappings ended runs near 32k threads). */
static void test_stacks_come_from_slabs(void)
{
    enum { N = 1000 };
    static sim_stack *st[N];
    long before = count_mappings();
    sim_stack_pool p;
    sim_stack_pool_init(&p, 20000); /* rounded up to whole pages */
    CU_ASSERT_EQUAL(p.size, 20480);
    for (int i = 0; i < N; i++) {
        st[i] = sim_stack_get(&p);
        CU_ASSERT_PTR_NOT_NULL_FATAL(st[i]);
        CU_ASSERT(st[i]->size >= p.size);
        CU_ASSERT_EQUAL(((uintptr_t)st[i]->base + st[i]->size) % 16, 0);
        ((volatile char *)st[i]->base)[st[i]->size - 1] = (char)i;
    }
    for (int i = 0; i < N; i++) /* nothing overwrote anything */
        CU_ASSERT_EQUAL(((volatile char *)st[i]->base)[st[i]->size - 1], (char)i);
    for (int i = 1; i < N; i++) {
        uintptr_t lo = (uintptr_t)st[i]->base, hi = lo + st[i]->size;
        uintptr_t plo = (uintptr_t)st[i - 1]->base, phi = plo + st[i - 1]->size;
        CU_ASSERT(hi <= plo || phi <= lo);
    }
    /* 16 + 32 + 64 + 128 + 256 + 512 slots */
    CU_ASSERT_EQUAL(p.nslabs, 6);
    CU_ASSERT_EQUAL(p.nlive, N);
    long after = count_mappings();
    if (p.guard == SIM_GUARD_MADVISE) {
        CU_ASSERT(after - before <= (long)p.nslabs + 2);
    } else {
        CU_ASSERT(after - before >= N);
    }
    for (int i = 0; i < N; i++)
        sim_stack_put(&p, st[i]);
    CU_ASSERT_EQUAL(p.nfree, N);
    CU_ASSERT_EQUAL(p.nlive, 0);
    sim_stack_pool_fini(&p);
    CU_ASSERT(count_mappings() <= before + 1);
}

/* Out of mappings is an error to the caller, not an abort: with mprotect
 * guards (two mappings per stack) threads are started until the kernel's
 * vm.max_map_count refuses; sim_thread_start then fails and changes
 * nothing, the threads already started run to their end, and once they
 * have, their stacks serve new threads. */
static int started, refused, finished;
static void nap(void *arg)
{
    (void)arg;
    sim_sleep(&S, 1000);
    finished++;
}

static void main_until_refused(void *arg)
{
    (void)arg;
    for (;;) {
        sim_thread *t = sim_thread_create(&S, "n", nap, NULL, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        if (sim_thread_start(&S, t, 0) != 0) {
            CU_ASSERT_EQUAL(t->state, SIM_T_NEW);
            CU_ASSERT_PTR_NULL(t->stack);
            refused++;
            break;
        }
        started++;
    }
    sim_sleep(&S, 2000); /* every nap ends */
    say("after %s ", finished == started ? "all" : "not all");
    sim_thread *again = sim_thread_create(&S, "again", nap, NULL, NULL);
    say("again %d ", sim_thread_start(&S, again, 0));
    sim_sched_finish(&S);
}

static void test_out_of_mappings_is_an_error(void)
{
#ifdef SIM_ASAN
    /* the sanitizer's own allocator and shadow need new mappings too, and
     * die when the kernel's budget is spent: the plain build runs this */
    fprintf(stderr, "(skipped under AddressSanitizer)\n");
    return;
#endif
    FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
    long max = 0;
    if (!f || fscanf(f, "%ld", &max) != 1 || max > 200000) {
        if (f)
            fclose(f);
        fprintf(stderr, "(skipped: vm.max_map_count %ld is too large to exhaust)\n", max);
        return;
    }
    fclose(f);
    sim_config c = sim_config_default();
    c.stack_size = SIM_STACK_MIN;
    reset(&c);
    S.stacks.guard = SIM_GUARD_MPROTECT;
    started = refused = finished = 0;
    CU_ASSERT_EQUAL(sim_sched_run(&S, sim_thread_create(&S, "m", main_until_refused, NULL, NULL)),
                    SIM_FINISHED);
    CU_ASSERT_EQUAL(refused, 1);
    CU_ASSERT(started > 1000 && started < max);
    TS_ASSERT_STR_EQ(logbuf, "after all again 0 ");
    sim_sched_kill_rest(&S);
    sim_sched_fini(&S);
}

/* No address space for even the first thread (a 256 TiB stack is more than
 * x86-64 user space holds): sim_sched_run says so and returns, no abort, and
 * nothing ran. */
static void test_no_stack_for_the_first_thread(void)
{
    sim_config c = sim_config_default();
    c.stack_size = (size_t)1 << 48;
    reset(&c);
    CU_ASSERT_EQUAL(sim_sched_run(&S, sim_thread_create(&S, "m", main_stall, NULL, NULL)),
                    SIM_NOSTACK);
    CU_ASSERT_EQUAL(S.threads[0]->state, SIM_T_NEW);
    CU_ASSERT_EQUAL(S.nevents, 0);
    sim_sched_kill_rest(&S);
    sim_sched_fini(&S);
}

/* ---- the shared stack (sim_thread_share_stack) ------------------------------ */

static bool shr_supported(void) { return strcmp(S.ctx_ops->name, "asm") == 0; }

static int shr_mode;        /* 0: own stacks; 1: every thread shared, main too; 2: odd ids */
static unsigned long shr_bad;
static char shr_events[65536];

static void shr_sink(void *ud, const sim_event *ev)
{
    (void)ud;
    size_t n = strlen(shr_events);
    snprintf(shr_events + n, sizeof shr_events - n, "%d:%u:%u:%lld ", (int)ev->kind, ev->thread,
             ev->other, (long long)ev->time);
}

static void shr_place(sim_thread *t, int id)
{
    if (shr_mode == 1 || (shr_mode == 2 && id % 2))
        CU_ASSERT_EQUAL(sim_thread_share_stack(&S, t), 0);
}

/* Frames full of values that only this call can know, a switch at the
 * bottom (a sleep or a yield), and the values checked on the way back up:
 * frames set aside and copied back come back exact. Worker 5 goes deep
 * (60 KiB) so that a big set of frames is moved too. */
static void shr_deep(int id, int depth, int round)
{
    volatile uint64_t local[16];
    volatile char pad[id == 5 ? 1024 : 1];
    pad[0] = (char)depth;
    for (int i = 0; i < 16; i++)
        local[i] = (uint64_t)id * 1000003u + (uint64_t)depth * 131u + (uint64_t)i;
    if (depth > 0)
        shr_deep(id, depth - 1, round);
    else if ((id + round) % 3 == 0)
        sim_sleep(&S, 10 * (id % 4 + 1));
    else
        sim_yield(&S);
    for (int i = 0; i < 16; i++)
        if (local[i] != (uint64_t)id * 1000003u + (uint64_t)depth * 131u + (uint64_t)i)
            shr_bad++;
    if (pad[0] != (char)depth)
        shr_bad++;
}

static void shr_worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    if (id == 0) { /* a thread that starts another: from the shared stack, in mode 1 */
        sim_thread *t = sim_thread_create(&S, "child", shr_worker, (void *)(intptr_t)13, NULL);
        shr_place(t, 13);
        CU_ASSERT_EQUAL(sim_thread_start(&S, t, 0), 0);
    }
    for (int r = 0; r < 5; r++) {
        shr_deep(id, id == 5 ? 60 : id % 7, r);
        say("%d.%d ", id, r);
    }
}

static void shr_main(void *arg)
{
    (void)arg;
    for (int i = 0; i < 12; i++) {
        sim_thread *t = sim_thread_create(&S, "w", shr_worker, (void *)(intptr_t)i, NULL);
        shr_place(t, i);
        CU_ASSERT_EQUAL(sim_thread_start(&S, t, 0), 0);
    }
    sim_sleep(&S, 1000);
    say("end");
    sim_sched_finish(&S);
}

/* One program on its own stacks, all on the shared stack (main too), and
 * half and half: the same output and the same events, in the same order
 * at the same times, and every frame intact. */
static void test_shared_stack_changes_nothing_but_memory(void)
{
    char out[3][sizeof logbuf], ev[3][sizeof shr_events];
    for (shr_mode = 0; shr_mode < 3; shr_mode++) {
        reset(NULL);
        shr_bad = 0;
        shr_events[0] = '\0';
        sim_sched_set_sink(&S, shr_sink, NULL);
        sim_thread *m = sim_thread_create(&S, "main", shr_main, NULL, NULL);
        if (shr_mode == 1 && !shr_supported()) {
            /* the ucontext backend keeps no real stack pointer to copy from */
            CU_ASSERT_EQUAL(sim_thread_share_stack(&S, m), -1);
            CU_ASSERT_EQUAL(errno, ENOTSUP);
            sim_sched_fini(&S);
            return;
        }
        if (shr_mode == 1)
            CU_ASSERT_EQUAL(sim_thread_share_stack(&S, m), 0);
        CU_ASSERT_EQUAL(sim_sched_run(&S, m), SIM_FINISHED);
        CU_ASSERT_EQUAL(shr_bad, 0);
        if (shr_mode == 0) {
            CU_ASSERT_PTR_NULL(S.shr);
            CU_ASSERT_EQUAL(S.shr_copied, 0);
        } else {
            CU_ASSERT_PTR_NOT_NULL(S.shr);
            CU_ASSERT(S.shr_copied > 60 * 1024); /* worker 5's deep frames moved, at least */
        }
        strcpy(out[shr_mode], logbuf);
        strcpy(ev[shr_mode], shr_events);
        sim_sched_kill_rest(&S);
        for (uint32_t i = 0; i < S.nthreads; i++) {
            CU_ASSERT_PTR_NULL(S.threads[i]->saved);
            CU_ASSERT_PTR_NULL(S.threads[i]->stack);
        }
        sim_sched_fini(&S);
    }
    CU_ASSERT(strstr(out[0], "5.4 ") != NULL && strstr(out[0], "13.4 ") != NULL);
    CU_ASSERT(strlen(ev[0]) > 500 && strlen(ev[0]) < sizeof shr_events - 100);
    for (int m = 1; m < 3; m++) {
        TS_ASSERT_STR_EQ(out[m], out[0]);
        TS_ASSERT_STR_EQ(ev[m], ev[0]);
    }
}

static void shr_sleeper(void *arg)
{
    (void)arg;
    sim_sleep(&S, 1000);
}

static void shr_main_idle(void *arg)
{
    (void)arg;
    enum { N = 200 };
    sim_thread *t[N];
    for (int i = 0; i < N; i++) {
        t[i] = sim_thread_create(&S, "s", shr_sleeper, NULL, NULL);
        CU_ASSERT_EQUAL(sim_thread_share_stack(&S, t[i]), 0);
        CU_ASSERT_EQUAL(sim_thread_start(&S, t[i], 0), 0);
    }
    /* all asleep: each one's frames are set aside but the last's, which
     * are still on the shared stack; a few hundred bytes each */
    for (int i = 0; i < N; i++) {
        CU_ASSERT_EQUAL(t[i]->state, SIM_T_BLOCKED);
        CU_ASSERT_PTR_EQUAL(t[i]->stack, S.shr);
        if (i < N - 1)
            CU_ASSERT(t[i]->saved_len > 64 && t[i]->saved_len < 1024);
    }
    CU_ASSERT_PTR_EQUAL(S.shr_owner, t[N - 1]);
    CU_ASSERT_EQUAL(t[N - 1]->saved_len, 0);
    /* one stack for them all, and the helper's; main's own */
    CU_ASSERT_EQUAL(S.stacks.nlive, 3);
    CU_ASSERT_EQUAL(sim_thread_share_stack(&S, t[0]), -1); /* started already */
    CU_ASSERT_EQUAL(errno, EINVAL);
    sim_sched_finish(&S); /* while they sleep: killed, their frames freed */
}

static void test_idle_shared_threads_cost_their_frames(void)
{
    reset(NULL);
    if (!shr_supported()) {
        sim_thread *t = sim_thread_create(&S, "s", shr_sleeper, NULL, NULL);
        CU_ASSERT_EQUAL(sim_thread_share_stack(&S, t), -1);
        CU_ASSERT_EQUAL(errno, ENOTSUP);
        CU_ASSERT_FALSE(t->shared);
        sim_sched_fini(&S);
        return;
    }
    CU_ASSERT_EQUAL(sim_sched_run(&S, sim_thread_create(&S, "m", shr_main_idle, NULL, NULL)),
                    SIM_FINISHED);
    sim_sched_kill_rest(&S);
    for (uint32_t i = 1; i < S.nthreads; i++) {
        CU_ASSERT_EQUAL(S.threads[i]->state, SIM_T_KILLED);
        CU_ASSERT_PTR_NULL(S.threads[i]->saved);
    }
    CU_ASSERT_PTR_NULL(S.shr_owner);
    sim_sched_fini(&S);
}


static void deep_then_yield(int n)
{
    volatile char pad[1024];
    pad[0] = (char)n;
    if (n > 0)
        deep_then_yield(n - 1);
    else
        sim_yield(&S);
    pad[1] = pad[0];
}

static void deep_yielder(void *arg)
{
    (void)arg;
    deep_then_yield(290);
}

/* Frame buffers are reused: 5000 shared threads, a few alive at a time,
 * each set aside and finished, take one block of buffers in all. */
static void shr_brief(void *arg)
{
    (void)arg;
    sim_sleep(&S, 1);
}

static void shr_main_many(void *arg)
{
    (void)arg;
    for (int i = 0; i < 5000; i++) {
        sim_thread *t = sim_thread_create(&S, "b", shr_brief, NULL, NULL);
        CU_ASSERT_EQUAL(sim_thread_share_stack(&S, t), 0);
        CU_ASSERT_EQUAL(sim_thread_start(&S, t, 0), 0);
        if (i % 8 == 7)
            sim_sleep(&S, 2); /* the last eight finish */
    }
    sim_sleep(&S, 2);
    sim_sched_finish(&S);
}

static void test_frame_buffers_are_reused(void)
{
    reset(NULL);
    if (!shr_supported()) {
        sim_sched_fini(&S);
        return; /* test_idle_shared_threads_cost_their_frames asserts the refusal */
    }
    CU_ASSERT_EQUAL(sim_sched_run(&S, sim_thread_create(&S, "m", shr_main_many, NULL, NULL)),
                    SIM_FINISHED);
    CU_ASSERT(S.shr_copied > 5000 * 64); /* every one of them was set aside */
    CU_ASSERT_PTR_NOT_NULL_FATAL(S.frames_blocks);
    void *next = (void *)1;
    memcpy(&next, S.frames_blocks, sizeof next);
    CU_ASSERT_PTR_NULL(next); /* one block */
    sim_sched_kill_rest(&S);
    sim_sched_fini(&S);
}

/* No memory for a shared thread's frames ends the run with SIM_LIMIT and a
 * reason, never an abort: a thread 300 KiB deep is to be set aside while
 * the address space is capped (RLIMIT_AS), in a child process. */
static void shr_deep_yield(void *arg)
{
    (void)arg;
    volatile char x = 0;
    deep(290, &x);
}

static void shr_main_oom(void *arg)
{
    (void)arg;
    sim_thread *a = sim_thread_create(&S, "a", shr_deep_yield, NULL, NULL);
    sim_thread *b = sim_thread_create(&S, "b", shr_sleeper, NULL, NULL);
    if (sim_thread_share_stack(&S, a) != 0 || sim_thread_share_stack(&S, b) != 0 ||
        sim_thread_start(&S, a, 0) != 0)
        _exit(10);
    /* a has run to its end (deep() does not switch) */
    sim_thread *c = sim_thread_create(&S, "c", deep_yielder, NULL, NULL);
    if (sim_thread_share_stack(&S, c) != 0 || sim_thread_start(&S, c, 0) != 0)
        _exit(11);
    /* c is 300 KiB deep, yielded: its frames are on the shared stack */
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    unsigned long kb = 0;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmSize:", 7) == 0)
            kb = strtoul(line + 7, NULL, 10);
    if (f)
        fclose(f);
    struct rlimit rl = {(rlim_t)kb * 1024 + 64 * 1024, RLIM_INFINITY};
    if (kb == 0 || setrlimit(RLIMIT_AS, &rl) != 0)
        _exit(12);
    sim_thread_start(&S, b, 0); /* c's frames cannot be set aside */
    _exit(13);                  /* not reached: the run ended */
}

static void test_no_memory_for_frames_ends_the_run(void)
{
#ifdef SIM_ASAN
    /* the sanitizer's allocator maps memory of its own and dies under the
     * cap: the plain build runs this */
    fprintf(stderr, "(skipped under AddressSanitizer)\n");
    return;
#endif
    sim_config c = sim_config_default();
    c.stack_size = 512 * 1024;
    reset(&c);
    if (!shr_supported()) {
        sim_sched_fini(&S);
        return; /* test_idle_shared_threads_cost_their_frames asserts the refusal */
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        sim_status st = sim_sched_run(&S, sim_thread_create(&S, "m", shr_main_oom, NULL, NULL));
        if (st != SIM_LIMIT)
            _exit(20 + (int)st);
        if (!S.limit_reason || strcmp(S.limit_reason, "out of memory for a shared stack's frames"))
            _exit(30);
        if (S.threads[2]->state != SIM_T_READY) /* b never ran */
            _exit(31);
        sim_sched_kill_rest(&S);
        sim_sched_fini(&S);
        _exit(0);
    }
    int status = -1;
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    CU_ASSERT_TRUE(WIFEXITED(status));
    CU_ASSERT_EQUAL(WEXITSTATUS(status), 0);
    sim_sched_fini(&S);
}

/* ---- policies and decisions -------------------------------------------- */

static uint32_t pick_last(void *ud, sim_sched *s, uint32_t n)
{
    (void)ud, (void)s;
    return n - 1;
}

static int ndec;
static void count_decision(void *ud, uint64_t index, uint32_t n, uint32_t chosen, uint32_t thread,
                           bool step)
{
    (void)ud, (void)thread, (void)step;
    CU_ASSERT_EQUAL(index, (uint64_t)ndec);
    CU_ASSERT(n >= 2 && chosen < n);
    ndec++;
}

static void test_policy_changes_only_the_choice(void)
{
    reset(NULL);
    sim_policy p = {.name = "last", .pick = pick_last};
    sim_sched_set_policy(&S, p);
    ndec = 0;
    sim_sched_on_decision(&S, count_decision, NULL);
    sim_sched_run(&S, sim_thread_create(&S, "m", main_two_yielders, NULL, NULL));
    /* picking the newest-ready thread: the starter goes on at each start */
    TS_ASSERT_STR_EQ(logbuf, "main ");
    CU_ASSERT(ndec >= 2);
    CU_ASSERT_EQUAL((uint64_t)ndec, S.ndecisions);
    sim_sched_kill_rest(&S);
    sim_sched_fini(&S);
}

static void test_unknown_backend_refused(void)
{
    sim_config c = sim_config_default();
    c.backend = "no-such-backend";
    CU_ASSERT_EQUAL(sim_sched_init(&S, &c), -1);
    sim_sched_fini(&S);
    CU_ASSERT_PTR_NOT_NULL(sim_ctx_backend_find("ucontext"));
    CU_ASSERT_PTR_NOT_NULL(sim_ctx_backend_default());
}

TS_TESTS("sched", TS_TEST(test_unknown_backend_refused), TS_TEST(test_shared_stack_changes_nothing_but_memory), TS_TEST(test_idle_shared_threads_cost_their_frames), TS_TEST(test_frame_buffers_are_reused), TS_TEST(test_no_memory_for_frames_ends_the_run), TS_TEST(test_switching_and_fifo), TS_TEST(test_round_robin),
         TS_TEST(test_timers_in_time_then_arming_order), TS_TEST(test_timers_fire_one_at_a_time),
         TS_TEST(test_due_timers_are_candidates), TS_TEST(test_jitter_counts_from_ready), TS_TEST(test_due_timers_capped),
         TS_TEST(test_wake_cancels_timeout), TS_TEST(test_block_times_out),
         TS_TEST(test_stall_returns_to_host), TS_TEST(test_time_limit_with_preemption),
         TS_TEST(test_event_limit), TS_TEST(test_preemption_lets_time_move),
         TS_TEST(test_time_add_saturates), TS_TEST(test_sleep_to_the_last_instant),
         TS_TEST(test_deadlines_past_the_end_never_fire),
         TS_TEST(test_preemption_clock_stops_short_of_the_end),
         TS_TEST(test_stacks_are_reused), TS_TEST(test_configured_stack_size),
         TS_TEST(test_guard_page_faults), TS_TEST(test_guard_page_faults_mprotect),
         TS_TEST(test_stacks_come_from_slabs), TS_TEST(test_soft_guard_charges),
         TS_TEST(test_soft_guard_charges_mprotect), TS_TEST(test_out_of_mappings_is_an_error),
         TS_TEST(test_no_stack_for_the_first_thread),
         TS_TEST(test_policy_changes_only_the_choice))
