# threadsim: dpor must see a `for` loop's step over a shared iterator as a
# write of the iterator (each step moves it on): two workers draining one
# iterator can take its items in 4 orders (python3.11 prints them); a dpor
# that saw only a read of the list said "exhausted" with one.
import threading

it = iter([0, 1, 2])
res = []


def w():
    for v in it:
        res.append(v)


ts = [threading.Thread(target=w) for _ in range(2)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(res)
