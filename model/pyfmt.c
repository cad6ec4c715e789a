/* model/pyfmt.c — Python text forms of values (see pyfmt.h). */
#include "pyfmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int model_float_repr(double v, char *buf, size_t cap)
{
    if (isnan(v))
        return snprintf(buf, cap, "nan");
    if (isinf(v))
        return snprintf(buf, cap, v < 0 ? "-inf" : "inf");
    /* Shortest round-tripping significand: try 1..17 significant digits. */
    char tmp[40];
    int prec = 1;
    for (; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec - 1, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    /* tmp = [-]d[.ddd]e[+-]XX: split digits and exponent */
    char digits[24];
    int nd = 0, neg = 0;
    const char *p = tmp;
    if (*p == '-')
        neg = 1, p++;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9')
            digits[nd++] = *p;
    int exp10 = atoi(p + 1);
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    digits[nd] = '\0';

    char out[64];
    int o = 0;
    if (neg)
        out[o++] = '-';
    if (exp10 >= -5 && exp10 < 16) {
        /* CPython's repr switches to exponent form below 1e-4 (exp < -4) */
        if (exp10 < -4)
            goto sci;
        if (exp10 < 0) {
            out[o++] = '0';
            out[o++] = '.';
            for (int i = -1; i > exp10; i--)
                out[o++] = '0';
            for (int i = 0; i < nd; i++)
                out[o++] = digits[i];
        } else {
            for (int i = 0; i <= exp10; i++)
                out[o++] = i < nd ? digits[i] : '0';
            out[o++] = '.';
            if (nd > exp10 + 1)
                for (int i = exp10 + 1; i < nd; i++)
                    out[o++] = digits[i];
            else
                out[o++] = '0';
        }
        out[o] = '\0';
        return snprintf(buf, cap, "%s", out);
    }
sci:
    out[o++] = digits[0];
    if (nd > 1) {
        out[o++] = '.';
        for (int i = 1; i < nd; i++)
            out[o++] = digits[i];
    }
    out[o] = '\0';
    return snprintf(buf, cap, "%se%c%02d", out, exp10 < 0 ? '-' : '+', abs(exp10));
}

void model_str_repr(sim_buf *b, const char *s, size_t n)
{
    char q = '\'';
    if (memchr(s, '\'', n) && !memchr(s, '"', n))
        q = '"';
    sim_buf_addc(b, q);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == (unsigned char)q || c == '\\') {
            sim_buf_addc(b, '\\');
            sim_buf_addc(b, (char)c);
        } else if (c == '\n') {
            sim_buf_adds(b, "\\n");
        } else if (c == '\r') {
            sim_buf_adds(b, "\\r");
        } else if (c == '\t') {
            sim_buf_adds(b, "\\t");
        } else if (c < 0x20 || c == 0x7f) {
            sim_buf_printf(b, "\\x%02x", c);
        } else {
            sim_buf_addc(b, (char)c); /* UTF-8 bytes pass through */
        }
    }
    sim_buf_addc(b, q);
}
