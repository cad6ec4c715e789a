# Main exits with status 3 when its thread has not run yet: a failing exit
# that is no uncaught exception (explore --fail-on exit, tests/test_explore.c).
import sys
import threading

ran = []
t = threading.Thread(target=lambda: ran.append(1))
t.start()
if not ran:
    sys.exit(3)
t.join()
print('ok')
