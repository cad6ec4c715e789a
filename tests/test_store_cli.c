/*
 * tests/test_store_cli.c — the recording commands through the real binary:
 * run records (default ./threadsim.db, --db, --no-db), runs, show (output
 * view, --trace, --json), diff (exit 0 / 1 / 2), check (--junit, a changed
 * expected file, a missing one), replay, and one-line errors with exit 125 for
 * databases that are missing, not SQLite, or corrupt; a batch of events
 * altered by one byte, deleted, or cut off by truncating the file (exit 125,
 * naming the run and the batch, never an altered event); sql.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store_util.h"
#include "traces/hash.h"

static char *dir;     /* the suite's temporary directory */
static char *db;      /* dir/t.db */

/* Run `threadsim ARGS` in `dir`; stdout (and stderr if `both`) captured. */
static char *ts(int *status, bool both, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static char *ts(int *status, bool both, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *out = ts_threadsim_in(dir, "", both ? TS_BOTH : TS_STDOUT, status, fmt, ap);
    va_end(ap);
    return out;
}

/* stderr only, for error messages. */
static char *ts_err(int *status, const char *args)
{
    return ts_threadsim(dir, TS_STDERR, status, "%s", args);
}

static char *expected(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/traces/expected/%s.out", THREADSIM_SOURCE_DIR, name);
    return ts_read_file(path, NULL);
}

/* One line, starting "threadsim: ". */
static void assert_one_line_error(const char *s, const char *needle)
{
    bool ok = s && strncmp(s, "threadsim: ", 11) == 0 && strchr(s, '\n') == s + strlen(s) - 1 &&
              strstr(s, needle);
    if (!ok)
        fprintf(stderr, "\nexpected one error line with \"%s\", got: %s\n", needle,
                s ? s : "(null)");
    CU_ASSERT_TRUE(ok);
}

static void test_run_records_by_default(void)
{
    int st;
    char *out = ts(&st, true, "run daemon-join/no-join");
    CU_ASSERT_EQUAL(st, 0);
    char *exp = expected("daemon-join/no-join");
    TS_ASSERT_STR_EQ(out, exp);
    free(out);
    char *path = tst_path(dir, "threadsim.db");
    CU_ASSERT_EQUAL(tst_sql_int(path, "SELECT count(*) FROM runs WHERE status = 'ok'"), 1);
    /* show gives the output view again */
    out = ts(&st, true, "show last");
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(out, exp);
    free(out);
    free(exp);
    /* --no-db records nothing */
    out = ts(&st, true, "run daemon-join/no-join --no-db");
    CU_ASSERT_EQUAL(st, 0);
    free(out);
    CU_ASSERT_EQUAL(tst_sql_int(path, "SELECT count(*) FROM runs"), 1);
    free(path);
}

/* `runs`: the columns line up whatever the length of a program's path
 * (the header's TRACE HASH starts where each row's hash does). */
static void test_runs_table_aligned(void)
{
    int st;
    char *mk = ts(&st, true, "run daemon-join/no-join --db runs.db >/dev/null 2>&1; mkdir -p "
                             "a/rather/long/folder/name/for/a/program && printf 'print(1)\\n' > "
                             "a/rather/long/folder/name/for/a/program/p.py && echo ok");
    CU_ASSERT_PTR_NOT_NULL(strstr(mk, "ok"));
    free(mk);
    char *out = ts(&st, true, "run a/rather/long/folder/name/for/a/program/p.py --db runs.db");
    TS_ASSERT_STR_EQ(out, "1\n");
    free(out);
    out = ts(&st, false, "runs --db runs.db");
    CU_ASSERT_EQUAL(st, 0);
    const char *h = strstr(out, "TRACE HASH");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    size_t col = (size_t)(h - out);
    int rows = 0;
    for (const char *l = strchr(out, '\n'); l && l[1]; l = strchr(l + 1, '\n')) {
        const char *line = l + 1;
        const char *e = strchr(line, '\n');
        size_t len = e ? (size_t)(e - line) : strlen(line);
        /* the hash: the last 16 characters, starting at the header's column */
        CU_ASSERT_EQUAL(len, col + 16);
        rows++;
    }
    CU_ASSERT_EQUAL(rows, 2);
    free(out);
}

static void test_show_views(void)
{
    int st;
    char *out = ts(&st, true, "run daemon-join/join-timeout-7 --db t.db");
    CU_ASSERT_EQUAL(st, 0);
    free(out);
    char *live = ts(&st, false, "run daemon-join/join-timeout-7 --no-db --trace");
    char *shown = ts(&st, false, "show last --trace --db t.db");
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(shown, live);
    /* --json: one object per event, in order */
    char *json = ts(&st, false, "show last --json --db t.db");
    CU_ASSERT_EQUAL(st, 0);
    size_t lines_full = 0, lines_json = 0;
    for (const char *p = live; p && *p; p++)
        lines_full += *p == '\n';
    for (const char *p = json; p && *p; p++)
        lines_json += *p == '\n';
    CU_ASSERT_EQUAL(lines_json, lines_full);
    static const char first[] = "{\"seq\":1,\"time_ns\":0,\"thread\":null,\"thread_name\":null,"
                                "\"kind\":\"create\",\"other\":0,";
    CU_ASSERT_EQUAL(strncmp(json, first, strlen(first)), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"kind\":\"output\",\"other\":null,\"obj\":null,\"arg\":1,"
                                        "\"reason\":null,\"text\":\"d.isAlive() False\\n\"}\n"));
    free(live);
    free(shown);
    free(json);
    /* runs lists it with its hash */
    char *runs = ts(&st, false, "runs --db t.db");
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(runs, "daemon-join/join-timeout-7"));
    CU_ASSERT_PTR_NOT_NULL(strstr(runs, " ok "));
    CU_ASSERT_PTR_NOT_NULL(strstr(runs, "5.000000000"));
    free(runs);
    char *rj = ts(&st, false, "runs --json --limit 1 --db t.db");
    CU_ASSERT_PTR_NOT_NULL(strstr(rj, "\"scenario\":\"daemon-join/join-timeout-7\",\"policy\":"
                                      "\"fifo\",\"seed\":0,\"python\":2,\"status\":\"ok\""));
    free(rj);
}

