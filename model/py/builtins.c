/*
 * model/py/builtins.c — the builtins module: functions (print, len, range,
 * sorted, min, max...) and what calling a builtin type does (int(x),
 * str(x), list(it)...).
 *
 * Absent on purpose (the sandbox): open, eval, exec, compile, __import__,
 * input, globals/locals/vars (no introspection of frames), hash (CPython's
 * string hashes are randomized per process: nothing deterministic to give).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../output.h"
#include "interp.h"

py_obj *py_make_object(py_obj *self, py_obj **a, size_t n, py_obj *kw);

/* ---- print -------------------------------------------------------------- */

int py_write_text(int stream, const char *s, size_t n)
{
    py_note_line();
    model_write(stream, s, n);
    return 0;
}

static py_obj *b_print(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    static const char *const names[] = {"sep", "end", "file", "flush"};
    py_obj *v[4] = {NULL, NULL, NULL, NULL};
    if (kw && py_args("print", NULL, 0, kw, names, 4, 0, v) < 0)
        return NULL;
    for (int k = 0; k < 2; k++)
        if (v[k] && v[k]->kind != PY_K_NONE && v[k]->kind != PY_K_STR)
            return py_err(&py_exc_TypeError, "%s must be None or a string, not %s", names[k],
                          py_type_name(v[k]));
    sim_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        if (i) {
            if (v[0] && v[0]->kind == PY_K_STR)
                sim_buf_add(&b, PY_STR(v[0]), PY_STRLEN(v[0]));
            else
                sim_buf_addc(&b, ' ');
        }
        if (py_buf_str(&b, a[i]) < 0) {
            sim_buf_free(&b);
            return NULL;
        }
    }
    if (v[1] && v[1]->kind == PY_K_STR)
        sim_buf_add(&b, PY_STR(v[1]), PY_STRLEN(v[1]));
    else
        sim_buf_addc(&b, '\n');
    int stream = MODEL_STDOUT;
    if (v[2] && v[2]->kind != PY_K_NONE) {
        py_obj *fd = py_getattr_opt(v[2], "_threadsim_stream");
        if (!fd) {
            /* any object with write() */
            py_obj *text = py_str_take(&b);
            py_obj *r = py_err_occurred() ? NULL : py_call_method(v[2], "write", &text, 1, NULL);
            py_decref(text);
            if (!r)
                return NULL;
            py_decref(r);
            return py_incref(py_None);
        }
        stream = (int)PY_INT(fd);
        py_decref(fd);
    }
    py_write_text(stream, sim_buf_str(&b), b.len);
    sim_buf_free(&b);
    return py_incref(py_None);
}

/* ---- simple functions --------------------------------------------------- */

static py_obj *b_len(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("len", kw) < 0 || py_nargs("len", n, 1, 1) < 0)
        return NULL;
    int64_t r = py_len(a[0]);
    return r < 0 ? NULL : py_int_new(r);
}

static py_obj *b_repr(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("repr", kw) < 0 || py_nargs("repr", n, 1, 1) < 0)
        return NULL;
    return py_repr_of(a[0]);
}

static py_obj *b_abs(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("abs", kw) < 0 || py_nargs("abs", n, 1, 1) < 0)
        return NULL;
    if (py_is_int(a[0])) {
        if (PY_INT(a[0]) == INT64_MIN)
            return py_err(&py_exc_OverflowError, "integer overflow (threadsim ints are 64-bit)");
        return py_int_new(PY_INT(a[0]) < 0 ? -PY_INT(a[0]) : PY_INT(a[0]));
    }
    if (a[0]->kind == PY_K_FLOAT)
        return py_float_new(fabs(PY_FLOAT(a[0])));
    py_obj *m = a[0]->kind == PY_K_INST ? py_special(a[0], "__abs__") : NULL;
    if (m) {
        py_obj *r = py_call(m, NULL, 0, NULL);
        py_decref(m);
        return r;
    }
    return py_err(&py_exc_TypeError, "bad operand type for abs(): '%s'", py_type_name(a[0]));
}

