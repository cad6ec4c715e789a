/*
 * traces/store.h — the SQLite store: every run, its threads, events and
 * scheduling decisions, kept for show, diff, replay and export.
 *
 * Schema (version STORE_SCHEMA_VERSION; every table STRICT):
 *
 *   runs       one row per run: what ran (scenario, policy, seed, Python
 *              dialect, the options that shape the trace), how it ended
 *              (status, exit status, counts, virtual end time, trace hash)
 *              and metadata that is never compared (recorded_at wall-clock
 *              UTC, host, threadsim version);
 *   threads    (run_id, tid): name (latest) and daemon flag (as started);
 *   event_batches (run_id, batch): the events, EVBATCH_EVENTS (4096) per
 *              row, packed (traces/evbatch.h: varints, deltas, strings
 *              interned per batch) with first_seq, n and a CRC-32 (crc) per
 *              row; batch numbers run 0, 1, 2, ... and first_seq follows on;
 *   events_rows (run_id, seq): the events of runs recorded by schema 1 and 2,
 *              field by field (the table was `events`); read as they are;
 *              SQL sees both formats through events(run) (store_sql.h);
 *   schedules  (run_id, decision): n ready, index chosen, thread chosen, and
 *              the events emitted before it — what replay feeds back — for
 *              runs of schema 1 and 2; schema 3 packs decisions into the
 *              event batches beside the events they follow;
 *   programs   (hash): the source of a .py program, once per distinct text;
 *              runs.program names the one a run ran (NULL for a scenario or
 *              a run recorded before schema version 4) and
 *              runs.program_options the Python options it ran with;
 *   runs.trace_hash_kind (schema 5) says which trace hash a run carries
 *              (hash.h): 2, XXH64 of its packed stream, for runs recorded
 *              since; 1, FNV-1a of its full view, for runs recorded before.
 *   explorations.max_outputs (schema 6): the --max-outputs limit an
 *              exploration stopped at, in bytes; NULL when it stopped
 *              otherwise (budget, exhausted, goal) or was recorded before.
 *
 * The file is marked PRAGMA application_id = STORE_APPLICATION_ID ("TSIM")
 * and PRAGMA user_version = the schema version. Opening applies the numbered
 * migrations the file lacks, all in one transaction (so an interrupted
 * upgrade changes nothing); a file from a newer threadsim, a SQLite file of
 * another application, a non-SQLite file or a corrupt one is refused with a
 * one-line message.
 *
 * Recording: the run row is inserted at once with status 'incomplete'; events
 * and decisions are packed as they come and written a batch row at a time,
 * one transaction per batch (BEGIN IMMEDIATE ... COMMIT, prepared statements), each batch also
 * bumping the row's counts; the last transaction sets the final status, end
 * time and trace hash. The database is in WAL mode with synchronous=NORMAL:
 * a process killed midway (SIGKILL, SIGINT) loses at most its uncommitted
 * batch, every committed run stays intact, and the killed run stays visible
 * as 'incomplete'. The write lock is held only while a batch is written, and
 * every connection waits up to busy_ms for it, so several processes can
 * record into one database.
 *
 * Errors: every function returning int gives 0 on success and -1 on failure,
 * with a one-line message in store_error() naming the database ("database
 * 'x.db' is locked by another process", "... is corrupt: ..."). Nothing here
 * prints or exits.
 */
#ifndef TRACES_STORE_H
#define TRACES_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../sim/sched.h"
#include "replay.h"
#include "trace.h"

#define STORE_APPLICATION_ID 0x5453494D   /* "TSIM" */
#define STORE_SCHEMA_VERSION 6
#define STORE_DEFAULT_PATH "threadsim.db"

typedef struct store store;

/* One numbered migration: the SQL that takes the schema from version-1 to
 * version. Applied in order; version numbers are 1, 2, 3, ... */
typedef struct store_migration {
    int version;
    const char *sql;
} store_migration;

typedef struct store_open_opts {
    bool create;              /* create the file if missing (recording); else a missing file is an error */
    int busy_ms;              /* wait this long for another process's lock (default 5000) */
    const store_migration *migrations; /* NULL: the built-in schema; tests substitute their own */
    size_t nmigrations;
} store_open_opts;

store_open_opts store_open_opts_default(void);
/* The built-in migrations, *n of them (a test opens a database at an older
 * version with a prefix of them, to check the upgrade from it). */
