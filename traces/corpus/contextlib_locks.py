# corpus: contextlib (contextmanager, ExitStack, suppress, closing, nullcontext) around locks and queues in threads
import contextlib
import queue
import threading
import time

accounts = {name: threading.Lock() for name in ("ops", "dev", "qa")}
events = []


@contextlib.contextmanager
def holding(name):
    lock = accounts[name]
    lock.acquire()
    events.append(f"{threading.current_thread().name} +{name}")
    try:
        yield name
    finally:
        events.append(f"{threading.current_thread().name} -{name}")
        lock.release()


def audit(*names):
    # take all the locks in a fixed order; ExitStack releases them in reverse
    with contextlib.ExitStack() as stack:
        held = [stack.enter_context(holding(n)) for n in sorted(names)]
        stack.callback(events.append, f"{threading.current_thread().name} done {'+'.join(held)}")
        time.sleep(0.1)


t1 = threading.Thread(target=audit, args=("qa", "dev"), name="audit-1")
t2 = threading.Thread(target=audit, args=("ops", "dev"), name="audit-2")
t1.start()
t2.start()
t1.join()
t2.join()
print("\n".join(events))

work = queue.Queue()
for n in (1, 2, 3):
    work.put(n)
drained = []
with contextlib.suppress(queue.Empty):
    while True:
        drained.append(work.get_nowait())
print("drained:", drained)

with contextlib.suppress(KeyError):
    del accounts["finance"]
    print("not reached")
print("accounts:", sorted(accounts))


class Connection:
    def __init__(self, name):
        self.name = name

    def close(self):
        print(f"closing {self.name}")


def use(conn_name, locked):
    cm = accounts["ops"] if locked else contextlib.nullcontext()
    with cm, contextlib.closing(Connection(conn_name)) as conn:
        print(f"{threading.current_thread().name} using {conn.name}")


for args in (("db", True), ("cache", False)):
    t = threading.Thread(target=use, args=args)
    t.start()
    t.join()

with contextlib.ExitStack() as stack:
    for name in ("first", "second"):
        stack.callback(print, f"cleanup {name}")
    print("body done")
