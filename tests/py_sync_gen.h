/*
 * tests/py_sync_gen.h — Python 3 programs using the bound primitives
 * (threading's Lock, RLock, Condition, Semaphore, Event, Timer, Barrier,
 * local; queue; random) whose expected output is what /usr/bin/python3.11
 * (Debian's CPython 3.11.2, the libpython threadsim embeds) prints with -u,
 * stderr merged in order, with the file named as given ("t.py"); the
 * `^^^^` lines and the frames of /usr/lib/python3.11/threading.py and
 * queue.py are CPython's own. Generated once, since kept by hand.
 * Included by test_py_sync.c.
 */

static void test_cpy_barrier_basics(void)
{
    PYT_EXPECT("import threading, time\n"
               "order = []\n"
               "def action():\n"
               "    print('action')\n"
               "b = threading.Barrier(3, action=action)\n"
               "print(b.parties, b.n_waiting, b.broken)\n"
               "def w(n):\n"
               "    time.sleep(0.1 * n)\n"
               "    i = b.wait()\n"
               "    order.append((n, i))\n"
               "ts = [threading.Thread(target=w, args=(n,)) for n in range(3)]\n"
               "for t in ts:\n"
               "    t.start()\n"
               "for t in ts:\n"
               "    t.join()\n"
               "print(sorted(order))\n"
               "b2 = threading.Barrier(2, timeout=0.05)\n"
               "try:\n"
               "    b2.wait()\n"
               "except threading.BrokenBarrierError as e:\n"
               "    print('broken', repr(e), b2.broken)\n"
               "b2.reset()\n"
               "print('after reset', b2.broken)\n"
               "b2.abort()\n"
               "try:\n"
               "    b2.wait()\n"
               "except RuntimeError as e:\n"
               "    print('abort ->', type(e).__name__, isinstance(e, threading.BrokenBarrierError))\n",
               3, 0,
               "3 0 False\n"
               "action\n"
               "[(0, 0), (1, 1), (2, 2)]\n"
               "broken BrokenBarrierError() True\n"
               "after reset False\n"
               "abort -> BrokenBarrierError True\n");
}

static void test_cpy_barrier_uncaught(void)
{
    PYT_EXPECT("import threading\n"
               "b = threading.Barrier(2)\n"
               "b.abort()\n"
               "b.wait()\n",
               3, 1,
               "Traceback (most recent call last):\n"
               "  File \"t.py\", line 4, in <module>\n"
               "    b.wait()\n"
               "  File \"/usr/lib/python3.11/threading.py\", line 681, in wait\n"
               "    self._enter() # Block while the barrier drains.\n"
               "    ^^^^^^^^^^^^^\n"
               "  File \"/usr/lib/python3.11/threading.py\", line 705, in _enter\n"
               "    raise BrokenBarrierError\n"
               "threading.BrokenBarrierError\n");
}

static void test_cpy_cond_errors(void)
{
    PYT_EXPECT("import threading\n"
               "c = threading.Condition()\n"
               "for f in (c.wait, c.notify, c.notify_all):\n"
               "    try:\n"
               "        f()\n"
               "    except RuntimeError as e:\n"
               "        print(type(e).__name__, e)\n"
               "with c:\n"
               "    print(c.wait(0), c.wait_for(lambda: 42, 0), c.wait_for(lambda: [], 0))\n"
               "    c.notify()\n"
               "    c.notify(3)\n"
               "    c.notify_all()\n"
               "c2 = threading.Condition(threading.Lock())\n"
               "with c2:\n"
               "    print('plain lock', c2.wait(0.01))\n"
               "print(c.acquire(), c.acquire(False))\n"
               "c.release(); c.release()\n",
               3, 0,
               "RuntimeError cannot wait on un-acquired lock\n"
               "RuntimeError cannot notify on un-acquired lock\n"
               "RuntimeError cannot notify on un-acquired lock\n"
               "False 42 []\n"
               "plain lock False\n"
               "True True\n");
}

