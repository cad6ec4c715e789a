# threadsim: scenario rlock/lock-self-deadlock (tutorial page 9b, Python 3)
# threadsim: exit 126
# threadsim: cpython-timeout 10
# CPython hangs at the second acquire() (the oracle stops it after 10 s);
# the simulator reports the self-deadlock (exit status 3). print() evaluates
# its arguments first, so 'Second try:' is never written (Python 2's print
# statement wrote it before the call).
import threading

lock = threading.Lock()

print('First try :', lock.acquire())
print('Second try:', lock.acquire())
print("print this if not blocked...")
