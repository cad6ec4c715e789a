/*
 * model/py/exc.c — exceptions: the builtin hierarchy, the pending
 * exception of each thread, tracebacks.
 *
 * The builtin exception classes are static types (immortal, shared by every
 * run); their instances are ordinary instances whose args, context and
 * traceback live in py_inst's exc_* fields. A traceback is recorded as the
 * exception leaves each frame (innermost first) and printed outermost first,
 * the way CPython prints it, including its "[Previous line repeated N more
 * times]" folding and the "During handling of the above exception, another
 * exception occurred:" chain.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"

static py_obj *exc__init(py_obj *self, py_obj **args, size_t n, py_obj *kw)
{
    (void)kw;
    py_obj *t = py_tuple_new(n);
    for (size_t i = 0; i < n; i++)
        PY_TUPLE(t)->items[i] = py_incref(args[i]);
    py_setref(&PY_INST(self)->exc_args, t);
    return py_incref(py_None);
}

static py_obj *exc__get_args(py_obj *self)
{
    py_obj *a = PY_INST(self)->exc_args;
    return a ? py_incref(a) : py_tuple_new(0);
}

static int exc__set_args(py_obj *self, py_obj *v)
{
    py_obj *t = py_list_from_iter(v);
    if (!t)
        return -1;
    py_obj *tup = py_tuple_new(PY_LIST(t)->n);
    for (size_t i = 0; i < PY_LIST(t)->n; i++)
        PY_TUPLE(tup)->items[i] = py_incref(PY_LIST(t)->items[i]);
    py_decref(t);
    py_setref(&PY_INST(self)->exc_args, tup);
    return 0;
}

static py_obj *exc__get_code(py_obj *self)
{
    py_obj *a = PY_INST(self)->exc_args;
    if (!a || PY_TUPLE(a)->n == 0)
        return py_incref(py_None);
    if (PY_TUPLE(a)->n == 1)
        return py_incref(PY_TUPLE(a)->items[0]);
    return py_incref(a);
}

static py_obj *exc__get_context(py_obj *self)
{
    py_obj *c = PY_INST(self)->exc_context;
    return py_incref(c ? c : py_None);
}

static const py_method exc__methods[] = {{"__init__", exc__init}, {NULL, NULL}};
static const py_getset exc__getset[] = {
    {"args", exc__get_args, exc__set_args},
    {"__context__", exc__get_context, NULL},
    {NULL, NULL, NULL},
};
static const py_getset exc__sysexit_getset[] = {{"code", exc__get_code, NULL}, {NULL, NULL, NULL}};

#define EXC_TYPE(var, nm, basep, gs)                                                               \
    py_type var = {.hdr = {.type = &py_type_type, .rc = 1, .kind = PY_K_TYPE,                      \
                           .flags = PY_F_IMMORTAL},                                                \
                   .name = (char *)nm, .base = basep, .methods = NULL, .getset = gs,               \
                   .inst_kind = PY_K_INST, .is_exc = true, .module = "builtins"}

py_type py_exc_BaseException = {
    .hdr = {.type = &py_type_type, .rc = 1, .kind = PY_K_TYPE, .flags = PY_F_IMMORTAL},
    .name = (char *)"BaseException", .base = &py_type_object, .methods = exc__methods,
    .getset = exc__getset, .inst_kind = PY_K_INST, .is_exc = true, .module = "builtins"};
EXC_TYPE(py_exc_Exception, "Exception", &py_exc_BaseException, NULL);
EXC_TYPE(py_exc_SystemExit, "SystemExit", &py_exc_BaseException, exc__sysexit_getset);
EXC_TYPE(py_exc_KeyboardInterrupt, "KeyboardInterrupt", &py_exc_BaseException, NULL);
EXC_TYPE(py_exc_StopIteration, "StopIteration", &py_exc_Exception, NULL);
EXC_TYPE(py_exc_ArithmeticError, "ArithmeticError", &py_exc_Exception, NULL);
EXC_TYPE(py_exc_ZeroDivisionError, "ZeroDivisionError", &py_exc_ArithmeticError, NULL);
EXC_TYPE(py_exc_OverflowError, "OverflowError", &py_exc_ArithmeticError, NULL);
EXC_TYPE(py_exc_AssertionError, "AssertionError", &py_exc_Exception, NULL);
EXC_TYPE(py_exc_AttributeError, "AttributeError", &py_exc_Exception, NULL);
EXC_TYPE(py_exc_LookupError, "LookupError", &py_exc_Exception, NULL);
EXC_TYPE(py_exc_IndexError, "IndexError", &py_exc_LookupError, NULL);
EXC_TYPE(py_exc_KeyError, "KeyError", &py_exc_LookupError, NULL);
EXC_TYPE(py_exc_NameError, "NameError", &py_exc_Exception, NULL);
EXC_TYPE(py_exc_UnboundLocalError, "UnboundLocalError", &py_exc_NameError, NULL);
EXC_TYPE(py_exc_RuntimeError, "RuntimeError", &py_exc_Exception, NULL);
EXC_TYPE(py_exc_RecursionError, "RecursionError", &py_exc_RuntimeError, NULL);
EXC_TYPE(py_exc_NotImplementedError, "NotImplementedError", &py_exc_RuntimeError, NULL);
EXC_TYPE(py_exc_TypeError, "TypeError", &py_exc_Exception, NULL);
EXC_TYPE(py_exc_ValueError, "ValueError", &py_exc_Exception, NULL);
EXC_TYPE(py_exc_UnicodeError, "UnicodeError", &py_exc_ValueError, NULL);
EXC_TYPE(py_exc_ImportError, "ImportError", &py_exc_Exception, NULL);
EXC_TYPE(py_exc_ModuleNotFoundError, "ModuleNotFoundError", &py_exc_ImportError, NULL);
EXC_TYPE(py_exc_MemoryError, "MemoryError", &py_exc_Exception, NULL);
EXC_TYPE(py_exc_OSError, "OSError", &py_exc_Exception, NULL);
EXC_TYPE(py_exc_TimeoutError, "TimeoutError", &py_exc_OSError, NULL);
EXC_TYPE(py_exc_Warning, "Warning", &py_exc_Exception, NULL);
EXC_TYPE(py_exc_DeprecationWarning, "DeprecationWarning", &py_exc_Warning, NULL);
EXC_TYPE(py_exc_SyntaxError, "SyntaxError", &py_exc_Exception, NULL);

/* The bound modules' exceptions (not builtins): importing the module gives
 * them their names there. */
