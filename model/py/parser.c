/*
 * model/py/parser.c — recursive descent over the token array (see parser.h).
 *
 * One function per grammar rule, named after the rule in CPython's old
 * Grammar file (test, or_test, comparison, atom, trailer...). Errors unwind
 * with longjmp to py_parse, which frees the half-built tree: every node is
 * also kept in a list of all nodes made, so nothing leaks whatever the
 * error's position. Names bound by a statement are recorded in the current
 * scope as the statement is parsed.
 */
#include "parser.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scope.h"

#define PARSE_MAX_DEPTH 200

typedef struct parser {
    py_token *t;              /* tokens */
    size_t pos, n;
    int python;
    bool print_function;      /* py2: from __future__ import print_function */
    py_code *cur;             /* scope being parsed */
    py_syntax_error *err;
    const py_syntax_error *unclosed; /* the lexer's pending "never closed", or NULL */
    jmp_buf fail;
    int depth;                /* expression nesting */
    py_nodes all;             /* every node made (freed on error) */
    py_code **codes;          /* every code made (freed on error) */
    size_t ncodes, cap_codes;
} parser;

static _Noreturn void p__fail_at(parser *p, const char *type, int line, int col, const char *fmt,
                                 ...) __attribute__((format(printf, 5, 6)));
static _Noreturn void p__fail_at(parser *p, const char *type, int line, int col, const char *fmt,
                                 ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
    va_end(ap);
    p->err->type = type;
    p->err->line = line;
    p->err->col = col;
    longjmp(p->fail, 1);
}

static _Noreturn void p__syntax(parser *p)
{
    py_token *t = &p->t[p->pos];
    if (p->unclosed && (t->kind == PY_T_EOF || t->kind == PY_T_NEWLINE || t->kind == PY_T_DEDENT)) {
        *p->err = *p->unclosed;
        longjmp(p->fail, 1);
    }
    if (t->kind == PY_T_INDENT)
        p__fail_at(p, "IndentationError", t->line, -1, "unexpected indent");
    p__fail_at(p, "SyntaxError", t->line, t->col, "invalid syntax");
}

/* ---- token helpers ----------------------------------------------------- */

static py_token *peek(parser *p) { return &p->t[p->pos]; }
static py_token *peek2(parser *p) { return &p->t[p->pos + 1 < p->n ? p->pos + 1 : p->pos]; }
static py_token *advance(parser *p)
{
    py_token *t = &p->t[p->pos];
    if (p->pos + 1 < p->n)
        p->pos++;
    return t;
}

static bool tok_is(const py_token *t, py_tok_kind k, const char *text)
{
    return t->kind == k && strlen(text) == t->len && memcmp(t->start, text, t->len) == 0;
}
static bool is_op(parser *p, const char *op) { return tok_is(peek(p), PY_T_OP, op); }
static bool is_kw(parser *p, const char *kw) { return tok_is(peek(p), PY_T_NAME, kw); }
static bool accept_op(parser *p, const char *op)
{
    if (!is_op(p, op))
        return false;
    advance(p);
    return true;
}
static bool accept_kw(parser *p, const char *kw)
{
    if (!is_kw(p, kw))
        return false;
    advance(p);
    return true;
}
static void expect_op(parser *p, const char *op)
{
    if (!accept_op(p, op)) {
        if (strcmp(op, ":") == 0 && peek(p)->kind == PY_T_NEWLINE)
            p__fail_at(p, "SyntaxError", peek(p)->line, peek(p)->col, "expected ':'");
        p__syntax(p);
    }
}

static const char *const p__keywords[] = {
    "False", "None", "True", "and", "as", "assert", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
    "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with",
    "yield", "async", "await", NULL,
};

static bool is_keyword(parser *p, const py_token *t)
{
    if (t->kind != PY_T_NAME)
        return false;
    for (const char *const *k = p__keywords; *k; k++)
        if (tok_is(t, PY_T_NAME, *k)) {
            if (p->python == 2 && (strcmp(*k, "nonlocal") == 0 || strcmp(*k, "True") == 0 ||
                                   strcmp(*k, "False") == 0 || strcmp(*k, "None") == 0 ||
                                   strcmp(*k, "async") == 0 || strcmp(*k, "await") == 0))
                return false;
            return true;
        }
    if (p->python == 2 && !p->print_function && tok_is(t, PY_T_NAME, "print"))
        return true;
    return false;
}

static char *tok_str(const py_token *t)
{
    char *s = malloc(t->len + 1);
    if (!s)
        abort();
    memcpy(s, t->start, t->len);
    s[t->len] = '\0';
    return s;
}

static char *expect_name(parser *p)
{
    py_token *t = peek(p);
    if (t->kind != PY_T_NAME || is_keyword(p, t))
        p__syntax(p);
    advance(p);
    return tok_str(t);
}

static py_node *node(parser *p, py_node_kind kind, const py_token *at)
{
    py_node *n = py_node_new(kind, at->line, at->col);
    py_nodes_push(&p->all, n);
    return n;
}

static py_code *code_new(parser *p, py_code_kind kind, const char *name, int line)
{
    py_code *c = py_code_new(kind, name, line, p->cur);
    if (p->ncodes == p->cap_codes) {
        p->cap_codes = p->cap_codes ? p->cap_codes * 2 : 32;
        p->codes = realloc(p->codes, p->cap_codes * sizeof *p->codes);
        if (!p->codes)
            abort();
    }
    p->codes[p->ncodes++] = c;
    return c;
}

/* Record that `name` is bound in the current scope. */
static void bind(parser *p, const char *name) { py_scope_bind(p->cur, name); }

/* ---- expressions ------------------------------------------------------- */

static py_node *test(parser *p);
static py_node *expr(parser *p);
static py_node *or_test(parser *p);
static py_node *testlist(parser *p, bool star, bool *is_tuple);
static void comp_for(parser *p, py_node *comp);
static void parse_block(parser *p, py_nodes *body, const char *what, int line);
/* Parse the body of an f-string, appending its parts to `fs`. */
static void fstring(parser *p, const py_token *t, const char *s, size_t n, py_node *fs);

static void enter(parser *p)
{
    if (++p->depth > PARSE_MAX_DEPTH)
        p__fail_at(p, "SyntaxError", peek(p)->line, peek(p)->col,
                   "too many nested parentheses");
}

static py_node *const_node(parser *p, const py_token *at, py_obj *v)
{
    py_node *n = node(p, PY_N_CONST, at);
    n->value = v;
    return n;
}

