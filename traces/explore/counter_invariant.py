# Two threads increment a shared counter three times each without a lock.
# Nothing in the program checks the total: `threadsim explore
# --invariant 'counter == 6'` does, at the end of every schedule
# (tests/test_explore.c).
import threading

counter = 0


def work():
    global counter
    for i in range(3):
        tmp = counter
        counter = tmp + 1


threads = [threading.Thread(target=work) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("done")
