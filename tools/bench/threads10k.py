# Threads: 10,000 threads started, each waits on one Event, all joined.
import threading
ev = threading.Event()
ts = [threading.Thread(target=ev.wait) for _ in range(10000)]
for t in ts:
    t.start()
ev.set()
for t in ts:
    t.join()
print("joined", len(ts))
