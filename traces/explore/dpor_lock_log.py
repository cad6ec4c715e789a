# Two threads log under a lock and print: four outcomes. dpor finds all four
# and proves there are no others at any number of preemptions (exhausted).
import threading
lock = threading.Lock()
log = []
def w(name):
    with lock:
        log.append(name)
    print(name, 'done')
ts = [threading.Thread(target=w, args=(n,)) for n in 'AB']
for t in ts: t.start()
for t in ts: t.join()
print(log)
