/*
 * tools/cmd_check.c — `threadsim check [NAME|FILE.py|DIR...]`: run scenarios
 * and Python programs and compare each output view with its expected file,
 * for people and for CI.
 *
 * Without arguments, every scenario that has an expected file is checked; a
 * name may be a scenario or a group ("daemon-join" = every "daemon-join/...").
 * A FILE.py is a program of the corpus: it runs in-process on the
 * interpreter with its `# threadsim:` directives applied (pydirective.h: the
 * dialect, run options, the expected exit status) and its output view
 * (stdout and stderr merged, as written) must equal FILE.out beside it byte
 * for byte, and its exit status the `exit` directive's. A DIR stands for
 * every .py below it that has a .out beside it, in byte order of the paths.
 * Each run is recorded like `run` records (unless --no-db; a program under
 * its path as given, as `run FILE.py` does), so a failure can be looked at
 * later with show and diff.
 *
 * stdout: one line per scenario ("ok", "FAIL" with the first difference and a
 * unified diff, "ERROR" when it could not be checked), then a summary line.
 * --junit FILE also writes a JUnit XML report for CI (one testcase per
 * scenario; a difference is a <failure>, trouble an <error>). The report has
 * no timestamps or durations, so the same results give the same file.
 *
 * --json prints, instead, one JSON document at the end: every result
 * (name, kind, verdict, message, diff, run id, exit status) and the counts.
 *
 * Exit: 0 all match, 1 some output (or exit status) differs, 125 some
 * scenario could not be checked (no expected file, unreadable, database
 * trouble) or bad usage.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../model/cpy/py.h"
#include "../traces/json.h"
#include "cli.h"
#include "cmd_py.h"
#include "pydirective.h"
#include "record.h"
#include "scenarios/scenario.h"

typedef enum check__verdict { CHECK_OK, CHECK_FAIL, CHECK_ERROR } check__verdict;

/* The outcome for one scenario or program, kept for the JUnit report. */
typedef struct check__result {
    const ts_scenario *sc;    /* the scenario, or NULL for a program */
    char *file;               /* the program's path (malloc'd), or NULL */
    check__verdict verdict;
    char message[1200];       /* one line: why it failed or erred */
    sim_buf detail;           /* the diff (failure) */
    int64_t run_id;           /* recorded run, 0 if none */
    int status;               /* the run's exit status */
    bool ran;                 /* status is valid */
    char expected[1024];      /* the expected output's path, "" until known */
} check__result;

/* What the result is called in reports: the scenario's name or the path. */
static const char *check__name(const check__result *r)
{
    return r->sc ? r->sc->name : r->file;
}

static void output__sink(void *ud, const sim_event *ev)
{
    if (ev->kind == SIM_EV_OUTPUT && ev->text)
        sim_buf_add(ud, ev->text, ev->len);
}

/* ---- JUnit XML -------------------------------------------------------------- */

/* XML 1.0 text (trace_xml_text): valid UTF-8 whatever the program printed. */
static void xml__text(FILE *f, const char *s, size_t n) { trace_xml_text(f, s, n); }

static void xml__str(FILE *f, const char *s) { xml__text(f, s, strlen(s)); }

