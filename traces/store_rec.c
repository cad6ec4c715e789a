/*
 * traces/store_rec.c — recording a run into the store (see store.h).
 *
 * The recorder is a sink (events) and a decision hook (schedule). It copies
 * what it is given into memory buffers and, every batch, writes
 * them in one transaction with prepared statements. Events are packed as
 * they come (evbatch.h) and written as one row per EVBATCH_EVENTS events:
 * recording costs a few bytes of encoding per event, not a row insert. Buffering first and
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

#include "evbatch.h"
#include "hash.h"

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
    sqlite3_stmt *ins_batch, *ins_thread, *upd_thread, *upd_daemon;
    sqlite3_stmt *upd_progress, *upd_final;
    evbatch_enc enc;          /* pending events, packed */
    int64_t batch;            /* number of the next batch row */
    rec__thr *thr;            /* pending thread rows */
    size_t nthr, capthr;
    sim_buf arena;            /* names of the pending thread rows */
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
    evbatch_enc *e = &r->enc;
    if (e->nrec == 0)
        return 0;
    sqlite3_stmt *s = r->ins_batch;
    sqlite3_bind_int64(s, 1, r->meta->id);
    sqlite3_bind_int64(s, 2, r->batch);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)e->first_seq);
    sqlite3_bind_int64(s, 4, e->n);
    sqlite3_bind_int64(s, 5, evbatch_crc(r->meta->id, r->batch, e->first_seq, e->n, e->data.p,
                                         e->data.len));
    sqlite3_bind_blob(s, 6, e->data.p, (int)e->data.len, SQLITE_STATIC);
    if (rec__step(r, s, "cannot record the run's events") != 0)
        return -1;
    return 0;
}

/* Write the pending rows in one transaction; with `final`, also the run's
 * outcome (already in r->meta). */
static int rec__flush(store_rec *r, bool final)
{
    if (r->failed)
        return -1;
    if (!final && r->enc.nrec == 0 && r->nthr == 0)
        return 0;
    if (store__exec(r->st, "BEGIN IMMEDIATE", "cannot record the run") != 0)
        goto fail;
    if (rec__write_threads(r) != 0 || rec__write_events(r) != 0)
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
    if (r->enc.nrec) {
        r->batch++;
        evbatch_enc_reset(&r->enc);
    }
    r->nthr = 0;
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
    if (r->enc.nrec >= EVBATCH_EVENTS || r->nthr >= STORE_BATCH)
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
    evbatch_enc_add(&r->enc, ev);
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
    (void)index; /* implicit: decisions are numbered by their order in the batches */
    evbatch_enc_decision(&r->enc, r->events, n, chosen, thread);
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
    sqlite3_finalize(r->ins_batch);
    sqlite3_finalize(r->ins_thread);
    sqlite3_finalize(r->upd_thread);
    sqlite3_finalize(r->upd_daemon);
    sqlite3_finalize(r->upd_progress);
    sqlite3_finalize(r->upd_final);
    evbatch_enc_fini(&r->enc);
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
    evbatch_enc_init(&r->enc);
    r->ins_batch = store__prepare(st, "INSERT INTO event_batches (run_id, batch, first_seq, n, "
                                      "crc, data) VALUES (?, ?, ?, ?, ?, ?)");
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
    if (!r->ins_batch || !r->ins_thread || !r->upd_thread || !r->upd_daemon ||
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
