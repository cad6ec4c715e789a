# threadsim: reset corpus: an anonymous mmap and a 50 MiB allocation
import threading, mmap
m = mmap.mmap(-1, 1 << 20)
m[0:5] = b'hello'
big = bytearray(50 << 20)
big[-1] = 1
res = []
def f(i): res.append(i)
ts = [threading.Thread(target=f, args=(i,)) for i in range(4)]
[t.start() for t in ts]; [t.join() for t in ts]
print(bytes(m[0:5]), len(big), res)