/* Adjacent string literals, joined; f-strings make an FSTRING node. */
static py_node *strings(parser *p)
{
    py_token *first = peek(p);
    bool any_f = false;
    size_t i = p->pos;
    while (p->t[i].kind == PY_T_STRING) {
        any_f |= p->t[i].fstring;
        i++;
    }
    if (!any_f) {
        sim_buf b = {0};
        while (peek(p)->kind == PY_T_STRING) {
            py_token *t = advance(p);
            sim_buf_add(&b, t->sval, t->slen);
        }
        return const_node(p, first, py_str_take(&b));
    }
    py_node *fs = node(p, PY_N_FSTRING, first);
    while (peek(p)->kind == PY_T_STRING) {
        py_token *t = advance(p);
        if (t->fstring) {
            fstring(p, t, t->sval, t->slen, fs);
        } else {
            py_nodes_push(&fs->l1, const_node(p, t, py_str_new(t->sval, t->slen)));
        }
    }
    return fs;
}

static py_node *atom(parser *p)
{
    py_token *t = peek(p);
    switch (t->kind) {
    case PY_T_INT:
        advance(p);
        return const_node(p, t, py_int_new(t->ival));
    case PY_T_FLOAT:
        advance(p);
        return const_node(p, t, py_float_new(t->fval));
    case PY_T_STRING:
        return strings(p);
    case PY_T_NAME:
        if (tok_is(t, PY_T_NAME, "None") || tok_is(t, PY_T_NAME, "True") ||
            tok_is(t, PY_T_NAME, "False")) {
            advance(p);
            py_obj *v = t->start[0] == 'N' ? py_None : t->start[0] == 'T' ? py_True : py_False;
            return const_node(p, t, v);
        }
        if (is_keyword(p, t))
            p__syntax(p);
        {
            advance(p);
            py_node *n = node(p, PY_N_NAME, t);
            n->name = tok_str(t);
            return n;
        }
    case PY_T_OP:
        break;
    default:
        p__syntax(p);
    }
    if (accept_op(p, "...")) 
        return const_node(p, t, py_None);
    if (accept_op(p, "(")) {
        enter(p);
        if (accept_op(p, ")")) {
            p->depth--;
            py_node *tup = node(p, PY_N_TUPLE, t);
            return tup;
        }
        py_node *first = is_op(p, "*") ? NULL : test(p);
        if (first && is_kw(p, "for")) {
            py_node *comp = node(p, PY_N_COMP, t);
            comp->op = PY_COMP_GEN;
            comp->a = first;
            comp_for(p, comp);
            expect_op(p, ")");
            p->depth--;
            return comp;
        }
        if (first && accept_op(p, ")")) {
            p->depth--;
            return first; /* parenthesized expression */
        }
        py_node *tup = node(p, PY_N_TUPLE, t);
        if (first) {
            py_nodes_push(&tup->l1, first);
            expect_op(p, ",");
        }
        while (!is_op(p, ")")) {
            if (is_op(p, "*")) {
                py_token *st = advance(p);
                py_node *s = node(p, PY_N_STARRED, st);
                s->a = expr(p);
                py_nodes_push(&tup->l1, s);
            } else {
                py_nodes_push(&tup->l1, test(p));
            }
            if (!accept_op(p, ","))
                break;
        }
        expect_op(p, ")");
        p->depth--;
        return tup;
    }
    if (accept_op(p, "[")) {
        enter(p);
        py_node *lst = node(p, PY_N_LIST, t);
        if (!is_op(p, "]")) {
            py_node *first = test(p);
            if (is_kw(p, "for")) {
                lst->kind = PY_N_COMP;
                lst->op = PY_COMP_LIST;
                lst->a = first;
                comp_for(p, lst);
                expect_op(p, "]");
                p->depth--;
                return lst;
            }
            py_nodes_push(&lst->l1, first);
            while (accept_op(p, ",") && !is_op(p, "]")) {
                if (is_op(p, "*")) {
                    py_token *st = advance(p);
                    py_node *s = node(p, PY_N_STARRED, st);
                    s->a = expr(p);
                    py_nodes_push(&lst->l1, s);
                } else {
                    py_nodes_push(&lst->l1, test(p));
                }
            }
        }
        expect_op(p, "]");
        p->depth--;
        return lst;
    }
    if (accept_op(p, "{")) {
        enter(p);
        py_node *d = node(p, PY_N_DICT, t);
        if (accept_op(p, "}")) {
            p->depth--;
            return d;
        }
        if (accept_op(p, "**")) {
            py_nodes_push(&d->l1, NULL);
            py_nodes_push(&d->l2, expr(p));
        } else {
            py_node *k = test(p);
            if (accept_op(p, ":")) {
                py_node *v = test(p);
                if (is_kw(p, "for")) {
                    d->kind = PY_N_COMP;
                    d->op = PY_COMP_DICT;
                    d->a = k;
                    d->b = v;
                    comp_for(p, d);
                    expect_op(p, "}");
                    p->depth--;
                    return d;
                }
                py_nodes_push(&d->l1, k);
                py_nodes_push(&d->l2, v);
            } else {
                d->kind = PY_N_SET;
                if (is_kw(p, "for")) {
                    d->kind = PY_N_COMP;
                    d->op = PY_COMP_SET;
                    d->a = k;
                    comp_for(p, d);
                    expect_op(p, "}");
                    p->depth--;
                    return d;
                }
                py_nodes_push(&d->l1, k);
            }
        }
        while (accept_op(p, ",") && !is_op(p, "}")) {
            if (d->kind == PY_N_SET) {
                py_nodes_push(&d->l1, test(p));
            } else if (accept_op(p, "**")) {
                py_nodes_push(&d->l1, NULL);
                py_nodes_push(&d->l2, expr(p));
            } else {
                py_nodes_push(&d->l1, test(p));
                expect_op(p, ":");
                py_nodes_push(&d->l2, test(p));
            }
        }
        expect_op(p, "}");
        p->depth--;
        return d;
    }
    p__syntax(p);
}

static py_node *subscript(parser *p)
{
    py_token *t = peek(p);
    py_node *lo = NULL;
    if (!is_op(p, ":"))
        lo = test(p);
    if (!accept_op(p, ":"))
        return lo;
    py_node *s = node(p, PY_N_SLICE, t);
    s->a = lo;
    if (!is_op(p, "]") && !is_op(p, ":") && !is_op(p, ","))
        s->b = test(p);
    if (accept_op(p, ":") && !is_op(p, "]") && !is_op(p, ","))
        s->c = test(p);
    return s;
}