static void test_diff_exit_codes(void)
{
    int st;
    free(ts(&st, true, "run daemon-join/join --db d.db"));
    free(ts(&st, true, "run daemon-join/join --db d.db"));
    free(ts(&st, true, "run daemon-join/join --policy random --seed 2 --db d.db"));
    char *out = ts(&st, false, "diff 1 2 --db d.db");
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(out, "");
    free(out);
    out = ts(&st, false, "diff last~2 last~1 --db d.db");
    CU_ASSERT_EQUAL(st, 0);
    free(out);
    /* random seed 2 schedules join differently, yet prints the same output */
    out = ts(&st, false, "diff 1 3 --db d.db");
    CU_ASSERT_EQUAL(st, 1);
    CU_ASSERT_EQUAL(strncmp(out, "first difference at event ", 26), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\n--- run 1 (daemon-join/join, fifo, seed 0)\n"
                                       "+++ run 3 (daemon-join/join, random, seed 2)\n@@ -"));
    free(out);
    /* run against the expected file: output views */
    char arg[1024];
    snprintf(arg, sizeof arg, "diff last %s/traces/expected/daemon-join/join.out --db d.db",
             THREADSIM_SOURCE_DIR);
    out = ts(&st, false, "%s", arg);
    CU_ASSERT_EQUAL(st, 0);
    free(out);
    snprintf(arg, sizeof arg, "diff 1 %s/traces/expected/daemon-join/no-join.out --db d.db",
             THREADSIM_SOURCE_DIR);
    out = ts(&st, false, "%s", arg);
    CU_ASSERT_EQUAL(st, 1);
    CU_ASSERT_EQUAL(strncmp(out, "first difference at line ", 25), 0);
    free(out);
    /* trouble */
    out = ts_err(&st, "diff 1 99 --db d.db");
    CU_ASSERT_EQUAL(st, 125);
    assert_one_line_error(out, "has no run 99");
    free(out);
    out = ts_err(&st, "diff 1 no/such/file --db d.db");
    CU_ASSERT_EQUAL(st, 125);
    assert_one_line_error(out, "cannot read 'no/such/file'");
    free(out);
    out = ts_err(&st, "diff 1");
    CU_ASSERT_EQUAL(st, 125);
    free(out);
}

