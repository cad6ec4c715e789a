/*
 * tests/test_py_errors.c — errors as Python reports them: syntax errors,
 * uncaught exceptions in main and in threads, misuse of the threading API,
 * and what runs unconfined or under --sandbox. Expected outputs are what
 * Debian's CPython 3.11.2 (/usr/bin/python3.11, the libpython threadsim
 * embeds) prints with -u, stderr merged into stdout in order, with the one
 * normalization threadsim documents: the file is shown as given ("t.py",
 * not the absolute path python3.11 puts in __main__'s frames). Everything
 * else is CPython's own: the `^^^^` position lines, and the frames of
 * /usr/lib/python3.11/threading.py in a thread's traceback.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "py_util.h"

static void test_syntax_invalid(void)
{
    PYT_EXPECT("x = 1\n"
    "if x:\n"
    "    y = = 2\n"
    "",
               3, PYT_SYNTAX,
               "  File \"t.py\", line 3\n"
    "    y = = 2\n"
    "        ^\n"
    "SyntaxError: invalid syntax\n"
    "");
}

static void test_syntax_unexpected_indent(void)
{
    PYT_EXPECT("if 1:\n"
    "  x=1\n"
    "    y=2\n"
    "",
               3, PYT_SYNTAX,
               "  File \"t.py\", line 3\n"
    "    y=2\n"
    "IndentationError: unexpected indent\n"
    "");
}

static void test_syntax_unindent(void)
{
    PYT_EXPECT("if 1:\n"
    "    x=1\n"
    "  y=2\n"
    "",
               3, PYT_SYNTAX,
               "  File \"t.py\", line 3\n"
    "    y=2\n"
    "       ^\n"
    "IndentationError: unindent does not match any outer indentation level\n"
    "");
}

static void test_syntax_expected_block(void)
{
    PYT_EXPECT("if 1:\n"
    "x=1\n"
    "",
               3, PYT_SYNTAX,
               "  File \"t.py\", line 2\n"
    "    x=1\n"
    "    ^\n"
    "IndentationError: expected an indented block after 'if' statement on line 1\n"
    "");
}

static void test_syntax_never_closed(void)
{
    PYT_EXPECT("print('start')\n"
    "x = (1,\n"
    "  2\n"
    "",
               3, PYT_SYNTAX,
               "  File \"t.py\", line 2\n"
    "    x = (1,\n"
    "        ^\n"
    "SyntaxError: '(' was never closed\n"
    "");
}

static void test_syntax_unterminated_string(void)
{
    PYT_EXPECT("x = \"abc\n"
    "",
               3, PYT_SYNTAX,
               "  File \"t.py\", line 1\n"
    "    x = \"abc\n"
    "        ^\n"
    "SyntaxError: unterminated string literal (detected at line 1)\n"
    "");
}

static void test_syntax_taberror(void)
{
    PYT_EXPECT("if 1:\n"
    "\tx=1\n"
    "        y=2\n"
    "",
               3, PYT_SYNTAX,
               "  File \"t.py\", line 3\n"
    "    y=2\n"
    "TabError: inconsistent use of tabs and spaces in indentation\n"
    "");
}

static void test_syntax_eof_operator(void)
{
    PYT_EXPECT("x = 1 +\n"
    "",
               3, PYT_SYNTAX,
               "  File \"t.py\", line 1\n"
    "    x = 1 +\n"
    "           ^\n"
    "SyntaxError: invalid syntax\n"
    "");
}

static void test_syntax_expected_colon(void)
{
    PYT_EXPECT("def f()\n"
    "    pass\n"
    "",
               3, PYT_SYNTAX,
               "  File \"t.py\", line 1\n"
    "    def f()\n"
    "           ^\n"
    "SyntaxError: expected ':'\n"
    "");
}

/* A source python3 cannot decode: its file tokenizer's one line, before
 * anything runs (compiled from a string, CPython said "(unicode error)
 * 'utf-8' codec can't decode ..." and "unknown encoding" at line 0). */
static void test_syntax_source_encoding(void)
{
    PYT_EXPECT("print('never')\n"
    "print(\"caf\xe9\")\n"
    "",
               3, 1,
               "SyntaxError: Non-UTF-8 code starting with '\\xe9' in file t.py on line 2, but no "
               "encoding declared; see https://peps.python.org/pep-0263/ for details\n");
    PYT_EXPECT("s = '\xed\xa0\x80'\n"
    "",
               3, 1,
               "SyntaxError: Non-UTF-8 code starting with '\\xed' in file t.py on line 1, but no "
               "encoding declared; see https://peps.python.org/pep-0263/ for details\n");
    PYT_EXPECT("# -*- coding: bogus-enc -*-\n"
    "print(1)\n"
    "",
               3, 1, "SyntaxError: encoding problem: bogus-enc\n");
    PYT_EXPECT("\xef\xbb\xbf# coding: latin-1\n"
    "print(1)\n"
    "",
               3, 1, "SyntaxError: encoding problem: iso-8859-1 with BOM\n");
    /* declared, it decodes */
    PYT_EXPECT("# coding: Latin_1\n"
    "print(\"caf\xe9\")\n"
    "",
               3, 0, "caf\xc3\xa9\n");
}

static void test_uncaught_main(void)
{
    PYT_EXPECT("print('before')\n"
    "def f(x):\n"
    "    return g(x) + 1\n"
    "def g(x):\n"
    "    raise ValueError('bad thing: %d' % x)\n"
    "f(3)\n"
    "print('never')\n"
    "",
               3, 1,
               "before\n"
               "Traceback (most recent call last):\n"
               "  File \"t.py\", line 6, in <module>\n"
               "    f(3)\n"
               "  File \"t.py\", line 3, in f\n"
               "    return g(x) + 1\n"
               "           ^^^^\n"
               "  File \"t.py\", line 5, in g\n"
               "    raise ValueError('bad thing: %d' % x)\n"
               "ValueError: bad thing: 3\n");
}

