/*
 * tests/test_store_keep.c — keeping the database in bounds, through the real
 * binary: prune --keep / --older-than (with every table cleaned and replay
 * links cleared), vacuum, the retention after each recording
 * (THREADSIM_KEEP), runs' default of the newest 20 (--limit, --all), and the
 * recording budget (--max-db-size): recording stops with one message while
 * the program's output still streams in full.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store_util.h"

static char *dir; /* the suite's temporary directory */

/* Run the shell command `env threadsim ARGS` in `dir`; stdout, and stderr
 * too if `both`. `env` may be "" or "VAR=x ". */
static char *tsh(int *status, bool both, const char *env, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static char *tsh(int *status, bool both, const char *env, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *out = ts_threadsim_in(dir, env, both ? TS_BOTH : TS_STDOUT, status, fmt, ap);
    va_end(ap);
    return out;
}

static int64_t sql(const char *name, const char *q)
{
    char *p = tst_path(dir, name);
    int64_t v = tst_sql_int(p, q);
    free(p);
    return v;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++)
        n += *s == '\n';
    return n;
}

static void record(const char *db, int n)
{
    for (int i = 0; i < n; i++) {
        int st;
        free(tsh(&st, true, "", "run create/args --db %s", db));
        CU_ASSERT_EQUAL(st, 0);
    }
}

static void test_prune_keep(void)
{
    int st;
    record("p.db", 3);
    free(tsh(&st, true, "", "replay 1 --db p.db"));
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_EQUAL(sql("p.db", "SELECT replay_of FROM runs WHERE id = 4"), 1);
    char *out = tsh(&st, true, "", "prune --keep 2 --db p.db");
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_TRUE(out && strstr(out, "pruned 2 runs"));
    free(out);
    CU_ASSERT_EQUAL(sql("p.db", "SELECT count(*) FROM runs"), 2);
    CU_ASSERT_EQUAL(sql("p.db", "SELECT min(id) FROM runs"), 3);
    CU_ASSERT_EQUAL(sql("p.db", "SELECT count(*) FROM event_batches WHERE run_id < 3"), 0);
    CU_ASSERT_EQUAL(sql("p.db", "SELECT count(*) FROM threads WHERE run_id < 3"), 0);
    CU_ASSERT_EQUAL(sql("p.db", "SELECT count(*) FROM schedules WHERE run_id < 3"), 0);
    CU_ASSERT_TRUE(sql("p.db", "SELECT count(*) FROM event_batches WHERE run_id = 4") > 0);
    CU_ASSERT_EQUAL(sql("p.db", "SELECT count(*) FROM runs WHERE replay_of IS NOT NULL"), 0);
    /* the kept runs still show */
    free(tsh(&st, true, "", "show 4 --db p.db"));
    CU_ASSERT_EQUAL(st, 0);
    /* --older-than: nothing is an hour old */
    out = tsh(&st, true, "", "prune --older-than 1h --db p.db");
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_TRUE(out && strstr(out, "pruned 0 runs"));
    free(out);
    CU_ASSERT_EQUAL(sql("p.db", "SELECT count(*) FROM runs"), 2);
    /* a count past SQLite's integers is refused (bound as a negative one,
     * it deleted every run); the largest keeps them all */
    out = tsh(&st, true, "", "prune --keep 9223372036854775808 --db p.db");
    CU_ASSERT_EQUAL(st, 125);
    CU_ASSERT_EQUAL(count_lines(out), 1);
    free(out);
    out = tsh(&st, true, "", "prune --keep 9223372036854775807 --db p.db");
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_TRUE(out && strstr(out, "pruned 0 runs"));
    free(out);
    CU_ASSERT_EQUAL(sql("p.db", "SELECT count(*) FROM runs"), 2);
    /* replay records under the budget too */
    out = tsh(&st, true, "", "replay 4 --db p.db --max-db-size 1K");
    CU_ASSERT_EQUAL(st, 125);
    CU_ASSERT_TRUE(out && strstr(out, "has reached its size limit of 1 KiB"));
    free(out);
    CU_ASSERT_EQUAL(sql("p.db", "SELECT count(*) FROM runs"), 2);
    /* bad usage: one line, 125 */
    static const char *const bad[] = {"prune --db p.db", "prune --keep x --db p.db",
                                      "prune --older-than 3 --db p.db",
                                      "prune --older-than 2y --db p.db", "prune --keep 1 extra",
                                      "prune --keep 1 --db nothere.db", "vacuum --bogus"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        out = tsh(&st, true, "", "%s", bad[i]);
        CU_ASSERT_EQUAL(st, 125);
        CU_ASSERT_EQUAL(count_lines(out), 1);
        CU_ASSERT_TRUE(out && strstr(out, "threadsim: "));
        free(out);
    }
}

static void test_vacuum_shrinks(void)
{
    int st;
    /* a run with many events, then pruned away */
    char *p = tst_path(dir, "many.py");
    FILE *f = fopen(p, "w");
    fputs("for i in range(20000):\n    print(i)\n", f);
    fclose(f);
    free(p);
    free(tsh(&st, false, "", "run many.py --db v.db"));
    CU_ASSERT_EQUAL(st, 0);
    record("v.db", 1);
    free(tsh(&st, true, "", "prune --keep 1 --db v.db"));
    CU_ASSERT_EQUAL(st, 0);
    free(tsh(&st, true, "", "vacuum --db v.db"));
    CU_ASSERT_EQUAL(st, 0);
    p = tst_path(dir, "v.db");
    struct stat sb;
    CU_ASSERT_EQUAL_FATAL(stat(p, &sb), 0);
    CU_ASSERT_TRUE(sb.st_size < 200 * 1024);
    free(p);
    CU_ASSERT_EQUAL(sql("v.db", "SELECT count(*) FROM runs"), 1);
}

