/*
 * model/py/eval.c — the tree-walking evaluator: statements and expressions.
 *
 * Every statement first sets its frame's line and calls py_step(): one
 * model step (so the switch interval preempts a thread that computes
 * without blocking, and any statement can be a scheduling point), the step
 * limit and the memory limit. Expressions return new references or NULL with
 * the thread's exception set; statements return PY_X_*.
 *
 * try/finally keeps the pending outcome (exception, return value) aside
 * while the finally block runs and restores it unless the block itself
 * ends differently; an except block makes its exception the "handled" one,
 * so an exception raised inside gets it as __context__.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../output.h"
#include "interp.h"

/* ---- the step ----------------------------------------------------------- */

int py_step(py_frame *f)
{
    (void)f;
    py_interp *in = py_interp_get();
    model_step();
    if (in->opts.max_steps && ++in->steps > in->opts.max_steps) {
        /* End the run the way an engine limit does: the scheduler goes back
         * to its host and model_run reports SIM_LIMIT with this reason. */
        sim_sched *s = model_sched();
        s->status = SIM_LIMIT;
        s->limit_reason = "step limit";
        sim_tick(s); /* does not return */
    }
    if (!in->opts.max_memory)
        return 0;
    if (in->heap.bytes <= in->opts.max_memory) {
        in->mem_raised = false;
        return 0;
    }
    if (in->heap.bytes > 2 * in->opts.max_memory) {
        /* MemoryError was caught and the program kept allocating */
        sim_sched *s = model_sched();
        s->status = SIM_LIMIT;
        s->limit_reason = "memory limit";
        sim_tick(s); /* does not return */
    }
    if (!in->mem_raised) {
        /* once per crossing, so a handler can run and let go of memory */
        in->mem_raised = true;
        py_err(&py_exc_MemoryError, "threadsim memory limit of %zu bytes exceeded",
               in->opts.max_memory);
        return -1;
    }
    return 0;
}

int py_current_line(void)
{
    py_ts *ts = py_ts_get();
    return ts->frame ? ts->frame->line : 0;
}

void py_note_line(void)
{
    py_interp *in = py_interp_get();
    if (!in->opts.line_notes)
        return;
    py_ts *ts = py_ts_get();
    int line = ts->frame ? ts->frame->line : 0;
    if (!line || line == ts->noted_line)
        return;
    ts->noted_line = line;
    char buf[300];
    int len = snprintf(buf, sizeof buf, "%s:%d", in->prog->filename, line);
    if (len >= (int)sizeof buf)
        len = (int)sizeof buf - 1;
    sim_thread *cur = sim_current(model_sched());
    sim_event ev = {.kind = SIM_EV_NOTE, .thread = cur ? cur->id : SIM_NONE, .other = SIM_NONE,
                    .obj = SIM_NONE, .reason = "line", .text = buf, .len = (size_t)len};
    sim_emit(model_sched(), &ev);
}

/* ---- names -------------------------------------------------------------- */

static py_obj *load_global(py_frame *f, py_node *n)
{
    py_obj *v = py_dict_get(f->globals, n->value);
    if (!v)
        v = py_dict_get(py_interp_get()->builtins, n->value);
    if (v)
        return py_incref(v);
    return py_err(&py_exc_NameError, "name '%s' is not defined", n->name);
}

py_obj *py__load_name(py_frame *f, py_node *n)
{
    switch (n->scope) {
    case PY_SC_LOCAL: {
        py_obj *v = f->fast[n->slot];
        if (v && f->code->cell[n->slot])
            v = ((py_cell *)v)->v;
        if (v)
            return py_incref(v);
        if (py_interp_get()->python == 2)
            return py_err(&py_exc_UnboundLocalError,
                          "local variable '%s' referenced before assignment", n->name);
        return py_err(&py_exc_UnboundLocalError,
                      "cannot access local variable '%s' where it is not associated with a value",
                      n->name);
    }
    case PY_SC_FREE: {
        py_obj *v = ((py_cell *)PY_TUPLE(f->closure)->items[n->slot])->v;
        if (v)
            return py_incref(v);
        return py_err(&py_exc_NameError,
                      "cannot access free variable '%s' where it is not associated with a value "
                      "in enclosing scope", n->name);
    }
    case PY_SC_NAME: {
        py_obj *v = py_dict_get(f->ns, n->value);
        if (v)
            return py_incref(v);
        return load_global(f, n);
    }
    default:
        return load_global(f, n);
    }
}

