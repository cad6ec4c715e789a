# Two threads try one lock with a timeout, and neither releases it: which
# one gets it depends on who asks first. The loser's acquire never succeeds
# (it times out), so it is the waiting itself that must count as touching
# the lock, or dpor sees no race and proves one outcome (tests/test_explore.c).
import threading

A = threading.Lock()


def f(n):
    if A.acquire(timeout=0.5):
        print(n, "got")


a = threading.Thread(target=f, args=("a",))
b = threading.Thread(target=f, args=("b",))
a.start()
b.start()
a.join()
b.join()
