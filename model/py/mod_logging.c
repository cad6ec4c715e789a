/*
 * model/py/mod_logging.c — the `logging` module: basicConfig, the module
 * functions debug/info/warning/error/critical/exception/log, getLogger with
 * loggers that log through the root configuration, and the level constants.
 *
 * Records are formatted by model_log_format (model/output.h) with the
 * Python caller's function, file and line; the message is `msg % args` when
 * args are given, done only if the record is emitted, as in CPython. Like
 * basicConfig, the first configuration wins; logging before any
 * basicConfig configures level WARNING and "%(levelname)s:%(name)s:%(message)s".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../output.h"
#include "../thread.h"
#include "interp.h"

#define LOG_DEFAULT_FORMAT "%(levelname)s:%(name)s:%(message)s"

static int log__configure(int level, const char *format)
{
    py_interp *in = py_interp_get();
    if (in->log_format)
        return 0;
    if (model_log_config(level, format) < 0) {
        py_err_from_model();
        return -1;
    }
    in->log_level = level;
    in->log_format = strdup(format ? format : LOG_DEFAULT_FORMAT);
    return 0;
}

static py_obj *l_basicConfig(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    (void)a;
    if (n)
        return py_err(&py_exc_TypeError, "basicConfig() takes 0 positional arguments but %zu were given", n);
    py_obj *level = kw ? py_dict_gets(kw, "level") : NULL;
    py_obj *format = kw ? py_dict_gets(kw, "format") : NULL;
    if (kw) {
        py_dict *d = PY_DICT(kw);
        for (size_t i = 0; i < d->used; i++) {
            py_obj *k = d->entries[i].key;
            if (!k)
                continue;
            const char *s = PY_STR(k);
            if (strcmp(s, "level") && strcmp(s, "format") && strcmp(s, "datefmt") &&
                strcmp(s, "style") && strcmp(s, "force"))
                return py_err(&py_exc_ValueError, "Unrecognised argument(s): %s", s);
        }
    }
    int64_t lv = 30;
    if (level && level->kind != PY_K_NONE && py_as_int(level, &lv) < 0)
        return NULL;
    if (format && format->kind != PY_K_STR)
        return py_err(&py_exc_TypeError, "format must be a string");
    if (log__configure((int)lv, format ? PY_STR(format) : NULL) < 0)
        return NULL;
    return py_incref(py_None);
}

/* Emit one record at `level` for logger `name`. */
static py_obj *log__emit(const char *name, int level, py_obj **a, size_t n, bool exc_info)
{
    py_interp *in = py_interp_get();
    if (n < 1)
        return py_err(&py_exc_TypeError, "missing 1 required positional argument: 'msg'");
    if (!in->log_format && log__configure(30, NULL) < 0)
        return NULL;
    model_step();
    if (level < in->log_level)
        return py_incref(py_None);
    py_obj *msg;
    if (n > 1) {
        py_obj *args;
        if (n == 2 && a[1]->kind == PY_K_DICT) {
            args = py_incref(a[1]);
        } else {
            args = py_tuple_new(n - 1);
            for (size_t i = 1; i < n; i++)
                PY_TUPLE(args)->items[i - 1] = py_incref(a[i]);
        }
        py_obj *fmt = py_str_of(a[0]);
        msg = fmt ? py_str_mod(fmt, args) : NULL;
        py_xdecref(fmt);
        py_decref(args);
    } else {
        msg = py_str_of(a[0]);
    }
    if (!msg)
        return NULL;
    py_ts *ts = py_ts_get();
    model_thread *t = ts->mt;
    const char *file = in->prog->filename;
    const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
    char module[128];
    snprintf(module, sizeof module, "%s", base);
    char *dot = strrchr(module, '.');
    if (dot)
        *dot = '\0';
    model_log_record r = {.name = name, .level = level, .message = PY_STR(msg),
                          .thread_name = t->name, .thread_ident = t->ident,
                          .now_ns = model_now_ns(),
                          .funcname = ts->frame ? ts->frame->code->name : "<module>",
                          .filename = base, .module = module,
                          .lineno = ts->frame ? ts->frame->line : 0};
    int len = model_log_format(in->log_format, &r, NULL, 0);
    if (len < 0) {
        py_decref(msg);
        return py_err_from_model();
    }
    sim_buf line = {0};
    char *text = malloc((size_t)len + 1);
    if (!text)
        abort();
    model_log_format(in->log_format, &r, text, (size_t)len + 1);
    sim_buf_add(&line, text, (size_t)len);
    free(text);
    sim_buf_addc(&line, '\n');
    if (exc_info && ts->handled) {
        py_tb_format(&line, ts->handled);
        py_exc_format_last(&line, ts->handled);
    }
    py_write_text(MODEL_STDERR, sim_buf_str(&line), line.len);
    sim_buf_free(&line);
    py_decref(msg);
    return py_incref(py_None);
}

