/*
 * traces/store_sql.h — the one reader of stored events, and their SQL view.
 *
 * store_evread walks a run's events batch by batch: the packed rows of
 * event_batches (schema 3, evbatch.h), each checked against its CRC, its
 * number and its first seq before a single event of it is believed; or, for
 * a run recorded before schema 3, its rows in events_rows. Every reader of
 * events goes through it: store_events_each (show, replay, diff, export,
 * step, check) and the events(run) table-valued function.
 *
 * store_sql_register adds to a connection the eponymous virtual table
 *
 *   events(run) -> seq, time_ns, kind, thread, other, obj, arg, reason, text
 *
 * (and the same under the name ts_events), so that
 *   SELECT kind, count(*) FROM events(3) GROUP BY kind;
 * works in `threadsim sql` and, with the loadable extension built beside
 * threadsim (build/tools/libtsevents.so: `.load build/tools/libtsevents`), in
 * the plain sqlite3 shell. A damaged batch ends the query with an error that
 * names the run and the batch.
 */
#ifndef TRACES_STORE_SQL_H
#define TRACES_STORE_SQL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "../sim/event.h"
#include "evbatch.h"

typedef struct store_evread store_evread;

/* Start reading run `run`'s events on `db` (`path` only names the file in
 * messages). NULL with a message in err on failure. */
store_evread *store_evread_open(sqlite3 *db, const char *path, int64_t run, char *err,
                                size_t errcap);
/* Hand the next batch's events to `fn` (strings valid during the call) and
 * its scheduling decisions to `dfn` (either may be NULL; a run of schema 1
 * or 2 keeps its decisions in `schedules`, store_load_schedule).
 * Returns 1 (a batch was read), 0 (no more: the run's events are complete),
 * or -1 with a one-line message in err naming the run and batch; then
 * store_evread_sqlite_rc says which SQLite error it was (0 if the data, not
 * SQLite, was at fault). */
int store_evread_next(store_evread *r, sim_sink_fn fn, evbatch_decision_fn dfn, void *ud,
                      char *err, size_t errcap);
/* Whether the run's events are in batches (schema 3), known after the first
 * store_evread_next. */
bool store_evread_batched(const store_evread *r);
int store_evread_sqlite_rc(const store_evread *r);
void store_evread_close(store_evread *r);

/* Register events(run) and ts_events(run) on `db`. SQLITE_OK or an error. */
int store_sql_register(sqlite3 *db);

#endif
