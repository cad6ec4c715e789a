# threadsim: the embedded interpreter's set-up, run once before the program
# (file "<threadsim>", so tracebacks and traces never show it as user code).
# Given: _seed (the run's seed, an int), _charge (bytes counted toward
# --max-memory that are no Python allocation: _charge(n) -> bool),
# _sqlite_memory (SQLite allocating from the run's region: cpy_run.c).
import sys
_gate = __import__('_thread')._threadsim_gate  # cpy_thread.c: a C function around one of ours
_std_closed = __import__('_thread')._threadsim_std_closed  # cpy_io.c: fd 1 or 2 closed


# --- relative folders stay relative ------------------------------------------
# CPython's FileFinder and spec_from_file_location join a relative folder to
# the working folder's absolute path. Its length (which differs between two
# checkouts of one project) would then move the address of every object the
# program makes later, and reprs in the output with it. So the folders on
# sys.path given relatively (the program's own, as the user named it) get a
# finder that keeps them relative: sibling modules' __file__ are relative,
# like the program's own. Nor does the finder list the folder (a set of every
# name in it): it asks for the names it looks up, so other files beside the
# program (outputs, databases) do not move addresses either; nor does an
# absolute folder's (a program given by its absolute path). The standard
# library's folders are CPython's finder's.
def _relative_finders():
    ext = sys.modules['_frozen_importlib_external']

    class Probe:
        __slots__ = ('path',)

        def __init__(self, path):
            self.path = path

        def __contains__(self, name):
            try:
                ext._path_stat(ext._path_join(self.path, name))
            except (OSError, ValueError):
                return False
            return True

    class RelativeFileFinder(ext.FileFinder):
        def __init__(self, path, *details):
            super().__init__(path, *details)
            self.path = path

        def _fill_cache(self):
            self._path_cache = Probe(self.path)
            self._relaxed_path_cache = self._path_cache

        def _get_spec(self, loader_class, fullname, path, smsl, target):
            spec = super()._get_spec(loader_class, fullname, path, smsl, target)
            spec.origin = path
            if spec.submodule_search_locations:
                spec.submodule_search_locations = [ext._path_split(path)[0]]
            return spec

    class ProbeFileFinder(ext.FileFinder):
        def _fill_cache(self):
            self._path_cache = Probe(self.path)
            self._relaxed_path_cache = self._path_cache

    details = ext._get_supported_file_loaders()
    stdlib = sys.prefix.rstrip('/') + '/'

    def hook(path):
        if not path or not ext._path_isdir(path):
            raise ImportError('not a folder', path=path)
        if not path.startswith('/'):
            return RelativeFileFinder(path, *details)
        if path.startswith(stdlib):
            raise ImportError("the standard library's: CPython's finder", path=path)
        # an absolute folder of the program's: not listed either
        return ProbeFileFinder(path, *details)

    sys.path_hooks.insert(0, hook)


_relative_finders()
del _relative_finders
import os

# (_queue, whose C SimpleQueue would block the only OS thread, is the
# simulator's own: model/cpy/cpy_queue.c, in sys.modules before this runs.
# The C _datetime reads the wall clock in C, which is the virtual one during
# a run: cpy_io.c's clock_gettime.)


# Refusals are PermissionErrors (OSErrors, which callers such as selectors
# and subprocess already expect) whose message names threadsim, raised by C
# gates as the C functions they stand for would raise (no frame of
# threadsim's in the traceback, a built-in's repr).
def _refused(what, module):
    def refused(*args, **kwargs):
        raise PermissionError("threadsim: %s would escape the virtual clock; "
                              "it is not available in a simulated run" % what)
    return _gate(refused, None, what.rsplit('.', 1)[-1], module, None)


for _name in ('fork', 'forkpty', 'system', 'popen', 'execv', 'execve', 'execvp', 'execvpe',
              'execl', 'execle', 'execlp', 'execlpe', 'spawnv', 'spawnve', 'spawnvp',
              'spawnvpe', 'spawnl', 'spawnle', 'spawnlp', 'spawnlpe', 'posix_spawn',
              'posix_spawnp', 'wait', 'waitpid', 'wait3', 'wait4', 'waitid'):
    if hasattr(os, _name):
        setattr(os, _name, _refused('os.' + _name, 'posix'))

import _posixsubprocess
_posixsubprocess.fork_exec = _refused('subprocess', '_posixsubprocess')

import _socket


def _socket_refused(*args, **kwargs):
    raise PermissionError("threadsim: sockets would escape the virtual clock; "
                          "they are not available in a simulated run")


class _ThreadsimSocket(_socket.socket):
    __slots__ = ()
    # a gate is no descriptor: called without self, which it does not need
    __init__ = _gate(_socket_refused, None, '__init__', '_socket', None)


_ThreadsimSocket.__name__ = _ThreadsimSocket.__qualname__ = 'socket'
_ThreadsimSocket.__module__ = '_socket'
_socket.socket = _socket.SocketType = _ThreadsimSocket
_socket.socketpair = _refused('socket.socketpair', '_socket')

import select
_real_select, _real_poll = select.select, select.poll
for _name in ('select', 'poll', 'epoll', 'devpoll', 'kqueue'):
    if hasattr(select, _name):
        setattr(select, _name, _refused('select.' + _name, 'select'))

# --- pipes between the program's threads -------------------------------------------
# A pipe the program makes (os.pipe, and so multiprocessing's Pipe(False),
# SimpleQueue, ThreadPool) joins its own threads: reading an empty one must
# block the reading thread on the virtual clock, as CPython blocks one OS
# thread, not the one OS thread every simulated thread runs on (the run would
# hang for good). Both ends are non-blocking in the kernel; os.read,
# os.write, select.select, select.poll and select.epoll over them wait on one
# model Condition, notified by every write to and close of such a pipe, and
# re-check under its lock (no wake-up is lost). socket.socketpair() is two
# such pipes (asyncio's event loop wakes itself through one). What the program sees is
# CPython's: blocking ends, unless it asks for non-blocking ones (os.pipe2
# with O_NONBLOCK, os.set_blocking), where an empty read raises
# BlockingIOError. select and poll over anything else still escape the
# virtual clock (refused above). os.fdopen on such a pipe gives a file over
# these (_PipeFile); open(fd) with the bare number reads through C, past
# this, and sees the non-blocking end (builtins.open is left as it is: a
# wrapper would add a frame to every FileNotFoundError's traceback).
_real_pipe, _real_read, _real_write = os.pipe, os.read, os.write
_real_close, _real_dup, _real_dup2 = os.close, os.dup, os.dup2
_real_get_blocking, _real_set_blocking = os.get_blocking, os.set_blocking
_pipe_blocking = {}  # fd of a pipe end the program made -> blocking, as it sees it
_std_fds_own = [True, True]  # fds 1 and 2 are still the run's stdout, stderr (not dup2'd over)
_pipe_cv = []        # the model Condition, made at first need
import errno as _errno
import operator as _operator
_engine_fd = __import__('_thread')._threadsim_engine_fd  # threadsim's own descriptors
_write_now = __import__('_thread')._threadsim_write_now  # os.write(1 or 2): out now
_ENGINE_FD_MIN = 900  # and all from here up (CPY_ENGINE_FD_MIN, cpy_int.h)
_real_closerange = os.closerange


def _pipe_cond():
    if not _pipe_cv:
        # its own class, so a deadlock report names what a blocked
        # os.read waits on: "os.read (pipes-1 at prog.py:4)"
        pipes = type('pipes', (threading.Condition,), {})
        _pipe_cv.append(pipes(threading.Lock()))
    return _pipe_cv[0]


def _pipe_made(fds, blocking):
    for fd in fds:
        _real_set_blocking(fd, False)
        _pipe_blocking[fd] = blocking
    return fds


def pipe():
    return _pipe_made(_real_pipe(), True)


def pipe2(flags, /):
    return _pipe_made(_real_pipe2(flags), not flags & os.O_NONBLOCK)


def read(fd, length, /):
    if fd not in _pipe_blocking:
        if _engine_fd(fd):
            raise OSError(_errno.EBADF, os.strerror(_errno.EBADF))  # not open under python3
        return _real_read(fd, length)
    cv = _pipe_cond()
    with cv:
        while True:
            try:
                data = _real_read(fd, length)
            except BlockingIOError:
                if not _pipe_blocking.get(fd, True):
                    raise
                cv.wait()
                continue
            if data:
                cv.notify_all()  # room again for a writer waiting on a full pipe
            return data


def write(fd, data, /):
    # posix.write's argument checks, first (fd 1.0 is not fd 1)
    fd = fd if type(fd) is int else _operator.index(fd)
    if not isinstance(data, (bytes, bytearray)):
        try:
            memoryview(data)
        except TypeError:
            raise TypeError("a bytes-like object is required, not '%s'"
                            % type(data).__name__) from None
    if fd not in _pipe_blocking:
        if fd in (1, 2) and _std_fds_own[fd - 1]:
            # the run's stdout and stderr are its output events: bytes
            # written to their descriptors are one of them, now (not
            # straight to the file, ahead of or behind the events, as the
            # host's timing would have it), ahead of what the streams hold
            return _write_now(fd, memoryview(data).cast('B'))
        if _engine_fd(fd):
            raise OSError(_errno.EBADF, os.strerror(_errno.EBADF))  # not open under python3
        return _real_write(fd, data)
    cv = _pipe_cond()
    with cv:
        if not _pipe_blocking[fd]:
            n = _real_write(fd, data)
            cv.notify_all()
            return n
        # a blocking write returns when every byte is in the pipe
        view, done = memoryview(data).cast('B'), 0
        while True:
            try:
                done += _real_write(fd, view[done:])
            except BlockingIOError:
                pass
            if done >= len(view):
                cv.notify_all()
                return done
            cv.notify_all()
            cv.wait()


def close(fd, /):
    if _engine_fd(fd):
        # not the program's: as python3, where it is not open
        raise OSError(_errno.EBADF, os.strerror(_errno.EBADF))
    was = _pipe_blocking.pop(fd, None)
    _real_close(fd)
    if fd in (1, 2):
        if _std_fds_own[fd - 1]:
            _std_closed(fd)  # its stream's writes can go nowhere now
        _std_fds_own[fd - 1] = False
    if was is not None and _pipe_cv:
        with _pipe_cv[0]:
            _pipe_cv[0].notify_all()


def closerange(fd_low, fd_high, /):
    # every descriptor in the range but threadsim's own (a daemon's
    # os.closerange(3, MAXFD) closed the run's pipe: the engine failed)
    fd_low, fd_high = max(_operator.index(fd_low), 0), _operator.index(fd_high)
    lo = fd_low
    for fd in range(fd_low, min(fd_high, _ENGINE_FD_MIN) + 1):
        if fd == fd_high or fd == _ENGINE_FD_MIN or _engine_fd(fd):
            if lo < fd:
                _real_closerange(lo, fd)
            lo = fd + 1
    for fd in [fd for fd in _pipe_blocking if fd_low <= fd < fd_high and not _engine_fd(fd)]:
        del _pipe_blocking[fd]
    for fd in (1, 2):
        if fd_low <= fd < fd_high:
            if _std_fds_own[fd - 1]:
                _std_closed(fd)
            _std_fds_own[fd - 1] = False
    if _pipe_cv:
        with _pipe_cv[0]:
            _pipe_cv[0].notify_all()


