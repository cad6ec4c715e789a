/*
 * model/py/ops.c — arithmetic and the other binary and unary operators.
 *
 * ints are 64-bit with overflow checks (OverflowError, never wrapping);
 * floats are C doubles with Python's floor division and modulo signs. Under
 * Python 2, int / int is floor division, as Python 2 has it. Instances take
 * part through __add__/__radd__ and friends.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"

static const char *const ops__dunder[][2] = {
    [PY_OP_ADD] = {"__add__", "__radd__"},        [PY_OP_SUB] = {"__sub__", "__rsub__"},
    [PY_OP_MUL] = {"__mul__", "__rmul__"},        [PY_OP_DIV] = {"__truediv__", "__rtruediv__"},
    [PY_OP_FLOORDIV] = {"__floordiv__", "__rfloordiv__"},
    [PY_OP_MOD] = {"__mod__", "__rmod__"},        [PY_OP_POW] = {"__pow__", "__rpow__"},
    [PY_OP_LSHIFT] = {"__lshift__", "__rlshift__"}, [PY_OP_RSHIFT] = {"__rshift__", "__rrshift__"},
    [PY_OP_BITAND] = {"__and__", "__rand__"},     [PY_OP_BITOR] = {"__or__", "__ror__"},
    [PY_OP_BITXOR] = {"__xor__", "__rxor__"},     [PY_OP_MATMUL] = {"__matmul__", "__rmatmul__"},
};

static py_obj *ops__unsupported(int op, py_obj *a, py_obj *b)
{
    return py_err(&py_exc_TypeError, "unsupported operand type(s) for %s: '%s' and '%s'",
                  py_op_symbol(op), py_type_name(a), py_type_name(b));
}

static py_obj *ops__int(int op, int64_t x, int64_t y)
{
    int64_t r;
    switch (op) {
    case PY_OP_ADD: return py_add_i64(x, y, &r) < 0 ? NULL : py_int_new(r);
    case PY_OP_SUB: return py_sub_i64(x, y, &r) < 0 ? NULL : py_int_new(r);
    case PY_OP_MUL: return py_mul_i64(x, y, &r) < 0 ? NULL : py_int_new(r);
    case PY_OP_DIV:
        if (py_interp_get()->python == 2)
            goto floordiv;
        if (y == 0)
            return py_err(&py_exc_ZeroDivisionError, "division by zero");
        return py_float_new((double)x / (double)y);
    case PY_OP_FLOORDIV:
    floordiv:
        if (y == 0)
            return py_err(&py_exc_ZeroDivisionError, "integer division or modulo by zero");
        if (x == INT64_MIN && y == -1)
            return py_err(&py_exc_OverflowError, "integer overflow (threadsim ints are 64-bit)");
        r = x / y;
        if ((x % y != 0) && ((x < 0) != (y < 0)))
            r--;
        return py_int_new(r);
    case PY_OP_MOD:
        if (y == 0)
            return py_err(&py_exc_ZeroDivisionError, "integer modulo by zero");
        if (y == -1)
            return py_int_new(0);
        r = x % y;
        if (r != 0 && ((r < 0) != (y < 0)))
            r += y;
        return py_int_new(r);
    case PY_OP_POW: {
        if (y < 0) {
            if (x == 0)
                return py_err(&py_exc_ZeroDivisionError,
                              "0.0 cannot be raised to a negative power");
            return py_float_new(pow((double)x, (double)y));
        }
        int64_t acc = 1, base = x;
        while (y > 0) {
            if (y & 1) {
                if (py_mul_i64(acc, base, &acc) < 0)
                    return NULL;
            }
            y >>= 1;
            if (y && py_mul_i64(base, base, &base) < 0)
                return NULL;
        }
        return py_int_new(acc);
    }
    case PY_OP_LSHIFT:
        if (y < 0)
            return py_err(&py_exc_ValueError, "negative shift count");
        if (y >= 63 || (x != 0 && (x > (INT64_MAX >> y) || x < (INT64_MIN >> y))))
            return x == 0 ? py_int_new(0)
                          : py_err(&py_exc_OverflowError,
                                   "integer overflow (threadsim ints are 64-bit)");
        return py_int_new((int64_t)((uint64_t)x << y));
    case PY_OP_RSHIFT:
        if (y < 0)
            return py_err(&py_exc_ValueError, "negative shift count");
        return py_int_new(y >= 63 ? (x < 0 ? -1 : 0) : x >> y);
    case PY_OP_BITAND: return py_int_new(x & y);
    case PY_OP_BITOR: return py_int_new(x | y);
    case PY_OP_BITXOR: return py_int_new(x ^ y);
    default: return NULL;
    }
}

static py_obj *ops__float(int op, double x, double y)
{
    switch (op) {
    case PY_OP_ADD: return py_float_new(x + y);
    case PY_OP_SUB: return py_float_new(x - y);
    case PY_OP_MUL: return py_float_new(x * y);
    case PY_OP_DIV:
        if (y == 0)
            return py_err(&py_exc_ZeroDivisionError, "float division by zero");
        return py_float_new(x / y);
    case PY_OP_FLOORDIV:
        if (y == 0)
            return py_err(&py_exc_ZeroDivisionError, "float floor division by zero");
        return py_float_new(floor(x / y));
    case PY_OP_MOD: {
        if (y == 0)
            return py_err(&py_exc_ZeroDivisionError, "float modulo");
        double m = fmod(x, y);
        if (m != 0 && ((m < 0) != (y < 0)))
            m += y;
        else if (m == 0)
            m = copysign(0.0, y);
        return py_float_new(m);
    }
    case PY_OP_POW:
        if (x == 0 && y < 0)
            return py_err(&py_exc_ZeroDivisionError, "0.0 cannot be raised to a negative power");
        if (x < 0 && y != floor(y))
            return py_err(&py_exc_ValueError, "complex results are not supported by threadsim");
        return py_float_new(pow(x, y));
    default:
        return NULL;
    }
}

static py_obj *ops__repeat(py_obj *seq, py_obj *count)
{
    int64_t k = PY_INT(count);
    if (k < 0)
        k = 0;
    py_interp *in = py_interp_get();
    if (seq->kind == PY_K_STR) {
        size_t n = PY_STRLEN(seq);
        if (n && (uint64_t)k > (in->opts.max_memory ? in->opts.max_memory : SIZE_MAX / 2) / n)
            return py_err(&py_exc_MemoryError, "threadsim memory limit exceeded");
        sim_buf b = {0};
        for (int64_t i = 0; i < k; i++)
            sim_buf_add(&b, PY_STR(seq), n);
        return py_str_take(&b);
    }
    size_t n;
    py_obj **items = py_seq_items(seq, &n);
    if (n && (uint64_t)k > (in->opts.max_memory ? in->opts.max_memory : SIZE_MAX / 2) / (n * 8))
        return py_err(&py_exc_MemoryError, "threadsim memory limit exceeded");
    size_t total = n * (size_t)k;
    py_obj *r = seq->kind == PY_K_LIST ? py_list_new(total) : py_tuple_new(total);
    py_obj **out = r->kind == PY_K_LIST ? PY_LIST(r)->items : PY_TUPLE(r)->items;
    for (size_t i = 0; i < total; i++)
        out[i] = py_incref(items[i % n]);
    return r;
}

static py_obj *ops__concat(py_obj *a, py_obj *b)
{
    size_t na, nb;
    py_obj **ia = py_seq_items(a, &na), **ib = py_seq_items(b, &nb);
    py_obj *r = a->kind == PY_K_LIST ? py_list_new(na + nb) : py_tuple_new(na + nb);
    py_obj **out = r->kind == PY_K_LIST ? PY_LIST(r)->items : PY_TUPLE(r)->items;
    for (size_t i = 0; i < na; i++)
        out[i] = py_incref(ia[i]);
    for (size_t i = 0; i < nb; i++)
        out[na + i] = py_incref(ib[i]);
    return r;
}

py_obj *py_str_concat(py_obj *a, py_obj *b)
{
    size_t na = PY_STRLEN(a), nb = PY_STRLEN(b);
    sim_buf s = {0};
    sim_buf_add(&s, PY_STR(a), na);
    sim_buf_add(&s, PY_STR(b), nb);
    return py_str_take(&s);
}

/* Instance operator methods: result, NULL on error, or NotImplemented
 * (returned as py_NotImplemented) when neither side handles it. */
