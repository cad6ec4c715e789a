# corpus: multiprocessing Lock, RLock, BoundedSemaphore, Semaphore, Event and Condition used between threads, with their errors and timeouts
import multiprocessing as mp, threading, time
l = mp.Lock(); r = mp.RLock(); s = mp.BoundedSemaphore(2); sem = mp.Semaphore(0)
print(l.acquire(), l.acquire(False), l.acquire(timeout=0.2))
l.release()
try:
    l.release()
except ValueError as e: print("lock:", e)
with r:
    with r: print("rlock nested", r)
try: r.release()
except AssertionError as e: print("rlock:", e)
s.acquire(); s.release()
try: s.release()
except ValueError as e: print("bounded:", e)
def poster():
    time.sleep(0.3); sem.release()
threading.Thread(target=poster).start()
print("sem wait", sem.acquire(timeout=0.1), sem.acquire(timeout=1), sem.get_value())
c = mp.Condition(); e = mp.Event()
def setter():
    time.sleep(0.2); e.set()
threading.Thread(target=setter).start()
print("event", e.wait(1), e.is_set())
with c:
    print("cond", c.wait(0.1))
