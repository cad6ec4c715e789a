# A bounded buffer (one Condition, capacity 1): two producers, one consumer.
# Nearly every step touches the buffer or its lock, so dpor reduces little,
# and depth-first it varies the last decisions first: 20,000 schedules find
# one outcome, while 300 random ones find 15 and dfs --preemptions 2 ten in
# 2,000 (README, dpor).
import threading
class BoundedBuffer:
    def __init__(self, cap):
        self.items, self.cap = [], cap
        self.cv = threading.Condition()
    def put(self, x):
        with self.cv:
            while len(self.items) >= self.cap:
                self.cv.wait()
            self.items.append(x)
            self.cv.notify_all()
    def get(self):
        with self.cv:
            while not self.items:
                self.cv.wait()
            x = self.items.pop(0)
            self.cv.notify_all()
            return x
buf = BoundedBuffer(1)
out = []
def prod(base):
    for i in range(3): buf.put(base + i)
def cons():
    for _ in range(6): out.append(buf.get())
ts = [threading.Thread(target=prod, args=(b,)) for b in (0, 10)] + [threading.Thread(target=cons)]
for t in ts: t.start()
for t in ts: t.join()
print(out)
