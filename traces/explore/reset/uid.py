# threadsim: reset corpus: a root run gives up root (os.setuid): no reset can undo it
# (os.getuid() is the simulated machine's 1000; the host's ids decide whether
# setuid is allowed: as root it is, otherwise PermissionError and nothing changes)
import os
import threading

r = []
threading.Thread(target=r.append, args=(os.getuid(),)).start()
print(r)
try:
    os.setgid(65534)
    os.setuid(65534)
except PermissionError:
    pass
