# threadsim: reset corpus: forty threads and a lock
import threading
n = [0]
l = threading.Lock()
def f():
    with l: n[0] += 1
ts = [threading.Thread(target=f) for _ in range(40)]
[t.start() for t in ts]; [t.join() for t in ts]
print(n)