static void test_check_and_junit(void)
{
    int st;
    /* the seed page's group: other pages come and go as they are written */
    char *out = ts(&st, false, "check daemon-join --junit j.xml --db c.db");
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "ok     daemon-join/no-join\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, ", 0 failed, 0 could not be checked\n"));
    free(out);
    char *path = tst_path(dir, "j.xml");
    char *xml = ts_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
    CU_ASSERT_EQUAL(strncmp(xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites ", 51), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(xml, "tests=\"5\" failures=\"0\" errors=\"0\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<testcase classname=\"threadsim.daemon-join\" "
                                       "name=\"daemon-join/join-timeout-3\">"));
    CU_ASSERT_PTR_NULL(strstr(xml, "<failure"));
    free(xml);

    /* an expected directory with one file changed and one missing */
    char *exp = tst_path(dir, "exp");
    mkdir(exp, 0755);
    char *sub = tst_path(exp, "daemon-join");
    mkdir(sub, 0755);
    char *f = tst_path(sub, "join.out");
    FILE *fp = fopen(f, "w");
    fputs("(daemon   ) Starting\n(non-daemon) Starting\n<changed & \"quoted\">\n", fp);
    fclose(fp);
    out = ts(&st, false, "check daemon-join/join --expected-dir '%s' --junit j.xml --no-db", exp);
    CU_ASSERT_EQUAL(st, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "FAIL   daemon-join/join\nfirst difference at line 3:\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\n-<changed & \"quoted\">\n"));
    free(out);
    xml = ts_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(xml, "tests=\"1\" failures=\"1\" errors=\"0\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<failure type=\"difference\" message=\"output differs"));
    CU_ASSERT_PTR_NOT_NULL(strstr(xml, "-&lt;changed &amp; &quot;quoted&quot;&gt;"));
    free(xml);
    /* a group, with a file missing: cannot be checked, exit 125 */
    out = ts(&st, false, "check daemon-join --expected-dir '%s' --junit j.xml --no-db", exp);
    CU_ASSERT_EQUAL(st, 125);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "ERROR  daemon-join/no-join: cannot read the expected"));
    free(out);
    xml = ts_read_file(path, NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(xml, "tests=\"5\" failures=\"1\" errors=\"4\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<error type=\"trouble\""));
    free(xml);
    out = ts_err(&st, "check no/such-scenario");
    CU_ASSERT_EQUAL(st, 125);
    assert_one_line_error(out, "unknown scenario or group");
    free(out);
    out = ts_err(&st, "check bench/pingpong --no-db");
    CU_ASSERT_EQUAL(st, 125);
    free(out);
    unlink(f);
    rmdir(sub);
    rmdir(exp);
    free(f);
    free(sub);
    free(exp);
    free(path);
}

