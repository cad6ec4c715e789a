# Argument checks of the functions threadsim stands in for (queue.SimpleQueue,
# select, os.write, os._exit, time) raise what CPython 3.11's C functions raise
# (the .out is python3.11's output): a NaN timeout once looped for ever.
import threading, queue, select, os, time
nan = float("nan")
tests = [
 ("lock", lambda: threading.Lock().acquire(timeout=nan)),
 ("rlock", lambda: threading.RLock().acquire(timeout=nan)),
 ("sleep", lambda: time.sleep(nan)),
 ("simpleq", lambda: queue.SimpleQueue().get(timeout=nan)),
 ("select", lambda: select.select([os.pipe()[0]], [], [], nan)),
 ("select_str", lambda: select.select([], [], [], "1")),
 ("select_obj", lambda: select.select([object()], [], [], 0)),
 ("select_int", lambda: select.select(1, [], [], 0)),
 ("lock_neg", lambda: threading.Lock().acquire(timeout=-2)),
 ("sleep_neg", lambda: time.sleep(-1)),
 ("sleep_str", lambda: time.sleep("1")),
 ("sq_str", lambda: queue.SimpleQueue().get(True, "1")),
 ("sq_neg", lambda: queue.SimpleQueue().get(True, -1)),
 ("sq_args", lambda: queue.SimpleQueue(5)),
 ("sq_name", lambda: print(queue.SimpleQueue.__name__, queue.SimpleQueue().task_done)),
 ("sq_repr", lambda: print(repr(queue.SimpleQueue())[:26])),
 ("t_time", lambda: time.time(1)),
 ("t_sleep0", lambda: time.sleep()),
 ("t_sleepkw", lambda: time.sleep(seconds=1)),
 ("t_mono", lambda: time.monotonic(1)),
 ("os_write_str", lambda: os.write(1, "hi\n")),
 ("os_write_float", lambda: os.write(1.0, b"x")),
 ("os_exit0", lambda: os._exit()),
]
for name, f in tests:
    try:
        r = f()
        print(name, "->", r)
    except BaseException as e:
        print(name, "!", type(e).__name__, e)
