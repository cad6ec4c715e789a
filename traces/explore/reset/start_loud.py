# threadsim: reset corpus: more than a megabyte printed before any thread
import threading
for i in range(1500):
    print('%04d ' % i + 'x' * 800)
r = []
ts = [threading.Thread(target=r.append, args=(i,)) for i in range(2)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(r)
