# corpus: periodic jobs in background threads (time.sleep in a loop), stopped with an Event; elapsed times printed rounded
import threading
import time

stop = threading.Event()
t0 = time.monotonic()
runs = {}


def every(seconds, job):
    name = job.__name__
    runs[name] = 0
    while True:
        time.sleep(seconds)
        if stop.is_set():
            break
        runs[name] += 1
        job(runs[name])


def backup(n):
    print(f"backup #{n} at {round(time.monotonic() - t0)}s")


def poll(n):
    print(f"poll #{n} at {time.monotonic() - t0:.1f}s")


jobs = [
    threading.Thread(target=every, args=(1, backup), name="backup"),
    threading.Thread(target=every, args=(0.7, poll), name="poll"),
]
for j in jobs:
    j.start()

time.sleep(2.5)
print(f"stopping at {time.monotonic() - t0:.1f}s")
stop.set()
for j in jobs:
    j.join()
print(f"stopped at {round(time.monotonic() - t0)}s after {runs}")