def _engine_fd_refused(fd, filename=False):
    # a descriptor of threadsim's own: python3 has none open there (EBADF)
    if filename:
        raise OSError(_errno.EBADF, os.strerror(_errno.EBADF), fd)
    raise OSError(_errno.EBADF, os.strerror(_errno.EBADF))


def _is_engine_fd(fd):
    return type(fd) is int and fd >= 0 and _engine_fd(fd)


def dup(fd, /):
    if _is_engine_fd(fd):
        _engine_fd_refused(fd)
    new = _real_dup(fd)
    if fd in _pipe_blocking:
        _pipe_blocking[new] = _pipe_blocking[fd]
    return new


def dup2(fd, fd2, inheritable=True):
    # onto one of threadsim's too: as if the descriptor limit were below
    # them (a dup2 past it is EBADF); over the run's pipe it ended the run
    if _is_engine_fd(fd) or _is_engine_fd(fd2):
        _engine_fd_refused(fd)
    new = _real_dup2(fd, fd2, inheritable)
    _pipe_blocking.pop(fd2, None)
    if fd2 in (1, 2) and fd != fd2:
        _std_fds_own[fd2 - 1] = False
    if fd in _pipe_blocking:
        _pipe_blocking[new] = _pipe_blocking[fd]
    return new


def get_blocking(fd, /):
    if _is_engine_fd(fd):
        _engine_fd_refused(fd)
    if fd in _pipe_blocking:
        _real_get_blocking(fd)  # EBADF as CPython's
        return _pipe_blocking[fd]
    return _real_get_blocking(fd)


def set_blocking(fd, blocking, /):
    if _is_engine_fd(fd):
        _engine_fd_refused(fd)
    if fd in _pipe_blocking:
        _real_get_blocking(fd)
        _pipe_blocking[fd] = bool(blocking)
        return None
    return _real_set_blocking(fd, blocking)


class _PipeFile(__import__('io').RawIOBase):
    """The raw file os.fdopen gives for a pipe the program made (threadsim):
    its reads and writes go through os.read and os.write above, so they
    block on the virtual clock as CPython's FileIO blocks its thread."""

    def __init__(self, fd, mode, closefd):
        self._fd, self._mode, self._closefd = fd, mode, closefd
        self.name = fd

    @property
    def mode(self):
        return self._mode

    def fileno(self):
        if self.closed:
            raise ValueError("I/O operation on closed file")
        return self._fd

    def readable(self):
        return 'r' in self._mode or '+' in self._mode

    def writable(self):
        return 'r' not in self._mode or '+' in self._mode

    def readinto(self, b):
        view = memoryview(b).cast('B')
        data = read(self._fd, len(view))
        view[:len(data)] = data
        return len(data)

    def write(self, b):
        return write(self._fd, b)

    def close(self):
        if not self.closed:
            try:
                if self._closefd:
                    close(self._fd)
            finally:
                super().close()


class _StdFile(_PipeFile):
    """The raw file a program opens on its stdout or stderr by descriptor or
    device (open(1, 'w'), os.fdopen(sys.stdout.fileno(), 'w'),
    open('/dev/stdout', 'w')): its writes are the run's output events, in
    program order, as os.write(1) is (threadsim); CPython's FileIO would
    write to the host's descriptor, around the trace. Closing it leaves the
    descriptor to the run's own stream."""

    def __init__(self, fd, mode, name):
        super().__init__(fd, mode, False)
        self.name = name

    def readable(self):
        return False


_std_files = __import__('weakref').WeakSet()  # flushed at the end, as finalization does
_std_paths = {'/dev/stdout': 1, '/dev/stderr': 2, '/dev/fd/1': 1, '/dev/fd/2': 2,
              '/proc/self/fd/1': 1, '/proc/self/fd/2': 2}


def _std_target(file, mode):
    """1 or 2 if `file` opened with `mode` writes to the run's stdout or stderr."""
    if not isinstance(mode, str) or 'r' in mode or '+' in mode:
        return None
    if isinstance(file, int) and not isinstance(file, bool):
        fd = file if file in (1, 2) else None
    else:
        try:
            path = os.fspath(file)
        except TypeError:
            return None
        if isinstance(path, bytes):
            path = path.decode('utf-8', 'surrogateescape')
        fd = _std_paths.get(path)
    return fd if fd is not None and _std_fds_own[fd - 1] else None


def _open_layers(raw, mode, buffering, encoding, errors, newline):
    import io
    if buffering == 0:
        return raw
    size = io.DEFAULT_BUFFER_SIZE if buffering in (-1, 1) else buffering
    f = io.BufferedReader(raw, size) if 'r' in mode and '+' not in mode else \
        io.BufferedWriter(raw, size) if '+' not in mode else io.BufferedRWPair(raw, raw, size)
    if 'b' in mode:
        return f
    text = io.TextIOWrapper(f, encoding, errors, newline, line_buffering=buffering == 1)
    text.mode = mode
    return text


def _checked_mode(mode, encoding, errors, newline, buffering):
    """io.open's own checks of what the layers are made from, or False to
    leave the call to the real open (its errors)."""
    if not isinstance(mode, str) or set(mode) - set('rwaxb+t') or len(set(mode)) < len(mode):
        return False
    binary = 'b' in mode
    if binary and (encoding is not None or errors is not None or newline is not None):
        return False
    if 'b' in mode and 't' in mode:
        return False
    if not isinstance(buffering, int):
        return False
    if buffering == 0 and not binary:
        raise ValueError("can't have unbuffered text I/O")
    return True


def _std_open(fd, name, mode, buffering, encoding, errors, newline):
    raw = _StdFile(fd, 'ab' if 'a' in mode else 'wb', name)
    f = _open_layers(raw, mode, buffering, encoding, errors, newline)
    _std_files.add(f)
    return f


# os.fdopen and open are gates (_thread._threadsim_gate): the checks below
# take the calls on the program's pipes and standard descriptors and return
# NotImplemented for every other, which the real function then serves from
# C, so its errors carry CPython's traceback (no frame of threadsim's).
def _fdopen_check(fd, mode="r", buffering=-1, encoding=None, errors=None, newline=None,
                  closefd=True):
    std = _std_target(fd, mode)
    if not isinstance(fd, int) or (fd not in _pipe_blocking and std is None):
        return NotImplemented
    if not _checked_mode(mode, encoding, errors, newline, buffering):
        return NotImplemented
    if std is not None:
        return _std_open(std, fd, mode, buffering, encoding, errors, newline)
    raw = _PipeFile(fd, ('rb' if 'r' in mode else 'wb') + ('+' if '+' in mode else ''), closefd)
    return _open_layers(raw, mode, buffering, encoding, errors, newline)


def fdopen(*args, **kwargs):
    try:
        return _fdopen_check(*args, **kwargs)
    except TypeError:
        return NotImplemented  # the real one's error for bad arguments


def _open_check(file, mode='r', buffering=-1, encoding=None, errors=None, newline=None,
                closefd=True, opener=None):
    if opener is None and isinstance(file, int) and file in _pipe_blocking:
        # open(fd) of a pipe the program made: os.fdopen's (its reads block
        # on the virtual clock; the real FileIO read the host's
        # non-blocking pipe, None at once)
        return _fdopen_check(file, mode, buffering, encoding, errors, newline, closefd)
    std = _std_target(file, mode) if opener is None else None
    if std is None or not _checked_mode(mode, encoding, errors, newline, buffering):
        return NotImplemented
    return _std_open(std, file, mode, buffering, encoding, errors, newline)


def _open(*args, **kwargs):
    try:
        return _open_check(*args, **kwargs)
    except TypeError:
        return NotImplemented


def _flush_std_files():
    """After the program's exit functions, as CPython's finalization flushes
    the files left open (the engine calls it: _threadsim_at_end)."""
    if not _std_files:
        return
    for f in list(_std_files):
        try:
            if not f.closed:
                f.flush()
        except Exception:
            pass


import io as _io_mod
import builtins as _builtins_mod
_real_open = _io_mod.open
_io_mod.open = _builtins_mod.open = _gate(
    _open, _real_open, 'open', 'io', _real_open.__doc__)
__import__('_thread')._threadsim_at_end(_flush_std_files)
del _io_mod, _builtins_mod


_real_fdopen = os.fdopen
_real_pipe2 = os.pipe2
for _f in (pipe, pipe2, read, write, close, closerange, dup, dup2, get_blocking, set_blocking):
    _f.__code__ = _f.__code__.replace(co_qualname='os.' + _f.__name__)  # the trace's reason
    # C functions in CPython: gates, so their errors' tracebacks are CPython's
    # (no "<threadsim>" frame under an os.close's EBADF)
    setattr(os, _f.__name__, _gate(_f, None, _f.__name__, 'posix',
                                   getattr(os, _f.__name__).__doc__))
del _f
os.fdopen = _gate(fdopen, _real_fdopen, 'fdopen', 'os',
                                                  _real_fdopen.__doc__)


# Every other function of os that takes a descriptor: on one of threadsim's
# (the run's pipes, a runner's own), python3's answer where none is open
# (EBADF; isatty False, device_encoding None), never the pipe's (a write
# or a dup2 there ended the run). A gate: the real function serves the
# rest from C. (name, the descriptor's positions, whether the error names
# it as CPython's does for a path given as a descriptor)
_FD_KEYWORDS = ('fd', 'path', 'out_fd', 'in_fd', 'src', 'dst')


