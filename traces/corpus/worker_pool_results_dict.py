# corpus: a hand-rolled worker pool: N threads pull tasks from a Queue and store results in a dict guarded by a Lock
import queue
import threading
import time

NUM_WORKERS = 3
tasks = queue.Queue()
results = {}
handled_by = {}
results_lock = threading.Lock()


def is_prime(n):
    if n < 2:
        return False
    return all(n % d for d in range(2, int(n ** 0.5) + 1))


def worker():
    name = threading.current_thread().name
    while True:
        try:
            n = tasks.get(timeout=0.5)
        except queue.Empty:
            return  # no more work
        time.sleep(0.02 * (n % 5 + 1))  # pretend some numbers are slower to check
        with results_lock:
            results[n] = is_prime(n)
            handled_by[name] = handled_by.get(name, 0) + 1
        tasks.task_done()


numbers = [97, 100, 101, 221, 223, 561, 7919, 8000, 65537, 1, 2, 91]
for n in numbers:
    tasks.put(n)

pool = [threading.Thread(target=worker, name=f"worker-{i + 1}") for i in range(NUM_WORKERS)]
for t in pool:
    t.start()
tasks.join()
print("all tasks done; results:")
for n in numbers:
    print(f"  {n:>6}: {'prime' if results[n] else 'composite'}")
for t in pool:
    t.join()
print("tasks per worker:", sum(handled_by.values()), "in total, by", len(handled_by), "workers")
print("primes:", sorted(n for n, p in results.items() if p))
