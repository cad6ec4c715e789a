# corpus: an uncaught exception in a thread: CPython prints "Exception in thread NAME:" and the traceback to stderr; other threads carry on
import threading
import time

results = {}


def parse_int(text):
    return int(text)


def worker(items):
    total = 0
    for item in items:
        total += parse_int(item)
        time.sleep(0.05)
    results[threading.current_thread().name] = total


good = threading.Thread(target=worker, args=(["1", "2", "3"],))
bad = threading.Thread(target=worker, args=(["4", "five", "6"],))
good.start()
bad.start()
good.join()
bad.join()

print("results:", results)
print("bad thread alive:", bad.is_alive())
print("main thread keeps going")


class Crasher(threading.Thread):
    def run(self):
        raise RuntimeError(f"{self.name} crashed on purpose")


c = Crasher(name="crasher")
c.start()
c.join()
print("exit status is still 0")
