/*
 * tests/test_store.c — the SQLite store: schema creation and migration,
 * round trip of a run (every field, every byte), run references, and the
 * files it must refuse with a clear message (newer, foreign, not SQLite,
 * corrupt, locked, missing, empty).
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_util.h"
#include "traces/hash.h"
#include "traces/json.h"
#include "traces/evbatch.h"
#include "traces/store_sql.h"

static char *dir;

static int suite_dir(void)
{
    tst_rmdir(dir);
    dir = tst_tmpdir();
    return dir ? 0 : -1;
}

/* Assert that opening `path` fails with a message containing `needle`. */
static void expect_refused(const char *path, bool create, const char *needle)
{
    char err[600] = "";
    store_open_opts o = store_open_opts_default();
    o.create = create;
    o.busy_ms = 100;
    store *st = store_open(path, &o, err, sizeof err);
    CU_ASSERT_PTR_NULL(st);
    store_close(st);
    bool ok = strstr(err, needle) != NULL && strchr(err, '\n') == NULL;
    if (!ok)
        fprintf(stderr, "\nexpected an error with \"%s\", got \"%s\"\n", needle, err);
    CU_ASSERT_TRUE(ok);
}

static void exec_sql(const char *path, const char *sql)
{
    sqlite3 *db;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "\nexec_sql: %s\n", msg);
    sqlite3_free(msg);
    CU_ASSERT_EQUAL(rc, SQLITE_OK);
    sqlite3_close(db);
}

/* A file made by the first form of schema 2: its outcomes table has no
 * run_id (added to that migration later). Opening adds the column; pruning,
 * which clears it, works. */
static void test_early_schema2_outcomes_mended(void)
{
    suite_dir();
    char *path = tst_path(dir, "early.db");
    store *st = tst_open(path, true);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    CU_ASSERT_TRUE(tst_record(st, "daemon-join/join", "fifo", 0, NULL) > 0);
    store_close(st);
    sqlite3 *db;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(path, &db), SQLITE_OK);
    CU_ASSERT_EQUAL(sqlite3_exec(db,
                                 "BEGIN;"
                                 "CREATE TABLE o2 (exploration_id INTEGER NOT NULL, idx INTEGER "
                                 "NOT NULL, exit_status INTEGER NOT NULL, failure TEXT, detail "
                                 "TEXT, output BLOB NOT NULL, count INTEGER NOT NULL, first "
                                 "INTEGER NOT NULL, preemptions INTEGER NOT NULL, token TEXT NOT "
                                 "NULL, PRIMARY KEY (exploration_id, idx)) STRICT, WITHOUT ROWID;"
                                 "DROP TABLE outcomes; ALTER TABLE o2 RENAME TO outcomes;"
                                 "COMMIT;",
                                 NULL, NULL, NULL),
                    SQLITE_OK);
    sqlite3_close(db);
    CU_ASSERT_EQUAL(tst_sql_int(path, "SELECT count(*) FROM pragma_table_info('outcomes') "
                                      "WHERE name = 'run_id'"),
                    0);
    st = tst_open(path, false);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    uint64_t deleted = 0;
    CU_ASSERT_EQUAL(store_prune(st, 0, -1, &deleted), 0);
    CU_ASSERT_EQUAL(deleted, 1);
    store_close(st);
    CU_ASSERT_EQUAL(tst_sql_int(path, "SELECT count(*) FROM pragma_table_info('outcomes') "
                                      "WHERE name = 'run_id'"),
                    1);
    free(path);
}

/* ---- schema --------------------------------------------------------------- */

