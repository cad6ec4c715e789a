# Each thread appends, then prints the list's length. Under -u CPython
# releases the GIL at the write, after print's argument is computed: the
# other thread can print its 2 before this one prints its 1 ("2\n1\n",
# "21\n\n"), which the explorer offers as a choice before each write
# (tests/test_explore.c).
import threading

x = []


def f(n):
    x.append(n)
    print(len(x))


a = threading.Thread(target=f, args=("a",))
b = threading.Thread(target=f, args=("b",))
a.start()
b.start()
a.join()
b.join()
