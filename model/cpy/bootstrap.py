# threadsim: the embedded interpreter's set-up, run once before the program
# (file "<threadsim>", so tracebacks and traces never show it as user code).
# Given: _seed (the run's seed, an int).
import sys


# --- relative folders stay relative ------------------------------------------
# CPython's FileFinder and spec_from_file_location join a relative folder to
# the working folder's absolute path. Its length (which differs between two
# checkouts of one project) would then move the address of every object the
# program makes later, and reprs in the output with it. So the folders on
# sys.path given relatively (the program's own, as the user named it) get a
# finder that keeps them relative: sibling modules' __file__ are relative,
# like the program's own. Nor does the finder list the folder (a set of every
# name in it): it asks for the names it looks up, so other files beside the
# program (outputs, databases) do not move addresses either. Absolute folders
# are CPython's finder's.
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

    details = ext._get_supported_file_loaders()

    def hook(path):
        if not path or path.startswith('/') or not ext._path_isdir(path):
            raise ImportError('not a relative folder', path=path)
        return RelativeFileFinder(path, *details)

    sys.path_hooks.insert(0, hook)


_relative_finders()
del _relative_finders
import os

# --- modules whose C versions would escape the simulator ----------------------
# _queue's SimpleQueue blocks the only OS thread; _datetime reads the host's
# clock. Their pure-Python twins (queue._PySimpleQueue, datetime.py) run on
# threading's primitives and on time.time(), which are the simulator's.
class _ThreadsimBlocked:
    blocked = ('_queue', '_datetime')

    def find_spec(self, name, path=None, target=None):
        if name in self.blocked:
            raise ModuleNotFoundError(
                "threadsim: the C module %r is replaced by its pure-Python version" % name,
                name=name)
        return None

sys.meta_path.insert(0, _ThreadsimBlocked())


# Refusals are PermissionErrors (OSErrors, which callers such as selectors
# and subprocess already expect) whose message names threadsim.
def _refused(what):
    def refused(*args, **kwargs):
        raise PermissionError("threadsim: %s would escape the virtual clock; "
                              "it is not available in a simulated run" % what)
    refused.__name__ = what.rsplit('.', 1)[-1]
    refused.__qualname__ = refused.__name__
    return refused


for _name in ('fork', 'forkpty', 'system', 'popen', 'execv', 'execve', 'execvp', 'execvpe',
              'execl', 'execle', 'execlp', 'execlpe', 'spawnv', 'spawnve', 'spawnvp',
              'spawnvpe', 'spawnl', 'spawnle', 'spawnlp', 'spawnlpe', 'posix_spawn',
              'posix_spawnp', 'wait', 'waitpid', 'wait3', 'wait4', 'waitid'):
    if hasattr(os, _name):
        setattr(os, _name, _refused('os.' + _name))

import _posixsubprocess
_posixsubprocess.fork_exec = _refused('subprocess')

import _socket


class _ThreadsimSocket(_socket.socket):
    __slots__ = ()

    def __init__(self, *args, **kwargs):
        raise PermissionError("threadsim: sockets would escape the virtual clock; "
                              "they are not available in a simulated run")


_ThreadsimSocket.__name__ = _ThreadsimSocket.__qualname__ = 'socket'
_ThreadsimSocket.__module__ = '_socket'
_socket.socket = _socket.SocketType = _ThreadsimSocket
_socket.socketpair = _refused('socket.socketpair')

import select
for _name in ('select', 'poll', 'epoll', 'devpoll', 'kqueue'):
    if hasattr(select, _name):
        setattr(select, _name, _refused('select.' + _name))

# --- SIGINT raises KeyboardInterrupt, as in python (the interpreter was told
# not to install its handlers; _thread.interrupt_main() follows this one) ---
import signal
signal.signal(signal.SIGINT, signal.default_int_handler)
del signal

# --- randomness from the run's seed -----------------------------------------------
import random as _random

_urandom_gen = _random.Random(_seed * 2 + 1)


def urandom(size):
    """Deterministic bytes from the run's seed (threadsim)."""
    if size < 0:
        raise ValueError("negative argument not allowed")
    return _urandom_gen.randbytes(size)


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


def getpid():
    """The run's process id: 4242 in every run (threadsim)."""
    return _VPID


def getppid():
    """The run's parent's process id: 4241 in every run (threadsim)."""
    return _VPPID


def kill(pid, sig, /):
    if pid == _VPID:
        pid = _real_getpid()
    elif pid == _VPPID:
        raise PermissionError(1, "threadsim: the parent process may not be signalled")
    return _real_kill(pid, sig)


kill.__doc__ = _real_kill.__doc__
os.getpid, os.getppid, os.kill = getpid, getppid, kill

# --- threading.local ---------------------------------------------------------------
# CPython's C _thread._local, in Python (_threading_local's algorithm): named
# so that its messages and reprs are CPython's ("'_thread._local' object has
# no attribute 'x'", "<_thread._local object at ...>").
import _thread
import _threading_local


class _local(_threading_local.local):
    __slots__ = ()


_local.__module__ = '_thread'
_local.__qualname__ = '_local'
_local.__name__ = '_thread._local'
_thread._local = _local
import threading
threading.local = _local  # threading was imported (by _threading_local) before _local existed

# --- queue: the pure-Python SimpleQueue and Empty under the C names ---------
# (the C _queue blocks the only OS thread; error messages and tracebacks
# still say _queue.SimpleQueue, _queue.Empty as CPython's do)
import queue as _queue_mod
for _cls, _n in ((_queue_mod.SimpleQueue, 'SimpleQueue'), (_queue_mod.Empty, 'Empty')):
    _cls.__module__ = '_queue'
    _cls.__qualname__ = _n
_queue_mod.SimpleQueue.__name__ = '_queue.SimpleQueue'
del _queue_mod, _cls, _n

del _name
