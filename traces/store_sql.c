/*
 * traces/store_sql.c — reading a run's events in either stored format, and
 * the events(run) virtual table over that reader (store_sql.h).
 *
 * The reader takes a plain sqlite3 connection, not a store, so that the
 * loadable extension (tools/tsevents_ext.c) runs the very same code in the
 * sqlite3 shell. A batch is believed only after its row number, first seq
 * and CRC check out; the run row's event count then says whether batches
 * are missing at the end (a truncated file, a deleted row).
 *
 * The virtual table decodes one batch at a time into an array of events
 * whose strings are copied into an arena, so a query over a long run holds
 * one batch in memory.
 */
#include "store_sql.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evbatch.h"

#define EVREAD__ROWS 4096     /* old-format rows handed out per "batch" */

struct store_evread {
    sqlite3 *db;
    const char *path;         /* for messages (borrowed) */
    int64_t run;
    int64_t expect;           /* the run row's event count, -1 if there is no row */
    int64_t expect_dec;       /* its decision count */
    uint64_t seen_dec;        /* decisions handed out */
    sim_sink_fn fn;           /* the caller's sink, during one batch */
    evbatch_decision_fn dfn;  /* the caller's decision hook, during one batch */
    void *dud;                /* their ud */
    sqlite3_stmt *batches;    /* event_batches of the run, in order */
    sqlite3_stmt *rows;       /* events_rows of the run (old format), or NULL */
    int64_t batch;            /* number of the next batch */
    uint64_t next_seq;        /* seq the next batch must start at */
    uint64_t seen;            /* events handed out */
    int rc;                   /* SQLite's error of the last failure, 0 if none */
    bool legacy;              /* reading events_rows */
    bool done;
    sim_buf scratch;          /* a batch decompressed */
};

static int evread__failf(store_evread *r, int rc, char *err, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int evread__failf(store_evread *r, int rc, char *err, size_t cap, const char *fmt, ...)
{
    char msg[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->rc = rc;
    if (rc)
        snprintf(err, cap, "cannot read run %" PRId64 " batch %" PRId64 ": database '%s' %s (%s)",
                 r->run, r->batch, r->path, msg, sqlite3_errstr(rc));
    else
        snprintf(err, cap, "database '%s': run %" PRId64 " batch %" PRId64 " %s", r->path,
                 r->run, r->batch, msg);
    return -1;
}

static const char *evread__why(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_CORRUPT: return "is corrupt";
    case SQLITE_NOTADB: return "is not a SQLite database";
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return "is locked by another process";
    case SQLITE_IOERR: return "cannot be read";
    default: return "gave an error";
    }
}

store_evread *store_evread_open(sqlite3 *db, const char *path, int64_t run, char *err,
                                size_t errcap)
{
    store_evread *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errcap, "out of memory");
        return NULL;
    }
    r->db = db;
    r->path = path;
    r->run = run;
    r->expect = -1;
    r->next_seq = 1;
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT events, decisions FROM runs WHERE id = ?", -1, &s,
                                NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(s, 1, run);
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            r->expect = sqlite3_column_int64(s, 0);
            r->expect_dec = sqlite3_column_int64(s, 1);
        }
        rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    sqlite3_finalize(s);
    if (rc == SQLITE_OK) {
        /* since schema 5 a batch says how it is stored (its codec); before,
         * every batch is the packed bytes as they are */
        rc = sqlite3_prepare_v2(db, "SELECT batch, first_seq, n, crc, data, codec "
                                    "FROM event_batches WHERE run_id = ? ORDER BY batch", -1,
                                &r->batches, NULL);
        if (rc != SQLITE_OK)
            rc = sqlite3_prepare_v2(db, "SELECT batch, first_seq, n, crc, data, 0 "
                                        "FROM event_batches WHERE run_id = ? ORDER BY batch", -1,
                                    &r->batches, NULL);
    }
    if (rc != SQLITE_OK) {
        evread__failf(r, rc, err, errcap, "%s", evread__why(rc));
        store_evread_close(r);
        return NULL;
    }
    sqlite3_bind_int64(r->batches, 1, run);
    return r;
}

