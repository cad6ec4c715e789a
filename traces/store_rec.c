/*
 * traces/store_rec.c — recording a run into the store (see store.h).
 *
 * The recorder is a sink (events) and a decision hook (schedule). On the
 * simulation's thread it only packs what it is given (evbatch.h: a few
 * bytes of encoding per event) and gathers the thread rows. Each batch of
 * EVBATCH_EVENTS records, once full, is handed over whole to a writer
 * thread, which compresses it (LZ4, when that is smaller), computes its
 * checksum, adds its packed bytes to the trace hash (hash.h: XXH64 of the
 * packed stream) and writes it with prepared statements, several batches a
 * transaction. The simulation therefore never waits for SQLite, and on a
 * machine with two cores the recording costs little more than the packing
 * (bench_store measures it).
 *
 * The writer is started at the first full batch, so a short run (most
 * tutorial programs: one batch) is written on the caller's thread at the
 * end, with no thread at all; if the thread cannot be created, batches are
 * written on the caller's thread as they fill. While the writer lives the
 * store handle is its own: the caller touches nothing of `st` until
 * store_rec_end or store_rec_abandon has joined it. The ring between them
 * holds REC__RING batches; a caller that gets that far ahead waits.
 *
 * What is written never depends on the writer's timing: batches are cut by
 * record count, the hash is of their bytes, and the size budget
 * (store_set_limits) is judged on the caller's side at each batch
 * (rec__budget), so recording stops after the same event on every run.
 * Only where a transaction ends may vary (every REC__TXN_BATCHES batches,
 * or after REC__IDLE_MS without one), which decides how much a killed run
 * keeps, never what is stored.
 *
 * A failure (disk full, a lock held too long) cannot be returned from a
 * sink: it is remembered, later batches are dropped, and store_rec_end
 * reports it. The run row then stays 'incomplete'.
 */
#include "store_int.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "evbatch.h"
#include "hash.h"

#define REC__RING 16              /* batches handed over and not yet written */
#define REC__TXN_BATCHES 16       /* batches a transaction holds at most */
#define REC__WAKE 8               /* jobs waiting that wake the writer */
#define REC__IDLE_MS 20           /* the writer commits after this long without a batch */
#define REC__ROW_BYTES 64         /* a row's own cost, for the size budget's estimate */

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

/* One batch handed to the writer, with the thread rows gathered with it. */
typedef struct rec__job {
    sim_buf data;             /* the packed batch (evbatch.h) */
    uint32_t n, nrec;         /* its events; events and decisions */
    uint64_t first_seq;
    rec__thr *thr;            /* thread rows */
    size_t nthr, capthr;
    sim_buf arena;            /* their names */
    uint64_t events, decisions; /* the run's counts when it was cut */
    uint32_t threads;
    size_t stored;            /* bytes its batch took as stored (compressed), once written */
    bool final;               /* the last: write the outcome (meta) too */
    bool abandon;             /* the last of an abandoned run: commit, no outcome */
} rec__job;

struct store_rec {
    store *st;
    store_run *meta;          /* borrowed from the caller */
    sqlite3_stmt *ins_batch, *ins_thread, *upd_thread, *upd_daemon;
    sqlite3_stmt *upd_progress, *upd_final;

    /* the caller's side */
    evbatch_enc enc;          /* the batch being packed */
    trace_view_hasher *fnv;   /* a store older than schema 5: its kind of hash (hash.h) */
    rec__job cur;             /* its thread rows (cur.thr, cur.arena) */
    uint64_t events;          /* events seen */
    uint64_t decisions;       /* decisions seen */
    uint32_t threads;         /* threads created */
    uint64_t cut_events, cut_decisions; /* the counts as of the last batch handed over */
    uint32_t cut_threads;
    uint64_t max_bytes;       /* the size budget (0: none) */
    uint64_t base;            /* the file's size when recording began */
    uint64_t overhead;        /* rows' own cost handed over so far (estimated) */
    uint64_t handed_raw;      /* packed bytes handed over */
    uint64_t done_raw, done_stored; /* of those written: packed, and as stored (under mu) */
    bool over;                /* the budget is reached (rec__budget) */

