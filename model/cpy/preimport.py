# threadsim: the program's leading standard-library imports, done once in a
# session's start-up process (cpy_run.c) so that every run forked from it
# finds them in sys.modules. Runs as the program's main thread, before the
# program, with only that thread alive: importing earlier than the program's
# own `import` statements changes nothing the program can see, because only
# imports that would have run first anyway are done here: the module's
# leading statements, as long as each is an import of the standard library
# (or a docstring, or a plain `def` with constant defaults, which runs
# nothing). The first other statement, or any module from elsewhere (the
# program's folder shadows the library, as in python), ends the list.
# Given: _src (the program's text), _stdlib (the library folder, with '/').
# Leaves: _names, the modules to import.
import sys


def _stdlib_module(name):
    import importlib.util
    top = name.partition('.')[0]
    if top in sys.modules:
        return True
    if top in sys.builtin_module_names:
        return True
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return False
    if spec is None:
        return False
    origin = spec.origin or ''
    if origin in ('built-in', 'frozen'):
        return True
    return origin.startswith(_stdlib)


def _leading_imports(tree):
    import ast
    names = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level or node.module is None:
                break
            if node.module == '__future__':
                continue
            names.append(node.module)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        elif (isinstance(node, ast.FunctionDef) and not node.decorator_list
              and not node.returns
              and all(isinstance(d, ast.Constant)
                      for d in node.args.defaults + node.args.kw_defaults if d is not None)
              and all(a.annotation is None
                      for a in node.args.args + node.args.kwonlyargs + node.args.posonlyargs)):
            continue
        else:
            break
    return names


# Modules of CPython 3.11's library that warn when imported (a
# DeprecationWarning naming the program's import line, shown since the
# import is in __main__): imported here, the warning would be the start-up's
# (and not shown), and the program's own import would find the module
# imported, so they end the list as a statement would.
_WARN_ON_IMPORT = frozenset((
    'aifc asynchat asyncore audioop cgi cgitb chunk crypt imghdr imp '
    'mailcap msilib nis nntplib ossaudiodev pipes smtpd sndhdr spwd sre_compile '
    'sre_constants sre_parse sunau telnetlib uu xdrlib').split())


def _preimportable():
    import ast
    try:
        tree = ast.parse(_src)
    except Exception:
        return []
    names = []
    for name in _leading_imports(tree):
        if name.partition('.')[0] in _WARN_ON_IMPORT or not _stdlib_module(name):
            break
        names.append(name)
    return names


# the C side imports these, in order, as the program would (stopping at the
# first that fails: the program will meet that error itself)
_names = _preimportable()


# Warming: CPython 3.11 specializes a function's bytecode after its first
# few calls (and fills its type and method caches as it goes), and every run
# of a session starts from the start-up process's memory, so without this
# each run would pay the cold start again: `logging`'s first basicConfig and
# debug cost about 300 us of a run, its first 20 calls twice what later ones
# do. _warm() (called by the C side after the imports) runs the library code
# a run will run, on objects of its own that no program can reach: a
# Logger outside the manager's tree, a handler built without Handler.__init__
# (which would register it in logging's module state and make a lock), a
# private stream; threading's Thread (named, never started: no counter
# moves), Event, Condition, Semaphore, Lock and RLock, and queue's queues,
# used only in ways that never wait (a lock taken when free is the
# object's own state, no model event; a timeout reads the clock, which
# outside a run is 0 and is not the program's read). About 3-6% more
# schedules/s on the tutorial's programs (counter 1700 -> 1750, args
# 3790 -> 4030). Nothing global changes: no logger, handler list, lock,
# cache or level the program can see, no output, no event; only bytecode
# and caches that no program can observe (and the heap's layout, the same
# in every run and process of this program).
def _warm_logging(logging):
    import io
    stream = io.StringIO()
    h = object.__new__(logging.StreamHandler)
    h._name = None
    h.level = logging.NOTSET
    h.filters = []
    h.lock = None
    h._closed = False
    h.stream = stream
    h.handleError = lambda record: None  # never a report on the real stderr
    h.formatter = logging.Formatter(
        '%(asctime)s (%(threadName)-9s) %(levelname)s %(name)s: %(message)s')
    lg = logging.Logger('threadsim-warm', logging.DEBUG)
    lg._cache = {lv: True for lv in (logging.DEBUG, logging.INFO, logging.WARNING,
                                      logging.ERROR, logging.CRITICAL)}
    lg.handlers.append(h)
    for i in range(64):
        lg.debug('%s %d %0.02f', 'w', i, 0.5)
        lg.info('w')
        lg.warning('w %s', i)
        stream.seek(0)
        stream.truncate()
    h.formatter = logging.Formatter('(%(threadName)-9s) %(message)s')
    for i in range(64):
        lg.debug('w %d', i)
    del lg, h, stream


def _warm_threading(threading):
    for i in range(16):
        t = threading.Thread(target=print, name='threadsim-warm', args=(i,), daemon=True)
        t.name, t.ident, t.daemon, t.is_alive(), repr(t)
        e = threading.Event()
        e.is_set(); e.set(); e.wait(0); e.wait(); e.clear(); e.wait(0)
        c = threading.Condition()
        with c:
            c.notify(); c.notify_all(); c.wait(0); c.wait_for(lambda: True, 0)
        c = threading.Condition(threading.Lock())
        with c:
            c.notify(); c.wait(0)
        s = threading.Semaphore(2)
        with s:
            s.acquire(False)
            s.release()
        s = threading.BoundedSemaphore(1)
        with s:
            s.acquire(timeout=0)
        lk = threading.Lock()
        with lk:
            lk.locked()
        lk.acquire(); lk.release()
        r = threading.RLock()
        with r:
            with r:
                pass
        threading.current_thread(); threading.enumerate(); threading.active_count()
        threading.main_thread(); threading.get_ident()
        del t


def _warm_queue(queue):
    for i in range(16):
        for q in (queue.Queue(4), queue.LifoQueue(4), queue.PriorityQueue(4)):
            q.put(i); q.put_nowait(i); q.put(i, True, 1); q.put(i, timeout=1)
            q.qsize(); q.empty(); q.full()
            q.get(); q.get_nowait(); q.get(True, 1); q.get(timeout=1)
            for _ in range(4):
                q.task_done()
            q.join()
            try:
                q.get_nowait()
            except queue.Empty:
                pass


def _warm():
    mods = sys.modules
    def lib(m):
        # the standard library's own module only: never a module of the program's
        return m is not None and (getattr(m, '__file__', None) or '').startswith(_stdlib)
    for name, fn in (('threading', _warm_threading), ('queue', _warm_queue),
                     ('logging', _warm_logging)):
        if lib(mods.get(name)):
            try:
                fn(mods[name])
            except Exception:
                pass
