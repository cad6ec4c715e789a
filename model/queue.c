/*
 * model/queue.c — queue.Queue & co. over the model's wait queues (see
 * queue.h for the semantics and why they are CPython's).
 *
 * Storage is one array of slots used three ways: a ring buffer (FIFO), a
 * stack (LIFO) or a binary min-heap on (key, seq) (PRIORITY); seq numbers the
 * puts, so no two slots compare equal and the heap's order is total.
 *
 * Waiting: the three conditions of Lib/queue.py are three model_waitq lists
 * of the queue; a condition wait is queue__wait() with an absolute deadline
 * (computed once per call, so a woken-then-robbed waiter waits again only
 * for what is left). SimpleQueue's lock is the `locked` flag with its
 * waiters on not_empty (queue__lock_*).
 */
#include "queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "world.h"

static const char *const queue__kinds[] = {"Queue", "LifoQueue", "PriorityQueue", "SimpleQueue"};

static void queue__destroy(model_obj *o)
{
    model_queue *q = (model_queue *)o;
    free(q->slots);
    q->slots = NULL;
}

model_queue *model_queue_new(model_queue_kind kind, long maxsize)
{
    model_step();
    if ((unsigned)kind > MODEL_QUEUE_SIMPLE)
        kind = MODEL_QUEUE_FIFO;
    model_queue *q = model_obj_new(sizeof *q, queue__kinds[kind], NULL);
    q->hdr.destroy = queue__destroy;
    q->kind = kind;
    q->maxsize = kind == MODEL_QUEUE_SIMPLE ? 0 : maxsize;
    return q;
}

/* ---- storage ------------------------------------------------------------ */

static bool slot__less(const model_qslot *a, const model_qslot *b)
{
    return a->item.key < b->item.key || (a->item.key == b->item.key && a->seq < b->seq);
}

static void queue__grow(model_queue *q)
{
    if (q->len < q->cap)
        return;
    size_t cap = q->cap ? q->cap * 2 : 16;
    model_qslot *s = model__xmalloc(cap * sizeof *s);
    for (size_t i = 0; i < q->len; i++) /* unroll the ring (a no-op order for the others) */
        s[i] = q->slots[q->kind == MODEL_QUEUE_FIFO || q->kind == MODEL_QUEUE_SIMPLE
                            ? (q->head + i) % q->cap
                            : i];
    free(q->slots);
    q->slots = s;
    q->head = 0;
    q->cap = cap;
}

static void queue__push(model_queue *q, model_qitem item)
{
    queue__grow(q);
    model_qslot s = {item, ++q->puts};
    switch (q->kind) {
    case MODEL_QUEUE_FIFO:
    case MODEL_QUEUE_SIMPLE:
        q->slots[(q->head + q->len) % q->cap] = s;
        q->len++;
        break;
    case MODEL_QUEUE_LIFO:
        q->slots[q->len++] = s;
        break;
    case MODEL_QUEUE_PRIORITY: {
        size_t i = q->len++;
        while (i > 0) {
            size_t parent = (i - 1) / 2;
            if (!slot__less(&s, &q->slots[parent]))
                break;
            q->slots[i] = q->slots[parent];
            i = parent;
        }
        q->slots[i] = s;
        break;
    }
    }
}

static model_qitem queue__pop(model_queue *q)
{
    model_qitem out;
    switch (q->kind) {
    case MODEL_QUEUE_FIFO:
    case MODEL_QUEUE_SIMPLE:
        out = q->slots[q->head].item;
        q->head = (q->head + 1) % q->cap;
        q->len--;
        break;
    case MODEL_QUEUE_LIFO:
        out = q->slots[--q->len].item;
        break;
    default: { /* PRIORITY: take the root, sift the last slot down from it */
        out = q->slots[0].item;
        model_qslot last = q->slots[--q->len];
        size_t i = 0, n = q->len;
        for (;;) {
            size_t c = 2 * i + 1;
            if (c >= n)
                break;
            if (c + 1 < n && slot__less(&q->slots[c + 1], &q->slots[c]))
                c++;
            if (!slot__less(&q->slots[c], &last))
                break;
            q->slots[i] = q->slots[c];
            i = c;
        }
        if (n)
            q->slots[i] = last;
        break;
    }
    }
    return out;
}