    /* between the two */
    rec__job ring[REC__RING];
    uint64_t head, tail;      /* jobs handed over, jobs written */
    pthread_mutex_t mu;
    pthread_cond_t work, room;
    bool writer_waits;        /* the writer sleeps on `work` */
    bool caller_waits;        /* the caller sleeps on `room` */
    bool tried;               /* the writer was asked for (at the first full batch) */
    bool started;             /* the writer thread runs */
    bool threaded;            /* batches go to a writer (else written in place) */
    pthread_t writer;
    atomic_bool failed;       /* a write failed; st->err says why (the writer's, until joined) */

    /* the writer's side */
    int64_t batch;            /* number of the next batch row */
    trace_xxh64 hash;         /* the trace hash so far */
    sim_buf zbuf;             /* a batch compressed */
    bool in_txn;
    unsigned txn_batches;
    uint64_t w_events, w_decisions; /* the counts of the last job written */
    uint32_t w_threads;
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

static size_t rec__keep(rec__job *j, const char *s, size_t n)
{
    size_t off = j->arena.len;
    sim_buf_add(&j->arena, s, n);
    sim_buf_addc(&j->arena, '\0');
    return off;
}

static void rec__job_free(rec__job *j)
{
    sim_buf_free(&j->data);
    sim_buf_free(&j->arena);
    free(j->thr);
}

/* ---- writing (the writer's side) ------------------------------------------ */

static int rec__step(store_rec *r, sqlite3_stmt *stmt, const char *what)
{
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt); /* every parameter is bound again for the next row */
    if (rc != SQLITE_DONE)
        return store__fail(r->st, rc, what);
    return 0;
}

static int rec__write_threads(store_rec *r, const rec__job *j)
{
    for (size_t i = 0; i < j->nthr; i++) {
        const rec__thr *t = &j->thr[i];
        sqlite3_stmt *s = t->op == REC__THR_CREATE   ? r->ins_thread
                          : t->op == REC__THR_RENAME ? r->upd_thread
                                                     : r->upd_daemon;
        sqlite3_bind_int64(s, 1, r->meta->id);
        sqlite3_bind_int64(s, 2, t->tid);
        if (t->op != REC__THR_START)
            sqlite3_bind_text(s, 3, j->arena.p + t->name, (int)t->len, SQLITE_STATIC);
        if (t->op != REC__THR_RENAME)
            sqlite3_bind_int(s, 4, t->daemon);
        if (rec__step(r, s, "cannot record the run's threads") != 0)
            return -1;
    }
    return 0;
}

static int rec__write_events(store_rec *r, rec__job *j)
{
    if (j->nrec == 0)
        return 0;
    sqlite3_stmt *s = r->ins_batch;
    sqlite3_bind_int64(s, 1, r->meta->id);
    sqlite3_bind_int64(s, 2, r->batch);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)j->first_seq);
    sqlite3_bind_int64(s, 4, j->n);
    /* compressed when that is smaller (evbatch.h); a store older than
     * schema 5 has no codec column and takes the packed bytes as they are */
    int codec = r->fnv ? EVBATCH_CODEC_RAW : evbatch_compress(j->data.p, j->data.len, &r->zbuf);
    const char *data = codec == EVBATCH_CODEC_RAW ? j->data.p : r->zbuf.p;
    size_t len = codec == EVBATCH_CODEC_RAW ? j->data.len : r->zbuf.len;
    sqlite3_bind_int64(s, 5, evbatch_crc(r->meta->id, r->batch, j->first_seq, j->n, codec, data,
                                         len));
    sqlite3_bind_blob(s, 6, data, (int)len, SQLITE_STATIC);
    if (!r->fnv)
        sqlite3_bind_int(s, 7, codec);
    if (rec__step(r, s, "cannot record the run's events") != 0)
        return -1;
    j->stored = len;
    r->batch++;
    return 0;
}

