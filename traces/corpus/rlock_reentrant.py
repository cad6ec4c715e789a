# corpus: RLock reentrancy: locked methods calling each other and a recursive walk, versus a plain Lock that would self-deadlock
import threading


class Inventory:
    def __init__(self):
        self._lock = threading.RLock()
        self._items = {}

    def add(self, name, qty):
        with self._lock:
            self._items[name] = self._items.get(name, 0) + qty

    def add_many(self, pairs):
        with self._lock:  # held while add() takes it again
            for name, qty in pairs:
                self.add(name, qty)

    def total(self):
        with self._lock:
            return sum(self._items.values())

    def report(self):
        with self._lock:
            return f"{len(self._items)} kinds, {self.total()} units"


inv = Inventory()
workers = [
    threading.Thread(target=inv.add_many, args=([("bolt", 10), ("nut", 20)],)),
    threading.Thread(target=inv.add_many, args=([("bolt", 5), ("washer", 7)],)),
    threading.Thread(target=inv.add, args=("nut", 1)),
]
for w in workers:
    w.start()
for w in workers:
    w.join()
print(inv.report())

tree = {"name": "root", "children": [
    {"name": "a", "children": [{"name": "a1", "children": []}]},
    {"name": "b", "children": []},
]}
tree_lock = threading.RLock()


def walk(node, depth=0):
    with tree_lock:
        print("  " * depth + node["name"])
        for child in node["children"]:
            walk(child, depth + 1)


t = threading.Thread(target=walk, args=(tree,))
t.start()
t.join()

lock = threading.Lock()
with lock:
    print("plain Lock acquired again?", lock.acquire(timeout=0.2))

rlock = threading.RLock()
rlock.acquire()
rlock.acquire()
print("RLock acquired twice; release count needed: 2")
rlock.release()


def try_release():
    try:
        rlock.release()
    except RuntimeError as exc:
        print("other thread releasing:", exc)


t = threading.Thread(target=try_release)
t.start()
t.join()
rlock.release()
try:
    rlock.release()
except RuntimeError as exc:
    print("one release too many:", exc)