static void test_uncaught_chained(void)
{
    PYT_EXPECT("def h():\n"
    "    try:\n"
    "        1 / 0\n"
    "    except ZeroDivisionError:\n"
    "        raise KeyError('k')\n"
    "h()\n"
    "",
               3, 1,
               "Traceback (most recent call last):\n"
               "  File \"t.py\", line 3, in h\n"
               "    1 / 0\n"
               "    ~~^~~\n"
               "ZeroDivisionError: division by zero\n"
               "\n"
               "During handling of the above exception, another exception occurred:\n"
               "\n"
               "Traceback (most recent call last):\n"
               "  File \"t.py\", line 6, in <module>\n"
               "    h()\n"
               "  File \"t.py\", line 5, in h\n"
               "    raise KeyError('k')\n"
               "KeyError: 'k'\n");
}

static void test_uncaught_from(void)
{
    PYT_EXPECT("try:\n"
    "    int('x')\n"
    "except ValueError as e:\n"
    "    raise RuntimeError('wrapped') from e\n"
    "",
               3, 1,
               "Traceback (most recent call last):\n"
    "  File \"t.py\", line 2, in <module>\n"
    "    int('x')\n"
    "ValueError: invalid literal for int() with base 10: 'x'\n"
    "\n"
    "The above exception was the direct cause of the following exception:\n"
    "\n"
    "Traceback (most recent call last):\n"
    "  File \"t.py\", line 4, in <module>\n"
    "    raise RuntimeError('wrapped') from e\n"
    "RuntimeError: wrapped\n"
    "");
}

static void test_uncaught_from_none(void)
{
    PYT_EXPECT("try:\n"
    "    int('x')\n"
    "except ValueError as e:\n"
    "    raise RuntimeError('clean') from None\n"
    "",
               3, 1,
               "Traceback (most recent call last):\n"
    "  File \"t.py\", line 4, in <module>\n"
    "    raise RuntimeError('clean') from None\n"
    "RuntimeError: clean\n"
    "");
}

static void test_uncaught_custom(void)
{
    PYT_EXPECT("class AppError(Exception):\n"
    "    def __str__(self):\n"
    "        return 'custom message'\n"
    "raise AppError()\n"
    "",
               3, 1,
               "Traceback (most recent call last):\n"
    "  File \"t.py\", line 4, in <module>\n"
    "    raise AppError()\n"
    "AppError: custom message\n"
    "");
}

static void test_uncaught_noarg(void)
{
    PYT_EXPECT("class Quiet(Exception):\n"
    "    pass\n"
    "raise Quiet\n"
    "",
               3, 1,
               "Traceback (most recent call last):\n"
    "  File \"t.py\", line 3, in <module>\n"
    "    raise Quiet\n"
    "Quiet\n"
    "");
}

static void test_uncaught_in_method(void)
{
    PYT_EXPECT("class C:\n"
    "    def m(self):\n"
    "        return self.missing\n"
    "C().m()\n"
    "",
               3, 1,
               "Traceback (most recent call last):\n"
               "  File \"t.py\", line 4, in <module>\n"
               "    C().m()\n"
               "  File \"t.py\", line 3, in m\n"
               "    return self.missing\n"
               "           ^^^^^^^^^^^^\n"
               "AttributeError: 'C' object has no attribute 'missing'\n");
}

static void test_recursion(void)
{
    PYT_EXPECT("def r(n):\n"
    "    return r(n + 1)\n"
    "r(0)\n"
    "",
               3, 1,
               "Traceback (most recent call last):\n"
               "  File \"t.py\", line 3, in <module>\n"
               "    r(0)\n"
               "  File \"t.py\", line 2, in r\n"
               "    return r(n + 1)\n"
               "           ^^^^^^^^\n"
               "  File \"t.py\", line 2, in r\n"
               "    return r(n + 1)\n"
               "           ^^^^^^^^\n"
               "  File \"t.py\", line 2, in r\n"
               "    return r(n + 1)\n"
               "           ^^^^^^^^\n"
               "  [Previous line repeated 996 more times]\n"
               "RecursionError: maximum recursion depth exceeded\n");
}

static void test_name_error(void)
{
    PYT_EXPECT("print(undefined)\n"
    "",
               3, 1,
               "Traceback (most recent call last):\n"
               "  File \"t.py\", line 1, in <module>\n"
               "    print(undefined)\n"
               "          ^^^^^^^^^\n"
               "NameError: name 'undefined' is not defined\n");
}

/* CPython 3.11's printer ends an AttributeError's or a NameError's line
 * with ". Did you mean: 'NAME'?" (a local, a global, a builtin, an
 * attribute) for threads' uncaught exceptions, the main thread's, and
 * those inside chains and groups; traceback.py, which reports are made
 * with, gained it only in 3.12, so they lacked it. (python3.11's text.) */