def _fd_gates():
    plain = ('fstat fsync fdatasync lseek ftruncate fchmod fchown fchdir fstatvfs fpathconf '
             'ttyname get_inheritable set_inheritable pread preadv pwrite pwritev readv writev '
             'lockf posix_fallocate posix_fadvise get_terminal_size tcgetpgrp tcsetpgrp '
             'login_tty eventfd_read eventfd_write listdir utime truncate scandir')
    named = 'stat chmod chown chdir statvfs getxattr setxattr listxattr removexattr pathconf'
    both = 'sendfile copy_file_range splice'
    quiet = {'isatty': False, 'device_encoding': None}
    table = ([(n, (0,), False) for n in plain.split()] +
             [(n, (0,), True) for n in named.split()] +
             [(n, (0, 1), False) for n in both.split()] +
             [(n, (0,), False) for n in quiet])

    def gate(name, where, filename):
        def check(*args, **kwargs):
            for fd in [args[i] for i in where if i < len(args)] + [
                    v for k, v in kwargs.items() if k in _FD_KEYWORDS]:
                if _is_engine_fd(fd):
                    if name in quiet:
                        return quiet[name]
                    _engine_fd_refused(fd, filename)
            return NotImplemented
        return check

    real_listdir = os.listdir
    fd_dirs = ('/proc/self/fd', '/proc/thread-self/fd', '/dev/fd')

    real_scandir = os.scandir

    def is_fd_dir(args, kwargs):
        path = args[0] if args else kwargs.get('path')
        return isinstance(path, (str, bytes)) and (
            os.path.normpath(os.fsdecode(path)).rstrip('/') in fd_dirs)

    def listdir(*args, **kwargs):
        # the process's descriptors as python3's has them: none of threadsim's
        # (a runner has more than a forked run: the outcome would depend on it)
        if is_fd_dir(args, kwargs):
            return [n for n in real_listdir(*args, **kwargs)
                    if not (n.isdigit() and _engine_fd(int(n)))]
        return gate_listdir(*args, **kwargs)

    class ScandirIterator:
        # os.scandir's iterator over a descriptor folder, threadsim's left out
        __slots__ = ('_it',)

        def __init__(self, it):
            self._it = it

        def __iter__(self):
            return self

        def __next__(self):
            while True:
                e = next(self._it)
                if not (e.name.isdigit() and _engine_fd(int(e.name))):
                    return e

        def close(self):
            self._it.close()

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._it.close()
            return False

    ScandirIterator.__module__ = 'posix'

    def scandir(*args, **kwargs):
        if is_fd_dir(args, kwargs):
            return ScandirIterator(real_scandir(*args, **kwargs))
        return gate_scandir(*args, **kwargs)

    for name, where, filename in table:
        real = getattr(os, name, None)
        if real is not None:
            check = gate(name, where, filename)
            if name == 'listdir':
                gate_listdir, check = check, listdir
            elif name == 'scandir':
                gate_scandir, check = check, scandir
            setattr(os, name, _gate(check, real, name, 'posix', real.__doc__))


_fd_gates()
del _fd_gates


# Descriptors 1 and 2 are threadsim's own standard output and error, which
# are a terminal, a pipe or a file as wherever threadsim itself runs; what
# the program is told about them as terminals is the run's instead, the
# same on every machine: one under --tty (as sys.stdout.isatty() says), of
# 80 columns and 24 lines (shutil's default), named /dev/pts/0; else none
# (ENOTTY, as python3's through a pipe). Until 2026-12-06 os.isatty(1) was
# True where threadsim's output was a terminal, False under --tty through
# a pipe: a program choosing colours by it printed what the host decided.
# Once the program dup2s another descriptor onto 1 or 2, that one answers.
def _std_fd_gates():
    tty = sys.stdout.isatty  # threadsim's stream: the run's --tty

    def ours(fd):
        return type(fd) is int and fd in (1, 2) and _std_fds_own[fd - 1]

    def no_tty():
        raise OSError(_errno.ENOTTY, os.strerror(_errno.ENOTTY))

    def isatty(*args, **kwargs):
        fd = args[0] if args else kwargs.get('fd')
        return tty() if ours(fd) else NotImplemented

    def ttyname(*args, **kwargs):
        fd = args[0] if args else kwargs.get('fd')
        if not ours(fd):
            return NotImplemented
        return '/dev/pts/0' if tty() else no_tty()

    def get_terminal_size(*args, **kwargs):
        fd = args[0] if args else kwargs.get('fd', 1)
        if not ours(fd) or len(args) + len(kwargs) > 1:
            return NotImplemented
        return os.terminal_size((80, 24)) if tty() else no_tty()

    def fstat(*args, **kwargs):
        # what python3 finds on a terminal (--tty) or a pipe: never the
        # host's own output (its inode, its times, a file's size), made at
        # the virtual clock's start (MODEL_EPOCH_UNIX, model/core.h)
        fd = args[0] if args else kwargs.get('fd')
        if not ours(fd) or len(args) + len(kwargs) > 1:
            return NotImplemented
        sec = 1704067200
        if tty():
            mode, ino, dev, gid, rdev, blk = 0o20620, 3, 25, 5, (136 << 8), 1024
        else:
            mode, ino, dev, gid, rdev, blk = 0o10600, 1, 14, os.getgid(), 0, 4096
        times = {'st_atime': float(sec), 'st_mtime': float(sec), 'st_ctime': float(sec),
                 'st_atime_ns': sec * 10**9, 'st_mtime_ns': sec * 10**9,
                 'st_ctime_ns': sec * 10**9, 'st_blksize': blk, 'st_blocks': 0,
                 'st_rdev': rdev}
        return os.stat_result((mode, ino, dev, 1, os.getuid(), gid, 0, sec, sec, sec), times)

    def stat(*args, **kwargs):
        # os.stat(1): a descriptor as the path
        fd = args[0] if args else kwargs.get('path')
        if not ours(fd) or len(args) + len(kwargs) > 1:
            return NotImplemented
        return fstat(fd)

    for check in (isatty, ttyname, get_terminal_size, fstat, stat):
        real = getattr(os, check.__name__)
        setattr(os, check.__name__, _gate(check, real, check.__name__, 'posix', real.__doc__))


_std_fd_gates()
del _std_fd_gates


def _fileno(obj):
    if not isinstance(obj, int) and not hasattr(obj, 'fileno'):
        raise TypeError("argument must be an int, or have a fileno() method.")
    fd = obj if isinstance(obj, int) else obj.fileno()
    if not isinstance(fd, int):
        raise TypeError("fileno() returned a non-integer")
    if fd < 0:
        raise ValueError("file descriptor cannot be a negative integer (%d)" % fd)
    return fd


def _pipes_only(fds, what):
    for fd in fds:
        if fd not in _pipe_blocking:
            raise PermissionError("threadsim: %s would escape the virtual clock; it is only "
                                  "available over pipes the program made" % what)


def _pipe_wait(ready, timeout, nfds):
    """Wait until ready() is true (under the Condition) or timeout seconds
    pass on the virtual clock (None: no end); ready()'s last value. A wait
    that ends with nothing ready lets one more microsecond pass, as the
    system call takes time: a loop that polls until a deadline on the clock
    (multiprocessing.connection.wait does, even for a timeout of 0) ends
    here as under CPython, where computing costs no virtual time."""
    import time
    if not nfds and timeout == 0:
        return ready()  # nothing to wait for (selectors tries poll(0) at its import)
    cv = _pipe_cond()
    end = None if timeout is None else time.monotonic() + timeout
    with cv:
        while True:
            r = ready()
            if r:
                return r
            if end is not None and end - time.monotonic() <= 0:
                if nfds:
                    cv.wait(1e-6)
                return ready()
            cv.wait(None if end is None else end - time.monotonic())


def _always_ready(fd):
    import stat
    try:
        m = os.fstat(fd).st_mode
        return stat.S_ISREG(m) or (stat.S_ISCHR(m) and not os.isatty(fd))
    except OSError:
        return False


def select_(rlist, wlist, xlist, timeout=None, /):
    # select.select's argument checks, in its order
    if timeout is not None:
        if not isinstance(timeout, (int, float)) and not hasattr(type(timeout), '__index__'):
            raise TypeError("timeout must be a float or None")
        if isinstance(timeout, float) and timeout != timeout:
            raise ValueError("Invalid value NaN (not a number)")
        if timeout < 0:
            raise ValueError("timeout must be non-negative")
    try:
        rl, wl, xl = list(rlist), list(wlist), list(xlist)
    except TypeError:
        raise TypeError("arguments 1-3 must be sequences") from None
    fds = [_fileno(o) for o in rl + wl + xl]
    # (a regular file or a device other than a terminal, /dev/null, is
    # always ready: standard input redirected from a file, say)
    _pipes_only([fd for fd in fds if not _always_ready(fd)], 'select.select')

    def ready():
        if not _pipe_socket_ends:
            r = _real_select(rl, wl, xl, 0)
            return r if r[0] or r[1] or r[2] else None
        # a socketpair end: writable is its write pipe's, readable also
        # what MSG_PEEK kept
        wl2 = [_pipe_socket_w.get(fd, o) for o, fd in zip(wl, (_fileno(o) for o in wl))]
        r, w, x = _real_select(rl, wl2, xl, 0)
        r = [o for o in rl if o in r or _pipe_socket_peeked.get(_fileno(o))]
        w = [o for o, o2 in zip(wl, wl2) if o2 in w or (
            _fileno(o) in _pipe_socket_ends and _fileno(o) not in _pipe_socket_w)]
        return (r, w, x) if r or w or x else None
    return _pipe_wait(ready, timeout, len(fds)) or ([], [], [])


class _Poll:
    """select.poll over pipes the program made (threadsim)."""

    _what = 'select.poll'

    def __init__(self):
        self._fds = {}

    def register(self, fd, eventmask=select.POLLIN | select.POLLPRI | select.POLLOUT, /):
        self._fds[_fileno(fd)] = eventmask

    def modify(self, fd, eventmask, /):
        fd = _fileno(fd)
        if fd not in self._fds:
            raise FileNotFoundError(2, 'No such file or directory')
        self._fds[fd] = eventmask

    def unregister(self, fd, /):
        del self._fds[_fileno(fd)]

    def poll(self, timeout=None, /):
        if timeout is not None:
            if not isinstance(timeout, (int, float)) and not hasattr(type(timeout), '__index__'):
                raise TypeError("timeout must be an integer or None")
            if isinstance(timeout, float) and timeout != timeout:
                raise ValueError("Invalid value NaN (not a number)")
        _pipes_only(self._fds, self._what)
        if timeout is not None:
            timeout = None if timeout < 0 else timeout / 1000

        def ready():
            p = _real_poll()
            if not _pipe_socket_ends:
                for fd, mask in self._fds.items():
                    p.register(fd, mask)
                return p.poll(0)
            # a socketpair end: POLLOUT is its write pipe's, POLLIN also
            # what MSG_PEEK kept; the events in registration order
            back = {}
            for fd, mask in self._fds.items():
                w = _pipe_socket_w.get(fd)
                if w is not None and mask & select.POLLOUT:
                    p.register(w, select.POLLOUT)
                    back[w] = fd
                    mask &= ~select.POLLOUT
                p.register(fd, mask)
            ev = {}
            for fd, e in p.poll(0):
                fd = back.get(fd, fd)
                ev[fd] = ev.get(fd, 0) | e
            for fd, mask in self._fds.items():
                if mask & select.POLLIN and _pipe_socket_peeked.get(fd):
                    ev[fd] = ev.get(fd, 0) | select.POLLIN
                if fd in _pipe_socket_ends and fd not in _pipe_socket_w and mask & select.POLLOUT:
                    ev[fd] = ev.get(fd, 0) | select.POLLOUT  # shut for writing: fails at once
                if fd in _pipe_socket_ends and ev.get(fd, 0) & select.POLLHUP:
                    # a socket's end of file is readable, not a hang-up
                    ev[fd] = (ev[fd] & ~select.POLLHUP) | (mask & select.POLLIN)
                    if not ev[fd]:
                        del ev[fd]
            return [(fd, ev[fd]) for fd in self._fds if fd in ev]
        return _pipe_wait(ready, timeout, len(self._fds))


