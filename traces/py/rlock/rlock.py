# threadsim: scenario rlock/rlock (tutorial page 9c)
import threading

lock = threading.RLock()

print 'First try :', lock.acquire()
print 'Second try:', lock.acquire(0)