static void test_did_you_mean(void)
{
    PYT_EXPECT("import threading\n"
               "def work():\n"
               "    counter = 0\n"
               "    print(countr)\n"
               "def attr():\n"
               "    \"abc\".uper()\n"
               "for f in (work, attr):\n"
               "    t = threading.Thread(target=f, name=f.__name__); t.start(); t.join()\n"
               "try:\n"
               "    [].apend(1)\n"
               "except AttributeError as e:\n"
               "    raise ExceptionGroup(\"eg\", [e, NameError(\"plain\")]) from KeyError(\"k\")\n",
               3, 1,
               "Exception in thread work:\n"
               "Traceback (most recent call last):\n"
               "  File \"/usr/lib/python3.11/threading.py\", line 1038, in _bootstrap_inner\n"
               "    self.run()\n"
               "  File \"/usr/lib/python3.11/threading.py\", line 975, in run\n"
               "    self._target(*self._args, **self._kwargs)\n"
               "  File \"t.py\", line 4, in work\n"
               "    print(countr)\n"
               "          ^^^^^^\n"
               "NameError: name 'countr' is not defined. Did you mean: 'counter'?\n"
               "Exception in thread attr:\n"
               "Traceback (most recent call last):\n"
               "  File \"/usr/lib/python3.11/threading.py\", line 1038, in _bootstrap_inner\n"
               "    self.run()\n"
               "  File \"/usr/lib/python3.11/threading.py\", line 975, in run\n"
               "    self._target(*self._args, **self._kwargs)\n"
               "  File \"t.py\", line 6, in attr\n"
               "    \"abc\".uper()\n"
               "    ^^^^^^^^^^\n"
               "AttributeError: 'str' object has no attribute 'uper'. Did you mean: 'upper'?\n"
               "KeyError: 'k'\n"
               "\n"
               "The above exception was the direct cause of the following exception:\n"
               "\n"
               "  + Exception Group Traceback (most recent call last):\n"
               "  |   File \"t.py\", line 12, in <module>\n"
               "  |     raise ExceptionGroup(\"eg\", [e, NameError(\"plain\")]) from KeyError(\"k\")\n"
               "  | ExceptionGroup: eg (2 sub-exceptions)\n"
               "  +-+---------------- 1 ----------------\n"
               "    | Traceback (most recent call last):\n"
               "    |   File \"t.py\", line 10, in <module>\n"
               "    |     [].apend(1)\n"
               "    |     ^^^^^^^^\n"
               "    | AttributeError: 'list' object has no attribute 'apend'. Did you mean: 'append'?\n"
               "    +---------------- 2 ----------------\n"
               "    | NameError: plain\n"
               "    +------------------------------------\n");
}

static void test_unbound_local(void)
{
    PYT_EXPECT("x = 1\n"
    "def f():\n"
    "    print(x)\n"
    "    x = 2\n"
    "f()\n"
    "",
               3, 1,
               "Traceback (most recent call last):\n"
               "  File \"t.py\", line 5, in <module>\n"
               "    f()\n"
               "  File \"t.py\", line 3, in f\n"
               "    print(x)\n"
               "          ^\n"
               "UnboundLocalError: cannot access local variable 'x' where it is not associated with a value\n");
}

static void test_thread_exception(void)
{
    PYT_EXPECT("import threading\n"
    "def worker(n):\n"
    "    print('worker', n)\n"
    "    raise RuntimeError('boom %d' % n)\n"
    "t = threading.Thread(target=worker, args=(1,))\n"
    "t.start()\n"
    "t.join()\n"
    "print('main goes on', t.is_alive())\n"
    "",
               3, 0,
               "worker 1\n"
               "Exception in thread Thread-1 (worker):\n"
               "Traceback (most recent call last):\n"
               "  File \"/usr/lib/python3.11/threading.py\", line 1038, in _bootstrap_inner\n"
               "    self.run()\n"
               "  File \"/usr/lib/python3.11/threading.py\", line 975, in run\n"
               "    self._target(*self._args, **self._kwargs)\n"
               "  File \"t.py\", line 4, in worker\n"
               "    raise RuntimeError('boom %d' % n)\n"
               "RuntimeError: boom 1\n"
               "main goes on False\n");
}

static void test_thread_exception_named(void)
{
    PYT_EXPECT("import threading\n"
    "def bad():\n"
    "    [][0]\n"
    "t = threading.Thread(target=bad, name='worker-A')\n"
    "t.start()\n"
    "t.join()\n"
    "print('done')\n"
    "",
               3, 0,
               "Exception in thread worker-A:\n"
               "Traceback (most recent call last):\n"
               "  File \"/usr/lib/python3.11/threading.py\", line 1038, in _bootstrap_inner\n"
               "    self.run()\n"
               "  File \"/usr/lib/python3.11/threading.py\", line 975, in run\n"
               "    self._target(*self._args, **self._kwargs)\n"
               "  File \"t.py\", line 3, in bad\n"
               "    [][0]\n"
               "    ~~^^^\n"
               "IndexError: list index out of range\n"
               "done\n");
}

/* The source lines as CPython's C printer shows them (traceback.py, which
 * threadsim formats with, differs in 3.11): a line's trailing blanks kept
 * and the carets under the expression, in a thread and in main (they
 * stood two columns left, the blanks gone). */
static void test_uncaught_trailing_blanks(void)
{
    PYT_EXPECT("import threading\n"
    "def work(d):\n"
    "    return d[\"total\"] / d[\"count\"]  \n"
    "t = threading.Thread(target=work, args=({\"total\": 1, \"count\": 0},))\n"
    "t.start(); t.join()\n"
    "def f(x):\n"
    "    return x[\"k\"]  \n"
    "f({})\n"
    "",
               3, 1,
               "Exception in thread Thread-1 (work):\n"
               "Traceback (most recent call last):\n"
               "  File \"/usr/lib/python3.11/threading.py\", line 1038, in _bootstrap_inner\n"
               "    self.run()\n"
               "  File \"/usr/lib/python3.11/threading.py\", line 975, in run\n"
               "    self._target(*self._args, **self._kwargs)\n"
               "  File \"t.py\", line 3, in work\n"
               "    return d[\"total\"] / d[\"count\"]  \n"
               "           ~~~~~~~~~~~^~~~~~~~~~~~\n"
               "ZeroDivisionError: division by zero\n"
               "Traceback (most recent call last):\n"
               "  File \"t.py\", line 8, in <module>\n"
               "    f({})\n"
               "  File \"t.py\", line 7, in f\n"
               "    return x[\"k\"]  \n"
               "           ~^^^^^\n"
               "KeyError: 'k'\n");
}

/* Lines end where python3's file reading ends them ("\r\n", "\r", "\n"),
 * not where str.splitlines does: a form feed or U+2028 set every line
 * after it one off, and "\r\n" put the carets a column left. */
