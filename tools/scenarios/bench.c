/*
 * tools/scenarios/bench.c — scenarios for benchmarks: long runs with many
 * events and scheduling decisions, no tutorial page behind them.
 *
 * bench/pingpong: PP_BATCHES times, main starts two threads, "ping" and
 * "pong", and joins them. Each hands the CPU to the other PP_ROUNDS times
 * with time.sleep(0) (a yield: a scheduling decision between the two), then
 * sleeps 1 ms, so virtual time moves and timers fire. Main prints a line
 * every 500 batches. About 1.25 million events and 600 thousand decisions.
 * Called with an int* argument, that many batches instead of PP_BATCHES.
 *
 *   def player():
 *       for i in range(ROUNDS): time.sleep(0)
 *       time.sleep(0.001)
 *   for b in range(1, BATCHES + 1):
 *       ping = Thread(name='ping', target=player); pong = Thread(name='pong', ...)
 *       ping.start(); pong.start(); ping.join(); pong.join()
 *       if b % 500 == 0: print('batch', b)
 *
 * Fresh threads per batch keep the two in step: a thread woken by its timer
 * runs alone until it blocks, so two long-lived threads that sleep would
 * stop alternating after their first sleep.
 */
#include "scenario.h"

#define PP_BATCHES 2000
#define PP_ROUNDS 150

static void pp_player(void *arg)
{
    (void)arg;
    for (int i = 0; i < PP_ROUNDS; i++)
        model_sleep(0);
    model_sleep(0.001);
}

/* arg: NULL, or an int* with the number of batches (tests use fewer). */
static void pp_main(void *arg)
{
    int batches = arg ? *(const int *)arg : PP_BATCHES;
    for (int b = 1; b <= batches; b++) {
        model_thread *ping = model_thread_new("ping", pp_player, NULL, "player");
        model_thread *pong = model_thread_new("pong", pp_player, NULL, "player");
        TS_CHECK(model_thread_start(ping));
        TS_CHECK(model_thread_start(pong));
        TS_CHECK(model_thread_join(ping, MODEL_NO_TIMEOUT));
        TS_CHECK(model_thread_join(pong, MODEL_NO_TIMEOUT));
        if (b % 500 == 0)
            model_print("batch %d", b);
    }
}

static const ts_scenario bench_items[] = {
    {"bench/pingpong", "2000 x two threads yielding 150 times to each other (~1.25M events)",
     pp_main, 3, NULL},
};

const ts_scenario_table ts_bench_scenarios = {bench_items,
                                              sizeof bench_items / sizeof bench_items[0]};