/* ---- waiting ------------------------------------------------------------ */

static bool queue__forever(double timeout) { return isinf(timeout) && timeout > 0; }

/* Condition.wait on `wq` until notified or `deadline` (SIM_FOREVER).
 * Returns true if notified. */
static bool queue__wait(model_queue *q, model_waitq *wq, const char *reason, int64_t deadline)
{
    model_world *w = model__world();
    model_thread *t = model__current(w);
    model__waitq_push(wq, t);
    t->waiting_on = &q->hdr;
    int r = sim_block(&w->sched, reason, q->hdr.oid, q->hdr.what, deadline);
    t->waiting_on = NULL;
    if (r == SIM_TIMEDOUT) {
        /* Still listed unless a notify chose it after its timeout: CPython's
         * Condition counts that notify as delivered, and so do we. */
        if (t->wq == wq)
            model__waitq_remove(wq, t);
        return false;
    }
    return true;
}

static int64_t queue__now(void) { return sim_now(&model__world()->sched); }

static int queue__timeout_error(void)
{
    return model_err_set("ValueError", "'timeout' must be a non-negative number");
}

/* ---- SimpleQueue's lock ------------------------------------------------- */

/* Release: free the lock and wake the longest waiter that still waits
 * (one whose timeout fired is no longer waiting on an OS lock). */
static void queue__lock_release(model_queue *q, const char *cause)
{
    model_world *w = model__world();
    q->locked = false;
    for (model_thread *t; (t = model__waitq_pop(&q->not_empty));) {
        if (t->st->state == SIM_T_BLOCKED) {
            sim_wake(&w->sched, t->st, cause, q->hdr.oid);
            return;
        }
    }
}

/* Blocking acquire until `deadline`: a woken waiter that finds the lock
 * taken again (a running thread barged) waits again at the back. */
static bool queue__lock_acquire(model_queue *q, int64_t deadline)
{
    for (;;) {
        if (!q->locked) {
            q->locked = true;
            return true;
        }
        if (deadline != SIM_FOREVER && deadline <= queue__now())
            return false;
        if (!queue__wait(q, &q->not_empty, "queue get", deadline))
            return false;
    }
}

static int queue__simple_get(model_queue *q, bool block, double timeout, model_qitem *out)
{
    /* _queue_SimpleQueue_get_impl: timeout 0 (non-blocking), -1 (None), or
     * a deadline. */
    int64_t deadline = SIM_FOREVER;
    bool may_block = true;
    if (!block) {
        may_block = false;
    } else if (!queue__forever(timeout)) {
        if (isnan(timeout))
            return model_err_set("ValueError", "Invalid value NaN (not a number)");
        if (timeout < 0)
            return queue__timeout_error();
        deadline = model_deadline(timeout);
        may_block = deadline > queue__now();
    }
    while (q->len == 0) {
        bool got = !q->locked; /* first a non-blocking try */
        if (got)
            q->locked = true;
        else if (may_block)
            got = queue__lock_acquire(q, deadline);
        if (!got)
            return model_err_set(MODEL_EXC_EMPTY, "%s", "");
        if (deadline != SIM_FOREVER)
            may_block = deadline > queue__now();
    }
    *out = queue__pop(q);
    if (q->locked)
        queue__lock_release(q, "queue get");
    return 0;
}

/* ---- the API ------------------------------------------------------------ */

