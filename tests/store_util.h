/*
 * tests/store_util.h — helpers for the store suites (test_store*.c): temp
 * directories, recording a scenario in-process, raw SQLite queries.
 */
#ifndef TS_STORE_UTIL_H
#define TS_STORE_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/policy.h"
#include "test_util.h"
#include "traces/store.h"

/* A fresh directory under $TMPDIR or /tmp (malloc'd path); NULL on failure. */
char *tst_tmpdir(void);
/* Remove every file in `dir` (not recursive), then `dir`; frees `dir`. */
void tst_rmdir(char *dir);
/* "<dir>/<name>" (malloc'd). */
char *tst_path(const char *dir, const char *name);

/* Open (create) the store at `path` with the default options; NULL after a
 * message on stderr. */
store *tst_open(const char *path, bool create);

/* Record scenario `name` into `st` under `policy` ("fifo", "random", "pct")
 * and `seed`. If `live` is not NULL the run's trace is also collected there
 * (trace_init'ed here). Returns the run id, or -1 (with a message). */
int64_t tst_record(store *st, const char *name, const char *policy, uint64_t seed, trace *live);
/* The same with `arg` for the scenario's main (tst_record passes NULL). */
int64_t tst_record_arg(store *st, const char *name, void *arg, const char *policy, uint64_t seed,
                       trace *live);

/* Run `name` in memory under `p` (a policy) with seed `seed`; the trace into
 * `tr` (trace_init'ed). Returns the exit status. */
int tst_run(const char *name, sim_policy p, uint64_t seed, trace *tr);

/* One integer / text result of `sql` on the file at `path` through a
 * connection of its own; INT64_MIN / NULL on error. Text is malloc'd. */
int64_t tst_sql_int(const char *path, const char *sql);
char *tst_sql_text(const char *path, const char *sql);

#endif
