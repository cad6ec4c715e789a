# The main thread's stack grows (deeper than its first 64 KiB) before the
# first choice, where the explorer's runner takes its snapshot, and stays
# grown: no reset can bring such a process back, so each run ends its
# runner (the same report, slower).
import threading

def deep(n):
    if n == 0:
        a = threading.Thread(target=print, args=("a",))
        b = threading.Thread(target=print, args=("b",))
        a.start()
        b.start()
        a.join()
        b.join()
        return 0
    return deep(n - 1) + 1

print(deep(300))
