/*
 * tools/cmd_export.c — `threadsim export`: a run's trace as Chrome trace
 * JSON, a self-contained html timeline, the full text view or JSON Lines
 * (traces/export.h).
 *
 * The run is a stored one (an id or "last", loaded from the store), or, with
 * --scenario NAME, a scenario run here and now (nothing recorded), with the
 * usual run, policy and seed options. The export goes to stdout or -o FILE;
 * it is complete before anything is written, so a failed load writes nothing.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/cpy/py.h"
#include "../traces/export.h"
#include "cli.h"
#include "cmd_py.h"
#include "record.h"
#include "scenarios/scenario.h"

const char ts_help_export[] =
    "usage: threadsim export RUN --format FORMAT [options]\n"
    "       threadsim export --scenario NAME|FILE.py --format FORMAT [run options]\n"
    "       threadsim export PROGRAM --format html --explore [explore options]\n\n"
    "Writes a run's trace in another form. RUN is a stored run id or 'last';\n"
    "--scenario runs a built-in scenario or a .py program now instead (nothing\n"
    "is recorded). --explore makes the teaching page of 'threadsim explore --html':\n"
    "every outcome of PROGRAM (a dfs within --preemptions, default 2), and a mode\n"
    "where the student chooses which thread runs at each decision.\n\n"
    "formats:\n"
    "  chrome   Trace Event Format JSON: open in Perfetto or chrome://tracing\n"
    "  html     one self-contained page: a lane per thread, a slider to replay\n"
    "  text     the full view (every event with its virtual time)\n"
    "  json     one JSON object per event, one per line\n\n"
    "options:\n"
    "  --format F, -f F      one of the formats above (required)\n"
    "  -o FILE, --output FILE  write there instead of stdout\n"
    "  --clock time|step     chrome: timestamps in virtual microseconds (time) or\n"
    "                        event numbers (step: spreads out what happens at one\n"
    "                        instant); by default step when most of the run's\n"
    "                        events share an instant with the one before, else time\n"
    "  --scenario NAME       run NAME (or FILE.py) now, with the run options below\n"
    "  --explore             the exploration page (see above)\n"
    "  --db PATH             the database (default ./threadsim.db)\n"
    "  --no-db               (--scenario, --explore) record nothing\n"
    TS_HELP_POLICY_OPTIONS
    TS_HELP_MODEL_OPTIONS
    TS_HELP_PY_OPTIONS
    "\nExit status: 0 once the trace is written, whatever the program did (its\n"
    "exception, a syntax error included, is in the trace; 'threadsim run' exits\n"
    "with its status); 125 for bad usage, an unknown run or scenario, an\n"
    "unusable database or a write error.\n";

/* Run scenario `sc`, or else the Python program `prog` at `path`, into `tr`;
 * returns its exit status, or -1 on usage trouble. */
static int export__run(const ts_scenario *sc, const py_program *prog, const char *path,
                       model_opts *o, ts_policy_opts *pol, trace *tr, char *subtitle, size_t cap)
{
    if (ts_policy_install(pol, o) != 0)
        return -1;
    o->sink = trace_sink;
    o->sink_ud = tr;
    model_result res;
    int status = sc ? model_run(o, sc->main, NULL, &res) : ts_py_exec(prog, path, o, &res);
    ts_policy_fini(pol);
    snprintf(subtitle, cap, "run now · policy %s · seed %" PRIu64 " · exit %d", pol->spec,
             pol->seed, status);
    return status;
}

/* A stored run as an export's source: its events read from the database
 * batch by batch, once per pass (a run of 40 million events took 24 GB to
 * export as chrome loaded whole; now a few MiB). */
typedef struct export_stored {
    store *st;
    int64_t id;
} export_stored;

static int export__stored_each(void *src, sim_sink_fn fn, void *ud)
{
    export_stored *s = src;
    return store_events_each(s->st, s->id, fn, ud);
}

/* Open stored run `ref` for export: *st and *id set; 0, or an exit status
 * after a message. */
