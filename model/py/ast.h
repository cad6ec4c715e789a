/*
 * model/py/ast.h — the syntax tree the parser builds and the evaluator walks.
 *
 * One node struct for every kind: a kind, a source position and a few
 * generic slots whose roles depend on the kind (table below). Function,
 * lambda, class, comprehension and module bodies carry a py_code: their
 * scope (local slots, cells, free variables), resolved once after parsing
 * (scope.c), so the evaluator finds every variable by index, the way
 * CPython's compiler does.
 *
 *   kind          a          b          c        l1          l2        l3/l4      other
 *   CONST                                                                          value
 *   NAME                                                                           name scope slot
 *   ATTR          object                                                           name
 *   SUBSCR        object     index
 *   SLICE         lower      upper      step     (each may be NULL)
 *   CALL          function                       args        keywords (KEYWORD nodes)
 *   KEYWORD       value                                                            name (NULL: **)
 *   STARRED       value
 *   BINOP         left       right                                                 op
 *   UNARY         operand                                                          op
 *   BOOLOP                                       values                            op (AND/OR)
 *   COMPARE       left                           comparands  -                     ops[]
 *   IFEXP         test       body       orelse
 *   LAMBDA                                       defaults    kwdefaults            code
 *   TUPLE/LIST/SET                               items
 *   DICT                                         keys        values   (key NULL: **value)
 *   COMP          element    value(dict)         generators (COMPFOR)              op=LIST/SET/DICT/GEN, code
 *   COMPFOR       target     iter                ifs
 *   FSTRING                                      parts (CONST or FORMATTED)
 *   FORMATTED     value      spec(FSTRING)                                         op = conversion char or 0
 *
 *   EXPR          value
 *   ASSIGN        value                          targets
 *   AUGASSIGN     target     value                                                 op
 *   ANNASSIGN     target     value(or NULL)
 *   IF/WHILE      test                           body        orelse
 *   FOR           target     iter                body        orelse
 *   RETURN        value (or NULL)
 *   RAISE         exc        cause
 *   TRY                                          body        handlers  l3 orelse, l4 finally
 *   HANDLER       type                           body                              name (as)
 *   WITH                                         items       body
 *   WITHITEM      context    target
 *   ASSERT        test       msg
 *   DEL                                          targets
 *   GLOBAL/NONLOCAL                              names (NAME nodes)
 *   IMPORT                                       aliases
 *   IMPORTFROM                                   aliases                           name (module)
 *   ALIAS                                                                          name, asname
 *   FUNCDEF                                      decorators  defaults  l3 kwdefaults  name, code
 *   CLASSDEF                                     decorators  bases                 name, code
 *   PRINT (py2)   dest(>>)                       items                             op = trailing comma
 *   PASS/BREAK/CONTINUE
 */
#ifndef MODEL_PY_AST_H
#define MODEL_PY_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "value.h"

typedef enum py_node_kind {
    /* expressions */
    PY_N_CONST, PY_N_NAME, PY_N_ATTR, PY_N_SUBSCR, PY_N_SLICE, PY_N_CALL, PY_N_KEYWORD,
    PY_N_STARRED, PY_N_BINOP, PY_N_UNARY, PY_N_BOOLOP, PY_N_COMPARE, PY_N_IFEXP, PY_N_LAMBDA,
    PY_N_TUPLE, PY_N_LIST, PY_N_SET, PY_N_DICT, PY_N_COMP, PY_N_COMPFOR, PY_N_FSTRING,
    PY_N_FORMATTED,
    /* statements */
    PY_N_EXPR, PY_N_ASSIGN, PY_N_AUGASSIGN, PY_N_ANNASSIGN, PY_N_IF, PY_N_WHILE, PY_N_FOR,
    PY_N_RETURN, PY_N_RAISE, PY_N_TRY, PY_N_HANDLER, PY_N_WITH, PY_N_WITHITEM, PY_N_ASSERT,
    PY_N_DEL, PY_N_GLOBAL, PY_N_NONLOCAL, PY_N_IMPORT, PY_N_IMPORTFROM, PY_N_ALIAS,
    PY_N_FUNCDEF, PY_N_CLASSDEF, PY_N_PRINT, PY_N_PASS, PY_N_BREAK, PY_N_CONTINUE,
} py_node_kind;