static int check__junit(FILE *f, const char *path, const check__result *res, size_t n)
{
    size_t failures = 0, errors = 0;
    for (size_t i = 0; i < n; i++) {
        failures += res[i].verdict == CHECK_FAIL;
        errors += res[i].verdict == CHECK_ERROR;
    }
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<testsuites name=\"threadsim check\" tests=\"%zu\" failures=\"%zu\" "
               "errors=\"%zu\">\n"
               "  <testsuite name=\"threadsim check\" tests=\"%zu\" failures=\"%zu\" "
               "errors=\"%zu\" skipped=\"0\">\n",
            n, failures, errors, n, failures, errors);
    for (size_t i = 0; i < n; i++) {
        const check__result *r = &res[i];
        const char *name = check__name(r);
        /* classname: a scenario's group, or a program's directory */
        const char *slash = r->sc ? strchr(name, '/') : strrchr(name, '/');
        int glen = slash ? (int)(slash - name) : (int)strlen(name);
        fputs("    <testcase classname=\"threadsim.", f);
        if (r->sc) {
            xml__text(f, name, (size_t)glen);
        } else if (!slash) {
            fputs("py", f);
        } else {
            for (int k = 0; k < glen; k++) /* a directory: "traces.py3.lock" */
                if (name[k] == '/')
                    fputc('.', f);
                else
                    xml__text(f, name + k, 1);
        }
        fputs("\" name=\"", f);
        xml__str(f, name);
        fputs("\">\n", f);
        if (r->verdict == CHECK_FAIL) {
            fputs("      <failure type=\"difference\" message=\"", f);
            xml__str(f, r->message);
            fputs("\">", f);
            xml__text(f, sim_buf_str(&r->detail), r->detail.len);
            fputs("</failure>\n", f);
        } else if (r->verdict == CHECK_ERROR) {
            fputs("      <error type=\"trouble\" message=\"", f);
            xml__str(f, r->message);
            fputs("\"/>\n", f);
        }
        if (r->run_id > 0)
            fprintf(f, "      <system-out>recorded as run %" PRId64 ", exit status %d"
                       "</system-out>\n", r->run_id, r->status);
        fputs("    </testcase>\n", f);
    }
    fputs("  </testsuite>\n</testsuites>\n", f);
    if (fclose(f) != 0)
        return ts_usage_error("cannot write the JUnit report '%s'", path);
    return 0;
}

/* ---- checking one scenario ---------------------------------------------------- */

/* Compare the output `out` of r's run with `expected` (read from `path`):
 * sets r's verdict (OK or FAIL), and for a failure its message and diff. */
/* --mask-addresses: "0x" and 8 or more hex digits become "0x...": object
 * addresses are the same from run to run of one build, but another build
 * (a sanitizer's, another libpython) gives objects other addresses. */
static bool check__mask;

static void check__mask_addrs(sim_buf *dst, const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t j = i + 2;
        if (s[i] == '0' && i + 1 < n && s[i + 1] == 'x') {
            while (j < n && ((s[j] >= '0' && s[j] <= '9') || (s[j] >= 'a' && s[j] <= 'f')))
                j++;
            if (j - i - 2 >= 8) {
                sim_buf_adds(dst, "0x...");
                i = j;
                continue;
            }
        }
        sim_buf_addc(dst, s[i++]);
    }
}

static void check__compare(check__result *r, const char *path, const char *expected,
                           size_t elen, const sim_buf *out)
{
    sim_buf me = {0}, mo = {0};
    if (check__mask) {
        check__mask_addrs(&me, expected, elen);
        check__mask_addrs(&mo, sim_buf_str(out), out->len);
        expected = sim_buf_str(&me);
        elen = me.len;
        out = &mo;
    }
    sim_buf exp_label = {0}, act_label = {0};
    sim_buf_add_visible(&exp_label, path);
    sim_buf_add_visible(&act_label, check__name(r));
    if (r->run_id > 0)
        sim_buf_printf(&act_label, " (run %" PRId64 ")", r->run_id);
    bool same = ts_format_diff(expected, elen, sim_buf_str(out), out->len,
                               sim_buf_str(&exp_label), sim_buf_str(&act_label), false, 3,
                               &r->detail);
    sim_buf_free(&exp_label);
    sim_buf_free(&act_label);
    if (same) {
        r->verdict = CHECK_OK;
    } else {
        r->verdict = CHECK_FAIL;
        /* The message is the detail's first line ("first difference at line N:"). */
        const char *d = sim_buf_str(&r->detail);
        const char *nl = strchr(d, '\n');
        int len = nl ? (int)(nl - d) : (int)strlen(d);
        if (len && d[len - 1] == ':')
            len--;
        snprintf(r->message, sizeof r->message, "output differs from %s: %.*s", path, len, d);
    }
    sim_buf_free(&me);
    sim_buf_free(&mo);
}

typedef struct check__cfg {
    model_opts base;          /* run options from the command line */
    bool python_set;          /* --python given */
    ts_policy_opts pol;
    store *st;                /* NULL: --no-db */
    const char *expected_dir;
} check__cfg;

