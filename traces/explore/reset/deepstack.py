# Threads whose calls go deeper than the first 64 KiB of their stacks: each
# grows through its soft guard (sim/stack.h, charged to --max-memory), and
# a daemon is killed at exit while deep. The stacks are put back as they
# were (guard in place, the pages below given back) before the reset.
import threading
lock = threading.Lock()
total = 0
stop = threading.Event()

def rec(n):
    return 0 if n == 0 else rec(n - 1) + 1

def deep_wait(n):
    if n == 0:
        stop.wait()
        return 0
    return deep_wait(n - 1) + 1

def worker(d):
    global total
    r = rec(d)
    with lock:
        total += r

threading.Thread(target=deep_wait, args=(300,), daemon=True).start()
ts = [threading.Thread(target=worker, args=(d,)) for d in (20, 400, 700)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(total)
