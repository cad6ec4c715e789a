# corpus: exit(), quit() and help() as a script uses them (builtins the site module adds): help() on a lock method and docstrings, a worker that calls exit() ends quietly (closing stdin, as site's exit does), and quit(3) as the exit status
# threadsim: exit 3
import sys
import threading
import _thread

help(threading.Lock().locked)
print(_thread.__doc__.splitlines()[0])
print(threading.Lock().acquire.__doc__.splitlines()[0])
print(threading.RLock().release.__doc__.splitlines()[0])
print(type(threading.Lock()).__doc__.splitlines()[0])
print(threading.local.__doc__)
print(type(exit).__name__, type(help).__name__, repr(quit))

results = []
lock = threading.Lock()


def worker(n):
    with lock:
        results.append(n)
    if n == 2:
        exit(0)  # SystemExit ends only this thread, silently
    with lock:
        results.append(n * 10)


threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("results:", sorted(results))
print("stdin closed:", sys.stdin.closed)
if len(results) != 7:
    exit(1)
quit(3)