static void check__one(check__cfg *c, check__result *r)
{
    const ts_scenario *sc = r->sc;
    if (!sc->expected) {
        r->verdict = CHECK_ERROR;
        snprintf(r->message, sizeof r->message, "no expected output for '%s'", sc->name);
        return;
    }
    char path[1024];
    if (snprintf(path, sizeof path, "%s/%s", c->expected_dir, sc->expected) >= (int)sizeof path) {
        r->verdict = CHECK_ERROR;
        snprintf(r->message, sizeof r->message, "the expected-output path is too long");
        return;
    }
    snprintf(r->expected, sizeof r->expected, "%s", path);
    size_t elen;
    char *expected = sim_read_file(path, &elen);
    if (!expected) {
        r->verdict = CHECK_ERROR;
        snprintf(r->message, sizeof r->message, "cannot read the expected output '%s'", path);
        return;
    }

    model_opts o = c->base;
    if (!c->python_set)
        o.python = sc->python;
    sim_buf out = {0};
    o.sink = output__sink;
    o.sink_ud = &out;
    ts_recording rec;
    if (ts_policy_install(&c->pol, &o) != 0 ||
        ts_record_begin(&rec, c->st, sc->name, c->pol.spec, &o, 0) != 0) {
        r->verdict = CHECK_ERROR;
        snprintf(r->message, sizeof r->message, "could not start the run (see above)");
        goto done;
    }
    model_result res;
    r->status = model_run(&o, sc->main, NULL, &res);
    r->ran = true;
    if (ts_record_end(&rec, r->status, &res) != 0) {
        r->verdict = CHECK_ERROR;
        snprintf(r->message, sizeof r->message, "could not record the run (see above)");
        goto done;
    }
    r->run_id = rec.meta.id;

    check__compare(r, path, expected, elen, &out);
done:
    free(expected);
    sim_buf_free(&out);
}

/* ---- checking one Python program ------------------------------------------------ */

/* Apply the `options` directive `text` on top of *o. Returns 0, or -1 with
 * the reason in r (a bad option is also reported on stderr by the parser). */
static int check__py_options(check__result *r, const char *text, model_opts *o,
                             bool *python_set)
{
    char buf[sizeof ((ts_pydirectives *)0)->options];
    char *argv[TS_PYDIR_MAX_ARGS];
    snprintf(buf, sizeof buf, "%s", text);
    int argc = ts_pydirectives_split(buf, argv, TS_PYDIR_MAX_ARGS);
    for (int i = 0; i < argc;) {
        int k = ts_parse_run_option(argc - i, argv + i, o, python_set);
        if (k <= 0) {
            snprintf(r->message, sizeof r->message,
                     "bad '# threadsim: options' directive at '%s' (the run options of 'run')",
                     argv[i]);
            return -1;
        }
        i += k;
    }
    if (argc < 0) {
        snprintf(r->message, sizeof r->message, "too many words in '# threadsim: options'");
        return -1;
    }
    return 0;
}

