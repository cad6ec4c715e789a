/*
 * traces/store_rec.c — recording a run into the store (see store.h).
 *
 * The recorder is a sink (events) and a decision hook (schedule). It copies
 * what it is given into memory buffers and, every STORE_BATCH rows, writes
 * them in one transaction with prepared statements. Buffering first and
 * taking the write lock only to flush keeps the lock free while the
 * simulation computes, so a second process recording into the same file
 * gets its turn.
 *
 * Alongside, it hashes the full view of the events (hash.h), so the final
 * row carries the trace hash without the trace ever being held whole.
 *
 * A failure (disk full, a lock held too long) cannot be returned from a
 * sink: it is remembered, later rows are dropped, and store_rec_end reports
 * it. The run row then stays 'incomplete'.
 */
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"

#define REC__NONE SIZE_MAX   /* "no string" offset */

/* A buffered event; strings live in the arena. */
typedef struct rec__ev {
    uint64_t seq;
    int64_t time;
    sim_ev_kind kind;
    uint32_t thread, other, obj;
    int64_t arg;
    size_t reason;            /* arena offset of the NUL-terminated reason, or REC__NONE */
    size_t text;              /* arena offset of the text, or REC__NONE */
    size_t len;               /* bytes of text */
} rec__ev;

/* A buffered change to the threads table. */
typedef enum rec__thr_op {
    REC__THR_CREATE,          /* insert the row (create event) */
    REC__THR_RENAME,          /* update its name (note "rename") */
    REC__THR_START,           /* update its daemon flag (start event: the flag at start) */
} rec__thr_op;

typedef struct rec__thr {
    rec__thr_op op;
    uint32_t tid;
    int daemon;               /* CREATE, START */
    size_t name, len;         /* CREATE, RENAME: arena offset and bytes of the name */
} rec__thr;

struct store_rec {
    store *st;
    store_run *meta;          /* borrowed from the caller */
    sqlite3_stmt *ins_event, *ins_decision, *ins_thread, *upd_thread, *upd_daemon;
    sqlite3_stmt *upd_progress, *upd_final;
    rec__ev *ev;              /* pending events */
    size_t nev, capev;
    trace_decision *dec;      /* pending decisions */
    size_t ndec, capdec;
    rec__thr *thr;            /* pending thread rows */
    size_t nthr, capthr;
    sim_buf arena;            /* strings of the pending rows */
    uint64_t events;          /* events seen */
    uint64_t decisions;       /* decisions seen */
    uint32_t threads;         /* threads created */
    trace_hasher hasher;      /* the full view's hash so far */
    bool failed;              /* a write failed; st->err says why */
};

static void *rec__grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    size_t c = *cap ? *cap * 2 : 1024;
    while (c < need)
        c *= 2;
    void *q = realloc(p, c * size);
    if (!q) {
        fputs("threadsim: out of memory\n", stderr);
        abort();
    }
    *cap = c;
    return q;
}

static size_t rec__keep(store_rec *r, const char *s, size_t n)
{
    size_t off = r->arena.len;
    sim_buf_add(&r->arena, s, n);
    sim_buf_addc(&r->arena, '\0');
    return off;
}

/* ---- writing ------------------------------------------------------------- */

static int rec__step(store_rec *r, sqlite3_stmt *stmt, const char *what)
{
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt); /* every parameter is bound again for the next row */
    if (rc != SQLITE_DONE)
        return store__fail(r->st, rc, what);
    return 0;
}

static void rec__bind_id(sqlite3_stmt *stmt, int i, uint32_t id)
{
    if (id == SIM_NONE)
        sqlite3_bind_null(stmt, i);
    else
        sqlite3_bind_int64(stmt, i, id);
}

static int rec__write_threads(store_rec *r)
{
    for (size_t i = 0; i < r->nthr; i++) {
        const rec__thr *t = &r->thr[i];
        sqlite3_stmt *s = t->op == REC__THR_CREATE   ? r->ins_thread
                          : t->op == REC__THR_RENAME ? r->upd_thread
                                                     : r->upd_daemon;
        sqlite3_bind_int64(s, 1, r->meta->id);
        sqlite3_bind_int64(s, 2, t->tid);
        if (t->op != REC__THR_START)
            sqlite3_bind_text(s, 3, r->arena.p + t->name, (int)t->len, SQLITE_STATIC);
        if (t->op != REC__THR_RENAME)
            sqlite3_bind_int(s, 4, t->daemon);
        if (rec__step(r, s, "cannot record the run's threads") != 0)
            return -1;
    }
    return 0;
}

