/*
 * model/py/format.c — Python's three ways of formatting: `fmt % args`,
 * str.format / f-strings (the format-spec mini-language), and format().
 *
 * Floats go through C's printf for the f/e/g conversions, which print the
 * same digits as CPython's (both round correctly); repr-style output uses
 * model_float_repr.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../pyfmt.h"
#include "interp.h"

/* ---- format specs ------------------------------------------------------- */

typedef struct spec {
    char fill, align, sign;
    bool alt, zero;
    int width, prec;
    char group;               /* ',' or '_' or 0 */
    char type;                /* 0 if none */
} spec;

static int spec__parse(const char *s, size_t n, spec *sp)
{
    memset(sp, 0, sizeof *sp);
    sp->fill = ' ';
    sp->prec = -1;
    size_t i = 0;
    if (n >= 2 && strchr("<>=^", s[1])) {
        sp->fill = s[0];
        sp->align = s[1];
        i = 2;
    } else if (n >= 1 && strchr("<>=^", s[0])) {
        sp->align = s[0];
        i = 1;
    }
    if (i < n && strchr("+- ", s[i]))
        sp->sign = s[i++];
    if (i < n && s[i] == '#')
        sp->alt = true, i++;
    if (i < n && s[i] == '0') {
        sp->zero = true;
        i++;
    }
    while (i < n && isdigit((unsigned char)s[i]))
        sp->width = sp->width * 10 + (s[i++] - '0');
    if (i < n && (s[i] == ',' || s[i] == '_'))
        sp->group = s[i++];
    if (i < n && s[i] == '.') {
        i++;
        if (i >= n || !isdigit((unsigned char)s[i])) {
            py_err(&py_exc_ValueError, "Format specifier missing precision");
            return -1;
        }
        sp->prec = 0;
        while (i < n && isdigit((unsigned char)s[i]))
            sp->prec = sp->prec * 10 + (s[i++] - '0');
    }
    if (i < n)
        sp->type = s[i++];
    if (i < n) {
        py_err(&py_exc_ValueError, "Invalid format specifier '%.*s' for object of type", (int)n, s);
        return -1;
    }
    if (sp->zero && !sp->align) {
        sp->fill = '0';
        sp->align = '=';
    }
    return 0;
}

/* Pad `body` (with an optional sign/prefix of `plen` bytes at its start). */
static void spec__pad(sim_buf *b, const spec *sp, const char *body, size_t n, size_t plen,
                      char dflt_align)
{
    size_t cps = py_utf8_count(body, n);
    size_t w = sp->width > 0 ? (size_t)sp->width : 0;
    char align = sp->align ? sp->align : dflt_align;
    size_t pad = w > cps ? w - cps : 0;
    size_t left = align == '>' ? pad : align == '^' ? pad / 2 : 0;
    size_t right = align == '<' ? pad : align == '^' ? pad - pad / 2 : 0;
    if (align == '=') {
        sim_buf_add(b, body, plen);
        for (size_t i = 0; i < pad; i++)
            sim_buf_addc(b, sp->fill);
        sim_buf_add(b, body + plen, n - plen);
        return;
    }
    for (size_t i = 0; i < left; i++)
        sim_buf_addc(b, sp->fill);
    sim_buf_add(b, body, n);
    for (size_t i = 0; i < right; i++)
        sim_buf_addc(b, sp->fill);
}

static void group_digits(sim_buf *out, const char *digits, size_t n, char sep)
{
    for (size_t i = 0; i < n; i++) {
        sim_buf_addc(out, digits[i]);
        size_t rest = n - i - 1;
        if (sep && rest && rest % 3 == 0)
            sim_buf_addc(out, sep);
    }
}

