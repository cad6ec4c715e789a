/*
 * traces/store_program.c — the program a run ran (see store.h): a .py
 * run's source, kept content-addressed in `programs` so that a thousand runs
 * of one file hold its text once, and so that replay, show, export and step
 * work after the file changed or went.
 *
 * The key is FNV-1a 64 over the bytes plus the length. FNV is no
 * cryptographic hash; a second text under a key already taken is noticed
 * (the stored bytes are compared) and refused, never mixed up.
 */
#include "store_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

int store_program_put(store *st, int64_t id, const char *src, size_t len, const char *options)
{
    char key[48], hex[17];
    trace_hash_hex(trace_hash_bytes(TRACE_HASH_INIT, src, len), hex);
    snprintf(key, sizeof key, "%s-%zu", hex, len);
    if (store__exec(st, "BEGIN IMMEDIATE", "cannot record the program") != 0)
        return -1;
    sqlite3_stmt *s = store__prepare(st, "INSERT OR IGNORE INTO programs (hash, source) VALUES (?, ?)");
    if (!s)
        goto fail;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_blob64(s, 2, len ? src : "", len, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        store__fail(st, rc, "cannot record the program");
        goto fail;
    }
    s = store__prepare(st, "SELECT source FROM programs WHERE hash = ?");
    if (!s)
        goto fail;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    bool same = rc == SQLITE_ROW && (size_t)sqlite3_column_bytes(s, 0) == len &&
                (len == 0 || memcmp(sqlite3_column_blob(s, 0), src, len) == 0);
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW) {
        store__fail(st, rc, "cannot record the program");
        goto fail;
    }
    if (!same) {
        store__failf(st, "database '%s': another program is stored under hash %s; "
                         "this run's program is not kept", st->path, key);
        goto fail;
    }
    s = store__prepare(st, "UPDATE runs SET program = ?, program_options = ? WHERE id = ?");
    if (!s)
        goto fail;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    if (options)
        sqlite3_bind_text(s, 2, options, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 2);
    sqlite3_bind_int64(s, 3, id);
    rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        store__fail(st, rc, "cannot record the program");
        goto fail;
    }
    return store__exec(st, "COMMIT", "cannot record the program");
fail:
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

int store_program_get(store *st, int64_t id, char **src, size_t *len, char **options)
{
    *src = NULL;
    *len = 0;
    if (options)
        *options = NULL;
    sqlite3_stmt *s = store__prepare(st, "SELECT p.source, r.program_options FROM runs r "
                                         "JOIN programs p ON p.hash = r.program WHERE r.id = ?");
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    int ret = 0;
    if (rc == SQLITE_ROW) {
        size_t n = (size_t)sqlite3_column_bytes(s, 0);
        const void *p = sqlite3_column_blob(s, 0);
        char *copy = malloc(n + 1);
        if (!copy) {
            sqlite3_finalize(s);
            return store__failf(st, "out of memory reading run %" PRId64 "'s program", id);
        }
        if (n)
            memcpy(copy, p, n);
        copy[n] = '\0';
        *src = copy;
        *len = n;
        if (options && sqlite3_column_type(s, 1) != SQLITE_NULL)
            *options = store__strdup((const char *)sqlite3_column_text(s, 1));
        ret = 1;
    } else if (rc != SQLITE_DONE) {
        ret = store__fail(st, rc, "cannot read the run's program");
    }
    sqlite3_finalize(s);
    return ret;
}

int store_program_latest(store *st, const char *scenario, char **src, size_t *len, int64_t *run)
{
    *run = 0;
    sqlite3_stmt *s = store__prepare(st, "SELECT id FROM runs WHERE scenario = ? AND program IS "
                                         "NOT NULL ORDER BY id DESC LIMIT 1");
    if (!s) {
        *src = NULL;
        *len = 0;
        return -1;
    }
    sqlite3_bind_text(s, 1, scenario, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *run = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW) {
        *src = NULL;
        *len = 0;
        return rc == SQLITE_DONE ? 0 : store__fail(st, rc, "cannot read the programs");
    }
    return store_program_get(st, *run, src, len, NULL);
}
