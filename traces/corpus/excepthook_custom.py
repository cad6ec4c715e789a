# corpus: a custom threading.excepthook that records failed threads instead of printing tracebacks, then restores the default
import threading
import traceback

failures = []


def record_failure(args):
    # args: exc_type, exc_value, exc_traceback, thread
    last = traceback.extract_tb(args.exc_traceback)[-1]
    failures.append((args.thread.name, args.exc_type.__name__, str(args.exc_value), last.name))
    print(f"[hook] {args.thread.name} failed with {args.exc_type.__name__}: {args.exc_value}")


def check_disk(path, free_gb):
    if free_gb < 10:
        raise OSError(f"{path}: only {free_gb} GB free")
    print(f"{path}: ok ({free_gb} GB free)")


def check_config(values):
    for key in ("host", "port", "user"):
        values[key]
    print("config: ok")


threading.excepthook = record_failure

checks = [
    threading.Thread(target=check_disk, args=("/", 120), name="disk-root"),
    threading.Thread(target=check_disk, args=("/var", 3), name="disk-var"),
    threading.Thread(target=check_config, args=({"host": "db", "port": 5432},), name="config"),
    threading.Thread(target=check_disk, args=("/home", 48), name="disk-home"),
]
for t in checks:
    t.start()
for t in checks:
    t.join()

print(f"{len(failures)} of {len(checks)} checks failed:")
for name, exc_type, message, function in failures:
    print(f"  {name:<10} {exc_type:<8} in {function}(): {message}")

threading.excepthook = threading.__excepthook__
print("hook restored:", threading.excepthook is threading.__excepthook__)


def quiet_exit():
    raise SystemExit(3)  # SystemExit in a thread is ignored silently


t = threading.Thread(target=quiet_exit)
t.start()
t.join()
print("SystemExit in a thread printed nothing")
