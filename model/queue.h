/*
 * model/queue.h — Python's `queue` module: Queue, LifoQueue, PriorityQueue
 * and SimpleQueue, on the virtual clock.
 *
 * Queue, LifoQueue and PriorityQueue follow Lib/queue.py statement by
 * statement: one mutex and three conditions over it, not_empty (getters
 * wait), not_full (putters wait) and all_tasks_done (join waits). put()
 * notifies one getter, get() notifies one putter, task_done() notifies every
 * joiner when the count of unfinished tasks reaches zero. A woken thread
 * re-checks its condition in a loop, so a thread that runs first may take the
 * item a woken getter was notified for; the woken one then waits again, at
 * the back of the line, with what is left of its timeout. The mutex itself
 * never shows: it is held only inside one model call, which never blocks
 * while holding it, so no thread ever waits for it.
 *
 * Wake order: every condition wakes its waiters in FIFO order of the moment
 * they started waiting (CPython's Condition keeps a deque of waiters). As in
 * CPython, a notify may go to a waiter whose timeout has already expired but
 * that has not run yet: that waiter is counted as notified, and when it runs
 * it takes an item if one is there, else raises Empty/Full.
 *
 * SimpleQueue follows Modules/_queuemodule.c: an unbounded list and one lock
 * that a getter blocks on while the list is empty; put() releases that lock
 * if it is held. Lock waiters are woken in FIFO order (a stand-in for the
 * OS lock's order); a thread already running may take the freed lock first
 * ("barging"), and then the woken one waits again at the back. A release
 * skips waiters whose timeout already expired (an OS lock does: they no
 * longer wait). A get that times out raises Empty without looking again.
 *
 * Timeouts are seconds (MODEL_NO_TIMEOUT, i.e. None or +inf: wait forever);
 * the deadline is computed once, now + timeout rounded up to a nanosecond,
 * and every wait of the call ends by it, so Empty/Full is raised at exactly
 * that virtual instant. A NaN timeout makes Queue.get/put spin without
 * blocking, as CPython does (each turn is a model step, so the switch
 * interval preempts it); SimpleQueue.get rejects it like CPython.
 *
 * Items are opaque to the queue: a model_qitem holds a priority key, a number
 * and a pointer, copied in and out. PriorityQueue orders by key, smallest
 * first, and items with equal keys by insertion order (first put, first
 * out). This departs from CPython, which compares the items themselves
 * (heapq on (priority, data) tuples, and an unstable heap for equal ones):
 * here equal priorities are an explicit, documented tie, FIFO.
 *
 * Errors (CPython's exceptions; the type strings print like CPython's
 * excepthook/traceback last line):
 *   MODEL_EXC_EMPTY  "_queue.Empty"  get with block=False, or timed out
 *   MODEL_EXC_FULL   "queue.Full"    put with block=False, or timed out
 *   ValueError "'timeout' must be a non-negative number"
 *   ValueError "task_done() called too many times"
 *   AttributeError "'_queue.SimpleQueue' object has no attribute 'X'"
 *
 * Trace: waits are `block` events with reason "queue get", "queue put" or
 * "queue join" and the queue object ("Queue-1", "LifoQueue-1", ...); wakes
 * carry cause "queue put", "queue get" or "task_done".
 */
#ifndef MODEL_QUEUE_H
#define MODEL_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core.h"

#define MODEL_EXC_EMPTY "_queue.Empty"
#define MODEL_EXC_FULL "queue.Full"

typedef enum model_queue_kind {
    MODEL_QUEUE_FIFO,         /* queue.Queue */
    MODEL_QUEUE_LIFO,         /* queue.LifoQueue */
    MODEL_QUEUE_PRIORITY,     /* queue.PriorityQueue */
    MODEL_QUEUE_SIMPLE,       /* queue.SimpleQueue: unbounded, no task accounting */
} model_queue_kind;

/* One item, copied into and out of the queue. */
typedef struct model_qitem {
    int64_t key;              /* PriorityQueue: the priority, smallest first; else unused */
    int64_t num;              /* a number payload (free for the program) */
    void *ptr;                /* an opaque payload, not owned by the queue */
} model_qitem;

/* An int item, as q.put(5) puts one: key = num = v (so a PriorityQueue of
 * ints orders by the int). */
static inline model_qitem model_qitem_int(int64_t v)
{
    model_qitem it = {v, v, NULL};
    return it;
}

/* A stored item: the item and its insertion number (the tie-break). */
typedef struct model_qslot {
    model_qitem item;
    uint64_t seq;             /* 1, 2, ... in put order within this queue */
} model_qslot;

typedef struct model_queue {
    model_obj hdr;            /* kind "Queue", "LifoQueue", "PriorityQueue", "SimpleQueue" */
    model_queue_kind kind;
    long maxsize;             /* <= 0: unbounded (always 0 for SimpleQueue) */
    model_qslot *slots;       /* FIFO: ring from head; LIFO: stack; PRIORITY: heap on (key, seq) */
    size_t head, len, cap;    /* ring start (FIFO), item count, allocated slots */
    uint64_t puts;            /* items ever put: numbers the next slot */
    long unfinished;          /* unfinished_tasks (not SimpleQueue) */
    model_waitq not_empty;    /* getters (SimpleQueue: waiters on its lock) */
    model_waitq not_full;     /* putters */
    model_waitq all_tasks_done; /* joiners */
    bool locked;              /* SimpleQueue: its lock is held (the list was seen empty) */
} model_queue;

/* queue.Queue(maxsize), LifoQueue(maxsize), PriorityQueue(maxsize),
 * SimpleQueue() (maxsize ignored). Never fails (aborts on out-of-memory). */
model_queue *model_queue_new(model_queue_kind kind, long maxsize);

/* q.put(item, block, timeout): 0, or -1 with queue.Full or ValueError.
 * SimpleQueue ignores block and timeout, as CPython does. */
int model_queue_put(model_queue *q, model_qitem item, bool block, double timeout);
/* q.get(block, timeout): 0 with *out set, or -1 with _queue.Empty or
 * ValueError. */
int model_queue_get(model_queue *q, bool block, double timeout, model_qitem *out);
/* q.put_nowait(item) = put(item, False); q.get_nowait() = get(False). */
int model_queue_put_nowait(model_queue *q, model_qitem item);
int model_queue_get_nowait(model_queue *q, model_qitem *out);

/* q.qsize(), q.empty(), q.full() (full: -1 + AttributeError on SimpleQueue,
 * else 0 or 1). */
size_t model_queue_qsize(model_queue *q);
bool model_queue_empty(model_queue *q);
int model_queue_full(model_queue *q);

/* q.task_done(): 0, or -1 with ValueError "task_done() called too many
 * times" (the count is left unchanged) or AttributeError on SimpleQueue. */
int model_queue_task_done(model_queue *q);
/* q.join(): blocks until every item put has been task_done'd. -1 +
 * AttributeError on SimpleQueue. */
int model_queue_join(model_queue *q);

#endif