#define MOD_EXC_TYPE(var, nm, basep, mod)                                                          \
    py_type var = {.hdr = {.type = &py_type_type, .rc = 1, .kind = PY_K_TYPE,                      \
                           .flags = PY_F_IMMORTAL},                                                \
                   .name = (char *)nm, .base = basep, .inst_kind = PY_K_INST, .is_exc = true,      \
                   .module = mod}
MOD_EXC_TYPE(py_exc_BrokenBarrierError, "BrokenBarrierError", &py_exc_RuntimeError, "threading");
MOD_EXC_TYPE(py_exc_Empty, "Empty", &py_exc_Exception, "_queue");
MOD_EXC_TYPE(py_exc_Full, "Full", &py_exc_Exception, "queue");

static py_type *const exc__all[] = {
    &py_exc_BaseException, &py_exc_Exception, &py_exc_SystemExit, &py_exc_KeyboardInterrupt,
    &py_exc_StopIteration, &py_exc_ArithmeticError, &py_exc_ZeroDivisionError,
    &py_exc_OverflowError, &py_exc_AssertionError, &py_exc_AttributeError, &py_exc_LookupError,
    &py_exc_IndexError, &py_exc_KeyError, &py_exc_NameError, &py_exc_UnboundLocalError,
    &py_exc_RuntimeError, &py_exc_RecursionError, &py_exc_NotImplementedError,
    &py_exc_TypeError, &py_exc_ValueError, &py_exc_UnicodeError, &py_exc_ImportError,
    &py_exc_ModuleNotFoundError, &py_exc_MemoryError, &py_exc_OSError, &py_exc_TimeoutError,
    &py_exc_Warning, &py_exc_DeprecationWarning, &py_exc_SyntaxError,
};

py_type *const *py_exc_all(size_t *n)
{
    *n = sizeof exc__all / sizeof exc__all[0];
    return exc__all;
}

py_type *py_exc_by_name(const char *name)
{
    for (size_t i = 0; i < sizeof exc__all / sizeof exc__all[0]; i++)
        if (strcmp(exc__all[i]->name, name) == 0)
            return exc__all[i];
    return NULL;
}

