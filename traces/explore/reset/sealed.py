# threadsim: reset corpus: a run that drops a page of the C library's code
# (ctypes, madvise MADV_DONTNEED) and then runs it. The libraries' read-only
# mappings are sealed anonymous copies in every run (cpy_snap_seal_libraries):
# the kernel refuses (-1) and the code is intact; where it cannot seal they are
# the files' mappings, the drop succeeds (0) and the code reads back from the
# file. Either way every run prints the same, forked or reset.
import ctypes
import threading

libc = ctypes.CDLL(None)
libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
page = ctypes.cast(libc.strlen, ctypes.c_void_p).value & ~4095
res = []


def f(i):
    res.append((i, libc.strlen(b"x" * i)))


ts = [threading.Thread(target=f, args=(i,)) for i in range(3)]
for t in ts:
    t.start()
dropped = libc.madvise(page, 4096, 4)
for t in ts:
    t.join()
print(dropped in (0, -1), sorted(res), libc.strlen(b"hello"))
