/*
 * tools/threadsim.c — the `threadsim` command: git-style subcommands.
 *
 * Each command's help is one text (ts_help_* beside its parser in cmd_*.c):
 * `threadsim help CMD` and `threadsim CMD --help` print it, and the options
 * it lists are the ones a mistyped option is compared with. A mistyped
 * command, option or scenario name gets the nearest known one suggested
 * (Damerau-Levenshtein distance at most 2, and less than half the word).
 *
 * Also here: --status-json FILE (run, check, explore), written after the
 * command returns with how it ended, and where the expected outputs are.
 */
#include <elf.h>
#include <inttypes.h>
#include <limits.h>
#include <link.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "../sim/buf.h"
#include "../sim/ctx.h"
#include "../sim/num.h"
#include "../traces/json.h"
#include "cli.h"
#include "cmd_py.h"
#include "record.h"
#include "scenarios/scenario.h"

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const char help_help[] =
    "usage: threadsim help [COMMAND]\n\n"
    "Prints the general help, or COMMAND's: the same text as 'threadsim COMMAND --help'.\n";

static const char help_version[] =
    "usage: threadsim version   (or threadsim --version, threadsim -V)\n\n"
    "Prints 'threadsim X.Y.Z'.\n";

static const ts_command commands[] = {
    {"list", "list the built-in scenarios (--json)", ts_help_list, ts_cmd_list},
    {"run", "run a scenario or program.py and print its output (--trace: every event)",
     ts_help_run, ts_cmd_run},
    {"runs", "list the recorded runs, newest first (--json)", ts_help_runs, ts_cmd_runs},
    {"show", "print a recorded run again (--trace, --json)", ts_help_show, ts_cmd_show},
    {"sql", "query the store with SQL; a run's events as the table events", ts_help_sql,
     ts_cmd_sql},
    {"diff", "compare two runs or expected-output files (exit 1 if they differ)", ts_help_diff,
     ts_cmd_diff},
    {"check", "run scenarios against their expected outputs (--junit FILE, --json)",
     ts_help_check, ts_cmd_check},
    {"replay", "re-run a recorded run from its schedule; is the trace identical?",
     ts_help_replay, ts_cmd_replay},
    {"export", "a run as Chrome trace JSON, an html timeline, text or JSON", ts_help_export,
     ts_cmd_export},
    {"step", "walk through a run event by event; choose who runs next; step back",
     ts_help_step, ts_cmd_step},
    {"explore", "run many schedules; every distinct outcome, and the schedule for each",
     ts_help_explore, ts_cmd_explore},
    {"explorations", "list the recorded explorations, newest first", ts_help_explorations,
     ts_cmd_explorations},
    {"merge", "join the shards of one exploration into one database", ts_help_merge,
     ts_cmd_merge},
    {"prune", "delete old runs (--keep N, --older-than AGE)", ts_help_prune, ts_cmd_prune},
    {"vacuum", "shrink the database file after prune", ts_help_vacuum, ts_cmd_vacuum},
    {"help", "the help of a command: threadsim help COMMAND", help_help, cmd_help},
    {"version", "print the version", help_version, cmd_version},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

ts_status_info ts_status;

/* dl_iterate_phdr's callback: the main program's (the first object) GNU
 * build id note, as hex, into ud (a char[13]). */
static int main__build_id(struct dl_phdr_info *info, size_t size, void *ud)
{
    (void)size;
    char *hex = ud;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_NOTE)
            continue;
        const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr), *end = p + ph->p_memsz;
        while (p + sizeof(ElfW(Nhdr)) <= end) {
            const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)p;
            const char *name = p + sizeof *n;
            const unsigned char *desc = (const unsigned char *)name + ((n->n_namesz + 3) & ~3u);
            if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 && memcmp(name, "GNU", 4) == 0 &&
                n->n_descsz >= 6 && (const char *)desc + n->n_descsz <= end) {
                for (int k = 0; k < 6; k++)
                    snprintf(hex + 2 * k, 3, "%02x", desc[k]);
                return 1;
            }
            p = (const char *)desc + ((n->n_descsz + 3) & ~3u);
        }
    }
    return 1; /* the main program only */
}

