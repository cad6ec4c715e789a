# `if flag:` reads the list another thread appends to: a truth test (like
# `in`, `==`, iteration) is a read dpor must see, or it proves "end" is the
# only output (tests/test_explore.c).
import threading

flag = []
seen = {}


def w():
    flag.append(1)
    seen["w"] = True


t = threading.Thread(target=w)
t.start()
if flag:
    print("yes")
if "w" in seen:
    print("seen")
for x in flag:
    print("item", x)
t.join()
print("end")
