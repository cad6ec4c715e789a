# Two threads wake from sleeps due at the same instant and print twice
# each. In CPython both are runnable at once and their prints interleave
# (a b a b); the explorer offers a due sleeper beside the running thread,
# so it finds those orders too, not only a a b b and b b a a
# (tests/test_explore.c).
import threading
import time


def f(n):
    time.sleep(0.1)
    print(n)
    print(n)


a = threading.Thread(target=f, args=("a",))
b = threading.Thread(target=f, args=("b",))
a.start()
b.start()
a.join()
b.join()
