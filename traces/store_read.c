/*
 * traces/store_read.c — reading runs, events and schedules back (store.h).
 *
 * Everything read is checked before it is believed: an event kind this
 * version does not know, or a status outside the schema's list, is reported
 * as an error naming the run rather than turned into garbage. Events are
 * streamed to a callback in seq order through the one decoder of both stored
 * formats (store_sql.h), so showing or hashing a long run needs no more
 * memory than one batch.
 */
#include "store_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/num.h"
#include "hash.h"
#include "store_sql.h"

#define READ__RUN_COLS                                                                             \
    "id, scenario, policy, seed, python, switch_steps, switch_ns, stack_size, max_events, "       \
    "max_time_ns, replay_of, status, exit_status, events, decisions, threads, end_time_ns, "      \
    "trace_hash, recorded_at, host, version"

static char *read__text(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return store__strdup(t ? (const char *)t : "");
}

static int read__run_row(store *st, sqlite3_stmt *s, store_run *r)
{
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(s, 0);
    r->scenario = read__text(s, 1);
    r->policy = read__text(s, 2);
    r->seed = (uint64_t)sqlite3_column_int64(s, 3);
    r->python = sqlite3_column_int(s, 4);
    r->cfg.switch_steps = (uint32_t)sqlite3_column_int64(s, 5);
    r->cfg.switch_ns = sqlite3_column_int64(s, 6);
    r->cfg.stack_size = (size_t)sqlite3_column_int64(s, 7);
    r->cfg.max_events = (uint64_t)sqlite3_column_int64(s, 8);
    r->cfg.max_time = sqlite3_column_int64(s, 9);
    r->replay_of = sqlite3_column_int64(s, 10);
    const char *status = (const char *)sqlite3_column_text(s, 11);
    int k = -1;
    for (int i = STORE_INCOMPLETE; i <= STORE_LIMIT; i++)
        if (status && strcmp(status, store_status_name((store_status)i)) == 0)
            k = i;
    r->status = k < 0 ? STORE_INCOMPLETE : (store_status)k;
    r->exit_status = sqlite3_column_type(s, 12) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 12);
    r->events = (uint64_t)sqlite3_column_int64(s, 13);
    r->decisions = (uint64_t)sqlite3_column_int64(s, 14);
    r->threads = (uint32_t)sqlite3_column_int64(s, 15);
    r->end_time = sqlite3_column_type(s, 16) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, 16);
    const char *hash = (const char *)sqlite3_column_text(s, 17);
    r->has_hash = hash && trace_hash_parse(hash, &r->hash) == 0;
    r->recorded_at = read__text(s, 18);
    r->host = read__text(s, 19);
    r->version = read__text(s, 20);
    if (k < 0) {
        int64_t id = r->id;
        store_run_free(r);
        return store__failf(st, "database '%s': run %" PRId64 " has an unknown status '%s'",
                            st->path, id, status ? status : "(null)");
    }
    return 0;
}

int store__resolve_in(store *st, const char *table, const char *what, const char *ref,
                      int64_t *id)
{
    /* ids and N are decimal digits (sim/num.h): an id from 1 to INT64_MAX
     * (SQLite's largest), N from 0 to INT64_MAX - 1 (so that N + 1, the
     * count a message names, fits too) */
    const char *an = strchr("aeiou", what[0]) ? "n" : "";
    uint64_t v = 0;
    int rc;
    if (strncmp(ref, "last", 4) == 0 && (ref[4] == '\0' || ref[4] == '~')) {
        if (ref[4] == '~') {
            rc = sim_parse_u64(ref + 5, INT64_MAX - 1, &v);
            if (rc == SIM_NUM_RANGE)
                return store__failf(st, "'%s' is out of range (N in last~N is at most %" PRId64
                                        ")", ref, INT64_MAX - 1);
            if (rc != SIM_NUM_OK)
                goto bad;
        }
        int64_t back = (int64_t)v;
        char sql[96];
        snprintf(sql, sizeof sql, "SELECT id FROM %s ORDER BY id DESC LIMIT 1 OFFSET ?", table);
        sqlite3_stmt *s = store__prepare(st, sql);
        if (!s)
            return -1;
        sqlite3_bind_int64(s, 1, back);
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW)
            *id = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
        if (rc == SQLITE_DONE && back == 0)
            return store__failf(st, "database '%s' has no %ss yet", st->path, what);
        if (rc == SQLITE_DONE)
            return store__failf(st, "database '%s' has fewer than %" PRId64 " %ss", st->path,
                                back + 1, what);
        if (rc != SQLITE_ROW) {
            char why[64];
            snprintf(why, sizeof why, "cannot find the last %s", what);
            return store__fail(st, rc, why);
        }
        return 0;
    }
    rc = sim_parse_u64(ref, INT64_MAX, &v);
    if (rc == SIM_NUM_RANGE)
        return store__failf(st, "'%s' is out of range (%s ids go up to %" PRId64 ")", ref, what,
                            INT64_MAX);
    if (rc != SIM_NUM_OK || v == 0)
        goto bad;
    *id = (int64_t)v;
    return 0;
