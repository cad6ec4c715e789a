/*
 * tools/cmd_explore.c — `threadsim explore PROGRAM`: run many schedules of a
 * program (tools/explore.h) and report every distinct outcome, the schedule
 * that first gave each (a replay token for the stepper), and which fail.
 *
 * The report on stdout depends only on the program, the options and the
 * seed (it is deterministic to the byte); the wall time and schedules per
 * second go to stderr.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../model/cpy/py.h"
#include "../sim/buf.h"
#include "cli.h"
#include "cmd_py.h"
#include "explore.h"
#include "scenarios/scenario.h"
#include "step.h"

static void explore_usage(FILE *f)
{
    fputs("usage: threadsim explore PROGRAM [options] [-- ARGS]\n"
          "\n"
          "Run many schedules of PROGRAM (a .py file or a built-in scenario), every\n"
          "line a possible switch, and list every distinct outcome (output and exit\n"
          "status) with how often it came, the schedule that first gave it and a\n"
          "token that replays it in the stepper.\n"
          "\n"
          "  --strategy S          random (default), pct[:DEPTH] (default depth 3), or dfs:\n"
          "                        every schedule with at most --preemptions switches away\n"
          "                        from a thread that could go on (exhaustive for that bound)\n"
          "  --preemptions B       dfs: the bound (default 2)\n"
          "  --choices program|line  where a run may switch threads besides where one\n"
          "                        blocks: at every line of the program's own code\n"
          "                        (default), or also inside the standard library's (line)\n"
          "  --jitter SECS         timers due within SECS of each other fire in either order\n"
          "                        (real timing can swap them); timers due at the same\n"
          "                        instant always may (default 0)\n"
          "  --schedules N         the budget (default 1000; dfs: 100000)\n"
          "  --seed N              random/pct: schedule i uses seed N + i (default 0)\n"
          "  --goal FILE           stop at the first schedule whose output is exactly FILE;\n"
          "                        exit 1 if none is found\n"
          "  --fail-on LIST        exit 1 if an outcome fails in one of these ways:\n"
          "                        exception, deadlock, limit (comma-separated), or any\n"
          "  --junit FILE          a JUnit XML report: one test case per outcome\n"
          "  --shard K/N           run only this shard's part (K from 1 to N); 'auto' takes\n"
          "                        it from a Slurm array (SLURM_ARRAY_TASK_ID, _COUNT) or a\n"
          "                        Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with\n"
          "                        THREADSIM_SHARDS as N)\n"
          "  --show N              outcomes shown in full (default 20)\n"
          "  --json                the report as JSON\n"
          "  (and run's options: --python, --max-events, --switch-steps, and for .py\n"
          "  programs --max-steps, --max-memory, --timeout, --granularity, --sandbox)\n"
          "\n"
          "Exit status: 0; 1 if --fail-on matched or the --goal was not found;\n"
          "2 for bad usage.\n",
          f);
}

typedef struct x_cli {
    model_opts base;
    const ts_scenario *sc;
    ts_py_runner py;
    const char *name;
} x_cli;

static int x__run_py(void *arg, const void *spec, size_t len, model_opts *cb, model_result *res)
{
    x_cli *c = arg;
    model_opts o = c->base;
    o.sink = cb->sink;
    o.sink_ud = cb->sink_ud;
    o.on_decision = cb->on_decision;
    o.decision_ud = cb->decision_ud;
    py_policy_req pol = {.blob = spec, .len = len};
    return ts_py_runner_run(&c->py, &o, &pol, res);
}

static int x__run_c(void *arg, const void *spec, size_t len, model_opts *cb, model_result *res)
{
    x_cli *c = arg;
    model_opts o = c->base;
    o.sink = cb->sink;
    o.sink_ud = cb->sink_ud;
    o.on_decision = cb->on_decision;
    o.decision_ud = cb->decision_ud;
    o.policy = ts_x_make_policy(spec, len);
    return model_run(&o, c->sc->main, NULL, res);
}

/* ---- the explanation of a schedule: its preemptions, with lines -------------- */

