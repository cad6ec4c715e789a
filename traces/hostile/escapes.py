# threadsim: exit 0
# expect: socket PermissionError threadsim: sockets would escape the virtual clock; they are not available in a simulated run
import os, socket, subprocess, select, sys
def attempt(name, fn):
    try:
        fn()
        print(name, "escaped")
    except Exception as e:
        print(name, type(e).__name__, e)
attempt("socket", lambda: socket.socket())
attempt("subprocess", lambda: subprocess.run(["true"]))
attempt("os.fork", os.fork)
attempt("os.system", lambda: os.system("true"))
attempt("select", lambda: select.select([sys.stdin], [], [], 1))
attempt("epoll", lambda: (e := select.epoll(), e.register(sys.stdin), e.poll(1)))
