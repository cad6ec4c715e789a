/*
 * tools/scenarios/create.c — page 1 of the tutorial, "Creating a thread and
 * passing arguments to the thread" (Python 2).
 *
 *   def f():                       def f(id):
 *       print 'thread function'        print 'thread function %s' % (id)
 *   for i in range(3):             for i in range(3):
 *       t = threading.Thread(          t = threading.Thread(target=f, args=(i,))
 *               target=f)              t.start()
 *       t.start()
 *
 * start() hands over to the new thread, so each thread prints before the
 * next one is created: the output is in creation order, as on the page.
 */
#include <stdint.h>

#include "scenario.h"

static void create_f(void *arg)
{
    (void)arg;
    model_print("thread function");
}

static void create_f_id(void *arg) { model_print("thread function %d", (int)(intptr_t)arg); }

static void create_no_args(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++)
        TS_CHECK(model_thread_start(model_thread_new(NULL, create_f, NULL, "f")));
}

static void create_args(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++)
        TS_CHECK(model_thread_start(model_thread_new(NULL, create_f_id, (void *)(intptr_t)i, "f")));
}

static const ts_scenario create_items[] = {
    {"create/no-args", "three threads run a function that prints 'thread function'",
     create_no_args, 2, "create/no-args.out"},
    {"create/args", "the same with args=(i,): 'thread function 0', 1, 2", create_args, 2,
     "create/args.out"},
};

const ts_scenario_table ts_create_scenarios = {create_items,
                                               sizeof create_items / sizeof create_items[0]};
