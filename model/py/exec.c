/*
 * model/py/exec.c — statements (see eval.c for the evaluator's conventions).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../output.h"
#include "interp.h"

static int exec_stmt(py_frame *f, py_node *n);

int py_exec_body(py_frame *f, py_nodes *body)
{
    for (uint32_t i = 0; i < body->n; i++) {
        py_node *n = body->v[i];
        f->line = n->line;
        int r = py_step(f) < 0 ? PY_X_EXC : exec_stmt(f, n);
        if (r == PY_X_EXC)
            py_tb_here(f);
        if (r != PY_X_OK)
            return r;
    }
    return PY_X_OK;
}

static int x_expr(py_obj *v)
{
    if (!v)
        return PY_X_EXC;
    py_decref(v);
    return PY_X_OK;
}

/* In-place operators: lists extend themselves; everything else rebinds. */
static py_obj *inplace(int op, py_obj *a, py_obj *b)
{
    if (a->kind == PY_K_LIST && (op == PY_OP_ADD)) {
        py_obj *l = py_list_from_iter(b);
        if (!l)
            return NULL;
        for (size_t i = 0; i < PY_LIST(l)->n; i++)
            py_list_append(a, PY_LIST(l)->items[i]);
        py_decref(l);
        return py_incref(a);
    }
    if (a->kind == PY_K_INST) {
        static const char *const names[] = {
            [PY_OP_ADD] = "__iadd__", [PY_OP_SUB] = "__isub__", [PY_OP_MUL] = "__imul__",
        };
        if (op <= PY_OP_MUL && names[op]) {
            py_obj *m = py_special(a, names[op]);
            if (m) {
                py_obj *r = py_call(m, &b, 1, NULL);
                py_decref(m);
                if (!r || r->kind != PY_K_NOTIMPL)
                    return r;
                py_decref(r);
            } else if (py_err_occurred()) {
                return NULL;
            }
        }
    }
    return py_binop(op, a, b);
}

static int exec_augassign(py_frame *f, py_node *n)
{
    py_node *t = n->a;
    py_obj *obj = NULL, *key = NULL, *cur = NULL;
    switch (t->kind) {
    case PY_N_NAME:
        cur = py__load_name(f, t);
        break;
    case PY_N_ATTR:
        obj = py_eval(f, t->a);
        cur = obj ? py_getattr(obj, t->name) : NULL;
        break;
    default: /* SUBSCR */
        obj = py_eval(f, t->a);
        key = obj ? py_eval(f, t->b) : NULL;
        cur = key ? py_getitem(obj, key) : NULL;
        break;
    }
    py_obj *v = cur ? py_eval(f, n->b) : NULL;
    py_obj *r = v ? inplace(n->op, cur, v) : NULL;
    int rc = r ? 0 : -1;
    if (r) {
        if (t->kind == PY_N_NAME)
            rc = py__store_slot(f, t->scope, t->slot, t->name, t->value, r);
        else if (t->kind == PY_N_ATTR)
            rc = py_setattr(obj, t->name, r);
        else
            rc = py_setitem(obj, key, r);
    }
    py_xdecref(obj);
    py_xdecref(key);
    py_xdecref(cur);
    py_xdecref(v);
    py_xdecref(r);
    return rc < 0 ? PY_X_EXC : PY_X_OK;
}

static int exec_loop_body(py_frame *f, py_nodes *body, bool *broke)
{
    int r = py_exec_body(f, body);
    if (r == PY_X_BREAK) {
        *broke = true;
        return PY_X_BREAK;
    }
    if (r == PY_X_CONTINUE)
        return PY_X_OK;
    return r;
}

static int exec_for(py_frame *f, py_node *n)
{
    py_obj *src = py_eval(f, n->b);
    if (!src)
        return PY_X_EXC;
    py_obj *it = py_iter(src);
    py_decref(src);
    if (!it)
        return PY_X_EXC;
    bool broke = false;
    int r = PY_X_OK;
    for (;;) {
        f->line = n->line;
        py_obj *v = py_next(it);
        if (!v) {
            if (py_err_occurred())
                r = PY_X_EXC;
            break;
        }
        int a = py__assign(f, n->a, v);
        py_decref(v);
        if (a < 0) {
            r = PY_X_EXC;
            break;
        }
        r = exec_loop_body(f, &n->l1, &broke);
        if (r != PY_X_OK)
            break;
    }
    py_decref(it);
    if (r == PY_X_BREAK)
        return PY_X_OK;
    if (r == PY_X_OK && !broke)
        return py_exec_body(f, &n->l2);
    return r;
}