static void test_uncaught_line_breaks(void)
{
    PYT_EXPECT("def f():\r\n"
    "    l = [1]\r\n"
    "    return l[1] + 2\r\n"
    "\x0c\r\n"
    "# a comment \xe2\x80\xa8 with a line separator\r\n"
    "f()\r\n"
    "",
               3, 1,
               "Traceback (most recent call last):\n"
               "  File \"t.py\", line 6, in <module>\n"
               "    f()\n"
               "  File \"t.py\", line 3, in f\n"
               "    return l[1] + 2\n"
               "           ~^^^\n"
               "IndexError: list index out of range\n");
}

/* except*'s group around an exception whose context is another group: the
 * outer group's closing line (traceback.py 3.11 lets the inner one take it). */
static void test_uncaught_group_close(void)
{
    PYT_EXPECT("try:\n"
    "    raise ExceptionGroup(\"g\", [KeyError(1)])\n"
    "except* KeyError:\n"
    "    raise RuntimeError(\"x\")\n"
    "",
               3, 1,
               "  | ExceptionGroup:  (1 sub-exception)\n"
               "  +-+---------------- 1 ----------------\n"
               "    | Exception Group Traceback (most recent call last):\n"
               "    |   File \"t.py\", line 2, in <module>\n"
               "    |     raise ExceptionGroup(\"g\", [KeyError(1)])\n"
               "    | ExceptionGroup: g (1 sub-exception)\n"
               "    +-+---------------- 1 ----------------\n"
               "      | KeyError: 1\n"
               "      +------------------------------------\n"
               "    | \n"
               "    | During handling of the above exception, another exception occurred:\n"
               "    | \n"
               "    | Traceback (most recent call last):\n"
               "    |   File \"t.py\", line 4, in <module>\n"
               "    |     raise RuntimeError(\"x\")\n"
               "    | RuntimeError: x\n"
               "    +------------------------------------\n");
}

/* socket.socketpair (pipes between the program's threads) refuses the
 * arguments the kernel's socketpair(2) refuses, with its errno, and those
 * PyArg_ParseTuple's "iii" refuses, in its words (family=999 made a pair). */
static void test_socketpair_refused(void)
{
    PYT_EXPECT("import socket\n"
    "for a in [dict(family=999), dict(type=999), dict(proto=5), dict(family=socket.AF_INET),\n"
    "          dict(family='x'), dict(family=10), dict(family=-1), dict(type=4), dict(type=3),\n"
    "          dict(family=2**40), dict(proto=-2**40), dict(family=1.5),\n"
    "          dict(family=socket.AF_INET, proto=5)]:\n"
    "    try:\n"
    "        socket.socketpair(**a)\n"
    "        print(a, 'ok')\n"
    "    except Exception as e:\n"
    "        print(a, type(e).__name__, e)\n"
    "",
               3, 0,
               "{'family': 999} OSError [Errno 97] Address family not supported by protocol\n"
               "{'type': 999} OSError [Errno 22] Invalid argument\n"
               "{'proto': 5} OSError [Errno 93] Protocol not supported\n"
               "{'family': <AddressFamily.AF_INET: 2>} OSError [Errno 95] Operation not supported\n"
               "{'family': 'x'} TypeError 'str' object cannot be interpreted as an integer\n"
               "{'family': 10} OSError [Errno 95] Operation not supported\n"
               "{'family': -1} OSError [Errno 97] Address family not supported by protocol\n"
               "{'type': 4} OSError [Errno 94] Socket type not supported\n"
               "{'type': 3} ok\n"
               "{'family': 1099511627776} OverflowError signed integer is greater than maximum\n"
               "{'proto': -1099511627776} OverflowError signed integer is less than minimum\n"
               "{'family': 1.5} TypeError 'float' object cannot be interpreted as an integer\n"
               "{'family': <AddressFamily.AF_INET: 2>, 'proto': 5} OSError [Errno 93] Protocol not "
               "supported\n");
}

/* multiprocessing's locks (threadsim's SemLock on the simulator's
 * primitives) refuse bad values as _multiprocessing.SemLock does: the
 * argument clinic's C int, then sem_open(3)'s EINVAL (it said ValueError
 * "invalid value"), and their releases' errors. */
static void test_multiprocessing_lock_errors(void)
{
    PYT_EXPECT("import multiprocessing as mp\n"
    "for f in (lambda: mp.Semaphore(-1), lambda: mp.BoundedSemaphore(-1),\n"
    "          lambda: mp.Semaphore(2**40), lambda: mp.Semaphore('x'), lambda: mp.Lock().release(),\n"
    "          lambda: mp.RLock().release(), lambda: mp.BoundedSemaphore(1).release()):\n"
    "    try:\n"
    "        print(f())\n"
    "    except Exception as e:\n"
    "        print(type(e).__name__, e)\n"
    "",
               3, 0,
               "OSError [Errno 22] Invalid argument\n"
               "OSError [Errno 22] Invalid argument\n"
               "OverflowError Python int too large to convert to C int\n"
               "TypeError 'str' object cannot be interpreted as an integer\n"
               "ValueError semaphore or lock released too many times\n"
               "AssertionError attempt to release recursive lock not owned by thread\n"
               "ValueError semaphore or lock released too many times\n");
}

/* An error raised by one of threadsim's Python replacements of a C
 * function (os.urandom, select.select) shows no frame of threadsim's
 * ("<threadsim>", line N): python3's C function has none. */