static void arglist(parser *p, py_node *call)
{
    while (!is_op(p, ")")) {
        py_token *t = peek(p);
        if (accept_op(p, "*")) {
            py_node *s = node(p, PY_N_STARRED, t);
            s->a = test(p);
            py_nodes_push(&call->l1, s);
        } else if (accept_op(p, "**")) {
            py_node *k = node(p, PY_N_KEYWORD, t);
            k->a = test(p);
            py_nodes_push(&call->l2, k);
        } else if (t->kind == PY_T_NAME && tok_is(peek2(p), PY_T_OP, "=")) {
            py_node *k = node(p, PY_N_KEYWORD, t);
            k->name = expect_name(p);
            advance(p); /* = */
            k->a = test(p);
            py_nodes_push(&call->l2, k);
        } else {
            py_node *a = test(p);
            if (is_kw(p, "for")) {
                py_node *comp = node(p, PY_N_COMP, t);
                comp->op = PY_COMP_GEN;
                comp->a = a;
                comp_for(p, comp);
                a = comp;
            }
            if (call->l2.n)
                p__fail_at(p, "SyntaxError", t->line, t->col,
                           "positional argument follows keyword argument");
            py_nodes_push(&call->l1, a);
        }
        if (!accept_op(p, ","))
            break;
    }
    expect_op(p, ")");
}

static py_node *atom_expr(parser *p)
{
    py_node *e = atom(p);
    for (;;) {
        py_token *t = peek(p);
        if (accept_op(p, "(")) {
            enter(p);
            py_node *c = node(p, PY_N_CALL, t);
            c->line = e->line;
            c->col = e->col;
            c->a = e;
            arglist(p, c);
            p->depth--;
            e = c;
        } else if (accept_op(p, "[")) {
            enter(p);
            py_node *s = node(p, PY_N_SUBSCR, t);
            s->line = e->line;
            s->col = e->col;
            s->a = e;
            py_node *first = subscript(p);
            if (is_op(p, ",")) {
                py_node *tup = node(p, PY_N_TUPLE, t);
                py_nodes_push(&tup->l1, first);
                while (accept_op(p, ",") && !is_op(p, "]"))
                    py_nodes_push(&tup->l1, subscript(p));
                first = tup;
            }
            s->b = first;
            expect_op(p, "]");
            p->depth--;
            e = s;
        } else if (accept_op(p, ".")) {
            py_node *a = node(p, PY_N_ATTR, t);
            a->line = e->line;
            a->col = e->col;
            a->a = e;
            py_token *nt = peek(p);
            if (nt->kind != PY_T_NAME)
                p__syntax(p);
            advance(p);
            a->name = tok_str(nt);
            e = a;
        } else {
            return e;
        }
    }
}

static py_node *factor(parser *p);

static py_node *power(parser *p)
{
    py_node *e = atom_expr(p);
    py_token *t = peek(p);
    if (accept_op(p, "**")) {
        py_node *b = node(p, PY_N_BINOP, t);
        b->line = e->line;
        b->col = e->col;
        b->op = PY_OP_POW;
        b->a = e;
        enter(p);
        b->b = factor(p);
        p->depth--;
        return b;
    }
    return e;
}

static py_node *factor(parser *p)
{
    py_token *t = peek(p);
    int op = is_op(p, "-") ? PY_OP_NEG : is_op(p, "+") ? PY_OP_POS : is_op(p, "~") ? PY_OP_INVERT : -1;
    if (op < 0)
        return power(p);
    advance(p);
    enter(p);
    py_node *operand = factor(p);
    p->depth--;
    /* fold -<number> so that -9223372036854775808 ... stays a constant */
    if (op == PY_OP_NEG && operand->kind == PY_N_CONST && operand->value->kind == PY_K_INT &&
        peek(p)->kind != PY_T_OP) {
        operand->value = py_int_new(-PY_INT(operand->value));
        operand->line = t->line;
        operand->col = t->col;
        return operand;
    }
    if (op == PY_OP_NEG && operand->kind == PY_N_CONST && operand->value->kind == PY_K_FLOAT &&
        !is_op(p, "**")) {
        operand->value = py_float_new(-PY_FLOAT(operand->value));
        operand->line = t->line;
        operand->col = t->col;
        return operand;
    }
    py_node *u = node(p, PY_N_UNARY, t);
    u->op = (int16_t)op;
    u->a = operand;
    return u;
}

typedef struct binop_level {
    const char *ops[6];
    int codes[6];
} binop_level;

static const binop_level levels[] = {
    {{"|"}, {PY_OP_BITOR}},
    {{"^"}, {PY_OP_BITXOR}},
    {{"&"}, {PY_OP_BITAND}},
    {{"<<", ">>"}, {PY_OP_LSHIFT, PY_OP_RSHIFT}},
    {{"+", "-"}, {PY_OP_ADD, PY_OP_SUB}},
    {{"*", "/", "%", "//", "@"}, {PY_OP_MUL, PY_OP_DIV, PY_OP_MOD, PY_OP_FLOORDIV, PY_OP_MATMUL}},
};

static py_node *binary(parser *p, int level)
{
    if (level == (int)(sizeof levels / sizeof levels[0]))
        return factor(p);
    py_node *e = binary(p, level + 1);
    for (;;) {
        py_token *t = peek(p);
        int code = -1;
        for (int k = 0; k < 6 && levels[level].ops[k]; k++)
            if (tok_is(t, PY_T_OP, levels[level].ops[k]))
                code = levels[level].codes[k];
        if (code < 0)
            return e;
        advance(p);
        py_node *b = node(p, PY_N_BINOP, t);
        b->line = e->line;
        b->col = e->col;
        b->op = (int16_t)code;
        b->a = e;
        b->b = binary(p, level + 1);
        e = b;
    }
}

static py_node *expr(parser *p) { return binary(p, 0); }

static int comp_op(parser *p)
{
    py_token *t = peek(p);
    if (t->kind == PY_T_OP) {
        static const struct { const char *s; int op; } ops[] = {
            {"==", PY_OP_EQ}, {"!=", PY_OP_NE}, {"<>", PY_OP_NE}, {"<", PY_OP_LT},
            {"<=", PY_OP_LE}, {">", PY_OP_GT}, {">=", PY_OP_GE},
        };
        for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
            if (tok_is(t, PY_T_OP, ops[k].s)) {
                advance(p);
                return ops[k].op;
            }
        return -1;
    }
    if (accept_kw(p, "in"))
        return PY_OP_IN;
    if (is_kw(p, "not") && tok_is(peek2(p), PY_T_NAME, "in")) {
        advance(p);
        advance(p);
        return PY_OP_NOTIN;
    }
    if (accept_kw(p, "is"))
        return accept_kw(p, "not") ? PY_OP_ISNOT : PY_OP_IS;
    return -1;
}

static py_node *comparison(parser *p)
{
    py_node *e = expr(p);
    int op = comp_op(p);
    if (op < 0)
        return e;
    py_node *c = node(p, PY_N_COMPARE, &(py_token){.line = e->line, .col = e->col});
    c->a = e;
    size_t cap = 4;
    c->ops = malloc(cap);
    if (!c->ops)
        abort();
    while (op >= 0) {
        if (c->l1.n == cap) {
            cap *= 2;
            c->ops = realloc(c->ops, cap);
            if (!c->ops)
                abort();
        }
        c->ops[c->l1.n] = (uint8_t)op;
        py_nodes_push(&c->l1, expr(p));
        op = comp_op(p);
    }
    return c;
}

