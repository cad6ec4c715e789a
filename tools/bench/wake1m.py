# bench_store's Python workload: 1,000,000 timed wake-ups (100 threads, each
# sleeping 1 ms 10,000 times).
import threading
import time


def sleeper():
    for _ in range(10000):
        time.sleep(0.001)


threads = [threading.Thread(target=sleeper) for _ in range(100)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("done")
