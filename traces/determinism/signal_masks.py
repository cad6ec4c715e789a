# pthread_sigmask, sigpending, sigwait and sigtimedwait of signals the
# program sends itself, against python3.11 (its bytes in signal_masks.out):
# a blocked signal is pending, not delivered (it killed the run: exit 138);
# sigwait in a thread takes it (it hung: the host's sigwait blocked every
# green thread); unblocking delivers it to its handler. Each thread has its
# own mask, a new thread its creator's: a worker blocking a signal does not
# block it for main.
import os
import signal
import threading
import time

old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
print("old:", old, "now:", signal.pthread_sigmask(signal.SIG_BLOCK, []))
os.kill(os.getpid(), signal.SIGUSR1)
print("survived; pending:", signal.sigpending())
print("sigwait:", signal.sigwait({signal.SIGUSR1}), signal.sigpending())


def waiter():
    print("got", signal.sigwait({signal.SIGUSR1}))


t = threading.Thread(target=waiter)
t.start()
time.sleep(0.1)
print("sending")
os.kill(os.getpid(), signal.SIGUSR1)
t.join()


def timed():
    print("timed:", signal.sigtimedwait({signal.SIGUSR1}, 0.2))


t = threading.Thread(target=timed)
t.start()
print("main continues")
t.join()


def sender():
    time.sleep(0.1)
    os.kill(os.getpid(), signal.SIGUSR1)


threading.Thread(target=sender).start()
r = signal.sigtimedwait({signal.SIGUSR1}, 1.0)
print("siginfo:", r.si_signo, r.si_code, r.si_pid == os.getpid(), r.si_uid == os.getuid())
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1})
signal.signal(signal.SIGUSR2, lambda s, f: print("handler", s))
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR2})
signal.raise_signal(signal.SIGUSR2)
print("blocked, pending", signal.sigpending())
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR2})
print("after unblock", signal.sigpending())
signal.pthread_sigmask(signal.SIG_SETMASK, {signal.SIGTERM, signal.SIGKILL})
print("mask", sorted(signal.pthread_sigmask(signal.SIG_BLOCK, set())))
for bad in ((99, set()), (signal.SIG_BLOCK, {0}), (signal.SIG_BLOCK, 5)):
    try:
        signal.pthread_sigmask(*bad)
    except (OSError, ValueError, TypeError) as e:
        print(type(e).__name__, e)
signal.pthread_sigmask(signal.SIG_SETMASK, set())
signal.signal(signal.SIGTERM, lambda s, f: print("handler ran"))


def blocker():
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    print("worker mask", signal.pthread_sigmask(signal.SIG_BLOCK, set()))
    time.sleep(0.3)


t = threading.Thread(target=blocker)
t.start()
time.sleep(0.05)
print("main mask", signal.pthread_sigmask(signal.SIG_BLOCK, set()))
os.kill(os.getpid(), signal.SIGTERM)
t.join()
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})


def inherits():
    print("inherited", signal.pthread_sigmask(signal.SIG_BLOCK, set()))
    print("waits", signal.sigwait({signal.SIGUSR1}))


t = threading.Thread(target=inherits)
t.start()
time.sleep(0.1)
os.kill(os.getpid(), signal.SIGUSR1)
t.join()
print("end")
