/*
 * tests/test_store_diff.c — diffs of views: the first difference and the
 * unified diff (byte for byte what GNU `diff -u --label a --label b` prints
 * for the same inputs), and diffs of recorded runs: equal runs, different
 * runs with the first divergence at the right event, run against file.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "store_util.h"
#include "traces/diff.h"
#include "traces/hash.h"

/* Diff a and b; the unified diff must be exactly `expected` (NULL: same). */
static trace_diff diff_is(const char *a, const char *b, const char *expected)
{
    trace_diff_opts o = trace_diff_opts_default();
    sim_buf out = {0};
    trace_diff d;
    bool same = trace_diff_text(a, strlen(a), b, strlen(b), &o, &out, &d);
    CU_ASSERT_EQUAL(same, expected == NULL);
    if (expected)
        TS_ASSERT_STR_EQ(sim_buf_str(&out), expected);
    else
        CU_ASSERT_EQUAL(out.len, 0);
    sim_buf_free(&out);
    return d;
}

static void test_equal_texts(void)
{
    trace_diff d = diff_is("a\nb\n", "a\nb\n", NULL);
    CU_ASSERT_TRUE(d.same);
    CU_ASSERT_EQUAL(d.na, 2);
    d = diff_is("", "", NULL);
    CU_ASSERT_EQUAL(d.na, 0);
}

static void test_one_line_changed(void)
{
    trace_diff d = diff_is("a\nb\nc\n", "a\nB\nc\n",
                           "--- a\n+++ b\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
    CU_ASSERT_EQUAL(d.first, 1);
    CU_ASSERT_EQUAL(d.len_a, 2);
    CU_ASSERT_EQUAL(memcmp(d.line_a, "b\n", 2), 0);
    CU_ASSERT_EQUAL(memcmp(d.line_b, "B\n", 2), 0);
}

static void test_one_side_longer(void)
{
    trace_diff d = diff_is("a\nb\n", "a\nb\nc\n", "--- a\n+++ b\n@@ -1,2 +1,3 @@\n a\n b\n+c\n");
    CU_ASSERT_EQUAL(d.first, 2);
    CU_ASSERT_PTR_NULL(d.line_a);
    CU_ASSERT_EQUAL(memcmp(d.line_b, "c\n", 2), 0);
    d = diff_is("x\ny\n", "", "--- a\n+++ b\n@@ -1,2 +0,0 @@\n-x\n-y\n");
    CU_ASSERT_EQUAL(d.first, 0);
    CU_ASSERT_PTR_NULL(d.line_b);
}

static void test_no_newline_at_end(void)
{
    trace_diff d = diff_is("a\nb", "a\nc",
                           "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n"
                           "+c\n\\ No newline at end of file\n");
    CU_ASSERT_EQUAL(d.first, 1);
    /* "b" and "b\n" differ */
    d = diff_is("a\nb", "a\nb\n", "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n"
                                   "\\ No newline at end of file\n+b\n");
    CU_ASSERT_EQUAL(d.first, 1);
}

static char *numbers(int n, int change1, const char *to1, int change2, const char *to2)
{
    sim_buf b = {0};
    for (int i = 1; i <= n; i++) {
        if (i == change1)
            sim_buf_printf(&b, "%s\n", to1);
        else if (i == change2)
            sim_buf_printf(&b, "%s\n", to2);
        else
            sim_buf_printf(&b, "%d\n", i);
    }
    return sim_buf_take(&b);
}

static void test_hunks_split_and_merged(void)
{
    char *a = numbers(20, 0, NULL, 0, NULL);
    char *b = numbers(20, 2, "two", 15, "fifteen");
    trace_diff d = diff_is(a, b,
                           "--- a\n+++ b\n"
                           "@@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n 4\n 5\n"
                           "@@ -12,7 +12,7 @@\n 12\n 13\n 14\n-15\n+fifteen\n 16\n 17\n 18\n");
    CU_ASSERT_EQUAL(d.first, 1);
    free(b);
    b = numbers(20, 2, "two", 8, "eight");
    diff_is(a, b,
            "--- a\n+++ b\n@@ -1,11 +1,11 @@\n 1\n-2\n+two\n 3\n 4\n 5\n 6\n 7\n-8\n+eight\n"
            " 9\n 10\n 11\n");
    free(b);
    free(a);
}

static void test_insert_and_delete(void)
{
    char *a = numbers(10, 0, NULL, 0, NULL);
    sim_buf b = {0};
    for (int i = 1; i <= 10; i++) {
        sim_buf_printf(&b, "%d\n", i);
        if (i == 5)
            sim_buf_adds(&b, "new\n");
    }
    trace_diff d = diff_is(a, sim_buf_str(&b),
                           "--- a\n+++ b\n@@ -3,6 +3,7 @@\n 3\n 4\n 5\n+new\n 6\n 7\n 8\n");
    CU_ASSERT_EQUAL(d.first, 5);
    CU_ASSERT_EQUAL(memcmp(d.line_a, "6\n", 2), 0);
    CU_ASSERT_EQUAL(memcmp(d.line_b, "new\n", 4), 0);
    sim_buf_free(&b);
    diff_is(a, a + 2, "--- a\n+++ b\n@@ -1,4 +1,3 @@\n-1\n 2\n 3\n 4\n");
    free(a);
}

/* Completely different long texts: windowed, truncated, and says so. */
static void test_long_difference_truncated(void)
{
    sim_buf a = {0}, b = {0};
    for (int i = 0; i < 5000; i++) {
        sim_buf_printf(&a, "a%d\n", i);
        sim_buf_printf(&b, "b%d\n", i);
    }
    trace_diff_opts o = trace_diff_opts_default();
    sim_buf out = {0};
    trace_diff d;
    CU_ASSERT_FALSE(trace_diff_text(a.p, a.len, b.p, b.len, &o, &out, &d));
    CU_ASSERT_TRUE(d.truncated);
    CU_ASSERT_EQUAL(d.first, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.p, "diff truncated"));
    /* at most max_lines body lines, plus headers */
    size_t lines = 0;
    for (size_t i = 0; i < out.len; i++)
        lines += out.p[i] == '\n';
    CU_ASSERT_TRUE(lines <= o.max_lines + 4);
    sim_buf_free(&a);
    sim_buf_free(&b);
    sim_buf_free(&out);
}

