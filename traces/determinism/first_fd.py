# The program's descriptors are numbered as under python3 (threadsim's own
# pipes sit at the top of the table): the first it opens is 3. A daemon's
# os.closerange(3, MAXFD) closes its own and leaves threadsim's (it closed
# the run's pipe, and the run ended as threadsim's failure, exit 127).
import os
import threading

r, w = os.pipe()
print(r, w)
os.closerange(3, 65536)
t = threading.Thread(target=print, args=("thread",))
t.start()
t.join()
print("after closerange")
try:
    os.close(r)
except OSError as e:
    print(e)
r, w = os.pipe()
print(r, w)
for op in (lambda: os.write(1023, b"x"), lambda: os.read(1022, 1)):
    try:
        op()
    except OSError as e:
        print(e)