/* Store v (borrowed) in a name given by scope/slot/name. */
int py__store_slot(py_frame *f, int scope, int32_t slot, const char *name, py_obj *key,
                   py_obj *v)
{
    switch (scope) {
    case PY_SC_LOCAL:
        if (f->code->cell[slot])
            py_setref(&((py_cell *)f->fast[slot])->v, v ? py_incref(v) : NULL);
        else
            py_setref(&f->fast[slot], v ? py_incref(v) : NULL);
        return 0;
    case PY_SC_FREE:
        py_setref(&((py_cell *)PY_TUPLE(f->closure)->items[slot])->v, v ? py_incref(v) : NULL);
        return 0;
    case PY_SC_NAME:
    case PY_SC_GLOBAL: {
        py_obj *d = scope == PY_SC_NAME ? f->ns : f->globals;
        if (v)
            return key ? py_dict_set(d, key, v) : py_dict_sets(d, name, v);
        py_obj *k = key ? py_incref(key) : py_str_from(name);
        int r = py_dict_del(d, k);
        py_decref(k);
        if (r == 0) {
            py_err(&py_exc_NameError, "name '%s' is not defined", name);
            return -1;
        }
        return r < 0 ? -1 : 0;
    }
    default:
        py_err(&py_exc_RuntimeError, "unresolved name '%s'", name);
        return -1;
    }
}

/* ---- assignment --------------------------------------------------------- */


static int assign_unpack(py_frame *f, py_node *t, py_obj *v)
{
    py_obj *items = py_list_from_iter(v);
    if (!items) {
        if (py_err_matches(&py_exc_TypeError)) {
            py_err_clear();
            py_err(&py_exc_TypeError, "cannot unpack non-iterable %s object", py_type_name(v));
        }
        return -1;
    }
    size_t n = PY_LIST(items)->n, nt = t->l1.n;
    int star = -1;
    for (uint32_t i = 0; i < nt; i++)
        if (t->l1.v[i]->kind == PY_N_STARRED)
            star = (int)i;
    int r = 0;
    if (star < 0) {
        if (n != nt) {
            if (n > nt)
                py_err(&py_exc_ValueError, "too many values to unpack (expected %zu)", (size_t)nt);
            else
                py_err(&py_exc_ValueError, "not enough values to unpack (expected %zu, got %zu)",
                       (size_t)nt, n);
            py_decref(items);
            return -1;
        }
        for (size_t i = 0; i < n && r == 0; i++)
            r = py__assign(f, t->l1.v[i], PY_LIST(items)->items[i]);
    } else {
        size_t before = (size_t)star, after = nt - (size_t)star - 1;
        if (n < before + after) {
            py_err(&py_exc_ValueError, "not enough values to unpack (expected at least %zu, got %zu)",
                   before + after, n);
            py_decref(items);
            return -1;
        }
        for (size_t i = 0; i < before && r == 0; i++)
            r = py__assign(f, t->l1.v[i], PY_LIST(items)->items[i]);
        if (r == 0) {
            size_t m = n - before - after;
            py_obj *mid = py_list_new(m);
            for (size_t i = 0; i < m; i++)
                PY_LIST(mid)->items[i] = py_incref(PY_LIST(items)->items[before + i]);
            r = py__assign(f, t->l1.v[star]->a, mid);
            py_decref(mid);
        }
        for (size_t i = 0; i < after && r == 0; i++)
            r = py__assign(f, t->l1.v[(size_t)star + 1 + i], PY_LIST(items)->items[n - after + i]);
    }
    py_decref(items);
    return r;
}

int py__assign(py_frame *f, py_node *t, py_obj *v)
{
    switch (t->kind) {
    case PY_N_NAME:
        return py__store_slot(f, t->scope, t->slot, t->name, t->value, v);
    case PY_N_ATTR: {
        py_obj *o = py_eval(f, t->a);
        if (!o)
            return -1;
        int r = py_setattr(o, t->name, v);
        py_decref(o);
        return r;
    }
    case PY_N_SUBSCR: {
        py_obj *o = py_eval(f, t->a);
        if (!o)
            return -1;
        py_obj *k = py_eval(f, t->b);
        if (!k) {
            py_decref(o);
            return -1;
        }
        int r = py_setitem(o, k, v);
        py_decref(o);
        py_decref(k);
        return r;
    }
    case PY_N_TUPLE:
    case PY_N_LIST:
        return assign_unpack(f, t, v);
    default:
        py_err(&py_exc_SyntaxError, "cannot assign to expression");
        return -1;
    }
}