static int spec__int(sim_buf *b, const spec *sp, int64_t v)
{
    char digits[80];
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    const char *prefix = "";
    switch (sp->type) {
    case 'x': snprintf(digits, sizeof digits, "%llx", (unsigned long long)u); prefix = "0x"; break;
    case 'X': snprintf(digits, sizeof digits, "%llX", (unsigned long long)u); prefix = "0X"; break;
    case 'o': snprintf(digits, sizeof digits, "%llo", (unsigned long long)u); prefix = "0o"; break;
    case 'b': {
        int k = 0;
        char tmp[70];
        do {
            tmp[k++] = (char)('0' + (u & 1));
            u >>= 1;
        } while (u);
        for (int i = 0; i < k; i++)
            digits[i] = tmp[k - 1 - i];
        digits[k] = '\0';
        prefix = "0b";
        break;
    }
    case 'c': {
        sim_buf tmp = {0};
        char ch = (char)v;
        sim_buf_addc(&tmp, ch);
        spec__pad(b, sp, sim_buf_str(&tmp), tmp.len, 0, '<');
        sim_buf_free(&tmp);
        return 0;
    }
    default:
        snprintf(digits, sizeof digits, "%llu", (unsigned long long)u);
    }
    sim_buf body = {0};
    if (v < 0)
        sim_buf_addc(&body, '-');
    else if (sp->sign == '+' || sp->sign == ' ')
        sim_buf_addc(&body, sp->sign);
    if (sp->alt)
        sim_buf_adds(&body, prefix);
    size_t plen = body.len;
    group_digits(&body, digits, strlen(digits), sp->group);
    spec__pad(b, sp, sim_buf_str(&body), body.len, plen, '>');
    sim_buf_free(&body);
    return 0;
}

static int spec__float(sim_buf *b, const spec *sp, double v)
{
    char num[512];
    char type = sp->type;
    int prec = sp->prec;
    bool neg = signbit(v) && !isnan(v);
    double a = fabs(v);
    if (type == '%') {
        a *= 100;
    }
    if (isinf(a) || isnan(a)) {
        snprintf(num, sizeof num, "%s", isnan(a) ? "nan" : "inf");
        if (type == 'F' || type == 'E' || type == 'G')
            for (char *p = num; *p; p++)
                *p = (char)toupper((unsigned char)*p);
    } else if (!type) {
        if (prec < 0) {
            model_float_repr(a, num, sizeof num);
        } else {
            /* like 'g', but a fixed-point result keeps one digit after the point */
            snprintf(num, sizeof num, "%.*g", prec ? prec : 1, a);
            if (!strpbrk(num, ".en"))
                strcat(num, ".0");
        }
    } else {
        char cfmt[16];
        char t = type == '%' ? 'f' : type == 'n' ? 'g' : type;
        if (!strchr("eEfFgG", t))
            return py_err(&py_exc_ValueError,
                          "Unknown format code '%c' for object of type 'float'", type), -1;
        snprintf(cfmt, sizeof cfmt, "%%%s.*%c", sp->alt ? "#" : "", t);
        snprintf(num, sizeof num, cfmt, prec < 0 ? 6 : prec, a);
    }
    sim_buf body = {0};
    if (neg)
        sim_buf_addc(&body, '-');
    else if (sp->sign == '+' || sp->sign == ' ')
        sim_buf_addc(&body, sp->sign);
    size_t plen = body.len;
    if (sp->group) {
        const char *dot = strpbrk(num, ".eE%");
        size_t intlen = dot ? (size_t)(dot - num) : strlen(num);
        group_digits(&body, num, intlen, sp->group);
        sim_buf_adds(&body, num + intlen);
    } else {
        sim_buf_adds(&body, num);
    }
    if (type == '%')
        sim_buf_addc(&body, '%');
    spec__pad(b, sp, sim_buf_str(&body), body.len, plen, '>');
    sim_buf_free(&body);
    return 0;
}

int py_format_spec(sim_buf *b, py_obj *v, const char *s, size_t n)
{
    if (v->kind == PY_K_INST) {
        py_obj *m = py_special(v, "__format__");
        if (m) {
            py_obj *sp = py_str_new(s, n);
            py_obj *r = py_call(m, &sp, 1, NULL);
            py_decref(sp);
            py_decref(m);
            if (!r)
                return -1;
            int rc = py_buf_str(b, r);
            py_decref(r);
            return rc;
        }
        if (py_err_occurred())
            return -1;
    }
    if (n == 0)
        return py_buf_str(b, v);
    spec sp;
    if (spec__parse(s, n, &sp) < 0)
        return -1;
    if (py_is_int(v) && (v->kind == PY_K_INT || sp.type)) {
        if (sp.type && strchr("eEfFgG%", sp.type))
            return spec__float(b, &sp, (double)PY_INT(v));
        if (sp.type && !strchr("dnxXobc", sp.type)) {
            py_err(&py_exc_ValueError, "Unknown format code '%c' for object of type '%s'", sp.type,
                   py_type_name(v));
            return -1;
        }
        if (sp.prec >= 0) {
            py_err(&py_exc_ValueError, "Precision not allowed in integer format specifier");
            return -1;
        }
        return spec__int(b, &sp, PY_INT(v));
    }
    if (v->kind == PY_K_FLOAT)
        return spec__float(b, &sp, PY_FLOAT(v));
    if (sp.type && sp.type != 's') {
        py_err(&py_exc_ValueError, "Unknown format code '%c' for object of type '%s'", sp.type,
               py_type_name(v));
        return -1;
    }
    if (v->kind != PY_K_STR && v->kind != PY_K_BOOL && v->kind != PY_K_NONE) {
        py_err(&py_exc_TypeError, "unsupported format string passed to %s.__format__",
               py_type_name(v));
        return -1;
    }
    py_obj *str = py_str_of(v);
    if (!str)
        return -1;
    size_t len = PY_STRLEN(str);
    if (sp.prec >= 0) {
        size_t cp = py_utf8_count(PY_STR(str), len);
        if ((size_t)sp.prec < cp)
            len = py_utf8_offset(PY_STR(str), len, (size_t)sp.prec);
    }
    spec__pad(b, &sp, PY_STR(str), len, 0, '<');
    py_decref(str);
    return 0;
}

