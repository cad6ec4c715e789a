/*
 * model/py/str.c — the methods of str.
 *
 * Strings are UTF-8. Methods that work on characters (center, ljust...)
 * count code points; case conversion and the is*() tests are ASCII-only
 * (non-ASCII bytes are left as they are), a documented simplification.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"

#define S(o) PY_STR(o)
#define N(o) PY_STRLEN(o)

static int str__arg(const char *fname, py_obj *v, const char **s, size_t *n)
{
    if (v->kind != PY_K_STR) {
        py_err(&py_exc_TypeError, "%s() argument must be str, not %s", fname, py_type_name(v));
        return -1;
    }
    *s = S(v);
    *n = N(v);
    return 0;
}

static py_obj *m_join(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    if (py_no_kw("join", kw) < 0 || py_nargs("str.join", n, 1, 1) < 0)
        return NULL;
    py_obj *l = py_list_from_iter(a[0]);
    if (!l)
        return NULL;
    sim_buf b = {0};
    for (size_t i = 0; i < PY_LIST(l)->n; i++) {
        py_obj *x = PY_LIST(l)->items[i];
        if (x->kind != PY_K_STR) {
            py_err(&py_exc_TypeError, "sequence item %zu: expected str instance, %s found", i,
                   py_type_name(x));
            py_decref(l);
            sim_buf_free(&b);
            return NULL;
        }
        if (i)
            sim_buf_add(&b, S(self), N(self));
        sim_buf_add(&b, S(x), N(x));
    }
    py_decref(l);
    return py_str_take(&b);
}

static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

static py_obj *str__split(py_obj *self, py_obj **a, size_t n, py_obj *kw, bool right)
{
    static const char *const names[] = {"sep", "maxsplit"};
    py_obj *v[2];
    if (py_args(right ? "rsplit" : "split", a, n, kw, names, 2, 0, v) < 0)
        return NULL;
    int64_t maxsplit = -1;
    if (v[1] && py_as_int(v[1], &maxsplit) < 0)
        return NULL;
    const char *s = S(self);
    size_t len = N(self);
    py_obj *out = py_list_new(0);
    if (!v[0] || v[0]->kind == PY_K_NONE) {
        /* runs of whitespace */
        py_obj *parts = py_list_new(0);
        if (!right) {
            size_t i = 0;
            while (i < len) {
                while (i < len && is_ws(s[i]))
                    i++;
                if (i >= len)
                    break;
                if (maxsplit >= 0 && (int64_t)PY_LIST(parts)->n == maxsplit) {
                    size_t e = len;
                    while (e > i && is_ws(s[e - 1]))
                        e--;
                    py_obj *p = py_str_new(s + i, e - i);
                    py_list_append(parts, p);
                    py_decref(p);
                    break;
                }
                size_t st = i;
                while (i < len && !is_ws(s[i]))
                    i++;
                py_obj *p = py_str_new(s + st, i - st);
                py_list_append(parts, p);
                py_decref(p);
            }
        } else {
            size_t i = len;
            while (i > 0) {
                while (i > 0 && is_ws(s[i - 1]))
                    i--;
                if (!i)
                    break;
                if (maxsplit >= 0 && (int64_t)PY_LIST(parts)->n == maxsplit) {
                    size_t st = 0;
                    while (st < i && is_ws(s[st]))
                        st++;
                    py_obj *p = py_str_new(s + st, i - st);
                    py_list_insert(parts, 0, p);
                    py_decref(p);
                    break;
                }
                size_t e = i;
                while (i > 0 && !is_ws(s[i - 1]))
                    i--;
                py_obj *p = py_str_new(s + i, e - i);
                py_list_insert(parts, 0, p);
                py_decref(p);
            }
        }
        py_decref(out);
        return parts;
    }
    const char *sep;
    size_t sl;
    if (str__arg("split", v[0], &sep, &sl) < 0) {
        py_decref(out);
        return NULL;
    }
    if (!sl) {
        py_decref(out);
        return py_err(&py_exc_ValueError, "empty separator");
    }
    if (!right) {
        size_t i = 0;
        for (;;) {
            const char *q = (maxsplit < 0 || (int64_t)PY_LIST(out)->n < maxsplit)
                                ? memmem(s + i, len - i, sep, sl) : NULL;
            size_t e = q ? (size_t)(q - s) : len;
            py_obj *p = py_str_new(s + i, e - i);
            py_list_append(out, p);
            py_decref(p);
            if (!q)
                break;
            i = e + sl;
        }
    } else {
        size_t e = len;
        for (;;) {
            size_t found = SIZE_MAX;
            if (maxsplit < 0 || (int64_t)PY_LIST(out)->n < maxsplit)
                for (size_t k = e; k >= sl; k--)
                    if (memcmp(s + k - sl, sep, sl) == 0) {
                        found = k - sl;
                        break;
                    }
            size_t st = found == SIZE_MAX ? 0 : found + sl;
            py_obj *p = py_str_new(s + st, e - st);
            py_list_insert(out, 0, p);
            py_decref(p);
            if (found == SIZE_MAX)
                break;
            e = found;
        }
    }
    return out;
}

