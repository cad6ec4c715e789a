# threadsim: options --max-memory 64M
# threadsim: exit 0
# expect: OSError [Errno 12] Cannot allocate memory
# Memory no allocator sees: anonymous mappings of the mmap module, touched
# page by page (8 GiB at once, then 1 MiB at a time in threads). Each
# mapping counts toward --max-memory; past it the kernel's refusal,
# OSError(ENOMEM), as a real mmap that cannot be had.
import mmap
import threading
try:
    m = mmap.mmap(-1, 1 << 33)
    m[::4096] = b"x" * ((1 << 33) // 4096)
except OSError as e:
    print("OSError", e)
held = []
lock = threading.Lock()
go = threading.Event()
def grab():
    go.wait()
    try:
        while True:
            mm = mmap.mmap(-1, 1 << 20)
            mm[::4096] = b"x" * 256
            with lock:
                held.append(mm)
    except OSError as e:
        with lock:
            held.append(e)
ts = [threading.Thread(target=grab) for _ in range(4)]
for t in ts:
    t.start()
go.set()
for t in ts:
    t.join()
print(sum(isinstance(x, OSError) for x in held), "threads refused")
