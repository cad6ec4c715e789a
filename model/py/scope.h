/*
 * model/py/scope.h — which scope each name lives in (CPython's symtable,
 * small).
 *
 * While parsing, every binding of a name (assignment, for, with-as,
 * except-as, import, def, class, parameters, comprehension targets) is
 * recorded in the scope being parsed, with `global` and `nonlocal`
 * declarations. py_scope_resolve then walks the tree and gives every NAME
 * (and every node that binds a name by string: def, class, import alias,
 * except-as) its scope kind and slot:
 *
 *   module body          GLOBAL
 *   function, lambda,    LOCAL slot if bound there (and not declared
 *   comprehension        global); FREE if bound in an enclosing function
 *                        (that function's slot becomes a cell); else GLOBAL
 *   class body           NAME if bound in the body; FREE if bound in an
 *                        enclosing function; else GLOBAL
 *
 * Class bodies do not enclose the functions defined in them (methods see
 * globals, not class attributes), as in Python.
 */
#ifndef MODEL_PY_SCOPE_H
#define MODEL_PY_SCOPE_H

#include "ast.h"
#include "lexer.h"

/* `name` is bound in scope `c`. */
void py_scope_bind(py_code *c, const char *name);
void py_scope_declare_global(py_code *c, const char *name);
void py_scope_declare_nonlocal(py_code *c, const char *name);
/* Resolve every name of the module. Returns 0, or -1 with *err filled
 * (e.g. "no binding for nonlocal 'x' found"). */
int py_scope_resolve(py_code *module, py_nodes *body, py_syntax_error *err);

#endif