static py_obj *m_split(py_obj *self, py_obj **a, size_t n, py_obj *kw) { return str__split(self, a, n, kw, false); }
static py_obj *m_rsplit(py_obj *self, py_obj **a, size_t n, py_obj *kw) { return str__split(self, a, n, kw, true); }

static py_obj *str__strip(py_obj *self, py_obj **a, size_t n, bool l, bool r)
{
    const char *chars = " \t\n\r\v\f";
    size_t nc = 6;
    if (n > 1)
        return py_err(&py_exc_TypeError, "strip expected at most 1 argument, got %zu", n);
    if (n == 1 && a[0]->kind != PY_K_NONE && str__arg("strip", a[0], &chars, &nc) < 0)
        return NULL;
    const char *s = S(self);
    size_t i = 0, e = N(self);
    while (l && i < e && memchr(chars, s[i], nc))
        i++;
    while (r && e > i && memchr(chars, s[e - 1], nc))
        e--;
    return py_str_new(s + i, e - i);
}

static py_obj *m_strip(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)kw; return str__strip(self, a, n, true, true); }
static py_obj *m_lstrip(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)kw; return str__strip(self, a, n, true, false); }
static py_obj *m_rstrip(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)kw; return str__strip(self, a, n, false, true); }

static py_obj *str__case(py_obj *self, int mode)
{
    sim_buf b = {0};
    const char *s = S(self);
    bool start = true;
    for (size_t i = 0; i < N(self); i++) {
        unsigned char c = (unsigned char)s[i];
        int o = c;
        if (mode == 0) o = toupper(c);
        else if (mode == 1) o = tolower(c);
        else if (mode == 2) o = start ? toupper(c) : tolower(c);            /* title */
        else if (mode == 3) o = i == 0 ? toupper(c) : tolower(c);           /* capitalize */
        else if (mode == 4) o = isupper(c) ? tolower(c) : toupper(c);       /* swapcase */
        start = !isalpha(c);
        sim_buf_addc(&b, (char)o);
    }
    return py_str_take(&b);
}

static py_obj *m_upper(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)a; (void)n; (void)kw; return str__case(self, 0); }
static py_obj *m_lower(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)a; (void)n; (void)kw; return str__case(self, 1); }
static py_obj *m_title(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)a; (void)n; (void)kw; return str__case(self, 2); }
static py_obj *m_capitalize(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)a; (void)n; (void)kw; return str__case(self, 3); }
static py_obj *m_swapcase(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)a; (void)n; (void)kw; return str__case(self, 4); }