int py__delete(py_frame *f, py_node *t)
{
    switch (t->kind) {
    case PY_N_NAME: {
        py_obj *v = py__load_name(f, t);
        if (!v)
            return -1;
        py_decref(v);
        return py__store_slot(f, t->scope, t->slot, t->name, t->value, NULL);
    }
    case PY_N_ATTR: {
        py_obj *o = py_eval(f, t->a);
        if (!o)
            return -1;
        int r = py_delattr(o, t->name);
        py_decref(o);
        return r;
    }
    case PY_N_SUBSCR: {
        py_obj *o = py_eval(f, t->a);
        py_obj *k = o ? py_eval(f, t->b) : NULL;
        int r = k ? py_delitem(o, k) : -1;
        py_xdecref(o);
        py_xdecref(k);
        return r;
    }
    case PY_N_TUPLE:
    case PY_N_LIST:
        for (uint32_t i = 0; i < t->l1.n; i++)
            if (py__delete(f, t->l1.v[i]) < 0)
                return -1;
        return 0;
    default:
        py_err(&py_exc_SyntaxError, "cannot delete expression");
        return -1;
    }
}

/* ---- calls -------------------------------------------------------------- */

/* Evaluate call arguments into a list (positional) and a dict (keywords,
 * NULL if none). */
static int eval_args(py_frame *f, py_node *call, py_obj **pos, py_obj **kw)
{
    py_obj *args = py_list_new(0);
    *kw = NULL;
    for (uint32_t i = 0; i < call->l1.n; i++) {
        py_node *a = call->l1.v[i];
        if (a->kind == PY_N_STARRED) {
            py_obj *it = py_eval(f, a->a);
            if (!it)
                goto fail;
            py_obj *l = py_list_from_iter(it);
            if (!l && py_err_matches(&py_exc_TypeError)) {
                py_err_clear();
                py_err(&py_exc_TypeError, "Value after * must be an iterable, not %s",
                       py_type_name(it));
            }
            py_decref(it);
            if (!l)
                goto fail;
            for (size_t k = 0; k < PY_LIST(l)->n; k++)
                py_list_append(args, PY_LIST(l)->items[k]);
            py_decref(l);
        } else {
            py_obj *v = py_eval(f, a);
            if (!v)
                goto fail;
            py_list_append(args, v);
            py_decref(v);
        }
    }
    for (uint32_t i = 0; i < call->l2.n; i++) {
        py_node *k = call->l2.v[i];
        py_obj *v = py_eval(f, k->a);
        if (!v)
            goto fail;
        if (!*kw)
            *kw = py_dict_new();
        if (k->name) {
            if (py_dict_gets(*kw, k->name)) {
                py_decref(v);
                py_err(&py_exc_SyntaxError, "keyword argument repeated: %s", k->name);
                goto fail;
            }
            py_dict_sets(*kw, k->name, v);
        } else {
            if (v->kind != PY_K_DICT) {
                py_err(&py_exc_TypeError, "argument after ** must be a mapping, not %s",
                       py_type_name(v));
                py_decref(v);
                goto fail;
            }
            py_dict *d = PY_DICT(v);
            for (size_t e = 0; e < d->used; e++)
                if (d->entries[e].key)
                    py_dict_set(*kw, d->entries[e].key, d->entries[e].value);
        }
        py_decref(v);
    }
    *pos = args;
    return 0;
fail:
    py_decref(args);
    py_xdecref(*kw);
    *kw = NULL;
    return -1;
}

