/*
 * tools/cmd_store.c — the commands that read recorded runs back:
 *
 *   runs            the recorded runs, newest first (--json: one object a line)
 *   show RUN        a run's output view again (--trace: full view; --json: events)
 *   sql [RUN] SQL   read-only SQL over the store; RUN's events as `events`
 *   replay RUN      run its scenario again from its recorded schedule and say
 *                   whether the new trace is identical (same trace hash)
 *
 * RUN is a run id, "last" or "last~N". A run that was never finished (killed
 * while recording) shows as 'incomplete'; show prints what was recorded and a
 * note on stderr, replay refuses it (there is no trace hash to compare with).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/cpy/py.h"
#include "../sim/num.h"
#include "../traces/hash.h"
#include "../traces/json.h"
#include "../traces/replay.h"
#include "cli.h"
#include "cmd_py.h"
#include "record.h"
#include "scenarios/scenario.h"

/* Parse the options every store command takes (--db, --help handled by the
 * caller); returns like ts_parse_db_option, refusing --no-db. */
static int cmd__db_option(const char *cmd, int argc, char **argv, ts_db_opts *db)
{
    int k = ts_parse_db_option(argc, argv, db);
    if (k > 0 && db->none)
        return ts_usage_error("%s: --no-db makes no sense here", cmd), -1;
    return k;
}

/* The rest of a run-taking command's argument loop, for argv[0] once the
 * command's own flags are handled: a --db option, an unknown option (an
 * error), or the run reference, its only positional argument. Returns the
 * entries consumed, or -1 after a usage error. */
static int cmd__run_arg(const char *cmd, int argc, char **argv, ts_db_opts *db, const char **ref)
{
    int k = cmd__db_option(cmd, argc, argv, db);
    if (k != 0)
        return k;
    if (argv[0][0] == '-')
        return ts_unknown_option(cmd, argv[0]), -1;
    if (*ref)
        return ts_usage_error("%s: one run at a time ('%s' and '%s')", cmd, *ref, argv[0]), -1;
    *ref = argv[0];
    return 1;
}

/* ---- runs ----------------------------------------------------------------- */

static void runs__time(char *buf, size_t cap, int64_t ns)
{
    if (ns < 0) {
        snprintf(buf, cap, "-");
        return;
    }
    sim_buf b = {0};
    trace_fmt_time(&b, ns);
    snprintf(buf, cap, "%s", sim_buf_str(&b));
    sim_buf_free(&b);
}

/* The table's rows, formatted once all are in: the SCENARIO and POLICY
 * columns are as wide as their longest entry (at least 28 and 12), so a
 * long program path does not push the other columns out of line. */
typedef struct runs__table {
    char **rows;              /* each row's fields, '\t'-separated */
    size_t n, cap;
    int wscen, wpol;
} runs__table;

static int runs__row(void *ud, const store_run *r)
{
    runs__table *t = ud;
    char end[40], hash[17] = "-";
    runs__time(end, sizeof end, r->end_time);
    if (r->has_hash)
        trace_hash_hex(r->hash, hash);
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 32;
        char **nr = realloc(t->rows, cap * sizeof *nr);
        if (!nr)
            return -1;
        t->rows = nr;
        t->cap = cap;
    }
    /* names escaped (a program named with a tab, a newline or an ESC keeps
     * its row one line, and the fields apart) */
    sim_buf b = {0}, scen = {0}, pol = {0};
    sim_buf_add_visible(&scen, r->scenario);
    sim_buf_add_visible(&pol, r->policy);
    sim_buf_printf(&b, "%" PRId64 "\t%s\t%s\t%" PRIu64 "\t%s\t%" PRIu64 "\t%s\t%s", r->id,
                   sim_buf_str(&scen), sim_buf_str(&pol), r->seed, store_status_name(r->status),
                   r->events, end, hash);
    t->rows[t->n++] = sim_buf_take(&b);
    int ws = (int)scen.len, wp = (int)pol.len;
    sim_buf_free(&scen);
    sim_buf_free(&pol);
    if (ws > t->wscen)
        t->wscen = ws;
    if (wp > t->wpol)
        t->wpol = wp;
    return 0;
}

