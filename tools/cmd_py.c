/*
 * tools/cmd_py.c — `threadsim run program.py`: a Python file instead of a
 * built-in scenario.
 *
 * The file is parsed first; a syntax error is printed the way CPython
 * prints it (file, line, the line, a caret, "SyntaxError: ...") and the
 * command exits 1 without running anything. Otherwise the program runs on
 * the model exactly like a scenario: the same live views (output, or
 * --trace for every event; a Python run adds `note` events carrying
 * "file:line" before the events a statement causes), the same recording
 * into the store (under the program's path as the scenario name), and the
 * run's exit status (an uncaught exception: 1, as CPython; sys.exit(n): n).
 * The dialect is --python's, else the file's `# threadsim: python N`
 * directive (tools/pydirective.h), else Python 3.
 */
#include <errno.h>
#include <sched.h>
#include <inttypes.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <signal.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "../model/cpy/py.h"
#include "../sim/num.h"
#include "cli.h"
#include "cmd_py.h"
#include "pydirective.h"
#include "sandbox.h"

ts_py_cli ts_py;

static bool py__size(const char *opt, const char *v, uint64_t *out)
{
    /* BYTES: decimal digits (sim/num.h), then an optional K, M or G (powers
     * of 1024) */
    if (!v || !*v)
        return ts_usage_error("%s needs a size (e.g. 256M)", opt), false;
    char digits[32];
    size_t n = strlen(v);
    uint64_t mul = 1;
    switch (v[n - 1]) {
    case 'K': case 'k': mul = 1024; break;
    case 'M': case 'm': mul = 1024 * 1024; break;
    case 'G': case 'g': mul = 1024ULL * 1024 * 1024; break;
    }
    if (mul > 1)
        n--;
    if (n >= sizeof digits)
        return ts_usage_error("%s: '%s' is out of range", opt, v), false;
    memcpy(digits, v, n);
    digits[n] = '\0';
    uint64_t x;
    int rc = sim_parse_u64(digits, UINT64_MAX / mul, &x);
    if (rc == SIM_NUM_RANGE)
        return ts_usage_error("%s: '%s' is out of range", opt, v), false;
    if (rc != SIM_NUM_OK || x == 0)
        /* (the units it takes named: "1T" was told it was not positive) */
        return ts_usage_error("%s needs a positive size: digits with an optional K, M or G "
                              "(e.g. 256M), not '%s'", opt, v), false;
    *out = x * mul;
    return true;
}

/* Adds "NAME=VALUE" (replacing an earlier NAME) to ts_py.env. */
static bool py__env_put(const char *entry)
{
    size_t nlen = (size_t)(strchr(entry, '=') - entry);
    for (int i = 0; i < ts_py.nenv; i++)
        if (strncmp(ts_py.env[i], entry, nlen + 1) == 0) {
            char *d = strdup(entry);
            if (!d)
                return false;
            free(ts_py.env[i]);
            ts_py.env[i] = d;
            return true;
        }
    char **e = realloc(ts_py.env, ((size_t)ts_py.nenv + 2) * sizeof *e);
    if (!e)
        return false;
    ts_py.env = e;
    if (!(e[ts_py.nenv] = strdup(entry)))
        return false;
    e[++ts_py.nenv] = NULL;
    return true;
}

void ts_py_env_clear(void)
{
    for (int i = 0; i < ts_py.nenv; i++)
        free(ts_py.env[i]);
    free(ts_py.env);
    ts_py.env = NULL;
    ts_py.nenv = 0;
}

/* --env NAME=VALUE, or --env NAME: the host's value, recorded as the
 * former (a replay needs no host variable). */
