# threadsim: exit 0
# expect: RecursionError in thread
import threading
def f(n):
    return f(n + 1)
def g():
    try:
        f(0)
    except RecursionError:
        print("RecursionError in thread")
t = threading.Thread(target=g)
t.start()
t.join()