static void test_schema_created(void)
{
    suite_dir();
    char *path = tst_path(dir, "new.db");
    store *st = tst_open(path, true);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    CU_ASSERT_EQUAL(store_schema_version(st), STORE_SCHEMA_VERSION);
    store_close(st);
    CU_ASSERT_EQUAL(tst_sql_int(path, "PRAGMA application_id"), STORE_APPLICATION_ID);
    CU_ASSERT_EQUAL(tst_sql_int(path, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    char *mode = tst_sql_text(path, "PRAGMA journal_mode");
    TS_ASSERT_STR_EQ(mode, "wal");
    free(mode);
    /* the four tables, all STRICT */
    CU_ASSERT_EQUAL(tst_sql_int(path, "SELECT count(*) FROM pragma_table_list WHERE schema = "
                                      "'main' AND name IN ('runs','threads','event_batches',"
                                      "'schedules') "
                                      "AND strict = 1"),
                    4);
    /* the status check rejects anything but the five statuses */
    exec_sql(path, "INSERT INTO runs (scenario, policy, seed, python, switch_steps, switch_ns, "
                   "stack_size, max_events, max_time_ns, status, recorded_at, host, version) "
                   "VALUES ('x','fifo',0,3,0,0,0,0,-1,'ok','t','h','v')");
    sqlite3 *db;
    sqlite3_open(path, &db);
    CU_ASSERT_NOT_EQUAL(sqlite3_exec(db, "UPDATE runs SET status = 'fine'", NULL, NULL, NULL),
                        SQLITE_OK);
    /* STRICT: a text seed is refused */
    CU_ASSERT_NOT_EQUAL(sqlite3_exec(db, "UPDATE runs SET seed = 'abc'", NULL, NULL, NULL),
                        SQLITE_OK);
    sqlite3_close(db);
    /* opening again changes nothing */
    st = tst_open(path, false);
    CU_ASSERT_PTR_NOT_NULL(st);
    store_close(st);
    CU_ASSERT_EQUAL(tst_sql_int(path, "SELECT count(*) FROM runs"), 1);
    free(path);
}

static const store_migration mig_v1[] = {
    {1, "CREATE TABLE a (x INTEGER) STRICT;"},
};
static const store_migration mig_v2[] = {
    {1, "CREATE TABLE a (x INTEGER) STRICT;"},
    {2, "ALTER TABLE a ADD COLUMN y TEXT; UPDATE a SET y = 'migrated';"},
};
static const store_migration mig_bad[] = {
    {1, "CREATE TABLE a (x INTEGER) STRICT;"},
    {2, "CREATE TABLE b (z INTEGER); INSERT INTO nosuchtable VALUES (1);"},
};

static store *open_with(const char *path, const store_migration *m, size_t n, char *err)
{
    store_open_opts o = store_open_opts_default();
    o.create = true;
    o.migrations = m;
    o.nmigrations = n;
    return store_open(path, &o, err, 600);
}

static void test_migrations_apply_in_order(void)
{
    suite_dir();
    char *path = tst_path(dir, "mig.db");
    char err[600];
    store *st = open_with(path, mig_v1, 1, err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    CU_ASSERT_EQUAL(store_schema_version(st), 1);
    store_close(st);
    exec_sql(path, "INSERT INTO a (x) VALUES (42)");
    st = open_with(path, mig_v2, 2, err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    CU_ASSERT_EQUAL(store_schema_version(st), 2);
    store_close(st);
    CU_ASSERT_EQUAL(tst_sql_int(path, "PRAGMA user_version"), 2);
    CU_ASSERT_EQUAL(tst_sql_int(path, "PRAGMA application_id"), STORE_APPLICATION_ID);
    char *y = tst_sql_text(path, "SELECT y FROM a WHERE x = 42");
    TS_ASSERT_STR_EQ(y, "migrated");
    free(y);
    /* a fresh file gets both at once */
    char *path2 = tst_path(dir, "mig2.db");
    st = open_with(path2, mig_v2, 2, err);
    CU_ASSERT_PTR_NOT_NULL(st);
    store_close(st);
    CU_ASSERT_EQUAL(tst_sql_int(path2, "PRAGMA user_version"), 2);
    free(path);
    free(path2);
}

static void test_failed_migration_changes_nothing(void)
{
    suite_dir();
    char *path = tst_path(dir, "bad.db");
    char err[600];
    store *st = open_with(path, mig_v1, 1, err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    store_close(st);
    st = open_with(path, mig_bad, 2, err);
    CU_ASSERT_PTR_NULL(st);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "migration to schema version 2 failed"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "nosuchtable"));
    /* version 1 still, and table b (created before the failing statement) is gone */
    CU_ASSERT_EQUAL(tst_sql_int(path, "PRAGMA user_version"), 1);
    CU_ASSERT_EQUAL(tst_sql_int(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'b'"), 0);
    free(path);
}

/* ---- refusals --------------------------------------------------------------- */

static void test_newer_version_refused(void)
{
    suite_dir();
    char *path = tst_path(dir, "newer.db");
    store *st = tst_open(path, true);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    CU_ASSERT_TRUE(tst_record(st, "daemon-join/no-join", "fifo", 0, NULL) > 0);
    store_close(st);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", STORE_SCHEMA_VERSION + 1);
    exec_sql(path, sql);
    expect_refused(path, false, "was written by a newer threadsim");
    expect_refused(path, true, "was written by a newer threadsim");
    /* and left alone: the run is still there, the version unchanged */
    CU_ASSERT_EQUAL(tst_sql_int(path, "PRAGMA user_version"), STORE_SCHEMA_VERSION + 1);
    CU_ASSERT_EQUAL(tst_sql_int(path, "SELECT count(*) FROM runs"), 1);
    free(path);
}

static void test_foreign_sqlite_refused(void)
{
    suite_dir();
    char *path = tst_path(dir, "other.db");
    exec_sql(path, "CREATE TABLE t (x)");
    expect_refused(path, true, "is not a threadsim database");
    CU_ASSERT_EQUAL(tst_sql_int(path, "SELECT count(*) FROM sqlite_schema"), 1);
    char *path2 = tst_path(dir, "app.db");
    exec_sql(path2, "PRAGMA application_id = 1234; CREATE TABLE t (x)");
    expect_refused(path2, false, "application_id 1234");
    free(path);
    free(path2);
}

static void test_not_sqlite_refused(void)
{
    suite_dir();
    char *path = tst_path(dir, "text.db");
    FILE *f = fopen(path, "w");
    for (int i = 0; i < 200; i++)
        fputs("this is not a database at all\n", f);
    fclose(f);
    expect_refused(path, false, "is not a SQLite database");
    expect_refused(path, true, "is not a SQLite database");
    size_t len;
    char *after = ts_read_file(path, &len);
    CU_ASSERT_PTR_NOT_NULL(after);
    CU_ASSERT_EQUAL(len, 200 * strlen("this is not a database at all\n"));
    free(after);
    free(path);
}

static void test_missing_and_empty(void)
{
    suite_dir();
    char *path = tst_path(dir, "none.db");
    expect_refused(path, false, "no database at");
    FILE *f = fopen(path, "w");
    fclose(f);
    expect_refused(path, false, "is empty");
    free(path);
}

/* Garbage over every page but the first: opening works (page 1 is fine),
 * reading fails with "corrupt", never crashes. */
static void test_corrupt_detected(void)
{
    suite_dir();
    char *path = tst_path(dir, "corrupt.db");
    store *st = tst_open(path, true);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    CU_ASSERT_TRUE(tst_record(st, "daemon-join/join", "fifo", 0, NULL) > 0);
    CU_ASSERT_TRUE(tst_record(st, "daemon-join/no-join", "fifo", 0, NULL) > 0);
    store_close(st);
    int64_t pages = tst_sql_int(path, "PRAGMA page_count");
    int64_t psize = tst_sql_int(path, "PRAGMA page_size");
    CU_ASSERT_TRUE_FATAL(pages > 2);
    FILE *f = fopen(path, "r+b");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fseek(f, psize, SEEK_SET);
    for (int64_t i = psize; i < pages * psize; i++)
        fputc(0xA5, f);
    fclose(f);

    st = tst_open(path, false);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    int64_t id;
    CU_ASSERT_EQUAL(store_resolve(st, "last", &id), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(store_error(st), "is corrupt"));
    trace t;
    CU_ASSERT_EQUAL(store_load_trace(st, 1, &t), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(store_error(st), "is corrupt"));
    store_run r;
    CU_ASSERT_EQUAL(store_run_get(st, 1, &r), -1);
    store_close(st);

    /* cut in half: also refused or failing cleanly */
    char *path2 = tst_path(dir, "cut.db");
    st = tst_open(path2, true);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    for (int i = 0; i < 5; i++)
        tst_record(st, "daemon-join/join-timeout-7", "fifo", 0, NULL);
    store_close(st);
    size_t len;
    char *bytes = ts_read_file(path2, &len);
    f = fopen(path2, "wb");
    fwrite(bytes, 1, len / 2, f);
    fclose(f);
    free(bytes);
    st = tst_open(path2, false);
    if (st) {
        trace t2;
        int rc = store_load_trace(st, 5, &t2);
        if (rc == 0)
            trace_fini(&t2);
        CU_ASSERT_EQUAL(rc, -1);
        CU_ASSERT_PTR_NOT_NULL(strstr(store_error(st), "database '"));
        store_close(st);
    }
    free(path);
    free(path2);
}

static void test_locked_refused_then_fine(void)
{
    suite_dir();
    char *path = tst_path(dir, "locked.db");
    store *st = tst_open(path, true);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    CU_ASSERT_TRUE(tst_record(st, "daemon-join/no-join", "fifo", 0, NULL) > 0);
    store_close(st);

    /* another connection holds the file exclusively */
    sqlite3 *db;
    sqlite3_open(path, &db);
    CU_ASSERT_EQUAL(sqlite3_exec(db, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; "
                                     "UPDATE runs SET seed = seed",
                                 NULL, NULL, NULL),
                    SQLITE_OK);
    expect_refused(path, false, "is locked by another process");
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(db);

    /* a writer holds the write lock: reading works, recording waits and fails */
    sqlite3_open(path, &db);
    CU_ASSERT_EQUAL(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    char err[600];
    store_open_opts o = store_open_opts_default();
    o.busy_ms = 100;
    st = store_open(path, &o, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    int64_t id;
    CU_ASSERT_EQUAL(store_resolve(st, "last", &id), 0);
    CU_ASSERT_EQUAL(id, 1);
    store_run meta = {.scenario = "x", .policy = "fifo", .python = 3};
    meta.cfg = sim_config_default();
    store_rec *rec = store_rec_begin(st, &meta);
    CU_ASSERT_PTR_NULL(rec);
    CU_ASSERT_PTR_NOT_NULL(strstr(store_error(st), "is locked by another process"));
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(db);
    /* released: recording works again */
    CU_ASSERT_TRUE(tst_record(st, "daemon-join/no-join", "fifo", 0, NULL) == 2);
    store_close(st);
    free(path);
}

/* A batch that cannot be written (the lock is held past the busy timeout):
 * the recorder drops the rest, reports it at the end, the run stays
 * 'incomplete' with nothing half-written. */
static void test_write_failure_leaves_run_incomplete(void)
{
    suite_dir();
    char *path = tst_path(dir, "fail.db");
    char err[600];
    store_open_opts o = store_open_opts_default();
    o.create = true;
    o.busy_ms = 50;
    store *st = store_open(path, &o, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    store_run meta = {.scenario = "synthetic", .policy = "fifo", .python = 3};
    meta.cfg = sim_config_default();
    store_rec *rec = store_rec_begin(st, &meta);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
    sqlite3 *db;
    sqlite3_open(path, &db);
    CU_ASSERT_EQUAL(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    for (uint64_t i = 1; i <= 2 * EVBATCH_EVENTS + 10; i++) {
        sim_event ev = {.seq = i, .kind = SIM_EV_YIELD, .thread = 0, .other = SIM_NONE,
                        .obj = SIM_NONE};
        store_rec_event(rec, &ev);
    }
    /* the lock is held until the recording has ended: every write of it
     * (on the writer thread or at the end) meets it */
    CU_ASSERT_EQUAL(store_rec_end(rec, STORE_OK, 0, 0, 1), -1);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(db);
    CU_ASSERT_PTR_NOT_NULL(strstr(store_error(st), "cannot record the run"));
    CU_ASSERT_PTR_NOT_NULL(strstr(store_error(st), "is locked by another process"));
    CU_ASSERT_EQUAL(meta.status, STORE_INCOMPLETE);
    free(meta.recorded_at);
    free(meta.host);
    store_run r;
    CU_ASSERT_EQUAL_FATAL(store_run_get(st, meta.id, &r), 0);
    CU_ASSERT_EQUAL(r.status, STORE_INCOMPLETE);
    CU_ASSERT_EQUAL(r.events, 0);
    CU_ASSERT_FALSE(r.has_hash);
    store_run_free(&r);
    CU_ASSERT_EQUAL(tst_sql_int(path, "SELECT count(*) FROM event_batches"), 0);
    store_close(st);
    free(path);
}

/* ---- round trip ------------------------------------------------------------ */

/* ---- the packed form ------------------------------------------------------ */

typedef struct codec_seen {
    trace t;                  /* events decoded */
    trace_decision d[8];      /* decisions decoded */
    size_t nd;
} codec_seen;

static void codec_decision(void *ud, uint32_t n, uint32_t chosen, uint32_t thread, uint64_t seq)
{
    codec_seen *c = ud;
    if (c->nd < 8)
        c->d[c->nd++] = (trace_decision){.index = c->nd, .n = n, .chosen = chosen,
                                         .thread = thread, .seq = seq};
}

static void codec_event(void *ud, const sim_event *ev) { trace_sink(&((codec_seen *)ud)->t, ev); }

/* Extreme values round-trip; every cut-short prefix and every flipped bit of
 * the header is refused (the CRC catches the rest). */
static void compression__check(void *ud, const sim_event *ev)
{
    char want[16];
    snprintf(want, sizeof want, "t%d", (int)(ev->seq % 3));
    if (ev->seq % 5 == 0 && (!ev->text || ev->len != strlen(want) ||
                             memcmp(ev->text, want, ev->len) != 0))
        ++*(int *)ud;
    if (ev->seq % 11 == 0 && (!ev->reason || strcmp(ev->reason, want) != 0))
        ++*(int *)ud;
}

/* Stored compressed: the packed bytes come back exactly; a small or
 * incompressible batch stays as it is; damage is an error, never a crash
 * and never a big allocation. And the string cache keyed by address never
 * changes what is written: the same text at a reused address, or another
 * text there, packs as the content says. */
static void test_evbatch_compression(void)
{
    evbatch_enc e;
    evbatch_enc_init(&e);
    char buf[16];
    for (uint64_t i = 1; i <= 3000; i++) {
        /* one buffer, its contents changing: the cache must not be fooled */
        snprintf(buf, sizeof buf, "t%d", (int)(i % 3));
        sim_event ev = {.seq = i, .time = (int64_t)(i / 7), .kind = i % 5 ? SIM_EV_YIELD
                                                                          : SIM_EV_OUTPUT,
                        .thread = (uint32_t)(i % 4), .other = SIM_NONE, .obj = SIM_NONE,
                        .text = i % 5 ? NULL : buf, .len = i % 5 ? 0 : strlen(buf),
                        .reason = i % 11 ? NULL : buf};
        evbatch_enc_add(&e, &ev);
        if (i % 13 == 0)
            evbatch_enc_decision(&e, i, 2, 1, 3);
    }
    sim_buf z = {0}, back = {0};
    int codec = evbatch_compress(e.data.p, e.data.len, &z);
    CU_ASSERT_EQUAL(codec, EVBATCH_CODEC_LZ4);
    CU_ASSERT_TRUE(z.len < e.data.len);
    const void *raw;
    size_t rawlen;
    const char *why = NULL;
    CU_ASSERT_EQUAL_FATAL(evbatch_uncompress(codec, z.p, z.len, &back, &raw, &rawlen, &why), 0);
    CU_ASSERT_EQUAL_FATAL(rawlen, e.data.len);
    CU_ASSERT_EQUAL(memcmp(raw, e.data.p, rawlen), 0);
    /* the texts decode as they were, whatever address they came from */
    int bad = 0;
    CU_ASSERT_EQUAL(evbatch_decode(raw, rawlen, 1, 3000, compression__check, NULL, &bad, &why),
                    0);
    CU_ASSERT_EQUAL(bad, 0);
    /* raw stays raw */
    CU_ASSERT_EQUAL(evbatch_compress("abc", 3, &z), EVBATCH_CODEC_RAW);
    CU_ASSERT_EQUAL(evbatch_uncompress(EVBATCH_CODEC_RAW, "abc", 3, &back, &raw, &rawlen, &why),
                    0);
    CU_ASSERT_EQUAL(rawlen, 3);
    /* damage: unknown codec, a length claim past 255:1, a cut block, junk */
    evbatch_compress(e.data.p, e.data.len, &z);
    CU_ASSERT_EQUAL(evbatch_uncompress(7, z.p, z.len, &back, &raw, &rawlen, &why), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "unknown form"));
    static const uint8_t huge[] = {0xff, 0xff, 0xff, 0x7f, 0x10, 0x41};
    CU_ASSERT_EQUAL(evbatch_uncompress(1, huge, sizeof huge, &back, &raw, &rawlen, &why), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "does not add up"));
    CU_ASSERT_EQUAL(evbatch_uncompress(1, z.p, z.len / 2, &back, &raw, &rawlen, &why), -1);
    CU_ASSERT_EQUAL(evbatch_uncompress(1, "", 0, &back, &raw, &rawlen, &why), -1);
    uint8_t junk[64];
    for (int i = 0; i < 64; i++)
        junk[i] = (uint8_t)(i * 37 + 5);
    junk[0] = 100;
    CU_ASSERT_EQUAL(evbatch_uncompress(1, junk, sizeof junk, &back, &raw, &rawlen, &why), -1);
    /* the checksum covers the codec: the same bytes under another codec differ */
    CU_ASSERT_NOT_EQUAL(evbatch_crc(1, 2, 3, 4, 0, "abc", 3), evbatch_crc(1, 2, 3, 4, 1, "abc", 3));
    sim_buf_free(&z);
    sim_buf_free(&back);
    evbatch_enc_fini(&e);
}

static void test_evbatch_codec(void)
{
    CU_ASSERT_EQUAL(evbatch_crc32(0, "123456789", 9), 0xCBF43926u);
    CU_ASSERT_EQUAL(evbatch_crc32(evbatch_crc32(0, "1234", 4), "56789", 5), 0xCBF43926u);
    static const char bin[] = {'a', '\0', 'b'};
    sim_event evs[] = {
        {.seq = 5, .time = 0, .kind = SIM_EV_CREATE, .thread = SIM_NONE, .other = 0,
         .obj = SIM_NONE, .arg = 1, .text = "MainThread", .len = 10},
        {.seq = 6, .time = INT64_MAX, .kind = SIM_EV_BLOCK, .thread = SIM_NONE - 1,
         .other = SIM_NONE, .obj = 7, .arg = INT64_MIN, .reason = "sleep", .text = "", .len = 0},
        {.seq = 9, .time = -3, .kind = SIM_EV_OUTPUT, .thread = 1, .other = SIM_NONE,
         .obj = SIM_NONE, .arg = INT64_MAX, .reason = "", .text = bin, .len = 3},
        {.seq = 10, .time = -3, .kind = SIM_EV_NOTE, .thread = 0, .other = 2, .obj = 0,
         .arg = -1, .reason = "sleep", .text = bin, .len = 3},
    };
    evbatch_enc e;
    evbatch_enc_init(&e);
    evbatch_enc_decision(&e, 4, 2, 1, 9);
    for (size_t i = 0; i < 4; i++) {
        evbatch_enc_add(&e, &evs[i]);
        if (i == 1)
            evbatch_enc_decision(&e, evs[i].seq, 300, 299, 1u << 31);
    }
    CU_ASSERT_EQUAL(e.n, 4);
    CU_ASSERT_EQUAL(e.nrec, 6);
    CU_ASSERT_EQUAL(e.first_seq, 5);
    codec_seen c = {.nd = 0};
    trace_init(&c.t);
    const char *why = NULL;
    CU_ASSERT_EQUAL_FATAL(evbatch_decode(e.data.p, e.data.len, 5, 4, codec_event, codec_decision,
                                         &c, &why), 0);
    CU_ASSERT_EQUAL_FATAL(c.t.n, 4);
    for (size_t i = 0; i < 4; i++) {
        sim_event b = trace_event_view(&c.t.ev[i]);
        const sim_event *a = &evs[i];
        CU_ASSERT_EQUAL(b.seq, a->seq);
        CU_ASSERT_EQUAL(b.time, a->time);
        CU_ASSERT_EQUAL(b.kind, a->kind);
        CU_ASSERT_EQUAL(b.thread, a->thread);
        CU_ASSERT_EQUAL(b.other, a->other);
        CU_ASSERT_EQUAL(b.obj, a->obj);
        CU_ASSERT_EQUAL(b.arg, a->arg);
        CU_ASSERT_EQUAL(!b.reason, !a->reason);
        if (a->reason && b.reason)
            CU_ASSERT_STRING_EQUAL(b.reason, a->reason);
        CU_ASSERT_EQUAL(!b.text, !a->text);
        CU_ASSERT_EQUAL(b.len, a->len);
        if (a->text && b.text)
            CU_ASSERT_EQUAL(memcmp(a->text, b.text, a->len), 0);
    }
    CU_ASSERT_EQUAL_FATAL(c.nd, 2);
    CU_ASSERT_EQUAL(c.d[0].n, 2);
    CU_ASSERT_EQUAL(c.d[0].chosen, 1);
    CU_ASSERT_EQUAL(c.d[0].thread, 9);
    CU_ASSERT_EQUAL(c.d[0].seq, 4);
    CU_ASSERT_EQUAL(c.d[1].n, 300);
    CU_ASSERT_EQUAL(c.d[1].chosen, 299);
    CU_ASSERT_EQUAL(c.d[1].thread, 1u << 31);
    CU_ASSERT_EQUAL(c.d[1].seq, 6);
    trace_fini(&c.t);
    /* every prefix and the wrong count are refused */
    for (size_t cut = 0; cut < e.data.len; cut++) {
        why = NULL;
        CU_ASSERT_EQUAL(evbatch_decode(e.data.p, cut, 5, 4, NULL, NULL, NULL, &why), -1);
        CU_ASSERT_PTR_NOT_NULL(why);
    }
    CU_ASSERT_EQUAL(evbatch_decode(e.data.p, e.data.len, 5, 3, NULL, NULL, NULL, &why), -1);
    CU_ASSERT_EQUAL(evbatch_decode(e.data.p, e.data.len, 5, 5, NULL, NULL, NULL, &why), -1);
    /* reset: a fresh batch interns afresh */
    evbatch_enc_reset(&e);
    evbatch_enc_add(&e, &evs[3]);
    CU_ASSERT_EQUAL(evbatch_decode(e.data.p, e.data.len, 10, 1, NULL, NULL, NULL, &why), 0);
    evbatch_enc_fini(&e);
}

/* A database of schema 2 (events one row each in `events`, decisions in
 * `schedules`), made from a run recorded now: opening it upgrades it to
 * schema 3 without rewriting those rows, and every reader still sees the
 * same run (show, the schedule, SQL through events(run)). */
static void test_schema2_runs_still_read(void)
{
    suite_dir();
    char *path = tst_path(dir, "v2.db");
    /* schema 3 (batches, no programs table yet), made schema 2 below */
    size_t nm;
    store_open_opts oo = store_open_opts_default();
    oo.create = true;
    oo.migrations = store_builtin_migrations(&nm);
    oo.nmigrations = 3;
    char oerr[512];
    store *st = store_open(path, &oo, oerr, sizeof oerr);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    int64_t id = tst_record(st, "lock/counter", "random", 7, NULL);
    CU_ASSERT_EQUAL_FATAL(id, 1);
    sim_buf full = {0};
    CU_ASSERT_EQUAL_FATAL(store_view(st, id, true, &full), 0);
    trace_decision *d = NULL;
    size_t nd = 0;
    CU_ASSERT_EQUAL_FATAL(store_load_schedule(st, id, &d, &nd), 0);
    CU_ASSERT_TRUE(nd > 0);
    store_close(st);

    /* turn it into schema 2 by hand */
    sqlite3 *db;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(path, &db), SQLITE_OK);
    CU_ASSERT_EQUAL_FATAL(store_sql_register(db), SQLITE_OK);
    CU_ASSERT_EQUAL_FATAL(
        sqlite3_exec(db,
                     "BEGIN;"
                     "INSERT INTO events_rows SELECT 1, seq, time_ns, kind, thread, other, obj, "
                     "arg, reason, text FROM events(1);"
                     "DROP TABLE event_batches;"
                     "ALTER TABLE events_rows RENAME TO events;"
                     "PRAGMA user_version = 2;"
                     "COMMIT;",
                     NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_stmt *s;
    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(db, "INSERT INTO schedules VALUES (1, ?, ?, ?, ?, ?)",
                                             -1, &s, NULL),
                          SQLITE_OK);
    for (size_t i = 0; i < nd; i++) {
        sqlite3_bind_int64(s, 1, (sqlite3_int64)d[i].index);
        sqlite3_bind_int64(s, 2, d[i].n);
        sqlite3_bind_int64(s, 3, d[i].chosen);
        sqlite3_bind_int64(s, 4, d[i].thread);
        sqlite3_bind_int64(s, 5, (sqlite3_int64)d[i].seq);
        CU_ASSERT_EQUAL(sqlite3_step(s), SQLITE_DONE);
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    CU_ASSERT_EQUAL(tst_sql_int(path, "SELECT count(*) FROM events"),
                    tst_sql_int(path, "SELECT events FROM runs WHERE id = 1"));

    /* open: upgraded, nothing lost */
    st = tst_open(path, false);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    CU_ASSERT_EQUAL(store_schema_version(st), STORE_SCHEMA_VERSION);
    sim_buf again = {0};
    CU_ASSERT_EQUAL(store_view(st, id, true, &again), 0);
    TS_ASSERT_STR_EQ(sim_buf_str(&again), sim_buf_str(&full));
    trace_decision *d2 = NULL;
    size_t nd2 = 0;
    CU_ASSERT_EQUAL(store_load_schedule(st, id, &d2, &nd2), 0);
    CU_ASSERT_EQUAL(nd2, nd);
    for (size_t i = 0; i < nd && i < nd2; i++)
        CU_ASSERT_TRUE(d[i].index == d2[i].index && d[i].n == d2[i].n &&
                       d[i].chosen == d2[i].chosen && d[i].thread == d2[i].thread &&
                       d[i].seq == d2[i].seq);
    /* a new run beside it is packed; both read */
    int64_t id2 = tst_record(st, "lock/counter", "random", 7, NULL);
    sim_buf third = {0};
    CU_ASSERT_EQUAL(store_view(st, id2, true, &third), 0);
    TS_ASSERT_STR_EQ(sim_buf_str(&third), sim_buf_str(&full));
    store_close(st);
    CU_ASSERT_EQUAL(tst_sql_int(path, "SELECT count(*) FROM events_rows WHERE run_id = 1"),
                    tst_sql_int(path, "SELECT events FROM runs WHERE id = 1"));
    CU_ASSERT_EQUAL(tst_sql_int(path, "SELECT count(*) FROM event_batches WHERE run_id = 1"), 0);
    CU_ASSERT_TRUE(tst_sql_int(path, "SELECT count(*) FROM event_batches WHERE run_id = 2") > 0);
    sim_buf_free(&full);
    sim_buf_free(&again);
    sim_buf_free(&third);
    free(d);
    free(d2);
    free(path);
}

static void test_round_trip_of_a_run(void)
{
    suite_dir();
    char *path = tst_path(dir, "rt.db");
    store *st = tst_open(path, true);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    trace live;
    int64_t id = tst_record(st, "daemon-join/join-timeout-3", "fifo", 0, &live);
    CU_ASSERT_EQUAL_FATAL(id, 1);

    trace back;
    CU_ASSERT_EQUAL_FATAL(store_load_trace(st, id, &back), 0);
    CU_ASSERT_EQUAL(back.n, live.n);
    char *a = ts_full(&live), *b = ts_full(&back);
    TS_ASSERT_STR_EQ(b, a);
    free(a);
    free(b);
    for (size_t i = 0; i < live.n && i < back.n; i++) {
        const trace_event *x = &live.ev[i], *y = &back.ev[i];
        CU_ASSERT_EQUAL(x->seq, y->seq);
        CU_ASSERT_EQUAL(x->time, y->time);
        CU_ASSERT_EQUAL(x->kind, y->kind);
        CU_ASSERT_EQUAL(x->thread, y->thread);
        CU_ASSERT_EQUAL(x->other, y->other);
        CU_ASSERT_EQUAL(x->obj, y->obj);
        CU_ASSERT_EQUAL(x->arg, y->arg);
        CU_ASSERT_EQUAL(!x->reason, !y->reason);
        if (x->reason && y->reason)
            CU_ASSERT_STRING_EQUAL(x->reason, y->reason);
        CU_ASSERT_EQUAL(!x->text, !y->text);
        CU_ASSERT_EQUAL(x->len, y->len);
        if (x->text && y->text)
            CU_ASSERT_EQUAL(memcmp(x->text, y->text, x->len), 0);
    }

    store_run r;
    CU_ASSERT_EQUAL_FATAL(store_run_get(st, id, &r), 0);
    CU_ASSERT_STRING_EQUAL(r.scenario, "daemon-join/join-timeout-3");
    CU_ASSERT_STRING_EQUAL(r.policy, "fifo");
    CU_ASSERT_EQUAL(r.python, 2);
    CU_ASSERT_EQUAL(r.status, STORE_OK);
    CU_ASSERT_EQUAL(r.exit_status, 0);
    CU_ASSERT_EQUAL(r.events, live.n);
    CU_ASSERT_EQUAL(r.end_time, 3 * SIM_NS_PER_SEC);
    CU_ASSERT_EQUAL(r.threads, 3);
    CU_ASSERT_TRUE(r.has_hash);
    CU_ASSERT_EQUAL(r.hash_kind, TRACE_HASH_STREAM);
    trace_decision *dd;
    size_t ndd;
    CU_ASSERT_EQUAL_FATAL(store_load_schedule(st, id, &dd, &ndd), 0);
    CU_ASSERT_EQUAL(r.hash, trace_hash(&live, dd, ndd));
    free(dd);
    CU_ASSERT_EQUAL(r.cfg.switch_steps, sim_config_default().switch_steps);
    CU_ASSERT_EQUAL(r.cfg.max_time, -1);
    CU_ASSERT_EQUAL(r.replay_of, 0);
    CU_ASSERT_EQUAL(strlen(r.recorded_at), strlen("2024-01-01T00:00:00Z"));
    CU_ASSERT_STRING_EQUAL(r.version, "test");

    /* threads and schedule rows */
    CU_ASSERT_EQUAL(tst_sql_int(path, "SELECT count(*) FROM threads WHERE run_id = 1"), 3);
    char *names = tst_sql_text(path, "SELECT group_concat(name || ':' || daemon, ',') FROM "
                                     "(SELECT * FROM threads WHERE run_id = 1 ORDER BY tid)");
    TS_ASSERT_STR_EQ(names, "MainThread:0,non-daemon:0,daemon:1");
    free(names);
    trace_decision *d;
    size_t nd;
    CU_ASSERT_EQUAL(store_load_schedule(st, id, &d, &nd), 0);
    CU_ASSERT_EQUAL(nd, r.decisions);
    CU_ASSERT_TRUE(nd >= 1);
    for (size_t i = 0; i < nd; i++) {
        CU_ASSERT_EQUAL(d[i].index, i);
        CU_ASSERT_TRUE(d[i].n >= 2 && d[i].chosen < d[i].n);
        CU_ASSERT_EQUAL(d[i].chosen, 0); /* FIFO */
    }
    free(d);
    store_run_free(&r);
    trace_fini(&live);
    trace_fini(&back);
    store_close(st);
    free(path);
}

/* Text bytes survive exactly: NUL, invalid UTF-8, empty vs absent. */
static void test_round_trip_bytes(void)
{
    suite_dir();
    char *path = tst_path(dir, "bytes.db");
    store *st = tst_open(path, true);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    store_run meta = {.scenario = "synthetic", .policy = "fifo", .python = 3, .seed = UINT64_MAX};
    meta.cfg = sim_config_default();
    store_rec *rec = store_rec_begin(st, &meta);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
    static const char weird[] = "a\0b\xff\xfe\n\"\\";
    sim_event ev[] = {
        {.seq = 1, .time = 0, .kind = SIM_EV_CREATE, .thread = SIM_NONE, .other = 0, .obj = 1,
         .text = "MainThread", .len = 10},
        {.seq = 2, .time = 5, .kind = SIM_EV_OUTPUT, .thread = 0, .other = SIM_NONE,
         .obj = SIM_NONE, .arg = 1, .text = weird, .len = sizeof weird - 1},
        {.seq = 3, .time = 6, .kind = SIM_EV_OUTPUT, .thread = 0, .other = SIM_NONE,
         .obj = SIM_NONE, .arg = 2, .text = "", .len = 0},
        {.seq = 4, .time = INT64_MAX, .kind = SIM_EV_BLOCK, .thread = 0, .other = SIM_NONE,
         .obj = 7, .arg = -1, .reason = "sleep"},
    };
    for (size_t i = 0; i < sizeof ev / sizeof ev[0]; i++)
        store_rec_event(rec, &ev[i]);
    CU_ASSERT_EQUAL(store_rec_end(rec, STORE_OK, 0, INT64_MAX, 1), 0);
    free(meta.recorded_at);
    free(meta.host);
    trace t;
    CU_ASSERT_EQUAL_FATAL(store_load_trace(st, meta.id, &t), 0);
    CU_ASSERT_EQUAL_FATAL(t.n, 4);
    CU_ASSERT_EQUAL(t.ev[1].len, sizeof weird - 1);
    CU_ASSERT_EQUAL(memcmp(t.ev[1].text, weird, sizeof weird - 1), 0);
    CU_ASSERT_PTR_NOT_NULL(t.ev[2].text);
    CU_ASSERT_EQUAL(t.ev[2].len, 0);
    CU_ASSERT_PTR_NULL(t.ev[3].text);
    CU_ASSERT_STRING_EQUAL(t.ev[3].reason, "sleep");
    CU_ASSERT_PTR_NULL(t.ev[0].reason);
    CU_ASSERT_EQUAL(t.ev[0].thread, SIM_NONE);
    CU_ASSERT_EQUAL(t.ev[3].obj, 7);
    CU_ASSERT_EQUAL(t.ev[3].arg, -1);
    CU_ASSERT_EQUAL(t.ev[3].time, INT64_MAX);
    store_run r;
    CU_ASSERT_EQUAL(store_run_get(st, meta.id, &r), 0);
    CU_ASSERT_EQUAL(r.seed, UINT64_MAX);
    CU_ASSERT_EQUAL(r.hash, trace_hash(&t, NULL, 0));
    store_run_free(&r);
    trace_fini(&t);
    store_close(st);
    free(path);
}

static void test_run_references(void)
{
    suite_dir();
    char *path = tst_path(dir, "refs.db");
    store *st = tst_open(path, true);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    int64_t id = 0;
    CU_ASSERT_EQUAL(store_resolve(st, "last", &id), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(store_error(st), "has no runs yet"));
    for (int i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(tst_record(st, "daemon-join/no-sleep", "fifo", 0, NULL), i + 1);
    CU_ASSERT_EQUAL(store_resolve(st, "last", &id), 0);
    CU_ASSERT_EQUAL(id, 3);
    CU_ASSERT_EQUAL(store_resolve(st, "last~0", &id), 0);
    CU_ASSERT_EQUAL(id, 3);
    CU_ASSERT_EQUAL(store_resolve(st, "last~2", &id), 0);
    CU_ASSERT_EQUAL(id, 1);
    CU_ASSERT_EQUAL(store_resolve(st, "last~3", &id), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(store_error(st), "fewer than 4 runs"));
    CU_ASSERT_EQUAL(store_resolve(st, "2", &id), 0);
    CU_ASSERT_EQUAL(id, 2);
    const char *bad[] = {"0", "-1", "abc", "", "2x", "last~", "last~x", "lastly"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CU_ASSERT_EQUAL(store_resolve(st, bad[i], &id), -1);
    store_run r;
    CU_ASSERT_EQUAL(store_run_get(st, 99, &r), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(store_error(st), "has no run 99"));
    /* newest first */
    store_close(st);
    free(path);
}

/* ---- the hash and JSON forms ------------------------------------------------ */

/* The rows of event_batches of run 1 in `a` and `b` are the same, byte for
 * byte (batch, first_seq, n, crc, codec, data); returns how many. */
static int same_batches(const char *a, const char *b)
{
    sqlite3 *da, *db;
    sqlite3_stmt *sa, *sb;
    const char *q = "SELECT batch, first_seq, n, crc, codec, data FROM event_batches "
                    "WHERE run_id = 1 ORDER BY batch";
    if (sqlite3_open_v2(a, &da, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_open_v2(b, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(da, q, -1, &sa, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, q, -1, &sb, NULL) != SQLITE_OK)
        return -1;
    int n = 0, bad = 0;
    for (;;) {
        int ra = sqlite3_step(sa), rb = sqlite3_step(sb);
        if (ra != rb) {
            bad = 1;
            break;
        }
        if (ra != SQLITE_ROW)
            break;
        for (int c = 0; c < 5; c++)
            bad |= sqlite3_column_int64(sa, c) != sqlite3_column_int64(sb, c);
        int la = sqlite3_column_bytes(sa, 5), lb = sqlite3_column_bytes(sb, 5);
        bad |= la != lb || memcmp(sqlite3_column_blob(sa, 5), sqlite3_column_blob(sb, 5),
                                  (size_t)la) != 0;
        n++;
    }
    sqlite3_finalize(sa);
    sqlite3_finalize(sb);
    sqlite3_close(da);
    sqlite3_close(db);
    return bad ? -1 : n;
}

/* A run that goes quiet mid-way (a long computation, no events) does not
 * keep its batches in an open transaction, holding the file's write lock:
 * the writer commits them once nothing has come for a while. Polled for up
 * to 10 s (it takes about 20 ms); nothing here measures speed. */
static void test_quiet_run_commits(void)
{
    suite_dir();
    char *path = tst_path(dir, "quiet.db");
    store *st = tst_open(path, true);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    store_run meta = {.scenario = "synthetic", .policy = "fifo", .python = 3};
    meta.cfg = sim_config_default();
    store_rec *rec = store_rec_begin(st, &meta);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
    for (uint64_t i = 1; i <= EVBATCH_EVENTS + 10; i++) {
        sim_event ev = {.seq = i, .kind = SIM_EV_YIELD, .thread = 0, .other = SIM_NONE,
                        .obj = SIM_NONE};
        store_rec_event(rec, &ev);
    }
    /* one batch handed over; the run goes on, silent */
    int64_t seen = 0;
    for (int waited = 0; waited < 10000 && seen == 0; waited += 10) {
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
        seen = tst_sql_int(path, "SELECT count(*) FROM event_batches");
    }
    CU_ASSERT_EQUAL(seen, 1);
    /* and another connection can write meanwhile */
    sqlite3 *db;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    CU_ASSERT_EQUAL(sqlite3_exec(db, "BEGIN IMMEDIATE; COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    CU_ASSERT_EQUAL(store_rec_end(rec, STORE_OK, 0, 0, 1), 0);
    CU_ASSERT_EQUAL(tst_sql_int(path, "SELECT sum(n) FROM event_batches"), EVBATCH_EVENTS + 10);
    free(meta.recorded_at);
    free(meta.host);
    store_close(st);
    free(path);
}

/* Written on the writer thread or in place, a run is stored the same, byte
 * for byte, with the same hash: the thread changes when, never what. */
static void test_writer_thread_changes_nothing(void)
{
    suite_dir();
    char *pa = tst_path(dir, "writer-on.db"), *pb = tst_path(dir, "writer-off.db");
    store *a = tst_open(pa, true), *b = tst_open(pb, true);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    store_set_writer(b, false);
    CU_ASSERT_EQUAL_FATAL(tst_record(a, "bench/pingpong", "random", 5, NULL), 1);
    CU_ASSERT_EQUAL_FATAL(tst_record(b, "bench/pingpong", "random", 5, NULL), 1);
    store_run ra, rb;
    CU_ASSERT_EQUAL_FATAL(store_run_get(a, 1, &ra), 0);
    CU_ASSERT_EQUAL_FATAL(store_run_get(b, 1, &rb), 0);
    CU_ASSERT_TRUE(ra.has_hash && rb.has_hash);
    CU_ASSERT_EQUAL(ra.hash, rb.hash);
    CU_ASSERT_EQUAL(ra.events, rb.events);
    CU_ASSERT_EQUAL(ra.decisions, rb.decisions);
    store_run_free(&ra);
    store_run_free(&rb);
    store_close(a);
    store_close(b);
    CU_ASSERT_TRUE(same_batches(pa, pb) > 100);
    CU_ASSERT_EQUAL(tst_sql_int(pa, "SELECT count(*) FROM threads"),
                    tst_sql_int(pb, "SELECT count(*) FROM threads"));
    CU_ASSERT_EQUAL(tst_sql_int(pa, "SELECT count(*) FROM threads WHERE daemon = 1"),
                    tst_sql_int(pb, "SELECT count(*) FROM threads WHERE daemon = 1"));
    free(pa);
    free(pb);
}

static void test_hash_is_xxh64_of_the_stream(void)
{
    /* XXH64 reference values (xxhsum -H1), whole and fed in pieces */
    static const struct {
        const char *s;
        uint64_t h;
    } ref[] = {
        {"", UINT64_C(0xef46db3751d8e999)},
        {"abc", UINT64_C(0x44bc2cf5ad770999)},
        {"Nobody inspects the spammish repetition", UINT64_C(0xfbcea83c8a378bf1)},
        {"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
         "xxxxxxxxxxxxxxx", UINT64_C(0x92f0de5a88a3c094)},
    };
    for (size_t i = 0; i < sizeof ref / sizeof ref[0]; i++) {
        size_t n = strlen(ref[i].s);
        CU_ASSERT_EQUAL(trace_xxh64_of(ref[i].s, n), ref[i].h);
        for (size_t cut = 1; cut < 40 && cut < n; cut += 7) {
            trace_xxh64 x;
            trace_xxh64_init(&x);
            for (size_t at = 0; at < n; at += cut)
                trace_xxh64_update(&x, ref[i].s + at, n - at < cut ? n - at : cut);
            CU_ASSERT_EQUAL(trace_xxh64_digest(&x), ref[i].h);
        }
    }
    /* FNV-1a 64 reference values (the hash of runs recorded before) */
    CU_ASSERT_EQUAL(trace_hash_bytes(TRACE_HASH_INIT, "", 0), UINT64_C(0xcbf29ce484222325));
    CU_ASSERT_EQUAL(trace_hash_bytes(TRACE_HASH_INIT, "a", 1), UINT64_C(0xaf63dc4c8601ec8c));
    CU_ASSERT_EQUAL(trace_hash_bytes(TRACE_HASH_INIT, "foobar", 6), UINT64_C(0x85944171f73967e8));
    char hex[17];
    trace_hash_hex(UINT64_C(0x00ab00cd00ef0012), hex);
    CU_ASSERT_STRING_EQUAL(hex, "00ab00cd00ef0012");
    uint64_t h;
    CU_ASSERT_EQUAL(trace_hash_parse(hex, &h), 0);
    CU_ASSERT_EQUAL(h, UINT64_C(0x00ab00cd00ef0012));
    CU_ASSERT_EQUAL(trace_hash_parse("00AB00CD00EF0012", &h), -1);
    CU_ASSERT_EQUAL(trace_hash_parse("abc", &h), -1);

    /* of a run of many batches (a writer thread wrote them): XXH64 of its
     * batches' packed bytes end to end (stored compressed: uncompressed
     * here), read back with SQL; the same from the trace and schedule
     * loaded; the same computed live, without a store */
    suite_dir();
    char *path = tst_path(dir, "hash.db");
    store *st = tst_open(path, true);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    trace live;
    int64_t id = tst_record(st, "bench/pingpong", "random", 3, &live);
    CU_ASSERT_TRUE_FATAL(id > 0);
    store_run r;
    CU_ASSERT_EQUAL_FATAL(store_run_get(st, id, &r), 0);
    CU_ASSERT_EQUAL(r.hash_kind, TRACE_HASH_STREAM);
    CU_ASSERT_TRUE(r.has_hash);
    char q[160];
    snprintf(q, sizeof q, "SELECT count(*) FROM event_batches WHERE run_id = %lld", (long long)id);
    CU_ASSERT_TRUE(tst_sql_int(path, q) > 100);
    sqlite3 *db;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *s;
    snprintf(q, sizeof q, "SELECT data, codec FROM event_batches WHERE run_id = %lld "
             "ORDER BY batch", (long long)id);
    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(db, q, -1, &s, NULL), SQLITE_OK);
    trace_xxh64 x;
    trace_xxh64_init(&x);
    sim_buf scratch = {0};
    int lz4 = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const void *raw;
        size_t rawlen;
        const char *why = NULL;
        int codec = sqlite3_column_int(s, 1);
        lz4 += codec == EVBATCH_CODEC_LZ4;
        CU_ASSERT_EQUAL(evbatch_uncompress(codec, sqlite3_column_blob(s, 0),
                                           (size_t)sqlite3_column_bytes(s, 0), &scratch, &raw,
                                           &rawlen, &why), 0);
        trace_xxh64_update(&x, raw, rawlen);
    }
    sqlite3_finalize(s);
    sim_buf_free(&scratch);
    CU_ASSERT_TRUE(lz4 > 100); /* pingpong's batches compress */
    sqlite3_close(db);
    CU_ASSERT_EQUAL(trace_xxh64_digest(&x), r.hash);
    trace back;
    trace_decision *d;
    size_t nd;
    CU_ASSERT_EQUAL_FATAL(store_load_trace(st, id, &back), 0);
    CU_ASSERT_EQUAL_FATAL(store_load_schedule(st, id, &d, &nd), 0);
    CU_ASSERT_EQUAL(nd, r.decisions);
    CU_ASSERT_EQUAL(trace_hash(&back, d, nd), r.hash);
    CU_ASSERT_EQUAL(trace_hash(&live, d, nd), r.hash);
    /* one decision more, or one event less, is another hash */
    CU_ASSERT_NOT_EQUAL(trace_hash(&live, d, nd - 1), r.hash);
    live.n--;
    CU_ASSERT_NOT_EQUAL(trace_hash(&live, d, nd), r.hash);
    live.n++;
    free(d);
    trace_fini(&back);
    trace_fini(&live);
    store_run_free(&r);
    store_close(st);
    free(path);
}

static void test_json_forms(void)
{
    sim_buf b = {0};
    static const char ctl[] = "a\"b\\c\n\t\x01\x7f";
    trace_json_string(&b, ctl, sizeof ctl - 1);
    TS_ASSERT_STR_EQ(b.p, "\"a\\\"b\\\\c\\n\\t\\u0001\\u007f\"");
    sim_buf_clear(&b);
    /* valid UTF-8 passes; invalid bytes, overlong forms and surrogates become U+FFFD */
    static const char u8[] = "\xc3\xa9\xe2\x82\xac\xff\xc0\xaf\xed\xa0\x80!";
    trace_json_string(&b, u8, sizeof u8 - 1);
    TS_ASSERT_STR_EQ(b.p, "\"\xc3\xa9\xe2\x82\xac\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd!\"");
    sim_buf_clear(&b);
    trace_names nm;
    trace_names_init(&nm);
    sim_event c = {.seq = 2, .time = 0, .kind = SIM_EV_CREATE, .thread = SIM_NONE, .other = 0,
                   .obj = 1, .arg = 0, .text = "Main", .len = 4};
    trace_names_see(&nm, &c);
    sim_event ev = {.seq = 3, .time = 5000000000, .kind = SIM_EV_BLOCK, .thread = 0,
                    .other = SIM_NONE, .obj = 9, .arg = -1, .reason = "join", .text = NULL};
    trace_json_event(&b, &nm, &ev);
    TS_ASSERT_STR_EQ(b.p, "{\"seq\":3,\"time_ns\":5000000000,\"thread\":0,\"thread_name\":"
                          "\"Main\",\"kind\":\"block\",\"other\":null,\"obj\":9,\"arg\":-1,"
                          "\"reason\":\"join\",\"text\":null}\n");
    trace_names_fini(&nm);
    sim_buf_free(&b);
}

static int cleanup(void)
{
    tst_rmdir(dir);
    dir = NULL;
    return 0;
}

int main(void)
{
    static const ts_test tests[] = {
        TS_TEST(test_schema_created),
        TS_TEST(test_migrations_apply_in_order),
        TS_TEST(test_failed_migration_changes_nothing),
        TS_TEST(test_newer_version_refused),
        TS_TEST(test_foreign_sqlite_refused),
        TS_TEST(test_not_sqlite_refused),
        TS_TEST(test_missing_and_empty),
        TS_TEST(test_corrupt_detected),
        TS_TEST(test_locked_refused_then_fine),
        TS_TEST(test_write_failure_leaves_run_incomplete),
        TS_TEST(test_round_trip_of_a_run),
        TS_TEST(test_round_trip_bytes),
        TS_TEST(test_run_references),
        TS_TEST(test_hash_is_xxh64_of_the_stream),
        TS_TEST(test_writer_thread_changes_nothing),
        TS_TEST(test_quiet_run_commits),
        TS_TEST(test_json_forms),
        TS_TEST(test_schema2_runs_still_read),
        TS_TEST(test_evbatch_codec),
        TS_TEST(test_evbatch_compression),
        TS_TEST(test_early_schema2_outcomes_mended),
    };
    int rc = ts_test_main("store", tests, sizeof tests / sizeof tests[0]);
    cleanup();
    return rc;
}