_Poll.__name__ = _Poll.__qualname__ = 'poll'
_Poll.__module__ = 'select'
select_.__name__ = select_.__qualname__ = 'select'
select_.__code__ = select_.__code__.replace(co_name='select', co_qualname='select.select')  # the trace's reason
select.select, select.poll = select_, _Poll


class _Epoll(_Poll):
    """select.epoll over pipes the program made (threadsim): what
    selectors.DefaultSelector, and so asyncio's event loop, use."""

    _what = 'select.epoll'

    def __init__(self, sizehint=-1, flags=0):
        super().__init__()
        self._closed = False

    def register(self, fd, eventmask=select.EPOLLIN | select.EPOLLPRI | select.EPOLLOUT):
        self._check()
        fd = _fileno(fd)
        if fd in self._fds:
            raise FileExistsError(17, 'File exists')
        self._fds[fd] = eventmask

    def modify(self, fd, eventmask):
        self._check()
        super().modify(fd, eventmask)

    def unregister(self, fd):
        self._check()
        fd = _fileno(fd)
        if fd not in self._fds:
            raise FileNotFoundError(2, 'No such file or directory')
        del self._fds[fd]

    def poll(self, timeout=None, maxevents=-1):
        self._check()
        if timeout is not None and timeout < 0:
            timeout = None
        r = super().poll(None if timeout is None else timeout * 1000)
        return r if maxevents is None or maxevents < 0 else r[:maxevents]

    def _check(self):
        if self._closed:
            raise ValueError("I/O operation on closed epoll object")

    def close(self):
        self._closed = True

    @property
    def closed(self):
        return self._closed

    def fileno(self):
        self._check()
        return -1

    def __enter__(self):
        self._check()
        return self

    def __exit__(self, *args):
        self.close()


_Epoll.__name__ = _Epoll.__qualname__ = 'epoll'
_Epoll.__module__ = 'select'
select.epoll = _Epoll


# A _PipeSocket's number (its read end) -> its write end: what
# signal.set_wakeup_fd(sock.fileno()) writes to, as a real socket's one
# descriptor sends to its peer (asyncio's loop.add_signal_handler).
_pipe_socket_w = {}


class _PipeSocket:
    """One end of socket.socketpair() between the program's threads: two
    of its pipes, one each way (threadsim: a real socket would escape the
    virtual clock). What asyncio's event loop wakes itself with. Timeouts
    wait on the virtual clock; shutdown(SHUT_WR) is the peer's end of
    file; MSG_PEEK keeps what it read for the next recv (select and poll
    count it as readable)."""

    def __init__(self, family, type, proto, rfd, wfd):
        self.family, self.type, self.proto = family, type, proto
        self._r, self._w = rfd, wfd
        self._timeout = None
        self._rd_shut = False
        self._io_refs = 0
        self._closed = False
        _pipe_socket_w[rfd] = wfd
        _pipe_socket_ends.add(rfd)

    def _check(self):
        if self._r < 0:
            raise OSError(9, 'Bad file descriptor')

    def fileno(self):
        return self._r

    def setblocking(self, flag):
        self.settimeout(None if flag else 0.0)

    def getblocking(self):
        return self._timeout != 0.0

    def settimeout(self, value):
        if value is not None:
            if not isinstance(value, float):
                value = _operator.index(value)
            if value != value:
                raise ValueError("Invalid value NaN (not a number)")
            if value < 0:
                raise ValueError("Timeout value out of range")
            value = float(value)
        self._check()
        set_blocking(self._r, value != 0.0)
        if self._w >= 0:
            set_blocking(self._w, value != 0.0)
        self._timeout = value

    def gettimeout(self):
        return self._timeout

    def _readable(self):
        return bool(_pipe_socket_peeked.get(self._r)) or bool(_real_select([self._r], [], [], 0)[0])

    def recv(self, bufsize, flags=0, /):
        self._check()
        bufsize = _operator.index(bufsize)
        if bufsize < 0:
            raise ValueError("negative buffersize in recv")
        if self._rd_shut:
            return b''
        if self._timeout and not _pipe_wait(self._readable, self._timeout, 1):
            raise TimeoutError('timed out')
        if (flags & _socket.MSG_DONTWAIT) and not self._readable():
            raise BlockingIOError(11, 'Resource temporarily unavailable')
        kept = _pipe_socket_peeked.pop(self._r, b'')
        if not kept:
            kept = read(self._r, bufsize)
        elif len(kept) < bufsize and _real_select([self._r], [], [], 0)[0]:
            kept += read(self._r, bufsize - len(kept))  # what came since, as one stream
        data, rest = kept[:bufsize], kept[bufsize:]
        if flags & _socket.MSG_PEEK:
            rest = kept
        if rest:
            _pipe_socket_peeked[self._r] = rest
        return data

    def recv_into(self, buffer, nbytes=0, flags=0, /):
        view = memoryview(buffer).cast('B')
        data = self.recv(nbytes or len(view), flags)
        view[:len(data)] = data
        return len(data)

    def send(self, data, flags=0, /):
        self._check()
        if self._w < 0:
            raise BrokenPipeError(32, 'Broken pipe')
        return write(self._w, data)

    def sendall(self, data, flags=0, /):
        view, done = memoryview(data).cast('B'), 0
        while done < len(view):
            done += self.send(view[done:])

    def getsockname(self):
        self._check()
        return ''

    def getpeername(self):
        self._check()
        return ''

    def _decref_socketios(self):
        # (socket.makefile's files: the socket closes with the last of them)
        if self._io_refs > 0:
            self._io_refs -= 1
        if self._closed:
            self.close()

    def close(self):
        self._closed = True
        if self._io_refs > 0:
            return
        if _pipe_socket_w.get(self._r) == self._w:
            del _pipe_socket_w[self._r]
        _pipe_socket_peeked.pop(self._r, None)
        _pipe_socket_ends.discard(self._r)
        for fd in (self._r, self._w):
            if fd >= 0:
                close(fd)
        self._r = self._w = -1

    def shutdown(self, how, /):
        how = _operator.index(how)
        self._check()
        if how not in (_socket.SHUT_RD, _socket.SHUT_WR, _socket.SHUT_RDWR):
            raise OSError(22, 'Invalid argument')
        if how != _socket.SHUT_WR:
            self._rd_shut = True
        if how != _socket.SHUT_RD and self._w >= 0:
            # the peer reads to the end of file
            close(self._w)
            self._w = -2
            _pipe_socket_w.pop(self._r, None)

    def __enter__(self):
        return self

    def __exit__(self, *args):
        self.close()

    def __repr__(self):
        return '<socket.socket fd=%d, family=%d, type=%d, proto=%d>' % (
            self._r, self.family, self.type, self.proto)


_pipe_socket_peeked = {}  # a socketpair end's read descriptor -> what MSG_PEEK read
_pipe_socket_ends = set()  # the read descriptors of the socketpair ends open


def _socketpair_refusal(family, type, proto):
    """The errno the kernel's socketpair(2) gives for these arguments, or 0
    (Linux: the flags, then the family, then the protocol and type)."""
    import errno
    if type & ~(0xf | _socket.SOCK_CLOEXEC | _socket.SOCK_NONBLOCK):
        return errno.EINVAL
    if family in (_socket.AF_INET, _socket.AF_INET6):
        return errno.EOPNOTSUPP if proto in (0, 6, 17) else errno.EPROTONOSUPPORT
    if family != _socket.AF_UNIX:
        return errno.EAFNOSUPPORT
    if proto not in (0, 1):
        return errno.EPROTONOSUPPORT
    return 0 if type & 0xf in (1, 2, 3, 5) else errno.ESOCKTNOSUPPORT


def _tuple_int(v):
    """PyArg_ParseTuple's "i" (not the argument clinic's, _c_int below): an
    index that fits a C int, with its errors."""
    v = _operator.index(v)
    if v > 0x7fffffff:
        raise OverflowError("signed integer is greater than maximum")
    if v < -0x80000000:
        raise OverflowError("signed integer is less than minimum")
    return v


def socketpair(family=None, type=_socket.SOCK_STREAM, proto=0):
    """A pair of connected sockets between the program's threads (threadsim: pipes)."""
    family = _socket.AF_UNIX if family is None else family
    refused = _socketpair_refusal(_tuple_int(family), _tuple_int(type), _tuple_int(proto))
    if refused:
        raise OSError(refused, os.strerror(refused))
    a_r, b_w = pipe()
    b_r, a_w = pipe()
    return (_PipeSocket(family, type, proto, a_r, a_w),
            _PipeSocket(family, type, proto, b_r, b_w))


def _patch_socket(module):
    module.socketpair = socketpair
    # the socket module's: enum family and type, and its file objects
    _PipeSocket.family = property(lambda s: module._intenum_converter(s._family,
                                                                      module.AddressFamily),
                                  lambda s, v: setattr(s, '_family', v))
    _PipeSocket.type = property(lambda s: module._intenum_converter(s._type, module.SocketKind),
                                lambda s, v: setattr(s, '_type', v))
    _PipeSocket.makefile = module.socket.makefile


# uuid1() asks libuuid, which reads the host's clock and network card: its
# Python path instead, on the virtual clock, with a clock sequence from the
# program's random module and a node of the simulated machine (a random-
# style node: multicast bit set).
def _patch_uuid(module):
    module._generate_time_safe = None
    module._node = 0x034242424242


# getrusage's CPU times are the host's: the virtual CPU time instead (as
# time.process_time), and nothing else measured (the host's memory and
# counters differ from run to run).
def _patch_resource(module):
    real = module.getrusage

    def getrusage(who, /):
        real(who)  # its errors for a bad `who`
        import time
        cpu = time.process_time() if who in (module.RUSAGE_SELF, getattr(module, 'RUSAGE_THREAD', -9)) else 0.0
        return module.struct_rusage((cpu, 0.0) + (0,) * 14)
    getrusage.__doc__, getrusage.__module__ = real.__doc__, module.__name__
    module.getrusage = getrusage


