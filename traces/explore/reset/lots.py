# threadsim: reset corpus: many lines of output
import threading
def f(i):
    for k in range(200): print(i, k)
ts = [threading.Thread(target=f, args=(i,)) for i in range(3)]
[t.start() for t in ts]; [t.join() for t in ts]
