"""tools/cpython_tests.py — CPython's own thread tests, run by threadsim.

    threadsim run tools/cpython_tests.py --no-db --timeout 600 -- [OPTIONS] NAME...

Runs the named tests of the `test` package (Debian: libpython3.11-testsuite,
/usr/lib/python3.11/test/) with unittest, inside a simulated run: every
Python thread a green thread, every clock virtual. A NAME is a module
(`test_threading`) or a test inside one (`test_threading.ThreadTests`,
`test_threading.ThreadTests.test_join_nondaemon_on_shutdown`).

Before any test module is imported the environment is marked as one
without processes (a simulated run refuses them, with PermissionError
'threadsim: ...'; RuntimeError in older builds), so the tests that need
them SKIP instead of failing:

  * test.support.has_subprocess_support = False: @requires_subprocess()
    skips ("requires subprocess support"), and script_helper's
    assert_python_ok/assert_python_failure/spawn_python/... raise SkipTest
    (they are wrapped by requires_subprocess() when script_helper is
    imported, which is after this);
  * test.support.has_fork_support = False: @requires_fork() ("requires
    working os.fork()") and lock_tests' _at_fork_reinit tests skip;
  * test.support.has_socket_support = False: @requires_working_socket()
    skips ("requires socket support");
  * os.fork and the others the run refuses stay (as the run's refusing
    functions): a test that forks without a skip mark fails with
    "PermissionError: threadsim: os.fork would escape ...", which names
    the reason.

test_concurrent_futures: only its thread-pool part is selected: the classes
that run on ThreadPoolExecutor (ThreadPoolMixin subclasses: the
ThreadPool*Test classes written out and the ones create_executor_tests()
generates from the generic mixins, e.g. ThreadPoolWaitTest,
ThreadPoolAsCompletedTest, ThreadPoolInitializerTest) and FutureTests
(Future objects and threads, no executor). The ProcessPool* classes
(fork/spawn/forkserver) are left out.

Output (stdout), per module, one line

    MODULE: N passed, N failed, N errors, N skipped

then one line per failure and error, sorted by test id:

    FAIL test_x.Class.test_y: AssertionError: 1 != 2
    ERROR test_x.Class.test_z: RuntimeError: threadsim: ...

(the test id, then the last line of its traceback). An expected failure
counts as passed, an unexpected success as failed.

Options:
  -v         unittest's verbose output (to stderr): one line per test as it
             runs; also test.support.verbose = 1
  --progress one line '# start TEST_ID' on stderr before each test (to find
             the test a run hangs in)
  --progress-file PATH
             the same lines ('start TEST_ID') appended to PATH with os.write,
             at once: the run's own streams are buffered and may be lost
             when a run is stopped or dies; cpython_tests.sh reads this
  --skips    after the summary, one line per skipped test with its reason
  --list     list the selected test ids and exit
  --stopped TEST_ID[=REASON]
             do not run TEST_ID (a full id, as printed), count it as failed
             with REASON: for a test that stopped an earlier run (hang, run
             limit); cpython_tests.sh passes it; repeatable
  --dump-after SECS
             (diagnosis) after SECS of wall-clock time, faulthandler dumps
             the Python stack of every thread state to stderr, from a real
             OS thread outside the simulation
  --dump-on-signal
             (diagnosis) SIGUSR1 makes faulthandler dump the Python stack
             of every thread state to stderr
  --no-workarounds  do not work around older builds' failing
             `import selectors` (see WORKAROUNDS below)

Exit status: 0 when every selected test passed or was skipped, 1 otherwise,
2 on bad usage or when a module cannot be imported.
"""
import io
import os
import sys
import unittest

# --- an environment without processes ----------------------------------------------
import test.support

test.support.has_subprocess_support = False
test.support.has_fork_support = False
test.support.has_socket_support = False

# Work-around for older builds: their run replaced select.epoll/poll/... by
# functions raising RuntimeError, and `selectors` probes them at import with
# only `except OSError`, so `import selectors` (and `import subprocess`,
# which test_threading and test_concurrent_futures import) failed. When it
# does, the refused probes are removed from `select` (selectors then picks
# SelectSelector, which is refused only when used) and the import retried.
# Inert since the refusals are PermissionErrors (an OSError); --no-workarounds
# turns it off.
WORKAROUNDS = []
if '--no-workarounds' not in sys.argv:
    try:
        import selectors
    except RuntimeError:
        import select
        for _name in ('epoll', 'poll', 'devpoll', 'kqueue'):
            if hasattr(select, _name):
                delattr(select, _name)
        sys.modules.pop('selectors', None)
        import selectors
        WORKAROUNDS.append('import selectors failed (select.epoll refused with RuntimeError); '
                           'select.epoll/poll removed before importing it')

THREAD_POOL_EXTRA = ('FutureTests',)


def usage(msg=None):
    if msg:
        print('cpython_tests: ' + msg, file=sys.stderr)
    print('usage: threadsim run tools/cpython_tests.py --no-db -- [-v] [--progress] '
          '[--progress-file PATH] [--skips] [--list] [--stopped ID[=REASON]]... NAME...',
          file=sys.stderr)
    sys.exit(2)


def select_concurrent_futures(module, loader):
    """The thread-pool part of test_concurrent_futures."""
    mixin = module.ThreadPoolMixin
    suite = unittest.TestSuite()
    for name in sorted(dir(module)):
        obj = getattr(module, name)
        if not (isinstance(obj, type) and issubclass(obj, unittest.TestCase)):
            continue
        if issubclass(obj, mixin) or name in THREAD_POOL_EXTRA:
            suite.addTests(loader.loadTestsFromTestCase(obj))
    return suite


