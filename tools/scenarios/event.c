/*
 * tools/scenarios/event.c — page 7 of the tutorial, "Event objects"
 * (Python 2).
 *
 *   logging.basicConfig(level=logging.DEBUG, format='(%(threadName)-9s) %(message)s',)
 *   def wait_for_event(e):
 *       logging.debug('wait_for_event starting')
 *       event_is_set = e.wait()
 *       logging.debug('event set: %s', event_is_set)
 *   def wait_for_event_timeout(e, t):
 *       while not e.isSet():
 *           logging.debug('wait_for_event_timeout starting')
 *           event_is_set = e.wait(t)
 *           logging.debug('event set: %s', event_is_set)
 *           if event_is_set: logging.debug('processing event')
 *           else: logging.debug('doing other things')
 *   e = threading.Event()
 *   t1 = threading.Thread(name='blocking', target=wait_for_event, args=(e,))
 *   t1.start()
 *   t2 = threading.Thread(name='non-blocking', target=wait_for_event_timeout, args=(e, 2))
 *   t2.start()
 *   logging.debug('Waiting before calling Event.set()')
 *   time.sleep(3)
 *   e.set()
 *   logging.debug('Event is set')
 *
 * start() hands over at once, so "non-blocking" logs before main's
 * "Waiting before calling Event.set()" (the page shows the reverse).
 */
#include "../../model/event.h"
#include "scenario.h"

static const char *event_bool(int b) { return b ? "True" : "False"; }

static void event_wait_for_event(void *arg)
{
    model_event *e = arg;
    model_debug("wait_for_event starting");
    int set = model_event_wait(e, MODEL_NO_TIMEOUT);
    TS_CHECK(set);
    model_debug("event set: %s", event_bool(set));
}

static void event_wait_for_event_timeout(void *arg)
{
    model_event *e = arg;
    while (!model_event_is_set(e)) {
        model_debug("wait_for_event_timeout starting");
        int set = model_event_wait(e, 2);
        TS_CHECK(set);
        model_debug("event set: %s", event_bool(set));
        if (set)
            model_debug("processing event");
        else
            model_debug("doing other things");
    }
}

static void event_main(void *arg)
{
    (void)arg;
    TS_CHECK(model_log_config(MODEL_DEBUG, "(%(threadName)-9s) %(message)s"));
    model_event *e = model_event_new();
    model_thread *t1 = model_thread_new("blocking", event_wait_for_event, e, "wait_for_event");
    TS_CHECK(model_thread_start(t1));
    model_thread *t2 = model_thread_new("non-blocking", event_wait_for_event_timeout, e,
                                        "wait_for_event_timeout");
    TS_CHECK(model_thread_start(t2));
    model_debug("Waiting before calling Event.set()");
    model_sleep(3);
    model_event_set(e);
    model_debug("Event is set");
}

static const ts_scenario event_items[] = {
    {"event/set-wait", "one thread waits for an Event, one polls it with a 2 s timeout",
     event_main, 2, "event/set-wait.out"},
};

const ts_scenario_table ts_event_scenarios =
    {event_items, sizeof event_items / sizeof event_items[0]};