const char *ts_build(void)
{
    static char build[64];
    if (!build[0]) {
        char hex[13] = "";
        dl_iterate_phdr(main__build_id, hex);
        if (hex[0])
            snprintf(build, sizeof build, "%s+%s", TS_VERSION, hex);
        else
            snprintf(build, sizeof build, "%s", TS_VERSION);
    }
    return build;
}

int ts_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sim_buf raw = {0}, line = {0};
    sim_buf_vprintf(&raw, fmt, ap);
    va_end(ap);
    /* one line, whatever a name in it holds (a file named with a newline or
     * an ESC): escaped as python3 escapes names in its messages */
    sim_buf_add_visible(&line, sim_buf_str(&raw));
    snprintf(ts_status.message, sizeof ts_status.message, "%s", sim_buf_str(&line));
    fflush(stdout);
    fprintf(stderr, "threadsim: %s\n", sim_buf_str(&line));
    sim_buf_free(&raw);
    sim_buf_free(&line);
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

/* ---- did you mean ------------------------------------------------------------- */

/* The optimal-string-alignment distance (Damerau-Levenshtein with adjacent
 * transpositions) between a[0..na) and b[0..nb); words longer than 63
 * bytes are too far from anything (64). */
static size_t main__distance(const char *a, size_t na, const char *b, size_t nb)
{
    enum { MAXW = 64 };
    if (na >= MAXW || nb >= MAXW)
        return MAXW;
    size_t d[MAXW][MAXW];
    for (size_t i = 0; i <= na; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= nb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= na; i++) {
        for (size_t j = 1; j <= nb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[na][nb];
}

void ts_suggest_init(ts_suggest *s, const char *word)
{
    memset(s, 0, sizeof *s);
    s->word = word;
    s->best_d = SIZE_MAX;
}

void ts_suggest_add(ts_suggest *s, const char *cand, size_t len)
{
    size_t wl = strlen(s->word);
    size_t d = main__distance(s->word, wl, cand, len);
    size_t longer = wl > len ? wl : len;
    /* near enough: at most 2 edits, and fewer than half the word's letters
     * ("rnu" -> "run", not "-x" -> "-u") */
    if (d == 0 || d > 2 || 2 * d >= longer || d >= s->best_d)
        return;
    s->best_d = d;
    snprintf(s->best, sizeof s->best, "%.*s", (int)len, cand);
}

const char *ts_suggest_best(const ts_suggest *s) { return s->best[0] ? s->best : NULL; }

static const ts_command *main__find(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(name, commands[i].name) == 0)
            return &commands[i];
    return NULL;
}

const char *ts_command_help(const char *name)
{
    const ts_command *c = main__find(name);
    return c ? c->help : NULL;
}

/* Each option a help text lists: the words starting with '-' before the
 * description on its option lines (lines "  -x, --xxx ARG   description",
 * exactly two spaces in). */
void ts_help_options(const char *help, void (*fn)(void *ud, const char *opt, size_t len), void *ud)
{
    for (const char *line = help; line && *line;) {
        const char *eol = strchr(line, '\n');
        size_t n = eol ? (size_t)(eol - line) : strlen(line);
        if (n > 3 && line[0] == ' ' && line[1] == ' ' && line[2] == '-') {
            /* the options part ends at a gap of two spaces */
            const char *end = line + 2;
            while (end < line + n && !(end[0] == ' ' && end + 1 < line + n && end[1] == ' '))
                end++;
            for (const char *p = line + 2; p < end;) {
                while (p < end && (*p == ' ' || *p == ','))
                    p++;
                const char *w = p;
                while (p < end && *p != ' ' && *p != ',' && *p != '=')
                    p++;
                size_t wl = (size_t)(p - w);
                if (wl > 1 && w[0] == '-' && !(wl == 2 && w[1] == '-'))
                    fn(ud, w, wl);
                while (p < end && *p != ' ' && *p != ',')
                    p++;
            }
        }
        line = eol ? eol + 1 : NULL;
    }
}

static void main__suggest_opt(void *ud, const char *opt, size_t len)
{
    ts_suggest_add(ud, opt, len);
}

static int main__unknown_option(const char *cmd, const char *opt, const char *hint)
{
    char word[64];
    const char *eq = strchr(opt, '=');
    snprintf(word, sizeof word, "%.*s", eq ? (int)(eq - opt) : (int)strlen(opt), opt);
    ts_suggest s;
    ts_suggest_init(&s, word);
    const char *help = ts_command_help(cmd);
    if (help)
        ts_help_options(help, main__suggest_opt, &s);
    if (ts_suggest_best(&s))
        return ts_usage_error("%s: unknown option '%s' (did you mean '%s'? see 'threadsim help %s')%s",
                              cmd, opt, ts_suggest_best(&s), cmd, hint);
    return ts_usage_error("%s: unknown option '%s' (see 'threadsim help %s')%s", cmd, opt, cmd, hint);
}

int ts_unknown_option(const char *cmd, const char *opt)
{
    return main__unknown_option(cmd, opt, "");
}

int ts_after_program(const char *cmd, const char *name, const char *word)
{
    if (!name || ts_scenario_find(name) || !ts_is_py_program(name)) {
        if (word[0] == '-')
            return ts_unknown_option(cmd, word);
        return ts_usage_error("%s: one scenario at a time ('%s' and '%s')", cmd, name, word);
    }
    /* `threadsim run prog.py in.txt -v`, as one types `python3 prog.py in.txt -v` */
    char hint[600];
    snprintf(hint, sizeof hint, "; the program's own arguments go after '--': threadsim %s %s -- %s",
             cmd, name, word);
    if (word[0] == '-')
        return main__unknown_option(cmd, word, hint);
    return ts_usage_error("%s: one program at a time ('%s' and '%s')%s", cmd, name, word, hint);
}

const char *ts_suggest_scenario(const char *name, char *buf, size_t cap)
{
    size_t n;
    const ts_scenario *all = ts_scenarios(&n);
    ts_suggest s;
    ts_suggest_init(&s, name);
    const char *tail = NULL;
    size_t ntail = 0, len = strlen(name);
    for (size_t i = 0; i < n; i++) {
        ts_suggest_add(&s, all[i].name, strlen(all[i].name));
        /* its group ("daemon-joni" -> "daemon-join") */
        const char *slash = strchr(all[i].name, '/');
        if (slash)
            ts_suggest_add(&s, all[i].name, (size_t)(slash - all[i].name));
        /* the name without its group ("no-join" -> "daemon-join/no-join") */
        size_t nl = strlen(all[i].name);
        if (!strchr(name, '/') && nl > len + 1 && all[i].name[nl - len - 1] == '/' &&
            strcmp(all[i].name + nl - len, name) == 0) {
            tail = all[i].name;
            ntail++;
        }
    }
    if (ntail == 1)
        snprintf(buf, cap, "%s", tail);
    else if (ts_suggest_best(&s))
        snprintf(buf, cap, "%s", ts_suggest_best(&s));
    else
        return NULL;
    return buf;
}

int ts_unknown_scenario(const char *cmd, const char *name)
{
    char near[128];
    const char *cmdp = cmd ? cmd : "", *sep = cmd ? ": " : "";
    /* check also takes groups ("daemon-join") */
    const char *what = cmd && strcmp(cmd, "check") == 0 ? "scenario or group" : "scenario";
    if (ts_suggest_scenario(name, near, sizeof near))
        return ts_usage_error("%s%sunknown %s '%s' (did you mean '%s'? 'threadsim list' "
                              "shows them)", cmdp, sep, what, name, near);
    return ts_usage_error("%s%sunknown %s '%s' (see 'threadsim list')", cmdp, sep, what, name);
}

/* ---- where the expected outputs are ----------------------------------------- */

static bool main__is_dir(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* A threadsim source tree at `root`: its traces/expected into out. */
static bool main__checkout(const char *root, char *out, size_t cap)
{
    char probe[PATH_MAX + 64];
    snprintf(probe, sizeof probe, "%s/tools/threadsim.c", root);
    if (access(probe, R_OK) != 0)
        return false;
    snprintf(probe, sizeof probe, "%s/traces/expected", root);
    if (!main__is_dir(probe) || strlen(probe) >= cap)
        return false;
    snprintf(out, cap, "%s", probe);
    return true;
}

/* `dir` or one of its parents is a source tree: its traces/expected. */
static bool main__checkout_above(const char *dir, char *out, size_t cap)
{
    char d[PATH_MAX];
    if (!dir || strlen(dir) >= sizeof d)
        return false;
    snprintf(d, sizeof d, "%s", dir);
    for (;;) {
        if (main__checkout(d[0] ? d : "/", out, cap))
            return true;
        char *slash = strrchr(d, '/');
        if (!slash)
            return false;
        *slash = '\0';
        if (!d[0])
            return main__checkout("/", out, cap);
    }
}

const char *ts_expected_dir(void)
{
    static char dir[PATH_MAX + 64];
    /* 1. the override: THREADSIM_DATA is a data folder as installed (one
     *    with expected/ in it: PREFIX/share/threadsim, or a checkout's traces) */
    const char *env = getenv("THREADSIM_DATA");
    if (env && *env) {
        snprintf(dir, sizeof dir, "%s/expected", env);
        return dir;
    }
    /* 2. beside the binary: installed as PREFIX/bin/threadsim, the data is
     *    PREFIX/share/threadsim; built in a checkout (build/tools/threadsim),
     *    the checkout around it, wherever it has been moved */
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(dir, sizeof dir, "%s/../share/threadsim/expected", exe);
            if (main__is_dir(dir))
                return dir;
            if (main__checkout_above(exe, dir, sizeof dir))
                return dir;
        }
    }
    /* 3. the checkout the current directory is in */
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) && main__checkout_above(cwd, dir, sizeof dir))
        return dir;
    /* 4. where the binary was built from */
    snprintf(dir, sizeof dir, "%s/traces/expected", THREADSIM_SOURCE_DIR);
    if (main__is_dir(dir))
        return dir;
    return NULL;
}

