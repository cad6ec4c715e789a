/*
 * tools/scenarios/queue.c — page 12 of the tutorial, "Producer and Consumer
 * with Queue" (Python 2). The program never ends.
 *
 *   logging.basicConfig(level=logging.DEBUG, format='(%(threadName)-9s) %(message)s',)
 *   BUF_SIZE = 10
 *   q = Queue.Queue(BUF_SIZE)
 *   class ProducerThread(threading.Thread):
 *       def __init__(self, group=None, target=None, name=None,
 *                    args=(), kwargs=None, verbose=None):
 *           super(ProducerThread,self).__init__()
 *           self.target = target
 *           self.name = name
 *       def run(self):
 *           while True:
 *               if not q.full():
 *                   item = random.randint(1,10)
 *                   q.put(item)
 *                   logging.debug('Putting ' + str(item)
 *                                 + ' : ' + str(q.qsize()) + ' items in queue')
 *                   time.sleep(random.random())
 *   class ConsumerThread(threading.Thread):
 *       (the same __init__)
 *       def run(self):
 *           while True:
 *               if not q.empty():
 *                   item = q.get()
 *                   logging.debug('Getting ' + str(item)
 *                                 + ' : ' + str(q.qsize()) + ' items in queue')
 *                   time.sleep(random.random())
 *   p = ProducerThread(name='producer')
 *   c = ConsumerThread(name='consumer')
 *   p.start()
 *   time.sleep(2)
 *   c.start()
 *   time.sleep(2)
 *
 * When the queue is full (or empty) the producer (consumer) spins on
 * q.full() (q.empty()) without blocking; the switch interval preempts it and
 * charges 5 ms per interval, so the sleeping thread still wakes. Main
 * returns at 4 s and then waits for the two non-daemon threads forever, so
 * the scenario carries its own run limit: QP_LIMIT seconds of virtual time,
 * unless the run was given a limit (--max-time, --max-events). Its expected
 * output is what it prints until then; the run ends with exit status 124 (a run limit).
 */
#include "../../model/queue.h"
#include "../../model/random.h"
#include "scenario.h"

#define QP_BUF_SIZE 10
#define QP_LIMIT 30.0 /* virtual seconds: long enough to see the queue fill up (20.4 s) */

static model_queue *qp_q; /* the module-level q (set by main before any thread starts) */

static void qp_producer(model_thread *self)
{
    (void)self;
    for (;;) {
        int full = model_queue_full(qp_q);
        TS_CHECK(full);
        if (!full) {
            int64_t item;
            TS_CHECK(model_randint(1, 10, &item));
            TS_CHECK(model_queue_put(qp_q, model_qitem_int(item), true, MODEL_NO_TIMEOUT));
            size_t n = model_queue_qsize(qp_q);
            model_debug("Putting %lld : %zu items in queue", (long long)item, n);
            model_sleep(model_random());
        }
    }
}

static void qp_consumer(model_thread *self)
{
    (void)self;
    for (;;) {
        if (!model_queue_empty(qp_q)) {
            model_qitem item;
            TS_CHECK(model_queue_get(qp_q, true, MODEL_NO_TIMEOUT, &item));
            size_t n = model_queue_qsize(qp_q);
            model_debug("Getting %lld : %zu items in queue", (long long)item.num, n);
            model_sleep(model_random());
        }
    }
}

/* ProducerThread(name=...): Thread.__init__() without a name ("Thread-N"),
 * then self.name = name. */
static model_thread *qp_new(void (*run)(model_thread *), const char *name)
{
    model_thread *t = model_thread_new(NULL, NULL, NULL, NULL);
    t->run = run;
    model_thread_set_name(t, name);
    return t;
}

static void qp_main(void *arg)
{
    (void)arg;
    model_default_limit(QP_LIMIT, 0);
    TS_CHECK(model_log_config(MODEL_DEBUG, "(%(threadName)-9s) %(message)s"));
    qp_q = model_queue_new(MODEL_QUEUE_FIFO, QP_BUF_SIZE);
    model_thread *p = qp_new(qp_producer, "producer");
    model_thread *c = qp_new(qp_consumer, "consumer");
    TS_CHECK(model_thread_start(p));
    model_sleep(2);
    TS_CHECK(model_thread_start(c));
    model_sleep(2);
}

static const ts_scenario qp_items[] = {
    {"queue/producer-consumer",
     "Queue(10) producer and consumer loop forever; stops at its 30 s run limit (exit 124)",
     qp_main, 2, "queue/producer-consumer.out"},
};

const ts_scenario_table ts_queue_scenarios = {qp_items, sizeof qp_items / sizeof qp_items[0]};
