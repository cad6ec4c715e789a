/*
 * tools/bench_store.c — what recording costs: bench/pingpong (>= 1M events)
 * run without a store (like `run --no-db`: events go to a sink that keeps
 * only the output view) and with one (recording into a fresh SQLite file in
 * a temporary directory, as `run` does), side by side.
 *
 * Then the same for a Python program of 1M timed wake-ups
 * (tools/bench/wake1m.py), run by the threadsim beside this binary with
 * --no-db and with --db into a fresh file.
 *
 *   build/tools/bench_store [ROUNDS]     (ROUNDS: repetitions of each, default 3)
 *
 * Prints, for each workload, the best wall time of the repetitions
 * unrecorded and recorded, their ratio, events per second and the
 * database's bytes per event (file size after closing / events stored).
 * Wall time here is the benchmark's own business and never reaches a trace.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

/* Run `threadsim run [--no-db | --db PATH] PROGRAM` quietly; wall seconds or -1. */
static double bench__py(const char *threadsim, const char *program, const char *db)
{
    double t0 = bench__now();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout))
            _exit(127);
        if (db)
            execl(threadsim, threadsim, "run", "--db", db, program, (char *)NULL);
        else
            execl(threadsim, threadsim, "run", "--no-db", program, (char *)NULL);
        _exit(127);
    }
    int wst;
    if (waitpid(pid, &wst, 0) != pid || !WIFEXITED(wst) || WEXITSTATUS(wst) != 0) {
        fprintf(stderr, "bench_store: %s run %s failed\n", threadsim, program);
        return -1;
    }
    return bench__now() - t0;
}

static void bench__unlink_db(const char *path)
{
    char side[1200];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    unlink(path);
}

static void bench__report(const char *name, uint64_t events, double plain, double rec,
                          double bytes_per_event)
{
    double ev = (double)events;
    printf("%s: %" PRIu64 " events\n", name, events);
    printf("  %-18s %8.3f s  %12.0f events/s\n", "unrecorded", plain, ev / plain);
    printf("  %-18s %8.3f s  %12.0f events/s\n", "recorded", rec, ev / rec);
    printf("  ratio %.2fx; %.2f bytes/event in the database\n", rec / plain, bytes_per_event);
}

/* The Python workload: best of `reps` each way. */
static int bench__python(int reps, const char *dir)
{
    char self[1024], threadsim[1100], program[1100], db[1100];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return -1;
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (slash)
        *slash = '\0';
    snprintf(threadsim, sizeof threadsim, "%s/threadsim", self);
    snprintf(program, sizeof program, "%s/tools/bench/wake1m.py", THREADSIM_SOURCE_DIR);
    snprintf(db, sizeof db, "%s/py.db", dir);
    double best_plain = 1e30, best_rec = 1e30, size = 0;
    for (int i = 0; i < reps; i++) {
        bench__unlink_db(db);
        double a = bench__py(threadsim, program, NULL);
        double b = bench__py(threadsim, program, db);
        if (a < 0 || b < 0)
            return -1;
        best_plain = a < best_plain ? a : best_plain;
        best_rec = b < best_rec ? b : best_rec;
        struct stat sb;
        size = stat(db, &sb) == 0 ? (double)sb.st_size : 0;
    }
    char err[600];
    store *st = store_open(db, &(store_open_opts){.busy_ms = 5000}, err, sizeof err);
    store_run r = {0};
    if (!st || store_run_get(st, 1, &r) != 0) {
        fprintf(stderr, "bench_store: %s\n", st ? store_error(st) : err);
        return -1;
    }
    uint64_t events = r.events;
    store_run_free(&r);
    store_close(st);
    bench__unlink_db(db);
    bench__report("tools/bench/wake1m.py (1M wake-ups, threadsim run)", events, best_plain,
                  best_rec, size / (double)events);
    return 0;
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

    bench__report("bench/pingpong (C API, a store_rec sink)", res.events, best_plain, best_rec,
                  mb * 1024.0 * 1024.0 / ((double)res.events * reps));
    printf("  (%" PRIu64 " decisions, %" PRIu32 " threads per run; best of %d)\n", res.decisions,
           res.threads, reps);
    fflush(stdout);
    if (bench__python(reps, dir) != 0) {
        rmdir(dir);
        return 2;
    }
    rmdir(dir);
    return 0;
}