static int isinstance__check(py_obj *o, py_obj *cls)
{
    if (cls->kind == PY_K_TYPE)
        return py_isinstance(o, (py_type *)cls);
    if (cls->kind == PY_K_TUPLE) {
        for (size_t i = 0; i < PY_TUPLE(cls)->n; i++) {
            int r = isinstance__check(o, PY_TUPLE(cls)->items[i]);
            if (r)
                return r;
        }
        return 0;
    }
    py_err(&py_exc_TypeError, "isinstance() arg 2 must be a type, a tuple of types, or a union");
    return -1;
}

static py_obj *b_isinstance(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("isinstance", kw) < 0 || py_nargs("isinstance", n, 2, 2) < 0)
        return NULL;
    int r = isinstance__check(a[0], a[1]);
    return r < 0 ? NULL : py_bool(r);
}

static py_obj *b_issubclass(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("issubclass", kw) < 0 || py_nargs("issubclass", n, 2, 2) < 0)
        return NULL;
    if (a[0]->kind != PY_K_TYPE)
        return py_err(&py_exc_TypeError, "issubclass() arg 1 must be a class");
    if (a[1]->kind == PY_K_TUPLE) {
        for (size_t i = 0; i < PY_TUPLE(a[1])->n; i++) {
            py_obj *c = PY_TUPLE(a[1])->items[i];
            if (c->kind == PY_K_TYPE && py_type_is_sub((py_type *)a[0], (py_type *)c))
                return py_True;
        }
        return py_False;
    }
    if (a[1]->kind != PY_K_TYPE)
        return py_err(&py_exc_TypeError, "issubclass() arg 2 must be a class, a tuple of classes, or a union");
    return py_bool(py_type_is_sub((py_type *)a[0], (py_type *)a[1]));
}

static py_obj *b_getattr(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("getattr", kw) < 0 || py_nargs("getattr", n, 2, 3) < 0)
        return NULL;
    if (a[1]->kind != PY_K_STR)
        return py_err(&py_exc_TypeError, "attribute name must be string, not '%s'",
                      py_type_name(a[1]));
    if (n == 2)
        return py_getattr(a[0], PY_STR(a[1]));
    py_obj *v = py_getattr(a[0], PY_STR(a[1]));
    if (!v && py_err_matches(&py_exc_AttributeError)) {
        py_err_clear();
        return py_incref(a[2]);
    }
    return v;
}

static py_obj *b_setattr(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("setattr", kw) < 0 || py_nargs("setattr", n, 3, 3) < 0)
        return NULL;
    if (a[1]->kind != PY_K_STR)
        return py_err(&py_exc_TypeError, "attribute name must be string, not '%s'",
                      py_type_name(a[1]));
    return py_setattr(a[0], PY_STR(a[1]), a[2]) < 0 ? NULL : py_incref(py_None);
}

static py_obj *b_delattr(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("delattr", kw) < 0 || py_nargs("delattr", n, 2, 2) < 0)
        return NULL;
    if (a[1]->kind != PY_K_STR)
        return py_err(&py_exc_TypeError, "attribute name must be string");
    return py_delattr(a[0], PY_STR(a[1])) < 0 ? NULL : py_incref(py_None);
}

static py_obj *b_hasattr(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("hasattr", kw) < 0 || py_nargs("hasattr", n, 2, 2) < 0)
        return NULL;
    if (a[1]->kind != PY_K_STR)
        return py_err(&py_exc_TypeError, "attribute name must be string");
    py_obj *v = py_getattr(a[0], PY_STR(a[1]));
    if (v) {
        py_decref(v);
        return py_True;
    }
    if (py_err_matches(&py_exc_AttributeError)) {
        py_err_clear();
        return py_False;
    }
    return NULL;
}

static py_obj *b_callable(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("callable", kw) < 0 || py_nargs("callable", n, 1, 1) < 0)
        return NULL;
    py_obj *o = a[0];
    bool c = o->kind == PY_K_FUNC || o->kind == PY_K_CFUNC || o->kind == PY_K_METHOD ||
             o->kind == PY_K_TYPE ||
             (o->kind == PY_K_INST && py_type_lookup(o->type, "__call__", NULL, NULL));
    return py_bool(c);
}

static py_obj *b_id(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("id", kw) < 0 || py_nargs("id", n, 1, 1) < 0)
        return NULL;
    return py_int_new((int64_t)py_fake_addr(a[0]));
}

