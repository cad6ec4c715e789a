/*
 * tools/cli.h — shared pieces of the `threadsim` command line.
 *
 * Conventions (STYLE.md): data on stdout, diagnostics on stderr as one line
 * "threadsim: ..."; exit 0 fine, 1 difference or failure; a run's own status
 * passes through as python's would, so threadsim's own outcomes take the
 * statuses timeout(1) uses, which programs rarely do: 124 a run limit, 125
 * usage or I/O trouble (every command), 126 deadlock, 127 internal error.
 */
#ifndef TS_CLI_H
#define TS_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../sim/buf.h"

/* TS_VERSION, "X.Y.Z": CMake's project(VERSION), given on the compiler's command line. */
#ifndef TS_VERSION
#error "TS_VERSION is defined by CMakeLists.txt"
#endif

enum {
    TS_EXIT_OK = 0,
    TS_EXIT_FAIL = 1,         /* a difference, a failure, an exception in main */
    TS_EXIT_LIMIT = 124,      /* = MODEL_EXIT_LIMIT: a run limit stopped the run */
    TS_EXIT_USAGE = 125,      /* bad command line, unreadable file, unusable database */
    TS_EXIT_DEADLOCK = 126,   /* = MODEL_EXIT_DEADLOCK */
    TS_EXIT_INTERNAL = 127,   /* = MODEL_EXIT_INTERNAL: the engine failed */
};

/* One subcommand: argv[0] is its name. Returns the exit status. */
typedef struct ts_command {
    const char *name;
    const char *summary;      /* one line for the general help */
    const char *help;         /* `threadsim help NAME` = `threadsim NAME --help` */
    int (*run)(int argc, char **argv);
} ts_command;

/* Each command's help text (beside its parser in cmd_*.c). Option lines
 * are "  -x, --xxx ARG   description" (exactly two spaces in, two or more
 * before the description): those are the options ts_unknown_option
 * suggests from, and a test runs each one through its command's parser. */
extern const char ts_help_list[], ts_help_run[], ts_help_runs[], ts_help_show[],
    ts_help_diff[], ts_help_check[], ts_help_replay[], ts_help_export[], ts_help_step[],
    ts_help_explore[], ts_help_explorations[], ts_help_merge[], ts_help_sql[], ts_help_prune[],
    ts_help_vacuum[];
/* The help text of command `name`, or NULL. */
const char *ts_command_help(const char *name);
/* Call fn for each option a help text lists (see above). */
void ts_help_options(const char *help, void (*fn)(void *ud, const char *opt, size_t len),
                     void *ud);

/* Shared parts of the help texts. */
#define TS_HELP_MODEL_OPTIONS                                                                      \
    "  --python 2|3          dialect, for default thread names (default: the scenario's;\n"       \
    "                        a .py file's '# threadsim: python N' directive, else 3)\n"          \
    "  --max-events N        stop after N events (exit 124)\n"                                   \
    "  --max-time SECS       stop when virtual time would pass SECS (exit 124)\n"                \
    "  --switch-steps N      model calls (a .py program: lines) per switch interval\n"          \
    "                        (10000; a .py program 330000, CPython's speed)\n"                  \
    "  --switch-interval S   virtual seconds charged per switch interval (0.005)\n"             \
    "  --stack-size BYTES    stack per green thread (262144)\n"                                  \
    "  --backend NAME        context switch: asm (x86-64, default) or ucontext\n"
