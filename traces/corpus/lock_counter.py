# corpus: a Lock used as a context manager protecting a shared counter: the total is always exact
import threading

N_THREADS = 4
INCREMENTS = 50_000

counter = 0
counter_lock = threading.Lock()


def increment(times):
    global counter
    for _ in range(times):
        with counter_lock:
            counter += 1


threads = [threading.Thread(target=increment, args=(INCREMENTS,)) for _ in range(N_THREADS)]
for t in threads:
    t.start()
for t in threads:
    t.join()

expected = N_THREADS * INCREMENTS
print(f"counter = {counter:,} (expected {expected:,})")
print("correct!" if counter == expected else f"lost {expected - counter:,} updates")
print("lock held now?", counter_lock.locked())
