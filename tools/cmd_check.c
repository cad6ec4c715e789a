/*
 * tools/cmd_check.c — `threadsim check [NAME...]`: run scenarios and compare
 * each output view with its expected file, for people and for CI.
 *
 * Without names, every scenario that has an expected file is checked; a name
 * may be a scenario or a group ("daemon-join" = every "daemon-join/..."). Each
 * run is recorded like `run` records (unless --no-db), so a failure can be
 * looked at later with show and diff.
 *
 * stdout: one line per scenario ("ok", "FAIL" with the first difference and a
 * unified diff, "ERROR" when it could not be checked), then a summary line.
 * --junit FILE also writes a JUnit XML report for CI (one testcase per
 * scenario; a difference is a <failure>, trouble an <error>). The report has
 * no timestamps or durations, so the same results give the same file.
 *
 * Exit: 0 all match, 1 some output differs, 2 some scenario could not be
 * checked (no expected file, unreadable, database trouble) or bad usage.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "record.h"
#include "scenarios/scenario.h"

typedef enum check__verdict { CHECK_OK, CHECK_FAIL, CHECK_ERROR } check__verdict;

/* The outcome for one scenario, kept for the JUnit report. */
typedef struct check__result {
    const ts_scenario *sc;
    check__verdict verdict;
    char message[1200];       /* one line: why it failed or erred */
    sim_buf detail;           /* the diff (failure) */
    int64_t run_id;           /* recorded run, 0 if none */
    int status;               /* the run's exit status */
} check__result;

static void output__sink(void *ud, const sim_event *ev)
{
    if (ev->kind == SIM_EV_OUTPUT && ev->text)
        sim_buf_add(ud, ev->text, ev->len);
}

static char *check__read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    sim_buf b = {0};
    char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        sim_buf_add(&b, chunk, k);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        sim_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return sim_buf_take(&b);
}

/* ---- JUnit XML -------------------------------------------------------------- */

/* XML 1.0 text: escape markup; characters XML cannot carry become U+FFFD. */
static void xml__text(FILE *f, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\n': case '\r': case '\t': fputc(c, f); break;
        default:
            if (c < 0x20 || c == 0x7f)
                fputs("&#xFFFD;", f);
            else
                fputc(c, f);
        }
    }
}

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
        const char *slash = strchr(r->sc->name, '/');
        int glen = slash ? (int)(slash - r->sc->name) : (int)strlen(r->sc->name);
        fputs("    <testcase classname=\"threadsim.", f);
        xml__text(f, r->sc->name, (size_t)glen);
        fputs("\" name=\"", f);
        xml__str(f, r->sc->name);
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
    size_t elen;
    char *expected = check__read(path, &elen);
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
    if (ts_record_end(&rec, r->status, &res) != 0) {
        r->verdict = CHECK_ERROR;
        snprintf(r->message, sizeof r->message, "could not record the run (see above)");
        goto done;
    }
    r->run_id = rec.meta.id;

    char actual_label[128];
    if (r->run_id > 0)
        snprintf(actual_label, sizeof actual_label, "%s (run %" PRId64 ")", sc->name, r->run_id);
    else
        snprintf(actual_label, sizeof actual_label, "%s", sc->name);
    if (ts_format_diff(expected, elen, sim_buf_str(&out), out.len, path, actual_label, false, 3,
                       &r->detail)) {
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
done:
    free(expected);
    sim_buf_free(&out);
}

/* ---- the command ---------------------------------------------------------------- */

static void check_usage(FILE *f)
{
    fputs("usage: threadsim check [NAME...] [options]\n\n"
          "Runs scenarios and compares each output view with its expected file\n"
          "(traces/expected/NAME.out). Without NAME, every scenario that has one; a NAME\n"
          "may be a group ('daemon-join'). Exit 0 if all match, 1 if any differs, 2 if\n"
          "any could not be checked.\n\n"
          "options:\n"
          "  --junit FILE          also write a JUnit XML report to FILE\n"
          "  --expected-dir DIR    where the expected files are (default: the source tree's)\n"
          "  --db PATH, --no-db    record the runs into PATH (./threadsim.db) or not\n"
          "  --policy P, --seed N  scheduling policy and seed, as for 'run'\n"
          "  and the run options of 'threadsim run --help' (--python, --max-events, ...)\n",
          f);
}

