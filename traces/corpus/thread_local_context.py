# corpus: threading.local for per-thread request context and a lazily created per-thread "database connection"
import threading
import time

request = threading.local()
connections_made = []
lock = threading.Lock()


class DBState(threading.local):
    # __init__ runs again in every thread that touches the object
    def __init__(self):
        self.conn = None
        self.queries = 0


db = DBState()


def get_connection():
    if db.conn is None:
        name = threading.current_thread().name
        db.conn = f"connection-for-{name}"
        with lock:
            connections_made.append(name)
    return db.conn


def log(message):
    user = getattr(request, "user", "anonymous")
    print(f"[{request.id:>3}] {user:<6} {message}")


def handle(request_id, user, n_queries, delay):
    request.id = request_id
    request.user = user
    for _ in range(n_queries):
        get_connection()
        db.queries += 1
        time.sleep(delay)
    log(f"ran {db.queries} queries on {db.conn}")


request.id = 0
request.user = "admin"
log("main thread has its own request data")

threads = [
    threading.Thread(target=handle, args=(101, "alice", 3, 0.05), name="worker-1"),
    threading.Thread(target=handle, args=(102, "bob", 1, 0.08), name="worker-2"),
    threading.Thread(target=handle, args=(103, "carol", 2, 0.11), name="worker-3"),
]
for t in threads:
    t.start()
for t in threads:
    t.join()

log("main thread data untouched")
print("main thread queries:", db.queries, "| conn:", db.conn)
print("connections made:", sorted(connections_made))
print("has user attribute in a fresh thread?", end=" ")
probe = threading.Thread(target=lambda: print(hasattr(request, "user")))
probe.start()
probe.join()