static py_obj *b_iter(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("iter", kw) < 0 || py_nargs("iter", n, 1, 1) < 0)
        return NULL;
    return py_iter(a[0]);
}

static py_obj *b_next(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("next", kw) < 0 || py_nargs("next", n, 1, 2) < 0)
        return NULL;
    if (a[0]->kind != PY_K_ITER && !(a[0]->kind == PY_K_INST))
        return py_err(&py_exc_TypeError, "'%s' object is not an iterator", py_type_name(a[0]));
    py_obj *v = py_next(a[0]);
    if (v || py_err_occurred())
        return v;
    if (n == 2)
        return py_incref(a[1]);
    py_err_set_obj(py_exc_new(&py_exc_StopIteration, NULL));
    return NULL;
}

static py_obj *b_any_all(py_obj **a, size_t n, py_obj *kw, bool all)
{
    if (py_no_kw(all ? "all" : "any", kw) < 0 || py_nargs(all ? "all" : "any", n, 1, 1) < 0)
        return NULL;
    py_obj *it = py_iter(a[0]);
    if (!it)
        return NULL;
    for (;;) {
        py_obj *v = py_next(it);
        if (!v) {
            py_decref(it);
            return py_err_occurred() ? NULL : py_bool(all);
        }
        int t = py_truth(v);
        py_decref(v);
        if (t < 0) {
            py_decref(it);
            return NULL;
        }
        if (t != all) {
            py_decref(it);
            return py_bool(!all);
        }
    }
}

static py_obj *b_any(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)self; return b_any_all(a, n, kw, false); }
static py_obj *b_all(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)self; return b_any_all(a, n, kw, true); }

static py_obj *b_sum(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    static const char *const names[] = {"iterable", "start"};
    py_obj *v[2];
    if (py_args("sum", a, n, kw, names, 2, 1, v) < 0)
        return NULL;
    if (v[1] && v[1]->kind == PY_K_STR)
        return py_err(&py_exc_TypeError, "sum() can't sum strings [use ''.join(seq) instead]");
    py_obj *acc = v[1] ? py_incref(v[1]) : py_int_new(0);
    py_obj *it = py_iter(v[0]);
    if (!it) {
        py_decref(acc);
        return NULL;
    }
    for (;;) {
        py_obj *x = py_next(it);
        if (!x)
            break;
        py_obj *r = py_binop(PY_OP_ADD, acc, x);
        py_decref(x);
        py_decref(acc);
        acc = r;
        if (!acc)
            break;
    }
    py_decref(it);
    if (acc && py_err_occurred()) {
        py_decref(acc);
        return NULL;
    }
    return acc;
}

static py_obj *b_minmax(py_obj **a, size_t n, py_obj *kw, bool max)
{
    const char *fname = max ? "max" : "min";
    py_obj *key = kw ? py_dict_gets(kw, "key") : NULL;
    py_obj *dflt = kw ? py_dict_gets(kw, "default") : NULL;
    if (n == 0)
        return py_err(&py_exc_TypeError, "%s expected at least 1 argument, got 0", fname);
    py_obj *src;
    if (n == 1) {
        src = py_list_from_iter(a[0]);
        if (!src)
            return NULL;
    } else {
        src = py_list_new(n);
        for (size_t i = 0; i < n; i++)
            PY_LIST(src)->items[i] = py_incref(a[i]);
    }
    py_list *l = PY_LIST(src);
    if (!l->n) {
        py_decref(src);
        if (dflt)
            return py_incref(dflt);
        return py_err(&py_exc_ValueError, "%s() arg is an empty sequence", fname);
    }
    py_obj *best = NULL, *bestk = NULL;
    for (size_t i = 0; i < l->n; i++) {
        py_obj *k = key && key->kind != PY_K_NONE ? py_call(key, &l->items[i], 1, NULL)
                                                  : py_incref(l->items[i]);
        if (!k) {
            py_xdecref(bestk);
            py_decref(src);
            return NULL;
        }
        if (!best) {
            best = l->items[i];
            bestk = k;
            continue;
        }
        int c = py_compare(k, bestk, max ? PY_CMP_GT : PY_CMP_LT);
        if (c < 0) {
            py_decref(k);
            py_decref(bestk);
            py_decref(src);
            return NULL;
        }
        if (c) {
            best = l->items[i];
            py_decref(bestk);
            bestk = k;
        } else {
            py_decref(k);
        }
    }
    py_incref(best);
    py_decref(bestk);
    py_decref(src);
    return best;
}