static py_obj *m_replace(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    if (py_no_kw("replace", kw) < 0 || py_nargs("replace", n, 2, 3) < 0)
        return NULL;
    const char *old, *new;
    size_t no, nn;
    int64_t count = -1;
    if (str__arg("replace", a[0], &old, &no) < 0 || str__arg("replace", a[1], &new, &nn) < 0 ||
        (n == 3 && py_as_int(a[2], &count) < 0))
        return NULL;
    const char *s = S(self);
    size_t len = N(self), i = 0;
    sim_buf b = {0};
    int64_t done = 0;
    while (i <= len) {
        const char *q = (count < 0 || done < count)
                            ? (no ? memmem(s + i, len - i, old, no) : (i <= len ? s + i : NULL))
                            : NULL;
        if (!q) {
            sim_buf_add(&b, s + i, len - i);
            break;
        }
        sim_buf_add(&b, s + i, (size_t)(q - (s + i)));
        sim_buf_add(&b, new, nn);
        done++;
        if (no) {
            i = (size_t)(q - s) + no;
        } else {
            if ((size_t)(q - s) < len)
                sim_buf_addc(&b, *q);
            i = (size_t)(q - s) + 1;
            if (i > len)
                break;
        }
    }
    return py_str_take(&b);
}

static int str__affix(py_obj *self, py_obj *arg, bool start)
{
    if (arg->kind == PY_K_TUPLE) {
        for (size_t i = 0; i < PY_TUPLE(arg)->n; i++) {
            int r = str__affix(self, PY_TUPLE(arg)->items[i], start);
            if (r)
                return r;
        }
        return 0;
    }
    const char *p;
    size_t pn;
    if (str__arg(start ? "startswith" : "endswith", arg, &p, &pn) < 0)
        return -1;
    if (pn > N(self))
        return 0;
    return memcmp(start ? S(self) : S(self) + N(self) - pn, p, pn) == 0;
}

static py_obj *m_startswith(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    if (py_no_kw("startswith", kw) < 0 || py_nargs("startswith", n, 1, 1) < 0)
        return NULL;
    int r = str__affix(self, a[0], true);
    return r < 0 ? NULL : py_bool(r);
}

static py_obj *m_endswith(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    if (py_no_kw("endswith", kw) < 0 || py_nargs("endswith", n, 1, 1) < 0)
        return NULL;
    int r = str__affix(self, a[0], false);
    return r < 0 ? NULL : py_bool(r);
}

/* find/rfind/index/rindex/count: byte offsets converted to code points. */
static py_obj *str__find(py_obj *self, py_obj **a, size_t n, const char *fname, int mode)
{
    if (py_nargs(fname, n, 1, 3) < 0)
        return NULL;
    const char *sub;
    size_t sn;
    if (str__arg(fname, a[0], &sub, &sn) < 0)
        return NULL;
    const char *s = S(self);
    size_t len = N(self);
    int64_t cps = py_len(self), st = 0, en = cps;
    if (n >= 2 && a[1]->kind != PY_K_NONE && py_as_int(a[1], &st) < 0)
        return NULL;
    if (n >= 3 && a[2]->kind != PY_K_NONE && py_as_int(a[2], &en) < 0)
        return NULL;
    if (st < 0) st += cps;
    if (en < 0) en += cps;
    if (st < 0) st = 0;
    if (en > cps) en = cps;
    size_t bs = py_utf8_offset(s, len, (size_t)st), be = py_utf8_offset(s, len, (size_t)(en < st ? st : en));
    if (mode == 2) {
        int64_t count = 0;
        size_t i = bs;
        if (!sn)
            return py_int_new(en >= st ? en - st + 1 : 0);
        while (i + sn <= be) {
            const char *q = memmem(s + i, be - i, sub, sn);
            if (!q)
                break;
            count++;
            i = (size_t)(q - s) + sn;
        }
        return py_int_new(count);
    }
    long found = -1;
    if (en >= st && sn <= be - bs) {
        if (mode == 0) {
            const char *q = memmem(s + bs, be - bs, sub, sn);
            if (q)
                found = (long)(q - s);
        } else {
            for (size_t k = be - sn + 1; k-- > bs;)
                if (memcmp(s + k, sub, sn) == 0) {
                    found = (long)k;
                    break;
                }
        }
    }
    if (found < 0 && fname[0] != 'f' && fname[0] != 'r')
        return py_err(&py_exc_ValueError, "substring not found");
    if (found < 0 && strcmp(fname, "rindex") == 0)
        return py_err(&py_exc_ValueError, "substring not found");
    return py_int_new(found < 0 ? -1 : (int64_t)py_utf8_count(s, (size_t)found));
}