py_obj *py_exc_new(py_type *type, py_obj *args)
{
    py_inst *e = py_alloc(sizeof *e, type, PY_K_INST);
    if (!(type->hdr.flags & PY_F_IMMORTAL))
        py_incref(&type->hdr);
    e->dict = py_dict_new();
    e->exc_args = args ? py_incref(args) : py_tuple_new(0);
    return &e->hdr;
}

/* ---- the pending exception --------------------------------------------- */

static bool exc__in_chain(py_obj *chain, py_obj *exc)
{
    for (int k = 0; chain && k < 1000; k++, chain = PY_INST(chain)->exc_context)
        if (chain == exc)
            return true;
    return false;
}

void py_err_set_obj(py_obj *exc)
{
    py_ts *ts = py_ts_get();
    if (ts->handled && ts->handled != exc && exc->kind == PY_K_INST &&
        !PY_INST(exc)->exc_context && !exc__in_chain(ts->handled, exc))
        PY_INST(exc)->exc_context = py_incref(ts->handled);
    py_setref(&ts->exc, exc);
}

void *py_err(py_type *type, const char *fmt, ...)
{
    sim_buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    sim_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    py_obj *msg = py_str_take(&b);
    py_obj *args = py_tuple_pack(1, msg);
    py_decref(msg);
    py_err_set_obj(py_exc_new(type, args));
    py_decref(args);
    return NULL;
}

bool py_err_occurred(void) { return py_ts_get()->exc != NULL; }

bool py_err_matches(py_type *type)
{
    py_obj *e = py_ts_get()->exc;
    return e && py_isinstance(e, type);
}

py_obj *py_err_fetch(void)
{
    py_ts *ts = py_ts_get();
    py_obj *e = ts->exc;
    ts->exc = NULL;
    return e;
}

void py_err_clear(void) { py_xdecref(py_err_fetch()); }

void *py_err_from_model(void)
{
    const char *type = model_err_type();
    const char *msg = model_err_message();
    py_type *t = type ? py_exc_by_name(type) : NULL;
    /* the model's names for the modules' exceptions (barrier.h, queue.h) */
    static const struct { const char *name; py_type *type; } mod[] = {
        {"threading.BrokenBarrierError", &py_exc_BrokenBarrierError},
        {"_queue.Empty", &py_exc_Empty},
        {"queue.Full", &py_exc_Full},
    };
    for (size_t i = 0; !t && type && i < sizeof mod / sizeof mod[0]; i++)
        if (strcmp(type, mod[i].name) == 0)
            t = mod[i].type;
    if (!t)
        t = &py_exc_RuntimeError;
    if ((t == &py_exc_Empty || t == &py_exc_Full || t == &py_exc_BrokenBarrierError) &&
        (!msg || !*msg)) {
        /* raised with no arguments, as queue.py and threading.py do */
        py_err_set_obj(py_exc_new(t, NULL));
        model_err_clear();
        return NULL;
    }
    py_err(t, "%s", msg ? msg : "");
    model_err_clear();
    return NULL;
}

/* ---- tracebacks --------------------------------------------------------- */

void py_tb_add(py_obj *exc, int line, const char *func)
{
    py_inst *e = PY_INST(exc);
    if (e->ntb == e->cap_tb) {
        uint32_t cap = e->cap_tb ? e->cap_tb * 2 : 8;
        e->tb = py_mem_realloc(e->tb, e->cap_tb * sizeof *e->tb, cap * sizeof *e->tb);
        e->cap_tb = cap;
    }
    e->tb[e->ntb].line = line;
    e->tb[e->ntb].func = func;
    e->ntb++;
}

void py_tb_here(py_frame *f)
{
    py_obj *exc = py_ts_get()->exc;
    if (!exc || PY_INST(exc)->tb_frame == f)
        return;
    py_tb_add(exc, f->line, f->code->name);
    PY_INST(exc)->tb_frame = f;
}

const char *py_exc_type_name(py_obj *exc)
{
    py_type *t = exc->type;
    if (!t->module || strcmp(t->module, "builtins") == 0 || strcmp(t->module, "__main__") == 0)
        return py_intern(t->name);
    if ((t == &py_exc_Empty || t == &py_exc_Full) && py_interp_get()->python == 2)
        return t == &py_exc_Empty ? "Queue.Empty" : "Queue.Full";
    char buf[256];
    snprintf(buf, sizeof buf, "%s.%s", t->module, t->name);
    return py_intern(buf);
}