static void runs__print(runs__table *t)
{
    printf("%6s  %-*s %-*s %6s  %-10s %10s %16s  %s\n", "ID", t->wscen, "SCENARIO", t->wpol,
           "POLICY", "SEED", "STATUS", "EVENTS", "END TIME", "TRACE HASH");
    for (size_t i = 0; i < t->n; i++) {
        char *f[8] = {0};
        char *p = t->rows[i];
        for (int k = 0; k < 8 && p; k++) {
            f[k] = p;
            p = strchr(p, '\t');
            if (p)
                *p++ = '\0';
        }
        if (!f[7])
            continue;
        printf("%6s  %-*s %-*s %6s  %-10s %10s %16s  %s\n", f[0], t->wscen, f[1], t->wpol, f[2],
               f[3], f[4], f[5], f[6], f[7]);
        free(t->rows[i]);
    }
    free(t->rows);
}

static void runs__json_str(sim_buf *b, const char *key, const char *v)
{
    sim_buf_printf(b, ",\"%s\":", key);
    trace_json_string(b, v, strlen(v));
}

static int runs__json(void *ud, const store_run *r)
{
    sim_buf *b = ud;
    sim_buf_clear(b);
    sim_buf_printf(b, "{\"id\":%" PRId64, r->id);
    runs__json_str(b, "scenario", r->scenario);
    runs__json_str(b, "policy", r->policy);
    sim_buf_printf(b, ",\"seed\":%" PRIu64 ",\"python\":%d", r->seed, r->python);
    runs__json_str(b, "status", store_status_name(r->status));
    if (r->exit_status >= 0)
        sim_buf_printf(b, ",\"exit_status\":%d", r->exit_status);
    else
        sim_buf_adds(b, ",\"exit_status\":null");
    sim_buf_printf(b, ",\"events\":%" PRIu64 ",\"decisions\":%" PRIu64 ",\"threads\":%" PRIu32,
                   r->events, r->decisions, r->threads);
    if (r->end_time >= 0)
        sim_buf_printf(b, ",\"end_time_ns\":%" PRId64, r->end_time);
    else
        sim_buf_adds(b, ",\"end_time_ns\":null");
    if (r->has_hash) {
        char hash[17];
        trace_hash_hex(r->hash, hash);
        runs__json_str(b, "trace_hash", hash);
        /* which hash (traces/hash.h): 2 of the packed stream, 1 of the full view */
        sim_buf_printf(b, ",\"trace_hash_kind\":%d", r->hash_kind);
    } else {
        sim_buf_adds(b, ",\"trace_hash\":null,\"trace_hash_kind\":null");
    }
    if (r->program)
        runs__json_str(b, "program", r->program);
    else
        sim_buf_adds(b, ",\"program\":null");
    if (r->replay_of > 0)
        sim_buf_printf(b, ",\"replay_of\":%" PRId64, r->replay_of);
    else
        sim_buf_adds(b, ",\"replay_of\":null");
    sim_buf_printf(b,
                   ",\"switch_steps\":%" PRIu32 ",\"switch_ns\":%" PRId64 ",\"stack_size\":%zu"
                   ",\"max_events\":%" PRIu64 ",\"max_time_ns\":%" PRId64,
                   r->cfg.switch_steps, r->cfg.switch_ns, r->cfg.stack_size, r->cfg.max_events,
                   r->cfg.max_time);
    runs__json_str(b, "recorded_at", r->recorded_at);
    runs__json_str(b, "host", r->host);
    runs__json_str(b, "version", r->version);
    sim_buf_adds(b, "}\n");
    fwrite(b->p, 1, b->len, stdout);
    return 0;
}

const char ts_help_runs[] =
    "usage: threadsim runs [options]\n\n"
    "Lists the recorded runs, newest first: id, scenario, policy, seed, status,\n"
    "events, virtual end time, trace hash. 'incomplete' marks a run whose\n"
    "recording never finished (killed, or still running).\n\n"
    "options:\n"
    "  --limit N             only the newest N runs (default 20; 0: all)\n"
    "  --all                 every run\n"
    "  --json                one JSON object per run and line, with every column\n"
    "                        (exit_status, recorded_at, host, options too)\n"
    "  --db PATH             the database (default ./threadsim.db)\n\n"
    "Exit status: 0; 125 for bad usage or an unusable database.\n";

