# corpus: `counter += 1` from four threads without a lock: on CPython 3.11 the total comes out exact (no switch inside +=)
import threading

counter = 0


def increment(n):
    global counter
    for _ in range(n):
        counter += 1


threads = [threading.Thread(target=increment, args=(200_000,)) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(f"counter = {counter:,} (expected {4 * 200_000:,})")