/* ---- str.format --------------------------------------------------------- */

static py_obj *fmt__field(const char *name, size_t n, py_obj **args, size_t nargs, py_obj *kw,
                          size_t *autonum)
{
    size_t i = 0;
    while (i < n && name[i] != '.' && name[i] != '[')
        i++;
    py_obj *v;
    if (i == 0) {
        if (*autonum == SIZE_MAX)
            return py_err(&py_exc_ValueError,
                          "cannot switch from manual field specification to automatic field "
                          "numbering");
        size_t k = (*autonum)++;
        if (k >= nargs)
            return py_err(&py_exc_IndexError,
                          "Replacement index %zu out of range for positional args tuple", k);
        v = py_incref(args[k]);
    } else if (isdigit((unsigned char)name[0])) {
        size_t k = (size_t)strtoul(name, NULL, 10);
        if (*autonum && *autonum != SIZE_MAX)
            return py_err(&py_exc_ValueError,
                          "cannot switch from automatic field numbering to manual field "
                          "specification");
        *autonum = SIZE_MAX;
        if (k >= nargs)
            return py_err(&py_exc_IndexError,
                          "Replacement index %zu out of range for positional args tuple", k);
        v = py_incref(args[k]);
    } else {
        char key[128];
        snprintf(key, sizeof key, "%.*s", (int)i, name);
        py_obj *x = kw ? py_dict_gets(kw, key) : NULL;
        if (!x) {
            py_obj *k = py_str_from(key);
            py_obj *a = py_tuple_pack(1, k);
            py_decref(k);
            py_err_set_obj(py_exc_new(&py_exc_KeyError, a));
            py_decref(a);
            return NULL;
        }
        v = py_incref(x);
    }
    while (i < n) {
        if (name[i] == '.') {
            size_t s = ++i;
            while (i < n && name[i] != '.' && name[i] != '[')
                i++;
            char attr[128];
            snprintf(attr, sizeof attr, "%.*s", (int)(i - s), name + s);
            py_obj *x = py_getattr(v, attr);
            py_decref(v);
            if (!x)
                return NULL;
            v = x;
        } else {
            size_t s = ++i;
            while (i < n && name[i] != ']')
                i++;
            py_obj *key = isdigit((unsigned char)name[s])
                              ? py_int_new(strtoll(name + s, NULL, 10))
                              : py_str_new(name + s, i - s);
            i++;
            py_obj *x = py_getitem(v, key);
            py_decref(key);
            py_decref(v);
            if (!x)
                return NULL;
            v = x;
        }
    }
    return v;
}

