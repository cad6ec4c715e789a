# threadsim: reset corpus: signal handlers installed by the run
import threading, signal
signal.signal(signal.SIGUSR1, lambda *a: print('usr1'))
signal.signal(signal.SIGINT, signal.SIG_IGN)
x = []
def f(i): x.append(i)
for i in range(3): threading.Thread(target=f, args=(i,)).start()
print(x)