static py_obj *m_find(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)kw; return str__find(self, a, n, "find", 0); }
static py_obj *m_rfind(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)kw; return str__find(self, a, n, "rfind", 1); }
static py_obj *m_index(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)kw; return str__find(self, a, n, "index", 0); }
static py_obj *m_rindex(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)kw; return str__find(self, a, n, "rindex", 1); }
static py_obj *m_count(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)kw; return str__find(self, a, n, "count", 2); }

static py_obj *str__justify(py_obj *self, py_obj **a, size_t n, const char *fname, char align)
{
    if (py_nargs(fname, n, 1, 2) < 0)
        return NULL;
    int64_t w;
    if (py_as_int(a[0], &w) < 0)
        return NULL;
    char fill = ' ';
    if (n == 2) {
        if (a[1]->kind != PY_K_STR || N(a[1]) != 1)
            return py_err(&py_exc_TypeError,
                          "The fill character must be exactly one character long");
        fill = S(a[1])[0];
    }
    int64_t len = py_len(self);
    if (w <= len)
        return py_incref(self);
    size_t pad = (size_t)(w - len);
    /* CPython's center(): left = marg / 2 + (marg & width & 1) */
    size_t left = align == '>' ? pad : align == '^' ? pad / 2 + (pad & (size_t)w & 1) : 0;
    sim_buf b = {0};
    for (size_t i = 0; i < left; i++)
        sim_buf_addc(&b, fill);
    sim_buf_add(&b, S(self), N(self));
    for (size_t i = left; i < pad; i++)
        sim_buf_addc(&b, fill);
    return py_str_take(&b);
}

static py_obj *m_ljust(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)kw; return str__justify(self, a, n, "ljust", '<'); }
static py_obj *m_rjust(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)kw; return str__justify(self, a, n, "rjust", '>'); }
static py_obj *m_center(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)kw; return str__justify(self, a, n, "center", '^'); }

static py_obj *m_zfill(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)kw;
    int64_t w;
    if (py_nargs("zfill", n, 1, 1) < 0 || py_as_int(a[0], &w) < 0)
        return NULL;
    int64_t len = (int64_t)N(self);
    if (w <= len)
        return py_incref(self);
    sim_buf b = {0};
    const char *s = S(self);
    size_t i = 0;
    if (len && (s[0] == '-' || s[0] == '+'))
        sim_buf_addc(&b, s[i++]);
    for (int64_t k = 0; k < w - len; k++)
        sim_buf_addc(&b, '0');
    sim_buf_add(&b, s + i, N(self) - i);
    return py_str_take(&b);
}

static py_obj *str__is(py_obj *self, int (*pred)(int), bool cased)
{
    if (!N(self))
        return py_False;
    bool any_cased = false;
    for (size_t i = 0; i < N(self); i++) {
        unsigned char c = (unsigned char)S(self)[i];
        if (cased) {
            if (isalpha(c)) {
                any_cased = true;
                if (!pred(c))
                    return py_False;
            }
        } else if (!pred(c)) {
            return py_False;
        }
    }
    return py_bool(!cased || any_cased);
}

static py_obj *m_isdigit(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)a; (void)n; (void)kw; return str__is(self, isdigit, false); }
static py_obj *m_isalpha(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)a; (void)n; (void)kw; return str__is(self, isalpha, false); }
static py_obj *m_isalnum(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)a; (void)n; (void)kw; return str__is(self, isalnum, false); }
static py_obj *m_isspace(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)a; (void)n; (void)kw; return str__is(self, isspace, false); }
static py_obj *m_isupper(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)a; (void)n; (void)kw; return str__is(self, isupper, true); }
static py_obj *m_islower(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)a; (void)n; (void)kw; return str__is(self, islower, true); }

