/* traces/store_explore.c — see store_explore.h. */
#include "store_explore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

int store_x_save(store *st, store_exploration *x, const store_x_sched *sched, size_t nsched)
{
    if (store__exec(st, "BEGIN IMMEDIATE", "cannot record the exploration") != 0)
        return -1;
    sqlite3_stmt *ins = store__prepare(
        st, "INSERT INTO explorations (program, options, shard, schedules, outcomes, exhausted, "
            "recorded_at, host, version, max_outputs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    sqlite3_stmt *out = store__prepare(
        st, "INSERT INTO outcomes (exploration_id, idx, exit_status, failure, detail, output, "
            "count, first, preemptions, token, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    sqlite3_stmt *sch = store__prepare(
        st, "INSERT INTO explored (exploration_id, schedule, choices, outcome) VALUES (?, ?, ?, ?)");
    int rc = SQLITE_OK;
    if (!ins || !out || !sch)
        goto fail;
    char when[32], host[256];
    store__now_utc(when, sizeof when);
    store__host(host, sizeof host);
    sqlite3_bind_text(ins, 1, x->program, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 2, x->options, -1, SQLITE_STATIC);
    if (x->shard)
        sqlite3_bind_text(ins, 3, x->shard, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(ins, 3);
    sqlite3_bind_int64(ins, 4, (sqlite3_int64)x->schedules);
    sqlite3_bind_int64(ins, 5, (sqlite3_int64)x->nout);
    sqlite3_bind_int(ins, 6, x->exhausted);
    sqlite3_bind_text(ins, 7, when, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 8, host, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 9, x->version ? x->version : "unknown", -1, SQLITE_STATIC);
    if (x->max_outputs)
        sqlite3_bind_int64(ins, 10, (sqlite3_int64)x->max_outputs);
    else
        sqlite3_bind_null(ins, 10);
    if ((rc = sqlite3_step(ins)) != SQLITE_DONE)
        goto fail;
    x->id = sqlite3_last_insert_rowid(st->db);
    for (size_t i = 0; i < x->nout; i++) {
        const store_x_outcome *o = &x->out[i];
        sqlite3_reset(out);
        sqlite3_bind_int64(out, 1, x->id);
        sqlite3_bind_int64(out, 2, (sqlite3_int64)i);
        sqlite3_bind_int(out, 3, o->exit_status);
        if (o->failure)
            sqlite3_bind_text(out, 4, o->failure, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(out, 4);
        if (o->detail)
            sqlite3_bind_text(out, 5, o->detail, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(out, 5);
        sqlite3_bind_blob64(out, 6, o->output ? o->output : "", o->len, SQLITE_STATIC);
        sqlite3_bind_int64(out, 7, (sqlite3_int64)o->count);
        sqlite3_bind_int64(out, 8, (sqlite3_int64)o->first);
        sqlite3_bind_int64(out, 9, o->preemptions);
        sqlite3_bind_text(out, 10, o->token ? o->token : "", -1, SQLITE_STATIC);
        if (o->run_id > 0)
            sqlite3_bind_int64(out, 11, o->run_id);
        else
            sqlite3_bind_null(out, 11);
        if ((rc = sqlite3_step(out)) != SQLITE_DONE)
            goto fail;
    }
    for (size_t i = 0; i < nsched; i++) {
        sqlite3_reset(sch);
        sqlite3_bind_int64(sch, 1, x->id);
        sqlite3_bind_int64(sch, 2, (sqlite3_int64)i);
        sqlite3_bind_blob64(sch, 3, sched[i].len ? sched[i].choices : "", sched[i].len,
                            SQLITE_STATIC);
        sqlite3_bind_int64(sch, 4, sched[i].outcome);
        if ((rc = sqlite3_step(sch)) != SQLITE_DONE)
            goto fail;
    }
    sqlite3_finalize(ins);
    sqlite3_finalize(out);
    sqlite3_finalize(sch);
    return store__exec(st, "COMMIT", "cannot record the exploration");
fail:
    if (rc != SQLITE_OK)
        store__fail(st, rc, "cannot record the exploration");
    sqlite3_finalize(ins);
    sqlite3_finalize(out);
    sqlite3_finalize(sch);
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

static char *x__col(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? store__strdup((const char *)t) : NULL;
}

#define X__COLS "id, program, options, shard, schedules, exhausted, recorded_at, max_outputs"

static void x__row(sqlite3_stmt *s, store_exploration *x)
{
    memset(x, 0, sizeof *x);
    x->id = sqlite3_column_int64(s, 0);
    x->program = x__col(s, 1);
    x->options = x__col(s, 2);
    x->shard = x__col(s, 3);
    x->schedules = (uint64_t)sqlite3_column_int64(s, 4);
    x->exhausted = sqlite3_column_int(s, 5) != 0;
    x->recorded_at = x__col(s, 6);
    x->max_outputs = (uint64_t)sqlite3_column_int64(s, 7); /* NULL reads 0 */
}

int store_x_list(store *st, size_t limit, int (*fn)(void *ud, const store_exploration *x),
                 void *ud)
{
    sqlite3_stmt *s = store__prepare(st, "SELECT " X__COLS ", outcomes FROM explorations "
                                         "ORDER BY id DESC LIMIT ?");
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, limit ? (sqlite3_int64)limit : -1);
    int rc, r = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        store_exploration x;
        x__row(s, &x);
        x.nout = (size_t)sqlite3_column_int64(s, 8);
        r = fn(ud, &x);
        store_x_free(&x);
        if (r != 0)
            break;
    }
    sqlite3_finalize(s);
    if (r == 0 && rc != SQLITE_DONE && rc != SQLITE_ROW)
        return store__fail(st, rc, "cannot list the explorations");
    return r;
}

int store_x_resolve(store *st, const char *ref, int64_t *id)
{
    return store__resolve_in(st, "explorations", "exploration", ref, id);
}

int store_x_get(store *st, int64_t id, store_exploration *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *s = store__prepare(st, "SELECT " X__COLS " FROM explorations WHERE id = ?");
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(s);
        if (rc == SQLITE_DONE)
            return store__failf(st, "database '%s' has no exploration %lld", st->path,
                                (long long)id);
        return store__fail(st, rc, "cannot read the exploration");
    }
    x__row(s, out);
    sqlite3_finalize(s);
    s = store__prepare(st, "SELECT exit_status, failure, detail, output, count, first, "
                           "preemptions, token, run_id FROM outcomes WHERE exploration_id = ? "
                           "ORDER BY idx");
    if (!s) {
        store_x_free(out);
        return -1;
    }
    sqlite3_bind_int64(s, 1, id);
    size_t cap = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (out->nout == cap) {
            cap = cap ? 2 * cap : 8;
            store_x_outcome *n = realloc(out->out, cap * sizeof *n);
            if (!n) {
                sqlite3_finalize(s);
                store_x_free(out);
                return store__failf(st, "out of memory");
            }
            out->out = n;
        }
        store_x_outcome *o = &out->out[out->nout++];
        memset(o, 0, sizeof *o);
        o->exit_status = sqlite3_column_int(s, 0);
        o->failure = x__col(s, 1);
        o->detail = x__col(s, 2);
        o->len = (size_t)sqlite3_column_bytes(s, 3);
        o->output = malloc(o->len + 1);
        if (!o->output) {
            sqlite3_finalize(s);
            store_x_free(out);
            return store__failf(st, "out of memory");
        }
        if (o->len)
            memcpy(o->output, sqlite3_column_blob(s, 3), o->len);
        o->output[o->len] = '\0';
        o->count = (uint64_t)sqlite3_column_int64(s, 4);
        o->first = (uint64_t)sqlite3_column_int64(s, 5);
        o->preemptions = (uint32_t)sqlite3_column_int64(s, 6);
        o->token = x__col(s, 7);
        o->run_id = sqlite3_column_int64(s, 8);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        store_x_free(out);
        return store__fail(st, rc, "cannot read the outcomes");
    }
    return 0;
}

