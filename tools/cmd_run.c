/*
 * tools/cmd_run.c — `threadsim list` and `threadsim run`.
 *
 * run streams as the program goes: in the output view each write goes to the
 * real stdout or stderr (flushed, so `2>&1` shows them in program order); in
 * the full view (--trace) each event is one line on stdout. Diagnostics of
 * the run (deadlock report, limit) go to stderr after it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../traces/json.h"
#include "../traces/trace.h"
#include "cli.h"
#include "cmd_py.h"
#include "record.h"
#include "scenarios/scenario.h"

const char ts_help_list[] =
    "usage: threadsim list [options]\n\n"
    "Prints the built-in scenarios, one per line: NAME  SUMMARY. A NAME is\n"
    "GROUP/VARIANT (the tutorial page and its variant); 'threadsim run NAME' runs one.\n\n"
    "options:\n"
    "  --json                one JSON object per scenario and line: name, group,\n"
    "                        summary, python (its dialect), expected (its expected\n"
    "                        output file under the expected folder, or null)\n";

int ts_cmd_list(int argc, char **argv)
{
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(ts_help_list, stdout);
            return TS_EXIT_OK;
        }
        if (strcmp(argv[i], "--json") == 0) {
            json = true;
            continue;
        }
        if (argv[i][0] == '-')
            return ts_unknown_option("list", argv[i]);
        return ts_usage_error("list takes no arguments ('%s')", argv[i]);
    }
    size_t n;
    const ts_scenario *all = ts_scenarios(&n);
    sim_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        if (!json) {
            printf("%-32s %s\n", all[i].name, all[i].summary);
            continue;
        }
        const char *slash = strchr(all[i].name, '/');
        sim_buf_clear(&b);
        sim_buf_adds(&b, "{\"name\": ");
        trace_json_string(&b, all[i].name, strlen(all[i].name));
        sim_buf_adds(&b, ", \"group\": ");
        trace_json_string(&b, all[i].name,
                          slash ? (size_t)(slash - all[i].name) : strlen(all[i].name));
        sim_buf_adds(&b, ", \"summary\": ");
        trace_json_string(&b, all[i].summary, strlen(all[i].summary));
        sim_buf_printf(&b, ", \"python\": %d, \"expected\": ", all[i].python);
        if (all[i].expected)
            trace_json_string(&b, all[i].expected, strlen(all[i].expected));
        else
            sim_buf_adds(&b, "null");
        sim_buf_adds(&b, "}\n");
        fwrite(b.p, 1, b.len, stdout);
    }
    sim_buf_free(&b);
    return TS_EXIT_OK;
}

typedef struct run_sink {
    bool full;              /* --trace */
    trace_names names;
    sim_buf line;
    bool midline;           /* the program's last write did not end a line */
    /* for --status-json: */
    sim_buf error;          /* the last `error` event's text ("ValueError: bad") */
    sim_buf limit;          /* the `limit` event's text */
    sim_buf deadlock;       /* the `deadlock` events' texts, as JSON strings with commas */
} run_sink;

static void run__sink(void *ud, const sim_event *ev)
{
    run_sink *rs = ud;
    trace_names_see(&rs->names, ev);
    if (rs->full) {
        sim_buf_clear(&rs->line);
        trace_fmt_line(&rs->line, &rs->names, ev);
        fwrite(rs->line.p, 1, rs->line.len, stdout);
        /* the program's output is in the view as events; the run's
         * diagnostics still go to stderr, below */
    } else if (ev->kind == SIM_EV_OUTPUT) {
        FILE *f = ev->arg == 2 ? stderr : stdout;
        fwrite(ev->text, 1, ev->len, f);
        fflush(f);
        if (ev->len)
            rs->midline = ev->text[ev->len - 1] != '\n';
    }
    if (ev->kind == SIM_EV_ERROR && ev->text) {
        sim_buf_clear(&rs->error);
        sim_buf_add(&rs->error, ev->text, ev->len);
    } else if (ev->kind == SIM_EV_LIMIT && ev->text) {
        sim_buf_clear(&rs->limit);
        sim_buf_add(&rs->limit, ev->text, ev->len);
    } else if (ev->kind == SIM_EV_DEADLOCK && ev->text) {
        if (rs->deadlock.len)
            sim_buf_adds(&rs->deadlock, ", ");
        trace_json_string(&rs->deadlock, ev->text, ev->len);
    }
    if (ev->kind == SIM_EV_DEADLOCK || ev->kind == SIM_EV_LIMIT) {
        fflush(stdout);
        if (rs->midline) /* "Second try:" then a deadlock: start the report on its own line */
            fputc('\n', stderr);
        rs->midline = false;
        if (ev->kind == SIM_EV_DEADLOCK)
            fprintf(stderr, "threadsim: deadlock: %.*s\n", (int)ev->len, ev->text);
        else
            fprintf(stderr, "threadsim: run stopped: %.*s reached\n", (int)ev->len, ev->text);
    }
}