/* Run the program r->file with its directives and compare with FILE.out. */
static void check__one_py(check__cfg *c, check__result *r)
{
    const char *file = r->file;
    size_t n = strlen(file), slen, elen = 0;
    char path[1024];
    char *src = NULL, *expected = NULL;
    sim_buf out = {0}, err = {0};
    py_program *prog = NULL;
    r->verdict = CHECK_ERROR;
    if (n < 3 || strcmp(file + n - 3, ".py") != 0 ||
        snprintf(path, sizeof path, "%.*s.out", (int)(n - 3), file) >= (int)sizeof path) {
        snprintf(r->message, sizeof r->message, "not a .py file (or its path is too long)");
        return;
    }
    snprintf(r->expected, sizeof r->expected, "%s", path);
    if (!(src = sim_read_file(file, &slen))) {
        snprintf(r->message, sizeof r->message, "cannot read the program '%s'", file);
        goto done;
    }
    if (!(expected = sim_read_file(path, &elen))) {
        snprintf(r->message, sizeof r->message, "cannot read the expected output '%s'", path);
        goto done;
    }
    ts_pydirectives d;
    if (ts_pydirectives_parse(src, &d, r->message, sizeof r->message) != 0)
        goto done;
    /* the file's dialect unless --python was given; then its options */
    model_opts o = c->base;
    bool python_set = c->python_set;
    if (!python_set)
        o.python = d.python;
    ts_py_model_defaults(&o);
    if (check__py_options(r, d.options, &o, &python_set) != 0)
        goto done;

    prog = py_program_load(file, src, slen, o.python, &err);
    if (!prog) {
        /* a syntax error: its report is the output, the status 1 (as `run`) */
        sim_buf_add(&out, sim_buf_str(&err), err.len);
        r->status = TS_EXIT_FAIL;
        r->ran = true;
    } else {
        o.sink = output__sink;
        o.sink_ud = &out;
        ts_recording rec;
        if (ts_policy_install(&c->pol, &o) != 0 ||
            ts_record_begin(&rec, c->st, file, c->pol.spec, &o, 0) != 0) {
            snprintf(r->message, sizeof r->message, "could not start the run (see above)");
            goto done;
        }
        ts_py_record_program(&rec, prog);
        py_run_opts ro = ts_py_run_opts(r->file);
        char *pargv[TS_PYDIR_MAX_ARGS + 1];
        int pargc = ts_pydirectives_split(d.args, pargv + 1, TS_PYDIR_MAX_ARGS);
        if (pargc > 0) {
            pargv[0] = r->file;
            ro.argc = pargc + 1;
            ro.argv = pargv;
        }
        model_result res;
        r->status = ts_py_run_with(prog, &o, &ro, &res);
        r->ran = true;
        if (ts_record_end(&rec, r->status, &res) != 0) {
            snprintf(r->message, sizeof r->message, "could not record the run (see above)");
            goto done;
        }
        r->run_id = rec.meta.id;
    }
    check__compare(r, path, expected, elen, &out);
    if (r->status != d.exit_status) {
        char why[160];
        snprintf(why, sizeof why, "exit status %d, expected %d (the '# threadsim: exit' "
                 "directive)", r->status, d.exit_status);
        size_t m = r->verdict == CHECK_OK ? 0 : strlen(r->message);
        snprintf(r->message + m, sizeof r->message - m, "%s%s", m ? "; " : "", why);
        sim_buf_adds(&r->detail, why);
        sim_buf_addc(&r->detail, '\n');
        r->verdict = CHECK_FAIL;
    }
done:
    py_program_free(prog);
    free(src);
    free(expected);
    sim_buf_free(&out);
    sim_buf_free(&err);
}

/* ---- the command ---------------------------------------------------------------- */

const char ts_help_check[] =
    "usage: threadsim check [NAME|FILE.py|DIR...] [options] [-- ARGS...]\n\n"
    "Runs scenarios and compares each output view with its expected file\n"
    "(EXPECTED/NAME.out). Without arguments, every scenario that has one; a NAME\n"
    "may be a group ('daemon-join'). EXPECTED is --expected-dir, else\n"
    "$THREADSIM_DATA/expected, else found beside the binary (PREFIX/share/threadsim/\n"
    "expected when installed; the traces/expected of the source tree it was built\n"
    "in, wherever that is now), else of the source tree around the current folder.\n"
    "A FILE.py runs on the interpreter with its '# threadsim:' directives (python N,\n"
    "options ARGS, args ARGS, exit N); its output (stdout and stderr as written) must\n"
    "equal FILE.out beside it byte for byte, and its exit status the 'exit'\n"
    "directive's (default 0). A DIR checks every .py below it that has a .out beside\n"
    "it: the tutorial's programs are 'threadsim check traces/py traces/py3' (from\n"
    "the source tree), and everything is that plus plain 'threadsim check'.\n\n"
    "options:\n"
    "  --junit FILE          also write a JUnit XML report to FILE\n"
    "  --json                print one JSON document instead: every result (name, kind,\n"
    "                        verdict ok|fail|error, message, diff, run_id, exit_status)\n"
    "                        and the counts\n"
    "  --mask-addresses      compare 0x... addresses (8+ hex digits) as equal: they\n"
    "                        repeat from run to run, but another build has others\n"
    "  --expected-dir DIR    where the built-in scenarios' expected files are\n"
    TS_HELP_STATUS_JSON
    TS_HELP_DB_OPTIONS
    TS_HELP_POLICY_OPTIONS
    "and the run options of 'threadsim run' (a program's 'options' directive\n"
    "applies on top of them, and --python overrides its 'python' directive):\n"
    TS_HELP_MODEL_OPTIONS
    TS_HELP_PY_OPTIONS
    "\nExit status: 0 all match; 1 some output or exit status differs; 125 some\n"
    "could not be checked (no expected file, unreadable, database trouble) or bad\n"
    "usage.\n";