static int fmt__run(sim_buf *out, const char *s, size_t n, py_obj **args, size_t nargs,
                    py_obj *kw, size_t *autonum, int depth)
{
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        if (c == '}' ) {
            if (i + 1 < n && s[i + 1] == '}') {
                sim_buf_addc(out, '}');
                i += 2;
                continue;
            }
            py_err(&py_exc_ValueError, "Single '}' encountered in format string");
            return -1;
        }
        if (c != '{') {
            sim_buf_addc(out, c);
            i++;
            continue;
        }
        if (i + 1 < n && s[i + 1] == '{') {
            sim_buf_addc(out, '{');
            i += 2;
            continue;
        }
        size_t start = ++i;
        int d = 0;
        while (i < n && (s[i] != '}' || d > 0)) {
            if (s[i] == '{') d++;
            if (s[i] == '}') d--;
            i++;
        }
        if (i >= n) {
            py_err(&py_exc_ValueError, "expected '}' before end of string");
            return -1;
        }
        const char *field = s + start;
        size_t flen = i - start;
        i++;
        size_t nlen = 0;
        while (nlen < flen && field[nlen] != '!' && field[nlen] != ':')
            nlen++;
        char conv = 0;
        size_t k = nlen;
        if (k < flen && field[k] == '!') {
            conv = k + 1 < flen ? field[k + 1] : 0;
            k += 2;
        }
        const char *sp = "";
        size_t splen = 0;
        if (k < flen && field[k] == ':') {
            sp = field + k + 1;
            splen = flen - k - 1;
        }
        py_obj *v = fmt__field(field, nlen, args, nargs, kw, autonum);
        if (!v)
            return -1;
        if (conv == 'r' || conv == 's' || conv == 'a') {
            py_obj *c2 = conv == 's' ? py_str_of(v) : py_repr_of(v);
            py_decref(v);
            if (!c2)
                return -1;
            v = c2;
        } else if (conv) {
            py_decref(v);
            py_err(&py_exc_ValueError, "Unknown conversion specifier %c", conv);
            return -1;
        }
        sim_buf specbuf = {0};
        int rc = 0;
        if (memchr(sp, '{', splen) && depth < 2)
            rc = fmt__run(&specbuf, sp, splen, args, nargs, kw, autonum, depth + 1);
        else
            sim_buf_add(&specbuf, sp, splen);
        if (rc == 0)
            rc = py_format_spec(out, v, sim_buf_str(&specbuf), specbuf.len);
        sim_buf_free(&specbuf);
        py_decref(v);
        if (rc < 0)
            return -1;
    }
    return 0;
}

py_obj *py_str_format(py_obj *self, py_obj **args, size_t n, py_obj *kw)
{
    sim_buf out = {0};
    size_t autonum = 0;
    if (fmt__run(&out, PY_STR(self), PY_STRLEN(self), args, n, kw, &autonum, 0) < 0) {
        sim_buf_free(&out);
        return NULL;
    }
    return py_str_take(&out);
}

/* ---- printf-style % ----------------------------------------------------- */