static py_node *not_test(parser *p)
{
    py_token *t = peek(p);
    if (accept_kw(p, "not")) {
        py_node *u = node(p, PY_N_UNARY, t);
        u->op = PY_OP_NOT;
        enter(p);
        u->a = not_test(p);
        p->depth--;
        return u;
    }
    return comparison(p);
}

static py_node *bool_chain(parser *p, const char *kw, int op, py_node *(*sub)(parser *))
{
    py_node *e = sub(p);
    if (!is_kw(p, kw))
        return e;
    py_node *b = node(p, PY_N_BOOLOP, &(py_token){.line = e->line, .col = e->col});
    b->op = (int16_t)op;
    py_nodes_push(&b->l1, e);
    while (accept_kw(p, kw))
        py_nodes_push(&b->l1, sub(p));
    return b;
}

static py_node *and_test(parser *p) { return bool_chain(p, "and", PY_OP_AND, not_test); }
static py_node *or_test(parser *p) { return bool_chain(p, "or", PY_OP_OR, and_test); }

/* Parameters of def (parens) or lambda (up to ':'). Names become the first
 * locals of `code` in slot order: positional, keyword-only, *args, **kwargs. */
static void parameters(parser *p, py_code *code, py_node *def, const char *close)
{
    char *pos[256], *kwonly[256], *var = NULL, *kw = NULL;
    int npos = 0, nkw = 0;
    bool star = false;
    while (!is_op(p, close)) {
        py_token *t = peek(p);
        if (accept_op(p, "**")) {
            kw = expect_name(p);
        } else if (accept_op(p, "*")) {
            star = true;
            if (!is_op(p, ",") && !is_op(p, close))
                var = expect_name(p);
        } else {
            char *name = expect_name(p);
            if (is_op(p, ":") && strcmp(close, ")") == 0) {
                advance(p);
                (void)test(p); /* annotation: ignored */
            }
            if (npos >= 255 || nkw >= 255)
                p__fail_at(p, "SyntaxError", t->line, t->col, "too many arguments");
            if (accept_op(p, "=")) {
                py_node *d = test(p); /* evaluated in the enclosing scope */
                if (star) {
                    py_node *k = node(p, PY_N_KEYWORD, t);
                    k->name = strdup(name);
                    k->a = d;
                    py_nodes_push(&def->l3, k);
                } else {
                    py_nodes_push(&def->l2, d);
                }
            } else if (!star && def->l2.n) {
                p__fail_at(p, "SyntaxError", t->line, t->col,
                           "non-default argument follows default argument");
            }
            if (star)
                kwonly[nkw++] = name;
            else
                pos[npos++] = name;
        }
        if (kw && !is_op(p, close) && !tok_is(peek(p), PY_T_OP, ","))
            p__syntax(p);
        if (!accept_op(p, ","))
            break;
    }
    for (int i = 0; i < npos; i++) {
        if (py_code_local(code, pos[i]) >= 0)
            p__fail_at(p, "SyntaxError", code->line, 0,
                       "duplicate argument '%s' in function definition", pos[i]);
        py_code_add_local(code, pos[i]);
        free(pos[i]);
    }
    for (int i = 0; i < nkw; i++) {
        py_code_add_local(code, kwonly[i]);
        free(kwonly[i]);
    }
    code->nargs = (uint32_t)npos;
    code->nkwonly = (uint32_t)nkw;
    if (var) {
        code->vararg = py_code_add_local(code, var);
        free(var);
    }
    if (kw) {
        code->kwarg = py_code_add_local(code, kw);
        free(kw);
    }
}

static py_node *lambdef(parser *p)
{
    py_token *t = advance(p); /* lambda */
    py_node *lam = node(p, PY_N_LAMBDA, t);
    py_code *code = code_new(p, PY_CODE_FUNC, "<lambda>", t->line);
    parameters(p, code, lam, ":");
    expect_op(p, ":");
    py_code *outer = p->cur;
    p->cur = code;
    py_node *ret = node(p, PY_N_RETURN, t);
    ret->a = test(p);
    p->cur = outer;
    py_node *holder = node(p, PY_N_PASS, t); /* owns the body list */
    py_nodes_push(&holder->l1, ret);
    lam->a = holder;
    code->body = &holder->l1;
    lam->code = code;
    return lam;
}

static py_node *test(parser *p)
{
    if (is_kw(p, "lambda"))
        return lambdef(p);
    enter(p);
    py_node *e = or_test(p);
    if (is_kw(p, "if") ) {
        py_token *t = advance(p);
        py_node *c = node(p, PY_N_IFEXP, t);
        c->line = e->line;
        c->col = e->col;
        c->b = e;
        c->a = or_test(p);
        if (!accept_kw(p, "else"))
            p__fail_at(p, "SyntaxError", peek(p)->line, peek(p)->col,
                       "expected 'else' after 'if' expression");
        c->c = test(p);
        e = c;
    }
    p->depth--;
    return e;
}

/* Record the names a target binds. */
static void bind_target(parser *p, py_node *t)
{
    switch (t->kind) {
    case PY_N_NAME:
        bind(p, t->name);
        break;
    case PY_N_TUPLE:
    case PY_N_LIST:
        for (uint32_t i = 0; i < t->l1.n; i++)
            bind_target(p, t->l1.v[i]);
        break;
    case PY_N_STARRED:
        bind_target(p, t->a);
        break;
    case PY_N_ATTR:
    case PY_N_SUBSCR:
        break;
    default:
        p__fail_at(p, "SyntaxError", t->line, t->col, "cannot assign to %s",
                   t->kind == PY_N_CALL ? "function call" : t->kind == PY_N_CONST ? "literal"
                                                                                 : "expression");
    }
}

/* exprlist of a for target: expr or star_expr, comma separated. */
static py_node *target_list(parser *p)
{
    py_token *t = peek(p);
    py_node *first;
    if (accept_op(p, "*")) {
        first = node(p, PY_N_STARRED, t);
        first->a = expr(p);
    } else {
        first = expr(p);
    }
    if (!is_op(p, ","))
        return first;
    py_node *tup = node(p, PY_N_TUPLE, t);
    py_nodes_push(&tup->l1, first);
    while (accept_op(p, ",") && !is_kw(p, "in") && !is_op(p, "=")) {
        py_token *st = peek(p);
        if (accept_op(p, "*")) {
            py_node *s = node(p, PY_N_STARRED, st);
            s->a = expr(p);
            py_nodes_push(&tup->l1, s);
        } else {
            py_nodes_push(&tup->l1, expr(p));
        }
    }
    return tup;
}

/* The `for ... in ... if ...` clauses of a comprehension. The whole
 * comprehension is its own scope; its first iterable is evaluated outside
 * (in the enclosing scope), as in Python 3. */
