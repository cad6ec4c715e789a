/*
 * tests/test_cli_numbers.c — numbers on the command line, through the real
 * binary: every integer option is decimal digits only and range-checked
 * (never clamped: --seed 99999999999999999999999 used to become 2^64-1),
 * seconds are plain decimal numbers (no inf, nan, sign or blanks), sizes are
 * digits with K/M/G, and run references (ids, last, last~N) are checked
 * before they reach SQLite. Each refusal is one line on stderr and exit 125
 * (TS_EXIT_USAGE).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_util.h"

static char *dir;

/* `threadsim ARGS` in `dir`; returns stderr, stdout discarded. */
static char *ts_err(int *status, const char *args)
{
    return ts_threadsim(dir, TS_STDERR, status, "%s", args);
}

/* `args` is refused: exit 125 and one line "threadsim: ..." containing `needle`. */
static void refused(const char *args, const char *needle, int line)
{
    int st = -1;
    char *err = ts_err(&st, args);
    bool one = err && strncmp(err, "threadsim: ", 11) == 0 && strchr(err, '\n') &&
               strchr(err, '\n') == err + strlen(err) - 1;
    bool ok = st == 125 && one && strstr(err, needle);
    if (!ok)
        fprintf(stderr, "\nline %d: threadsim %s\n  want exit 125 and one line with \"%s\"\n  got "
                        "exit %d: %s\n",
                line, args, needle, st, err ? err : "(null)");
    CU_ASSERT_TRUE(ok);
    free(err);
}
#define REFUSED(args, needle) refused(args, needle, __LINE__)

static void accepted(const char *args, int line)
{
    int st = -1;
    char *err = ts_err(&st, args);
    if (st != 0)
        fprintf(stderr, "\nline %d: threadsim %s\n  want exit 0, got %d: %s\n", line, args, st,
                err ? err : "(null)");
    CU_ASSERT_EQUAL(st, 0);
    free(err);
}
#define ACCEPTED(args) accepted(args, __LINE__)

#define RUN "run daemon-join/no-join --no-db "

static void test_seed(void)
{
    REFUSED(RUN "--seed 99999999999999999999999", "out of range");
    REFUSED(RUN "--seed 18446744073709551616", "out of range");
    ACCEPTED(RUN "--seed 18446744073709551615");
    ACCEPTED(RUN "--seed 0");
    const char *bad[] = {"' 5'", "'5 '", "+5", "-1", "0x10", "1e3", "''", "5.0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char args[256];
        snprintf(args, sizeof args, RUN "--seed %s", bad[i]);
        REFUSED(args, "decimal digits only");
    }
    REFUSED(RUN "--seed", "needs a value");
}

static void test_integer_options(void)
{
    REFUSED(RUN "--max-events 99999999999999999999", "out of range");
    REFUSED(RUN "--max-events +5", "decimal digits only");
    REFUSED(RUN "--stack-size ' 65536'", "decimal digits only");
    REFUSED(RUN "--stack-size 99999999999999999999", "out of range");
    REFUSED(RUN "--switch-steps 4294967296", "--switch-steps");
    REFUSED(RUN "--switch-steps -1", "decimal digits only");
    REFUSED("runs --limit 99999999999999999999", "out of range");
    REFUSED("runs --limit 0x10", "decimal digits only");
    REFUSED("explore daemon-join/no-join --no-db --schedules 99999999999999999999",
            "out of range");
    REFUSED("explore daemon-join/no-join --no-db --shard 1/99999999999999999999", "out of range");
    REFUSED("explore daemon-join/no-join --no-db --shard +1/2", "decimal digits only");
    ACCEPTED(RUN "--max-events 100000");
}