# An mmap is memory no allocator sees (mmap.mmap(-1, 1 << 33) then touched
# held 8 GiB under --max-memory 256M): each mapping counts toward the limit
# from its making (its length, anonymous or not) to its close or its end;
# past the limit the mapping is refused as the kernel refuses one,
# OSError(ENOMEM). A subclass named as the C type is, for its repr.
def _patch_mmap(module, charge=_charge):
    import weakref
    real = module.mmap
    charged = {}  # id of a mapping not closed -> (bytes, weakref whose end releases them)

    def release(key):
        n = charged.pop(key, (0, None))[0]
        if n:
            charge(-n)

    def nomem():
        return OSError(12, 'Cannot allocate memory')

    class mmap(real):
        __slots__ = ()

        def __new__(cls, *args, **kwargs):
            m = real.__new__(cls, *args, **kwargs)
            n = len(m)
            if n:
                if not charge(n):
                    real.close(m)
                    raise nomem()
                key = id(m)
                charged[key] = (n, weakref.ref(m, lambda _r, key=key: release(key)))
            return m

        def close(self):
            real.close(self)
            release(id(self))

        def resize(self, newsize):
            key = id(self)
            n, ref = charged.get(key, (0, None))
            if newsize > n and not charge(newsize - n):
                raise nomem()
            try:
                real.resize(self, newsize)
            except BaseException:
                if newsize > n:
                    charge(n - newsize)
                raise
            if newsize < n:
                charge(newsize - n)
            if ref is None:
                ref = weakref.ref(self, lambda _r, key=key: release(key))
            charged[key] = (newsize, ref)

        def __exit__(self, *exc):
            self.close()

    for f in (mmap.close, mmap.resize, mmap.__exit__):
        f.__doc__ = getattr(real, f.__name__).__doc__
    mmap.__doc__ = real.__doc__
    mmap.__module__, mmap.__qualname__, mmap.__name__ = 'mmap', 'mmap', 'mmap.mmap'
    module.mmap = mmap


def _patch_traceback(module):
    """The program's own tracebacks and stacks (traceback.print_exc,
    format_exc, extract_stack, logging's exc_info) leave out the frames of
    threadsim's own code ("<threadsim>": its replacements of C functions and
    methods, Random.seed, a socketpair's recv), as the uncaught printer
    does: python3's C functions have none."""
    walk_full, walk_tb_, walk_stack_ = (module._walk_tb_with_full_positions, module.walk_tb,
                                        module.walk_stack)

    def shown(frames):
        for f, pos in frames:
            if not f.f_code.co_filename.startswith('<threadsim'):
                yield f, pos

    def _walk_tb_with_full_positions(tb):
        return shown(walk_full(tb))

    def walk_tb(tb):
        return shown(walk_tb_(tb))

    def walk_stack(f):
        # a generator, as traceback.py's: its reach for the current stack
        # counts from where its first item is asked for, at the same depth
        if f is None:
            f = sys._getframe().f_back.f_back.f_back.f_back
        yield from shown(walk_stack_(f))

    for f in (walk_tb, walk_stack):
        f.__doc__ = getattr(module, f.__name__).__doc__
    module._walk_tb_with_full_positions = _walk_tb_with_full_positions
    module.walk_tb, module.walk_stack = walk_tb, walk_stack


class _ThreadsimPatched:
    """Patches a module as it is imported (importing it here would cost
    every run's start-up its import): socket.socketpair, uuid1's clock and
    node, resource.getrusage's times, mmap's mappings, traceback's frames
    and SQLite's memory on the memory limit."""

    patches = {'socket': _patch_socket, 'uuid': _patch_uuid, 'resource': _patch_resource,
               'mmap': _patch_mmap, 'traceback': _patch_traceback}
    # set up before the module runs: SQLite's memory from the run's region,
    # on its limit (cpy_run.c), before _sqlite3's first connection
    before = {'_sqlite3': _sqlite_memory}

    def find_spec(self, name, path=None, target=None):
        patch, first = self.patches.get(name), self.before.get(name)
        if patch is None and first is None:
            return None
        import _frozen_importlib_external
        spec = _frozen_importlib_external.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            run = spec.loader.exec_module

            def exec_module(module):
                if first is not None:
                    first()
                run(module)
                if patch is not None:
                    patch(module)
            spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, _ThreadsimPatched())

# --- multiprocessing's semaphores, on the model -------------------------------------
# _multiprocessing.SemLock is a POSIX named semaphore: between the program's
# threads (multiprocessing.Lock, the SimpleQueue a ThreadPool keeps) a wait
# on it would block the one OS thread, and --sandbox refuses its /dev/shm
# file. This one keeps C's semantics (a recursive mutex counts its owner's
# acquires; a release past maxvalue is a ValueError) on a model Condition.
import _multiprocessing


class SemLock:
    """_multiprocessing.SemLock on the simulator's primitives (threadsim)."""

    SEM_VALUE_MAX = _multiprocessing.SemLock.SEM_VALUE_MAX
    _handles = [0]

    def __init__(self, kind, value, maxvalue, name, unlink):
        kind, value, maxvalue = _c_int(kind), _c_int(value), _c_int(maxvalue)
        if kind not in (0, 1):
            raise ValueError("unrecognized kind")
        if value < 0 or value > self.SEM_VALUE_MAX:
            # sem_open(3)'s (the value is unsigned there)
            raise OSError(22, os.strerror(22))
        self.kind, self.maxvalue = kind, maxvalue
        self.name = None if unlink else name
        type(self)._handles[0] += 1
        self.handle = type(self)._handles[0]
        self._value, self._n, self._last, self._cv = value, 0, None, None

    def _cond(self):
        if self._cv is None:
            self._cv = threading.Condition(threading.Lock())
        return self._cv

    def _is_mine(self):
        return self._n > 0 and self._last == _thread.get_ident()

    def acquire(self, block=True, timeout=None):
        if self.kind == 0 and self._is_mine():
            self._n += 1
            return True
        if timeout is not None:
            timeout = max(float(timeout), 0.0)
        cv = self._cond()
        with cv:
            if self._value == 0:
                if not block or not cv.wait_for(lambda: self._value > 0, timeout):
                    return False
            self._value -= 1
        self._n += 1
        self._last = _thread.get_ident()
        return True

    def release(self):
        if self.kind == 0:
            if not self._is_mine():
                raise AssertionError("attempt to release recursive lock not owned by thread")
            if self._n > 1:
                self._n -= 1
                return None
        elif self._value >= self.maxvalue:
            raise ValueError("semaphore or lock released too many times")
        cv = self._cond()
        with cv:
            self._value += 1
            cv.notify()
        self._n -= 1
        return None

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *args):
        return self.release()

    def _count(self):
        return self._n

    def _get_value(self):
        return self._value

    def _is_zero(self):
        return self._value == 0

    def _after_fork(self):
        self._n = 0

    @classmethod
    def _rebuild(cls, handle, kind, maxvalue, name):
        raise PermissionError("threadsim: a semaphore of another process would escape the "
                              "virtual clock; it is not available in a simulated run")


SemLock.__module__ = '_multiprocessing'
_multiprocessing.SemLock = SemLock
del SemLock

# --- SIGINT raises KeyboardInterrupt, as in python (the interpreter was told
# not to install its handlers; _thread.interrupt_main() follows this one) ---
import signal


