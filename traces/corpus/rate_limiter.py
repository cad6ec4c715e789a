# corpus: a thread-safe rate limiter built on time.monotonic(): at most 5 calls per second shared by several client threads
import threading
import time


class RateLimiter:
    """Spaces calls at least 1/rate seconds apart, across all threads."""

    def __init__(self, rate):
        self.interval = 1.0 / rate
        self.lock = threading.Lock()
        self.next_slot = time.monotonic()

    def wait(self):
        with self.lock:
            now = time.monotonic()
            slot = max(now, self.next_slot)
            self.next_slot = slot + self.interval
        delay = slot - now
        if delay > 0:
            time.sleep(delay)  # sleep outside the lock so others can book slots


start = time.monotonic()
limiter = RateLimiter(rate=5)
call_times = []
times_lock = threading.Lock()


def client(name, n_calls):
    for _ in range(n_calls):
        limiter.wait()
        with times_lock:
            call_times.append(time.monotonic() - start)


threads = [threading.Thread(target=client, args=(f"client-{i}", 4)) for i in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join()

elapsed = time.monotonic() - start
print(f"{len(call_times)} calls in {elapsed:.1f}s")
print("call times:", [round(t, 1) for t in sorted(call_times)])
per_second = {}
for t in call_times:
    per_second[int(t)] = per_second.get(int(t), 0) + 1
print("calls per second:", dict(sorted(per_second.items())))