static void test_cpy_local_basics(void)
{
    PYT_EXPECT("import threading\n"
               "d = threading.local()\n"
               "def show(tag):\n"
               "    try:\n"
               "        print(tag, d.val)\n"
               "    except AttributeError as e:\n"
               "        print(tag, 'AttributeError', e)\n"
               "show('main')\n"
               "d.val = 1\n"
               "show('main')\n"
               "def f(v):\n"
               "    show('thread')\n"
               "    d.val = v\n"
               "    show('thread')\n"
               "ts = [threading.Thread(target=f, args=(i,)) for i in (10, 20)]\n"
               "for t in ts:\n"
               "    t.start(); t.join()\n"
               "show('main')\n"
               "del d.val\n"
               "show('main')\n"
               "class MyLocal(threading.local):\n"
               "    def __init__(self, v):\n"
               "        print('init', type(self).__name__, v)\n"
               "        self.val = v\n"
               "m = MyLocal(7)\n"
               "def g():\n"
               "    print('g sees', m.val)\n"
               "    m.val = 99\n"
               "    print('g set', m.val)\n"
               "t = threading.Thread(target=g); t.start(); t.join()\n"
               "print('main sees', m.val)\n"
               "try:\n"
               "    threading.local(1)\n"
               "except TypeError as e:\n"
               "    print('TypeError', e)\n",
               3, 0,
               "main AttributeError '_thread._local' object has no attribute 'val'\n"
               "main 1\n"
               "thread AttributeError '_thread._local' object has no attribute 'val'\n"
               "thread 10\n"
               "thread AttributeError '_thread._local' object has no attribute 'val'\n"
               "thread 20\n"
               "main 1\n"
               "main AttributeError '_thread._local' object has no attribute 'val'\n"
               "init MyLocal 7\n"
               "init MyLocal 7\n"
               "g sees 7\n"
               "g set 99\n"
               "main sees 7\n"
               "TypeError Initialization arguments are not supported\n");
}

static void test_cpy_lock_basics(void)
{
    PYT_EXPECT("import threading\n"
               "l = threading.Lock()\n"
               "print(l.locked(), l.acquire(), l.locked(), l.acquire(False), l.acquire(blocking=False))\n"
               "l.release()\n"
               "print(l.locked())\n"
               "with l:\n"
               "    print('inside', l.locked())\n"
               "print('after', l.locked())\n"
               "print(l.acquire(True, 0.01), l.acquire(timeout=0.05))\n"
               "l.release()\n"
               "for args in [(False, 1), (True, -2), ('x',), (1, 2, 3)]:\n"
               "    try:\n"
               "        l.acquire(*args)\n"
               "    except (ValueError, TypeError) as e:\n"
               "        print(type(e).__name__, e)\n"
               "try:\n"
               "    l.acquire(timeout='x')\n"
               "except TypeError as e:\n"
               "    print('TypeError', e)\n"
               "try:\n"
               "    l.release()\n"
               "    l.release()\n"
               "except RuntimeError as e:\n"
               "    print('RuntimeError', e)\n"
               "r = threading.RLock()\n"
               "print(r.acquire(), r.acquire(), r.acquire(False))\n"
               "r.release(); r.release(); r.release()\n"
               "try:\n"
               "    r.release()\n"
               "except RuntimeError as e:\n"
               "    print('RuntimeError', e)\n"
               "with r:\n"
               "    with r:\n"
               "        print('nested with')\n"
               "print(type(l).__name__ if False else 'ok')\n",
               3, 0,
               "False True True False False\n"
               "False\n"
               "inside True\n"
               "after False\n"
               "True False\n"
               "ValueError can't specify a timeout for a non-blocking call\n"
               "ValueError timeout value must be positive\n"
               "TypeError 'str' object cannot be interpreted as an integer\n"
               "TypeError acquire() takes at most 2 arguments (3 given)\n"
               "TypeError 'str' object cannot be interpreted as an integer\n"
               "RuntimeError release unlocked lock\n"
               "True True True\n"
               "RuntimeError cannot release un-acquired lock\n"
               "nested with\n"
               "ok\n");
}

static void test_cpy_lock_release_uncaught(void)
{
    PYT_EXPECT("import threading\n"
               "lock = threading.Lock()\n"
               "def work():\n"
               "    lock.release()\n"
               "work()\n",
               3, 1,
               "Traceback (most recent call last):\n"
               "  File \"t.py\", line 5, in <module>\n"
               "    work()\n"
               "  File \"t.py\", line 4, in work\n"
               "    lock.release()\n"
               "RuntimeError: release unlocked lock\n");
}

