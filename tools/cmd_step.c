/*
 * tools/cmd_step.c — `threadsim step`: walk through a run one event at a
 * time, choose which ready thread runs next, step back (engine: step.h).
 *
 * Two faces, one loop. On a terminal (stdin and stdout both ttys, no
 * --commands) each stop redraws the screen, sized to the terminal and
 * coloured unless NO_COLOR is set, with a prompt at the bottom; an empty
 * line repeats the last command. Otherwise commands come from --commands
 * ("step; choose 2; back") or standard input, one per line, and each is
 * echoed ("> step") before its stop is printed in full, without colour:
 * a transcript a test can compare. A bad command in a script is a usage
 * error (exit 2); on a terminal it is a message and the prompt returns.
 *
 * At the end (quit, or the end of the commands) the path is recorded as a
 * run (policy "step", unless --no-db) and the replay token is printed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../model/cpy/py.h"
#include "../sim/num.h"
#include "cli.h"
#include "cmd_py.h"
#include "record.h"
#include "scenarios/scenario.h"
#include "step.h"

#define STEP_MAX_EVENTS 1000000   /* default event cap: a stepper shows nothing bigger */

const char ts_help_step[] =
    "usage: threadsim step NAME|program.py [options] [-- ARGS...]\n"
    "       threadsim step --replay TOKEN [options]\n\n"
    "Runs a built-in scenario (see 'threadsim list') or a Python program one event\n"
    "at a time (a Python program's threads also show the line they are at): at each\n"
    "stop, every thread's state, the pending timers and the output so far; where\n"
    "two or more threads can run, you choose which. Commands are read from the\n"
    "terminal, from --commands or from standard input ('help' lists them).\n\n"
    "options:\n"
    "  --commands \"C1; C2\"   run these commands (';' or newlines between them)\n"
    "  --replay TOKEN        start on the path of a replay token (NAME:CODE); @FILE\n"
    "                        reads it from FILE (a long run's token can be longer\n"
    "                        than one command-line argument may be)\n"
    "  --goal FILE           announce when the output so far equals FILE; the exit\n"
    "                        status is then 1 if it never did\n"
    "  --db PATH             record the path into PATH (default ./threadsim.db)\n"
    "  --no-db               do not record it\n"
    "  --seed N              the run's seed (Python's random)\n"
    "  --choices block|program|line|cpython\n"
    "                        where you may choose: where a thread blocks or yields\n"
    "                        (default); also at every line (statement, for a\n"
    "                        scenario: model call) where another thread is ready,\n"
    "                        as the random policy may: any interleaving it finds\n"
    "                        can be reached by hand (line); or only at the lines of\n"
    "                        the program's own code, not the standard library's, as\n"
    "                        'threadsim explore' chooses (program); or only where\n"
    "                        CPython 3.11 can switch: a pass of a loop of the\n"
    "                        program's, a Python function's entry (cpython)\n"
    "and the run options of 'threadsim run':\n"
    TS_HELP_MODEL_OPTIONS
    TS_HELP_PY_OPTIONS
    "\nExit status: 0; 1 if --goal was never reached; 125 for bad usage, a\n"
    "failing command script, an unknown scenario or an unusable database.\n";

static const char step_help[] =
    "commands (short forms in brackets):\n"
    "  step [N]      [s]   one event (or N)\n"
    "  next          [n]   to the next output line\n"
    "  continue      [c]   to the end or the next breakpoint\n"
    "  decision      [d]   to the next point where you can choose\n"
    "  choose N      [ch]  at a choice: thread #N (or its name) runs next\n"
    "  back          [bk]  back to the previous choice (choose again there)\n"
    "  goto E              to just after event E\n"
    "  restart [fresh]     to the beginning ('fresh': forget your choices)\n"
    "  break PATTERN [br]  stop at output lines matching PATTERN (a regex);\n"
    "  break line N        (a Python program) stop when a thread reaches line N;\n"
    "                      'break' alone lists breakpoints\n"
    "  delete [N]          delete breakpoint N (or all)\n"
    "  events [N]    [e]   the last N events (10)\n"
    "  token               the replay token of your path\n"
    "  help          [h ?] this list\n"
    "  quit          [q]   record the path, print its token, leave\n";

