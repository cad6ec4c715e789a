/*
 * model/py/mod_random.c — the `random` module over model/random.h.
 *
 * The module functions draw from the run's generator (random._inst), which
 * model_run seeds from the run's seed, so a program that never seeds is
 * still deterministic. random.seed(n) seeds it as CPython does, and then
 * random, uniform, getrandbits and everything built on _randbelow
 * (randrange, randint, choice, shuffle, sample) give CPython 3.11's numbers,
 * bit for bit, with its messages for empty ranges and the like.
 *
 * Both dialects use 3.11's algorithms, so a Python 2 program draws the same
 * numbers as its Python 3 port and as the C scenarios of the same page.
 * (Python 2.7 seeded the same way and random() agrees, but its randrange,
 * randint, choice, shuffle and sample scaled random(): after seed(n) their
 * numbers differ from 2.7's.)
 *
 * Departures (threadsim ints are 64-bit): seeds are None, ints, bools and
 * floats with an integral value (CPython also hashes str, bytes and other
 * floats); getrandbits(k) takes k up to 63; integral float arguments to
 * randrange/randint are accepted without 3.11's DeprecationWarning.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../random.h"
#include "interp.h"

/* An integer argument of randrange: an int, or a float with an integral
 * value; `what` names it in CPython's message ("arg 1", "stop", "step"). */
static int rnd__int_arg(py_obj *v, const char *what, int64_t *out)
{
    if (py_is_int(v)) {
        *out = PY_INT(v);
        return 0;
    }
    if (v->kind == PY_K_FLOAT) {
        double d = PY_FLOAT(v);
        if (d == floor(d) && fabs(d) < 9.2e18) {
            *out = (int64_t)d;
            return 0;
        }
        py_err(&py_exc_ValueError, "non-integer %s for randrange()", what);
        return -1;
    }
    py_err(&py_exc_TypeError, "'%s' object cannot be interpreted as an integer",
           py_type_name(v));
    return -1;
}

static py_obj *r_seed(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    static const char *const names[] = {"a", "version"};
    py_obj *v[2];
    if (py_args("seed", a, n, kw, names, 2, 0, v) < 0)
        return NULL;
    py_obj *s = v[0];
    model_step();
    if (!s || s->kind == PY_K_NONE) {
        model_random_seed_default();
    } else if (py_is_int(s)) {
        model_random_seed(PY_INT(s));
    } else if (s->kind == PY_K_FLOAT && PY_FLOAT(s) == floor(PY_FLOAT(s)) &&
               fabs(PY_FLOAT(s)) < 9.2e18) {
        model_random_seed((int64_t)PY_FLOAT(s)); /* hash(2.0) == 2 */
    } else {
        return py_err(&py_exc_TypeError,
                      "threadsim: random.seed() takes None, an int or an integral float, not '%s'",
                      py_type_name(s));
    }
    return py_incref(py_None);
}

static py_obj *r_random(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    (void)a;
    if (py_no_kw("random", kw) < 0 || py_nargs("random", n, 0, 0) < 0)
        return NULL;
    return py_float_new(model_random());
}

static py_obj *r_uniform(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    static const char *const names[] = {"a", "b"};
    py_obj *v[2];
    double x, y;
    if (py_args("uniform", a, n, kw, names, 2, 2, v) < 0 || py_as_double(v[0], &x) < 0 ||
        py_as_double(v[1], &y) < 0)
        return NULL;
    return py_float_new(model_uniform(x, y));
}

static py_obj *r_getrandbits(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    int64_t k;
    if (py_no_kw("getrandbits", kw) < 0 || py_nargs("getrandbits", n, 1, 1) < 0 ||
        py_as_int(a[0], &k) < 0)
        return NULL;
    if (k > 63)
        return py_err(&py_exc_OverflowError, "integer overflow (threadsim ints are 64-bit)");
    uint64_t r;
    if (model_getrandbits((int)(k < 0 ? -1 : k), &r) < 0)
        return py_err_from_model();
    return py_int_new((int64_t)r);
}

static py_obj *r_randrange(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    static const char *const names[] = {"start", "stop", "step"};
    py_obj *v[3];
    int64_t start, stop = 0, step = 1, r;
    if (py_args("randrange", a, n, kw, names, 3, 1, v) < 0 ||
        rnd__int_arg(v[0], "arg 1", &start) < 0)
        return NULL;
    bool has_stop = v[1] && v[1]->kind != PY_K_NONE;
    if (has_stop && rnd__int_arg(v[1], "stop", &stop) < 0)
        return NULL;
    if (v[2] && rnd__int_arg(v[2], "step", &step) < 0)
        return NULL;
    if (!has_stop && v[2])
        return py_err(&py_exc_TypeError, "Missing a non-None stop argument");
    int rc = has_stop ? model_randrange(start, stop, step, &r) : model_randrange_stop(start, &r);
    return rc < 0 ? py_err_from_model() : py_int_new(r);
}