static void test_uncaught_no_threadsim_frame(void)
{
    PYT_EXPECT("import os, select, threading\n"
    "def w():\n"
    "    os.urandom(-1)\n"
    "t = threading.Thread(target=w); t.start(); t.join()\n"
    "select.select([0], [], [], -1)\n"
    "",
               3, 1,
               "Exception in thread Thread-1 (w):\n"
               "Traceback (most recent call last):\n"
               "  File \"/usr/lib/python3.11/threading.py\", line 1038, in _bootstrap_inner\n"
               "    self.run()\n"
               "  File \"/usr/lib/python3.11/threading.py\", line 975, in run\n"
               "    self._target(*self._args, **self._kwargs)\n"
               "  File \"t.py\", line 3, in w\n"
               "    os.urandom(-1)\n"
               "ValueError: negative argument not allowed\n"
               "Traceback (most recent call last):\n"
               "  File \"t.py\", line 5, in <module>\n"
               "    select.select([0], [], [], -1)\n"
               "ValueError: timeout must be non-negative\n");
}

/* The program's own tracebacks and stacks (traceback.print_exc,
 * print_stack, extract_stack, walk_stack(None), logging.exception) leave
 * out threadsim's own frames too, as the uncaught printer does: a
 * socketpair's recv (a Python method of threadsim's) showed
 * "<threadsim>", line N, in recv; Random.seed's showed its wrapper. The
 * expected text is python3.11's (its absolute path aside). */
static void test_caught_no_threadsim_frame(void)
{
    PYT_EXPECT(
    "import traceback, logging, threading, os, sys\n"
    "def f():\n"
    "    traceback.print_stack()\n"
    "    print(len(traceback.extract_stack()), [fs.name for fs in traceback.extract_stack()])\n"
    "    print([fs.name for fs in traceback.StackSummary.extract(traceback.walk_stack(None))])\n"
    "f()\n"
    "t = threading.Thread(target=f); t.start(); t.join()\n"
    "logging.basicConfig(format='%(levelname)s %(message)s')\n"
    "try:\n"
    "    os.urandom(-5)\n"
    "except ValueError:\n"
    "    logging.exception(\"boom\")\n"
    "try:\n"
    "    import random; random.Random().seed([])\n"
    "except TypeError as e:\n"
    "    print(len(traceback.extract_tb(e.__traceback__)), traceback.format_exc().count('File'))\n"
    "import socket\n"
    "a, b = socket.socketpair()\n"
    "try:\n"
    "    a.recv(-1)\n"
    "except ValueError:\n"
    "    traceback.print_exc()\n",
               3, 0,
               "  File \"t.py\", line 6, in <module>\n"
               "    f()\n"
               "  File \"t.py\", line 3, in f\n"
               "    traceback.print_stack()\n"
               "2 ['<module>', 'f']\n"
               "['f', '<module>']\n"
               "  File \"/usr/lib/python3.11/threading.py\", line 995, in _bootstrap\n"
               "    self._bootstrap_inner()\n"
               "  File \"/usr/lib/python3.11/threading.py\", line 1038, in _bootstrap_inner\n"
               "    self.run()\n"
               "  File \"/usr/lib/python3.11/threading.py\", line 975, in run\n"
               "    self._target(*self._args, **self._kwargs)\n"
               "  File \"t.py\", line 3, in f\n"
               "    traceback.print_stack()\n"
               "4 ['_bootstrap', '_bootstrap_inner', 'run', 'f']\n"
               "['f', 'run', '_bootstrap_inner', '_bootstrap']\n"
               "ERROR boom\n"
               "Traceback (most recent call last):\n"
               "  File \"t.py\", line 10, in <module>\n"
               "    os.urandom(-5)\n"
               "ValueError: negative argument not allowed\n"
               "2 2\n"
               "Traceback (most recent call last):\n"
               "  File \"t.py\", line 20, in <module>\n"
               "    a.recv(-1)\n"
               "ValueError: negative buffersize in recv\n");
}

/* threadsim's replacements of C functions that take no arguments (the
 * fixed pid, CPUs, machine name and times) refuse some as the C functions
 * do, in their words (a def said "getpid() takes 0 positional arguments
 * but 1 was given"); os.urandom's size is an index, and os.urandom is a
 * built-in (a gate) whose errors a caught traceback shows without a frame
 * of threadsim's. */
static void test_replaced_c_function_errors(void)
{
    PYT_EXPECT("import os, socket\n"
    "for f, a in ((os.getpid, (1,)), (os.cpu_count, (5,)), (os.uname, (1,)), (os.times, (1,)), "
    "(socket.gethostname, (1,)), (os.urandom, (\"x\",))):\n"
    "    try:\n"
    "        f(*a)\n"
    "    except TypeError as e:\n"
    "        print(e)\n"
    "for a, k in (((), {}), ((1, 2), {}), ((), {'size': 3})):\n"
    "    try:\n"
    "        os.urandom(*a, **k)\n"
    "    except TypeError as e:\n"
    "        print(e)\n"
    "print(os.urandom, len(os.urandom(5)))\n"
    "try:\n"
    "    os.getppid(x=1)\n"
    "except TypeError as e:\n"
    "    print(e)\n"
    "import traceback\n"
    "try:\n"
    "    os.urandom(-1)\n"
    "except ValueError:\n"
    "    traceback.print_exc()\n"
    "",
               3, 0,
               "posix.getpid() takes no arguments (1 given)\n"
               "posix.cpu_count() takes no arguments (1 given)\n"
               "posix.uname() takes no arguments (1 given)\n"
               "posix.times() takes no arguments (1 given)\n"
               "_socket.gethostname() takes no arguments (1 given)\n"
               "'str' object cannot be interpreted as an integer\n"
               "posix.urandom() takes exactly one argument (0 given)\n"
               "posix.urandom() takes exactly one argument (2 given)\n"
               "posix.urandom() takes no keyword arguments\n"
               "<built-in function urandom> 5\n"
               "posix.getppid() takes no keyword arguments\n"
               "Traceback (most recent call last):\n"
               "  File \"t.py\", line 19, in <module>\n"
               "    os.urandom(-1)\n"
               "ValueError: negative argument not allowed\n");
}