/* Add scenario `sc` once. */
static void check__add(check__result **res, size_t *n, size_t *cap, const ts_scenario *sc)
{
    for (size_t i = 0; i < *n; i++)
        if ((*res)[i].sc == sc)
            return;
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *res = realloc(*res, *cap * sizeof **res);
        if (!*res)
            abort();
    }
    memset(&(*res)[*n], 0, sizeof **res);
    (*res)[(*n)++].sc = sc;
}

/* Scenarios named by `name`: itself, or its group. Returns how many. */
static size_t check__select(const char *name, check__result **res, size_t *n, size_t *cap)
{
    const ts_scenario *sc = ts_scenario_find(name);
    if (sc) {
        check__add(res, n, cap, sc);
        return 1;
    }
    size_t total, found = 0, len = strlen(name);
    while (len && name[len - 1] == '/')
        len--;
    const ts_scenario *all = ts_scenarios(&total);
    for (size_t i = 0; i < total; i++) {
        if (len && strncmp(all[i].name, name, len) == 0 && all[i].name[len] == '/' &&
            all[i].expected) {
            check__add(res, n, cap, &all[i]);
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
    bool named = false;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            check_usage(stdout);
            free(res);
            return TS_EXIT_OK;
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
        int k = ts_parse_run_option(argc - i, argv + i, &c.base, &c.python_set);
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
            ts_usage_error("check: unknown option '%s'", a);
            goto done;
        }
        named = true;
        if (check__select(a, &res, &n, &cap) == 0) {
            ts_usage_error("unknown scenario or group '%s' (see 'threadsim list')", a);
            goto done;
        }
    }
    if (!named) {
        size_t total;
        const ts_scenario *all = ts_scenarios(&total);
        for (size_t i = 0; i < total; i++)
            if (all[i].expected)
                check__add(&res, &n, &cap, &all[i]);
    }
    if (n == 0) {
        ts_usage_error("check: no scenario has an expected output");
        goto done;
    }
    /* Fail before running anything if the report cannot be written. */
    if (junit && !(junit_f = fopen(junit, "w"))) {
        ts_usage_error("cannot write the JUnit report '%s'", junit);
        goto done;
    }
    if (!db.none && !(c.st = ts_db_open(&db, true)))
        goto done;

    size_t fails = 0, errors = 0;
    for (size_t i = 0; i < n; i++) {
        check__result *r = &res[i];
        check__one(&c, r);
        if (r->verdict == CHECK_OK) {
            printf("ok     %s\n", r->sc->name);
        } else if (r->verdict == CHECK_FAIL) {
            fails++;
            printf("FAIL   %s\n", r->sc->name);
            fwrite(sim_buf_str(&r->detail), 1, r->detail.len, stdout);
        } else {
            errors++;
            printf("ERROR  %s: %s\n", r->sc->name, r->message);
        }
        fflush(stdout);
    }
    printf("check: %zu scenario%s, %zu ok, %zu failed, %zu could not be checked\n", n,
           n == 1 ? "" : "s", n - fails - errors, fails, errors);
    fflush(stdout);
    status = errors ? TS_EXIT_USAGE : fails ? TS_EXIT_FAIL : TS_EXIT_OK;
    if (junit_f) {
        int rc = check__junit(junit_f, junit, res, n);
        junit_f = NULL;
        if (rc != 0)
            status = TS_EXIT_USAGE;
    }
done:
    for (size_t i = 0; i < n; i++)
        sim_buf_free(&res[i].detail);
    free(res);
    if (junit_f)
        fclose(junit_f);
    ts_policy_fini(&c.pol);
    store_close(c.st);
    return status;
}
