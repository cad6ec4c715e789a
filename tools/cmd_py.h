/*
 * tools/cmd_py.h — `threadsim run program.py` (cmd_py.c), called by
 * ts_cmd_run when its NAME is a Python file.
 */
#ifndef TS_CMD_PY_H
#define TS_CMD_PY_H

#include <stdbool.h>

#include "../model/cpy/py.h"
#include "record.h"

struct py_program;
struct py_run_opts;
struct py_session;
struct py_policy_req;

/* NAME ends in ".py" or names an existing regular file. */
bool ts_is_py_program(const char *name);
/* Parse and run the program at `path` with the options run parsed (`o`;
 * python_set: --python was given, else the file's `python` directive, else
 * Python 3), printing the live view
 * (full: --trace) and recording into the store unless db->none. Returns the
 * exit status: the run's, 1 for a syntax error, 2 for an unreadable file. */
int ts_run_py(const char *path, model_opts *o, bool python_set, bool full, const ts_db_opts *db,
              ts_policy_opts *pol);

/* Options of a Python run, set by the command line (ts_parse_py_option) and
 * used by every .py run of the process (run, check, step, export, replay). */
typedef struct ts_py_cli {
    int argc;                 /* program arguments after `--` */
    char **argv;
    int nenv;                 /* --env NAME=VALUE, in order */
    char **env;               /* nenv entries, NULL-terminated */
    uint64_t max_steps;       /* --max-steps (lines); 0: the default */
    uint64_t max_memory;      /* --max-memory BYTES; 0: the default */
    uint64_t max_output;      /* --max-output BYTES; 0: the default */
    uint64_t max_disk;        /* --max-disk BYTES; 0: the default */
    double timeout;           /* --timeout SECS (wall clock); 0: none */
    bool opcodes;             /* --granularity opcode */
    bool unbuffered;          /* -u (ts_py_unbuffered: or PYTHONUNBUFFERED) */
    bool tty;                 /* --tty */
    bool stored_options;      /* -u and --granularity are a recorded run's (replay): the
                               * environment's PYTHONUNBUFFERED does not apply */
    bool sandbox;             /* --sandbox */
    bool switch_set;          /* --switch-steps was given */
    bool program_lines;       /* every-step choices only at the program's lines (replaying
                               * an explorer's run) */
    bool stepper;             /* line notes and line steps, as the stepper runs (replaying
                               * a run it recorded) */
    bool cpython_points;      /* every-step choices only where CPython can switch (replaying
                               * a run explored or stepped with --choices cpython) */
} ts_py_cli;
extern ts_py_cli ts_py;

/* Python lines standing for CPython 3.11's 5 ms switch interval on this
 * machine class (about 15 ns a line: tools/calibrate.py measures it), the
 * default --switch-steps of a Python run. */
#define TS_PY_SWITCH_LINES 330000

/* The least --max-memory a Python run can start with. */
#define TS_PY_MIN_MEMORY ((uint64_t)16 << 20)

/* Whether a Python run's output is unbuffered: -u, or PYTHONUNBUFFERED set
 * non-empty as python reads it, unless a replay runs a recorded run's
 * options (then those say it). */
bool ts_py_unbuffered(void);

/* Forget the --env entries given so far (freed). */
void ts_py_env_clear(void);

/* Parse one Python-run option at argv[0]; returns how many arguments it took
 * (0: not one of them; -1: bad usage, reported). `--` takes all the rest. */
int ts_parse_py_option(int argc, char **argv);
/* The model options of a Python run: the calibrated switch interval unless
 * --switch-steps was given. */
void ts_py_model_defaults(model_opts *o);
/* The run options of a Python run from the command line, argv[0] = path. */
struct py_run_opts ts_py_run_opts(const char *path);

/* The file's `# threadsim: python N` directive, or 3 (also when unreadable). */
int ts_py_dialect_of(const char *path);
/* py_program_read of `path`, from the bytes ts_py_dialect_of read of it
 * if it was the last file that read (read once: a FIFO's second open
 * waits for good). */
struct py_program *ts_py_program_read(const char *path, int python, struct sim_buf *err,
                                      bool *io_error);
/* py_run with what the command line adds around it (--sandbox's scratch
 * folder, made before and removed after). */
int ts_py_run_with(const struct py_program *prog, const model_opts *o, struct py_run_opts *ro,
                   model_result *res);
/* Many runs of one program from one session (model/cpy/py.h): CPython
 * starts once, each run is a fork. The session opens at the first run, with
 * that run's model options (seed, limits) and `ro`; --sandbox's scratch
 * folder lives as long as the session. */
typedef struct ts_py_runner {
    const struct py_program *prog;
    struct py_run_opts ro;
    char **argv;              /* ro.argv, owned */
    struct py_session *ss;
    char scratch[64];         /* --sandbox: the runs' working folder (the process's slot,
                               * shared by its sessions), emptied before each */
    uint64_t runs;            /* runs of the session so far */
    bool failed;              /* the session could not open: every run fails */
    bool batch;               /* the caller runs many runs (explore): it becomes batch work
                               * once the session is open (ts_py_runner_run) */
    bool same_stdin;          /* every run reads the same standard input (explore): see
                               * ts_py_runner_run */
} ts_py_runner;
void ts_py_runner_init(ts_py_runner *r, const struct py_program *prog,
                       const struct py_run_opts *ro);
int ts_py_runner_run(ts_py_runner *r, const model_opts *o, const struct py_policy_req *pol,
                     model_result *res);
void ts_py_runner_fini(ts_py_runner *r);
/* Standard input made the same for every run of this process's runners
 * with same_stdin (cmd_py.c says how), once; before their sessions open.
 * -1 (said why on stderr) if it cannot be: input too big to keep. */
int ts_py_same_stdin(void);
/* Run a loaded program as `path` (its sys.argv[0]) with the options `o`
 * (sink, policy, limits); returns its exit status. */
int ts_py_exec(const struct py_program *prog, const char *path, const model_opts *o,
               model_result *res);

/* The Python options a run's trace depends on, as shell words ("-u
 * --granularity opcode -- ARGS..."), stored with its program (malloc'd). */
char *ts_py_options_text(void);
/* Attach `prog`'s text and the options to the run being recorded (a note
 * on stderr if that fails; the run goes on). Nothing when not recording. */
void ts_py_record_program(ts_recording *rec, const struct py_program *prog);
/* The program of recorded .py run `r`: the text it carries (with a one-line
 * note on stderr when the file at its path is gone or differs; its stored
 * -u and --granularity apply), else, for a run recorded before runs carried
 * programs, the file. NULL after printing the error, *status the exit status. */
struct py_program *ts_py_program_of_run(store *st, const store_run *r, int *status);

#endif
