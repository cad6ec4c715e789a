# Two threads increment a shared counter three times each, reading and
# writing it in two statements, and main asserts the total. FIFO prints
# "ok 6"; one preemption between the read and the write of the first thread
# loses an update and the assert fails (threadsim explore finds it:
# tests/test_explore.c).
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
assert counter == 6, counter
print("ok", counter)
