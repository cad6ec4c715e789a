/*
 * tests/test_py_corpus.c — the tutorial programs as Python files (issue 5,
 * item 7), run through the CLI and compared byte for byte with their
 * expected outputs.
 *
 * The corpus is every .py file in a sub-folder of traces/py/ (Python 2, as
 * the tutorial pages write them; run with --python 2) and every .py file
 * under traces/py3/ (the Python 3 ports; their expected output is what
 * CPython 3.11 prints, see traces/py/NOTES.md). Each X.py has its expected
 * output beside it in X.out. Files directly in traces/py/ (the seed's
 * programs, daemon_join_*.py and py3_*.py) are checked by test_py_modules.
 *
 * A program may carry directives in comment lines of the form
 * `# threadsim: WORD ARGS`, read by tools/pydirective.c (the same reader
 * `threadsim check FILE.py` uses, so the two cannot drift):
 *   python N           the dialect; every traces/py file says `python 2`,
 *                      no traces/py3 file does (checked here)
 *   scenario NAME      the built-in scenario it is (informational for
 *                      traces/py3; for traces/py the .out must equal
 *                      traces/expected/NAME.out but for object addresses,
 *                      so the two cannot drift)
 *   options ARGS       extra options for `threadsim run` (e.g. --max-time 30)
 *   exit N             the expected exit status (default 0)
 *   cpython-timeout S  for tools/oracle.sh only (ignored here)
 * Each file runs as `threadsim run FILE --no-db --python N OPTIONS 2>&1`
 * from its corpus root (so a traceback names `page/file.py`). With a
 * non-zero expected exit status the CLI's own diagnostics (lines starting
 * `threadsim: `, after a newline if the program left a line unfinished)
 * may follow the program's output; they are not part of the .out file.
 *
 * Programs the interpreter cannot run yet are listed in XFAIL below, each
 * with the reason. The list is kept honest both ways: an unlisted file that
 * fails fails the test, and so does a listed file that passes (remove it
 * from the list) or a listed file that does not exist.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/asan.h"
#include "test_util.h"
#include "tools/pydirective.h"

/* Expected failures: corpus path (relative to traces/) and why. */
typedef struct corpus_xfail {
    const char *path;   /* e.g. "py/lock/counter.py"; NULL ends the list */
    const char *reason; /* what the interpreter lacks */
} corpus_xfail;

/* The programs the interpreter cannot run yet (shrink it as it grows).
 * Empty since every corpus program passes. */
static const corpus_xfail XFAIL[] = {
    /* e.g. {"py/queue/producer-consumer.py", "no Queue module"}, */
    {NULL, NULL},
};

/* ---- collecting the files ----------------------------------------------- */

typedef struct corpus_list {
    char **path; /* relative to traces/, e.g. "py3/queue/producer-consumer.py" */
    size_t n, cap;
} corpus_list;

static void corpus_add(corpus_list *l, const char *path)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->path = realloc(l->path, l->cap * sizeof *l->path);
    }
    l->path[l->n++] = strdup(path);
}

/* Every *.py under traces/REL (recursively); at depth 0 only sub-folders
 * are entered when `subdirs_only`. */
static void corpus_walk(corpus_list *l, const char *rel, int depth, bool subdirs_only)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/traces/%s", THREADSIM_SOURCE_DIR, rel);
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char sub[1024], full[2048];
        snprintf(sub, sizeof sub, "%s/%s", rel, e->d_name);
        snprintf(full, sizeof full, "%s/%s", dir, e->d_name);
        struct stat sb;
        if (stat(full, &sb) != 0)
            continue;
        size_t n = strlen(e->d_name);
        if (S_ISDIR(sb.st_mode))
            corpus_walk(l, sub, depth + 1, false);
        else if (!(subdirs_only && depth == 0) && n > 3 && strcmp(e->d_name + n - 3, ".py") == 0)
            corpus_add(l, sub);
    }
    closedir(d);
}

static int corpus_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The corpus, sorted (readdir order is the file system's). */
static corpus_list corpus_files(const char *root, bool subdirs_only)
{
    corpus_list l = {0};
    corpus_walk(&l, root, 0, subdirs_only);
    if (l.n)
        qsort(l.path, l.n, sizeof *l.path, corpus_cmp);
    return l;
}

static void corpus_free(corpus_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->path[i]);
    free(l->path);
}

/* ---- directives --------------------------------------------------------- */

/* The file's directives; a malformed one fails the test. */
static ts_pydirectives corpus_directives(const char *path, const char *src)
{
    ts_pydirectives d;
    char err[256];
    if (ts_pydirectives_parse(src, &d, err, sizeof err) != 0) {
        fprintf(stderr, "\n%s: %s\n", path, err);
        CU_FAIL("malformed directive");
    }
    return d;
}

/* ---- running one file --------------------------------------------------- */

