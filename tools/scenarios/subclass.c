/*
 * tools/scenarios/subclass.c — page 5 of the tutorial, "Subclassing &
 * overriding run() and __init__() methods" (Python 2). A subclass's run() is
 * the thread's run override (model_thread.run); its fields live in `user`.
 *
 *   class MyThread(threading.Thread):
 *       def run(self):
 *           pass                                  # subclass/noop
 *           time.sleep(5)                         # subclass/sleep
 *           logging.debug('running')              # subclass/log
 *   subclass/noop, subclass/log:
 *       for i in range(3): t = MyThread(); t.start()
 *   subclass/sleep:
 *       for i in range(3):
 *           t = MyThread(); t.start()
 *           print 't.is_alive()=', t.is_alive()
 *           t.join()
 *           print 't.is_alive()=', t.is_alive()
 *   subclass/init-args:
 *       class MyThread(threading.Thread):
 *           def __init__(self, group=None, target=None, name=None,
 *                        args=(), kwargs=None, verbose=None):
 *               threading.Thread.__init__(self, group=group, target=target,
 *                                         name=name, verbose=verbose)
 *               self.args = args
 *               self.kwargs = kwargs
 *           def run(self):
 *               logging.debug('running with %s and %s', self.args, self.kwargs)
 *       for i in range(3):
 *           t = MyThread(args=(i,), kwargs={'a':1, 'b':2})
 *           t.start()
 * The logging variants use format='(%(threadName)-9s) %(message)s'.
 */
#include <stdio.h>

#include "scenario.h"

#define SUB_LOG_FORMAT "(%(threadName)-9s) %(message)s"

static void sub_run_noop(model_thread *self) { (void)self; }
static void sub_run_sleep(model_thread *self)
{
    (void)self;
    model_sleep(5);
}
static void sub_run_log(model_thread *self)
{
    (void)self;
    model_debug("running");
}

/* MyThread(): Thread.__init__ with no name and no target: "Thread-N". */
static model_thread *sub_new(void (*run)(model_thread *), void *user)
{
    model_thread *t = model_thread_new(NULL, NULL, NULL, NULL);
    t->run = run;
    t->user = user;
    return t;
}

static void sub_noop(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++)
        TS_CHECK(model_thread_start(sub_new(sub_run_noop, NULL)));
}

static void sub_sleep(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++) {
        model_thread *t = sub_new(sub_run_sleep, NULL);
        TS_CHECK(model_thread_start(t));
        model_print("t.is_alive()= %s", model_thread_is_alive(t) ? "True" : "False");
        TS_CHECK(model_thread_join(t, MODEL_NO_TIMEOUT));
        model_print("t.is_alive()= %s", model_thread_is_alive(t) ? "True" : "False");
    }
}

static void sub_log(void *arg)
{
    (void)arg;
    TS_CHECK(model_log_config(MODEL_DEBUG, SUB_LOG_FORMAT));
    for (int i = 0; i < 3; i++)
        TS_CHECK(model_thread_start(sub_new(sub_run_log, NULL)));
}

/* self.args and self.kwargs, kept as their str() forms. */
typedef struct sub_fields {
    char args[32];        /* "(0,)" */
    const char *kwargs;   /* "{'a': 1, 'b': 2}" */
} sub_fields;

static void sub_run_args(model_thread *self)
{
    const sub_fields *f = self->user;
    model_debug("running with %s and %s", f->args, f->kwargs);
}

static void sub_init_args(void *arg)
{
    (void)arg;
    TS_CHECK(model_log_config(MODEL_DEBUG, SUB_LOG_FORMAT));
    static sub_fields fields[3]; /* outlive main's frame: threads may run after it */
    for (int i = 0; i < 3; i++) {
        snprintf(fields[i].args, sizeof fields[i].args, "(%d,)", i);
        fields[i].kwargs = "{'a': 1, 'b': 2}";
        TS_CHECK(model_thread_start(sub_new(sub_run_args, &fields[i])));
    }
}

static const ts_scenario sub_items[] = {
    {"subclass/noop", "a Thread subclass whose run() does nothing; three started", sub_noop, 2,
     "subclass/noop.out"},
    {"subclass/sleep", "run() sleeps 5 s; print t.is_alive() before and after join", sub_sleep,
     2, "subclass/sleep.out"},
    {"subclass/log", "run() logs 'running'; three started", sub_log, 2, "subclass/log.out"},
    {"subclass/init-args", "__init__ keeps args and kwargs; run() logs them", sub_init_args, 2,
     "subclass/init-args.out"},
};

const ts_scenario_table ts_subclass_scenarios = {sub_items,
                                                 sizeof sub_items / sizeof sub_items[0]};