static py_obj *b_min(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)self; return b_minmax(a, n, kw, false); }
static py_obj *b_max(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)self; return b_minmax(a, n, kw, true); }

static py_obj *b_sorted(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    static const char *const names[] = {"iterable", "key", "reverse"};
    py_obj *v[3];
    if (n != 1)
        return py_err(&py_exc_TypeError, "sorted expected 1 argument, got %zu", n);
    if (py_args("sorted", a, n, kw, names, 3, 1, v) < 0)
        return NULL;
    py_obj *l = py_list_from_iter(v[0]);
    if (!l)
        return NULL;
    int rev = v[2] ? py_truth(v[2]) : 0;
    if (rev < 0 || py_list_sort(l, v[1], rev) < 0) {
        py_decref(l);
        return NULL;
    }
    return l;
}

/* round() of Python 3: half to even, exact for ndigits (via correctly
 * rounded decimal printing); Python 2: half away from zero, a float. */
static py_obj *b_round(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    static const char *const names[] = {"number", "ndigits"};
    py_obj *v[2];
    if (py_args("round", a, n, kw, names, 2, 1, v) < 0)
        return NULL;
    bool py2 = py_interp_get()->python == 2;
    py_obj *x = v[0];
    bool has_nd = v[1] && v[1]->kind != PY_K_NONE;
    int64_t nd = 0;
    if (has_nd && py_as_int(v[1], &nd) < 0)
        return NULL;
    if (py_is_int(x)) {
        if (!has_nd || nd >= 0)
            return py2 ? py_float_new((double)PY_INT(x)) : py_int_new(PY_INT(x));
        int64_t p = 1;
        for (int64_t i = 0; i < -nd && p < INT64_MAX / 10; i++)
            p *= 10;
        int64_t q = PY_INT(x) / p, r = PY_INT(x) % p;
        if (r < 0) { q--; r += p; }
        if (2 * r > p || (2 * r == p && (q & 1)))
            q++;
        return py_int_new(q * p);
    }
    if (x->kind != PY_K_FLOAT)
        return py_err(&py_exc_TypeError, "type %s doesn't define __round__ method", py_type_name(x));
    double d = PY_FLOAT(x);
    if (!has_nd) {
        if (!isfinite(d))
            return py_err(isnan(d) ? &py_exc_ValueError : &py_exc_OverflowError,
                          isnan(d) ? "cannot convert float NaN to integer"
                                   : "cannot convert float infinity to integer");
        double r = py2 ? round(d) : nearbyint(d);
        if (py2)
            return py_float_new(r);
        if (r >= 9.2e18 || r <= -9.2e18)
            return py_err(&py_exc_OverflowError, "integer overflow (threadsim ints are 64-bit)");
        return py_int_new((int64_t)r);
    }
    if (!isfinite(d))
        return py_float_new(d);
    if (nd > 300)
        return py_float_new(d);
    if (nd < -300)
        return py_float_new(0.0 * d);
    if (py2) {
        double p = pow(10.0, (double)nd);
        return py_float_new(round(d * p) / p);
    }
    char buf[512];
    if (nd >= 0) {
        snprintf(buf, sizeof buf, "%.*f", (int)nd, d);
        return py_float_new(strtod(buf, NULL));
    }
    double p = pow(10.0, (double)-nd);
    return py_float_new(nearbyint(d / p) * p);
}

static py_obj *b_divmod(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("divmod", kw) < 0 || py_nargs("divmod", n, 2, 2) < 0)
        return NULL;
    py_obj *q = py_binop(PY_OP_FLOORDIV, a[0], a[1]);
    if (!q)
        return NULL;
    py_obj *r = py_binop(PY_OP_MOD, a[0], a[1]);
    if (!r) {
        py_decref(q);
        return NULL;
    }
    py_obj *t = py_tuple_pack(2, q, r);
    py_decref(q);
    py_decref(r);
    return t;
}

