# Two threads that touch nothing in common: every schedule prints the same,
# and dpor runs far fewer of them than dfs (tests/test_explore.c).
import threading
a = [0]
b = [0]
def f():
    a[0] = 1
    a[0] = 2
    a[0] = 3
def g():
    b[0] = 1
    b[0] = 2
    b[0] = 3
t1 = threading.Thread(target=f); t2 = threading.Thread(target=g)
t1.start(); t2.start(); t1.join(); t2.join()
print(a, b)
