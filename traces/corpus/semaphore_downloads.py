# corpus: threading.Semaphore limiting how many downloads run at once, tracking the peak concurrency
import threading
import time

MAX_PARALLEL = 2
slots = threading.Semaphore(MAX_PARALLEL)
lock = threading.Lock()
active = 0
peak = 0
order = []

FILES = [("a.iso", 0.30), ("b.iso", 0.10), ("c.iso", 0.25), ("d.iso", 0.07), ("e.iso", 0.15)]


def download(name, seconds):
    global active, peak
    with slots:
        with lock:
            active += 1
            peak = max(peak, active)
            order.append(f"start {name} (active {active})")
        time.sleep(seconds)
        with lock:
            active -= 1
            order.append(f"end   {name}")


threads = [threading.Thread(target=download, args=f) for f in FILES]
t0 = time.perf_counter()
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.perf_counter() - t0

print(*order, sep="\n")
print(f"peak concurrency: {peak} (limit {MAX_PARALLEL})")
print(f"total time: {elapsed:.1f}s")