/* End the open transaction: the run row's counts as of the last job
 * written (for `final`, its outcome and hash too), then COMMIT. */
static int rec__commit(store_rec *r, bool final)
{
    sqlite3_stmt *s = final ? r->upd_final : r->upd_progress;
    sqlite3_bind_int64(s, 1, (sqlite3_int64)r->w_events);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)r->w_decisions);
    sqlite3_bind_int64(s, 3, r->w_threads);
    sqlite3_bind_int64(s, 4, r->meta->id);
    if (final) {
        char hex[17];
        r->meta->hash = r->fnv ? r->fnv->h : trace_xxh64_digest(&r->hash);
        trace_hash_hex(r->meta->hash, hex);
        sqlite3_bind_text(s, 5, store_status_name(r->meta->status), -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 6, r->meta->exit_status);
        sqlite3_bind_int64(s, 7, r->meta->end_time);
        sqlite3_bind_text(s, 8, hex, -1, SQLITE_TRANSIENT);
        if (!r->fnv)
            sqlite3_bind_int(s, 9, TRACE_HASH_STREAM);
    }
    if (rec__step(r, s, "cannot record the run") != 0)
        return -1;
    if (store__exec(r->st, "COMMIT", "cannot record the run") != 0)
        return -1;
    r->in_txn = false;
    return 0;
}

/* Write one job's rows inside the open transaction (opening it if need be)
 * and commit when it is the last or the transaction holds REC__TXN_BATCHES
 * (each commit rewrites the pages the run row and the thread rows share, so
 * fewer is cheaper; more is more lost when a run is killed). The writer
 * also commits when no batch has come for REC__IDLE_MS, so a slow run never
 * keeps the file's write lock from other recorders for long. */
static int rec__write(store_rec *r, rec__job *j)
{
    if (!r->in_txn) {
        if (store__exec(r->st, "BEGIN IMMEDIATE", "cannot record the run") != 0)
            return -1;
        r->in_txn = true;
        r->txn_batches = 0;
    }
    if (rec__write_threads(r, j) != 0 || rec__write_events(r, j) != 0)
        return -1;
    if (j->nrec)
        trace_xxh64_update(&r->hash, j->data.p, j->data.len);
    r->w_events = j->events;
    r->w_decisions = j->decisions;
    r->w_threads = j->threads;
    /* written in place (no writer), each batch is its own transaction: the
     * file's write lock is not held while the run goes on */
    if (j->final || j->abandon || !r->threaded || ++r->txn_batches >= REC__TXN_BATCHES)
        return rec__commit(r, j->final);
    return 0;
}

/* A failure rolls back the open transaction (what was committed stays) and
 * drops what follows. */
static void rec__failed(store_rec *r)
{
    if (r->in_txn)
        sqlite3_exec(r->st->db, "ROLLBACK", NULL, NULL, NULL);
    r->in_txn = false;
    atomic_store(&r->failed, true);
}

/* Write a job unless an earlier one failed. */
static void rec__do(store_rec *r, rec__job *j)
{
    if (atomic_load_explicit(&r->failed, memory_order_relaxed))
        return;
    if (rec__write(r, j) != 0)
        rec__failed(r);
}

/* The writer waits for the next job. The caller wakes it only once
 * REC__WAKE jobs wait (a wake-up is a system call on both sides, dearer
 * than a batch is to write), so it also looks by itself every REC__IDLE_MS;
 * finding nothing then, it commits what it holds. (Wall time decides only
 * when jobs are written and transactions end, never what is written.) */
