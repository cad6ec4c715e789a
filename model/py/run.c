/*
 * model/py/run.c — programs and runs (see py.h): loading and syntax error
 * reports, the run's state, thread states, imports, warnings, the
 * traceback hook, and py_run itself.
 *
 * Lifetimes: a program owns its source, tree and immortal constants. A run
 * owns a heap of objects, freed all at once when model_run returns (after
 * the model has torn down its threads, so nothing runs any more), plus the
 * thread states and interned strings.
 */
#include "py.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../output.h"
#include "../thread.h"
#include "interp.h"
#include "parser.h"

static _Thread_local py_interp *run__in;

py_run_opts py_run_opts_default(void)
{
    py_run_opts o = {0};
    o.max_steps = 200000000;
    o.max_memory = (size_t)256 << 20;
    o.max_depth = 1000;
    o.line_notes = true;
    return o;
}

/* ---- programs ----------------------------------------------------------- */

static void run__syntax_report(sim_buf *err, const py_program *p, const py_syntax_error *e)
{
    sim_buf_printf(err, "  File \"%s\", line %d\n", p->filename, e->line);
    if (e->line >= 1 && (size_t)e->line <= p->nlines) {
        const char *s = p->lines[e->line];
        const char *end = strchr(s, '\n');
        if (!end)
            end = s + strlen(s);
        const char *t = s;
        while (t < end && (*t == ' ' || *t == '\t' || *t == '\f'))
            t++;
        const char *te = end;
        while (te > t && (te[-1] == '\r' || te[-1] == ' '))
            te--;
        sim_buf_printf(err, "    %.*s\n", (int)(te - t), t);
        if (e->col >= 0) {
            long caret = (long)e->col - (long)(t - s);
            if (caret < 0)
                caret = 0;
            if (caret > te - t)
                caret = te - t;
            sim_buf_adds(err, "    ");
            for (long i = 0; i < caret; i++)
                sim_buf_addc(err, ' ');
            sim_buf_adds(err, "^\n");
        }
    }
    sim_buf_printf(err, "%s: %s\n", e->type, e->msg);
}

py_program *py_program_load(const char *filename, const char *src, size_t len, int python,
                            sim_buf *err)
{
    py_program *p = calloc(1, sizeof *p);
    if (!p)
        abort();
    p->filename = strdup(filename);
    p->src = malloc(len + 1);
    if (!p->filename || !p->src)
        abort();
    memcpy(p->src, src, len);
    p->src[len] = '\0';
    p->len = len;
    p->python = python == 2 ? 2 : 3;
    size_t nl = 1;
    for (size_t i = 0; i < len; i++)
        nl += p->src[i] == '\n';
    p->lines = calloc(nl + 2, sizeof *p->lines);
    if (!p->lines)
        abort();
    p->lines[1] = p->src;
    size_t k = 1;
    for (size_t i = 0; i < len; i++)
        if (p->src[i] == '\n' && i + 1 <= len)
            p->lines[++k] = p->src + i + 1;
    p->nlines = k;
    py_heap_init(&p->consts, true);
    py_heap *prev = py_heap_use(&p->consts);
    py_syntax_error e = {0};
    int r = py_parse(p->src, len, p->python, &p->body, &p->code, &e);
    py_heap_use(prev);
    if (r != 0) {
        run__syntax_report(err, p, &e);
        py_program_free(p);
        return NULL;
    }
    return p;
}

py_program *py_program_read(const char *path, int python, sim_buf *err, bool *io_error)
{
    *io_error = false;
    FILE *f = fopen(path, "rb");
    if (!f) {
        sim_buf_printf(err, "threadsim: cannot read %s: %s", path, strerror(errno));
        *io_error = true;
        return NULL;
    }
    sim_buf b = {0};
    char chunk[8192];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        sim_buf_add(&b, chunk, k);
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        sim_buf_free(&b);
        sim_buf_printf(err, "threadsim: cannot read %s: read error", path);
        *io_error = true;
        return NULL;
    }
    py_program *p = py_program_load(path, sim_buf_str(&b), b.len, python, err);
    sim_buf_free(&b);
    return p;
}

