# sys.setswitchinterval reaches the scheduler: a thread spinning without
# blocking keeps main waiting (its sleep over) for at least the interval,
# as CPython's GIL hands over only then; with a short interval main comes
# back sooner. The .out is python3.11's.
import sys
import threading
import time

for iv in (0.001, 0.05, 0.5):
    sys.setswitchinterval(iv)
    flag = False

    def spin():
        n = 0
        while not flag:
            n += 1

    t = threading.Thread(target=spin)
    t0 = time.perf_counter()
    t.start()
    time.sleep(0.01)
    waited = time.perf_counter() - t0
    flag = True
    t.join()
    print(iv, sys.getswitchinterval(), "main back after the interval:", waited >= iv,
          "and within 0.1 s:", waited < 0.1)
for bad in (0, -1, "x"):
    try:
        sys.setswitchinterval(bad)
    except Exception as e:
        print(type(e).__name__, e)
print(sys.setswitchinterval, sys.getswitchinterval())