static int exec_while(py_frame *f, py_node *n)
{
    bool broke = false;
    for (;;) {
        f->line = n->line;
        py_obj *c = py_eval(f, n->a);
        if (!c)
            return PY_X_EXC;
        int t = py_truth(c);
        py_decref(c);
        if (t < 0)
            return PY_X_EXC;
        if (!t)
            break;
        int r = exec_loop_body(f, &n->l1, &broke);
        if (r == PY_X_BREAK)
            return PY_X_OK;
        if (r != PY_X_OK)
            return r;
        /* an empty-bodied spin still costs a step per round */
        if (py_step(f) < 0)
            return PY_X_EXC;
    }
    return py_exec_body(f, &n->l2);
}

static int exec_raise(py_frame *f, py_node *n)
{
    py_ts *ts = py_ts_get();
    if (!n->a) {
        if (!ts->handled) {
            py_err(&py_exc_RuntimeError, "No active exception to reraise");
            return PY_X_EXC;
        }
        py_setref(&ts->exc, py_incref(ts->handled));
        return PY_X_EXC;
    }
    py_obj *e = py_eval(f, n->a);
    if (!e)
        return PY_X_EXC;
    if (e->kind == PY_K_TYPE && ((py_type *)e)->is_exc) {
        py_obj *inst = py_call(e, NULL, 0, NULL);
        py_decref(e);
        if (!inst)
            return PY_X_EXC;
        e = inst;
    }
    if (e->kind != PY_K_INST || !e->type->is_exc) {
        py_decref(e);
        py_err(&py_exc_TypeError, "exceptions must derive from BaseException");
        return PY_X_EXC;
    }
    if (n->b) {
        py_obj *cause = py_eval(f, n->b);
        if (!cause) {
            py_decref(e);
            return PY_X_EXC;
        }
        if (py_interp_get()->python == 2) {
            /* raise E, "message" */
            py_obj *args = py_tuple_pack(1, cause);
            py_setref(&PY_INST(e)->exc_args, args);
        } else if (cause->kind == PY_K_NONE) {
            e->flags |= PY_F_EXC_NOCTX;
        } else {
            if (cause->kind == PY_K_TYPE && ((py_type *)cause)->is_exc) {
                py_obj *ci = py_call(cause, NULL, 0, NULL);
                py_decref(cause);
                if (!ci) {
                    py_decref(e);
                    return PY_X_EXC;
                }
                cause = ci;
            }
            if (cause->kind != PY_K_INST || !cause->type->is_exc) {
                py_decref(cause);
                py_decref(e);
                py_err(&py_exc_TypeError, "exception causes must derive from BaseException");
                return PY_X_EXC;
            }
            py_setref(&PY_INST(e)->exc_context, py_incref(cause));
            e->flags |= PY_F_EXC_CAUSE;
        }
        py_decref(cause);
    }
    py_err_set_obj(e);
    return PY_X_EXC;
}

/* Does the pending exception match an except clause's type expression?
 * 1/0, -1 on error (the evaluation's exception replaces the pending one). */
static int handler_matches(py_frame *f, py_node *h, py_obj *exc)
{
    if (!h->a)
        return 1;
    py_ts *ts = py_ts_get();
    py_obj *saved = ts->exc;
    ts->exc = NULL;
    py_obj *t = py_eval(f, h->a);
    if (!t) {
        py_decref(saved);
        return -1;
    }
    ts->exc = saved;
    int r = 0;
    if (t->kind == PY_K_TYPE) {
        r = py_isinstance(exc, (py_type *)t);
    } else if (t->kind == PY_K_TUPLE) {
        for (size_t i = 0; i < PY_TUPLE(t)->n && !r; i++) {
            py_obj *k = PY_TUPLE(t)->items[i];
            r = k->kind == PY_K_TYPE && py_isinstance(exc, (py_type *)k);
        }
    } else {
        py_decref(t);
        py_err(&py_exc_TypeError,
               "catching classes that do not inherit from BaseException is not allowed");
        return -1;
    }
    py_decref(t);
    return r;
}