static py_obj *r_randint(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    static const char *const names[] = {"a", "b"};
    py_obj *v[2];
    int64_t lo, hi, r;
    if (py_args("randint", a, n, kw, names, 2, 2, v) < 0 || rnd__int_arg(v[0], "arg 1", &lo) < 0 ||
        rnd__int_arg(v[1], "stop", &hi) < 0)
        return NULL;
    if (model_randint(lo, hi, &r) < 0)
        return py_err_from_model();
    return py_int_new(r);
}

static py_obj *r_choice(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("choice", kw) < 0 || py_nargs("choice", n, 1, 1) < 0)
        return NULL;
    int64_t len = py_len(a[0]);
    if (len < 0)
        return NULL;
    size_t idx;
    if (model_choice_index((size_t)len, &idx) < 0)
        return py_err_from_model();
    py_obj *k = py_int_new((int64_t)idx);
    py_obj *r = py_getitem(a[0], k);
    py_decref(k);
    return r;
}

static py_obj *r_shuffle(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("shuffle", kw) < 0 || py_nargs("shuffle", n, 1, 1) < 0)
        return NULL;
    if (a[0]->kind != PY_K_LIST)
        return py_err(&py_exc_TypeError,
                      "threadsim: random.shuffle() takes a list, not '%s'", py_type_name(a[0]));
    py_list *l = PY_LIST(a[0]);
    model_shuffle(l->items, l->n, sizeof *l->items);
    return py_incref(py_None);
}

static py_obj *r_sample(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    static const char *const names[] = {"population", "k"};
    py_obj *v[2];
    int64_t k;
    if (py_args("sample", a, n, kw, names, 2, 2, v) < 0 || py_as_int(v[1], &k) < 0)
        return NULL;
    py_obj *pop = v[0];
    if (pop->kind == PY_K_SET || pop->kind == PY_K_DICT || pop->kind == PY_K_ITER)
        return py_err(&py_exc_TypeError,
                      "Population must be a sequence.  For dicts or sets, use sorted(d).");
    int64_t len = py_len(pop);
    if (len < 0)
        return NULL;
    if (k < 0 || k > len)
        return py_err(&py_exc_ValueError, "Sample larger than population or is negative");
    py_obj *pool = py_list_from_iter(pop);
    if (!pool)
        return NULL;
    py_obj *result = py_list_new((size_t)k);
    int64_t setsize = 21;
    if (k > 5)
        setsize += (int64_t)pow(4.0, ceil(log((double)(k * 3)) / log(4.0)));
    if (len <= setsize) {
        py_obj **p = PY_LIST(pool)->items;
        for (int64_t i = 0; i < k; i++) {
            size_t j = (size_t)model_randbelow((uint64_t)(len - i));
            PY_LIST(result)->items[i] = py_incref(p[j]);
            py_setref(&p[j], py_incref(p[len - i - 1]));
        }
    } else {
        uint8_t *selected = calloc((size_t)len, 1);
        if (!selected)
            abort();
        for (int64_t i = 0; i < k; i++) {
            size_t j = (size_t)model_randbelow((uint64_t)len);
            while (selected[j])
                j = (size_t)model_randbelow((uint64_t)len);
            selected[j] = 1;
            PY_LIST(result)->items[i] = py_incref(PY_LIST(pool)->items[j]);
        }
        free(selected);
    }
    py_decref(pool);
    return result;
}

py_obj *py_mod_random(void)
{
    py_obj *m = py_module_new("random");
    py_obj *d = ((py_module *)m)->dict;
    static const py_method fns[] = {
        {"seed", r_seed}, {"random", r_random}, {"uniform", r_uniform},
        {"getrandbits", r_getrandbits}, {"randrange", r_randrange}, {"randint", r_randint},
        {"choice", r_choice}, {"shuffle", r_shuffle}, {"sample", r_sample}, {NULL, NULL},
    };
    for (const py_method *k = fns; k->name; k++) {
        py_obj *f = py_cfunc_new(k->name, k->fn, NULL);
        py_dict_sets(d, k->name, f);
        py_decref(f);
    }
    return m;
}
