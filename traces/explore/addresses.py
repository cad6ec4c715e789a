# What a program prints can follow where CPython put its objects: id(), a
# default repr, the order of a set of objects (as_completed yields the
# futures already done in set order). Every schedule the explorer reports
# must print the same again when its token is replayed in the stepper.
from concurrent.futures import ThreadPoolExecutor, as_completed
import threading

def work(i):
    objs = [object() for _ in range(i)]
    return i * len(objs)

print("start", id(object()) % 100003)
with ThreadPoolExecutor(max_workers=3) as ex:
    futs = [ex.submit(work, i) for i in range(5)]
    print([f.result() for f in as_completed(futs)])
lock = threading.Lock()
print(lock)
print("end", id(object()) % 100003)
