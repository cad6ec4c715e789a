"""Tests of model/cpy/py2compat.py (Python 2 -> Python 3 for the embedded
CPython).  Run: python3 tests/py2compat_test.py   (stdlib unittest).

The expected outputs of the Python 2 programs below are what Python 2.7
prints (derived from its print statement's softspace rules and checked with
python2.7 2.7.18 when the tests were written; no Python 2 is needed here).
"""

import ast
import glob
import importlib.util
import io
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MODULE = os.path.join(ROOT, 'model', 'cpy', 'py2compat.py')


def load():
    spec = importlib.util.spec_from_file_location('py2compat', MODULE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


p2 = load()
# in this process: the builtins and threading aliases, but neither the
# tracebacks nor the stream wrappers (unittest owns sys.stdout/stderr)
p2.install_shims(tracebacks=False, wrap_streams=False)


def corpus():
    """The repository's Python 2 programs (traces/py/**)."""
    out = []
    for path in sorted(glob.glob(os.path.join(ROOT, 'traces', 'py', '**',
                                              '*.py'), recursive=True)):
        with open(path, encoding='utf-8') as f:
            text = f.read()
        if '# threadsim: python 2' in text:
            out.append((path, text))
    return out


def run_py2(source, *args, timeout=60):
    """Run a Python 2 program with `py2compat.py --run` in a fresh python3:
    (stdout, stderr, exit status)."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'prog.py')
        with open(path, 'w') as f:
            f.write(textwrap.dedent(source))
        r = subprocess.run([sys.executable, '-W', 'error', MODULE, '--run']
                           + list(args) + ['prog.py'], cwd=d,
                           capture_output=True, timeout=timeout)
    return (r.stdout.decode(), r.stderr.decode(), r.returncode)


def exec_py2(source, stdout=None, stderr=None):
    """Translate and exec in this process with sys.stdout/sys.stderr
    replaced by Py2Stream(StringIO): (stdout text, stderr text, globals)."""
    code = p2.translate(textwrap.dedent(source), '<test>')
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = p2.Py2Stream(out), p2.Py2Stream(err)
    g = {'__name__': '__test__'}
    try:
        exec(compile(code, '<test>', 'exec'), g)
        p2.flush_line()
    finally:
        sys.stdout, sys.stderr = saved
    return out.getvalue(), err.getvalue(), g


class Softspace(unittest.TestCase):
    def check(self, src, expected):
        self.assertEqual(exec_py2(src)[0], expected)

    def test_trailing_comma_then_print(self):
        self.check("print 'a',; print 'b'\n", 'a b\n')

    def test_newline_ended_item_clears_softspace(self):
        self.check("print 'a\\n',; print 'b'\n", 'a\nb\n')

    def test_tab_ended_item_clears_softspace(self):
        self.check("print 'a\\t',; print 'b'\n", 'a\tb\n')

    def test_space_ended_item_keeps_softspace(self):
        self.check("print 'a ',; print 'b'\n", 'a  b\n')

    def test_empty_string_sets_softspace(self):
        self.check("print '',; print 'b'\n", ' b\n')

    def test_non_string_sets_softspace(self):
        self.check("print 1,; print 2\n", '1 2\n')

    def test_items_separated_by_one_space(self):
        self.check("print 'a', 1, 'b'\n", 'a 1 b\n')

    def test_bare_print(self):
        self.check("print 'a',\nprint\nprint 'b'\n", 'a\nb\n')

    def test_write_clears_softspace(self):
        self.check("import sys\nprint 'x',\nsys.stdout.write('y')\n"
                   "print 'z'\n", 'xyz\n')

    def test_pending_newline_at_program_end(self):
        # Python 2's Py_FlushLine when the main program ends
        self.check("print 'end',\n", 'end\n')
        out, err, rc = run_py2("print 'end',\n")
        self.assertEqual((out, err, rc), ('end\n', '', 0))

    def test_items_written_as_evaluated(self):
        # the inner print sees the outer one's pending softspace
        self.check("def f():\n    print 'inside'\n    return 5\n"
                   "print 'first:', f()\n", 'first: inside\n5\n')

    def test_item_written_before_a_blocking_call(self):
        # the RLock page: 'Second try:' is out before acquire() blocks for
        # ever (a timer ends the process, streams unbuffered as in --run)
        out, err, rc = run_py2("""\
            import threading, os
            lock = threading.Lock()
            threading.Timer(0.5, os._exit, (3,)).start()
            print 'First try :', lock.acquire()
            print 'Second try:', lock.acquire()
            print "print this if not blocked..."
            """)
        self.assertEqual((out, err, rc),
                         ('First try : True\nSecond try:', '', 3))

    def test_print_to_stderr(self):
        out, err, _ = exec_py2("import sys\nprint >>sys.stderr, 'e1',\n"
                               "print >>sys.stderr, 'e2'\nprint 'o'\n")
        self.assertEqual((out, err), ('o\n', 'e1 e2\n'))

    def test_print_to_stream_without_newline(self):
        out, err, _ = exec_py2("import sys\nprint >>sys.stderr, 'e',\n"
                               "print >>sys.stderr\n")
        self.assertEqual(err, 'e\n')

    def test_softspace_is_per_stream(self):
        out, err, _ = exec_py2("import sys\nprint 'o1',\n"
                               "print >>sys.stderr, 'e1'\nprint 'o2'\n")
        self.assertEqual((out, err), ('o1 o2\n', 'e1\n'))

    def test_print_to_object_without_softspace_attribute(self):
        out, _, g = exec_py2("""\
            class W(object):
                __slots__ = ('parts',)
                def __init__(self): self.parts = []
                def write(self, s): self.parts.append(s)
            w = W()
            print >>w, 'a',
            print >>w, 'b'
            print >>None, 'to stdout'
            """)
        self.assertEqual(''.join(g['w'].parts), 'a b\n')
        self.assertEqual(out, 'to stdout\n')

    def test_tuple_and_parentheses(self):
        self.check("print (1, 2)\nprint ('a')\nprint ()\nprint (1,), [2]\n",
                   "(1, 2)\na\n()\n(1,) [2]\n")

    def test_percent_formatting(self):
        self.check("print '%s=%d' % ('x', 3), '%r' % 'y'\n", "x=3 'y'\n")

    def test_floats_as_python2_str(self):
        self.check("print 1e16, 1e-5, -0.0, 1.0, 123456789012.0, "
                   "12345678901.0, 0.1 + 0.2, 1.0 / 3, 2.5, 1e22, 0.0001\n",
                   '1e+16 1e-05 -0.0 1.0 1.23456789012e+11 12345678901.0 '
                   '0.3 0.333333333333 2.5 1e+22 0.0001\n')
        # inside containers Python 2.7 used repr(), as Python 3 does
        self.check("print [0.1 + 0.2]\n", '[0.30000000000000004]\n')

    def test_backslash_continuation(self):
        self.check("print 'a', \\\n      'b'\nprint 'c'\n", 'a b\nc\n')

    def test_print_function_future(self):
        self.check("from __future__ import print_function\n"
                   "print('a', 'b', sep='-')\n", 'a-b\n')


class Division(unittest.TestCase):
    def values(self, src):
        return exec_py2(src)[2]

    def test_classic_division(self):
        g = self.values("a = 7 / 2\nb = -7 / 2\nc = 7.0 / 2\nd = 7 / 2.0\n"
                        "e = 2 * 3 / 4\nf = 7 // 2\ng = True / 2\n"
                        "h = 10L / 3\ni = 1 / 2 / 2.0\n")
        self.assertEqual([g[k] for k in 'abcdefghi'],
                         [3, -4, 3.5, 3.5, 1, 3, 0, 3, 0.0])
        self.assertIs(type(g['a']), int)

    def test_augmented(self):
        g = self.values("x = 9\nx /= 2\ny = [10]\ny[0] /= 3\n"
                        "class C(object): pass\nc = C()\nc.v = 11\n"
                        "c.v /= 2\nc.w = 11.0\nc.w /= 2\nz = 5.0\nz /= 2\n")
        self.assertEqual((g['x'], g['y'], g['c'].v, g['c'].w, g['z']),
                         (4, [3], 5, 5.5, 2.5))

    def test_future_division(self):
        g = self.values("from __future__ import division\na = 7 / 2\n"
                        "b = 9\nb /= 2\n")
        self.assertEqual((g['a'], g['b']), (3.5, 4.5))

    def test_python2_class_with_div(self):
        g = self.values("class V(object):\n"
                        "    def __init__(self, x): self.x = x\n"
                        "    def __div__(self, n): return V(self.x / n)\n"
                        "v = V(7) / 2\n")
        self.assertEqual(g['v'].x, 3)

    def test_zero_division_message_and_traceback(self):
        out, err, rc = run_py2("""\
            def g(a, b):
                return a / b
            print 'x',
            g(1, 0)
            """)
        self.assertEqual(rc, 1)
        self.assertEqual(out, 'x\n')
        self.assertEqual(err, 'Traceback (most recent call last):\n'
                              '  File "prog.py", line 4, in <module>\n'
                              '    g(1, 0)\n'
                              '  File "prog.py", line 2, in g\n'
                              '    return a / b\n'
                              'ZeroDivisionError: integer division or modulo'
                              ' by zero\n')


class OtherPython2(unittest.TestCase):
    def test_round(self):
        g = exec_py2("a = round(2.5)\nb = round(-2.5)\nc = round(2.675, 2)\n"
                     "d = round(5)\ne = round(1234.5, -1)\n")[2]
        self.assertEqual([g[k] for k in 'abcde'],
                         [3.0, -3.0, 2.67, 5.0, 1230.0])
        self.assertIs(type(g['d']), float)

    def test_round_left_alone_when_rebound(self):
        code = p2.translate("def round(x): return x\nprint round(2.5)\n", 'x')
        self.assertNotIn('__py2_round__', code)

    def test_lib2to3_vocabulary(self):
        out = exec_py2("""\
            import Queue
            d = {'a': 1}
            print d.has_key('a'), d.keys(), d.items()
            print map(lambda v: v * 2, [1, 2])[0], zip([1], [2])[0]
            print xrange(3)[1], range(3), filter(None, [0, 1])
            print `42`, 0777, 0xff, 10L, ur'x', unicode('u')
            print isinstance('s', basestring), long(3)
            try:
                Queue.Queue().get(False)
            except Queue.Empty, e:
                print 'empty'
            """)[0]
        self.assertEqual(out, "True ['a'] [('a', 1)]\n2 (1, 2)\n"
                              "1 [0, 1, 2] [1]\n42 511 255 10 x u\n"
                              "True 3\nempty\n")

    def test_sys_and_string(self):
        out = exec_py2("import sys, string\nprint sys.maxint > 0, "
                       "string.letters[:3], string.upper('ab')\n")[0]
        self.assertEqual(out, 'True abc AB\n')

    def test_syntax_error_names_file_and_line(self):
        with self.assertRaises(SyntaxError) as cm:
            p2.translate("x = 1\nprint 'a\n", 'prog.py')
        self.assertEqual((cm.exception.filename, cm.exception.lineno),
                         ('prog.py', 2))

    def test_python2_traceback_layout(self):
        out, err, rc = run_py2("""\
            class E(Exception): pass
            print 'before',
            raise E, 'boom'
            """)
        self.assertEqual((out, rc), ('before\n', 1))
        self.assertEqual(err, 'Traceback (most recent call last):\n'
                              '  File "prog.py", line 3, in <module>\n'
                              "    raise E, 'boom'\n"
                              '__main__.E: boom\n')


class Threading(unittest.TestCase):
    def test_aliases_are_silent(self):
        # every Python 2 name, with warnings turned into errors
        out, err, rc = run_py2("""\
            import threading
            def f(): pass
            t = threading.Thread(target=f)
            t.setName('w'); t.setDaemon(True)
            print t.getName(), t.isDaemon(), t.isAlive()
            t.start(); t.join()
            print t.isAlive(), threading.currentThread().getName(),
            print threading.activeCount()
            e = threading.Event(); e.set(); print e.isSet()
            c = threading.Condition()
            with c: c.notifyAll()
            """)
        self.assertEqual((err, rc), ('', 0))
        self.assertEqual(out, 'w True False\nFalse MainThread 1\nTrue\n')

    def test_import_is_silent(self):
        r = subprocess.run([sys.executable, '-W', 'error', '-c',
                            'import importlib.util as u\n'
                            's = u.spec_from_file_location("p", %r)\n'
                            'm = u.module_from_spec(s)\n'
                            's.loader.exec_module(m)\n'
                            'm.translate("print 1\\n", "x.py")\n'
                            'm.install_shims()\n' % MODULE],
                           capture_output=True)
        self.assertEqual((r.stdout, r.stderr, r.returncode), (b'', b'', 0))

    def test_python2_thread_names_and_verbose(self):
        out, err, rc = run_py2("""\
            import threading
            class T(threading.Thread):
                def __init__(self, verbose=None):
                    threading.Thread.__init__(self, verbose=verbose)
            def f(): pass
            print threading.Thread(target=f).name, T().name,
            print threading.Timer(1, f).getName()
            """)
        self.assertEqual((out, err), ('Thread-1 Thread-2 Thread-3\n', ''))

    def test_rlock_acquire(self):
        src = """\
            import threading
            lock = threading.RLock()
            print 'First try :', lock.acquire()
            print 'Second try:', lock.acquire(0)
            """
        self.assertEqual(run_py2(src)[0],
                         'First try : True\nSecond try: True\n')
        self.assertEqual(run_py2(src, '--rlock-returns-1')[0],
                         'First try : True\nSecond try: 1\n')

    def test_thread_exception_layout(self):
        out, err, rc = run_py2("""\
            import threading
            def f():
                1 / 0
            t = threading.Thread(target=f)
            t.start(); t.join()
            print 'done'
            """)
        self.assertEqual((out, rc), ('done\n', 0))
        self.assertTrue(err.startswith('Exception in thread Thread-1:\n'
                                       'Traceback (most recent call last):\n'
                                       ), err)
        self.assertTrue(err.endswith('  File "prog.py", line 3, in f\n'
                                     '    1 / 0\n'
                                     'ZeroDivisionError: integer division '
                                     'or modulo by zero\n\n'), err)
        self.assertNotIn('^^^', err)


TRICKY = '''\
# comment
"""doc"""
import os  # end comment
import sys

def f((a, b), c):
    return a + b + c

def g((a, b)):
    """doc"""
    return a + b

try:
    pass
except Exception, (x, y):
    pass

from urllib import urlopen, urlencode
x = reduce(lambda a, b: a + b, [1, 2, 3])
y = intern('abc')
print x / 2, \\
    x / 3
z = 7
z /= 2
class C:
    __metaclass__ = type
    v = 1
from itertools import imap, izip
d = {}
print d.has_key(1), d.keys(), map(str, [1]), 0777, 10L, `z`, ur'x'
'''


class LineNumbers(unittest.TestCase):
    def check_lines(self, src, name):
        out = p2.translate(src, name)
        self.assertEqual(p2.notes, [], name)
        a, b = src.split('\n'), out.split('\n')
        self.assertEqual(len(a), len(b), name)
        for i, (x, y) in enumerate(zip(a, b), 1):
            # blank lines stay blank; code keeps its indentation (or goes:
            # `__metaclass__ = M` moves into the class line, a removed
            # import leaves a blank line)
            where = '%s:%d: %r -> %r' % (name, i, x, y)
            if not x.strip():
                self.assertEqual(y.strip(), '', where)
            elif y.strip():
                # (indentation compared in columns: a file mixing tab and
                # space indentation gets Python 2's tab rule, tabs to 8)
                xe, ye = x.expandtabs(8), y.expandtabs(8)
                self.assertEqual(len(xe) - len(xe.lstrip()),
                                 len(ye) - len(ye.lstrip()), where)
        # every statement of the translation starts on a line where the
        # source has code at the same indentation
        for node in ast.walk(ast.parse(out)):
            if isinstance(node, ast.stmt):
                line = a[node.lineno - 1]
                self.assertTrue(line.strip(), '%s:%d' % (name, node.lineno))
                if '\t' in line and '\t' not in b[node.lineno - 1]:
                    line = line.expandtabs(8)   # the tab rule expanded it
                indent = len(line) - len(line.lstrip())
                if node.col_offset == len(b[node.lineno - 1]) - len(
                        b[node.lineno - 1].lstrip()):
                    self.assertEqual(indent, node.col_offset,
                                     '%s:%d' % (name, node.lineno))
        return out

    def test_corpus_lines_kept(self):
        for path, text in corpus():
            self.check_lines(text, path)

    def test_added_statements_joined(self):
        out = self.check_lines(TRICKY, 'tricky.py')
        compile(out, 'tricky.py', 'exec')
        lines = out.split('\n')
        self.assertIn('from functools import reduce', lines[3])
        self.assertIn('(a, b) = ', lines[6])
        self.assertIn('(a, b) = ', lines[10])
        self.assertIn('(x, y) = ', lines[15])
        self.assertIn('urllib.parse', lines[17])

    def test_traceback_cites_the_source_line(self):
        out, err, rc = run_py2("""\
            import threading
            def f():
                print 'in f'
                x = {}
                print 'about to fail', \\
                    x[
                      'missing']
            f()
            """)
        self.assertEqual(rc, 1)
        self.assertIn('line 8, in <module>', err)
        self.assertIn('line 6, in f', err)

    def test_multiline_print_with_comment(self):
        src = ("print ('a',  # one\n"
               "       'b')\n"
               "print 'c'\n")
        out = self.check_lines(src, 'm.py')
        self.assertEqual(exec_py2(src)[0], "('a', 'b')\nc\n")


class Corpus(unittest.TestCase):
    def test_every_program_translates_and_compiles(self):
        progs = corpus()
        self.assertGreaterEqual(len(progs), 29)
        for path, text in progs:
            code = p2.translate(text, path)
            compile(code, path, 'exec', dont_inherit=True)


if __name__ == '__main__':
    unittest.main()
