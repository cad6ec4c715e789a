/*
 * tests/test_store_kill.c — recording survives its process dying, and two
 * processes can record into one database at once.
 *
 * Killed midway: a child process records bench/pingpong (1.2M events) into a
 * database that already holds a finished run; once a batch of the child's
 * run is committed the parent kills it (SIGKILL, then in a second test
 * SIGINT). The database must pass PRAGMA integrity_check, the earlier run
 * must be intact (its events hash to its stored hash), the killed run must be
 * listed as 'incomplete' with its committed events consistent with its
 * counters, and recording must go on working.
 *
 * Concurrency: two processes record long runs into one file at once, and
 * several create the same new file at the same moment.
 */
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store_util.h"
#include "traces/hash.h"

/* Events committed for run `id` while it is 'incomplete'; -1 if not (yet). */
static int64_t committed_incomplete(const char *path, int64_t id)
{
    sqlite3 *db;
    int64_t v = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return -1;
    }
    sqlite3_busy_timeout(db, 1000);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT events FROM runs WHERE id = ? AND status = 'incomplete'",
                           -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(s, 1, id);
        if (sqlite3_step(s) == SQLITE_ROW)
            v = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
    }
    sqlite3_close(db);
    return v;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* The events of run `id` hash to its stored trace hash. */
static void check_intact(store *st, int64_t id)
{
    store_run r;
    CU_ASSERT_EQUAL_FATAL(store_run_get(st, id, &r), 0);
    CU_ASSERT_EQUAL(r.status, STORE_OK);
    CU_ASSERT_TRUE(r.has_hash);
    trace t;
    CU_ASSERT_EQUAL_FATAL(store_load_trace(st, id, &t), 0);
    CU_ASSERT_EQUAL(t.n, r.events);
    trace_decision *d;
    size_t nd;
    CU_ASSERT_EQUAL_FATAL(store_load_schedule(st, id, &d, &nd), 0);
    CU_ASSERT_EQUAL(trace_hash(&t, d, nd), r.hash);
    free(d);
    trace_fini(&t);
    store_run_free(&r);
}

static int count_incomplete(void *ud, const store_run *r)
{
    if (r->status == STORE_INCOMPLETE)
        ++*(int *)ud;
    return 0;
}

static void kill_midway(int sig)
{
    char *dir = tst_tmpdir();
    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    char *path = tst_path(dir, "kill.db");
    store *st = tst_open(path, true);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    CU_ASSERT_EQUAL(tst_record(st, "daemon-join/join", "fifo", 0, NULL), 1);
    store_close(st);

    fflush(NULL);
    pid_t pid = fork();
    CU_ASSERT_TRUE_FATAL(pid >= 0);
    if (pid == 0) {
        /* as in a terminal: a shell starting us in the background may have
         * left SIGINT ignored */
        signal(SIGINT, SIG_DFL);
        store *cst = tst_open(path, false);
        int ok = cst && tst_record(cst, "bench/pingpong", "fifo", 0, NULL) > 0;
        _exit(ok ? 0 : 1);
    }
    /* wait for a committed batch of run 2, at most 60 s */
    int64_t seen = -1;
    for (int i = 0; i < 30000 && seen <= 0; i++) {
        seen = committed_incomplete(path, 2);
        if (seen <= 0)
            sleep_ms(2);
    }
    CU_ASSERT_TRUE(seen > 0);
    kill(pid, sig);
    int wst;
    CU_ASSERT_EQUAL(waitpid(pid, &wst, 0), pid);
    CU_ASSERT_TRUE(WIFSIGNALED(wst));
    CU_ASSERT_EQUAL(WIFSIGNALED(wst) ? WTERMSIG(wst) : 0, sig);

    char *ic = tst_sql_text(path, "PRAGMA integrity_check");
    TS_ASSERT_STR_EQ(ic, "ok");
    free(ic);
    st = tst_open(path, false);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    check_intact(st, 1);

    store_run r;
    CU_ASSERT_EQUAL_FATAL(store_run_get(st, 2, &r), 0);
    CU_ASSERT_EQUAL(r.status, STORE_INCOMPLETE);
    CU_ASSERT_FALSE(r.has_hash);
    CU_ASSERT_EQUAL(r.exit_status, -1);
    CU_ASSERT_EQUAL(r.end_time, -1);
    CU_ASSERT_TRUE(r.events >= (uint64_t)seen);
    /* committed rows agree with the row's counters: whole batches only */
    CU_ASSERT_EQUAL(tst_sql_int(path, "SELECT coalesce(sum(n), 0) FROM event_batches "
                                      "WHERE run_id = 2"),
                    (int64_t)r.events);
    CU_ASSERT_EQUAL(tst_sql_int(path, "SELECT max(first_seq + n - 1) FROM event_batches "
                                      "WHERE run_id = 2"),
                    (int64_t)r.events);
    trace_decision *d = NULL;
    size_t nd = 0;
    CU_ASSERT_EQUAL(store_load_schedule(st, 2, &d, &nd), 0);
    CU_ASSERT_EQUAL(nd, r.decisions);
    free(d);
    CU_ASSERT_TRUE(r.events < 1000000); /* it really was cut short */
    store_run_free(&r);
    int incomplete = 0;
    CU_ASSERT_EQUAL(store_runs_each(st, 0, count_incomplete, &incomplete), 0);
    CU_ASSERT_EQUAL(incomplete, 1);

    /* the tool lists it as incomplete, and records on */
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' runs --db '%s'", THREADSIM_BINARY, path);
    int status;
    char *out = ts_capture(cmd, &status);
    CU_ASSERT_EQUAL(status, 0);
    CU_ASSERT_TRUE(out && strstr(out, "bench/pingpong"));
    CU_ASSERT_TRUE(out && strstr(out, "incomplete"));
    free(out);
    CU_ASSERT_EQUAL(tst_record(st, "daemon-join/no-join", "fifo", 0, NULL), 3);
    check_intact(st, 3);
    store_close(st);
    free(path);
    tst_rmdir(dir);
}