/* ---- --status-json ------------------------------------------------------------- */

static const char *main__outcome_of(int status)
{
    switch (status) {
    case TS_EXIT_OK: return "ok";
    case TS_EXIT_FAIL: return "failed";
    case TS_EXIT_LIMIT: return "run-limit";
    case TS_EXIT_USAGE: return "error";
    case TS_EXIT_DEADLOCK: return "deadlock";
    case TS_EXIT_INTERNAL: return "internal-error";
    default: return "exit";
    }
}

static void main__json_str(sim_buf *b, const char *key, const char *v)
{
    sim_buf_printf(b, ", \"%s\": ", key);
    if (v)
        trace_json_string(b, v, strlen(v));
    else
        sim_buf_adds(b, "null");
}

/* The status file: {"command", "outcome", "status", ...} and what the
 * command added. Returns 0 or -1 (write error). */
static int main__status_json(FILE *f, const char *cmd, int status)
{
    sim_buf b = {0};
    ts_status_info *s = &ts_status;
    sim_buf_adds(&b, "{\"command\": ");
    trace_json_string(&b, cmd, strlen(cmd));
    main__json_str(&b, "outcome", s->outcome ? s->outcome : main__outcome_of(status));
    sim_buf_printf(&b, ", \"status\": %d", status);
    if (s->outcome && s->program_status >= 0)
        sim_buf_printf(&b, ", \"program_status\": %d", s->program_status);
    else if (s->outcome)
        sim_buf_adds(&b, ", \"program_status\": null");
    if (status == TS_EXIT_USAGE || status == TS_EXIT_INTERNAL)
        main__json_str(&b, "message", s->message[0] ? s->message : NULL);
    sim_buf_add(&b, s->extra.p, s->extra.len);
    sim_buf_adds(&b, "}\n");
    bool ok = fwrite(b.p, 1, b.len, f) == b.len;
    ok = fclose(f) == 0 && ok;
    sim_buf_free(&b);
    sim_buf_free(&s->extra);
    return ok ? 0 : -1;
}

