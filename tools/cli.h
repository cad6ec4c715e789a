/*
 * tools/cli.h — shared pieces of the `threadsim` command line.
 *
 * Conventions (STYLE.md): data on stdout, diagnostics on stderr as one line
 * "threadsim: ..."; exit 0 fine, 1 difference or failure, 2 usage or I/O
 * trouble; a run's own status passes through (3 deadlock, 4 run limit).
 */
#ifndef TS_CLI_H
#define TS_CLI_H

#include <stdbool.h>
#include <stdint.h>

#define TS_VERSION "0.1.0"

enum {
    TS_EXIT_OK = 0,
    TS_EXIT_FAIL = 1,       /* a difference, a failure, an exception in main */
    TS_EXIT_USAGE = 2,      /* bad command line, unreadable file, unusable database */
    TS_EXIT_DEADLOCK = 3,   /* = MODEL_EXIT_DEADLOCK */
    TS_EXIT_LIMIT = 4,      /* = MODEL_EXIT_LIMIT */
};

/* One subcommand: argv[0] is its name. Returns the exit status. */
typedef struct ts_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} ts_command;

/* Print "threadsim: <msg>\n" to stderr; returns TS_EXIT_USAGE. */
int ts_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Parse an option value, the one way every number on the command line is
 * read (sim/num.h): an integer is decimal digits only (no sign, blanks or
 * 0x) up to `max` (ts_parse_u64: 2^64-1); seconds are a plain decimal
 * number ("2", "0.5", "1e-3") from 0 to 1e9, no sign, inf or nan. On error
 * prints a one-line usage error naming `opt` and returns false; a value out
 * of range is refused, never clamped. */
bool ts_parse_uint(const char *opt, const char *s, uint64_t max, uint64_t *out);
bool ts_parse_u64(const char *opt, const char *s, uint64_t *out);
bool ts_parse_secs(const char *opt, const char *s, double *out);
/* The directory of expected outputs (traces/expected of the source tree, or
 * $THREADSIM_EXPECTED_DIR is NOT consulted: only --expected-dir). */
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

int ts_cmd_list(int argc, char **argv);
int ts_cmd_run(int argc, char **argv);
int ts_cmd_runs(int argc, char **argv);     /* cmd_store.c */
int ts_cmd_show(int argc, char **argv);     /* cmd_store.c */
int ts_cmd_diff(int argc, char **argv);     /* cmd_diff.c */
int ts_cmd_replay(int argc, char **argv);   /* cmd_store.c */
int ts_cmd_check(int argc, char **argv);    /* cmd_check.c */
int ts_cmd_export(int argc, char **argv);   /* cmd_export.c */
int ts_cmd_step(int argc, char **argv);     /* cmd_step.c */
int ts_cmd_explore(int argc, char **argv);  /* cmd_explore.c */
int ts_cmd_explorations(int argc, char **argv);      /* cmd_explore.c */
int ts_cmd_show_exploration(int argc, char **argv);  /* cmd_explore.c: show exploration N */
int ts_cmd_merge(int argc, char **argv);             /* cmd_explore.c */

#endif