const store_migration *store_builtin_migrations(size_t *n);

/* Open (and create / upgrade) the store at `path`. On failure returns NULL
 * and writes a one-line message to err (errcap bytes). */
store *store_open(const char *path, const store_open_opts *o, char *err, size_t errcap);
void store_close(store *st);
/* The last error's one-line message ("" if none). */
const char *store_error(const store *st);
/* The path given to store_open. */
const char *store_path(const store *st);
/* The schema version of the open file (after migrations). */
int store_schema_version(const store *st);

/* ---- runs ---------------------------------------------------------------- */

typedef enum store_status {
    STORE_INCOMPLETE,         /* recording started and never finished (killed, or in progress) */
    STORE_OK,                 /* the program ended by itself with exit status 0 */
    STORE_EXCEPTION,          /* it ended otherwise: main raised (exit status 1), or its
                               * own non-zero status (sys.exit(n)), or the engine failed */
    STORE_DEADLOCK,           /* a deadlock stopped it (exit status 126) */
    STORE_LIMIT,              /* a run limit stopped it (exit status 124) */
} store_status;

/* "incomplete", "ok", ... */
const char *store_status_name(store_status s);

typedef struct store_run {
    int64_t id;               /* rowid, from 1; set by store_rec_begin */
    char *scenario;           /* owned */
    char *policy;             /* "fifo", "random", "pct", "replay" (owned) */
    uint64_t seed;            /* stored as the same 64 bits in a signed INTEGER */
    int python;               /* 2 or 3 */
    sim_config cfg;           /* switch_steps, switch_ns, stack_size, max_events, max_time */
    int64_t replay_of;        /* the run this one replays, 0 if none */
    store_status status;
    int exit_status;          /* -1 while incomplete */
    uint64_t events;          /* events stored (committed) */
    uint64_t decisions;       /* scheduling decisions stored */
    uint32_t threads;         /* threads created */
    int64_t end_time;         /* virtual ns at the end; -1 while incomplete */
    bool has_hash;            /* trace_hash is known (the run completed) */
    uint64_t hash;            /* trace hash (hash.h) */
    int hash_kind;            /* which: TRACE_HASH_STREAM, or TRACE_HASH_FNV_VIEW (before 0.2) */
    /* metadata only: never part of what diff or replay compare */
    char *recorded_at;        /* wall-clock UTC, ISO 8601 (owned) */
    char *host;               /* "hostname (sysname machine)" (owned) */
    char *version;            /* threadsim version that recorded it (owned) */
    char *program;            /* the hash of its stored program (runs.program), or NULL (owned;
                               * read only: store_program_put attaches one) */
} store_run;

/* Free the strings of `r` (not r itself) and zero it. */
void store_run_free(store_run *r);

/* ---- recording --------------------------------------------------------- */

typedef struct store_rec store_rec;

/* Start recording a run described by `meta` (scenario, policy, seed, python,
 * cfg, replay_of, version; the rest is filled in): inserts the run row as
 * 'incomplete' and commits it. `meta` is borrowed until store_rec_end and
 * receives id, counts, status and hash. NULL on error (store_error). */
store_rec *store_rec_begin(store *st, store_run *meta);
/* A sim_sink_fn: buffer one event (`ud` is the store_rec*). Never fails
 * visibly: a write error is remembered and reported by store_rec_end. */
void store_rec_event(void *ud, const sim_event *ev);
/* A sim_decision_fn: buffer one scheduling decision. */
void store_rec_decision(void *ud, uint64_t index, uint32_t n, uint32_t chosen, uint32_t thread,
                        bool step);
/* Write what is left and the run's outcome (`status`; its exit status);
 * frees `rec`. Returns 0, or -1 if anything failed (the run then stays
 * 'incomplete'). */
int store_rec_end(store_rec *rec, store_status status, int exit_status, int64_t end_time,
                  uint32_t threads);
/* Stop recording: free `rec` and write nothing more; the run stays
 * 'incomplete' with what was committed so far. */
void store_rec_abandon(store_rec *rec);
/* Whether recordings into `st` may write on a thread of their own (the
 * default: yes). Off, every batch is written on the caller's thread as it
 * fills: slower, and what is stored is the same byte for byte (a test
 * holds the two to that). */
void store_set_writer(store *st, bool on);
/* The run's recording has reached the store's size budget
 * (store_set_limits): judged from the bytes packed so far, so at the same
 * event on every run. The caller then stops with store_rec_abandon. */