static int export__open(const ts_db_opts *db, const char *ref, store **stp, int64_t *id,
                        char **title, char *subtitle, size_t cap)
{
    store *st = ts_db_open(db, false);
    if (!st)
        return TS_EXIT_USAGE;
    store_run r;
    memset(&r, 0, sizeof r);
    int status = TS_EXIT_OK;
    if (store_resolve(st, ref, id) != 0 || store_run_get(st, *id, &r) != 0) {
        status = ts_usage_error("%s", store_error(st));
    } else {
        *title = strdup(r.scenario ? r.scenario : "?");
        snprintf(subtitle, cap, "run %" PRId64 " · policy %s · seed %" PRIu64 " · %s", *id,
                 r.policy ? r.policy : "?", r.seed, store_status_name(r.status));
        if (r.status == STORE_INCOMPLETE)
            fprintf(stderr, "threadsim: run %" PRId64 " is incomplete: exporting its %" PRIu64
                            " recorded events\n", *id, r.events);
    }
    store_run_free(&r);
    if (status != TS_EXIT_OK)
        store_close(st);
    else
        *stp = st;
    return status;
}

/* `export PROGRAM --format html --explore [explore's options]`: the
 * explorer's teaching page on stdout, or in the -o file (cmd_explore.c),
 * from a dfs of the program unless --strategy says otherwise, not recorded
 * unless --db. */
static int export__explore(int argc, char **argv)
{
    char **av = calloc((size_t)argc + 12, sizeof *av);
    if (!av)
        return ts_usage_error("export: out of memory");
    int n = 0;
    bool strategy = false, db = false, schedules = false;
    char *out = NULL; /* (NULL: stdout) */
    int rest = argc; /* where "--" and the program's arguments start: they go last */
    av[n++] = "explore";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            rest = i;
            break;
        }
        if (strcmp(argv[i], "--explore") == 0)
            continue;
        if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) {
            if (i + 1 >= argc || !argv[i + 1][0]) {
                free(av);
                return ts_usage_error("export: %s needs a file name", argv[i]);
            }
            out = argv[++i];
            continue;
        }
        if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
            if (strcmp(argv[i + 1], "html") != 0) {
                free(av);
                return ts_usage_error("export: --explore makes an html page (--format html)");
            }
            i++;
            continue;
        }
        strategy |= strcmp(argv[i], "--strategy") == 0;
        schedules |= strcmp(argv[i], "--schedules") == 0;
        db |= strcmp(argv[i], "--db") == 0 || strcmp(argv[i], "--no-db") == 0;
        av[n++] = argv[i];
    }
    if (!strategy) {
        av[n++] = "--strategy";
        av[n++] = "dfs";
    }
    if (!schedules) {
        av[n++] = "--schedules";
        av[n++] = "5000";
    }
    if (!db)
        av[n++] = "--no-db";
    av[n++] = "--html";
    av[n++] = out ? out : "-";
    for (int i = rest; i < argc; i++)
        av[n++] = argv[i];
    int rc = ts_cmd_explore(n, av);
    free(av);
    return rc;
}