static rec__job *rec__next(store_rec *r)
{
    pthread_mutex_lock(&r->mu);
    while (r->tail == r->head) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += REC__IDLE_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        r->writer_waits = true;
        int rc = pthread_cond_timedwait(&r->work, &r->mu, &until);
        r->writer_waits = false;
        if (rc == 0 || r->tail != r->head || !r->in_txn)
            continue;
        pthread_mutex_unlock(&r->mu);
        if (!atomic_load_explicit(&r->failed, memory_order_relaxed) && rec__commit(r, false) != 0)
            rec__failed(r);
        pthread_mutex_lock(&r->mu);
    }
    rec__job *j = &r->ring[r->tail % REC__RING];
    pthread_mutex_unlock(&r->mu);
    return j;
}

static void *rec__writer(void *arg)
{
    store_rec *r = arg;
    for (;;) {
        rec__job *j = rec__next(r);
        rec__do(r, j);
        bool last = j->final || j->abandon;
        pthread_mutex_lock(&r->mu);
        r->done_raw += j->data.len;
        r->done_stored += j->stored;
        r->tail++;
        if (r->caller_waits)
            pthread_cond_signal(&r->room);
        pthread_mutex_unlock(&r->mu);
        if (last)
            return NULL;
    }
}

/* ---- handing over (the caller's side) ------------------------------------- */

/* The size budget: the file as it was at the start, plus every batch
 * handed over as stored (compressed) and each row's own cost. A batch's
 * stored size is known once the writer has written it; until then its
 * packed size bounds it. Only when that bound reaches the budget does the
 * caller wait for the writer and judge the exact sum, so the verdict is the
 * same at the same batch on every run, however far behind the writer was. */
static void rec__budget(store_rec *r)
{
    pthread_mutex_lock(&r->mu);
    uint64_t bound = r->base + r->overhead + (r->handed_raw - r->done_raw) + r->done_stored;
    if (bound >= r->max_bytes) {
        while (r->tail != r->head) {
            r->caller_waits = true;
            if (r->writer_waits)
                pthread_cond_signal(&r->work);
            pthread_cond_wait(&r->room, &r->mu);
            r->caller_waits = false;
        }
        r->over = r->base + r->overhead + r->done_stored >= r->max_bytes;
    }
    pthread_mutex_unlock(&r->mu);
}

/* Cut the batch being packed (with its thread rows) into a job and hand it
 * over; `final`/`abandon` mark the last. */
static void rec__cut(store_rec *r, bool final, bool abandon)
{
    if (!r->tried && !final && !abandon && !r->st->no_writer) {
        /* the first full batch: start the writer (or write in place) */
        r->tried = true;
        r->threaded = pthread_create(&r->writer, NULL, rec__writer, r) == 0;
        r->started = r->threaded;
    }
    rec__job *j;
    if (r->threaded) {
        pthread_mutex_lock(&r->mu);
        while (r->head - r->tail == REC__RING) {
            r->caller_waits = true;
            if (r->writer_waits)
                pthread_cond_signal(&r->work);
            pthread_cond_wait(&r->room, &r->mu);
            r->caller_waits = false;
        }
        pthread_mutex_unlock(&r->mu);
        j = &r->ring[r->head % REC__RING];
    } else {
        j = &r->ring[0];
    }
    /* swap buffers: the job takes the packed bytes and the thread rows, the
     * encoder and `cur` take the job's emptied ones */
    sim_buf data = j->data;
    j->data = r->enc.data;
    r->enc.data = data;
    j->n = r->enc.n;
    j->nrec = r->enc.nrec;
    j->first_seq = r->enc.first_seq;
    evbatch_enc_reset(&r->enc);
    rec__thr *thr = j->thr;
    size_t capthr = j->capthr;
    sim_buf arena = j->arena;
    j->thr = r->cur.thr;
    j->capthr = r->cur.capthr;
    j->nthr = r->cur.nthr;
    j->arena = r->cur.arena;
    r->cur.thr = thr;
    r->cur.capthr = capthr;
    r->cur.nthr = 0;
    r->cur.arena = arena;
    sim_buf_clear(&r->cur.arena);
    if (!abandon) {
        /* the counts the stored batches will hold once this one is in */
        r->cut_events = r->events;
        r->cut_decisions = r->decisions;
        r->cut_threads = r->threads;
    }
    j->events = r->cut_events;
    j->decisions = r->cut_decisions;
    j->threads = r->cut_threads;
    j->final = final;
    j->abandon = abandon;
    j->stored = j->data.len; /* until written: at most this (evbatch_compress) */
    r->overhead += REC__ROW_BYTES + j->arena.len + j->nthr * REC__ROW_BYTES;
    r->handed_raw += j->data.len;
    if (!r->threaded) {
        rec__do(r, j);
        r->done_raw += j->data.len;
        r->done_stored += j->stored;
    } else {
        pthread_mutex_lock(&r->mu);
        r->head++;
        if (r->writer_waits && (r->head - r->tail >= REC__WAKE || final || abandon))
            pthread_cond_signal(&r->work);
        pthread_mutex_unlock(&r->mu);
    }
    if (r->max_bytes && !final && !abandon)
        rec__budget(r);
}