ts_view *ts_view_new(bool full)
{
    run_sink *rs = calloc(1, sizeof *rs);
    if (!rs)
        abort();
    rs->full = full;
    trace_names_init(&rs->names);
    return (ts_view *)rs;
}

void ts_view_sink(void *ud, const sim_event *ev) { run__sink(ud, ev); }

static void run__sink_fini(run_sink *rs)
{
    trace_names_fini(&rs->names);
    sim_buf_free(&rs->line);
    sim_buf_free(&rs->error);
    sim_buf_free(&rs->limit);
    sim_buf_free(&rs->deadlock);
}

void ts_view_free(ts_view *v)
{
    run_sink *rs = (run_sink *)v;
    if (!rs)
        return;
    fflush(stdout);
    run__sink_fini(rs);
    free(rs);
}

static void run__json_str(sim_buf *b, const char *key, const char *v, size_t n)
{
    sim_buf_printf(b, ", \"%s\": ", key);
    trace_json_string(b, v, n);
}

void ts_view_status(ts_view *v, const char *program, int status, const model_result *res,
                    int64_t run_id)
{
    run_sink *rs = (run_sink *)v;
    ts_status.outcome = model_outcome_name(res->outcome);
    ts_status.program_status =
        res->outcome == MODEL_OUT_EXIT || res->outcome == MODEL_OUT_EXCEPTION ? status : -1;
    sim_buf *b = &ts_status.extra;
    sim_buf_clear(b);
    run__json_str(b, "program", program, strlen(program));
    if (run_id > 0)
        sim_buf_printf(b, ", \"run_id\": %" PRId64, run_id);
    else
        sim_buf_adds(b, ", \"run_id\": null");
    sim_buf_printf(b, ", \"events\": %" PRIu64 ", \"end_time_ns\": %" PRId64, res->events,
                   res->end_time);
    if (res->outcome == MODEL_OUT_EXCEPTION && rs->error.len)
        run__json_str(b, "exception", rs->error.p, rs->error.len);
    else if (res->outcome == MODEL_OUT_LIMIT)
        run__json_str(b, "limit", rs->limit.p ? rs->limit.p : "", rs->limit.len);
    else if (res->outcome == MODEL_OUT_DEADLOCK)
        sim_buf_printf(b, ", \"deadlock\": [%s]", sim_buf_str(&rs->deadlock));
}

const char ts_help_run[] =
    "usage: threadsim run NAME|FILE.py [options] [-- ARGS...]\n\n"
    "Runs a built-in scenario (see 'threadsim list') or a Python program (Python 3\n"
    "unless --python 2 or its '# threadsim: python 2' directive) and prints what it\n"
    "prints, as it goes; the run is recorded (trace and schedule) in the database.\n\n"
    "options:\n"
    "  --trace               the full view: every event with its virtual time\n"
    TS_HELP_POLICY_OPTIONS
    TS_HELP_DB_OPTIONS
    TS_HELP_STATUS_JSON
    TS_HELP_MODEL_OPTIONS
    "\nPython programs (run in CPython 3.11; every thread, lock and clock simulated):\n"
    TS_HELP_PY_OPTIONS
    "\n" TS_HELP_EXIT_TABLE;

