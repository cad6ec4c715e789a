# tools/bench/producer_consumer.py — benchmark: a producer puts 200,000
# items into a bounded queue.Queue(100), a consumer gets them until the
# None that ends the stream. Prints how many items moved and their sum.
# (Not named queue.py: it would shadow the module it imports.)
import threading
import queue

N = 200000
q = queue.Queue(100)
result = []

def producer():
    for i in range(N):
        q.put(i)
    q.put(None)

def consumer():
    n = 0
    total = 0
    while True:
        item = q.get()
        if item is None:
            break
        n += 1
        total += item
    result.append((n, total))

c = threading.Thread(target=consumer)
p = threading.Thread(target=producer)
c.start()
p.start()
p.join()
c.join()
print('moved', result[0][0], 'sum', result[0][1])