static void test_retention_env(void)
{
    int st;
    for (int i = 0; i < 5; i++) {
        free(tsh(&st, true, "THREADSIM_KEEP=3 ", "run create/args --db r.db"));
        CU_ASSERT_EQUAL(st, 0);
    }
    CU_ASSERT_EQUAL(sql("r.db", "SELECT count(*) FROM runs"), 3);
    CU_ASSERT_EQUAL(sql("r.db", "SELECT min(id) FROM runs"), 3);
    /* without it, a --db database keeps everything */
    record("r.db", 1);
    CU_ASSERT_EQUAL(sql("r.db", "SELECT count(*) FROM runs"), 4);
    char *out = tsh(&st, true, "THREADSIM_KEEP=many ", "run create/args --db r.db");
    CU_ASSERT_EQUAL(st, 125);
    CU_ASSERT_EQUAL(count_lines(out), 1);
    free(out);
}

static void test_runs_limit(void)
{
    int st;
    record("l.db", 22);
    char *out = tsh(&st, false, "", "runs --db l.db");
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_EQUAL(count_lines(out), 21); /* header + 20 */
    free(out);
    out = tsh(&st, false, "", "runs --all --db l.db");
    CU_ASSERT_EQUAL(count_lines(out), 23);
    free(out);
    out = tsh(&st, false, "", "runs --limit 0 --db l.db");
    CU_ASSERT_EQUAL(count_lines(out), 23);
    free(out);
    out = tsh(&st, false, "", "runs --limit 3 --json --db l.db");
    CU_ASSERT_EQUAL(count_lines(out), 3);
    free(out);
}

static void test_max_db_size(void)
{
    int st;
    char *p = tst_path(dir, "spin.py");
    FILE *f = fopen(p, "w");
    /* lines that do not compress much (batches are stored LZ4-compressed:
     * 200000 x's would fit in the budget), 2.3 MB of batches in all */
    fputs("for i in range(200000):\n    print(f'{i * 2654435761 % 4294967296:08x}')\n", f);
    fclose(f);
    free(p);
    char *out = tsh(&st, false, "", "run spin.py --db m.db --max-db-size 1M");
    CU_ASSERT_EQUAL(st, 125);
    CU_ASSERT_EQUAL(count_lines(out), 200000); /* the output streamed in full */
    free(out);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' run spin.py --db m2.db --max-db-size 1M 2>&1 >/dev/null",
             dir, THREADSIM_BINARY);
    out = ts_capture(cmd, &st);
    CU_ASSERT_EQUAL(st, 125);
    CU_ASSERT_TRUE(out && strstr(out, "recording stopped: database 'm2.db' reached its "
                                              "size limit of 1 MiB"));
    CU_ASSERT_TRUE(out && strstr(out, "stays incomplete"));
    free(out);
    CU_ASSERT_EQUAL(sql("m.db", "SELECT count(*) FROM runs WHERE status = 'incomplete'"), 1);
    CU_ASSERT_TRUE(sql("m.db", "SELECT coalesce(sum(n), 0) FROM event_batches") < 200000);
    /* and it stops at the same event every time (the writer thread's pace
     * does not decide it) */
    CU_ASSERT_EQUAL(sql("m.db", "SELECT coalesce(sum(n), 0) FROM event_batches"),
                    sql("m2.db", "SELECT coalesce(sum(n), 0) FROM event_batches"));
    CU_ASSERT_EQUAL(sql("m.db", "SELECT events FROM runs WHERE id = 1"),
                    sql("m2.db", "SELECT events FROM runs WHERE id = 1"));
    /* what was kept reads back whole (the run row's counts are those of
     * the batches stored), and the file is near its budget, not far under */
    out = tsh(&st, false, "", "show 1 --trace --db m.db");
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_TRUE(count_lines(out) > 1000);
    free(out);
    p = tst_path(dir, "m.db");
    struct stat sb;
    CU_ASSERT_EQUAL_FATAL(stat(p, &sb), 0);
    CU_ASSERT_TRUE(sb.st_size < 4 * 1024 * 1024);
    CU_ASSERT_TRUE(sb.st_size > 512 * 1024);
    free(p);
    /* a database already over its budget records nothing more */
    out = tsh(&st, true, "", "run create/args --db m.db --max-db-size 64K");
    CU_ASSERT_EQUAL(st, 125);
    CU_ASSERT_TRUE(out && strstr(out, "has reached its size limit"));
    free(out);
    CU_ASSERT_EQUAL(sql("m.db", "SELECT count(*) FROM runs"), 1);
    /* 0: no limit; bad sizes are usage errors */
    free(tsh(&st, false, "", "run spin.py --db m3.db --max-db-size 0"));
    CU_ASSERT_EQUAL(st, 0);
    out = tsh(&st, true, "", "run create/args --db m.db --max-db-size 12Q");
    CU_ASSERT_EQUAL(st, 125);
    CU_ASSERT_EQUAL(count_lines(out), 1);
    free(out);
}

int main(void)
{
    static const ts_test tests[] = {
        TS_TEST(test_prune_keep),    TS_TEST(test_vacuum_shrinks), TS_TEST(test_retention_env),
        TS_TEST(test_runs_limit),    TS_TEST(test_max_db_size),
    };
    dir = tst_tmpdir();
    if (!dir)
        return 2;
    int rc = ts_test_main("store_keep", tests, sizeof tests / sizeof tests[0]);
    tst_rmdir(dir);
    return rc;
}