static void test_cpy_lock_thread_uncaught(void)
{
    PYT_EXPECT("import threading\n"
               "r = threading.RLock()\n"
               "def bad():\n"
               "    r.release()\n"
               "t = threading.Thread(target=bad, name='bad')\n"
               "t.start()\n"
               "t.join()\n"
               "print('main goes on')\n",
               3, 0,
               "Exception in thread bad:\n"
               "Traceback (most recent call last):\n"
               "  File \"/usr/lib/python3.11/threading.py\", line 1038, in _bootstrap_inner\n"
               "    self.run()\n"
               "  File \"/usr/lib/python3.11/threading.py\", line 975, in run\n"
               "    self._target(*self._args, **self._kwargs)\n"
               "  File \"t.py\", line 4, in bad\n"
               "    r.release()\n"
               "RuntimeError: cannot release un-acquired lock\n"
               "main goes on\n");
}

static void test_cpy_queue_basics(void)
{
    PYT_EXPECT("import queue\n"
               "q = queue.Queue(2)\n"
               "print(q.maxsize, q.qsize(), q.empty(), q.full())\n"
               "q.put(1); q.put_nowait([2])\n"
               "print(q.qsize(), q.empty(), q.full())\n"
               "try:\n"
               "    q.put_nowait(3)\n"
               "except queue.Full as e:\n"
               "    print('Full', repr(e))\n"
               "try:\n"
               "    q.put(3, timeout=0.01)\n"
               "except queue.Full:\n"
               "    print('Full after timeout')\n"
               "print(q.get(), q.get_nowait())\n"
               "try:\n"
               "    q.get_nowait()\n"
               "except queue.Empty as e:\n"
               "    print('Empty', repr(e))\n"
               "try:\n"
               "    q.get(True, 0.01)\n"
               "except queue.Empty:\n"
               "    print('Empty after timeout')\n"
               "try:\n"
               "    q.get(timeout=-1)\n"
               "except ValueError as e:\n"
               "    print('ValueError', e)\n"
               "q.task_done(); q.task_done()\n"
               "try:\n"
               "    q.task_done()\n"
               "except ValueError as e:\n"
               "    print('ValueError', e)\n"
               "q.join()\n"
               "lq = queue.LifoQueue()\n"
               "for i in range(3): lq.put(i)\n"
               "print([lq.get() for _ in range(3)])\n"
               "pq = queue.PriorityQueue()\n"
               "for item in [(3, \"c\"), (1, \"a\"), (2.5, \"b\"), (-1, \"z\"), (0.5, \"y\")]:\n"
               "    pq.put(item)\n"
               "print([pq.get() for _ in range(5)])\n"
               "sq = queue.SimpleQueue()\n"
               "sq.put('x'); sq.put_nowait('y')\n"
               "print(sq.qsize(), sq.get(), sq.get_nowait(), sq.empty())\n"
               "for name in ('full', 'task_done', 'join'):\n"
               "    try:\n"
               "        getattr(sq, name)\n"
               "    except AttributeError as e:\n"
               "        print('AttributeError', e)\n"
               "try:\n"
               "    sq.get(timeout=0.01)\n"
               "except queue.Empty:\n"
               "    print('simple Empty')\n"
               "obj = {'k': [1, 2]}\n"
               "q2 = queue.Queue()\n"
               "q2.put(obj)\n"
               "print(q2.get() is obj)\n",
               3, 0,
               "2 0 True False\n"
               "2 False True\n"
               "Full Full()\n"
               "Full after timeout\n"
               "1 [2]\n"
               "Empty Empty()\n"
               "Empty after timeout\n"
               "ValueError 'timeout' must be a non-negative number\n"
               "ValueError task_done() called too many times\n"
               "[2, 1, 0]\n"
               "[(-1, 'z'), (0.5, 'y'), (1, 'a'), (2.5, 'b'), (3, 'c')]\n"
               "2 x y True\n"
               "AttributeError '_queue.SimpleQueue' object has no attribute 'full'\n"
               "AttributeError '_queue.SimpleQueue' object has no attribute 'task_done'\n"
               "AttributeError '_queue.SimpleQueue' object has no attribute 'join'\n"
               "simple Empty\n"
               "True\n");
}

static void test_cpy_queue_full_uncaught(void)
{
    PYT_EXPECT("import queue\n"
               "q = queue.Queue(1)\n"
               "q.put(1)\n"
               "q.put(2, False)\n",
               3, 1,
               "Traceback (most recent call last):\n"
               "  File \"t.py\", line 4, in <module>\n"
               "    q.put(2, False)\n"
               "  File \"/usr/lib/python3.11/queue.py\", line 137, in put\n"
               "    raise Full\n"
               "queue.Full\n");
}