typedef struct x_explain {
    char **names;             /* by thread id */
    uint32_t nnames;
    uint32_t note_thread;     /* the thread of the last line note */
    char note[256];           /* its "file:line" */
    sim_buf out;              /* the report lines */
    uint32_t k;               /* preemptions so far */
} x_explain;

static void x__name(x_explain *x, uint32_t id, const char *text, size_t len)
{
    if (id == SIM_NONE)
        return;
    if (id >= x->nnames) {
        char **n = realloc(x->names, (id + 1) * sizeof *n);
        if (!n)
            return;
        for (uint32_t i = x->nnames; i <= id; i++)
            n[i] = NULL;
        x->names = n;
        x->nnames = id + 1;
    }
    free(x->names[id]);
    x->names[id] = strndup(text, len);
}

static const char *x__tname(const x_explain *x, uint32_t id)
{
    return id < x->nnames && x->names[id] ? x->names[id] : "?";
}

static void x__explain_sink(void *ud, const sim_event *ev)
{
    x_explain *x = ud;
    if (ev->kind == SIM_EV_CREATE && ev->text)
        x__name(x, ev->other, ev->text, ev->len);
    else if (ev->kind == SIM_EV_NOTE && ev->reason && strcmp(ev->reason, "rename") == 0 && ev->text)
        x__name(x, ev->other, ev->text, ev->len);
    else if (ev->kind == SIM_EV_NOTE && ev->reason && strcmp(ev->reason, "line") == 0 && ev->text) {
        x->note_thread = ev->thread;
        size_t n = ev->len < sizeof x->note - 1 ? ev->len : sizeof x->note - 1;
        memcpy(x->note, ev->text, n);
        x->note[n] = '\0';
    }
}

static void x__explain_dec(void *ud, uint64_t index, uint32_t n, uint32_t chosen, uint32_t thread,
                           bool step)
{
    x_explain *x = ud;
    if (!step || chosen == n - 1)
        return;
    x->k++;
    const char *from = x->note_thread != SIM_NONE ? x__tname(x, x->note_thread) : "?";
    sim_buf_printf(&x->out, "     preemption %u (decision %" PRIu64 "): %s is switched out at %s; %s runs\n",
                   x->k, index, from, x->note[0] ? x->note : "?", x__tname(x, thread));
}

/* ---- the report ------------------------------------------------------------------ */

static void x__quote(sim_buf *b, const char *s, size_t n, size_t max_lines)
{
    size_t lines = 0, i = 0;
    while (i < n && lines < max_lines) {
        size_t e = i;
        while (e < n && s[e] != '\n')
            e++;
        sim_buf_adds(b, "     | ");
        sim_buf_add(b, s + i, e - i);
        sim_buf_addc(b, '\n');
        lines++;
        i = e < n ? e + 1 : e;
    }
    if (i < n)
        sim_buf_printf(b, "     | ... (%zu more bytes)\n", n - i);
    if (n == 0)
        sim_buf_adds(b, "     (prints nothing)\n");
}

static void x__json_str(sim_buf *b, const char *s, size_t n)
{
    sim_buf_addc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            sim_buf_printf(b, "\\%c", c);
        else if (c == '\n')
            sim_buf_adds(b, "\\n");
        else if (c < 0x20)
            sim_buf_printf(b, "\\u%04x", c);
        else
            sim_buf_addc(b, (char)c);
    }
    sim_buf_addc(b, '"');
}

static void x__xml(FILE *f, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '<')
            fputs("&lt;", f);
        else if (c == '>')
            fputs("&gt;", f);
        else if (c == '&')
            fputs("&amp;", f);
        else if (c == '"')
            fputs("&quot;", f);
        else if (c < 0x20 && c != '\n' && c != '\t')
            fprintf(f, "&#%u;", c);
        else
            fputc(c, f);
    }
}

