# tools/bench/counter.py — benchmark: four threads increment one counter
# under a Lock, 100,000 times each. Prints the final count (400000), so
# tools/bench_py.sh can check both runs computed the same thing.
import threading

N = 100000
counter = 0
lock = threading.Lock()

def work():
    global counter
    for i in range(N):
        with lock:
            counter += 1

threads = [threading.Thread(target=work) for i in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print('counter', counter)
