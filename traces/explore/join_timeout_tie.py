# A join(3.0) whose timeout falls at the very instant the thread finishes
# (it sleeps 3 s). By default the thread's timer, armed first, fires first:
# it finishes and the join sees it dead. The explorer treats timers due
# together as unordered, as real timing does: the join may time out first
# and see it alive (tests/test_explore.c).
import threading
import time


def worker():
    time.sleep(3)
    print("worker finished")


t = threading.Thread(target=worker)
t.start()
t.join(3.0)
print("alive after join(3.0):", t.is_alive())