static int rec__write_events(store_rec *r)
{
    sqlite3_stmt *s = r->ins_event;
    for (size_t i = 0; i < r->nev; i++) {
        const rec__ev *e = &r->ev[i];
        sqlite3_bind_int64(s, 1, r->meta->id);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)e->seq);
        sqlite3_bind_int64(s, 3, e->time);
        sqlite3_bind_text(s, 4, sim_ev_kind_name(e->kind), -1, SQLITE_STATIC);
        rec__bind_id(s, 5, e->thread);
        rec__bind_id(s, 6, e->other);
        rec__bind_id(s, 7, e->obj);
        sqlite3_bind_int64(s, 8, e->arg);
        if (e->reason == REC__NONE)
            sqlite3_bind_null(s, 9);
        else
            sqlite3_bind_text(s, 9, r->arena.p + e->reason, -1, SQLITE_STATIC);
        if (e->text == REC__NONE)
            sqlite3_bind_null(s, 10);
        else if (e->len == 0)
            sqlite3_bind_zeroblob(s, 10, 0);
        else
            sqlite3_bind_blob(s, 10, r->arena.p + e->text, (int)e->len, SQLITE_STATIC);
        if (rec__step(r, s, "cannot record the run's events") != 0)
            return -1;
    }
    return 0;
}

static int rec__write_decisions(store_rec *r)
{
    sqlite3_stmt *s = r->ins_decision;
    for (size_t i = 0; i < r->ndec; i++) {
        const trace_decision *d = &r->dec[i];
        sqlite3_bind_int64(s, 1, r->meta->id);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)d->index);
        sqlite3_bind_int64(s, 3, d->n);
        sqlite3_bind_int64(s, 4, d->chosen);
        sqlite3_bind_int64(s, 5, d->thread);
        sqlite3_bind_int64(s, 6, (sqlite3_int64)d->seq);
        if (rec__step(r, s, "cannot record the run's schedule") != 0)
            return -1;
    }
    return 0;
}

/* Write the pending rows in one transaction; with `final`, also the run's
 * outcome (already in r->meta). */
static int rec__flush(store_rec *r, bool final)
{
    if (r->failed)
        return -1;
    if (!final && r->nev == 0 && r->ndec == 0 && r->nthr == 0)
        return 0;
    if (store__exec(r->st, "BEGIN IMMEDIATE", "cannot record the run") != 0)
        goto fail;
    if (rec__write_threads(r) != 0 || rec__write_events(r) != 0 || rec__write_decisions(r) != 0)
        goto rollback;
    sqlite3_stmt *s = final ? r->upd_final : r->upd_progress;
    sqlite3_bind_int64(s, 1, (sqlite3_int64)r->events);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)r->decisions);
    sqlite3_bind_int64(s, 3, r->threads);
    sqlite3_bind_int64(s, 4, r->meta->id);
    if (final) {
        char hex[17];
        trace_hash_hex(r->meta->hash, hex);
        sqlite3_bind_text(s, 5, store_status_name(r->meta->status), -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 6, r->meta->exit_status);
        sqlite3_bind_int64(s, 7, r->meta->end_time);
        sqlite3_bind_text(s, 8, hex, -1, SQLITE_TRANSIENT);
    }
    if (rec__step(r, s, "cannot record the run") != 0)
        goto rollback;
    if (store__exec(r->st, "COMMIT", "cannot record the run") != 0)
        goto rollback;
    r->nev = r->ndec = r->nthr = 0;
    sim_buf_clear(&r->arena);
    return 0;
rollback:
    sqlite3_exec(r->st->db, "ROLLBACK", NULL, NULL, NULL);
fail:
    r->failed = true;
    return -1;
}

static void rec__maybe_flush(store_rec *r)
{
    if (r->nev + r->ndec + r->nthr >= STORE_BATCH)
        rec__flush(r, false);
}

/* ---- the sink and the hook ------------------------------------------------ */

