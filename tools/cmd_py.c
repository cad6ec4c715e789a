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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../model/cpy/py.h"
#include "cli.h"
#include "cmd_py.h"
#include "pydirective.h"

bool ts_is_py_program(const char *name)
{
    size_t n = strlen(name);
    if (n > 3 && strcmp(name + n - 3, ".py") == 0)
        return true;
    struct stat sb;
    return stat(name, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* The `# threadsim: python N` directive of the file at `path`, or 3. */
int ts_py_dialect_of(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 3;
    sim_buf b = {0};
    char chunk[4096];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        sim_buf_add(&b, chunk, k);
    fclose(f);
    ts_pydirectives d;
    int python = ts_pydirectives_parse(sim_buf_str(&b), &d, NULL, 0) == 0 ? d.python : 3;
    sim_buf_free(&b);
    return python;
}

int ts_py_exec(const py_program *prog, const char *path, const model_opts *o, model_result *res)
{
    py_run_opts ro = py_run_opts_default();
    char *argv0 = (char *)path;
    ro.argc = 1;
    ro.argv = &argv0;
    return py_run(prog, o, &ro, res);
}

int ts_run_py(const char *path, model_opts *o, bool python_set, bool full, const ts_db_opts *db,
              ts_policy_opts *pol)
{
    int python = python_set ? o->python : ts_py_dialect_of(path);
    sim_buf err = {0};
    bool io_error = false;
    py_program *prog = py_program_read(path, python, &err, &io_error);
    if (!prog) {
        fflush(stdout);
        if (io_error) {
            fprintf(stderr, "%s\n", sim_buf_str(&err));
            sim_buf_free(&err);
            return TS_EXIT_USAGE;
        }
        fputs(sim_buf_str(&err), stderr);
        sim_buf_free(&err);
        return TS_EXIT_FAIL;
    }
    sim_buf_free(&err);
    o->python = python;

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
    if (status == 0) {
        model_result res;
        status = ts_py_exec(prog, path, o, &res);
        fflush(stdout);
        if (ts_record_end(&rec, status, &res) != 0)
            status = TS_EXIT_USAGE;
    }
    ts_view_free(view);
    ts_policy_fini(pol);
    store_close(st);
    py_program_free(prog);
    return status;
}
