# threadsim: scenario rlock/lock-nonblocking (tutorial page 9a, Python 3)
import threading

lock = threading.Lock()

print('First try :', lock.acquire())
print('Second try:', lock.acquire(False))
print("print this if not blocked...")
