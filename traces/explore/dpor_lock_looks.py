# A look at a lock that does not wait for its release (locked(), or a try:
# acquire(blocking=False)) between another thread's acquire and release.
# dpor took a release for no access at all, so under --choices line it
# never put t1's look after t2's print and before t2's release, and an
# exhausted dpor missed "t2" then "t1 True" (and, for the try, "t1 False")
# that dfs finds. argv[1]: "locked" (default) or "try".
import sys
import threading

b = threading.Lock()
try_it = len(sys.argv) > 1 and sys.argv[1] == "try"


def t1():
    print("t1", b.acquire(blocking=False) if try_it else b.locked())


def t2():
    with b:
        print("t2")


x = threading.Thread(target=t1)
y = threading.Thread(target=t2)
x.start()
y.start()
x.join()
y.join()
