# The main thread's end kills the daemon: whether the daemon printed (all
# of its line, a piece of it under -u, or nothing) depends on the order of
# its steps and the process's end (tests/test_explore.c).
import threading


def d():
    print("d")


threading.Thread(target=d, daemon=True).start()
print("m")
