/* tests/store_util.c — see store_util.h. */
#include "store_util.h"

#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/scenarios/scenario.h"

char *tst_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char *p = malloc(strlen(base ? base : "/tmp") + 32);
    sprintf(p, "%s/threadsim-test-XXXXXX", base ? base : "/tmp");
    if (!mkdtemp(p)) {
        perror("mkdtemp");
        free(p);
        return NULL;
    }
    return p;
}

void tst_rmdir(char *dir)
{
    if (!dir)
        return;
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char *p = tst_path(dir, e->d_name);
            unlink(p);
            free(p);
        }
        closedir(d);
    }
    rmdir(dir);
    free(dir);
}

char *tst_path(const char *dir, const char *name)
{
    char *p = malloc(strlen(dir) + strlen(name) + 2);
    sprintf(p, "%s/%s", dir, name);
    return p;
}

store *tst_open(const char *path, bool create)
{
    char err[600];
    store_open_opts o = store_open_opts_default();
    o.create = create;
    store *st = store_open(path, &o, err, sizeof err);
    if (!st)
        fprintf(stderr, "\ntst_open: %s\n", err);
    return st;
}

typedef struct tst__tee {
    store_rec *rec;
    trace *live;
} tst__tee;

static void tst__sink(void *ud, const sim_event *ev)
{
    tst__tee *t = ud;
    if (t->live)
        trace_add(t->live, ev);
    store_rec_event(t->rec, ev);
}

int64_t tst_record(store *st, const char *name, const char *policy, uint64_t seed, trace *live)
{
    return tst_record_arg(st, name, NULL, policy, seed, live);
}

int64_t tst_record_arg(store *st, const char *name, void *arg, const char *policy, uint64_t seed,
                       trace *live)
{
    const ts_scenario *sc = ts_scenario_find(name);
    if (!sc) {
        fprintf(stderr, "\ntst_record: no scenario %s\n", name);
        return -1;
    }
    model_opts o = model_opts_default();
    o.python = sc->python;
    o.seed = seed;
    sim_rng rng;
    sim_pct pct;
    bool pct_live = false;
    if (strcmp(policy, "random") == 0) {
        sim_rng_seed(&rng, seed);
        o.policy = sim_policy_random(&rng);
    } else if (strcmp(policy, "pct") == 0) {
        sim_pct_init(&pct, seed, 3, 50);
        pct_live = true;
        o.policy = sim_policy_pct(&pct);
    }
    store_run meta = {0};
    meta.scenario = (char *)name;
    meta.policy = (char *)policy;
    meta.seed = seed;
    meta.python = o.python;
    meta.cfg = o.sim;
    meta.version = (char *)"test";
    store_rec *rec = store_rec_begin(st, &meta);
    if (!rec) {
        fprintf(stderr, "\ntst_record: %s\n", store_error(st));
        return -1;
    }
    tst__tee tee = {.rec = rec, .live = live};
    if (live)
        trace_init(live);
    o.sink = tst__sink;
    o.sink_ud = &tee;
    o.on_decision = store_rec_decision;
    o.decision_ud = rec;
    model_result res;
    int status = model_run(&o, sc->main, arg, &res);
    store_status ss = res.outcome == MODEL_OUT_DEADLOCK ? STORE_DEADLOCK
                    : res.outcome == MODEL_OUT_LIMIT  ? STORE_LIMIT
                    : status == 0                     ? STORE_OK
                                                      : STORE_EXCEPTION;
    int rc = store_rec_end(rec, ss, status, res.end_time, res.threads);
    if (pct_live)
        sim_pct_fini(&pct);
    /* meta's strings are borrowed from the caller and the literals above:
     * only what store_rec_begin allocated is freed here. */
    free(meta.recorded_at);
    free(meta.host);
    if (rc != 0) {
        fprintf(stderr, "\ntst_record: %s\n", store_error(st));
        return -1;
    }
    return meta.id;
}

int tst_run(const char *name, sim_policy p, uint64_t seed, trace *tr)
{
    const ts_scenario *sc = ts_scenario_find(name);
    if (!sc)
        return -1;
    model_opts o = model_opts_default();
    o.python = sc->python;
    o.seed = seed;
    o.policy = p;
    return ts_run_traced(&o, sc->main, NULL, tr);
}

static sqlite3_stmt *tst__query(const char *path, const char *sql, sqlite3 **db)
{
    if (sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        sqlite3_close(*db);
        return NULL;
    }
    sqlite3_busy_timeout(*db, 5000);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(*db, sql, -1, &s, NULL) != SQLITE_OK ||
        sqlite3_step(s) != SQLITE_ROW) {
        fprintf(stderr, "\ntst_sql(%s): %s\n", sql, sqlite3_errmsg(*db));
        sqlite3_finalize(s);
        sqlite3_close(*db);
        return NULL;
    }
    return s;
}

int64_t tst_sql_int(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *s = tst__query(path, sql, &db);
    if (!s)
        return INT64_MIN;
    int64_t v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

char *tst_sql_text(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *s = tst__query(path, sql, &db);
    if (!s)
        return NULL;
    const unsigned char *t = sqlite3_column_text(s, 0);
    char *v = strdup(t ? (const char *)t : "");
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}
