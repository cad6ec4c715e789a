# Determinism (not a golden: set order follows addresses, which differ
# between builds): everything a Python program can see of addresses, hashing,
# randomness and clocks is the same on every run of one build (tests/test_cpy.c
# runs this 200 times as separate processes and compares the bytes).
import os
import random
import secrets
import threading
import time
import uuid


class Node:
    def __init__(self, n):
        self.n = n


class Key:
    """Hashed by identity: a set of these iterates in address order."""


nodes = [Node(i) for i in range(50)]
print(repr(nodes[0]).split(" at ")[0], hex(id(nodes[0])), hex(id(nodes[-1])))
print([k.n for k in set(nodes)][:20])
keys = {Key(): i for i in range(30)}
print(list(keys.values()) == list(range(30)), [v for k, v in sorted(keys.items(), key=lambda kv: id(kv[0]))][:10])
print(sorted({object() for _ in range(5)}, key=id)[0])
print(hash("threadsim"), hash((1, "a")), {"b", "a", "c"})
print(random.random(), random.randint(1, 100), os.urandom(4).hex(), secrets.token_hex(4), uuid.uuid4())
print(time.time(), time.monotonic(), time.strftime("%Y-%m-%d %H:%M:%S"))

seen = []
lock = threading.Lock()


def worker(i):
    local = [Node(i) for _ in range(3)]
    time.sleep(random.random() / 10)
    with lock:
        seen.append((threading.current_thread().name, i, hex(id(local[0]))))


threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
for row in seen:
    print(*row)
print(threading.get_ident(), threads[0].ident, threads[0].native_id, round(time.monotonic(), 6))