/* ---- recorded runs ------------------------------------------------------------ */

static char *dir;

static bool report(const char *a, size_t na, const char *b, size_t nb, const char *la,
                   const char *lb, bool full, sim_buf *out)
{
    trace_diff_opts o = trace_diff_opts_default();
    o.label_a = la;
    o.label_b = lb;
    return trace_diff_report(a, na, b, nb, &o, full, out);
}

static char *stored_full(store *st, int64_t id)
{
    sim_buf b = {0};
    CU_ASSERT_EQUAL(store_view(st, id, true, &b), 0);
    return sim_buf_take(&b);
}

static void test_equal_runs(void)
{
    dir = tst_tmpdir();
    char *path = tst_path(dir, "d.db");
    store *st = tst_open(path, true);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    int64_t a = tst_record(st, "daemon-join/no-join", "fifo", 0, NULL);
    int64_t b = tst_record(st, "daemon-join/no-join", "fifo", 0, NULL);
    char *fa = stored_full(st, a), *fb = stored_full(st, b);
    sim_buf out = {0};
    CU_ASSERT_TRUE(report(fa, strlen(fa), fb, strlen(fb), "a", "b", true, &out));
    CU_ASSERT_EQUAL(out.len, 0);
    store_run ra, rb;
    CU_ASSERT_EQUAL(store_run_get(st, a, &ra), 0);
    CU_ASSERT_EQUAL(store_run_get(st, b, &rb), 0);
    CU_ASSERT_EQUAL(ra.hash, rb.hash);
    trace t;
    trace_decision *d;
    size_t nd;
    CU_ASSERT_EQUAL_FATAL(store_load_trace(st, a, &t), 0);
    CU_ASSERT_EQUAL_FATAL(store_load_schedule(st, a, &d, &nd), 0);
    CU_ASSERT_EQUAL(ra.hash, trace_hash(&t, d, nd));
    free(d);
    trace_fini(&t);
    store_run_free(&ra);
    store_run_free(&rb);
    free(fa);
    free(fb);
    store_close(st);
    free(path);
}

/* join-timeout-3 and join-timeout-7 run alike until main's join: the first
 * difference is that block event, its deadline 3 s against 7 s. */
