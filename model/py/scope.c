/*
 * model/py/scope.c — name resolution (see scope.h).
 *
 * Free variables are found lazily: the first time a scope reads a name it
 * does not bind, find_free walks outwards; every function scope on the way
 * gets the name as a free variable too, so a closure can hand the cell
 * down level by level when functions are created at run time.
 */
#include "scope.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool has(char **v, uint32_t n, const char *name)
{
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(v[i], name) == 0)
            return true;
    return false;
}

static void push_name(char ***v, uint32_t *n, const char *name)
{
    if (has(*v, *n, name))
        return;
    char **nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv)
        abort();
    *v = nv;
    nv[(*n)++] = strdup(name);
}

void py_scope_bind(py_code *c, const char *name)
{
    switch (c->kind) {
    case PY_CODE_MODULE:
        break;
    case PY_CODE_CLASS:
        push_name(&c->assigned, &c->nassigned, name);
        break;
    case PY_CODE_FUNC:
    case PY_CODE_COMP:
        py_code_add_local(c, name);
        break;
    }
}

void py_scope_declare_global(py_code *c, const char *name) { push_name(&c->globals, &c->nglobals, name); }
void py_scope_declare_nonlocal(py_code *c, const char *name)
{
    push_name(&c->nonlocals, &c->nnonlocals, name);
}

static int32_t add_free(py_code *c, const char *name, int32_t from)
{
    if (c->nfree == c->cap_free) {
        c->cap_free = c->cap_free ? c->cap_free * 2 : 4;
        c->free = realloc(c->free, c->cap_free * sizeof *c->free);
        c->free_from = realloc(c->free_from, c->cap_free * sizeof *c->free_from);
        if (!c->free || !c->free_from)
            abort();
    }
    c->free[c->nfree] = strdup(name);
    c->free_from[c->nfree] = from;
    return (int32_t)c->nfree++;
}

/* Index of `name` among c's free variables, adding it (and passing it down
 * from the enclosing scopes) if an enclosing function binds it; -1 if none
 * does (the name is global). */
static int32_t find_free(py_code *c, const char *name)
{
    for (uint32_t i = 0; i < c->nfree; i++)
        if (strcmp(c->free[i], name) == 0)
            return (int32_t)i;
    py_code *p = c->parent;
    if (!p || p->kind == PY_CODE_MODULE)
        return -1;
    if (has(p->globals, p->nglobals, name))
        return -1;
    if (p->kind != PY_CODE_CLASS && !has(p->nonlocals, p->nnonlocals, name)) {
        int32_t slot = py_code_local(p, name);
        if (slot >= 0) {
            p->cell[slot] = 1;
            return add_free(c, name, slot);
        }
    }
    int32_t pidx = find_free(p, name);
    if (pidx < 0)
        return -1;
    return add_free(c, name, -1 - pidx);
}

typedef struct resolver {
    py_syntax_error *err;
    bool failed;
} resolver;

static void fail(resolver *r, const py_node *at, const char *fmt, const char *name)
{
    if (r->failed)
        return;
    r->failed = true;
    r->err->type = "SyntaxError";
    snprintf(r->err->msg, sizeof r->err->msg, fmt, name);
    r->err->line = at->line;
    r->err->col = at->col;
}

/* Resolve `name` as used in scope `c`, into *scope / *slot. */
static void resolve_name(resolver *r, py_code *c, const py_node *at, const char *name,
                         uint8_t *scope, int32_t *slot)
{
    *slot = -1;
    if (c->kind == PY_CODE_MODULE || has(c->globals, c->nglobals, name)) {
        *scope = PY_SC_GLOBAL;
        return;
    }
    if (has(c->nonlocals, c->nnonlocals, name)) {
        int32_t idx = find_free(c, name);
        if (idx < 0)
            fail(r, at, "no binding for nonlocal '%s' found", name);
        *scope = PY_SC_FREE;
        *slot = idx;
        return;
    }
    if (c->kind == PY_CODE_CLASS) {
        if (has(c->assigned, c->nassigned, name)) {
            *scope = PY_SC_NAME;
            return;
        }
    } else {
        int32_t s = py_code_local(c, name);
        if (s >= 0) {
            *scope = PY_SC_LOCAL;
            *slot = s;
            return;
        }
    }
    int32_t idx = find_free(c, name);
    if (idx >= 0) {
        *scope = PY_SC_FREE;
        *slot = idx;
    } else {
        *scope = PY_SC_GLOBAL;
    }
}

static void resolve_list(resolver *r, py_code *c, py_nodes *l);

static void resolve(resolver *r, py_code *c, py_node *n)
{
    if (!n || r->failed)
        return;
    switch (n->kind) {
    case PY_N_NAME:
        resolve_name(r, c, n, n->name, &n->scope, &n->slot);
        if (n->scope == PY_SC_GLOBAL || n->scope == PY_SC_NAME)
            n->value = py_str_from(n->name); /* the dict key, made once */
        return;
    case PY_N_FUNCDEF:
        resolve_name(r, c, n, n->name, &n->scope, &n->slot);
        resolve_list(r, c, &n->l1);
        resolve_list(r, c, &n->l2);
        resolve_list(r, c, &n->l3);
        resolve_list(r, n->code, n->code->body);
        return;
    case PY_N_LAMBDA:
        resolve_list(r, c, &n->l2);
        resolve_list(r, c, &n->l3);
        resolve_list(r, n->code, n->code->body);
        return;
    case PY_N_CLASSDEF:
        resolve_name(r, c, n, n->name, &n->scope, &n->slot);
        resolve_list(r, c, &n->l1);
        resolve_list(r, c, &n->l2);
        resolve_list(r, n->code, n->code->body);
        return;
    case PY_N_COMP:
        for (uint32_t i = 0; i < n->l1.n; i++) {
            py_node *g = n->l1.v[i];
            resolve(r, n->code, g->a);
            resolve(r, i == 0 ? c : n->code, g->b);
            resolve_list(r, n->code, &g->l1);
        }
        resolve(r, n->code, n->a);
        resolve(r, n->code, n->b);
        return;
    case PY_N_HANDLER:
        if (n->name)
            resolve_name(r, c, n, n->name, &n->scope, &n->slot);
        break;
    case PY_N_ALIAS: {
        const char *bound = n->name2 ? n->name2 : n->name;
        char *top = NULL;
        if (!n->name2 && strchr(n->name, '.'))
            bound = top = strndup(n->name, (size_t)(strchr(n->name, '.') - n->name));
        if (strcmp(bound, "*") != 0)
            resolve_name(r, c, n, bound, &n->scope, &n->slot);
        free(top);
        return;
    }
    case PY_N_GLOBAL:
    case PY_N_NONLOCAL:
        return; /* declarations, already recorded */
    default:
        break;
    }
    resolve(r, c, n->a);
    resolve(r, c, n->b);
    resolve(r, c, n->c);
    resolve_list(r, c, &n->l1);
    resolve_list(r, c, &n->l2);
    resolve_list(r, c, &n->l3);
    resolve_list(r, c, &n->l4);
}

static void resolve_list(resolver *r, py_code *c, py_nodes *l)
{
    for (uint32_t i = 0; i < l->n; i++)
        resolve(r, c, l->v[i]);
}

int py_scope_resolve(py_code *module, py_nodes *body, py_syntax_error *err)
{
    resolver r = {.err = err};
    resolve_list(&r, module, body);
    return r.failed ? -1 : 0;
}
