# A thread's uncaught exception and another thread's print. CPython writes
# the report a line at a time to stderr, line-buffered everywhere: in a
# terminal (stdout line-buffered too) python3.11 printed `good thread ran`
# at seven places among the report's lines in 40 runs, between a frame's
# "File" line and its source line among them. `explore --tty` finds every
# one (tests/test_explore.c).
import threading


def bad():
    raise RuntimeError("thread blew up")


def good():
    print("good thread ran")


t1 = threading.Thread(target=bad)
t2 = threading.Thread(target=good)
t1.start()
t2.start()
t1.join()
t2.join()
print("main continues")