static py_obj *b_pow(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("pow", kw) < 0 || py_nargs("pow", n, 2, 3) < 0)
        return NULL;
    if (n == 3) {
        int64_t b, e, m;
        if (py_as_int(a[0], &b) < 0 || py_as_int(a[1], &e) < 0 || py_as_int(a[2], &m) < 0)
            return NULL;
        if (m == 0)
            return py_err(&py_exc_ValueError, "pow() 3rd argument cannot be 0");
        if (e < 0)
            return py_err(&py_exc_ValueError, "base is not invertible for the given modulus");
        __int128 r = 1, x = ((b % m) + m) % m;
        while (e) {
            if (e & 1)
                r = r * x % m;
            x = x * x % m;
            e >>= 1;
        }
        int64_t res = (int64_t)r;
        if (res && m < 0)
            res += m;
        return py_int_new(res);
    }
    return py_binop(PY_OP_POW, a[0], a[1]);
}

static py_obj *b_numfmt(py_obj **a, size_t n, py_obj *kw, const char *fname, const char *prefix)
{
    int64_t v;
    if (py_no_kw(fname, kw) < 0 || py_nargs(fname, n, 1, 1) < 0 || py_as_int(a[0], &v) < 0)
        return NULL;
    sim_buf b = {0};
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    if (v < 0)
        sim_buf_addc(&b, '-');
    sim_buf_adds(&b, prefix);
    if (prefix[1] == 'x') {
        sim_buf_printf(&b, "%llx", (unsigned long long)u);
    } else if (prefix[1] == 'o') {
        sim_buf_printf(&b, "%llo", (unsigned long long)u);
    } else {
        char tmp[70];
        int k = 0;
        do {
            tmp[k++] = (char)('0' + (u & 1));
            u >>= 1;
        } while (u);
        while (k)
            sim_buf_addc(&b, tmp[--k]);
    }
    return py_str_take(&b);
}

static py_obj *b_hex(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)self; return b_numfmt(a, n, kw, "hex", "0x"); }
static py_obj *b_oct(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)self; return b_numfmt(a, n, kw, "oct", "0o"); }
static py_obj *b_bin(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)self; return b_numfmt(a, n, kw, "bin", "0b"); }

static py_obj *b_chr(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    int64_t cp;
    if (py_no_kw("chr", kw) < 0 || py_nargs("chr", n, 1, 1) < 0 || py_as_int(a[0], &cp) < 0)
        return NULL;
    if (cp < 0 || cp > 0x10FFFF)
        return py_err(&py_exc_ValueError, "chr() arg not in range(0x110000)");
    char buf[4];
    size_t k;
    if (cp < 0x80) { buf[0] = (char)cp; k = 1; }
    else if (cp < 0x800) { buf[0] = (char)(0xC0 | (cp >> 6)); buf[1] = (char)(0x80 | (cp & 0x3F)); k = 2; }
    else if (cp < 0x10000) { buf[0] = (char)(0xE0 | (cp >> 12)); buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F)); buf[2] = (char)(0x80 | (cp & 0x3F)); k = 3; }
    else { buf[0] = (char)(0xF0 | (cp >> 18)); buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F)); buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); buf[3] = (char)(0x80 | (cp & 0x3F)); k = 4; }
    return py_str_new(buf, k);
}