/* The results as one JSON document (--json). */
static void check__json(sim_buf *b, const check__result *res, size_t n, size_t programs,
                        size_t fails, size_t errors)
{
    static const char *const verdicts[] = {"ok", "fail", "error"};
    sim_buf_adds(b, "{\"results\": [");
    for (size_t i = 0; i < n; i++) {
        const check__result *r = &res[i];
        const char *name = check__name(r);
        sim_buf_adds(b, i ? ",\n  {\"name\": " : "\n  {\"name\": ");
        trace_json_string(b, name, strlen(name));
        sim_buf_printf(b, ", \"kind\": \"%s\", \"verdict\": \"%s\", \"expected\": ",
                       r->sc ? "scenario" : "program", verdicts[r->verdict]);
        if (r->expected[0])
            trace_json_string(b, r->expected, strlen(r->expected));
        else
            sim_buf_adds(b, "null");
        sim_buf_adds(b, ", \"message\": ");
        if (r->verdict != CHECK_OK)
            trace_json_string(b, r->message, strlen(r->message));
        else
            sim_buf_adds(b, "null");
        sim_buf_adds(b, ", \"diff\": ");
        if (r->verdict == CHECK_FAIL)
            trace_json_string(b, sim_buf_str(&r->detail), r->detail.len);
        else
            sim_buf_adds(b, "null");
        if (r->run_id > 0)
            sim_buf_printf(b, ", \"run_id\": %" PRId64, r->run_id);
        else
            sim_buf_adds(b, ", \"run_id\": null");
        if (r->ran)
            sim_buf_printf(b, ", \"exit_status\": %d}", r->status);
        else
            sim_buf_adds(b, ", \"exit_status\": null}");
    }
    sim_buf_printf(b, "%s], \"scenarios\": %zu, \"programs\": %zu, \"ok\": %zu, \"failed\": %zu, "
                   "\"errors\": %zu}\n", n ? "\n" : "", n - programs, programs,
                   n - fails - errors, fails, errors);
}

/* Add scenario `sc`, or the program `file` when sc is NULL, once. */
static void check__add(check__result **res, size_t *n, size_t *cap, const ts_scenario *sc,
                       const char *file)
{
    for (size_t i = 0; i < *n; i++)
        if (sc ? (*res)[i].sc == sc : (*res)[i].file && strcmp((*res)[i].file, file) == 0)
            return;
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *res = realloc(*res, *cap * sizeof **res);
        if (!*res)
            abort();
    }
    memset(&(*res)[*n], 0, sizeof **res);
    (*res)[*n].sc = sc;
    if (!sc && !((*res)[*n].file = strdup(file)))
        abort();
    (*n)++;
}

/* ---- programs below a directory ---------------------------------------------- */

typedef struct check__paths {
    char **path;   /* malloc'd paths */
    size_t n, cap;
} check__paths;