static char *exc__message(py_obj *exc)
{
    /* str(exc): a user __str__ first, else from args (KeyError shows repr) */
    py_obj *m = py_special(exc, "__str__");
    sim_buf b = {0};
    if (m) {
        py_obj *r = py_call(m, NULL, 0, NULL);
        py_decref(m);
        if (!r || r->kind != PY_K_STR) {
            py_xdecref(r);
            return strdup("<exception str() failed>");
        }
        sim_buf_add(&b, PY_STR(r), PY_STRLEN(r));
        py_decref(r);
        return sim_buf_take(&b);
    }
    if (py_err_occurred())
        return strdup("<exception str() failed>");
    py_obj *args = PY_INST(exc)->exc_args;
    size_t n = args ? PY_TUPLE(args)->n : 0;
    int r = 0;
    if (n == 1 && py_isinstance(exc, &py_exc_KeyError))
        r = py_buf_repr(&b, PY_TUPLE(args)->items[0]);
    else if (n == 1)
        r = py_buf_str(&b, PY_TUPLE(args)->items[0]);
    else if (n > 1)
        r = py_buf_repr(&b, args);
    if (r < 0) {
        sim_buf_free(&b);
        return strdup("<exception str() failed>");
    }
    return sim_buf_take(&b);
}

char *py_exc_message(py_obj *exc)
{
    /* run str() with the pending exception (often `exc` itself) set aside */
    py_ts *ts = py_ts_get();
    py_obj *pending = ts->exc;
    ts->exc = NULL;
    py_incref(exc);
    char *msg = exc__message(exc);
    py_err_clear();
    py_decref(exc);
    ts->exc = pending;
    if (!msg)
        abort();
    return msg;
}

void py_exc_format_last(sim_buf *b, py_obj *exc)
{
    char *msg = py_exc_message(exc);
    if (*msg)
        sim_buf_printf(b, "%s: %s\n", py_exc_type_name(exc), msg);
    else
        sim_buf_printf(b, "%s\n", py_exc_type_name(exc));
    free(msg);
}

static void tb__line(sim_buf *b, const py_program *p, int line)
{
    if (line < 1 || (size_t)line > p->nlines)
        return;
    const char *s = p->lines[line];
    const char *e = strchr(s, '\n');
    if (!e)
        e = s + strlen(s);
    while (s < e && (*s == ' ' || *s == '\t' || *s == '\f'))
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        e--;
    if (e > s)
        sim_buf_printf(b, "    %.*s\n", (int)(e - s), s);
}

void py_tb_format(sim_buf *b, py_obj *exc)
{
    py_interp *in = py_interp_get();
    py_inst *e = PY_INST(exc);
    if (e->exc_context && !(exc->flags & PY_F_EXC_NOCTX)) {
        py_tb_format(b, e->exc_context);
        py_exc_format_last(b, e->exc_context);
        if (exc->flags & PY_F_EXC_CAUSE)
            sim_buf_adds(b, "\nThe above exception was the direct cause of the following "
                            "exception:\n\n");
        else
            sim_buf_adds(b, "\nDuring handling of the above exception, another exception "
                            "occurred:\n\n");
    }
    if (!e->ntb)
        return;
    sim_buf_adds(b, "Traceback (most recent call last):\n");
    int last_line = -1;
    const char *last_func = NULL;
    int repeat = 0;
    for (uint32_t k = e->ntb; k-- > 0;) {
        py_tb_entry *t = &e->tb[k];
        if (t->line == last_line && t->func == last_func) {
            repeat++;
            if (repeat >= 3)
                continue;
        } else {
            if (repeat >= 3)
                sim_buf_printf(b, "  [Previous line repeated %d more time%s]\n", repeat - 2,
                               repeat - 2 == 1 ? "" : "s");
            repeat = 0;
            last_line = t->line;
            last_func = t->func;
        }
        sim_buf_printf(b, "  File \"%s\", line %d, in %s\n", in->prog->filename, t->line, t->func);
        tb__line(b, in->prog, t->line);
    }
    if (repeat >= 3)
        sim_buf_printf(b, "  [Previous line repeated %d more time%s]\n", repeat - 2,
                       repeat - 2 == 1 ? "" : "s");
}
