# Two threads add to a shared counter without a lock, 2000 times each:
# a random schedule makes thousands of choices, so its replay token is
# longer than the explorer's report shows (tests/test_explore.c).
import threading

counter = 0


def work():
    global counter
    for _ in range(2000):
        value = counter
        counter = value + 1


threads = [threading.Thread(target=work) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(counter)