int model_queue_put(model_queue *q, model_qitem item, bool block, double timeout)
{
    model_step();
    if (q->kind == MODEL_QUEUE_SIMPLE) {
        queue__push(q, item);
        if (q->locked)
            queue__lock_release(q, "queue put");
        return 0;
    }
    if (q->maxsize > 0) {
        size_t max = (size_t)q->maxsize;
        if (!block) {
            if (q->len >= max)
                return model_err_set(MODEL_EXC_FULL, "%s", "");
        } else if (queue__forever(timeout)) {
            while (q->len >= max)
                queue__wait(q, &q->not_full, "queue put", SIM_FOREVER);
        } else if (timeout < 0) {
            return queue__timeout_error();
        } else if (isnan(timeout)) {
            while (q->len >= max) /* Condition.wait(nan) returns at once: a spin */
                model_step();
        } else {
            int64_t deadline = model_deadline(timeout);
            while (q->len >= max) {
                if (deadline - queue__now() <= 0)
                    return model_err_set(MODEL_EXC_FULL, "%s", "");
                queue__wait(q, &q->not_full, "queue put", deadline);
            }
        }
    }
    queue__push(q, item);
    q->unfinished++;
    model_wake_one(&q->not_empty, "queue put", &q->hdr);
    return 0;
}

int model_queue_get(model_queue *q, bool block, double timeout, model_qitem *out)
{
    model_step();
    if (q->kind == MODEL_QUEUE_SIMPLE)
        return queue__simple_get(q, block, timeout, out);
    if (!block) {
        if (q->len == 0)
            return model_err_set(MODEL_EXC_EMPTY, "%s", "");
    } else if (queue__forever(timeout)) {
        while (q->len == 0)
            queue__wait(q, &q->not_empty, "queue get", SIM_FOREVER);
    } else if (timeout < 0) {
        return queue__timeout_error();
    } else if (isnan(timeout)) {
        while (q->len == 0)
            model_step();
    } else {
        int64_t deadline = model_deadline(timeout);
        while (q->len == 0) {
            if (deadline - queue__now() <= 0)
                return model_err_set(MODEL_EXC_EMPTY, "%s", "");
            queue__wait(q, &q->not_empty, "queue get", deadline);
        }
    }
    *out = queue__pop(q);
    model_wake_one(&q->not_full, "queue get", &q->hdr);
    return 0;
}

int model_queue_put_nowait(model_queue *q, model_qitem item)
{
    return model_queue_put(q, item, false, MODEL_NO_TIMEOUT);
}

int model_queue_get_nowait(model_queue *q, model_qitem *out)
{
    return model_queue_get(q, false, MODEL_NO_TIMEOUT, out);
}

size_t model_queue_qsize(model_queue *q)
{
    model_step();
    return q->len;
}

bool model_queue_empty(model_queue *q)
{
    model_step();
    return q->len == 0;
}

static int queue__no_attr(const char *name)
{
    return model_err_set("AttributeError", "'_queue.SimpleQueue' object has no attribute '%s'",
                         name);
}

int model_queue_full(model_queue *q)
{
    model_step();
    if (q->kind == MODEL_QUEUE_SIMPLE)
        return queue__no_attr("full");
    return q->maxsize > 0 && q->len >= (size_t)q->maxsize;
}

int model_queue_task_done(model_queue *q)
{
    model_step();
    if (q->kind == MODEL_QUEUE_SIMPLE)
        return queue__no_attr("task_done");
    long unfinished = q->unfinished - 1;
    if (unfinished <= 0) {
        if (unfinished < 0)
            return model_err_set("ValueError", "task_done() called too many times");
        model_wake_all(&q->all_tasks_done, "task_done", &q->hdr);
    }
    q->unfinished = unfinished;
    return 0;
}

int model_queue_join(model_queue *q)
{
    model_step();
    if (q->kind == MODEL_QUEUE_SIMPLE)
        return queue__no_attr("join");
    while (q->unfinished)
        queue__wait(q, &q->all_tasks_done, "queue join", SIM_FOREVER);
    return 0;
}
