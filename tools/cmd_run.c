/*
 * tools/cmd_run.c — `threadsim list` and `threadsim run`.
 *
 * run streams as the program goes: in the output view each write goes to the
 * real stdout or stderr (flushed, so `2>&1` shows them in program order); in
 * the full view (--trace) each event is one line on stdout. Diagnostics of
 * the run (deadlock report, limit) go to stderr after it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../traces/trace.h"
#include "cli.h"
#include "cmd_py.h"
#include "record.h"
#include "scenarios/scenario.h"

int ts_cmd_list(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        puts("usage: threadsim list\n\nPrints the built-in scenarios, one per line: NAME  SUMMARY");
        return TS_EXIT_OK;
    }
    if (argc > 1)
        return ts_usage_error("list takes no arguments");
    size_t n;
    const ts_scenario *all = ts_scenarios(&n);
    for (size_t i = 0; i < n; i++)
        printf("%-32s %s\n", all[i].name, all[i].summary);
    return TS_EXIT_OK;
}

typedef struct run_sink {
    bool full;              /* --trace */
    trace_names names;
    sim_buf line;
    bool midline;           /* the program's last write did not end a line */
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

void ts_view_free(ts_view *v)
{
    run_sink *rs = (run_sink *)v;
    if (!rs)
        return;
    fflush(stdout);
    trace_names_fini(&rs->names);
    sim_buf_free(&rs->line);
    free(rs);
}

static void run_usage(FILE *f)
{
    fputs("usage: threadsim run NAME|FILE.py [options]\n\n"
          "Runs a built-in scenario (see 'threadsim list') or a Python program (Python 3\n"
          "unless --python 2) and prints what it prints.\n\n"
          "options:\n"
          "  --trace               the full view: every event with its virtual time\n"
          "  --python 2|3          dialect for default thread names (default: the scenario's)\n"
          "  --max-events N        stop after N events (exit 4)\n"
          "  --max-time SECS       stop when virtual time would pass SECS (exit 4)\n"
          "  --switch-steps N      model calls (or Python statements) per switch interval (10000)\n"
          "  --switch-interval S   virtual seconds charged per switch interval (0.005)\n"
          "  --stack-size BYTES    stack per green thread (262144)\n"
          "  --backend NAME        context switch: asm (x86-64, default) or ucontext\n"
          "  --policy P            scheduling: fifo (default), random, pct[:DEPTH[:STEPS]]\n"
          "  --seed N              the run's seed: random policies, Python's random (0)\n"
          "  --db PATH             record the run into PATH (default ./threadsim.db)\n"
          "  --no-db               do not record the run\n\n"
          "Python programs (run in CPython 3.11; every thread, lock and clock simulated):\n"
          "  -- ARGS...            the program's sys.argv[1:]\n"
          "  --switch-steps N      lines per 5 ms switch interval (330000: CPython's speed)\n"
          "  --granularity G       line (default) or opcode: where random/pct may switch\n"
          "  --max-steps N         stop after N executed lines (200000000; exit 4)\n"
          "  --max-memory SIZE     MemoryError past SIZE of Python allocations (256M)\n"
          "  --max-output SIZE     stop after SIZE bytes of output (64M; exit 4)\n"
          "  --timeout SECS        stop after SECS of wall-clock time (exit 4)\n"
          "  -u                    unbuffered output, as python -u (also when PYTHONUNBUFFERED\n"
          "                        is set): each write is a point where threads may switch\n"
          "  --sandbox             confine the program by the kernel (Landlock, seccomp):\n"
          "                        no network, no processes, writes only in a scratch folder\n",
          f);
}

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
            run_usage(stdout);
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
        if (argv[i][0] == '-')
            return ts_usage_error("run: unknown option '%s'", argv[i]);
        if (name)
            return ts_usage_error("run: one scenario at a time ('%s' and '%s')", name, argv[i]);
        name = argv[i];
    }
    if (!name)
        return ts_usage_error("run: which scenario? (see 'threadsim list')");
    if (!ts_scenario_find(name) && ts_is_py_program(name))
        return ts_run_py(name, &o, python_set, full, &db, &pol);
    const ts_scenario *sc = ts_scenario_find(name);
    if (!sc)
        return ts_usage_error("unknown scenario '%s' (see 'threadsim list')", name);
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
    }
    trace_names_fini(&rs.names);
    sim_buf_free(&rs.line);
    ts_policy_fini(&pol);
    store_close(st);
    return status;
}