typedef struct step_cli {
    ts_step sp;
    ts_step_view view;
    bool tty;                 /* the interactive screen */
    bool script_failed;       /* a bad command in a script */
    bool goal_ever;           /* the goal was reached at some stop */
    bool quit;
    sim_buf msg;              /* the message line of the next view */
    char *goal;               /* --goal contents */
} step_cli;

static void cli__msg(step_cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cli__msg(step_cli *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sim_buf_clear(&c->msg);
    sim_buf_vprintf(&c->msg, fmt, ap);
    va_end(ap);
}

/* A mistake in a command: a message; in a script, the end with status 2. */
static void cli__bad(step_cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cli__bad(step_cli *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sim_buf_clear(&c->msg);
    sim_buf_vprintf(&c->msg, fmt, ap);
    va_end(ap);
    if (!c->tty) {
        fprintf(stderr, "threadsim: step: %s\n", sim_buf_str(&c->msg));
        c->script_failed = true;
        c->quit = true;
    }
}

static void cli__screen_size(step_cli *c)
{
    c->view.rows = 24, c->view.cols = 80;
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row >= 10 && ws.ws_col >= 40)
        c->view.rows = ws.ws_row, c->view.cols = ws.ws_col;
}

static void cli__show(step_cli *c)
{
    bool reached = ts_step_goal_reached(&c->sp, &c->view);
    if (reached && !c->goal_ever && !c->msg.len)
        cli__msg(c, "*** Goal reached: the output so far is exactly %s ***", c->view.goal_name);
    c->goal_ever |= reached;
    c->view.msg = sim_buf_str(&c->msg);
    sim_buf b = {0};
    if (c->tty) {
        cli__screen_size(c);
        sim_buf_adds(&b, "\033[H\033[2J");
    }
    ts_step_render(&b, &c->sp, &c->view);
    fwrite(b.p, 1, b.len, stdout);
    fflush(stdout);
    sim_buf_free(&b);
    sim_buf_clear(&c->msg);
}

/* A thread offered at the pending choice, by "#N", "N" or name. */
static int cli__thread(const step_cli *c, const char *arg, uint32_t *id)
{
    const char *p = arg[0] == '#' ? arg + 1 : arg;
    uint64_t v;
    if (sim_parse_u64(p, UINT32_MAX, &v) == SIM_NUM_OK) {
        *id = (uint32_t)v;
        return 0;
    }
    for (uint32_t i = 0; i < c->sp.nready; i++) {
        const trace_thread *t = trace_states_get(&c->sp.st, c->sp.ready[i]);
        if (t && t->name && strcmp(t->name, arg) == 0) {
            *id = c->sp.ready[i];
            return 0;
        }
    }
    return -1;
}

static void cli__choose(step_cli *c, const char *arg)
{
    ts_step *sp = &c->sp;
    if (!sp->pending) {
        cli__bad(c, "no choice here: %s", sp->at_end ? "the run has ended"
                                                      : "only one thread can run now ('decision' "
                                                        "goes to the next choice)");
        return;
    }
    uint32_t id;
    if (!*arg || cli__thread(c, arg, &id) != 0 || ts_step_choose(sp, id) != 0) {
        sim_buf b = {0};
        for (uint32_t i = 0; i < sp->nready; i++)
            sim_buf_printf(&b, "%s#%" PRIu32, i ? ", " : "", sp->ready[i]);
        cli__bad(c, "choose one of the threads that can run: %s", sim_buf_str(&b));
        sim_buf_free(&b);
    }
}

static void cli__events(step_cli *c, const char *arg)
{
    uint64_t n = 10;
    if (*arg && !ts_parse_u64("events", arg, &n)) {
        c->script_failed = !c->tty, c->quit = !c->tty;
        return;
    }
    trace_names nm;
    trace_names_init(&nm);
    sim_buf b = {0};
    const trace *tr = &c->sp.tr;
    for (size_t i = 0; i < tr->n; i++) {
        sim_event ev = trace_event_view(&tr->ev[i]);
        trace_names_see(&nm, &ev);
        if (i + n >= tr->n)
            trace_fmt_line(&b, &nm, &ev);
    }
    fwrite(sim_buf_str(&b), 1, b.len, stdout);
    if (c->tty) {
        fputs("(press Enter)", stdout);
        fflush(stdout);
        int ch;
        while ((ch = getchar()) != EOF && ch != '\n')
            ;
    }
    sim_buf_free(&b);
    trace_names_fini(&nm);
}

static void cli__break(step_cli *c, const char *arg)
{
    ts_step *sp = &c->sp;
    if (!*arg) {
        sim_buf b = {0};
        for (size_t i = 0; i < sp->nbrk; i++) {
            if (sp->brk[i].line)
                sim_buf_printf(&b, "%s%zu: line %d", i ? "  " : "", i + 1, sp->brk[i].line);
            else
                sim_buf_printf(&b, "%s%zu: /%s/", i ? "  " : "", i + 1, sp->brk[i].pattern);
        }
        cli__msg(c, "%s", sp->nbrk ? sim_buf_str(&b) : "no breakpoints");
        sim_buf_free(&b);
        return;
    }
    if (strncmp(arg, "line ", 5) == 0) {
        uint64_t line = 0;
        if (!c->view.src) {
            cli__bad(c, "source lines exist only for Python programs");
        } else if (sim_parse_u64(arg + 5, 1000000000, &line) != SIM_NUM_OK || line == 0) {
            cli__bad(c, "break line takes a line number (1 to 1000000000)");
        } else {
            ts_step_break_line(sp, (int)line);
            cli__msg(c, "breakpoint %zu: line %" PRIu64, sp->nbrk, line);
        }
        return;
    }
    char err[256];
    if (ts_step_break_add(sp, arg, err, sizeof err) != 0)
        cli__bad(c, "%s", err);
    else
        cli__msg(c, "breakpoint %zu: output matching /%s/", sp->nbrk, arg);
}

static bool cli__is(const char *cmd, const char *name, const char *alias)
{
    return strcmp(cmd, name) == 0 || strcmp(cmd, alias) == 0;
}

/* Run one command line. Returns false if it only printed something (no new stop to show). */
static bool cli__command(step_cli *c, char *line)
{
    ts_step *sp = &c->sp;
    while (*line == ' ' || *line == '\t')
        line++;
    size_t n = strlen(line);
    while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
        line[--n] = '\0';
    char *arg = line;
    while (*arg && *arg != ' ' && *arg != '\t')
        arg++;
    if (*arg)
        *arg++ = '\0';
    while (*arg == ' ' || *arg == '\t')
        arg++;
    const char *cmd = line;
    if (cli__is(cmd, "step", "s")) {
        uint64_t k = 1;
        /* (parsed quietly: one message, this one) */
        if (*arg && (sim_parse_u64(arg, UINT64_MAX, &k) != SIM_NUM_OK || k == 0)) {
            cli__bad(c, "step takes a positive number of events");
            return true;
        }
        if (sp->at_end)
            cli__msg(c, "the run has ended ('back', 'restart' or 'quit')");
        else
            ts_step_go(sp, TS_STOP_AT, sp->pos + k);
    } else if (cli__is(cmd, "next", "n")) {
        if (sp->at_end)
            cli__msg(c, "the run has ended ('back', 'restart' or 'quit')");
        else
            ts_step_go(sp, TS_STOP_OUTPUT, 0);
        if (sp->at_end && !c->msg.len)
            cli__msg(c, "no more output: the run ended");
    } else if (cli__is(cmd, "continue", "c")) {
        ts_step_go(sp, TS_STOP_BREAK, 0);
        if (!sp->at_end)
            cli__msg(c, "breakpoint: %s", sp->tr.n && sp->tr.ev[sp->tr.n - 1].kind == SIM_EV_NOTE
                                              ? "a thread reached a breakpoint's line"
                                              : "this output matches a breakpoint");
    } else if (cli__is(cmd, "decision", "d")) {
        ts_step_go(sp, TS_STOP_DECISION, 0);
        if (sp->at_end)
            cli__msg(c, "no more choices: the run ended");
    } else if (cli__is(cmd, "choose", "ch")) {
        cli__choose(c, arg);
    } else if (cli__is(cmd, "back", "bk")) {
        if (ts_step_back(sp) != 0)
            cli__msg(c, "already at the beginning");
        else if (sp->pos == 0)
            cli__msg(c, "no earlier choice: back at the beginning");
    } else if (cli__is(cmd, "goto", "goto")) {
        uint64_t e;
        if (!*arg || sim_parse_u64(arg, UINT64_MAX, &e) != SIM_NUM_OK) {
            cli__bad(c, "goto takes an event number");
            return true;
        }
        ts_step_go(sp, TS_STOP_AT, e);
    } else if (cli__is(cmd, "restart", "r")) {
        if (strcmp(arg, "fresh") == 0)
            sp->npath = 0, sp->diverged = false;
        else if (*arg) {
            cli__bad(c, "restart takes nothing or 'fresh'");
            return true;
        }
        ts_step_go(sp, TS_STOP_AT, 0);
    } else if (cli__is(cmd, "break", "br")) {
        cli__break(c, arg);
    } else if (cli__is(cmd, "delete", "delete")) {
        uint64_t k;
        if (!*arg) {
            while (sp->nbrk)
                ts_step_break_del(sp, 0);
            cli__msg(c, "no breakpoints");
        } else if (sim_parse_u64(arg, UINT64_MAX, &k) != SIM_NUM_OK || k == 0 ||
                   ts_step_break_del(sp, (size_t)k - 1) != 0) {
            cli__bad(c, "no breakpoint '%s' ('break' lists them)", arg);
        }
    } else if (cli__is(cmd, "events", "e")) {
        cli__events(c, arg);
        return c->tty;
    } else if (cli__is(cmd, "token", "token")) {
        char *tok = ts_step_token(sp);
        if (c->tty)
            cli__msg(c, "replay token: %s", tok);
        else
            printf("replay token: %s\n", tok);
        free(tok);
        return c->tty;
    } else if (cli__is(cmd, "help", "h") || cli__is(cmd, "?", "?")) {
        fputs(step_help, stdout);
        if (c->tty) {
            fputs("(press Enter)", stdout);
            fflush(stdout);
            int ch;
            while ((ch = getchar()) != EOF && ch != '\n')
                ;
        }
        return c->tty;
    } else if (cli__is(cmd, "quit", "q") || cli__is(cmd, "exit", "exit")) {
        c->quit = true;
        return false;
    } else if (!*cmd) {
        return false;
    } else {
        cli__bad(c, "unknown command '%s' ('help' lists them)", cmd);
    }
    return !c->quit;
}

/* Commands from a --commands string: ';' or newlines between them. */
static void cli__script(step_cli *c, const char *cmds)
{
    char *copy = strdup(cmds), *save = NULL;
    for (char *tok = strtok_r(copy, ";\n", &save); tok && !c->quit;
         tok = strtok_r(NULL, ";\n", &save)) {
        while (*tok == ' ' || *tok == '\t')
            tok++;
        if (!*tok)
            continue;
        printf("> %s\n", tok);
        if (cli__command(c, tok))
            cli__show(c);
    }
    free(copy);
}

static void cli__read(step_cli *c)
{
    char *line = NULL, *last = NULL;
    size_t cap = 0;
    for (;;) {
        if (c->tty) {
            fputs("step> ", stdout);
            fflush(stdout);
        }
        ssize_t n = getline(&line, &cap, stdin);
        if (n < 0)
            break;
        if (n && line[n - 1] == '\n')
            line[--n] = '\0';
        char *cmd = line;
        while (*cmd == ' ' || *cmd == '\t')
            cmd++;
        if (!*cmd) {
            if (!c->tty || !last)
                continue;
            cmd = last; /* an empty line repeats the last command */
        } else {
            free(last);
            last = strdup(cmd);
        }
        if (!c->tty)
            printf("> %s\n", cmd);
        char *run = strdup(cmd);
        bool show = cli__command(c, run);
        free(run);
        if (c->quit)
            break;
        if (show || c->tty)
            cli__show(c);
    }
    free(line);
    free(last);
}

typedef struct step_follow {
    /* the stepper whose path is followed */
    const ts_step *sp;
} step_follow;

/* The path, then FIFO: what the stepper's re-runs choose when nothing stops
 * them (step__pick's choices: at a line the running thread goes on; a
 * timer decision is the path's, else the earliest armed). */
static uint32_t cli__follow(void *ud, sim_sched *s, uint32_t n)
{
    const ts_step *sp = ((step_follow *)ud)->sp;
    uint64_t k = s->ndecisions;
    if (s->timer_decision) {
        uint32_t c = k < sp->npath ? sp->path[k].chosen : 0;
        return c < n ? c : 0;
    }
    if (k >= sp->npath)
        return s->step_decision ? n - 1 : 0;
    const ts_step_dec *d = &sp->path[k];
    if (d->thread != SIM_NONE)
        for (uint32_t i = 0; i < n; i++)
            if (sim_ready_at(s, i)->id == d->thread)
                return i;
    return d->chosen < n ? d->chosen : 0;
}

/* Run the whole path to the end and record it in `st` as policy "step" (its
 * schedule is what `threadsim replay` follows). Returns 0 and the run id, or
 * an exit status after printing the error. */
/* The program being stepped, if a .py (its text goes with the recorded run). */
static const py_program *cli__prog;

/* Its policy is named with the stepper's --choices ("step", "step program",
 * "step line"): `threadsim replay` runs it again as the stepper ran it
 * (decisions at lines, line notes; cmd_store.c). It was recorded with
 * decisions where threads block only, so a path chosen at lines was stored
 * as the default one. */
static const char *cli__choices = "step";

static int cli__record(ts_step *sp, store *st, int64_t *id)
{
    model_opts o = sp->base;
    step_follow f = {sp};
    o.sink = NULL;
    o.sink_ud = NULL;
    o.policy = (sim_policy){.name = "step", .pick = cli__follow, .ud = &f,
                            .every_step = sp->every_line,
                            .pick_timer = sp->every_line ? cli__follow : NULL};
    ts_recording rec;
    int status = ts_record_begin(&rec, st, sp->name, cli__choices, &o, 0);
    if (status != 0)
        return status;
    ts_py_record_program(&rec, cli__prog);
    model_result res;
    int rs = sp->run(sp->arg, &o, &res);
    if (ts_record_end(&rec, rs, &res) != 0)
        return TS_EXIT_USAGE;
    *id = rec.meta.id;
    return 0;
}


/* The runner of a Python program (step.h): runs with line notes, which the
 * stepper shows and stops at, all from one session (CPython starts once:
 * back and restart cost a fork and the program). */
static int cli__run_py(void *arg, const model_opts *o, model_result *res)
{
    ts_py_runner *r = arg;
    py_policy_req remote = {.remote = true};
    return ts_py_runner_run(r, o, &remote, res);
}

/* Parse the Python program at `path` (like 'threadsim run' does: a syntax
 * error is CPython's report and exit 1) and keep its text for the view. */
static int cli__load_py(const char *path, int python, py_program **prog, char **src,
                        size_t *src_len)
{
    sim_buf err = {0};
    bool io_error = false;
    *prog = py_program_read(path, python, &err, &io_error);
    if (!*prog) {
        if (io_error)
            fprintf(stderr, "%s\n", sim_buf_str(&err));
        else
            fputs(sim_buf_str(&err), stderr);
        sim_buf_free(&err);
        return io_error ? TS_EXIT_USAGE : TS_EXIT_FAIL;
    }
    sim_buf_free(&err);
    *src = sim_read_file(path, src_len);
    return 0;
}


/* `step --replay TOKEN` of a .py whose file changed or went since it was
 * recorded: the text of the newest run of that path in the database, with
 * a one-line note. 1 when there is none (or the file is unchanged): load
 * the file. */
static int cli__load_stored_py(const ts_db_opts *db, const char *path, int python,
                               py_program **prog, char **src, size_t *src_len)
{
    char err[600];
    if (db->none || access(db->path, F_OK) != 0)
        return 1;
    store *st = store_open(db->path, NULL, err, sizeof err);
    if (!st)
        return 1;
    char *text = NULL;
    size_t len = 0;
    int64_t run = 0;
    int got = store_program_latest(st, path, &text, &len, &run);
    store_close(st);
    if (got != 1)
        return 1;
    size_t flen = 0;
    char *now = sim_read_file(path, &flen);
    bool same = now && flen == len && memcmp(now, text, len) == 0;
    if (!same)
        fprintf(stderr, "threadsim: note: '%s' %s since run %" PRId64
                        " was recorded; stepping the recorded program\n",
                path, now ? "has changed" : "is gone", run);
    free(now);
    if (same) {
        free(text);
        return 1;
    }
    sim_buf e = {0};
    *prog = py_program_load(path, text, len, python, &e);
    sim_buf_free(&e);
    if (!*prog) {
        free(text);
        return ts_usage_error("step: out of memory");
    }
    *src = text;
    *src_len = len;
    return 0;
}

int ts_cmd_step(int argc, char **argv)
{
    model_opts o = model_opts_default();
    o.sim.max_events = STEP_MAX_EVENTS;
    ts_db_opts db = ts_db_opts_default();
    bool python_set = false, every_line = false, program_lines = false, cpython = false;
    int choices = -1; /* TS_CHOICES_*; -1: not given (the token's, else block) */
    const char *name = NULL, *cmds = NULL, *token = NULL, *goal = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(ts_help_step, stdout);
            return TS_EXIT_OK;
        }
        if (strcmp(a, "--commands") == 0 || strcmp(a, "--replay") == 0 ||
            strcmp(a, "--goal") == 0) {
            if (!v)
                return ts_usage_error("step: %s needs a value", a);
            *(a[2] == 'c' ? &cmds : a[2] == 'r' ? &token : &goal) = v;
            i++;
            continue;
        }
        if (strcmp(a, "--seed") == 0) {
            if (!ts_parse_u64(a, v, &o.seed))
                return TS_EXIT_USAGE;
            i++;
            continue;
        }
        if (strcmp(a, "--choices") == 0) {
            if (!v || (choices = ts_choices_parse(v)) < 0)
                return ts_usage_error("step: --choices needs block, program, line or cpython");
            i++;
            continue;
        }
        int k = ts_parse_py_option(argc - i, argv + i);
        if (k == 0)
            k = ts_parse_run_option(argc - i, argv + i, &o, &python_set);
        if (k == 0)
            k = ts_parse_db_option(argc - i, argv + i, &db);
        if (k < 0)
            return TS_EXIT_USAGE;
        if (k > 0) {
            i += k - 1;
            continue;
        }
        if (a[0] == '-' && !name)
            return ts_unknown_option("step", a);
        if (name)
            return ts_after_program("step", name, a);
        name = a;
    }
    char err[300], *tok_name = NULL;
    if (token && token[0] == '@') {
        /* --replay @FILE: the token in a file (a long run's token is longer
         * than one command-line argument may be, 128 KiB on Linux) */
        static char *from_file; /* reachable until the next call: no leak on any return */
        free(from_file);
        size_t len = 0;
        from_file = sim_read_file(token + 1, &len);
        if (!from_file)
            return ts_usage_error("step: cannot read the replay token from '%s': %s", token + 1,
                                  strerror(errno));
        while (len && (from_file[len - 1] == '\n' || from_file[len - 1] == '\r' ||
                       from_file[len - 1] == ' ' || from_file[len - 1] == '\t'))
            from_file[--len] = '\0';
        token = from_file;
    }
    if (token && ts_step_token_parse(token, &tok_name, NULL, err, sizeof err) != 0)
        return ts_usage_error("step: %s", err);
    if (token && name && strcmp(name, tok_name) != 0) {
        ts_usage_error("step: the replay token is for '%s', not '%s'", tok_name, name);
        free(tok_name);
        return TS_EXIT_USAGE;
    }
    /* a token made under --choices program, line or cpython says so
     * (version 3): its path is followed with those choices */
    int tok_choices = token ? ts_step_token_choices(token) : -1;
    if (tok_choices >= 0 && choices >= 0 && choices != tok_choices) {
        ts_usage_error("step: the replay token was made with --choices %s, not %s",
                       ts_choices_name(tok_choices), ts_choices_name(choices));
        free(tok_name);
        return TS_EXIT_USAGE;
    }
    if (choices < 0)
        choices = tok_choices >= 0 ? tok_choices : TS_CHOICES_BLOCK;
    every_line = choices != TS_CHOICES_BLOCK;
    program_lines = choices == TS_CHOICES_PROGRAM;
    cpython = choices == TS_CHOICES_CPYTHON;
    if (!name)
        name = tok_name;
    if (!name)
        return ts_usage_error("step: which scenario? (see 'threadsim list')");
    const ts_scenario *sc = ts_scenario_find(name);
    py_program *prog = NULL;
    char *src = NULL;
    size_t src_len = 0;
    if (!sc && ts_is_py_program(name)) {
        int rc = tok_name ? cli__load_stored_py(&db, name, python_set ? o.python : 3, &prog,
                                                &src, &src_len)
                          : 1;
        if (rc == 1)
            rc = cli__load_py(name, python_set ? o.python : 3, &prog, &src, &src_len);
        if (rc != 0) {
            free(tok_name);
            return rc;
        }
        o.python = python_set ? o.python : 3;
    } else if (!sc) {
        ts_unknown_scenario("step", name);
        free(tok_name);
        return TS_EXIT_USAGE;
    } else if (!python_set) {
        o.python = sc->python;
    }

    step_cli c;
    memset(&c, 0, sizeof c);
    ts_py_runner runner;
    memset(&runner, 0, sizeof runner);
    c.view.src = src;
    c.view.src_len = src_len;
    if (goal) {
        size_t len;
        if (!(c.goal = sim_read_file(goal, &len))) {
            ts_usage_error("step: cannot read --goal file '%s': %s", goal, strerror(errno));
            free(tok_name);
            free(src);
            py_program_free(prog);
            return TS_EXIT_USAGE;
        }
        c.view.goal = c.goal;
        c.view.goal_len = len;
        c.view.goal_name = goal;
    }
    store *st = NULL;
    if (!db.none && !(st = ts_db_open(&db, true))) {
        free(tok_name);
        free(c.goal);
        free(src);
        py_program_free(prog);
        return TS_EXIT_USAGE;
    }
    cli__prog = prog;
    if (sc)
        ts_step_init(&c.sp, sc->name, sc->main, NULL, &o);
    else {
        ts_py_model_defaults(&o);
        py_run_opts ro = ts_py_run_opts(py_program_path(prog));
        ro.line_notes = true;
        ro.remote_pick = true;
        /* `break line N` stops at any executed line; under --choices
         * cpython the program's lines are not traced (its loops tick, as
         * the explorer's runs do), and it stops at a choice on that line */
        ro.line_steps = !cpython;
        ro.program_lines = program_lines;
        ro.cpython_points = cpython;
        ts_py_runner_init(&runner, prog, &ro);
        ts_step_init_runner(&c.sp, name, cli__run_py, &runner, &o);
        c.sp.remote = true;
    }
    c.sp.every_line = every_line;
    c.sp.choices = choices;
    cli__choices = !every_line     ? "step"
                   : program_lines ? "step program"
                   : cpython       ? "step cpython"
                                   : "step line";
    if (token) {
        char *again = NULL;
        ts_step_token_parse(token, &again, &c.sp, err, sizeof err);
        free(again);
    }
    free(tok_name);
    c.tty = !cmds && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
    const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
    c.view.color = c.tty && !(nc && *nc) && !(term && strcmp(term, "dumb") == 0);
    c.view.rows = 0;
    c.view.cols = 80;
    if (c.tty)
        cli__screen_size(&c);

    ts_step_go(&c.sp, TS_STOP_AT, 0);
    if (token)
        cli__msg(&c, "following the replay token's path: 'continue' plays it to the end");
    cli__show(&c);
    if (cmds)
        cli__script(&c, cmds);
    else
        cli__read(&c);

    int status = TS_EXIT_OK;
    if (c.script_failed)
        status = TS_EXIT_USAGE;
    else if (goal && !c.goal_ever)
        status = TS_EXIT_FAIL;
    if (c.tty)
        fputs("\n", stdout);
    char *tok = ts_step_token(&c.sp);
    printf("replay token: %s\n", tok);
    free(tok);
    if (st) {
        int64_t id;
        if (cli__record(&c.sp, st, &id) == 0)
            printf("recorded as run %" PRId64 " ('threadsim show %" PRId64
                   "', 'threadsim replay %" PRId64 "')\n",
                   id, id, id);
        else
            status = TS_EXIT_USAGE;
    }
    if (goal)
        printf("goal %s: %s\n", c.goal_ever ? "reached" : "not reached", goal);
    fflush(stdout);
    store_close(st);
    ts_step_fini(&c.sp);
    sim_buf_free(&c.msg);
    free(c.goal);
    free(src);
    ts_py_runner_fini(&runner);
    py_program_free(prog);
    return status;
}