static void comp_for(parser *p, py_node *comp)
{
    static const char *const names[] = {"<listcomp>", "<setcomp>", "<dictcomp>", "<genexpr>"};
    py_code *code = code_new(p, PY_CODE_COMP, names[comp->op], comp->line);
    py_code_add_local(code, ".0");
    code->nargs = 1;
    comp->code = code;
    py_code *outer = p->cur;
    bool first = true;
    /* The element was parsed before we knew it was in a comprehension: its
     * names are resolved by scope.c against this code, which is right. */
    while (is_kw(p, "for")) {
        py_token *t = advance(p);
        py_node *gen = node(p, PY_N_COMPFOR, t);
        p->cur = code;
        gen->a = target_list(p);
        bind_target(p, gen->a);
        if (!accept_kw(p, "in"))
            p__syntax(p);
        p->cur = first ? outer : code;
        gen->b = or_test(p);
        p->cur = code;
        while (is_kw(p, "if")) {
            advance(p);
            py_nodes_push(&gen->l1, or_test(p));
        }
        py_nodes_push(&comp->l1, gen);
        first = false;
    }
    p->cur = outer;
}

/* testlist / testlist_star_expr: a tuple if a comma appears. */
static py_node *testlist(parser *p, bool star, bool *is_tuple)
{
    py_token *t = peek(p);
    py_node *first;
    if (star && accept_op(p, "*")) {
        first = node(p, PY_N_STARRED, t);
        first->a = expr(p);
    } else {
        first = test(p);
    }
    if (is_tuple)
        *is_tuple = false;
    if (!is_op(p, ","))
        return first;
    py_node *tup = node(p, PY_N_TUPLE, t);
    py_nodes_push(&tup->l1, first);
    if (is_tuple)
        *is_tuple = true;
    while (accept_op(p, ",")) {
        py_token *k = peek(p);
        if (k->kind == PY_T_NEWLINE || is_op(p, "=") || is_op(p, ")") || is_op(p, ";") ||
            (k->kind == PY_T_OP && k->len >= 2 && k->start[k->len - 1] == '=' &&
             !tok_is(k, PY_T_OP, "==")) || is_op(p, ":"))
            break;
        if (star && accept_op(p, "*")) {
            py_node *s = node(p, PY_N_STARRED, k);
            s->a = expr(p);
            py_nodes_push(&tup->l1, s);
        } else {
            py_nodes_push(&tup->l1, test(p));
        }
    }
    return tup;
}

/* ---- f-strings --------------------------------------------------------- */

static py_node *fstring_expr(parser *p, const py_token *at, const char *s, size_t n)
{
    py_tokens toks;
    py_syntax_error e2;
    /* parenthesize, as CPython does, so newlines inside are fine */
    char *src = malloc(n + 3);
    if (!src)
        abort();
    src[0] = '(';
    memcpy(src + 1, s, n);
    src[n + 1] = ')';
    src[n + 2] = '\0';
    if (py_lex(src, n + 2, p->python, &toks, &e2) != 0) {
        free(src);
        p__fail_at(p, "SyntaxError", at->line, at->col, "f-string: %s", e2.msg);
    }
    for (size_t i = 0; i < toks.n; i++) {
        toks.v[i].line = at->line;
        toks.v[i].col = at->col;
    }
    parser sub = *p;
    sub.unclosed = NULL;
    sub.t = toks.v;
    sub.n = toks.n;
    sub.pos = 0;
    py_node *e = NULL;
    /* an error inside lands here: carry the nodes made back, then fail */
    if (setjmp(sub.fail) == 0) {
        e = testlist(&sub, false, NULL);
        if (peek(&sub)->kind != PY_T_NEWLINE && peek(&sub)->kind != PY_T_EOF)
            p__syntax(&sub);
    }
    p->all = sub.all;
    p->codes = sub.codes;
    p->ncodes = sub.ncodes;
    p->cap_codes = sub.cap_codes;
    py_tokens_free(&toks);
    free(src);
    if (!e)
        p__fail_at(p, "SyntaxError", at->line, at->col, "f-string: invalid syntax");
    return e;
}

static void fstring_literal(parser *p, const py_token *at, py_node *fs, const char *s, size_t n)
{
    if (!n)
        return;
    sim_buf b = {0};
    if (at->raw) {
        sim_buf_add(&b, s, n);
    } else if (py_lex_unescape(s, n, p->python, &b, p->err) != 0) {
        sim_buf_free(&b);
        p__fail_at(p, "SyntaxError", at->line, at->col, "%s", p->err->msg);
    }
    py_nodes_push(&fs->l1, const_node(p, at, py_str_take(&b)));
}

static void fstring(parser *p, const py_token *t, const char *s, size_t n, py_node *fs)
{
    size_t i = 0, lit = 0;
    sim_buf pending = {0};
    while (i < n) {
        char c = s[i];
        if ((c == '{' || c == '}') && i + 1 < n && s[i + 1] == c) {
            sim_buf_add(&pending, s + lit, i - lit + 1);
            i += 2;
            lit = i;
            continue;
        }
        if (c == '}')
            p__fail_at(p, "SyntaxError", t->line, t->col, "f-string: single '}' is not allowed");
        if (c != '{') {
            i++;
            continue;
        }
        sim_buf_add(&pending, s + lit, i - lit);
        fstring_literal(p, t, fs, sim_buf_str(&pending), pending.len);
        sim_buf_clear(&pending);
        /* find the end of the expression */
        size_t start = ++i;
        int depth = 0;
        char quote = 0;
        while (i < n) {
            char d = s[i];
            if (quote) {
                if (d == quote)
                    quote = 0;
            } else if (d == '\'' || d == '"') {
                quote = d;
            } else if (d == '(' || d == '[' || d == '{') {
                depth++;
            } else if (d == ')' || d == ']' || (d == '}' && depth > 0)) {
                depth--;
            } else if (depth == 0 && (d == '}' || d == ':' ||
                                      (d == '!' && i + 1 < n && s[i + 1] != '='))) {
                break;
            }
            i++;
        }
        if (i >= n) {
            sim_buf_free(&pending);
            p__fail_at(p, "SyntaxError", t->line, t->col, "f-string: expecting '}'");
        }
        py_node *f = node(p, PY_N_FORMATTED, t);
        size_t elen = i - start;
        if (elen == 0 || strspn(s + start, " \t") >= elen) {
            sim_buf_free(&pending);
            p__fail_at(p, "SyntaxError", t->line, t->col, "f-string: empty expression not allowed");
        }
        f->a = fstring_expr(p, t, s + start, elen);
        if (s[i] == '!') {
            if (i + 2 >= n || !strchr("rsa", s[i + 1])) {
                sim_buf_free(&pending);
                p__fail_at(p, "SyntaxError", t->line, t->col,
                           "f-string: invalid conversion character: expected 's', 'r', or 'a'");
            }
            f->op = s[i + 1];
            i += 2;
        }
        if (i < n && s[i] == ':') {
            size_t sstart = ++i;
            int d2 = 0;
            while (i < n && (s[i] != '}' || d2 > 0)) {
                if (s[i] == '{') d2++;
                if (s[i] == '}') d2--;
                i++;
            }
            f->b = node(p, PY_N_FSTRING, t);
            fstring(p, t, s + sstart, i - sstart, f->b);
        }
        if (i >= n || s[i] != '}') {
            sim_buf_free(&pending);
            p__fail_at(p, "SyntaxError", t->line, t->col, "f-string: expecting '}'");
        }
        i++;
        lit = i;
        py_nodes_push(&fs->l1, f);
    }
    sim_buf_add(&pending, s + lit, n - lit);
    fstring_literal(p, t, fs, sim_buf_str(&pending), pending.len);
    sim_buf_free(&pending);
}

