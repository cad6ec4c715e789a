# Two sleepers due 1 ms apart: always a, then b, on the virtual clock; with
# --jitter 0.005 the explorer lets them fire in either order, as CPython's
# real timing can (tests/test_explore.c).
import threading
import time


def sleeper(name, secs):
    time.sleep(secs)
    print(name, "woke")


a = threading.Thread(target=sleeper, args=("a", 1.0))
b = threading.Thread(target=sleeper, args=("b", 1.001))
a.start()
b.start()
a.join()
b.join()