int store_evread_sqlite_rc(const store_evread *r) { return r->rc; }

void store_evread_close(store_evread *r)
{
    if (!r)
        return;
    sqlite3_finalize(r->batches);
    sqlite3_finalize(r->rows);
    sim_buf_free(&r->scratch);
    free(r);
}

/* Old format: up to EVREAD__ROWS rows of events_rows. */
static int evread__rows(store_evread *r, sim_sink_fn fn, void *ud, char *err, size_t cap)
{
    int rc;
    int got = 0;
    while (got < EVREAD__ROWS && (rc = sqlite3_step(r->rows)) == SQLITE_ROW) {
        sqlite3_stmt *s = r->rows;
        const char *kind = (const char *)sqlite3_column_text(s, 2);
        int k = kind ? sim_ev_kind_parse(kind) : -1;
        if (k < 0)
            return evread__failf(r, 0, err, cap,
                                 "has an event of unknown kind '%s' (recorded by a newer "
                                 "threadsim?)", kind ? kind : "(null)");
        sim_event ev = {
            .seq = (uint64_t)sqlite3_column_int64(s, 0),
            .time = sqlite3_column_int64(s, 1),
            .kind = (sim_ev_kind)k,
            .thread = SIM_NONE, .other = SIM_NONE, .obj = SIM_NONE,
            .arg = sqlite3_column_int64(s, 6),
            .reason = (const char *)sqlite3_column_text(s, 7),
        };
        uint32_t *ids[3] = {&ev.thread, &ev.other, &ev.obj};
        for (int i = 0; i < 3; i++)
            if (sqlite3_column_type(s, 3 + i) != SQLITE_NULL)
                *ids[i] = (uint32_t)sqlite3_column_int64(s, 3 + i);
        if (sqlite3_column_type(s, 8) != SQLITE_NULL) {
            const void *b = sqlite3_column_blob(s, 8);
            ev.len = (size_t)sqlite3_column_bytes(s, 8);
            ev.text = b ? b : "";
        }
        r->seen++;
        got++;
        if (fn)
            fn(ud, &ev);
    }
    if (got == EVREAD__ROWS)
        return 1;
    if (rc != SQLITE_DONE)
        return evread__failf(r, rc, err, cap, "%s", evread__why(rc));
    r->done = true;
    if (got == 0 && r->expect >= 0 && r->seen != (uint64_t)r->expect)
        return evread__failf(r, 0, err, cap,
                             "is missing (%" PRIu64 " of the run's %" PRId64 " events stored)",
                             r->seen, r->expect);
    return got > 0;
}

bool store_evread_batched(const store_evread *r) { return !r->legacy; }

static void evread__decision(void *ud, uint32_t n, uint32_t chosen, uint32_t thread, uint64_t seq)
{
    store_evread *r = ud;
    r->seen_dec++;
    if (r->dfn)
        r->dfn(r->dud, n, chosen, thread, seq);
}

static void evread__event(void *ud, const sim_event *ev)
{
    store_evread *r = ud;
    if (r->fn)
        r->fn(r->dud, ev);
}