static py_obj *eval_call(py_frame *f, py_node *n)
{
    py_node *fn = n->a;
    py_obj *self = NULL, *callee = NULL;
    const py_method *m = NULL;
    if (fn->kind == PY_N_ATTR) {
        /* method call without making a bound method */
        self = py_eval(f, fn->a);
        if (!self)
            return NULL;
        if (self->kind != PY_K_TYPE && self->kind != PY_K_MODULE && self->kind != PY_K_SUPER &&
            !self->type->inst_dict) {
            const py_getset *gs;
            py_obj *cv = py_type_lookup(self->type, fn->name, &m, &gs);
            bool shadow = self->kind == PY_K_INST && PY_INST(self)->dict &&
                          py_dict_gets(PY_INST(self)->dict, fn->name);
            if (cv && cv->kind == PY_K_FUNC && !shadow)
                callee = py_incref(cv);
            else if (!(m && !cv && !gs && !shadow))
                m = NULL;
        }
        if (!callee && !m) {
            callee = py_getattr(self, fn->name);
            py_decref(self);
            self = NULL;
            if (!callee)
                return NULL;
        }
    } else {
        callee = py_eval(f, fn);
        if (!callee)
            return NULL;
    }
    py_obj *args, *kw;
    if (eval_args(f, n, &args, &kw) < 0) {
        py_xdecref(self);
        py_xdecref(callee);
        return NULL;
    }
    f->line = n->line;
    py_obj *r;
    py_list *l = PY_LIST(args);
    if (m) {
        r = m->fn(self, l->items, l->n, kw);
    } else if (self) {
        /* callee is a function found on the class: pass self first */
        py_list_insert(args, 0, self);
        r = py_call(callee, l->items, l->n, kw);
    } else {
        r = py_call(callee, l->items, l->n, kw);
    }
    py_xdecref(self);
    py_xdecref(callee);
    py_decref(args);
    py_xdecref(kw);
    return r;
}

/* ---- functions, lambdas, classes, comprehensions ------------------------ */

static py_obj *make_closure(py_frame *f, py_code *c)
{
    if (!c->nfree)
        return NULL;
    py_obj *t = py_tuple_new(c->nfree);
    for (uint32_t i = 0; i < c->nfree; i++) {
        int32_t from = c->free_from[i];
        py_obj *cell = from >= 0 ? f->fast[from] : PY_TUPLE(f->closure)->items[-1 - from];
        PY_TUPLE(t)->items[i] = py_incref(cell);
    }
    return t;
}

py_obj *py__make_function(py_frame *f, py_node *n)
{
    py_obj *defaults = NULL, *kwdefaults = NULL;
    if (n->l2.n) {
        defaults = py_tuple_new(n->l2.n);
        for (uint32_t i = 0; i < n->l2.n; i++) {
            py_obj *v = py_eval(f, n->l2.v[i]);
            if (!v) {
                py_decref(defaults);
                return NULL;
            }
            PY_TUPLE(defaults)->items[i] = v;
        }
    }
    if (n->l3.n) {
        kwdefaults = py_dict_new();
        for (uint32_t i = 0; i < n->l3.n; i++) {
            py_obj *v = py_eval(f, n->l3.v[i]->a);
            if (!v) {
                py_xdecref(defaults);
                py_decref(kwdefaults);
                return NULL;
            }
            py_dict_sets(kwdefaults, n->l3.v[i]->name, v);
            py_decref(v);
        }
    }
    py_func *fn = py_alloc(sizeof *fn, &py_type_function, PY_K_FUNC);
    fn->code = n->code;
    fn->globals = py_incref(f->globals);
    fn->defaults = defaults;
    fn->kwdefaults = kwdefaults;
    fn->closure = make_closure(f, n->code);
    return &fn->hdr;
}

py_obj *py__decorate(py_frame *f, py_nodes *decorators, py_obj *v)
{
    for (uint32_t i = decorators->n; i-- > 0;) {
        py_obj *d = py_eval(f, decorators->v[i]);
        if (!d) {
            py_decref(v);
            return NULL;
        }
        py_obj *r = py_call(d, &v, 1, NULL);
        py_decref(d);
        py_decref(v);
        if (!r)
            return NULL;
        v = r;
    }
    return v;
}