static void test_seconds(void)
{
    const char *bad[] = {"inf", "nan", "-1", "' 1'", "+1", "0x1p3", "1s", "''", "1e"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char args[256];
        snprintf(args, sizeof args, RUN "--max-time %s", bad[i]);
        REFUSED(args, "needs a number of seconds");
    }
    REFUSED(RUN "--max-time 1e400", "out of range");
    REFUSED(RUN "--max-time 1e-400", "out of range");
    REFUSED(RUN "--switch-interval 2e9", "out of range");
    ACCEPTED(RUN "--max-time .5");
    ACCEPTED(RUN "--max-time 2.5e1");
    ACCEPTED(RUN "--switch-interval 0.005");
}

static void test_sizes_and_policies(void)
{
    const char *py = "run " THREADSIM_SOURCE_DIR "/traces/py/daemon_join_no_join.py --no-db ";
    char args[512];
    snprintf(args, sizeof args, "%s--max-memory 99999999999999999999K", py);
    REFUSED(args, "out of range");
    snprintf(args, sizeof args, "%s--max-memory 17179869184G", py); /* 2^34 G = 2^64 bytes */
    REFUSED(args, "out of range");
    snprintf(args, sizeof args, "%s--max-memory ' 5M'", py);
    REFUSED(args, "positive size");
    snprintf(args, sizeof args, "%s--max-memory +5M", py);
    REFUSED(args, "positive size");
    snprintf(args, sizeof args, "%s--max-output 0", py);
    REFUSED(args, "positive size");
    snprintf(args, sizeof args, "%s--max-memory 64M", py);
    ACCEPTED(args);
    REFUSED(RUN "--policy pct:99999999999999999999", "--policy needs");
    REFUSED(RUN "--policy pct:+3", "--policy needs");
    REFUSED(RUN "--policy pct:3:0", "--policy needs");
    REFUSED(RUN "--policy pct:3:", "--policy needs");
    ACCEPTED(RUN "--policy pct:3:1000");
}

static void test_run_references(void)
{
    ACCEPTED("run daemon-join/no-join --db t.db");
    ACCEPTED("run daemon-join/no-join --db t.db");
    ACCEPTED("show last~1 --db t.db");
    ACCEPTED("show 01 --db t.db");
    REFUSED("show last~2 --db t.db", "has fewer than 3 runs");
    /* last~N: N past int64 used to overflow; the largest N names a count */
    REFUSED("show last~99999999999999999999 --db t.db", "out of range");
    REFUSED("show last~9223372036854775807 --db t.db", "out of range");
    REFUSED("show last~9223372036854775806 --db t.db", "has fewer than 9223372036854775807 runs");
    REFUSED("show 9223372036854775808 --db t.db", "out of range");
    REFUSED("show 9223372036854775807 --db t.db", "has no run 9223372036854775807");
    const char *bad[] = {"0", "last~", "last~+1", "last~-1", "'last~ 1'", "+1", "' 1'", "0x1",
                         "1e0", "last~1x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char args[256];
        snprintf(args, sizeof args, "show %s --db t.db", bad[i]);
        REFUSED(args, "is not a run");
    }
    REFUSED("replay last~99999999999999999999 --db t.db", "out of range");
    REFUSED("diff 1 99999999999999999999 --db t.db", "out of range");
    REFUSED("show exploration last~99999999999999999999 --db t.db", "out of range");
    /* nothing was recorded by the refusals */
    char *db = tst_path(dir, "t.db");
    CU_ASSERT_EQUAL(tst_sql_int(db, "SELECT count(*) FROM runs"), 2);
    free(db);
}

static void suite(void (*fn)(void))
{
    dir = tst_tmpdir();
    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    fn();
    tst_rmdir(dir);
}

static void t_seed(void) { suite(test_seed); }
static void t_integer_options(void) { suite(test_integer_options); }
static void t_seconds(void) { suite(test_seconds); }
static void t_sizes_and_policies(void) { suite(test_sizes_and_policies); }
static void t_run_references(void) { suite(test_run_references); }

TS_TESTS("cli_numbers", TS_TEST(t_seed), TS_TEST(t_integer_options), TS_TEST(t_seconds),
         TS_TEST(t_sizes_and_policies), TS_TEST(t_run_references))