/* ---- statements -------------------------------------------------------- */

static void stmt(parser *p, py_nodes *out);

static void end_simple(parser *p)
{
    if (peek(p)->kind == PY_T_NEWLINE) {
        advance(p);
        return;
    }
    if (peek(p)->kind == PY_T_EOF)
        return;
    p__syntax(p);
}

static int augop(const py_token *t)
{
    static const struct { const char *s; int op; } ops[] = {
        {"+=", PY_OP_ADD}, {"-=", PY_OP_SUB}, {"*=", PY_OP_MUL}, {"/=", PY_OP_DIV},
        {"//=", PY_OP_FLOORDIV}, {"%=", PY_OP_MOD}, {"**=", PY_OP_POW}, {"<<=", PY_OP_LSHIFT},
        {">>=", PY_OP_RSHIFT}, {"&=", PY_OP_BITAND}, {"|=", PY_OP_BITOR}, {"^=", PY_OP_BITXOR},
        {"@=", PY_OP_MATMUL},
    };
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
        if (tok_is(t, PY_T_OP, ops[k].s))
            return ops[k].op;
    return -1;
}

static py_node *expr_stmt(parser *p)
{
    py_token *t = peek(p);
    bool tup;
    /* Python 3 print "x": CPython's special message */
    if (p->python == 3 && tok_is(t, PY_T_NAME, "print") &&
        (peek2(p)->kind == PY_T_STRING || peek2(p)->kind == PY_T_NAME ||
         peek2(p)->kind == PY_T_INT || peek2(p)->kind == PY_T_FLOAT))
        p__fail_at(p, "SyntaxError", t->line, t->col,
                   "Missing parentheses in call to 'print'. Did you mean print(...)?");
    py_node *e = testlist(p, true, &tup);
    int op = augop(peek(p));
    if (op >= 0) {
        py_token *ot = advance(p);
        if (e->kind != PY_N_NAME && e->kind != PY_N_ATTR && e->kind != PY_N_SUBSCR)
            p__fail_at(p, "SyntaxError", e->line, e->col,
                       "'%s' is an illegal expression for augmented assignment",
                       e->kind == PY_N_TUPLE ? "tuple" : "expression");
        bind_target(p, e);
        py_node *a = node(p, PY_N_AUGASSIGN, t);
        a->op = (int16_t)op;
        a->a = e;
        a->b = testlist(p, false, NULL);
        (void)ot;
        return a;
    }
    if (is_op(p, ":") && e->kind != PY_N_TUPLE) {
        advance(p);
        py_node *a = node(p, PY_N_ANNASSIGN, t);
        a->a = e;
        (void)test(p); /* the annotation is not evaluated */
        if (accept_op(p, "=")) {
            a->b = testlist(p, true, NULL);
            bind_target(p, e);
        }
        return a;
    }
    if (!is_op(p, "=")) {
        py_node *s = node(p, PY_N_EXPR, t);
        s->a = e;
        return s;
    }
    py_node *a = node(p, PY_N_ASSIGN, t);
    py_nodes_push(&a->l1, e);
    while (accept_op(p, "=")) {
        if (is_kw(p, "yield"))
            p__fail_at(p, "SyntaxError", peek(p)->line, peek(p)->col,
                       "'yield' is not supported by threadsim");
        py_nodes_push(&a->l1, testlist(p, true, NULL));
    }
    a->a = a->l1.v[--a->l1.n];
    for (uint32_t i = 0; i < a->l1.n; i++)
        bind_target(p, a->l1.v[i]);
    return a;
}

static char *dotted_name(parser *p)
{
    sim_buf b = {0};
    char *first = expect_name(p);
    sim_buf_adds(&b, first);
    free(first);
    while (accept_op(p, ".")) {
        char *n = expect_name(p);
        sim_buf_addc(&b, '.');
        sim_buf_adds(&b, n);
        free(n);
    }
    return sim_buf_take(&b);
}

static py_node *import_stmt(parser *p)
{
    py_token *t = advance(p);
    if (tok_is(t, PY_T_NAME, "import")) {
        py_node *s = node(p, PY_N_IMPORT, t);
        do {
            py_token *at = peek(p);
            py_node *al = node(p, PY_N_ALIAS, at);
            al->name = dotted_name(p);
            if (accept_kw(p, "as"))
                al->name2 = expect_name(p);
            if (al->name2) {
                bind(p, al->name2);
            } else {
                char *dot = strchr(al->name, '.');
                char *top = dot ? strndup(al->name, (size_t)(dot - al->name)) : strdup(al->name);
                bind(p, top);
                free(top);
            }
            py_nodes_push(&s->l1, al);
        } while (accept_op(p, ","));
        return s;
    }
    /* from */
    py_node *s = node(p, PY_N_IMPORTFROM, t);
    if (is_op(p, "."))
        p__fail_at(p, "SyntaxError", peek(p)->line, peek(p)->col,
                   "relative imports are not supported by threadsim");
    s->name = dotted_name(p);
    if (!accept_kw(p, "import"))
        p__syntax(p);
    if (accept_op(p, "*")) {
        py_node *al = node(p, PY_N_ALIAS, t);
        al->name = strdup("*");
        py_nodes_push(&s->l1, al);
        return s;
    }
    bool paren = accept_op(p, "(");
    do {
        if (paren && is_op(p, ")"))
            break;
        py_token *at = peek(p);
        py_node *al = node(p, PY_N_ALIAS, at);
        al->name = expect_name(p);
        if (accept_kw(p, "as"))
            al->name2 = expect_name(p);
        bind(p, al->name2 ? al->name2 : al->name);
        if (strcmp(s->name, "__future__") == 0 && strcmp(al->name, "print_function") == 0)
            p->print_function = true;
        py_nodes_push(&s->l1, al);
    } while (accept_op(p, ","));
    if (paren)
        expect_op(p, ")");
    return s;
}

