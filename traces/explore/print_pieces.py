# Two threads each print a name and a word. Buffered (python's default when
# the output is not a terminal) each print reaches the stream whole; run
# unbuffered (python -u, PYTHONUNBUFFERED=1, as IDEs and container images
# set) print's pieces are separate writes, CPython may switch threads between
# them, and lines mix: "B0B1 passes\n passes\n" is a real CPython output
# (threadsim explore -u finds it: tests/test_explore.c).
import threading


def f(name):
    print(name, "passes")


ts = [threading.Thread(target=f, args=("B%d" % i,)) for i in range(2)]
for t in ts:
    t.start()
for t in ts:
    t.join()
