# threadsim: reset corpus: a root run gives up root (os.setuid): no reset can undo it
import os
import threading

r = []
threading.Thread(target=r.append, args=(os.getuid(),)).start()
print(r)
if os.getuid() == 0:
    os.setgid(65534)
    os.setuid(65534)