/* Whether `out` is `expected` followed only by CLI diagnostics. */
#ifdef SIM_ASAN
/* A sanitizer build gives objects other (still repeatable) addresses: "0x"
 * and 8+ hex digits compare as "0x...", in place. */
static void corpus_mask(char *s)
{
    char *w = s;
    for (const char *r = s; *r;) {
        const char *j = r + 2;
        if (r[0] == '0' && r[1] == 'x') {
            while ((*j >= '0' && *j <= '9') || (*j >= 'a' && *j <= 'f'))
                j++;
            if (j - r - 2 >= 8) {
                memcpy(w, "0x...", 5);
                w += 5;
                r = j;
                continue;
            }
        }
        *w++ = *r++;
    }
    *w = '\0';
}
#endif

static bool corpus_output_ok_exact(const char *out, const char *expected,
                                   bool diagnostics_allowed);

static bool corpus_output_ok(const char *out, const char *expected, bool diagnostics_allowed)
{
#ifdef SIM_ASAN
    char *o = strdup(out), *e = strdup(expected);
    corpus_mask(o);
    corpus_mask(e);
    bool ok = corpus_output_ok_exact(o, e, diagnostics_allowed);
    free(o);
    free(e);
    return ok;
#else
    return corpus_output_ok_exact(out, expected, diagnostics_allowed);
#endif
}

static bool corpus_output_ok_exact(const char *out, const char *expected,
                                   bool diagnostics_allowed)
{
    size_t n = strlen(expected);
    if (strncmp(out, expected, n) != 0)
        return false;
    const char *rest = out + n;
    if (!*rest)
        return true;
    if (!diagnostics_allowed)
        return false;
    if (n > 0 && expected[n - 1] != '\n' && *rest++ != '\n')
        return false;
    while (*rest) {
        if (strncmp(rest, "threadsim: ", 11) != 0)
            return false;
        const char *nl = strchr(rest, '\n');
        if (!nl)
            return false;
        rest = nl + 1;
    }
    return true;
}

static const corpus_xfail *corpus_xfail_find(const char *path)
{
    for (size_t i = 0; XFAIL[i].path; i++)
        if (strcmp(XFAIL[i].path, path) == 0)
            return &XFAIL[i];
    return NULL;
}

/* Run traces/PATH (root "py" or "py3", i.e. the first component) and report
 * whether it printed its .out with the expected exit status; its `python`
 * directive must name the corpus's dialect `python`. On a mismatch `why`
 * gets a description (malloc'd). */
static bool corpus_run(const char *path, int python, char **why)
{
    char py[1024], outp[1024];
    snprintf(py, sizeof py, "%s/traces/%s", THREADSIM_SOURCE_DIR, path);
    snprintf(outp, sizeof outp, "%.*s.out", (int)(strlen(py) - 3), py);
    char *src = ts_read_file(py, NULL);
    char *expected = ts_read_file(outp, NULL);
    *why = NULL;
    if (!src || !expected) {
        *why = strdup(src ? "no .out file beside it" : "unreadable");
        free(src);
        free(expected);
        return false;
    }
    ts_pydirectives d = corpus_directives(path, src);
    if (d.python != python) {
        *why = malloc(128);
        snprintf(*why, 128, "its dialect is Python %d, the corpus's is %d (a '# threadsim: "
                 "python' directive)", d.python, python);
        free(src);
        free(expected);
        return false;
    }
    /* from the repository's root, as `threadsim check traces/py traces/py3`
     * runs them: the path as given is part of what the program sees (its
     * __file__, sys.path[0]), and so are the addresses its objects get */
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && timeout 120 '%s' run 'traces/%s' --no-db --python %d %s 2>&1",
             THREADSIM_SOURCE_DIR, THREADSIM_BINARY, path, d.python, d.options);
    int status = -1;
    char *out = ts_capture(cmd, &status);
    bool ok = out && status == d.exit_status &&
              corpus_output_ok(out, expected, d.exit_status != 0);
    if (!ok) {
        size_t cap = strlen(expected) + (out ? strlen(out) : 0) + 256;
        *why = malloc(cap);
        snprintf(*why, cap, "exit %d (expected %d)\n--- expected\n%s--- actual\n%s", status,
                 d.exit_status, expected, out ? out : "(none)");
    }
    free(out);
    free(src);
    free(expected);
    return ok;
}

/* Run every file of one corpus and check it against XFAIL. */
static void corpus_check(const char *root, bool subdirs_only, int python)
{
    corpus_list l = corpus_files(root, subdirs_only);
    CU_ASSERT_TRUE(l.n > 0);
    for (size_t i = 0; i < l.n; i++) {
        char *why;
        bool ok = corpus_run(l.path[i], python, &why);
        const corpus_xfail *xf = corpus_xfail_find(l.path[i]);
        if (ok && !xf) {
            fprintf(stderr, "  ok     %s\n", l.path[i]);
        } else if (!ok && xf) {
            fprintf(stderr, "  xfail  %s (%s)\n", l.path[i], xf->reason);
        } else if (ok && xf) {
            fprintf(stderr, "  XPASS  %s: passes now; remove it from the expected failures\n",
                    l.path[i]);
        } else {
            fprintf(stderr, "  FAIL   %s: %s\n", l.path[i], why);
        }
        CU_ASSERT_EQUAL(ok, xf == NULL); /* passes iff not listed as failing */
        free(why);
    }
    corpus_free(&l);
}

