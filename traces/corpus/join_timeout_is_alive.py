# corpus: Thread.join(timeout) returns None either way, so check is_alive() to tell a timeout from completion
import threading
import time


def backup(seconds):
    time.sleep(seconds)
    print("backup: finished")


worker = threading.Thread(target=backup, args=(1.8,), name="backup")
print("before start: alive =", worker.is_alive())
worker.start()

attempt = 0
while True:
    attempt += 1
    result = worker.join(timeout=0.5)
    if worker.is_alive():
        print(f"attempt {attempt}: join returned {result}, still running, waiting again")
    else:
        print(f"attempt {attempt}: backup thread has finished")
        break

print("after: alive =", worker.is_alive())

quick = threading.Thread(target=time.sleep, args=(0.1,))
quick.start()
quick.join(timeout=5)
print("quick thread alive after join(5):", quick.is_alive())

stuck = threading.Thread(target=time.sleep, args=(3,), daemon=True)
stuck.start()
stuck.join(0.2)
if stuck.is_alive():
    print("stuck thread is still alive after 0.2s; leaving it (it is a daemon)")

try:
    threading.current_thread().join()
except RuntimeError as exc:
    print("RuntimeError:", exc)
try:
    threading.Thread(target=print).join()
except RuntimeError as exc:
    print("RuntimeError:", exc)