static int exec_try(py_frame *f, py_node *n)
{
    py_ts *ts = py_ts_get();
    int r = py_exec_body(f, &n->l1);
    if (r == PY_X_EXC && n->l2.n) {
        for (uint32_t i = 0; i < n->l2.n; i++) {
            py_node *h = n->l2.v[i];
            int m = handler_matches(f, h, ts->exc);
            if (m < 0)
                break;
            if (!m)
                continue;
            py_obj *exc = py_err_fetch();
            if (h->name && py__store_slot(f, h->scope, h->slot, h->name, NULL, exc) < 0) {
                py_decref(exc);
                break;
            }
            py_obj *saved = ts->handled;
            ts->handled = exc;
            f->line = h->line;
            r = py_exec_body(f, &h->l1);
            ts->handled = saved;
            if (h->name && py_interp_get()->python == 3) {
                /* Python 3 unbinds the name at the end of the handler */
                py_obj *pending = py_err_fetch();
                py__store_slot(f, h->scope, h->slot, h->name, NULL, NULL);
                py_err_clear();
                if (pending)
                    ts->exc = pending;
            }
            py_decref(exc);
            break;
        }
    } else if (r == PY_X_OK && n->l3.n) {
        r = py_exec_body(f, &n->l3);
    }
    if (!n->l4.n)
        return r;
    /* finally: keep the outcome aside */
    py_obj *exc = r == PY_X_EXC ? py_err_fetch() : NULL;
    py_obj *ret = r == PY_X_RETURN ? f->retval : NULL;
    f->retval = NULL;
    int rf = py_exec_body(f, &n->l4);
    if (rf != PY_X_OK) {
        py_xdecref(exc);
        py_xdecref(ret);
        return rf;
    }
    if (exc)
        py_setref(&ts->exc, exc);
    if (ret)
        f->retval = ret;
    return r;
}

static int exec_with_item(py_frame *f, py_node *n, uint32_t k)
{
    if (k == n->l1.n)
        return py_exec_body(f, &n->l2);
    py_ts *ts = py_ts_get();
    py_node *item = n->l1.v[k];
    py_obj *mgr = py_eval(f, item->a);
    if (!mgr)
        return PY_X_EXC;
    py_obj *enter = py_special(mgr, "__enter__");
    py_obj *exit = enter ? py_special(mgr, "__exit__") : NULL;
    if (!enter || !exit) {
        py_xdecref(enter);
        if (!py_err_occurred())
            py_err(&py_exc_TypeError,
                   "'%s' object does not support the context manager protocol",
                   py_type_name(mgr));
        py_decref(mgr);
        return PY_X_EXC;
    }
    py_decref(mgr);
    py_obj *v = py_call(enter, NULL, 0, NULL);
    py_decref(enter);
    if (!v) {
        py_decref(exit);
        return PY_X_EXC;
    }
    int r = item->b ? (py__assign(f, item->b, v) < 0 ? PY_X_EXC : PY_X_OK) : PY_X_OK;
    py_decref(v);
    if (r == PY_X_OK)
        r = exec_with_item(f, n, k + 1);
    int line = f->line;
    f->line = n->line;
    if (r == PY_X_EXC) {
        py_obj *exc = py_err_fetch();
        py_obj *args[3] = {&exc->type->hdr, exc, py_None};
        py_obj *saved = ts->handled;
        ts->handled = exc;
        py_obj *res = py_call(exit, args, 3, NULL);
        ts->handled = saved;
        py_decref(exit);
        if (!res) {
            py_decref(exc);
            return PY_X_EXC;
        }
        int t = py_truth(res);
        py_decref(res);
        if (t > 0) {
            py_decref(exc);
            return PY_X_OK;
        }
        py_setref(&ts->exc, exc);
        f->line = line;
        return PY_X_EXC;
    }
    py_obj *ret = f->retval;
    f->retval = NULL;
    py_obj *args[3] = {py_None, py_None, py_None};
    py_obj *res = py_call(exit, args, 3, NULL);
    py_decref(exit);
    f->retval = ret;
    if (!res)
        return PY_X_EXC;
    py_decref(res);
    f->line = line;
    return r;
}