void store_rec_event(void *ud, const sim_event *ev)
{
    store_rec *r = ud;
    r->events++;
    trace_hasher_see(&r->hasher, ev);
    if (r->failed)
        return;
    bool named = ev->other != SIM_NONE && ev->text;
    bool rename = ev->kind == SIM_EV_NOTE && ev->reason && strcmp(ev->reason, "rename") == 0;
    if ((ev->kind == SIM_EV_CREATE && named) || (rename && named) ||
        (ev->kind == SIM_EV_START && ev->other != SIM_NONE)) {
        r->thr = rec__grow(r->thr, &r->capthr, r->nthr + 1, sizeof *r->thr);
        rec__thr *t = &r->thr[r->nthr++];
        t->op = ev->kind == SIM_EV_CREATE ? REC__THR_CREATE
                : rename                  ? REC__THR_RENAME
                                          : REC__THR_START;
        t->tid = ev->other;
        t->daemon = ev->arg != 0;
        t->name = t->len = 0;
        if (t->op != REC__THR_START) {
            t->name = rec__keep(r, ev->text, ev->len);
            t->len = ev->len;
        }
        if (ev->kind == SIM_EV_CREATE)
            r->threads++;
    }
    r->ev = rec__grow(r->ev, &r->capev, r->nev + 1, sizeof *r->ev);
    rec__ev *e = &r->ev[r->nev++];
    e->seq = ev->seq;
    e->time = ev->time;
    e->kind = ev->kind;
    e->thread = ev->thread;
    e->other = ev->other;
    e->obj = ev->obj;
    e->arg = ev->arg;
    e->reason = ev->reason ? rec__keep(r, ev->reason, strlen(ev->reason)) : REC__NONE;
    e->text = ev->text ? rec__keep(r, ev->text, ev->len) : REC__NONE;
    e->len = ev->text ? ev->len : 0;
    rec__maybe_flush(r);
}

void store_rec_decision(void *ud, uint64_t index, uint32_t n, uint32_t chosen, uint32_t thread,
                        bool step)
{
    (void)step;
    store_rec *r = ud;
    r->decisions++;
    if (r->failed)
        return;
    r->dec = rec__grow(r->dec, &r->capdec, r->ndec + 1, sizeof *r->dec);
    r->dec[r->ndec++] = (trace_decision){.index = index, .n = n, .chosen = chosen,
                                         .thread = thread, .seq = r->events};
    rec__maybe_flush(r);
}

uint64_t store_rec_hash(const store_rec *r) { return r->hasher.h; }

/* ---- begin and end -------------------------------------------------------- */

void store__now_utc(char *out, size_t cap)
{
    time_t t = time(NULL);
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
    else
        snprintf(out, cap, "unknown");
}

void store__host(char *out, size_t cap)
{
    char name[128] = "unknown";
    struct utsname u;
    if (gethostname(name, sizeof name - 1) != 0)
        snprintf(name, sizeof name, "unknown");
    name[sizeof name - 1] = '\0';
    if (uname(&u) == 0)
        snprintf(out, cap, "%s (%s %s)", name, u.sysname, u.machine);
    else
        snprintf(out, cap, "%s", name);
}

static void rec__free(store_rec *r)
{
    sqlite3_finalize(r->ins_event);
    sqlite3_finalize(r->ins_decision);
    sqlite3_finalize(r->ins_thread);
    sqlite3_finalize(r->upd_thread);
    sqlite3_finalize(r->upd_daemon);
    sqlite3_finalize(r->upd_progress);
    sqlite3_finalize(r->upd_final);
    free(r->ev);
    free(r->dec);
    free(r->thr);
    sim_buf_free(&r->arena);
    trace_hasher_fini(&r->hasher);
    free(r);
}

