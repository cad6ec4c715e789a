# threadsim: reset corpus: a resource limit changed: no reset can undo it
import threading, resource
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
x = []
for i in range(2): threading.Thread(target=x.append, args=(i,)).start()
print(x)
