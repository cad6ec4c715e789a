# corpus: queue.Queue producer/consumer with a sentinel per consumer, task_done() and join()
import queue
import threading
import time

SENTINEL = object()
q = queue.Queue(maxsize=3)
processed = {}
lock = threading.Lock()


def producer(n):
    for i in range(1, n + 1):
        item = f"order-{i:02d}"
        q.put(item)  # blocks while the queue is full
        print(f"produced {item} (size ~{q.qsize()})")
        time.sleep(0.05)
    print("producer done")


def consumer(name, seconds):
    while True:
        item = q.get()
        if item is SENTINEL:
            q.task_done()
            print(f"{name} stopping")
            return
        time.sleep(seconds)  # handling the order
        with lock:
            processed[item] = name
        print(f"{name} handled {item}")
        q.task_done()


consumers = [
    threading.Thread(target=consumer, args=("fast", 0.12)),
    threading.Thread(target=consumer, args=("slow", 0.33)),
]
for c in consumers:
    c.start()
p = threading.Thread(target=producer, args=(8,))
p.start()
p.join()
q.join()  # every order handled
print("all orders handled:", len(processed))
for _ in consumers:
    q.put(SENTINEL)
for c in consumers:
    c.join()
by_consumer = {}
for item, name in sorted(processed.items()):
    by_consumer.setdefault(name, []).append(item[-2:])
print(by_consumer)