int ts_cmd_runs(int argc, char **argv)
{
    ts_db_opts db = ts_db_opts_default();
    bool json = false;
    uint64_t limit = 20;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(ts_help_runs, stdout);
            return TS_EXIT_OK;
        }
        if (strcmp(argv[i], "--all") == 0) {
            limit = 0;
            continue;
        }
        if (strcmp(argv[i], "--json") == 0) {
            json = true;
            continue;
        }
        if (strcmp(argv[i], "--limit") == 0) {
            if (!ts_parse_u64("--limit", i + 1 < argc ? argv[i + 1] : NULL, &limit))
                return TS_EXIT_USAGE;
            i++;
            continue;
        }
        int k = cmd__db_option("runs", argc - i, argv + i, &db);
        if (k < 0)
            return TS_EXIT_USAGE;
        if (k > 0) {
            i += k - 1;
            continue;
        }
        if (argv[i][0] == '-')
            return ts_unknown_option("runs", argv[i]);
        return ts_usage_error("runs takes no arguments ('%s')", argv[i]);
    }
    store *st = ts_db_open(&db, false);
    if (!st)
        return TS_EXIT_USAGE;
    sim_buf b = {0};
    runs__table t = {.wscen = 28, .wpol = 12};
    int rc = json ? store_runs_each(st, (size_t)limit, runs__json, &b)
                  : store_runs_each(st, (size_t)limit, runs__row, &t);
    if (!json)
        runs__print(&t);
    fflush(stdout);
    sim_buf_free(&b);
    int status = TS_EXIT_OK;
    if (rc != 0)
        status = ts_usage_error("%s", store_error(st));
    store_close(st);
    return status;
}

/* ---- show ------------------------------------------------------------------- */

typedef struct show__json {
    trace_names names;
    sim_buf line;
} show__json;

static void show__json_sink(void *ud, const sim_event *ev)
{
    show__json *j = ud;
    trace_names_see(&j->names, ev);
    sim_buf_clear(&j->line);
    trace_json_event(&j->line, &j->names, ev);
    fwrite(j->line.p, 1, j->line.len, stdout);
}

const char ts_help_show[] =
    "usage: threadsim show RUN [options]\n"
    "       threadsim show exploration N|last [--json] [--db PATH]\n\n"
    "Prints a recorded run again, as 'threadsim run' printed it: the output view\n"
    "(each write to the stream the program used). RUN is a run id, 'last' or 'last~N'.\n"
    "'show exploration' prints a recorded exploration's report again (see\n"
    "'threadsim explorations').\n\n"
    "options:\n"
    "  --trace               the full view: every event with its virtual time\n"
    "  --json                every event as one JSON object per line (JSON Lines);\n"
    "                        an exploration: its report as one JSON document\n"
    "  --db PATH             the database (default ./threadsim.db)\n\n"
    "Exit status: 0; 125 for bad usage, an unknown run or an unusable database.\n";

