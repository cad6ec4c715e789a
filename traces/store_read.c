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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/num.h"
#include "hash.h"
#include "store_sql.h"

#define READ__RUN_COLS                                                                             \
    "id, scenario, policy, seed, python, switch_steps, switch_ns, stack_size, max_events, "       \
    "max_time_ns, replay_of, status, exit_status, events, decisions, threads, end_time_ns, "      \
    "trace_hash, recorded_at, host, version, "
/* the kind of trace hash: a column since schema 5, kind 1 for every run before */
#define READ__KIND(st) ((st)->version >= 5 ? "trace_hash_kind, program" \
                        : (st)->version >= 4 ? "1, program" : "1, NULL")

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
    r->hash_kind = sqlite3_column_int(s, 21);
    const unsigned char *prog = sqlite3_column_text(s, 22);
    r->program = prog ? store__strdup((const char *)prog) : NULL;
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
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT " READ__RUN_COLS "%s FROM runs WHERE id = ?", READ__KIND(st));
    sqlite3_stmt *s = store__prepare(st, sql);
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
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT " READ__RUN_COLS "%s FROM runs ORDER BY id DESC LIMIT ?",
             READ__KIND(st));
    sqlite3_stmt *s = store__prepare(st, sql);
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

static int read__each(store *st, int64_t id, sim_sink_fn fn, void *ud, const bool *stop);

int store_events_each(store *st, int64_t id, sim_sink_fn fn, void *ud)
{
    return read__each(st, id, fn, ud, NULL);
}

/* ... stopping after the batch in which *stop became true. */
static int read__each(store *st, int64_t id, sim_sink_fn fn, void *ud, const bool *stop)
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
        int rc = 0;
        while ((!stop || !*stop) && (rc = store_evread_next(r, fn, NULL, ud, err, sizeof err)) > 0)
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
    size_t max;               /* stop once out holds this much; 0: no limit */
    bool cut;                 /* an event came past max */
} read__view;

static void read__view_sink(void *ud, const sim_event *ev)
{
    read__view *v = ud;
    if (v->max && v->out->len >= v->max) {
        v->cut = true;
        return;
    }
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

int store_view_max(store *st, int64_t id, bool full, size_t max, sim_buf *out, bool *cut)
{
    read__view v = {.out = out, .full = full, .max = max};
    trace_names_init(&v.names);
    int rc = read__each(st, id, read__view_sink, &v, &v.cut);
    trace_names_fini(&v.names);
    *cut = v.cut;
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

typedef struct read__sched {
    trace_decision *d;        /* collected so far (malloc'd) */
    size_t n, cap;
    bool nomem;
} read__sched;

static void read__decision(void *ud, uint32_t n, uint32_t chosen, uint32_t thread, uint64_t seq)
{
    read__sched *s = ud;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        trace_decision *a = realloc(s->d, cap * sizeof *a);
        if (!a) {
            s->nomem = true;
            return;
        }
        s->d = a;
        s->cap = cap;
    }
    s->d[s->n] = (trace_decision){.index = s->n, .n = n, .chosen = chosen, .thread = thread,
                                  .seq = seq};
    s->n++;
}

/* A schema-3 run's schedule, from its batches; 1 if the run is older
 * (its schedule is in the schedules table). */
static int read__batched_schedule(store *st, int64_t id, trace_decision **d, size_t *n)
{
    bool txn = sqlite3_get_autocommit(st->db);
    if (txn && store__exec(st, "BEGIN", "cannot read the run's schedule") != 0)
        return -1;
    char err[512];
    read__sched sc = {0};
    int ret = 0;
    store_evread *r = store_evread_open(st->db, st->path, id, err, sizeof err);
    if (!r) {
        ret = store__failf(st, "%s", err);
    } else {
        int rc;
        while ((rc = store_evread_next(r, NULL, read__decision, &sc, err, sizeof err)) > 0 &&
               store_evread_batched(r))
            ;
        if (rc < 0)
            ret = store__failf(st, "%s", err);
        else if (!store_evread_batched(r))
            ret = 1;
        else if (sc.nomem)
            ret = store__failf(st, "out of memory reading run %" PRId64 "'s schedule", id);
        store_evread_close(r);
    }
    if (txn)
        sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
    if (ret != 0) {
        free(sc.d);
        return ret;
    }
    *d = sc.d;
    *n = sc.n;
    return 0;
}

int store_load_schedule(store *st, int64_t id, trace_decision **d, size_t *n)
{
    *d = NULL;
    *n = 0;
    int b = read__batched_schedule(st, id, d, n);
    if (b <= 0)
        return b;
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

int store_query(store *st, int64_t run, const char *sql, store_row_fn fn, void *ud)
{
    if (run > 0) {
        char view[128];
        snprintf(view, sizeof view,
                 "CREATE TEMP VIEW events AS SELECT * FROM ts_events(%" PRId64 ")", run);
        if (store__exec(st, view, "cannot query the run") != 0)
            return -1;
    }
    const char *tail = sql;
    int ret = 0;
    while (ret == 0 && tail && *tail) {
        sqlite3_stmt *s = NULL;
        int rc = sqlite3_prepare_v2(st->db, tail, -1, &s, &tail);
        if (rc != SQLITE_OK) {
            ret = store__failf(st, "sql: %s", sqlite3_errmsg(st->db));
            break;
        }
        if (!s)
            continue; /* blank or a comment */
        if (!sqlite3_stmt_readonly(s)) {
            sqlite3_finalize(s);
            ret = store__failf(st, "sql: only reading statements are run (the store is "
                                   "changed by threadsim alone)");
            break;
        }
        int n = sqlite3_column_count(s);
        const char **val = calloc((size_t)n + 1, sizeof *val);
        size_t *len = calloc((size_t)n + 1, sizeof *len);
        if (!val || !len) {
            free(val);
            free(len);
            sqlite3_finalize(s);
            return store__failf(st, "out of memory");
        }
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            for (int i = 0; i < n; i++) {
                int t = sqlite3_column_type(s, i);
                val[i] = t == SQLITE_NULL ? NULL
                         : t == SQLITE_BLOB
                             ? (const char *)sqlite3_column_blob(s, i)
                             : (const char *)sqlite3_column_text(s, i);
                len[i] = (size_t)sqlite3_column_bytes(s, i);
                if (t != SQLITE_NULL && !val[i])
                    val[i] = "";
            }
            if (fn(ud, n, val, len))
                break;
        }
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            ret = store__failf(st, "sql: %s", sqlite3_errmsg(st->db));
        free(val);
        free(len);
        sqlite3_finalize(s);
    }
    if (run > 0)
        sqlite3_exec(st->db, "DROP VIEW IF EXISTS temp.events", NULL, NULL, NULL);
    return ret;
}
