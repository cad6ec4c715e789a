# corpus: threads don't speed up CPU-bound work under the GIL: time a countdown sequentially and in two threads, compare
import threading
import time

COUNT = 1_000_000
ROUNDS = 5


def countdown(n):
    while n > 0:
        n -= 1


def sequential():
    countdown(COUNT)
    countdown(COUNT)


def threaded():
    t1 = threading.Thread(target=countdown, args=(COUNT,))
    t2 = threading.Thread(target=countdown, args=(COUNT,))
    t1.start()
    t2.start()
    t1.join()
    t2.join()


# alternate the two and keep the fastest run of each (like timeit), so a
# burst of load on the machine does not favour one of them
timings = {sequential: [], threaded: []}
for _ in range(ROUNDS):
    for func in (sequential, threaded):
        start = time.perf_counter()
        func()
        timings[func].append(time.perf_counter() - start)

ratio = min(timings[threaded]) / min(timings[sequential])
print(f"counted down from {COUNT:,} twice, sequentially and in two threads (best of {ROUNDS})")
print("threaded/sequential ratio > 0.8:", ratio > 0.8)
print("threads gave a real speed-up:", "yes" if ratio < 0.6 else "no")
