# threadsim: reset corpus: a file opened at the start and read by the threads
import threading
f = open(__file__)
lines = []
def reader():
    lines.append(f.readline().strip())
ts = [threading.Thread(target=reader) for _ in range(3)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(lines)