int py__exec_classdef(py_frame *f, py_node *n)
{
    py_type *base = NULL;
    for (uint32_t i = 0; i < n->l2.n; i++) {
        py_obj *b = py_eval(f, n->l2.v[i]);
        if (!b)
            return PY_X_EXC;
        if (b->kind != PY_K_TYPE) {
            py_decref(b);
            py_err(&py_exc_TypeError, "bases must be types");
            return PY_X_EXC;
        }
        if (base && (py_type *)b != &py_type_object) {
            py_decref(b);
            py_err(&py_exc_TypeError, "multiple inheritance is not supported by threadsim");
            return PY_X_EXC;
        }
        if (!base || base == &py_type_object)
            base = (py_type *)b;
        py_decref(b);
    }
    py_ts *ts = py_ts_get();
    py_obj *ns = py_dict_new();
    py_obj *mod = py_str_from("__main__");
    py_dict_sets(ns, "__module__", mod);
    py_decref(mod);
    py_obj *qn = py_str_from(n->code->qualname);
    py_dict_sets(ns, "__qualname__", qn);
    py_decref(qn);
    py_code *c = n->code;
    py_frame cf = {.code = c, .fast = NULL, .closure = make_closure(f, c), .globals = f->globals,
                   .ns = ns, .back = ts->frame, .line = c->line};
    ts->frame = &cf;
    int r = py_exec_body(&cf, c->body);
    ts->frame = cf.back;
    py_xdecref(cf.closure);
    py_xdecref(cf.retval);
    if (r == PY_X_EXC) {
        py_tb_here(&cf);
        py_decref(ns);
        return PY_X_EXC;
    }
    py_obj *cls = py_class_new(n->name, base, ns);
    py_decref(ns);
    if (!cls)
        return PY_X_EXC;
    cls = py__decorate(f, &n->l1, cls);
    if (!cls)
        return PY_X_EXC;
    int s = py__store_slot(f, n->scope, n->slot, n->name, NULL, cls);
    py_decref(cls);
    return s < 0 ? PY_X_EXC : PY_X_OK;
}

/* Run generator clauses from index g, adding elements to `out`. */
static int comp_loop(py_frame *cf, py_node *comp, uint32_t g, py_obj *it, py_obj *out)
{
    py_node *gen = comp->l1.v[g];
    for (;;) {
        py_obj *v = py_next(it);
        if (!v)
            return py_err_occurred() ? -1 : 0;
        int r = py__assign(cf, gen->a, v);
        py_decref(v);
        if (r < 0)
            return -1;
        if (py_step(cf) < 0)
            return -1;
        bool ok = true;
        for (uint32_t i = 0; i < gen->l1.n && ok; i++) {
            py_obj *c = py_eval(cf, gen->l1.v[i]);
            if (!c)
                return -1;
            int t = py_truth(c);
            py_decref(c);
            if (t < 0)
                return -1;
            ok = t;
        }
        if (!ok)
            continue;
        if (g + 1 < comp->l1.n) {
            py_obj *src = py_eval(cf, comp->l1.v[g + 1]->b);
            if (!src)
                return -1;
            py_obj *it2 = py_iter(src);
            py_decref(src);
            if (!it2)
                return -1;
            r = comp_loop(cf, comp, g + 1, it2, out);
            py_decref(it2);
            if (r < 0)
                return -1;
            continue;
        }
        py_obj *e = py_eval(cf, comp->a);
        if (!e)
            return -1;
        if (comp->op == PY_COMP_DICT) {
            py_obj *val = py_eval(cf, comp->b);
            if (!val) {
                py_decref(e);
                return -1;
            }
            r = py_dict_set(out, e, val);
            py_decref(val);
        } else if (comp->op == PY_COMP_SET) {
            r = py_set_add(out, e);
        } else {
            py_list_append(out, e);
            r = 0;
        }
        py_decref(e);
        if (r < 0)
            return -1;
    }
}

/* Comprehensions run in their own scope. Generator expressions are
 * evaluated eagerly into a list and handed out as an iterator over it. */
static py_obj *eval_comp(py_frame *f, py_node *n)
{
    py_ts *ts = py_ts_get();
    py_obj *src = py_eval(f, n->l1.v[0]->b);
    if (!src)
        return NULL;
    py_obj *it = py_iter(src);
    py_decref(src);
    if (!it)
        return NULL;
    py_code *c = n->code;
    uint32_t nl = c->nlocals;
    py_obj *fast[nl ? nl : 1];
    memset(fast, 0, sizeof fast);
    for (uint32_t i = 0; i < nl; i++)
        if (c->cell[i])
            fast[i] = py_cell_new(NULL);
    py_frame cf = {.code = c, .fast = fast, .closure = make_closure(f, c), .globals = f->globals,
                   .back = ts->frame, .line = n->line};
    py_obj *out = n->op == PY_COMP_DICT ? py_dict_new()
                : n->op == PY_COMP_SET  ? py_set_new()
                                        : py_list_new(0);
    ts->frame = &cf;
    int r = comp_loop(&cf, n, 0, it, out);
    ts->frame = cf.back;
    if (r < 0)
        py_tb_here(&cf);
    py_decref(it);
    py_xdecref(cf.closure);
    for (uint32_t i = 0; i < nl; i++)
        py_xdecref(fast[i]);
    if (r < 0) {
        py_decref(out);
        return NULL;
    }
    if (n->op == PY_COMP_GEN) {
        py_obj *gi = py_iter(out);
        py_decref(out);
        return gi;
    }
    return out;
}

