# A daemon thread woken at main's last line. CPython switches threads until
# its finalization begins (after threading._shutdown and atexit), so the
# daemon can print after `bye`: python3.11 printed `bye` then `daemon woke`
# in 1 of 30 runs through a pipe (most runs in a terminal, where print
# releases the GIL), `daemon woke` then `bye` or `bye` alone otherwise.
# explore offers the module's end as a choice (tests/test_explore.c).
import threading
import time


def d():
    time.sleep(0.01)
    print("daemon woke")


threading.Thread(target=d, daemon=True).start()
time.sleep(0.01)
print("bye")