static void test_python2_corpus(void) { corpus_check("py", true, 2); }
static void test_python3_corpus(void) { corpus_check("py3", false, 3); }

/* Every listed expected failure names a file of the corpus. */
static void test_xfail_entries_exist(void)
{
    for (size_t i = 0; XFAIL[i].path; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/traces/%s", THREADSIM_SOURCE_DIR, XFAIL[i].path);
        struct stat sb;
        if (stat(path, &sb) != 0)
            fprintf(stderr, "\nstale expected failure: %s\n", XFAIL[i].path);
        CU_ASSERT_EQUAL(stat(path, &sb), 0);
    }
}


/* A Python 2 program's .out is its scenario's expected output, byte for
 * byte but for object addresses: the scenario (the C model) makes up its
 * own, the program prints CPython's (deterministic, but not the same
 * numbers); every corpus file has a .out. */
static void test_outs_match_scenarios(void)
{
    corpus_list l = corpus_files("py", true);
    size_t with_scenario = 0;
    for (size_t i = 0; i < l.n; i++) {
        char py[1024], outp[1024], exp[1024];
        snprintf(py, sizeof py, "%s/traces/%s", THREADSIM_SOURCE_DIR, l.path[i]);
        snprintf(outp, sizeof outp, "%.*s.out", (int)(strlen(py) - 3), py);
        char *src = ts_read_file(py, NULL);
        char *out = ts_read_file(outp, NULL);
        CU_ASSERT_PTR_NOT_NULL(out);
        ts_pydirectives d = corpus_directives(l.path[i], src ? src : "");
        if (d.scenario[0] && out) {
            with_scenario++;
            snprintf(exp, sizeof exp, "%s/traces/expected/%s.out", THREADSIM_SOURCE_DIR,
                     d.scenario);
            char *want = ts_read_file(exp, NULL);
            char *mout = ts_mask_addresses(out), *mwant = want ? ts_mask_addresses(want) : NULL;
            if (!mwant || strcmp(mout, mwant) != 0)
                fprintf(stderr, "\n%s: differs from traces/expected/%s.out\n", l.path[i],
                        d.scenario);
            CU_ASSERT_PTR_NOT_NULL(want);
            TS_ASSERT_STR_EQ(mout, mwant);
            free(mout);
            free(mwant);
            free(want);
        }
        free(src);
        free(out);
    }
    CU_ASSERT_TRUE(with_scenario > 0);
    corpus_free(&l);
    l = corpus_files("py3", false);
    for (size_t i = 0; i < l.n; i++) {
        char outp[1024];
        snprintf(outp, sizeof outp, "%s/traces/%.*s.out", THREADSIM_SOURCE_DIR,
                 (int)(strlen(l.path[i]) - 3), l.path[i]);
        struct stat sb;
        if (stat(outp, &sb) != 0)
            fprintf(stderr, "\nno .out for %s\n", l.path[i]);
        CU_ASSERT_EQUAL(stat(outp, &sb), 0);
    }
    corpus_free(&l);
}

/* The diagnostics rule itself: what may follow the program's output. */
static void test_output_rule(void)
{
    CU_ASSERT_TRUE(corpus_output_ok("a\n", "a\n", false));
    CU_ASSERT_FALSE(corpus_output_ok("a\nb\n", "a\n", false));
    CU_ASSERT_FALSE(corpus_output_ok("a\nthreadsim: x\n", "a\n", false));
    CU_ASSERT_TRUE(corpus_output_ok("a\nthreadsim: x\nthreadsim: y\n", "a\n", true));
    CU_ASSERT_TRUE(corpus_output_ok("a:\nthreadsim: x\n", "a:", true));
    CU_ASSERT_FALSE(corpus_output_ok("a:threadsim: x\n", "a:", true));
    CU_ASSERT_FALSE(corpus_output_ok("a\nb\nthreadsim: x\n", "a\n", true));
    CU_ASSERT_FALSE(corpus_output_ok("a\nthreadsim: x", "a\n", true));
    CU_ASSERT_FALSE(corpus_output_ok("b\n", "a\n", true));
}

TS_TESTS("py_corpus", TS_TEST(test_output_rule), TS_TEST(test_xfail_entries_exist),
         TS_TEST(test_outs_match_scenarios), TS_TEST(test_python2_corpus),
         TS_TEST(test_python3_corpus))
