# A producer and a consumer of a Queue(maxsize=1), each printing what it put
# or got. Through a pipe python3.11 printed one order (40 of 40 runs); in a
# terminal, where stdout is line-buffered and each line's write releases
# the GIL, it printed six (put 0/get 0/put 1/get 1/put 2/get 2 16 times,
# put 0/get 0/get 1/put 1/put 2/get 2 9, ..., put 0/put 1/get 0/... 5).
# `explore --tty` finds all six (tests/test_explore.c).
import queue
import threading

q = queue.Queue(maxsize=1)


def producer():
    for i in range(3):
        q.put(i)
        print("put", i)


def consumer():
    for _ in range(3):
        print("get", q.get())


p = threading.Thread(target=producer)
c = threading.Thread(target=consumer)
p.start()
c.start()
p.join()
c.join()