int ts_parse_run_option(int argc, char **argv, model_opts *o, bool *python_set)
{
    const char *a = argv[0];
    const char *v = argc > 1 ? argv[1] : NULL;
    uint64_t u;
    double secs;
    if (strcmp(a, "--python") == 0) {
        if (!v || (strcmp(v, "2") != 0 && strcmp(v, "3") != 0))
            return ts_usage_error("--python needs 2 or 3"), -1;
        o->python = v[0] - '0';
        if (python_set)
            *python_set = true;
        return 2;
    }
    if (strcmp(a, "--max-events") == 0) {
        if (!ts_parse_u64(a, v, &u))
            return -1;
        o->sim.max_events = u;
        return 2;
    }
    if (strcmp(a, "--max-time") == 0) {
        if (!ts_parse_secs(a, v, &secs))
            return -1;
        o->sim.max_time = (int64_t)(secs * 1e9 + 0.5);
        return 2;
    }
    if (strcmp(a, "--switch-steps") == 0) {
        if (!ts_parse_u64(a, v, &u) )
            return -1;
        /* 0 (never preempt) stays an engine option for benchmarks, not a CLI
         * one: a program spinning without blocking would then never let
         * virtual time move, and no run limit could stop it. */
        if (u == 0 || u > UINT32_MAX)
            return ts_usage_error("--switch-steps needs an integer from 1 to %u", UINT32_MAX), -1;
        o->sim.switch_steps = (uint32_t)u;
        return 2;
    }
    if (strcmp(a, "--switch-interval") == 0) {
        if (!ts_parse_secs(a, v, &secs))
            return -1;
        o->sim.switch_ns = (int64_t)(secs * 1e9 + 0.5);
        return 2;
    }
    if (strcmp(a, "--backend") == 0) {
        if (!v || !sim_ctx_backend_find(v))
            return ts_usage_error("--backend needs one of: %s", sim_ctx_backend_names()), -1;
        o->sim.backend = v;
        return 2;
    }
    if (strcmp(a, "--stack-size") == 0) {
        if (!ts_parse_u64(a, v, &u))
            return -1;
        if (u < 16384 || u > (UINT64_C(1) << 30))
            return ts_usage_error("--stack-size must be between 16384 and 1073741824"), -1;
        o->sim.stack_size = (size_t)u;
        return 2;
    }
    return 0;
}

int ts_cmd_run(int argc, char **argv)
{
    model_opts o = model_opts_default();
    ts_db_opts db = ts_db_opts_default();
    ts_policy_opts pol = ts_policy_opts_default();
    bool full = false, python_set = false;
    const char *name = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(ts_help_run, stdout);
            return TS_EXIT_OK;
        }
        if (strcmp(argv[i], "--trace") == 0) {
            full = true;
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
        if (argv[i][0] == '-' && !name)
            return ts_unknown_option("run", argv[i]);
        if (name)
            return ts_after_program("run", name, argv[i]);
        name = argv[i];
    }
    if (!name)
        return ts_usage_error("run: which scenario? (see 'threadsim list')");
    if (!ts_scenario_find(name) && ts_is_py_program(name))
        return ts_run_py(name, &o, python_set, full, &db, &pol);
    const ts_scenario *sc = ts_scenario_find(name);
    if (!sc)
        return ts_unknown_scenario(NULL, name);
    if (!python_set)
        o.python = sc->python;

    store *st = NULL;
    if (!db.none && !(st = ts_db_open(&db, true)))
        return TS_EXIT_USAGE;
    if (ts_policy_install(&pol, &o) != 0) {
        store_close(st);
        return TS_EXIT_USAGE;
    }

    run_sink rs = {.full = full};
    trace_names_init(&rs.names);
    o.sink = run__sink;
    o.sink_ud = &rs;
    ts_recording rec;
    int status = ts_record_begin(&rec, st, sc->name, pol.spec, &o, 0);
    if (status == 0) {
        model_result res;
        status = model_run(&o, sc->main, NULL, &res);
        fflush(stdout);
        if (ts_record_end(&rec, status, &res) != 0)
            status = TS_EXIT_USAGE;
        else
            ts_view_status((ts_view *)&rs, sc->name, status, &res, rec.meta.id);
    }
    run__sink_fini(&rs);
    ts_policy_fini(&pol);
    store_close(st);
    return status;
}
