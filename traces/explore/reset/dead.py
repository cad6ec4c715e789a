# threadsim: reset corpus: a deadlock in some schedules
import threading
a = threading.Lock(); b = threading.Lock()
def f():
    with a:
        with b: pass
def g():
    with b:
        with a: pass
t1 = threading.Thread(target=f); t2 = threading.Thread(target=g)
t1.start(); t2.start(); t1.join(); t2.join()
print('ok')