static bool x__fails(const ts_x_outcome *o, const char *fail_on)
{
    if (!o->failure || !fail_on)
        return false;
    if (strcmp(fail_on, "any") == 0)
        return true;
    size_t n = strlen(o->failure);
    for (const char *p = fail_on; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, o->failure, n) == 0)
            return true;
        p += len + (e ? 1 : 0);
    }
    return false;
}

static bool x__valid_fail_on(const char *s)
{
    if (strcmp(s, "any") == 0)
        return true;
    static const char *const ok[] = {"exception", "deadlock", "limit"};
    for (const char *p = s; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        bool found = false;
        for (size_t i = 0; i < 3; i++)
            found |= strlen(ok[i]) == len && strncmp(p, ok[i], len) == 0;
        if (!found)
            return false;
        p += len + (e ? 1 : 0);
        if (e && !*p)
            return false;
    }
    return *s != '\0';
}

static bool x__parse_shard(const char *v, uint32_t *k, uint32_t *n)
{
    char buf[64];
    if (strcmp(v, "auto") == 0) {
        const char *id = getenv("SLURM_ARRAY_TASK_ID"), *cnt = getenv("SLURM_ARRAY_TASK_COUNT");
        const char *min = getenv("SLURM_ARRAY_TASK_MIN");
        if (!id) {
            id = getenv("JOB_COMPLETION_INDEX");
            cnt = getenv("THREADSIM_SHARDS");
            min = "0";
        }
        if (!id || !cnt) {
            ts_usage_error("explore: --shard auto needs SLURM_ARRAY_TASK_ID and "
                           "SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX and THREADSIM_SHARDS");
            return false;
        }
        uint64_t i, c, m = 0;
        if (!ts_parse_u64("--shard auto", id, &i) || !ts_parse_u64("--shard auto", cnt, &c) ||
            (min && !ts_parse_u64("--shard auto", min, &m)))
            return false;
        if (c == 0 || c > UINT32_MAX || i < m || i - m >= c) {
            ts_usage_error("explore: --shard auto: index %" PRIu64 " is not within %" PRIu64
                           " shards", i, c);
            return false;
        }
        *k = (uint32_t)(i - m + 1);
        *n = (uint32_t)c;
        return true;
    }
    const char *slash = strchr(v, '/');
    uint64_t a, b;
    if (!slash || (size_t)(slash - v) >= sizeof buf) {
        ts_usage_error("explore: --shard needs K/N (e.g. 3/16) or auto");
        return false;
    }
    memcpy(buf, v, (size_t)(slash - v));
    buf[slash - v] = '\0';
    if (!ts_parse_u64("--shard", buf, &a) || !ts_parse_u64("--shard", slash + 1, &b))
        return false;
    if (b == 0 || b > UINT32_MAX || a < 1 || a > b) {
        ts_usage_error("explore: --shard K/N needs 1 <= K <= N (got %s)", v);
        return false;
    }
    *k = (uint32_t)a;
    *n = (uint32_t)b;
    return true;
}

static const char *x__strategy_name(const ts_x_opts *xo, char *buf, size_t cap)
{
    if (xo->strategy == TS_X_DFS)
        snprintf(buf, cap, "dfs, at most %u preemption%s", xo->bound, xo->bound == 1 ? "" : "s");
    else if (xo->strategy == TS_X_PCT)
        snprintf(buf, cap, "pct depth %u, seed %" PRIu64, xo->depth, xo->seed);
    else
        snprintf(buf, cap, "random, seed %" PRIu64, xo->seed);
    return buf;
}

