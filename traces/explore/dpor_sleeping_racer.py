# Three threads, two locks: "3 1 2" needs the first thread held back before
# it takes A and the second before it takes B, so the third goes first. The
# race that asks for it (the second's B before the first's) names a thread
# that sleeps at that decision in dpor's sleep sets: another thread must go
# there instead, or dpor proves five outcomes of six (tests/test_explore.c).
import threading

A = threading.Lock()
B = threading.Lock()


def t1():
    with A:
        with B:
            print("1")


def t2():
    with B:
        print("2")


def t3():
    with A:
        print("3")


ts = [threading.Thread(target=f) for f in (t1, t2, t3)]
for t in ts:
    t.start()
for t in ts:
    t.join()