bad:
    return store__failf(st, "'%s' is not a%s %s (a%s %s id, 'last' or 'last~N')", ref, an, what,
                        an, what);
}

int store_resolve(store *st, const char *ref, int64_t *id)
{
    return store__resolve_in(st, "runs", "run", ref, id);
}

int store_run_get(store *st, int64_t id, store_run *out)
{
    sqlite3_stmt *s = store__prepare(st, "SELECT " READ__RUN_COLS " FROM runs WHERE id = ?");
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s), ret;
    if (rc == SQLITE_ROW)
        ret = read__run_row(st, s, out);
    else if (rc == SQLITE_DONE)
        ret = store__failf(st, "database '%s' has no run %" PRId64, st->path, id);
    else
        ret = store__fail(st, rc, "cannot read the run");
    sqlite3_finalize(s);
    return ret;
}

int store_runs_each(store *st, size_t limit, int (*fn)(void *ud, const store_run *r), void *ud)
{
    sqlite3_stmt *s = store__prepare(st, "SELECT " READ__RUN_COLS " FROM runs ORDER BY id DESC "
                                         "LIMIT ?");
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, limit ? (sqlite3_int64)limit : -1);
    int rc, ret = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        store_run r;
        if (read__run_row(st, s, &r) != 0) {
            ret = -1;
            break;
        }
        int stop = fn(ud, &r);
        store_run_free(&r);
        if (stop)
            break;
    }
    if (ret == 0 && rc != SQLITE_ROW && rc != SQLITE_DONE)
        ret = store__fail(st, rc, "cannot list the runs");
    sqlite3_finalize(s);
    return ret;
}

int store_events_each(store *st, int64_t id, sim_sink_fn fn, void *ud)
{
    /* one read transaction: the run row's count and its batches agree even
     * while another process records */
    bool txn = sqlite3_get_autocommit(st->db);
    if (txn && store__exec(st, "BEGIN", "cannot read the run's events") != 0)
        return -1;
    char err[512];
    int ret = 0;
    store_evread *r = store_evread_open(st->db, st->path, id, err, sizeof err);
    if (!r) {
        ret = store__failf(st, "%s", err);
    } else {
        int rc;
        while ((rc = store_evread_next(r, fn, ud, err, sizeof err)) > 0)
            ;
        if (rc < 0)
            ret = store__failf(st, "%s", err);
        store_evread_close(r);
    }
    if (txn)
        sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
    return ret;
}

typedef struct read__view {
    sim_buf *out;             /* where the view goes */
    bool full;                /* full view, else output view */
    trace_names names;        /* for the full view */
} read__view;

static void read__view_sink(void *ud, const sim_event *ev)
{
    read__view *v = ud;
    if (v->full) {
        trace_names_see(&v->names, ev);
        trace_fmt_line(v->out, &v->names, ev);
    } else if (ev->kind == SIM_EV_OUTPUT && ev->text) {
        sim_buf_add(v->out, ev->text, ev->len);
    }
}

int store_view(store *st, int64_t id, bool full, sim_buf *out)
{
    read__view v = {.out = out, .full = full};
    trace_names_init(&v.names);
    int rc = store_events_each(st, id, read__view_sink, &v);
    trace_names_fini(&v.names);
    return rc;
}

int store_load_trace(store *st, int64_t id, trace *t)
{
    trace_init(t);
    if (store_events_each(st, id, trace_sink, t) != 0) {
        trace_fini(t);
        return -1;
    }
    return 0;
}

int store_load_schedule(store *st, int64_t id, trace_decision **d, size_t *n)
{
    *d = NULL;
    *n = 0;
    sqlite3_stmt *s = store__prepare(st, "SELECT decision, n, chosen, thread, seq FROM schedules "
                                         "WHERE run_id = ? ORDER BY decision");
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, id);
    size_t cap = 0;
    int rc, ret = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 256;
            trace_decision *a = realloc(*d, cap * sizeof *a);
            if (!a) {
                ret = store__failf(st, "out of memory reading run %" PRId64 "'s schedule", id);
                break;
            }
            *d = a;
        }
        trace_decision *x = &(*d)[(*n)++];
        x->index = (uint64_t)sqlite3_column_int64(s, 0);
        x->n = (uint32_t)sqlite3_column_int64(s, 1);
        x->chosen = (uint32_t)sqlite3_column_int64(s, 2);
        x->thread = (uint32_t)sqlite3_column_int64(s, 3);
        x->seq = (uint64_t)sqlite3_column_int64(s, 4);
        if (x->index != *n - 1 || x->n < 2 || x->chosen >= x->n) {
            ret = store__failf(st, "database '%s': run %" PRId64 "'s schedule is damaged at "
                                   "decision %zu", st->path, id, *n - 1);
            break;
        }
    }
    if (ret == 0 && rc != SQLITE_ROW && rc != SQLITE_DONE)
        ret = store__fail(st, rc, "cannot read the run's schedule");
    sqlite3_finalize(s);
    if (ret != 0) {
        free(*d);
        *d = NULL;
        *n = 0;
    }
    return ret;
}
