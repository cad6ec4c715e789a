# Two threads print 200 lines of 100 characters each: nearly every schedule
# interleaves them differently, and each distinct outcome keeps its 40 KB
# output (in memory, in the database). `explore --max-outputs SIZE` stops the
# exploration once the kept outputs pass SIZE (default 256M): a program
# printing megabytes differently on every schedule kept gigabytes
# (tests/test_explore.c).
import threading


def w(c):
    for i in range(200):
        print(c * 96, '%03d' % i)


ts = [threading.Thread(target=w, args=(c,)) for c in 'ab']
for t in ts:
    t.start()
for t in ts:
    t.join()
