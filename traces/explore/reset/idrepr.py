# threadsim: reset corpus: object addresses in the output
import threading
class A: pass
objs = []
def f(): objs.append(A())
ts = [threading.Thread(target=f) for _ in range(3)]
[t.start() for t in ts]; [t.join() for t in ts]
print([repr(o)[-12:] for o in objs], len({id(o) for o in objs}), set(objs) and sorted(map(id, objs))[0] % 4096)