static int exec_import(py_frame *f, py_node *n)
{
    for (uint32_t i = 0; i < n->l1.n; i++) {
        py_node *al = n->l1.v[i];
        char top[128];
        const char *dot = strchr(al->name, '.');
        if (dot) {
            py_err(&py_exc_ModuleNotFoundError, "No module named '%s'", al->name);
            return PY_X_EXC;
        }
        snprintf(top, sizeof top, "%s", al->name);
        py_obj *m = py_import(top);
        if (!m)
            return PY_X_EXC;
        int r = py__store_slot(f, al->scope, al->slot, al->name2 ? al->name2 : top, NULL, m);
        py_decref(m);
        if (r < 0)
            return PY_X_EXC;
    }
    return PY_X_OK;
}

static int exec_importfrom(py_frame *f, py_node *n)
{
    if (strcmp(n->name, "__future__") == 0)
        return PY_X_OK;
    py_obj *m = py_import(n->name);
    if (!m)
        return PY_X_EXC;
    int r = PY_X_OK;
    for (uint32_t i = 0; i < n->l1.n && r == PY_X_OK; i++) {
        py_node *al = n->l1.v[i];
        if (strcmp(al->name, "*") == 0) {
            py_dict *d = PY_DICT(((py_module *)m)->dict);
            for (size_t e = 0; e < d->used; e++) {
                py_obj *k = d->entries[e].key;
                if (k && PY_STR(k)[0] != '_' && py_dict_set(f->ns ? f->ns : f->globals, k,
                                                            d->entries[e].value) < 0)
                    r = PY_X_EXC;
            }
            continue;
        }
        py_obj *v = py_getattr_opt(m, al->name);
        if (!v) {
            if (!py_err_occurred())
                py_err(&py_exc_ImportError, "cannot import name '%s' from '%s' (unknown location)",
                       al->name, n->name);
            r = PY_X_EXC;
            break;
        }
        if (py__store_slot(f, al->scope, al->slot, al->name2 ? al->name2 : al->name, NULL, v) < 0)
            r = PY_X_EXC;
        py_decref(v);
    }
    py_decref(m);
    return r;
}

/* Python 2's print statement: each item is written as soon as it is
 * evaluated, with softspace deciding the separating blank. */
static int exec_print(py_frame *f, py_node *n)
{
    py_interp *in = py_interp_get();
    int stream = MODEL_STDOUT;
    if (n->a) {
        py_obj *dest = py_eval(f, n->a);
        if (!dest)
            return PY_X_EXC;
        py_obj *fd = py_getattr_opt(dest, "_threadsim_stream");
        stream = fd && py_is_int(fd) ? (int)PY_INT(fd) : MODEL_STDOUT;
        py_xdecref(fd);
        py_decref(dest);
        py_err_clear();
    }
    for (uint32_t i = 0; i < n->l1.n; i++) {
        py_obj *v = py_eval(f, n->l1.v[i]);
        if (!v)
            return PY_X_EXC;
        py_obj *s = py_str_of(v);
        py_decref(v);
        if (!s)
            return PY_X_EXC;
        if (in->softspace)
            py_write_text(stream, " ", 1);
        py_write_text(stream, PY_STR(s), PY_STRLEN(s));
        size_t len = PY_STRLEN(s);
        char last = len ? PY_STR(s)[len - 1] : 0;
        /* file.softspace: cleared after a string ending in whitespace other than ' ' */
        in->softspace = !(len && (last == '\n' || last == '\t' || last == '\r'));
        py_decref(s);
    }
    if (!n->op) {
        py_write_text(stream, "\n", 1);
        in->softspace = false;
    }
    return PY_X_OK;
}

