/*
 * tools/scenarios/local.c — page 14 of the tutorial, "Thread specific data -
 * threading.local()" (Python 2).
 *
 *   logging.basicConfig(level=logging.DEBUG,
 *                       format='(%(threadName)-0s) %(message)s',)   # -10s in (b)
 *   def show(d):
 *       try:
 *           val = d.val
 *       except AttributeError:
 *           logging.debug('No value yet')
 *       else:
 *           logging.debug('value=%s', val)
 *   def f(d):
 *       show(d)
 *       d.val = random.randint(1, 100)      # (b): d.value = ...
 *       show(d)
 *   (a) local/value:                         (b) local/subclass:
 *   d = threading.local()                    class MyLocal(threading.local):
 *   show(d)                                      def __init__(self, v):
 *   d.val = 999                                      logging.debug('Initializing %r', self)
 *   show(d)                                          self.val = v
 *   for i in range(2):                       d = MyLocal(999)
 *       t = threading.Thread(target=f,       show(d)
 *                            args=(d,))      for i in range(2): (the same threads)
 *       t.start()
 *
 * A slot holds the thread's attributes: val (and whether it is set) and
 * value. MyLocal's __init__ is the local's init callback: it runs in main at
 * construction and in each thread on its first touch. Its repr shows the
 * deterministic address of model_obj_address (the local is object 2, after
 * the main thread: 0x7f0000000080).
 */
#include <stdint.h>

#include "../../model/local.h"
#include "../../model/random.h"
#include "scenario.h"

typedef struct local_attrs {
    bool has_val;     /* d.val exists in this thread */
    int64_t val;
    bool has_value;   /* d.value exists (only (b) sets it) */
    int64_t value;
} local_attrs;

static void local_show(model_local *d)
{
    local_attrs *a = model_local_get(d);
    if (!a)
        model_raise();
    if (!a->has_val)
        model_debug("No value yet");
    else
        model_debug("value=%lld", (long long)a->val);
}

static void local_f(void *arg)
{
    model_local *d = arg;
    local_show(d);
    int64_t r;
    TS_CHECK(model_randint(1, 100, &r));
    local_attrs *a = model_local_get(d);
    if (!a)
        model_raise();
    a->has_val = true;
    a->val = r;
    local_show(d);
}

static void local_f_value(void *arg)
{
    model_local *d = arg;
    local_show(d);
    int64_t r;
    TS_CHECK(model_randint(1, 100, &r));
    local_attrs *a = model_local_get(d);
    if (!a)
        model_raise();
    a->has_value = true;
    a->value = r;
    local_show(d);
}

static void local_value(void *arg)
{
    (void)arg;
    TS_CHECK(model_log_config(MODEL_DEBUG, "(%(threadName)-0s) %(message)s"));
    model_local *d = model_local_new(sizeof(local_attrs), NULL, NULL, NULL);
    local_show(d);
    local_attrs *a = model_local_get(d);
    a->has_val = true;
    a->val = 999;
    local_show(d);
    for (int i = 0; i < 2; i++)
        TS_CHECK(model_thread_start(model_thread_new(NULL, local_f, d, "f")));
}

/* MyLocal.__init__(self, v) with v = *(int64_t *)ud. */
static int local_mylocal_init(model_local *l, void *slot, void *ud)
{
    model_debug("Initializing <__main__.MyLocal object at 0x%llx>",
                (unsigned long long)model_obj_address(&l->hdr));
    local_attrs *a = slot;
    a->has_val = true;
    a->val = *(const int64_t *)ud;
    return 0;
}

static void local_subclass(void *arg)
{
    (void)arg;
    static int64_t v = 999; /* MyLocal(999): the constructor argument */
    TS_CHECK(model_log_config(MODEL_DEBUG, "(%(threadName)-10s) %(message)s"));
    model_local *d = model_local_new(sizeof(local_attrs), local_mylocal_init, NULL, &v);
    if (!d)
        model_raise();
    local_show(d);
    for (int i = 0; i < 2; i++)
        TS_CHECK(model_thread_start(model_thread_new(NULL, local_f_value, d, "f")));
}

static const ts_scenario local_items[] = {
    {"local/value", "threading.local(): main's d.val=999 is not seen by two threads",
     local_value, 2, "local/value.out"},
    {"local/subclass", "a threading.local subclass: __init__ re-runs in each thread",
     local_subclass, 2, "local/subclass.out"},
};

const ts_scenario_table ts_local_scenarios = {local_items,
                                              sizeof local_items / sizeof local_items[0]};
