# threadsim: scenario rlock/lock-nonblocking (tutorial page 9a)
# threadsim: python 2
import threading

lock = threading.Lock()

print 'First try :', lock.acquire()
print 'Second try:', lock.acquire(0)
print "print this if not blocked..."