static void test_replay_command(void)
{
    int st;
    free(ts(&st, true, "run daemon-join/join-timeout-3 --policy random --seed 3 --db r.db"));
    char *out = ts(&st, false, "replay last --db r.db");
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "replay of run 1 (daemon-join/join-timeout-3) is "
                                       "identical: trace hash "));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "(recorded as run 2)\n"));
    free(out);
    /* the replay is a run like any other: same trace as the original */
    out = ts(&st, false, "diff 1 2 --db r.db");
    CU_ASSERT_EQUAL(st, 0);
    free(out);
    out = ts(&st, false, "runs --db r.db --limit 1");
    CU_ASSERT_PTR_NOT_NULL(strstr(out, " replay "));
    free(out);
    out = ts(&st, false, "replay 1 --no-record --db r.db");
    CU_ASSERT_EQUAL(st, 0);
    free(out);
    out = ts(&st, false, "runs --db r.db --json");
    CU_ASSERT_TRUE(out && strstr(out, "\"trace_hash_kind\":2"));
    CU_ASSERT_TRUE(out && strstr(out, "\"program\":null")); /* a scenario has none */
    size_t n = 0;
    for (const char *p = out; p && *p; p++)
        n += *p == '\n';
    CU_ASSERT_EQUAL(n, 2);
    free(out);

    /* a run recorded before 0.2 carries FNV-1a of its full view (kind 1):
     * replay compares that kind, and still finds it identical */
    char *full = ts(&st, false, "show 1 --trace --db r.db");
    CU_ASSERT_EQUAL_FATAL(st, 0);
    char hex[17], sql[256];
    trace_hash_hex(trace_hash_bytes(TRACE_HASH_INIT, full, strlen(full)), hex);
    free(full);
    char *path = tst_path(dir, "r.db");
    sqlite3 *h;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(path, &h), SQLITE_OK);
    snprintf(sql, sizeof sql, "UPDATE runs SET trace_hash = '%s', trace_hash_kind = 1 WHERE id = 1",
             hex);
    CU_ASSERT_EQUAL(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    out = ts(&st, false, "replay 1 --no-record --db r.db");
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_TRUE(out && strstr(out, hex));
    free(out);
    /* and a kind-1 hash that does not match is a difference */
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(path, &h), SQLITE_OK);
    CU_ASSERT_EQUAL(sqlite3_exec(h, "UPDATE runs SET trace_hash = '0123456789abcdef' WHERE id = 1",
                                 NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    out = ts(&st, false, "replay 1 --no-record --db r.db");
    CU_ASSERT_EQUAL(st, 1);
    CU_ASSERT_TRUE(out && strstr(out, "DIFFERS"));
    free(out);
    free(path);
}

static void test_bad_databases(void)
{
    int st;
    char *out = ts_err(&st, "runs --db missing.db");
    CU_ASSERT_EQUAL(st, 125);
    assert_one_line_error(out, "no database at 'missing.db'");
    free(out);
    char *p = tst_path(dir, "text.db");
    FILE *f = fopen(p, "w");
    fputs("hello, I am not a database\n", f);
    fclose(f);
    out = ts_err(&st, "show last --db text.db");
    CU_ASSERT_EQUAL(st, 125);
    assert_one_line_error(out, "is not a SQLite database");
    free(out);
    out = ts_err(&st, "run daemon-join/join --db text.db");
    CU_ASSERT_EQUAL(st, 125);
    assert_one_line_error(out, "is not a SQLite database");
    free(out);
    free(p);
    /* corrupt: every page after the first overwritten */
    free(ts(&st, true, "run daemon-join/join --db bad.db"));
    p = tst_path(dir, "bad.db");
    size_t len;
    char *bytes = ts_read_file(p, &len);
    CU_ASSERT_TRUE_FATAL(bytes && len > 8192);
    memset(bytes + 4096, 0x5a, len - 4096);
    f = fopen(p, "wb");
    fwrite(bytes, 1, len, f);
    fclose(f);
    free(bytes);
    out = ts_err(&st, "runs --db bad.db");
    CU_ASSERT_EQUAL(st, 125);
    assert_one_line_error(out, "is corrupt");
    free(out);
    out = ts_err(&st, "show 1 --db bad.db");
    CU_ASSERT_EQUAL(st, 125);
    assert_one_line_error(out, "is corrupt");
    free(out);
    free(p);
    out = ts_err(&st, "run daemon-join/join --policy bogus --no-db");
    CU_ASSERT_EQUAL(st, 125);
    assert_one_line_error(out, "--policy needs");
    free(out);
}

/* Flip one byte (at `at`) of run 1's batch `batch` in `path`. */
static void flip_byte(const char *path, int batch, int at)
{
    sqlite3 *d;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(path, &d), SQLITE_OK);
    sqlite3_stmt *s;
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT data FROM event_batches WHERE run_id = 1 AND batch = %d",
             batch);
    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(d, sql, -1, &s, NULL), SQLITE_OK);
    CU_ASSERT_EQUAL_FATAL(sqlite3_step(s), SQLITE_ROW);
    int n = sqlite3_column_bytes(s, 0);
    CU_ASSERT_TRUE_FATAL(n > at);
    unsigned char *b = malloc((size_t)n);
    memcpy(b, sqlite3_column_blob(s, 0), (size_t)n);
    sqlite3_finalize(s);
    b[at] ^= 0x01;
    snprintf(sql, sizeof sql, "UPDATE event_batches SET data = ? WHERE run_id = 1 AND batch = %d",
             batch);
    CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(d, sql, -1, &s, NULL), SQLITE_OK);
    sqlite3_bind_blob(s, 1, b, n, SQLITE_TRANSIENT);
    CU_ASSERT_EQUAL(sqlite3_step(s), SQLITE_DONE);
    sqlite3_finalize(s);
    sqlite3_close(d);
    free(b);
}

