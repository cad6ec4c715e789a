/*
 * model/pyfmt.h — Python's text forms of values, byte-exact: repr() of a
 * float (the shortest string that reads back to the same double, in CPython's
 * layout), repr() of a str.
 */
#ifndef MODEL_PYFMT_H
#define MODEL_PYFMT_H

#include <stddef.h>

#include "../sim/buf.h"

/* repr(float) as CPython 3 prints it: "0.1", "1e+16", "1.5e-05", "inf", "nan",
 * "-0.0". Writes at most cap bytes including the NUL; returns the length. */
int model_float_repr(double v, char *buf, size_t cap);
/* repr(str): quotes chosen as CPython does, escapes \\ \n \r \t and
 * non-printable bytes as \xNN. */
void model_str_repr(sim_buf *b, const char *s, size_t n);

#endif
