/*
 * model/py/ast.c — syntax tree nodes and scopes: allocation and release
 * (see ast.h).
 */
#include "ast.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *ast__xcalloc(size_t n)
{
    void *p = calloc(1, n);
    if (!p) {
        fputs("threadsim: out of memory\n", stderr);
        abort();
    }
    return p;
}

py_node *py_node_new(py_node_kind kind, int line, int col)
{
    py_node *n = ast__xcalloc(sizeof *n);
    n->kind = (uint8_t)kind;
    n->line = line;
    n->col = col;
    n->slot = -1;
    return n;
}

void py_nodes_push(py_nodes *l, py_node *n)
{
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 4;
        py_node **v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            fputs("threadsim: out of memory\n", stderr);
            abort();
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = n;
}

static void nodes_free(py_nodes *l)
{
    for (uint32_t i = 0; i < l->n; i++)
        py_node_free(l->v[i]);
    free(l->v);
}

void py_node_free(py_node *n)
{
    if (!n)
        return;
    py_node_free(n->a);
    py_node_free(n->b);
    py_node_free(n->c);
    nodes_free(&n->l1);
    nodes_free(&n->l2);
    nodes_free(&n->l3);
    nodes_free(&n->l4);
    free(n->name);
    free(n->name2);
    free(n->ops);
    py_code_free(n->code);
    free(n);
}

py_code *py_code_new(py_code_kind kind, const char *name, int line, py_code *parent)
{
    py_code *c = ast__xcalloc(sizeof *c);
    c->kind = kind;
    c->name = strdup(name);
    if (parent && parent->kind == PY_CODE_CLASS) {
        c->qualname = malloc(strlen(parent->qualname) + strlen(name) + 2);
        if (c->qualname)
            sprintf(c->qualname, "%s.%s", parent->qualname, name);
    } else if (parent && parent->kind != PY_CODE_MODULE) {
        c->qualname = malloc(strlen(parent->qualname) + strlen(name) + sizeof ".<locals>.");
        if (c->qualname)
            sprintf(c->qualname, "%s.<locals>.%s", parent->qualname, name);
    } else {
        c->qualname = strdup(name);
    }
    if (!c->name || !c->qualname)
        abort();
    c->line = line;
    c->parent = parent;
    c->vararg = c->kwarg = -1;
    return c;
}

static void names_free(char **v, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void py_code_free(py_code *c)
{
    if (!c)
        return;
    free(c->name);
    free(c->qualname);
    names_free(c->names, c->nlocals);
    free(c->cell);
    names_free(c->free, c->nfree);
    free(c->free_from);
    names_free(c->globals, c->nglobals);
    names_free(c->nonlocals, c->nnonlocals);
    names_free(c->assigned, c->nassigned);
    free(c);
}

int32_t py_code_local(const py_code *c, const char *name)
{
    for (uint32_t i = 0; i < c->nlocals; i++)
        if (strcmp(c->names[i], name) == 0)
            return (int32_t)i;
    return -1;
}

int32_t py_code_add_local(py_code *c, const char *name)
{
    int32_t s = py_code_local(c, name);
    if (s >= 0)
        return s;
    if (c->nlocals == c->cap_locals) {
        c->cap_locals = c->cap_locals ? c->cap_locals * 2 : 8;
        c->names = realloc(c->names, c->cap_locals * sizeof *c->names);
        c->cell = realloc(c->cell, c->cap_locals);
        if (!c->names || !c->cell)
            abort();
    }
    c->names[c->nlocals] = strdup(name);
    c->cell[c->nlocals] = 0;
    return (int32_t)c->nlocals++;
}

const char *py_op_symbol(int op)
{
    static const char *const sym[PY_OP__COUNT] = {
        [PY_OP_ADD] = "+", [PY_OP_SUB] = "-", [PY_OP_MUL] = "*", [PY_OP_DIV] = "/",
        [PY_OP_FLOORDIV] = "//", [PY_OP_MOD] = "%", [PY_OP_POW] = "** or pow()",
        [PY_OP_LSHIFT] = "<<", [PY_OP_RSHIFT] = ">>", [PY_OP_BITAND] = "&", [PY_OP_BITOR] = "|",
        [PY_OP_BITXOR] = "^", [PY_OP_MATMUL] = "@", [PY_OP_NEG] = "unary -",
        [PY_OP_POS] = "unary +", [PY_OP_INVERT] = "unary ~", [PY_OP_NOT] = "not",
        [PY_OP_AND] = "and", [PY_OP_OR] = "or", [PY_OP_EQ] = "==", [PY_OP_NE] = "!=",
        [PY_OP_LT] = "<", [PY_OP_LE] = "<=", [PY_OP_GT] = ">", [PY_OP_GE] = ">=",
        [PY_OP_IS] = "is", [PY_OP_ISNOT] = "is not", [PY_OP_IN] = "in", [PY_OP_NOTIN] = "not in",
    };
    return op >= 0 && op < PY_OP__COUNT && sym[op] ? sym[op] : "?";
}
