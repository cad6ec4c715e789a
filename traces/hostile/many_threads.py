# threadsim: exit 0
# expect: RuntimeError: can't start new thread
import threading
ev = threading.Event()
n = 0
try:
    for i in range(100000):
        threading.Thread(target=ev.wait, daemon=True).start()
        n += 1
except RuntimeError as e:
    print("RuntimeError:", e)