static py_obj *m_splitlines(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)kw;
    bool keep = n >= 1 && py_truth(a[0]) > 0;
    py_obj *out = py_list_new(0);
    const char *s = S(self);
    size_t len = N(self), i = 0;
    while (i < len) {
        size_t st = i;
        while (i < len && s[i] != '\n' && s[i] != '\r')
            i++;
        size_t e = i;
        if (i < len) {
            if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
                i++;
            i++;
        }
        py_obj *p = py_str_new(s + st, (keep ? i : e) - st);
        py_list_append(out, p);
        py_decref(p);
    }
    return out;
}

static py_obj *str__partition(py_obj *self, py_obj **a, size_t n, bool right)
{
    const char *sep;
    size_t sl;
    if (py_nargs("partition", n, 1, 1) < 0 || str__arg("partition", a[0], &sep, &sl) < 0)
        return NULL;
    if (!sl)
        return py_err(&py_exc_ValueError, "empty separator");
    const char *s = S(self);
    size_t len = N(self);
    long at = -1;
    if (!right) {
        const char *q = memmem(s, len, sep, sl);
        at = q ? (long)(q - s) : -1;
    } else {
        for (size_t k = len >= sl ? len - sl + 1 : 0; k-- > 0;)
            if (memcmp(s + k, sep, sl) == 0) {
                at = (long)k;
                break;
            }
    }
    py_obj *empty = py_str_new("", 0);
    py_obj *r;
    if (at < 0) {
        r = right ? py_tuple_pack(3, empty, empty, self) : py_tuple_pack(3, self, empty, empty);
    } else {
        py_obj *l = py_str_new(s, (size_t)at), *rr = py_str_new(s + at + (long)sl, len - (size_t)at - sl);
        r = py_tuple_pack(3, l, a[0], rr);
        py_decref(l);
        py_decref(rr);
    }
    py_decref(empty);
    return r;
}

static py_obj *m_partition(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)kw; return str__partition(self, a, n, false); }
static py_obj *m_rpartition(py_obj *self, py_obj **a, size_t n, py_obj *kw) { (void)kw; return str__partition(self, a, n, true); }

static py_obj *m_format(py_obj *self, py_obj **a, size_t n, py_obj *kw) { return py_str_format(self, a, n, kw); }

static py_obj *m_encode(py_obj *self, py_obj **a, size_t n, py_obj *kw)
{
    (void)a; (void)n; (void)kw;
    return py_incref(self); /* no bytes type: encode is the identity */
}

const py_method py_str_methods[] = {
    {"join", m_join}, {"split", m_split}, {"rsplit", m_rsplit}, {"strip", m_strip},
    {"lstrip", m_lstrip}, {"rstrip", m_rstrip}, {"upper", m_upper}, {"lower", m_lower},
    {"title", m_title}, {"capitalize", m_capitalize}, {"swapcase", m_swapcase},
    {"replace", m_replace}, {"startswith", m_startswith}, {"endswith", m_endswith},
    {"find", m_find}, {"rfind", m_rfind}, {"index", m_index}, {"rindex", m_rindex},
    {"count", m_count}, {"ljust", m_ljust}, {"rjust", m_rjust}, {"center", m_center},
    {"zfill", m_zfill}, {"isdigit", m_isdigit}, {"isnumeric", m_isdigit},
    {"isdecimal", m_isdigit}, {"isalpha", m_isalpha}, {"isalnum", m_isalnum},
    {"isspace", m_isspace}, {"isupper", m_isupper}, {"islower", m_islower},
    {"splitlines", m_splitlines}, {"partition", m_partition}, {"rpartition", m_rpartition},
    {"format", m_format}, {"encode", m_encode}, {"decode", m_encode},
    {NULL, NULL},
};
