/*
 * tools/scenarios/rlock.c — page 9 of the tutorial, "RLock (re-entrant)
 * objects" (Python 2).
 *
 * rlock/lock-nonblocking:
 *   lock = threading.Lock()
 *   print 'First try :', lock.acquire()
 *   print 'Second try:', lock.acquire(0)
 *   print "print this if not blocked..."
 *
 * rlock/lock-self-deadlock: the same with a blocking lock.acquire() the
 *   second time. Real Python hangs after writing "Second try:" (the print
 *   statement writes each item as it goes, before evaluating the next); the
 *   simulator reports the self-deadlock and exits with status 3.
 *
 * rlock/rlock:
 *   lock = threading.RLock()
 *   print 'First try :', lock.acquire()
 *   print 'Second try:', lock.acquire(0)
 *   Python 2's RLock.acquire returned 1, not True, when the owner re-entered
 *   (threading.py's _RLock: "return 1"); Python 3 prints True.
 *
 * rlock/class:
 *   class X:
 *       def __init__(self): self.a = 1; self.b = 2; self.lock = threading.RLock()
 *       def changeA(self):
 *           with self.lock: self.a = self.a + 1
 *       def changeB(self):
 *           with self.lock: self.b = self.b + self.a
 *       def changeAandB(self):
 *           with self.lock:
 *               self.changeA()  # a plain Lock would block here
 *               self.changeB()
 *   x = X(); x.changeA(); x.changeB(); x.changeAandB()
 *   No output.
 *
 * The print statements are written item by item with model_write, as Python
 * 2 writes them.
 */
#include <string.h>

#include "../../model/lock.h"
#include "scenario.h"

static void rlock_write(const char *s) { model_write(MODEL_STDOUT, s, strlen(s)); }

/* print LABEL, <acquire result>: the label is out before the call. */
static void rlock_print_try(const char *label, model_lock *l, bool blocking)
{
    rlock_write(label);
    bool reentry = l->reentrant && model_lock_owner(l) == model_current_thread();
    int r = model_lock_acquire(l, blocking, MODEL_NO_TIMEOUT);
    TS_CHECK(r);
    if (r && reentry && model_python_version() == 2)
        rlock_write(" 1\n");
    else
        rlock_write(r ? " True\n" : " False\n");
}

static void rlock_lock_nonblocking(void *arg)
{
    (void)arg;
    model_lock *lock = model_lock_new();
    rlock_print_try("First try :", lock, true);
    rlock_print_try("Second try:", lock, false);
    rlock_write("print this if not blocked...\n");
}

static void rlock_lock_self_deadlock(void *arg)
{
    (void)arg;
    model_lock *lock = model_lock_new();
    rlock_print_try("First try :", lock, true);
    rlock_print_try("Second try:", lock, true);
    rlock_write("print this if not blocked...\n");
}

static void rlock_rlock(void *arg)
{
    (void)arg;
    model_lock *lock = model_rlock_new();
    rlock_print_try("First try :", lock, true);
    rlock_print_try("Second try:", lock, false);
}

typedef struct rlock_x {
    int a, b;
    model_lock *lock;
} rlock_x;

static void rlock_change_a(rlock_x *x)
{
    TS_CHECK(model_lock_acquire_forever(x->lock));
    x->a = x->a + 1;
    TS_CHECK(model_lock_release(x->lock));
}

static void rlock_change_b(rlock_x *x)
{
    TS_CHECK(model_lock_acquire_forever(x->lock));
    x->b = x->b + x->a;
    TS_CHECK(model_lock_release(x->lock));
}

static void rlock_change_a_and_b(rlock_x *x)
{
    TS_CHECK(model_lock_acquire_forever(x->lock));
    rlock_change_a(x);
    rlock_change_b(x);
    TS_CHECK(model_lock_release(x->lock));
}

static void rlock_class(void *arg)
{
    (void)arg;
    rlock_x x = {1, 2, model_rlock_new()};
    rlock_change_a(&x);
    rlock_change_b(&x);
    rlock_change_a_and_b(&x);
}

static const ts_scenario rlock_items[] = {
    {"rlock/lock-nonblocking", "a Lock acquired, then tried again without blocking",
     rlock_lock_nonblocking, 2, "rlock/lock-nonblocking.out"},
    {"rlock/lock-self-deadlock", "a Lock acquired twice by one thread: reported deadlock",
     rlock_lock_self_deadlock, 2, "rlock/lock-self-deadlock.out"},
    {"rlock/rlock", "an RLock acquired twice by its owner", rlock_rlock, 2, "rlock/rlock.out"},
    {"rlock/class", "methods that take one RLock call each other (no output)", rlock_class, 2,
     "rlock/class.out"},
};

const ts_scenario_table ts_rlock_scenarios =
    {rlock_items, sizeof rlock_items / sizeof rlock_items[0]};