/* sys.stderr = None: an uncaught exception prints nothing, in main and in
 * a thread (CPython's printer gives up; traceback.py printed it to
 * stdout), and sys.exit's message goes to the descriptor. */
static void test_stderr_none(void)
{
    PYT_EXPECT("import sys\n"
    "sys.stderr = None\n"
    "print('out')\n"
    "raise ValueError('lost')\n"
    "",
               3, 1, "out\n");
    PYT_EXPECT("import sys, threading\n"
    "sys.stderr = None\n"
    "def w(): raise KeyError(1)\n"
    "t = threading.Thread(target=w); t.start(); t.join()\n"
    "print('main goes on')\n"
    "",
               3, 0, "main goes on\n");
    PYT_EXPECT("import sys\n"
    "sys.stderr = None\n"
    "sys.exit('bye msg')\n"
    "",
               3, 1, "bye msg\n");
}

static void test_sys_exit_code(void)
{
    PYT_EXPECT("import sys\n"
    "print('x')\n"
    "sys.exit(3)\n"
    "",
               3, 3,
               "x\n"
    "");
}

static void test_sys_exit_message(void)
{
    PYT_EXPECT("import sys\n"
    "sys.exit('fatal: stop')\n"
    "",
               3, 1,
               "fatal: stop\n"
    "");
}

static void test_sys_exit_in_thread(void)
{
    PYT_EXPECT("import sys, threading\n"
    "def w():\n"
    "    sys.exit(5)\n"
    "t = threading.Thread(target=w)\n"
    "t.start(); t.join()\n"
    "print('main ok')\n"
    "",
               3, 0,
               "main ok\n"
    "");
}

static void test_start_twice(void)
{
    PYT_EXPECT("import threading\n"
    "t = threading.Thread(target=lambda: None)\n"
    "t.start()\n"
    "t.start()\n"
    "",
               3, 1,
               "Traceback (most recent call last):\n"
               "  File \"t.py\", line 4, in <module>\n"
               "    t.start()\n"
               "  File \"/usr/lib/python3.11/threading.py\", line 952, in start\n"
               "    raise RuntimeError(\"threads can only be started once\")\n"
               "RuntimeError: threads can only be started once\n");
}

static void test_join_self(void)
{
    PYT_EXPECT("import threading\n"
    "threading.current_thread().join()\n"
    "",
               3, 1,
               "Traceback (most recent call last):\n"
               "  File \"t.py\", line 2, in <module>\n"
               "    threading.current_thread().join()\n"
               "  File \"/usr/lib/python3.11/threading.py\", line 1109, in join\n"
               "    raise RuntimeError(\"cannot join current thread\")\n"
               "RuntimeError: cannot join current thread\n");
}

static void test_join_unstarted(void)
{
    PYT_EXPECT("import threading\n"
    "threading.Thread(target=print).join()\n"
    "",
               3, 1,
               "Traceback (most recent call last):\n"
               "  File \"t.py\", line 2, in <module>\n"
               "    threading.Thread(target=print).join()\n"
               "  File \"/usr/lib/python3.11/threading.py\", line 1107, in join\n"
               "    raise RuntimeError(\"cannot join thread before it is started\")\n"
               "RuntimeError: cannot join thread before it is started\n");
}

/* ---- what the old subset interpreter refused -----------------------------
 * The program runs in CPython itself, unconfined unless --sandbox: open,
 * os, subprocess, socket, eval, exec and __import__ work as in python3. */

static void test_builtin_open(void)
{
    PYT_EXPECT("print(open('/etc/passwd').readline().split(':')[0])\n", 3, 0, "root\n");
}

static void test_import_os(void)
{
    PYT_EXPECT("import os\n"
               "print(os.path.join('a', 'b'), os.sep)\n",
               3, 0, "a/b /\n");
}

static void test_import_subprocess(void)
{
    PYT_EXPECT("import subprocess\n"
               "print(subprocess.PIPE, subprocess.DEVNULL)\n",
               3, 0, "-1 -3\n");
}

static void test_import_socket(void)
{
    PYT_EXPECT("from socket import socket, AF_INET\n"
               "print(socket.__name__, AF_INET.name)\n",
               3, 0, "socket AF_INET\n");
}

static void test_builtin_eval(void)
{
    PYT_EXPECT("print(eval('1+1'))\n", 3, 0, "2\n");
}

static void test_builtin_exec(void)
{
    PYT_EXPECT("exec('x = 1')\n"
               "print(x)\n",
               3, 0, "1\n");
}

static void test_builtin_import(void)
{
    PYT_EXPECT("print(__import__('os').sep)\n", 3, 0, "/\n");
}

/* Under `threadsim run --sandbox` the kernel refuses a read outside the
 * program's folder and the library: CPython reports the EACCES as it always
 * does (the confinement itself is tested in test_sandbox.c). */
