/*
 * model/py/parser.h — tokens to a syntax tree (recursive descent).
 *
 * The grammar is Python 3's for the statements and expressions listed in
 * model/py/README.md; under `python == 2` it also reads the print statement
 * (unless `from __future__ import print_function`), `except E, e:`, `<>`,
 * and integer literals such as 0777. Names assigned in each scope are
 * recorded while parsing; scope.c then resolves every name (py_parse does
 * both). Constants are allocated in the current heap, which the caller sets
 * to an immortal one (py_program does).
 */
#ifndef MODEL_PY_PARSER_H
#define MODEL_PY_PARSER_H

#include <stddef.h>

#include "ast.h"
#include "lexer.h"

/* Parse a module. On success returns 0 and fills *body (the statements) and
 * *code (the module scope, owning the scope tree). On a syntax error returns
 * -1 with *err filled and nothing to free. */
int py_parse(const char *src, size_t n, int python, py_nodes *body, py_code **code,
             py_syntax_error *err);
/* Free what py_parse returned. */
void py_parse_free(py_nodes *body, py_code *code);

#endif