static bool check__is_file(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* Every X.py below `dir` (recursively, hidden entries skipped) with X.out
 * beside it, appended to l. A symbolic link to a folder is not followed (a
 * link to `..` made the walk endless), nor are folders deeper than
 * CHECK__MAX_DEPTH. */
#define CHECK__MAX_DEPTH 32
static void check__walk_at(const char *dir, check__paths *l, int depth);
static void check__walk(const char *dir, check__paths *l) { check__walk_at(dir, l, 0); }

static void check__walk_at(const char *dir, check__paths *l, int depth)
{
    if (depth > CHECK__MAX_DEPTH)
        return;
    DIR *d = opendir(dir);
    if (!d)
        return;
    size_t dlen = strlen(dir);
    while (dlen > 1 && dir[dlen - 1] == '/')
        dlen--;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        size_t n = strlen(e->d_name);
        char *full = malloc(dlen + n + 2);
        if (!full)
            abort();
        snprintf(full, dlen + n + 2, "%.*s/%s", (int)dlen, dir, e->d_name);
        struct stat sb, lsb;
        bool there = stat(full, &sb) == 0;
        if (there && S_ISDIR(sb.st_mode)) {
            if (lstat(full, &lsb) == 0 && !S_ISLNK(lsb.st_mode))
                check__walk_at(full, l, depth + 1);
        } else if (there && S_ISREG(sb.st_mode) && n > 3 && strcmp(e->d_name + n - 3, ".py") == 0) {
            char out[4096];
            snprintf(out, sizeof out, "%.*s.out", (int)strlen(full) - 3, full);
            if (check__is_file(out)) {
                if (l->n == l->cap) {
                    l->cap = l->cap ? 2 * l->cap : 32;
                    if (!(l->path = realloc(l->path, l->cap * sizeof *l->path)))
                        abort();
                }
                l->path[l->n++] = full;
                continue;
            }
        }
        free(full);
    }
    closedir(d);
}

