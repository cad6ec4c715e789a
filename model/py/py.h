/*
 * model/py/py.h — run a Python program on the threading model.
 *
 * A py_program is a parsed source file: loading it reads nothing but the
 * text given, and a syntax error is reported the way CPython reports it
 * (file, line, the line, a caret, "SyntaxError: invalid syntax"), before
 * anything runs. py_run then runs the module body as the program's main
 * thread under model_run(): Python threads are model threads (green threads
 * on the virtual clock), every statement is a preemption point (model_step),
 * and the bound modules (threading, time, logging, sys) call the model.
 *
 * Output goes where the model sends it: print to the stdout stream, logging
 * and tracebacks to stderr, each write an `output` event of the trace.
 *
 * Sandbox: no files, sockets or processes (open, eval, exec, __import__
 * are not builtins; os, subprocess, socket are not importable). Limits end a
 * runaway program: statements executed (the run stops like an engine limit,
 * status MODEL_EXIT_LIMIT, reason "step limit"), bytes of live objects
 * (MemoryError once per crossing of the limit; a program that catches it and
 * reaches twice the limit is stopped with reason "memory limit"), Python
 * call depth (RecursionError).
 */
#ifndef MODEL_PY_PY_H
#define MODEL_PY_PY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../sim/buf.h"
#include "../core.h"

typedef struct py_program py_program;

typedef struct py_run_opts {
    int argc;                 /* sys.argv (argv[0] is the program's path) */
    char **argv;
    uint64_t max_steps;       /* statements before the run is stopped; 0 = no limit */
    size_t max_memory;        /* bytes of live objects before MemoryError; 0 = no limit */
    int max_depth;            /* Python call depth before RecursionError */
    bool line_notes;          /* put "file:line" notes in the trace before events */
} py_run_opts;

/* Defaults: no argv beyond the file, 200 million steps, 256 MiB, depth
 * 1000 (CPython's recursion limit), line notes on. */
py_run_opts py_run_opts_default(void);

/* The stack size a Python run needs per green thread (deep recursion in a
 * tree-walking evaluator runs on it); py_run raises smaller ones to it. */
#define PY_STACK_SIZE ((size_t)8 << 20)

/* Parse `src` (len bytes; copied) as the file `filename` in dialect `python`
 * (2 or 3). On a syntax error returns NULL and appends CPython's report to
 * `err` (several lines, ending in a newline). */
py_program *py_program_load(const char *filename, const char *src, size_t len, int python,
                            sim_buf *err);
/* Read and parse a file. On an unreadable file, appends
 * "threadsim: cannot read FILE: reason" (no newline) to err and sets
 * *io_error. */
py_program *py_program_read(const char *path, int python, sim_buf *err, bool *io_error);
void py_program_free(py_program *p);

/* Run the program. `mo` gives the model options (sink, policy, limits...;
 * the stack size is raised to PY_STACK_SIZE); `ro` may be NULL for the
 * defaults. Returns the exit status: the model's (MODEL_EXIT_*), or the
 * code of sys.exit(n) / SystemExit when main ended that way. */
int py_run(const py_program *p, const model_opts *mo, const py_run_opts *ro, model_result *res);

#endif
