/*
 * tools/bench_store.c — what recording costs: bench/pingpong (>= 1M events)
 * run without a store (like `run --no-db`: events go to a sink that keeps
 * only the output view) and with one (recording into a fresh SQLite file in
 * a temporary directory, as `run` does), side by side.
 *
 *   build/tools/bench_store [ROUNDS]     (ROUNDS: repetitions of each, default 3)
 *
 * Prints, for each way, the best wall time of the repetitions and events per
 * second, then the recording throughput (events per second into SQLite) and
 * the overhead of recording relative to --no-db. Wall time here is the
 * benchmark's own business and never reaches a trace.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../sim/num.h"
#include "../traces/store.h"
#include "cli.h"
#include "scenarios/scenario.h"

static double bench__now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void bench__output(void *ud, const sim_event *ev)
{
    if (ev->kind == SIM_EV_OUTPUT && ev->text)
        sim_buf_add(ud, ev->text, ev->len);
}

typedef struct bench__tee {
    sim_buf *out;
    store_rec *rec;
} bench__tee;

static void bench__tee_sink(void *ud, const sim_event *ev)
{
    bench__tee *t = ud;
    bench__output(t->out, ev);
    store_rec_event(t->rec, ev);
}

/* One run; with `st`, recorded. Returns wall seconds, or -1 on error. */
static double bench__run(const ts_scenario *sc, store *st, model_result *res)
{
    model_opts o = model_opts_default();
    o.python = sc->python;
    sim_buf out = {0};
    store_run meta = {0};
    store_rec *rec = NULL;
    bench__tee tee = {.out = &out};
    double t0 = bench__now();
    if (st) {
        meta.scenario = (char *)sc->name;
        meta.policy = (char *)"fifo";
        meta.python = o.python;
        meta.cfg = o.sim;
        meta.version = (char *)TS_VERSION;
        rec = store_rec_begin(st, &meta);
        if (!rec) {
            fprintf(stderr, "bench_store: %s\n", store_error(st));
            return -1;
        }
        tee.rec = rec;
        o.sink = bench__tee_sink;
        o.sink_ud = &tee;
        o.on_decision = store_rec_decision;
        o.decision_ud = rec;
    } else {
        o.sink = bench__output;
        o.sink_ud = &out;
    }
    int status = model_run(&o, sc->main, NULL, res);
    if (rec && store_rec_end(rec, status == 0 ? STORE_OK : STORE_EXCEPTION, status, res->end_time,
                             res->threads) != 0) {
        fprintf(stderr, "bench_store: %s\n", store_error(st));
        return -1;
    }
    double dt = bench__now() - t0;
    sim_buf_free(&out);
    return dt;
}

int main(int argc, char **argv)
{
    uint64_t nreps = 3;
    if (argc > 1 && (sim_parse_u64(argv[1], 1000, &nreps) != SIM_NUM_OK || nreps == 0)) {
        fputs("usage: bench_store [REPS]   (REPS: 1 to 1000, default 3)\n", stderr);
        return 2;
    }
    int reps = (int)nreps;
    const ts_scenario *sc = ts_scenario_find("bench/pingpong");
    if (!sc) {
        fputs("bench_store: no bench/pingpong scenario\n", stderr);
        return 2;
    }
    char dir[] = "/tmp/threadsim-bench-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("bench_store: mkdtemp");
        return 2;
    }
    char path[sizeof dir + 16];
    snprintf(path, sizeof path, "%s/bench.db", dir);
    char err[600];
    store_open_opts so = store_open_opts_default();
    so.create = true;
    store *st = store_open(path, &so, err, sizeof err);
    if (!st) {
        fprintf(stderr, "bench_store: %s\n", err);
        return 2;
    }

    double best_plain = 1e30, best_rec = 1e30;
    model_result res = {0};
    for (int i = 0; i < reps; i++) {
        double a = bench__run(sc, NULL, &res);
        double b = bench__run(sc, st, &res);
        if (a < 0 || b < 0)
            return 2;
        if (a < best_plain)
            best_plain = a;
        if (b < best_rec)
            best_rec = b;
    }
    store_close(st);
    struct stat sb;
    double mb = stat(path, &sb) == 0 ? (double)sb.st_size / (1024.0 * 1024.0) : 0;
    char wal[sizeof path + 8];
    snprintf(wal, sizeof wal, "%s-wal", path);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", path);
    unlink(wal);
    unlink(path);
    rmdir(dir);

    double ev = (double)res.events;
    printf("bench/pingpong: %" PRIu64 " events, %" PRIu64 " decisions, %" PRIu32
           " threads per run; best of %d\n",
           res.events, res.decisions, res.threads, reps);
    printf("  %-22s %8.3f s  %12.0f events/s\n", "run --no-db", best_plain, ev / best_plain);
    printf("  %-22s %8.3f s  %12.0f events/s\n", "run (recording)", best_rec, ev / best_rec);
    double extra = best_rec - best_plain;
    printf("  recording alone: %.3f s for %" PRIu64 " events + %" PRIu64 " decisions = "
           "%.0f events/s into SQLite\n",
           extra, res.events, res.decisions, extra > 0 ? ev / extra : 0.0);
    printf("  cost of recording: %.2fx the --no-db time (+%.0f%%); database %.1f MiB for %d runs\n",
           best_rec / best_plain, 100.0 * (best_rec / best_plain - 1.0), mb, reps);
    return 0;
}
