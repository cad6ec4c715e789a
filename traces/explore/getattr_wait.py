# An object whose method waits, with a __getattr__ of its own: the wait's
# report names the object, and reading it must run none of its code
# (python3 never calls __getattr__ here: the list stays empty). The same
# read through getattr ran queue.SimpleQueue's __getattr__ (threadsim's)
# in the middle of a lock's acquire: a release then was missed, and two
# workers on a SimpleQueue deadlocked in half the schedules of
# --choices line.
import queue
import threading


class Box:
    def __init__(self):
        self.lock = threading.Lock()
        self.misses = []

    def __getattr__(self, name):
        self.misses.append(name)
        raise AttributeError(name)

    def take(self):
        with self.lock:
            print("taken")


box = Box()
box.lock.acquire()
t = threading.Thread(target=box.take)
t.start()
box.lock.release()
t.join()
print(box.misses)

q = queue.SimpleQueue()


def worker():
    while True:
        if q.get() is None:
            q.put(None)
            return


workers = [threading.Thread(target=worker) for _ in range(2)]
for w in workers:
    w.start()
for item in (1, 2, None):
    q.put(item)
for w in workers:
    w.join()
print("done")
