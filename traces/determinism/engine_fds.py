# threadsim's own descriptors (the run's pipes at 1022 and 1023, a
# runner's from 900 up) are not the program's: every call that takes a
# descriptor answers there as python3's does where none is open (EBADF;
# isatty False), a listing of /proc/self/fd (os.listdir, os.scandir) leaves them out, and none of
# it reaches the pipe (a write, a dup or an io.FileIO there ended the run
# as threadsim's failure, exit 127). Each line is python3.11's but the
# last: dup2 onto one of them is EBADF too, as if the descriptor limit
# were below them (python3 makes the descriptor).
import fcntl
import io
import os
import signal
import threading
import time

OPS = [
    "os.write(1022, b'x')", "os.writev(1022, [b'x'])", "os.pwrite(1022, b'x', 0)",
    "os.read(1023, 1)", "os.readv(1023, [bytearray(1)])", "os.close(1022)",
    "os.dup(1022)", "os.dup2(1022, 5)", "os.fstat(1022)", "os.stat(1022)",
    "os.lseek(1022, 0, 0)", "os.isatty(1022)", "os.get_blocking(1022)",
    "os.set_blocking(1022, False)", "os.set_inheritable(1022, True)",
    "os.sendfile(1, 1022, 0, 1)", "os.listdir(1022)", "os.chmod(1022, 0o600)",
    "os.ftruncate(1022, 0)", "os.fsync(950)", "os.write(950, b'x')",
    "fcntl.fcntl(1022, fcntl.F_DUPFD, 0)", "fcntl.ioctl(1022, 0)",
    "fcntl.flock(1022, fcntl.LOCK_EX)",
    "open(1022, 'w')", "os.fdopen(1023, 'wb')", "io.FileIO(1022, 'w', closefd=False)",
]


def probe():
    # in a thread, while another sleeps: the run is past its first choice
    # (where an explorer's runner holds its own descriptors too)
    for op in OPS:
        try:
            r = eval(op)
            print(op, '->', r)
        except Exception as e:
            print(op, '!', type(e).__name__, e)
    fds = [int(n) for n in os.listdir('/proc/self/fd')]
    print('listed above 899:', [fd for fd in fds if fd >= 900])
    with os.scandir('/proc/self/fd') as it:
        fds = [int(e.name) for e in it]
    print('scanned above 899:', [fd for fd in fds if fd >= 900])
    fds = [int(e.name) for e in os.scandir(b'/dev/fd/')]
    print('scanned /dev/fd above 899:', [fd for fd in fds if fd >= 900])


sleeper = threading.Thread(target=time.sleep, args=(0.5,))
sleeper.start()
t = threading.Thread(target=probe)
t.start()
t.join()
sleeper.join()
try:
    signal.set_wakeup_fd(1022)  # (the main thread's: CPython would write there at every signal)
except OSError as e:
    print('set_wakeup_fd !', e)
try:
    print('dup2 onto 1022 ->', os.dup2(1, 1022))
except OSError as e:
    print('dup2 onto 1022 !', e)