/* --status-json FILE among a command's arguments (not after "--", which
 * are the program's): removed from argv, FILE opened now (so that it fails
 * before anything runs). Returns 1 if found, 0 if not, -1 on an error. */
static int main__take_status_json(int *argc, char **argv, const char **path, FILE **f)
{
    for (int i = 1; i < *argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return 0;
        if (strcmp(argv[i], "--status-json") != 0)
            continue;
        if (i + 1 >= *argc || !argv[i + 1][0])
            return ts_usage_error("%s: --status-json needs a file name", argv[0]), -1;
        *path = argv[i + 1];
        /* the command's database (its --db, or the default; none with
         * --no-db): never opened for writing as this file */
        ts_db_opts db = ts_db_opts_default();
        for (int j = 1; j < *argc && strcmp(argv[j], "--") != 0; j++) {
            if (strcmp(argv[j], "--no-db") == 0)
                db.none = true;
            else if (strcmp(argv[j], "--db") == 0 && j + 1 < *argc)
                db.path = argv[++j];
        }
        if (ts_check_not_db(argv[0], "--status-json", *path, &db) != 0)
            return -1;
        if (!(*f = fopen(*path, "we")))
            return ts_usage_error("%s: cannot write --status-json file '%s'", argv[0], *path), -1;
        memmove(argv + i, argv + i + 2, (size_t)(*argc - i - 2 + 1) * sizeof *argv);
        *argc -= 2;
        return 1;
    }
    return 0;
}

