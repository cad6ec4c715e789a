# Spins for ever when an update is lost: the default schedule ends (x is
# 100), a schedule switching between the read and the write of an
# increment meets the run's limit (--max-steps). A limit only some
# schedules reach, for the explorer's shrinking of a limit.
import threading

x = 0


def inc():
    global x
    for _ in range(50):
        v = x
        x = v + 1


threads = [threading.Thread(target=inc) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
while x != 100:
    pass
