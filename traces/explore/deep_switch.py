# main recurses 950 calls deep while a second thread spins: under a policy
# deciding at every line (explore's default) each call's frames are C
# frames on main's green stack, which grows through its soft guard
# (sim/stack.h). A switch out of the deep call saved main's registers on
# main's stack after naming the other thread current, and a fault there was
# judged against the wrong thread's stack: "the Python engine faulted"
# (exit 127) in most schedules (tests/test_explore.c).
import threading

stop = False


def spin():
    n = 0
    while not stop:
        n += 1


def depth(k):
    if k == 0:
        return 0
    return 1 + depth(k - 1)


t = threading.Thread(target=spin)
t.start()
print(depth(950))
stop = True
t.join()
print("done")