static double x__now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int ts_cmd_explore(int argc, char **argv)
{
    x_cli c;
    memset(&c, 0, sizeof c);
    c.base = model_opts_default();
    ts_x_opts xo = {.strategy = TS_X_RANDOM, .depth = 3, .bound = 2, .timers = true};
    bool python_set = false, json = false, all_lines = false;
    const char *goal = NULL, *fail_on = NULL, *junit = NULL;
    uint64_t show = 20;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            explore_usage(stdout);
            return TS_EXIT_OK;
        }
        if (strcmp(a, "--json") == 0) {
            json = true;
            continue;
        }
        if (strcmp(a, "--jitter") == 0) {
            double j;
            if (!v)
                return ts_usage_error("explore: --jitter needs a value");
            if (!ts_parse_secs(a, v, &j))
                return TS_EXIT_USAGE;
            if (j > 1e6)
                return ts_usage_error("explore: --jitter must be at most 1000000 seconds");
            xo.jitter = (int64_t)(j * 1e9 + 0.5);
            i++;
            continue;
        }
        if (strcmp(a, "--choices") == 0) {
            if (!v || (strcmp(v, "program") != 0 && strcmp(v, "line") != 0))
                return ts_usage_error("explore: --choices needs program or line");
            all_lines = strcmp(v, "line") == 0;
            i++;
            continue;
        }
        if (strcmp(a, "--strategy") == 0 || strcmp(a, "--preemptions") == 0 ||
            strcmp(a, "--schedules") == 0 || strcmp(a, "--seed") == 0 ||
            strcmp(a, "--goal") == 0 || strcmp(a, "--fail-on") == 0 ||
            strcmp(a, "--junit") == 0 || strcmp(a, "--shard") == 0 || strcmp(a, "--show") == 0) {
            if (!v)
                return ts_usage_error("explore: %s needs a value", a);
            i++;
            uint64_t x;
            if (strcmp(a, "--strategy") == 0) {
                if (strcmp(v, "random") == 0)
                    xo.strategy = TS_X_RANDOM;
                else if (strcmp(v, "dfs") == 0)
                    xo.strategy = TS_X_DFS;
                else if (strncmp(v, "pct", 3) == 0 && (v[3] == '\0' || v[3] == ':')) {
                    xo.strategy = TS_X_PCT;
                    if (v[3] == ':') {
                        if (!ts_parse_u64("--strategy pct:DEPTH", v + 4, &x))
                            return TS_EXIT_USAGE;
                        if (x < 1 || x > 1000)
                            return ts_usage_error("explore: pct depth must be from 1 to 1000");
                        xo.depth = (uint32_t)x;
                    }
                } else
                    return ts_usage_error("explore: --strategy needs random, pct[:DEPTH] or dfs "
                                          "(got '%s')", v);
            } else if (strcmp(a, "--preemptions") == 0) {
                if (!ts_parse_u64(a, v, &x))
                    return TS_EXIT_USAGE;
                if (x > 1000)
                    return ts_usage_error("explore: --preemptions must be at most 1000");
                xo.bound = (uint32_t)x;
            } else if (strcmp(a, "--schedules") == 0) {
                if (!ts_parse_u64(a, v, &xo.max_schedules))
                    return TS_EXIT_USAGE;
                if (xo.max_schedules == 0)
                    return ts_usage_error("explore: --schedules must be at least 1");
            } else if (strcmp(a, "--seed") == 0) {
                if (!ts_parse_u64(a, v, &xo.seed))
                    return TS_EXIT_USAGE;
            } else if (strcmp(a, "--show") == 0) {
                if (!ts_parse_u64(a, v, &show))
                    return TS_EXIT_USAGE;
            } else if (strcmp(a, "--goal") == 0) {
                goal = v;
            } else if (strcmp(a, "--fail-on") == 0) {
                if (!x__valid_fail_on(v))
                    return ts_usage_error("explore: --fail-on needs exception, deadlock, limit "
                                          "(comma-separated) or any (got '%s')", v);
                fail_on = v;
            } else if (strcmp(a, "--junit") == 0) {
                junit = v;
            } else if (strcmp(a, "--shard") == 0) {
                if (!x__parse_shard(v, &xo.shard_k, &xo.shard_n))
                    return TS_EXIT_USAGE;
            }
            continue;
        }
        int k = ts_parse_py_option(argc - i, argv + i);
        if (k == 0)
            k = ts_parse_run_option(argc - i, argv + i, &c.base, &python_set);
        if (k < 0)
            return TS_EXIT_USAGE;
        if (k > 0) {
            i += k - 1;
            continue;
        }
        if (a[0] == '-')
            return ts_usage_error("explore: unknown option '%s' (see 'threadsim explore --help')", a);
        if (c.name)
            return ts_usage_error("explore: one program at a time ('%s' and '%s')", c.name, a);
        c.name = a;
    }
    if (!c.name)
        return ts_usage_error("explore: which program? (a .py file or a scenario from 'threadsim list')");
    char *goal_text = NULL;
    if (goal) {
        size_t len;
        if (!(goal_text = sim_read_file(goal, &len)))
            return ts_usage_error("explore: cannot read --goal file '%s': %s", goal, strerror(errno));
        xo.goal = goal_text;
        xo.goal_len = len;
    }
    c.base.seed = xo.seed;
    c.sc = ts_scenario_find(c.name);
    py_program *prog = NULL;
    ts_x_runner runner = x__run_c;
    if (!c.sc) {
        if (!ts_is_py_program(c.name)) {
            free(goal_text);
            return ts_usage_error("explore: unknown scenario '%s' (see 'threadsim list')", c.name);
        }
        int python = python_set ? c.base.python : ts_py_dialect_of(c.name);
        sim_buf err = {0};
        bool io_error = false;
        prog = py_program_read(c.name, python, &err, &io_error);
        if (!prog) {
            fprintf(stderr, "%s\n", sim_buf_str(&err));
            sim_buf_free(&err);
            free(goal_text);
            return io_error ? TS_EXIT_USAGE : TS_EXIT_FAIL;
        }
        sim_buf_free(&err);
        c.base.python = python;
        ts_py_model_defaults(&c.base);
        py_run_opts ro = ts_py_run_opts(c.name);
        ro.line_notes = false; /* the explanation re-runs with them */
        ro.make_policy = ts_x_make_policy;
        ro.program_lines = !all_lines;
        ts_py_runner_init(&c.py, prog, &ro);
        runner = x__run_py;
    } else if (!python_set) {
        c.base.python = c.sc->python;
    }

    double t0 = x__now();
    ts_x_result r;
    int rc = ts_explore(&xo, runner, &c, &r);
    double secs = x__now() - t0;
    if (rc != 0) {
        fprintf(stderr, "threadsim: explore: out of memory\n");
        ts_x_result_fini(&r);
        ts_py_runner_fini(&c.py);
        py_program_free(prog);
        free(goal_text);
        return TS_EXIT_USAGE;
    }
    fprintf(stderr, "threadsim: explore: %" PRIu64 " schedules in %.2f s (%.0f schedules/s)\n",
            r.schedules, secs, secs > 0 ? (double)r.schedules / secs : 0.0);
    /* failing and goal outcomes: the schedule with the fewest preemptions */
    for (size_t i = 0; i < r.nout && i < show && !json; i++) {
        ts_x_outcome *o = &r.out[i];
        if ((o->failure || (long)i == r.goal) && o->preemptions > 0 &&
            ts_x_shrink(&xo, runner, &c, o, 5000) < 0) {
            fprintf(stderr, "threadsim: explore: out of memory\n");
            break;
        }
    }

    /* the preemptions of each shown failing or goal outcome, with lines */
    ts_py_runner notes;
    memset(&notes, 0, sizeof notes);
    if (prog) {
        py_run_opts ro = ts_py_run_opts(c.name);
        ro.line_notes = true;
        ro.make_policy = ts_x_make_policy;
        ro.program_lines = !all_lines;
        ts_py_runner_init(&notes, prog, &ro);
    }
    char sname[96];
    x__strategy_name(&xo, sname, sizeof sname);
    sim_buf rep = {0};
    size_t nfail = 0;
    for (size_t i = 0; i < r.nout; i++)
        nfail += x__fails(&r.out[i], fail_on);
    if (json) {
        sim_buf_adds(&rep, "{\"program\": ");
        x__json_str(&rep, c.name, strlen(c.name));
        sim_buf_printf(&rep, ", \"strategy\": ");
        x__json_str(&rep, sname, strlen(sname));
        if (xo.shard_n)
            sim_buf_printf(&rep, ", \"shard\": \"%u/%u\"", xo.shard_k, xo.shard_n);
        sim_buf_printf(&rep, ", \"schedules\": %" PRIu64 ", \"exhausted\": %s, \"outcomes\": [",
                       r.schedules, r.exhausted ? "true" : "false");
    } else {
        sim_buf_printf(&rep, "explore %s: %s%s\n", c.name, sname, "");
        if (xo.shard_n)
            sim_buf_printf(&rep, "shard %u of %u\n", xo.shard_k, xo.shard_n);
        sim_buf_printf(&rep, "%" PRIu64 " schedule%s, %zu distinct outcome%s", r.schedules,
                       r.schedules == 1 ? "" : "s", r.nout, r.nout == 1 ? "" : "s");
        if (r.exhausted)
            sim_buf_printf(&rep, "; exhausted: every schedule with at most %u preemption%s ran\n",
                           xo.bound, xo.bound == 1 ? "" : "s");
        else if (xo.strategy == TS_X_DFS && r.goal < 0)
            sim_buf_adds(&rep, "; not exhausted: the budget ran out first (--schedules)\n");
        else
            sim_buf_addc(&rep, '\n');
    }
    for (size_t i = 0; i < r.nout; i++) {
        const ts_x_outcome *o = &r.out[i];
        char *tok = ts_step_token_ranks(c.name, o->ranks, o->nchoices);
        if (json) {
            sim_buf_printf(&rep, "%s{\"count\": %" PRIu64 ", \"first\": %" PRIu64
                           ", \"exit\": %d, \"preemptions\": %u, \"failure\": ",
                           i ? ", " : "", o->count, o->first, o->status, o->preemptions);
            if (o->failure)
                x__json_str(&rep, o->failure, strlen(o->failure));
            else
                sim_buf_adds(&rep, "null");
            sim_buf_adds(&rep, ", \"output\": ");
            x__json_str(&rep, o->output, o->len);
            sim_buf_adds(&rep, ", \"token\": ");
            x__json_str(&rep, tok ? tok : "", tok ? strlen(tok) : 0);
            sim_buf_addc(&rep, '}');
            free(tok);
            continue;
        }
        if (i >= show) {
            free(tok);
            continue;
        }
        sim_buf_printf(&rep, "\n  %zu. %" PRIu64 " schedule%s (first #%" PRIu64 "; fewest preemptions %u%s), exit %d%s%s%s\n",
                       i + 1, o->count, o->count == 1 ? "" : "s", o->first, o->preemptions,
                       "", o->status,
                       o->failure ? ", FAILS: " : "", o->failure ? o->failure : "",
                       (long)i == r.goal ? ", the goal" : "");
        if (o->detail)
            sim_buf_printf(&rep, "     %s\n", o->detail);
        x__quote(&rep, o->output, o->len, 12);
        if (o->nchoices) {
            sim_buf_printf(&rep, "     replay: threadsim step %s --choices %s --replay '%s'\n",
                           c.name, prog && !all_lines ? "program" : "line", tok ? tok : "");
        } else {
            sim_buf_adds(&rep, "     replay: the default schedule (threadsim run)\n");
        }
        /* name the preemptions of failing and goal outcomes */
        if ((o->failure || (long)i == r.goal) && o->preemptions && o->nchoices) {
            x_explain x;
            memset(&x, 0, sizeof x);
            x.note_thread = SIM_NONE;
            x__name(&x, 0, "MainThread", 10);
            model_opts cb = model_opts_default();
            cb.sink = x__explain_sink;
            cb.sink_ud = &x;
            cb.on_decision = x__explain_dec;
            cb.decision_ud = &x;
            size_t len;
            void *spec = ts_x_spec_fixed(&xo, o->choices, o->nchoices, &len);
            model_result mr;
            if (spec) {
                x_cli cn = c;
                cn.py = notes;
                (prog ? x__run_py : x__run_c)(&cn, spec, len, &cb, &mr);
                notes = cn.py;
            }
            free(spec);
            sim_buf_add(&rep, x.out.p ? x.out.p : "", x.out.len);
            sim_buf_free(&x.out);
            for (uint32_t k = 0; k < x.nnames; k++)
                free(x.names[k]);
            free(x.names);
        }
        free(tok);
    }
    if (json) {
        sim_buf_adds(&rep, "]");
        if (goal)
            sim_buf_printf(&rep, ", \"goal_found\": %s", r.goal >= 0 ? "true" : "false");
        sim_buf_adds(&rep, "}\n");
    } else {
        if (r.nout > show)
            sim_buf_printf(&rep, "\n  (%zu more outcomes: --show N)\n", r.nout - (size_t)show);
        if (goal)
            sim_buf_printf(&rep, "\ngoal %s: %s\n", goal,
                           r.goal >= 0 ? "found"
                           : r.exhausted ? "not found: no schedule within the bound prints it"
                                         : "not found within the budget");
        if (fail_on)
            sim_buf_printf(&rep, "%sfail-on %s: %zu failing outcome%s\n", goal ? "" : "\n",
                           fail_on, nfail, nfail == 1 ? "" : "s");
    }
    fwrite(rep.p, 1, rep.len, stdout);
    fflush(stdout);
    sim_buf_free(&rep);

    int status = TS_EXIT_OK;
    if ((goal && r.goal < 0) || nfail)
        status = TS_EXIT_FAIL;
    if (junit) {
        FILE *f = fopen(junit, "w");
        if (!f) {
            fprintf(stderr, "threadsim: explore: cannot write %s: %s\n", junit, strerror(errno));
            status = TS_EXIT_USAGE;
        } else {
            size_t bad = 0;
            for (size_t i = 0; i < r.nout; i++)
                bad += fail_on ? x__fails(&r.out[i], fail_on) : r.out[i].failure != NULL;
            fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<testsuites>\n<testsuite name=\"threadsim explore ");
            x__xml(f, c.name, strlen(c.name));
            fprintf(f, "\" tests=\"%zu\" failures=\"%zu\">\n", r.nout, bad);
            for (size_t i = 0; i < r.nout; i++) {
                const ts_x_outcome *o = &r.out[i];
                bool fails = fail_on ? x__fails(o, fail_on) : o->failure != NULL;
                char *tok = ts_step_token_ranks(c.name, o->ranks, o->nchoices);
                fprintf(f, "<testcase classname=\"explore\" name=\"outcome %zu (%" PRIu64
                           " schedules, exit %d)\">", i + 1, o->count, o->status);
                if (fails) {
                    fprintf(f, "\n<failure message=\"%s\">", o->failure);
                    x__xml(f, o->output, o->len);
                    fputs("\nreplay token: ", f);
                    x__xml(f, tok ? tok : "", tok ? strlen(tok) : 0);
                    fputs("</failure>\n", f);
                }
                fputs("</testcase>\n", f);
                free(tok);
            }
            fputs("</testsuite>\n</testsuites>\n", f);
            if (fclose(f) != 0)
                status = TS_EXIT_USAGE;
        }
    }
    ts_x_result_fini(&r);
    ts_py_runner_fini(&notes);
    ts_py_runner_fini(&c.py);
    py_program_free(prog);
    free(goal_text);
    return status;
}