static int exec_stmt(py_frame *f, py_node *n)
{
    switch (n->kind) {
    case PY_N_EXPR:
        return x_expr(py_eval(f, n->a));
    case PY_N_ASSIGN: {
        py_obj *v = py_eval(f, n->a);
        if (!v)
            return PY_X_EXC;
        int r = PY_X_OK;
        for (uint32_t i = 0; i < n->l1.n && r == PY_X_OK; i++)
            if (py__assign(f, n->l1.v[i], v) < 0)
                r = PY_X_EXC;
        py_decref(v);
        return r;
    }
    case PY_N_AUGASSIGN:
        return exec_augassign(f, n);
    case PY_N_ANNASSIGN: {
        if (!n->b)
            return PY_X_OK;
        py_obj *v = py_eval(f, n->b);
        if (!v)
            return PY_X_EXC;
        int r = py__assign(f, n->a, v) < 0 ? PY_X_EXC : PY_X_OK;
        py_decref(v);
        return r;
    }
    case PY_N_IF: {
        py_obj *c = py_eval(f, n->a);
        if (!c)
            return PY_X_EXC;
        int t = py_truth(c);
        py_decref(c);
        if (t < 0)
            return PY_X_EXC;
        return py_exec_body(f, t ? &n->l1 : &n->l2);
    }
    case PY_N_WHILE:
        return exec_while(f, n);
    case PY_N_FOR:
        return exec_for(f, n);
    case PY_N_BREAK:
        return PY_X_BREAK;
    case PY_N_CONTINUE:
        return PY_X_CONTINUE;
    case PY_N_PASS:
    case PY_N_GLOBAL:
    case PY_N_NONLOCAL:
        return PY_X_OK;
    case PY_N_RETURN: {
        py_obj *v = n->a ? py_eval(f, n->a) : py_incref(py_None);
        if (!v)
            return PY_X_EXC;
        py_setref(&f->retval, v);
        return PY_X_RETURN;
    }
    case PY_N_RAISE:
        return exec_raise(f, n);
    case PY_N_TRY:
        return exec_try(f, n);
    case PY_N_WITH:
        return exec_with_item(f, n, 0);
    case PY_N_ASSERT: {
        py_obj *c = py_eval(f, n->a);
        if (!c)
            return PY_X_EXC;
        int t = py_truth(c);
        py_decref(c);
        if (t < 0)
            return PY_X_EXC;
        if (t)
            return PY_X_OK;
        if (!n->b) {
            py_err_set_obj(py_exc_new(&py_exc_AssertionError, NULL));
            return PY_X_EXC;
        }
        py_obj *msg = py_eval(f, n->b);
        if (!msg)
            return PY_X_EXC;
        py_obj *args = py_tuple_pack(1, msg);
        py_decref(msg);
        py_err_set_obj(py_exc_new(&py_exc_AssertionError, args));
        py_decref(args);
        return PY_X_EXC;
    }
    case PY_N_DEL:
        for (uint32_t i = 0; i < n->l1.n; i++)
            if (py__delete(f, n->l1.v[i]) < 0)
                return PY_X_EXC;
        return PY_X_OK;
    case PY_N_IMPORT:
        return exec_import(f, n);
    case PY_N_IMPORTFROM:
        return exec_importfrom(f, n);
    case PY_N_FUNCDEF: {
        py_obj *fn = py__make_function(f, n);
        if (!fn)
            return PY_X_EXC;
        fn = py__decorate(f, &n->l1, fn);
        if (!fn)
            return PY_X_EXC;
        int r = py__store_slot(f, n->scope, n->slot, n->name, NULL, fn);
        py_decref(fn);
        return r < 0 ? PY_X_EXC : PY_X_OK;
    }
    case PY_N_CLASSDEF:
        return py__exec_classdef(f, n);
    case PY_N_PRINT:
        return exec_print(f, n);
    default:
        py_err(&py_exc_RuntimeError, "bad statement node %d", n->kind);
        return PY_X_EXC;
    }
}

int py_exec_module(py_obj *globals)
{
    py_interp *in = py_interp_get();
    py_ts *ts = py_ts_get();
    py_code *c = in->prog->code;
    py_frame f = {.code = c, .globals = globals, .back = ts->frame, .line = 1};
    ts->frame = &f;
    ts->depth++; /* the module frame counts toward the recursion limit, as in CPython */
    int r = py_exec_body(&f, c->body);
    ts->depth--;
    ts->frame = f.back;
    py_xdecref(f.retval);
    if (r == PY_X_EXC) {
        py_tb_here(&f);
        return -1;
    }
    return 0;
}