static bool py__env(const char *v)
{
    if (!v || *v == '-')
        return ts_usage_error("--env needs NAME=VALUE or NAME"), false;
    const char *eq = strchr(v, '=');
    size_t nlen = eq ? (size_t)(eq - v) : strlen(v);
    bool ok = nlen > 0 && nlen < 256;
    for (size_t i = 0; ok && i < nlen; i++)
        ok = v[i] != ' ' && v[i] != '\0';
    if (!ok)
        return ts_usage_error("--env: '%s' is not NAME=VALUE or NAME (a name of 1 to 255 "
                              "characters, no '=' or space)", v), false;
    if (eq)
        return py__env_put(v) || (ts_usage_error("--env: out of memory"), false);
    const char *host = getenv(v);
    if (!host)
        return ts_usage_error("--env %s: no such variable in this environment (--env %s=VALUE "
                              "sets one)", v, v), false;
    size_t n = nlen + 1 + strlen(host) + 1;
    char *entry = malloc(n);
    if (!entry)
        return ts_usage_error("--env: out of memory"), false;
    snprintf(entry, n, "%s=%s", v, host);
    bool r = py__env_put(entry);
    free(entry);
    return r || (ts_usage_error("--env: out of memory"), false);
}

int ts_parse_py_option(int argc, char **argv)
{
    const char *a = argv[0];
    const char *v = argc > 1 ? argv[1] : NULL;
    if (strcmp(a, "--") == 0) {
        ts_py.argc = argc - 1;
        ts_py.argv = argv + 1;
        return argc;
    }
    if (strcmp(a, "-u") == 0) {
        ts_py.unbuffered = true;
        return 1;
    }
    if (strcmp(a, "--tty") == 0) {
        ts_py.tty = true;
        return 1;
    }
    if (strcmp(a, "--env") == 0)
        return py__env(v) ? 2 : -1;
    if (strcmp(a, "--sandbox") == 0) {
        ts_py.sandbox = true;
        return 1;
    }
    if (strcmp(a, "--granularity") == 0) {
        if (!v || (strcmp(v, "line") != 0 && strcmp(v, "opcode") != 0))
            return ts_usage_error("--granularity needs line or opcode"), -1;
        ts_py.opcodes = strcmp(v, "opcode") == 0;
        return 2;
    }
    if (strcmp(a, "--max-steps") == 0) {
        if (!ts_parse_u64(a, v, &ts_py.max_steps))
            return -1;
        if (!ts_py.max_steps)
            return ts_usage_error("--max-steps must be at least 1"), -1;
        return 2;
    }
    if (strcmp(a, "--max-memory") == 0) {
        if (!py__size(a, v, &ts_py.max_memory))
            return -1;
        /* CPython's start-up and threadsim's bootstrap take about 10 MiB of
         * it: below this the engine could not start (exit 127) */
        if (ts_py.max_memory < TS_PY_MIN_MEMORY)
            return ts_usage_error("--max-memory must be at least 16M (CPython's start-up takes "
                                  "about 10M), not '%s'", v), -1;
        return 2;
    }
    if (strcmp(a, "--max-output") == 0)
        return py__size(a, v, &ts_py.max_output) ? 2 : -1;
    if (strcmp(a, "--max-disk") == 0)
        return py__size(a, v, &ts_py.max_disk) ? 2 : -1;
    if (strcmp(a, "--timeout") == 0) {
        if (!ts_parse_secs(a, v, &ts_py.timeout))
            return -1;
        if (!(ts_py.timeout > 0))
            return ts_usage_error("--timeout needs a positive number of seconds"), -1;
        return 2;
    }
    if (strcmp(a, "--switch-steps") == 0)
        ts_py.switch_set = true; /* parsed by ts_parse_run_option */
    return 0;
}

void ts_py_model_defaults(model_opts *o)
{
    if (!ts_py.switch_set)
        o->sim.switch_steps = TS_PY_SWITCH_LINES;
}

/* --sandbox, in the run's child once CPython is ready: read the program's
 * folder and the standard library, write only the scratch folder the parent
 * made (and removes after the run); the program starts in it. */
static int py__sandbox(void *ud, const char *prog_dir, char *err, size_t errcap)
{
    const char *scratch = ud;
    if (chdir(scratch) != 0) {
        snprintf(err, errcap, "cannot enter the scratch folder: %s", strerror(errno));
        return -1;
    }
    const char *dirs[] = {prog_dir, "/usr/lib/python3.11", "/usr/lib/x86_64-linux-gnu",
                          "/usr/share/zoneinfo", NULL};
    ts_sandbox_opts so = {.read_dirs = dirs, .scratch_dir = scratch};
    return ts_sandbox_enter(&so, err, errcap);
}

