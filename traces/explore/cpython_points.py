# Where CPython 3.11 can switch threads, for `explore --choices cpython`
# (tests/test_explore.c): two threads each update eight counters, reading
# and writing each in two statements with something else between. Under
# python3.11 (sys.setswitchinterval(1e-6), 10^5 updates, measured on
# 2026-12-03) updates are lost where the middle statement calls a Python
# function, a C function (d.get, abs), the library's Python code, a
# generator, or ends a with statement; never where it computes, or calls
# len, isinstance or type(x) (instructions CPython 3.11 specializes without
# an eval-breaker check).
import os
import threading

c = dict.fromkeys(['plain', 'len', 'isinstance', 'pycall', 'ccall', 'with', 'library',
                   'generator'], 0)
lock = threading.Lock()


def f():
    pass


def gen():
    while True:
        yield


def work():
    g = gen()
    next(g)
    x = c['plain']
    y = x * 2 + 1
    c['plain'] = x + 1
    x = c['len']
    len(c)
    c['len'] = x + 1
    x = c['isinstance']
    isinstance(x, int)
    c['isinstance'] = x + 1
    x = c['pycall']
    f()
    c['pycall'] = x + 1
    x = c['ccall']
    c.get('ccall')
    c['ccall'] = x + 1
    x = c['with']
    with lock:
        y = x
    c['with'] = x + 1
    x = c['library']
    os.path.join('a', 'b')
    c['library'] = x + 1
    x = c['generator']
    next(g)
    c['generator'] = x + 1


threads = [threading.Thread(target=work) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(' '.join('%s=%d' % kv for kv in c.items()))