void py_program_free(py_program *p)
{
    if (!p)
        return;
    if (p->code)
        py_parse_free(&p->body, p->code);
    py_heap_fini(&p->consts);
    free(p->lines);
    free(p->src);
    free(p->filename);
    free(p);
}

/* ---- run state ---------------------------------------------------------- */

py_interp *py_interp_get(void)
{
    if (!run__in) {
        fputs("threadsim: Python interpreter used outside a run\n", stderr);
        abort();
    }
    return run__in;
}

py_ts *py_ts_of(model_thread *mt)
{
    if (mt->user)
        return mt->user;
    py_interp *in = py_interp_get();
    py_ts *ts = calloc(1, sizeof *ts);
    if (!ts)
        abort();
    ts->mt = mt;
    ts->next = in->threads;
    in->threads = ts;
    mt->user = ts;
    return ts;
}

py_ts *py_ts_get(void)
{
    sim_thread *st = sim_current(model_sched());
    return py_ts_of(st->user);
}

const char *py_intern(const char *s)
{
    py_interp *in = py_interp_get();
    for (size_t i = 0; i < in->ninterned; i++)
        if (strcmp(in->interned[i], s) == 0)
            return in->interned[i];
    char **v = realloc(in->interned, (in->ninterned + 1) * sizeof *v);
    if (!v)
        abort();
    in->interned = v;
    v[in->ninterned] = strdup(s);
    if (!v[in->ninterned])
        abort();
    return v[in->ninterned++];
}

/* ---- imports ------------------------------------------------------------ */

py_obj *py_import(const char *name)
{
    py_interp *in = py_interp_get();
    py_obj *m = py_dict_gets(in->modules, name);
    if (m)
        return py_incref(m);
    if (strcmp(name, "threading") == 0)
        m = py_mod_threading();
    else if (strcmp(name, "time") == 0)
        m = py_mod_time();
    else if (strcmp(name, "logging") == 0)
        m = py_mod_logging();
    else if (strcmp(name, "sys") == 0)
        m = py_mod_sys();
    else if (strcmp(name, "random") == 0)
        m = py_mod_random();
    else if (strcmp(name, in->python == 2 ? "Queue" : "queue") == 0)
        m = py_mod_queue(name);
    if (!m) {
        if (in->python == 2)
            return py_err(&py_exc_ImportError, "No module named %s", name);
        return py_err(&py_exc_ModuleNotFoundError, "No module named '%s'", name);
    }
    py_dict_sets(in->modules, name, m);
    return m;
}

/* ---- warnings ----------------------------------------------------------- */

void py_warn_deprecated(const char *msg)
{
    py_interp *in = py_interp_get();
    if (in->python != 3)
        return;
    int line = py_current_line();
    sim_buf b = {0};
    sim_buf_printf(&b, "%d:%s", line, msg);
    for (size_t i = 0; i < in->nwarned; i++)
        if (strcmp(in->warned[i], sim_buf_str(&b)) == 0) {
            sim_buf_free(&b);
            return;
        }
    char **v = realloc(in->warned, (in->nwarned + 1) * sizeof *v);
    if (!v)
        abort();
    in->warned = v;
    v[in->nwarned++] = sim_buf_take(&b);
    sim_buf_printf(&b, "%s:%d: DeprecationWarning: %s\n", in->prog->filename, line, msg);
    if (line >= 1 && (size_t)line <= in->prog->nlines) {
        const char *s = in->prog->lines[line];
        const char *e = strchr(s, '\n');
        if (!e)
            e = s + strlen(s);
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        sim_buf_printf(&b, "  %.*s\n", (int)(e - s), s);
    }
    py_write_text(MODEL_STDERR, sim_buf_str(&b), b.len);
    sim_buf_free(&b);
}