int store_evread_next(store_evread *r, sim_sink_fn fn, evbatch_decision_fn dfn, void *ud,
                      char *err, size_t cap)
{
    if (r->done)
        return 0;
    if (r->legacy)
        return evread__rows(r, fn, ud, err, cap);
    int rc = sqlite3_step(r->batches);
    if (rc == SQLITE_DONE) {
        if (r->batch == 0 && r->expect != 0) {
            /* no batches: a run of schema 1 or 2, if it has rows there */
            rc = sqlite3_prepare_v2(r->db, "SELECT seq, time_ns, kind, thread, other, obj, arg, "
                                           "reason, text FROM events_rows WHERE run_id = ? "
                                           "ORDER BY seq", -1, &r->rows, NULL);
            if (rc == SQLITE_OK) {
                sqlite3_bind_int64(r->rows, 1, r->run);
                r->legacy = true;
                return evread__rows(r, fn, ud, err, cap);
            }
            if (r->expect > 0)
                return evread__failf(r, rc, err, cap, "%s", evread__why(rc));
        }
        r->done = true;
        if (r->expect >= 0 && (r->seen != (uint64_t)r->expect ||
                               (!r->legacy && r->seen_dec != (uint64_t)r->expect_dec)))
            return evread__failf(r, 0, err, cap,
                                 "is missing (%" PRIu64 " events and %" PRIu64 " decisions "
                                 "stored of the run's %" PRId64 " and %" PRId64 ")",
                                 r->seen, r->seen_dec, r->expect, r->expect_dec);
        return 0;
    }
    if (rc != SQLITE_ROW)
        return evread__failf(r, rc, err, cap, "%s", evread__why(rc));
    sqlite3_stmt *s = r->batches;
    int64_t batch = sqlite3_column_int64(s, 0);
    uint64_t first = (uint64_t)sqlite3_column_int64(s, 1);
    int64_t n = sqlite3_column_int64(s, 2);
    int64_t crc = sqlite3_column_int64(s, 3);
    const void *data = sqlite3_column_blob(s, 4);
    size_t len = (size_t)sqlite3_column_bytes(s, 4);
    if (batch != r->batch)
        return evread__failf(r, 0, err, cap, "is missing (the next stored is batch %" PRId64 ")",
                             batch);
    if (first != r->next_seq || n < 0 || n > (int64_t)UINT32_MAX / 2)
        return evread__failf(r, 0, err, cap, "is damaged (first event %" PRIu64 ", %" PRId64
                             " events; expected to start at %" PRIu64 ")", first, n,
                             r->next_seq);
    if (sqlite3_column_type(s, 4) != SQLITE_BLOB && len != 0)
        return evread__failf(r, 0, err, cap, "is damaged (its data is not a blob)");
    int64_t codec = sqlite3_column_int64(s, 5);
    if (codec < 0 || codec > INT32_MAX ||
        crc != (int64_t)evbatch_crc(r->run, batch, first, (uint32_t)n, (int)codec,
                                    data ? data : "", len))
        return evread__failf(r, 0, err, cap, "is damaged (checksum mismatch)");
    const char *why = NULL;
    const void *raw;
    size_t rawlen;
    if (evbatch_uncompress((int)codec, data ? data : "", len, &r->scratch, &raw, &rawlen,
                           &why) != 0)
        return evread__failf(r, 0, err, cap, "is damaged (it %s)", why);
    r->fn = fn;
    r->dfn = dfn;
    r->dud = ud;
    if (evbatch_decode(raw, rawlen, first, (uint32_t)n, evread__event, evread__decision, r,
                       &why) != 0)
        return evread__failf(r, 0, err, cap, "is damaged (it %s)", why);
    r->batch++;
    r->next_seq = first + (uint64_t)n;
    r->seen += (uint64_t)n;
    return 1;
}

/* ---- the virtual table ------------------------------------------------- */

enum { VT__SEQ, VT__TIME, VT__KIND, VT__THREAD, VT__OTHER, VT__OBJ, VT__ARG, VT__REASON,
       VT__TEXT, VT__RUN };

typedef struct vt__ev {
    sim_event ev;             /* reason and text are arena offsets + 1 (0: NULL) */
    size_t reason, text;
} vt__ev;

typedef struct vt__tab {
    sqlite3_vtab base;
    sqlite3 *db;              /* the connection it reads */
} vt__tab;

typedef struct vt__cur {
    sqlite3_vtab_cursor base;
    store_evread *rd;         /* the run being read, NULL at EOF */
    vt__ev *ev;               /* the current batch */
    size_t n, cap, i;
    char *arena;              /* its strings */
    size_t alen, acap;
    bool eof;
} vt__cur;

