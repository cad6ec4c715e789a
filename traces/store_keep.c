/*
 * traces/store_keep.c — keeping the store's size in bounds (see store.h):
 * how big it is, pruning old runs, giving the freed pages back (VACUUM).
 *
 * Pruning deletes a run's rows from every table that names it, in one
 * transaction: events (both forms), schedules, threads, the run row; runs that replayed
 * it lose their replay_of link and an exploration's outcome loses its
 * representative run (both set to NULL, as ON DELETE SET NULL would; the
 * connection does not turn foreign keys on, so nothing cascades by itself).
 * Deleting frees pages inside the file for reuse; only VACUUM shrinks it.
 */
#include "store_int.h"

#include <stdio.h>
#include <time.h>

int store_size(store *st, uint64_t *bytes)
{
    sqlite3_stmt *s = store__prepare(st, "SELECT page_count * page_size FROM pragma_page_count(), "
                                         "pragma_page_size()");
    if (!s)
        return -1;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *bytes = (uint64_t)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? 0 : store__fail(st, rc, "cannot measure the database");
}

/* The victims are in temp.keep__victims; delete everything that names them. */
static const char keep__delete[] =
    "DELETE FROM events_rows WHERE run_id IN (SELECT id FROM temp.keep__victims);\n"
    "DELETE FROM event_batches WHERE run_id IN (SELECT id FROM temp.keep__victims);\n"
    "DELETE FROM schedules WHERE run_id IN (SELECT id FROM temp.keep__victims);\n"
    "DELETE FROM threads WHERE run_id IN (SELECT id FROM temp.keep__victims);\n"
    "UPDATE runs SET replay_of = NULL WHERE replay_of IN (SELECT id FROM temp.keep__victims);\n"
    "UPDATE outcomes SET run_id = NULL WHERE run_id IN (SELECT id FROM temp.keep__victims);\n"
    "DELETE FROM runs WHERE id IN (SELECT id FROM temp.keep__victims);\n"
    "DELETE FROM programs WHERE hash NOT IN "
    "(SELECT program FROM runs WHERE program IS NOT NULL);\n"
    "DROP TABLE temp.keep__victims;\n";

int store_prune(store *st, uint64_t keep, int64_t older_than_s, uint64_t *deleted)
{
    char cutoff[32] = "";
    if (older_than_s >= 0) {
        time_t t = time(NULL) - (time_t)older_than_s;
        struct tm tm;
        if (!gmtime_r(&t, &tm))
            return store__failf(st, "cannot prune: the clock is out of range");
        strftime(cutoff, sizeof cutoff, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    *deleted = 0;
    if (store__exec(st, "BEGIN IMMEDIATE", "cannot prune the runs") != 0)
        return -1;
    /* keep: every run but the newest `keep`; older-than: recorded before the
     * cutoff (recorded_at is ISO 8601 UTC, so text order is time order) */
    sqlite3_stmt *s = store__prepare(
        st, "CREATE TEMP TABLE keep__victims AS SELECT id FROM runs "
            "WHERE (?1 < 0 OR id NOT IN (SELECT id FROM runs ORDER BY id DESC LIMIT ?1)) "
            "AND (?2 IS NULL OR recorded_at < ?2)");
    if (!s)
        goto fail;
    /* (a count past SQLite's integers keeps them all: bound as is, it was
     * negative, and no run was kept) */
    sqlite3_bind_int64(s, 1, keep == UINT64_MAX ? -1 : keep > INT64_MAX ? INT64_MAX : (sqlite3_int64)keep);
    if (cutoff[0])
        sqlite3_bind_text(s, 2, cutoff, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 2);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        store__fail(st, rc, "cannot prune the runs");
        goto fail;
    }
    s = store__prepare(st, "SELECT count(*) FROM temp.keep__victims");
    if (!s)
        goto fail;
    if (sqlite3_step(s) == SQLITE_ROW)
        *deleted = (uint64_t)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if (store__exec(st, keep__delete, "cannot prune the runs") != 0 ||
        store__exec(st, "COMMIT", "cannot prune the runs") != 0)
        goto fail;
    return 0;
fail:
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_exec(st->db, "DROP TABLE IF EXISTS temp.keep__victims", NULL, NULL, NULL);
    *deleted = 0;
    return -1;
}

int store_vacuum(store *st)
{
    if (store__exec(st, "VACUUM", "cannot vacuum") != 0)
        return -1;
    return store__exec(st, "PRAGMA wal_checkpoint(TRUNCATE)", "cannot vacuum");
}

void store_set_limits(store *st, uint64_t max_bytes, uint64_t keep)
{
    st->max_bytes = max_bytes;
    st->keep = keep;
}

uint64_t store_max_bytes(const store *st) { return st->max_bytes; }

void store_set_writer(store *st, bool on) { st->no_writer = !on; }
uint64_t store_keep(const store *st) { return st->keep; }
