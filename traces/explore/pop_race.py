# Check-then-act on a list: both workers see one item, both pop. Run
# unbuffered (-u), print's pieces are switches too, and a thread switched
# in inside print (library code) runs no line of the program before the
# next decision: the explanation names the thread that was running then,
# not the last one to run a line (tests/test_explore.c).
import threading
stack = [1]
def worker():
    if len(stack) > 0:
        v = stack.pop()
        print("popped", v)
ts = [threading.Thread(target=worker) for _ in range(2)]
for t in ts: t.start()
for t in ts: t.join()