#define TS_HELP_PY_OPTIONS                                                                         \
    "  --granularity G       line (default) or opcode: where random/pct may switch\n"            \
    "  --max-steps N         stop after N executed lines (200000000; exit 124)\n"                \
    "  --max-memory SIZE     MemoryError past SIZE of Python allocations (256M)\n"               \
    "  --max-output SIZE     stop after SIZE bytes of output (64M; exit 124)\n"                  \
    "  --max-disk SIZE       stop once files take SIZE of a filesystem's free space\n"         \
    "                        (1G, at most half of it; exit 124)\n"                             \
    "  --timeout SECS        stop after SECS of wall-clock time (exit 124)\n"                    \
    "  -u                    unbuffered output, as python -u (also when PYTHONUNBUFFERED\n"     \
    "                        is set): each write is a point where threads may switch\n"        \
    "  --tty                 stdout line-buffered, as python's on a terminal: each\n"           \
    "                        line's write (stderr's too) is a point where threads may\n"      \
    "                        switch and its line may come after another thread's\n"          \
    "  --env NAME=VALUE      set NAME in the program's environment (a fixed one: PATH,\n"      \
    "                        HOME, LANG, TZ, LOGNAME, USER); --env NAME takes this\n"        \
    "                        shell's value; recorded with the run (replay sets it)\n"       \
    "  --sandbox             confine the program by the kernel (Landlock, seccomp):\n"          \
    "                        no network, no processes, writes only in a scratch folder\n"      \
    "  -- ARGS...            the program's sys.argv[1:]: everything after --\n"
#define TS_HELP_DB_OPTIONS                                                                         \
    "  --db PATH             the database (default ./threadsim.db)\n"                            \
    "  --no-db               record nothing\n"                                                   \
    "  --max-db-size SIZE    stop recording when the database reaches SIZE (1G; 0: no\n"        \
    "                        limit); the run goes on, exit 125\n"
#define TS_HELP_POLICY_OPTIONS                                                                     \
    "  --policy P            scheduling: fifo (default), random, pct[:DEPTH[:STEPS]]\n"          \
    "  --seed N              the run's seed: random policies, Python's random (0)\n"
#define TS_HELP_STATUS_JSON                                                                        \
    "  --status-json FILE    also write how it ended to FILE as JSON: {\"outcome\": ...,\n"      \
    "                        \"status\": N, ...} (README: Exit status)\n"
#define TS_HELP_EXIT_TABLE                                                                         \
    "exit status:\n"                                                                              \
    "  0        fine\n"                                                                           \
    "  1        check, diff, replay, explore, step: a difference or failure\n"                   \
    "  N        run: the program's own status, as python3 gives it (sys.exit(N);\n"            \
    "           1 for an uncaught exception or sys.exit(\"message\"))\n"                         \
    "  124      a run limit stopped the run (--max-events, --max-time, --max-steps,\n"          \
    "           --max-output, --max-disk, --timeout)\n"                                                      \
    "  125      usage or I/O trouble: a bad option, an unknown scenario, an\n"                  \
    "           unreadable file, an unusable database\n"                                        \
    "  126      deadlock: nothing could run while a thread waited\n"                            \
    "  127      internal error: the engine failed\n"

/* Mistyped names: ts_suggest_add each known one; the best is the nearest
 * within 2 edits (and fewer than half the word's letters), the first of
 * equals. */
typedef struct ts_suggest {
    const char *word;
    size_t best_d;
    char best[128];
} ts_suggest;
void ts_suggest_init(ts_suggest *s, const char *word);
void ts_suggest_add(ts_suggest *s, const char *cand, size_t len);
const char *ts_suggest_best(const ts_suggest *s);
/* "CMD: unknown option 'OPT' (did you mean ...?)" from CMD's help text;
 * returns TS_EXIT_USAGE. */
int ts_unknown_option(const char *cmd, const char *opt);
/* A second word on CMD's command line after the program or scenario `name`
 * (`word`: an option CMD does not know, or another name): a .py program's
 * own arguments go after '--', which the message says; returns
 * TS_EXIT_USAGE. */
int ts_after_program(const char *cmd, const char *name, const char *word);
/* "[CMD: ]unknown scenario 'NAME' (did you mean ...?)"; returns TS_EXIT_USAGE. */
int ts_unknown_scenario(const char *cmd, const char *name);
/* The scenario (or group) nearest `name` into buf, or NULL. */
const char *ts_suggest_scenario(const char *name, char *buf, size_t cap);

/* How the command ended, for --status-json (threadsim.c writes the file
 * after the command returns). A command that knows more than its exit
 * status says sets outcome (and program_status); extra holds more JSON
 * members, each ", \"key\": value". */