int ts_cmd_show(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "exploration") == 0)
        return ts_cmd_show_exploration(argc - 1, argv + 1);
    ts_db_opts db = ts_db_opts_default();
    bool full = false, json = false;
    const char *ref = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(ts_help_show, stdout);
            return TS_EXIT_OK;
        }
        if (strcmp(argv[i], "--trace") == 0) {
            full = true;
            continue;
        }
        if (strcmp(argv[i], "--json") == 0) {
            json = true;
            continue;
        }
        int k = cmd__run_arg("show", argc - i, argv + i, &db, &ref);
        if (k < 0)
            return TS_EXIT_USAGE;
        i += k - 1;
    }
    if (!ref)
        return ts_usage_error("show: which run? (a run id or 'last'; see 'threadsim runs')");
    if (full && json)
        return ts_usage_error("show: --trace or --json, not both");
    store *st = ts_db_open(&db, false);
    if (!st)
        return TS_EXIT_USAGE;
    int status = TS_EXIT_OK;
    int64_t id;
    store_run r;
    if (store_resolve(st, ref, &id) != 0 || store_run_get(st, id, &r) != 0) {
        status = ts_usage_error("%s", store_error(st));
        goto done;
    }
    int rc;
    if (json) {
        show__json j = {0};
        trace_names_init(&j.names);
        rc = store_events_each(st, id, show__json_sink, &j);
        trace_names_fini(&j.names);
        sim_buf_free(&j.line);
    } else {
        ts_view *v = ts_view_new(full);
        rc = store_events_each(st, id, ts_view_sink, v);
        ts_view_free(v);
    }
    fflush(stdout);
    if (rc != 0)
        status = ts_usage_error("%s", store_error(st));
    else if (r.status == STORE_INCOMPLETE)
        fprintf(stderr, "threadsim: run %" PRId64 " is incomplete: its recording stopped after %"
                        PRIu64 " events\n", id, r.events);
    store_run_free(&r);
done:
    store_close(st);
    return status;
}

/* ---- sql ----------------------------------------------------------------------- */

const char ts_help_sql[] =
    "usage: threadsim sql [RUN] SQL [--db PATH]\n\n"
    "Runs read-only SQL over the store and prints each row as its columns joined\n"
    "by '|' (NULL as nothing), like the sqlite3 shell. Events are stored packed in\n"
    "batches; the table-valued function events(ID) shows any run's events as rows\n"
    "(seq, time_ns, kind, thread, other, obj, arg, reason, text), and with RUN\n"
    "(a run id, 'last' or 'last~N') the table events is that run's events:\n\n"
    "  threadsim sql last \"SELECT kind, count(*) FROM events GROUP BY kind\"\n"
    "  threadsim sql \"SELECT r.id, count(*) FROM runs r, events(r.id) GROUP BY r.id\"\n\n"
    "The plain sqlite3 shell does the same after '.load build/tools/libtsevents'.\n\n"
    "options:\n"
    "  --db PATH             the database (default ./threadsim.db)\n\n"
    "Exit status: 0; 125 for bad usage, bad SQL, an unknown run, an unusable or\n"
    "damaged database.\n";

static int sql__row(void *ud, int n, const char *const *val, const size_t *len)
{
    (void)ud;
    for (int i = 0; i < n; i++) {
        if (i)
            fputc('|', stdout);
        if (val[i])
            fwrite(val[i], 1, len[i], stdout);
    }
    fputc('\n', stdout);
    /* a reader gone (`| head`): stop there (main says so), not after
     * every row, nor never for an endless query */
    return ferror(stdout) ? 1 : 0;
}

int ts_cmd_sql(int argc, char **argv)
{
    ts_db_opts db = ts_db_opts_default();
    const char *pos[3] = {NULL};
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(ts_help_sql, stdout);
            return TS_EXIT_OK;
        }
        int k = cmd__db_option("sql", argc - i, argv + i, &db);
        if (k < 0)
            return TS_EXIT_USAGE;
        if (k > 0) {
            i += k - 1;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return ts_unknown_option("sql", argv[i]);
        if (npos == 2)
            return ts_usage_error("sql: one run and one SQL text at most ('%s'?)", argv[i]);
        pos[npos++] = argv[i];
    }
    if (npos == 0)
        return ts_usage_error("sql: what SQL? (threadsim sql [RUN] \"SELECT ...\")");
    /* (an empty or blank text ran nothing and said nothing, exit 0) */
    if (!pos[npos - 1][strspn(pos[npos - 1], " \t\r\n;")])
        return ts_usage_error("sql: the SQL text is empty (threadsim sql [RUN] \"SELECT ...\")");
    store *st = ts_db_open(&db, false);
    if (!st)
        return TS_EXIT_USAGE;
    int64_t id = 0;
    int status = TS_EXIT_OK;
    store_run r = {0};
    if (npos == 2 && (store_resolve(st, pos[0], &id) != 0 || store_run_get(st, id, &r) != 0))
        status = ts_usage_error("%s", store_error(st));
    else if (store_query(st, id, pos[npos - 1], sql__row, NULL) != 0)
        status = ts_usage_error("%s", store_error(st));
    store_run_free(&r);
    fflush(stdout);
    store_close(st);
    return status;
}

