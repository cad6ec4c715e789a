# corpus: exception chaining (raise ... from ..., implicit __context__, from None) across worker threads, printed in the main thread
import threading
import traceback


class ConfigError(Exception):
    pass


CONFIGS = {
    "web": {"port": "8080", "host": "0.0.0.0"},
    "db": {"host": "db.local"},            # no port
    "cache": {"port": "eleven", "host": "cache.local"},
    "queue": {"port": "5672", "host": "mq.local"},
}
failures = {}
ports = {}


def parse_port(service):
    cfg = CONFIGS[service]
    try:
        return int(cfg["port"])
    except KeyError:
        # raised while handling the KeyError: chained implicitly (__context__)
        raise ConfigError(f"{service}: no port configured")
    except ValueError as exc:
        raise ConfigError(f"{service}: port is not a number") from exc


def load(service):
    try:
        ports[service] = parse_port(service)
    except ConfigError as exc:
        failures[service] = exc


def lookup(service):
    try:
        return CONFIGS[service]
    except KeyError:
        raise LookupError(f"unknown service {service!r}") from None


threads = [threading.Thread(target=load, args=(name,)) for name in CONFIGS]
for t in threads:
    t.start()
for t in threads:
    t.join()

print("ports:", ports)
for service in sorted(failures):
    exc = failures[service]
    print(f"{service}: {exc!r}")
    print(f"    __cause__   = {exc.__cause__!r}")
    print(f"    __context__ = {exc.__context__!r}")
    print(f"    suppress    = {exc.__suppress_context__}")

try:
    lookup("mail")
except LookupError as exc:
    print("lookup:", exc, "| cause:", exc.__cause__, "| suppressed:", exc.__suppress_context__)

print("--- formatted ---")
exc = failures["cache"]
print("".join(traceback.format_exception(exc)), end="")