static py_obj *l_debug(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)self; (void)kw; return log__emit("root", 10, a, n, false); }
static py_obj *l_info(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)self; (void)kw; return log__emit("root", 20, a, n, false); }
static py_obj *l_warning(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)self; (void)kw; return log__emit("root", 30, a, n, false); }
static py_obj *l_error(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)self; (void)kw; return log__emit("root", 40, a, n, false); }
static py_obj *l_exception(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)self; (void)kw; return log__emit("root", 40, a, n, true); }
static py_obj *l_critical(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)self; (void)kw; return log__emit("root", 50, a, n, false); }

static py_obj *l_log(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    (void)kw;
    int64_t level;
    if (n < 2)
        return py_err(&py_exc_TypeError, "log() missing required arguments: 'level' and 'msg'");
    if (py_as_int(a[0], &level) < 0)
        return NULL;
    return log__emit("root", (int)level, a + 1, n - 1, false);
}

/* ---- Logger objects ----------------------------------------------------- */

static const char *lg__name(py_obj *self)
{
    py_obj *nm = py_dict_gets(PY_INST(self)->dict, "name");
    return nm && nm->kind == PY_K_STR ? PY_STR(nm) : "root";
}

static py_obj *lg_debug(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)kw; return log__emit(lg__name(self), 10, a, n, false); }
static py_obj *lg_info(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)kw; return log__emit(lg__name(self), 20, a, n, false); }
static py_obj *lg_warning(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)kw; return log__emit(lg__name(self), 30, a, n, false); }
static py_obj *lg_error(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)kw; return log__emit(lg__name(self), 40, a, n, false); }
static py_obj *lg_exception(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)kw; return log__emit(lg__name(self), 40, a, n, true); }
static py_obj *lg_critical(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)kw; return log__emit(lg__name(self), 50, a, n, false); }

static const py_method lg__methods[] = {
    {"debug", lg_debug}, {"info", lg_info}, {"warning", lg_warning}, {"warn", lg_warning},
    {"error", lg_error}, {"exception", lg_exception}, {"critical", lg_critical}, {NULL, NULL},
};

static py_type lg__type = {
    .hdr = {.type = &py_type_type, .rc = 1, .kind = PY_K_TYPE, .flags = PY_F_IMMORTAL},
    .name = (char *)"Logger", .base = &py_type_object, .methods = lg__methods,
    .inst_kind = PY_K_INST, .module = "logging"};

static py_obj *l_getLogger(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("getLogger", kw) < 0 || py_nargs("getLogger", n, 0, 1) < 0)
        return NULL;
    py_inst *o = py_alloc(sizeof *o, &lg__type, PY_K_INST);
    o->dict = py_dict_new();
    py_obj *nm = n && a[0]->kind == PY_K_STR ? py_incref(a[0]) : py_str_from("root");
    py_dict_sets(o->dict, "name", nm);
    py_decref(nm);
    return &o->hdr;
}

py_obj *py_mod_logging(void)
{
    py_obj *m = py_module_new("logging");
    py_obj *d = ((py_module *)m)->dict;
    static const py_method fns[] = {
        {"basicConfig", l_basicConfig}, {"debug", l_debug}, {"info", l_info},
        {"warning", l_warning}, {"warn", l_warning}, {"error", l_error},
        {"exception", l_exception}, {"critical", l_critical}, {"fatal", l_critical},
        {"log", l_log}, {"getLogger", l_getLogger}, {NULL, NULL},
    };
    for (const py_method *k = fns; k->name; k++) {
        py_obj *f = py_cfunc_new(k->name, k->fn, NULL);
        py_dict_sets(d, k->name, f);
        py_decref(f);
    }
    static const struct { const char *name; int v; } levels[] = {
        {"NOTSET", 0}, {"DEBUG", 10}, {"INFO", 20}, {"WARNING", 30}, {"WARN", 30},
        {"ERROR", 40}, {"CRITICAL", 50}, {"FATAL", 50},
    };
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        py_obj *v = py_int_new(levels[i].v);
        py_dict_sets(d, levels[i].name, v);
        py_decref(v);
    }
    return m;
}