store_rec *store_rec_begin(store *st, store_run *meta)
{
    store_rec *r = calloc(1, sizeof *r);
    if (!r) {
        store__failf(st, "out of memory");
        return NULL;
    }
    r->st = st;
    r->meta = meta;
    trace_hasher_init(&r->hasher);
    r->ins_event = store__prepare(st, "INSERT INTO events (run_id, seq, time_ns, kind, thread, "
                                      "other, obj, arg, reason, text) "
                                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    r->ins_decision = store__prepare(st, "INSERT INTO schedules (run_id, decision, n, chosen, "
                                         "thread, seq) VALUES (?, ?, ?, ?, ?, ?)");
    r->ins_thread = store__prepare(st, "INSERT OR REPLACE INTO threads (run_id, tid, name, "
                                       "daemon) VALUES (?, ?, ?, ?)");
    r->upd_thread = store__prepare(st, "UPDATE threads SET name = ?3 "
                                       "WHERE run_id = ?1 AND tid = ?2");
    r->upd_daemon = store__prepare(st, "UPDATE threads SET daemon = ?4 "
                                       "WHERE run_id = ?1 AND tid = ?2");
    r->upd_progress = store__prepare(st, "UPDATE runs SET events = ?1, decisions = ?2, "
                                         "threads = ?3 WHERE id = ?4");
    r->upd_final = store__prepare(st, "UPDATE runs SET events = ?1, decisions = ?2, "
                                      "threads = ?3, status = ?5, exit_status = ?6, "
                                      "end_time_ns = ?7, trace_hash = ?8 WHERE id = ?4");
    sqlite3_stmt *ins_run = store__prepare(
        st, "INSERT INTO runs (scenario, policy, seed, python, switch_steps, switch_ns, "
            "stack_size, max_events, max_time_ns, replay_of, status, recorded_at, host, version) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'incomplete', ?, ?, ?)");
    if (!r->ins_event || !r->ins_decision || !r->ins_thread || !r->upd_thread || !r->upd_daemon ||
        !r->upd_progress || !r->upd_final || !ins_run) {
        sqlite3_finalize(ins_run);
        rec__free(r);
        return NULL;
    }
    char when[32], host[256];
    store__now_utc(when, sizeof when);
    store__host(host, sizeof host);
    sqlite3_bind_text(ins_run, 1, meta->scenario ? meta->scenario : "?", -1, SQLITE_STATIC);
    sqlite3_bind_text(ins_run, 2, meta->policy ? meta->policy : "fifo", -1, SQLITE_STATIC);
    sqlite3_bind_int64(ins_run, 3, (sqlite3_int64)meta->seed);
    sqlite3_bind_int(ins_run, 4, meta->python);
    sqlite3_bind_int64(ins_run, 5, meta->cfg.switch_steps);
    sqlite3_bind_int64(ins_run, 6, meta->cfg.switch_ns);
    sqlite3_bind_int64(ins_run, 7, (sqlite3_int64)meta->cfg.stack_size);
    sqlite3_bind_int64(ins_run, 8, (sqlite3_int64)meta->cfg.max_events);
    sqlite3_bind_int64(ins_run, 9, meta->cfg.max_time);
    if (meta->replay_of > 0)
        sqlite3_bind_int64(ins_run, 10, meta->replay_of);
    else
        sqlite3_bind_null(ins_run, 10);
    sqlite3_bind_text(ins_run, 11, when, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins_run, 12, host, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins_run, 13, meta->version ? meta->version : "unknown", -1, SQLITE_STATIC);
    int rc = sqlite3_step(ins_run);
    sqlite3_finalize(ins_run);
    if (rc != SQLITE_DONE) {
        store__fail(st, rc, "cannot record the run");
        rec__free(r);
        return NULL;
    }
    meta->id = sqlite3_last_insert_rowid(st->db);
    meta->status = STORE_INCOMPLETE;
    meta->exit_status = -1;
    meta->end_time = -1;
    meta->has_hash = false;
    free(meta->recorded_at);
    free(meta->host);
    meta->recorded_at = store__strdup(when);
    meta->host = store__strdup(host);
    return r;
}

int store_rec_end(store_rec *r, store_status status, int exit_status, int64_t end_time,
                  uint32_t threads)
{
    store_run *m = r->meta;
    m->events = r->events;
    m->decisions = r->decisions;
    if (threads > r->threads)
        r->threads = threads;
    m->threads = r->threads;
    m->status = status;
    m->exit_status = exit_status;
    m->end_time = end_time;
    m->hash = r->hasher.h;
    m->has_hash = true;
    int rc = rec__flush(r, true);
    if (rc != 0) {
        m->status = STORE_INCOMPLETE;
        m->has_hash = false;
    }
    rec__free(r);
    return rc;
}

void store_rec_abandon(store_rec *r)
{
    r->meta->status = STORE_INCOMPLETE;
    r->meta->has_hash = false;
    rec__free(r);
}