typedef struct ts_status_info {
    const char *outcome;      /* NULL: from the exit status */
    int program_status;       /* the program's own status; -1: it did not end by itself */
    char message[600];        /* the last usage error */
    sim_buf extra;
} ts_status_info;
extern ts_status_info ts_status;

/* Print "threadsim: <msg>\n" to stderr (and keep it for --status-json);
 * returns TS_EXIT_USAGE. */
int ts_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* This build of threadsim as the store records it with each run and
 * exploration: "X.Y.Z+BUILDID" (the first 12 hex digits of the binary's GNU
 * build id: another build, even of one version, can place a program's
 * objects elsewhere, and its id()s and set orders differ), or "X.Y.Z"
 * when the binary has none. */
const char *ts_build(void);
/* Parse an option value, the one way every number on the command line is
 * read (sim/num.h): an integer is decimal digits only (no sign, blanks or
 * 0x) up to `max` (ts_parse_u64: 2^64-1); seconds are a plain decimal
 * number ("2", "0.5", "1e-3") from 0 to 1e9, no sign, inf or nan. On error
 * prints a one-line usage error naming `opt` and returns false; a value out
 * of range is refused, never clamped. */
bool ts_parse_uint(const char *opt, const char *s, uint64_t max, uint64_t *out);
bool ts_parse_u64(const char *opt, const char *s, uint64_t *out);
bool ts_parse_secs(const char *opt, const char *s, double *out);
/* The folder of the built-in scenarios' expected outputs, for check
 * without --expected-dir: $THREADSIM_DATA/expected; else beside the binary
 * (PREFIX/share/threadsim/expected when installed in PREFIX/bin, or the
 * traces/expected of the source tree the binary is in); else of the source
 * tree the current directory is in; else of the tree it was built from.
 * NULL if none is there. */
const char *ts_expected_dir(void);

struct model_opts;
/* Parses an option shared by commands that run scenarios (--python,
 * --max-events, --max-time, --switch-steps, --switch-interval, --stack-size,
 * --backend).
 * Returns the argv entries consumed (2), 0 if argv[0] is not one of them, -1
 * on a usage error (already reported). */
int ts_parse_run_option(int argc, char **argv, struct model_opts *o, bool *python_set);

/* The live view `run` prints, for other commands (show): events in; the
 * output view (each write to its stream, run diagnostics on stderr) or, with
 * `full`, the full view on stdout out. */
typedef struct ts_view ts_view;
struct sim_event;
ts_view *ts_view_new(bool full);
void ts_view_sink(void *ud, const struct sim_event *ev);
void ts_view_free(ts_view *v);
/* After the run the view saw: fill ts_status (--status-json) with how it
 * ended: outcome, the program's status, run id (0: not recorded), counts,
 * and the exception, limit or deadlock it reported. */
struct model_result;
void ts_view_status(ts_view *v, const char *program, int status,
                    const struct model_result *res, int64_t run_id);

int ts_cmd_list(int argc, char **argv);
int ts_cmd_run(int argc, char **argv);
int ts_cmd_runs(int argc, char **argv);     /* cmd_store.c */
int ts_cmd_show(int argc, char **argv);     /* cmd_store.c */
int ts_cmd_sql(int argc, char **argv);      /* cmd_store.c */
int ts_cmd_diff(int argc, char **argv);     /* cmd_diff.c */
int ts_cmd_replay(int argc, char **argv);   /* cmd_store.c */
int ts_cmd_check(int argc, char **argv);    /* cmd_check.c */
int ts_cmd_export(int argc, char **argv);   /* cmd_export.c */
int ts_cmd_step(int argc, char **argv);     /* cmd_step.c */
int ts_cmd_explore(int argc, char **argv);  /* cmd_explore.c */
int ts_cmd_explorations(int argc, char **argv);      /* cmd_explore.c */
int ts_cmd_show_exploration(int argc, char **argv);  /* cmd_explore.c: show exploration N */
int ts_cmd_merge(int argc, char **argv);             /* cmd_explore.c */
int ts_cmd_prune(int argc, char **argv);             /* cmd_keep.c */
int ts_cmd_vacuum(int argc, char **argv);            /* cmd_keep.c */

#endif