static int py__rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* What a run left in the scratch folder, but the folder itself. */
static int py__rm_inside(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    return ftw->level > 0 ? py__rm(path, sb, flag, ftw) : 0;
}

/* The scratch folder of a --sandbox session: /tmp/threadsim-scratch-N,
 * N the first slot no other session of this user holds (a lock on
 * /tmp/threadsim-scratch-N.lock, kept open as long as the folder lives).
 * The program sees the folder's path (os.getcwd(), tempfile's folder,
 * abspath): a name carrying the pid and a random suffix made every run's
 * output different and a replay "DIFFERS"; this one is the same from run to
 * run unless sessions run side by side. A folder left by a process that is
 * gone (SIGKILL, the OOM killer, a power cut: its lock went with it) is
 * removed by the next session that takes its slot; only this user's
 * folders, never through a link. -1 when no slot of the first 1000 could
 * be had. */
static int py__scratch_take(char *out, size_t cap, int *lock_fd)
{
    for (int n = 1; n <= 1000; n++) {
        char lock[64];
        snprintf(lock, sizeof lock, "/tmp/threadsim-scratch-%d.lock", n);
        int fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
            continue; /* (another user's) */
        struct stat st;
        if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
            flock(fd, LOCK_EX | LOCK_NB) != 0) {
            close(fd);
            continue;
        }
        snprintf(out, cap, "/tmp/threadsim-scratch-%d", n);
        if (lstat(out, &st) == 0) {
            if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid()) {
                close(fd);
                continue;
            }
            nftw(out, py__rm, 16, FTW_DEPTH | FTW_PHYS);
        }
        if (mkdir(out, 0700) != 0) {
            close(fd);
            continue;
        }
        *lock_fd = fd;
        return 0;
    }
    errno = EAGAIN;
    return -1;
}

/* The process's scratch folder: one slot for all its --sandbox sessions
 * (an explorer's schedules and the representatives it records run one at a
 * time, from two sessions: in two slots, a representative printed another
 * folder than its schedules, and its replay DIFFERED), taken at the first
 * and given up, the folder removed, when the last is done. */
static struct {
    char path[64];
    int lock_fd;
    int users;
} py_slot;

static int py__scratch_use(char *out, size_t cap)
{
    if (py_slot.users == 0 &&
        py__scratch_take(py_slot.path, sizeof py_slot.path, &py_slot.lock_fd) != 0)
        return -1;
    py_slot.users++;
    snprintf(out, cap, "%s", py_slot.path);
    return 0;
}

static void py__scratch_done(void)
{
    if (py_slot.users == 0 || --py_slot.users > 0)
        return;
    nftw(py_slot.path, py__rm, 16, FTW_DEPTH | FTW_PHYS);
    close(py_slot.lock_fd); /* (the slot is free again) */
    py_slot.path[0] = '\0';
}