/* ---- the general help, help, version ------------------------------------------ */

static void usage(FILE *f)
{
    fputs("usage: threadsim COMMAND [ARGS]\n\n"
          "A deterministic simulator of Python threading programs on a virtual clock.\n\n"
          "commands:\n",
          f);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fputs("\noptions: --help (-h), --version (-V). 'threadsim help COMMAND' (or\n"
          "'threadsim COMMAND --help') for a command's usage and options.\n\n" TS_HELP_EXIT_TABLE,
          f);
}

static int main__unknown_command(const char *cmd)
{
    ts_suggest s;
    ts_suggest_init(&s, cmd);
    for (size_t i = 0; i < NCOMMANDS; i++)
        ts_suggest_add(&s, commands[i].name, strlen(commands[i].name));
    if (ts_suggest_best(&s))
        return ts_usage_error("unknown command '%s' (did you mean '%s'? see 'threadsim --help')",
                              cmd, ts_suggest_best(&s));
    return ts_usage_error("unknown command '%s' (see 'threadsim --help')", cmd);
}

/* ---- the help texts for man pages and shell completion (hidden) ------------------
 *
 * `threadsim help --man [COMMAND]` prints threadsim(1) or threadsim-COMMAND(1)
 * in troff, made from the same text as --help (the build generates the
 * installed man pages with it: tools/gen_man.cmake). `help --commands` and
 * `help --options COMMAND` print one name a line for the completion scripts
 * (tools/completion/): the options are those ts_help_options finds, the
 * ones a mistyped option is compared with. */

/* One line of help text as troff: backslashes doubled, a leading '.' or
 * '\'' kept from being read as a request, '-' as \- (a hyphen-minus). */
static void main__man_line(FILE *f, const char *s, size_t n)
{
    if (n && (s[0] == '.' || s[0] == '\''))
        fputs("\\&", f);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\')
            fputs("\\e", f);
        else if (s[i] == '-')
            fputs("\\-", f);
        else
            fputc(s[i], f);
    }
    fputc('\n', f);
}

/* The body of a help text: "usage: ..." lines become SYNOPSIS, an
 * unindented line ending in ':' a subsection, the rest stays as laid out
 * (no filling: the texts are aligned in columns). */
