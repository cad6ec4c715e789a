/*
 * model/py/mod_sys.c — the `sys` module: argv, exit, stdout/stderr (objects
 * with write() and flush() that write to the run's streams), version,
 * get/setrecursionlimit (the interpreter's call-depth limit).
 */
#include <stdint.h>
#include <string.h>

#include "../output.h"
#include "interp.h"

static py_obj *s_exit(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("exit", kw) < 0 || py_nargs("exit", n, 0, 1) < 0)
        return NULL;
    py_obj *args = n ? py_tuple_pack(1, a[0]) : py_tuple_new(0);
    py_err_set_obj(py_exc_new(&py_exc_SystemExit, args));
    py_decref(args);
    return NULL;
}

/* The deepest recursion the green-thread stacks allow (PY_STACK_SIZE). */
#define SYS_MAX_RECURSION 4000

static py_obj *s_getrecursionlimit(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    (void)a;
    if (py_no_kw("getrecursionlimit", kw) < 0 || py_nargs("getrecursionlimit", n, 0, 0) < 0)
        return NULL;
    return py_int_new(py_interp_get()->opts.max_depth);
}

static py_obj *s_setrecursionlimit(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    int64_t v;
    if (py_no_kw("setrecursionlimit", kw) < 0 || py_nargs("setrecursionlimit", n, 1, 1) < 0 ||
        py_as_int(a[0], &v) < 0)
        return NULL;
    if (v < 1)
        return py_err(&py_exc_ValueError, "recursion limit must be greater or equal than 1");
    if (v > SYS_MAX_RECURSION)
        v = SYS_MAX_RECURSION;
    py_interp_get()->opts.max_depth = (int)v;
    return py_incref(py_None);
}

/* ---- stdout / stderr ---------------------------------------------------- */

static py_obj *stream_write(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    if (py_no_kw("write", kw) < 0 || py_nargs("write", n, 1, 1) < 0)
        return NULL;
    if (a[0]->kind != PY_K_STR)
        return py_err(&py_exc_TypeError, "write() argument must be str, not %s",
                      py_type_name(a[0]));
    int stream = (int)(intptr_t)PY_INST(self)->native;
    py_write_text(stream, PY_STR(a[0]), PY_STRLEN(a[0]));
    py_interp_get()->softspace = false;
    return py_int_new(py_len(a[0]));
}

static py_obj *stream_flush(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    (void)a;
    (void)n;
    (void)kw;
    return py_incref(py_None);
}

static py_obj *stream_fd(py_obj *self) { return py_int_new((int64_t)(intptr_t)PY_INST(self)->native); }

static const py_method stream__methods[] = {{"write", stream_write}, {"flush", stream_flush},
                                            {NULL, NULL}};
static const py_getset stream__getset[] = {{"_threadsim_stream", stream_fd, NULL},
                                           {NULL, NULL, NULL}};

static py_type stream__type = {
    .hdr = {.type = &py_type_type, .rc = 1, .kind = PY_K_TYPE, .flags = PY_F_IMMORTAL},
    .name = (char *)"TextIOWrapper", .base = &py_type_object, .methods = stream__methods,
    .getset = stream__getset, .inst_kind = PY_K_INST, .module = "_io"};

static void sys__stream(py_obj *d, const char *name, int stream)
{
    py_inst *o = py_alloc(sizeof *o, &stream__type, PY_K_INST);
    o->dict = py_dict_new();
    o->native = (void *)(intptr_t)stream;
    py_dict_sets(d, name, &o->hdr);
    py_decref(&o->hdr);
}

py_obj *py_mod_sys(void)
{
    py_interp *in = py_interp_get();
    py_obj *m = py_module_new("sys");
    py_obj *d = ((py_module *)m)->dict;
    static const py_method fns[] = {
        {"exit", s_exit}, {"getrecursionlimit", s_getrecursionlimit},
        {"setrecursionlimit", s_setrecursionlimit}, {NULL, NULL},
    };
    for (const py_method *k = fns; k->name; k++) {
        py_obj *f = py_cfunc_new(k->name, k->fn, NULL);
        py_dict_sets(d, k->name, f);
        py_decref(f);
    }
    py_obj *argv = py_list_new(0);
    for (int i = 0; i < in->opts.argc; i++) {
        py_obj *s = py_str_from(in->opts.argv[i]);
        py_list_append(argv, s);
        py_decref(s);
    }
    if (!in->opts.argc) {
        py_obj *s = py_str_from(in->prog->filename);
        py_list_append(argv, s);
        py_decref(s);
    }
    py_dict_sets(d, "argv", argv);
    py_decref(argv);
    sys__stream(d, "stdout", MODEL_STDOUT);
    sys__stream(d, "stderr", MODEL_STDERR);
    py_obj *v = py_str_from(in->python == 2 ? "2.7.18 (threadsim)" : "3.11.7 (threadsim)");
    py_dict_sets(d, "version", v);
    py_decref(v);
    py_obj *maj = py_int_new(in->python == 2 ? 2 : 3), *min = py_int_new(in->python == 2 ? 7 : 11);
    py_obj *vi = py_tuple_pack(2, maj, min);
    py_dict_sets(d, "version_info", vi);
    py_decref(vi);
    py_decref(maj);
    py_decref(min);
    py_obj *mx = py_int_new(INT64_MAX);
    py_dict_sets(d, "maxsize", mx);
    py_decref(mx);
    py_obj *pl = py_str_from("threadsim");
    py_dict_sets(d, "platform", pl);
    py_decref(pl);
    return m;
}
