# threadsim: options --max-memory 64M
# threadsim: exit 124
# expect: starting
# Three thousand threads, each recursing and then waiting: every page of
# stack their calls reach counts toward --max-memory (8 MiB stacks,
# committed as the calls reach them), so the run stops at the memory limit
# instead of holding gigabytes.
import threading
ev = threading.Event()
def rec(n):
    if n == 0:
        ev.wait()
        return 0
    return rec(n - 1) + 1
print("starting")
threads = []
for i in range(3000):
    t = threading.Thread(target=rec, args=(400,), daemon=True)
    t.start()
    threads.append(t)
print("all started")
