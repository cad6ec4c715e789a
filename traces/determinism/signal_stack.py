# A signal handler's stack is the interrupted code's, as under python3: no
# frame of threadsim's between them (raise_signal, os.kill and the handler's
# routing to the main thread are gates, C functions). signal_stack.out is
# python3.11's output but for the path, which python3 makes absolute.
import os
import signal
import sys
import time
import traceback


def handler(signum, frame):
    print("handler", signal.Signals(signum).name, "interrupted", frame.f_code.co_name,
          "line", frame.f_lineno)
    traceback.print_stack(file=sys.stdout)


def main():
    signal.signal(signal.SIGUSR1, handler)
    signal.raise_signal(signal.SIGUSR1)
    signal.signal(signal.SIGALRM, handler)
    signal.alarm(1)
    time.sleep(2)
    signal.raise_signal(signal.SIGALRM)  # a timer's signal: threadsim's virtual one
    os.kill(os.getpid(), signal.SIGUSR1)


main()
print("done")