/* ---- the run ------------------------------------------------------------ */

/* model's traceback hook: the Python frames of the thread's exception. */
static void run__tb_hook(void *ud, model_thread *mt)
{
    (void)ud;
    py_ts *ts = mt->user;
    if (!ts || !ts->exc)
        return;
    sim_buf b = {0};
    py_tb_format(&b, ts->exc);
    if (b.len)
        sim_emit_text(model_sched(), SIM_EV_OUTPUT, SIM_NONE, 2, NULL, sim_buf_str(&b), b.len);
    sim_buf_free(&b);
    py_setref(&ts->exc, NULL);
}

static void run__main(void *arg)
{
    py_interp *in = arg;
    model_set_traceback_hook(run__tb_hook, in);
    py_ts *ts = py_ts_of(model_main_thread());
    in->builtins = py_dict_new();
    py_builtins_init(in->builtins);
    in->modules = py_dict_new();
    in->main = py_module_new("__main__");
    py_obj *globals = ((py_module *)in->main)->dict;
    py_obj *file = py_str_from(in->prog->filename);
    py_dict_sets(globals, "__file__", file);
    py_decref(file);
    py_dict_sets(globals, "__doc__", py_None);
    if (py_exec_module(globals) == 0)
        return;
    py_obj *exc = ts->exc;
    if (py_isinstance(exc, &py_exc_SystemExit)) {
        py_obj *args = PY_INST(exc)->exc_args;
        py_obj *code = args && PY_TUPLE(args)->n ? PY_TUPLE(args)->items[0] : py_None;
        in->exited = true;
        if (code->kind == PY_K_NONE) {
            in->exit_code = 0;
        } else if (py_is_int(code)) {
            in->exit_code = (int)(PY_INT(code) & 0xff);
        } else {
            sim_buf b = {0};
            if (py_buf_str(&b, code) == 0) {
                sim_buf_addc(&b, '\n');
                py_write_text(MODEL_STDERR, sim_buf_str(&b), b.len);
            }
            sim_buf_free(&b);
            in->exit_code = 1;
        }
        py_err_clear();
        return;
    }
    char *msg = py_exc_message(exc);
    model_err_set(py_exc_type_name(exc), "%s", msg);
    free(msg);
    model_raise();
}

int py_run(const py_program *p, const model_opts *mo, const py_run_opts *ro, model_result *res)
{
    py_interp *in = calloc(1, sizeof *in);
    if (!in)
        abort();
    in->prog = p;
    in->opts = ro ? *ro : py_run_opts_default();
    if (in->opts.max_depth <= 0)
        in->opts.max_depth = 1000;
    in->python = p->python;
    in->log_level = MODEL_WARNING;
    py_heap_init(&in->heap, false);
    in->prev_heap = py_heap_use(&in->heap);
    py_interp *outer = run__in;
    run__in = in;

    model_opts o = mo ? *mo : model_opts_default();
    o.python = p->python;
    if (o.sim.stack_size < PY_STACK_SIZE)
        o.sim.stack_size = PY_STACK_SIZE;
    int status = model_run(&o, run__main, in, res);
    if (in->exited && status == MODEL_EXIT_OK) {
        status = in->exit_code;
        if (res)
            res->status = status;
    }

    py_heap_fini(&in->heap);
    py_heap_use(in->prev_heap);
    run__in = outer;
    for (py_ts *ts = in->threads; ts;) {
        py_ts *next = ts->next;
        free(ts);
        ts = next;
    }
    for (size_t i = 0; i < in->ninterned; i++)
        free(in->interned[i]);
    free(in->interned);
    for (size_t i = 0; i < in->nwarned; i++)
        free(in->warned[i]);
    free(in->warned);
    free(in->log_format);
    free(in);
    return status;
}