/* ---- replay ------------------------------------------------------------------- */

const char ts_help_replay[] =
    "usage: threadsim replay RUN [options]\n\n"
    "Runs RUN's scenario again with its options and seed, making every scheduling\n"
    "decision as recorded, and reports whether the new trace is identical (the same\n"
    "trace hash). The new run is recorded too, as policy 'replay'.\n\n"
    "options:\n"
    "  --no-record           do not record the new run\n"
    "  --db PATH             the database (default ./threadsim.db)\n\n"
    "Exit status: 0 identical; 1 not (with where the schedule stopped fitting and\n"
    "the first differing event); 125 for bad usage, an unknown or incomplete run,\n"
    "an unusable database.\n";

typedef struct replay__text {
    sim_buf full;             /* the new run's full view, its first TS_VIEW_MAX */
    bool cut;                 /* lines past that were left out */
    uint64_t view_hash;       /* the hash of the whole view (runs before 0.2 carry it) */
    trace_names names;
    trace_hasher hasher;      /* its trace hash */
} replay__text;

static void replay__sink(void *ud, const sim_event *ev)
{
    replay__text *t = ud;
    trace_names_see(&t->names, ev);
    size_t at = t->full.len;
    trace_fmt_line(&t->full, &t->names, ev);
    t->view_hash = trace_hash_bytes(t->view_hash, t->full.p + at, t->full.len - at);
    if (at >= TS_VIEW_MAX) {
        t->full.len = at; /* hashed, not kept */
        t->full.p[at] = '\0';
        t->cut = true;
    }
    trace_hasher_see(&t->hasher, ev);
}

/* Whether the policy that made run `r`'s decisions offered one at every step
 * (sim_policy.every_step): random and PCT do, FIFO and the stepper do not; a
 * replay did whatever the run it replayed did. */
/* The "jitter=NS" of an explorer's stored policy (0 if absent), read the one
 * way numbers are read (sim/num.h); -1 if it is there but not a number. */
static int replay__jitter(const char *policy, int64_t *out)
{
    const char *j = strstr(policy, "jitter=");
    *out = 0;
    if (!j)
        return 0;
    j += 7;
    char buf[24];
    size_t n = strcspn(j, " ");
    if (n >= sizeof buf)
        return -1;
    memcpy(buf, j, n);
    buf[n] = '\0';
    uint64_t v;
    if (sim_parse_u64(buf, INT64_MAX, &v) != SIM_NUM_OK)
        return -1;
    *out = (int64_t)v;
    return 0;
}

static bool replay__every_step(store *st, const store_run *r)
{
    if (strncmp(r->policy, "random", 6) == 0 || strncmp(r->policy, "pct", 3) == 0 ||
        strncmp(r->policy, "explore", 7) == 0 || strcmp(r->policy, "step line") == 0 ||
        strcmp(r->policy, "step program") == 0)
        return true;
    if (strcmp(r->policy, "replay") != 0 || r->replay_of <= 0 || r->replay_of >= r->id)
        return false;
    store_run prev;
    if (store_run_get(st, r->replay_of, &prev) != 0)
        return false;
    bool every = replay__every_step(st, &prev);
    store_run_free(&prev);
    return every;
}

/* The policy of the run a chain of replays began with (a replay's policy is
 * "replay"; its options are its first run's), malloc'd. */
static char *replay__root_policy(store *st, const store_run *r)
{
    if (strcmp(r->policy, "replay") != 0 || r->replay_of <= 0 || r->replay_of >= r->id)
        return strdup(r->policy);
    store_run prev;
    if (store_run_get(st, r->replay_of, &prev) != 0)
        return strdup(r->policy);
    char *p = replay__root_policy(st, &prev);
    store_run_free(&prev);
    return p;
}

