/*
 * tools/record.h — what the commands that run scenarios share beyond
 * cli.h: the database options (--db, --no-db), the scheduling policy options
 * (--policy, --seed), and recording a run into the store while it streams.
 *
 * A recording wraps the run's sink and decision hook: every event goes first
 * to the sink the command installed (the live view), then to the store's
 * recorder; every scheduling decision goes to the recorder.
 */
#ifndef TS_RECORD_H
#define TS_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "../model/core.h"
#include "../sim/policy.h"
#include "../traces/store.h"

/* --db PATH, --no-db */
typedef struct ts_db_opts {
    const char *path;         /* the database (default STORE_DEFAULT_PATH, "./threadsim.db") */
    bool none;                /* --no-db: record nothing */
    uint64_t max_size;        /* --max-db-size: stop recording past this many bytes (0: no limit) */
    uint64_t keep;            /* runs kept after each recording (0: all); THREADSIM_KEEP */
    bool keep_set;            /* keep came from THREADSIM_KEEP (else: default path only) */
} ts_db_opts;

#define TS_DEFAULT_MAX_DB_SIZE (UINT64_C(1) << 30) /* 1 GiB */
#define TS_DEFAULT_KEEP 1000                       /* runs kept in the default database */

/* "N", "NK", "NM", "NG" (binary units) into bytes; false after printing a
 * usage error naming `opt`. */
bool ts_parse_size(const char *opt, const char *s, uint64_t *out);

ts_db_opts ts_db_opts_default(void);
/* Parse --db PATH / --no-db / --max-db-size SIZE at argv[0]: entries
 * consumed (1 or 2), 0 if not one of them, -1 on a usage error (reported). */
int ts_parse_db_option(int argc, char **argv, ts_db_opts *d);
/* Open the database (`create` for commands that record) and set the
 * store's limits for whatever it records (store_set_limits): the size
 * budget (--max-db-size, else THREADSIM_MAX_DB_SIZE, else 1 GiB) and the
 * retention (THREADSIM_KEEP, else 1000 runs for the default database and
 * all runs for any other). A malformed variable is refused when `create`,
 * else ignored. Prints the one-line error and returns NULL on failure. */
store *ts_db_open(const ts_db_opts *d, bool create);
/* Whether writing the file `out` would write over the database at `db` (the
 * same file, or its -wal, -shm or -journal, by device and inode or, where
 * one does not exist yet, by folder and name): a command's output file
 * (--status-json, -o, --html, --junit) must not destroy the runs. */
bool ts_path_is_db(const char *out, const char *db);
/* 0, or a one-line usage error (125) when `out` (given as option `what`)
 * is d's database. */
int ts_check_not_db(const char *cmd, const char *what, const char *out, const ts_db_opts *d);

/* --policy fifo|random|pct[:DEPTH[:STEPS]], --seed N */
typedef struct ts_policy_opts {
    char spec[48];            /* canonical policy: "fifo", "random", "pct:3:1000" */
    uint64_t seed;            /* the run's seed (model_opts.seed) */
    uint32_t pct_depth;       /* PCT's d */
    uint64_t pct_steps;       /* PCT's k */
    sim_rng rng;              /* random's state during a run */
    sim_pct pct;              /* PCT's state during a run */
    bool pct_live;            /* pct needs sim_pct_fini */
} ts_policy_opts;

ts_policy_opts ts_policy_opts_default(void);
/* Parse --policy / --seed at argv[0]; as ts_parse_db_option. */
int ts_parse_policy_option(int argc, char **argv, ts_policy_opts *p);
/* Install the policy (seeded afresh) and the seed into `o`: call before each
 * run. Returns 0, or TS_EXIT_USAGE after an error message. */
int ts_policy_install(ts_policy_opts *p, model_opts *o);
/* Release what the last install allocated. */
void ts_policy_fini(ts_policy_opts *p);

/* One run being recorded (or not, without a store). */
typedef struct ts_recording {
    store *st;                /* the database, or NULL when not recording */
    store_rec *rec;           /* NULL when not recording */
    store_run meta;           /* the run row; meta.id once begun */
    sim_sink_fn next;         /* the command's own sink (may be NULL) */
    void *next_ud;
    sim_decision_fn next_dec; /* the command's own decision hook (may be NULL) */
    void *next_dec_ud;
    uint64_t max_bytes;       /* the store's size budget (0: none) */
    bool stopped;             /* the budget was reached: nothing more is recorded */
} ts_recording;

/* Begin recording the run about to start with options `o` into `st` (NULL:
 * record nothing). Wraps o->sink and o->on_decision (the command's own are
 * still called, first). `r` must stay put until ts_record_end. `policy` is the
 * canonical spec; replay_of the replayed run or 0. Returns 0, or
 * TS_EXIT_USAGE after printing the error. */
int ts_record_begin(ts_recording *r, store *st, const char *scenario, const char *policy,
                    model_opts *o, int64_t replay_of);
/* The store's status of a run that ended with `status` and `res`. */
static inline store_status ts_store_status(int status, const model_result *res)
{
    switch (res->outcome) {
    case MODEL_OUT_DEADLOCK: return STORE_DEADLOCK;
    case MODEL_OUT_LIMIT: return STORE_LIMIT;
    case MODEL_OUT_EXIT: return status == 0 ? STORE_OK : STORE_EXCEPTION;
    default: return STORE_EXCEPTION;
    }
}
/* After model_run: write the outcome. Returns 0, or TS_EXIT_USAGE after
 * printing the error (the run then stays 'incomplete'). Frees r's strings;
 * r->meta.id, .hash and .has_hash stay valid. */
int ts_record_end(ts_recording *r, int status, const model_result *res);

/* ---- reading runs back (cmd_diff.c) -------------------------------------- */

/* How much of a view diff and replay compare: the first 64 MiB (a
 * 40-million-event run's views, read whole, took 6.5 GB; the diff itself
 * aligns at most a thousand lines after the first difference). */
#define TS_VIEW_MAX ((size_t)64 << 20)

/* Append the full view (full) or the output view of stored run `id` to
 * `out`, up to TS_VIEW_MAX (*cut: events were left out). Returns 0, or
 * TS_EXIT_USAGE after printing the error. */
int ts_stored_view(store *st, int64_t id, bool full, sim_buf *out, bool *cut);
/* "run 12 (daemon-join/no-join, fifo, seed 0)" into buf. */
void ts_run_label(const store_run *r, char *buf, size_t cap);
/* trace_diff_report with `context` lines and the labels. */
bool ts_format_diff(const char *a, size_t na, const char *b, size_t nb, const char *label_a,
                    const char *label_b, bool full, unsigned context, sim_buf *out);

#endif
