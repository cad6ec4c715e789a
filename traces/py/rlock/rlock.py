# threadsim: scenario rlock/rlock (tutorial page 9c)
# threadsim: python 2
import threading

lock = threading.RLock()

print 'First try :', lock.acquire()
print 'Second try:', lock.acquire(0)
