/*
 * tools/scenarios/condition.c — page 11 of the tutorial, "Condition objects
 * with producer and consumer" (Python 2).
 *
 *   logging.basicConfig(level=logging.DEBUG, format='(%(threadName)-9s) %(message)s',)
 *   def consumer(cv):
 *       logging.debug('Consumer thread started ...')
 *       with cv:
 *           logging.debug('Consumer waiting ...')
 *           cv.wait()
 *           logging.debug('Consumer consumed the resource')
 *   def producer(cv):
 *       logging.debug('Producer thread started ...')
 *       with cv:
 *           logging.debug('Making resource available')
 *           logging.debug('Notifying to all consumers')
 *           cv.notifyAll()
 *   condition = threading.Condition()
 *   cs1 = threading.Thread(name='consumer1', target=consumer, args=(condition,))
 *   cs2 = threading.Thread(name='consumer2', target=consumer, args=(condition,))
 *   pd = threading.Thread(name='producer', target=producer, args=(condition,))
 *   cs1.start(); time.sleep(2); cs2.start(); time.sleep(2); pd.start()
 *
 * notifyAll wakes the consumers in the order they started waiting.
 */
#include "../../model/cond.h"
#include "scenario.h"

static void condition_consumer(void *arg)
{
    model_cond *cv = arg;
    model_debug("Consumer thread started ...");
    TS_CHECK(model_cond_acquire(cv, true, MODEL_NO_TIMEOUT));
    model_debug("Consumer waiting ...");
    TS_CHECK(model_cond_wait(cv, MODEL_NO_TIMEOUT));
    model_debug("Consumer consumed the resource");
    TS_CHECK(model_cond_release(cv));
}

static void condition_producer(void *arg)
{
    model_cond *cv = arg;
    model_debug("Producer thread started ...");
    TS_CHECK(model_cond_acquire(cv, true, MODEL_NO_TIMEOUT));
    model_debug("Making resource available");
    model_debug("Notifying to all consumers");
    TS_CHECK(model_cond_notify_all(cv));
    TS_CHECK(model_cond_release(cv));
}

static void condition_main(void *arg)
{
    (void)arg;
    TS_CHECK(model_log_config(MODEL_DEBUG, "(%(threadName)-9s) %(message)s"));
    model_cond *condition = model_cond_new(NULL);
    model_thread *cs1 = model_thread_new("consumer1", condition_consumer, condition, "consumer");
    model_thread *cs2 = model_thread_new("consumer2", condition_consumer, condition, "consumer");
    model_thread *pd = model_thread_new("producer", condition_producer, condition, "producer");
    TS_CHECK(model_thread_start(cs1));
    model_sleep(2);
    TS_CHECK(model_thread_start(cs2));
    model_sleep(2);
    TS_CHECK(model_thread_start(pd));
}

static const ts_scenario condition_items[] = {
    {"condition/producer-consumer", "two consumers wait on a Condition; a producer notifies all",
     condition_main, 2, "condition/producer-consumer.out"},
};

const ts_scenario_table ts_condition_scenarios = {condition_items, sizeof condition_items /
                                                                        sizeof condition_items[0]};
