/* tests/test_timerq.c — the event queue: (time, arming order), cancellation. */
#include <stdlib.h>
#include <string.h>

#include "sim/timerq.h"
#include "test_util.h"

static int fired_order[64];
static int nfired;

static void record(sim_timer *t, void *ud)
{
    (void)t;
    fired_order[nfired++] = (int)(intptr_t)ud;
}

static void drain(sim_timerq *q)
{
    nfired = 0;
    for (sim_timer *t; (t = sim_timerq_pop(q));)
        t->fire(t, t->ud);
}

static void test_orders_by_time(void)
{
    sim_timerq q;
    sim_timerq_init(&q);
    sim_timer t[5];
    int64_t when[5] = {50, 10, 40, 20, 30};
    for (int i = 0; i < 5; i++) {
        sim_timer_init(&t[i], record, (void *)(intptr_t)i);
        CU_ASSERT_EQUAL(sim_timerq_arm(&q, &t[i], when[i]), 0);
    }
    drain(&q);
    int expect[5] = {1, 3, 4, 2, 0};
    CU_ASSERT_EQUAL(nfired, 5);
    for (int i = 0; i < 5; i++)
        CU_ASSERT_EQUAL(fired_order[i], expect[i]);
    sim_timerq_fini(&q);
}

/* Equal times come out in arming order, whichever order that is. */
static void test_equal_times_first_armed_first(void)
{
    for (int order = 0; order < 2; order++) {
        sim_timerq q;
        sim_timerq_init(&q);
        sim_timer a, b;
        sim_timer_init(&a, record, (void *)(intptr_t)1);
        sim_timer_init(&b, record, (void *)(intptr_t)2);
        if (order == 0) {
            sim_timerq_arm(&q, &a, 100);
            sim_timerq_arm(&q, &b, 100);
        } else {
            sim_timerq_arm(&q, &b, 100);
            sim_timerq_arm(&q, &a, 100);
        }
        drain(&q);
        CU_ASSERT_EQUAL(nfired, 2);
        CU_ASSERT_EQUAL(fired_order[0], order == 0 ? 1 : 2);
        CU_ASSERT_EQUAL(fired_order[1], order == 0 ? 2 : 1);
        sim_timerq_fini(&q);
    }
}

static void test_many_equal_times_keep_fifo(void)
{
    sim_timerq q;
    sim_timerq_init(&q);
    sim_timer t[40];
    for (int i = 0; i < 40; i++) {
        sim_timer_init(&t[i], record, (void *)(intptr_t)i);
        sim_timerq_arm(&q, &t[i], i % 2 ? 7 : 3); /* two instants, interleaved arming */
    }
    drain(&q);
    CU_ASSERT_EQUAL(nfired, 40);
    int k = 0;
    for (int i = 0; i < 40; i += 2)
        CU_ASSERT_EQUAL(fired_order[k++], i);
    for (int i = 1; i < 40; i += 2)
        CU_ASSERT_EQUAL(fired_order[k++], i);
    sim_timerq_fini(&q);
}

static void test_cancel(void)
{
    sim_timerq q;
    sim_timerq_init(&q);
    sim_timer t[6];
    for (int i = 0; i < 6; i++) {
        sim_timer_init(&t[i], record, (void *)(intptr_t)i);
        sim_timerq_arm(&q, &t[i], 10 * (i + 1));
    }
    sim_timerq_cancel(&q, &t[0]); /* the root */
    sim_timerq_cancel(&q, &t[3]); /* an inner one */
    sim_timerq_cancel(&q, &t[5]); /* the last slot */
    CU_ASSERT_FALSE(sim_timer_armed(&t[3]));
    sim_timerq_cancel(&q, &t[3]); /* cancelling twice is harmless */
    CU_ASSERT_EQUAL(q.n, 3);
    drain(&q);
    CU_ASSERT_EQUAL(nfired, 3);
    CU_ASSERT_EQUAL(fired_order[0], 1);
    CU_ASSERT_EQUAL(fired_order[1], 2);
    CU_ASSERT_EQUAL(fired_order[2], 4);
    sim_timerq_fini(&q);
}

static void test_rearm_moves_and_restamps(void)
{
    sim_timerq q;
    sim_timerq_init(&q);
    sim_timer a, b;
    sim_timer_init(&a, record, (void *)(intptr_t)1);
    sim_timer_init(&b, record, (void *)(intptr_t)2);
    sim_timerq_arm(&q, &a, 100);
    sim_timerq_arm(&q, &b, 100);
    sim_timerq_arm(&q, &a, 100); /* re-armed: now after b */
    CU_ASSERT_EQUAL(q.n, 2);
    drain(&q);
    CU_ASSERT_EQUAL(fired_order[0], 2);
    CU_ASSERT_EQUAL(fired_order[1], 1);
    sim_timerq_fini(&q);
}

/* Random arms and cancels against a tiny reference model (sorted scan). */
static void test_against_reference(void)
{
    enum { N = 500 };
    static sim_timer t[N];
    static bool armed[N];
    static uint64_t stamp[N];
    sim_timerq q;
    sim_timerq_init(&q);
    uint64_t stamp_next = 0;
    unsigned seed = 12345;
    for (int i = 0; i < N; i++) {
        sim_timer_init(&t[i], record, (void *)(intptr_t)i);
        armed[i] = false;
    }
    for (int step = 0; step < 5000; step++) {
        seed = seed * 1103515245u + 12345u;
        int i = (int)((seed >> 8) % N);
        seed = seed * 1103515245u + 12345u;
        if ((seed >> 8) % 4 == 0) {
            sim_timerq_cancel(&q, &t[i]);
            armed[i] = false;
        } else {
            sim_timerq_arm(&q, &t[i], (int64_t)((seed >> 12) % 50));
            armed[i] = true;
            stamp[i] = stamp_next++;
        }
        if (step % 7 == 0 && q.n) {
            /* the reference minimum */
            int best = -1;
            for (int k = 0; k < N; k++)
                if (armed[k] && (best < 0 || t[k].when < t[best].when ||
                                 (t[k].when == t[best].when && stamp[k] < stamp[best])))
                    best = k;
            sim_timer *got = sim_timerq_pop(&q);
            CU_ASSERT_PTR_EQUAL(got, &t[best]);
            armed[best] = false;
        }
    }
    sim_timerq_fini(&q);
}

TS_TESTS("timerq", TS_TEST(test_orders_by_time), TS_TEST(test_equal_times_first_armed_first),
         TS_TEST(test_many_equal_times_keep_fifo), TS_TEST(test_cancel),
         TS_TEST(test_rearm_moves_and_restamps), TS_TEST(test_against_reference))
