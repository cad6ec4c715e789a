# threadsim: where CPython specializes. Under the default policy and under
# explore's default choices (the program's own lines), the standard library
# runs untraced, so CPython 3.11 specializes its bytecode; `logging` comes
# warmed up before the program starts (model/cpy/preimport.py: _warm), with
# nothing of the warming visible to the program. With --choices line every
# frame is traced and nothing specializes. (The probe is a function that
# start-up never calls: site's builtins call posixpath.join, as python3's
# start-up does, and it arrives specialized.)
import dis
import logging
import posixpath
import threading


def ops(fn):
    return {i.opname for i in dis.get_instructions(fn, adaptive=True)}


print('logging warmed:', 'LOAD_GLOBAL_MODULE' in ops(logging.Logger._log))
print('logging state:', logging.root.handlers, len(logging._handlerList),
      dict(logging.Logger.manager.loggerDict), logging.root._cache,
      logging.root.level, logging.lastResort.level)


def work():
    for _ in range(100):
        posixpath.commonprefix(['/a/b', '/a/c'])


t = threading.Thread(target=work)
t.start()
work()
t.join()
print('library specialized:', 'LOAD_GLOBAL_MODULE' in ops(posixpath.commonprefix))
logging.basicConfig(level=logging.DEBUG, format='(%(threadName)-9s) %(message)s')
logging.debug('logs as usual')
