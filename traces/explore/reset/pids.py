# threadsim: reset corpus: process ids printed, a signal sent to itself
import logging
import os
import signal
import threading

logging.basicConfig(format='%(process)d %(threadName)s %(message)s', level=logging.INFO)
got = []
signal.signal(signal.SIGUSR1, lambda *a: got.append('usr1'))


def w(i):
    logging.info('worker %d in %d', i, os.getpid())


ts = [threading.Thread(target=w, args=(i,)) for i in range(2)]
for t in ts:
    t.start()
os.kill(os.getpid(), signal.SIGUSR1)
for t in ts:
    t.join()
try:
    os.kill(os.getppid(), 0)
except PermissionError as e:
    got.append(str(e))
print(os.getpid(), os.getppid(), got)
