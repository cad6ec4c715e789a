# corpus: functools (partial, lru_cache, wraps, reduce, cached_property) in a threaded pricing service
import functools
import operator
import threading
import time

call_log = []
log_lock = threading.Lock()


def logged(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        result = func(*args, **kwargs)
        with log_lock:
            call_log.append((threading.current_thread().name, func.__name__, args, result))
        return result
    return wrapper


@functools.lru_cache(maxsize=32)
def exchange_rate(currency):
    time.sleep(0.1)  # a slow remote lookup
    return {"EUR": 1.0, "USD": 1.08, "GBP": 0.86}[currency]


@logged
def convert(amount, currency, fee=0.0):
    """Convert an amount in EUR to currency, minus a fee."""
    return round(amount * exchange_rate(currency) * (1 - fee), 2)


to_usd = functools.partial(convert, currency="USD", fee=0.01)
to_gbp = functools.partial(convert, currency="GBP")

# warm the cache before the workers start
exchange_rate("USD")
exchange_rate("GBP")

results = {}


def worker(name, conversions):
    results[name] = [f(amount) for f, amount in conversions]


threads = [
    threading.Thread(target=worker, args=("alice", [(to_usd, 100), (to_gbp, 100)]), name="alice"),
    threading.Thread(target=worker, args=("bob", [(to_usd, 250), (to_usd, 10)]), name="bob"),
    threading.Thread(target=worker, args=("carol", [(to_gbp, 42.5)]), name="carol"),
]
for t in threads:
    t.start()
for t in threads:
    t.join()

for name in sorted(results):
    print(f"{name}: {results[name]}")
print("calls:", len(call_log), "by", sorted({who for who, *_ in call_log}))
print(convert.__name__, "-", convert.__doc__)
print("wrapped:", convert.__wrapped__(10, "GBP"))
print("partial:", to_usd.func.__name__, to_usd.args, to_usd.keywords)
print(exchange_rate.cache_info())
grand_total = functools.reduce(operator.add, (sum(v) for v in results.values()), 0)
print(f"grand total: {grand_total:.2f}")
print("product:", functools.reduce(lambda a, b: a * b, range(1, 6)))


class Report:
    def __init__(self, rows):
        self.rows = rows

    @functools.cached_property
    def total(self):
        print("(computing total)")
        return sum(self.rows)


r = Report([3, 4, 5])
print(r.total, r.total)