bool store_rec_over_budget(const store_rec *rec);

/* ---- reading ----------------------------------------------------------- */

/* A run reference: a run id ("12"), "last" (the newest run) or "last~N"
 * (N runs before the newest). */
int store_resolve(store *st, const char *ref, int64_t *id);
/* The run row `id` (caller frees with store_run_free). */
int store_run_get(store *st, int64_t id, store_run *out);
/* Runs newest first (limit 0: all); `fn` returns non-zero to stop early. */
int store_runs_each(store *st, size_t limit, int (*fn)(void *ud, const store_run *r), void *ud);
/* The events of run `id` in seq order, each handed to `fn` (its strings are
 * valid during the call only). */
int store_events_each(store *st, int64_t id, sim_sink_fn fn, void *ud);
/* Append run `id`'s full view (full) or output view to `out`. */
int store_view(store *st, int64_t id, bool full, sim_buf *out);
/* ... up to `max` bytes: the event whose line takes `out` to `max` or past
 * it is the last, and *cut says whether events were left (max 0: all). */
int store_view_max(store *st, int64_t id, bool full, size_t max, sim_buf *out, bool *cut);
/* The whole trace of run `id` into `t` (trace_init'ed here). */
int store_load_trace(store *st, int64_t id, trace *t);
/* The schedule of run `id`: *d malloc'd (caller frees), *n entries, by
 * decision number. */
int store_load_schedule(store *st, int64_t id, trace_decision **d, size_t *n);


/* ---- SQL ----------------------------------------------------------------- */

/* One result row of store_query: n columns, each as bytes (text as UTF-8,
 * blobs raw, numbers in SQLite's text form) with their length, NULL for a
 * SQL NULL. Return non-zero to stop. */
typedef int (*store_row_fn)(void *ud, int n, const char *const *val, const size_t *len);

/* Run the read-only statements of `sql` (several, separated by ';'),
 * handing every row to `fn`. With run > 0 a temporary view `events` shows
 * that run's events (SELECT * FROM events); events(ID) works either way
 * (store_sql.h). A statement that would write is refused. */
int store_query(store *st, int64_t run, const char *sql, store_row_fn fn, void *ud);

/* ---- programs (store_program.c) ------------------------------------------- */

/* Attach program text `src` (len bytes) and its options text (may be NULL)
 * to run `id`, storing the text once: its key is the FNV-1a 64 hash of the
 * bytes and their length ("<16 hex digits>-<len>"); a different text under
 * the same key is refused rather than confused. */
int store_program_put(store *st, int64_t id, const char *src, size_t len, const char *options);
/* Run `id`'s program: *src (malloc'd, NUL-terminated, caller frees), *len,
 * *options (malloc'd or NULL; may be NULL). Returns 1 if the run carries a
 * program, 0 if not (a scenario, or recorded before programs were kept),
 * -1 on error. */
int store_program_get(store *st, int64_t id, char **src, size_t *len, char **options);
/* The program of the newest run of `scenario` (a .py path) that carries one:
 * as store_program_get, and *run its id. */
int store_program_latest(store *st, const char *scenario, char **src, size_t *len, int64_t *run);

/* ---- keeping the size in bounds (store_keep.c) ----------------------------- */

/* The database's size in bytes (pages in use and free, as SQLite sees the
 * file with its write-ahead log applied). */
int store_size(store *st, uint64_t *bytes);
/* Delete runs with all their rows, in one transaction: every run but the
 * newest `keep` (UINT64_MAX: no such bound), and/or (both given: runs
 * matching both) every run recorded more than `older_than_s` seconds ago
 * (-1: no such bound). Runs that replayed a deleted run, and exploration
 * outcomes that pointed at one, keep their rows with the link set to NULL.
 * *deleted: how many runs went. The file does not shrink; store_vacuum. */
int store_prune(store *st, uint64_t keep, int64_t older_than_s, uint64_t *deleted);
/* The limits a recording into `st` obeys (tools/record.c applies them):
 * max_bytes, the size past which no more of a run is written (0: none);
 * keep, how many runs are kept after each recorded run (0: all). */
void store_set_limits(store *st, uint64_t max_bytes, uint64_t keep);
uint64_t store_max_bytes(const store *st);
uint64_t store_keep(const store *st);
/* Rebuild the file without its free pages (VACUUM) and truncate the WAL. */
int store_vacuum(store *st);

#endif
