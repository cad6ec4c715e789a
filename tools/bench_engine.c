/*
 * tools/bench_engine.c — what the engine costs, side by side with baselines.
 *
 * Measures, in one run:
 *   raw switch              two contexts switching to each other: the
 *                           backend's floor ("asm", and "ucontext" whose
 *                           swapcontext includes a sigprocmask system call)
 *   engine switch           two green threads alternating through sim_yield
 *                           (ready queue + policy + trace sink + switch)
 *   timed wake-ups          64 green threads sleeping in turn: each wake-up is
 *                           a timer armed, popped, the clock moved, a switch
 *   pthread hand-off        two OS threads alternating through a mutex and a
 *                           condition variable: the baseline a real threading
 *                           runtime pays per hand-off
 * Wall-clock time is measured here only; it never reaches a trace.
 *
 * usage: bench_engine [SCALE]   (SCALE multiplies the iteration counts; 1)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../sim/ctx.h"
#include "../sim/num.h"
#include "../sim/sched.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void report(const char *what, double ops, double secs, const char *unit)
{
    printf("%-24s %12.0f %-14s %8.1f ns/op  (%.0f ops in %.3f s)\n", what, ops / secs, unit,
           secs * 1e9 / ops, ops, secs);
}

/* ---- raw backend ------------------------------------------------------- */

static sim_ctx raw_main, raw_other;
static ucontext_t raw_main_uc;
static const sim_ctx_backend *raw_b;
static long raw_n;

static void raw_entry(void)
{
    sim_ctx_entered();
    for (;;)
        sim_ctx_switch(raw_b, &raw_other, &raw_main, false);
}

static void bench_raw(const char *backend, long n)
{
    raw_b = sim_ctx_backend_find(backend);
    if (!raw_b)
        return;
    void *stack = malloc(64 * 1024);
    sim_ctx_init_host(&raw_main, &raw_main_uc);
    sim_ctx_make(raw_b, &raw_other, stack, 64 * 1024, raw_entry);
    double t0 = now_s();
    for (raw_n = 0; raw_n < n; raw_n++)
        sim_ctx_switch(raw_b, &raw_main, &raw_other, false);
    double t1 = now_s();
    char what[64];
    snprintf(what, sizeof what, "raw switch (%s)", backend);
    report(what, 2.0 * (double)n, t1 - t0, "switches/s");
    free(stack);
}

/* ---- engine switches ---------------------------------------------------- */

static sim_sched S;
static long iters;
static uint64_t sink_count;

static void count_sink(void *ud, const sim_event *ev)
{
    (void)ud, (void)ev;
    sink_count++;
}

static void yielder(void *arg)
{
    (void)arg;
    for (long i = 0; i < iters; i++)
        sim_yield(&S);
}

static void main_yield(void *arg)
{
    (void)arg;
    sim_thread_start(&S, sim_thread_create(&S, "a", yielder, NULL, NULL), 0);
    yielder(NULL);
    sim_sleep(&S, 1); /* let the other finish */
    sim_sched_finish(&S);
}

static void bench_engine_switch(const char *backend, long n)
{
    sim_config c = sim_config_default();
    c.switch_steps = 0;
    c.backend = backend;
    if (!sim_ctx_backend_find(backend))
        return;
    sim_sched_init(&S, &c);
    sim_sched_set_sink(&S, count_sink, NULL);
    iters = n;
    double t0 = now_s();
    sim_sched_run(&S, sim_thread_create(&S, "m", main_yield, NULL, NULL));
    double t1 = now_s();
    char what[64];
    snprintf(what, sizeof what, "engine switch (%s)", backend);
    report(what, (double)S.nswitches, t1 - t0, "switches/s");
    sim_sched_kill_rest(&S);
    sim_sched_fini(&S);
}

/* ---- timed wake-ups ----------------------------------------------------- */

static void sleeper(void *arg)
{
    long k = (long)(intptr_t)arg;
    for (long i = 0; i < iters; i++)
        sim_sleep(&S, 1000 + k); /* distinct periods: the heap really orders */
}

static void main_sleepers(void *arg)
{
    long nthreads = (long)(intptr_t)arg;
    for (long k = 0; k < nthreads; k++)
        sim_thread_start(&S, sim_thread_create(&S, "s", sleeper, (void *)(intptr_t)k, NULL), 0);
    sim_sleep(&S, INT64_C(1) << 60);
    sim_sched_finish(&S);
}

static void bench_timed(const char *backend, long n)
{
    const long nthreads = 64;
    sim_config c = sim_config_default();
    c.backend = backend;
    if (sim_sched_init(&S, &c) != 0)
        return;
    sim_sched_set_sink(&S, count_sink, NULL);
    iters = n / nthreads;
    double t0 = now_s();
    sim_sched_run(&S, sim_thread_create(&S, "m", main_sleepers, (void *)(intptr_t)nthreads, NULL));
    double t1 = now_s();
    char what[64];
    snprintf(what, sizeof what, "timed wake-ups (%s)", backend);
    report(what, (double)(iters * nthreads), t1 - t0, "wake-ups/s");
    sim_sched_kill_rest(&S);
    sim_sched_fini(&S);
}

/* ---- pthread baseline --------------------------------------------------- */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int turn;
static long pt_n;

static void *pt_side(void *arg)
{
    int me = (int)(intptr_t)arg;
    pthread_mutex_lock(&mu);
    for (long i = 0; i < pt_n; i++) {
        while (turn != me)
            pthread_cond_wait(&cv, &mu);
        turn = 1 - me;
        pthread_cond_signal(&cv);
    }
    pthread_mutex_unlock(&mu);
    return NULL;
}

static void bench_pthread(long n)
{
    pthread_t a, b;
    pt_n = n;
    turn = 0;
    double t0 = now_s();
    pthread_create(&a, NULL, pt_side, (void *)0);
    pthread_create(&b, NULL, pt_side, (void *)1);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    double t1 = now_s();
    report("pthread hand-off", 2.0 * (double)n, t1 - t0, "hand-offs/s");
}

int main(int argc, char **argv)
{
    uint64_t scale = 1;
    if (argc > 1 && (sim_parse_u64(argv[1], 1000, &scale) != SIM_NUM_OK || scale == 0)) {
        fputs("usage: bench_engine [SCALE]   (SCALE: 1 to 1000, default 1)\n", stderr);
        return 2;
    }
    printf("threadsim engine benchmark (context backends: %s)\n", sim_ctx_backend_names());
    const char *backends[] = {"asm", "ucontext"};
    for (int i = 0; i < 2; i++) {
        long n = (i == 0 ? 10000000 : 1000000) * (long)scale;
        bench_raw(backends[i], n);
        bench_engine_switch(backends[i], n);
        bench_timed(backends[i], n);
    }
    bench_pthread(200000 * (long)scale);
    return 0;
}