/* ---- f-strings ---------------------------------------------------------- */

static int eval_fstring_into(py_frame *f, py_node *n, sim_buf *b)
{
    for (uint32_t i = 0; i < n->l1.n; i++) {
        py_node *part = n->l1.v[i];
        if (part->kind == PY_N_CONST) {
            sim_buf_add(b, PY_STR(part->value), PY_STRLEN(part->value));
            continue;
        }
        py_obj *v = py_eval(f, part->a);
        if (!v)
            return -1;
        if (part->op == 'r' || part->op == 'a' || part->op == 's') {
            py_obj *s = part->op == 's' ? py_str_of(v) : py_repr_of(v);
            py_decref(v);
            if (!s)
                return -1;
            v = s;
        }
        sim_buf spec = {0};
        if (part->b && eval_fstring_into(f, part->b, &spec) < 0) {
            py_decref(v);
            sim_buf_free(&spec);
            return -1;
        }
        int r = py_format_spec(b, v, sim_buf_str(&spec), spec.len);
        sim_buf_free(&spec);
        py_decref(v);
        if (r < 0)
            return -1;
    }
    return 0;
}

/* ---- expressions -------------------------------------------------------- */

static py_obj *eval_seq(py_frame *f, py_nodes *items, bool tuple)
{
    py_obj *l = py_list_new(0);
    for (uint32_t i = 0; i < items->n; i++) {
        py_node *e = items->v[i];
        if (e->kind == PY_N_STARRED) {
            py_obj *src = py_eval(f, e->a);
            py_obj *sl = src ? py_list_from_iter(src) : NULL;
            py_xdecref(src);
            if (!sl) {
                py_decref(l);
                return NULL;
            }
            for (size_t k = 0; k < PY_LIST(sl)->n; k++)
                py_list_append(l, PY_LIST(sl)->items[k]);
            py_decref(sl);
            continue;
        }
        py_obj *v = py_eval(f, e);
        if (!v) {
            py_decref(l);
            return NULL;
        }
        py_list_append(l, v);
        py_decref(v);
    }
    if (!tuple)
        return l;
    py_obj *t = py_tuple_new(PY_LIST(l)->n);
    for (size_t i = 0; i < PY_LIST(l)->n; i++)
        PY_TUPLE(t)->items[i] = py_incref(PY_LIST(l)->items[i]);
    py_decref(l);
    return t;
}

static py_obj *eval_compare(py_frame *f, py_node *n)
{
    py_obj *left = py_eval(f, n->a);
    if (!left)
        return NULL;
    for (uint32_t i = 0; i < n->l1.n; i++) {
        py_obj *right = py_eval(f, n->l1.v[i]);
        if (!right) {
            py_decref(left);
            return NULL;
        }
        int op = n->ops[i], r;
        switch (op) {
        case PY_OP_IS: r = left == right; break;
        case PY_OP_ISNOT: r = left != right; break;
        case PY_OP_IN: r = py_contains(right, left); break;
        case PY_OP_NOTIN: r = py_contains(right, left); r = r < 0 ? r : !r; break;
        default: r = py_compare(left, right, op - PY_OP_EQ); break;
        }
        py_decref(left);
        if (r < 0) {
            py_decref(right);
            return NULL;
        }
        if (!r) {
            py_decref(right);
            return py_False;
        }
        left = right;
    }
    py_decref(left);
    return py_True;
}