static py_node *print_stmt(parser *p)
{
    py_token *t = advance(p);
    py_node *s = node(p, PY_N_PRINT, t);
    if (accept_op(p, ">>")) {
        s->a = test(p);
        if (!accept_op(p, ","))
            return s;
    }
    while (peek(p)->kind != PY_T_NEWLINE && peek(p)->kind != PY_T_EOF && !is_op(p, ";")) {
        py_nodes_push(&s->l1, test(p));
        s->op = 0;
        if (!accept_op(p, ","))
            break;
        s->op = 1; /* trailing comma so far */
    }
    return s;
}

static py_node *small_stmt(parser *p)
{
    py_token *t = peek(p);
    if (t->kind == PY_T_NAME) {
        if (accept_kw(p, "pass"))
            return node(p, PY_N_PASS, t);
        if (accept_kw(p, "break"))
            return node(p, PY_N_BREAK, t);
        if (accept_kw(p, "continue"))
            return node(p, PY_N_CONTINUE, t);
        if (accept_kw(p, "return")) {
            py_node *s = node(p, PY_N_RETURN, t);
            if (p->cur->kind != PY_CODE_FUNC)
                p__fail_at(p, "SyntaxError", t->line, t->col, "'return' outside function");
            if (peek(p)->kind != PY_T_NEWLINE && peek(p)->kind != PY_T_EOF && !is_op(p, ";"))
                s->a = testlist(p, true, NULL);
            return s;
        }
        if (accept_kw(p, "raise")) {
            py_node *s = node(p, PY_N_RAISE, t);
            if (peek(p)->kind != PY_T_NEWLINE && peek(p)->kind != PY_T_EOF && !is_op(p, ";")) {
                s->a = test(p);
                if (accept_kw(p, "from"))
                    s->b = test(p);
                else if (p->python == 2 && accept_op(p, ","))
                    s->b = test(p); /* raise E, "message" */
            }
            return s;
        }
        if (is_kw(p, "global") || (p->python == 3 && is_kw(p, "nonlocal"))) {
            bool global = is_kw(p, "global");
            advance(p);
            py_node *s = node(p, global ? PY_N_GLOBAL : PY_N_NONLOCAL, t);
            do {
                py_token *nt = peek(p);
                py_node *n = node(p, PY_N_NAME, nt);
                n->name = expect_name(p);
                py_nodes_push(&s->l1, n);
                if (global)
                    py_scope_declare_global(p->cur, n->name);
                else if (p->cur->kind == PY_CODE_MODULE)
                    p__fail_at(p, "SyntaxError", t->line, t->col,
                               "nonlocal declaration not allowed at module level");
                else
                    py_scope_declare_nonlocal(p->cur, n->name);
            } while (accept_op(p, ","));
            return s;
        }
        if (is_kw(p, "import") || is_kw(p, "from"))
            return import_stmt(p);
        if (accept_kw(p, "del")) {
            py_node *s = node(p, PY_N_DEL, t);
            py_node *targets = target_list(p);
            if (targets->kind == PY_N_TUPLE)
                for (uint32_t i = 0; i < targets->l1.n; i++)
                    py_nodes_push(&s->l1, targets->l1.v[i]);
            else
                py_nodes_push(&s->l1, targets);
            for (uint32_t i = 0; i < s->l1.n; i++)
                bind_target(p, s->l1.v[i]);
            return s;
        }
        if (accept_kw(p, "assert")) {
            py_node *s = node(p, PY_N_ASSERT, t);
            s->a = test(p);
            if (accept_op(p, ","))
                s->b = test(p);
            return s;
        }
        if (p->python == 2 && !p->print_function && is_kw(p, "print"))
            return print_stmt(p);
        if (is_kw(p, "yield"))
            p__fail_at(p, "SyntaxError", t->line, t->col, "'yield' is not supported by threadsim");
        if (is_kw(p, "exec") && p->python == 2)
            p__fail_at(p, "SyntaxError", t->line, t->col, "exec is not supported by threadsim");
    }
    return expr_stmt(p);
}

static void simple_stmts(parser *p, py_nodes *out)
{
    do {
        if (peek(p)->kind == PY_T_NEWLINE || peek(p)->kind == PY_T_EOF)
            break;
        py_nodes_push(out, small_stmt(p));
    } while (accept_op(p, ";"));
    end_simple(p);
}

static void parse_block(parser *p, py_nodes *body, const char *what, int line)
{
    expect_op(p, ":");
    if (peek(p)->kind != PY_T_NEWLINE) {
        simple_stmts(p, body);
        return;
    }
    advance(p);
    if (peek(p)->kind != PY_T_INDENT)
        p__fail_at(p, "IndentationError", peek(p)->line, peek(p)->col,
                   "expected an indented block after %s on line %d", what, line);
    advance(p);
    while (peek(p)->kind != PY_T_DEDENT && peek(p)->kind != PY_T_EOF)
        stmt(p, body);
    if (peek(p)->kind == PY_T_DEDENT)
        advance(p);
}

static py_node *if_stmt(parser *p, const char *kw)
{
    py_token *t = advance(p);
    py_node *s = node(p, PY_N_IF, t);
    s->a = test(p);
    char what[32];
    snprintf(what, sizeof what, "'%s' statement", kw);
    parse_block(p, &s->l1, what, t->line);
    py_token *e = peek(p);
    if (is_kw(p, "elif")) {
        py_nodes_push(&s->l2, if_stmt(p, "elif"));
    } else if (accept_kw(p, "else")) {
        parse_block(p, &s->l2, "'else' statement", e->line);
    }
    return s;
}

static py_node *funcdef(parser *p, py_nodes *decorators)
{
    py_token *t = advance(p); /* def */
    py_node *s = node(p, PY_N_FUNCDEF, t);
    s->name = expect_name(p);
    bind(p, s->name);
    if (decorators)
        s->l1 = *decorators;
    py_code *code = code_new(p, PY_CODE_FUNC, s->name, t->line);
    expect_op(p, "(");
    parameters(p, code, s, ")");
    expect_op(p, ")");
    if (accept_op(p, "->"))
        (void)test(p);
    py_code *outer = p->cur;
    p->cur = code;
    py_node *holder = node(p, PY_N_PASS, t);
    char what[300];
    snprintf(what, sizeof what, "function definition");
    parse_block(p, &holder->l1, what, t->line);
    p->cur = outer;
    s->a = holder;
    code->body = &holder->l1;
    s->code = code;
    return s;
}