static void main__man_body(FILE *f, const char *help)
{
    const char *line = help;
    fputs(".SH SYNOPSIS\n.nf\n", f);
    while (line && strncmp(line, "usage: ", 7) == 0) {
        const char *eol = strchr(line, '\n');
        size_t n = eol ? (size_t)(eol - line) : strlen(line);
        main__man_line(f, line + 7, n - 7);
        line = eol ? eol + 1 : NULL;
    }
    fputs(".fi\n.SH DESCRIPTION\n.nf\n", f);
    while (line && *line == '\n')
        line++;
    while (line && *line) {
        const char *eol = strchr(line, '\n');
        size_t n = eol ? (size_t)(eol - line) : strlen(line);
        if (n > 1 && line[0] != ' ' && line[n - 1] == ':' && !memchr(line, ' ', n - 1)) {
            fputs(".fi\n.SS ", f);
            main__man_line(f, line, n - 1);
            fputs(".nf\n", f);
        } else {
            main__man_line(f, line, n);
        }
        line = eol ? eol + 1 : NULL;
    }
    fputs(".fi\n", f);
}

static void main__man_head(FILE *f, const char *name, const char *summary)
{
    fprintf(f, ".\\\" generated by 'threadsim help --man' from the --help text; do not edit\n"
               ".TH %s 1 \"\" \"threadsim %s\" \"threadsim manual\"\n.SH NAME\n",
            name, TS_VERSION);
    fprintf(f, "%s \\- ", name);
    main__man_line(f, summary, strlen(summary));
}

static int main__man(const char *cmd)
{
    FILE *f = stdout;
    if (!cmd) {
        char *text = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&text, &len);
        if (!m)
            return TS_EXIT_INTERNAL;
        usage(m);
        fclose(m);
        main__man_head(f, "threadsim", "a deterministic simulator of Python threading programs");
        /* usage() starts "usage: threadsim COMMAND [ARGS]" */
        main__man_body(f, text);
        free(text);
        fputs(".SH FILES\n.TP\n.I PREFIX/share/threadsim/expected\n"
              "the built-in scenarios' expected outputs ('threadsim check'; $THREADSIM_DATA/expected "
              "instead if set)\n.TP\n.I ./threadsim.db\nthe default database of recorded runs\n"
              ".SH SEE ALSO\n",
              f);
        for (size_t i = 0; i < NCOMMANDS; i++)
            fprintf(f, ".BR threadsim\\-%s (1)%s\n", commands[i].name,
                    i + 1 < NCOMMANDS ? "," : "");
        return TS_EXIT_OK;
    }
    const ts_command *c = main__find(cmd);
    if (!c)
        return main__unknown_command(cmd);
    char name[64];
    snprintf(name, sizeof name, "threadsim-%s", c->name);
    main__man_head(f, name, c->summary);
    main__man_body(f, c->help);
    fputs(".SH SEE ALSO\n.BR threadsim (1)\n", f);
    return TS_EXIT_OK;
}

static void main__print_opt(void *ud, const char *opt, size_t len)
{
    (void)ud;
    printf("%.*s\n", (int)len, opt);
}

static int cmd_help(int argc, char **argv)
{
    if (argc < 2) {
        usage(stdout);
        return TS_EXIT_OK;
    }
    if (strcmp(argv[1], "--man") == 0 && argc <= 3)
        return main__man(argc == 3 ? argv[2] : NULL);
    if (strcmp(argv[1], "--commands") == 0 && argc == 2) {
        for (size_t i = 0; i < NCOMMANDS; i++)
            puts(commands[i].name);
        return TS_EXIT_OK;
    }
    if (strcmp(argv[1], "--options") == 0 && argc == 3) {
        const ts_command *c = main__find(argv[2]);
        if (!c)
            return main__unknown_command(argv[2]);
        ts_help_options(c->help, main__print_opt, NULL);
        puts("--help");
        return TS_EXIT_OK;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(help_help, stdout);
        return TS_EXIT_OK;
    }
    if (argc > 2)
        return ts_usage_error("help: one command at a time");
    const ts_command *c = main__find(argv[1]);
    if (!c)
        return main__unknown_command(argv[1]);
    fputs(c->help, stdout);
    return TS_EXIT_OK;
}