def load(modname, rest, loader):
    module = __import__('test.' + modname, fromlist=['*'])
    if rest:
        return loader.loadTestsFromName(rest, module)
    if modname == 'test_concurrent_futures':
        return select_concurrent_futures(module, loader)
    # what regrtest does: load_tests() when the module has one
    return loader.loadTestsFromModule(module)


def flatten(suite):
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            yield from flatten(t)
        else:
            yield t


def test_id(test):
    tid = test.id()
    return tid[len('test.'):] if tid.startswith('test.') else tid


def last_line(tb):
    lines = [l for l in tb.rstrip('\n').split('\n') if l.strip()]
    return lines[-1].strip() if lines else '?'


class Result(unittest.TextTestResult):
    progress = False
    progress_fd = None
    current = None

    def startTest(self, test):
        self.current = test
        if self.progress:
            print('# start ' + test_id(test), file=sys.stderr, flush=True)
        if self.progress_fd is not None:
            os.write(self.progress_fd, ('start %s\n' % test_id(test)).encode())
        super().startTest(test)


def run_tests(tests, result):
    """Runs TESTS (flat, in order) into RESULT. unittest lets KeyboardInterrupt
    through and so ends the whole run; here it counts as an error of the
    test it interrupted (tests call _thread.interrupt_main()) and the run
    goes on with the next test (class and module fixtures set up again as
    needed)."""
    i = 0
    result.startTestRun()
    try:
        while i < len(tests):
            result.current = None
            try:
                unittest.TestSuite(tests[i:])(result)
                break
            except KeyboardInterrupt:
                test = result.current
                if test is None or test not in tests[i:]:
                    raise
                result.addError(test, sys.exc_info())
                result.stopTest(test)
                i = tests.index(test, i) + 1
    finally:
        result.stopTestRun()


def run_module(name, opts):
    modname, _, rest = name.partition('.')
    loader = unittest.TestLoader()
    try:
        suite = load(modname, rest, loader)
    except unittest.SkipTest as e:
        print('%s: 0 passed, 0 failed, 0 errors, 0 skipped (module skipped: %s)'
              % (modname, e), flush=True)
        return True
    except Exception as e:
        print('%s: cannot load: %s: %s' % (name, type(e).__name__, e), flush=True)
        return None
    tests = list(flatten(suite))
    stopped = []
    for t in tests:
        reason = opts['stopped'].get(test_id(t))
        if reason is not None:
            stopped.append((test_id(t), reason))
    if stopped:
        ids = dict(stopped)
        tests = [t for t in tests if test_id(t) not in ids]
    if opts['list']:
        for t in tests:
            print(test_id(t))
        return True
    stream = sys.stderr if opts['verbose'] else io.StringIO()
    Result.progress = opts['progress']
    result = Result(unittest.runner._WritelnDecorator(stream), True,
                    2 if opts['verbose'] else 0)
    run_tests(tests, result)
    if opts['verbose']:
        result.printErrors()
    failed = len(result.failures) + len(result.unexpectedSuccesses)
    errors = len(result.errors)
    skipped = len(result.skipped)
    passed = result.testsRun - failed - errors - skipped
    failed += len(stopped)
    print('%s: %d passed, %d failed, %d errors, %d skipped'
          % (name, passed, failed, errors, skipped))
    rows = [(test_id(t), 'FAIL', last_line(tb)) for t, tb in result.failures]
    rows += [(test_id(t), 'FAIL', 'unexpected success') for t in result.unexpectedSuccesses]
    rows += [(test_id(t), 'ERROR', last_line(tb)) for t, tb in result.errors]
    rows += [(tid, 'FAIL', reason) for tid, reason in stopped]
    for tid, kind, line in sorted(rows):
        print('%s %s: %s' % (kind, tid, line))
    if opts['skips']:
        for t, reason in sorted((test_id(t), r) for t, r in result.skipped):
            print('SKIP %s: %s' % (t, reason))
    sys.stdout.flush()
    return failed == 0 and errors == 0


def main(argv):
    opts = {'verbose': False, 'progress': False, 'skips': False, 'list': False,
            'stopped': {}}
    names = []
    args = iter(argv)
    for a in args:
        if a == '--stopped':
            v = next(args, None)
            if v is None:
                usage('--stopped needs a test id')
            tid, _, reason = v.partition('=')
            opts['stopped'][tid] = reason or 'stopped an earlier run'
        elif a == '--progress-file':
            path = next(args, None)
            if path is None:
                usage('--progress-file needs a path')
            Result.progress_fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        elif a == '--dump-after':
            import faulthandler
            faulthandler.dump_traceback_later(float(next(args, '60')), exit=False)
        elif a == '--dump-on-signal':
            import faulthandler, signal
            faulthandler.register(signal.SIGUSR1, all_threads=True)
        elif a == '-v':
            opts['verbose'] = True
        elif a == '--progress':
            opts['progress'] = True
        elif a == '--skips':
            opts['skips'] = True
        elif a == '--list':
            opts['list'] = True
        elif a == '--no-workarounds':
            pass
        elif a in ('-h', '--help'):
            print(__doc__)
            return 0
        elif a.startswith('-'):
            usage('unknown option ' + a)
        else:
            names.append(a)
    if not names:
        usage('no test module named')
    test.support.verbose = 1 if opts['verbose'] else 0
    for w in WORKAROUNDS:
        print('# work-around: ' + w, file=sys.stderr)
    status = 0
    for name in names:
        ok = run_module(name, opts)
        if ok is None:
            status = 2
        elif not ok and status == 0:
            status = 1
    return status


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