/* Run `orig` again under the replay policy; report; return the exit status. */
static int replay__run(store *st, const store_run *orig, bool record)
{
    const ts_scenario *sc = ts_scenario_find(orig->scenario);
    py_program *prog = NULL;
    if (!sc && ts_is_py_program(orig->scenario)) {
        int rc = TS_EXIT_USAGE;
        prog = ts_py_program_of_run(st, orig, &rc);
        if (!prog)
            return rc;
    }
    if (!sc && !prog)
        return ts_usage_error("run %" PRId64 "'s scenario '%s' no longer exists", orig->id,
                              orig->scenario);
    char *root = replay__root_policy(st, orig);
    if (!root) {
        py_program_free(prog);
        return ts_usage_error("out of memory");
    }
    const char *xp = strncmp(root, "explore ", 8) == 0 ? root : NULL;
    int64_t jitter = 0;
    if (xp && replay__jitter(xp, &jitter) != 0) {
        py_program_free(prog);
        int rc = ts_usage_error("cannot replay run %" PRId64 ": its policy '%s' has no readable "
                                "jitter", orig->id, root);
        free(root);
        return rc;
    }
    trace_decision *sched;
    size_t nsched;
    if (store_load_schedule(st, orig->id, &sched, &nsched) != 0) {
        py_program_free(prog);
        free(root);
        return ts_usage_error("%s", store_error(st));
    }
    if (nsched != orig->decisions)
        fprintf(stderr, "threadsim: note: run %" PRId64 " lists %" PRIu64
                        " decisions but %zu are stored\n", orig->id, orig->decisions, nsched);

    model_opts o = model_opts_default();
    o.python = orig->python;
    o.seed = orig->seed;
    o.sim.switch_steps = orig->cfg.switch_steps;
    o.sim.switch_ns = orig->cfg.switch_ns;
    o.sim.stack_size = orig->cfg.stack_size;
    o.sim.max_events = orig->cfg.max_events;
    o.sim.max_time = orig->cfg.max_time;
    trace_replay rp;
    trace_replay_init(&rp, sched, nsched);
    o.policy = trace_replay_policy(&rp);
    o.policy.every_step = replay__every_step(st, orig);
    /* an explorer's representative run ("explore program|line jitter=NS"):
     * timers due together were its choices too, and a Python program's
     * choices were at its own lines only ("program") */
    /* (each run's own: `replay 1..4` replays runs of every kind in turn) */
    ts_py.program_lines = false;
    ts_py.cpython_points = false;
    ts_py.stepper = false;
    if (xp) {
        o.policy.pick_timer = o.policy.pick;
        o.policy.jitter = jitter;
        ts_py.program_lines = strstr(xp, " program") != NULL;
        ts_py.cpython_points = strstr(xp, " cpython") != NULL;
        if (strstr(xp, " unbuffered"))
            ts_py.unbuffered = true;
    }
    /* a stepper's run ("step", "step program", "step line"): line notes and
     * steps as it ran, and its choices at lines and between timers */
    if (strcmp(root, "step") == 0 || strncmp(root, "step ", 5) == 0) {
        ts_py.stepper = true;
        ts_py.program_lines = strcmp(root, "step program") == 0;
        ts_py.cpython_points = strcmp(root, "step cpython") == 0;
        if (o.policy.every_step)
            o.policy.pick_timer = o.policy.pick;
    }

    replay__text t = {.view_hash = TRACE_HASH_INIT};
    trace_names_init(&t.names);
    trace_hasher_init(&t.hasher);
    o.sink = replay__sink;
    o.sink_ud = &t;
    o.on_decision = trace_hasher_decision;
    o.decision_ud = &t.hasher;
    ts_recording rec;
    int status = ts_record_begin(&rec, record ? st : NULL, orig->scenario, "replay", &o, orig->id);
    if (status != 0)
        goto done;
    ts_py_record_program(&rec, prog);
    model_result res;
    int run_status;
    if (prog) {
        run_status = ts_py_exec(prog, orig->scenario, &o, &res);
    } else {
        run_status = model_run(&o, sc->main, NULL, &res);
    }
    if (ts_record_end(&rec, run_status, &res) != 0) {
        status = TS_EXIT_USAGE;
        goto done;
    }
    bool fits = trace_replay_finish(&rp, res.decisions, res.end_time, res.events);
    /* the replay's hash of the kind the run carries (hash.h) */
    uint64_t h = orig->hash_kind == TRACE_HASH_FNV_VIEW ? t.view_hash
                                                         : trace_hasher_value(&t.hasher);
    char hx[17], ohx[17], newrun[48] = "";
    trace_hash_hex(h, hx);
    trace_hash_hex(orig->hash, ohx);
    if (rec.meta.id > 0)
        snprintf(newrun, sizeof newrun, " (recorded as run %" PRId64 ")", rec.meta.id);
    if (h == orig->hash && fits) {
        printf("replay of run %" PRId64 " (%s) is identical: trace hash %s, %" PRIu64
               " events, %" PRIu64 " decisions%s\n",
               orig->id, orig->scenario, hx, res.events, res.decisions, newrun);
        status = TS_EXIT_OK;
        goto done;
    }
    printf("replay of run %" PRId64 " (%s) DIFFERS: trace hash %s, recorded %s%s\n", orig->id,
           orig->scenario, hx, ohx, newrun);
    if (orig->version && strcmp(orig->version, ts_build()) != 0)
        /* another build can place the program's objects elsewhere: its
         * id()s, default reprs and the order of sets of objects differ */
        printf("note: run %" PRId64 " was recorded by threadsim %s, this is %s: a program whose "
               "output shows or depends on object addresses can differ between builds\n",
               orig->id, orig->version, ts_build());
    if (!fits) {
        sim_buf when = {0};
        trace_fmt_time(&when, rp.at_time);
        printf("schedule diverged at decision %" PRIu64 " (virtual time %s, after event %" PRIu64
               "): %s\n",
               rp.at_decision, sim_buf_str(&when), rp.at_seq, rp.why);
        sim_buf_free(&when);
    }
    sim_buf old = {0}, out = {0};
    bool old_cut = false;
    status = ts_stored_view(st, orig->id, true, &old, &old_cut);
    if (status == 0) {
        char la[64], lb[64];
        snprintf(la, sizeof la, "run %" PRId64 " (recorded)", orig->id);
        snprintf(lb, sizeof lb, "replay");
        ts_format_diff(sim_buf_str(&old), old.len, sim_buf_str(&t.full), t.full.len, la, lb,
                       true, 3, &out);
        if (old_cut || t.cut)
            sim_buf_printf(&out, "(the views are compared up to their first %zu MiB; the "
                                 "traces' hashes differ)\n", TS_VIEW_MAX >> 20);
        fwrite(sim_buf_str(&out), 1, out.len, stdout);
        status = TS_EXIT_FAIL;
    }
    sim_buf_free(&old);
    sim_buf_free(&out);
done:
    fflush(stdout);
    trace_names_fini(&t.names);
    trace_hasher_fini(&t.hasher);
    sim_buf_free(&t.full);
    free(sched);
    free(root);
    py_program_free(prog);
    return status;
}

int ts_cmd_replay(int argc, char **argv)
{
    ts_db_opts db = ts_db_opts_default();
    bool record = true;
    const char *ref = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(ts_help_replay, stdout);
            return TS_EXIT_OK;
        }
        if (strcmp(argv[i], "--no-record") == 0) {
            record = false;
            continue;
        }
        int k = cmd__run_arg("replay", argc - i, argv + i, &db, &ref);
        if (k < 0)
            return TS_EXIT_USAGE;
        i += k - 1;
    }
    if (!ref)
        return ts_usage_error("replay: which run? (a run id or 'last'; see 'threadsim runs')");
    store *st = ts_db_open(&db, false);
    if (!st)
        return TS_EXIT_USAGE;
    int status;
    int64_t id;
    store_run r;
    if (store_resolve(st, ref, &id) != 0 || store_run_get(st, id, &r) != 0) {
        status = ts_usage_error("%s", store_error(st));
    } else {
        if (r.status == STORE_INCOMPLETE || !r.has_hash)
            status = ts_usage_error("run %" PRId64 " is incomplete: there is no finished trace "
                                    "to compare a replay with", id);
        else
            status = replay__run(st, &r, record);
        store_run_free(&r);
    }
    store_close(st);
    return status;
}
