# threadsim: options --sandbox
# threadsim: exit 0
# expect: open /etc/passwd PermissionError
import ctypes, os
def attempt(name, fn):
    try:
        fn()
        print(name, "escaped")
    except Exception as e:
        print(name, type(e).__name__)
attempt("open /etc/passwd", lambda: open("/etc/passwd").read())
attempt("write /proc/self/mem", lambda: open("/proc/self/mem", "wb"))
attempt("write outside scratch", lambda: open("/tmp/threadsim-escape.txt", "w"))
attempt("ctypes fork", lambda: (_ for _ in ()).throw(PermissionError()) if ctypes.CDLL(None).fork() < 0 else None)
attempt("ctypes execv", lambda: (_ for _ in ()).throw(PermissionError()) if ctypes.CDLL(None).execv(b"/bin/true", None) < 0 else None)
attempt("os.open /etc/shadow", lambda: os.open("/etc/shadow", os.O_RDONLY))