static int cmd_version(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(help_version, stdout);
        return TS_EXIT_OK;
    }
    if (argc > 1)
        return ts_usage_error("version takes no arguments");
    printf("threadsim %s\n", TS_VERSION);
    return TS_EXIT_OK;
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
    ts_status.program_status = -1;
    if (argc < 2) {
        usage(stderr);
        return TS_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return TS_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0)
        return cmd_version(1, argv + 1);
    const ts_command *c = main__find(cmd);
    if (!c) {
        if (cmd[0] == '-') {
            ts_suggest s;
            ts_suggest_init(&s, cmd);
            ts_suggest_add(&s, "--help", 6);
            ts_suggest_add(&s, "--version", 9);
            if (ts_suggest_best(&s))
                return ts_usage_error("unknown option '%s' (did you mean '%s'? see 'threadsim "
                                      "--help')", cmd, ts_suggest_best(&s));
            return ts_usage_error("unknown option '%s' (see 'threadsim --help')", cmd);
        }
        return main__unknown_command(cmd);
    }
    const char *reset = getenv("THREADSIM_RESET");
    if (reset && *reset && strcmp(reset, "auto") != 0 && strcmp(reset, "fork") != 0 &&
        strcmp(reset, "verify") != 0)
        return ts_usage_error("THREADSIM_RESET must be 'auto', 'fork' or 'verify', not '%s'",
                              reset);
    const char *seal = getenv("THREADSIM_SEAL");
    if (seal && *seal && strcmp(seal, "0") != 0 && strcmp(seal, "1") != 0)
        return ts_usage_error("THREADSIM_SEAL must be '0' or '1', not '%s'", seal);
    const char *deep = getenv("THREADSIM_DEEP");
    if (deep && *deep && strcmp(deep, "0") != 0 && strcmp(deep, "1") != 0 &&
        strcmp(deep, "stats") != 0)
        return ts_usage_error("THREADSIM_DEEP must be '0', '1' or 'stats', not '%s'", deep);
    int cargc = argc - 1;
    char **cargv = argv + 1;
    const char *status_path = NULL;
    FILE *status_f = NULL;
    if (c->run == ts_cmd_run || c->run == ts_cmd_check || c->run == ts_cmd_explore) {
        if (main__take_status_json(&cargc, cargv, &status_path, &status_f) < 0)
            return TS_EXIT_USAGE;
    }
    /* A closed reader (`| head`) is a write error, not a death by SIGPIPE
     * half-way through recording a run (left "incomplete"); CPython's own
     * processes ignore it too. */
    signal(SIGPIPE, SIG_IGN);
    int status = c->run(cargc, cargv);
    if (status_f && main__status_json(status_f, c->name, status) != 0) {
        fprintf(stderr, "threadsim: cannot write --status-json file '%s'\n", status_path);
        return TS_EXIT_USAGE;
    }
    /* what the command printed must have reached stdout (/dev/full, a
     * closed pipe): else say so, status 125 */
    int earlier = errno; /* most likely the failed write's, if one failed before */
    errno = 0;
    int flushed = fflush(stdout);
    int e = flushed != 0 ? errno : 0;
    if ((flushed != 0 || ferror(stdout)) && status != TS_EXIT_USAGE) {
        /* (125: the command said what failed already) A write that failed
         * earlier may have left no errno of its own (errno can be another
         * call's since: "No such process"): a pipe whose reader is gone
         * says so, else errno is the best guess */
        struct pollfd pf = {STDOUT_FILENO, POLLOUT, 0};
        if (!e)
            e = poll(&pf, 1, 0) == 1 && (pf.revents & POLLERR) ? EPIPE : earlier ? earlier : EIO;
        fprintf(stderr, "threadsim: %s: cannot write the output: %s\n", c->name, strerror(e));
        return TS_EXIT_USAGE;
    }
    if (c->run == ts_cmd_run && status == 130 && ts_status.outcome &&
        strcmp(ts_status.outcome, "exception") == 0) {
        /* an uncaught KeyboardInterrupt: python3 then ends by SIGINT, with
         * the default action (Py_RunMain's exit_sigint), so that its caller
         * sees an interrupted program (a shell 130, subprocess -2), not a
         * status; the run is recorded and its output out by now */
        fflush(stderr);
        signal(SIGINT, SIG_DFL);
        kill(getpid(), SIGINT);
    }
    return status;
}