static void test_different_runs_first_divergence(void)
{
    char *path = tst_path(dir, "d.db");
    store *st = tst_open(path, false);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    trace t3, t7;
    int64_t a = tst_record(st, "daemon-join/join-timeout-3", "fifo", 0, &t3);
    int64_t b = tst_record(st, "daemon-join/join-timeout-7", "fifo", 0, &t7);
    /* the reference: the first event whose full-view line differs */
    size_t ref = 0;
    trace_names na, nb;
    trace_names_init(&na);
    trace_names_init(&nb);
    for (; ref < t3.n && ref < t7.n; ref++) {
        sim_buf la = {0}, lb = {0};
        sim_event ea = trace_event_view(&t3.ev[ref]), eb = trace_event_view(&t7.ev[ref]);
        trace_names_see(&na, &ea);
        trace_names_see(&nb, &eb);
        trace_fmt_line(&la, &na, &ea);
        trace_fmt_line(&lb, &nb, &eb);
        bool differ = strcmp(la.p, lb.p) != 0;
        sim_buf_free(&la);
        sim_buf_free(&lb);
        if (differ)
            break;
    }
    trace_names_fini(&na);
    trace_names_fini(&nb);

    char *fa = stored_full(st, a), *fb = stored_full(st, b);
    trace_diff_opts o = trace_diff_opts_default();
    trace_diff d;
    sim_buf body = {0};
    CU_ASSERT_FALSE(trace_diff_text(fa, strlen(fa), fb, strlen(fb), &o, &body, &d));
    CU_ASSERT_EQUAL(d.first, ref);
    CU_ASSERT_EQUAL(t3.ev[ref].seq, d.first + 1);
    CU_ASSERT_EQUAL(t3.ev[ref].kind, SIM_EV_BLOCK);
    CU_ASSERT_PTR_NOT_NULL(strstr(d.line_a, "block    join Thread daemon until 3.000000000\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(d.line_b, "block    join Thread daemon until 7.000000000\n"));
    sim_buf_free(&body);

    /* the report names the event and quotes both lines */
    sim_buf out = {0};
    CU_ASSERT_FALSE(report(fa, strlen(fa), fb, strlen(fb), "run a", "run b", true, &out));
    char head[64];
    snprintf(head, sizeof head, "first difference at event %zu:\n  - ", ref + 1);
    CU_ASSERT_EQUAL(strncmp(out.p, head, strlen(head)), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.p, "\n--- run a\n+++ run b\n@@ -"));
    sim_buf_free(&out);
    free(fa);
    free(fb);
    trace_fini(&t3);
    trace_fini(&t7);
    store_close(st);
    free(path);
}

/* A run's output view against expected files: its own matches, another's not. */
static void test_run_against_expected_file(void)
{
    char *path = tst_path(dir, "d.db");
    store *st = tst_open(path, false);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    int64_t id = tst_record(st, "daemon-join/join-timeout-3", "fifo", 0, NULL);
    sim_buf out = {0};
    CU_ASSERT_EQUAL(store_view(st, id, false, &out), 0);
    size_t n3, n7;
    char *e3 = ts_read_file(THREADSIM_SOURCE_DIR "/traces/expected/daemon-join/join-timeout-3.out",
                            &n3);
    char *e7 = ts_read_file(THREADSIM_SOURCE_DIR "/traces/expected/daemon-join/join-timeout-7.out",
                            &n7);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e3);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e7);
    sim_buf rep = {0};
    CU_ASSERT_TRUE(report(out.p, out.len, e3, n3, "run", "file", false, &rep));
    CU_ASSERT_FALSE(report(out.p, out.len, e7, n7, "run", "file", false, &rep));
    /* 3 s: "d.isAlive() True" comes before the daemon's "Exiting"; 7 s: after */
    TS_ASSERT_STR_EQ(rep.p, "first difference at line 4:\n"
                            "  - d.isAlive() True\n"
                            "  + (daemon   ) Exiting\n"
                            "--- run\n+++ file\n"
                            "@@ -1,4 +1,5 @@\n"
                            " (daemon   ) Starting\n"
                            " (non-daemon) Starting\n"
                            " (non-daemon) Exiting\n"
                            "-d.isAlive() True\n"
                            "+(daemon   ) Exiting\n"
                            "+d.isAlive() False\n");
    sim_buf_free(&rep);
    sim_buf_free(&out);
    free(e3);
    free(e7);
    store_close(st);
    free(path);
    tst_rmdir(dir);
    dir = NULL;
}

TS_TESTS("store_diff", TS_TEST(test_equal_texts), TS_TEST(test_one_line_changed),
         TS_TEST(test_one_side_longer), TS_TEST(test_no_newline_at_end),
         TS_TEST(test_hunks_split_and_merged), TS_TEST(test_insert_and_delete),
         TS_TEST(test_long_difference_truncated), TS_TEST(test_equal_runs),
         TS_TEST(test_different_runs_first_divergence), TS_TEST(test_run_against_expected_file))
