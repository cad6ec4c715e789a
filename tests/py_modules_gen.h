/*
 * tests/py_modules_gen.h — Python 3 programs using the bound modules whose
 * expected output is what /usr/bin/python3.11 (Debian's CPython 3.11.2, the
 * libpython threadsim embeds) prints with -u, stderr merged in order, with
 * the file named as given ("t.py") as in test_py_errors.c. Generated once,
 * since kept by hand. Included by test_py_modules.c.
 */

static void test_cpy_thread_names(void)
{
    PYT_EXPECT("import threading\n"
    "def worker():\n"
    "    pass\n"
    "def other(x):\n"
    "    pass\n"
    "a = threading.Thread(target=worker)\n"
    "b = threading.Thread(target=other, args=(1,), name=\"named\")\n"
    "c = threading.Thread()\n"
    "d = threading.Thread(target=worker)\n"
    "print(a.name, b.name, c.name, d.name, a.daemon, a.ident, a.is_alive())\n"
    "print(threading.current_thread().name, threading.main_thread().name, threading.active_count())\n"
    "print(threading.current_thread() is threading.main_thread(), len(threading.enumerate()))\n"
    "",
               3, 0,
               "Thread-1 (worker) named Thread-2 Thread-3 (worker) False None False\n"
    "MainThread MainThread 1\n"
    "True 1\n"
    "");
}

static void test_cpy_thread_args_results(void)
{
    PYT_EXPECT("import threading\n"
    "results = {}\n"
    "lock_free_log = []\n"
    "def work(n, scale=1, **extra):\n"
    "    results[n] = n * scale\n"
    "    lock_free_log.append((threading.current_thread().name, sorted(extra)))\n"
    "threads = [threading.Thread(target=work, args=(i,), kwargs={\"scale\": 10, \"tag\": i}) for i in range(3)]\n"
    "for t in threads:\n"
    "    t.start()\n"
    "for t in threads:\n"
    "    t.join()\n"
    "print(sorted(results.items()), lock_free_log)\n"
    "print([t.is_alive() for t in threads])\n"
    "",
               3, 0,
               "[(0, 0), (1, 10), (2, 20)] [('Thread-1 (work)', ['tag']), ('Thread-2 (work)', ['tag']), ('Thread-3 (work)', ['tag'])]\n"
    "[False, False, False]\n"
    "");
}

static void test_cpy_thread_subclass(void)
{
    PYT_EXPECT("import threading\n"
    "class MyThread(threading.Thread):\n"
    "    def __init__(self, group=None, target=None, name=None, args=(), kwargs=None):\n"
    "        threading.Thread.__init__(self, group=group, target=target, name=name)\n"
    "        self.args = args\n"
    "        self.kwargs = kwargs\n"
    "    def run(self):\n"
    "        print(\"running with %s and %s\" % (self.args, self.kwargs), self.name)\n"
    "class Sub(threading.Thread):\n"
    "    def __init__(self, n):\n"
    "        super().__init__()\n"
    "        self.n = n\n"
    "    def run(self):\n"
    "        print(\"sub\", self.n, threading.current_thread() is self, self.name)\n"
    "for i in range(2):\n"
    "    t = MyThread(args=(i,), kwargs={'a': 1, 'b': 2})\n"
    "    t.start()\n"
    "    t.join()\n"
    "s = Sub(7)\n"
    "s.start()\n"
    "s.join()\n"
    "print(s.is_alive(), repr(s).startswith(\"<Sub(Thread-3, stopped\"))\n"
    "",
               3, 0,
               "running with (0,) and {'a': 1, 'b': 2} Thread-1\n"
    "running with (1,) and {'a': 1, 'b': 2} Thread-2\n"
    "sub 7 True Thread-3\n"
    "False True\n"
    "");
}

static void test_cpy_thread_daemon_inherit(void)
{
    PYT_EXPECT("import threading\n"
    "seen = []\n"
    "def child():\n"
    "    seen.append(threading.current_thread().daemon)\n"
    "def parent():\n"
    "    t = threading.Thread(target=child)\n"
    "    seen.append(t.daemon)\n"
    "    t.start()\n"
    "    t.join()\n"
    "p = threading.Thread(target=parent, daemon=True)\n"
    "p.start()\n"
    "p.join()\n"
    "print(seen)\n"
    "try:\n"
    "    p.daemon = False\n"
    "except RuntimeError as e:\n"
    "    print(e)\n"
    "",
               3, 0,
               "[True, True]\n"
    "cannot set daemon status of active thread\n"
    "");
}