static int vt__connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                       sqlite3_vtab **out, char **err)
{
    (void)aux;
    (void)argc;
    (void)argv;
    (void)err;
    int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(seq INTEGER, time_ns INTEGER, kind TEXT, "
                                      "thread INTEGER, other INTEGER, obj INTEGER, arg INTEGER, "
                                      "reason TEXT, text BLOB, run HIDDEN)");
    if (rc != SQLITE_OK)
        return rc;
    vt__tab *v = sqlite3_malloc(sizeof *v);
    if (!v)
        return SQLITE_NOMEM;
    memset(v, 0, sizeof *v);
    v->db = db;
    *out = &v->base;
    return SQLITE_OK;
}

static int vt__disconnect(sqlite3_vtab *v)
{
    sqlite3_free(v);
    return SQLITE_OK;
}

static int vt__best(sqlite3_vtab *v, sqlite3_index_info *ix)
{
    int run = -1;
    for (int i = 0; i < ix->nConstraint; i++) {
        const struct sqlite3_index_constraint *c = &ix->aConstraint[i];
        if (c->iColumn == VT__RUN && c->op == SQLITE_INDEX_CONSTRAINT_EQ) {
            if (!c->usable)
                return SQLITE_CONSTRAINT;
            run = i;
        }
    }
    if (run < 0) {
        sqlite3_free(v->zErrMsg);
        v->zErrMsg = sqlite3_mprintf("events needs a run: events(RUN_ID)");
        return SQLITE_ERROR;
    }
    ix->aConstraintUsage[run].argvIndex = 1;
    ix->aConstraintUsage[run].omit = 1;
    ix->idxNum = 1;
    ix->estimatedCost = 1000;
    if (ix->nOrderBy == 1 && ix->aOrderBy[0].iColumn == VT__SEQ && !ix->aOrderBy[0].desc)
        ix->orderByConsumed = 1;
    return SQLITE_OK;
}

static int vt__open(sqlite3_vtab *v, sqlite3_vtab_cursor **out)
{
    (void)v;
    vt__cur *c = sqlite3_malloc(sizeof *c);
    if (!c)
        return SQLITE_NOMEM;
    memset(c, 0, sizeof *c);
    *out = &c->base;
    return SQLITE_OK;
}

static int vt__close(sqlite3_vtab_cursor *cur)
{
    vt__cur *c = (vt__cur *)cur;
    store_evread_close(c->rd);
    free(c->ev);
    free(c->arena);
    sqlite3_free(c);
    return SQLITE_OK;
}

static size_t vt__keep(vt__cur *c, const char *s, size_t n)
{
    if (c->alen + n + 1 > c->acap) {
        size_t cap = c->acap ? c->acap : 4096;
        while (cap < c->alen + n + 1)
            cap *= 2;
        char *a = realloc(c->arena, cap);
        if (!a)
            abort();
        c->arena = a;
        c->acap = cap;
    }
    memcpy(c->arena + c->alen, s, n);
    c->arena[c->alen + n] = '\0';
    size_t off = c->alen;
    c->alen += n + 1;
    return off + 1;
}

static void vt__sink(void *ud, const sim_event *ev)
{
    vt__cur *c = ud;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 1024;
        vt__ev *a = realloc(c->ev, cap * sizeof *a);
        if (!a)
            abort();
        c->ev = a;
        c->cap = cap;
    }
    vt__ev *e = &c->ev[c->n++];
    e->ev = *ev;
    e->reason = ev->reason ? vt__keep(c, ev->reason, strlen(ev->reason)) : 0;
    e->text = ev->text ? vt__keep(c, ev->text, ev->len) : 0;
}

/* Load the next batch into the cursor (eof when none). */
static int vt__load(vt__cur *c)
{
    char err[512];
    c->n = c->i = 0;
    c->alen = 0;
    while (c->n == 0) {
        int rc = store_evread_next(c->rd, vt__sink, NULL, c, err, sizeof err);
        if (rc < 0) {
            sqlite3_vtab *v = c->base.pVtab;
            sqlite3_free(v->zErrMsg);
            v->zErrMsg = sqlite3_mprintf("%s", err);
            return SQLITE_ERROR;
        }
        if (rc == 0) {
            c->eof = true;
            return SQLITE_OK;
        }
    }
    return SQLITE_OK;
}

