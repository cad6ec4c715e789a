# Closes every descriptor above 2, threadsim's pipe to its caller among
# them, so that the run's process ends with no result: threadsim's own
# failure (exit 127), not the program's, which explore reports as
# "FAILS: engine" whatever --fail-on says (tests/test_explore.c,
# test_engine_failure_is_its_own). Under python3 it prints "a" and "x":
# threadsim leaves the program its descriptors unguarded (see the issue's
# note); when it guards them, this test needs another way to fail.
import os
import threading

t = threading.Thread(target=print, args=("a",))
t.start()
os.closerange(3, 65536)
t.join()
print("x")