# --- Python signal handlers run in the main thread, as in CPython ------------
# CPython runs them only in the main thread, at its next instruction (a
# blocked main is woken: the signal interrupts its system call). Here every
# green thread is the one OS thread CPython calls main, so a handler is
# registered wrapped: run in main, it calls the program's; run in another
# thread, it hands the signal to main (_thread._threadsim_signal_main, the
# path of interrupt_main). signal.signal refuses other threads as CPython
# does; getsignal and signal's return give the program's own handler.
def _signal_handlers(signal):
    import _thread
    import _signal
    # signal.py's signal, getsignal, pthread_sigmask, sigpending and sigwait
    # are Python functions that call _signal's: those C functions are
    # replaced (by gates, below), so a traceback shows signal.py's frame and
    # nothing of threadsim's, as CPython's does
    real_signal, real_getsignal = _signal.signal, _signal.getsignal
    to_main = _thread._threadsim_signal_main
    set_vsig, pause_ = _thread._threadsim_vsig, _thread._threadsim_pause
    fh_displace = _thread._threadsim_fh_displace
    get_ident = _thread.get_ident
    main_ident = get_ident()  # (the main thread's, outside a run as in it)
    mine = {}  # signal number -> (wrapper, the program's handler)
    # The interval timers' signals are the program's own, kept here and in
    # _thread (cpy_thread.c, "signals on the virtual clock"): the host's
    # SIGALRM is the watchdog's, and no host timer may reach the program.
    virtual = {int(signal.SIGALRM), int(signal.SIGVTALRM), int(signal.SIGPROF)}
    vhandler = {}  # signal number -> the program's handler (absent: SIG_DFL)
    Handlers = signal.Handlers

    def own(sig, h):
        w = mine.get(sig)
        return w[1] if w and h is w[0] else h

    def kind(handler):
        if handler == Handlers.SIG_IGN:
            return 1
        if handler == Handlers.SIG_DFL:
            return 0
        if callable(handler):
            return 2
        raise TypeError('signal handler must be signal.SIG_IGN, signal.SIG_DFL, '
                        'or a callable object')

    def signal_(signalnum, handler, /):
        if get_ident() != main_ident:
            raise ValueError('signal only works in main thread of the main interpreter')
        if isinstance(signalnum, int) and 0 < signalnum < signal.NSIG:
            fh_displace(int(signalnum))  # a faulthandler.register'ed dump is replaced
        if isinstance(signalnum, int) and int(signalnum) in virtual:
            sig = int(signalnum)
            k = kind(handler)
            prev = vhandler.pop(sig, Handlers.SIG_DFL)
            if k == 2:
                vhandler[sig] = handler
            elif k == 1:
                vhandler[sig] = Handlers.SIG_IGN
            set_vsig(sig, k)
            return prev
        if callable(handler):
            def route(signum, frame):
                if get_ident() == main_ident:
                    return NotImplemented  # the gate calls the handler, from C
                to_main(signum)
            # a gate: the handler's caller is the interrupted frame, as in
            # CPython (no frame of threadsim's in its stack)
            wrapper = _gate(route, handler, 'handler', '_signal', None)
            old = real_signal(signalnum, wrapper)
            prev = own(signalnum, old)
            mine[int(signalnum)] = (wrapper, handler)
        else:
            old = real_signal(signalnum, handler)
            prev = own(signalnum, old)
            mine.pop(int(signalnum), None)
        return prev

    def getsignal(signalnum, /):
        if isinstance(signalnum, int) and int(signalnum) in virtual:
            return vhandler.get(int(signalnum), Handlers.SIG_DFL)
        return own(int(signalnum), real_getsignal(signalnum))

    # --- the program signalling itself -------------------------------------
    # raise_signal, os.kill and os.killpg of its own process, pthread_kill,
    # os.abort: a signal whose disposition is SIG_DFL and whose default
    # action ends a process ends the run as it would (status 128 + signal,
    # what a shell reports; the host's process is never killed, which
    # threadsim would report as its own crash); a stop signal does nothing
    # (nothing would continue the process); the timers' signals go to their
    # virtual dispositions; every other case is the real signal, whose
    # Python handler runs as CPython's does.
    real_raise = signal.raise_signal
    nsig = signal.NSIG
    deliver, kill_self = _thread._threadsim_raise, _thread._threadsim_kill_self
    raise_rest = _thread._threadsim_raise_signal  # what raise_signal's check leaves, in C

    def to_self(sig):
        # the check of a gate (raise_signal, os.kill, os.killpg) whose C
        # part is raise_rest: None when the signal was taken here, else
        # NotImplemented and the C part raises it (CPython's errors too),
        # or delivers a timer's virtual one, with no frame of threadsim's
        # under the handler
        sig = int(sig) if isinstance(sig, int) else sig
        if not isinstance(sig, int) or not 0 < sig < nsig or sig in virtual:
            return NotImplemented
        if kill_self(sig):
            return None
        return NotImplemented

    def _thread_kind(sig):
        h = vhandler.get(sig, Handlers.SIG_DFL)
        return kind(h)

    def raise_signal(signalnum, /):
        return to_self(signalnum)

    # --- interval timers on the virtual clocks -----------------------------
    ItimerError = signal.ItimerError
    timers = {int(signal.ITIMER_REAL), int(signal.ITIMER_VIRTUAL), int(signal.ITIMER_PROF)}
    setit = _thread._threadsim_setitimer
    too_large_float, too_large_int = _thread._threadsim_overflow  # this libpython's words

    def us_of(obj):
        # seconds to whole microseconds, rounded up: CPython's
        # _PyTime_FromSecondsObject and _PyTime_AsTimeval, ROUND_CEILING
        if isinstance(obj, float):
            if obj != obj:
                raise ValueError('Invalid value NaN (not a number)')
            d = obj * 1e9
            if not -9223372036854775808.0 <= d < 9223372036854775808.0:
                raise OverflowError(too_large_float)
            ns = int(d) if d == int(d) else int(d) + (d > 0)
        else:
            ns = _index(obj) * 1000000000
            if not -2**63 <= ns < 2**63:
                raise OverflowError(too_large_int)
        return -(-ns // 1000)

    def seconds_of(ns):
        us = ns // 1000  # the kernel's timeval: whole microseconds
        return us // 1000000 + (us % 1000000) / 1000000.0

    def setitimer(which, seconds, interval=0.0, /):
        which = _c_int(which)
        value, every = us_of(seconds), us_of(interval)
        if which not in timers or value < 0 or every < 0:
            raise ItimerError(22, 'Invalid argument')
        ov, oi = setit(which, value * 1000, every * 1000)
        return seconds_of(ov), seconds_of(oi)

    def getitimer(which, /):
        which = _c_int(which)
        if which not in timers:
            raise ItimerError(22, 'Invalid argument')
        ov, oi = setit(which)
        return seconds_of(ov), seconds_of(oi)

    def alarm(seconds, /):
        seconds = _c_int(seconds) & 0xFFFFFFFF  # alarm() takes an unsigned int
        ov, _ = setit(0, seconds * 1000000000, 0)
        us = ov // 1000
        sec, usec = divmod(us, 1000000)
        # glibc's alarm(): the old timer's seconds, rounded to nearest, and
        # at least 1 while one was armed
        return sec + ((sec == 0 and usec != 0) or usec >= 500000)

    def pause():
        return pause_()

    def siginterrupt(signalnum, flag, /):
        if isinstance(signalnum, int) and int(signalnum) in virtual:
            _c_int(flag)
            return None
        return real_siginterrupt(signalnum, flag)

    # --- blocking and waiting for signals ------------------------------------
    # pthread_sigmask is kept by the engine for every signal (cpy_thread.c:
    # blocked ones the program sends itself or a timer raises are pending,
    # unblocking delivers them) and never reaches the host's mask (the
    # engine's; its SIGALRM is the watchdog's); sigwait, sigwaitinfo and
    # sigtimedwait wait for them on the virtual clock; sigpending reports
    # them. One mask for the process: a thread's is every thread's.
    vmask, vpending, vsigwait = (_thread._threadsim_vmask, _thread._threadsim_vpending,
                                 _thread._threadsim_vsigwait)
    real_sigmask, real_sigpending = _signal.pthread_sigmask, _signal.sigpending
    real_sigwait, real_sigwaitinfo = _signal.sigwait, signal.sigwaitinfo
    real_sigtimedwait = signal.sigtimedwait
    Signals = signal.Signals
    import os as _os

    def bits_of(sigset):
        bits = 0
        for s in sigset:
            s = _index(s)
            if not 0 < s < nsig:
                raise ValueError('signal number %d out of range [1; %d]' % (s, nsig - 1))
            bits |= 1 << (s - 1)
        return bits

    def as_signals(bits):  # (ints, as _signal's; signal.py makes them Signals)
        return {i + 1 for i in range(64) if bits >> i & 1}

    hows = {signal.SIG_BLOCK: 0, signal.SIG_UNBLOCK: 1, signal.SIG_SETMASK: 2}

    def pthread_sigmask(how, mask, /):
        how = _c_int(how)
        bits = bits_of(mask)
        if how not in hows:
            raise OSError(22, 'Invalid argument')
        return as_signals(vmask(hows[how], bits))

    def sigpending():
        return real_sigpending() | as_signals(vpending())

    def info(sig):
        if sig in virtual:
            # what the kernel gives for a timer's signal: SI_KERNEL, from no process
            return signal.struct_siginfo((sig, 0x80, 0, 0, 0, 0, 0))
        # one the program sent itself (kill, raise): SI_USER from its own pid
        return signal.struct_siginfo((sig, 0, 0, _os.getpid(), _os.getuid(), 0, 0))

    def sigwait(sigset, /):
        return vsigwait(bits_of(sigset), -1)

    def sigwaitinfo(sigset, /):
        return info(vsigwait(bits_of(sigset), -1))

    def sigtimedwait(sigset, timeout, /):
        t = float(timeout) if not isinstance(timeout, (int, float)) else timeout
        if t < 0:
            raise ValueError('timeout must be non-negative')
        bits = bits_of(sigset)
        ns = int(t * 1e9) if isinstance(t, float) else t * 1000000000
        sig = vsigwait(bits, ns)
        return info(sig) if sig else None

    real_siginterrupt = signal.siginterrupt
    real_wakeup = _signal.set_wakeup_fd

    def set_wakeup_fd(*args, **kwargs):
        # CPython reads the arguments, then refuses a thread other than main
        # (every green thread is the main OS thread to CPython's own check)
        if get_ident() == main_ident:
            if args and _is_engine_fd(args[0]):
                _engine_fd_refused(args[0])  # (it would write there at every signal)
            # a socketpair's end: CPython writes the byte to its write end
            # (a pipe's), and the number given back is the socket's again
            w = _pipe_socket_w.get(args[0]) if args and type(args[0]) is int else None
            old = real_wakeup(w, *args[1:], **kwargs) if w is not None else real_wakeup(*args, **kwargs)
            for r, pw in _pipe_socket_w.items():
                if pw == old:
                    return r
            return old
        for k in kwargs:
            if k != 'warn_on_full_buffer':
                raise TypeError(f"'{k}' is an invalid keyword argument for set_wakeup_fd()")
        if len(args) != 1:
            raise TypeError('set_wakeup_fd() takes %s 1 positional argument (%d given)'
                            % ('exactly' if not args else 'at most', len(args)))
        fd = _index(args[0])
        if not -2**31 <= fd < 2**31:
            raise OverflowError('signed integer is %s' % ('greater than maximum' if fd > 0
                                                         else 'less than minimum'))
        bool(kwargs.get('warn_on_full_buffer', True))
        raise ValueError('set_wakeup_fd only works in main thread of the main interpreter')
    # each replaces a C function of _signal's by a gate (a C function, no
    # frame of threadsim's in its errors' tracebacks): those signal.py wraps
    # in _signal itself, the others where the program finds them, in signal
    for f, real, where in ((signal_, real_signal, _signal), (getsignal, real_getsignal, _signal),
                           (pthread_sigmask, real_sigmask, _signal),
                           (sigpending, real_sigpending, _signal),
                           (sigwait, real_sigwait, _signal),
                           (raise_signal, signal.raise_signal, signal),
                           (setitimer, signal.setitimer, signal),
                           (getitimer, signal.getitimer, signal), (alarm, signal.alarm, signal),
                           (pause, signal.pause, signal),
                           (siginterrupt, signal.siginterrupt, signal),
                           (sigwaitinfo, signal.sigwaitinfo, signal),
                           (sigtimedwait, signal.sigtimedwait, signal),
                           (set_wakeup_fd, real_wakeup, signal)):
        setattr(where, real.__name__, _gate(f, raise_rest if f is raise_signal else None,
                                            real.__name__, '_signal', real.__doc__))
    # os.abort(): SIGABRT, which a handler cannot stop
    return to_self, lambda: deliver(int(signal.SIGABRT), 0)


def _index(obj):
    import operator
    return operator.index(obj)


def _c_int(obj):
    """An argument CPython parses as a C int ("i")."""
    if isinstance(obj, float):
        raise TypeError("'float' object cannot be interpreted as an integer")
    v = _index(obj)
    if not -2**31 <= v < 2**31:
        raise OverflowError('Python int too large to convert to C int')
    return v


_signal_to_self, _abort = _signal_handlers(signal)
# --- faulthandler: dumps in the output, its watchdog on the virtual clock ---
# (cpy_thread.c); enable() notes the wish only: a crash of the engine is
# reported by threadsim itself, and its handlers must stay the engine's
# (a green thread's stack grows through a SIGSEGV)
import faulthandler
import _thread
_thread._threadsim_faulthandler(faulthandler)


def _faulthandler_switches(fh):
    state = [False, None, True]  # enabled, its file, all_threads
    real_enable = fh.enable

    def enable(file=None, all_threads=True):
        import sys
        if file is None:
            file = sys.stderr
            if file is None:
                raise RuntimeError('sys.stderr is None')
        if not isinstance(file, int):
            file.fileno()
        elif file < 0:
            raise ValueError('file is not a valid file descriptor')
        state[:] = [True, file, bool(all_threads)]

    def disable():
        was, state[0] = state[0], False
        return was

    # its crash tests (python3 dies of the signal): the run ends as that
    # process does, 128 + the signal, after the report an enable()d
    # faulthandler writes; never as the engine's failure (they faulted
    # threadsim's process, or raised a signal it does not catch)
    import signal as sg
    crash = __import__('_thread')._threadsim_crash

    def crasher(name, sig, words, fatal=None):
        real = getattr(fh, name, None)
        if real is None:
            return

        def check(*args, **kwargs):
            if args or kwargs:
                return NotImplemented  # the real one's TypeError
            if fatal:
                _fh_report(fatal + '\nPython runtime state: initialized\n\n', None, True)
            if state[0]:
                _fh_report('Fatal Python error: %s\n\n' % words, state[1], state[2])
            crash(sig)
        setattr(fh, name, _gate(check, real, name, 'faulthandler', real.__doc__))

    def _fh_report(head, file, all_threads):
        import sys
        f = sys.stderr if file is None else file
        if isinstance(f, int):
            os.write(f, head.encode())
        else:
            f.write(head)
            f.flush()
        fh.dump_traceback(f, all_threads)

    for name, sig, words, fatal in (
            ('_sigsegv', sg.SIGSEGV, 'Segmentation fault', None),
            ('_read_null', sg.SIGSEGV, 'Segmentation fault', None),
            ('_stack_overflow', sg.SIGSEGV, 'Segmentation fault', None),
            ('_sigfpe', sg.SIGFPE, 'Floating point exception', None),
            ('_sigabrt', sg.SIGABRT, 'Aborted', None),
            ('_fatal_error_c_thread', sg.SIGABRT, 'Aborted',
             'Fatal Python error: faulthandler_fatal_error_thread: in new thread')):
        crasher(name, int(sig), words, fatal)

    def is_enabled():
        return state[0]

    for f, name in ((enable, 'enable'), (disable, 'disable'), (is_enabled, 'is_enabled')):
        real = getattr(fh, name)
        f.__name__ = f.__qualname__ = name
        f.__doc__ = real.__doc__
        f.__module__ = 'faulthandler'
        f.__code__ = f.__code__.replace(co_name=name, co_qualname=name)
        setattr(fh, name, f)
    del real_enable


_faulthandler_switches(faulthandler)
del faulthandler

# sys.setswitchinterval: CPython's (its checks, getswitchinterval's value,
# rounded to microseconds), and the scheduler's preemption after that much
# CPU time (the GIL demonstrations: a spinning thread holds main off longer)
def _switch_interval_gate():
    real = sys.setswitchinterval
    to_sched = __import__('_thread')._threadsim_switch_interval

    def setswitchinterval(interval, /):
        real(interval)
        to_sched(sys.getswitchinterval())
        return None
    sys.setswitchinterval = _gate(setswitchinterval, None, 'setswitchinterval', 'sys',
                                  real.__doc__)


_switch_interval_gate()
del _switch_interval_gate

# --- an uncaught exception's report, as CPython's C printer writes it ---------
# python3 reports an uncaught exception (main's, and a thread's through
# _thread._excepthook) with its C printer (Python/traceback.c), which reads
# each source line itself; threadsim formats with traceback.py from the
# program's source as stored (linecache: a replay shows the same text even
# when the file changed since), which in 3.11 differs from the C printer in
# the source lines: the C printer shows a line with its trailing blanks
# (traceback.py strips them, and its carets then stand that many columns
# left), strips only ' ', '\t' and '\f' in front, shows a line of blanks
# as blank, no line for a file named "<...>", and puts carets under a
# whole line that has trailing blanks. cpy_print_exception calls this
# (registered with _thread._threadsim_tb_format) for the text; traceback.py
# itself stays as it is for the program's own calls (traceback.print_exc()
# prints traceback.py's text in python3 too).
def _tb_format_c(t, v, tb, limit):
    import traceback as _tb
    to_char = _tb._byte_offset_to_character_offset
    anchors_of = _tb._extract_caret_anchors_from_line_segment

    class CStack(_tb.StackSummary):
        def format_frame_summary(self, fs):
            row = ['  File "{}", line {}, in {}\n'.format(fs.filename, fs.lineno, fs.name)]
            fn = fs.filename
            line = fs._original_line if fs.lineno is not None else None
            if not line or (fn.startswith('<') and fn.endswith('>')):
                return row[0]
            src = line[:-1] if line.endswith('\n') else line
            lead = len(src) - len(src.lstrip(' \t\f'))
            row.append('    ' + src[lead:] + '\n')
            if fs.colno is None or fs.end_colno is None or fs.end_lineno is None:
                return ''.join(row)
            start, end = to_char(src, fs.colno), to_char(src, fs.end_colno)
            anchors = None
            if fs.lineno == fs.end_lineno:
                try:
                    anchors = anchors_of(src[start:end])
                except Exception:
                    anchors = None
            else:
                # to the last byte not a blank, counted as the C printer
                # counts it (the line's length in characters, its bytes)
                try:
                    b = src.encode('utf-8')
                except UnicodeError:
                    return ''.join(row)
                i = len(src) - 1
                while i >= 0 and b[i] in b' \t\f':
                    i -= 1
                end = i + 1
            if end - start == len(src) - lead and anchors is None:
                return ''.join(row)
            if anchors is None:
                primary = secondary = '^'
                left = right = -1
            else:
                primary, secondary = anchors.primary_char, anchors.secondary_char
                left, right = start + anchors.left_end_offset, start + anchors.right_start_offset
            marks = []
            for off in range(lead - 4 + 1, end + 1):
                marks.append(' ' if off <= start else
                             secondary if anchors is not None and left < off <= right else primary)
            row.append(''.join(marks) + '\n')
            return ''.join(row)

    class CException(_tb.TracebackException):
        # A group's closing line: the C printer keeps the group's need for
        # one across the chained exceptions its last member prints first
        # (another group among them closes its own); traceback.py's
        # flattened chain lets that inner group's close take the outer's.
        def format(self, *, chain=True, _ctx=None):
            if _ctx is None:
                _ctx = _tb._ExceptionPrintContext()
            parts, exc = [], self
            while exc is not None:
                msg, nxt = None, None
                if chain and exc.__cause__ is not None:
                    msg, nxt = _tb._cause_message, exc.__cause__
                elif chain and exc.__context__ is not None and not exc.__suppress_context__:
                    msg, nxt = _tb._context_message, exc.__context__
                parts.append((msg, exc))
                exc = nxt
            need_close = _ctx.need_close
            for k, (msg, exc) in enumerate(reversed(parts)):
                if msg is not None:
                    yield from _ctx.emit(msg)
                links = exc.__cause__, exc.__context__
                exc.__cause__ = exc.__context__ = None
                try:
                    yield from _tb.TracebackException.format(exc, chain=chain, _ctx=_ctx)
                finally:
                    exc.__cause__, exc.__context__ = links
                if k < len(parts) - 1:
                    _ctx.need_close = need_close

    # every frame first (a limit of None would read sys.tracebacklimit as
    # traceback.py does): threadsim's own frames ("<threadsim>": the
    # bootstrap's replacements of C functions, whose errors python3 shows
    # with no frame of theirs) go, then the innermost `-limit` are kept, as
    # the C printer counts them
    te = _tb.TracebackException(type(v), v, tb, limit=-sys.maxsize, compact=True)
    todo, seen = [te], set()
    while todo:
        x = todo.pop()
        if x is None or id(x) in seen:
            continue
        seen.add(id(x))
        x.__class__ = CException
        x.stack.__class__ = CStack
        kept = [fs for fs in x.stack if not fs.filename.startswith('<threadsim')]
        x.stack[:] = kept[limit:] if limit < 0 else kept[:limit]
        todo.append(x.__cause__)
        todo.append(x.__context__)
        todo.extend(x.exceptions or ())
    return list(te.format(chain=True))


__import__('_thread')._threadsim_tb_format(_tb_format_c)
del _tb_format_c


# (the engine's own functions leave _thread: its names are CPython's)
import _thread
_count_steps = _thread._threadsim_steps  # (kept: _file_locks' tries)
_kill_rest = _thread._threadsim_kill_rest  # (kept: os.kill's C part)
for _ts_name in [n for n in dir(_thread) if n.startswith('_threadsim_')]:
    delattr(_thread, _ts_name)
del _ts_name
signal.signal(signal.SIGINT, signal.default_int_handler)
# python3 ignores these two (a write to a closed pipe, or past the file size
# limit, raises OSError instead of ending the process)
signal.signal(signal.SIGPIPE, signal.SIG_IGN)
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
_NSIG = signal.NSIG
del signal

# --- randomness from the run's seed -----------------------------------------------
import random as _random

_urandom_gen = _random.Random(_seed * 2 + 1)


def _urandom_check(*args, **kwargs):
    """Deterministic bytes from the run's seed (threadsim); a call the real
    function refuses goes to it, for its own error (a gate: no frame of
    threadsim's in the traceback)."""
    if kwargs or len(args) != 1:
        return NotImplemented
    size = _operator.index(args[0])  # (its TypeError for a str, a float)
    if size < 0:
        return NotImplemented
    return _urandom_gen.randbytes(size)


urandom = _gate(_urandom_check, os.urandom, 'urandom', 'posix', os.urandom.__doc__)
os.urandom = urandom
_random._urandom = urandom
_random_seed = _random.Random.seed


def seed(self, a=None, version=2):
    if a is None:
        a = int.from_bytes(urandom(32), 'big')
    _random_seed(self, a, version)


seed.__doc__ = _random_seed.__doc__
_random.Random.seed = seed
_random.seed(_seed)

# --- process ids: fixed, as everything else a run can print ---------------------
# A run's process is a fork, or one process reset between runs (cpy_snap.h):
# the host's ids would differ from run to run and from one way to the other.
# os.getpid() is 4242 and os.getppid() 4241 in every run; os.kill of 4242 is
# the program's own process, as it would be; of 4241, refused (that id is no
# process of the program's, and the real parent is threadsim).
_real_getpid = os.getpid
_real_kill = os.kill
_VPID, _VPPID = 4242, 4241


def _no_args(real):
    """A replacement of the C function `real`, which takes no arguments:
    given some, the C function itself raises its TypeError ("posix.getpid()
    takes no arguments (1 given)"), not Python's wording for a def."""
    def wrap(f):
        def g(*args, **kwargs):
            if args or kwargs:
                return real(*args, **kwargs)
            return f()
        g.__name__ = g.__qualname__ = f.__name__
        g.__doc__ = f.__doc__
        return g
    return wrap


@_no_args(os.getpid)
def getpid():
    """The run's process id: 4242 in every run (threadsim)."""
    return _VPID


@_no_args(os.getppid)
def getppid():
    """The run's parent's process id: 4241 in every run (threadsim)."""
    return _VPPID


def kill(pid, sig, /):
    pid, sig = _c_int(pid), _c_int(sig)
    if pid == _VPPID:
        raise PermissionError(1, "threadsim: the parent process may not be signalled")
    if pid not in (_VPID, 0):
        # the simulated machine runs no other process (kill(-1) spares the
        # caller); a host process is never signalled
        raise ProcessLookupError(3, 'No such process')
    if sig == 0:
        return None
    if not 0 < sig < _NSIG:
        raise OSError(22, 'Invalid argument')
    return _signal_to_self(sig)


def killpg(pgid, sig, /):
    pgid, sig = _c_int(pgid), _c_int(sig)
    if pgid != os.getpgrp() and pgid != 0:
        raise ProcessLookupError(3, 'No such process')
    return kill(_VPID, sig)


def abort():
    _abort()


os.getpid, os.getppid = getpid, getppid
for _f, _real, _rest in ((kill, os.kill, _kill_rest), (killpg, os.killpg, _kill_rest),
                         (abort, os.abort, None)):
    setattr(os, _real.__name__, _gate(
        _f, _rest, _real.__name__, 'posix', _real.__doc__))
del _f, _real, _rest

# --- the machine: its CPUs and its name ------------------------------------
# os.cpu_count() sizes a program's pools (ThreadPoolExecutor() makes
# cpu_count() + 4 workers, multiprocessing.cpu_count() is the same number)
# and os.uname() / socket.gethostname() name the host (platform.node(),
# platform.platform()): the real machine's would make one program's trace
# differ from host to host. The simulated machine has 2 CPUs (the machine
# threadsim's CPython references were recorded on; a pool of 6 workers) and
# is 'threadsim', Linux x86_64, with a kernel release of its own and no
# load; os.times() reports its virtual CPU time, not the host's.
_VCPUS = 2
_real_uname = os.uname


@_no_args(os.cpu_count)
def cpu_count():
    return _VCPUS


def sched_getaffinity(pid, /):
    if pid not in (0, _VPID):
        raise ProcessLookupError(3, 'No such process')
    return set(range(_VCPUS))


@_no_args(os.uname)
def uname():
    return os.uname_result(('Linux', 'threadsim', '6.1.0-threadsim', '#1 SMP threadsim',
                            _real_uname().machine))


@_no_args(os.getloadavg)
def getloadavg():
    return (0.0, 0.0, 0.0)


@_no_args(os.times)
def times():
    # CPU time on the virtual clock (as time.process_time), none for
    # children, `elapsed` the virtual monotonic clock
    import time
    return os.times_result((time.process_time(), 0.0, 0.0, 0.0, time.monotonic()))


@_no_args(_socket.gethostname)
def gethostname():
    return 'threadsim'


import posix
for _f, _mod in ((cpu_count, posix), (sched_getaffinity, posix), (uname, posix),
                 (getloadavg, posix), (times, posix), (gethostname, _socket)):
    _real = getattr(_mod, _f.__name__)
    _f.__doc__, _f.__module__ = _real.__doc__, _mod.__name__  # as the C functions' are
    setattr(_mod, _f.__name__, _f)
    if _mod is posix:
        setattr(os, _f.__name__, _f)
del cpu_count, sched_getaffinity, uname, getloadavg, times, gethostname, _f, _mod, _real

# --- the machine's user: threadsim, uid and gid 1000 -----------------------------
# os.getuid() and pwd.getpwuid(os.getuid()) named the host's account (root
# on one machine, a CI runner's user on another), os.getlogin() the
# terminal's login or an OSError without one. The simulated machine's user
# is threadsim (as LOGNAME and USER in the fixed environment), uid and gid
# 1000, home /nonexistent (HOME); every other account is looked up as it is.
# The process's real ids still decide what it may open.
_VUID, _VUSER = 1000, 'threadsim'
import pwd as _pwd_mod
import grp as _grp_mod
_vpw = _pwd_mod.struct_passwd((_VUSER, 'x', _VUID, _VUID, '', os.environ.get('HOME', '/'),
                               '/bin/sh'))
_vgr = _grp_mod.struct_group((_VUSER, 'x', _VUID, []))


def _vuser(real, value):
    return _gate(lambda: value, None, real.__name__, 'posix', real.__doc__)


def _vlookup(mod, name, match, entry):
    real = getattr(mod, name)

    def check(*args, **kwargs):
        return entry if len(args) == 1 and not kwargs and match(args[0]) else NotImplemented
    setattr(mod, name, _gate(check, real, name, mod.__name__, real.__doc__))


for _n in ('getuid', 'geteuid', 'getgid', 'getegid'):
    setattr(os, _n, _vuser(getattr(os, _n), _VUID))
os.getresuid = _vuser(os.getresuid, (_VUID, _VUID, _VUID))
os.getresgid = _vuser(os.getresgid, (_VUID, _VUID, _VUID))
os.getgroups = _vuser(os.getgroups, [_VUID])
os.getlogin = _vuser(os.getlogin, _VUSER)
_vlookup(_pwd_mod, 'getpwuid', lambda u: isinstance(u, int) and u == _VUID, _vpw)
_vlookup(_pwd_mod, 'getpwnam', lambda n: n == _VUSER, _vpw)
_vlookup(_grp_mod, 'getgrgid', lambda g: isinstance(g, int) and g == _VUID, _vgr)
_vlookup(_grp_mod, 'getgrnam', lambda n: n == _VUSER, _vgr)
del _n, _vuser, _vlookup, _pwd_mod, _grp_mod

# --- threading.local is CPython's own C _thread._local (cpy_thread.c keeps it
# from libpython's _thread): every green thread has its own thread state, whose
# dict holds the thread's values, cleared when the thread ends as CPython's.
import threading

# --- file locks that would block the one OS thread ----------------------------
# flock(LOCK_EX) on a file another thread's open file holds would block the
# OS thread every simulated thread runs on, the holder with it: the run hung
# for good. A blocking flock, lockf or fcntl F_SETLKW tries without blocking
# and, while the lock is taken, waits a millisecond of the virtual clock
# (other threads run meanwhile) and tries again, each try a thousand steps
# toward --max-steps. (POSIX record locks are the
# process's: threads never wait for each other's, as in CPython; they can
# wait for another process's.)
def _file_locks():
    import fcntl
    import errno
    import time
    busy = (errno.EAGAIN, errno.EACCES)
    nb = {fcntl.F_SETLKW: fcntl.F_SETLK}
    steps = _count_steps

    def retry(call, *args):
        # each try counts as a thousand lines toward --max-steps: a lock no
        # one releases (the thread's own other file holds it, as python3
        # would wait forever) ends at the step limit
        while True:
            try:
                return call(*args)
            except OSError as e:
                if e.errno not in busy:
                    raise
            steps(1000)
            time.sleep(0.001)

    real_flock, real_lockf, real_fcntl = fcntl.flock, fcntl.lockf, fcntl.fcntl

    def flock(fd, operation, /):
        if _is_engine_fd(fd):
            _engine_fd_refused(fd)
        if not isinstance(operation, int) or operation & (fcntl.LOCK_NB | fcntl.LOCK_UN):
            return NotImplemented
        return retry(real_flock, fd, operation | fcntl.LOCK_NB)

    def lockf(fd, cmd, len=0, start=0, whence=0, /):
        if _is_engine_fd(fd):
            _engine_fd_refused(fd)
        if not isinstance(cmd, int) or cmd & (fcntl.LOCK_NB | fcntl.LOCK_UN):
            return NotImplemented
        return retry(real_lockf, fd, cmd | fcntl.LOCK_NB, len, start, whence)

    def fcntl_(fd, cmd, arg=0, /):
        if _is_engine_fd(fd):
            _engine_fd_refused(fd)
        if not isinstance(cmd, int) or cmd not in nb:
            return NotImplemented
        return retry(real_fcntl, fd, nb[cmd], arg)

    def ioctl(fd, *args):
        if _is_engine_fd(fd):
            _engine_fd_refused(fd)
        return NotImplemented

    for f, real in ((flock, real_flock), (lockf, real_lockf), (fcntl_, real_fcntl),
                    (ioctl, fcntl.ioctl)):
        setattr(fcntl, real.__name__, _gate(f, real, real.__name__, 'fcntl', real.__doc__))


_file_locks()
del _file_locks

# --- the streams are io's text (and binary) streams to isinstance -----------
# (threadsim.Stream is C's own type: a program checking
# isinstance(sys.stdout, io.TextIOBase) finds it one, as CPython's is)
def _register_streams():
    import io
    io.TextIOBase.register(type(sys.__stdout__))
    io.BufferedIOBase.register(type(sys.__stdout__.buffer))


_register_streams()

# --- clocks by id, and the calls that take a thread's ident as a pthread_t ---
# time.clock_gettime reads the virtual clocks too (the real ones would reach
# the output and differ from run to run): the realtime clocks read
# time.time()'s, the CPU-time clocks process_time()'s and thread_time()'s,
# every other valid clock time.monotonic()'s. The real call still checks the id,
# so a bad one raises CPython's OSError. Idents look like pthread_t values
# but are none (cpy_thread.c): signal.pthread_kill and
# time.pthread_getcpuclockid take them so (C would dereference them).
import time as _time_mod
import signal as _signal_mod


_realtime_clocks = {getattr(_time_mod, n) for n in ('CLOCK_REALTIME', 'CLOCK_TAI')
                    if hasattr(_time_mod, n)} | {5}  # CLOCK_REALTIME_COARSE


def _clock_ns(clk_id, _time=_time_mod):
    if clk_id in _realtime_clocks:
        return _time.time_ns()
    if clk_id == _time.CLOCK_PROCESS_CPUTIME_ID:
        return _time.process_time_ns()
    if clk_id == _time.CLOCK_THREAD_CPUTIME_ID:
        return _time.thread_time_ns()
    return _time.monotonic_ns()


def clock_gettime_ns(clk_id, /, _real=_time_mod.clock_gettime_ns):
    _real(clk_id)  # CPython's errors for a clock that is not one
    return _clock_ns(clk_id)


def clock_gettime(clk_id, /, _real=_time_mod.clock_gettime):
    _real(clk_id)
    ns = _clock_ns(clk_id)
    return ns // 1000000000 + ns % 1000000000 * 1e-9


def _live_ident(ident):
    if not isinstance(ident, int):
        raise TypeError("'%s' object cannot be interpreted as an integer" % type(ident).__name__)
    if ident not in threading._active:
        raise ProcessLookupError(3, 'No such process')


def pthread_getcpuclockid(thread_id, /, _clock=_time_mod.CLOCK_THREAD_CPUTIME_ID):
    _live_ident(thread_id)
    return _clock


def pthread_kill(thread_id, signalnum, /, _raise=_signal_mod.raise_signal):
    # (raise_signal is the program's signalling of itself: _signal_handlers)
    _live_ident(thread_id)
    if signalnum != 0:
        _raise(signalnum)  # the one OS thread; Python runs handlers in the main thread


for _mod, _f in ((_time_mod, clock_gettime), (_time_mod, clock_gettime_ns),
                 (_time_mod, pthread_getcpuclockid), (_signal_mod, pthread_kill)):
    # C functions in CPython: gates, so their errors' tracebacks are CPython's
    setattr(_mod, _f.__name__, _gate(
        _f, None, _f.__name__, _mod.__name__ if _mod is _time_mod else '_signal',
        getattr(_mod, _f.__name__).__doc__))
del _mod, _f, _time_mod, _signal_mod

# --- the builtins the site module adds ---------------------------------------
# `python3 prog.py` imports site, which gives builtins exit, quit, help,
# copyright, credits and license (a script's `exit(1)` is common). The
# embedded interpreter runs without site (no user site-packages, no .pth
# files), so they come from site's own functions here; importing site does
# not run its main() (sys.flags.no_site).
import site as _site
_site.setquit()
_site.setcopyright()
_site.sethelper()
# and what python3's site.main() and start-up leave in sys besides: the
# hook an interactive session would call, the home (None: not set)
_site.enablerlcompleter()
sys._home = None
del _site

del _name