static int vt__filter(sqlite3_vtab_cursor *cur, int idx, const char *idxstr, int argc,
                      sqlite3_value **argv)
{
    (void)idx;
    (void)idxstr;
    vt__cur *c = (vt__cur *)cur;
    store_evread_close(c->rd);
    c->rd = NULL;
    c->eof = false;
    c->n = c->i = 0;
    if (argc < 1 || sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        c->eof = true;
        return SQLITE_OK;
    }
    char err[512];
    sqlite3_vtab *v = cur->pVtab;
    sqlite3 *db = ((vt__tab *)v)->db;
    const char *path = sqlite3_db_filename(db, "main");
    c->rd = store_evread_open(db, path && *path ? path : ":memory:", sqlite3_value_int64(argv[0]),
                              err, sizeof err);
    if (!c->rd) {
        sqlite3_free(v->zErrMsg);
        v->zErrMsg = sqlite3_mprintf("%s", err);
        return SQLITE_ERROR;
    }
    return vt__load(c);
}

static int vt__next(sqlite3_vtab_cursor *cur)
{
    vt__cur *c = (vt__cur *)cur;
    if (++c->i < c->n)
        return SQLITE_OK;
    return vt__load(c);
}

static int vt__eof(sqlite3_vtab_cursor *cur) { return ((vt__cur *)cur)->eof; }

static void vt__id(sqlite3_context *ctx, uint32_t id)
{
    if (id == SIM_NONE)
        sqlite3_result_null(ctx);
    else
        sqlite3_result_int64(ctx, id);
}

static int vt__column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
    vt__cur *c = (vt__cur *)cur;
    const vt__ev *e = &c->ev[c->i];
    switch (col) {
    case VT__SEQ: sqlite3_result_int64(ctx, (sqlite3_int64)e->ev.seq); break;
    case VT__TIME: sqlite3_result_int64(ctx, e->ev.time); break;
    case VT__KIND: sqlite3_result_text(ctx, sim_ev_kind_name(e->ev.kind), -1, SQLITE_STATIC); break;
    case VT__THREAD: vt__id(ctx, e->ev.thread); break;
    case VT__OTHER: vt__id(ctx, e->ev.other); break;
    case VT__OBJ: vt__id(ctx, e->ev.obj); break;
    case VT__ARG: sqlite3_result_int64(ctx, e->ev.arg); break;
    case VT__REASON:
        if (e->reason)
            sqlite3_result_text(ctx, c->arena + e->reason - 1, -1, SQLITE_TRANSIENT);
        else
            sqlite3_result_null(ctx);
        break;
    case VT__TEXT:
        if (e->text)
            sqlite3_result_blob(ctx, c->arena + e->text - 1, (int)e->ev.len, SQLITE_TRANSIENT);
        else
            sqlite3_result_null(ctx);
        break;
    default: sqlite3_result_null(ctx); break;
    }
    return SQLITE_OK;
}

static int vt__rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
    vt__cur *c = (vt__cur *)cur;
    *rowid = (sqlite3_int64)c->ev[c->i].ev.seq;
    return SQLITE_OK;
}

static const sqlite3_module vt__module = {
    .iVersion = 0,
    .xCreate = NULL,          /* eponymous only: events(run), never CREATE VIRTUAL TABLE */
    .xConnect = vt__connect,
    .xBestIndex = vt__best,
    .xDisconnect = vt__disconnect,
    .xDestroy = vt__disconnect,
    .xOpen = vt__open,
    .xClose = vt__close,
    .xFilter = vt__filter,
    .xNext = vt__next,
    .xEof = vt__eof,
    .xColumn = vt__column,
    .xRowid = vt__rowid,
};

int store_sql_register(sqlite3 *db)
{
    int rc = sqlite3_create_module(db, "events", &vt__module, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_module(db, "ts_events", &vt__module, NULL);
    return rc;
}