/* The writer has written everything handed over and ended. */
static void rec__join(store_rec *r)
{
    if (r->started)
        pthread_join(r->writer, NULL);
    r->started = false;
}

static void rec__maybe_cut(store_rec *r)
{
    if (r->enc.nrec >= EVBATCH_EVENTS)
        rec__cut(r, false, false);
}

/* ---- the sink and the hook ------------------------------------------------ */

void store_rec_event(void *ud, const sim_event *ev)
{
    store_rec *r = ud;
    r->events++;
    if (r->fnv)
        trace_view_hasher_see(r->fnv, ev);
    if (ev->kind != SIM_EV_CREATE && ev->kind != SIM_EV_START && ev->kind != SIM_EV_NOTE) {
        evbatch_enc_add(&r->enc, ev); /* no thread row: most events */
        rec__maybe_cut(r);
        return;
    }
    bool named = ev->other != SIM_NONE && ev->text;
    bool rename = ev->kind == SIM_EV_NOTE && ev->reason && strcmp(ev->reason, "rename") == 0;
    if ((ev->kind == SIM_EV_CREATE && named) || (rename && named) ||
        (ev->kind == SIM_EV_START && ev->other != SIM_NONE)) {
        rec__job *c = &r->cur;
        c->thr = rec__grow(c->thr, &c->capthr, c->nthr + 1, sizeof *c->thr);
        rec__thr *t = &c->thr[c->nthr++];
        t->op = ev->kind == SIM_EV_CREATE ? REC__THR_CREATE
                : rename                  ? REC__THR_RENAME
                                          : REC__THR_START;
        t->tid = ev->other;
        t->daemon = ev->arg != 0;
        t->name = t->len = 0;
        if (t->op != REC__THR_START) {
            t->name = rec__keep(c, ev->text, ev->len);
            t->len = ev->len;
        }
        if (ev->kind == SIM_EV_CREATE)
            r->threads++;
    }
    evbatch_enc_add(&r->enc, ev);
    rec__maybe_cut(r);
}

void store_rec_decision(void *ud, uint64_t index, uint32_t n, uint32_t chosen, uint32_t thread,
                        bool step)
{
    (void)step;
    store_rec *r = ud;
    r->decisions++;
    (void)index; /* implicit: decisions are numbered by their order in the batches */
    evbatch_enc_decision(&r->enc, r->events, n, chosen, thread);
    rec__maybe_cut(r);
}

