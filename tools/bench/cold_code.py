# What a cold start costs CPython itself (issue 10, item 6; README "Where a
# schedule's time goes"): the semaphore/pool page's Python work (10 "threads"
# run one after another: 30 logging calls, Thread objects made, the pool's
# lock) timed in python3 three ways, in microseconds an iteration:
#   first   the first iteration of this fresh process (cold code and data:
#           what every explored schedule starts from, its snapshot);
#   cold    later iterations with every function's code replaced by a fresh,
#           never-run copy first (cold code, warm data);
#   warm    later iterations as they are.
#     python3 tools/bench/cold_code.py
import io
import logging
import sys
import threading
import time
import types

logging.basicConfig(level=logging.DEBUG, format='(%(threadName)-9s) %(message)s',
                    stream=io.StringIO())


class ThreadPool(object):
    def __init__(self):
        self.active = []
        self.lock = threading.Lock()

    def make_active(self, name):
        with self.lock:
            self.active.append(name)
            logging.debug('Running: %s', self.active)

    def make_inactive(self, name):
        with self.lock:
            self.active.remove(name)
            logging.debug('Running: %s', self.active)


def f(s, pool):
    logging.debug('Waiting to join the pool')
    with s:
        name = threading.current_thread().name
        pool.make_active(name)
        pool.make_inactive(name)


def one():
    pool = ThreadPool()
    s = threading.Semaphore(3)
    for i in range(10):
        threading.Thread(target=f, name='thread_' + str(i), args=(s, pool))
        f(s, pool)


def fresh_code():
    for m in (logging, threading, sys.modules[__name__], sys.modules['posixpath'],
              sys.modules['os']):
        for v in list(vars(m).values()):
            for o in (list(vars(v).values()) if isinstance(v, type) else [v]):
                if isinstance(o, (staticmethod, classmethod)):
                    o = o.__func__
                if isinstance(o, property):
                    o = o.fget
                if isinstance(o, types.FunctionType):
                    o.__code__ = o.__code__.replace()


def timed(n, before=None):
    total = 0.0
    for _ in range(n):
        if before:
            before()
        t0 = time.perf_counter()
        one()
        total += time.perf_counter() - t0
    return total / n * 1e6


first = timed(1)
timed(20)
cold = timed(50, fresh_code)
warm = timed(200)
print("pool's Python work, us an iteration: first %.0f, cold code %.0f, warm %.0f"
      % (first, cold, warm))
