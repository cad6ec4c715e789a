# Two consumers of one queue. python3 3.11 printed {'a': 4, 'b': 0} in 34
# and {'a': 0, 'b': 4} in 16 of 50 runs: the consumer that gets the GIL
# first when main blocks in join() keeps it through its 5 ms switch
# interval and takes every item. A random walk that switches at nearly
# every line never let one consumer take all four (1,000 schedules), so
# random schedules draw switch rates of their own (tools/explore.c,
# x__random_rate; tests/test_explore.c).
import queue
import threading

q = queue.Queue()
counts = {'a': 0, 'b': 0}


def consumer(name):
    while True:
        item = q.get()
        if item is None:
            break
        counts[name] += 1


ts = [threading.Thread(target=consumer, args=(n,)) for n in 'ab']
for t in ts:
    t.start()
for i in range(4):
    q.put(i)
for t in ts:
    q.put(None)
for t in ts:
    t.join()
print(counts)