void store_x_free(store_exploration *x)
{
    for (size_t i = 0; i < x->nout && x->out; i++) {
        free(x->out[i].failure);
        free(x->out[i].detail);
        free(x->out[i].output);
        free(x->out[i].token);
    }
    free(x->out);
    free(x->program);
    free(x->options);
    free(x->shard);
    free(x->recorded_at);
    free(x->version);
    memset(x, 0, sizeof *x);
}

int store_x_schedules_each(store *st, int64_t id,
                           int (*fn)(void *ud, uint64_t index, const void *choices, size_t len,
                                     uint32_t outcome),
                           void *ud)
{
    sqlite3_stmt *s = store__prepare(st, "SELECT schedule, choices, outcome FROM explored "
                                         "WHERE exploration_id = ? ORDER BY schedule");
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, id);
    int rc, r = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        r = fn(ud, (uint64_t)sqlite3_column_int64(s, 0), sqlite3_column_blob(s, 1),
               (size_t)sqlite3_column_bytes(s, 1), (uint32_t)sqlite3_column_int64(s, 2));
        if (r != 0)
            break;
    }
    sqlite3_finalize(s);
    if (r == 0 && rc != SQLITE_DONE && rc != SQLITE_ROW)
        return store__fail(st, rc, "cannot read the explored schedules");
    return r;
}