static void test_cpy_queue_uncaught(void)
{
    PYT_EXPECT("import queue\n"
               "q = queue.Queue()\n"
               "q.get(block=False)\n",
               3, 1,
               "Traceback (most recent call last):\n"
               "  File \"t.py\", line 3, in <module>\n"
               "    q.get(block=False)\n"
               "  File \"/usr/lib/python3.11/queue.py\", line 168, in get\n"
               "    raise Empty\n"
               "_queue.Empty\n");
}

static void test_cpy_queue_workers(void)
{
    PYT_EXPECT("import threading, queue\n"
               "q = queue.Queue()\n"
               "results = []\n"
               "def worker(n):\n"
               "    while True:\n"
               "        item = q.get()\n"
               "        if item is None:\n"
               "            q.task_done()\n"
               "            break\n"
               "        results.append((n, item * item))\n"
               "        q.task_done()\n"
               "ts = [threading.Thread(target=worker, args=(i,)) for i in range(3)]\n"
               "for t in ts:\n"
               "    t.start()\n"
               "for i in range(10):\n"
               "    q.put(i)\n"
               "q.join()\n"
               "for t in ts:\n"
               "    q.put(None)\n"
               "for t in ts:\n"
               "    t.join()\n"
               "print(sorted(r for _, r in results))\n"
               "print(q.qsize(), q.unfinished_tasks if hasattr(q, 'unfinished_tasks') else 0)\n",
               3, 0,
               "[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]\n"
               "0 0\n");
}

static void test_cpy_random_seeded(void)
{
    PYT_EXPECT("import random\n"
               "random.seed(12345)\n"
               "print(random.random(), random.random())\n"
               "print([random.randint(1, 10) for _ in range(10)])\n"
               "print([random.randrange(100) for _ in range(5)], random.randrange(10, 20), random.randrange(0, 100, 7), random.randrange(50, 0, -3))\n"
               "print(random.choice('abcdefg'), random.choice([10, 20, 30]), random.uniform(1, 5))\n"
               "x = list(range(10))\n"
               "random.shuffle(x)\n"
               "print(x)\n"
               "print(random.getrandbits(1), random.getrandbits(16), random.getrandbits(32), random.getrandbits(63))\n"
               "print(random.sample(range(100), 5), random.sample('abcdefgh', 3))\n"
               "random.seed(0)\n"
               "print(random.random(), random.randint(-5, 5))\n"
               "random.seed(-7)\n"
               "print(random.random())\n"
               "random.seed(2**40 + 3)\n"
               "print(random.randint(1, 10**12))\n"
               "for f, a in ((random.choice, ([],)), (random.randrange, (0,)), (random.randrange, (5, 1)), (random.randrange, (1, 5, 0)), (random.getrandbits, (-1,)), (random.randint, (1.5, 3))):\n"
               "    try:\n"
               "        f(*a)\n"
               "    except (ValueError, IndexError) as e:\n"
               "        print(type(e).__name__, e)\n",
               3, 0,
               "0.41661987254534116 0.010169169457068361\n"
               "[5, 6, 4, 5, 10, 7, 3, 6, 2, 7]\n"
               "[33, 71, 80, 22, 78] 18 14 17\n"
               "f 30 1.3651763955069405\n"
               "[4, 7, 3, 5, 0, 9, 1, 2, 8, 6]\n"
               "0 30070 1458217729 8923450626694771800\n"
               "[65, 88, 95, 53, 0] ['a', 'f', 'b']\n"
               "0.8444218515250481 1\n"
               "0.32383276483316237\n"
               "65368487887\n"
               "IndexError Cannot choose from an empty sequence\n"
               "ValueError empty range for randrange()\n"
               "ValueError empty range for randrange() (5, 1, -4)\n"
               "ValueError zero step for randrange()\n"
               "ValueError number of bits must be non-negative\n"
               "ValueError non-integer arg 1 for randrange()\n");
}

static void test_cpy_rlock_other_thread(void)
{
    PYT_EXPECT("import threading\n"
               "r = threading.RLock()\n"
               "r.acquire()\n"
               "def other():\n"
               "    try:\n"
               "        r.release()\n"
               "    except RuntimeError as e:\n"
               "        print('other:', type(e).__name__, e)\n"
               "    print('other acquire:', r.acquire(False))\n"
               "t = threading.Thread(target=other)\n"
               "t.start()\n"
               "t.join()\n"
               "r.release()\n"
               "print('main acquire:', r.acquire(False))\n",
               3, 0,
               "other: RuntimeError cannot release un-acquired lock\n"
               "other acquire: False\n"
               "main acquire: True\n");
}