py_obj *py_eval(py_frame *f, py_node *n)
{
    switch (n->kind) {
    case PY_N_CONST:
        return py_incref(n->value);
    case PY_N_NAME:
        return py__load_name(f, n);
    case PY_N_ATTR: {
        py_obj *o = py_eval(f, n->a);
        if (!o)
            return NULL;
        py_obj *v = py_getattr(o, n->name);
        py_decref(o);
        return v;
    }
    case PY_N_SUBSCR: {
        py_obj *o = py_eval(f, n->a);
        if (!o)
            return NULL;
        py_obj *k = py_eval(f, n->b);
        if (!k) {
            py_decref(o);
            return NULL;
        }
        py_obj *v = py_getitem(o, k);
        py_decref(o);
        py_decref(k);
        return v;
    }
    case PY_N_SLICE: {
        py_slice *s = py_alloc(sizeof *s, &py_type_slice, PY_K_SLICE);
        py_node *parts[3] = {n->a, n->b, n->c};
        py_obj **outs[3] = {&s->start, &s->stop, &s->step};
        for (int i = 0; i < 3; i++) {
            *outs[i] = parts[i] ? py_eval(f, parts[i]) : py_incref(py_None);
            if (!*outs[i]) {
                for (int k = i + 1; k < 3; k++)
                    *outs[k] = py_incref(py_None);
                py_decref(&s->hdr);
                return NULL;
            }
        }
        return &s->hdr;
    }
    case PY_N_CALL:
        return eval_call(f, n);
    case PY_N_BINOP: {
        py_obj *a = py_eval(f, n->a);
        if (!a)
            return NULL;
        py_obj *b = py_eval(f, n->b);
        if (!b) {
            py_decref(a);
            return NULL;
        }
        py_obj *r = py_binop(n->op, a, b);
        py_decref(a);
        py_decref(b);
        return r;
    }
    case PY_N_UNARY: {
        py_obj *a = py_eval(f, n->a);
        if (!a)
            return NULL;
        py_obj *r = py_unary(n->op, a);
        py_decref(a);
        return r;
    }
    case PY_N_BOOLOP: {
        py_obj *v = NULL;
        for (uint32_t i = 0; i < n->l1.n; i++) {
            py_xdecref(v);
            v = py_eval(f, n->l1.v[i]);
            if (!v)
                return NULL;
            int t = py_truth(v);
            if (t < 0) {
                py_decref(v);
                return NULL;
            }
            if (n->op == PY_OP_AND ? !t : t)
                return v;
        }
        return v;
    }
    case PY_N_COMPARE:
        return eval_compare(f, n);
    case PY_N_IFEXP: {
        py_obj *c = py_eval(f, n->a);
        if (!c)
            return NULL;
        int t = py_truth(c);
        py_decref(c);
        if (t < 0)
            return NULL;
        return py_eval(f, t ? n->b : n->c);
    }
    case PY_N_LAMBDA:
        return py__make_function(f, n);
    case PY_N_TUPLE:
        return eval_seq(f, &n->l1, true);
    case PY_N_LIST:
        return eval_seq(f, &n->l1, false);
    case PY_N_SET: {
        py_obj *l = eval_seq(f, &n->l1, false);
        if (!l)
            return NULL;
        py_obj *s = py_set_new();
        for (size_t i = 0; i < PY_LIST(l)->n; i++)
            if (py_set_add(s, PY_LIST(l)->items[i]) < 0) {
                py_decref(l);
                py_decref(s);
                return NULL;
            }
        py_decref(l);
        return s;
    }
    case PY_N_DICT: {
        py_obj *d = py_dict_new();
        for (uint32_t i = 0; i < n->l1.n; i++) {
            py_obj *v = py_eval(f, n->l2.v[i]);
            if (!v) {
                py_decref(d);
                return NULL;
            }
            if (!n->l1.v[i]) {
                if (v->kind != PY_K_DICT) {
                    py_err(&py_exc_TypeError, "'%s' object is not a mapping", py_type_name(v));
                    py_decref(v);
                    py_decref(d);
                    return NULL;
                }
                py_dict *src = PY_DICT(v);
                for (size_t e = 0; e < src->used; e++)
                    if (src->entries[e].key)
                        py_dict_set(d, src->entries[e].key, src->entries[e].value);
                py_decref(v);
                continue;
            }
            py_obj *k = py_eval(f, n->l1.v[i]);
            int r = k ? py_dict_set(d, k, v) : -1;
            py_xdecref(k);
            py_decref(v);
            if (r < 0) {
                py_decref(d);
                return NULL;
            }
        }
        return d;
    }
    case PY_N_COMP:
        return eval_comp(f, n);
    case PY_N_FSTRING: {
        sim_buf b = {0};
        if (eval_fstring_into(f, n, &b) < 0) {
            sim_buf_free(&b);
            return NULL;
        }
        return py_str_take(&b);
    }
    case PY_N_STARRED:
        return py_err(&py_exc_SyntaxError, "can't use starred expression here");
    default:
        return py_err(&py_exc_RuntimeError, "bad expression node %d", n->kind);
    }
}
