/*
 * tests/fuzz/fuzz_store.c — libFuzzer target: a database file of arbitrary
 * bytes, opened and read through what `show`, `runs` and `replay` use
 * (store_open, store_resolve, store_runs_each, store_run_get, store_view,
 * store_events_each, store_load_schedule, store_program_get), `export`
 * (store_load_trace, every format) and what
 * `explorations` and `show exploration N` use (store_x_*). Any outcome
 * but a crash, a leak or a sanitizer report is fine: a bad file must give
 * an error, never more.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../traces/store.h"
#include "../../traces/export.h"
#include "../../traces/store_explore.h"

static char path[64];

static int fuzz__run(void *ud, const store_run *r)
{
    store *st = ud;
    sim_buf b = {0};
    store_run one;
    if (store_run_get(st, r->id, &one) == 0)
        store_run_free(&one);
    store_view(st, r->id, true, &b);
    sim_buf_clear(&b);
    store_view(st, r->id, false, &b);
    sim_buf_free(&b);
    trace t;
    if (store_load_trace(st, r->id, &t) == 0) {
        trace_export_meta m = {0};
        m.title = r->scenario ? r->scenario : "?";
        m.subtitle = "fuzz";
        for (int f = TRACE_EXPORT_CHROME; f <= TRACE_EXPORT_JSON; f++) {
            sim_buf_clear(&b);
            trace_export(&b, (trace_export_format)f, &t, &m);
        }
        sim_buf_free(&b);
        trace_fini(&t);
    }
    trace_decision *d = NULL;
    size_t n = 0;
    if (store_load_schedule(st, r->id, &d, &n) == 0)
        free(d);
    char *src = NULL, *opts = NULL;
    size_t len = 0;
    store_program_get(st, r->id, &src, &len, &opts);
    free(src);
    free(opts);
    return 0;
}

static int fuzz__sched(void *ud, uint64_t index, const void *choices, size_t len, uint32_t outcome)
{
    (void)ud, (void)index, (void)outcome;
    /* every byte read (the fuzzer's memory checks see a short blob) */
    unsigned sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += ((const unsigned char *)choices)[i];
    return sum == UINT_MAX ? 1 : 0; /* never: only keeps the reads */
}

static int fuzz__x(void *ud, const store_exploration *x)
{
    store *st = ud;
    store_exploration one;
    memset(&one, 0, sizeof one);
    if (store_x_get(st, x->id, &one) == 0)
        store_x_free(&one);
    store_x_schedules_each(st, x->id, fuzz__sched, NULL);
    return 0;
}

static void fuzz__unlink(void)
{
    char p[80];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/threadsim-fuzz-store-%d.db", (int)getpid());
    fuzz__unlink();
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    char err[600];
    store_open_opts o = store_open_opts_default();
    o.busy_ms = 0;
    store *st = store_open(path, &o, err, sizeof err);
    if (st) {
        int64_t id;
        store_resolve(st, "last", &id);
        store_resolve(st, "last~1", &id);
        store_runs_each(st, 0, fuzz__run, st);
        store_x_resolve(st, "last", &id);
        store_x_list(st, 0, fuzz__x, st);
        store_close(st);
    }
    fuzz__unlink();
    return 0;
}