bool store_rec_over_budget(const store_rec *r) { return r->over; }

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
    rec__join(r);
    pthread_mutex_destroy(&r->mu);
    pthread_cond_destroy(&r->work);
    pthread_cond_destroy(&r->room);
    sqlite3_finalize(r->ins_batch);
    sqlite3_finalize(r->ins_thread);
    sqlite3_finalize(r->upd_thread);
    sqlite3_finalize(r->upd_daemon);
    sqlite3_finalize(r->upd_progress);
    sqlite3_finalize(r->upd_final);
    evbatch_enc_fini(&r->enc);
    if (r->fnv) {
        trace_view_hasher_fini(r->fnv);
        free(r->fnv);
    }
    sim_buf_free(&r->zbuf);
    rec__job_free(&r->cur);
    for (int i = 0; i < REC__RING; i++)
        rec__job_free(&r->ring[i]);
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
    pthread_mutex_init(&r->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* the writer's idle wait */
    pthread_cond_init(&r->work, &ca);
    pthread_condattr_destroy(&ca);
    pthread_cond_init(&r->room, NULL);
    atomic_init(&r->failed, false);
    trace_xxh64_init(&r->hash);
    evbatch_enc_init(&r->enc);

    r->ins_thread = store__prepare(st, "INSERT OR REPLACE INTO threads (run_id, tid, name, "
                                       "daemon) VALUES (?, ?, ?, ?)");
    r->upd_thread = store__prepare(st, "UPDATE threads SET name = ?3 "
                                       "WHERE run_id = ?1 AND tid = ?2");
    r->upd_daemon = store__prepare(st, "UPDATE threads SET daemon = ?4 "
                                       "WHERE run_id = ?1 AND tid = ?2");
    r->upd_progress = store__prepare(st, "UPDATE runs SET events = ?1, decisions = ?2, "
                                         "threads = ?3 WHERE id = ?4");
    /* a store of schema 4 or older has no trace_hash_kind: its runs carry
     * FNV-1a of the full view, as the threadsim that made it computed */
    if (st->version < 5) {
        r->fnv = malloc(sizeof *r->fnv);
        if (!r->fnv) {
            store__failf(st, "out of memory");
            rec__free(r);
            return NULL;
        }
        trace_view_hasher_init(r->fnv);
    }
    r->ins_batch = store__prepare(st, r->fnv ? "INSERT INTO event_batches (run_id, batch, "
                                               "first_seq, n, crc, data) VALUES (?, ?, ?, ?, ?, ?)"
                                             : "INSERT INTO event_batches (run_id, batch, "
                                               "first_seq, n, crc, data, codec) "
                                               "VALUES (?, ?, ?, ?, ?, ?, ?)");
    r->upd_final = store__prepare(st, r->fnv ? "UPDATE runs SET events = ?1, decisions = ?2, "
                                               "threads = ?3, status = ?5, exit_status = ?6, "
                                               "end_time_ns = ?7, trace_hash = ?8 WHERE id = ?4"
                                             : "UPDATE runs SET events = ?1, decisions = ?2, "
                                               "threads = ?3, status = ?5, exit_status = ?6, "
                                               "end_time_ns = ?7, trace_hash = ?8, "
                                               "trace_hash_kind = ?9 WHERE id = ?4");
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
    /* the size budget: the file as it is now, plus what the run adds */
    r->max_bytes = st->max_bytes;
    if (r->max_bytes && store_size(st, &r->base) != 0) {
        rec__free(r);
        return NULL;
    }
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
    m->hash_kind = r->fnv ? TRACE_HASH_FNV_VIEW : TRACE_HASH_STREAM;
    rec__cut(r, true, false);
    rec__join(r);
    int rc = atomic_load(&r->failed) ? -1 : 0;
    m->has_hash = rc == 0;
    if (rc != 0)
        m->status = STORE_INCOMPLETE;
    rec__free(r);
    return rc;
}

void store_rec_abandon(store_rec *r)
{
    r->meta->status = STORE_INCOMPLETE;
    r->meta->has_hash = false;
    if (r->started) {
        /* what was handed over is written and committed; the rest is dropped */
        evbatch_enc_reset(&r->enc);
        r->cur.nthr = 0;
        rec__cut(r, false, true);
    }
    rec__free(r);
}
