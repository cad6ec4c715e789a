# Three threads; the third prints x only when it sees y set. "0" needs the
# order t2, t3, t1, and the run that shows dpor it must try t2 first is one
# where t3 went first: a race found only below another choice of the first
# decision. Sharded dpor must still find it (tests/test_explore.c).
import threading
x = 0
y = 0
def t1():
    global x
    x = 1
def t2():
    global y
    y = 1
def t3():
    if y == 1:
        print(x)
ts = [threading.Thread(target=f) for f in (t1, t2, t3)]
for t in ts:
    t.start()
for t in ts:
    t.join()