py_run_opts ts_py_run_opts(const char *path)
{
    /* valid until the next call: a runner keeps its own copy */
    static char **argv;
    free(argv);
    argv = calloc((size_t)ts_py.argc + 2, sizeof *argv);
    if (!argv)
        abort();
    argv[0] = (char *)path;
    for (int i = 0; i < ts_py.argc; i++)
        argv[i + 1] = ts_py.argv[i];
    py_run_opts ro = py_run_opts_default();
    ro.argc = ts_py.argc + 1;
    ro.argv = argv;
    ro.env = ts_py.env;
    if (ts_py.max_steps) {
        ro.max_steps = ts_py.max_steps;
        ro.exact_steps = true;
    }
    if (ts_py.max_memory)
        ro.max_memory = ts_py.max_memory;
    if (ts_py.max_output)
        ro.max_output = ts_py.max_output;
    if (ts_py.max_disk)
        ro.max_disk = ts_py.max_disk;
    ro.timeout = ts_py.timeout;
    ro.opcodes = ts_py.opcodes;
    /* -u, or PYTHONUNBUFFERED as python reads it (IDEs and container images
     * set it): then print's pieces are separate writes, and each is a point
     * where CPython, and so the explorer, may switch threads. The variable
     * is read here, by the tool, as an option; the program's own
     * environment stays the fixed one (cpy_run.c). */
    ro.unbuffered = ts_py_unbuffered();
    ro.tty = ts_py.tty;
    ro.program_lines = ts_py.program_lines;
    ro.cpython_points = ts_py.cpython_points;
    if (ts_py.stepper) {
        ro.line_notes = true;
        ro.line_steps = !ts_py.cpython_points;
    }
    ro.sandbox = ts_py.sandbox;
    ro.child_hook = py__sandbox;
    /* THREADSIM_RESET=fork|verify: how a session's runs are made pristine
     * (py.h); for tests and benchmarks: what a run prints is the same */
    const char *rs = getenv("THREADSIM_RESET");
    ro.reset = rs && strcmp(rs, "fork") == 0     ? PY_RESET_FORK
               : rs && strcmp(rs, "verify") == 0 ? PY_RESET_VERIFY
                                                 : PY_RESET_AUTO;
    /* THREADSIM_SEAL=0: the libraries' code stays mapped from its files
     * (py.h), for a profiler */
    const char *sl = getenv("THREADSIM_SEAL");
    ro.no_seal = sl && strcmp(sl, "0") == 0;
    return ro;
}

