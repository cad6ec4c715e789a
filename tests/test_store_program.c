/*
 * tests/test_store_program.c — a .py run carries its program (schema
 * version 4): the source is stored once per distinct text, replay runs the
 * recorded text after the file changed (with a one-line note) or was
 * deleted, the program's arguments come back too, pruning drops programs no
 * run names, and a version-2 database is upgraded keeping its runs.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_util.h"

static char *dir; /* the suite's temporary directory */

/* `threadsim ARGS` in dir; stdout (2>/dev/null) or, with err, stderr only. */
static char *tsh(int *status, bool err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static char *tsh(int *status, bool err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *out = ts_threadsim_in(dir, "", err ? TS_STDERR : TS_STDOUT, status, fmt, ap);
    va_end(ap);
    return out;
}

static void write_file(const char *name, const char *text)
{
    char *p = tst_path(dir, name);
    FILE *f = fopen(p, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(text, f);
    fclose(f);
    free(p);
}

static int64_t sql(const char *name, const char *q)
{
    char *p = tst_path(dir, name);
    int64_t v = tst_sql_int(p, q);
    free(p);
    return v;
}

static const char prog_py[] =
    "import sys, threading\n"
    "def f(n):\n"
    "    print('hello', n, sys.argv[1:])\n"
    "ts = [threading.Thread(target=f, args=(i,)) for i in range(3)]\n"
    "for t in ts: t.start()\n"
    "for t in ts: t.join()\n";

static void test_replay_after_change_and_delete(void)
{
    int st;
    write_file("prog.py", prog_py);
    char *first = tsh(&st, false, "run prog.py --db p.db --policy random --seed 7 -- a 'b c'");
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_TRUE(first && strstr(first, "['a', 'b c']"));
    free(first);
    /* a second run of the same text stores no second copy */
    free(tsh(&st, false, "run prog.py --db p.db"));
    CU_ASSERT_EQUAL(sql("p.db", "SELECT count(*) FROM programs"), 1);
    CU_ASSERT_EQUAL(sql("p.db", "SELECT count(DISTINCT program) FROM runs"), 1);
    /* runs --json names it: the programs row's key, the same for both runs */
    char *json = tsh(&st, false, "runs --json --db p.db");
    char *pdb = tst_path(dir, "p.db");
    char *key = tst_sql_text(pdb, "SELECT hash FROM programs");
    free(pdb);
    char want[128];
    snprintf(want, sizeof want, "\"program\":\"%s\"", key ? key : "?");
    CU_ASSERT_TRUE(json && strstr(json, want) && strstr(strstr(json, want) + 1, want));
    free(key);
    free(json);
    /* changed file: identical trace, and one note */
    write_file("prog.py", "print('something else')\n");
    char *err = tsh(&st, true, "replay 1 --db p.db");
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_TRUE(err && strstr(err, "note: 'prog.py' has changed since run 1 was recorded"));
    free(err);
    char *out = tsh(&st, false, "replay 1 --db p.db");
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_TRUE(out && strstr(out, "is identical"));
    free(out);
    CU_ASSERT_EQUAL(sql("p.db", "SELECT count(*) FROM runs WHERE trace_hash = "
                                "(SELECT trace_hash FROM runs WHERE id = 1)"),
                    3);
    /* the replay's own run carries the program too, with its arguments */
    out = tsh(&st, false, "show 3 --db p.db");
    CU_ASSERT_TRUE(out && strstr(out, "['a', 'b c']"));
    free(out);
    /* deleted file: replay works, and says so */
    char *p = tst_path(dir, "prog.py");
    unlink(p);
    free(p);
    err = tsh(&st, true, "replay 1 --db p.db");
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_TRUE(err && strstr(err, "note: 'prog.py' is gone"));
    free(err);
    /* an unchanged file: no note */
    write_file("prog.py", prog_py);
    err = tsh(&st, true, "replay 2 --db p.db");
    CU_ASSERT_EQUAL(st, 0);
    TS_ASSERT_STR_EQ(err, "");
    free(err);
    /* tracebacks name the original path */
    write_file("boom.py", "raise ValueError('x')\n");
    free(tsh(&st, false, "run boom.py --db b.db"));
    CU_ASSERT_EQUAL(st, 1);
    p = tst_path(dir, "boom.py");
    unlink(p);
    free(p);
    free(tsh(&st, false, "replay 1 --db b.db"));
    CU_ASSERT_EQUAL(st, 0);
    out = tsh(&st, true, "show 2 --db b.db"); /* the program's stderr */
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_TRUE(out && strstr(out, "File \"boom.py\", line 1"));
    free(out);
}

/* step --replay TOKEN of a .py that changed or went: the newest recorded
 * text is stepped, with a note; the output is the recorded program's. */
static void test_step_replay_recorded(void)
{
    int st;
    write_file("s.py", "print('recorded')\n");
    char *out = tsh(&st, false, "step s.py --db s.db --commands 'continue'");
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_TRUE(out && strstr(out, "replay token: s.py:"));
    free(out);
    CU_ASSERT_EQUAL(sql("s.db", "SELECT count(*) FROM runs WHERE program IS NOT NULL"), 1);
    write_file("s.py", "print('edited')\n");
    /* --no-db: the file as it is */
    out = tsh(&st, false, "step --replay s.py:Ag --no-db --commands 'continue'");
    CU_ASSERT_TRUE(out && strstr(out, "edited"));
    free(out);
    char *err = tsh(&st, true, "step --replay s.py:Ag --db s.db --commands 'continue'");
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_TRUE(err && strstr(err, "note: 's.py' has changed since run 1 was recorded"));
    free(err);
    out = tsh(&st, false, "step --replay s.py:Ag --db s.db --commands 'continue'");
    CU_ASSERT_TRUE(out && strstr(out, "recorded") && !strstr(out, "edited"));
    free(out);
    char *p = tst_path(dir, "s.py");
    unlink(p);
    free(p);
    err = tsh(&st, true, "step --replay s.py:Ag --db s.db --commands 'continue'");
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_TRUE(err && strstr(err, "note: 's.py' is gone"));
    free(err);
}

static void test_prune_drops_programs(void)
{
    int st;
    write_file("one.py", "print(1)\n");
    write_file("two.py", "print(2)\n");
    free(tsh(&st, false, "run one.py --db q.db"));
    free(tsh(&st, false, "run two.py --db q.db"));
    CU_ASSERT_EQUAL(sql("q.db", "SELECT count(*) FROM programs"), 2);
    free(tsh(&st, false, "prune --keep 1 --db q.db"));
    CU_ASSERT_EQUAL(st, 0);
    CU_ASSERT_EQUAL(sql("q.db", "SELECT count(*) FROM programs"), 1);
    CU_ASSERT_EQUAL(sql("q.db", "SELECT count(*) FROM runs r JOIN programs p ON p.hash = r.program"),
                    1);
}

static void test_upgrade_from_v3(void)
{
    char *path = tst_path(dir, "old.db");
    size_t n;
    const store_migration *m = store_builtin_migrations(&n);
    CU_ASSERT_TRUE_FATAL(n >= 3);
    store_open_opts o = store_open_opts_default();
    o.create = true;
    o.migrations = m;
    o.nmigrations = 3; /* events in batches, no programs yet */
    char err[512];
    store *st = store_open(path, &o, err, sizeof err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    CU_ASSERT_EQUAL(store_schema_version(st), 3);
    CU_ASSERT_TRUE(tst_record(st, "daemon-join/join", "fifo", 0, NULL) > 0);
    store_close(st);
    int64_t events = tst_sql_int(path, "SELECT coalesce(sum(n), 0) FROM event_batches");
    CU_ASSERT_TRUE(events > 0);
    /* the default schema upgrades it, keeping every row */
    st = tst_open(path, false);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    CU_ASSERT_EQUAL(store_schema_version(st), STORE_SCHEMA_VERSION);
    char *src = NULL;
    size_t len = 0;
    CU_ASSERT_EQUAL(store_program_get(st, 1, &src, &len, NULL), 0);
    CU_ASSERT_PTR_NULL(src);
    store_close(st);
    CU_ASSERT_EQUAL(tst_sql_int(path, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    CU_ASSERT_EQUAL(tst_sql_int(path, "SELECT count(*) FROM runs WHERE status = 'ok'"), 1);
    CU_ASSERT_EQUAL(tst_sql_int(path, "SELECT coalesce(sum(n), 0) FROM event_batches"), events);
    CU_ASSERT_EQUAL(tst_sql_int(path, "SELECT count(*) FROM runs WHERE program IS NULL"), 1);
    free(path);
    int rc;
    char *out = tsh(&rc, false, "replay 1 --db old.db");
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_TRUE(out && strstr(out, "is identical"));
    free(out);
}

int main(void)
{
    static const ts_test tests[] = {
        TS_TEST(test_replay_after_change_and_delete),
        TS_TEST(test_step_replay_recorded),
        TS_TEST(test_prune_drops_programs),
        TS_TEST(test_upgrade_from_v3),
    };
    dir = tst_tmpdir();
    if (!dir)
        return 2;
    int rc = ts_test_main("store_program", tests, sizeof tests / sizeof tests[0]);
    tst_rmdir(dir);
    return rc;
}
