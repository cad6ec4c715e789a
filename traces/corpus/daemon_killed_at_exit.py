# corpus: a daemon thread is killed when the program exits (its finally never runs), but only after non-daemon threads finish
import threading
import time

t0 = time.monotonic()


def stamp():
    return f"{time.monotonic() - t0:.1f}"


def monitor():
    n = 0
    try:
        while True:
            n += 1
            print(f"[{stamp()}] monitor: tick {n}")
            time.sleep(0.3)
    finally:
        print("monitor: cleanup (never printed for a daemon)")


def flush_logs():
    time.sleep(1.4)
    print(f"[{stamp()}] flusher: logs flushed")


threading.Thread(target=monitor, daemon=True, name="monitor").start()
flusher = threading.Thread(target=flush_logs, name="flusher")
flusher.start()

time.sleep(1.0)
alive = sorted(t.name for t in threading.enumerate())
print(f"[{stamp()}] main: done, threads alive: {alive}")
print(f"[{stamp()}] main: daemon={threading.current_thread().daemon}, exiting without joining")