bool ts_is_py_program(const char *name)
{
    size_t n = strlen(name);
    if (n > 3 && strcmp(name + n - 3, ".py") == 0)
        return true;
    struct stat sb;
    return stat(name, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* The program file ts_py_dialect_of read, kept for ts_py_program_read: a
 * file is read once (a FIFO gives its bytes once, and a second open waited
 * for a writer that was gone, for good; a file rewritten between two reads
 * ran as neither). */
static struct {
    char *path, *src;
    size_t len;
} py_read;

static void py__read_forget(void)
{
    free(py_read.path);
    free(py_read.src);
    memset(&py_read, 0, sizeof py_read);
}

/* The `# threadsim: python N` directive of the file at `path`, or 3. */
int ts_py_dialect_of(const char *path)
{
    size_t len;
    char *src = sim_read_file(path, &len);
    if (!src)
        return 3;
    ts_pydirectives d;
    int python = ts_pydirectives_parse(src, &d, NULL, 0) == 0 ? d.python : 3;
    py__read_forget();
    py_read.path = strdup(path);
    if (py_read.path) {
        py_read.src = src;
        py_read.len = len;
    } else {
        free(src);
    }
    return python;
}

py_program *ts_py_program_read(const char *path, int python, sim_buf *err, bool *io_error)
{
    if (!py_read.path || strcmp(py_read.path, path) != 0)
        return py_program_read(path, python, err, io_error);
    *io_error = false;
    py_program *p = py_program_load(path, py_read.src, py_read.len, python, err);
    py__read_forget();
    return p;
}

int ts_py_run_with(const py_program *prog, const model_opts *o, py_run_opts *ro,
                   model_result *res)
{
    ts_py_runner r;
    ts_py_runner_init(&r, prog, ro);
    int status = ts_py_runner_run(&r, o, NULL, res);
    ts_py_runner_fini(&r);
    return status;
}

void ts_py_runner_init(ts_py_runner *r, const py_program *prog, const py_run_opts *ro)
{
    memset(r, 0, sizeof *r);
    r->prog = prog;
    r->ro = *ro;
    /* its own argv: the session opens later, after the caller may have
     * asked ts_py_run_opts again (which reuses its array) */
    r->argv = calloc((size_t)(ro->argc > 0 ? ro->argc : 0) + 1, sizeof *r->argv);
    if (r->argv) {
        for (int i = 0; i < ro->argc; i++)
            r->argv[i] = ro->argv[i];
        r->ro.argv = r->argv;
    } else {
        r->failed = true;
    }
}

/* The same standard input for every run of a process's sessions (explore's
 * schedules, its representatives): each run reads it from where the first
 * found it. A run's descriptor 0 is the caller's (inherited through the
 * session's zygote: one open file, one offset), so the caller puts the
 * offset back before each run: a file's where it was; a pipe's or
 * socket's bytes are read to their end once, before the session starts,
 * into a memory file put at descriptor 0 (at most PY_STDIN_MAX); a
 * terminal gives none (end of input at once: the user would otherwise be
 * asked again at every schedule). Without it the first schedule read the
 * input and every later one met its end (EOFError). */
#define PY_STDIN_MAX ((off_t)64 << 20)
static int stdin_state;  /* 0: not yet; 1: rewound to stdin_at before each run; 2: nothing to
                          * rewind (closed, or a terminal made empty); -1: could not */
static off_t stdin_at;

static int py__stdin_capture(void)
{
    int mfd = memfd_create("threadsim-stdin", MFD_CLOEXEC);
    if (mfd < 0) {
        fprintf(stderr, "threadsim: cannot keep standard input for every schedule: %s\n",
                strerror(errno));
        return -1;
    }
    char buf[65536];
    off_t total = 0;
    for (;;) {
        ssize_t k = read(0, buf, sizeof buf);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            fprintf(stderr, "threadsim: cannot read standard input: %s\n", strerror(errno));
            close(mfd);
            return -1;
        }
        if (k == 0)
            break;
        total += k;
        if (total > PY_STDIN_MAX) {
            fprintf(stderr, "threadsim: standard input is more than 64 MiB: every schedule "
                            "reads it whole; give a file instead (< FILE)\n");
            close(mfd);
            return -1;
        }
        for (ssize_t off = 0; off < k;) {
            ssize_t w = write(mfd, buf + off, (size_t)(k - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                fprintf(stderr, "threadsim: cannot keep standard input: %s\n", strerror(errno));
                close(mfd);
                return -1;
            }
            off += w;
        }
    }
    if (lseek(mfd, 0, SEEK_SET) != 0 || dup2(mfd, 0) != 0) {
        fprintf(stderr, "threadsim: cannot keep standard input: %s\n", strerror(errno));
        close(mfd);
        return -1;
    }
    close(mfd);
    stdin_at = 0;
    return 1;
}

int ts_py_same_stdin(void)
{
    if (stdin_state)
        return stdin_state < 0 ? -1 : 0;
    struct stat st;
    off_t at;
    if (fstat(0, &st) != 0) {
        stdin_state = 2; /* closed: every run finds it closed */
    } else if (isatty(0)) {
        int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        stdin_state = fd >= 0 && dup2(fd, 0) == 0 ? 2 : -1;
        if (fd >= 0)
            close(fd);
        if (stdin_state < 0)
            fprintf(stderr, "threadsim: cannot give the schedules an empty standard input\n");
    } else if (S_ISREG(st.st_mode) && (at = lseek(0, 0, SEEK_CUR)) >= 0) {
        stdin_at = at;
        stdin_state = 1;
    } else {
        stdin_state = py__stdin_capture();
    }
    return stdin_state < 0 ? -1 : 0;
}

int ts_py_runner_run(ts_py_runner *r, const model_opts *o, const py_policy_req *pol,
                     model_result *res)
{
    if (!r->ss && !r->failed && r->same_stdin && ts_py_same_stdin() != 0)
        r->failed = true;
    if (!r->ss && !r->failed) {
        if (r->ro.sandbox) {
            if (py__scratch_use(r->scratch, sizeof r->scratch) != 0) {
                fprintf(stderr, "threadsim: --sandbox: cannot make a scratch folder: %s\n",
                        strerror(errno));
                r->scratch[0] = '\0';
                r->failed = true;
                return TS_EXIT_USAGE;
            }
            r->ro.child_ud = r->scratch;
        }
        r->ss = py_session_open(r->prog, o, &r->ro);
        r->failed = !r->ss;
        if (r->ss && r->batch) {
            /* This process (not the session's zygote and runner, forked
             * above: a program that asks its scheduling policy sees the
             * one it was started with) as batch work: a task of that class
             * does not preempt the running one when it wakes. The caller
             * and the runner hand each run over through a socket and a
             * pipe, five wake-ups of the caller a schedule (the ack, the
             * run's first output, its last, the pipe's end, the status
             * after the reset); on one CPU each was a switch to the caller
             * and back. Nothing a run does depends on it; refused: no
             * matter. */
            struct sched_param batch = {0};
            (void)sched_setscheduler(0, SCHED_BATCH, &batch);
        }
    }
    if (r->failed) {
        if (res)
            memset(res, 0, sizeof *res); /* outcome MODEL_OUT_NONE */
        return MODEL_EXIT_INTERNAL;
    }
    r->runs++;
    if (r->scratch[0]) {
        /* each run starts with the scratch folder empty: what an earlier
         * one wrote there (the only place it may write), this session's or
         * another's of this process (they share the folder), is no later
         * schedule's */
        nftw(r->scratch, py__rm_inside, 16, FTW_DEPTH | FTW_PHYS);
        if (mkdir(r->scratch, 0700) != 0 && errno != EEXIST) {
            if (res)
                memset(res, 0, sizeof *res);
            fprintf(stderr, "threadsim: --sandbox: cannot make the scratch folder again: %s\n",
                    strerror(errno));
            return MODEL_EXIT_INTERNAL;
        }
    }
    if (r->same_stdin && stdin_state == 1 && lseek(0, stdin_at, SEEK_SET) != stdin_at) {
        if (res)
            memset(res, 0, sizeof *res);
        fprintf(stderr, "threadsim: cannot rewind standard input for the next schedule: %s\n",
                strerror(errno));
        return MODEL_EXIT_INTERNAL;
    }
    return py_session_run(r->ss, pol, o, res);
}

void ts_py_runner_fini(ts_py_runner *r)
{
    py_session_close(r->ss);
    r->ss = NULL;
    if (r->scratch[0])
        py__scratch_done();
    r->scratch[0] = '\0';
    free(r->argv);
    r->argv = NULL;
}

int ts_py_exec(const py_program *prog, const char *path, const model_opts *o, model_result *res)
{
    py_run_opts ro = ts_py_run_opts(path);
    /* a replay policy's position is read afterwards (did the schedule fit?):
     * it must advance in this process */
    ro.remote_pick = o->policy.pick && o->policy.name && strcmp(o->policy.name, "replay") == 0;
    return ts_py_run_with(prog, o, &ro, res);
}

int ts_run_py(const char *path, model_opts *o, bool python_set, bool full, const ts_db_opts *db,
              ts_policy_opts *pol)
{
    int python = python_set ? o->python : ts_py_dialect_of(path);
    sim_buf err = {0};
    bool io_error = false;
    py_program *prog = ts_py_program_read(path, python, &err, &io_error);
    if (!prog) {
        fflush(stdout);
        if (io_error) {
            fprintf(stderr, "%s\n", sim_buf_str(&err));
            sim_buf_free(&err);
            return TS_EXIT_USAGE;
        }
        fputs(sim_buf_str(&err), stderr);
        sim_buf_free(&err);
        /* as python3: the syntax error is the program's exception, exit 1 */
        ts_status.outcome = "exception";
        ts_status.program_status = TS_EXIT_FAIL;
        return TS_EXIT_FAIL;
    }
    sim_buf_free(&err);
    o->python = python;
    ts_py_model_defaults(o);

    store *st = NULL;
    if (!db->none && !(st = ts_db_open(db, true))) {
        py_program_free(prog);
        return TS_EXIT_USAGE;
    }
    if (ts_policy_install(pol, o) != 0) {
        store_close(st);
        py_program_free(prog);
        return TS_EXIT_USAGE;
    }
    ts_view *view = ts_view_new(full);
    o->sink = ts_view_sink;
    o->sink_ud = view;
    ts_recording rec;
    int status = ts_record_begin(&rec, st, path, pol->spec, o, 0);
    if (status == 0)
        ts_py_record_program(&rec, prog);
    if (status == 0) {
        model_result res;
        status = ts_py_exec(prog, path, o, &res);
        fflush(stdout);
        if (ts_record_end(&rec, status, &res) != 0)
            status = TS_EXIT_USAGE;
        else
            ts_view_status(view, path, status, &res, rec.meta.id);
    }
    ts_view_free(view);
    ts_policy_fini(pol);
    store_close(st);
    py_program_free(prog);
    return status;
}

/* ---- the program a run carries (store.h: programs) ------------------------ */

/* One word of the options text, quoted when it has to be. */
static void py__opt_word(sim_buf *b, const char *w)
{
    if (b->len)
        sim_buf_adds(b, " ");
    if (*w && !strpbrk(w, " \t\n'\"\\$`*?[]{}()<>|&;#~")) {
        sim_buf_adds(b, w);
        return;
    }
    sim_buf_adds(b, "'");
    for (const char *p = w; *p; p++) {
        if (*p == '\'')
            sim_buf_adds(b, "'\\''");
        else
            sim_buf_add(b, p, 1);
    }
    sim_buf_adds(b, "'");
}

bool ts_py_unbuffered(void)
{
    const char *env = ts_py.stored_options ? NULL : getenv("PYTHONUNBUFFERED");
    return ts_py.unbuffered || (env && *env);
}

char *ts_py_options_text(void)
{
    sim_buf b = {0};
    /* what the run did, whether -u or the environment said it: a replay
     * runs these, not its own environment's */
    if (ts_py_unbuffered())
        py__opt_word(&b, "-u");
    if (ts_py.tty)
        py__opt_word(&b, "--tty");
    /* confined: a replay is too (and sees the same working folder) */
    if (ts_py.sandbox)
        py__opt_word(&b, "--sandbox");
    if (ts_py.opcodes) {
        py__opt_word(&b, "--granularity");
        py__opt_word(&b, "opcode");
    }
    /* the limits given: a run they stopped stops there again in a replay */
    const struct {
        const char *opt;
        uint64_t v;
    } lim[] = {{"--max-steps", ts_py.max_steps},
               {"--max-memory", ts_py.max_memory},
               {"--max-output", ts_py.max_output},
               {"--max-disk", ts_py.max_disk}};
    for (size_t i = 0; i < sizeof lim / sizeof *lim; i++) {
        if (!lim[i].v)
            continue;
        char num[32];
        snprintf(num, sizeof num, "%" PRIu64, lim[i].v);
        py__opt_word(&b, lim[i].opt);
        py__opt_word(&b, num);
    }
    for (int i = 0; i < ts_py.nenv; i++) {
        py__opt_word(&b, "--env");
        py__opt_word(&b, ts_py.env[i]);
    }
    if (ts_py.argc > 0) {
        py__opt_word(&b, "--");
        for (int i = 0; i < ts_py.argc; i++)
            py__opt_word(&b, ts_py.argv[i]);
    }
    char *s = strdup(sim_buf_str(&b));
    sim_buf_free(&b);
    return s;
}

void ts_py_record_program(ts_recording *rec, const py_program *prog)
{
    if (!rec->rec || !prog)
        return;
    size_t len;
    const char *src = py_program_source(prog, &len);
    char *opts = ts_py_options_text();
    if (store_program_put(rec->st, rec->meta.id, src, len, opts) != 0)
        fprintf(stderr, "threadsim: note: %s\n", store_error(rec->st));
    free(opts);
}

/* Next shell word of an options text (as py__opt_word wrote it) into b;
 * false at the end. */
static bool py__next_word(const char **p, sim_buf *b)
{
    const char *s = *p;
    while (*s == ' ')
        s++;
    if (!*s)
        return false;
    sim_buf_clear(b);
    while (*s && *s != ' ') {
        if (*s == '\\' && s[1]) {
            sim_buf_add(b, s + 1, 1);
            s += 2;
        } else if (*s == '\'') {
            const char *q = strchr(s + 1, '\'');
            size_t n = q ? (size_t)(q - s - 1) : strlen(s + 1);
            sim_buf_add(b, s + 1, n);
            s += n + 1 + (q != NULL);
        } else {
            sim_buf_add(b, s++, 1);
        }
    }
    *p = s;
    return true;
}

/* What a stored options text says: -u, --granularity opcode, and the
 * program's arguments after "--" (kept for the rest of the process, as the
 * command line's are). */
static void py__apply_options(const char *opts)
{
    if (!opts)
        return;
    static char **args;
    sim_buf w = {0};
    bool after = false;
    /* the recorded run's, not this process's (a replay of runs 1..4 runs
     * each with its own) */
    ts_py.stored_options = true;
    ts_py.unbuffered = false;
    ts_py.tty = false;
    /* --sandbox: the run's, or the command line's (a replay may confine a
     * run that was not) */
    static int cmdline_sandbox = -1;
    if (cmdline_sandbox < 0)
        cmdline_sandbox = ts_py.sandbox;
    ts_py.sandbox = cmdline_sandbox;
    ts_py.opcodes = false;
    ts_py_env_clear();
    ts_py.max_steps = ts_py.max_memory = ts_py.max_output = ts_py.max_disk = 0;
    bool env_next = false;
    uint64_t *limit_next = NULL;
    int n = 0;
    for (const char *p = opts; py__next_word(&p, &w);) {
        const char *word = sim_buf_str(&w);
        if (env_next) {
            env_next = false;
            const char *eq = strchr(word, '=');
            if (eq && eq != word)
                (void)py__env_put(word);
        } else if (limit_next) {
            uint64_t v;
            if (sim_parse_u64(word, UINT64_MAX, &v) == SIM_NUM_OK)
                *limit_next = v;
            limit_next = NULL;
        } else if (!after && strcmp(word, "--max-steps") == 0) {
            limit_next = &ts_py.max_steps;
        } else if (!after && strcmp(word, "--max-memory") == 0) {
            limit_next = &ts_py.max_memory;
        } else if (!after && strcmp(word, "--max-output") == 0) {
            limit_next = &ts_py.max_output;
        } else if (!after && strcmp(word, "--max-disk") == 0) {
            limit_next = &ts_py.max_disk;
        } else if (after) {
            char **a = realloc(args, ((size_t)n + 2) * sizeof *a);
            if (!a)
                break;
            args = a;
            args[n++] = strdup(word);
            args[n] = NULL;
        } else if (strcmp(word, "--") == 0) {
            after = true;
        } else if (strcmp(word, "--env") == 0) {
            env_next = true;
        } else if (strcmp(word, "-u") == 0) {
            ts_py.unbuffered = true;
        } else if (strcmp(word, "--tty") == 0) {
            ts_py.tty = true;
        } else if (strcmp(word, "--sandbox") == 0) {
            ts_py.sandbox = true;
        } else if (strcmp(word, "opcode") == 0) {
            ts_py.opcodes = true;
        }
    }
    sim_buf_free(&w);
    if (n > 0) {
        ts_py.argc = n;
        ts_py.argv = args;
    }
}

py_program *ts_py_program_of_run(store *st, const store_run *r, int *status)
{
    char *src = NULL, *opts = NULL;
    size_t len = 0;
    int got = store_program_get(st, r->id, &src, &len, &opts);
    if (got < 0) {
        *status = ts_usage_error("%s", store_error(st));
        return NULL;
    }
    sim_buf err = {0};
    py_program *prog = NULL;
    if (got == 0) {
        /* recorded before runs carried their programs: the file as it is now */
        bool io_error = false;
        prog = py_program_read(r->scenario, r->python, &err, &io_error);
        if (!prog)
            *status = ts_usage_error("cannot replay run %" PRId64 ": %s", r->id,
                                     io_error ? sim_buf_str(&err) : "the program no longer parses");
        sim_buf_free(&err);
        return prog;
    }
    size_t flen = 0;
    char *now = sim_read_file(r->scenario, &flen);
    fflush(stdout);
    if (!now)
        fprintf(stderr, "threadsim: note: '%s' is gone; running the program recorded with run %" PRId64 "\n",
                r->scenario, r->id);
    else if (flen != len || memcmp(now, src, len) != 0)
        fprintf(stderr, "threadsim: note: '%s' has changed since run %" PRId64
                        " was recorded; running the recorded program\n", r->scenario, r->id);
    free(now);
    py__apply_options(opts);
    prog = py_program_load(r->scenario, src, len, r->python, &err);
    if (!prog)
        *status = ts_usage_error("cannot replay run %" PRId64 ": %s", r->id, sim_buf_str(&err));
    sim_buf_free(&err);
    free(src);
    free(opts);
    return prog;
}
