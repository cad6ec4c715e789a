# threadsim: reset corpus: an exception in a thread in some schedules
import threading
c = [0]
def f():
    for _ in range(3):
        v = c[0]; c[0] = v + 1
    if c[0] == 4: raise ValueError('four')
ts = [threading.Thread(target=f) for _ in range(2)]
[t.start() for t in ts]; [t.join() for t in ts]
print(c)
