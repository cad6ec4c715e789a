# corpus: BrokenBarrierError: a barrier wait that times out because one party never arrives, then abort() and reset()
import threading
import time

barrier = threading.Barrier(3, timeout=0.5)
outcome = {}
lock = threading.Lock()


def service(name, startup):
    time.sleep(startup)
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        result = "barrier broken"
    else:
        result = "all services up"
    with lock:
        outcome[name] = result


# the third service ("cache") never starts, so the other two give up
threads = [
    threading.Thread(target=service, args=("web", 0.1)),
    threading.Thread(target=service, args=("db", 0.2)),
]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(outcome)
print("broken:", barrier.broken)

try:
    barrier.wait()
except threading.BrokenBarrierError as exc:
    print("waiting on a broken barrier raises", type(exc).__name__)

barrier.reset()
print("after reset, broken:", barrier.broken)

# abort() breaks the barrier for threads that are already waiting
gate = threading.Barrier(4)
results = []


def runner(n):
    try:
        gate.wait()
        results.append(f"runner {n} started")
    except threading.BrokenBarrierError:
        results.append(f"runner {n} released by abort")


runners = [threading.Thread(target=runner, args=(n,)) for n in range(2)]
for r in runners:
    r.start()
time.sleep(0.2)
print("waiting at the gate:", gate.n_waiting)
gate.abort()
for r in runners:
    r.join()
print(sorted(results))
