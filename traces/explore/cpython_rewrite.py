# Under `explore --choices cpython` every call of the program's is compiled
# through the engine's call (model/cpy/ticks.py): this program's output
# must stay python3.11's, byte for byte, on every schedule
# (cpython_rewrite.out, tests/test_explore.c): annotations kept as text,
# zero-argument super(), locals() and eval() of the caller's frame,
# keyword and starred arguments (and their errors), decorators,
# generators, f-strings, a RecursionError's depth, and tracebacks with
# their lines and carets, over a method chain of several lines too.
from __future__ import annotations

import functools
import os
import threading
import traceback
import typing


def field(**kw):
    return kw


class Base:
    def __init__(self, x: typing.Annotated[int, field(gt=0)]):
        self.x = x


class Child(Base):
    def __init__(self, x, *, scale=2, **extra):
        super().__init__(x * scale)
        self.extra = dict(sorted(extra.items()))


def twice(fn):
    @functools.wraps(fn)
    def inner(*a, **k):
        return [fn(*a, **k) for _ in range(2)]
    return inner


@twice
def add(a, b=1) -> typing.Optional[int]:
    here = sorted(locals())
    return a + b + len(here) + eval('a')


def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)


def gen(n):
    yield from range(n)


results = {}
lock = threading.Lock()


def work(name, *args, **kwargs):
    c = Child(*args, **kwargs)
    with lock:
        results[name] = (c.x, c.extra, add(c.x, b=2), list(gen(3)), f"{max(*args, 0):>4}")


def fails():
    return {}['missing' + str(len(results))]


def hook(args):
    # the traceback as python3 prints it, its paths shown by file name
    # (python3 makes a script's path absolute, threadsim keeps it as given)
    text = ''.join(traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback))
    print(text.replace(os.path.dirname(__file__) + os.sep, '').replace(
        os.path.dirname(threading.__file__) + os.sep, ''), end='')


threading.excepthook = hook


def fwd(*a, **k):
    return a, k


class Query:
    def __init__(self, rows):
        self.rows = rows

    def where(self, pred):
        return Query([r for r in self.rows if pred(r)])

    def first(self):
        return self.rows[0]


def lookups():
    # calls with * and ** name their callee in their errors; a method
    # call's line is its name's, on a chain over several lines
    for bad in (lambda: fwd(*None), lambda: fwd(**[1]), lambda: fwd(a=1, **{'a': 2}),
                lambda: print(*None), lambda: dict(**{'a': 1}, a=3)):
        try:
            bad()
        except TypeError as e:
            print(e)
    print(fwd(*[1], **{'b': 2}), (Query([1, 2, 3])
                                  .where(lambda r: r > 1)
                                  .first()))
    (Query([])
     .where(bool)
     .first())


threads = [threading.Thread(target=work, args=('t%d' % i, i + 1), kwargs={'z': i, 'a': -i})
           for i in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
for k in sorted(results):
    print(k, results[k])
print(typing.get_type_hints(Base.__init__, include_extras=True)['x'].__metadata__)
print(add.__annotations__, add.__name__)
try:
    depth(5000)
except RecursionError as e:
    print('RecursionError:', e)
t = threading.Thread(target=fails, name='failing')
t.start()
t.join()
print(sum(x for x in range(10) if x % 3))
t = threading.Thread(target=lookups, name='lookups')
t.start()
t.join()


class Deep:
    def __getattr__(self, name):
        return getattr(self, name + 'x')


def probe():
    # how deep a recursion goes, and what the error says (the engine's
    # call must not count toward the limit)
    n = 0

    def f():
        nonlocal n
        n += 1
        f()
    try:
        f()
    except RecursionError as e:
        print(threading.current_thread().name, n, e)
    try:
        Deep().a
    except RecursionError as e:
        print(e)


probe()
t = threading.Thread(target=probe, name='prober')
t.start()
t.join()
