# threadsim: reset corpus: os._exit in some schedules: the run ends its process
import threading, os
r = []
def f(i):
    r.append(i)
    if len(r) == 2: os._exit(3)
for i in range(3): threading.Thread(target=f, args=(i,)).start()
print(r)
