# corpus: threading.Condition with wait_for (predicate, timeout) and notify_all: customers waiting for stock
import threading
import time

stock = 0
stock_changed = threading.Condition()
t0 = time.monotonic()


def elapsed():
    return f"{time.monotonic() - t0:.1f}s"


def customer(name, wanted, patience):
    global stock
    with stock_changed:
        print(f"{elapsed()} {name} wants {wanted}")
        if stock_changed.wait_for(lambda: stock >= wanted, timeout=patience):
            stock -= wanted
            print(f"{elapsed()} {name} bought {wanted}, {stock} left")
        else:
            print(f"{elapsed()} {name} gave up after {patience}s")


def supplier(deliveries):
    global stock
    for delay, amount in deliveries:
        time.sleep(delay)
        with stock_changed:
            stock += amount
            print(f"{elapsed()} delivery of {amount}, stock {stock}")
            stock_changed.notify_all()


customers = [
    threading.Thread(target=customer, args=("ann", 3, 2.0)),
    threading.Thread(target=customer, args=("bob", 10, 0.9)),
    threading.Thread(target=customer, args=("cid", 1, 2.0)),
    threading.Thread(target=customer, args=("dee", 4, 2.0)),
]
for c in customers:
    c.start()
s = threading.Thread(target=supplier, args=([(0.3, 2), (0.4, 3), (0.5, 4)],))
s.start()
for c in customers:
    c.join()
s.join()
print(f"{elapsed()} closing with {stock} in stock")
