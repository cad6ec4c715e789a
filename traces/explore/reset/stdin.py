# threadsim: reset corpus: a line read from standard input
import threading, sys
line = sys.stdin.readline()
r = []
threading.Thread(target=r.append, args=(line,)).start()
print(r)