static void test_sigkill_midway(void) { kill_midway(SIGKILL); }
static void test_sigint_midway(void) { kill_midway(SIGINT); }

/* Two processes record into one new database at the same time. */
static void test_two_writers(void)
{
    char *dir = tst_tmpdir();
    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    char *path = tst_path(dir, "two.db");
    pid_t pid[2];
    fflush(NULL);
    for (int k = 0; k < 2; k++) {
        pid[k] = fork();
        CU_ASSERT_TRUE_FATAL(pid[k] >= 0);
        if (pid[k] == 0) {
            store *cst = tst_open(path, true);
            int ok = cst != NULL;
            for (int i = 0; ok && i < 5; i++)
                ok = tst_record(cst, "daemon-join/join", "fifo", 0, NULL) > 0;
            int batches = 500; /* ~310 thousand events: 30-odd batches each */
            ok = ok && tst_record_arg(cst, "bench/pingpong", &batches, "random", (uint64_t)k,
                                      NULL) > 0;
            for (int i = 0; ok && i < 5; i++)
                ok = tst_record(cst, "daemon-join/join-timeout-3", "random", (uint64_t)i, NULL) > 0;
            store_close(cst);
            _exit(ok ? 0 : 1);
        }
    }
    for (int k = 0; k < 2; k++) {
        int wst;
        CU_ASSERT_EQUAL(waitpid(pid[k], &wst, 0), pid[k]);
        CU_ASSERT_TRUE(WIFEXITED(wst) && WEXITSTATUS(wst) == 0);
    }
    char *ic = tst_sql_text(path, "PRAGMA integrity_check");
    TS_ASSERT_STR_EQ(ic, "ok");
    free(ic);
    CU_ASSERT_EQUAL(tst_sql_int(path, "SELECT count(*) FROM runs"), 22);
    CU_ASSERT_EQUAL(tst_sql_int(path, "SELECT count(*) FROM runs WHERE status = 'ok'"), 22);
    /* every run's events hash to its hash, and runs of the same scenario,
     * policy and seed agree */
    store *st = tst_open(path, false);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    for (int64_t id = 1; id <= 22; id++)
        check_intact(st, id);
    CU_ASSERT_EQUAL(tst_sql_int(path, "SELECT count(DISTINCT trace_hash) FROM runs WHERE "
                                      "scenario = 'daemon-join/join'"),
                    1);
    CU_ASSERT_EQUAL(tst_sql_int(path, "SELECT max(c) FROM (SELECT count(DISTINCT trace_hash) "
                                      "AS c FROM runs WHERE scenario = "
                                      "'daemon-join/join-timeout-3' GROUP BY seed)"),
                    1);
    CU_ASSERT_EQUAL(tst_sql_int(path, "SELECT count(*) FROM runs WHERE scenario = "
                                      "'daemon-join/join-timeout-3'"),
                    10);
    store_close(st);
    free(path);
    tst_rmdir(dir);
}

/* Several processes create the same new database at the same moment (they
 * wait on a pipe, then go): each must see either a fresh file or a finished
 * schema, never a half-made one, and every one records its run. */
static void test_concurrent_create(void)
{
    enum { ROUNDS = 15, PROCS = 4 };
    char *dir = tst_tmpdir();
    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    for (int round = 0; round < ROUNDS; round++) {
        char name[32];
        snprintf(name, sizeof name, "c%d.db", round);
        char *path = tst_path(dir, name);
        int go[2];
        CU_ASSERT_EQUAL_FATAL(pipe(go), 0);
        pid_t pid[PROCS];
        fflush(NULL);
        for (int k = 0; k < PROCS; k++) {
            pid[k] = fork();
            CU_ASSERT_TRUE_FATAL(pid[k] >= 0);
            if (pid[k] == 0) {
                close(go[1]);
                char c;
                if (read(go[0], &c, 1) != 0)
                    _exit(3);
                store *cst = tst_open(path, true);
                int ok = cst && tst_record(cst, "daemon-join/no-join", "fifo", 0, NULL) > 0;
                store_close(cst);
                _exit(ok ? 0 : 1);
            }
        }
        close(go[0]);
        close(go[1]); /* everybody's read() returns now */
        int fails = 0;
        for (int k = 0; k < PROCS; k++) {
            int wst;
            waitpid(pid[k], &wst, 0);
            fails += !(WIFEXITED(wst) && WEXITSTATUS(wst) == 0);
        }
        CU_ASSERT_EQUAL(fails, 0);
        CU_ASSERT_EQUAL(tst_sql_int(path, "SELECT count(*) FROM runs WHERE status = 'ok'"), PROCS);
        free(path);
        if (fails)
            break;
    }
    tst_rmdir(dir);
}

TS_TESTS("store_kill", TS_TEST(test_sigkill_midway), TS_TEST(test_sigint_midway),
         TS_TEST(test_two_writers), TS_TEST(test_concurrent_create))