int ts_cmd_export(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--explore") == 0)
            return export__explore(argc, argv);
    model_opts o = model_opts_default();
    ts_db_opts db = ts_db_opts_default();
    ts_policy_opts pol = ts_policy_opts_default();
    trace_export_meta meta = {.title = NULL, .subtitle = NULL, .step_clock = false,
                              .clock_auto = true};
    bool python_set = false;
    const char *ref = NULL, *scenario = NULL, *out = NULL;
    int format = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(ts_help_export, stdout);
            return TS_EXIT_OK;
        }
        if (strcmp(a, "--format") == 0 || strcmp(a, "-f") == 0) {
            if ((format = trace_export_parse(v)) < 0)
                return ts_usage_error("export: --format needs chrome, html, text or json");
            i++;
            continue;
        }
        if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (!v || !*v)
                return ts_usage_error("export: %s needs a file name", a);
            out = v, i++;
            continue;
        }
        if (strcmp(a, "--clock") == 0) {
            if (!v || (strcmp(v, "step") != 0 && strcmp(v, "time") != 0))
                return ts_usage_error("export: --clock needs 'time' or 'step'");
            meta.step_clock = strcmp(v, "step") == 0, i++;
            meta.clock_auto = false;
            continue;
        }
        if (strcmp(a, "--scenario") == 0) {
            if (!v || !*v)
                return ts_usage_error("export: --scenario needs a name (see 'threadsim list')");
            scenario = v, i++;
            continue;
        }
        int k = ts_parse_py_option(argc - i, argv + i);
        if (k == 0)
            k = ts_parse_run_option(argc - i, argv + i, &o, &python_set);
        if (k == 0)
            k = ts_parse_db_option(argc - i, argv + i, &db);
        if (k == 0)
            k = ts_parse_policy_option(argc - i, argv + i, &pol);
        if (k < 0)
            return TS_EXIT_USAGE;
        if (k > 0) {
            i += k - 1;
            continue;
        }
        if (a[0] == '-')
            return ts_unknown_option("export", a);
        if (ref)
            return ts_usage_error("export: one run at a time ('%s' and '%s')", ref, a);
        ref = a;
    }
    if (format < 0)
        return ts_usage_error("export: which format? (--format chrome|html|text|json)");
    if (!ref == !scenario)
        return ts_usage_error("export: give a run (an id or 'last') or --scenario NAME");
    if (out && ts_check_not_db("export", "-o", out, &db) != 0)
        return TS_EXIT_USAGE;

    trace tr;
    trace_init(&tr);
    char subtitle[200] = "";
    char *title = NULL;
    int status = TS_EXIT_OK;
    store *st = NULL;
    export_stored stored = {0};
    if (scenario) {
        const ts_scenario *sc = ts_scenario_find(scenario);
        py_program *prog = NULL;
        if (!sc && ts_is_py_program(scenario)) {
            if (!python_set)
                o.python = ts_py_dialect_of(scenario);
            ts_py_model_defaults(&o);
            sim_buf err = {0};
            bool io_error = false;
            prog = ts_py_program_read(scenario, o.python, &err, &io_error);
            if (!prog) {
                fflush(stdout);
                fprintf(stderr, io_error ? "%s\n" : "%s", sim_buf_str(&err));
                sim_buf_free(&err);
                return TS_EXIT_USAGE; /* unreadable, or out of memory */
            }
            sim_buf_free(&err);
        } else if (!sc) {
            return ts_unknown_scenario("export", scenario);
        } else if (!python_set) {
            o.python = sc->python;
        }
        if (export__run(sc, prog, scenario, &o, &pol, &tr, subtitle, sizeof subtitle) < 0)
            status = TS_EXIT_USAGE;
        title = strdup(sc ? sc->name : scenario);
        py_program_free(prog);
    } else {
        status = export__open(&db, ref, &st, &stored.id, &title, subtitle, sizeof subtitle);
        stored.st = st;
    }
    if (status == TS_EXIT_OK) {
        meta.title = title ? title : "?";
        meta.subtitle = subtitle;
        trace_source src = st ? (trace_source){export__stored_each, &stored}
                              : trace_source_of(&tr);
        FILE *f = out ? fopen(out, "wb") : stdout;
        if (!f) {
            status = ts_usage_error("export: cannot write '%s'", out);
        } else {
            sim_buf b = {0};
            trace_out to = {.b = &b, .f = f};
            int rc = trace_export_to(&to, (trace_export_format)format, src, &meta);
            sim_buf_free(&b);
            bool ok = !to.bad && (out ? fclose(f) : fflush(f)) == 0;
            if (!ok)
                status = ts_usage_error("export: write error on '%s'", out ? out : "stdout");
            else if (rc != 0)
                status = ts_usage_error("%s", st ? store_error(st) : "export: cannot read the run");
        }
    }
    store_close(st);
    free(title);
    trace_fini(&tr);
    return status;
}
