/*
 * tools/cmd_py.h — `threadsim run program.py` (cmd_py.c), called by
 * ts_cmd_run when its NAME is a Python file.
 */
#ifndef TS_CMD_PY_H
#define TS_CMD_PY_H

#include <stdbool.h>

#include "record.h"

struct py_program;

/* NAME ends in ".py" or names an existing regular file. */
bool ts_is_py_program(const char *name);
/* Parse and run the program at `path` with the options run parsed (`o`;
 * python_set: --python was given, else the file's `python` directive, else
 * Python 3), printing the live view
 * (full: --trace) and recording into the store unless db->none. Returns the
 * exit status: the run's, 1 for a syntax error, 2 for an unreadable file. */
int ts_run_py(const char *path, model_opts *o, bool python_set, bool full, const ts_db_opts *db,
              ts_policy_opts *pol);

/* The file's `# threadsim: python N` directive, or 3 (also when unreadable). */
int ts_py_dialect_of(const char *path);
/* Run a loaded program as `path` (its sys.argv[0]) with the options `o`
 * (sink, policy, limits); returns its exit status. */
int ts_py_exec(const struct py_program *prog, const char *path, const model_opts *o,
               model_result *res);

#endif