static void test_sandbox_open(void)
{
    char tmpl[] = "/tmp/ts_py_errors_XXXXXX";
    char *dir = mkdtemp(tmpl);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    char path[512], cmd[1024];
    snprintf(path, sizeof path, "%s/t.py", dir);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("open('/etc/passwd')\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "cd %s && %s run t.py --no-db --sandbox 2>&1", dir, THREADSIM_BINARY);
    int st;
    char *out = ts_capture(cmd, &st);
    CU_ASSERT_EQUAL(st, 1);
    TS_ASSERT_STR_EQ(out, "Traceback (most recent call last):\n"
                          "  File \"t.py\", line 1, in <module>\n"
                          "    open('/etc/passwd')\n"
                          "PermissionError: [Errno 13] Permission denied: '/etc/passwd'\n");
    free(out);
    unlink(path);
    rmdir(dir);
}

static void test_type_errors(void)
{
    PYT_EXPECT("nothing = None\n"
    "def f(a, b):\n"
    "    pass\n"
    "for call in [lambda: f(1), lambda: f(1, 2, 3), lambda: f(1, c=2), lambda: f(1, 2, a=3), lambda: len(5), lambda: nothing(), lambda: 'a' < 1, lambda: [] + (), lambda: {}[[]], lambda: int(None)]:\n"
    "    try:\n"
    "        call()\n"
    "    except Exception as e:\n"
    "        print(type(e).__name__, e)\n"
    "",
               3, 0,
               "TypeError f() missing 1 required positional argument: 'b'\n"
    "TypeError f() takes 2 positional arguments but 3 were given\n"
    "TypeError f() got an unexpected keyword argument 'c'\n"
    "TypeError f() got multiple values for argument 'a'\n"
    "TypeError object of type 'int' has no len()\n"
    "TypeError 'NoneType' object is not callable\n"
    "TypeError '<' not supported between instances of 'str' and 'int'\n"
    "TypeError can only concatenate list (not \"tuple\") to list\n"
    "TypeError unhashable type: 'list'\n"
    "TypeError int() argument must be a string, a bytes-like object or a real number, not 'NoneType'\n"
    "");
}

/* A refused escape (a process, a socket) raises from a C gate, as the C
 * function it stands for would: no frame of threadsim's in the traceback,
 * a built-in's repr. */
static void test_refusals_look_like_c(void)
{
    PYT_EXPECT("import os, socket\n"
               "print(os.fork, os.system)\n"
               "try:\n"
               "    socket.socket()\n"
               "except PermissionError as e:\n"
               "    print(e.__traceback__.tb_next.tb_frame.f_code.co_filename)\n"
               "    print(e.__traceback__.tb_next.tb_next)\n"
               "os.fork()\n",
               3, 1,
               "<built-in function fork> <built-in function system>\n"
               "/usr/lib/python3.11/socket.py\n"
               "None\n"
               "Traceback (most recent call last):\n"
               "  File \"t.py\", line 8, in <module>\n"
               "    os.fork()\n"
               "PermissionError: threadsim: os.fork would escape the virtual clock; it is not "
               "available in a simulated run\n");
}

/* CPython's words for a float's and an int's timeout too large, as the
 * Debian python3.11 beside the embedded libpython (the same build) says
 * them: they changed within 3.11 (3.11.2 "timestamp too large to convert
 * to C _PyTime_t" for both, 3.11.7 "out of range for platform time_t" for a
 * float), and threadsim reads them from its libpython. */
static void overflow_words(char *f, char *i, size_t n)
{
    FILE *p = popen("/usr/bin/python3.11 -c \"import _thread\n"
                    "for v in (1e300, 2**64 - 1):\n"
                    "    try: _thread.allocate_lock().acquire(True, v)\n"
                    "    except OverflowError as e: print(e)\"", "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_PTR_NOT_NULL(fgets(f, (int)n, p));
    CU_ASSERT_PTR_NOT_NULL(fgets(i, (int)n, p));
    CU_ASSERT_EQUAL(pclose(p), 0);
    f[strcspn(f, "\n")] = i[strcspn(i, "\n")] = '\0';
}

/* `text` with every "%F" and "%I" replaced by f and i (malloc'd). */
static char *with_words(const char *text, const char *f, const char *i)
{
    size_t cap = strlen(text) * 4 + 1, o = 0;
    char *out = malloc(cap);
    for (const char *q = text; *q; q++) {
        const char *w = q[0] == '%' && q[1] == 'F' ? f : q[0] == '%' && q[1] == 'I' ? i : NULL;
        if (w) {
            memcpy(out + o, w, strlen(w));
            o += strlen(w);
            q++;
        } else {
            out[o++] = *q;
        }
    }
    out[o] = '\0';
    return out;
}

/* Timeouts too large for CPython's nanoseconds: the same exception types
 * and messages as python3.11 prints for this program (a float and an int
 * overflow differently, and every blocking call that takes a timeout
 * converts it the same way). */
static void test_huge_timeouts(void)
{
    char f[160], i[160];
    overflow_words(f, i, sizeof f);
    char *want = with_words(
    "sleep(1e20) OverflowError: %F\n"
    "sleep(9.3e9) OverflowError: %F\n"
    "sleep(inf) OverflowError: %F\n"
    "sleep(-inf) OverflowError: %F\n"
    "sleep(10**20) OverflowError: %I\n"
    "sleep(9223372037) OverflowError: %I\n"
    "sleep(nan) ValueError: Invalid value NaN (not a number)\n"
    "sleep(-1) ValueError: sleep length must be non-negative\n"
    "sleep('1') TypeError: 'str' object cannot be interpreted as an integer\n"
    "acquire(timeout=1e20) OverflowError: %F\n"
    "acquire(timeout=10**20) OverflowError: %I\n"
    "acquire(timeout=9223372037) OverflowError: %I\n"
    "acquire(timeout=-inf) OverflowError: %F\n"
    "acquire(timeout=-2) ValueError: timeout value must be positive\n"
    "acquire(False, 1e20) OverflowError: %F\n"
    "acquire(timeout=9223372036.854774) -> True\n"
    "Event().wait(1e20) OverflowError: %F\n"
    "RLock().acquire(timeout=1e20) OverflowError: %F\n"
    "join(1e20) OverflowError: %F\n"
    "Condition.wait(1e20) OverflowError: %F\n"
    "Semaphore(0).acquire(timeout=1e20) OverflowError: %F\n"
    "TIMEOUT_MAX 9223372036.0\n", f, i);
    PYT_EXPECT(
    "import threading, time\n"
    "def check(label, f):\n"
    "    try:\n"
    "        r = f()\n"
    "        print(label, \"->\", r)\n"
    "    except Exception as e:\n"
    "        print(label, type(e).__name__ + \":\", e)\n"
    "lock = threading.Lock()\n"
    "check(\"sleep(1e20)\", lambda: time.sleep(1e20))\n"
    "check(\"sleep(9.3e9)\", lambda: time.sleep(9.3e9))\n"
    "check(\"sleep(inf)\", lambda: time.sleep(float(\"inf\")))\n"
    "check(\"sleep(-inf)\", lambda: time.sleep(float(\"-inf\")))\n"
    "check(\"sleep(10**20)\", lambda: time.sleep(10**20))\n"
    "check(\"sleep(9223372037)\", lambda: time.sleep(9223372037))\n"
    "check(\"sleep(nan)\", lambda: time.sleep(float(\"nan\")))\n"
    "check(\"sleep(-1)\", lambda: time.sleep(-1))\n"
    "check(\"sleep('1')\", lambda: time.sleep(\"1\"))\n"
    "check(\"acquire(timeout=1e20)\", lambda: lock.acquire(timeout=1e20))\n"
    "check(\"acquire(timeout=10**20)\", lambda: lock.acquire(timeout=10**20))\n"
    "check(\"acquire(timeout=9223372037)\", lambda: lock.acquire(timeout=9223372037))\n"
    "check(\"acquire(timeout=-inf)\", lambda: lock.acquire(timeout=float(\"-inf\")))\n"
    "check(\"acquire(timeout=-2)\", lambda: lock.acquire(timeout=-2))\n"
    "check(\"acquire(False, 1e20)\", lambda: lock.acquire(False, 1e20))\n"
    "check(\"acquire(timeout=9223372036.854774)\", lambda: lock.acquire(timeout=9223372036.854774))\n"
    "check(\"Event().wait(1e20)\", lambda: threading.Event().wait(1e20))\n"
    "check(\"RLock().acquire(timeout=1e20)\", lambda: threading.RLock().acquire(timeout=1e20))\n"
    "t = threading.Thread(target=lambda: None); t.start()\n"
    "check(\"join(1e20)\", lambda: t.join(1e20))\n"
    "c = threading.Condition()\n"
    "with c:\n"
    "    check(\"Condition.wait(1e20)\", lambda: c.wait(1e20))\n"
    "check(\"Semaphore(0).acquire(timeout=1e20)\", lambda: threading.Semaphore(0).acquire(timeout=1e20))\n"
    "print(\"TIMEOUT_MAX\", threading.TIMEOUT_MAX)\n",
               3, 0, want);
    free(want);
}

/* A Timer and a sleep of 9.2e9 s (legal: under 2^63 ns) end at that
 * virtual time, and every clock says so (this printed 4000000000.0 when
 * long sleeps were cut to a century); a second one would pass the end of
 * time: it never ends, and the run stops like a deadlock that says so. */
static void test_sleep_to_the_end_of_time(void)
{
    char *out = NULL, *full = NULL;
    int st = pyt_run_opts("import threading, time\n"
                          "def f(): print('timer', time.monotonic())\n"
                          "threading.Timer(9.2e9, f).start()\n"
                          "time.sleep(9.2e9)\n"
                          "print('main', time.monotonic(), time.monotonic_ns(),\n"
                          "      time.time() - time.monotonic())\n"
                          "time.sleep(9.2e9)\n"
                          "print('never')\n",
                          3, NULL, NULL, &out, &full);
    CU_ASSERT_EQUAL(st, MODEL_EXIT_DEADLOCK);
    TS_ASSERT_STR_EQ(out, "timer 9200000000.0\n"
                          "main 9200000000.0 9200000000000000002 1704067200.0000038\n");
    bool said = full && strstr(full, "deadlock MainThread waits on sleep (-) past the end of time\n");
    if (!said)
        fprintf(stderr, "\nno end-of-time deadlock line in:\n%s\n", full ? full : "(null)");
    CU_ASSERT_TRUE(said);
    free(out);
    free(full);
}


TS_TESTS("py_errors", TS_TEST(test_syntax_invalid), TS_TEST(test_syntax_unexpected_indent), TS_TEST(test_syntax_unindent), TS_TEST(test_syntax_expected_block), TS_TEST(test_syntax_never_closed), TS_TEST(test_syntax_unterminated_string), TS_TEST(test_syntax_taberror), TS_TEST(test_syntax_eof_operator), TS_TEST(test_syntax_expected_colon), TS_TEST(test_syntax_source_encoding), TS_TEST(test_uncaught_main), TS_TEST(test_uncaught_chained), TS_TEST(test_uncaught_from), TS_TEST(test_uncaught_from_none), TS_TEST(test_uncaught_custom), TS_TEST(test_uncaught_noarg), TS_TEST(test_uncaught_in_method), TS_TEST(test_recursion), TS_TEST(test_name_error), TS_TEST(test_did_you_mean), TS_TEST(test_unbound_local), TS_TEST(test_thread_exception), TS_TEST(test_thread_exception_named), TS_TEST(test_uncaught_trailing_blanks), TS_TEST(test_uncaught_line_breaks), TS_TEST(test_uncaught_group_close), TS_TEST(test_stderr_none), TS_TEST(test_replaced_c_function_errors), TS_TEST(test_socketpair_refused), TS_TEST(test_multiprocessing_lock_errors), TS_TEST(test_uncaught_no_threadsim_frame), TS_TEST(test_caught_no_threadsim_frame), TS_TEST(test_sys_exit_code), TS_TEST(test_sys_exit_message), TS_TEST(test_sys_exit_in_thread), TS_TEST(test_start_twice), TS_TEST(test_join_self), TS_TEST(test_join_unstarted), TS_TEST(test_builtin_open), TS_TEST(test_import_os), TS_TEST(test_import_subprocess), TS_TEST(test_import_socket), TS_TEST(test_builtin_eval), TS_TEST(test_builtin_exec), TS_TEST(test_builtin_import), TS_TEST(test_sandbox_open), TS_TEST(test_type_errors),
         TS_TEST(test_huge_timeouts), TS_TEST(test_refusals_look_like_c), TS_TEST(test_sleep_to_the_end_of_time))
