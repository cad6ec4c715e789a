/*
 * tools/threadsim.c — the `threadsim` command: git-style subcommands.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/personality.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/ctx.h"
#include "../sim/num.h"
#include "cli.h"

static const ts_command commands[] = {
    {"list", "list the built-in scenarios", ts_cmd_list},
    {"run", "run a scenario and print its output (--trace: every event)", ts_cmd_run},
    {"runs", "list the recorded runs, newest first", ts_cmd_runs},
    {"show", "print a recorded run again (--trace, --json)", ts_cmd_show},
    {"diff", "compare two runs or expected-output files (exit 1 if they differ)", ts_cmd_diff},
    {"check", "run scenarios against their expected outputs (--junit FILE)", ts_cmd_check},
    {"replay", "re-run a recorded run from its schedule; is the trace identical?", ts_cmd_replay},
    {"export", "a run as Chrome trace JSON, an html timeline, text or JSON", ts_cmd_export},
    {"step", "walk through a run event by event; choose who runs next; step back", ts_cmd_step},
    {"explore", "run many schedules; every distinct outcome, and the schedule for each", ts_cmd_explore},
    {"explorations", "list the recorded explorations, newest first", ts_cmd_explorations},
    {"merge", "join the shards of one exploration into one database", ts_cmd_merge},
};

int ts_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("threadsim: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return TS_EXIT_USAGE;
}

bool ts_parse_uint(const char *opt, const char *s, uint64_t max, uint64_t *out)
{
    if (!s) {
        ts_usage_error("%s needs a value (a non-negative integer)", opt);
        return false;
    }
    switch (sim_parse_u64(s, max, out)) {
    case SIM_NUM_OK:
        return true;
    case SIM_NUM_RANGE:
        ts_usage_error("%s: '%s' is out of range (at most %" PRIu64 ")", opt, s, max);
        return false;
    default:
        ts_usage_error("%s needs a non-negative integer (decimal digits only), not '%s'", opt, s);
        return false;
    }
}

bool ts_parse_u64(const char *opt, const char *s, uint64_t *out)
{
    return ts_parse_uint(opt, s, UINT64_MAX, out);
}

bool ts_parse_secs(const char *opt, const char *s, double *out)
{
    if (!s) {
        ts_usage_error("%s needs a value (a number of seconds)", opt);
        return false;
    }
    switch (sim_parse_secs(s, 1e9, out)) {
    case SIM_NUM_OK:
        return true;
    case SIM_NUM_RANGE:
        ts_usage_error("%s: '%s' is out of range (seconds from 0 to 1e9)", opt, s);
        return false;
    default:
        ts_usage_error("%s needs a number of seconds (e.g. 2, 0.5 or 1e-3), not '%s'", opt, s);
        return false;
    }
}

const char *ts_expected_dir(void) { return THREADSIM_SOURCE_DIR "/traces/expected"; }

static void usage(FILE *f)
{
    fputs("usage: threadsim COMMAND [ARGS]\n\n"
          "A deterministic simulator of Python threading programs on a virtual clock.\n\n"
          "commands:\n",
          f);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fputs("\noptions: --help, --version. 'threadsim COMMAND --help' for a command's options.\n"
          "exit status: 0 ok, 1 failure or difference, 2 usage or I/O error,\n"
          "             3 deadlock, 4 run limit reached\n",
          f);
}

/* Python programs see addresses: id(), default reprs, and the iteration
 * order of sets and dicts keyed by objects hashed by address, among them
 * CPython's static types inside libpython. Those move with address-space
 * randomization, so threadsim runs without it (as `setarch -R` would): the
 * first start re-executes itself once with ADDR_NO_RANDOMIZE set. If the
 * kernel refuses, runs still work; only reprs may then differ between runs. */
static void main__no_aslr(char **argv)
{
    int pers = personality(0xffffffff);
    if (pers == -1 || (pers & ADDR_NO_RANDOMIZE))
        return;
    if (personality((unsigned long)pers | ADDR_NO_RANDOMIZE) == -1)
        return;
    execv("/proc/self/exe", argv);
    personality((unsigned long)pers); /* exec failed: carry on as we are */
}

int main(int argc, char **argv)
{
    main__no_aslr(argv);
    if (argc < 2) {
        usage(stderr);
        return TS_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return TS_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("threadsim %s (context backends: %s)\n", TS_VERSION, sim_ctx_backend_names());
        return TS_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    return ts_usage_error("unknown command '%s' (try 'threadsim --help')", cmd);
}
