# A data race: four threads increment a shared counter without a lock,
# reading and writing it in two statements. The default schedule (like
# CPython's GIL, which switches every 5 ms) never splits them, so the program
# prints 400; `--policy random` or `--policy pct` make every statement a
# scheduling point and find the lost updates, and `threadsim replay` shows
# the same losing interleaving again (tests/test_race.c).
import threading

counter = 0

def work():
    global counter
    for i in range(100):
        tmp = counter
        counter = tmp + 1

threads = [threading.Thread(target=work) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(counter)
