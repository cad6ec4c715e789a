# threadsim: scenario rlock/lock-self-deadlock (tutorial page 9b)
# threadsim: python 2
# threadsim: exit 126
# Real Python hangs at the second acquire(); the simulator reports the
# self-deadlock (exit status 3) after 'Second try:' is written.
import threading

lock = threading.Lock()

print 'First try :', lock.acquire()
print 'Second try:', lock.acquire()
print "print this if not blocked..."