static py_obj *ops__special(int op, py_obj *a, py_obj *b)
{
    if (op >= (int)(sizeof ops__dunder / sizeof ops__dunder[0]) || !ops__dunder[op][0])
        return py_incref(&py_NotImplemented_obj);
    for (int side = 0; side < 2; side++) {
        py_obj *self = side ? b : a, *other = side ? a : b;
        if (self->kind != PY_K_INST)
            continue;
        py_obj *m = py_special(self, ops__dunder[op][side]);
        if (!m) {
            if (py_err_occurred())
                return NULL;
            continue;
        }
        py_obj *r = py_call(m, &other, 1, NULL);
        py_decref(m);
        if (!r || r->kind != PY_K_NOTIMPL)
            return r;
        py_decref(r);
    }
    return py_incref(&py_NotImplemented_obj);
}

py_obj *py_binop(int op, py_obj *a, py_obj *b)
{
    if (py_is_int(a) && py_is_int(b) && op != PY_OP_MATMUL)
        return ops__int(op, PY_INT(a), PY_INT(b));
    if (py_is_num(a) && py_is_num(b) && op <= PY_OP_POW)
        return ops__float(op, py_num_as_double(a), py_num_as_double(b));
    switch (op) {
    case PY_OP_ADD:
        if (a->kind == PY_K_STR && b->kind == PY_K_STR)
            return py_str_concat(a, b);
        if (a->kind == PY_K_STR && b->kind != PY_K_INST)
            return py_err(&py_exc_TypeError, "can only concatenate str (not \"%s\") to str",
                          py_type_name(b));
        if ((a->kind == PY_K_LIST && b->kind == PY_K_LIST) ||
            (a->kind == PY_K_TUPLE && b->kind == PY_K_TUPLE))
            return ops__concat(a, b);
        if ((a->kind == PY_K_LIST || a->kind == PY_K_TUPLE) && b->kind != PY_K_INST)
            return py_err(&py_exc_TypeError, "can only concatenate %s (not \"%s\") to %s",
                          py_type_name(a), py_type_name(b), py_type_name(a));
        break;
    case PY_OP_MUL: {
        bool sa = a->kind == PY_K_STR || a->kind == PY_K_LIST || a->kind == PY_K_TUPLE;
        bool sb = b->kind == PY_K_STR || b->kind == PY_K_LIST || b->kind == PY_K_TUPLE;
        if (sa && py_is_int(b))
            return ops__repeat(a, b);
        if (sb && py_is_int(a))
            return ops__repeat(b, a);
        if ((sa && b->kind != PY_K_INST) || (sb && a->kind != PY_K_INST))
            return py_err(&py_exc_TypeError, "can't multiply sequence by non-int of type '%s'",
                          py_type_name(sa ? b : a));
        break;
    }
    case PY_OP_MOD:
        if (a->kind == PY_K_STR)
            return py_str_mod(a, b);
        break;
    case PY_OP_SUB: case PY_OP_BITAND: case PY_OP_BITOR: case PY_OP_BITXOR:
        if (a->kind == PY_K_SET && b->kind == PY_K_SET) {
            py_obj *r = py_set_new();
            py_dict *da = PY_DICT(a), *db = PY_DICT(b);
            for (size_t i = 0; i < da->used; i++) {
                py_obj *k = da->entries[i].key;
                if (!k)
                    continue;
                bool inb = py_dict_get(b, k) != NULL;
                if ((op == PY_OP_SUB && !inb) || (op == PY_OP_BITAND && inb) ||
                    op == PY_OP_BITOR || (op == PY_OP_BITXOR && !inb))
                    py_set_add(r, k);
            }
            if (op == PY_OP_BITOR || op == PY_OP_BITXOR)
                for (size_t i = 0; i < db->used; i++) {
                    py_obj *k = db->entries[i].key;
                    if (k && (op == PY_OP_BITOR || !py_dict_get(a, k)))
                        py_set_add(r, k);
                }
            return r;
        }
        if (op == PY_OP_BITOR && a->kind == PY_K_DICT && b->kind == PY_K_DICT) {
            py_obj *r = py_dict_new();
            py_dict *srcs[2] = {PY_DICT(a), PY_DICT(b)};
            for (int s = 0; s < 2; s++)
                for (size_t i = 0; i < srcs[s]->used; i++)
                    if (srcs[s]->entries[i].key)
                        py_dict_set(r, srcs[s]->entries[i].key, srcs[s]->entries[i].value);
            return r;
        }
        break;
    default:
        break;
    }
    py_obj *r = ops__special(op, a, b);
    if (!r || r->kind != PY_K_NOTIMPL)
        return r;
    py_decref(r);
    return ops__unsupported(op, a, b);
}