static void test_damaged_batch(void)
{
    int st;
    free(ts(&st, true, "run bench/pingpong --db dmg.db"));
    CU_ASSERT_EQUAL_FATAL(st, 0);
    char *p = tst_path(dir, "dmg.db");
    CU_ASSERT_TRUE(tst_sql_int(p, "SELECT count(*) FROM event_batches") > 100);
    /* intact: the events SQL sees are the events run printed */
    char *out = ts(&st, false, "sql --db dmg.db last \"SELECT count(*), max(seq) FROM events\"");
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(out, "1244006|1244006\n");
    free(out);
    /* the same through the plain sqlite3 shell and the loadable extension
     * (batches LZ4-compressed: it decompresses them as threadsim does) */
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd '%s' && sqlite3 dmg.db '.load %s' "
             "'SELECT count(*), max(seq) FROM events(1)' "
             "'SELECT count(*) FROM event_batches WHERE codec = 1 AND run_id = 1'",
             dir, THREADSIM_TSEVENTS);
    out = ts_capture(cmd, &st);
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_TRUE(out && strncmp(out, "1244006|1244006\n", 16) == 0);
    CU_ASSERT_TRUE(out && atoi(out + 16) > 100);
    free(out);
    out = ts(&st, false, "sql --db dmg.db \"SELECT kind, thread, other FROM events(1) "
                         "WHERE seq = 4100\"");
    CU_ASSERT_EQUAL(st, 0);
    free(out);
    /* one byte of batch 3 altered */
    flip_byte(p, 3, 100);
    out = ts_err(&st, "show 1 --db dmg.db");
    CU_ASSERT_EQUAL(st, 125);
    assert_one_line_error(out, "run 1 batch 3 is damaged (checksum mismatch)");
    free(out);
    out = ts_err(&st, "show 1 --trace --db dmg.db");
    CU_ASSERT_EQUAL(st, 125);
    assert_one_line_error(out, "run 1 batch 3 is damaged");
    free(out);
    out = ts_err(&st, "sql --db dmg.db 1 \"SELECT count(*) FROM events\"");
    CU_ASSERT_EQUAL(st, 125);
    assert_one_line_error(out, "run 1 batch 3 is damaged");
    free(out);
    out = ts_err(&st, "replay 1 --no-record --db dmg.db");
    CU_ASSERT_EQUAL(st, 125);
    assert_one_line_error(out, "run 1 batch 3 is damaged");
    free(out);
    /* restored, it reads again; then a batch deleted */
    flip_byte(p, 3, 100);
    out = ts_err(&st, "show 1 --db dmg.db");
    CU_ASSERT_EQUAL(st, 0);
    free(out);
    /* the last batch gone: the run row's count says something is missing */
    int64_t nb = tst_sql_int(p, "SELECT count(*) FROM event_batches");
    CU_ASSERT_EQUAL(tst_sql_int(p, "DELETE FROM event_batches WHERE run_id = 1 AND batch = "
                                   "(SELECT max(batch) FROM event_batches) RETURNING batch"),
                    nb - 1);
    out = ts_err(&st, "show 1 --db dmg.db");
    CU_ASSERT_EQUAL(st, 125);
    assert_one_line_error(out, "is missing");
    free(out);
    /* one in the middle gone */
    CU_ASSERT_EQUAL(tst_sql_int(p, "DELETE FROM event_batches WHERE run_id = 1 AND batch = 7 "
                                   "RETURNING 1"), 1);
    out = ts_err(&st, "show 1 --db dmg.db");
    CU_ASSERT_EQUAL(st, 125);
    assert_one_line_error(out, "run 1 batch 7 is missing");
    free(out);
    free(p);
}

static void test_truncated_file(void)
{
    int st;
    free(ts(&st, true, "run bench/pingpong --db cut.db"));
    CU_ASSERT_EQUAL_FATAL(st, 0);
    char *p = tst_path(dir, "cut.db");
    struct stat sb;
    CU_ASSERT_EQUAL_FATAL(stat(p, &sb), 0);
    CU_ASSERT_TRUE_FATAL(sb.st_size > 200000); /* its batches, compressed, are most of it */
    CU_ASSERT_EQUAL_FATAL(truncate(p, sb.st_size / 2), 0);
    char *out = ts_err(&st, "show 1 --db cut.db");
    CU_ASSERT_EQUAL(st, 125);
    assert_one_line_error(out, "cut.db");
    free(out);
    out = ts_err(&st, "export 1 --format text --db cut.db");
    CU_ASSERT_EQUAL(st, 125);
    free(out);
    free(p);
}

int main(void)
{
    static const ts_test tests[] = {
        TS_TEST(test_run_records_by_default), TS_TEST(test_runs_table_aligned),
        TS_TEST(test_show_views),
        TS_TEST(test_diff_exit_codes),        TS_TEST(test_check_and_junit),
        TS_TEST(test_replay_command),         TS_TEST(test_bad_databases),
        TS_TEST(test_damaged_batch),          TS_TEST(test_truncated_file),
    };
    dir = tst_tmpdir();
    if (!dir)
        return 2;
    db = tst_path(dir, "t.db");
    int rc = ts_test_main("store_cli", tests, sizeof tests / sizeof tests[0]);
    free(db);
    tst_rmdir(dir);
    return rc;
}