static void test_cpy_sema_errors(void)
{
    PYT_EXPECT("import threading\n"
               "for v in (-1,):\n"
               "    try:\n"
               "        threading.Semaphore(v)\n"
               "    except ValueError as e:\n"
               "        print('ValueError', e)\n"
               "s = threading.Semaphore(2)\n"
               "print(s.acquire(), s.acquire(), s.acquire(False), s.acquire(timeout=0.01))\n"
               "try:\n"
               "    s.acquire(False, 1)\n"
               "except ValueError as e:\n"
               "    print('ValueError', e)\n"
               "try:\n"
               "    s.release(0)\n"
               "except ValueError as e:\n"
               "    print('ValueError', e)\n"
               "s.release(2)\n"
               "print(s.acquire(False), s.acquire(False), s.acquire(False))\n"
               "b = threading.BoundedSemaphore(1)\n"
               "with b:\n"
               "    print('in bounded')\n"
               "try:\n"
               "    b.release()\n"
               "except ValueError as e:\n"
               "    print('ValueError', e)\n",
               3, 0,
               "ValueError semaphore initial value must be >= 0\n"
               "True True False False\n"
               "ValueError can't specify timeout for non-blocking acquire\n"
               "ValueError n must be one or more\n"
               "True True False\n"
               "in bounded\n"
               "ValueError Semaphore released too many times\n");
}

static void test_cpy_timer_basics(void)
{
    PYT_EXPECT("import threading, time\n"
               "def hello(who, punct='!'):\n"
               "    print('hello', who + punct)\n"
               "t = threading.Timer(0.2, hello, args=('timer',), kwargs={'punct': '?'})\n"
               "print(t.name, t.is_alive(), t.daemon)\n"
               "t.start()\n"
               "t2 = threading.Timer(0.1, hello, ['never'])\n"
               "t2.start()\n"
               "t2.cancel()\n"
               "t.join()\n"
               "t2.join()\n"
               "print(t.is_alive(), t2.is_alive(), t.finished.is_set(), t2.finished.is_set())\n"
               "class MyTimer(threading.Timer):\n"
               "    def run(self):\n"
               "        print('custom run', self.interval)\n"
               "m = MyTimer(5, hello)\n"
               "m.start(); m.join()\n"
               "try:\n"
               "    t.start()\n"
               "except RuntimeError as e:\n"
               "    print('RuntimeError', e)\n",
               3, 0,
               "Thread-1 False False\n"
               "hello timer?\n"
               "False False True True\n"
               "custom run 5\n"
               "RuntimeError threads can only be started once\n");
}

static void test_cpy_timer_raises(void)
{
    PYT_EXPECT("import threading\n"
               "def boom():\n"
               "    raise KeyError('k')\n"
               "t = threading.Timer(0.01, boom)\n"
               "t.start()\n"
               "t.join()\n"
               "print('main done')\n",
               3, 0,
               "Exception in thread Thread-1:\n"
               "Traceback (most recent call last):\n"
               "  File \"/usr/lib/python3.11/threading.py\", line 1038, in _bootstrap_inner\n"
               "    self.run()\n"
               "  File \"/usr/lib/python3.11/threading.py\", line 1394, in run\n"
               "    self.function(*self.args, **self.kwargs)\n"
               "  File \"t.py\", line 3, in boom\n"
               "    raise KeyError('k')\n"
               "KeyError: 'k'\n"
               "main done\n");
}

#define PY_SYNC_GEN_TESTS TS_TEST(test_cpy_barrier_basics), TS_TEST(test_cpy_barrier_uncaught), TS_TEST(test_cpy_cond_errors), TS_TEST(test_cpy_local_basics), TS_TEST(test_cpy_lock_basics), TS_TEST(test_cpy_lock_release_uncaught), TS_TEST(test_cpy_lock_thread_uncaught), TS_TEST(test_cpy_queue_basics), TS_TEST(test_cpy_queue_full_uncaught), TS_TEST(test_cpy_queue_uncaught), TS_TEST(test_cpy_queue_workers), TS_TEST(test_cpy_random_seeded), TS_TEST(test_cpy_rlock_other_thread), TS_TEST(test_cpy_sema_errors), TS_TEST(test_cpy_timer_basics), TS_TEST(test_cpy_timer_raises)
