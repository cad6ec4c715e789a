# corpus: threading.Event with timeouts: clients poll wait(timeout) until a server is ready; a heartbeat stops on a stop event
import threading
import time

ready = threading.Event()
stop = threading.Event()
t0 = time.monotonic()


def now():
    return f"t={time.monotonic() - t0:.1f}"


def server():
    print(f"{now()} server: loading model")
    time.sleep(1.1)
    ready.set()
    print(f"{now()} server: ready")


def client(name, patience):
    attempts = 0
    while not ready.wait(timeout=patience):
        attempts += 1
        print(f"{now()} {name}: still waiting (attempt {attempts})")
        if attempts == 3:
            print(f"{now()} {name}: giving up")
            return
    print(f"{now()} {name}: connected after {attempts} timeouts")


def heartbeat(interval):
    beats = 0
    while not stop.wait(interval):
        beats += 1
    print(f"{now()} heartbeat: stopped after {beats} beats")


hb = threading.Thread(target=heartbeat, args=(0.25,))
hb.start()
threads = [
    threading.Thread(target=server),
    threading.Thread(target=client, args=("impatient", 0.3)),
    threading.Thread(target=client, args=("relaxed", 0.8)),
]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(f"{now()} is_set: {ready.is_set()}, wait() returns {ready.wait(0.1)}")
ready.clear()
print(f"{now()} after clear, wait(0.2) returns {ready.wait(0.2)}")
stop.set()
hb.join()