static void test_cpy_deprecated_names(void)
{
    PYT_EXPECT("import threading\n"
    "def f():\n"
    "    pass\n"
    "t = threading.Thread(target=f)\n"
    "t.setDaemon(True)\n"
    "print(t.getName(), t.isDaemon())\n"
    "print(threading.currentThread().getName(), threading.activeCount())\n"
    "t.setName(\"renamed\")\n"
    "print(t.name)\n"
    "try:\n"
    "    t.isAlive()\n"
    "except AttributeError as e:\n"
    "    print(\"AttributeError:\", e)\n"
    "",
               3, 0,
               "t.py:5: DeprecationWarning: setDaemon() is deprecated, set the daemon attribute instead\n"
    "  t.setDaemon(True)\n"
    "t.py:6: DeprecationWarning: getName() is deprecated, get the name attribute instead\n"
    "  print(t.getName(), t.isDaemon())\n"
    "t.py:6: DeprecationWarning: isDaemon() is deprecated, get the daemon attribute instead\n"
    "  print(t.getName(), t.isDaemon())\n"
    "Thread-1 (f) True\n"
    "t.py:7: DeprecationWarning: currentThread() is deprecated, use current_thread() instead\n"
    "  print(threading.currentThread().getName(), threading.activeCount())\n"
    "t.py:7: DeprecationWarning: getName() is deprecated, get the name attribute instead\n"
    "  print(threading.currentThread().getName(), threading.activeCount())\n"
    "t.py:7: DeprecationWarning: activeCount() is deprecated, use active_count() instead\n"
    "  print(threading.currentThread().getName(), threading.activeCount())\n"
    "MainThread 1\n"
    "t.py:8: DeprecationWarning: setName() is deprecated, set the name attribute instead\n"
    "  t.setName(\"renamed\")\n"
    "renamed\n"
    "AttributeError: 'Thread' object has no attribute 'isAlive'\n"
    "");
}

static void test_cpy_logging_formats(void)
{
    PYT_EXPECT("import logging\n"
    "logging.basicConfig(level=logging.INFO, format='[%(levelname)-8s] %(name)s/%(threadName)s %(funcName)s:%(lineno)d %(message)s')\n"
    "def work():\n"
    "    logging.info('in work %d of %s', 3, 'x')\n"
    "logging.debug('hidden')\n"
    "logging.info('shown')\n"
    "logging.warning('warn %s', {'k': 1})\n"
    "work()\n"
    "log = logging.getLogger('app')\n"
    "log.error('from logger')\n"
    "logging.critical('crit %(a)s', {'a': 5})\n"
    "logging.log(logging.WARNING, 'via log')\n"
    "",
               3, 0,
               "[INFO    ] root/MainThread <module>:6 shown\n"
    "[WARNING ] root/MainThread <module>:7 warn {'k': 1}\n"
    "[INFO    ] root/MainThread work:4 in work 3 of x\n"
    "[ERROR   ] app/MainThread <module>:10 from logger\n"
    "[CRITICAL] root/MainThread <module>:11 crit 5\n"
    "[WARNING ] root/MainThread <module>:12 via log\n"
    "");
}

static void test_cpy_logging_default(void)
{
    PYT_EXPECT("import logging\n"
    "logging.info('not shown')\n"
    "logging.warning('shown with the default format')\n"
    "logging.error('error %d', 1)\n"
    "",
               3, 0,
               "WARNING:root:shown with the default format\n"
    "ERROR:root:error 1\n"
    "");
}

static void test_cpy_sys_module(void)
{
    PYT_EXPECT("import sys\n"
    "print(sys.argv[0].endswith('t.py'), len(sys.argv), sys.maxsize, sys.getrecursionlimit())\n"
    "sys.stdout.write(\"written\\n\")\n"
    "print(\"to stderr\", file=sys.stderr)\n"
    "print(\"a\", \"b\", sep=\"-\", end=\"!\\n\")\n"
    "",
               3, 0,
               "True 1 9223372036854775807 1000\n"
    "written\n"
    "to stderr\n"
    "a-b!\n"
    "");
}

#define PY_MODULES_GEN_TESTS TS_TEST(test_cpy_thread_names), TS_TEST(test_cpy_thread_args_results), TS_TEST(test_cpy_thread_subclass), TS_TEST(test_cpy_thread_daemon_inherit), TS_TEST(test_cpy_deprecated_names), TS_TEST(test_cpy_logging_formats), TS_TEST(test_cpy_logging_default), TS_TEST(test_cpy_sys_module)
