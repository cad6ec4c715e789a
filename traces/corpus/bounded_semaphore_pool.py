# corpus: BoundedSemaphore as a connection pool; releasing too many times raises ValueError (a plain Semaphore would not)
import threading
import time


class ConnectionPool:
    def __init__(self, size):
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._free = [f"conn-{i}" for i in range(size)]

    def acquire(self, timeout=None):
        if not self._slots.acquire(timeout=timeout):
            raise TimeoutError("no connection available")
        with self._lock:
            return self._free.pop(0)

    def release(self, conn):
        with self._lock:
            self._free.append(conn)
        self._slots.release()


pool = ConnectionPool(2)
log = []


def query(name, seconds, timeout=None):
    try:
        conn = pool.acquire(timeout=timeout)
    except TimeoutError as exc:
        log.append(f"{name}: {exc}")
        return
    log.append(f"{name}: got {conn}")
    try:
        time.sleep(seconds)
    finally:
        pool.release(conn)
        log.append(f"{name}: returned {conn}")


threads = [
    threading.Thread(target=query, args=("report", 0.4)),
    threading.Thread(target=query, args=("login", 0.1)),
    threading.Thread(target=query, args=("search", 0.2)),
    threading.Thread(target=query, args=("export", 0.1, 0.05)),
    threading.Thread(target=query, args=("stats", 0.15)),
]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("\n".join(log))

# a bug: the connection is returned twice
conn = pool.acquire()
pool.release(conn)
try:
    pool.release(conn)
except ValueError as exc:
    print("BoundedSemaphore:", exc)

plain = threading.Semaphore(1)
plain.release()  # silently grows to 2
print("plain Semaphore allows", sum(plain.acquire(blocking=False) for _ in range(3)), "acquires")
