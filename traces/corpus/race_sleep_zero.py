# corpus: read / time.sleep(0) / write on a shared counter: yielding between read and write loses most increments
import threading
import time

N_THREADS = 4
PER_THREAD = 1000
counter = 0


def work(n):
    global counter
    for _ in range(n):
        value = counter
        time.sleep(0)  # "let the other threads run" -- exactly what breaks it
        counter = value + 1


threads = [threading.Thread(target=work, args=(PER_THREAD,)) for _ in range(N_THREADS)]
for t in threads:
    t.start()
for t in threads:
    t.join()

expected = N_THREADS * PER_THREAD
lost = expected - counter
print(f"expected {expected}")
print("updates lost:", "yes" if lost else "no")
print("more than half lost:", lost > expected // 2)
