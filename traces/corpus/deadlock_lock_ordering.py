# corpus: two transfers in opposite directions that would deadlock, made safe by always taking the locks in a global order
import threading
import time


class Account:
    def __init__(self, number, balance):
        self.number = number
        self.balance = balance
        self.lock = threading.Lock()

    def __repr__(self):
        return f"Account({self.number}, {self.balance})"


def transfer(src, dst, amount):
    # lock ordering: lower account number first, whatever the direction
    first, second = sorted((src, dst), key=lambda a: a.number)
    name = threading.current_thread().name
    with first.lock:
        print(f"{name}: locked {first.number}")
        time.sleep(0.1)  # widen the window: the other thread now wants the same locks
        with second.lock:
            print(f"{name}: locked {second.number}")
            src.balance -= amount
            dst.balance += amount
    print(f"{name}: moved {amount} from {src.number} to {dst.number}")


a = Account(1, 500)
b = Account(2, 300)
t1 = threading.Thread(target=transfer, args=(a, b, 100), name="a->b")
t2 = threading.Thread(target=transfer, args=(b, a, 50), name="b->a")
t1.start()
t2.start()
t1.join(timeout=5)
t2.join(timeout=5)
print("deadlocked:", t1.is_alive() or t2.is_alive())
print(a, b, "total", a.balance + b.balance)


# the naive version, detected with a timeout instead of hanging forever
def naive_transfer(src, dst, amount, patience, results):
    with src.lock:
        time.sleep(0.1)
        if dst.lock.acquire(timeout=patience):
            try:
                src.balance -= amount
                dst.balance += amount
            finally:
                dst.lock.release()
            results.append(f"{src.number}->{dst.number} ok")
        else:
            results.append(f"{src.number}->{dst.number} timed out waiting for {dst.number}")


results = []
t1 = threading.Thread(target=naive_transfer, args=(a, b, 100, 0.3, results))
t2 = threading.Thread(target=naive_transfer, args=(b, a, 50, 0.6, results))
t1.start()
t2.start()
t1.join()
t2.join()
print(*results, sep="\n")
print(a, b)