py_obj *py_unary(int op, py_obj *a)
{
    if (op == PY_OP_NOT) {
        int t = py_truth(a);
        return t < 0 ? NULL : py_bool(!t);
    }
    if (py_is_int(a)) {
        int64_t v = PY_INT(a);
        if (op == PY_OP_NEG) {
            if (v == INT64_MIN)
                return py_err(&py_exc_OverflowError, "integer overflow (threadsim ints are 64-bit)");
            return py_int_new(-v);
        }
        if (op == PY_OP_POS)
            return py_int_new(v);
        return py_int_new(~v);
    }
    if (a->kind == PY_K_FLOAT && op != PY_OP_INVERT)
        return py_float_new(op == PY_OP_NEG ? -PY_FLOAT(a) : PY_FLOAT(a));
    if (a->kind == PY_K_INST) {
        const char *name = op == PY_OP_NEG ? "__neg__" : op == PY_OP_POS ? "__pos__" : "__invert__";
        py_obj *m = py_special(a, name);
        if (m) {
            py_obj *r = py_call(m, NULL, 0, NULL);
            py_decref(m);
            return r;
        }
        if (py_err_occurred())
            return NULL;
    }
    return py_err(&py_exc_TypeError, "bad operand type for %s: '%s'", py_op_symbol(op),
                  py_type_name(a));
}