static py_node *classdef(parser *p, py_nodes *decorators)
{
    py_token *t = advance(p); /* class */
    py_node *s = node(p, PY_N_CLASSDEF, t);
    s->name = expect_name(p);
    bind(p, s->name);
    if (decorators)
        s->l1 = *decorators;
    if (accept_op(p, "(")) {
        while (!is_op(p, ")")) {
            py_token *kt = peek(p);
            if (kt->kind == PY_T_NAME && tok_is(peek2(p), PY_T_OP, "="))
                p__fail_at(p, "SyntaxError", kt->line, kt->col,
                           "class keywords (metaclass=...) are not supported by threadsim");
            py_nodes_push(&s->l2, test(p));
            if (!accept_op(p, ","))
                break;
        }
        expect_op(p, ")");
    }
    py_code *code = code_new(p, PY_CODE_CLASS, s->name, t->line);
    py_code *outer = p->cur;
    p->cur = code;
    py_node *holder = node(p, PY_N_PASS, t);
    parse_block(p, &holder->l1, "class definition", t->line);
    p->cur = outer;
    s->a = holder;
    code->body = &holder->l1;
    s->code = code;
    return s;
}

static py_node *try_stmt(parser *p)
{
    py_token *t = advance(p);
    py_node *s = node(p, PY_N_TRY, t);
    parse_block(p, &s->l1, "'try' statement", t->line);
    while (is_kw(p, "except")) {
        py_token *et = advance(p);
        py_node *h = node(p, PY_N_HANDLER, et);
        if (!is_op(p, ":")) {
            h->a = test(p);
            if (accept_kw(p, "as") || (p->python == 2 && accept_op(p, ","))) {
                h->name = expect_name(p);
                bind(p, h->name);
            }
        }
        parse_block(p, &h->l1, "'except' statement", et->line);
        py_nodes_push(&s->l2, h);
    }
    py_token *e = peek(p);
    if (s->l2.n && accept_kw(p, "else"))
        parse_block(p, &s->l3, "'else' statement", e->line);
    e = peek(p);
    if (accept_kw(p, "finally"))
        parse_block(p, &s->l4, "'finally' statement", e->line);
    if (!s->l2.n && !s->l4.n)
        p__fail_at(p, "SyntaxError", peek(p)->line, peek(p)->col,
                   "expected 'except' or 'finally' block");
    return s;
}

static void stmt(parser *p, py_nodes *out)
{
    py_token *t = peek(p);
    if (t->kind == PY_T_INDENT)
        p__fail_at(p, "IndentationError", t->line, -1, "unexpected indent");
    if (t->kind == PY_T_NAME) {
        if (is_kw(p, "if")) {
            py_nodes_push(out, if_stmt(p, "if"));
            return;
        }
        if (is_kw(p, "while")) {
            advance(p);
            py_node *s = node(p, PY_N_WHILE, t);
            s->a = test(p);
            parse_block(p, &s->l1, "'while' statement", t->line);
            py_token *e = peek(p);
            if (accept_kw(p, "else"))
                parse_block(p, &s->l2, "'else' statement", e->line);
            py_nodes_push(out, s);
            return;
        }
        if (is_kw(p, "for")) {
            advance(p);
            py_node *s = node(p, PY_N_FOR, t);
            s->a = target_list(p);
            bind_target(p, s->a);
            if (!accept_kw(p, "in"))
                p__syntax(p);
            s->b = testlist(p, true, NULL);
            parse_block(p, &s->l1, "'for' statement", t->line);
            py_token *e = peek(p);
            if (accept_kw(p, "else"))
                parse_block(p, &s->l2, "'else' statement", e->line);
            py_nodes_push(out, s);
            return;
        }
        if (is_kw(p, "try")) {
            py_nodes_push(out, try_stmt(p));
            return;
        }
        if (is_kw(p, "with")) {
            advance(p);
            py_node *s = node(p, PY_N_WITH, t);
            do {
                py_token *it = peek(p);
                py_node *item = node(p, PY_N_WITHITEM, it);
                item->a = test(p);
                if (accept_kw(p, "as")) {
                    item->b = expr(p); /* one target: `as a, b` would eat the next item */
                    bind_target(p, item->b);
                }
                py_nodes_push(&s->l1, item);
            } while (accept_op(p, ","));
            parse_block(p, &s->l2, "'with' statement", t->line);
            py_nodes_push(out, s);
            return;
        }
        if (is_kw(p, "def")) {
            py_nodes_push(out, funcdef(p, NULL));
            return;
        }
        if (is_kw(p, "class")) {
            py_nodes_push(out, classdef(p, NULL));
            return;
        }
        if (is_kw(p, "async"))
            p__fail_at(p, "SyntaxError", t->line, t->col, "'async' is not supported by threadsim");
    }
    if (is_op(p, "@")) {
        py_nodes decorators = {0};
        while (accept_op(p, "@")) {
            py_nodes_push(&decorators, test(p));
            if (peek(p)->kind != PY_T_NEWLINE)
                p__syntax(p);
            advance(p);
        }
        if (is_kw(p, "def"))
            py_nodes_push(out, funcdef(p, &decorators));
        else if (is_kw(p, "class"))
            py_nodes_push(out, classdef(p, &decorators));
        else {
            free(decorators.v);
            p__syntax(p);
        }
        return;
    }
    simple_stmts(p, out);
}

int py_parse(const char *src, size_t n, int python, py_nodes *body, py_code **code,
             py_syntax_error *err)
{
    py_tokens toks;
    memset(body, 0, sizeof *body);
    *code = NULL;
    if (py_lex(src, n, python, &toks, err) != 0)
        return -1;
    parser p = {.t = toks.v, .n = toks.n, .python = python, .err = err,
                .unclosed = toks.unclosed ? &toks.unclosed_err : NULL};
    py_code *module = py_code_new(PY_CODE_MODULE, "<module>", 1, NULL);
    p.cur = module;
    if (setjmp(p.fail) != 0) {
        /* free every node made; the decorator lists alias other nodes' lists */
        for (uint32_t i = 0; i < p.all.n; i++) {
            py_node *nd = p.all.v[i];
            nd->code = NULL;
            nd->a = nd->b = nd->c = NULL;
            free(nd->l1.v), free(nd->l2.v), free(nd->l3.v), free(nd->l4.v);
            nd->l1 = nd->l2 = nd->l3 = nd->l4 = (py_nodes){0};
            py_node_free(nd);
        }
        free(p.all.v);
        for (size_t i = 0; i < p.ncodes; i++)
            py_code_free(p.codes[i]);
        free(p.codes);
        py_code_free(module);
        free(body->v);
        memset(body, 0, sizeof *body);
        py_tokens_free(&toks);
        return -1;
    }
    while (peek(&p)->kind != PY_T_EOF)
        stmt(&p, body);
    module->body = body;
    if (py_scope_resolve(module, body, err) != 0)
        longjmp(p.fail, 1);
    free(p.all.v);
    free(p.codes);
    py_tokens_free(&toks);
    *code = module;
    return 0;
}

void py_parse_free(py_nodes *body, py_code *code)
{
    for (uint32_t i = 0; i < body->n; i++)
        py_node_free(body->v[i]);
    free(body->v);
    memset(body, 0, sizeof *body);
    py_code_free(code);
}
