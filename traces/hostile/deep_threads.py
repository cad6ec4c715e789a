# threadsim: options --max-memory 64M
# threadsim: exit 124
# expect: starting
# Threads that each recurse 20000 calls deep and then wait: every page of
# stack their calls reach counts toward --max-memory (their stacks are 128
# MiB, reserved and committed as the calls reach them: the program raises
# the recursion limit), so the run stops at the memory limit, a few
# threads in, instead of holding half a gigabyte.
import sys
import threading
sys.setrecursionlimit(100000)
ev = threading.Event()
def rec(n):
    if n == 0:
        ev.wait()
        return 0
    return rec(n - 1) + 1
print("starting")
for i in range(40):
    threading.Thread(target=rec, args=(20000,), daemon=True).start()
print("all started")