/* Operators (BINOP, AUGASSIGN, UNARY, BOOLOP, COMPARE). */
typedef enum py_op {
    PY_OP_ADD, PY_OP_SUB, PY_OP_MUL, PY_OP_DIV, PY_OP_FLOORDIV, PY_OP_MOD, PY_OP_POW,
    PY_OP_LSHIFT, PY_OP_RSHIFT, PY_OP_BITAND, PY_OP_BITOR, PY_OP_BITXOR, PY_OP_MATMUL,
    PY_OP_NEG, PY_OP_POS, PY_OP_INVERT, PY_OP_NOT,
    PY_OP_AND, PY_OP_OR,
    PY_OP_EQ, PY_OP_NE, PY_OP_LT, PY_OP_LE, PY_OP_GT, PY_OP_GE, PY_OP_IS, PY_OP_ISNOT,
    PY_OP_IN, PY_OP_NOTIN,
    PY_OP__COUNT
} py_op;

/* Comprehension kinds (COMP op). */
enum { PY_COMP_LIST, PY_COMP_SET, PY_COMP_DICT, PY_COMP_GEN };

/* Where a NAME lives (set by scope.c). */
typedef enum py_scope_kind {
    PY_SC_UNRESOLVED,
    PY_SC_LOCAL,    /* slot in the frame (a cell if the code marks it so) */
    PY_SC_FREE,     /* index into the function's closure */
    PY_SC_GLOBAL,   /* the module's dict, then builtins */
    PY_SC_NAME,     /* class body: the class namespace, then globals, then builtins */
} py_scope_kind;

typedef struct py_node py_node;

typedef struct py_nodes {
    py_node **v;
    uint32_t n, cap;
} py_nodes;

struct py_node {
    uint8_t kind;             /* py_node_kind */
    int16_t op;               /* py_op, comprehension kind, conversion, flag */
    int line, col;            /* position of the node's first token */
    int end_col;              /* byte column after the node's last token on its first line */
    py_node *a, *b, *c;       /* roles by kind (see the table) */
    py_nodes l1, l2, l3, l4;
    py_obj *value;            /* CONST: the (immortal) value */
    char *name;               /* identifiers (owned) */
    char *name2;              /* ALIAS: the `as` name (owned), or NULL */
    uint8_t *ops;             /* COMPARE: one py_op per comparand (owned) */
    uint8_t scope;            /* NAME: py_scope_kind */
    int32_t slot;             /* NAME: local slot or free index */
    py_code *code;            /* FUNCDEF, LAMBDA, CLASSDEF, COMP */
};

typedef enum py_code_kind { PY_CODE_MODULE, PY_CODE_FUNC, PY_CODE_CLASS, PY_CODE_COMP } py_code_kind;

/* A scope and what runs in it. */
struct py_code {
    py_code_kind kind;
    char *name;               /* "f", "<lambda>", "<module>", "<listcomp>", the class name */
    char *qualname;           /* "C.f", "outer.<locals>.inner" (messages) */
    int line;                 /* line of the def/class/lambda */
    py_nodes *body;           /* statements (points into the defining node) */
    py_code *parent;          /* enclosing scope; NULL for the module */
    /* parameters: locals 0..nargs-1 positional, then nkwonly keyword-only */
    uint32_t nargs, nkwonly;
    int32_t vararg, kwarg;    /* slot of *args / **kwargs, or -1 */
    /* locals (functions and comprehensions) */
    char **names;             /* slot -> name (owned) */
    uint8_t *cell;            /* slot -> 1 if an inner scope captures it */
    uint32_t nlocals, cap_locals;
    /* free variables: names and where the defining scope finds each */
    char **free;              /* owned */
    int32_t *free_from;       /* >= 0: the parent's local slot (a cell); < 0: -1-index of the parent's free */
    uint32_t nfree, cap_free;
    /* declarations (scope building) */
    char **globals, **nonlocals;
    uint32_t nglobals, nnonlocals;
    /* class bodies: names assigned in the body */
    char **assigned;
    uint32_t nassigned;
};

/* Node construction (parser). Aborts on out-of-memory. */
py_node *py_node_new(py_node_kind kind, int line, int col);
void py_nodes_push(py_nodes *l, py_node *n);
void py_node_free(py_node *n);
py_code *py_code_new(py_code_kind kind, const char *name, int line, py_code *parent);
void py_code_free(py_code *c);
/* Slot of local `name` in `c`, or -1. */
int32_t py_code_local(const py_code *c, const char *name);
/* Add a local (if absent); returns its slot. */
int32_t py_code_add_local(py_code *c, const char *name);

/* Operator symbols for messages: "+", "<", "in"... */
const char *py_op_symbol(int op);

#endif
