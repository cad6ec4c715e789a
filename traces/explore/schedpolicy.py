# threadsim: the program's threads ask the process's scheduling policy: the one
# threadsim was started with, under explore (whose own process runs as batch
# work, tools/cmd_py.c) as under run (tests/test_explore.c)
import os
import threading

seen = []


def ask():
    seen.append(os.sched_getscheduler(0))


threads = [threading.Thread(target=ask) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(seen, os.sched_getscheduler(0))
