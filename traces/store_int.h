/*
 * traces/store_int.h — what store.c, store_rec.c and store_read.c share.
 * Private to traces/store*.c; nothing else includes it.
 */
#ifndef TRACES_STORE_INT_H
#define TRACES_STORE_INT_H

#include <sqlite3.h>

#include "store.h"

struct store {
    sqlite3 *db;              /* the connection */
    char *path;               /* as given to store_open (owned) */
    int version;              /* schema version after opening */
    char err[512];            /* last error message */
    uint64_t max_bytes;       /* recording's size budget (0: none; store_set_limits) */
    uint64_t keep;            /* runs kept after each recording (0: all) */
    bool no_writer;           /* record on the caller's thread (store_set_writer) */
};

/* Set st->err to "<what>: <why>" where why depends on SQLite's result `rc`
 * (locked, corrupt, not a database, ...). Returns -1. */
int store__fail(store *st, int rc, const char *what);
/* Set st->err from a format. Returns -1. */
int store__failf(store *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Run SQL without results; -1 and st->err on failure (what: for the message). */
int store__exec(store *st, const char *sql, const char *what);
/* Prepare `sql`; NULL and st->err on failure. */
sqlite3_stmt *store__prepare(store *st, const char *sql);
/* Now as "YYYY-MM-DDTHH:MM:SSZ"; "name (OS machine)" of this host. */
void store__now_utc(char *out, size_t cap);
void store__host(char *out, size_t cap);
/* "last", "last~N" or an id among the rows of `table` (`what`: "run",
 * "exploration", for messages). */
int store__resolve_in(store *st, const char *table, const char *what, const char *ref,
                      int64_t *id);
/* Duplicate a string (NULL stays NULL); aborts on out-of-memory. */
char *store__strdup(const char *s);

#endif
