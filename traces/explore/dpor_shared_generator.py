# threadsim: a step inside a generator's frame changes the generator (it is
# running): another thread's next() of it then raises "generator already
# executing" (python3.11 raises it when two threads share one). dpor saw
# no conflict and missed the two outcomes with 'E'.
import threading


def gen():
    for i in range(3):
        yield i


g = gen()
res = []


def w():
    try:
        v = next(g)
        res.append(v)
    except ValueError:
        res.append('E')


ts = [threading.Thread(target=w) for _ in range(2)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(res)