static int check__path_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Add the programs below directory `dir`, sorted (readdir order is the file
 * system's). Returns how many. */
static size_t check__select_dir(const char *dir, check__result **res, size_t *n, size_t *cap)
{
    check__paths l = {0};
    check__walk(dir, &l);
    if (l.n)
        qsort(l.path, l.n, sizeof *l.path, check__path_cmp);
    for (size_t i = 0; i < l.n; i++) {
        check__add(res, n, cap, NULL, l.path[i]);
        free(l.path[i]);
    }
    free(l.path);
    return l.n;
}

/* Scenarios named by `name`: itself, or its group. Returns how many. */
static size_t check__select(const char *name, check__result **res, size_t *n, size_t *cap)
{
    const ts_scenario *sc = ts_scenario_find(name);
    if (sc) {
        check__add(res, n, cap, sc, NULL);
        return 1;
    }
    size_t total, found = 0, len = strlen(name);
    while (len && name[len - 1] == '/')
        len--;
    const ts_scenario *all = ts_scenarios(&total);
    for (size_t i = 0; i < total; i++) {
        if (len && strncmp(all[i].name, name, len) == 0 && all[i].name[len] == '/' &&
            all[i].expected) {
            check__add(res, n, cap, &all[i], NULL);
            found++;
        }
    }
    return found;
}

int ts_cmd_check(int argc, char **argv)
{
    check__cfg c;
    memset(&c, 0, sizeof c);
    c.base = model_opts_default();
    c.pol = ts_policy_opts_default();
    c.expected_dir = ts_expected_dir();
    ts_db_opts db = ts_db_opts_default();
    const char *junit = NULL;
    FILE *junit_f = NULL;
    check__result *res = NULL;
    size_t n = 0, cap = 0;
    int status = TS_EXIT_USAGE;
    bool named = false, json = false;
    sim_buf jb = {0};

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(ts_help_check, stdout);
            free(res);
            return TS_EXIT_OK;
        }
        if (strcmp(a, "--mask-addresses") == 0) {
            check__mask = true;
            continue;
        }
        if (strcmp(a, "--json") == 0) {
            json = true;
            continue;
        }
        if (strcmp(a, "--junit") == 0 || strcmp(a, "--expected-dir") == 0) {
            if (i + 1 >= argc || !argv[i + 1][0]) {
                ts_usage_error("%s needs a path", a);
                goto done;
            }
            if (a[2] == 'j')
                junit = argv[++i];
            else
                c.expected_dir = argv[++i];
            continue;
        }
        int k = ts_parse_py_option(argc - i, argv + i);
        if (k == 0)
            k = ts_parse_run_option(argc - i, argv + i, &c.base, &c.python_set);
        if (k == 0)
            k = ts_parse_db_option(argc - i, argv + i, &db);
        if (k == 0)
            k = ts_parse_policy_option(argc - i, argv + i, &c.pol);
        if (k < 0)
            goto done;
        if (k > 0) {
            i += k - 1;
            continue;
        }
        if (a[0] == '-') {
            ts_unknown_option("check", a);
            goto done;
        }
        named = true;
        size_t len = strlen(a);
        struct stat sb;
        if (len > 3 && strcmp(a + len - 3, ".py") == 0) {
            if (!check__is_file(a)) {
                ts_usage_error("check: no such program '%s'", a);
                goto done;
            }
            check__add(&res, &n, &cap, NULL, a);
        } else if (check__select(a, &res, &n, &cap) == 0) {
            if (stat(a, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
                ts_unknown_scenario("check", a);
                goto done;
            }
            if (check__select_dir(a, &res, &n, &cap) == 0) {
                ts_usage_error("check: no .py program with a .out beside it below '%s'", a);
                goto done;
            }
        }
    }
    if (!named) {
        size_t total;
        const ts_scenario *all = ts_scenarios(&total);
        for (size_t i = 0; i < total; i++)
            if (all[i].expected)
                check__add(&res, &n, &cap, &all[i], NULL);
    }
    if (n == 0) {
        ts_usage_error("check: no scenario has an expected output");
        goto done;
    }
    if (!c.expected_dir) {
        for (size_t i = 0; i < n; i++) {
            if (res[i].sc) {
                ts_usage_error("check: cannot find the expected outputs (not beside the binary, "
                               "nor in a source tree around it or the current folder); give "
                               "--expected-dir DIR or set THREADSIM_DATA");
                goto done;
            }
        }
    }
    /* Fail before running anything if the report cannot be written. */
    if (junit && ts_check_not_db("check", "--junit", junit, &db) != 0)
        goto done;
    if (junit && !(junit_f = fopen(junit, "w"))) {
        ts_usage_error("cannot write the JUnit report '%s'", junit);
        goto done;
    }
    if (!db.none && !(c.st = ts_db_open(&db, true)))
        goto done;

    size_t fails = 0, errors = 0, programs = 0;
    for (size_t i = 0; i < n; i++) {
        check__result *r = &res[i];
        if (r->sc)
            check__one(&c, r);
        else
            check__one_py(&c, r);
        programs += !r->sc;
        fails += r->verdict == CHECK_FAIL;
        errors += r->verdict == CHECK_ERROR;
        if (json)
            continue;
        /* one line a result, whatever the names in it hold (escaped) */
        sim_buf line = {0};
        sim_buf_adds(&line, r->verdict == CHECK_OK     ? "ok     "
                            : r->verdict == CHECK_FAIL ? "FAIL   "
                                                       : "ERROR  ");
        sim_buf_add_visible(&line, check__name(r));
        if (r->verdict == CHECK_ERROR) {
            sim_buf_adds(&line, ": ");
            sim_buf_add_visible(&line, r->message);
        }
        puts(sim_buf_str(&line));
        sim_buf_free(&line);
        if (r->verdict == CHECK_FAIL)
            fwrite(sim_buf_str(&r->detail), 1, r->detail.len, stdout);
        fflush(stdout);
    }
    sim_buf_printf(&ts_status.extra, ", \"checked\": %zu, \"ok\": %zu, \"failed\": %zu, "
                   "\"errors\": %zu", n, n - fails - errors, fails, errors);
    status = errors ? TS_EXIT_USAGE : fails ? TS_EXIT_FAIL : TS_EXIT_OK;
    if (json) {
        check__json(&jb, res, n, programs, fails, errors);
        fwrite(jb.p, 1, jb.len, stdout);
        fflush(stdout);
        goto report;
    }
    printf("check: ");
    if (n > programs || !programs)
        printf("%zu scenario%s%s", n - programs, n - programs == 1 ? "" : "s",
               programs ? ", " : "");
    if (programs)
        printf("%zu program%s", programs, programs == 1 ? "" : "s");
    printf(", %zu ok, %zu failed, %zu could not be checked\n", n - fails - errors, fails,
           errors);
    fflush(stdout);
report:
    if (junit_f) {
        int rc = check__junit(junit_f, junit, res, n);
        junit_f = NULL;
        if (rc != 0)
            status = TS_EXIT_USAGE;
    }
done:
    sim_buf_free(&jb);
    for (size_t i = 0; i < n; i++) {
        sim_buf_free(&res[i].detail);
        free(res[i].file);
    }
    free(res);
    if (junit_f)
        fclose(junit_f);
    ts_policy_fini(&c.pol);
    store_close(c.st);
    return status;
}
