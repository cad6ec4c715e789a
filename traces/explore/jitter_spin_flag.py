# threadsim: under --jitter a ready thread is put off by at most the jitter
# each time it waits to run. A spinner sleeping 0.4 ms at a time and a setter
# waking after 1 ms: the setter, once ready, runs within a millisecond of
# it, so the spinner counts to 14 at most (python3.11 prints 2 to 4
# mostly). The choice was the jitter of each decision's "now": a ready
# thread could be passed over behind the spinner's wake-ups for good, every
# count was an outcome and dpor never ended (tests/test_explore.c).
import threading
import time

flag = False
count = 0


def setter():
    global flag
    time.sleep(0.001)
    flag = True


def spinner():
    global count
    while not flag:
        count += 1
        time.sleep(0.0004)


t1 = threading.Thread(target=spinner)
t2 = threading.Thread(target=setter)
t1.start()
t2.start()
t1.join()
t2.join()
print(count)
