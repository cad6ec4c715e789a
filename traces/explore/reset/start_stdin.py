# threadsim: reset corpus: standard input read at the start, and by a thread
import sys
import threading
first = sys.stdin.readline()
r = []
t = threading.Thread(target=lambda: r.append(sys.stdin.readline()))
t.start()
r.append(first)
t.join()
print(r)
