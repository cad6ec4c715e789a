/*
 * model/py/mod_time.c — the `time` module on the virtual clock.
 *
 * time() is MODEL_EPOCH_UNIX (2024-01-01 00:00:00 UTC) plus the virtual time
 * of the run; monotonic() and perf_counter() are the virtual seconds since
 * the run began. sleep() blocks on the model (a scheduling point even for
 * sleep(0)).
 */
#include <math.h>

#include "../thread.h"
#include "interp.h"

static py_obj *t_sleep(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    double secs;
    if (py_no_kw("sleep", kw) < 0 || py_nargs("sleep", n, 1, 1) < 0)
        return NULL;
    if (!py_is_num(a[0]))
        return py_err(&py_exc_TypeError, "'%s' object cannot be interpreted as an integer",
                      py_type_name(a[0]));
    secs = py_num_as_double(a[0]);
    if (isnan(secs))
        return py_err(&py_exc_ValueError, "Invalid value NaN (not a number)");
    if (secs < 0)
        return py_err(&py_exc_ValueError, "sleep length must be non-negative");
    py_note_line();
    model_sleep(secs);
    return py_incref(py_None);
}

static py_obj *t_time(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    (void)a;
    if (py_no_kw("time", kw) < 0 || py_nargs("time", n, 0, 0) < 0)
        return NULL;
    return py_float_new((double)MODEL_EPOCH_UNIX + model_time_monotonic());
}

static py_obj *t_monotonic(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    (void)a;
    if (py_no_kw("monotonic", kw) < 0 || py_nargs("monotonic", n, 0, 0) < 0)
        return NULL;
    return py_float_new(model_time_monotonic());
}

static py_obj *t_time_ns(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    (void)a;
    if (py_no_kw("time_ns", kw) < 0 || py_nargs("time_ns", n, 0, 0) < 0)
        return NULL;
    return py_int_new(MODEL_EPOCH_UNIX * INT64_C(1000000000) + model_now_ns());
}

static py_obj *t_monotonic_ns(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    (void)a;
    if (py_no_kw("monotonic_ns", kw) < 0 || py_nargs("monotonic_ns", n, 0, 0) < 0)
        return NULL;
    return py_int_new(model_now_ns());
}

py_obj *py_mod_time(void)
{
    py_obj *m = py_module_new("time");
    py_obj *d = ((py_module *)m)->dict;
    static const py_method fns[] = {
        {"sleep", t_sleep}, {"time", t_time}, {"monotonic", t_monotonic},
        {"perf_counter", t_monotonic}, {"time_ns", t_time_ns},
        {"monotonic_ns", t_monotonic_ns}, {"perf_counter_ns", t_monotonic_ns}, {NULL, NULL},
    };
    for (const py_method *k = fns; k->name; k++) {
        py_obj *f = py_cfunc_new(k->name, k->fn, NULL);
        py_dict_sets(d, k->name, f);
        py_decref(f);
    }
    return m;
}