py_obj *py_str_mod(py_obj *fmt, py_obj *args)
{
    const char *s = PY_STR(fmt);
    size_t n = PY_STRLEN(fmt);
    py_obj **items = &args;
    size_t nitems = 1, used = 0;
    py_obj *dict = NULL;
    if (args->kind == PY_K_TUPLE) {
        items = PY_TUPLE(args)->items;
        nitems = PY_TUPLE(args)->n;
    } else if (args->kind == PY_K_DICT) {
        dict = args;
    }
    sim_buf out = {0};
    size_t i = 0;
    while (i < n) {
        if (s[i] != '%') {
            const char *q = memchr(s + i, '%', n - i);
            size_t k = q ? (size_t)(q - (s + i)) : n - i;
            sim_buf_add(&out, s + i, k);
            i += k;
            continue;
        }
        i++;
        if (i >= n) {
            py_err(&py_exc_ValueError, "incomplete format");
            goto fail;
        }
        py_obj *v = NULL;
        bool own = false;
        if (s[i] == '(') {
            size_t ks = ++i;
            int depth = 1;
            while (i < n && depth) {
                if (s[i] == '(') depth++;
                if (s[i] == ')') depth--;
                i++;
            }
            if (!dict) {
                py_err(&py_exc_TypeError, "format requires a mapping");
                goto fail;
            }
            py_obj *key = py_str_new(s + ks, i - ks - 1);
            v = py_getitem(dict, key);
            py_decref(key);
            if (!v)
                goto fail;
            own = true;
        }
        spec sp;
        memset(&sp, 0, sizeof sp);
        sp.fill = ' ';
        sp.prec = -1;
        bool left = false;
        for (; i < n && strchr("-+ #0", s[i]); i++) {
            if (s[i] == '-') left = true;
            else if (s[i] == '+' || s[i] == ' ') { if (sp.sign != '+') sp.sign = s[i]; }
            else if (s[i] == '#') sp.alt = true;
            else sp.zero = true;
        }
        if (i < n && s[i] == '*') {
            i++;
            if (used >= nitems || !py_is_int(items[used])) {
                py_err(&py_exc_TypeError, "* wants int");
                goto fail;
            }
            sp.width = (int)PY_INT(items[used++]);
        } else {
            while (i < n && isdigit((unsigned char)s[i]))
                sp.width = sp.width * 10 + (s[i++] - '0');
        }
        if (i < n && s[i] == '.') {
            i++;
            sp.prec = 0;
            if (i < n && s[i] == '*') {
                i++;
                if (used >= nitems || !py_is_int(items[used])) {
                    py_err(&py_exc_TypeError, "* wants int");
                    goto fail;
                }
                sp.prec = (int)PY_INT(items[used++]);
            } else {
                while (i < n && isdigit((unsigned char)s[i]))
                    sp.prec = sp.prec * 10 + (s[i++] - '0');
            }
        }
        while (i < n && strchr("hlL", s[i]))
            i++;
        if (i >= n) {
            if (own)
                py_decref(v);
            py_err(&py_exc_ValueError, "incomplete format");
            goto fail;
        }
        char conv = s[i++];
        if (conv == '%') {
            sim_buf_addc(&out, '%');
            continue;
        }
        if (!v) {
            if (dict) {
                v = dict;
            } else if (used >= nitems) {
                py_err(&py_exc_TypeError, "not enough arguments for format string");
                goto fail;
            } else {
                v = items[used++];
            }
        }
        if (left) {
            sp.align = '<';
        } else if (sp.zero && strchr("diouxXeEfFgG", conv)) {
            sp.fill = '0';
            sp.align = '=';
        } else {
            sp.align = '>';
        }
        int rc = 0;
        switch (conv) {
        case 's': case 'r': case 'a': {
            py_obj *str = conv == 's' ? py_str_of(v) : py_repr_of(v);
            if (!str) {
                rc = -1;
                break;
            }
            size_t len = PY_STRLEN(str);
            if (sp.prec >= 0 && (size_t)sp.prec < py_utf8_count(PY_STR(str), len))
                len = py_utf8_offset(PY_STR(str), len, (size_t)sp.prec);
            spec__pad(&out, &sp, PY_STR(str), len, 0, '>');
            py_decref(str);
            break;
        }
        case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': {
            int64_t iv;
            if (py_is_int(v)) {
                iv = PY_INT(v);
            } else if (v->kind == PY_K_FLOAT) {
                iv = (int64_t)PY_FLOAT(v);
            } else {
                py_err(&py_exc_TypeError, "%%%c format: %s is required, not %s", conv,
                       conv == 'x' || conv == 'X' || conv == 'o' ? "an integer" : "a real number",
                       py_type_name(v));
                rc = -1;
                break;
            }
            sp.type = conv == 'i' || conv == 'u' ? 'd' : conv;
            if (sp.prec >= 0) {
                /* precision on ints: minimum digits */
                char digits[80];
                snprintf(digits, sizeof digits, "%.*lld", sp.prec,
                         (long long)(iv < 0 ? -iv : iv));
                sim_buf body = {0};
                if (iv < 0)
                    sim_buf_addc(&body, '-');
                else if (sp.sign)
                    sim_buf_addc(&body, sp.sign);
                size_t plen = body.len;
                sim_buf_adds(&body, digits);
                spec__pad(&out, &sp, sim_buf_str(&body), body.len, plen, '>');
                sim_buf_free(&body);
            } else {
                rc = spec__int(&out, &sp, iv);
            }
            break;
        }
        case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': {
            if (!py_is_num(v)) {
                py_err(&py_exc_TypeError, "must be real number, not %s", py_type_name(v));
                rc = -1;
                break;
            }
            sp.type = conv;
            rc = spec__float(&out, &sp, py_num_as_double(v));
            break;
        }
        case 'c': {
            if (v->kind == PY_K_STR && py_len(v) == 1) {
                spec__pad(&out, &sp, PY_STR(v), PY_STRLEN(v), 0, '>');
            } else if (py_is_int(v)) {
                char ch = (char)PY_INT(v);
                spec__pad(&out, &sp, &ch, 1, 0, '>');
            } else {
                py_err(&py_exc_TypeError, "%%c requires int or char");
                rc = -1;
            }
            break;
        }
        default:
            py_err(&py_exc_ValueError, "unsupported format character '%c' (0x%x) at index %zu",
                   conv, (unsigned)(unsigned char)conv, i - 1);
            rc = -1;
        }
        if (own)
            py_decref(v);
        if (rc < 0)
            goto fail;
    }
    if (!dict && used < nitems) {
        py_err(&py_exc_TypeError, "not all arguments converted during string formatting");
        goto fail;
    }
    return py_str_take(&out);
fail:
    sim_buf_free(&out);
    return NULL;
}