static py_obj *b_ord(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("ord", kw) < 0 || py_nargs("ord", n, 1, 1) < 0)
        return NULL;
    if (a[0]->kind != PY_K_STR)
        return py_err(&py_exc_TypeError, "ord() expected string of length 1, but %s found",
                      py_type_name(a[0]));
    int64_t len = py_len(a[0]);
    if (len != 1)
        return py_err(&py_exc_TypeError, "ord() expected a character, but string of length %lld found",
                      (long long)len);
    const unsigned char *s = (const unsigned char *)PY_STR(a[0]);
    int64_t cp = s[0];
    if (cp >= 0xF0) cp = ((cp & 7) << 18) | ((s[1] & 0x3F) << 12) | ((s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    else if (cp >= 0xE0) cp = ((cp & 15) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    else if (cp >= 0xC0) cp = ((cp & 31) << 6) | (s[1] & 0x3F);
    return py_int_new(cp);
}

static py_obj *b_format(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)self;
    if (py_no_kw("format", kw) < 0 || py_nargs("format", n, 1, 2) < 0)
        return NULL;
    sim_buf b = {0};
    const char *spec = n == 2 && a[1]->kind == PY_K_STR ? PY_STR(a[1]) : "";
    size_t sl = n == 2 && a[1]->kind == PY_K_STR ? PY_STRLEN(a[1]) : 0;
    if (py_format_spec(&b, a[0], spec, sl) < 0) {
        sim_buf_free(&b);
        return NULL;
    }
    return py_str_take(&b);
}

py_obj *py_make_range(py_obj *self, py_obj **args, size_t n, py_obj *kw);

/* Python 2's range() returns a list. */
static py_obj *b_range2(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    py_obj *r = py_make_range(self, a, n, kw);
    if (!r)
        return NULL;
    if (py_len(r) > 100000000) {
        py_decref(r);
        return py_err(&py_exc_MemoryError, "threadsim memory limit exceeded");
    }
    py_obj *l = py_list_from_iter(r);
    py_decref(r);
    return l;
}

/* ---- the table ---------------------------------------------------------- */

typedef struct builtin_fn {
    const char *name;
    py_cfunc fn;
} builtin_fn;

static const builtin_fn builtins__fns[] = {
    {"print", b_print}, {"len", b_len}, {"repr", b_repr}, {"abs", b_abs},
    {"isinstance", b_isinstance}, {"issubclass", b_issubclass}, {"getattr", b_getattr},
    {"setattr", b_setattr}, {"delattr", b_delattr}, {"hasattr", b_hasattr},
    {"callable", b_callable}, {"id", b_id}, {"iter", b_iter}, {"next", b_next},
    {"any", b_any}, {"all", b_all}, {"sum", b_sum}, {"min", b_min}, {"max", b_max},
    {"sorted", b_sorted}, {"round", b_round}, {"divmod", b_divmod}, {"pow", b_pow},
    {"hex", b_hex}, {"oct", b_oct}, {"bin", b_bin}, {"chr", b_chr}, {"ord", b_ord},
    {"format", b_format},
};

void py_builtins_init(py_obj *d)
{
    py_interp *in = py_interp_get();
    for (size_t i = 0; i < sizeof builtins__fns / sizeof builtins__fns[0]; i++) {
        py_obj *f = py_cfunc_new(builtins__fns[i].name, builtins__fns[i].fn, NULL);
        py_dict_sets(d, builtins__fns[i].name, f);
        py_decref(f);
    }
    py_type *types[] = {
        &py_type_object, &py_type_type, &py_type_bool, &py_type_int, &py_type_float,
        &py_type_str, &py_type_tuple, &py_type_list, &py_type_dict, &py_type_set,
        &py_type_range, &py_type_property, &py_type_staticmethod, &py_type_classmethod,
        &py_type_super, &py_type_enumerate, &py_type_zip, &py_type_map, &py_type_filter,
        &py_type_reversed,
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        py_dict_sets(d, types[i]->name, &types[i]->hdr);
    size_t ne;
    py_type *const *excs = py_exc_all(&ne);
    for (size_t i = 0; i < ne; i++)
        py_dict_sets(d, excs[i]->name, &excs[i]->hdr);
    py_dict_sets(d, "None", py_None);
    py_dict_sets(d, "True", py_True);
    py_dict_sets(d, "False", py_False);
    py_dict_sets(d, "NotImplemented", &py_NotImplemented_obj);
    if (in->python == 2) {
        py_dict_sets(d, "xrange", &py_type_range.hdr);
        py_dict_sets(d, "unicode", &py_type_str.hdr);
        py_dict_sets(d, "basestring", &py_type_str.hdr);
        py_dict_sets(d, "long", &py_type_int.hdr);
        py_dict_sets(d, "StandardError", &py_exc_Exception.hdr);
        py_obj *r = py_cfunc_new("range", b_range2, NULL);
        py_dict_sets(d, "range", r);
        py_decref(r);
    }
}
