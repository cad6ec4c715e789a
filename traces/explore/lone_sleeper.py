# A worker runs and is joined; then main alone sleeps a millisecond at a
# time: no two timers are ever near each other and no work is ready beside
# one, so nothing could go another way and explore notes nothing about
# timing (tests/test_explore.c, test_near_timers_noted).
import threading
import time


def worker():
    print("worker")


t = threading.Thread(target=worker)
t.start()
t.join()
for i in range(3):
    time.sleep(0.001)
    print("tick", i)
print("done")
